/* The write tracker at the end of input and across a restart: a flush that runs out of time
 * reports what it could not judge (reason shutdown); exported tables restore into a new
 * tracker, each file looked at again by its identity. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/dropverdict.h"
#include "detect/state.h"
#include "tap.h"
#include "writes_fake.h"

struct fake_clock {
	long long now, step;
};

static long long tick_clock(void *ctx)
{
	struct fake_clock *c = ctx;
	long long t = c->now;

	c->now += c->step;
	return t;
}

static void test_deadline(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct fake_clock clock = { 1000, 300 };        /* each judgement "takes" 300 ms */
	struct writes_deadline dl = { tick_clock, &clock, 1500 };
	struct writes_stats st;
	struct rec_event ev;
	enum dropverdict_why why;

	writes_set_unjudged_hook(w, fake_unjudged);
	static char paths[4][32];

	for (unsigned long ino = 40; ino < 44; ino++) {
		char *path = paths[ino - 40];

		snprintf(path, sizeof(paths[0]), "/tmp/drop%lu", ino);
		add_file(&fs, ino, path, true);
		make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
					  O_CREAT | O_WRONLY | O_TRUNC, path, "CREATE", ino, 0100755 });
		writes_on_event(w, &ev, 0);
	}
	tap_is_int((int)writes_pending_count(w), 4, "four files followed when input ends");
	writes_flush_until(w, 100, &dl);
	writes_get_stats(w, &st);
	tap_ok(j.n == 2 && strcmp(j.last_cause, "end_of_input") == 0,
	       "judged while time was left (%d, settled by %s)", j.n, j.last_cause);
	tap_ok(j.unjudged == 2 && st.unjudged_by[WRITES_UJ_SHUTDOWN] == 2 &&
	       writes_pending_count(w) == 0, "the others are reported as not judged, none dropped");
	tap_is_str(writes_unjudged_name(j.last_unjudged.unjudged), "shutdown", "reason: shutdown");
	tap_ok(strcmp(writes_cause_name(j.last_unjudged.file.settled_by), "shutdown") == 0 &&
	       j.last_unjudged.exec_candidate &&
	       dropverdict_unjudged(&j.last_unjudged, &why) == SEV_MEDIUM,
	       "an executable candidate: unjudged_write, medium");
	writes_free(w);
}

static void test_restore(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j), *w2;
	struct state_pending sp[8];
	struct state_recent sr[8];
	struct file_id judged_id = { 0xfe, 0, 50, true }, pending_id = { 0xfe, 0, 51, true };
	struct fake_file *gone;
	const struct write_result *r;
	struct writes_stats st;
	struct rec_event ev;
	size_t np, nr;

	writes_set_unjudged_hook(w, fake_unjudged);
	add_file(&fs, 50, "/tmp/judged", true);
	add_file(&fs, 51, "/tmp/pending", true);
	gone = add_file(&fs, 52, "/tmp/gone", true);
	make(&ev, OPEN_CREATE(50, "/tmp/judged"));
	writes_on_event(w, &ev, 0);
	writes_tick(w, 300);
	writes_tick(w, 600);                            /* /tmp/judged settles */
	make(&ev, OPEN_CREATE(51, "/tmp/pending"));
	writes_on_event(w, &ev, 700);
	make(&ev, OPEN_CREATE(52, "/tmp/gone"));
	writes_on_event(w, &ev, 700);
	np = writes_export_pending(w, 1000, sp, 8);
	nr = writes_export_recent(w, 1000, sr, 8);
	tap_ok(j.n == 1 && np == 2 && nr == 1 && sr[0].age_ms == 400 &&
	       (sp[0].age_ms == 300 && sp[1].age_ms == 300), "exported: 2 followed files, 1 verdict, "
	       "ages relative to the save");
	writes_free(w);

	/* the next process: 2 s later by the same clock; one file removed meanwhile */
	gone->exists = false;
	j = (struct judged){ .verdict = SEV_HIGH };
	w2 = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	writes_set_unjudged_hook(w2, fake_unjudged);
	tap_ok(writes_restore_pending(w2, &sp[0], 2000, 50000) == 0 &&
	       writes_restore_pending(w2, &sp[1], 2000, 50000) == -ENOENT &&
	       writes_pending_count(w2) == 1, "a followed file comes back; one gone since does not");
	tap_ok(writes_restore_pending(w2, &sp[0], 2000, 50000) == -EEXIST, "not twice");
	tap_ok(writes_restore_recent(w2, &sr[0], 2000, 50000) == 0, "the verdict comes back");
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1003 });
	r = writes_on_exec(w2, &judged_id, "/tmp/judged", &ev, 50100);
	tap_ok(r && r->verdict == SEV_HIGH && j.n == 0 && strcmp(r->file.path, "/tmp/judged") == 0,
	       "an exec of the unchanged file uses it: tied to its write, not judged again");
	fs.files[0].mtime = 9;                          /* changed in place since */
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1004 });
	r = writes_on_exec(w2, &judged_id, "/tmp/judged", &ev, 50200);
	writes_get_stats(w2, &st);
	tap_ok(r && j.n == 1 && st.rejudged == 1, "changed since: judged again (no stale verdict)");
	r = writes_on_exec(w2, &pending_id, "/tmp/pending", &ev, 50300);
	tap_ok(r && j.n == 2 && strcmp(j.last_path, "/tmp/pending") == 0 &&
	       strcmp(j.last_cause, "exec") == 0, "the restored followed file is judged at its exec");
	fs.files[1].exists = false;
	tap_ok(writes_restore_recent(w2, &sr[0], 2000, 50000) == 0, "a verdict of a file still there: kept");
	fs.files[0].exists = false;
	tap_ok(writes_restore_recent(w2, &sr[0], 2000, 50000) == -ENOENT, "of a file gone: not kept");
	writes_free(w2);
}

/* The causes' names are the state file's spelling: pinned here, each saved as its name and read
 * back to the same cause (a file saved before the enum still loads). */
static void test_cause_names(void)
{
	static const char *const names[WRITES_CAUSE_COUNT] = {
		"", "stable", "write", "rename", "link", "chmod", "exec", "timeout", "end_of_input",
		"evicted", "shutdown",
	};
	struct state_pending sp = { .age_ms = 10 };
	struct state_snapshot s = { .npending = 1, .pending = &sp }, d;
	const char *why;
	enum writes_cause c;
	uint8_t buf[8192];

	sp.wf.id = (struct file_id){ 254, 1, 77, true };
	sp.wf.writer.pid = 4242;
	for (unsigned i = 0; i < WRITES_CAUSE_COUNT; i++) {
		size_t n = strlen(names[i]);
		long len, k;
		bool found = false;

		sp.wf.settled_by = (enum writes_cause)i;
		len = state_encode(&s, buf, sizeof(buf), NULL);
		for (k = 0; len > 0 && k + 2 + (long)n <= len && !found; k++)
			found = buf[k] == n && buf[k + 1] == 0 && memcmp(buf + k + 2, names[i], n) == 0 &&
				(n || buf[k + 2] == 0);
		tap_ok(strcmp(writes_cause_name(sp.wf.settled_by), names[i]) == 0 &&
		       writes_cause_from_name(names[i], &c) && c == sp.wf.settled_by &&
		       n < WRITES_CAUSE_NAME_MAX && found && state_decode(buf, (size_t)len,
		       &(struct state_limits){ 1, 1, 1 }, &d, &why) == 0 && d.npending == 1 &&
		       d.pending[0].wf.settled_by == sp.wf.settled_by,
		       "cause %u is \"%s\" in alerts and on disk, and reads back", i, names[i]);
		if (len > 0 && !why)
			state_snapshot_free(&d);
		if (i == WRITES_CAUSE_EXEC && found) {  /* "exex", checksum made right: refused */
			uint64_t sum;
			int r;

			buf[k - 1 + 2 + 3] = 'x';
			sum = state_checksum(buf, (size_t)len);
			for (unsigned b = 0; b < 8; b++)
				buf[STATE_CHECKSUM_OFFSET + b] = (uint8_t)(sum >> (8 * b));
			r = state_decode(buf, (size_t)len, &(struct state_limits){ 1, 1, 1 }, &d, &why);
			tap_ok(r == -EBADMSG, "a saved cause not in the table: %s", why);
		}
	}
	c = WRITES_CAUSE_EXEC;
	tap_ok(!writes_cause_from_name("exex", &c) && !writes_cause_from_name("Exec", &c) &&
	       c == WRITES_CAUSE_EXEC && strcmp(writes_cause_name(WRITES_CAUSE_COUNT), "?") == 0,
	       "a name not in the table is no cause");
}

int main(void)
{
	struct config cfg;

	config_defaults(&cfg);
	test_deadline(&cfg);
	test_restore(&cfg);
	test_cause_names();
	config_free(&cfg);
	return tap_done();
}
