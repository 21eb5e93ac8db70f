/* libFuzzer target for record_text.c, differential: any bytes as audit record lines, cut at
 * each EOE line into events as they come, and then as the assembly stage hands them on;
 * every event that rec_extract_text accepts must extract exactly as libauparse and
 * rec_extract do (tests/recdiff.c). Aborts on the first difference. Built with clang
 * (fuzz/run.sh record_text); the corpus is replayed by tests/fuzz_replay.c in make check. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/assembly.h"
#include "intake/intake.h"
#include "intake/prefilter.h"
#include "recdiff.h"
#include "model/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rec_event lib, txt;

static void check(const char *text, size_t len)
{
	char why[160];

	if (recdiff_event(text, len, &lib, &txt, why, sizeof(why)) == RECDIFF_DIFFERENT) {
		fprintf(stderr, "record_text and libauparse differ (%s) on:\n%.*s\n", why, (int)len, text);
		abort();
	}
}

static void on_assembled(void *arg, const struct assembly_event *ev)
{
	(void)arg;
	check(ev->text, ev->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rec_limits lim = { 1024 };
	static struct prefilter *pf;
	static struct assembly *a;
	const char *p, *end, *ev_end;
	char *text;

	/* one prefilter and assembly for all inputs, the assembly reset (as new) before each:
	 * building them per input (4096 slots, the done table) was 40% of the time */
	if (!a) {
		if (rec_event_init(&lib, &lim) < 0 || rec_event_init(&txt, &lim) < 0 ||
		    !(pf = prefilter_new(rec_syscall_names)) ||
		    !(a = assembly_new(NULL, pf, on_assembled, NULL)))
			abort();
	}
	if (size > 1 << 16 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\n';

	/* raw: events as they come, cut after each EOE line (whole lines only) */
	end = (const char *)memrchr(text, '\n', size + 1) + 1;
	for (p = text; p < end && (ev_end = intake_event_end(p, (size_t)(end - p))) != NULL; p = ev_end)
		check(p, (size_t)(ev_end - p));

	/* as the plugin reads: through the assembly stage */
	assembly_reset(a);
	for (p = text; p < text + size;) {
		const char *nl = memchr(p, '\n', (size_t)(text + size + 1 - p));

		assembly_add(a, p, (size_t)(nl - p) + 1, 0);
		p = nl + 1;
	}
	assembly_flush(a);
	free(text);
	return 0;
}
