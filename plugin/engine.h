/* engine: what happens to one complete audit event. Extracts it, judges it, formats and emits
 * alerts, keeps the process table current, and counts everything it does not alert on. */
#ifndef ELFWATCH_ENGINE_H
#define ELFWATCH_ENGINE_H

#include <stdbool.h>

#include <auparse.h>

#include "alert.h"
#include "config.h"
#include "loader.h"
#include "output.h"
#include "probe.h"
#include "proctable.h"
#include "record.h"
#include "strbuf.h"

struct engine_stats {
	unsigned long events, exec_events, extract_errors;
	unsigned long loader_execs, alerts, below_min_severity;
	unsigned long suppressed_benign_form, suppressed_ldd_parent, suppressed_allow_list;
	unsigned long output_errors;
};

struct engine {
	struct config cfg;
	struct loader_set *known;
	struct proctable *procs;
	struct output *out;
	struct loader_probe probe;
	struct probe_stats probe_stats;
	struct rec_event ev;
	struct loader_verdict verdict;
	struct strbuf line;
	char host[256];
	struct engine_stats stats;
};

/* Take ownership of *cfg and set everything up. 0, or negative errno with a logged reason. */
int engine_init(struct engine *en, struct config *cfg);

/* Swap in a new configuration (ownership taken); on failure the old one stays. 0 or -errno. */
int engine_reload(struct engine *en, struct config *cfg);

/* auparse callback body: handle the current event of au. */
void engine_handle_event(struct engine *en, auparse_state_t *au);

/* Log the counters at info level. */
void engine_log_stats(const struct engine *en);

void engine_free(struct engine *en);

#endif
