#include "alert/storm_line.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/siphash.h"

#include "alert/emit.h"

/* Digest input: each field tagged and length-prefixed, so no two field lists read alike. */
static void put(struct siphash *c, char tag, const void *p, size_t n)
{
	unsigned char head[9];
	uint64_t len = n;

	head[0] = (unsigned char)tag;
	memcpy(head + 1, &len, sizeof(len));
	siphash_update(c, head, sizeof(head));
	if (n)
		siphash_update(c, p, n);
}

static void put_str(struct siphash *c, char tag, const char *s)
{
	put(c, tag, s, s ? strlen(s) : 0);
}

static void put_rstr(struct siphash *c, char tag, const struct rec_str *r)
{
	put(c, tag, r && r->s ? r->s : NULL, r && r->s ? r->len : 0);
}

static void put_int(struct siphash *c, char tag, long long v)
{
	put(c, tag, &v, sizeof(v));
}

/* The exec: who ran what, with which arguments (not pid, time or event id). */
static void put_event(struct siphash *c, const struct rec_event *ev)
{
	put_str(c, 's', ev->syscall_name);
	put_int(c, 'S', ev->success);
	put_int(c, 'u', ev->uid);
	put_int(c, 'U', ev->euid);
	put_int(c, 'a', ev->auid);
	put_rstr(c, 'e', &ev->exe);
	put_int(c, 'n', ev->argc);
	for (unsigned i = 0; i < ev->argc_kept; i++)
		put_rstr(c, 'v', &ev->argv[i]);
}

static void put_loader(struct siphash *c, const struct loader_verdict *v)
{
	const struct loader_opts *o = &v->opts;

	put_rstr(c, 'l', &v->loader_path);
	put_str(c, 'm', loader_match_name(v->matched_by));
	put_str(c, 'o', v->soname);
	put_str(c, 't', v->target);
	for (unsigned i = 0; i < o->nnames && i < sizeof(o->names) / sizeof(o->names[0]); i++)
		put_str(c, 'O', o->names[i]);
	put_rstr(c, 'p', o->preload);
	put_rstr(c, 'A', o->audit);
	put_rstr(c, 'L', o->library_path);
	put_rstr(c, '0', o->argv0);
}

static void put_file(struct siphash *c, const struct written_file *f)
{
	put_int(c, 'j', f->id.major);
	put_int(c, 'k', f->id.minor);
	put_int(c, 'I', (long long)f->id.ino);
	put_str(c, 'f', f->path);
	put_str(c, 'w', f->writer.exe);
	put_int(c, 'W', f->writer.uid);
}

void storm_line_key(const struct alert *a, const unsigned char secret[STORM_SECRET_LEN],
		    struct storm_key *ret)
{
	struct siphash c;

	memset(ret, 0, sizeof(*ret));
	ret->rule = a->rule;
	ret->severity = a->severity;
	ret->event_id = a->ev ? a->ev->id : a->file ? a->file->event_id : "";
	siphash_init(&c, secret);
	put_str(&c, 'r', a->rule);
	put_int(&c, 'v', a->severity);
	for (size_t i = 0; i < a->nreasons; i++)
		put_str(&c, 'R', a->reasons[i]);
	if (a->ev)
		put_event(&c, a->ev);
	if (a->loader) {
		/* the image run through the loader: its inode when known, else its name */
		const struct loader_verdict *v = a->loader;

		put_loader(&c, v);
		if (v->have_facts && v->facts.exists)
			ret->id = v->facts.id;
		if (v->target[0]) {
			ret->name = v->target;
			ret->name_len = strlen(v->target);
		} else {
			ret->name = v->loader_path.s ? v->loader_path.s : "";
			ret->name_len = v->loader_path.s ? v->loader_path.len : 0;
		}
	} else if (a->file) {
		put_file(&c, a->file);
		ret->id = a->file->id;
		ret->name = a->file->path;
		ret->name_len = strlen(a->file->path);
	}
	siphash_final(&c, ret->digest);
}

static void emit_identity(struct emitter *e, const struct storm_report *r)
{
	emit_open(e, "identity", '{');
	emit_cstr(e, "name", r->name);
	if (r->name_cut)
		e->cut = true;
	if (r->id.valid) {
		char dev[24];

		snprintf(dev, sizeof(dev), "%02x:%02x", r->id.major, r->id.minor);
		emit_word(e, "dev", dev);
		emit_int(e, "inode", (long long)r->id.ino);
	}
	emit_close(e, '}');
}

static void report_summary(const struct storm_report *r, char *out, size_t cap)
{
	long long span = r->last_ms - r->first_ms;

	if (r->kind == STORM_REPEATS)
		snprintf(out, cap, "%lu more %s alerts like event %s for %s within %lld.%03llds",
			 r->count, r->rule, r->first_event, r->name, span / 1000, span % 1000);
	else
		snprintf(out, cap, "%lu %s alerts suppressed: over %u per minute",
			 r->count, r->rule, r->rate_per_minute);
}

static void emit_storm(struct emitter *e, const struct storm_report *r, unsigned window_ms)
{
	bool repeats = r->kind == STORM_REPEATS;

	emit_open(e, repeats ? "repeats" : "suppressed", '{');
	emit_word(e, "rule", r->rule);
	emit_int(e, "count", (long long)r->count);
	emit_word(e, "first_event", r->first_event);
	emit_word(e, "last_event", r->last_event);
	emit_int(e, "span_ms", r->last_ms - r->first_ms);
	if (repeats) {
		emit_int(e, "window_ms", window_ms);
		emit_bool(e, "window_cut", r->evicted);
	} else {
		emit_int(e, "rate_per_minute", r->rate_per_minute);
	}
	emit_close(e, '}');
}

static void emit_report(struct emitter *e, const struct storm_report *r, const char *host,
			unsigned window_ms)
{
	bool repeats = r->kind == STORM_REPEATS;
	char summary[STORM_NAME_MAX + 256];

	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, '{');
	emit_word(e, "rule", repeats ? "alert_repeats" : "alerts_suppressed");
	emit_word(e, "severity", severity_name(r->severity));
	emit_storm(e, r, window_ms);
	emit_cstr(e, "host", host);
	if (repeats)
		emit_identity(e, r);
	report_summary(r, summary, sizeof(summary));
	emit_cstr(e, "summary", summary);
	if (e->cut)
		emit_bool(e, "truncated", true);
	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, '}');
}

/* The same report in ECS names (docs/ecs.md): event, rule, log.level, host, message, and the
 * fold or cap under elfwatch. */
static void emit_report_ecs(struct emitter *e, const struct storm_report *r, const char *host,
			    unsigned window_ms, long long wall_ms)
{
	static const char *const category[] = { "intrusion_detection" };
	static const char *const type[] = { "info" };
	const char *rule = r->kind == STORM_REPEATS ? "alert_repeats" : "alerts_suppressed";
	char summary[STORM_NAME_MAX + 256];

	strbuf_putc(e->sb, '{');
	if (wall_ms > 0) {
		char when[40];

		alert_format_time((time_t)(wall_ms / 1000), (unsigned)(wall_ms % 1000), when, sizeof(when));
		emit_word(e, "@timestamp", when);
	}
	emit_open(e, "event", '{');
	emit_word(e, "kind", "alert");
	emit_word(e, "module", "elfwatch");
	emit_word(e, "dataset", "elfwatch.alert");
	emit_words(e, "category", category, 1);
	emit_words(e, "type", type, 1);
	emit_word(e, "action", rule);
	emit_int(e, "severity", (long long)r->severity + 1);
	emit_close(e, '}');
	emit_open(e, "rule", '{');
	emit_word(e, "name", rule);
	emit_word(e, "ruleset", "elfwatch");
	emit_close(e, '}');
	emit_open(e, "log", '{');
	emit_word(e, "level", severity_name(r->severity));
	emit_close(e, '}');
	emit_open(e, "host", '{');
	emit_cstr(e, "hostname", host);
	emit_cstr(e, "name", host);
	emit_close(e, '}');
	report_summary(r, summary, sizeof(summary));
	emit_cstr(e, "message", summary);
	emit_open(e, "elfwatch", '{');
	emit_storm(e, r, window_ms);
	if (r->kind == STORM_REPEATS)
		emit_identity(e, r);
	if (e->cut)
		emit_bool(e, "truncated", true);
	emit_close(e, '}');
	strbuf_putc(e->sb, '}');
}

static void format_text(const struct storm_report *r, long long wall_ms, bool colour, size_t cap,
			struct strbuf *out)
{
	const char *rule = r->kind == STORM_REPEATS ? "alert_repeats" : "alerts_suppressed";
	char summary[STORM_NAME_MAX + 256];

	if (wall_ms > 0)
		alert_text_time(out, (time_t)(wall_ms / 1000), (unsigned)(wall_ms % 1000));
	else
		strbuf_puts(out, "-------------------");
	strbuf_putc(out, ' ');
	alert_text_severity(out, r->severity, colour, true);
	strbuf_printf(out, " %-20s ", rule);
	report_summary(r, summary, sizeof(summary));
	strbuf_text_escape(out, summary, strlen(summary), cap, NULL);
}

int storm_line_format(const struct storm_report *r, const char *host, unsigned window_ms,
		      long long wall_ms, enum alert_format fmt, bool colour, size_t max_bytes,
		      struct strbuf *out)
{
	/* names are at most STORM_NAME_MAX bytes: cut only for absurd limits */
	for (size_t cap = REC_STR_MAX; cap >= 8; cap /= 2) {
		struct emitter e;

		memset(&e, 0, sizeof(e));
		e.sb = out;
		e.fmt = fmt == FORMAT_ECS ? FORMAT_JSON : fmt;
		e.str_cap = cap;
		e.first[0] = true;
		out->limit = max_bytes;
		strbuf_reset(out);
		if (fmt == FORMAT_TEXT)
			format_text(r, wall_ms, colour && cap == REC_STR_MAX, cap, out);
		else if (fmt == FORMAT_ECS)
			emit_report_ecs(&e, r, host, window_ms, wall_ms);
		else
			emit_report(&e, r, host, window_ms);
		if (!out->truncated && out->len <= max_bytes)
			return 0;
	}
	return -ENOMEM;
}
