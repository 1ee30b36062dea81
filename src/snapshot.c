/* snapshot.c -- everything a query reads, published whole with RCU */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/random.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "answer.h"
#include "conf.h"
#include "health.h"
#include "snapshot.h"
#include "util.h"
#include "zone.h"

static struct snapshot	*current;

/* The cookie secret when none is configured: one per process. */
static void
random_secret(uint8_t out[COOKIE_SECRET_LEN])
{
	static uint8_t	 secret[COOKIE_SECRET_LEN];
	static bool	 drawn;

	/* Snapshots are made on the main thread only. */
	if (!drawn) {
		if (getrandom(secret, sizeof(secret), 0) != sizeof(secret))
			arc4random_buf(secret, sizeof(secret));
		drawn = true;
	}
	memcpy(out, secret, COOKIE_SECRET_LEN);
}

struct snapshot *
snapshot_new(struct conf *c, unsigned nrows, uint64_t generation)
{
	struct snapshot			*s;
	const struct zone_target	*t;
	size_t				 i;

	s = xcalloc(1, sizeof(*s));
	s->conf = c;
	s->db = zone_db_new(c);
	s->health = health_new(s->db->ntargets);
	health_set_now(s->health, util_mono());
	for (i = 0; i < s->db->ntargets; i++) {
		t = &s->db->targets[i];
		health_set_admin(s->health, i, t->admin);
		if (t->check != NULL && t->check->initial == CONF_INITIAL_DOWN)
			health_set_local(s->health, i, HEALTH_DOWN);
	}
	/* One row of answer counters per thread, a cache line apart. */
	s->stride = (s->db->ncounters + 7) & ~(size_t)7;
	s->nrows = nrows;
	s->counts = xcalloc(s->stride * nrows + 1, sizeof(*s->counts));
	s->generation = generation;
	if (c->has_cookie_secret)
		memcpy(s->cookies.cur, c->cookie_secret, COOKIE_SECRET_LEN);
	else
		random_secret(s->cookies.cur);
	s->cookies.has_prev = c->has_cookie_secret_previous;
	memcpy(s->cookies.prev, c->cookie_secret_previous, COOKIE_SECRET_LEN);
	if (c->query_log >= 1)
		s->qlog_thr = UINT64_MAX;
	else if (c->query_log > 0)
		s->qlog_thr = (uint64_t)ldexp(c->query_log, 64);
	return s;
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	zone_db_free(s->db);
	health_free(s->health);
	conf_free(s->conf);
	free(s->counts);
	free(s);
}

size_t
snapshot_carry_health(const struct snapshot *old, struct snapshot *new,
    size_t *map)
{
	const struct health_slot	*hs;
	struct health_slot		*ns;
	size_t				 i, j, k, n = 0;

	for (i = 0; i < new->db->ntargets; i++) {
		map[i] = SIZE_MAX;
		j = zone_db_target_find(old->db, &new->db->targets[i]);
		if (j == SIZE_MAX)
			continue;
		map[i] = j;
		hs = &old->health->slots[j];
		ns = &new->health->slots[i];
		health_set_state(new->health, i, atomic_load(&hs->state));
		health_set_rtt(new->health, i, atomic_load(&hs->rtt_us));
		health_set_load(new->health, i, atomic_load(&hs->load));
		atomic_store(&ns->up_at, atomic_load(&hs->up_at));
		for (k = 0; k < HEALTH_FLAPS; k++)
			atomic_store(&ns->flap_at[k],
			    atomic_load(&hs->flap_at[k]));
		atomic_store(&ns->nflaps, atomic_load(&hs->nflaps));
		if (atomic_load(&hs->pending))
			health_set_pending(new->health, i);
		new->health->track[i] = old->health->track[j];
		n++;
	}
	/*
	 * A target the reload added is not answered before its first
	 * result, unless nothing else is usable: at startup every check
	 * runs before the first answer, on reload it runs after.
	 */
	for (i = 0; i < new->db->ntargets; i++)
		if (map[i] == SIZE_MAX && new->db->targets[i].check != NULL)
			health_set_pending(new->health, i);
	return n;
}

/* A snapshot waiting for its grace period. */
struct retired {
	struct rcu_head	 head;
	struct snapshot	*s;
};

static void
retire_cb(struct rcu_head *head)
{
	struct retired	*r = caa_container_of(head, struct retired, head);

	snapshot_free(r->s);
	free(r);
}

void
snapshot_publish(struct snapshot *s, struct snapshot *old)
{
	struct retired	*r;

	rcu_assign_pointer(current, s);
	if (old == NULL)
		return;
	r = xcalloc(1, sizeof(*r));
	r->s = old;
	call_rcu(&r->head, retire_cb);
}

void
snapshot_thread_start(void)
{
	rcu_register_thread();
}

void
snapshot_thread_end(void)
{
	rcu_unregister_thread();
}

void
snapshot_drain(void)
{
	rcu_barrier();
}

struct snapshot *
snapshot_current(void)
{
	return rcu_dereference(current);
}

uint64_t
snapshot_count(const struct snapshot *s, size_t counter)
{
	uint64_t	 sum = 0;
	unsigned	 i;

	if (counter >= s->db->ncounters)
		return 0;
	for (i = 0; i < s->nrows; i++)
		sum += answer_stat_get(&s->counts[i * s->stride + counter]);
	return sum;
}
