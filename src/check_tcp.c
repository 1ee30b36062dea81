/* check_tcp.c -- "tcp": a non-blocking connect */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <ev.h>

#include "check.h"
#include "check_target.h"
#include "conf_schema.h"
#include "util.h"

/*
 * A target keeps its socket between runs: after each run the socket is
 * disconnected (connect() to AF_UNSPEC, which resets an open connection
 * as closing with SO_LINGER 0 would) and the next run connects it again
 * from a new ephemeral port.  That spares socket(), setsockopt() and
 * close(), two fifths of a check's system calls.  The socket is never
 * handed to another target: a reconnected socket's initial sequence
 * number follows from its last connection's, so only the target that
 * saw that connection could predict it, as with a fresh socket.
 *
 * Kept sockets are bounded by half the descriptor limit, read when the
 * first run ends (the prober raises the limit before that); past it a
 * run closes its socket as before.  Only one prober holds sockets at a
 * time: a reload frees the old one before the new one starts.
 */
struct tcp_state {
	size_t	 kept;			/* targets holding a socket */
	size_t	 max_kept;		/* SIZE_MAX: not read yet */
};

static void *
tcp_start(struct ev_loop *loop)
{
	struct tcp_state	*s;

	(void)loop;
	s = xcalloc(1, sizeof(*s));
	s->max_kept = SIZE_MAX;
	return s;
}

static void
tcp_stop(void *state)
{
	free(state);
}

static size_t
max_kept(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur / 2 > SIZE_MAX - 1)
		return SIZE_MAX - 1;
	return (size_t)(rl.rlim_cur / 2);
}

/* The run is over: keep t's socket for the next one, or close it. */
static void
tcp_release(struct check_target *t)
{
	static const struct sockaddr	 unspec = { .sa_family = AF_UNSPEC };
	struct tcp_state		*s = t->kstate;
	bool				 was_kept = t->kept;

	ev_io_stop(t->loop, &t->io);
	if (t->fd == -1)
		return;
	if (s->max_kept == SIZE_MAX)
		s->max_kept = max_kept();
	if ((was_kept || s->kept < s->max_kept) &&
	    connect(t->fd, &unspec, sizeof(unspec)) == 0) {
		if (!was_kept)
			s->kept++;
		t->kept = true;
		return;
	}
	if (was_kept)
		s->kept--;
	t->kept = false;
	close(t->fd);
	t->fd = -1;
}

static void
tcp_fini(struct check_target *t)
{
	struct tcp_state	*s = t->kstate;

	if (t->kept)
		s->kept--;
	t->kept = false;
	check_sock_close(t);
}

static void
connect_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check_target	*t = w->data;
	socklen_t		 len = sizeof(int);
	uint64_t		 rtt;
	int			 err = 0;

	(void)loop;
	rtt = check_clock_us() - t->t0;
	/*
	 * Watched for reading and writing: a failed connect is readable
	 * too (EPOLLERR, EPOLLHUP), a fresh connection only writable unless
	 * the server spoke first.  Only then is the outcome worth a call:
	 * connect() again, which tells an open connection (0) from a failed
	 * one (its error) by the socket's state.  SO_ERROR alone could not:
	 * a kept socket's error is cleared before it is watched, and one
	 * that came in between would read as success.
	 */
	if (revents != EV_WRITE &&
	    connect(t->fd, (struct sockaddr *)&t->ss, t->sslen) == -1 &&
	    errno != EISCONN) {
		err = errno;
		if (err == EALREADY) {
			/* Still in flight: drop whatever woke us, wait on. */
			(void)getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len);
			return;
		}
	}
	tcp_release(t);
	if (err == 0)
		check_done(t, PROBE_OK, NULL, 0, rtt > 0 ? rtt : 1);
	else
		check_done(t, PROBE_REFUSED, NULL, err, 0);
}

/* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
static bool
loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return ((const uint8_t *)&sin->sin_addr)[0] == 127;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
	    (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
	    sin6->sin6_addr.s6_addr[12] == 127);
}

static void
tcp_run(struct check_target *t)
{
	static const struct linger	 nolinger = { 1, 0 };
	socklen_t			 len = sizeof(int);
	int				 fd, err;

	if (t->fd == -1) {
		if ((fd = check_sock_open(t, SOCK_STREAM)) == -1)
			return;
		/*
		 * Close with a reset: a check that closes thousands of
		 * connections a second would otherwise leave as many in
		 * TIME_WAIT on our side.
		 */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &nolinger,
		    sizeof(nolinger));
	}
	fd = t->fd;
	if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == 0) {
		/* Loopback may connect at once. */
		tcp_release(t);
		check_done(t, PROBE_OK, NULL, 0, check_clock_us() - t->t0 + 1);
		return;
	}
	/*
	 * To a loopback address the kernel runs the whole handshake within
	 * connect(): asked again, connect() tells the outcome at once, which
	 * saves the watcher, a pass of the loop and SO_ERROR, a third of the
	 * system calls of a check.  Elsewhere the outcome is a round trip
	 * away, and asking again would only cost a call.
	 */
	if (errno == EINPROGRESS && loopback(&t->ss)) {
		if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == 0 ||
		    errno == EISCONN) {
			tcp_release(t);
			check_done(t, PROBE_OK, NULL, 0, check_clock_us() -
			    t->t0 + 1);
			return;
		}
		if (errno == EALREADY)
			errno = EINPROGRESS;	/* not yet: watch it */
	}
	if (errno != EINPROGRESS) {
		err = errno;
		tcp_release(t);
		check_connect_failed(t, err);
		return;
	}
	/*
	 * A kept socket may still carry the error of its last connection
	 * (a reset one, or one given up on): it would wake the watcher at
	 * once.  Clear it; connect_cb() asks the socket's state instead.
	 */
	if (t->kept)
		(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	ev_io_init(&t->io, connect_cb, fd, EV_READ | EV_WRITE);
	t->io.data = t;
	ev_io_start(t->loop, &t->io);
	check_timer_start(t);
}

static const struct conf_key	 tcp_keys[] = { { NULL } };

const struct check_kind check_kind_tcp = {
	.name = "tcp",
	.doc = "a TCP connect to the address and port",
	.needs_port = true,
	.keys = tcp_keys,
	.start = tcp_start,
	.stop = tcp_stop,
	.target_fini = tcp_fini,
	.run = tcp_run,
	.cancel = tcp_release,
};
