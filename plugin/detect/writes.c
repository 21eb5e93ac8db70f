/* writes: the tracker: its tables and hooks, the clock (ticks, flushes) and exec correlation.
 * Which records are writes is writes_events.c's; the life of a followed file writes_settle.c's. */
#include "detect/writes_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/path.h"

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
	if (writes_tables_alloc(w, cfg->writes.pending_size, cfg->writes.recent_size) < 0) {
		writes_free(w);
		return NULL;
	}
	return w;
}

void writes_free(struct writes *w)
{
	if (!w)
		return;
	writes_tables_free(w);
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
			writes_finish(w, p, p->settle_now ? p->wf.settled_by : WRITES_CAUSE_TIMEOUT, now_ms);
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
			writes_finish(w, p, p->settle_now ? p->wf.settled_by : WRITES_CAUSE_END_OF_INPUT, now_ms);
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
	wf.settled_by = WRITES_CAUSE_NONE;
	wf.trigger_event[0] = '\0';
	if (!(p = writes_pending_add(w, &wf.id, now_ms)))
		return;
	p->wf = wf;
	w->stats.rejudged++;
	writes_settle_now(w, p, WRITES_CAUSE_EXEC, ev);
	writes_finish(w, p, WRITES_CAUSE_EXEC, now_ms);
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
		writes_settle_now(w, p, WRITES_CAUSE_EXEC, ev);
		writes_finish(w, p, WRITES_CAUSE_EXEC, now_ms);
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
