/* conf_zspecial.c -- records with a meaning beyond their data: DNAME and
 * wildcard owners, checked once the whole zone is read */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>
#include <libconfig.h>

#include "conf.h"
#include "conf_load.h"

/* Is the first label of name "*"? */
static bool
wildcard(const ldns_rdf *name)
{
	const uint8_t	*p = ldns_rdf_data(name);

	return ldns_rdf_size(name) >= 2 && p[0] == 1 && p[1] == '*';
}

/* The first DNAME record owned by name, as an index in z->rrs, or -1. */
static long
dname_at(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name)
{
	size_t	 j;

	for (j = conf_zindex_owned(x, z, name); j != SIZE_MAX; j = x->next[j])
		if (ldns_rr_get_type(z->rrs[j].rr) == LDNS_RR_TYPE_DNAME)
			return (long)j;
	return -1;
}

const ldns_rdf *
conf_zindex_dname(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name, const struct conf_rr **at)
{
	ldns_rdf	*up, *next;
	const ldns_rdf	*found = NULL;
	long		 j;

	if (ldns_dname_compare(name, z->origin) == 0)
		return NULL;
	up = ldns_dname_left_chop(name);
	while (up != NULL && found == NULL) {
		if ((j = dname_at(x, z, up)) != -1) {
			found = ldns_rr_owner(z->rrs[j].rr);
			*at = &z->rrs[j];
		}
		if (ldns_dname_compare(up, z->origin) == 0)
			break;
		next = ldns_dname_left_chop(up);
		ldns_rdf_deep_free(up);
		up = next;
	}
	ldns_rdf_deep_free(up);
	return found;
}

void
conf_zone_special(struct loader *ld, const struct conf_zone *z,
    const struct conf_zindex *x)
{
	const struct conf_rr	*r, *at;
	const ldns_rdf	*owner, *d;
	ldns_rr_type	 t;
	size_t		 i;
	long		 j;
	char		*s, *u, w[512];

	for (i = 0; i < z->nrrs; i++) {
		r = &z->rrs[i];
		owner = ldns_rr_owner(r->rr);
		t = ldns_rr_get_type(r->rr);
		s = conf_name_str(owner);
		if (t == LDNS_RR_TYPE_DNAME && wildcard(owner))
			conf_errf_at(ld, r->file, r->line, "DNAME at the "
			    "wildcard %s: a wildcard cannot redirect (RFC "
			    "4592 4.4)", s);
		else if (t == LDNS_RR_TYPE_DNAME &&
		    (j = dname_at(x, z, owner)) != (long)i &&
		    ldns_rr_compare(z->rrs[j].rr, r->rr) != 0)
			conf_errf_at(ld, r->file, r->line, "a second DNAME at "
			    "%s (%s): a name redirects to one target (RFC "
			    "6672)", s, conf_rr_where(&z->rrs[j], r->file, w,
			    sizeof(w)));
		else if (t == LDNS_RR_TYPE_NS && wildcard(owner))
			conf_errf_at(ld, r->file, r->line, "NS at the wildcard "
			    "%s: a wildcard cannot delegate (RFC 4592 4.2)", s);
		if ((d = conf_zindex_dname(x, z, owner, &at)) != NULL) {
			u = conf_name_str(d);
			conf_errf_at(ld, r->file, r->line, "%s is below the "
			    "DNAME at %s (%s): it would never be answered "
			    "(RFC 6672 2.4)", s, u, conf_rr_where(at, r->file,
			    w, sizeof(w)));
			free(u);
		}
		free(s);
	}
}
