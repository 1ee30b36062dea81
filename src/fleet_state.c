/* fleet_state.c -- what the nodes of a fleet say, and the verdict (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_state.h"
#include "util.h"

struct fleet_state *
fleet_state_new(void)
{
	struct fleet_state	*fs;

	fs = xcalloc(1, sizeof(*fs));
	fs->mask = 1023;
	fs->index = xcalloc(fs->mask + 1, sizeof(*fs->index));
	fs->bmask = 255;
	fs->bindex = xcalloc(fs->bmask + 1, sizeof(*fs->bindex));
	return fs;
}

void
fleet_state_free(struct fleet_state *fs)
{
	size_t	 i, j;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->nt; i++) {
		for (j = 0; j < fs->t[i].nvotes; j++)
			free(fs->t[i].votes[j].reason);
		free(fs->t[i].votes);
		free(fs->t[i].key);
	}
	free(fs->t);
	free(fs->index);
	for (i = 0; i < fs->nb; i++) {
		free(fs->b[i].key);
		free(fs->b[i].ti);
	}
	free(fs->b);
	free(fs->bindex);
	free(fs);
}

size_t
fleet_node_get(struct fleet_state *fs, const char *name)
{
	size_t	 i;

	if (strlen(name) >= FLEET_NAME_MAX)
		return SIZE_MAX;
	for (i = 0; i < fs->nnodes; i++)
		if (strcmp(fs->nodes[i].name, name) == 0)
			return i;
	if (fs->nnodes == FLEET_NODE_MAX)
		return SIZE_MAX;
	memset(&fs->nodes[i], 0, sizeof(fs->nodes[i]));
	snprintf(fs->nodes[i].name, sizeof(fs->nodes[i].name), "%s", name);
	return fs->nnodes++;
}

size_t
fleet_nodes_live(const struct fleet_state *fs)
{
	size_t	 i, n = 0;

	for (i = 0; i < fs->nnodes; i++)
		n += fs->nodes[i].live;
	return n;
}

static uint64_t
key_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void
index_put(size_t *index, size_t mask, const char *key, size_t ti)
{
	size_t	 i;

	for (i = key_hash(key) & mask; index[i] != 0; i = (i + 1) & mask)
		;
	index[i] = ti + 1;
}

size_t
fleet_target_get(struct fleet_state *fs, const char *key, bool make)
{
	size_t	 i, j;

	for (i = key_hash(key) & fs->mask; fs->index[i] != 0;
	    i = (i + 1) & fs->mask)
		if (strcmp(fs->t[fs->index[i] - 1].key, key) == 0)
			return fs->index[i] - 1;
	if (!make)
		return SIZE_MAX;
	if (fs->nt == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 256;
		fs->t = xreallocarray(fs->t, fs->cap, sizeof(*fs->t));
	}
	memset(&fs->t[fs->nt], 0, sizeof(fs->t[fs->nt]));
	fs->t[fs->nt].key = xstrdup(key);
	/* Keep the index at most half full. */
	if ((fs->nt + 1) * 2 > fs->mask + 1) {
		free(fs->index);
		fs->mask = fs->mask * 2 + 1;
		fs->index = xcalloc(fs->mask + 1, sizeof(*fs->index));
		for (j = 0; j < fs->nt; j++)
			index_put(fs->index, fs->mask, fs->t[j].key, j);
	}
	index_put(fs->index, fs->mask, key, fs->nt);
	return fs->nt++;
}

static struct fleet_vote *
vote_find(const struct fleet_target *t, size_t node)
{
	size_t	 i;

	for (i = 0; i < t->nvotes; i++)
		if (t->votes[i].node == node)
			return &t->votes[i];
	return NULL;
}

const struct fleet_vote *
fleet_vote_of(const struct fleet_state *fs, size_t ti, size_t node)
{
	if (ti >= fs->nt)
		return NULL;
	return vote_find(&fs->t[ti], node);
}

bool
fleet_vote_set(struct fleet_state *fs, size_t ti, size_t node,
    const struct fleet_vote *vote)
{
	struct fleet_target	*t = &fs->t[ti];
	struct fleet_vote	*v = vote_find(t, node);
	bool			 changed;

	if (vote == NULL) {
		if (v == NULL)
			return false;
		free(v->reason);
		*v = t->votes[--t->nvotes];
		return true;
	}
	if (v == NULL) {
		t->votes = xreallocarray(t->votes, t->nvotes + 1,
		    sizeof(*t->votes));
		v = &t->votes[t->nvotes++];
		changed = true;
	} else {
		changed = v->down != vote->down;
		free(v->reason);
	}
	*v = *vote;
	v->node = node;
	v->reason = vote->reason != NULL ? xstrdup(vote->reason) : NULL;
	return changed;
}

size_t
fleet_node_forget(struct fleet_state *fs, size_t node, size_t *changed)
{
	size_t	 i, n = 0;

	for (i = 0; i < fs->nt; i++)
		if (fleet_vote_set(fs, i, node, NULL)) {
			if (changed != NULL)
				changed[n] = i;
			n++;
		}
	return n;
}

int
fleet_verdict(const struct fleet_state *fs, size_t ti, size_t self_node,
    int self, unsigned quorum, size_t *voters, size_t *down)
{
	const struct fleet_target	*t = &fs->t[ti];
	const struct fleet_vote		*v;
	size_t				 i, need;

	*voters = *down = 0;
	if (self != 0) {
		(*voters)++;
		*down += self == 2;
	}
	for (i = 0; i < t->nvotes; i++) {
		v = &t->votes[i];
		if (v->node == self_node || !fs->nodes[v->node].live)
			continue;
		(*voters)++;
		*down += v->down;
	}
	if (*voters == 0)
		return -1;
	if (quorum == 0)
		return *down * 2 > *voters;
	need = quorum < *voters ? quorum : *voters;
	return *down >= need;
}

/* The bucket of key, made (empty) when new. */
static struct fleet_bucket *
bucket_get(struct fleet_state *fs, const char *key)
{
	size_t	 i, j;

	for (i = key_hash(key) & fs->bmask; fs->bindex[i] != 0;
	    i = (i + 1) & fs->bmask)
		if (strcmp(fs->b[fs->bindex[i] - 1].key, key) == 0)
			return &fs->b[fs->bindex[i] - 1];
	if (fs->nb == fs->bcap) {
		fs->bcap = fs->bcap ? fs->bcap * 2 : 64;
		fs->b = xreallocarray(fs->b, fs->bcap, sizeof(*fs->b));
	}
	memset(&fs->b[fs->nb], 0, sizeof(fs->b[fs->nb]));
	fs->b[fs->nb].key = xstrdup(key);
	if ((fs->nb + 1) * 2 > fs->bmask + 1) {
		free(fs->bindex);
		fs->bmask = fs->bmask * 2 + 1;
		fs->bindex = xcalloc(fs->bmask + 1, sizeof(*fs->bindex));
		for (j = 0; j < fs->nb; j++)
			index_put(fs->bindex, fs->bmask, fs->b[j].key, j);
	}
	index_put(fs->bindex, fs->bmask, key, fs->nb);
	return &fs->b[fs->nb++];
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t
fleet_bucket_set(struct fleet_state *fs, const char *key, const size_t *ti,
    size_t n, size_t **gone)
{
	struct fleet_bucket	*b = bucket_get(fs, key);
	size_t			*now, i, k, ng = 0;

	*gone = NULL;
	now = xcalloc(n + 1, sizeof(*now));
	if (n > 0)
		memcpy(now, ti, n * sizeof(*now));
	qsort(now, n, sizeof(*now), cmp_size);
	/* Both sorted: what the old set has and the new one lacks. */
	for (i = k = 0; i < b->n; i++) {
		while (k < n && now[k] < b->ti[i])
			k++;
		if (k < n && now[k] == b->ti[i])
			continue;
		if (*gone == NULL)
			*gone = xcalloc(b->n, sizeof(**gone));
		(*gone)[ng++] = b->ti[i];
	}
	free(b->ti);
	b->ti = now;
	b->n = n;
	return ng;
}
