#include "elf/elf_ident.h"

#include <errno.h>
#include <string.h>

#include "elf/elf_report.h"


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

void elf_ident_check(const struct elf_raw_ehdr *e, struct elf_report *r)
{
	const uint8_t *id = e->ident;
	bool exec = e->type == 2 || e->type == 3;

	if ((e->decl_class != 1 && e->decl_class != 2) || (e->decl_data != 1 && e->decl_data != 2))
		elf_report_add(r, ELF_R_IDENT_INVALID, SEV_HIGH,
			       "EI_CLASS=%u EI_DATA=%u (valid: 1 or 2); header reads as ELF%d %s",
			       e->decl_class, e->decl_data, e->cls == ELF_RAW_C64 ? 64 : 32,
			       e->data == ELF_RAW_MSB ? "MSB" : "LSB");
	if (e->class_flip)
		elf_report_add(r, ELF_R_CLASS_FLIP, SEV_HIGH,
			       "EI_CLASS=%u but e_phentsize=%u e_ehsize=%u fit ELF%d", e->decl_class,
			       e->phentsize, e->ehsize, e->cls == ELF_RAW_C64 ? 64 : 32);
	if (e->data_flip)
		elf_report_add(r, ELF_R_BYTE_ORDER_FLIP, SEV_HIGH,
			       "EI_DATA=%u but the header is consistent only as %s "
			       "(e_machine=%u e_phentsize=%u)", e->decl_data,
			       e->data == ELF_RAW_MSB ? "MSB" : "LSB", e->machine, e->phentsize);
	if (id[6] != 1 || e->version != 1)
		elf_report_add(r, ELF_R_VERSION_TAMPERED, exec ? SEV_HIGH : SEV_MEDIUM,
			       "EI_VERSION=%u e_version=%u (expected 1)", id[6], e->version);
	{
		/* AppImage stores "AI" and its type at bytes 8..10 by specification. */
		bool appimage = id[8] == 'A' && id[9] == 'I' && (id[10] == 1 || id[10] == 2);
		bool abi_ok = id[8] == 0 || (id[7] == 3 && id[8] <= 5);
		bool pad_ok = true;

		for (int i = appimage ? 11 : 9; i < 16; i++)
			if (id[i])
				pad_ok = false;
		if (!(appimage || abi_ok) || !pad_ok)
			elf_report_add(r, ELF_R_IDENT_PADDING, SEV_MEDIUM,
				       "EI_OSABI=%u EI_ABIVERSION=%u EI_PAD=%02x%02x%02x%02x%02x%02x%02x",
				       id[7], id[8], id[9], id[10], id[11], id[12], id[13], id[14],
				       id[15]);
	}
	if (e->ehsize != elf_raw_ehdr_size(e->cls))
		elf_report_add(r, ELF_R_EHSIZE_INVALID, SEV_MEDIUM, "e_ehsize=%u (expected %u)",
			       e->ehsize, elf_raw_ehdr_size(e->cls));
	if (e->phnum && e->phentsize != elf_raw_phdr_size(e->cls))
		elf_report_add(r, ELF_R_PHENTSIZE_INVALID, SEV_MEDIUM,
			       "e_phentsize=%u (expected %u) e_phnum=%u", e->phentsize,
			       elf_raw_phdr_size(e->cls), e->phnum);
	if (e->shnum && e->shentsize != elf_raw_shdr_size(e->cls))
		elf_report_add(r, ELF_R_SHENTSIZE_INVALID, SEV_MEDIUM,
			       "e_shentsize=%u (expected %u) e_shnum=%u", e->shentsize,
			       elf_raw_shdr_size(e->cls), e->shnum);
}
