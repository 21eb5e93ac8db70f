/* Write tracking: settling, renames, exec bits, exec correlation, bounds and the verdict
 * policy, on hand-built events with a fake file system (files are memfds). */
#include "detect/dropverdict.h"
#include "detect/fileset.h"
#include "tap.h"
#include "writes_fake.h"

static void test_settle(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct writes_stats st;
	struct rec_event ev;
	struct fake_file *f = add_file(&fs, 10, "/tmp/a", true);

	make(&ev, OPEN_CREATE(10, "/tmp/a"));
	writes_on_event(w, &ev, 0);
	tap_is_int(writes_pending_count(w), 1, "a created file is followed");
	writes_tick(w, 100);
	tap_is_int(j.n, 0, "not judged before the first look");
	writes_tick(w, 300);
	f->size = 2000;
	f->mtime = 2;
	writes_tick(w, 600);
	tap_is_int(j.n, 0, "still growing: not judged");
	writes_tick(w, 900);
	tap_ok(j.n == 1 && strcmp(j.last_cause, "stable") == 0, "judged once size and mtime held");
	tap_is_str(j.last_path, "/tmp/a", "path kept");
	writes_tick(w, 5000);
	tap_is_int(j.n, 1, "judged only once");

	/* written again with the same content: not judged twice */
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_WRONLY | O_TRUNC,
				  "/tmp/a", "NORMAL", 10 });
	writes_on_event(w, &ev, 6000);
	writes_tick(w, 6300);
	writes_tick(w, 6600);
	writes_get_stats(w, &st);
	tap_ok(j.n == 1 && st.duplicates == 1, "same (dev, inode, size, mtime) is not judged twice");

	/* relative name against the CWD record; read-only opens ignored */
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_RDONLY, "x",
				  "NORMAL", 11 });
	writes_on_event(w, &ev, 7000);
	tap_is_int(writes_pending_count(w), 0, "read-only open is not a write");

	/* gone before judgement */
	make(&ev, OPEN_CREATE(13, "/tmp/gone"));
	writes_on_event(w, &ev, 9000);
	writes_tick(w, 9300);
	writes_get_stats(w, &st);
	tap_ok(writes_pending_count(w) == 0 && st.gone == 1, "a file gone before judgement is counted");

	/* never settles: judged at max_wait anyway */
	f = add_file(&fs, 14, "/tmp/slow", true);
	make(&ev, OPEN_CREATE(14, "/tmp/slow"));
	writes_on_event(w, &ev, 10000);
	for (long long t = 10000; t <= 10300 + cfg->writes.max_wait_ms; t += 300) {
		f->size += 10;
		writes_tick(w, t);
	}
	writes_get_stats(w, &st);
	tap_ok(j.n == 2 && st.timeouts == 1 && strcmp(j.last_cause, "timeout") == 0,
	       "a file that keeps changing is judged at max_wait");
	writes_free(w);
}

static void test_triggers(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	const struct write_result *r;
	struct rec_event ev;

	add_file(&fs, 20, "/tmp/dl", true);
	make(&ev, OPEN_CREATE(20, "/tmp/.dl.part"));
	writes_on_event(w, &ev, 0);
	/* rename into place: item CREATE is the new name with the moved inode */
	make(&ev, &(struct spec){ REC_RENAME, "rename", 0, 0, 0, "/tmp/dl", "CREATE", 20 });
	writes_on_event(w, &ev, 50);
	writes_tick(w, 60);
	tap_ok(j.n == 1 && strcmp(j.last_cause, "rename") == 0 && strcmp(j.last_path, "/tmp/dl") == 0,
	       "rename into place: judged at once under the new name");

	/* fchmod: PATH has no name, only the inode */
	add_file(&fs, 21, "/tmp/b", true);
	make(&ev, OPEN_CREATE(21, "/tmp/b"));
	writes_on_event(w, &ev, 100);
	make(&ev, &(struct spec){ REC_CHMOD, "fchmod", 3, 0755, 0, NULL, "NORMAL", 21 });
	writes_on_event(w, &ev, 120);
	writes_tick(w, 130);
	tap_ok(j.n == 2 && strcmp(j.last_cause, "chmod") == 0 && strcmp(j.last_path, "/tmp/b") == 0,
	       "fchmod +x of a followed inode: judged at once");
	make(&ev, &(struct spec){ REC_CHMOD, "chmod", 0, 0644, 0, "/tmp/b", "NORMAL", 21 });
	writes_on_event(w, &ev, 140);
	tap_is_int(writes_pending_count(w), 0, "chmod without an exec bit is not a trigger");

	/* exec of a pending file: judged now, correlated */
	add_file(&fs, 22, "/tmp/c", true);
	make(&ev, OPEN_CREATE(22, "/tmp/c"));
	writes_on_event(w, &ev, 200);
	struct file_id id = { 0xfe, 0, 22, true };
	make(&ev, &(struct spec){ REC_EXEC, "execve", .name = "/tmp/c", .nametype = "NORMAL",
				  .ino = 22, .sec = 1010 });
	r = writes_on_exec(w, &id, "/tmp/c", &ev, 210);
	tap_ok(j.n == 3 && r && r->verdict == SEV_HIGH && strcmp(writes_cause_name(r->file.settled_by), "exec") == 0,
	       "exec of a pending file: judged first, then tied to its write");
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1000 + cfg->writes.exec_window_s + 5 });
	tap_ok(writes_on_exec(w, &id, "/tmp/c", &ev, 300) == NULL, "outside the window: not tied");
	struct file_id none = { 0 };
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1020 });
	tap_ok(writes_on_exec(w, &none, "/tmp/c", &ev, 300) != NULL,
	       "without an identity (replay) the path ties it");
	writes_free(w);
}

/* fchmodat2 (452, kernel 6.6; the bundled rules audit it by number): its mode is a2 as for
 * fchmodat, a1 is the path pointer. */
static void test_fchmodat2(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct rec_event ev;

	add_file(&fs, 30, "/tmp/f2", true);
	make(&ev, OPEN_CREATE(30, "/tmp/f2"));
	writes_on_event(w, &ev, 0);
	make(&ev, &(struct spec){ REC_CHMOD, "fchmodat2", (unsigned long long)-100, 0x7ffc0000, 0644,
				  "/tmp/f2", "NORMAL", 30 });
	writes_on_event(w, &ev, 20);
	tap_is_int(writes_pending_count(w), 1, "fchmodat2 without an exec bit in a2 is not a trigger");
	make(&ev, &(struct spec){ REC_CHMOD, "fchmodat2", (unsigned long long)-100, 0x7ffc0000, 0755,
				  "/tmp/f2", "NORMAL", 30 });
	writes_on_event(w, &ev, 40);
	writes_tick(w, 50);
	tap_ok(j.n == 1 && strcmp(j.last_cause, "chmod") == 0 && strcmp(j.last_path, "/tmp/f2") == 0,
	       "fchmodat2 +x (mode in a2) of a followed file: judged at once");
	writes_free(w);
}

static void test_bounds(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct config small = *cfg;
	struct writes *w;
	struct writes_stats st;
	struct rec_event ev;

	small.writes.pending_size = 16;
	small.writes.recent_size = 16;
	w = writes_new(&small, NULL, &wfs, fake_judge, &j);
	add_file(&fs, 1000, "/tmp/f1000", true);
	for (unsigned long i = 0; i < 40; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/tmp/f%lu", 1000 + i);
		make(&ev, OPEN_CREATE(1000 + i, name));
		writes_on_event(w, &ev, (long long)i);
	}
	writes_get_stats(w, &st);
	tap_ok(writes_pending_count(w) == 16 && st.evicted == 24,
	       "pending table stays at its bound; the oldest are judged, not forgotten");
	tap_is_int(j.n, 1, "evicted file that exists was judged (the others were gone)");
	writes_flush(w, 100);
	tap_is_int(writes_pending_count(w), 0, "flush judges everything pending");
	writes_free(w);
}

static void test_policy(struct config *cfg)
{
	struct written_file wf = { 0 };
	struct elf_report rep;
	struct write_verdict v;
	struct write_result wr = { 0 };
	enum dropverdict_why why;

	elf_report_init(&rep);
	elf_report_add(&rep, ELF_R_FOREIGN_ARCH, SEV_HIGH, "e_machine=183");
	elf_report_add(&rep, ELF_R_NO_SECTION_HEADERS, SEV_INFO, "-");
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_HIGH && strcmp(v.mitre->technique, "T1105") == 0,
	       "foreign executable: high, T1105");
	snprintf(wf.trusted_by, sizeof(wf.trusted_by), "/usr/bin/dpkg");
	wf.trust = WRITES_TRUST_IDENTITY;
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_INFO && v.suppressed_by && !v.counts[0],
	       "same file from a package manager: silenced, and it says so");
	elf_report_add(&rep, ELF_R_CLASS_FLIP, SEV_HIGH, "EI_CLASS=1");
	dropverdict_write(&wf, &rep, &v);
	tap_ok(v.severity == SEV_HIGH && v.counts[2] && strcmp(v.mitre->technique, "T1027") == 0,
	       "structural tampering counts even from a trusted producer (T1027)");
	wf.trusted_by[0] = '\0';
	elf_report_init(&rep);
	elf_report_add(&rep, ELF_R_UPX_MAGIC_SCRUBBED, SEV_HIGH, "ABCD");
	dropverdict_write(&wf, &rep, &v);
	tap_is_str(v.mitre->technique, "T1027.002", "scrubbed UPX: software packing");
	wf.download_tool = true;
	dropverdict_write(&wf, &rep, &v);
	tap_is_str(v.mitre->technique, "T1105", "downloaded by a download tool: T1105");

	snprintf(wr.file.path, sizeof(wr.file.path), "/tmp/x");
	wr.verdict = SEV_CRITICAL;
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_CRITICAL, "exec of a critical file: critical");
	wr.verdict = SEV_MEDIUM;
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_HIGH, "exec of a suspicious file: at least high");
	wr.verdict = SEV_INFO;
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_LOW, "clean file run from /tmp: low");
	snprintf(wr.file.path, sizeof(wr.file.path), "/home/u/bin/tool");
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_INFO, "clean file run from home: info");
	wr.file.download_tool = true;
	tap_is_int(dropverdict_exec(cfg, &wr, &why), SEV_HIGH, "downloaded and run: high");
	snprintf(wr.file.trusted_by, sizeof(wr.file.trusted_by), "/usr/bin/*-ld*");
	wr.file.trust = WRITES_TRUST_IDENTITY;
	tap_ok(dropverdict_exec(cfg, &wr, &why) < 0 &&
	       strcmp(dropverdict_why_name(why), "trusted_producer") == 0,
	       "linker output run: not an alert");
}

static void test_writer_class(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	const struct write_result *r;
	struct rec_event ev;
	struct file_id id = { 0xfe, 0, 30, true };

	add_file(&fs, 30, "/tmp/a.out", true);
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_CREAT | O_RDWR,
				  "/tmp/a.out", "CREATE", 30, 0100755, "ld",
				  "/usr/bin/x86_64-linux-gnu-ld.bfd" });
	writes_on_event(w, &ev, 0);
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1001 });
	r = writes_on_exec(w, &id, "/tmp/a.out", &ev, 10);
	tap_ok(r && r->file.trusted_by[0] && r->file.exec_bit, "linker is a trusted producer; mode 0755 seen");

	add_file(&fs, 31, "/tmp/dl", true);
	id.ino = 31;
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_CREAT | O_WRONLY,
				  "/tmp/dl", "CREATE", 31, 0, "wget", "/usr/bin/busybox" });
	writes_on_event(w, &ev, 20);
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1001 });
	r = writes_on_exec(w, &id, "/tmp/dl", &ev, 30);
	tap_ok(r && r->file.download_tool && !r->file.trusted_by[0], "busybox wget is a download tool");

	add_file(&fs, 32, "/tmp/x", true);
	id.ino = 32;
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_CREAT | O_WRONLY,
				  "/tmp/x", "CREATE", 32, 0, "ld", "/tmp/ld" });
	writes_on_event(w, &ev, 40);
	r = writes_on_exec(w, &id, "/tmp/x", &ev, 50);
	tap_ok(r && !r->file.trusted_by[0], "a program named ld outside system dirs is not trusted");
	writes_free(w);
}

/* The default trusted producers name linkers exactly: /usr/bin/ldd is a bash script (it
 * sources $BASH_ENV) and /usr/bin/ld.so is the loader (it runs any program), so "ld*" would
 * trust whatever they write. */
static void test_trusted_defaults(struct config *cfg)
{
	static const struct {
		const char *exe, *image;
		bool trusted;
	} rows[] = {
		{ "/usr/bin/x86_64-linux-gnu-ld.bfd", "/usr/bin/ld", true },
		{ "/usr/bin/x86_64-linux-gnu-ld.gold", "", true },
		{ "/usr/bin/aarch64-linux-gnu-ld", "", true },
		{ "/usr/bin/ld.lld-14", "", true },
		{ "/usr/bin/bash", "/usr/bin/ldd", false },
		{ "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/bin/ld.so", false },
		{ "/usr/bin/ld-musl-config", "", false },
	};

	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct written_file wf;

		memset(&wf, 0, sizeof(wf));
		snprintf(wf.writer.exe, sizeof(wf.writer.exe), "%s", rows[i].exe);
		snprintf(wf.writer.image, sizeof(wf.writer.image), "%s", rows[i].image);
		writes_classify_writer(w, &wf);
		tap_ok((wf.trusted_by[0] != '\0') == rows[i].trusted, "writer %s (image %s) trusted=%d%s%s",
		       rows[i].exe, rows[i].image[0] ? rows[i].image : "-", rows[i].trusted,
		       wf.trusted_by[0] ? " by " : "", wf.trusted_by);
	}
	writes_free(w);
}
/* The record shapes of a file written where no create/truncate record names it (the live
 * kernel's, tests/live scenarios W32-W34): an O_TMPFILE open names only the directory; the
 * linkat that names the inode has a PARENT, the old name ("/proc/self/fd/N" with
 * AT_SYMLINK_FOLLOW, "" with AT_EMPTY_PATH) as NORMAL and the new name as CREATE, both with the
 * inode; an O_WRONLY open of an existing file has one NORMAL item. */
static void test_unrecorded_writes(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct rec_event ev;

	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
				  O_TMPFILE | O_WRONLY, "/tmp/wo", "NORMAL", 2, 040755 });
	writes_on_event(w, &ev, 0);
	tap_is_int(writes_pending_count(w), 0, "O_TMPFILE open: the directory item is not followed");

	for (int round = 0; round < 2; round++) {
		unsigned long ino = 50 + (unsigned long)round;
		const char *dst = round ? "/tmp/wo/linked-empty" : "/tmp/wo/linked-proc";

		add_file(&fs, ino, dst, true);
		make(&ev, &(struct spec){ REC_LINK, "linkat", round ? 3 : (unsigned long long)-100, 0,
					  (unsigned long long)-100, round ? "" : "/proc/self/fd/3",
					  "NORMAL", ino, 0100755 });
		ev.paths[2] = ev.paths[1];
		ev.paths[2].item = 2;
		ev.paths[2].name = S(dst);
		snprintf(ev.paths[2].nametype, sizeof(ev.paths[2].nametype), "CREATE");
		ev.npaths = ev.paths_seen = 3;
		writes_on_event(w, &ev, 10 + round);
		writes_tick(w, 20 + round);
		tap_ok(j.n == round + 1 && strcmp(j.last_cause, "link") == 0 &&
		       strcmp(j.last_path, dst) == 0,
		       round ? "linkat(fd, \"\", AT_EMPTY_PATH) of an unseen inode: judged at once, new name"
			     : "linkat(\"/proc/self/fd/N\", AT_SYMLINK_FOLLOW): judged at once, new name");
	}

	add_file(&fs, 52, "/tmp/wo/ow", true);
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_WRONLY,
				  "/tmp/wo/ow", "NORMAL", 52 });
	writes_on_event(w, &ev, 100);
	tap_is_int(writes_pending_count(w), 1, "O_WRONLY open of an existing file (no O_CREAT|O_TRUNC) is followed");
	make(&ev, &(struct spec){ REC_OPEN, "open", 0, O_RDWR | O_APPEND, 0, "/tmp/wo/ow", "NORMAL", 52 });
	writes_on_event(w, &ev, 110);
	tap_is_int(writes_pending_count(w), 1, "an O_RDWR|O_APPEND open of it joins the same follow");
	writes_free(w);
}

static int fake_find_dir(void *ctx, const struct pattern_list *roots, const struct file_id *id,
			 char *out, size_t cap)
{
	(void)ctx, (void)roots;
	if (id->ino == 501)
		snprintf(out, cap, "/tmp/src");
	else if (id->ino == 502)
		snprintf(out, cap, "/tmp/dst");
	else
		return -ENOENT;
	return 0;
}

/* renameat(srcfd, "a", dstfd, "b") after the writer exited: no /proc, two PARENT items in
 * either order; only the identity check can tell which directory holds the new name. */
static void test_dirfd(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, fake_find_dir, &fs };
	struct judged j = { .verdict = SEV_HIGH };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &j);
	struct rec_event ev;

	add_file(&fs, 40, "/tmp/dst/b", true);
	make(&ev, &(struct spec){ REC_RENAME, "renameat", 3, 0, 4, "b", "CREATE", 40 });
	ev.paths[0].id.ino = 502;       /* destination directory first ... */
	ev.paths[2] = ev.paths[1];
	ev.paths[1] = ev.paths[0];
	ev.paths[1].item = 1;
	ev.paths[1].id.ino = 501;       /* ... then the source directory, as the kernel did */
	ev.paths[2].item = 2;
	ev.npaths = ev.paths_seen = 3;
	writes_on_event(w, &ev, 0);
	writes_tick(w, 10);
	tap_is_str(j.last_path, "/tmp/dst/b", "renameat with dirfds: the directory holding that inode wins");

	ev.paths[0].id.ino = 501;
	ev.paths[1].id.ino = 502;
	ev.paths[2].id.ino = 41;
	add_file(&fs, 41, "/tmp/dst/b2", true);
	ev.paths[2].name = S("b2");
	writes_on_event(w, &ev, 20);
	writes_tick(w, 30);
	tap_is_str(j.last_path, "/tmp/dst/b2", "the other order too");

	/* a dirfd pointed elsewhere by the time we looked: the stored name is wrong, the exec's
	 * own name holds the inode and wins */
	add_file(&fs, 42, "/tmp/real/payload", true);
	make(&ev, OPEN_CREATE(42, "/tmp/guess/payload"));
	writes_on_event(w, &ev, 40);
	struct file_id id = { 0xfe, 0, 42, true };
	make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1001 });
	tap_ok(writes_on_exec(w, &id, "/tmp/real/payload", &ev, 50) != NULL &&
	       strcmp(j.last_path, "/tmp/real/payload") == 0,
	       "exec under the true name rescues a wrongly guessed path");
	writes_free(w);
}

/* A trusted producer is trusted for what it is: when its exec was seen, the file it ran must
 * be one the trusted_producers patterns name. */
static void test_trusted_identity(struct config *cfg)
{
	char tool[] = "/tmp/elfwatch-test-ld-XXXXXX";
	int tfd = mkstemp(tool);
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct judged j = { 0 };
	struct proctable *pt = proctable_new(16);
	struct writes *w = writes_new(cfg, pt, &wfs, fake_judge, &j);
	struct pattern_list one = { (char *[]){ tool }, 1 };
	struct fileset *ids = fileset_resolve(&one);
	const struct write_result *r;
	struct rec_event ev;
	struct stat st;

	if (tfd < 0 || fstat(tfd, &st) < 0) {
		tap_skip("cannot create a temporary file");
		return;
	}
	writes_set_trusted(w, ids);
	for (int round = 0; round < 2; round++) {
		struct file_id id = { 0xfe, 0, 50 + (unsigned)round, true };

		/* the writer's exec: PATH item 0 is the linker's file, or another one */
		make(&ev, &(struct spec){ REC_EXEC, "execve", .name = "/usr/bin/ld", .nametype = "NORMAL",
					  .ino = 1, .comm = "ld", .exe = "/usr/bin/x86_64-linux-gnu-ld.bfd",
					  .pid = 300 + round });
		ev.paths[1].item = 0;
		ev.paths[1].id = file_id_from_stat(&st);
		if (round == 1)
			ev.paths[1].id.ino++;
		ev.paths[0] = ev.paths[1];
		ev.npaths = 1;
		proctable_record_exec(pt, &ev);
		add_file(&fs, id.ino, round ? "/tmp/o2" : "/tmp/o1", true);
		make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0,
					  O_CREAT | O_WRONLY, round ? "/tmp/o2" : "/tmp/o1", "CREATE", id.ino,
					  0, "ld", "/usr/bin/x86_64-linux-gnu-ld.bfd", 300 + round });
		writes_on_event(w, &ev, 0);
		make(&ev, &(struct spec){ REC_EXEC, "execve", .sec = 1001 });
		r = writes_on_exec(w, &id, round ? "/tmp/o2" : "/tmp/o1", &ev, 10);
		if (round == 0)
			tap_ok(r && r->file.trusted_by[0], "the linker's own file: trusted");
		else
			tap_ok(r && !r->file.trusted_by[0], "the linker's name on another inode: not trusted");
	}
	writes_free(w);
	fileset_free(ids);
	proctable_free(pt);
	close(tfd);
	unlink(tool);
}

/* The name hook (linker hijacks): every write event's resolved name, before the mode and type
 * filters; a false return keeps a file not followed yet from being followed. */
struct hooked {
	struct judged j;                /* first: fake_judge takes the same context */
	int n;
	char path[WRITES_PATH_MAX], op[16];
	bool follow;
};

static bool record_name(void *ctx, const struct rec_event *ev, const struct file_id *id,
			const char *path, enum writes_cause op)
{
	struct hooked *h = ctx;

	(void)ev, (void)id;
	h->n++;
	snprintf(h->path, sizeof(h->path), "%s", path);
	snprintf(h->op, sizeof(h->op), "%s", writes_cause_name(op));
	return h->follow;
}

static void test_name_hook(struct config *cfg)
{
	struct fake_fs fs = { 0 };
	struct writes_fs wfs = { fake_stat, fake_open, NULL, NULL, &fs };
	struct hooked h = { .j = { .verdict = SEV_HIGH }, .follow = true };
	struct writes *w = writes_new(cfg, NULL, &wfs, fake_judge, &h);
	struct writes_stats st;
	struct rec_event ev;

	writes_set_name_hook(w, record_name);
	make(&ev, &(struct spec){ REC_CHMOD, "fchmodat", (unsigned long long)-100, 0x7ffc0000, 0666,
				  "/etc/ld.so.preload", "NORMAL", 40 });
	writes_on_event(w, &ev, 0);
	tap_ok(h.n == 1 && strcmp(h.op, "chmod") == 0 && strcmp(h.path, "/etc/ld.so.preload") == 0 &&
	       writes_pending_count(w) == 0, "chmod 666 (no exec bit): named to the hook, not followed");
	make(&ev, &(struct spec){ REC_RENAME, "rename", 0, 0, 0, "/etc/ld.so.preload", "CREATE", 41,
				  0120777 });
	writes_on_event(w, &ev, 10);
	tap_ok(h.n == 2 && strcmp(h.op, "rename") == 0 && writes_pending_count(w) == 0,
	       "a symlink renamed over: named to the hook, not followed");
	make(&ev, &(struct spec){ REC_OPEN, "openat", (unsigned long long)-100, 0, O_WRONLY | O_APPEND,
				  "ld.so.preload", "NORMAL", 42 });
	ev.cwd = S("/etc");
	writes_on_event(w, &ev, 20);
	tap_ok(h.n == 3 && strcmp(h.op, "write") == 0 && strcmp(h.path, "/etc/ld.so.preload") == 0,
	       "append by a relative name: resolved against the CWD record");
	h.follow = false;
	make(&ev, OPEN_CREATE(43, "/usr/lib/x86_64-linux-gnu/libq.so.1"));
	writes_on_event(w, &ev, 30);
	writes_get_stats(w, &st);
	tap_ok(h.n == 4 && writes_pending_count(w) == 1 && st.not_followed == 1,
	       "the hook says no: a new file is not followed (counted)");
	h.follow = true;
	make(&ev, OPEN_CREATE(44, "/usr/lib/x86_64-linux-gnu/libz.so.1"));
	writes_on_event(w, &ev, 40);
	tap_ok(h.n == 5 && writes_pending_count(w) == 2, "the hook says yes: followed");
	writes_free(w);
}

int main(void)
{
	struct config cfg;

	config_defaults(&cfg);
	test_settle(&cfg);
	test_triggers(&cfg);
	test_fchmodat2(&cfg);
	test_unrecorded_writes(&cfg);
	test_bounds(&cfg);
	test_policy(&cfg);
	test_writer_class(&cfg);
	test_trusted_defaults(&cfg);
	test_dirfd(&cfg);
	test_trusted_identity(&cfg);
	test_name_hook(&cfg);
	config_free(&cfg);
	return tap_done();
}
