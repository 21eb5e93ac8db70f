/* config: every key read, every wrong value refused with "file:line: message", unknown keys
 * refused, *ret untouched on failure, and the shipped conf/elfwatch.conf equal to the defaults. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* sys/config.h by its folder: a bare "config.h" would be autoconf's. */
#include "sys/config.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/ew-test-config-XXXXXX";
static char file[sizeof(dir) + 16];

static bool write_conf(const char *text, size_t len)
{
	FILE *f = fopen(file, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* Load text as a config file. Returns config_load's result; err holds its message. */
static int load(const char *text, struct config *cfg, char *err, size_t errlen)
{
	if (!write_conf(text, strlen(text)))
		return -999;
	err[0] = '\0';
	return config_load(file, cfg, err, errlen);
}

/* Bad files: the error must name the file and the line, and say what is wrong. */
struct bad_case {
	const char *text;
	int line;               /* expected line in the message; 0: not checked */
	const char *says;       /* substring of the message */
	const char *name;
};

static const struct bad_case bad_cases[] = {
	{ "output = \"stdout\";\nformat = ;\n", 2, "", "syntax: missing value" },
	{ "output == \"stdout\";\n", 1, "", "syntax: doubled '='" },
	{ "\n\n\nformat = \"kv\" output = \"stdout\" ]\n", 4, "", "syntax error on line 4" },
	{ "output = \"stdout\"\nfoo = 1;\n", 2, "unknown setting 'foo'", "';' is optional, the key is not" },
	{ "output = \"stdout\";\noutput = \"syslog\";\n", 2, "", "duplicate setting" },
	{ "x = \"unterminated;\n", 0, "", "unterminated string" },
	{ "a = { b = { c = 1; };\n", 0, "", "unbalanced braces" },
	{ "\n\nbogus = 1;\n", 3, "unknown setting 'bogus'", "unknown top-level key" },
	{ "max_alert_byte = 600;\n", 1, "unknown setting 'max_alert_byte'", "typo in a key" },
	{ "loader: {\n  paths = [ \"/lib/ld-*\" ];\n  path = [ \"/x\" ];\n};\n", 3,
	  "unknown setting 'path'", "unknown loader key" },
	{ "syslog_priority = { high = \"err\"; urgent = \"crit\"; };\n", 1, "unknown setting 'urgent'",
	  "unknown severity in syslog_priority" },
	{ "loader: { allow = ( { target = \"/opt/*\"; user = 0; } ); };\n", 1, "unknown setting 'user'",
	  "unknown allow key" },
	{ "output = 5;\n", 1, "'output' must be a string", "output not a string" },
	{ "output = \"relative/file\";\n", 1, "output must be", "relative output path" },
	{ "output = \"\";\n", 1, "output must be", "empty output" },
	{ "format = \"xml\";\n", 1, "format must be", "unknown format" },
	{ "format = \"JSON\";\n", 1, "format must be", "format is case-sensitive" },
	{ "format = \"text\";\n", 1, "format must be", "text is for the command line, not a log" },
	{ "syslog_facility = \"kern\";\n", 1, "unknown syslog facility \"kern\"", "kern facility" },
	{ "syslog_priority = \"err\";\n", 1, "must be a group", "syslog_priority not a group" },
	{ "syslog_priority = { high = \"loud\"; };\n", 1, "unknown syslog priority \"loud\"",
	  "unknown priority" },
	{ "syslog_priority = { high = 3; };\n", 1, "'high' must be a string", "numeric priority" },
	{ "log_level = \"emerg\";\n", 1, "log_level must be", "log_level above err" },
	{ "log_level = \"chatty\";\n", 1, "log_level must be", "unknown log_level" },
	{ "min_severity = \"severe\";\n", 1, "min_severity must be", "unknown min_severity" },
	{ "max_alert_bytes = 2047;\n", 1, "between 2048 and 65536", "max_alert_bytes too small" },
	{ "max_alert_bytes = 65537;\n", 1, "between 2048 and 65536", "max_alert_bytes too large" },
	{ "max_alert_bytes = -1;\n", 1, "between", "negative size" },
	{ "max_alert_bytes = 9999999999L;\n", 1, "between", "int64 out of range" },
	{ "max_alert_bytes = 1.5;\n", 1, "must be an integer", "float size" },
	{ "max_alert_bytes = \"4096\";\n", 1, "must be an integer", "string size" },
	{ "max_argv_bytes = 255;\n", 1, "between 256", "max_argv_bytes too small" },
	{ "process_table_size = 2000000;\n", 1, "between 64", "process_table_size too large" },
	{ "inspect_files = 1;\n", 1, "must be true or false", "int for a boolean" },
	{ "inspect_files = \"yes\";\n", 1, "must be true or false", "string for a boolean" },
	{ "loader = 1;\n", 1, "loader must be a group", "loader not a group" },
	{ "loader: { paths = \"/lib/ld-*\"; };\n", 1, "must be a list of strings", "paths a string" },
	{ "loader: {\n paths = [ \"/lib/ld-*\",\n \"lib/ld-*\" ]; };\n", 3, "must be absolute",
	  "relative pattern (line of the entry)" },
	{ "loader: { paths = [ \"\" ]; };\n", 1, "must be absolute", "empty pattern" },
	{ "loader: { writable_dirs = ( \"/tmp\", 5 ); };\n", 1, "entries must be strings",
	  "number in a list" },
	{ "loader: { benign_parents = ( ( \"/a\" ) ); };\n", 1, "entries must be strings",
	  "nested list" },
	{ "loader: { benign_alerts = \"no\"; };\n", 1, "must be true or false", "benign_alerts string" },
	{ "loader: { allow = { target = \"/opt/*\"; }; };\n", 1, "must be a list of groups",
	  "allow a group" },
	{ "loader: { allow = ( \"/opt/*\" ); };\n", 1, "entries must be groups", "allow entry a string" },
	{ "loader: {\n allow = (\n { comment = \"nothing to match\"; }\n ); };\n", 3,
	  "needs parent_exe, target or uid", "allow entry without a matcher" },
	{ "loader: { allow = ( { uid = -1; } ); };\n", 1, "'uid' must be an integer from 0 to 4294967294",
	  "negative uid" },
	{ "loader: { allow = ( { uid = \"root\"; } ); };\n", 1, "'uid' must be", "uid by name" },
	{ "loader: { allow = ( { target = 5; } ); };\n", 1, "'target' must be a string",
	  "numeric target" },
	{ "loader: { allow = ( { target = \"/a\"; }, { parent_exe = [ \"/b\" ]; } ); };\n", 1,
	  "'parent_exe' must be a string", "second allow entry bad" },
	{ "@include \"/nonexistent/elfwatch-include.conf\"\n", 0, "", "@include of a missing file" },
	{ "exec_judge: { enabld = true; };\n", 1, "unknown setting 'enabld'", "exec_judge typo" },
	{ "exec_judge: { cache_size = 3; };\n", 1, "'cache_size' must be between 16", "tiny cache" },
	{ "exec_judge: { system_dirs = [ \"usr\" ]; };\n", 1, "must be absolute", "relative dir" },
	{ "exec_judge = true;\n", 1, "exec_judge must be a group", "exec_judge not a group" },
	{ "linker = true;\n", 1, "linker must be a group", "linker not a group" },
	{ "linker: { preload = [ \"/x\" ]; };\n", 1, "unknown setting 'preload'", "linker typo" },
	{ "linker: { library_dirs = [ \"lib\" ]; };\n", 1, "must be absolute", "relative lib dir" },
	{ "linker: { environ = \"yes\"; };\n", 1, "", "environ not a bool" },
	{ "alerts = 1;\n", 1, "alerts must be a group", "alerts not a group" },
	{ "alerts: {\n fold_windows = 5; };\n", 2, "unknown setting 'fold_windows'", "unknown alerts key" },
	{ "alerts: { fold_window = 3601; };\n", 1, "between 0 and 3600", "fold_window too long" },
	{ "alerts: { fold_window = -1; };\n", 1, "between 0 and 3600", "negative fold_window" },
	{ "alerts: { fold_window = \"60\"; };\n", 1, "must be an integer", "fold_window a string" },
	{ "alerts: { rate_per_minute = 1000001; };\n", 1, "between 0 and 1000000",
	  "rate_per_minute too large" },
	{ "alerts: { fold_table_size = 15; };\n", 1, "between 16 and 1048576", "fold table too small" },
	{ "alerts: { fold_table_size = 1048577; };\n", 1, "between 16", "fold table too large" },
	{ "state = true;\n", 1, "state must be a group", "state not a group" },
	{ "state: { enable = false; };\n", 1, "unknown setting 'enable'", "state typo" },
	{ "state: { max_age = 0; };\n", 1, "between 1 and 86400", "max_age 0" },
	{ "state: { max_age = 86401; };\n", 1, "between 1 and 86400", "max_age over a day" },
	{ "state: { path = \"run/state\"; };\n", 1, "absolute file name", "relative state path" },
	{ "state: { path = \"/state\"; };\n", 1, "directory of its own", "state file in /" },
	{ "state: { path = \"/run/elfwatch/\"; };\n", 1, "absolute file name", "a directory" },
	{ "state: { path = \"/run/elfwatch/..\"; };\n", 1, "absolute file name", "dot-dot" },
	{ "state: { path = 5; };\n", 1, "must be a string", "numeric path" },
};

static void test_defaults(void)
{
	struct config c;

	tap_is_int(config_defaults(&c), 0, "defaults");
	tap_is_str(c.output, "syslog", "output syslog");
	tap_ok(c.format == FORMAT_JSON && c.syslog_facility == LOG_AUTH, "json, auth");
	tap_ok(c.syslog_priority[SEV_HIGH] == LOG_ERR && c.syslog_priority[SEV_CRITICAL] == LOG_CRIT &&
	       c.syslog_priority[SEV_INFO] == LOG_INFO, "priorities");
	tap_ok(c.log_level == LOG_INFO && c.min_severity == SEV_LOW, "log level, min severity");
	tap_ok(c.max_alert_bytes == 4096 && c.max_argv_bytes == 8192 && c.process_table_size == 4096,
	       "sizes");
	tap_ok(c.inspect_files && !c.loader.benign_alerts && c.loader.nallow == 0, "booleans, no allow");
	tap_ok(c.alerts.fold_window_s == 60 && c.alerts.rate_per_minute == 60 &&
	       c.alerts.fold_table_size == 1024, "alerts: fold 60 s, 60 a minute, 1024 remembered");
	tap_ok(c.state.enabled && strcmp(c.state.path, "/run/elfwatch/state") == 0 &&
	       c.state.max_age_s == 60, "state: kept in /run/elfwatch/state, 60 s");
	tap_ok(c.loader.paths.n >= 12 && c.loader.benign_parents.n == 2 && c.loader.writable_dirs.n >= 5,
	       "default pattern lists");
	tap_ok(c.exec_judge.enabled && c.exec_judge.fileless && c.exec_judge.cache_size == 4096 &&
	       c.exec_judge.system_dirs.n == 13 && c.exec_judge.fileless_allow.n == 0,
	       "exec_judge defaults");
	tap_ok(!c.linker.environ && c.linker.preload_files.n == 1 && c.linker.conf_paths.n == 2 &&
	       c.linker.library_dirs.n == 13, "linker defaults");
	config_free(&c);
	config_free(&c); /* a freed config is empty, freeing again is harmless */
	config_free(NULL);
}

static void test_lookups(void)
{
	tap_is_int(config_facility_from_name("local7"), LOG_LOCAL7, "facility local7");
	tap_is_int(config_facility_from_name("authpriv"), LOG_AUTHPRIV, "facility authpriv");
	tap_is_int(config_facility_from_name("AUTH"), -1, "facility names are lower case");
	tap_is_int(config_facility_from_name(NULL), -1, "facility NULL");
	tap_is_int(config_priority_from_name("warning"), LOG_WARNING, "priority warning");
	tap_is_int(config_priority_from_name("warn"), -1, "priority abbreviation refused");
	tap_is_int(config_priority_from_name(NULL), -1, "priority NULL");
	tap_is_int(config_severity_from_name("critical"), SEV_CRITICAL, "severity critical");
	tap_is_int(config_severity_from_name("info"), SEV_INFO, "severity info");
	tap_is_int(config_severity_from_name(""), -1, "severity empty");
	tap_is_int(config_severity_from_name(NULL), -1, "severity NULL");
	tap_is_int(config_format_from_name("ecs"), FORMAT_ECS, "format ecs");
	tap_is_int(config_format_from_name("text"), FORMAT_TEXT, "format text (command line)");
	tap_is_int(config_format_from_name("ECS"), -1, "format case-sensitive");
	tap_is_int(config_format_from_name(NULL), -1, "format NULL");
	tap_is_str(config_format_name(FORMAT_KV), "kv", "format name kv");
	tap_is_str(config_format_name(FORMAT_COUNT), "unknown", "format name out of range");
	{
		struct config c;
		char err[256];
		int r = load("format = \"ecs\";\n", &c, err, sizeof(err));

		tap_ok(r == 0 && c.format == FORMAT_ECS, "format = \"ecs\" accepted");
		if (r == 0)
			config_free(&c);
	}
}

static void test_good(void)
{
	static const char full[] =
		"# every key\n"
		"output = \"/var/log/elfwatch.log\";\n"
		"format = \"kv\";\n"
		"syslog_facility = \"local3\";\n"
		"syslog_priority = { info = \"debug\"; critical = \"alert\"; };\n"
		"log_level = \"debug\";\n"
		"min_severity = \"high\";\n"
		"max_alert_bytes = 2048;\n"
		"max_argv_bytes = 1048576L;\n"
		"process_table_size = 64;\n"
		"inspect_files = false;\n"
		"alerts: { fold_window = 0; rate_per_minute = 1000000; fold_table_size = 16; };\n"
		"state: { enabled = false; path = \"/run/x/st\"; max_age = 86400; };\n"
		"linker: { preload_files = [ \"/etc/ld.so.preload\", \"/x/preload\" ];\n"
		"  conf_paths = [ ]; library_dirs = [ \"/opt/lib\" ]; environ = true; };\n"
		"loader: {\n"
		"  paths = [ \"/opt/ld/ld-*.so*\" ];\n"
		"  benign_parents = ( );\n"
		"  writable_dirs = ( \"/scratch\", \"/x\\\"y\" );\n"
		"  benign_alerts = true;\n"
		"  allow = (\n"
		"    { parent_exe = \"/usr/bin/make\"; comment = \"build\"; },\n"
		"    { target = \"/opt/*\"; uid = 0; },\n"
		"    { uid = 4294967294L; }\n"
		"  );\n"
		"};\n";
	struct config c;
	char err[512];
	int r;

	r = load(full, &c, err, sizeof(err));
	if (!tap_ok(r == 0, "every key set")) {
		tap_diag("  %d %s", r, err);
		return;
	}
	tap_is_str(c.output, "/var/log/elfwatch.log", "output path");
	tap_ok(c.format == FORMAT_KV && c.syslog_facility == LOG_LOCAL3, "kv, local3");
	tap_ok(c.syslog_priority[SEV_INFO] == LOG_DEBUG && c.syslog_priority[SEV_CRITICAL] == LOG_ALERT &&
	       c.syslog_priority[SEV_HIGH] == LOG_ERR, "priorities set, others default");
	tap_ok(c.log_level == LOG_DEBUG && c.min_severity == SEV_HIGH, "log level, min severity");
	tap_ok(c.max_alert_bytes == 2048 && c.max_argv_bytes == 1048576 && c.process_table_size == 64,
	       "sizes at their bounds (int64 accepted)");
	tap_ok(!c.inspect_files && c.loader.benign_alerts, "booleans");
	tap_ok(c.alerts.fold_window_s == 0 && c.alerts.rate_per_minute == 1000000 &&
	       c.alerts.fold_table_size == 16, "alerts: 0 turns folding off, bounds accepted");
	tap_ok(!c.state.enabled && strcmp(c.state.path, "/run/x/st") == 0 && c.state.max_age_s == 86400,
	       "state: every key");
	tap_ok(c.loader.paths.n == 1 && strcmp(c.loader.paths.v[0], "/opt/ld/ld-*.so*") == 0,
	       "paths replaced, not appended");
	tap_ok(c.loader.benign_parents.n == 0, "empty list allowed");
	tap_ok(c.loader.writable_dirs.n == 2 && strcmp(c.loader.writable_dirs.v[1], "/x\"y") == 0,
	       "escaped quote in a pattern");
	tap_ok(c.linker.environ && c.linker.preload_files.n == 2 && c.linker.conf_paths.n == 0 &&
	       c.linker.library_dirs.n == 1 && strcmp(c.linker.preload_files.v[1], "/x/preload") == 0,
	       "linker: every key");
	tap_ok(c.loader.nallow == 3, "three allow entries");
	if (c.loader.nallow == 3) {
		const struct loader_allow *a = c.loader.allow;

		tap_ok(a[0].parent_exe && strcmp(a[0].parent_exe, "/usr/bin/make") == 0 && !a[0].target &&
		       a[0].uid == -1 && a[0].comment && strcmp(a[0].comment, "build") == 0,
		       "allow 0: parent_exe + comment");
		tap_ok(!a[1].parent_exe && a[1].target && a[1].uid == 0 && !a[1].comment,
		       "allow 1: target + uid 0");
		tap_ok(a[2].uid == 4294967294LL && !a[2].target, "allow 2: uid only (int64)");
	}
	config_free(&c);

	r = load("", &c, err, sizeof(err));
	tap_ok(r == 0 && strcmp(c.output, "syslog") == 0 && c.max_alert_bytes == 4096,
	       "empty file gives the defaults");
	if (r == 0)
		config_free(&c);
	r = load("# only a comment\n\n// and another\n/* and a block */\n", &c, err, sizeof(err));
	tap_ok(r == 0, "comments only");
	if (r == 0)
		config_free(&c);
	r = load("loader: { };\n", &c, err, sizeof(err));
	tap_ok(r == 0 && c.loader.paths.n >= 12, "empty loader group keeps default patterns");
	if (r == 0)
		config_free(&c);
	r = load("alerts: { rate_per_minute = 0; };\n", &c, err, sizeof(err));
	tap_ok(r == 0 && c.alerts.rate_per_minute == 0 && c.alerts.fold_window_s == 60 &&
	       c.alerts.fold_table_size == 1024, "alerts: one key set, the others default");
	if (r == 0)
		config_free(&c);
	r = load("loader: { allow = ( ); };\n", &c, err, sizeof(err));
	tap_ok(r == 0 && c.loader.nallow == 0, "empty allow list");
	if (r == 0)
		config_free(&c);
}

static void test_bad(void)
{
	for (size_t i = 0; i < N_ELEMS(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct config c;
		char err[512], want[600];
		int r;

		memset(&c, 0x5a, sizeof(c));
		r = load(b->text, &c, err, sizeof(err));
		if (!tap_ok(r == -EINVAL, "%s: refused", b->name)) {
			tap_diag("  got %d '%s'", r, err);
			if (r == 0)
				config_free(&c);
			continue;
		}
		/* "file:line: message", the line where the problem is */
		if (b->line)
			snprintf(want, sizeof(want), "%s:%d: ", file, b->line);
		else
			snprintf(want, sizeof(want), "%s", file);
		if (!tap_ok(strncmp(err, want, strlen(want)) == 0 && strstr(err, b->says) &&
			    strlen(err) > strlen(want), "%s: message '%s%s'", b->name, want, b->says))
			tap_diag("  got '%s'", err);
		tap_ok(((unsigned char *)&c)[0] == 0x5a &&
		       ((unsigned char *)&c)[sizeof(c) - 1] == 0x5a, "%s: *ret untouched", b->name);
	}
}

static void test_limits(void)
{
	struct config c;
	char err[512], small[12], *big;
	size_t off = 0, cap = 1300 * 16 + 64;
	int r;

	/* 1024 entries are fine, 1025 are not. */
	big = malloc(cap);
	if (!big) {
		tap_ok(0, "malloc");
		return;
	}
	for (int n = 1024; n <= 1025; n++) {
		off = (size_t)snprintf(big, cap, "loader: { paths = [");
		for (int i = 0; i < n; i++)
			off += (size_t)snprintf(big + off, cap - off, "%s\"/p%d\"", i ? "," : "", i);
		snprintf(big + off, cap - off, "]; };\n");
		r = load(big, &c, err, sizeof(err));
		if (n == 1024) {
			tap_ok(r == 0 && c.loader.paths.n == 1024, "1024 patterns accepted");
			if (r == 0)
				config_free(&c);
		} else {
			tap_ok(r == -EINVAL && strstr(err, "more than 1024"), "1025 patterns refused");
		}
	}
	for (int n = 256; n <= 257; n++) {
		off = (size_t)snprintf(big, cap, "loader: { allow = (");
		for (int i = 0; i < n; i++)
			off += (size_t)snprintf(big + off, cap - off, "%s{uid=%d;}", i ? "," : "", i);
		snprintf(big + off, cap - off, "); };\n");
		r = load(big, &c, err, sizeof(err));
		if (n == 256) {
			tap_ok(r == 0 && c.loader.nallow == 256, "256 allow entries accepted");
			if (r == 0)
				config_free(&c);
		} else {
			tap_ok(r == -EINVAL && strstr(err, "more than 256"), "257 allow entries refused");
		}
	}
	free(big);

	/* A long attacker-ish string in an error: the message is cut, never overflows. */
	char longval[3000];
	memset(longval, 'A', sizeof(longval));
	memcpy(longval, "loader: { paths = [ \"", 21);
	memcpy(longval + sizeof(longval) - 8, "\" ]; };", 8);
	r = load(longval, &c, err, sizeof(err));
	tap_ok(r == -EINVAL && strlen(err) < sizeof(err), "long value in the message is cut");

	memset(small, 'Z', sizeof(small));
	r = load("bogus = 1;\n", &c, small, sizeof(small) - 1);
	tap_ok(r == -EINVAL && small[sizeof(small) - 2] == '\0' && small[sizeof(small) - 1] == 'Z',
	       "tiny error buffer: cut and terminated, nothing written past it");

	/* Binary junk and embedded NULs. */
	static const char junk[] = "output = \"std\0out\";\n\xff\xfe\x00garbage";
	if (write_conf(junk, sizeof(junk) - 1)) {
		r = config_load(file, &c, err, sizeof(err));
		tap_ok(r == -EINVAL || r == 0, "binary junk does not crash (%d)", r);
		if (r == 0)
			config_free(&c);
	} else {
		tap_ok(0, "write junk");
	}

	r = config_load("/nonexistent/elfwatch.conf", &c, err, sizeof(err));
	tap_ok(r < 0 && strstr(err, "/nonexistent/elfwatch.conf: cannot read") != NULL,
	       "missing file: cannot read");
	tap_diag("%s", err);
	r = config_load(dir, &c, err, sizeof(err));
	tap_ok(r < 0, "a directory is refused");
}

static void test_shipped(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], err[512];
	struct config c, d;
	bool same;
	int r;

	snprintf(path, sizeof(path), "%s/conf/elfwatch.conf", top ? top : ".");
	if (access(path, R_OK) != 0) {
		tap_skip("no %s", path);
		return;
	}
	r = config_load(path, &c, err, sizeof(err));
	if (!tap_ok(r == 0, "shipped conf/elfwatch.conf loads")) {
		tap_diag("  %s", err);
		return;
	}
	if (config_defaults(&d) < 0) {
		config_free(&c);
		return;
	}
	same = strcmp(c.output, d.output) == 0 && c.format == d.format &&
	       c.syslog_facility == d.syslog_facility &&
	       memcmp(c.syslog_priority, d.syslog_priority, sizeof(c.syslog_priority)) == 0 &&
	       c.log_level == d.log_level && c.min_severity == d.min_severity &&
	       c.max_alert_bytes == d.max_alert_bytes && c.max_argv_bytes == d.max_argv_bytes &&
	       c.process_table_size == d.process_table_size && c.inspect_files == d.inspect_files &&
	       c.loader.benign_alerts == d.loader.benign_alerts && c.loader.nallow == d.loader.nallow &&
	       c.alerts.fold_window_s == d.alerts.fold_window_s &&
	       c.alerts.rate_per_minute == d.alerts.rate_per_minute &&
	       c.alerts.fold_table_size == d.alerts.fold_table_size;
	tap_ok(same, "shipped file states the built-in defaults");
	tap_ok(c.linker.environ == d.linker.environ, "shipped linker.environ is the default");
	const struct pattern_list *pc[] = { &c.loader.paths, &c.loader.benign_parents,
					    &c.loader.writable_dirs, &c.linker.preload_files,
					    &c.linker.conf_paths, &c.linker.library_dirs };
	const struct pattern_list *pd[] = { &d.loader.paths, &d.loader.benign_parents,
					    &d.loader.writable_dirs, &d.linker.preload_files,
					    &d.linker.conf_paths, &d.linker.library_dirs };
	for (size_t k = 0; k < N_ELEMS(pc); k++) {
		same = pc[k]->n == pd[k]->n;
		for (size_t i = 0; same && i < pc[k]->n; i++)
			same = strcmp(pc[k]->v[i], pd[k]->v[i]) == 0;
		tap_ok(same, "shipped pattern list %zu equals the default", k);
	}
	config_free(&c);
	config_free(&d);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	snprintf(file, sizeof(file), "%s/ew.conf", dir);
	test_defaults();
	test_lookups();
	test_good();
	test_bad();
	test_limits();
	test_shipped();
	unlink(file);
	rmdir(dir);
	return tap_done();
}
