#include "engine/engine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine_emit.h"
#include "engine/engine_exec.h"
#include "engine/engine_linker.h"
#include "engine/engine_reload.h"
#include "engine/engine_state.h"
#include "engine/engine_storm.h"
#include "engine/engine_written.h"
#include "sys/log.h"

#include "detect/mitre.h"
#include "util/path.h"

#define MOUNTS_REFRESH_MS 5000      /* besides the poll on every look */
#define FILESETS_REFRESH_MS 60000

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
	if (en->opts.clock_ms)
		return en->now_ms = en->opts.clock_ms(en->opts.clock_ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	en->now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return en->now_ms;
}

/* Which files judgements may open, fixed at start: a replay's artifacts, this host's, none. */
static enum probe_kind engine_probe_kind(const struct engine *en)
{
	if (en->opts.artifacts)
		return PROBE_ARTIFACTS;
	return en->cfg.inspect_files ? PROBE_LIVE : PROBE_NONE;
}

int engine_init(struct engine *en, struct config *cfg, const struct engine_options *opts)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	struct engine_reload_ids ids;
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
	if ((r = engine_reload_loaders(en, &en->cfg, &en->known)) < 0)
		goto fail;
	en->out = output_open(&en->cfg, &r);
	if (!en->out) {
		log_err("cannot open output %s: %s", en->cfg.output, strerror(-r));
		goto fail;
	}
	if ((r = engine_storm_init(en)) < 0 ||
	    (en->cfg.format == FORMAT_TEXT && (r = tally_init(&en->tally)) < 0))
		goto fail;
	if ((r = probe_init(&en->probe, engine_probe_kind(en), en->opts.artifacts)) < 0)
		goto fail;
	if (en->probe.kind == PROBE_LIVE) {
		if ((r = probe_refresh_mounts(&en->probe)) < 0)
			log_warn("cannot read /proc/self/mountinfo (%s): FUSE and network mounts "
				 "cannot be avoided", strerror(-r));
		if (access("/proc/self/fd", R_OK) < 0)
			log_err("/proc is not mounted: written files and executed images cannot be "
				"re-opened safely and will not be judged");
	}
	/* none: written files are followed but cannot be judged */
	en->loader_probe = probe_loader(&en->probe);
	fs = probe_writes(&en->probe);
	en->writes = writes_new(&en->cfg, en->procs, &fs, engine_written_judge, en);
	if (!en->writes) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = engine_reload_ids(en, &en->cfg, &ids)) < 0)
		goto fail;
	engine_reload_swap_ids(en, &ids);
	if ((r = engine_exec_init(en)) < 0 || (r = engine_linker_init(en)) < 0)
		goto fail;
	writes_set_unjudged_hook(en->writes, engine_written_unjudged);
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
	probe_free(&en->probe);
	output_close(en->out);
	proctable_free(en->procs);
	loader_set_free(en->known);
	rec_event_free(&en->ev);
	strbuf_free(&en->line);
	config_free(&en->cfg);
	memset(en, 0, sizeof(*en));
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
	a.nlineage = engine_emit_lineage(en, ev->pid, ev->ppid, a.lineage, ALERT_LINEAGE_MAX);
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
		engine_written_exec(en, ev, image);
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

void engine_tick(struct engine *en)
{
	if (!en->opts.event_clock) {
		long long now = engine_clock(en, NULL);

		/* a full re-read now and then, besides the poll before every look */
		if (en->cfg.inspect_files && !en->opts.artifacts &&
		    now - en->mounts_checked_ms >= MOUNTS_REFRESH_MS) {
			probe_refresh_mounts(&en->probe);
			en->mounts_checked_ms = now;
		}
		/* package upgrades replace trusted programs with new inodes */
		if (now - en->ids_resolved_ms >= FILESETS_REFRESH_MS) {
			engine_reload_refresh(en);
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
		long long (*clock_ms)(void *) = en->opts.clock_ms ? en->opts.clock_ms : engine_mono_ms;
		struct writes_deadline dl = { clock_ms, en->opts.clock_ctx,
					      clock_ms(en->opts.clock_ctx) + ENGINE_FINISH_MS };

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
	log_info("events %lu, exec %lu, loader runs %lu, alerts %lu, not alerted: benign %lu, "
		 "ldd %lu, allow-list %lu, below min_severity %lu; unparsable %lu, output errors %lu; "
		 "process table %zu (evicted %lu); images opened %lu, refused %lu",
		 s->events, s->exec_events, s->loader_execs, s->alerts, s->suppressed_benign_form,
		 s->suppressed_ldd_parent, s->suppressed_allow_list, s->below_min_severity,
		 s->extract_errors, s->output_errors, proctable_size(en->procs), ps.evictions,
		 en->probe.stats.images_opened, en->probe.stats.images_refused);
	engine_written_log_stats(en);
	engine_exec_log_stats(en);
	engine_linker_log_stats(en);
	engine_storm_log_stats(en);
}
