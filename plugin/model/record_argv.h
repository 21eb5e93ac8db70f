/* record_argv: the EXECVE records' fields into rec_event's argv, each argument in the slot its
 * field names (aN, aN[k]) whatever order fields and records come in. argv keeps the prefix
 * that arrived whole; a missing, repeated or out-of-range argument, or bytes over the
 * budget, say cut. Pure; used by record.c only. */
#ifndef ELFWATCH_RECORD_ARGV_H
#define ELFWATCH_RECORD_ARGV_H

#include "model/record.h"

/* One field of an EXECVE record (argc, aN, aN[k]; aN_len and others are ignored). */
void rec_argv_field(struct rec_event *ev, const char *name, const char *value);

/* After the event's last record: argc_kept, argv_gap and argv_cut as record.h says. */
void rec_argv_finish(struct rec_event *ev);

#endif
