/* http.c -- a small HTTP/1.1 server for metrics and the status page */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	char		*listen;	/* the address as configured */
	char		**hosts;	/* metrics_hosts */
	size_t		 nhosts;
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
	case 421:
		return "Misdirected Request";
	default:
		return "Internal Server Error";
	}
}

/*
 * The request is whole at the empty line that ends its headers.  A NUL,
 * a control character other than tab, CR and LF, or DEL before it, or a
 * byte over 0x7f in the request line, makes it bad at once: no good
 * client sends one, and waiting would only hold the slot.
 */
size_t
http_complete(const char *buf, size_t len, int eof)
{
	size_t		 i;
	bool		 line1 = true;
	unsigned char	 b;

	(void)eof;
	for (i = 0; i < len; i++) {
		b = (unsigned char)buf[i];
		if (b == '\n') {
			if (i >= 1 && buf[i - 1] == '\n')
				return i + 1;
			if (i >= 3 && buf[i - 1] == '\r' && buf[i - 2] == '\n' &&
			    buf[i - 3] == '\r')
				return i + 1;
			line1 = false;
			continue;
		}
		if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7f ||
		    (line1 && b > 0x7f))
			return REQSOCK_BAD;
	}
	return 0;
}

/*
 * The value of the Host header of req (the head, NUL-terminated) into
 * buf: 1 found, 0 none, -1 more than one or too long.  Pure.
 */
int
http_header_host(const char *req, char *buf, size_t len)
{
	const char	*l, *e, *v, *ve;
	int		 found = 0;

	if ((l = strchr(req, '\n')) == NULL)
		return 0;
	/* Each line l..e (e: its '\n' or the end); stop at the empty one. */
	for (l++; *l != '\0' && *l != '\r' && *l != '\n'; l = e + 1) {
		if ((e = strchr(l, '\n')) == NULL)
			e = l + strlen(l);
		if (strncasecmp(l, "host:", 5) == 0) {
			if (found)
				return -1;
			for (v = l + 5; *v == ' ' || *v == '\t'; v++)
				;
			for (ve = e; ve > v && (ve[-1] == '\r' ||
			    ve[-1] == ' ' || ve[-1] == '\t'); ve--)
				;
			if ((size_t)(ve - v) >= len)
				return -1;
			memcpy(buf, v, ve - v);
			buf[ve - v] = '\0';
			found = 1;
		}
		if (*e == '\0')
			break;
	}
	return found;
}

/*
 * May a request with this Host be answered?  The address as configured,
 * the address it came in on as an IP literal with the port, or a
 * metrics_hosts name (alone or with the port).  Anything else may be a
 * page in a browser whose name was rebound to us.
 */
static bool
host_ok(const struct http *h, const struct sockaddr *local, const char *host)
{
	char		 a[INET6_ADDRSTRLEN], lit[INET6_ADDRSTRLEN + 10];
	unsigned	 port = 0;
	size_t		 i, n;

	if (h->listen != NULL && strcasecmp(host, h->listen) == 0)
		return true;
	if (local->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)local;

		port = ntohs(s4->sin_port);
		if (inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a)) != NULL) {
			snprintf(lit, sizeof(lit), "%s:%u", a, port);
			if (strcasecmp(host, lit) == 0)
				return true;
		}
	} else if (local->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)local;

		port = ntohs(s6->sin6_port);
		if (inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)) != NULL) {
			snprintf(lit, sizeof(lit), "[%s]:%u", a, port);
			if (strcasecmp(host, lit) == 0)
				return true;
		}
	}
	for (i = 0; i < h->nhosts; i++) {
		n = strlen(h->hosts[i]);
		if (strncasecmp(host, h->hosts[i], n) != 0)
			continue;
		if (host[n] == '\0')
			return true;
		snprintf(lit, sizeof(lit), ":%u", port);
		if (port != 0 && strcmp(host + n, lit) == 0)
			return true;
	}
	return false;
}

static void
handle(void *arg, const struct sockaddr *local, const char *req, size_t len,
    char **out, size_t *olen)
{
	struct http		*h = arg;
	struct http_reply	 r;
	char			 method[16], path[2048], head[256], host[256];
	const char		*eol;
	int			 hl, nh;
	bool			 head_only = false, v10;

	memset(&r, 0, sizeof(r));
	nh = http_header_host(req, host, sizeof(host));
	eol = strchr(req, '\n');
	v10 = eol != NULL && eol - req >= 8 && strncmp(eol - (eol[-1] == '\r' ?
	    9 : 8), "HTTP/1.0", 8) == 0;
	if (http_parse_request(req, len, method, sizeof(method), path,
	    sizeof(path)) == -1 || nh == -1 || (nh == 0 && !v10)) {
		/* HTTP/1.1 wants exactly one Host (RFC 9112 3.2). */
		r.status = 400;
		r.body = xstrdup("bad request\n");
	} else if (nh == 1 && !host_ok(h, local, host)) {
		r.status = 421;
		r.body = xstrdup("not served under this Host; see "
		    "metrics_hosts in steerdns.conf(5)\n");
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
    const char *listen_text, char *const *hosts, size_t nhosts,
    http_handler *handler, void *arg)
{
	struct reqsock_params	 p = {
		.what = "metrics",
		.max_req = HTTP_REQ_MAX,
		.timeout = HTTP_TIMEOUT,
		.max_clients = HTTP_CLIENTS,
		.evict = true,
		.per_source = HTTP_PER_SOURCE,
		.complete = http_complete,
		.handle_at = handle,
		.too_long = "HTTP/1.1 413 Request Entity Too Large\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n",
		.bad = "HTTP/1.1 400 Bad Request\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n",
	};
	struct http		*h;
	size_t			 i;
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
	h->listen = listen_text != NULL ? xstrdup(listen_text) : NULL;
	h->hosts = xcalloc(nhosts + 1, sizeof(*h->hosts));
	for (i = 0; i < nhosts; i++)
		h->hosts[i] = xstrdup(hosts[i]);
	h->nhosts = nhosts;
	p.arg = h;
	h->rs = reqsock_new(loop, fd, &p);
	return h;
}

void
http_free(struct http *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	reqsock_free(h->rs);
	for (i = 0; i < h->nhosts; i++)
		free(h->hosts[i]);
	free(h->hosts);
	free(h->listen);
	free(h);
}

unsigned long
http_accept_stalls(const struct http *h)
{
	return h != NULL ? reqsock_accept_stalls(h->rs) : 0;
}
