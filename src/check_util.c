/* check_util.c -- what every check kind uses while it runs */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "check_target.h"
#include "conf.h"

uint64_t
check_clock_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
check_sock_open(struct check_target *t, int type)
{
	char	 reason[CHECK_REASON_MAX];
	int	 fd, err;
#ifdef IP_BIND_ADDRESS_NO_PORT
	int	 one = 1;
#endif

	fd = socket(t->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		check_done(t, PROBE_LOCAL_ERROR, NULL, errno, 0);
		return -1;
	}
	if (t->src != NULL) {
#ifdef IP_BIND_ADDRESS_NO_PORT
		/*
		 * bind() would choose the port alone, without the peer, and
		 * one source address has only some 28,000 of them; let
		 * connect() choose by the whole four-tuple.
		 */
		if (type == SOCK_STREAM)
			(void)setsockopt(fd, IPPROTO_IP,
			    IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
#endif
		if (bind(fd, (const struct sockaddr *)&t->src->ss,
		    t->src->sslen) == -1) {
			err = errno;
			close(fd);
			snprintf(reason, sizeof(reason), "local error: source "
			    "%s: %s", t->src->text, strerror(err));
			check_done(t, PROBE_LOCAL_ERROR, reason, err, 0);
			return -1;
		}
	}
	t->fd = fd;
	return fd;
}

void
check_sock_close(struct check_target *t)
{
	ev_io_stop(t->loop, &t->io);
	if (t->fd != -1) {
		close(t->fd);
		t->fd = -1;
	}
}

void
check_timer_start(struct check_target *t)
{
	double	 behind;

	/*
	 * libev times from the start of this iteration, which may be long
	 * gone when many runs start in it: the limit counts from now.
	 */
	behind = ev_time() - ev_now(t->loop);
	if (behind < 0)
		behind = 0;
	/* The run counts from here: an exec command may have waited. */
	t->t0 = check_clock_us();
	ev_timer_stop(t->loop, &t->tmo);
	ev_timer_set(&t->tmo, t->ck->timeout + behind, 0);
	ev_timer_start(t->loop, &t->tmo);
}

void
check_connect_failed(struct check_target *t, int err)
{
	/* Out of something on our side, or the target said no. */
	if (err == ENOBUFS || err == ENOMEM || err == EADDRNOTAVAIL ||
	    err == EAGAIN || err == EMFILE || err == ENFILE)
		check_done(t, PROBE_LOCAL_ERROR, NULL, err, 0);
	else
		check_done(t, PROBE_REFUSED, NULL, err, 0);
}

void
check_done(struct check_target *t, enum probe_result r, const char *reason,
    int detail, uint64_t rtt_us)
{
	ev_timer_stop(t->loop, &t->tmo);
	t->running = false;
	t->done(t, r, reason, detail, rtt_us);
}
