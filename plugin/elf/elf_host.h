/* elf_host: which ELF files this machine runs natively, maybe (compat), or only through a
 * binfmt_misc emulator. Built once from the running system (uname, binfmt_misc) and then
 * passed to the engine by pointer; classification is a pure function. */
#ifndef ELFWATCH_ELF_HOST_H
#define ELFWATCH_ELF_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/elf_raw.h"
#include "elf/elf_report.h"

struct elf_host_arch {
	uint16_t machine;
	uint8_t cls, data; /* ELF_RAW_C32/C64, ELF_RAW_LSB/MSB */
};

#define ELF_HOST_MAX_COMPAT 4
#define ELF_HOST_MAX_BINFMT 32
#define ELF_BINFMT_MAGIC_MAX 128

struct elf_binfmt {
	char name[64];
	char interpreter[128];
	bool enabled;
	uint32_t offset;
	size_t len;
	uint8_t magic[ELF_BINFMT_MAGIC_MAX], mask[ELF_BINFMT_MAGIC_MAX];
};

struct elf_host {
	char uname_machine[32];
	struct elf_host_arch native;
	struct elf_host_arch compat[ELF_HOST_MAX_COMPAT];
	unsigned ncompat;
	bool binfmt_enabled;
	unsigned nbinfmt;
	struct elf_binfmt binfmt[ELF_HOST_MAX_BINFMT];
};

/* Model for a kernel whose uname(2) machine is `machine` ("x86_64", "aarch64", ...); an unknown
 * name falls back to the architecture this program was compiled for. No binfmt entries. */
void elf_host_for_machine(struct elf_host *h, const char *machine);
/* Model of the running system: uname(2) plus the binfmt_misc entries under binfmt_dir
 * (normally "/proc/sys/fs/binfmt_misc"; NULL to skip). Never fails: unreadable parts are left out. */
void elf_host_detect(struct elf_host *h, const char *binfmt_dir);
/* Parse one binfmt_misc entry file's text (pure). 0, or -EINVAL for extension entries and junk. */
int elf_host_parse_binfmt(const char *text, struct elf_binfmt *ret);
/* Native/compat/foreign for the decoded header; *ret_emulator (may be NULL) gets the interpreter
 * of an enabled binfmt_misc entry matching b[0..len), or NULL. */
enum elf_arch_status elf_host_classify(const struct elf_host *h, const struct elf_raw_ehdr *e,
				       const uint8_t *b, size_t len, const char **ret_emulator);
/* Human name of an e_machine value ("x86-64", "AArch64"...); "unknown" if not in the table. */
const char *elf_machine_name(uint16_t machine);

#endif
