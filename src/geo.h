/* geo.h -- address ranges -> regions, made from a GeoIP database (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_GEO_H
#define STEER_GEO_H

#include <stddef.h>
#include <stdint.h>

#define GEO_NONE	UINT16_MAX	/* in no region: LB_NO_REGION */

/* A run of networks of one prefix length and one region, from start on. */
struct geo_r4 {
	uint32_t	 start;
	uint16_t	 region;
	uint8_t		 prefix;	/* of each database network in it */
};
struct geo_r6 {
	uint64_t	 hi, lo;
	uint16_t	 region;
	uint8_t		 prefix;
};

/*
 * One family's address space cut into runs, in ascending order and
 * without gaps: a run lasts until the next one starts.
 */
struct geo_map {
	struct geo_r4	*v4;
	size_t		 n4, cap4;
	struct geo_r6	*v6;
	size_t		 n6, cap6;
};

/* An empty map (every address in no region); free with geo_map_free(). */
struct geo_map	*geo_map_new(void);
void		 geo_map_free(struct geo_map *);
/*
 * Append the network addr/prefix of family 4 or 6 (addr in network
 * order, 4 or 16 bytes) and its region.  Networks of a family must come
 * in ascending order and cover its whole space, as a walk of the
 * database's tree gives them; one right after a run of the same region
 * and prefix length joins it.  Allocates (load time).
 */
void		 geo_map_add(struct geo_map *, uint8_t family,
		    const uint8_t *addr, uint8_t prefix, uint16_t region);
/* Give back what the arrays hold beyond their runs. */
void		 geo_map_trim(struct geo_map *);
/*
 * The region of addr (GEO_NONE when none or the family has no runs);
 * *prefix is the length of the database network it is in (0 when the
 * map has nothing of the family).  Binary search: no allocation.
 */
uint16_t	 geo_map_lookup(const struct geo_map *, uint8_t family,
		    const uint8_t *addr, uint8_t *prefix);
/* Runs of each family, for the log and tests. */
size_t		 geo_map_runs(const struct geo_map *, uint8_t family);

#endif
