/* elf_inspect: the ELF inspection engine, elfwatch's only libelf user. Judges one file (an fd from
 * safefile_open, or a buffer) and returns facts plus findings with stable reason codes
 * (docs/elf-reasons.md). Nothing here logs, exits or keeps global state. */
#ifndef ELFWATCH_ELF_INSPECT_H
#define ELFWATCH_ELF_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Cheap loader identity check on an fd from safefile_open (st = its fstat): a dynamic loader is
 * ET_DYN, has no PT_INTERP, has PT_DYNAMIC whose DT_SONAME matches ld-linux*.so.*, ld-musl-*.so.1,
 * ld.so.*, ld64.so.* (also ld-*.so for old glibc). Reads the ELF header + program headers first
 * (bounded pread, no mmap) and bails early for ET_EXEC / PT_INTERP / no PT_DYNAMIC; only then reads
 * the dynamic segment and the soname string (bounded). Both classes and byte orders (a flipped
 * EI_CLASS/EI_DATA does not hide a loader: the header is read the way the kernel reads it).
 * Returns 1 loader, 0 not a loader (including non-ELF and malformed), negative errno on I/O error.
 * ret_soname (may be NULL) receives the soname, NUL-terminated, truncated to soname_cap; it is the
 * empty string when no soname was read. */
int elf_loader_identity(int fd, const struct stat *st, char *ret_soname, size_t soname_cap);

/* Same judgement on an in-memory image b[0..len) (pure; used by the engine and the fuzzer). */
int elf_loader_identity_buf(const unsigned char *b, size_t len, char *ret_soname,
			    size_t soname_cap);

/* True if a DT_SONAME names a dynamic loader (the patterns above). */
bool elf_loader_soname_match(const char *soname);

#endif
