/* strbuf: the one bounded string builder. Never grows past its limit; an append that does not
 * fit is cut at a UTF-8-safe boundary and the buffer remembers it was truncated.
 * (No strbuf_append/strbuf_release here: libconfig exports those names.) */
#ifndef ELFWATCH_STRBUF_H
#define ELFWATCH_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;       /* always NUL-terminated */
	size_t len;
	size_t limit;     /* maximum len, excluding the NUL */
	size_t cap;       /* allocated bytes */
	bool truncated;
};

/* Initialise an empty buffer that will hold at most limit bytes. 0 or -ENOMEM. */
int strbuf_init(struct strbuf *sb, size_t limit);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);

/* The append that may grow the buffer or cut at the limit (strbuf_add's slow path). */
void strbuf_add_slow(struct strbuf *sb, const char *s, size_t n);

/* Append n bytes; inline for the common case that they fit in what is allocated. */
static inline void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (n < sb->cap - sb->len && n <= sb->limit - sb->len) {
		__builtin_memcpy(sb->data + sb->len, s, n);
		sb->len += n;
		sb->data[sb->len] = '\0';
		return;
	}
	strbuf_add_slow(sb, s, n);
}
void strbuf_puts(struct strbuf *sb, const char *s);

/* One byte; inline, as alerts are mostly punctuation between short strings. */
static inline void strbuf_putc(struct strbuf *sb, char c)
{
	if (sb->len + 1 < sb->cap && sb->len < sb->limit) {
		sb->data[sb->len++] = c;
		sb->data[sb->len] = '\0';
		return;
	}
	strbuf_add(sb, &c, 1);
}
void strbuf_put_int(struct strbuf *sb, long long v);   /* decimal, no printf */
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append untrusted bytes as the inside of a JSON string: quotes, backslashes, control
 * characters, DEL and U+2028/2029 escaped, invalid UTF-8 replaced by U+FFFD. At most max_in
 * input bytes are used; when the input is longer, "..." marks the cut and *ret_cut is set. */
void strbuf_json_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut);

/* Same for key=value output: printable ASCII except '"' and '\\' as is, everything else as
 * \xHH, so the value is one ASCII token that cannot end its quotes or the line. */
void strbuf_kv_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut);

/* Same for text shown to a person (a terminal): valid UTF-8 as is; control bytes (ESC
 * included), DEL, invalid UTF-8, C1 controls, U+2028/2029 and bidirectional overrides as \xHH
 * per byte, '\\' doubled, so no escape sequence reaches the terminal and nothing is hidden. */
void strbuf_text_escape(struct strbuf *sb, const char *s, size_t n, size_t max_in, bool *ret_cut);

/* Length of the longest prefix of s[0..n) that ends on a UTF-8 sequence boundary. */
size_t utf8_safe_prefix(const char *s, size_t n);

#endif
