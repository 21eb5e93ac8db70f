/* path: lexical path handling for names taken from audit records. */
#ifndef ELFWATCH_PATH_H
#define ELFWATCH_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Lexically normalise path (relative ones joined to base): "." and ".." removed, slashes
 * squeezed. Returns false when the result does not fit, path holds a NUL byte, or a relative
 * path has no absolute base. */
bool path_normalize(const char *base, const char *path, size_t len, char *out, size_t cap);

/* True if path equals dir or lies below it ("/tmp" holds "/tmp/x", not "/tmpx"). */
bool path_under(const char *path, const char *dir);

/* fnmatch(pattern, path, flags) == 0, but cheap for the common misses: a pattern without
 * wildcards is compared as a string, and one whose literal head differs is rejected before
 * fnmatch runs. Hot paths (every exec) match against configured pattern lists. */
bool path_match(const char *pattern, const char *path, int flags);

/* A pattern measured once, for lists matched on every event: its length and the lengths of
 * its literal head (before the first of "*?[\\") and literal tail (after the last of
 * "*?[]\\"). head == len: no wildcard. */
struct path_glob {
	size_t len, head, tail;
};

void path_glob_init(struct path_glob *g, const char *pattern);

/* path_match(pattern, path, flags) for the pattern g measures and a path of path_len bytes,
 * without a string scan for the common misses: a length too short, a head or a tail that
 * differs (the tail not with FNM_LEADING_DIR) settle it before fnmatch runs. */
bool path_glob_match(const struct path_glob *g, const char *pattern, const char *path,
		     size_t path_len, int flags);

#endif
