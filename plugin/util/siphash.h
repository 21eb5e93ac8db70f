/* siphash: SipHash-2-4 with a 128-bit tag (Aumasson and Bernstein), incremental. A keyed
 * pseudo-random function: without the key nobody can predict its values, so nobody can
 * make two inputs collide on purpose; several times cheaper than SHA-256 where the CPU has
 * no SHA instructions (most servers before Ice Lake, and valgrind). Pure. */
#ifndef ELFWATCH_SIPHASH_H
#define ELFWATCH_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16
#define SIPHASH_TAG_LEN 16

struct siphash {
	uint64_t v0, v1, v2, v3;
	uint64_t tail;          /* bytes not yet in a whole word, little-endian */
	uint64_t len;           /* bytes hashed */
};

void siphash_init(struct siphash *h, const unsigned char key[SIPHASH_KEY_LEN]);
void siphash_update(struct siphash *h, const void *data, size_t n);
void siphash_final(struct siphash *h, unsigned char tag[SIPHASH_TAG_LEN]);

#endif
