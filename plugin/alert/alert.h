/* alert: turns a detection into one line of JSON, key=value, ECS JSON or text. Every attacker-controlled string
 * is escaped so it cannot forge a field or a line, and the line never exceeds the configured
 * bound: argv, then the other untrusted strings are cut (marked "..."), then what the event id
 * can rebuild is left out, until it fits, and "truncated" says so. Rule, severity, event id,
 * pid, uid, exe, loader, program (or target_cut) and reasons stay. */
#ifndef ELFWATCH_ALERT_H
#define ELFWATCH_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <sys/stat.h>

#include "sys/config.h"
#include "detect/dropverdict.h"
#include "elf/elf_report.h"
#include "detect/execjudge.h"
#include "detect/linker.h"
#include "detect/loader.h"
#include "detect/mitre.h"
#include "detect/proctable.h"
#include "model/record.h"
#include "util/severity.h"
#include "util/strbuf.h"
#include "detect/writes.h"

#define ALERT_LINEAGE_MAX 4
#define ALERT_REASONS_MAX 32


struct alert {
	const char *rule;                   /* "loader_exec", ... */
	enum severity severity;
	const struct mitre *mitre;
	const char *host;
	const struct rec_event *ev;         /* the event that triggered it (NULL for writes
					     * judged later: file and actor describe them) */
	const struct proc_entry *lineage[ALERT_LINEAGE_MAX];    /* [0] = parent */
	size_t nlineage;
	const struct proc_entry *actor;     /* the process when there is no ev (write alerts) */
	const struct loader_verdict *loader;                    /* loader_exec only */
	const struct written_file *file;    /* suspicious_elf_write, dropped_exec */
	const struct stat *file_st;         /* its fstat, when judged now */
	const struct elf_report *elf;       /* the engine's report, when judged now */
	const struct write_verdict *verdict;    /* which findings count */
	const struct write_result *written; /* dropped_exec: the earlier write and its verdict */
	const struct execjudge_result *image;   /* exec-time judgement (suspicious_elf_exec,
						 * fileless_exec) */
	const struct write_result *unjudged;    /* unjudged_write: why it could not be judged */
	const struct linker_env *env;       /* preload_env: the LD_ variables found */
	const char *reasons[ALERT_REASONS_MAX];
	size_t nreasons;
	const char *summary;
};

/* Format a into out (reset first) as one line without the newline: JSON, key=value, ECS
 * JSON, or text for a person (alert_text_format without colour). The result is at most
 * max_bytes long. Returns 0, or -ENOMEM. */
int alert_format(const struct alert *a, enum alert_format fmt, size_t max_bytes, struct strbuf *out);

/* Text for a person (alert_text.c): one line, at most max_bytes, untrusted strings escaped
 * for a terminal, ANSI colour only when colour is set. Returns 0. */
int alert_text_format(const struct alert *a, bool colour, size_t max_bytes, struct strbuf *out);
/* Its pieces, shared with the storm lines and the summary: the severity word (coloured when
 * colour; as a column, pad: upper case, padded to 8), the time as "YYYY-MM-DD HH:MM:SS" (UTC),
 * what the alert is about (the program, file or image; not NUL-terminated when from a
 * record: use *ret_len), and who wrote it (or NULL). */
void alert_text_severity(struct strbuf *out, enum severity sev, bool colour, bool pad);
void alert_text_time(struct strbuf *out, time_t sec, unsigned msec);
const char *alert_text_what(const struct alert *a, size_t *ret_len);
const char *alert_text_writer(const struct alert *a);

/* The sections the formats are built of are alert_sections.h's (inside alert/ only). */

/* ISO 8601 UTC with milliseconds (alert_fields.c): "2026-11-22T16:22:09.957Z". */
void alert_format_time(time_t sec, unsigned msec, char *out, size_t cap);

#endif
