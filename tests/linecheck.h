/* linecheck: strict checkers for one alert line (test and fuzz code only). They accept exactly
 * what a log consumer may rely on and nothing more, so a forged field or line cannot pass. */
#ifndef ELFWATCH_TEST_LINECHECK_H
#define ELFWATCH_TEST_LINECHECK_H

#include <stdbool.h>
#include <stddef.h>

/* One JSON text per RFC 8259, strictly: valid UTF-8, no raw control characters, no duplicate
 * key in any object, nesting at most 32 deep, nothing but whitespace around the value.
 * keys[0..nkeys) are names whose occurrences as members of the top-level object are counted
 * into counts[] (may be NULL). On failure err says where and why. */
bool json_check(const char *s, size_t n, const char *const *keys, int *counts, size_t nkeys,
		char *err, size_t errlen);

/* elfwatch's key=value line: pairs separated by one space; key [a-z0-9_]+; value either a
 * "quoted" run of printable ASCII without '"' whose only escape is \xHH, or a bare token of
 * [A-Za-z0-9_.:+-]. No key twice. Counts keys as json_check does (keys of the whole line). */
bool kv_check(const char *s, size_t n, const char *const *keys, int *counts, size_t nkeys,
	      char *err, size_t errlen);

/* True when s[0..n) holds no '\n', '\r' or NUL byte. */
bool line_single(const char *s, size_t n);

#endif
