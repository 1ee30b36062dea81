/* test_answer_ident.c -- NSID and CHAOS TXT: what the server says of itself */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "health.h"
#include "testutil.h"
#include "wire.h"
#include "zone.h"

#define ID	0x1d1d

/* A database built from the example zone and a server group. */
struct srv {
	struct conf	*conf;
	struct zone_db	*db;
	struct health	*health;
};

struct fixture {
	struct srv	 full;		/* nsid, identity and version */
	struct srv	 plain;		/* none of them */
	struct srv	 idonly;	/* identity alone */
	struct srv	 longest;	/* a 128-byte NSID in hex */
	uint64_t	 rng;
};

/* A response: the bytes and what ldns made of them. */
struct resp {
	uint8_t		*wire;
	size_t		 len;
	ldns_pkt	*p;
};

static const uint8_t	 nsid_req[] = { 0, WIRE_EDNS_NSID, 0, 0 };
static const char	 identity[] = "ns1.fra.example.net";
static const char	 version[] = "steerdns 1.0";
static const char	 nsid[] = "ns1.fra";

static void
srv_init(struct srv *s, const char *server)
{
	const char	*zones[1];
	char		*example = tu_example_zone();

	zones[0] = example;
	s->conf = tu_load_zones_with(server, zones, 1);
	free(example);
	s->db = zone_db_new(s->conf);
	s->health = health_new(s->db->ntargets);
}

static void
srv_free(struct srv *s)
{
	health_free(s->health);
	zone_db_free(s->db);
	conf_free(s->conf);
}

static int
setup(void **state)
{
	struct fixture	*f;
	char		*text, hex[2 * 128 + 1];
	size_t		 i;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	text = tu_printf("nsid = \"%s\"; identity = \"%s\"; version = \"%s\";",
	    nsid, identity, version);
	srv_init(&f->full, text);
	free(text);
	srv_init(&f->plain, "");
	srv_init(&f->idonly, "identity = \"only-id\";");
	for (i = 0; i < 128; i++)
		memcpy(hex + 2 * i, "78", 2);	/* 'x' */
	hex[2 * 128] = '\0';
	text = tu_printf("nsid = \"0x%s\";", hex);
	srv_init(&f->longest, text);
	free(text);
	f->rng = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	srv_free(&f->full);
	srv_free(&f->plain);
	srv_free(&f->idonly);
	srv_free(&f->longest);
	free(f);
	return 0;
}

/* A query; EDNS with payload udp when udp > 0, holding the options. */
static size_t
query(uint8_t *q, const char *name, uint16_t qclass, uint16_t qtype, int udp,
    const uint8_t *opt, size_t olen)
{
	size_t	 n = tu_query(q, ID, WIRE_RD, name, qtype, qclass);

	if (udp > 0) {
		n += tu_opt(q + n, udp, 0, 0, 0, opt, olen);
		tu_count_add(q, 10, 1);
	}
	return n;
}

/* Answer an exact-size copy of q from s; parse the response. */
static struct resp
ask(struct fixture *f, const struct srv *s, const uint8_t *q, size_t n,
    bool tcp)
{
	struct answer_env	 env;
	struct resp		 r;
	size_t			 outmax;
	uint8_t			*in = tu_dup(q, n);

	outmax = tcp ? ANSWER_TCP_MAX : ANSWER_UDP_MAX;
	memset(&env, 0, sizeof(env));
	env.db = s->db;
	env.edns_payload = 1232;
	env.tcp = tcp;
	env.health = s->health;
	env.rng = &f->rng;
	r.wire = malloc(outmax);
	assert_non_null(r.wire);
	r.len = answer_query(&env, in, n, r.wire, outmax);
	free(in);
	assert_true(r.len >= WIRE_HDR_LEN);
	r.p = tu_wire2pkt(r.wire, r.len);
	assert_int_equal(ldns_pkt_id(r.p), ID);
	assert_true(ldns_pkt_qr(r.p));
	return r;
}

static void
resp_free(struct resp *r)
{
	ldns_pkt_free(r->p);
	free(r->wire);
}

/* The OPT's RDATA of r (its options) is exactly want[0..n). */
static void
assert_options(const struct resp *r, const uint8_t *want, size_t n)
{
	ldns_rdf	*d;

	assert_true(ldns_pkt_edns(r->p));
	d = ldns_pkt_edns_data(r->p);
	if (n == 0) {
		assert_true(d == NULL || ldns_rdf_size(d) == 0);
		return;
	}
	assert_non_null(d);
	assert_int_equal(ldns_rdf_size(d), n);
	assert_memory_equal(ldns_rdf_data(d), want, n);
}

/* The NSID option carrying text, alone in the OPT. */
static void
assert_nsid(const struct resp *r, const void *data, size_t len)
{
	uint8_t	 want[4 + 128];

	want[0] = 0;
	want[1] = WIRE_EDNS_NSID;
	want[2] = len >> 8;
	want[3] = len & 0xff;
	memcpy(want + 4, data, len);
	assert_options(r, want, 4 + len);
}

/* The question as asked, the header bits and the counts. */
static void
assert_head(const struct resp *r, const uint8_t *q, size_t qend,
    ldns_pkt_rcode rcode, bool aa, unsigned an)
{
	assert_int_equal(ldns_pkt_get_rcode(r->p), rcode);
	assert_int_equal(ldns_pkt_aa(r->p), aa);
	assert_false(ldns_pkt_tc(r->p));
	assert_false(ldns_pkt_ra(r->p));
	assert_true(ldns_pkt_rd(r->p));
	assert_int_equal(ldns_pkt_qdcount(r->p), 1);
	assert_int_equal(ldns_pkt_ancount(r->p), an);
	assert_int_equal(ldns_pkt_nscount(r->p), 0);
	assert_memory_equal(r->wire + WIRE_HDR_LEN, q + WIRE_HDR_LEN,
	    qend - WIRE_HDR_LEN);
}

/* The one answer: TXT in class CH, TTL 0, text as one string. */
static void
assert_chaos_txt(const struct resp *r, const char *owner, const char *text)
{
	ldns_rr		*rr;
	ldns_rdf	*d, *o;

	assert_int_equal(ldns_pkt_ancount(r->p), 1);
	rr = ldns_rr_list_rr(ldns_pkt_answer(r->p), 0);
	o = ldns_dname_new_frm_str(owner);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(rr), o), 0);
	ldns_rdf_deep_free(o);
	assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_TXT);
	assert_int_equal(ldns_rr_get_class(rr), LDNS_RR_CLASS_CH);
	assert_int_equal(ldns_rr_ttl(rr), 0);
	assert_int_equal(ldns_rr_rd_count(rr), 1);
	d = ldns_rr_rdf(rr, 0);
	assert_int_equal(ldns_rdf_size(d), 1 + strlen(text));
	assert_int_equal(ldns_rdf_data(d)[0], strlen(text));
	assert_memory_equal(ldns_rdf_data(d) + 1, text, strlen(text));
}

static const struct {
	const char	*name;
	bool		 version;
} chaos_names[] = {
	{ "id.server.", false },
	{ "hostname.bind.", false },
	{ "version.server.", true },
	{ "version.bind.", true },
};

static void
chaos_txt_answers_the_four_names(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 i, n;
	struct resp	 r;
	const char	*text;

	for (i = 0; i < NITEMS(chaos_names); i++) {
		text = chaos_names[i].version ? version : identity;
		n = query(q, chaos_names[i].name, WIRE_CLASS_CH, WIRE_TYPE_TXT,
		    0, NULL, 0);
		r = ask(f, &f->full, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_NOERROR, true, 1);
		assert_int_equal(wire_get16(r.wire + WIRE_OFF_ARCOUNT), 0);
		assert_chaos_txt(&r, chaos_names[i].name, text);
		/* Owned by a pointer to the question; nothing else. */
		assert_int_equal(r.wire[n], 0xc0);
		assert_int_equal(r.wire[n + 1], WIRE_HDR_LEN);
		assert_int_equal(r.len, n + WIRE_RR_FIXED + 1 + strlen(text));
		resp_free(&r);
	}
}

/* Names match in any case and are echoed as asked. */
static void
chaos_names_in_any_case(void **state)
{
	static const char *const names[] = { "ID.SERVER.", "HostName.Bind.",
	    "VERSION.server.", "Version.BIND." };
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 i, n;
	struct resp	 r;
	char		*owner;

	for (i = 0; i < NITEMS(names); i++) {
		n = query(q, names[i], WIRE_CLASS_CH, WIRE_TYPE_TXT, 0, NULL,
		    0);
		r = ask(f, &f->full, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_NOERROR, true, 1);
		assert_chaos_txt(&r, names[i], i < 2 ? identity : version);
		owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(
		    ldns_pkt_answer(r.p), 0)));
		assert_string_equal(owner, names[i]);
		free(owner);
		resp_free(&r);
	}
}

/* ANY gets the TXT (NSD); every other type is refused (Knot, NSD). */
static void
chaos_other_types(void **state)
{
	static const uint16_t	 refused[] = { WIRE_TYPE_A, WIRE_TYPE_AAAA,
				    WIRE_TYPE_NS, WIRE_TYPE_SOA,
				    WIRE_TYPE_CNAME, WIRE_TYPE_AXFR,
				    WIRE_TYPE_IXFR, 99 };
	struct fixture		*f = *state;
	uint8_t			 q[512];
	size_t			 i, k, n;
	struct resp		 r;

	for (k = 0; k < NITEMS(chaos_names); k++) {
		n = query(q, chaos_names[k].name, WIRE_CLASS_CH, WIRE_TYPE_ANY,
		    0, NULL, 0);
		r = ask(f, &f->full, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_NOERROR, true, 1);
		assert_chaos_txt(&r, chaos_names[k].name,
		    chaos_names[k].version ? version : identity);
		resp_free(&r);
		for (i = 0; i < NITEMS(refused); i++) {
			n = query(q, chaos_names[k].name, WIRE_CLASS_CH,
			    refused[i], 0, NULL, 0);
			r = ask(f, &f->full, q, n, false);
			assert_head(&r, q, n, LDNS_RCODE_REFUSED, false, 0);
			resp_free(&r);
		}
	}
}

/* Off unless configured, each of the two on its own. */
static void
chaos_refused_when_not_configured(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 i, n;
	struct resp	 r;

	for (i = 0; i < NITEMS(chaos_names); i++) {
		n = query(q, chaos_names[i].name, WIRE_CLASS_CH, WIRE_TYPE_TXT,
		    0, NULL, 0);
		r = ask(f, &f->plain, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_REFUSED, false, 0);
		assert_int_equal(r.len, n);
		resp_free(&r);
		r = ask(f, &f->idonly, q, n, false);
		if (chaos_names[i].version)
			assert_head(&r, q, n, LDNS_RCODE_REFUSED, false, 0);
		else {
			assert_head(&r, q, n, LDNS_RCODE_NOERROR, true, 1);
			assert_chaos_txt(&r, chaos_names[i].name, "only-id");
		}
		resp_free(&r);
	}
}

/* Only the four names, only in class CH. */
static void
other_chaos_names_refused(void **state)
{
	static const char *const names[] = { "authors.bind.", "bind.",
	    "server.", ".", "id.servers.", "xid.server.", "id.server.example.",
	    "hostname.bind.lb.example.", "www.lb.example.", "lb.example." };
	static const uint16_t	 classes[] = { WIRE_CLASS_IN, 4, 255 };
	struct fixture		*f = *state;
	uint8_t			 q[512];
	size_t			 i, n;
	struct resp		 r;

	for (i = 0; i < NITEMS(names); i++) {
		n = query(q, names[i], WIRE_CLASS_CH, WIRE_TYPE_TXT, 0, NULL,
		    0);
		r = ask(f, &f->full, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_REFUSED, false, 0);
		resp_free(&r);
	}
	/* IN (not a zone of ours), HS and ANY. */
	for (i = 0; i < NITEMS(classes); i++) {
		n = query(q, "id.server.", classes[i], WIRE_TYPE_TXT, 0, NULL,
		    0);
		r = ask(f, &f->full, q, n, false);
		assert_head(&r, q, n, LDNS_RCODE_REFUSED, false, 0);
		resp_free(&r);
	}
}

/* EDNS on: our OPT, with the NSID when asked; off: no OPT. */
static void
chaos_with_and_without_edns(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512], x128[128];
	size_t		 n, qend, t;
	struct resp	 r;

	memset(x128, 'x', sizeof(x128));
	for (t = 0; t < 2; t++) {
		n = query(q, "id.server.", WIRE_CLASS_CH, WIRE_TYPE_TXT, 0,
		    NULL, 0);
		r = ask(f, &f->full, q, n, t);
		assert_false(ldns_pkt_edns(r.p));
		assert_int_equal(wire_get16(r.wire + WIRE_OFF_ARCOUNT), 0);
		resp_free(&r);

		qend = tu_query(q, ID, 0, "id.server.", WIRE_TYPE_TXT,
		    WIRE_CLASS_CH);
		n = query(q, "id.server.", WIRE_CLASS_CH, WIRE_TYPE_TXT, 4096,
		    NULL, 0);
		r = ask(f, &f->full, q, n, t);
		assert_head(&r, q, qend, LDNS_RCODE_NOERROR, true, 1);
		assert_chaos_txt(&r, "id.server.", identity);
		assert_int_equal(ldns_pkt_edns_udp_size(r.p), 1232);
		assert_int_equal(wire_get16(r.wire + WIRE_OFF_ARCOUNT), 1);
		assert_options(&r, NULL, 0);
		resp_free(&r);

		n = query(q, "version.bind.", WIRE_CLASS_CH, WIRE_TYPE_TXT,
		    1232, nsid_req, sizeof(nsid_req));
		r = ask(f, &f->full, q, n, t);
		assert_chaos_txt(&r, "version.bind.", version);
		assert_nsid(&r, nsid, strlen(nsid));
		resp_free(&r);

		/* Refused, and still says who refused. */
		n = query(q, "version.bind.", WIRE_CLASS_CH, WIRE_TYPE_TXT,
		    1232, nsid_req, sizeof(nsid_req));
		r = ask(f, &f->idonly, q, n, t);
		assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED);
		assert_options(&r, NULL, 0);	/* idonly has no NSID */
		resp_free(&r);
		r = ask(f, &f->longest, q, n, t);
		assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED);
		assert_nsid(&r, x128, sizeof(x128));
		resp_free(&r);
	}
}

static void
nsid_only_to_queries_that_asked(void **state)
{
	static const char *const an[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n, t;
	struct resp	 r;

	for (t = 0; t < 2; t++) {
		n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A,
		    1232, nsid_req, sizeof(nsid_req));
		r = ask(f, &f->full, q, n, t);
		assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
		assert_rrs(ldns_pkt_answer(r.p), an);
		assert_nsid(&r, nsid, strlen(nsid));
		resp_free(&r);

		n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A,
		    1232, NULL, 0);
		r = ask(f, &f->full, q, n, t);
		assert_rrs(ldns_pkt_answer(r.p), an);
		assert_options(&r, NULL, 0);
		resp_free(&r);

		n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 0,
		    NULL, 0);
		r = ask(f, &f->full, q, n, t);
		assert_rrs(ldns_pkt_answer(r.p), an);
		assert_false(ldns_pkt_edns(r.p));
		resp_free(&r);
	}
}

/* Not configured: the request is ignored, byte for byte. */
static void
nsid_not_configured_ignores_the_request(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 with, without;

	n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 1232,
	    nsid_req, sizeof(nsid_req));
	with = ask(f, &f->plain, q, n, false);
	n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 1232,
	    NULL, 0);
	without = ask(f, &f->plain, q, n, false);
	assert_int_equal(with.len, without.len);
	assert_memory_equal(with.wire, without.wire, with.len);
	assert_options(&with, NULL, 0);
	resp_free(&with);
	resp_free(&without);
}

/* Every answer with our OPT says who sent it; FORMERR and BADVERS not. */
static void
nsid_on_every_rcode(void **state)
{
	static const struct {
		const char	*name;
		uint16_t	 qtype;
		ldns_pkt_rcode	 rcode;
	} cases[] = {
		{ "nothere.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NXDOMAIN },
		{ "www.lb.example.", WIRE_TYPE_MX, LDNS_RCODE_NOERROR },
		{ "x.sub.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR },
		{ "www.example.com.", WIRE_TYPE_A, LDNS_RCODE_REFUSED },
		{ "lb.example.", WIRE_TYPE_AXFR, LDNS_RCODE_REFUSED },
	};
	static const uint8_t	 bad_ecs[] = { 0, 3, 0, 0, 0, 8, 0, 7, 0, 1,
				    23, 0, 192, 0, 3 };
	static const uint8_t	 loaded[] = { 0, 3, 0, 2, 'h', 'i' };
	struct fixture		*f = *state;
	uint8_t			 q[512];
	size_t			 i, n;
	struct resp		 r;

	for (i = 0; i < NITEMS(cases); i++) {
		n = query(q, cases[i].name, WIRE_CLASS_IN, cases[i].qtype, 1232,
		    nsid_req, sizeof(nsid_req));
		r = ask(f, &f->full, q, n, false);
		assert_int_equal(ldns_pkt_get_rcode(r.p), cases[i].rcode);
		assert_nsid(&r, nsid, strlen(nsid));
		resp_free(&r);
	}
	/* FORMERR: a bit past the ECS prefix; no option is echoed. */
	n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 1232,
	    bad_ecs, sizeof(bad_ecs));
	r = ask(f, &f->full, q, n, false);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_FORMERR);
	assert_options(&r, NULL, 0);
	resp_free(&r);
	/* BADVERS: the options of another version are not read. */
	n = tu_query(q, ID, WIRE_RD, "www.lb.example.", WIRE_TYPE_A,
	    WIRE_CLASS_IN);
	n += tu_opt(q + n, 1232, 0, 1, 0, nsid_req, sizeof(nsid_req));
	tu_count_add(q, 10, 1);
	r = ask(f, &f->full, q, n, false);
	assert_int_equal(ldns_pkt_edns_extended_rcode(r.p), 1);
	assert_options(&r, NULL, 0);
	resp_free(&r);
	/* A payload in the request is ignored (RFC 5001 2.2). */
	n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 1232,
	    loaded, sizeof(loaded));
	r = ask(f, &f->full, q, n, false);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
	assert_nsid(&r, nsid, strlen(nsid));
	resp_free(&r);
}

/* ECS echoed with scope 0, then the NSID, whichever came first. */
static void
nsid_beside_ecs(void **state)
{
	static const uint8_t	 a4[] = { 192, 0, 2 };
	struct fixture		*f = *state;
	uint8_t			 q[512], opt[64], want[64];
	size_t			 n, olen, wlen, order;
	struct resp		 r;

	wlen = tu_ecs(want, 1, 24, 0, a4, 3);
	memcpy(want + wlen, "\0\3\0\7", 4);
	memcpy(want + wlen + 4, nsid, 7);
	wlen += 4 + 7;
	for (order = 0; order < 2; order++) {
		olen = 0;
		if (order == 0) {
			memcpy(opt, nsid_req, 4);
			olen = 4;
		}
		olen += tu_ecs(opt + olen, 1, 24, 0, a4, 3);
		if (order == 1) {
			memcpy(opt + olen, nsid_req, 4);
			olen += 4;
		}
		n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A,
		    1232, opt, olen);
		r = ask(f, &f->full, q, n, false);
		assert_int_equal(ldns_pkt_ancount(r.p), 2);
		assert_options(&r, want, wlen);
		resp_free(&r);
	}
}

static void
nsid_hex_is_sent_as_bytes(void **state)
{
	static const uint8_t	 bytes[] = { 0x00, 0xff, 0x00, 0x7a };
	struct fixture		*f = *state;
	struct srv		 s;
	uint8_t			 q[512];
	size_t			 n;
	struct resp		 r;

	srv_init(&s, "nsid = \"0x00Ff007a\";");
	n = query(q, "www.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_A, 1232,
	    nsid_req, sizeof(nsid_req));
	r = ask(f, &s, q, n, false);
	assert_nsid(&r, bytes, sizeof(bytes));
	resp_free(&r);
	srv_free(&s);
}

/*
 * Room for the NSID is kept before the records, as Knot reserves its OPT:
 * an answer that fits exactly without the option is truncated with it
 * (TC, the required RRset left out), and fits again with 132 bytes more.
 */
static void
nsid_room_kept_before_records(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n, len;
	struct resp	 r;

	n = query(q, "big.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_TXT, 1232,
	    NULL, 0);
	r = ask(f, &f->longest, q, n, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), TU_BIG_N);
	len = r.len;
	resp_free(&r);
	assert_true(len >= 512 && len + 4 + 128 <= 1232);

	n = query(q, "big.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_TXT, len,
	    NULL, 0);
	r = ask(f, &f->longest, q, n, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(r.len, len);
	resp_free(&r);

	n = query(q, "big.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_TXT, len,
	    nsid_req, sizeof(nsid_req));
	r = ask(f, &f->longest, q, n, false);
	assert_true(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_true(r.len <= len);
	assert_int_equal(ldns_pkt_edns_data(r.p) != NULL ?
	    ldns_rdf_size(ldns_pkt_edns_data(r.p)) : 0, 4 + 128);
	resp_free(&r);

	n = query(q, "big.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_TXT,
	    len + 4 + 128, nsid_req, sizeof(nsid_req));
	r = ask(f, &f->longest, q, n, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), TU_BIG_N);
	assert_int_equal(r.len, len + 4 + 128);
	resp_free(&r);

	/* TCP: everything. */
	n = query(q, "huge.lb.example.", WIRE_CLASS_IN, WIRE_TYPE_TXT, 512,
	    nsid_req, sizeof(nsid_req));
	r = ask(f, &f->longest, q, n, true);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), TU_HUGE_N);
	assert_int_equal(ldns_rdf_size(ldns_pkt_edns_data(r.p)), 4 + 128);
	resp_free(&r);
}

/* The longest question with ECS and the longest NSID fits in 512. */
static void
nsid_fits_beside_the_longest_question(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[600], opt[64], addr[16];
	char		 name[300];
	size_t		 n, olen, i;
	struct resp	 r;

	/* 3 x 63 + 50 + lb.example.: 255 bytes in wire form. */
	for (i = 0, n = 0; i < 4; i++) {
		memset(name + n, 'a' + i, i < 3 ? 63 : 50);
		n += i < 3 ? 63 : 50;
		name[n++] = '.';
	}
	strcpy(name + n, "lb.example.");
	memset(addr, 0x20, sizeof(addr));
	olen = tu_ecs(opt, 2, 128, 0, addr, 16);
	memcpy(opt + olen, nsid_req, 4);
	olen += 4;
	n = query(q, name, WIRE_CLASS_IN, WIRE_TYPE_A, 512, opt, olen);
	assert_int_equal(n - 11 - olen, WIRE_HDR_LEN + 255 + 4);
	r = ask(f, &f->longest, q, n, false);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
	assert_true(r.len <= 512);
	assert_int_equal(ldns_rdf_size(ldns_pkt_edns_data(r.p)),
	    4 + 4 + 16 + 4 + 128);
	resp_free(&r);
}

/* A database built from a changed configuration says the new things. */
static void
a_new_database_says_the_new_identity(void **state)
{
	struct fixture	*f = *state;
	struct srv	 s;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	srv_init(&s, "nsid = \"ns2\"; identity = \"ns2.example\";");
	n = query(q, "id.server.", WIRE_CLASS_CH, WIRE_TYPE_TXT, 1232,
	    nsid_req, sizeof(nsid_req));
	r = ask(f, &f->full, q, n, false);
	assert_chaos_txt(&r, "id.server.", identity);
	assert_nsid(&r, nsid, strlen(nsid));
	resp_free(&r);
	r = ask(f, &s, q, n, false);
	assert_chaos_txt(&r, "id.server.", "ns2.example");
	assert_nsid(&r, "ns2", 3);
	resp_free(&r);
	srv_free(&s);
}

/* The lookup itself: the four names, TXT and ANY, nothing else. */
static void
ident_lookup(void **state)
{
	struct fixture			*f = *state;
	const struct zone_answer	*a;
	uint8_t				 name[WIRE_MAX_NAME];
	size_t				 i, n;

	for (i = 0; i < NITEMS(chaos_names); i++) {
		n = tu_name(name, chaos_names[i].name);
		a = zone_ident_chaos(&f->full.db->ident, name, n,
		    WIRE_TYPE_TXT);
		assert_non_null(a);
		assert_true(a->aa);
		assert_int_equal(a->rcode, WIRE_RCODE_NOERROR);
		assert_int_equal(a->nsets, 1);
		assert_int_equal(a->ref_len, n);
		assert_ptr_equal(zone_ident_chaos(&f->full.db->ident, name, n,
		    WIRE_TYPE_ANY), a);
		assert_null(zone_ident_chaos(&f->full.db->ident, name, n,
		    WIRE_TYPE_A));
		assert_null(zone_ident_chaos(&f->plain.db->ident, name, n,
		    WIRE_TYPE_TXT));
		/* One byte short: not the name. */
		assert_null(zone_ident_chaos(&f->full.db->ident, name, n - 1,
		    WIRE_TYPE_TXT));
	}
	assert_int_equal(f->full.db->ident.nsid_len, strlen(nsid));
	assert_memory_equal(f->full.db->ident.nsid, nsid, strlen(nsid));
	assert_null(f->plain.db->ident.nsid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chaos_txt_answers_the_four_names),
		cmocka_unit_test(chaos_names_in_any_case),
		cmocka_unit_test(chaos_other_types),
		cmocka_unit_test(chaos_refused_when_not_configured),
		cmocka_unit_test(other_chaos_names_refused),
		cmocka_unit_test(chaos_with_and_without_edns),
		cmocka_unit_test(nsid_only_to_queries_that_asked),
		cmocka_unit_test(nsid_not_configured_ignores_the_request),
		cmocka_unit_test(nsid_on_every_rcode),
		cmocka_unit_test(nsid_beside_ecs),
		cmocka_unit_test(nsid_hex_is_sent_as_bytes),
		cmocka_unit_test(nsid_room_kept_before_records),
		cmocka_unit_test(nsid_fits_beside_the_longest_question),
		cmocka_unit_test(a_new_database_says_the_new_identity),
		cmocka_unit_test(ident_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
