/* linecheck: strict JSON and key=value line checkers for the alert tests and fuzz targets. */
#include "linecheck.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_DEPTH_MAX 32
#define KEY_MAX 128             /* longest key compared for duplicates (decoded bytes) */

/* The keys of every object being parsed, innermost last (an object drops its own when done):
 * one buffer for a whole line, on the stack until a line has more than KEYS_INLINE. */
#define KEYS_INLINE 64
struct keyset {
	char (*k)[KEY_MAX];
	size_t *len;
	size_t n, cap;
	char inl_k[KEYS_INLINE][KEY_MAX];
	size_t inl_len[KEYS_INLINE];
};

struct parser {
	const unsigned char *s;
	size_t n, i;
	int depth;
	const char *const *keys;
	int *counts;
	size_t nkeys;
	char *err;
	size_t errlen;
	struct keyset ks;
};

__attribute__((format(printf, 2, 3)))
static bool bad(struct parser *p, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!p->err || !p->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "at byte %zu: %s", p->i, msg);
	return false;
}

static void skip_ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const unsigned char *h)
{
	int v = 0;

	for (int k = 0; k < 4; k++) {
		int c = h[k], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A string at p->i ('"' expected). Its decoded bytes (up to KEY_MAX) go to out when given. */
static bool parse_string(struct parser *p, char *out, size_t *ret_len)
{
	size_t len = 0;

	if (p->i >= p->n || p->s[p->i] != '"')
		return bad(p, "expected '\"'");
	p->i++;
	for (;;) {
		unsigned char c;

		if (p->i >= p->n)
			return bad(p, "unterminated string");
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20)
			return bad(p, "raw control byte 0x%02x in a string", c);
		if (c == '\\') {
			unsigned char e;

			if (p->i + 1 >= p->n)
				return bad(p, "escape at the end");
			e = p->s[p->i + 1];
			if (e == 'u') {
				int v;

				if (p->i + 6 > p->n || (v = hex4(p->s + p->i + 2)) < 0)
					return bad(p, "bad \\u escape");
				/* a lone surrogate escape is legal JSON but never what we emit */
				if (v >= 0xd800 && v <= 0xdfff)
					return bad(p, "surrogate escape \\u%04x", v);
				if (out && len < KEY_MAX)
					out[len] = v < 0x80 ? (char)v : '?';
				len++;
				p->i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || !e)
				return bad(p, "bad escape \\%c", e);
			if (out && len < KEY_MAX)
				out[len] = (char)e;
			len++;
			p->i += 2;
			continue;
		}
		size_t l = utf8_len(p->s + p->i, p->n - p->i);
		if (l == 0)
			return bad(p, "invalid UTF-8 byte 0x%02x", c);
		for (size_t k = 0; k < l; k++) {
			if (out && len < KEY_MAX)
				out[len] = (char)p->s[p->i + k];
			len++;
		}
		p->i += l;
	}
	if (ret_len)
		*ret_len = len < KEY_MAX ? len : KEY_MAX;
	return true;
}

static bool parse_number(struct parser *p)
{
	size_t start = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
		return bad(p, "bad number");
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return bad(p, "bad fraction");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return bad(p, "bad exponent");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	return p->i > start;
}

static bool parse_value(struct parser *p);

static void keyset_init(struct keyset *ks)
{
	ks->k = ks->inl_k;
	ks->len = ks->inl_len;
	ks->n = 0;
	ks->cap = KEYS_INLINE;
}

static void keyset_free(struct keyset *ks)
{
	if (ks->k != ks->inl_k)
		free(ks->k);
	if (ks->len != ks->inl_len)
		free(ks->len);
}

/* Adds k unless one of keys [from, n) is the same. */
static bool keyset_add(struct parser *p, struct keyset *ks, size_t from, const char *k, size_t len)
{
	for (size_t i = from; i < ks->n; i++)
		if (ks->len[i] == len && memcmp(ks->k[i], k, len) == 0)
			return bad(p, "duplicate key \"%.*s\"", (int)len, k);
	if (ks->n == ks->cap) {
		size_t cap = ks->cap * 2;
		char (*nk)[KEY_MAX] = malloc(cap * sizeof(*ks->k));
		size_t *nl = malloc(cap * sizeof(*ks->len));

		if (!nk || !nl) {
			free(nk);
			free(nl);
			return bad(p, "out of memory");
		}
		memcpy(nk, ks->k, ks->n * sizeof(*ks->k));
		memcpy(nl, ks->len, ks->n * sizeof(*ks->len));
		keyset_free(ks);
		ks->k = nk;
		ks->len = nl;
		ks->cap = cap;
	}
	memcpy(ks->k[ks->n], k, len);
	ks->len[ks->n++] = len;
	return true;
}

static bool parse_object(struct parser *p)
{
	size_t from = p->ks.n;
	bool ok = false;

	p->i++; /* '{' */
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		char key[KEY_MAX];
		size_t klen = 0;

		skip_ws(p);
		if (!parse_string(p, key, &klen) || !keyset_add(p, &p->ks, from, key, klen))
			goto out;
		if (p->depth == 1)
			for (size_t k = 0; k < p->nkeys; k++)
				if (p->counts && strlen(p->keys[k]) == klen &&
				    memcmp(p->keys[k], key, klen) == 0)
					p->counts[k]++;
		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != ':') {
			bad(p, "expected ':'");
			goto out;
		}
		p->i++;
		if (!parse_value(p))
			goto out;
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			ok = true;
			goto out;
		}
		bad(p, "expected ',' or '}'");
		goto out;
	}
out:
	p->ks.n = from;
	return ok;
}

static bool parse_array(struct parser *p)
{
	p->i++; /* '[' */
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return true;
	}
	for (;;) {
		if (!parse_value(p))
			return false;
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return true;
		}
		return bad(p, "expected ',' or ']'");
	}
}

static bool literal(struct parser *p, const char *w)
{
	size_t l = strlen(w);

	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return bad(p, "unexpected byte");
	p->i += l;
	return true;
}

static bool parse_value(struct parser *p)
{
	bool ok;

	skip_ws(p);
	if (p->i >= p->n)
		return bad(p, "value expected");
	switch (p->s[p->i]) {
	case '{':
	case '[':
		if (p->depth >= JSON_DEPTH_MAX)
			return bad(p, "nested too deep");
		p->depth++;
		ok = p->s[p->i] == '{' ? parse_object(p) : parse_array(p);
		p->depth--;
		return ok;
	case '"':
		return parse_string(p, NULL, NULL);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	default:
		return parse_number(p);
	}
}

static void parser_init(struct parser *p, const char *s, size_t n, const char *const *keys,
			int *counts, size_t nkeys, char *err, size_t errlen)
{
	p->s = (const unsigned char *)s;
	p->n = n;
	p->i = 0;
	p->depth = 0;
	p->keys = keys;
	p->counts = counts;
	p->nkeys = nkeys;
	p->err = err;
	p->errlen = errlen;
	keyset_init(&p->ks);
	if (err && errlen)
		err[0] = '\0';
	for (size_t k = 0; counts && k < nkeys; k++)
		counts[k] = 0;
}

bool json_check(const char *s, size_t n, const char *const *keys, int *counts, size_t nkeys,
		char *err, size_t errlen)
{
	struct parser p;
	bool ok;

	parser_init(&p, s, n, keys, counts, nkeys, err, errlen);
	ok = parse_value(&p);
	if (ok) {
		skip_ws(&p);
		if (p.i != p.n)
			ok = bad(&p, "trailing bytes");
	}
	keyset_free(&p.ks);
	return ok;
}

static bool kv_key_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool kv_bare_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_.:+-", c) != NULL;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool kv_check(const char *s, size_t n, const char *const *keys, int *counts, size_t nkeys,
	      char *err, size_t errlen)
{
	struct parser p;
	bool ok = false;

	parser_init(&p, s, n, keys, counts, nkeys, err, errlen);
	if (n == 0) {
		bad(&p, "empty line");
		goto out;
	}
	while (p.i < n) {
		size_t k0 = p.i;

		if (p.i > 0) {
			if (s[p.i] != ' ') {
				bad(&p, "expected one space between pairs");
				goto out;
			}
			p.i++;
			k0 = p.i;
		}
		while (p.i < n && kv_key_byte((unsigned char)s[p.i]))
			p.i++;
		if (p.i == k0 || p.i >= n || s[p.i] != '=') {
			bad(&p, "expected key=");
			goto out;
		}
		if (p.i - k0 >= KEY_MAX) {
			bad(&p, "key too long");
			goto out;
		}
		if (!keyset_add(&p, &p.ks, 0, s + k0, p.i - k0))
			goto out;
		for (size_t k = 0; counts && k < nkeys; k++)
			if (strlen(keys[k]) == p.i - k0 && memcmp(keys[k], s + k0, p.i - k0) == 0)
				counts[k]++;
		p.i++; /* '=' */
		if (p.i < n && s[p.i] == '"') {
			p.i++;
			for (;;) {
				unsigned char c;

				if (p.i >= n) {
					bad(&p, "unterminated value");
					goto out;
				}
				c = (unsigned char)s[p.i];
				if (c == '"')
					break;
				if (c < 0x20 || c >= 0x7f) {
					bad(&p, "byte 0x%02x in a value", c);
					goto out;
				}
				if (c == '\\') {
					if (p.i + 3 >= n || s[p.i + 1] != 'x' ||
					    !is_hex((unsigned char)s[p.i + 2]) ||
					    !is_hex((unsigned char)s[p.i + 3])) {
						bad(&p, "escape other than \\xHH");
						goto out;
					}
					p.i += 4;
					continue;
				}
				p.i++;
			}
			p.i++; /* closing '"' */
		} else {
			size_t v0 = p.i;

			while (p.i < n && kv_bare_byte((unsigned char)s[p.i]))
				p.i++;
			if (p.i == v0) {
				bad(&p, "empty bare value");
				goto out;
			}
		}
	}
	ok = true;
out:
	keyset_free(&p.ks);
	return ok;
}

/* memchr: the fuzz targets check every line they make, and a byte loop was a tenth of one */
bool line_single(const char *s, size_t n)
{
	return !memchr(s, '\n', n) && !memchr(s, '\r', n) && !memchr(s, '\0', n);
}
