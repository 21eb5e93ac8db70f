/* log: elfwatch's own diagnostics quote attacker text (paths, comm, argv); each message must
 * stay one line, with control bytes and invalid UTF-8 escaped as alerts escape them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "sys/log.h"
#include "tap.h"

static void test_escape(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "plain /tmp/x", "plain /tmp/x" },
		{ "a\nb", "a\\nb" },
		{ "a\rb", "a\\rb" },
		{ "tab\there", "tab\\there" },
		{ "esc \x1b[31mred", "esc \\u001b[31mred" },
		{ "del \x7f", "del \\u007f" },
		{ "bad \xff\xfe utf8", "bad \\ufffd\\ufffd utf8" },
		{ "ok \xc3\xa9t\xc3\xa9", "ok \xc3\xa9t\xc3\xa9" },
		{ "ls \xe2\x80\xa8 sep", "ls \\u2028 sep" },
		{ "back\\slash \"q\"", "back\\\\slash \\\"q\\\"" },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_is_str(log_escape(rows[i].in, out, sizeof(out)), rows[i].want, rows[i].want);
	log_escape("\n\n\n\n\n\n\n\n", out, 8);
	tap_ok(strlen(out) <= 7 && !strchr(out, '\n'), "cut to its buffer, still no newline: '%s'", out);
}

/* A warning quoting a hostile path, written to stderr as in the foreground: one line. */
static void test_one_line(void)
{
	const char *p = fixture_path("log.err");
	FILE *f = fopen(p, "w+");
	char buf[4096];
	size_t n;
	int saved, lines = 0;

	if (!f) {
		tap_skip("cannot create %s", p);
		return;
	}
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(f), 2);
	log_setup(false, LOG_DEBUG);
	log_warn("cannot inspect %.200s (event %s): %s",
		 "/tmp/x\nelfwatch: error: forged line\r\x1b[2K\xff", "1.2:3", "Permission denied");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	tap_ok(lines == 1 && buf[n - 1] == '\n', "one line out (%d)", lines);
	tap_ok(strstr(buf, "/tmp/x\\nelfwatch: error: forged line\\r\\u001b[2K\\ufffd (event 1.2:3)") != NULL,
	       "the path's newline, CR, escape and bad byte are escaped: %s", buf);
}

int main(void)
{
	if (!fixture_dir()) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	test_escape();
	test_one_line();
	fixture_cleanup();
	return tap_done();
}
