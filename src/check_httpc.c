/* check_httpc.c -- "http": our own HTTP/1.1 client on the prober's loop */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ev.h>

#include "check.h"
#include "check_http.h"
#include "check_target.h"
#include "conf.h"
#include "health.h"
#include "httpc.h"
#include "util.h"

/*
 * Plain HTTP does not need libcurl: one request written at once, one
 * response read with httpc.c.  libcurl spent over 100 µs of CPU a check
 * (set-up of a handle, its caches, its socket callbacks); this spends a
 * connect, a send, a read or two and a close (contrib/bench/probe-scale).
 */

#define READ_CHUNK	16384

/* One run in flight. */
struct httpc_run {
	struct httpc	 rd;
	size_t		 off;		/* request bytes sent */
	bool		 connected;
	char		*body;		/* CHECK_BODY_MAX + 1, or NULL */
};

/* A target: its request, made once. */
struct httpc_target {
	char		*req;
	size_t		 reqlen;
	struct httpc_run *run;
};

/* Is the header line s (a config "Name: value") named name? */
static bool
named(const char *s, const char *name)
{
	size_t	 n = strlen(name);

	return strncasecmp(s, name, n) == 0 && s[n] == ':';
}

/* Does a configured header replace (or, with no value, drop) name? */
static bool
replaced(const struct http_opts *o, const char *name)
{
	size_t	 i;

	for (i = 0; i < o->nheaders; i++)
		if (named(o->headers[i], name))
			return true;
	return false;
}

/* "Name:" and blanks only: it removes our header of that name. */
static bool
empty_header(const char *s)
{
	s = strchr(s, ':') + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

int
httpc_target_init(struct check_target *t)
{
	const struct http_opts	*o = t->ck->opts;
	struct httpc_target	*h;
	const char		*path = o->path != NULL ? o->path : "/";
	bool			 v6 = t->ss.ss_family == AF_INET6;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return -1;
	fprintf(f, "GET %s%s HTTP/1.1\r\n", path[0] == '/' ? "" : "/", path);
	if (!replaced(o, "Host")) {
		if (o->host != NULL)
			fprintf(f, "Host: %s\r\n", o->host);
		else if (t->port == 80)
			fprintf(f, v6 ? "Host: [%s]\r\n" : "Host: %s\r\n",
			    t->addr);
		else
			fprintf(f, v6 ? "Host: [%s]:%u\r\n" : "Host: %s:%u\r\n",
			    t->addr, t->port);
	}
	if (!replaced(o, "User-Agent"))
		fprintf(f, "User-Agent: %s\r\n", o->user_agent != NULL ?
		    o->user_agent : "steerdns-probe");
	if (!replaced(o, "Accept"))
		fputs("Accept: */*\r\n", f);
	/* One request a connection: the backend closes when it is done. */
	if (!replaced(o, "Connection"))
		fputs("Connection: close\r\n", f);
	for (i = 0; i < o->nheaders; i++)
		if (!empty_header(o->headers[i]))
			fprintf(f, "%s\r\n", o->headers[i]);
	fputs("\r\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return -1;
	}
	h = xcalloc(1, sizeof(*h));
	h->req = buf;
	h->reqlen = len;
	t->kt = h;
	return 0;
}

static void
run_free(struct httpc_target *h)
{
	if (h->run == NULL)
		return;
	free(h->run->body);
	free(h->run);
	h->run = NULL;
}

void
httpc_target_fini(struct check_target *t)
{
	struct httpc_target	*h = t->kt;

	if (h == NULL)
		return;
	run_free(h);
	free(h->req);
	free(h);
	t->kt = NULL;
}

void
httpc_cancel(struct check_target *t)
{
	check_sock_close(t);
	run_free(t->kt);
}

/* The run is decided: close, judge, report. */
static void
finish(struct check_target *t, enum httpc_status st)
{
	struct httpc_target	*h = t->kt;
	struct httpc_run	*r = h->run;
	uint64_t		 rtt = check_clock_us() - t->t0;

	check_sock_close(t);
	h->run = NULL;		/* check_done() may start other runs */
	switch (st) {
	case HTTPC_DONE:
		if (r->body != NULL)
			r->body[r->rd.body_len] = '\0';
		http_verdict(t, r->rd.status, r->body, r->rd.have_load ?
		    r->rd.load : NULL, rtt > 0 ? rtt : 1);
		break;
	case HTTPC_HUGE:
		check_done(t, PROBE_GARBAGE, "headers over 64 KiB", 0, 0);
		break;
	case HTTPC_BAD:
		check_done(t, PROBE_GARBAGE, NULL, 0, 0);
		break;
	default:
		/* Closed before a whole answer (or any). */
		check_done(t, PROBE_CLOSED, NULL, 0, 0);
		break;
	}
	free(r->body);
	free(r);
}

/* The socket is readable: as much of the response as is there. */
static void
reading(struct check_target *t)
{
	struct httpc_target	*h = t->kt;
	enum httpc_status	 st;
	char			 buf[READ_CHUNK];
	ssize_t			 n;

	for (;;) {
		n = recv(t->fd, buf, sizeof(buf), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == -1) {
			finish(t, HTTPC_SHORT);	/* reset by the peer */
			return;
		}
		st = n == 0 ? httpc_eof(&h->run->rd) :
		    httpc_feed(&h->run->rd, buf, n);
		if (st != HTTPC_MORE) {
			finish(t, st);
			return;
		}
		/* A short read emptied the socket: the loop says when more. */
		if ((size_t)n < sizeof(buf))
			return;
	}
}

/* Connected (or not), then the request goes out, then we read. */
static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check_target	*t = w->data;
	struct httpc_target	*h = t->kt;
	struct httpc_run	*r = h->run;
	socklen_t		 len = sizeof(int);
	ssize_t			 n;
	int			 err = 0;

	if (r->off == h->reqlen) {
		reading(t);
		return;
	}
	if (!r->connected) {
		if (revents != EV_WRITE &&
		    getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			check_sock_close(t);
			run_free(h);
			check_done(t, PROBE_REFUSED, NULL, err, 0);
			return;
		}
		r->connected = true;
	}
	n = send(t->fd, h->req + r->off, h->reqlen - r->off, MSG_NOSIGNAL);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		finish(t, HTTPC_NOTHING);	/* closed on us */
		return;
	}
	r->off += n;
	if (r->off == h->reqlen) {
		ev_io_stop(loop, w);
		ev_io_set(w, t->fd, EV_READ);
		ev_io_start(loop, w);
	}
}

void
httpc_run(struct check_target *t)
{
	static const struct linger	 nolinger = { 1, 0 };
	const struct http_opts		*o = t->ck->opts;
	struct httpc_target		*h = t->kt;
	struct httpc_run		*r;
	int				 fd, err;

	/* Only a verdict brings a figure; every other end: unknown. */
	http_set_load(t, HEALTH_LOAD_NONE);
	if ((fd = check_sock_open(t, SOCK_STREAM)) == -1)
		return;
	/* Done with it when the answer is read: no TIME_WAIT here. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &nolinger, sizeof(nolinger));
	r = xcalloc(1, sizeof(*r));
	if (o->body != NULL || o->load_body)
		r->body = xmalloc(CHECK_BODY_MAX + 1);
	httpc_init(&r->rd, o->load_header, r->body, r->body != NULL ?
	    CHECK_BODY_MAX : 0, CHECK_HEAD_MAX);
	h->run = r;
	if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == -1 &&
	    errno != EINPROGRESS) {
		err = errno;
		check_sock_close(t);
		run_free(h);
		check_connect_failed(t, err);
		return;
	}
	ev_io_init(&t->io, io_cb, fd, EV_READ | EV_WRITE);
	t->io.data = t;
	ev_io_start(t->loop, &t->io);
	check_timer_start(t);
}
