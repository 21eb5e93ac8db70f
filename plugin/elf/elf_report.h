/* elf_report: what the ELF engine says about one file: facts, and findings that each carry a
 * stable reason code (docs/elf-reasons.md), a severity and the raw values behind it. Plain data,
 * fixed size, no pointers into the inspected image: safe to copy, queue and format later. */
#ifndef ELFWATCH_ELF_REPORT_H
#define ELFWATCH_ELF_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/severity.h"

struct strbuf;

/* Reason codes. Append only: the names are the stable interface, the numbers are not. */
enum elf_reason {
	ELF_R_FOREIGN_ARCH,        /* A1/A5 */
	ELF_R_COMPAT_ARCH,         /* A2 */
	ELF_R_FOREIGN_OSABI,       /* A3 */
	ELF_R_IDENT_INVALID,       /* B1 */
	ELF_R_CLASS_FLIP,          /* B2 */
	ELF_R_BYTE_ORDER_FLIP,     /* B3 */
	ELF_R_VERSION_TAMPERED,    /* B4 */
	ELF_R_IDENT_PADDING,       /* B5 */
	ELF_R_EHSIZE_INVALID,      /* B6 */
	ELF_R_PHENTSIZE_INVALID,   /* B7 */
	ELF_R_SHENTSIZE_INVALID,   /* B8 */
	ELF_R_SHT_BEYOND_EOF,      /* C1 */
	ELF_R_SHOFF_WITHOUT_SECTIONS, /* C2 */
	ELF_R_BAD_SHSTRNDX,        /* C3 */
	ELF_R_NO_SECTION_HEADERS,  /* C4 */
	ELF_R_SECTION_BEYOND_EOF,  /* C5 */
	ELF_R_SECTION_OVERLAPS_HEADER, /* C6 */
	ELF_R_ENTRY_NOT_IN_TEXT,   /* C7 */
	ELF_R_PHT_BEYOND_EOF,      /* D1 */
	ELF_R_PHT_OVERLAPS_EHDR,   /* D2 */
	ELF_R_LOAD_BEYOND_EOF,     /* D3 */
	ELF_R_SEGMENT_BEYOND_EOF,  /* D4 */
	ELF_R_NO_LOAD,             /* D5 */
	ELF_R_RWX_LOAD,            /* D6 */
	ELF_R_EXEC_STACK,          /* D7 */
	ELF_R_SELF_UNPACKING_LOAD, /* D8 */
	ELF_R_ENTRY_OUTSIDE_CODE,  /* D9 */
	ELF_R_BAD_INTERP,          /* D10 */
	ELF_R_EXEC_WITHOUT_INTERP, /* D11 */
	ELF_R_DYN_WITHOUT_DYNAMIC, /* D12 */
	ELF_R_TOO_MANY_PHDRS,      /* D13 */
	ELF_R_UPX_PACKED,          /* E1 */
	ELF_R_UPX_MAGIC_SCRUBBED,  /* E2 */
	ELF_R_UPX_STUB,            /* E3 */
	ELF_R_HIGH_ENTROPY,        /* E4 */
	ELF_R_PACKED_SHAPE,        /* generic packer shape (catalog §9 scoring suggestion) */
	ELF_R_MALFORMED,           /* F1 */
	ELF_R_OVERLAY,             /* F2 */
	ELF_R_EMBEDDED_ELF,        /* F3 */
	ELF_R_COUNT
};

/* Name ("foreign_arch"...) of a reason code; "unknown" when out of range. */
const char *elf_reason_name(enum elf_reason r);
/* True for reasons no file shape (debuginfo, object, core) may silence: tampering no toolchain
 * produces. */
bool elf_reason_structural(enum elf_reason r);

enum elf_arch_status {
	ELF_ARCH_UNKNOWN = 0,
	ELF_ARCH_NATIVE,   /* runs on this kernel as is */
	ELF_ARCH_COMPAT,   /* i386/x32 on x86-64 and the like: the kernel may or may not run it */
	ELF_ARCH_FOREIGN,  /* not for this CPU (an enabled binfmt_misc emulator may still run it) */
};
const char *elf_arch_status_name(enum elf_arch_status s);

#define ELF_DETAIL_MAX 200
#define ELF_REPORT_MAX_FINDINGS 32
#define ELF_STR_MAX 128

struct elf_finding {
	enum elf_reason code;
	enum severity severity;
	char detail[ELF_DETAIL_MAX]; /* raw values, "e_shoff=0x... size=..." (may hold file bytes) */
};

struct elf_facts {
	bool is_elf;            /* ELF magic present; nothing below is meaningful otherwise */
	bool header_ok;         /* the header decoded under some class/byte order */
	bool libelf_ok;         /* libelf accepted the (ident-corrected) image */
	bool partial;           /* file larger than the snapshot limit: only its head was judged */
	bool changed;           /* the file kept changing while it was read: judged on what was
				 * read (partial too) */
	uint64_t size;          /* file size from fstat (or the buffer length) */
	bool hashed;
	char sha256[65];        /* lowercase hex, "" unless hashed */
	uint8_t ei_class, ei_data, ei_version, osabi, abiversion; /* e_ident as written */
	int cls, data;          /* effective class (32/64) and byte order (1 LSB, 2 MSB) */
	uint16_t type, machine;
	const char *machine_name; /* static string */
	uint32_t version, flags;
	uint64_t entry, phoff, shoff;
	uint16_t ehsize, phentsize, phnum_raw, shentsize, shnum_raw, shstrndx_raw;
	uint32_t phnum;         /* after PN_XNUM resolution */
	uint32_t shnum;         /* as libelf sees it (0 when it gave up) */
	unsigned n_load, n_load_x, n_load_w;
	bool has_interp, has_dynamic, has_gnu_stack, stack_exec, has_sections;
	char interp[ELF_STR_MAX]; /* PT_INTERP (NUL-terminated, may be cut) */
	char soname[ELF_STR_MAX]; /* DT_SONAME */
	bool has_needed, pie_flag; /* DT_NEEDED present, DF_1_PIE set */
	bool loader, exec_candidate, library, object, core, debuginfo, appimage;
	enum elf_arch_status arch;
	char emulator[ELF_STR_MAX]; /* binfmt_misc interpreter that would run a foreign file */
	double entropy;          /* bits/byte of the whole snapshot, < 0 when not computed */
	uint64_t overlay;        /* bytes past the last header/section/segment end */
};

struct elf_report {
	struct elf_facts facts;
	unsigned nfindings;
	bool findings_truncated;
	struct elf_finding findings[ELF_REPORT_MAX_FINDINGS];
};

/* Reset r to "nothing known": no findings, entropy not computed. */
void elf_report_init(struct elf_report *r);
/* Record a finding (detail printf-style); extra findings past the cap set findings_truncated. */
void elf_report_add(struct elf_report *r, enum elf_reason code, enum severity sev, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
/* True if r already holds a finding with this code. */
bool elf_report_has(const struct elf_report *r, enum elf_reason code);
/* Highest finding severity; SEV_INFO when there are none. */
enum severity elf_report_severity(const struct elf_report *r);
/* Append r as JSON object members (no braces): "severity":..,"elf":{facts},"findings":[..].
 * Every string from the file goes through strbuf_json_escape. */
void elf_report_json_members(const struct elf_report *r, struct strbuf *sb);
/* Append r as one JSON object {..}. */
void elf_report_json(const struct elf_report *r, struct strbuf *sb);

#endif
