/* health.h -- the health table: one slot per probed target (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_HEALTH_H
#define STEER_HEALTH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	_Atomic uint32_t	 rtt_us;	/* smoothed probe RTT */
	_Atomic uint32_t	 load;		/* reported load figure */
};

struct health {
	struct health_slot	*slots;
	size_t			 n;
};

struct health	*health_new(size_t n);
void		 health_free(struct health *);

static inline bool
health_usable(const struct health_slot *s)
{
	uint8_t	 a = atomic_load_explicit(&s->admin, memory_order_relaxed);

	if (a == HEALTH_ADMIN_UP)
		return true;
	if (a != HEALTH_ADMIN_NONE)
		return false;
	return atomic_load_explicit(&s->state, memory_order_relaxed) ==
	    HEALTH_UP;
}

void		 health_set_state(struct health *, size_t, enum health_state);
void		 health_set_admin(struct health *, size_t, enum health_admin);
void		 health_set_rtt(struct health *, size_t, uint32_t);
void		 health_set_load(struct health *, size_t, uint32_t);
const char	*health_admin_str(enum health_admin);
/* "none", "up", "down", "drain" -> admin; -1 when unknown. */
int		 health_admin_parse(const char *);

#endif
