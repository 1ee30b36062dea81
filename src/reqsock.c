/* reqsock.c -- a listening stream socket: one request, one reply, close */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

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
	unsigned long	 seq;		/* accept order: lower is older */
	struct sockaddr_storage peer;
	socklen_t	 peerlen;
};

struct reqsock {
	struct ev_loop		*loop;
	struct reqsock_params	 p;
	int			 fd;
	ev_io			 aw;
	ev_timer		 backoff;	/* accept paused: descriptors */
	bool			 stalled;	/* in an episode (logged once) */
	unsigned long		 stalls, seq;
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
	if ((len = p->complete(c->in, c->inlen, n == 0)) == REQSOCK_BAD) {
		reply(c, xstrdup(p->bad), strlen(p->bad));
		return;
	}
	if (len == 0) {
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
	if (p->handle_at != NULL) {
		struct sockaddr_storage	 ss;
		socklen_t		 sl = sizeof(ss);

		memset(&ss, 0, sizeof(ss));
		if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == -1)
			ss.ss_family = AF_UNSPEC;
		p->handle_at(p->arg, (struct sockaddr *)&ss, c->in, len, &out,
		    &olen);
	} else
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

/* Do a and b (as accept() gave them) come from the same address? */
static bool
same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return false;
	switch (a->ss_family) {
	case AF_INET:
		a4 = (const void *)a;
		b4 = (const void *)b;
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	case AF_INET6:
		a6 = (const void *)a;
		b6 = (const void *)b;
		return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	default:
		return false;	/* unix: no source to tell apart */
	}
}

/*
 * A slot for a new connection from peer: a free one, else (evict) the
 * oldest one's, closed; NULL: refuse it.  A source at per_source gives
 * up its own oldest, so that it cannot take the others' turns.
 */
static struct conn *
slot_for(struct reqsock *rs, const struct sockaddr_storage *peer)
{
	struct conn	*c, *free_ = NULL, *oldest = NULL, *mine = NULL;
	size_t		 i, nmine = 0;

	for (i = 0; i < rs->p.max_clients; i++) {
		c = &rs->conns[i];
		if (!c->used) {
			if (free_ == NULL)
				free_ = c;
			continue;
		}
		if (oldest == NULL || c->seq < oldest->seq)
			oldest = c;
		if (rs->p.per_source > 0 && same_source(&c->peer, peer)) {
			nmine++;
			if (mine == NULL || c->seq < mine->seq)
				mine = c;
		}
	}
	if (rs->p.per_source > 0 && nmine >= rs->p.per_source) {
		if (!rs->p.evict)
			return NULL;
		conn_close(mine);
		return mine;
	}
	if (free_ != NULL)
		return free_;
	if (!rs->p.evict || oldest == NULL)
		return NULL;
	conn_close(oldest);
	return oldest;
}

static void
backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct reqsock	*rs = w->data;

	(void)revents;
	ev_io_start(loop, &rs->aw);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct reqsock		*rs = w->data;
	struct conn		*c;
	struct sockaddr_storage	 peer;
	socklen_t		 plen;
	int			 fd;

	(void)revents;
	for (;;) {
		plen = sizeof(peer);
		memset(&peer, 0, sizeof(peer));
		fd = accept4(rs->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/*
				 * The connection stays in the backlog and
				 * the socket readable: accepting again at
				 * once would spin.  Pause, log once per
				 * episode.
				 */
				rs->stalls++;
				if (!rs->stalled)
					log_warn("%s: accept (pausing; logged "
					    "once until one succeeds)",
					    rs->p.what);
				rs->stalled = true;
				ev_io_stop(loop, &rs->aw);
				ev_timer_stop(loop, &rs->backoff);
				ev_timer_set(&rs->backoff, REQSOCK_BACKOFF, 0);
				ev_timer_start(loop, &rs->backoff);
			} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("%s: accept", rs->p.what);
			return;
		}
		if (rs->stalled) {
			log_info("%s: accepting again", rs->p.what);
			rs->stalled = false;
		}
		if ((c = slot_for(rs, &peer)) == NULL) {
			close(fd);
			continue;
		}
		c->rs = rs;
		c->used = true;
		c->fd = fd;
		c->seq = ++rs->seq;
		c->peer = peer;
		c->peerlen = plen;
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

unsigned long
reqsock_accept_stalls(const struct reqsock *rs)
{
	return rs != NULL ? rs->stalls : 0;
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
	ev_timer_init(&rs->backoff, backoff_cb, REQSOCK_BACKOFF, 0);
	rs->backoff.data = rs;
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
	ev_timer_stop(rs->loop, &rs->backoff);
	close(rs->fd);
	free(rs->conns);
	free(rs);
}
