/* http.c -- a small HTTP/1.1 server for metrics and the status page */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "http.h"
#include "log.h"
#include "reqsock.h"
#include "util.h"

/*
 * Why not a library: the endpoint serves three GET paths on a loopback
 * address to a scraper and a browser.  Reading one request line and
 * writing one response with Connection: close is a few dozen lines on the
 * main loop we already have; libmicrohttpd would bring its own threads or
 * a second event loop to integrate.
 */

struct http {
	struct reqsock	*rs;
	http_handler	*handler;
	void		*arg;
};

int
http_parse_request(const char *req, size_t len, char *method, size_t mlen,
    char *path, size_t plen)
{
	const char	*sp1, *sp2, *eol;

	if ((eol = memchr(req, '\n', len)) == NULL)
		return -1;
	if ((sp1 = memchr(req, ' ', eol - req)) == NULL)
		return -1;
	if ((sp2 = memchr(sp1 + 1, ' ', eol - sp1 - 1)) == NULL)
		return -1;
	if ((size_t)(sp1 - req) >= mlen || (size_t)(sp2 - sp1 - 1) >= plen ||
	    sp2 == sp1 + 1 || sp1 == req)
		return -1;
	/* Within the line: the request need not end in a NUL. */
	if (eol - sp2 - 1 < 7 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -1;
	memcpy(method, req, sp1 - req);
	method[sp1 - req] = '\0';
	memcpy(path, sp1 + 1, sp2 - sp1 - 1);
	path[sp2 - sp1 - 1] = '\0';
	return 0;
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	default:
		return "Internal Server Error";
	}
}

/* The request is whole at the empty line that ends its headers. */
static size_t
complete(const char *buf, size_t len, int eof)
{
	const char	*e;

	(void)eof;
	if ((e = strstr(buf, "\r\n\r\n")) != NULL)
		return e - buf + 4;
	if ((e = strstr(buf, "\n\n")) != NULL)
		return e - buf + 2;
	(void)len;
	return 0;
}

static void
handle(void *arg, const char *req, size_t len, char **out, size_t *olen)
{
	struct http		*h = arg;
	struct http_reply	 r;
	char			 method[16], path[2048], head[256];
	int			 hl;
	bool			 head_only = false;

	memset(&r, 0, sizeof(r));
	if (http_parse_request(req, len, method, sizeof(method), path,
	    sizeof(path)) == -1) {
		r.status = 400;
		r.body = xstrdup("bad request\n");
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		r.status = 405;
		r.body = xstrdup("only GET and HEAD\n");
	} else {
		head_only = strcmp(method, "HEAD") == 0;
		h->handler(h->arg, path, &r);
		if (r.status == 0)
			r.status = 500;
	}
	if (r.body != NULL && r.len == 0)
		r.len = strlen(r.body);
	hl = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n\r\n", r.status,
	    status_text(r.status), r.ctype != NULL ? r.ctype :
	    "text/plain; charset=utf-8", r.len);
	*olen = hl + (head_only ? 0 : r.len);
	*out = xmalloc(*olen + 1);
	memcpy(*out, head, hl);
	if (!head_only && r.len > 0)
		memcpy(*out + hl, r.body, r.len);
	free(r.body);
}

struct http *
http_new(struct ev_loop *loop, const struct sockaddr *sa, socklen_t salen,
    http_handler *handler, void *arg)
{
	struct reqsock_params	 p = {
		.what = "metrics",
		.max_req = HTTP_REQ_MAX,
		.timeout = HTTP_TIMEOUT,
		.max_clients = HTTP_CLIENTS,
		.complete = complete,
		.handle = handle,
		.too_long = "HTTP/1.1 413 Request Entity Too Large\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n",
	};
	struct http		*h;
	int			 fd, on = 1;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("metrics: socket");
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, sa, salen) == -1 || listen(fd, 64) == -1) {
		log_warn("metrics: bind");
		close(fd);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->handler = handler;
	h->arg = arg;
	p.arg = h;
	h->rs = reqsock_new(loop, fd, &p);
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	reqsock_free(h->rs);
	free(h);
}
