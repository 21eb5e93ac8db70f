#include "alert/tally.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"

struct tally_entry {
	char *name;
	size_t len;
	unsigned long n;
};

struct tally_list {
	struct tally_entry v[TALLY_NAMES];
	size_t n;
	unsigned long others;   /* counts of names past TALLY_NAMES */
};

int tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
	t->rules = calloc(1, sizeof(*t->rules));
	t->writers = calloc(1, sizeof(*t->writers));
	t->targets = calloc(1, sizeof(*t->targets));
	return t->rules && t->writers && t->targets ? 0 : -ENOMEM;
}

static void list_free(struct tally_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l);
}

void tally_free(struct tally *t)
{
	list_free(t->rules);
	list_free(t->writers);
	list_free(t->targets);
	memset(t, 0, sizeof(*t));
}

static void list_add(struct tally_list *l, const char *s, size_t n)
{
	if (!l || !s)
		return;
	if (n > TALLY_NAME_MAX)
		n = utf8_safe_prefix(s, TALLY_NAME_MAX);
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].len == n && memcmp(l->v[i].name, s, n) == 0) {
			l->v[i].n++;
			return;
		}
	}
	if (l->n == TALLY_NAMES || !(l->v[l->n].name = malloc(n + 1))) {
		l->others++;
		return;
	}
	memcpy(l->v[l->n].name, s, n);
	l->v[l->n].name[n] = '\0';
	l->v[l->n].len = n;
	l->v[l->n].n = 1;
	l->n++;
}

void tally_add(struct tally *t, const char *rule, enum severity sev, const char *writer,
	       const char *target, size_t target_len)
{
	t->total++;
	if (sev < SEV_COUNT)
		t->by_sev[sev]++;
	list_add(t->rules, rule, rule ? strlen(rule) : 0);
	list_add(t->writers, writer, writer ? strlen(writer) : 0);
	list_add(t->targets, target, target_len);
}

void tally_add_rule(struct tally *t, const char *rule)
{
	list_add(t->rules, rule, rule ? strlen(rule) : 0);
}

/* "name n, name n, ..." for the TALLY_TOP largest counts (first seen first among equals). */
static void list_format(const struct tally_list *l, const char *title, size_t top,
			struct strbuf *out)
{
	bool used[TALLY_NAMES] = { false };
	size_t shown = 0;

	if (!l || !title[0] || (l->n == 0 && l->others == 0))
		return;
	strbuf_puts(out, "  ");
	strbuf_puts(out, title);
	strbuf_putc(out, ':');
	for (; shown < top && shown < l->n; shown++) {
		size_t best = l->n;

		for (size_t i = 0; i < l->n; i++)
			if (!used[i] && (best == l->n || l->v[i].n > l->v[best].n))
				best = i;
		used[best] = true;
		strbuf_puts(out, shown ? ", " : " ");
		strbuf_text_escape(out, l->v[best].name, l->v[best].len, TALLY_NAME_MAX, NULL);
		strbuf_printf(out, " %lu", l->v[best].n);
	}
	if (l->n > shown || l->others) {
		unsigned long rest = l->others;

		for (size_t i = 0; i < l->n; i++)
			if (!used[i])
				rest += l->v[i].n;
		strbuf_printf(out, "%s%lu more", shown ? ", " : " ", rest);
	}
	strbuf_putc(out, '\n');
}

void tally_format(const struct tally *t, const char *what, const char *const names[3], bool colour,
		  struct strbuf *out)
{
	strbuf_printf(out, "summary: %lu %s", t->total, what);
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		strbuf_puts(out, s == SEV_CRITICAL ? ": " : ", ");
		if (colour && t->by_sev[s])
			alert_text_severity(out, (enum severity)s, true, false);
		else
			strbuf_puts(out, severity_name((enum severity)s));
		strbuf_printf(out, " %lu", t->by_sev[s]);
	}
	strbuf_putc(out, '\n');
	list_format(t->rules, names[0], TALLY_NAMES, out);
	list_format(t->writers, names[1], TALLY_TOP, out);
	list_format(t->targets, names[2], TALLY_TOP, out);
}
