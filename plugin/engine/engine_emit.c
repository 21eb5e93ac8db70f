#include "engine/engine_emit.h"

#include <string.h>

#include "engine/engine_storm.h"
#include "sys/log.h"

size_t engine_emit_lineage(struct engine *en, long long self, long long ppid,
			   const struct proc_entry **out, size_t max)
{
	long long pid = ppid;
	size_t n = 0;

	while (n < max && pid > 0) {
		const struct proc_entry *p = proctable_get(en->procs, pid);
		bool loop = false;

		if (!p)
			break;
		for (size_t i = 0; i < n; i++)
			loop = loop || out[i] == p;
		if (loop || p->pid == self)
			break;
		out[n++] = p;
		pid = p->ppid;
	}
	return n;
}

void engine_emit(struct engine *en, struct alert *a, const char *id)
{
	int r;

	if (a->severity < en->cfg.min_severity) {
		en->stats.below_min_severity++;
		return;
	}
	if (!engine_storm_admit(en, a, id))
		return;
	a->host = en->hostname;
	if (en->cfg.format == FORMAT_TEXT) {
		size_t wlen;
		const char *what = alert_text_what(a, &wlen);

		alert_text_format(a, en->opts.colour, en->cfg.max_alert_bytes, &en->line);
		tally_add(&en->tally, a->rule, a->severity, alert_text_writer(a), what, wlen);
	} else if (alert_format(a, en->cfg.format, en->cfg.max_alert_bytes, &en->line) < 0) {
		log_err("cannot format alert for event %s", id);
		return;
	}
	if ((r = output_emit(en->out, a->severity, en->line.data, en->line.len)) < 0) {
		en->stats.output_errors++;
		log_err("cannot write alert for event %s: %s", id, strerror(-r));
		return;
	}
	en->stats.alerts++;
}
