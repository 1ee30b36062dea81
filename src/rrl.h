/* rrl.h -- response rate limiting: per client prefix and answer class (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_RRL_H
#define STEER_RRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* Buckets per table (one table per UDP thread): a power of two. */
#define RRL_TABLE_SIZE	4096
/* Slots looked at for one key before the stalest of them is taken. */
#define RRL_PROBE	8

/* The settings of server.rrl (steerdns.conf(5)). */
struct rrl_conf {
	bool		 on;
	unsigned	 rate;		/* responses a second per bucket */
	unsigned	 slip;		/* every slip-th limited one: TC; 0 none */
	unsigned	 window;	/* seconds of debt (and of memory) */
	unsigned	 ipv4_prefix;	/* bits of a client's address */
	unsigned	 ipv6_prefix;
};

/* One account: a client prefix, an answer class and a name or zone. */
struct rrl_bucket {
	uint64_t	 key;		/* 0: free */
	int64_t		 balance;	/* in thousandths of a response */
	uint64_t	 stamp;		/* ms of the last response counted */
	uint32_t	 limited;	/* limited responses, for the slip */
};

/* A table of one thread: written by it alone, so no lock. */
struct rrl {
	struct rrl_bucket	*b;	/* RRL_TABLE_SIZE, owned */
};

enum rrl_verdict {
	RRL_PASS,	/* send the answer */
	RRL_DROP,	/* send nothing */
	RRL_SLIP,	/* send it truncated and empty: rrl_slip() */
};

/* A table with every bucket free; fatal when out of memory (startup). */
void		 rrl_init(struct rrl *);
void		 rrl_fini(struct rrl *);

/*
 * Count one response of class cls (enum answer_class) about key (the
 * name or zone it speaks of; 0 when none) to client at now (milliseconds
 * of a monotonic clock) and say what to do with it.  exempt (a client
 * that showed a valid server cookie) passes and is not counted.  A client
 * of neither family passes.  Allocates nothing.
 */
enum rrl_verdict rrl_check(struct rrl *, const struct rrl_conf *,
		    const struct sockaddr *client, unsigned cls, uint64_t key,
		    uint64_t now, bool exempt);

/*
 * Turn the answer out[0..len) into a truncated one without records: the
 * header (TC set, counts 0 but the question's) and its question, if it
 * has one.  Returns the new length.
 */
size_t		 rrl_slip(uint8_t *out, size_t len);

#endif
