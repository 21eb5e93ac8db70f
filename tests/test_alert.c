/* alert: whatever the attacker put in argv, paths, comm, the ELF soname or the parent's command
 * line, the alert stays one line within its bound, valid JSON (or a well-formed kv line), with
 * exactly one "rule", and "truncated" exactly when something was cut. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "linecheck.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct rec_str S(const char *s)
{
	struct rec_str r = { s, s ? strlen(s) : 0, false };
	return r;
}

static struct rec_str SN(const char *s, size_t n)
{
	struct rec_str r = { s, n, false };
	return r;
}

/* Everything an alert can show, owned here. */
struct fixture {
	struct rec_event ev;
	struct loader_verdict v;
	struct proc_entry parent, grand;
	struct alert a;
};

static void fixture_plain(struct fixture *f)
{
	static const struct rec_str argv_plain[] = {
		{ "/lib64/ld-linux-x86-64.so.2", 27, false }, { "/tmp/payload", 12, false } };

	memset(f, 0, sizeof(*f));
	f->ev.kind = REC_EXEC;
	snprintf(f->ev.id, sizeof(f->ev.id), "1795364529.957:5");
	f->ev.sec = 1795364529;
	f->ev.msec = 957;
	f->ev.serial = 5;
	f->ev.arch = 0xc000003e;
	f->ev.syscall = 59;
	f->ev.syscall_name = "execve";
	f->ev.success = true;
	f->ev.pid = 2440;
	f->ev.ppid = 2423;
	f->ev.uid = f->ev.euid = 0;
	f->ev.auid = f->ev.ses = REC_AUID_UNSET;
	snprintf(f->ev.tty, sizeof(f->ev.tty), "(none)");
	f->ev.comm = S("ld-linux-x86-64");
	f->ev.exe = S("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
	f->ev.cwd = S("/tmp");
	f->ev.key = S("elfwatch_exec");
	f->ev.argv[0] = argv_plain[0];
	f->ev.argv[1] = argv_plain[1];
	f->ev.argc_kept = 2;
	f->ev.argc = 2;

	f->v.outcome = LOADER_ALERT;
	f->v.severity = SEV_CRITICAL;
	f->v.reasons = LR_TARGET_IN_WRITABLE_DIR;
	f->v.matched_by = LOADER_MATCH_EXE_PATH;
	f->v.loader_path = S("/lib64/ld-linux-x86-64.so.2");
	f->v.opts.target = 1;
	snprintf(f->v.target, sizeof(f->v.target), "/tmp/payload");

	f->a.rule = "loader_exec";
	f->a.severity = SEV_CRITICAL;
	f->a.mitre = &MITRE_LOADER_EXEC;
	f->a.host = "host1";
	f->a.ev = &f->ev;
	f->a.loader = &f->v;
	f->a.reasons[f->a.nreasons++] = "target_in_writable_dir";
	f->a.summary = "/tmp/payload run through the dynamic loader";
}

/* Attacker strings: forged fields and lines in both syntaxes, NUL, invalid UTF-8, U+2028. */
static const char *const hostile[] = {
	"x\" ,\"rule\":\"forged",
	"a\n{\"rule\":\"x\"}",
	"x\" rule=\"forged",
	"end\\",
	"\r\ninjected=1",
	"\xff\xfe\xc3(\xe2\x80\xa8\xe2\x80\xa9\xed\xa0\x80",
	"\x1b[31mred\x1b[0m\x7f",
	"\"}]}\"",
	"\xf0\x9f\x98\x80 emoji \xc3\xa9",
};
static const char nul_arg[] = "before\0\"rule\":\"after";

static void fixture_hostile(struct fixture *f, int variant)
{
	const char *h = hostile[variant % N_ELEMS(hostile)];
	const char *h2 = hostile[(variant + 1) % N_ELEMS(hostile)];
	static struct rec_str preload, audit, libpath, argv0opt;

	fixture_plain(f);
	f->ev.comm = S(h);
	f->ev.exe = S(h2);
	f->ev.cwd = S(h);
	f->ev.key = S(h2);
	snprintf(f->ev.tty, sizeof(f->ev.tty), "%.15s", h);
	f->ev.argv[0] = S(h);
	f->ev.argv[1] = SN(nul_arg, sizeof(nul_arg) - 1);
	f->ev.argv[2] = S(h2);
	f->ev.argc_kept = 3;
	f->ev.argc = 7;
	f->ev.argv_cut = true;

	f->v.loader_path = S(h2);
	f->v.matched_by = LOADER_MATCH_CONTENT;
	f->v.reasons = LR_LOADER_COPY | LR_PRELOAD_INJECTION | LR_ARGV0_OPTION;
	snprintf(f->v.soname, sizeof(f->v.soname), "%.63s", h);
	snprintf(f->v.target, sizeof(f->v.target), "/tmp/%s", h);
	f->v.have_facts = true;
	f->v.facts.exists = true;
	f->v.facts.mode = 0100644;
	f->v.facts.size = 12345;
	f->v.facts.id.major = 0xfe;
	f->v.facts.id.ino = 99;
	snprintf(f->v.facts.real, sizeof(f->v.facts.real), "/real/%s", h2);
	preload = S(h);
	audit = S(h2);
	libpath = S(h);
	argv0opt = S(h2);
	f->v.opts.preload = &preload;
	f->v.opts.audit = &audit;
	f->v.opts.library_path = &libpath;
	f->v.opts.argv0 = &argv0opt;
	f->v.opts.names[0] = "--preload";
	f->v.opts.names[1] = "--audit";
	f->v.opts.names[2] = "--argv0";
	f->v.opts.nnames = 3;

	f->parent.pid = 2423;
	f->parent.ppid = 1;
	snprintf(f->parent.exe, sizeof(f->parent.exe), "%s", h);
	snprintf(f->parent.image, sizeof(f->parent.image), "%s", h2);
	snprintf(f->parent.comm, sizeof(f->parent.comm), "%.31s", h2);
	snprintf(f->parent.argv, sizeof(f->parent.argv), "sh -c %s", h);
	f->grand = f->parent;
	f->grand.pid = 1;
	f->a.lineage[0] = &f->parent;
	f->a.lineage[1] = &f->grand;
	f->a.lineage[2] = &f->grand;
	f->a.nlineage = 3;
	f->a.reasons[f->a.nreasons++] = "loader_copy";
	f->a.reasons[f->a.nreasons++] = "preload_injection";
	f->a.summary = h;
}

/* Long strings: 5000-byte exe (over REC_STR_MAX, so cut at any bound), 256 arguments. */
static char long_a[5000], long_b[REC_STR_MAX];

static void fixture_huge(struct fixture *f)
{
	fixture_hostile(f, 0);
	memset(long_a, 'A', sizeof(long_a));
	for (size_t i = 0; i + 3 <= sizeof(long_b); i += 3)
		memcpy(long_b + i, "\xe2\x82\xac", 3); /* euro signs: cuts must fall between them */
	long_b[sizeof(long_b) - 1] = '\0';
	f->ev.exe = SN(long_a, sizeof(long_a));
	for (unsigned i = 0; i < REC_MAX_ARGS; i++)
		f->ev.argv[i] = i % 2 ? S(hostile[i % N_ELEMS(hostile)]) : S(long_b);
	f->ev.argc_kept = REC_MAX_ARGS;
	f->ev.argc = 100000;
	snprintf(f->v.target, sizeof(f->v.target), "%s", long_b);
	memset(f->v.facts.real, '/', sizeof(f->v.facts.real) - 1);
	f->v.facts.real[sizeof(f->v.facts.real) - 1] = '\0';
	f->a.summary = long_b;
}

static const char *const counted[] = { "rule", "truncated", "severity", "event" };
static const char *const counted_kv[] = { "rule", "truncated", "severity", "event_id" };
/* ECS: "truncated" lives in elfwatch, the last object, as its last member */
static const char *const counted_ecs[] = { "rule", "elfwatch", "@timestamp", "event" };
#define ECS_TRUNC "\"truncated\":true}}"

static const char *fmt_name(enum alert_format fmt)
{
	return config_format_name(fmt);
}

/* A text line for a terminal: printable, one line, nothing a terminal would act on. */
static bool text_clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);

	return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* Format a in fmt at max and check every invariant. Returns the number of failures and, in
 * *ret_trunc, whether "truncated" appeared. */
static int check_line(const struct alert *a, enum alert_format fmt, size_t max, bool want_trunc,
		      const char *what)
{
	struct strbuf sb;
	int counts[4] = { 0 }, fails = 0;
	char err[200];
	bool valid;
	int r;

	if (strbuf_init(&sb, max) < 0)
		return 1;
	r = alert_format(a, fmt, max, &sb);
	const char *fname = fmt_name(fmt);
	if (!tap_ok(r == 0, "%s %s %zu: formatted", what, fname, max))
		fails++;
	if (!tap_ok(sb.len <= max && strlen(sb.data) == sb.len, "%s %s %zu: length %zu within bound",
		    what, fname, max, sb.len))
		fails++;
	if (!tap_ok(line_single(sb.data, sb.len), "%s %s %zu: one line", what, fname, max))
		fails++;
	if (fmt == FORMAT_TEXT) {
		char head[64];

		if (!tap_ok(text_clean(sb.data, sb.len), "%s text %zu: no control byte, no ESC", what, max))
			fails++;
		snprintf(head, sizeof(head), " %s ", a->rule);
		if (!tap_ok(sb.len > 20 && sb.data[4] == '-' && strstr(sb.data, head) &&
			    strstr(sb.data, head) - sb.data < 40,
			    "%s text %zu: time, severity, rule first", what, max))
			fails++;
		goto out;
	}
	if (fmt == FORMAT_KV)
		valid = kv_check(sb.data, sb.len, counted_kv, counts, 4, err, sizeof(err));
	else
		valid = json_check(sb.data, sb.len, fmt == FORMAT_ECS ? counted_ecs : counted, counts, 4,
				   err, sizeof(err));
	if (!tap_ok(valid, "%s %s %zu: %s", what, fname, max,
		    fmt == FORMAT_KV ? "well-formed kv, no duplicate key" : "valid JSON, no duplicate key")) {
		tap_diag("  %s", err);
		fails++;
	}
	if (fmt == FORMAT_ECS) {
		bool trunc = ends_with(sb.data, sb.len, ECS_TRUNC);

		if (!tap_ok(counts[0] == 1 && counts[1] == 1 && counts[3] == 1 &&
			    counts[2] == 1,
			    "%s ecs %zu: exactly one rule, event, elfwatch, @timestamp", what, max))
			fails++;
		if (!tap_ok(trunc == want_trunc, "%s ecs %zu: elfwatch.truncated %s", what, max,
			    want_trunc ? "present" : "absent"))
			fails++;
		if (!tap_ok(strncmp(sb.data, "{\"@timestamp\":\"", 15) == 0,
			    "%s ecs %zu: starts with @timestamp", what, max))
			fails++;
		goto out;
	}
	if (!tap_ok(counts[0] == 1 && counts[2] == 1 && counts[3] == 1,
		    "%s %s %zu: exactly one rule, severity, event", what, fname, max))
		fails++;
	if (!tap_ok((counts[1] == 1) == want_trunc && counts[1] <= 1,
		    "%s %s %zu: truncated %s", what, fname, max, want_trunc ? "present" : "absent"))
		fails++;
	/* The rule is the first thing on the line and cannot be forged. */
	char head[64];

	snprintf(head, sizeof(head), fmt == FORMAT_JSON ? "{\"rule\":\"%s\"," : "rule=\"%s\" ", a->rule);
	if (!tap_ok(strncmp(sb.data, head, strlen(head)) == 0, "%s %s %zu: starts with the rule", what,
		    fname, max))
		fails++;
out:
	if (fails || getenv("ALERT_TEST_VERBOSE"))
		tap_diag("  line: %.*s", (int)(sb.len > 1200 ? 1200 : sb.len), sb.data);
	strbuf_free(&sb);
	return fails;
}

/* The untruncated length of a's line and whether it is truncated even so (strings over
 * REC_STR_MAX are always cut). */
static size_t natural(const struct alert *a, enum alert_format fmt, bool *ret_trunc)
{
	struct strbuf sb;
	size_t len;

	if (strbuf_init(&sb, 1 << 22) < 0)
		return 0;
	alert_format(a, fmt, 1 << 22, &sb);
	len = sb.len;
	*ret_trunc = fmt == FORMAT_JSON ? strstr(sb.data, ",\"truncated\":true}") != NULL :
		     fmt == FORMAT_ECS ? ends_with(sb.data, len, ECS_TRUNC) :
		     (len >= 15 && strcmp(sb.data + len - 15, " truncated=true") == 0);
	strbuf_free(&sb);
	return len;
}

static void matrix(const struct alert *a, const char *what)
{
	static const size_t bounds[] = { 512, 600, 1024, 4096, 65536 };
	static const enum alert_format fmts[] = { FORMAT_JSON, FORMAT_KV, FORMAT_ECS, FORMAT_TEXT };

	for (size_t f = 0; f < N_ELEMS(fmts); f++) {
		bool nat_trunc = false;
		size_t nat = natural(a, fmts[f], &nat_trunc);

		tap_diag("%s %s: %zu bytes unbounded%s", what, fmt_name(fmts[f]),
			 nat, nat_trunc ? ", strings over REC_STR_MAX cut" : "");

		for (size_t b = 0; b < N_ELEMS(bounds); b++)
			check_line(a, fmts[f], bounds[b], nat_trunc || nat > bounds[b], what);
	}
}

static char *format(const struct alert *a, enum alert_format fmt, size_t max)
{
	struct strbuf sb;

	if (strbuf_init(&sb, max) < 0)
		return NULL;
	alert_format(a, fmt, max, &sb);
	return sb.data; /* caller frees */
}

static void test_exact(void)
{
	struct fixture f;
	char *j, *k;

	fixture_plain(&f);
	j = format(&f.a, FORMAT_JSON, 4096);
	k = format(&f.a, FORMAT_KV, 4096);
	tap_ok(j && strstr(j, "\"mitre\":{\"tactic\":\"TA0005\",\"tactic_name\":\"Defense Evasion\","
			      "\"technique\":\"T1574\",\"technique_name\":\"Hijack Execution Flow\"}"),
	       "json: MITRE object");
	tap_ok(j && strstr(j, "\"event\":{\"id\":\"1795364529.957:5\",\"time\":\"2026-11-22T"),
	       "json: event id and ISO time");
	tap_ok(j && strstr(j, "\"auid\":-1,\"ses\":-1"), "json: unset auid/ses print -1");
	tap_ok(j && strstr(j, "\"argv\":[\"/lib64/ld-linux-x86-64.so.2\",\"/tmp/payload\"],\"argc\":2,"
			      "\"argv_truncated\":false"), "json: argv array");
	tap_ok(j && strstr(j, "\"parent\":{\"pid\":2423,\"known\":false}"), "json: unknown parent");
	tap_ok(j && strstr(j, "\"reasons\":[\"target_in_writable_dir\"]"), "json: reasons");
	tap_ok(j && !strstr(j, "truncated\":true"), "json: plain alert not truncated");
	tap_ok(k && strstr(k, " process_argv0=\"/lib64/ld-linux-x86-64.so.2\" process_argv1=\"/tmp/payload\""
			      " process_argc=2 process_argv_truncated=false"), "kv: flattened argv");
	tap_ok(k && strstr(k, " mitre_technique=\"T1574\""), "kv: flattened MITRE");
	tap_ok(k && strstr(k, " reasons=\"target_in_writable_dir\""), "kv: reasons as one value");
	tap_ok(k && strstr(k, " loader_target=\"/tmp/payload\""), "kv: loader target");
	free(j);
	free(k);

	fixture_hostile(&f, 0);
	j = format(&f.a, FORMAT_JSON, 65536);
	k = format(&f.a, FORMAT_KV, 65536);
	tap_ok(j && strstr(j, "\"comm\":\"x\\\" ,\\\"rule\\\":\\\"forged\""), "json: forged field escaped");
	tap_ok(j && strstr(j, "\"before\\u0000\\\"rule\\\":\\\"after\""), "json: NUL inside an argument kept");
	tap_ok(k && strstr(k, "process_comm=\"x\\x22 ,\\x22rule\\x22:\\x22forged\""), "kv: forged field escaped");
	tap_ok(k && strstr(k, "=\"before\\x00\\x22rule\\x22:\\x22after\""), "kv: NUL inside an argument kept");
	tap_ok(j && strstr(j, "\"argc\":7,\"argv_truncated\":true"), "json: argv cut upstream is reported");
	free(j);
	free(k);
}

/* ECS: each alert field under the name ECS gives it (docs/ecs.md), what ECS lacks under
 * elfwatch, ids as keywords, unset audit ids left out, sub-techniques split. */
static void test_ecs_exact(void)
{
	static struct fixture f;
	static struct written_file wf;
	static struct elf_report rep;
	struct stat st;
	char err[200], *j;

	fixture_plain(&f);
	j = format(&f.a, FORMAT_ECS, 4096);
	tap_ok(j && json_check(j, strlen(j), NULL, NULL, 0, err, sizeof(err)), "ecs: valid JSON");
	tap_ok(j && strncmp(j, "{\"@timestamp\":\"2026-11-22T", 26) == 0 &&
	       strstr(j, "\"ecs\":{\"version\":\"8.11.0\"}"), "ecs: @timestamp first, ecs.version");
	tap_ok(j && strstr(j, "\"event\":{\"kind\":\"alert\",\"module\":\"elfwatch\",\"dataset\":\"elfwatch.alert\","
			      "\"category\":[\"process\",\"intrusion_detection\"],\"type\":[\"start\",\"info\"],"
			      "\"action\":\"loader_exec\",\"outcome\":\"success\",\"id\":\"1795364529.957:5\","
			      "\"severity\":5,\"risk_score\":99}"), "ecs: event");
	tap_ok(j && strstr(j, "\"rule\":{\"name\":\"loader_exec\",\"ruleset\":\"elfwatch\"}") &&
	       strstr(j, "\"log\":{\"level\":\"critical\"}"), "ecs: rule.name, log.level");
	tap_ok(j && strstr(j, "\"threat\":{\"framework\":\"MITRE ATT&CK\",\"tactic\":{\"id\":\"TA0005\","
			      "\"name\":\"Defense Evasion\"") &&
	       strstr(j, "\"technique\":{\"id\":\"T1574\",\"name\":\"Hijack Execution Flow\""),
	       "ecs: threat tactic and technique");
	tap_ok(j && strstr(j, "\"process\":{\"pid\":2440,\"name\":\"ld-linux-x86-64\",\"executable\":"
			      "\"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\",\"working_directory\":\"/tmp\","
			      "\"args\":[\"/lib64/ld-linux-x86-64.so.2\",\"/tmp/payload\"],\"args_count\":2,"
			      "\"user\":{\"id\":\"0\"},\"real_user\":{\"id\":\"0\"},\"parent\":{\"pid\":2423}}"),
	       "ecs: process with args, users as keywords, parent");
	tap_ok(j && strstr(j, "\"elfwatch\":{\"event\":{\"syscall\":\"execve\",\"exit\":0,\"key\":\"elfwatch_exec\"},"
			      "\"process\":{\"ppid\":2423,\"auid\":-1,\"ses\":-1,") &&
	       strstr(j, "\"loader\":{\"path\":\"/lib64/ld-linux-x86-64.so.2\"") &&
	       strstr(j, "\"reasons\":[\"target_in_writable_dir\"]}}"), "ecs: elfwatch namespace, last");
	tap_ok(j && strstr(j, "\"message\":\"/tmp/payload run through the dynamic loader\""), "ecs: message");
	free(j);

	fixture_hostile(&f, 0);
	j = format(&f.a, FORMAT_ECS, 65536);
	tap_ok(j && json_check(j, strlen(j), NULL, NULL, 0, err, sizeof(err)) &&
	       strstr(j, "\"name\":\"x\\\" ,\\\"rule\\\":\\\"forged\"") &&
	       strstr(j, "\"before\\u0000\\\"rule\\\":\\\"after\""), "ecs: forged field and NUL escaped");
	tap_ok(j && strstr(j, "\"parent\":{\"pid\":2423,\"name\":") && strstr(j, "\"ancestors\":[{"),
	       "ecs: known parent in process.parent, ancestors under elfwatch");
	free(j);

	/* a write alert: file.*, hash, elf, a sub-technique */
	memset(&wf, 0, sizeof(wf));
	snprintf(wf.path, sizeof(wf.path), "/tmp/ew/upx");
	wf.id = (struct file_id){ 0xfe, 0, 4242, true };
	snprintf(wf.event_id, sizeof(wf.event_id), "1795364529.957:9");
	wf.sec = 1795364529;
	snprintf(wf.syscall, sizeof(wf.syscall), "openat");
	wf.settled_by = WRITES_CAUSE_STABLE;
	wf.writer.pid = 77;
	wf.writer.ppid = 70;
	wf.writer.uid = 1000;
	wf.writer.auid = wf.writer.ses = REC_AUID_UNSET;
	snprintf(wf.writer.comm, sizeof(wf.writer.comm), "cp");
	snprintf(wf.writer.exe, sizeof(wf.writer.exe), "/usr/bin/cp");
	memset(&rep, 0, sizeof(rep));
	rep.facts.is_elf = rep.facts.hashed = true;
	rep.facts.cls = 2;     /* ELFCLASS64, as the engine sets it */
	rep.facts.data = 1;
	rep.facts.type = 2;
	rep.facts.machine = 62;
	rep.facts.machine_name = "x86-64";
	snprintf(rep.facts.sha256, sizeof(rep.facts.sha256), "%064d", 7);
	memset(&st, 0, sizeof(st));
	st.st_mode = 0100755;
	st.st_size = 4096;
	st.st_uid = 1000;
	memset(&f.a, 0, sizeof(f.a));
	f.a.rule = "suspicious_elf_write";
	f.a.severity = SEV_HIGH;
	f.a.mitre = &MITRE_SOFTWARE_PACKING;
	f.a.host = "h";
	f.a.actor = &wf.writer;
	f.a.file = &wf;
	f.a.file_st = &st;
	f.a.elf = &rep;
	f.a.reasons[f.a.nreasons++] = "upx_packed";
	j = format(&f.a, FORMAT_ECS, 4096);
	tap_ok(j && json_check(j, strlen(j), NULL, NULL, 0, err, sizeof(err)), "ecs write: valid JSON");
	tap_ok(j && strstr(j, "\"category\":[\"file\",\"intrusion_detection\"],\"type\":[\"change\",\"info\"]") &&
	       !strstr(j, "\"outcome\""), "ecs write: file category, no outcome");
	tap_ok(j && strstr(j, "\"technique\":{\"id\":\"T1027\",\"name\":\"Obfuscated Files or Information\","
			      "\"reference\":\"https://attack.mitre.org/techniques/T1027/\",\"subtechnique\":"
			      "{\"id\":\"T1027.002\",\"name\":\"Software Packing\",\"reference\":"
			      "\"https://attack.mitre.org/techniques/T1027/002/\"}}"), "ecs: sub-technique split");
	tap_ok(j && strstr(j, "\"process\":{\"pid\":77,\"name\":\"cp\",\"executable\":\"/usr/bin/cp\","
			      "\"command_line\":\"\",\"real_user\":{\"id\":\"1000\"},\"parent\":{\"pid\":70}},"
			      "\"user\":{\"id\":\"1000\"}"), "ecs write: the writer is the process");
	tap_ok(j && strstr(j, "\"file\":{\"path\":\"/tmp/ew/upx\",\"name\":\"upx\",\"device\":\"fe:00\","
			      "\"inode\":\"4242\",\"size\":4096,\"mode\":\"0755\",\"uid\":\"1000\",\"hash\":"
			      "{\"sha256\":\"0000") &&
	       strstr(j, "\"elf\":{\"architecture\":\"x86-64\",\"header\":{\"class\":\"ELF64\",\"data\":\"lsb\","
			 "\"os_abi\":\"0\",\"type\":\"EXEC\"}}}"), "ecs write: file with hash and elf header");
	tap_ok(j && strstr(j, "\"elfwatch\":{\"event\":{\"syscall\":\"openat\",\"time\":\"") &&
	       strstr(j, "\"settled_by\":\"stable\"}") && strstr(j, "\"auid\":-1") &&
	       strstr(j, "\"elf\":{\"class\":2,"), "ecs write: write event and engine facts under elfwatch");
	if (getenv("ALERT_TEST_VERBOSE"))
		tap_diag("%s", j);
	free(j);
}

/* Text: time, severity, rule, what, who, reasons; hostile names shown as bytes. */
static void test_text_exact(void)
{
	static struct fixture f;
	char *t;

	fixture_plain(&f);
	t = format(&f.a, FORMAT_TEXT, 4096);
	tap_is_str(t, "2026-11-22 16:22:09 CRITICAL loader_exec          /tmp/payload by uid 0 pid 2440 "
		   "(ppid 2423) [target_in_writable_dir]", "text: the plain loader run");
	free(t);
	fixture_hostile(&f, 6);     /* ESC[31m in the target and the parent's exe */
	t = format(&f.a, FORMAT_TEXT, 4096);
	tap_ok(t && text_clean(t, strlen(t)) &&
	       strstr(t, " /tmp/\\x1b[31mred\\x1b[0m\\x7f by uid 0 pid 2440 (parent \\x1b[31mred"),
	       "text: ESC and DEL in names shown escaped");
	if (t && !text_clean(t, strlen(t)))
		tap_diag("%s", t);
	free(t);
}

/* Write alerts' own sections: a file that could not be judged (unjudged_write), the earlier
 * write of a dropped_exec that could not be judged, and how a producer was trusted. */
static void test_write_sections(void)
{
	static struct written_file wf;
	static struct write_result wr;
	struct rec_event *ev = calloc(1, sizeof(*ev));
	struct alert a;
	char err[128], *j, *k;

	memset(&wf, 0, sizeof(wf));
	snprintf(wf.path, sizeof(wf.path), "/tmp/x\",\"rule\":\"forged");
	wf.id = (struct file_id){ 0xfe, 0, 4242, true };
	snprintf(wf.event_id, sizeof(wf.event_id), "1795364529.957:9");
	wf.sec = 1795364529;
	snprintf(wf.syscall, sizeof(wf.syscall), "openat");
	wf.settled_by = WRITES_CAUSE_TIMEOUT;
	wf.writer.pid = 77;
	snprintf(wf.writer.comm, sizeof(wf.writer.comm), "python3");
	snprintf(wf.writer.exe, sizeof(wf.writer.exe), "/usr/bin/python3.11");
	snprintf(wf.trusted_by, sizeof(wf.trusted_by), "/usr/bin/dpkg");
	wf.trust = WRITES_TRUST_NAME;
	wf.exec_bit = true;
	memset(&wr, 0, sizeof(wr));
	wr.file = wf;
	wr.unjudged = WRITES_UJ_LEASE;
	wr.unjudged_errno = EAGAIN;
	wr.attempts = 32;
	wr.waited_ms = 10000;

	memset(&a, 0, sizeof(a));
	a.rule = "unjudged_write";
	a.severity = SEV_MEDIUM;
	a.mitre = &MITRE_OBFUSCATED_FILES;
	a.host = "h";
	a.actor = &wf.writer;
	a.file = &wf;
	a.unjudged = &wr;
	a.reasons[a.nreasons++] = "lease";
	a.summary = "s";
	j = format(&a, FORMAT_JSON, 4096);
	k = format(&a, FORMAT_KV, 4096);
	tap_ok(j && json_check(j, strlen(j), NULL, NULL, 0, err, sizeof(err)) &&
	       strstr(j, "\"unjudged\":{\"reason\":\"lease\",\"errno\":\"EAGAIN\",\"attempts\":32,"
			 "\"waited_ms\":10000}"), "json: unjudged_write says why, how often, how long");
	tap_ok(j && strstr(j, "\"trusted_producer\":\"/usr/bin/dpkg\",\"trust\":\"name\"") &&
	       !strstr(j, "sha256"), "json: trust by name shown; no hash for a file never read");
	tap_ok(k && kv_check(k, strlen(k), NULL, NULL, 0, err, sizeof(err)) &&
	       strstr(k, " unjudged_reason=\"lease\" unjudged_errno=\"EAGAIN\" unjudged_attempts=32"),
	       "kv: unjudged flattened");
	free(j);
	free(k);
	matrix(&a, "unjudged_write");

	/* its exec: dropped_exec carries the write, whose verdict is "unjudged" */
	memset(&a, 0, sizeof(a));
	ev->id[0] = '1';
	ev->syscall_name = "execve";
	a.rule = "dropped_exec";
	a.severity = SEV_HIGH;
	a.mitre = &MITRE_DROPPED_EXEC;
	a.host = "h";
	a.ev = ev;
	a.file = &wr.file;
	a.written = &wr;
	j = format(&a, FORMAT_JSON, 4096);
	tap_ok(j && json_check(j, strlen(j), NULL, NULL, 0, err, sizeof(err)) &&
	       strstr(j, "\"verdict\":\"unjudged\",\"unjudged\":\"lease\""),
	       "json: dropped_exec of a file that could not be judged says so");
	free(j);
	free(ev);
}

static void test_time(void)
{
	static const struct {
		time_t sec;
		unsigned msec;
		const char *want;
	} rows[] = {
		{ 0, 0, "1970-01-01T00:00:00.000Z" },
		{ 1795364529, 957, "2026-11-22T16:22:09.957Z" },
		{ 1795364529, 1957, "2026-11-22T16:22:09.957Z" },
		{ -1, 0, "1969-12-31T23:59:59.000Z" },
	};
	char out[40];

	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		alert_format_time(rows[i].sec, rows[i].msec, out, sizeof(out));
		if (!tap_ok(strcmp(out, rows[i].want) == 0, "time %lld.%u", (long long)rows[i].sec,
			    rows[i].msec))
			tap_diag("  got %s, want %s", out, rows[i].want);
	}
	alert_format_time((time_t)INT64_MAX, 5, out, sizeof(out));
	tap_ok(strlen(out) > 0 && strlen(out) < sizeof(out), "absurd time does not overflow: %s", out);
	char tiny[8];
	alert_format_time(1795364529, 0, tiny, sizeof(tiny));
	tap_ok(strlen(tiny) == 7, "small buffer cut");
}

static void test_tiny_bounds(void)
{
	struct fixture f;

	fixture_huge(&f);
	for (size_t max = 60; max <= 400; max += 85) {
		for (int fmt = FORMAT_JSON; fmt < FORMAT_COUNT; fmt++) {
			struct strbuf sb;
			char err[200];
			int r;

			if (strbuf_init(&sb, max) < 0)
				continue;
			r = alert_format(&f.a, (enum alert_format)fmt, max, &sb);
			tap_ok(sb.len <= max && line_single(sb.data, sb.len), "bound %zu %s: within bound, one line",
			       max, fmt_name((enum alert_format)fmt));
			if (r == 0 && fmt == FORMAT_TEXT)
				tap_ok(text_clean(sb.data, sb.len), "bound %zu: text clean", max);
			else if (r == 0)
				tap_ok(fmt != FORMAT_KV ? json_check(sb.data, sb.len, NULL, NULL, 0, err, sizeof(err)) :
				       kv_check(sb.data, sb.len, NULL, NULL, 0, err, sizeof(err)),
				       "bound %zu: success means a valid line", max);
			else
				tap_ok(r < 0, "bound %zu: too small is an error (%d)", max, r);
			strbuf_free(&sb);
		}
	}
}

/* Under any argv flood the alert keeps what it is for: rule, severity, event id, pid, uid, exe,
 * the program (or that it was cut) and the reasons; argv and other untrusted strings give way.
 * Never the minimal stub, down to the smallest max_alert_bytes the configuration allows. */
static char ctl_arg[41], ctl_long[REC_STR_MAX];

static void fixture_flood(struct fixture *f, bool worst)
{
	static const char *const all_opts[] = {
		"--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", "--list-diagnostics", "--library-path",
		"--inhibit-cache", "--inhibit-rpath", "--list-tunables", "--preload", "--audit",
		"--argv0", "--verify", "--list", "--help", "--version", "--glibc-hwcaps-prepend",
		"--glibc-hwcaps-mask" };

	fixture_hostile(f, 6);
	memset(ctl_arg, '\x01', sizeof(ctl_arg) - 1);
	memset(ctl_long, '\x1b', sizeof(ctl_long) - 1);
	ctl_long[sizeof(ctl_long) - 1] = '\0';
	for (unsigned i = 0; i < REC_MAX_ARGS; i++)
		f->ev.argv[i] = SN(ctl_arg, sizeof(ctl_arg) - 1);
	f->ev.argv[1] = S("/tmp/payload");
	f->ev.argc_kept = REC_MAX_ARGS;
	f->ev.argc = 302;
	f->ev.argv_cut = true;
	f->ev.cwd = f->ev.key = f->ev.comm = SN(ctl_long, sizeof(ctl_long) - 1);
	f->v.soname[0] = '\0';
	snprintf(f->v.target, sizeof(f->v.target), "/tmp/payload");
	f->v.have_facts = false;
	f->a.summary = ctl_long;
	if (!worst)
		return;
	/* everything at its longest, every byte escaped, every reason, 16 options */
	f->ev.exe = SN(ctl_long, sizeof(ctl_long) - 1);
	f->v.loader_path = SN(ctl_long, sizeof(ctl_long) - 1);
	memcpy(f->v.target, ctl_long, sizeof(f->v.target));
	f->v.target_cut = true;
	f->v.have_facts = true;
	memcpy(f->v.facts.real, ctl_long, sizeof(f->v.facts.real));
	for (unsigned i = 0; i < 16; i++)
		f->v.opts.names[i] = all_opts[i];
	f->v.opts.nnames = 16;
	f->a.nreasons = 0;
	for (unsigned b = 0; b < LR_COUNT_BITS; b++)
		f->a.reasons[f->a.nreasons++] = loader_reason_name(1u << b);
}

static void check_complete(const struct alert *a, enum alert_format fmt, size_t max, bool target_whole,
			   const char *what)
{
	static const char *const json_need[] = { "{\"rule\":\"loader_exec\",\"severity\":\"critical\"",
		"\"event\":{\"id\":\"1795364529.957:5\"", "\"pid\":2440", "\"uid\":0", "\"exe\":\"",
		"\"reasons\":[\"", "\"argv_truncated\":true", "\"truncated\":true}" };
	static const char *const kv_need[] = { "rule=\"loader_exec\" severity=\"critical\"",
		" event_id=\"1795364529.957:5\"", " process_pid=2440", " process_uid=0", " process_exe=\"",
		" reasons=\"", " process_argv_truncated=true", " truncated=true" };
	static const char *const ecs_need[] = { "{\"@timestamp\":\"2026-11-22T",
		"\"action\":\"loader_exec\",\"outcome\":\"success\",\"id\":\"1795364529.957:5\",\"severity\":5",
		"\"pid\":2440", "\"real_user\":{\"id\":\"0\"}", "\"executable\":\"", "\"reasons\":[\"",
		"\"argv_truncated\":true", "\"truncated\":true}}" };
	const char *const *need = fmt == FORMAT_JSON ? json_need : fmt == FORMAT_ECS ? ecs_need : kv_need;
	const char *fname = fmt_name(fmt);
	struct strbuf sb;
	char err[200];
	bool all = true;

	if (strbuf_init(&sb, max) < 0)
		return;
	tap_ok(alert_format(a, fmt, max, &sb) == 0 && sb.len <= max, "%s %s %zu: fits", what, fname, max);
	tap_ok(fmt != FORMAT_KV ? json_check(sb.data, sb.len, NULL, NULL, 0, err, sizeof(err)) :
	       kv_check(sb.data, sb.len, NULL, NULL, 0, err, sizeof(err)), "%s %s %zu: well-formed",
	       what, fname, max);
	for (size_t i = 0; i < N_ELEMS(json_need); i++) {
		if (!strstr(sb.data, need[i])) {
			tap_diag("  missing %s", need[i]);
			all = false;
		}
	}
	if (target_whole)
		all = all && strstr(sb.data, fmt != FORMAT_KV ? "\"target\":\"/tmp/payload\"" :
				    " loader_target=\"/tmp/payload\"");
	else
		all = all && strstr(sb.data, fmt != FORMAT_KV ? "\"target_cut\":true" :
				    " loader_target_cut=true");
	all = all && strstr(sb.data, fmt != FORMAT_KV ? "argv0_mismatch\"" : "argv0_mismatch");
	if (!tap_ok(all, "%s %s %zu: rule, severity, event id, pid, uid, exe, %s, reasons kept", what,
		    fname, max, target_whole ? "program" : "target_cut"))
		tap_diag("  line: %.*s", (int)(sb.len > 1500 ? 1500 : sb.len), sb.data);
	strbuf_free(&sb);
}

static void test_flood(void)
{
	static struct fixture f;
	static const size_t bounds[] = { 2048, 3000, 4096, 8192 };

	for (int worst = 0; worst <= 1; worst++) {
		fixture_flood(&f, worst);
		f.a.reasons[f.a.nreasons++] = "argv0_mismatch";
		for (size_t b = 0; b < N_ELEMS(bounds); b++)
			for (int fmt = FORMAT_JSON; fmt <= FORMAT_ECS; fmt++)
				check_complete(&f.a, (enum alert_format)fmt, bounds[b], !worst,
					       worst ? "worst case" : "argv flood");
	}
}

static void test_checkers(void)
{
	/* The checkers themselves must refuse what the alert tests rely on them refusing. */
	static const struct {
		const char *s;
		bool json, kv;
	} rows[] = {
		{ "{\"rule\":\"a\"}", true, false },
		{ "{\"rule\":\"a\",\"rule\":\"b\"}", false, false },
		{ "{\"a\":{\"b\":1,\"b\":2}}", false, false },
		{ "{\"a\":\"x\ny\"}", false, false },
		{ "{\"a\":\"\xff\"}", false, false },
		{ "{\"a\":1}{\"b\":2}", false, false },
		{ "{\"a\":[1,2,]}", false, false },
		{ "{\"a\":\"\\ud800\"}", false, false },
		{ "{\"a\":-0.5e+3,\"b\":[true,false,null]}", true, false },
		{ "rule=\"a\" x=1", false, true },
		{ "rule=\"a\" rule=\"b\"", false, false },
		{ "rule=\"a\"b\"", false, false },
		{ "rule=\"a\\\"\"", false, false },
		{ "rule=\"a\\x2\"", false, false },
		{ "rule=\"a\\x22\" x=-1", false, true },
		{ "rule=\"a\"  x=1", false, false },
		{ "rule=\"\xc3\xa9\"", false, false },
	};
	char err[200];

	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		size_t n = strlen(rows[i].s);

		tap_ok(json_check(rows[i].s, n, NULL, NULL, 0, err, sizeof(err)) == rows[i].json &&
		       kv_check(rows[i].s, n, NULL, NULL, 0, err, sizeof(err)) == rows[i].kv,
		       "checker self-test: %s", rows[i].s);
	}
}

int main(void)
{
	static struct fixture f; /* large: rec_event holds 256 argv entries */

	test_checkers();
	test_exact();
	test_ecs_exact();
	test_text_exact();
	test_write_sections();
	test_time();

	fixture_plain(&f);
	matrix(&f.a, "plain");
	for (int v = 0; v < (int)N_ELEMS(hostile); v++) {
		char what[32];

		fixture_hostile(&f, v);
		snprintf(what, sizeof(what), "hostile%d", v);
		matrix(&f.a, what);
	}
	fixture_huge(&f);
	matrix(&f.a, "huge");

	/* No loader verdict, no lineage, NULL strings everywhere optional. */
	fixture_plain(&f);
	f.a.loader = NULL;
	f.a.summary = NULL;
	f.ev.comm = f.ev.exe = f.ev.cwd = f.ev.key = S(NULL);
	f.ev.syscall_name = NULL;
	f.ev.argc_kept = 0;
	f.a.nreasons = 0;
	matrix(&f.a, "sparse");

	test_tiny_bounds();
	test_flood();
	return tap_done();
}
