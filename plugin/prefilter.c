#include "prefilter.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#define DROPPED_SLOTS 4096      /* recent events whose SYSCALL said "not ours" */
#define SYSCALL_CACHE 64

struct syscall_memo {
	uint32_t arch;
	long nr;
	bool keep;
	bool used;
};

struct prefilter {
	const char *const *syscalls;
	unsigned long dropped_serial[DROPPED_SLOTS];
	bool dropped_valid[DROPPED_SLOTS];
	struct syscall_memo memo[SYSCALL_CACHE];
	unsigned memo_next;
	struct prefilter_stats stats;
};

struct prefilter *prefilter_new(const char *const *syscalls)
{
	struct prefilter *pf = calloc(1, sizeof(*pf));

	if (pf)
		pf->syscalls = syscalls;
	return pf;
}

void prefilter_free(struct prefilter *pf)
{
	free(pf);
}

/* Record types that belong to the syscall events elfwatch judges. */
static bool type_wanted(const char *t, size_t n)
{
	static const char *const wanted[] = { "EXECVE", "CWD", "PATH", "PROCTITLE", "EOE",
					      "OPENAT2", "UNKNOWN[1337]" };

	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (strlen(wanted[i]) == n && memcmp(wanted[i], t, n) == 0)
			return true;
	return false;
}

static const char *find_field(const char *s, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = s; p + n <= end; p++) {
		p = memchr(p, name[0], (size_t)(end - p));
		if (!p || p + n > end)
			return NULL;
		if (memcmp(p, name, n) == 0 && (p == s || p[-1] == ' '))
			return p + n;
	}
	return NULL;
}

static bool parse_ulong(const char *p, const char *end, int base, unsigned long *ret)
{
	unsigned long v = 0;
	const char *start = p;

	for (; p < end; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (v > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			return false;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	*ret = v;
	return p > start;
}

static bool syscall_wanted(struct prefilter *pf, uint32_t arch, long nr)
{
	struct syscall_memo *m;
	const char *name;
	int machine;

	for (unsigned i = 0; i < SYSCALL_CACHE; i++)
		if (pf->memo[i].used && pf->memo[i].arch == arch && pf->memo[i].nr == nr)
			return pf->memo[i].keep;
	m = &pf->memo[pf->memo_next++ % SYSCALL_CACHE];
	m->arch = arch;
	m->nr = nr;
	m->used = true;
	m->keep = false;
	machine = audit_elf_to_machine(arch);
	name = machine >= 0 && nr <= INT32_MAX ? audit_syscall_to_name((int)nr, machine) : NULL;
	for (size_t i = 0; name && pf->syscalls[i]; i++)
		if (strcmp(name, pf->syscalls[i]) == 0)
			m->keep = true;
	return m->keep;
}

bool prefilter_keep(struct prefilter *pf, const char *line, size_t len)
{
	const char *end = line + len, *p = line, *type, *serial_at, *close;
	unsigned long serial, arch, nr;
	size_t tlen, slot;

	if (len >= 5 && memcmp(p, "node=", 5) == 0) {
		p = memchr(p, ' ', len);
		if (!p)
			goto malformed;
		p++;
	}
	if ((size_t)(end - p) < 5 || memcmp(p, "type=", 5) != 0)
		goto malformed;
	type = p + 5;
	p = memchr(type, ' ', (size_t)(end - type));
	if (!p)
		goto malformed;
	tlen = (size_t)(p - type);
	serial_at = find_field(p, end, "msg=audit(");
	close = serial_at ? memchr(serial_at, ')', (size_t)(end - serial_at)) : NULL;
	serial_at = close ? memchr(serial_at, ':', (size_t)(close - serial_at)) : NULL;
	if (!serial_at || !parse_ulong(serial_at + 1, close, 10, &serial))
		goto malformed;
	slot = serial % DROPPED_SLOTS;

	if (tlen == 7 && memcmp(type, "SYSCALL", 7) == 0) {
		const char *a = find_field(close, end, "arch=");
		const char *s = find_field(close, end, "syscall=");

		if (!a || !s || !parse_ulong(a, end, 16, &arch) || !parse_ulong(s, end, 10, &nr) ||
		    arch > UINT32_MAX || nr > INT32_MAX)
			goto malformed;
		if (syscall_wanted(pf, (uint32_t)arch, (long)nr)) {
			pf->stats.kept++;
			return true;
		}
		pf->dropped_serial[slot] = serial;
		pf->dropped_valid[slot] = true;
		pf->stats.dropped_syscall++;
		return false;
	}
	if (!type_wanted(type, tlen)) {
		pf->stats.dropped_type++;
		return false;
	}
	if (pf->dropped_valid[slot] && pf->dropped_serial[slot] == serial) {
		pf->stats.dropped_same_event++;
		return false;
	}
	pf->stats.kept++;
	return true;

malformed:
	/* Not audit text we understand: let libauparse have it and decide. */
	pf->stats.malformed++;
	return true;
}

void prefilter_get_stats(const struct prefilter *pf, struct prefilter_stats *ret)
{
	*ret = pf->stats;
}
