#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

#define MOUNTINFO_MAX (2 << 20)

struct mount_point {
	char *dir;
	bool risky;
};

struct mounts {
	struct mount_point *v;
	size_t n;
	int fd;             /* /proc/self/mountinfo, kept open: poll() says when it changed */
};

struct mounts *mounts_new(void)
{
	struct mounts *m = calloc(1, sizeof(struct mounts));

	if (m)
		m->fd = -1;
	return m;
}

static void mounts_clear(struct mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].dir);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void mounts_free(struct mounts *m)
{
	if (!m)
		return;
	mounts_clear(m);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

bool mounts_type_risky(const char *t)
{
	static const char *const prefixes[] = { "fuse", "nfs", "cifs", "smb", "9p", "ceph",
						"glusterfs", "lustre", "afs", "davfs", "sshfs",
						"virtiofs", "ocfs2", "gfs2" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(t, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
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
	if (i - start >= cap)
		return false;
	memcpy(out, line + start, i - start);
	out[i - start] = '\0';
	return true;
}

int mounts_parse(struct mounts *m, const char *text, size_t len)
{
	struct mount_point *v = calloc(MOUNTS_MAX, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (const char *p = text, *end = text + len; p < end && n < MOUNTS_MAX;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *sep = memmem(p, l, " - ", 3);
		char dir[4096], type[64];

		/* mount point is field 4; the type is the first field after " - " */
		if (sep && field(p, l, 4, dir, sizeof(dir)) &&
		    field(sep + 3, l - (size_t)(sep + 3 - p), 0, type, sizeof(type))) {
			unescape(dir);
			v[n].dir = strdup(dir);
			v[n].risky = mounts_type_risky(type);
			if (v[n].dir)
				n++;
		}
		p += l + 1;
	}
	mounts_clear(m);
	m->v = v;
	m->n = n;
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

bool mounts_risky(const struct mounts *m, const char *path)
{
	const struct mount_point *best = NULL;
	size_t best_len = 0;

	if (!path || path[0] != '/')
		return true;
	for (size_t i = 0; m && i < m->n; i++) {
		size_t l = strlen(m->v[i].dir);

		if ((!best || l > best_len) && path_under(path, m->v[i].dir)) {
			best = &m->v[i];
			best_len = l;
		}
	}
	return best && best->risky;
}
