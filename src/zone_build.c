/* zone_build.c -- a validated configuration -> the zone database */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "util.h"
#include "wire.h"
#include "zone.h"
#include "zone_int.h"

struct bnode {
	struct bset	*sets;
	size_t		 nsets;
	bool		 is_cut;
	/* At the apex of a zone whose parent we serve too: the parent's
	   records here (NS, DS), its zone and negative TTL. */
	struct bnode	*above;
	struct zone	*parent;
	uint32_t	 parent_neg;
};

struct builder {
	struct zone_db	*db;
	struct bnode	*bn;		/* parallel to db->nodes */
	size_t		 cap;
};


/* Insert a node for name (lower case) in zone z, or find it. */
static size_t
node_get(struct builder *b, const uint8_t *name, size_t len, struct zone *z)
{
	struct zone_db		*db = b->db;
	uint64_t		 h = zone_hash_name(db->seed, name, len);
	size_t			 i = h & db->mask;
	struct zone_node	*n;

	for (;; i = (i + 1) & db->mask) {
		if (db->table[i].node == 0)
			break;
		n = &db->nodes[db->table[i].node - 1];
		if (db->table[i].hash == h && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return n - db->nodes;
	}
	/* Nodes are found by index until all are made: they may move. */
	if (db->nnodes == b->cap) {
		b->cap *= 2;
		db->nodes = xreallocarray(db->nodes, b->cap,
		    sizeof(*db->nodes));
		b->bn = xreallocarray(b->bn, b->cap, sizeof(*b->bn));
	}
	n = &db->nodes[db->nnodes];
	memset(n, 0, sizeof(*n));
	n->name = xmalloc(len);
	memcpy(n->name, name, len);
	n->name_len = len;
	n->zone = z;
	db->table[i].hash = h;
	db->table[i].node = db->nnodes + 1;
	memset(&b->bn[db->nnodes], 0, sizeof(b->bn[0]));
	return db->nnodes++;
}

static struct zone_node *
node_find(struct builder *b, const uint8_t *name, size_t len)
{
	return (struct zone_node *)(uintptr_t)zone_db_lookup(b->db, name, len);
}

static struct bset *
bset_find(struct bnode *bn, uint16_t type)
{
	size_t	 i;

	for (i = 0; i < bn->nsets; i++)
		if (bn->sets[i].type == type)
			return &bn->sets[i];
	return NULL;
}

static void
bset_add(struct bnode *bn, const ldns_rr *rr)
{
	struct bset	*s;
	size_t		 i;

	if ((s = bset_find(bn, ldns_rr_get_type(rr))) == NULL) {
		bn->sets = xreallocarray(bn->sets, bn->nsets + 1,
		    sizeof(*bn->sets));
		s = &bn->sets[bn->nsets++];
		memset(s, 0, sizeof(*s));
		s->type = ldns_rr_get_type(rr);
		s->ttl = ldns_rr_ttl(rr);
	}
	for (i = 0; i < s->n; i++)
		if (ldns_rr_compare(s->rrs[i], rr) == 0)
			return;		/* an RRset holds no duplicates */
	s->rrs = xreallocarray(s->rrs, s->n + 1, sizeof(*s->rrs));
	s->rrs[s->n++] = rr;
	/* RFC 2181 section 5.2: one TTL per RRset; take the lowest. */
	if (ldns_rr_ttl(rr) < s->ttl)
		s->ttl = ldns_rr_ttl(rr);
}

static void
bnode_free(struct bnode *bn)
{
	size_t	 i;

	for (i = 0; i < bn->nsets; i++)
		free(bn->sets[i].rrs);
	free(bn->sets);
}

static struct bnode *
bnode_of(struct builder *b, const struct zone_node *n)
{
	return &b->bn[n - b->db->nodes];
}

/* Addresses of the targets of set as additional records. */
static void
add_additional(struct builder *b, struct enc *e, const struct bset *set,
    const struct zone_node *within, bool required)
{
	uint8_t			 t[WIRE_MAX_NAME];
	const struct zone_node	*tn;
	const ldns_rdf		*d;
	struct bset		*a;
	size_t			 i, len;
	static const uint16_t	 types[] = { LDNS_RR_TYPE_A,
				    LDNS_RR_TYPE_AAAA };
	const struct zone_node	*seen[LB_MAX_MEMBERS];
	size_t			 k, nseen = 0;

	for (i = 0; i < set->n; i++) {
		if ((d = zone_target_of(set->rrs[i])) == NULL)
			continue;
		len = zone_rdf_lname(d, t);
		if ((tn = node_find(b, t, len)) == NULL)
			continue;
		/* Each target's addresses once, however often named. */
		for (k = 0; k < nseen && seen[k] != tn; k++)
			;
		if (k < nseen)
			continue;
		if (nseen < NELEM(seen))
			seen[nseen++] = tn;
		/*
		 * Data below a cut is not ours to answer with, but it is the
		 * glue of referrals: of its own cut (required), and of a
		 * sibling cut whose server it names (optional), as Knot and
		 * BIND send it, saving the resolver a lookup.
		 */
		if (tn->cut != NULL && within == NULL)
			continue;
		for (k = 0; k < NELEM(types); k++)
			if ((a = bset_find(bnode_of(b, tn), types[k])) != NULL)
				zone_enc_set(e, tn->name, a, a->ttl, SEC_AR,
				    required && tn->cut == within &&
				    within != NULL);
	}
}

static void
build_zone_answers(struct builder *b, struct enc *e, struct zone *z,
    const struct bset *soa, uint32_t neg_ttl)
{
	zone_enc_init(e, z->origin, z->origin_len);
	zone_enc_set(e, z->origin, soa, neg_ttl, SEC_NS, true);
	zone_enc_finish(e, &z->nxdomain, 0, WIRE_RCODE_NXDOMAIN, true,
	    z->origin_len);
	zone_enc_init(e, z->origin, z->origin_len);
	zone_enc_set(e, z->origin, soa, neg_ttl, SEC_NS, true);
	zone_enc_finish(e, &z->nodata, 0, WIRE_RCODE_NOERROR, true, z->origin_len);
	(void)b;
}

/* The closest node above a name that has none, or NULL. */
static const struct zone_node *
closest_above(struct builder *b, const uint8_t *name, size_t len)
{
	uint8_t			 off[WIRE_MAX_LABELS];
	const struct zone_node	*a;
	size_t			 k, nl = zone_labels_of(name, off);

	for (k = 1; k < nl; k++)
		if ((a = node_find(b, name + off[k], len - off[k])) != NULL)
			return a;
	return NULL;
}

/* Does a managed name have address members of this family (4 or 6)? */
static bool
managed_has(const struct zone_node *n, uint8_t fam)
{
	return n->managed != NULL && !n->managed->pool->names &&
	    n->managed->pool->nfam[fam == 6] > 0;
}

/* Is it a managed name of a pool of names: a CNAME for every type? */
static bool
managed_names(const struct zone_node *n)
{
	return n != NULL && n->managed != NULL && n->managed->pool->names;
}

/* Is the type one that may sit beside a CNAME (RFC 4035 2.5)? */
static bool
beside_cname(uint16_t t)
{
	return t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC;
}

/* NS, MX and SRV answers carry their targets' addresses. */
static bool
has_additional(uint16_t t)
{
	return t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_MX ||
	    t == LDNS_RR_TYPE_SRV;
}

/*
 * Answers of a name with a CNAME: the CNAME alone for qtype CNAME; for any
 * other type the chain inside the zone and what its end holds (RFC 1034
 * 4.3.2 step 3): the end's RRset, a wildcard's synthesized for the name
 * the chain led to (RFC 4592 2.1.3), a referral when the chain goes below
 * a cut, NXDOMAIN when it leads to nothing.  RRSIG and NSEC are the types
 * a CNAME's owner may hold beside it (RFC 4035 2.5): asked for, the
 * CNAME is not followed, and this unsigned zone has none (NODATA).
 */
static void
build_cname(struct builder *b, struct enc *e, struct zone_node *n,
    const struct bset *soa, uint32_t neg_ttl)
{
	const struct bset	*chain[ZONE_MAX_CHAIN + 2];
	const struct zone_node	*cn[ZONE_MAX_CHAIN + 2];
	const uint8_t		*own[ZONE_MAX_CHAIN + 2];
	uint8_t			 wown[ZONE_MAX_CHAIN + 2][WIRE_MAX_NAME];
	const struct zone_node	*end = NULL, *cut = NULL, *up = NULL;
	const ldns_rr		*synrr[1];
	struct bset		 syn = { .rrs = synrr };
	ldns_rr			*cname = NULL;
	bool			 at_cut = false, renamed = false;
	const uint8_t		*eown = NULL, *owner = n->name;
	struct bnode		*ebn = NULL;
	uint8_t			 t[WIRE_MAX_NAME];
	size_t			 nchain = 0, i, j, len, nans;
	uint8_t			 rcode = WIRE_RCODE_NOERROR;
	const struct zone_node	*cur = n;
	struct bset		*cs, *ns, *ds;
	bool			 nodata = false;
	static const uint16_t	 beside[] = { LDNS_RR_TYPE_RRSIG,
				    LDNS_RR_TYPE_NSEC };

	for (;;) {
		if (!renamed) {
			cs = bset_find(bnode_of(b, cur), LDNS_RR_TYPE_CNAME);
			chain[nchain] = cs;
			own[nchain] = owner;
			cn[nchain++] = cur;
			len = zone_rdf_lname(ldns_rr_rdf(cs->rrs[0], 0), t);
		}
		renamed = false;
		if (!zone_name_under(t, len, n->zone->origin, n->zone->origin_len))
			break;		/* outside: the resolver goes on */
		owner = NULL;
		if ((cur = node_find(b, t, len)) == NULL) {
			if (zone_db_zone_of(b->db, t, len) != n->zone)
				break;
			up = closest_above(b, t, len);
			if (up != NULL && up->cut != NULL) {
				cut = up->cut;
				break;
			}
			/*
			 * Below a DNAME: it and its CNAME, then on with the
			 * new name (RFC 6672 3.1).  One DNAME a chain: a
			 * second one ends it before it.
			 */
			if (up != NULL && (ds = bset_find(bnode_of(b, up),
			    LDNS_RR_TYPE_DNAME)) != NULL) {
				if (cname != NULL)
					break;
				cname = zone_dname_synth(up, ds, t, len, &syn);
				if (cname == NULL)
					rcode = WIRE_RCODE_YXDOMAIN;
				chain[nchain] = ds;
				cn[nchain] = NULL;
				own[nchain++] = up->name;
				if (cname == NULL)
					break;
				chain[nchain] = &syn;
				cn[nchain] = NULL;
				/* wown[0]: link 0 is n, never a wildcard */
				memcpy(wown[0], t, len);
				own[nchain++] = wown[0];
				if (nchain >= ZONE_MAX_CHAIN)
					break;
				len = zone_rdf_lname(ldns_rr_rdf(cname, 0), t);
				renamed = true;
				continue;
			}
			if (up == NULL || up->wild == NULL) {
				rcode = WIRE_RCODE_NXDOMAIN;
				break;
			}
			/* The wildcard answers, owned by the name asked. */
			cur = up->wild;
			memcpy(wown[nchain], t, len);
			owner = wown[nchain];
		} else
			owner = cur->name;
		if (cur->zone != n->zone)
			break;
		if (cur->cut != NULL) {
			cut = cur->cut;
			at_cut = cut == cur;
			break;
		}
		if (bset_find(bnode_of(b, cur), LDNS_RR_TYPE_CNAME) == NULL) {
			end = cur;
			eown = owner;
			break;
		}
		for (i = 0; i < nchain; i++)
			if (cn[i] == cur && own[i] == owner)
				break;
		if (i < nchain || nchain == ZONE_MAX_CHAIN)
			break;		/* a loop, or too long */
	}
	if (end != NULL) {
		ebn = bnode_of(b, end);
		nodata = true;
	}
	nans = 1 + NELEM(beside) + (ebn != NULL ? ebn->nsets : 0) + 2 + 1 +
	    1;
	n->answers = xcalloc(nans, sizeof(*n->answers));
	/* qtype CNAME: the record itself. */
	zone_enc_init(e, n->name, n->name_len);
	zone_enc_set(e, n->name, chain[0], chain[0]->ttl, SEC_AN, true);
	zone_enc_finish(e, &n->answers[n->nanswers++], LDNS_RR_TYPE_CNAME,
	    WIRE_RCODE_NOERROR, true, n->name_len);
	n->any = &n->answers[0];
	for (j = 0; j < NELEM(beside); j++) {
		zone_enc_init(e, n->name, n->name_len);
		zone_enc_set(e, n->zone->origin, soa, neg_ttl, SEC_NS, true);
		zone_enc_finish(e, &n->answers[n->nanswers++], beside[j],
		    WIRE_RCODE_NOERROR, true, n->name_len);
	}
	/* One answer per type at the end of the chain. */
	for (j = 0; ebn != NULL && j < ebn->nsets; j++) {
		if (beside_cname(ebn->sets[j].type))
			continue;
		zone_enc_init(e, n->name, n->name_len);
		zone_add_chain(e, chain, own, nchain);
		zone_enc_set(e, eown, &ebn->sets[j], ebn->sets[j].ttl, SEC_AN,
		    true);
		if (has_additional(ebn->sets[j].type))
			add_additional(b, e, &ebn->sets[j], NULL, false);
		zone_enc_finish(e, &n->answers[n->nanswers++], ebn->sets[j].type,
		    WIRE_RCODE_NOERROR, true, n->name_len);
	}
	for (j = 4; end != NULL && j <= 6; j += 2)
		if (managed_has(end, j))
			zone_build_tail(e, n, chain, own, nchain, end, eown, j,
			    &n->answers[n->nanswers++], soa, neg_ttl);
	/* DS at the cut the chain ends at: the parent side's (RFC 4035 3.1.4.1). */
	if (at_cut) {
		zone_enc_init(e, n->name, n->name_len);
		zone_add_chain(e, chain, own, nchain);
		if ((ds = bset_find(bnode_of(b, cut), LDNS_RR_TYPE_DS)) != NULL)
			zone_enc_set(e, cut->name, ds, ds->ttl, SEC_AN, true);
		else
			zone_enc_set(e, n->zone->origin, soa, neg_ttl, SEC_NS,
			    true);
		zone_enc_finish(e, &n->answers[n->nanswers++], LDNS_RR_TYPE_DS,
		    WIRE_RCODE_NOERROR, true, n->name_len);
	}
	/* The chain ends at a pool of names: its CNAME for every type. */
	if (managed_names(end)) {
		zone_build_tail(e, n, chain, own, nchain, end, eown, 0,
		    &n->answers[n->nanswers], soa, neg_ttl);
		n->other = &n->answers[n->nanswers++];
		ldns_rr_free(cname);
		return;
	}
	/* Every other type: the chain, then NODATA, NXDOMAIN or a referral. */
	zone_enc_init(e, n->name, n->name_len);
	zone_add_chain(e, chain, own, nchain);
	if (nodata || rcode == WIRE_RCODE_NXDOMAIN)
		zone_enc_set(e, n->zone->origin, soa, neg_ttl, SEC_NS, true);
	if (cut != NULL) {
		ns = bset_find(bnode_of(b, cut), LDNS_RR_TYPE_NS);
		zone_enc_set(e, cut->name, ns, ns->ttl, SEC_NS, true);
		add_additional(b, e, ns, cut, true);
	}
	zone_enc_finish(e, &n->answers[n->nanswers], 0, rcode, true, n->name_len);
	n->other = &n->answers[n->nanswers++];
	ldns_rr_free(cname);
}

/*
 * The answer for names below a DNAME (RFC 6672 2.2): the DNAME, built for
 * its owner and moved like NXDOMAIN; answer_query() adds the CNAME from
 * the name asked to its leading labels + the target, which it finds at
 * dname_off (DNAME data is never compressed, RFC 3597 4).  The load
 * allows one DNAME per owner and nothing below it.
 */
static void
build_dname(struct enc *e, struct zone_node *n, const struct bset *s)
{
	struct zone_answer	*a;
	const ldns_rdf		*t = ldns_rr_rdf(s->rrs[0], 0);

	a = xcalloc(1, sizeof(*a));
	zone_enc_init(e, n->name, n->name_len);
	zone_enc_set(e, n->name, s, s->ttl, SEC_AN, true);
	zone_enc_finish(e, a, 0, WIRE_RCODE_NOERROR, true, n->name_len);
	a->dname_len = ldns_rdf_size(t);
	a->dname_off = a->len - a->dname_len;
	/* RFC 6672: the CNAME lives as long as the DNAME. */
	a->dname_ttl = s->ttl;
	n->dname = a;
}

/*
 * A zone whose parent we serve too: the parent's records at its apex,
 * which the child answers for but DS (RFC 4035 3.1.4.1).  Only the
 * parent nearest to the child counts.
 */
static void
parent_side(struct builder *b, struct zone *z, uint32_t neg_ttl,
    const uint8_t *name, size_t len, const ldns_rr *rr)
{
	struct zone	*deep = zone_db_zone_of(b->db, name, len);
	struct bnode	*bn;
	ldns_rr_type	 t = ldns_rr_get_type(rr);
	size_t		 idx;

	if (deep->origin_len != len || (t != LDNS_RR_TYPE_NS &&
	    t != LDNS_RR_TYPE_DS))
		return;
	idx = node_get(b, name, len, deep);	/* may move b->bn */
	bn = &b->bn[idx];
	if (bn->parent != NULL && bn->parent->origin_len > z->origin_len)
		return;
	if (bn->parent != z) {
		if (bn->above == NULL)
			bn->above = xcalloc(1, sizeof(*bn->above));
		bnode_free(bn->above);
		memset(bn->above, 0, sizeof(*bn->above));
		bn->parent = z;
		bn->parent_neg = neg_ttl;
	}
	bset_add(bn->above, rr);
}

/*
 * DS at the apex of a zone whose parent delegates to it here: the
 * parent's DS, or the parent's NODATA (RFC 4035 3.1.4.1).
 */
static void
build_parent_ds(struct builder *b, struct enc *e, struct zone_node *n,
    struct bnode *bn)
{
	const struct zone	*p = bn->parent;
	const struct bset	*ds = bset_find(bn->above, LDNS_RR_TYPE_DS);
	const struct bset	*soa;

	zone_enc_init(e, n->name, n->name_len);
	if (ds != NULL)
		zone_enc_set(e, n->name, ds, ds->ttl, SEC_AN, true);
	else {
		soa = bset_find(bnode_of(b, node_find(b, p->origin,
		    p->origin_len)), LDNS_RR_TYPE_SOA);
		zone_enc_set(e, p->origin, soa, bn->parent_neg, SEC_NS, true);
	}
	zone_enc_finish(e, &n->answers[n->nanswers++], LDNS_RR_TYPE_DS,
	    WIRE_RCODE_NOERROR, true, n->name_len);
}

static void
build_node(struct builder *b, struct enc *e, struct zone_node *n,
    const struct bset *soa, uint32_t neg_ttl)
{
	struct bnode		*bn = bnode_of(b, n);
	const struct bset	*s, *ns;
	size_t			 i;

	if (bn->is_cut) {
		/* A referral: NS in authority, glue in additional. */
		ns = bset_find(bn, LDNS_RR_TYPE_NS);
		zone_enc_init(e, n->name, n->name_len);
		zone_enc_set(e, n->name, ns, ns->ttl, SEC_NS, true);
		add_additional(b, e, ns, n, true);
		zone_enc_finish(e, &n->referral, 0, WIRE_RCODE_NOERROR, false,
		    n->name_len);
		/* DS belongs to the parent side of the cut. */
		n->other = &n->zone->nodata;
		if ((s = bset_find(bn, LDNS_RR_TYPE_DS)) != NULL) {
			n->answers = xcalloc(1, sizeof(*n->answers));
			zone_enc_init(e, n->name, n->name_len);
			zone_enc_set(e, n->name, s, s->ttl, SEC_AN, true);
			zone_enc_finish(e, &n->answers[n->nanswers++],
			    LDNS_RR_TYPE_DS, WIRE_RCODE_NOERROR, true,
			    n->name_len);
		}
	}
	if (n->cut != NULL)
		return;		/* answered by the referral of the cut */
	if ((s = bset_find(bn, LDNS_RR_TYPE_DNAME)) != NULL)
		build_dname(e, n, s);
	if (bset_find(bn, LDNS_RR_TYPE_CNAME) != NULL) {
		build_cname(b, e, n, soa, neg_ttl);
		return;
	}
	n->answers = xcalloc(bn->nsets + 3, sizeof(*n->answers));
	/* A pool of names: the CNAME it picks, whatever the type (the load
	   allows nothing else here). */
	if (managed_names(n)) {
		zone_build_tail(e, n, NULL, NULL, 0, n, n->name, 0,
		    &n->answers[n->nanswers], soa, neg_ttl);
		n->other = n->any = &n->answers[n->nanswers++];
		return;
	}
	if (bn->above != NULL && bset_find(bn->above, LDNS_RR_TYPE_NS) != NULL)
		build_parent_ds(b, e, n, bn);
	for (i = 4; i <= 6; i += 2)
		if (managed_has(n, i))
			zone_build_tail(e, n, NULL, NULL, 0, n, n->name, i,
			    &n->answers[n->nanswers++], soa, neg_ttl);
	for (i = 0; i < bn->nsets; i++) {
		s = &bn->sets[i];
		zone_enc_init(e, n->name, n->name_len);
		zone_enc_set(e, n->name, s, s->ttl, SEC_AN, true);
		if (has_additional(s->type))
			add_additional(b, e, s, NULL, false);
		zone_enc_finish(e, &n->answers[n->nanswers++], s->type,
		    WIRE_RCODE_NOERROR, true, n->name_len);
	}
	n->other = &n->zone->nodata;
	/* RFC 8482: one RRset for ANY, the addresses when there are some. */
	n->any = n->other;
	for (i = 0; i < n->nanswers; i++)
		if (n->answers[i].qtype == LDNS_RR_TYPE_A ||
		    (n->answers[i].qtype == LDNS_RR_TYPE_AAAA &&
		    n->any == n->other))
			n->any = &n->answers[i];
	if (n->any == n->other && n->nanswers > 0)
		n->any = &n->answers[0];
}

/* Mark cuts and point every node at or below one to it. */
static void
find_cuts(struct builder *b)
{
	struct zone_db		*db = b->db;
	struct zone_node	*n, *a;
	uint8_t			 off[WIRE_MAX_LABELS];
	size_t			 i, k, nl;

	for (i = 0; i < db->nnodes; i++) {
		n = &db->nodes[i];
		b->bn[i].is_cut = n->name_len != n->zone->origin_len &&
		    bset_find(&b->bn[i], LDNS_RR_TYPE_NS) != NULL;
	}
	for (i = 0; i < db->nnodes; i++) {
		n = &db->nodes[i];
		nl = zone_labels_of(n->name, off);
		/* The highest cut on the way down from the apex wins. */
		for (k = nl; k-- > 0;) {
			if (n->name_len - off[k] <= n->zone->origin_len)
				continue;
			a = node_find(b, n->name + off[k], n->name_len -
			    off[k]);
			if (a != NULL && a->zone == n->zone &&
			    b->bn[a - db->nodes].is_cut) {
				n->cut = a;
				break;
			}
		}
	}
}

/*
 * Point each node that has a child "*" at it (RFC 4592): a name below the
 * node that has no node of its own is answered from the wildcard.  Not
 * at or below a cut: the referral answers there.
 */
static void
find_wildcards(struct builder *b)
{
	struct zone_db		*db = b->db;
	struct zone_node	*n, *parent;
	size_t			 i;

	for (i = 0; i < db->nnodes; i++) {
		n = &db->nodes[i];
		if (n->name_len < 3 || n->name[0] != 1 || n->name[1] != '*' ||
		    n->cut != NULL)
			continue;
		parent = node_find(b, n->name + 2, n->name_len - 2);
		if (parent != NULL && parent->zone == n->zone)
			parent->wild = n;
	}
}

struct zone_db *
zone_db_new(const struct conf *c)
{
	struct builder		 b;
	struct zone_db		*db;
	struct zone		*z;
	struct enc		*e;
	const struct conf_zone	*cz;
	const ldns_rr		*rr;
	uint8_t			 lname[WIRE_MAX_NAME], off[WIRE_MAX_LABELS];
	size_t			 i, j, k, len, nl, total = 0, size;
	size_t			 idx;
	struct bset		*soa;

	db = xcalloc(1, sizeof(*db));
	db->seed = ((uint64_t)arc4random() << 32) | arc4random();
	db->nzones = c->nzones;
	db->zones = xcalloc(c->nzones, sizeof(*db->zones));
	for (i = 0; i < c->nzones; i++) {
		z = &db->zones[i];
		cz = &c->zones[i];
		z->origin_len = zone_rdf_lname(cz->origin, lname);
		z->origin = xmalloc(z->origin_len);
		memcpy(z->origin, lname, z->origin_len);
		z->name = ldns_rdf2str(cz->origin);
		for (j = 0; j < cz->nrrs; j++)
			total += ldns_dname_label_count(ldns_rr_owner(
			    cz->rrs[j].rr)) + 1;
		for (j = 0; j < cz->nnames; j++)
			total += ldns_dname_label_count(cz->names[j].owner) +
			    1;
	}
	zone_build_pools(db, c);
	zone_ident_build(&db->ident, c);
	for (size = 16; size < total * 2; size *= 2)
		;
	db->table = xcalloc(size, sizeof(*db->table));
	db->mask = size - 1;
	/* Most owners share their parents: start at one node per owner. */
	b.cap = 16;
	for (i = 0; i < c->nzones; i++)
		b.cap += c->zones[i].nrrs + c->zones[i].nnames;
	db->nodes = xcalloc(b.cap, sizeof(*db->nodes));
	b.db = db;
	b.bn = xcalloc(b.cap, sizeof(*b.bn));

	/* Nodes for every owner and every name between it and the apex. */
	for (i = 0; i < c->nzones; i++) {
		z = &db->zones[i];
		cz = &c->zones[i];
		node_get(&b, z->origin, z->origin_len, z);
		for (j = 0; j < cz->nrrs; j++) {
			rr = cz->rrs[j].rr;
			len = zone_rdf_lname(ldns_rr_owner(rr), lname);
			/* Data of a zone that a deeper zone of ours serves. */
			if (zone_db_zone_of(db, lname, len) != z) {
				parent_side(&b, z, cz->neg_ttl, lname, len,
				    rr);
				continue;
			}
			idx = node_get(&b, lname, len, z);
			bset_add(&b.bn[idx], rr);
			nl = zone_labels_of(lname, off);
			for (k = 1; k < nl && len - off[k] > z->origin_len;
			    k++)
				node_get(&b, lname + off[k], len - off[k], z);
		}
		for (j = 0; j < cz->nnames; j++) {
			len = zone_rdf_lname(cz->names[j].owner, lname);
			if (zone_db_zone_of(db, lname, len) != z)
				continue;
			idx = node_get(&b, lname, len, z);
			db->nodes[idx].managed = &z->names[j];
			nl = zone_labels_of(lname, off);
			for (k = 1; k < nl && len - off[k] > z->origin_len;
			    k++)
				node_get(&b, lname + off[k], len - off[k], z);
		}
	}
	find_cuts(&b);
	find_wildcards(&b);

	e = xmalloc(sizeof(*e));
	e->dict = NULL;
	e->dictlen = NULL;
	e->fix = NULL;
	e->sets = NULL;
	e->capdict = e->capfix = e->capsets = 0;
	for (i = 0; i < db->nzones; i++) {
		z = &db->zones[i];
		soa = bset_find(bnode_of(&b, node_find(&b, z->origin,
		    z->origin_len)), LDNS_RR_TYPE_SOA);
		build_zone_answers(&b, e, z, soa, c->zones[i].neg_ttl);
	}
	for (i = 0; i < db->nnodes; i++) {
		z = db->nodes[i].zone;
		soa = bset_find(bnode_of(&b, node_find(&b, z->origin,
		    z->origin_len)), LDNS_RR_TYPE_SOA);
		build_node(&b, e, &db->nodes[i], soa,
		    c->zones[z - db->zones].neg_ttl);
	}
	free(e->dict);
	free(e->dictlen);
	free(e->fix);
	free(e->sets);
	free(e);
	for (i = 0; i < db->nnodes; i++) {
		bnode_free(&b.bn[i]);
		if (b.bn[i].above != NULL) {
			bnode_free(b.bn[i].above);
			free(b.bn[i].above);
		}
	}
	free(b.bn);
	return db;
}
