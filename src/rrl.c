/* rrl.c -- response rate limiting: per client prefix and answer class (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "rrl.h"
#include "util.h"
#include "wire.h"

void
rrl_init(struct rrl *r)
{
	r->b = xcalloc(RRL_TABLE_SIZE, sizeof(*r->b));
}

void
rrl_fini(struct rrl *r)
{
	free(r->b);
	r->b = NULL;
}

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* The first bits of the address, as two words, and its family. */
static bool
prefix_of(const struct sockaddr *sa, const struct rrl_conf *c, uint64_t *hi,
    uint64_t *lo, uint64_t *fam)
{
	uint8_t		 a[16];
	unsigned	 bits, i;

	memset(a, 0, sizeof(a));
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
		bits = c->ipv4_prefix;
		*fam = 4;
	} else if (sa->sa_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, 16);
		bits = c->ipv6_prefix;
		*fam = 6;
	} else
		return false;
	for (i = 0; i < 16; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			a[i] &= (uint8_t)(0xff00 >> bits);
			bits = 0;
		}
	}
	*hi = *lo = 0;
	for (i = 0; i < 8; i++) {
		*hi = *hi << 8 | a[i];
		*lo = *lo << 8 | a[i + 8];
	}
	return true;
}

/*
 * The bucket of k: the first of its probe run that holds it, else a free
 * one, else the stalest (so a flood of prefixes costs a bounded number
 * of looks and pushes out the quietest accounts first).  *fresh says the
 * account starts anew.
 */
static struct rrl_bucket *
find(struct rrl *r, uint64_t k, bool *fresh)
{
	struct rrl_bucket	*b, *victim = NULL;
	size_t			 i, at = k & (RRL_TABLE_SIZE - 1);

	for (i = 0; i < RRL_PROBE; i++) {
		b = &r->b[(at + i) & (RRL_TABLE_SIZE - 1)];
		if (b->key == k) {
			*fresh = false;
			return b;
		}
		if (b->key == 0) {
			if (victim == NULL || victim->key != 0)
				victim = b;
		} else if (victim == NULL || (victim->key != 0 &&
		    b->stamp < victim->stamp))
			victim = b;
	}
	*fresh = true;
	return victim;
}

enum rrl_verdict
rrl_check(struct rrl *r, const struct rrl_conf *c,
    const struct sockaddr *client, unsigned cls, uint64_t key, uint64_t now,
    bool exempt)
{
	struct rrl_bucket	*b;
	uint64_t		 hi, lo, fam, k, dt;
	int64_t			 cap, floor, bal;
	bool			 fresh;

	if (!c->on || exempt || r->b == NULL || !prefix_of(client, c, &hi,
	    &lo, &fam))
		return RRL_PASS;
	k = mix(mix(mix(mix(hi ^ fam) ^ lo) ^ key) ^ cls);
	if (k == 0)
		k = 1;
	b = find(r, k, &fresh);
	cap = (int64_t)c->rate * 1000;
	floor = -(int64_t)c->window * cap;
	if (fresh || now < b->stamp || now - b->stamp >= (uint64_t)c->window *
	    2000) {
		/* New, or quiet for two windows: a second's worth of credit. */
		b->key = k;
		b->balance = cap;
		b->limited = 0;
	} else {
		/* rate responses a second accrue, at most a second's worth. */
		dt = now - b->stamp;
		bal = b->balance + (int64_t)dt * c->rate;
		b->balance = bal > cap ? cap : bal;
	}
	b->stamp = now;
	b->balance -= 1000;
	if (b->balance >= 0) {
		b->limited = 0;
		return RRL_PASS;
	}
	/* Debt is bounded: a flood that stops is forgiven within window. */
	if (b->balance < floor)
		b->balance = floor;
	b->limited++;
	if (c->slip != 0 && b->limited % c->slip == 0)
		return RRL_SLIP;
	return RRL_DROP;
}

size_t
rrl_slip(uint8_t *out, size_t len)
{
	size_t	 qend = WIRE_HDR_LEN;

	if (len < WIRE_HDR_LEN)
		return len;
	/* Our own answer: one question or none. */
	if (wire_get16(out + WIRE_OFF_QDCOUNT) != 1 || wire_skip_name(out, len,
	    &qend) == -1 || qend + 4 > len)
		qend = WIRE_HDR_LEN;
	else
		qend += 4;
	out[WIRE_OFF_FLAGS] |= WIRE_TC >> 8;
	wire_put16(out + WIRE_OFF_QDCOUNT, qend > WIRE_HDR_LEN ? 1 : 0);
	memset(out + WIRE_OFF_ANCOUNT, 0, 6);
	return qend;
}
