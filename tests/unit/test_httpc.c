/* test_httpc.c -- the http check's response reader: every way a body
 * comes, interim answers, limits, and what the end of the stream means */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "httpc.h"

#define BODY_MAX	64

static char	 body[BODY_MAX + 1];

static void
init(struct httpc *h, const char *load_header)
{
	memset(body, 0, sizeof(body));
	httpc_init(h, load_header, body, BODY_MAX, 4096);
}

/* Feed s whole; then, from a fresh reader, byte by byte: same result. */
static enum httpc_status
feed(struct httpc *h, const char *load_header, const char *s, bool eof)
{
	enum httpc_status	 whole, bytes = HTTPC_MORE;
	struct httpc		 h2;
	char			 copy[BODY_MAX + 1];
	size_t			 i, len = strlen(s);

	init(&h2, load_header);
	for (i = 0; i < len && bytes == HTTPC_MORE; i++)
		bytes = httpc_feed(&h2, s + i, 1);
	if (bytes == HTTPC_MORE && eof)
		bytes = httpc_eof(&h2);
	memcpy(copy, body, sizeof(copy));
	init(h, load_header);
	whole = httpc_feed(h, s, len);
	if (whole == HTTPC_MORE && eof)
		whole = httpc_eof(h);
	assert_int_equal(whole, bytes);
	assert_int_equal(h->status, h2.status);
	assert_int_equal(h->body_len, h2.body_len);
	assert_memory_equal(body, copy, sizeof(copy));
	return whole;
}

static void
content_length(void **state)
{
	struct httpc	 h;

	(void)state;
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 5\r\nServer: x\r\n\r\nhello", false), HTTPC_DONE);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.body_len, 5);
	assert_string_equal(body, "hello");
	/* Short of its length at the end: cut short. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 9\r\n\r\nhello", true), HTTPC_SHORT);
	/* No body at all. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.0 503 Busy\r\n"
	    "Content-Length: 0\r\n\r\n", false), HTTPC_DONE);
	assert_int_equal(h.status, 503);
}

static void
until_the_end(void **state)
{
	struct httpc	 h;

	(void)state;
	assert_int_equal(feed(&h, NULL, "HTTP/1.0 200 OK\r\n\r\nsome body",
	    false), HTTPC_MORE);
	assert_int_equal(httpc_eof(&h), HTTPC_DONE);
	assert_string_equal(body, "some body");
	/* Bare line feeds, as some scripts write them. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 404 Not Found\n"
	    "X: y\n\nnope", true), HTTPC_DONE);
	assert_int_equal(h.status, 404);
	assert_string_equal(body, "nope");
}

static void
chunked(void **state)
{
	struct httpc	 h;

	(void)state;
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: gzip, Chunked\r\n\r\n"
	    "4;name=v\r\nwiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks."
	    "\r\n0\r\nTrailer: x\r\n\r\n", false), HTTPC_DONE);
	assert_string_equal(body, "wikipedia in\r\n\r\nchunks.");
	/* Chunked wins over a length. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nok\r\n0\r\n\r\n", false), HTTPC_DONE);
	assert_string_equal(body, "ok");
	/* Ends before the last chunk. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", true),
	    HTTPC_SHORT);
	/* Not a size; a size of 2^48; no line break after the data. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\n", false), HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1000000000000\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", false),
	    HTTPC_BAD);
}

static void
interim_and_empty(void **state)
{
	struct httpc	 h;

	(void)state;
	assert_int_equal(feed(&h, "X-Load", "HTTP/1.1 100 Continue\r\n"
	    "X-Load: 99\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	    false), HTTPC_DONE);
	assert_int_equal(h.status, 200);
	assert_false(h.have_load);	/* the interim answer's is not it */
	assert_string_equal(body, "ok");
	/* 204 and 304 have no body, whatever they say. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 204 No Content\r\n"
	    "Content-Length: 10\r\n\r\n", false), HTTPC_DONE);
	assert_int_equal(h.status, 204);
}

static void
not_http(void **state)
{
	struct httpc	 h;

	(void)state;
	assert_int_equal(feed(&h, NULL, "SSH-2.0-OpenSSH_9.2\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/2 200\r\n\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 20 OK\r\n\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 700 Odd\r\n\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 2000\r\n\r\n", false),
	    HTTPC_BAD);
	/* Two lengths that disagree; a length that is no number. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\nContent-Length: 3\r\n\r\n", false),
	    HTTPC_BAD);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: -1\r\n\r\n", false), HTTPC_BAD);
	/* The same length twice is fine. */
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\ncontent-length: 2\r\n\r\nok", false),
	    HTTPC_DONE);
}

static void
the_end_of_the_stream(void **state)
{
	struct httpc	 h;

	(void)state;
	init(&h, NULL);
	assert_int_equal(httpc_eof(&h), HTTPC_NOTHING);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 200 OK\r\nX: ", true),
	    HTTPC_SHORT);
	assert_int_equal(feed(&h, NULL, "HTTP/1.1 2", true), HTTPC_SHORT);
}

static void
load_header(void **state)
{
	struct httpc	 h;
	char		 big[3000];

	(void)state;
	assert_int_equal(feed(&h, "X-Load", "HTTP/1.1 200 OK\r\n"
	    "x-load:   42 units\r\nContent-Length: 0\r\n\r\n", false),
	    HTTPC_DONE);
	assert_true(h.have_load);
	assert_string_equal(h.load, "42");
	/* A name that only starts the same is another header. */
	assert_int_equal(feed(&h, "X-Load", "HTTP/1.1 200 OK\r\n"
	    "X-Loadavg: 7\r\nContent-Length: 0\r\n\r\n", false), HTTPC_DONE);
	assert_false(h.have_load);
	/* A line too long to keep is counted and skipped. */
	snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nX-Load: %02000d\r\n"
	    "Content-Length: 0\r\n\r\n", 1);
	assert_int_equal(feed(&h, "X-Load", big, false), HTTPC_DONE);
	assert_false(h.have_load);
}

static void
limits(void **state)
{
	static const char	 r[] = "HTTP/1.1 200 OK\r\nContent-Length: 3"
	    "\r\n\r\nabc";
	struct httpc		 h;
	char			*s;
	size_t			 i, off;

	(void)state;
	/* Many small header lines: over the 4096 bytes of headers. */
	s = malloc(8192);
	assert_non_null(s);
	off = snprintf(s, 8192, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < 1000; i++)
		off += snprintf(s + off, 8192 - off, "X: y\r\n");
	assert_int_equal(feed(&h, NULL, s, false), HTTPC_HUGE);
	/* A body longer than the buffer: full is enough. */
	off = snprintf(s, 8192, "HTTP/1.1 200 OK\r\n\r\n");
	for (i = 0; i < 100; i++)
		s[off++] = 'a' + i % 26;
	s[off] = '\0';
	assert_int_equal(feed(&h, NULL, s, false), HTTPC_DONE);
	assert_true(h.body_full);
	assert_int_equal(h.body_len, BODY_MAX);
	free(s);
	/* Without a body buffer the body is read, not kept. */
	httpc_init(&h, NULL, NULL, 0, 4096);
	assert_int_equal(httpc_feed(&h, r, sizeof(r) - 1), HTTPC_DONE);
	assert_int_equal(h.body_len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(content_length),
		cmocka_unit_test(until_the_end),
		cmocka_unit_test(chunked),
		cmocka_unit_test(interim_and_empty),
		cmocka_unit_test(not_http),
		cmocka_unit_test(the_end_of_the_stream),
		cmocka_unit_test(load_header),
		cmocka_unit_test(limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
