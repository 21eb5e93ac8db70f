/* probe_dircache: directories a bounded search found, by identity, so a dirfd directory that
 * recurs is not searched again. Pure: the caller checks that a hit is still there. */
#ifndef ELFWATCH_PROBE_DIRCACHE_H
#define ELFWATCH_PROBE_DIRCACHE_H

#include <limits.h>

#include "util/fileid.h"

#define PROBE_DIRCACHE_SIZE 64

struct probe_dircache {
	struct probe_dircache_entry {
		struct file_id id;
		char path[PATH_MAX];
	} e[PROBE_DIRCACHE_SIZE];
	unsigned next;                  /* the oldest entry, replaced by the next put */
};

/* The first entry from *pos on that holds id: its path, *pos set past it; NULL when none. */
const char *probe_dircache_next(const struct probe_dircache *c, const struct file_id *id,
				unsigned *pos);

/* Remember path (cut to PATH_MAX - 1 bytes) as id's directory, over the oldest entry. */
void probe_dircache_put(struct probe_dircache *c, const struct file_id *id, const char *path);

#endif
