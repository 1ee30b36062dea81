/* history.c -- the last hour, in fixed memory, for the status page's charts */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "history.h"
#include "log.h"
#include "util.h"
#include "view.h"

struct history *
history_new(double step)
{
	struct history	*h = xcalloc(1, sizeof(*h));

	h->step = step;
	return h;
}

static void
members_free(struct history_member *m, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(m[i].key);
	free(m);
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	members_free(h->m, h->n);
	free(h);
}

void
history_set_step(struct history *h, double step)
{
	if (h->step == step)
		return;
	members_free(h->m, h->n);
	memset(h, 0, sizeof(*h));
	h->step = step;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct history_member *)a)->key,
	    ((const struct history_member *)b)->key);
}

static char *
key_of(const char *zone, const char *pool, const char *addr)
{
	char	*k;

	if (asprintf(&k, "%s %s %s", zone, pool, addr) == -1)
		fatal("asprintf");
	return k;
}

static struct history_member *
find(const struct history_member *m, size_t n, const char *key)
{
	struct history_member	 want = { .key = (char *)(uintptr_t)key };

	return bsearch(&want, m, n, sizeof(*m), by_key);
}

const struct history_member *
history_find(const struct history *h, const char *zone, const char *pool,
    const char *addr)
{
	const struct history_member	*r;
	char				*k = key_of(zone, pool, addr);

	r = find(h->m, h->n, k);
	free(k);
	return r;
}

/* Growth of a cumulative counter; one that went back started again. */
static uint32_t
grew(uint64_t now, uint64_t *seen)
{
	uint64_t	 d = now >= *seen ? now - *seen : now;

	*seen = now;
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static uint8_t
state_of(const struct view_member *v)
{
	if (strcmp(v->admin, "drain") == 0 || strcmp(v->admin, "down") == 0)
		return HIST_OUT;
	return v->usable ? HIST_UP : HIST_DOWN;
}

void
history_sample(struct history *h, const struct view *vw)
{
	struct history_member	*m, *old;
	const struct view_member *v;
	size_t			 c = h->samples % HISTORY_CELLS, i, j;
	char			*k;

	/* The first cell counts from the start, as a reload's members do. */
	for (i = 0; i < ANSWER_NRCODES; i++)
		h->rcode[i][c] = grew(answer_stat_get(&vw->st.q.rcode[i]),
		    &h->rcode_seen[i]);
	/* The members of now, each with its rings from before, if any. */
	m = xcalloc(vw->nmembers, sizeof(*m));
	for (i = 0; i < vw->nmembers; i++)
		m[i].key = key_of(vw->members[i].zone, vw->members[i].pool,
		    vw->members[i].addr);
	qsort(m, vw->nmembers, sizeof(*m), by_key);
	for (i = j = 0; i < vw->nmembers; i++) {
		/* A member listed twice in a pool keeps one history. */
		if (j > 0 && strcmp(m[j - 1].key, m[i].key) == 0) {
			free(m[i].key);
			continue;
		}
		m[j++] = m[i];
	}
	for (i = 0; i < j; i++)
		if ((old = find(h->m, h->n, m[i].key)) != NULL) {
			k = m[i].key;
			m[i] = *old;
			m[i].key = k;	/* the old array keeps its own */
		}
	members_free(h->m, h->n);
	h->m = m;
	h->n = j;
	for (i = 0; i < vw->nmembers; i++) {
		v = &vw->members[i];
		k = key_of(v->zone, v->pool, v->addr);
		m = find(h->m, h->n, k);
		free(k);
		if (m->stamp == h->samples + 1)
			continue;	/* listed twice: sampled once */
		m->stamp = h->samples + 1;
		m->answers[c] = grew(v->answers, &m->answers_seen);
		m->state[c] = state_of(v) | (grew(v->info.transitions,
		    &m->transitions_seen) > 0 ? HIST_CHANGED : 0);
		m->rtt_us[c] = v->info.rtt_us;
	}
	/* A member that was not there in some cells has HIST_NONE there;
	   one that is there now fills its cell above. */
	h->samples++;
	h->last = vw->now;
}

size_t
history_cells(const struct history *h)
{
	return h->samples < HISTORY_CELLS ? h->samples : HISTORY_CELLS;
}

size_t
history_at(const struct history *h, size_t i)
{
	size_t	 n = history_cells(h);

	return (h->samples - n + i) % HISTORY_CELLS;
}
