/* assembly_header: the header of one audit record line, "[node=N ]type=T msg=audit(SEC.MS:SERIAL):",
 * read as far as the assembly stage needs it: the event's key (node, time, serial) and where
 * the type, the node prefix and the stamp lie, for the EOE record assembly writes. Pure. */
#ifndef ELFWATCH_ASSEMBLY_HEADER_H
#define ELFWATCH_ASSEMBLY_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A header's node prefix and its stamp are each shorter than this (the stamp's numbers have
 * at most 19 digits: it is at most 71 bytes). */
#define ASSEMBLY_HEADER_PART_MAX 128

/* An event's identity: node name (hashed; absent = 0), time stamp and serial. */
struct assembly_key {
	uint64_t node, sec, serial;
	uint32_t ms;
};

/* The parsed header of one record. */
struct assembly_header {
	struct assembly_key key;
	const char *type;
	size_t type_len, prefix_len, stamp_off, stamp_len;
};

/* The last time stamp parsed and its value: the records of one event follow each other, and
 * parsing its digits again was a quarter of a record's cost. len 0: none. */
struct assembly_stamp_memo {
	char text[ASSEMBLY_HEADER_PART_MAX];
	size_t len;
	uint64_t sec, serial;
	uint32_t ms;
};

static inline bool assembly_header_is(const struct assembly_header *h, const char *type)
{
	size_t n = strlen(type);

	return h->type_len == n && memcmp(h->type, type, n) == 0;
}

static inline uint64_t assembly_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static inline uint64_t assembly_key_hash(const struct assembly_key *k)
{
	return assembly_mix64(k->node ^ assembly_mix64(k->serial ^ (k->sec << 20) ^ k->ms));
}

static inline bool assembly_key_eq(const struct assembly_key *a, const struct assembly_key *b)
{
	return a->serial == b->serial && a->sec == b->sec && a->ms == b->ms && a->node == b->node;
}

/* The key's event time in ms (seconds taken modulo 2^40: no overflow). */
static inline long long assembly_key_ms(const struct assembly_key *k)
{
	return (long long)(k->sec % (UINT64_C(1) << 40)) * 1000 + k->ms;
}

/* Up to 19 decimal digits at p (no overflow); NULL when there is none. */
static inline const char *assembly_header_digits(const char *p, const char *end, uint64_t *ret)
{
	const char *start = p, *lim = end - p > 19 ? p + 19 : end;
	uint64_t v = 0;

	while (p < lim && (unsigned char)(*p - '0') < 10)
		v = v * 10 + (uint64_t)(*p++ - '0');
	*ret = v;
	return p > start ? p : NULL;
}

/* Parse the header of the record [line, line + len) into h, using and updating memo. False
 * when it is not a record header elfwatch can key (a line handed on alone). Inline: it runs
 * for every record, and as a call it cost the assembly stage 7% more instructions. */
static inline bool assembly_header_parse(const char *line, size_t len, struct assembly_header *h,
					 struct assembly_stamp_memo *memo)
{
	const char *p = line, *end = line + len, *sp;
	uint64_t ms;

	h->key.node = 0;                        /* the rest is set before it is read */
	if (len >= 5 && memcmp(p, "node=", 5) == 0) {
		uint64_t node = 0xcbf29ce484222325ull;     /* FNV-1a */

		sp = memchr(p, ' ', len);
		if (!sp)
			return false;
		for (const char *q = p + 5; q < sp; q++)
			node = (node ^ (unsigned char)*q) * 0x100000001b3ull;
		h->key.node = node | 1;                     /* never 0, the "no node" value */
		p = sp + 1;
	}
	h->prefix_len = (size_t)(p - line);
	if (end - p < 5 || memcmp(p, "type=", 5) != 0)
		return false;
	h->type = p + 5;
	sp = memchr(h->type, ' ', (size_t)(end - h->type));
	if (!sp)
		return false;
	h->type_len = (size_t)(sp - h->type);
	p = sp + 1;
	if (end - p < 10 || memcmp(p, "msg=audit(", 10) != 0)
		return false;
	h->stamp_off = (size_t)(p - line);
	if (memo->len > 0 && (size_t)(end - p) >= memo->len && memcmp(p, memo->text, memo->len) == 0) {
		h->key.sec = memo->sec;
		h->key.ms = memo->ms;
		h->key.serial = memo->serial;
		h->stamp_len = memo->len;
		return h->prefix_len < ASSEMBLY_HEADER_PART_MAX;
	}
	if (!(p = assembly_header_digits(p + 10, end, &h->key.sec)) || p >= end || *p++ != '.' ||
	    !(p = assembly_header_digits(p, end, &ms)) || p >= end || *p++ != ':' ||
	    !(p = assembly_header_digits(p, end, &h->key.serial)) || end - p < 2 || p[0] != ')' || p[1] != ':')
		return false;
	h->key.ms = (uint32_t)(ms % 1000000);
	h->stamp_len = (size_t)(p + 2 - line) - h->stamp_off;
	if (h->stamp_len >= ASSEMBLY_HEADER_PART_MAX)
		return false;
	memcpy(memo->text, line + h->stamp_off, h->stamp_len);
	memo->len = h->stamp_len;
	memo->sec = h->key.sec;
	memo->ms = h->key.ms;
	memo->serial = h->key.serial;
	return h->prefix_len < ASSEMBLY_HEADER_PART_MAX;
}

#endif
