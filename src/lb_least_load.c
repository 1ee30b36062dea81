/* lb_least_load.c -- "least_load": by the load backends report */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "health.h"
#include "lb.h"

enum { LOW, HIGH };

static const struct lb_param least_load_params[] = {
	[LOW] = { "low", LB_PARAM_UINT, 0, UINT32_MAX - 1, 0,
	    "loads below this count as this (idle, all equal)" },
	[HIGH] = { "high", LB_PARAM_UINT, 0, UINT32_MAX - 1, LB_UNSET,
	    "members at or above this are shed, unless all are" },
	{ NULL }
};

static uint32_t
load_of(const struct lb_query *q, uint16_t m)
{
	return atomic_load_explicit(&q->health->slots[q->members[m].slot].load,
	    memory_order_relaxed);
}

/*
 * A member's rate of being drawn first: weight / (load + 1)^2, loads
 * below the low watermark counted as at it (idle members are equal).
 * Of members at loads 10 and 12 the first comes first 58% of the time;
 * one at 50 gets 3% beside them.
 */
static double
rate_of(const struct lb_step *st, uint16_t weight, uint32_t load)
{
	double	 l = (double)(load < st->p[LOW] ? st->p[LOW] : load) + 1;
	uint16_t w = weight;

	return (w > 0 ? w : 1) / (l * l);
}

/*
 * Least load without herding: members at or above the high watermark
 * are shed (unless all are); the others come in a random order drawn by
 * rate_of(), so the least loaded gets the most answers but not all of
 * them (resolvers cache each answer for its TTL: the member that looked
 * idlest would take a whole TTL of everyone's traffic).  A member whose
 * load is unknown (never reported, or its last check brought none) comes
 * after all that report one, in its order, and is never shed: unknown is
 * neither idle nor overloaded, and a backend cannot draw traffic by
 * going quiet.
 */
static size_t
least_load_run(const struct lb_step *st, struct lb_query *q,
    struct lb_cand *c, size_t n)
{
	uint32_t	 load;
	size_t		 i, kept = 0;

	for (i = 0; i < n; i++) {
		load = load_of(q, c[i].member);
		if (load == HEALTH_LOAD_NONE || load < st->p[HIGH])
			kept++;
	}
	if (kept > 0 && kept < n) {
		kept = 0;
		for (i = 0; i < n; i++) {
			load = load_of(q, c[i].member);
			if (load == HEALTH_LOAD_NONE || load < st->p[HIGH])
				c[kept++] = c[i];
		}
		n = kept;
	}
	/* Unknown: key 0, after every draw (which is above 0), in order. */
	for (i = 0; i < n; i++) {
		load = load_of(q, c[i].member);
		c[i].key = load == HEALTH_LOAD_NONE ? 0 :
		    lb_draw_key(lb_random(q->rng), rate_of(st,
		    c[i].weight, load));
	}
	lb_sort_keys(c, n, true);
	return n;
}

static void
least_load_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	char		 a[LB_MEMBER_STR];
	size_t		 k, off;
	uint32_t	 v;
	double		 total = 0;

	for (k = 0; k < w->nout; k++)
		if ((v = load_of(w->q, w->out[k])) != HEALTH_LOAD_NONE)
			total += rate_of(st, lb_member_weight(w->q,
			    w->out[k]), v);
	off = snprintf(buf, len, "by reported load, first place by "
	    "weight/(load+1)^2:");
	for (k = 0; k < w->nin && off < len; k++) {
		lb_member_str(&w->q->members[w->in[k]], a, sizeof(a));
		v = load_of(w->q, w->in[k]);
		if (v == HEALTH_LOAD_NONE)
			off += snprintf(buf + off, len - off, " %s=?", a);
		else if (w->nout < w->nin && v >= st->p[HIGH])
			off += snprintf(buf + off, len - off, " %s=%u", a, v);
		else
			off += snprintf(buf + off, len - off, " %s=%u (%.0f%%)",
			    a, v, 100 * rate_of(st,
			    lb_member_weight(w->q, w->in[k]), v) / total);
	}
	if (w->nout < w->nin && off < len)
		snprintf(buf + off, len - off, "; %zu shed above high=%u",
		    w->nin - w->nout, st->p[HIGH]);
}

static const char *
least_load_drop(const struct lb_step *st, const struct lb_why *w, uint16_t m,
    char *buf, size_t len)
{
	snprintf(buf, len, "load %u at or above high=%u", load_of(w->q, m),
	    st->p[HIGH]);
	return buf;
}

static int
least_load_check(const struct lb_step *st, char *err, size_t len)
{
	if (st->p[HIGH] != LB_UNSET && st->p[LOW] > st->p[HIGH]) {
		snprintf(err, len, "\"least_load\": low above high");
		return -1;
	}
	return 0;
}

const struct lb_strategy lb_strategy_least_load = {
	.name = "least_load",
	.doc = "the least loaded first: drawn by weight/(load+1)^2, "
	    "of the load the check reads",
	.params = least_load_params,
	.run = least_load_run,
	.why = least_load_why,
	.drop = least_load_drop,
	.check = least_load_check,
};
