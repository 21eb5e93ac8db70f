/* libFuzzer target for the saved state's decoder (state.h). The first byte picks the mode: odd,
 * the rest is a state file as read from disk; even, its payload length and checksum are made
 * right first, so the fuzzer reaches every field check instead of stopping at the checksum.
 * Invariants: no crash; what decodes is within the limits and every entry valid; encoding it
 * again gives the same bytes (the format has one spelling per value). Built with clang
 * (fuzz/run.sh state); the corpus is replayed by tests/fuzz_replay.c in make check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reseal(uint8_t *b, size_t len)
{
	uint64_t pl = len - STATE_HEADER_BYTES, sum;

	for (unsigned i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(pl >> (8 * i));
	sum = state_checksum(b, len);
	for (unsigned i = 0; i < 8; i++)
		b[STATE_CHECKSUM_OFFSET + i] = (uint8_t)(sum >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct state_limits lim = { 16, 8, 8 };
	struct state_snapshot s;
	const char *why = NULL;
	uint8_t *buf, *again;
	size_t len;
	long n;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, len);
	if (!(data[0] & 1) && len >= STATE_HEADER_BYTES)
		reseal(buf, len);
	if (state_decode(buf, len, &lim, &s, &why) < 0) {
		if (!why || s.procs || s.pending || s.recent)
			abort();        /* a refusal says why and hands nothing back */
		free(buf);
		return 0;
	}
	if (s.nprocs > lim.max_procs || s.npending > lim.max_pending || s.nrecent > lim.max_recent)
		abort();
	for (size_t i = 0; i < s.nprocs; i++)
		if (!state_proc_valid(&s.procs[i]))
			abort();
	for (size_t i = 0; i < s.npending; i++)
		if (!state_pending_valid(&s.pending[i]))
			abort();
	for (size_t i = 0; i < s.nrecent; i++)
		if (!state_recent_valid(&s.recent[i]))
			abort();
	if (state_encoded_size(&s) != len || len == 0 || !(again = malloc(len)))
		abort();
	n = state_encode(&s, again, len, NULL);
	if (n != (long)len || memcmp(again, buf, len) != 0)
		abort();
	free(again);
	free(buf);
	state_snapshot_free(&s);
	return 0;
}
