/* test_fleet_state.c -- votes, live nodes and the fleet's verdict */
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

#include "fleet_state.h"
#include "health.h"

/* A fleet of n live nodes "ns1".."nsN"; ns1 is this one. */
static struct fleet_state *
fleet(size_t n)
{
	struct fleet_state	*fs = fleet_state_new();
	char			 name[16];
	size_t			 i, k;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ns%zu", i + 1);
		k = fleet_node_get(fs, name);
		assert_int_equal(k, i);
		fs->nodes[k].live = true;
	}
	fs->nodes[0].self = true;
	return fs;
}

static bool
vote(struct fleet_state *fs, size_t ti, size_t node, bool down)
{
	struct fleet_vote	 v;

	memset(&v, 0, sizeof(v));
	v.down = down;
	v.rtt_us = HEALTH_RTT_NONE;
	v.load = HEALTH_LOAD_NONE;
	v.reason = down ? (char *)"HTTP 500" : NULL;
	return fleet_vote_set(fs, ti, node, &v);
}

static void
nodes_by_name(void **state)
{
	struct fleet_state	*fs = fleet_state_new();
	char			 name[16];
	size_t			 i;

	(void)state;
	assert_int_equal(fleet_node_get(fs, "ns1"), 0);
	assert_int_equal(fleet_node_get(fs, "ns2"), 1);
	assert_int_equal(fleet_node_get(fs, "ns1"), 0);
	assert_int_equal(fleet_nodes_live(fs), 0);
	fs->nodes[1].live = true;
	assert_int_equal(fleet_nodes_live(fs), 1);
	/* A name too long, and a full table, are refused. */
	assert_int_equal(fleet_node_get(fs, "0123456789012345678901234567890"
	    "1234567890123456789012345678901234"), SIZE_MAX);
	for (i = 2; i < FLEET_NODE_MAX; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		assert_int_equal(fleet_node_get(fs, name), i);
	}
	assert_int_equal(fleet_node_get(fs, "one-too-many"), SIZE_MAX);
	assert_int_equal(fleet_node_get(fs, "n5"), 5);
	fleet_state_free(fs);
}

/* 5,000 keys: each found again, the index grown on the way. */
static void
targets_by_key(void **state)
{
	struct fleet_state	*fs = fleet_state_new();
	char			 key[64];
	size_t			 i;

	(void)state;
	assert_int_equal(fleet_target_get(fs, "192.0.2.1,80,ab", false),
	    SIZE_MAX);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "192.0.2.%zu,%zu,0123", i % 250,
		    i);
		assert_int_equal(fleet_target_get(fs, key, true), i);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "192.0.2.%zu,%zu,0123", i % 250,
		    i);
		assert_int_equal(fleet_target_get(fs, key, false), i);
	}
	assert_int_equal(fs->nt, 5000);
	fleet_state_free(fs);
}

static void
votes_change_only_with_the_verdict(void **state)
{
	struct fleet_state	*fs = fleet(3);
	const struct fleet_vote	*v;
	size_t			 t = fleet_target_get(fs, "a", true);

	(void)state;
	assert_true(vote(fs, t, 1, false));	/* none -> up */
	assert_false(vote(fs, t, 1, false));	/* up -> up */
	assert_true(vote(fs, t, 1, true));	/* up -> down */
	v = fleet_vote_of(fs, t, 1);
	assert_non_null(v);
	assert_true(v->down);
	assert_string_equal(v->reason, "HTTP 500");
	assert_null(fleet_vote_of(fs, t, 2));
	assert_true(fleet_vote_set(fs, t, 1, NULL));
	assert_false(fleet_vote_set(fs, t, 1, NULL));
	assert_null(fleet_vote_of(fs, t, 1));
	fleet_state_free(fs);
}

static void
majority_of_the_live_voters(void **state)
{
	struct fleet_state	*fs = fleet(3);
	size_t			 t = fleet_target_get(fs, "a", true);
	size_t			 voters, down;

	(void)state;
	/* Nobody says anything: no verdict. */
	assert_int_equal(fleet_verdict(fs, t, 0, 0, 0, &voters, &down), -1);
	/* This node alone: its own verdict. */
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 0, &voters, &down), 1);
	assert_int_equal(voters, 1);
	vote(fs, t, 1, false);
	vote(fs, t, 2, false);
	/* 1 of 3 down: up for the fleet. */
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 0, &voters, &down), 0);
	assert_int_equal(voters, 3);
	assert_int_equal(down, 1);
	/* 2 of 3: down. */
	vote(fs, t, 1, true);
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 0, &voters, &down), 1);
	assert_int_equal(down, 2);
	/* This node's verdict replaces what the store has from it. */
	vote(fs, t, 0, true);
	assert_int_equal(fleet_verdict(fs, t, 0, 1, 0, &voters, &down), 0);
	assert_int_equal(voters, 3);
	assert_int_equal(down, 1);
	/* 1 of 2 is not more than half. */
	fs->nodes[2].live = false;
	assert_int_equal(fleet_verdict(fs, t, 0, 1, 0, &voters, &down), 0);
	assert_int_equal(voters, 2);
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 0, &voters, &down), 1);
	fleet_state_free(fs);
}

static void
fixed_quorum(void **state)
{
	struct fleet_state	*fs = fleet(4);
	size_t			 t = fleet_target_get(fs, "a", true);
	size_t			 voters, down;

	(void)state;
	vote(fs, t, 1, true);
	vote(fs, t, 2, false);
	vote(fs, t, 3, false);
	/* quorum 1: any node seeing it down takes it out. */
	assert_int_equal(fleet_verdict(fs, t, 0, 1, 1, &voters, &down), 1);
	/* quorum 2 of 4 voters: 1 is not enough, 2 is. */
	assert_int_equal(fleet_verdict(fs, t, 0, 1, 2, &voters, &down), 0);
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 2, &voters, &down), 1);
	/* A quorum above the voters needs every voter. */
	fs->nodes[2].live = fs->nodes[3].live = false;
	assert_int_equal(fleet_verdict(fs, t, 0, 1, 5, &voters, &down), 0);
	assert_int_equal(voters, 2);
	assert_int_equal(fleet_verdict(fs, t, 0, 2, 5, &voters, &down), 1);
	fleet_state_free(fs);
}

static void
a_node_that_goes_is_forgotten(void **state)
{
	struct fleet_state	*fs = fleet(3);
	size_t			 a = fleet_target_get(fs, "a", true);
	size_t			 b = fleet_target_get(fs, "b", true);
	size_t			 c = fleet_target_get(fs, "c", true);
	size_t			 changed[3], voters, down;

	(void)state;
	vote(fs, a, 2, true);
	vote(fs, b, 2, false);
	vote(fs, a, 1, true);
	assert_int_equal(fleet_verdict(fs, a, 0, 1, 0, &voters, &down), 1);
	assert_int_equal(fleet_node_forget(fs, 2, changed), 2);
	assert_int_equal(changed[0], a);
	assert_int_equal(changed[1], b);
	assert_null(fleet_vote_of(fs, a, 2));
	assert_non_null(fleet_vote_of(fs, a, 1));
	assert_int_equal(fleet_verdict(fs, c, 0, 0, 0, &voters, &down), -1);
	/* 1 of 2 left: up. */
	assert_int_equal(fleet_verdict(fs, a, 0, 1, 0, &voters, &down), 0);
	assert_int_equal(voters, 2);
	fleet_state_free(fs);
}

/* A bucket key names what it holds now; what it held and lost comes back. */
static void
buckets_say_what_they_lost(void **state)
{
	struct fleet_state	*fs = fleet_state_new();
	size_t			 a[] = { 7, 3, 5 }, b[] = { 5, 9 }, *gone, n;
	char			 key[32];
	int			 i;

	(void)state;
	assert_int_equal(fleet_bucket_set(fs, "ns2/01f", a, 3, &gone), 0);
	assert_null(gone);
	/* 3 and 7 went, 9 came. */
	n = fleet_bucket_set(fs, "ns2/01f", b, 2, &gone);
	assert_int_equal(n, 2);
	assert_int_equal(gone[0], 3);
	assert_int_equal(gone[1], 7);
	free(gone);
	/* Another node's bucket of the same number is another key. */
	assert_int_equal(fleet_bucket_set(fs, "ns3/01f", a, 3, &gone), 0);
	/* Deleted: everything it held. */
	n = fleet_bucket_set(fs, "ns2/01f", NULL, 0, &gone);
	assert_int_equal(n, 2);
	assert_int_equal(gone[0], 5);
	assert_int_equal(gone[1], 9);
	free(gone);
	assert_int_equal(fleet_bucket_set(fs, "ns2/01f", NULL, 0, &gone), 0);
	/* Many keys: the index grows and finds each again. */
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "n%d/%03x", i % 7, i);
		assert_int_equal(fleet_bucket_set(fs, key, a, 1, &gone), 0);
	}
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "n%d/%03x", i % 7, i);
		assert_int_equal(fleet_bucket_set(fs, key, NULL, 0, &gone), 1);
		assert_int_equal(gone[0], 7);
		free(gone);
	}
	fleet_state_free(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_by_name),
		cmocka_unit_test(targets_by_key),
		cmocka_unit_test(votes_change_only_with_the_verdict),
		cmocka_unit_test(majority_of_the_live_voters),
		cmocka_unit_test(fixed_quorum),
		cmocka_unit_test(a_node_that_goes_is_forgotten),
		cmocka_unit_test(buckets_say_what_they_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
