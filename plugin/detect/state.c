/* state: encoding and checked decoding of the saved tables.
 *
 * Layout, little-endian throughout:
 *   header (64 bytes): magic "ELFWSTAT", u32 version, u32 header length, u64 payload length,
 *     u64 FNV-1a of the whole file with this field zero, i64 monotonic ms, i64 real s,
 *     16 bytes boot id
 *   payload: u32 count, then that many process entries; the same for followed files, then
 *     for recent verdicts. Strings are u16 length + bytes (no NUL, shorter than the field
 *     they fill), identities u8 valid + u32 major + u32 minor + u64 inode.
 * The checksum finds a torn or damaged file; it is no signature: the file is trusted as far
 * as its owner and directory are (statefile.c). */
#include "detect/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/mitre.h"

#define CHECKSUM_OFFSET 24

static const struct mitre *const mitres[] = {
	NULL, &MITRE_LOADER_EXEC, &MITRE_INGRESS_TOOL_TRANSFER, &MITRE_SOFTWARE_PACKING,
	&MITRE_OBFUSCATED_FILES, &MITRE_DROPPED_EXEC, &MITRE_REFLECTIVE_CODE_LOADING,
	&MITRE_DYNAMIC_LINKER_HIJACKING,
};
#define NMITRES (sizeof(mitres) / sizeof(mitres[0]))

/* ---- field checks shared by both directions ---- */

static bool str_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static bool in(long long v, long long lo, long long hi)
{
	return v >= lo && v <= hi;
}

bool state_proc_valid(const struct proc_entry *e)
{
	return in(e->pid, 1, STATE_PID_MAX) && in(e->ppid, -1, STATE_PID_MAX) &&
	       in(e->uid, -1, UINT32_MAX) && in(e->auid, -1, UINT32_MAX) &&
	       in(e->ses, -1, UINT32_MAX) && str_ok(e->exe, sizeof(e->exe)) &&
	       str_ok(e->image, sizeof(e->image)) && str_ok(e->comm, sizeof(e->comm)) &&
	       str_ok(e->argv, sizeof(e->argv));
}

static bool file_valid(const struct written_file *wf)
{
	/* a writer pid may be missing from its event (0), unlike a process table entry */
	struct proc_entry w = wf->writer;

	if (w.pid == 0)
		w.pid = 1;
	return wf->id.valid && str_ok(wf->path, sizeof(wf->path)) &&
	       str_ok(wf->event_id, sizeof(wf->event_id)) && wf->msec < 1000 &&
	       str_ok(wf->syscall, sizeof(wf->syscall)) && str_ok(wf->settled_by, sizeof(wf->settled_by)) &&
	       str_ok(wf->trigger_event, sizeof(wf->trigger_event)) && state_proc_valid(&w);
}

bool state_pending_valid(const struct state_pending *p)
{
	return file_valid(&p->wf) && in(p->age_ms, 0, STATE_MAX_AGE_MS);
}

static bool sha_ok(const char *s)
{
	size_t n = strnlen(s, 65);

	if (n != 0 && n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int mitre_index(const struct mitre *m)
{
	for (size_t i = 0; i < NMITRES; i++)
		if (mitres[i] == m)
			return (int)i;
	return -1;
}

bool state_recent_valid(const struct state_recent *r)
{
	const struct write_result *w = &r->r;

	return file_valid(&w->file) && (unsigned)w->verdict < SEV_COUNT && mitre_index(w->mitre) >= 0 &&
	       sha_ok(w->sha256) && (unsigned)w->unjudged < WRITES_UJ_COUNT &&
	       in(w->unjudged_errno, 0, 4095) && in(w->waited_ms, 0, STATE_MAX_AGE_MS) &&
	       w->judge_error == 0 && in(r->age_ms, 0, STATE_MAX_AGE_MS) && r->size >= 0 &&
	       in(r->mtime.tv_nsec, 0, 999999999);
}

/* ---- sizes ---- */

#define STR_MAX(field) (2 + sizeof(field) - 1)
#define ID_BYTES 17
static const struct proc_entry proc_shape;
static const struct written_file file_shape;
#define PROC_MAX (6 * 8 + STR_MAX(proc_shape.exe) + STR_MAX(proc_shape.image) + \
		  STR_MAX(proc_shape.comm) + STR_MAX(proc_shape.argv) + ID_BYTES)
#define FILE_MAX (ID_BYTES + STR_MAX(file_shape.path) + STR_MAX(file_shape.event_id) + 8 + 2 + \
		  STR_MAX(file_shape.syscall) + PROC_MAX + 2 + STR_MAX(file_shape.settled_by) + \
		  STR_MAX(file_shape.trigger_event))
#define PENDING_MAX (FILE_MAX + 8 + 2)
#define RECENT_MAX (FILE_MAX + 3 + 2 + 64 + 8 + 1 + 2 + 4 + 8 + 1 + 8 + 8 + 4)

size_t state_max_bytes(const struct state_limits *lim)
{
	unsigned long long n = STATE_HEADER_BYTES + 12ULL +
		(unsigned long long)lim->max_procs * PROC_MAX +
		(unsigned long long)lim->max_pending * PENDING_MAX +
		(unsigned long long)lim->max_recent * RECENT_MAX;

	return n > STATE_MAX_BYTES ? STATE_MAX_BYTES : (size_t)n;
}

/* ---- writer ---- */

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
	put_str(o, wf->settled_by);
	put_str(o, wf->trigger_event);
}

static void put_recent(struct out *o, const struct state_recent *r)
{
	const struct write_result *w = &r->r;

	put_file(o, &w->file);
	put(o, w->is_elf, 1);
	put(o, (uint64_t)w->verdict, 1);
	put(o, (uint64_t)mitre_index(w->mitre), 1);
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

uint64_t state_checksum(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		/* the checksum field itself counts as zero */
		uint8_t b = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + 8 ? 0 : p[i];

		h = (h ^ b) * 0x100000001b3ULL;
	}
	return h;
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
	o.len = CHECKSUM_OFFSET;
	put(&o, sum, 8);
	if (ret_skipped)
		*ret_skipped = skipped;
	return (long)end;
}

/* ---- reader ---- */

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
	get_str(r, wf->settled_by, sizeof(wf->settled_by));
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
	w->mitre = m < NMITRES ? mitres[m] : NULL;
	r->bad = r->bad || m >= NMITRES;
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

void state_snapshot_free(struct state_snapshot *s)
{
	if (!s)
		return;
	free(s->procs);
	free(s->pending);
	free(s->recent);
	memset(s, 0, sizeof(*s));
}

static int refuse(struct state_snapshot *s, const char **ret_why, const char *why, int err)
{
	state_snapshot_free(s);
	*ret_why = why;
	return err;
}

#define PROC_MIN (6 * 8 + 4 * 2 + ID_BYTES)
#define FILE_MIN (ID_BYTES + 2 + 2 + 8 + 2 + 2 + PROC_MIN + 2 + 2 + 2)

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

int state_check_age(const struct state_snapshot *s, const uint8_t boot_id[16],
		    long long now_mono_ms, long long max_age_ms, const char **ret_why)
{
	if (memcmp(s->boot_id, boot_id, 16) != 0)
		*ret_why = "saved in another boot";
	else if (s->saved_mono_ms > now_mono_ms)
		*ret_why = "saved in the future";
	else if (now_mono_ms - s->saved_mono_ms > max_age_ms)
		*ret_why = "older than max_age";
	else
		return 0;
	return -ESTALE;
}
