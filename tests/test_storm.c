/* storm: the first alert of its kind leaves at once, identical repeats within the window fold
 * into one "repeats" report, distinct files never fold, the rate cap's drops come back as a
 * "suppressed" report, critical alerts are never capped, windows close on a tick, on flush and
 * when the table is full; summary lines are one valid line in both formats, attacker names
 * escaped; the key tells apart what must stay apart. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/storm.h"
#include "alert/storm_line.h"
#include "linecheck.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum op { END = 0, ADMIT, TICK, FLUSH };

/* ADMIT: n alerts dt ms apart from t, identity ident (+1 per alert when step_ident), expecting
 * the counts of each action. TICK/FLUSH at t: the reports taken, as "R:rule:count[:cut]" or
 * "S:rule:count:severity", space-separated. */
struct step {
	enum op op;
	long long t;
	int ident, n, dt;
	bool step_ident;
	const char *rule;
	enum severity sev;
	int emit, fold, cap;
	const char *reports;
};

struct scenario {
	const char *name;
	struct storm_limits lim;
	struct step steps[8];
	unsigned long evicted, critical_over_cap;   /* stats checked at the end */
};

#define W 60000u

static const struct scenario scenarios[] = {
	{ "first alert leaves at once", { W, 60, 64 }, {
		{ ADMIT, 0, 1, 1, 0, false, "suspicious_elf_write", SEV_HIGH, 1, 0, 0, NULL },
		{ TICK, 0, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "100 identical in 3 s: 1 alert, then one summary of 99 when the window closes",
	  { W, 60, 64 }, {
		{ ADMIT, 0, 1, 100, 30, false, "suspicious_elf_write", SEV_HIGH, 1, 99, 0, NULL },
		{ TICK, 3000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" },
		{ TICK, 59999, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" },
		{ TICK, 60000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:suspicious_elf_write:99" },
		{ FLUSH, 60000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "after the window the next one leaves at once again", { W, 60, 64 }, {
		{ ADMIT, 0, 1, 2, 10, false, "loader_exec", SEV_HIGH, 1, 1, 0, NULL },
		{ TICK, 60000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:1" },
		{ ADMIT, 60001, 1, 3, 10, false, "loader_exec", SEV_HIGH, 1, 2, 0, NULL },
		{ FLUSH, 60100, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:2" } }, 0, 0 },
	{ "an admit after the window closed but before the tick opens a new window", { W, 0, 64 }, {
		{ ADMIT, 0, 1, 2, 10, false, "loader_exec", SEV_HIGH, 1, 1, 0, NULL },
		{ ADMIT, 70000, 1, 2, 10, false, "loader_exec", SEV_HIGH, 1, 1, 0, NULL },
		{ FLUSH, 70100, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:1 R:loader_exec:1" } }, 0, 0 },
	{ "distinct files are not folded", { W, 0, 64 }, {
		{ ADMIT, 0, 1, 40, 5, true, "suspicious_elf_write", SEV_HIGH, 40, 0, 0, NULL },
		{ FLUSH, 500, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "same file, another severity or rule: not folded", { W, 0, 64 }, {
		{ ADMIT, 0, 1, 1, 0, false, "suspicious_elf_write", SEV_MEDIUM, 1, 0, 0, NULL },
		{ ADMIT, 1, 1, 1, 0, false, "suspicious_elf_write", SEV_HIGH, 1, 0, 0, NULL },
		{ ADMIT, 2, 1, 1, 0, false, "dropped_exec", SEV_HIGH, 1, 0, 0, NULL },
		{ ADMIT, 3, 1, 1, 0, false, "dropped_exec", SEV_HIGH, 0, 1, 0, NULL },
		{ FLUSH, 4, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:dropped_exec:1" } }, 0, 0 },
	{ "rate cap: a fuzzer's files beyond the burst become one suppressed line", { W, 10, 64 }, {
		{ ADMIT, 0, 1, 30, 100, true, "suspicious_elf_write", SEV_HIGH, 10, 0, 20, NULL },
		{ TICK, 59999, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" },
		{ TICK, 61000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "S:suspicious_elf_write:20:high" },
		{ FLUSH, 61000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "rate cap per rule: another rule still has its burst", { W, 2, 64 }, {
		{ ADMIT, 0, 1, 3, 1, true, "suspicious_elf_write", SEV_MEDIUM, 2, 0, 1, NULL },
		{ ADMIT, 10, 100, 2, 1, true, "dropped_exec", SEV_HIGH, 2, 0, 0, NULL },
		{ ADMIT, 20, 200, 1, 1, true, "suspicious_elf_write", SEV_HIGH, 0, 0, 1, NULL },
		{ FLUSH, 30, 0, 0, 0, false, NULL, 0, 0, 0, 0, "S:suspicious_elf_write:2:high" } }, 0, 0 },
	{ "the bucket refills at rate_per_minute", { 0, 60, 64 }, {
		{ ADMIT, 0, 1, 61, 0, true, "loader_exec", SEV_HIGH, 60, 0, 1, NULL },
		{ ADMIT, 999, 100, 1, 0, false, "loader_exec", SEV_HIGH, 0, 0, 1, NULL },
		{ ADMIT, 1000, 101, 2, 0, true, "loader_exec", SEV_HIGH, 1, 0, 1, NULL },
		{ TICK, 59999, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" },
		{ TICK, 60000, 0, 0, 0, false, NULL, 0, 0, 0, 0, "S:loader_exec:3:high" } }, 0, 0 },
	{ "critical alerts pass the cap, and still fold", { W, 2, 64 }, {
		{ ADMIT, 0, 1, 5, 1, true, "loader_exec", SEV_CRITICAL, 5, 0, 0, NULL },
		{ ADMIT, 10, 1, 10, 1, false, "loader_exec", SEV_CRITICAL, 0, 10, 0, NULL },
		{ FLUSH, 100, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:10" } },
	  0, 3 },
	{ "flush closes open windows and reports suppressed", { W, 1, 64 }, {
		{ ADMIT, 0, 1, 3, 10, false, "loader_exec", SEV_HIGH, 1, 2, 0, NULL },
		{ ADMIT, 50, 2, 1, 0, false, "loader_exec", SEV_LOW, 0, 0, 1, NULL },
		{ FLUSH, 60, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:2 S:loader_exec:1:low" },
		{ FLUSH, 60, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "folding off: every alert leaves (cap still applies)", { 0, 3, 64 }, {
		{ ADMIT, 0, 1, 5, 10, false, "loader_exec", SEV_HIGH, 3, 0, 2, NULL },
		{ FLUSH, 100, 0, 0, 0, false, NULL, 0, 0, 0, 0, "S:loader_exec:2:high" } }, 0, 0 },
	{ "everything off: every alert leaves", { 0, 0, 64 }, {
		{ ADMIT, 0, 1, 500, 1, false, "loader_exec", SEV_HIGH, 500, 0, 0, NULL },
		{ FLUSH, 600, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } }, 0, 0 },
	{ "full table: the oldest window closes early, its repeats reported at once", { W, 0, 2 }, {
		{ ADMIT, 0, 1, 2, 1, false, "loader_exec", SEV_HIGH, 1, 1, 0, NULL },
		{ ADMIT, 10, 2, 1, 0, false, "loader_exec", SEV_HIGH, 1, 0, 0, NULL },
		{ ADMIT, 20, 3, 1, 0, false, "loader_exec", SEV_HIGH, 1, 0, 0, NULL },
		{ TICK, 20, 0, 0, 0, false, NULL, 0, 0, 0, 0, "R:loader_exec:1:cut" },
		{ ADMIT, 30, 1, 1, 0, false, "loader_exec", SEV_HIGH, 1, 0, 0, NULL },
		{ FLUSH, 40, 0, 0, 0, false, NULL, 0, 0, 0, 0, "" } },
	  2, 0 },
};

static void key_for(int ident, const char *rule, enum severity sev, const char *event,
		    char *name, size_t cap, struct storm_key *k)
{
	memset(k, 0, sizeof(*k));
	k->rule = rule;
	k->severity = sev;
	k->id.major = 0xfe;
	k->id.ino = (uint64_t)ident;
	k->id.valid = true;
	memcpy(k->digest, &ident, sizeof(ident));
	snprintf(name, cap, "/tmp/f%d", ident);
	k->name = name;
	k->name_len = strlen(name);
	k->event_id = event;
}

static void take_reports(struct storm *s, long long t, bool all, char *out, size_t cap)
{
	struct storm_report r;
	size_t len = 0;

	out[0] = '\0';
	while (storm_next_report(s, t, all, &r) > 0 && len < cap) {
		if (r.kind == STORM_REPEATS)
			len += (size_t)snprintf(out + len, cap - len, "%sR:%s:%lu%s", len ? " " : "",
						r.rule, r.count, r.evicted ? ":cut" : "");
		else
			len += (size_t)snprintf(out + len, cap - len, "%sS:%s:%lu:%s", len ? " " : "",
						r.rule, r.count, severity_name(r.severity));
	}
}

static void run_scenario(const struct scenario *sc)
{
	struct storm *s = storm_new(&sc->lim);
	struct storm_stats st;
	int serial = 0;

	if (!tap_ok(s != NULL, "%s: storm_new", sc->name))
		return;
	for (const struct step *p = sc->steps; p->op != END; p++) {
		char got[512];

		if (p->op == ADMIT) {
			int n[STORM_ACTION_COUNT] = { 0 };

			for (int i = 0; i < p->n; i++) {
				struct storm_key k;
				char name[32], ev[48];

				snprintf(ev, sizeof(ev), "1795366037.%03d:%d", i % 1000, ++serial);
				key_for(p->ident + (p->step_ident ? i : 0), p->rule, p->sev, ev, name,
					sizeof(name), &k);
				n[storm_admit(s, &k, p->t + (long long)i * p->dt)]++;
			}
			if (!tap_ok(n[STORM_EMIT] == p->emit && n[STORM_FOLDED] == p->fold &&
				    n[STORM_CAPPED] == p->cap, "%s: step %td emit %d fold %d cap %d",
				    sc->name, p - sc->steps, p->emit, p->fold, p->cap))
				tap_diag("  got emit %d fold %d cap %d", n[STORM_EMIT], n[STORM_FOLDED],
					 n[STORM_CAPPED]);
		} else {
			take_reports(s, p->t, p->op == FLUSH, got, sizeof(got));
			if (!tap_ok(strcmp(got, p->reports) == 0, "%s: step %td %s at %lld: '%s'",
				    sc->name, p - sc->steps, p->op == FLUSH ? "flush" : "tick", p->t,
				    p->reports))
				tap_diag("  got '%s'", got);
		}
	}
	storm_get_stats(s, &st);
	tap_ok(st.evicted == sc->evicted && st.critical_over_cap == sc->critical_over_cap,
	       "%s: evicted %lu, critical over cap %lu", sc->name, sc->evicted, sc->critical_over_cap);
	storm_free(s);
}

/* The first and last event ids of a fold are the first emitted and the last folded. */
static void test_report_fields(void)
{
	struct storm_limits lim = { W, 0, 16 };
	struct storm *s = storm_new(&lim);
	struct storm_report r;
	struct storm_key k;
	char name[32];

	key_for(7, "suspicious_elf_write", SEV_HIGH, "1.000:1", name, sizeof(name), &k);
	storm_admit(s, &k, 1000);
	k.event_id = "1.020:2";
	storm_admit(s, &k, 1020);
	k.event_id = "3.980:100";
	storm_admit(s, &k, 3980);
	tap_ok(storm_next_report(s, 4000, true, &r) == 1 && r.kind == STORM_REPEATS && r.count == 2 &&
	       strcmp(r.first_event, "1.000:1") == 0 && strcmp(r.last_event, "3.980:100") == 0 &&
	       r.first_ms == 1000 && r.last_ms == 3980 && r.id.valid && r.id.ino == 7 &&
	       strcmp(r.name, "/tmp/f7") == 0 && r.severity == SEV_HIGH && !r.evicted,
	       "repeats report: events, span, identity");
	storm_free(s);
}

static void check_line(const struct storm_report *r, enum alert_format fmt, const char *want_rule,
		       const char *const *want, size_t nwant)
{
	static const char *const keys[] = { "rule", "severity", "summary", "truncated" };
	int counts[N_ELEMS(keys)] = { 0 };
	struct strbuf sb;
	char err[128];
	bool ok;

	if (strbuf_init(&sb, 4096) < 0)
		return;
	tap_ok(storm_line_format(r, "host\"x", W, 0, fmt, false, 4096, &sb) == 0, "%s %s: formatted",
	       want_rule, fmt == FORMAT_JSON ? "json" : "kv");
	ok = fmt == FORMAT_JSON ? json_check(sb.data, sb.len, keys, counts, N_ELEMS(keys), err, sizeof(err)) :
				  kv_check(sb.data, sb.len, keys, counts, N_ELEMS(keys), err, sizeof(err));
	if (!tap_ok(ok && line_single(sb.data, sb.len) && counts[0] == 1 && counts[1] == 1 &&
		    counts[2] == 1 && counts[3] == 0, "%s %s: one valid line, one rule",
		    want_rule, fmt == FORMAT_JSON ? "json" : "kv"))
		tap_diag("  %s: %s", err, sb.data);
	for (size_t i = 0; i < nwant; i++)
		if (!tap_ok(strstr(sb.data, want[i]) != NULL, "%s %s: has %s", want_rule,
			    fmt == FORMAT_JSON ? "json" : "kv", want[i]))
			tap_diag("  %s", sb.data);
	strbuf_free(&sb);
}

static void test_lines(void)
{
	struct storm_report r;
	static const char *const rep_json[] = {
		"{\"rule\":\"alert_repeats\",\"severity\":\"high\",\"repeats\":{\"rule\":"
		"\"suspicious_elf_write\",\"count\":99,\"first_event\":\"1795366037.013:1\","
		"\"last_event\":\"1795366039.983:100\",\"span_ms\":2970,\"window_ms\":60000,"
		"\"window_cut\":false}",
		"\"identity\":{\"name\":\"/tmp/a\\\"b\\n",
		"\"dev\":\"fe:00\",\"inode\":10954564}",
		"\"summary\":\"99 more suspicious_elf_write alerts like event 1795366037.013:1 for "
		"/tmp/a\\\"b\\n" };
	static const char *const rep_kv[] = {
		"rule=\"alert_repeats\" severity=\"high\" repeats_rule=\"suspicious_elf_write\" "
		"repeats_count=99 ",
		"identity_name=\"/tmp/a\\x22b\\x0a", "identity_inode=10954564" };
	static const char *const sup_json[] = {
		"{\"rule\":\"alerts_suppressed\",\"severity\":\"medium\",\"suppressed\":{\"rule\":"
		"\"loader_exec\",\"count\":12,",
		"\"rate_per_minute\":60}",
		"\"summary\":\"12 loader_exec alerts suppressed: over 60 per minute\"}" };
	static const char *const sup_kv[] = {
		"rule=\"alerts_suppressed\" severity=\"medium\" suppressed_rule=\"loader_exec\" "
		"suppressed_count=12 " };

	memset(&r, 0, sizeof(r));
	r.kind = STORM_REPEATS;
	r.rule = "suspicious_elf_write";
	r.severity = SEV_HIGH;
	r.count = 99;
	snprintf(r.first_event, sizeof(r.first_event), "1795366037.013:1");
	snprintf(r.last_event, sizeof(r.last_event), "1795366039.983:100");
	r.first_ms = 1000;
	r.last_ms = 3970;
	r.id = (struct file_id){ 0xfe, 0, 10954564, true };
	snprintf(r.name, sizeof(r.name), "/tmp/a\"b\nrule=\"forged\"");
	check_line(&r, FORMAT_JSON, "alert_repeats", rep_json, N_ELEMS(rep_json));
	check_line(&r, FORMAT_KV, "alert_repeats", rep_kv, N_ELEMS(rep_kv));

	memset(&r, 0, sizeof(r));
	r.kind = STORM_SUPPRESSED;
	r.rule = "loader_exec";
	r.severity = SEV_MEDIUM;
	r.count = 12;
	r.rate_per_minute = 60;
	snprintf(r.first_event, sizeof(r.first_event), "1.0:1");
	snprintf(r.last_event, sizeof(r.last_event), "2.0:2");
	check_line(&r, FORMAT_JSON, "alerts_suppressed", sup_json, N_ELEMS(sup_json));
	check_line(&r, FORMAT_KV, "alerts_suppressed", sup_kv, N_ELEMS(sup_kv));
}

/* ECS and text: the same report, its name escaped, one line; ECS has @timestamp when the time
 * is known and the fold under elfwatch. */
static void test_lines_ecs_text(void)
{
	static const char *const keys[] = { "rule", "event", "message", "elfwatch", "@timestamp",
					    "truncated" };
	int counts[N_ELEMS(keys)] = { 0 };
	struct storm_report r;
	struct strbuf sb;
	char err[128];

	memset(&r, 0, sizeof(r));
	r.kind = STORM_REPEATS;
	r.rule = "suspicious_elf_write";
	r.severity = SEV_HIGH;
	r.count = 99;
	snprintf(r.first_event, sizeof(r.first_event), "1795366037.013:1");
	snprintf(r.last_event, sizeof(r.last_event), "1795366039.983:100");
	r.first_ms = 1795366037013LL;
	r.last_ms = 1795366039983LL;
	r.id = (struct file_id){ 0xfe, 0, 10954564, true };
	snprintf(r.name, sizeof(r.name), "/tmp/a\"b\n\x1b[31mrule=\"forged\"");
	if (strbuf_init(&sb, 4096) < 0)
		return;
	tap_ok(storm_line_format(&r, "h", W, r.last_ms, FORMAT_ECS, false, 4096, &sb) == 0,
	       "ecs repeats: formatted");
	tap_ok(json_check(sb.data, sb.len, keys, counts, N_ELEMS(keys), err, sizeof(err)) &&
	       counts[0] == 1 && counts[1] == 1 && counts[2] == 1 && counts[3] == 1 && counts[4] == 1 &&
	       counts[5] == 0, "ecs repeats: valid JSON, one rule, event, message, elfwatch, @timestamp");
	tap_ok(strstr(sb.data, "{\"@timestamp\":\"2026-11-22T16:47:19.983Z\",\"event\":{\"kind\":\"alert\"") &&
	       strstr(sb.data, "\"rule\":{\"name\":\"alert_repeats\",\"ruleset\":\"elfwatch\"}") &&
	       strstr(sb.data, "\"elfwatch\":{\"repeats\":{\"rule\":\"suspicious_elf_write\",\"count\":99,") &&
	       strstr(sb.data, "\"name\":\"/tmp/a\\\"b\\n\\u001b[31mrule"), "ecs repeats: fields and escaping");
	tap_ok(storm_line_format(&r, "h", W, 0, FORMAT_ECS, false, 4096, &sb) == 0 &&
	       !strstr(sb.data, "@timestamp"), "ecs: no @timestamp when the time is unknown");

	tap_ok(storm_line_format(&r, "h", W, r.last_ms, FORMAT_TEXT, false, 4096, &sb) == 0 &&
	       line_single(sb.data, sb.len) && !strchr(sb.data, '\x1b'), "text repeats: one line, no ESC");
	tap_ok(strncmp(sb.data, "2026-11-22 16:47:19 HIGH     alert_repeats        99 more "
		       "suspicious_elf_write alerts like event 1795366037.013:1 for /tmp/a\"b\\x0a\\x1b[31m", 120) == 0,
	       "text repeats: time, severity, rule, escaped summary");
	if (getenv("STORM_TEST_VERBOSE"))
		tap_diag("%s", sb.data);
	tap_ok(storm_line_format(&r, "h", W, r.last_ms, FORMAT_TEXT, true, 4096, &sb) == 0 &&
	       strstr(sb.data, " \x1b[31mHIGH    \x1b[0m "), "text with colour: the severity coloured");
	strbuf_free(&sb);
}

/* The key: what changes every run (pid, time, event id) does not matter; what the attacker
 * ran, with which options and as whom, does. */
static void test_key(void)
{
	struct rec_str argv[2] = { { "/lib64/ld-linux-x86-64.so.2", 27, false }, { "/tmp/x", 6, false } };
	struct rec_str argv2[2] = { { "/lib64/ld-linux-x86-64.so.2", 27, false }, { "/tmp/y", 6, false } };
	static struct rec_event ev;
	static struct loader_verdict v;
	struct alert a;
	/* one byte more than the key for the string's NUL (gcc 16: unterminated-string-initialization) */
	static const unsigned char secret[STORM_SECRET_LEN + 1] = "test key 16 byte";
	struct storm_key k0, k;

	memset(&ev, 0, sizeof(ev));
	memset(&v, 0, sizeof(v));
	memset(&a, 0, sizeof(a));
	snprintf(ev.id, sizeof(ev.id), "1.000:1");
	ev.syscall_name = "execve";
	ev.success = true;
	ev.pid = 100;
	ev.argv[0] = argv[0];
	ev.argv[1] = argv[1];
	ev.argc = ev.argc_kept = 2;
	v.loader_path = argv[0];
	v.matched_by = LOADER_MATCH_EXE_PATH;
	snprintf(v.target, sizeof(v.target), "/tmp/x");
	a.rule = "loader_exec";
	a.severity = SEV_CRITICAL;
	a.ev = &ev;
	a.loader = &v;
	a.reasons[a.nreasons++] = "target_in_writable_dir";
	storm_line_key(&a, secret, &k0);
	tap_ok(strcmp(k0.event_id, "1.000:1") == 0 && k0.name_len == 6 && !k0.id.valid,
	       "key: event id and target name, no inode without facts");

	ev.pid = 200;
	ev.sec = 99;
	snprintf(ev.id, sizeof(ev.id), "2.000:2");
	storm_line_key(&a, secret, &k);
	tap_ok(memcmp(k.digest, k0.digest, sizeof(k.digest)) == 0, "key: pid, time, event id ignored");
	ev.argv[1] = argv2[1];
	storm_line_key(&a, secret, &k);
	tap_ok(memcmp(k.digest, k0.digest, sizeof(k.digest)) != 0, "key: argv counts");
	ev.argv[1] = argv[1];
	ev.uid = 1000;
	storm_line_key(&a, secret, &k);
	tap_ok(memcmp(k.digest, k0.digest, sizeof(k.digest)) != 0, "key: uid counts");
	ev.uid = 0;
	a.reasons[a.nreasons++] = "preload_injection";
	storm_line_key(&a, secret, &k);
	tap_ok(memcmp(k.digest, k0.digest, sizeof(k.digest)) != 0, "key: reasons count");
	a.nreasons = 1;
	v.have_facts = v.facts.exists = true;
	v.facts.id = (struct file_id){ 0xfe, 0, 42, true };
	storm_line_key(&a, secret, &k);
	tap_ok(k.id.valid && k.id.ino == 42, "key: the target's inode when known");
}

int main(void)
{
	for (size_t i = 0; i < N_ELEMS(scenarios); i++)
		run_scenario(&scenarios[i]);
	test_report_fields();
	test_lines();
	test_lines_ecs_text();
	test_key();
	tap_ok(strcmp(storm_action_name(STORM_CAPPED), "capped") == 0 &&
	       strcmp(storm_action_name((enum storm_action)99), "unknown") == 0, "action names");
	return tap_done();
}
