/* fileset: the identities (dev, inode) of the files a list of path patterns names, resolved at
 * start and on reload, so a program is trusted for what it is, not for its name (a bind mount
 * over /usr/bin/pip3 in a user namespace has another inode). Bounded, sorted, bsearch. */
#ifndef ELFWATCH_FILESET_H
#define ELFWATCH_FILESET_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "fileid.h"

#define FILESET_MAX 16384

struct fileset;

/* Resolve every file the patterns name (glob, following symlinks to the file they name).
 * NULL on allocation failure; more than FILESET_MAX files are left out. */
struct fileset *fileset_resolve(const struct pattern_list *patterns);
void fileset_free(struct fileset *fs);
bool fileset_has(const struct fileset *fs, const struct file_id *id);
size_t fileset_count(const struct fileset *fs);

#endif
