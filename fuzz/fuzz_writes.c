/* libFuzzer target for the write path: a stream of write events (open/creat, rename, link,
 * chmod), clock ticks, execs and file changes built from the bytes, through writes_on_event,
 * writes_tick and writes_on_exec, with the fake file system of the unit tests (memfds;
 * tests/writes_fake.h) whose files the bytes describe. Layout: bytes 0..7 describe files
 * 0..7 (bit 0 exists, 1 ELF, 2 stat fails, 3 open fails, 4..7 size); then ops of 4 bytes
 * (kind | nametype << 3 | real dirfd << 6 | failed << 7, file, clock step, flags variant)
 * each followed by a NUL-terminated name. A real dirfd (3..6) sends a relative name through
 * the writer's descriptor (a fake /proc/PID/fd: a directory, a relative one, or gone, as pid
 * and fd make it) and the PARENT items' directories (a fake search by identity). Invariants: no crash or leak, nothing stays pending after
 * writes_flush, every name handed out is NUL-terminated in its bound. Built with clang
 * (fuzz/run.sh writes); the corpus is replayed by tests/fuzz_replay.c in make check. */
#include <stdint.h>
#include <stdlib.h>

#include "writes_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFILES 8
#define NAME_MAX_FUZZ 63

static const char *const nametypes[] = { "CREATE", "NORMAL", "DELETE", "PARENT", "UNKNOWN", "",
					 "CREATE", "NORMAL" };
static const char *const open_calls[] = { "openat", "open", "creat", "openat2" };
static const char *const chmod_calls[] = { "chmod", "fchmod", "fchmodat", "fchmodat2" };
static const unsigned long long oflags[] = { O_CREAT | O_WRONLY | O_TRUNC, O_WRONLY, O_RDWR,
					     O_RDONLY, O_WRONLY | O_APPEND, O_CREAT | O_EXCL | O_RDWR,
					     O_TMPFILE | O_WRONLY, 0x7fffffff };

static struct config cfg;
static int cfg_ready;

/* where the writer's descriptor pointed: a directory, one that normalises elsewhere, a
 * relative one (a broken /proc answer), or the writer gone */
static int fuzz_fd_path(void *ctx, long long pid, long long fd, char *out, size_t cap)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp/../../tmp/.", "relative", NULL };
	const char *d = dirs[(unsigned long long)(pid + fd) % 4];

	(void)ctx;
	if (!d)
		return -ESRCH;
	snprintf(out, cap, "%s", d);
	return 0;
}

/* a directory found by identity under the search dirs, or none */
static int fuzz_find_dir(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			 char *out, size_t cap)
{
	(void)ctx;
	(void)roots;
	if (id->ino % 3 == 0)
		return -ENOENT;
	snprintf(out, cap, "%s", id->ino % 3 == 1 ? "/tmp" : "/dev/shm");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_event ev;
	struct fake_fs fs;
	struct writes_fs wfs = { fake_stat, fake_open, fuzz_fd_path, fuzz_find_dir, &fs };
	struct judged j;
	struct writes *w;
	long long now = 0;
	size_t pos = NFILES;
	char name[NAME_MAX_FUZZ + 1];

	if (!cfg_ready) {
		if (config_defaults(&cfg) < 0)
			abort();
		/* small tables: fast to make per input, and full ones evict */
		cfg.writes.pending_size = 8;
		cfg.writes.recent_size = 8;
		cfg_ready = 1;
	}
	if (size < NFILES)
		return 0;
	memset(&fs, 0, sizeof(fs));
	memset(&j, 0, sizeof(j));
	for (unsigned i = 0; i < NFILES; i++) {
		struct fake_file *f = &fs.files[i];

		f->id = (struct file_id){ 0xfe, 0, 10 + i, true };
		snprintf(f->path, sizeof(f->path), "/tmp/f%u", i);
		f->exists = data[i] & 1;
		f->elf = data[i] & 2;
		f->stat_err = (data[i] & 4) ? -EACCES : 0;
		f->open_err = (data[i] & 8) ? -EIO : 0;
		f->size = (off_t)(data[i] >> 4) * 1000;
		f->mtime = 1;
	}
	w = writes_new(&cfg, NULL, &wfs, fake_judge, &j);
	if (!w)
		abort();
	writes_set_unjudged_hook(w, fake_unjudged);
	while (pos + 4 <= size) {
		const uint8_t *op = data + pos;
		unsigned kind = op[0] & 7, fi = op[1] % NFILES;
		struct fake_file *f = &fs.files[fi];
		size_t len;

		pos += 4;
		len = strnlen((const char *)data + pos, size - pos);
		memcpy(name, data + pos, len < NAME_MAX_FUZZ ? len : NAME_MAX_FUZZ);
		name[len < NAME_MAX_FUZZ ? len : NAME_MAX_FUZZ] = '\0';
		pos += len + 1;
		now += (long long)op[2] * 20;

		unsigned long long dirfd = (op[0] & 0x40) ? 3u + (op[2] & 3u) : (unsigned long long)-100;
		struct spec sp = { REC_OPEN, open_calls[op[3] & 3], dirfd,
				   (op[3] & 4) ? 0755 : 0644, oflags[(op[3] >> 3) & 7], name,
				   nametypes[(op[0] >> 3) & 7], 10 + fi,
				   (op[3] & 0x40) ? 0100755 : 0100644, NULL, NULL, 100 + (op[1] >> 3),
				   1000 + now / 1000 };
		switch (kind) {
		case 0:
		case 1:
			make(&ev, &sp);
			break;
		case 2:
			sp.kind = REC_RENAME;
			sp.syscall = (op[3] & 1) ? "renameat2" : "rename";
			make(&ev, &sp);
			ev.paths[2] = ev.paths[0];
			ev.paths[2].item = 2;
			ev.paths[3] = ev.paths[1];
			ev.paths[3].item = 3;
			snprintf(ev.paths[1].nametype, sizeof(ev.paths[1].nametype), "DELETE");
			ev.npaths = ev.paths_seen = 4;
			break;
		case 3:
			sp.kind = REC_CHMOD;
			sp.syscall = chmod_calls[op[3] & 3];
			sp.a1 = sp.a2 = (op[3] & 4) ? 0755 : 0644;
			make(&ev, &sp);
			break;
		case 4:
			sp.kind = REC_LINK;
			sp.syscall = (op[3] & 1) ? "linkat" : "link";
			make(&ev, &sp);
			break;
		case 5:
			writes_tick(w, now);
			continue;
		case 6: {
			const struct write_result *r;

			make(&ev, &sp);
			ev.kind = REC_EXEC;
			ev.syscall_name = "execve";
			r = writes_on_exec(w, (op[3] & 0x80) ? &(struct file_id){ 0 } : &f->id, name,
					   &ev, now);
			if (r && !memchr(r->file.path, '\0', sizeof(r->file.path)))
				abort();
			continue;
		}
		default:
			f->size += (off_t)op[3] * 16;
			f->mtime += op[3] & 1;
			if (op[3] & 0x80)
				f->exists = !f->exists;
			if (op[3] & 0x40)
				f->elf = !f->elf;
			continue;
		}
		ev.success = !(op[0] & 0x80);
		writes_on_event(w, &ev, now);
	}
	writes_flush(w, now + 3600 * 1000);
	if (writes_pending_count(w) != 0 || !memchr(j.last_path, '\0', sizeof(j.last_path)))
		abort();
	writes_free(w);
	return 0;
}
