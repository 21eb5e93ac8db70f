#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>


static int open_no_symlinks(const char *path, int flags)
{
	int fd;
#ifdef SYS_openat2
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)flags;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd < 0 ? -errno : fd;
#endif
	/* Kernels before 5.6 (or seccomp'd openat2): only the last component is protected. */
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

/* Look at path without opening it (O_PATH): type and identity are known before any open(2)
 * that a device or FIFO could notice. Returns the O_PATH fd with *ret_st, or -errno. */
static int safefile_lookup(const char *path, const struct file_id *expect, struct stat *ret_st)
{
	int fd, r = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	fd = open_no_symlinks(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (fstat(fd, ret_st) < 0)
		r = -errno;
	else if (!S_ISREG(ret_st->st_mode))
		r = S_ISLNK(ret_st->st_mode) ? -ELOOP : -EINVAL;
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

int safefile_open(const char *path, const struct file_id *expect, struct stat *ret_st)
{
	struct stat st, again;
	char self[64];
	int pfd, fd;

	pfd = safefile_lookup(path, expect, &st);
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

int safefile_stat(const char *path, const struct file_id *expect, struct stat *ret_st)
{
	struct stat st;
	int fd = safefile_lookup(path, expect, &st);

	if (fd < 0)
		return fd;
	close(fd);
	*ret_st = st;
	return 0;
}

int safefile_dir_stat(const char *path, const struct file_id *expect, struct stat *ret_st)
{
	struct file_id got;
	int fd, r = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	fd = open_no_symlinks(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (fstat(fd, ret_st) < 0)
		r = -errno;
	else if (expect && expect->valid && (got = file_id_from_stat(ret_st), !file_id_equal(&got, expect)))
		r = -ESTALE;
	close(fd);
	return r;
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
