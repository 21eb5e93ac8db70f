#include "sys/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define MOUNTINFO_MAX (2 << 20)

struct mount_point {
	int id;
	bool risky;
};

struct mounts {
	struct mount_point *v;  /* sorted by id */
	size_t n;
	char **risky_dirs;      /* mount points of the risky mounts (few) */
	size_t nrisky;
	bool loaded;            /* a table was read: unknown ids are suspect from now on */
	int internal[MOUNTS_INTERNAL_MAX]; /* kernel-internal mounts known safe (memfd's shmem) */
	size_t ninternal;
	int fd;                 /* /proc/self/mountinfo, kept open: poll() says when it changed */
	int fdinfo;             /* /proc/self/fdinfo */
};

struct mounts *mounts_new(void)
{
	struct mounts *m = calloc(1, sizeof(struct mounts));

	if (m)
		m->fd = m->fdinfo = -1;
	return m;
}

static void mounts_clear_dirs(char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
}

void mounts_free(struct mounts *m)
{
	if (!m)
		return;
	free(m->v);
	mounts_clear_dirs(m->risky_dirs, m->nrisky);
	if (m->fd >= 0)
		close(m->fd);
	if (m->fdinfo >= 0)
		close(m->fdinfo);
	free(m);
}

bool mounts_type_risky(const char *t)
{
	/* autofs: looking inside a trigger directory mounts whatever it stands for */
	static const char *const prefixes[] = { "fuse", "nfs", "cifs", "smb", "9p", "ceph",
						"glusterfs", "lustre", "afs", "davfs", "sshfs",
						"virtiofs", "ocfs2", "gfs2", "autofs", "coda",
						"orangefs", "beegfs", "gpfs", "vboxsf", "ncpfs" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(t, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Field n (0-based, space separated) of line, copied into out; false if absent. */
static bool field(const char *line, size_t len, unsigned n, char *out, size_t cap)
{
	size_t i = 0, start;

	for (unsigned f = 0; f < n; f++) {
		while (i < len && line[i] != ' ')
			i++;
		if (i == len)
			return false;
		i++;
	}
	start = i;
	while (i < len && line[i] != ' ')
		i++;
	if (i - start >= cap || i == start)
		return false;
	memcpy(out, line + start, i - start);
	out[i - start] = '\0';
	return true;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* A decimal mount id, or -1. */
static int parse_id(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

static int point_cmp(const void *a, const void *b)
{
	const struct mount_point *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Lines in text (the last need not end in a newline), at most MOUNTS_MAX. */
static size_t count_lines(const char *text, size_t len)
{
	size_t k = 1;

	for (const char *p = text, *end = text + len, *nl;
	     k < MOUNTS_MAX && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1)
		k++;
	return k;
}

int mounts_parse(struct mounts *m, const char *text, size_t len)
{
	/* tables as long as the text has lines, not MOUNTS_MAX each time (~100 on a host) */
	size_t cap = count_lines(text, len);
	struct mount_point *v = calloc(cap, sizeof(*v));
	char **dirs = calloc(cap, sizeof(*dirs));
	size_t n = 0, nd = 0;

	if (!v || !dirs) {
		free(v);
		free(dirs);
		return -ENOMEM;
	}
	for (const char *p = text, *end = text + len; p < end && n < cap;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *sep = memmem(p, l, " - ", 3);
		char id[16], type[64], dir[4096];

		/* the mount id is field 0, the mount point field 4; the type is the first field
		 * after " - " */
		if (sep && field(p, l, 0, id, sizeof(id)) && parse_id(id) >= 0 &&
		    field(p, l, 4, dir, sizeof(dir)) &&
		    field(sep + 3, l - (size_t)(sep + 3 - p), 0, type, sizeof(type))) {
			v[n].id = parse_id(id);
			v[n].risky = mounts_type_risky(type);
			if (v[n].risky) {
				unescape(dir);
				if (!(dirs[nd] = strdup(dir))) {
					mounts_clear_dirs(dirs, nd);
					free(v);
					return -ENOMEM;
				}
				nd++;
			}
			n++;
		}
		p += l + 1;
	}
	qsort(v, n, sizeof(*v), point_cmp);
	free(m->v);
	m->v = v;
	m->n = n;
	mounts_clear_dirs(m->risky_dirs, m->nrisky);
	m->risky_dirs = dirs;
	m->nrisky = nd;
	m->loaded = true;
	return (int)n;
}

int mounts_refresh(struct mounts *m)
{
	char *buf;
	size_t len = 0;
	int r;

	if (m->fd < 0 && (m->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0) {
		m->fd = -1;
		return -errno;
	}
	if (!(buf = malloc(MOUNTINFO_MAX)))
		return -ENOMEM;
	for (;;) {
		ssize_t k = pread(m->fd, buf + len, MOUNTINFO_MAX - len, (off_t)len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
		if (len == MOUNTINFO_MAX)
			break;
	}
	r = mounts_parse(m, buf, len);
	free(buf);
	return r < 0 ? r : 0;
}

int mounts_update(struct mounts *m)
{
	struct pollfd pfd = { m->fd, POLLPRI, 0 };

	if (m->fd < 0)
		return mounts_refresh(m);
	/* the kernel flags the file when the mount table changes */
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLPRI | POLLERR)))
		return mounts_refresh(m);
	return 0;
}

bool mounts_point_risky(const struct mounts *m, const char *path)
{
	for (size_t i = 0; m && i < m->nrisky; i++)
		if (strcmp(m->risky_dirs[i], path) == 0)
			return true;
	return false;
}

size_t mounts_point_count(const struct mounts *m)
{
	return m ? m->nrisky : 0;
}

int mounts_id_risky(const struct mounts *m, int mnt_id)
{
	struct mount_point key = { mnt_id, false };
	const struct mount_point *p;

	if (!m)
		return -ENOENT;
	for (size_t i = 0; i < m->ninternal; i++)
		if (m->internal[i] == mnt_id)
			return 0;
	if (!m->n)
		return -ENOENT;
	p = bsearch(&key, m->v, m->n, sizeof(*m->v), point_cmp);
	return p ? p->risky : -ENOENT;
}

int mounts_fd_id(struct mounts *m, int fd)
{
	char name[16], buf[512];
	const char *p;
	ssize_t k;
	int f, id;

	if (fd < 0)
		return -EBADF;
	if (m->fdinfo < 0 &&
	    (m->fdinfo = open("/proc/self/fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		m->fdinfo = -1;
		return -errno;
	}
	snprintf(name, sizeof(name), "%d", fd);
	if ((f = openat(m->fdinfo, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	do
		k = read(f, buf, sizeof(buf) - 1);
	while (k < 0 && errno == EINTR);
	close(f);
	if (k < 0)
		return -errno;
	buf[k] = '\0';
	p = strstr(buf, "mnt_id:");
	if (!p)
		return -ENOTSUP;
	p += strlen("mnt_id:");
	while (*p == ' ' || *p == '\t')
		p++;
	id = 0;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (id > (INT_MAX - 9) / 10)
			return -ERANGE;
		id = id * 10 + (*p - '0');
	}
	return id;
}

bool mounts_fd_risky(struct mounts *m, int fd)
{
	int id, r;

	if (!m || !m->loaded)
		return false;
	if ((id = mounts_fd_id(m, fd)) < 0)
		return true;
	if ((r = mounts_id_risky(m, id)) == -ENOENT && mounts_refresh(m) == 0)
		r = mounts_id_risky(m, id);
	return r != 0;
}

int mounts_learn_internal(struct mounts *m, int fd)
{
	int id;

	if (!m)
		return -EINVAL;
	if ((id = mounts_fd_id(m, fd)) < 0)
		return id;
	for (size_t i = 0; i < m->ninternal; i++)
		if (m->internal[i] == id)
			return 0;
	if (m->ninternal >= MOUNTS_INTERNAL_MAX)
		return -ENOSPC;
	m->internal[m->ninternal++] = id;
	return 0;
}
