/* siphash.h -- SipHash-2-4, the keyed 64-bit hash (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_SIPHASH_H
#define STEER_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN		16

/*
 * SipHash-2-4 of msg[0..len) under a 128-bit key (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012).  The result is the 64-bit
 * value; its bytes in little-endian order are the reference output.
 */
uint64_t	 siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *msg,
		    size_t len);

#endif
