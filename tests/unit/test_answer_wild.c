/* test_answer_wild.c -- synthesized answers.  Wildcards (RFC 4592):
 * the asked name as owner, what blocks a wildcard, NODATA, CNAMEs,
 * managed names, compression at every length of the name asked.  DNAME
 * (RFC 6672): the DNAME and a CNAME to the substituted name, its TTL,
 * the owner itself answered as itself, YXDOMAIN past 255 bytes. */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "health.h"
#include "testutil.h"
#include "wire.h"
#include "zone.h"

#define LONG63	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DS64	"00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"

static const char zone[] =
    "origin = \"w.test.\";\n"
    "soa = { mname = \"ns1\"; rname = \"h\"; minimum = 60; };\n"
    "ns = [ \"ns1\" ];\n"
    "records = [ \"ns1 A 127.0.0.1\",\n"
    "  \"*.wild A 192.0.2.1\", \"*.wild TXT \\\"hello wild\\\"\",\n"
    "  \"*.wild MX 10 mail.w.test.\", \"mail A 192.0.2.25\",\n"
    "  \"exists.wild A 192.0.2.2\", \"a.ent.wild A 192.0.2.3\",\n"
    "  \"*.cn CNAME target.w.test.\", \"target A 192.0.2.9\",\n"
    "  \"*.out CNAME www.example.org.\",\n"
    "  \"sub NS ns.sub.w.test.\", \"ns.sub A 192.0.2.53\",\n"
    "  \"*.mw CNAME www\",\n"
    "  \"old 300 DNAME new.w.test.\", \"old A 192.0.2.7\",\n"
    "  \"x.new A 192.0.2.70\", \"y.new A 192.0.2.71\",\n"
    "  \"*.wn.new A 192.0.2.72\", \"mx.new MX 10 mail.w.test.\",\n"
    "  \"dl.new NS ns.sub.w.test.\", \"dn2.new DNAME new.w.test.\",\n"
    "  \"loop.new DNAME x.loop.old.w.test.\",\n"
    "  \"lng.new DNAME " LONG63 "." LONG63 "." LONG63 ".example.\",\n"
    "  \"ext DNAME example.org.\",\n"
    "  \"long DNAME " LONG63 "." LONG63 "." LONG63 ".example.\",\n"
    "  \"towild CNAME foo.wild.w.test.\", \"tocn CNAME x.cn.w.test.\",\n"
    "  \"toold CNAME y.old.w.test.\",\n"
    "  \"tolong CNAME " LONG63 ".long.w.test.\",\n"
    "  \"tocut CNAME sub.w.test.\", \"tobelow CNAME a.b.sub.w.test.\",\n"
    "  \"sub DS 1 13 2 " DS64 "\",\n"
    "  \"tomx CNAME mxhost\", \"mxhost MX 10 mail.w.test.\",\n"
    "  \"sub2 NS ns.sub.w.test.\", \"tosub MX 10 ns.sub.w.test.\",\n"
    "  \"kid NS ns.kid\", \"ns.kid A 192.0.2.80\",\n"
    "  \"kid DS 2 13 2 " DS64 "\", \"nods NS ns.sub.w.test.\" ];\n"
    "pools = { p = { members = ( { address = \"198.51.100.1\"; } ); }; };\n"
    "names = { www = { pool = \"p\"; ttl = 30; };\n"
    "  cdn = { owner = \"*.cdn\"; pool = \"p\"; ttl = 20; };\n"
    "  mnew = { owner = \"m.new\"; pool = \"p\"; ttl = 30; }; };\n";

/* Zones below w.test. that we serve too, delegated to by it. */
static const char kid_zone[] =
    "origin = \"kid.w.test.\";\n"
    "soa = { mname = \"ns\"; rname = \"h\"; minimum = 60; };\n"
    "ns = [ \"ns\" ];\n"
    "records = [ \"ns A 192.0.2.80\" ];\n";
static const char nods_zone[] =
    "origin = \"nods.w.test.\";\n"
    "soa = { mname = \"ns.sub.w.test.\"; rname = \"h\"; minimum = 60; };\n"
    "ns = [ \"ns.sub.w.test.\" ];\n";

struct fixture {
	struct conf		*conf;
	struct zone_db		*db;
	struct health		*health;
	struct answer_env	 env;
	uint64_t		 rng;
	uint8_t			 out[4096];
	size_t			 len;
	ldns_pkt		*p;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	const char	*zones[3] = { zone, kid_zone, nods_zone };

	assert_non_null(f);
	f->conf = tu_load_zones(zones, 3);
	f->db = zone_db_new(f->conf);
	f->health = health_new(f->db->ntargets);
	f->rng = 1;
	f->env.db = f->db;
	f->env.edns_payload = 1232;
	f->env.health = f->health;
	f->env.rng = &f->rng;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	ldns_pkt_free(f->p);
	health_free(f->health);
	zone_db_free(f->db);
	conf_free(f->conf);
	free(f);
	return 0;
}

/* Ask name/qtype; the response parsed into f->p. */
static void
ask(struct fixture *f, const char *name, uint16_t qtype)
{
	uint8_t	 q[512], *in;
	size_t	 n = tu_query(q, 7, 0, name, qtype, WIRE_CLASS_IN);

	in = tu_dup(q, n);
	f->len = answer_query(&f->env, in, n, f->out, sizeof(f->out));
	free(in);
	assert_true(f->len > WIRE_HDR_LEN);
	ldns_pkt_free(f->p);
	f->p = tu_wire2pkt(f->out, f->len);
}

#define ASK(f, name, qtype, rc, an, ns) do {				\
	ask((f), (name), (qtype));					\
	assert_int_equal(ldns_pkt_get_rcode((f)->p), (rc));		\
	assert_true(ldns_pkt_aa((f)->p));				\
	tu_assert_rrs(ldns_pkt_answer((f)->p), (an), NITEMS(an) -	\
	    ((an)[0] == NULL), __FILE__, __LINE__);			\
	tu_assert_rrs(ldns_pkt_authority((f)->p), (ns), NITEMS(ns) -	\
	    ((ns)[0] == NULL), __FILE__, __LINE__);			\
} while (0)

static const char *const none[] = { NULL };
static const char *const soa[] = {
	"w.test. 60 IN SOA ns1.w.test. h.w.test. 1 3600 900 604800 60" };

static void
synthesized(void **state)
{
	struct fixture		*f = *state;
	static const char *const a1[] = { "foo.wild.w.test. 3600 IN A "
	    "192.0.2.1" };
	static const char *const a2[] = { "a.b.c.wild.w.test. 3600 IN A "
	    "192.0.2.1" };
	static const char *const txt[] = { "x.wild.w.test. 3600 IN TXT "
	    "\"hello wild\"" };
	static const char *const lit[] = { "*.wild.w.test. 3600 IN A "
	    "192.0.2.1" };

	ASK(f, "foo.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, a1,
	    none);
	ASK(f, "a.b.c.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, a2,
	    none);
	ASK(f, "x.wild.w.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, txt,
	    none);
	/* The wildcard's own name is a name like any other. */
	ASK(f, "*.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, lit,
	    none);
}

/* The owner is the name asked, its letter case kept: a pointer to it. */
static void
owner_is_the_question(void **state)
{
	struct fixture	*f = *state;
	size_t		 qend;
	char		*s;

	ask(f, "FoO.BaR.Wild.w.test.", LDNS_RR_TYPE_A);
	qend = WIRE_HDR_LEN + 21 + 4;
	assert_int_equal(wire_get16(f->out + qend), 0xc000 | WIRE_HDR_LEN);
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_answer(f->p), 0)));
	assert_string_equal(s, "FoO.BaR.Wild.w.test.");
	free(s);
}

static void
blocked(void **state)
{
	struct fixture		*f = *state;
	static const char *const ex[] = { "exists.wild.w.test. 3600 IN A "
	    "192.0.2.2" };

	/* An existing name: its own data only, NODATA for the rest. */
	ASK(f, "exists.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, ex,
	    none);
	ASK(f, "exists.wild.w.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR,
	    none, soa);
	/* Below an empty non-terminal: it is the closest encloser. */
	ASK(f, "b.ent.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN,
	    none, soa);
	ASK(f, "ent.wild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, none,
	    soa);
	/* Below the name that holds the wildcard's parent, no wildcard. */
	ASK(f, "nothing.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, none,
	    soa);
}

static void
nodata_and_any(void **state)
{
	struct fixture		*f = *state;
	static const char *const a[] = { "q.wild.w.test. 3600 IN A "
	    "192.0.2.1" };

	ASK(f, "q.wild.w.test.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, none,
	    soa);
	/* RFC 8482: one RRset, the address. */
	ASK(f, "q.wild.w.test.", LDNS_RR_TYPE_ANY, LDNS_RCODE_NOERROR, a,
	    none);
}

static void
mx_glue(void **state)
{
	struct fixture		*f = *state;
	static const char *const mx[] = { "m.wild.w.test. 3600 IN MX 10 "
	    "mail.w.test." };
	static const char *const ar[] = { "mail.w.test. 3600 IN A "
	    "192.0.2.25" };

	ask(f, "m.wild.w.test.", LDNS_RR_TYPE_MX);
	tu_assert_rrs(ldns_pkt_answer(f->p), mx, 1, __FILE__, __LINE__);
	tu_assert_rrs(ldns_pkt_additional(f->p), ar, 1, __FILE__, __LINE__);
}

static void
cnames(void **state)
{
	struct fixture		*f = *state;
	static const char *const in[] = {
		"abc.cn.w.test. 3600 IN CNAME target.w.test.",
		"target.w.test. 3600 IN A 192.0.2.9" };
	static const char *const out[] = {
		"x.y.out.w.test. 3600 IN CNAME www.example.org." };
	static const char *const managed[] = {
		"long-name-here.mw.w.test. 3600 IN CNAME www.w.test.",
		"www.w.test. 30 IN A 198.51.100.1" };

	ASK(f, "abc.cn.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, in,
	    none);
	ASK(f, "x.y.out.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, out,
	    none);
	/* The pool's records point into the answer, which moved. */
	ASK(f, "long-name-here.mw.w.test.", LDNS_RR_TYPE_A,
	    LDNS_RCODE_NOERROR, managed, none);
}

static void
managed_wildcard(void **state)
{
	struct fixture		*f = *state;
	static const char *const a[] = { "edge-7.cdn.w.test. 20 IN A "
	    "198.51.100.1" };

	ASK(f, "edge-7.cdn.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, a,
	    none);
	ASK(f, "edge-7.cdn.w.test.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
	    none, soa);
	ASK(f, "cdn.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, none, soa);
}

/* No wildcard at or below a cut: the referral. */
static void
below_a_cut(void **state)
{
	struct fixture	*f = *state;

	ask(f, "q.sub.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(f->p), LDNS_RCODE_NOERROR);
	assert_false(ldns_pkt_aa(f->p));
	assert_int_equal(ldns_pkt_ancount(f->p), 0);
	assert_int_equal(ldns_pkt_nscount(f->p), 1);
}

/*
 * A referral carries the glue of a sibling cut its servers are in (as
 * Knot does: 22-knot-diff), but no other answer shows data below a cut.
 */
static void
sibling_glue(void **state)
{
	struct fixture	*f = *state;
	char		*s;
	static const char *const ref[] = {
		"sub2.w.test. 3600 IN NS ns.sub.w.test." };
	static const char *const mx[] = {
		"tosub.w.test. 3600 IN MX 10 ns.sub.w.test." };

	ask(f, "x.sub2.w.test.", LDNS_RR_TYPE_A);
	assert_false(ldns_pkt_aa(f->p));
	tu_assert_rrs(ldns_pkt_authority(f->p), ref, 1, __FILE__, __LINE__);
	assert_int_equal(ldns_pkt_arcount(f->p), 1);
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_additional(f->p), 0)));
	assert_string_equal(s, "ns.sub.w.test.");
	free(s);
	ASK(f, "tosub.w.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, mx, none);
	assert_int_equal(ldns_pkt_arcount(f->p), 0);
}

/*
 * Names of every length from 2 to 240 bytes under *.wild and *.mw: ldns
 * reads each response and finds the name asked as the owner.
 */
static void
every_length(void **state)
{
	struct fixture	*f = *state;
	char		 name[300], want[300];
	const char	*zones[] = { "wild", "mw" };
	size_t		 i, k, off;
	char		*s;

	for (k = 0; k < 2; k++)
		for (i = 1; i < 220; i += 7) {
			off = 0;
			while (off + 1 < i) {
				size_t	 l = i - off - 1 > 60 ? 60 :
				    i - off - 1;

				memset(name + off, 'a' + (off % 26), l);
				off += l;
				name[off++] = '.';
			}
			if (off == 0)
				name[off++] = 'z', name[off++] = '.';
			snprintf(name + off, sizeof(name) - off, "%s.w.test.",
			    zones[k]);
			ask(f, name, LDNS_RR_TYPE_A);
			assert_int_equal(ldns_pkt_get_rcode(f->p),
			    LDNS_RCODE_NOERROR);
			assert_true(ldns_pkt_ancount(f->p) >= 1);
			s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(
			    ldns_pkt_answer(f->p), 0)));
			snprintf(want, sizeof(want), "%s", name);
			assert_string_equal(s, want);
			free(s);
		}
}

static void
dname(void **state)
{
	struct fixture		*f = *state;
	static const char *const one[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"x.old.w.test. 300 IN CNAME x.new.w.test.",
		"x.new.w.test. 3600 IN A 192.0.2.70" };
	static const char *const two[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"A.b.old.w.test. 300 IN CNAME A.b.new.w.test." };
	static const char *const ext[] = {
		"ext.w.test. 3600 IN DNAME example.org.",
		"www.ext.w.test. 3600 IN CNAME www.example.org." };
	static const char *const self[] = { "old.w.test. 3600 IN A "
	    "192.0.2.7" };
	static const char *const dn[] = {
		"old.w.test. 300 IN DNAME new.w.test." };
	static const char *const lng[] = { "long.w.test. 3600 IN DNAME "
	    LONG63 "." LONG63 "." LONG63 ".example." };

	ASK(f, "x.old.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, one,
	    none);
	/* The leading labels as asked, case and all; any type. */
	ASK(f, "A.b.old.w.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NXDOMAIN, two,
	    soa);
	ASK(f, "www.ext.w.test.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, ext,
	    none);
	/* The owner is not redirected, and holds other data. */
	ASK(f, "old.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, self,
	    none);
	ASK(f, "old.w.test.", LDNS_RR_TYPE_DNAME, LDNS_RCODE_NOERROR, dn,
	    none);
	/* 4 + 201 bytes fit in 255 (RFC 6672 2.2); 64 + 201 do not. */
	ask(f, "abc.long.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(f->p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(f->p), 2);
	ASK(f, LONG63 ".long.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_YXDOMAIN,
	    lng, none);
}

/*
 * A CNAME chain goes on where the name it reaches does (RFC 1034 4.3.2):
 * into a wildcard, whose records the target name owns (RFC 4592 2.1.3);
 * into a DNAME, which adds itself and its CNAME (RFC 6672 3.1); below a
 * cut, to the referral (step 3.b), or to the cut's DS on the parent side.
 * The end's MX brings its addresses, as without a chain.  Knot answers
 * so; the zone 22-knot-diff compares found each of these.
 */
static void
cname_into_synthesis(void **state)
{
	struct fixture		*f = *state;
	static const char *const wild[] = {
		"towild.w.test. 3600 IN CNAME foo.wild.w.test.",
		"foo.wild.w.test. 3600 IN A 192.0.2.1" };
	static const char *const wmx[] = {
		"towild.w.test. 3600 IN CNAME foo.wild.w.test.",
		"foo.wild.w.test. 3600 IN MX 10 mail.w.test." };
	static const char *const cn[] = {
		"tocn.w.test. 3600 IN CNAME x.cn.w.test.",
		"x.cn.w.test. 3600 IN CNAME target.w.test.",
		"target.w.test. 3600 IN A 192.0.2.9" };
	static const char *const old[] = {
		"toold.w.test. 3600 IN CNAME y.old.w.test.",
		"old.w.test. 300 IN DNAME new.w.test.",
		"y.old.w.test. 300 IN CNAME y.new.w.test.",
		"y.new.w.test. 3600 IN A 192.0.2.71" };
	static const char *const lng[] = {
		"tolong.w.test. 3600 IN CNAME " LONG63 ".long.w.test.",
		"long.w.test. 3600 IN DNAME " LONG63 "." LONG63 "." LONG63
		    ".example." };
	static const char *const cut[] = {
		"tocut.w.test. 3600 IN CNAME sub.w.test." };
	static const char *const below[] = {
		"tobelow.w.test. 3600 IN CNAME a.b.sub.w.test." };
	static const char *const ref[] = {
		"sub.w.test. 3600 IN NS ns.sub.w.test." };
	static const char *const ds[] = {
		"tocut.w.test. 3600 IN CNAME sub.w.test.",
		"sub.w.test. 3600 IN DS 1 13 2 " DS64 };
	static const char *const mx[] = {
		"tomx.w.test. 3600 IN CNAME mxhost.w.test.",
		"mxhost.w.test. 3600 IN MX 10 mail.w.test." };

	ASK(f, "towild.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, wild,
	    none);
	ASK(f, "towild.w.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, wmx,
	    none);
	assert_int_equal(ldns_pkt_arcount(f->p), 1);
	ASK(f, "tocn.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, cn, none);
	ASK(f, "toold.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, old,
	    none);
	ASK(f, "tolong.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_YXDOMAIN, lng,
	    none);
	ASK(f, "tocut.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, cut, ref);
	assert_int_equal(ldns_pkt_arcount(f->p), 1);	/* the glue */
	ASK(f, "tobelow.w.test.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, below,
	    ref);
	ASK(f, "tocut.w.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, ds,
	    none);
	ASK(f, "tomx.w.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, mx, none);
	assert_int_equal(ldns_pkt_arcount(f->p), 1);
}

/*
 * After a DNAME the lookup goes on with the CNAME's target while it is in
 * the zone (RFC 6672 3.1 step 3.c), as Knot does: into a name, a wildcard
 * (owned by the target, spelled as asked), an MX with its address, a cut,
 * a managed name, another DNAME; NXDOMAIN with the SOA when the target
 * does not exist (RFC 6604 2).  A CNAME asked for is not followed, a
 * name grown past 255 octets is YXDOMAIN, and a DNAME loop ends.
 */
static void
dname_followed(void **state)
{
	struct fixture		*f = *state;
	static const char *const wild[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"Q.Wn.OLD.w.test. 300 IN CNAME Q.Wn.new.w.test.",
		"Q.Wn.new.w.test. 3600 IN A 192.0.2.72" };
	static const char *const mx[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"mx.old.w.test. 300 IN CNAME mx.new.w.test.",
		"mx.new.w.test. 3600 IN MX 10 mail.w.test." };
	static const char *const cut[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"a.dl.old.w.test. 300 IN CNAME a.dl.new.w.test." };
	static const char *const ref[] = {
		"dl.new.w.test. 3600 IN NS ns.sub.w.test." };
	static const char *const man[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"m.old.w.test. 300 IN CNAME m.new.w.test.",
		"m.new.w.test. 30 IN A 198.51.100.1" };
	static const char *const two[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"x.dn2.old.w.test. 300 IN CNAME x.dn2.new.w.test.",
		"dn2.new.w.test. 3600 IN DNAME new.w.test.",
		"x.dn2.new.w.test. 3600 IN CNAME x.new.w.test.",
		"x.new.w.test. 3600 IN A 192.0.2.70" };
	static const char *const cn[] = {
		"old.w.test. 300 IN DNAME new.w.test.",
		"x.old.w.test. 300 IN CNAME x.new.w.test." };

	ASK(f, "Q.Wn.OLD.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, wild,
	    none);
	ASK(f, "mx.old.w.test.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, mx,
	    none);
	assert_int_equal(ldns_pkt_arcount(f->p), 1);	/* mail's A */
	ask(f, "a.dl.old.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(f->p), LDNS_RCODE_NOERROR);
	tu_assert_rrs(ldns_pkt_answer(f->p), cut, NITEMS(cut), __FILE__,
	    __LINE__);
	tu_assert_rrs(ldns_pkt_authority(f->p), ref, NITEMS(ref), __FILE__,
	    __LINE__);
	ASK(f, "m.old.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, man,
	    none);
	/* The managed name's AAAA: its pool has none, NODATA. */
	ask(f, "m.old.w.test.", LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_pkt_ancount(f->p), 2);
	ASK(f, "x.dn2.old.w.test.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, two,
	    none);
	ASK(f, "x.old.w.test.", LDNS_RR_TYPE_CNAME, LDNS_RCODE_NOERROR, cn,
	    none);
	/* A second DNAME whose name would pass 255 octets: YXDOMAIN. */
	ask(f, LONG63 ".lng.old.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(f->p), LDNS_RCODE_YXDOMAIN);
	assert_int_equal(ldns_pkt_ancount(f->p), 3);
	/* loop.new leads back below old: 8 DNAMEs after the first, then
	   the last CNAME is left for the resolver. */
	ask(f, "a.loop.old.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(f->p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(f->p), 2 + 2 * 8);
	/* Through a DNAME the case of the name asked is kept. */
	ask(f, "X.OLD.w.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_ancount(f->p), 3);
}

/*
 * Serving a zone and its parent, DS at the child's apex is the parent's
 * (RFC 4035 3.1.4.1): its DS RRset, or its NODATA with the parent's SOA;
 * every other type there is the child's.
 */
static void
ds_at_child_apex(void **state)
{
	struct fixture		*f = *state;
	static const char *const ds[] = {
		"kid.w.test. 3600 IN DS 2 13 2 " DS64 };
	static const char *const kns[] = {
		"kid.w.test. 3600 IN NS ns.kid.w.test." };
	static const char *const ksoa[] = {
		"kid.w.test. 3600 IN SOA ns.kid.w.test. h.kid.w.test. 1 "
		    "3600 900 604800 60" };
	static const char *const kneg[] = {
		"kid.w.test. 60 IN SOA ns.kid.w.test. h.kid.w.test. 1 "
		    "3600 900 604800 60" };

	ASK(f, "kid.w.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, ds, none);
	ASK(f, "KID.w.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, ds, none);
	ASK(f, "nods.w.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, none,
	    soa);
	ASK(f, "kid.w.test.", LDNS_RR_TYPE_NS, LDNS_RCODE_NOERROR, kns, none);
	ASK(f, "kid.w.test.", LDNS_RR_TYPE_SOA, LDNS_RCODE_NOERROR, ksoa,
	    none);
	/* Below the apex the child answers DS too: it has none. */
	ASK(f, "ns.kid.w.test.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, none,
	    kneg);
}

/*
 * RRSIG and NSEC may sit beside a CNAME (RFC 4035 2.5, RFC 2181 10.1):
 * asked for, the CNAME is not followed, and unsigned, there are none.
 */
static void
rrsig_beside_cname(void **state)
{
	struct fixture	*f = *state;

	ASK(f, "tocn.w.test.", LDNS_RR_TYPE_RRSIG, LDNS_RCODE_NOERROR, none,
	    soa);
	ASK(f, "tocn.w.test.", LDNS_RR_TYPE_NSEC, LDNS_RCODE_NOERROR, none,
	    soa);
	/* Through a wildcard CNAME the same. */
	ASK(f, "q.cn.w.test.", LDNS_RR_TYPE_RRSIG, LDNS_RCODE_NOERROR, none,
	    soa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synthesized),
		cmocka_unit_test(owner_is_the_question),
		cmocka_unit_test(blocked),
		cmocka_unit_test(nodata_and_any),
		cmocka_unit_test(mx_glue),
		cmocka_unit_test(cnames),
		cmocka_unit_test(managed_wildcard),
		cmocka_unit_test(below_a_cut),
		cmocka_unit_test(sibling_glue),
		cmocka_unit_test(every_length),
		cmocka_unit_test(dname),
		cmocka_unit_test(dname_followed),
		cmocka_unit_test(ds_at_child_apex),
		cmocka_unit_test(cname_into_synthesis),
		cmocka_unit_test(rrsig_beside_cname),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
