#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "elf_inspect.h"
#include "safefile.h"

static int live_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t soname_cap)
{
	struct probe_stats *stats = ctx;
	struct stat st;
	int fd, r;

	fd = safefile_open(exe, expect, &st);
	if (fd < 0) {
		if (stats)
			stats->images_refused++;
		return fd;
	}
	if (stats)
		stats->images_opened++;
	r = elf_loader_identity(fd, &st, soname, soname_cap);
	close(fd);
	if (r == 1 && stats)
		stats->images_loader++;
	return r;
}

static int live_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	struct probe_stats *stats = ctx;
	char real[PATH_MAX], dir[PATH_MAX];
	struct statfs sfs;
	struct stat st, dst;
	char *slash;

	memset(ret, 0, sizeof(*ret));
	if (stats)
		stats->targets_checked++;
	/* stat() and realpath() never open the file: a FIFO or device cannot block us. */
	if (stat(path, &st) < 0) {
		ret->exists = false;
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	}
	ret->exists = true;
	ret->mode = st.st_mode;
	ret->owner = st.st_uid;
	ret->size = st.st_size;
	ret->id = file_id_from_stat(&st);
	if (!realpath(path, real))
		return 0;
	snprintf(ret->real, sizeof(ret->real), "%s", real);
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	if (stat(dir, &dst) == 0)
		ret->dir_world_writable = (dst.st_mode & S_IWOTH) != 0;
	if (statfs(dir, &sfs) == 0)
		ret->on_tmpfs = sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
	return 0;
}

struct loader_probe probe_live(struct probe_stats *stats)
{
	struct loader_probe p = { live_image_is_loader, live_target_facts, stats };
	return p;
}
