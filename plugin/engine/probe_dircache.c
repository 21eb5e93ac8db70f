#include "engine/probe_dircache.h"

#include <stdio.h>

const char *probe_dircache_next(const struct probe_dircache *c, const struct file_id *id,
				unsigned *pos)
{
	for (unsigned i = *pos; i < PROBE_DIRCACHE_SIZE; i++)
		if (file_id_equal(&c->e[i].id, id)) {
			*pos = i + 1;
			return c->e[i].path;
		}
	*pos = PROBE_DIRCACHE_SIZE;
	return NULL;
}

void probe_dircache_put(struct probe_dircache *c, const struct file_id *id, const char *path)
{
	struct probe_dircache_entry *e = &c->e[c->next++ % PROBE_DIRCACHE_SIZE];

	e->id = *id;
	snprintf(e->path, sizeof(e->path), "%s", path);
}
