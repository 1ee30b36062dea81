/* siphash.c -- SipHash-2-4, the keyed 64-bit hash (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include "siphash.h"

/* Little-endian loads whatever the host's byte order. */
static inline uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

static inline uint64_t
rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipRound over the state v[0..3]. */
static inline void
round_(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

/* Two compression rounds per message word. */
static inline void
absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	round_(v);
	round_(v);
	v[0] ^= m;
}

uint64_t
siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *msg, size_t len)
{
	const uint8_t	*p = msg;
	uint64_t	 k0 = le64(key), k1 = le64(key + 8), v[4], b;
	uint8_t		 last[8];
	size_t		 left = len;

	/* "somepseudorandomlygeneratedbytes" */
	v[0] = k0 ^ 0x736f6d6570736575ULL;
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;
	for (; left >= 8; p += 8, left -= 8)
		absorb(v, le64(p));
	/* The last word: what is left, zeros, the length's low byte. */
	memset(last, 0, sizeof(last));
	if (left > 0)
		memcpy(last, p, left);
	last[7] = (uint8_t)len;
	b = le64(last);
	absorb(v, b);
	/* Four finalization rounds. */
	v[2] ^= 0xff;
	round_(v);
	round_(v);
	round_(v);
	round_(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
