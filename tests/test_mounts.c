/* mounts: parsing mountinfo and telling which paths lie on file systems that may stall. */
#include <string.h>

#include "mounts.h"
#include "tap.h"

static const char mountinfo[] =
	"21 26 0:20 / /proc rw,relatime - proc proc rw\n"
	"26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"30 26 0:26 / /tmp rw - tmpfs tmpfs rw\n"
	"40 26 0:40 / /home/u/mnt rw,nosuid - fuse.sshfs u@h: rw\n"
	"41 40 0:41 / /home/u/mnt/local rw - tmpfs tmpfs rw\n"
	"42 26 0:42 / /srv/nfs rw - nfs4 server:/export rw\n"
	"43 26 0:43 / /with\\040space rw - fuse fuse rw\n"
	"garbage line without separator\n"
	"44 26 0:44 / /short -\n";

int main(void)
{
	static const struct {
		const char *path;
		bool risky;
	} rows[] = {
		{ "/tmp/x", false },
		{ "/usr/bin/ls", false },
		{ "/home/u/mnt/payload", true },
		{ "/home/u/mnt", true },
		{ "/home/u/mntx/payload", false },
		{ "/home/u/mnt/local/payload", false },  /* a local mount inside the FUSE one */
		{ "/srv/nfs/a/b", true },
		{ "/with space/f", true },
		{ "relative/path", true },
	};
	struct mounts *m = mounts_new();

	tap_is_int(mounts_parse(m, mountinfo, strlen(mountinfo)), 7, "well-formed lines kept");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tap_ok(mounts_risky(m, rows[i].path) == rows[i].risky, "%s %s", rows[i].path,
		       rows[i].risky ? "may stall" : "is safe");
	tap_ok(mounts_type_risky("fuse.gvfsd-fuse") && mounts_type_risky("cifs") &&
	       !mounts_type_risky("ext4") && !mounts_type_risky("tmpfs") && !mounts_type_risky("overlay"),
	       "types");
	tap_ok(mounts_refresh(m) == 0 && !mounts_risky(m, "/tmp/x"), "this host's mountinfo reads");
	mounts_free(m);
	return tap_done();
}
