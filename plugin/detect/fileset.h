/* fileset: the identities (dev, inode) of the files a list of path patterns names, resolved at
 * start and on reload, so a program is trusted for what it is, not for its name (a bind mount
 * over /usr/bin/pip3 in a user namespace has another inode). Bounded, sorted, bsearch. */
#ifndef ELFWATCH_FILESET_H
#define ELFWATCH_FILESET_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/config.h"
#include "util/fileid.h"
#include "detect/identities.h"

#define FILESET_MAX 16384

struct fileset;

/* Resolve every file the patterns name (glob, following symlinks to the file they name).
 * NULL on allocation failure; more than FILESET_MAX files are left out. */
struct fileset *fileset_resolve(const struct pattern_list *patterns);
/* The same from a recording's identities (replay, identities.h): every recorded path a
 * pattern matches, never the files of this machine. */
struct fileset *fileset_resolve_recorded(const struct pattern_list *patterns,
					 const struct identities *recorded);
void fileset_free(struct fileset *fs);
bool fileset_has(const struct fileset *fs, const struct file_id *id);
size_t fileset_count(const struct fileset *fs);

#endif
