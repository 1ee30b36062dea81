/* test_jw.c -- the JSON writer (and the old reader, until it goes) */
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

#include "json.h"
#include "jw.h"
#include "util.h"

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

static void
reader_reads_what_writer_wrote(void **state)
{
	struct jw		 j;
	struct json_val		*v;
	const struct json_val	*a;
	char			*s;

	(void)state;
	jw_init(&j);
	jw_obj_begin(&j);
	jw_kv_str(&j, "name", "www.lb.example.");
	jw_kv_uint(&j, "n", 18446744073709551615ULL);
	jw_kv_double(&j, "rtt", 1.25);
	jw_kv_bool(&j, "ok", false);
	jw_key(&j, "list");
	jw_arr_begin(&j);
	jw_str(&j, "tab\there \"quoted\" caf\xc3\xa9");
	jw_int(&j, -7);
	jw_arr_end(&j);
	jw_obj_end(&j);
	s = jw_take(&j);
	v = json_parse(s, strlen(s), NULL);
	assert_non_null(v);
	assert_string_equal(json_get_str(v, "name", ""), "www.lb.example.");
	assert_true(json_get_num(v, "n", 0) > 1.8e19);
	assert_true(json_get_num(v, "rtt", 0) == 1.25);
	assert_false(json_get_bool(v, "ok", true));
	a = json_get(v, "list");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].str,
	    "tab\there \"quoted\" caf\xc3\xa9");
	assert_true(a->items[1].num == -7);
	/* Missing keys and wrong types give the fallback. */
	assert_string_equal(json_get_str(v, "n", "fb"), "fb");
	assert_true(json_get_num(v, "nope", 3) == 3);
	assert_null(json_get(v, "nope"));
	assert_null(json_get(NULL, "name"));
	json_val_free(v);
	free(s);
}

static void
reader_decodes_escapes(void **state)
{
	static const char	 doc[] = "[\"\\u00e9\\u20ac\\ud83d\\ude00"
				    "\\/\\b\\f\\n\\r\\t\\\\\\\"\", 1e3, -0.5,"
				    " true, null, {}]";
	struct json_val		*v;

	(void)state;
	v = json_parse(doc, strlen(doc), NULL);
	assert_non_null(v);
	assert_int_equal(v->n, 6);
	assert_string_equal(v->items[0].str, "\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80/\b\f\n\r\t\\\"");
	assert_true(v->items[1].num == 1000);
	assert_true(v->items[2].num == -0.5);
	assert_int_equal(v->items[3].type, JSON_BOOL);
	assert_true(json_is_null(&v->items[4]));
	assert_int_equal(v->items[5].type, JSON_OBJECT);
	json_val_free(v);
}

static void
reader_refuses_bad_documents(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "{1:2}",
		"[1] x", "\"unterminated", "\"\\q\"", "\"\\u12\"",
		"tru", "nul", "01", "1.", "-",
		"+1", "[\"a\x01\"]", "{\"a\":1,}",
	};
	static const char lone[] = "[\"\\ud800\\u0041\", \"\\udc00x\"]";
	struct json_val	*v;
	char		 deep[200];
	size_t		 i, off;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		off = 999;
		if (json_parse(bad[i], strlen(bad[i]), &off) != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_true(off <= strlen(bad[i]));
	}
	/* Lone surrogates are replaced, not refused; what follows stays. */
	v = json_parse(lone, strlen(lone), NULL);
	assert_non_null(v);
	assert_string_equal(v->items[0].str, "\xef\xbf\xbd" "A");
	assert_string_equal(v->items[1].str, "\xef\xbf\xbd" "x");
	json_val_free(v);
	/* Nesting is bounded: no stack overflow on hostile input. */
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_null(json_parse(deep, strlen(deep), NULL));
	/* A NUL inside the given length is not the end of the text. */
	assert_null(json_parse("[1]\0", 4, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_places_commas_and_keys),
		cmocka_unit_test(writer_escapes_strings),
		cmocka_unit_test(reader_reads_what_writer_wrote),
		cmocka_unit_test(reader_decodes_escapes),
		cmocka_unit_test(reader_refuses_bad_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
