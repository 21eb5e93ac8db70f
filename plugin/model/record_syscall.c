/* record_syscall: syscall numbers to names and to the kinds of event elfwatch handles
 * (record.h: rec_syscall_name, rec_syscall_kind, rec_syscall_names), through libaudit's
 * tables and a small cache. */
#include "model/record.h"

#include <stdint.h>
#include <string.h>

#include <libaudit.h>

struct syscall_cache_entry {
	uint32_t arch;
	long nr;
	enum rec_kind kind;
	const char *name;
};

static const struct {
	const char *name;
	enum rec_kind kind;
} syscall_kinds[] = {
	{ "execve", REC_EXEC }, { "execveat", REC_EXEC },
	{ "open", REC_OPEN }, { "openat", REC_OPEN }, { "openat2", REC_OPEN }, { "creat", REC_OPEN },
	{ "rename", REC_RENAME }, { "renameat", REC_RENAME }, { "renameat2", REC_RENAME },
	{ "link", REC_LINK }, { "linkat", REC_LINK },
	{ "chmod", REC_CHMOD }, { "fchmod", REC_CHMOD }, { "fchmodat", REC_CHMOD },
	{ "fchmodat2", REC_CHMOD },
};

const char *const rec_syscall_names[] = {
	"execve", "execveat", "open", "openat", "openat2", "creat", "rename", "renameat",
	"renameat2", "link", "linkat", "chmod", "fchmod", "fchmodat", "fchmodat2", NULL
};

const char *rec_syscall_name(uint32_t arch, long nr)
{
	int machine = audit_elf_to_machine(arch);
	const char *name;

	if (machine < 0 || nr < 0 || nr > INT32_MAX)
		return NULL;
	name = audit_syscall_to_name((int)nr, machine);
	/* Newer than libaudit 3.0.9 (Debian 12); one number on every arch since 5.x. */
	if (!name && nr == 452 &&
	    (machine == MACH_86_64 || machine == MACH_X86 || machine == MACH_AARCH64))
		name = "fchmodat2";
	return name;
}

enum rec_kind rec_syscall_kind(uint32_t arch, long nr, const char **ret_name)
{
	/* A handful of (arch, nr) pairs covers a host; the lookup in libaudit is a search by
	 * number over a generated table, so it runs once per pair. Not thread-safe by design:
	 * one worker thread extracts records. */
	static struct syscall_cache_entry cache[64];
	static unsigned used, next;
	const char *name;
	enum rec_kind kind = REC_OTHER;
	const char *known = NULL;
	unsigned i;

	for (i = 0; i < used; i++) {
		if (cache[i].arch == arch && cache[i].nr == nr) {
			*ret_name = cache[i].name;
			return cache[i].kind;
		}
	}
	name = rec_syscall_name(arch, nr);
	for (i = 0; name && i < sizeof(syscall_kinds) / sizeof(syscall_kinds[0]); i++) {
		if (strcmp(name, syscall_kinds[i].name) == 0) {
			kind = syscall_kinds[i].kind;
			known = syscall_kinds[i].name;
		}
	}
	i = used < 64 ? used++ : next++ % 64;
	cache[i] = (struct syscall_cache_entry){ arch, nr, kind, known };
	*ret_name = known;
	return kind;
}
