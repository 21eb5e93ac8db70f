/* writes_events: which audit records are writes, and which file (identity, best name) and
 * writer each one names. */
#include "detect/writes_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "util/path.h"

#define AT_FDCWD_ARG ((unsigned long long)(long long)AT_FDCWD)

/* Resolve a PATH item's name: absolute as is, relative against the CWD record, or for *at()
 * calls with a real dirfd against that descriptor's directory: where the descriptor pointed
 * if the writer is still there, else each PARENT item's directory found by its identity
 * under the search dirs (renameat lists both directories, in no fixed order). A candidate
 * whose result has the item's identity wins. */
static bool resolve_name(struct writes *w, const struct rec_event *ev, const struct rec_path *item,
			 bool at_call, unsigned long long dirfd, char *out, size_t cap)
{
	char dir[WRITES_PATH_MAX], cand[WRITES_PATH_MAX];
	bool have = false;
	struct stat st;

	if (!item->name.s || item->name.len == 0)
		return false;
	if (item->name.s[0] == '/' || !at_call || dirfd == AT_FDCWD_ARG || (int)dirfd == AT_FDCWD)
		return path_normalize(ev->cwd.s, item->name.s, item->name.len, out, cap);
	if (w->fs.fd_path && w->fs.fd_path(w->fs.ctx, ev->pid, (long long)(int)dirfd, dir,
					   sizeof(dir)) == 0 &&
	    path_normalize(dir, item->name.s, item->name.len, cand, sizeof(cand))) {
		snprintf(out, cap, "%s", cand);
		if (w->fs.stat(w->fs.ctx, cand, &item->id, &st) == 0)
			return true;
		have = true;
	}
	for (unsigned i = 0; w->fs.find_dir && i < ev->npaths; i++) {
		const struct rec_path *p = &ev->paths[i];

		if (strcmp(p->nametype, "PARENT") != 0 || !p->id.valid ||
		    w->fs.find_dir(w->fs.ctx, &w->cfg->writes.search_dirs, &p->id, dir, sizeof(dir)) < 0 ||
		    !path_normalize(dir, item->name.s, item->name.len, cand, sizeof(cand)))
			continue;
		bool verified = w->fs.stat(w->fs.ctx, cand, &item->id, &st) == 0;

		if (verified || !have) {
			snprintf(out, cap, "%s", cand);
			if (verified)
				return true;
			have = true;
		}
	}
	return have;
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
	if (w->name_hook && !w->name_hook(w->judge_ctx, ev, &item->id, path, WRITES_CAUSE_WRITE) &&
	    !writes_pending_find(w, &item->id)) {
		w->stats.not_followed++;
		return;
	}
	p = writes_track(w, ev, &item->id, path, now_ms);
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
	enum writes_cause op = strcmp(sc, "link") == 0 || strcmp(sc, "linkat") == 0 ?
			       WRITES_CAUSE_LINK : WRITES_CAUSE_RENAME;
	char path[WRITES_PATH_MAX] = "";
	struct file_id id;
	struct pending *p;
	bool follow = true;

	if (!created)
		return;
	/* the moved inode: the new name's, or the old name's when the record lacks it */
	id = created->id;
	if (!id.valid && deleted)
		id = deleted->id;
	if (!resolve_name(w, ev, created, at_call, ev->args[2], path, sizeof(path)))
		name_hint(created, path, sizeof(path), &w->stats);
	/* a symlink renamed or linked over a linker file counts too: ld.so follows it */
	if (w->name_hook)
		follow = w->name_hook(w->judge_ctx, ev, &id, path, op);
	if (created->has_mode && !S_ISREG(created->mode))
		return;
	w->stats.renames++;
	p = writes_pending_find(w, &id);
	if (!p && !follow) {
		w->stats.renames--;
		w->stats.not_followed++;
		return;
	}
	if (!p) {
		p = writes_track(w, ev, &id, path, now_ms);
		if (!p)
			return;
	} else if (path[0]) {
		snprintf(p->wf.path, sizeof(p->wf.path), "%s", path);
	}
	if (created->has_mode && (created->mode & 0111))
		p->wf.exec_bit = true;
	writes_settle_now(w, p, op, ev);
}

static void on_chmod(struct writes *w, const struct rec_event *ev, long long now_ms)
{
	const char *sc = ev->syscall_name ? ev->syscall_name : "";
	bool at_call = strcmp(sc, "fchmodat") == 0 || strcmp(sc, "fchmodat2") == 0;
	unsigned long long mode = at_call ? ev->args[2] : ev->args[1];
	const struct rec_path *item = NULL;
	char path[WRITES_PATH_MAX] = "";
	struct pending *p;

	if (!ev->success)
		return;
	for (unsigned i = 0; i < ev->npaths && !item; i++)
		if (ev->paths[i].id.valid && strcmp(ev->paths[i].nametype, "PARENT") != 0)
			item = &ev->paths[i];
	if (item && w->name_hook) {
		/* any mode change of a linker file matters, not only an exec bit */
		if (item->name.s && item->name.len > 0)
			resolve_name(w, ev, item, at_call, ev->args[0], path, sizeof(path));
		else if (strcmp(sc, "fchmod") == 0 && w->fs.fd_path)
			w->fs.fd_path(w->fs.ctx, ev->pid, (long long)(int)ev->args[0], path, sizeof(path));
		if (path[0])
			w->name_hook(w->judge_ctx, ev, &item->id, path, WRITES_CAUSE_CHMOD);
		path[0] = '\0';
	}
	if (!(mode & 0111) || !item || (item->has_mode && !S_ISREG(item->mode)))
		return;
	w->stats.chmods++;
	p = writes_pending_find(w, &item->id);
	if (!p) {
		const struct write_result *r = writes_recent_lookup(w, &item->id);

		if (item->name.s && item->name.len > 0)
			resolve_name(w, ev, item, at_call, ev->args[0], path, sizeof(path));
		else if (r)
			snprintf(path, sizeof(path), "%s", r->file.path);
		else if (strcmp(sc, "fchmod") == 0 && w->fs.fd_path)
			w->fs.fd_path(w->fs.ctx, ev->pid, (long long)(int)ev->args[0], path, sizeof(path));
		if (!path[0])
			w->stats.unresolved++;
		/* given an exec bit but never seen written: judge it now, writer = chmod's caller */
		p = writes_track(w, ev, &item->id, path, now_ms);
		if (!p)
			return;
	}
	p->wf.exec_bit = true;
	writes_settle_now(w, p, WRITES_CAUSE_CHMOD, ev);
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
