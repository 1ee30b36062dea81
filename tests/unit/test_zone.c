/* test_zone.c -- zone_db_new(), zone_db_lookup(), zone_node_answer() */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire.h"
#include "zone.h"

struct fixture {
	struct conf	*conf;
	struct zone_db	*db;
};

static int
setup(void **state)
{
	struct fixture	*f;
	const char	*zones[2];
	char		*example;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	example = tu_example_zone();
	zones[0] = example;
	zones[1] = tu_other_zone;
	f->conf = tu_load_zones(zones, 2);
	free(example);
	f->db = zone_db_new(f->conf);
	assert_non_null(f->db);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	zone_db_free(f->db);
	conf_free(f->conf);
	free(f);
	return 0;
}

/* Lower-case wire form of a presentation name. */
static size_t
lname(uint8_t *out, const char *name)
{
	size_t	 n = tu_name(out, name);

	wire_name_lower(out, n);
	return n;
}

static const struct zone_node *
find(const struct zone_db *db, const char *name)
{
	uint8_t	 w[WIRE_MAX_NAME];
	size_t	 n = lname(w, name);

	return zone_db_lookup(db, w, n);
}

static const struct zone_node *
must_find(const struct zone_db *db, const char *name)
{
	const struct zone_node	*n = find(db, name);

	if (n == NULL)
		fail_msg("no node %s", name);
	return n;
}

static const struct zone *
zone_named(const struct zone_db *db, const char *name)
{
	size_t	 i;

	for (i = 0; i < db->nzones; i++)
		if (strcmp(db->zones[i].name, name) == 0)
			return &db->zones[i];
	fail_msg("no zone %s", name);
	return NULL;
}

/*
 * Wrap the first k RRsets of an answer into a packet (header, question
 * name qname, the wire up to the end of set k) and parse it with ldns.
 */
static ldns_pkt *
wrap_sets(const struct zone_answer *a, const uint8_t *qname, size_t qlen,
    size_t k)
{
	uint8_t			*pkt;
	const struct zone_set	*s = k > 0 ? &a->sets[k - 1] : NULL;
	size_t			 end = s != NULL ? s->end : 0, n;
	ldns_pkt		*p;

	assert_int_equal(qlen, a->ref_len);
	n = WIRE_HDR_LEN + qlen + 4 + end;
	pkt = calloc(1, n);
	assert_non_null(pkt);
	wire_put16(pkt + 2, WIRE_QR | (a->aa ? WIRE_AA : 0) | a->rcode);
	wire_put16(pkt + 4, 1);
	wire_put16(pkt + 6, s != NULL ? s->an : 0);
	wire_put16(pkt + 8, s != NULL ? s->ns : 0);
	wire_put16(pkt + 10, s != NULL ? s->ar : 0);
	memcpy(pkt + WIRE_HDR_LEN, qname, qlen);
	wire_put16(pkt + WIRE_HDR_LEN + qlen, a->qtype != 0 ? a->qtype :
	    WIRE_TYPE_TXT);
	wire_put16(pkt + WIRE_HDR_LEN + qlen + 2, WIRE_CLASS_IN);
	memcpy(pkt + WIRE_HDR_LEN + qlen + 4, a->wire, end);
	p = tu_wire2pkt(pkt, n);
	free(pkt);
	assert_int_equal(ldns_pkt_ancount(p), s != NULL ? s->an : 0);
	assert_int_equal(ldns_pkt_nscount(p), s != NULL ? s->ns : 0);
	assert_int_equal(ldns_pkt_arcount(p), s != NULL ? s->ar : 0);
	assert_int_equal(ldns_pkt_get_rcode(p), a->rcode);
	assert_int_equal(ldns_pkt_aa(p), a->aa);
	return p;
}

static ldns_pkt *
wrap(const struct zone_answer *a, const uint8_t *qname, size_t qlen)
{
	assert_true(a->nsets == 0 || a->sets[a->nsets - 1].end == a->len);
	return wrap_sets(a, qname, qlen, a->nsets);
}

/* The answer of a node for qtype, wrapped with the node's name. */
static ldns_pkt *
wrap_node(const struct zone_node *n, uint16_t qtype)
{
	const struct zone_answer	*a = zone_node_answer(n, qtype);

	assert_non_null(a);
	if (a->ref_len == n->name_len)
		return wrap(a, n->name, n->name_len);
	return wrap(a, n->zone->origin, n->zone->origin_len);
}

/*
 * The config RR equal to rr (owner, type, RDATA); *ttl gets the lowest
 * TTL of its RRset and *z its zone.
 */
static bool
conf_has(const struct conf *c, const ldns_rr *rr, uint32_t *ttl, size_t *z)
{
	ldns_rr		*want, *have;
	const ldns_rr	*r;
	size_t		 i, j;
	bool		 found = false;

	want = ldns_rr_clone(rr);
	ldns_rr2canonical(want);
	for (i = 0; !found && i < c->nzones; i++)
		for (j = 0; !found && j < c->zones[i].nrrs; j++) {
			have = ldns_rr_clone(c->zones[i].rrs[j].rr);
			ldns_rr2canonical(have);
			if (ldns_rr_compare(have, want) == 0) {
				found = true;
				*z = i;
			}
			ldns_rr_free(have);
		}
	ldns_rr_free(want);
	if (!found)
		return false;
	*ttl = UINT32_MAX;
	for (j = 0; j < c->zones[*z].nrrs; j++) {
		r = c->zones[*z].rrs[j].rr;
		if (ldns_rr_get_type(r) == ldns_rr_get_type(rr) &&
		    ldns_dname_compare(ldns_rr_owner(r), ldns_rr_owner(rr)) ==
		    0 && ldns_rr_ttl(r) < *ttl)
			*ttl = ldns_rr_ttl(r);
	}
	return true;
}

/* Every RR of the packet is a config RR with the TTL it must have. */
static void
assert_from_conf(const struct conf *c, ldns_pkt *p)
{
	static const ldns_pkt_section	 secs[] = { LDNS_SECTION_ANSWER,
					    LDNS_SECTION_AUTHORITY,
					    LDNS_SECTION_ADDITIONAL };
	ldns_rr_list			*l;
	const ldns_rr			*rr;
	uint32_t			 ttl;
	size_t				 i, j, z = 0;
	char				*s;

	for (i = 0; i < NITEMS(secs); i++) {
		l = ldns_pkt_get_section_clone(p, secs[i]);
		for (j = 0; j < ldns_rr_list_rr_count(l); j++) {
			rr = ldns_rr_list_rr(l, j);
			if (!conf_has(c, rr, &ttl, &z)) {
				s = ldns_rr2str(rr);
				print_error("not in the config: %s", s);
				free(s);
				ldns_rr_list_deep_free(l);
				fail();
			}
			/* RFC 2308: a negative answer's SOA has min(TTL,
			   minimum); every other RR its RRset's TTL. */
			if (secs[i] == LDNS_SECTION_AUTHORITY &&
			    ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
				ttl = c->zones[z].neg_ttl;
			assert_int_equal(ldns_rr_ttl(rr), ttl);
		}
		ldns_rr_list_deep_free(l);
	}
}

/* The config's RRset of owner and type, TTLs lowered to the lowest. */
static ldns_rr_list *
conf_set(const struct conf *c, const char *owner, uint16_t type)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rdf	*o = ldns_dname_new_frm_str(owner);
	const ldns_rr	*r;
	uint32_t	 ttl = UINT32_MAX;
	size_t		 i, j;

	for (i = 0; i < c->nzones; i++)
		for (j = 0; j < c->zones[i].nrrs; j++) {
			r = c->zones[i].rrs[j].rr;
			if (ldns_rr_get_type(r) != type || ldns_dname_compare(
			    ldns_rr_owner(r), o) != 0)
				continue;
			ldns_rr_list_push_rr(l, ldns_rr_clone(r));
			if (ldns_rr_ttl(r) < ttl)
				ttl = ldns_rr_ttl(r);
		}
	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		ldns_rr_set_ttl(ldns_rr_list_rr(l, i), ttl);
	ldns_rdf_deep_free(o);
	return l;
}

static void
apex_node_exists(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*n = must_find(f->db, "lb.example.");
	const struct zone	*z = zone_named(f->db, "lb.example.");

	assert_ptr_equal(n->zone, z);
	assert_int_equal(n->name_len, 12);
	assert_int_equal(z->origin_len, 12);
	assert_memory_equal(n->name, z->origin, 12);
	assert_null(n->cut);
	assert_null(n->managed);
	/* SOA, NS, MX, TXT, CAA. */
	assert_int_equal(n->nanswers, 5);
	assert_int_equal(zone_node_answer(n, WIRE_TYPE_SOA)->qtype,
	    WIRE_TYPE_SOA);
	assert_ptr_equal(zone_node_answer(n, WIRE_TYPE_A), &z->nodata);
	assert_ptr_equal(n->other, &z->nodata);
}

static void
every_owner_has_a_node(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*n;
	const ldns_rr		*rr;
	uint8_t			 w[WIRE_MAX_NAME];
	size_t			 i, j, len;

	(void)state;
	for (i = 0; i < f->conf->nzones; i++)
		for (j = 0; j < f->conf->zones[i].nrrs; j++) {
			rr = f->conf->zones[i].rrs[j].rr;
			len = ldns_rdf_size(ldns_rr_owner(rr));
			memcpy(w, ldns_rdf_data(ldns_rr_owner(rr)), len);
			wire_name_lower(w, len);
			n = zone_db_lookup(f->db, w, len);
			assert_non_null(n);
			assert_ptr_equal(n->zone, &f->db->zones[i]);
			assert_memory_equal(n->name, w, len);
		}
}

static void
empty_non_terminals_exist(void **state)
{
	struct fixture		*f = *state;
	const struct zone	*z = zone_named(f->db, "lb.example.");
	static const char *const ents[] = { "svc.lb.example.",
				    "_udp.lb.example." };
	const struct zone_node	*n;
	size_t			 i;

	for (i = 0; i < NITEMS(ents); i++) {
		n = must_find(f->db, ents[i]);
		assert_int_equal(n->nanswers, 0);
		assert_ptr_equal(n->other, &z->nodata);
		assert_ptr_equal(n->any, &z->nodata);
		assert_ptr_equal(zone_node_answer(n, WIRE_TYPE_A), &z->nodata);
		assert_null(n->cut);
	}
	/* The names below them exist too. */
	must_find(f->db, "a.svc.lb.example.");
	must_find(f->db, "_sip._udp.lb.example.");
}

static void
lookup_key_is_lower_case(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*n;
	uint8_t			 w[WIRE_MAX_NAME];
	size_t			 len;

	/* "MiXeD" in the config. */
	n = must_find(f->db, "mixed.lb.example.");
	assert_memory_equal(n->name, "\5mixed\2lb\7example", 18);
	len = tu_name(w, "MiXeD.lb.example.");
	assert_null(zone_db_lookup(f->db, w, len));
	len = tu_name(w, "WWW.LB.EXAMPLE.");
	assert_null(zone_db_lookup(f->db, w, len));
	wire_name_lower(w, len);
	assert_non_null(zone_db_lookup(f->db, w, len));
}

static void
missing_names_have_no_node(void **state)
{
	struct fixture	*f = *state;

	assert_null(find(f->db, "nothere.lb.example."));
	assert_null(find(f->db, "x.www.lb.example."));
	assert_null(find(f->db, "example."));
	assert_null(find(f->db, "test."));
	assert_null(find(f->db, "."));
	/* The target of a dangling CNAME. */
	assert_null(find(f->db, "nothere.lb.example."));
	/* A length that does not match. */
	assert_null(zone_db_lookup(f->db, (const uint8_t *)"\3www\2lb\7example",
	    15));
}

static void
nodes_below_cut_point_to_it(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*cut = must_find(f->db, "sub.lb.example.");
	const struct zone_node	*glue = must_find(f->db, "ns1.sub.lb.example.");

	assert_ptr_equal(cut->cut, cut);
	assert_ptr_equal(glue->cut, cut);
	assert_int_equal(glue->nanswers, 0);
	assert_false(cut->referral.aa);
	assert_int_equal(cut->referral.rcode, WIRE_RCODE_NOERROR);
	assert_int_equal(cut->referral.ref_len, cut->name_len);
	assert_true(cut->referral.nsets >= 1);
	/* Names near the cut are not below it. */
	assert_null(must_find(f->db, "lb.example.")->cut);
	assert_null(must_find(f->db, "svc.lb.example.")->cut);
	assert_ptr_equal(must_find(f->db, "bigcut.lb.example.")->cut,
	    must_find(f->db, "bigcut.lb.example."));
	/* Not a cut: no referral. */
	assert_int_equal(must_find(f->db, "www.lb.example.")->referral.len, 0);
}

static void
referral_holds_ns_and_glue(void **state)
{
	static const char *const ns[] = {
		"sub.lb.example. 300 IN NS ns1.sub.lb.example.",
		"sub.lb.example. 300 IN NS ns.example.net.",
	};
	static const char *const ar[] = {
		"ns1.sub.lb.example. 300 IN A 192.0.2.53",
		"ns1.sub.lb.example. 300 IN AAAA 2001:db8::53",
	};
	struct fixture		*f = *state;
	const struct zone_node	*cut = must_find(f->db, "sub.lb.example.");
	ldns_pkt		*p;
	size_t			 i;

	p = wrap(&cut->referral, cut->name, cut->name_len);
	assert_false(ldns_pkt_aa(p));
	assert_no_rrs(ldns_pkt_answer(p));
	assert_rrs(ldns_pkt_authority(p), ns);
	assert_rrs(ldns_pkt_additional(p), ar);
	ldns_pkt_free(p);
	/* NS and in-bailiwick glue are required, so TC when cut. */
	for (i = 0; i < cut->referral.nsets; i++)
		assert_true(cut->referral.sets[i].required);
}

static void
answers_per_type(void **state)
{
	static const char *const a[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	static const char *const aaaa[] = {
		"www.lb.example. 30 IN AAAA 2001:db8::10",
	};
	struct fixture			*f = *state;
	const struct zone_node		*n;
	const struct zone		*z;
	ldns_pkt			*p;

	n = must_find(f->db, "www.lb.example.");
	z = n->zone;
	assert_int_equal(n->nanswers, 2);
	assert_int_equal(zone_node_answer(n, WIRE_TYPE_A)->qtype,
	    WIRE_TYPE_A);
	assert_int_equal(zone_node_answer(n, WIRE_TYPE_AAAA)->qtype,
	    WIRE_TYPE_AAAA);
	assert_ptr_equal(zone_node_answer(n, WIRE_TYPE_MX), &z->nodata);
	assert_ptr_equal(zone_node_answer(n, WIRE_TYPE_CNAME), &z->nodata);
	assert_ptr_equal(n->other, &z->nodata);
	/* RFC 8482: ANY answers the addresses. */
	assert_ptr_equal(n->any, zone_node_answer(n, WIRE_TYPE_A));

	p = wrap_node(n, WIRE_TYPE_A);
	assert_true(ldns_pkt_aa(p));
	assert_rrs(ldns_pkt_answer(p), a);
	assert_no_rrs(ldns_pkt_authority(p));
	assert_no_rrs(ldns_pkt_additional(p));
	ldns_pkt_free(p);
	p = wrap_node(n, WIRE_TYPE_AAAA);
	assert_rrs(ldns_pkt_answer(p), aaaa);
	ldns_pkt_free(p);
}

static void
any_answers_one_rrset(void **state)
{
	struct fixture			*f = *state;
	const struct zone_node		*apex = must_find(f->db, "lb.example.");
	const struct zone_node		*txt = must_find(f->db,
					    "onlytxt.lb.example.");
	const struct zone_node		*sip = must_find(f->db,
					    "sip.lb.example.");

	assert_true(apex->any != apex->other);
	assert_int_equal(apex->any->nsets >= 1, 1);
	assert_int_equal(txt->any->qtype, WIRE_TYPE_TXT);
	/* A before AAAA. */
	assert_int_equal(sip->any->qtype, WIRE_TYPE_A);
}

static void
apex_ns_with_glue(void **state)
{
	static const char *const an[] = {
		"lb.example. 300 IN NS ns1.lb.example.",
		"lb.example. 300 IN NS ns2.lb.example.",
	};
	static const char *const ar[] = {
		"ns1.lb.example. 300 IN A 192.0.2.1",
		"ns1.lb.example. 300 IN AAAA 2001:db8::1",
		"ns2.lb.example. 300 IN A 192.0.2.2",
	};
	struct fixture			*f = *state;
	const struct zone_node		*n = must_find(f->db, "lb.example.");
	const struct zone_answer	*a = zone_node_answer(n, WIRE_TYPE_NS);
	ldns_pkt			*p;
	size_t				 i;

	p = wrap_node(n, WIRE_TYPE_NS);
	assert_rrs(ldns_pkt_answer(p), an);
	assert_no_rrs(ldns_pkt_authority(p));
	assert_rrs(ldns_pkt_additional(p), ar);
	ldns_pkt_free(p);
	/* The NS RRset is required, the addresses are not. */
	assert_int_equal(a->nsets, 4);
	assert_true(a->sets[0].required);
	for (i = 1; i < a->nsets; i++)
		assert_false(a->sets[i].required);
}

static void
mx_and_srv_additional(void **state)
{
	static const char *const mx[] = {
		"lb.example. 300 IN MX 10 mail.lb.example.",
		"lb.example. 300 IN MX 20 mail.example.net.",
	};
	static const char *const mxar[] = {
		"mail.lb.example. 300 IN A 192.0.2.25",
	};
	static const char *const srvar[] = {
		"sip.lb.example. 300 IN A 192.0.2.40",
		"sip.lb.example. 300 IN AAAA 2001:db8::40",
	};
	struct fixture	*f = *state;
	ldns_pkt	*p;

	p = wrap_node(must_find(f->db, "lb.example."), WIRE_TYPE_MX);
	assert_rrs(ldns_pkt_answer(p), mx);
	assert_rrs(ldns_pkt_additional(p), mxar);
	ldns_pkt_free(p);
	p = wrap_node(must_find(f->db, "_sip._udp.lb.example."),
	    WIRE_TYPE_SRV);
	assert_int_equal(ldns_pkt_ancount(p), 1);
	assert_rrs(ldns_pkt_additional(p), srvar);
	ldns_pkt_free(p);
}

static void
negative_answers_of_zones(void **state)
{
	static const char *const soa[] = {
		"lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. "
		    "2026112501 3600 900 604800 60",
	};
	static const char *const other_soa[] = {
		"other.test. 3600 IN SOA ns.other.test. admin.other.test. "
		    "1 3600 900 604800 7200",
	};
	struct fixture		*f = *state;
	const struct zone	*z = zone_named(f->db, "lb.example.");
	const struct zone	*o = zone_named(f->db, "other.test.");
	ldns_pkt		*p;

	assert_int_equal(z->nxdomain.rcode, WIRE_RCODE_NXDOMAIN);
	assert_int_equal(z->nodata.rcode, WIRE_RCODE_NOERROR);
	assert_true(z->nxdomain.aa);
	assert_true(z->nodata.aa);
	p = wrap(&z->nxdomain, z->origin, z->origin_len);
	assert_no_rrs(ldns_pkt_answer(p));
	assert_rrs(ldns_pkt_authority(p), soa);
	assert_no_rrs(ldns_pkt_additional(p));
	ldns_pkt_free(p);
	p = wrap(&z->nodata, z->origin, z->origin_len);
	assert_rrs(ldns_pkt_authority(p), soa);
	ldns_pkt_free(p);
	/* TTL 3600 below minimum 7200: the TTL. */
	p = wrap(&o->nxdomain, o->origin, o->origin_len);
	assert_rrs(ldns_pkt_authority(p), other_soa);
	ldns_pkt_free(p);
}

static void
cname_chain_answers(void **state)
{
	static const char *const chain_a[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	static const char *const chain_aaaa[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
		"www.lb.example. 30 IN AAAA 2001:db8::10",
	};
	static const char *const chain[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
	};
	static const char *const cname[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
	};
	static const char *const soa[] = {
		"lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. "
		    "2026112501 3600 900 604800 60",
	};
	struct fixture		*f = *state;
	const struct zone_node	*n = must_find(f->db, "alias.lb.example.");
	ldns_pkt		*p;

	/* CNAME, RRSIG and NSEC (RFC 4035 2.5), A, AAAA and every other
	 * type. */
	assert_int_equal(n->nanswers, 6);
	assert_ptr_equal(n->any, zone_node_answer(n, WIRE_TYPE_CNAME));
	p = wrap_node(n, WIRE_TYPE_A);
	assert_rrs(ldns_pkt_answer(p), chain_a);
	assert_no_rrs(ldns_pkt_authority(p));
	ldns_pkt_free(p);
	p = wrap_node(n, WIRE_TYPE_AAAA);
	assert_rrs(ldns_pkt_answer(p), chain_aaaa);
	ldns_pkt_free(p);
	p = wrap_node(n, WIRE_TYPE_CNAME);
	assert_rrs(ldns_pkt_answer(p), cname);
	assert_no_rrs(ldns_pkt_authority(p));
	ldns_pkt_free(p);
	/* MX: the chain, then NODATA at www. */
	p = wrap_node(n, WIRE_TYPE_MX);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), chain);
	assert_rrs(ldns_pkt_authority(p), soa);
	ldns_pkt_free(p);
}

static void
cname_to_missing_name_is_nxdomain(void **state)
{
	static const char *const cname[] = {
		"dangling.lb.example. 300 IN CNAME nothere.lb.example.",
	};
	static const char *const soa[] = {
		"lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. "
		    "2026112501 3600 900 604800 60",
	};
	struct fixture		*f = *state;
	const struct zone_node	*n = must_find(f->db, "dangling.lb.example.");
	ldns_pkt		*p;

	p = wrap_node(n, WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	assert_rrs(ldns_pkt_answer(p), cname);
	assert_rrs(ldns_pkt_authority(p), soa);
	ldns_pkt_free(p);
	/* qtype CNAME is the record itself: NOERROR. */
	p = wrap_node(n, WIRE_TYPE_CNAME);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), cname);
	ldns_pkt_free(p);
}

static void
cname_leaving_the_zone_stops(void **state)
{
	static const char *const ext[] = {
		"ext.lb.example. 300 IN CNAME www.example.net.",
	};
	static const char *const back[] = {
		"back.other.test. 3600 IN CNAME www.lb.example.",
	};
	static const char *const tocut[] = {
		"tocut.lb.example. 300 IN CNAME host.sub.lb.example.",
	};
	static const char *const cutns[] = {
		"sub.lb.example. 300 IN NS ns1.sub.lb.example.",
		"sub.lb.example. 300 IN NS ns.example.net.",
	};
	struct fixture	*f = *state;
	ldns_pkt	*p;

	p = wrap_node(must_find(f->db, "ext.lb.example."), WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), ext);
	assert_no_rrs(ldns_pkt_authority(p));
	ldns_pkt_free(p);
	/* Into another zone we serve: the resolver asks again. */
	p = wrap_node(must_find(f->db, "back.other.test."), WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), back);
	assert_no_rrs(ldns_pkt_authority(p));
	ldns_pkt_free(p);
	/* Below a delegation: the chain, then the referral (RFC 1034 4.3.2
	 * step 3.b), as Knot answers. */
	p = wrap_node(must_find(f->db, "tocut.lb.example."), WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), tocut);
	assert_rrs(ldns_pkt_authority(p), cutns);
	ldns_pkt_free(p);
}

static void
cname_to_empty_non_terminal_is_nodata(void **state)
{
	static const char *const cname[] = {
		"toent.lb.example. 300 IN CNAME svc.lb.example.",
	};
	struct fixture		*f = *state;
	const struct zone_node	*n = must_find(f->db, "toent.lb.example.");
	ldns_pkt		*p;

	p = wrap_node(n, WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), cname);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ldns_pkt_free(p);
}

static void
cname_loop_ends(void **state)
{
	static const char *const loop[] = {
		"loop1.lb.example. 300 IN CNAME loop2.lb.example.",
		"loop2.lb.example. 300 IN CNAME loop1.lb.example.",
	};
	struct fixture	*f = *state;
	ldns_pkt	*p;

	p = wrap_node(must_find(f->db, "loop1.lb.example."), WIRE_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_rrs(ldns_pkt_answer(p), loop);
	ldns_pkt_free(p);
}

/* Every answer a node can give, with the name it was built for. */
static void
each_answer(const struct zone_db *db, void (*fn)(const struct zone_answer *,
    const uint8_t *, size_t, void *), void *arg)
{
	const struct zone_node		*n;
	const struct zone_answer	*a;
	size_t				 i, j;

	for (i = 0; i < db->nzones; i++) {
		fn(&db->zones[i].nxdomain, db->zones[i].origin,
		    db->zones[i].origin_len, arg);
		fn(&db->zones[i].nodata, db->zones[i].origin,
		    db->zones[i].origin_len, arg);
	}
	for (i = 0; i < db->nnodes; i++) {
		n = &db->nodes[i];
		if (n->cut == n)
			fn(&n->referral, n->name, n->name_len, arg);
		for (j = 0; j < n->nanswers; j++) {
			a = &n->answers[j];
			fn(a, n->name, n->name_len, arg);
		}
	}
}

static void
check_from_conf(const struct zone_answer *a, const uint8_t *name,
    size_t len, void *arg)
{
	const struct conf	*c = arg;
	ldns_pkt		*p;

	p = wrap(a, name, len);
	assert_from_conf(c, p);
	ldns_pkt_free(p);
}

static void
every_answer_parses_and_comes_from_config(void **state)
{
	struct fixture	*f = *state;

	each_answer(f->db, check_from_conf, f->conf);
}

/* A plain node's answer for its type holds exactly the config's RRset. */
static void
answer_section_is_the_config_rrset(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*n;
	const struct zone_answer *a;
	ldns_rr_list		*want;
	ldns_pkt		*p;
	char			*owner;
	ldns_rdf		*d;
	size_t			 i, j, checked = 0;

	for (i = 0; i < f->db->nnodes; i++) {
		n = &f->db->nodes[i];
		if (n->cut != NULL || n->nanswers == 0 ||
		    n->answers[0].qtype == WIRE_TYPE_CNAME)
			continue;
		d = ldns_dname_new_frm_data(n->name_len, n->name);
		owner = ldns_rdf2str(d);
		for (j = 0; j < n->nanswers; j++) {
			a = &n->answers[j];
			p = wrap(a, n->name, n->name_len);
			want = conf_set(f->conf, owner, a->qtype);
			assert_true(ldns_rr_list_rr_count(want) > 0);
			assert_rr_lists(ldns_pkt_answer(p), want);
			ldns_rr_list_deep_free(want);
			ldns_pkt_free(p);
			checked++;
		}
		free(owner);
		ldns_rdf_deep_free(d);
	}
	assert_true(checked > 20);
}

static void
check_sets(const struct zone_answer *a, const uint8_t *name, size_t len,
    void *arg)
{
	ldns_pkt	*p;
	size_t		 k;

	(void)arg;
	if (a->nsets == 0) {
		assert_int_equal(a->len, 0);
		return;
	}
	assert_int_equal(a->sets[a->nsets - 1].end, a->len);
	for (k = 0; k < a->nsets; k++) {
		if (k > 0) {
			assert_true(a->sets[k].end > a->sets[k - 1].end);
			assert_true(a->sets[k].an >= a->sets[k - 1].an);
			assert_true(a->sets[k].ns >= a->sets[k - 1].ns);
			assert_true(a->sets[k].ar >= a->sets[k - 1].ar);
			assert_true(a->sets[k].an + a->sets[k].ns +
			    a->sets[k].ar > a->sets[k - 1].an +
			    a->sets[k - 1].ns + a->sets[k - 1].ar);
		}
		/* Cut after set k: still a well-formed message. */
		p = wrap_sets(a, name, len, k + 1);
		ldns_pkt_free(p);
	}
	/* Pointers to fix are inside the wire and really pointers. */
	for (k = 0; k < a->nfix; k++) {
		assert_true(a->fix[k] + 2 <= a->len);
		assert_int_equal(a->wire[a->fix[k]] & 0xc0, 0xc0);
		if (k > 0)
			assert_true(a->fix[k] > a->fix[k - 1]);
	}
}

static void
sets_end_on_record_boundaries(void **state)
{
	struct fixture	*f = *state;

	each_answer(f->db, check_sets, NULL);
}

static void
answer_never_null_outside_cuts(void **state)
{
	struct fixture		*f = *state;
	const struct zone_node	*n;
	size_t			 i;
	unsigned		 t;

	for (i = 0; i < f->db->nnodes; i++) {
		n = &f->db->nodes[i];
		if (n->cut != NULL)
			continue;
		assert_non_null(n->other);
		assert_non_null(n->any);
		for (t = 0; t < 300; t++)
			assert_non_null(zone_node_answer(n, t));
		assert_non_null(zone_node_answer(n, 65535));
	}
}

static void
names_of_other_zone(void **state)
{
	struct fixture		*f = *state;
	const struct zone	*o = zone_named(f->db, "other.test.");

	assert_ptr_equal(must_find(f->db, "www.other.test.")->zone, o);
	assert_ptr_equal(must_find(f->db, "other.test.")->zone, o);
	assert_ptr_equal(must_find(f->db, "www.lb.example.")->zone,
	    zone_named(f->db, "lb.example."));
}

/* A zone built from one zone file text. */
static void
build_one(const char *text, struct conf **c, struct zone_db **db)
{
	const char	*zones[1] = { text };

	*c = tu_load_zones(zones, 1);
	*db = zone_db_new(*c);
	assert_non_null(*db);
}

#define ZONE_HEAD \
	"origin = \"t.example.\";\n" \
	"ttl = 300;\n" \
	"soa = { mname = \"ns\"; rname = \"h\"; minimum = 30; };\n" \
	"ns = [ \"ns.example.net.\" ];\n"

static void
large_rrset_in_one_set(void **state)
{
	struct conf		*c;
	struct zone_db		*db;
	const struct zone_node	*n;
	const struct zone_answer *a;
	ldns_rr_list		*want;
	ldns_pkt		*p;
	char			*text, *rec, *tmp;
	int			 i;

	(void)state;
	text = tu_printf("%srecords = [\n", ZONE_HEAD);
	for (i = 0; i < 200; i++) {
		rec = tu_printf("  \"many TXT \\\"record number %03d\\\"\"%s\n",
		    i, i < 199 ? "," : " ];");
		tmp = tu_printf("%s%s", text, rec);
		free(text);
		free(rec);
		text = tmp;
	}
	build_one(text, &c, &db);
	free(text);
	n = must_find(db, "many.t.example.");
	a = zone_node_answer(n, WIRE_TYPE_TXT);
	assert_int_equal(a->qtype, WIRE_TYPE_TXT);
	assert_int_equal(a->nsets, 1);
	assert_int_equal(a->sets[0].an, 200);
	assert_int_equal(a->sets[0].end, a->len);
	assert_true(a->sets[0].required);
	/* Owners compressed: 2 + 10 + 1 + 17 bytes a record. */
	assert_int_equal(a->len, 200 * 30);
	p = wrap(a, n->name, n->name_len);
	want = conf_set(c, "many.t.example.", WIRE_TYPE_TXT);
	assert_int_equal(ldns_rr_list_rr_count(want), 200);
	assert_rr_lists(ldns_pkt_answer(p), want);
	ldns_rr_list_deep_free(want);
	ldns_pkt_free(p);
	zone_db_free(db);
	conf_free(c);
}

static void
oversized_rrset_is_left_out(void **state)
{
	struct conf		*c;
	struct zone_db		*db;
	const struct zone_node	*n;
	const struct zone_answer *a;
	ldns_pkt		*p;
	char			*text, *rec, *tmp, big[256];
	int			 i;

	(void)state;
	memset(big, 'x', 250);
	big[250] = '\0';
	text = tu_printf("%srecords = [\n", ZONE_HEAD);
	/* 300 records of 268 bytes: more than a message holds. */
	for (i = 0; i < 300; i++) {
		rec = tu_printf("  \"huge TXT %03d%s\",\n", i, big);
		tmp = tu_printf("%s%s", text, rec);
		free(text);
		free(rec);
		text = tmp;
	}
	tmp = tu_printf("%s  \"small TXT ok\" ];\n", text);
	free(text);
	text = tmp;
	build_one(text, &c, &db);
	free(text);
	n = must_find(db, "huge.t.example.");
	a = zone_node_answer(n, WIRE_TYPE_TXT);
	assert_true(a->len <= 65535 - WIRE_HDR_LEN - WIRE_MAX_NAME - 4);
	p = wrap(a, n->name, n->name_len);
	ldns_pkt_free(p);
	/* The rest of the zone is built. */
	n = must_find(db, "small.t.example.");
	assert_int_equal(zone_node_answer(n, WIRE_TYPE_TXT)->sets[0].an, 1);
	zone_db_free(db);
	conf_free(c);
}

/* RFC 2181 5: an RRset holds no duplicates and has one TTL, the lowest. */
static void
rrset_deduplicated_with_lowest_ttl(void **state)
{
	static const char *const an[] = {
		"x.t.example. 50 IN A 192.0.2.1",
		"x.t.example. 50 IN A 192.0.2.2",
	};
	struct conf	*c;
	struct zone_db	*db;
	ldns_pkt	*p;
	bool		 ok;

	(void)state;
	build_one(ZONE_HEAD "records = [ \"x 100 A 192.0.2.1\", "
	    "\"X 50 A 192.0.2.2\", \"x.t.example. 70 IN A 192.0.2.1\" ];\n",
	    &c, &db);
	p = wrap_node(must_find(db, "x.t.example."), WIRE_TYPE_A);
	ok = tu_rrs_match(ldns_pkt_answer(p), an, NITEMS(an));
	ldns_pkt_free(p);
	zone_db_free(db);
	conf_free(c);
	assert_true(ok);
}

/* Two MX records with one target: its addresses once (RFC 2181 5.5). */
static void
additional_rrset_not_repeated(void **state)
{
	static const char *const ar[] = {
		"mail.t.example. 300 IN A 192.0.2.25",
	};
	struct conf	*c;
	struct zone_db	*db;
	ldns_pkt	*p;
	bool		 ok;

	(void)state;
	build_one(ZONE_HEAD "records = [ \"@ MX 10 mail\", \"@ MX 20 mail\", "
	    "\"mail A 192.0.2.25\" ];\n", &c, &db);
	p = wrap_node(must_find(db, "t.example."), WIRE_TYPE_MX);
	ok = ldns_pkt_ancount(p) == 2 &&
	    tu_rrs_match(ldns_pkt_additional(p), ar, NITEMS(ar));
	ldns_pkt_free(p);
	zone_db_free(db);
	conf_free(c);
	assert_true(ok);
}

/* A child zone we serve too: its apex is no cut of the parent. */
static void
child_zone_we_serve_is_not_a_cut(void **state)
{
	static const char *const child =
	    "origin = \"sub.t.example.\";\n"
	    "soa = { mname = \"ns\"; rname = \"h\"; };\n"
	    "ns = [ \"ns\" ];\n"
	    "records = [ \"ns A 192.0.2.53\", \"www A 192.0.2.80\" ];\n";
	const char		*zones[2];
	struct conf		*c;
	struct zone_db		*db;
	const struct zone_node	*n;

	(void)state;
	zones[0] = ZONE_HEAD "records = [ \"sub NS ns.sub\", "
	    "\"ns.sub A 192.0.2.53\" ];\n";
	zones[1] = child;
	c = tu_load_zones(zones, 2);
	db = zone_db_new(c);
	n = must_find(db, "sub.t.example.");
	assert_ptr_equal(n->zone, &db->zones[1]);
	assert_null(n->cut);
	n = must_find(db, "ns.sub.t.example.");
	assert_ptr_equal(n->zone, &db->zones[1]);
	assert_null(n->cut);
	assert_int_equal(zone_node_answer(n, WIRE_TYPE_A)->qtype, WIRE_TYPE_A);
	assert_non_null(find(db, "www.sub.t.example."));
	zone_db_free(db);
	conf_free(c);
}

/* RFC 3597 4: an SRV target is not compressed; MX and NS names are. */
static void
rdata_compression_by_type(void **state)
{
	struct fixture			*f = *state;
	const struct zone_answer	*a;

	a = zone_node_answer(must_find(f->db, "_sip._udp.lb.example."),
	    WIRE_TYPE_SRV);
	assert_int_equal(a->wire[0], 0xc0);
	assert_int_equal(wire_get16(a->wire + 10), 6 + 16);
	assert_memory_equal(a->wire + 12 + 6, "\3sip\2lb\7example", 16);
	/* MX 10 mail.lb.example.: "mail" and a pointer to the question. */
	a = zone_node_answer(must_find(f->db, "lb.example."), WIRE_TYPE_MX);
	assert_int_equal(wire_get16(a->wire + 10), 2 + 5 + 2);
	assert_memory_equal(a->wire + 14, "\4mail\300\14", 7);
	/* NS ns1.lb.example. likewise. */
	a = zone_node_answer(must_find(f->db, "lb.example."), WIRE_TYPE_NS);
	assert_int_equal(wire_get16(a->wire + 10), 4 + 2);
	assert_memory_equal(a->wire + 12, "\3ns1\300\14", 6);
}

/* The RDATA names keep the case they were written in. */
static void
rdata_case_kept_owner_lowered(void **state)
{
	struct conf		*c;
	struct zone_db		*db;
	const struct zone_node	*n;
	const struct zone_answer *a;

	(void)state;
	build_one(ZONE_HEAD "records = [ \"Web CNAME Target.Example.NET.\" "
	    "];\n", &c, &db);
	n = must_find(db, "web.t.example.");
	a = zone_node_answer(n, WIRE_TYPE_CNAME);
	/* Owner: a pointer to the question; RDATA as written. */
	assert_int_equal(a->wire[0], 0xc0);
	assert_int_equal(a->wire[1], WIRE_HDR_LEN);
	assert_memory_equal(a->wire + 12, "\6Target\7Example\3NET", 20);
	zone_db_free(db);
	conf_free(c);
}

/*
 * A target is probed once however many pools and zones name it: the
 * same address, port and check definition (whatever the check's name)
 * is one health slot; a different definition is another.
 */
static void
shared_targets_across_zones(void **state)
{
	static const char *const zones[3] = {
		"origin = \"a.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns.example.net.\" ];\n"
		"checks = { web = { type = \"http\"; port = 80; }; };\n"
		"pools = { p1 = { check = \"web\"; members = ( { address = "
		"\"192.0.2.1\"; }, { address = \"192.0.2.2\"; } ); };\n"
		"  p2 = { check = \"web\"; members = ( { address = "
		"\"192.0.2.1\"; } ); }; };\n",
		"origin = \"b.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns.example.net.\" ];\n"
		"checks = { other_name = { type = \"http\"; port = 80; };\n"
		"  slower = { type = \"http\"; port = 80; interval = 9.0; };"
		" };\n"
		"pools = { p3 = { check = \"other_name\"; members = ( { "
		"address = \"192.0.2.1\"; } ); };\n"
		"  p4 = { check = \"slower\"; members = ( { address = "
		"\"192.0.2.1\"; } ); }; };\n",
		"origin = \"c.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns.example.net.\" ];\n",
	};
	struct conf	*c;
	struct zone_db	*db;
	uint32_t	 s1, s3, s4;

	(void)state;
	c = tu_load_zones(zones, 3);
	db = zone_db_new(c);
	/* 192.0.2.1 by web (a and b alike), .2 by web, .1 by slower. */
	assert_int_equal(db->ntargets, 3);
	s1 = db->zones[0].pools[0].members[0].slot;
	assert_int_equal(db->zones[0].pools[1].members[0].slot, s1);
	s3 = db->zones[1].pools[0].members[0].slot;
	assert_int_equal(s3, s1);
	s4 = db->zones[1].pools[1].members[0].slot;
	assert_int_not_equal(s4, s1);
	assert_int_not_equal(db->zones[0].pools[0].members[1].slot, s1);
	zone_db_free(db);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_targets_across_zones),
		cmocka_unit_test(apex_node_exists),
		cmocka_unit_test(every_owner_has_a_node),
		cmocka_unit_test(empty_non_terminals_exist),
		cmocka_unit_test(lookup_key_is_lower_case),
		cmocka_unit_test(missing_names_have_no_node),
		cmocka_unit_test(nodes_below_cut_point_to_it),
		cmocka_unit_test(referral_holds_ns_and_glue),
		cmocka_unit_test(answers_per_type),
		cmocka_unit_test(any_answers_one_rrset),
		cmocka_unit_test(apex_ns_with_glue),
		cmocka_unit_test(mx_and_srv_additional),
		cmocka_unit_test(negative_answers_of_zones),
		cmocka_unit_test(cname_chain_answers),
		cmocka_unit_test(cname_to_missing_name_is_nxdomain),
		cmocka_unit_test(cname_leaving_the_zone_stops),
		cmocka_unit_test(cname_to_empty_non_terminal_is_nodata),
		cmocka_unit_test(cname_loop_ends),
		cmocka_unit_test(every_answer_parses_and_comes_from_config),
		cmocka_unit_test(answer_section_is_the_config_rrset),
		cmocka_unit_test(sets_end_on_record_boundaries),
		cmocka_unit_test(answer_never_null_outside_cuts),
		cmocka_unit_test(names_of_other_zone),
		cmocka_unit_test(large_rrset_in_one_set),
		cmocka_unit_test(oversized_rrset_is_left_out),
		cmocka_unit_test(rrset_deduplicated_with_lowest_ttl),
		cmocka_unit_test(additional_rrset_not_repeated),
		cmocka_unit_test(child_zone_we_serve_is_not_a_cut),
		cmocka_unit_test(rdata_compression_by_type),
		cmocka_unit_test(rdata_case_kept_owner_lowered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
