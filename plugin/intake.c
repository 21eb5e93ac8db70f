#include "intake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define INTAKE_READ_CHUNK (64 * 1024)
#define INTAKE_TICK_MS 250
#define INTAKE_GATHER_MS 10         /* after a small read, wait this long for more */
#define INTAKE_AGE_MS 1000
#define INTAKE_DROP_REPORT_MS 10000
#define INTAKE_DRAIN_MS 1000        /* on stop, keep judging queued records this long */

struct reader {
	int fd;
	struct linequeue *q;
	struct prefilter *pf;
	volatile sig_atomic_t *stop;
	int error;                  /* -errno from read, 0 otherwise */
	unsigned long long bytes, reads, oversize;
	/* a line split across reads */
	char *carry;
	size_t carry_len;
	/* kept lines of the current read, queued together */
	const char *run;
	size_t run_len;
	bool skipping;              /* inside an oversize line: drop until its end */
};

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Queue the run of kept lines gathered so far (they sit contiguous in the read buffer). */
static void reader_flush(struct reader *r)
{
	if (r->run_len) {
		linequeue_push_lines(r->q, r->run, r->run_len);
		r->run_len = 0;
	}
}

/* Kept lines next to each other in the read buffer are queued together, without a copy of
 * their own; a line rebuilt from two reads (carry) goes alone. */
static void reader_line(struct reader *r, const char *line, size_t len, bool in_buffer)
{
	if (!prefilter_keep(r->pf, line, len)) {
		reader_flush(r);
		return;
	}
	if (in_buffer && r->run_len && r->run + r->run_len == line) {
		r->run_len += len;
		return;
	}
	reader_flush(r);
	if (in_buffer) {
		r->run = line;
		r->run_len = len;
	} else {
		linequeue_push_lines(r->q, line, len);
	}
}

/* Split buf into lines; whole ones go to the queue, the tail waits in carry. */
static void reader_take(struct reader *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (r->skipping) {
			if (nl)
				r->skipping = false;
		} else if (r->carry_len + n > LINEQUEUE_MAX_LINE) {
			r->oversize++;
			r->carry_len = 0;
			r->skipping = nl == NULL;
		} else if (r->carry_len > 0 || !nl) {
			memcpy(r->carry + r->carry_len, p, n);
			r->carry_len += n;
			if (nl) {
				reader_line(r, r->carry, r->carry_len, false);
				r->carry_len = 0;
			}
		} else {
			reader_line(r, p, n, true);
		}
		p += n;
	}
	reader_flush(r);    /* buf is reused by the next read */
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	static char buf[INTAKE_READ_CHUNK];

	while (!*r->stop) {
		struct pollfd pfd = { r->fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, INTAKE_TICK_MS) < 0 && errno != EINTR) {
			r->error = -errno;
			break;
		}
		if (pfd.revents & POLLNVAL) {
			r->error = -EBADF;  /* no stdin at all: stop rather than spin */
			break;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(r->fd, buf, sizeof(buf));
		if (n > 0) {
			r->bytes += (unsigned long long)n;
			r->reads++;
			reader_take(r, buf, (size_t)n);
			/* auditd writes record by record: after a small read, let a few
			 * milliseconds of records gather so a busy host costs each thread a
			 * wake-up per batch, not per record (bursts fill the buffer: no pause) */
			if ((size_t)n < sizeof(buf) / 4 && !*r->stop)
				nanosleep(&(struct timespec){ 0, INTAKE_GATHER_MS * 1000000L }, NULL);
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		r->error = -errno;
		break;
	}
	if (r->carry_len > 0 && !r->skipping && r->carry_len < LINEQUEUE_MAX_LINE) {
		r->carry[r->carry_len++] = '\n';
		reader_line(r, r->carry, r->carry_len, false);
	}
	linequeue_close(r->q);
	return NULL;
}

static void report_drops(const struct linequeue_stats *now, unsigned long long *reported)
{
	if (now->lines_dropped == *reported)
		return;
	log_warn("queue full: dropped %llu audit records (%llu in total, %llu bytes); the worker "
		 "cannot keep up: raise queue_size or reduce the rules' event rate",
		 now->lines_dropped - *reported, now->lines_dropped, now->bytes_dropped);
	*reported = now->lines_dropped;
}

int intake_run(int fd, auparse_state_t *au, const struct intake_options *opts,
	       const struct intake_hooks *hooks, struct intake_stats *stats)
{
	struct reader r = { .fd = fd, .stop = hooks->stop };
	long long last_age = monotonic_ms(), last_report = last_age;
	unsigned long long reported_drops = 0;
	sigset_t all, old;
	pthread_t tid;
	char *batch;
	int result = 0;

	r.q = linequeue_new(opts->queue_bytes, opts->block_when_full);
	r.pf = prefilter_new(opts->syscalls);
	r.carry = malloc(LINEQUEUE_MAX_LINE + 1);
	batch = malloc(LINEQUEUE_MAX_LINE);
	if (!r.q || !r.pf || !r.carry || !batch) {
		result = -ENOMEM;
		goto out;
	}
	/* signals are for the worker (this thread) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	result = -pthread_create(&tid, NULL, reader_main, &r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (result < 0)
		goto out;

	for (;;) {
		long n;

		if (*hooks->stop) {
			result = 1;
			break;
		}
		if (hooks->reload && *hooks->reload) {
			*hooks->reload = 0;
			hooks->on_reload(hooks->ctx);
		}
		n = linequeue_pop(r.q, batch, LINEQUEUE_MAX_LINE, INTAKE_TICK_MS);
		if (n < 0)
			break;
		if (n > 0) {
			auparse_feed(au, batch, (size_t)n);
			/* deliver events completed by this batch's last record now (auparse
			 * holds them until the next feed call) */
			auparse_feed(au, "", 0);
		}
		if (hooks->on_tick)
			hooks->on_tick(hooks->ctx);
		long long now = monotonic_ms();
		if (now - last_age >= INTAKE_AGE_MS) {
			auparse_feed_age_events(au);
			last_age = now;
			stats->ages++;
		}
		if (now - last_report >= INTAKE_DROP_REPORT_MS) {
			linequeue_get_stats(r.q, &stats->queue);
			report_drops(&stats->queue, &reported_drops);
			last_report = now;
		}
	}
	/* stop: no more input; judge what is queued already (bounded in time), then flush */
	linequeue_close(r.q);
	pthread_join(tid, NULL);
	for (long long deadline = monotonic_ms() + INTAKE_DRAIN_MS; monotonic_ms() < deadline;) {
		long n = linequeue_pop(r.q, batch, LINEQUEUE_MAX_LINE, 0);

		if (n <= 0)
			break;
		auparse_feed(au, batch, (size_t)n);
	}
	auparse_flush_feed(au);
	if (r.error < 0 && result == 0)
		result = r.error;
	linequeue_get_stats(r.q, &stats->queue);
	report_drops(&stats->queue, &reported_drops);
	prefilter_get_stats(r.pf, &stats->filter);
	stats->bytes = r.bytes;
	stats->reads = r.reads;
	stats->oversize_lines = r.oversize;
out:
	free(batch);
	free(r.carry);
	prefilter_free(r.pf);
	linequeue_free(r.q);
	return result;
}
