/* libFuzzer target for the event assembly stage: any bytes as audit record lines, fed twice
 * (tight limits that force every eviction path, then the defaults), with the input's first
 * byte choosing the idle clock. Aborts when a handed-on event breaks what assembly.h
 * promises: whole lines, one event stamp per event, an EOE record last, the size limit, and
 * bounded memory. Built with clang (fuzz/run.sh assembly); the corpus (cuts of real streams)
 * is replayed by tests/fuzz_replay.c in make check. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/assembly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	size_t max_event_bytes;
};

/* The "msg=audit(...)" stamp of one line, or NULL. */
static const char *stamp(const char *line, const char *end, size_t *len)
{
	const char *p = memchr(line, ' ', (size_t)(end - line)), *close;

	if (p && end - line >= 5 && memcmp(line, "node=", 5) == 0)
		p = memchr(p + 1, ' ', (size_t)(end - p - 1));
	if (!p || end - p < 11 || memcmp(p + 1, "msg=audit(", 10) != 0)
		return NULL;
	close = memchr(p + 1, ')', (size_t)(end - p - 1));
	if (!close)
		return NULL;
	*len = (size_t)(close - p - 1);
	return p + 1;
}

/* The node= part of a line (empty without one). */
static size_t node_len(const char *line, const char *end)
{
	const char *sp;

	if (end - line < 5 || memcmp(line, "node=", 5) != 0)
		return 0;
	sp = memchr(line, ' ', (size_t)(end - line));
	return sp ? (size_t)(sp - line) : 0;
}

/* Same node text and same numeric stamp ("01.5:7" is "1.5:7"). */
static bool same_event(const char *l1, const char *s1, size_t n1, const char *l2, const char *s2,
		       size_t n2)
{
	size_t k1 = node_len(l1, s1), k2 = node_len(l2, s2);
	unsigned long long v1[3], v2[3];
	char b1[128], b2[128];

	if (k1 != k2 || memcmp(l1, l2, k1) != 0)
		return false;
	if (n1 >= sizeof(b1) || n2 >= sizeof(b2))
		return n1 == n2 && memcmp(s1, s2, n1) == 0;
	memcpy(b1, s1, n1);
	b1[n1] = '\0';
	memcpy(b2, s2, n2);
	b2[n2] = '\0';
	/* both stamps read alike (glibc saturates an overflow): the oracle needs no more */
	if (sscanf(b1, "msg=audit(%llu.%llu:%llu", &v1[0], &v1[1], &v1[2]) != 3 || /* NOLINT(cert-err34-c) */
	    sscanf(b2, "msg=audit(%llu.%llu:%llu", &v2[0], &v2[1], &v2[2]) != 3) /* NOLINT(cert-err34-c) */
		return n1 == n2 && memcmp(s1, s2, n1) == 0;
	return v1[0] == v2[0] && v1[1] % 1000000 == v2[1] % 1000000 && v1[2] == v2[2];
}

static void on_event(void *ctx, const struct assembly_event *ev)
{
	const struct check *c = ctx;
	const char *p = ev->text, *end = ev->text + ev->len, *first = NULL, *last = NULL;
	size_t first_len = 0;
	unsigned lines = 0;

	if (ev->len == 0 || ev->text[ev->len - 1] != '\n' || ev->value >= ASSEMBLY_VALUE_COUNT ||
	    ev->reason >= ASSEMBLY_REASON_COUNT)
		abort();
	if (ev->reason == ASSEMBLY_PASSTHROUGH) {
		if (ev->records != 1 || memchr(ev->text, '\n', ev->len) != end - 1)
			abort();
		return;
	}
	if (ev->len > c->max_event_bytes)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;
		const char *s = stamp(p, nl, &len);

		if (!s)
			abort();
		if (!first) {
			first = s;
			first_len = len;
		} else if (!same_event(p, s, len, ev->text, first, first_len)) {
			abort();    /* two events in one */
		}
		last = p;
		lines++;
		p = nl + 1;
	}
	if (lines != ev->records || !last || !memmem(last, (size_t)(end - last), "type=EOE ", 9))
		abort();
}

/* One assembly per limits lives across inputs, reset before each (as new): building one
 * (4096 slots, 8192 buckets, the done table) per input was three quarters of the time. */
static void run(const uint8_t *data, size_t size, const struct assembly_limits *lim,
		struct assembly **ap, struct check *c)
{
	static const char *const syscalls[] = { "execve", "execveat", "openat", "chmod", NULL };
	static struct prefilter *pf;
	struct assembly *a;
	const char *p = (const char *)data, *end = p + size;
	struct assembly_stats st;
	long long now = 0;

	if (!pf && !(pf = prefilter_new(syscalls)))
		abort();
	if (*ap)
		assembly_reset(*ap);
	else if (!(*ap = assembly_new(lim, pf, on_event, c)))
		abort();
	a = *ap;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		assembly_add(a, p, n, now);
		now += (unsigned char)p[0] % 7;
		if (size && (unsigned char)data[0] % 5 == 0)
			assembly_expire_idle(a, now, 3);
		assembly_get_stats(a, &st);
		if ((lim && st.in_flight > lim->max_events) ||
		    (lim && st.high_water_bytes > lim->max_bytes + lim->max_event_bytes))
			abort();
		p += n;
	}
	assembly_flush(a);
	assembly_get_stats(a, &st);
	if (st.in_flight != 0 || st.records_out > st.records_in + st.events_out)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct assembly_limits tight = { 3, 1024, 4096, 1000 };
	static struct check c_tight = { 1024 }, c_default = { ASSEMBLY_DEFAULT_EVENT_BYTES };
	static struct assembly *a_tight, *a_default;

	run(data, size, &tight, &a_tight, &c_tight);
	run(data, size, NULL, &a_default, &c_default);
	return 0;
}
