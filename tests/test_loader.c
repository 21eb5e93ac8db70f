/* Loader-exec judgement: option parsing, path normalisation and verdicts on hand-built
 * events with a fake file-system probe. */
#include <fnmatch.h>
#include <string.h>

/* event_spec rows list only the fields a case needs; the rest are zero on purpose */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <sys/stat.h>
#include <unistd.h>

#include "detect/fileset.h"
#include "detect/loader.h"
#include "util/path.h"
#include "tap.h"

#define LD "/lib64/ld-linux-x86-64.so.2"
#define LD_REAL "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

static struct rec_str S(const char *s)
{
	struct rec_str r = { s, s ? strlen(s) : 0, false };
	return r;
}

static void test_parse(void)
{
	static const struct {
		const char *args[8];
		int target;
		bool benign;
		const char *what;
	} rows[] = {
		{ { LD, "/tmp/p" }, 1, false, "plain target" },
		{ { LD, "--verify", "/bin/true" }, 2, true, "--verify is benign" },
		{ { LD, "--list", "/bin/true" }, 2, true, "--list is benign" },
		{ { LD, "--list", "--audit", "/tmp/a.so", "/bin/true" }, 4, false,
		  "--list with --audit runs the module's code: not benign" },
		{ { LD, "--audit", "/tmp/a.so", "--list", "/bin/true" }, 4, false,
		  "--audit before --list: not benign either" },
		{ { LD, "--list", "--preload", "/tmp/p.so", "/bin/true" }, 4, false,
		  "--list with --preload: not benign" },
		{ { LD, "--verify", "--audit", "/tmp/a.so", "/bin/true" }, 4, true,
		  "--verify exits before rtld loads audit modules: benign" },
		{ { LD, "--help" }, -1, true, "--help" },
		{ { LD, "--version", "/tmp/p" }, -1, true, "--version acts at once" },
		{ { LD }, -1, true, "no target" },
		{ { LD, "--list-tunables" }, -1, true, "--list-tunables" },
		{ { LD, "--preload", "/tmp/x.so", "/tmp/p" }, 3, false, "--preload takes a value" },
		{ { LD, "--library-path", "/tmp", "--audit", "a.so", "--argv0", "sshd", "/tmp/p" }, 7,
		  false, "options in any order" },
		{ { LD, "--inhibit-cache", "--inhibit-rpath", "x", "p" }, 4, false, "flag then value" },
		{ { LD, "--preload" }, 1, false, "value option without value is the program" },
		{ { LD, "--bogus", "/tmp/p" }, 1, false, "unknown option is the program (as rtld)" },
		{ { LD, "/tmp/p", "--preload", "x" }, 1, false, "options after the program are its own" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rec_str argv[8];
		struct loader_opts o;
		unsigned n = 0;

		while (n < 8 && rows[i].args[n]) {
			argv[n] = S(rows[i].args[n]);
			n++;
		}
		loader_parse_args(argv, n, true, &o);
		tap_is_int(o.target, rows[i].target, rows[i].what);
		tap_ok(loader_opts_benign(&o) == rows[i].benign, "%s: benign=%d", rows[i].what,
		       rows[i].benign);
	}
	{
		struct rec_str argv[] = { S(LD), S("--preload"), S("/tmp/evil.so"), S("--audit"),
					  S("/tmp/a.so"), S("/bin/true") };
		struct loader_opts o;

		loader_parse_args(argv, 6, true, &o);
		tap_ok(o.preload && strcmp(o.preload->s, "/tmp/evil.so") == 0, "preload value kept");
		tap_ok(o.audit && strcmp(o.audit->s, "/tmp/a.so") == 0, "audit value kept");
		tap_is_int(o.nnames, 2, "two options named");
	}
}

/* rtld's mode is the last of --list/--verify (neither overrides --help), --list-tunables and
 * --list-diagnostics override any; only the final mode says whether a program runs. */
static void test_parse_modes(void)
{
	static const struct {
		const char *args[8];
		bool benign;
		const char *what;
	} rows[] = {
		{ { LD, "--verify", "--list", "--audit", "/tmp/a.so", "/bin/true" }, false,
		  "--verify --list --audit: --list wins, the audit module runs" },
		{ { LD, "--list", "--verify", "--audit", "/tmp/a.so", "/bin/true" }, true,
		  "--list --verify --audit: --verify wins, rtld exits before audit modules" },
		{ { LD, "--help", "--list", "--audit", "/tmp/a.so", "/bin/true" }, true,
		  "--help is not overridden by --list" },
		{ { LD, "--list-tunables", "--list", "--preload", "/tmp/p.so", "/bin/true" }, false,
		  "--list after --list-tunables lists, with the preload loaded" },
		{ { LD, "--help", "/bin/true" }, true, "--help with a program" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rec_str argv[8];
		struct loader_opts o;
		unsigned n = 0;

		while (n < 8 && rows[i].args[n]) {
			argv[n] = S(rows[i].args[n]);
			n++;
		}
		loader_parse_args(argv, n, true, &o);
		tap_ok(loader_opts_benign(&o) == rows[i].benign, "%s: benign=%d", rows[i].what,
		       rows[i].benign);
	}
}

/* argv that was not kept whole (REC_MAX_ARGS, max_argv_bytes, a lost record): the program may
 * lie beyond what is kept, and then nothing about the run is known to be benign. */
static void test_parse_truncated(void)
{
	static const struct {
		const char *args[8];
		int cut_arg;            /* argument cut by the budget, or 0 */
		int target;
		bool unknown, benign;
		const char *what;
	} rows[] = {
		{ { LD, "--inhibit-cache", "--inhibit-cache", "--inhibit-cache" }, 0, -1, true, false,
		  "options up to the end of what is kept" },
		{ { LD, "--preload", "/tmp/AAAA" }, 2, -1, true, false, "option value cut" },
		{ { LD, "--preload" }, 0, -1, true, false, "option value beyond what is kept" },
		{ { LD, "--list", "--inhibit-cache" }, 0, -1, true, false,
		  "--list, then unknown options (a later --audit runs code)" },
		{ { LD, "--verify" }, 0, -1, true, false, "--verify, then unknown options" },
		{ { LD, "--help", "--inhibit-cache" }, 0, -1, true, true, "--help cannot be undone" },
		{ { LD, "--version" }, 0, -1, false, true, "--version acts at once" },
		{ { LD, "/tmp/p", "arg" }, 0, 1, false, false, "program kept, its arguments cut" },
		{ { LD, "/tmp/pa" }, 1, 1, true, false, "program name itself cut" },
		{ { NULL }, 0, -1, true, false, "no argument kept at all" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rec_str argv[8];
		struct loader_opts o;
		unsigned n = 0;

		while (n < 8 && rows[i].args[n]) {
			argv[n] = S(rows[i].args[n]);
			n++;
		}
		if (rows[i].cut_arg)
			argv[rows[i].cut_arg].cut = true;
		loader_parse_args(argv, n, false, &o);
		tap_ok(o.target == rows[i].target && o.program_unknown == rows[i].unknown,
		       "%s: target %d, program %s", rows[i].what, rows[i].target,
		       rows[i].unknown ? "unknown" : "known");
		tap_ok(loader_opts_benign(&o) == rows[i].benign, "%s: benign=%d", rows[i].what,
		       rows[i].benign);
	}
}

static void test_normalize(void)
{
	static const struct {
		const char *cwd, *path, *want;
	} rows[] = {
		{ "/tmp", "payload", "/tmp/payload" },
		{ "/tmp", "./payload", "/tmp/payload" },
		{ "/home/a", "../../tmp/x", "/tmp/x" },
		{ "/", "../../x", "/x" },
		{ NULL, "/tmp//a/./b/../c", "/tmp/a/c" },
		{ "/tmp/", "x", "/tmp/x" },
		{ NULL, "/tmp/../etc/passwd", "/etc/passwd" },
		{ NULL, "relative", NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[64];
		bool ok = path_normalize(rows[i].cwd, rows[i].path, strlen(rows[i].path), out,
						sizeof(out));

		if (rows[i].want)
			tap_ok(ok && strcmp(out, rows[i].want) == 0, "normalize %s + %s = %s (got %s)",
			       rows[i].cwd ? rows[i].cwd : "-", rows[i].path, rows[i].want, ok ? out : "fail");
		else
			tap_ok(!ok, "normalize %s without cwd fails", rows[i].path);
	}
	{
		char small[8];
		tap_ok(!path_normalize(NULL, "/a/very/long/path", 17, small, sizeof(small)),
		       "normalize refuses what does not fit");
		tap_ok(!path_normalize(NULL, "/tmp/a\0b", 8, small, sizeof(small)),
		       "normalize refuses embedded NUL");
	}
}

/* path_match and path_glob_match are fnmatch with cheap rejections (length, literal head,
 * literal tail): every row must agree with fnmatch itself; the comments name the shortcut. */
static void test_match(void)
{
	static const struct {
		const char *pat, *path;
		int flags;
		bool want;
	} rows[] = {
		{ "/usr/bin/as", "/usr/bin/as", FNM_PATHNAME, true }, /* literal */
		{ "/usr/bin/as", "/usr/bin/asx", FNM_PATHNAME, false }, /* literal, path longer */
		{ "/usr/bin/as", "/usr/bin/a", FNM_PATHNAME, false }, /* literal, path shorter */
		{ "", "", 0, true },
		{ "", "/", 0, false },
		{ "*", "", 0, true },
		/* head fits, tail does not */
		{ "/usr/bin/*-linux-gnu*-as", "/usr/bin/cp", FNM_PATHNAME, false },
		{ "/usr/bin/*-linux-gnu*-as", "/usr/bin/x86_64-linux-gnu-as", FNM_PATHNAME, true },
		{ "/usr/bin/*-linux-gnu*-as", "/usr/lib/x86_64-linux-gnu-as", FNM_PATHNAME, false },
		{ "/usr/bin/*-as", "/usr/bin/-as", FNM_PATHNAME, true }, /* star matches nothing */
		{ "/usr/bin/*-as", "/usr/bin/d/-as", FNM_PATHNAME, false }, /* '*' takes no '/' */
		{ "/ab*ba", "/aba", 0, false }, /* head and tail overlap */
		{ "/ab*ba", "/abba", 0, true },
		{ "/usr/bin/pip3.*", "/usr/bin/pip3.11", FNM_PATHNAME, true }, /* empty tail */
		{ "/usr/lib/gcc/*/*/cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", FNM_PATHNAME,
		  true },
		{ "/usr/lib/gcc/*/*/cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", FNM_PATHNAME,
		  false },
		{ "/x/[ab]c", "/x/bc", 0, true }, /* tail after ']' */
		{ "/x/[ab]c", "/x/cc", 0, false },
		{ "/x/[ab]", "/x/b", 0, true }, /* no tail */
		{ "/x/[!a]z", "/x/bz", 0, true },
		{ "/x/a]z", "/x/a]z", 0, true }, /* lone ']' is literal */
		{ "/x/a]*", "/x/a]q", 0, true },
		{ "/x/\\*z", "/x/*z", 0, true }, /* escaped star */
		{ "/x/\\*z", "/x/yz", 0, false },
		{ "/x/\\*z", "/x/\\yz", FNM_NOESCAPE, true }, /* backslash literal */
		{ "/x/a?", "/x/ab", 0, true },
		{ "/x/a?", "/x/a", 0, false },
		{ "/x/?c", "/x/c", 0, false }, /* tail fits, '?' needs one */
		{ "/x/[a", "/x/[a", 0, true }, /* unclosed '[' literal */
		{ "/x/*", "/x/.hidden", FNM_PERIOD | FNM_PATHNAME, false },
		{ "/x/*", "/x/.hidden", FNM_PATHNAME, true },
		{ "/usr/lib/*-gnu", "/usr/lib/x86_64-linux-gnu/libc.so", FNM_LEADING_DIR, true },
		{ "/usr/lib/*-gnu", "/usr/lib/x86_64-linux-gnu/libc.so", 0, false },
		{ "curl", "curl", 0, true },
		{ "nc.*", "nc.openbsd", 0, true },
		{ "nc.*", "ncat", 0, false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct path_glob g;
		bool ref = fnmatch(rows[i].pat, rows[i].path, rows[i].flags) == 0, got, glob;

		path_glob_init(&g, rows[i].pat);
		got = path_match(rows[i].pat, rows[i].path, rows[i].flags);
		glob = path_glob_match(&g, rows[i].pat, rows[i].path, strlen(rows[i].path),
				       rows[i].flags);
		tap_ok(ref == rows[i].want && got == ref && glob == ref,
		       "match %s ~ %s flags %d: fnmatch %d, path_match %d, path_glob_match %d",
		       rows[i].pat, rows[i].path, rows[i].flags, ref, got, glob);
	}
}

/* ---- verdicts ---- */

struct fake_fs {
	const char *loader_copy_path;   /* image_is_loader says yes for this exe */
	const char *target;             /* target_facts knows this one */
	mode_t target_mode;
	int calls_image;
};

static int fake_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t cap)
{
	struct fake_fs *fs = ctx;

	(void)expect;
	fs->calls_image++;
	if (fs->loader_copy_path && strcmp(exe, fs->loader_copy_path) == 0) {
		snprintf(soname, cap, "ld-linux-x86-64.so.2");
		return 1;
	}
	return 0;
}

static int fake_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	struct fake_fs *fs = ctx;

	memset(ret, 0, sizeof(*ret));
	if (fs->target && strcmp(path, fs->target) == 0) {
		ret->exists = true;
		ret->mode = S_IFREG | fs->target_mode;
		snprintf(ret->real, sizeof(ret->real), "%s", path);
	}
	return 0;
}

struct event_spec {
	const char *exe, *cwd;
	const char *argv[8];
	const char *path0;
	unsigned long ino0;
	const char *path1;
	unsigned long ino1;
	bool failed;
	long long pid, ppid;
	bool argv_cut;          /* argv not kept whole */
	int cut_arg;            /* this argument cut too (0: none) */
	const char *comm;
	bool no_execve;         /* no argument kept at all */
};

#define INO_LD 100
#define INO_BASH 200
#define INO_OTHER 300

static void make_event(struct rec_event *ev, const struct event_spec *s)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = REC_EXEC;
	snprintf(ev->id, sizeof(ev->id), "1.000:1");
	ev->sec = 1000;
	ev->syscall_name = "execve";
	ev->success = !s->failed;
	ev->pid = s->pid ? s->pid : 500;
	ev->ppid = s->ppid ? s->ppid : 400;
	ev->uid = ev->auid = 1000;
	ev->ses = 3;
	ev->exe = S(s->exe);
	ev->cwd = S(s->cwd ? s->cwd : "/home/a");
	while (ev->argc_kept < 8 && s->argv[ev->argc_kept]) {
		ev->argv[ev->argc_kept] = S(s->argv[ev->argc_kept]);
		ev->argc_kept++;
	}
	ev->argc = ev->argc_kept;
	ev->argv_cut = s->argv_cut || s->no_execve;
	if (s->cut_arg)
		ev->argv[s->cut_arg].cut = true;
	if (s->argv_cut)
		ev->argc = ev->argc_kept + 100;
	if (s->no_execve) {
		ev->argc_kept = 0;
		ev->argc = REC_ID_UNSET;
	}
	ev->comm = S(s->comm);
	if (s->path0) {
		struct rec_path *p = &ev->paths[ev->npaths++];
		p->item = 0;
		p->name = S(s->path0);
		p->id = (struct file_id){ 0xfe, 0, s->ino0, true };
	}
	if (s->path1) {
		struct rec_path *p = &ev->paths[ev->npaths++];
		p->item = 1;
		p->name = S(s->path1);
		p->id = (struct file_id){ 0xfe, 0, s->ino1, true };
	}
	ev->paths_seen = ev->npaths;
}

static bool has_reason(const struct loader_verdict *v, enum loader_reason r)
{
	return (v->reasons & r) != 0;
}

static void test_judge(void)
{
	struct config cfg;
	struct loader_set *ls = loader_set_new();
	struct proctable *pt = proctable_new(64);
	struct file_id ld = { 0xfe, 0, INO_LD, true };
	struct fake_fs fs = { .loader_copy_path = "/tmp/x", .target = "/tmp/p", .target_mode = 0644 };
	struct loader_probe probe = { fake_image_is_loader, fake_target_facts, &fs };
	struct loader_judge_ctx ctx;
	struct loader_verdict v;
	struct rec_event ev;
	static struct ldd_runs ldd;

	config_defaults(&cfg);
	loader_set_add(ls, LD_REAL, &ld);
	ctx = (struct loader_judge_ctx){ &cfg, ls, pt, &probe, &ldd };

	make_event(&ev, &(struct event_spec){ LD_REAL, "/tmp", { LD, "/tmp/p" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "direct loader exec alerts");
	tap_is_str(loader_match_name(v.matched_by), "exe_path", "matched by exe path");
	tap_is_int(v.severity, SEV_CRITICAL, "target in /tmp without x bit: critical");
	tap_ok(has_reason(&v, LR_TARGET_IN_WRITABLE_DIR) && has_reason(&v, LR_TARGET_NOT_EXECUTABLE),
	       "writable dir and not-executable reasons");
	tap_ok(!has_reason(&v, LR_LOADER_RENAMED) && !has_reason(&v, LR_ARGV0_MISMATCH),
	       "no renamed/argv0 reasons for the plain form");

	make_event(&ev, &(struct event_spec){ LD_REAL, "/opt/app", { LD, "./bin/app" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_is_str(v.target, "/opt/app/bin/app", "relative target resolved against CWD");
	tap_is_int(v.severity, SEV_HIGH, "ordinary location: high");
	tap_ok(has_reason(&v, LR_RELATIVE_TARGET), "relative_target reason");

	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { "sshd", "/usr/bin/id" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_ARGV0_MISMATCH) &&
	       v.severity == SEV_CRITICAL, "exec -a sshd <loader>: argv0_mismatch, critical");

	make_event(&ev, &(struct event_spec){ "/usr/bin/true", "/", { LD }, "/bin/true", INO_OTHER,
					       LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_NOT, "exec -a <loader> /bin/true is not a loader exec");

	make_event(&ev, &(struct event_spec){ "/usr/bin/cat", "/", { "cat", "x" }, "/usr/bin/cat",
					       INO_OTHER, LD, INO_LD });
	fs.calls_image = 0;
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_NOT && fs.calls_image == 0,
	       "dynamic exec: loader only in a later PATH item, no file opened");

	make_event(&ev, &(struct event_spec){ "/tmp/x", "/tmp", { "/tmp/x", "/bin/true" }, "/tmp/x",
					       INO_OTHER });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_LOADER_COPY) &&
	       strcmp(loader_match_name(v.matched_by), "content") == 0 && v.severity == SEV_CRITICAL,
	       "copied loader recognised by content: loader_copy, critical");

	make_event(&ev, &(struct event_spec){ "/tmp/static", "/tmp", { "/tmp/static" }, "/tmp/static",
					       INO_OTHER });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_NOT, "static binary that is not a loader");

	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { "/var/tmp/ld", "/usr/bin/id" },
					       "/var/tmp/ld", INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_LOADER_RENAMED),
	       "hard link under another name: loader_renamed");

	/* PATH item 0 is the executed image only where it agrees with exe (issue 8 item 6):
	 * SELinux denials write events whose only PATH item is the loader while exe is the
	 * program that ran */
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { "bash", "-c", "true" }, LD, INO_LD,
					       .comm = "bash" });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_NOT, "single PATH item (the loader), exe bash: not a loader run");
	make_event(&ev, &(struct event_spec){ "/var/tmp/ew/ld-hard", "/", { "/tmp/ew/ldlink", "/bin/true" },
					       "/tmp/ew/ldlink", INO_LD, .comm = "ldlink" });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && strcmp(loader_match_name(v.matched_by), "inode") == 0 &&
	       has_reason(&v, LR_LOADER_RENAMED), "hard link run through a symlink: comm agrees, alerts");
	make_event(&ev, &(struct event_spec){ "/var/tmp/ew/ld-hard", "/var/tmp", { "x", "/bin/true" },
					       "ew/ld-hard", INO_LD, .comm = "ld-hard" });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "hard link by a relative name: agrees with exe");
	make_event(&ev, &(struct event_spec){ "/var/tmp/ew/ld-hard (deleted)", "/", { "x", "/bin/true" },
					       "", INO_LD, .comm = "3" });
	ev.syscall_name = "execveat";
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "fexecve of a hard link (empty name): the identity decides");
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { LD, "/tmp/p" }, LD, INO_LD,
					       .failed = true });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_EXEC_FAILED) && v.severity == SEV_MEDIUM,
	       "failed loader exec: attempt at medium");

	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--verify", "/tmp/p" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_SUPPRESSED &&
	       strcmp(loader_suppression_name(v.suppressed_by), "benign_form") == 0,
	       "--verify suppressed as benign_form");
	cfg.loader.benign_alerts = true;
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "benign_alerts = true alerts on --verify too");
	cfg.loader.benign_alerts = false;

	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--list", "--audit", "/tmp/a.so",
					       "/bin/true" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_AUDIT_INJECTION) &&
	       v.severity == SEV_CRITICAL, "--list --audit runs the module: alerts, critical");

	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--preload", "/tmp/e.so",
					       "/usr/bin/id" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(has_reason(&v, LR_PRELOAD_INJECTION) && v.severity == SEV_CRITICAL,
	       "--preload: preload_injection, critical");

	/* ldd: the parent is the ldd script, known by identity (the file the patterns name) */
	char ldd_path[] = "/tmp/elfwatch-test-ldd-XXXXXX";
	int ldd_fd = mkstemp(ldd_path);
	struct pattern_list ldd_pat = { (char *[]){ ldd_path }, 1 };
	struct fileset *ldd_ids = NULL;
	struct stat ldd_st;

	if (ldd_fd >= 0 && fstat(ldd_fd, &ldd_st) == 0)
		ldd_ids = fileset_resolve(&ldd_pat);
	ctx.benign_ids = ldd_ids;
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { "/bin/bash", "/usr/bin/ldd",
					       "/usr/bin/id" }, "/usr/bin/ldd", INO_OTHER, "/bin/bash",
					       INO_BASH, .pid = 600, .ppid = 400 });
	if (ldd_ids)
		ev.paths[0].id = file_id_from_stat(&ldd_st);
	proctable_record_exec(pt, &ev);
	loader_note_exec(&cfg, ldd_ids, &ldd, proctable_get(pt, 600));
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/usr/bin/id" }, LD, INO_LD,
					       .pid = 610, .ppid = 600 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_SUPPRESSED &&
	       strcmp(loader_suppression_name(v.suppressed_by), "ldd_parent") == 0,
	       "loader run by ldd: suppressed");
	/* BASH_ENV=x.sh ldd /usr/bin/id: x.sh runs in ldd's shell, its children have ldd as parent */
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--preload", "/tmp/e.so",
					       "/usr/bin/id" }, LD, INO_LD, .pid = 611, .ppid = 600 });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "ldd parent, but with --preload (BASH_ENV): alerts");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/tmp/p" }, LD, INO_LD,
					       .pid = 611, .ppid = 600 });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "ldd parent, but a target ldd was not given: alerts");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { "sshd", "/usr/bin/id" }, LD, INO_LD,
					       .pid = 611, .ppid = 600 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_LDD_LIKE),
	       "ldd parent, but argv[0] is not the loader: not ldd's shape, alerts");
	/* ldd's trace runs in a subshell that never exec'd: its parent is unknown, so nothing
	 * proves it is ldd's own run. `ldd X; (ld.so X; :)` looks the same: medium, ldd_like
	 * (this was suppressed before issue 8 item 4) */
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/usr/bin/id" }, LD, INO_LD,
					       .pid = 612, .ppid = 605 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_LDD_LIKE) && v.severity == SEV_MEDIUM,
	       "ldd's subshell or a look-alike (parent unknown): ldd_like, medium");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/tmp", { LD, "/tmp/p" }, LD, INO_LD,
					       .pid = 6120, .ppid = 6050 });
	ev.sec = 3000;
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_LDD_LIKE) && v.severity == SEV_CRITICAL,
	       "no recent ldd named it: full severity");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--preload", "/tmp/e.so",
					       "/usr/bin/id" }, LD, INO_LD, .pid = 613, .ppid = 605 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_LDD_LIKE),
	       "same target with --preload under unknown parent alerts, not ldd_like");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/tmp/p" }, LD, INO_LD,
					       .pid = 614, .ppid = 605 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_LDD_LIKE),
	       "a target ldd did not name alerts");
	/* a parent with ldd's name whose identity cannot be checked proves nothing either */
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { "/bin/bash", "/usr/bin/ldd",
					       "/usr/bin/env" }, "/usr/bin/ldd", INO_OTHER, .pid = 700,
					       .ppid = 400 });
	ev.paths[0].id.valid = false;
	proctable_record_exec(pt, &ev);
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/usr/bin/env" }, LD, INO_LD,
					       .pid = 701, .ppid = 700 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_LDD_LIKE) && v.severity == SEV_MEDIUM,
	       "parent named ldd, identity unknown: ldd_like, medium");
	/* ldd's name on another file (a bind mount over /usr/bin/ldd) is no ldd at all */
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { "/bin/bash", "/usr/bin/ldd",
					       "/usr/bin/env" }, "/usr/bin/ldd", INO_OTHER, .pid = 702,
					       .ppid = 400 });
	proctable_record_exec(pt, &ev);
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/usr/bin/env" }, LD, INO_LD,
					       .pid = 703, .ppid = 702 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_LDD_LIKE) && v.severity == SEV_HIGH,
	       "parent named ldd on another inode: full severity");
	ctx.benign_ids = NULL;
	fileset_free(ldd_ids);
	if (ldd_fd >= 0) {
		close(ldd_fd);
		unlink(ldd_path);
	}

	/* the program lies beyond what was kept: an alert, whatever the argv's shape */
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--inhibit-cache", "--inhibit-cache",
					       "--inhibit-cache" }, LD, INO_LD, .argv_cut = true });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_ARGV_TRUNCATED) && v.target_cut &&
	       v.target[0] == '\0' && v.severity == SEV_CRITICAL,
	       "hundreds of options before the program: argv_truncated, critical");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--preload", "/tmp/AAAA" }, LD, INO_LD,
					       .argv_cut = true, .cut_arg = 2 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_ARGV_TRUNCATED) &&
	       has_reason(&v, LR_PRELOAD_INJECTION) && v.target_cut,
	       "option value longer than max_argv_bytes: argv_truncated, preload_injection");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { NULL }, LD, INO_LD, .no_execve = true });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_ARGV_TRUNCATED) &&
	       !has_reason(&v, LR_ARGV0_MISMATCH), "EXECVE record lost (line too long): argv_truncated");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "--verify" }, LD, INO_LD,
					       .argv_cut = true });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "--verify then options cut: no benign form is known");
	make_event(&ev, &(struct event_spec){ "/usr/bin/bash", "/", { LD, "--inhibit-cache" }, LD,
					       INO_LD, .failed = true, .argv_cut = true });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && has_reason(&v, LR_ARGV_TRUNCATED) &&
	       v.severity == SEV_MEDIUM, "failed attempt with argv cut: still an attempt, medium");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/", { LD, "/tmp/p", "x" }, LD, INO_LD,
					       .argv_cut = true, .cut_arg = 2 });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_ALERT && !has_reason(&v, LR_ARGV_TRUNCATED) && !v.target_cut &&
	       strcmp(v.target, "/tmp/p") == 0, "program kept, only its arguments cut: no reason");

	/* allow-list */
	cfg.loader.allow = calloc(1, sizeof(*cfg.loader.allow));
	cfg.loader.allow[0] = (struct loader_allow){ NULL, strdup("/opt/app/*"), 1000, strdup("app") };
	cfg.loader.nallow = 1;
	make_event(&ev, &(struct event_spec){ LD_REAL, "/opt/app", { LD, "/opt/app/run" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_ok(v.outcome == LOADER_SUPPRESSED &&
	       strcmp(loader_suppression_name(v.suppressed_by), "allow_list") == 0 &&
	       strcmp(v.allow_comment, "app") == 0, "allow-list suppresses with its comment");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/opt/app", { LD, "/opt/app/sub/run" }, LD, INO_LD });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "allow-list target pattern does not cross '/'");
	make_event(&ev, &(struct event_spec){ LD_REAL, "/opt/app", { LD, "/opt/app/ru" }, LD, INO_LD,
					       .argv_cut = true, .cut_arg = 1 });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_ALERT, "allow-list target pattern never matches a cut program name");

	/* no probe: replay without files */
	ctx.probe = NULL;
	make_event(&ev, &(struct event_spec){ "/tmp/x", "/tmp", { "/tmp/x", "/bin/true" }, "/tmp/x",
					       INO_OTHER });
	loader_judge(&ctx, &ev, &v);
	tap_is_int(v.outcome, LOADER_NOT, "without file access a copy cannot be recognised");

	proctable_free(pt);
	loader_set_free(ls);
	config_free(&cfg);
}

/* ldd is trusted for what it is: an image with ldd's name but another inode (a bind mount in
 * a user namespace) is no benign parent. */
static void test_benign_identity(void)
{
	char path[] = "/tmp/elfwatch-test-ldd-XXXXXX";
	int fd = mkstemp(path);
	struct config cfg;
	struct pattern_list one = { (char *[]){ path }, 1 };
	struct fileset *ids;
	struct proc_entry e = { .pid = 1 };
	struct stat st;

	config_defaults(&cfg);
	if (fd < 0 || fstat(fd, &st) < 0) {
		tap_skip("cannot create a temporary file");
		return;
	}
	ids = fileset_resolve(&one);
	snprintf(e.image, sizeof(e.image), "/usr/bin/ldd");
	snprintf(e.exe, sizeof(e.exe), "/usr/bin/bash");
	e.image_id = file_id_from_stat(&st);
	tap_ok(fileset_count(ids) == 1 && loader_benign_image(&cfg, ids, &e),
	       "ldd's name and the inode the patterns name: benign");
	e.image_id.ino++;
	tap_ok(!loader_benign_image(&cfg, ids, &e), "ldd's name on another inode: not benign");
	e.image_id.valid = false;
	tap_ok(loader_benign_image(&cfg, ids, &e), "inode unknown (exec not seen): the name decides");
	snprintf(e.image, sizeof(e.image), "/tmp/ldd");
	e.image_id = file_id_from_stat(&st);
	tap_ok(!loader_benign_image(&cfg, ids, &e), "the inode under another name: not benign");
	fileset_free(ids);
	close(fd);
	unlink(path);
	config_free(&cfg);
}

static void test_proctable(void)
{
	struct proctable *pt = proctable_new(4);
	struct rec_event ev;

	for (long long pid = 1; pid <= 10; pid++) {
		make_event(&ev, &(struct event_spec){ "/bin/sh", "/", { "sh" }, .pid = pid * 7, .ppid = 1 });
		ev.sec = pid;
		proctable_record_exec(pt, &ev);
	}
	struct proctable_stats st;
	proctable_get_stats(pt, &st);
	tap_is_int(proctable_size(pt), 4, "process table stays at its bound");
	tap_is_int(st.evictions, 6, "oldest entries evicted");
	tap_ok(proctable_get(pt, 70) && !proctable_get(pt, 7), "newest kept, oldest gone");
	make_event(&ev, &(struct event_spec){ "/bin/ls", "/", { "ls" }, .pid = 49, .ppid = 1 });
	proctable_record_exec(pt, &ev);
	tap_is_str(proctable_get(pt, 49)->exe, "/bin/ls", "re-exec updates in place");
	proctable_free(pt);
}

int main(void)
{
	test_parse();
	test_parse_modes();
	test_parse_truncated();
	test_normalize();
	test_match();
	test_judge();
	test_proctable();
	test_benign_identity();
	return tap_done();
}
