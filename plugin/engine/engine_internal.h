/* engine_internal: what engine.c shares with engine_exec.c (exec-time judgement). */
#ifndef ELFWATCH_ENGINE_INTERNAL_H
#define ELFWATCH_ENGINE_INTERNAL_H

#include "engine/engine.h"

/* The parent and ancestors of self (from ppid) in the process table; at most max. */
size_t build_lineage(struct engine *en, long long self, long long ppid,
		     const struct proc_entry **out, size_t max);
/* Format and emit one alert; below min_severity it is only counted. */
void engine_emit(struct engine *en, struct alert *a, const char *id);

/* Set up exec-time judgement (cache, file access, loader probe wrapper). 0 or -ENOMEM. */
int engine_exec_init(struct engine *en);
void engine_exec_free(struct engine *en);
/* Before loader_judge: note the exec (fileless forms, pid for the loader probe). */
void engine_exec_begin(struct engine *en, const struct rec_event *ev);
/* After the loader and write-path verdicts: judge the image, raise suspicious_elf_exec or
 * fileless_exec. image: the write path tied this exec to a file it judged (dropped_exec), or
 * NULL. */
void engine_exec_judge(struct engine *en, const struct rec_event *ev,
		       const struct write_result *image);
/* The write path judged a file: its state needs no judgement at exec time. */
void engine_exec_note_written(struct engine *en, const struct stat *st,
			      const struct elf_report *rep, const struct write_verdict *wv);
/* Counters, one log line. */
void engine_exec_log_stats(const struct engine *en);

/* Linker hijacks (engine_linker.c): hook the write path's file names; 0 or -ENOMEM. */
int engine_linker_init(struct engine *en);
void engine_linker_free(struct engine *en);
/* A written shared object in a library directory by a writer that is not a trusted producer:
 * the reason to raise (linker_hijack), else NULL. */
const char *engine_linker_library(const struct engine *en, const struct written_file *wf);
/* After a successful exec: LD_ variables of the new process (linker.environ, live only). */
void engine_linker_on_exec(struct engine *en, const struct rec_event *ev);
void engine_linker_log_stats(const struct engine *en);

#endif
