#include "detect/identities.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/log.h"

/* one tab-free field starting at *s: its length; *s moves past it and its tab */
static size_t field(const char **s, const char **ret)
{
	const char *tab = strchr(*s, '\t');
	size_t len = tab ? (size_t)(tab - *s) : strlen(*s);

	*ret = *s;
	*s += len + (tab ? 1 : 0);
	return len;
}

static int parse_num(const char *s, size_t len, int base, uint64_t max, uint64_t *ret)
{
	char buf[24], *end;
	unsigned long long v;

	if (len == 0 || len >= sizeof(buf) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int identities_parse_line(const char *line, struct identity *ret)
{
	const char *p = line, *path, *dev, *ino, *canon, *colon;
	size_t lp, ld, li, lc;
	uint64_t maj, min, inode;

	memset(ret, 0, sizeof(*ret));
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	lp = field(&p, &path);
	ld = field(&p, &dev);
	li = field(&p, &ino);
	lc = field(&p, &canon);
	if (*p || lp == 0 || path[0] != '/' || (lc && canon[0] != '/'))
		return -EINVAL;
	colon = memchr(dev, ':', ld);
	if (!colon || parse_num(dev, (size_t)(colon - dev), 16, UINT32_MAX, &maj) < 0 ||
	    parse_num(colon + 1, ld - (size_t)(colon - dev) - 1, 16, UINT32_MAX, &min) < 0 ||
	    parse_num(ino, li, 10, UINT64_MAX, &inode) < 0)
		return -EINVAL;
	ret->id = (struct file_id){ (uint32_t)maj, (uint32_t)min, inode, true };
	ret->path = strndup(path, lp);
	ret->canonical = lc ? strndup(canon, lc) : strndup(path, lp);
	if (!ret->path || !ret->canonical) {
		free(ret->path);
		free(ret->canonical);
		return -ENOMEM;
	}
	return 1;
}

int identities_load(const char *file, struct identities *ret)
{
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	if (!f)
		return -errno;
	if (!(ret->v = calloc(IDENTITIES_MAX, sizeof(*ret->v))))
		r = -ENOMEM;
	while (r == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > IDENTITIES_LINE_MAX) {
			log_err("%s:%zu: line longer than %d bytes", file, lineno, IDENTITIES_LINE_MAX);
			r = -EINVAL;
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (ret->n == IDENTITIES_MAX) {
			log_err("%s:%zu: more than %d identities", file, lineno, IDENTITIES_MAX);
			r = -E2BIG;
			break;
		}
		r = identities_parse_line(line, &ret->v[ret->n]);
		if (r == -EINVAL)
			log_err("%s:%zu: expected PATH<tab>MAJOR:MINOR<tab>INODE[<tab>CANONICAL]",
				file, lineno);
		if (r > 0) {
			ret->n++;
			r = 0;
		}
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	free(line);
	fclose(f);
	if (r < 0)
		identities_free(ret);
	return r;
}

void identities_free(struct identities *ids)
{
	for (size_t i = 0; ids->v && i < ids->n; i++) {
		free(ids->v[i].path);
		free(ids->v[i].canonical);
	}
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}
