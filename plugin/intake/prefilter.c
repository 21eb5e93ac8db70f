#include "intake/prefilter.h"
#include "model/record.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#define DROPPED_SLOTS 4096      /* recent events whose SYSCALL said "not ours" */
#define SYSCALL_CACHE 64

struct syscall_memo {
	uint32_t arch;
	long nr;
	bool keep;
	bool used;
	bool need_success;      /* only successful calls matter (all but execs) */
	bool exec;
	int arg;                /* argument that must have a bit of mask set, or -1 */
	unsigned long mask;
};

/* Calls that matter only with some argument bits: opens that may write (access mode, O_CREAT,
 * O_TRUNC), mode changes that add an exec bit. The bundled rules filter the same way; this
 * also drops the read-only opens other rule sets log. */
static const struct {
	const char *name;
	int arg;
	unsigned long mask;
} arg_filters[] = {
	{ "open", 1, O_ACCMODE | O_CREAT | O_TRUNC },
	{ "openat", 2, O_ACCMODE | O_CREAT | O_TRUNC },
	{ "chmod", 1, 0111 },
	{ "fchmod", 1, 0111 },
	{ "fchmodat", 2, 0111 },
	{ "fchmodat2", 2, 0111 },
};

struct prefilter {
	const char *const *syscalls;
	uint64_t dropped_key[DROPPED_SLOTS];    /* event_key() of the dropped event */
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
bool prefilter_type_wanted(const char *t, size_t n)
{
#define TYPE(s) { s, sizeof(s) - 1 }
	static const struct {
		const char *name;
		size_t len;
	} wanted[] = { TYPE("EXECVE"), TYPE("CWD"), TYPE("PATH"), TYPE("PROCTITLE"), TYPE("EOE"),
		       TYPE("OPENAT2"), TYPE("UNKNOWN[1337]") };
#undef TYPE

	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (wanted[i].len == n && memcmp(wanted[i].name, t, n) == 0)
			return true;
	return false;
}

/* An event's identity: its node= prefix and its whole "audit(time:serial)" stamp. Serials
 * alone repeat across the nodes an aggregating auditd forwards, and across their reboots. */
static uint64_t event_key(const char *node, size_t node_len, const char *stamp, size_t stamp_len)
{
	uint64_t h = 0xcbf29ce484222325ull;     /* FNV-1a */

	for (size_t i = 0; i < node_len; i++)
		h = (h ^ (unsigned char)node[i]) * 0x100000001b3ull;
	h = (h ^ ' ') * 0x100000001b3ull;
	for (size_t i = 0; i < stamp_len; i++)
		h = (h ^ (unsigned char)stamp[i]) * 0x100000001b3ull;
	return h;
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

static const struct syscall_memo *syscall_memo(struct prefilter *pf, uint32_t arch, long nr)
{
	struct syscall_memo *m;
	const char *name;

	for (unsigned i = 0; i < SYSCALL_CACHE; i++)
		if (pf->memo[i].used && pf->memo[i].arch == arch && pf->memo[i].nr == nr)
			return &pf->memo[i];
	m = &pf->memo[pf->memo_next++ % SYSCALL_CACHE];
	memset(m, 0, sizeof(*m));
	m->arch = arch;
	m->nr = nr;
	m->used = true;
	m->arg = -1;
	name = rec_syscall_name(arch, nr);
	for (size_t i = 0; name && pf->syscalls[i]; i++)
		if (strcmp(name, pf->syscalls[i]) == 0)
			m->keep = true;
	if (m->keep) {
		m->exec = strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0;
		m->need_success = !m->exec;
		for (size_t i = 0; i < sizeof(arg_filters) / sizeof(arg_filters[0]); i++) {
			if (strcmp(name, arg_filters[i].name) == 0) {
				m->arg = arg_filters[i].arg;
				m->mask = arg_filters[i].mask;
			}
		}
	}
	return m;
}

/* Does the SYSCALL record text [p, end) pass the call's success and argument conditions? */
static bool syscall_args_wanted(const struct syscall_memo *m, const char *p, const char *end)
{
	static const char *const arg_names[] = { "a0=", "a1=", "a2=", "a3=" };
	unsigned long v;
	const char *a;

	if (m->need_success) {
		const char *s = find_field(p, end, "success=");
		if (s && (size_t)(end - s) >= 2 && s[0] == 'n' && s[1] == 'o')
			return false;
	}
	if (m->arg < 0)
		return true;
	a = find_field(p, end, arg_names[m->arg]);
	/* no readable argument: let the record through, the engine decides */
	if (!a || !parse_ulong(a, end, 16, &v) || (v & m->mask) != 0)
		return true;
	/* any open for writing or mode change of the linker's own files matters (linker.h):
	 * the bundled rules mark them with these keys */
	return find_field(p, end, "key=\"elfwatch_preload\"") ||
	       find_field(p, end, "key=\"elfwatch_ldconf\"");
}

bool prefilter_keep(struct prefilter *pf, const char *line, size_t len)
{
	const char *end = line + len, *p = line, *type, *stamp, *serial_at, *close;
	unsigned long serial, arch, nr;
	size_t tlen, slot, node_len = 0;
	uint64_t key;

	if (len >= 5 && memcmp(p, "node=", 5) == 0) {
		p = memchr(p, ' ', len);
		if (!p)
			goto malformed;
		node_len = (size_t)(p - line);
		p++;
	}
	if ((size_t)(end - p) < 5 || memcmp(p, "type=", 5) != 0)
		goto malformed;
	type = p + 5;
	p = memchr(type, ' ', (size_t)(end - type));
	if (!p)
		goto malformed;
	tlen = (size_t)(p - type);
	stamp = find_field(p, end, "msg=audit(");
	close = stamp ? memchr(stamp, ')', (size_t)(end - stamp)) : NULL;
	serial_at = close ? memchr(stamp, ':', (size_t)(close - stamp)) : NULL;
	if (!serial_at || !parse_ulong(serial_at + 1, close, 10, &serial))
		goto malformed;
	slot = serial % DROPPED_SLOTS;
	key = event_key(line, node_len, stamp, (size_t)(close - stamp));

	if (tlen == 7 && memcmp(type, "SYSCALL", 7) == 0) {
		const char *a = find_field(close, end, "arch=");
		const char *s = find_field(close, end, "syscall=");

		if (!a || !s || !parse_ulong(a, end, 16, &arch) || !parse_ulong(s, end, 10, &nr) ||
		    arch > UINT32_MAX || nr > INT32_MAX)
			goto malformed;
		const struct syscall_memo *m = syscall_memo(pf, (uint32_t)arch, (long)nr);

		if (m->keep && syscall_args_wanted(m, close, end)) {
			pf->stats.kept++;
			return true;
		}
		pf->dropped_key[slot] = key;
		pf->dropped_valid[slot] = true;
		pf->stats.dropped_syscall++;
		return false;
	}
	if (!prefilter_type_wanted(type, tlen)) {
		pf->stats.dropped_type++;
		return false;
	}
	if (pf->dropped_valid[slot] && pf->dropped_key[slot] == key) {
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

enum prefilter_class prefilter_syscall_class(struct prefilter *pf, const char *line, size_t len)
{
	const char *end = line + len, *close = memchr(line, ')', len);
	const char *a = close ? find_field(close, end, "arch=") : NULL;
	const char *s = close ? find_field(close, end, "syscall=") : NULL;
	unsigned long arch, nr;

	if (!a || !s || !parse_ulong(a, end, 16, &arch) || !parse_ulong(s, end, 10, &nr) ||
	    arch > UINT32_MAX || nr > INT32_MAX) {
		pf->stats.malformed++;
		return PREFILTER_UNPARSED;
	}
	const struct syscall_memo *m = syscall_memo(pf, (uint32_t)arch, (long)nr);

	if (!m->keep || !syscall_args_wanted(m, close, end)) {
		pf->stats.dropped_syscall++;
		return PREFILTER_DROP;
	}
	pf->stats.kept++;
	return m->exec ? PREFILTER_EXEC : PREFILTER_WRITE;
}
