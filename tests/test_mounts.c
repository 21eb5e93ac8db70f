/* mounts: parsing mountinfo, and telling by a descriptor's mount id whether its file system may
 * stall. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sys/mounts.h"
#include "tap.h"

static const char mountinfo[] =
	"21 26 0:20 / /proc rw,relatime - proc proc rw\n"
	"26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"30 26 0:26 / /tmp rw - tmpfs tmpfs rw\n"
	"40 26 0:40 / /home/u/mnt rw,nosuid - fuse.sshfs u@h: rw\n"
	"41 40 0:41 / /home/u/mnt/local rw - tmpfs tmpfs rw\n"
	"42 26 0:42 / /srv/nfs rw - nfs4 server:/export rw\n"
	"43 26 0:43 / /with\\040space rw - fuse fuse rw\n"
	/* two mounts stacked on one directory: the top one (50, FUSE) is what a walk meets */
	"49 26 0:49 / /stack rw - ext4 /dev/vdb rw\n"
	"50 49 0:50 / /stack rw - fuse.evil evil rw\n"
	"51 26 0:51 / /net rw - autofs systemd-1 rw\n"
	"garbage line without separator\n"
	"x7 26 0:44 / /badid rw - ext4 /dev/vdc rw\n"
	"44 26 0:44 / /short -\n";

static void test_table(void)
{
	static const struct {
		int id;
		int risky;
	} rows[] = {
		{ 21, 0 }, { 26, 0 }, { 30, 0 }, { 40, 1 }, { 41, 0 }, { 42, 1 }, { 43, 1 },
		{ 49, 0 }, { 50, 1 }, { 51, 1 }, { 44, -ENOENT }, { 7, -ENOENT }, { 999, -ENOENT },
	};
	struct mounts *m = mounts_new();

	tap_is_int(mounts_parse(m, mountinfo, strlen(mountinfo)), 10, "well-formed lines kept");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_ok(mounts_id_risky(m, rows[i].id) == rows[i].risky, "mount id %d: %s", rows[i].id,
		       rows[i].risky == 1 ? "may stall" : rows[i].risky == 0 ? "safe" : "unknown");
	tap_ok(mounts_point_risky(m, "/home/u/mnt") && mounts_point_risky(m, "/with space") &&
	       mounts_point_risky(m, "/stack") && mounts_point_risky(m, "/net") &&
	       !mounts_point_risky(m, "/tmp") && !mounts_point_risky(m, "/home/u/mnt/local") &&
	       !mounts_point_risky(m, "/home/u/mntx") && !mounts_point_risky(m, "/"),
	       "mount points of risky mounts (stacked: any of them; \\040 unescaped)");
	tap_ok(mounts_type_risky("fuse.gvfsd-fuse") && mounts_type_risky("cifs") &&
	       mounts_type_risky("autofs") && mounts_type_risky("fuseblk") && mounts_type_risky("9p") &&
	       !mounts_type_risky("ext4") && !mounts_type_risky("tmpfs") && !mounts_type_risky("overlay") &&
	       !mounts_type_risky("proc"), "types");
	mounts_free(m);
}

/* The real mount of a real descriptor, marked risky or not in a table the test writes. */
static void test_descriptors(void)
{
	struct mounts *m = mounts_new();
	int root = open("/", O_PATH | O_CLOEXEC), proc = open("/proc", O_PATH | O_CLOEXEC);
	int rid, pid;
	char text[256];
	struct statx sx;

	rid = mounts_fd_id(m, root);
	pid = mounts_fd_id(m, proc);
	if (rid < 0 || pid < 0 || rid == pid) {
		tap_skip("no /proc/self/fdinfo or /proc is not its own mount (%d, %d)", rid, pid);
		goto out;
	}
	if (statx(proc, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID))
		tap_is_int(pid, (int)sx.stx_mnt_id, "fdinfo's mount id is statx's");
	tap_ok(!mounts_fd_risky(m, proc), "before any table is read nothing is risky");
	snprintf(text, sizeof(text), "%d 1 0:1 / / rw - ext4 a rw\n%d %d 0:2 / /proc rw - fuse.test b rw\n",
		 rid, pid, rid);
	mounts_parse(m, text, strlen(text));
	tap_ok(mounts_fd_risky(m, proc) && !mounts_fd_risky(m, root),
	       "/proc's descriptor is judged by its mount id (marked fuse), / stays safe");
	tap_ok(mounts_fd_risky(m, -1), "a descriptor whose mount cannot be told is risky");
	snprintf(text, sizeof(text), "%d 1 0:1 / / rw - ext4 a rw\n", rid);
	mounts_parse(m, text, strlen(text));
	tap_ok(!mounts_fd_risky(m, proc) && mounts_id_risky(m, pid) == 0,
	       "an unknown mount id re-reads the table (the real /proc is not risky)");
out:
	if (root >= 0)
		close(root);
	if (proc >= 0)
		close(proc);
	mounts_free(m);
}

/* A memfd lives on the kernel's internal shmem mount, which no mountinfo lists: unknown, so
 * risky, until that mount is learnt from a memfd of our own. */
static void test_internal(void)
{
	struct mounts *m = mounts_new();
	int mine = memfd_create("ew-test-mine", MFD_CLOEXEC);
	int other = memfd_create("ew-test-other", MFD_CLOEXEC);

	if (!m || mine < 0 || other < 0) {
		tap_skip("memfd_create unavailable");
		tap_skip("memfd_create unavailable");
		goto out;
	}
	tap_ok(mounts_refresh(m) == 0 && mounts_fd_risky(m, other),
	       "a memfd's mount is not in mountinfo: risky while unknown");
	tap_ok(mounts_learn_internal(m, mine) == 0 && !mounts_fd_risky(m, other),
	       "learnt from our own memfd, another process's memfd is judged safe");
out:
	if (mine >= 0)
		close(mine);
	if (other >= 0)
		close(other);
	mounts_free(m);
}

int main(void)
{
	struct mounts *m = mounts_new();

	test_table();
	test_descriptors();
	test_internal();
	tap_ok(mounts_refresh(m) == 0 && mounts_update(m) == 0, "this host's mountinfo reads");
	mounts_free(m);
	return tap_done();
}
