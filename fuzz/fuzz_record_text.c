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
	static bool ready;
	struct prefilter *pf;
	struct assembly *a;
	const char *p, *end, *ev_end;
	char *text;

	if (!ready) {
		if (rec_event_init(&lib, &lim) < 0 || rec_event_init(&txt, &lim) < 0)
			abort();
		ready = true;
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
	pf = prefilter_new(rec_syscall_names);
	a = pf ? assembly_new(NULL, pf, on_assembled, NULL) : NULL;
	if (a) {
		for (p = text; p < text + size;) {
			const char *nl = memchr(p, '\n', (size_t)(text + size + 1 - p));

			assembly_add(a, p, (size_t)(nl - p) + 1, 0);
			p = nl + 1;
		}
		assembly_flush(a);
	}
	assembly_free(a);
	prefilter_free(pf);
	free(text);
	return 0;
}
