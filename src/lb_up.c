/* lb_up.c -- "up": keep the usable members; weight 0 as a last resort */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "health.h"
#include "lb.h"

/*
 * Keep the usable members; if none is, fail open (the name's all_down is
 * "all") or report all-down.
 *
 * Weight 0 means "only when nothing else is left" for every strategy, not
 * just for weighted, so it is decided here, where every chain starts:
 * members of weight 0 are kept only when no usable member of weight above
 * 0 is among the candidates.  That holds across priority tiers and
 * regions: an operator who gives a member weight 0 means a backup of last
 * resort for the pool, so a healthy tier 2 is answered before a weight 0
 * member of tier 1, and topology never prefers it for being near.  Load
 * above least_load's high watermark does not make a member unusable, so it
 * does not bring weight 0 members in.
 *
 * After those come the spares, which are not usable but are better than
 * failing: members a reload added, before their first check result (the
 * startup rule: nothing is answered unchecked while something checked
 * is up), and members kept out by flap damping.
 */
static size_t
up_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	size_t	 i, kept = 0;

	(void)st;
	if (q->clean)
		return n;	/* the common case: nothing to drop */
	/* While nothing is kept nothing is overwritten: c stays whole. */
	for (i = 0; i < n; i++)
		if (c[i].usable && c[i].weight > 0)
			c[kept++] = c[i];
	if (kept > 0)
		return kept;
	for (i = 0; i < n; i++)
		if (c[i].usable)
			c[kept++] = c[i];
	if (kept > 0)
		return kept;
	/* Spares: not yet checked since a reload, or flapping. */
	for (i = 0; i < n; i++)
		if (c[i].spare)
			c[kept++] = c[i];
	if (kept > 0)
		return kept;
	if (q->fail_open)
		return n;
	q->all_down = true;
	return 0;
}

static void
up_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	(void)st;
	if (w->nout == w->nin)
		snprintf(buf, len, w->nin > 0 && !lb_member_usable(w->q,
		    w->in[0]) ?
		    "no member usable: fail open, every member kept" :
		    "every member usable");
	else if (w->nout == 0)
		snprintf(buf, len, "no member usable: the name's all_down "
		    "action applies");
	else
		snprintf(buf, len, "dropped %zu: not usable (down, drained or "
		    "forced down), or weight 0 while others are usable",
		    w->nin - w->nout);
}

static const char *
up_drop(const struct lb_step *st, const struct lb_why *w, uint16_t m,
    char *buf, size_t len)
{
	const struct lb_query		*q = w->q;
	const struct lb_temper		*t = q->temper;
	const struct health_slot	*s = &q->health->slots[q->members[m].
					    slot];

	(void)st;
	if (lb_member_usable(q, m) && q->members[m].weight == 0)
		return "weight 0: kept out while a member of weight 1 or more "
		    "is usable";
	if (atomic_load(&s->spare))
		return "no check result yet since a reload added it: "
		    "answered only when nothing else is usable";
	if (lb_member_flapping(q, m)) {
		snprintf(buf, len, "flapping: more than %u changes within "
		    "%.0fs; out until stable for %.0fs", t->flap_limit,
		    t->flap_window / 10.0, t->flap_window / 10.0);
		return buf;
	}
	return NULL;
}

const struct lb_strategy lb_strategy_up = {
	.name = "up",
	.doc = "keep the usable members (weight 0 only when no other is)",
	.run = up_run,
	.why = up_why,
	.drop = up_drop,
	.noop_clean = true,
};
