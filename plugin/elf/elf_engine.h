/* elf_engine: internal interface between the ELF engine's modules (not for other callers; they
 * use elf_inspect.h). An elf_image is one bounded snapshot of a file plus its decoded header; an
 * elf_scan collects what the modules learn for the final verdict in elf_inspect.c. */
#ifndef ELFWATCH_ELF_ENGINE_H
#define ELFWATCH_ELF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "elf/elf_inspect.h"
#include "elf/elf_raw.h"
#include "elf/elf_report.h"

#define ELF_SCAN_MAX_LOADS 16

struct elf_image {
	uint8_t *b;       /* private snapshot of the file's first len bytes (ident may be corrected);
			   * with src set it is filled lazily, page by page, see elf_image_need */
	size_t len;       /* bytes of b that stand for the file (<= the allocation, fixed) */
	uint64_t size;    /* file size when the read began (>= len) */
	struct elf_raw_ehdr e;
	uint32_t phnum;   /* e_phnum, or section 0's sh_info under PN_XNUM */
	uint64_t shnum;   /* e_shnum, or section 0's sh_size when e_shnum is 0 */
	uint8_t tail[64]; /* last bytes of the file (UPX PackHeader), tail_len valid */
	size_t tail_len;
	const struct elf_source *src; /* source of lazy reads, or NULL when b is complete */
	bool short_read;  /* the file gave fewer bytes than it had: some pages stayed zero */
	/* The allocation, owned by elf_snapshot_* alone and fixed once made: how b is released
	 * never depends on a length that a changing file can move. */
	struct {
		uint8_t *mem;
		size_t cap;
		bool mapped;
		uint8_t *loaded; /* bitmap of loaded 4 KiB pages (lazy mode) */
	} snap;
};

/* Allocate a zeroed snapshot of len bytes for im (im->b, im->len); src (borrowed, may be NULL)
 * fills it lazily. 0 or -ENOMEM (nothing to free then). */
int elf_snapshot_alloc(struct elf_image *im, size_t len, const struct elf_source *src);
/* Release what elf_snapshot_alloc made; im->b is NULL afterwards. Safe to call twice. */
void elf_snapshot_free(struct elf_image *im);
/* Read up to n bytes at off straight from src into buf (not through the snapshot): bytes read
 * (short at end of file) or -errno; a source that claims more than n is an error (-EIO). */
ssize_t elf_snapshot_pread(const struct elf_source *src, void *buf, size_t n, uint64_t off);

/* Make sure b[off, off+n) (clamped to len) holds the file's bytes; false if not available.
 * Modules call it before reading any range beyond the first 16 KiB. */
bool elf_image_need(struct elf_image *im, uint64_t off, uint64_t n);

struct elf_scan {
	bool pht_ok;                 /* the program header table was parsed */
	unsigned nloads;             /* stored in loads[] (at most ELF_SCAN_MAX_LOADS) */
	struct elf_raw_phdr loads[ELF_SCAN_MAX_LOADS];
	uint64_t dyn_off, dyn_filesz;
	uint64_t max_end;            /* furthest byte any header, section or segment claims */
	bool interp_malformed;
	bool self_unpacking;
	bool no_section_headers;
	bool has_exec_sections;      /* some SHF_ALLOC|SHF_EXECINSTR section exists */
	bool entry_in_exec_section;
};

/* Resolve PN_XNUM and extended section numbering from section 0 into im->phnum/shnum. */
void elf_sections_counts(struct elf_image *im);
/* Program headers: facts (loads, interp, dynamic, stack) and the header-only segment findings
 * (pht_*, *_beyond_eof, rwx_load, self_unpacking_load, too_many_phdrs). */
void elf_segments_scan(const struct elf_image *im, struct elf_scan *sc, struct elf_report *r);
/* Findings that depend on whether the file is an executable candidate (entry, interpreter). */
void elf_segments_verdict(const struct elf_image *im, const struct elf_scan *sc,
			  struct elf_report *r);
/* Section header table: raw checks, then libelf's view (the only libelf user with elf_inspect):
 * section facts and findings, dynamic entries (DT_SONAME, DT_NEEDED, DF_1_PIE). */
void elf_sections_scan(struct elf_image *im, struct elf_scan *sc, struct elf_report *r);
/* UPX and generic packer shapes, entropy, overlay, embedded ELF. */
void elf_packer_scan(const struct elf_image *im, struct elf_scan *sc, struct elf_report *r);
/* Shannon entropy in bits per byte of b[0..len). */
double elf_entropy(const uint8_t *b, size_t len);

#endif
