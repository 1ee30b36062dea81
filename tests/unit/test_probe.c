/* test_probe.c -- the prober's scheduler: a result that comes late through
 * our fault (the loop was blocked) changes no state; runs wait for a slot
 * without their wait counting; the first round is spread */
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
#include <unistd.h>
#include <cmocka.h>

#include <ev.h>

#include "check.h"
#include "check_target.h"
#include "conf.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "zone.h"

/*
 * Check kinds of our own.  "hang" never answers: its time limit ends
 * each run.  "quick" answers after QUICK_S, and records how many of its
 * runs were in flight at once and when each started.
 */
#define QUICK_S	0.05
#define MAXT	2500

static size_t	 running, most;
static size_t	 started;
static double	 start_at[MAXT];

static void
hang_run(struct check_target *c)
{
	check_timer_start(c);
}

static void
nothing(struct check_target *c)
{
	(void)c;
}

static const struct check_kind kind_hang = {
	.name = "hang", .run = hang_run, .cancel = nothing,
};

static void
quick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_target	*c = w->data;

	(void)loop;
	(void)revents;
	running--;
	check_done(c, PROBE_OK, NULL, 0, 1000);
}

static void
quick_run(struct check_target *c)
{
	if (started < MAXT)
		start_at[c->slot] = ev_time();
	started++;
	if (++running > most)
		most = running;
	check_timer_start(c);
	/* The answer comes on a timer of its own (quick_init()). */
	ev_timer_init((ev_timer *)c->kt, quick_cb, QUICK_S, 0);
	((ev_timer *)c->kt)->data = c;
	ev_timer_start(c->loop, (ev_timer *)c->kt);
}

static void
quick_cancel(struct check_target *c)
{
	ev_timer_stop(c->loop, (ev_timer *)c->kt);
	running--;
}

static ev_timer	 quick_w[MAXT];

static int
quick_init(struct check_target *c)
{
	c->kt = &quick_w[c->slot];
	return 0;
}

static const struct check_kind kind_quick = {
	.name = "quick", .run = quick_run, .cancel = quick_cancel,
	.target_init = quick_init,
};

/* A prober over n targets of one check; the loop is the default one. */
struct rig {
	struct conf_check	 ck;
	struct zone_db		 db;
	struct health		*h;
	struct probe		*p;
	struct ev_loop		*loop;
};

static void
rig_init(struct rig *r, const struct check_kind *k, size_t n,
    double interval, double timeout)
{
	static char	 kname[] = "test";
	size_t		 i;

	memset(r, 0, sizeof(*r));
	r->ck.name = kname;
	r->ck.kind = k;
	r->ck.interval = interval;
	r->ck.timeout = timeout;
	r->ck.rise = 1;
	r->ck.fall = 1;
	r->ck.initial = CONF_INITIAL_UP;
	r->db.ntargets = n;
	r->db.targets = calloc(n, sizeof(*r->db.targets));
	assert_non_null(r->db.targets);
	for (i = 0; i < n; i++) {
		struct zone_target	*t = &r->db.targets[i];

		t->check = &r->ck;
		t->family = 4;
		t->addr[0] = 127;
		t->addr[1] = 1;
		t->addr[2] = (i + 1) >> 8;
		t->addr[3] = (i + 1) & 0xff;
		t->port = 9;
		snprintf(t->label, sizeof(t->label), "127.1.%zu.%zu:9 (%s)",
		    (i + 1) >> 8, (i + 1) & 0xff, k->name);
	}
	r->loop = ev_default_loop(EVFLAG_AUTO);
	r->h = health_new(n);
	r->p = probe_new(r->loop, &r->db, r->h, NULL);
	assert_non_null(r->p);
	running = most = started = 0;
}

static void
rig_free(struct rig *r)
{
	probe_free(r->p);
	health_free(r->h);
	free(r->db.targets);
}

static void
end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/* Blocks the loop for its ms, as a slow callback of ours would. */
static void
block_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	usleep((useconds_t)(w->repeat * 1e6));
	w->repeat = 0;
	ev_timer_stop(loop, w);
}

/* Run the loop for secs, with the loop blocked at `at` for `len` s. */
static void
rig_run(struct rig *r, double secs, double at, double len)
{
	ev_timer	 end, block;

	ev_timer_init(&end, end_cb, secs, 0);
	ev_timer_start(r->loop, &end);
	if (len > 0) {
		ev_timer_init(&block, block_cb, at, 0);
		block.repeat = len;	/* read by block_cb */
		ev_timer_start(r->loop, &block);
	}
	ev_now_update(r->loop);
	probe_start(r->p, NULL, NULL);
	ev_run(r->loop, 0);
	ev_timer_stop(r->loop, &end);
	if (len > 0)
		ev_timer_stop(r->loop, &block);
}

static enum health_state
state_of(const struct rig *r, size_t i)
{
	return atomic_load(&r->h->slots[i].state);
}

/* The control: a target that never answers goes down (fall 1). */
static void
timeout_on_time_is_the_targets(void **state)
{
	struct rig		 r;
	struct probe_stats	 st;

	(void)state;
	rig_init(&r, &kind_hang, 1, 10, 0.2);
	rig_run(&r, 0.5, 0, 0);
	probe_stats(r.p, &st);
	assert_int_equal(st.results[PROBE_TIMEOUT], 1);
	assert_int_equal(st.behind, 0);
	assert_int_equal(st.to_down, 1);
	assert_int_equal(state_of(&r, 0), HEALTH_DOWN);
	rig_free(&r);
}

/*
 * The loop blocked past the time limit: the timeout is handled 0.4 s late,
 * so it is ours, a local error, and the target stays up.
 */
static void
timeout_handled_late_is_ours(void **state)
{
	struct rig		 r;
	struct probe_stats	 st;

	(void)state;
	rig_init(&r, &kind_hang, 1, 10, 0.2);
	rig_run(&r, 0.8, 0.05, 0.55);
	probe_stats(r.p, &st);
	assert_int_equal(st.results[PROBE_TIMEOUT], 0);
	assert_int_equal(st.results[PROBE_LOCAL_ERROR], 1);
	assert_int_equal(st.behind, 1);
	assert_int_equal(st.behind_episodes, 1);
	assert_true(st.falling_behind);
	assert_int_equal(st.to_down, 0);
	assert_int_equal(state_of(&r, 0), HEALTH_UP);
	assert_int_equal(r.h->track[0].local_errors, 1);
	rig_free(&r);
}

/*
 * The time limit handled on time, but the loop stalled for half of it
 * while the run was in flight: a reply may have waited unread.  Ours.
 */
static void
timeout_after_a_stall_is_ours(void **state)
{
	struct rig		 r;
	struct probe_stats	 st;

	(void)state;
	rig_init(&r, &kind_hang, 1, 10, 0.4);
	rig_run(&r, 0.7, 0.05, 0.2);
	probe_stats(r.p, &st);
	assert_int_equal(st.behind, 1);
	assert_int_equal(st.results[PROBE_LOCAL_ERROR], 1);
	assert_int_equal(state_of(&r, 0), HEALTH_UP);
	rig_free(&r);
}

/*
 * At most 3 in flight; 10 targets of 50 ms each wait their turn, and the
 * wait (up to 0.2 s) does not count against their 0.1 s limit.
 */
static void
runs_wait_for_a_slot(void **state)
{
	struct rig		 r;
	struct probe_stats	 st;
	size_t			 i;

	(void)state;
	rig_init(&r, &kind_quick, 10, 30, 0.1);
	probe_set_concurrency(r.p, 3);
	rig_run(&r, 0.6, 0, 0);
	probe_stats(r.p, &st);
	assert_int_equal(most, 3);
	assert_int_equal(started, 10);
	assert_int_equal(st.results[PROBE_OK], 10);
	assert_int_equal(st.results[PROBE_TIMEOUT], 0);
	assert_true(st.queued >= 7);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.waiting, 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(state_of(&r, i), HEALTH_UP);
	rig_free(&r);
}

/*
 * 2,500 targets at interval 1: the first round starts evenly over
 * 2,500 / PROBE_FIRST_RATE s, in the order of the config, not at once.
 */
static void
first_round_is_spread(void **state)
{
	struct rig	 r;
	double		 want = (double)MAXT / PROBE_FIRST_RATE, t0, span;
	size_t		 i, late = 0;

	(void)state;
	rig_init(&r, &kind_quick, MAXT, 1, 0.5);
	t0 = ev_time();
	rig_run(&r, want + 0.2, 0, 0);
	span = start_at[MAXT - 1] - start_at[0];
	assert_true(span > want * 0.8);
	assert_true(span < want + 0.1);
	for (i = 1; i < MAXT; i++)
		if (start_at[i] < start_at[i - 1])
			late++;
	assert_int_equal(late, 0);
	/* The first quarter started in about the first quarter. */
	assert_true(start_at[MAXT / 4] - t0 < want / 4 + 0.05);
	assert_true(most < MAXT / 4);
	rig_free(&r);
}

/* Every kind has a slot of its own; counts go to it and to the totals. */
static void
counts_per_kind(void **state)
{
	struct probe_stats	 a, b;
	const struct check_kind	*http = check_kind_find("http");
	const struct check_kind	*exec = check_kind_find("exec");
	static const struct check_kind	 stray = { .name = "stray" };
	size_t			 n, hi = SIZE_MAX, ei = SIZE_MAX;

	(void)state;
	for (n = 0; check_kinds[n] != NULL; n++) {
		if (check_kinds[n] == http)
			hi = n;
		if (check_kinds[n] == exec)
			ei = n;
	}
	assert_true(n <= PROBE_NKINDS);
	memset(&a, 0, sizeof(a));
	probe_count_result(&a, http, PROBE_OK);
	probe_count_result(&a, http, PROBE_REFUSED);
	probe_count_result(&a, exec, PROBE_TIMEOUT);
	probe_count_skip(&a, exec);
	/* Not in check_kinds[]: the totals only. */
	probe_count_result(&a, &stray, PROBE_REFUSED);
	probe_count_skip(&a, &stray);
	assert_int_equal(a.results[PROBE_REFUSED], 2);
	assert_int_equal(a.skipped, 2);
	assert_int_equal(a.kind[hi].runs, 2);
	assert_int_equal(a.kind[hi].results[PROBE_OK], 1);
	assert_int_equal(a.kind[hi].results[PROBE_REFUSED], 1);
	assert_int_equal(a.kind[hi].skipped, 0);
	assert_int_equal(a.kind[ei].runs, 1);
	assert_int_equal(a.kind[ei].results[PROBE_TIMEOUT], 1);
	assert_int_equal(a.kind[ei].skipped, 1);
	/* A reload adds the old prober's counts to the new one's. */
	b = a;
	probe_stats_add(&b, &a);
	assert_int_equal(b.results[PROBE_REFUSED], 4);
	assert_int_equal(b.kind[hi].runs, 4);
	assert_int_equal(b.kind[ei].skipped, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_per_kind),
		cmocka_unit_test(timeout_on_time_is_the_targets),
		cmocka_unit_test(timeout_handled_late_is_ours),
		cmocka_unit_test(timeout_after_a_stall_is_ours),
		cmocka_unit_test(runs_wait_for_a_slot),
		cmocka_unit_test(first_round_is_spread),
	};

	log_init("test_probe", true, LOG_LEVEL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
