#include "engine/engine_written.h"

#include <stdio.h>
#include <string.h>

#include "detect/mitre.h"
#include "engine/engine_emit.h"
#include "engine/engine_exec.h"
#include "engine/engine_linker.h"
#include "sys/log.h"

static const char *const engine_written_outcome_names[ENGINE_WRITTEN_OUTCOME_COUNT] = {
	[ENGINE_WRITTEN_QUIET] = "quiet",
	[ENGINE_WRITTEN_SUPPRESSED] = "suppressed",
	[ENGINE_WRITTEN_ALERT] = "alert",
};

const char *engine_written_outcome_name(enum engine_written_outcome o)
{
	return (unsigned)o < ENGINE_WRITTEN_OUTCOME_COUNT ? engine_written_outcome_names[o] :
							    "unknown";
}

/* ---- policy (pure) ---- */

enum engine_written_outcome engine_written_decide(const char *library, bool suppressed,
						  struct write_verdict *wv)
{
	if (library) {
		wv->severity = wv->severity >= SEV_MEDIUM ?
			       (wv->severity > SEV_HIGH ? wv->severity : SEV_HIGH) : SEV_MEDIUM;
		wv->mitre = &MITRE_DYNAMIC_LINKER_HIJACKING;
	}
	if (wv->severity >= SEV_MEDIUM)
		return ENGINE_WRITTEN_ALERT;
	return suppressed ? ENGINE_WRITTEN_SUPPRESSED : ENGINE_WRITTEN_QUIET;
}

int engine_written_unjudged_severity(const struct write_result *wr, const char *library,
				     enum dropverdict_why *why)
{
	int sev = dropverdict_unjudged(wr, why);

	if (library && wr->unjudged != WRITES_UJ_NO_NAME && sev < SEV_MEDIUM)
		sev = SEV_MEDIUM;
	return sev;
}

/* ---- alerts ---- */

static void written_alert(struct engine *en, const struct written_file *wf,
			  const struct stat *st, const struct write_verdict *wv,
			  const char *library)
{
	const struct elf_report *rep = &en->report;
	char summary[512];
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.rule = library ? "linker_hijack" : "suspicious_elf_write";
	a.severity = wv->severity;
	a.mitre = wv->mitre;
	a.actor = &wf->writer;
	a.file = wf;
	a.file_st = st;
	a.elf = rep;
	a.verdict = wv;
	a.nlineage = engine_emit_lineage(en, wf->writer.pid, wf->writer.ppid, a.lineage,
					 ALERT_LINEAGE_MAX);
	if (library)
		a.reasons[a.nreasons++] = library;
	for (unsigned i = 0; i < rep->nfindings && a.nreasons < ALERT_REASONS_MAX - 2; i++)
		if (wv->counts[i] && rep->findings[i].severity >= SEV_LOW)
			a.reasons[a.nreasons++] = elf_reason_name(rep->findings[i].code);
	if (wf->download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (wf->exec_bit)
		a.reasons[a.nreasons++] = "exec_bit";
	snprintf(summary, sizeof(summary), "%s ELF %.160s (%s, %s) written by %.64s (pid %lld, uid %lld)",
		 severity_name(wv->severity), wf->path,
		 rep->facts.machine_name ? rep->facts.machine_name : "unknown machine",
		 elf_arch_status_name(rep->facts.arch), wf->writer.comm, wf->writer.pid, wf->writer.uid);
	a.summary = summary;
	en->stats.write_alerts++;
	engine_emit(en, &a, wf->event_id);
}

/* The ELF engine on a settled file, into en->report. False when there is nothing to judge:
 * not ELF, or not inspected (retried, then reported as not judged: never "not ELF"). */
static bool written_inspect(struct engine *en, const struct written_file *wf, int fd,
			    const struct stat *st, struct write_result *ret)
{
	struct elf_report *rep = &en->report;
	struct elf_limits lim;
	int r;

	elf_limits_default(&lim);
	lim.read_max = en->cfg.writes.inspect_max_bytes;
	lim.hash_max = en->cfg.writes.inspect_max_bytes;
	lim.exec_hint = wf->exec_bit || writes_in_drop_location(&en->cfg, wf->path);
	if ((r = elf_inspect_fd(fd, st, &en->host, &lim, rep)) < 0) {
		en->stats.inspect_errors++;
		log_warn("cannot inspect %.200s (event %s): %s", wf->path, wf->event_id, strerror(-r));
		ret->judge_error = r;
		return false;
	}
	ret->is_elf = rep->facts.is_elf;
	return ret->is_elf;
}

void engine_written_judge(void *ctx, const struct written_file *wf, int fd,
			  const struct stat *st, struct write_result *ret)
{
	struct engine *en = ctx;
	const struct elf_report *rep = &en->report;
	struct write_verdict wv;
	const char *library;

	if (!written_inspect(en, wf, fd, st, ret))
		return;
	dropverdict_write(wf, rep, &wv);
	ret->verdict = wv.severity;
	ret->mitre = wv.mitre;
	engine_exec_note_written(en, st, rep, &wv);   /* this state needs no judging at exec */
	if (rep->facts.hashed)
		memcpy(ret->sha256, rep->facts.sha256, sizeof(ret->sha256));
	library = engine_linker_library(en, wf);
	switch (engine_written_decide(library, wv.suppressed_by, &wv)) {
	case ENGINE_WRITTEN_ALERT:
		written_alert(en, wf, st, &wv, library);
		break;
	case ENGINE_WRITTEN_SUPPRESSED:
		en->stats.write_suppressed_trusted++;
		log_debug("written file not alerted (event %s, %s %.64s, trust %s): %.200s",
			  wf->event_id, dropverdict_why_name(wv.suppressed_by), wf->trusted_by,
			  writes_trust_name(wf->trust), wf->path);
		break;
	default:
		break;
	}
}

void engine_written_unjudged(void *ctx, const struct write_result *wr)
{
	struct engine *en = ctx;
	const struct written_file *wf = &wr->file;
	enum dropverdict_why why;
	const char *library = engine_linker_library(en, wf);
	int sev = engine_written_unjudged_severity(wr, library, &why);
	char summary[512];
	struct alert a;

	if (sev < 0) {
		en->stats.unjudged_counted++;
		log_debug("written file not judged, not alerted (event %s, %s, %s: %s): %.200s",
			  wf->event_id, writes_unjudged_name(wr->unjudged), dropverdict_why_name(why),
			  wr->unjudged_errno ? strerror(wr->unjudged_errno) : "no error",
			  wf->path[0] ? wf->path : "(no name)");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.rule = "unjudged_write";
	a.severity = (enum severity)sev;
	a.mitre = &MITRE_OBFUSCATED_FILES;
	a.actor = &wf->writer;
	a.file = wf;
	a.unjudged = wr;
	a.nlineage = engine_emit_lineage(en, wf->writer.pid, wf->writer.ppid, a.lineage,
					 ALERT_LINEAGE_MAX);
	a.reasons[a.nreasons++] = writes_unjudged_name(wr->unjudged);
	if (library)
		a.reasons[a.nreasons++] = library;
	if (wf->download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (wf->exec_bit)
		a.reasons[a.nreasons++] = "exec_bit";
	snprintf(summary, sizeof(summary), "%.160s written by %.64s (pid %lld, uid %lld) could not be "
		 "judged after %lld ms: %s (%s)", wf->path, wf->writer.comm, wf->writer.pid,
		 wf->writer.uid, wr->waited_ms, writes_unjudged_name(wr->unjudged),
		 wr->unjudged_errno ? strerror(wr->unjudged_errno) : "no error");
	a.summary = summary;
	en->stats.unjudged_alerts++;
	engine_emit(en, &a, wf->event_id);
}

void engine_written_exec(struct engine *en, const struct rec_event *ev,
			 const struct write_result *wr)
{
	enum dropverdict_why why;
	int sev = dropverdict_exec(&en->cfg, wr, &why);
	char summary[512];
	struct alert a;

	if (sev < 0) {
		en->stats.dropped_trusted++;
		log_debug("exec of a written file not alerted (event %s, %s %.64s, trust %s): %.200s",
			  ev->id, dropverdict_why_name(why), wr->file.trusted_by,
			  writes_trust_name(wr->file.trust), wr->file.path);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.rule = "dropped_exec";
	a.severity = (enum severity)sev;
	a.mitre = wr->verdict >= SEV_MEDIUM && wr->mitre ? wr->mitre : &MITRE_DROPPED_EXEC;
	a.ev = ev;
	a.file = &wr->file;
	a.written = wr;
	a.nlineage = engine_emit_lineage(en, ev->pid, ev->ppid, a.lineage, ALERT_LINEAGE_MAX);
	a.reasons[a.nreasons++] = "recently_written";
	if (wr->verdict >= SEV_MEDIUM)
		a.reasons[a.nreasons++] = "suspicious_file";
	if (wr->unjudged)
		a.reasons[a.nreasons++] = "unjudged_file";
	if (wr->file.download_tool)
		a.reasons[a.nreasons++] = "download_tool";
	if (writes_in_drop_location(&en->cfg, wr->file.path))
		a.reasons[a.nreasons++] = "in_drop_location";
	snprintf(summary, sizeof(summary), "%.160s run %llds after %.64s (pid %lld) wrote it",
		 wr->file.path, (long long)(ev->sec - wr->file.sec), wr->file.writer.comm,
		 wr->file.writer.pid);
	a.summary = summary;
	en->stats.dropped_execs++;
	engine_emit(en, &a, ev->id);
}

void engine_written_log_stats(const struct engine *en)
{
	const struct engine_stats *s = &en->stats;
	struct writes_stats ws;

	writes_get_stats(en->writes, &ws);
	log_info("writes: events %lu, files followed %lu (renames %lu, exec bits %lu), judged %lu, "
		 "not ELF %lu (changed after a look %lu), gone before judgement %lu, replaced %lu, "
		 "unchanged %lu, judged again at exec %lu, timeouts %lu, evicted %lu, unresolved names "
		 "%lu; write alerts %lu, trusted writers silenced %lu; dropped execs %lu (trusted %lu); "
		 "inspection errors %lu",
		 ws.write_events, ws.tracked, ws.renames, ws.chmods, ws.judged, ws.not_elf,
		 ws.changed_after_look, ws.gone, ws.replaced, ws.duplicates, ws.rejudged,
		 ws.timeouts, ws.evicted, ws.unresolved, s->write_alerts, s->write_suppressed_trusted,
		 s->dropped_execs, s->dropped_trusted, s->inspect_errors);
	log_info("writes not judged %lu (alerted %lu, counted %lu): lease %lu, permission denied "
		 "%lu, symlink in path %lu, identity changed %lu, unsafe mount %lu, no name %lu, read "
		 "error %lu, other %lu, out of time at exit %lu; failed opens retried %lu",
		 ws.unjudged, s->unjudged_alerts, s->unjudged_counted,
		 ws.unjudged_by[WRITES_UJ_LEASE], ws.unjudged_by[WRITES_UJ_PERMISSION],
		 ws.unjudged_by[WRITES_UJ_SYMLINK], ws.unjudged_by[WRITES_UJ_IDENTITY],
		 ws.unjudged_by[WRITES_UJ_UNSAFE_MOUNT], ws.unjudged_by[WRITES_UJ_NO_NAME],
		 ws.unjudged_by[WRITES_UJ_READ_ERROR], ws.unjudged_by[WRITES_UJ_OPEN_FAILED],
		 ws.unjudged_by[WRITES_UJ_SHUTDOWN], ws.open_failures);
}
