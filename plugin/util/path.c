#include "util/path.h"

#include <fnmatch.h>
#include <string.h>

/* NOLINTNEXTLINE(misc-no-recursion): once, for base, which is then absolute */
bool path_normalize(const char *base, const char *path, size_t len, char *out, size_t cap)
{
	size_t olen = 0, i = 0;

	if (cap < 2 || memchr(path, '\0', len))
		return false;
	if (len == 0 || path[0] != '/') {
		if (!base || base[0] != '/')
			return false;
		/* copy base, then treat path as continuing it */
		size_t clen = strlen(base);
		if (clen >= cap)
			return false;
		if (!path_normalize(NULL, base, clen, out, cap))
			return false;
		olen = strlen(out);
		if (olen == 1)
			olen = 0; /* "/" */
	}
	while (i < len) {
		size_t start, seg;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		seg = i - start;
		if (seg == 0 || (seg == 1 && path[start] == '.'))
			continue;
		if (seg == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (olen > 0 && out[olen - 1] != '/')
				olen--;
			if (olen > 0)
				olen--;
			continue;
		}
		if (olen + 1 + seg >= cap)
			return false;
		out[olen++] = '/';
		memcpy(out + olen, path + start, seg);
		olen += seg;
	}
	if (olen == 0)
		out[olen++] = '/';
	out[olen] = '\0';
	return true;
}

bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

bool path_match(const char *pattern, const char *path, int flags)
{
	size_t lit = strcspn(pattern, "*?[\\");

	if (pattern[lit] == '\0')
		return strcmp(pattern, path) == 0;
	if (strncmp(pattern, path, lit) != 0)
		return false;
	return fnmatch(pattern, path, flags) == 0;
}

void path_glob_init(struct path_glob *g, const char *pattern)
{
	g->len = strlen(pattern);
	g->head = strcspn(pattern, "*?[\\");
	g->tail = 0;
	if (g->head == g->len)
		return;
	while (g->tail < g->len - g->head && !strchr("*?[]\\", pattern[g->len - 1 - g->tail]))
		g->tail++;
}

bool path_glob_match(const struct path_glob *g, const char *pattern, const char *path,
		     size_t path_len, int flags)
{
	bool leading_dir = flags & FNM_LEADING_DIR;

	if (g->head == g->len)
		return path_len == g->len && memcmp(pattern, path, g->len) == 0;
	/* the middle, from the first special character to the last, may match nothing */
	if (path_len < g->head + (leading_dir ? 0 : g->tail) || memcmp(pattern, path, g->head) != 0)
		return false;
	if (!leading_dir &&
	    memcmp(pattern + g->len - g->tail, path + path_len - g->tail, g->tail) != 0)
		return false;
	return fnmatch(pattern, path, flags) == 0;
}
