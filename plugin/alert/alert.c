/* alert: the dispatcher. alert_format picks the format and cuts the line until it fits;
 * JSON and key=value are written here from the sections below (alert_sections.h). */
#include "alert/alert_sections.h"

#include "alert/emit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>


/* argv is what gives way first when an alert would not fit: fewer entries, shorter ones. */
static void emit_argv(struct emitter *e, const char *name, const struct rec_event *ev)
{
	unsigned n = emit_argv_count(e, ev->argc_kept);

	if (n < ev->argc_kept)
		e->cut = true;
	if (e->minimal) {
		/* no entries at all */
	} else if (e->fmt == FORMAT_JSON) {
		emit_open(e, name, '[');
		for (unsigned i = 0; i < n; i++)
			emit_rstr_cap(e, NULL, &ev->argv[i], e->argv_cap);
		emit_close(e, ']');
	} else {
		char key[32];

		for (unsigned i = 0; i < n; i++) {
			snprintf(key, sizeof(key), "%s%u", name, i);
			emit_rstr_cap(e, key, &ev->argv[i], e->argv_cap);
		}
	}
	emit_int(e, "argc", ev->argc);
	emit_bool(e, "argv_truncated", ev->argv_cut || n < ev->argc_kept);
}

static void emit_alert(struct emitter *e, const struct alert *a)
{
	const struct rec_event *ev = a->ev;
	char when[40];

	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, '{');
	emit_word(e, "rule", a->rule);
	emit_word(e, "severity", severity_name(a->severity));
	emit_open(e, "mitre", '{');
	emit_word(e, "tactic", a->mitre->tactic);
	emit_word(e, "tactic_name", a->mitre->tactic_name);
	emit_word(e, "technique", a->mitre->technique);
	emit_word(e, "technique_name", a->mitre->technique_name);
	emit_close(e, '}');

	if (ev) {
		emit_open(e, "event", '{');
		emit_word(e, "id", ev->id);
		alert_format_time(ev->sec, ev->msec, when, sizeof(when));
		emit_word(e, "time", when);
		emit_word(e, "syscall", ev->syscall_name);
		emit_bool(e, "success", ev->success);
		emit_int(e, "exit", ev->exit);
		if (!e->minimal)
			emit_rstr(e, "key", &ev->key);
		emit_close(e, '}');
	} else if (a->file) {
		alert_emit_write_event(e, a->file);
	}
	emit_cstr(e, "host", a->host);

	if (ev) {
		emit_open(e, "process", '{');
		emit_int(e, "pid", ev->pid);
		emit_int(e, "ppid", ev->ppid);
		emit_id(e, "uid", ev->uid);
		emit_id(e, "euid", ev->euid);
		emit_id(e, "auid", ev->auid);
		emit_id(e, "ses", ev->ses);
		if (!e->minimal) {
			emit_cstr(e, "tty", ev->tty);
			emit_rstr(e, "comm", &ev->comm);
		}
		emit_rstr_cap(e, "exe", &ev->exe, e->key_cap);
		if (!e->minimal)
			emit_rstr(e, "cwd", &ev->cwd);
		emit_argv(e, "argv", ev);
		emit_close(e, '}');
	} else if (a->actor) {
		alert_emit_proc_entry(e, "process", a->actor);
	}

	if (a->nlineage > 0 && !e->minimal)
		alert_emit_proc_entry(e, "parent", a->lineage[0]);
	else {
		emit_open(e, "parent", '{');
		emit_int(e, "pid", ev ? ev->ppid : a->actor ? a->actor->ppid : -1);
		emit_bool(e, "known", a->nlineage > 0);
		emit_close(e, '}');
	}
	if (a->nlineage > 1 && !e->minimal) {
		if (e->fmt == FORMAT_JSON) {
			emit_open(e, "ancestors", '[');
			for (size_t i = 1; i < a->nlineage; i++)
				alert_emit_proc_entry(e, NULL, a->lineage[i]);
			emit_close(e, ']');
		} else {
			for (size_t i = 1; i < a->nlineage; i++) {
				char key[32];   /* "ancestor" + any size_t: gcc checks the full range */
				snprintf(key, sizeof(key), "ancestor%zu", i);
				alert_emit_proc_entry(e, key, a->lineage[i]);
			}
		}
	}
	if (a->loader)
		alert_emit_loader(e, ev, a->loader);
	if (a->file) {
		alert_emit_file(e, a);
		alert_emit_file_sections(e, a);
	}
	alert_emit_findings(e, a);
	if (e->minimal)
		e->cut = true;  /* sections left out */
	else
		emit_cstr(e, "summary", a->summary);
	if (e->cut)
		emit_bool(e, "truncated", true);
	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, '}');
}

/* How hard an alert that does not fit is cut, mildest first: argv gives way first, then the
 * other untrusted strings, then the sections an analyst can rebuild from the event id; the
 * exe, the loader and its program (key_cap), pid, uid, rule, severity, event id and reasons
 * stay to the end. Input bytes; JSON escaping can make each up to six times longer. */
static const struct alert_budget {
	unsigned argv_max;
	size_t argv_cap, str_cap, key_cap;
	bool minimal;
} budgets[] = {
	{ REC_MAX_ARGS, REC_STR_MAX, REC_STR_MAX, REC_STR_MAX, false },
	{ REC_MAX_ARGS, 2048, REC_STR_MAX, REC_STR_MAX, false },
	{ REC_MAX_ARGS, 1024, REC_STR_MAX, REC_STR_MAX, false },
	{ REC_MAX_ARGS, 512, REC_STR_MAX, REC_STR_MAX, false },
	{ 64, 128, 2048, REC_STR_MAX, false },
	{ 32, 64, 1024, REC_STR_MAX, false },
	{ 16, 32, 512, 2048, false },
	{ 8, 32, 256, 1024, false },
	{ 4, 16, 128, 512, false },
	{ 0, 0, 64, 256, false },
	{ 0, 0, 32, 256, true },
	{ 0, 0, 16, 128, true },
	{ 0, 0, 8, 64, true },
	{ 0, 0, 8, 16, true },
};

static bool same_cut(size_t cap_a, size_t cap_b, size_t longest)
{
	return cap_a == cap_b || longest <= (cap_a < cap_b ? cap_a : cap_b);
}

/* Budget b writes what a wrote when it cuts none of the strings and argv a met otherwise. */
static bool budget_same(const struct alert_budget *a, const struct alert_budget *b,
			const struct emit_seen *seen)
{
	return a->minimal == b->minimal &&
	       (a->argv_max == b->argv_max ||
		seen->argc <= (a->argv_max < b->argv_max ? a->argv_max : b->argv_max)) &&
	       same_cut(a->argv_cap, b->argv_cap, seen->argv) &&
	       same_cut(a->str_cap, b->str_cap, seen->str) && same_cut(a->key_cap, b->key_cap, seen->key);
}

int alert_format(const struct alert *a, enum alert_format fmt, size_t max_bytes, struct strbuf *out)
{
	struct emit_seen seen = { 0, 0, 0, 0 };
	size_t last = 0;

	if (fmt == FORMAT_TEXT)
		return alert_text_format(a, false, max_bytes, out);
	/* strings whole first: an alert is cut only when it would not fit otherwise */
	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		struct emitter e;

		/* the same line as the last pass, which did not fit (a long alert met ~10 of them) */
		if (i > 0 && budget_same(&budgets[last], &budgets[i], &seen))
			continue;
		memset(&e, 0, sizeof(e));
		e.sb = out;
		e.fmt = fmt == FORMAT_ECS ? FORMAT_JSON : fmt;
		e.str_cap = budgets[i].str_cap;
		e.base_cap = budgets[i].str_cap;
		e.key_cap = budgets[i].key_cap;
		e.argv_max = budgets[i].argv_max;
		e.argv_cap = budgets[i].argv_cap;
		e.minimal = budgets[i].minimal;
		e.first[0] = true;
		out->limit = max_bytes;
		strbuf_reset(out);
		if (fmt == FORMAT_ECS)
			alert_ecs_emit(&e, a);
		else
			emit_alert(&e, a);
		if (!out->truncated && out->len <= max_bytes)
			return 0;
		seen = e.seen;
		last = i;
	}
	/* Still too long (a bound far below what the configuration allows): a minimal, always
	 * valid line. */
	const char *id = a->ev ? a->ev->id : a->file ? a->file->event_id : "";
	strbuf_reset(out);
	if (fmt == FORMAT_ECS) {
		char when[40];

		alert_format_time(a->ev ? a->ev->sec : a->file ? a->file->sec : 0,
				  a->ev ? a->ev->msec : a->file ? a->file->msec : 0, when, sizeof(when));
		strbuf_printf(out, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\",\"action\":\"%s\","
			      "\"id\":\"%s\"},\"rule\":{\"name\":\"%s\"},\"log\":{\"level\":\"%s\"},"
			      "\"elfwatch\":{\"truncated\":true}}", when, a->rule, id, a->rule,
			      severity_name(a->severity));
	} else if (fmt == FORMAT_JSON) {
		strbuf_printf(out, "{\"rule\":\"%s\",\"severity\":\"%s\",\"event\":{\"id\":\"%s\"},"
			      "\"truncated\":true}", a->rule, severity_name(a->severity), id);
	} else {
		strbuf_printf(out, "rule=\"%s\" severity=\"%s\" event_id=\"%s\" truncated=true",
			      a->rule, severity_name(a->severity), id);
	}
	return out->truncated ? -ENOMEM : 0;
}
