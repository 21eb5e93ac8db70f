/* Write tracking against a hostile writer: files that are not ELF yet, files that cannot be
 * opened (lease, EACCES, ELOOP, another inode), verdicts keyed by (dev, inode, size, mtime),
 * and trusted producers whose exec was not seen. */
#include "detect/dropverdict.h"
#include "detect/fileset.h"
#include "tap.h"
#include "writes_fake.h"

/* A file that was not ELF at a look stays followed until max_wait_ms: content written in place
 * later (O_WRONLY without O_TRUNC leaves no audit record) is judged; size or mtime changes
 * start the settle clock again. */
static void test_not_elf_followed(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	long long mw = cfg->writes.max_wait_ms;
	struct writes_stats st;
	struct rec_event ev;
	struct fake_file *f = add_file(&fs, 60, "/tmp/inplace", false);
	struct fake_file *g = add_file(&fs, 61, "/tmp/notes", false);
	int opens;

	f->size = 0;                    /* created empty */
	make(&ev, OPEN_CREATE(60, "/tmp/inplace"));
	writes_on_event(w, &ev, 0);
	make(&ev, OPEN_CREATE(61, "/tmp/notes"));
	writes_on_event(w, &ev, 0);
	writes_tick(w, 300);
	writes_tick(w, 600);
	writes_get_stats(w, &st);
	tap_ok(writes_pending_count(w) == 2 && st.not_elf == 0 && j.n == 0,
	       "settled and not ELF: still followed, not counted as not ELF yet");
	opens = fs.opens;
	for (long long t = 900; t <= 2400; t += 300)
		writes_tick(w, t);
	tap_is_int(fs.opens, opens, "an unchanged non-ELF file is only looked at, never reopened");
	/* overwritten in place with an ELF at 2.5 s: no audit record */
	f->elf = true;
	f->size = 900;
	f->mtime = 3;
	for (long long t = 2500; t <= 7500; t += 100)
		writes_tick(w, t);
	writes_get_stats(w, &st);
	tap_ok(j.n == 1 && strcmp(j.last_path, "/tmp/inplace") == 0 &&
	       strcmp(j.last_cause, "stable") == 0 && st.changed_after_look == 1,
	       "empty at the first looks, then an ELF written in place: judged once it settles");
	/* the other one never changes: it leaves at max_wait as not ELF, never as unjudged */
	g->mtime = 1;
	for (long long t = 7600; t <= mw + 300; t += 300)
		writes_tick(w, t);
	writes_get_stats(w, &st);
	tap_ok(writes_pending_count(w) == 0 && st.not_elf == 1 && st.timeouts == 0 &&
	       st.unjudged == 0 && j.n == 1, "a file that stays non-ELF leaves at max_wait, counted not ELF");

	/* a download growing: every size or mtime change restarts the clock */
	f = add_file(&fs, 62, "/tmp/grow", true);
	make(&ev, OPEN_CREATE(62, "/tmp/grow"));
	writes_on_event(w, &ev, 20000);
	writes_tick(w, 20300);
	f->size += 1;
	writes_tick(w, 20600);
	f->mtime = 9;
	writes_tick(w, 20900);
	f->size += 1;
	writes_tick(w, 21200);
	tap_is_int(j.n, 1, "size and mtime changes reset the settle clock");
	writes_tick(w, 21500);
	tap_ok(j.n == 2 && strcmp(j.last_path, "/tmp/grow") == 0, "judged after two equal looks");

	/* chmod +x while still empty (the trigger), content after: not dropped at the trigger */
	f = add_file(&fs, 63, "/tmp/chx", false);
	f->size = 0;
	make(&ev, OPEN_CREATE(63, "/tmp/chx"));
	writes_on_event(w, &ev, 30000);
	make(&ev, &(struct spec){ REC_CHMOD, "chmod", 0, 0755, 0, "/tmp/chx", "NORMAL", 63 });
	writes_on_event(w, &ev, 30010);
	writes_tick(w, 30020);
	tap_is_int(writes_pending_count(w), 1, "chmod +x of an empty file: still followed");
	f->elf = true;
	f->size = 700;
	f->mtime = 5;
	for (long long t = 30300; t <= 32400; t += 300)
		writes_tick(w, t);
	tap_ok(j.n == 3 && strcmp(j.last_path, "/tmp/chx") == 0, "then written in place: judged");
	writes_free(w);
}

/* Following a text file costs few looks: each is an openat2 the bundled rules audit in the
 * watched directories. */
static void test_not_elf_cost(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct writes_stats st;
	struct rec_event ev;

	add_file(&fs, 95, "/tmp/log.txt", false);
	make(&ev, OPEN_CREATE(95, "/tmp/log.txt"));
	writes_on_event(w, &ev, 0);
	for (long long t = 100; t <= cfg->writes.max_wait_ms + 100; t += 100)
		writes_tick(w, t);
	writes_get_stats(w, &st);
	tap_ok(st.not_elf == 1 && fs.stats + fs.opens <= 5,
	       "a text file followed for max_wait_ms: %d looks and opens (at most 5)", fs.stats + fs.opens);
	writes_free(w);
}

/* Non-ELF files are followed for max_wait_ms, so a write flood fills the table: the settled
 * non-ELF files make room first, not an ELF still being downloaded (it would be judged
 * half-written). */
static void test_eviction_order(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct config small = *cfg;
	struct writes *w;
	struct writes_stats st;
	struct rec_event ev;
	struct fake_file *dl;

	small.writes.pending_size = 16;
	w = writes_new(&small, NULL, &wfs, fake_judge, &j);
	dl = add_file(&fs, 2000, "/tmp/download", true);
	make(&ev, OPEN_CREATE(2000, "/tmp/download"));
	writes_on_event(w, &ev, 0);
	for (unsigned long i = 0; i < 15; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/tmp/t%lu", 2001 + i);
		add_file(&fs, 2001 + i, name, false);
		make(&ev, OPEN_CREATE(2001 + i, name));
		writes_on_event(w, &ev, 10);
	}
	for (long long t = 300; t <= 900; t += 300) {
		dl->size += 4096;       /* the download keeps growing */
		writes_tick(w, t);
	}
	for (unsigned long i = 0; i < 5; i++) {
		make(&ev, OPEN_CREATE(3000 + i, "/tmp/more"));
		writes_on_event(w, &ev, 1000);
	}
	writes_get_stats(w, &st);
	tap_ok(st.evicted == 5 && j.n == 0 && writes_pending_find(w, &dl->id) != NULL,
	       "table full: settled non-ELF files are evicted first, the growing ELF stays followed");
	writes_free(w);
}

/* An open that fails is not "not ELF": retried until max_wait_ms, then reported. */
static void test_unjudged(struct config *cfg)
{
	static const struct {
		int stat_err, open_err;
		const char *reason;
	} rows[] = {
		{ 0, -EWOULDBLOCK, "lease" },
		{ 0, -EACCES, "permission_denied" },
		{ -ELOOP, 0, "symlink_in_path" },
		{ 0, -ELOOP, "symlink_in_path" },
		{ -ESTALE, 0, "identity_changed" },
		{ -EINVAL, 0, "identity_changed" },
		{ -EREMOTE, 0, "unsafe_mount" },
		{ 0, -EIO, "open_failed" },
	};
	static const int relative_errs[] = { -EREMOTE, -EINVAL, -EACCES };
	long long mw = cfg->writes.max_wait_ms;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fake_fs fs = { 0 };
		struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
		struct judged j = { 0 };
		struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
		struct fake_file *f = add_file(&fs, 70, "/tmp/locked", true);
		struct writes_stats st;
		struct rec_event ev;

		writes_set_unjudged_hook(w, fake_unjudged);
		f->stat_err = rows[i].stat_err;
		f->open_err = rows[i].open_err;
		make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
					  O_CREAT | O_WRONLY | O_TRUNC, "/tmp/locked", "CREATE", 70, 0100755 });
		writes_on_event(w, &ev, 0);
		for (long long t = 300; t < mw; t += 300)
			writes_tick(w, t);
		writes_get_stats(w, &st);
		tap_ok(writes_pending_count(w) == 1 && st.not_elf == 0 && st.gone == 0 &&
		       j.unjudged == 0 && st.open_failures > 1,
		       "%s: retried until max_wait, never counted not ELF", rows[i].reason);
		writes_tick(w, mw);
		writes_get_stats(w, &st);
		tap_ok(j.unjudged == 1 && j.n == 0 && st.unjudged == 1 && writes_pending_count(w) == 0 &&
		       strcmp(writes_unjudged_name(j.last_unjudged.unjudged), rows[i].reason) == 0 &&
		       j.last_unjudged.exec_candidate && j.last_unjudged.attempts > 1 &&
		       j.last_unjudged.waited_ms == mw && j.last_unjudged.unjudged_errno != 0,
		       "%s: reported as not judged at max_wait (reason %s, %u attempts)", rows[i].reason,
		       writes_unjudged_name(j.last_unjudged.unjudged), j.last_unjudged.attempts);
		writes_free(w);
	}
	/* a name left relative (its dirfd's directory was gone): whatever the live side answers,
	 * the file has no name to open; counted, not alerted */
	for (size_t i = 0; i < sizeof(relative_errs) / sizeof(relative_errs[0]); i++) {
		struct fake_fs fs = { 0 };
		struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
		struct judged j = { 0 };
		struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
		struct fake_file *f = add_file(&fs, 77, "conftest.one", true);
		struct rec_event ev;
		enum dropverdict_why why;

		writes_set_unjudged_hook(w, fake_unjudged);
		f->stat_err = relative_errs[i];
		make(&ev, &(struct spec){ REC_OPEN, "openat", 5, 0, O_CREAT | O_WRONLY | O_TRUNC,
					  "conftest.one", "CREATE", 77, 0100755 });
		writes_on_event(w, &ev, 0);
		for (long long t = 300; t <= mw + 300; t += 300)
			writes_tick(w, t);
		tap_ok(j.unjudged == 1 && j.last_unjudged.unjudged == WRITES_UJ_NO_NAME &&
		       dropverdict_unjudged(&j.last_unjudged, &why) < 0,
		       "relative name, look fails with %s: no_name, not alerted", strerrorname_np(-relative_errs[i]));
		writes_free(w);
	}
}

/* What becomes of files that could not be judged: the exec retries (a lease breaks when the
 * file is run), candidates only are alerted, a deleted-and-replaced name is not an evasion. */
static void test_unjudged_lifecycle(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	long long mw = cfg->writes.max_wait_ms;
	struct file_id id = { 0xfe, 0, 71, true };
	const struct write_result *r;
	struct writes_stats st;
	struct rec_event ev;
	enum dropverdict_why why;
	struct fake_file *f = add_file(&fs, 71, "/tmp/leased", true);

	writes_set_unjudged_hook(w, fake_unjudged);
	f->open_err = -EWOULDBLOCK;
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
				  O_CREAT | O_WRONLY | O_TRUNC, "/tmp/leased", "CREATE", 71, 0100755 });
	writes_on_event(w, &ev, 0);
	for (long long t = 300; t <= mw + 300; t += 300)
		writes_tick(w, t);
	tap_is_int(j.unjudged, 1, "leased executable: reported once");
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1005 });
	r = writes_on_exec(w, &id, "/tmp/leased", &ev, mw + 400);
	tap_ok(r && r->unjudged == WRITES_UJ_LEASE && j.unjudged == 1 && j.n == 0,
	       "run while still closed: tied to its write, not reported twice");
	tap_is_int(r ? dropverdict_exec(cfg, r, &why) : -1, SEV_HIGH, "running a file that could not be judged: high");
	f->open_err = 0;
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1006 });
	r = writes_on_exec(w, &id, "/tmp/leased", &ev, mw + 500);
	tap_ok(r && !r->unjudged && r->verdict == SEV_HIGH && j.n == 1 &&
	       strcmp(j.last_cause, "exec") == 0, "lease gone at the next exec: judged then");

	/* written again later (a new write of the same inode) and still leased: a new report */
	f = add_file(&fs, 79, "/tmp/again", true);
	f->open_err = -EWOULDBLOCK;
	for (int round = 0; round < 2; round++) {
		long long t0 = 100000 + round * 20000;

		make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
					  O_CREAT | O_WRONLY | O_TRUNC, "/tmp/again", "CREATE", 79, 0100755,
					  .sec = 1100 + round * 20 });
		writes_on_event(w, &ev, t0);
		for (long long t = t0 + 300; t <= t0 + mw + 300; t += 300)
			writes_tick(w, t);
	}
	tap_is_int(j.unjudged, 3, "the same inode written again and still unreadable: reported again");
	f->exists = false;
	j.unjudged = 1;

	/* released before max_wait: judged, nothing reported */
	f = add_file(&fs, 72, "/tmp/brief", true);
	f->open_err = -EWOULDBLOCK;
	make(&ev, OPEN_CREATE(72, "/tmp/brief"));
	writes_on_event(w, &ev, 20000);
	writes_tick(w, 20300);
	writes_tick(w, 20600);
	f->open_err = 0;
	writes_tick(w, 20900);
	tap_ok(j.n == 2 && j.unjudged == 1, "a lease released within max_wait: judged, not reported");

	/* not an executable candidate (no exec bit, not a download tool, never seen ELF) */
	f = add_file(&fs, 73, "/tmp/doc", true);
	f->open_err = -EACCES;
	make(&ev, OPEN_CREATE(73, "/tmp/doc"));
	writes_on_event(w, &ev, 30000);
	for (long long t = 30300; t <= 30000 + mw + 300; t += 300)
		writes_tick(w, t);
	tap_ok(j.unjudged == 2 && !j.last_unjudged.exec_candidate &&
	       dropverdict_unjudged(&j.last_unjudged, &why) < 0 &&
	       strcmp(dropverdict_why_name(why), "not_exec_candidate") == 0,
	       "not a candidate: handed over, counted, not alerted");
	id.ino = 73;
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1040 });
	tap_ok(writes_on_exec(w, &id, "/tmp/doc", &ev, 30000 + mw + 400) == NULL,
	       "... and not kept for exec correlation");

	/* deleted and recreated at the same name (ld relinking): the old inode is not an evasion */
	f = add_file(&fs, 74, "/tmp/a.out", true);
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
				  O_CREAT | O_RDWR | O_TRUNC, "/tmp/a.out", "CREATE", 74, 0100755 });
	writes_on_event(w, &ev, 40000);
	f->exists = false;
	add_file(&fs, 75, "/tmp/a.out", true);
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
				  O_CREAT | O_RDWR | O_TRUNC, "/tmp/a.out", "CREATE", 75, 0100755 });
	writes_on_event(w, &ev, 40100);
	f = add_file(&fs, 74, "/tmp/a.out", true);   /* the old inode, seen under the name of 75 */
	f->stat_err = -ESTALE;
	for (long long t = 40300; t <= 40000 + mw + 300; t += 300)
		writes_tick(w, t);
	writes_get_stats(w, &st);
	tap_ok(j.unjudged == 2 && st.replaced == 1 && j.n == 3,
	       "old inode replaced by a newer written file: counted, not reported");

	/* the engine cannot read it: not "not ELF" either */
	j.fail = -EIO;
	f = add_file(&fs, 76, "/tmp/unreadable", true);
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
				  O_CREAT | O_WRONLY | O_TRUNC, "/tmp/unreadable", "CREATE", 76, 0100755 });
	writes_on_event(w, &ev, 60000);
	for (long long t = 60300; t <= 60000 + mw + 300; t += 300)
		writes_tick(w, t);
	tap_ok(j.unjudged == 3 && j.last_unjudged.unjudged == WRITES_UJ_READ_ERROR &&
	       dropverdict_unjudged(&j.last_unjudged, &why) == SEV_MEDIUM,
	       "engine read error: reported (read_error, medium)");
	j.fail = 0;
	writes_free(w);
}

/* Verdicts are remembered by (dev, inode, size, mtime): a file changed in place after its
 * verdict is judged again when it runs; an unchanged one is not. */
static void test_verdict_key(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_INFO };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct file_id id = { 0xfe, 0, 90, true };
	const struct write_result *r;
	struct writes_stats st;
	struct rec_event ev;
	struct fake_file *f = add_file(&fs, 90, "/tmp/tool", true);

	make(&ev, OPEN_CREATE(90, "/tmp/tool"));
	writes_on_event(w, &ev, 0);
	writes_tick(w, 300);
	writes_tick(w, 600);
	tap_is_int(j.n, 1, "judged once settled");
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1002 });
	r = writes_on_exec(w, &id, "/tmp/tool", &ev, 2000);
	tap_ok(r && j.n == 1, "run unchanged: the verdict stands");
	f->size = 5000;                 /* rewritten in place, no audit record */
	f->mtime = 7;
	j.verdict = SEV_CRITICAL;
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1003 });
	r = writes_on_exec(w, &id, "/tmp/tool", &ev, 3000);
	writes_get_stats(w, &st);
	tap_ok(r && j.n == 2 && r->verdict == SEV_CRITICAL && st.rejudged == 1 &&
	       strcmp(writes_cause_name(r->file.settled_by), "exec") == 0 && strcmp(r->file.trigger_event, ev.id) == 0,
	       "run after a change in place: judged again, the new verdict wins");
	writes_free(w);
}

/* Trusted by name alone (the writer's exec was not seen: started before elfwatch, or pushed
 * out of the process table): mild findings are silenced, foreign or tampered ones are not. */
static void test_trust_by_name(struct config *cfg)
{
	char tool[] = "/tmp/elfwatch-test-dpkg-XXXXXX";
	int tfd = mkstemp(tool);
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct proctable *pt = proctable_new(16);
	struct pattern_list one = { (char *[]){ tool }, 1 };
	struct config c = *cfg;
	struct writes *w = writes_new(&c, pt, &wfs, fake_judge, &j);
	struct fileset *ids = fileset_resolve(&one);
	struct written_file wf;
	struct write_result wr;
	struct elf_report rep;
	struct write_verdict v;
	struct rec_event ev;
	struct stat st;
	enum dropverdict_why why;

	if (tfd < 0 || fstat(tfd, &st) < 0) {
		tap_skip("cannot create a temporary file");
		return;
	}
	c.writes.trusted_producers = one;
	writes_set_trusted(w, ids);
	/* the producer's exec, seen */
	make(&ev, &(struct spec){ REC_EXEC, "execve", .name = tool, .nametype = "NORMAL", .ino = 1,
				  .comm = "dpkg", .exe = tool, .pid = 400 });
	ev.paths[1].item = 0;
	ev.paths[1].id = file_id_from_stat(&st);
	ev.paths[0] = ev.paths[1];
	ev.npaths = 1;
	proctable_record_exec(pt, &ev);
	make(&ev, &(struct spec){ REC_OPEN, "openat", .comm = "dpkg", .exe = tool, .pid = 400 });
	memset(&wf, 0, sizeof(wf));
	writes_snapshot_writer(w, &ev, &wf);
	writes_classify_writer(w, &wf);
	tap_ok(wf.trusted_by[0] && wf.trust == WRITES_TRUST_IDENTITY, "exec seen, identity matches: trusted");
	/* an exec flood pushes it out of the process table */
	for (int i = 0; i < 64; i++) {
		make(&ev, &(struct spec){ REC_EXEC, "execve", .name = "/bin/true", .nametype = "NORMAL",
					  .ino = 2, .comm = "true", .exe = "/usr/bin/true", .pid = 1000 + i });
		proctable_record_exec(pt, &ev);
	}
	make(&ev, &(struct spec){ REC_OPEN, "openat", .comm = "dpkg", .exe = tool, .pid = 400 });
	memset(&wf, 0, sizeof(wf));
	writes_snapshot_writer(w, &ev, &wf);
	writes_classify_writer(w, &wf);
	tap_ok(wf.trusted_by[0] && wf.trust == WRITES_TRUST_NAME,
	       "exec evicted from the process table: trusted by name only");

	elf_report_init(&rep);
	elf_report_add(&rep, ELF_R_RWX_LOAD, SEV_MEDIUM, "1 RWX load");
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_INFO && v.suppressed_by &&
	       strcmp(dropverdict_why_name(v.suppressed_by), "trusted_producer_name") == 0,
	       "by name: a mild finding is silenced, and it says how");
	elf_report_add(&rep, ELF_R_FOREIGN_ARCH, SEV_HIGH, "e_machine=183");
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_HIGH && v.counts[1] && !v.counts[0],
	       "by name: a foreign binary counts (T1105 verdict)");
	elf_report_init(&rep);
	elf_report_add(&rep, ELF_R_UPX_PACKED, SEV_HIGH, "UPX!");
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_HIGH, "by name: a packed binary counts");

	memset(&wr, 0, sizeof(wr));
	wr.file = wf;
	snprintf(wr.file.path, sizeof(wr.file.path), "/tmp/x");
	wr.verdict = SEV_HIGH;
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_HIGH, "by name: running its foreign output alerts");
	wr.verdict = SEV_INFO;
	tap_ok(dropverdict_exec(cfg, &wr, &why) < 0 &&
	       strcmp(dropverdict_why_name(why), "trusted_producer_name") == 0,
	       "by name: running its clean output does not");
	wr.unjudged = WRITES_UJ_LEASE;
	wr.exec_candidate = true;
	tap_is_int(dropverdict_unjudged(&wr, &why), SEV_MEDIUM, "by name: an unjudged file is medium");
	wr.file.trust = WRITES_TRUST_IDENTITY;
	tap_is_int(dropverdict_unjudged(&wr, &why), SEV_LOW,
		   "identity-checked producer: an unjudged file is low");
	writes_free(w);
	fileset_free(ids);
	proctable_free(pt);
	close(tfd);
	unlink(tool);
}

int main(void)
{
	struct config cfg;

	config_defaults(&cfg);
	test_not_elf_followed(&cfg);
	test_not_elf_cost(&cfg);
	test_eviction_order(&cfg);
	test_unjudged(&cfg);
	test_unjudged_lifecycle(&cfg);
	test_verdict_key(&cfg);
	test_trust_by_name(&cfg);
	config_free(&cfg);
	return tap_done();
}
