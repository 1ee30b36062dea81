/* net.h -- what every answering thread shares: its context and log */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_NET_H
#define STEER_NET_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "lb.h"
#include "rrl.h"

struct conf;

/*
 * What one thread answers with: its own counters (one writer each), its
 * PRNG and its row of the snapshot's answer counters.
 */
struct net_ctx {
	struct answer_stats	 stats;
	_Atomic uint64_t	 send_failed;	/* answers the kernel refused */
	uint64_t		 rng;
	uint64_t		 qlog_thr;	/* from the snapshot */
	unsigned		 row;
	struct rrl_conf		 rrl_conf;	/* from the snapshot */
	struct rrl		 rrl;		/* UDP only: its accounts */
	struct answer_kind	 kind;		/* of the last answer */
};

/* A fresh context for answer-counter row row (its PRNG seeded). */
/*
 * Whether every listen address of c is free: each is bound once, UDP and
 * TCP, without SO_REUSEPORT, and closed again.  -1 (each logged) when
 * another process already listens on one.  Called once, before the
 * workers bind theirs.
 */
int		 net_listen_free(const struct conf *);
void		 net_ctx_init(struct net_ctx *, unsigned row);

/*
 * The environment a thread answers with, from the current snapshot, which
 * is returned.  The caller holds rcu_read_lock() while it uses env, and
 * sets env->now (net_now()) before each batch of queries.
 */
const void	*net_env(struct net_ctx *, struct answer_env *, bool tcp);

/* The wall clock in seconds, mod 2^32, for cookies: a vDSO read. */
uint32_t	 net_now(void);

/* Sampled query log: one line per query drawn (server.query_log). */
static inline bool
net_qlog_draw(struct net_ctx *x)
{
	return x->qlog_thr != 0 && lb_random(&x->rng) < x->qlog_thr;
}
void		 net_qlog(const struct sockaddr *client, bool tcp,
		    const uint8_t *q, size_t qlen, const uint8_t *r,
		    size_t rlen);

#endif
