/* libFuzzer target for the loader detection: the ld.so option parser (loader_args.c) and the
 * judgement (loader.c) on an exec event built from the bytes, with file access answered by a
 * fake probe whose facts the bytes choose. Layout: byte 0 and 1 are flags (below), the rest is
 * NUL-separated strings: exe, cwd, path0 name, then argv. Invariants: no crash; a run whose
 * program lies beyond the kept argv is never benign (unless --help/--version decided); the
 * target index lies inside argv. Built with clang (fuzz/run.sh loader); the corpus is replayed
 * by tests/fuzz_replay.c in make check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/config.h"
#include "detect/loader.h"
#include "detect/proctable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LD_REAL "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define INO_LD 100
#define F_COMPLETE 0x01         /* byte 0 */
#define F_SUCCESS 0x02
#define F_PATH0 0x04
#define F_PATH0_LD 0x08
#define F_IMAGE_LOADER 0x10
#define F_EXISTS 0x20
#define F_WORLD_WRITABLE 0x40
#define F_TMPFS 0x80
#define G_CUT_LAST 0x08         /* byte 1: low 3 bits are the target's x bits */
#define G_PROBE_ERROR 0x10
#define G_NO_PROBE 0x20
#define G_REAL_SELF 0x40

struct fake {
	uint8_t f, g;
};

static int fake_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t cap)
{
	const struct fake *fk = ctx;

	(void)exe;
	(void)expect;
	if (fk->g & G_PROBE_ERROR)
		return -5;
	if (!(fk->f & F_IMAGE_LOADER))
		return 0;
	snprintf(soname, cap, "ld-linux-x86-64.so.2");
	return 1;
}

static int fake_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	const struct fake *fk = ctx;

	memset(ret, 0, sizeof(*ret));
	if (fk->g & G_PROBE_ERROR)
		return -13;
	if (!(fk->f & F_EXISTS))
		return 0;
	ret->exists = true;
	ret->mode = S_IFREG | 0644 | ((fk->g & 1) ? 0100 : 0) | ((fk->g & 2) ? 010 : 0) |
		    ((fk->g & 4) ? 01 : 0);
	ret->owner = 1000;
	ret->size = 4096;
	ret->id = (struct file_id){ 0xfe, 0, 300, true };
	ret->dir_world_writable = (fk->f & F_WORLD_WRITABLE) != 0;
	ret->on_tmpfs = (fk->f & F_TMPFS) != 0;
	if (fk->g & G_REAL_SELF)
		snprintf(ret->real, sizeof(ret->real), "%s", path);
	return 0;
}

static struct config cfg;
static struct loader_set *known;
static struct proctable *procs;
static struct ldd_runs ldd;
static struct rec_event ev;
static char buf[65536 + 1];

static struct rec_str next_str(size_t *pos, size_t end)
{
	struct rec_str r = { buf + *pos, 0, false };

	r.len = strnlen(buf + *pos, end - *pos);
	*pos += r.len + (*pos + r.len < end ? 1 : 0);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file_id ld = { 0xfe, 0, INO_LD, true };
	struct fake fk;
	struct loader_probe probe = { fake_image_is_loader, fake_target_facts, &fk };
	struct loader_judge_ctx ctx;
	struct loader_opts o;
	struct loader_verdict v;
	size_t pos = 2;
	bool complete;

	if (!known) {
		if (config_defaults(&cfg) < 0 || !(known = loader_set_new()) ||
		    loader_set_add(known, LD_REAL, &ld) < 0 || !(procs = proctable_new(64)))
			abort();
	}
	if (size < 2 || size > sizeof(buf) - 1)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	fk.f = data[0];
	fk.g = data[1];
	complete = (fk.f & F_COMPLETE) && !(fk.g & G_CUT_LAST);

	memset(&ev, 0, offsetof(struct rec_event, paths));
	ev.kind = REC_EXEC;
	snprintf(ev.id, sizeof(ev.id), "1.000:1");
	ev.sec = 1000;
	ev.syscall_name = "execve";
	ev.success = (fk.f & F_SUCCESS) != 0;
	ev.pid = 500;
	ev.ppid = 400;
	ev.uid = ev.euid = ev.auid = 1000;
	ev.exe = next_str(&pos, size);
	ev.cwd = next_str(&pos, size);
	ev.comm = (struct rec_str){ "ld.so", 5, false };
	if (fk.f & F_PATH0) {
		struct rec_path *p = &ev.paths[ev.npaths++];

		memset(p, 0, sizeof(*p));
		p->item = 0;
		p->name = next_str(&pos, size);
		p->id = (struct file_id){ 0xfe, 0, (fk.f & F_PATH0_LD) ? INO_LD : 300, true };
		p->mode = S_IFREG | 0755;
		p->has_mode = true;
		ev.paths_seen = 1;
	}
	while (pos < size && ev.argc_kept < REC_MAX_ARGS)
		ev.argv[ev.argc_kept++] = next_str(&pos, size);
	ev.has_execve = ev.argc_kept > 0;
	ev.argc = ev.argc_kept;
	ev.argv_cut = !complete || pos < size;
	if (ev.argv_cut)
		ev.argc += 10;
	if ((fk.g & G_CUT_LAST) && ev.argc_kept > 0)
		ev.argv[ev.argc_kept - 1].cut = true;

	/* the parser alone */
	loader_parse_args(ev.argv, ev.argc_kept, !ev.argv_cut, &o);
	if (o.target >= (int)ev.argc_kept || o.target == 0 || o.nnames > 16)
		abort();
	if (ev.argv_cut && o.target < 0 && !o.version && !o.program_unknown)
		abort();
	if (o.program_unknown && !o.version && o.mode != LOADER_MODE_HELP && loader_opts_benign(&o))
		abort();

	/* the judgement */
	ctx = (struct loader_judge_ctx){ &cfg, known, procs, (fk.g & G_NO_PROBE) ? NULL : &probe,
					 &ldd, NULL };
	loader_judge(&ctx, &ev, &v);
	if ((unsigned)v.outcome > LOADER_SUPPRESSED || (unsigned)v.severity > SEV_CRITICAL)
		abort();
	if (v.outcome == LOADER_NOT)
		return 0;
	if (strnlen(v.target, sizeof(v.target)) == sizeof(v.target))
		abort();
	if (v.opts.program_unknown && (!v.target_cut || !(v.reasons & LR_ARGV_TRUNCATED)))
		abort();
	if (v.outcome == LOADER_SUPPRESSED && v.suppressed_by == LOADER_SUP_BENIGN_FORM &&
	    v.opts.program_unknown && !v.opts.version && v.opts.mode != LOADER_MODE_HELP)
		abort();
	return 0;
}
