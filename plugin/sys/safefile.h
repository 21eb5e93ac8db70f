/* safefile: re-open a file named by attacker-influenced audit records without being fooled:
 * no symlink is followed anywhere in the path (unless asked, and then resolved here, one
 * component at a time), FIFOs and devices never block us, nothing on a file system that may
 * stall is looked up or read, the file must be regular and, when the caller knows it, have the
 * identity the audit record showed.
 * The walk uses only openat(O_PATH|O_NOFOLLOW) and fstat: no openat2 and no O_CREAT/O_TRUNC,
 * which the bundled audit rules record, so elfwatch's own looks never come back to it as
 * audit events. */
#ifndef ELFWATCH_SAFEFILE_H
#define ELFWATCH_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util/fileid.h"

/* Stall guard, asked twice per component. point_may_stall (may be NULL): before a name is
 * looked up, with the absolute path the walk reached (no symlink in it): true when a file
 * system that may stall is mounted right there (with audit rules loaded, merely landing on its
 * root makes the kernel read an xattr from it). may_stall: about every O_PATH descriptor the
 * walk opens, before it is fstat'ed or looked into: true when its file system may stall
 * (decided without asking that file system anything, e.g. mounts_fd_risky). */
struct safefile_guard {
	bool (*may_stall)(void *ctx, int fd);
	bool (*point_may_stall)(void *ctx, const char *path);
	void *ctx;
};

/* Open path read-only for inspection. expect may be NULL or !valid (no identity check); guard
 * may be NULL (nothing may stall). Returns an fd (>= 0) with *ret_st filled, or -errno:
 *   -ELOOP   a path component is a symlink       -EINVAL  not a regular file
 *   -ESTALE  identity differs from expect         -EREMOTE on a file system that may stall
 *   other: open/fstat errors (-ENOENT, -EACCES...) */
int safefile_open(const char *path, const struct file_id *expect, const struct safefile_guard *guard,
		  struct stat *ret_st);

/* fstat of path without opening it for reading (O_PATH) and without following any symlink:
 * 0 with *ret_st, or the errors of safefile_open. Never blocks on FIFOs or devices. */
int safefile_stat(const char *path, const struct file_id *expect, const struct safefile_guard *guard,
		  struct stat *ret_st);

/* The same for a directory: 0 when path is a directory with identity expect. */
int safefile_dir_stat(const char *path, const struct file_id *expect,
		      const struct safefile_guard *guard, struct stat *ret_st);

/* O_PATH descriptor of path, following symlinks the way the kernel would (at most 40, ".."
 * included) but resolving each one here, so the guard sees every directory: 0 with the
 * descriptor in *ret_fd, its fstat in *ret_st and, when ret_real is not NULL, the path
 * walked (absolute, no symlink, "." or "..") in ret_real; or -errno (-EREMOTE, -ELOOP for too
 * many links, -ENAMETOOLONG). Any file type. */
int safefile_resolve(const char *path, const struct safefile_guard *guard, int *ret_fd,
		     struct stat *ret_st, char *ret_real, size_t real_cap);

/* Read up to cap bytes from offset 0 of fd into a new buffer (caller frees). Never blocks on
 * FIFOs (the fd is O_NONBLOCK and regular); short files give short buffers. 0 or -errno. */
int safefile_read(int fd, size_t cap, unsigned char **ret_buf, size_t *ret_len);

/* Read exactly len bytes at off into buf; -EIO if the file is shorter. */
int safefile_pread_exact(int fd, void *buf, size_t len, off_t off);

#endif
