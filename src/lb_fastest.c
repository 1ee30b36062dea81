/* lb_fastest.c -- "fastest": least response time, within a band */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "health.h"
#include "lb.h"

enum { TOLERANCE, MARGIN };

static const struct lb_param fastest_params[] = {
	[TOLERANCE] = { "tolerance", LB_PARAM_PERCENT, 0, 1000, 20,
	    "RTTs this much above the fastest count as equal" },
	[MARGIN] = { "margin", LB_PARAM_MS, 0, 60000, 2,
	    "... or this many milliseconds, whichever is wider" },
	{ NULL }
};

static uint32_t
rtt_of(const struct lb_query *q, uint16_t m)
{
	return atomic_load_explicit(&q->health->slots[q->members[m].slot]
	    .rtt_us, memory_order_relaxed);
}

/* The band: RTTs up to this count as equally fast (µs). */
static uint64_t
band_of(const struct lb_step *st, uint64_t best)
{
	uint64_t	 w = best * st->p[TOLERANCE] / 100;

	return best + (w > st->p[MARGIN] ? w : st->p[MARGIN]);
}

/*
 * A member's rate of being drawn first within the band: weight / RTT^2
 * (RTT in µs, + 1), so that of members at 2 and 2.4 ms the first comes
 * first 59% of the time, and a share falls fast as the RTT rises.
 */
static double
rate_of(uint16_t weight, uint64_t rtt)
{
	double	 r = (double)rtt + 1;
	uint16_t w = weight;

	return (w > 0 ? w : 1) / (r * r);
}

/*
 * Least response time without herding: the members within the band of
 * the fastest (tolerance percent, or margin, whichever is wider) come
 * first in a random order drawn by rate_of() -- not all to the fastest,
 * whom every resolver would then cache for a TTL; slower ones follow by
 * RTT, and members never measured come last.
 */
static size_t
fastest_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint64_t	 best = UINT64_MAX, band, rtt;
	struct lb_cand	 t;
	size_t		 i, j, in = 0;

	for (i = 0; i < n; i++) {
		rtt = rtt_of(q, c[i].member);
		c[i].key = rtt;
		if (rtt < best)
			best = rtt;
	}
	if (best == HEALTH_RTT_NONE)
		return n;
	band = band_of(st, best);
	/* In the band to the front, in their order; a stable partition. */
	for (i = 0; i < n; i++) {
		if (c[i].key > band)
			continue;
		t = c[i];
		for (j = i; j > in; j--)
			c[j] = c[j - 1];
		t.key = lb_draw_key(lb_random(q->rng), rate_of(t.weight,
		    t.key));
		c[in++] = t;
	}
	lb_sort_keys(c, in, true);
	lb_sort_keys(c + in, n - in, false);
	return n;
}

static void
fastest_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	char		 a[LB_MEMBER_STR];
	size_t		 k, off;
	uint64_t	 v, best = UINT64_MAX, band;
	double		 total = 0;

	for (k = 0; k < w->nin; k++)
		if ((v = rtt_of(w->q, w->in[k])) < best)
			best = v;
	band = best == HEALTH_RTT_NONE ? 0 : band_of(st, best);
	for (k = 0; k < w->nin; k++)
		if ((v = rtt_of(w->q, w->in[k])) <= band)
			total += rate_of(lb_member_weight(w->q, w->in[k]),
			    v);
	off = snprintf(buf, len, best == HEALTH_RTT_NONE ?
	    "no RTT measured: order kept;" : "by smoothed RTT, first place "
	    "by weight/RTT^2 within %.2fms:", band / 1000.0);
	for (k = 0; k < w->nin && off < len; k++) {
		lb_member_str(&w->q->members[w->in[k]], a, sizeof(a));
		v = rtt_of(w->q, w->in[k]);
		if (v == HEALTH_RTT_NONE)
			off += snprintf(buf + off, len - off, " %s=?", a);
		else if (v <= band)
			off += snprintf(buf + off, len - off, " %s=%.2fms "
			    "(%.0f%%)", a, v / 1000.0, 100 *
			    rate_of(lb_member_weight(w->q, w->in[k]), v) /
			    total);
		else
			off += snprintf(buf + off, len - off, " %s=%.2fms", a,
			    v / 1000.0);
	}
}

const struct lb_strategy lb_strategy_fastest = {
	.name = "fastest",
	.doc = "least response time first: within a band, drawn by "
	    "weight/RTT^2",
	.params = fastest_params,
	.run = fastest_run,
	.why = fastest_why,
};
