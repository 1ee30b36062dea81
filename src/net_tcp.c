/* net_tcp.c -- DNS over TCP (RFC 7766): framing, pipelining, idle timeout */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "log.h"
#include "net_tcp.h"
#include "util.h"
#include "wire.h"

#define TCP_SNDBUF	65536	/* a connection's kernel send buffer */

static void	conn_read_cb(struct ev_loop *, ev_io *, int);
static void	conn_write_cb(struct ev_loop *, ev_io *, int);
static void	conn_idle_cb(struct ev_loop *, ev_timer *, int);
static void	accept_cb(struct ev_loop *, ev_io *, int);

int
tcp_open(const struct sockaddr *sa, socklen_t len)
{
	int	 fd, on = 1, sndbuf = TCP_SNDBUF;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1)
		goto fail;
	if (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/*
	 * Accepted sockets inherit it: a client that never reads holds at
	 * most this much of the kernel's memory (doubled by the kernel),
	 * not tcp_wmem's 4 MB, before our own bounded queue takes over.
	 * A whole 64 KiB answer still fits.
	 */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (bind(fd, sa, len) == -1 || listen(fd, 1024) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void
list_unlink(struct tcp_conn *c)
{
	struct tcp_server	*s = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->oldest = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		s->newest = c->prev;
	c->prev = c->next = NULL;
}

static void
list_append(struct tcp_conn *c)
{
	struct tcp_server	*s = c->srv;

	c->prev = s->newest;
	c->next = NULL;
	if (s->newest != NULL)
		s->newest->next = c;
	else
		s->oldest = c;
	s->newest = c;
}

/*
 * The connection did something useful: a whole query came in, or every
 * answer went out.  Only then does its time start again; single bytes
 * do not count, so a query must arrive whole within tcp_timeout of the
 * one before (or of the connection's start), and a client that reads
 * a byte now and then does not keep its slot either.
 */
static void
conn_touch(struct tcp_conn *c)
{
	ev_timer_again(c->srv->loop, &c->idle);
	if (c->srv->newest != c) {
		list_unlink(c);
		list_append(c);
	}
}

/* Idle: nothing half-read, nothing waiting to be sent. */
static bool
conn_idle(const struct tcp_conn *c)
{
	return c->inlen == 0 && c->outlen == c->outoff;
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr)) == 0;
	}
	return false;
}

/* How many open connections come from peer's address (stops at max). */
static unsigned
count_source(const struct tcp_server *s, const struct sockaddr_storage *peer,
    unsigned max)
{
	const struct tcp_conn	*c;
	unsigned		 n = 0;

	for (c = s->oldest; c != NULL && n < max; c = c->next)
		if (same_addr(&c->peer, peer))
			n++;
	return n;
}

static void
queued_sub(struct tcp_server *s, size_t n)
{
	/* Only this thread writes it, as answer_stat_add(). */
	atomic_store_explicit(&s->queued, answer_stat_get(&s->queued) - n,
	    memory_order_relaxed);
}

static void
conn_close(struct tcp_conn *c)
{
	struct tcp_server	*s = c->srv;

	list_unlink(c);
	queued_sub(s, c->outlen - c->outoff);
	ev_io_stop(s->loop, &c->rw);
	ev_io_stop(s->loop, &c->ww);
	ev_timer_stop(s->loop, &c->idle);
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = c->outcap = 0;
	c->next_free = s->free_conns;
	s->free_conns = c;
	s->nconns--;
	answer_stat_add(&s->closed, 1);
	if (s->stopping && s->nconns == 0)
		ev_break(s->loop, EVBREAK_ALL);
}

/* Queue bytes that the socket would not take now (the slow path). */
static void
conn_queue(struct tcp_conn *c, const uint8_t *p, size_t n)
{
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	/* conn_process() stops at NET_TCP_OUTMAX: one answer more fits. */
	assert(c->outlen + n <= NET_TCP_OUTCAP);
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		if (c->outcap > NET_TCP_OUTCAP)
			c->outcap = NET_TCP_OUTCAP;
		c->out = xreallocarray(c->out, c->outcap, 1);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
	answer_stat_add(&c->srv->queued, n);
	ev_io_start(c->srv->loop, &c->ww);
}

/* Send one framed answer: straight to the socket unless output waits. */
static int
conn_send(struct tcp_conn *c, const uint8_t *p, size_t n)
{
	ssize_t	 w = 0;

	if (c->outlen == c->outoff) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			w = 0;
		}
	}
	if ((size_t)w < n)
		conn_queue(c, p + w, n - w);
	return 0;
}

/* Answer every whole message in the input buffer. */
static int
conn_process(struct tcp_conn *c)
{
	struct tcp_server	*s = c->srv;
	struct answer_env	 env;
	size_t			 off = 0, mlen, len;

	rcu_read_lock();
	net_env(&s->ctx, &env, true);
	env.now = net_now();
	env.client = (const struct sockaddr *)&c->peer;
	/* A client that does not read gets no more answers. */
	while (c->inlen - off >= 2 && c->outlen - c->outoff < NET_TCP_OUTMAX) {
		mlen = wire_get16(c->in + off);
		if (mlen > NET_TCP_IN) {
			rcu_read_unlock();
			return -1;	/* no query is that large */
		}
		if (c->inlen - off < 2 + mlen)
			break;
		len = answer_query(&env, c->in + off + 2, mlen, s->out + 2,
		    ANSWER_TCP_MAX);
		if (net_qlog_draw(&s->ctx))
			net_qlog(env.client, true, c->in + off + 2, mlen,
			    s->out + 2, len);
		off += 2 + mlen;
		if (len == 0)
			continue;
		wire_put16(s->out, len);
		if (conn_send(c, s->out, len + 2) == -1) {
			rcu_read_unlock();
			return -1;
		}
	}
	rcu_read_unlock();
	if (off > 0) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
		conn_touch(c);
	}
	return 0;
}

static void
conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tcp_conn	*c = w->data;
	ssize_t		 n;

	(void)revents;
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n == 0) {
		conn_close(c);
		return;
	}
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c);
		return;
	}
	c->inlen += n;
	if (conn_process(c) == -1) {
		conn_close(c);
		return;
	}
	/* Back-pressure: read again when everything queued has gone. */
	if (c->outlen - c->outoff >= NET_TCP_OUTMAX)
		ev_io_stop(loop, &c->rw);
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tcp_conn	*c = w->data;
	ssize_t		 n;

	(void)revents;
	n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
	    MSG_NOSIGNAL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c);
		return;
	}
	c->outoff += n;
	queued_sub(c->srv, n);
	if (c->outoff < c->outlen)
		return;
	c->outoff = c->outlen = 0;
	ev_io_stop(loop, &c->ww);
	conn_touch(c);
	if (c->srv->stopping) {
		/*
		 * Whole queries held back while the queue was full are
		 * answered before we go; half a query is not waited for.
		 */
		if (conn_process(c) == -1 || c->outlen == c->outoff)
			conn_close(c);
		return;
	}
	if (!ev_is_active(&c->rw)) {
		ev_io_start(loop, &c->rw);
		/* Messages may wait in the input buffer. */
		if (conn_process(c) == -1)
			conn_close(c);
	}
}

static void
conn_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tcp_conn	*c = w->data;

	(void)loop;
	(void)revents;
	answer_stat_add(&c->srv->timeouts, 1);
	conn_close(c);
}

static void
listeners_set(struct tcp_server *s, bool on)
{
	size_t	 i;

	for (i = 0; i < s->nl; i++)
		if (on)
			ev_io_start(s->loop, &s->l[i].w);
		else
			ev_io_stop(s->loop, &s->l[i].w);
}

static void
backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tcp_server	*s = w->data;
	size_t			 i;

	(void)loop;
	(void)revents;
	if (s->stopping)
		return;
	listeners_set(s, true);
	for (i = 0; i < s->nl && !ev_is_active(&s->backoff); i++)
		accept_cb(s->loop, &s->l[i].w, EV_READ);
}

/*
 * accept() failed for want of descriptors or memory.  The connection
 * stays in the backlog and the listener stays readable, so trying
 * again at once would spin: pause every listener of this worker for a
 * moment instead, and say so once, until the backlog has been emptied.
 */
static void
accept_starved(struct tcp_server *s)
{
	answer_stat_add(&s->accept_paused, 1);
	if (!s->starved) {
		s->starved = true;
		log_warn("tcp accept: pausing accepts for %.1f s at a time "
		    "until descriptors are free", NET_TCP_BACKOFF);
	}
	listeners_set(s, false);
	ev_timer_set(&s->backoff, NET_TCP_BACKOFF, 0.);
	ev_timer_start(s->loop, &s->backoff);
}

/* The least recently active idle connection, or NULL. */
static struct tcp_conn *
oldest_idle(const struct tcp_server *s)
{
	struct tcp_conn	*c;

	for (c = s->oldest; c != NULL; c = c->next)
		if (conn_idle(c))
			return c;
	return NULL;
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tcp_listener	*l = w->data;
	struct tcp_server	*s = l->srv;
	struct tcp_conn		*c;
	struct sockaddr_storage	 peer;
	socklen_t		 plen;
	int			 fd, i;

	(void)revents;
	for (i = 0; i < 64; i++) {
		plen = sizeof(peer);
		fd = accept4(l->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				accept_starved(s);
			else if (errno == EAGAIN && s->starved) {
				/* The backlog is empty: the episode is over. */
				s->starved = false;
				log_info("tcp accept: descriptors free again");
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("tcp accept");
			return;
		}
		if (s->per_source < s->maxconns &&
		    count_source(s, &peer, s->per_source) >= s->per_source) {
			answer_stat_add(&s->source_refused, 1);
			close(fd);
			continue;
		}
		if (s->free_conns == NULL && (c = oldest_idle(s)) != NULL) {
			/* Full: the idle one waiting longest makes room. */
			answer_stat_add(&s->evicted, 1);
			conn_close(c);
		}
		if ((c = s->free_conns) == NULL) {
			/* Full of busy ones: close at once (RFC 7766 6.2.2). */
			answer_stat_add(&s->refused, 1);
			close(fd);
			continue;
		}
		s->free_conns = c->next_free;
		s->nconns++;
		answer_stat_add(&s->accepted, 1);
		c->fd = fd;
		c->inlen = 0;
		c->peer = peer;
		ev_io_init(&c->rw, conn_read_cb, fd, EV_READ);
		c->rw.data = c;
		ev_io_init(&c->ww, conn_write_cb, fd, EV_WRITE);
		c->ww.data = c;
		ev_init(&c->idle, conn_idle_cb);
		c->idle.repeat = s->timeout;
		c->idle.data = c;
		list_append(c);
		ev_timer_again(loop, &c->idle);
		ev_io_start(loop, &c->rw);
	}
}

void
tcp_server_init(struct tcp_server *s, const int *fds, size_t nl,
    unsigned maxconns, unsigned per_source, double timeout, unsigned row)
{
	unsigned	 i;

	memset(s, 0, sizeof(*s));
	s->l = xcalloc(nl + 1, sizeof(*s->l));
	for (s->nl = 0; s->nl < nl; s->nl++) {
		s->l[s->nl].fd = fds[s->nl];
		s->l[s->nl].srv = s;
	}
	s->maxconns = maxconns;
	s->per_source = per_source;
	s->timeout = timeout;
	ev_init(&s->backoff, backoff_cb);
	s->backoff.data = s;
	s->out = xmalloc(2 + ANSWER_TCP_MAX);
	net_ctx_init(&s->ctx, row);
	s->conns = xcalloc(maxconns, sizeof(*s->conns));
	for (i = maxconns; i-- > 0;) {
		s->conns[i].fd = -1;
		s->conns[i].srv = s;
		s->conns[i].next_free = s->free_conns;
		s->free_conns = &s->conns[i];
	}
}

void
tcp_server_start(struct tcp_server *s, struct ev_loop *loop)
{
	size_t	 i;

	s->loop = loop;
	for (i = 0; i < s->nl; i++) {
		ev_io_init(&s->l[i].w, accept_cb, s->l[i].fd, EV_READ);
		s->l[i].w.data = &s->l[i];
		ev_io_start(loop, &s->l[i].w);
	}
}

unsigned
tcp_server_stop(struct tcp_server *s)
{
	struct tcp_conn	*c;
	unsigned	 i, k;

	/*
	 * Connections the kernel completed but we had not accepted yet may
	 * hold queries too: take them in, then answer what every
	 * connection already received.
	 */
	for (i = 0; i < s->nl && !ev_is_active(&s->backoff); i++)
		accept_cb(s->loop, &s->l[i].w, EV_READ);
	listeners_set(s, false);
	ev_timer_stop(s->loop, &s->backoff);
	s->stopping = true;
	for (i = 0; i < s->maxconns; i++) {
		c = &s->conns[i];
		if (c->fd == -1)
			continue;
		/* Queries already received are answered before we go. */
		for (k = 0; k < 16 && c->fd != -1 && ev_is_active(&c->rw); k++)
			conn_read_cb(s->loop, &c->rw, EV_READ);
		if (c->fd != -1 && c->outlen == c->outoff)
			conn_close(c);
	}
	return s->nconns;
}

void
tcp_server_fini(struct tcp_server *s)
{
	size_t	 i;

	for (i = 0; s->conns != NULL && i < s->maxconns; i++)
		if (s->conns[i].fd != -1) {
			close(s->conns[i].fd);
			free(s->conns[i].out);
		}
	for (i = 0; i < s->nl; i++)
		close(s->l[i].fd);
	free(s->conns);
	free(s->l);
	free(s->out);
	memset(s, 0, sizeof(*s));
}
