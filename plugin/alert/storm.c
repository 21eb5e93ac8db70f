#include "alert/storm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORM_COST 60000LL          /* one alert, in bucket units: rate_per_minute per ms */
#define STORM_NIL (-1)

/* One emitted alert whose window is open. Entries live in a ring in the order they were
 * emitted; with one window for all, the ring's head is always the first to close. */
struct storm_entry {
	const char *rule;
	enum severity severity;
	struct file_id id;
	unsigned char digest[STORM_DIGEST_LEN];
	char name[STORM_NAME_MAX + 1];
	size_t name_len;
	bool name_cut;
	long long first_ms, last_ms, close_ms;
	unsigned long count;
	char first_event[STORM_EVENT_ID_MAX], last_event[STORM_EVENT_ID_MAX];
	size_t bucket;
	int next;                       /* hash chain */
};

/* A rule's token bucket and what it held back since the last report. */
struct storm_rule {
	const char *rule;
	long long tokens, refilled_ms;
	unsigned long suppressed;
	enum severity max;
	char first_event[STORM_EVENT_ID_MAX], last_event[STORM_EVENT_ID_MAX];
	long long first_ms, last_ms, due_ms;
};

struct storm {
	struct storm_limits lim;
	struct storm_entry *e;
	size_t head, n;
	int *bucket;
	size_t mask;
	struct storm_rule rules[STORM_RULES_MAX];
	size_t nrules;
	bool have_evicted;              /* a window closed early, its report not yet taken */
	struct storm_report evicted;
	struct storm_stats stats;
};

static const char *const action_names[STORM_ACTION_COUNT] = { "emit", "folded", "capped" };

const char *storm_action_name(enum storm_action a)
{
	return (unsigned)a < STORM_ACTION_COUNT ? action_names[a] : "unknown";
}

struct storm *storm_new(const struct storm_limits *lim)
{
	struct storm *s = calloc(1, sizeof(*s));
	size_t nb = 1;

	if (!s)
		return NULL;
	s->lim = *lim;
	if (lim->fold_window_ms && lim->table_size) {
		while (nb < lim->table_size)
			nb <<= 1;
		s->e = calloc(lim->table_size, sizeof(*s->e));
		s->bucket = malloc(nb * sizeof(*s->bucket));
		if (!s->e || !s->bucket) {
			storm_free(s);
			return NULL;
		}
		for (size_t i = 0; i < nb; i++)
			s->bucket[i] = STORM_NIL;
		s->mask = nb - 1;
	} else {
		s->lim.fold_window_ms = 0;  /* no table: no folding */
	}
	return s;
}

void storm_free(struct storm *s)
{
	if (!s)
		return;
	free(s->e);
	free(s->bucket);
	free(s);
}

static void copy_id(char *dst, const char *src)
{
	snprintf(dst, STORM_EVENT_ID_MAX, "%s", src ? src : "");
}

/* The digest is a keyed PRF (SipHash): its first bytes spread the buckets as well as any hash. */
static size_t key_bucket(const struct storm *s, const struct storm_key *k)
{
	size_t h = 0;

	for (size_t i = 0; i < sizeof(h); i++)
		h = (h << 8) | k->digest[i];
	return h & s->mask;
}

static bool key_equal(const struct storm_entry *e, const struct storm_key *k)
{
	return strcmp(e->rule, k->rule) == 0 && e->severity == k->severity &&
	       e->id.valid == k->id.valid && (!k->id.valid || file_id_equal(&e->id, &k->id)) &&
	       memcmp(e->digest, k->digest, sizeof(e->digest)) == 0;
}

static struct storm_entry *find(struct storm *s, const struct storm_key *k, size_t b,
				long long now_ms)
{
	for (int i = s->bucket[b]; i != STORM_NIL; i = s->e[i].next) {
		struct storm_entry *e = &s->e[i];

		/* a closed window whose report is not yet taken folds nothing more */
		if (now_ms < e->close_ms && key_equal(e, k))
			return e;
	}
	return NULL;
}

static void fill_repeats(const struct storm_entry *e, bool evicted, struct storm_report *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = STORM_REPEATS;
	r->rule = e->rule;
	r->severity = e->severity;
	r->count = e->count;
	memcpy(r->first_event, e->first_event, sizeof(r->first_event));
	memcpy(r->last_event, e->last_event, sizeof(r->last_event));
	r->first_ms = e->first_ms;
	r->last_ms = e->last_ms;
	r->id = e->id;
	memcpy(r->name, e->name, e->name_len);
	r->name[e->name_len] = '\0';
	r->name_cut = e->name_cut;
	r->evicted = evicted;
}

/* Take the ring's head out of the table. */
static void pop_head(struct storm *s)
{
	struct storm_entry *e = &s->e[s->head];
	int *link = &s->bucket[e->bucket];

	while (*link != STORM_NIL && *link != (int)s->head)
		link = &s->e[*link].next;
	if (*link != STORM_NIL)
		*link = e->next;
	s->head = (s->head + 1) % s->lim.table_size;
	s->n--;
}

static bool insert(struct storm *s, const struct storm_key *k, size_t b, long long now_ms)
{
	struct storm_entry *e;
	size_t slot;

	if (s->n == s->lim.table_size) {
		struct storm_entry *old = &s->e[s->head];

		if (old->count && s->have_evicted)
			return false;   /* the last early report was not taken: keep this one */
		if (old->count) {
			fill_repeats(old, now_ms < old->close_ms, &s->evicted);
			s->have_evicted = true;
		}
		if (now_ms < old->close_ms)
			s->stats.evicted++;
		pop_head(s);
	}
	slot = (s->head + s->n) % s->lim.table_size;
	e = &s->e[slot];
	memset(e, 0, sizeof(*e));
	e->rule = k->rule;
	e->severity = k->severity;
	e->id = k->id;
	memcpy(e->digest, k->digest, sizeof(e->digest));
	if (k->name) {
		e->name_len = k->name_len <= STORM_NAME_MAX ? k->name_len : STORM_NAME_MAX;
		e->name_cut = k->name_len > STORM_NAME_MAX;
		memcpy(e->name, k->name, e->name_len);
	}
	e->first_ms = e->last_ms = now_ms;
	e->close_ms = now_ms + s->lim.fold_window_ms;
	copy_id(e->first_event, k->event_id);
	copy_id(e->last_event, k->event_id);
	e->bucket = b;
	e->next = s->bucket[b];
	s->bucket[b] = (int)slot;
	s->n++;
	return true;
}

static struct storm_rule *rule_of(struct storm *s, const char *rule, long long now_ms)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i].rule, rule) == 0)
			return &s->rules[i];
	if (s->nrules == STORM_RULES_MAX)
		return NULL;
	struct storm_rule *r = &s->rules[s->nrules++];

	memset(r, 0, sizeof(*r));
	r->rule = rule;
	r->tokens = (long long)s->lim.rate_per_minute * STORM_COST;    /* a full minute's burst */
	r->refilled_ms = now_ms;
	return r;
}

/* Take a token; false when the rule is over its rate. */
static bool take_token(struct storm *s, struct storm_rule *r, long long now_ms)
{
	long long full = (long long)s->lim.rate_per_minute * STORM_COST;

	if (now_ms > r->refilled_ms) {
		long long dt = now_ms - r->refilled_ms;

		/* dt * rate cannot overflow before the bucket is full: cap dt first */
		if (dt > 60000)
			dt = 60000;
		r->tokens += dt * s->lim.rate_per_minute;
		if (r->tokens > full)
			r->tokens = full;
		r->refilled_ms = now_ms;
	}
	if (r->tokens < STORM_COST)
		return false;
	r->tokens -= STORM_COST;
	return true;
}

static void note_capped(struct storm *s, struct storm_rule *r, const struct storm_key *k,
			long long now_ms)
{
	if (r->suppressed == 0) {
		r->max = k->severity;
		r->first_ms = now_ms;
		r->due_ms = now_ms + (s->lim.fold_window_ms ? s->lim.fold_window_ms : STORM_REPORT_MS);
		copy_id(r->first_event, k->event_id);
	}
	if (k->severity > r->max)
		r->max = k->severity;
	r->last_ms = now_ms;
	copy_id(r->last_event, k->event_id);
	r->suppressed++;
	s->stats.capped++;
}

enum storm_action storm_admit(struct storm *s, const struct storm_key *k, long long now_ms)
{
	bool foldable = s->lim.fold_window_ms > 0;
	struct storm_rule *r;
	size_t b = 0;

	if (foldable) {
		struct storm_entry *e;

		b = key_bucket(s, k);
		if ((e = find(s, k, b, now_ms))) {
			e->count++;
			e->last_ms = now_ms;
			copy_id(e->last_event, k->event_id);
			s->stats.folded++;
			return STORM_FOLDED;
		}
	}
	if (s->lim.rate_per_minute && (r = rule_of(s, k->rule, now_ms)) &&
	    !take_token(s, r, now_ms)) {
		if (k->severity < SEV_CRITICAL) {
			note_capped(s, r, k, now_ms);
			return STORM_CAPPED;
		}
		s->stats.critical_over_cap++;   /* never held back: the attack itself */
	}
	/* insert fails only when the caller left an early report untaken: then no folding */
	if (foldable)
		insert(s, k, b, now_ms);
	s->stats.emitted++;
	return STORM_EMIT;
}

int storm_next_report(struct storm *s, long long now_ms, bool all, struct storm_report *ret)
{
	if (s->have_evicted) {
		*ret = s->evicted;
		s->have_evicted = false;
		s->stats.repeat_lines++;
		return 1;
	}
	while (s->n && (all || s->e[s->head].close_ms <= now_ms)) {
		const struct storm_entry *e = &s->e[s->head];
		bool report = e->count > 0;

		if (report)
			fill_repeats(e, false, ret);
		pop_head(s);
		if (report) {
			s->stats.repeat_lines++;
			return 1;
		}
	}
	for (size_t i = 0; i < s->nrules; i++) {
		struct storm_rule *r = &s->rules[i];

		if (!r->suppressed || (!all && r->due_ms > now_ms))
			continue;
		memset(ret, 0, sizeof(*ret));
		ret->kind = STORM_SUPPRESSED;
		ret->rule = r->rule;
		ret->severity = r->max;
		ret->count = r->suppressed;
		memcpy(ret->first_event, r->first_event, sizeof(ret->first_event));
		memcpy(ret->last_event, r->last_event, sizeof(ret->last_event));
		ret->first_ms = r->first_ms;
		ret->last_ms = r->last_ms;
		ret->rate_per_minute = s->lim.rate_per_minute;
		r->suppressed = 0;
		s->stats.suppressed_lines++;
		return 1;
	}
	return 0;
}

void storm_get_stats(const struct storm *s, struct storm_stats *ret)
{
	*ret = s->stats;
}
