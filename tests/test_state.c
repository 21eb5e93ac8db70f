/* state (codec), statefile (where it lives) and parent (who may stop us): round trips, and
 * corrupt, truncated, oversized and hostile files refused with a reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "detect/mitre.h"
#include "model/record.h"
#include "sys/parent.h"
#include "detect/state.h"
#include "sys/statefile.h"
#include "tap.h"

static const struct state_limits lim = { 16, 8, 8 };

/* the condition first, then the message: it may print the reason the call just gave */
#define CHECK(cond, ...) do { int ok_ = (cond); tap_ok(ok_, __VA_ARGS__); } while (0)

static void fill_proc(struct proc_entry *e, long long pid)
{
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->ppid = 1;
	e->uid = 1000;
	e->auid = -1;
	e->ses = 4294967295LL;
	e->sec = 1795366036;
	snprintf(e->exe, sizeof(e->exe), "/usr/bin/curl");
	snprintf(e->comm, sizeof(e->comm), "cu\"rl\n\x1b[0m");      /* attacker bytes kept */
	snprintf(e->argv, sizeof(e->argv), "curl -o /tmp/x \xff\xfe");
	e->image_id = (struct file_id){ 254, 0, 247228, true };
}

static void fill_file(struct written_file *wf, unsigned long long ino)
{
	memset(wf, 0, sizeof(*wf));
	wf->id = (struct file_id){ 254, 1, ino, true };
	snprintf(wf->path, sizeof(wf->path), "/tmp/drop/%llu", ino);
	snprintf(wf->event_id, sizeof(wf->event_id), "1795366037.117:%llu", ino);
	wf->sec = 1795366037;
	wf->msec = 117;
	snprintf(wf->syscall, sizeof(wf->syscall), "openat");
	fill_proc(&wf->writer, 5000);
	wf->download_tool = true;
	wf->settled_by = WRITES_CAUSE_EXEC;
}

/* a snapshot of 3 processes, 2 followed files and 2 verdicts */
static void sample(struct state_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->saved_mono_ms = 123456789;
	s->saved_real_s = 1795366040;
	memset(s->boot_id, 0xab, sizeof(s->boot_id));
	s->nprocs = 3;
	s->procs = calloc(3, sizeof(*s->procs));
	for (int i = 0; i < 3; i++)
		fill_proc(&s->procs[i], 100 + i);
	/* not known, with what an earlier item left in the struct (a writer's snapshot) */
	s->procs[2].image_id = (struct file_id){ 254, 0, 77, false };
	s->npending = 2;
	s->pending = calloc(2, sizeof(*s->pending));
	fill_file(&s->pending[0].wf, 11);
	s->pending[0].age_ms = 250;
	s->pending[0].settle_now = true;
	fill_file(&s->pending[1].wf, 12);
	s->pending[1].seen_elf = true;
	s->nrecent = 2;
	s->recent = calloc(2, sizeof(*s->recent));
	fill_file(&s->recent[0].r.file, 21);
	s->recent[0].r.is_elf = true;
	s->recent[0].r.verdict = SEV_HIGH;
	s->recent[0].r.mitre = &MITRE_SOFTWARE_PACKING;
	memset(s->recent[0].r.sha256, 'a', 64);
	s->recent[0].size = 422160;
	s->recent[0].mtime = (struct timespec){ -5, 999999999 };
	fill_file(&s->recent[1].r.file, 22);
	s->recent[1].r.unjudged = WRITES_UJ_LEASE;
	s->recent[1].r.unjudged_errno = EWOULDBLOCK;
	s->recent[1].r.attempts = 33;
	s->recent[1].r.waited_ms = 10000;
	s->recent[1].r.exec_candidate = true;
	s->recent[1].age_ms = STATE_MAX_AGE_MS;
}

static uint8_t *encode(const struct state_snapshot *s, size_t *len)
{
	size_t n = state_encoded_size(s);
	uint8_t *b = malloc(n);
	long r = state_encode(s, b, n, NULL);

	*len = r > 0 ? (size_t)r : 0;
	return b;
}

/* payload length and checksum made right again after an edit: only the field checks stand */
static void reseal(uint8_t *b, size_t len)
{
	uint64_t pl = len - STATE_HEADER_BYTES, sum;

	for (unsigned i = 0; i < 8; i++)
		b[16 + i] = (uint8_t)(pl >> (8 * i));
	sum = state_checksum(b, len);
	for (unsigned i = 0; i < 8; i++)
		b[STATE_CHECKSUM_OFFSET + i] = (uint8_t)(sum >> (8 * i));
}

static int decode(const uint8_t *b, size_t len, const char **why)
{
	struct state_snapshot s;
	int r = state_decode(b, len, &lim, &s, why);

	state_snapshot_free(&s);
	return r;
}

static void test_round_trip(void)
{
	struct state_snapshot s, d;
	const char *why = "x";
	size_t len, len2;
	uint8_t *b, *b2;

	sample(&s);
	b = encode(&s, &len);
	CHECK(len == state_encoded_size(&s) && len > STATE_HEADER_BYTES, "encoded: %zu bytes", len);
	CHECK(state_decode(b, len, &lim, &d, &why) == 0 && why == NULL, "decoded back");
	CHECK(d.nprocs == 3 && d.npending == 2 && d.nrecent == 2, "every entry is back");
	CHECK(!d.procs[2].image_id.valid && d.procs[2].image_id.ino == 0,
	      "an identity not known comes back as zeros, not left out");
	CHECK(memcmp(&d.procs[1], &s.procs[1], sizeof(d.procs[1])) == 0 &&
	       strcmp(d.procs[0].comm, "cu\"rl\n\x1b[0m") == 0, "a process entry, bytes as they were");
	CHECK(strcmp(d.pending[0].wf.path, "/tmp/drop/11") == 0 && d.pending[0].settle_now &&
	       d.pending[0].age_ms == 250 && d.pending[1].seen_elf && d.pending[0].wf.download_tool &&
	       file_id_equal(&d.pending[0].wf.id, &s.pending[0].wf.id), "a followed file");
	CHECK(d.recent[0].r.mitre == &MITRE_SOFTWARE_PACKING && d.recent[0].r.verdict == SEV_HIGH &&
	       d.recent[0].size == 422160 && d.recent[0].mtime.tv_sec == -5 &&
	       d.recent[0].mtime.tv_nsec == 999999999 && d.recent[0].r.sha256[63] == 'a',
	       "a verdict, with its (size, mtime)");
	CHECK(d.recent[1].r.unjudged == WRITES_UJ_LEASE && d.recent[1].r.attempts == 33 &&
	       d.recent[1].age_ms == STATE_MAX_AGE_MS && d.recent[1].r.exec_candidate,
	       "a file that could not be judged stays so");
	b2 = encode(&d, &len2);
	CHECK(len2 == len && memcmp(b, b2, len) == 0, "encoding what was decoded gives the same bytes");
	free(b2);
	state_snapshot_free(&d);
	free(b);
	state_snapshot_free(&s);
}

static void test_encode_leaves_out_invalid(void)
{
	struct state_snapshot s, d;
	const char *why;
	size_t skipped = 0, n;
	uint8_t *b;

	sample(&s);
	s.procs[0].pid = 0;                                 /* no such process */
	s.procs[1].pid = STATE_PID_MAX + 1;
	memset(s.pending[0].wf.path, 'p', sizeof(s.pending[0].wf.path));      /* no NUL */
	s.recent[0].r.mitre = (const struct mitre *)&s;     /* not one of ours */
	n = state_encoded_size(&s);
	b = malloc(n);
	CHECK(state_encode(&s, b, n, &skipped) == (long)n && skipped == 4,
	       "out-of-range entries are left out and counted (%zu)", skipped);
	CHECK(state_decode(b, n, &lim, &d, &why) == 0 && d.nprocs == 1 && d.npending == 1 &&
	       d.nrecent == 1, "the rest decodes");
	CHECK(state_encode(&s, b, n - 1, NULL) == -ENOSPC, "a short buffer: -ENOSPC");
	state_snapshot_free(&d);
	free(b);
	state_snapshot_free(&s);
}

/* Event times outside what a record can carry (REC_SEC_MAX) are refused: restored, they would
 * overflow the window arithmetic (event second minus file second). */
static void test_times_in_range(void)
{
	struct state_snapshot s;

	sample(&s);
	CHECK(state_proc_valid(&s.procs[0]) && state_pending_valid(&s.pending[0]) &&
	      state_recent_valid(&s.recent[0]), "the sample's times are valid");
	s.procs[0].sec = -1;
	s.procs[1].sec = REC_SEC_MAX + 1;
	s.procs[2].sec = REC_SEC_MAX;
	CHECK(!state_proc_valid(&s.procs[0]) && !state_proc_valid(&s.procs[1]) &&
	      state_proc_valid(&s.procs[2]), "a process second below 0 or past REC_SEC_MAX: refused");
	s.pending[0].wf.sec = (time_t)INT64_MIN;
	s.pending[1].wf.writer.sec = (time_t)INT64_MAX;
	CHECK(!state_pending_valid(&s.pending[0]) && !state_pending_valid(&s.pending[1]),
	      "a followed file's or its writer's second out of range: refused");
	s.recent[0].r.file.sec = REC_SEC_MAX + 1;
	CHECK(!state_recent_valid(&s.recent[0]) && state_recent_valid(&s.recent[1]),
	      "a verdict's file second out of range: refused");
	state_snapshot_free(&s);
}

static void test_corrupt(void)
{
	struct state_snapshot s;
	const char *why = NULL;
	size_t len;
	uint8_t *b, *c;
	int refused = 0, flips = 0;

	sample(&s);
	b = encode(&s, &len);
	c = malloc(len + 1);

	CHECK(decode(b, 0, &why) == -EBADMSG && why, "empty: refused (%s)", why);
	memcpy(c, b, len);
	c[0] = 'X';
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "magic"), "another magic: %s", why);
	memcpy(c, b, len);
	c[8] = 2;
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "version"), "version 2: %s", why);
	memcpy(c, b, len);
	c[12] = 65;
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "header"), "header length: %s", why);
	/* every truncation, torn writes included */
	for (size_t n = 0; n < len; n++)
		refused += decode(b, n, &why) == -EBADMSG;
	CHECK(refused == (int)len, "every truncation is refused (%d of %zu)", refused, len);
	memcpy(c, b, len);
	c[len] = 0;
	CHECK(decode(c, len + 1, &why) == -EBADMSG, "a byte appended: %s", why);
	/* any single byte changed */
	for (size_t i = 0; i < len; i++) {
		memcpy(c, b, len);
		c[i] ^= 0x5a;
		flips += decode(c, len, &why) == -EBADMSG;
	}
	CHECK(flips == (int)len, "every one-byte change is refused (%d of %zu)", flips, len);
	memcpy(c, b, len);
	c[len - 1] ^= 1;
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "checksum"), "checksum: %s", why);
	free(c);
	free(b);
	state_snapshot_free(&s);
}

/* hostile files with a right checksum: each field check on its own */
static void test_hostile(void)
{
	static const struct state_limits tiny = { 1, 1, 1 };
	struct state_snapshot s, d;
	const char *why = NULL;
	size_t len, off;
	uint8_t *b, *c;

	sample(&s);
	b = encode(&s, &len);
	c = malloc(len + 16);
#define EDIT(stmt) (memcpy(c, b, len), (stmt), reseal(c, len))
	/* counts: the first u32 of the payload is the process count */
	EDIT(c[STATE_HEADER_BYTES] = 17);
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "more processes"),
	       "17 processes for a table of 16: %s", why);
	EDIT(memset(c + STATE_HEADER_BYTES, 0xff, 4));
	CHECK(decode(c, len, &why) == -EBADMSG, "2^32-1 processes: refused before allocating (%s)", why);
	CHECK(state_decode(b, len, &tiny, &d, &why) == -EBADMSG, "the tables shrank since: %s", why);
	off = STATE_HEADER_BYTES + 4;           /* the first process: pid */
	EDIT(memset(c + off, 0, 8));
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "process"), "pid 0: %s", why);
	EDIT(c[off + 5] = 1);
	CHECK(decode(c, len, &why) == -EBADMSG, "pid 2^40: %s", why);
	off += 48;                              /* exe: u16 length */
	EDIT((c[off] = 0xff, c[off + 1] = 0xff));
	CHECK(decode(c, len, &why) == -EBADMSG, "a string longer than its field: %s", why);
	EDIT(c[off + 3] = '\0');
	CHECK(decode(c, len, &why) == -EBADMSG, "a NUL inside a string: %s", why);
	/* the last verdict's fields, from the end: nsec(4) mtime(8) size(8) candidate(1) */
	EDIT(memcpy(c + len - 4, "\x00\xca\x9a\x3b", 4));       /* 1e9 */
	CHECK(decode(c, len, &why) == -EBADMSG && strstr(why, "verdict"), "nsec 1e9: %s", why);
	EDIT(c[len - 21] = 2);
	CHECK(decode(c, len, &why) == -EBADMSG, "a bool of 2: %s", why);
	EDIT(c[len - 13] = 0x80);
	CHECK(decode(c, len, &why) == -EBADMSG, "a negative size: %s", why);
	/* unjudged(1) errno(2) attempts(4) waited(8) before the candidate byte */
	EDIT(c[len - 36] = WRITES_UJ_COUNT);
	CHECK(decode(c, len, &why) == -EBADMSG, "an unknown reason: %s", why);
	EDIT(c[len - 34] = 0xff);
	CHECK(decode(c, len, &why) == -EBADMSG, "an errno past 4095: %s", why);
	/* trailing bytes after a valid last entry */
	memcpy(c, b, len);
	memset(c + len, 0, 16);
	reseal(c, len + 16);
	CHECK(decode(c, len + 16, &why) == -EBADMSG && strstr(why, "after"), "bytes after the end: %s",
	       why);
	/* a file past what the tables could fill */
	{
		size_t big = state_max_bytes(&lim) + 1;
		uint8_t *h = calloc(1, big);

		memcpy(h, b, STATE_HEADER_BYTES);
		reseal(h, big);
		CHECK(decode(h, big, &why) == -EBADMSG && strstr(why, "larger"), "oversized: %s", why);
		free(h);
	}
	CHECK(state_max_bytes(&(struct state_limits){ 1 << 20, 1 << 20, 1 << 20 }) == STATE_MAX_BYTES,
	       "the size cap holds whatever the tables");
	/* the edits above reach the fields they mean: the unedited file decodes */
	EDIT((void)0);
	CHECK(decode(c, len, &why) == 0, "unedited and resealed: accepted");
#undef EDIT
	free(c);
	free(b);
	state_snapshot_free(&s);
}

static void test_age(void)
{
	struct state_snapshot s = { 0 };
	uint8_t boot[16], other[16];
	const char *why = NULL;

	memset(boot, 1, sizeof(boot));
	memset(other, 2, sizeof(other));
	memcpy(s.boot_id, boot, 16);
	s.saved_mono_ms = 100000;
	CHECK(state_check_age(&s, boot, 100500, 60000, &why) == 0, "saved 0.5 s ago: fresh");
	CHECK(state_check_age(&s, boot, 160001, 60000, &why) == -ESTALE && strstr(why, "older"),
	       "61 s: %s", why);
	CHECK(state_check_age(&s, boot, 99999, 60000, &why) == -ESTALE && strstr(why, "future"),
	       "later than now: %s", why);
	CHECK(state_check_age(&s, other, 100500, 60000, &why) == -ESTALE && strstr(why, "boot"),
	       "another boot: %s", why);
}

static void put_file(const char *path, const void *b, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, b, n) != (ssize_t)n)
		abort();
	fchmod(fd, mode);
	close(fd);
}

static int take(const char *path, const char **why, size_t *len)
{
	struct statefile sf;
	struct timespec mt;
	uint8_t *buf = NULL;
	int r = statefile_open(path, &sf, why);

	if (r == 0)
		r = statefile_take(&sf, 4096, &buf, len, &mt, why);
	free(buf);
	statefile_close(&sf);
	return r;
}

static void test_statefile(void)
{
	char dir[] = "/tmp/elfwatch-state-XXXXXX", sub[256], path[300], other[300];
	const char *why = NULL;
	struct statefile sf;
	struct stat st;
	size_t len = 0;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(sub, sizeof(sub), "%s/st", dir);
	snprintf(path, sizeof(path), "%s/state", sub);
	CHECK(statefile_open("state", &sf, &why) == -EINVAL, "a relative path: %s", why);
	CHECK(statefile_open(path, &sf, &why) == 0 && stat(sub, &st) == 0 &&
	       (st.st_mode & 0777) == 0700, "its directory is made 0700");
	CHECK(statefile_take(&sf, 4096, &(uint8_t *){ NULL }, &len, &(struct timespec){ 0 }, &why) ==
	       -ENOENT, "no file yet: -ENOENT");
	CHECK(statefile_create(&sf) == 0 && statefile_create(&sf) == -EEXIST,
	       "this run's file is created once (O_EXCL)");
	CHECK(statefile_write(&sf, (const uint8_t *)"hello", 5) == 0 && stat(path, &st) == 0 &&
	       st.st_size == 5 && (st.st_mode & 0777) == 0600, "written through the kept descriptor, 0600");
	statefile_close(&sf);
	CHECK(take(path, &why, &len) == 0 && len == 5 && access(path, F_OK) < 0,
	       "taken once, then removed");

	put_file(path, "", 0, 0600);
	CHECK(take(path, &why, &len) == -EPERM && strstr(why, "empty") && access(path, F_OK) < 0,
	       "an empty file (the last run was killed): %s; removed", why);
	put_file(path, "x", 1, 0644);
	CHECK(take(path, &why, &len) == -EPERM && strstr(why, "others"), "mode 0644: %s", why);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	put_file(other, "secret", 6, 0600);
	CHECK(symlink(other, path) == 0 && take(path, &why, &len) == -ELOOP &&
	       access(other, F_OK) == 0 && lstat(path, &st) < 0,
	       "a symlink is not followed (%s), and removed", why);
	CHECK(link(other, path) == 0 && take(path, &why, &len) == -EPERM && strstr(why, "link"),
	       "a hard link to another file: %s", why);
	CHECK(mkfifo(path, 0600) == 0 && take(path, &why, &len) == -EPERM && strstr(why, "regular"),
	       "a FIFO, without blocking: %s", why);
	put_file(path, "x", 1, 0600);
	if (geteuid() == 0) {
		CHECK(chown(path, 12345, 12345) == 0 && take(path, &why, &len) == -EPERM &&
		       strstr(why, "owned"), "another owner: %s", why);
	} else {
		tap_skip("another owner: needs root");
		unlink(path);
	}
	{
		char *big = calloc(1, 5000);

		put_file(path, big, 5000, 0600);
		CHECK(take(path, &why, &len) == -EPERM && strstr(why, "larger"), "5000 bytes for a "
		       "cap of 4096: %s", why);
		free(big);
	}
	/* the last run still saving (audit 3.x restarts a plugin 50 ms after its SIGTERM) */
	{
		pid_t child;
		int status = 0;

		unlink(path);
		fflush(stdout);   /* the child must not flush the parent's buffered TAP lines again */
		child = fork();
		if (child == 0) {
			struct statefile c;
			const char *w;

			if (statefile_open(path, &c, &w) < 0 || statefile_create(&c) < 0)
				_exit(1);
			nanosleep(&(struct timespec){ 0, 300 * 1000000L }, NULL);
			_exit(statefile_write(&c, (const uint8_t *)"saved", 5) < 0);
		}
		nanosleep(&(struct timespec){ 0, 100 * 1000000L }, NULL);
		CHECK(take(path, &why, &len) == 0 && len == 5, "a file still being saved is waited for, "
		      "then read whole (%zu bytes)", len);
		waitpid(child, &status, 0);
	}
	{
		int holder;

		if (statefile_open(path, &sf, &why) < 0 || statefile_create(&sf) < 0)
			abort();
		holder = sf.fd;
		sf.fd = -1;
		statefile_close(&sf);
		CHECK(take(path, &why, &len) == -EWOULDBLOCK && access(path, F_OK) == 0,
		      "one held past the wait (a second instance): %s; left alone", why);
		close(holder);
		unlink(path);
	}
	chmod(sub, 0777);
	CHECK(statefile_open(path, &sf, &why) == -EPERM && strstr(why, "writable"),
	       "a directory others may write to: %s", why);
	chmod(sub, 0755);
	CHECK(statefile_open(path, &sf, &why) == 0 && stat(sub, &st) == 0 &&
	       (st.st_mode & 0777) == 0700, "a readable one of ours is made 0700");
	statefile_close(&sf);
	rmdir(sub);
	CHECK(symlink(dir, sub) == 0 && statefile_open(path, &sf, &why) < 0,
	       "a symlinked directory: %s", why);
	unlink(sub);
	unlink(other);
	rmdir(dir);
}

static void test_parent(void)
{
	static const struct {
		const char *line;
		int r;
		const char *comm;
		long long ppid;
	} rows[] = {
		{ "812 (auditd) S 1 812 812 0 -1", 0, "auditd", 1 },
		{ "900 (a) (b)) x) S 812 900 1", 0, "a) (b)) x", 812 },
		{ "900 (audisp-filter) R 812", 0, "audisp-filter", 812 },
		{ "900 (x) S", -EINVAL, NULL, 0 },
		{ "900 (x) S -1 2", -EINVAL, NULL, 0 },
		{ "900 (x) S 12345678901 2", -EINVAL, NULL, 0 },
		{ "900 x S 1 2", -EINVAL, NULL, 0 },
		{ "", -EINVAL, NULL, 0 },
	};
	char dir[] = "/tmp/elfwatch-proc-XXXXXX", p[300];
	struct parent_set ps;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char comm[16] = "";
		long long ppid = -7;
		int r = parent_parse_stat(rows[i].line, strlen(rows[i].line), comm, sizeof(comm), &ppid);

		CHECK(r == rows[i].r && (r < 0 || (strcmp(comm, rows[i].comm) == 0 &&
						    ppid == rows[i].ppid)),
		       "stat line '%s': %d", rows[i].line, r);
	}
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	/* auditd (812) -> audisp-filter (900) -> us */
	snprintf(p, sizeof(p), "%s/900", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/900/stat", dir);
	put_file(p, "900 (audisp-filter) S 812 1 1", 29, 0600);
	snprintf(p, sizeof(p), "%s/812", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/812/stat", dir);
	put_file(p, "812 (auditd) S 1 1 1", 20, 0600);
	parent_discover(dir, 900, &ps);
	CHECK(ps.parent == 900 && ps.auditd == 812 && strcmp(ps.parent_comm, "audisp-filter") == 0,
	       "under audisp-filter: parent 900, auditd 812");
	CHECK(parent_may_stop(&ps, 900) && parent_may_stop(&ps, 812) && !parent_may_stop(&ps, 1) &&
	       !parent_may_stop(&ps, 0) && !parent_may_stop(&ps, 4242), "only those two may stop us");
	parent_discover(dir, 812, &ps);
	CHECK(ps.parent == 812 && ps.auditd == 812, "under auditd: both are auditd");
	parent_discover(dir, 4242, &ps);
	CHECK(ps.parent == 4242 && ps.auditd == 0 && !parent_may_stop(&ps, 812),
	       "a parent /proc does not show: only it");
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	if (system(p) != 0)
		tap_diag("could not remove %s", dir);
}

int main(void)
{
	test_round_trip();
	test_encode_leaves_out_invalid();
	test_times_in_range();
	test_corrupt();
	test_hostile();
	test_age();
	test_statefile();
	test_parent();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
