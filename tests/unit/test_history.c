/* test_history.c -- the status page's rings: deltas, reloads, wrapping */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"
#include "history.h"
#include "view.h"

/* A view of n members of pool p in zone z, 192.0.2.(i+1). */
struct fake {
	struct view		 vw;
	struct view_member	 m[4];
	char			 addr[4][16];
};

static void
fake_init(struct fake *f, size_t n)
{
	size_t	 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		snprintf(f->m[i].addr, sizeof(f->m[i].addr), "192.0.2.%zu",
		    i + 1);
		f->m[i].zone = "z.test.";
		f->m[i].pool = "p";
		f->m[i].admin = "none";
		f->m[i].usable = true;
		f->m[i].info.rtt_us = HEALTH_RTT_NONE;
	}
	f->vw.members = f->m;
	f->vw.nmembers = n;
}

static const struct history_member *
hm(const struct history *h, const char *addr)
{
	return history_find(h, "z.test.", "p", addr);
}

/* Cell `age` samples back (0: the newest). */
static size_t
back(const struct history *h, size_t age)
{
	return history_at(h, history_cells(h) - 1 - age);
}

static void
deltas_states_and_rcodes(void **state)
{
	struct history	*h = history_new(30);
	struct fake	 f;

	(void)state;
	fake_init(&f, 2);
	assert_int_equal(history_cells(h), 0);
	f.m[0].answers = 10;
	atomic_store(&f.vw.st.q.rcode[3], 5);	/* NXDOMAIN */
	history_sample(h, &f.vw);
	f.m[0].answers = 25;
	f.m[1].answers = 4;
	f.m[1].usable = false;
	f.m[1].info.transitions = 1;
	f.m[1].info.rtt_us = 1500;
	atomic_store(&f.vw.st.q.rcode[3], 12);
	history_sample(h, &f.vw);
	assert_int_equal(history_cells(h), 2);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 1)], 10);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 0)], 15);
	assert_int_equal(hm(h, "192.0.2.2")->answers[back(h, 0)], 4);
	assert_int_equal(hm(h, "192.0.2.2")->state[back(h, 1)], HIST_UP);
	assert_int_equal(hm(h, "192.0.2.2")->state[back(h, 0)],
	    HIST_DOWN | HIST_CHANGED);
	assert_int_equal(hm(h, "192.0.2.2")->rtt_us[back(h, 0)], 1500);
	assert_int_equal(h->rcode[3][back(h, 1)], 5);
	assert_int_equal(h->rcode[3][back(h, 0)], 7);
	/* Drained or forced down is out, whatever the checks say. */
	f.m[0].admin = "drain";
	f.m[0].usable = false;
	history_sample(h, &f.vw);
	assert_int_equal(hm(h, "192.0.2.1")->state[back(h, 0)], HIST_OUT);
	assert_int_equal(hm(h, "192.0.2.2")->state[back(h, 0)], HIST_DOWN);
	assert_null(hm(h, "192.0.2.9"));
	history_free(h);
}

/*
 * A reload starts the counters again and may add and remove members: the
 * history follows the members by zone, pool and address.
 */
static void
reload(void **state)
{
	struct history	*h = history_new(30);
	struct fake	 f;

	(void)state;
	fake_init(&f, 2);
	f.m[0].answers = 100;
	f.m[1].answers = 50;
	history_sample(h, &f.vw);
	/* Reloaded: member 2 gone, member 3 new, counters from zero. */
	fake_init(&f, 3);
	f.m[1] = f.m[2];
	f.vw.nmembers = 2;
	f.m[0].answers = 7;
	f.m[1].answers = 3;
	history_sample(h, &f.vw);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 1)], 100);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 0)], 7);
	assert_null(hm(h, "192.0.2.2"));
	assert_non_null(hm(h, "192.0.2.3"));
	assert_int_equal(hm(h, "192.0.2.3")->state[back(h, 1)], HIST_NONE);
	assert_int_equal(hm(h, "192.0.2.3")->answers[back(h, 0)], 3);
	/* Listed twice (the same address twice in a pool): one history. */
	f.m[2] = f.m[0];
	f.vw.nmembers = 3;
	f.m[0].answers = f.m[2].answers = 9;
	history_sample(h, &f.vw);
	assert_int_equal(h->n, 2);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 0)], 2);
	history_free(h);
}

/* A managed name's answers per member of its pool, by name. */
static void
shares(void **state)
{
	struct history		*h = history_new(30);
	struct fake		 f;
	struct view_pool	 pool = { .zone = "z.test.", .name = "p",
				    .first = 0, .n = 2 };
	uint64_t		 a[2] = { 5, 1 }, b[2] = { 0, 9 };
	struct view_name	 names[2] = {
		{ .zone = "z.test.", .name = "www.z.test.", .pool = "p",
		    .member_answers = a, .nmembers = 2 },
		{ .zone = "z.test.", .name = "api.z.test.", .pool = "p",
		    .member_answers = b, .nmembers = 2 } };
	const struct history_share *s;

	(void)state;
	fake_init(&f, 2);
	f.vw.pools = &pool;
	f.vw.npools = 1;
	f.vw.names = names;
	f.vw.nnames = 2;
	history_sample(h, &f.vw);
	a[0] = 8;
	b[1] = 19;
	history_sample(h, &f.vw);
	s = history_find_share(h, "z.test.", "www.z.test.", "192.0.2.1");
	assert_non_null(s);
	assert_int_equal(s->answers[back(h, 1)], 5);
	assert_int_equal(s->answers[back(h, 0)], 3);
	s = history_find_share(h, "z.test.", "api.z.test.", "192.0.2.2");
	assert_int_equal(s->answers[back(h, 0)], 10);
	s = history_find_share(h, "z.test.", "api.z.test.", "192.0.2.1");
	assert_int_equal(s->answers[back(h, 0)], 0);
	/* A name a reload removed is gone. */
	f.vw.nnames = 1;
	history_sample(h, &f.vw);
	assert_null(history_find_share(h, "z.test.", "api.z.test.",
	    "192.0.2.2"));
	assert_int_equal(h->ns, 2);
	history_free(h);
}

/* After HISTORY_CELLS samples the oldest cell goes; a new step clears. */
static void
wraps_and_step(void **state)
{
	struct history	*h = history_new(1);
	struct fake	 f;
	size_t		 i;

	(void)state;
	fake_init(&f, 1);
	for (i = 1; i <= HISTORY_CELLS + 10; i++) {
		f.m[0].answers += i;
		history_sample(h, &f.vw);
	}
	assert_int_equal(history_cells(h), HISTORY_CELLS);
	/* Oldest first: the 11th sample (11 answers), then the 12th. */
	assert_int_equal(hm(h, "192.0.2.1")->answers[history_at(h, 0)], 11);
	assert_int_equal(hm(h, "192.0.2.1")->answers[history_at(h, 1)], 12);
	assert_int_equal(hm(h, "192.0.2.1")->answers[back(h, 0)],
	    HISTORY_CELLS + 10);
	history_set_step(h, 1);
	assert_int_equal(history_cells(h), HISTORY_CELLS);
	history_set_step(h, 5);
	assert_int_equal(history_cells(h), 0);
	assert_null(hm(h, "192.0.2.1"));
	assert_true(h->step == 5);
	history_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deltas_states_and_rcodes),
		cmocka_unit_test(reload),
		cmocka_unit_test(shares),
		cmocka_unit_test(wraps_and_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
