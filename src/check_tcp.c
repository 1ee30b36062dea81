/* check_tcp.c -- "tcp": a non-blocking connect */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include <ev.h>

#include "check.h"
#include "check_target.h"
#include "conf_schema.h"

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
	 * the server spoke first.  Only then is SO_ERROR worth a syscall.
	 */
	if (revents != EV_WRITE &&
	    getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	check_sock_close(t);
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
	int				 fd, err;

	if ((fd = check_sock_open(t, SOCK_STREAM)) == -1)
		return;
	/*
	 * Close with a reset: a check that closes thousands of connections a
	 * second would otherwise leave as many in TIME_WAIT on our side.
	 */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &nolinger, sizeof(nolinger));
	if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == 0) {
		/* Loopback may connect at once. */
		check_sock_close(t);
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
			check_sock_close(t);
			check_done(t, PROBE_OK, NULL, 0, check_clock_us() -
			    t->t0 + 1);
			return;
		}
		if (errno == EALREADY)
			errno = EINPROGRESS;	/* not yet: watch it */
	}
	if (errno != EINPROGRESS) {
		err = errno;
		check_sock_close(t);
		check_connect_failed(t, err);
		return;
	}
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
	.run = tcp_run,
	.cancel = check_sock_close,
};
