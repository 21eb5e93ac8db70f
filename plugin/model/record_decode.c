/* record_decode: the values of audit fields as the kernel encodes them: quoted or hex
 * strings, (null), device numbers, numbers in base 8, 10 or 16 (record.h, and the two
 * number parsers below for record.c). Pure. */
#include "model/record_decode.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* hex digit value + 1, 0 elsewhere: argv arrives hex-encoded byte by byte */
static const unsigned char hex_digit1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int rec_decode_value(const char *raw, char *out, size_t cap, size_t *ret_len, bool *ret_cut)
{
	const unsigned char *u = (const unsigned char *)raw;
	size_t n = strlen(raw), len = 0;
	bool cut = false;

	if (cap == 0)
		return -EINVAL;
	if (raw[0] == '(' && (strcmp(raw, "(null)") == 0 || strcmp(raw, "(none)") == 0)) {
		out[0] = '\0';
		*ret_len = 0;
		*ret_cut = false;
		return 1;
	}
	if (n >= 2 && raw[0] == '"' && raw[n - 1] == '"') {
		len = n - 2;
		if (len > cap - 1) {
			len = cap - 1;
			cut = true;
		}
		memcpy(out, raw + 1, len);
	} else {
		size_t want;

		if (n % 2 != 0)
			return -EINVAL;
		/* decode what fits; a cut still checks the first pair left out, as before */
		want = n / 2 < cap - 1 ? n / 2 : cap - 1;
		unsigned bad = 0;

		/* a non-digit is 0 in hex_digit1, so 0 - 1 sets bits above the byte: one test
		 * after the loop instead of two per byte */
		for (len = 0; len < want; len++) {
			unsigned v = (hex_digit1[u[2 * len]] - 1u) << 4 | (hex_digit1[u[2 * len + 1]] - 1u);

			bad |= v;
			out[len] = (char)v;
		}
		if (bad > 0xff)
			return -EINVAL;
		if (want < n / 2) {
			if (hex_digit1[u[2 * want]] == 0 || hex_digit1[u[2 * want + 1]] == 0)
				return -EINVAL;
			cut = true;
		}
	}
	out[len] = '\0';
	*ret_len = len;
	*ret_cut = cut;
	return 0;
}

/* Up to 8 hex digits ending at stop: the kernel's %02x of a device number. */
static bool hex32(const char *s, char stop, uint32_t *ret, const char **ret_end)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8 && hex_digit1[(unsigned char)s[i]]; i++)
		v = v << 4 | (hex_digit1[(unsigned char)s[i]] - 1u);
	if (i == 0 || s[i] != stop)
		return false;
	*ret = v;
	*ret_end = s + i;
	return true;
}

bool rec_parse_dev(const char *s, struct file_id *id)
{
	char *end;
	unsigned long ma, mi;
	const char *p;
	uint32_t fma, fmi;

	/* the usual "fe:00" without strtoul; anything else takes the strtoul path as before */
	if (hex32(s, ':', &fma, &p) && hex32(p + 1, '\0', &fmi, &p)) {
		id->major = fma;
		id->minor = fmi;
		return true;
	}
	errno = 0;
	ma = strtoul(s, &end, 16);
	if (end == s || *end != ':' || errno)
		return false;
	s = end + 1;
	mi = strtoul(s, &end, 16);
	if (end == s || *end != '\0' || errno || ma > UINT32_MAX || mi > UINT32_MAX)
		return false;
	id->major = (uint32_t)ma;
	id->minor = (uint32_t)mi;
	return true;
}

/* digits of s in base (a constant where inlined), the whole string: at most safe digits
 * cannot overflow (base^(safe+1) - 1 <= ULLONG_MAX), later ones are checked */
static inline bool parse_base(const unsigned char *s, unsigned base, size_t safe,
			      unsigned long long *ret)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned d = hex_digit1[s[i]] - 1u;     /* a non-digit: UINT_MAX */

		if (d >= base)
			return false;
		if (i > safe && v > (ULLONG_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*ret = v;
	return true;
}

/* An unsigned number in base 8, 10 or 16, the whole string; false on junk or overflow.
 * (strtoull's locale and sign handling cost more than the rest of a field; one loop per
 * base, so that the multiply is a shift or two.) */
bool rec_parse_u64(const char *s, unsigned base, unsigned long long *ret)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!s || !*s)
		return false;
	switch (base) {
	case 10:
		return parse_base(u, 10, 18, ret);
	case 16:
		return parse_base(u, 16, 15, ret);
	case 8:
		return parse_base(u, 8, 20, ret);
	default:
		return false;
	}
}

/* A signed decimal (exit=-2) or unsigned number, or REC_ID_UNSET. */
long long rec_parse_ll(const char *s, int base)
{
	unsigned long long v;
	bool neg = s && s[0] == '-' && base == 10;

	if (!rec_parse_u64(neg ? s + 1 : s, (unsigned)base, &v) || v > LLONG_MAX)
		return REC_ID_UNSET;
	return neg ? -(long long)v : (long long)v;
}
