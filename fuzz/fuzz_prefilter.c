/* libFuzzer target for the early filter, which reads attacker text before libauparse does:
 * the bytes as record lines (split at '\n') through prefilter_keep, prefilter_syscall_class
 * and prefilter_type_wanted, with the plugin's syscall list. Invariants: no crash, no read
 * beyond a line (ASan, each line copied to its own exact-size buffer), classes in range, and
 * the stats count every line. Built with clang (fuzz/run.sh prefilter); the corpus is
 * replayed by tests/fuzz_replay.c in make check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/prefilter.h"
#include "model/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prefilter *pf = prefilter_new(rec_syscall_names);
	struct prefilter *cl = prefilter_new(rec_syscall_names);
	struct prefilter_stats st;
	unsigned long long lines = 0, classed = 0;
	size_t pos = 0;

	if (!pf || !cl)
		abort();
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - data - pos) : size - pos;
		char *line = malloc(len ? len : 1);

		if (!line)
			abort();
		memcpy(line, data + pos, len);
		(void)prefilter_keep(pf, line, len);
		lines++;
		enum prefilter_class c = prefilter_syscall_class(cl, line, len);
		if ((unsigned)c > PREFILTER_UNPARSED)
			abort();
		classed++;
		(void)prefilter_type_wanted(line, len < 32 ? len : 32);
		free(line);
		pos += len + 1;
	}
	prefilter_get_stats(pf, &st);
	if (st.kept + st.dropped_type + st.dropped_syscall + st.dropped_same_event + st.malformed !=
	    lines)
		abort();
	prefilter_get_stats(cl, &st);
	if (st.kept + st.dropped_syscall + st.malformed != classed)
		abort();
	prefilter_free(pf);
	prefilter_free(cl);
	return 0;
}
