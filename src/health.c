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
	h->n = n;
	for (i = 0; i < n; i++) {
		atomic_init(&h->slots[i].state, HEALTH_UP);
		atomic_init(&h->slots[i].admin, HEALTH_ADMIN_NONE);
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
	free(h);
}

void
health_set_state(struct health *h, size_t i, enum health_state st)
{
	atomic_store_explicit(&h->slots[i].state, st, memory_order_relaxed);
}

void
health_set_admin(struct health *h, size_t i, enum health_admin a)
{
	atomic_store_explicit(&h->slots[i].admin, a, memory_order_relaxed);
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
