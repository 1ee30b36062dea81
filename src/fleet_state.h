/* fleet_state.h -- what the nodes of a fleet say, and the verdict (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_FLEET_STATE_H
#define STEER_FLEET_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLEET_NODE_MAX		64
#define FLEET_NAME_MAX		64	/* a node name and its NUL */
#define FLEET_VERSION_MAX	32

/* A node of the fleet, as its key in the store says. */
struct fleet_node {
	char		 name[FLEET_NAME_MAX];
	bool		 live;		/* its key is in the store */
	bool		 self;
	uint64_t	 config_hash;
	char		 version[FLEET_VERSION_MAX];
	double		 started;	/* wall clock */
	double		 seen;		/* its last report, or when its key
					   went: wall clock */
	int64_t		 revision;	/* the store revision it had then */
	uint32_t	 lag_ms;	/* how late it saw its own writes */
};

/* What one node said of one target. */
struct fleet_vote {
	uint8_t		 node;		/* index in nodes[] */
	bool		 down;
	uint32_t	 rtt_us;	/* HEALTH_RTT_NONE: none */
	uint32_t	 load;		/* HEALTH_LOAD_NONE: none */
	double		 since;		/* wall clock */
	char		*reason;	/* owned; NULL when up */
};

/* One target, by the key every node gives it ("ADDR,PORT,CHECKHASH"). */
struct fleet_target {
	char			*key;
	struct fleet_vote	*votes;
	size_t			 nvotes;
};

/*
 * A node writes its verdicts in buckets, one key holding many targets;
 * what each bucket key ("NODE/BUCKET") held last, so that a target it no
 * longer holds loses that node's vote.
 */
struct fleet_bucket {
	char			*key;
	size_t			*ti;
	size_t			 n;
};

struct fleet_state {
	struct fleet_node	 nodes[FLEET_NODE_MAX];
	size_t			 nnodes;
	struct fleet_target	*t;
	size_t			 nt, cap;
	size_t			*index;		/* open addressing: t + 1 */
	size_t			 mask;
	struct fleet_bucket	*b;
	size_t			 nb, bcap;
	size_t			*bindex;	/* open addressing: b + 1 */
	size_t			 bmask;
};

struct fleet_state *fleet_state_new(void);
void		 fleet_state_free(struct fleet_state *);

/*
 * The node called name, made (not live) when new; SIZE_MAX when the table
 * is full or the name too long.
 */
size_t		 fleet_node_get(struct fleet_state *, const char *name);
/* The live nodes, this one included when it is. */
size_t		 fleet_nodes_live(const struct fleet_state *);

/* The target of key, made when new (make) or SIZE_MAX. */
size_t		 fleet_target_get(struct fleet_state *, const char *key,
		    bool make);
/*
 * Set (vote != NULL: copied, its reason too) or clear (NULL) what node
 * says of target ti.  Returns true when the node's verdict (up, down or
 * none) changed.
 */
bool		 fleet_vote_set(struct fleet_state *, size_t ti, size_t node,
		    const struct fleet_vote *vote);
/* Clear every vote of node; each target changed goes to changed[] (if
 * not NULL, room for every target); returns how many. */
size_t		 fleet_node_forget(struct fleet_state *, size_t node,
		    size_t *changed);
/*
 * Bucket key now holds targets ti[0..n) (n 0: the key is gone).  The
 * targets it held before and holds no more go to *gone (allocated, the
 * caller frees; NULL when none); returns how many.
 */
size_t		 fleet_bucket_set(struct fleet_state *, const char *key,
		    const size_t *ti, size_t n, size_t **gone);
/* What node says of target ti, or NULL. */
const struct fleet_vote *fleet_vote_of(const struct fleet_state *,
		    size_t ti, size_t node);

/*
 * The fleet's verdict on target ti: of the live nodes that vote on it,
 * with this node's own verdict (self: 0 none, 1 up, 2 down) in place of
 * the vote the store has from it, how many vote (*voters) and how many
 * see it down (*down).  Down when at least quorum of the voters see it
 * down (quorum 0: more than half of them; a quorum larger than the
 * voters needs every voter).  Returns 1 down, 0 up, -1 when nobody votes.
 */
int		 fleet_verdict(const struct fleet_state *, size_t ti,
		    size_t self_node, int self, unsigned quorum,
		    size_t *voters, size_t *down);

#endif
