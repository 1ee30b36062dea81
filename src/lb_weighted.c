/* lb_weighted.c -- "weighted": random order, each draw by weight */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lb.h"

/*
 * Weighted random order: each place is drawn among the members not yet
 * placed in proportion to their weights; members of weight 0 go last, in
 * their order.  Only the first keep places are drawn when the steps after
 * keep no more than that.
 */
/* Every place drawn, weight 0 handled: what the fast case leaves. */
static size_t __attribute__((noinline))
weighted_all(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand		 t;
	uint64_t		 total = 0, r;
	size_t			 i, j, m = 0, stop;
	bool			 zero = false;

	/* Steps only drop and reorder: n of nall is the whole set. */
	if (q->positive && n == q->nall && !q->ramped)
		total = q->total;
	else if (q->positive)
		for (i = 0; i < n; i++)
			total += c[i].weight;
	else
		for (i = 0; i < n; i++) {
			total += c[i].weight;
			zero |= c[i].weight == 0;
		}
	m = n;
	/* Usually none is 0 (up left them out): then nothing moves. */
	if (zero) {
		for (i = m = 0; i < n; i++)
			if (c[i].weight > 0) {
				if (i != m) {
					t = c[i];
					memmove(c + m + 1, c + m, (i - m) *
					    sizeof(*c));
					c[m] = t;
				}
				m++;
			}
	}
	stop = m > 0 ? m - 1 : 0;
	if (st->keep != 0 && st->keep < stop)
		stop = st->keep;
	for (i = 0; i < stop; i++) {
		r = lb_random_below(q->rng, total);
		for (j = i; j < m; j++) {
			if (r < c[j].weight)
				break;
			r -= c[j].weight;
		}
		total -= c[j].weight;
		t = c[i];
		c[i] = c[j];
		c[j] = t;
	}
	return n;
}

static size_t
weighted_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand		 t;
	uint64_t		 total, r;
	size_t			 i, j;

	/*
	 * The common case, a whole pool of positive weights and one place
	 * wanted ("weighted, first 1"): one draw, one swap.
	 */
	if (st->keep == 1 && q->positive && n > 1) {
		if (n == q->nall && !q->ramped)
			total = q->total;
		else
			for (total = 0, i = 0; i < n; i++)
				total += c[i].weight;
		r = lb_random_below(q->rng, total);
		for (j = 0; r >= c[j].weight; j++)
			r -= c[j].weight;
		t = c[0];
		c[0] = c[j];
		c[j] = t;
		return n;
	}
	return weighted_all(st, q, c, n);
}

/* run()'s draw over a clean whole family, without candidates. */
static size_t
weighted_pick(const struct lb_step *st, struct lb_query *q,
    const uint16_t *members, size_t n)
{
	const struct lb_member	*mb = q->members;
	uint64_t		 r;
	size_t			 j;

	(void)st;
	if (n < 2)
		return 0;
	r = lb_random_below(q->rng, q->total);
	for (j = 0; r >= mb[members[j]].weight; j++)
		r -= mb[members[j]].weight;
	return j;
}

static void
weighted_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	char	 a[LB_MEMBER_STR];
	size_t	 k, off;

	(void)st;
	off = snprintf(buf, len, "random order weighted by weight:");
	for (k = 0; k < w->nin && off < len; k++) {
		lb_member_str(&w->q->members[w->in[k]], a, sizeof(a));
		off += snprintf(buf + off, len - off, " %s=%u", a,
		    lb_member_weight(w->q, w->in[k]));
		if (lb_member_weight(w->q, w->in[k]) !=
		    w->q->members[w->in[k]].weight && off < len)
			off += snprintf(buf + off, len - off, " (of %u: slow "
			    "start)", w->q->members[w->in[k]].weight);
	}
}

const struct lb_strategy lb_strategy_weighted = {
	.name = "weighted",
	.doc = "random order, each place drawn in proportion to weight",
	.run = weighted_run,
	.pick = weighted_pick,
	.why = weighted_why,
};
