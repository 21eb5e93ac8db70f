/* probe_exec: the file-system side of exec-time judgement. Images are reached by name
 * (safefile: no symlink, no blocking open, identity checked) or, for memfds, deleted files and
 * names gone since the exec, through /proc/PID/exe while the process lives. */
#include "engine/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys/safefile.h"

/* Walked one component at a time with O_PATH (safefile: no symlink anywhere, no audited
 * syscall, every descriptor's mount judged before it is looked into), identity checked
 * against what the exec record showed. */
static int live_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = probe_guard();

	(void)ctx;
	if (!path || path[0] != '/')
		return -EINVAL;
	return safefile_stat(path, id, &g, ret);
}

static int live_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = probe_guard();

	(void)ctx;
	return safefile_open(path, id, &g, ret);
}

/* O_PATH on the magic link first (no open of the file, so a FIFO or device cannot block us),
 * type and identity checked, then the very inode re-opened through /proc/self/fd. */
static int live_open_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
			 struct stat *ret)
{
	char link[64];
	struct stat st, again;
	int pfd, fd;

	struct safefile_guard g = probe_guard();

	(void)ctx, (void)exe;
	if (pid <= 0)
		return -ESRCH;
	snprintf(link, sizeof(link), "/proc/%lld/exe", pid);
	pfd = open(link, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	/* the image's own mount decides, before anything asks its file system */
	if (g.may_stall && g.may_stall(g.ctx, pfd)) {
		fd = -EREMOTE;
		goto out;
	}
	if (fstat(pfd, &st) < 0) {
		fd = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fd = -EINVAL;
		goto out;
	}
	if (id && id->valid) {
		struct file_id got = file_id_from_stat(&st);

		if (!file_id_equal(&got, id)) {
			fd = -ESTALE;   /* the pid runs another image now (exec'd again, reused) */
			goto out;
		}
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	fd = open(link, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		goto out;
	}
	if (fstat(fd, &again) < 0 || again.st_ino != st.st_ino || again.st_dev != st.st_dev) {
		close(fd);
		fd = -ESTALE;
		goto out;
	}
	*ret = again;
out:
	close(pfd);
	return fd;
}

struct execjudge_fs probe_exec_live(void)
{
	struct execjudge_fs fs = { live_stat, live_open, live_open_exe, NULL };
	return fs;
}

/* An artifact stands in for the recorded file: it reports the recorded identity. */
static int artifact_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)path;
	return probe_artifact_open(ctx, id, ret);
}

static int artifact_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	int fd = artifact_open(ctx, path, id, ret);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int artifact_open_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
			     struct stat *ret)
{
	(void)pid, (void)exe;
	return artifact_open(ctx, NULL, id, ret);
}

struct execjudge_fs probe_exec_artifacts(const char *dir)
{
	struct execjudge_fs fs = { artifact_stat, artifact_open, artifact_open_exe, (void *)dir };
	return fs;
}

static int none_path(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx, (void)path, (void)id, (void)ret;
	return -ENOSYS;
}

static int none_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
		    struct stat *ret)
{
	(void)ctx, (void)pid, (void)exe, (void)id, (void)ret;
	return -ENOSYS;
}

struct execjudge_fs probe_exec_none(void)
{
	struct execjudge_fs fs = { none_path, none_path, none_exe, NULL };
	return fs;
}
