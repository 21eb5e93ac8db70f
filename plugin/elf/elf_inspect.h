/* elf_inspect: the ELF inspection engine, elfwatch's only libelf user. Judges one file (an fd from
 * safefile_open, or a buffer) and returns facts plus findings with stable reason codes
 * (docs/elf-reasons.md). Nothing here logs, exits or keeps global state. */
#ifndef ELFWATCH_ELF_INSPECT_H
#define ELFWATCH_ELF_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>

#include "elf/elf_host.h"
#include "elf/elf_report.h"

/* Resource limits and caller knowledge for one inspection. */
struct elf_limits {
	uint64_t read_max;  /* bytes of the file snapshotted (bigger files: head only, partial) */
	uint64_t hash_max;  /* SHA-256 only for files up to this size; 0 = never hash */
	bool hash_flagged_only; /* hash only files with a finding >= low (saves reading the
				 * whole of every clean file) */
	bool exec_hint;     /* caller knows the file is meant to run (mode gained +x, exec-capable
			     * temp dir): every ET_DYN counts as an executable candidate */
};

/* Defaults: 64 MiB snapshot, hash up to 64 MiB, no exec hint. */
void elf_limits_default(struct elf_limits *l);

/* Where the engine reads a file from. The live plugin and --analyze read an fd; tests inject
 * files that change between two calls. A file may change at any moment: nothing the source
 * answers is trusted to stay true. */
struct elf_source {
	/* Up to n bytes at off into buf: bytes read (0 at end of file) or -errno. */
	ssize_t (*pread)(void *ctx, void *buf, size_t n, uint64_t off);
	/* The file's size now and a stamp that changes with its content (ctime in ns): the
	 * engine compares them before and after reading. 0 or -errno. */
	int (*stamp)(void *ctx, uint64_t *ret_size, int64_t *ret_stamp);
	void *ctx;
};

/* Judge the regular file open on fd (from safefile_open; st = its fstat). Reads with pread into a
 * private buffer of at most read_max bytes (never mmap: a file truncated under a mapping would
 * SIGBUS us), only the ranges the headers point at unless hashing or a packer-like shape needs
 * the whole file.
 * 0 with *ret filled (ret->facts.is_elf false for non-ELF files), or -errno on I/O errors
 * (-ENOMEM). host and lim are borrowed; lim may be NULL for defaults. */
int elf_inspect_fd(int fd, const struct stat *st, const struct elf_host *host,
		   const struct elf_limits *lim, struct elf_report *ret);

/* The same judgement on any source, whose size and stamp were size0/stamp0 when the caller
 * looked. The snapshot is private, bounded by read_max and never longer than size0. A file
 * that changes while it is read (short reads, another size or stamp afterwards) is read
 * again, three times in all; then an ELF is judged on what was read, with facts.changed and
 * facts.partial set, and anything else is -EAGAIN (not judged, never "not ELF"). 0 or -errno
 * (the source's errors, -EAGAIN, -ENOMEM). */
int elf_inspect_source(const struct elf_source *src, uint64_t size0, int64_t stamp0,
		       const struct elf_host *host, const struct elf_limits *lim,
		       struct elf_report *ret);

/* Judge an in-memory image b[0..len) of a file whose real size is file_size (>= len; larger
 * means only the head is known). Pure; b is only read (the engine works on a private copy).
 * 0 or -ENOMEM. */
int elf_inspect_buf(const void *b, size_t len, uint64_t file_size, const struct elf_host *host,
		    const struct elf_limits *lim, struct elf_report *ret);

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
