/* elf_loader: is this file a dynamic loader (ld.so)? Decided from content, because a copy of
 * ld-linux-x86-64.so.2 renamed to /tmp/x is still a loader. Works through an "image reader" so the
 * fd path reads only the few ranges it needs and the buffer path stays pure. */
#include "elf/elf_inspect.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf_ident.h"
#include "sys/safefile.h"

#define LOADER_MAX_PHT 65536u     /* the kernel refuses bigger program header tables */
#define LOADER_MAX_DYN 16384u     /* ld.so's dynamic segment is a few hundred bytes */
#define LOADER_MAX_SONAME 256u

/* Reads [off, off+len) of the image into buf: 0, 1 = not there (short file), -errno. */
struct loader_src {
	int fd;
	uint64_t size;
	const unsigned char *mem;
};

static int loader_read(const struct loader_src *s, void *buf, size_t len, uint64_t off)
{
	if (off > s->size || len > s->size - off)
		return 1;
	if (s->mem) {
		memcpy(buf, s->mem + off, len);
		return 0;
	}
	int r = safefile_pread_exact(s->fd, buf, len, (off_t)off);
	return r == -EIO ? 1 : r;
}

bool elf_loader_soname_match(const char *s)
{
	static const char *const pat[] = {
		"ld-linux*.so.*", "ld-musl-*.so.1", "ld.so.*", "ld64.so.*", "ld-*.so",
	};

	if (!s || !*s)
		return false;
	for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (fnmatch(pat[i], s, FNM_PERIOD) == 0)
			return true;
	return false;
}

/* Map a virtual address to a file offset through the PT_LOADs; 0 on success. */
static int loader_vaddr_to_off(const unsigned char *pht, size_t phtlen,
			       const struct elf_raw_ehdr *e, uint64_t va, uint64_t *ret_off,
			       uint64_t *ret_avail)
{
	struct elf_raw_ehdr t = *e;
	struct elf_raw_phdr p;

	t.phoff = 0;
	for (unsigned i = 0; i < e->phnum; i++) {
		if (!elf_raw_phdr_get(pht, phtlen, &t, i, &p))
			break;
		if (p.type != 1 /* PT_LOAD */ || va < p.vaddr || va - p.vaddr >= p.filesz)
			continue;
		if (p.offset > UINT64_MAX - (va - p.vaddr))
			continue;
		*ret_off = p.offset + (va - p.vaddr);
		*ret_avail = p.filesz - (va - p.vaddr);
		return 0;
	}
	return -1;
}

static int loader_identity(const struct loader_src *s, char *ret_soname, size_t soname_cap)
{
	unsigned char hdr[64], *pht = NULL, *dyn = NULL;
	struct elf_raw_ehdr e;
	struct elf_raw_phdr p, pdyn = { 0 };
	bool have_dyn = false;
	size_t hlen, phtlen, dynlen;
	int r;

	if (ret_soname && soname_cap)
		ret_soname[0] = '\0';
	hlen = s->size < sizeof(hdr) ? (size_t)s->size : sizeof(hdr);
	if (hlen < 52)
		return 0;
	r = loader_read(s, hdr, hlen, 0);
	if (r)
		return r < 0 ? r : 0;
	if (elf_ident_decode(hdr, hlen, &e) < 0)
		return 0;
	if (e.type != 3 /* ET_DYN */ || e.phnum == 0 || e.phnum == 0xffff ||
	    e.phentsize != elf_raw_phdr_size(e.cls))
		return 0;
	phtlen = (size_t)e.phnum * e.phentsize;
	if (phtlen > LOADER_MAX_PHT)
		return 0;
	pht = malloc(phtlen);
	if (!pht)
		return -ENOMEM;
	r = loader_read(s, pht, phtlen, e.phoff);
	if (r) {
		free(pht);
		return r < 0 ? r : 0;
	}
	{
		struct elf_raw_ehdr t = e;

		t.phoff = 0;
		for (unsigned i = 0; i < e.phnum; i++) {
			if (!elf_raw_phdr_get(pht, phtlen, &t, i, &p))
				break;
			if (p.type == 3 /* PT_INTERP */) {
				free(pht);
				return 0;
			}
			if (p.type == 2 /* PT_DYNAMIC */ && !have_dyn) {
				pdyn = p;
				have_dyn = true;
			}
		}
	}
	r = 0;
	if (!have_dyn || pdyn.filesz == 0)
		goto out;
	dynlen = pdyn.filesz > LOADER_MAX_DYN ? LOADER_MAX_DYN : (size_t)pdyn.filesz;
	dynlen -= dynlen % elf_raw_dyn_size(e.cls);
	dyn = malloc(dynlen ? dynlen : 1);
	if (!dyn) {
		r = -ENOMEM;
		goto out;
	}
	r = loader_read(s, dyn, dynlen, pdyn.offset);
	if (r) {
		r = r < 0 ? r : 0;
		goto out;
	}
	{
		unsigned dsz = elf_raw_dyn_size(e.cls), w = dsz / 2;
		uint64_t strtab = 0, soname = 0, strsz = 0;
		bool has_strtab = false, has_soname = false;
		char name[LOADER_MAX_SONAME + 1];
		uint64_t off, avail;
		size_t n;

		for (size_t o = 0; o + dsz <= dynlen; o += dsz) {
			uint64_t tag = elf_raw_word(dyn, dynlen, o, e.cls, e.data);
			uint64_t val = elf_raw_word(dyn, dynlen, o + w, e.cls, e.data);

			if (tag == 0 /* DT_NULL */)
				break;
			if (tag == 5 /* DT_STRTAB */) {
				strtab = val;
				has_strtab = true;
			} else if (tag == 14 /* DT_SONAME */) {
				soname = val;
				has_soname = true;
			} else if (tag == 10 /* DT_STRSZ */) {
				strsz = val;
			}
		}
		if (!has_strtab || !has_soname || (strsz && soname >= strsz))
			goto out;
		if (loader_vaddr_to_off(pht, phtlen, &e, strtab, &off, &avail) < 0 || soname >= avail)
			goto out;
		avail -= soname;
		off += soname;
		n = avail < LOADER_MAX_SONAME ? (size_t)avail : LOADER_MAX_SONAME;
		if (off > s->size)
			goto out;
		if (n > s->size - off)
			n = (size_t)(s->size - off);
		r = loader_read(s, name, n, off);
		if (r) {
			r = r < 0 ? r : 0;
			goto out;
		}
		name[n] = '\0';
		if (!memchr(name, '\0', n))
			goto out; /* longer than any real soname: not a loader */
		if (ret_soname && soname_cap) {
			strncpy(ret_soname, name, soname_cap - 1);
			ret_soname[soname_cap - 1] = '\0';
		}
		r = elf_loader_soname_match(name) ? 1 : 0;
	}
out:
	free(dyn);
	free(pht);
	return r;
}

int elf_loader_identity(int fd, const struct stat *st, char *ret_soname, size_t soname_cap)
{
	struct loader_src s = { fd, 0, NULL };

	if (ret_soname && soname_cap)
		ret_soname[0] = '\0';
	if (!st || !S_ISREG(st->st_mode) || st->st_size < 0)
		return 0;
	s.size = (uint64_t)st->st_size;
	return loader_identity(&s, ret_soname, soname_cap);
}

int elf_loader_identity_buf(const unsigned char *b, size_t len, char *ret_soname,
			    size_t soname_cap)
{
	struct loader_src s = { -1, len, b };

	if (!b) {
		if (ret_soname && soname_cap)
			ret_soname[0] = '\0';
		return 0;
	}
	return loader_identity(&s, ret_soname, soname_cap);
}
