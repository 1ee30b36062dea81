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
#define HTTP_CLIENTS	64	/* at once; one more closes the oldest */
#define HTTP_PER_SOURCE	8	/* from one address; one more closes its
				   oldest */

/*
 * Only requests whose Host is listen_text (the address as configured),
 * the local address as an IP literal with the port, or one of hosts
 * (alone or with the port) are answered; others get 421.
 */
struct http	*http_new(struct ev_loop *, const struct sockaddr *,
		    socklen_t, const char *listen_text, char *const *hosts,
		    size_t nhosts, http_handler *, void *arg);
void		 http_free(struct http *);
/* accept() stalls for want of descriptors (reqsock_accept_stalls()). */
unsigned long	 http_accept_stalls(const struct http *);

/*
 * How long the request head in buf is: 0 while incomplete, REQSOCK_BAD
 * (a NUL or control byte) to answer 400 at once.  Pure.
 */
size_t		 http_complete(const char *buf, size_t len, int eof);
/* The Host header's value: 1 found, 0 none, -1 two or too long.  Pure. */
int		 http_header_host(const char *req, char *buf, size_t len);

/* The request line "GET /path HTTP/1.1" -> method and path.  Pure. */
int		 http_parse_request(const char *req, size_t len, char *method,
		    size_t mlen, char *path, size_t plen);

#endif
