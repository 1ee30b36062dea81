/* worker.h -- a worker: UDP threads and a TCP thread over shared sockets */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_WORKER_H
#define STEER_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "answer.h"
#include "net_tcp.h"
#include "net_udp.h"

struct conf;

struct worker {
	unsigned		 id;
	pthread_t		 thread;		/* TCP */
	struct ev_loop		*loop;
	ev_async		 stop_w;
	ev_timer		 grace_w;
	_Atomic bool		 udp_stop;
	struct udp_sock		*udp;
	size_t			 nudp;
	struct tcp_server	 tcp;
};

/* What a worker counted, summed over its threads. */
struct worker_stats {
	struct answer_stats	 tr[2];		/* UDP, TCP */
	uint64_t		 send_failed;
	uint64_t		 tcp_accepted, tcp_refused, tcp_timeouts;
	uint64_t		 tcp_source_refused, tcp_evicted;
	uint64_t		 tcp_accept_paused;	/* out of descriptors */
	uint64_t		 tcp_queued;	/* output bytes waiting now */
	uint64_t		 tcp_open;	/* connections now */
};

/*
 * Rows of answer counters a snapshot needs for nworkers workers: one per
 * thread that answers (each worker's TCP thread and one per UDP socket).
 */
unsigned	 worker_rows(unsigned nworkers, const struct conf *c);

/*
 * Make a worker with its own sockets bound on every listen address of c.
 * Returns NULL, having logged why, when a socket cannot be made.
 */
struct worker	*worker_new(unsigned id, const struct conf *c);
/* Start its threads; they run until worker_stop(). */
int		 worker_start(struct worker *);
/* Ask it to finish what is in flight and stop; returns at once. */
void		 worker_stop(struct worker *);
/* Wait for its threads and free it. */
void		 worker_free(struct worker *);
/* Add what it counted to *out (relaxed reads). */
void		 worker_stats_add(const struct worker *, struct worker_stats *);

#endif
