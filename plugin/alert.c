#include "alert.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct mitre MITRE_LOADER_EXEC = { "TA0005", "Defense Evasion", "T1574", "Hijack Execution Flow" };

#define EMIT_DEPTH 8

/* One writer for both formats: JSON objects, or flattened key=value with '_'-joined names. */
struct emitter {
	struct strbuf *sb;
	enum alert_format fmt;
	size_t str_cap;             /* longest untrusted string written, in input bytes */
	bool cut;                   /* some string was cut */
	int depth;
	bool first[EMIT_DEPTH];
	char prefix[128];
	size_t plen[EMIT_DEPTH];
};

static void emit_key(struct emitter *e, const char *name)
{
	if (e->fmt == FORMAT_JSON) {
		if (!e->first[e->depth])
			strbuf_putc(e->sb, ',');
		e->first[e->depth] = false;
		if (name) {
			strbuf_putc(e->sb, '"');
			strbuf_puts(e->sb, name);
			strbuf_puts(e->sb, "\":");
		}
		return;
	}
	if (e->sb->len)
		strbuf_putc(e->sb, ' ');
	strbuf_add(e->sb, e->prefix, e->plen[e->depth]);
	strbuf_puts(e->sb, name);
	strbuf_putc(e->sb, '=');
}

static void emit_open(struct emitter *e, const char *name, char bracket)
{
	if (e->depth + 1 >= EMIT_DEPTH)
		return;
	if (e->fmt == FORMAT_JSON) {
		emit_key(e, name);
		strbuf_putc(e->sb, bracket);
	} else {
		size_t p = e->plen[e->depth], n = strlen(name);

		if (p + n + 1 < sizeof(e->prefix)) {
			memcpy(e->prefix + p, name, n);
			e->prefix[p + n] = '_';
			p += n + 1;
		}
		e->plen[e->depth + 1] = p;
	}
	e->depth++;
	e->first[e->depth] = true;
}

static void emit_close(struct emitter *e, char bracket)
{
	if (e->depth == 0)
		return;
	e->depth--;
	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, bracket);
}

static void emit_str(struct emitter *e, const char *name, const char *s, size_t len)
{
	emit_key(e, name);
	if (!s) {
		strbuf_puts(e->sb, e->fmt == FORMAT_JSON ? "null" : "\"\"");
		return;
	}
	strbuf_putc(e->sb, '"');
	if (e->fmt == FORMAT_JSON)
		strbuf_json_escape(e->sb, s, len, e->str_cap, &e->cut);
	else
		strbuf_kv_escape(e->sb, s, len, e->str_cap, &e->cut);
	strbuf_putc(e->sb, '"');
}

static void emit_cstr(struct emitter *e, const char *name, const char *s)
{
	emit_str(e, name, s, s ? strlen(s) : 0);
}

/* Code-made words (rule, severity, MITRE codes, event id and time, reason codes) are never
 * cut: a rule "loader_e..." or a cut event id is useless to whoever reads the alert. */
static void emit_word(struct emitter *e, const char *name, const char *s)
{
	size_t cap = e->str_cap;

	e->str_cap = SIZE_MAX;
	emit_cstr(e, name, s);
	e->str_cap = cap;
}

static void emit_rstr(struct emitter *e, const char *name, const struct rec_str *r)
{
	emit_str(e, name, r ? r->s : NULL, r && r->s ? r->len : 0);
}

static void emit_int(struct emitter *e, const char *name, long long v)
{
	emit_key(e, name);
	strbuf_printf(e->sb, "%lld", v);
}

/* Audit ids: -1 (absent) and 4294967295 (unset auid/ses) print as -1 in both formats. */
static void emit_id(struct emitter *e, const char *name, long long v)
{
	emit_int(e, name, v == REC_AUID_UNSET ? -1 : v);
}

static void emit_bool(struct emitter *e, const char *name, bool v)
{
	emit_key(e, name);
	strbuf_puts(e->sb, v ? "true" : "false");
}

/* A list of trusted, code-made words (reasons, option names). */
static void emit_words(struct emitter *e, const char *name, const char *const *w, size_t n)
{
	if (e->fmt == FORMAT_JSON) {
		emit_open(e, name, '[');
		for (size_t i = 0; i < n; i++)
			emit_word(e, NULL, w[i]);
		emit_close(e, ']');
		return;
	}
	emit_key(e, name);
	strbuf_putc(e->sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_putc(e->sb, ',');
		strbuf_kv_escape(e->sb, w[i], strlen(w[i]), SIZE_MAX, NULL);
	}
	strbuf_putc(e->sb, '"');
}

static void emit_argv(struct emitter *e, const char *name, const struct rec_event *ev)
{
	if (e->fmt == FORMAT_JSON) {
		emit_open(e, name, '[');
		for (unsigned i = 0; i < ev->argc_kept; i++)
			emit_rstr(e, NULL, &ev->argv[i]);
		emit_close(e, ']');
	} else {
		char key[32];

		for (unsigned i = 0; i < ev->argc_kept; i++) {
			snprintf(key, sizeof(key), "%s%u", name, i);
			emit_rstr(e, key, &ev->argv[i]);
		}
	}
	emit_int(e, "argc", ev->argc);
	emit_bool(e, "argv_truncated", ev->argv_cut);
}

void alert_format_time(time_t sec, unsigned msec, char *out, size_t cap)
{
	struct tm tm;

	if (!gmtime_r(&sec, &tm)) {
		snprintf(out, cap, "%lld.%03u", (long long)sec, msec);
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec % 1000);
}

static void emit_proc_entry(struct emitter *e, const char *name, const struct proc_entry *p)
{
	emit_open(e, name, '{');
	emit_int(e, "pid", p->pid);
	emit_int(e, "ppid", p->ppid);
	emit_id(e, "uid", p->uid);
	emit_id(e, "auid", p->auid);
	emit_cstr(e, "comm", p->comm);
	emit_cstr(e, "exe", p->exe);
	if (p->image[0] && strcmp(p->image, p->exe) != 0)
		emit_cstr(e, "image", p->image);
	emit_cstr(e, "cmdline", p->argv);
	emit_close(e, '}');
}

static void emit_loader(struct emitter *e, const struct rec_event *ev, const struct loader_verdict *v)
{
	const struct loader_opts *o = &v->opts;

	emit_open(e, "loader", '{');
	emit_rstr(e, "path", &v->loader_path);
	emit_word(e, "matched_by", v->matched_by);
	emit_bool(e, "copy", (v->reasons & LR_LOADER_COPY) != 0);
	if (v->soname[0])
		emit_cstr(e, "soname", v->soname);
	emit_cstr(e, "target", v->target[0] ? v->target : NULL);
	if (v->have_facts) {
		emit_open(e, "target_facts", '{');
		emit_bool(e, "exists", v->facts.exists);
		if (v->facts.exists) {
			char mode[8];

			snprintf(mode, sizeof(mode), "%04o", (unsigned)(v->facts.mode & 07777));
			emit_word(e, "mode", mode);
			emit_int(e, "owner", v->facts.owner);
			emit_int(e, "size", v->facts.size);
			char dev[24];
			snprintf(dev, sizeof(dev), "%02x:%02x", v->facts.id.major, v->facts.id.minor);
			emit_word(e, "dev", dev);
			emit_int(e, "inode", (long long)v->facts.id.ino);
			if (v->facts.real[0])
				emit_cstr(e, "realpath", v->facts.real);
		}
		emit_close(e, '}');
	}
	emit_words(e, "options", o->names, o->nnames);
	if (o->preload)
		emit_rstr(e, "preload", o->preload);
	if (o->audit)
		emit_rstr(e, "audit", o->audit);
	if (o->library_path)
		emit_rstr(e, "library_path", o->library_path);
	if (o->argv0)
		emit_rstr(e, "argv0_option", o->argv0);
	if (ev->argc_kept > 0)
		emit_rstr(e, "argv0", &ev->argv[0]);
	emit_close(e, '}');
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

	emit_open(e, "event", '{');
	emit_word(e, "id", ev->id);
	alert_format_time(ev->sec, ev->msec, when, sizeof(when));
	emit_word(e, "time", when);
	emit_word(e, "syscall", ev->syscall_name);
	emit_bool(e, "success", ev->success);
	emit_int(e, "exit", ev->exit);
	emit_rstr(e, "key", &ev->key);
	emit_close(e, '}');
	emit_cstr(e, "host", a->host);

	emit_open(e, "process", '{');
	emit_int(e, "pid", ev->pid);
	emit_int(e, "ppid", ev->ppid);
	emit_id(e, "uid", ev->uid);
	emit_id(e, "euid", ev->euid);
	emit_id(e, "auid", ev->auid);
	emit_id(e, "ses", ev->ses);
	emit_cstr(e, "tty", ev->tty);
	emit_rstr(e, "comm", &ev->comm);
	emit_rstr(e, "exe", &ev->exe);
	emit_rstr(e, "cwd", &ev->cwd);
	emit_argv(e, "argv", ev);
	emit_close(e, '}');

	if (a->nlineage > 0)
		emit_proc_entry(e, "parent", a->lineage[0]);
	else {
		emit_open(e, "parent", '{');
		emit_int(e, "pid", ev->ppid);
		emit_bool(e, "known", false);
		emit_close(e, '}');
	}
	if (a->nlineage > 1) {
		if (e->fmt == FORMAT_JSON) {
			emit_open(e, "ancestors", '[');
			for (size_t i = 1; i < a->nlineage; i++)
				emit_proc_entry(e, NULL, a->lineage[i]);
			emit_close(e, ']');
		} else {
			for (size_t i = 1; i < a->nlineage; i++) {
				char key[24];
				snprintf(key, sizeof(key), "ancestor%zu", i);
				emit_proc_entry(e, key, a->lineage[i]);
			}
		}
	}
	if (a->loader)
		emit_loader(e, ev, a->loader);
	emit_words(e, "reasons", a->reasons, a->nreasons);
	emit_cstr(e, "summary", a->summary);
	if (e->cut)
		emit_bool(e, "truncated", true);
	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, '}');
}

int alert_format(const struct alert *a, enum alert_format fmt, size_t max_bytes, struct strbuf *out)
{
	size_t cap = REC_STR_MAX;

	/* Cut every untrusted string harder until the whole line fits. */
	for (;;) {
		struct emitter e;

		memset(&e, 0, sizeof(e));
		e.sb = out;
		e.fmt = fmt;
		e.str_cap = cap;
		e.first[0] = true;
		out->limit = max_bytes;
		strbuf_reset(out);
		emit_alert(&e, a);
		if (!out->truncated && out->len <= max_bytes)
			return 0;
		if (cap <= 8)
			break;
		cap /= 2;
	}
	/* Still too long (absurd limits): a minimal, always valid line. */
	strbuf_reset(out);
	if (fmt == FORMAT_JSON)
		strbuf_printf(out, "{\"rule\":\"%s\",\"severity\":\"%s\",\"event\":{\"id\":\"%s\"},"
			      "\"truncated\":true}", a->rule, severity_name(a->severity), a->ev->id);
	else
		strbuf_printf(out, "rule=\"%s\" severity=\"%s\" event_id=\"%s\" truncated=true",
			      a->rule, severity_name(a->severity), a->ev->id);
	return out->truncated ? -ENOMEM : 0;
}
