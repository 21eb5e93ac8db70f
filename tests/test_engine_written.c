/* engine_written: the written-file policy past dropverdict (pure): the library floor of linker
 * hijacks and what becomes of the file (alert, counted as suppressed, quiet); its names. */
#include <string.h>

#include "detect/mitre.h"
#include "engine/engine_written.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_decide(void)
{
	static const struct {
		const char *name;
		bool library, suppressed;
		enum severity in;
		enum engine_written_outcome outcome;
		enum severity out;
		bool linker_mitre;
	} rows[] = {
		{ "clean file, no library: quiet", false, false, SEV_INFO, ENGINE_WRITTEN_QUIET, SEV_INFO, false },
		{ "low: quiet", false, false, SEV_LOW, ENGINE_WRITTEN_QUIET, SEV_LOW, false },
		{ "low, trusted writer: suppressed", false, true, SEV_LOW, ENGINE_WRITTEN_SUPPRESSED, SEV_LOW, false },
		{ "medium: alert", false, false, SEV_MEDIUM, ENGINE_WRITTEN_ALERT, SEV_MEDIUM, false },
		{ "high, suppressed flag set: still an alert", false, true, SEV_HIGH, ENGINE_WRITTEN_ALERT, SEV_HIGH, false },
		{ "library, clean: lifted to medium", true, false, SEV_INFO, ENGINE_WRITTEN_ALERT, SEV_MEDIUM, true },
		{ "library, low: lifted to medium", true, true, SEV_LOW, ENGINE_WRITTEN_ALERT, SEV_MEDIUM, true },
		{ "library, medium finding: high", true, false, SEV_MEDIUM, ENGINE_WRITTEN_ALERT, SEV_HIGH, true },
		{ "library, high: high", true, false, SEV_HIGH, ENGINE_WRITTEN_ALERT, SEV_HIGH, true },
		{ "library, critical: stays critical", true, false, SEV_CRITICAL, ENGINE_WRITTEN_ALERT, SEV_CRITICAL, true },
	};

	for (size_t i = 0; i < N_ELEMS(rows); i++) {
		struct write_verdict wv;
		enum engine_written_outcome o;

		memset(&wv, 0, sizeof(wv));
		wv.severity = rows[i].in;
		wv.mitre = &MITRE_DROPPED_EXEC;
		o = engine_written_decide(rows[i].library ? "library_write" : NULL, rows[i].suppressed,
					  &wv);
		tap_ok(o == rows[i].outcome && wv.severity == rows[i].out &&
		       (wv.mitre == &MITRE_DYNAMIC_LINKER_HIJACKING) == rows[i].linker_mitre,
		       "decide: %s (%s, %s)", rows[i].name, engine_written_outcome_name(o),
		       severity_name(wv.severity));
	}
}

static void test_names(void)
{
	tap_is_str(engine_written_outcome_name(ENGINE_WRITTEN_QUIET), "quiet", "name: quiet");
	tap_is_str(engine_written_outcome_name(ENGINE_WRITTEN_SUPPRESSED), "suppressed",
		   "name: suppressed");
	tap_is_str(engine_written_outcome_name(ENGINE_WRITTEN_ALERT), "alert", "name: alert");
	tap_is_str(engine_written_outcome_name(ENGINE_WRITTEN_OUTCOME_COUNT), "unknown",
		   "name: out of range");
}

int main(void)
{
	test_decide();
	test_names();
	return tap_done();
}
