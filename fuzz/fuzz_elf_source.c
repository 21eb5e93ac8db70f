/* libFuzzer target for the ELF engine's file path: elf_inspect_source (the lazy page loading
 * and re-reads the live plugin does through elf_inspect_fd) on a source whose size changes
 * under it as the bytes say: a file growing, shrinking and failing while it is read.
 * Layout: byte 0 flags, bytes 1..8 a script of sizes (each a fraction /255 of the content,
 * one per call, cyclic), the rest the content. Invariants: no crash or read past a buffer
 * (ASan), no read beyond read_max, a changed file is an ELF judged partial and not hashed
 * (anything else still changing is -EAGAIN, never "not ELF"), the size
 * judged is one the file had. Flag 0x10 also puts the content in a memfd and judges it through
 * elf_inspect_fd, the live plugin's entry: a file that holds still is judged whole, unchanged.
 * Built with clang (fuzz/run.sh elf_source); the corpus is
 * replayed by tests/fuzz_replay.c in make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "elf/elf_inspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 9
#define READ_MAX (64u << 10)
#define S_EXEC_HINT 0x01
#define S_OVERCLAIM 0x02        /* a script byte of 0 claims more than was asked */
#define S_EIO 0x04              /* a script byte of 1 fails the call */
#define S_NO_HASH 0x08
#define S_REAL_FD 0x10

struct script {
	const uint8_t *content;
	size_t len;
	uint8_t flags, steps[HDR - 1];
	unsigned calls;
};

static uint8_t step(struct script *s)
{
	return s->steps[s->calls++ % (HDR - 1)];
}

static uint64_t size_of(const struct script *s, uint8_t st)
{
	uint64_t n = (uint64_t)s->len * st / 255;

	return n;
}

static ssize_t src_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct script *s = ctx;
	uint8_t st = step(s);
	uint64_t size = size_of(s, st);

	if (n != 64 && off + n > READ_MAX)
		abort();        /* the engine never asks beyond its bound (64-byte tail reads aside) */
	if ((s->flags & S_EIO) && st == 1)
		return -EIO;
	if ((s->flags & S_OVERCLAIM) && st == 0)
		return (ssize_t)n + 4096;
	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	memcpy(buf, s->content + off, n);
	return (ssize_t)n;
}

static int src_stamp(void *ctx, uint64_t *ret_size, int64_t *ret_stamp)
{
	struct script *s = ctx;
	uint8_t st = step(s);

	if ((s->flags & S_EIO) && st == 1)
		return -EIO;
	*ret_size = size_of(s, st);
	*ret_stamp = st;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_host host;
	static int host_ready;
	struct script s;
	struct elf_source src = { src_pread, src_stamp, &s };
	struct elf_limits lim;
	struct elf_report r;
	int rc;

	if (size < HDR)
		return 0;
	if (!host_ready) {
		elf_host_for_machine(&host, "x86_64");
		host_ready = 1;
	}
	memset(&s, 0, sizeof(s));
	s.flags = data[0];
	memcpy(s.steps, data + 1, HDR - 1);
	s.content = data + HDR;
	s.len = size - HDR;
	elf_limits_default(&lim);
	lim.read_max = READ_MAX;
	lim.exec_hint = (s.flags & S_EXEC_HINT) != 0;
	if (s.flags & S_NO_HASH)
		lim.hash_max = 0;
	if (s.flags & S_REAL_FD) {
		static int fd = -1;
		struct stat st;

		if (fd < 0 && (fd = memfd_create("fuzz_elf_source", MFD_CLOEXEC)) < 0)
			abort();
		if (ftruncate(fd, 0) < 0 || (s.len && pwrite(fd, s.content, s.len, 0) != (ssize_t)s.len) ||
		    fstat(fd, &st) < 0)
			abort();
		rc = elf_inspect_fd(fd, &st, &host, &lim, &r);
		if (rc > 0 || (rc == 0 && (r.facts.changed || r.facts.size != s.len)))
			abort();
	}
	rc = elf_inspect_source(&src, size_of(&s, s.steps[HDR - 2]), s.steps[HDR - 2], &host, &lim,
				&r);
	if (rc > 0)
		abort();
	if (rc == 0 && ((r.facts.changed && (!r.facts.is_elf || !r.facts.partial || r.facts.hashed)) ||
			r.facts.size > s.len))
		abort();
	return 0;
}
