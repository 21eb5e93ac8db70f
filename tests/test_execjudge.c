/* Exec-time judgement: fileless forms of exec records, which images are judged, the verdict
 * cache (hits cost no open, any state change is a miss, bounded with LRU eviction), and the
 * fall-backs through /proc/PID/exe, on a fake file system and a fake ELF judge. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "detect/execjudge.h"
#include "tap.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* ---- fileless forms ---- */

static void set_str(struct rec_str *r, const char *s)
{
	r->s = s;
	r->len = s ? strlen(s) : 0;
}

static const struct {
	const char *exe, *syscall, *p0;
	unsigned want;
} fileless_rows[] = {
	{ "/usr/bin/true", "execve", "/bin/true", 0 },
	{ "/memfd:payload (deleted)", "execveat", "", XJ_MEMFD | XJ_DELETED | XJ_FD_EXEC },
	{ "/memfd: (deleted)", "execve", "/proc/self/fd/3", XJ_MEMFD | XJ_DELETED | XJ_FD_EXEC },
	{ "/tmp/x (deleted)", "execveat", "", XJ_DELETED | XJ_FD_EXEC },
	{ "/tmp/x (deleted)", "execve", "/tmp/x", XJ_DELETED },
	{ "/usr/bin/true", "execveat", "", XJ_FD_EXEC },              /* fexecve of a real file */
	{ "/usr/bin/true", "execve", "/dev/fd/4", XJ_FD_EXEC },
	{ "/usr/bin/true", "execve", "/proc/1234/fd/4", XJ_FD_EXEC },
	{ "/usr/bin/true", "execveat", "true", 0 },                   /* dirfd + name */
	{ "/tmp/(deleted)", "execve", "/tmp/(deleted)", 0 },          /* no space: a name */
	{ "/tmp/memfd:x", "execve", "/tmp/memfd:x", 0 },
	{ NULL, "execve", NULL, 0 },                                  /* exe=(null) */
};

static void test_fileless(void)
{
	static struct rec_event ev;     /* large: not on the stack */

	for (size_t i = 0; i < sizeof(fileless_rows) / sizeof(fileless_rows[0]); i++) {
		memset(&ev, 0, sizeof(ev));
		set_str(&ev.exe, fileless_rows[i].exe);
		ev.syscall_name = fileless_rows[i].syscall;
		ev.npaths = 1;
		ev.paths[0].item = 0;
		set_str(&ev.paths[0].name, fileless_rows[i].p0);
		tap_ok(execjudge_fileless(&ev) == fileless_rows[i].want, "fileless %s %s name '%s' -> %#x",
		       fileless_rows[i].syscall, fileless_rows[i].exe ? fileless_rows[i].exe : "(null)",
		       fileless_rows[i].p0 ? fileless_rows[i].p0 : "(null)", fileless_rows[i].want);
	}
	tap_is_str(execjudge_fileless_name(XJ_MEMFD), "memfd", "reason name memfd");
	tap_is_str(execjudge_fileless_name(XJ_DELETED), "deleted_file", "reason name deleted_file");
}

/* ---- scope ---- */

static void test_scope(void)
{
	static const struct {
		const char *path;
		bool want;
	} rows[] = {
		{ "/usr/bin/ls", false }, { "/bin/sh", false }, { "/usr/lib/x86_64-linux-gnu/ld.so", false },
		{ "/usr/libexec/x", false }, { "/lib64/ld-linux-x86-64.so.2", false },
		{ "/tmp/x", true }, { "/dev/shm/x", true }, { "/home/u/bin/tool", true },
		{ "/usr/local/bin/tool", true }, { "/opt/app/bin/app", true },
		{ "/usr/binx/tool", true }, { "/usr", true }, { "relative", false }, { "", false },
		{ NULL, false },
	};
	struct config cfg;

	config_defaults(&cfg);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_ok(execjudge_in_scope(&cfg, rows[i].path) == rows[i].want, "in scope %s: %d",
		       rows[i].path ? rows[i].path : "(null)", rows[i].want);
	config_free(&cfg);
}

/* ---- cache and file access ---- */

struct fake_file {
	const char *path;
	unsigned long ino;
	off_t size;
	long mtime, ctime;
	int open_err;           /* open fails with this (stat succeeds) */
	bool exists;
};

struct fake {
	struct fake_file f[4];
	struct fake_file proc;  /* what /proc/PID/exe holds */
	bool proc_alive;
	int stats, opens, exe_opens, judges, judge_err;
	enum severity sev;
};

static void fill(const struct fake_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0755;
	st->st_dev = makedev(254, 0);
	st->st_ino = f->ino;
	st->st_size = f->size;
	st->st_mtim.tv_sec = f->mtime;
	st->st_ctim.tv_sec = f->ctime;
}

static bool id_ok(const struct fake_file *f, const struct file_id *id)
{
	return !id || !id->valid || id->ino == f->ino;
}

static struct fake_file *find(struct fake *fk, const char *path)
{
	for (int i = 0; i < 4; i++)
		if (fk->f[i].exists && fk->f[i].path && strcmp(fk->f[i].path, path) == 0)
			return &fk->f[i];
	return NULL;
}

static int f_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct fake *fk = ctx;
	struct fake_file *f = find(fk, path);

	fk->stats++;
	if (!f)
		return -ENOENT;
	if (!id_ok(f, id))
		return -ESTALE;
	fill(f, ret);
	return 0;
}

static int f_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct fake *fk = ctx;
	struct fake_file *f = find(fk, path);

	fk->opens++;
	if (!f)
		return -ENOENT;
	if (!id_ok(f, id))
		return -ESTALE;
	if (f->open_err)
		return f->open_err;
	fill(f, ret);
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int f_open_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
		      struct stat *ret)
{
	struct fake *fk = ctx;

	(void)exe;
	fk->exe_opens++;
	if (!fk->proc_alive || pid <= 0)
		return -ENOENT;
	if (!id_ok(&fk->proc, id))
		return -ESTALE;
	fill(&fk->proc, ret);
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int f_judge(void *ctx, int fd, const struct stat *st, struct execjudge_verdict *ret)
{
	struct fake *fk = ctx;

	(void)fd, (void)st;
	fk->judges++;
	if (fk->judge_err)
		return fk->judge_err;
	ret->is_elf = true;
	ret->severity = fk->sev;
	return 0;
}

static void test_cache(void)
{
	struct fake fk = { .f = { { "/tmp/a", 10, 100, 1000, 1000, 0, true },
				  { "/tmp/b", 11, 200, 1000, 1000, -EACCES, true } },
			   .proc = { "/memfd:x (deleted)", 20, 300, 5, 5, 0, true } };
	struct execjudge_fs fs = { f_stat, f_open, f_open_exe, &fk };
	struct file_id id10 = { 254, 0, 10, true }, id20 = { 254, 0, 20, true };
	struct execjudge_request req = { .path = "/tmp/a", .id = &id10, .pid = 42, .exe = "/tmp/a" };
	struct execjudge *xj = execjudge_new(64);
	struct execjudge_result r;
	struct execjudge_stats s;

	fk.sev = SEV_HIGH;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED && fk.judges == 1 && r.v.severity == SEV_HIGH,
	       "first run: judged now (high)");
	fk.opens = fk.judges = 0;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_CACHED && fk.judges == 0 && fk.opens == 0 && r.v.severity == SEV_HIGH,
	       "same state again: cache hit, nothing opened (opens %d)", fk.opens);
	for (int i = 0; i < 1000; i++)
		execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(fk.judges == 0 && fk.opens == 0, "a hot binary run 1000 times: one stat each, no open");

	fk.f[0].mtime++;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED && fk.judges == 1, "mtime changed: judged again");
	fk.f[0].ctime++;        /* same size and mtime (utimensat put it back): ctime tells */
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED && fk.judges == 2, "only ctime changed: judged again");
	fk.f[0].size++;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED && fk.judges == 3, "size changed: judged again");

	/* cannot be opened: never clean */
	req.path = req.exe = "/tmp/b";
	req.id = NULL;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -EACCES, "unreadable image: unavailable, EACCES");
	tap_is_str(execjudge_error_name(&r), "permission_denied", "error name permission_denied");
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE, "and again: an unjudged state is never cached as clean");

	/* gone since the exec: the process still holds it */
	req.path = req.exe = "/tmp/gone";
	req.id = &id20;
	fk.proc_alive = true;
	fk.judges = 0;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED && strcmp(execjudge_via_name(r.via), "proc_exe") == 0 &&
	       fk.judges == 1,
	       "name gone, identity known: judged through /proc/PID/exe");
	req.id = NULL;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -ENOENT &&
	       strcmp(execjudge_via_name(r.via), "path") == 0,
	       "name gone, identity unknown: unavailable (no guess through /proc)");

	/* the file at the name is none the record shows (a script's interpreter is item 1) */
	{
		struct file_id rec[2] = { { 254, 0, 99, true }, { 254, 0, 10, true } };

		req = (struct execjudge_request){ .path = "/tmp/a", .pid = 42, .exe = "/tmp/a",
						  .ids = rec, .nids = 2 };
		execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
		tap_ok(r.outcome == XJ_CACHED, "identity among the record's PATH items: accepted");
		rec[1].ino = 98;
		execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
		tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -ESTALE,
		       "identity in no PATH item (name swapped since the exec): image_replaced");
		req.id = &id20;
		fk.proc_alive = true;
		execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
		tap_ok(r.outcome != XJ_UNAVAILABLE && strcmp(execjudge_via_name(r.via), "proc_exe") == 0,
		       "and with the image's identity known: judged through /proc/PID/exe");
	}

	/* fileless: only /proc/PID/exe */
	req = (struct execjudge_request){ .id = &id20, .pid = 42, .exe = "/memfd:x (deleted)",
					  .via_proc_only = true };
	fk.exe_opens = 0;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_CACHED && fk.exe_opens == 1, "memfd state judged before: cached");
	fk.proc_alive = false;
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -ENOENT, "process gone: unavailable");
	tap_is_str(execjudge_error_name(&r), "process_gone", "error name process_gone");
	fk.proc_alive = true;
	fk.proc.ino = 21;       /* the pid runs another image now */
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -ESTALE, "pid runs another image: image_replaced");
	fk.proc.ino = 20;

	/* judge errors are unavailable, not clean */
	fk.judge_err = -ENOMEM;
	fk.f[0].size++;
	req = (struct execjudge_request){ .path = "/tmp/a", .id = &id10, .pid = 42, .exe = "/tmp/a" };
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_UNAVAILABLE && r.err == -ENOMEM, "inspection error: unavailable");
	fk.judge_err = 0;

	/* the write path's verdicts seed the cache */
	{
		struct execjudge_verdict v = { .is_elf = true, .from_write = true, .severity = SEV_MEDIUM };
		struct stat st;

		fill(&fk.f[0], &st);
		execjudge_remember(xj, &st, &v);
		fk.judges = 0;
		execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
		tap_ok(r.outcome == XJ_CACHED && r.v.from_write && r.v.severity == SEV_MEDIUM &&
		       fk.judges == 0, "state judged by the write path: cached, from_write");
	}
	execjudge_get_stats(xj, &s);
	tap_ok(s.checks > 0 && s.hits >= 1002 && s.unavailable >= 5, "stats: %lu checks, %lu hits, "
	       "%lu unavailable", s.checks, s.hits, s.unavailable);
	execjudge_clear(xj);
	execjudge_check(xj, &fs, &req, f_judge, &fk, &r);
	tap_ok(r.outcome == XJ_JUDGED, "cleared: judged again");
	execjudge_free(xj);
}

static void test_bounds(void)
{
	struct execjudge *xj = execjudge_new(16);
	struct execjudge_verdict v = { .is_elf = true };
	struct execjudge_stats s;
	struct stat st;
	int hits = 0;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0755;
	for (unsigned long ino = 1; ino <= 1000; ino++) {
		st.st_ino = ino;
		execjudge_remember(xj, &st, &v);
		/* the one just added and the one before it are still there */
		hits += execjudge_lookup(xj, &st) != NULL;
	}
	execjudge_get_stats(xj, &s);
	tap_ok(hits == 1000 && s.evictions >= 1000 - 16, "1000 inodes into 16 slots: %lu evictions, "
	       "the newest always kept", s.evictions);
	st.st_ino = 1;
	tap_ok(execjudge_lookup(xj, &st) == NULL, "the oldest is gone");
	/* a new state of a cached inode replaces its old one, it does not take a second slot */
	st.st_ino = 1000;
	st.st_size = 5;
	execjudge_remember(xj, &st, &v);
	st.st_size = 0;
	tap_ok(execjudge_lookup(xj, &st) == NULL, "old state of a re-judged inode is forgotten");
	execjudge_free(xj);
	xj = execjudge_new(0);
	tap_ok(xj != NULL, "cache size 0 still gives a minimal cache");
	execjudge_free(xj);
}

int main(void)
{
	test_fileless();
	test_scope();
	test_cache();
	test_bounds();
	tap_plan(tap_n);
	return tap_failed ? 1 : 0;
}
