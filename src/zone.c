/* zone.c -- zones -> nodes -> precompiled answers; lookup (pure) */
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

/* Pointers can reach 0x3fff; leave room for a longer question name. */
#define ENC_PTR_LIMIT	(0x3fff - WIRE_MAX_NAME)
/* Room kept free after an answer: question and OPT with options. */
#define ENC_MAX_BLOB	(65535 - WIRE_HDR_LEN - WIRE_MAX_NAME - 4 - 64)

/* Build-time state of one node: its RRsets. */
struct bset {
	uint16_t	 type;
	uint32_t	 ttl;
	const ldns_rr	**rrs;		/* borrowed from the conf */
	size_t		 n;
};

struct bnode {
	struct bset	*sets;
	size_t		 nsets;
	bool		 is_cut;
};

struct builder {
	struct zone_db	*db;
	struct bnode	*bn;		/* parallel to db->nodes */
	size_t		 cap;
};

/*
 * The encoder writes one answer into a packet image whose question holds
 * the reference name, so that compression pointers can be found exactly as
 * a client will follow them.
 */
struct enc {
	uint8_t		 pkt[65536];
	size_t		 len;
	size_t		 base;		/* where the answer's wire starts */
	uint16_t	*dict;		/* offsets of names to point at */
	size_t		 ndict, capdict;
	uint16_t	*fix;
	size_t		 nfix, capfix;
	struct zone_set	*sets;
	size_t		 nsets, capsets;
	uint16_t	 an, ns, ar;
	bool		 full;		/* an RRset did not fit */
};

static uint64_t
hash_name(uint64_t seed, const uint8_t *p, size_t n)
{
	uint64_t	 h = seed ^ (n * 0x9e3779b97f4a7c15ULL), v;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	v = 0;
	memcpy(&v, p, n);
	h = (h ^ v) * 0x94d049bb133111ebULL;
	return h ^ (h >> 29);
}

static struct zone_node *
lookup(const struct zone_db *db, const uint8_t *name, size_t len)
{
	uint64_t		 h = hash_name(db->seed, name, len);
	size_t			 i = h & db->mask;
	const struct zone_slot	*s;

	for (;; i = (i + 1) & db->mask) {
		s = &db->table[i];
		if (s->node == NULL)
			return NULL;
		if (s->hash == h && s->node->name_len == len &&
		    memcmp(s->node->name, name, len) == 0)
			return s->node;
	}
}

const struct zone_node *
zone_db_lookup(const struct zone_db *db, const uint8_t *name, size_t len)
{
	return lookup(db, name, len);
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
static size_t
labels_of(const uint8_t *name, uint8_t *off)
{
	size_t	 i = 0, n = 0;

	while (name[i] != 0) {
		off[n++] = i;
		i += name[i] + 1;
	}
	return n;
}

static size_t
name_len(const uint8_t *name)
{
	size_t	 i = 0;

	while (name[i] != 0)
		i += name[i] + 1;
	return i + 1;
}

static void
lower_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, len);
	wire_name_lower(dst, len);
}

/* Expand the (possibly compressed) name at pkt[off] in lower case. */
static size_t
enc_expand(const struct enc *e, size_t off, uint8_t *out)
{
	size_t	 n = 0;
	uint8_t	 c;

	for (;;) {
		c = e->pkt[off];
		if ((c & 0xc0) == 0xc0) {
			off = wire_get16(e->pkt + off) & 0x3fff;
			continue;
		}
		memcpy(out + n, e->pkt + off, c + 1);
		n += c + 1;
		if (c == 0)
			break;
		off += c + 1;
	}
	wire_name_lower(out, n);
	return n;
}

static void
enc_dict_add(struct enc *e, size_t off)
{
	if (off > ENC_PTR_LIMIT)
		return;
	if (e->ndict == e->capdict) {
		e->capdict = e->capdict ? e->capdict * 2 : 64;
		e->dict = xreallocarray(e->dict, e->capdict, sizeof(*e->dict));
	}
	e->dict[e->ndict++] = off;
}

static void
enc_init(struct enc *e, const uint8_t *qname, size_t qlen)
{
	uint8_t	 off[WIRE_MAX_LABELS];
	size_t	 i, n;

	memset(e->pkt, 0, WIRE_HDR_LEN);
	memcpy(e->pkt + WIRE_HDR_LEN, qname, qlen);
	e->len = WIRE_HDR_LEN + qlen + 4;
	memset(e->pkt + WIRE_HDR_LEN + qlen, 0, 4);
	e->base = e->len;
	e->ndict = e->nfix = e->nsets = 0;
	e->an = e->ns = e->ar = 0;
	e->full = false;
	n = labels_of(qname, off);
	for (i = 0; i < n; i++)
		enc_dict_add(e, WIRE_HDR_LEN + off[i]);
}

static bool
enc_room(const struct enc *e, size_t n)
{
	return e->len - e->base + n <= ENC_MAX_BLOB;
}

/* Write a name, compressed against earlier names when compress is set. */
static bool
enc_name(struct enc *e, const uint8_t *name, bool compress)
{
	uint8_t	 off[WIRE_MAX_LABELS], lname[WIRE_MAX_NAME];
	uint8_t	 cand[WIRE_MAX_NAME];
	size_t	 len = name_len(name), n, i, d, clen, ptr = 0;
	size_t	 start = e->len, at;

	lower_copy(lname, name, len);
	n = labels_of(lname, off);
	for (i = 0; compress && i < n; i++) {
		for (d = 0; d < e->ndict; d++) {
			clen = enc_expand(e, e->dict[d], cand);
			if (clen == len - off[i] && memcmp(cand, lname + off[i],
			    clen) == 0)
				break;
		}
		if (d < e->ndict) {
			ptr = e->dict[d];
			break;
		}
	}
	/* Labels 0..i-1 in full, then a pointer or the root label. */
	at = compress ? i : n;
	if (!enc_room(e, at < n ? (size_t)off[at] + 2 : len))
		return false;
	if (at < n) {
		memcpy(e->pkt + e->len, name, off[at]);
		e->len += off[at];
		wire_put16(e->pkt + e->len, 0xc000 | ptr);
		if (e->nfix == e->capfix) {
			e->capfix = e->capfix ? e->capfix * 2 : 16;
			e->fix = xreallocarray(e->fix, e->capfix,
			    sizeof(*e->fix));
		}
		e->fix[e->nfix++] = e->len - e->base;
		e->len += 2;
	} else {
		memcpy(e->pkt + e->len, name, len);
		e->len += len;
	}
	if (compress)
		for (i = 0; i < at; i++)
			enc_dict_add(e, start + off[i]);
	return true;
}

/* The packet offset of an earlier copy of name, or 0. */
static uint16_t
enc_find(const struct enc *e, const uint8_t *lname, size_t len)
{
	uint8_t	 cand[WIRE_MAX_NAME];
	size_t	 d;

	for (d = 0; d < e->ndict; d++)
		if (enc_expand(e, e->dict[d], cand) == len && memcmp(cand,
		    lname, len) == 0)
			return e->dict[d];
	return 0;
}

static bool
compressible(ldns_rr_type t)
{
	/* RFC 3597 section 4: only the RFC 1035 types. */
	return t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_CNAME ||
	    t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_PTR ||
	    t == LDNS_RR_TYPE_MX;
}

/* Write one RR; the owner is given as a lower-case wire name. */
static bool
enc_rr(struct enc *e, const uint8_t *owner, const ldns_rr *rr, uint32_t ttl)
{
	ldns_rr_type	 t = ldns_rr_get_type(rr);
	const ldns_rdf	*rdf;
	size_t		 i, rdstart, save = e->len, save_nfix = e->nfix;
	size_t		 save_ndict = e->ndict;

	if (!enc_name(e, owner, true) || !enc_room(e, 10))
		goto undo;
	wire_put16(e->pkt + e->len, t);
	wire_put16(e->pkt + e->len + 2, LDNS_RR_CLASS_IN);
	wire_put32(e->pkt + e->len + 4, ttl);
	e->len += 10;
	rdstart = e->len;
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		rdf = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
			if (!enc_name(e, ldns_rdf_data(rdf), compressible(t)))
				goto undo;
			continue;
		}
		if (!enc_room(e, ldns_rdf_size(rdf)))
			goto undo;
		memcpy(e->pkt + e->len, ldns_rdf_data(rdf), ldns_rdf_size(rdf));
		e->len += ldns_rdf_size(rdf);
	}
	wire_put16(e->pkt + rdstart - 2, e->len - rdstart);
	return true;
undo:
	e->len = save;
	e->nfix = save_nfix;
	e->ndict = save_ndict;
	return false;
}

enum section { SEC_AN, SEC_NS, SEC_AR };

/* Write a whole RRset, or nothing when it does not fit. */
static void
enc_set(struct enc *e, const uint8_t *owner, const struct bset *s,
    uint32_t ttl, enum section sec, bool required)
{
	size_t	 i, save = e->len, save_nfix = e->nfix;
	size_t	 save_ndict = e->ndict;

	if (e->full)
		return;
	for (i = 0; i < s->n; i++)
		if (!enc_rr(e, owner, s->rrs[i], ttl)) {
			e->len = save;
			e->nfix = save_nfix;
			e->ndict = save_ndict;
			e->full = true;
			log_warnx("an answer at %u bytes is too large; "
			    "dropping an RRset of %zu records",
			    (unsigned)(save - e->base), s->n);
			return;
		}
	if (sec == SEC_AN)
		e->an += s->n;
	else if (sec == SEC_NS)
		e->ns += s->n;
	else
		e->ar += s->n;
	if (e->nsets == e->capsets) {
		e->capsets = e->capsets ? e->capsets * 2 : 8;
		e->sets = xreallocarray(e->sets, e->capsets, sizeof(*e->sets));
	}
	e->sets[e->nsets].end = e->len - e->base;
	e->sets[e->nsets].an = e->an;
	e->sets[e->nsets].ns = e->ns;
	e->sets[e->nsets].ar = e->ar;
	e->sets[e->nsets].required = required;
	e->nsets++;
}

static void
enc_finish(struct enc *e, struct zone_answer *a, uint16_t qtype,
    uint8_t rcode, bool aa, size_t ref_len)
{
	a->qtype = qtype;
	a->rcode = rcode;
	a->aa = aa;
	a->ref_len = ref_len;
	a->len = e->len - e->base;
	a->wire = xmalloc(a->len);
	memcpy(a->wire, e->pkt + e->base, a->len);
	a->nsets = e->nsets;
	a->sets = xcalloc(e->nsets, sizeof(*a->sets));
	memcpy(a->sets, e->sets, e->nsets * sizeof(*a->sets));
	a->nfix = e->nfix;
	a->fix = xcalloc(e->nfix, sizeof(*a->fix));
	memcpy(a->fix, e->fix, e->nfix * sizeof(*a->fix));
}

static void
answer_free(struct zone_answer *a)
{
	free(a->wire);
	free(a->sets);
	free(a->fix);
	if (a->alt != NULL) {
		answer_free(a->alt);
		free(a->alt);
	}
}

/* Insert a node for name (lower case) in zone z, or find it. */
static size_t
node_get(struct builder *b, const uint8_t *name, size_t len, struct zone *z)
{
	struct zone_db		*db = b->db;
	uint64_t		 h = hash_name(db->seed, name, len);
	size_t			 i = h & db->mask;
	struct zone_node	*n;

	for (;; i = (i + 1) & db->mask) {
		if (db->table[i].node == NULL)
			break;
		n = db->table[i].node;
		if (db->table[i].hash == h && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return n - db->nodes;
	}
	if (db->nnodes == b->cap)
		fatalx("zone_db: node table overflow");
	n = &db->nodes[db->nnodes];
	memset(n, 0, sizeof(*n));
	n->name = xmalloc(len);
	memcpy(n->name, name, len);
	n->name_len = len;
	n->zone = z;
	db->table[i].hash = h;
	db->table[i].node = n;
	memset(&b->bn[db->nnodes], 0, sizeof(b->bn[0]));
	return db->nnodes++;
}

static struct zone_node *
node_find(struct builder *b, const uint8_t *name, size_t len)
{
	return lookup(b->db, name, len);
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

static struct bnode *
bnode_of(struct builder *b, const struct zone_node *n)
{
	return &b->bn[n - b->db->nodes];
}

/* Is name (lower-case wire) at or below top? */
static bool
name_under(const uint8_t *name, size_t len, const uint8_t *top, size_t tlen)
{
	uint8_t	 off[WIRE_MAX_LABELS];
	size_t	 i, n;

	if (len < tlen)
		return false;
	n = labels_of(name, off);
	for (i = 0; i <= n; i++) {
		size_t	 o = i < n ? off[i] : len - 1;

		if (len - o == tlen)
			return memcmp(name + o, top, tlen) == 0;
	}
	return false;
}

/* The deepest zone at or above name, or NULL. */
static struct zone *
zone_of(const struct zone_db *db, const uint8_t *name, size_t len)
{
	struct zone	*best = NULL;
	size_t		 i;

	for (i = 0; i < db->nzones; i++)
		if (name_under(name, len, db->zones[i].origin,
		    db->zones[i].origin_len) && (best == NULL ||
		    db->zones[i].origin_len > best->origin_len))
			best = &db->zones[i];
	return best;
}

/* Lower-case wire form of an ldns dname. */
static size_t
rdf_lname(const ldns_rdf *d, uint8_t *out)
{
	size_t	 len = ldns_rdf_size(d);

	lower_copy(out, ldns_rdf_data(d), len);
	return len;
}

/* The target name of a CNAME, NS, MX or SRV record. */
static const ldns_rdf *
target_of(const ldns_rr *rr)
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

/* Addresses of the targets of set as additional records. */
static void
enc_additional(struct builder *b, struct enc *e, const struct bset *set,
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
		if ((d = target_of(set->rrs[i])) == NULL)
			continue;
		len = rdf_lname(d, t);
		if ((tn = node_find(b, t, len)) == NULL)
			continue;
		/* Each target's addresses once, however often named. */
		for (k = 0; k < nseen && seen[k] != tn; k++)
			;
		if (k < nseen)
			continue;
		if (nseen < NELEM(seen))
			seen[nseen++] = tn;
		/* Glue below a cut only for the referral of that cut. */
		if (tn->cut != NULL && tn->cut != within)
			continue;
		for (k = 0; k < NELEM(types); k++)
			if ((a = bset_find(bnode_of(b, tn), types[k])) != NULL)
				enc_set(e, tn->name, a, a->ttl, SEC_AR,
				    required && tn->cut == within &&
				    within != NULL);
	}
}

static void
build_zone_answers(struct builder *b, struct enc *e, struct zone *z,
    const struct bset *soa, uint32_t neg_ttl)
{
	enc_init(e, z->origin, z->origin_len);
	enc_set(e, z->origin, soa, neg_ttl, SEC_NS, true);
	enc_finish(e, &z->nxdomain, 0, WIRE_RCODE_NXDOMAIN, true,
	    z->origin_len);
	enc_init(e, z->origin, z->origin_len);
	enc_set(e, z->origin, soa, neg_ttl, SEC_NS, true);
	enc_finish(e, &z->nodata, 0, WIRE_RCODE_NOERROR, true, z->origin_len);
	(void)b;
}

/* Does a name that has no node of its own lie below a delegation? */
static bool
below_cut(struct builder *b, const uint8_t *name, size_t len)
{
	uint8_t			 off[WIRE_MAX_LABELS];
	const struct zone_node	*a;
	size_t			 k, nl = labels_of(name, off);

	for (k = 1; k < nl; k++)
		if ((a = node_find(b, name + off[k], len - off[k])) != NULL)
			return a->cut != NULL;
	return false;
}

/* Write a CNAME chain (possibly empty) into the answer section. */
static void
enc_chain(struct enc *e, const struct bset *const *chain,
    const struct zone_node *const *cn, size_t nchain)
{
	size_t	 i;

	for (i = 0; i < nchain; i++)
		enc_set(e, cn[i]->name, chain[i], chain[i]->ttl, SEC_AN, true);
}

/*
 * The answer of a question at n, through a chain, ending at the managed
 * name end: the chain is precompiled, the addresses are written per query
 * (tail), and alt is what to answer when every member is down.
 */
static void
build_tail(struct enc *e, const struct zone_node *n,
    const struct bset *const *chain, const struct zone_node *const *cn,
    size_t nchain, const struct zone_node *end, uint8_t fam,
    struct zone_answer *out, const struct bset *soa, uint32_t neg_ttl)
{
	const struct zone_name	*m = end->managed;
	const struct conf_name	*c = m->conf;
	uint16_t		 qtype = fam == 4 ? LDNS_RR_TYPE_A :
				    LDNS_RR_TYPE_AAAA;
	const ldns_rr		*rrs[LB_MAX_MEMBERS];
	struct bset		 fb = { .rrs = rrs };
	ldns_rr			*cname = NULL;
	uint16_t		 owner;
	size_t			 i;

	enc_init(e, n->name, n->name_len);
	enc_chain(e, chain, cn, nchain);
	owner = nchain == 0 ? WIRE_HDR_LEN : enc_find(e, end->name,
	    end->name_len);
	enc_finish(e, out, qtype, WIRE_RCODE_NOERROR, true, n->name_len);
	out->tail = m;
	out->tail_family = fam;
	out->tail_owner = owner;
	if (m->all_down != LB_ALL_DOWN_NODATA && m->all_down !=
	    LB_ALL_DOWN_FALLBACK)
		return;
	out->alt = xcalloc(1, sizeof(*out->alt));
	enc_init(e, n->name, n->name_len);
	enc_chain(e, chain, cn, nchain);
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
		enc_set(e, end->name, &fb, m->degraded_ttl, SEC_AN, true);
	else
		enc_set(e, end->zone->origin, soa, neg_ttl, SEC_NS, true);
	enc_finish(e, out->alt, qtype, WIRE_RCODE_NOERROR, true, n->name_len);
	ldns_rr_free(cname);
}

/* Does a managed name have members of this family (4 or 6)? */
static bool
managed_has(const struct zone_node *n, uint8_t fam)
{
	return n->managed != NULL && n->managed->pool->nfam[fam == 6] > 0;
}

/*
 * Answers of a name with a CNAME: the CNAME alone for qtype CNAME; for any
 * other type the chain inside the zone and what its end holds.
 */
static void
build_cname(struct builder *b, struct enc *e, struct zone_node *n,
    const struct bset *soa, uint32_t neg_ttl)
{
	const struct bset	*chain[ZONE_MAX_CHAIN];
	const struct zone_node	*cn[ZONE_MAX_CHAIN];
	const struct zone_node	*end = NULL;
	struct bnode		*ebn = NULL;
	uint8_t			 t[WIRE_MAX_NAME];
	size_t			 nchain = 0, i, j, len, nans;
	uint8_t			 rcode = WIRE_RCODE_NOERROR;
	const struct zone_node	*cur = n;
	struct bset		*cs;
	bool			 nodata = false;

	for (;;) {
		cs = bset_find(bnode_of(b, cur), LDNS_RR_TYPE_CNAME);
		chain[nchain] = cs;
		cn[nchain++] = cur;
		len = rdf_lname(ldns_rr_rdf(cs->rrs[0], 0), t);
		if (!name_under(t, len, n->zone->origin, n->zone->origin_len))
			break;		/* outside: the resolver goes on */
		if ((cur = node_find(b, t, len)) == NULL) {
			if (zone_of(b->db, t, len) == n->zone &&
			    !below_cut(b, t, len))
				rcode = WIRE_RCODE_NXDOMAIN;
			break;
		}
		if (cur->zone != n->zone || cur->cut != NULL)
			break;
		if (bset_find(bnode_of(b, cur), LDNS_RR_TYPE_CNAME) == NULL) {
			end = cur;
			break;
		}
		for (i = 0; i < nchain; i++)
			if (cn[i] == cur)
				break;
		if (i < nchain || nchain == ZONE_MAX_CHAIN)
			break;		/* a loop, or too long */
	}
	if (end != NULL) {
		ebn = bnode_of(b, end);
		nodata = true;
	}
	nans = 1 + (ebn != NULL ? ebn->nsets : 0) + 2 + 1;
	n->answers = xcalloc(nans, sizeof(*n->answers));
	/* qtype CNAME: the record itself. */
	enc_init(e, n->name, n->name_len);
	enc_set(e, n->name, chain[0], chain[0]->ttl, SEC_AN, true);
	enc_finish(e, &n->answers[n->nanswers++], LDNS_RR_TYPE_CNAME,
	    WIRE_RCODE_NOERROR, true, n->name_len);
	n->any = &n->answers[0];
	/* One answer per type at the end of the chain. */
	for (j = 0; ebn != NULL && j < ebn->nsets; j++) {
		enc_init(e, n->name, n->name_len);
		for (i = 0; i < nchain; i++)
			enc_set(e, cn[i]->name, chain[i], chain[i]->ttl,
			    SEC_AN, true);
		enc_set(e, end->name, &ebn->sets[j], ebn->sets[j].ttl, SEC_AN,
		    true);
		enc_finish(e, &n->answers[n->nanswers++], ebn->sets[j].type,
		    WIRE_RCODE_NOERROR, true, n->name_len);
	}
	for (j = 4; end != NULL && j <= 6; j += 2)
		if (managed_has(end, j))
			build_tail(e, n, chain, cn, nchain, end, j,
			    &n->answers[n->nanswers++], soa, neg_ttl);
	/* Every other type: the chain, then NODATA or NXDOMAIN. */
	enc_init(e, n->name, n->name_len);
	for (i = 0; i < nchain; i++)
		enc_set(e, cn[i]->name, chain[i], chain[i]->ttl, SEC_AN, true);
	if (nodata || rcode == WIRE_RCODE_NXDOMAIN)
		enc_set(e, n->zone->origin, soa, neg_ttl, SEC_NS, true);
	enc_finish(e, &n->answers[n->nanswers], 0, rcode, true, n->name_len);
	n->other = &n->answers[n->nanswers++];
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
		enc_init(e, n->name, n->name_len);
		enc_set(e, n->name, ns, ns->ttl, SEC_NS, true);
		enc_additional(b, e, ns, n, true);
		enc_finish(e, &n->referral, 0, WIRE_RCODE_NOERROR, false,
		    n->name_len);
		/* DS belongs to the parent side of the cut. */
		n->other = &n->zone->nodata;
		if ((s = bset_find(bn, LDNS_RR_TYPE_DS)) != NULL) {
			n->answers = xcalloc(1, sizeof(*n->answers));
			enc_init(e, n->name, n->name_len);
			enc_set(e, n->name, s, s->ttl, SEC_AN, true);
			enc_finish(e, &n->answers[n->nanswers++],
			    LDNS_RR_TYPE_DS, WIRE_RCODE_NOERROR, true,
			    n->name_len);
		}
	}
	if (n->cut != NULL)
		return;		/* answered by the referral of the cut */
	if (bset_find(bn, LDNS_RR_TYPE_CNAME) != NULL) {
		build_cname(b, e, n, soa, neg_ttl);
		return;
	}
	n->answers = xcalloc(bn->nsets + 2, sizeof(*n->answers));
	for (i = 4; i <= 6; i += 2)
		if (managed_has(n, i))
			build_tail(e, n, NULL, NULL, 0, n, i,
			    &n->answers[n->nanswers++], soa, neg_ttl);
	for (i = 0; i < bn->nsets; i++) {
		s = &bn->sets[i];
		enc_init(e, n->name, n->name_len);
		enc_set(e, n->name, s, s->ttl, SEC_AN, true);
		if (s->type == LDNS_RR_TYPE_NS || s->type == LDNS_RR_TYPE_MX ||
		    s->type == LDNS_RR_TYPE_SRV)
			enc_additional(b, e, s, NULL, false);
		enc_finish(e, &n->answers[n->nanswers++], s->type,
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
		nl = labels_of(n->name, off);
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

/* The health slot of a target, made on first use. */
static uint32_t
target_get(struct zone_db *db, size_t *cap, const struct conf_check *ck,
    uint8_t fam, const uint8_t *addr, uint16_t port, uint8_t admin)
{
	struct zone_target	*t;
	char			 a[INET6_ADDRSTRLEN];
	size_t			 i;

	for (i = 0; i < db->ntargets; i++) {
		t = &db->targets[i];
		/* The same check in another zone is the same target. */
		if (conf_check_same(t->check, ck) && t->family == fam &&
		    t->port == port &&
		    memcmp(t->addr, addr, 16) == 0) {
			if (t->admin == HEALTH_ADMIN_NONE)
				t->admin = admin;
			return i;
		}
	}
	if (db->ntargets == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		db->targets = xreallocarray(db->targets, *cap,
		    sizeof(*db->targets));
	}
	t = &db->targets[db->ntargets];
	memset(t, 0, sizeof(*t));
	t->check = ck;
	t->family = fam;
	memcpy(t->addr, addr, 16);
	t->port = port;
	t->admin = admin;
	inet_ntop(fam == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	if (ck == NULL)
		snprintf(t->label, sizeof(t->label), "%s", a);
	else if (fam == 6)
		snprintf(t->label, sizeof(t->label), "[%s]:%u (%s)", a, port,
		    ck->name);
	else
		snprintf(t->label, sizeof(t->label), "%s:%u (%s)", a, port,
		    ck->name);
	return db->ntargets++;
}

/* Pools with their members' health slots, and the managed names. */
static void
build_pools(struct zone_db *db, const struct conf *c)
{
	const struct conf_zone		*cz;
	const struct conf_pool		*cp;
	const struct conf_member	*cm;
	const struct conf_check		*ck;
	const struct conf_name		*cn;
	struct zone			*z;
	struct zone_pool		*p;
	struct zone_name		*m;
	struct lb_member		*lm;
	size_t				 i, j, k, cap = 0;
	uint64_t			 v[2];
	uint16_t			 port;

	for (i = 0; i < c->nzones; i++) {
		cz = &c->zones[i];
		z = &db->zones[i];
		z->pools = xcalloc(cz->npools, sizeof(*z->pools));
		z->npools = cz->npools;
		for (j = 0; j < cz->npools; j++) {
			cp = &cz->pools[j];
			p = &z->pools[j];
			p->name = xstrdup(cp->name);
			p->members = xcalloc(cp->nmembers,
			    sizeof(*p->members));
			p->nmembers = cp->nmembers;
			p->counter = db->ncounters;
			db->ncounters += cp->nmembers;
			p->fam[0] = xcalloc(cp->nmembers, sizeof(uint16_t));
			p->fam[1] = xcalloc(cp->nmembers, sizeof(uint16_t));
			ck = cp->check >= 0 ? &cz->checks[cp->check] : NULL;
			for (k = 0; k < cp->nmembers; k++) {
				cm = &cp->members[k];
				lm = &p->members[k];
				lm->family = cm->family;
				memcpy(lm->addr, cm->addr, 16);
				lm->weight = cm->weight;
				lm->priority = cm->priority;
				lm->region = cm->region;
				memcpy(v, cm->addr, 16);
				lm->id = lb_mix(lb_mix(v[0] ^ cm->family) ^
				    v[1]);
				port = cm->check_port ? cm->check_port :
				    ck != NULL ? ck->port : 0;
				if (ck == NULL)
					lm->slot = target_get(db, &cap, NULL,
					    cm->family, cm->addr, 0, cm->admin);
				else if (cm->check_family != 0)
					lm->slot = target_get(db, &cap, ck,
					    cm->check_family, cm->check_addr,
					    port, cm->admin);
				else
					lm->slot = target_get(db, &cap, ck,
					    cm->family, cm->addr, port,
					    cm->admin);
				p->fam[cm->family == 6][p->nfam[cm->family ==
				    6]++] = k;
			}
		}
		z->names = xcalloc(cz->nnames, sizeof(*z->names));
		z->nnames = cz->nnames;
		for (j = 0; j < cz->nnames; j++) {
			cn = &cz->names[j];
			m = &z->names[j];
			m->name = ldns_rdf2str(cn->owner);
			m->pool = &z->pools[cn->pool];
			m->regions = &cz->regions;
			memcpy(m->steps, cn->steps, sizeof(m->steps));
			m->nsteps = cn->nsteps;
			lb_chain_prepare(m->steps, m->nsteps,
			    cn->max_answers);
			m->ttl = cn->ttl;
			m->degraded_ttl = cn->degraded_ttl;
			m->max_answers = cn->max_answers;
			m->all_down = cn->all_down;
			m->ecs = cn->ecs;
			m->rr = xcalloc(2, sizeof(*m->rr));
			atomic_init(&m->rr[0], 0);
			atomic_init(&m->rr[1], 0);
			m->conf = cn;
			m->counter = db->ncounters++;
		}
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
		z->origin_len = rdf_lname(cz->origin, lname);
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
	build_pools(db, c);
	for (size = 16; size < total * 2; size *= 2)
		;
	db->table = xcalloc(size, sizeof(*db->table));
	db->mask = size - 1;
	db->nodes = xcalloc(total, sizeof(*db->nodes));
	b.db = db;
	b.bn = xcalloc(total, sizeof(*b.bn));
	b.cap = total;

	/* Nodes for every owner and every name between it and the apex. */
	for (i = 0; i < c->nzones; i++) {
		z = &db->zones[i];
		cz = &c->zones[i];
		node_get(&b, z->origin, z->origin_len, z);
		for (j = 0; j < cz->nrrs; j++) {
			rr = cz->rrs[j].rr;
			len = rdf_lname(ldns_rr_owner(rr), lname);
			/* Data of a zone that a deeper zone of ours serves. */
			if (zone_of(db, lname, len) != z)
				continue;
			idx = node_get(&b, lname, len, z);
			bset_add(&b.bn[idx], rr);
			nl = labels_of(lname, off);
			for (k = 1; k < nl && len - off[k] > z->origin_len;
			    k++)
				node_get(&b, lname + off[k], len - off[k], z);
		}
		for (j = 0; j < cz->nnames; j++) {
			len = rdf_lname(cz->names[j].owner, lname);
			if (zone_of(db, lname, len) != z)
				continue;
			idx = node_get(&b, lname, len, z);
			db->nodes[idx].managed = &z->names[j];
			nl = labels_of(lname, off);
			for (k = 1; k < nl && len - off[k] > z->origin_len;
			    k++)
				node_get(&b, lname + off[k], len - off[k], z);
		}
	}
	find_cuts(&b);

	e = xmalloc(sizeof(*e));
	e->dict = NULL;
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
	free(e->fix);
	free(e->sets);
	free(e);
	for (i = 0; i < db->nnodes; i++) {
		for (j = 0; j < b.bn[i].nsets; j++)
			free(b.bn[i].sets[j].rrs);
		free(b.bn[i].sets);
	}
	free(b.bn);
	return db;
}

void
zone_db_free(struct zone_db *db)
{
	size_t	 i, j;

	if (db == NULL)
		return;
	for (i = 0; i < db->nnodes; i++) {
		for (j = 0; j < db->nodes[i].nanswers; j++)
			answer_free(&db->nodes[i].answers[j]);
		free(db->nodes[i].answers);
		answer_free(&db->nodes[i].referral);
		free(db->nodes[i].name);
	}
	for (i = 0; i < db->nzones; i++) {
		for (j = 0; j < db->zones[i].npools; j++) {
			free(db->zones[i].pools[j].name);
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
		answer_free(&db->zones[i].nxdomain);
		answer_free(&db->zones[i].nodata);
		free(db->zones[i].origin);
		free(db->zones[i].name);
	}
	free(db->nodes);
	free(db->zones);
	free(db->table);
	free(db->targets);
	free(db);
}
