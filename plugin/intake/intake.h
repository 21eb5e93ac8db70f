/* intake: gets audit text from a descriptor (auditd's pipe, or a log file) to libauparse
 * without ever making auditd wait. A reader thread only reads, splits lines, groups records
 * into whole events (assembly, which asks the prefilter per event) and queues each event
 * whole (linequeue, bounded: under overload events of no known value go first, and every drop
 * is counted by value). The calling thread is the worker: it hands each whole event to
 * on_event_text, which reads the common ones without libauparse, and feeds libauparse the
 * others, one whole event at a time, which calls back for each; it flushes at EOF. */
#ifndef ELFWATCH_INTAKE_H
#define ELFWATCH_INTAKE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <auparse.h>

#include "intake/assembly.h"
#include "intake/linequeue.h"
#include "intake/prefilter.h"

struct intake_hooks {
	volatile sig_atomic_t *stop;        /* set: return after flushing */
	volatile sig_atomic_t *reload;      /* set: on_reload is called between batches */
	void (*on_reload)(void *ctx);
	void (*on_tick)(void *ctx);         /* every few hundred ms, between batches; may be NULL */
	volatile sig_atomic_t *report;      /* set: intake logs its counters (on_tick clears it); may be NULL */
	/* one whole event (records, an EOE last) while libauparse holds nothing: true when
	 * handled without libauparse, false to have libauparse read it; may be NULL */
	bool (*on_event_text)(void *ctx, const char *text, size_t len);
	void *ctx;
};

struct intake_options {
	size_t queue_bytes;         /* capacity of the reader -> worker queue */
	bool block_when_full;       /* replay: wait for the worker instead of dropping */
	const char *const *syscalls;/* syscalls whose events are kept (prefilter) */
};

struct intake_stats {
	unsigned long long bytes, reads, oversize_lines;
	unsigned long ages;
	struct prefilter_stats filter;
	struct assembly_stats assembly;
	struct linequeue_stats queue;
};

/* Log the counters (reads, records kept and dropped by reason, events by completion reason,
 * queue drops by value). */
void intake_log_stats(const struct intake_stats *s);

/* Feed fd into au until EOF or *stop. Returns 0 at EOF, 1 when stopped, negative errno on a
 * read error or when the reader cannot start. Events are always flushed before returning. */
int intake_run(int fd, auparse_state_t *au, const struct intake_options *opts,
	       const struct intake_hooks *hooks, struct intake_stats *stats);

/* The end of the first event in [batch, batch + n) (whole lines): just after its first EOE
 * record line, or NULL when no line is one. Exposed for tests. */
const char *intake_event_end(const char *batch, size_t n);

/* How long the reader lets records gather after a small read, in us: what half the channel
 * (pipe_bytes) takes to fill at rate bytes/ms, at most INTAKE_GATHER_MAX_MS; after a quiet
 * spell at most INTAKE_PROBE_MS. Pure; exposed for tests. */
long intake_gather_us(size_t pipe_bytes, unsigned long long rate_bytes_per_ms, bool after_quiet);

/* True when a batch of whole lines ends with an EOE record (an event boundary: every event
 * handed on by assembly ends with one), or is empty. Exposed for tests. */
bool intake_batch_ends_event(const char *batch, size_t n);

#endif
