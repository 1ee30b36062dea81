/* reqsock.c -- a listening stream socket: one request, one reply, close */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"
#include "reqsock.h"
#include "util.h"

struct conn {
	struct reqsock	*rs;
	ev_io		 rw, ww;
	ev_timer	 tmo;
	int		 fd;
	char		*in;		/* max_req + 1 */
	size_t		 inlen;
	char		*out;
	size_t		 outlen, outoff;
	bool		 used;
};

struct reqsock {
	struct ev_loop		*loop;
	struct reqsock_params	 p;
	int			 fd;
	ev_io			 aw;
	struct conn		*conns;
};

static void
conn_close(struct conn *c)
{
	struct ev_loop	*loop = c->rs->loop;

	ev_io_stop(loop, &c->rw);
	ev_io_stop(loop, &c->ww);
	ev_timer_stop(loop, &c->tmo);
	close(c->fd);
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->used = false;
}

static void
write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	ssize_t		 n;

	(void)loop;
	(void)revents;
	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += n;
	}
	conn_close(c);
}

static void
reply(struct conn *c, char *out, size_t len)
{
	c->out = out;
	c->outlen = len;
	c->outoff = 0;
	ev_io_stop(c->rs->loop, &c->rw);
	ev_io_start(c->rs->loop, &c->ww);
	write_cb(c->rs->loop, &c->ww, EV_WRITE);
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn		*c = w->data;
	struct reqsock_params	*p = &c->rs->p;
	char			*out;
	size_t			 len, olen;
	ssize_t			 n;

	(void)loop;
	(void)revents;
	n = recv(c->fd, c->in + c->inlen, p->max_req - c->inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && c->inlen == 0)) {
		conn_close(c);
		return;
	}
	c->inlen += n;
	c->in[c->inlen] = '\0';
	if ((len = p->complete(c->in, c->inlen, n == 0)) == 0) {
		if (n == 0) {
			conn_close(c);
			return;
		}
		if (c->inlen == p->max_req)
			reply(c, xstrdup(p->too_long), strlen(p->too_long));
		return;
	}
	c->in[len] = '\0';
	out = NULL;
	olen = 0;
	p->handle(p->arg, c->in, len, &out, &olen);
	reply(c, out, olen);
}

static void
tmo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	conn_close(w->data);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct reqsock	*rs = w->data;
	struct conn	*c;
	size_t		 i;
	int		 fd;

	(void)revents;
	for (;;) {
		fd = accept4(rs->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("%s: accept", rs->p.what);
			return;
		}
		for (i = 0; i < rs->p.max_clients && rs->conns[i].used; i++)
			;
		if (i == rs->p.max_clients) {
			close(fd);
			continue;
		}
		c = &rs->conns[i];
		c->rs = rs;
		c->used = true;
		c->fd = fd;
		c->in = xmalloc(rs->p.max_req + 1);
		c->inlen = 0;
		ev_io_init(&c->rw, read_cb, fd, EV_READ);
		c->rw.data = c;
		ev_io_init(&c->ww, write_cb, fd, EV_WRITE);
		c->ww.data = c;
		ev_timer_init(&c->tmo, tmo_cb, rs->p.timeout, 0);
		c->tmo.data = c;
		ev_io_start(loop, &c->rw);
		ev_timer_start(loop, &c->tmo);
	}
}

struct reqsock *
reqsock_new(struct ev_loop *loop, int fd, const struct reqsock_params *p)
{
	struct reqsock	*rs;

	rs = xcalloc(1, sizeof(*rs));
	rs->loop = loop;
	rs->p = *p;
	rs->fd = fd;
	rs->conns = xcalloc(p->max_clients, sizeof(*rs->conns));
	ev_io_init(&rs->aw, accept_cb, fd, EV_READ);
	rs->aw.data = rs;
	ev_io_start(loop, &rs->aw);
	return rs;
}

void
reqsock_free(struct reqsock *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->p.max_clients; i++)
		if (rs->conns[i].used)
			conn_close(&rs->conns[i]);
	ev_io_stop(rs->loop, &rs->aw);
	close(rs->fd);
	free(rs->conns);
	free(rs);
}
