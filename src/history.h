/* history.h -- the last hour, in fixed memory, for the status page's charts */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_HISTORY_H
#define STEER_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"

/*
 * The main thread samples the view every step seconds into rings of
 * HISTORY_CELLS cells: queries by rcode; per pool member its answers, its
 * state and its probe RTT; per managed name, its answers with each member.  With the default step of 30 s the rings
 * hold an hour.  A member is known by zone, pool and address, so that its
 * history outlives a reload; one that is gone from the configuration is
 * dropped at the next sample.
 */
#define HISTORY_CELLS		120
#define HISTORY_STEP		30.0	/* seconds, the default */

enum history_state {
	HIST_NONE,		/* not sampled: before it existed */
	HIST_UP,
	HIST_DOWN,		/* by its checks */
	HIST_OUT,		/* drained or forced down */
};
#define HIST_CHANGED		0x80	/* state flag: transitions in the cell */

struct history_member {
	char		*key;		/* "zone pool addr" */
	uint64_t	 answers_seen;	/* cumulative, at the last sample */
	uint64_t	 transitions_seen;
	uint64_t	 stamp;		/* samples + 1 when last sampled */
	uint32_t	 answers[HISTORY_CELLS];
	uint32_t	 rtt_us[HISTORY_CELLS];	/* HEALTH_RTT_NONE: none */
	uint8_t		 state[HISTORY_CELLS];	/* enum history_state |
						   HIST_CHANGED */
};

/* The answers one managed name gave with one member of its pool. */
struct history_share {
	char		*key;		/* "zone name addr" */
	uint64_t	 answers_seen;
	uint64_t	 stamp;
	uint32_t	 answers[HISTORY_CELLS];
};

struct history {
	double			 step;
	uint64_t		 samples;	/* taken, in all */
	double			 last;		/* wall clock of the last */
	uint64_t		 rcode_seen[ANSWER_NRCODES];
	uint32_t		 rcode[ANSWER_NRCODES][HISTORY_CELLS];
	struct history_member	*m;		/* sorted by key */
	size_t			 n;
	struct history_share	*s;		/* sorted by key */
	size_t			 ns;
};

struct view;

struct history	*history_new(double step);
void		 history_free(struct history *);
/* A step other than the one used: start again with it. */
void		 history_set_step(struct history *, double step);
/* Take one sample of vw. */
void		 history_sample(struct history *, const struct view *vw);
/* The member's history, or NULL. */
const struct history_member *history_find(const struct history *,
		    const char *zone, const char *pool, const char *addr);
/* What the name answered with the member, or NULL. */
const struct history_share *history_find_share(const struct history *,
		    const char *zone, const char *name, const char *addr);
/* Cells with data (at most HISTORY_CELLS), and cell i of them, oldest
   first: its index in the rings. */
size_t		 history_cells(const struct history *);
size_t		 history_at(const struct history *, size_t i);

#endif
