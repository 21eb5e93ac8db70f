/* elf_raw: bounds-checked readers for ELF fields in either byte order, and the decoded ELF header
 * as the raw bytes say it (before libelf has a chance to "repair" anything). Every reader takes the
 * buffer length and returns 0 for bytes that are not there, so callers check ranges first and a
 * missed check degrades to a wrong value, never to an out-of-bounds read. */
#ifndef ELFWATCH_ELF_RAW_H
#define ELFWATCH_ELF_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_RAW_LSB 1 /* ELFDATA2LSB */
#define ELF_RAW_MSB 2 /* ELFDATA2MSB */
#define ELF_RAW_C32 1 /* ELFCLASS32 */
#define ELF_RAW_C64 2 /* ELFCLASS64 */

static inline uint16_t elf_raw_u16(const uint8_t *b, size_t len, uint64_t off, int data)
{
	if (off > len || len - off < 2)
		return 0;
	b += off;
	return data == ELF_RAW_MSB ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static inline uint32_t elf_raw_u32(const uint8_t *b, size_t len, uint64_t off, int data)
{
	if (off > len || len - off < 4)
		return 0;
	b += off;
	if (data == ELF_RAW_MSB)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static inline uint64_t elf_raw_u64(const uint8_t *b, size_t len, uint64_t off, int data)
{
	uint64_t hi, lo;

	if (off > len || len - off < 8)
		return 0;
	hi = elf_raw_u32(b, len, off + (data == ELF_RAW_MSB ? 0 : 4), data);
	lo = elf_raw_u32(b, len, off + (data == ELF_RAW_MSB ? 4 : 0), data);
	return hi << 32 | lo;
}

/* A class-sized word: u32 for ELF32, u64 for ELF64. */
static inline uint64_t elf_raw_word(const uint8_t *b, size_t len, uint64_t off, int cls, int data)
{
	return cls == ELF_RAW_C64 ? elf_raw_u64(b, len, off, data) : elf_raw_u32(b, len, off, data);
}

/* Sizes the ELF specification fixes per class. */
static inline unsigned elf_raw_ehdr_size(int cls) { return cls == ELF_RAW_C64 ? 64 : 52; }
static inline unsigned elf_raw_phdr_size(int cls) { return cls == ELF_RAW_C64 ? 56 : 32; }
static inline unsigned elf_raw_shdr_size(int cls) { return cls == ELF_RAW_C64 ? 64 : 40; }
static inline unsigned elf_raw_dyn_size(int cls) { return cls == ELF_RAW_C64 ? 16 : 8; }

/* The ELF header decoded with the class and byte order that make it self-consistent (see
 * elf_ident_decode); decl_* keep what e_ident claims. */
struct elf_raw_ehdr {
	uint8_t ident[16];
	int decl_class, decl_data; /* e_ident[EI_CLASS], e_ident[EI_DATA] as written */
	int cls, data;             /* effective ELF_RAW_C32/C64, ELF_RAW_LSB/MSB */
	bool class_flip, data_flip;
	uint16_t type, machine;
	uint32_t version, flags;
	uint64_t entry, phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

/* One program header, widened. */
struct elf_raw_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* Decode program header i of the table at e->phoff from b[0..len). false if it is not all there. */
bool elf_raw_phdr_get(const uint8_t *b, size_t len, const struct elf_raw_ehdr *e, unsigned i,
		      struct elf_raw_phdr *ret);

#endif
