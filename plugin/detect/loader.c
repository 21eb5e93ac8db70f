#include "detect/loader.h"

#include "detect/fileset.h"
#include "util/path.h"

#include <errno.h>
#include <stddef.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOADER_SET_MAX 64
#define LDD_WINDOW_SEC 5

static const char *const reason_names[LR_COUNT_BITS] = {
	"target_in_writable_dir", "target_not_executable", "loader_copy", "loader_renamed",
	"argv0_mismatch", "preload_injection", "audit_injection", "library_path_override",
	"argv0_option", "relative_target", "via_shebang", "exec_failed",
	"target_recently_written", "loader_recently_written", "argv_truncated", "ldd_like",
};

const char *loader_reason_name(unsigned bit)
{
	for (unsigned i = 0; i < LR_COUNT_BITS; i++)
		if (bit == 1u << i)
			return reason_names[i];
	return "unknown";
}

static const char *const match_names[LOADER_MATCH_COUNT] = {
	[LOADER_MATCH_NONE] = NULL,
	[LOADER_MATCH_EXE_PATH] = "exe_path",
	[LOADER_MATCH_INODE] = "inode",
	[LOADER_MATCH_CONTENT] = "content",
};

const char *loader_match_name(enum loader_match m)
{
	return (unsigned)m < LOADER_MATCH_COUNT ? match_names[m] : "?";
}

static const char *const suppression_names[LOADER_SUP_COUNT] = {
	[LOADER_SUP_NONE] = NULL,
	[LOADER_SUP_BENIGN_FORM] = "benign_form",
	[LOADER_SUP_LDD_PARENT] = "ldd_parent",
	[LOADER_SUP_ALLOW_LIST] = "allow_list",
	[LOADER_SUP_MIN_SEVERITY] = "min_severity",
};

const char *loader_suppression_name(enum loader_suppression s)
{
	return (unsigned)s < LOADER_SUP_COUNT ? suppression_names[s] : "?";
}

struct loader_set {
	char *paths[LOADER_SET_MAX];
	struct file_id ids[LOADER_SET_MAX];
	size_t n;
};

struct loader_set *loader_set_new(void)
{
	return calloc(1, sizeof(struct loader_set));
}

void loader_set_free(struct loader_set *ls)
{
	if (!ls)
		return;
	for (size_t i = 0; i < ls->n; i++)
		free(ls->paths[i]);
	free(ls);
}

int loader_set_add(struct loader_set *ls, const char *canonical, const struct file_id *id)
{
	for (size_t i = 0; i < ls->n; i++)
		if (file_id_equal(&ls->ids[i], id))
			return 0;
	if (ls->n == LOADER_SET_MAX)
		return -ENOSPC;
	ls->paths[ls->n] = strdup(canonical);
	if (!ls->paths[ls->n])
		return -ENOMEM;
	ls->ids[ls->n++] = *id;
	return 0;
}

int loader_set_resolve(struct loader_set *ls, const struct pattern_list *patterns)
{
	int r = 0;

	for (size_t p = 0; p < patterns->n; p++) {
		glob_t g;

		if (glob(patterns->v[p], GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc && r == 0; i++) {
			char real[PATH_MAX];
			struct stat st;
			struct file_id id;

			if (!realpath(g.gl_pathv[i], real) || stat(real, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			id = file_id_from_stat(&st);
			r = loader_set_add(ls, real, &id);
		}
		globfree(&g);
	}
	return r;
}

int loader_set_resolve_recorded(struct loader_set *ls, const struct pattern_list *patterns,
				const struct identities *recorded)
{
	int r = 0;

	for (size_t i = 0; i < recorded->n && r == 0; i++)
		for (size_t p = 0; p < patterns->n; p++)
			if (path_match(patterns->v[p], recorded->v[i].path, FNM_PATHNAME)) {
				r = loader_set_add(ls, recorded->v[i].canonical, &recorded->v[i].id);
				break;
			}
	return r;
}

bool loader_set_has_id(const struct loader_set *ls, const struct file_id *id)
{
	for (size_t i = 0; i < ls->n; i++)
		if (file_id_equal(&ls->ids[i], id))
			return true;
	return false;
}

static bool match_any(const struct pattern_list *patterns, const char *path)
{
	size_t len;

	if (!path)
		return false;
	if (!patterns->glob) {
		for (size_t i = 0; i < patterns->n; i++)
			if (path_match(patterns->v[i], path, FNM_PATHNAME))
				return true;
		return false;
	}
	len = strlen(path);
	for (size_t i = 0; i < patterns->n; i++)
		if (path_glob_match(&patterns->glob[i], patterns->v[i], path, len, FNM_PATHNAME))
			return true;
	return false;
}

bool loader_set_has_path(const struct loader_set *ls, const struct pattern_list *patterns,
			 const char *path)
{
	if (!path)
		return false;
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->paths[i], path) == 0)
			return true;
	return match_any(patterns, path);
}

size_t loader_set_count(const struct loader_set *ls)
{
	return ls->n;
}

static const char *base_name(const char *s, size_t len, size_t *ret_len)
{
	const char *slash = s ? memrchr(s, '/', len) : NULL;

	if (!s) {
		*ret_len = 0;
		return "";
	}
	if (!slash) {
		*ret_len = len;
		return s;
	}
	*ret_len = len - (size_t)(slash + 1 - s);
	return slash + 1;
}

static bool same_base(const struct rec_str *a, const char *b, size_t blen)
{
	size_t al, bl;
	const char *ab = base_name(a->s, a->len, &al), *bb = base_name(b, blen, &bl);

	return al > 0 && al == bl && memcmp(ab, bb, al) == 0;
}

static bool in_writable_dir(const struct pattern_list *dirs, const char *path)
{
	for (size_t i = 0; path[0] && i < dirs->n; i++)
		if (path_under(path, dirs->v[i]))
			return true;
	return false;
}

bool loader_benign_image(const struct config *cfg, const struct fileset *ids,
			 const struct proc_entry *e)
{
	const struct pattern_list *bp = &cfg->loader.benign_parents;

	if (!match_any(bp, e->image) && !match_any(bp, e->exe))
		return false;
	/* a bind mount over /usr/bin/ldd has the name, not the inode */
	return !ids || !e->image_id.valid || fileset_has(ids, &e->image_id);
}

void loader_note_exec(const struct config *cfg, const struct fileset *ids, struct ldd_runs *runs,
		      const struct proc_entry *e)
{
	if (!e || !loader_benign_image(cfg, ids, e))
		return;
	runs->run[runs->next++ % LOADER_LDD_RUNS] = *e;
	if (runs->n < LOADER_LDD_RUNS)
		runs->n++;
}

static bool argv_names(const char *argv, const char *target)
{
	size_t tl = strlen(target);

	for (const char *p = strstr(argv, target); tl && p; p = strstr(p + 1, target))
		if ((p == argv || p[-1] == ' ') && (p[tl] == ' ' || p[tl] == '\0'))
			return true;
	return false;
}

/* ldd runs its tracing loader from a subshell that never exec'd, so that parent is missing
 * from the table. An ldd in the same session and uid that started moments before, whose pid
 * lies below the unknown parent's, naming this target, makes the run look like ldd's trace;
 * `ldd X; (ld.so X; :)` looks the same. */
static bool is_matching_ldd(const struct proc_entry *e, const struct rec_event *ev,
			    const char *target, const char *raw)
{
	if (e->sec < ev->sec - LDD_WINDOW_SEC || e->sec > ev->sec || e->ses != ev->ses ||
	    e->uid != ev->uid || e->pid >= ev->ppid || ev->ppid >= ev->pid)
		return false;
	return argv_names(e->argv, target) || argv_names(e->argv, raw);
}

enum ldd_match { LDD_NO, LDD_PROVEN, LDD_LIKE };

/* Is this ldd's own run? ldd runs "$RTLD [--verify] FILE" with the FILE the user gave it: argv
 * exactly [loader, FILE], the real loader by its own name. Proven only when the parent is a
 * known exec of the real ldd (by identity) naming FILE; a run of that shape that only looks
 * like ldd's (an unknown parent after an ldd, a parent with ldd's name whose identity is
 * unknown) is LDD_LIKE. A known ldd parent counts only in that shape too: ldd is a bash script,
 * and the shell it starts runs $BASH_ENV first, so "BASH_ENV=x.sh ldd /bin/true" can start
 * any loader run as ldd's child. */
static enum ldd_match ldd_run(const struct loader_judge_ctx *ctx, const struct rec_event *ev,
			      const struct loader_verdict *v, const struct rec_str *raw_target)
{
	char raw[REC_STR_MAX];
	size_t n;

	if (!raw_target || v->opts.nnames > 0 || v->opts.target != 1 || v->target_cut ||
	    ev->argc != 2 || ev->argc_kept != 2 || ev->argv_cut ||
	    v->matched_by != LOADER_MATCH_EXE_PATH ||
	    (v->reasons & (LR_ARGV0_MISMATCH | LR_LOADER_RENAMED | LR_LOADER_COPY | LR_VIA_SHEBANG)))
		return LDD_NO;
	/* ldd passes the file as the user wrote it: compare that and the resolved path */
	n = raw_target->len < sizeof(raw) - 1 ? raw_target->len : sizeof(raw) - 1;
	memcpy(raw, raw_target->s, n);
	raw[n] = '\0';
	if (v->parent) {
		if (!loader_benign_image(ctx->cfg, ctx->benign_ids, v->parent) ||
		    !(argv_names(v->parent->argv, v->target) || argv_names(v->parent->argv, raw)))
			return LDD_NO;
		return ctx->benign_ids && v->parent->image_id.valid ? LDD_PROVEN : LDD_LIKE;
	}
	for (unsigned i = 0; ctx->ldd && i < ctx->ldd->n; i++)
		if (is_matching_ldd(&ctx->ldd->run[i], ev, v->target, raw))
			return LDD_LIKE;
	return LDD_NO;
}

static const char *allow_match(const struct config *cfg, const struct rec_event *ev,
			       const struct loader_verdict *v)
{
	for (size_t i = 0; i < cfg->loader.nallow; i++) {
		const struct loader_allow *a = &cfg->loader.allow[i];

		if (a->parent_exe && (!v->parent || fnmatch(a->parent_exe, v->parent->exe, 0) != 0))
			continue;
		if (a->target && (v->target_cut || fnmatch(a->target, v->target, FNM_PATHNAME) != 0))
			continue;
		if (a->uid >= 0 && a->uid != ev->uid)
			continue;
		return a->comment ? a->comment : "allow-list entry";
	}
	return NULL;
}

/* Was a known loader run under a name that is not a loader's? execveat names are relative to
 * its dirfd, not to the CWD record, so only their last component can be judged; an empty name
 * (fexecve, AT_EMPTY_PATH) says nothing. */
static bool is_renamed(const struct loader_judge_ctx *ctx, const struct rec_event *ev,
		       const struct rec_str *name)
{
	const struct pattern_list *pat = &ctx->cfg->loader.paths;
	char run_as[REC_STR_MAX];
	size_t blen;
	const char *base;

	if (!name->s || name->len == 0)
		return false;
	if (name->s[0] == '/' || strcmp(ev->syscall_name ? ev->syscall_name : "", "execveat") != 0)
		return path_normalize(ev->cwd.s, name->s, name->len, run_as, sizeof(run_as)) &&
		       !loader_set_has_path(ctx->known, pat, run_as);
	base = base_name(name->s, name->len, &blen);
	if (blen >= sizeof(run_as))
		return true;
	memcpy(run_as, base, blen);
	run_as[blen] = '\0';
	for (size_t i = 0; i < pat->n; i++) {
		const char *pb = strrchr(pat->v[i], '/');

		if (fnmatch(pb ? pb + 1 : pat->v[i], run_as, 0) == 0)
			return false;
	}
	return true;
}

/* Is PATH item 0 the image exe names? The kernel sets comm from the name execve was given and
 * exe from the file it mapped, so the name agrees with one of them whenever it is what ran:
 * the same path, the same last component (a path through a symlinked directory), or comm
 * (a symlink to a hard link, /proc/self/fd/N, an execveat name relative to its dirfd). Events
 * written for an SELinux denial can carry a single PATH item, the loader, while exe is the
 * program that ran: that name agrees with neither. A nameless item (fexecve) contradicts
 * nothing. */
static bool path0_is_exe(const struct rec_event *ev, const struct rec_path *p0)
{
	char abs[REC_STR_MAX];
	size_t blen, clen;
	const char *base;

	if (!p0->name.s || p0->name.len == 0 || !ev->exe.s)
		return true;
	if (path_normalize(ev->cwd.s, p0->name.s, p0->name.len, abs, sizeof(abs)) &&
	    strcmp(abs, ev->exe.s) == 0)
		return true;
	if (same_base(&p0->name, ev->exe.s, ev->exe.len))
		return true;
	/* comm: the last component, cut to TASK_COMM_LEN - 1 bytes */
	base = base_name(p0->name.s, p0->name.len, &blen);
	clen = blen < 15 ? blen : 15;
	return ev->comm.s && clen > 0 && ev->comm.len == clen && memcmp(ev->comm.s, base, clen) == 0;
}

/* Decide whether the executed image is a loader, and how we know. */
static bool identify_loader(const struct loader_judge_ctx *ctx, const struct rec_event *ev,
			    struct loader_verdict *v)
{
	const struct rec_path *p0 = rec_path_item(ev, 0);
	const struct rec_path *last = ev->npaths ? &ev->paths[ev->npaths - 1] : NULL;
	const struct pattern_list *pat = &ctx->cfg->loader.paths;

	if (p0 && p0->name.s)
		v->loader_path = p0->name;
	else
		v->loader_path = ev->exe;
	if (!ev->success) {
		/* exe is still the old image; only the named file tells us */
		if (p0 && p0->id.valid && loader_set_has_id(ctx->known, &p0->id)) {
			v->matched_by = LOADER_MATCH_INODE;
			return true;
		}
		return false;
	}
	if (ev->exe.s && loader_set_has_path(ctx->known, pat, ev->exe.s)) {
		v->matched_by = LOADER_MATCH_EXE_PATH;
		return true;
	}
	if (p0 && loader_set_has_id(ctx->known, &p0->id) && path0_is_exe(ev, p0)) {
		v->matched_by = LOADER_MATCH_INODE;
		return true;
	}
	/* A loader has no PT_INTERP, so it is the last PATH item of its exec; images that
	 * name a known loader as interpreter cannot be one. Only the rest is opened. */
	if (!ctx->probe || !ctx->probe->image_is_loader || !last || !last->id.valid ||
	    loader_set_has_id(ctx->known, &last->id) || !ev->exe.s || ev->exe.s[0] != '/')
		return false;
	if (ctx->probe->image_is_loader(ctx->probe->ctx, ev->exe.s, &last->id, v->soname,
					sizeof(v->soname)) == 1) {
		v->matched_by = LOADER_MATCH_CONTENT;
		v->reasons |= LR_LOADER_COPY;
		return true;
	}
	return false;
}

enum severity loader_severity(uint32_t reasons, bool exec_succeeded)
{
	if (!exec_succeeded || (reasons & LR_LDD_LIKE))
		return SEV_MEDIUM;
	return (reasons & LR_RAISING) ? SEV_CRITICAL : SEV_HIGH;
}

void loader_judge(const struct loader_judge_ctx *ctx, const struct rec_event *ev,
		  struct loader_verdict *v)
{
	const struct config *cfg = ctx->cfg;
	const struct rec_path *p0 = rec_path_item(ev, 0);
	const struct rec_str *target = NULL;
	enum ldd_match ldd;

	memset(v, 0, offsetof(struct loader_verdict, target));
	v->target[0] = '\0';
	v->outcome = LOADER_NOT;
	if (ev->kind != REC_EXEC || !identify_loader(ctx, ev, v))
		return;

	v->parent = ctx->procs ? proctable_get(ctx->procs, ev->ppid) : NULL;
	loader_parse_args(ev->argv, ev->argc_kept, !ev->argv_cut, &v->opts);
	if (v->opts.program_unknown) {
		v->reasons |= LR_ARGV_TRUNCATED;
		v->target_cut = true;
	}
	if (v->opts.target >= 0) {
		target = &ev->argv[v->opts.target];
		if (!path_normalize(ev->cwd.s, target->s, target->len, v->target, sizeof(v->target))) {
			size_t n = target->len < sizeof(v->target) - 1 ? target->len : sizeof(v->target) - 1;
			memcpy(v->target, target->s, n);
			v->target[n] = '\0';
		}
		if (target->len == 0 || target->s[0] != '/')
			v->reasons |= LR_RELATIVE_TARGET;
	}

	/* reasons */
	if (!ev->success)
		v->reasons |= LR_EXEC_FAILED;
	if (p0 && p0->id.valid && !loader_set_has_id(ctx->known, &p0->id) &&
	    v->matched_by == LOADER_MATCH_EXE_PATH && ev->paths_seen > 1) {
		v->reasons |= LR_VIA_SHEBANG;
		/* name the interpreter the #! line gave, not the script */
		v->loader_path = ev->exe;
		for (unsigned i = 1; i < ev->npaths; i++)
			if (loader_set_has_id(ctx->known, &ev->paths[i].id) && ev->paths[i].name.s)
				v->loader_path = ev->paths[i].name;
	}
	if (v->matched_by != LOADER_MATCH_CONTENT && !(v->reasons & LR_VIA_SHEBANG) &&
	    is_renamed(ctx, ev, &v->loader_path))
		v->reasons |= LR_LOADER_RENAMED;
	if (ev->argc_kept > 0 && !(v->reasons & LR_VIA_SHEBANG) &&
	    !same_base(&ev->argv[0], v->loader_path.s, v->loader_path.len) &&
	    !(ev->exe.s && same_base(&ev->argv[0], ev->exe.s, ev->exe.len)))
		v->reasons |= LR_ARGV0_MISMATCH;
	if (v->opts.preload)
		v->reasons |= LR_PRELOAD_INJECTION;
	if (v->opts.audit)
		v->reasons |= LR_AUDIT_INJECTION;
	if (v->opts.library_path)
		v->reasons |= LR_LIBRARY_PATH_OVERRIDE;
	if (v->opts.argv0)
		v->reasons |= LR_ARGV0_OPTION;
	if (v->target[0]) {
		if (in_writable_dir(&cfg->loader.writable_dirs, v->target))
			v->reasons |= LR_TARGET_IN_WRITABLE_DIR;
		if (ctx->probe && ctx->probe->target_facts && v->target[0] == '/' && !v->target_cut &&
		    ctx->probe->target_facts(ctx->probe->ctx, v->target, &v->facts) == 0) {
			v->have_facts = true;
			if (v->facts.exists && !(v->facts.mode & 0111))
				v->reasons |= LR_TARGET_NOT_EXECUTABLE;
			if (v->facts.exists && (v->facts.dir_world_writable || v->facts.on_tmpfs ||
			    in_writable_dir(&cfg->loader.writable_dirs, v->facts.real)))
				v->reasons |= LR_TARGET_IN_WRITABLE_DIR;
		}
	}

	ldd = ldd_run(ctx, ev, v, target);
	if (ldd == LDD_LIKE)
		v->reasons |= LR_LDD_LIKE;
	v->severity = loader_severity(v->reasons, ev->success);

	/* suppression, reason kept */
	v->outcome = LOADER_ALERT;
	if (loader_opts_benign(&v->opts) && !cfg->loader.benign_alerts) {
		v->outcome = LOADER_SUPPRESSED;
		v->suppressed_by = LOADER_SUP_BENIGN_FORM;
	} else if (!cfg->loader.benign_alerts && ldd == LDD_PROVEN) {
		v->outcome = LOADER_SUPPRESSED;
		v->suppressed_by = LOADER_SUP_LDD_PARENT;
	} else if ((v->allow_comment = allow_match(cfg, ev, v)) != NULL) {
		v->outcome = LOADER_SUPPRESSED;
		v->suppressed_by = LOADER_SUP_ALLOW_LIST;
	} else if (v->severity < cfg->min_severity) {
		v->outcome = LOADER_SUPPRESSED;
		v->suppressed_by = LOADER_SUP_MIN_SEVERITY;
	}
}
