#include "intake/assembly.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/assembly_header.h"

#define NIL UINT32_MAX
#define DONE_SLOTS 8192             /* keys of events handed on or dropped, direct-mapped */
/* room kept for the synthesised EOE record: the first record's prefix, "type=EOE ", its stamp
 * (at most 71 bytes) and '\n' */
#define EOE_MAX (2 * ASSEMBLY_HEADER_PART_MAX)
#define POOL_BUFS 32                /* text buffers of handed-on events kept for reuse */
#define POOL_BUF_MAX 2048
#define ENRICHED_SEP '\x1d'         /* starts the interpreted fields of the ENRICHED format */

const char *const assembly_reason_names[ASSEMBLY_REASON_COUNT] = {
	"eoe", "proctitle", "window", "evict_events", "evict_bytes", "idle", "flush", "passthrough",
};
const char *const assembly_value_names[ASSEMBLY_VALUE_COUNT] = { "other", "exec", "write" };

struct slot {
	struct assembly_key key;
	uint64_t hash;
	uint32_t bucket_next, older, newer;
	char *buf;
	size_t len, cap;
	unsigned records;
	long long last_wall;
	unsigned short prefix_len, stamp_off, stamp_len;   /* of buf's first record */
	enum assembly_value value;
	bool cut;
};

struct done {
	struct assembly_key key;
	bool used, dropped;
};

struct assembly {
	struct assembly_limits lim;
	struct prefilter *pf;
	assembly_emit_fn emit;
	void *ctx;
	struct slot *slots;
	uint32_t *buckets, nbuckets, free_head, oldest, newest;
	struct done *done;
	size_t bytes;
	long long newest_ms;
	bool saw_eoe, have_time;
	char *pool[POOL_BUFS];          /* free text buffers, POOL_BUF_MAX bytes each */
	unsigned npool;
	char *scratch;                  /* a passthrough line given without its '\n' */
	size_t scratch_cap;
	struct assembly_stamp_memo memo;
	struct assembly_stats stats;
};

struct assembly *assembly_new(const struct assembly_limits *limits, struct prefilter *pf,
			      assembly_emit_fn emit, void *ctx)
{
	static const struct assembly_limits defaults = {
		ASSEMBLY_DEFAULT_EVENTS, ASSEMBLY_DEFAULT_EVENT_BYTES, ASSEMBLY_DEFAULT_BYTES,
		ASSEMBLY_DEFAULT_WINDOW_MS,
	};
	struct assembly *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->lim = limits ? *limits : defaults;
	if (a->lim.max_events < 1)
		a->lim.max_events = 1;
	if (a->lim.max_events > (1u << 24))
		a->lim.max_events = 1u << 24;
	if (a->lim.max_event_bytes < 2 * EOE_MAX)
		a->lim.max_event_bytes = 2 * EOE_MAX;
	a->pf = pf;
	a->emit = emit;
	a->ctx = ctx;
	for (a->nbuckets = 16; a->nbuckets < 2 * a->lim.max_events; a->nbuckets *= 2)
		;
	a->slots = calloc(a->lim.max_events, sizeof(*a->slots));
	a->buckets = malloc(a->nbuckets * sizeof(*a->buckets));
	a->done = calloc(DONE_SLOTS, sizeof(*a->done));
	if (!a->slots || !a->buckets || !a->done) {
		assembly_free(a);
		return NULL;
	}
	for (uint32_t i = 0; i < a->nbuckets; i++)
		a->buckets[i] = NIL;
	for (uint32_t i = 0; i < a->lim.max_events; i++)
		a->slots[i].bucket_next = i + 1 < a->lim.max_events ? i + 1 : NIL;
	a->free_head = 0;
	a->oldest = a->newest = NIL;
	return a;
}

void assembly_free(struct assembly *a)
{
	if (!a)
		return;
	if (a->slots)
		for (size_t i = 0; i < a->lim.max_events; i++)
			free(a->slots[i].buf);
	while (a->npool)
		free(a->pool[--a->npool]);
	free(a->slots);
	free(a->buckets);
	free(a->done);
	free(a->scratch);
	free(a);
}

static struct done *done_slot(struct assembly *a, uint64_t hash)
{
	return &a->done[(hash >> 7) % DONE_SLOTS];
}

static void done_add(struct assembly *a, const struct assembly_key *k, uint64_t hash, bool dropped)
{
	struct done *d = done_slot(a, hash);

	d->key = *k;
	d->used = true;
	d->dropped = dropped;
}

static uint32_t find(struct assembly *a, const struct assembly_key *k, uint64_t hash)
{
	for (uint32_t i = a->buckets[hash & (a->nbuckets - 1)]; i != NIL; i = a->slots[i].bucket_next)
		if (a->slots[i].hash == hash && assembly_key_eq(&a->slots[i].key, k))
			return i;
	return NIL;
}

/* Unlink slot i from its bucket and the arrival list, free its text, put it on the free list. */
static void release(struct assembly *a, uint32_t i)
{
	struct slot *s = &a->slots[i];
	uint32_t *pp = &a->buckets[s->hash & (a->nbuckets - 1)];

	while (*pp != i)
		pp = &a->slots[*pp].bucket_next;
	*pp = s->bucket_next;
	if (s->older != NIL)
		a->slots[s->older].newer = s->newer;
	else
		a->oldest = s->newer;
	if (s->newer != NIL)
		a->slots[s->newer].older = s->older;
	else
		a->newest = s->older;
	a->bytes -= s->cap;
	if (s->cap == POOL_BUF_MAX && a->npool < POOL_BUFS)
		a->pool[a->npool++] = s->buf;
	else
		free(s->buf);
	memset(s, 0, sizeof(*s));
	s->bucket_next = a->free_head;
	a->free_head = i;
	a->stats.in_flight--;
}

void assembly_reset(struct assembly *a)
{
	/* only what is in flight: releasing it empties its bucket chain and frees its buffer */
	while (a->oldest != NIL)
		release(a, a->oldest);
	memset(a->done, 0, DONE_SLOTS * sizeof(*a->done));
	a->bytes = 0;
	a->newest_ms = 0;
	a->saw_eoe = a->have_time = false;
	a->memo.len = 0;
	memset(&a->stats, 0, sizeof(a->stats));
}

/* Room for need more bytes in s; its capacity never exceeds max_event_bytes (the callers keep
 * len + need within it), so the bytes in flight exceed max_bytes by at most one event. Most
 * events fit POOL_BUF_MAX: buffers of that size are kept for reuse, not freed. */
static bool reserve(struct assembly *a, struct slot *s, size_t need)
{
	size_t cap = s->cap ? s->cap : POOL_BUF_MAX;
	char *b;

	if (s->len + need <= s->cap)
		return true;
	if (s->cap == 0 && a->npool > 0 && need <= POOL_BUF_MAX &&
	    POOL_BUF_MAX <= a->lim.max_event_bytes) {
		b = a->pool[--a->npool];
		cap = POOL_BUF_MAX;
	} else {
		while (cap < s->len + need)
			cap *= 2;
		if (cap > a->lim.max_event_bytes)
			cap = a->lim.max_event_bytes;
		if (cap < s->len + need)
			return false;
		b = realloc(s->buf, cap);
		if (!b)
			return false;
	}
	a->bytes += cap - s->cap;
	s->buf = b;
	s->cap = cap;
	if (a->bytes > a->stats.high_water_bytes)
		a->stats.high_water_bytes = a->bytes;
	return true;
}

/* Hand slot i on, ending in an EOE record as the kernel writes it, and forget it. */
static void finish(struct assembly *a, uint32_t i, enum assembly_reason why)
{
	struct slot *s = &a->slots[i];
	struct assembly_event ev;

	/* the EOE copies the first record's header, which append() always keeps whole */
	if (s->len > 0 && s->len >= (size_t)s->stamp_off + s->stamp_len && s->stamp_off >= s->prefix_len &&
	    reserve(a, s, EOE_MAX)) {
		char *p = s->buf + s->len;

		memcpy(p, s->buf, s->prefix_len);
		p += s->prefix_len;
		memcpy(p, "type=EOE ", 9); /* NOLINT(bugprone-not-null-terminated-result): mid-record */
		p += 9;
		memcpy(p, s->buf + s->stamp_off, s->stamp_len);
		p += s->stamp_len;
		*p++ = '\n';
		s->len = (size_t)(p - s->buf);
		s->records++;
	}
	ev = (struct assembly_event){ s->buf, s->len, s->records, s->value, why, s->cut };
	done_add(a, &s->key, s->hash, false);
	a->stats.events_out++;
	a->stats.records_out += s->records;
	a->stats.by_reason[why]++;
	if (s->len > 0)
		a->emit(a->ctx, &ev);
	release(a, i);
}

static uint32_t new_slot(struct assembly *a, const struct assembly_header *h, uint64_t hash, long long now)
{
	uint32_t i;
	struct slot *s;

	if (a->free_head == NIL)
		finish(a, a->oldest, ASSEMBLY_EVICT_EVENTS);
	i = a->free_head;
	s = &a->slots[i];
	a->free_head = s->bucket_next;
	s->key = h->key;
	s->hash = hash;
	s->bucket_next = a->buckets[hash & (a->nbuckets - 1)];
	a->buckets[hash & (a->nbuckets - 1)] = i;
	s->older = a->newest;
	s->newer = NIL;
	if (a->newest != NIL)
		a->slots[a->newest].newer = i;
	else
		a->oldest = i;
	a->newest = i;
	s->last_wall = now;
	if (++a->stats.in_flight > a->stats.high_water_events)
		a->stats.high_water_events = a->stats.in_flight;
	return i;
}

/* Events older (in event time) than the window behind the newest record are handed on. The
 * arrival list is nearly in time order, so only its head is looked at. */
static void expire_window(struct assembly *a)
{
	while (a->oldest != NIL && assembly_key_ms(&a->slots[a->oldest].key) + a->lim.window_ms < a->newest_ms)
		finish(a, a->oldest, ASSEMBLY_WINDOW);
}

static void passthrough(struct assembly *a, const char *line, size_t len)
{
	struct assembly_event ev = { line, len, 1, ASSEMBLY_OTHER, ASSEMBLY_PASSTHROUGH, false };

	if (len == 0 || line[len - 1] != '\n') {
		if (a->scratch_cap < len + 1) {
			char *b = realloc(a->scratch, len + 1);

			if (!b)
				return;
			a->scratch = b;
			a->scratch_cap = len + 1;
		}
		memcpy(a->scratch, line, len);
		a->scratch[len] = '\n';
		ev.text = a->scratch;
		ev.len = len + 1;
	}
	a->stats.records_kept++;
	a->stats.events_out++;
	a->stats.records_out++;
	a->stats.by_reason[ASSEMBLY_PASSTHROUGH]++;
	a->emit(a->ctx, &ev);
}

/* Append a record to slot i without its ENRICHED suffix (uid and syscall names auditd
 * appends after 0x1d; libauparse would parse them as fields, elfwatch reads the raw
 * values), within max_event_bytes (with room for an EOE record). Later
 * EXECVE records (the bulk of a long command line) stop at 7/8 of it, so the CWD and PATH
 * records that follow them still fit. */
static void append(struct assembly *a, uint32_t i, const struct assembly_header *h, const char *line, size_t len)
{
	struct slot *s = &a->slots[i];
	size_t limit = a->lim.max_event_bytes - EOE_MAX;
	const char *enriched = memchr(line, ENRICHED_SEP, len);
	bool nl;

	/* auditd's suffix follows the header: a 0x1d inside it (a forged node name) would cut
	 * away the header the synthesised EOE copies; such a record is dropped and counted */
	if (enriched && enriched < line + h->stamp_off + h->stamp_len) {
		s->cut = true;
		a->stats.dropped_cut++;
		return;
	}
	if (enriched)           /* auditd's ENRICHED suffix: names elfwatch never reads */
		len = (size_t)(enriched - line);
	nl = len > 0 && line[len - 1] == '\n';

	if (assembly_header_is(h, "EXECVE") && s->len > 0)
		limit -= limit / 8;
	if (s->len + len + 1 > limit) {
		s->cut = true;
		a->stats.dropped_cut++;
		return;
	}
	if (!reserve(a, s, len + 1)) {
		s->cut = true;
		a->stats.dropped_cut++;
		return;
	}
	if (s->len == 0) {      /* the synthesised EOE copies this record's header */
		s->prefix_len = (unsigned short)h->prefix_len;
		s->stamp_off = (unsigned short)h->stamp_off;
		s->stamp_len = (unsigned short)h->stamp_len;
	}
	memcpy(s->buf + s->len, line, len);
	s->len += len;
	if (!nl)
		s->buf[s->len++] = '\n';
	s->records++;
	a->stats.records_kept++;
}

void assembly_add(struct assembly *a, const char *line, size_t len, long long now_ms)
{
	struct assembly_header h;
	uint64_t hash;
	uint32_t i;
	bool eoe, proctitle, syscall;

	a->stats.records_in++;
	if (len == 0 || (len == 1 && line[0] == '\n'))
		return;
	if (!assembly_header_parse(line, len, &h, &a->memo)) {
		passthrough(a, line, len);
		return;
	}
	eoe = assembly_header_is(&h, "EOE");
	proctitle = assembly_header_is(&h, "PROCTITLE");
	syscall = assembly_header_is(&h, "SYSCALL");
	if (eoe)
		a->saw_eoe = true;
	if (!syscall && !eoe && !proctitle && !prefilter_type_wanted(h.type, h.type_len)) {
		a->stats.dropped_type++;
		return;
	}
	hash = assembly_key_hash(&h.key);
	i = find(a, &h.key, hash);
	if (i == NIL) {
		const struct done *d = done_slot(a, hash);
		long long t = assembly_key_ms(&h.key);

		if (d->used && assembly_key_eq(&d->key, &h.key)) {
			if (d->dropped)
				a->stats.dropped_event++;
			else if (!eoe)     /* an EOE after its PROCTITLE ended the event: no loss */
				a->stats.dropped_late++;
			return;
		}
		if (eoe || proctitle) {     /* nothing of the event kept: nothing to end */
			a->stats.dropped_type++;
			return;
		}
		/* a new event far behind the newest: the clock went back, start the window again */
		if (!a->have_time || t > a->newest_ms || t + a->lim.window_ms < a->newest_ms)
			a->newest_ms = t;
		a->have_time = true;
		i = new_slot(a, &h, hash, now_ms);
	}
	if (syscall) {
		enum prefilter_class c = prefilter_syscall_class(a->pf, line, len);

		if (c == PREFILTER_DROP) {
			a->stats.dropped_event += a->slots[i].records + 1;
			a->stats.records_kept -= a->slots[i].records;
			done_add(a, &h.key, hash, true);
			release(a, i);
			return;
		}
		a->slots[i].value = c == PREFILTER_EXEC ? ASSEMBLY_EXEC :
				    c == PREFILTER_WRITE ? ASSEMBLY_WRITE : ASSEMBLY_OTHER;
	}
	a->slots[i].last_wall = now_ms;
	if (eoe) {
		finish(a, i, ASSEMBLY_EOE);
	} else if (proctitle) {
		a->stats.dropped_type++;    /* elfwatch never reads it */
		if (!a->saw_eoe)
			finish(a, i, ASSEMBLY_PROCTITLE);
	} else {
		append(a, i, &h, line, len);
		while (a->bytes > a->lim.max_bytes && a->oldest != NIL)
			finish(a, a->oldest, ASSEMBLY_EVICT_BYTES);
	}
	expire_window(a);
}

void assembly_expire_idle(struct assembly *a, long long now_ms, long long idle_ms)
{
	uint32_t i = a->oldest;

	while (i != NIL) {
		uint32_t next = a->slots[i].newer;

		if (a->slots[i].last_wall + idle_ms <= now_ms)
			finish(a, i, ASSEMBLY_IDLE);
		i = next;
	}
}

void assembly_flush(struct assembly *a)
{
	while (a->oldest != NIL)
		finish(a, a->oldest, ASSEMBLY_FLUSH);
}

void assembly_get_stats(const struct assembly *a, struct assembly_stats *ret)
{
	*ret = a->stats;
}
