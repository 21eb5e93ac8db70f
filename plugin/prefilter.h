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

#endif
