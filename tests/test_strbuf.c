/* strbuf: the bounded builder never passes its limit, cuts only on UTF-8 boundaries, and its two
 * escapers turn any byte string into text that cannot end its quotes, its field or its line. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/strbuf.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
/* A literal with its exact length, embedded NULs included. */
#define LIT(s) s, sizeof(s) - 1

struct prefix_case {
	const char *s;
	size_t n, want;
	const char *name;
};

static const struct prefix_case prefix_cases[] = {
	{ "", 0, 0, "empty" },
	{ "abc", 3, 3, "ASCII whole" },
	{ "abc", 2, 2, "ASCII cut" },
	{ "\xc3\xa9", 2, 2, "2-byte whole" },
	{ "\xc3\xa9", 1, 0, "2-byte cut after lead" },
	{ "a\xc3\xa9", 2, 1, "cut inside 2-byte after ASCII" },
	{ "\xe2\x82\xac", 3, 3, "3-byte whole" },
	{ "\xe2\x82\xac", 2, 0, "3-byte cut after 2" },
	{ "\xe2\x82\xac", 1, 0, "3-byte cut after lead" },
	{ "\xf0\x9f\x98\x80", 4, 4, "4-byte whole" },
	{ "\xf0\x9f\x98\x80", 3, 0, "4-byte cut after 3" },
	{ "x\xf0\x9f\x98\x80", 4, 1, "4-byte cut after ASCII" },
	{ "\xff\xfe", 2, 2, "invalid bytes are boundaries of their own" },
	{ "\x80\x80", 2, 2, "stray continuation bytes" },
	{ "\xc0\xaf", 2, 2, "overlong pair: two invalid bytes" },
	{ "\xed\xa0\x80", 3, 3, "surrogate: invalid bytes" },
	{ "\xc3" "a", 2, 2, "lead then ASCII: invalid lead" },
	{ "\xe2\x82" "a", 3, 3, "broken 3-byte before ASCII" },
};

struct esc_case {
	const char *in;
	size_t n, max_in;
	const char *json, *kv;
	bool cut;
	const char *name;
};

static const struct esc_case esc_cases[] = {
	{ LIT("plain"), 100, "plain", "plain", false, "plain ASCII" },
	{ LIT(""), 100, "", "", false, "empty" },
	{ LIT("a b"), 100, "a b", "a b", false, "space kept" },
	{ LIT("a\"b"), 100, "a\\\"b", "a\\x22b", false, "double quote" },
	{ LIT("a\\b"), 100, "a\\\\b", "a\\x5cb", false, "backslash" },
	{ LIT("\n\r\t"), 100, "\\n\\r\\t", "\\x0a\\x0d\\x09", false, "newline, CR, tab" },
	{ LIT("a\0b"), 100, "a\\u0000b", "a\\x00b", false, "NUL byte inside" },
	{ LIT("\x01\x08\x0c\x1b\x1f"), 100, "\\u0001\\u0008\\u000c\\u001b\\u001f",
	  "\\x01\\x08\\x0c\\x1b\\x1f", false, "other control characters" },
	{ LIT("\x7f"), 100, "\\u007f", "\\x7f", false, "DEL" },
	{ LIT("\xc3\xa9"), 100, "\xc3\xa9", "\\xc3\\xa9", false, "valid 2-byte UTF-8" },
	{ LIT("\xf0\x9f\x98\x80"), 100, "\xf0\x9f\x98\x80", "\\xf0\\x9f\\x98\\x80", false, "valid 4-byte" },
	{ LIT("\xff"), 100, "\\ufffd", "\\xff", false, "invalid byte" },
	{ LIT("\xc3"), 100, "\\ufffd", "\\xc3", false, "lone lead byte at end" },
	{ LIT("\xc3" "a"), 100, "\\ufffda", "\\xc3a", false, "lead byte before ASCII" },
	{ LIT("\xc0\xaf"), 100, "\\ufffd\\ufffd", "\\xc0\\xaf", false, "overlong '/'" },
	{ LIT("\xe0\x80\xaf"), 100, "\\ufffd\\ufffd\\ufffd", "\\xe0\\x80\\xaf", false,
	  "overlong 3-byte" },
	{ LIT("\xed\xa0\x80"), 100, "\\ufffd\\ufffd\\ufffd", "\\xed\\xa0\\x80", false,
	  "UTF-16 surrogate" },
	{ LIT("\xf4\x90\x80\x80"), 100, "\\ufffd\\ufffd\\ufffd\\ufffd", "\\xf4\\x90\\x80\\x80", false,
	  "above U+10FFFF" },
	{ LIT("\xe2\x80\xa8"), 100, "\\u2028", "\\xe2\\x80\\xa8", false, "U+2028 line separator" },
	{ LIT("\xe2\x80\xa9"), 100, "\\u2029", "\\xe2\\x80\\xa9", false, "U+2029 paragraph separator" },
	{ LIT("abcdef"), 3, "abc...", "abc...", true, "cut at max_in" },
	{ LIT("abc"), 3, "abc", "abc", false, "exactly max_in is not cut" },
	{ LIT("abc"), 0, "...", "...", true, "max_in 0" },
	{ LIT("a\xc3\xa9z"), 2, "a...", "a\\xc3...", true, "cut never splits a character (JSON)" },
	{ LIT("x\" ,\"rule\":\"forged"), 100, "x\\\" ,\\\"rule\\\":\\\"forged",
	  "x\\x22 ,\\x22rule\\x22:\\x22forged", false, "forged JSON field" },
	{ LIT("a\n{\"rule\":\"x\"}"), 100, "a\\n{\\\"rule\\\":\\\"x\\\"}",
	  "a\\x0a{\\x22rule\\x22:\\x22x\\x22}", false, "forged second line" },
	{ LIT("x\" rule=\"forged"), 100, "x\\\" rule=\\\"forged", "x\\x22 rule=\\x22forged", false,
	  "forged kv field" },
	{ LIT("\\\""), 100, "\\\\\\\"", "\\x5c\\x22", false, "backslash-quote cannot unescape" },
};

static void test_builder(void)
{
	struct strbuf sb;
	char big[600];

	tap_is_int(strbuf_init(&sb, 5), 0, "init limit 5");
	strbuf_puts(&sb, "hello world");
	tap_is_str(sb.data, "hello", "append cut at the limit");
	tap_ok(sb.len == 5 && sb.truncated, "len 5, truncated");
	strbuf_putc(&sb, 'x');
	tap_ok(sb.len == 5 && strcmp(sb.data, "hello") == 0, "full buffer takes nothing more");
	strbuf_reset(&sb);
	tap_ok(sb.len == 0 && !sb.truncated && sb.data[0] == '\0', "reset clears text and flag");
	strbuf_puts(&sb, "abc\xe2\x82\xac");
	tap_is_str(sb.data, "abc", "a character that does not fit is left out whole");
	tap_ok(sb.truncated, "and the cut is flagged");
	strbuf_reset(&sb);
	strbuf_puts(&sb, "ab\xc3\xa9\xc3\xa9");
	tap_is_str(sb.data, "ab\xc3\xa9", "2-byte characters: cut between them");
	strbuf_free(&sb);
	strbuf_free(&sb); /* idempotent */
	strbuf_free(NULL);

	tap_is_int(strbuf_init(&sb, 0), 0, "init limit 0");
	strbuf_puts(&sb, "");
	tap_ok(!sb.truncated, "empty append into a zero buffer is not a cut");
	strbuf_putc(&sb, 'a');
	tap_ok(sb.len == 0 && sb.truncated && sb.data[0] == '\0', "limit 0 stays empty, flagged");
	strbuf_free(&sb);

	/* Growth past the initial allocation and printf past its stack buffer. */
	tap_is_int(strbuf_init(&sb, 100000), 0, "init limit 100000");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 100; i++)
		strbuf_puts(&sb, big);
	tap_ok(sb.len == 59900 && !sb.truncated && sb.data[sb.len] == '\0', "grows to 59900 bytes");
	strbuf_reset(&sb);
	strbuf_printf(&sb, "<%s>%d", big, 42);
	tap_ok(sb.len == 603 && sb.data[0] == '<' && strcmp(sb.data + 600, ">42") == 0,
	       "printf longer than 256 bytes");
	strbuf_free(&sb);

	tap_is_int(strbuf_init(&sb, 300), 0, "init limit 300");
	strbuf_printf(&sb, "%s", big);
	tap_ok(sb.len == 300 && sb.truncated && sb.data[300] == '\0', "long printf cut at the limit");
	strbuf_free(&sb);

	/* Appending exactly up to the limit is not a cut. */
	tap_is_int(strbuf_init(&sb, 3), 0, "init limit 3");
	strbuf_puts(&sb, "abc");
	tap_ok(sb.len == 3 && !sb.truncated, "exact fit is not truncated");
	strbuf_free(&sb);
}

static void test_prefix(void)
{
	for (size_t i = 0; i < N_ELEMS(prefix_cases); i++) {
		const struct prefix_case *c = &prefix_cases[i];

		tap_is_int(utf8_safe_prefix(c->s, c->n), c->want, c->name);
	}
}

static void test_escapes(void)
{
	struct strbuf sb;

	if (strbuf_init(&sb, 4096) < 0) {
		tap_ok(0, "init");
		return;
	}
	for (size_t i = 0; i < N_ELEMS(esc_cases); i++) {
		const struct esc_case *c = &esc_cases[i];
		char name[128];
		bool cut = false;

		strbuf_reset(&sb);
		strbuf_json_escape(&sb, c->in, c->n, c->max_in, &cut);
		snprintf(name, sizeof(name), "json: %s", c->name);
		tap_is_str(sb.data, c->json, name);
		snprintf(name, sizeof(name), "json cut flag: %s", c->name);
		tap_is_int(cut, c->cut, name);

		cut = false;
		strbuf_reset(&sb);
		strbuf_kv_escape(&sb, c->in, c->n, c->max_in, &cut);
		snprintf(name, sizeof(name), "kv: %s", c->name);
		tap_is_str(sb.data, c->kv, name);
		snprintf(name, sizeof(name), "kv cut flag: %s", c->name);
		tap_is_int(cut, c->cut, name);
	}
	/* A NULL ret_cut is allowed; a set flag is never cleared by a later uncut string. */
	bool cut = true;
	strbuf_reset(&sb);
	strbuf_json_escape(&sb, "abcdef", 6, 2, NULL);
	strbuf_kv_escape(&sb, "abcdef", 6, 2, NULL);
	tap_is_str(sb.data, "ab...ab...", "NULL ret_cut");
	strbuf_json_escape(&sb, "a", 1, 10, &cut);
	strbuf_kv_escape(&sb, "a", 1, 10, &cut);
	tap_ok(cut, "cut flag is sticky");
	strbuf_free(&sb);
}

/* Text for a terminal: what a person reads stays readable (UTF-8 names, quotes), what a
 * terminal would act on is shown as bytes. */
static const struct {
	const char *in;
	size_t n, max_in;
	const char *want;
	const char *name;
} text_cases[] = {
	{ LIT("/tmp/a b"), 100, "/tmp/a b", "plain path, space kept" },
	{ LIT("\x1b[31mred\x1b[0m"), 100, "\\x1b[31mred\\x1b[0m", "ANSI colour: ESC escaped" },
	{ LIT("\x1b]0;title\x07"), 100, "\\x1b]0;title\\x07", "OSC title: ESC and BEL escaped" },
	{ LIT("a\nb\rc\td"), 100, "a\\x0ab\\x0dc\\x09d", "newline, CR, tab" },
	{ LIT("a\0b\x7f"), 100, "a\\x00b\\x7f", "NUL and DEL" },
	{ LIT("\xc2\x9b" "2J"), 100, "\\xc2\\x9b2J", "C1 CSI (U+009B) escaped" },
	{ LIT("\xc2\xa0\xc3\xa9"), 100, "\xc2\xa0\xc3\xa9", "U+00A0 and e-acute kept" },
	{ LIT("x\xe2\x80\xaetxt.exe"), 100, "x\\xe2\\x80\\xaetxt.exe", "bidi override U+202E escaped" },
	{ LIT("\xe2\x81\xa6i\xe2\x81\xa9"), 100, "\\xe2\\x81\\xa6i\\xe2\\x81\\xa9", "bidi isolates escaped" },
	{ LIT("\xe2\x80\xa8"), 100, "\\xe2\\x80\\xa8", "U+2028 escaped" },
	{ LIT("\xe2\x82\xac \xf0\x9f\x98\x80"), 100, "\xe2\x82\xac \xf0\x9f\x98\x80", "euro and emoji kept" },
	{ LIT("\xff\xc3"), 100, "\\xff\\xc3", "invalid UTF-8 as bytes" },
	{ LIT("a\\x1b"), 100, "a\\\\x1b", "a literal backslash cannot pose as an escape" },
	{ LIT("say \"hi\""), 100, "say \"hi\"", "quotes kept" },
	{ LIT("a\xc3\xa9z"), 2, "a...", "cut never splits a character" },
};

static void test_text_escape(void)
{
	struct strbuf sb;

	if (strbuf_init(&sb, 4096) < 0) {
		tap_ok(0, "init");
		return;
	}
	for (size_t i = 0; i < N_ELEMS(text_cases); i++) {
		char name[128];
		bool cut = false;

		strbuf_reset(&sb);
		strbuf_text_escape(&sb, text_cases[i].in, text_cases[i].n, text_cases[i].max_in, &cut);
		snprintf(name, sizeof(name), "text: %s", text_cases[i].name);
		tap_is_str(sb.data, text_cases[i].want, name);
		tap_is_int(cut, text_cases[i].n > text_cases[i].max_in, "text cut flag");
	}
	/* every byte value alone: nothing below 0x20, no DEL, no lone byte >= 0x80 gets through */
	bool leak = false;
	for (unsigned c = 0; c < 256; c++) {
		char b = (char)c;

		strbuf_reset(&sb);
		strbuf_text_escape(&sb, &b, 1, 10, NULL);
		for (size_t k = 0; k < sb.len; k++)
			if ((unsigned char)sb.data[k] < 0x20 || (unsigned char)sb.data[k] >= 0x7f)
				leak = true;
	}
	tap_ok(!leak, "text: no single byte passes raw unless printable ASCII");
	strbuf_free(&sb);
}

/* Minimal checks of what an escaper may emit, for the random sweep below. */
static bool json_inside_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"')
			return false;
		if (c == '\\') {
			if (i + 1 >= n)
				return false;
			i++;
			if (s[i] == 'u') {
				if (i + 4 >= n)
					return false;
				for (int k = 1; k <= 4; k++)
					if (!strchr("0123456789abcdef", s[i + k]) || !s[i + k])
						return false;
				i += 4;
			} else if (!strchr("\"\\nrt", s[i]) || !s[i]) {
				return false;
			}
		}
	}
	return utf8_safe_prefix(s, n) == n;
}

static bool kv_inside_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"')
			return false;
		if (c == '\\' && (i + 3 >= n || s[i + 1] != 'x'))
			return false;
	}
	return true;
}

/* Strictly valid UTF-8: every sequence complete, shortest form, no surrogates. */
static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len;

		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf)
			len = 2, cp = u[i] & 0x1f;
		else if (u[i] >= 0xe0 && u[i] <= 0xef)
			len = 3, cp = u[i] & 0x0f;
		else if (u[i] >= 0xf0 && u[i] <= 0xf4)
			len = 4, cp = u[i] & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* The forward scan utf8_safe_prefix once was: every sequence from the start, a broken one a
 * byte of its own, stop at a lead byte that n cuts short. The fast version must agree. */
static size_t ref_safe_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t want = u[i] >= 0xf0 && u[i] <= 0xf4 ? 4 : u[i] >= 0xe0 && u[i] <= 0xef ? 3 :
			      u[i] >= 0xc2 && u[i] <= 0xdf ? 2 : 1, k;

		for (k = 1; k < want && i + k < n && (u[i + k] & 0xc0) == 0x80; k++)
			;
		if (k < want && i + k == n)
			break;          /* cut short by n */
		i += k == want && utf8_valid(s + i, want) ? want : 1;
	}
	return i;
}

static void test_random_sweep(void)
{
	/* Fixed-seed xorshift: the sweep is the same on every run. Bytes are drawn from a small
	 * alphabet rich in the troublesome values so every escaping path is hit often. */
	static const unsigned char alphabet[] = { 'a', ' ', '"', '\\', '\n', '\r', 0, 0x01, 0x7f,
						  0x80, 0xbf, 0xc2, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff,
						  0xa8, 0xa9, 0x9f };
	uint32_t x = 2463534242u;
	int bad_json = 0, bad_kv = 0, bad_prefix = 0, bad_builder = 0, bad_ref = 0;
	struct strbuf sb, small;
	char in[64];

	if (strbuf_init(&sb, 4096) < 0 || strbuf_init(&small, 17) < 0) {
		tap_ok(0, "init");
		return;
	}
	for (int round = 0; round < 20000; round++) {
		size_t n, max_in, p;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		n = x % sizeof(in);
		max_in = (x >> 8) % (sizeof(in) + 4);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			in[i] = (char)alphabet[x % sizeof(alphabet)];
		}
		strbuf_reset(&sb);
		strbuf_json_escape(&sb, in, n, max_in, NULL);
		if (!json_inside_ok(sb.data, sb.len) || !utf8_valid(sb.data, sb.len))
			bad_json++;
		strbuf_reset(&sb);
		strbuf_kv_escape(&sb, in, n, max_in, NULL);
		if (!kv_inside_ok(sb.data, sb.len))
			bad_kv++;
		p = utf8_safe_prefix(in, n);
		if (p > n || (utf8_valid(in, n) && !utf8_valid(in, p)))
			bad_prefix++;
		for (size_t k = 0; k <= n; k++)
			if (utf8_safe_prefix(in, k) != ref_safe_prefix(in, k))
				bad_ref++;
		/* Bounded builder: never past its limit, always terminated, valid input stays
		 * valid when cut. */
		strbuf_reset(&small);
		strbuf_add(&small, in, n);
		strbuf_add(&small, in, n);
		if (small.len > small.limit || small.data[small.len] != '\0' ||
		    (utf8_valid(in, n) && !utf8_valid(small.data, small.len)) ||
		    (2 * n > small.limit) != small.truncated)
			bad_builder++;
	}
	tap_is_int(bad_json, 0, "random bytes: JSON escape output is a valid string body");
	tap_is_int(bad_kv, 0, "random bytes: kv escape output is quote-free printable ASCII");
	tap_is_int(bad_prefix, 0, "random bytes: safe prefix keeps valid text valid");
	tap_is_int(bad_ref, 0, "random bytes: safe prefix equals the forward scan at every length");
	tap_is_int(bad_builder, 0, "random bytes: builder bounded, terminated, cut flagged");
	strbuf_free(&sb);
	strbuf_free(&small);
}

int main(void)
{
	test_builder();
	test_prefix();
	test_escapes();
	test_text_escape();
	test_random_sweep();
	return tap_done();
}
