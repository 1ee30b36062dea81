/* check_util.c -- what every check kind uses while it runs */
/* SPDX-License-Identifier: ISC */
#include "config.h"

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
	ev_timer_stop(t->loop, &t->tmo);
	ev_timer_set(&t->tmo, t->ck->timeout, 0);
	ev_timer_start(t->loop, &t->tmo);
}

void
check_done(struct check_target *t, enum probe_result r, const char *reason,
    int detail, uint64_t rtt_us)
{
	ev_timer_stop(t->loop, &t->tmo);
	t->running = false;
	t->done(t, r, reason, detail, rtt_us);
}
