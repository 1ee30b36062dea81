/* lb.h -- balancing steps over a candidate array (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_LB_H
#define STEER_LB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct health;

#define LB_MAX_MEMBERS	256	/* per pool */
#define LB_MAX_STEPS	16
#define LB_WEIGHT_MAX	1000
#define LB_NO_REGION	UINT16_MAX

enum lb_kind {
	LB_UP,
	LB_PRIORITY,
	LB_TOPOLOGY,
	LB_ROUND_ROBIN,
	LB_SHUFFLE,
	LB_WEIGHTED,
	LB_HASH,
	LB_FASTEST,
	LB_LEAST_LOAD,
	LB_FIRST,
};

/* What a name answers when no member is usable. */
enum lb_all_down {
	LB_ALL_DOWN_ALL,	/* fail open: every member */
	LB_ALL_DOWN_NODATA,
	LB_ALL_DOWN_SERVFAIL,
	LB_ALL_DOWN_FALLBACK,	/* static addresses or a CNAME */
};

struct lb_member {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 addr[16];
	uint16_t	 weight;	/* 0: last resort, see lb_up() */
	uint8_t		 priority;	/* failover tier, lower first */
	uint16_t	 region;	/* LB_NO_REGION or a region index */
	uint32_t	 slot;		/* health slot */
	uint64_t	 id;		/* stable identity for hashing */
};

/* One prefix of the client-subnet -> region table. */
struct lb_net {
	uint8_t		 family;
	uint8_t		 prefix;
	uint8_t		 addr[16];
	uint8_t		 scope;		/* longest prefix at or inside it */
	uint16_t	 region;
};

struct lb_regions {
	struct lb_net	*nets;
	size_t		 nnets;
	char		**names;
	size_t		 nnames;
};

struct lb_step {
	enum lb_kind	 kind;
	uint32_t	 a, b;	/* see lb_parse_step() for each kind */
};

/* The query as the steps see it. */
struct lb_query {
	const struct health	*health;	/* borrowed */
	const struct lb_member	*members;	/* borrowed: the pool's */
	const struct lb_regions	*regions;	/* borrowed, may be NULL */
	_Atomic uint32_t	*rr;		/* the name's rotation */
	uint64_t		*rng;		/* per-thread PRNG state */
	uint8_t			 family;	/* client: 4 or 6, 0 unknown */
	uint8_t			 bits;		/* client bits known */
	uint8_t			 addr[16];
	/* out */
	uint8_t			 scope;		/* ECS scope the answer has */
	bool			 all_down;
};

struct lb_cand {
	uint16_t	 member;
	uint64_t	 key;
};

/*
 * Parse one chain entry such as "first 2", "hash v4=24 v6=56",
 * "priority min_healthy=2", "fastest tolerance=20% margin=5ms",
 * "least_load low=50 high=90".  On error returns -1
 * with a message in err.
 */
int		 lb_parse_step(const char *, struct lb_step *, char *err,
		    size_t errlen);
const char	*lb_kind_name(enum lb_kind);

/* Run the steps in order; returns how many candidates are left. */
size_t		 lb_run(const struct lb_step *, size_t nsteps,
		    struct lb_query *, struct lb_cand *, size_t n);

/*
 * What each step of a chain kept, in order: n[0] and member[0] before
 * the first step, n[i + 1] and member[i + 1] after step i.  For explaining
 * an answer to an operator; never used on the per-query path.
 */
struct lb_trace {
	size_t		 nsteps;	/* steps that ran */
	uint16_t	 n[LB_MAX_STEPS + 1];
	uint16_t	 member[LB_MAX_STEPS + 1][LB_MAX_MEMBERS];
};

/* lb_run() that records what each step kept into *t. */
size_t		 lb_run_traced(const struct lb_step *, size_t nsteps,
		    struct lb_query *, struct lb_cand *, size_t n,
		    struct lb_trace *t);
/* A step as written in a chain: "first 2", "hash v4=24 v6=56", ... */
void		 lb_step_str(const struct lb_step *, char *buf, size_t len);

/* Each step: may remove and reorder candidates, nothing else. */
size_t	lb_up(const struct lb_step *, struct lb_query *, struct lb_cand *,
	    size_t);
size_t	lb_priority(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_topology(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_round_robin(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_shuffle(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_weighted(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_hash(const struct lb_step *, struct lb_query *, struct lb_cand *,
	    size_t);
size_t	lb_fastest(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_least_load(const struct lb_step *, struct lb_query *,
	    struct lb_cand *, size_t);
size_t	lb_first(const struct lb_step *, struct lb_query *, struct lb_cand *,
	    size_t);

/*
 * The region of an address of which the first bits are known, LB_NO_REGION
 * if none; *scope is the prefix length the answer depends on (ECS scope).
 */
uint16_t	 lb_region_of(const struct lb_regions *, uint8_t family,
		    const uint8_t *addr, uint8_t bits, uint8_t *scope);
/* Fill in each net's scope; call once after the table is complete. */
void		 lb_regions_prepare(struct lb_regions *);

/* A fast PRNG (xorshift64*); the state must not be 0. */
static inline uint64_t
lb_random(uint64_t *s)
{
	uint64_t	 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static inline uint64_t
lb_random_below(uint64_t *s, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)lb_random(s) * n) >> 64);
}

uint64_t	 lb_mix(uint64_t);

#endif
