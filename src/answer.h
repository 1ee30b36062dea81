/* answer.h -- question + zones -> response (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_ANSWER_H
#define STEER_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct health;
struct sockaddr;
struct zone_db;

#define ANSWER_UDP_MAX		4096	/* the largest UDP answer we send */
#define ANSWER_TCP_MAX		65535

/* Counters one worker keeps; plain integers, read by their owner. */
struct answer_stats {
	uint64_t	 queries;
	uint64_t	 dropped;
	uint64_t	 truncated;
	uint64_t	 rcode[6];	/* NOERROR..REFUSED */
	uint64_t	 badvers;
	uint64_t	 edns;
	uint64_t	 ecs;
	uint64_t	 managed;	/* answers computed from a pool */
	uint64_t	 all_down;	/* ... with no member usable */
};

struct answer_env {
	const struct zone_db	*db;		/* borrowed */
	uint16_t		 edns_payload;	/* ours */
	bool			 tcp;
	struct answer_stats	*stats;		/* borrowed, may be NULL */
	const struct health	*health;	/* borrowed */
	const struct sockaddr	*client;	/* borrowed, may be NULL */
	uint64_t		*rng;		/* per-thread PRNG state */
};

/*
 * Answer the query pkt[0..len) into out[0..outmax), outmax at least 512.
 * Returns the length of the response, or 0 when the query gets no reply.
 * Allocates nothing, locks nothing, calls nothing outside this process.
 */
size_t	answer_query(const struct answer_env *, const uint8_t *pkt, size_t len,
	    uint8_t *out, size_t outmax);

#endif
