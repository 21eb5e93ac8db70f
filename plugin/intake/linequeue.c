#include "intake/linequeue.h"

#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct linequeue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	char *ring;
	size_t cap, head, used;     /* bytes [head, head+used) mod cap are queued */
	bool closed, block, defer;
	bool consumer_waiting, producer_waiting;    /* signal only someone who waits */
	struct linequeue_stats stats;
};

struct linequeue *linequeue_new(size_t capacity, bool block_when_full)
{
	struct linequeue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->ring = malloc(capacity ? capacity : 1);
	if (!q->ring) {
		free(q);
		return NULL;
	}
	q->cap = capacity;
	q->block = block_when_full;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return q;
}

void linequeue_free(struct linequeue *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->ring);
	free(q);
}

static void ring_write(struct linequeue *q, const char *src, size_t len)
{
	size_t tail = (q->head + q->used) % q->cap;
	size_t first = len < q->cap - tail ? len : q->cap - tail;

	memcpy(q->ring + tail, src, first);
	memcpy(q->ring, src + first, len - first);
	q->used += len;
}

bool linequeue_push(struct linequeue *q, const char *line, size_t len)
{
	if (len <= LINEQUEUE_MAX_LINE)     /* a block of one line, of no class, the whole queue */
		return linequeue_push_block(q, line, len, 1, q->cap, 0);
	pthread_mutex_lock(&q->lock);
	q->stats.lines_in++;
	q->stats.lines_dropped++;
	q->stats.bytes_dropped += len;
	pthread_mutex_unlock(&q->lock);
	return false;
}

bool linequeue_push_block(struct linequeue *q, const char *lines, size_t len, size_t n,
			  size_t limit, unsigned cls)
{
	bool queued = false, wake = false;

	if (limit > q->cap)
		limit = q->cap;
	pthread_mutex_lock(&q->lock);
	q->stats.lines_in += n;
	if (len <= q->cap) {
		while (q->block && !q->closed && q->cap - q->used < len) {
			if (q->consumer_waiting)
				pthread_cond_signal(&q->not_empty);
			q->producer_waiting = true;
			pthread_cond_wait(&q->not_full, &q->lock);
			q->producer_waiting = false;
		}
		if (!q->closed && (q->block ? q->cap - q->used >= len : q->used + len <= limit)) {
			ring_write(q, lines, len);
			if (q->used > q->stats.high_water)
				q->stats.high_water = q->used;
			queued = true;
			wake = q->consumer_waiting && !q->defer;
		}
	}
	if (!queued) {
		q->stats.lines_dropped += n;
		q->stats.bytes_dropped += len;
		q->stats.blocks_dropped[cls < LINEQUEUE_CLASSES ? cls : LINEQUEUE_CLASSES - 1]++;
	}
	pthread_mutex_unlock(&q->lock);
	if (wake)
		pthread_cond_signal(&q->not_empty);
	return queued;
}

void linequeue_close(struct linequeue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

void linequeue_defer_wakeups(struct linequeue *q, bool on)
{
	pthread_mutex_lock(&q->lock);
	q->defer = on;
	pthread_mutex_unlock(&q->lock);
}

/* The signals below come after the unlock: a consumer woken while the producer still held the
 * lock would wake only to wait for it (two more system calls and a switch per batch). A
 * waiter is registered with the condition before it releases the lock, so none is missed;
 * the queue is freed only after both threads are done with it. */
void linequeue_wake(struct linequeue *q)
{
	bool wake;

	pthread_mutex_lock(&q->lock);
	wake = q->consumer_waiting && q->used > 0;
	pthread_mutex_unlock(&q->lock);
	if (wake)
		pthread_cond_signal(&q->not_empty);
}

/* Length of the longest run of whole lines from head that fits cap (0 if the first line
 * does not end within cap bytes). */
static size_t whole_lines(const struct linequeue *q, size_t cap)
{
	size_t n = q->used < cap ? q->used : cap;
	size_t first = n < q->cap - q->head ? n : q->cap - q->head;
	const char *nl;

	if (n > first && (nl = memrchr(q->ring, '\n', n - first)) != NULL)
		return first + (size_t)(nl - q->ring) + 1;
	nl = memrchr(q->ring + q->head, '\n', first);
	return nl ? (size_t)(nl - (q->ring + q->head)) + 1 : 0;
}

long linequeue_pop(struct linequeue *q, char *buf, size_t cap, int timeout_ms)
{
	struct timespec deadline;
	size_t n, first;
	bool wake;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (q->used == 0 && !q->closed) {
		int r;

		q->consumer_waiting = true;
		r = pthread_cond_timedwait(&q->not_empty, &q->lock, &deadline);
		q->consumer_waiting = false;
		if (r == ETIMEDOUT)
			break;
	}
	if (q->used == 0) {
		long r = q->closed ? -1 : 0;
		pthread_mutex_unlock(&q->lock);
		return r;
	}
	n = whole_lines(q, cap);
	first = n < q->cap - q->head ? n : q->cap - q->head;
	memcpy(buf, q->ring + q->head, first);
	memcpy(buf + first, q->ring, n - first);
	q->head = (q->head + n) % q->cap;
	q->used -= n;
	wake = q->producer_waiting;
	pthread_mutex_unlock(&q->lock);
	if (wake)
		pthread_cond_signal(&q->not_full);
	return (long)n;
}

void linequeue_get_stats(struct linequeue *q, struct linequeue_stats *ret)
{
	pthread_mutex_lock(&q->lock);
	*ret = q->stats;
	ret->used = q->used;
	ret->capacity = q->cap;
	pthread_mutex_unlock(&q->lock);
}

size_t linequeue_capacity(const struct linequeue *q)
{
	return q->cap;
}
