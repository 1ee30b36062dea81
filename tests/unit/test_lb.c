/* test_lb.c -- the balancing steps, one by one and chained (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "health.h"
#include "lb.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define RUNS		100000

/* Chi-squared critical values at p = 0.001, by degrees of freedom. */
static const double	 chi2_crit[] = { 0, 10.828, 13.816, 16.266, 18.467,
    20.515, 22.458, 24.322, 26.124, 27.877, 29.588, 31.264 };

/* A pool of members, its health table and a query over it. */
struct fix {
	struct lb_member	 m[LB_MAX_MEMBERS];
	size_t			 n;
	struct health		*h;
	_Atomic uint32_t	 rr;
	uint64_t		 rng;
	struct lb_query		 q;
};

/* n IPv4 members 192.0.2.1.., weight 1, tier 1, no region, slot = index. */
static struct fix *
fix_new(size_t n)
{
	struct fix	*f;
	size_t		 i;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->n = n;
	f->h = health_new(n);
	for (i = 0; i < n; i++) {
		f->m[i].family = 4;
		f->m[i].addr[0] = 192;
		f->m[i].addr[2] = 2;
		f->m[i].addr[3] = i + 1;
		f->m[i].weight = 1;
		f->m[i].priority = 1;
		f->m[i].region = LB_NO_REGION;
		f->m[i].slot = i;
		f->m[i].id = lb_mix(0x1000 + i);
	}
	atomic_init(&f->rr, 0);
	f->rng = 0x9e3779b97f4a7c15ULL;
	f->q.health = f->h;
	f->q.members = f->m;
	f->q.rr = &f->rr;
	f->q.rng = &f->rng;
	f->q.fail_open = true;
	return f;
}

static void
fix_free(struct fix *f)
{
	health_free(f->h);
	free(f);
}

/* Run the up step with the name's all_down "all" (open) or not. */
static size_t
run_up(struct fix *f, const struct lb_step *st, bool open, struct lb_cand *c,
    size_t n)
{
	f->q.fail_open = open;
	return lb_step_run(st, &f->q, c, n);
}

/* Candidates 0..n-1 in order, as health has them now; clears the query's
 * outputs. */
static void
fix_cands(struct fix *f, struct lb_cand *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		lb_cand_init(&f->q, &c[i], i);
	f->q.scope = 0;
	f->q.all_down = false;
}

/* The client as the steps see it. */
static void
fix_client(struct fix *f, const char *addr, uint8_t bits)
{
	memset(f->q.addr, 0, sizeof(f->q.addr));
	if (inet_pton(AF_INET, addr, f->q.addr) == 1)
		f->q.family = 4;
	else {
		assert_int_equal(inet_pton(AF_INET6, addr, f->q.addr), 1);
		f->q.family = 6;
	}
	f->q.bits = bits;
}

static struct lb_step
step(const char *text)
{
	struct lb_step	 st;
	char		 err[256] = "";

	memset(&st, 0xa5, sizeof(st));
	if (lb_parse_step(text, &st, err, sizeof(err)) == -1)
		fail_msg("lb_parse_step(\"%s\"): %s", text, err);
	return st;
}

/* Parse a chain of steps into st; returns how many. */
static size_t
chain(const char *const *text, size_t n, struct lb_step *st)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		st[i] = step(text[i]);
	return n;
}

/* Is c[0..n) a permutation of 0..n-1? */
static bool
is_permutation(const struct lb_cand *c, size_t n)
{
	bool	 seen[LB_MAX_MEMBERS] = { false };
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (c[i].member >= n || seen[c[i].member])
			return false;
		seen[c[i].member] = true;
	}
	return true;
}

/* Pearson's statistic of counts obs against probabilities p. */
static double
chi2(const unsigned long *obs, const double *p, size_t k, unsigned long total)
{
	double	 s = 0, e;
	size_t	 i;

	for (i = 0; i < k; i++) {
		e = p[i] * total;
		s += (obs[i] - e) * (obs[i] - e) / e;
	}
	return s;
}

static void
assert_chi2(const unsigned long *obs, const double *p, size_t k,
    unsigned long total, const char *what)
{
	double	 s = chi2(obs, p, k, total);
	size_t	 i;

	assert_true(k - 1 < NITEMS(chi2_crit));
	if (s >= chi2_crit[k - 1]) {
		for (i = 0; i < k; i++)
			print_error("%s: [%zu] observed %lu expected %.1f\n",
			    what, i, obs[i], p[i] * total);
		fail_msg("%s: chi-squared %.3f >= %.3f (df %zu, p = 0.001)",
		    what, s, chi2_crit[k - 1], k - 1);
	}
}

/* ------------------------------------------------------------- weighted */

static void
weighted_first_follows_weights(void **state)
{
	static const uint16_t	 w[] = { 5, 3, 1, 1 };
	double			 p[NITEMS(w)];
	unsigned long		 obs[NITEMS(w)] = { 0 };
	struct fix		*f = fix_new(NITEMS(w));
	struct lb_step		 st = step("weighted");
	struct lb_cand		 c[NITEMS(w)];
	size_t			 i, r;

	(void)state;
	for (i = 0; i < NITEMS(w); i++) {
		f->m[i].weight = w[i];
		p[i] = w[i] / 10.0;
	}
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, NITEMS(w));
		assert_int_equal(lb_step_run(&st, &f->q, c, NITEMS(w)),
		    NITEMS(w));
		assert_true(is_permutation(c, NITEMS(w)));
		obs[c[0].member]++;
	}
	assert_chi2(obs, p, NITEMS(w), RUNS, "weighted 5:3:1:1 first");
	fix_free(f);
}

/* The second place is drawn from what is left: P(i, j) = wi/W wj/(W-wi). */
static void
weighted_second_place(void **state)
{
	static const uint16_t	 w[] = { 5, 3, 1, 1 };
	double			 p[12];
	unsigned long		 obs[12] = { 0 };
	struct fix		*f = fix_new(NITEMS(w));
	struct lb_step		 st = step("weighted");
	struct lb_cand		 c[NITEMS(w)];
	size_t			 i, j, k, r;

	(void)state;
	for (i = 0; i < NITEMS(w); i++)
		f->m[i].weight = w[i];
	for (i = 0, k = 0; i < NITEMS(w); i++)
		for (j = 0; j < NITEMS(w); j++)
			if (i != j)
				p[k++] = w[i] / 10.0 * w[j] / (10.0 - w[i]);
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, NITEMS(w));
		lb_step_run(&st, &f->q, c, NITEMS(w));
		i = c[0].member;
		j = c[1].member;
		obs[i * 3 + (j > i ? j - 1 : j)]++;
	}
	assert_chi2(obs, p, 12, RUNS, "weighted 5:3:1:1 first two");
	fix_free(f);
}

static void
weighted_zero_weight_last(void **state)
{
	static const uint16_t	 w[] = { 0, 2, 0, 1, 3 };
	struct fix		*f = fix_new(NITEMS(w));
	struct lb_step		 st = step("weighted");
	struct lb_cand		 c[NITEMS(w)];
	unsigned long		 first[NITEMS(w)] = { 0 };
	size_t			 i, r;

	(void)state;
	for (i = 0; i < NITEMS(w); i++)
		f->m[i].weight = w[i];
	for (r = 0; r < 10000; r++) {
		fix_cands(f, c, NITEMS(w));
		assert_int_equal(lb_step_run(&st, &f->q, c, NITEMS(w)),
		    NITEMS(w));
		assert_true(is_permutation(c, NITEMS(w)));
		/* Weight 0 at the end, in their original order. */
		assert_int_equal(c[3].member, 0);
		assert_int_equal(c[4].member, 2);
		for (i = 0; i < 3; i++)
			assert_int_not_equal(f->m[c[i].member].weight, 0);
		first[c[0].member]++;
	}
	assert_int_equal(first[0], 0);
	assert_int_equal(first[2], 0);
	assert_true(first[1] > 0 && first[3] > 0 && first[4] > 0);
	fix_free(f);
}

static void
weighted_all_zero_keeps_order(void **state)
{
	struct fix	*f = fix_new(4);
	struct lb_step	 st = step("weighted");
	struct lb_cand	 c[4];
	size_t		 i;

	(void)state;
	for (i = 0; i < 4; i++)
		f->m[i].weight = 0;
	fix_cands(f, c, 4);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(c[i].member, i);
	fix_free(f);
}

/* Through lb_run: a down member never shows; the others keep their odds. */
/*
 * up + weighted (+ first 1, cut to one place) with a member down: never
 * the down one, the others first by their weights.
 */
static void
weighted_skips_down(const char *const *text, size_t nsteps, size_t want)
{
	static const uint16_t	 w[] = { 6, 10, 3, 1 };
	static const double	 p[] = { 0.6, 0.3, 0.1 };
	struct fix		*f = fix_new(NITEMS(w));
	struct lb_step		 st[3];
	struct lb_cand		 c[NITEMS(w)];
	unsigned long		 obs[3] = { 0 };
	size_t			 i, r, n;

	for (i = 0; i < NITEMS(w); i++)
		f->m[i].weight = w[i];
	lb_chain_prepare(st, chain(text, nsteps, st), 0);
	health_set_state(f->h, 1, HEALTH_DOWN);
	/* As run_chain() sets them: the pool's total, before up. */
	f->q.positive = true;
	f->q.nall = NITEMS(w);
	f->q.total = 20;
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, NITEMS(w));
		n = lb_run(st, nsteps, &f->q, c, NITEMS(w));
		assert_int_equal(n, want);
		for (i = 0; i < n; i++)
			assert_int_not_equal(c[i].member, 1);
		obs[c[0].member == 0 ? 0 : c[0].member == 2 ? 1 : 2]++;
	}
	assert_false(f->q.all_down);
	assert_chi2(obs, p, 3, RUNS, text[nsteps - 1]);
	fix_free(f);
}

static void
weighted_chain_skips_down(void **state)
{
	static const char *const text[] = { "up", "weighted" };

	(void)state;
	weighted_skips_down(text, 2, 3);
}

/* Cut to one place, weighted draws only that place. */
static void
weighted_first1_skips_down(void **state)
{
	static const char *const text[] = { "up", "weighted", "first 1" };

	(void)state;
	weighted_skips_down(text, 3, 1);
}

/* ---------------------------------------------------------- round_robin */

static void
round_robin_rotates(void **state)
{
	struct fix	*f = fix_new(4);
	struct lb_step	 st = step("round_robin");
	struct lb_cand	 c[4];
	size_t		 i, k;

	(void)state;
	for (k = 0; k < 13; k++) {
		fix_cands(f, c, 4);
		assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
		for (i = 0; i < 4; i++)
			assert_int_equal(c[i].member, (k + i) % 4);
		assert_int_equal(f->q.scope, 0);
	}
	assert_int_equal(atomic_load(&f->rr), 13);
	fix_free(f);
}

/* After up drops a member, the rotation runs over those left. */
static void
round_robin_chain_rotates_over_up(void **state)
{
	static const char *const text[] = { "up", "round_robin" };
	static const uint16_t	 left[] = { 0, 2, 3 };
	struct fix		*f = fix_new(4);
	struct lb_step		 st[2];
	struct lb_cand		 c[4];
	size_t			 i, k;

	(void)state;
	chain(text, 2, st);
	health_set_admin(f->h, 1, HEALTH_ADMIN_DRAIN);
	for (k = 0; k < 9; k++) {
		fix_cands(f, c, 4);
		assert_int_equal(lb_run(st, 2, &f->q, c, 4), 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(c[i].member, left[(k + i) % 3]);
	}
	fix_free(f);
}

/* -------------------------------------------------------------- shuffle */

static void
shuffle_uniform_first(void **state)
{
	static const double	 p[] = { 0.2, 0.2, 0.2, 0.2, 0.2 };
	unsigned long		 first[5] = { 0 }, last[5] = { 0 };
	struct fix		*f = fix_new(5);
	struct lb_step		 st = step("shuffle");
	struct lb_cand		 c[5];
	size_t			 r;

	(void)state;
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, 5);
		assert_int_equal(lb_step_run(&st, &f->q, c, 5), 5);
		assert_true(is_permutation(c, 5));
		first[c[0].member]++;
		last[c[4].member]++;
	}
	assert_chi2(first, p, 5, RUNS, "shuffle first");
	assert_chi2(last, p, 5, RUNS, "shuffle last");
	fix_free(f);
}

/* All six orders of three members, equally often (df 5). */
static void
shuffle_uniform_orders(void **state)
{
	static const double	 p[] = { 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0,
	    1 / 6.0, 1 / 6.0 };
	unsigned long		 obs[6] = { 0 };
	struct fix		*f = fix_new(3);
	struct lb_step		 st = step("shuffle");
	struct lb_cand		 c[3];
	size_t			 r, k;

	(void)state;
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, 3);
		lb_step_run(&st, &f->q, c, 3);
		assert_true(is_permutation(c, 3));
		/* Lehmer code of the order: 0..5. */
		k = c[0].member * 2 + (c[1].member > c[2].member);
		obs[k]++;
	}
	assert_chi2(obs, p, 6, RUNS, "shuffle orders of 3");
	fix_free(f);
}

/* --------------------------------------- pending, slow start, flapping */

/*
 * A member a reload added is a spare until its first result: left out
 * while any member is usable (weight 0 ones included), answered when
 * none is, before failing open.
 */
static void
up_spares_last(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("up");
	struct lb_cand	 c[3];

	(void)state;
	health_set_pending(f->h, 1);
	fix_cands(f, c, 3);
	assert_false(c[1].usable);
	assert_true(c[1].spare);
	assert_int_equal(run_up(f, &st, false, c, 3), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 2);
	/* Weight 0 usable beats a spare. */
	f->m[0].weight = 0;
	health_set_state(f->h, 2, HEALTH_DOWN);
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &st, false, c, 3), 1);
	assert_int_equal(c[0].member, 0);
	/* Nothing usable: the spare, not all-down. */
	health_set_state(f->h, 0, HEALTH_DOWN);
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &st, false, c, 3), 1);
	assert_int_equal(c[0].member, 1);
	assert_false(f->q.all_down);
	/* Its first result down: no spare left, all-down. */
	health_record(f->h, 1, PROBE_REFUSED, 1, 1, 10);
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &st, false, c, 3), 0);
	assert_true(f->q.all_down);
	fix_free(f);
}

/* A flapping member is out, a spare; forced up beats damping. */
static void
flapping_member_out(void **state)
{
	static const struct lb_temper t = { .flap_limit = 2,
		.flap_window = 600 };
	struct fix	*f = fix_new(2);
	struct lb_step	 st = step("up");
	struct lb_cand	 c[2];
	unsigned	 i;

	(void)state;
	f->q.temper = &t;
	for (i = 0; i < 4; i++) {
		health_set_now(f->h, 10 + i);
		health_change(f->h, 0, i % 2 ? HEALTH_UP : HEALTH_DOWN);
	}
	f->q.now = health_ticks(14);
	fix_cands(f, c, 2);
	assert_false(c[0].usable);
	assert_true(c[0].spare);
	assert_true(lb_member_flapping(&f->q, 0));
	assert_false(lb_member_usable(&f->q, 0));
	assert_int_equal(run_up(f, &st, false, c, 2), 1);
	assert_int_equal(c[0].member, 1);
	/* Alone, it is answered. */
	health_set_state(f->h, 1, HEALTH_DOWN);
	fix_cands(f, c, 2);
	assert_int_equal(run_up(f, &st, false, c, 2), 1);
	assert_int_equal(c[0].member, 0);
	/* Stable for the window: back. */
	health_set_state(f->h, 1, HEALTH_UP);
	f->q.now = health_ticks(13 + 60);
	fix_cands(f, c, 2);
	assert_true(c[0].usable);
	/* Forced up, at once. */
	f->q.now = health_ticks(14);
	health_set_admin(f->h, 0, HEALTH_ADMIN_UP);
	fix_cands(f, c, 2);
	assert_true(c[0].usable);
	assert_false(lb_member_flapping(&f->q, 0));
	f->q.temper = NULL;
	fix_free(f);
}

/*
 * Slow start: a member that came up 15 s into a 30 s ramp has 55% of its
 * weight, in weighted's shares, in hash's, and in what explain reads.
 */
static void
slow_start_shares(void **state)
{
	static const struct lb_temper t = { .slow_start = 300 };
	struct fix	*f = fix_new(2);
	struct lb_step	 w = step("weighted"), h = step("hash");
	struct lb_cand	 c[2];
	unsigned long	 obs[2] = { 0 };
	uint64_t	 r, rng = 99;
	size_t		 i;

	(void)state;
	f->q.temper = &t;
	f->m[0].weight = 100;
	f->m[1].weight = 100;
	health_set_now(f->h, 1);
	health_change(f->h, 1, HEALTH_DOWN);
	health_set_now(f->h, 5);
	health_change(f->h, 1, HEALTH_UP);
	f->q.now = health_ticks(20);
	assert_int_equal(lb_member_weight(&f->q, 1), 55);
	assert_int_equal(lb_member_weight(&f->q, 0), 100);
	for (i = 0; i < RUNS; i++) {
		f->q.ramped = false;
		fix_cands(f, c, 2);
		assert_true(f->q.ramped);
		assert_int_equal(c[1].weight, 55);
		lb_step_run(&w, &f->q, c, 2);
		obs[c[0].member]++;
	}
	assert_chi2(obs, (const double []){ 100.0 / 155, 55.0 / 155 }, 2,
	    RUNS, "weighted, one member at 55% of its weight");
	memset(obs, 0, sizeof(obs));
	for (i = 0; i < 10000; i++) {
		r = lb_random(&rng);
		memset(f->q.addr, 0, sizeof(f->q.addr));
		f->q.family = 4;
		f->q.bits = 32;
		memcpy(f->q.addr, &r, 4);
		fix_cands(f, c, 2);
		lb_step_run(&h, &f->q, c, 2);
		obs[c[0].member]++;
	}
	assert_chi2(obs, (const double []){ 100.0 / 155, 55.0 / 155 }, 2,
	    10000, "hash, one member at 55% of its weight");
	/* Done ramping: whole again, and no longer ramped. */
	f->q.now = health_ticks(5 + 30);
	f->q.ramped = false;
	fix_cands(f, c, 2);
	assert_false(f->q.ramped);
	assert_int_equal(c[1].weight, 100);
	f->q.temper = NULL;
	fix_free(f);
}

/* ----------------------------------------------------------------- hash */

static uint16_t
hash_first(struct fix *f, const struct lb_step *st, size_t nst)
{
	struct lb_cand	 c[LB_MAX_MEMBERS];
	size_t		 n;

	fix_cands(f, c, f->n);
	n = lb_run(st, nst, &f->q, c, f->n);
	assert_true(n > 0);
	return c[0].member;
}

static void
hash_same_prefix_same_member(void **state)
{
	struct fix	*f = fix_new(5);
	struct lb_step	 st = step("hash");
	struct lb_cand	 c[5], ref[5];
	char		 a[32];
	unsigned	 i, seen = 0;
	size_t		 k;

	(void)state;
	fix_client(f, "203.0.113.0", 32);
	fix_cands(f, ref, 5);
	lb_step_run(&st, &f->q, ref, 5);
	assert_true(is_permutation(ref, 5));
	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "203.0.113.%u", i % 256);
		fix_client(f, a, 32);
		fix_cands(f, c, 5);
		/* Order of the candidates coming in does not matter. */
		if (i % 2)
			for (k = 0; k < 5; k++)
				c[k].member = 4 - k;
		assert_int_equal(lb_step_run(&st, &f->q, c, 5), 5);
		for (k = 0; k < 5; k++)
			assert_int_equal(c[k].member, ref[k].member);
		assert_int_equal(f->q.scope, 24);
	}
	/* Other /24s spread over the members. */
	for (i = 0; i < 256; i++) {
		snprintf(a, sizeof(a), "198.51.%u.7", i);
		fix_client(f, a, 32);
		fix_cands(f, c, 5);
		lb_step_run(&st, &f->q, c, 5);
		seen |= 1u << c[0].member;
	}
	assert_int_equal(seen, 0x1f);
	fix_free(f);
}

/* Rendezvous hashing: a member that fails takes only its own clients. */
static void
hash_member_down_moves_only_its_clients(void **state)
{
	static const char *const text[] = { "up", "hash" };
	static const double	 p[] = { 0.2, 0.2, 0.2, 0.2, 0.2 };
	enum { N = 5, PFX = 10000, FAILED = 2 };
	struct fix		*f = fix_new(N);
	struct lb_step		 st[2];
	uint16_t		*orig;
	unsigned long		 obs[N] = { 0 };
	uint64_t		 r, rng = 12345;
	size_t			 i, moved = 0;
	uint16_t		 now;

	(void)state;
	chain(text, 2, st);
	orig = calloc(PFX, sizeof(*orig));
	assert_non_null(orig);
	/* Random /24s (fixed seed), any host bits. */
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memset(f->q.addr, 0, sizeof(f->q.addr));
		f->q.family = 4;
		f->q.bits = 32;
		memcpy(f->q.addr, &r, 4);
		orig[i] = hash_first(f, st, 2);
		obs[orig[i]]++;
	}
	assert_chi2(obs, p, N, PFX, "hash first over random /24s");

	health_set_admin(f->h, FAILED, HEALTH_ADMIN_DOWN);
	rng = 12345;
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		/* Other host bits in the same /24. */
		f->q.addr[3] ^= 0x5a;
		now = hash_first(f, st, 2);
		assert_int_not_equal(now, FAILED);
		if (orig[i] != FAILED)
			assert_int_equal(now, orig[i]);
		else
			moved++;
	}
	assert_true((double)moved / PFX <= 1.0 / N + 0.02);
	assert_true(moved > 0);

	health_set_admin(f->h, FAILED, HEALTH_ADMIN_NONE);
	rng = 12345;
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		assert_int_equal(hash_first(f, st, 2), orig[i]);
	}

	/* Same with the check's verdict instead of an operator's. */
	health_set_state(f->h, FAILED, HEALTH_DOWN);
	rng = 12345;
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		now = hash_first(f, st, 2);
		if (orig[i] != FAILED)
			assert_int_equal(now, orig[i]);
		else
			assert_int_not_equal(now, FAILED);
	}
	free(orig);
	fix_free(f);
}

/*
 * Weighted rendezvous hashing: members weighted 3:1:1 get shares of 10,000
 * random client /24s in that proportion (chi-squared, p = 0.001); when
 * one fails, its clients, and only those, move, and they spread over the
 * others by weight.
 */
static void
hash_weights(void **state)
{
	static const char *const text[] = { "up", "hash" };
	static const uint16_t	 w[] = { 3, 1, 1 };
	static const double	 p[] = { 0.6, 0.2, 0.2 }, p2[] = { 0.5, 0.5 };
	enum { N = 3, PFX = 10000, FAILED = 0 };
	struct fix		*f = fix_new(N);
	struct lb_step		 st[2];
	uint16_t		*orig;
	unsigned long		 obs[N] = { 0 }, moved[2] = { 0 };
	uint64_t		 r, rng = 777;
	size_t			 i;
	uint16_t		 now;

	(void)state;
	chain(text, 2, st);
	for (i = 0; i < N; i++)
		f->m[i].weight = w[i];
	orig = calloc(PFX, sizeof(*orig));
	assert_non_null(orig);
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memset(f->q.addr, 0, sizeof(f->q.addr));
		f->q.family = 4;
		f->q.bits = 32;
		memcpy(f->q.addr, &r, 4);
		orig[i] = hash_first(f, st, 2);
		obs[orig[i]]++;
	}
	assert_chi2(obs, p, N, PFX, "hash 3:1:1 over random /24s");

	health_set_state(f->h, FAILED, HEALTH_DOWN);
	rng = 777;
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		now = hash_first(f, st, 2);
		assert_int_not_equal(now, FAILED);
		if (orig[i] != FAILED)
			assert_int_equal(now, orig[i]);
		else
			moved[now - 1]++;
	}
	assert_int_equal(moved[0] + moved[1], obs[FAILED]);
	assert_chi2(moved, p2, 2, obs[FAILED], "the failed member's clients");

	/* Weight 0 members, alone, share evenly and stay stable. */
	for (i = 0; i < N; i++)
		f->m[i].weight = 0;
	health_set_state(f->h, FAILED, HEALTH_UP);
	memset(obs, 0, sizeof(obs));
	rng = 777;
	for (i = 0; i < PFX; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		obs[hash_first(f, st, 2)]++;
	}
	assert_chi2(obs, (const double []){ 1.0 / 3, 1.0 / 3, 1.0 / 3 }, N,
	    PFX, "hash over weight 0 members");
	free(orig);
	fix_free(f);
}

static void
hash_ipv6_default_56(void **state)
{
	struct fix	*f = fix_new(5);
	struct lb_step	 st = step("hash");
	struct lb_cand	 c[5], ref[5];
	char		 a[64];
	unsigned	 i, seen = 0;
	size_t		 k;

	(void)state;
	fix_client(f, "2001:db8:aa:bb00::1", 128);
	fix_cands(f, ref, 5);
	lb_step_run(&st, &f->q, ref, 5);
	assert_int_equal(f->q.scope, 56);
	/* Anything in 2001:db8:aa:bb00::/56 answers the same. */
	for (i = 0; i < 256; i++) {
		snprintf(a, sizeof(a), "2001:db8:aa:bb%02x:%x::%x", i, i * 7,
		    i);
		fix_client(f, a, 128);
		fix_cands(f, c, 5);
		lb_step_run(&st, &f->q, c, 5);
		for (k = 0; k < 5; k++)
			assert_int_equal(c[k].member, ref[k].member);
	}
	/* Bits 48..55 count: the /56s of one /48 spread out. */
	for (i = 0; i < 256; i++) {
		snprintf(a, sizeof(a), "2001:db8:aa:%02x00::1", i);
		fix_client(f, a, 128);
		fix_cands(f, c, 5);
		lb_step_run(&st, &f->q, c, 5);
		seen |= 1u << c[0].member;
	}
	assert_int_equal(seen, 0x1f);
	fix_free(f);
}

static void
hash_parameters(void **state)
{
	struct fix	*f = fix_new(5);
	struct lb_step	 st = step("hash v4=16 v6=48");
	struct lb_cand	 c[5], ref[5];
	char		 a[64];
	unsigned	 i;
	size_t		 k;

	(void)state;
	assert_int_equal(lb_step_param(&st, "v4"), 16);
	assert_int_equal(lb_step_param(&st, "v6"), 48);
	fix_client(f, "10.20.0.0", 32);
	fix_cands(f, ref, 5);
	lb_step_run(&st, &f->q, ref, 5);
	assert_int_equal(f->q.scope, 16);
	for (i = 0; i < 256; i++) {
		snprintf(a, sizeof(a), "10.20.%u.%u", i, 255 - i);
		fix_client(f, a, 32);
		fix_cands(f, c, 5);
		lb_step_run(&st, &f->q, c, 5);
		for (k = 0; k < 5; k++)
			assert_int_equal(c[k].member, ref[k].member);
	}
	fix_client(f, "2001:db8:aa::", 128);
	fix_cands(f, ref, 5);
	lb_step_run(&st, &f->q, ref, 5);
	assert_int_equal(f->q.scope, 48);
	for (i = 0; i < 256; i++) {
		snprintf(a, sizeof(a), "2001:db8:aa:%02x%02x::%x", i, i, i);
		fix_client(f, a, 128);
		fix_cands(f, c, 5);
		lb_step_run(&st, &f->q, c, 5);
		for (k = 0; k < 5; k++)
			assert_int_equal(c[k].member, ref[k].member);
	}
	fix_free(f);
}

/* The scope is the bits used: min(configured, known); never lowered. */
static void
hash_scope(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("hash"), st32 = step("hash v4=32");
	struct lb_cand	 c[3], d[3];
	size_t		 k;

	(void)state;
	fix_client(f, "192.0.2.0", 20);		/* ECS 192.0.0.0/20 */
	f->q.addr[2] = 0;
	fix_cands(f, c, 3);
	lb_step_run(&st, &f->q, c, 3);
	assert_int_equal(f->q.scope, 20);
	fix_client(f, "2001:db8::", 32);
	fix_cands(f, c, 3);
	lb_step_run(&st, &f->q, c, 3);
	assert_int_equal(f->q.scope, 32);
	fix_client(f, "192.0.2.1", 32);
	fix_cands(f, c, 3);
	lb_step_run(&st32, &f->q, c, 3);
	assert_int_equal(f->q.scope, 32);
	/* A wider scope from an earlier step stays. */
	fix_client(f, "192.0.2.1", 32);
	fix_cands(f, c, 3);
	f->q.scope = 28;
	lb_step_run(&st, &f->q, c, 3);
	assert_int_equal(f->q.scope, 28);
	/* Address bits past the known ones do not count. */
	fix_client(f, "192.0.0.0", 20);
	fix_cands(f, c, 3);
	lb_step_run(&st, &f->q, c, 3);
	fix_client(f, "192.0.15.255", 20);
	fix_cands(f, d, 3);
	lb_step_run(&st, &f->q, d, 3);
	for (k = 0; k < 3; k++)
		assert_int_equal(c[k].member, d[k].member);
	/* No client: order kept, no scope. */
	f->q.family = 0;
	f->q.bits = 0;
	fix_cands(f, c, 3);
	c[0].member = 2;
	c[2].member = 0;
	assert_int_equal(lb_step_run(&st, &f->q, c, 3), 3);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 1);
	assert_int_equal(c[2].member, 0);
	assert_int_equal(f->q.scope, 0);
	fix_free(f);
}

/* ------------------------------------------------------------- priority */

static void
tiers(struct fix *f)
{
	/* Members 0, 1 in tier 1; 2, 3 in tier 2; 4 in tier 3. */
	f->m[0].priority = f->m[1].priority = 1;
	f->m[2].priority = f->m[3].priority = 2;
	f->m[4].priority = 3;
}

static void
priority_keeps_best_tier(void **state)
{
	struct fix	*f = fix_new(5);
	struct lb_step	 st = step("priority");
	struct lb_cand	 c[5];

	(void)state;
	tiers(f);
	fix_cands(f, c, 5);
	/* Tiers in any order among the candidates. */
	c[0].member = 4;
	c[4].member = 0;
	assert_int_equal(lb_step_run(&st, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 1);
	assert_int_equal(c[1].member, 0);
	/* Tier 1 all down: tier 2. */
	health_set_state(f->h, 0, HEALTH_DOWN);
	health_set_admin(f->h, 1, HEALTH_ADMIN_DRAIN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_step_run(&st, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 3);
	fix_free(f);
}

static void
priority_min_healthy(void **state)
{
	static const char *const text[] = { "up", "priority min_healthy=2" };
	struct fix		*f = fix_new(5);
	struct lb_step		 st[2], one;
	struct lb_cand		 c[5];

	(void)state;
	tiers(f);
	chain(text, 2, st);
	one = step("priority min_healthy=2");
	assert_int_equal(lb_step_param(&st[1], "min_healthy"), 2);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 1);
	/* One healthy member in tier 1 is not enough. */
	health_set_state(f->h, 1, HEALTH_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 3);
	/* Alone (no up step) it counts health the same way. */
	fix_cands(f, c, 5);
	assert_int_equal(lb_step_run(&one, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 3);
	/* Tier 2 at one too, tier 3 has only one: the best present tier. */
	health_set_admin(f->h, 3, HEALTH_ADMIN_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_step_run(&one, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 1);
	/* ... after up the best present tier holds only the healthy one. */
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 1);
	assert_int_equal(c[0].member, 0);
	/* The best tier present among the candidates, not in the pool. */
	fix_cands(f, c, 5);
	c[0].member = 4;
	c[1].member = 2;
	assert_int_equal(lb_step_run(&one, &f->q, c, 2), 1);
	assert_int_equal(c[0].member, 2);
	fix_free(f);
}

/* ------------------------------------------------------------------- up */

static void
up_drops_unusable(void **state)
{
	struct fix	*f = fix_new(6);
	struct lb_step	 st = step("up");
	struct lb_cand	 c[6];

	(void)state;
	health_set_state(f->h, 1, HEALTH_DOWN);
	health_set_admin(f->h, 2, HEALTH_ADMIN_DRAIN);
	health_set_admin(f->h, 3, HEALTH_ADMIN_DOWN);
	health_set_state(f->h, 4, HEALTH_DOWN);
	health_set_admin(f->h, 4, HEALTH_ADMIN_UP);	/* forced up */
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 3);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 4);
	assert_int_equal(c[2].member, 5);
	assert_false(f->q.all_down);
	/* Drain and forced down beat a healthy check. */
	health_set_state(f->h, 2, HEALTH_UP);
	health_set_state(f->h, 3, HEALTH_UP);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 3);
	fix_free(f);
}

static void
up_all_down(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 open = step("up"), closed = step("up");
	struct lb_step	 rr[2];
	struct lb_cand	 c[3];
	size_t		 i;

	(void)state;
	assert_true(f->q.fail_open);	/* all_down "all", the default */
	health_set_state(f->h, 0, HEALTH_DOWN);
	health_set_admin(f->h, 1, HEALTH_ADMIN_DRAIN);
	health_set_admin(f->h, 2, HEALTH_ADMIN_DOWN);
	/* Fail open: all kept, in order, not all_down. */
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &open, true, c, 3), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(c[i].member, i);
	assert_false(f->q.all_down);
	/* Closed: nothing, all_down. */
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &closed, false, c, 3), 0);
	assert_true(f->q.all_down);
	/* lb_run stops there: the next step does not run. */
	rr[0] = closed;
	rr[1] = step("round_robin");
	fix_cands(f, c, 3);
	f->q.fail_open = false;
	assert_int_equal(lb_run(rr, 2, &f->q, c, 3), 0);
	assert_true(f->q.all_down);
	assert_int_equal(atomic_load(&f->rr), 0);
	/* One usable again: not all down. */
	health_set_admin(f->h, 1, HEALTH_ADMIN_NONE);
	fix_cands(f, c, 3);
	assert_int_equal(run_up(f, &closed, false, c, 3), 1);
	assert_int_equal(c[0].member, 1);
	assert_false(f->q.all_down);
	fix_free(f);
}

/* ------------------------------------------------------------- topology */

enum { R_EU, R_US, R_BIG, R_SMALL };

static const struct {
	const char	*pfx;
	uint16_t	 region;
} netdefs[] = {
	{ "192.0.2.0/24", R_EU },
	{ "2001:db8:1::/48", R_EU },
	{ "198.51.100.0/24", R_US },
	{ "10.0.0.0/16", R_BIG },
	{ "10.0.5.0/24", R_SMALL },
};

/* The table of netdefs, in order or reversed. */
static void
regions_make(struct lb_regions *r, struct lb_net *nets, bool reverse)
{
	static char	*names[] = { "eu", "us", "big", "small" };
	char		 buf[64], *slash;
	size_t		 i, k;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < NITEMS(netdefs); i++) {
		k = reverse ? NITEMS(netdefs) - 1 - i : i;
		memset(&nets[i], 0, sizeof(nets[i]));
		snprintf(buf, sizeof(buf), "%s", netdefs[k].pfx);
		slash = strchr(buf, '/');
		*slash = '\0';
		if (inet_pton(AF_INET, buf, nets[i].addr) == 1)
			nets[i].family = 4;
		else {
			assert_int_equal(inet_pton(AF_INET6, buf,
			    nets[i].addr), 1);
			nets[i].family = 6;
		}
		nets[i].prefix = atoi(slash + 1);
		nets[i].region = netdefs[k].region;
	}
	r->nets = nets;
	r->nnets = NITEMS(netdefs);
	r->names = names;
	r->nnames = NITEMS(names);
	lb_regions_prepare(r);
}

/* The region of addr of which bits are known (0: all of them). */
static uint16_t
region_of(const struct lb_regions *r, const char *addr, uint8_t bits,
    uint8_t *scope)
{
	uint8_t	 a[16] = { 0 };
	uint8_t	 fam = 4;

	if (inet_pton(AF_INET, addr, a) != 1) {
		assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
		fam = 6;
	}
	if (bits == 0)
		bits = fam == 4 ? 32 : 128;
	*scope = 0xee;
	return lb_region_of(r, fam, a, bits, scope);
}

static void
region_of_cases(void **state)
{
	static const struct {
		const char	*addr;
		uint8_t		 bits;
		uint16_t	 region;
		uint8_t		 scope;
	} cases[] = {
		{ "192.0.2.77", 0, R_EU, 24 },
		{ "192.0.2.0", 0, R_EU, 24 },
		{ "192.0.3.1", 0, LB_NO_REGION, 24 },
		{ "198.51.100.255", 0, R_US, 24 },
		/* Longest prefix wins. */
		{ "10.0.5.9", 0, R_SMALL, 24 },
		/* The /16 answers for the /24 that holds the client. */
		{ "10.0.6.1", 0, R_BIG, 24 },
		{ "10.0.255.255", 0, R_BIG, 24 },
		{ "10.1.0.1", 0, LB_NO_REGION, 16 },
		/* 203 = 11001011, 192/198 = 1100 0...: out at bit 5. */
		{ "203.0.113.5", 0, LB_NO_REGION, 5 },
		{ "2001:db8:1::5", 0, R_EU, 48 },
		{ "2001:db8:1:ffff:ffff::", 0, R_EU, 48 },
		/* 0x0002 vs 0x0001 after 32 bits: 14 more in common. */
		{ "2001:db8:2::1", 0, LB_NO_REGION, 47 },
		{ "::ffff:192.0.2.77", 0, LB_NO_REGION, 3 },
		/* Only prefixes no longer than the bits known count. */
		{ "10.0.5.0", 24, R_SMALL, 24 },
		{ "10.0.5.0", 23, R_BIG, 24 },
		{ "10.0.0.0", 16, R_BIG, 24 },
		{ "10.0.0.0", 15, LB_NO_REGION, 0 },
		{ "192.0.2.0", 24, R_EU, 24 },
		{ "192.0.2.0", 23, LB_NO_REGION, 1 },	/* out of 10/16 */
		{ "2001:db8:1::", 48, R_EU, 48 },
		{ "2001:db8:1::", 47, LB_NO_REGION, 0 },
		{ "2001:db8::", 32, LB_NO_REGION, 0 },
	};
	struct lb_net		 nets[NITEMS(netdefs)];
	struct lb_regions	 r;
	uint8_t			 scope;
	uint16_t		 reg;
	size_t			 i;
	int			 rev;

	(void)state;
	for (rev = 0; rev < 2; rev++) {
		regions_make(&r, nets, rev);
		for (i = 0; i < NITEMS(cases); i++) {
			reg = region_of(&r, cases[i].addr, cases[i].bits,
			    &scope);
			if (reg != cases[i].region || scope != cases[i].scope)
				fail_msg("%s/%u (table %s): region %u scope "
				    "%u, want %u scope %u", cases[i].addr,
				    cases[i].bits, rev ? "reversed" :
				    "in order", reg, scope, cases[i].region,
				    cases[i].scope);
		}
	}
	/* Scopes after prepare: the /16 holds a /24. */
	regions_make(&r, nets, false);
	for (i = 0; i < r.nnets; i++)
		assert_int_equal(nets[i].scope, nets[i].prefix == 16 ? 24 :
		    nets[i].prefix);
	/* No table at all. */
	assert_int_equal(region_of(NULL, "192.0.2.1", 0, &scope),
	    LB_NO_REGION);
	assert_int_equal(scope, 0);
}

static void
region_of_default_route(void **state)
{
	struct lb_net		 nets[2];
	struct lb_regions	 r = { .nets = nets, .nnets = 2 };
	uint8_t			 scope;

	(void)state;
	memset(nets, 0, sizeof(nets));
	nets[0].family = 4;
	nets[0].prefix = 0;
	nets[0].region = 1;
	nets[1].family = 4;
	nets[1].prefix = 8;
	nets[1].addr[0] = 10;
	nets[1].region = 2;
	lb_regions_prepare(&r);
	assert_int_equal(nets[0].scope, 8);
	assert_int_equal(region_of(&r, "10.9.8.7", 0, &scope), 2);
	assert_int_equal(scope, 8);
	assert_int_equal(region_of(&r, "192.0.2.1", 0, &scope), 1);
	assert_int_equal(scope, 8);
	/* Nothing known of the client (ECS /0): only the default route. */
	assert_int_equal(lb_region_of(&r, 4, nets[1].addr, 0, &scope), 1);
	assert_int_equal(scope, 8);
	/* No IPv6 in the table. */
	assert_int_equal(region_of(&r, "2001:db8::1", 0, &scope),
	    LB_NO_REGION);
	assert_int_equal(scope, 0);
}

static void
topology_filters(void **state)
{
	struct fix		*f = fix_new(6);
	struct lb_net		 nets[NITEMS(netdefs)];
	struct lb_regions	 r;
	struct lb_step		 st = step("topology");
	struct lb_cand		 c[6];
	size_t			 i;

	(void)state;
	regions_make(&r, nets, false);
	f->q.regions = &r;
	f->m[0].region = R_EU;
	f->m[1].region = R_US;
	f->m[2].region = R_EU;
	f->m[3].region = LB_NO_REGION;
	f->m[4].region = R_BIG;
	f->m[5].region = R_SMALL;

	fix_client(f, "192.0.2.77", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 2);
	assert_int_equal(f->q.scope, 24);

	fix_client(f, "2001:db8:1::99", 128);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 2);
	assert_int_equal(f->q.scope, 48);

	fix_client(f, "198.51.100.1", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 1);
	assert_int_equal(c[0].member, 1);

	/* Longest prefix: the /24 inside the /16. */
	fix_client(f, "10.0.5.1", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 1);
	assert_int_equal(c[0].member, 5);
	assert_int_equal(f->q.scope, 24);
	fix_client(f, "10.0.77.1", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 1);
	assert_int_equal(c[0].member, 4);
	assert_int_equal(f->q.scope, 24);

	/* An ECS /16: the /24 inside is unknown, the /16 answers. */
	fix_client(f, "10.0.5.0", 16);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 1);
	assert_int_equal(c[0].member, 4);
	assert_int_equal(f->q.scope, 24);
	/* An ECS /8: no region can be told; all kept, scope 0. */
	fix_client(f, "10.0.0.0", 8);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 6);
	assert_int_equal(f->q.scope, 0);

	/* In no region: all kept, in order; scope where it fell out. */
	fix_client(f, "203.0.113.5", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(c[i].member, i);
	assert_int_equal(f->q.scope, 5);

	/* A region without candidates: all kept. */
	fix_client(f, "10.0.5.1", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(c[i].member, i);

	/* Unknown client, or no table: all kept. */
	f->q.family = 0;
	f->q.bits = 0;
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 6);
	assert_int_equal(f->q.scope, 0);
	f->q.regions = NULL;
	fix_client(f, "192.0.2.77", 32);
	fix_cands(f, c, 6);
	assert_int_equal(lb_step_run(&st, &f->q, c, 6), 6);
	fix_free(f);
}

/* geo: up, topology, weighted; the scope is the region's. */
static void
topology_chain(void **state)
{
	static const char *const text[] = { "up", "topology", "weighted" };
	struct fix		*f = fix_new(4);
	struct lb_net		 nets[NITEMS(netdefs)];
	struct lb_regions	 r;
	struct lb_step		 st[3];
	struct lb_cand		 c[4];
	size_t			 i, n;

	(void)state;
	regions_make(&r, nets, false);
	f->q.regions = &r;
	f->m[0].region = R_EU;
	f->m[1].region = R_EU;
	f->m[2].region = R_US;
	f->m[3].region = R_US;
	chain(text, 3, st);
	health_set_admin(f->h, 0, HEALTH_ADMIN_DRAIN);
	for (i = 0; i < 100; i++) {
		fix_client(f, "192.0.2.1", 32);
		fix_cands(f, c, 4);
		n = lb_run(st, 3, &f->q, c, 4);
		assert_int_equal(n, 1);
		assert_int_equal(c[0].member, 1);
		assert_int_equal(f->q.scope, 24);
	}
	/* The region's members all down: the other region's. */
	health_set_admin(f->h, 1, HEALTH_ADMIN_DOWN);
	fix_client(f, "192.0.2.1", 32);
	fix_cands(f, c, 4);
	n = lb_run(st, 3, &f->q, c, 4);
	assert_int_equal(n, 2);
	assert_true(c[0].member >= 2 && c[1].member >= 2);
	fix_free(f);
}

/* -------------------------------------------------------------- weight 0 */

/*
 * Weight 0 is decided by up, for every strategy: kept only when no usable
 * member of weight above 0 is left; then the usable ones of weight 0; then
 * fail open or all-down as for any pool.
 */
static void
up_zero_weight_last_resort(void **state)
{
	struct fix	*f = fix_new(5);
	struct lb_step	 open = step("up"), closed = step("up");
	struct lb_cand	 c[5];
	size_t		 i;

	(void)state;
	f->m[1].weight = 0;
	f->m[3].weight = 0;
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &open, true, c, 5), 3);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 2);
	assert_int_equal(c[2].member, 4);
	/* One of weight above 0 left is enough to keep weight 0 out. */
	health_set_state(f->h, 0, HEALTH_DOWN);
	health_set_admin(f->h, 2, HEALTH_ADMIN_DRAIN);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 1);
	assert_int_equal(c[0].member, 4);
	/* None left: the usable ones of weight 0, in order. */
	health_set_admin(f->h, 4, HEALTH_ADMIN_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 2);
	assert_int_equal(c[0].member, 1);
	assert_int_equal(c[1].member, 3);
	assert_false(f->q.all_down);
	health_set_state(f->h, 1, HEALTH_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 1);
	assert_int_equal(c[0].member, 3);
	/* Forced up counts as usable, for weight 0 as for any member. */
	health_set_admin(f->h, 1, HEALTH_ADMIN_UP);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 2);
	/* Nothing usable: fail open keeps all, in order ... */
	health_set_admin(f->h, 1, HEALTH_ADMIN_NONE);
	health_set_admin(f->h, 3, HEALTH_ADMIN_DRAIN);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &open, true, c, 5), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(c[i].member, i);
	assert_false(f->q.all_down);
	/* ... or it is all-down. */
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 0);
	assert_true(f->q.all_down);
	/* A pool of weight 0 only: weight 0 is nothing special there. */
	for (i = 0; i < 5; i++) {
		f->m[i].weight = 0;
		health_set_state(f->h, i, HEALTH_UP);
		health_set_admin(f->h, i, HEALTH_ADMIN_NONE);
	}
	health_set_state(f->h, 2, HEALTH_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(run_up(f, &closed, false, c, 5), 4);
	fix_free(f);
}

/* round_robin rotates over the others; weight 0 answers alone at last. */
static void
zero_weight_round_robin(void **state)
{
	static const char *const text[] = { "up", "round_robin" };
	static const uint16_t	 rest[] = { 0, 1, 3 };
	struct fix		*f = fix_new(4);
	struct lb_step		 st[2];
	struct lb_cand		 c[4];
	size_t			 i, k;

	(void)state;
	chain(text, 2, st);
	f->m[2].weight = 0;
	for (k = 0; k < 12; k++) {
		fix_cands(f, c, 4);
		assert_int_equal(lb_run(st, 2, &f->q, c, 4), 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(c[i].member, rest[(k + i) % 3]);
	}
	/* Every other member out, each in another way: weight 0 alone. */
	health_set_state(f->h, 0, HEALTH_DOWN);
	health_set_admin(f->h, 1, HEALTH_ADMIN_DRAIN);
	health_set_admin(f->h, 3, HEALTH_ADMIN_DOWN);
	for (k = 0; k < 5; k++) {
		fix_cands(f, c, 4);
		assert_int_equal(lb_run(st, 2, &f->q, c, 4), 1);
		assert_int_equal(c[0].member, 2);
		assert_false(f->q.all_down);
	}
	/* One back: weight 0 out again at once. */
	health_set_admin(f->h, 1, HEALTH_ADMIN_NONE);
	for (k = 0; k < 5; k++) {
		fix_cands(f, c, 4);
		assert_int_equal(lb_run(st, 2, &f->q, c, 4), 1);
		assert_int_equal(c[0].member, 1);
	}
	/* All down, weight 0 too: fail open over the whole pool. */
	health_set_admin(f->h, 1, HEALTH_ADMIN_DRAIN);
	health_set_state(f->h, 2, HEALTH_DOWN);
	fix_cands(f, c, 4);
	assert_int_equal(lb_run(st, 2, &f->q, c, 4), 4);
	assert_true(is_permutation(c, 4));
	fix_free(f);
}

/*
 * hash with a weight 0 member: no client is sent to it while another is
 * usable, and adding it to a pool moves no client (rendezvous keys are
 * per member).  When the others fail every client goes to it, and back to
 * its own member when that recovers.
 */
static void
zero_weight_hash(void **state)
{
	static const char *const text[] = { "up", "hash" };
	enum { N = 5, CLIENTS = 1000 };
	struct fix		*f = fix_new(N), *ref = fix_new(N - 1);
	struct lb_step		 st[2];
	struct lb_cand		 c[N], d[N - 1];
	uint64_t		 r, rng;
	size_t			 i, k, n;

	(void)state;
	chain(text, 2, st);
	f->m[N - 1].weight = 0;
	rng = 777;
	for (i = 0; i < CLIENTS; i++) {
		r = lb_random(&rng);
		f->q.family = ref->q.family = 4;
		f->q.bits = ref->q.bits = 32;
		memset(f->q.addr, 0, sizeof(f->q.addr));
		memcpy(f->q.addr, &r, 4);
		memcpy(ref->q.addr, f->q.addr, sizeof(f->q.addr));
		fix_cands(f, c, N);
		fix_cands(ref, d, N - 1);
		n = lb_run(st, 2, &f->q, c, N);
		assert_int_equal(n, N - 1);
		assert_int_equal(lb_run(st, 2, &ref->q, d, N - 1), N - 1);
		for (k = 0; k < n; k++)
			assert_int_equal(c[k].member, d[k].member);
		assert_int_equal(f->q.scope, 24);
	}
	for (k = 0; k < N - 1; k++)
		health_set_state(f->h, k, HEALTH_DOWN);
	rng = 777;
	for (i = 0; i < CLIENTS; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		fix_cands(f, c, N);
		assert_int_equal(lb_run(st, 2, &f->q, c, N), 1);
		assert_int_equal(c[0].member, N - 1);
	}
	health_set_state(f->h, 0, HEALTH_UP);
	rng = 777;
	for (i = 0; i < CLIENTS; i++) {
		r = lb_random(&rng);
		memcpy(f->q.addr, &r, 4);
		fix_cands(f, c, N);
		assert_int_equal(lb_run(st, 2, &f->q, c, N), 1);
		assert_int_equal(c[0].member, 0);
	}
	fix_free(ref);
	fix_free(f);
}

/*
 * Weight 0 is a backup of last resort for the pool, not for its tier: a
 * healthy tier 2 comes before a weight 0 member of tier 1.  Among weight
 * 0 members, the tiers apply as usual.
 */
static void
zero_weight_priority(void **state)
{
	static const char *const text[] = { "up", "priority" };
	struct fix		*f = fix_new(5);
	struct lb_step		 st[2];
	struct lb_cand		 c[5];

	(void)state;
	chain(text, 2, st);
	/* Tier 1: 0 (weight 0), 1; tier 2: 2, 3; tier 3: 4 (weight 0). */
	tiers(f);
	f->m[0].weight = 0;
	f->m[4].weight = 0;
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 1);
	assert_int_equal(c[0].member, 1);
	health_set_state(f->h, 1, HEALTH_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 3);
	health_set_admin(f->h, 2, HEALTH_ADMIN_DRAIN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 1);
	assert_int_equal(c[0].member, 3);
	/* Only weight 0 left: the best tier of those. */
	health_set_admin(f->h, 3, HEALTH_ADMIN_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 1);
	assert_int_equal(c[0].member, 0);
	health_set_state(f->h, 0, HEALTH_DOWN);
	fix_cands(f, c, 5);
	assert_int_equal(lb_run(st, 2, &f->q, c, 5), 1);
	assert_int_equal(c[0].member, 4);
	assert_false(f->q.all_down);
	fix_free(f);
}

/*
 * Every step after up: a weight 0 member never shows while another is
 * usable, though each step on its own would put it first (fastest,
 * least loaded, in the client's region, first in the pool, best tier).
 */
static void
zero_weight_every_step(void **state)
{
	static const struct {
		const char	*text;
		bool		 alone_first;	/* member 0 first without up */
	} steps[] = {
		{ "round_robin", false },
		{ "shuffle", false },
		{ "weighted", false },
		{ "hash", false },
		{ "fastest", true },
		{ "least_load low=10 high=50", true },
		{ "topology", true },
		{ "priority", true },
		{ "first 1", true },
	};
	struct lb_net		 nets[NITEMS(netdefs)];
	struct lb_regions	 r;
	struct fix		*f = fix_new(4);
	struct lb_step		 st[2];
	struct lb_cand		 c[4];
	char			 a[32];
	size_t			 i, k, n;

	(void)state;
	regions_make(&r, nets, false);
	f->q.regions = &r;
	f->m[0].weight = 0;
	f->m[0].region = R_EU;
	f->m[0].priority = 1;
	health_set_rtt(f->h, 0, 1000);
	health_set_load(f->h, 0, 0);
	for (k = 1; k < 4; k++) {
		f->m[k].region = R_US;
		f->m[k].priority = 2;
		health_set_rtt(f->h, k, 50000 + k);
		health_set_load(f->h, k, 40 + k);
	}
	st[0] = step("up");
	for (i = 0; i < NITEMS(steps); i++) {
		st[1] = step(steps[i].text);
		for (k = 0; k < 200; k++) {
			snprintf(a, sizeof(a), "192.0.2.%zu", k);
			fix_client(f, a, 32);
			fix_cands(f, c, 4);
			n = lb_run(st, 2, &f->q, c, 4);
			assert_true(n >= 1);
			while (n-- > 0)
				if (c[n].member == 0)
					fail_msg("up, %s: weight 0 answered "
					    "while others are up",
					    steps[i].text);
		}
		if (!steps[i].alone_first)
			continue;
		/* The step alone puts it first: up is what keeps it out. */
		fix_client(f, "192.0.2.1", 32);
		fix_cands(f, c, 4);
		assert_true(lb_run(&st[1], 1, &f->q, c, 4) >= 1);
		assert_int_equal(c[0].member, 0);
	}
	/* The others all down: weight 0 answers, whatever the step. */
	for (k = 1; k < 4; k++)
		health_set_state(f->h, k, HEALTH_DOWN);
	for (i = 0; i < NITEMS(steps); i++) {
		st[1] = step(steps[i].text);
		fix_client(f, "198.51.100.1", 32);
		fix_cands(f, c, 4);
		assert_int_equal(lb_run(st, 2, &f->q, c, 4), 1);
		assert_int_equal(c[0].member, 0);
	}
	fix_free(f);
}

/* -------------------------------------------------------------- fastest */

/* How often each member came first over runs runs of one step (obs has
 * f->n places). */
static void
first_counts(struct fix *f, const struct lb_step *st, size_t runs,
    unsigned long *obs)
{
	struct lb_cand	 c[LB_MAX_MEMBERS];
	size_t		 i;

	memset(obs, 0, f->n * sizeof(*obs));
	for (i = 0; i < runs; i++) {
		fix_cands(f, c, f->n);
		assert_true(lb_step_run(st, &f->q, c, f->n) > 0);
		obs[c[0].member]++;
	}
}

/* Expected first-place shares of rates r[0..n), into p. */
static void
shares(const double *r, size_t n, double *p)
{
	double	 t = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		t += r[i];
	for (i = 0; i < n; i++)
		p[i] = r[i] / t;
}

static double
inv_sq(double x)
{
	return 1 / ((x + 1) * (x + 1));
}

static void
fastest_orders_by_rtt(void **state)
{
	struct fix	*f = fix_new(6);
	struct lb_step	 st = step("fastest");
	struct lb_cand	 c[6];
	unsigned long	 obs[6], in[3];
	double		 p[3];
	size_t		 i;

	(void)state;
	assert_int_equal(lb_step_param(&st, "tolerance"), 20);
	assert_int_equal(lb_step_param(&st, "margin"), 2000);
	health_set_rtt(f->h, 0, 11500);		/* band: 10000..12000 */
	health_set_rtt(f->h, 1, 50000);
	/* 2: never measured */
	health_set_rtt(f->h, 3, 10000);
	health_set_rtt(f->h, 4, 30000);
	health_set_rtt(f->h, 5, 12000);		/* at the edge: in */
	for (i = 0; i < 1000; i++) {
		fix_cands(f, c, 6);
		assert_int_equal(lb_step_run(&st, &f->q, c, 6), 6);
		/* The band first, in some order; then by RTT; then unknown. */
		assert_true(c[0].member == 0 || c[0].member == 3 ||
		    c[0].member == 5);
		assert_true(c[1].member == 0 || c[1].member == 3 ||
		    c[1].member == 5);
		assert_true(c[2].member == 0 || c[2].member == 3 ||
		    c[2].member == 5);
		assert_true(is_permutation(c, 6));
		assert_int_equal(c[3].member, 4);
		assert_int_equal(c[4].member, 1);
		assert_int_equal(c[5].member, 2);
	}
	/* First place within the band by 1 / (RTT + 1)^2. */
	first_counts(f, &st, RUNS, obs);
	in[0] = obs[0], in[1] = obs[3], in[2] = obs[5];
	shares((const double []){ inv_sq(11500), inv_sq(10000),
	    inv_sq(12000) }, 3, p);
	assert_chi2(in, p, 3, RUNS, "fastest: first within the band");
	fix_free(f);
}

/*
 * No herding: RTTs of 2, 2.4 and 10 ms.  Neither of the first two gets
 * more than 70% of 10,000 answers, the third (outside the band) at most
 * 5%; the first two share as 1 / RTT^2 says; weight counts.
 */
static void
fastest_no_herd(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("fastest");
	unsigned long	 obs[3];
	double		 p[2];

	(void)state;
	health_set_rtt(f->h, 0, 2000);
	health_set_rtt(f->h, 1, 2400);
	health_set_rtt(f->h, 2, 10000);
	first_counts(f, &st, 10000, obs);
	assert_true(obs[0] <= 7000);
	assert_true(obs[1] <= 7000);
	assert_true(obs[2] <= 500);
	shares((const double []){ inv_sq(2000), inv_sq(2400) }, 2, p);
	assert_chi2(obs, p, 2, 10000, "fastest 2 / 2.4 ms");
	/* A tolerance wide enough to take the third in: it gets ~4%. */
	st = step("fastest tolerance=500%");
	first_counts(f, &st, 10000, obs);
	assert_true(obs[0] <= 7000 && obs[1] <= 7000 && obs[2] <= 500);
	assert_true(obs[2] > 0);
	/* Weight 3 at 2.4 ms beats weight 1 at 2 ms. */
	st = step("fastest");
	f->m[1].weight = 3;
	first_counts(f, &st, 10000, obs);
	shares((const double []){ inv_sq(2000), 3 * inv_sq(2400) }, 2, p);
	assert_chi2(obs, p, 2, 10000, "fastest, weights 1 and 3");
	fix_free(f);
}

static void
fastest_band(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 pct = step("fastest tolerance=50% margin=1ms");
	struct lb_step	 ms = step("fastest tolerance=0% margin=10ms");
	struct lb_cand	 c[3];
	size_t		 i;

	(void)state;
	assert_int_equal(lb_step_param(&pct, "tolerance"), 50);
	assert_int_equal(lb_step_param(&pct, "margin"), 1000);
	assert_int_equal(lb_step_param(&ms, "tolerance"), 0);
	assert_int_equal(lb_step_param(&ms, "margin"), 10000);
	for (i = 0; i < 200; i++) {
		/* 100 ms best: 50% = 150 ms band. */
		health_set_rtt(f->h, 0, 160000);
		health_set_rtt(f->h, 1, 150000);
		health_set_rtt(f->h, 2, 100000);
		fix_cands(f, c, 3);
		lb_step_run(&pct, &f->q, c, 3);
		assert_true(c[0].member == 1 || c[0].member == 2);
		assert_true(c[1].member == 1 || c[1].member == 2);
		assert_int_equal(c[2].member, 0);
		/* 1 ms best, margin 10 ms wider than 0%: 11 ms band. */
		health_set_rtt(f->h, 0, 11001);
		health_set_rtt(f->h, 1, 11000);
		health_set_rtt(f->h, 2, 1000);
		fix_cands(f, c, 3);
		lb_step_run(&ms, &f->q, c, 3);
		assert_true(c[0].member == 1 || c[0].member == 2);
		assert_true(c[1].member == 1 || c[1].member == 2);
		assert_int_equal(c[2].member, 0);
	}
	fix_free(f);
}

static void
fastest_unmeasured(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("fastest");
	struct lb_cand	 c[3];
	size_t		 i;

	(void)state;
	fix_cands(f, c, 3);
	assert_int_equal(lb_step_run(&st, &f->q, c, 3), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(c[i].member, i);
	health_set_rtt(f->h, 2, 500000);
	fix_cands(f, c, 3);
	assert_int_equal(lb_step_run(&st, &f->q, c, 3), 3);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[1].member, 0);
	assert_int_equal(c[2].member, 1);
	fix_free(f);
}

/* ----------------------------------------------------------- least_load */

static void
least_load_orders_and_sheds(void **state)
{
	struct fix	*f = fix_new(6);
	struct lb_step	 st = step("least_load low=50 high=90");
	struct lb_cand	 c[6];
	unsigned long	 obs[6], in[3];
	double		 p[3];
	size_t		 i;

	(void)state;
	assert_int_equal(lb_step_param(&st, "low"), 50);
	assert_int_equal(lb_step_param(&st, "high"), 90);
	health_set_load(f->h, 0, 70);
	health_set_load(f->h, 1, 95);	/* above high: shed */
	health_set_load(f->h, 2, 20);	/* idle: counts as 50 */
	/* 3: no figure: unknown, after those that report one */
	health_set_load(f->h, 4, 60);
	health_set_load(f->h, 5, 90);	/* at high: shed */
	for (i = 0; i < 1000; i++) {
		fix_cands(f, c, 6);
		assert_int_equal(lb_step_run(&st, &f->q, c, 6), 4);
		assert_true(c[0].member == 0 || c[0].member == 2 ||
		    c[0].member == 4);
		assert_true(c[1].member == 0 || c[1].member == 2 ||
		    c[1].member == 4);
		assert_true(c[2].member == 0 || c[2].member == 2 ||
		    c[2].member == 4);
		assert_true(c[0].member != c[1].member &&
		    c[1].member != c[2].member && c[0].member != c[2].member);
		assert_int_equal(c[3].member, 3);
	}
	in[0] = in[1] = in[2] = 0;
	for (i = 0; i < RUNS; i++) {
		fix_cands(f, c, 6);
		lb_step_run(&st, &f->q, c, 6);
		in[c[0].member == 0 ? 0 : c[0].member == 2 ? 1 : 2]++;
	}
	shares((const double []){ inv_sq(70), inv_sq(50), inv_sq(60) }, 3, p);
	assert_chi2(in, p, 3, RUNS, "least_load: loads 70, idle, 60");
	/* Below low all are equal: an even share. */
	health_set_load(f->h, 0, 10);
	health_set_load(f->h, 4, 49);
	first_counts(f, &st, RUNS, obs);
	in[0] = obs[0], in[1] = obs[2], in[2] = obs[4];
	assert_chi2(in, (const double []){ 1.0 / 3, 1.0 / 3, 1.0 / 3 }, 3,
	    RUNS, "least_load: all idle");
	fix_free(f);
}

/*
 * No herding: loads 10, 12 and 50.  Neither of the first two gets more
 * than 70% of 10,000 answers, the third at most 5%, and the shares
 * follow weight / (load + 1)^2.
 */
static void
least_load_no_herd(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("least_load");
	unsigned long	 obs[3];
	double		 p[3];

	(void)state;
	health_set_load(f->h, 0, 10);
	health_set_load(f->h, 1, 12);
	health_set_load(f->h, 2, 50);
	first_counts(f, &st, 10000, obs);
	assert_true(obs[0] <= 7000);
	assert_true(obs[1] <= 7000);
	assert_true(obs[2] <= 500);
	assert_true(obs[2] > 0);
	shares((const double []){ inv_sq(10), inv_sq(12), inv_sq(50) }, 3, p);
	assert_chi2(obs, p, 3, 10000, "least_load 10 / 12 / 50");
	/* Ties are broken at random: equal loads share evenly. */
	health_set_load(f->h, 2, 10);
	health_set_load(f->h, 1, 10);
	first_counts(f, &st, RUNS, obs);
	assert_chi2(obs, (const double []){ 1.0 / 3, 1.0 / 3, 1.0 / 3 }, 3,
	    RUNS, "least_load ties");
	fix_free(f);
}

static void
least_load_all_high(void **state)
{
	struct fix	*f = fix_new(3);
	struct lb_step	 st = step("least_load low=10 high=50");
	struct lb_step	 def = step("least_load");
	unsigned long	 obs[3];

	(void)state;
	assert_int_equal(lb_step_param(&def, "low"), 0);
	assert_int_equal(lb_step_param(&def, "high"), LB_UNSET);
	health_set_load(f->h, 0, 99);
	health_set_load(f->h, 1, 50);
	health_set_load(f->h, 2, 70);
	/* All at or above high: none shed, the least loaded most often. */
	first_counts(f, &st, 10000, obs);
	assert_true(obs[1] > obs[2] && obs[2] > obs[0]);
	/* Defaults: nothing shed; a huge load all but never first. */
	health_set_load(f->h, 1, 4000000000u);
	first_counts(f, &def, 10000, obs);
	assert_true(obs[2] > obs[0]);
	assert_true(obs[1] == 0);
	fix_free(f);
}

/*
 * Unknown is not 0: a backend that stops reporting its load goes after
 * those that report one, keeps its order among the unknown, and is never
 * shed by the high watermark.
 */
static void
least_load_unknown_last(void **state)
{
	struct fix	*f = fix_new(4);
	struct lb_step	 st = step("least_load low=10 high=50");
	struct lb_cand	 c[4];

	(void)state;
	/* None known: the order as it came. */
	fix_cands(f, c, 4);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 1);
	assert_int_equal(c[2].member, 2);
	assert_int_equal(c[3].member, 3);
	/* Known ones, even busy, first. */
	health_set_load(f->h, 2, 40);
	health_set_load(f->h, 3, 0);
	fix_cands(f, c, 4);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
	assert_int_equal(c[0].member, 3);
	assert_int_equal(c[1].member, 2);
	assert_int_equal(c[2].member, 0);
	assert_int_equal(c[3].member, 1);
	/* The known ones all over high: shed; the unknown stay. */
	health_set_load(f->h, 2, 60);
	health_set_load(f->h, 3, 70);
	fix_cands(f, c, 4);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 1);
	/* A figure gone back to unknown. */
	health_set_load(f->h, 3, HEALTH_LOAD_NONE);
	health_set_load(f->h, 2, 5);
	fix_cands(f, c, 4);
	assert_int_equal(lb_step_run(&st, &f->q, c, 4), 4);
	assert_int_equal(c[0].member, 2);
	assert_int_equal(c[3].member, 3);
	fix_free(f);
}

/* ---------------------------------------------------------------- first */

static void
first_n(void **state)
{
	static const char *const text[] = { "up", "round_robin", "first 2" };
	struct fix		*f = fix_new(5);
	struct lb_step		 st = step("first 2"), sts[3];
	struct lb_cand		 c[5];
	size_t			 k;

	(void)state;
	assert_int_equal(lb_step_param(&st, "count"), 2);
	fix_cands(f, c, 5);
	assert_int_equal(lb_step_run(&st, &f->q, c, 5), 2);
	assert_int_equal(c[0].member, 0);
	assert_int_equal(c[1].member, 1);
	fix_cands(f, c, 5);
	assert_int_equal(lb_step_run(&st, &f->q, c, 1), 1);
	chain(text, 3, sts);
	for (k = 0; k < 10; k++) {
		fix_cands(f, c, 5);
		assert_int_equal(lb_run(sts, 3, &f->q, c, 5), 2);
		assert_int_equal(c[0].member, k % 5);
		assert_int_equal(c[1].member, (k + 1) % 5);
	}
	fix_free(f);
}

/* ---------------------------------------------------- chain keep hint */

/* keep: how many places the steps after each one let survive. */
static void
chain_keep_hint(void **state)
{
	static const char *const a[] = { "up", "weighted", "first 1" };
	static const char *const b[] = { "up", "hash", "first 3", "first 2" };
	static const char *const c[] = { "weighted", "first 2", "priority" };
	static const char *const d[] = { "up", "weighted" };
	struct lb_step		 st[4];

	(void)state;
	lb_chain_prepare(st, chain(a, 3, st), 0);
	assert_int_equal(st[0].keep, 0);
	assert_int_equal(st[1].keep, 1);
	assert_int_equal(st[2].keep, 0);
	lb_chain_prepare(st, chain(a, 3, st), 4);
	assert_int_equal(st[1].keep, 1);
	assert_int_equal(st[2].keep, 4);
	lb_chain_prepare(st, chain(b, 4, st), 0);
	assert_int_equal(st[0].keep, 0);
	assert_int_equal(st[1].keep, 2);
	assert_int_equal(st[2].keep, 2);
	assert_int_equal(st[3].keep, 0);
	/* A filter after "first" does not undo its cut. */
	lb_chain_prepare(st, chain(c, 3, st), 0);
	assert_int_equal(st[0].keep, 2);
	assert_int_equal(st[1].keep, 0);
	/* max_answers cuts the last step's output. */
	lb_chain_prepare(st, chain(d, 2, st), 2);
	assert_int_equal(st[0].keep, 0);
	assert_int_equal(st[1].keep, 2);
}

/*
 * Ordering only the places that survive changes nothing for them: the
 * first place of weighted and shuffle keeps its distribution, hash keeps
 * its winner.
 */
static void
keep_hint_same_prefix(void **state)
{
	static const uint16_t	 w[] = { 5, 3, 1, 1 };
	double			 p[NITEMS(w)], u[NITEMS(w)];
	unsigned long		 wobs[NITEMS(w)] = { 0 }, sobs[NITEMS(w)] = { 0 };
	struct fix		*f = fix_new(NITEMS(w));
	struct lb_step		 wt = step("weighted"), sh = step("shuffle");
	struct lb_step		 h = step("hash"), h1 = step("hash");
	struct lb_cand		 c[NITEMS(w)], d[NITEMS(w)];
	char			 a[64];
	size_t			 i, r;

	(void)state;
	wt.keep = sh.keep = h1.keep = 1;
	for (i = 0; i < NITEMS(w); i++) {
		f->m[i].weight = w[i];
		p[i] = w[i] / 10.0;
		u[i] = 1.0 / NITEMS(w);
	}
	for (r = 0; r < RUNS; r++) {
		fix_cands(f, c, NITEMS(w));
		assert_int_equal(lb_step_run(&wt, &f->q, c, NITEMS(w)),
		    NITEMS(w));
		assert_true(is_permutation(c, NITEMS(w)));
		wobs[c[0].member]++;
		fix_cands(f, c, NITEMS(w));
		assert_int_equal(lb_step_run(&sh, &f->q, c, NITEMS(w)),
		    NITEMS(w));
		assert_true(is_permutation(c, NITEMS(w)));
		sobs[c[0].member]++;
	}
	assert_chi2(wobs, p, NITEMS(w), RUNS, "weighted keep 1, first");
	assert_chi2(sobs, u, NITEMS(w), RUNS, "shuffle keep 1, first");
	for (r = 0; r < 2000; r++) {
		snprintf(a, sizeof(a), "10.%zu.%zu.1", r / 250, r % 250);
		fix_client(f, a, 32);
		fix_cands(f, c, NITEMS(w));
		lb_step_run(&h, &f->q, c, NITEMS(w));
		fix_cands(f, d, NITEMS(w));
		lb_step_run(&h1, &f->q, d, NITEMS(w));
		assert_int_equal(c[0].member, d[0].member);
		assert_true(is_permutation(d, NITEMS(w)));
	}
	fix_free(f);
}

/* ------------------------------------------------------------ parsing */

/* Every parameter of every step, with its default when not written. */
static void
parse_kinds_and_defaults(void **state)
{
	static const struct {
		const char	*text;
		const char	*name;
		const char	*p1, *p2;	/* parameter names, or NULL */
		uint32_t	 v1, v2;
	} cases[] = {
		{ "up", "up", NULL, NULL, 0, 0 },
		{ "priority", "priority", "min_healthy", NULL, 1, 0 },
		{ "priority min_healthy=3", "priority", "min_healthy", NULL, 3,
		    0 },
		{ "priority min_healthy=0", "priority", "min_healthy", NULL, 0,
		    0 },
		{ "priority min_healthy=256", "priority", "min_healthy", NULL,
		    256, 0 },
		{ "topology", "topology", NULL, NULL, 0, 0 },
		{ "round_robin", "round_robin", NULL, NULL, 0, 0 },
		{ "shuffle", "shuffle", NULL, NULL, 0, 0 },
		{ "weighted", "weighted", NULL, NULL, 0, 0 },
		{ "hash", "hash", "v4", "v6", 24, 56 },
		{ "hash v4=32", "hash", "v4", "v6", 32, 56 },
		{ "hash v6=64", "hash", "v4", "v6", 24, 64 },
		{ "hash v6=0 v4=0", "hash", "v4", "v6", 0, 0 },
		{ "hash\tv4=8", "hash", "v4", "v6", 8, 56 },
		{ "fastest", "fastest", "tolerance", "margin", 20, 2000 },
		{ "fastest tolerance=5%", "fastest", "tolerance", "margin", 5,
		    2000 },
		{ "fastest margin=3ms", "fastest", "tolerance", "margin", 20,
		    3000 },
		{ "fastest tolerance=5 margin=3", "fastest", "tolerance",
		    "margin", 5, 3000 },
		{ "fastest margin=0ms tolerance=0%", "fastest", "tolerance",
		    "margin", 0, 0 },
		{ "fastest tolerance=1000% margin=60000ms", "fastest",
		    "tolerance", "margin", 1000, 60000000 },
		{ "least_load", "least_load", "low", "high", 0, LB_UNSET },
		{ "least_load low=5", "least_load", "low", "high", 5,
		    LB_UNSET },
		{ "least_load high=7", "least_load", "low", "high", 0, 7 },
		{ "least_load low=7 high=7", "least_load", "low", "high", 7,
		    7 },
		{ "first 1", "first", "count", NULL, 1, 0 },
		{ "first 256", "first", "count", NULL, 256, 0 },
		{ "  first   3  ", "first", "count", NULL, 3, 0 },
	};
	struct lb_step	 st;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		st = step(cases[i].text);
		if (strcmp(st.s->name, cases[i].name) != 0 ||
		    (cases[i].p1 != NULL && lb_step_param(&st, cases[i].p1) !=
		    cases[i].v1) || (cases[i].p2 != NULL &&
		    lb_step_param(&st, cases[i].p2) != cases[i].v2))
			fail_msg("\"%s\": %s %u %u, want %s %u %u",
			    cases[i].text, st.s->name, st.p[0], st.p[1],
			    cases[i].name, cases[i].v1, cases[i].v2);
	}
	/* A name that is no parameter of the step. */
	st = step("hash");
	assert_int_equal(lb_step_param(&st, "tolerance"), LB_UNSET);
}

/* The list of strategies: each parses under its name, once. */
static void
parse_kind_names(void **state)
{
	static const char *const names[] = { "up", "priority", "topology",
	    "round_robin", "shuffle", "weighted", "hash", "fastest",
	    "least_load", "first" };
	char			 text[32];
	struct lb_step		 st;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(names); i++) {
		assert_non_null(lb_strategies[i]);
		assert_string_equal(lb_strategies[i]->name, names[i]);
		assert_ptr_equal(lb_strategy_find(names[i]), lb_strategies[i]);
		snprintf(text, sizeof(text), "%s%s", names[i],
		    strcmp(names[i], "first") == 0 ? " 1" : "");
		st = step(text);
		assert_ptr_equal(st.s, lb_strategies[i]);
		assert_non_null(st.s->run);
		assert_non_null(st.s->why);
		assert_non_null(st.s->doc);
	}
	assert_null(lb_strategies[i]);
	assert_null(lb_strategy_find("bogus"));
}

static void
parse_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} cases[] = {
		{ "bogus", "unknown strategy \"bogus\"" },
		{ "Round_Robin", "unknown strategy \"Round_Robin\"" },
		{ "round-robin", "unknown strategy \"round-robin\"" },
		{ "", "empty chain step" },
		{ " \t ", "empty chain step" },
		{ "round_robin 2", "unknown parameter \"2\" for "
		    "\"round_robin\"" },
		{ "up open=1", "unknown parameter \"open=1\" for \"up\"" },
		{ "topology x", "unknown parameter \"x\" for \"topology\"" },
		{ "weighted v4=1", "unknown parameter \"v4=1\" for "
		    "\"weighted\"" },
		{ "hash v5=24", "unknown parameter \"v5=24\" for \"hash\"" },
		{ "hash v4", "unknown parameter \"v4\" for \"hash\"" },
		{ "hash v44=1", "unknown parameter \"v44=1\" for \"hash\"" },
		{ "hash v4=33", "bad parameter \"v4=33\" for \"hash\"" },
		{ "hash v6=129", "bad parameter \"v6=129\" for \"hash\"" },
		{ "hash v4=", "bad parameter \"v4=\" for \"hash\"" },
		{ "hash v4=-1", "bad parameter \"v4=-1\" for \"hash\"" },
		{ "hash v4=2x", "bad parameter \"v4=2x\" for \"hash\"" },
		{ "hash v4=99999999999999999999999", "bad parameter "
		    "\"v4=99999999999999999999999\" for \"hash\"" },
		{ "priority min_healthy=257", "bad parameter "
		    "\"min_healthy=257\" for \"priority\"" },
		{ "priority healthy=2", "unknown parameter \"healthy=2\" for "
		    "\"priority\"" },
		{ "fastest tolerance=20ms", "bad parameter "
		    "\"tolerance=20ms\" for \"fastest\"" },
		{ "fastest tolerance=1001%", "bad parameter "
		    "\"tolerance=1001%\" for \"fastest\"" },
		{ "fastest margin=5%", "bad parameter \"margin=5%\" for "
		    "\"fastest\"" },
		{ "fastest margin=60001ms", "bad parameter "
		    "\"margin=60001ms\" for \"fastest\"" },
		{ "least_load low=x", "bad parameter \"low=x\" for "
		    "\"least_load\"" },
		{ "least_load high=4294967295", "bad parameter "
		    "\"high=4294967295\" for \"least_load\"" },
		{ "least_load mid=3", "unknown parameter \"mid=3\" for "
		    "\"least_load\"" },
		{ "least_load low=90 high=50", "\"least_load\": low above "
		    "high" },
		{ "least_load low=1", NULL },
		{ "first", "\"first\" needs a count, e.g. \"first 2\"" },
		{ "first x", "\"first\" needs a count, e.g. \"first 2\"" },
		{ "first -1", "\"first\" needs a count, e.g. \"first 2\"" },
		{ "first 0", "\"first\": count \"0\" not in 1..256" },
		{ "first 257", "\"first\": count \"257\" not in 1..256" },
		{ "first 2x", "\"first\": count \"2x\" not in 1..256" },
		{ "first 2 3", "unknown parameter \"3\" for \"first\"" },
	};
	struct lb_step	 st;
	char		 err[256], big[300];
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		snprintf(err, sizeof(err), "(none)");
		rv = lb_parse_step(cases[i].text, &st, err, sizeof(err));
		if (cases[i].err == NULL) {
			if (rv != 0)
				fail_msg("\"%s\": error \"%s\"", cases[i].text,
				    err);
			continue;
		}
		if (rv != -1 || strcmp(err, cases[i].err) != 0)
			fail_msg("\"%s\": returned %d with \"%s\", want -1 "
			    "with \"%s\"", cases[i].text, rv, err,
			    cases[i].err);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(lb_parse_step(big, &st, err, sizeof(err)), -1);
	assert_string_equal(err, "chain step too long");
	/* A short error buffer is cut, not overrun. */
	memset(err, 'Z', sizeof(err));
	assert_int_equal(lb_parse_step("bogus", &st, err, 8), -1);
	assert_string_equal(err, "unknown");
	assert_int_equal((unsigned char)err[8], 'Z');
}

/* ----------------------------------------------------------------- misc */

static void
random_below_bounds(void **state)
{
	static const double	 p[] = { 1 / 7.0, 1 / 7.0, 1 / 7.0, 1 / 7.0,
	    1 / 7.0, 1 / 7.0, 1 / 7.0 };
	unsigned long		 obs[7] = { 0 };
	uint64_t		 s = 1, v;
	size_t			 i;

	(void)state;
	for (i = 0; i < RUNS; i++) {
		v = lb_random_below(&s, 7);
		assert_true(v < 7);
		assert_int_not_equal(s, 0);
		obs[v]++;
	}
	assert_chi2(obs, p, 7, RUNS, "lb_random_below(7)");
	assert_int_equal(lb_random_below(&s, 1), 0);
}

static void
step_text_round_trips(void **state)
{
	static const char *const steps[] = { "up", "priority min_healthy=2",
	    "topology", "round_robin", "shuffle", "weighted",
	    "hash v4=24 v6=56", "fastest tolerance=20% margin=2ms",
	    "least_load low=50 high=90", "least_load low=0", "first 2" };
	struct lb_step	 st;
	char		 err[128], buf[128];
	size_t		 i;

	(void)state;
	/* What explain and the status page show parses back the same. */
	for (i = 0; i < NITEMS(steps); i++) {
		assert_int_equal(lb_parse_step(steps[i], &st, err,
		    sizeof(err)), 0);
		lb_step_str(&st, buf, sizeof(buf));
		assert_string_equal(buf, steps[i]);
	}
}

/*
 * Every strategy's pick() chooses what its run() puts first, on a clean
 * whole family cut to one place, and leaves the generator and the
 * rotation as run() does: the per-query shortcut changes no answer.
 */
static void
pick_is_run_first(void **state)
{
	const struct lb_strategy *s;
	const char		*text[2] = { NULL, "first 1" };
	struct lb_step		 st[2];
	struct lb_cand		 c[LB_MAX_MEMBERS];
	struct fix		*f;
	uint16_t		 idx[16];
	uint64_t		 rng0, rng1;
	uint32_t		 rr0, rr1;
	size_t			 si, trial, n, i, j, npick = 0;

	(void)state;
	for (si = 0; (s = lb_strategies[si]) != NULL; si++) {
		if (s->pick == NULL)
			continue;
		npick++;
		text[0] = s->name;
		lb_chain_prepare(st, chain(text, 2, st), 0);
		assert_int_equal(st[0].keep, 1);
		f = fix_new(16);
		f->rng = 0x1234567;
		for (trial = 0; trial < 3000; trial++) {
			n = 1 + trial % 16;
			/* A family: some members, in some order. */
			for (i = 0; i < n; i++)
				idx[i] = i;
			for (i = n; i > 1; i--) {
				j = lb_random_below(&f->rng, i);
				rr0 = idx[i - 1];
				idx[i - 1] = idx[j];
				idx[j] = rr0;
			}
			f->q.total = 0;
			for (i = 0; i < 16; i++) {
				f->m[i].weight = 1 + lb_random_below(&f->rng,
				    LB_WEIGHT_MAX);
			}
			for (i = 0; i < n; i++)
				f->q.total += f->m[idx[i]].weight;
			f->q.positive = f->q.clean = true;
			f->q.nall = n;
			rng0 = f->rng;
			rr0 = lb_random_below(&f->rng, 1000);
			rng0 = f->rng;

			atomic_store(&f->rr, rr0);
			for (i = 0; i < n; i++) {
				c[i].member = idx[i];
				c[i].weight = f->m[idx[i]].weight;
				c[i].usable = true;
				c[i].spare = false;
			}
			assert_int_equal(lb_step_run(&st[0], &f->q, c, n), n);
			rng1 = f->rng;
			rr1 = atomic_load(&f->rr);

			f->rng = rng0;
			atomic_store(&f->rr, rr0);
			j = s->pick(&st[0], &f->q, idx, n);
			assert_true(j < n);
			if (idx[j] != c[0].member)
				fail_msg("%s over %zu: pick %u, run %u", s->name,
				    n, idx[j], c[0].member);
			assert_true(f->rng == rng1);
			assert_int_equal(atomic_load(&f->rr), rr1);
		}
		fix_free(f);
	}
	/* weighted, shuffle, round_robin */
	assert_true(npick >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(step_text_round_trips),
		cmocka_unit_test(weighted_first_follows_weights),
		cmocka_unit_test(weighted_second_place),
		cmocka_unit_test(weighted_zero_weight_last),
		cmocka_unit_test(weighted_all_zero_keeps_order),
		cmocka_unit_test(weighted_chain_skips_down),
		cmocka_unit_test(weighted_first1_skips_down),
		cmocka_unit_test(round_robin_rotates),
		cmocka_unit_test(round_robin_chain_rotates_over_up),
		cmocka_unit_test(shuffle_uniform_first),
		cmocka_unit_test(shuffle_uniform_orders),
		cmocka_unit_test(hash_same_prefix_same_member),
		cmocka_unit_test(hash_member_down_moves_only_its_clients),
		cmocka_unit_test(hash_weights),
		cmocka_unit_test(up_spares_last),
		cmocka_unit_test(flapping_member_out),
		cmocka_unit_test(slow_start_shares),
		cmocka_unit_test(hash_ipv6_default_56),
		cmocka_unit_test(hash_parameters),
		cmocka_unit_test(hash_scope),
		cmocka_unit_test(priority_keeps_best_tier),
		cmocka_unit_test(priority_min_healthy),
		cmocka_unit_test(up_drops_unusable),
		cmocka_unit_test(up_all_down),
		cmocka_unit_test(up_zero_weight_last_resort),
		cmocka_unit_test(zero_weight_round_robin),
		cmocka_unit_test(zero_weight_hash),
		cmocka_unit_test(zero_weight_priority),
		cmocka_unit_test(zero_weight_every_step),
		cmocka_unit_test(region_of_cases),
		cmocka_unit_test(region_of_default_route),
		cmocka_unit_test(topology_filters),
		cmocka_unit_test(topology_chain),
		cmocka_unit_test(fastest_orders_by_rtt),
		cmocka_unit_test(fastest_band),
		cmocka_unit_test(fastest_no_herd),
		cmocka_unit_test(fastest_unmeasured),
		cmocka_unit_test(least_load_orders_and_sheds),
		cmocka_unit_test(least_load_all_high),
		cmocka_unit_test(least_load_no_herd),
		cmocka_unit_test(least_load_unknown_last),
		cmocka_unit_test(first_n),
		cmocka_unit_test(chain_keep_hint),
		cmocka_unit_test(keep_hint_same_prefix),
		cmocka_unit_test(parse_kinds_and_defaults),
		cmocka_unit_test(parse_kind_names),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(random_below_bounds),
		cmocka_unit_test(pick_is_run_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
