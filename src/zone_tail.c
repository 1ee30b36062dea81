/* zone_tail.c -- the answers of managed names, built at load */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "util.h"
#include "wire.h"
#include "zone.h"
#include "zone_int.h"

/*
 * Write a CNAME chain (possibly empty) into the answer section; own[i] is
 * the owner of link i (a wildcard's link is owned by the name that led
 * to it, RFC 4592 2.1.3).
 */
void
zone_add_chain(struct enc *e, const struct bset *const *chain,
    const uint8_t *const *own, size_t nchain)
{
	size_t	 i;

	for (i = 0; i < nchain; i++)
		zone_enc_set(e, own[i], chain[i], chain[i]->ttl, SEC_AN, true);
}

/*
 * The answer of a question at n, through a chain, ending at the managed
 * name end: the chain is precompiled, the addresses are written per query
 * (tail), and alt is what to answer when every member is down.
 */
void
zone_build_tail(struct enc *e, const struct zone_node *n,
    const struct bset *const *chain, const uint8_t *const *own,
    size_t nchain, const struct zone_node *end, const uint8_t *eown,
    uint8_t fam, struct zone_answer *out, const struct bset *soa,
    uint32_t neg_ttl)
{
	const struct zone_name	*m = end->managed;
	const struct conf_name	*c = m->conf;
	uint16_t		 qtype = fam == 4 ? LDNS_RR_TYPE_A : fam == 6 ?
				    LDNS_RR_TYPE_AAAA : 0;
	/* A pool of names answers its CNAME for every type (fam 0). */
	uint16_t		 rtype = m->pool->names ? LDNS_RR_TYPE_CNAME :
				    qtype;
	const ldns_rr		*rrs[LB_MAX_MEMBERS];
	struct bset		 fb = { .rrs = rrs };
	ldns_rr			*cname = NULL;
	uint16_t		 owner;
	size_t			 i;

	zone_enc_init(e, n->name, n->name_len);
	zone_add_chain(e, chain, own, nchain);
	owner = nchain == 0 ? WIRE_HDR_LEN : zone_enc_find(e, eown,
	    zone_name_len(eown));
	zone_enc_finish(e, out, qtype, WIRE_RCODE_NOERROR, true, n->name_len);
	out->tail = m;
	out->tail_family = fam;
	out->tail_owner = owner;
	/* The record of an address, but for the address, once per TTL. */
	for (i = 0; i < 2; i++) {
		wire_put16(out->tail_rr[i], 0xc000 | owner);
		wire_put16(out->tail_rr[i] + 2, rtype);
		wire_put16(out->tail_rr[i] + 4, WIRE_CLASS_IN);
		wire_put32(out->tail_rr[i] + 6, i == 0 ? m->ttl :
		    m->degraded_ttl);
		/* A name's length is its own: answer_put_tail() writes it. */
		wire_put16(out->tail_rr[i] + 10, fam == 4 ? 4 : 16);
	}
	if (m->all_down != LB_ALL_DOWN_NODATA && m->all_down !=
	    LB_ALL_DOWN_FALLBACK)
		return;
	out->alt = xcalloc(1, sizeof(*out->alt));
	zone_enc_init(e, n->name, n->name_len);
	zone_add_chain(e, chain, own, nchain);
	if (m->all_down == LB_ALL_DOWN_FALLBACK && c->fallback_cname != NULL) {
		cname = ldns_rr_new();
		ldns_rr_set_type(cname, LDNS_RR_TYPE_CNAME);
		ldns_rr_set_class(cname, LDNS_RR_CLASS_IN);
		ldns_rr_set_owner(cname, ldns_rdf_clone(c->owner));
		ldns_rr_push_rdf(cname, ldns_rdf_clone(c->fallback_cname));
		rrs[fb.n++] = cname;
		fb.type = LDNS_RR_TYPE_CNAME;
	} else if (m->all_down == LB_ALL_DOWN_FALLBACK) {
		for (i = 0; i < c->nfallback; i++)
			if (ldns_rr_get_type(c->fallback[i]) == qtype)
				rrs[fb.n++] = c->fallback[i];
		fb.type = qtype;
	}
	if (fb.n > 0)
		zone_enc_set(e, eown, &fb, m->degraded_ttl, SEC_AN, true);
	else
		zone_enc_set(e, end->zone->origin, soa, neg_ttl, SEC_NS, true);
	zone_enc_finish(e, out->alt, qtype, WIRE_RCODE_NOERROR, true, n->name_len);
	ldns_rr_free(cname);
}
