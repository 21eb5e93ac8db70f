/* writes_table: the two tables of the write path and their (dev, inode) indexes: files being
 * followed (pending) and recent verdicts (a ring). Lookups, a free slot, removal; no policy:
 * which file leaves a full table, and when, is writes_settle.c's. */
#include "detect/writes_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int idx_init(struct id_index *x, size_t slots)
{
	size_t nb = 64;

	while (nb < slots * 2)
		nb *= 2;
	x->buckets = malloc(nb * sizeof(*x->buckets));
	x->next = malloc(slots * sizeof(*x->next));
	if (!x->buckets || !x->next)
		return -ENOMEM;
	for (size_t i = 0; i < nb; i++)
		x->buckets[i] = WRITES_NIL;
	x->nbuckets = nb;
	return 0;
}

static void idx_free(struct id_index *x)
{
	free(x->buckets);
	free(x->next);
}

static size_t idx_bucket(const struct id_index *x, const struct file_id *id)
{
	uint64_t h = (id->ino * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)id->major << 20 | id->minor);
	return (size_t)(h >> 17) & (x->nbuckets - 1);
}

static void idx_insert(struct id_index *x, uint32_t slot, const struct file_id *id)
{
	size_t b = idx_bucket(x, id);

	x->next[slot] = x->buckets[b];
	x->buckets[b] = slot;
}

static void idx_remove(struct id_index *x, uint32_t slot, const struct file_id *id)
{
	uint32_t *link = &x->buckets[idx_bucket(x, id)];

	while (*link != WRITES_NIL && *link != slot)
		link = &x->next[*link];
	if (*link == slot)
		*link = x->next[slot];
}

int writes_tables_alloc(struct writes *w, size_t npending, size_t nrecent)
{
	w->npending_cap = npending;
	w->nrecent_cap = nrecent;
	w->pending = calloc(w->npending_cap, sizeof(*w->pending));
	w->recent = calloc(w->nrecent_cap, sizeof(*w->recent));
	if (!w->pending || !w->recent || idx_init(&w->pidx, w->npending_cap) < 0 ||
	    idx_init(&w->ridx, w->nrecent_cap) < 0)
		return -ENOMEM;
	return 0;
}

void writes_tables_free(struct writes *w)
{
	idx_free(&w->pidx);
	idx_free(&w->ridx);
	free(w->pending);
	free(w->recent);
}

struct pending *writes_pending_find(struct writes *w, const struct file_id *id)
{
	if (!id->valid)
		return NULL;
	for (uint32_t i = w->pidx.buckets[idx_bucket(&w->pidx, id)]; i != WRITES_NIL; i = w->pidx.next[i])
		if (file_id_equal(&w->pending[i].wf.id, id))
			return &w->pending[i];
	return NULL;
}

struct pending *writes_pending_find_path(struct writes *w, const char *path)
{
	for (size_t i = 0; w->npending && path && path[0] && i < w->npending_cap; i++)
		if (w->pending[i].used && strcmp(w->pending[i].wf.path, path) == 0)
			return &w->pending[i];
	return NULL;
}

struct pending *writes_pending_victim(struct writes *w)
{
	/* The oldest file that was not ELF at its last look goes first (finishing it costs a
	 * stat); only then the oldest of all, which may be an ELF still being written and
	 * judged half-written. */
	struct pending *oldest = NULL, *oldest_text = NULL;

	for (size_t i = 0; i < w->npending_cap; i++) {
		struct pending *c = &w->pending[i];

		if (!c->used)
			continue;
		if (!oldest || c->first_ms < oldest->first_ms)
			oldest = c;
		if (c->not_elf && (!oldest_text || c->first_ms < oldest_text->first_ms))
			oldest_text = c;
	}
	return oldest_text ? oldest_text : oldest;
}

struct pending *writes_pending_take(struct writes *w, const struct file_id *id, long long now_ms)
{
	for (size_t i = 0; i < w->npending_cap; i++) {
		struct pending *p = &w->pending[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->wf.id = *id;
		p->first_ms = now_ms;
		p->interval_ms = w->cfg->writes.settle_ms;
		p->next_look_ms = now_ms + w->cfg->writes.settle_ms;
		idx_insert(&w->pidx, (uint32_t)i, id);
		w->npending++;
		w->stats.tracked++;
		if (p->next_look_ms < w->next_due_ms || w->next_due_ms == 0)
			w->next_due_ms = p->next_look_ms;
		return p;
	}
	return NULL;
}

void writes_pending_remove(struct writes *w, struct pending *p)
{
	idx_remove(&w->pidx, (uint32_t)(p - w->pending), &p->wf.id);
	p->used = false;
	w->npending--;
}

const struct recent *writes_recent_find(const struct writes *w, const struct file_id *id)
{
	if (!id->valid)
		return NULL;
	for (uint32_t i = w->ridx.buckets[idx_bucket(&w->ridx, id)]; i != WRITES_NIL; i = w->ridx.next[i])
		if (file_id_equal(&w->recent[i].r.file.id, id))
			return &w->recent[i];
	return NULL;
}

const struct write_result *writes_recent_lookup(const struct writes *w, const struct file_id *id)
{
	const struct recent *r = writes_recent_find(w, id);
	return r ? &r->r : NULL;
}

const struct recent *writes_recent_find_path(const struct writes *w, const char *path)
{
	const struct recent *best = NULL;

	/* only replays without files get here: a linear look, skipped while nothing was judged */
	for (size_t i = 0; w->recent_next && path && path[0] && i < w->nrecent_cap; i++)
		if (w->recent[i].used && strcmp(w->recent[i].r.file.path, path) == 0 &&
		    (!best || w->recent[i].r.judged_ms > best->r.judged_ms))
			best = &w->recent[i];
	return best;
}

void writes_recent_add(struct writes *w, const struct write_result *r, off_t size,
		       const struct timespec *mtime)
{
	size_t slot = w->recent_next++ % w->nrecent_cap;
	struct recent *e = &w->recent[slot];

	if (e->used) {
		idx_remove(&w->ridx, (uint32_t)slot, &e->r.file.id);
		w->stats.recent_evicted++;
	}
	e->r = *r;
	e->size = size;
	e->mtime = *mtime;
	e->used = true;
	idx_insert(&w->ridx, (uint32_t)slot, &e->r.file.id);
}
