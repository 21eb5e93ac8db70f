#include "engine/engine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine_internal.h"
#include "engine/engine_state.h"
#include "engine/engine_storm.h"
#include "sys/log.h"

#include "detect/mitre.h"
#include "util/path.h"

#define MOUNTS_REFRESH_MS 5000      /* besides the poll on every look */
#define FILESETS_REFRESH_MS 60000

/* a pattern list's identities: the recording's in a replay given them, else this host's */
static struct fileset *engine_fileset(const struct engine *en, const struct pattern_list *pl)
{
	return en->opts.recorded ? fileset_resolve_recorded(pl, en->opts.recorded) :
				   fileset_resolve(pl);
}

static int engine_resolve_loaders(const struct engine *en, const struct config *cfg,
				  struct loader_set **ret)
{
	struct loader_set *ls = loader_set_new();
	int r;

	if (!ls)
		return -ENOMEM;
	r = en->opts.recorded ?
		loader_set_resolve_recorded(ls, &cfg->loader.paths, en->opts.recorded) :
		loader_set_resolve(ls, &cfg->loader.paths);
	if (r < 0) {
		loader_set_free(ls);
		return r;
	}
	if (loader_set_count(ls) == 0)
		log_warn("no dynamic loader found under loader.paths: only exe path patterns "
			 "and ELF content will recognise loaders");
	*ret = ls;
	return 0;
}

static void engine_judge_written(void *ctx, const struct written_file *wf, int fd,
				 const struct stat *st, struct write_result *ret);
static void engine_unjudged_written(void *ctx, const struct write_result *wr);
static long long engine_clock(struct engine *en, const struct rec_event *ev);

int engine_init(struct engine *en, struct config *cfg, const struct engine_options *opts)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	struct writes_fs fs;
	int r;

	memset(en, 0, sizeof(*en));
	en->state.dirfd = en->state.fd = -1;
	en->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	en->opts = *opts;
	if (gethostname(en->hostname, sizeof(en->hostname) - 1) < 0)
		snprintf(en->hostname, sizeof(en->hostname), "unknown");
	elf_host_detect(&en->host, "/proc/sys/fs/binfmt_misc");
	if ((r = rec_event_init(&en->ev, &lim)) < 0 ||
	    (r = strbuf_init(&en->line, en->cfg.max_alert_bytes)) < 0)
		goto fail;
	en->procs = proctable_new(en->cfg.process_table_size);
	if (!en->procs) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = engine_resolve_loaders(en, &en->cfg, &en->known)) < 0)
		goto fail;
	en->out = output_open(&en->cfg, &r);
	if (!en->out) {
		log_err("cannot open output %s: %s", en->cfg.output, strerror(-r));
		goto fail;
	}
	if ((r = engine_storm_init(en)) < 0 ||
	    (en->cfg.format == FORMAT_TEXT && (r = tally_init(&en->tally)) < 0))
		goto fail;
	if (en->opts.artifacts) {
		en->probe = probe_artifacts(en->opts.artifacts);
		fs = probe_writes_artifacts(en->opts.artifacts);
	} else if (en->cfg.inspect_files) {
		en->probe = probe_live(&en->probe_stats);
		fs = probe_writes_live();
		if ((r = probe_refresh_mounts()) < 0)
			log_warn("cannot read /proc/self/mountinfo (%s): FUSE and network mounts "
				 "cannot be avoided", strerror(-r));
		if (access("/proc/self/fd", R_OK) < 0)
			log_err("/proc is not mounted: written files and executed images cannot be "
				"re-opened safely and will not be judged");
	} else {
		/* no file access at all: written files are followed but cannot be judged */
		en->probe = probe_live(&en->probe_stats);
		fs = probe_writes_none();
	}
	en->writes = writes_new(&en->cfg, en->procs, &fs, engine_judge_written, en);
	en->trusted_ids = engine_fileset(en, &en->cfg.writes.trusted_producers);
	en->benign_ids = engine_fileset(en, &en->cfg.loader.benign_parents);
	if (!en->writes || !en->trusted_ids || !en->benign_ids) {
		r = -ENOMEM;
		goto fail;
	}
	writes_set_trusted(en->writes, en->trusted_ids);
	if ((r = engine_exec_init(en)) < 0 || (r = engine_linker_init(en)) < 0)
		goto fail;
	writes_set_unjudged_hook(en->writes, engine_unjudged_written);
	/* just resolved: the periodic refreshes start from now */
	en->ids_resolved_ms = en->mounts_checked_ms = engine_clock(en, NULL);
	log_info("started: %zu loaders and %zu trusted producer files known, output %s, format %s",
		 loader_set_count(en->known), fileset_count(en->trusted_ids), en->cfg.output,
		 config_format_name(en->cfg.format));
	return 0;
fail:
	engine_free(en);
	return r;
}

int engine_reload(struct engine *en, struct config *cfg)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	struct loader_set *ls = NULL;
	struct fileset *trusted = NULL, *benign = NULL;
	struct output *out = NULL;
	struct rec_event ev = { 0 };
	struct strbuf line = { 0 };
	int r;

	/* build everything new first: on any failure the running configuration stays */
	if ((r = engine_resolve_loaders(en, cfg, &ls)) < 0 || !(out = output_open(cfg, &r)) ||
	    (r = rec_event_init(&ev, &lim)) < 0 || (r = strbuf_init(&line, cfg->max_alert_bytes)) < 0)
		goto fail;
	trusted = engine_fileset(en, &cfg->writes.trusted_producers);
	benign = engine_fileset(en, &cfg->loader.benign_parents);
	if (!trusted || !benign) {
		r = -ENOMEM;
		goto fail;
	}
	/* The process table and write tables keep their contents and sizes until restart. */
	loader_set_free(en->known);
	en->known = ls;
	output_close(en->out);
	en->out = out;
	rec_event_free(&en->ev);
	en->ev = ev;
	strbuf_free(&en->line);
	en->line = line;
	fileset_free(en->trusted_ids);
	en->trusted_ids = trusted;
	fileset_free(en->benign_ids);
	en->benign_ids = benign;
	writes_set_trusted(en->writes, en->trusted_ids);
	config_free(&en->cfg);
	en->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	log_set_level(en->cfg.log_level);
	engine_storm_reload(en);
	log_info("configuration reloaded: %zu loaders, %zu trusted producer files known",
		 loader_set_count(en->known), fileset_count(en->trusted_ids));
	return 0;
fail:
	fileset_free(trusted);
	fileset_free(benign);
	strbuf_free(&line);
	rec_event_free(&ev);
	output_close(out);
	loader_set_free(ls);
	return r;
}

void engine_free(struct engine *en)
{
	statefile_close(&en->state);
	engine_exec_free(en);
	engine_linker_free(en);
	writes_free(en->writes);
	storm_free(en->storm);
	tally_free(&en->tally);
	fileset_free(en->trusted_ids);
	fileset_free(en->benign_ids);
	probe_release();
	output_close(en->out);
	proctable_free(en->procs);
	loader_set_free(en->known);
	rec_event_free(&en->ev);
	strbuf_free(&en->line);
	config_free(&en->cfg);
	memset(en, 0, sizeof(*en));
}

size_t build_lineage(struct engine *en, long long self, long long ppid,
		     const struct proc_entry **out, size_t max)
{
	long long pid = ppid;
	size_t n = 0;

	while (n < max && pid > 0) {
		const struct proc_entry *p = proctable_get(en->procs, pid);
		bool loop = false;

		if (!p)
			break;
		for (size_t i = 0; i < n; i++)
			loop = loop || out[i] == p;
		if (loop || p->pid == self)
			break;
		out[n++] = p;
		pid = p->ppid;
	}
	return n;
}

/* Format and emit one alert; below min_severity it is only counted. */
void engine_emit(struct engine *en, struct alert *a, const char *id)
{
	int r;

	if (a->severity < en->cfg.min_severity) {
		en->stats.below_min_severity++;
		return;
	}
	if (!engine_storm_admit(en, a, id))
		return;
	a->host = en->hostname;
	if (en->cfg.format == FORMAT_TEXT) {
		size_t wlen;
		const char *what = alert_text_what(a, &wlen);

		alert_text_format(a, en->opts.colour, en->cfg.max_alert_bytes, &en->line);
		tally_add(&en->tally, a->rule, a->severity, alert_text_writer(a), what, wlen);
	} else if (alert_format(a, en->cfg.format, en->cfg.max_alert_bytes, &en->line) < 0) {
		log_err("cannot format alert for event %s", id);
		return;
	}
	if ((r = output_emit(en->out, a->severity, en->line.data, en->line.len)) < 0) {
		en->stats.output_errors++;
		log_err("cannot write alert for event %s: %s", id, strerror(-r));
		return;
	}
	en->stats.alerts++;
}

static void engine_alert_loader(struct engine *en, const struct rec_event *ev,
				const struct loader_verdict *v, const struct write_result *written)
{
	char summary[512];
	struct alert a;
	const char *tgt = v->target[0] ? v->target :
			  v->target_cut ? "(a program beyond the kept argv)" : "(no program)";

	memset(&a, 0, sizeof(a));
	a.rule = "loader_exec";
	a.severity = v->severity;
	a.mitre = &MITRE_LOADER_EXEC;
	a.ev = ev;
	a.loader = v;
	if (written) {
		a.file = &written->file;
		a.written = written;
	}
	a.nlineage = build_lineage(en, ev->pid, ev->ppid, a.lineage, ALERT_LINEAGE_MAX);
	for (unsigned b = 0; b < LR_COUNT_BITS && a.nreasons < ALERT_REASONS_MAX; b++)
		if (v->reasons & (1u << b))
			a.reasons[a.nreasons++] = loader_reason_name(1u << b);
	if (en->xloader_reason && a.nreasons < ALERT_REASONS_MAX)
		a.reasons[a.nreasons++] = en->xloader_reason;     /* a loader run from a memfd */
	snprintf(summary, sizeof(summary), "%s%.160s run through the dynamic loader %.*s by pid %lld (uid %lld)",
		 ev->success ? "" : "attempt: ", tgt, (int)(v->loader_path.len > 160 ? 160 : v->loader_path.len),
		 v->loader_path.s ? v->loader_path.s : "?", ev->pid, ev->uid);
	a.summary = summary;
	engine_emit(en, &a, ev->id);
}

static void engine_note_suppressed(struct engine *en, const struct rec_event *ev,
				   const struct loader_verdict *v)
{
	if (v->suppressed_by == LOADER_SUP_BENIGN_FORM)
		en->stats.suppressed_benign_form++;
	else if (v->suppressed_by == LOADER_SUP_LDD_PARENT)
		en->stats.suppressed_ldd_parent++;
	else if (v->suppressed_by == LOADER_SUP_ALLOW_LIST)
		en->stats.suppressed_allow_list++;
	else
		en->stats.below_min_severity++;
	if (log_enabled(LOG_DEBUG)) {
		log_debug("loader run not alerted (event %s, pid %lld, %s%s%s): target %.200s",
			  ev->id, ev->pid, loader_suppression_name(v->suppressed_by),
			  v->allow_comment ? ": " : "", v->allow_comment ? v->allow_comment : "",
			  v->target[0] ? v->target : "(none)");
	}
}

/* writes_judge_fn: a written file has settled; judge it and raise suspicious_elf_write. */
static void engine_judge_written(void *ctx, const struct written_file *wf, int fd,
				 const struct stat *st, struct write_result *ret)
{
	struct engine *en = ctx;
	struct elf_report *rep = &en->report;
	struct write_verdict wv;
	struct elf_limits lim;
	const char *library;
	char summary[512];
	struct alert a;
	int r;

	elf_limits_default(&lim);
	lim.read_max = en->cfg.writes.inspect_max_bytes;
	lim.hash_max = en->cfg.writes.inspect_max_bytes;
	lim.exec_hint = wf->exec_bit || writes_in_drop_location(&en->cfg, wf->path);
	if ((r = elf_inspect_fd(fd, st, &en->host, &lim, rep)) < 0) {
		/* not "not ELF": retried, then reported as not judged */
		en->stats.inspect_errors++;
		log_warn("cannot inspect %.200s (event %s): %s", wf->path, wf->event_id, strerror(-r));
		ret->judge_error = r;
		return;
	}
	ret->is_elf = rep->facts.is_elf;
	if (!ret->is_elf)
		return;
	dropverdict_write(wf, rep, &wv);
	ret->verdict = wv.severity;
	ret->mitre = wv.mitre;
	engine_exec_note_written(en, st, rep, &wv);   /* this state needs no judging at exec */
	if (rep->facts.hashed)
		memcpy(ret->sha256, rep->facts.sha256, sizeof(ret->sha256));
	/* a shared object in a library directory by an unknown writer: at least medium, high
	 * when the engine found anything (T1574.006) */
	library = engine_linker_library(en, wf);
	if (library) {
		wv.severity = wv.severity >= SEV_MEDIUM ?
			      (wv.severity > SEV_HIGH ? wv.severity : SEV_HIGH) : SEV_MEDIUM;
		wv.mitre = &MITRE_DYNAMIC_LINKER_HIJACKING;
	}
	if (wv.severity < SEV_MEDIUM) {
		if (wv.suppressed_by != DROPVERDICT_NONE) {
			en->stats.write_suppressed_trusted++;
			log_debug("written file not alerted (event %s, %s %.64s, trust %s): %.200s",
				  wf->event_id, dropverdict_why_name(wv.suppressed_by), wf->trusted_by,
				  writes_trust_name(wf->trust), wf->path);
		}
		return;
	}

	memset(&a, 0, sizeof(a));
	a.rule = library ? "linker_hijack" : "suspicious_elf_write";
	a.severity = wv.severity;
	a.mitre = wv.mitre;
	a.actor = &wf->writer;
	a.file = wf;
	a.file_st = st;
	a.elf = rep;
	a.verdict = &wv;
	a.nlineage = build_lineage(en, wf->writer.pid, wf->writer.ppid, a.lineage, ALERT_LINEAGE_MAX);
	if (library)
		a.reasons[a.nreasons++] = library;
	for (unsigned i = 0; i < rep->nfindings && a.nreasons < ALERT_REASONS_MAX - 2; i++)
		if (wv.counts[i] && rep->findings[i].severity >= SEV_LOW)
			a.reasons[a.nreasons++] = elf_reason_name(rep->findings[i].code);
	if (wf->download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (wf->exec_bit)
		a.reasons[a.nreasons++] = "exec_bit";
	snprintf(summary, sizeof(summary), "%s ELF %.160s (%s, %s) written by %.64s (pid %lld, uid %lld)",
		 severity_name(wv.severity), wf->path,
		 rep->facts.machine_name ? rep->facts.machine_name : "unknown machine",
		 elf_arch_status_name(rep->facts.arch), wf->writer.comm, wf->writer.pid, wf->writer.uid);
	a.summary = summary;
	en->stats.write_alerts++;
	engine_emit(en, &a, wf->event_id);
}

/* writes_unjudged_fn: a followed file could not be judged by max_wait_ms (or at its exec,
 * eviction, end of input). Never counted as clean: an executable candidate raises
 * unjudged_write, anything else is counted and logged at debug level. */
static void engine_unjudged_written(void *ctx, const struct write_result *wr)
{
	struct engine *en = ctx;
	const struct written_file *wf = &wr->file;
	enum dropverdict_why why;
	int sev = dropverdict_unjudged(wr, &why);
	const char *library = engine_linker_library(en, wf);
	char summary[512];
	struct alert a;

	/* a shared object an unknown writer put in a library directory is a candidate whatever
	 * its mode: ld.so maps it without an exec bit */
	if (library && wr->unjudged != WRITES_UJ_NO_NAME && sev < SEV_MEDIUM)
		sev = SEV_MEDIUM;
	if (sev < 0) {
		en->stats.unjudged_counted++;
		log_debug("written file not judged, not alerted (event %s, %s, %s: %s): %.200s",
			  wf->event_id, writes_unjudged_name(wr->unjudged), dropverdict_why_name(why),
			  wr->unjudged_errno ? strerror(wr->unjudged_errno) : "no error",
			  wf->path[0] ? wf->path : "(no name)");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.rule = "unjudged_write";
	a.severity = (enum severity)sev;
	a.mitre = &MITRE_OBFUSCATED_FILES;
	a.actor = &wf->writer;
	a.file = wf;
	a.unjudged = wr;
	a.nlineage = build_lineage(en, wf->writer.pid, wf->writer.ppid, a.lineage, ALERT_LINEAGE_MAX);
	a.reasons[a.nreasons++] = writes_unjudged_name(wr->unjudged);
	if (library)
		a.reasons[a.nreasons++] = library;
	if (wf->download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (wf->exec_bit)
		a.reasons[a.nreasons++] = "exec_bit";
	snprintf(summary, sizeof(summary), "%.160s written by %.64s (pid %lld, uid %lld) could not be "
		 "judged after %lld ms: %s (%s)", wf->path, wf->writer.comm, wf->writer.pid,
		 wf->writer.uid, wr->waited_ms, writes_unjudged_name(wr->unjudged),
		 wr->unjudged_errno ? strerror(wr->unjudged_errno) : "no error");
	a.summary = summary;
	en->stats.unjudged_alerts++;
	engine_emit(en, &a, wf->event_id);
}

static void engine_alert_dropped(struct engine *en, const struct rec_event *ev,
				 const struct write_result *wr)
{
	enum dropverdict_why why;
	int sev = dropverdict_exec(&en->cfg, wr, &why);
	char summary[512];
	struct alert a;

	if (sev < 0) {
		en->stats.dropped_trusted++;
		log_debug("exec of a written file not alerted (event %s, %s %.64s, trust %s): %.200s",
			  ev->id, dropverdict_why_name(why), wr->file.trusted_by,
			  writes_trust_name(wr->file.trust), wr->file.path);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.rule = "dropped_exec";
	a.severity = (enum severity)sev;
	a.mitre = wr->verdict >= SEV_MEDIUM && wr->mitre ? wr->mitre : &MITRE_DROPPED_EXEC;
	a.ev = ev;
	a.file = &wr->file;
	a.written = wr;
	a.nlineage = build_lineage(en, ev->pid, ev->ppid, a.lineage, ALERT_LINEAGE_MAX);
	a.reasons[a.nreasons++] = "recently_written";
	if (wr->verdict >= SEV_MEDIUM)
		a.reasons[a.nreasons++] = "suspicious_file";
	if (wr->unjudged)
		a.reasons[a.nreasons++] = "unjudged_file";
	if (wr->file.download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (writes_in_drop_location(&en->cfg, wr->file.path))
		a.reasons[a.nreasons++] = "in_drop_location";
	snprintf(summary, sizeof(summary), "%.160s run %llds after %.64s (pid %lld) wrote it",
		 wr->file.path, (long long)(ev->sec - wr->file.sec), wr->file.writer.comm,
		 wr->file.writer.pid);
	a.summary = summary;
	en->stats.dropped_execs++;
	engine_emit(en, &a, ev->id);
}

static long long engine_clock(struct engine *en, const struct rec_event *ev)
{
	struct timespec ts;
	long long now;

	if (en->opts.event_clock) {
		now = ev ? (long long)ev->sec * 1000 + ev->msec : en->now_ms;
		if (now > en->now_ms)
			en->now_ms = now;
		return en->now_ms;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	en->now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return en->now_ms;
}

/* The exec's own image and, for loader runs, the loader's program: were they just written? */
static void engine_handle_exec(struct engine *en, const struct rec_event *ev, long long now)
{
	struct loader_verdict *v = &en->verdict;
	struct loader_judge_ctx jc = { &en->cfg, en->known, en->procs,
				       en->cfg.inspect_files || en->opts.artifacts ? &en->xprobe : NULL,
				       &en->ldd, en->benign_ids };
	const struct rec_path *p0 = rec_path_item(ev, 0);
	const struct write_result *image = NULL, *target = NULL;
	char path0[WRITES_PATH_MAX] = "";

	en->stats.exec_events++;
	engine_exec_begin(en, ev);
	loader_judge(&jc, ev, v);
	if (ev->success && p0 && en->cfg.writes.enabled) {
		if (p0->name.s && !(ev->syscall_name && strcmp(ev->syscall_name, "execveat") == 0))
			path_normalize(ev->cwd.s, p0->name.s, p0->name.len, path0, sizeof(path0));
		image = writes_on_exec(en->writes, &p0->id, path0, ev, now);
		if (v->outcome != LOADER_NOT && v->target[0] && !v->target_cut) {
			struct file_id none = { 0 };
			target = writes_on_exec(en->writes, v->have_facts && v->facts.exists ?
						&v->facts.id : &none, v->target, ev, now);
		}
	}
	if (v->outcome != LOADER_NOT) {
		en->stats.loader_execs++;
		if (image)
			v->reasons |= LR_LOADER_RECENTLY_WRITTEN;
		if (target)
			v->reasons |= LR_TARGET_RECENTLY_WRITTEN;
		v->severity = loader_severity(v->reasons, ev->success);
		if (v->outcome == LOADER_ALERT)
			engine_alert_loader(en, ev, v, target ? target : image);
		else
			engine_note_suppressed(en, ev, v);
	} else if (image) {
		engine_alert_dropped(en, ev, image);
	}
	engine_exec_judge(en, ev, image);
	if (ev->success) {
		proctable_record_exec(en->procs, ev);
		loader_note_exec(&en->cfg, en->benign_ids, &en->ldd, proctable_get(en->procs, ev->pid));
		engine_linker_on_exec(en, ev);
	}
}

/* An extracted event (rec_extract's result r) on to its judge. */
static void engine_dispatch(struct engine *en, int r)
{
	struct rec_event *ev = &en->ev;
	long long now;

	en->stats.events++;
	if (r < 0) {
		en->stats.extract_errors++;
		return;
	}
	if (r == 0)
		return;
	now = engine_clock(en, ev);
	if (ev->kind == REC_EXEC) {
		engine_handle_exec(en, ev, now);
	} else {
		en->stats.write_events++;
		writes_on_event(en->writes, ev, now);
	}
	if (en->opts.event_clock) {
		writes_tick(en->writes, now);
		engine_storm_drain(en, false);
	}
}

void engine_handle_event(struct engine *en, auparse_state_t *au)
{
	engine_dispatch(en, rec_extract(au, &en->ev));
}

bool engine_handle_text(struct engine *en, const char *text, size_t len)
{
	int r = rec_extract_text(text, len, &en->ev);

	if (r == -EAGAIN)
		return false;
	engine_dispatch(en, r);
	return true;
}

static void engine_refresh_filesets(struct engine *en)
{
	struct fileset *trusted = engine_fileset(en, &en->cfg.writes.trusted_producers);
	struct fileset *benign = engine_fileset(en, &en->cfg.loader.benign_parents);

	if (!trusted || !benign) {
		fileset_free(trusted);
		fileset_free(benign);
		return;
	}
	fileset_free(en->trusted_ids);
	en->trusted_ids = trusted;
	fileset_free(en->benign_ids);
	en->benign_ids = benign;
	writes_set_trusted(en->writes, en->trusted_ids);
}

void engine_tick(struct engine *en)
{
	if (!en->opts.event_clock) {
		long long now = engine_clock(en, NULL);

		/* a full re-read now and then, besides the poll before every look */
		if (en->cfg.inspect_files && !en->opts.artifacts &&
		    now - en->mounts_checked_ms >= MOUNTS_REFRESH_MS) {
			probe_refresh_mounts();
			en->mounts_checked_ms = now;
		}
		/* package upgrades replace trusted programs with new inodes */
		if (now - en->ids_resolved_ms >= FILESETS_REFRESH_MS) {
			engine_refresh_filesets(en);
			en->ids_resolved_ms = now;
		}
		writes_tick(en->writes, now);
		engine_storm_drain(en, false);
	}
	if (output_flush(en->out) < 0)
		en->stats.output_errors++;
}

static long long engine_mono_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* format text: the summary a person reads after the alerts */
static void engine_summary(struct engine *en)
{
	static const char *const names[3] = { "by rule", "top writers", "top targets" };
	struct strbuf sb;

	if (en->cfg.format != FORMAT_TEXT || strbuf_init(&sb, 64 << 10) < 0)
		return;
	tally_format(&en->tally, "alerts", names, en->opts.colour, &sb);
	if (sb.len && sb.data[sb.len - 1] == '\n')
		sb.len--;
	if (output_emit(en->out, SEV_INFO, sb.data, sb.len) < 0)
		en->stats.output_errors++;
	strbuf_free(&sb);
}

void engine_finish(struct engine *en)
{
	long long now = engine_clock(en, NULL);

	if (engine_state_save(en)) {
		/* handed to the next start, which judges them */
	} else if (en->opts.event_clock) {
		writes_flush(en->writes, now);  /* replay: everything, deterministic */
	} else {
		/* auditd 4.2 waits for us on every reload: what cannot be judged in time is
		 * reported as such, never dropped */
		struct writes_deadline dl = { engine_mono_ms, NULL,
					      engine_mono_ms(NULL) + ENGINE_FINISH_MS };

		writes_flush_until(en->writes, now, &dl);
	}
	engine_storm_drain(en, true);
	engine_summary(en);
	if (output_flush(en->out) < 0)
		en->stats.output_errors++;
}

void engine_log_stats(const struct engine *en)
{
	const struct engine_stats *s = &en->stats;
	struct proctable_stats ps;

	proctable_get_stats(en->procs, &ps);
	struct writes_stats ws;

	writes_get_stats(en->writes, &ws);
	log_info("events %lu, exec %lu, loader runs %lu, alerts %lu, not alerted: benign %lu, "
		 "ldd %lu, allow-list %lu, below min_severity %lu; unparsable %lu, output errors %lu; "
		 "process table %zu (evicted %lu); images opened %lu, refused %lu",
		 s->events, s->exec_events, s->loader_execs, s->alerts, s->suppressed_benign_form,
		 s->suppressed_ldd_parent, s->suppressed_allow_list, s->below_min_severity,
		 s->extract_errors, s->output_errors, proctable_size(en->procs), ps.evictions,
		 en->probe_stats.images_opened, en->probe_stats.images_refused);
	log_info("writes: events %lu, files followed %lu (renames %lu, exec bits %lu), judged %lu, "
		 "not ELF %lu (changed after a look %lu), gone before judgement %lu, replaced %lu, "
		 "unchanged %lu, judged again at exec %lu, timeouts %lu, evicted %lu, unresolved names "
		 "%lu; write alerts %lu, trusted writers silenced %lu; dropped execs %lu (trusted %lu); "
		 "inspection errors %lu",
		 ws.write_events, ws.tracked, ws.renames, ws.chmods, ws.judged, ws.not_elf,
		 ws.changed_after_look, ws.gone, ws.replaced, ws.duplicates, ws.rejudged,
		 ws.timeouts, ws.evicted, ws.unresolved, s->write_alerts, s->write_suppressed_trusted,
		 s->dropped_execs, s->dropped_trusted, s->inspect_errors);
	log_info("writes not judged %lu (alerted %lu, counted %lu): lease %lu, permission denied "
		 "%lu, symlink in path %lu, identity changed %lu, unsafe mount %lu, no name %lu, read "
		 "error %lu, other %lu, out of time at exit %lu; failed opens retried %lu",
		 ws.unjudged, s->unjudged_alerts, s->unjudged_counted,
		 ws.unjudged_by[WRITES_UJ_LEASE], ws.unjudged_by[WRITES_UJ_PERMISSION],
		 ws.unjudged_by[WRITES_UJ_SYMLINK], ws.unjudged_by[WRITES_UJ_IDENTITY],
		 ws.unjudged_by[WRITES_UJ_UNSAFE_MOUNT], ws.unjudged_by[WRITES_UJ_NO_NAME],
		 ws.unjudged_by[WRITES_UJ_READ_ERROR], ws.unjudged_by[WRITES_UJ_OPEN_FAILED],
		 ws.unjudged_by[WRITES_UJ_SHUTDOWN], ws.open_failures);
	engine_exec_log_stats(en);
	engine_linker_log_stats(en);
	engine_storm_log_stats(en);
}
