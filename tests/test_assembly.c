/* Event assembly: whole events out of interleaved, shuffled, duplicated and EOE-less record
 * streams; the per-event early filter; bounds and their counted evictions; and cuts of the
 * recorded 16-core corpora (../shared/corpora, skipped when absent): no event split. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake/assembly.h"
#include "tap.h"

static const char *const syscalls[] = { "execve", "execveat", "openat", "chmod", NULL };

#define MAX_OUT 4096

struct out {
	unsigned n;
	char *text[MAX_OUT];
	unsigned records[MAX_OUT];
	enum assembly_reason reason[MAX_OUT];
	enum assembly_value value[MAX_OUT];
	bool cut[MAX_OUT];
};

static void collect(void *ctx, const struct assembly_event *ev)
{
	struct out *o = ctx;

	if (o->n >= MAX_OUT)
		return;
	o->text[o->n] = strndup(ev->text, ev->len);
	o->records[o->n] = ev->records;
	o->reason[o->n] = ev->reason;
	o->value[o->n] = ev->value;
	o->cut[o->n] = ev->cut;
	o->n++;
}

static void out_clear(struct out *o)
{
	for (unsigned i = 0; i < o->n; i++)
		free(o->text[i]);
	memset(o, 0, sizeof(*o));
}

/* Records of a synthetic exec (or openat) event with serial s at second t. */
static void rec(char *buf, size_t cap, const char *type, long t, int s)
{
	const char *body = "";

	if (strcmp(type, "SYSCALL") == 0)
		body = "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 items=1 ppid=1 "
		       "pid=7 uid=0 comm=\"x\" exe=\"/x\" key=(null)";
	else if (strcmp(type, "OPEN") == 0) {
		type = "SYSCALL";
		body = "arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=0 items=1 "
		       "ppid=1 pid=7 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)";
	} else if (strcmp(type, "EXECVE") == 0)
		body = "argc=1 a0=\"x\"";
	else if (strcmp(type, "CWD") == 0)
		body = "cwd=\"/\"";
	else if (strcmp(type, "PATH") == 0)
		body = "item=0 name=\"/x\" inode=5 dev=fe:00 mode=0100755";
	else if (strcmp(type, "PROCTITLE") == 0)
		body = "proctitle=78";
	if (strcmp(type, "EOE") == 0)     /* as the kernel writes it */
		snprintf(buf, cap, "type=EOE msg=audit(%ld.100:%d):\n", t, s);
	else
		snprintf(buf, cap, "type=%s msg=audit(%ld.100:%d): %s\n", type, t, s, body);
}

static void add(struct assembly *a, const char *type, long t, int s)
{
	char line[512];

	rec(line, sizeof(line), type, t, s);
	assembly_add(a, line, strlen(line), 0);
}

static const char *const exec_types[] = { "SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE", "EOE" };
#define EXEC_RECORDS 6

/* The expected text of exec event s: its records without PROCTITLE, ending in EOE. */
static void expect_text(char *buf, size_t cap, long t, int s)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < EXEC_RECORDS; i++) {
		if (strcmp(exec_types[i], "PROCTITLE") == 0)
			continue;
		rec(buf + n, cap - n, exec_types[i], t, s);
		n += strlen(buf + n);
	}
}

/* Every event exactly once, whole and in the expected form. */
static bool all_whole(const struct out *o, int first, int count, long t)
{
	for (int s = first; s < first + count; s++) {
		char want[4096];
		int seen = 0;

		expect_text(want, sizeof(want), t, s);
		for (unsigned i = 0; i < o->n; i++)
			if (strcmp(o->text[i], want) == 0)
				seen++;
		if (seen != 1) {
			tap_diag("event %d seen %d times whole", s, seen);
			return false;
		}
	}
	return o->n == (unsigned)count;
}

static void test_in_order(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	struct assembly_stats st;

	for (int s = 1; s <= 3; s++)
		for (int i = 0; i < EXEC_RECORDS; i++)
			add(a, exec_types[i], 1700000000, s);
	tap_ok(all_whole(&o, 1, 3, 1700000000), "plugin stream: three events, each whole, at EOE");
	tap_ok(o.reason[0] == ASSEMBLY_PROCTITLE && o.reason[1] == ASSEMBLY_EOE &&
	       o.value[0] == ASSEMBLY_EXEC, "the first ends at PROCTITLE (no EOE seen yet: same "
	       "text), the next at EOE; value exec");
	tap_is_int(o.records[0], 5, "SYSCALL EXECVE CWD PATH EOE: PROCTITLE left out");
	assembly_get_stats(a, &st);
	tap_is_int(st.in_flight, 0, "nothing left in flight");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

/* Records of n events interleaved by a seeded shuffle, each event's own order kept (as the
 * kernel writes them); with_eoe chooses the plugin stream or the audit.log form. */
static void test_shuffled(bool with_eoe, unsigned seed)
{
	enum { N = 300 };
	int next[N] = { 0 }, left = N;
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	int per_event = with_eoe ? EXEC_RECORDS : EXEC_RECORDS - 1;
	struct assembly_stats st;

	srand(seed);
	while (left > 0) {
		int e = rand() % N;

		if (next[e] == per_event)
			continue;
		add(a, exec_types[next[e]], 1700000000 + e / 100, 1000 + e);
		if (++next[e] == per_event)
			left--;
	}
	assembly_flush(a);
	assembly_get_stats(a, &st);
	{
		bool ok = o.n == N;

		for (int e = 0; e < N && ok; e++) {
			char want[4096];
			unsigned seen = 0;

			expect_text(want, sizeof(want), 1700000000 + e / 100, 1000 + e);
			for (unsigned i = 0; i < o.n; i++)
				seen += strcmp(o.text[i], want) == 0;
			ok = seen == 1;
		}
		tap_ok(ok, "%s, %d events interleaved (seed %u): each handed on once, whole (%u out)",
		       with_eoe ? "with EOE" : "without EOE", N, seed, o.n);
	}
	tap_ok(st.high_water_events > 50, "many events were in flight at once (%zu)",
	       st.high_water_events);
	tap_is_int(st.by_reason[ASSEMBLY_EOE] + st.by_reason[ASSEMBLY_PROCTITLE], N,
		   "every event ended by its own last record (EOE, or PROCTITLE before any EOE)");
	if (with_eoe)
		tap_ok(st.by_reason[ASSEMBLY_EOE] > 0, "EOE ends them once the stream has shown one");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static void test_duplicates_and_late(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	struct assembly_stats st;

	for (int copy = 0; copy < 2; copy++)
		for (int i = 0; i < EXEC_RECORDS; i++)
			add(a, exec_types[i], 1700000000, 5);
	add(a, "PATH", 1700000000, 5);
	assembly_flush(a);
	assembly_get_stats(a, &st);
	tap_is_int(o.n, 1, "an event given twice is handed on once");
	tap_is_int(st.dropped_late, 6, "the copy's records (and a late PATH) counted as late, "
		   "EOE records excepted");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

/* A reset assembly behaves as a new one: no memory of handed-on events, nothing in flight. */
static void test_reset(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	struct assembly_stats st;

	for (int i = 0; i < EXEC_RECORDS; i++)
		add(a, exec_types[i], 1700000000, 5);
	add(a, "SYSCALL", 1700000000, 6);         /* in flight at the reset */
	assembly_reset(a);
	out_clear(&o);
	for (int i = 0; i < EXEC_RECORDS; i++)
		add(a, exec_types[i], 1700000000, 5);
	assembly_flush(a);
	assembly_get_stats(a, &st);
	tap_ok(o.n == 1 && all_whole(&o, 5, 1, 1700000000),
	       "after a reset, an event handed on before is handed on again, whole");
	tap_ok(st.dropped_late == 0 && st.in_flight == 0 && st.events_out == 1,
	       "after a reset: nothing late, nothing of the dropped event 6, counters from zero");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static void test_prefilter_per_event(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	struct assembly_stats st;
	char l[512];

	/* records before the SYSCALL that drops the event go too, and those after it */
	add(a, "CWD", 1700000000, 9);
	add(a, "OPEN", 1700000000, 9);
	add(a, "PATH", 1700000000, 9);
	add(a, "PROCTITLE", 1700000000, 9);
	add(a, "EOE", 1700000000, 9);
	assembly_get_stats(a, &st);
	tap_is_int(o.n, 0, "a read-only openat event is dropped whole");
	tap_is_int(st.dropped_event, 5, "every record of the dropped event counted");
	/* same serial on two nodes: dropping one node's event keeps the other's */
	rec(l, sizeof(l), "OPEN", 1700000001, 10);
	{
		char n1[600];

		snprintf(n1, sizeof(n1), "node=a %s", l);
		assembly_add(a, n1, strlen(n1), 0);
		for (int i = 0; i < EXEC_RECORDS; i++) {
			rec(l, sizeof(l), exec_types[i], 1700000001, 10);
			snprintf(n1, sizeof(n1), "node=b %s", l);
			assembly_add(a, n1, strlen(n1), 0);
		}
	}
	tap_is_int(o.n, 1, "node b's event with the same serial is kept");
	tap_ok(o.n == 1 && strncmp(o.text[0], "node=b type=SYSCALL", 19) == 0 &&
	       strstr(o.text[0], "node=b type=EOE msg=audit(1700000001.100:10):\n") != NULL,
	       "node prefix kept on every record");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static void test_eoe_less(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly_limits lim = { 64, 1 << 16, 1 << 20, 2000 };
	struct assembly *a = assembly_new(&lim, pf, collect, &o);
	/* no PROCTITLE either: only the window (event time) or the end completes it */
	add(a, "SYSCALL", 1700000000, 1);
	add(a, "EXECVE", 1700000000, 1);
	add(a, "SYSCALL", 1700000001, 2);
	tap_is_int(o.n, 0, "incomplete events wait within the window");
	add(a, "SYSCALL", 1700000003, 3);
	tap_ok(o.n == 1 && o.reason[0] == ASSEMBLY_WINDOW, "an event 3 s older than the newest goes "
	       "by the 2 s window");
	{
		static const char eoe[] = "\ntype=EOE msg=audit(1700000000.100:1):\n";
		size_t tl = o.n ? strlen(o.text[0]) : 0;

		tap_ok(o.n == 1 && tl > sizeof(eoe) &&
		       strcmp(o.text[0] + tl - (sizeof(eoe) - 1), eoe) == 0 && o.records[0] == 3,
		       "with a synthesised EOE record");
	}
	/* the clock going back by more than the window does not split the new events */
	add(a, "SYSCALL", 1600000000, 4);
	add(a, "EXECVE", 1600000000, 4);
	tap_is_int(o.n, 1, "an event from before a clock step back is not handed on at once");
	assembly_flush(a);
	tap_is_int(o.n, 4, "the end of input hands on the rest");
	/* idle (live): wall clock */
	out_clear(&o);
	{
		static const char l[] = "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59\n";

		assembly_add(a, l, sizeof(l) - 1, 1000);
	}
	assembly_expire_idle(a, 1500, 1000);
	tap_is_int(o.n, 0, "not idle yet");
	assembly_expire_idle(a, 2000, 1000);
	tap_ok(o.n == 1 && o.reason[0] == ASSEMBLY_IDLE, "idle event handed on");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static void test_bounds(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly_limits lim = { 4, 16384, 1 << 20, 10000 };
	struct assembly *a = assembly_new(&lim, pf, collect, &o);
	struct assembly_stats st;
	char big[8000];

	for (int s = 1; s <= 6; s++)
		add(a, "SYSCALL", 1700000000, s);
	assembly_get_stats(a, &st);
	tap_is_int(st.by_reason[ASSEMBLY_EVICT_EVENTS], 2, "two events evicted for count");
	tap_ok(o.n == 2 && strstr(o.text[0], ":1): ") && strstr(o.text[1], ":2): "),
	       "the oldest went first");
	assembly_flush(a);
	out_clear(&o);
	/* one event's bytes: long EXECVE records stop early, CWD and PATH still fit */
	add(a, "SYSCALL", 1700000001, 50);
	memset(big, 'A', sizeof(big));
	memcpy(big, "type=EXECVE msg=audit(1700000001.100:50): a1[0]=", 48);
	big[sizeof(big) - 1] = '\n';
	for (int i = 0; i < 4; i++)
		assembly_add(a, big, sizeof(big), 0);
	add(a, "CWD", 1700000001, 50);
	add(a, "PATH", 1700000001, 50);
	add(a, "PROCTITLE", 1700000001, 50);
	assembly_flush(a);
	assembly_get_stats(a, &st);
	tap_ok(o.n == 1 && o.cut[0] && o.records[0] == 5, "an event over max_event_bytes is cut "
	       "(%u records: SYSCALL, one EXECVE, CWD, PATH, EOE)", o.n ? o.records[0] : 0);
	tap_ok(o.n == 1 && strstr(o.text[0], "type=PATH") && strlen(o.text[0]) <= 16384,
	       "its PATH kept, its size within the limit (%zu)", o.n ? strlen(o.text[0]) : 0);
	tap_is_int(st.dropped_cut, 3, "three EXECVE records counted as cut");
	assembly_free(a);
	out_clear(&o);
	/* total bytes */
	lim = (struct assembly_limits){ 64, 16384, 8192, 10000 };
	a = assembly_new(&lim, pf, collect, &o);
	for (int s = 1; s <= 6; s++)
		add(a, "SYSCALL", 1700000000, s);
	assembly_get_stats(a, &st);
	tap_ok(st.by_reason[ASSEMBLY_EVICT_BYTES] == 2 && st.high_water_bytes <= 8192 + 2048,
	       "events evicted for bytes (%llu), high water %zu", st.by_reason[ASSEMBLY_EVICT_BYTES],
	       st.high_water_bytes);
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static void test_passthrough(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);

	assembly_add(a, "garbage", 7, 0);
	assembly_add(a, "type=USER_LOGIN msg=audit(1.000:2): pid=1\n", 42, 0);
	tap_ok(o.n == 1 && strcmp(o.text[0], "garbage\n") == 0 && o.reason[0] == ASSEMBLY_PASSTHROUGH,
	       "a line without a stamp goes on alone, as it is (newline added)");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

/* A cut of a recorded corpus: every kept event handed on once, none split. */
struct keyset {
	char **ids;
	size_t n, cap;
};

/* 0x1d starts auditd's ENRICHED suffix, after a record's header: a 0x1d inside a node name
 * (forged text) once cut the stored record before its header, and the synthesised EOE then
 * copied a prefix longer than the record (ASan: memcpy-param-overlap, found by
 * fuzz/fuzz_assembly). Such a record is dropped and counted; the event's others stay. */
static void test_separator_in_header(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	struct assembly_stats st;
	static const char bad[] = "node=a\x1d" "b type=SYSCALL msg=audit(1.000:7): arch=c000003e "
				  "syscall=59 success=yes\x1d" "UID=\"root\"\n";
	static const char good[] = "type=SYSCALL msg=audit(1.000:8): arch=c000003e syscall=59 "
				   "success=yes\x1d" "UID=\"root\"\n";
	static const char want[] = "type=SYSCALL msg=audit(1.000:8): arch=c000003e syscall=59 "
				   "success=yes\ntype=EOE msg=audit(1.000:8):\n";

	assembly_add(a, bad, sizeof(bad) - 1, 1000);
	assembly_add(a, good, sizeof(good) - 1, 1000);
	assembly_expire_idle(a, 5000, 1000);
	assembly_get_stats(a, &st);
	tap_ok(o.n == 1 && strcmp(o.text[0], want) == 0 && st.dropped_cut == 1,
	       "a 0x1d in a record's header: that record dropped and counted, the suffix of the "
	       "next cut, its EOE whole");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void keyset_add(struct keyset *k, const char *text)
{
	const char *p = strstr(text, "msg=audit("), *e = p ? strchr(p, ')') : NULL;

	if (!e)
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 1024;
		k->ids = realloc(k->ids, k->cap * sizeof(*k->ids));
	}
	k->ids[k->n++] = strndup(p, (size_t)(e - p));
}

static void count_ids(void *ctx, const struct assembly_event *ev)
{
	keyset_add(ctx, ev->text);
}

static void test_corpus(const char *name, long from, long lines, bool expect_eoe)
{
	const char *shared = getenv("SHARED_DIR");
	char path[4096], cmd[8192], *line = NULL;
	struct keyset out = { 0 };
	struct prefilter *pf;
	struct assembly *a;
	struct assembly_stats st;
	size_t cap = 0, dup = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/corpora/%s", shared ? shared : "../shared", name);
	if (access(path, R_OK) != 0 || system("command -v xz >/dev/null 2>&1") != 0) {
		tap_skip("%s: corpus absent (../shared/corpora) or no xz", name);
		tap_skip("%s: corpus absent", name);
		return;
	}
	snprintf(cmd, sizeof(cmd), "xz -dc '%s' | sed -n '%ld,%ldp;%ldq'", path, from,
		 from + lines - 1, from + lines - 1);
	f = popen(cmd, "r");
	pf = prefilter_new((const char *const[]){ "execve", "execveat", NULL });
	a = assembly_new(NULL, pf, count_ids, &out);
	while (f && (n = getline(&line, &cap, f)) > 0)
		assembly_add(a, line, (size_t)n, 0);
	assembly_flush(a);
	assembly_get_stats(a, &st);
	if (f)
		pclose(f);
	qsort(out.ids, out.n, sizeof(*out.ids), cmp_str);
	for (size_t i = 1; i < out.n; i++)
		dup += strcmp(out.ids[i - 1], out.ids[i]) == 0;
	tap_ok(st.records_in == (unsigned long long)lines && out.n > 1000 && dup == 0 &&
	       st.dropped_late == 0 && st.by_reason[ASSEMBLY_WINDOW] == 0 &&
	       st.by_reason[ASSEMBLY_EVICT_EVENTS] + st.by_reason[ASSEMBLY_EVICT_BYTES] == 0,
	       "%s lines %ld-%ld: %zu events, none split (%zu twice), none late, none evicted",
	       name, from, from + lines - 1, out.n, dup);
	tap_ok(st.by_reason[ASSEMBLY_EOE] + st.by_reason[ASSEMBLY_PROCTITLE] +
	       st.by_reason[ASSEMBLY_FLUSH] == st.events_out &&
	       (!expect_eoe || st.by_reason[ASSEMBLY_EOE] + 10 >= st.events_out) &&
	       st.high_water_events >= (expect_eoe ? 3 : 200),
	       "%s: events ended by their own last record (%llu of %zu; the rest at the cut's "
	       "end), at most %zu in flight", name,
	       st.by_reason[expect_eoe ? ASSEMBLY_EOE : ASSEMBLY_PROCTITLE], out.n,
	       st.high_water_events);
	for (size_t i = 0; i < out.n; i++)
		free(out.ids[i]);
	free(out.ids);
	free(line);
	assembly_free(a);
	prefilter_free(pf);
}

static void test_enriched(void)
{
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	static const char sc[] = "type=SYSCALL msg=audit(1.000:3): arch=c000003e syscall=59 "
				 "success=yes uid=0 key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve UID=\"root\"\n";
	static const char eoe[] = "type=EOE msg=audit(1.000:3):\n";

	assembly_add(a, sc, sizeof(sc) - 1, 0);
	assembly_add(a, eoe, sizeof(eoe) - 1, 0);
	tap_ok(o.n == 1 && strcmp(o.text[0], "type=SYSCALL msg=audit(1.000:3): arch=c000003e "
				  "syscall=59 success=yes uid=0 key=(null)\ntype=EOE msg=audit(1.000:3):\n") == 0,
	       "the ENRICHED suffix (after 0x1d) is not handed on");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

/* Stamps that begin alike (serial 1 and 12, seconds 1 and 11) alternate record by record:
 * the memo of the last stamp parsed must never take one for the other. */
static void test_stamp_prefixes(void)
{
	static const struct { long t; int s; } ev[] = { { 1, 1 }, { 1, 12 }, { 11, 1 } };
	struct prefilter *pf = prefilter_new(syscalls);
	struct out o = { 0 };
	struct assembly *a = assembly_new(NULL, pf, collect, &o);
	bool whole = true;

	for (int r = 0; r < EXEC_RECORDS; r++)
		for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
			add(a, exec_types[r], ev[i].t, ev[i].s);
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		char want[4096];

		expect_text(want, sizeof(want), ev[i].t, ev[i].s);
		whole = whole && i < o.n && strcmp(o.text[i], want) == 0;
	}
	tap_ok(whole && o.n == 3, "interleaved events with stamps alike are kept apart");
	assembly_free(a);
	prefilter_free(pf);
	out_clear(&o);
}

int main(void)
{
	test_in_order();
	test_shuffled(true, 1);
	test_shuffled(false, 2);
	test_shuffled(true, 3);
	test_duplicates_and_late();
	test_reset();
	test_prefilter_per_event();
	test_eoe_less();
	test_bounds();
	test_passthrough();
	test_separator_in_header();
	test_enriched();
	test_stamp_prefixes();
	/* the 5,000 exec/s part of the interleaved corpus: hundreds of events in flight */
	test_corpus("interleaved-16core-audit.log.xz", 400001, 60000, false);
	test_corpus("plugin-stream-16core.log.xz", 300001, 30000, true);
	tap_plan(tap_n);
	return tap_failed ? 1 : 0;
}
