/* assembly: groups the records of each audit event before libauparse sees them. On a many-core
 * host the records of hundreds of events interleave in the stream, and libauparse's cost per
 * record grows with the events it holds in flight; here records are keyed by (node, time,
 * serial) in a hash table and an event is handed on, whole and contiguous, once complete:
 *   - at its EOE record (the plugin stream);
 *   - in streams without EOE (audit.log, ausearch --raw), at its PROCTITLE record, which the
 *     kernel writes last; until an EOE has been seen, PROCTITLE ends an event;
 *   - when its time window has passed (event time of newer records), at capacity (events in
 *     flight, total bytes: the oldest goes first), after being idle (live only), or at EOF.
 * The early filter (prefilter) decides per event from its SYSCALL record: a dropped event's
 * records are discarded, including later ones (its key is remembered). Every handed-on event
 * ends with an EOE record, written here as the kernel writes it (the stream's own, possibly
 * absent or cut, is not kept), so libauparse completes it at once. Records elfwatch never reads (PROCTITLE, other types) are not kept. Pure: no clock, no
 * I/O, no globals; bounded memory. */
#ifndef ELFWATCH_ASSEMBLY_H
#define ELFWATCH_ASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>

#include "intake/prefilter.h"

/* Why an event was handed on. */
enum assembly_reason {
	ASSEMBLY_EOE,           /* its EOE record */
	ASSEMBLY_PROCTITLE,     /* its last record in a stream without EOE */
	ASSEMBLY_WINDOW,        /* newer events are window_ms of event time later */
	ASSEMBLY_EVICT_EVENTS,  /* too many events in flight: the oldest went early */
	ASSEMBLY_EVICT_BYTES,   /* too many bytes in flight: the oldest went early */
	ASSEMBLY_IDLE,          /* no record for it in idle_ms of wall time (live) */
	ASSEMBLY_FLUSH,         /* end of input */
	ASSEMBLY_PASSTHROUGH,   /* a line without an event stamp: handed on alone, unchanged */
	ASSEMBLY_REASON_COUNT
};
extern const char *const assembly_reason_names[ASSEMBLY_REASON_COUNT];

/* What the event is worth, from its SYSCALL record (prefilter's classes). */
enum assembly_value {
	ASSEMBLY_OTHER,         /* no SYSCALL record seen, or a line libauparse must judge */
	ASSEMBLY_EXEC,
	ASSEMBLY_WRITE,
	ASSEMBLY_VALUE_COUNT
};
extern const char *const assembly_value_names[ASSEMBLY_VALUE_COUNT];

struct assembly_event {
	const char *text;       /* whole records, each ending in '\n'; the last is an EOE */
	size_t len;
	unsigned records;       /* records in text, the EOE included */
	enum assembly_value value;
	enum assembly_reason reason;
	bool cut;               /* records were left out: it exceeded max_event_bytes */
};

typedef void (*assembly_emit_fn)(void *ctx, const struct assembly_event *ev);

struct assembly_limits {
	size_t max_events;      /* events in flight */
	size_t max_event_bytes; /* one event's text; EXECVE records stop earlier (see .c) */
	size_t max_bytes;       /* all events in flight */
	long long window_ms;    /* event time after which an incomplete event is handed on */
};

struct assembly_stats {
	unsigned long long records_in, records_kept, events_out, records_out;
	unsigned long long dropped_type;        /* records of types elfwatch never reads */
	unsigned long long dropped_event;       /* records of events the prefilter dropped */
	unsigned long long dropped_late;        /* records for an event already handed on */
	unsigned long long dropped_cut;         /* records past max_event_bytes */
	unsigned long long by_reason[ASSEMBLY_REASON_COUNT];
	size_t in_flight, high_water_events, high_water_bytes;
};

struct assembly;

/* limits NULL: the defaults below. emit is called for every handed-on event, from within
 * assembly_add/_expire/_flush; its text is valid only during the call. NULL on ENOMEM. */
struct assembly *assembly_new(const struct assembly_limits *limits, struct prefilter *pf,
			      assembly_emit_fn emit, void *ctx);
void assembly_free(struct assembly *a);

/* Back to the state assembly_new left (free slots may be reused in another order): events in
 * flight dropped unseen, handed-on ones forgotten, counters zeroed; the tables stay allocated
 * (a caller with many independent streams: the fuzz target). */
void assembly_reset(struct assembly *a);

#define ASSEMBLY_DEFAULT_EVENTS 4096
#define ASSEMBLY_DEFAULT_EVENT_BYTES (256 * 1024)
#define ASSEMBLY_DEFAULT_BYTES (4 * 1024 * 1024)
#define ASSEMBLY_DEFAULT_WINDOW_MS 10000

/* One record line (with or without its '\n'); now_ms is the caller's monotonic clock, used
 * only by assembly_expire_idle. */
void assembly_add(struct assembly *a, const char *line, size_t len, long long now_ms);

/* Hand on events that received no record since now_ms - idle_ms. For live input only: in a
 * replay the reader may simply have waited for the worker. */
void assembly_expire_idle(struct assembly *a, long long now_ms, long long idle_ms);

/* Hand on every event in flight, oldest first (end of input). */
void assembly_flush(struct assembly *a);

void assembly_get_stats(const struct assembly *a, struct assembly_stats *ret);

#endif
