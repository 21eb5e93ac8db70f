#include "engine/probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include <linux/magic.h>

#include "elf/elf_inspect.h"
#include "sys/mounts.h"
#include "sys/safefile.h"

static struct mounts *probe_mounts;

int probe_refresh_mounts(void)
{
	if (!probe_mounts) {
		int fd;

		if (!(probe_mounts = mounts_new()))
			return -ENOMEM;
		/* A fileless program's image lives on the kernel's internal shmem mount, which no
		 * mountinfo lists: learn its id from a memfd of our own so /proc/PID/exe of a memfd
		 * is not refused as an unknown mount. */
		if ((fd = memfd_create("elfwatch-mount-probe", MFD_CLOEXEC)) >= 0) {
			mounts_learn_internal(probe_mounts, fd);
			close(fd);
		}
	}
	return mounts_refresh(probe_mounts);
}

void probe_release(void)
{
	mounts_free(probe_mounts);
	probe_mounts = NULL;
}

static bool probe_may_stall(void *ctx, int fd)
{
	return mounts_fd_risky(ctx, fd);
}

static bool probe_point_may_stall(void *ctx, const char *path)
{
	return mounts_point_risky(ctx, path);
}

/* The guard for one look: the mount table is brought up to date first (one poll), then every
 * directory and file on the way is judged by its descriptor's mount. */
struct safefile_guard probe_guard(void)
{
	struct safefile_guard g = { probe_may_stall, probe_point_may_stall, probe_mounts };

	if (probe_mounts)
		mounts_update(probe_mounts);
	return g;
}

static int live_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t soname_cap)
{
	struct probe_stats *stats = ctx;
	struct safefile_guard g;
	struct stat st;
	int fd, r;

	g = probe_guard();
	fd = safefile_open(exe, expect, &g, &st);
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
	struct safefile_guard g = probe_guard();
	char real[PATH_MAX];
	struct statfs sfs;
	struct stat st, dst;
	char *slash;
	int fd, dfd, r;

	memset(ret, 0, sizeof(*ret));
	if (stats)
		stats->targets_checked++;
	/* Symlinks are followed as the loader would, but resolved one at a time with O_PATH:
	 * nothing is opened for reading, and nothing on a mount that may stall is looked up. */
	r = safefile_resolve(path, &g, &fd, &st, real, sizeof(real));
	if (r == -ENOENT || r == -ENOTDIR) {
		ret->exists = false;
		return 0;
	}
	if (r < 0)
		return r;           /* -EREMOTE: may never answer, left alone */
	close(fd);
	ret->exists = true;
	ret->mode = st.st_mode;
	ret->owner = st.st_uid;
	ret->size = st.st_size;
	ret->id = file_id_from_stat(&st);
	snprintf(ret->real, sizeof(ret->real), "%s", real);
	slash = strrchr(real, '/');
	if (slash)
		slash == real ? (void)(real[1] = '\0') : (void)(*slash = '\0');
	if (safefile_resolve(real, &g, &dfd, &dst, NULL, 0) == 0) {
		ret->dir_world_writable = (dst.st_mode & S_IWOTH) != 0;
		/* the guard passed this directory's mount: its statfs cannot stall */
		if (fstatfs(dfd, &sfs) == 0)
			ret->on_tmpfs = sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
		close(dfd);
	}
	return 0;
}

struct loader_probe probe_live(struct probe_stats *stats)
{
	struct loader_probe p = { live_image_is_loader, live_target_facts, stats };
	return p;
}

static int live_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = probe_guard();

	(void)ctx;
	return safefile_stat(path, id, &g, ret);
}

static int live_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = probe_guard();

	(void)ctx;
	return safefile_open(path, id, &g, ret);
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
#define FIND_DIR_MAX_ENTRIES 65536  /* directory entries read in one search, all levels */
#define FIND_DIR_MAX_DEPTH 4
#define FIND_DIR_CACHE 64

/* Directories found before, by identity: the same dirfd directory tends to recur. */
static struct {
	struct file_id id;
	char path[PATH_MAX];
} dir_cache[FIND_DIR_CACHE];
static unsigned dir_cache_next;

/* Open name (relative to dir_fd, reached as path) for reading as a directory, unless a mount
 * that may stall is there: by the mount points, then on an O_PATH descriptor (no O_DIRECTORY
 * there: that would trigger an automount). fd or -errno. */
static int find_dir_open(int dir_fd, const char *name, const char *path)
{
	int pfd, fd;

	if (mounts_point_risky(probe_mounts, path))
		return -EREMOTE;
	if ((pfd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (mounts_fd_risky(probe_mounts, pfd)) {
		close(pfd);
		return -EREMOTE;
	}
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	fd = fd < 0 ? -errno : fd;
	close(pfd);
	return fd;
}

/* Depth-first under dir_fd (whose path is path[0..len)), at most *budget directories. */
/* NOLINTNEXTLINE(misc-no-recursion): FIND_DIR_MAX_DEPTH deep at most */
static bool find_dir_in(int dir_fd, char *path, size_t len, int depth, const struct file_id *id,
			size_t *budget, size_t *entries)
{
	DIR *d;
	struct dirent *de;
	bool found = false;

	if (depth >= FIND_DIR_MAX_DEPTH || (d = fdopendir(dir_fd)) == NULL) {
		close(dir_fd);
		return false;
	}
	while (!found && *budget > 0 && *entries > 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		struct file_id got;
		size_t n = strlen(de->d_name);
		int sub;

		(*entries)--;
		/* DT_UNKNOWN: the file system does not say; O_DIRECTORY below decides */
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || len + 1 + n >= PATH_MAX)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		if ((sub = find_dir_open(dirfd(d), de->d_name, path)) < 0)
			continue;
		(*budget)--;
		if (fstat(sub, &st) == 0) {
			got = file_id_from_stat(&st);
			if (file_id_equal(&got, id)) {
				close(sub);
				found = true;
				break;
			}
		}
		found = find_dir_in(sub, path, len + 1 + n, depth + 1, id, budget, entries);
	}
	if (!found)
		path[len] = '\0';
	closedir(d);
	return found;
}

/* Bounded: FIND_DIR_MAX_DIRS directories opened in all, FIND_DIR_MAX_DEPTH levels, no
 * symlink followed, nothing on a file system that may stall. */
static int live_find_dir(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			 char *out, size_t cap)
{
	size_t budget = FIND_DIR_MAX_DIRS, entries = FIND_DIR_MAX_ENTRIES;
	struct safefile_guard g = probe_guard();
	char path[PATH_MAX];

	(void)ctx;
	for (unsigned i = 0; i < FIND_DIR_CACHE; i++) {
		struct stat st;

		if (file_id_equal(&dir_cache[i].id, id) &&
		    safefile_dir_stat(dir_cache[i].path, id, &g, &st) == 0) {
			snprintf(out, cap, "%s", dir_cache[i].path);
			return 0;
		}
	}
	for (size_t i = 0; i < roots->n && budget > 0; i++) {
		struct stat st;
		struct file_id got;
		size_t len = strlen(roots->v[i]);
		int fd, pfd;

		if (len >= PATH_MAX ||
		    safefile_resolve(roots->v[i], &g, &pfd, &st, NULL, 0) < 0)
			continue;
		fd = S_ISDIR(st.st_mode) ? find_dir_open(pfd, ".", "") : -ENOTDIR;
		close(pfd);
		if (fd < 0)
			continue;
		budget--;
		memcpy(path, roots->v[i], len + 1);
		if (fstat(fd, &st) == 0 && (got = file_id_from_stat(&st), file_id_equal(&got, id))) {
			close(fd);
		} else if (!find_dir_in(fd, path, len, 0, id, &budget, &entries)) {
			continue;
		}
		snprintf(out, cap, "%s", path);
		dir_cache[dir_cache_next % FIND_DIR_CACHE].id = *id;
		snprintf(dir_cache[dir_cache_next++ % FIND_DIR_CACHE].path, PATH_MAX, "%s", path);
		return 0;
	}
	return -ENOENT;
}

struct writes_fs probe_writes_live(void)
{
	struct writes_fs fs = { live_stat, live_open, live_fd_path, live_find_dir, NULL };
	return fs;
}

static int none_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx, (void)path, (void)id, (void)ret;
	return -ENOENT;
}

struct writes_fs probe_writes_none(void)
{
	struct writes_fs fs = { none_stat, none_stat, NULL, NULL, NULL };
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
	if ((r = safefile_stat(p, NULL, NULL, ret)) < 0)
		return r;
	ret->st_dev = makedev(id->major, id->minor);
	ret->st_ino = (ino_t)id->ino;
	return 0;
}

int probe_artifact_open(const char *dir, const struct file_id *id, struct stat *ret)
{
	char p[PATH_MAX];
	int fd;

	if ((fd = artifact_path(dir, id, p, sizeof(p))) < 0)
		return fd;
	if ((fd = safefile_open(p, NULL, NULL, ret)) < 0)
		return fd;
	ret->st_dev = makedev(id->major, id->minor);
	ret->st_ino = (ino_t)id->ino;
	return fd;
}

static int artifact_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)path;
	return probe_artifact_open(ctx, id, ret);
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
