#include "detect/proctable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

struct slot {
	struct proc_entry e;
	uint32_t bucket_next;
	uint32_t newer, older;      /* recency list */
	bool used;
};

struct proctable {
	struct slot *slots;
	uint32_t *buckets;
	size_t capacity, nbuckets, used;
	uint32_t newest, oldest;
	struct proctable_stats stats;
};

struct proctable *proctable_new(size_t capacity)
{
	struct proctable *pt;
	size_t nb = 64;

	if (capacity == 0 || capacity > (1u << 24))
		return NULL;
	while (nb < capacity * 2)
		nb *= 2;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return NULL;
	pt->slots = calloc(capacity, sizeof(*pt->slots));
	pt->buckets = malloc(nb * sizeof(*pt->buckets));
	if (!pt->slots || !pt->buckets) {
		proctable_free(pt);
		return NULL;
	}
	for (size_t i = 0; i < nb; i++)
		pt->buckets[i] = NIL;
	pt->capacity = capacity;
	pt->nbuckets = nb;
	pt->newest = pt->oldest = NIL;
	return pt;
}

void proctable_free(struct proctable *pt)
{
	if (!pt)
		return;
	free(pt->slots);
	free(pt->buckets);
	free(pt);
}

static size_t bucket_of(const struct proctable *pt, long long pid)
{
	uint64_t h = (uint64_t)pid * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (pt->nbuckets - 1);
}

static uint32_t find(const struct proctable *pt, long long pid)
{
	for (uint32_t i = pt->buckets[bucket_of(pt, pid)]; i != NIL; i = pt->slots[i].bucket_next)
		if (pt->slots[i].e.pid == pid)
			return i;
	return NIL;
}

static void recency_unlink(struct proctable *pt, uint32_t i)
{
	struct slot *s = &pt->slots[i];

	if (s->newer != NIL)
		pt->slots[s->newer].older = s->older;
	else
		pt->newest = s->older;
	if (s->older != NIL)
		pt->slots[s->older].newer = s->newer;
	else
		pt->oldest = s->newer;
	s->newer = s->older = NIL;
}

static void recency_push_newest(struct proctable *pt, uint32_t i)
{
	struct slot *s = &pt->slots[i];

	s->newer = NIL;
	s->older = pt->newest;
	if (pt->newest != NIL)
		pt->slots[pt->newest].newer = i;
	pt->newest = i;
	if (pt->oldest == NIL)
		pt->oldest = i;
}

static void bucket_unlink(struct proctable *pt, uint32_t i)
{
	uint32_t *link = &pt->buckets[bucket_of(pt, pt->slots[i].e.pid)];

	while (*link != NIL && *link != i)
		link = &pt->slots[*link].bucket_next;
	if (*link == i)
		*link = pt->slots[i].bucket_next;
}

/* Copy a decoded string for display: cut marked with "...". Bytes are kept as they are; the
 * alert formatter escapes them. */
static void copy_cut(char *dst, size_t cap, const char *s, size_t len)
{
	if (!s) {
		dst[0] = '\0';
		return;
	}
	if (len < cap) {
		memcpy(dst, s, len);
		dst[len] = '\0';
		return;
	}
	memcpy(dst, s, cap - 4);
	memcpy(dst + cap - 4, "...", 4);
}

static void join_argv(char *dst, size_t cap, const struct rec_event *ev)
{
	size_t len = 0;

	for (unsigned i = 0; i < ev->argc_kept; i++) {
		const struct rec_str *a = &ev->argv[i];
		size_t need = a->len + (i ? 1 : 0);

		if (len + need >= cap) {
			size_t keep = cap - 4 > len ? cap - 4 - len : 0;

			if (i && keep)
				dst[len++] = ' ', keep--;
			memcpy(dst + len, a->s, keep < a->len ? keep : a->len);
			memcpy(dst + cap - 4, "...", 4);
			return;
		}
		if (i)
			dst[len++] = ' ';
		memcpy(dst + len, a->s, a->len);
		len += a->len;
	}
	dst[len] = '\0';
}

/* The slot for pid, made the most recent (a new one evicts the least recently updated). */
static uint32_t touch(struct proctable *pt, long long pid)
{
	uint32_t i = find(pt, pid);

	if (i != NIL) {
		recency_unlink(pt, i);
		pt->stats.updates++;
	} else {
		if (pt->used < pt->capacity) {
			i = (uint32_t)pt->used++;
		} else {
			i = pt->oldest;
			recency_unlink(pt, i);
			bucket_unlink(pt, i);
			pt->stats.evictions++;
		}
		pt->slots[i].used = true;
		pt->slots[i].e.pid = pid;
		size_t b = bucket_of(pt, pid);
		pt->slots[i].bucket_next = pt->buckets[b];
		pt->buckets[b] = i;
		pt->stats.inserts++;
	}
	recency_push_newest(pt, i);
	return i;
}

void proctable_record_exec(struct proctable *pt, const struct rec_event *ev)
{
	if (ev->pid < 0)
		return;
	proc_entry_fill(&pt->slots[touch(pt, ev->pid)].e, ev);
}

void proctable_restore(struct proctable *pt, const struct proc_entry *e)
{
	if (e->pid < 0)
		return;
	pt->slots[touch(pt, e->pid)].e = *e;
}

size_t proctable_export(const struct proctable *pt, struct proc_entry *out, size_t max)
{
	size_t n = 0;

	for (uint32_t i = pt->oldest; i != NIL && n < max; i = pt->slots[i].newer)
		out[n++] = pt->slots[i].e;
	return n;
}

void proc_entry_fill(struct proc_entry *e, const struct rec_event *ev)
{
	const struct rec_path *p0 = rec_path_item(ev, 0);

	e->pid = ev->pid;
	e->ppid = ev->ppid;
	e->uid = ev->uid;
	e->auid = ev->auid;
	e->ses = ev->ses;
	e->sec = ev->sec;
	copy_cut(e->exe, sizeof(e->exe), ev->exe.s, ev->exe.len);
	copy_cut(e->comm, sizeof(e->comm), ev->comm.s, ev->comm.len);
	copy_cut(e->image, sizeof(e->image), p0 ? p0->name.s : NULL, p0 ? p0->name.len : 0);
	e->image_id = p0 ? p0->id : (struct file_id){ 0 };
	join_argv(e->argv, sizeof(e->argv), ev);
}

const struct proc_entry *proctable_get(struct proctable *pt, long long pid)
{
	uint32_t i = find(pt, pid);

	pt->stats.lookups++;
	if (i == NIL)
		return NULL;
	pt->stats.hits++;
	return &pt->slots[i].e;
}

void proctable_get_stats(const struct proctable *pt, struct proctable_stats *ret)
{
	*ret = pt->stats;
}

size_t proctable_size(const struct proctable *pt)
{
	return pt->used;
}
