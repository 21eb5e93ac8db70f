/* Intake: the record prefilter, the bounded line queue, and the reader/worker loop end to end
 * through a pipe (ordering, out-of-order records, EOF flush, overflow accounting). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intake/intake.h"
#include "intake/linequeue.h"
#include "intake/prefilter.h"
#include "model/record.h"
#include "tap.h"

static const char *const exec_syscalls[] = { "execve", "execveat", NULL };

#define EXEC_SYSCALL(serial) \
	"type=SYSCALL msg=audit(1700000000.100:" #serial "): arch=c000003e syscall=59 success=yes " \
	"exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=" #serial " auid=0 uid=0 gid=0 euid=0 " \
	"suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"true\" exe=\"/usr/bin/true\" key=(null)\n"
#define OPEN_SYSCALL(serial) \
	"type=SYSCALL msg=audit(1700000000.100:" #serial "): arch=c000003e syscall=257 success=yes " \
	"exit=3 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=9 auid=0 uid=0 gid=0 euid=0 suid=0 " \
	"fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)\n"
#define EXECVE(serial) "type=EXECVE msg=audit(1700000000.100:" #serial "): argc=1 a0=\"true\"\n"
#define CWD(serial) "type=CWD msg=audit(1700000000.100:" #serial "): cwd=\"/\"\n"
#define PATH0(serial) "type=PATH msg=audit(1700000000.100:" #serial "): item=0 name=\"/usr/bin/true\" " \
	"inode=5 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 " \
	"cap_fe=0 cap_fver=0 cap_frootid=0\n"
#define PROCTITLE(serial) "type=PROCTITLE msg=audit(1700000000.100:" #serial "): proctitle=74727565\n"
#define EOE(serial) "type=EOE msg=audit(1700000000.100:" #serial "): \n"

static bool keep(struct prefilter *pf, const char *line)
{
	return prefilter_keep(pf, line, strlen(line));
}

static void test_prefilter(void)
{
	struct prefilter *pf = prefilter_new(exec_syscalls);
	struct prefilter_stats st;

	tap_ok(keep(pf, EXEC_SYSCALL(10)), "execve SYSCALL kept");
	tap_ok(keep(pf, PATH0(10)) && keep(pf, EOE(10)), "its PATH and EOE kept");
	tap_ok(!keep(pf, OPEN_SYSCALL(11)), "openat SYSCALL dropped");
	tap_ok(!keep(pf, PATH0(11)) && !keep(pf, CWD(11)) && !keep(pf, PROCTITLE(11)) &&
	       !keep(pf, EOE(11)), "records of the dropped event dropped too");
	tap_ok(keep(pf, PATH0(12)), "PATH before its SYSCALL is kept (out of order)");
	tap_ok(!keep(pf, "type=USER_LOGIN msg=audit(1700000000.100:13): pid=1 uid=0 msg='x'\n"),
	       "non-syscall record type dropped");
	tap_ok(!keep(pf, "type=BPRM_FCAPS msg=audit(1700000000.100:10): fver=0\n"),
	       "record type elfwatch never reads dropped");
	tap_ok(keep(pf, "node=web1 " EXEC_SYSCALL(14)), "node= prefix understood");
	tap_ok(keep(pf, "garbage without structure\n"), "unparsable line passed to libauparse");
	tap_ok(keep(pf, "type=SYSCALL msg=audit(1700000000.100:15): arch=40000003 syscall=11 "
			"success=yes exit=0\n"), "i386 execve kept");
	tap_ok(!keep(pf, "type=SYSCALL msg=audit(1700000000.100:16): arch=40000003 syscall=5 "
			 "success=yes exit=0\n"), "i386 open dropped");
	tap_ok(keep(pf, "type=SYSCALL msg=audit(1700000000.100:17): arch=c000003e syscall=322 "
			"success=yes exit=0\n"), "execveat kept");
	prefilter_get_stats(pf, &st);
	tap_is_int(st.dropped_syscall, 2, "two events dropped by syscall");
	tap_is_int(st.dropped_same_event, 4, "four records dropped with their event");
	prefilter_free(pf);

	/* serials are unique per node and per boot only: an aggregating auditd forwards several
	 * nodes' events, and a dropped event must not take another node's exec records with it */
	pf = prefilter_new(exec_syscalls);
	tap_ok(!keep(pf, "node=a " OPEN_SYSCALL(20)), "node a: openat SYSCALL dropped");
	tap_ok(keep(pf, "node=b " EXEC_SYSCALL(20)), "node b: execve SYSCALL, same serial, kept");
	tap_ok(keep(pf, "node=b " EXECVE(20)) && keep(pf, "node=b " PATH0(20)) &&
	       keep(pf, "node=b " CWD(20)), "node b: its records kept");
	tap_ok(!keep(pf, "node=a " PATH0(20)), "node a: records of its dropped event still dropped");
	tap_ok(!keep(pf, OPEN_SYSCALL(21)), "openat SYSCALL dropped");
	tap_ok(keep(pf, "type=EXECVE msg=audit(1700000099.100:21): argc=1 a0=\"true\"\n"),
	       "same serial at another time (the node rebooted) is another event: kept");
	prefilter_free(pf);

	/* fchmodat2 (452; libaudit 3.0.9 has no name for it): kept when a2, its mode, adds an
	 * exec bit, as for fchmodat */
	pf = prefilter_new(rec_syscall_names);
	tap_ok(keep(pf, "type=SYSCALL msg=audit(1700000000.100:30): arch=c000003e syscall=452 "
			"success=yes exit=0 a0=ffffff9c a1=7ffc0000 a2=1ed a3=0\n"), "fchmodat2 0755 kept");
	tap_ok(!keep(pf, "type=SYSCALL msg=audit(1700000000.100:31): arch=c000003e syscall=452 "
			 "success=yes exit=0 a0=ffffff9c a1=7ffc0049 a2=1a4 a3=0\n"), "fchmodat2 0644 dropped");
	tap_ok(keep(pf, "type=SYSCALL msg=audit(1700000000.100:32): arch=40000003 syscall=452 "
			"success=yes exit=0 a0=ffffff9c a1=ffc0000 a2=49 a3=0\n"), "i386 fchmodat2 0111 kept");
	prefilter_free(pf);
}

static void test_queue(void)
{
	struct linequeue *q = linequeue_new(64, false);
	struct linequeue_stats st;
	static char buf[LINEQUEUE_MAX_LINE];
	long n;

	tap_ok(linequeue_push(q, "first\n", 6) && linequeue_push(q, "second\n", 7), "push two lines");
	tap_ok(linequeue_push(q, "01234567890123456789012345678901234567890123456789012\n", 54) == false,
	       "a line that does not fit is dropped");
	tap_ok(linequeue_push(q, "third\n", 6), "a smaller one still fits");
	n = linequeue_pop(q, buf, sizeof(buf), 10);
	tap_ok(n == 19 && memcmp(buf, "first\nsecond\nthird\n", 19) == 0, "pop returns lines in order");
	/* wrap around the ring */
	for (int i = 0; i < 20; i++) {
		char line[16];
		int len = snprintf(line, sizeof(line), "line-%02d\n", i);
		linequeue_push(q, line, (size_t)len);
		n = linequeue_pop(q, buf, sizeof(buf), 10);
		if (n != len || memcmp(buf, line, (size_t)len) != 0)
			break;
		if (i == 19)
			tap_ok(1, "lines survive wrapping around the ring");
	}
	n = linequeue_pop(q, buf, sizeof(buf), 10);
	tap_is_int(n, 0, "empty queue times out with 0");
	linequeue_push(q, "last\n", 5);
	linequeue_close(q);
	n = linequeue_pop(q, buf, sizeof(buf), 10);
	tap_is_int(n, 5, "closed queue drains first");
	tap_is_int(linequeue_pop(q, buf, sizeof(buf), 10), -1, "then reports the end");
	tap_ok(!linequeue_push(q, "late\n", 5), "push after close is refused");
	linequeue_get_stats(q, &st);
	tap_is_int(st.lines_dropped, 2, "drops counted");
	tap_ok(st.high_water >= 19 && st.high_water <= 64, "high water mark within capacity");
	linequeue_free(q);
}

/* Whole events, all or nothing; a caller's fill limit keeps room for more valuable ones. */
static void test_queue_blocks(void)
{
	struct linequeue *q = linequeue_new(100, false);
	struct linequeue_stats st;
	static char buf[LINEQUEUE_MAX_LINE];
	char a[41], b[51], c[51], d[21];

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(c, 'c', sizeof(c));
	memset(d, 'd', sizeof(d));
	a[19] = a[39] = b[24] = b[49] = c[24] = c[49] = d[19] = '\n';
	tap_ok(linequeue_push_block(q, a, 40, 2, 100, 1), "a 2-line event queued");
	tap_ok(!linequeue_push_block(q, b, 50, 2, 75, 0), "an event of no known value is refused "
	       "past its share (90 > 75 bytes)");
	tap_ok(linequeue_push_block(q, c, 50, 2, 100, 1), "an exec event still fits (90 <= 100)");
	tap_ok(!linequeue_push_block(q, d, 20, 1, 100, 2), "a write event that does not fit is refused");
	tap_is_int(linequeue_pop(q, buf, sizeof(buf), 10), 90, "only whole events were queued");
	tap_ok(memcmp(buf, a, 40) == 0 && memcmp(buf + 40, c, 50) == 0, "in order, intact");
	linequeue_get_stats(q, &st);
	tap_ok(st.blocks_dropped[0] == 1 && st.blocks_dropped[1] == 0 && st.blocks_dropped[2] == 1 &&
	       st.lines_dropped == 3 && st.bytes_dropped == 70, "drops counted by class, in lines "
	       "and bytes");
	linequeue_free(q);
}

/* ---- end to end through a pipe ---- */

struct seen {
	int events, execs;
	long long pids[16];
};

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	struct seen *s = data;
	struct rec_limits lim = { 4096 };
	struct rec_event ev;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	s->events++;
	rec_event_init(&ev, &lim);
	if (rec_extract(au, &ev) == 1 && ev.kind == REC_EXEC) {
		if (s->execs < 16)
			s->pids[s->execs] = ev.pid;
		s->execs++;
	}
	rec_event_free(&ev);
}

struct writer_arg {
	int fd;
	const char *text;
};

static void *writer(void *arg)
{
	struct writer_arg *w = arg;
	size_t len = strlen(w->text), off = 0;

	/* dribble it in odd-sized pieces so records are split across reads */
	while (off < len) {
		size_t n = len - off < 37 ? len - off : 37;
		ssize_t k = write(w->fd, w->text + off, n);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(w->fd);
	return NULL;
}

/* run_fed: intake_run on fds[0] while a thread dribbles TEXT into fds[1] (then closes it);
 * libauparse's events go to on_event(SEEN). Returns intake_run's result. */
static int run_fed(int fds[2], const char *text, struct seen *seen, const struct intake_hooks *hooks,
		   struct intake_stats *st)
{
	static const struct intake_options opts = { 1 << 20, true, exec_syscalls };
	struct writer_arg w = { fds[1], text };
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);
	pthread_t tid;
	int r;

	auparse_set_eoe_timeout(2);
	auparse_add_callback(au, on_event, seen, NULL);
	pthread_create(&tid, NULL, writer, &w);
	r = intake_run(fds[0], au, &opts, hooks, st);
	pthread_join(tid, NULL);
	close(fds[0]);
	auparse_destroy(au);
	return r;
}

static void test_run(void)
{
	static const char text[] =
		EXEC_SYSCALL(20) EXECVE(20) CWD(20) PATH0(20) PROCTITLE(20) EOE(20)
		OPEN_SYSCALL(21) CWD(21) PATH0(21) PROCTITLE(21) EOE(21)
		/* out of order: PATH and CWD before SYSCALL */
		PATH0(22) CWD(22) EXEC_SYSCALL(22) EXECVE(22) PROCTITLE(22) EOE(22)
		/* no EOE, no PROCTITLE: completes only at the EOF flush */
		EXEC_SYSCALL(23) EXECVE(23) CWD(23) PATH0(23);
	static volatile sig_atomic_t stop, reload;
	struct intake_hooks hooks = { &stop, &reload, NULL, NULL, NULL, NULL, NULL };
	struct intake_stats st = { 0 };
	struct seen seen = { 0 };
	int fds[2], r;

	if (pipe(fds) < 0)
		return;
	r = run_fed(fds, text, &seen, &hooks, &st);

	tap_is_int(r, 0, "intake ends at EOF with 0");
	tap_is_int(seen.execs, 3, "three exec events judged (in order, out of order, no EOE)");
	tap_ok(seen.pids[0] == 20 && seen.pids[1] == 22 && seen.pids[2] == 23,
	       "events delivered in order (pids %lld %lld %lld)", seen.pids[0], seen.pids[1], seen.pids[2]);
	tap_is_int(st.filter.dropped_syscall, 1, "openat event dropped before auparse");
	tap_is_int(st.queue.lines_dropped, 0, "nothing lost in blocking mode");
	tap_is_int(st.bytes, sizeof(text) - 1, "every byte read");
}

/* on_event_text: events read from their text, all but pid 22's (left to libauparse), in
 * the same list as the auparse callback's, so the order of both paths shows. */
static int text_events;

static bool on_text(void *data, const char *text, size_t len)
{
	struct seen *s = data;
	struct rec_limits lim = { 4096 };
	struct rec_event ev;
	int r;

	rec_event_init(&ev, &lim);
	r = rec_extract_text(text, len, &ev);
	if (r == -EAGAIN || (r == 1 && ev.pid == 22)) {
		rec_event_free(&ev);
		return false;
	}
	s->events++;
	text_events++;
	if (r == 1 && ev.kind == REC_EXEC) {
		if (s->execs < 16)
			s->pids[s->execs] = ev.pid;
		s->execs++;
	}
	rec_event_free(&ev);
	return true;
}

/* The same stream with events read from their text where possible: whole events only (the
 * dribbled reads split them across pops), in order with those libauparse reads. Through a
 * socket, as auditd gives it (read again without a poll after each read). */
static void test_run_text(void)
{
	static const char text[] =
		EXEC_SYSCALL(20) EXECVE(20) CWD(20) PATH0(20) PROCTITLE(20) EOE(20)
		OPEN_SYSCALL(21) CWD(21) PATH0(21) PROCTITLE(21) EOE(21)
		PATH0(22) CWD(22) EXEC_SYSCALL(22) EXECVE(22) PROCTITLE(22) EOE(22)
		PATH0(24) CWD(24) EXEC_SYSCALL(24) EXECVE(24) PROCTITLE(24) EOE(24)
		EXEC_SYSCALL(23) EXECVE(23) CWD(23) PATH0(23);
	static volatile sig_atomic_t stop, reload;
	struct seen seen = { 0 };
	struct intake_hooks hooks = { &stop, &reload, NULL, NULL, NULL, on_text, &seen };
	struct intake_stats st = { 0 };
	int fds[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return;
	r = run_fed(fds, text, &seen, &hooks, &st);

	tap_is_int(r, 0, "text path, socket: intake ends at EOF with 0");
	tap_is_int(seen.execs, 4, "text path: four exec events judged");
	tap_ok(seen.pids[0] == 20 && seen.pids[1] == 22 && seen.pids[2] == 24 && seen.pids[3] == 23,
	       "text path: events judged in order, from text or by libauparse (pids %lld %lld %lld %lld)",
	       seen.pids[0], seen.pids[1], seen.pids[2], seen.pids[3]);
	tap_ok(text_events == 3, "text path: 20, 24 and 23 (its EOE made at the flush) read from text "
	       "(%d), 22 by libauparse", text_events);
}

/* An event of 100 KiB (argv in 14 EXECVE records of 7 KiB, as the kernel splits a long
 * command line) spans pops of 64 KiB: it is held, completed and read from its text once,
 * and the event after it too. */
static long long huge_argc;

static bool on_text_huge(void *data, const char *text, size_t len)
{
	struct rec_limits lim = { 1 << 20 };
	struct rec_event ev;
	int r;

	rec_event_init(&ev, &lim);
	r = rec_extract_text(text, len, &ev);
	if (r == 1 && ev.pid == 40)
		huge_argc = ev.argc_kept;
	rec_event_free(&ev);
	return on_text(data, text, len);
}

static void test_run_huge(void)
{
	static volatile sig_atomic_t stop, reload;
	struct seen seen = { 0 };
	struct intake_hooks hooks = { &stop, &reload, NULL, NULL, NULL, on_text_huge, &seen };
	struct intake_stats st = { 0 };
	size_t cap = 160 * 1024, n = 0;
	char *text = malloc(cap), arg[1201];
	int fds[2], r;

	if (!text || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return;
	memset(arg, 'x', 1200);
	arg[1200] = '\0';
	n += (size_t)snprintf(text + n, cap - n, "%s", EXEC_SYSCALL(40));
	for (int rec = 0; rec < 14; rec++) {
		n += (size_t)snprintf(text + n, cap - n, "type=EXECVE msg=audit(1700000000.100:40): %s",
				      rec == 0 ? "argc=84 " : "");
		for (int a = 0; a < 6; a++)
			n += (size_t)snprintf(text + n, cap - n, "a%d=\"%s\"%s", rec * 6 + a, arg,
					      a < 5 ? " " : "\n");
	}
	n += (size_t)snprintf(text + n, cap - n, "%s", CWD(40) PATH0(40) EOE(40)
			      EXEC_SYSCALL(41) EXECVE(41) CWD(41) PATH0(41) EOE(41));
	text_events = 0;
	r = run_fed(fds, text, &seen, &hooks, &st);
	free(text);

	tap_is_int(r, 0, "huge event: intake ends at EOF with 0");
	tap_ok(seen.execs == 2 && seen.pids[0] == 40 && seen.pids[1] == 41 && text_events == 2,
	       "huge event: it and the next judged once each, in order, from their text (%d execs, "
	       "%d from text)", seen.execs, text_events);
	tap_ok(huge_argc == 84, "huge event: all 84 arguments of 1,200 bytes read (%lld)", huge_argc);
}

static void test_event_end(void)
{
	static const struct { const char *batch; int end; const char *what; } rows[] = {
		{ "", -1, "empty" },
		{ "type=SYSCALL msg=audit(1.000:1): a=1\ntype=EOE msg=audit(1.000:1):\nx\n", 66,
		  "after the first EOE line" },
		{ "node=n type=EOE msg=audit(1.000:1):\ntype=EOE\n", 36, "an EOE with node=" },
		{ "type=EOEX msg=audit(1.000:1):\n", -1, "a longer type is not EOE" },
		{ "type=SYSCALL msg=audit(1.000:2): a=type=EOE\n", -1, "EOE text inside a record" },
		{ "type=SYSCALL msg=audit(1.000:2): a=1\n", -1, "no EOE" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *e = intake_event_end(rows[i].batch, strlen(rows[i].batch));

		tap_ok(rows[i].end < 0 ? e == NULL : e == rows[i].batch + rows[i].end,
		       "event end: %s (%ld)", rows[i].what, e ? (long)(e - rows[i].batch) : -1L);
	}
}

/* A worker that never keeps up: non-blocking mode drops and counts instead of waiting. */
static void test_overflow(void)
{
	static volatile sig_atomic_t stop, reload;
	struct intake_hooks hooks = { &stop, &reload, NULL, NULL, NULL, NULL, NULL };
	struct intake_options opts = { 256 << 10, false, exec_syscalls };
	struct intake_stats st = { 0 };
	struct seen seen = { 0 };
	char path[] = "/tmp/elfwatch-intake-XXXXXX";
	int fd = mkstemp(path);
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);
	long long total = 0;

	auparse_add_callback(au, on_event, &seen, NULL);
	unlink(path);
	for (int i = 0; i < 20000; i++) {
		char rec[1024];
		int n = snprintf(rec, sizeof(rec), "type=SYSCALL msg=audit(1700000000.100:%d): arch=c000003e "
				 "syscall=59 success=yes exit=0 items=0 ppid=1 pid=%d uid=0 comm=\"x\" "
				 "exe=\"/x\"\ntype=EOE msg=audit(1700000000.100:%d): \n", 1000 + i, i, 1000 + i);
		if (write(fd, rec, (size_t)n) != n)
			break;
		total += 2;
	}
	lseek(fd, 0, SEEK_SET);
	intake_run(fd, au, &opts, &hooks, &st);
	close(fd);
	auparse_destroy(au);
	tap_ok(st.queue.lines_in == (unsigned long long)total, "every record offered to the queue");
	tap_diag("offered %llu, dropped %llu, events judged %d", st.queue.lines_in,
		 st.queue.lines_dropped, seen.execs);
	tap_ok(st.queue.lines_dropped > 0, "the slow worker made the queue overflow, and it was counted");
	/* an event whose EOE was dropped is still judged from its SYSCALL record (at flush) */
	tap_ok((unsigned long long)seen.execs <= st.queue.lines_in - st.queue.lines_dropped &&
	       seen.execs > 0, "events judged only from records that were not dropped");
	tap_ok(st.queue.high_water <= 256 << 10, "queue never exceeded its capacity");
}

/* The worker ages auparse's events only where a pop ended at an event boundary: ageing a
 * half-fed event (its stamp is old in replay) would cut it in two. */
static void test_batch_boundary(void)
{
	static const struct { const char *batch; bool ends; const char *what; } rows[] = {
		{ "", true, "an empty batch" },
		{ "type=EOE msg=audit(1.000:1): \n", true, "one EOE" },
		{ "type=SYSCALL msg=audit(1.000:1): a=1\ntype=EOE msg=audit(1.000:1): \n", true,
		  "an event ending in EOE" },
		{ "type=EOE msg=audit(1.000:1): \ntype=SYSCALL msg=audit(1.000:2): a=1\n", false,
		  "a batch ending inside the next event" },
		{ "type=SYSCALL msg=audit(1.000:2): a=type=EOE\n", false, "EOE text inside a record" },
		{ "type=EO\n", false, "a cut type" },
		{ "type=EOE msg=audit(1.000:1): ", false, "no final newline" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_ok(intake_batch_ends_event(rows[i].batch, strlen(rows[i].batch)) == rows[i].ends,
		       "batch boundary: %s", rows[i].what);
}

/* The reader's pause after a small read: never longer than auditd's queue to its plugins and
 * the channel can hold at the highest rate auditd was measured to deliver (a rate may jump
 * within one pause; past that, auditd drops events for every plugin), and only a probe after a
 * quiet spell (the rate measured before it says nothing of the burst that ended it). */
static void test_gather(void)
{
	const size_t chan = 64 * 1024;                  /* what grow_pipe reports for a socket */
	/* 2,000 queued events + ~278 in the channel, at 150,000 records a second */
	const long bound_us = (2000 + 278) * 1000000L / 150000;
	static const unsigned long long rates[] = { 0, 1, 100, 1500, 8000, 24000, 120000 };
	bool all_bounded = true;
	long us;

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		us = intake_gather_us(chan, rates[i], false);
		if (us < 0 || us > bound_us) {
			all_bounded = false;
			tap_diag("rate %llu B/ms: %ld us", rates[i], us);
		}
	}
	tap_ok(all_bounded, "the pause is at most %ld us at any rate (the queue and channel at 150k records/s)",
	       bound_us);
	us = intake_gather_us(chan, 120000, false);
	tap_ok(us > 0 && us < 1500, "120 MB/s: half the channel's time, %ld us", us);
	us = intake_gather_us(chan, 1500, false);
	tap_ok(us >= 10000, "1.5 MB/s (1,000 exec/s): still a long gather, %ld us", us);
	us = intake_gather_us(chan, 1500, true);
	tap_ok(us > 0 && us <= 2000, "after a quiet spell: a probe of %ld us", us);
	us = intake_gather_us(chan, 120000, true);
	tap_ok(us == intake_gather_us(chan, 120000, false), "a probe never lengthens a pause");
}

int main(void)
{
	test_gather();
	test_batch_boundary();
	test_prefilter();
	test_queue();
	test_queue_blocks();
	test_run();
	test_run_text();
	test_run_huge();
	test_event_end();
	test_overflow();
	return tap_done();
}
