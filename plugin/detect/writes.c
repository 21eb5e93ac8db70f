#include "detect/writes_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/path.h"

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

struct writes *writes_new(const struct config *cfg, struct proctable *procs,
			  const struct writes_fs *fs, writes_judge_fn judge, void *judge_ctx)
{
	struct writes *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = cfg;
	w->procs = procs;
	w->fs = *fs;
	w->judge = judge;
	w->judge_ctx = judge_ctx;
	w->npending_cap = cfg->writes.pending_size;
	w->nrecent_cap = cfg->writes.recent_size;
	w->pending = calloc(w->npending_cap, sizeof(*w->pending));
	w->recent = calloc(w->nrecent_cap, sizeof(*w->recent));
	if (!w->pending || !w->recent || idx_init(&w->pidx, w->npending_cap) < 0 ||
	    idx_init(&w->ridx, w->nrecent_cap) < 0) {
		writes_free(w);
		return NULL;
	}
	return w;
}

void writes_free(struct writes *w)
{
	if (!w)
		return;
	idx_free(&w->pidx);
	idx_free(&w->ridx);
	free(w->pending);
	free(w->recent);
	free(w);
}

void writes_set_trusted(struct writes *w, const struct fileset *ids)
{
	w->trusted_ids = ids;
}

void writes_set_unjudged_hook(struct writes *w, writes_unjudged_fn fn)
{
	w->unjudged = fn;
}

void writes_set_name_hook(struct writes *w, writes_name_fn fn)
{
	w->name_hook = fn;
}

void writes_describe(struct writes *w, const struct rec_event *ev, const struct file_id *id,
		     const char *path, struct written_file *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (id)
		ret->id = *id;
	snprintf(ret->path, sizeof(ret->path), "%s", path ? path : "");
	writes_snapshot_writer(w, ev, ret);
	writes_classify_writer(w, ret);
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

void writes_pending_remove(struct writes *w, struct pending *p)
{
	idx_remove(&w->pidx, (uint32_t)(p - w->pending), &p->wf.id);
	p->used = false;
	w->npending--;
}

const struct write_result *writes_recent_lookup(const struct writes *w, const struct file_id *id)
{
	const struct recent *r = writes_recent_find(w, id);
	return r ? &r->r : NULL;
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

/* A new entry for id, judging one at once when the table is full (a settled non-ELF file
 * first); NULL if none is free (cannot happen unless the table has no slot at all). */
struct pending *writes_pending_add(struct writes *w, const struct file_id *id, long long now_ms)
{
	struct pending *p;

	if (w->npending == w->npending_cap) {
		/* full: one is judged now rather than forgotten. The oldest file that was not ELF at
		 * its last look goes first (finishing it costs a stat); only then the oldest of all,
		 * which may be an ELF still being written and judged half-written. */
		struct pending *oldest = NULL, *oldest_text = NULL, *victim;

		for (size_t i = 0; i < w->npending_cap; i++) {
			struct pending *c = &w->pending[i];

			if (!c->used)
				continue;
			if (!oldest || c->first_ms < oldest->first_ms)
				oldest = c;
			if (c->not_elf && (!oldest_text || c->first_ms < oldest_text->first_ms))
				oldest_text = c;
		}
		/* none when npending disagrees with the used flags: no slot then, not a crash */
		victim = oldest_text ? oldest_text : oldest;
		if (victim) {
			w->stats.evicted++;
			writes_finish(w, victim, "evicted", now_ms);
		}
	}
	for (size_t i = 0; i < w->npending_cap; i++) {
		if (w->pending[i].used)
			continue;
		p = &w->pending[i];
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

/* Start following id, or update what we know if it is followed already. */
struct pending *writes_track(struct writes *w, const struct rec_event *ev, const struct file_id *id,
			     const char *path, long long now_ms)
{
	struct pending *p = writes_pending_find(w, id);

	if (p) {
		/* written again (or the inode was reused): the last writer owns the content */
		if (path && path[0])
			snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
		writes_snapshot_writer(w, ev, &p->wf);
		writes_classify_writer(w, &p->wf);
		p->looked = p->not_elf = false;
		return p;
	}
	if (!(p = writes_pending_add(w, id, now_ms)))
		return NULL;
	snprintf(p->wf.path, sizeof(p->wf.path), "%s", path ? path : "");
	writes_snapshot_writer(w, ev, &p->wf);
	writes_classify_writer(w, &p->wf);
	return p;
}

void writes_tick(struct writes *w, long long now_ms)
{
	long long next = now_ms + 60000;

	if (w->npending == 0 || (w->next_due_ms && now_ms < w->next_due_ms))
		return;
	for (size_t i = 0; i < w->npending_cap; i++) {
		struct pending *p = &w->pending[i];

		if (!p->used)
			continue;
		if (now_ms - p->first_ms >= (long long)w->cfg->writes.max_wait_ms) {
			if (!p->not_elf && !p->last_err && !p->settle_now)
				w->stats.timeouts++;        /* never held still */
			writes_finish(w, p, p->settle_now ? p->wf.settled_by : "timeout", now_ms);
			continue;
		}
		if (p->settle_now)
			writes_settle_attempt(w, p, now_ms);
		else if (now_ms >= p->next_look_ms)
			writes_look(w, p, now_ms);
		if (p->used) {
			long long deadline = p->first_ms + w->cfg->writes.max_wait_ms;

			next = p->next_look_ms < next ? p->next_look_ms : next;
			next = deadline < next ? deadline : next;
		}
	}
	w->next_due_ms = next;
}

void writes_flush_until(struct writes *w, long long now_ms, const struct writes_deadline *dl)
{
	for (size_t i = 0; i < w->npending_cap; i++) {
		struct pending *p = &w->pending[i];

		if (!p->used)
			continue;
		if (dl && dl->clock(dl->ctx) >= dl->deadline_ms)
			writes_abandon(w, p, now_ms);
		else
			writes_finish(w, p, p->settle_now ? p->wf.settled_by : "end_of_input", now_ms);
	}
}

void writes_flush(struct writes *w, long long now_ms)
{
	writes_flush_until(w, now_ms, NULL);
}

/* A verdict holds for the (size, mtime) it was made for: an executed file that was not
 * judged, or has changed since (written in place without an audited open), is judged again. */
static void rejudge_recent(struct writes *w, const struct recent *r, const struct rec_event *ev,
			   long long now_ms)
{
	struct written_file wf = r->r.file;
	struct pending *p;
	struct stat st;

	if (!r->r.unjudged && (w->fs.stat(w->fs.ctx, wf.path, &wf.id, &st) < 0 ||
			       (st.st_size == r->size && st.st_mtim.tv_sec == r->mtime.tv_sec &&
				st.st_mtim.tv_nsec == r->mtime.tv_nsec)))
		return;
	wf.settled_by[0] = wf.trigger_event[0] = '\0';
	if (!(p = writes_pending_add(w, &wf.id, now_ms)))
		return;
	p->wf = wf;
	w->stats.rejudged++;
	writes_settle_now(w, p, "exec", ev);
	writes_finish(w, p, "exec", now_ms);
}

const struct write_result *writes_on_exec(struct writes *w, const struct file_id *id,
					  const char *path, const struct rec_event *ev,
					  long long now_ms)
{
	struct pending *p = id && id->valid ? writes_pending_find(w, id) : writes_pending_find_path(w, path);
	const struct recent *r;

	if (p) {
		struct stat st;

		/* the exec's own name wins when it holds the inode and ours (a guess) does not */
		if (path && path[0] && strcmp(path, p->wf.path) != 0 &&
		    (!p->wf.path[0] || w->fs.stat(w->fs.ctx, p->wf.path, &p->wf.id, &st) < 0) &&
		    w->fs.stat(w->fs.ctx, path, &p->wf.id, &st) == 0)
			snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
		writes_settle_now(w, p, "exec", ev);
		writes_finish(w, p, "exec", now_ms);
	} else if (id && id->valid && (r = writes_recent_find(w, id)) != NULL) {
		rejudge_recent(w, r, ev, now_ms);
	}
	r = id && id->valid ? writes_recent_find(w, id) : writes_recent_find_path(w, path);
	if (!r || ev->sec - r->r.file.sec > (time_t)w->cfg->writes.exec_window_s ||
	    ev->sec < r->r.file.sec - 1)
		return NULL;
	return &r->r;
}

bool writes_in_drop_location(const struct config *cfg, const char *path)
{
	for (size_t i = 0; path && i < cfg->loader.writable_dirs.n; i++)
		if (path_under(path, cfg->loader.writable_dirs.v[i]))
			return true;
	return false;
}

void writes_get_stats(const struct writes *w, struct writes_stats *ret)
{
	*ret = w->stats;
}

size_t writes_pending_count(const struct writes *w)
{
	return w->npending;
}

size_t writes_recent_capacity(const struct writes *w)
{
	return w->nrecent_cap;
}
