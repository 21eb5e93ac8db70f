/* writes_settle: the life of one followed file. A write starts it (writes_track; a full table
 * judges its victim at once to make room). It is looked at (stat, never opened) every
 * settle_ms; once size and mtime hold it is opened and judged when ELF. A file that is not ELF
 * stays followed until max_wait_ms (looked at less often): content written in place later
 * (O_WRONLY without O_TRUNC, mmap, io_uring: no audit record) brings it back. An open that
 * fails (a lease, EACCES, a symlink or another inode at its name) is not "not ELF": it is
 * retried until max_wait_ms, then reported as a file that could not be judged. */
#include "detect/writes_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A file that is not ELF is looked at after 4 x settle_ms, then 16 x settle_ms (1.2 s, 4.8 s
 * by default) until max_wait_ms: each look is an O_PATH walk of the path (a few syscalls
 * per component), so a flood of text files must not turn into a flood of looks. */
#define NOT_ELF_FIRST_FACTOR 4
#define NOT_ELF_LOOK_FACTOR 16

static const char *const unjudged_names[WRITES_UJ_COUNT] = {
	[WRITES_JUDGED] = "judged",
	[WRITES_UJ_LEASE] = "lease",
	[WRITES_UJ_PERMISSION] = "permission_denied",
	[WRITES_UJ_SYMLINK] = "symlink_in_path",
	[WRITES_UJ_IDENTITY] = "identity_changed",
	[WRITES_UJ_UNSAFE_MOUNT] = "unsafe_mount",
	[WRITES_UJ_NO_NAME] = "no_name",
	[WRITES_UJ_READ_ERROR] = "read_error",
	[WRITES_UJ_OPEN_FAILED] = "open_failed",
	[WRITES_UJ_SHUTDOWN] = "shutdown",
};

static const char *const cause_names[WRITES_CAUSE_COUNT] = {
	[WRITES_CAUSE_NONE] = "",
	[WRITES_CAUSE_STABLE] = "stable",
	[WRITES_CAUSE_WRITE] = "write",
	[WRITES_CAUSE_RENAME] = "rename",
	[WRITES_CAUSE_LINK] = "link",
	[WRITES_CAUSE_CHMOD] = "chmod",
	[WRITES_CAUSE_EXEC] = "exec",
	[WRITES_CAUSE_TIMEOUT] = "timeout",
	[WRITES_CAUSE_END_OF_INPUT] = "end_of_input",
	[WRITES_CAUSE_EVICTED] = "evicted",
	[WRITES_CAUSE_SHUTDOWN] = "shutdown",
};

const char *writes_cause_name(enum writes_cause c)
{
	return (unsigned)c < WRITES_CAUSE_COUNT ? cause_names[c] : "?";
}

bool writes_cause_from_name(const char *name, enum writes_cause *ret)
{
	for (unsigned c = 0; c < WRITES_CAUSE_COUNT; c++)
		if (strcmp(name, cause_names[c]) == 0) {
			*ret = (enum writes_cause)c;
			return true;
		}
	return false;
}

const char *writes_unjudged_name(enum writes_unjudged u)
{
	return (unsigned)u < WRITES_UJ_COUNT ? unjudged_names[u] : "?";
}

enum writes_unjudged writes_unjudged_from_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return WRITES_JUDGED;
	case EWOULDBLOCK:       /* O_NONBLOCK open of a file under a write lease */
		return WRITES_UJ_LEASE;
	case EACCES:
	case EPERM:
		return WRITES_UJ_PERMISSION;
	case ELOOP:
		return WRITES_UJ_SYMLINK;
	case ESTALE:            /* another inode at the name */
	case EINVAL:            /* a FIFO, device or directory at the name */
		return WRITES_UJ_IDENTITY;
	case EREMOTE:           /* FUSE, NFS, ...: never opened */
		return WRITES_UJ_UNSAFE_MOUNT;
	default:
		return WRITES_UJ_OPEN_FAILED;
	}
}

struct pending *writes_pending_add(struct writes *w, const struct file_id *id, long long now_ms)
{
	if (w->npending == w->npending_cap) {
		/* full: one is judged now rather than forgotten (writes_pending_victim); none when
		 * npending disagrees with the used flags: no slot then, not a crash */
		struct pending *victim = writes_pending_victim(w);

		if (victim) {
			w->stats.evicted++;
			writes_finish(w, victim, WRITES_CAUSE_EVICTED, now_ms);
		}
	}
	return writes_pending_take(w, id, now_ms);
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

void writes_settle_now(struct writes *w, struct pending *p, enum writes_cause cause,
		       const struct rec_event *ev)
{
	p->settle_now = true;
	p->wf.settled_by = cause;
	snprintf(p->wf.trigger_event, sizeof(p->wf.trigger_event), "%s", ev->id);
	w->next_due_ms = 1; /* due at once */
}

static bool has_elf_magic(int fd)
{
	unsigned char m[4];

	return pread(fd, m, sizeof(m), 0) == 4 && memcmp(m, "\177ELF", 4) == 0;
}

static bool same_content(const struct pending *p, const struct stat *st)
{
	return st->st_size == p->size && st->st_mtim.tv_sec == p->mtime.tv_sec &&
	       st->st_mtim.tv_nsec == p->mtime.tv_nsec;
}

/* Does a newer written file (seen written, another inode) hold p's name? Then p was deleted
 * and replaced (a relink, an install over it), not hidden. */
static bool name_reused(struct writes *w, const struct pending *p)
{
	const struct recent *r = writes_recent_find_path(w, p->wf.path);

	for (size_t i = 0; i < w->npending_cap; i++) {
		const struct pending *o = &w->pending[i];

		if (o->used && o != p && !file_id_equal(&o->wf.id, &p->wf.id) &&
		    strcmp(o->wf.path, p->wf.path) == 0)
			return true;
	}
	return r && !file_id_equal(&r->r.file.id, &p->wf.id);
}

/* A look or an open of p failed with err. A file gone, or replaced by a newer written file,
 * leaves the table (true); anything else is remembered and retried. */
static bool open_failed(struct writes *w, struct pending *p, int err)
{
	if (err == -ENOENT || err == -ENOTDIR) {
		w->stats.gone++;
		writes_pending_remove(w, p);
		return true;
	}
	if (err == -ESTALE && name_reused(w, p)) {
		w->stats.replaced++;
		writes_pending_remove(w, p);
		return true;
	}
	p->last_err = err;
	/* a name we could not make absolute (a dirfd whose directory is gone): the live side
	 * refuses relative names, whatever errno it says it with */
	p->why = p->wf.path[0] != '/' ? WRITES_UJ_NO_NAME : writes_unjudged_from_errno(err);
	p->attempts++;
	w->stats.open_failures++;
	return false;
}

enum attempt { ATTEMPT_DONE, ATTEMPT_NOT_ELF, ATTEMPT_FAILED };

/* Open p's file and judge it when it is ELF (settled by cause unless p says otherwise). DONE:
 * judged, unchanged since its last verdict, or gone (p has left the table); NOT_ELF and FAILED
 * leave p in the table. */
static enum attempt attempt_judge(struct writes *w, struct pending *p, enum writes_cause cause,
				  long long now_ms)
{
	struct write_result res;
	const struct recent *dup;
	struct stat st;
	int fd;

	if (!p->wf.path[0]) {
		p->why = WRITES_UJ_NO_NAME;
		p->attempts++;
		return ATTEMPT_FAILED;
	}
	fd = w->fs.open(w->fs.ctx, p->wf.path, &p->wf.id, &st);
	if (fd < 0)
		return open_failed(w, p, fd) ? ATTEMPT_DONE : ATTEMPT_FAILED;
	p->size = st.st_size;
	p->mtime = st.st_mtim;
	dup = writes_recent_find(w, &p->wf.id);
	if (dup && !dup->r.unjudged && dup->size == st.st_size &&
	    dup->mtime.tv_sec == st.st_mtim.tv_sec && dup->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		w->stats.duplicates++;
		close(fd);
		writes_pending_remove(w, p);
		return ATTEMPT_DONE;
	}
	if (!has_elf_magic(fd)) {
		close(fd);
		return ATTEMPT_NOT_ELF;
	}
	p->seen_elf = true;
	memset(&res, 0, sizeof(res));
	res.file = p->wf;
	if (res.file.settled_by == WRITES_CAUSE_NONE)
		res.file.settled_by = cause;
	res.judged_ms = now_ms;
	w->judge(w->judge_ctx, &res.file, fd, &st, &res);
	close(fd);
	if (res.judge_error < 0) {
		p->last_err = res.judge_error;
		p->why = WRITES_UJ_READ_ERROR;
		p->attempts++;
		w->stats.open_failures++;
		return ATTEMPT_FAILED;
	}
	w->stats.judged++;
	if (!res.is_elf)
		return ATTEMPT_NOT_ELF;
	writes_recent_add(w, &res, st.st_size, &st.st_mtim);
	writes_pending_remove(w, p);
	return ATTEMPT_DONE;
}

static void become_not_elf(struct writes *w, struct pending *p, long long now_ms)
{
	p->not_elf = p->looked = true;
	p->interval_ms = (long long)w->cfg->writes.settle_ms * NOT_ELF_FIRST_FACTOR;
	p->next_look_ms = now_ms + p->interval_ms;
}

/* The first look at a file with 4 bytes or more reads them: one that does not start as an ELF
 * is followed sparsely at once instead of waiting for it to hold still (until it changes). */
static bool peek_not_elf(struct writes *w, struct pending *p)
{
	struct stat st;
	int fd = w->fs.open(w->fs.ctx, p->wf.path, &p->wf.id, &st);
	bool elf;

	if (fd < 0)
		return false;   /* the judgement's own open will say why */
	elf = has_elf_magic(fd);
	close(fd);
	p->seen_elf = p->seen_elf || elf;
	return !elf && st.st_size == p->size && st.st_mtim.tv_sec == p->mtime.tv_sec &&
	       st.st_mtim.tv_nsec == p->mtime.tv_nsec;
}

/* Could not be judged: counted by reason, remembered when it may be run (so its exec is tied
 * to the write), and handed to the unjudged hook once per file. */
static void report_unjudged(struct writes *w, struct pending *p, long long now_ms)
{
	const struct recent *before = writes_recent_find(w, &p->wf.id);
	/* the same write judged again at its exec and still closed: the first report stands */
	bool reported = before && before->r.unjudged &&
			strcmp(before->r.file.event_id, p->wf.event_id) == 0;
	struct write_result res;

	memset(&res, 0, sizeof(res));
	res.file = p->wf;
	res.judged_ms = now_ms;
	res.verdict = SEV_INFO;
	res.unjudged = p->why ? p->why : WRITES_UJ_OPEN_FAILED;
	res.unjudged_errno = -p->last_err;
	res.attempts = p->attempts;
	res.waited_ms = now_ms - p->first_ms;
	res.exec_candidate = p->wf.exec_bit || p->wf.download_tool || p->seen_elf ||
			     p->wf.settled_by == WRITES_CAUSE_EXEC;
	w->stats.unjudged++;
	w->stats.unjudged_by[res.unjudged]++;
	writes_pending_remove(w, p);
	if (res.exec_candidate)
		writes_recent_add(w, &res, p->size, &p->mtime);
	if (!reported && w->unjudged)
		w->unjudged(w->judge_ctx, &res);
}

void writes_look(struct writes *w, struct pending *p, long long now_ms)
{
	struct stat st;
	int r;

	p->next_look_ms = now_ms + w->cfg->writes.settle_ms;
	if (!p->wf.path[0])
		return;         /* no name yet: a rename or the exec may give one */
	r = w->fs.stat(w->fs.ctx, p->wf.path, &p->wf.id, &st);
	if (r < 0) {
		open_failed(w, p, r);
		return;
	}
	p->last_err = 0;        /* reachable again; a failed open says so anew */
	p->why = WRITES_JUDGED;
	if (!p->looked || !same_content(p, &st)) {
		bool first = !p->looked;

		/* (still) being written: the settle clock starts again */
		if (p->not_elf) {
			w->stats.changed_after_look++;
			p->wf.settled_by = WRITES_CAUSE_NONE;
			p->wf.trigger_event[0] = '\0';
		}
		p->looked = true;
		p->not_elf = false;
		p->size = st.st_size;
		p->mtime = st.st_mtim;
		p->interval_ms = w->cfg->writes.settle_ms;
		if (first && st.st_size >= 4 && peek_not_elf(w, p))
			become_not_elf(w, p, now_ms);
		return;
	}
	if (p->not_elf) {
		long long cap = (long long)w->cfg->writes.settle_ms * NOT_ELF_LOOK_FACTOR;

		p->interval_ms = p->interval_ms * 4 > cap ? cap : p->interval_ms * 4;
		p->next_look_ms = now_ms + p->interval_ms;
		return;
	}
	if (attempt_judge(w, p, WRITES_CAUSE_STABLE, now_ms) == ATTEMPT_NOT_ELF)
		become_not_elf(w, p, now_ms);
}

void writes_settle_attempt(struct writes *w, struct pending *p, long long now_ms)
{
	p->settle_now = false;
	switch (attempt_judge(w, p, p->wf.settled_by, now_ms)) {
	case ATTEMPT_NOT_ELF:
		/* chmod +x or renamed while not ELF (yet): keep following */
		become_not_elf(w, p, now_ms);
		break;
	case ATTEMPT_FAILED:
		p->next_look_ms = now_ms + w->cfg->writes.settle_ms;
		break;
	case ATTEMPT_DONE:
		break;
	}
}

void writes_finish(struct writes *w, struct pending *p, enum writes_cause cause, long long now_ms)
{
	struct stat st;

	if (p->wf.settled_by == WRITES_CAUSE_NONE)
		p->wf.settled_by = cause;
	if (!p->wf.path[0])
		w->stats.unresolved++;
	/* not ELF at the last look and unchanged since: no need to open it again */
	if (p->not_elf && w->fs.stat(w->fs.ctx, p->wf.path, &p->wf.id, &st) == 0 &&
	    same_content(p, &st)) {
		w->stats.not_elf++;
		writes_pending_remove(w, p);
		return;
	}
	switch (attempt_judge(w, p, cause, now_ms)) {
	case ATTEMPT_NOT_ELF:
		w->stats.not_elf++;
		writes_pending_remove(w, p);
		break;
	case ATTEMPT_FAILED:
		report_unjudged(w, p, now_ms);
		break;
	case ATTEMPT_DONE:
		break;
	}
}

void writes_abandon(struct writes *w, struct pending *p, long long now_ms)
{
	if (p->wf.settled_by == WRITES_CAUSE_NONE)
		p->wf.settled_by = WRITES_CAUSE_SHUTDOWN;
	p->why = WRITES_UJ_SHUTDOWN;
	p->last_err = 0;
	report_unjudged(w, p, now_ms);
}
