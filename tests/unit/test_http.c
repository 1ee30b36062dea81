/* test_http.c -- the HTTP request line of the metrics endpoint */
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

#include "http.h"
#include "reqsock.h"

static void
request_line_parsed(void **state)
{
	char	 m[16], p[64];

	(void)state;
	assert_int_equal(http_parse_request("GET /metrics HTTP/1.1\r\n"
	    "Host: x\r\n\r\n", 35, m, sizeof(m), p, sizeof(p)), 0);
	assert_string_equal(m, "GET");
	assert_string_equal(p, "/metrics");
	assert_int_equal(http_parse_request("HEAD /status?x=1 HTTP/1.0\n\n",
	    27, m, sizeof(m), p, sizeof(p)), 0);
	assert_string_equal(m, "HEAD");
	assert_string_equal(p, "/status?x=1");
	/* Malformed lines, a path too long for the buffer. */
	assert_int_equal(http_parse_request("GET /x\r\n", 8, m, sizeof(m), p,
	    sizeof(p)), -1);
	assert_int_equal(http_parse_request("GET  HTTP/1.1\r\n", 15, m,
	    sizeof(m), p, sizeof(p)), -1);
	assert_int_equal(http_parse_request("GET /x SPDY/3\r\n", 15, m,
	    sizeof(m), p, sizeof(p)), -1);
	assert_int_equal(http_parse_request(" /x HTTP/1.1\r\n", 14, m,
	    sizeof(m), p, sizeof(p)), -1);
	assert_int_equal(http_parse_request("GET /0123456789 HTTP/1.1\r\n", 26,
	    m, sizeof(m), p, 8), -1);
	assert_int_equal(http_parse_request("GET / HTTP/1.1", 14, m,
	    sizeof(m), p, sizeof(p)), -1);
}

/* A NUL or control byte is bad at once; whole at the empty line. */
static void
head_complete_or_bad(void **state)
{
	static const char	 nul[] = "GET / HTTP/1.1\r\nHo\0st: x\r\n\r\n";

	(void)state;
	assert_int_equal(http_complete("GET / HTTP/1.1\r\nHost: x\r\n", 25,
	    0), 0);
	assert_int_equal(http_complete("GET / HTTP/1.1\r\nHost: x\r\n\r\nzz",
	    29, 0), 27);
	assert_int_equal(http_complete("GET / HTTP/1.0\n\n", 16, 0), 16);
	/* Before the end of the head: not waited for. */
	assert_int_equal(http_complete(nul, sizeof(nul) - 1, 0), REQSOCK_BAD);
	assert_int_equal(http_complete("GET /\0", 6, 0), REQSOCK_BAD);
	assert_int_equal(http_complete("GET /\x01 HTTP/1.1", 18, 0),
	    REQSOCK_BAD);
	assert_int_equal(http_complete("GET / HTTP/1.1\r\nX: \x1b[2J", 25, 0),
	    REQSOCK_BAD);
	assert_int_equal(http_complete("GET /\x7f", 6, 0), REQSOCK_BAD);
	assert_int_equal(http_complete("GET /\xc3\xa9 HTTP/1.1", 20, 0),
	    REQSOCK_BAD);
	/* A tab, and bytes over 0x7f in a header value, are allowed. */
	assert_int_equal(http_complete("GET / HTTP/1.1\r\nX:\t\xc3\xa9\r\n"
	    "\r\n", 25, 0), 25);
}

static void
host_header(void **state)
{
	char	 h[32];

	(void)state;
	assert_int_equal(http_header_host("GET / HTTP/1.1\r\nhOsT:  a.b:80 "
	    "\r\nX: y\r\n\r\n", h, sizeof(h)), 1);
	assert_string_equal(h, "a.b:80");
	assert_int_equal(http_header_host("GET / HTTP/1.1\nX: y\nHost:z\n\n",
	    h, sizeof(h)), 1);
	assert_string_equal(h, "z");
	assert_int_equal(http_header_host("GET / HTTP/1.0\r\nX: y\r\n\r\n",
	    h, sizeof(h)), 0);
	/* Two, or too long: bad. */
	assert_int_equal(http_header_host("GET / HTTP/1.1\r\nHost: a\r\n"
	    "Host: b\r\n\r\n", h, sizeof(h)), -1);
	assert_int_equal(http_header_host("GET / HTTP/1.1\r\nHost: "
	    "0123456789012345678901234567890123456789\r\n\r\n", h, sizeof(h)),
	    -1);
	/* Not after the empty line. */
	assert_int_equal(http_header_host("GET / HTTP/1.1\r\n\r\nHost: a\r\n",
	    h, sizeof(h)), 0);
}

/*
 * The version is compared within the request line only: a buffer that
 * ends at the newline, with no NUL after it, is never read past (the
 * libFuzzer seed tests/fuzz/corpus/http/regress-strncmp-past-line found
 * strncmp() going on past the line).
 */
static void
request_line_read_within_line(void **state)
{
	static const char *const	 lines[] = {
		"GET / HTTP/1\n", "GET / HTTP/1.\n", "GET / HTTP\n/1.1 ",
		"G \0001H\0\0\0\0TT\324/ .\n",
	};
	static const int		 want[] = { -1, 0, -1, -1 };
	char				 m[16], p[64], *buf;
	size_t				 i, n;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		n = i == 3 ? 16 : strlen(lines[i]);
		assert_non_null(buf = malloc(n));
		memcpy(buf, lines[i], n);
		assert_int_equal(http_parse_request(buf, n, m, sizeof(m), p,
		    sizeof(p)), want[i]);
		free(buf);
	}
	assert_string_equal(p, "/");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_line_parsed),
		cmocka_unit_test(head_complete_or_bad),
		cmocka_unit_test(host_header),
		cmocka_unit_test(request_line_read_within_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
