/* fleet.h -- nodes that answer as one: verdicts and overrides over etcd */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_FLEET_H
#define STEER_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health.h"

struct ev_loop;
struct conf_fleet;
struct fleet;
struct fleet_state;
struct server;

/* At start, how long answering waits for the first read of the store. */
#define FLEET_START_WAIT	2.0

/* How the node stands with the store, for ctl, metrics and status. */
struct fleet_info {
	const char	*node;
	const char	*endpoint;	/* the etcd endpoint in use */
	bool		 connected;	/* the watch runs */
	bool		 synced;	/* we have had the store's contents */
	double		 since;		/* wall clock of the last change of
					   connected, 0: never */
	char		 error[160];	/* why it is not connected */
	size_t		 nodes, nodes_live;
	size_t		 disagree;	/* targets the live nodes disagree
					   on */
	size_t		 config_mismatch;	/* live nodes whose config
						   hash is not ours */
	size_t		 votes;		/* verdicts of live nodes on our
					   targets, ours included */
	size_t		 targets;	/* our targets the fleet shares */
	uint32_t	 lag_ms;	/* of the last change seen, from its
					   writer's clock to ours */
	uint32_t	 lag_max_ms;	/* since start */
	uint64_t	 writes;	/* keys written (put or deleted) */
	uint64_t	 txns;		/* transactions sent */
	uint64_t	 events;	/* watch events received */
	uint64_t	 resyncs;	/* full reads of the store */
	uint64_t	 failures;	/* calls that failed */
	unsigned	 quorum;	/* 0: majority */
	double		 lease;
	int64_t		 revision;	/* of the store, last seen */
};

/*
 * Join the fleet that srv's configuration names (srv->snap->conf->fleet)
 * on loop: grant a lease, publish this node and its verdicts, read and
 * watch the others'.  The health table becomes shared: the state of a
 * target is the fleet's verdict.  Returns NULL (logged) when libcurl
 * cannot be set up.
 */
struct fleet	*fleet_new(struct ev_loop *, struct server *);
/*
 * Hold this node's verdicts back (true) while the first round of checks
 * runs, so that each bucket is written once, with every first result in
 * it, instead of again at each result; false writes what is held.
 */
void		 fleet_hold(struct fleet *, bool);
/* Leave: revoke the lease (best effort, bounded), free.  NULL: nothing. */
void		 fleet_free(struct fleet *);

/*
 * srv->snap changed (a reload): map its targets, publish what differs,
 * merge.  Returns true when the fleet group itself changed, so that the
 * caller makes a new fleet.
 */
bool		 fleet_snapshot(struct fleet *);

/*
 * Set (UP, DOWN, DRAIN) or clear (NONE) a fleet-wide override of the
 * member(s) at addr, stored in etcd (expires: wall clock or 0, by a lease
 * of its own) and applied here at once.  Refused when the store is not
 * reachable now.  Returns the number of targets changed, or -1 with a
 * message in err.
 */
int		 fleet_admin_set(struct fleet *, const char *addr,
		    enum health_admin state, double expires, const char *reason,
		    char *err, size_t errlen);

void		 fleet_info(const struct fleet *, struct fleet_info *out);
/* Has the node read the store once (since it started)? */
bool		 fleet_synced(const struct fleet *);
/* What the nodes say (read-only), and this node's index in it. */
const struct fleet_state *fleet_nodes(const struct fleet *, size_t *self);
/*
 * Of health slot i: how many live nodes vote and how many see it down
 * (this node's own verdict included).  -1 when nobody votes yet.
 */
int		 fleet_target_votes(const struct fleet *, size_t i,
		    size_t *voters, size_t *down);

#endif
