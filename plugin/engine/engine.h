/* engine: what happens to one complete audit event. Extracts it, judges it (loader runs,
 * writes, execs of written files), formats and emits alerts, keeps the process table current,
 * and counts everything it does not alert on. */
#ifndef ELFWATCH_ENGINE_H
#define ELFWATCH_ENGINE_H

#include <stdbool.h>

#include <auparse.h>

#include "alert/alert.h"
#include "sys/config.h"
#include "detect/dropverdict.h"
#include "elf/elf_host.h"
#include "elf/elf_inspect.h"
#include "detect/execjudge.h"
#include "detect/fileset.h"
#include "detect/loader.h"
#include "alert/output.h"
#include "engine/probe.h"
#include "detect/proctable.h"
#include "model/record.h"
#include "sys/statefile.h"
#include "alert/storm.h"
#include "util/strbuf.h"
#include "alert/tally.h"
#include "detect/writes.h"

struct engine_options {
	bool event_clock;           /* replay: time follows the events, not the wall clock */
	const char *artifacts;      /* replay: recorded files by identity (probe.h), or NULL */
	const struct identities *recorded;  /* replay: identities of named files as recorded
					     * (identities.h), used instead of this host's */
	bool colour;                /* format text: ANSI colour (a terminal, NO_COLOR unset) */
	/* the live clock in ms (monotonic) and the wall clock of summary lines, or NULL for
	 * the system's: tests and fuzzing inject theirs so ticks are deterministic */
	long long (*clock_ms)(void *ctx);
	void *clock_ctx;
};

struct engine_stats {
	unsigned long events, exec_events, write_events, extract_errors;
	unsigned long loader_execs, alerts, below_min_severity;
	unsigned long suppressed_benign_form, suppressed_ldd_parent, suppressed_allow_list;
	unsigned long write_alerts, write_suppressed_trusted, dropped_execs, dropped_trusted,
		inspect_errors;
	unsigned long unjudged_alerts, unjudged_counted;    /* written files not judged */
	unsigned long output_errors;
	unsigned long exec_judge_alerts, exec_unjudged, fileless_execs, fileless_allowed;
	/* linker configuration and environment (engine_linker.c) */
	unsigned long linker_alerts, linker_trusted, linker_not_followed, environ_reads,
		environ_missed, environ_cut, environ_found, environ_alerts;
};

struct engine {
	struct config cfg;
	struct engine_options opts;
	struct loader_set *known;
	struct proctable *procs;
	struct ldd_runs ldd;
	struct fileset *trusted_ids, *benign_ids;   /* resolved at start and on reload */
	struct writes *writes;
	struct output *out;
	struct storm *storm;                        /* alert folding and rate caps */
	unsigned char storm_secret[STORM_SECRET_LEN];   /* the fold digest's key, random */
	struct probe probe;                 /* file access, fixed at start (probe.h) */
	struct loader_probe loader_probe;   /* probe's, for loader_judge through xprobe */
	struct elf_host host;
	struct rec_event ev;
	struct loader_verdict verdict;
	struct elf_report report;
	struct strbuf line;
	struct tally tally;                 /* format text: the summary after the alerts */
	/* exec-time judgement (execjudge.h): cache, file access, scratch for one exec */
	struct execjudge *xj;
	struct execjudge_fs xfs;
	struct loader_probe xprobe;         /* the loader probe, memfds reached via /proc/PID/exe */
	long long xpid;                     /* the exec being judged, for xprobe */
	bool xfileless;                     /* it runs from a memfd or a deleted file */
	const char *xloader_reason;         /* fileless reason a loader_exec gains, or NULL */
	struct execjudge_result xres;
	struct write_verdict xwv;
	struct written_file xfile;
	long long now_ms;
	long long mounts_checked_ms, ids_resolved_ms;
	char hostname[256];
	struct written_file *linker_wf;     /* scratch for linker_hijack alerts */
	char *environ_buf;                  /* one /proc/PID/environ, ENGINE_ENVIRON_MAX bytes */
	struct engine_stats stats;
	/* kept across a restart (engine_state.h) */
	struct statefile state;
	bool state_on;                      /* this run's file is created: save at the end */
	uint8_t boot_id[16];
};

/* Take ownership of *cfg and set everything up. 0, or negative errno with a logged reason. */
int engine_init(struct engine *en, struct config *cfg, const struct engine_options *opts);

/* Swap in a new configuration (ownership taken); on failure the old one stays. 0 or -errno. */
int engine_reload(struct engine *en, struct config *cfg);

/* auparse callback body: handle the current event of au. */
void engine_handle_event(struct engine *en, auparse_state_t *au);

/* Handle one whole event from its text (as assembly hands it on) without libauparse, as
 * engine_handle_event would. False when libauparse must read it (rec_extract_text): nothing
 * was done then. */
bool engine_handle_text(struct engine *en, const char *text, size_t len);

/* Timer: look at files being written (live clock). */
void engine_tick(struct engine *en);

/* End of input: save the tables when state is kept (the followed files with them), else
 * judge what is still pending (live: within ENGINE_FINISH_MS, the rest reported as not
 * judged); flush folded alerts. */
#define ENGINE_FINISH_MS 500
void engine_finish(struct engine *en);

/* Log the counters at info level. */
void engine_log_stats(const struct engine *en);

void engine_free(struct engine *en);

#endif
