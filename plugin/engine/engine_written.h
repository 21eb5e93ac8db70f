/* engine_written: the write path's files raised as alerts. A settled file is inspected, the
 * policy decides (dropverdict, then the library floor of linker hijacks), and only then is an
 * alert built: suspicious_elf_write or linker_hijack, unjudged_write, dropped_exec. */
#ifndef ELFWATCH_ENGINE_WRITTEN_H
#define ELFWATCH_ENGINE_WRITTEN_H

#include "engine/engine.h"

/* What becomes of a judged ELF file. */
enum engine_written_outcome {
	ENGINE_WRITTEN_QUIET,       /* below medium: nothing to say */
	ENGINE_WRITTEN_SUPPRESSED,  /* below medium because its writer is trusted: counted */
	ENGINE_WRITTEN_ALERT,       /* medium or more: raised */
	ENGINE_WRITTEN_OUTCOME_COUNT
};
const char *engine_written_outcome_name(enum engine_written_outcome o);

/* The policy past dropverdict_write (pure): library (engine_linker_library's reason, or NULL)
 * lifts a shared object an unknown writer put in a library directory to at least medium,
 * high when the engine found anything, as T1574.006; wv is updated. suppressed: dropverdict
 * silenced findings (wv->suppressed_by is set). */
enum engine_written_outcome engine_written_decide(const char *library, bool suppressed,
						  struct write_verdict *wv);

/* The severity of a file that could not be judged (dropverdict_unjudged, then the library
 * floor: ld.so maps a shared object without an exec bit), or negative: counted only. *why as
 * dropverdict_unjudged sets it (pure). */
int engine_written_unjudged_severity(const struct write_result *wr, const char *library,
				     enum dropverdict_why *why);

/* writes_judge_fn (ctx: the engine): a written file has settled; inspect and judge it, raise
 * suspicious_elf_write or linker_hijack. */
void engine_written_judge(void *ctx, const struct written_file *wf, int fd,
			  const struct stat *st, struct write_result *ret);

/* writes_unjudged_fn (ctx: the engine): a followed file could not be judged by max_wait_ms
 * (or at its exec, eviction, end of input). Never counted as clean: an executable candidate
 * raises unjudged_write, anything else is counted and logged at debug level. */
void engine_written_unjudged(void *ctx, const struct write_result *wr);

/* An exec ran a file the write path followed (wr): dropped_exec, unless its writer is
 * trusted (counted, debug-logged). */
void engine_written_exec(struct engine *en, const struct rec_event *ev,
			 const struct write_result *wr);

/* Counters, one log line. */
void engine_written_log_stats(const struct engine *en);

#endif
