/* fileid: a file's identity as audit records print it (dev major:minor, inode). Names in audit
 * records are hints; this identity is what elfwatch trusts. */
#ifndef ELFWATCH_FILEID_H
#define ELFWATCH_FILEID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct file_id {
	uint32_t major, minor;
	uint64_t ino;
	bool valid;
};

static inline struct file_id file_id_from_stat(const struct stat *st)
{
	struct file_id id = { major(st->st_dev), minor(st->st_dev), (uint64_t)st->st_ino, true };
	return id;
}

static inline bool file_id_equal(const struct file_id *a, const struct file_id *b)
{
	return a->valid && b->valid && a->major == b->major && a->minor == b->minor && a->ino == b->ino;
}

#endif
