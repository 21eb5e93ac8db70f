#include "engine/engine_storm.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "sys/log.h"
#include "alert/storm.h"
#include "alert/storm_line.h"

static struct storm *engine_storm_new(const struct config *cfg)
{
	struct storm_limits lim = { cfg->alerts.fold_window_s * 1000u, cfg->alerts.rate_per_minute,
				    cfg->alerts.fold_table_size };

	return storm_new(&lim);
}

/* The fold digest's key, from the kernel's random pool without waiting for it at boot (an
 * early key is still unknown to whoever writes the alerts' text); a plugin that starts
 * without one still starts, with a key of the clock and its address space. */
static void storm_secret(unsigned char *key, size_t n)
{
	struct timespec ts;
	uint64_t mix[2];
	int fd;

	if (getrandom(key, n, GRND_NONBLOCK) == (ssize_t)n ||
	    getrandom(key, n, GRND_INSECURE) == (ssize_t)n)
		return;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t got = read(fd, key, n);

		close(fd);
		if (got == (ssize_t)n)
			return;
	}
	log_warn("no random key for alert folding: using the clock's");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	mix[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid();
	mix[1] = (uint64_t)(uintptr_t)key ^ (uint64_t)(uintptr_t)&ts;
	memcpy(key, mix, n < sizeof(mix) ? n : sizeof(mix));
}

int engine_storm_init(struct engine *en)
{
	storm_secret(en->storm_secret, sizeof(en->storm_secret));
	en->storm = engine_storm_new(&en->cfg);
	return en->storm ? 0 : -ENOMEM;
}

void engine_storm_reload(struct engine *en)
{
	struct storm *s = engine_storm_new(&en->cfg);

	if (!s) {
		log_warn("cannot apply the new alerts settings (out of memory): keeping the old ones");
		return;
	}
	engine_storm_drain(en, true);
	storm_free(en->storm);
	en->storm = s;
}

bool engine_storm_admit(struct engine *en, const struct alert *a, const char *id)
{
	struct storm_key k;
	enum storm_action act;

	engine_storm_drain(en, false);     /* a closed window's line comes before the new alert */
	storm_line_key(a, en->storm_secret, &k);
	act = storm_admit(en->storm, &k, en->now_ms);
	if (act != STORM_EMIT)
		log_debug("alert %s (event %s, %s) %s", a->rule, id, severity_name(a->severity),
			  storm_action_name(act));
	/* an eviction may have closed a window early */
	engine_storm_drain(en, false);
	return act == STORM_EMIT;
}

void engine_storm_drain(struct engine *en, bool all)
{
	struct storm_report r;
	int e;

	if (!en->storm)
		return;
	while (storm_next_report(en->storm, en->now_ms, all, &r) > 0) {
		struct timespec ts;
		long long wall_ms = r.last_ms;

		/* a live engine's clock is monotonic: the line's time is the wall clock's now */
		if (!en->opts.event_clock && en->opts.clock_ms) {
			wall_ms = en->opts.clock_ms(en->opts.clock_ctx);
		} else if (!en->opts.event_clock) {
			clock_gettime(CLOCK_REALTIME, &ts);
			wall_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		}
		if (storm_line_format(&r, en->hostname, en->cfg.alerts.fold_window_s * 1000u, wall_ms,
				      en->cfg.format, en->opts.colour, en->cfg.max_alert_bytes,
				      &en->line) < 0) {
			log_err("cannot format the %s summary of %lu %s alerts",
				r.kind == STORM_REPEATS ? "repeats" : "suppressed", r.count, r.rule);
			continue;
		}
		if ((e = output_emit(en->out, r.severity, en->line.data, en->line.len)) < 0) {
			en->stats.output_errors++;
			log_err("cannot write the summary of %lu %s alerts: %s", r.count, r.rule,
				strerror(-e));
		}
	}
}

void engine_storm_log_stats(const struct engine *en)
{
	struct storm_stats s;

	if (!en->storm)
		return;
	storm_get_stats(en->storm, &s);
	log_info("alert storms: emitted %lu, folded %lu (repeat lines %lu), rate-capped %lu "
		 "(suppressed lines %lu), critical over the cap %lu, folds cut by a full table %lu",
		 s.emitted, s.folded, s.repeat_lines, s.capped, s.suppressed_lines,
		 s.critical_over_cap, s.evicted);
}
