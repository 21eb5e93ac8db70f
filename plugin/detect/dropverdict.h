/* dropverdict: policy for written files and their later execs. Pure functions of the engine's
 * findings, what is known of the writer, and the configuration. */
#ifndef ELFWATCH_DROPVERDICT_H
#define ELFWATCH_DROPVERDICT_H

#include <stdbool.h>

#include "sys/config.h"
#include "elf/elf_report.h"
#include "detect/mitre.h"
#include "util/severity.h"
#include "detect/writes.h"

/* Why a written file or its exec is not alerted. */
enum dropverdict_why {
	DROPVERDICT_NONE = 0,                   /* nothing silenced */
	DROPVERDICT_TRUSTED_PRODUCER,           /* written by a producer trusted by identity */
	DROPVERDICT_TRUSTED_PRODUCER_NAME,      /* ... trusted by name alone, mild findings */
	DROPVERDICT_NO_NAME,                    /* not judged, and no name to open it by */
	DROPVERDICT_NOT_EXEC_CANDIDATE,         /* not judged, and nothing says it may be run */
	DROPVERDICT_WHY_COUNT
};
/* "trusted_producer", "trusted_producer_name", "no_name", "not_exec_candidate"; NULL for
 * DROPVERDICT_NONE. */
const char *dropverdict_why_name(enum dropverdict_why w);

struct write_verdict {
	enum severity severity;         /* of the findings that count */
	const struct mitre *mitre;
	bool counts[ELF_REPORT_MAX_FINDINGS];   /* finding i counts toward the verdict */
	enum dropverdict_why suppressed_by;     /* findings present but silenced: a trusted
						 * producer (by identity or by name) */
};

/* Judge a written file's report: a trusted producer's files count only for structural
 * tampering (no toolchain emits it); a producer trusted by name alone (its exec was not seen)
 * only has mild findings silenced: foreign architecture, packers, structural tampering and
 * anything high still count. The technique is T1105 for a download tool's files, T1027.002
 * for packers, T1027 for header tampering. */
void dropverdict_write(const struct written_file *wf, const struct elf_report *rep,
		       struct write_verdict *ret);

/* Severity of an exec of a recently written file, or -1 (with *ret_why) when it is not an
 * alert: a trusted producer wrote it (by name alone: only while its verdict is mild). A file
 * that could not be judged and is run is high. */
int dropverdict_exec(const struct config *cfg, const struct write_result *wr,
		     enum dropverdict_why *ret_why);

/* Severity of a written file that could not be judged (wr->unjudged), or -1 with *ret_why
 * when it is only counted: not an executable candidate, or no name to open it by. Medium;
 * low when an identity-checked trusted producer wrote it or it lies on a mount elfwatch never
 * opens by design. */
int dropverdict_unjudged(const struct write_result *wr, enum dropverdict_why *ret_why);

#endif
