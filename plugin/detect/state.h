/* state: the tables a restart would forget (process table, followed files, recent verdicts of
 * written files) as one bounded, checked byte string. audit 4.2 restarts every plugin on each
 * reload; this is what lets the next process go on where the last one stopped. Pure: buffer
 * in, buffer out, the clock passed in. The decoder range-checks every field; what it returns
 * is still a hint, checked again against the files before use (engine_state.c). */
#ifndef ELFWATCH_STATE_H
#define ELFWATCH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "detect/proctable.h"
#include "detect/writes.h"

#define STATE_MAGIC "ELFWSTAT"
#define STATE_VERSION 1u
#define STATE_HEADER_BYTES 64u
#define STATE_MAX_BYTES (64u << 20)     /* whatever the table sizes */
#define STATE_MAX_AGE_MS (1LL << 40)    /* ages and waits kept, in ms */
#define STATE_PID_MAX 4194304LL         /* the kernel's PID_MAX_LIMIT */

/* A file being followed when the state was saved. */
struct state_pending {
	struct written_file wf;         /* trusted_by and trust are not kept: derived again */
	long long age_ms;               /* followed this long */
	bool settle_now;                /* was due for judgement (wf.settled_by says why) */
	bool seen_elf;                  /* ELF magic seen at a look */
};

/* A written file judged (or found not judgeable) recently, for exec correlation. */
struct state_recent {
	struct write_result r;          /* r.mitre one of mitre.h's or NULL; r.judge_error 0 */
	long long age_ms;               /* judged this long before the save */
	long long size;                 /* the state the verdict is for */
	struct timespec mtime;
};

struct state_snapshot {
	long long saved_mono_ms;        /* CLOCK_MONOTONIC at the save (the boot's clock) */
	long long saved_real_s;         /* CLOCK_REALTIME at the save, for messages */
	uint8_t boot_id[16];            /* the boot it was saved in */
	struct proc_entry *procs;       /* least recently updated first */
	size_t nprocs;
	struct state_pending *pending;
	size_t npending;
	struct state_recent *recent;    /* oldest first */
	size_t nrecent;
};

/* Entry caps: the tables' sizes. A file with more entries is refused, not cut. */
struct state_limits {
	size_t max_procs, max_pending, max_recent;
};

/* Is each entry within what the format can carry (pid, ids, string lengths, enums)? The
 * encoder leaves out entries that are not; the decoder refuses them. */
bool state_proc_valid(const struct proc_entry *e);
bool state_pending_valid(const struct state_pending *p);
bool state_recent_valid(const struct state_recent *r);

/* The bytes s takes encoded (valid entries only). */
size_t state_encoded_size(const struct state_snapshot *s);

/* Encode s into buf (cap bytes). Bytes written, -ENOSPC when cap is short, -EFBIG past
 * STATE_MAX_BYTES. Invalid entries are left out (*ret_skipped counts them; may be NULL). */
long state_encode(const struct state_snapshot *s, uint8_t *buf, size_t cap, size_t *ret_skipped);

/* Decode and check buf: magic, version, header and payload length, checksum, every count
 * within lim and every field within range, nothing after the last entry. 0 with *ret filled
 * (free it with state_snapshot_free), or -EBADMSG (-ENOMEM) with *ret_why a static reason
 * and *ret zeroed. */
int state_decode(const uint8_t *buf, size_t len, const struct state_limits *lim,
		 struct state_snapshot *ret, const char **ret_why);

/* Is s from this boot and at most max_age_ms old (monotonic clock, now_mono_ms)? 0, or
 * -ESTALE with *ret_why ("another boot", "too old", "saved in the future"). */
int state_check_age(const struct state_snapshot *s, const uint8_t boot_id[16],
		    long long now_mono_ms, long long max_age_ms, const char **ret_why);

/* The largest encoding entries within lim can take (the reader's size cap). */
size_t state_max_bytes(const struct state_limits *lim);

/* FNV-1a over a whole encoded state, its checksum field (bytes 24..31) counted as zero. */
uint64_t state_checksum(const uint8_t *p, size_t len);
#define STATE_CHECKSUM_OFFSET 24

void state_snapshot_free(struct state_snapshot *s);

#endif
