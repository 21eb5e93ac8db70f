/* elf_sections: the section header table, first raw (libelf silently clamps a table past EOF to
 * zero sections and returns a bad e_shstrndx as is), then libelf's view on the private snapshot
 * for what needs real parsing: section list, dynamic entries. Never ELF_C_READ_MMAP. */
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "elf/elf_engine.h"

#define SHT_NULL_ 0
#define SHT_STRTAB_ 3
#define SHT_NOBITS_ 8
#define SHN_XINDEX_ 0xffffu
#define PN_XNUM_ 0xffffu
#define SEC_MAX_SECTIONS 65536u
#define SEC_MAX_DYN 4096u

struct sec_raw {
	uint32_t type, link, info;
	uint64_t flags, addr, offset, size;
};

/* Section header i of the raw table, if it lies inside the snapshot. */
static bool sec_get(const struct elf_image *im, uint64_t i, struct sec_raw *s)
{
	const struct elf_raw_ehdr *e = &im->e;
	unsigned sz = elf_raw_shdr_size(e->cls);
	uint64_t off;
	int d = e->data;

	if (e->shoff > im->len || i >= (im->len - e->shoff) / sz)
		return false;
	off = e->shoff + i * sz;
	s->type = elf_raw_u32(im->b, im->len, off + 4, d);
	if (e->cls == ELF_RAW_C64) {
		s->flags = elf_raw_u64(im->b, im->len, off + 8, d);
		s->addr = elf_raw_u64(im->b, im->len, off + 16, d);
		s->offset = elf_raw_u64(im->b, im->len, off + 24, d);
		s->size = elf_raw_u64(im->b, im->len, off + 32, d);
		s->link = elf_raw_u32(im->b, im->len, off + 40, d);
		s->info = elf_raw_u32(im->b, im->len, off + 44, d);
	} else {
		s->flags = elf_raw_u32(im->b, im->len, off + 8, d);
		s->addr = elf_raw_u32(im->b, im->len, off + 12, d);
		s->offset = elf_raw_u32(im->b, im->len, off + 16, d);
		s->size = elf_raw_u32(im->b, im->len, off + 20, d);
		s->link = elf_raw_u32(im->b, im->len, off + 24, d);
		s->info = elf_raw_u32(im->b, im->len, off + 28, d);
	}
	return true;
}

void elf_sections_counts(struct elf_image *im)
{
	struct sec_raw s0;

	im->phnum = im->e.phnum;
	im->shnum = im->e.shnum;
	if (im->e.shoff == 0 ||
	    !elf_image_need(im, im->e.shoff, elf_raw_shdr_size(im->e.cls)) || !sec_get(im, 0, &s0))
		return;
	if (im->e.phnum == PN_XNUM_)
		im->phnum = s0.info;
	if (im->e.shnum == 0)
		im->shnum = s0.size;
}

/* Raw checks; returns true when the table is sane enough to walk. */
static bool sec_raw_checks(struct elf_image *im, struct elf_scan *sc, struct elf_report *r)
{
	const struct elf_raw_ehdr *e = &im->e;
	unsigned sz = elf_raw_shdr_size(e->cls);
	struct sec_raw s0 = { 0 }, ss;
	bool have0;
	uint64_t idx;

	im->shnum = e->shnum;
	if (e->shoff == 0) {
		sc->no_section_headers = e->shnum == 0;
		return false;
	}
	if (e->shoff >= im->size) {
		elf_report_add(r, ELF_R_SHT_BEYOND_EOF, SEV_HIGH,
			       "e_shoff=0x%llx >= file size %llu (e_shnum=%u)",
			       (unsigned long long)e->shoff, (unsigned long long)im->size, e->shnum);
		return false;
	}
	have0 = sec_get(im, 0, &s0);
	if (e->shnum == 0 && have0)
		im->shnum = s0.size; /* extended numbering (or nothing) */
	if (e->shnum == 0 && have0 && s0.size == 0) {
		elf_report_add(r, ELF_R_SHOFF_WITHOUT_SECTIONS, SEV_MEDIUM,
			       "e_shoff=0x%llx but e_shnum=0 and section 0 sh_size=0",
			       (unsigned long long)e->shoff);
		return false;
	}
	if (im->shnum > (im->size - e->shoff) / sz) {
		elf_report_add(r, ELF_R_SHT_BEYOND_EOF, SEV_HIGH,
			       "e_shoff=0x%llx + %llu sections x %u bytes > file size %llu",
			       (unsigned long long)e->shoff, (unsigned long long)im->shnum, sz,
			       (unsigned long long)im->size);
		return false;
	}
	elf_image_need(im, e->shoff, im->shnum * sz);
	if (e->shoff + im->shnum * sz > sc->max_end)
		sc->max_end = e->shoff + im->shnum * sz;
	if (im->shnum == 0)
		return false;
	idx = e->shstrndx;
	if (idx == SHN_XINDEX_ && have0)
		idx = s0.link;
	if (idx >= im->shnum)
		elf_report_add(r, ELF_R_BAD_SHSTRNDX, SEV_HIGH,
			       "e_shstrndx=%u%s >= section count %llu", e->shstrndx,
			       e->shstrndx == SHN_XINDEX_ ? " (SHN_XINDEX via sh_link)" : "",
			       (unsigned long long)im->shnum);
	else if (idx != 0 && sec_get(im, idx, &ss) && ss.type != SHT_STRTAB_)
		elf_report_add(r, ELF_R_BAD_SHSTRNDX, SEV_HIGH,
			       "e_shstrndx=%llu names a section of type %u, not SHT_STRTAB",
			       (unsigned long long)idx, ss.type);
	else
		return true;
	return false;
}

static void sec_walk(const struct elf_image *im, Elf *elf, struct elf_scan *sc,
		     struct elf_report *r)
{
	size_t n = 0;
	Elf_Scn *scn = NULL;
	bool beyond = false, overlap = false;

	while ((scn = elf_nextscn(elf, scn)) && n++ < SEC_MAX_SECTIONS) {
		GElf_Shdr sh;
		uint64_t end;

		if (!gelf_getshdr(scn, &sh))
			break;
		if (sh.sh_type == SHT_NULL_ || sh.sh_type == SHT_NOBITS_ || sh.sh_size == 0)
			continue;
		end = sh.sh_offset > UINT64_MAX - sh.sh_size ? UINT64_MAX : sh.sh_offset + sh.sh_size;
		if (end > im->size) {
			if (!beyond)
				elf_report_add(r, ELF_R_SECTION_BEYOND_EOF, SEV_MEDIUM,
					       "section %zu type %u sh_offset=0x%llx sh_size=0x%llx "
					       "> file size %llu", elf_ndxscn(scn), sh.sh_type,
					       (unsigned long long)sh.sh_offset,
					       (unsigned long long)sh.sh_size,
					       (unsigned long long)im->size);
			beyond = true;
			continue;
		}
		if (end > sc->max_end)
			sc->max_end = end;
		if (sh.sh_offset < elf_raw_ehdr_size(im->e.cls) && !overlap) {
			elf_report_add(r, ELF_R_SECTION_OVERLAPS_HEADER, SEV_MEDIUM,
				       "section %zu type %u sh_offset=0x%llx inside the ELF header",
				       elf_ndxscn(scn), sh.sh_type, (unsigned long long)sh.sh_offset);
			overlap = true;
		}
		if ((sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) == (SHF_ALLOC | SHF_EXECINSTR)) {
			sc->has_exec_sections = true;
			if (im->e.entry >= sh.sh_addr && im->e.entry - sh.sh_addr < sh.sh_size)
				sc->entry_in_exec_section = true;
		}
	}
}

/* Map a virtual address through the stored PT_LOADs to a snapshot offset; false if unmapped. */
static bool sec_vaddr_off(const struct elf_image *im, const struct elf_scan *sc, uint64_t va,
			  uint64_t *ret_off)
{
	for (unsigned i = 0; i < sc->nloads; i++) {
		const struct elf_raw_phdr *p = &sc->loads[i];

		if (va >= p->vaddr && va - p->vaddr < p->filesz &&
		    p->offset <= UINT64_MAX - (va - p->vaddr) && p->offset + (va - p->vaddr) < im->len) {
			*ret_off = p->offset + (va - p->vaddr);
			return true;
		}
	}
	return false;
}

static void sec_dynamic(const struct elf_image *im, Elf *elf, struct elf_scan *sc,
			struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	uint64_t strtab = 0, soname = 0, off;
	bool has_strtab = false, has_soname = false;
	size_t cnt, dsz = elf_raw_dyn_size(im->e.cls);
	Elf_Data *d;

	if (!f->has_dynamic || sc->dyn_filesz < dsz || sc->dyn_off > im->len ||
	    sc->dyn_filesz > im->len - sc->dyn_off)
		return;
	cnt = (size_t)(sc->dyn_filesz / dsz);
	if (cnt > SEC_MAX_DYN)
		cnt = SEC_MAX_DYN;
	elf_image_need((struct elf_image *)im, sc->dyn_off, cnt * dsz);
	d = elf_getdata_rawchunk(elf, (int64_t)sc->dyn_off, cnt * dsz, ELF_T_DYN);
	if (!d)
		return;
	for (size_t i = 0; i < cnt; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_NEEDED)
			f->has_needed = true;
		else if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			f->pie_flag = true;
		else if (dyn.d_tag == DT_STRTAB) {
			strtab = dyn.d_un.d_ptr;
			has_strtab = true;
		} else if (dyn.d_tag == DT_SONAME) {
			soname = dyn.d_un.d_val;
			has_soname = true;
		}
	}
	if (has_strtab && has_soname && soname < im->len &&
	    sec_vaddr_off(im, sc, strtab, &off) && soname < im->len - off) {
		const uint8_t *s = im->b + off + soname;

		elf_image_need((struct elf_image *)im, off + soname, sizeof(f->soname));
		size_t max = im->len - off - soname, n;

		if (max > sizeof(f->soname) - 1)
			max = sizeof(f->soname) - 1;
		for (n = 0; n < max && s[n]; n++)
			;
		memcpy(f->soname, s, n);
		f->soname[n] = '\0';
	}
}

void elf_sections_scan(struct elf_image *im, struct elf_scan *sc, struct elf_report *r)
{
	bool walk = sec_raw_checks(im, sc, r);
	size_t phn = 0, shn = 0;
	uint8_t c4 = im->b[4], c5 = im->b[5];
	Elf *elf;

	if (im->e.class_flip || im->e.data_flip || (im->b[4] != 1 && im->b[4] != 2) ||
	    (im->b[5] != 1 && im->b[5] != 2)) {
		/* Our private copy: let libelf read what the kernel reads. */
		im->b[4] = (uint8_t)im->e.cls;
		im->b[5] = (uint8_t)im->e.data;
	}
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)im->b, im->len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (!r->facts.partial)
			elf_report_add(r, ELF_R_MALFORMED, SEV_MEDIUM, "libelf: %s",
				       elf_errmsg(-1));
		goto out;
	}
	{
		GElf_Ehdr eh;
		bool bad = false;

		bad = !gelf_getehdr(elf, &eh) ||
		      (im->e.type != 1 && im->phnum && elf_getphdrnum(elf, &phn) != 0 &&
		       !elf_report_has(r, ELF_R_PHT_BEYOND_EOF) &&
		       !elf_report_has(r, ELF_R_PHENTSIZE_INVALID)) ||
		      (elf_getshdrnum(elf, &shn) != 0 && !elf_report_has(r, ELF_R_SHT_BEYOND_EOF));
		if (bad && !r->facts.partial) {
			elf_report_add(r, ELF_R_MALFORMED, SEV_MEDIUM, "libelf: %s", elf_errmsg(-1));
			goto out;
		}
		r->facts.libelf_ok = !bad;
	}
	r->facts.shnum = (uint32_t)(shn > UINT32_MAX ? UINT32_MAX : shn);
	r->facts.has_sections = shn > 0;
	if (walk && shn && !r->facts.partial)
		sec_walk(im, elf, sc, r);
	sec_dynamic(im, elf, sc, r);
out:
	elf_end(elf);
	im->b[4] = c4; /* the snapshot is hashed later: give it back its own bytes */
	im->b[5] = c5;
}
