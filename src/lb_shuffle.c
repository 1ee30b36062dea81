/* lb_shuffle.c -- "shuffle": a uniformly random order */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "lb.h"

/* Fisher-Yates from the front: the first keep places are enough. */
static size_t
shuffle_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand	 t;
	size_t		 i, j, stop = n;

	if (st->keep != 0 && st->keep < n)
		stop = st->keep;
	for (i = 0; i < stop && i + 1 < n; i++) {
		j = i + lb_random_below(q->rng, n - i);
		t = c[i];
		c[i] = c[j];
		c[j] = t;
	}
	return n;
}

/* run()'s first draw, without candidates. */
static size_t
shuffle_pick(const struct lb_step *st, struct lb_query *q,
    const uint16_t *members, size_t n)
{
	(void)st;
	(void)members;
	return n < 2 ? 0 : lb_random_below(q->rng, n);
}

static void
shuffle_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	(void)st;
	(void)w;
	snprintf(buf, len, "random order");
}

const struct lb_strategy lb_strategy_shuffle = {
	.name = "shuffle",
	.doc = "a random order, every order equally likely",
	.run = shuffle_run,
	.pick = shuffle_pick,
	.why = shuffle_why,
};
