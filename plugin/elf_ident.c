#include "elf_ident.h"

#include <errno.h>
#include <string.h>



bool elf_ident_is_elf(const uint8_t *b, size_t len)
{
	return len >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
}

static void ident_read(const uint8_t *b, size_t len, int cls, int data, struct elf_raw_ehdr *e)
{
	/* ELF32 and ELF64 agree up to e_entry (0x18); after it, fields move by the word size. */
	unsigned w = cls == ELF_RAW_C64 ? 8 : 4;
	uint64_t o = 0x18;

	e->cls = cls;
	e->data = data;
	e->type = elf_raw_u16(b, len, 0x10, data);
	e->machine = elf_raw_u16(b, len, 0x12, data);
	e->version = elf_raw_u32(b, len, 0x14, data);
	e->entry = elf_raw_word(b, len, o, cls, data);
	e->phoff = elf_raw_word(b, len, o + w, cls, data);
	e->shoff = elf_raw_word(b, len, o + 2 * w, cls, data);
	o += 3 * w;
	e->flags = elf_raw_u32(b, len, o, data);
	e->ehsize = elf_raw_u16(b, len, o + 4, data);
	e->phentsize = elf_raw_u16(b, len, o + 6, data);
	e->phnum = elf_raw_u16(b, len, o + 8, data);
	e->shentsize = elf_raw_u16(b, len, o + 10, data);
	e->shnum = elf_raw_u16(b, len, o + 12, data);
	e->shstrndx = elf_raw_u16(b, len, o + 14, data);
}

/* How self-consistent the header is under one reading; the fixed sizes weigh most because the
 * kernel itself rejects a wrong e_phentsize. */
static int ident_score(const struct elf_raw_ehdr *e)
{
	int s = 0;

	if (e->phnum && e->phentsize == elf_raw_phdr_size(e->cls))
		s += 4;
	if (e->ehsize == elf_raw_ehdr_size(e->cls))
		s += 2;
	if (e->shnum && e->shentsize == elf_raw_shdr_size(e->cls))
		s += 2;
	if (e->type >= 1 && e->type <= 4)
		s += 1;
	if (e->version == 1)
		s += 1;
	if (e->machine && e->machine < 0x400)
		s += 1;
	return s;
}

int elf_ident_decode(const uint8_t *b, size_t len, struct elf_raw_ehdr *ret)
{
	struct elf_raw_ehdr best, cur;
	int best_score = -1;
	int dc, dd;

	if (!b || !elf_ident_is_elf(b, len))
		return -ENOEXEC;
	if (len < 52)
		return -EBADMSG;
	dc = b[4];
	dd = b[5];
	/* Declared reading first so that it wins ties; then the other three. */
	for (int i = 0; i < 5; i++) {
		int c, d;

		if (i == 0) {
			if ((dc != 1 && dc != 2) || (dd != 1 && dd != 2))
				continue;
			c = dc;
			d = dd;
		} else {
			c = (i - 1) / 2 + 1;
			d = (i - 1) % 2 + 1;
			if (c == dc && d == dd)
				continue;
		}
		if (len < elf_raw_ehdr_size(c))
			continue;
		memset(&cur, 0, sizeof(cur));
		ident_read(b, len, c, d, &cur);
		int s = ident_score(&cur);
		if (s > best_score) {
			best = cur;
			best_score = s;
		}
	}
	if (best_score < 3)
		return -EBADMSG;
	memcpy(best.ident, b, 16);
	best.decl_class = dc;
	best.decl_data = dd;
	best.class_flip = (dc == 1 || dc == 2) && best.cls != dc;
	best.data_flip = (dd == 1 || dd == 2) && best.data != dd;
	*ret = best;
	return 0;
}

bool elf_raw_phdr_get(const uint8_t *b, size_t len, const struct elf_raw_ehdr *e, unsigned i,
		      struct elf_raw_phdr *ret)
{
	unsigned sz = elf_raw_phdr_size(e->cls);
	uint64_t off;
	int d = e->data;

	if (e->phoff > len || (uint64_t)i * sz + sz > len - e->phoff)
		return false;
	off = e->phoff + (uint64_t)i * sz;
	ret->type = elf_raw_u32(b, len, off, d);
	if (e->cls == ELF_RAW_C64) {
		ret->flags = elf_raw_u32(b, len, off + 4, d);
		ret->offset = elf_raw_u64(b, len, off + 8, d);
		ret->vaddr = elf_raw_u64(b, len, off + 16, d);
		ret->filesz = elf_raw_u64(b, len, off + 32, d);
		ret->memsz = elf_raw_u64(b, len, off + 40, d);
		ret->align = elf_raw_u64(b, len, off + 48, d);
	} else {
		ret->offset = elf_raw_u32(b, len, off + 4, d);
		ret->vaddr = elf_raw_u32(b, len, off + 8, d);
		ret->filesz = elf_raw_u32(b, len, off + 16, d);
		ret->memsz = elf_raw_u32(b, len, off + 20, d);
		ret->flags = elf_raw_u32(b, len, off + 24, d);
		ret->align = elf_raw_u32(b, len, off + 28, d);
	}
	return true;
}
