#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include <linux/magic.h>

#include "elf_inspect.h"
#include "safefile.h"

static int live_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t soname_cap)
{
	struct probe_stats *stats = ctx;
	struct stat st;
	int fd, r;

	fd = safefile_open(exe, expect, &st);
	if (fd < 0) {
		if (stats)
			stats->images_refused++;
		return fd;
	}
	if (stats)
		stats->images_opened++;
	r = elf_loader_identity(fd, &st, soname, soname_cap);
	close(fd);
	if (r == 1 && stats)
		stats->images_loader++;
	return r;
}

static int live_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	struct probe_stats *stats = ctx;
	char real[PATH_MAX], dir[PATH_MAX];
	struct statfs sfs;
	struct stat st, dst;
	char *slash;

	memset(ret, 0, sizeof(*ret));
	if (stats)
		stats->targets_checked++;
	/* stat() and realpath() never open the file: a FIFO or device cannot block us. */
	if (stat(path, &st) < 0) {
		ret->exists = false;
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	}
	ret->exists = true;
	ret->mode = st.st_mode;
	ret->owner = st.st_uid;
	ret->size = st.st_size;
	ret->id = file_id_from_stat(&st);
	if (!realpath(path, real))
		return 0;
	snprintf(ret->real, sizeof(ret->real), "%s", real);
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	if (stat(dir, &dst) == 0)
		ret->dir_world_writable = (dst.st_mode & S_IWOTH) != 0;
	if (statfs(dir, &sfs) == 0)
		ret->on_tmpfs = sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
	return 0;
}

struct loader_probe probe_live(struct probe_stats *stats)
{
	struct loader_probe p = { live_image_is_loader, live_target_facts, stats };
	return p;
}

static int live_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx;
	return safefile_stat(path, id, ret);
}

static int live_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx;
	return safefile_open(path, id, ret);
}

static int live_fd_path(void *ctx, long long pid, long long fd, char *out, size_t cap)
{
	char link[64];
	ssize_t n;

	(void)ctx;
	if (pid <= 0 || fd < 0)
		return -EINVAL;
	snprintf(link, sizeof(link), "/proc/%lld/fd/%lld", pid, fd);
	n = readlink(link, out, cap - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	/* "(deleted)" or "socket:[...]" is no directory we can use */
	if (out[0] != '/' || strstr(out, " (deleted)"))
		return -ENOENT;
	return 0;
}

#define FIND_DIR_MAX_DIRS 4096
#define FIND_DIR_MAX_DEPTH 4

/* Breadth-first, bounded: at most FIND_DIR_MAX_DIRS directories opened, FIND_DIR_MAX_DEPTH
 * levels, no symlink followed, other file systems included (/dev/shm, /run are tmpfs). */
static int live_find_dir(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			 char *out, size_t cap)
{
	struct { char path[PATH_MAX]; int depth; } *queue;
	size_t head = 0, tail = 0, visited = 0;
	int r = -ENOENT;

	(void)ctx;
	queue = malloc(FIND_DIR_MAX_DIRS * sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	for (size_t i = 0; i < roots->n && tail < FIND_DIR_MAX_DIRS; i++) {
		snprintf(queue[tail].path, sizeof(queue[tail].path), "%s", roots->v[i]);
		queue[tail++].depth = 0;
	}
	while (head < tail && r != 0 && visited < FIND_DIR_MAX_DIRS) {
		char *dir = queue[head].path;
		int depth = queue[head++].depth;
		struct stat st;
		struct dirent *de;
		int fd;
		DIR *d;

		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		visited++;
		if (fstat(fd, &st) == 0) {
			struct file_id got = file_id_from_stat(&st);

			if (file_id_equal(&got, id)) {
				snprintf(out, cap, "%s", dir);
				r = 0;
				close(fd);
				break;
			}
		}
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			continue;
		}
		while (depth < FIND_DIR_MAX_DEPTH && (de = readdir(d)) != NULL && tail < FIND_DIR_MAX_DIRS) {
			if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(queue[tail].path, sizeof(queue[tail].path), "%s/%s",
					     strcmp(dir, "/") == 0 ? "" : dir, de->d_name) >=
			    sizeof(queue[tail].path))
				continue;
			queue[tail++].depth = depth + 1;
		}
		closedir(d);
	}
	free(queue);
	return r;
}

struct writes_fs probe_writes_live(void)
{
	struct writes_fs fs = { live_stat, live_open, live_fd_path, live_find_dir, NULL };
	return fs;
}

static int artifact_path(const char *dir, const struct file_id *id, char *out, size_t cap)
{
	if (!id || !id->valid)
		return -ENOENT;
	if ((size_t)snprintf(out, cap, "%s/%x:%x:%llu", dir, id->major, id->minor,
			     (unsigned long long)id->ino) >= cap)
		return -ENAMETOOLONG;
	return 0;
}

/* An artifact stands in for the recorded file: report the recorded identity. */
static int artifact_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	char p[PATH_MAX];
	int r;

	(void)path;
	if ((r = artifact_path(ctx, id, p, sizeof(p))) < 0)
		return r;
	if ((r = safefile_stat(p, NULL, ret)) < 0)
		return r;
	ret->st_dev = makedev(id->major, id->minor);
	ret->st_ino = (ino_t)id->ino;
	return 0;
}

static int artifact_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	char p[PATH_MAX];
	int fd;

	(void)path;
	if ((fd = artifact_path(ctx, id, p, sizeof(p))) < 0)
		return fd;
	if ((fd = safefile_open(p, NULL, ret)) < 0)
		return fd;
	ret->st_dev = makedev(id->major, id->minor);
	ret->st_ino = (ino_t)id->ino;
	return fd;
}

struct writes_fs probe_writes_artifacts(const char *dir)
{
	struct writes_fs fs = { artifact_stat, artifact_open, NULL, NULL, (void *)dir };
	return fs;
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

struct loader_probe probe_artifacts(const char *dir)
{
	struct loader_probe p = { artifact_image_is_loader, NULL, (void *)dir };
	return p;
}
