#include "engine/engine_reload.h"

#include <errno.h>
#include <string.h>

#include "engine/engine_storm.h"
#include "sys/log.h"

/* a pattern list's identities: the recording's in a replay given them, else this host's */
static struct fileset *engine_reload_fileset(const struct engine *en,
					     const struct pattern_list *pl)
{
	return en->opts.recorded ? fileset_resolve_recorded(pl, en->opts.recorded) :
				   fileset_resolve(pl);
}

int engine_reload_loaders(const struct engine *en, const struct config *cfg,
			  struct loader_set **ret)
{
	struct loader_set *ls = loader_set_new();
	int r;

	if (!ls)
		return -ENOMEM;
	r = en->opts.recorded ?
		loader_set_resolve_recorded(ls, &cfg->loader.paths, en->opts.recorded) :
		loader_set_resolve(ls, &cfg->loader.paths);
	if (r < 0) {
		loader_set_free(ls);
		return r;
	}
	if (loader_set_count(ls) == 0)
		log_warn("no dynamic loader found under loader.paths: only exe path patterns "
			 "and ELF content will recognise loaders");
	*ret = ls;
	return 0;
}

int engine_reload_ids(const struct engine *en, const struct config *cfg,
		      struct engine_reload_ids *ret)
{
	struct engine_reload_ids ids;

	ids.trusted = engine_reload_fileset(en, &cfg->writes.trusted_producers);
	ids.benign = engine_reload_fileset(en, &cfg->loader.benign_parents);
	if (!ids.trusted || !ids.benign) {
		engine_reload_ids_free(&ids);
		return -ENOMEM;
	}
	*ret = ids;
	return 0;
}

void engine_reload_ids_free(struct engine_reload_ids *ids)
{
	fileset_free(ids->trusted);
	fileset_free(ids->benign);
	memset(ids, 0, sizeof(*ids));
}

void engine_reload_swap_ids(struct engine *en, struct engine_reload_ids *ids)
{
	fileset_free(en->trusted_ids);
	en->trusted_ids = ids->trusted;
	fileset_free(en->benign_ids);
	en->benign_ids = ids->benign;
	memset(ids, 0, sizeof(*ids));
	writes_set_trusted(en->writes, en->trusted_ids);
}

void engine_reload_refresh(struct engine *en)
{
	struct engine_reload_ids ids;

	if (engine_reload_ids(en, &en->cfg, &ids) == 0)
		engine_reload_swap_ids(en, &ids);
}

int engine_reload(struct engine *en, struct config *cfg)
{
	struct rec_limits lim = { cfg->max_argv_bytes };
	struct engine_reload_ids ids = { 0 };
	struct loader_set *ls = NULL;
	struct output *out = NULL;
	struct rec_event ev = { 0 };
	struct strbuf line = { 0 };
	int r;

	/* build everything new first: on any failure the running configuration stays */
	if ((r = engine_reload_loaders(en, cfg, &ls)) < 0 || !(out = output_open(cfg, &r)) ||
	    (r = rec_event_init(&ev, &lim)) < 0 || (r = strbuf_init(&line, cfg->max_alert_bytes)) < 0 ||
	    (r = engine_reload_ids(en, cfg, &ids)) < 0)
		goto fail;
	/* The process table and write tables keep their contents and sizes until restart. */
	loader_set_free(en->known);
	en->known = ls;
	output_close(en->out);
	en->out = out;
	rec_event_free(&en->ev);
	en->ev = ev;
	strbuf_free(&en->line);
	en->line = line;
	engine_reload_swap_ids(en, &ids);
	config_free(&en->cfg);
	en->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	log_set_level(en->cfg.log_level);
	engine_storm_reload(en);
	log_info("configuration reloaded: %zu loaders, %zu trusted producer files known",
		 loader_set_count(en->known), fileset_count(en->trusted_ids));
	return 0;
fail:
	strbuf_free(&line);
	rec_event_free(&ev);
	output_close(out);
	loader_set_free(ls);
	return r;
}
