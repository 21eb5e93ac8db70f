/* probe_backend: what probe.c dispatches to, one group per back-end file. Each back-end
 * keeps its state in the struct probe it is given, and calls nothing of probe.c. */
#ifndef ELFWATCH_PROBE_BACKEND_H
#define ELFWATCH_PROBE_BACKEND_H

#include "engine/probe.h"

/* probe_live.c */
int probe_live_init(struct probe *p);
void probe_live_free(struct probe *p);
int probe_live_refresh_mounts(struct probe *p);
struct loader_probe probe_live_loader(struct probe *p);
struct writes_fs probe_live_writes(struct probe *p);
struct execjudge_fs probe_live_exec(struct probe *p);

/* probe_artifacts.c */
struct loader_probe probe_artifacts_loader(struct probe *p);
struct writes_fs probe_artifacts_writes(struct probe *p);
struct execjudge_fs probe_artifacts_exec(struct probe *p);
/* DIR/MAJOR:MINOR:INODE (hex major and minor, decimal inode) for id (pure). 0, -ENOENT (no
 * valid id) or -ENAMETOOLONG. */
int probe_artifacts_path(const char *dir, const struct file_id *id, char *out, size_t cap);

/* probe_none.c */
struct loader_probe probe_none_loader(struct probe *p);
struct writes_fs probe_none_writes(struct probe *p);
struct execjudge_fs probe_none_exec(struct probe *p);

#endif
