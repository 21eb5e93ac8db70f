/* emit: the structured writer behind alert lines. One set of calls writes JSON objects or
 * flattened key=value pairs ('_'-joined names); untrusted strings are escaped and cut to
 * str_cap input bytes (cut noted in .cut), code-made words never are. */
#ifndef ELFWATCH_EMIT_H
#define ELFWATCH_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/config.h"
#include "model/record.h"
#include "util/strbuf.h"

#define EMIT_DEPTH 8

/* What one pass met, written or not (a string after the limit counts too): the longest
 * untrusted string under each cap and the most argv entries. alert_format skips a budget that
 * would cut none of them otherwise than the pass before: it would write the same line. */
struct emit_seen {
	size_t argv, str, key;
	unsigned argc;
};

/* One writer for both formats: JSON objects, or flattened key=value with '_'-joined names. */
struct emitter {
	struct strbuf *sb;
	enum alert_format fmt;
	size_t str_cap;             /* longest untrusted string written, in input bytes */
	size_t base_cap;            /* str_cap of the pass (str_cap changes per call) */
	size_t key_cap;             /* the same for the strings an alert never loses (alert.c) */
	unsigned argv_max;          /* argv entries written; fewer than kept is a cut */
	size_t argv_cap;            /* longest argv entry written */
	bool minimal;               /* only what an alert never loses */
	bool cut;                   /* some string was cut */
	struct emit_seen seen;
	int depth;
	bool first[EMIT_DEPTH];
	char prefix[128];
	size_t plen[EMIT_DEPTH];
};

void emit_key(struct emitter *e, const char *name);
void emit_open(struct emitter *e, const char *name, char bracket);
void emit_close(struct emitter *e, char bracket);
void emit_str(struct emitter *e, const char *name, const char *s, size_t len);
void emit_cstr(struct emitter *e, const char *name, const char *s);
void emit_word(struct emitter *e, const char *name, const char *s);
void emit_rstr(struct emitter *e, const char *name, const struct rec_str *r);
/* emit_str / emit_rstr with cap in place of str_cap. */
void emit_str_cap(struct emitter *e, const char *name, const char *s, size_t len, size_t cap);
void emit_rstr_cap(struct emitter *e, const char *name, const struct rec_str *r, size_t cap);
/* How many of argc_kept argv entries this pass writes (argv_max), noted in seen. */
unsigned emit_argv_count(struct emitter *e, unsigned argc_kept);
void emit_int(struct emitter *e, const char *name, long long v);
void emit_id(struct emitter *e, const char *name, long long v);
void emit_bool(struct emitter *e, const char *name, bool v);
void emit_words(struct emitter *e, const char *name, const char *const *w, size_t n);
/* The same list, each word once (first occurrence), at most n words. */
void emit_words_once(struct emitter *e, const char *name, const char *const *w, size_t n);

#endif
