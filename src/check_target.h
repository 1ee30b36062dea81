/* check_target.h -- one probed target as the check kinds see it */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CHECK_TARGET_H
#define STEER_CHECK_TARGET_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "health.h"

struct check_kind;
struct conf_check;
struct conf_source;
struct check_target;

#define CHECK_REASON_MAX	128
#define CHECK_BODY_MAX		(64 * 1024)	/* HTTP body kept to match;
						   reading stops there */
#define CHECK_HEAD_MAX		(64 * 1024)	/* HTTP headers, all lines */
#define CHECK_EXEC_MAX		32	/* exec checks running at once */

/* Where a finished run goes: the prober's scheduler. */
typedef void	 check_done_fn(struct check_target *, enum probe_result,
		    const char *reason, int detail, uint64_t rtt_us);

/*
 * One probed target.  The prober owns it and its schedule; the kind runs
 * checks with the fields below and reports each run with check_done().
 * Every watcher is inside; w->data points here.
 */
struct check_target {
	struct ev_loop		*loop;		/* borrowed */
	const struct conf_check	*ck;		/* borrowed */
	const struct check_kind	*kind;		/* borrowed: ck->kind */
	void			*kstate;	/* the kind's shared state */
	void			*kt;		/* the kind's per-target state */
	const char		*label;		/* "192.0.2.10:80 (web)" */
	size_t			 slot;		/* in the health table */
	struct sockaddr_storage	 ss;		/* address and port probed */
	socklen_t		 sslen;
	char			 addr[64];	/* presentation form */
	uint16_t		 port;		/* with the kind's default */
	const struct conf_source *src;		/* borrowed: the prober's
						   source address for ss's
						   family; NULL: the
						   kernel picks */
	ev_timer		 tmo;		/* check_timer_start() */
	ev_io			 io;		/* a kind's socket */
	int			 fd;		/* -1: none */
	bool			 kept;		/* fd stays open between runs
						   (tcp: disconnected) */
	bool			 running;	/* a run is in flight */
	bool			 busy;		/* the kind still holds the
						   last run (a process) */
	uint64_t		 t0;		/* start, monotonic µs */
	struct health		*health;	/* borrowed: load figures */
	check_done_fn		*done;
	void			*owner;		/* the prober's */
};

/* Finish the run: reason NULL means check_reason() with detail. */
void		 check_done(struct check_target *, enum probe_result,
		    const char *reason, int detail, uint64_t rtt_us);
/*
 * Open t's socket: non-blocking, close-on-exec, of t's family and type
 * (SOCK_STREAM, SOCK_DGRAM), bound to t->src when there is one.  Returns
 * the descriptor, also in t->fd.  On failure the run is over: check_done()
 * with PROBE_LOCAL_ERROR (a source not on this host is our side's
 * trouble, not the target's), and -1.
 */
int		 check_sock_open(struct check_target *, int type);
/*
 * A connect() that failed at once with err: a local error when our side
 * ran out of something, else refused.  The run is over (check_done()).
 */
void		 check_connect_failed(struct check_target *, int err);
/* Stop t's io watcher and close its socket. */
void		 check_sock_close(struct check_target *);
/* Monotonic clock in microseconds. */
uint64_t	 check_clock_us(void);
/*
 * Start the check's time limit now (when the request goes out): when it
 * passes first, the kind's cancel() runs and the result is a timeout.
 */
void		 check_timer_start(struct check_target *);

#endif
