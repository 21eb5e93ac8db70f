/* A file that changes while the ELF engine reads it: never a crash, never a read past the
 * snapshot, judged on what was read (or marked as changed). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>

#include "elf/elf_inspect.h"
#include "fixture.h"
#include "tap.h"

static struct elf_host host;

/* The caller's fstat is older than the file: it says 1 MiB, the file now holds 1 KiB. */
static void test_stale_stat(void)
{
	const char *p = fixture_path("shrunk");
	unsigned char *b;
	size_t len;
	struct elf_report r;
	struct stat st;
	int fd, rc;

	b = fixture_read("/bin/true", &len);
	if (!b || len < 1024 || !fixture_write(p, b, 1024, 0644)) {
		tap_skip("cannot build a 1 KiB ELF head");
		free(b);
		return;
	}
	free(b);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		tap_skip("cannot open %s", p);
		return;
	}
	st.st_size = 1 << 20;
	rc = elf_inspect_fd(fd, &st, &host, NULL, &r);
	close(fd);
	tap_ok(rc == 0 && r.facts.is_elf, "file shrunk from 1 MiB to 1 KiB since its fstat: judged (rc %d)", rc);
}

/* A file with two faces: big (1 MiB) and small (1 KiB), the same ELF head. */
static unsigned char *face;
static size_t face_len;

enum flip_mode {
	FLIP_EVERY_READ,    /* flips between big and small on every pread and every stamp */
	FLIP_ONCE,          /* was big when the caller looked, small ever since */
	FLIP_GREW,          /* was small when the caller looked, big ever since */
	FLIP_OVERCLAIM,     /* claims to have read more than asked */
	FLIP_EIO,           /* every read fails */
	FLIP_SCRUB,         /* every look says 1 MiB, every read finds 2 bytes: shrunk in between */
	FLIP_MODE_COUNT
};

struct flip_file {
	enum flip_mode mode;
	unsigned calls;
	bool big;
	uint64_t max_end;   /* furthest byte asked for, tail reads aside */
	unsigned reads;
	int64_t ticks;      /* FLIP_SCRUB: a new stamp on every look */
};

static uint64_t flip_size(const struct flip_file *f)
{
	return f->big ? face_len : 1024;
}

static ssize_t flip_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct flip_file *f = ctx;
	uint64_t size;

	f->reads++;
	if (f->mode == FLIP_EVERY_READ)
		f->big = !f->big;
	if (f->mode == FLIP_EIO)
		return -EIO;
	if (n != 64 && off + n > f->max_end)
		f->max_end = off + n;
	if (f->mode == FLIP_OVERCLAIM)
		return (ssize_t)n + 4096;
	size = f->mode == FLIP_SCRUB ? 2 : flip_size(f);
	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	memcpy(buf, f->mode == FLIP_SCRUB ? (const unsigned char *)"#!" : face + off, n);
	return (ssize_t)n;
}

static int flip_stamp(void *ctx, uint64_t *ret_size, int64_t *ret_stamp)
{
	struct flip_file *f = ctx;

	if (f->mode == FLIP_EVERY_READ)
		f->big = !f->big;
	*ret_size = flip_size(f);
	*ret_stamp = f->mode == FLIP_SCRUB ? 10 + ++f->ticks : f->big ? 2 : 1;
	return 0;
}

static void test_flipping_source(void)
{
	static const struct {
		enum flip_mode mode;
		bool start_big;
		int rc;              /* expected return */
		int changed;         /* facts.changed expected (-1: either) */
		uint64_t size;       /* facts.size expected (0: any) */
		const char *what;
	} rows[] = {
		{ FLIP_EVERY_READ, true, 0, 1, 0, "1 MiB <-> 1 KiB on every read: judged as read, marked changed" },
		{ FLIP_ONCE, true, 0, 0, 1024, "shrank to 1 KiB after the caller's look: judged again at 1 KiB" },
		{ FLIP_GREW, false, 0, 0, 0, "grew to 1 MiB after the caller's look: judged again, whole" },
		{ FLIP_OVERCLAIM, true, -EIO, -1, 0, "a source claiming more bytes than asked: an error, no overflow" },
		{ FLIP_EIO, true, -EIO, -1, 0, "a source failing every read: its error" },
		{ FLIP_SCRUB, true, -EAGAIN, -1, 0,
		  "truncated and rewritten between every look and its read: not judged (-EAGAIN), "
		  "never 'not ELF'" },
	};
	struct elf_limits lim;

	elf_limits_default(&lim);
	lim.read_max = 256u << 10;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct flip_file f = { rows[i].mode, 0, rows[i].start_big, 0, 0, 0 };
		struct elf_source src = { flip_pread, flip_stamp, &f };
		struct elf_report r;
		uint64_t size0 = rows[i].start_big ? face_len : 1024;
		int rc;

		if (rows[i].mode == FLIP_ONCE)
			f.big = false;
		if (rows[i].mode == FLIP_GREW)
			f.big = true;
		rc = elf_inspect_source(&src, size0, rows[i].start_big ? 2 : 1, &host, &lim, &r);
		if (rows[i].mode == FLIP_OVERCLAIM && rc == 0)
			rc = -EIO; /* an overclaim seen only as a short file is fine too */
		tap_ok(rc == rows[i].rc &&
		       (rc < 0 || (r.facts.is_elf && (rows[i].changed < 0 ||
						      r.facts.changed == (rows[i].changed == 1)) &&
				   (!r.facts.changed || (r.facts.partial && !r.facts.hashed)) &&
				   (!rows[i].size || r.facts.size == rows[i].size))),
		       "%s (rc %d, changed %d, partial %d, size %llu, %u reads)", rows[i].what, rc,
		       rc == 0 && r.facts.changed, rc == 0 && r.facts.partial,
		       rc == 0 ? (unsigned long long)r.facts.size : 0ull, f.reads);
		tap_ok(f.max_end <= lim.read_max, "%s: reads stay within read_max (furthest %llu)",
		       rows[i].what, (unsigned long long)f.max_end);
	}
}

int main(void)
{
	if (!fixture_dir()) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	elf_host_detect(&host, NULL);
	test_stale_stat();
	face = fixture_read("/bin/bash", &face_len);
	if (face && face_len > (1u << 20))
		face_len = 1u << 20;
	if (face && face_len == (1u << 20))
		test_flipping_source();
	else
		tap_skip("no 1 MiB ELF to flip (/bin/bash)");
	free(face);
	fixture_cleanup();
	return tap_done();
}
