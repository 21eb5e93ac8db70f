#include "writes.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

#define NIL UINT32_MAX
#define AT_FDCWD_ARG ((unsigned long long)(long long)AT_FDCWD)

/* (dev, inode) -> slot, chained, for a fixed number of slots. */
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
		x->buckets[i] = NIL;
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

	while (*link != NIL && *link != slot)
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

void writes_set_config(struct writes *w, const struct config *cfg)
{
	/* table sizes stay as they were created; the rest follows the new configuration */
	w->cfg = cfg;
}

static struct pending *pending_find(struct writes *w, const struct file_id *id)
{
	if (!id->valid)
		return NULL;
	for (uint32_t i = w->pidx.buckets[idx_bucket(&w->pidx, id)]; i != NIL; i = w->pidx.next[i])
		if (file_id_equal(&w->pending[i].wf.id, id))
			return &w->pending[i];
	return NULL;
}

static struct pending *pending_find_path(struct writes *w, const char *path)
{
	for (size_t i = 0; path && path[0] && i < w->npending_cap; i++)
		if (w->pending[i].used && strcmp(w->pending[i].wf.path, path) == 0)
			return &w->pending[i];
	return NULL;
}

static void pending_remove(struct writes *w, struct pending *p)
{
	idx_remove(&w->pidx, (uint32_t)(p - w->pending), &p->wf.id);
	p->used = false;
	w->npending--;
}

static const struct recent *recent_find(const struct writes *w, const struct file_id *id)
{
	if (!id->valid)
		return NULL;
	for (uint32_t i = w->ridx.buckets[idx_bucket(&w->ridx, id)]; i != NIL; i = w->ridx.next[i])
		if (file_id_equal(&w->recent[i].r.file.id, id))
			return &w->recent[i];
	return NULL;
}

static const struct recent *recent_find_path(const struct writes *w, const char *path)
{
	const struct recent *best = NULL;

	for (size_t i = 0; path && path[0] && i < w->nrecent_cap; i++)
		if (w->recent[i].used && strcmp(w->recent[i].r.file.path, path) == 0 &&
		    (!best || w->recent[i].r.judged_ms > best->r.judged_ms))
			best = &w->recent[i];
	return best;
}

static void recent_add(struct writes *w, const struct write_result *r, const struct stat *st)
{
	size_t slot = w->recent_next++ % w->nrecent_cap;
	struct recent *e = &w->recent[slot];

	if (e->used) {
		idx_remove(&w->ridx, (uint32_t)slot, &e->r.file.id);
		w->stats.recent_evicted++;
	}
	e->r = *r;
	e->size = st->st_size;
	e->mtime = st->st_mtim;
	e->used = true;
	idx_insert(&w->ridx, (uint32_t)slot, &e->r.file.id);
}

static bool matches_any(const struct pattern_list *l, const char *s, int flags)
{
	for (size_t i = 0; s && s[0] && i < l->n; i++)
		if (fnmatch(l->v[i], s, flags) == 0)
			return true;
	return false;
}

static const char *base_of(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

static void classify_writer(const struct config *cfg, struct written_file *wf)
{
	const struct pattern_list *tp = &cfg->writes.trusted_producers;

	wf->trusted_by[0] = '\0';
	for (size_t i = 0; i < tp->n; i++) {
		if (fnmatch(tp->v[i], wf->writer.exe, FNM_PATHNAME) == 0 ||
		    (wf->writer.image[0] && fnmatch(tp->v[i], wf->writer.image, FNM_PATHNAME) == 0)) {
			snprintf(wf->trusted_by, sizeof(wf->trusted_by), "%s", tp->v[i]);
			break;
		}
	}
	wf->download_tool = matches_any(&cfg->writes.download_tools, base_of(wf->writer.exe), 0) ||
			    matches_any(&cfg->writes.download_tools, wf->writer.comm, 0);
}

/* Snapshot the writing process of ev into wf (the proctable's shape, so alerts share code).
 * A write event has no argv and its PATH item 0 is the file: both come from the writer's exec
 * when the process table knows it. */
static void snapshot_writer(struct writes *w, const struct rec_event *ev, struct written_file *wf)
{
	const struct proc_entry *known = w->procs ? proctable_get(w->procs, ev->pid) : NULL;

	memset(&wf->writer, 0, sizeof(wf->writer));
	proc_entry_fill(&wf->writer, ev);
	wf->writer.image[0] = '\0';
	if (known && strcmp(known->exe, wf->writer.exe) == 0) {
		memcpy(wf->writer.image, known->image, sizeof(wf->writer.image));
		memcpy(wf->writer.argv, known->argv, sizeof(wf->writer.argv));
	}
	snprintf(wf->event_id, sizeof(wf->event_id), "%s", ev->id);
	wf->sec = ev->sec;
	wf->msec = ev->msec;
	snprintf(wf->syscall, sizeof(wf->syscall), "%s", ev->syscall_name ? ev->syscall_name : "");
}

/* Resolve a PATH item's name: absolute as is, relative against the CWD record, or for *at()
 * calls with a real dirfd against where that descriptor pointed (live only). */
static bool resolve_name(struct writes *w, const struct rec_event *ev, const struct rec_path *item,
			 bool at_call, unsigned long long dirfd, char *out, size_t cap)
{
	char dir[WRITES_PATH_MAX];

	if (!item->name.s || item->name.len == 0)
		return false;
	if (item->name.s[0] == '/' || !at_call || dirfd == AT_FDCWD_ARG || (int)dirfd == AT_FDCWD)
		return path_normalize(ev->cwd.s, item->name.s, item->name.len, out, cap);
	if (!w->fs.fd_path || w->fs.fd_path(w->fs.ctx, ev->pid, (long long)(int)dirfd, dir,
					    sizeof(dir)) < 0)
		return false;
	return path_normalize(dir, item->name.s, item->name.len, out, cap);
}

/* A name we could not make absolute: keep it as given, so alerts still show it. Opening such
 * a name fails on the live file system (it is relative); replays with artifacts do not need it. */
static void name_hint(const struct rec_path *item, char *out, size_t cap, struct writes_stats *st)
{
	size_t n = item->name.s ? item->name.len : 0;

	st->unresolved++;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, item->name.s ? item->name.s : "", n);
	out[n] = '\0';
	if (memchr(out, '\0', n))
		out[0] = '\0';
}

static const struct rec_path *find_item(const struct rec_event *ev, const char *nametype)
{
	for (unsigned i = 0; i < ev->npaths; i++)
		if (strcmp(ev->paths[i].nametype, nametype) == 0 && ev->paths[i].id.valid)
			return &ev->paths[i];
	return NULL;
}

static void judge_pending(struct writes *w, struct pending *p, const char *cause, long long now_ms);

/* Start following id, or update what we know if it is followed already. */
static struct pending *track(struct writes *w, const struct rec_event *ev, const struct file_id *id,
			     const char *path, long long now_ms)
{
	struct pending *p = pending_find(w, id);

	if (p) {
		/* written again (or the inode was reused): the last writer owns the content */
		if (path && path[0])
			snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
		snapshot_writer(w, ev, &p->wf);
		classify_writer(w->cfg, &p->wf);
		p->looked = false;
		return p;
	}
	if (w->npending == w->npending_cap) {
		/* full: the oldest is judged now rather than forgotten */
		struct pending *oldest = NULL;

		for (size_t i = 0; i < w->npending_cap; i++)
			if (w->pending[i].used && (!oldest || w->pending[i].first_ms < oldest->first_ms))
				oldest = &w->pending[i];
		w->stats.evicted++;
		judge_pending(w, oldest, "evicted", now_ms);
	}
	for (size_t i = 0; i < w->npending_cap; i++) {
		if (w->pending[i].used)
			continue;
		p = &w->pending[i];
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->wf.id = *id;
		snprintf(p->wf.path, sizeof(p->wf.path), "%s", path ? path : "");
		snapshot_writer(w, ev, &p->wf);
		classify_writer(w->cfg, &p->wf);
		p->first_ms = now_ms;
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

static void settle_now(struct writes *w, struct pending *p, const char *cause,
		       const struct rec_event *ev)
{
	p->settle_now = true;
	snprintf(p->wf.settled_by, sizeof(p->wf.settled_by), "%s", cause);
	snprintf(p->wf.trigger_event, sizeof(p->wf.trigger_event), "%s", ev->id);
	w->next_due_ms = 1; /* due at once */
}

static void on_open(struct writes *w, const struct rec_event *ev, long long now_ms)
{
	const char *sc = ev->syscall_name ? ev->syscall_name : "";
	unsigned long long flags;
	const struct rec_path *item;
	char path[WRITES_PATH_MAX] = "";
	bool at_call = strcmp(sc, "openat") == 0 || strcmp(sc, "openat2") == 0;
	struct pending *p;

	if (strcmp(sc, "creat") == 0)
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	else if (strcmp(sc, "open") == 0)
		flags = ev->args[1];
	else if (strcmp(sc, "openat") == 0)
		flags = ev->args[2];
	else if (ev->has_oflag)
		flags = ev->oflag;
	else
		flags = O_CREAT; /* openat2 without its OPENAT2 record: assume the worst */
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC)))
		return;
	item = find_item(ev, "CREATE");
	if (!item) {
		for (unsigned i = ev->npaths; i > 0; i--) {
			if (strcmp(ev->paths[i - 1].nametype, "PARENT") != 0 && ev->paths[i - 1].id.valid) {
				item = &ev->paths[i - 1];
				break;
			}
		}
	}
	if (!item || (item->has_mode && !S_ISREG(item->mode)))
		return;
	if (!resolve_name(w, ev, item, at_call, ev->args[0], path, sizeof(path)))
		name_hint(item, path, sizeof(path), &w->stats);
	p = track(w, ev, &item->id, path, now_ms);
	if (p && item->has_mode && (item->mode & 0111))
		p->wf.exec_bit = true;
}

static void on_rename_or_link(struct writes *w, const struct rec_event *ev, long long now_ms)
{
	const char *sc = ev->syscall_name ? ev->syscall_name : "";
	const struct rec_path *created = find_item(ev, "CREATE");
	const struct rec_path *deleted = find_item(ev, "DELETE");
	bool at_call = strcmp(sc, "renameat") == 0 || strcmp(sc, "renameat2") == 0 ||
		       strcmp(sc, "linkat") == 0;
	char path[WRITES_PATH_MAX] = "";
	struct file_id id;
	struct pending *p;

	if (!created)
		return;
	/* the moved inode: the new name's, or the old name's when the record lacks it */
	id = created->id;
	if (!id.valid && deleted)
		id = deleted->id;
	if (created->has_mode && !S_ISREG(created->mode))
		return;
	if (!resolve_name(w, ev, created, at_call, ev->args[2], path, sizeof(path)))
		name_hint(created, path, sizeof(path), &w->stats);
	w->stats.renames++;
	p = pending_find(w, &id);
	if (!p) {
		p = track(w, ev, &id, path, now_ms);
		if (!p)
			return;
	} else if (path[0]) {
		snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
	}
	if (created->has_mode && (created->mode & 0111))
		p->wf.exec_bit = true;
	settle_now(w, p, strcmp(sc, "link") == 0 || strcmp(sc, "linkat") == 0 ? "link" : "rename", ev);
}

static void on_chmod(struct writes *w, const struct rec_event *ev, long long now_ms)
{
	const char *sc = ev->syscall_name ? ev->syscall_name : "";
	unsigned long long mode = strcmp(sc, "fchmodat") == 0 ? ev->args[2] : ev->args[1];
	const struct rec_path *item = NULL;
	char path[WRITES_PATH_MAX] = "";
	struct pending *p;

	if (!(mode & 0111) || !ev->success)
		return;
	for (unsigned i = 0; i < ev->npaths && !item; i++)
		if (ev->paths[i].id.valid && strcmp(ev->paths[i].nametype, "PARENT") != 0)
			item = &ev->paths[i];
	if (!item || (item->has_mode && !S_ISREG(item->mode)))
		return;
	w->stats.chmods++;
	p = pending_find(w, &item->id);
	if (!p) {
		const struct recent *r = recent_find(w, &item->id);

		if (item->name.s && item->name.len > 0)
			resolve_name(w, ev, item, strcmp(sc, "fchmodat") == 0, ev->args[0], path, sizeof(path));
		else if (r)
			snprintf(path, sizeof(path), "%s", r->r.file.path);
		else if (strcmp(sc, "fchmod") == 0 && w->fs.fd_path)
			w->fs.fd_path(w->fs.ctx, ev->pid, (long long)(int)ev->args[0], path, sizeof(path));
		if (!path[0])
			w->stats.unresolved++;
		/* given an exec bit but never seen written: judge it now, writer = chmod's caller */
		p = track(w, ev, &item->id, path, now_ms);
		if (!p)
			return;
	}
	p->wf.exec_bit = true;
	settle_now(w, p, "chmod", ev);
}

void writes_on_event(struct writes *w, const struct rec_event *ev, long long now_ms)
{
	if (!w->cfg->writes.enabled || !ev->success)
		return;
	switch (ev->kind) {
	case REC_OPEN:
		w->stats.write_events++;
		on_open(w, ev, now_ms);
		break;
	case REC_RENAME:
	case REC_LINK:
		w->stats.write_events++;
		on_rename_or_link(w, ev, now_ms);
		break;
	case REC_CHMOD:
		w->stats.write_events++;
		on_chmod(w, ev, now_ms);
		break;
	default:
		break;
	}
}

static bool has_elf_magic(int fd)
{
	unsigned char m[4];

	return pread(fd, m, sizeof(m), 0) == 4 && memcmp(m, "\177ELF", 4) == 0;
}

static void judge_pending(struct writes *w, struct pending *p, const char *cause, long long now_ms)
{
	struct written_file wf = p->wf;
	struct write_result res;
	const struct recent *dup;
	struct stat st;
	int fd;

	pending_remove(w, p);
	if (!wf.settled_by[0])
		snprintf(wf.settled_by, sizeof(wf.settled_by), "%s", cause);
	if (!wf.path[0]) {
		w->stats.unresolved++;
		return;
	}
	fd = w->fs.open(w->fs.ctx, wf.path, &wf.id, &st);
	if (fd < 0) {
		if (fd == -ENOENT || fd == -ENOTDIR)
			w->stats.gone++;
		else if (fd == -ESTALE)
			w->stats.identity_changed++;
		else
			w->stats.not_regular++;
		return;
	}
	dup = recent_find(w, &wf.id);
	if (dup && dup->size == st.st_size && dup->mtime.tv_sec == st.st_mtim.tv_sec &&
	    dup->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		w->stats.duplicates++;
		close(fd);
		return;
	}
	if (!has_elf_magic(fd)) {
		w->stats.not_elf++;
		close(fd);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.file = wf;
	res.judged_ms = now_ms;
	w->judge(w->judge_ctx, &wf, fd, &st, &res);
	close(fd);
	w->stats.judged++;
	if (!res.is_elf) {
		w->stats.not_elf++;
		return;
	}
	res.file = wf;
	res.judged_ms = now_ms;
	recent_add(w, &res, &st);
}

/* One look at a pending file: gone, not ours any more, not ELF, still growing, or settled. */
static void look(struct writes *w, struct pending *p, long long now_ms)
{
	struct stat st;
	int r;

	if (!p->wf.path[0]) {
		p->next_look_ms = now_ms + w->cfg->writes.settle_ms;
		return;
	}
	r = w->fs.stat(w->fs.ctx, p->wf.path, &p->wf.id, &st);
	if (r < 0) {
		if (r == -ENOENT || r == -ENOTDIR)
			w->stats.gone++;
		else if (r == -ESTALE)
			w->stats.identity_changed++;
		else
			w->stats.not_regular++;
		pending_remove(w, p);
		return;
	}
	if (!p->magic_checked && st.st_size >= 4) {
		int fd = w->fs.open(w->fs.ctx, p->wf.path, &p->wf.id, &st);
		bool elf = fd >= 0 && has_elf_magic(fd);

		if (fd >= 0)
			close(fd);
		if (!elf) {
			w->stats.not_elf++;
			pending_remove(w, p);
			return;
		}
		p->magic_checked = true;
	}
	if (p->looked && st.st_size == p->size && st.st_mtim.tv_sec == p->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == p->mtime.tv_nsec) {
		judge_pending(w, p, "stable", now_ms);
		return;
	}
	p->looked = true;
	p->size = st.st_size;
	p->mtime = st.st_mtim;
	p->next_look_ms = now_ms + w->cfg->writes.settle_ms;
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
		if (p->settle_now) {
			judge_pending(w, p, p->wf.settled_by, now_ms);
			continue;
		}
		if (now_ms - p->first_ms >= (long long)w->cfg->writes.max_wait_ms) {
			w->stats.timeouts++;
			judge_pending(w, p, "timeout", now_ms);
			continue;
		}
		if (now_ms >= p->next_look_ms)
			look(w, p, now_ms);
		if (p->used) {
			long long deadline = p->first_ms + w->cfg->writes.max_wait_ms;

			next = p->next_look_ms < next ? p->next_look_ms : next;
			next = deadline < next ? deadline : next;
		}
	}
	w->next_due_ms = next;
}

void writes_flush(struct writes *w, long long now_ms)
{
	for (size_t i = 0; i < w->npending_cap; i++)
		if (w->pending[i].used)
			judge_pending(w, &w->pending[i], w->pending[i].settle_now ?
				      w->pending[i].wf.settled_by : "end_of_input", now_ms);
}

const struct write_result *writes_on_exec(struct writes *w, const struct file_id *id,
					  const char *path, const struct rec_event *ev,
					  long long now_ms)
{
	struct pending *p = id && id->valid ? pending_find(w, id) : pending_find_path(w, path);
	const struct recent *r;

	if (p) {
		if (path && path[0] && !p->wf.path[0])
			snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
		settle_now(w, p, "exec", ev);
		judge_pending(w, p, "exec", now_ms);
	}
	r = id && id->valid ? recent_find(w, id) : recent_find_path(w, path);
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
