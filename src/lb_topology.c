/* lb_topology.c -- "topology": the client's region first; regions */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "geo.h"
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
	uint16_t		 region;
	uint8_t			 gp;

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
	if (r == NULL || r->geo == NULL) {
		*scope = sc;
		return LB_NO_REGION;
	}
	/* The database knows the network; what we know of the client caps
	   it, and the prefixes it stays out of count too. */
	region = geo_map_lookup(r->geo, family, addr, &gp);
	if (gp > bits)
		gp = bits;
	*scope = gp > sc ? gp : sc;
	return region;
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

/*
 * The client's region in the name's fallback order: the first region of
 * it with a usable candidate keeps those; "any", or the end, keeps all.
 * *used is the region kept, LB_ANY_REGION for all.
 */
static size_t
run_fallback(const struct lb_query *q, const uint16_t *seq,
    struct lb_cand *c, size_t n, uint16_t *used)
{
	size_t	 i, kept;

	for (; *seq != LB_NO_REGION && *seq != LB_ANY_REGION; seq++) {
		/* c[] is written only once a member is kept: then we stop. */
		for (i = kept = 0; i < n; i++)
			if (c[i].usable && q->members[c[i].member].region ==
			    *seq)
				c[kept++] = c[i];
		if (kept > 0) {
			*used = *seq;
			return kept;
		}
	}
	*used = LB_ANY_REGION;
	return n;
}

/* Prefer members in the client's region; keep all when none is there. */
static size_t
topology_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint16_t	 region, used;
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
	if (q->fallback != NULL && q->fallback[region] != NULL)
		return run_fallback(q, q->fallback[region], c, n, &used);
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].region == region)
			c[kept++] = c[i];
	return kept > 0 ? kept : n;
}

/* The region run_fallback() kept for the step's input, r when none. */
static uint16_t
fallback_used(const struct lb_why *w, uint16_t r)
{
	const struct lb_query	*q = w->q;
	const uint16_t		*seq;
	size_t			 i;

	if (q->fallback == NULL || (seq = q->fallback[r]) == NULL)
		return r;
	for (; *seq != LB_NO_REGION && *seq != LB_ANY_REGION; seq++)
		for (i = 0; i < w->nin; i++)
			if (q->members[w->in[i]].region == *seq &&
			    lb_member_usable(q, w->in[i]))
				return *seq;
	return LB_ANY_REGION;
}

static void
topology_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	const struct lb_query	*q = w->q;
	char			 a[64];
	uint8_t			 scope;
	uint16_t		 r, u;

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
	else if ((u = fallback_used(w, r)) != r)
		snprintf(buf, len, "client %s/%u in region \"%s\" (scope /%u), "
		    "nothing usable there: %s%s%s", a, q->bits,
		    q->regions->names[r], scope, u == LB_ANY_REGION ?
		    "every member by its fallback order" : "region \"",
		    u == LB_ANY_REGION ? "" : q->regions->names[u],
		    u == LB_ANY_REGION ? "" : "\" by its fallback order");
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
