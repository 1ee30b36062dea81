/* lb_hash.c -- "hash": affinity by rendezvous hashing of the client */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lb.h"

enum { V4, V6 };

static const struct lb_param hash_params[] = {
	[V4] = { "v4", LB_PARAM_UINT, 0, 32, 24,
	    "IPv4 prefix length hashed" },
	[V6] = { "v6", LB_PARAM_UINT, 0, 128, 56,
	    "IPv6 prefix length hashed" },
	{ NULL }
};

/* Bits of the client prefix the step hashes. */
static unsigned
hash_bits(const struct lb_step *st, const struct lb_query *q)
{
	unsigned	 bits = q->family == 4 ? st->p[V4] : st->p[V6];

	return bits > q->bits ? q->bits : bits;
}

/*
 * Session affinity: order by weighted rendezvous hash of the client
 * prefix (v4 bits of IPv4, v6 bits of IPv6) and the member (see
 * lb_draw_key()).  A member that leaves takes only its own clients with
 * it, and a member's share of client prefixes follows its weight.
 * Weight 0 counts as 1: such members are here only when the up step
 * found nothing else, and then they share the clients evenly.
 */
static size_t
hash_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint8_t		 pfx[16] = { 0 };
	unsigned	 bits, i;
	uint64_t	 h = 0x6a09e667f3bcc908ULL, v;
	struct lb_cand	 t;
	size_t		 best;

	if (q->family == 0)
		return n;
	bits = hash_bits(st, q);
	memcpy(pfx, q->addr, (bits + 7) / 8);
	if (bits % 8)
		pfx[bits / 8] &= 0xff << (8 - bits % 8);
	for (i = 0; i < 16; i += 8) {
		memcpy(&v, pfx + i, 8);
		h = lb_mix(h ^ v);
	}
	h = lb_mix(h ^ (q->family << 8 | bits));
	if (bits > q->scope)
		q->scope = bits;
	for (i = 0; i < n; i++)
		c[i].key = lb_draw_key(lb_mix(h ^ q->members[c[i].member].id),
		    c[i].weight > 0 ? c[i].weight : 1);
	if (st->keep == 1) {
		/* Only the winner matters: one pass, not a sort. */
		for (best = 0, i = 1; i < n; i++)
			if (c[i].key > c[best].key)
				best = i;
		t = c[0];
		c[0] = c[best];
		c[best] = t;
		return n;
	}
	lb_sort_keys(c, n, true);
	return n;
}

static void
hash_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	char	 a[64];

	lb_addr_str(w->q->family, w->q->addr, a, sizeof(a));
	snprintf(buf, len, "weighted rendezvous hash of client prefix "
	    "%s/%u", a, w->q->family == 4 ? st->p[V4] :
	    w->q->family == 6 ? st->p[V6] : 0);
}

const struct lb_strategy lb_strategy_hash = {
	.name = "hash",
	.doc = "the same order for every client of a prefix (affinity), "
	    "shares of prefixes by weight",
	.params = hash_params,
	.run = hash_run,
	.client = true,
	.why = hash_why,
};
