#include "sys/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* how long a start waits for the last run to finish writing (audit 3.x restarts a plugin whose
 * binary changed 50 ms after its SIGTERM, while the old one is still saving) */
#define STATEFILE_LOCK_WAIT_MS 3000

int statefile_open(const char *path, struct statefile *ret, const char **ret_why)
{
	char dir[512];
	const char *base = strrchr(path, '/');
	struct stat st;
	int fd;

	memset(ret, 0, sizeof(*ret));
	ret->dirfd = ret->fd = -1;
	*ret_why = "path must be absolute, in a directory of its own";
	if (path[0] != '/' || !base || base == path || !base[1] ||
	    (size_t)(base - path) >= sizeof(dir) || strlen(base + 1) >= sizeof(ret->name))
		return -EINVAL;
	memcpy(dir, path, (size_t)(base - path));
	dir[base - path] = '\0';
	snprintf(ret->name, sizeof(ret->name), "%s", base + 1);
	ret->owner = geteuid();
	/* its parent (/run) is root's: only the last component is ours to make */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*ret_why = "cannot create its directory";
		return -errno;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*ret_why = errno == ELOOP || errno == ENOTDIR ? "its directory is a symlink or not "
			   "a directory" : "cannot open its directory";
		return -errno;
	}
	if (fstat(fd, &st) < 0) {
		*ret_why = "cannot stat its directory";
		close(fd);
		return -errno;
	}
	if (st.st_uid != ret->owner || (st.st_mode & 022)) {
		*ret_why = st.st_uid != ret->owner ? "its directory has another owner" :
			   "its directory is writable by others";
		close(fd);
		return -EPERM;
	}
	/* what we keep there says which programs ran: nobody else reads it */
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0) {
		*ret_why = "cannot make its directory 0700";
		close(fd);
		return -errno;
	}
	ret->dirfd = fd;
	*ret_why = NULL;
	return 0;
}

static const char *check_file(const struct statefile *sf, const struct stat *st, size_t max_bytes)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != sf->owner)
		return "owned by another user";
	if (st->st_nlink != 1)
		return "has more than one link";
	if (st->st_mode & 077)
		return "readable or writable by others";
	if (st->st_size == 0)
		return "empty: the last run did not end in order";
	if ((unsigned long long)st->st_size > max_bytes)
		return "larger than the tables can fill";
	return NULL;
}

/* Wait (bounded) for the writer's exclusive lock to go: it is released when the last run
 * closes the file after saving. -EWOULDBLOCK when it is still held. */
static int wait_unlocked(int fd)
{
	for (int waited = 0;; waited += 20) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (waited >= STATEFILE_LOCK_WAIT_MS)
			return -EWOULDBLOCK;
		nanosleep(&(struct timespec){ 0, 20 * 1000000L }, NULL);
	}
}

int statefile_take(struct statefile *sf, size_t max_bytes, uint8_t **ret_buf, size_t *ret_len,
		   struct timespec *ret_mtime, const char **ret_why)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, r = 0;

	*ret_buf = NULL;
	*ret_len = 0;
	*ret_why = NULL;
	fd = openat(sf->dirfd, sf->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		r = -errno;
		*ret_why = errno == ELOOP ? "a symlink" : "cannot open it";
		goto remove;
	}
	if ((r = wait_unlocked(fd)) < 0) {
		/* another elfwatch still runs with it: leave it alone (its save stays its own) */
		*ret_why = r == -EWOULDBLOCK ? "still held by a running elfwatch" : "cannot lock it";
		close(fd);
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		*ret_why = "cannot stat it";
	} else if ((*ret_why = check_file(sf, &st, max_bytes)) != NULL) {
		r = -EPERM;
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		r = -ENOMEM;
		*ret_why = "out of memory";
	} else {
		/* one byte more than it said: a file that grows while read is refused */
		while (len <= (size_t)st.st_size) {
			ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				r = n < 0 ? -errno : 0;
				break;
			}
			len += (size_t)n;
		}
		if (r == 0 && len != (size_t)st.st_size) {
			r = -EBADMSG;
			*ret_why = "changed while read";
		} else if (r < 0) {
			*ret_why = "cannot read it";
		}
		*ret_mtime = st.st_mtim;
	}
	close(fd);
remove:
	/* read once: a file we refused is not looked at again, one we took is not taken twice */
	if (unlinkat(sf->dirfd, sf->name, 0) < 0 && errno != ENOENT && r == 0) {
		r = -errno;
		*ret_why = "cannot remove it";
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int statefile_create(struct statefile *sf)
{
	int fd;

	if (sf->dirfd < 0)
		return -EBADF;
	fd = openat(sf->dirfd, sf->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* held until the save closes it: the next start waits for that, not for an empty file */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	sf->fd = fd;
	return 0;
}

int statefile_write(struct statefile *sf, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	int r = 0;

	if (sf->fd < 0)
		return -EBADF;
	while (done < len) {
		ssize_t n = write(sf->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (close(sf->fd) < 0 && r == 0)
		r = -errno;
	sf->fd = -1;
	return r;
}

void statefile_close(struct statefile *sf)
{
	/* never 0..2: a zeroed struct must not close stdin */
	if (sf->fd > STDERR_FILENO)
		close(sf->fd);
	if (sf->dirfd > STDERR_FILENO)
		close(sf->dirfd);
	sf->fd = sf->dirfd = -1;
}

void statefile_boot_id(uint8_t ret[16])
{
	char text[64];
	size_t n = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	memset(ret, 0, 16);
	if (!f)
		return;
	if (fgets(text, sizeof(text), f)) {
		for (const char *p = text; *p && n < 32; p++) {
			int v = *p >= '0' && *p <= '9' ? *p - '0' :
				*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

			if (v < 0)
				continue;
			ret[n / 2] = (uint8_t)(ret[n / 2] | (n % 2 ? v : v << 4));
			n++;
		}
	}
	fclose(f);
}
