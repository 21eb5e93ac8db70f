/* proctable: bounded pid -> last exec table. Gives alerts their lineage. Fixed capacity, least
 * recently updated entry evicted; strings are cut to fixed sizes (marked with "..."). */
#ifndef ELFWATCH_PROCTABLE_H
#define ELFWATCH_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/record.h"

#define PROC_STR 192

struct proc_entry {
	long long pid, ppid, uid, auid, ses;
	time_t sec;                 /* event time of the exec */
	char exe[PROC_STR];         /* image (SYSCALL exe) */
	char image[PROC_STR];       /* PATH item 0: the script for interpreted programs */
	struct file_id image_id;    /* its identity, !valid when unknown */
	char comm[32];
	char argv[PROC_STR];        /* argv joined by spaces, cut */
};

struct proctable_stats {
	unsigned long inserts, updates, evictions, lookups, hits;
};

struct proctable;

/* A table for at most capacity processes. NULL on allocation failure. */
struct proctable *proctable_new(size_t capacity);
void proctable_free(struct proctable *pt);

/* Record a successful exec event as the process's current image. */
void proctable_record_exec(struct proctable *pt, const struct rec_event *ev);

/* Fill e from the process fields of ev (pid, ids, exe, comm, PATH item 0, argv summary). */
void proc_entry_fill(struct proc_entry *e, const struct rec_event *ev);

/* Put e in the table as the most recently updated entry (a saved table, oldest first). */
void proctable_restore(struct proctable *pt, const struct proc_entry *e);
/* Copy at most max entries into out, least recently updated first; the count. */
size_t proctable_export(const struct proctable *pt, struct proc_entry *out, size_t max);

/* Entry for pid, or NULL. The pointer is valid until the next record call. */
const struct proc_entry *proctable_get(struct proctable *pt, long long pid);

void proctable_get_stats(const struct proctable *pt, struct proctable_stats *ret);
size_t proctable_size(const struct proctable *pt);

#endif
