#include "alert/emit.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>


void emit_key(struct emitter *e, const char *name)
{
	if (e->fmt == FORMAT_JSON) {
		struct strbuf *sb = e->sb;
		size_t comma = e->first[e->depth] ? 0 : 1, n = name ? strlen(name) : 0;
		size_t want = comma + (name ? n + 3 : 0);

		e->first[e->depth] = false;
		if (want < sb->cap - sb->len && want <= sb->limit - sb->len) {
			/* room already there: ,"name": written in place */
			char *d = sb->data + sb->len;

			if (comma)
				*d++ = ',';
			if (name) {
				*d++ = '"';
				memcpy(d, name, n);
				d += n;
				*d++ = '"';
				*d++ = ':';
			}
			*d = '\0';
			sb->len += want;
			return;
		}
		if (comma)
			strbuf_putc(sb, ',');
		if (name) {
			strbuf_putc(sb, '"');
			strbuf_add(sb, name, n);
			strbuf_add(sb, "\":", 2);
		}
		return;
	}
	if (e->sb->len)
		strbuf_putc(e->sb, ' ');
	strbuf_add(e->sb, e->prefix, e->plen[e->depth]);
	strbuf_puts(e->sb, name);
	strbuf_putc(e->sb, '=');
}

void emit_open(struct emitter *e, const char *name, char bracket)
{
	if (e->depth + 1 >= EMIT_DEPTH)
		return;
	if (e->fmt == FORMAT_JSON) {
		emit_key(e, name);
		strbuf_putc(e->sb, bracket);
	} else {
		size_t p = e->plen[e->depth], n = strlen(name);

		if (p + n + 1 < sizeof(e->prefix)) {
			memcpy(e->prefix + p, name, n);
			e->prefix[p + n] = '_';
			p += n + 1;
		}
		e->plen[e->depth + 1] = p;
	}
	e->depth++;
	e->first[e->depth] = true;
}

void emit_close(struct emitter *e, char bracket)
{
	if (e->depth == 0)
		return;
	e->depth--;
	if (e->fmt == FORMAT_JSON)
		strbuf_putc(e->sb, bracket);
}

/* Which cap applies is known by its value; where caps are equal a string counts for each. */
static void note_len(struct emitter *e, size_t len)
{
	struct emit_seen *n = &e->seen;

	if (e->str_cap == e->argv_cap && len > n->argv)
		n->argv = len;
	if (e->str_cap == e->key_cap && len > n->key)
		n->key = len;
	if (e->str_cap == e->base_cap && len > n->str)
		n->str = len;
}

unsigned emit_argv_count(struct emitter *e, unsigned argc_kept)
{
	if (argc_kept > e->seen.argc)
		e->seen.argc = argc_kept;
	return argc_kept < e->argv_max ? argc_kept : e->argv_max;
}

void emit_str(struct emitter *e, const char *name, const char *s, size_t len)
{
	if (s)
		note_len(e, len);
	/* a pass that ran out of room is thrown away and retried smaller: escaping the rest of
	 * a hostile string into nowhere is wasted (bounded) work, ~10 passes of it per alert */
	if (e->sb->truncated)
		return;
	emit_key(e, name);
	if (!s) {
		strbuf_puts(e->sb, e->fmt == FORMAT_JSON ? "null" : "\"\"");
		return;
	}
	strbuf_putc(e->sb, '"');
	if (e->fmt == FORMAT_JSON)
		strbuf_json_escape(e->sb, s, len, e->str_cap, &e->cut);
	else
		strbuf_kv_escape(e->sb, s, len, e->str_cap, &e->cut);
	strbuf_putc(e->sb, '"');
}

void emit_cstr(struct emitter *e, const char *name, const char *s)
{
	emit_str(e, name, s, s ? strlen(s) : 0);
}

/* Code-made words (rule, severity, MITRE codes, event id and time, reason codes) are never
 * cut: a rule "loader_e..." or a cut event id is useless to whoever reads the alert. */
/* Characters every code-made word is made of; they need no escaping in either format. */
static const bool word_byte[256] = {
	['0' ... '9'] = 1, ['a' ... 'z'] = 1, ['A' ... 'Z'] = 1,
	['_'] = 1, ['-'] = 1, ['.'] = 1, [':'] = 1, [' '] = 1, ['/'] = 1, ['+'] = 1,
};

static bool word_safe(const char *s, size_t *ret_len)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!word_byte[(unsigned char)s[i]])
			return false;
	*ret_len = i;
	return true;
}

void emit_word(struct emitter *e, const char *name, const char *s)
{
	size_t cap = e->str_cap, len;

	if (s && word_safe(s, &len)) {
		emit_key(e, name);
		strbuf_putc(e->sb, '"');
		strbuf_add(e->sb, s, len);
		strbuf_putc(e->sb, '"');
		return;
	}
	e->str_cap = SIZE_MAX;
	emit_cstr(e, name, s);
	e->str_cap = cap;
}

void emit_rstr(struct emitter *e, const char *name, const struct rec_str *r)
{
	/* a string already cut when the record was extracted is a cut too */
	if (r && r->cut)
		e->cut = true;
	emit_str(e, name, r ? r->s : NULL, r && r->s ? r->len : 0);
}

void emit_str_cap(struct emitter *e, const char *name, const char *s, size_t len, size_t cap)
{
	size_t keep = e->str_cap;

	e->str_cap = cap;
	emit_str(e, name, s, len);
	e->str_cap = keep;
}

void emit_rstr_cap(struct emitter *e, const char *name, const struct rec_str *r, size_t cap)
{
	size_t keep = e->str_cap;

	e->str_cap = cap;
	emit_rstr(e, name, r);
	e->str_cap = keep;
}

void emit_int(struct emitter *e, const char *name, long long v)
{
	emit_key(e, name);
	strbuf_put_int(e->sb, v);
}

/* Audit ids: -1 (absent) and 4294967295 (unset auid/ses) print as -1 in both formats. */
void emit_id(struct emitter *e, const char *name, long long v)
{
	emit_int(e, name, v == REC_AUID_UNSET ? -1 : v);
}

void emit_bool(struct emitter *e, const char *name, bool v)
{
	emit_key(e, name);
	strbuf_puts(e->sb, v ? "true" : "false");
}

/* A list of trusted, code-made words (reasons, option names). */
void emit_words(struct emitter *e, const char *name, const char *const *w, size_t n)
{
	if (e->fmt == FORMAT_JSON) {
		emit_open(e, name, '[');
		for (size_t i = 0; i < n; i++)
			emit_word(e, NULL, w[i]);
		emit_close(e, ']');
		return;
	}
	emit_key(e, name);
	strbuf_putc(e->sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_putc(e->sb, ',');
		strbuf_kv_escape(e->sb, w[i], strlen(w[i]), SIZE_MAX, NULL);
	}
	strbuf_putc(e->sb, '"');
}


void emit_words_once(struct emitter *e, const char *name, const char *const *w, size_t n)
{
	const char *once[32];
	size_t k = 0;

	for (size_t i = 0; i < n && k < sizeof(once) / sizeof(once[0]); i++) {
		size_t j;

		for (j = 0; j < k && strcmp(once[j], w[i]) != 0; j++)
			;
		if (j == k)
			once[k++] = w[i];
	}
	emit_words(e, name, once, k);
}
