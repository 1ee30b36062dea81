/* httpc.h -- the response side of the plain http check: a pure,
 * incremental HTTP/1.x response reader */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_HTTPC_H
#define STEER_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTPC_LINE_MAX	1024	/* longer header lines are only counted */
#define HTTPC_LOAD_MAX	24

enum httpc_status {
	HTTPC_MORE,		/* give it more bytes */
	HTTPC_DONE,		/* the response is whole (or the body full) */
	HTTPC_BAD,		/* not an HTTP/1.x response */
	HTTPC_HUGE,		/* headers over the limit */
	HTTPC_SHORT,		/* at the end of the stream: cut short */
	HTTPC_NOTHING,		/* at the end of the stream: not a byte */
};

/*
 * One response being read.  The caller zeroes it (httpc_init()), gives
 * the bytes as they come (httpc_feed()) and the end of the stream
 * (httpc_eof()).  The body is kept in the caller's buffer, up to its
 * size; a full buffer ends the response (HTTPC_DONE, body_full).
 */
struct httpc {
	/* what the caller sets */
	const char	*load_header;	/* NULL: none wanted */
	char		*body;		/* NULL: the body is not kept */
	size_t		 body_max;
	size_t		 head_max;	/* all header bytes */
	/* what the reader found */
	int		 status;	/* of the final response */
	size_t		 body_len;
	bool		 body_full;
	bool		 have_load;
	char		 load[HTTPC_LOAD_MAX];
	/* the reader's own */
	int		 state;
	size_t		 got;		/* bytes fed, all told */
	size_t		 head_len;
	char		 line[HTTPC_LINE_MAX];
	size_t		 line_len;
	bool		 line_long;
	bool		 chunked;
	bool		 have_length;
	uint64_t	 left;		/* of the body or of this chunk */
};

void		 httpc_init(struct httpc *, const char *load_header,
		    char *body, size_t body_max, size_t head_max);
/* Read len more bytes.  HTTPC_MORE until the response is decided. */
enum httpc_status httpc_feed(struct httpc *, const char *data, size_t len);
/* The peer closed: DONE when a body read to the end is whole. */
enum httpc_status httpc_eof(struct httpc *);

#endif
