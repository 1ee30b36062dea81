/* zone_util.c -- load-time helpers on names for the zone builder */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include <ldns/ldns.h>

#include "wire.h"
#include "zone.h"
#include "zone_int.h"

/* Is name (lower-case wire) at or below top? */
bool
zone_name_under(const uint8_t *name, size_t len, const uint8_t *top, size_t tlen)
{
	uint8_t	 off[WIRE_MAX_LABELS];
	size_t	 i, n;

	if (len < tlen)
		return false;
	n = zone_labels_of(name, off);
	for (i = 0; i <= n; i++) {
		size_t	 o = i < n ? off[i] : len - 1;

		if (len - o == tlen)
			return memcmp(name + o, top, tlen) == 0;
	}
	return false;
}

/* The deepest zone at or above name, or NULL. */
struct zone *
zone_db_zone_of(const struct zone_db *db, const uint8_t *name, size_t len)
{
	struct zone	*best = NULL;
	size_t		 i;

	for (i = 0; i < db->nzones; i++)
		if (zone_name_under(name, len, db->zones[i].origin,
		    db->zones[i].origin_len) && (best == NULL ||
		    db->zones[i].origin_len > best->origin_len))
			best = &db->zones[i];
	return best;
}

/* Lower-case wire form of an ldns dname. */
size_t
zone_rdf_lname(const ldns_rdf *d, uint8_t *out)
{
	size_t	 len = ldns_rdf_size(d);

	zone_lower_copy(out, ldns_rdf_data(d), len);
	return len;
}

/* The target name of a CNAME, NS, MX or SRV record. */
const ldns_rdf *
zone_target_of(const ldns_rr *rr)
{
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_NS:
		return ldns_rr_rdf(rr, 0);
	case LDNS_RR_TYPE_MX:
		return ldns_rr_rdf(rr, 1);
	case LDNS_RR_TYPE_SRV:
		return ldns_rr_rdf(rr, 3);
	default:
		return NULL;
	}
}
