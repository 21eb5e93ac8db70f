/* safefile: re-open a file named by attacker-influenced audit records without being fooled:
 * no symlink is followed anywhere in the path, FIFOs and devices never block us, the file must
 * be regular and, when the caller knows it, have the identity the audit record showed. */
#ifndef ELFWATCH_SAFEFILE_H
#define ELFWATCH_SAFEFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "fileid.h"

/* Open path read-only for inspection. expect may be NULL or !valid (no identity check).
 * Returns an fd (>= 0) with *ret_st filled, or a negative errno:
 *   -ELOOP   a path component is a symlink       -EFTYPE-like: -EINVAL  not a regular file
 *   -ESTALE  identity differs from expect         other: open/fstat errors (-ENOENT, -EACCES...) */
int safefile_open(const char *path, const struct file_id *expect, struct stat *ret_st);

/* fstat of path without opening it for reading (O_PATH) and without following any symlink:
 * 0 with *ret_st, -EINVAL if not a regular file, -ESTALE if the identity differs from expect,
 * -ELOOP for symlinks, other -errno. Never blocks on FIFOs or devices. */
int safefile_stat(const char *path, const struct file_id *expect, struct stat *ret_st);

/* The same for a directory: 0 when path is a directory with identity expect (O_PATH, no
 * symlink followed). */
int safefile_dir_stat(const char *path, const struct file_id *expect, struct stat *ret_st);

/* Read up to cap bytes from offset 0 of fd into a new buffer (caller frees). Never blocks on
 * FIFOs (the fd is O_NONBLOCK and regular); short files give short buffers. 0 or -errno. */
int safefile_read(int fd, size_t cap, unsigned char **ret_buf, size_t *ret_len);

/* Read exactly len bytes at off into buf; -EIO if the file is shorter. */
int safefile_pread_exact(int fd, void *buf, size_t len, off_t off);

#endif
