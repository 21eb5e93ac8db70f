#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int engine_resolve_loaders(const struct config *cfg,
				  struct loader_set **ret)
{
	struct loader_set *ls = loader_set_new();
	int r;

	if (!ls)
		return -ENOMEM;
	r = loader_set_resolve(ls, &cfg->loader.paths);
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

int engine_init(struct engine *en, struct config *cfg)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	int r;

	memset(en, 0, sizeof(*en));
	en->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	if (gethostname(en->host, sizeof(en->host) - 1) < 0)
		snprintf(en->host, sizeof(en->host), "unknown");
	if ((r = rec_event_init(&en->ev, &lim)) < 0 ||
	    (r = strbuf_init(&en->line, en->cfg.max_alert_bytes)) < 0)
		goto fail;
	en->procs = proctable_new(en->cfg.process_table_size);
	if (!en->procs) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = engine_resolve_loaders(&en->cfg, &en->known)) < 0)
		goto fail;
	en->out = output_open(&en->cfg, &r);
	if (!en->out) {
		log_err("cannot open output %s: %s", en->cfg.output, strerror(-r));
		goto fail;
	}
	en->probe = probe_live(&en->probe_stats);
	log_info("started: %zu loaders known, output %s, format %s", loader_set_count(en->known),
		 en->cfg.output, en->cfg.format == FORMAT_JSON ? "json" : "kv");
	return 0;
fail:
	engine_free(en);
	return r;
}

int engine_reload(struct engine *en, struct config *cfg)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	struct loader_set *ls = NULL;
	struct output *out = NULL;
	struct rec_event ev;
	struct strbuf line;
	int r;

	if ((r = engine_resolve_loaders(cfg, &ls)) < 0)
		return r;
	if (!(out = output_open(cfg, &r))) {
		loader_set_free(ls);
		return r;
	}
	if ((r = rec_event_init(&ev, &lim)) < 0) {
		loader_set_free(ls);
		output_close(out);
		return r;
	}
	if ((r = strbuf_init(&line, cfg->max_alert_bytes)) < 0) {
		rec_event_free(&ev);
		loader_set_free(ls);
		output_close(out);
		return r;
	}
	/* The process table keeps its contents; its size changes only on restart. */
	loader_set_free(en->known);
	en->known = ls;
	output_close(en->out);
	en->out = out;
	rec_event_free(&en->ev);
	en->ev = ev;
	strbuf_free(&en->line);
	en->line = line;
	config_free(&en->cfg);
	en->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	log_set_level(en->cfg.log_level);
	log_info("configuration reloaded: %zu loaders known", loader_set_count(en->known));
	return 0;
}

void engine_free(struct engine *en)
{
	output_close(en->out);
	proctable_free(en->procs);
	loader_set_free(en->known);
	rec_event_free(&en->ev);
	strbuf_free(&en->line);
	config_free(&en->cfg);
	memset(en, 0, sizeof(*en));
}

static size_t build_lineage(struct engine *en, const struct rec_event *ev,
			    const struct proc_entry **out, size_t max)
{
	long long pid = ev->ppid;
	size_t n = 0;

	while (n < max && pid > 0) {
		const struct proc_entry *p = proctable_get(en->procs, pid);
		bool loop = false;

		if (!p)
			break;
		for (size_t i = 0; i < n; i++)
			loop = loop || out[i] == p;
		if (loop || p->pid == ev->pid)
			break;
		out[n++] = p;
		pid = p->ppid;
	}
	return n;
}

static void engine_alert_loader(struct engine *en, const struct rec_event *ev,
				 const struct loader_verdict *v)
{
	char summary[512];
	struct alert a;
	const char *tgt = v->target[0] ? v->target : "(no program)";
	int r;

	memset(&a, 0, sizeof(a));
	a.rule = "loader_exec";
	a.severity = v->severity;
	a.mitre = &MITRE_LOADER_EXEC;
	a.host = en->host;
	a.ev = ev;
	a.loader = v;
	a.nlineage = build_lineage(en, ev, a.lineage, ALERT_LINEAGE_MAX);
	for (unsigned b = 0; b < LR_COUNT_BITS && a.nreasons < ALERT_REASONS_MAX; b++)
		if (v->reasons & (1u << b))
			a.reasons[a.nreasons++] = loader_reason_name(1u << b);
	snprintf(summary, sizeof(summary), "%s%.160s run through the dynamic loader %.*s by pid %lld (uid %lld)",
		 ev->success ? "" : "attempt: ", tgt, (int)(v->loader_path.len > 160 ? 160 : v->loader_path.len),
		 v->loader_path.s ? v->loader_path.s : "?", ev->pid, ev->uid);
	a.summary = summary;
	if (alert_format(&a, en->cfg.format, en->cfg.max_alert_bytes, &en->line) < 0) {
		log_err("cannot format alert for event %s", ev->id);
		return;
	}
	if ((r = output_emit(en->out, a.severity, en->line.data, en->line.len)) < 0) {
		en->stats.output_errors++;
		log_err("cannot write alert for event %s: %s", ev->id, strerror(-r));
		return;
	}
	en->stats.alerts++;
}

static void engine_note_suppressed(struct engine *en, const struct rec_event *ev,
				   const struct loader_verdict *v)
{
	if (strcmp(v->suppressed_by, "benign_form") == 0)
		en->stats.suppressed_benign_form++;
	else if (strcmp(v->suppressed_by, "ldd_parent") == 0)
		en->stats.suppressed_ldd_parent++;
	else if (strcmp(v->suppressed_by, "allow_list") == 0)
		en->stats.suppressed_allow_list++;
	else
		en->stats.below_min_severity++;
	if (log_enabled(LOG_DEBUG)) {
		char id[sizeof(ev->id)];
		snprintf(id, sizeof(id), "%s", ev->id);
		log_debug("loader run not alerted (event %s, pid %lld, %s%s%s): target %.200s",
			  id, ev->pid, v->suppressed_by, v->allow_comment ? ": " : "",
			  v->allow_comment ? v->allow_comment : "",
			  v->target[0] ? v->target : "(none)");
	}
}

void engine_handle_event(struct engine *en, auparse_state_t *au)
{
	struct rec_event *ev = &en->ev;
	struct loader_verdict *v = &en->verdict;
	struct loader_judge_ctx jc = { &en->cfg, en->known, en->procs,
				       en->cfg.inspect_files ? &en->probe : NULL };
	int r;

	en->stats.events++;
	r = rec_extract(au, ev);
	if (r < 0) {
		en->stats.extract_errors++;
		return;
	}
	if (r == 0 || ev->kind != REC_EXEC)
		return;
	en->stats.exec_events++;
	loader_judge(&jc, ev, v);
	if (v->outcome != LOADER_NOT)
		en->stats.loader_execs++;
	if (v->outcome == LOADER_ALERT)
		engine_alert_loader(en, ev, v);
	else if (v->outcome == LOADER_SUPPRESSED)
		engine_note_suppressed(en, ev, v);
	if (ev->success)
		proctable_record_exec(en->procs, ev);
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
		 en->probe_stats.images_opened, en->probe_stats.images_refused);
}
