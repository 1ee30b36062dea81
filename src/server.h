/* server.h -- the daemon's state: snapshot, workers, prober, overrides */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_SERVER_H
#define STEER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "health.h"
#include "probe.h"

struct conf;
struct conf_errs;
struct ev_loop;
struct fleet;
struct history;
struct probe;
struct snapshot;
struct worker;

#define SERVER_REASON_MAX	128
/*
 * Bounds of the state file: a longer line is skipped, more overrides are
 * not read (nor set), a larger file is not read at all.
 */
#define SERVER_STATE_LINE_MAX	1023
#define SERVER_ADMIN_MAX	100000
#define SERVER_STATE_BYTES_MAX	(16 * 1024 * 1024)

/* An operator's override of a member, by its answered address. */
struct admin_entry {
	uint8_t		 family;		/* 4 or 6 */
	uint8_t		 addr[16];
	char		 text[48];		/* the address as text */
	enum health_admin state;		/* UP, DOWN or DRAIN */
	double		 set_at;		/* wall clock (time(3)) */
	double		 expires;		/* wall clock, 0: never */
	char		 reason[SERVER_REASON_MAX];
	char		 by[64];		/* fleet: the node that set it */
};

/* Counters summed over every thread. */
struct server_stats {
	struct answer_stats	 q;		/* UDP and TCP together */
	struct answer_stats	 tr[2];		/* UDP, TCP */
	uint64_t		 send_failed;	/* answers sendmmsg() refused */
	uint64_t		 tcp_accepted, tcp_refused, tcp_timeouts;
	uint64_t		 tcp_source_refused, tcp_evicted;
	uint64_t		 tcp_accept_paused;	/* out of descriptors */
	uint64_t		 tcp_queued;	/* output bytes waiting now */
	uint64_t		 tcp_open;	/* connections now */
};

struct server {
	char			*conf_path;
	struct ev_loop		*loop;		/* the main loop */
	struct snapshot		*snap;		/* the published one */
	struct worker		**workers;
	unsigned		 nworkers;
	unsigned		 nrows;		/* of answer counters:
						   worker_rows() */
	struct probe		*probe;		/* for snap->db */
	struct admin_entry	*admin;		/* this node's overrides */
	size_t			 nadmin;
	struct fleet		*fleet;		/* NULL: alone */
	/*
	 * Called by server_reload() with the new snapshot in srv->snap,
	 * before workers see it (main.c: the fleet merges its verdicts).
	 */
	void			(*before_publish)(struct server *);
	struct admin_entry	*fadmin;	/* the fleet's overrides, as
						   the store has them */
	size_t			 nfadmin;
	double			 started;	/* wall clock */
	int			 pid;
	uint64_t		 reloads_ok, reloads_failed;
	bool			 reload_failed;	/* the last reload;
						   false before any */
	struct probe_stats	 probe_base;	/* of probers before reloads */
	double			 last_reload;	/* wall clock, 0: never */
	struct history		*history;	/* the status page's charts */
	char			 reload_error[256];	/* the refused
						   last reload's first problem */
};

/*
 * Load the configuration again, build a new snapshot beside the running
 * one, carry health state and overrides over to unchanged targets, and
 * publish it with one pointer swap.  On error, nothing changes, every
 * problem is in errs and -1 is returned.  Listen addresses and worker
 * counts need a restart: a change is logged and otherwise ignored.
 */
int		 server_reload(struct server *, struct conf_errs *errs);

/*
 * Set (state UP, DOWN, DRAIN) or clear (state NONE) the override of the
 * member(s) with address addr, in every pool.  expires is a wall-clock
 * time or 0.  Persisted to the state file when one is configured.
 * Returns the number of health targets changed, or -1 with a message in
 * err (bad address, no such member).
 */
int		 server_admin_set(struct server *, const char *addr,
		    enum health_admin state, double expires, const char *reason,
		    char *err, size_t errlen);
/*
 * Check an override before it is set: the address (into e->family,
 * e->addr, e->text) and the reason.  Returns the number of members with
 * the address, or -1 with a message in err.
 */
int		 server_admin_check(const struct server *, const char *addr,
		    const char *reason, struct admin_entry *e, char *err,
		    size_t errlen);
/*
 * Set (e->state UP, DOWN, DRAIN) or clear (NONE) the fleet's override of
 * e's address, as the store says, and apply.  This node's own override of
 * the address, when it has one, stays on top.
 */
void		 server_fleet_admin(struct server *, const struct admin_entry *e);
/*
 * Keep the fleet's overrides beside the state file (STATE.fleet), so that
 * a node that starts while the store is away still applies them.
 */
void		 server_fleet_admin_save(const struct server *);
/* This node's override of a member address, or NULL. */
const struct admin_entry *server_admin_find(const struct server *,
		    uint8_t family, const uint8_t *addr);
/* The fleet's override of a member address, or NULL. */
const struct admin_entry *server_fleet_admin_find(const struct server *,
		    uint8_t family, const uint8_t *addr);
/* Drop overrides whose time has come; called every second. */
void		 server_admin_expire(struct server *, double now);
/*
 * Read the overrides of the state file at path (NULL: none) into *out
 * (the caller frees).  A line that is not an override, is longer than
 * SERVER_STATE_LINE_MAX or holds a control character is logged with its
 * line number and skipped; of two lines for one address the later wins
 * (logged); past SERVER_ADMIN_MAX overrides the rest is not read.  Returns
 * how many lines were skipped, or -1 (logged) when the file exists and
 * cannot be read, is not a regular file or is larger than
 * SERVER_STATE_BYTES_MAX.
 */
int		 server_admin_read(const char *path, struct admin_entry **out,
		    size_t *n);
/* Read the state file (at start); problems are logged, not fatal. */
void		 server_admin_load(struct server *);
/* Apply the overrides to the health table of the current snapshot. */
void		 server_admin_apply(struct server *);

/* The generation of the configuration serving: 1, then +1 per reload. */
uint64_t	 server_generation(const struct server *);

/* Sum the counters of every worker (relaxed reads). */
void		 server_stats(const struct server *, struct server_stats *);

/* The prober's counters since start, over every reload. */
void		 server_probe_stats(const struct server *,
		    struct probe_stats *);

/* Answers given per managed name / per member, summed over workers. */
uint64_t	 server_count(const struct server *, size_t counter);

#endif
