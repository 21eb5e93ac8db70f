/* writes_state: the write tracker's tables out to a saved state and back (state.h). What
 * comes back is checked as on first sight: each file is looked at again by its identity, and
 * each writer's trust is derived again from this run's configuration and identities. */
#include "detect/writes_internal.h"

#include <errno.h>
#include <string.h>

#include "detect/state.h"

static long long age(long long now_ms, long long then_ms)
{
	long long a = now_ms - then_ms;

	return a < 0 ? 0 : a > STATE_MAX_AGE_MS ? STATE_MAX_AGE_MS : a;
}

size_t writes_export_pending(const struct writes *w, long long now_ms, struct state_pending *out,
			     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < w->npending_cap && n < max; i++) {
		const struct pending *p = &w->pending[i];

		if (!p->used)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].wf = p->wf;
		out[n].age_ms = age(now_ms, p->first_ms);
		out[n].settle_now = p->settle_now;
		out[n].seen_elf = p->seen_elf;
		n++;
	}
	return n;
}

size_t writes_export_recent(const struct writes *w, long long now_ms, struct state_recent *out,
			    size_t max)
{
	size_t n = 0;

	/* the ring from its oldest slot, so restoring in order keeps the same evictions */
	for (size_t k = 0; k < w->nrecent_cap && n < max; k++) {
		const struct recent *e = &w->recent[(w->recent_next + k) % w->nrecent_cap];

		if (!e->used)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].r = e->r;
		out[n].r.judge_error = 0;
		out[n].age_ms = age(now_ms, e->r.judged_ms);
		out[n].size = e->size;
		out[n].mtime = e->mtime;
		n++;
	}
	return n;
}

/* Is the file still there under its identity? -ENOENT when it is gone or another inode has
 * its name; other errors (a lease, no name) leave the judgement to the usual retries. */
static int look_again(struct writes *w, const struct written_file *wf)
{
	struct stat st;
	int r;

	if (!wf->path[0])
		return 0;
	r = w->fs.stat(w->fs.ctx, wf->path, &wf->id, &st);
	return r == -ENOENT || r == -ENOTDIR || r == -ESTALE ? -ENOENT : 0;
}

int writes_restore_pending(struct writes *w, const struct state_pending *sp, long long gap_ms,
			   long long now_ms)
{
	struct pending *p;
	int r;

	if (!sp->wf.id.valid)
		return -EINVAL;
	if (writes_pending_find(w, &sp->wf.id))
		return -EEXIST;
	if (w->npending == w->npending_cap)
		return -ENOSPC;         /* never judge one early to make room for the past */
	if ((r = look_again(w, &sp->wf)) < 0)
		return r;
	if (!(p = writes_pending_take(w, &sp->wf.id, now_ms)))
		return -ENOSPC;
	p->wf = sp->wf;
	writes_classify_writer(w, &p->wf);
	p->first_ms = now_ms - age(sp->age_ms + gap_ms, 0);
	p->seen_elf = sp->seen_elf;
	/* not looked at in this run: the next look takes size and mtime afresh */
	if (sp->settle_now) {
		p->settle_now = true;
		w->next_due_ms = 1;
	}
	return 0;
}

int writes_restore_recent(struct writes *w, const struct state_recent *sr, long long gap_ms,
			  long long now_ms)
{
	struct write_result r = sr->r;
	struct timespec mtime = sr->mtime;
	int e;

	if (!r.file.id.valid)
		return -EINVAL;
	if ((e = look_again(w, &r.file)) < 0)
		return e;
	writes_classify_writer(w, &r.file);
	r.judged_ms = now_ms - age(sr->age_ms + gap_ms, 0);
	r.judge_error = 0;
	writes_recent_add(w, &r, (off_t)sr->size, &mtime);
	return 0;
}
