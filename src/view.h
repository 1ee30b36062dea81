/* view.h -- the read model: one walk over the daemon's state */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_VIEW_H
#define STEER_VIEW_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet.h"
#include "probe.h"
#include "server.h"

/*
 * What every output shows (metrics, the status page, status JSON, the
 * control replies), gathered once per request on the main thread.  The
 * strings it points to belong to the snapshot, which does not change while
 * the main thread renders.
 */
struct view_override {
	const char	*state;		/* drain, up, down */
	char		 reason[SERVER_REASON_MAX];
	double		 set_at, expires;	/* wall clock; 0: never */
	bool		 fleet;		/* the fleet's, not this node's */
	char		 by[64];	/* fleet: the node that set it */
};

struct view_member {
	const char		*zone, *pool;
	char			 addr[LB_MEMBER_STR];	/* or a name */
	unsigned		 weight, priority;
	const char		*target;	/* "192.0.2.10:80 (web)" */
	const char		*check;		/* its name, NULL: none */
	const char		*state;		/* up, down, unchecked */
	bool			 usable;
	bool			 pending;	/* no result since a reload
						   added it: a spare */
	bool			 flapping;	/* kept out by flap damping */
	unsigned		 weight_now;	/* weight, slow start applied */
	const char		*admin;		/* none, up, down, drain */
	bool			 has_override;
	struct view_override	 op;
	struct probe_info	 info;
	double			 since;
	uint64_t		 answers;
	/* In a fleet (view.fleet), of a checked member: */
	const char		*local;		/* this node's verdict: up,
						   down, none (not yet) */
	size_t			 voters, down;	/* nodes voting, seeing it
						   down (this one included) */
};

/* A node of the fleet. */
struct view_node {
	const char		*name;
	bool			 live, self, config_same;
	char			 config_hash[20];
	const char		*version;
	double			 started, seen;	/* wall clock */
	uint32_t		 lag_ms;
	int64_t			 revision;
};

struct view_name {
	const char	*zone, *name, *pool;
	char		 chain[256];	/* "up, priority min_healthy=1" */
	unsigned	 ttl, degraded_ttl, max_answers;
	const char	*all_down;
	uint64_t	 answers;
	uint64_t	*member_answers;	/* of this name, per member of
						   its pool, in the pool's order */
	size_t		 nmembers;
};

struct view_pool {
	const char	*zone, *name;
	size_t		 first, n;	/* its members */
};

struct view_zone {
	const char	*name, *file;
	size_t		 first_name, nnames;
	size_t		 first_pool, npools;
	size_t		 nmembers;
};

struct view_target {
	const char	*label;
	bool		 checked;	/* the prober knows it */
	uint64_t	 transitions;
};

struct view_check {
	const char		*name, *kind, *zone_file;
	struct probe_hist	 hist;
};

struct view {
	const char		*version;
	int			 pid;
	double			 now, started, last_reload;	/* 0: never */
	uint64_t		 generation, reloads_ok, reloads_failed;
	const struct history	*history;	/* borrowed; NULL: none */
	bool			 reload_failed;	/* the last one */
	const char		*reload_error;	/* its first problem */
	const char		*config;
	unsigned		 workers;
	size_t			 noverrides;
	struct server_stats	 st;
	struct probe_stats	 ps;
	struct view_zone	*zones;
	size_t			 nzones;
	struct view_name	*names;
	size_t			 nnames;
	struct view_pool	*pools;
	size_t			 npools;
	struct view_member	*members;
	size_t			 nmembers;
	struct view_target	*targets;
	size_t			 ntargets;
	struct view_check	*checks;
	size_t			 nchecks;
	bool			 fleet;		/* a member of one */
	struct fleet_info	 fi;
	struct view_node	*nodes;
	size_t			 nnodes;
};

/* The pool name m answers from, or NULL. */
const struct view_pool *view_pool_of(const struct view *,
		    const struct view_name *m);

/* The view of srv now; free with view_free(). */
struct view	*view_new(const struct server *);
void		 view_free(struct view *);

#endif
