#include "detect/execjudge.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/path.h"

#define XJ_WAYS 4

struct xj_entry {
	struct file_id id;
	off_t size;
	struct timespec mtime, ctime;
	uint64_t used_at;               /* 0: empty slot */
	struct execjudge_verdict v;
};

struct execjudge {
	struct xj_entry *e;
	size_t nsets;                   /* power of two */
	uint64_t clock;                 /* lookups and inserts, for least-recently-used */
	struct execjudge_stats stats;
};

static bool ends_with(const struct rec_str *s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s->s && s->len >= n && memcmp(s->s + s->len - n, suffix, n) == 0;
}

static bool starts_with(const struct rec_str *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s->s && s->len >= n && memcmp(s->s, prefix, n) == 0;
}

unsigned execjudge_fileless(const struct rec_event *ev)
{
	const struct rec_path *p0 = rec_path_item(ev, 0);
	unsigned bits = 0;

	/* exe is the kernel's d_path of the image: a memfd's is "/memfd:NAME (deleted)" */
	if (starts_with(&ev->exe, "/memfd:"))
		bits |= XJ_MEMFD;
	if (ends_with(&ev->exe, " (deleted)"))
		bits |= XJ_DELETED;
	if (p0 && p0->name.s) {
		/* execveat(fd, "", AT_EMPTY_PATH) leaves an empty name; the flag itself (a4) is not
		 * in the SYSCALL record, which prints a0..a3 only */
		if (p0->name.len == 0 && ev->syscall_name && strcmp(ev->syscall_name, "execveat") == 0)
			bits |= XJ_FD_EXEC;
		if (starts_with(&p0->name, "/proc/self/fd/") || starts_with(&p0->name, "/dev/fd/") ||
		    (starts_with(&p0->name, "/proc/") && strstr(p0->name.s, "/fd/")))
			bits |= XJ_FD_EXEC;
	}
	return bits;
}

const char *execjudge_fileless_name(unsigned bit)
{
	switch (bit) {
	case XJ_MEMFD: return "memfd";
	case XJ_DELETED: return "deleted_file";
	case XJ_FD_EXEC: return "fd_exec";
	default: return "unknown";
	}
}

bool execjudge_in_scope(const struct config *cfg, const char *path)
{
	const struct pattern_list *sys = &cfg->exec_judge.system_dirs;

	if (!path || path[0] != '/')
		return false;
	for (size_t i = 0; i < sys->n; i++)
		if (path_under(path, sys->v[i]))
			return false;
	return true;
}

const char *execjudge_outcome_name(enum execjudge_outcome o)
{
	static const char *const names[] = { "out_of_scope", "cached", "now", "unavailable" };

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}

const char *execjudge_via_name(enum execjudge_via v)
{
	static const char *const names[XJ_VIA_COUNT] = {
		[XJ_VIA_NONE] = NULL, [XJ_VIA_PATH] = "path", [XJ_VIA_PROC_EXE] = "proc_exe",
	};

	return (unsigned)v < XJ_VIA_COUNT ? names[v] : "?";
}

const char *execjudge_error_name(const struct execjudge_result *r)
{
	bool proc = r->via == XJ_VIA_PROC_EXE;

	switch (r->err) {
	case -ENOENT: case -ESRCH: return proc ? "process_gone" : "file_gone";
	case -ESTALE: return "image_replaced";
	case -EREMOTE: return "network_or_fuse_mount";
	case -ENOSYS: return "no_file_access";
	case -EINVAL: return "not_regular";
	case -ELOOP: return "symlink";
	case -EACCES: case -EPERM: return "permission_denied";
	case -ENOMEM: return "out_of_memory";
	default: return "open_failed";
	}
}

struct execjudge *execjudge_new(size_t cap)
{
	struct execjudge *xj = calloc(1, sizeof(*xj));
	size_t sets = 4;

	if (!xj)
		return NULL;
	while (sets * XJ_WAYS < cap && sets < ((size_t)1 << 24))
		sets *= 2;
	xj->nsets = sets;
	xj->e = calloc(sets * XJ_WAYS, sizeof(*xj->e));
	if (!xj->e) {
		free(xj);
		return NULL;
	}
	return xj;
}

void execjudge_free(struct execjudge *xj)
{
	if (!xj)
		return;
	free(xj->e);
	free(xj);
}

void execjudge_clear(struct execjudge *xj)
{
	memset(xj->e, 0, xj->nsets * XJ_WAYS * sizeof(*xj->e));
}

static struct xj_entry *xj_set(struct execjudge *xj, const struct file_id *id)
{
	uint64_t h = (id->ino * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)id->major << 20 | id->minor);

	return &xj->e[((size_t)(h >> 17) & (xj->nsets - 1)) * XJ_WAYS];
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* ctime is in the key: utimensat can put mtime back after a same-size rewrite, not ctime. */
static bool same_state(const struct xj_entry *e, const struct file_id *id, const struct stat *st)
{
	return e->used_at && file_id_equal(&e->id, id) && e->size == st->st_size &&
	       same_time(&e->mtime, &st->st_mtim) && same_time(&e->ctime, &st->st_ctim);
}

const struct execjudge_verdict *execjudge_lookup(struct execjudge *xj, const struct stat *st)
{
	struct file_id id = file_id_from_stat(st);
	struct xj_entry *set = xj_set(xj, &id);

	for (unsigned i = 0; i < XJ_WAYS; i++)
		if (same_state(&set[i], &id, st)) {
			set[i].used_at = ++xj->clock;
			return &set[i].v;
		}
	return NULL;
}

void execjudge_remember(struct execjudge *xj, const struct stat *st,
			const struct execjudge_verdict *v)
{
	struct file_id id = file_id_from_stat(st);
	struct xj_entry *set = xj_set(xj, &id), *slot = NULL;

	/* an older state of the same inode is replaced first, then an empty slot, then the LRU */
	for (unsigned i = 0; i < XJ_WAYS && !slot; i++)
		if (set[i].used_at && file_id_equal(&set[i].id, &id))
			slot = &set[i];
	for (unsigned i = 0; i < XJ_WAYS && !slot; i++)
		if (!set[i].used_at)
			slot = &set[i];
	if (!slot) {
		slot = &set[0];
		for (unsigned i = 1; i < XJ_WAYS; i++)
			if (set[i].used_at < slot->used_at)
				slot = &set[i];
		xj->stats.evictions++;
	}
	slot->id = id;
	slot->size = st->st_size;
	slot->mtime = st->st_mtim;
	slot->ctime = st->st_ctim;
	slot->used_at = ++xj->clock;
	slot->v = *v;
}

/* Judge the open fd (or take the cached verdict of its state); closes fd. */
static void judge_fd(struct execjudge *xj, int fd, const struct stat *st, execjudge_judge_fn judge,
		     void *judge_ctx, struct execjudge_result *ret)
{
	const struct execjudge_verdict *hit = execjudge_lookup(xj, st);
	int r;

	ret->st = *st;
	if (hit) {
		xj->stats.hits++;
		ret->outcome = XJ_CACHED;
		ret->v = *hit;
		close(fd);
		return;
	}
	xj->stats.misses++;
	memset(&ret->v, 0, sizeof(ret->v));
	r = judge(judge_ctx, fd, st, &ret->v);
	close(fd);
	if (r < 0) {
		xj->stats.judge_errors++;
		xj->stats.unavailable++;
		ret->outcome = XJ_UNAVAILABLE;
		ret->err = r;
		return;
	}
	xj->stats.judged++;
	ret->outcome = XJ_JUDGED;
	execjudge_remember(xj, st, &ret->v);
}

static void via_proc(struct execjudge *xj, const struct execjudge_fs *fs,
		     const struct execjudge_request *req, execjudge_judge_fn judge, void *judge_ctx,
		     struct execjudge_result *ret)
{
	struct stat st;
	int fd = fs->open_exe ? fs->open_exe(fs->ctx, req->pid, req->exe, req->id, &st) : -ENOSYS;

	ret->via = XJ_VIA_PROC_EXE;
	if (fd < 0) {
		xj->stats.unavailable++;
		ret->outcome = XJ_UNAVAILABLE;
		ret->err = fd;
		return;
	}
	judge_fd(xj, fd, &st, judge, judge_ctx, ret);
}

static bool in_record(const struct execjudge_request *req, const struct file_id *id)
{
	if (req->nids == 0)
		return !req->id || !req->id->valid || file_id_equal(req->id, id);
	for (unsigned i = 0; i < req->nids; i++)
		if (file_id_equal(&req->ids[i], id))
			return true;
	return false;
}

void execjudge_check(struct execjudge *xj, const struct execjudge_fs *fs,
		     const struct execjudge_request *req, execjudge_judge_fn judge,
		     void *judge_ctx, struct execjudge_result *ret)
{
	const struct execjudge_verdict *hit;
	struct file_id got = { 0 };
	struct stat st;
	int r, fd;

	memset(ret, 0, sizeof(*ret));
	xj->stats.checks++;
	if (req->via_proc_only || !req->path) {
		via_proc(xj, fs, req, judge, judge_ctx, ret);
		return;
	}
	ret->via = XJ_VIA_PATH;
	r = fs->stat(fs->ctx, req->path, req->id, &st);
	if (r >= 0) {
		got = file_id_from_stat(&st);
		if (!in_record(req, &got))
			r = -ESTALE;    /* not a file this exec opened: replaced, or a name swapped */
	}
	if (r >= 0 && (hit = execjudge_lookup(xj, &st))) {
		/* the hot path: one O_PATH stat, no open, no read */
		xj->stats.hits++;
		ret->outcome = XJ_CACHED;
		ret->st = st;
		ret->v = *hit;
		return;
	}
	fd = r < 0 ? r : fs->open(fs->ctx, req->path, &got, &st);
	if (fd >= 0) {
		judge_fd(xj, fd, &st, judge, judge_ctx, ret);
		return;
	}
	/* gone or replaced since the exec: the process still holds the image it ran */
	if ((fd == -ENOENT || fd == -ESTALE) && req->id && req->id->valid && req->pid > 0) {
		via_proc(xj, fs, req, judge, judge_ctx, ret);
		if (ret->outcome == XJ_UNAVAILABLE) {
			ret->via = XJ_VIA_PATH;
			ret->err = fd;
		}
		return;
	}
	xj->stats.unavailable++;
	ret->outcome = XJ_UNAVAILABLE;
	ret->err = fd;
}

void execjudge_get_stats(const struct execjudge *xj, struct execjudge_stats *ret)
{
	*ret = xj->stats;
}
