/* elf_snapshot: the engine's private, bounded copy of a file. Zeroed at allocation and filled
 * page by page as the modules ask (elf_image_need), from an elf_source, never mapped from the
 * file (a file truncated under a mapping would SIGBUS us). The allocation is described once,
 * when it is made, and released from that description alone. */
#include "elf/elf_engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SNAP_PAGE 4096u
#define SNAP_MAP_MIN (128u << 10)

int elf_snapshot_alloc(struct elf_image *im, size_t len, const struct elf_source *src)
{
	size_t cap = len ? len : 1;
	uint8_t *mem;
	bool mapped = cap > SNAP_MAP_MIN;

	/* Big buffers are private anonymous mappings (not the file), so pages never read cost
	 * nothing; calloc would memset heap-recycled ones. */
	if (mapped) {
		void *m = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		mem = m == MAP_FAILED ? NULL : m;
	} else {
		mem = calloc(cap, 1);
	}
	if (!mem)
		return -ENOMEM;
	im->snap.loaded = NULL;
	if (src && !(im->snap.loaded = calloc(cap / SNAP_PAGE / 8 + 1, 1))) {
		if (mapped)
			munmap(mem, cap);
		else
			free(mem);
		return -ENOMEM;
	}
	im->snap.mem = mem;
	im->snap.cap = cap;
	im->snap.mapped = mapped;
	im->b = mem;
	im->len = len;
	im->src = src;
	im->short_read = false;
	return 0;
}

void elf_snapshot_free(struct elf_image *im)
{
	if (im->snap.mem) {
		if (im->snap.mapped)
			munmap(im->snap.mem, im->snap.cap);
		else
			free(im->snap.mem);
	}
	free(im->snap.loaded);
	memset(&im->snap, 0, sizeof(im->snap));
	im->b = NULL;
	im->len = 0;
}

ssize_t elf_snapshot_pread(const struct elf_source *src, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = src->pread(src->ctx, (uint8_t *)buf + got, n - got, off + got);

		if (k == -EINTR)
			continue;
		if (k < 0)
			return k;
		if ((size_t)k > n - got)
			return -EIO;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static bool page_loaded(const struct elf_image *im, size_t p)
{
	return im->snap.loaded[p / 8] & (1u << (p % 8));
}

bool elf_image_need(struct elf_image *im, uint64_t off, uint64_t n)
{
	size_t p, q, last;

	if (!im->src || !im->snap.loaded)
		return off < im->len || n == 0;
	if (off >= im->len)
		return false;
	if (n > im->len - off)
		n = im->len - off;
	if (n == 0)
		return true;
	last = (size_t)((off + n - 1) / SNAP_PAGE);
	for (p = (size_t)(off / SNAP_PAGE); p <= last; p = q) {
		uint64_t s, e;
		ssize_t got;

		if (page_loaded(im, p)) {
			q = p + 1;
			continue;
		}
		for (q = p; q <= last && !page_loaded(im, q); q++)
			im->snap.loaded[q / 8] |= (uint8_t)(1u << (q % 8));
		s = (uint64_t)p * SNAP_PAGE;
		e = (uint64_t)q * SNAP_PAGE < im->len ? (uint64_t)q * SNAP_PAGE : im->len;
		got = elf_snapshot_pread(im->src, im->b + s, (size_t)(e - s), s);
		if (got < 0 || (uint64_t)got < e - s)
			im->short_read = true; /* pages stay zero; never retried */
	}
	return !im->short_read;
}
