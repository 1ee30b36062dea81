/* health.c -- the health table: one slot per probed target (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "util.h"

struct health *
health_new(size_t n)
{
	struct health	*h;
	size_t		 i;

	h = xcalloc(1, sizeof(*h));
	h->slots = xcalloc(n, sizeof(*h->slots));
	h->track = xcalloc(n, sizeof(*h->track));
	h->n = n;
	for (i = 0; i < n; i++) {
		atomic_init(&h->slots[i].state, HEALTH_UP);
		atomic_init(&h->slots[i].admin, HEALTH_ADMIN_NONE);
		atomic_init(&h->slots[i].usable, true);
		atomic_init(&h->slots[i].rtt_us, HEALTH_RTT_NONE);
		atomic_init(&h->slots[i].load, HEALTH_LOAD_NONE);
	}
	return h;
}

void
health_free(struct health *h)
{
	if (h == NULL)
		return;
	free(h->slots);
	free(h->track);
	free(h);
}

/*
 * An override beats the checks; drained and forced down are out.  A
 * pending slot (no result since a reload added it) is out too, but
 * spare: answered when nothing usable is left.
 */
static void
update_usable(struct health_slot *s)
{
	uint8_t	 a = atomic_load_explicit(&s->admin, memory_order_relaxed);
	bool	 u, up, spare = false;

	up = atomic_load_explicit(&s->state, memory_order_relaxed) ==
	    HEALTH_UP;
	if (a == HEALTH_ADMIN_UP)
		u = true;
	else if (a != HEALTH_ADMIN_NONE)
		u = false;
	else if (atomic_load_explicit(&s->pending, memory_order_relaxed)) {
		u = false;
		spare = up;
	} else
		u = up;
	/* spare first: a reader that sees usable fall sees spare too. */
	atomic_store_explicit(&s->spare, spare, memory_order_relaxed);
	atomic_store_explicit(&s->usable, u, memory_order_relaxed);
}

uint32_t
health_ticks(double now)
{
	double	 t = now * 10;

	/* 0 means "never": the clock starts at 1. */
	return t < 1 ? 1 : t >= UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

void
health_set_now(struct health *h, double now)
{
	atomic_store_explicit(&h->now, health_ticks(now),
	    memory_order_relaxed);
}

void
health_change(struct health *h, size_t i, enum health_state st)
{
	struct health_slot	*s = &h->slots[i];
	uint32_t		 now;
	uint8_t			 n;

	if (atomic_load_explicit(&s->state, memory_order_relaxed) == st)
		return;
	now = atomic_load_explicit(&h->now, memory_order_relaxed);
	n = atomic_load_explicit(&s->nflaps, memory_order_relaxed);
	atomic_store_explicit(&s->flap_at[n % HEALTH_FLAPS], now,
	    memory_order_relaxed);
	/* Past one lap, count the second lap again: same place, full. */
	if (++n == 2 * HEALTH_FLAPS)
		n = HEALTH_FLAPS;
	atomic_store_explicit(&s->nflaps, n, memory_order_relaxed);
	if (st == HEALTH_UP)
		atomic_store_explicit(&s->up_at, now, memory_order_relaxed);
	health_set_state(h, i, st);
}

void
health_set_pending(struct health *h, size_t i)
{
	atomic_store_explicit(&h->slots[i].pending, true,
	    memory_order_relaxed);
	update_usable(&h->slots[i]);
}

bool
health_flapping(const struct health_slot *s, uint32_t now, unsigned limit,
    uint32_t window)
{
	uint32_t	 t[HEALTH_FLAPS], later;
	unsigned	 n, k, i;

	n = atomic_load_explicit(&s->nflaps, memory_order_relaxed);
	if (n == 0 || limit == 0)
		return false;
	k = n < HEALTH_FLAPS ? n : HEALTH_FLAPS;
	/* t[0] the newest, t[k - 1] the oldest remembered. */
	for (i = 0; i < k; i++)
		t[i] = atomic_load_explicit(&s->flap_at[(n - 1 - i) %
		    HEALTH_FLAPS], memory_order_relaxed);
	/*
	 * Walk back from now while no gap reaches the window (stable that
	 * long ends damping); damped if, on the way, some change closes
	 * more than limit changes within the window.
	 */
	later = now;
	for (i = 0; i < k; i++) {
		if (later - t[i] >= window)
			return false;
		if (i + limit < k && t[i] - t[i + limit] <= window)
			return true;
		later = t[i];
	}
	return false;
}

unsigned
health_ramp(const struct health_slot *s, uint32_t now, uint32_t ramp)
{
	uint32_t	 up = atomic_load_explicit(&s->up_at,
			    memory_order_relaxed);
	uint64_t	 d;

	if (up == 0 || ramp == 0 || now - up >= ramp)
		return 1000;
	d = now - up;
	return 100 + (unsigned)(900 * d / ramp);
}

void
health_set_state(struct health *h, size_t i, enum health_state st)
{
	atomic_store_explicit(&h->slots[i].state, st, memory_order_relaxed);
	update_usable(&h->slots[i]);
}

void
health_set_admin(struct health *h, size_t i, enum health_admin a)
{
	atomic_store_explicit(&h->slots[i].admin, a, memory_order_relaxed);
	update_usable(&h->slots[i]);
}

void
health_set_local(struct health *h, size_t i, enum health_state st)
{
	h->track[i].local = st;
	if (!h->shared)
		health_change(h, i, st);
	else if (h->notify != NULL)
		h->notify(h->notify_arg, i);
}

void
health_set_rtt(struct health *h, size_t i, uint32_t us)
{
	atomic_store_explicit(&h->slots[i].rtt_us, us, memory_order_relaxed);
}

void
health_set_load(struct health *h, size_t i, uint32_t load)
{
	atomic_store_explicit(&h->slots[i].load, load, memory_order_relaxed);
}

bool
health_record(struct health *h, size_t i, enum probe_result r,
    unsigned rise, unsigned fall, double now)
{
	struct health_track	*t = &h->track[i];
	struct health_slot	*s = &h->slots[i];
	enum health_state	 st, want;
	bool			 first = false, pending = false;

	t->checks++;
	t->last = r;
	if (r == PROBE_LOCAL_ERROR) {
		/* Our side failed: it says nothing about the target. */
		t->local_errors++;
		return false;
	}
	if (r == PROBE_OK) {
		t->ok_run++;
		t->fail_run = 0;
	} else {
		t->fail_run++;
		t->ok_run = 0;
		t->failures++;
	}
	st = t->local;
	want = st;
	if (!t->seen) {
		t->seen = true;
		t->since = now;
		want = r == PROBE_OK ? HEALTH_UP : HEALTH_DOWN;
		first = true;
		pending = atomic_load_explicit(&s->pending,
		    memory_order_relaxed);
		if (pending) {
			atomic_store_explicit(&s->pending, false,
			    memory_order_relaxed);
			update_usable(s);
		}
	} else if (st == HEALTH_DOWN && t->ok_run >= rise)
		want = HEALTH_UP;
	else if (st == HEALTH_UP && t->fail_run >= fall)
		want = HEALTH_DOWN;
	/*
	 * The first result sets the verdict as it is: not a change for flap
	 * damping, and no slow start at startup; a member a reload added
	 * starts slow when its first result is up.
	 */
	if (first && pending && want == HEALTH_UP)
		atomic_store_explicit(&s->up_at, atomic_load_explicit(&h->now,
		    memory_order_relaxed), memory_order_relaxed);
	if (want == st) {
		/*
		 * No change, but a fleet learns this node's first verdict:
		 * its bucket must be written with this target in it.
		 */
		if (first && h->shared && h->notify != NULL)
			h->notify(h->notify_arg, i);
		return false;
	}
	if (first) {
		t->local = want;
		if (!h->shared)
			health_set_state(h, i, want);
		else if (h->notify != NULL)
			h->notify(h->notify_arg, i);
	} else
		health_set_local(h, i, want);
	t->since = now;
	t->transitions++;
	return true;
}

const char *
health_state_str(enum health_state st)
{
	return st == HEALTH_UP ? "up" : "down";
}

static const char *const result_names[PROBE_NRESULTS] = {
	[PROBE_OK] = "ok",
	[PROBE_REFUSED] = "refused",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_BAD_STATUS] = "bad status",
	[PROBE_BAD_BODY] = "bad body",
	[PROBE_BAD_RCODE] = "bad rcode",
	[PROBE_EXIT_NONZERO] = "exit nonzero",
	[PROBE_GARBAGE] = "garbage",
	[PROBE_CLOSED] = "closed",
	[PROBE_LOCAL_ERROR] = "local error",
};

const char *
probe_result_str(enum probe_result r)
{
	return (size_t)r < PROBE_NRESULTS ? result_names[r] : "?";
}

static const char *const admin_names[] = { "none", "up", "down", "drain" };

const char *
health_admin_str(enum health_admin a)
{
	return (size_t)a < NELEM(admin_names) ? admin_names[a] : "?";
}

int
health_admin_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < NELEM(admin_names); i++)
		if (strcmp(s, admin_names[i]) == 0)
			return i;
	return -1;
}
