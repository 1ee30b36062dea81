/* test_util.c -- time and address helpers */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void
time_and_address_helpers(void **state)
{
	uint8_t	 a[16];
	char	 buf[64];

	(void)state;
	util_span(buf, sizeof(buf), 42);
	assert_string_equal(buf, "42s");
	util_span(buf, sizeof(buf), 192);
	assert_string_equal(buf, "3m 12s");
	util_span(buf, sizeof(buf), 2 * 3600 + 5 * 60 + 9);
	assert_string_equal(buf, "2h 5m");
	util_span(buf, sizeof(buf), 86400 + 3 * 3600);
	assert_string_equal(buf, "1d 3h");
	util_ago(buf, sizeof(buf), 1000, 1065);
	assert_string_equal(buf, "1m 5s ago");
	util_ago(buf, sizeof(buf), 0, 1065);
	assert_string_equal(buf, "-");
	util_utc(buf, sizeof(buf), 1796026890);
	assert_string_equal(buf, "2026-11-30 08:21:30 UTC");
	assert_int_equal(util_parse_addr("192.0.2.10", a), 4);
	assert_int_equal(a[3], 10);
	assert_int_equal(util_parse_addr("2001:db8::1", a), 6);
	assert_int_equal(a[15], 1);
	assert_int_equal(util_parse_addr("192.0.2", a), 0);
	assert_int_equal(util_parse_addr("example.com", a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_and_address_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
