/* engine_reload: what a configuration resolves against this host (or a replay's recorded
 * identities): the dynamic loaders and the identities of trusted producers and benign
 * parents. Built whole before use, swapped in whole: at start, on reload (engine_reload in
 * engine.h) and on the periodic refresh of the identities. */
#ifndef ELFWATCH_ENGINE_RELOAD_H
#define ELFWATCH_ENGINE_RELOAD_H

#include "engine/engine.h"

struct engine_reload_ids {
	struct fileset *trusted, *benign;
};

/* The loaders cfg's loader.paths name (warns when none). 0 or -errno; *ret is the caller's. */
int engine_reload_loaders(const struct engine *en, const struct config *cfg,
			  struct loader_set **ret);

/* The identities cfg's pattern lists name. 0 or -ENOMEM (nothing kept). */
int engine_reload_ids(const struct engine *en, const struct config *cfg,
		      struct engine_reload_ids *ret);
void engine_reload_ids_free(struct engine_reload_ids *ids);

/* Take ids (emptied) in place of the engine's, which are freed; the write path is told. */
void engine_reload_swap_ids(struct engine *en, struct engine_reload_ids *ids);

/* Resolve the identities again under the running configuration (package upgrades replace
 * trusted programs with new inodes); on failure the old ones stay. */
void engine_reload_refresh(struct engine *en);

#endif
