/* probe_live: the running host's file system. Everything is reached through safefile (one
 * O_PATH component at a time: no symlink, no blocking open, identity checked, no audited
 * syscall) under the stall guard: the mount table is polled before each look, then every
 * descriptor on the way is judged by its mount id. Memfds, deleted files and names gone since
 * an exec are reached through /proc/PID/exe while the process lives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "elf/elf_inspect.h"
#include "engine/probe_backend.h"
#include "sys/mounts.h"
#include "sys/safefile.h"

#define FIND_DIR_MAX_DIRS 4096
#define FIND_DIR_MAX_ENTRIES 65536  /* directory entries read in one search, all levels */
#define FIND_DIR_MAX_DEPTH 4

int probe_live_init(struct probe *p)
{
	p->dirs = calloc(1, sizeof(*p->dirs));
	return p->dirs ? 0 : -ENOMEM;
}

void probe_live_free(struct probe *p)
{
	mounts_free(p->mounts);
	p->mounts = NULL;
	free(p->dirs);
	p->dirs = NULL;
}

int probe_live_refresh_mounts(struct probe *p)
{
	if (!p->mounts) {
		int fd;

		if (!(p->mounts = mounts_new()))
			return -ENOMEM;
		/* A fileless program's image lives on the kernel's internal shmem mount, which no
		 * mountinfo lists: learn its id from a memfd of our own so /proc/PID/exe of a memfd
		 * is not refused as an unknown mount. */
		if ((fd = memfd_create("elfwatch-mount-probe", MFD_CLOEXEC)) >= 0) {
			mounts_learn_internal(p->mounts, fd);
			close(fd);
		}
	}
	return mounts_refresh(p->mounts);
}

static bool live_may_stall(void *ctx, int fd)
{
	return mounts_fd_risky(ctx, fd);
}

static bool live_point_may_stall(void *ctx, const char *path)
{
	return mounts_point_risky(ctx, path);
}

/* The guard for one look: the mount table is brought up to date first (one poll), then every
 * directory and file on the way is judged by its descriptor's mount. */
static struct safefile_guard live_guard(struct probe *p)
{
	struct safefile_guard g = { live_may_stall, live_point_may_stall, p->mounts };

	if (p->mounts)
		mounts_update(p->mounts);
	return g;
}

/* ---- the loader probe: executed images and loader targets ---- */

static int live_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t soname_cap)
{
	struct probe *p = ctx;
	struct safefile_guard g;
	struct stat st;
	int fd, r;

	g = live_guard(p);
	fd = safefile_open(exe, expect, &g, &st);
	if (fd < 0) {
		p->stats.images_refused++;
		return fd;
	}
	p->stats.images_opened++;
	r = elf_loader_identity(fd, &st, soname, soname_cap);
	close(fd);
	if (r == 1)
		p->stats.images_loader++;
	return r;
}

static int live_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	struct probe *p = ctx;
	struct safefile_guard g = live_guard(p);
	char real[PATH_MAX];
	struct statfs sfs;
	struct stat st, dst;
	char *slash;
	int fd, dfd, r;

	memset(ret, 0, sizeof(*ret));
	p->stats.targets_checked++;
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

struct loader_probe probe_live_loader(struct probe *p)
{
	struct loader_probe lp = { live_image_is_loader, live_target_facts, p };
	return lp;
}

/* ---- written files ---- */

static int live_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = live_guard(ctx);

	return safefile_stat(path, id, &g, ret);
}

static int live_open(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = live_guard(ctx);

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

/* Open name (relative to dir_fd, reached as path) for reading as a directory, unless a mount
 * that may stall is there: by the mount points, then on an O_PATH descriptor (no O_DIRECTORY
 * there: that would trigger an automount). fd or -errno. */
static int find_dir_open(struct mounts *m, int dir_fd, const char *name, const char *path)
{
	int pfd, fd;

	if (mounts_point_risky(m, path))
		return -EREMOTE;
	if ((pfd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (mounts_fd_risky(m, pfd)) {
		close(pfd);
		return -EREMOTE;
	}
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	fd = fd < 0 ? -errno : fd;
	close(pfd);
	return fd;
}

/* One search's bounds, counted down. */
struct find_dir_budget {
	size_t dirs, entries;
};

/* Depth-first under dir_fd (whose path is path[0..len)), within the budget. */
/* NOLINTNEXTLINE(misc-no-recursion): FIND_DIR_MAX_DEPTH deep at most */
static bool find_dir_in(struct mounts *m, int dir_fd, char *path, size_t len, int depth,
			const struct file_id *id, struct find_dir_budget *b)
{
	DIR *d;
	struct dirent *de;
	bool found = false;

	if (depth >= FIND_DIR_MAX_DEPTH || (d = fdopendir(dir_fd)) == NULL) {
		close(dir_fd);
		return false;
	}
	while (!found && b->dirs > 0 && b->entries > 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		struct file_id got;
		size_t n = strlen(de->d_name);
		int sub;

		b->entries--;
		/* DT_UNKNOWN: the file system does not say; O_DIRECTORY below decides */
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || len + 1 + n >= PATH_MAX)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		if ((sub = find_dir_open(m, dirfd(d), de->d_name, path)) < 0)
			continue;
		b->dirs--;
		if (fstat(sub, &st) == 0) {
			got = file_id_from_stat(&st);
			if (file_id_equal(&got, id)) {
				close(sub);
				found = true;
				break;
			}
		}
		found = find_dir_in(m, sub, path, len + 1 + n, depth + 1, id, b);
	}
	if (!found)
		path[len] = '\0';
	closedir(d);
	return found;
}

/* Bounded: FIND_DIR_MAX_DIRS directories opened in all, FIND_DIR_MAX_DEPTH levels, no
 * symlink followed, nothing on a file system that may stall. Found directories are
 * remembered by identity and checked again when asked for. */
static int live_find_dir(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			 char *out, size_t cap)
{
	struct probe *p = ctx;
	struct find_dir_budget b = { FIND_DIR_MAX_DIRS, FIND_DIR_MAX_ENTRIES };
	struct safefile_guard g = live_guard(p);
	char path[PATH_MAX];
	const char *hit;
	unsigned pos = 0;

	while (p->dirs && (hit = probe_dircache_next(p->dirs, id, &pos)) != NULL) {
		struct stat st;

		if (safefile_dir_stat(hit, id, &g, &st) == 0) {
			snprintf(out, cap, "%s", hit);
			return 0;
		}
	}
	for (size_t i = 0; i < roots->n && b.dirs > 0; i++) {
		struct stat st;
		struct file_id got;
		size_t len = strlen(roots->v[i]);
		int fd, pfd;

		if (len >= PATH_MAX ||
		    safefile_resolve(roots->v[i], &g, &pfd, &st, NULL, 0) < 0)
			continue;
		fd = S_ISDIR(st.st_mode) ? find_dir_open(p->mounts, pfd, ".", "") : -ENOTDIR;
		close(pfd);
		if (fd < 0)
			continue;
		b.dirs--;
		memcpy(path, roots->v[i], len + 1);
		if (fstat(fd, &st) == 0 && (got = file_id_from_stat(&st), file_id_equal(&got, id))) {
			close(fd);
		} else if (!find_dir_in(p->mounts, fd, path, len, 0, id, &b)) {
			continue;
		}
		snprintf(out, cap, "%s", path);
		if (p->dirs)
			probe_dircache_put(p->dirs, id, path);
		return 0;
	}
	return -ENOENT;
}

struct writes_fs probe_live_writes(struct probe *p)
{
	struct writes_fs fs = { live_stat, live_open, live_fd_path, live_find_dir, p };
	return fs;
}

/* ---- executed images ---- */

/* Walked one component at a time with O_PATH (safefile: no symlink anywhere, no audited
 * syscall, every descriptor's mount judged before it is looked into), identity checked
 * against what the exec record showed. */
static int live_exec_stat(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	struct safefile_guard g = live_guard(ctx);

	if (!path || path[0] != '/')
		return -EINVAL;
	return safefile_stat(path, id, &g, ret);
}

/* O_PATH on the magic link first (no open of the file, so a FIFO or device cannot block us),
 * type and identity checked, then the very inode re-opened through /proc/self/fd. */
static int live_open_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
			 struct stat *ret)
{
	char link[64];
	struct stat st, again;
	int pfd, fd;

	struct safefile_guard g = live_guard(ctx);

	(void)exe;
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

struct execjudge_fs probe_live_exec(struct probe *p)
{
	struct execjudge_fs fs = { live_exec_stat, live_open, live_open_exe, p };
	return fs;
}
