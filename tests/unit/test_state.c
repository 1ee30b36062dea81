/* test_state.c -- the state file of overrides: hostile contents */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server.h"
#include "tty.h"
#include "util.h"

static char	 dir[64];
static char	 path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_state.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/overrides", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
put(const char *text, size_t len)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* Two lines for one address: one override, the later line's. */
static void
duplicates_merge_later_wins(void **state)
{
	static const char	 t[] =
	    "192.0.2.1\tdrain\t100\t0\tfirst\n"
	    "192.0.2.2\tdown\t100\t0\tother\n"
	    "192.0.2.1\tup\t200\t0\tsecond\n";
	struct admin_entry	*a;
	size_t			 n;

	(void)state;
	put(t, sizeof(t) - 1);
	assert_int_equal(server_admin_read(path, &a, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].text, "192.0.2.1");
	assert_int_equal(a[0].state, HEALTH_ADMIN_UP);
	assert_string_equal(a[0].reason, "second");
	assert_string_equal(a[1].text, "192.0.2.2");
	free(a);
}

/* A line over 1023 bytes is skipped whole, never read as two. */
static void
long_line_skipped_whole(void **state)
{
	char			*t;
	struct admin_entry	*a;
	size_t			 n, off;

	(void)state;
	t = xmalloc(4096);
	off = (size_t)snprintf(t, 4096, "192.0.2.1\tdrain\t100\t0\t");
	/* Padding, then what would be an override of its own at byte 1024. */
	memset(t + off, 'x', 1024 - off);
	off = 1024;
	off += (size_t)snprintf(t + off, 4096 - off,
	    "192.0.2.9\tdown\t100\t0\tsmuggled\n192.0.2.3\tdrain\t1\t0\tok\n");
	put(t, off);
	free(t);
	assert_int_equal(server_admin_read(path, &a, &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "192.0.2.3");
	free(a);
	/* 1023 bytes and its newline: still a line. */
	t = xmalloc(2048);
	off = (size_t)snprintf(t, 2048, "192.0.2.4\tdrain\t100\t0\t");
	memset(t + off, 'y', 1023 - off);
	t[1023] = '\n';
	put(t, 1024);
	free(t);
	assert_int_equal(server_admin_read(path, &a, &n), 0);
	assert_int_equal(n, 1);
	free(a);
}

static void
control_characters_and_bad_numbers(void **state)
{
	static const char	 t[] =
	    "192.0.2.1\tdrain\t100\t0\t\033]0;owned\007\n"
	    "192.0.2.2\tdrain\t1e999\t0\tx\n"
	    "192.0.2.3\tdrain\t100\tnan\tx\n"
	    "192.0.2.4\tdrain\t100\t0\tfine\n";
	struct admin_entry	*a;
	size_t			 n;

	(void)state;
	put(t, sizeof(t) - 1);
	assert_int_equal(server_admin_read(path, &a, &n), 3);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].text, "192.0.2.4");
	free(a);
}

static void
too_large_not_read(void **state)
{
	FILE			*f;
	struct admin_entry	*a;
	size_t			 n;

	(void)state;
	assert_non_null(f = fopen(path, "w"));
	fputs("192.0.2.1\tdrain\t100\t0\tx\n", f);
	assert_int_equal(fseek(f, SERVER_STATE_BYTES_MAX, SEEK_SET), 0);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(server_admin_read(path, &a, &n), -1);
	assert_int_equal(n, 0);
	assert_null(a);
}

static void
at_most_admin_max(void **state)
{
	FILE			*f;
	struct admin_entry	*a;
	size_t			 n;
	int			 i;

	(void)state;
	assert_non_null(f = fopen(path, "w"));
	for (i = 0; i < SERVER_ADMIN_MAX + 5; i++)
		fprintf(f, "2001:db8::%x:%x\tdrain\t1\t0\t\n", i >> 16,
		    i & 0xffff);
	fclose(f);
	assert_int_equal(server_admin_read(path, &a, &n), 1);
	assert_int_equal(n, SERVER_ADMIN_MAX);
	free(a);
}

static void
escape_for_the_terminal(void **state)
{
	char	*s;

	(void)state;
	assert_false(tty_has_ctrl("plain text, with spaces"));
	assert_true(tty_has_ctrl("a\033[2Jb"));
	assert_true(tty_has_ctrl("del\177"));
	s = tty_escape("a\033[2J\\b\n");
	assert_string_equal(s, "a\\x1b[2J\\\\b\\x0a");
	free(s);
	/* A tab is layout, not a control sequence: explain's records. */
	assert_false(tty_has_ctrl("www\t30\tIN\tA"));
	s = tty_escape("a\tb");
	assert_string_equal(s, "a\tb");
	free(s);
}

/* A reply as steerdnsctl prints it: every string and key escaped. */
static void
sanitize_a_reply(void **state)
{
	json_t		*v;
	json_error_t	 e;
	char		*out;

	(void)state;
	v = json_loads("{\"ok\":true,\"members\":[{\"reason\":"
	    "\"x\\u001b]0;owned\\u0007\",\"n\":1}],\"k\\u001b\":\"v\"}",
	    0, &e);
	assert_non_null(v);
	tty_sanitize(v);
	out = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(out, "{\"k\\\\x1b\":\"v\",\"members\":"
	    "[{\"n\":1,\"reason\":\"x\\\\x1b]0;owned\\\\x07\"}],"
	    "\"ok\":true}");
	free(out);
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(duplicates_merge_later_wins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(long_line_skipped_whole,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    control_characters_and_bad_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(too_large_not_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(at_most_admin_max, setup,
		    teardown),
		cmocka_unit_test(escape_for_the_terminal),
		cmocka_unit_test(sanitize_a_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
