/* test_answer.c -- answer_query(): the whole query path, checked with ldns */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "health.h"
#include "testutil.h"
#include "wire.h"
#include "zone.h"

#define ID	0x5eed
#define OUTMAX	65535
#define NGARBAGE 256

struct fixture {
	struct conf		*conf;
	struct zone_db		*db;
	struct health		*health;
	struct answer_stats	 stats;
	uint64_t		 rng;
	struct answer_env	 env;
	/* Freed after each test, passed or failed. */
	ldns_pkt		*pkts[NGARBAGE];
	size_t			 npkts;
	void			*bufs[NGARBAGE];
	size_t			 nbufs;
	struct conf		*confs[8];
	struct zone_db		*dbs[8];
	struct health		*healths[8];
	size_t			 nextra;
};

/* A response: the bytes and what ldns made of them. */
struct resp {
	const uint8_t	*wire;
	size_t		 len;
	size_t		 qend;		/* of the query */
	ldns_pkt	*p;
};

static const char *const soa60[] = {
	"lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. "
	    "2026112501 3600 900 604800 60",
};

static void
env_init(struct fixture *f, struct answer_env *env, const struct zone_db *db,
    struct health *h)
{
	memset(env, 0, sizeof(*env));
	env->db = db;
	env->edns_payload = 1232;
	env->tcp = false;
	env->stats = &f->stats;
	env->health = h;
	env->client = NULL;
	env->rng = &f->rng;
}

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
	f->health = health_new(f->db->ntargets);
	f->rng = 0x9e3779b97f4a7c15ULL;
	env_init(f, &f->env, f->db, f->health);
	*state = f;
	return 0;
}

static int
collect(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < f->npkts; i++)
		ldns_pkt_free(f->pkts[i]);
	for (i = 0; i < f->nbufs; i++)
		free(f->bufs[i]);
	for (i = 0; i < f->nextra; i++) {
		zone_db_free(f->dbs[i]);
		conf_free(f->confs[i]);
		health_free(f->healths[i]);
	}
	f->npkts = f->nbufs = f->nextra = 0;
	env_init(f, &f->env, f->db, f->health);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	collect(state);
	health_free(f->health);
	zone_db_free(f->db);
	conf_free(f->conf);
	free(f);
	return 0;
}

static ldns_pkt *
keep_pkt(struct fixture *f, ldns_pkt *p)
{
	assert_true(f->npkts < NGARBAGE);
	f->pkts[f->npkts++] = p;
	return p;
}

static void *
keep_buf(struct fixture *f, void *b)
{
	assert_true(f->nbufs < NGARBAGE);
	f->bufs[f->nbufs++] = b;
	return b;
}

/* An env over a database built from zone texts; freed after the test. */
static void
extra_env(struct fixture *f, const char *const *zones, size_t n,
    struct answer_env *env)
{
	assert_true(f->nextra < 8);
	f->confs[f->nextra] = tu_load_zones(zones, n);
	f->dbs[f->nextra] = zone_db_new(f->confs[f->nextra]);
	f->healths[f->nextra] = health_new(f->dbs[f->nextra]->ntargets);
	env_init(f, env, f->dbs[f->nextra], f->healths[f->nextra]);
	f->nextra++;
}

/*
 * Run answer_query() on an exact-size copy of the query into an
 * exact-size output buffer; parse the response unless there is none.
 */
static struct resp
run_env(struct fixture *f, const struct answer_env *env, const uint8_t *q,
    size_t qlen, size_t outmax)
{
	struct resp	 r;
	uint8_t		*in, *out;

	in = keep_buf(f, tu_dup(q, qlen));
	out = keep_buf(f, malloc(outmax));
	assert_non_null(out);
	memset(&r, 0, sizeof(r));
	r.len = answer_query(env, in, qlen, out, outmax);
	assert_true(r.len <= outmax);
	r.wire = out;
	r.qend = qlen;
	if (r.len > 0) {
		r.p = keep_pkt(f, tu_wire2pkt(out, r.len));
		assert_int_equal(ldns_pkt_id(r.p), wire_get16(q));
		assert_true(ldns_pkt_qr(r.p));
		assert_false(ldns_pkt_ra(r.p));
	}
	return r;
}

static struct resp
run(struct fixture *f, const uint8_t *q, size_t qlen)
{
	return run_env(f, &f->env, q, qlen, OUTMAX);
}

/* A query with RD for name/qtype, optionally with EDNS. */
static size_t
mkquery(uint8_t *buf, const char *name, uint16_t qtype, int udp, bool do_bit)
{
	size_t	 n = tu_query(buf, ID, WIRE_RD, name, qtype, WIRE_CLASS_IN);

	if (udp > 0) {
		n += tu_opt(buf + n, udp, 0, 0, do_bit ? 0x8000 : 0, NULL, 0);
		tu_count_add(buf, 10, 1);
	}
	return n;
}

static struct resp
ask(struct fixture *f, const char *name, uint16_t qtype)
{
	uint8_t	 q[512];
	size_t	 n = mkquery(q, name, qtype, 0, false);

	return run(f, q, n);
}

static struct resp
ask_edns(struct fixture *f, const char *name, uint16_t qtype, int udp,
    bool do_bit)
{
	uint8_t	 q[512];
	size_t	 n = mkquery(q, name, qtype, udp, do_bit);

	return run(f, q, n);
}

/* Header and question of a response to a query mkquery() made. */
static void
assert_head(const struct resp *r, const uint8_t *q, ldns_pkt_rcode rcode,
    bool aa, bool tc)
{
	assert_true(r->len >= WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_get_rcode(r->p), rcode);
	assert_int_equal(ldns_pkt_aa(r->p), aa);
	assert_int_equal(ldns_pkt_tc(r->p), tc);
	assert_int_equal(ldns_pkt_rd(r->p), (q[2] & 0x01) != 0);
	assert_int_equal(ldns_pkt_cd(r->p), (q[3] & 0x10) != 0);
	assert_int_equal(ldns_pkt_get_opcode(r->p), LDNS_PACKET_QUERY);
	assert_int_equal(ldns_pkt_qdcount(r->p), 1);
}

/* The question bytes of the response are those of the query. */
static void
assert_question_echo(const struct resp *r, const uint8_t *q, size_t qend)
{
	assert_true(r->len >= qend);
	assert_memory_equal(r->wire + WIRE_HDR_LEN, q + WIRE_HDR_LEN,
	    qend - WIRE_HDR_LEN);
}

/* An empty section for EXPECT. */
static const char *const none[] = { NULL };
#define NRR(a)	((const char *const *)(a) == none ? 0 : NITEMS(a))

/* One query's expected outcome: header bits and the three sections. */
#define EXPECT(f, name, qtype, rc, aa, an, ns, ar) do {			\
	uint8_t		 q_[512];					\
	size_t		 n_ = mkquery(q_, (name), (qtype), 0, false);	\
	struct resp	 r_ = run((f), q_, n_);				\
									\
	assert_head(&r_, q_, (rc), (aa), false);			\
	assert_question_echo(&r_, q_, n_ - 0);				\
	tu_assert_rrs(ldns_pkt_answer(r_.p), (an), NRR(an),		\
	    __FILE__, __LINE__);					\
	tu_assert_rrs(ldns_pkt_authority(r_.p), (ns), NRR(ns),	\
	    __FILE__, __LINE__);					\
	tu_assert_rrs(ldns_pkt_additional(r_.p), (ar), NRR(ar),	\
	    __FILE__, __LINE__);					\
	assert_false(ldns_pkt_edns(r_.p));				\
} while (0)


static void
a_record(void **state)
{
	static const char *const an[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};

	EXPECT(*state, "www.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    true, an, none, none);
}

static void
aaaa_record(void **state)
{
	static const char *const an[] = {
		"www.lb.example. 30 IN AAAA 2001:db8::10",
	};

	EXPECT(*state, "www.lb.example.", WIRE_TYPE_AAAA, LDNS_RCODE_NOERROR,
	    true, an, none, none);
}

static void
mx_record_with_address(void **state)
{
	static const char *const an[] = {
		"lb.example. 300 IN MX 10 mail.lb.example.",
		"lb.example. 300 IN MX 20 mail.example.net.",
	};
	static const char *const ar[] = {
		"mail.lb.example. 300 IN A 192.0.2.25",
	};

	EXPECT(*state, "lb.example.", WIRE_TYPE_MX, LDNS_RCODE_NOERROR, true,
	    an, none, ar);
}

static void
txt_record(void **state)
{
	static const char *const an[] = {
		"lb.example. 300 IN TXT \"v=spf1 -all\"",
	};

	EXPECT(*state, "lb.example.", WIRE_TYPE_TXT, LDNS_RCODE_NOERROR, true,
	    an, none, none);
}

static void
caa_record(void **state)
{
	static const char *const an[] = {
		"lb.example. 300 IN CAA 0 issue \"letsencrypt.org\"",
	};

	EXPECT(*state, "lb.example.", 257, LDNS_RCODE_NOERROR, true, an, none,
	    none);
}

static void
srv_record_with_addresses(void **state)
{
	static const char *const an[] = {
		"_sip._udp.lb.example. 300 IN SRV 10 60 5060 sip.lb.example.",
	};
	static const char *const ar[] = {
		"sip.lb.example. 300 IN A 192.0.2.40",
		"sip.lb.example. 300 IN AAAA 2001:db8::40",
	};

	EXPECT(*state, "_sip._udp.lb.example.", WIRE_TYPE_SRV,
	    LDNS_RCODE_NOERROR, true, an, none, ar);
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

	EXPECT(*state, "lb.example.", WIRE_TYPE_NS, LDNS_RCODE_NOERROR, true,
	    an, none, ar);
}

static void
soa_record(void **state)
{
	static const char *const an[] = {
		"lb.example. 300 IN SOA ns1.lb.example. hostmaster.lb.example. "
		    "2026112501 3600 900 604800 60",
	};

	EXPECT(*state, "lb.example.", WIRE_TYPE_SOA, LDNS_RCODE_NOERROR, true,
	    an, none, none);
}

static void
nxdomain_with_soa(void **state)
{
	EXPECT(*state, "nothere.lb.example.", WIRE_TYPE_A,
	    LDNS_RCODE_NXDOMAIN, true, none, soa60, none);
	/* Below a name with data, below an empty non-terminal. */
	EXPECT(*state, "x.www.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NXDOMAIN,
	    true, none, soa60, none);
	EXPECT(*state, "a.b.svc.lb.example.", WIRE_TYPE_TXT,
	    LDNS_RCODE_NXDOMAIN, true, none, soa60, none);
}

/* RFC 2308: the SOA's TTL is min(TTL, minimum), here the TTL. */
static void
nxdomain_soa_ttl_is_the_lower(void **state)
{
	static const char *const soa[] = {
		"other.test. 3600 IN SOA ns.other.test. admin.other.test. "
		    "1 3600 900 604800 7200",
	};

	EXPECT(*state, "nothere.other.test.", WIRE_TYPE_A,
	    LDNS_RCODE_NXDOMAIN, true, none, soa, none);
}

static void
nodata_with_soa(void **state)
{
	EXPECT(*state, "www.lb.example.", WIRE_TYPE_MX, LDNS_RCODE_NOERROR,
	    true, none, soa60, none);
	EXPECT(*state, "www.lb.example.", WIRE_TYPE_CNAME, LDNS_RCODE_NOERROR,
	    true, none, soa60, none);
	EXPECT(*state, "lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR, true,
	    none, soa60, none);
}

static void
empty_non_terminal_is_nodata(void **state)
{
	EXPECT(*state, "svc.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    true, none, soa60, none);
	EXPECT(*state, "_udp.lb.example.", WIRE_TYPE_SRV, LDNS_RCODE_NOERROR,
	    true, none, soa60, none);
}

static void
cname_chain_inside_zone(void **state)
{
	static const char *const an[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	static const char *const chain[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
	};

	EXPECT(*state, "alias.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    true, an, none, none);
	/* No TXT at the end: NODATA after the chain. */
	EXPECT(*state, "alias.lb.example.", WIRE_TYPE_TXT, LDNS_RCODE_NOERROR,
	    true, chain, soa60, none);
}

static void
cname_target_missing_is_nxdomain(void **state)
{
	static const char *const an[] = {
		"dangling.lb.example. 300 IN CNAME nothere.lb.example.",
	};

	EXPECT(*state, "dangling.lb.example.", WIRE_TYPE_A,
	    LDNS_RCODE_NXDOMAIN, true, an, soa60, none);
}

static void
cname_target_outside(void **state)
{
	static const char *const an[] = {
		"ext.lb.example. 300 IN CNAME www.example.net.",
	};

	EXPECT(*state, "ext.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    true, an, none, none);
}

static void
qtype_cname_gets_the_cname(void **state)
{
	static const char *const an[] = {
		"docs.lb.example. 300 IN CNAME www.lb.example.",
	};

	EXPECT(*state, "docs.lb.example.", WIRE_TYPE_CNAME,
	    LDNS_RCODE_NOERROR, true, an, none, none);
}

static const char *const sub_ns[] = {
	"sub.lb.example. 300 IN NS ns1.sub.lb.example.",
	"sub.lb.example. 300 IN NS ns.example.net.",
};
static const char *const sub_glue[] = {
	"ns1.sub.lb.example. 300 IN A 192.0.2.53",
	"ns1.sub.lb.example. 300 IN AAAA 2001:db8::53",
};

static void
referral_at_cut(void **state)
{
	EXPECT(*state, "sub.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    false, none, sub_ns, sub_glue);
	EXPECT(*state, "sub.lb.example.", WIRE_TYPE_NS, LDNS_RCODE_NOERROR,
	    false, none, sub_ns, sub_glue);
}

static void
referral_below_cut(void **state)
{
	EXPECT(*state, "a.b.sub.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    false, none, sub_ns, sub_glue);
	EXPECT(*state, "x.sub.lb.example.", WIRE_TYPE_DS, LDNS_RCODE_NOERROR,
	    false, none, sub_ns, sub_glue);
}

static void
referral_for_glue_name(void **state)
{
	EXPECT(*state, "ns1.sub.lb.example.", WIRE_TYPE_A, LDNS_RCODE_NOERROR,
	    false, none, sub_ns, sub_glue);
}

/* RFC 4035 3.1.4.1: the parent answers DS; none here, so NODATA. */
static void
ds_at_cut_is_nodata(void **state)
{
	EXPECT(*state, "sub.lb.example.", WIRE_TYPE_DS, LDNS_RCODE_NOERROR,
	    true, none, soa60, none);
}

/* With DS records at the cut, they are the answer. */
static void
ds_at_cut_answers_the_ds(void **state)
{
	static const char *const zone[] = {
		"origin = \"t.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns.example.net.\" ];\n"
		"records = [ \"sub NS ns.example.net.\", \"sub 600 DS 12345 8 "
		"2 0123456789abcdef0123456789abcdef0123456789abcdef01234567"
		"89abcdef\" ];\n",
	};
	static const char *const an[] = {
		"sub.t.example. 600 IN DS 12345 8 2 0123456789abcdef0123456789"
		    "abcdef0123456789abcdef0123456789abcdef",
	};
	struct fixture		*f = *state;
	struct answer_env	 env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	extra_env(f, zone, 1, &env);
	n = mkquery(q, "sub.t.example.", WIRE_TYPE_DS, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_rrs(ldns_pkt_answer(r.p), an);
	assert_no_rrs(ldns_pkt_authority(r.p));
}

static void
refused_outside_zones(void **state)
{
	EXPECT(*state, "www.example.com.", WIRE_TYPE_A, LDNS_RCODE_REFUSED,
	    false, none, none, none);
	EXPECT(*state, "example.", WIRE_TYPE_A, LDNS_RCODE_REFUSED, false,
	    none, none, none);
	EXPECT(*state, ".", WIRE_TYPE_NS, LDNS_RCODE_REFUSED, false, none,
	    none, none);
	EXPECT(*state, "test.", WIRE_TYPE_SOA, LDNS_RCODE_REFUSED, false,
	    none, none, none);
}

static void
class_ch_refused(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = tu_query(q, ID, WIRE_RD, "version.bind.", WIRE_TYPE_TXT, 3);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_REFUSED, false, false);
	assert_question_echo(&r, q, n);
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	/* Even for a name of ours. */
	n = tu_query(q, ID, 0, "www.lb.example.", WIRE_TYPE_A, 3);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_REFUSED, false, false);
	n = tu_query(q, ID, 0, "www.lb.example.", WIRE_TYPE_A, 255);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_REFUSED, false, false);
}

static void
zone_transfers_refused(void **state)
{
	EXPECT(*state, "lb.example.", WIRE_TYPE_AXFR, LDNS_RCODE_REFUSED,
	    false, none, none, none);
	EXPECT(*state, "lb.example.", WIRE_TYPE_IXFR, LDNS_RCODE_REFUSED,
	    false, none, none, none);
}

static void
qtype_opt_is_formerr(void **state)
{
	EXPECT(*state, "www.lb.example.", WIRE_TYPE_OPT, LDNS_RCODE_FORMERR,
	    false, none, none, none);
}

/* RFC 8482: one RRset. */
static void
any_gets_one_rrset(void **state)
{
	static const char *const www[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	static const char *const alias[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
	};
	struct fixture		*f = *state;
	struct resp		 r;
	const ldns_rr_list	*an;
	size_t			 i;

	EXPECT(f, "www.lb.example.", WIRE_TYPE_ANY, LDNS_RCODE_NOERROR, true,
	    www, none, none);
	EXPECT(f, "alias.lb.example.", WIRE_TYPE_ANY, LDNS_RCODE_NOERROR,
	    true, alias, none, none);
	EXPECT(f, "svc.lb.example.", WIRE_TYPE_ANY, LDNS_RCODE_NOERROR, true,
	    none, soa60, none);
	r = ask(f, "lb.example.", WIRE_TYPE_ANY);
	an = ldns_pkt_answer(r.p);
	assert_true(ldns_rr_list_rr_count(an) >= 1);
	for (i = 1; i < ldns_rr_list_rr_count(an); i++)
		assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, i)),
		    ldns_rr_get_type(ldns_rr_list_rr(an, 0)));
	assert_true(ldns_pkt_aa(r.p));
}

static void
notify_is_notimp(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = tu_query(q, ID, (4 << 11) | WIRE_AA, "lb.example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	r = run(f, q, n);
	assert_int_equal(r.len, WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOTIMPL);
	assert_int_equal(ldns_pkt_get_opcode(r.p), LDNS_PACKET_NOTIFY);
	assert_int_equal(ldns_pkt_qdcount(r.p), 0);
	assert_false(ldns_pkt_aa(r.p));
	n = tu_query(q, ID, (2 << 11) | WIRE_RD, "lb.example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOTIMPL);
	assert_int_equal(ldns_pkt_get_opcode(r.p), LDNS_PACKET_STATUS);
	assert_true(ldns_pkt_rd(r.p));
	/*
	 * Opcode 15 with every flag set: ID, QR, opcode and RD come back;
	 * CD is QUERY's, the rest are never copied.
	 */
	n = tu_query(q, ID, (15 << 11) | WIRE_AA | WIRE_TC | WIRE_RD |
	    WIRE_RA | 0x0040 | 0x0020 | WIRE_CD, "lb.example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	r = run(f, q, n);
	assert_int_equal(r.len, WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_id(r.p), ID);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOTIMPL);
	assert_int_equal(ldns_pkt_get_opcode(r.p), 15);
	assert_int_equal((r.wire[2] << 8 | r.wire[3]), WIRE_QR | (15 << 11) |
	    WIRE_RD | WIRE_RCODE_NOTIMP);
}

static void
formerr_without_question(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	/* QDCOUNT 0. */
	memset(q, 0, WIRE_HDR_LEN);
	q[0] = ID >> 8;
	q[1] = ID & 0xff;
	r = run(f, q, WIRE_HDR_LEN);
	assert_int_equal(r.len, WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(r.p), 0);
	/* QDCOUNT 2: the first question is not echoed either. */
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	q[5] = 2;
	r = run(f, q, n);
	assert_int_equal(r.len, WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_FORMERR);
	/* A truncated name. */
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n - 6);
	assert_int_equal(r.len, WIRE_HDR_LEN);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(r.p), 0);
	assert_int_equal(ldns_pkt_ancount(r.p) + ldns_pkt_nscount(r.p) +
	    ldns_pkt_arcount(r.p), 0);
}

static void
formerr_with_question_echoed(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n, qend;
	struct resp	 r;

	/* Two OPT RRs: the question was read, so it is echoed. */
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 1232, true);
	qend = n - WIRE_OPT_LEN;
	n += tu_opt(q + n, 1232, 0, 0, 0, NULL, 0);
	tu_count_add(q, 10, 1);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_FORMERR, false, false);
	assert_question_echo(&r, q, qend);
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_int_equal(ldns_pkt_nscount(r.p), 0);
	/* A counted record that is not there. */
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	q[7] = 1;
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_FORMERR, false, false);
	assert_question_echo(&r, q, n);
	assert_false(ldns_pkt_edns(r.p));
}

static void
formerr_bad_ecs_has_no_ecs_echo(void **state)
{
	static const uint8_t	 addr[] = { 192, 0, 3 };
	struct fixture		*f = *state;
	uint8_t			 q[512], opt[32];
	size_t			 n, olen;
	struct resp		 r;
	ldns_rdf		*data;

	olen = tu_ecs(opt, 1, 23, 0, addr, 3);	/* a bit past /23 */
	n = tu_query(q, ID, 0, "www.lb.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(q + n, 1232, 0, 0, 0, opt, olen);
	tu_count_add(q, 10, 1);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_FORMERR, false, false);
	assert_true(ldns_pkt_edns(r.p));
	data = ldns_pkt_edns_data(r.p);
	assert_true(data == NULL || ldns_rdf_size(data) == 0);
}

static void
drop_cases_get_no_reply(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n, i;
	struct resp	 r;
	uint64_t	 dropped = f->stats.dropped;

	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	for (i = 0; i < WIRE_HDR_LEN; i++) {
		r = run(f, q, i);
		assert_int_equal(r.len, 0);
	}
	q[2] |= 0x80;
	r = run(f, q, n);
	assert_int_equal(r.len, 0);
	assert_int_equal(f->stats.dropped, dropped + WIRE_HDR_LEN + 1);
}

static void
edns_echoed_with_our_payload(void **state)
{
	static const char *const an[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 4096, true);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_question_echo(&r, q, n - WIRE_OPT_LEN);
	assert_rrs(ldns_pkt_answer(r.p), an);
	assert_true(ldns_pkt_edns(r.p));
	assert_int_equal(ldns_pkt_edns_udp_size(r.p), 1232);
	assert_true(ldns_pkt_edns_do(r.p));
	assert_int_equal(ldns_pkt_edns_version(r.p), 0);
	assert_int_equal(ldns_pkt_edns_extended_rcode(r.p), 0);
	/* The OPT RR is the last 11 bytes. */
	assert_int_equal(r.wire[10] << 8 | r.wire[11], 1);
	assert_int_equal(r.wire[r.len - 11], 0);
	assert_int_equal(r.wire[r.len - 10] << 8 | r.wire[r.len - 9], 41);

	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 512, false);
	r = run(f, q, n);
	assert_true(ldns_pkt_edns(r.p));
	assert_false(ldns_pkt_edns_do(r.p));
	assert_int_equal(ldns_pkt_edns_udp_size(r.p), 1232);
	/* EDNS on a negative answer too. */
	n = mkquery(q, "nothere.lb.example.", WIRE_TYPE_A, 1232, true);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
	assert_true(ldns_pkt_edns_do(r.p));
	assert_rrs(ldns_pkt_authority(r.p), soa60);
	n = mkquery(q, "www.example.com.", WIRE_TYPE_A, 1232, false);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED);
	assert_true(ldns_pkt_edns(r.p));
}

static void
edns_version_1_is_badvers(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n, qend;
	struct resp	 r;

	n = tu_query(q, ID, WIRE_RD, "www.lb.example.", WIRE_TYPE_A,
	    WIRE_CLASS_IN);
	qend = n;
	n += tu_opt(q + n, 4096, 0, 1, 0x8000, NULL, 0);
	tu_count_add(q, 10, 1);
	r = run(f, q, n);
	/* RCODE 16: 0 in the header, 1 in the OPT. */
	assert_int_equal(ldns_pkt_get_rcode(r.p), 0);
	assert_int_equal(ldns_pkt_edns_extended_rcode(r.p), 1);
	assert_int_equal((ldns_pkt_edns_extended_rcode(r.p) << 4) |
	    ldns_pkt_get_rcode(r.p), WIRE_RCODE_BADVERS);
	assert_int_equal(ldns_pkt_edns_version(r.p), 0);
	assert_int_equal(ldns_pkt_edns_udp_size(r.p), 1232);
	assert_true(ldns_pkt_edns_do(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_int_equal(ldns_pkt_nscount(r.p), 0);
	assert_false(ldns_pkt_aa(r.p));
	assert_question_echo(&r, q, qend);
}

static void
ecs_echoed_with_scope_zero(void **state)
{
	static const uint8_t	 a4[] = { 192, 0, 2 };
	static const uint8_t	 a6[] = { 0x20, 0x01, 0x0d, 0xb8, 0xab, 0xcd,
				    0xef };
	static const struct {
		uint16_t	 family;
		uint8_t		 source;
		const uint8_t	*addr;
		size_t		 alen;
	} cases[] = {
		{ 1, 24, a4, 3 },
		{ 2, 56, a6, 7 },
		{ 1, 0, NULL, 0 },
	};
	struct fixture	*f = *state;
	uint8_t		 q[512], opt[64], want[64];
	size_t		 n, olen, i;
	struct resp	 r;
	ldns_rdf	*data;

	for (i = 0; i < NITEMS(cases); i++) {
		olen = tu_ecs(opt, cases[i].family, cases[i].source, 0,
		    cases[i].addr, cases[i].alen);
		n = tu_query(q, ID, 0, "www.lb.example.", WIRE_TYPE_A,
		    WIRE_CLASS_IN);
		n += tu_opt(q + n, 1232, 0, 0, 0, opt, olen);
		tu_count_add(q, 10, 1);
		r = run(f, q, n);
		assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
		assert_int_equal(ldns_pkt_ancount(r.p), 2);
		data = ldns_pkt_edns_data(r.p);
		assert_non_null(data);
		tu_ecs(want, cases[i].family, cases[i].source, 0,
		    cases[i].addr, cases[i].alen);
		assert_int_equal(ldns_rdf_size(data), olen);
		assert_memory_equal(ldns_rdf_data(data), want, olen);
	}
}

static void
ecs_echoed_on_refused(void **state)
{
	static const uint8_t	 a4[] = { 198, 51, 100 };
	struct fixture		*f = *state;
	uint8_t			 q[512], opt[64];
	size_t			 n, olen;
	struct resp		 r;
	ldns_rdf		*data;

	olen = tu_ecs(opt, 1, 24, 0, a4, 3);
	n = tu_query(q, ID, 0, "www.example.com.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(q + n, 1232, 0, 0, 0, opt, olen);
	tu_count_add(q, 10, 1);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED);
	data = ldns_pkt_edns_data(r.p);
	assert_non_null(data);
	assert_memory_equal(ldns_rdf_data(data), opt, olen);
}

/* Every answer RR has the one type, and the RRset is whole. */
static void
assert_whole_txt(const struct resp *r, const char *owner, size_t want)
{
	const ldns_rr_list	*an = ldns_pkt_answer(r->p);
	ldns_rdf		*o = ldns_dname_new_frm_str(owner);
	size_t			 i, n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) ==
		    LDNS_RR_TYPE_TXT && ldns_dname_compare(ldns_rr_owner(
		    ldns_rr_list_rr(an, i)), o) == 0)
			n++;
	ldns_rdf_deep_free(o);
	assert_int_equal(n, want);
}

static void
truncation_at_512_without_edns(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;
	uint64_t	 tc = f->stats.truncated;

	n = mkquery(q, "big.lb.example.", WIRE_TYPE_TXT, 0, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, true);
	assert_true(r.len <= 512);
	assert_question_echo(&r, q, n);
	/* Whole RRsets only: none of the twelve. */
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_int_equal(f->stats.truncated, tc + 1);
}

static void
truncation_keeps_whole_rrsets(void **state)
{
	static const char *const cname[] = {
		"bigalias.lb.example. 300 IN CNAME big.lb.example.",
	};
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = mkquery(q, "bigalias.lb.example.", WIRE_TYPE_TXT, 0, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, true);
	assert_true(r.len <= 512);
	assert_rrs(ldns_pkt_answer(r.p), cname);
	/* Over TCP: the chain and all of the TXT RRset. */
	r = run_env(f, &(struct answer_env){ .db = f->db, .edns_payload = 1232,
	    .tcp = true, .health = f->health, .rng = &f->rng }, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_int_equal(ldns_pkt_ancount(r.p), 1 + TU_BIG_N);
	assert_whole_txt(&r, "big.lb.example.", TU_BIG_N);
}

static void
edns_limit_is_the_smaller_payload(void **state)
{
	struct fixture		*f = *state;
	struct answer_env	 env = f->env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	/* 4096 asked, 1232 ours: "big" fits, "huge" does not. */
	r = ask_edns(f, "big.lb.example.", WIRE_TYPE_TXT, 4096, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_true(r.len > 512 && r.len <= 1232);
	assert_whole_txt(&r, "big.lb.example.", TU_BIG_N);
	n = mkquery(q, "huge.lb.example.", WIRE_TYPE_TXT, 4096, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, true);
	assert_true(r.len <= 1232);
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_true(ldns_pkt_edns(r.p));
	/* Ours 4096 and 4096 asked: "huge" fits. */
	env.edns_payload = 4096;
	r = run_env(f, &env, q, n, OUTMAX);
	assert_false(ldns_pkt_tc(r.p));
	assert_true(r.len > 1232 && r.len <= 4096);
	assert_whole_txt(&r, "huge.lb.example.", TU_HUGE_N);
	assert_int_equal(ldns_pkt_edns_udp_size(r.p), 4096);
	/* 600 asked, 1232 ours: "big" does not fit. */
	r = ask_edns(f, "big.lb.example.", WIRE_TYPE_TXT, 600, false);
	assert_true(ldns_pkt_tc(r.p));
	assert_true(r.len <= 600);
	/* Below 512 counts as 512. */
	r = ask_edns(f, "big.lb.example.", WIRE_TYPE_TXT, 100, false);
	assert_true(ldns_pkt_tc(r.p));
	assert_true(r.len <= 512);
	r = ask_edns(f, "www.lb.example.", WIRE_TYPE_A, 100, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), 2);
}

/* The output buffer bounds the answer as well. */
static void
output_buffer_bounds_the_answer(void **state)
{
	struct fixture		*f = *state;
	struct answer_env	 env = f->env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	env.tcp = true;
	n = mkquery(q, "huge.lb.example.", WIRE_TYPE_TXT, 0, false);
	r = run_env(f, &env, q, n, 512);
	assert_true(ldns_pkt_tc(r.p));
	assert_true(r.len <= 512);
	r = run_env(f, &env, q, n, 1000);
	assert_true(ldns_pkt_tc(r.p));
	assert_true(r.len <= 1000);
}

static void
tcp_gets_everything(void **state)
{
	struct fixture		*f = *state;
	struct answer_env	 env = f->env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	env.tcp = true;
	n = mkquery(q, "huge.lb.example.", WIRE_TYPE_TXT, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_whole_txt(&r, "huge.lb.example.", TU_HUGE_N);
	assert_int_equal(ldns_pkt_ancount(r.p), TU_HUGE_N);
	/* With EDNS: still everything, OPT last. */
	n = mkquery(q, "huge.lb.example.", WIRE_TYPE_TXT, 512, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), TU_HUGE_N);
	assert_true(ldns_pkt_edns(r.p));
}

static void
small_answers_never_truncated(void **state)
{
	static const struct {
		const char	*name;
		uint16_t	 qtype;
	} qs[] = {
		{ "www.lb.example.", WIRE_TYPE_A },
		{ "lb.example.", WIRE_TYPE_NS },
		{ "lb.example.", WIRE_TYPE_MX },
		{ "lb.example.", WIRE_TYPE_SOA },
		{ "alias.lb.example.", WIRE_TYPE_AAAA },
		{ "nothere.lb.example.", WIRE_TYPE_A },
		{ "sub.lb.example.", WIRE_TYPE_A },
		{ "svc.lb.example.", WIRE_TYPE_A },
		{ "_sip._udp.lb.example.", WIRE_TYPE_SRV },
		{ "www.example.com.", WIRE_TYPE_A },
	};
	struct fixture	*f = *state;
	struct resp	 r;
	size_t		 i;
	uint64_t	 tc = f->stats.truncated;

	for (i = 0; i < NITEMS(qs); i++) {
		r = ask(f, qs[i].name, qs[i].qtype);
		assert_false(ldns_pkt_tc(r.p));
		r = ask_edns(f, qs[i].name, qs[i].qtype, 512, true);
		assert_false(ldns_pkt_tc(r.p));
	}
	assert_int_equal(f->stats.truncated, tc);
}

/* Addresses for an MX target are optional: left out without TC. */
static void
optional_additional_left_out_without_tc(void **state)
{
	struct fixture	*f = *state;
	struct resp	 r;

	r = ask(f, "mx2.lb.example.", WIRE_TYPE_MX);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), 1);
	assert_int_equal(ldns_pkt_arcount(r.p), 0);
	assert_true(r.len <= 512);
	r = ask_edns(f, "mx2.lb.example.", WIRE_TYPE_MX, 1232, false);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_arcount(r.p), TU_GLUE_N);
}

/* Glue below the cut is required (RFC 9471): TC when it does not fit. */
static void
referral_glue_that_does_not_fit_sets_tc(void **state)
{
	struct fixture		*f = *state;
	struct answer_env	 env = f->env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	n = mkquery(q, "www.bigcut.lb.example.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, false, true);
	assert_int_equal(ldns_pkt_nscount(r.p), 1);
	assert_int_equal(ldns_pkt_arcount(r.p), 0);
	env.tcp = true;
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, false, false);
	assert_int_equal(ldns_pkt_arcount(r.p), TU_GLUE_N);
}

/* A name of n bytes in wire form below suffix. */
static char *
long_name(size_t n, const char *suffix)
{
	uint8_t	 w[WIRE_MAX_NAME];
	size_t	 slen = tu_name(w, suffix), left, l;
	char	*s = calloc(1, 512), *p = s;

	assert_non_null(s);
	assert_true(n > slen + 1);
	left = n - slen;
	while (left > 0) {
		l = left - 1 > 63 ? 63 : left - 1;
		if (left - (l + 1) == 1)
			l--;
		memset(p, 'a' + (left % 26), l);
		p[l] = '.';
		p += l + 1;
		left -= l + 1;
	}
	strcpy(p, suffix);
	assert_int_equal(tu_name(w, s), n);
	return s;
}

static void
nxdomain_for_long_name(void **state)
{
	struct fixture	*f = *state;
	struct resp	 r;
	char		*name;
	uint8_t		 q[600];
	size_t		 n, len;

	for (len = 20; len <= WIRE_MAX_NAME; len += 47) {
		name = keep_buf(f, long_name(len, "lb.example."));
		n = mkquery(q, name, WIRE_TYPE_A, 0, false);
		r = run(f, q, n);
		assert_head(&r, q, LDNS_RCODE_NXDOMAIN, true, false);
		assert_question_echo(&r, q, n);
		/* The SOA owner and RDATA names are right after fix-ups. */
		assert_rrs(ldns_pkt_authority(r.p), soa60);
	}
	name = keep_buf(f, long_name(WIRE_MAX_NAME, "lb.example."));
	n = mkquery(q, name, WIRE_TYPE_A, 1232, true);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NXDOMAIN, true, false);
	assert_rrs(ldns_pkt_authority(r.p), soa60);
	assert_true(ldns_pkt_edns(r.p));
}

static void
referral_for_long_name(void **state)
{
	struct fixture	*f = *state;
	struct resp	 r;
	char		*name;
	uint8_t		 q[600];
	size_t		 n;

	name = keep_buf(f, long_name(WIRE_MAX_NAME, "sub.lb.example."));
	n = mkquery(q, name, WIRE_TYPE_AAAA, 0, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, false, false);
	assert_rrs(ldns_pkt_authority(r.p), sub_ns);
	assert_rrs(ldns_pkt_additional(r.p), sub_glue);
	/* DS at the cut for a long... no: DS below the cut, a referral. */
	name = keep_buf(f, long_name(200, "sub.lb.example."));
	n = mkquery(q, name, WIRE_TYPE_DS, 0, false);
	r = run(f, q, n);
	assert_rrs(ldns_pkt_authority(r.p), sub_ns);
}

static void
answer_owner_is_pointer_to_question(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n);
	assert_int_equal(r.wire[n], 0xc0);
	assert_int_equal(r.wire[n + 1], WIRE_HDR_LEN);
	/* Two A records: 2 + 10 + 4 each after the question. */
	assert_int_equal(r.len, n + 2 * 16);
	assert_int_equal(r.wire[n + 16], 0xc0);
	assert_int_equal(r.wire[n + 17], WIRE_HDR_LEN);
}

static void
question_case_preserved(void **state)
{
	static const char *const an[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	n = mkquery(q, "WwW.Lb.ExAmPlE.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_question_echo(&r, q, n);
	assert_memory_equal(r.wire + WIRE_HDR_LEN, "\3WwW\2Lb\7ExAmPlE", 16);
	assert_rrs(ldns_pkt_answer(r.p), an);
	/* Mixed case below a cut and in a name that does not exist. */
	n = mkquery(q, "X.SUB.lb.EXAMPLE.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n);
	assert_question_echo(&r, q, n);
	assert_rrs(ldns_pkt_authority(r.p), sub_ns);
	n = mkquery(q, "NoThErE.Lb.Example.", WIRE_TYPE_A, 0, false);
	r = run(f, q, n);
	assert_question_echo(&r, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
}

static void
header_bits_copied(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	/* No RD, CD set, AD and TC asked: RD/CD as asked, TC ours. */
	n = tu_query(q, 0xffff, WIRE_CD | WIRE_TC | 0x0020, "www.lb.example.",
	    WIRE_TYPE_A, WIRE_CLASS_IN);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_id(r.p), 0xffff);
	assert_false(ldns_pkt_rd(r.p));
	assert_true(ldns_pkt_cd(r.p));
	assert_false(ldns_pkt_tc(r.p));
	assert_false(ldns_pkt_ra(r.p));
	assert_true(ldns_pkt_aa(r.p));
	n = tu_query(q, 0, WIRE_RD | WIRE_RA, "www.lb.example.", WIRE_TYPE_A,
	    WIRE_CLASS_IN);
	r = run(f, q, n);
	assert_int_equal(ldns_pkt_id(r.p), 0);
	assert_true(ldns_pkt_rd(r.p));
	assert_false(ldns_pkt_ra(r.p));
}

static void
stats_counters_move(void **state)
{
	static const uint8_t	 a4[] = { 10 };
	struct fixture		*f = *state;
	struct answer_stats	 st;
	struct answer_env	 env = f->env;
	uint8_t			 q[512], opt[32];
	size_t			 n, olen;

	memset(&st, 0, sizeof(st));
	env.stats = &st;
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	run_env(f, &env, q, n, OUTMAX);			/* NOERROR */
	n = mkquery(q, "nothere.lb.example.", WIRE_TYPE_A, 1232, false);
	run_env(f, &env, q, n, OUTMAX);			/* NXDOMAIN, EDNS */
	n = mkquery(q, "www.example.com.", WIRE_TYPE_A, 0, false);
	run_env(f, &env, q, n, OUTMAX);			/* REFUSED */
	n = mkquery(q, "big.lb.example.", WIRE_TYPE_TXT, 0, false);
	run_env(f, &env, q, n, OUTMAX);			/* NOERROR, TC */
	run_env(f, &env, q, 5, OUTMAX);			/* dropped */
	n = tu_query(q, 1, 4 << 11, "lb.example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	run_env(f, &env, q, n, OUTMAX);			/* NOTIMP */
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	q[5] = 0;
	run_env(f, &env, q, n, OUTMAX);			/* FORMERR */
	n = tu_query(q, 1, 0, "www.lb.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(q + n, 1232, 0, 2, 0, NULL, 0);
	tu_count_add(q, 10, 1);
	run_env(f, &env, q, n, OUTMAX);			/* BADVERS */
	olen = tu_ecs(opt, 1, 8, 0, a4, 1);
	n = tu_query(q, 1, 0, "www.lb.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(q + n, 1232, 0, 0, 0, opt, olen);
	tu_count_add(q, 10, 1);
	run_env(f, &env, q, n, OUTMAX);			/* NOERROR, ECS */

	assert_int_equal(st.queries, 9);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.truncated, 1);
	assert_int_equal(st.rcode[WIRE_RCODE_NOERROR], 3);
	assert_int_equal(st.rcode[WIRE_RCODE_FORMERR], 1);
	assert_int_equal(st.rcode[WIRE_RCODE_SERVFAIL], 0);
	assert_int_equal(st.rcode[WIRE_RCODE_NXDOMAIN], 1);
	assert_int_equal(st.rcode[WIRE_RCODE_NOTIMP], 1);
	assert_int_equal(st.rcode[WIRE_RCODE_REFUSED], 1);
	assert_int_equal(st.badvers, 1);
	assert_int_equal(st.edns, 2);
	assert_int_equal(st.ecs, 1);
	assert_int_equal(st.managed, 0);
	/* No stats at all is fine too. */
	env.stats = NULL;
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	run_env(f, &env, q, n, OUTMAX);
	run_env(f, &env, q, 3, OUTMAX);
}

/* A zone whose origin is the root. */
static void
root_zone_denies_missing_names(void **state)
{
	static const char *const zone[] = {
		"origin = \".\";\n"
		"soa = { mname = \"a.root.test.\"; rname = \"h.root.test.\"; "
		"minimum = 30; };\n"
		"ns = [ \"a.root.test.\" ];\n"
		"records = [ \"com. NS a.gtld.test.\", "
		"\"example. A 192.0.2.1\" ];\n",
	};
	struct fixture		*f = *state;
	struct answer_env	 env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	extra_env(f, zone, 1, &env);
	n = mkquery(q, "example.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	n = mkquery(q, "www.com.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, false, false);
	assert_int_equal(ldns_pkt_nscount(r.p), 1);
	/* The closest existing name is the apex: NXDOMAIN. */
	n = mkquery(q, "nothere.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NXDOMAIN, true, false);
	n = mkquery(q, "a.b.nothere.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NXDOMAIN, true, false);
}

/* A child zone we serve answers for its names, not a referral. */
static void
child_zone_answers_itself(void **state)
{
	static const char *const zones[] = {
		"origin = \"t.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns.example.net.\" ];\n"
		"records = [ \"sub NS ns.sub\", \"ns.sub A 192.0.2.53\" ];\n",
		"origin = \"sub.t.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; };\n"
		"ns = [ \"ns\" ];\n"
		"records = [ \"ns A 192.0.2.53\", \"www A 192.0.2.80\" ];\n",
	};
	static const char *const www[] = {
		"www.sub.t.example. 3600 IN A 192.0.2.80",
	};
	struct fixture		*f = *state;
	struct answer_env	 env;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n;

	extra_env(f, zones, 2, &env);
	n = mkquery(q, "www.sub.t.example.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NOERROR, true, false);
	assert_rrs(ldns_pkt_answer(r.p), www);
	n = mkquery(q, "x.sub.t.example.", WIRE_TYPE_A, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_head(&r, q, LDNS_RCODE_NXDOMAIN, true, false);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(
	    r.p), 0)), LDNS_RR_TYPE_SOA);
	n = mkquery(q, "sub.t.example.", WIRE_TYPE_DS, 0, false);
	r = run_env(f, &env, q, n, OUTMAX);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NOERROR);
}

/*
 * The reference: the response ldns builds from the query and the RRs we
 * expect, through ldns_pkt2wire() and back.
 */
static ldns_pkt *
reference(struct fixture *f, const uint8_t *q, size_t qlen,
    ldns_pkt_rcode rcode, bool aa, const char *const *an, size_t nan,
    const char *const *ns, size_t nns, const char *const *ar, size_t nar)
{
	ldns_pkt	*query = keep_pkt(f, tu_wire2pkt(q, qlen)), *p;
	uint8_t		*w;
	size_t		 i, len;

	p = ldns_pkt_new();
	assert_non_null(p);
	ldns_pkt_set_id(p, ldns_pkt_id(query));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rd(p, ldns_pkt_rd(query));
	ldns_pkt_set_cd(p, ldns_pkt_cd(query));
	ldns_pkt_set_opcode(p, LDNS_PACKET_QUERY);
	ldns_pkt_set_rcode(p, rcode);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(
	    ldns_rr_list_rr(ldns_pkt_question(query), 0)));
	for (i = 0; i < nan; i++)
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, tu_rr(an[i]));
	for (i = 0; i < nns; i++)
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, tu_rr(ns[i]));
	for (i = 0; i < nar; i++)
		ldns_pkt_push_rr(p, LDNS_SECTION_ADDITIONAL, tu_rr(ar[i]));
	if (ldns_pkt_edns(query)) {
		ldns_pkt_set_edns_udp_size(p, 1232);
		ldns_pkt_set_edns_do(p, ldns_pkt_edns_do(query));
	}
	keep_pkt(f, p);
	w = keep_buf(f, tu_pkt2wire(p, &len));
	return keep_pkt(f, tu_wire2pkt(w, len));
}

/* Equal section by section; the bytes may differ in compression. */
static void
assert_same_response(const ldns_pkt *a, const ldns_pkt *b)
{
	assert_int_equal(ldns_pkt_id(a), ldns_pkt_id(b));
	assert_int_equal(ldns_pkt_qr(a), ldns_pkt_qr(b));
	assert_int_equal(ldns_pkt_aa(a), ldns_pkt_aa(b));
	assert_int_equal(ldns_pkt_tc(a), ldns_pkt_tc(b));
	assert_int_equal(ldns_pkt_rd(a), ldns_pkt_rd(b));
	assert_int_equal(ldns_pkt_ra(a), ldns_pkt_ra(b));
	assert_int_equal(ldns_pkt_cd(a), ldns_pkt_cd(b));
	assert_int_equal(ldns_pkt_ad(a), ldns_pkt_ad(b));
	assert_int_equal(ldns_pkt_get_opcode(a), ldns_pkt_get_opcode(b));
	assert_int_equal(ldns_pkt_get_rcode(a), ldns_pkt_get_rcode(b));
	assert_int_equal(ldns_pkt_qdcount(a), ldns_pkt_qdcount(b));
	assert_int_equal(ldns_pkt_ancount(a), ldns_pkt_ancount(b));
	assert_int_equal(ldns_pkt_nscount(a), ldns_pkt_nscount(b));
	assert_int_equal(ldns_pkt_arcount(a), ldns_pkt_arcount(b));
	assert_rr_lists(ldns_pkt_question(a), ldns_pkt_question(b));
	assert_rr_lists(ldns_pkt_answer(a), ldns_pkt_answer(b));
	assert_rr_lists(ldns_pkt_authority(a), ldns_pkt_authority(b));
	assert_rr_lists(ldns_pkt_additional(a), ldns_pkt_additional(b));
	assert_int_equal(ldns_pkt_edns(a), ldns_pkt_edns(b));
	if (ldns_pkt_edns(a)) {
		assert_int_equal(ldns_pkt_edns_udp_size(a),
		    ldns_pkt_edns_udp_size(b));
		assert_int_equal(ldns_pkt_edns_do(a), ldns_pkt_edns_do(b));
		assert_int_equal(ldns_pkt_edns_extended_rcode(a),
		    ldns_pkt_edns_extended_rcode(b));
	}
}

#define SAME_AS_LDNS(f, name, qtype, udp, rc, aa, an, ns, ar) do {	\
	uint8_t		 q_[512];					\
	size_t		 n_ = mkquery(q_, (name), (qtype), (udp), true); \
	struct resp	 r_ = run((f), q_, n_);				\
									\
	assert_same_response(r_.p, reference((f), q_, n_, (rc), (aa),	\
	    (an), NRR(an), (ns), NRR(ns), (ar), NRR(ar)));	\
} while (0)

static void
same_as_ldns_reference(void **state)
{
	static const char *const www[] = {
		"www.lb.example. 30 IN A 192.0.2.10",
		"www.lb.example. 30 IN A 192.0.2.11",
	};
	static const char *const mx[] = {
		"lb.example. 300 IN MX 10 mail.lb.example.",
		"lb.example. 300 IN MX 20 mail.example.net.",
	};
	static const char *const mxar[] = {
		"mail.lb.example. 300 IN A 192.0.2.25",
	};
	static const char *const chain[] = {
		"alias.lb.example. 120 IN CNAME docs.lb.example.",
		"docs.lb.example. 300 IN CNAME www.lb.example.",
		"www.lb.example. 30 IN AAAA 2001:db8::10",
	};
	static const char *const bigalias[] = {
		"bigalias.lb.example. 300 IN CNAME big.lb.example.",
	};
	struct fixture	*f = *state;

	SAME_AS_LDNS(f, "www.lb.example.", WIRE_TYPE_A, 0, LDNS_RCODE_NOERROR,
	    true, www, none, none);
	SAME_AS_LDNS(f, "www.lb.example.", WIRE_TYPE_A, 1232,
	    LDNS_RCODE_NOERROR, true, www, none, none);
	SAME_AS_LDNS(f, "lb.example.", WIRE_TYPE_MX, 0, LDNS_RCODE_NOERROR,
	    true, mx, none, mxar);
	SAME_AS_LDNS(f, "alias.lb.example.", WIRE_TYPE_AAAA, 4096,
	    LDNS_RCODE_NOERROR, true, chain, none, none);
	SAME_AS_LDNS(f, "nothere.lb.example.", WIRE_TYPE_A, 0,
	    LDNS_RCODE_NXDOMAIN, true, none, soa60, none);
	SAME_AS_LDNS(f, "svc.lb.example.", WIRE_TYPE_AAAA, 1232,
	    LDNS_RCODE_NOERROR, true, none, soa60, none);
	SAME_AS_LDNS(f, "deep.below.sub.lb.example.", WIRE_TYPE_A, 0,
	    LDNS_RCODE_NOERROR, false, none, sub_ns, sub_glue);
	SAME_AS_LDNS(f, "www.example.org.", WIRE_TYPE_A, 1232,
	    LDNS_RCODE_REFUSED, false, none, none, none);
	/* Truncated: compare all but TC, which ldns cannot know. */
	{
		uint8_t		 q[512];
		size_t		 n = mkquery(q, "bigalias.lb.example.",
				    WIRE_TYPE_TXT, 0, true);
		struct resp	 r = run(f, q, n);
		ldns_pkt	*ref = reference(f, q, n, LDNS_RCODE_NOERROR,
				    true, bigalias, 1, NULL, 0, NULL, 0);

		assert_true(ldns_pkt_tc(r.p));
		ldns_pkt_set_tc(ref, true);
		assert_same_response(r.p, ref);
	}
}

/*
 * Mutated queries: the answer stays inside the buffer (ASan checks the
 * reads), parses, carries the query's ID, and echoes the question bytes
 * when it has one.
 */
static void
fuzzed_queries_get_sane_answers(void **state)
{
	static const struct {
		const char	*name;
		uint16_t	 qtype;
		int		 udp;
	} seeds[] = {
		{ "www.lb.example.", WIRE_TYPE_A, 0 },
		{ "alias.lb.example.", WIRE_TYPE_A, 1232 },
		{ "huge.lb.example.", WIRE_TYPE_TXT, 4096 },
		{ "x.y.sub.lb.example.", WIRE_TYPE_A, 0 },
		{ "nothere.lb.example.", WIRE_TYPE_MX, 512 },
		{ "lb.example.", WIRE_TYPE_NS, 0 },
		{ "bigcut.lb.example.", WIRE_TYPE_A, 0 },
		{ "back.other.test.", WIRE_TYPE_ANY, 1400 },
	};
	struct fixture		*f = *state;
	struct answer_env	 env = f->env;
	uint8_t			 q[600], *in, *out;
	size_t			 i, k, len, outmax, pos, nmut;
	ldns_pkt		*p;
	unsigned long		 answered = 0;

	srand(1);
	for (i = 0; i < 30000; i++) {
		k = rand() % NITEMS(seeds);
		len = mkquery(q, seeds[k].name, seeds[k].qtype, seeds[k].udp,
		    rand() & 1);
		if (rand() % 4 == 0) {
			/* An ECS option, maybe broken below. */
			q[len - 1] = 11;
			memcpy(q + len, "\0\10\0\7\0\1\30\0\300\0\2", 11);
			len += 11;
		}
		for (nmut = rand() % 4; nmut > 0; nmut--) {
			switch (rand() % 4) {
			case 0:
				len = rand() % (len + 1);
				break;
			case 1:
				if (len > 0)
					q[rand() % len] ^= 1 << (rand() % 8);
				break;
			case 2:
				if (len < sizeof(q) - 8)
					for (pos = 0; pos < 8; pos++)
						q[len++] = rand();
				break;
			default:
				if (len > 0)
					q[rand() % len] = rand();
				break;
			}
		}
		env.tcp = rand() % 3 == 0;
		outmax = env.tcp ? OUTMAX : 512 + rand() % 4096;
		in = tu_dup(q, len);
		out = malloc(outmax);
		assert_non_null(out);
		pos = answer_query(&env, in, len, out, outmax);
		assert_true(pos <= outmax);
		if (pos > 0) {
			answered++;
			assert_true(pos >= WIRE_HDR_LEN);
			assert_int_equal(out[0], in[0]);
			assert_int_equal(out[1], in[1]);
			assert_int_equal(out[2] & 0x80, 0x80);
			p = NULL;
			if (ldns_wire2pkt(&p, out, pos) != LDNS_STATUS_OK) {
				free(in);
				free(out);
				fail_msg("iteration %zu: response unparseable",
				    i);
			}
			if (ldns_pkt_qdcount(p) == 1)
				assert_memory_equal(out + WIRE_HDR_LEN,
				    in + WIRE_HDR_LEN, ldns_rdf_size(
				    ldns_rr_owner(ldns_rr_list_rr(
				    ldns_pkt_question(p), 0))) + 4);
			if (!env.tcp && !ldns_pkt_edns(p))
				assert_true(pos <= 512);
			ldns_pkt_free(p);
		}
		free(in);
		free(out);
	}
	assert_true(answered > 10000);
}

#define T(name)	cmocka_unit_test_teardown(name, collect)

/* The class and key of an answer for rate limiting, with its question. */
static struct answer_kind
kind_of(struct fixture *f, const char *name, uint16_t qtype)
{
	struct answer_env	 env = f->env;
	struct answer_kind	 k;
	struct resp		 r;
	uint8_t			 q[512];
	size_t			 n = mkquery(q, name, qtype, 1232, false);

	memset(&k, 0xee, sizeof(k));
	env.kind = &k;
	r = run_env(f, &env, q, n, OUTMAX);
	assert_true(r.len > 0);
	assert_false(k.exempt);
	return k;
}

/*
 * Positive and NODATA per name and type (case aside), NXDOMAIN one
 * account per zone, a referral one per cut, errors together.
 */
static void
kind_classes_and_keys(void **state)
{
	struct fixture		*f = *state;
	struct answer_kind	 a, b, c;
	uint8_t			 q[512];
	size_t			 n;

	a = kind_of(f, "www.lb.example.", WIRE_TYPE_A);
	b = kind_of(f, "WWW.lb.example.", WIRE_TYPE_A);
	c = kind_of(f, "mail.lb.example.", WIRE_TYPE_A);
	assert_int_equal(a.cls, ANSWER_CLASS_POSITIVE);
	assert_true(a.key == b.key);
	assert_true(a.key != c.key);
	b = kind_of(f, "www.lb.example.", WIRE_TYPE_MX);
	assert_int_equal(b.cls, ANSWER_CLASS_NODATA);
	assert_true(a.key != b.key);
	a = kind_of(f, "nothere.lb.example.", WIRE_TYPE_A);
	b = kind_of(f, "x.www.lb.example.", WIRE_TYPE_TXT);
	c = kind_of(f, "nothere.other.test.", WIRE_TYPE_A);
	assert_int_equal(a.cls, ANSWER_CLASS_NXDOMAIN);
	assert_true(a.key == b.key);
	assert_true(a.key != c.key);
	a = kind_of(f, "sub.lb.example.", WIRE_TYPE_A);
	b = kind_of(f, "deep.host.sub.lb.example.", WIRE_TYPE_AAAA);
	assert_int_equal(a.cls, ANSWER_CLASS_REFERRAL);
	assert_true(a.key == b.key);
	a = kind_of(f, "example.org.", WIRE_TYPE_A);
	assert_int_equal(a.cls, ANSWER_CLASS_ERROR);
	assert_int_equal(a.key, 0);
	/* Dropped: no class; NOTIMP: an error without a question. */
	memset(&a, 0xee, sizeof(a));
	f->env.kind = &a;
	n = mkquery(q, "www.lb.example.", WIRE_TYPE_A, 0, false);
	q[2] |= 0x80;
	assert_int_equal(answer_query(&f->env, q, n, keep_buf(f,
	    malloc(OUTMAX)), OUTMAX), 0);
	assert_int_equal(a.cls, ANSWER_CLASS_NONE);
	q[2] = (q[2] & 0x07) | 0x20;
	assert_true(answer_query(&f->env, q, n, keep_buf(f, malloc(OUTMAX)),
	    OUTMAX) > 0);
	assert_int_equal(a.cls, ANSWER_CLASS_ERROR);
	f->env.kind = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_record),
		T(aaaa_record),
		T(mx_record_with_address),
		T(txt_record),
		T(caa_record),
		T(srv_record_with_addresses),
		T(apex_ns_with_glue),
		T(soa_record),
		T(nxdomain_with_soa),
		T(nxdomain_soa_ttl_is_the_lower),
		T(nodata_with_soa),
		T(empty_non_terminal_is_nodata),
		T(cname_chain_inside_zone),
		T(cname_target_missing_is_nxdomain),
		T(cname_target_outside),
		T(qtype_cname_gets_the_cname),
		T(referral_at_cut),
		T(referral_below_cut),
		T(referral_for_glue_name),
		T(ds_at_cut_is_nodata),
		T(ds_at_cut_answers_the_ds),
		T(kind_classes_and_keys),
		T(refused_outside_zones),
		T(class_ch_refused),
		T(zone_transfers_refused),
		T(qtype_opt_is_formerr),
		T(any_gets_one_rrset),
		T(notify_is_notimp),
		T(formerr_without_question),
		T(formerr_with_question_echoed),
		T(formerr_bad_ecs_has_no_ecs_echo),
		T(drop_cases_get_no_reply),
		T(edns_echoed_with_our_payload),
		T(edns_version_1_is_badvers),
		T(ecs_echoed_with_scope_zero),
		T(ecs_echoed_on_refused),
		T(truncation_at_512_without_edns),
		T(truncation_keeps_whole_rrsets),
		T(edns_limit_is_the_smaller_payload),
		T(output_buffer_bounds_the_answer),
		T(tcp_gets_everything),
		T(small_answers_never_truncated),
		T(optional_additional_left_out_without_tc),
		T(referral_glue_that_does_not_fit_sets_tc),
		T(nxdomain_for_long_name),
		T(referral_for_long_name),
		T(answer_owner_is_pointer_to_question),
		T(question_case_preserved),
		T(header_bits_copied),
		T(stats_counters_move),
		T(root_zone_denies_missing_names),
		T(child_zone_answers_itself),
		T(same_as_ldns_reference),
		T(fuzzed_queries_get_sane_answers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
