/* zone.h -- zones -> nodes -> precompiled answers; lookup (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_ZONE_H
#define STEER_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb.h"

struct conf;
struct conf_check;
struct conf_name;

#define ZONE_MAX_CHAIN	8	/* CNAME steps followed inside a zone */

/* The state of an answer after one whole RRset: where truncation may cut. */
struct zone_set {
	uint16_t	 end;		/* offset in wire just past the RRset */
	uint16_t	 an, ns, ar;	/* record counts up to here */
	bool		 required;	/* TC when it does not fit */
};

/*
 * A precompiled answer: every section after the question, in wire form,
 * built for a question name of ref_len bytes.  Used for a question name
 * that is longer by delta bytes (a name below a delegation or a name that
 * does not exist), every compression pointer listed in fix moves by delta.
 */
struct zone_name;

struct zone_answer {
	uint16_t	 qtype;		/* type answered; 0 for any other */
	uint8_t		 rcode;
	bool		 aa;
	bool		 wild;		/* a wildcard's: answers many names */
	/* A DNAME's redirection (RFC 6672): the CNAME to synthesize. */
	uint8_t		 dname_len;	/* its target's length, 0: none */
	uint16_t	 dname_off;	/* the target in wire */
	uint32_t	 dname_ttl;
	uint8_t		 ref_len;	/* question name length built for */
	uint16_t	 len;
	uint16_t	 nsets;
	uint16_t	 nfix;
	uint8_t		*wire;
	struct zone_set	*sets;
	uint16_t	*fix;		/* offsets in wire of pointers */
	/* Managed: the pool's addresses follow, owned by the name at
	   packet offset tail_owner; alt is the answer when all are down. */
	const struct zone_name	*tail;		/* borrowed */
	uint8_t			 tail_family;
	uint16_t		 tail_owner;
	uint8_t			 tail_rr[2][12];	/* each address record
						   before its address: TTL,
						   then the degraded TTL */
	struct zone_answer	*alt;
};

/* A pool: members with their health slots, by family. */
struct zone_pool {
	char			*name;
	struct lb_member	*members;
	size_t			 nmembers;
	uint16_t		*fam[2];	/* member indices: v4, v6 */
	size_t			 nfam[2];
	bool			 positive[2];	/* no member of the family has
						   weight 0 */
	uint32_t		 total[2];	/* the family's weights */
	size_t			 counter;	/* first of nmembers answer
						   counters (db->ncounters) */
	struct lb_temper	 temper;	/* slow start, flap damping */
	bool			 tempered;	/* ... either is set */
	bool			 names;		/* members are CNAME targets:
						   fam[0] and fam[1] both list
						   all, and one is answered */
};

/* A managed name: a pool and the chain that orders it. */
struct zone_name {
	char			*name;		/* presentation form */
	const struct zone_pool	*pool;		/* borrowed */
	const struct lb_regions	*regions;	/* borrowed */
	const uint16_t *const	*fallback;	/* borrowed: fallback_order,
						   NULL: none */
	const struct lb_step	*steps;		/* borrowed: the conf's */
	size_t			 nsteps;
	size_t			 lead;		/* leading steps that do nothing
						   when the candidates are clean
						   (up) */
	size_t			 nrun;		/* steps before the trailing
						   "first"s, which ... */
	unsigned		 cut;		/* ... with max_answers keep at
						   most this many; 0: all */
	const struct lb_step	*pick;		/* the one step that runs on
						   clean candidates, when it
						   can pick the one answer;
						   NULL: none */
	uint32_t		 ttl, degraded_ttl;
	unsigned		 max_answers;	/* 0: all */
	bool			 client;	/* a step reads the client */
	enum lb_all_down	 all_down;
	bool			 ecs;
	_Atomic uint32_t	*rr;		/* round-robin position: v4, v6
						   (owned; written per query) */
	const struct conf_name	*conf;		/* borrowed */
	size_t			 counter;	/* its answer counter, then
						   one per pool member */
};

/* One thing the prober checks: its slot in the health table is its index. */
struct zone_target {
	const struct conf_check	*check;		/* borrowed, NULL: none */
	uint8_t			 family;
	uint8_t			 addr[16];
	uint16_t		 port;
	uint8_t			 admin;		/* initial enum health_admin */
	char			 label[64];	/* "192.0.2.10:80 (web)" */
};

struct zone {
	uint8_t			*origin;	/* lower-case wire */
	uint8_t			 origin_len;
	char			*name;		/* presentation form */
	struct zone_answer	 nxdomain;
	struct zone_answer	 nodata;
	struct zone_pool	*pools;
	size_t			 npools;
	struct zone_name	*names;
	size_t			 nnames;
};

struct zone_node {
	uint8_t			*name;		/* lower-case wire */
	uint8_t			 name_len;
	struct zone		*zone;		/* borrowed */
	struct zone_node	*cut;		/* borrowed: the delegation at
						   or above, NULL if none */
	struct zone_answer	*answers;	/* one per type held */
	size_t			 nanswers;
	const struct zone_answer *other;	/* borrowed: any other type */
	const struct zone_answer *any;		/* borrowed: RFC 8482 */
	const struct zone_name	*managed;	/* borrowed, NULL: static */
	const struct zone_node	*wild;		/* borrowed: the node "*.this",
						   NULL: none (RFC 4592) */
	struct zone_answer	*dname;		/* names below: the DNAME and a
						   CNAME to make; NULL: none */
	struct zone_answer	 referral;	/* when this node is a cut */
};

/*
 * What the server says about itself, made at load from the server group
 * (zone_ident.c): the NSID option (RFC 5001) and the CHAOS TXT answers
 * of RFC 4892 for id.server., hostname.bind., version.server. and
 * version.bind., in that order.
 */
#define ZONE_IDENT_NAMES	4

struct zone_ident {
	uint8_t			*nsid;		/* NULL: none */
	uint16_t		 nsid_len;	/* at most WIRE_NSID_MAX */
	struct zone_answer	 chaos[ZONE_IDENT_NAMES]; /* wire NULL: not
						   configured (REFUSED) */
};

struct zone_slot {
	uint64_t		 hash;
	uint32_t		 node;		/* index in nodes + 1, 0: free */
};

struct zone_db {
	struct zone		*zones;
	size_t			 nzones;
	struct zone_node	*nodes;
	size_t			 nnodes;
	struct zone_slot	*table;		/* open addressing */
	size_t			 mask;
	uint64_t		 seed;
	struct zone_target	*targets;	/* = health slots */
	size_t			 ntargets;
	uint32_t		*tindex;	/* targets by hash: index + 1,
						   0: free */
	size_t			 tmask;
	size_t			 ncounters;	/* names + pool members */
	struct zone_ident	 ident;
};

/*
 * Build the database from a validated configuration: every answer in wire
 * form.  The result is read-only and owned by the caller.  Never fails on a
 * configuration that conf_load() accepted; out of memory is fatal.
 */
struct zone_db		*zone_db_new(const struct conf *);
void			 zone_db_free(struct zone_db *);

/* The node named exactly name (lower-case wire), or NULL. */
const struct zone_node	*zone_db_lookup(const struct zone_db *,
			    const uint8_t *name, size_t len);
/* The same, with the name's wire_name_hash() already taken. */
const struct zone_node	*zone_db_lookup_hashed(const struct zone_db *,
			    const uint8_t *name, size_t len, uint64_t wh);

/*
 * The index of the target of db that is t (address, port and the same
 * check definition), or SIZE_MAX.  For carrying health over a reload.
 */
size_t			 zone_db_target_find(const struct zone_db *,
			    const struct zone_target *t);

/*
 * The answer to a CHAOS query for lname (lower-case wire, len bytes) of
 * qtype: TXT or ANY at one of the four names whose text is configured.
 * NULL: REFUSED.
 */
const struct zone_answer *zone_ident_chaos(const struct zone_ident *,
			    const uint8_t *lname, size_t len, uint16_t qtype);

/* The answer of node for qtype (never NULL). */
const struct zone_answer *zone_node_answer(const struct zone_node *,
			    uint16_t qtype);

#endif
