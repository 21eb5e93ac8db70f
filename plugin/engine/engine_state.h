/* engine_state: the engine's tables across a restart (engine_state.c). */
#ifndef ELFWATCH_ENGINE_STATE_H
#define ELFWATCH_ENGINE_STATE_H

#include <stdbool.h>

#include "engine/engine.h"

/* Plugin mode, at start-up, as root, before privileges are dropped: take the last run's
 * state (checked, restored or refused with a logged reason) and create this run's file.
 * Does nothing when state.enabled is false. */
void engine_state_load(struct engine *en);

/* At the orderly end: save the tables, followed files included. true when they were saved
 * (the followed files are then the next start's to judge); false when state is off or the
 * save failed (the caller judges them now). */
bool engine_state_save(struct engine *en);

#endif
