#include "intake/intake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sys/log.h"

#define INTAKE_READ_CHUNK (64 * 1024)
#define INTAKE_PIPE_BYTES (1024 * 1024) /* asked of the kernel for a pipe to us */
#define INTAKE_TICK_MS 250
/* After a small read, wait at most this long for more. A rate may jump within one pause:
 * auditd's queue to its plugins (q_depth, 2,000 by default) and the channel (~278 records)
 * then hold what comes, 2,278 records, 15 ms of 150,000 records a second (auditd alone
 * delivered 127,000 on 16 cores); a longer pause lets auditd drop events for every plugin. */
#define INTAKE_GATHER_MAX_MS 15
/* After a quiet spell (no read for INTAKE_QUIET_MS), the first pause is a probe of at most
 * INTAKE_PROBE_MS: the rate measured before says nothing of the burst that ended it. */
#define INTAKE_QUIET_MS 10
#define INTAKE_PROBE_MS 2
#define INTAKE_RATE_MS 100          /* the input rate is measured over this much time */
#define INTAKE_AGE_MS 1000
#define INTAKE_IDLE_MS ASSEMBLY_DEFAULT_WINDOW_MS  /* live: an event without news goes on */
#define INTAKE_DROP_REPORT_MS 10000
/* on stop, keep judging queued records this long: with the end's judging of followed files
 * (ENGINE_FINISH_MS) the plugin is gone within a second of auditd's SIGTERM */
#define INTAKE_DRAIN_MS 400
#define INTAKE_OTHER_SHARE 4        /* events of no known value use at most 3/4 of the queue */

struct reader {
	int fd;
	struct linequeue *q;
	struct assembly *as;
	volatile sig_atomic_t *stop;
	bool live;                  /* not a replay: idle events expire by wall clock */
	int error;                  /* -errno from read, 0 otherwise */
	unsigned long long bytes, reads, oversize;
	size_t pipe_bytes;          /* what auditd can write before it waits on us */
	long long now;              /* monotonic ms of the current read */
	/* a line split across reads */
	char *carry;
	size_t carry_len;
	bool skipping;              /* inside an oversize line: drop until its end */
	/* the assembly's counters, copied for the worker after each read */
	pthread_mutex_t snap_lock;
	struct assembly_stats snap;
	bool sock;                  /* fd is a socket (auditd's): it can be read without waiting */
};

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A whole event from the assembly stage. Under overload, events of known value (exec,
 * write) keep the last quarter of the queue for themselves; what is dropped is counted by
 * value (linequeue stats). */
static void reader_emit(void *arg, const struct assembly_event *ev)
{
	struct reader *r = arg;
	size_t cap = linequeue_capacity(r->q);
	size_t limit = ev->value == ASSEMBLY_OTHER ? cap - cap / INTAKE_OTHER_SHARE : cap;

	linequeue_push_block(r->q, ev->text, ev->len, ev->records, limit, ev->value);
}

/* Split buf into lines for the assembly stage; the tail waits in carry. */
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
				assembly_add(r->as, r->carry, r->carry_len, r->now);
				r->carry_len = 0;
			}
		} else {
			assembly_add(r->as, p, n, r->now);
		}
		p += n;
	}
}

static void reader_snapshot(struct reader *r)
{
	pthread_mutex_lock(&r->snap_lock);
	assembly_get_stats(r->as, &r->snap);
	pthread_mutex_unlock(&r->snap_lock);
}

/* auditd writes record by record: after a small read the reader lets records gather so a
 * busy host costs a wake-up per batch, not per record; but never so long that auditd could
 * fill its channel to us meanwhile (at 8 MB/s 64 KiB fill in 8 ms): the pause is what half
 * the channel takes at the measured rate, at most INTAKE_GATHER_MAX_MS, after a quiet spell
 * at most INTAKE_PROBE_MS. Half, not less: at 1,000 exec/s a quarter woke the reader 100
 * times a second and a wake-up costs about what the records it brings do; a rate that
 * doubles within one pause fills the channel, and auditd's own queue to its plugins holds
 * the rest. */
long intake_gather_us(size_t pipe_bytes, unsigned long long rate_bytes_per_ms, bool after_quiet)
{
	unsigned long long max = (after_quiet ? INTAKE_PROBE_MS : INTAKE_GATHER_MAX_MS) * 1000ULL;
	unsigned long long us;

	if (rate_bytes_per_ms == 0)
		return (long)max;
	us = (unsigned long long)pipe_bytes / 2 * 1000 / rate_bytes_per_ms;
	return (long)(us > max ? max : us);
}

/* The events a read completed reach the worker with one wake-up (linequeue_wake), not one
 * per event; after a read, auditd's socket is read again without a poll first (there is
 * most often more by then): the reader's system calls per batch are what its CPU goes to
 * on a busy host, each one also through the kernel's audit filter. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	static char buf[INTAKE_READ_CHUNK];
	unsigned long long rate = 0, window_bytes = 0;
	long long window_start = monotonic_ms(), last_idle = window_start, last_read = window_start;
	long long waiting_since = window_start;    /* since the last read and its pause */
	bool more = false;          /* data likely waiting: skip the poll */

	linequeue_defer_wakeups(r->q, true);
	while (!*r->stop) {
		struct pollfd pfd = { r->fd, POLLIN, 0 };
		ssize_t n;

		r->now = monotonic_ms();
		if (r->live && r->now - last_idle >= INTAKE_AGE_MS) {
			assembly_expire_idle(r->as, r->now, INTAKE_IDLE_MS);
			linequeue_wake(r->q);
			last_idle = r->now;
		}
		if (more) {
			more = false;
			n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		} else {
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
		}
		if (n > 0) {
			r->now = monotonic_ms();
			r->bytes += (unsigned long long)n;
			r->reads++;
			reader_take(r, buf, (size_t)n);
			linequeue_wake(r->q);
			reader_snapshot(r);
			more = r->sock;
			window_bytes += (unsigned long long)n;
			if (r->now - window_start >= INTAKE_RATE_MS) {
				rate = window_bytes / (unsigned long long)(r->now - window_start);
				window_bytes = 0;
				window_start = r->now;
			}
			if ((size_t)n < sizeof(buf) / 4 && !*r->stop) {
				/* a burst after a quiet spell: this read's own rate counts at once */
				unsigned long long now_rate = (unsigned long long)n /
					(unsigned long long)(r->now > last_read ? r->now - last_read : 1);

				nanosleep(&(struct timespec){ 0, intake_gather_us(r->pipe_bytes,
					now_rate > rate ? now_rate : rate,
					r->now - waiting_since >= INTAKE_QUIET_MS) * 1000L }, NULL);
				waiting_since = monotonic_ms();
			} else {
				waiting_since = r->now;
			}
			last_read = r->now;
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
		assembly_add(r->as, r->carry, r->carry_len, r->now);
	}
	assembly_flush(r->as);
	reader_snapshot(r);
	linequeue_close(r->q);
	return NULL;
}

/* What the writer can put in before it waits on us. auditd (3.x, 4.x) writes through a
 * socket pair whose buffer is its own, so 64 KiB is assumed; a pipe (a wrapper, a shell) is
 * grown to ride out a slow moment of the worker (its default 64 KiB is 8 ms of a busy host).
 * Best effort; the size we got is kept. */
static size_t grow_pipe(int fd)
{
	struct stat st;
	int got;

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 64 * 1024;
	got = fcntl(fd, F_GETPIPE_SZ);
	if (got < INTAKE_PIPE_BYTES && fcntl(fd, F_SETPIPE_SZ, INTAKE_PIPE_BYTES) >= 0)
		got = fcntl(fd, F_GETPIPE_SZ);
	log_debug("input pipe holds %d bytes", got);
	return got > 0 ? (size_t)got : 64 * 1024;
}

bool intake_batch_ends_event(const char *batch, size_t n)
{
	const char *end = batch + n, *line;

	if (n == 0 || end[-1] != '\n')
		return n == 0;
	line = n > 1 ? memrchr(batch, '\n', n - 1) : NULL;
	line = line ? line + 1 : batch;
	return (size_t)(end - line) >= 8 && memcmp(line, "type=EOE", 8) == 0;
}

/* Is [line, end) an EOE record ([node=N ]type=EOE ...)? */
static bool is_eoe(const char *line, const char *end)
{
	if (end - line > 5 && memcmp(line, "node=", 5) == 0) {
		const char *sp = memchr(line, ' ', (size_t)(end - line));

		if (!sp)
			return false;
		line = sp + 1;
	}
	return end - line >= 8 && memcmp(line, "type=EOE", 8) == 0 &&
	       (end - line == 8 || line[8] == ' ' || line[8] == '\n');
}

const char *intake_event_end(const char *batch, size_t n)
{
	const char *p = batch, *end = batch + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		nl = nl ? nl + 1 : end;
		if (is_eoe(p, nl))
			return nl;
		p = nl;
	}
	return NULL;
}

/* Judge a batch of whole lines: each whole event through hooks->on_event_text while
 * libauparse holds nothing (it must see the rest of any event it began), else libauparse,
 * which delivers an event at the feed call after its EOE: every event is judged in order.
 * Returns the length of the batch's last, incomplete event when it is left for the caller
 * to hand back with the next batch (its rest is queued: events are queued whole), 0 when
 * libauparse took all. */
/* Does libauparse hold part of an event? *fed says whether it was fed since it last held
 * nothing: events read from text never reach it, and then it is not asked per event. */
static bool au_holds(auparse_state_t *au, bool *fed)
{
	if (*fed && !auparse_feed_has_data(au))
		*fed = false;
	return *fed;
}

static void au_feed(auparse_state_t *au, bool *fed, const char *p, size_t n)
{
	*fed = true;
	auparse_feed(au, p, n);
	auparse_feed(au, "", 0);
}

static size_t worker_take(auparse_state_t *au, bool *fed, const struct intake_hooks *hooks,
			  const char *batch, size_t n)
{
	const char *p = batch, *end = batch + n, *ev_end;

	if (!hooks->on_event_text) {
		au_feed(au, fed, batch, n);
		return 0;
	}
	while (p < end && (ev_end = intake_event_end(p, (size_t)(end - p))) != NULL) {
		if (au_holds(au, fed) || !hooks->on_event_text(hooks->ctx, p, (size_t)(ev_end - p)))
			au_feed(au, fed, p, (size_t)(ev_end - p));
		p = ev_end;
	}
	if (p == end)
		return 0;
	if ((size_t)(end - p) <= LINEQUEUE_MAX_LINE && !au_holds(au, fed))
		return (size_t)(end - p);
	au_feed(au, fed, p, (size_t)(end - p));
	return 0;
}

static void report_drops(const struct linequeue_stats *now, unsigned long long *reported)
{
	if (now->lines_dropped == *reported)
		return;
	log_warn("queue full: dropped %llu audit records (%llu in total, %llu bytes; events dropped: "
		 "%llu exec, %llu write, %llu other); the worker cannot keep up: raise queue_size or "
		 "reduce the rules' event rate", now->lines_dropped - *reported, now->lines_dropped,
		 now->bytes_dropped, now->blocks_dropped[ASSEMBLY_EXEC],
		 now->blocks_dropped[ASSEMBLY_WRITE], now->blocks_dropped[ASSEMBLY_OTHER]);
	*reported = now->lines_dropped;
}

void intake_log_stats(const struct intake_stats *s)
{
	const struct assembly_stats *a = &s->assembly;

	log_info("intake: %llu bytes in %llu reads; records %llu, kept %llu, dropped by type %llu, "
		 "with dropped events %llu (dropped by syscall %llu), late %llu, past the event size "
		 "limit %llu; %llu oversize lines", s->bytes, s->reads, a->records_in, a->records_kept,
		 a->dropped_type, a->dropped_event, s->filter.dropped_syscall, a->dropped_late,
		 a->dropped_cut, s->oversize_lines);
	log_info("assembly: %llu events handed on (%llu at EOE, %llu at PROCTITLE, %llu by time "
		 "window, %llu evicted for count, %llu for bytes, %llu idle, %llu at end, %llu lines "
		 "without event stamp); in flight %zu, high water %zu events, %zu bytes",
		 a->events_out, a->by_reason[ASSEMBLY_EOE], a->by_reason[ASSEMBLY_PROCTITLE],
		 a->by_reason[ASSEMBLY_WINDOW], a->by_reason[ASSEMBLY_EVICT_EVENTS],
		 a->by_reason[ASSEMBLY_EVICT_BYTES], a->by_reason[ASSEMBLY_IDLE],
		 a->by_reason[ASSEMBLY_FLUSH], a->by_reason[ASSEMBLY_PASSTHROUGH], a->in_flight,
		 a->high_water_events, a->high_water_bytes);
	log_info("queue: %zu of %zu bytes used, high water %zu; dropped %llu records, %llu bytes; "
		 "events dropped: %llu exec, %llu write, %llu other (no SYSCALL record or unparsed, "
		 "shed first)", s->queue.used, s->queue.capacity, s->queue.high_water,
		 s->queue.lines_dropped, s->queue.bytes_dropped, s->queue.blocks_dropped[ASSEMBLY_EXEC],
		 s->queue.blocks_dropped[ASSEMBLY_WRITE], s->queue.blocks_dropped[ASSEMBLY_OTHER]);
}

static void collect(struct reader *r, struct intake_stats *stats)
{
	pthread_mutex_lock(&r->snap_lock);
	stats->assembly = r->snap;
	pthread_mutex_unlock(&r->snap_lock);
	linequeue_get_stats(r->q, &stats->queue);
}

int intake_run(int fd, auparse_state_t *au, const struct intake_options *opts,
	       const struct intake_hooks *hooks, struct intake_stats *stats)
{
	struct reader r = { .fd = fd, .stop = hooks->stop, .live = !opts->block_when_full };
	long long last_age = monotonic_ms(), last_report = last_age;
	bool mid_event = false, au_fed = true;
	unsigned long long reported_drops = 0;
	size_t held = 0;        /* an incomplete event at the start of batch */
	struct prefilter *pf;
	sigset_t all, old;
	pthread_t tid;
	char *batch;
	int result = 0;

	pthread_mutex_init(&r.snap_lock, NULL);
	r.q = linequeue_new(opts->queue_bytes, opts->block_when_full);
	pf = prefilter_new(opts->syscalls);
	r.as = pf ? assembly_new(&(struct assembly_limits){
		ASSEMBLY_DEFAULT_EVENTS,
		opts->queue_bytes / 2 < ASSEMBLY_DEFAULT_EVENT_BYTES ? opts->queue_bytes / 2 :
								       ASSEMBLY_DEFAULT_EVENT_BYTES,
		ASSEMBLY_DEFAULT_BYTES, ASSEMBLY_DEFAULT_WINDOW_MS }, pf, reader_emit, &r) : NULL;
	r.carry = malloc(LINEQUEUE_MAX_LINE + 1);
	batch = malloc(2 * LINEQUEUE_MAX_LINE);    /* a held event's start, then a pop */
	if (!r.q || !pf || !r.as || !r.carry || !batch) {
		result = -ENOMEM;
		goto out;
	}
	r.pipe_bytes = grow_pipe(fd);
	{
		struct stat st;

		r.sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
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
		if (hooks->report && *hooks->report) {
			collect(&r, stats);
			stats->bytes = r.bytes;     /* racy reads of two counters: a report only */
			stats->reads = r.reads;
			intake_log_stats(stats);
		}
		n = linequeue_pop(r.q, batch + held, LINEQUEUE_MAX_LINE, INTAKE_TICK_MS);
		if (n < 0)
			break;
		if (n > 0) {
			size_t len = held + (size_t)n;

			held = worker_take(au, &au_fed, hooks, batch, len);
			mid_event = held > 0 || !intake_batch_ends_event(batch, len);
			memmove(batch, batch + len - held, held);
		}
		if (hooks->on_tick)
			hooks->on_tick(hooks->ctx);
		long long now = monotonic_ms();
		/* Events arrive whole and end in EOE (assembly); a pop may still end inside one.
		 * Ageing then would cut it in two (its stamp is old in replay), so age only at an
		 * event boundary: what auparse holds there is what assembly could not complete. */
		if (!mid_event && now - last_age >= INTAKE_AGE_MS) {
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
	/* stop: the reader hands on its events in flight and closes the queue; judge what is
	 * queued (bounded in time), then flush */
	if (held > 0)
		auparse_feed(au, batch, held);
	for (long long deadline = monotonic_ms() + INTAKE_DRAIN_MS; monotonic_ms() < deadline;) {
		long n = linequeue_pop(r.q, batch, LINEQUEUE_MAX_LINE, 50);

		if (n < 0)
			break;
		if (n > 0)
			auparse_feed(au, batch, (size_t)n);
	}
	linequeue_close(r.q);
	pthread_join(tid, NULL);
	linequeue_get_stats(r.q, &stats->queue);
	if (stats->queue.used > 0)
		log_warn("stopping: %zu bytes of queued audit records not judged (no time left to "
			 "drain them)", stats->queue.used);
	auparse_flush_feed(au);
	if (r.error < 0 && result == 0)
		result = r.error;
	collect(&r, stats);
	report_drops(&stats->queue, &reported_drops);
	prefilter_get_stats(pf, &stats->filter);
	stats->bytes = r.bytes;
	stats->reads = r.reads;
	stats->oversize_lines = r.oversize;
out:
	free(batch);
	free(r.carry);
	assembly_free(r.as);
	prefilter_free(pf);
	linequeue_free(r.q);
	pthread_mutex_destroy(&r.snap_lock);
	return result;
}
