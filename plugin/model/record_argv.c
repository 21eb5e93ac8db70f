#include "model/record_argv.h"

#include <stdlib.h>
#include <string.h>

#include "model/record_decode.h"

#define ARG_INDEX_MAX 100000000ul   /* above REC_MAX_ARGS; times 10 fits any unsigned long */

/* Decode raw into [out, out + room) (room >= 2): bytes kept, *cut when some did not fit.
 * A value that is not kernel encoding is kept raw: it is still data. */
static size_t decode_arg(const char *raw, char *out, size_t room, bool *cut)
{
	size_t len = 0, n;
	int r = rec_decode_value(raw, out, room, &len, cut);

	if (r == 1) {
		out[0] = '\0';
		return 0;
	}
	if (r < 0) {
		n = strlen(raw);
		len = n < room - 1 ? n : room - 1;
		*cut = len < n;
		memcpy(out, raw, len);
		out[len] = '\0';
	}
	return len;
}

/* Open argument idx (< REC_MAX_ARGS, not held yet) at the end of the argument bytes; the slots
 * between the last one opened and idx become holes. NULL when no byte is left. */
static struct rec_str *open_arg(struct rec_event *ev, unsigned idx)
{
	struct rec_str *arg = &ev->argv[idx];

	if (ev->argbytes_cap - ev->argbytes_len < 2)
		return NULL;
	/* the array is not cleared between events: a slot below argv_hi is this event's */
	for (; ev->argv_hi < idx; ev->argv_hi++)
		ev->argv[ev->argv_hi] = (struct rec_str){ NULL, 0, false };
	if (ev->argv_hi == idx)
		ev->argv_hi++;
	ev->argv_held++;
	arg->s = ev->argbytes + ev->argbytes_len;
	arg->len = 0;
	arg->cut = false;
	ev->argbytes[ev->argbytes_len++] = '\0';
	return arg;
}

/* Append chunk k of argument idx (a plain aN is its chunk 0). Chunk 0 opens the argument;
 * chunk k > 0 extends it when it is the next one, or opens it when it has none yet (its
 * predecessors are missing). A chunk that cannot join (another argument stored since, a chunk
 * missing or repeated) cuts the argument where it is; an argument given twice ends argv after
 * its first value. */
static void add_chunk(struct rec_event *ev, const char *raw, unsigned long idx, unsigned long k)
{
	struct rec_str *arg;
	size_t room, len;
	bool cut = false;

	if (idx >= REC_MAX_ARGS || (ev->argv_limit && idx >= ev->argv_limit)) {
		ev->argv_cut = true;
		return;
	}
	arg = &ev->argv[idx];
	if (idx >= ev->argv_hi || !arg->s) {
		if (!(arg = open_arg(ev, (unsigned)idx))) {
			ev->argv_cut = true;
			return;
		}
	} else if (k == 0) {
		ev->argv_limit = (unsigned)idx + 1;
		ev->argv_cut = ev->argv_gap = true;
		return;
	} else if (arg->s + arg->len + 1 != ev->argbytes + ev->argbytes_len ||
		   k != ev->argv_next_chunk) {
		arg->cut = ev->argv_cut = true;
		return;
	}
	/* the argument is the last one stored: extend it in place over its NUL */
	room = ev->argbytes_cap - ev->argbytes_len + 1;
	if (room < 2) {
		arg->cut = ev->argv_cut = true;
		return;
	}
	len = decode_arg(raw, (char *)arg->s + arg->len, room, &cut);
	arg->len += len;
	ev->argbytes_len += len;
	ev->argv_next_chunk = k + 1;
	if (cut)
		arg->cut = ev->argv_cut = true;
}

void rec_argv_field(struct rec_event *ev, const char *name, const char *value)
{
	const char *p = name + 1;
	char *end;
	unsigned long idx = 0, chunk;

	if (name[0] != 'a')
		return;
	if ((unsigned char)(*p - '0') >= 10) {
		if (strcmp(p, "rgc") == 0)
			ev->argc = rec_parse_ll(value, 10);
		return;
	}
	/* the index, saturated: any index past REC_MAX_ARGS is counted as cut alike */
	for (; (unsigned char)(*p - '0') < 10; p++)
		idx = idx < ARG_INDEX_MAX ? idx * 10 + (unsigned long)(*p - '0') : ARG_INDEX_MAX;
	if (*p == '\0') {
		add_chunk(ev, value, idx, 0);
	} else if (*p == '[') {
		chunk = strtoul(p + 1, &end, 10);
		if (*end == ']')
			add_chunk(ev, value, idx, chunk);
	}
}

void rec_argv_finish(struct rec_event *ev)
{
	unsigned n = ev->argv_hi;

	if (ev->argv_limit && n > ev->argv_limit)
		n = ev->argv_limit;
	if (ev->argv_held != ev->argv_hi || n != ev->argv_hi) {
		unsigned k = 0;

		while (k < n && ev->argv[k].s)
			k++;
		n = k;
	}
	ev->argc_kept = n;
	/* an argument held beyond the prefix, or a hole in it: argv is not what ran */
	if (n < ev->argv_hi)
		ev->argv_cut = ev->argv_gap = true;
	if (ev->argc >= 0 && (long long)n < ev->argc)
		ev->argv_cut = true;
	/* a successful exec always has an EXECVE record: one that did not arrive (dropped by the
	 * reader, lost in a queue) leaves an argv nobody kept */
	if (ev->kind == REC_EXEC && ev->success && !ev->has_execve)
		ev->argv_cut = true;
}
