/* lb_round_robin.c -- "round_robin": rotate by the name's counter */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lb.h"

/* Rotate by the name's counter: one step per answer. */
static size_t
rr_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand	 tmp[LB_MAX_MEMBERS];
	size_t		 k, i;

	(void)st;
	if (n == 0)
		return 0;
	k = atomic_fetch_add_explicit(q->rr, 1, memory_order_relaxed) % n;
	if (k == 0)
		return n;
	memcpy(tmp, c, k * sizeof(*c));
	for (i = 0; i + k < n; i++)
		c[i] = c[i + k];
	memcpy(c + n - k, tmp, k * sizeof(*c));
	return n;
}

/* Where run()'s rotation starts, without candidates. */
static size_t
rr_pick(const struct lb_step *st, struct lb_query *q, const uint16_t *members,
    size_t n)
{
	(void)st;
	(void)members;
	if (n == 0)
		return 0;
	return atomic_fetch_add_explicit(q->rr, 1, memory_order_relaxed) % n;
}

static void
rr_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	(void)st;
	(void)w;
	snprintf(buf, len, "rotated by the name's counter");
}

const struct lb_strategy lb_strategy_round_robin = {
	.name = "round_robin",
	.doc = "rotate the order by one per answer",
	.run = rr_run,
	.pick = rr_pick,
	.why = rr_why,
};
