/* record argv: each EXECVE field lands in the argv slot its name gives (aN, aN[k]), whatever
 * order the fields and records come in; argv keeps the whole prefix that arrived, and
 * anything missing, repeated or beyond REC_MAX_ARGS says cut. Every row goes through
 * libauparse and through the text reader (tests/recdiff.c), which must agree. */
#include <stdio.h>
#include <string.h>

#include "recdiff.h"
#include "model/record.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define STAMP "msg=audit(1795364529.957:5):"
#define HDR(type) "type=" type " " STAMP " "
#define SYSCALL HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 " \
	"a3=4 items=1 ppid=2423 pid=2440 auid=4294967295 uid=0 euid=0 tty=(none) " \
	"ses=4294967295 comm=\"sh\" exe=\"/bin/sh\" key=\"elfwatch_exec\"\n"
#define EXECVE(fields) HDR("EXECVE") fields "\n"
#define TAIL HDR("CWD") "cwd=\"/tmp\"\n" "type=EOE " STAMP "\n"

static const struct rec_limits limits = { 8192 };

static const struct {
	const char *name;
	const char *text;
	const char *want[5];    /* the kept argv, NULL-terminated */
	bool cut;
} rows[] = {
	{ "in order", SYSCALL EXECVE("argc=3 a0=\"x\" a1=\"y\" a2=\"z\"") TAIL,
	  { "x", "y", "z" }, false },
	{ "a2 before a1", SYSCALL EXECVE("argc=3 a0=\"x\" a2=\"z\" a1=\"y\"") TAIL,
	  { "x", "y", "z" }, false },
	{ "reversed", SYSCALL EXECVE("argc=3 a2=\"z\" a1=\"y\" a0=\"x\"") TAIL,
	  { "x", "y", "z" }, false },
	{ "EXECVE records swapped", SYSCALL EXECVE(" a2=\"z\"") EXECVE("argc=3 a0=\"x\" a1=\"y\"")
	  TAIL, { "x", "y", "z" }, false },
	{ "a chunked argument after a later one",
	  SYSCALL EXECVE("argc=3 a0=\"x\" a2=\"z\" a1_len=4 a1[0]=\"ab\" a1[1]=\"cd\"") TAIL,
	  { "x", "abcd", "z" }, false },
	{ "a1 before a0, a2 missing", SYSCALL EXECVE("argc=3 a1=\"y\" a0=\"x\"") TAIL,
	  { "x", "y" }, true },
	{ "a2 missing: a3 is not argv[2]", SYSCALL EXECVE("argc=4 a0=\"x\" a1=\"y\" a3=\"w\"") TAIL,
	  { "x", "y" }, true },
	{ "a0 missing: nothing kept", SYSCALL EXECVE("argc=2 a1=\"y\"") TAIL, { NULL }, true },
	{ "an index beyond REC_MAX_ARGS first hides nothing",
	  SYSCALL EXECVE("argc=2 a256=\"far\" a0=\"x\" a1=\"y\"") TAIL, { "x", "y" }, true },
	{ "an overflowing index counts as cut",
	  SYSCALL EXECVE("argc=1 a99999999999999999999999=\"q\" a0=\"x\"") TAIL, { "x" }, true },
	{ "a repeated argument ends what is kept after it",
	  SYSCALL EXECVE("argc=3 a1=\"y\" a0=\"x\" a1=\"again\" a2=\"z\"") TAIL, { "x", "y" }, true },
	{ "a chunk missing: the argument is cut before the next one",
	  SYSCALL EXECVE("argc=2 a0=\"x\" a1_len=6 a1[0]=\"ab\" a1[2]=\"ef\"") TAIL,
	  { "x", "ab" }, true },
	{ "a chunk repeated is not joined twice",
	  SYSCALL EXECVE("argc=2 a0=\"x\" a1_len=4 a1[0]=\"ab\" a1[1]=\"cd\" a1[1]=\"cd\"") TAIL,
	  { "x", "abcd" }, true },
	{ "chunks out of order: what follows the first one in order",
	  SYSCALL EXECVE("argc=2 a0=\"x\" a1_len=6 a1[0]=\"ab\" a1[2]=\"ef\" a1[1]=\"cd\"") TAIL,
	  { "x", "abcd" }, true },
	{ "a chunk that cannot join its argument cuts it, not its neighbours",
	  SYSCALL EXECVE("argc=3 a0=\"x\" a1[0]=\"ab\" a2=\"z\" a1[1]=\"cd\"") TAIL,
	  { "x", "ab", "z" }, true },
};

static void test_rows(struct rec_event *lib, struct rec_event *txt)
{
	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		char why[160] = "";
		enum recdiff_result d = recdiff_event(rows[i].text, strlen(rows[i].text), lib, txt,
						      why, sizeof(why));
		unsigned n = 0;
		bool same;

		if (!tap_ok(d == RECDIFF_SAME, "%s: text reader and libauparse agree", rows[i].name))
			tap_diag("  recdiff %d (%s)", d, why);
		while (n < N_ELEMS(rows[i].want) && rows[i].want[n])
			n++;
		same = lib->argc_kept == n && lib->argv_cut == rows[i].cut;
		for (unsigned k = 0; same && k < n; k++)
			same = lib->argv[k].s && lib->argv[k].len == strlen(rows[i].want[k]) &&
			       memcmp(lib->argv[k].s, rows[i].want[k], lib->argv[k].len) == 0;
		if (!tap_ok(same, "%s: %u kept, in place, cut=%d", rows[i].name, n, rows[i].cut)) {
			tap_diag("  argc_kept %u, argv_cut %d", lib->argc_kept, lib->argv_cut);
			for (unsigned k = 0; k < lib->argc_kept; k++)
				tap_diag("  argv[%u] '%.*s'", k, (int)lib->argv[k].len, lib->argv[k].s);
		}
	}
}

/* The cut argument of "cannot join" is marked as such: a reader of argv[1] must not take
 * "ab" for the whole argument. */
static void test_join_cut(struct rec_event *lib, struct rec_event *txt)
{
	static const char text[] =
		SYSCALL EXECVE("argc=3 a0=\"x\" a1[0]=\"ab\" a2=\"z\" a1[1]=\"cd\"") TAIL;
	char why[160];

	recdiff_event(text, sizeof(text) - 1, lib, txt, why, sizeof(why));
	tap_ok(lib->argc_kept == 3 && lib->argv[1].cut && !lib->argv[0].cut && !lib->argv[2].cut,
	       "the argument whose chunk could not join is cut, its neighbours are not");
}

int main(void)
{
	struct rec_event lib, txt;

	if (rec_event_init(&lib, &limits) < 0 || rec_event_init(&txt, &limits) < 0) {
		printf("1..0 # SKIP out of memory\n");
		return 1;
	}
	test_rows(&lib, &txt);
	test_join_cut(&lib, &txt);
	rec_event_free(&lib);
	rec_event_free(&txt);
	return tap_done();
}
