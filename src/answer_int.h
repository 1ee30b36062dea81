/* answer_int.h -- what answer.c shares with answer_follow.c (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEERDNS_ANSWER_INT_H
#define STEERDNS_ANSWER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct answer_env;
struct lb_cand;
struct wire_query;
struct zone;
struct zone_answer;
struct zone_db;

/*
 * The answer for the question, and in *zone the zone it comes from; NULL
 * when the name is not in our zones.  The name may be longer than the
 * name the answer was built for (ref_len): below a cut, a DNAME, a
 * wildcard, or a name that does not exist.
 */
const struct zone_answer *answer_find(const struct zone_db *,
		    const struct wire_query *, const struct zone **zone);

/*
 * Run a managed answer's strategy chain: the candidates to answer in c
 * (0 with *all_down set when none is usable).
 */
size_t		 answer_run_chain(const struct answer_env *,
		    const struct wire_query *, const struct zone_answer *,
		    struct lb_cand *c, bool *degraded, uint8_t *scope,
		    bool *all_down);

/*
 * Write the chosen members as A or AAAA records at p; 0 when they do not
 * fit in room.  owner: the compression pointer to write as each record's
 * owner, 0 to keep the one the answer was built with.
 */
size_t		 answer_put_tail(const struct zone_answer *,
		    const struct lb_cand *c, size_t n, bool degraded,
		    uint16_t owner, uint8_t *p, size_t room);

/* What following a DNAME's CNAME added (answer_follow.c). */
struct answer_followed {
	uint16_t	 an, ns, ar;	/* records added to each section */
	uint8_t		 rcode;		/* the target's */
	uint8_t		 scope;		/* ECS scope of a managed target */
};

/*
 * After a DNAME (RFC 6672 3.1 step 3.c): the answer for the CNAME's target
 * when it is in the DNAME's zone, written at out + pos in at most room
 * bytes.  The CNAME's data (the leading labels of the name asked, then a
 * pointer to the DNAME's target) sits at out + rd.  Further DNAMEs on
 * the way add themselves and their CNAMEs.  What does not fit in room is
 * left out, whole RRsets, without TC: the CNAME is an answer already.
 * Returns the bytes written, 0 when nothing is added.
 */
size_t		 answer_follow(const struct answer_env *,
		    const struct wire_query *, const struct zone_answer *dname,
		    const struct zone *, uint8_t *out, size_t rd, size_t pos,
		    size_t room, struct lb_cand *c, struct answer_followed *);

#endif
