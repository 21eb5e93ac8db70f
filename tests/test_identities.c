/* identities: recorded (dev, inode) lines parse exactly or not at all, and the sets a replay
 * builds from them (trusted producers, ldd, loaders) hold what the patterns match, never the
 * files of the machine running the test. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/fileset.h"
#include "detect/identities.h"
#include "detect/loader.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct parse_case {
	const char *line;
	int want;
	unsigned major, minor;
	unsigned long long ino;
	const char *canonical;
};

static const struct parse_case parse_cases[] = {
	{ "/usr/bin/ldd\tfe:00\t247577", 1, 0xfe, 0, 247577, "/usr/bin/ldd" },
	{ "/lib64/ld-linux-x86-64.so.2\tfe:00\t332383\t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	  1, 0xfe, 0, 332383, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" },
	{ "/x\t0:1a\t18446744073709551615", 1, 0, 0x1a, 18446744073709551615ULL, "/x" },
	{ "", 0, 0, 0, 0, NULL },
	{ "# comment\twith\ttabs", 0, 0, 0, 0, NULL },
	{ "relative\tfe:00\t1", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe00\t1", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00\t-1", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00\t1x", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00\t18446744073709551616", -EINVAL, 0, 0, 0, NULL },
	{ "/x\t100000000:00\t1", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00\t1\t/y\textra", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe:00\t1\trel", -EINVAL, 0, 0, 0, NULL },
	{ "/x\t:00\t1", -EINVAL, 0, 0, 0, NULL },
	{ "/x\tfe: 0\t1", -EINVAL, 0, 0, 0, NULL },
};

static void test_parse(void)
{
	for (size_t i = 0; i < N_ELEMS(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct identity e;
		int r = identities_parse_line(c->line, &e);

		tap_ok(r == c->want, "parse [%s]: %d (want %d)", c->line, r, c->want);
		if (r != 1 || c->want != 1)
			continue;
		tap_ok(e.id.valid && e.id.major == c->major && e.id.minor == c->minor &&
		       e.id.ino == c->ino, "parse [%s]: identity", c->line);
		tap_is_str(e.canonical, c->canonical, "canonical name");
		free(e.path);
		free(e.canonical);
	}
}

/* the sets come from the recording only: paths that exist here with other inodes do not count */
static void test_sets(void)
{
	static struct identity v[] = {
		{ "/usr/bin/ldd", "/usr/bin/ldd", { 0xfe, 0, 247577, true } },
		{ "/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		  { 0xfe, 0, 332383, true } },
		{ "/usr/lib/gcc/x86_64-linux-gnu/14/cc1", "/usr/lib/gcc/x86_64-linux-gnu/14/cc1",
		  { 0xfe, 0, 99, true } },
	};
	const struct identities rec = { v, N_ELEMS(v) };
	char *ldd_pat[] = { "/usr/bin/ldd", "/bin/ldd" };
	char *gcc_pat[] = { "/usr/lib/gcc/*/*/cc1" };
	char *ld_pat[] = { "/lib64/ld-*.so*" };
	struct pattern_list ldd = { ldd_pat, 2, NULL }, gcc = { gcc_pat, 1, NULL };
	struct pattern_list ld = { ld_pat, 1, NULL };
	struct fileset *fs = fileset_resolve_recorded(&ldd, &rec);
	struct loader_set *ls = loader_set_new();
	struct file_id other = { 0xfe, 0, 1, true };

	tap_ok(fs && fileset_count(fs) == 1 && fileset_has(fs, &v[0].id) &&
	       !fileset_has(fs, &v[1].id) && !fileset_has(fs, &other), "ldd: the recorded id only");
	fileset_free(fs);
	fs = fileset_resolve_recorded(&gcc, &rec);
	tap_ok(fs && fileset_count(fs) == 1 && fileset_has(fs, &v[2].id),
	       "trusted producer pattern matches the recorded path");
	fileset_free(fs);
	tap_ok(ls && loader_set_resolve_recorded(ls, &ld, &rec) == 0 && loader_set_count(ls) == 1 &&
	       loader_set_has_id(ls, &v[1].id), "loader set from the recording");
	tap_ok(ls && loader_set_has_path(ls, &ld, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
	       "loader set knows the recorded canonical name");
	loader_set_free(ls);
}

int main(void)
{
	test_parse();
	test_sets();
	return tap_done();
}
