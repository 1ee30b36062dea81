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

/*
 * Least response time: members within the tolerance band of the fastest
 * (tolerance percent, or margin, whichever is wider) keep their order;
 * slower ones follow by RTT.  Members never measured come last.
 */
static size_t
fastest_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint64_t	 best = UINT64_MAX, band, rtt, w;
	size_t		 i;

	for (i = 0; i < n; i++) {
		rtt = rtt_of(q, c[i].member);
		c[i].key = rtt;
		if (rtt < best)
			best = rtt;
	}
	if (best == HEALTH_RTT_NONE)
		return n;
	w = best * st->p[TOLERANCE] / 100;
	band = best + (w > st->p[MARGIN] ? w : st->p[MARGIN]);
	for (i = 0; i < n; i++)
		if (c[i].key <= band)
			c[i].key = 0;
	lb_sort_keys(c, n, false);
	return n;
}

static void
fastest_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	char		 a[64];
	size_t		 k, off;
	uint32_t	 v;

	(void)st;
	off = snprintf(buf, len, "by smoothed RTT:");
	for (k = 0; k < w->nin && off < len; k++) {
		lb_member_str(&w->q->members[w->in[k]], a, sizeof(a));
		v = rtt_of(w->q, w->in[k]);
		if (v == HEALTH_RTT_NONE)
			off += snprintf(buf + off, len - off, " %s=?", a);
		else
			off += snprintf(buf + off, len - off, " %s=%.2fms", a,
			    v / 1000.0);
	}
}

const struct lb_strategy lb_strategy_fastest = {
	.name = "fastest",
	.doc = "least response time first, members within a band equal",
	.params = fastest_params,
	.run = fastest_run,
	.why = fastest_why,
};
