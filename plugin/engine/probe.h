/* probe: the file-system side of judgements, one interface over three back-ends: live
 * (probe_live.c: this host, through safefile and the stall guard), artifacts
 * (probe_artifacts.c: a replay's recorded files by identity) and none (probe_none.c: no file
 * access). The probe is owned by whoever creates it; its caches live in it, not in the
 * back-ends. The only place detection touches files. */
#ifndef ELFWATCH_PROBE_H
#define ELFWATCH_PROBE_H

#include "detect/execjudge.h"
#include "detect/loader.h"
#include "detect/writes.h"
#include "engine/probe_dircache.h"

enum probe_kind {
	PROBE_NONE,         /* inspect_files = false: written files are followed, never opened */
	PROBE_LIVE,         /* the running host's file system */
	PROBE_ARTIFACTS,    /* replay: DIR/MAJOR:MINOR:INODE stands in for each recorded file */
	PROBE_KIND_COUNT
};
const char *probe_kind_name(enum probe_kind kind);

struct probe_stats {
	unsigned long images_opened, images_loader, images_refused, targets_checked;
};

struct mounts;

struct probe {
	enum probe_kind kind;
	const char *dir;                    /* artifacts: the recorded files (borrowed) */
	struct mounts *mounts;              /* live: the stall guard's table, NULL until read */
	struct probe_dircache *dirs;        /* live: directories found by identity */
	struct probe_stats stats;           /* live: the loader probe's work */
};

/* Set up p for kind (dir: the artifacts directory, borrowed; else NULL). 0 or -ENOMEM. p
 * must not move while the tables below are in use: they point into it. */
int probe_init(struct probe *p, enum probe_kind kind, const char *dir);
/* Accepts a zeroed or failed p. */
void probe_free(struct probe *p);

/* Live: learn (again) which mounts may stall a reader (FUSE, NFS...): nothing there is looked
 * up or opened, judged by each descriptor's mount id on the way (mounts_fd_risky). Call at
 * start and now and then; until the first call no mount is considered risky. 0 or -errno.
 * Other kinds: nothing to learn, 0. */
int probe_refresh_mounts(struct probe *p);

/* The three tables detection is given, each with p as its context:
 * - loader_probe: executed images re-opened and loader targets described (none: nothing);
 * - writes_fs: written files re-opened; live: no symlink followed anywhere in a path,
 *   nothing opened that could block, nothing on a mount that may stall, identity checked, no
 *   audited syscall (safefile.h), /proc/PID/fd for *at() dirfds; artifacts: by identity,
 *   names ignored; none: every file is "gone";
 * - execjudge_fs: executed images by name or /proc/PID/exe; artifacts by identity; none:
 *   -ENOSYS. */
struct loader_probe probe_loader(struct probe *p);
struct writes_fs probe_writes(struct probe *p);
struct execjudge_fs probe_exec(struct probe *p);

#endif
