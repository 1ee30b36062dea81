/* lb_priority.c -- "priority": the best tier that is healthy enough */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "lb.h"

enum { MIN_HEALTHY };

static const struct lb_param priority_params[] = {
	[MIN_HEALTHY] = { "min_healthy", LB_PARAM_UINT, 0, LB_MAX_MEMBERS, 1,
	    "usable members a tier needs to be answered" },
	{ NULL }
};

/* Keep the best tier that has at least min_healthy usable members. */
static size_t
priority_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	unsigned	 healthy[256] = { 0 }, present[256] = { 0 };
	size_t		 i, kept = 0;
	unsigned	 t, best = 256, first = 256;

	for (i = 0; i < n; i++) {
		t = q->members[c[i].member].priority;
		present[t]++;
		healthy[t] += c[i].usable;
	}
	for (t = 0; t < 256; t++) {
		if (present[t] == 0)
			continue;
		if (first == 256)
			first = t;
		if (healthy[t] >= st->p[MIN_HEALTHY]) {
			best = t;
			break;
		}
	}
	/* No tier is healthy enough: the best one there is. */
	if (best == 256)
		best = first;
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].priority == best)
			c[kept++] = c[i];
	return kept;
}

static void
priority_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	if (w->nout > 0)
		snprintf(buf, len, "kept priority tier %u (min_healthy %u)",
		    w->q->members[w->out[0]].priority, st->p[MIN_HEALTHY]);
}

const struct lb_strategy lb_strategy_priority = {
	.name = "priority",
	.doc = "failover: only the best tier with min_healthy usable members",
	.params = priority_params,
	.run = priority_run,
	.why = priority_why,
};
