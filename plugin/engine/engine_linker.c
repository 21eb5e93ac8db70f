/* engine_linker: dynamic linker hijacks (T1574.006). Writes to ld.so.preload and ld.so.conf
 * are alerted as their write events arrive (whatever they hold); shared objects written into
 * library directories are judged by the write path and raised here; LD_ variables of new
 * processes are read from /proc/PID/environ when linker.environ is on. */
#include "engine/engine_linker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/linker.h"
#include "engine/engine_emit.h"
#include "sys/log.h"

#define ENGINE_ENVIRON_MAX (256u << 10)     /* bytes of one environment read */

/* A file in a library tree outside the drop locations is delivered by the linker rules only,
 * which exist for shared objects by unknown writers: anything else there (headers, Python
 * modules, a trusted producer's libraries: dpkg unpacks there constantly) is not followed. */
static bool engine_linker_follow(struct engine *en, const struct rec_event *ev,
				 const struct file_id *id, const char *path, enum linker_target lt)
{
	struct written_file *wf = en->linker_wf;

	if (!linker_in_library_tree(&en->cfg, path) || writes_in_drop_location(&en->cfg, path))
		return true;
	if (lt != LINKER_LIBRARY) {
		en->stats.linker_not_followed++;
		return false;
	}
	writes_describe(en->writes, ev, id, path, wf);
	if (wf->trusted_by[0] && wf->trust == WRITES_TRUST_IDENTITY) {
		en->stats.linker_not_followed++;
		return false;
	}
	return true;
}

/* writes_name_fn: a write event named path. */
static bool engine_linker_on_name(void *ctx, const struct rec_event *ev, const struct file_id *id,
				  const char *path, enum writes_cause op)
{
	struct engine *en = ctx;
	enum linker_target lt = linker_classify(&en->cfg, path);
	struct written_file *wf = en->linker_wf;
	char summary[512];
	struct alert a;

	if (lt != LINKER_PRELOAD && lt != LINKER_CONF)
		return engine_linker_follow(en, ev, id, path, lt);  /* libraries: judged once written */
	writes_describe(en->writes, ev, id, path, wf);
	wf->settled_by = op;
	memset(&a, 0, sizeof(a));
	a.severity = SEV_CRITICAL;
	if (lt == LINKER_CONF) {
		if (wf->trusted_by[0] && wf->trust == WRITES_TRUST_IDENTITY) {
			en->stats.linker_trusted++;
			log_debug("linker configuration write not alerted (event %s, trusted producer "
				  "%.64s): %.200s", ev->id, wf->trusted_by, path);
			return true;
		}
		a.severity = wf->trusted_by[0] ? SEV_LOW : SEV_HIGH;
	}
	a.rule = "linker_hijack";
	a.mitre = &MITRE_DYNAMIC_LINKER_HIJACKING;
	a.actor = &wf->writer;
	a.file = wf;
	a.nlineage = engine_emit_lineage(en, wf->writer.pid, wf->writer.ppid, a.lineage,
					  ALERT_LINEAGE_MAX);
	a.reasons[a.nreasons++] = linker_target_reason(lt);
	if (wf->trusted_by[0])
		a.reasons[a.nreasons++] = "trusted_producer_name";
	if (wf->download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	snprintf(summary, sizeof(summary), "%s of the dynamic linker's %s %.160s by %.64s (pid %lld, "
		 "uid %lld)", writes_cause_name(op),
		 lt == LINKER_PRELOAD ? "preload list" : "search path configuration", path,
		 wf->writer.comm, wf->writer.pid, wf->writer.uid);
	a.summary = summary;
	en->stats.linker_alerts++;
	engine_emit(en, &a, ev->id);
	return true;
}

int engine_linker_init(struct engine *en)
{
	en->linker_wf = calloc(1, sizeof(*en->linker_wf));
	en->environ_buf = malloc(ENGINE_ENVIRON_MAX);
	if (!en->linker_wf || !en->environ_buf)
		return -ENOMEM;
	writes_set_name_hook(en->writes, engine_linker_on_name);
	return 0;
}

void engine_linker_free(struct engine *en)
{
	free(en->linker_wf);
	en->linker_wf = NULL;
	free(en->environ_buf);
	en->environ_buf = NULL;
}

const char *engine_linker_library(const struct engine *en, const struct written_file *wf)
{
	if (linker_classify(&en->cfg, wf->path) != LINKER_LIBRARY)
		return NULL;
	/* a producer trusted by name alone keeps its dropverdict treatment: mild findings
	 * silenced, the rest raised; only an unknown writer gets the library floor */
	if (wf->trusted_by[0])
		return NULL;
	return linker_target_reason(LINKER_LIBRARY);
}

/* Read /proc/PID/environ: the proc file only (O_NOFOLLOW on a numeric pid), bounded,
 * O_NONBLOCK. Returns the length, or a negative errno. */
static long read_environ(long long pid, char *buf, size_t cap, bool *ret_cut)
{
	char path[48];
	size_t len = 0;
	int fd, err = 0;

	*ret_cut = false;
	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%lld/environ", pid);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_cut = len == cap;
	close(fd);
	return err && len == 0 ? err : (long)len;
}

void engine_linker_on_exec(struct engine *en, const struct rec_event *ev)
{
	struct linker_env env;
	char summary[512];
	struct alert a;
	bool cut;
	long n;

	if (!en->cfg.linker.environ || en->opts.event_clock || en->opts.artifacts ||
	    !en->cfg.inspect_files || !ev->success)
		return;
	n = read_environ(ev->pid, en->environ_buf, ENGINE_ENVIRON_MAX, &cut);
	if (n < 0) {
		/* exited or exec'd again before we looked: the race linker.environ lives with */
		en->stats.environ_missed++;
		log_debug("environment of pid %lld not read (event %s): %s", ev->pid, ev->id,
			  strerror((int)-n));
		return;
	}
	en->stats.environ_reads++;
	if (cut)
		en->stats.environ_cut++;
	if (!linker_environ_scan(en->environ_buf, (size_t)n, &en->cfg.loader.writable_dirs, &env)) {
		for (unsigned v = 0; v < LINKER_VAR_COUNT; v++)
			if (env.present[v]) {
				en->stats.environ_found++;
				break;
			}
		return;
	}
	memset(&a, 0, sizeof(a));
	a.rule = "preload_env";
	a.severity = env.writable[LINKER_VAR_PRELOAD] || env.writable[LINKER_VAR_AUDIT] ?
		     SEV_HIGH : SEV_MEDIUM;
	a.mitre = &MITRE_DYNAMIC_LINKER_HIJACKING;
	a.ev = ev;
	a.env = &env;
	a.nlineage = engine_emit_lineage(en, ev->pid, ev->ppid, a.lineage, ALERT_LINEAGE_MAX);
	if (env.writable[LINKER_VAR_PRELOAD])
		a.reasons[a.nreasons++] = "ld_preload_writable";
	if (env.writable[LINKER_VAR_AUDIT])
		a.reasons[a.nreasons++] = "ld_audit_writable";
	if (env.writable[LINKER_VAR_LIBRARY_PATH])
		a.reasons[a.nreasons++] = "ld_library_path_writable";
	if (cut)
		a.reasons[a.nreasons++] = "environ_cut";
	snprintf(summary, sizeof(summary), "pid %lld (uid %lld) started with dynamic linker "
		 "variables pointing into writable places", ev->pid, ev->uid);
	a.summary = summary;
	en->stats.environ_alerts++;
	engine_emit(en, &a, ev->id);
}

void engine_linker_log_stats(const struct engine *en)
{
	const struct engine_stats *s = &en->stats;

	log_info("linker: alerts %lu, trusted writers silenced %lu, library-tree files not followed %lu; "
		 "environments read %lu (missed %lu, cut %lu), LD_ variables seen %lu, alerted %lu",
		 s->linker_alerts, s->linker_trusted, s->linker_not_followed, s->environ_reads,
		 s->environ_missed, s->environ_cut, s->environ_found, s->environ_alerts);
}
