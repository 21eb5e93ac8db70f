/* storm_line: the bridge between alerts and the storm table. Builds a storm key from a
 * formatted-to-be alert (no text re-parsed) and writes the two summary lines, "alert_repeats"
 * and "alerts_suppressed", through the alert writer (same formats, escaping and bound). */
#ifndef ELFWATCH_STORM_LINE_H
#define ELFWATCH_STORM_LINE_H

#include "alert/alert.h"
#include "alert/storm.h"

/* The key of a (borrowed; the key points into it). Its digest is SipHash-2-4 (128-bit) of
 * everything else that tells two alerts apart, under secret: a process-wide random key
 * (storm.h), so attacker text cannot be made to collide with another alert's. */
void storm_line_key(const struct alert *a, const unsigned char secret[STORM_SECRET_LEN],
		    struct storm_key *ret);

/* Format report r as one line (no newline) of at most max_bytes into out (reset first).
 * window_ms is the configured fold window; wall_ms the line's time in ms since the epoch (ECS
 * @timestamp, text; <= 0: unknown, left out). colour: text only. 0 or -ENOMEM. */
int storm_line_format(const struct storm_report *r, const char *host, unsigned window_ms,
		      long long wall_ms, enum alert_format fmt, bool colour, size_t max_bytes,
		      struct strbuf *out);

#endif
