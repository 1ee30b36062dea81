/* geo.c -- address ranges -> regions, made from a GeoIP database (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "util.h"

static uint32_t
load32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
load64(const uint8_t *p)
{
	return (uint64_t)load32(p) << 32 | load32(p + 4);
}

struct geo_map *
geo_map_new(void)
{
	return xcalloc(1, sizeof(struct geo_map));
}

void
geo_map_free(struct geo_map *m)
{
	if (m == NULL)
		return;
	free(m->v4);
	free(m->v6);
	free(m);
}

void
geo_map_add(struct geo_map *m, uint8_t family, const uint8_t *addr,
    uint8_t prefix, uint16_t region)
{
	struct geo_r4	*r4;
	struct geo_r6	*r6;

	if (family == 4) {
		r4 = m->n4 > 0 ? &m->v4[m->n4 - 1] : NULL;
		/* The walk gives neighbours in order: same answer, one run. */
		if (r4 != NULL && r4->region == region && r4->prefix == prefix)
			return;
		if (m->n4 == m->cap4) {
			m->cap4 = m->cap4 ? m->cap4 * 2 : 64;
			m->v4 = xreallocarray(m->v4, m->cap4, sizeof(*m->v4));
		}
		r4 = &m->v4[m->n4++];
		r4->start = load32(addr);
		r4->region = region;
		r4->prefix = prefix;
		return;
	}
	r6 = m->n6 > 0 ? &m->v6[m->n6 - 1] : NULL;
	if (r6 != NULL && r6->region == region && r6->prefix == prefix)
		return;
	if (m->n6 == m->cap6) {
		m->cap6 = m->cap6 ? m->cap6 * 2 : 64;
		m->v6 = xreallocarray(m->v6, m->cap6, sizeof(*m->v6));
	}
	r6 = &m->v6[m->n6++];
	r6->hi = load64(addr);
	r6->lo = load64(addr + 8);
	r6->region = region;
	r6->prefix = prefix;
}

void
geo_map_trim(struct geo_map *m)
{
	if (m->n4 > 0 && m->n4 < m->cap4) {
		m->v4 = xreallocarray(m->v4, m->n4, sizeof(*m->v4));
		m->cap4 = m->n4;
	}
	if (m->n6 > 0 && m->n6 < m->cap6) {
		m->v6 = xreallocarray(m->v6, m->n6, sizeof(*m->v6));
		m->cap6 = m->n6;
	}
}

uint16_t
geo_map_lookup(const struct geo_map *m, uint8_t family, const uint8_t *addr,
    uint8_t *prefix)
{
	size_t		 lo = 0, hi, mid;
	uint32_t	 a;
	uint64_t	 ah, al;

	*prefix = 0;
	if (m == NULL)
		return GEO_NONE;
	/* The last run that starts at or before addr holds it. */
	if (family == 4) {
		if (m->n4 == 0)
			return GEO_NONE;
		a = load32(addr);
		for (hi = m->n4; hi - lo > 1;) {
			mid = lo + (hi - lo) / 2;
			if (m->v4[mid].start <= a)
				lo = mid;
			else
				hi = mid;
		}
		*prefix = m->v4[lo].prefix;
		return m->v4[lo].region;
	}
	if (m->n6 == 0)
		return GEO_NONE;
	ah = load64(addr);
	al = load64(addr + 8);
	for (hi = m->n6; hi - lo > 1;) {
		mid = lo + (hi - lo) / 2;
		if (m->v6[mid].hi < ah || (m->v6[mid].hi == ah &&
		    m->v6[mid].lo <= al))
			lo = mid;
		else
			hi = mid;
	}
	*prefix = m->v6[lo].prefix;
	return m->v6[lo].region;
}

size_t
geo_map_runs(const struct geo_map *m, uint8_t family)
{
	if (m == NULL)
		return 0;
	return family == 4 ? m->n4 : m->n6;
}
