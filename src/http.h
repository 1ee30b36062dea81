/* http.h -- a small HTTP/1.1 server for metrics and the status page */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_HTTP_H
#define STEER_HTTP_H

#include <sys/socket.h>

#include <stddef.h>

struct ev_loop;
struct http;

/* What a handler answers: body is malloc'ed and handed over (or NULL). */
struct http_reply {
	int		 status;	/* 200, 404, ... */
	const char	*ctype;		/* static string */
	char		*body;
	size_t		 len;
};

/* Called for each GET or HEAD with the path (query string included). */
typedef void	 http_handler(void *arg, const char *path,
		    struct http_reply *);

/*
 * Listen on addr (TCP) on the given loop and answer each request with
 * handler.  One request per connection (Connection: close); a request
 * must arrive whole within HTTP_TIMEOUT seconds and HTTP_REQ_MAX bytes.
 * Returns NULL, having logged why, when the socket cannot be made.
 */
#define HTTP_TIMEOUT	5.0
#define HTTP_REQ_MAX	8192
#define HTTP_CLIENTS	64	/* at once; more are closed at once */

struct http	*http_new(struct ev_loop *, const struct sockaddr *,
		    socklen_t, http_handler *, void *arg);
void		 http_free(struct http *);

/* The request line "GET /path HTTP/1.1" -> method and path.  Pure. */
int		 http_parse_request(const char *req, size_t len, char *method,
		    size_t mlen, char *path, size_t plen);

#endif
