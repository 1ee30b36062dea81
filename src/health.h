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
#define HEALTH_FLAPS		16	/* state changes a slot remembers */
#define HEALTH_CLOCK_STEP	0.1	/* seconds between clock advances */
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
	_Atomic uint8_t		 pending;	/* added by a reload, no result
						   yet: not usable */
	_Atomic uint8_t		 spare;		/* pending, up, no override:
						   answered only when nothing
						   usable is left */
	_Atomic uint8_t		 nflaps;	/* changes in flap_at[], up to
						   HEALTH_FLAPS */
	_Atomic uint32_t	 rtt_us;	/* smoothed probe RTT */
	_Atomic uint32_t	 load;		/* reported load figure */
	/*
	 * Health-clock times (health.now): when it last came up (0: not
	 * since the daemon or the slot began, so no slow start), and of its
	 * last state changes, a ring whose newest is at flap_at[(nflaps -
	 * 1) % HEALTH_FLAPS]; nflaps counts to 255 and stays there.
	 */
	_Atomic uint32_t	 up_at;
	_Atomic uint32_t	 flap_at[HEALTH_FLAPS];
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
	/*
	 * The health clock: tenths of a second, monotonic, never 0 once
	 * set; the main thread advances it (health_set_now()) from the
	 * monotonic clock, workers read it for slow start and flap damping.
	 * Not health_record()'s now, which is the prober loop's wall clock.
	 */
	_Atomic uint32_t	 now;
	struct health_slot	*slots;
	struct health_track	*track;		/* one per slot */
	size_t			 n;
	bool			 shared;	/* the fleet decides the state:
						   health_record() keeps the
						   verdict in track.local */
	/* Shared: told of each change of this node's verdict, and of its
	   first verdict even when that is the initial state. */
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

/* Set the state as it is, carried or restored: no change is counted. */
void		 health_set_state(struct health *, size_t, enum health_state);
/*
 * Set the state as checks or the fleet decided it: a change goes into the
 * slot's flap ring, and up_at when it comes up.
 */
void		 health_change(struct health *, size_t, enum health_state);
/*
 * Mark slot i as added by a reload: not usable until its first result,
 * but answered when nothing else is (see spare).
 */
void		 health_set_pending(struct health *, size_t);
/* Advance the health clock to now (seconds, monotonic). */
void		 health_set_now(struct health *, double now);
/* The health clock in tenths of a second for a monotonic time. */
uint32_t	 health_ticks(double now);
/*
 * Is slot s flapping: more than limit changes within window ticks, and
 * not yet stable for window since?  now and window in health ticks.
 */
bool		 health_flapping(const struct health_slot *, uint32_t now,
		    unsigned limit, uint32_t window);
/*
 * The share of its weight a slot that came up at up_at gets at now under
 * a slow start of ramp ticks: 0.1 rising to 1, in thousandths.
 */
unsigned	 health_ramp(const struct health_slot *, uint32_t now,
		    uint32_t ramp);
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
