/* engine_emit: the last step of every engine alert, shared by the files that raise them
 * (engine.c, engine_written.c, engine_exec.c, engine_linker.c): the process lineage, then
 * storm folding, formatting and the output. Calls nothing above it. */
#ifndef ELFWATCH_ENGINE_EMIT_H
#define ELFWATCH_ENGINE_EMIT_H

#include "engine/engine.h"

/* The parent and ancestors of self (from ppid) in the process table; at most max. */
size_t engine_emit_lineage(struct engine *en, long long self, long long ppid,
			   const struct proc_entry **out, size_t max);

/* Format and emit one alert; below min_severity it is only counted. */
void engine_emit(struct engine *en, struct alert *a, const char *id);

#endif
