/* storm: keeps alert storms readable without hiding anything. The first alert of its kind
 * leaves at once; identical alerts (same rule, severity, file or image identity and digest of
 * everything else that tells two alerts apart) within fold_window are counted and reported as one "repeats" line when the window closes;
 * each rule's new alerts are capped by a token bucket (rate_per_minute, burst of one minute)
 * and what the cap held back is reported as one "suppressed" line per rule and interval.
 * Critical alerts are never capped (they still fold). Pure: no I/O, the clock is passed in
 * (milliseconds, never going back); one hash lookup per alert. */
#ifndef ELFWATCH_STORM_H
#define ELFWATCH_STORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/fileid.h"
#include "util/severity.h"

#define STORM_NAME_MAX 512          /* identity name shown in reports (cut, never compared) */
#define STORM_DIGEST_LEN 16
#define STORM_SECRET_LEN 16         /* the digest's key (storm_line.h) */
#define STORM_EVENT_ID_MAX 48
#define STORM_RULES_MAX 8
#define STORM_REPORT_MS 60000       /* suppressed-line interval when folding is off */

struct storm_limits {
	unsigned fold_window_ms;        /* 0: never fold */
	unsigned rate_per_minute;       /* 0: no cap */
	size_t table_size;              /* alerts remembered for folding */
};

/* What makes two alerts "identical". Borrowed strings; rule is a static, code-made name. */
struct storm_key {
	const char *rule;
	enum severity severity;
	struct file_id id;              /* the file or image, when known */
	/* keyed digest of what else must match (reasons, name, actor, options; storm_line.c):
	 * SipHash-2-4 under a random secret, so attacker text cannot make a new alert fold */
	unsigned char digest[STORM_DIGEST_LEN];
	const char *name;               /* path or target, for the report */
	size_t name_len;
	const char *event_id;           /* this alert's event, for the report */
};

enum storm_action {
	STORM_EMIT = 0,                 /* write the alert now */
	STORM_FOLDED,                   /* identical to one emitted within the window: counted */
	STORM_CAPPED,                   /* over its rule's rate: counted */
	STORM_ACTION_COUNT
};
const char *storm_action_name(enum storm_action a);

enum storm_report_kind { STORM_REPEATS = 0, STORM_SUPPRESSED };

/* One summary line's content, owned by the caller. */
struct storm_report {
	enum storm_report_kind kind;
	const char *rule;
	enum severity severity;         /* repeats: the folded alerts'; suppressed: the highest */
	unsigned long count;            /* alerts folded (after the first) or suppressed */
	char first_event[STORM_EVENT_ID_MAX], last_event[STORM_EVENT_ID_MAX];
	long long first_ms, last_ms;    /* repeats: the first alert and the last fold */
	struct file_id id;              /* repeats: the identity */
	char name[STORM_NAME_MAX + 1];
	bool name_cut;
	bool evicted;                   /* repeats: window closed early, the table was full */
	unsigned rate_per_minute;       /* suppressed: the cap */
};

struct storm_stats {
	unsigned long emitted, folded, capped, critical_over_cap, repeat_lines, suppressed_lines,
		evicted;
};

struct storm;

/* A new, empty storm table. NULL on allocation failure. */
struct storm *storm_new(const struct storm_limits *lim);
void storm_free(struct storm *s);

/* Decide for one alert at now_ms. */
enum storm_action storm_admit(struct storm *s, const struct storm_key *k, long long now_ms);

/* The next summary due at now_ms (every pending one when all is true, for exit or reload),
 * removed from the table into *ret. 1 when *ret was filled, 0 when nothing is due. */
int storm_next_report(struct storm *s, long long now_ms, bool all, struct storm_report *ret);

void storm_get_stats(const struct storm *s, struct storm_stats *ret);

#endif
