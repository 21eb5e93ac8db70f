/* mounts: which paths lie on file systems that can stall whoever touches them (FUSE, NFS,
 * SMB, 9p, ...): a user with fusermount can mount one that never answers. elfwatch does not
 * look at files there. Parsing is pure; the table is bounded. */
#ifndef ELFWATCH_MOUNTS_H
#define ELFWATCH_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNTS_MAX 8192

struct mounts;

struct mounts *mounts_new(void);
void mounts_free(struct mounts *m);

/* Replace the table with the mounts described by mountinfo text (proc_pid_mountinfo(5)).
 * Returns the number of mounts kept (at most MOUNTS_MAX), or -ENOMEM. */
int mounts_parse(struct mounts *m, const char *text, size_t len);

/* Re-read /proc/self/mountinfo. 0 or -errno (the old table stays). */
int mounts_refresh(struct mounts *m);

/* Re-read the table only if the mount table changed since the last read (one poll(2)):
 * called before every look at a file, so a mount made a moment ago is known. 0 or -errno. */
int mounts_update(struct mounts *m);

/* True if the deepest mount holding path is of a type that may stall (or path is not
 * absolute). */
bool mounts_risky(const struct mounts *m, const char *path);

/* True for file system types that may stall: fuse*, nfs*, cifs, smb3, 9p, ceph, ... */
bool mounts_type_risky(const char *fstype);

#endif
