/* snapshot.h -- everything a query reads, published whole with RCU */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_SNAPSHOT_H
#define STEER_SNAPSHOT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cookie.h"

struct conf;
struct health;
struct zone_db;

/*
 * What workers answer from: the configuration, the database built from
 * it, the health table of its targets and the answer counters.  Read-only
 * once published, but for the health table (the prober and the control
 * socket write it, workers read it with relaxed loads) and the counters
 * (one row per answering thread, each written by its thread alone).
 */
struct snapshot {
	struct conf	*conf;
	struct zone_db	*db;
	struct health	*health;
	uint64_t	 generation;	/* 1 at start, +1 per reload */
	_Atomic uint64_t *counts;	/* answers per name and member */
	size_t		 stride;	/* of a row */
	unsigned	 nrows;
	uint64_t	 qlog_thr;	/* log a query when a random 64-bit
					   number is below: 0 never */
	struct cookie_keys cookies;	/* the configured secrets, or the
					   process's random one */
};

/*
 * A snapshot of configuration c (owned from now on) with nrows rows of
 * answer counters; health starts from each target's configured state.
 * Without a cookie_secret the cookies are signed with a random secret
 * drawn once per process, so that a reload keeps the clients' cookies.
 */
struct snapshot	*snapshot_new(struct conf *c, unsigned nrows,
		    uint64_t generation);
void		 snapshot_free(struct snapshot *);

/*
 * Carry the health of targets that did not change from old to new: state,
 * RTT, load and the rise/fall track.  map[i] is set to the old index of
 * new target i, or SIZE_MAX.  Targets are matched by a hash of address,
 * port and check definition.  Returns how many were carried.
 */
size_t		 snapshot_carry_health(const struct snapshot *old,
		    struct snapshot *new, size_t *map);

/*
 * Make s the one workers read.  The one before (old, may be NULL) is
 * freed once no worker can see it any more: after an RCU grace period, by
 * liburcu's call_rcu thread, so that the caller does not wait for it.
 * Callers are registered RCU threads.
 */
void		 snapshot_publish(struct snapshot *s, struct snapshot *old);
/* A thread that publishes or reads snapshots registers first (RCU). */
void		 snapshot_thread_start(void);
void		 snapshot_thread_end(void);
/* Wait until every snapshot retired so far is freed (at exit). */
void		 snapshot_drain(void);
/*
 * The published snapshot.  A worker calls it between rcu_read_lock() and
 * rcu_read_unlock() and uses the result only in between.
 */
struct snapshot	*snapshot_current(void);

/* Answers given per managed name or member (a counter index), summed. */
uint64_t	 snapshot_count(const struct snapshot *, size_t counter);

#endif
