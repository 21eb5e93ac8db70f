/* state_decode: the saved tables read back from bytes (state_format.h), every length, count
 * and field checked before it is used. Pure. */
#include "detect/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/state_format.h"

struct in {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static uint64_t get(struct in *r, unsigned bytes)
{
	uint64_t v = 0;

	if (r->bad || r->len - r->off < bytes) {
		r->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->off++] << (8 * i);
	return v;
}

static long long get_i64(struct in *r)
{
	uint64_t v = get(r, 8);
	long long s;

	memcpy(&s, &v, sizeof(s));
	return s;
}

static bool get_bool(struct in *r)
{
	uint64_t v = get(r, 1);

	r->bad = r->bad || v > 1;
	return v == 1;
}

/* into dst (cap bytes): shorter than cap, no NUL */
static void get_str(struct in *r, char *dst, size_t cap)
{
	size_t n = (size_t)get(r, 2);

	dst[0] = '\0';
	if (r->bad || n >= cap || r->len - r->off < n || memchr(r->p + r->off, '\0', n)) {
		r->bad = true;
		return;
	}
	memcpy(dst, r->p + r->off, n);
	dst[n] = '\0';
	r->off += n;
}

/* saved by name: one not in the table is refused */
static void get_cause(struct in *r, enum writes_cause *ret)
{
	char name[WRITES_CAUSE_NAME_MAX];

	get_str(r, name, sizeof(name));
	*ret = WRITES_CAUSE_NONE;
	if (!r->bad && !writes_cause_from_name(name, ret))
		r->bad = true;
}

/* an identity not known is written as zeros (whatever the struct held): one spelling */
static void get_id(struct in *r, struct file_id *id)
{
	id->valid = get_bool(r);
	id->major = (uint32_t)get(r, 4);
	id->minor = (uint32_t)get(r, 4);
	id->ino = get(r, 8);
	if (!id->valid && (id->major || id->minor || id->ino))
		r->bad = true;
}

static void get_proc(struct in *r, struct proc_entry *e)
{
	e->pid = get_i64(r);
	e->ppid = get_i64(r);
	e->uid = get_i64(r);
	e->auid = get_i64(r);
	e->ses = get_i64(r);
	e->sec = (time_t)get_i64(r);
	get_str(r, e->exe, sizeof(e->exe));
	get_str(r, e->image, sizeof(e->image));
	get_str(r, e->comm, sizeof(e->comm));
	get_str(r, e->argv, sizeof(e->argv));
	get_id(r, &e->image_id);
}

static void get_file(struct in *r, struct written_file *wf)
{
	get_id(r, &wf->id);
	get_str(r, wf->path, sizeof(wf->path));
	get_str(r, wf->event_id, sizeof(wf->event_id));
	wf->sec = (time_t)get_i64(r);
	wf->msec = (unsigned)get(r, 2);
	get_str(r, wf->syscall, sizeof(wf->syscall));
	get_proc(r, &wf->writer);
	wf->download_tool = get_bool(r);
	wf->exec_bit = get_bool(r);
	get_cause(r, &wf->settled_by);
	get_str(r, wf->trigger_event, sizeof(wf->trigger_event));
}

static void get_recent(struct in *r, struct state_recent *e)
{
	struct write_result *w = &e->r;
	uint64_t m;

	get_file(r, &w->file);
	w->is_elf = get_bool(r);
	w->verdict = (enum severity)get(r, 1);
	m = get(r, 1);
	if (!state_mitre_at(m, &w->mitre))
		r->bad = true;
	get_str(r, w->sha256, sizeof(w->sha256));
	e->age_ms = get_i64(r);
	w->unjudged = (enum writes_unjudged)get(r, 1);
	w->unjudged_errno = (int)get(r, 2);
	w->attempts = (unsigned)get(r, 4);
	w->waited_ms = get_i64(r);
	w->exec_candidate = get_bool(r);
	e->size = get_i64(r);
	e->mtime.tv_sec = (time_t)get_i64(r);
	e->mtime.tv_nsec = (long)get(r, 4);
}

/* A count, then room for it: refused before anything is allocated when it is over the cap
 * or could not fit in what is left (each entry takes at least min_bytes). */
static size_t get_count(struct in *r, size_t cap, size_t min_bytes, const char **why,
			const char *over)
{
	size_t n = (size_t)get(r, 4);

	if (r->bad)
		return 0;
	if (n > cap || n > (r->len - r->off) / min_bytes) {
		r->bad = true;
		*why = over;
		return 0;
	}
	return n;
}

static int refuse(struct state_snapshot *s, const char **ret_why, const char *why, int err)
{
	state_snapshot_free(s);
	*ret_why = why;
	return err;
}

#define PROC_MIN (6 * 8 + 4 * 2 + STATE_ID_BYTES)
#define FILE_MIN (STATE_ID_BYTES + 2 + 2 + 8 + 2 + 2 + PROC_MIN + 2 + 2 + 2)

int state_decode(const uint8_t *buf, size_t len, const struct state_limits *lim,
		 struct state_snapshot *ret, const char **ret_why)
{
	struct state_snapshot s = { 0 };
	struct in r = { buf, len, 0, false };
	const char *why = "truncated or malformed entry";
	uint64_t payload, sum;

	memset(ret, 0, sizeof(*ret));
	if (len < STATE_HEADER_BYTES || memcmp(buf, STATE_MAGIC, 8) != 0)
		return refuse(&s, ret_why, len < STATE_HEADER_BYTES ? "shorter than its header" :
			      "not a state file (magic)", -EBADMSG);
	r.off = 8;
	if (get(&r, 4) != STATE_VERSION)
		return refuse(&s, ret_why, "another format version", -EBADMSG);
	if (get(&r, 4) != STATE_HEADER_BYTES)
		return refuse(&s, ret_why, "header length", -EBADMSG);
	payload = get(&r, 8);
	if (len > state_max_bytes(lim))
		return refuse(&s, ret_why, "larger than the tables can hold", -EBADMSG);
	if (payload != len - STATE_HEADER_BYTES)
		return refuse(&s, ret_why, "length does not match its header (torn write?)", -EBADMSG);
	sum = get(&r, 8);
	if (sum != state_checksum(buf, len))
		return refuse(&s, ret_why, "checksum mismatch", -EBADMSG);
	s.saved_mono_ms = get_i64(&r);
	s.saved_real_s = get_i64(&r);
	memcpy(s.boot_id, buf + r.off, 16);
	r.off = STATE_HEADER_BYTES;
	if (s.saved_mono_ms < 0)
		return refuse(&s, ret_why, "negative save time", -EBADMSG);

	s.nprocs = get_count(&r, lim->max_procs, PROC_MIN, &why, "more processes than the table holds");
	if (s.nprocs && !(s.procs = calloc(s.nprocs, sizeof(*s.procs))))
		return refuse(&s, ret_why, "out of memory", -ENOMEM);
	for (size_t i = 0; i < s.nprocs && !r.bad; i++) {
		get_proc(&r, &s.procs[i]);
		if (!r.bad && !state_proc_valid(&s.procs[i]))
			r.bad = true, why = "process entry out of range";
	}
	if (r.bad)
		return refuse(&s, ret_why, why, -EBADMSG);

	s.npending = get_count(&r, lim->max_pending, FILE_MIN + 10, &why,
			       "more followed files than the table holds");
	if (s.npending && !(s.pending = calloc(s.npending, sizeof(*s.pending))))
		return refuse(&s, ret_why, "out of memory", -ENOMEM);
	for (size_t i = 0; i < s.npending && !r.bad; i++) {
		struct state_pending *p = &s.pending[i];

		get_file(&r, &p->wf);
		p->age_ms = get_i64(&r);
		p->settle_now = get_bool(&r);
		p->seen_elf = get_bool(&r);
		if (!r.bad && !state_pending_valid(p))
			r.bad = true, why = "followed file out of range";
	}
	if (r.bad)
		return refuse(&s, ret_why, why, -EBADMSG);

	s.nrecent = get_count(&r, lim->max_recent, FILE_MIN + 40, &why,
			      "more verdicts than the table holds");
	if (s.nrecent && !(s.recent = calloc(s.nrecent, sizeof(*s.recent))))
		return refuse(&s, ret_why, "out of memory", -ENOMEM);
	for (size_t i = 0; i < s.nrecent && !r.bad; i++) {
		get_recent(&r, &s.recent[i]);
		if (!r.bad && !state_recent_valid(&s.recent[i]))
			r.bad = true, why = "verdict out of range";
	}
	if (r.bad)
		return refuse(&s, ret_why, why, -EBADMSG);
	if (r.off != len)
		return refuse(&s, ret_why, "bytes after the last entry", -EBADMSG);
	*ret = s;
	*ret_why = NULL;
	return 0;
}
