/* libFuzzer target for record extraction: any bytes as audit log text through libauparse (the
 * buffer source, or the feed source in input-chosen chunks as the plugin's intake uses it), every
 * event through rec_extract; and every line through rec_decode_value at several capacities.
 * Aborts when an extracted event breaks the bounds record.h promises. One libauparse instance
 * per input: each auparse_init reads /etc/audit/auditd.conf and looks at /var/log/audit, and two
 * per input were a third of the target's time. The input's length picks the source (odd: buffer,
 * even: feed; the fuzzer changes lengths all the time); the corpus replay in make check
 * (FUZZ_RECORD_BOTH_SOURCES) runs every seed through both. No libauparse state outlives an
 * input. Built with clang (fuzz/run.sh record); the corpus is replayed by tests/fuzz_replay.c. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in(const struct rec_event *ev, const char *base, size_t cap, const struct rec_str *r)
{
	(void)ev;
	if (!r->s)
		return r->len == 0;
	return r->s >= base && r->s + r->len < base + cap && r->s[r->len] == '\0' &&
	       r->len <= REC_STR_MAX * 2;
}

/* Every promise of struct rec_event for an event rec_extract accepted. */
static void check_event(const struct rec_event *ev, const struct rec_limits *lim)
{
	size_t argbytes = 0;

	if (ev->kind == REC_OTHER || ev->argc_kept > REC_MAX_ARGS || ev->npaths > REC_MAX_PATHS ||
	    ev->npaths > ev->paths_seen || memchr(ev->id, '\0', sizeof(ev->id)) == NULL ||
	    memchr(ev->tty, '\0', sizeof(ev->tty)) == NULL ||
	    ev->strings_len > ev->strings_cap || ev->argbytes_len > ev->argbytes_cap)
		abort();
	if (!in(ev, ev->strings, ev->strings_cap, &ev->comm) ||
	    !in(ev, ev->strings, ev->strings_cap, &ev->exe) ||
	    !in(ev, ev->strings, ev->strings_cap, &ev->cwd) ||
	    !in(ev, ev->strings, ev->strings_cap, &ev->key))
		abort();
	for (unsigned i = 0; i < ev->npaths; i++) {
		const struct rec_path *p = &ev->paths[i];

		if (!in(ev, ev->strings, ev->strings_cap, &p->name) || p->item < 0 ||
		    (i > 0 && ev->paths[i - 1].item > p->item) ||
		    memchr(p->nametype, '\0', sizeof(p->nametype)) == NULL)
			abort();
	}
	for (unsigned i = 0; i < ev->argc_kept; i++) {
		if (!in(ev, ev->argbytes, ev->argbytes_cap, &ev->argv[i]))
			abort();
		argbytes += ev->argv[i].len;
		if (ev->argv[i].cut && !ev->argv_cut)
			abort();
	}
	if (argbytes > lim->argv_max_bytes)
		abort();
	if (ev->argc >= 0 && (long long)ev->argc_kept < ev->argc && !ev->argv_cut)
		abort();
	/* argv is a prefix of the real one: a gap, or a successful exec without any EXECVE
	 * record, says it was cut */
	if ((ev->argv_gap && !ev->argv_cut) ||
	    (ev->kind == REC_EXEC && ev->success && !ev->has_execve && !ev->argv_cut))
		abort();
}

struct feed_ctx {
	struct rec_event *ev;
	const struct rec_limits *lim;
};

static void feed_cb(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct feed_ctx *c = arg;

	if (type == AUPARSE_CB_EVENT_READY && rec_extract(au, c->ev) == 1)
		check_event(c->ev, c->lim);
}

static void decode_lines(const char *text, size_t size)
{
	static const size_t caps[] = { 1, 2, 3, 8, 4097 };
	char out[4097];

	for (size_t off = 0; off < size;) {
		const char *nl = memchr(text + off, '\n', size - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : size - off;
		char *line = strndup(text + off, n);

		if (!line)
			return;
		for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			size_t len = 0;
			bool cut = false;
			int r;

			memset(out, 0x5a, sizeof(out));
			r = rec_decode_value(line, out, caps[k], &len, &cut);
			if (r >= 0 && (len >= caps[k] || out[len] != '\0' ||
				       (caps[k] < sizeof(out) && out[caps[k]] != 0x5a)))
				abort();
		}
		free(line);
		off += n + 1;
	}
}

/* The buffer source reads a C string: what follows a NUL is not seen. */
static void from_buffer(const char *text, struct rec_event *ev, const struct rec_limits *lim)
{
	auparse_state_t *au = auparse_init(AUSOURCE_BUFFER, text);

	if (!au)
		return;
	while (auparse_next_event(au) > 0)
		if (rec_extract(au, ev) == 1)
			check_event(ev, lim);
	auparse_destroy(au);
}

/* The feed source, as intake uses it: chunk sizes from the first byte. */
static void from_feed(const uint8_t *data, const char *text, size_t size, struct rec_event *ev,
		      const struct rec_limits *lim)
{
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);
	struct feed_ctx c = { ev, lim };
	size_t chunk = size ? (size_t)data[0] % 97 + 1 : 1;

	if (!au)
		return;
	auparse_add_callback(au, feed_cb, &c, NULL);
	for (size_t off = 0; off < size; off += chunk)
		auparse_feed(au, text + off, size - off < chunk ? size - off : chunk);
	auparse_flush_feed(au);
	auparse_destroy(au);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_event ev;
	static const struct rec_limits lim = { 1024 };  /* small: budget paths get exercised */
	static bool ready;
	char *text;

	if (!ready) {
		if (rec_event_init(&ev, &lim) < 0)
			abort();
		ready = true;
	}
	if (size > 1 << 20)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	decode_lines(text, size);

#ifdef FUZZ_RECORD_BOTH_SOURCES
	from_buffer(text, &ev, &lim);
	from_feed(data, text, size, &ev, &lim);
#else
	if (size & 1)
		from_buffer(text, &ev, &lim);
	else
		from_feed(data, text, size, &ev, &lim);
#endif
	free(text);
	return 0;
}
