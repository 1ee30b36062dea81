/* fleet_pub.c -- this node's verdicts in the store, by bucket of targets */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "etcd.h"
#include "fleet.h"
#include "fleet_int.h"
#include "probe.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"

/*
 * A node's verdicts are spread over FLEET_BUCKETS keys by a hash of the
 * target key: v/NODE/BBB holds {"t": when, "v": {TARGET: verdict, ...}}.
 * One key per target made etcd's work (and every watcher's) grow with
 * the keys: 30,000 verdicts took etcd 2.2 CPU-s one by one and 0.4 s in
 * buckets.  A change rewrites its bucket only.
 */

static uint64_t
fnv(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The content of a bucket, in any order: what decides a rewrite. */
static uint64_t
entry_hash(const char *tkey, bool down)
{
	return fnv(tkey, down ? 0x84222325cbf29ceULL : 0xcbf29ce484222325ULL)
	    | 1;
}

void
fleet_pub_map(struct fleet *f)
{
	size_t	 i, b, *fill;

	f->bkt = xcalloc(f->nslots + 1, sizeof(*f->bkt));
	f->bslot = xcalloc(f->nslots + 1, sizeof(*f->bslot));
	memset(f->bstart, 0, sizeof(f->bstart));
	memset(f->bdirty, 0, sizeof(f->bdirty));
	f->nbq = 0;
	for (i = 0; i < f->nslots; i++)
		if (f->tkey[i] != NULL) {
			f->bkt[i] = fnv(f->tkey[i], 0x6c62272e07bb0142ULL) %
			    FLEET_BUCKETS;
			f->bstart[f->bkt[i] + 1]++;
		}
	for (b = 0; b < FLEET_BUCKETS; b++)
		f->bstart[b + 1] += f->bstart[b];
	fill = xcalloc(FLEET_BUCKETS, sizeof(*fill));
	for (i = 0; i < f->nslots; i++)
		if (f->tkey[i] != NULL)
			f->bslot[f->bstart[f->bkt[i]] + fill[f->bkt[i]]++] = i;
	free(fill);
}

static void
mark_bucket(struct fleet *f, unsigned b)
{
	if (f->bdirty[b])
		return;
	f->bdirty[b] = true;
	f->bq[f->nbq++] = b;
}

void
fleet_mark(struct fleet *f, size_t i)
{
	if (i < f->nslots && f->tkey[i] != NULL)
		mark_bucket(f, f->bkt[i]);
}

/* Every bucket with targets, and every one the store has of ours. */
void
fleet_dirty_all(struct fleet *f)
{
	unsigned	 b;

	for (b = FLEET_BUCKETS; b-- > 0;)
		if (f->bstart[b + 1] > f->bstart[b] || f->bstore[b] != 0)
			mark_bucket(f, b);
}

void
fleet_store_bucket(struct fleet *f, unsigned b, json_t *entries)
{
	const char	*k;
	json_t		*v;
	uint64_t	 h = 0;

	if (b >= FLEET_BUCKETS)
		return;
	json_object_foreach(entries, k, v)
		h += entry_hash(k, json_is_true(json_object_get(v, "down")));
	/* Gone (an old lease of ours ended)?  Say it again if we have it. */
	if (entries == NULL && f->bstore[b] != 0 && !f->reading) {
		mark_bucket(f, b);
		fleet_kick(f);
	}
	f->bstore[b] = h;
}

/* This node's verdict of slot i as a bucket entry. */
static json_t *
entry(struct fleet *f, size_t i, bool down)
{
	const struct health	*h = f->srv->snap->health;
	struct probe_info	 pi;
	json_t			*v;
	uint32_t		 rtt, load;

	v = json_pack("{sbsf}", "down", down, "since", h->track[i].since);
	/* What is unknown is left out. */
	if (down && f->srv->probe != NULL && probe_target_info(f->srv->probe,
	    i, &pi) == 0 && pi.reason[0] != '\0')
		json_object_set_new(v, "reason", json_string(pi.reason));
	if ((rtt = atomic_load(&h->slots[i].rtt_us)) != HEALTH_RTT_NONE)
		json_object_set_new(v, "rtt_us", json_integer(rtt));
	if ((load = atomic_load(&h->slots[i].load)) != HEALTH_LOAD_NONE)
		json_object_set_new(v, "load", json_integer(load));
	return v;
}

size_t
fleet_publish_next(struct fleet *f, json_t *ops, size_t *bytes)
{
	char		 key[FLEET_KEY_MAX];
	json_t		*all, *v;
	char		*text;
	uint64_t	 want = 0;
	size_t		 k, i;
	unsigned	 b;
	int		 sv;

	while (f->nbq > 0) {
		b = f->bq[--f->nbq];
		f->bdirty[b] = false;
		for (k = f->bstart[b]; k < f->bstart[b + 1]; k++) {
			i = f->bslot[k];
			if ((sv = fleet_self_verdict(f, i)) != 0)
				want += entry_hash(f->tkey[i], sv == 2);
		}
		if (want == f->bstore[b]) {
			want = 0;
			continue;
		}
		snprintf(key, sizeof(key), "%sv/%s/%03x", f->prefix, f->node,
		    b);
		f->bstore[b] = want;
		if (want == 0) {
			json_array_append_new(ops, fleet_op_del(etcd_b64(key,
			    strlen(key))));
			*bytes += strlen(key) * 2;
			return 1;
		}
		all = json_object();
		for (k = f->bstart[b]; k < f->bstart[b + 1]; k++) {
			i = f->bslot[k];
			if ((sv = fleet_self_verdict(f, i)) != 0)
				json_object_set_new(all, f->tkey[i], entry(f,
				    i, sv == 2));
		}
		v = json_pack("{sfso}", "t", ev_time(), "v", all);
		text = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		json_array_append_new(ops, fleet_op_put(etcd_b64(key,
		    strlen(key)), etcd_b64(text, strlen(text)), f->lease));
		*bytes += (strlen(text) + strlen(key)) * 4 / 3 + 64;
		free(text);
		return 1;
	}
	return 0;
}
