/* alert_fields: the pieces every structured format shares (JSON, key=value and ECS): the time,
 * a process from the table, and the loader section. Only the emitter below them. */
#include "alert/alert_sections.h"

#include <stdio.h>
#include <string.h>

#include "alert/emit.h"

/* v as exactly width decimal digits, zero-padded (v < 10^width) */
static void put_digits(char *out, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

void alert_format_time(time_t sec, unsigned msec, char *out, size_t cap)
{
	struct tm tm;

	if (!gmtime_r(&sec, &tm)) {
		snprintf(out, cap, "%lld.%03u", (long long)sec, msec);
		return;
	}
	if (cap < 25 || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec % 1000);
		return;
	}
	/* the common case by hand: snprintf was a tenth of formatting an alert */
	put_digits(out, (unsigned)(tm.tm_year + 1900), 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)tm.tm_mon + 1, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)tm.tm_mday, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)tm.tm_sec, 2);
	out[19] = '.';
	put_digits(out + 20, msec % 1000, 3);
	out[23] = 'Z';
	out[24] = '\0';
}

void alert_emit_proc_entry(struct emitter *e, const char *name, const struct proc_entry *p)
{
	emit_open(e, name, '{');
	emit_int(e, "pid", p->pid);
	emit_int(e, "ppid", p->ppid);
	emit_id(e, "uid", p->uid);
	emit_id(e, "auid", p->auid);
	emit_id(e, "ses", p->ses);
	emit_cstr(e, "comm", p->comm);
	emit_cstr(e, "exe", p->exe);
	if (p->image[0] && strcmp(p->image, p->exe) != 0)
		emit_cstr(e, "image", p->image);
	emit_cstr(e, "cmdline", p->argv);
	emit_close(e, '}');
}

void alert_emit_loader(struct emitter *e, const struct rec_event *ev, const struct loader_verdict *v)
{
	const struct loader_opts *o = &v->opts;

	emit_open(e, "loader", '{');
	emit_rstr_cap(e, "path", &v->loader_path, e->key_cap);
	emit_word(e, "matched_by", v->matched_by);
	emit_bool(e, "copy", (v->reasons & LR_LOADER_COPY) != 0);
	if (v->soname[0] && !e->minimal)
		emit_cstr(e, "soname", v->soname);
	if (v->target[0])
		emit_str_cap(e, "target", v->target, strlen(v->target), e->key_cap);
	else
		emit_cstr(e, "target", NULL);
	if (v->target_cut)
		emit_bool(e, "target_cut", true);
	if (e->minimal) {
		emit_words_once(e, "options", o->names, o->nnames);
		emit_close(e, '}');
		return;
	}
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
	emit_words_once(e, "options", o->names, o->nnames);
	if (o->preload)
		emit_rstr(e, "preload", o->preload);
	if (o->audit)
		emit_rstr(e, "audit", o->audit);
	if (o->library_path)
		emit_rstr(e, "library_path", o->library_path);
	if (o->argv0)
		emit_rstr(e, "argv0_option", o->argv0);
	if (ev && ev->argc_kept > 0)
		emit_rstr(e, "argv0", &ev->argv[0]);
	emit_close(e, '}');
}
