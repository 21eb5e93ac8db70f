/* elf_segments: the program header table read raw, the way the kernel reads it. */
#include <fnmatch.h>
#include <string.h>

#include "elf/elf_engine.h"
#include "elf/elf_inspect.h"

#define PT_LOAD_ 1
#define PT_DYNAMIC_ 2
#define PT_INTERP_ 3
#define PT_GNU_STACK_ 0x6474e551u
#define PF_X_ 1u
#define PF_W_ 2u
#define PF_R_ 4u
#define SEG_MAX_PHT 65536u        /* the kernel's limit on the table size */
#define SEG_INTERP_MAX 4096u      /* PATH_MAX */

static const char *seg_flags(uint32_t f, char out[4])
{
	out[0] = f & PF_R_ ? 'R' : '-';
	out[1] = f & PF_W_ ? 'W' : '-';
	out[2] = f & PF_X_ ? 'X' : '-';
	out[3] = '\0';
	return out;
}

/* End of [off, off+len) or UINT64_MAX on overflow. */
static uint64_t seg_end(uint64_t off, uint64_t len)
{
	return off > UINT64_MAX - len ? UINT64_MAX : off + len;
}

static void seg_interp(const struct elf_image *im, const struct elf_raw_phdr *p,
		       struct elf_scan *sc, struct elf_report *r)
{
	struct elf_facts *f = &r->facts;
	size_t n;

	f->has_interp = true;
	if (p->filesz == 0 || p->filesz > SEG_INTERP_MAX || p->offset >= im->len ||
	    p->filesz > im->len - p->offset) {
		sc->interp_malformed = true;
		return;
	}
	n = (size_t)p->filesz;
	elf_image_need((struct elf_image *)im, p->offset, n);
	if (im->b[p->offset + n - 1] != '\0' || memchr(im->b + p->offset, '\0', n) !=
	    im->b + p->offset + n - 1)
		sc->interp_malformed = true;
	if (n > sizeof(f->interp) - 1)
		n = sizeof(f->interp) - 1;
	memcpy(f->interp, im->b + p->offset, n);
	f->interp[n] = '\0';
}

void elf_segments_scan(const struct elf_image *im, struct elf_scan *sc, struct elf_report *r)
{
	const struct elf_raw_ehdr *e = &im->e;
	struct elf_facts *f = &r->facts;
	unsigned psz = elf_raw_phdr_size(e->cls), rwx = 0, first_load = 1;
	uint64_t tbl, n, beyond_load = 0, beyond_other = 0;
	struct elf_raw_phdr p;
	char fl[4];

	if (im->phnum == 0 || e->phentsize != psz)
		return;
	tbl = (uint64_t)im->phnum * psz;
	if (e->phoff > 0 && e->phoff < elf_raw_ehdr_size(e->cls))
		elf_report_add(r, ELF_R_PHT_OVERLAPS_EHDR, SEV_HIGH,
			       "e_phoff=%llu < e_ehsize %u (program headers overlap the ELF header)",
			       (unsigned long long)e->phoff, elf_raw_ehdr_size(e->cls));
	if (tbl > SEG_MAX_PHT)
		elf_report_add(r, ELF_R_TOO_MANY_PHDRS, SEV_LOW,
			       "e_phnum=%u x %u bytes > %u (the kernel refuses to load it)",
			       im->phnum, psz, SEG_MAX_PHT);
	if (e->phoff > im->size || tbl > im->size - e->phoff) {
		elf_report_add(r, ELF_R_PHT_BEYOND_EOF, SEV_HIGH,
			       "e_phoff=%llu + e_phnum=%u x e_phentsize=%u > file size %llu",
			       (unsigned long long)e->phoff, im->phnum, e->phentsize,
			       (unsigned long long)im->size);
		return;
	}
	if (seg_end(e->phoff, tbl) > sc->max_end)
		sc->max_end = seg_end(e->phoff, tbl);
	n = im->phnum < SEG_MAX_PHT / psz ? im->phnum : SEG_MAX_PHT / psz;
	elf_image_need((struct elf_image *)im, e->phoff, n * psz);
	sc->pht_ok = true;
	for (unsigned i = 0; i < n; i++) {
		uint64_t end;

		if (!elf_raw_phdr_get(im->b, im->len, e, i, &p)) {
			sc->pht_ok = false; /* beyond the snapshot (partial file) */
			break;
		}
		end = seg_end(p.offset, p.filesz);
		if (p.type != 0 && p.filesz && end > im->size) {
			if (p.type == PT_LOAD_ && !beyond_load++)
				elf_report_add(r, ELF_R_LOAD_BEYOND_EOF, SEV_HIGH,
					       "phdr[%u] PT_LOAD p_offset=0x%llx p_filesz=0x%llx > "
					       "file size %llu", i, (unsigned long long)p.offset,
					       (unsigned long long)p.filesz,
					       (unsigned long long)im->size);
			else if (p.type != PT_LOAD_ && !beyond_other++)
				elf_report_add(r, ELF_R_SEGMENT_BEYOND_EOF, SEV_HIGH,
					       "phdr[%u] p_type=0x%x p_offset=0x%llx p_filesz=0x%llx "
					       "> file size %llu", i, p.type,
					       (unsigned long long)p.offset,
					       (unsigned long long)p.filesz,
					       (unsigned long long)im->size);
		} else if (p.type != 0 && p.filesz && end > sc->max_end) {
			sc->max_end = end;
		}
		switch (p.type) {
		case PT_LOAD_:
			f->n_load++;
			if (p.flags & PF_X_)
				f->n_load_x++;
			if (p.flags & PF_W_)
				f->n_load_w++;
			if ((p.flags & 7) == 7)
				rwx++;
			if (sc->nloads < ELF_SCAN_MAX_LOADS)
				sc->loads[sc->nloads++] = p;
			if (p.filesz && p.filesz <= p.memsz / 4 && p.memsz - p.filesz > 65536 &&
			    ((p.flags & PF_X_) || (first_load && p.offset == 0 && p.filesz <= 0x1000))) {
				if (!sc->self_unpacking)
					elf_report_add(r, ELF_R_SELF_UNPACKING_LOAD, SEV_MEDIUM,
						       "phdr[%u] PT_LOAD %s p_offset=0x%llx "
						       "p_filesz=0x%llx p_memsz=0x%llx", i,
						       seg_flags(p.flags, fl),
						       (unsigned long long)p.offset,
						       (unsigned long long)p.filesz,
						       (unsigned long long)p.memsz);
				sc->self_unpacking = true;
			}
			first_load = 0;
			break;
		case PT_INTERP_:
			if (!f->has_interp)
				seg_interp(im, &p, sc, r);
			break;
		case PT_DYNAMIC_:
			if (!f->has_dynamic) {
				f->has_dynamic = true;
				sc->dyn_off = p.offset;
				sc->dyn_filesz = p.filesz;
			}
			break;
		case PT_GNU_STACK_:
			f->has_gnu_stack = true;
			f->stack_exec = (p.flags & PF_X_) != 0;
			break;
		default:
			break;
		}
	}
	if (rwx)
		elf_report_add(r, ELF_R_RWX_LOAD, f->n_load == 1 ? SEV_HIGH : SEV_MEDIUM,
			       "%u of %u PT_LOAD segments are RWX", rwx, f->n_load);
	if (sc->pht_ok && f->n_load == 0 && (e->type == 2 || e->type == 3))
		elf_report_add(r, ELF_R_NO_LOAD, SEV_MEDIUM, "e_type=%u with %u program headers, "
			       "no PT_LOAD", e->type, im->phnum);
	if (sc->pht_ok && e->type == 3 && f->n_load && !f->has_dynamic && !f->has_interp)
		elf_report_add(r, ELF_R_DYN_WITHOUT_DYNAMIC, SEV_HIGH,
			       "ET_DYN with %u PT_LOAD, no PT_DYNAMIC and no PT_INTERP", f->n_load);
}

/* Interpreter paths a distribution or a known store installs; anything else is odd. */
static bool seg_interp_allowed(const char *path)
{
	static const char *const dirs[] = {
		"/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64", "/usr/lib32",
		"/usr/libx32", "/lib/*-linux-gnu*", "/usr/lib/*-linux-gnu*",
	};
	const char *slash = strrchr(path, '/');
	char dir[ELF_STR_MAX];
	size_t dl;

	if (!slash || path[0] != '/' || strstr(path, "/../") || strstr(path, "/./"))
		return false;
	if (!elf_loader_soname_match(slash + 1))
		return false;
	if (!strncmp(path, "/nix/store/", 11) || !strncmp(path, "/gnu/store/", 11))
		return true;
	dl = (size_t)(slash - path);
	if (dl >= sizeof(dir))
		return false;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (fnmatch(dirs[i], dir, FNM_PATHNAME) == 0)
			return true;
	return false;
}

void elf_segments_verdict(const struct elf_image *im, const struct elf_scan *sc,
			  struct elf_report *r)
{
	const struct elf_facts *f = &r->facts;
	uint64_t entry = im->e.entry;
	char fl[4];

	if (f->has_interp && (sc->interp_malformed || !seg_interp_allowed(f->interp)))
		elf_report_add(r, ELF_R_BAD_INTERP, SEV_MEDIUM, "PT_INTERP \"%s\"%s", f->interp,
			       sc->interp_malformed ? " (empty, unterminated, too long or beyond EOF)"
						    : " not a known loader path");
	if (im->e.type == 2 && f->has_dynamic && f->has_needed && !f->has_interp)
		elf_report_add(r, ELF_R_EXEC_WITHOUT_INTERP, SEV_MEDIUM,
			       "ET_EXEC with PT_DYNAMIC and DT_NEEDED but no PT_INTERP");
	if (f->exec_candidate && f->stack_exec)
		elf_report_add(r, ELF_R_EXEC_STACK, SEV_LOW, "PT_GNU_STACK p_flags has PF_X");
	/* Entry point: only meaningful for files the kernel would start. */
	if (!sc->pht_ok || !(im->e.type == 2 || (im->e.type == 3 && entry != 0)) ||
	    sc->nloads == 0 || f->n_load > ELF_SCAN_MAX_LOADS)
		return;
	for (unsigned i = 0; i < sc->nloads; i++) {
		const struct elf_raw_phdr *p = &sc->loads[i];

		if (entry < p->vaddr || entry - p->vaddr >= p->memsz)
			continue;
		if (!(p->flags & PF_X_))
			elf_report_add(r, ELF_R_ENTRY_OUTSIDE_CODE, SEV_HIGH,
				       "e_entry=0x%llx in PT_LOAD %s [0x%llx,+0x%llx) without PF_X",
				       (unsigned long long)entry, seg_flags(p->flags, fl),
				       (unsigned long long)p->vaddr, (unsigned long long)p->memsz);
		else if (entry - p->vaddr >= p->filesz)
			elf_report_add(r, ELF_R_ENTRY_OUTSIDE_CODE, SEV_MEDIUM,
				       "e_entry=0x%llx past p_filesz=0x%llx of PT_LOAD at 0x%llx "
				       "(runs zero-filled memory)", (unsigned long long)entry,
				       (unsigned long long)p->filesz, (unsigned long long)p->vaddr);
		return;
	}
	elf_report_add(r, ELF_R_ENTRY_OUTSIDE_CODE, SEV_HIGH,
		       "e_entry=0x%llx not inside any of %u PT_LOAD segments",
		       (unsigned long long)entry, f->n_load);
}
