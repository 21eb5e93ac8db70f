/* libFuzzer target for the mount table: the bytes as /proc/self/mountinfo text through
 * mounts_parse, then look-ups by id and by mount point (the points the text names, and a few
 * fixed ones). Invariants: no crash, the count is within MOUNTS_MAX, look-ups answer in range,
 * a point is never risky in an empty table. Built with clang (fuzz/run.sh mounts); the corpus
 * is replayed by tests/fuzz_replay.c in make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mounts *m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "/", "/tmp", "/home/u/mnt", "/proc", "", "//", NULL };
	static const int ids[] = { 0, 1, 21, 26, 40, -1, 8192, 2147483647 };
	char *text = malloc(size ? size : 1);
	char word[4096];
	int n;

	if (!text || (!m && !(m = mounts_new())))
		abort();
	memcpy(text, data, size);
	n = mounts_parse(m, text, size);
	if (n < 0 || n > MOUNTS_MAX || mounts_point_count(m) > (size_t)n)
		abort();
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int r = mounts_id_risky(m, ids[i]);

		if (r != 0 && r != 1 && r != -ENOENT)
			abort();
	}
	for (size_t i = 0; fixed[i]; i++)
		if (mounts_point_risky(m, fixed[i]) && mounts_point_count(m) == 0)
			abort();
	/* every word of the text as a path, the first 64 as a file system type too (the parse
	 * already asks for every line's type; 21 strncmp for each of thousands of words were
	 * half of this target's time) */
	for (size_t pos = 0, k = 0; pos < size; k++) {
		size_t len = 0;

		while (pos + len < size && text[pos + len] != ' ' && text[pos + len] != '\n' &&
		       len < sizeof(word) - 1)
			len++;
		memcpy(word, text + pos, len);
		word[len] = '\0';
		if (mounts_point_risky(m, word) && mounts_point_count(m) == 0)
			abort();
		if (k < 64)
			(void)mounts_type_risky(word);
		pos += len + 1;
	}
	/* replaced by an empty table: each input frees what it allocated, so libFuzzer's leak
	 * check (a full heap scan whenever an input ends with more mallocs than frees) stays off */
	if (mounts_parse(m, "", 0) != 0)
		abort();
	free(text);
	return 0;
}
