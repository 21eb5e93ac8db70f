#include "util/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strbuf_init(struct strbuf *sb, size_t limit)
{
	size_t cap = limit < 256 ? limit + 1 : 256;

	memset(sb, 0, sizeof(*sb));
	sb->data = malloc(cap);
	if (!sb->data)
		return -ENOMEM;
	sb->data[0] = '\0';
	sb->cap = cap;
	sb->limit = limit;
	return 0;
}

void strbuf_free(struct strbuf *sb)
{
	if (!sb)
		return;
	free(sb->data);
	memset(sb, 0, sizeof(*sb));
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->truncated = false;
	if (sb->data)
		sb->data[0] = '\0';
}

/* Make room for want more bytes; returns how many of them fit under the limit. */
static size_t strbuf_reserve(struct strbuf *sb, size_t want)
{
	size_t room = sb->limit - sb->len;
	size_t need;

	if (want > room) {
		want = room;
		sb->truncated = true;
	}
	need = sb->len + want + 1;
	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		char *p;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (cap > sb->limit + 1)
			cap = sb->limit + 1;
		p = realloc(sb->data, cap);
		if (!p) {
			sb->truncated = true;
			return 0;
		}
		sb->data = p;
		sb->cap = cap;
	}
	return want;
}

void strbuf_add_slow(struct strbuf *sb, const char *s, size_t n)
{
	size_t fit;

	fit = strbuf_reserve(sb, n);

	if (fit < n)
		fit = utf8_safe_prefix(s, fit);
	memcpy(sb->data + sb->len, s, fit);
	sb->len += fit;
	sb->data[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_put_int(struct strbuf *sb, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		strbuf_add(sb, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		sb->truncated = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	strbuf_add(sb, big, (size_t)n);
	free(big);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes are not one. */
static size_t utf8_sequence_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

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
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* True when s[0..n) is the start of a multi-byte sequence that n cuts short: a lead byte
 * followed only by continuation bytes, fewer than the lead announces. */
static bool utf8_sequence_cut(const unsigned char *s, size_t n)
{
	size_t want = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
		      s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;

	if (want == 0 || n >= want)
		return false;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* Every lead byte starts a sequence (no valid sequence contains one), so only the last three
 * bytes can hold a character that n cuts short: look back from n, not forward from 0. */
size_t utf8_safe_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = n;

	while (i > 0 && n - i < 3 && (u[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && utf8_sequence_cut(u + i - 1, n - i + 1))
		return i - 1;
	return n;
}

/* End of the run of printable ASCII other than '"' and '\\' that starts at u[i]: such bytes
 * need no escaping in either format and go out in one piece. */
/* printable ASCII other than '"' (0x22) and '\\' (0x5c) */
static const bool plain_byte[256] = { [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1 };

/* \<kind> then v in hex, digits wide: hostile bytes are escaped without a printf each */
static void put_hex(struct strbuf *sb, char kind, unsigned v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char b[8] = { '\\', kind };
	size_t n = 2;

	while (digits-- > 0)
		b[n++] = hex[(v >> (4 * digits)) & 15];
	strbuf_add(sb, b, n);
}

static size_t plain_run(const unsigned char *u, size_t i, size_t n)
{
	while (i < n && plain_byte[u[i]])
		i++;
	return i;
}

/* The JSON and text escapers' input bound: at most max_in bytes, never splitting a UTF-8
 * character; true when it cut. */
static bool escape_cap(const char *s, size_t *n, size_t max_in)
{
	if (*n <= max_in)
		return false;
	*n = utf8_safe_prefix(s, max_in);
	return true;
}

/* Every escaper marks cut input with "..." and reports it in *ret_cut (never cleared). */
static void escape_end(struct strbuf *sb, bool cut, bool *ret_cut)
{
	if (!cut)
		return;
	strbuf_add(sb, "...", 3);
	if (ret_cut)
		*ret_cut = true;
}

void strbuf_json_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	bool cut = escape_cap(s, &n, max_in);

	while (i < n && !sb->truncated) {
		unsigned char c = u[i];
		size_t l, run = plain_run(u, i, n);

		if (run > i) {
			strbuf_add(sb, s + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"': strbuf_add(sb, "\\\"", 2); i++; continue;
		case '\\': strbuf_add(sb, "\\\\", 2); i++; continue;
		case '\n': strbuf_add(sb, "\\n", 2); i++; continue;
		case '\r': strbuf_add(sb, "\\r", 2); i++; continue;
		case '\t': strbuf_add(sb, "\\t", 2); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			put_hex(sb, 'u', c, 4);
			i++;
			continue;
		}
		l = utf8_sequence_len(u + i, n - i);
		if (l == 0) {
			strbuf_add(sb, "\\ufffd", 6);
			i++;
			continue;
		}
		/* U+2028/U+2029 end lines in some JavaScript-based viewers. */
		if (l == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			put_hex(sb, 'u', u[i + 2] == 0xa8 ? 0x2028 : 0x2029, 4);
			i += 3;
			continue;
		}
		strbuf_add(sb, s + i, l);
		i += l;
	}
	escape_end(sb, cut, ret_cut);
}

void strbuf_kv_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut)
{
	const unsigned char *u = (const unsigned char *)s;
	bool cut = false;
	size_t i = 0;

	if (n > max_in) {
		n = max_in;
		cut = true;
	}
	while (i < n && !sb->truncated) {
		size_t run = plain_run(u, i, n);

		if (run > i) {
			strbuf_add(sb, s + i, run - i);
			i = run;
			continue;
		}
		put_hex(sb, 'x', u[i], 2);
		i++;
	}
	escape_end(sb, cut, ret_cut);
}

/* Characters a terminal may act on besides C0 and DEL: C1 controls (U+0080..U+009F, CSI is
 * U+009B), line and paragraph separators, and the bidirectional overrides and isolates that
 * make a name read otherwise than it is (U+200E/F, U+202A..U+202E, U+2066..U+2069). */
static bool text_unsafe_cp(const unsigned char *u, size_t l)
{
	if (l == 2)
		return u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f;
	if (l != 3 || u[0] != 0xe2)
		return false;
	if (u[1] == 0x80)
		return u[2] == 0x8e || u[2] == 0x8f || (u[2] >= 0xa8 && u[2] <= 0xae);
	return u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9;
}

void strbuf_text_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	bool cut = escape_cap(s, &n, max_in);

	while (i < n && !sb->truncated) {
		size_t l, run = plain_run(u, i, n);

		if (run > i) {
			strbuf_add(sb, s + i, run - i);
			i = run;
			continue;
		}
		if (u[i] == '\\') {
			strbuf_add(sb, "\\\\", 2);
			i++;
			continue;
		}
		if (u[i] == '"') {
			strbuf_putc(sb, '"');
			i++;
			continue;
		}
		l = u[i] < 0x80 ? 0 : utf8_sequence_len(u + i, n - i);
		if (l == 0 || text_unsafe_cp(u + i, l)) {
			/* a control byte, invalid UTF-8, or every byte of an unsafe character */
			for (size_t k = 0; k < (l ? l : 1); k++)
				put_hex(sb, 'x', u[i + k], 2);
			i += l ? l : 1;
			continue;
		}
		strbuf_add(sb, s + i, l);
		i += l;
	}
	escape_end(sb, cut, ret_cut);
}
