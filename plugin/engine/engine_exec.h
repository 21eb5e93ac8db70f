/* engine_exec: exec-time judgement wired into the engine (engine_exec.c). */
#ifndef ELFWATCH_ENGINE_EXEC_H
#define ELFWATCH_ENGINE_EXEC_H

#include "engine/engine.h"

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

#endif
