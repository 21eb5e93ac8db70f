/* tally: the summary a person reads after a replay or an analysis: counts by rule and by
 * severity, and the names seen most (writers, targets, finding codes). Pure and bounded: at
 * most TALLY_NAMES distinct names a list, the rest counted as "others"; names are escaped
 * for a terminal when written out. */
#ifndef ELFWATCH_TALLY_H
#define ELFWATCH_TALLY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/severity.h"
#include "util/strbuf.h"

#define TALLY_NAMES 1024
#define TALLY_NAME_MAX 512      /* bytes of a name kept (longer ones are cut, "...") */
#define TALLY_TOP 5

struct tally_list;

struct tally {
	unsigned long total;
	unsigned long by_sev[SEV_COUNT];
	struct tally_list *rules, *writers, *targets;
};

/* 0 or -ENOMEM; tally_free accepts a tally that failed to initialise. */
int tally_init(struct tally *t);
void tally_free(struct tally *t);

/* Count one item: its rule (or kind), severity, writer and target (NULL: none). */
void tally_add(struct tally *t, const char *rule, enum severity sev, const char *writer,
	       const char *target, size_t target_len);

/* Count a name in the rule list only (a finding code of an analysed file). */
void tally_add_rule(struct tally *t, const char *rule);

/* The summary as text lines (each ending in '\n'): what heads the totals ("alerts", "ELF
 * files"), how the rule list and the two name lists are called ("by rule", "top writers",
 * "top targets"; "" leaves a list out); an empty list is left out. Severity words coloured when colour is set. */
void tally_format(const struct tally *t, const char *what, const char *const names[3], bool colour,
		  struct strbuf *out);

#endif
