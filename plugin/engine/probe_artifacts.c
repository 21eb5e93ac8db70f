/* probe_artifacts: replays of recorded logs with the files collected beside them. A file is
 * looked up by identity as DIR/MAJOR:MINOR:INODE (hex major and minor, decimal inode) and
 * reports the recorded identity; names are ignored. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "elf/elf_inspect.h"
#include "engine/probe_backend.h"
#include "sys/safefile.h"

int probe_artifacts_path(const char *dir, const struct file_id *id, char *out, size_t cap)
{
	if (!id || !id->valid)
		return -ENOENT;
	if ((size_t)snprintf(out, cap, "%s/%x:%x:%llu", dir, id->major, id->minor,
			     (unsigned long long)id->ino) >= cap)
		return -ENAMETOOLONG;
	return 0;
}

/* An artifact stands in for the recorded file: report the recorded identity. */
static void artifact_as_recorded(const struct file_id *id, struct stat *st)
{
	st->st_dev = makedev(id->major, id->minor);
	st->st_ino = (ino_t)id->ino;
}

static int artifact_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	const struct probe *p = ctx;
	char a[PATH_MAX];
	int r;

	(void)path;
	if ((r = probe_artifacts_path(p->dir, id, a, sizeof(a))) < 0)
		return r;
	if ((r = safefile_stat(a, NULL, NULL, ret)) < 0)
		return r;
	artifact_as_recorded(id, ret);
	return 0;
}

static int artifact_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	const struct probe *p = ctx;
	char a[PATH_MAX];
	int fd;

	(void)path;
	if ((fd = probe_artifacts_path(p->dir, id, a, sizeof(a))) < 0)
		return fd;
	if ((fd = safefile_open(a, NULL, NULL, ret)) < 0)
		return fd;
	artifact_as_recorded(id, ret);
	return fd;
}

/* exec-time judgement stats by opening: the artifact must be readable to stand in */
static int artifact_stat_open(void *ctx, const char *path, const struct file_id *id,
			      struct stat *ret)
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

static int artifact_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				    char *soname, size_t soname_cap)
{
	struct stat st;
	int fd, r;

	fd = artifact_open(ctx, exe, expect, &st);
	if (fd < 0)
		return fd;
	r = elf_loader_identity(fd, &st, soname, soname_cap);
	close(fd);
	return r;
}

struct loader_probe probe_artifacts_loader(struct probe *p)
{
	struct loader_probe lp = { artifact_image_is_loader, NULL, p };
	return lp;
}

struct writes_fs probe_artifacts_writes(struct probe *p)
{
	struct writes_fs fs = { artifact_stat, artifact_open, NULL, NULL, p };
	return fs;
}

struct execjudge_fs probe_artifacts_exec(struct probe *p)
{
	struct execjudge_fs fs = { artifact_stat_open, artifact_open, artifact_open_exe, p };
	return fs;
}
