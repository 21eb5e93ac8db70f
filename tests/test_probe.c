/* probe: the back-ends' names, the directory cache (pure ring, by identity), the artifact
 * naming (pure), and the none and artifacts back-ends through the probe.h interface. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/probe.h"
#include "engine/probe_backend.h"
#include "fixture.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct file_id fid(unsigned ino)
{
	struct file_id id = { 0 };

	id.valid = true;
	id.major = 8;
	id.minor = 1;
	id.ino = ino;
	return id;
}

static void test_kind_names(void)
{
	static const struct { enum probe_kind k; const char *name; } rows[] = {
		{ PROBE_NONE, "none" }, { PROBE_LIVE, "live" }, { PROBE_ARTIFACTS, "artifacts" },
		{ PROBE_KIND_COUNT, "unknown" }, { (enum probe_kind)-1, "unknown" },
	};

	for (size_t i = 0; i < N_ELEMS(rows); i++)
		tap_is_str(probe_kind_name(rows[i].k), rows[i].name, rows[i].name);
}

/* puts: inode n stored as "/d/n"; then look ino up: how many hits, first hit's path */
static void test_dircache(void)
{
	static const struct {
		const char *name;
		unsigned puts, dup_of;      /* dup_of: one more put of that inode as "/again" */
		unsigned ino;
		int hits;
		const char *first;
	} rows[] = {
		{ "empty cache: no hit", 0, 0, 1, 0, NULL },
		{ "one put: found", 1, 0, 1, 1, "/d/1" },
		{ "absent inode: no hit", 3, 0, 7, 0, NULL },
		{ "64 puts: the first still there", 64, 0, 1, 1, "/d/1" },
		{ "65 puts: the oldest replaced", 65, 0, 1, 0, NULL },
		{ "65 puts: the 65th is where the first was", 65, 0, 65, 1, "/d/65" },
		{ "same inode twice: both, oldest first", 5, 3, 3, 2, "/d/3" },
	};

	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		static struct probe_dircache c;
		struct file_id id = fid(rows[i].ino);
		const char *p, *first = NULL;
		unsigned pos = 0;
		int hits = 0;
		char path[32];

		memset(&c, 0, sizeof(c));
		for (unsigned n = 1; n <= rows[i].puts; n++) {
			struct file_id put = fid(n);

			snprintf(path, sizeof(path), "/d/%u", n);
			probe_dircache_put(&c, &put, path);
		}
		if (rows[i].dup_of) {
			struct file_id put = fid(rows[i].dup_of);

			probe_dircache_put(&c, &put, "/again");
		}
		while ((p = probe_dircache_next(&c, &id, &pos)) != NULL) {
			if (!hits++)
				first = p;
		}
		tap_ok(hits == rows[i].hits && pos == PROBE_DIRCACHE_SIZE, "dircache: %s (%d hits)",
		       rows[i].name, hits);
		tap_is_str(first, rows[i].first, rows[i].name);
	}
	{
		static struct probe_dircache c;
		static char longp[PATH_MAX + 16];
		struct file_id id = fid(9), none = { 0 };
		unsigned pos = 0;
		const char *p;

		memset(&c, 0, sizeof(c));
		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		probe_dircache_put(&c, &id, longp);
		p = probe_dircache_next(&c, &id, &pos);
		tap_ok(p && strlen(p) == PATH_MAX - 1, "dircache: a path over PATH_MAX is cut");
		pos = 0;
		tap_ok(!probe_dircache_next(&c, &none, &pos), "dircache: an invalid id never hits");
	}
}

static void test_artifacts_path(void)
{
	struct file_id big = { .valid = true, .major = 0x103, .minor = 0xab, .ino = 18446744073709551615ull };
	struct file_id id = fid(1234), none = { 0 };
	char out[64], tiny[8];

	tap_ok(probe_artifacts_path("/a", &id, out, sizeof(out)) == 0 &&
	       strcmp(out, "/a/8:1:1234") == 0, "artifacts path: DIR/MAJOR:MINOR:INODE (%s)", out);
	tap_ok(probe_artifacts_path("/a", &big, out, sizeof(out)) == 0 &&
	       strcmp(out, "/a/103:ab:18446744073709551615") == 0,
	       "artifacts path: hex major and minor, decimal inode (%s)", out);
	tap_ok(probe_artifacts_path("/a", &none, out, sizeof(out)) == -ENOENT,
	       "artifacts path: no valid identity, -ENOENT");
	tap_ok(probe_artifacts_path("/a", NULL, out, sizeof(out)) == -ENOENT,
	       "artifacts path: no identity, -ENOENT");
	tap_ok(probe_artifacts_path("/a", &id, tiny, sizeof(tiny)) == -ENAMETOOLONG,
	       "artifacts path: does not fit, -ENAMETOOLONG");
}

static void test_none(void)
{
	struct probe p;
	struct file_id id = fid(1);
	struct loader_probe lp;
	struct writes_fs wfs;
	struct execjudge_fs xfs;
	struct stat st;

	tap_ok(probe_init(&p, PROBE_NONE, NULL) == 0 && p.kind == PROBE_NONE, "none: init");
	lp = probe_loader(&p);
	wfs = probe_writes(&p);
	xfs = probe_exec(&p);
	tap_ok(!lp.image_is_loader && !lp.target_facts, "none: the loader learns nothing");
	tap_ok(wfs.stat(wfs.ctx, "/bin/sh", &id, &st) == -ENOENT &&
	       wfs.open(wfs.ctx, "/bin/sh", &id, &st) == -ENOENT && !wfs.fd_path && !wfs.find_dir,
	       "none: every written file is gone");
	tap_ok(xfs.stat(xfs.ctx, "/bin/sh", &id, &st) == -ENOSYS &&
	       xfs.open(xfs.ctx, "/bin/sh", &id, &st) == -ENOSYS &&
	       xfs.open_exe(xfs.ctx, getpid(), "/bin/sh", &id, &st) == -ENOSYS,
	       "none: executed images cannot be opened");
	tap_ok(probe_refresh_mounts(&p) == 0 && !p.mounts, "none: no mount table");
	probe_free(&p);
}

static void test_artifacts(void)
{
	const char *dir = fixture_dir();
	struct file_id id = fid(0x42), other = fid(0x43);
	struct writes_fs wfs;
	struct execjudge_fs xfs;
	struct loader_probe lp;
	struct stat st;
	struct probe p;
	int fd;

	if (!dir || !fixture_write(fixture_path("8:1:66"), "artifact", 8, 0644)) {
		tap_skip("artifacts: no fixture directory");
		return;
	}
	tap_ok(probe_init(&p, PROBE_ARTIFACTS, dir) == 0, "artifacts: init");
	wfs = probe_writes(&p);
	xfs = probe_exec(&p);
	lp = probe_loader(&p);
	tap_ok(wfs.stat(wfs.ctx, "/ignored/name", &id, &st) == 0 && st.st_size == 8 &&
	       st.st_dev == makedev(8, 1) && st.st_ino == 0x42,
	       "artifacts: stat by identity reports the recorded identity");
	fd = wfs.open(wfs.ctx, NULL, &id, &st);
	tap_ok(fd >= 0 && st.st_ino == 0x42, "artifacts: open by identity");
	if (fd >= 0)
		close(fd);
	tap_ok(wfs.stat(wfs.ctx, "/x", &other, &st) == -ENOENT, "artifacts: no artifact, -ENOENT");
	tap_ok(xfs.stat(xfs.ctx, "/x", &id, &st) == 0 && st.st_ino == 0x42,
	       "artifacts: exec stat by identity");
	fd = xfs.open_exe(xfs.ctx, 1, "/x", &id, &st);
	tap_ok(fd >= 0 && st.st_dev == makedev(8, 1), "artifacts: /proc/PID/exe stands in by identity");
	if (fd >= 0)
		close(fd);
	tap_ok(lp.image_is_loader && !lp.target_facts, "artifacts: images only, no loader targets");
	probe_free(&p);
	fixture_cleanup();
}

static void test_live(void)
{
	struct probe p, q;
	struct writes_fs a, b;

	tap_ok(probe_init(&p, PROBE_LIVE, NULL) == 0 && p.dirs && !p.mounts,
	       "live: init owns its directory cache, mount table read on demand");
	tap_ok(probe_init(&q, PROBE_LIVE, NULL) == 0 && q.dirs != p.dirs,
	       "live: two probes share no cache");
	a = probe_writes(&p);
	b = probe_writes(&q);
	tap_ok(a.ctx == &p && b.ctx == &q && a.find_dir && a.fd_path, "live: each table's context is its probe");
	probe_free(&p);
	probe_free(&q);
	tap_ok(!p.dirs && !p.mounts, "live: free releases the caches");
	probe_free(&p);     /* twice: a zeroed probe is fine */
}

int main(void)
{
	test_kind_names();
	test_dircache();
	test_artifacts_path();
	test_none();
	test_artifacts();
	test_live();
	return tap_done();
}
