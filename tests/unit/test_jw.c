/* test_jw.c -- the JSON writer, read back with jansson */
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
#include <jansson.h>

#include "jw.h"

static void
writer_places_commas_and_keys(void **state)
{
	struct jw	 j;
	char		*s;

	(void)state;
	jw_init(&j);
	jw_obj_begin(&j);
	jw_kv_str(&j, "a", "x");
	jw_key(&j, "b");
	jw_arr_begin(&j);
	jw_uint(&j, 1);
	jw_int(&j, -2);
	jw_obj_begin(&j);
	jw_obj_end(&j);
	jw_arr_begin(&j);
	jw_arr_end(&j);
	jw_null(&j);
	jw_arr_end(&j);
	jw_kv_bool(&j, "c", true);
	jw_kv_double(&j, "d", 0.5);
	jw_kv_str(&j, "e", NULL);
	jw_obj_end(&j);
	s = jw_take(&j);
	assert_string_equal(s,
	    "{\"a\":\"x\",\"b\":[1,-2,{},[],null],\"c\":true,\"d\":0.5,"
	    "\"e\":null}");
	free(s);
}

static void
writer_escapes_strings(void **state)
{
	struct jw	 j;
	char		*s;

	(void)state;
	jw_init(&j);
	jw_arr_begin(&j);
	jw_str(&j, "q\"b\\n\nr\rt\t\x01\x7f");
	jw_str(&j, "caf\xc3\xa9 \xe2\x82\xac");	/* valid UTF-8 kept */
	jw_str(&j, "bad \xff\xc3 end");		/* not UTF-8 */
	jw_str(&j, "\xed\xa0\x80");			/* a surrogate */
	jw_str(&j, "\xc0\xaf");			/* overlong */
	jw_double(&j, NAN);
	jw_double(&j, INFINITY);
	jw_arr_end(&j);
	s = jw_take(&j);
	assert_string_equal(s, "[\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u007f\","
	    "\"caf\xc3\xa9 \xe2\x82\xac\",\"bad \\ufffd\\ufffd end\","
	    "\"\\ufffd\\ufffd\\ufffd\",\"\\ufffd\\ufffd\",null,null]");
	free(s);
}

/* The document, read by jansson as ctl.c and steerdnsctl.c read it. */
static json_t *
load(const char *s)
{
	json_error_t	 e;
	json_t		*v;

	v = json_loadb(s, strlen(s), JSON_REJECT_DUPLICATES |
	    JSON_DECODE_INT_AS_REAL, &e);
	if (v == NULL)
		fail_msg("jansson refused %s: %s at byte %d", s, e.text,
		    e.position);
	return v;
}

static void
jansson_reads_what_writer_wrote(void **state)
{
	struct jw	 j;
	json_t		*v, *a;
	char		*s;

	(void)state;
	jw_init(&j);
	jw_obj_begin(&j);
	jw_kv_str(&j, "name", "www.lb.example.");
	jw_kv_uint(&j, "n", 18446744073709551615ULL);
	jw_kv_int(&j, "neg", -9223372036854775807LL - 1);
	jw_kv_double(&j, "rtt", 1.25);
	jw_kv_bool(&j, "ok", false);
	jw_kv_str(&j, "none", NULL);
	jw_key(&j, "list");
	jw_arr_begin(&j);
	jw_str(&j, "tab\there \"quoted\" caf\xc3\xa9 back\\slash\nnl");
	jw_int(&j, -7);
	jw_obj_begin(&j);
	jw_key(&j, "deep");
	jw_arr_begin(&j);
	jw_arr_end(&j);
	jw_obj_end(&j);
	jw_arr_end(&j);
	jw_obj_end(&j);
	s = jw_take(&j);
	v = load(s);
	assert_string_equal(json_string_value(json_object_get(v, "name")),
	    "www.lb.example.");
	/* Beyond json_int_t: read as a double with JSON_DECODE_INT_AS_REAL. */
	assert_true(json_number_value(json_object_get(v, "n")) > 1.8e19);
	assert_true(json_number_value(json_object_get(v, "neg")) < -9.2e18);
	assert_true(json_number_value(json_object_get(v, "rtt")) == 1.25);
	assert_true(json_is_false(json_object_get(v, "ok")));
	assert_true(json_is_null(json_object_get(v, "none")));
	a = json_object_get(v, "list");
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(json_string_value(json_array_get(a, 0)),
	    "tab\there \"quoted\" caf\xc3\xa9 back\\slash\nnl");
	assert_true(json_number_value(json_array_get(a, 1)) == -7);
	assert_int_equal(json_array_size(json_object_get(json_array_get(a, 2),
	    "deep")), 0);
	assert_int_equal(json_object_size(v), 7);
	json_decref(v);
	free(s);
}

/*
 * Whatever bytes a string holds (argv, a config file, a check's output),
 * the text is one line that jansson, which checks UTF-8 strictly, reads.
 */
static void
writer_output_is_always_valid(void **state)
{
	struct jw	 j;
	json_t		*v;
	char		 b[64], *s;
	uint32_t	 x = 1;
	size_t		 i, k, n;

	(void)state;
	/* Each byte 1..255 alone, then strings of pseudo-random bytes. */
	for (i = 0; i < 20000; i++) {
		n = i < 255 ? 1 : 1 + i % (sizeof(b) - 1);
		for (k = 0; k < n; k++) {
			x = x * 1103515245 + 12345;
			b[k] = i < 255 ? (char)(i + 1) : (char)(x >> 24);
			if (b[k] == '\0')
				b[k] = (char)0xc3;	/* a C string */
		}
		b[n] = '\0';
		jw_init(&j);
		jw_arr_begin(&j);
		jw_str(&j, b);
		jw_arr_end(&j);
		s = jw_take(&j);
		assert_null(strchr(s, '\n'));
		v = load(s);
		assert_true(json_is_string(json_array_get(v, 0)));
		json_decref(v);
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_places_commas_and_keys),
		cmocka_unit_test(writer_escapes_strings),
		cmocka_unit_test(jansson_reads_what_writer_wrote),
		cmocka_unit_test(writer_output_is_always_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
