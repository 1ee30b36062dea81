/* explain.h -- why the daemon answers a question as it does */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_EXPLAIN_H
#define STEER_EXPLAIN_H

#include <stddef.h>

struct jw;
struct server;

/*
 * The answer the daemon would give a client (address text, ECS subnet
 * "ADDR/LEN" or NULL) for name and type, with what each step of the
 * chain kept and why, as one JSON value into j.  It runs the real answer
 * path (answer_query() with a trace) on the current snapshot, without
 * moving any rotation or counter.  Returns -1 with a message in err for
 * bad input.
 */
int	 explain(const struct server *, const char *name, const char *type,
	    const char *client, const char *ecs, struct jw *j, char *err,
	    size_t errlen);

#endif
