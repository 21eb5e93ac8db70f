/* engine_storm: the engine's side of alert folding and rate caps (storm.h): asks the storm
 * table about each alert and writes the summary lines it hands back, through the engine's
 * output and line buffer. */
#ifndef ELFWATCH_ENGINE_STORM_H
#define ELFWATCH_ENGINE_STORM_H

#include <stdbool.h>

#include "engine/engine.h"

/* Create en->storm from en->cfg.alerts. 0 or -ENOMEM. */
int engine_storm_init(struct engine *en);

/* After a reload: report everything pending, then start over with the new limits (on
 * allocation failure the old table stays). */
void engine_storm_reload(struct engine *en);

/* Should a (about to be emitted) leave now? False: folded or capped, counted, debug-logged. */
bool engine_storm_admit(struct engine *en, const struct alert *a, const char *id);

/* Write the summary lines due at en->now_ms (all pending ones when all is true). */
void engine_storm_drain(struct engine *en, bool all);

void engine_storm_log_stats(const struct engine *en);

#endif
