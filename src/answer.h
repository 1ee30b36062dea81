/* answer.h -- question + zones -> response (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_ANSWER_H
#define STEER_ANSWER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb.h"

struct cookie_keys;
struct health;
struct sockaddr;
struct zone_db;

#define ANSWER_UDP_MAX		4096	/* the largest UDP answer we send */
#define ANSWER_TCP_MAX		65535

/* Query types counted one by one; the rest go to ANSWER_QTYPE_OTHER. */
enum answer_qtype {
	ANSWER_QTYPE_A, ANSWER_QTYPE_AAAA, ANSWER_QTYPE_NS, ANSWER_QTYPE_SOA,
	ANSWER_QTYPE_CNAME, ANSWER_QTYPE_MX, ANSWER_QTYPE_TXT,
	ANSWER_QTYPE_SRV, ANSWER_QTYPE_PTR, ANSWER_QTYPE_CAA, ANSWER_QTYPE_DS,
	ANSWER_QTYPE_ANY, ANSWER_QTYPE_OTHER, ANSWER_NQTYPES
};
const char	*answer_qtype_name(enum answer_qtype);
/* The rcodes counted (answer_stats.rcode): their names; NULL past them. */
#define ANSWER_NRCODES	7
const char	*answer_rcode_name(unsigned rcode);

/*
 * Counters one worker keeps for one transport.  The worker writes them
 * with relaxed stores (no lock prefix); others read them with relaxed
 * loads: see answer_stat_add().
 */
struct answer_stats {
	_Atomic uint64_t	 queries;
	_Atomic uint64_t	 dropped;
	_Atomic uint64_t	 truncated;
	_Atomic uint64_t	 rcode[ANSWER_NRCODES];	/* NOERROR..YXDOMAIN */
	_Atomic uint64_t	 badvers;
	_Atomic uint64_t	 badcookie;	/* BADCOOKIE (RFC 7873) */
	_Atomic uint64_t	 cookie;	/* queries with a COOKIE */
	_Atomic uint64_t	 cookie_valid;	/* ... and our valid server
						   cookie */
	_Atomic uint64_t	 edns;
	_Atomic uint64_t	 ecs;
	_Atomic uint64_t	 managed;	/* answers computed from a pool */
	_Atomic uint64_t	 all_down;	/* ... with no member usable */
	_Atomic uint64_t	 qtype[ANSWER_NQTYPES];
	_Atomic uint64_t	 rrl_limited;	/* over the rate (rrl.h) */
	_Atomic uint64_t	 rrl_dropped;	/* ... and not sent */
	_Atomic uint64_t	 rrl_slipped;	/* ... and sent truncated */
	_Atomic uint64_t	 too_big;	/* over the path MTU: sent
						   truncated instead */
};

/* Only the owning thread adds; so a load and a store suffice. */
static inline void
answer_stat_add(_Atomic uint64_t *p, uint64_t v)
{
	atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed)
	    + v, memory_order_relaxed);
}

static inline uint64_t
answer_stat_get(const _Atomic uint64_t *p)
{
	return atomic_load_explicit((_Atomic uint64_t *)(uintptr_t)p,
	    memory_order_relaxed);
}

/* Add the counters of from to to (to has one writer: the caller). */
void	answer_stats_sum(struct answer_stats *to,
	    const struct answer_stats *from);

/*
 * What answer_query() did with a managed name, for explaining an answer
 * to an operator (the control socket); NULL on the per-query path.
 */
struct answer_trace {
	bool			 managed;	/* a pool answered */
	const struct zone_name	*name;		/* borrowed */
	uint8_t			 family;	/* of the records: 4 or 6 */
	uint8_t			 client_family;	/* 4, 6, 0: unknown */
	uint8_t			 client_bits;
	uint8_t			 client_addr[16];
	bool			 client_ecs;	/* from the ECS option */
	uint8_t			 scope;		/* ECS scope answered */
	bool			 degraded, all_down;
	size_t			 chosen;	/* after max_answers */
	struct lb_trace		 lb;
};

/*
 * What kind of response answer_query() made, for response rate limiting
 * (rrl.h), which keeps one account per client prefix, class and key.
 */
enum answer_class {
	ANSWER_CLASS_NONE,	/* no response */
	ANSWER_CLASS_POSITIVE,	/* records in the answer; key: the name, type */
	ANSWER_CLASS_NODATA,	/* none of the type; key: the name, type */
	ANSWER_CLASS_NXDOMAIN,	/* key: the zone */
	ANSWER_CLASS_REFERRAL,	/* key: the zone cut */
	ANSWER_CLASS_ERROR,	/* FORMERR, SERVFAIL, NOTIMP, REFUSED; key 0 */
	ANSWER_NCLASSES
};

struct answer_kind {
	uint8_t		 cls;		/* enum answer_class */
	bool		 exempt;	/* never rate limited: the client showed
					   a valid server cookie (RFC 7873);
					   the caller sets it from
					   answer_result.cookie_valid */
	uint64_t	 key;		/* the name or zone; 0 for errors */
};

/* What answer_query() found out about a query, for the caller. */
struct answer_result {
	/*
	 * The query carried a server cookie of ours, valid for its client
	 * address (RFC 7873, 9018): the source address is not spoofed, so
	 * response rate limiting may let it through.
	 */
	bool			 cookie_valid;
};

struct answer_env {
	const struct zone_db	*db;		/* borrowed */
	uint16_t		 edns_payload;	/* ours */
	bool			 tcp;
	struct answer_stats	*stats;		/* borrowed, may be NULL */
	const struct health	*health;	/* borrowed */
	const struct sockaddr	*client;	/* borrowed, may be NULL */
	uint64_t		*rng;		/* per-thread PRNG state */
	_Atomic uint64_t	*counts;	/* this worker's row of the
						   snapshot's answer counters,
						   may be NULL */
	struct answer_kind	*kind;		/* filled for each response
						   made when not NULL */
	struct answer_trace	*trace;		/* explain; NULL normally.
						   Rotation is then not
						   advanced, nothing counted */
	const struct cookie_keys *cookies;	/* borrowed; NULL: DNS
						   cookies off */
	uint32_t		 now;		/* wall-clock seconds, mod
						   2^32, for cookies: set by
						   the caller per batch */
	struct answer_result	*result;	/* filled per query; may be
						   NULL */
};

/*
 * Answer the query pkt[0..len) into out[0..outmax), outmax at least 512.
 * Returns the length of the response, or 0 when the query gets no reply.
 * Allocates nothing, locks nothing, calls nothing outside this process.
 */
size_t	answer_query(const struct answer_env *, const uint8_t *pkt, size_t len,
	    uint8_t *out, size_t outmax);

#endif
