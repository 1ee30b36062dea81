/* net.h -- worker threads, their sockets and event loops */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_NET_H
#define STEER_NET_H

#include <sys/socket.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "answer.h"
#include "lb.h"

struct conf;
struct health;
struct zone_db;

/* Everything a worker reads per query; replaced whole on reload. */
struct snapshot {
	struct conf	*conf;
	struct zone_db	*db;
	struct health	*health;
	uint64_t	 generation;
	_Atomic uint64_t *counts;	/* answers per name and member: one
					   row of stride per thread */
	size_t		 stride;
	unsigned	 nrows;
	uint64_t	 qlog_thr;	/* log a query when a random 64-bit
					   number is below: 0 never */
};

/* The current snapshot, published with rcu_assign_pointer(). */
extern struct snapshot	*net_snapshot;

#define NET_UDP_BATCH	32
#define NET_UDP_IN	4096
#define NET_TCP_IN	4096	/* the largest query we take over TCP */
#define NET_TCP_OUTMAX	(256 * 1024)	/* pending output: stop reading */

struct worker;

/*
 * What one thread answers with: its own counters (one writer each), its
 * PRNG and its row of the snapshot's answer counters.
 */
struct net_ctx {
	struct answer_stats	 stats;
	uint64_t		 rng;
	uint64_t		 qlog_thr;	/* from the snapshot */
	unsigned		 row;
};

/*
 * A UDP socket and the thread that serves it: it blocks in recvmmsg(),
 * answers the batch and sends it with sendmmsg(), with no event loop in
 * between (one wake-up per batch, not an epoll_wait() and a callback).
 */
struct udp_sock {
	int		 fd;
	bool		 pktinfo;	/* bound to a wildcard address */
	int		 family;
	struct worker	*wk;
	pthread_t	 thread;
	bool		 running;
	struct udp_batch *batch;
	struct net_ctx	 ctx;
};

/* How often a UDP thread looks for a stop request when idle. */
#define NET_UDP_TICK_MS	100
/* Batches a stopping UDP thread still answers: what was already sent. */
#define NET_UDP_DRAIN	64

struct tcp_listener {
	ev_io		 w;
	int		 fd;
	struct worker	*wk;
};

struct tcp_conn {
	ev_io		 rw, ww;
	ev_timer	 idle;
	int		 fd;
	struct worker	*wk;
	struct tcp_conn	*next_free;
	uint8_t		*out;		/* pending output, heap */
	size_t		 outlen, outoff, outcap;
	size_t		 inlen;
	struct sockaddr_storage peer;
	uint8_t		 in[NET_TCP_IN + 2];
};

struct udp_batch {
	struct mmsghdr		 in[NET_UDP_BATCH];
	struct mmsghdr		 out[NET_UDP_BATCH];
	struct iovec		 iin[NET_UDP_BATCH];
	struct iovec		 iout[NET_UDP_BATCH];
	struct sockaddr_storage	 addr[NET_UDP_BATCH];
	uint8_t			 cmsg[NET_UDP_BATCH][64];
	uint8_t			 inbuf[NET_UDP_BATCH][NET_UDP_IN];
	uint8_t			 outbuf[NET_UDP_BATCH][ANSWER_UDP_MAX];
};

struct worker {
	unsigned		 id;
	pthread_t		 thread;		/* TCP */
	struct ev_loop		*loop;
	ev_async		 stop_w;
	ev_timer		 grace_w;
	bool			 stopping;
	_Atomic bool		 udp_stop;
	struct udp_sock		*udp;
	size_t			 nudp;
	struct tcp_listener	*tcp;
	size_t			 ntcp;
	struct tcp_conn		*conns;
	struct tcp_conn		*free_conns;
	unsigned		 nconns, maxconns;
	double			 tcp_timeout;
	uint8_t			*tcp_out;	/* scratch: 2 + 65535 */
	struct net_ctx		 tcp_ctx;
	_Atomic uint64_t	 tcp_accepted, tcp_refused, tcp_timeouts;
	_Atomic uint64_t	 tcp_closed;
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
/* Start its thread; it runs until worker_stop(). */
int		 worker_start(struct worker *);
/* Ask it to finish what is in flight and stop; returns at once. */
void		 worker_stop(struct worker *);
/* Wait for its thread and free it. */
void		 worker_free(struct worker *);

/* Socket set-up (net_udp.c, net_tcp.c). */
int		 udp_open(const struct sockaddr *, socklen_t, bool *pktinfo);
void		 udp_batch_init(struct udp_batch *);
/* The thread of one UDP socket (arg: struct udp_sock *). */
void		*udp_run(void *);
int		 tcp_open(const struct sockaddr *, socklen_t);
void		 tcp_accept_cb(struct ev_loop *, ev_io *, int);
void		 tcp_init_pool(struct worker *);
void		 tcp_close_idle(struct worker *);

/* The environment a thread answers with, from the current snapshot. */
void		 worker_env(struct net_ctx *, struct answer_env *, bool tcp);

/* Sampled query log: one line per query drawn (server.query_log). */
static inline bool
worker_qlog_draw(struct net_ctx *x)
{
	return x->qlog_thr != 0 && lb_random(&x->rng) < x->qlog_thr;
}
void		 worker_qlog(const struct sockaddr *client, bool tcp,
		    const uint8_t *q, size_t qlen, const uint8_t *r,
		    size_t rlen);

#endif
