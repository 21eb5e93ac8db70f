/* elf_ident: decode the ELF header from raw bytes, resolving a flipped EI_CLASS or EI_DATA the way
 * the kernel effectively does (it never reads them: it trusts e_machine and e_phentsize), and judge
 * the e_ident bytes and header sizes. */
#ifndef ELFWATCH_ELF_IDENT_H
#define ELFWATCH_ELF_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "elf/elf_raw.h"

struct elf_report;

/* True if b[0..len) starts with the ELF magic. */
bool elf_ident_is_elf(const uint8_t *b, size_t len);

/* Decode the header in b[0..len) (len may exceed the header). Picks the class/byte order under
 * which the header is self-consistent, preferring the declared one. 0, -ENOEXEC (no ELF magic) or
 * -EBADMSG (too short, or no reading is consistent). *ret is filled on 0 only. */
int elf_ident_decode(const uint8_t *b, size_t len, struct elf_raw_ehdr *ret);

/* Add ident/header findings (ident_invalid, class_flip, byte_order_flip, version_tampered,
 * ident_padding, ehsize_invalid, phentsize_invalid, shentsize_invalid) to r. */
void elf_ident_check(const struct elf_raw_ehdr *e, struct elf_report *r);

#endif
