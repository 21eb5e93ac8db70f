/* probe: the live file-system side of loader detection. Re-opens executed images safely and
 * describes loader targets. The only place detection touches files. */
#ifndef ELFWATCH_PROBE_H
#define ELFWATCH_PROBE_H

#include "detect/execjudge.h"
#include "detect/loader.h"
#include "sys/safefile.h"
#include "detect/writes.h"

struct probe_stats {
	unsigned long images_opened, images_loader, images_refused, targets_checked;
};

/* Learn (again) which mounts may stall a reader (FUSE, NFS...): nothing there is looked up or
 * opened, judged by each descriptor's mount id on the way (mounts_fd_risky). Call at start and
 * now and then; until the first call no mount is considered risky. 0 or -errno. */
int probe_refresh_mounts(void);
void probe_release(void);
/* The stall guard for one look (safefile.h): the mount table is polled first, then every
 * descriptor on the way is judged by its mount id. */
struct safefile_guard probe_guard(void);

/* A loader_probe that reads the live file system; stats (may be NULL) count its work and must
 * outlive the probe. */
struct loader_probe probe_live(struct probe_stats *stats);

/* File access for write tracking on the live file system: no symlink followed anywhere in a
 * path, nothing opened that could block, nothing on a mount that may stall, identity checked,
 * no audited syscall (safefile.h); /proc/PID/fd for *at() dirfds. */
struct writes_fs probe_writes_live(void);

/* No file access (inspect_files = false): every file is "gone". */
struct writes_fs probe_writes_none(void);

/* File access for replays of recorded logs with the files collected beside them: a file is
 * looked up by identity as DIR/MAJOR:MINOR:INODE (hex major/minor, decimal inode); names
 * are ignored. dir is borrowed. */
struct writes_fs probe_writes_artifacts(const char *dir);

/* Open the artifact standing in for recorded file id under dir (DIR/MAJOR:MINOR:INODE); *ret
 * reports the recorded identity. An fd, or -errno. */
int probe_artifact_open(const char *dir, const struct file_id *id, struct stat *ret);

/* Loader probe for such replays: executed images are looked up by identity the same way. */
struct loader_probe probe_artifacts(const char *dir);

/* File access for exec-time judgement (probe_exec.c): the live file system and
 * /proc/PID/exe; recorded artifacts by identity (dir borrowed); or none (-ENOSYS). */
struct execjudge_fs probe_exec_live(void);
struct execjudge_fs probe_exec_artifacts(const char *dir);
struct execjudge_fs probe_exec_none(void);

#endif
