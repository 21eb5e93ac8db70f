/* mounts: which mounts are file systems that can stall whoever touches them (FUSE, NFS, SMB,
 * 9p, autofs...): a user with fusermount can mount one that never answers. elfwatch does not
 * look at files there. The decision is made on a descriptor, by its mount id (what
 * /proc/self/fdinfo says, which asks no file system anything), never on a path string: a
 * symlink into a FUSE mount or two mounts stacked on one directory cannot fool it. Parsing is
 * pure; the table is bounded. */
#ifndef ELFWATCH_MOUNTS_H
#define ELFWATCH_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNTS_MAX 8192
#define MOUNTS_INTERNAL_MAX 4

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

/* True when a mount that may stall is mounted on path (exactly; stacked mounts: any of them).
 * Asked before looking a name up: with audit rules loaded, even landing on such a mount's root
 * makes the kernel read its capability xattr (audit_copy_inode), which a silent FUSE daemon
 * never answers. path must be what a walk without symlinks reached (safefile). */
bool mounts_point_risky(const struct mounts *m, const char *path);
/* How many such mount points the table knows (0: no need to look). */
size_t mounts_point_count(const struct mounts *m);

/* 1 when mount id may stall, 0 when it may not, -ENOENT when the table does not know it. */
int mounts_id_risky(const struct mounts *m, int mnt_id);

/* Mount id of the file open on fd (O_PATH is enough), from /proc/self/fdinfo: no file
 * system is asked. The id, or -errno. */
int mounts_fd_id(struct mounts *m, int fd);

/* May reading anything under fd stall us? Unknown mounts (made since the last read of the
 * table) re-read it once, and count as risky if still unknown; so does a descriptor whose
 * mount cannot be told. Before any table was read, nothing is risky. */
bool mounts_fd_risky(struct mounts *m, int fd);

/* Learn the mount of fd as a kernel-internal one that cannot stall (the shmem mount every
 * memfd lives on, which no mountinfo lists): a memfd elfwatch made itself at start. 0 or
 * -errno. */
int mounts_learn_internal(struct mounts *m, int fd);

/* True for file system types that may stall: fuse*, nfs*, cifs, smb3, 9p, ceph, autofs... */
bool mounts_type_risky(const char *fstype);

#endif
