/* lb.h -- balancing steps over a candidate array (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_LB_H
#define STEER_LB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health.h"

struct geo_map;

#define LB_MAX_MEMBERS	256	/* per pool */
#define LB_MAX_STEPS	16
#define LB_MAX_PARAMS	4	/* per step */
#define LB_WEIGHT_MAX	1000
#define LB_NO_REGION	UINT16_MAX	/* = GEO_NONE (geo.h) */
#define LB_ANY_REGION	(UINT16_MAX - 1)	/* "any" in a fallback order */
#define LB_UNSET	UINT32_MAX	/* an optional parameter not given */

/* What a name answers when no member is usable. */
enum lb_all_down {
	LB_ALL_DOWN_ALL,	/* fail open: every member */
	LB_ALL_DOWN_NODATA,
	LB_ALL_DOWN_SERVFAIL,
	LB_ALL_DOWN_FALLBACK,	/* static addresses or a CNAME */
};
/* "all", "nodata", "servfail", "fallback". */
const char	*lb_all_down_str(enum lb_all_down);

/* lb_member_str()'s longest text and its terminator: a name's. */
#define LB_MEMBER_STR	256

/*
 * A member is an address, or a name (a CNAME target) whose family and
 * address are those its check probes (0: none).
 */
struct lb_member {
	uint8_t		 family;	/* 4 or 6; a name's may be 0 */
	uint8_t		 addr[16];
	const uint8_t	*cname;		/* a name's wire target; NULL: an
					   address (owned by the pool) */
	const char	*cname_text;	/* ... in presentation form */
	uint8_t		 cname_len;
	uint16_t	 weight;	/* 0: last resort, see lb_up.c */
	uint8_t		 priority;	/* failover tier, lower first */
	uint16_t	 region;	/* LB_NO_REGION or a region index */
	uint32_t	 slot;		/* health slot */
	uint64_t	 id;		/* stable identity for hashing */
};

/*
 * A pool's slow start and flap damping, in health ticks (tenths of a
 * second); all 0: neither.
 */
struct lb_temper {
	uint32_t	 slow_start;	/* ramp a member that comes up */
	uint32_t	 flap_window;
	uint16_t	 flap_limit;	/* more changes than this within the
					   window: out until stable for it */
};

/* One prefix of the client-subnet -> region table. */
struct lb_net {
	uint8_t		 family;
	uint8_t		 prefix;
	uint8_t		 addr[16];
	uint8_t		 scope;		/* longest prefix at or inside it */
	uint16_t	 region;
};

/*
 * A zone's regions: its prefixes (nets) first, whatever their length,
 * then the networks of the GeoIP database mapped to the regions.
 */
struct lb_regions {
	struct lb_net	*nets;
	size_t		 nnets;
	char		**names;
	size_t		 nnames;
	struct geo_map	*geo;		/* owned; NULL: no database regions */
};

/* The query as the steps see it. */
struct lb_query {
	const struct health	*health;	/* borrowed */
	const struct lb_member	*members;	/* borrowed: the pool's */
	const struct lb_regions	*regions;	/* borrowed, may be NULL */
	const struct lb_temper	*temper;	/* borrowed; NULL: none */
	uint32_t		 now;		/* health ticks, for temper */
	/*
	 * The name's fallback_order, by starting region: NULL or the
	 * regions to try in turn (LB_ANY_REGION: every member), ending with
	 * LB_NO_REGION.  Borrowed, may be NULL.
	 */
	const uint16_t *const	*fallback;
	_Atomic uint32_t	*rr;		/* the name's rotation */
	uint64_t		*rng;		/* per-thread PRNG state */
	bool			 fail_open;	/* up keeps all when none is */
	bool			 clean;		/* every candidate usable, none of
					   weight 0: up keeps them all */
	bool			 positive;	/* no candidate of weight 0 */
	size_t			 nall;		/* candidates at the start */
	uint64_t		 total;		/* ... and their weights */
	uint8_t			 family;	/* client: 4 or 6, 0 unknown */
	uint8_t			 bits;		/* client bits known */
	uint8_t			 addr[16];
	/* out */
	uint8_t			 scope;		/* ECS scope the answer has */
	bool			 all_down;
	bool			 ramped;	/* a candidate's weight is cut
					   by slow start (lb_cand_fill) */
};

/* A candidate: a member of the pool, as the steps pass it on. */
struct lb_cand {
	uint16_t	 member;
	uint16_t	 weight;	/* the member's, cut by slow start */
	bool		 usable;	/* health said so when the query began */
	bool		 spare;		/* not usable, but answered when no
					   candidate is: no result yet since a
					   reload added it, or flapping */
	uint64_t	 key;		/* for the steps that sort */
};

struct lb_step;
struct lb_why;

/*
 * A step: may remove and reorder candidates c[0..n), nothing else; returns
 * how many are left.
 */
typedef size_t	 lb_run_fn(const struct lb_step *, struct lb_query *,
		    struct lb_cand *, size_t n);
/* What explain says a step did, into buf (always terminated). */
typedef void	 lb_why_fn(const struct lb_step *, const struct lb_why *,
		    char *buf, size_t len);
/*
 * Why a step itself left member m out (buf or a static string), or NULL
 * when the member's health is the reason.
 */
typedef const char *lb_drop_fn(const struct lb_step *, const struct lb_why *,
		    uint16_t m, char *buf, size_t len);
/*
 * The one member a step puts first when its input is a whole family of
 * a pool, every member usable and of positive weight (q->clean), and one
 * place is wanted (keep 1): its position in members[0..n), chosen exactly
 * as run() would choose c[0] from the same state (rng, rotation).  Lets a
 * name answer one member without building candidates.
 */
typedef size_t	 lb_pick_fn(const struct lb_step *, struct lb_query *,
		    const uint16_t *members, size_t n);
/* Checks between parameters; -1 with a message in err. */
typedef int	 lb_check_fn(const struct lb_step *, char *err, size_t len);

/* How a parameter is written. */
enum lb_param_type {
	LB_PARAM_UINT,		/* "v4=24" */
	LB_PARAM_PERCENT,	/* "tolerance=20%" or "tolerance=20" */
	LB_PARAM_MS,		/* "margin=2ms" or "margin=2"; kept in µs */
	LB_PARAM_COUNT,		/* positional and required: "first 2" */
};

/* One parameter of a strategy; min, max and def as written (ms, %). */
struct lb_param {
	const char		*name;		/* NULL ends the list */
	enum lb_param_type	 type;
	uint32_t		 min, max;
	uint32_t		 def;		/* LB_UNSET: optional, none */
	const char		*doc;
};

/* A strategy: everything about it is here and in its lb_*.c file. */
struct lb_strategy {
	const char		*name;
	const char		*doc;		/* one line */
	const struct lb_param	*params;	/* in the order of step->p */
	lb_run_fn		*run;
	lb_why_fn		*why;
	lb_drop_fn		*drop;		/* NULL: health is the reason */
	lb_check_fn		*check;		/* NULL: no cross checks */
	lb_pick_fn		*pick;		/* NULL: run() only */
	bool			 truncates;	/* keeps a prefix of its input
						   (first): the step before
						   need only order that many */
	bool			 client;	/* reads the client address */
	bool			 noop_clean;	/* does nothing when every
						   candidate is usable and of
						   positive weight */
};

struct lb_step {
	const struct lb_strategy *s;		/* borrowed, static */
	uint32_t		 p[LB_MAX_PARAMS];	/* by s->params */
	/*
	 * At most this many candidates survive the steps after this one,
	 * which keep a prefix of what this one leaves: an ordering step
	 * need only fill that many places.  0: all of them.
	 */
	uint32_t		 keep;
};

/* Every strategy, NULL-ended: the only list of them. */
extern const struct lb_strategy *const lb_strategies[];

/* The strategy called name, or NULL. */
const struct lb_strategy *lb_strategy_find(const char *name);

/* A preset: a name for a chain (strategy = "failover"). */
struct lb_preset {
	const char	*name;
	const char	*steps[4];	/* NULL-ended when shorter */
	const char	*doc;
};
/* Every preset, ending with { NULL }. */
extern const struct lb_preset lb_presets[];
const struct lb_preset *lb_preset_find(const char *name);

/*
 * Parse one chain entry such as "first 2", "hash v4=24 v6=56",
 * "priority min_healthy=2", "fastest tolerance=20% margin=5ms",
 * "least_load low=50 high=90".  On error returns -1 with a message in err.
 */
int		 lb_parse_step(const char *, struct lb_step *, char *err,
		    size_t errlen);
/* A step as written in a chain: "first 2", "hash v4=24 v6=56", ... */
void		 lb_step_str(const struct lb_step *, char *buf, size_t len);
/* The value of the parameter called name (as stored); LB_UNSET: none. */
uint32_t	 lb_step_param(const struct lb_step *, const char *name);
/*
 * Fill in steps[i].keep for a chain whose answer is cut to max_answers
 * (0: not cut).
 */
void		 lb_chain_prepare(struct lb_step *, size_t nsteps,
		    unsigned max_answers);

/* Run one step, or the steps in order; returns how many are left. */
static inline size_t
lb_step_run(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	return st->s->run(st, q, c, n);
}
static inline size_t
lb_run(const struct lb_step *steps, size_t nsteps, struct lb_query *q,
    struct lb_cand *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < nsteps && n > 0; i++)
		if (!(q->clean && steps[i].s->noop_clean))
			n = steps[i].s->run(&steps[i], q, c, n);
	return n;
}

/*
 * What each step of a chain kept, in order: n[0] and member[0] before
 * the first step, n[i + 1] and member[i + 1] after step i, and the query
 * as the steps left it.  For explaining an answer to an operator; never
 * used on the per-query path.
 */
struct lb_trace {
	size_t		 nsteps;	/* steps that ran */
	uint16_t	 n[LB_MAX_STEPS + 1];
	uint16_t	 member[LB_MAX_STEPS + 1][LB_MAX_MEMBERS];
	struct lb_query	 q;		/* rr and rng cleared */
};

/* lb_run() that records what each step kept into *t. */
size_t		 lb_run_traced(const struct lb_step *, size_t nsteps,
		    struct lb_query *, struct lb_cand *, size_t n,
		    struct lb_trace *t);

/* One step of a trace, as a why function sees it. */
struct lb_why {
	const struct lb_query	*q;
	const uint16_t		*in;		/* members before the step */
	size_t			 nin;
	const uint16_t		*out;		/* ... and after it */
	size_t			 nout;
};
/* The view of step i of trace t. */
void		 lb_why_of(const struct lb_trace *t, size_t i,
		    struct lb_why *);
/* What step i did, in words; and why it left member m out (or NULL). */
void		 lb_step_why(const struct lb_step *, const struct lb_why *,
		    char *buf, size_t len);
const char	*lb_step_drop(const struct lb_step *, const struct lb_why *,
		    uint16_t m, char *buf, size_t len);

/*
 * The region of an address of which the first bits are known, LB_NO_REGION
 * if none; *scope is the prefix length the answer depends on (ECS scope).
 * A prefix of the zone wins over the database; a database network gives
 * its own length, at most bits.  No allocation: a scan of the prefixes
 * and a binary search of the database's runs.
 */
uint16_t	 lb_region_of(const struct lb_regions *, uint8_t family,
		    const uint8_t *addr, uint8_t bits, uint8_t *scope);
/* Fill in each net's scope; call once after the table is complete. */
void		 lb_regions_prepare(struct lb_regions *);

/* The pool's slow start and flap damping applied to candidate c. */
void		 lb_cand_temper(struct lb_query *, struct lb_cand *,
		    const struct health_slot *);

/*
 * Member m as a candidate, with what health (and the pool's slow start
 * and flap damping) say of it now; returns c->usable.  The chain's
 * candidates are filled with it, so that each member's health is read
 * once per query; a pool without temper costs one load.
 */
static inline bool
lb_cand_fill(struct lb_query *q, struct lb_cand *c, uint16_t m)
{
	const struct health_slot *s = &q->health->slots[q->members[m].slot];

	c->member = m;
	c->weight = q->members[m].weight;
	c->key = 0;
	c->usable = health_usable(s);
	c->spare = !c->usable && atomic_load_explicit(&s->spare,
	    memory_order_relaxed);
	if (q->temper != NULL && c->usable)
		lb_cand_temper(q, c, s);
	return c->usable;
}
/* The same, for explain and tests. */
void		 lb_cand_init(struct lb_query *, struct lb_cand *,
		    uint16_t m);
/*
 * Is member m usable now (health, overrides, flap damping)?  For
 * explain.
 */
bool		 lb_member_usable(const struct lb_query *, uint16_t m);
/* Member m's weight as slow start has it now.  For explain. */
uint16_t	 lb_member_weight(const struct lb_query *, uint16_t m);
/* Is member m flapping, under its pool's damping?  For explain. */
bool		 lb_member_flapping(const struct lb_query *, uint16_t m);

/* Helpers for the steps. */
/* Stable insertion sort by key, ascending (desc = false) or descending. */
void		 lb_sort_keys(struct lb_cand *, size_t n, bool desc);
/* "192.0.2.1": a member's address as text. */
void		 lb_member_str(const struct lb_member *, char *buf,
		    size_t len);
/* An address of family 4 or 6 as text ("?" when it cannot be). */
void		 lb_addr_str(uint8_t family, const uint8_t *addr, char *buf,
		    size_t len);
uint64_t	 lb_mix(uint64_t);
/*
 * A sort key (descending) for a draw at the given rate (> 0) from 64
 * random or hashed bits: the bits of rate / -ln(u), u the bits mapped
 * into (0, 1).  -ln(u) / rate is exponential with that rate, and the
 * least of such draws falls to each in proportion to its rate, so the
 * highest key is the member's with probability rate / (sum of rates),
 * and sorting by key orders as drawing without replacement does
 * (Efraimidis and Spirakis).  A positive double's bits order as the
 * double does.  Hashed bits make it weighted rendezvous hashing.
 */
uint64_t	 lb_draw_key(uint64_t bits, double rate);

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

#endif
