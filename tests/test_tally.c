/* tally: the summary after a replay or an analysis counts everything, stays bounded however
 * many distinct names come (the rest as "more"), shows the largest counts first and escapes
 * names for a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/tally.h"
#include "tap.h"

static const char *const names[3] = { "by rule", "top writers", "top targets" };

static char *summary(const struct tally *t, bool colour)
{
	struct strbuf sb;

	if (strbuf_init(&sb, 1 << 20) < 0)
		return NULL;
	tally_format(t, "alerts", names, colour, &sb);
	return sb.data;
}

static void test_counts(void)
{
	static const struct {
		const char *rule;
		enum severity sev;
		const char *writer, *target;
	} rows[] = {
		{ "loader_exec", SEV_CRITICAL, NULL, "/tmp/a" },
		{ "loader_exec", SEV_CRITICAL, NULL, "/tmp/a" },
		{ "dropped_exec", SEV_HIGH, "/usr/bin/curl", "/tmp/b" },
		{ "suspicious_elf_write", SEV_HIGH, "/usr/bin/curl", "/tmp/b" },
		{ "dropped_exec", SEV_LOW, "/usr/bin/cp", "/tmp/c" },
		{ "loader_exec", SEV_MEDIUM, NULL, "/tmp/a" },
	};
	struct tally t;
	char *s;

	if (!tap_ok(tally_init(&t) == 0, "init"))
		return;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tally_add(&t, rows[i].rule, rows[i].sev, rows[i].writer, rows[i].target,
			  strlen(rows[i].target));
	s = summary(&t, false);
	tap_ok(s && strcmp(s,
		"summary: 6 alerts: critical 2, high 2, medium 1, low 1, info 0\n"
		"  by rule: loader_exec 3, dropped_exec 2, suspicious_elf_write 1\n"
		"  top writers: /usr/bin/curl 2, /usr/bin/cp 1\n"
		"  top targets: /tmp/a 3, /tmp/b 2, /tmp/c 1\n") == 0, "counts, largest first, first seen among equals");
	if (s && getenv("TALLY_TEST_VERBOSE"))
		tap_diag("%s", s);
	free(s);
	s = summary(&t, true);
	tap_ok(s && strstr(s, ": \x1b[1;31mcritical\x1b[0m 2, \x1b[31mhigh\x1b[0m 2,") &&
	       strstr(s, ", info 0\n"), "colour: counted severities coloured, zero ones plain");
	free(s);
	tally_free(&t);
}

static void test_bounds(void)
{
	struct tally t;
	char name[TALLY_NAME_MAX * 2], *s;

	if (!tap_ok(tally_init(&t) == 0, "init"))
		return;
	/* more distinct targets than the table holds, each once; one target 3 times */
	for (int i = 0; i < TALLY_NAMES + 50; i++) {
		snprintf(name, sizeof(name), "/tmp/f%d", i);
		tally_add(&t, "dropped_exec", SEV_HIGH, NULL, name, strlen(name));
	}
	for (int i = 0; i < 3; i++)
		tally_add(&t, "dropped_exec", SEV_HIGH, NULL, "/tmp/f7", 7);
	/* a long hostile name: cut, escaped */
	memset(name, 'x', sizeof(name));
	memcpy(name, "\x1b]0;pwn\x07", 8);
	tally_add(&t, "loader_exec", SEV_LOW, "\x1b[2Jw\n", name, sizeof(name));
	s = summary(&t, false);
	tap_ok(s && strstr(s, "summary: 1078 alerts: critical 0, high 1077, medium 0, low 1, info 0\n"),
	       "totals count everything");
	if (s && getenv("TALLY_TEST_VERBOSE"))
		tap_diag("%.600s", s);
	tap_ok(s && strstr(s, "  top targets: /tmp/f7 4, /tmp/f0 1, /tmp/f1 1, /tmp/f2 1, /tmp/f3 1, 1070 more\n"),
	       "top five, then the rest (past the table too) as more");
	tap_ok(s && strstr(s, "  top writers: \\x1b[2Jw\\x0a 1\n"), "writer name escaped");
	tap_ok(s && !strchr(s, '\x1b') && !strchr(s, '\x07'), "no control byte in the summary");
	free(s);
	tally_free(&t);
	tally_free(&t);     /* twice: a freed tally is empty */
	tap_ok(1, "tally_free twice");
}

int main(void)
{
	test_counts();
	test_bounds();
	return tap_done();
}
