/* linequeue: bounded, thread-safe FIFO of text lines between the stdin reader and the worker.
 * One producer, one consumer. Capacity is in bytes; a line that does not fit is dropped and
 * counted (or, for replay, the producer waits). Never allocates after creation. */
#ifndef ELFWATCH_LINEQUEUE_H
#define ELFWATCH_LINEQUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct linequeue;

/* Longest line accepted; pop buffers must be at least this large. Audit records are < 9 KiB. */
#define LINEQUEUE_MAX_LINE (64 * 1024)

#define LINEQUEUE_CLASSES 4

struct linequeue_stats {
	unsigned long long lines_in, lines_dropped, bytes_dropped;
	unsigned long long blocks_dropped[LINEQUEUE_CLASSES];  /* by the caller's class */
	size_t high_water;      /* most bytes ever queued */
	size_t used, capacity;  /* now */
};

/* A queue of capacity bytes (lines include their '\n'). block_when_full makes push wait for
 * room instead of dropping. NULL on allocation failure. */
struct linequeue *linequeue_new(size_t capacity, bool block_when_full);
void linequeue_free(struct linequeue *q);

/* Append one complete line (with its '\n'): linequeue_push_block of one line, class 0.
 * Returns true if queued, false if dropped or the queue was closed. Lines longer than the
 * capacity are always dropped. */
bool linequeue_push(struct linequeue *q, const char *line, size_t len);

/* Append a block of n complete lines (a whole event) all or nothing, under one lock: queued
 * only while the queue then holds at most limit bytes (limit <= capacity: a caller keeps room
 * for more valuable blocks), else dropped and counted under cls (< LINEQUEUE_CLASSES). With
 * block_when_full it waits for room instead, whatever limit. Returns true if queued. */
bool linequeue_push_block(struct linequeue *q, const char *lines, size_t len, size_t n,
			  size_t limit, unsigned cls);

/* Mark the end of input: the consumer drains what is queued, then pop returns -1. */
void linequeue_close(struct linequeue *q);

/* Copy whole lines, oldest first, into buf (at most cap bytes, at least one line if any is
 * queued; cap >= LINEQUEUE_MAX_LINE). Waits up to timeout_ms for data. Returns bytes copied, 0 on
 * timeout, -1 when closed and empty. */
long linequeue_pop(struct linequeue *q, char *buf, size_t cap, int timeout_ms);

/* Deferred wake-ups: while on, push and push_block do not wake a waiting consumer (a
 * producer that queues several events per read then wakes it once with linequeue_wake);
 * a producer about to wait for room still does. Off at creation. */
void linequeue_defer_wakeups(struct linequeue *q, bool on);

/* Wake a waiting consumer if anything is queued. */
void linequeue_wake(struct linequeue *q);

size_t linequeue_capacity(const struct linequeue *q);

void linequeue_get_stats(struct linequeue *q, struct linequeue_stats *ret);

#endif
