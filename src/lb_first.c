/* lb_first.c -- "first N": keep the first N */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>

#include "lb.h"

enum { COUNT };

static const struct lb_param first_params[] = {
	[COUNT] = { "count", LB_PARAM_COUNT, 1, LB_MAX_MEMBERS, 0,
	    "how many to keep" },
	{ NULL }
};

static size_t
first_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	(void)q;
	(void)c;
	return n < st->p[COUNT] ? n : st->p[COUNT];
}

static void
first_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	(void)w;
	snprintf(buf, len, "kept the first %u", st->p[COUNT]);
}

static const char *
first_drop(const struct lb_step *st, const struct lb_why *w, uint16_t m,
    char *buf, size_t len)
{
	(void)w;
	(void)m;
	snprintf(buf, len, "beyond the first %u", st->p[COUNT]);
	return buf;
}

const struct lb_strategy lb_strategy_first = {
	.name = "first",
	.doc = "keep the first N",
	.params = first_params,
	.run = first_run,
	.why = first_why,
	.drop = first_drop,
	.truncates = true,
};
