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
    const ldns_rdf *name, int *line)
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
			*line = z->rrs[j].line;
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
	const ldns_rdf	*owner, *d;
	ldns_rr_type	 t;
	size_t		 i;
	long		 j;
	int		 line;
	char		*s, *u;

	for (i = 0; i < z->nrrs; i++) {
		owner = ldns_rr_owner(z->rrs[i].rr);
		t = ldns_rr_get_type(z->rrs[i].rr);
		s = conf_name_str(owner);
		if (t == LDNS_RR_TYPE_DNAME && wildcard(owner))
			conf_errf(ld, z->rrs[i].line, "DNAME at the wildcard "
			    "%s: a wildcard cannot redirect (RFC 4592 4.4)", s);
		else if (t == LDNS_RR_TYPE_DNAME &&
		    (j = dname_at(x, z, owner)) != (long)i &&
		    ldns_rr_compare(z->rrs[j].rr, z->rrs[i].rr) != 0)
			conf_errf(ld, z->rrs[i].line, "a second DNAME at %s "
			    "(line %d): a name redirects to one target "
			    "(RFC 6672)", s, z->rrs[j].line);
		else if (t == LDNS_RR_TYPE_NS && wildcard(owner))
			conf_errf(ld, z->rrs[i].line, "NS at the wildcard %s: "
			    "a wildcard cannot delegate (RFC 4592 4.2)", s);
		if ((d = conf_zindex_dname(x, z, owner, &line)) != NULL) {
			u = conf_name_str(d);
			conf_errf(ld, z->rrs[i].line, "%s is below the DNAME "
			    "at %s (line %d): it would never be answered "
			    "(RFC 6672 2.4)", s, u, line);
			free(u);
		}
		free(s);
	}
}
