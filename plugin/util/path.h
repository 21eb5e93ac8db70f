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

#endif
