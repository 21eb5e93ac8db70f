#include "util/siphash.h"

#include <endian.h>
#include <string.h>

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void rounds(struct siphash *h, int n)
{
	while (n-- > 0) {
		h->v0 += h->v1;
		h->v1 = rotl(h->v1, 13) ^ h->v0;
		h->v0 = rotl(h->v0, 32);
		h->v2 += h->v3;
		h->v3 = rotl(h->v3, 16) ^ h->v2;
		h->v0 += h->v3;
		h->v3 = rotl(h->v3, 21) ^ h->v0;
		h->v2 += h->v1;
		h->v1 = rotl(h->v1, 17) ^ h->v2;
		h->v2 = rotl(h->v2, 32);
	}
}

static void word(struct siphash *h, uint64_t m)
{
	h->v3 ^= m;
	rounds(h, 2);
	h->v0 ^= m;
}

void siphash_init(struct siphash *h, const unsigned char key[SIPHASH_KEY_LEN])
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);

	h->v0 = k0 ^ 0x736f6d6570736575ull;
	h->v1 = k1 ^ 0x646f72616e646f6dull ^ 0xee;     /* 0xee: the 128-bit tag */
	h->v2 = k0 ^ 0x6c7967656e657261ull;
	h->v3 = k1 ^ 0x7465646279746573ull;
	h->tail = 0;
	h->len = 0;
}

void siphash_update(struct siphash *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned fill = (unsigned)(h->len % 8);

	h->len += n;
	/* complete a word begun by an earlier call */
	while (fill > 0 && fill < 8 && n > 0) {
		h->tail |= (uint64_t)*p++ << (8 * fill++);
		n--;
	}
	if (fill == 8) {
		word(h, h->tail);
		h->tail = 0;
	}
	for (; n >= 8; p += 8, n -= 8)
		word(h, load_le64(p));
	for (unsigned i = 0; i < n; i++)
		h->tail |= (uint64_t)p[i] << (8 * i);
}

void siphash_final(struct siphash *h, unsigned char tag[SIPHASH_TAG_LEN])
{
	word(h, h->tail | (h->len & 0xff) << 56);
	h->v2 ^= 0xee;
	rounds(h, 4);
	store_le64(tag, h->v0 ^ h->v1 ^ h->v2 ^ h->v3);
	h->v1 ^= 0xdd;
	rounds(h, 4);
	store_le64(tag + 8, h->v0 ^ h->v1 ^ h->v2 ^ h->v3);
}
