/* state_encode: the saved tables as bytes (state_format.h), valid entries only. Pure. */
#include "detect/state.h"

#include <errno.h>
#include <string.h>

#include "detect/state_format.h"

struct out {
	uint8_t *p;
	size_t len, cap;
	bool short_;
};

static void put(struct out *o, uint64_t v, unsigned bytes)
{
	if (o->short_ || o->len > o->cap || o->cap - o->len < bytes) {
		o->short_ = true;
		o->len += bytes;
		return;
	}
	for (unsigned i = 0; i < bytes; i++)
		o->p[o->len++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct out *o, const char *s)
{
	size_t n = strlen(s);

	put(o, n, 2);
	if (o->short_ || o->len > o->cap || o->cap - o->len < n) {
		o->short_ = true;
		o->len += n;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_id(struct out *o, const struct file_id *id)
{
	put(o, id->valid, 1);
	put(o, id->valid ? id->major : 0, 4);
	put(o, id->valid ? id->minor : 0, 4);
	put(o, id->valid ? id->ino : 0, 8);
}

static void put_proc(struct out *o, const struct proc_entry *e)
{
	put(o, (uint64_t)e->pid, 8);
	put(o, (uint64_t)e->ppid, 8);
	put(o, (uint64_t)e->uid, 8);
	put(o, (uint64_t)e->auid, 8);
	put(o, (uint64_t)e->ses, 8);
	put(o, (uint64_t)(long long)e->sec, 8);
	put_str(o, e->exe);
	put_str(o, e->image);
	put_str(o, e->comm);
	put_str(o, e->argv);
	put_id(o, &e->image_id);
}

static void put_file(struct out *o, const struct written_file *wf)
{
	put_id(o, &wf->id);
	put_str(o, wf->path);
	put_str(o, wf->event_id);
	put(o, (uint64_t)(long long)wf->sec, 8);
	put(o, wf->msec, 2);
	put_str(o, wf->syscall);
	put_proc(o, &wf->writer);
	put(o, wf->download_tool, 1);
	put(o, wf->exec_bit, 1);
	put_str(o, writes_cause_name(wf->settled_by));
	put_str(o, wf->trigger_event);
}

static void put_recent(struct out *o, const struct state_recent *r)
{
	const struct write_result *w = &r->r;

	put_file(o, &w->file);
	put(o, w->is_elf, 1);
	put(o, (uint64_t)w->verdict, 1);
	put(o, (uint64_t)state_mitre_index(w->mitre), 1);
	put_str(o, w->sha256);
	put(o, (uint64_t)r->age_ms, 8);
	put(o, (uint64_t)w->unjudged, 1);
	put(o, (uint64_t)w->unjudged_errno, 2);
	put(o, w->attempts, 4);
	put(o, (uint64_t)w->waited_ms, 8);
	put(o, w->exec_candidate, 1);
	put(o, (uint64_t)r->size, 8);
	put(o, (uint64_t)(long long)r->mtime.tv_sec, 8);
	put(o, (uint64_t)r->mtime.tv_nsec, 4);
}

static void encode_all(struct out *o, const struct state_snapshot *s, size_t *skipped)
{
	size_t n, at;

	o->len = STATE_HEADER_BYTES;    /* header last, once the length is known */
	at = o->len;
	put(o, 0, 4);
	for (size_t i = n = 0; i < s->nprocs; i++)
		if (state_proc_valid(&s->procs[i]))
			put_proc(o, &s->procs[i]), n++;
	*skipped += s->nprocs - n;
	if (!o->short_)
		for (unsigned b = 0; b < 4; b++)
			o->p[at + b] = (uint8_t)(n >> (8 * b));
	at = o->len;
	put(o, 0, 4);
	for (size_t i = n = 0; i < s->npending; i++) {
		const struct state_pending *p = &s->pending[i];

		if (!state_pending_valid(p))
			continue;
		put_file(o, &p->wf);
		put(o, (uint64_t)p->age_ms, 8);
		put(o, p->settle_now, 1);
		put(o, p->seen_elf, 1);
		n++;
	}
	*skipped += s->npending - n;
	if (!o->short_)
		for (unsigned b = 0; b < 4; b++)
			o->p[at + b] = (uint8_t)(n >> (8 * b));
	at = o->len;
	put(o, 0, 4);
	for (size_t i = n = 0; i < s->nrecent; i++)
		if (state_recent_valid(&s->recent[i]))
			put_recent(o, &s->recent[i]), n++;
	*skipped += s->nrecent - n;
	if (!o->short_)
		for (unsigned b = 0; b < 4; b++)
			o->p[at + b] = (uint8_t)(n >> (8 * b));
}

size_t state_encoded_size(const struct state_snapshot *s)
{
	struct out o = { NULL, 0, 0, false };
	size_t skipped = 0;

	encode_all(&o, s, &skipped);
	return o.len;
}

long state_encode(const struct state_snapshot *s, uint8_t *buf, size_t cap, size_t *ret_skipped)
{
	struct out o = { buf, 0, cap, cap < STATE_HEADER_BYTES };
	size_t skipped = 0, end;

	encode_all(&o, s, &skipped);
	if (o.len > STATE_MAX_BYTES)
		return -EFBIG;
	if (o.short_)
		return -ENOSPC;
	end = o.len;
	o.len = 0;
	memcpy(buf, STATE_MAGIC, sizeof(STATE_MAGIC) - 1);   /* 8 bytes, no NUL: a magic, not a string */
	o.len = 8;
	put(&o, STATE_VERSION, 4);
	put(&o, STATE_HEADER_BYTES, 4);
	put(&o, end - STATE_HEADER_BYTES, 8);
	put(&o, 0, 8);
	put(&o, (uint64_t)s->saved_mono_ms, 8);
	put(&o, (uint64_t)s->saved_real_s, 8);
	memcpy(buf + o.len, s->boot_id, 16);
	uint64_t sum = state_checksum(buf, end);
	o.len = STATE_CHECKSUM_OFFSET;
	put(&o, sum, 8);
	if (ret_skipped)
		*ret_skipped = skipped;
	return (long)end;
}
