/* prefilter: decides from the raw text of an audit record, before libauparse sees it, whether
 * elfwatch can need it. Most events on a busy host (logins, network syscalls, other rule
 * sets) are dropped here for the cost of a few string scans. Records of an event whose SYSCALL
 * record has not arrived yet are kept, so out-of-order delivery never loses an event. */
#ifndef ELFWATCH_PREFILTER_H
#define ELFWATCH_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

struct prefilter_stats {
	unsigned long long kept, dropped_type, dropped_syscall, dropped_same_event, malformed;
};

struct prefilter;

/* A filter keeping the events of the named syscalls (e.g. "execve"), NULL-terminated list.
 * NULL on allocation failure. */
struct prefilter *prefilter_new(const char *const *syscalls);
void prefilter_free(struct prefilter *pf);

/* True if the record line (without or with its '\n') should reach libauparse. */
bool prefilter_keep(struct prefilter *pf, const char *line, size_t len);

void prefilter_get_stats(const struct prefilter *pf, struct prefilter_stats *ret);

/* Per-event decisions, for the assembly stage (assembly.c), which keys records by event. */
enum prefilter_class {
	PREFILTER_DROP,         /* an event elfwatch never needs */
	PREFILTER_EXEC,         /* execve/execveat */
	PREFILTER_WRITE,        /* a kept syscall that may write a file or add an exec bit */
	PREFILTER_UNPARSED,     /* a SYSCALL record without readable arch/syscall: engine decides */
};

/* Is a record of this type (e.g. "PATH", not NUL-terminated) part of an event elfwatch reads? */
bool prefilter_type_wanted(const char *type, size_t len);

/* The class of the event whose SYSCALL record is line. Counted in the stats as kept,
 * dropped_syscall or malformed. */
enum prefilter_class prefilter_syscall_class(struct prefilter *pf, const char *line, size_t len);

#endif
