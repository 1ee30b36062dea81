/* fleet_int.h -- the fleet's insides, shared by fleet.c and fleet_sync.c */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_FLEET_INT_H
#define STEER_FLEET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>
#include <jansson.h>

#define FLEET_KEY_MAX	512
#define FLEET_TXN_OPS	128	/* etcd's default --max-txn-ops */
#define FLEET_TXN_BYTES	(512u << 10)	/* a request, well below etcd's
					   1.5 MB */
/*
 * Transactions in flight: one, so that two writes of one bucket never
 * race (etcd may commit concurrent requests in either order).
 */
#define FLEET_TXN_MAX	1
#define FLEET_BUCKETS	512	/* keys a node's verdicts are spread over */
#define FLEET_RETRY	0.5	/* seconds between attempts to reconnect */
#define FLEET_BEAT	10.0	/* seconds between node key refreshes */
#define FLEET_TIMEOUT	3.0	/* seconds a unary call may take */

struct curlev;
struct etcd;
struct etcd_call;
struct fleet_state;
struct server;

struct fleet;

struct fleet_txn_slot {
	struct fleet	*f;
	size_t		 i;
};

/* An override to write, in order: a drain is never lost or reordered. */
struct fleet_op {
	struct fleet_op	*next;
	char		 addr[48];
	char		*value;		/* JSON text; NULL: delete */
	double		 expires;	/* wall clock, 0: never */
};

struct fleet {
	struct server		*srv;
	struct ev_loop		*loop;
	struct curlev		*cv;
	struct etcd		*etcd;
	char			*node, *prefix;
	char			**ep;		/* the endpoints configured */
	size_t			 nep;
	double			 lease_s;
	unsigned		 quorum;

	struct fleet_state	*st;
	size_t			 self;		/* this node in st */
	int64_t			 lease;		/* 0: none */
	int64_t			 revision;

	struct etcd_call	*call;		/* connecting: one at a time */
	struct etcd_call	*kcall;		/* a lease keepalive */
	struct etcd_call	*bcall;		/* a node key refresh */
	struct etcd_call	*watch;
	struct etcd_call	*opcall;	/* the outbox's head */
	struct etcd_call	*txn[FLEET_TXN_MAX];
	struct fleet_txn_slot	 txn_slot[FLEET_TXN_MAX];
	ev_timer		 retry_w, keep_w, beat_w, flush_w;

	/* Per health slot of the snapshot serving. */
	size_t			 nslots;
	size_t			*tmap;		/* -> target in st; SIZE_MAX:
						   no check */
	char			**tkey;		/* "ADDR,PORT,HASH" */
	uint16_t		*bkt;		/* its bucket */
	/* Publishing, by bucket: its slots, and what the store has. */
	size_t			 bstart[FLEET_BUCKETS + 1];
	size_t			*bslot;		/* slots of b: bslot[bstart[b]
						   .. bstart[b + 1]) */
	uint64_t		 bstore[FLEET_BUCKETS];	/* hash of what the
						   store holds of ours; 0:
						   nothing */
	bool			 bdirty[FLEET_BUCKETS];
	uint16_t		 bq[FLEET_BUCKETS];
	size_t			 nbq;
	bool			*pend;		/* to merge */
	size_t			*pendq, npend;
	size_t			*rev;		/* target in st -> slot + 1 */
	size_t			 nrev;

	struct fleet_op		*outbox, **outbox_tail;

	bool			 connected, synced, logged;
	bool			 reading;	/* a whole read is applied */
	bool			 local_change;	/* merging a change of ours */
	bool			 held;		/* fleet_hold(): no verdict
						   written */
	size_t			 whole;		/* live nodes when all their
						   verdicts were last held */
	double			 joined;	/* fleet_new(), wall clock */
	double			 since;
	char			 error[160];
	uint32_t		 lag_ms, lag_max_ms;
	uint64_t		 writes, txns, events, resyncs, failures;
};

/* fleet.c */
void	 fleet_fail(struct fleet *, const char *what, const char *err);
/* Publish what is dirty soon, outside any curl callback. */
void	 fleet_kick(struct fleet *);
/* Transaction operations (key and value: base64 JSON strings, taken). */
json_t	*fleet_op_put(json_t *key, json_t *value, int64_t lease);
json_t	*fleet_op_del(json_t *key);

/* fleet_sync.c */
size_t	 fleet_discard(char *, size_t, size_t, void *);
void	 fleet_lag(struct fleet *, double seconds);
void	 fleet_node_apply(struct fleet *, struct fleet_state *, size_t node,
	    const json_t *value);
void	 fleet_vote_apply(struct fleet *, struct fleet_state *, size_t ti,
	    size_t node, const json_t *value);
void	 fleet_admin_apply(struct fleet *, const char *addr,
	    const json_t *value);
void	 fleet_admin_clear(struct fleet *);
void	 fleet_swap_state(struct fleet *, struct fleet_state *);
void	 fleet_slots_map(struct fleet *);
void	 fleet_slots_free(struct fleet *);
void	 fleet_merge(struct fleet *, size_t slot);
void	 fleet_merge_pending(struct fleet *);
int	 fleet_self_verdict(const struct fleet *, size_t slot);

/* fleet_pub.c: this node's verdicts, in buckets */
void	 fleet_pub_map(struct fleet *);
void	 fleet_mark(struct fleet *, size_t slot);
void	 fleet_dirty_all(struct fleet *);
/* Add the write of the next dirty bucket to ops; its size to *bytes. */
size_t	 fleet_publish_next(struct fleet *, json_t *ops, size_t *bytes);
/* What the store holds of our bucket b (entries NULL: nothing). */
void	 fleet_store_bucket(struct fleet *, unsigned b, json_t *entries);
void	 fleet_outbox_run(struct fleet *);
void	 fleet_outbox_free(struct fleet *);

#endif
