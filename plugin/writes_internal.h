/* writes_internal: the tables shared by writes.c (following and judging files) and
 * writes_events.c (turning audit records into followed files). Not for other modules. */
#ifndef ELFWATCH_WRITES_INTERNAL_H
#define ELFWATCH_WRITES_INTERNAL_H

#include <stdint.h>

#include "writes.h"

#define WRITES_NIL UINT32_MAX

struct id_index {
	uint32_t *buckets, *next;
	size_t nbuckets;
};

struct pending {
	struct written_file wf;
	bool used, looked, magic_checked, settle_now;
	long long first_ms, next_look_ms;
	off_t size;
	struct timespec mtime;
};

struct recent {
	struct write_result r;
	off_t size;
	struct timespec mtime;
	bool used;
};

struct writes {
	const struct config *cfg;
	struct proctable *procs;
	const struct fileset *trusted_ids;      /* identities of trusted producers, or NULL */
	struct writes_fs fs;
	writes_judge_fn judge;
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

struct pending *writes_pending_find(struct writes *w, const struct file_id *id);
const struct write_result *writes_recent_lookup(const struct writes *w, const struct file_id *id);
/* Start following id (or refresh the writer of a followed one); NULL if it cannot be followed. */
struct pending *writes_track(struct writes *w, const struct rec_event *ev, const struct file_id *id,
			     const char *path, long long now_ms);
void writes_snapshot_writer(struct writes *w, const struct rec_event *ev, struct written_file *wf);
void writes_classify_writer(const struct writes *w, struct written_file *wf);
/* Judge p at the next tick, saying what made it settle. */
void writes_settle_now(struct writes *w, struct pending *p, const char *cause,
		       const struct rec_event *ev);

#endif
