/* alert_text: one short line per alert for a person at a terminal (--format text): time,
 * severity, rule, what and who, the reasons. Untrusted text goes through strbuf_text_escape,
 * so no control byte or escape sequence reaches the terminal; colour is ours only. */
#include "alert/alert.h"

#include <stdio.h>
#include <string.h>

static const char *const sev_colour[SEV_COUNT] = {
	[SEV_INFO] = "\033[2m", [SEV_LOW] = "\033[36m", [SEV_MEDIUM] = "\033[33m",
	[SEV_HIGH] = "\033[31m", [SEV_CRITICAL] = "\033[1;31m",
};
#define COLOUR_OFF "\033[0m"

void alert_text_severity(struct strbuf *out, enum severity sev, bool colour, bool pad)
{
	char word[16];
	size_t i;
	const char *name = severity_name(sev);

	/* a column (pad) in capitals; inside a sentence as the word is */
	for (i = 0; i < 8 && name[i]; i++)
		word[i] = (char)(name[i] - (pad && name[i] >= 'a' && name[i] <= 'z' ? 32 : 0));
	for (; pad && i < 8; i++)
		word[i] = ' ';
	word[i] = '\0';
	if (colour && sev < SEV_COUNT) {
		strbuf_puts(out, sev_colour[sev]);
		strbuf_puts(out, word);
		strbuf_puts(out, COLOUR_OFF);
	} else {
		strbuf_puts(out, word);
	}
}

void alert_text_time(struct strbuf *out, time_t sec, unsigned msec)
{
	char when[40];

	alert_format_time(sec, msec, when, sizeof(when));
	if (strlen(when) >= 19) {
		when[10] = ' ';
		when[19] = '\0';
	}
	strbuf_puts(out, when);
}

const char *alert_text_what(const struct alert *a, size_t *ret_len)
{
	const char *s;

	if (a->loader) {
		s = a->loader->target[0] ? a->loader->target :
		    a->loader->target_cut ? "(a program beyond the kept argv)" : "(no program)";
	} else if (a->file) {
		s = a->file->path;
	} else if (a->ev && a->ev->exe.s) {
		*ret_len = a->ev->exe.len;
		return a->ev->exe.s;
	} else {
		s = "?";
	}
	*ret_len = strlen(s);
	return s;
}

const char *alert_text_writer(const struct alert *a)
{
	if (a->written && a->written->file.writer.exe[0])
		return a->written->file.writer.exe;
	if (!a->ev && a->actor && a->actor->exe[0])
		return a->actor->exe;
	return NULL;
}

static void put_str(struct strbuf *out, const char *s, size_t n, size_t cap)
{
	strbuf_text_escape(out, s, n, cap, NULL);
}

static void put_line(const struct alert *a, bool colour, size_t cap, struct strbuf *out)
{
	const struct rec_event *ev = a->ev;
	const char *what, *writer = alert_text_writer(a);
	size_t wlen, rl = strlen(a->rule);

	if (ev)
		alert_text_time(out, ev->sec, ev->msec);
	else if (a->file)
		alert_text_time(out, a->file->sec, a->file->msec);
	else
		strbuf_puts(out, "-------------------");
	strbuf_putc(out, ' ');
	alert_text_severity(out, a->severity, colour, true);
	strbuf_putc(out, ' ');
	strbuf_puts(out, a->rule);
	for (; rl < 20; rl++)
		strbuf_putc(out, ' ');
	strbuf_putc(out, ' ');
	what = alert_text_what(a, &wlen);
	if (colour)
		strbuf_puts(out, "\033[1m");
	put_str(out, what, wlen, cap);
	if (colour)
		strbuf_puts(out, COLOUR_OFF);
	if (ev) {
		strbuf_printf(out, " by uid %lld pid %lld", ev->uid, ev->pid);
		if (a->nlineage > 0 && a->lineage[0]->exe[0]) {
			strbuf_puts(out, " (parent ");
			put_str(out, a->lineage[0]->exe, strlen(a->lineage[0]->exe), cap);
			strbuf_putc(out, ')');
		} else {
			strbuf_printf(out, " (ppid %lld)", ev->ppid);
		}
		if (writer) {
			strbuf_puts(out, ", written by ");
			put_str(out, writer, strlen(writer), cap);
		}
	} else if (a->actor) {
		strbuf_puts(out, " by ");
		put_str(out, a->actor->exe, strlen(a->actor->exe), cap);
		strbuf_printf(out, " uid %lld pid %lld", a->actor->uid, a->actor->pid);
	}
	if (a->nreasons) {
		strbuf_puts(out, " [");
		for (size_t i = 0; i < a->nreasons; i++) {
			if (i)
				strbuf_putc(out, ',');
			strbuf_puts(out, a->reasons[i]);
		}
		strbuf_putc(out, ']');
	}
}

int alert_text_format(const struct alert *a, bool colour, size_t max_bytes, struct strbuf *out)
{
	static const size_t caps[] = { 1024, 256, 64, 16 };

	out->limit = max_bytes;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		strbuf_reset(out);
		put_line(a, colour, caps[i], out);
		if (!out->truncated && out->len <= max_bytes)
			return 0;
	}
	/* cut by the strbuf itself: within the bound, never a raw control byte, maybe no
	 * colour reset: leave the colour out */
	strbuf_reset(out);
	put_line(a, false, 16, out);
	return 0;
}
