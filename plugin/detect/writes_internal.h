/* writes_internal: the write path's shared state, for its own files only. They call one way:
 *   writes.c         the public API: the tracker, ticks, flushes, exec correlation
 *   writes_events.c  which audit records are writes, and which file and writer each names
 *   writes_state.c   the tables out to a saved state and back
 *   writes_settle.c  the life of one followed file: followed, looked at, judged or not
 *   writes_writer.c  who wrote a file, how far it is trusted
 *   writes_table.c   the tables and their indexes
 * Each calls only files below it (writes_state.c: the last two). */
#ifndef ELFWATCH_WRITES_INTERNAL_H
#define ELFWATCH_WRITES_INTERNAL_H

#include <stdint.h>

#include "detect/writes.h"

#define WRITES_NIL UINT32_MAX

struct id_index {
	uint32_t *buckets, *next;
	size_t nbuckets;
};

struct pending {
	struct written_file wf;
	bool used, looked, settle_now;
	bool not_elf;                   /* stable and not ELF at the last look: still followed */
	bool seen_elf;                  /* ELF magic seen at some look */
	long long first_ms, next_look_ms, interval_ms;
	off_t size;
	struct timespec mtime;
	int last_err;                   /* last failed look or open (negative errno), 0 if none */
	enum writes_unjudged why;       /* what that failure means */
	unsigned attempts;              /* failed looks and opens */
};

struct recent {
	struct write_result r;
	off_t size;                     /* the (size, mtime) the verdict is for */
	struct timespec mtime;
	bool used;
};

struct writes {
	const struct config *cfg;
	struct proctable *procs;
	const struct fileset *trusted_ids;      /* identities of trusted producers, or NULL */
	struct writes_fs fs;
	writes_judge_fn judge;
	writes_unjudged_fn unjudged;
	writes_name_fn name_hook;
	void *judge_ctx;
	struct pending *pending;
	size_t npending_cap, npending;
	struct id_index pidx;
	struct recent *recent;
	size_t nrecent_cap, recent_next;
	struct id_index ridx;
	long long next_due_ms;
	struct writes_stats stats;
};

/* writes_table.c */
int writes_tables_alloc(struct writes *w, size_t npending, size_t nrecent);
void writes_tables_free(struct writes *w);
struct pending *writes_pending_find(struct writes *w, const struct file_id *id);
struct pending *writes_pending_find_path(struct writes *w, const char *path);
/* The entry to judge at once when the table is full: the oldest settled non-ELF file, else
 * the oldest file; NULL when none is used. */
struct pending *writes_pending_victim(struct writes *w);
/* A free entry for id (only the identity and its times set), NULL when the table is full. */
struct pending *writes_pending_take(struct writes *w, const struct file_id *id, long long now_ms);
void writes_pending_remove(struct writes *w, struct pending *p);
const struct write_result *writes_recent_lookup(const struct writes *w, const struct file_id *id);
const struct recent *writes_recent_find(const struct writes *w, const struct file_id *id);
const struct recent *writes_recent_find_path(const struct writes *w, const char *path);
/* Remember r, made for the file at (size, mtime); the oldest verdict makes room. */
void writes_recent_add(struct writes *w, const struct write_result *r, off_t size,
		       const struct timespec *mtime);

/* writes_writer.c */
void writes_snapshot_writer(struct writes *w, const struct rec_event *ev, struct written_file *wf);
void writes_classify_writer(const struct writes *w, struct written_file *wf);

/* writes_settle.c */
/* A fresh entry for id; when the table is full, its victim is judged at once first. NULL if
 * none is free (cannot happen unless the table has no slot at all). */
struct pending *writes_pending_add(struct writes *w, const struct file_id *id, long long now_ms);
/* Start following id (or refresh the writer of a followed one); NULL if it cannot be followed. */
struct pending *writes_track(struct writes *w, const struct rec_event *ev, const struct file_id *id,
			     const char *path, long long now_ms);
/* Judge p at the next tick, saying what made it settle. */
void writes_settle_now(struct writes *w, struct pending *p, enum writes_cause cause,
		       const struct rec_event *ev);
/* One look at p (stat only, unless it has held still); the judgement a trigger asked for
 * (rename, chmod +x, link); and the last word on p (max_wait_ms, eviction, exec, end of
 * input): judged, not ELF, or reported as not judged. p may leave the table. */
void writes_look(struct writes *w, struct pending *p, long long now_ms);
void writes_settle_attempt(struct writes *w, struct pending *p, long long now_ms);
void writes_finish(struct writes *w, struct pending *p, enum writes_cause cause,
		   long long now_ms);
/* Out of time at the end: p is reported as not judged (WRITES_UJ_SHUTDOWN), unopened. */
void writes_abandon(struct writes *w, struct pending *p, long long now_ms);

#endif
