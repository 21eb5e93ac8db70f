/* alert: turns a detection into one line of JSON or key=value. Every attacker-controlled string
 * is escaped so it cannot forge a field or a line, and the line never exceeds the configured
 * bound: strings are cut (marked "...") until it fits, and "truncated" says so. */
#ifndef ELFWATCH_ALERT_H
#define ELFWATCH_ALERT_H

#include <stddef.h>

#include "config.h"
#include "loader.h"
#include "proctable.h"
#include "record.h"
#include "severity.h"
#include "strbuf.h"

#define ALERT_LINEAGE_MAX 4
#define ALERT_REASONS_MAX 32

struct mitre {
	const char *tactic, *tactic_name, *technique, *technique_name;
};

extern const struct mitre MITRE_LOADER_EXEC;

struct alert {
	const char *rule;                   /* "loader_exec", ... */
	enum severity severity;
	const struct mitre *mitre;
	const char *host;
	const struct rec_event *ev;         /* the event that triggered it */
	const struct proc_entry *lineage[ALERT_LINEAGE_MAX];    /* [0] = parent */
	size_t nlineage;
	const struct loader_verdict *loader;                    /* loader_exec only */
	const char *reasons[ALERT_REASONS_MAX];
	size_t nreasons;
	const char *summary;
};

/* Format a into out (reset first) as one line without the newline. The result is at most
 * max_bytes long. Returns 0, or -ENOMEM. */
int alert_format(const struct alert *a, enum alert_format fmt, size_t max_bytes, struct strbuf *out);

/* ISO 8601 UTC with milliseconds: "2026-11-22T16:22:09.957Z". */
void alert_format_time(time_t sec, unsigned msec, char *out, size_t cap);

#endif
