/* probe_count.c -- the prober's counters, in total and per check kind */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stddef.h>

#include "check.h"
#include "probe.h"

/* The kind's place in check_kinds[], or PROBE_NKINDS when it has none. */
static size_t
kind_index(const struct check_kind *k)
{
	size_t	 i;

	for (i = 0; i < PROBE_NKINDS && check_kinds[i] != NULL; i++)
		if (check_kinds[i] == k)
			return i;
	return PROBE_NKINDS;
}

void
probe_count_result(struct probe_stats *st, const struct check_kind *k,
    enum probe_result r)
{
	size_t	 i = kind_index(k);

	if ((unsigned)r >= PROBE_NRESULTS)
		r = PROBE_LOCAL_ERROR;
	st->results[r]++;
	if (i < PROBE_NKINDS) {
		st->kind[i].runs++;
		st->kind[i].results[r]++;
	}
}

void
probe_count_skip(struct probe_stats *st, const struct check_kind *k)
{
	size_t	 i = kind_index(k);

	st->skipped++;
	if (i < PROBE_NKINDS)
		st->kind[i].skipped++;
}

void
probe_stats_add(struct probe_stats *a, const struct probe_stats *b)
{
	size_t	 i, k;

	a->runs += b->runs;
	a->skipped += b->skipped;
	a->queued += b->queued;
	a->behind += b->behind;
	a->behind_episodes += b->behind_episodes;
	a->to_up += b->to_up;
	a->to_down += b->to_down;
	for (i = 0; i < PROBE_NRESULTS; i++)
		a->results[i] += b->results[i];
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		a->late[i] += b->late[i];
	a->late_sum += b->late_sum;
	if (b->late_max > a->late_max)
		a->late_max = b->late_max;
	for (k = 0; k < PROBE_NKINDS; k++) {
		a->kind[k].runs += b->kind[k].runs;
		a->kind[k].skipped += b->kind[k].skipped;
		for (i = 0; i < PROBE_NRESULTS; i++)
			a->kind[k].results[i] += b->kind[k].results[i];
	}
}
