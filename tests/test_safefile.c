/* safefile: walking audit-named paths one component at a time: no symlink followed unless
 * asked, nothing opened that blocks, identity checked, and the stall guard asked about every
 * directory by descriptor, so a symlink into a mount that may stall is caught. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze.h"
#include "fixture.h"
#include "sys/mounts.h"
#include "sys/safefile.h"
#include "tap.h"

static bool guard_fn(void *ctx, int fd)
{
	return mounts_fd_risky(ctx, fd);
}

static bool point_fn(void *ctx, const char *path)
{
	return mounts_point_risky(ctx, path);
}

static void test_walk(void)
{
	static const struct {
		const char *name;   /* under the fixture directory */
		int open_rc, stat_rc; /* 0: success */
	} rows[] = {
		{ "file", 0, 0 },
		{ "sub/file", 0, 0 },
		{ "./sub/../sub//file", 0, 0 },
		{ "link", -ELOOP, -ELOOP },          /* symlink at the end */
		{ "linkdir/file", -ELOOP, -ELOOP },  /* symlink in the middle */
		{ "fifo", -EINVAL, -EINVAL },        /* never opened: no block */
		{ "sub", -EINVAL, -EINVAL },
		{ "missing", -ENOENT, -ENOENT },
		{ "file/x", -ENOTDIR, -ENOTDIR },
	};
	char name[256];
	struct stat st;
	struct file_id other = { 0, 0, 1, true };
	int fd;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *p = fixture_path(rows[i].name);

		fd = safefile_open(p, NULL, NULL, &st);
		if (fd >= 0)
			close(fd);
		tap_ok((fd >= 0 ? 0 : fd) == rows[i].open_rc, "open %s: %d (want %d)", rows[i].name,
		       fd >= 0 ? 0 : fd, rows[i].open_rc);
		fd = safefile_stat(p, NULL, NULL, &st);
		tap_ok(fd == rows[i].stat_rc, "stat %s: %d (want %d)", rows[i].name, fd, rows[i].stat_rc);
	}
	tap_is_int(safefile_open(fixture_path("file"), &other, NULL, &st), -ESTALE,
		   "identity differs: -ESTALE");
	tap_is_int(safefile_open("relative/file", NULL, NULL, &st), -EINVAL, "relative path refused");
	tap_ok(safefile_dir_stat(fixture_path("sub"), NULL, NULL, &st) == 0 && S_ISDIR(st.st_mode),
	       "directory stat");
	snprintf(name, sizeof(name), "%s", fixture_path("linkdir"));
	tap_is_int(safefile_dir_stat(name, NULL, NULL, &st), -ELOOP, "directory symlink refused");
}

static void test_resolve(void)
{
	static const struct {
		const char *name;
		const char *real;   /* under the fixture directory; NULL: error rc */
		int rc;
	} rows[] = {
		{ "link", "file", 0 },
		{ "linkdir/file", "sub/file", 0 },
		{ "rel-up", "file", 0 },             /* -> sub/../file */
		{ "abs", "sub/file", 0 },            /* absolute target */
		{ "loop", NULL, -ELOOP },
		{ "dangling", NULL, -ENOENT },
	};
	char real[4096], want[4096];
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = safefile_resolve(fixture_path(rows[i].name), NULL, &fd, &st, real, sizeof(real));

		if (rc == 0)
			close(fd);
		if (rows[i].real)
			snprintf(want, sizeof(want), "%s", fixture_path(rows[i].real));
		tap_ok(rc == rows[i].rc && (rc < 0 || strcmp(real, want) == 0), "resolve %s: %d %s",
		       rows[i].name, rc, rc == 0 ? real : "");
	}
}

/* A symlink into a mount that may stall: /proc stands in for a FUSE mount (a table that says
 * it is one); the walk must stop at its door, whatever the path string says. */
static void test_guard(void)
{
	struct mounts *m = mounts_new();
	struct safefile_guard g = { guard_fn, NULL, m };
	int root = open("/", O_PATH | O_CLOEXEC), proc = open("/proc", O_PATH | O_CLOEXEC);
	int tmp = open(fixture_dir(), O_PATH | O_CLOEXEC);
	int rid = mounts_fd_id(m, root), pid = mounts_fd_id(m, proc), tid = mounts_fd_id(m, tmp);
	char text[512], real[4096];
	struct stat st;
	int fd;

	if (rid < 0 || pid < 0 || tid < 0 || pid == rid || pid == tid) {
		tap_skip("no fdinfo, or /proc is not a mount of its own");
		goto out;
	}
	snprintf(text, sizeof(text),
		 "%d 1 0:1 / / rw - ext4 a rw\n%d %d 0:2 / /proc rw - fuse.sshfs b rw\n"
		 "%d %d 0:3 / /tmp rw - tmpfs c rw\n", rid, pid, rid, tid, rid);
	mounts_parse(m, text, strlen(text));
	tap_is_int(safefile_stat("/proc/self/status", NULL, &g, &st), -EREMOTE,
		   "a file on the stalling mount: -EREMOTE");
	tap_is_int(safefile_open(fixture_path("proc-link/self/status"), NULL, &g, &st), -ELOOP,
		   "through a symlink, not followed: -ELOOP");
	tap_is_int(safefile_resolve(fixture_path("proc-link/self/status"), &g, &fd, &st, real,
				    sizeof(real)), -EREMOTE,
		   "through a symlink, followed: stopped at the mount (-EREMOTE)");
	tap_is_int(safefile_resolve(fixture_path("proc-link"), &g, &fd, &st, real, sizeof(real)),
		   -EREMOTE, "the symlink's target is the mount's root: -EREMOTE");
	fd = safefile_open(fixture_path("file"), NULL, &g, &st);
	tap_ok(fd >= 0, "a file on a safe mount opens under the guard");
	if (fd >= 0)
		close(fd);
out:
	if (root >= 0)
		close(root);
	if (proc >= 0)
		close(proc);
	if (tmp >= 0)
		close(tmp);
	mounts_free(m);
}

/* A FUSE mount whose daemon never answers (INIT is never read): any request to it blocks, in a
 * wait only SIGKILL ends, and with audit rules loaded even landing on its root asks it for an
 * xattr. Made in a child with a private mount namespace, so it vanishes with the child; the
 * parent kills a child that stalls. Reached directly, through a symlink, and stacked on top of
 * a harmless tmpfs: the walk must stop at its door at once. Root only. */
enum { FUSE_SKIP = 77 };

static int silent_fuse_walks(struct mounts *m)
{
	struct safefile_guard g = { guard_fn, point_fn, m };
	char opts[128], real[4096], fusedir[4096], stack[4096];
	struct stat st;
	int fuse, fd, failed = 0;

	snprintf(fusedir, sizeof(fusedir), "%s", fixture_path("fuse"));
	snprintf(stack, sizeof(stack), "%s", fixture_path("stack"));
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    /* source and type are ignored for a propagation change; valgrind reads them anyway */
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    (fuse = open("/dev/fuse", O_RDWR | O_CLOEXEC)) < 0 ||
	    mkdir(fusedir, 0755) < 0 || mkdir(stack, 0755) < 0 ||
	    symlink(fusedir, fixture_path("fuse-link")) < 0)
		return FUSE_SKIP;
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", fuse);
	if (mount("silent", fusedir, "fuse.silent", MS_NOSUID | MS_NODEV, opts) < 0 ||
	    mount("lower", stack, "tmpfs", 0, "size=64k") < 0 ||
	    mount("silent", stack, "fuse.silent", MS_NOSUID | MS_NODEV, opts) < 0 ||
	    mounts_refresh(m) < 0)
		return FUSE_SKIP;
	if (safefile_stat(fixture_path("fuse/payload"), NULL, &g, &st) != -EREMOTE)
		failed |= 1;
	if (safefile_resolve(fixture_path("fuse-link/payload"), &g, &fd, &st, real, sizeof(real)) !=
	    -EREMOTE)
		failed |= 2;
	if (safefile_stat(fixture_path("stack/payload"), NULL, &g, &st) != -EREMOTE)
		failed |= 4;
	if ((fd = safefile_open(fixture_path("file"), NULL, &g, &st)) < 0)
		failed |= 8;
	{
		/* --analyze --cross-fs over the tree holding both mounts: it must come back */
		char *argv[] = { "--cross-fs", (char *)fixture_dir(), NULL };
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (analyze_main(2, argv) < 0)
			failed |= 16;
	}
	return failed;
}

static int silent_fuse_child(void)
{
	struct mounts *m = mounts_new();
	int r = m ? silent_fuse_walks(m) : FUSE_SKIP;

	mounts_free(m);
	return r;
}

static void test_silent_fuse(void)
{
	static const char *const what[] = {
		"a file on the silent FUSE mount: -EREMOTE",
		"through a symlink into it (followed): -EREMOTE",
		"FUSE stacked on a tmpfs: -EREMOTE",
		"a file beside them still opens",
		"--analyze --cross-fs over the tree holding them returns",
	};
	int status = 0, waited = 0;
	pid_t pid;

	fflush(stdout); /* the child must not write the parent's buffered lines again */
	if ((pid = fork()) == 0)
		_exit(silent_fuse_child());
	while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0 && waited < 100) {
		usleep(100000);
		waited++;
	}
	if (pid > 0 && waited >= 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		tap_ok(0, "a walk stalled on the silent FUSE mount (killed after 10 s)");
		return;
	}
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == FUSE_SKIP) {
		tap_skip("no private mount namespace or FUSE mount here (not root?)");
		return;
	}
	for (int i = 0; i < 5; i++)
		tap_ok(!(WEXITSTATUS(status) & (1 << i)), "%s, no stall", what[i]);
}

int main(void)
{
	if (!fixture_dir() || !fixture_sh("mkdir sub && echo x > file && echo y > sub/file && "
					  "ln -s file link && ln -s sub linkdir && mkfifo fifo && "
					  "ln -s sub/../file rel-up && ln -s \"$PWD/sub/file\" abs && "
					  "ln -s loop loop && ln -s nowhere dangling && ln -s /proc proc-link")) {
		printf("1..0 # SKIP cannot build the fixture tree\n");
		return 0;
	}
	alarm(60); /* a FIFO opened by mistake would block: fail instead of hanging */
	test_walk();
	test_resolve();
	test_guard();
	test_silent_fuse();
	fixture_cleanup();
	return tap_done();
}
