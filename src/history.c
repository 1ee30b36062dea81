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

/*
 * The members and the shares are arrays sorted by key, each element
 * starting with its key (char *): one way to find them and to carry them
 * over to the set of keys a new sample has.
 */
static int
by_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *
find(const void *arr, size_t n, size_t size, const char *key)
{
	if (n == 0)
		return NULL;	/* arr may be NULL then, as at the start */
	return bsearch(&key, arr, n, size, by_key);
}

static void
keyed_free(void *arr, size_t n, size_t size)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(*(char **)((char *)arr + i * size));
	free(arr);
}

/*
 * The elements for keys (which it takes), each with its rings from arr
 * if it had them there, zeroed if new; arr is freed.  A key given twice
 * is kept once.
 */
static void *
rekey(void *arr, size_t n, size_t size, char **keys, size_t nkeys,
    size_t *nout)
{
	char	*out = xcalloc(nkeys + 1, size), *e;
	void	*old;
	size_t	 i, j = 0;

	qsort(keys, nkeys, sizeof(*keys), by_key);
	for (i = 0; i < nkeys; i++) {
		if (j > 0 && strcmp(keys[i], *(char **)(out + (j - 1) *
		    size)) == 0) {
			free(keys[i]);
			continue;
		}
		e = out + j++ * size;
		if ((old = find(arr, n, size, keys[i])) != NULL)
			memcpy(e, old, size);
		memcpy(e, &keys[i], sizeof(char *));
	}
	keyed_free(arr, n, size);
	*nout = j;
	return out;
}

static char *
key_of(const char *a, const char *b, const char *c)
{
	char	*k;

	if (asprintf(&k, "%s %s %s", a, b, c) == -1)
		fatal("asprintf");
	return k;
}

struct history *
history_new(double step)
{
	struct history	*h = xcalloc(1, sizeof(*h));

	h->step = step;
	return h;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	keyed_free(h->m, h->n, sizeof(*h->m));
	keyed_free(h->s, h->ns, sizeof(*h->s));
	free(h);
}

void
history_set_step(struct history *h, double step)
{
	if (h->step == step)
		return;
	keyed_free(h->m, h->n, sizeof(*h->m));
	keyed_free(h->s, h->ns, sizeof(*h->s));
	memset(h, 0, sizeof(*h));
	h->step = step;
}

const struct history_member *
history_find(const struct history *h, const char *zone, const char *pool,
    const char *addr)
{
	const struct history_member	*r;
	char				*k = key_of(zone, pool, addr);

	r = find(h->m, h->n, sizeof(*h->m), k);
	free(k);
	return r;
}

const struct history_share *
history_find_share(const struct history *h, const char *zone,
    const char *name, const char *addr)
{
	const struct history_share	*r;
	char				*k = key_of(zone, name, addr);

	r = find(h->s, h->ns, sizeof(*h->s), k);
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

static void
sample_members(struct history *h, const struct view *vw, size_t c)
{
	struct history_member	*m;
	const struct view_member *v;
	char			**keys, *k;
	size_t			 i;

	keys = xcalloc(vw->nmembers + 1, sizeof(*keys));
	for (i = 0; i < vw->nmembers; i++)
		keys[i] = key_of(vw->members[i].zone, vw->members[i].pool,
		    vw->members[i].addr);
	h->m = rekey(h->m, h->n, sizeof(*h->m), keys, vw->nmembers, &h->n);
	free(keys);
	for (i = 0; i < vw->nmembers; i++) {
		v = &vw->members[i];
		k = key_of(v->zone, v->pool, v->addr);
		m = find(h->m, h->n, sizeof(*h->m), k);
		free(k);
		if (m->stamp == h->samples + 1)
			continue;	/* listed twice: sampled once */
		m->stamp = h->samples + 1;
		m->answers[c] = grew(v->answers, &m->answers_seen);
		m->state[c] = state_of(v) | (grew(v->info.transitions,
		    &m->transitions_seen) > 0 ? HIST_CHANGED : 0);
		m->rtt_us[c] = v->info.rtt_us;
	}
}

static void
sample_shares(struct history *h, const struct view *vw, size_t c)
{
	struct history_share	*s;
	const struct view_name	*m;
	const struct view_pool	*p;
	char			**keys, *k;
	size_t			 i, j, n = 0;

	for (i = 0; i < vw->nnames; i++)
		n += vw->names[i].nmembers;
	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0, n = 0; i < vw->nnames; i++) {
		m = &vw->names[i];
		if ((p = view_pool_of(vw, m)) == NULL)
			continue;
		for (j = 0; j < m->nmembers && j < p->n; j++)
			keys[n++] = key_of(m->zone, m->name,
			    vw->members[p->first + j].addr);
	}
	h->s = rekey(h->s, h->ns, sizeof(*h->s), keys, n, &h->ns);
	free(keys);
	for (i = 0; i < vw->nnames; i++) {
		m = &vw->names[i];
		if ((p = view_pool_of(vw, m)) == NULL)
			continue;
		for (j = 0; j < m->nmembers && j < p->n; j++) {
			k = key_of(m->zone, m->name,
			    vw->members[p->first + j].addr);
			s = find(h->s, h->ns, sizeof(*h->s), k);
			free(k);
			if (s->stamp == h->samples + 1)
				continue;	/* twice in the pool: the first */
			s->stamp = h->samples + 1;
			s->answers[c] = grew(m->member_answers[j],
			    &s->answers_seen);
		}
	}
}

void
history_sample(struct history *h, const struct view *vw)
{
	size_t	 c = h->samples % HISTORY_CELLS, i;

	/* The first cell counts from the start, as a reload's members do. */
	for (i = 0; i < ANSWER_NRCODES; i++)
		h->rcode[i][c] = grew(answer_stat_get(&vw->st.q.rcode[i]),
		    &h->rcode_seen[i]);
	sample_members(h, vw, c);
	sample_shares(h, vw, c);
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
