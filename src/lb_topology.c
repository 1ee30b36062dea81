/* lb_topology.c -- "topology": the client's region first; regions */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "lb.h"

static unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned	 i, bits = 0;
	uint8_t		 x;

	for (i = 0; bits < max; i++) {
		x = a[i] ^ b[i];
		if (x != 0) {
			while (!(x & 0x80)) {
				x <<= 1;
				bits++;
			}
			break;
		}
		bits += 8;
	}
	return bits < max ? bits : max;
}

uint16_t
lb_region_of(const struct lb_regions *r, uint8_t family, const uint8_t *addr,
    uint8_t bits, uint8_t *scope)
{
	const struct lb_net	*best = NULL, *e;
	unsigned		 cb, sc = 0, max = family == 4 ? 32 : 128;
	size_t			 i;

	for (i = 0; r != NULL && i < r->nnets; i++) {
		e = &r->nets[i];
		/* A prefix longer than what we know of the client: unknown. */
		if (e->family != family || e->prefix > bits)
			continue;
		cb = common_bits(addr, e->addr, max);
		if (cb >= e->prefix) {
			if (best == NULL || e->prefix > best->prefix)
				best = e;
		} else if (cb + 1 > sc)
			sc = cb + 1;	/* the bit that kept us out of e */
	}
	if (best != NULL) {
		*scope = best->scope;
		return best->region;
	}
	*scope = sc;
	return LB_NO_REGION;
}

void
lb_regions_prepare(struct lb_regions *r)
{
	struct lb_net	*a, *b;
	size_t		 i, j;

	for (i = 0; i < r->nnets; i++) {
		a = &r->nets[i];
		a->scope = a->prefix;
		for (j = 0; j < r->nnets; j++) {
			b = &r->nets[j];
			if (b->family == a->family && b->prefix > a->scope &&
			    common_bits(a->addr, b->addr, a->prefix) >=
			    a->prefix)
				a->scope = b->prefix;
		}
	}
}

/* Prefer members in the client's region; keep all when none is there. */
static size_t
topology_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint16_t	 region;
	uint8_t		 scope = 0;
	size_t		 i, kept = 0;

	(void)st;
	if (q->family == 0)
		return n;
	region = lb_region_of(q->regions, q->family, q->addr, q->bits, &scope);
	if (scope > q->scope)
		q->scope = scope;
	if (region == LB_NO_REGION)
		return n;
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].region == region)
			c[kept++] = c[i];
	return kept > 0 ? kept : n;
}

static void
topology_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	const struct lb_query	*q = w->q;
	char			 a[64];
	uint8_t			 scope;
	uint16_t		 r;

	(void)st;
	if (q->family == 0) {
		snprintf(buf, len, "client address unknown: order kept");
		return;
	}
	r = lb_region_of(q->regions, q->family, q->addr, q->bits, &scope);
	lb_addr_str(q->family, q->addr, a, sizeof(a));
	if (r == LB_NO_REGION)
		snprintf(buf, len, "client %s/%u in no region: order kept", a,
		    q->bits);
	else
		snprintf(buf, len, "client %s/%u in region \"%s\" (scope /%u): "
		    "its members first", a, q->bits, q->regions->names[r],
		    scope);
}

const struct lb_strategy lb_strategy_topology = {
	.name = "topology",
	.doc = "only the members of the client's region, when it has some",
	.run = topology_run,
	.client = true,
	.why = topology_why,
};
