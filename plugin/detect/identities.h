/* identities: the (dev, inode) of named files as a recording machine had them, for replay. A
 * replay that resolved loader.paths, loader.benign_parents and writes.trusted_producers on the
 * machine running it would compare the recording's inodes with this machine's files; with
 * --identities FILE those sets come from FILE instead, so a replay gives the same alerts on
 * any machine. One entry a line, tab-separated:
 *     PATH  MAJOR:MINOR  INODE  [CANONICAL]
 * device numbers in hex as audit records print them (fe:00), inode in decimal, CANONICAL the
 * file PATH names once symlinks are followed (default PATH). '#' starts a comment line. */
#ifndef ELFWATCH_IDENTITIES_H
#define ELFWATCH_IDENTITIES_H

#include <stddef.h>

#include "util/fileid.h"

#define IDENTITIES_MAX 4096
#define IDENTITIES_LINE_MAX 8192

struct identity {
	char *path, *canonical;
	struct file_id id;
};

struct identities {
	struct identity *v;
	size_t n;
};

/* Parse one line (no newline) into *ret (strings allocated). 1 entry, 0 blank or comment,
 * -EINVAL malformed, -ENOMEM. Pure. */
int identities_parse_line(const char *line, struct identity *ret);

/* Read FILE (bounded: IDENTITIES_MAX entries, IDENTITIES_LINE_MAX bytes a line). 0 or -errno;
 * a malformed line is logged as FILE:LINE and fails the load. */
int identities_load(const char *file, struct identities *ret);
void identities_free(struct identities *ids);

#endif
