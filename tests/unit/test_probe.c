/* test_probe.c -- rise/fall hysteresis and the prober's reason strings */
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

#include "check.h"
#include "conf.h"
#include "health.h"
#include "probe.h"
#include "testutil.h"
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
	health_set_state(h, 0, HEALTH_DOWN);
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
	health_set_state(h, 0, HEALTH_DOWN);
	assert_false(health_record(h, 0, PROBE_LOCAL_ERROR, 2, 2, ++now));
	assert_false(h->track[0].seen);
	assert_true(health_record(h, 0, OK, 2, 2, ++now));
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
reason(char *buf, enum probe_result r, const struct conf_check *ck,
    int detail)
{
	check_reason(buf, PROBE_REASON_MAX, r, ck, detail);
}

/* The checks of a loaded zone, by name. */
static const struct conf_check *
check_of(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->zones[0].nchecks; i++)
		if (strcmp(c->zones[0].checks[i].name, name) == 0)
			return &c->zones[0].checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

/* What each kind says of each result; the generic ones for all kinds. */
static void
reason_strings(void **state)
{
	static const char *const zone[] = {
	    "origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n"
	    "checks = {\n"
	    "  web = { type = \"http\"; timeout = 1.0; body = \"ok\"; };\n"
	    "  w4 = { type = \"https\"; timeout = 0.4; };\n"
	    "  w25 = { type = \"tcp\"; port = 1; timeout = 0.25; };\n"
	    "  dns = { type = \"dns\"; qname = \"x.example.\"; };\n"
	    "  run = { type = \"exec\"; command = \"true\"; };\n"
	    "};\n" };
	struct conf		*c = tu_load_zones(zone, 1);
	const struct conf_check	*web = check_of(c, "web");
	const struct conf_check	*dns = check_of(c, "dns");
	const struct conf_check	*run = check_of(c, "run");
	const struct conf_check	*ks[5];
	char			 buf[PROBE_REASON_MAX];
	size_t			 i;

	(void)state;
	reason(buf, PROBE_REFUSED, web, ECONNREFUSED);
	assert_string_equal(buf, "connect refused");
	reason(buf, PROBE_REFUSED, web, ENETUNREACH);
	assert_string_equal(buf, "connect: Network is unreachable");
	reason(buf, PROBE_TIMEOUT, web, 0);
	assert_string_equal(buf, "timeout after 1.0s");
	reason(buf, PROBE_TIMEOUT, check_of(c, "w4"), 0);
	assert_string_equal(buf, "timeout after 0.4s");
	reason(buf, PROBE_TIMEOUT, check_of(c, "w25"), 0);
	assert_string_equal(buf, "timeout after 0.25s");
	reason(buf, PROBE_BAD_STATUS, web, 500);
	assert_string_equal(buf, "HTTP 500");
	reason(buf, PROBE_BAD_BODY, web, 0);
	assert_string_equal(buf, "body lacks \"ok\"");
	reason(buf, PROBE_BAD_RCODE, dns, LDNS_RCODE_SERVFAIL);
	assert_string_equal(buf, "rcode SERVFAIL");
	reason(buf, PROBE_BAD_RCODE, dns, LDNS_RCODE_NXDOMAIN);
	assert_string_equal(buf, "rcode NXDOMAIN");
	reason(buf, PROBE_EXIT_NONZERO, run, 1 << 8);
	assert_string_equal(buf, "exit 1");
	reason(buf, PROBE_EXIT_NONZERO, run, 9);
	assert_string_equal(buf, "killed by signal 9");
	reason(buf, PROBE_GARBAGE, web, 0);
	assert_string_equal(buf, "bad HTTP response");
	reason(buf, PROBE_GARBAGE, check_of(c, "w4"), 0);
	assert_string_equal(buf, "bad HTTP response");
	reason(buf, PROBE_GARBAGE, dns, 0);
	assert_string_equal(buf, "bad DNS reply");
	/* The generic results read the same for every kind. */
	ks[0] = web;
	ks[1] = check_of(c, "w4");
	ks[2] = check_of(c, "w25");
	ks[3] = dns;
	ks[4] = run;
	for (i = 0; i < NITEMS(ks); i++) {
		reason(buf, PROBE_CLOSED, ks[i], 0);
		assert_string_equal(buf, "connection closed");
		reason(buf, PROBE_LOCAL_ERROR, ks[i], EMFILE);
		assert_string_equal(buf, "local error: Too many open files");
		reason(buf, PROBE_OK, ks[i], 0);
		assert_string_equal(buf, "ok");
	}
	/* Truncated, still terminated. */
	check_reason(buf, 8, PROBE_CLOSED, web, 0);
	assert_string_equal(buf, "connect");
	conf_free(c);
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
		cmocka_unit_test(admin_beats_checks),
		cmocka_unit_test(reason_strings),
		cmocka_unit_test(result_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
