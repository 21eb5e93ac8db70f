/* alert_sections: the sections the structured formats are made of, for the files of alert/
 * only. Each file uses the ones above it in this list and none below, so the dispatcher
 * (alert.c: JSON, key=value, the cutting budgets) sits on top and nothing calls back into it:
 *   emit.c          the writer: keys, escaping, caps (emit.h)
 *   alert_fields.c  time, a process of the table, the loader section
 *   alert_exec.c    image, environ and reasons: what follows the file in every format
 *   alert_file.c    the write event, the file, its ELF facts and findings, the earlier write
 *   alert_ecs.c     the whole alert as ECS
 *   alert_text.c    the line for a person (alert.h), beside the others, on alert_fields.c
 *   alert.c         alert_format: picks the format, cuts until the line fits */
#ifndef ELFWATCH_ALERT_SECTIONS_H
#define ELFWATCH_ALERT_SECTIONS_H

#include "alert/alert.h"

struct emitter;

/* alert_fields.c (and alert_format_time, alert.h) */
void alert_emit_proc_entry(struct emitter *e, const char *name, const struct proc_entry *p);
void alert_emit_loader(struct emitter *e, const struct rec_event *ev, const struct loader_verdict *v);

/* alert_exec.c: the sections after the file, in every format's order: image, env, reasons. */
void alert_emit_image(struct emitter *e, const struct alert *a);
void alert_emit_env(struct emitter *e, const struct linker_env *env);
void alert_emit_findings(struct emitter *e, const struct alert *a);

/* alert_file.c */
void alert_emit_write_event(struct emitter *e, const struct written_file *wf);
void alert_emit_file(struct emitter *e, const struct alert *a);
/* What follows the file: unjudged, elf, findings, written. */
void alert_emit_file_sections(struct emitter *e, const struct alert *a);
/* The file's SHA-256 (hex) from whichever judgement has it, or NULL. */
const char *alert_file_sha256(const struct alert *a);

/* alert_ecs.c: the alert as Elastic Common Schema names its fields, JSON through e. */
void alert_ecs_emit(struct emitter *e, const struct alert *a);

#endif
