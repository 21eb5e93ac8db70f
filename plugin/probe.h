/* probe: the live file-system side of loader detection. Re-opens executed images safely and
 * describes loader targets. The only place detection touches files. */
#ifndef ELFWATCH_PROBE_H
#define ELFWATCH_PROBE_H

#include "loader.h"

struct probe_stats {
	unsigned long images_opened, images_loader, images_refused, targets_checked;
};

/* A loader_probe that reads the live file system; stats (may be NULL) count its work and must
 * outlive the probe. */
struct loader_probe probe_live(struct probe_stats *stats);

#endif
