/* engine_state: keeping the engine's tables across a restart (plugin mode only). audit 4.2
 * restarts every plugin on each reload; without this each reload forgot the process table,
 * the files being followed and the recent verdicts of written files. Loaded at start-up as
 * root (statefile.h says what is checked), saved at the orderly end; what comes back is
 * checked again against the files (writes_state.c). The exec-time cache is not kept: it
 * refills on the first exec of each image. */
#include "engine/engine_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sys/log.h"
#include "detect/state.h"

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct state_limits limits(const struct engine *en)
{
	struct state_limits lim = { en->cfg.process_table_size, en->cfg.writes.pending_size,
				    en->cfg.writes.recent_size };
	return lim;
}

static void restore(struct engine *en, const struct state_snapshot *s, long long now)
{
	long long gap = now - s->saved_mono_ms;
	size_t files = 0, files_gone = 0, verdicts = 0, verdicts_gone = 0;

	for (size_t i = 0; i < s->nprocs; i++)
		proctable_restore(en->procs, &s->procs[i]);
	for (size_t i = 0; i < s->npending; i++) {
		int r = writes_restore_pending(en->writes, &s->pending[i], gap, now);

		files += r == 0;
		files_gone += r == -ENOENT;
		if (r < 0 && r != -ENOENT)
			log_debug("saved followed file not restored (%s): %.200s", strerror(-r),
				  s->pending[i].wf.path);
	}
	for (size_t i = 0; i < s->nrecent; i++) {
		int r = writes_restore_recent(en->writes, &s->recent[i], gap, now);

		verdicts += r == 0;
		verdicts_gone += r == -ENOENT;
	}
	log_info("state restored from %s (saved %lld ms ago): %zu processes, %zu of %zu followed "
		 "files (%zu gone or replaced since), %zu of %zu verdicts (%zu gone or replaced)",
		 en->cfg.state.path, gap, s->nprocs, files, s->npending, files_gone, verdicts,
		 s->nrecent, verdicts_gone);
}

/* The last run's file: read, checked, used or refused with a reason. */
static void load(struct engine *en)
{
	struct state_limits lim = limits(en);
	struct state_snapshot s;
	struct timespec mtime = { 0 }, real;
	const char *why = NULL;
	uint8_t *buf;
	size_t len;
	long long now;
	int r;

	r = statefile_take(&en->state, state_max_bytes(&lim), &buf, &len, &mtime, &why);
	if (r == -ENOENT) {
		log_info("no saved state at %s: starting with empty tables", en->cfg.state.path);
		return;
	}
	if (r < 0) {
		log_warn("saved state %s ignored and removed: %s (%s)", en->cfg.state.path, why,
			 strerror(-r));
		return;
	}
	r = state_decode(buf, len, &lim, &s, &why);
	free(buf);
	if (r < 0) {
		log_warn("saved state %s ignored: %s", en->cfg.state.path, why);
		return;
	}
	now = mono_ms();
	clock_gettime(CLOCK_REALTIME, &real);
	if (state_check_age(&s, en->boot_id, now, (long long)en->cfg.state.max_age_s * 1000, &why) == 0 &&
	    real.tv_sec - mtime.tv_sec > (time_t)en->cfg.state.max_age_s)
		why = "older than max_age (file time)";
	if (why) {
		/* what it held is not judged by anyone now: say so */
		log_warn("saved state %s ignored: %s (max_age %u s): %zu processes, %zu followed files "
			 "and %zu verdicts from before the restart are not used", en->cfg.state.path,
			 why, en->cfg.state.max_age_s, s.nprocs, s.npending, s.nrecent);
		state_snapshot_free(&s);
		return;
	}
	restore(en, &s, now);
	state_snapshot_free(&s);
}

void engine_state_load(struct engine *en)
{
	const char *why = NULL;
	int r;

	if (!en->cfg.state.enabled || !en->cfg.state.path)
		return;
	statefile_boot_id(en->boot_id);
	if ((r = statefile_open(en->cfg.state.path, &en->state, &why)) < 0) {
		log_warn("state not kept across restarts: %s: %s (%s)", en->cfg.state.path, why,
			 strerror(-r));
		return;
	}
	load(en);
	if ((r = statefile_create(&en->state)) < 0) {
		log_warn("state will not be saved: cannot create %s: %s", en->cfg.state.path,
			 strerror(-r));
		statefile_close(&en->state);
		return;
	}
	en->state_on = true;
}

bool engine_state_save(struct engine *en)
{
	struct state_limits lim = limits(en);
	struct state_snapshot s = { 0 };
	struct timespec real;
	size_t skipped = 0, size;
	uint8_t *buf = NULL;
	long long now = mono_ms();
	long n;
	int r = -ENOMEM;

	if (!en->state_on)
		return false;
	en->state_on = false;
	clock_gettime(CLOCK_REALTIME, &real);
	s.saved_mono_ms = now;
	s.saved_real_s = real.tv_sec;
	memcpy(s.boot_id, en->boot_id, sizeof(s.boot_id));
	/* the tables as they are (a reload keeps their sizes until restart) */
	s.procs = calloc(proctable_size(en->procs) + 1, sizeof(*s.procs));
	s.pending = calloc(writes_pending_count(en->writes) + 1, sizeof(*s.pending));
	s.recent = calloc(writes_recent_capacity(en->writes) + 1, sizeof(*s.recent));
	if (s.procs && s.pending && s.recent) {
		s.nprocs = proctable_export(en->procs, s.procs, proctable_size(en->procs));
		s.npending = writes_export_pending(en->writes, now, s.pending,
						   writes_pending_count(en->writes));
		s.nrecent = writes_export_recent(en->writes, now, s.recent,
						 writes_recent_capacity(en->writes));
		size = state_encoded_size(&s);
		/* the next start refuses more entries than its tables hold: judge now instead */
		if (s.nprocs > lim.max_procs || s.npending > lim.max_pending ||
		    s.nrecent > lim.max_recent)
			r = -E2BIG;
		else
			r = size > STATE_MAX_BYTES ? -EFBIG : (buf = malloc(size)) ? 0 : -ENOMEM;
	}
	if (r == 0 && (n = state_encode(&s, buf, size, &skipped)) < 0)
		r = (int)n;
	if (r == 0)
		r = statefile_write(&en->state, buf, size);
	if (r < 0)
		log_warn("cannot save state to %s (%s%s): followed files are judged now",
			 en->cfg.state.path, strerror(-r), r == -E2BIG ? ": tables larger than "
			 "the configuration's sizes, changed by a reload" : "");
	else
		log_info("state saved to %s: %zu processes, %zu followed files (for the next start "
			 "to judge: not judged unless one comes within max_age, %u s), %zu verdicts; %zu "
			 "entries out of range left out", en->cfg.state.path, s.nprocs, s.npending,
			 en->cfg.state.max_age_s, s.nrecent, skipped);
	free(buf);
	state_snapshot_free(&s);
	statefile_close(&en->state);
	return r == 0;
}
