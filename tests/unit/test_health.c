/* test_health.c -- rise/fall hysteresis, overrides, result names */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "probe.h"
#include "util.h"

#define OK	PROBE_OK
#define BAD	PROBE_REFUSED

static bool
up(const struct health *h, size_t i)
{
	return health_usable(&h->slots[i]);
}

/* Feed results to slot 0 one per second; returns how many changed it. */
static unsigned
feed(struct health *h, const enum probe_result *r, size_t n, unsigned rise,
    unsigned fall, double *now)
{
	unsigned	 changes = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		*now += 1;
		if (health_record(h, 0, r[i], rise, fall, *now))
			changes++;
	}
	return changes;
}

static void
fall_three_needs_three_failures(void **state)
{
	struct health		*h = health_new(1);
	enum probe_result	 r[] = { OK, BAD, BAD };
	double			 now = 100;

	(void)state;
	assert_int_equal(feed(h, r, 3, 2, 3, &now), 0);
	assert_true(up(h, 0));
	assert_int_equal(h->track[0].fail_run, 2);
	assert_true(health_record(h, 0, BAD, 2, 3, ++now));
	assert_false(up(h, 0));
	assert_int_equal(h->track[0].transitions, 1);
	assert_true(h->track[0].since == now);
	/* More failures change nothing. */
	assert_false(health_record(h, 0, BAD, 2, 3, ++now));
	assert_int_equal(h->track[0].failures, 4);
	health_free(h);
}

static void
ok_in_between_resets_the_failures(void **state)
{
	struct health		*h = health_new(1);
	enum probe_result	 r[] = { OK, BAD, BAD, OK, BAD, BAD, OK, BAD };
	double			 now = 0;

	(void)state;
	assert_int_equal(feed(h, r, NELEM(r), 2, 3, &now), 0);
	assert_true(up(h, 0));
	assert_int_equal(h->track[0].fail_run, 1);
	assert_int_equal(h->track[0].checks, NELEM(r));
	health_free(h);
}

static void
rise_two_needs_two_successes(void **state)
{
	struct health		*h = health_new(1);
	enum probe_result	 r[] = { BAD, OK, BAD, OK };
	double			 now = 0;

	(void)state;
	/* The first result decides at once: down. */
	assert_int_equal(feed(h, r, 1, 2, 2, &now), 1);
	assert_false(up(h, 0));
	/* One OK, then a failure resets it; one OK again. */
	assert_int_equal(feed(h, r + 1, 3, 2, 2, &now), 0);
	assert_false(up(h, 0));
	assert_true(health_record(h, 0, OK, 2, 2, ++now));
	assert_true(up(h, 0));
	assert_int_equal(h->track[0].ok_run, 2);
	assert_int_equal(h->track[0].transitions, 2);
	health_free(h);
}

static void
rise_one_fall_one_follow_each_result(void **state)
{
	struct health	*h = health_new(1);
	double		 now = 0;

	(void)state;
	assert_false(health_record(h, 0, OK, 1, 1, ++now));
	assert_true(health_record(h, 0, PROBE_TIMEOUT, 1, 1, ++now));
	assert_true(health_record(h, 0, OK, 1, 1, ++now));
	assert_true(health_record(h, 0, PROBE_BAD_STATUS, 1, 1, ++now));
	assert_false(up(h, 0));
	health_free(h);
}

static void
first_result_decides_initial_down(void **state)
{
	struct health	*h = health_new(2);
	double		 now = 0;

	(void)state;
	/* initial = "down": one OK is enough before any other result. */
	health_set_local(h, 0, HEALTH_DOWN);
	assert_true(health_record(h, 0, OK, 5, 5, ++now));
	assert_true(up(h, 0));
	/* ... and after it, rise applies again. */
	assert_true(health_record(h, 1, BAD, 5, 5, ++now));
	assert_false(up(h, 1));
	assert_false(health_record(h, 1, OK, 5, 5, ++now));
	assert_false(up(h, 1));
	health_free(h);
}

static void
local_error_never_downs(void **state)
{
	struct health	*h = health_new(1);
	double		 now = 0;
	int		 i;

	(void)state;
	assert_false(health_record(h, 0, OK, 2, 2, ++now));
	for (i = 0; i < 10; i++)
		assert_false(health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2,
		    ++now));
	assert_true(up(h, 0));
	/* Nor does it break a run of failures or successes. */
	assert_false(health_record(h, 0, BAD, 2, 2, ++now));
	assert_false(health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2, ++now));
	assert_true(health_record(h, 0, BAD, 2, 2, ++now));
	assert_int_equal(h->track[0].local_errors, 11);
	assert_int_equal(h->track[0].failures, 2);
	/* A local error as the very first result decides nothing. */
	health_free(h);
	h = health_new(1);
	health_set_local(h, 0, HEALTH_DOWN);
	assert_false(health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2, ++now));
	assert_false(h->track[0].seen);
	assert_true(health_record(h, 0, OK, 2, 2, ++now));
	health_free(h);
}

static void
count_notify(void *arg, size_t i)
{
	((size_t *)arg)[i]++;
}

/*
 * In a fleet the checks keep this node's verdict in track.local and say
 * so; the state is left to the fleet.  Alone, the state follows.
 */
static void
shared_table_keeps_the_verdict_local(void **state)
{
	struct health	*h = health_new(2);
	size_t		 told[2] = { 0, 0 };
	double		 now = 0;

	(void)state;
	h->shared = true;
	h->notify = count_notify;
	h->notify_arg = told;
	assert_true(health_record(h, 0, BAD, 1, 1, ++now));
	assert_int_equal(h->track[0].local, HEALTH_DOWN);
	assert_true(up(h, 0));		/* the fleet has not said so */
	assert_int_equal(told[0], 1);
	assert_int_equal(told[1], 0);
	/* No change of verdict, nobody told. */
	assert_false(health_record(h, 0, BAD, 1, 1, ++now));
	assert_int_equal(told[0], 1);
	health_set_state(h, 0, HEALTH_DOWN);	/* what the fleet decides */
	assert_false(up(h, 0));
	assert_true(health_record(h, 0, OK, 1, 1, ++now));
	assert_int_equal(told[0], 2);
	assert_false(up(h, 0));
	/* Alone again: verdict and state are one. */
	h->shared = false;
	assert_true(health_record(h, 1, BAD, 1, 1, ++now));
	assert_false(up(h, 1));
	assert_int_equal(told[1], 0);
	health_free(h);
}

/*
 * A first result that matches the initial state changes nothing, but the
 * fleet must still hear of it: until then this node has no verdict of the
 * target to publish.  Later results that change nothing tell nobody.
 */
static void
shared_first_verdict_is_told(void **state)
{
	struct health	*h = health_new(1);
	size_t		 told[1] = { 0 };
	double		 now = 0;

	(void)state;
	h->shared = true;
	h->notify = count_notify;
	h->notify_arg = told;
	assert_false(h->track[0].seen);
	assert_false(health_record(h, 0, OK, 2, 2, ++now));
	assert_true(h->track[0].seen);
	assert_int_equal(h->track[0].local, HEALTH_UP);
	assert_int_equal(told[0], 1);
	assert_false(health_record(h, 0, OK, 2, 2, ++now));
	assert_int_equal(told[0], 1);
	/* A local error is no verdict: nobody told. */
	health_free(h);
	h = health_new(1);
	h->shared = true;
	h->notify = count_notify;
	h->notify_arg = told;
	told[0] = 0;
	assert_false(health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2, ++now));
	assert_int_equal(told[0], 0);
	health_free(h);
}

static void
admin_beats_checks(void **state)
{
	struct health	*h = health_new(1);
	double		 now = 0;

	(void)state;
	health_set_admin(h, 0, HEALTH_ADMIN_UP);
	assert_true(health_record(h, 0, BAD, 1, 1, ++now));
	assert_true(up(h, 0));
	health_set_admin(h, 0, HEALTH_ADMIN_DRAIN);
	assert_true(health_record(h, 0, OK, 1, 1, ++now));
	assert_false(up(h, 0));
	health_free(h);
}

static void
result_names(void **state)
{
	(void)state;
	assert_string_equal(probe_result_str(PROBE_OK), "ok");
	assert_string_equal(probe_result_str(PROBE_TIMEOUT), "timeout");
	assert_string_equal(probe_result_str(PROBE_LOCAL_ERROR),
	    "local error");
	assert_string_equal(probe_result_str(PROBE_NRESULTS), "?");
	assert_string_equal(health_state_str(HEALTH_DOWN), "down");
}

/*
 * A slot a reload added is not usable until its first result, but spare
 * (answered when nothing else is) while its state is up; its first result
 * decides, and an up one starts its slow start.  At startup (not pending)
 * the first result starts nothing.
 */
static void
pending_until_first_result(void **state)
{
	struct health	*h = health_new(3);
	double		 now = 100;

	(void)state;
	health_set_now(h, now);
	health_set_pending(h, 0);
	health_set_pending(h, 1);
	assert_false(up(h, 0));
	assert_true(atomic_load(&h->slots[0].spare));
	/* An override beats pending. */
	health_set_admin(h, 1, HEALTH_ADMIN_UP);
	assert_true(up(h, 1));
	assert_false(atomic_load(&h->slots[1].spare));
	health_set_admin(h, 1, HEALTH_ADMIN_DRAIN);
	assert_false(atomic_load(&h->slots[1].spare));
	/* A local error is no result. */
	health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2, now);
	assert_false(up(h, 0));
	assert_true(atomic_load(&h->slots[0].pending));
	now += 1;
	health_set_now(h, now);
	health_record(h, 0, OK, 2, 2, 1.8e9);	/* a wall clock time */
	assert_true(up(h, 0));
	assert_false(atomic_load(&h->slots[0].pending));
	assert_false(atomic_load(&h->slots[0].spare));
	assert_int_equal(atomic_load(&h->slots[0].up_at), health_ticks(now));
	/* Not a change for flap damping. */
	assert_int_equal(atomic_load(&h->slots[0].nflaps), 0);
	/* A first result down: out, not spare. */
	health_set_admin(h, 1, HEALTH_ADMIN_NONE);
	health_record(h, 1, BAD, 2, 2, now);
	assert_false(up(h, 1));
	assert_false(atomic_load(&h->slots[1].spare));
	assert_int_equal(atomic_load(&h->slots[1].up_at), 0);
	/* Startup: the first result sets no slow start and no change. */
	health_set_local(h, 2, HEALTH_DOWN);	/* initial = down */
	health_record(h, 2, OK, 2, 2, now);
	assert_true(up(h, 2));
	assert_int_equal(atomic_load(&h->slots[2].up_at), 0);
	health_free(h);
}

/* Changes go into the ring; coming up sets up_at; the clock never 0. */
static void
changes_are_remembered(void **state)
{
	struct health	*h = health_new(1);
	unsigned	 i;

	(void)state;
	assert_int_equal(health_ticks(0), 1);
	assert_int_equal(health_ticks(12.34), 123);
	for (i = 0; i < 3 * HEALTH_FLAPS + 3; i++) {
		health_set_now(h, 10 + i);
		health_change(h, 0, i % 2 == 0 ? HEALTH_DOWN : HEALTH_UP);
	}
	/* Counted past one lap, wrapped into the second. */
	assert_true(atomic_load(&h->slots[0].nflaps) >= HEALTH_FLAPS);
	assert_true(atomic_load(&h->slots[0].nflaps) < 2 * HEALTH_FLAPS);
	/* The newest is where nflaps - 1 points. */
	assert_int_equal(atomic_load(&h->slots[0].flap_at[
	    (atomic_load(&h->slots[0].nflaps) - 1) % HEALTH_FLAPS]),
	    health_ticks(10 + 3 * HEALTH_FLAPS + 2));
	/* The last change was down (an even i): up_at from the one before. */
	assert_int_equal(atomic_load(&h->slots[0].up_at),
	    health_ticks(10 + 3 * HEALTH_FLAPS + 1));
	/* No change, nothing recorded. */
	i = atomic_load(&h->slots[0].nflaps);
	health_change(h, 0, HEALTH_DOWN);
	assert_int_equal(atomic_load(&h->slots[0].nflaps), i);
	health_free(h);
}

/* Flapping: more than limit changes within the window, then stable. */
static void
flapping_window(void **state)
{
	struct health	*h = health_new(2);
	uint32_t	 w = health_ticks(60);
	unsigned	 i;

	(void)state;
	/* 3 changes, 10 s apart, limit 3: not flapping. */
	for (i = 0; i < 3; i++) {
		health_set_now(h, 100 + 10 * i);
		health_change(h, 0, i % 2 == 0 ? HEALTH_DOWN : HEALTH_UP);
	}
	assert_false(health_flapping(&h->slots[0], health_ticks(125), 3, w));
	/* A 4th within 60 s of the first: flapping, until 60 s stable. */
	health_set_now(h, 130);
	health_change(h, 0, HEALTH_UP);
	assert_true(health_flapping(&h->slots[0], health_ticks(130), 3, w));
	assert_true(health_flapping(&h->slots[0], health_ticks(189.9), 3, w));
	assert_false(health_flapping(&h->slots[0], health_ticks(190), 3, w));
	/* A limit of 4 would not have damped it; 0 damps nothing. */
	assert_false(health_flapping(&h->slots[0], health_ticks(131), 4, w));
	assert_false(health_flapping(&h->slots[0], health_ticks(131), 0, w));
	/*
	 * Damped, then one more change before the window passed: still
	 * damped, for a window from that change, though that change alone
	 * has few neighbours.
	 */
	health_set_now(h, 185);
	health_change(h, 0, HEALTH_DOWN);
	health_set_now(h, 186);
	health_change(h, 0, HEALTH_UP);
	assert_true(health_flapping(&h->slots[0], health_ticks(240), 3, w));
	assert_false(health_flapping(&h->slots[0], health_ticks(246), 3, w));
	/* Changes spread wider than the window never damp. */
	for (i = 0; i < 10; i++) {
		health_set_now(h, 1000 + 61 * i);
		health_change(h, 1, i % 2 == 0 ? HEALTH_DOWN : HEALTH_UP);
		assert_false(health_flapping(&h->slots[1],
		    health_ticks(1000 + 61 * i), 3, w));
	}
	health_free(h);
}

/* Slow start: 10% at once, even to 100% over the ramp; none at start. */
static void
ramp_shares(void **state)
{
	struct health	*h = health_new(1);
	uint32_t	 r = health_ticks(30);

	(void)state;
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(50), r), 1000);
	health_set_now(h, 20);
	health_change(h, 0, HEALTH_DOWN);
	health_set_now(h, 40);
	health_change(h, 0, HEALTH_UP);
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(40), r), 100);
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(55), r), 550);
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(69.9), r),
	    997);
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(70), r), 1000);
	assert_int_equal(health_ramp(&h->slots[0], health_ticks(45), 0), 1000);
	health_free(h);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(fall_three_needs_three_failures),
		cmocka_unit_test(ok_in_between_resets_the_failures),
		cmocka_unit_test(rise_two_needs_two_successes),
		cmocka_unit_test(rise_one_fall_one_follow_each_result),
		cmocka_unit_test(first_result_decides_initial_down),
		cmocka_unit_test(local_error_never_downs),
		cmocka_unit_test(shared_table_keeps_the_verdict_local),
		cmocka_unit_test(shared_first_verdict_is_told),
		cmocka_unit_test(admin_beats_checks),
		cmocka_unit_test(result_names),
		cmocka_unit_test(pending_until_first_result),
		cmocka_unit_test(changes_are_remembered),
		cmocka_unit_test(flapping_window),
		cmocka_unit_test(ramp_shares),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
