/* test_rrl.c -- response rate limiting: rate, slip, window, prefixes */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "answer.h"
#include "rrl.h"
#include "wire.h"

static const struct rrl_conf conf_default = {
	.on = true, .rate = 20, .slip = 2, .window = 15, .ipv4_prefix = 24,
	.ipv6_prefix = 56,
};

static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &sin6->sin6_addr), 1);
		sin6->sin6_family = AF_INET6;
	}
	return ss;
}

/* n responses at now from text; how many passed, dropped, slipped. */
static void
burst(struct rrl *r, const struct rrl_conf *c, const char *text,
    unsigned cls, uint64_t key, uint64_t now, unsigned n, unsigned *pass,
    unsigned *drop, unsigned *slip)
{
	struct sockaddr_storage	 ss = addr(text);
	unsigned		 i;

	*pass = *drop = *slip = 0;
	for (i = 0; i < n; i++)
		switch (rrl_check(r, c, (struct sockaddr *)&ss, cls, key, now,
		    false)) {
		case RRL_PASS:
			(*pass)++;
			break;
		case RRL_DROP:
			(*drop)++;
			break;
		case RRL_SLIP:
			(*slip)++;
			break;
		}
}

static int
setup(void **state)
{
	static struct rrl	 r;

	rrl_init(&r);
	*state = &r;
	return 0;
}

static int
teardown(void **state)
{
	rrl_fini(*state);
	return 0;
}

/* rate a second pass; of the rest every 2nd slips, the others drop. */
static void
rate_then_slip_every_second(void **state)
{
	struct rrl	*r = *state;
	unsigned	 p, d, s;

	burst(r, &conf_default, "192.0.2.1", ANSWER_CLASS_POSITIVE, 7, 1000,
	    2000, &p, &d, &s);
	assert_int_equal(p, 20);
	assert_int_equal(s, 990);
	assert_int_equal(d, 990);
}

/* The pattern itself: drop, slip, drop, slip; slip 1: all; 0: none. */
static void
slip_pattern(void **state)
{
	struct rrl		*r = *state;
	struct rrl_conf		 c = conf_default;
	struct sockaddr_storage	 ss = addr("192.0.2.1");
	const struct sockaddr	*sa = (struct sockaddr *)&ss;
	unsigned		 i, p, d, s;

	c.rate = 1;
	c.slip = 3;
	assert_int_equal(rrl_check(r, &c, sa, 1, 1, 0, false), RRL_PASS);
	for (i = 1; i <= 9; i++)
		assert_int_equal(rrl_check(r, &c, sa, 1, 1, 0, false),
		    i % 3 == 0 ? RRL_SLIP : RRL_DROP);
	c.slip = 1;
	burst(r, &c, "192.0.2.1", 1, 2, 0, 11, &p, &d, &s);
	assert_int_equal(p, 1);
	assert_int_equal(s, 10);
	c.slip = 0;
	burst(r, &c, "192.0.2.1", 1, 3, 0, 11, &p, &d, &s);
	assert_int_equal(p, 1);
	assert_int_equal(d, 10);
	assert_int_equal(s, 0);
}

/* Credit accrues at rate a second, at most a second's worth. */
static void
credit_accrues_at_rate(void **state)
{
	struct rrl	*r = *state;
	struct rrl_conf	 c = conf_default;
	unsigned	 p, d, s;

	c.window = 1;
	burst(r, &c, "192.0.2.1", 1, 1, 0, 20, &p, &d, &s);
	assert_int_equal(p, 20);
	burst(r, &c, "192.0.2.1", 1, 1, 0, 1, &p, &d, &s);
	assert_int_equal(p, 0);
	/* Half a second pays the one owed and nine more. */
	burst(r, &c, "192.0.2.1", 1, 1, 501, 9, &p, &d, &s);
	assert_int_equal(p, 9);
	/* 1.5 s later (within two windows): a second's worth, no more. */
	burst(r, &c, "192.0.2.1", 1, 1, 1999, 30, &p, &d, &s);
	assert_int_equal(p, 20);
}

/* A long flood is owed for window seconds after it stops, no longer. */
static void
window_bounds_the_debt(void **state)
{
	struct rrl	*r = *state;
	uint64_t	 t;
	unsigned	 p, d, s, passed = 0;

	/* 60 s of 1000 a second: the debt stops at window * rate. */
	for (t = 0; t < 60000; t += 10)
		burst(r, &conf_default, "192.0.2.1", 1, 1, t, 10, &p, &d, &s);
	/* Silence for 10 s: still in debt. */
	burst(r, &conf_default, "192.0.2.1", 1, 1, 70000, 1, &p, &d, &s);
	assert_int_equal(p, 0);
	/* 15 s (the window) after the flood, answered again: 1 a second. */
	for (t = 70000; t <= 76000; t += 1000) {
		burst(r, &conf_default, "192.0.2.1", 1, 1, t, 1, &p, &d, &s);
		passed += p;
	}
	assert_true(passed >= 1);
	burst(r, &conf_default, "192.0.2.1", 1, 1, 77000, 1, &p, &d, &s);
	assert_int_equal(p, 1);
}

/* A /24 shares one account; the next /24 has its own; IPv6 by /56. */
static void
prefixes_share_an_account(void **state)
{
	struct rrl	*r = *state;
	struct rrl_conf	 c = conf_default;
	unsigned	 p, d, s;

	burst(r, &c, "192.0.2.1", 1, 1, 0, 20, &p, &d, &s);
	assert_int_equal(p, 20);
	burst(r, &c, "192.0.2.200", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 0);
	burst(r, &c, "192.0.3.1", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	burst(r, &c, "2001:db8:0:ab00::1", 1, 1, 0, 20, &p, &d, &s);
	assert_int_equal(p, 20);
	burst(r, &c, "2001:db8:0:abff:1::2", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 0);
	burst(r, &c, "2001:db8:0:ac00::1", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	/* The same bits in the other family: apart. */
	burst(r, &c, "192.0.4.1", 1, 1, 0, 20, &p, &d, &s);
	burst(r, &c, "c000:400::", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	/* A /32: every client alone. */
	c.ipv4_prefix = 32;
	burst(r, &c, "198.51.100.1", 1, 1, 0, 20, &p, &d, &s);
	burst(r, &c, "198.51.100.2", 1, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
}

/* Classes and keys are separate accounts; exempt and off always pass. */
static void
classes_apart_exempt_off(void **state)
{
	struct rrl		*r = *state;
	struct rrl_conf		 c = conf_default;
	struct sockaddr_storage	 ss = addr("192.0.2.1");
	unsigned		 p, d, s, i;

	burst(r, &c, "192.0.2.1", ANSWER_CLASS_POSITIVE, 1, 0, 30, &p, &d, &s);
	assert_int_equal(p, 20);
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_POSITIVE, 2, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_NXDOMAIN, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_NODATA, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_ERROR, 0, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_REFERRAL, 1, 0, 5, &p, &d, &s);
	assert_int_equal(p, 5);
	for (i = 0; i < 100; i++)
		assert_int_equal(rrl_check(r, &c, (struct sockaddr *)&ss,
		    ANSWER_CLASS_POSITIVE, 1, 0, true), RRL_PASS);
	c.on = false;
	burst(r, &c, "192.0.2.1", ANSWER_CLASS_POSITIVE, 1, 0, 100, &p, &d, &s);
	assert_int_equal(p, 100);
	assert_int_equal(rrl_check(r, &conf_default, NULL, 1, 1, 0, false),
	    RRL_PASS);
}

/*
 * Many more accounts than buckets: each check looks at RRL_PROBE slots
 * at most, the stalest are pushed out, and an account in use survives a
 * flood of one-off prefixes that come after it.
 */
static void
collisions_evict_the_stalest(void **state)
{
	struct rrl		*r = *state;
	struct rrl_conf		 c = conf_default;
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	unsigned		 i, p, d, s, used = 0;

	c.ipv4_prefix = 32;
	burst(r, &c, "203.0.113.9", 1, 1, 1000, 25, &p, &d, &s);
	assert_int_equal(p, 20);
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	for (i = 0; i < 4 * RRL_TABLE_SIZE; i++) {
		sin->sin_addr.s_addr = htonl(0x0a000000 + i);
		/* Older than the account kept in use. */
		assert_int_equal(rrl_check(r, &c, (struct sockaddr *)&ss, 1, 1,
		    500 + i % 2, false), RRL_PASS);
		if (i % 64 == 0)
			burst(r, &c, "203.0.113.9", 1, 1, 1000, 1, &p, &d, &s);
	}
	/* Still in debt: not forgotten by the flood. */
	burst(r, &c, "203.0.113.9", 1, 1, 1000, 1, &p, &d, &s);
	assert_int_equal(p, 0);
	for (i = 0; i < RRL_TABLE_SIZE; i++)
		used += r->b[i].key != 0;
	assert_int_equal(used, RRL_TABLE_SIZE);
}

/* A slipped answer: header with TC and the question, nothing else. */
static void
slip_cuts_to_the_question(void **state)
{
	/* www.lb.example. A, one answer record, one OPT. */
	static const uint8_t	 ans[] = {
		0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 1,
		3, 'w', 'w', 'w', 2, 'l', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l',
		'e', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 10,
		0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t	 out[sizeof(ans)];
	size_t	 len;

	(void)state;
	memcpy(out, ans, sizeof(ans));
	len = rrl_slip(out, sizeof(out));
	assert_int_equal(len, 32);
	assert_memory_equal(out + WIRE_HDR_LEN, ans + WIRE_HDR_LEN, 20);
	assert_int_equal(wire_get16(out + WIRE_OFF_ID), 0x1234);
	assert_int_equal(wire_get16(out + WIRE_OFF_FLAGS), 0x8600);
	assert_int_equal(wire_get16(out + WIRE_OFF_QDCOUNT), 1);
	assert_int_equal(wire_get16(out + WIRE_OFF_ANCOUNT), 0);
	assert_int_equal(wire_get16(out + WIRE_OFF_NSCOUNT), 0);
	assert_int_equal(wire_get16(out + WIRE_OFF_ARCOUNT), 0);
	/* No question (NOTIMP), or a cut one: the header alone. */
	memcpy(out, ans, sizeof(ans));
	wire_put16(out + WIRE_OFF_QDCOUNT, 0);
	assert_int_equal(rrl_slip(out, sizeof(out)), WIRE_HDR_LEN);
	memcpy(out, ans, sizeof(ans));
	assert_int_equal(rrl_slip(out, 30), WIRE_HDR_LEN);
	assert_int_equal(wire_get16(out + WIRE_OFF_QDCOUNT), 0);
	assert_int_equal(rrl_slip(out, 5), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rate_then_slip_every_second,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(slip_pattern, setup, teardown),
		cmocka_unit_test_setup_teardown(credit_accrues_at_rate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(window_bounds_the_debt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(prefixes_share_an_account,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(classes_apart_exempt_off,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(collisions_evict_the_stalest,
		    setup, teardown),
		cmocka_unit_test(slip_cuts_to_the_question),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
