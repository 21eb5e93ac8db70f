/* safefile: walking audit-named paths one component at a time: no symlink followed unless
 * asked, nothing opened that blocks, identity checked, and the stall guard asked about every
 * directory by descriptor, so a symlink into a mount that may stall is caught. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "mounts.h"
#include "safefile.h"
#include "tap.h"

static bool guard_fn(void *ctx, int fd)
{
	return mounts_fd_risky(ctx, fd);
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
	struct safefile_guard g = { guard_fn, m };
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

int main(void)
{
	if (!fixture_dir() || !fixture_sh("mkdir sub && echo x > file && echo y > sub/file && "
					  "ln -s file link && ln -s sub linkdir && mkfifo fifo && "
					  "ln -s sub/../file rel-up && ln -s \"$PWD/sub/file\" abs && "
					  "ln -s loop loop && ln -s nowhere dangling && ln -s /proc proc-link")) {
		printf("1..0 # SKIP cannot build the fixture tree\n");
		return 0;
	}
	alarm(20); /* a FIFO opened by mistake would block: fail instead of hanging */
	test_walk();
	test_resolve();
	test_guard();
	fixture_cleanup();
	return tap_done();
}
