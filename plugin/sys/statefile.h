/* statefile: where the saved state (state.h) lives between two runs: one file in a directory
 * of its own under /run. Made and opened as root at start-up, before privileges are dropped:
 * the last run's file is read once and removed, and this run's file is created at once
 * (empty) and written at the orderly end through the descriptor kept, so the seccomp
 * allow-list needs no call it did not have. Trusted only as far as these checks go: the
 * directory is ours (owner, no group or other access, not a symlink); the file is a regular
 * file of ours with one link and no group or other access, opened with O_NOFOLLOW, no larger
 * than the tables can fill. */
#ifndef ELFWATCH_STATEFILE_H
#define ELFWATCH_STATEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct statefile {
	int dirfd;                      /* -1 when closed */
	int fd;                         /* this run's file, -1 until created */
	uid_t owner;                    /* the effective uid at start-up */
	char name[256];                 /* the file's name in dirfd */
};

/* Open (mkdir 0700 if missing) the directory of path and check it. 0, or -errno with
 * *ret_why a static reason ("not a directory", "owned by another user", ...). */
int statefile_open(const char *path, struct statefile *ret, const char **ret_why);

/* Read the last run's file into *ret_buf (malloc'd, *ret_len bytes; *ret_mtime its mtime)
 * and remove it whatever it holds. A file another run still holds locked (it has not saved
 * yet: audit 3.x starts the new plugin 50 ms after the old one's SIGTERM) is waited for, at
 * most 3 s, then left alone (-EWOULDBLOCK). -ENOENT when there is none; -errno with *ret_why
 * when it fails a check (it is removed as well, unless it could not be). */
int statefile_take(struct statefile *sf, size_t max_bytes, uint8_t **ret_buf, size_t *ret_len,
		   struct timespec *ret_mtime, const char **ret_why);

/* Create this run's (empty) file, 0600, locked (flock) until statefile_write closes it, and
 * keep its descriptor. 0 or -errno. */
int statefile_create(struct statefile *sf);

/* Write buf to this run's file and close it. 0 or -errno (the file is then left torn or
 * empty: the next start refuses it). */
int statefile_write(struct statefile *sf, const uint8_t *buf, size_t len);

void statefile_close(struct statefile *sf);

/* This boot's id (/proc/sys/kernel/random/boot_id) as 16 bytes; zeros when unreadable. */
void statefile_boot_id(uint8_t ret[16]);

#endif
