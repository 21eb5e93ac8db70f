#include "sys/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define SAFEFILE_MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */

static bool guard_refuses(const struct safefile_guard *g, int fd)
{
	return g && g->may_stall && g->may_stall(g->ctx, fd);
}

/* One component at a time from "/", each opened O_PATH|O_NOFOLLOW relative to its directory,
 * the guard asked about every descriptor before it is fstat'ed or looked into. With follow,
 * symlinks are read (readlinkat on the link's own descriptor) and spliced into what is left
 * of the path; without, a symlink anywhere is -ELOOP. Returns an O_PATH fd with *ret_st, or
 * -errno. real (cap bytes, may be NULL) receives the path walked. */
/* "/" as an O_PATH descriptor, asked of the guard like any directory. */
static int safefile_root(const struct safefile_guard *g, struct stat *ret_st)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (guard_refuses(g, fd) || fstat(fd, ret_st) < 0) {
		int r = guard_refuses(g, fd) ? -EREMOTE : -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int safefile_walk(const char *path, bool follow, const struct safefile_guard *g,
			 struct stat *ret_st, char *real, size_t cap)
{
	char rest[2 * PATH_MAX], walked[PATH_MAX], link[PATH_MAX];
	size_t pos = 0, wlen = 0, n = path ? strlen(path) : 0;
	unsigned links = 0;
	int dfd, r = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	if (n >= sizeof(rest))
		return -ENAMETOOLONG;
	memcpy(rest, path, n + 1);
	walked[0] = '\0';
	if ((dfd = safefile_root(g, ret_st)) < 0)
		return dfd;
	for (;;) {
		char *name;
		size_t len;
		int fd;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;            /* dfd is the answer */
		if (!S_ISDIR(ret_st->st_mode)) {
			r = -ENOTDIR;
			break;
		}
		name = rest + pos;
		len = strcspn(name, "/");
		pos += len;
		if (rest[pos])
			rest[pos++] = '\0';
		if (strcmp(name, ".") == 0)
			continue;
		if (g && g->point_may_stall && strcmp(name, "..") != 0) {
			/* walked + "/" + name: where the lookup would land */
			if (wlen + 1 + len >= sizeof(walked)) {
				r = -ENAMETOOLONG;
				break;
			}
			walked[wlen] = '/';
			memcpy(walked + wlen + 1, name, len + 1);
			if (g->point_may_stall(g->ctx, walked)) {
				r = -EREMOTE;
				break;
			}
			walked[wlen] = '\0';
		}
		fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			break;
		}
		if (guard_refuses(g, fd)) {
			r = -EREMOTE;
			close(fd);
			break;
		}
		if (fstat(fd, ret_st) < 0) {
			r = -errno;
			close(fd);
			break;
		}
		if (S_ISLNK(ret_st->st_mode)) {
			ssize_t k;
			size_t left = strlen(rest + pos);

			if (!follow || ++links > SAFEFILE_MAX_LINKS) {
				r = -ELOOP;
				close(fd);
				break;
			}
			k = readlinkat(fd, "", link, sizeof(link));
			close(fd);
			if (k < 0 || (size_t)k >= sizeof(link)) {
				r = k < 0 ? -errno : -ENAMETOOLONG;
				break;
			}
			if ((size_t)k + 1 + left >= sizeof(rest)) {
				r = -ENAMETOOLONG;
				break;
			}
			/* rest becomes "TARGET/what was left" */
			memmove(rest + k + 1, rest + pos, left + 1);
			memcpy(rest, link, (size_t)k);
			rest[k] = '/';
			pos = 0;
			if (link[0] == '/') {
				close(dfd);
				if ((dfd = safefile_root(g, ret_st)) < 0)
					return dfd;
				wlen = 0;
				walked[0] = '\0';
			} else if (fstat(dfd, ret_st) < 0) {
				r = -errno;
				break;
			}
			continue;
		}
		close(dfd);
		dfd = fd;
		if (strcmp(name, "..") == 0) {
			while (wlen && walked[wlen - 1] != '/')
				wlen--;
			wlen = wlen ? wlen - 1 : 0;
		} else {
			if (wlen + 1 + len >= sizeof(walked)) {
				r = -ENAMETOOLONG;
				break;
			}
			walked[wlen++] = '/';
			memcpy(walked + wlen, name, len);
			wlen += len;
		}
		walked[wlen] = '\0';
	}
	if (r < 0) {
		close(dfd);
		return r;
	}
	if (real && cap) {
		if ((size_t)snprintf(real, cap, "%s", wlen ? walked : "/") >= cap) {
			close(dfd);
			return -ENAMETOOLONG;
		}
	}
	return dfd;
}

/* Look at path without opening it (O_PATH): type and identity are known before any open(2)
 * that a device or FIFO could notice. Returns the O_PATH fd with *ret_st, or -errno. */
static int safefile_lookup(const char *path, const struct file_id *expect,
			   const struct safefile_guard *g, bool want_dir, struct stat *ret_st)
{
	int fd, r = 0;

	fd = safefile_walk(path, false, g, ret_st, NULL, 0);
	if (fd < 0)
		return fd;
	if (want_dir ? !S_ISDIR(ret_st->st_mode) : !S_ISREG(ret_st->st_mode))
		r = want_dir ? -ENOTDIR : -EINVAL;
	else if (expect && expect->valid) {
		struct file_id got = file_id_from_stat(ret_st);

		if (!file_id_equal(&got, expect))
			r = -ESTALE;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int safefile_open(const char *path, const struct file_id *expect, const struct safefile_guard *guard,
		  struct stat *ret_st)
{
	struct stat st, again;
	char self[64];
	int pfd, fd;

	pfd = safefile_lookup(path, expect, guard, false, &st);
	if (pfd < 0)
		return pfd;
	/* Re-open the very inode the O_PATH descriptor holds (no second name lookup). */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	close(pfd);
	if (fd < 0)
		return fd;
	if (fstat(fd, &again) < 0 || again.st_ino != st.st_ino || again.st_dev != st.st_dev) {
		close(fd);
		return -ESTALE;
	}
	*ret_st = again;
	return fd;
}

int safefile_stat(const char *path, const struct file_id *expect, const struct safefile_guard *guard,
		  struct stat *ret_st)
{
	struct stat st;
	int fd = safefile_lookup(path, expect, guard, false, &st);

	if (fd < 0)
		return fd;
	close(fd);
	*ret_st = st;
	return 0;
}

int safefile_dir_stat(const char *path, const struct file_id *expect,
		      const struct safefile_guard *guard, struct stat *ret_st)
{
	struct stat st;
	int fd = safefile_lookup(path, expect, guard, true, &st);

	if (fd < 0)
		return fd;
	close(fd);
	*ret_st = st;
	return 0;
}

int safefile_resolve(const char *path, const struct safefile_guard *guard, int *ret_fd,
		     struct stat *ret_st, char *ret_real, size_t real_cap)
{
	int fd = safefile_walk(path, true, guard, ret_st, ret_real, real_cap);

	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

int safefile_read(int fd, size_t cap, unsigned char **ret_buf, size_t *ret_len)
{
	unsigned char *buf = malloc(cap ? cap : 1);
	size_t len = 0;

	if (!buf)
		return -ENOMEM;
	while (len < cap) {
		ssize_t n = pread(fd, buf + len, cap - len, (off_t)len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int safefile_pread_exact(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		got += (size_t)n;
	}
	return 0;
}
