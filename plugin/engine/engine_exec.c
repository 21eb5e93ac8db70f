/* engine_exec: exec-time judgement of executed images (execjudge.h) and fileless execs, wired
 * into the engine: the ELF engine and the write path's verdict policy judge the image, and
 * suspicious_elf_exec / fileless_exec alerts are raised. */
#include "engine/engine_exec.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine_emit.h"
#include "sys/log.h"
#include "util/path.h"

static bool fileless_exe(const char *exe)
{
	size_t n = exe ? strlen(exe) : 0;

	return n && (strncmp(exe, "/memfd:", 7) == 0 ||
		     (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0));
}

/* loader_probe: a loader copied into a memfd (or run from a deleted file) has no name to open;
 * the process's /proc/PID/exe still holds it. Everything else goes to the engine's probe. */
static int exec_image_is_loader(void *ctx, const char *exe, const struct file_id *expect,
				char *soname, size_t soname_cap)
{
	struct engine *en = ctx;
	const struct loader_probe *lp = &en->loader_probe;
	struct stat st;
	int fd, r;

	if (fileless_exe(exe) && en->xfs.open_exe) {
		fd = en->xfs.open_exe(en->xfs.ctx, en->xpid, exe, expect, &st);
		if (fd < 0)
			return fd;
		r = elf_loader_identity(fd, &st, soname, soname_cap);
		close(fd);
		return r;
	}
	if (!lp->image_is_loader)
		return -ENOSYS;
	return lp->image_is_loader(lp->ctx, exe, expect, soname, soname_cap);
}

static int exec_target_facts(void *ctx, const char *path, struct target_facts *ret)
{
	const struct engine *en = ctx;
	const struct loader_probe *lp = &en->loader_probe;

	if (!lp->target_facts)
		return -ENOSYS;
	return lp->target_facts(lp->ctx, path, ret);
}

int engine_exec_init(struct engine *en)
{
	en->xfs = probe_exec(&en->probe);
	en->xprobe.image_is_loader = exec_image_is_loader;
	en->xprobe.target_facts = en->loader_probe.target_facts ? exec_target_facts : NULL;
	en->xprobe.ctx = en;
	en->xj = execjudge_new(en->cfg.exec_judge.cache_size);
	return en->xj ? 0 : -ENOMEM;
}

void engine_exec_free(struct engine *en)
{
	execjudge_free(en->xj);
	en->xj = NULL;
}

void engine_exec_begin(struct engine *en, const struct rec_event *ev)
{
	unsigned fl = en->cfg.exec_judge.fileless ? execjudge_fileless(ev) : 0;

	en->xpid = ev->pid;
	en->xloader_reason = fl & XJ_MEMFD ? "fileless_memfd" :
			     fl & XJ_DELETED ? "fileless_deleted_file" : NULL;
}

/* The write path's policy on the engine's report, in the cache's terms. */
static void exec_verdict(const struct elf_report *rep, const struct write_verdict *wv,
			 bool from_write, struct execjudge_verdict *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->is_elf = rep->facts.is_elf;
	ret->loader = rep->facts.loader;
	ret->from_write = from_write;
	ret->severity = ret->is_elf ? wv->severity : SEV_INFO;
	ret->mitre = wv->mitre;
	for (unsigned i = 0; ret->is_elf && i < rep->nfindings && i < ELF_REPORT_MAX_FINDINGS &&
	     ret->ncodes < XJ_CODES_MAX; i++)
		if (wv->counts[i] && rep->findings[i].severity >= SEV_LOW)
			ret->codes[ret->ncodes++] = rep->findings[i].code;
	if (rep->facts.hashed)
		memcpy(ret->sha256, rep->facts.sha256, sizeof(ret->sha256));
}

void engine_exec_note_written(struct engine *en, const struct stat *st,
			      const struct elf_report *rep, const struct write_verdict *wv)
{
	struct execjudge_verdict v;

	if (!en->xj)
		return;
	exec_verdict(rep, wv, true, &v);
	execjudge_remember(en->xj, st, &v);
}

/* execjudge_judge_fn: the ELF engine, then the write path's verdict for a file nobody is known
 * to have written (no trusted producer, no download tool). */
static int exec_judge_fd(void *ctx, int fd, const struct stat *st, struct execjudge_verdict *ret)
{
	struct engine *en = ctx;
	struct elf_report *rep = &en->report;
	struct elf_limits lim;
	int r;

	elf_limits_default(&lim);
	lim.read_max = en->cfg.writes.inspect_max_bytes;
	lim.hash_max = en->cfg.writes.inspect_max_bytes;
	lim.exec_hint = true;   /* it was executed */
	/* a clean image on disk raises nothing: hash only what alerts (a fileless one always does) */
	lim.hash_flagged_only = !en->xfileless;
	if ((r = elf_inspect_fd(fd, st, &en->host, &lim, rep)) < 0)
		return r;
	memset(&en->xfile, 0, sizeof(en->xfile));
	dropverdict_write(&en->xfile, rep, &en->xwv);
	exec_verdict(rep, &en->xwv, false, ret);
	return 0;
}

static void exec_add_reason(struct alert *a, const char *r)
{
	if (a->nreasons < ALERT_REASONS_MAX)
		a->reasons[a->nreasons++] = r;
}

/* Common shape of both rules: the exec's event and process, the image as "file" and "image". */
static void exec_alert_init(struct engine *en, struct alert *a, const struct rec_event *ev,
			    const char *path, const struct file_id *id)
{
	const struct execjudge_result *res = &en->xres;

	memset(a, 0, sizeof(*a));
	a->ev = ev;
	a->image = res;
	memset(&en->xfile, 0, sizeof(en->xfile));
	snprintf(en->xfile.path, sizeof(en->xfile.path), "%s", path ? path : "");
	en->xfile.id = res->outcome == XJ_CACHED || res->outcome == XJ_JUDGED ?
		       file_id_from_stat(&res->st) : id ? *id : (struct file_id){ 0 };
	a->file = &en->xfile;
	if (res->outcome == XJ_CACHED || res->outcome == XJ_JUDGED) {
		en->xfile.exec_bit = (res->st.st_mode & 0111) != 0;
		a->file_st = &res->st;
	}
	if (res->outcome == XJ_JUDGED && res->v.is_elf) {
		a->elf = &en->report;
		a->verdict = &en->xwv;
	}
	a->nlineage = engine_emit_lineage(en, ev->pid, ev->ppid, a->lineage, ALERT_LINEAGE_MAX);
	if (res->outcome == XJ_UNAVAILABLE) {
		exec_add_reason(a, "image_not_judged");
		return;
	}
	for (unsigned i = 0; i < res->v.ncodes; i++)
		exec_add_reason(a, elf_reason_name(res->v.codes[i]));
}

static void exec_alert_fileless(struct engine *en, const struct rec_event *ev, unsigned fl,
				const struct file_id *id)
{
	const struct execjudge_result *res = &en->xres;
	bool judged = res->outcome == XJ_CACHED || res->outcome == XJ_JUDGED;
	char summary[512];
	struct alert a;

	exec_alert_init(en, &a, ev, ev->exe.s, id);
	a.rule = "fileless_exec";
	a.mitre = &MITRE_REFLECTIVE_CODE_LOADING;
	a.severity = judged && res->v.is_elf && (res->v.severity >= SEV_MEDIUM || res->v.loader) ?
		     SEV_CRITICAL : SEV_HIGH;
	for (unsigned b = 1; b <= XJ_FD_EXEC; b <<= 1)
		if (fl & b)
			exec_add_reason(&a, execjudge_fileless_name(b));
	if (judged && res->v.loader)
		exec_add_reason(&a, "loader");
	snprintf(summary, sizeof(summary), "%.160s run from %s by pid %lld (uid %lld)%s",
		 ev->exe.s ? ev->exe.s : "?", fl & XJ_MEMFD ? "a memfd" : "a deleted file", ev->pid,
		 ev->uid, res->outcome == XJ_UNAVAILABLE ? ": image not judged" : "");
	a.summary = summary;
	en->stats.fileless_execs++;
	engine_emit(en, &a, ev->id);
}

static void exec_alert_image(struct engine *en, const struct rec_event *ev, unsigned fl,
			     const char *path, const struct file_id *id)
{
	const struct execjudge_result *res = &en->xres;
	char summary[512];
	struct alert a;

	exec_alert_init(en, &a, ev, path, id);
	a.rule = "suspicious_elf_exec";
	if (res->outcome == XJ_UNAVAILABLE) {
		/* never counted as clean: said at low, with why */
		a.severity = SEV_LOW;
		a.mitre = &MITRE_DROPPED_EXEC;
		en->stats.exec_unjudged++;
		snprintf(summary, sizeof(summary), "%.160s run by pid %lld (uid %lld) could not be "
			 "judged: %s", path, ev->pid, ev->uid, execjudge_error_name(res));
	} else {
		a.severity = res->v.severity > SEV_HIGH ? res->v.severity : SEV_HIGH;
		a.mitre = res->v.mitre ? res->v.mitre : &MITRE_DROPPED_EXEC;
		en->stats.exec_judge_alerts++;
		snprintf(summary, sizeof(summary), "%s ELF %.160s run by pid %lld (uid %lld), judged "
			 "at exec", severity_name(res->v.severity), path, ev->pid, ev->uid);
	}
	exec_add_reason(&a, "judged_at_exec");
	if (writes_in_drop_location(&en->cfg, path))
		exec_add_reason(&a, "in_drop_location");
	if (fl & XJ_FD_EXEC)
		exec_add_reason(&a, "fd_exec");
	a.summary = summary;
	engine_emit(en, &a, ev->id);
}

static bool fileless_allowed(const struct engine *en, const struct rec_event *ev)
{
	const struct pattern_list *allow = &en->cfg.exec_judge.fileless_allow;

	for (size_t i = 0; ev->exe.s && i < allow->n; i++)
		if (path_match(allow->v[i], ev->exe.s, 0))
			return true;
	return false;
}

/* Did dropped_exec already speak for what runs? The state the write path judged, or the same
 * content (a hard link or chmod since changed only the ctime). */
static bool exec_said_by_write(const struct engine *en, const struct write_result *image)
{
	const struct execjudge_result *r = &en->xres;

	return image && (r->outcome == XJ_UNAVAILABLE || r->v.from_write ||
			 (image->sha256[0] && strcmp(image->sha256, r->v.sha256) == 0));
}

void engine_exec_judge(struct engine *en, const struct rec_event *ev,
		       const struct write_result *image)
{
	const struct rec_path *p0 = rec_path_item(ev, 0);
	unsigned fl = en->cfg.exec_judge.fileless ? execjudge_fileless(ev) : 0;
	bool fileless = (fl & (XJ_MEMFD | XJ_DELETED)) != 0;
	struct execjudge_request req = { 0 };
	struct file_id ids[REC_MAX_PATHS];
	char p0path[WRITES_PATH_MAX] = "";
	const char *path;

	if (!en->xj || !ev->success)
		return;
	if (fileless && fileless_allowed(en, ev)) {
		en->stats.fileless_allowed++;
		log_debug("fileless exec not alerted (event %s, pid %lld, fileless_allow): %.200s",
			  ev->id, ev->pid, ev->exe.s);
		return;
	}
	if (p0 && p0->name.s && p0->name.len)
		path_normalize(ev->cwd.s, p0->name.s, p0->name.len, p0path, sizeof(p0path));
	/* exe is the kernel's name of what runs (symlinks resolved); a script's is its
	 * interpreter, whose own exec is judged in turn */
	path = ev->exe.s && ev->exe.s[0] == '/' ? ev->exe.s : p0path;
	req.pid = ev->pid;
	req.exe = ev->exe.s;
	if (fileless) {
		req.via_proc_only = true;
		req.id = p0 ? &p0->id : NULL;
	} else {
		if (!en->cfg.exec_judge.enabled || !execjudge_in_scope(&en->cfg, path) ||
		    (!en->cfg.inspect_files && !en->opts.artifacts))
			return;
		req.path = path;
		/* item 0 is the image itself when it names the same file (not a script) */
		req.id = p0 && strcmp(p0path, path) == 0 ? &p0->id : NULL;
		for (unsigned i = 0; i < ev->npaths && i < REC_MAX_PATHS; i++)
			if (ev->paths[i].id.valid)
				ids[req.nids++] = ev->paths[i].id;
		req.ids = ids;
	}
	en->xfileless = fileless;
	execjudge_check(en->xj, &en->xfs, &req, exec_judge_fd, en, &en->xres);
	if (fileless) {
		exec_alert_fileless(en, ev, fl, req.id);
		return;
	}
	if (exec_said_by_write(en, image))
		return;
	if (en->xres.outcome == XJ_UNAVAILABLE ||
	    (en->xres.v.is_elf && en->xres.v.severity >= SEV_MEDIUM))
		exec_alert_image(en, ev, fl, path, req.id);
}

void engine_exec_log_stats(const struct engine *en)
{
	struct execjudge_stats s = { 0 };

	if (en->xj)
		execjudge_get_stats(en->xj, &s);
	log_info("exec judge: checks %lu, cache hits %lu, misses %lu, judged %lu, not judged %lu "
		 "(inspection errors %lu), cache evictions %lu; suspicious_elf_exec %lu, "
		 "unjudged images %lu, fileless_exec %lu (allowed %lu)",
		 s.checks, s.hits, s.misses, s.judged, s.unavailable, s.judge_errors, s.evictions,
		 en->stats.exec_judge_alerts, en->stats.exec_unjudged, en->stats.fileless_execs,
		 en->stats.fileless_allowed);
}
