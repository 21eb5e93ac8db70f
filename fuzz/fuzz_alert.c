/* libFuzzer target for the alert formatter: the input is cut into attacker strings (comm, exe,
 * cwd, key, argv, loader path and options, target, soname, realpath, parent lines, summary) and
 * numbers, formatted in one format (json, kv, ecs, text: the input's last byte picks it) at an
 * input-chosen bound and at 512 and 4096. Aborts when a line is longer than its bound, is not
 * one line, is not strict JSON / well-formed kv, has other than one "rule" (ECS: one rule and
 * one elfwatch), says "truncated" when nothing was cut (or not when something was), differs
 * from the unbounded line at a bound that line fits, or, as text, holds a control byte.
 * One format per input: four per input cost four times the time for the same code (the
 * fuzzer flips the last byte like any other); the corpus replay in make check (built with
 * FUZZ_ALERT_EVERY_FORMAT) checks every input in all four.
 * Built with clang (fuzz/run.sh alert); the corpus is replayed by tests/fuzz_replay.c. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "linecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *d;
	size_t n, off;
};

static unsigned take_u8(struct input *in)
{
	return in->off < in->n ? in->d[in->off++] : 0;
}

static long long take_num(struct input *in)
{
	unsigned long long v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | take_u8(in);
	return (long long)v;
}

/* Next string: a 2-byte length (up to 6000, so some exceed REC_STR_MAX) then the bytes. Length
 * 0xffff means NULL. */
static struct rec_str take_str(struct input *in)
{
	unsigned len = take_u8(in) << 8;
	struct rec_str r = { NULL, 0, false };

	len |= take_u8(in);
	if (len == 0xffff)
		return r;
	len %= 6001;
	if (len > in->n - in->off)
		len = (unsigned)(in->n - in->off);
	r.s = (const char *)in->d + in->off;
	r.len = len;
	in->off += len;
	return r;
}

/* Copy into a NUL-terminated array (C-string fields cannot hold NULs: cut at the first). */
static void take_arr(struct input *in, char *dst, size_t cap)
{
	struct rec_str r = take_str(in);
	size_t n = r.s ? r.len : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, r.s, n);
	dst[n] = '\0';
}

struct strings {                /* NUL-terminated copies for fields that are C strings */
	char summary[8192], host[256];
};

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);

	return n >= t && memcmp(s + n - t, tail, t) == 0;
}

static bool says_truncated(const char *s, size_t n, enum alert_format fmt)
{
	return fmt == FORMAT_JSON ? ends_with(s, n, ",\"truncated\":true}") :
	       fmt == FORMAT_ECS ? ends_with(s, n, "\"truncated\":true}}") :
	       ends_with(s, n, " truncated=true");
}

/* The unbounded line (no alert comes near 4 MiB): its bytes, whether it says truncated, and
 * whether check() has validated it yet. */
struct natural {
	struct strbuf sb;
	bool trunc, valid;
};

static void natural(const struct alert *a, enum alert_format fmt, struct natural *nat)
{
	if (!nat->sb.data && strbuf_init(&nat->sb, 1 << 22) < 0)
		abort();
	if (alert_format(a, fmt, 1 << 22, &nat->sb) < 0)
		abort();
	nat->trunc = says_truncated(nat->sb.data, nat->sb.len, fmt);
	nat->valid = false;
}

static void check(const struct alert *a, enum alert_format fmt, size_t max, struct natural *nat)
{
	static const char *const keys_json[] = { "rule", "truncated" };
	static const char *const keys_ecs[] = { "rule", "elfwatch" };
	static struct strbuf sb;
	int counts[2];
	char err[160];
	bool valid, trunc;
	int r;

	if (!sb.data && strbuf_init(&sb, 65536) < 0)
		abort();
	r = alert_format(a, fmt, max, &sb);
	if (sb.len > max || strlen(sb.data) != sb.len || !line_single(sb.data, sb.len))
		abort();
	if (fmt == FORMAT_TEXT) {
		/* for a terminal: no control byte, no ESC, no DEL */
		for (size_t i = 0; i < sb.len; i++)
			if ((unsigned char)sb.data[i] < 0x20 || sb.data[i] == 0x7f)
				abort();
		return;
	}
	if (nat->sb.len <= max) {
		/* it fits: the unbounded line itself, checked once for all the bounds it fits */
		if (r < 0 || sb.len != nat->sb.len || memcmp(sb.data, nat->sb.data, sb.len) != 0) {
			fprintf(stderr, "at %zu not the unbounded line (%zu bytes): %.*s\n", max,
				nat->sb.len, (int)sb.len, sb.data);
			abort();
		}
		if (nat->valid)
			return;
		nat->valid = true;
	}
	if (r < 0)
		return; /* only for bounds below the fallback line; never at 512 and above */
	valid = fmt == FORMAT_KV ? kv_check(sb.data, sb.len, keys_json, counts, 2, err, sizeof(err)) :
		json_check(sb.data, sb.len, fmt == FORMAT_ECS ? keys_ecs : keys_json, counts, 2, err,
			   sizeof(err));
	if (!valid) {
		fprintf(stderr, "invalid %s line (%s): %.*s\n", config_format_name(fmt), err,
			(int)sb.len, sb.data);
		abort();
	}
	trunc = fmt == FORMAT_ECS ? says_truncated(sb.data, sb.len, fmt) : counts[1] == 1;
	if (counts[0] != 1 || (fmt == FORMAT_ECS ? counts[1] != 1 : counts[1] > 1) ||
	    trunc != (nat->trunc || nat->sb.len > max)) {
		fprintf(stderr, "rule x%d truncated %d (unbounded %zu, max %zu): %.*s\n", counts[0],
			trunc, nat->sb.len, max, (int)sb.len, sb.data);
		abort();
	}
	/* at a bound the configuration allows, never the stub: the process and the loader stay */
	if (max >= 4096 &&
	    (!strstr(sb.data, fmt != FORMAT_KV ? "\"process\":{\"pid\":" : " process_pid=") ||
	     (a->loader && !strstr(sb.data, fmt != FORMAT_KV ? "\"loader\":{\"path\":" :
				   " loader_path=")))) {
		fprintf(stderr, "incomplete alert at %zu: %.*s\n", max, (int)sb.len, sb.data);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_event ev;
	static struct loader_verdict v;
	static struct proc_entry lineage[ALERT_LINEAGE_MAX];
	static struct strings str;
	static struct rec_str opt_str[4];
	static const char *const reason_words[] = { "target_in_writable_dir", "loader_copy",
						    "preload_injection", "argv0_mismatch" };
	static struct natural nat;
	struct input in;
	struct alert a;
	unsigned flags, nargs, max_sel, fmt_sel = 0;

	if (size > 1 << 18)
		return 0;
	if (size > 0)
		fmt_sel = data[--size] % FORMAT_COUNT;
	in = (struct input){ data, size, 0 };
	memset(&ev, 0, sizeof(ev));
	memset(&v, 0, sizeof(v));
	memset(lineage, 0, sizeof(lineage));
	memset(&a, 0, sizeof(a));

	flags = take_u8(&in);
	max_sel = take_u8(&in) << 8;
	max_sel |= take_u8(&in);
	ev.kind = REC_EXEC;
	ev.sec = (time_t)take_num(&in);
	ev.msec = take_u8(&in) * 4u;
	ev.serial = (unsigned long)take_num(&in);
	snprintf(ev.id, sizeof(ev.id), "%lld.%03u:%lu", (long long)ev.sec, ev.msec, ev.serial);
	ev.syscall_name = flags & 1 ? "execve" : flags & 2 ? "execveat" : NULL;
	ev.success = flags & 4;
	ev.exit = take_num(&in);
	ev.pid = take_num(&in);
	ev.ppid = take_num(&in);
	ev.uid = take_num(&in);
	ev.euid = take_num(&in);
	ev.auid = take_num(&in);
	ev.ses = take_num(&in);
	take_arr(&in, ev.tty, sizeof(ev.tty));
	ev.comm = take_str(&in);
	ev.exe = take_str(&in);
	ev.cwd = take_str(&in);
	ev.key = take_str(&in);
	nargs = take_u8(&in) % (REC_MAX_ARGS + 1);
	for (unsigned i = 0; i < nargs; i++)
		ev.argv[i] = take_str(&in);
	ev.argc_kept = nargs;
	ev.argc = take_num(&in);
	ev.argv_cut = flags & 8;

	v.outcome = LOADER_ALERT;
	v.severity = (enum severity)(take_u8(&in) % (SEV_COUNT + 1));
	v.reasons = (uint32_t)take_num(&in);
	v.matched_by = flags & 16 ? LOADER_MATCH_CONTENT : LOADER_MATCH_EXE_PATH;
	v.loader_path = take_str(&in);
	take_arr(&in, v.soname, sizeof(v.soname));
	take_arr(&in, v.target, sizeof(v.target));
	v.target_cut = (v.reasons & LR_ARGV_TRUNCATED) != 0;
	v.have_facts = flags & 32;
	v.facts.exists = flags & 64;
	v.facts.mode = (mode_t)take_num(&in);
	v.facts.size = (off_t)take_num(&in);
	v.facts.owner = (uid_t)take_num(&in);
	v.facts.id.major = (uint32_t)take_num(&in);
	v.facts.id.minor = (uint32_t)take_num(&in);
	v.facts.id.ino = (uint64_t)take_num(&in);
	take_arr(&in, v.facts.real, sizeof(v.facts.real));
	for (unsigned i = 0; i < 4; i++)
		opt_str[i] = take_str(&in);
	v.opts.preload = opt_str[0].s ? &opt_str[0] : NULL;
	v.opts.audit = opt_str[1].s ? &opt_str[1] : NULL;
	v.opts.library_path = opt_str[2].s ? &opt_str[2] : NULL;
	v.opts.argv0 = opt_str[3].s ? &opt_str[3] : NULL;
	v.opts.nnames = take_u8(&in) % 17;
	for (unsigned i = 0; i < v.opts.nnames; i++)
		v.opts.names[i] = i % 2 ? "--preload" : "--argv0";

	a.rule = flags & 128 ? "loader_exec" : "dropped_exec";
	a.severity = v.severity;
	a.mitre = &MITRE_LOADER_EXEC;
	take_arr(&in, str.host, sizeof(str.host));
	a.host = str.host;
	a.ev = &ev;
	a.loader = take_u8(&in) % 4 ? &v : NULL;
	a.nlineage = take_u8(&in) % (ALERT_LINEAGE_MAX + 1);
	for (size_t i = 0; i < a.nlineage; i++) {
		lineage[i].pid = take_num(&in);
		lineage[i].ppid = take_num(&in);
		lineage[i].uid = take_num(&in);
		lineage[i].auid = take_num(&in);
		take_arr(&in, lineage[i].exe, sizeof(lineage[i].exe));
		take_arr(&in, lineage[i].image, sizeof(lineage[i].image));
		take_arr(&in, lineage[i].comm, sizeof(lineage[i].comm));
		take_arr(&in, lineage[i].argv, sizeof(lineage[i].argv));
		a.lineage[i] = &lineage[i];
	}
	a.nreasons = take_u8(&in) % (ALERT_REASONS_MAX + 1);
	for (size_t i = 0; i < a.nreasons; i++)
		a.reasons[i] = reason_words[i % 4];
	if (take_u8(&in) % 8) {
		take_arr(&in, str.summary, sizeof(str.summary));
		a.summary = str.summary;
	}

	for (unsigned f = 0; f < FORMAT_COUNT; f++) {
		enum alert_format fmt = (enum alert_format)f;

#ifndef FUZZ_ALERT_EVERY_FORMAT
		if (f != fmt_sel)
			continue;
#endif
		if (fmt != FORMAT_TEXT)
			natural(&a, fmt, &nat);
		/* 4096 first: a line that fits several bounds is validated once, at the first, and
		 * the check for the stub applies from 4096 on */
		check(&a, fmt, 4096, &nat);
		check(&a, fmt, 512 + max_sel % (65536 - 512 + 1), &nat);
		check(&a, fmt, 512, &nat);
	}
	(void)fmt_sel;
	return 0;
}
