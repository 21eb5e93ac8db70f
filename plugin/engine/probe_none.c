/* probe_none: no file access (inspect_files = false). Written files are followed but every one
 * is "gone"; executed images cannot be opened; the loader learns nothing from files. */
#include <errno.h>

#include "engine/probe_backend.h"

static int none_gone(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx, (void)path, (void)id, (void)ret;
	return -ENOENT;
}

static int none_path(void *ctx, const char *path, const struct file_id *id, struct stat *ret)
{
	(void)ctx, (void)path, (void)id, (void)ret;
	return -ENOSYS;
}

static int none_exe(void *ctx, long long pid, const char *exe, const struct file_id *id,
		    struct stat *ret)
{
	(void)ctx, (void)pid, (void)exe, (void)id, (void)ret;
	return -ENOSYS;
}

struct loader_probe probe_none_loader(struct probe *p)
{
	struct loader_probe lp = { NULL, NULL, p };
	return lp;
}

struct writes_fs probe_none_writes(struct probe *p)
{
	struct writes_fs fs = { none_gone, none_gone, NULL, NULL, p };
	return fs;
}

struct execjudge_fs probe_none_exec(struct probe *p)
{
	struct execjudge_fs fs = { none_path, none_path, none_exe, p };
	return fs;
}
