/* engine_linker: linker hijacks wired into the engine (engine_linker.c). */
#ifndef ELFWATCH_ENGINE_LINKER_H
#define ELFWATCH_ENGINE_LINKER_H

#include "engine/engine.h"

/* Hook the write path's file names; 0 or -ENOMEM. */
int engine_linker_init(struct engine *en);
void engine_linker_free(struct engine *en);
/* A written shared object in a library directory by a writer that is not a trusted producer:
 * the reason to raise (linker_hijack), else NULL. */
const char *engine_linker_library(const struct engine *en, const struct written_file *wf);
/* After a successful exec: LD_ variables of the new process (linker.environ, live only). */
void engine_linker_on_exec(struct engine *en, const struct rec_event *ev);
void engine_linker_log_stats(const struct engine *en);

#endif
