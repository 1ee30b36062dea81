/* zone.c -- zones -> nodes -> precompiled answers: lookup (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "zone.h"
#include "zone_int.h"

/* The table's hash of a name: its wire hash with the table's seed. */
static inline uint64_t
seeded(uint64_t seed, uint64_t h)
{
	h ^= seed;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

uint64_t
zone_hash_name(uint64_t seed, const uint8_t *p, size_t n)
{
	return seeded(seed, wire_name_hash(p, n));
}

static struct zone_node *
lookup(const struct zone_db *db, const uint8_t *name, size_t len, uint64_t h)
{
	size_t			 i = h & db->mask;
	const struct zone_slot	*s;
	struct zone_node	*n;

	for (;; i = (i + 1) & db->mask) {
		s = &db->table[i];
		if (s->node == 0)
			return NULL;
		n = &db->nodes[s->node - 1];
		if (s->hash == h && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return n;
	}
}

const struct zone_node *
zone_db_lookup(const struct zone_db *db, const uint8_t *name, size_t len)
{
	return lookup(db, name, len, zone_hash_name(db->seed, name, len));
}

const struct zone_node *
zone_db_lookup_hashed(const struct zone_db *db, const uint8_t *name,
    size_t len, uint64_t wh)
{
	return lookup(db, name, len, seeded(db->seed, wh));
}

const struct zone_answer *
zone_node_answer(const struct zone_node *n, uint16_t qtype)
{
	size_t	 i;

	for (i = 0; i < n->nanswers; i++)
		if (n->answers[i].qtype == qtype)
			return &n->answers[i];
	return n->other;
}

/* Offsets of each label of a wire name; returns the label count. */
size_t
zone_labels_of(const uint8_t *name, uint8_t *off)
{
	size_t	 i = 0, n = 0;

	while (name[i] != 0) {
		off[n++] = i;
		i += name[i] + 1;
	}
	return n;
}

size_t
zone_name_len(const uint8_t *name)
{
	size_t	 i = 0;

	while (name[i] != 0)
		i += name[i] + 1;
	return i + 1;
}

void
zone_lower_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, len);
	wire_name_lower(dst, len);
}

void
zone_answer_free(struct zone_answer *a)
{
	free(a->wire);
	free(a->sets);
	free(a->fix);
	if (a->alt != NULL) {
		zone_answer_free(a->alt);
		free(a->alt);
	}
}

void
zone_db_free(struct zone_db *db)
{
	struct lb_member	*lm;
	size_t			 i, j, k;

	if (db == NULL)
		return;
	for (i = 0; i < db->nnodes; i++) {
		for (j = 0; j < db->nodes[i].nanswers; j++)
			zone_answer_free(&db->nodes[i].answers[j]);
		free(db->nodes[i].answers);
		if (db->nodes[i].dname != NULL) {
			zone_answer_free(db->nodes[i].dname);
			free(db->nodes[i].dname);
		}
		zone_answer_free(&db->nodes[i].referral);
		free(db->nodes[i].name);
	}
	for (i = 0; i < db->nzones; i++) {
		for (j = 0; j < db->zones[i].npools; j++) {
			free(db->zones[i].pools[j].name);
			/* A name member's target and its text (const to
			   the query path, owned here). */
			for (k = 0; k < db->zones[i].pools[j].nmembers; k++) {
				lm = &db->zones[i].pools[j].members[k];
				free((void *)(uintptr_t)lm->cname);
				free((void *)(uintptr_t)lm->cname_text);
			}
			free(db->zones[i].pools[j].members);
			free(db->zones[i].pools[j].fam[0]);
			free(db->zones[i].pools[j].fam[1]);
		}
		free(db->zones[i].pools);
		for (j = 0; j < db->zones[i].nnames; j++) {
			free(db->zones[i].names[j].name);
			free(db->zones[i].names[j].rr);
		}
		free(db->zones[i].names);
		zone_answer_free(&db->zones[i].nxdomain);
		zone_answer_free(&db->zones[i].nodata);
		free(db->zones[i].origin);
		free(db->zones[i].name);
	}
	free(db->nodes);
	free(db->zones);
	free(db->table);
	free(db->targets);
	free(db->tindex);
	zone_ident_free(&db->ident);
	free(db);
}
