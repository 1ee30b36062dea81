/* health.h -- the health table: one slot per probed target (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_HEALTH_H
#define STEER_HEALTH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one check run found; the prober reports it, health decides. */
enum probe_result {
	PROBE_OK,
	PROBE_REFUSED,		/* connect refused (or unreachable) */
	PROBE_TIMEOUT,
	PROBE_BAD_STATUS,	/* HTTP status not in "expect" */
	PROBE_BAD_BODY,		/* HTTP body lacks "body" */
	PROBE_BAD_RCODE,	/* DNS rcode not the expected one */
	PROBE_EXIT_NONZERO,	/* exec: exit status or signal */
	PROBE_GARBAGE,		/* not HTTP, not DNS, TLS failed */
	PROBE_CLOSED,		/* connection closed without an answer */
	PROBE_LOCAL_ERROR,	/* our side failed: never marks a member down */
};
#define PROBE_NRESULTS		(PROBE_LOCAL_ERROR + 1)

/* Short name of a result: "ok", "refused", "timeout", ... */
const char	*probe_result_str(enum probe_result);

/* What checks concluded. */
enum health_state {
	HEALTH_UP,
	HEALTH_DOWN,
};

/* What an operator said; it beats the checks. */
enum health_admin {
	HEALTH_ADMIN_NONE,
	HEALTH_ADMIN_UP,	/* forced up */
	HEALTH_ADMIN_DOWN,	/* forced down */
	HEALTH_ADMIN_DRAIN,	/* no new clients: out of answers */
};

#define HEALTH_RTT_NONE		UINT32_MAX	/* no measurement yet */
#define HEALTH_LOAD_NONE	UINT32_MAX	/* no figure reported */

/*
 * One target.  Workers read with relaxed atomic loads; the main thread
 * (the prober, the control socket) writes.
 */
struct health_slot {
	_Atomic uint8_t		 state;		/* enum health_state */
	_Atomic uint8_t		 admin;		/* enum health_admin */
	_Atomic uint8_t		 usable;	/* of state and admin, kept by
						   the setters: one load */
	_Atomic uint32_t	 rtt_us;	/* smoothed probe RTT */
	_Atomic uint32_t	 load;		/* reported load figure */
};

/*
 * What the checks of one target said lately: the rise/fall counters.
 * Only the main thread (the prober) reads and writes these.
 */
struct health_track {
	uint8_t		 local;		/* enum health_state: this node's
					   checks' verdict */
	bool		 seen;		/* a result (not a local error) came */
	uint8_t		 last;		/* enum probe_result */
	unsigned	 ok_run;	/* consecutive successes */
	unsigned	 fail_run;	/* consecutive failures */
	double		 since;		/* time of the last change */
	uint64_t	 checks, failures, local_errors, transitions;
};

struct health {
	struct health_slot	*slots;
	struct health_track	*track;		/* one per slot */
	size_t			 n;
	bool			 shared;	/* the fleet decides the state:
						   health_record() keeps the
						   verdict in track.local */
	/* Shared: told of each change of this node's verdict. */
	void			(*notify)(void *arg, size_t i);
	void			*notify_arg;
};

struct health	*health_new(size_t n);
void		 health_free(struct health *);

/* May a member on this slot be answered?  Checks and overrides. */
static inline bool
health_usable(const struct health_slot *s)
{
	return atomic_load_explicit(&s->usable, memory_order_relaxed);
}

void		 health_set_state(struct health *, size_t, enum health_state);
void		 health_set_admin(struct health *, size_t, enum health_admin);
void		 health_set_rtt(struct health *, size_t, uint32_t);
void		 health_set_load(struct health *, size_t, uint32_t);
/*
 * Set this node's verdict of slot i, and the state unless shared (then
 * notify is called, when set).
 */
void		 health_set_local(struct health *, size_t, enum health_state);
/*
 * Count one check result r of slot i at time now and apply hysteresis to
 * this node's verdict (track.local): rise consecutive successes turn a
 * down verdict up, fall consecutive failures turn an up one down.  The
 * first result (that is not a local error) sets it at once: "initial"
 * only holds until then.  PROBE_LOCAL_ERROR is counted but never changes
 * it.  The slot's state follows the verdict, unless the table is shared
 * (then the fleet sets it).  Returns true when the verdict changed.
 */
bool		 health_record(struct health *, size_t i, enum probe_result r,
		    unsigned rise, unsigned fall, double now);
const char	*health_state_str(enum health_state);
const char	*health_admin_str(enum health_admin);
/* "none", "up", "down", "drain" -> admin; -1 when unknown. */
int		 health_admin_parse(const char *);

#endif
