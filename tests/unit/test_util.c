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

/* RFC 4648 section 10's vectors, both ways, and bad input. */
static void
base64_vectors(void **state)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = { "Zg=", "Z===", "Zm9v!A==",
	    "Zg==Zg==", "=Zg=", "Zm=v" };
	char	 out[64];
	uint8_t	 bin[64], all[256];
	size_t	 i;
	long	 n;

	(void)state;
	for (i = 0; i < NELEM(vec); i++) {
		util_b64_encode(vec[i][0], strlen(vec[i][0]), out);
		assert_string_equal(out, vec[i][1]);
		n = util_b64_decode(vec[i][1], strlen(vec[i][1]), bin);
		assert_int_equal(n, strlen(vec[i][0]));
		assert_memory_equal(bin, vec[i][0], n);
	}
	for (i = 0; i < NELEM(bad); i++)
		assert_int_equal(util_b64_decode(bad[i], strlen(bad[i]), bin),
		    -1);
	/* Every byte value survives the round trip. */
	for (i = 0; i < 256; i++)
		all[i] = i;
	{
		char	 text[UTIL_B64_LEN(256)];
		uint8_t	 back[256];

		util_b64_encode(all, 256, text);
		assert_int_equal(strlen(text), UTIL_B64_LEN(256) - 1);
		assert_int_equal(util_b64_decode(text, strlen(text), back), 256);
		assert_memory_equal(back, all, 256);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_and_address_helpers),
		cmocka_unit_test(base64_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
