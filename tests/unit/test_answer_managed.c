/* test_answer_managed.c -- managed names end to end: conf, zone db, answer */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "health.h"
#include "lb.h"
#include "wire.h"
#include "zone.h"

#ifndef CONF_DIR
#error CONF_DIR must name tests/unit/conf
#endif

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ADDRS	64

static const char	*zone_head =
	"origin = \"lb.example.\";\n"
	"ttl = 300;\n"
	"soa = { mname = \"ns1\"; rname = \"hostmaster\"; serial = 7;\n"
	"\tminimum = 60; };\n"
	"ns = [ \"ns1\" ];\n"
	"records = [\n"
	"\t\"ns1 A 192.0.2.1\",\n"
	"\t\"alias CNAME www\",\n"
	"\t\"alias2 120 CNAME alias\",\n"
	"\t\"tonodata CNAME nodata\",\n"
	"\t\"tosorry CNAME fbc\",\n"
	"\t\"tocdn CNAME cdn\",\n"
	"\t\"www TXT \\\"static\\\"\"\n"
	"];\n"
	"checks = { web = { type = \"tcp\"; port = 80; }; };\n"
	"regions = {\n"
	"\teu = [ \"192.0.2.0/24\", \"2001:db8:e::/48\" ];\n"
	"\tus = [ \"198.51.100.0/24\", \"2001:db8:a::/48\" ];\n"
	"\tbig = [ \"10.0.0.0/8\" ];\n"
	"\tsmall = [ \"10.1.0.0/16\" ];\n"
	"};\n"
	"pools = {\n"
	"\tweb = { check = \"web\"; members = (\n"
	"\t\t{ address = \"192.0.2.10\"; weight = 3; region = \"eu\"; },\n"
	"\t\t{ address = \"192.0.2.11\"; region = \"us\"; },\n"
	"\t\t{ address = \"192.0.2.12\"; region = \"eu\"; },\n"
	"\t\t{ address = \"2001:db8::10\"; region = \"eu\"; },\n"
	"\t\t{ address = \"2001:db8::11\"; region = \"us\"; }\n"
	"\t); };\n"
	"\tv4only = { members = ( { address = \"192.0.2.20\"; },\n"
	"\t\t{ address = \"192.0.2.21\"; } ); };\n"
	"\ttiers = { members = (\n"
	"\t\t{ address = \"192.0.2.30\"; },\n"
	"\t\t{ address = \"192.0.2.31\"; priority = 2; },\n"
	"\t\t{ address = \"2001:db8::30\"; },\n"
	"\t\t{ address = \"2001:db8::31\"; priority = 2; }\n"
	"\t); };\n"
	"\tmany = { members = (\n"
	"\t\t{ address = \"192.0.2.40\"; }, { address = \"192.0.2.41\"; },\n"
	"\t\t{ address = \"192.0.2.42\"; }, { address = \"192.0.2.43\"; },\n"
	"\t\t{ address = \"192.0.2.44\"; }, { address = \"192.0.2.45\"; },\n"
	"\t\t{ address = \"192.0.2.46\"; }, { address = \"192.0.2.47\"; },\n"
	"\t\t{ address = \"192.0.2.48\"; }, { address = \"192.0.2.49\"; }\n"
	"\t); };\n"
	"\tdrained = { members = (\n"
	"\t\t{ address = \"192.0.2.50\"; admin = \"drain\"; },\n"
	"\t\t{ address = \"192.0.2.51\"; },\n"
	"\t\t{ address = \"192.0.2.52\"; admin = \"down\"; },\n"
	"\t\t{ address = \"192.0.2.53\"; },\n"
	"\t\t{ address = \"2001:db8::50\"; admin = \"drain\"; },\n"
	"\t\t{ address = \"2001:db8::51\"; }\n"
	"\t); };\n"
	"\tweights = { members = (\n"
	"\t\t{ address = \"192.0.2.70\"; weight = 1; },\n"
	"\t\t{ address = \"192.0.2.71\"; weight = 2; },\n"
	"\t\t{ address = \"192.0.2.72\"; weight = 3; },\n"
	"\t\t{ address = \"192.0.2.73\"; weight = 4; }\n"
	"\t); };\n"
	"\tdead = { members = (\n"
	"\t\t{ address = \"192.0.2.66\"; admin = \"down\"; },\n"
	"\t\t{ address = \"2001:db8::66\"; admin = \"drain\"; }\n"
	"\t); };\n"
	"\tcdn = { check = \"web\"; members = (\n"
	"\t\t{ name = \"a.cdn-one.example.\"; weight = 7;\n"
	"\t\t\tcheck_address = \"192.0.2.80\"; },\n"
	"\t\t{ name = \"b.cdn-two.example.\"; weight = 3;\n"
	"\t\t\tcheck_address = \"192.0.2.81\"; }\n"
	"\t); };\n"
	"\thuge = { members = (\n";

/* The members of "huge" go between head and tail. */
static const char	*zone_tail =
	"\t); };\n"
	"};\n"
	"names = {\n"
	"\twww = { pool = \"web\"; strategy = \"round_robin\"; ttl = 30;\n"
	"\t\tdegraded_ttl = 5; };\n"
	"\twgt = { pool = \"web\"; strategy = \"weighted\"; };\n"
	"\tfo = { pool = \"tiers\"; strategy = \"failover\"; ttl = 40; };\n"
	"\thash = { pool = \"web\"; strategy = \"ip_hash\"; };\n"
	"\tgeo = { pool = \"web\"; strategy = \"geo\"; };\n"
	"\tnoecs = { pool = \"web\"; strategy = \"ip_hash\"; ecs = false; };\n"
	"\tv4 = { pool = \"v4only\"; };\n"
	"\tcapped = { pool = \"many\"; max_answers = 3; };\n"
	"\tdrn = { pool = \"drained\"; strategy = \"random\"; };\n"
	"\tdrnhash = { pool = \"drained\"; chain = [ \"hash\" ]; };\n"
	"\topen = { pool = \"dead\"; degraded_ttl = 3; };\n"
	"\tnodata = { pool = \"dead\"; all_down = \"nodata\"; };\n"
	"\tfail = { pool = \"dead\"; all_down = \"servfail\"; };\n"
	"\tfb = { pool = \"dead\"; all_down = \"fallback\";\n"
	"\t\tfallback = [ \"203.0.113.1\" ]; degraded_ttl = 10; };\n"
	"\tfb2 = { pool = \"dead\"; fallback = [ \"203.0.113.2\",\n"
	"\t\t\"2001:db8::fb\" ]; };\n"
	"\tfbc = { pool = \"dead\"; fallback_cname = \"sorry.example.net.\";\n"
	"\t\tdegraded_ttl = 12; };\n"
	"\tbig = { pool = \"huge\"; };\n"
	"\tpick1 = { pool = \"weights\"; chain = [ \"up\", \"weighted\",\n"
	"\t\t\"first 1\" ]; };\n"
	"\trr1 = { pool = \"many\"; strategy = \"round_robin\";\n"
	"\t\tmax_answers = 1; };\n"
	"\trnd1 = { pool = \"many\"; chain = [ \"shuffle\", \"first 1\" ]; };\n"
	"\tapex = { owner = \"@\"; pool = \"v4only\"; };\n"
	"\tdeep = { owner = \"a.b.deep\"; pool = \"v4only\"; ttl = 7; };\n"
	"\tcdn = { pool = \"cdn\"; strategy = \"weighted\"; ttl = 30;\n"
	"\t\tdegraded_ttl = 10; fallback_cname = \"sorry.example.\"; };\n"
	"};\n";

#define HUGE_N	40	/* 40 A records: 640 bytes, more than 512 */

/* What every test shares: the loaded zone and a fresh health table. */
struct mt {
	char			 dir[64];
	struct conf		*conf;
	struct zone_db		*db;
	struct health		*health;
	struct answer_stats	 stats;
	struct sockaddr_storage	 client;
	uint64_t		 rng;
	struct answer_env	 env;
};

/* One response, parsed. */
struct ans {
	uint8_t		 wire[ANSWER_TCP_MAX];
	size_t		 len;
	ldns_pkt	*pkt;
	size_t		 naddr;		/* A and AAAA in the answer */
	char		 addr[MAX_ADDRS][INET6_ADDRSTRLEN];
	uint32_t	 ttl[MAX_ADDRS];
	char		 owner[MAX_ADDRS][64];
	bool		 ecs;
	uint16_t	 ecs_family;
	uint8_t		 ecs_source, ecs_scope;
	uint8_t		 ecs_addr[16];
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *dir, const char *name)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void
print_errs(const struct conf_errs *errs)
{
	size_t	 i;

	for (i = 0; i < errs->n; i++)
		print_error("conf: %s\n", errs->msg[i]);
}

static int
group_setup(void **state)
{
	struct mt		*t;
	struct conf_errs	 errs = { 0 };
	char			 members[HUGE_N * 48], path[128], *text;
	size_t			 i, off = 0;
	int			 n;

	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "%s/steer-managed.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	for (i = 0; i < HUGE_N; i++)
		off += snprintf(members + off, sizeof(members) - off,
		    "\t\t{ address = \"10.9.0.%zu\"; }%s\n", i + 1,
		    i + 1 < HUGE_N ? "," : "");
	n = snprintf(NULL, 0, "%s%s%s", zone_head, members, zone_tail);
	assert_non_null(text = malloc(n + 1));
	snprintf(text, n + 1, "%s%s%s", zone_head, members, zone_tail);
	write_file(t->dir, "z.conf", text);
	free(text);
	write_file(t->dir, "main.conf", "server = { listen = [ "
	    "\"127.0.0.1:5300\" ]; };\nzones = [ \"z.conf\" ];\n");
	snprintf(path, sizeof(path), "%s/main.conf", t->dir);
	if (conf_load(path, &t->conf, &errs) != 0) {
		print_errs(&errs);
		conf_errs_clear(&errs);
		fail_msg("the test zone does not load");
	}
	remove_file(t->dir, "z.conf");
	remove_file(t->dir, "main.conf");
	rmdir(t->dir);
	t->db = zone_db_new(t->conf);
	*state = t;
	return 0;
}

static int
group_teardown(void **state)
{
	struct mt	*t = *state;

	zone_db_free(t->db);
	conf_free(t->conf);
	free(t);
	return 0;
}

/* The client's source address, IPv4 or IPv6. */
static void
set_client(struct mt *t, const char *addr)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&t->client;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&t->client;

	memset(&t->client, 0, sizeof(t->client));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000);
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(40000);
}

/* A fresh health table with each target's initial admin state. */
static int
setup(void **state)
{
	struct mt	*t = *state;
	size_t		 i;

	t->health = health_new(t->db->ntargets);
	for (i = 0; i < t->db->ntargets; i++)
		health_set_admin(t->health, i, t->db->targets[i].admin);
	memset(&t->stats, 0, sizeof(t->stats));
	t->rng = 0x243f6a8885a308d3ULL;
	set_client(t, "198.51.100.7");
	t->env.db = t->db;
	t->env.edns_payload = 1232;
	t->env.tcp = false;
	t->env.stats = &t->stats;
	t->env.health = t->health;
	t->env.client = (const struct sockaddr *)&t->client;
	t->env.rng = &t->rng;
	return 0;
}

static int
teardown(void **state)
{
	struct mt	*t = *state;

	health_free(t->health);
	t->health = NULL;
	return 0;
}

/* The health slot of the member with this address. */
static size_t
slot_of(const struct mt *t, const char *addr)
{
	uint8_t	 a[16] = { 0 };
	uint8_t	 fam = 4;
	size_t	 i;

	if (inet_pton(AF_INET, addr, a) != 1) {
		assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
		fam = 6;
	}
	for (i = 0; i < t->db->ntargets; i++)
		if (t->db->targets[i].family == fam &&
		    memcmp(t->db->targets[i].addr, a, 16) == 0)
			return i;
	fail_msg("no target %s", addr);
	return 0;
}

/* The ECS option of our OPT RR, if any (walks the raw response). */
static void
find_ecs(struct ans *a)
{
	const uint8_t	*p = a->wire;
	size_t		 off = WIRE_HDR_LEN, i, n, rdlen, o, end;
	uint16_t	 type, code, olen;

	a->ecs = false;
	assert_int_equal(wire_get16(p + 4), 1);
	assert_int_equal(wire_skip_name(p, a->len, &off), 0);
	off += 4;
	n = wire_get16(p + 6) + wire_get16(p + 8) + wire_get16(p + 10);
	for (i = 0; i < n; i++) {
		assert_int_equal(wire_skip_name(p, a->len, &off), 0);
		assert_true(off + 10 <= a->len);
		type = wire_get16(p + off);
		rdlen = wire_get16(p + off + 8);
		off += 10;
		assert_true(off + rdlen <= a->len);
		if (type == WIRE_TYPE_OPT) {
			for (o = off, end = off + rdlen; o + 4 <= end;
			    o += 4 + olen) {
				code = wire_get16(p + o);
				olen = wire_get16(p + o + 2);
				assert_true(o + 4 + olen <= end);
				if (code != WIRE_EDNS_ECS)
					continue;
				assert_true(olen >= 4);
				a->ecs = true;
				a->ecs_family = wire_get16(p + o + 4);
				a->ecs_source = p[o + 6];
				a->ecs_scope = p[o + 7];
				memset(a->ecs_addr, 0, sizeof(a->ecs_addr));
				memcpy(a->ecs_addr, p + o + 8, olen - 4);
			}
		}
		off += rdlen;
	}
	assert_int_equal(off, a->len);
}

/*
 * Ask name/type.  edns: NULL for none, "" for EDNS without ECS, or an ECS
 * subnet "ADDRESS/LENGTH".  Fills a (free a->pkt with ans_free()).
 */
static void
ask(struct mt *t, const char *name, ldns_rr_type type, const char *edns,
    struct ans *a)
{
	ldns_pkt	*q;
	ldns_rdf	*d;
	ldns_rr_list	*an;
	ldns_rr		*rr;
	uint8_t		*qw, opt[4 + 4 + 16], addr[16] = { 0 };
	char		 buf[64], *slash, *s;
	size_t		 qlen, i, alen;
	unsigned	 src;
	uint16_t	 fam;

	memset(a, 0, sizeof(*a));
	assert_non_null(d = ldns_dname_new_frm_str(name));
	assert_non_null(q = ldns_pkt_query_new(d, type, LDNS_RR_CLASS_IN,
	    LDNS_RD));
	ldns_pkt_set_id(q, 0x1234);
	if (edns != NULL) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		if (*edns != '\0') {
			snprintf(buf, sizeof(buf), "%s", edns);
			assert_non_null(slash = strchr(buf, '/'));
			*slash = '\0';
			src = atoi(slash + 1);
			fam = 1;
			if (inet_pton(AF_INET, buf, addr) != 1) {
				assert_int_equal(inet_pton(AF_INET6, buf,
				    addr), 1);
				fam = 2;
			}
			alen = (src + 7) / 8;
			wire_put16(opt, WIRE_EDNS_ECS);
			wire_put16(opt + 2, 4 + alen);
			wire_put16(opt + 4, fam);
			opt[6] = src;
			opt[7] = 0;
			memcpy(opt + 8, addr, alen);
			ldns_pkt_set_edns_data(q, ldns_rdf_new_frm_data(
			    LDNS_RDF_TYPE_UNKNOWN, 8 + alen, opt));
		}
	}
	assert_int_equal(ldns_pkt2wire(&qw, q, &qlen), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	a->len = answer_query(&t->env, qw, qlen, a->wire, t->env.tcp ?
	    ANSWER_TCP_MAX : ANSWER_UDP_MAX);
	free(qw);
	assert_true(a->len >= WIRE_HDR_LEN);
	assert_int_equal(ldns_wire2pkt(&a->pkt, a->wire, a->len),
	    LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(a->pkt), 0x1234);
	assert_true(ldns_pkt_qr(a->pkt));
	an = ldns_pkt_answer(a->pkt);
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A &&
		    ldns_rr_get_type(rr) != LDNS_RR_TYPE_AAAA)
			continue;
		assert_true(a->naddr < MAX_ADDRS);
		s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		snprintf(a->addr[a->naddr], sizeof(a->addr[0]), "%s", s);
		free(s);
		s = ldns_rdf2str(ldns_rr_owner(rr));
		snprintf(a->owner[a->naddr], sizeof(a->owner[0]), "%s", s);
		free(s);
		a->ttl[a->naddr++] = ldns_rr_ttl(rr);
	}
	find_ecs(a);
}

static void
ans_free(struct ans *a)
{
	ldns_pkt_free(a->pkt);
	a->pkt = NULL;
}

static bool
has_addr(const struct ans *a, const char *addr)
{
	size_t	 i;

	for (i = 0; i < a->naddr; i++)
		if (strcmp(a->addr[i], addr) == 0)
			return true;
	return false;
}

/* The answer holds exactly these addresses, in any order, with ttl. */
static void
assert_addrs(const struct ans *a, const char *const *want, size_t n,
    uint32_t ttl, const char *what)
{
	size_t	 i;

	if (a->naddr != n)
		fail_msg("%s: %zu addresses, want %zu", what, a->naddr, n);
	for (i = 0; i < n; i++) {
		if (!has_addr(a, want[i]))
			fail_msg("%s: %s missing", what, want[i]);
		if (a->ttl[i] != ttl)
			fail_msg("%s: %s has TTL %u, want %u", what, a->addr[i],
			    a->ttl[i], ttl);
	}
}

#define ASSERT_ADDRS(a, want, ttl, what) \
	assert_addrs((a), (want), NITEMS(want), (ttl), (what))

/* NOERROR, no data, the SOA in authority with the negative TTL. */
static void
assert_nodata(const struct ans *a, const char *what)
{
	ldns_rr_list	*ns = ldns_pkt_authority(a->pkt);
	ldns_rr		*soa;

	if (ldns_pkt_get_rcode(a->pkt) != LDNS_RCODE_NOERROR)
		fail_msg("%s: rcode %d", what, ldns_pkt_get_rcode(a->pkt));
	if (ldns_pkt_ancount(a->pkt) != 0)
		fail_msg("%s: %u answers", what, ldns_pkt_ancount(a->pkt));
	if (ldns_rr_list_rr_count(ns) != 1)
		fail_msg("%s: %zu authority records", what,
		    ldns_rr_list_rr_count(ns));
	soa = ldns_rr_list_rr(ns, 0);
	assert_int_equal(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_rr_ttl(soa), 60);
	assert_true(ldns_pkt_aa(a->pkt));
}

/* ------------------------------------------------------ pools of names */

/*
 * The one record of an answer from a pool of names: a CNAME owned by the
 * name asked, with ttl; its target (free it).
 */
static char *
one_cname(const struct ans *a, const char *owner, size_t nan, uint32_t ttl)
{
	ldns_rr_list	*an = ldns_pkt_answer(a->pkt);
	ldns_rr		*rr;
	char		*o;

	assert_int_equal(ldns_pkt_get_rcode(a->pkt), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(a->pkt));
	assert_false(ldns_pkt_tc(a->pkt));
	assert_int_equal(ldns_rr_list_rr_count(an), nan);
	rr = ldns_rr_list_rr(an, nan - 1);
	assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	assert_int_equal(ldns_rr_ttl(rr), ttl);
	o = ldns_rdf2str(ldns_rr_owner(rr));
	assert_string_equal(o, owner);
	free(o);
	assert_int_equal(ldns_pkt_nscount(a->pkt), 0);
	return ldns_rdf2str(ldns_rr_rdf(rr, 0));
}

/* A, AAAA, any other type and ANY: one CNAME to a member, as asked. */
static void
names_one_cname(void **state)
{
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_A,
	    LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT,
	    LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_ANY };
	struct mt	*t = *state;
	struct ans	 a;
	size_t		 i;
	char		*tg;

	for (i = 0; i < NITEMS(types); i++) {
		ask(t, "CDN.lb.example.", types[i], i % 2 ? "" : NULL, &a);
		tg = one_cname(&a, "CDN.lb.example.", 1, 30);
		if (strcmp(tg, "a.cdn-one.example.") != 0 &&
		    strcmp(tg, "b.cdn-two.example.") != 0)
			fail_msg("type %d: target %s", types[i], tg);
		free(tg);
		assert_int_equal(a.naddr, 0);
		ans_free(&a);
	}
	/* A static CNAME to it: both links of the chain. */
	ask(t, "tocdn.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	tg = one_cname(&a, "cdn.lb.example.", 2, 30);
	assert_true(strcmp(tg, "a.cdn-one.example.") == 0 ||
	    strcmp(tg, "b.cdn-two.example.") == 0);
	free(tg);
	ans_free(&a);
	ask(t, "tocdn.lb.example.", LDNS_RR_TYPE_TXT, NULL, &a);
	free(one_cname(&a, "cdn.lb.example.", 2, 30));
	ans_free(&a);
}

/*
 * Weights 7:3 over 10,000 answers: 7,000 expected, sd 45.8; a member
 * whose check fails is never answered; all down: the fallback_cname.
 */
static void
names_weighted_and_health(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	size_t		 i, na = 0, nb = 0;
	char		*tg;

	for (i = 0; i < 10000; i++) {
		ask(t, "cdn.lb.example.", i % 2 ? LDNS_RR_TYPE_A :
		    LDNS_RR_TYPE_AAAA, NULL, &a);
		tg = one_cname(&a, "cdn.lb.example.", 1, 30);
		na += strcmp(tg, "a.cdn-one.example.") == 0;
		nb += strcmp(tg, "b.cdn-two.example.") == 0;
		free(tg);
		ans_free(&a);
	}
	if (na < 6800 || na > 7200 || na + nb != 10000)
		fail_msg("7:3 weights gave %zu and %zu of 10,000", na, nb);
	health_set_state(t->health, slot_of(t, "192.0.2.80"), HEALTH_DOWN);
	for (i = 0; i < 200; i++) {
		ask(t, "cdn.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		tg = one_cname(&a, "cdn.lb.example.", 1, 10);
		assert_string_equal(tg, "b.cdn-two.example.");
		free(tg);
		ans_free(&a);
	}
	health_set_state(t->health, slot_of(t, "192.0.2.81"), HEALTH_DOWN);
	ask(t, "cdn.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	tg = one_cname(&a, "cdn.lb.example.", 1, 10);
	assert_string_equal(tg, "sorry.example.");
	free(tg);
	ans_free(&a);
}

/* ---------------------------------------------------------- families */

static void
a_v4_aaaa_v6(void **state)
{
	static const char *const v4[] = { "192.0.2.10", "192.0.2.11",
	    "192.0.2.12" };
	static const char *const v6[] = { "2001:db8::10", "2001:db8::11" };
	struct mt	*t = *state;
	struct ans	 a;
	size_t		 i;

	ask(t, "www.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(a.pkt));
	assert_false(ldns_pkt_tc(a.pkt));
	ASSERT_ADDRS(&a, v4, 30, "www A");
	assert_int_equal(ldns_pkt_ancount(a.pkt), 3);
	for (i = 0; i < a.naddr; i++)
		assert_string_equal(a.owner[i], "www.lb.example.");
	assert_int_equal(ldns_pkt_nscount(a.pkt), 0);
	assert_int_equal(ldns_pkt_arcount(a.pkt), 0);
	ans_free(&a);
	ask(t, "WWW.LB.Example.", LDNS_RR_TYPE_AAAA, "", &a);
	ASSERT_ADDRS(&a, v6, 30, "www AAAA");
	assert_int_equal(ldns_pkt_ancount(a.pkt), 2);
	assert_false(a.ecs);
	ans_free(&a);
	assert_int_equal(t->stats.managed, 2);
	assert_int_equal(t->stats.all_down, 0);
	/* ANY (RFC 8482): one RRset, the pool's IPv4 addresses. */
	ask(t, "www.lb.example.", LDNS_RR_TYPE_ANY, NULL, &a);
	ASSERT_ADDRS(&a, v4, 30, "www ANY");
	assert_int_equal(ldns_pkt_ancount(a.pkt), 3);
	ans_free(&a);
}

static void
aaaa_nodata_without_v6(void **state)
{
	static const char *const v4[] = { "192.0.2.20", "192.0.2.21" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "v4.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	assert_nodata(&a, "v4 AAAA");
	ans_free(&a);
	ask(t, "v4.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, v4, 30, "v4 A");
	ans_free(&a);
	/* Other types at a managed name: NODATA, or the static data. */
	ask(t, "v4.lb.example.", LDNS_RR_TYPE_MX, NULL, &a);
	assert_nodata(&a, "v4 MX");
	ans_free(&a);
	ask(t, "www.lb.example.", LDNS_RR_TYPE_TXT, NULL, &a);
	assert_int_equal(ldns_pkt_ancount(a.pkt), 1);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(
	    ldns_pkt_answer(a.pkt), 0)), LDNS_RR_TYPE_TXT);
	ans_free(&a);
}

/* Owners given with "owner": the apex and a name with dots. */
static void
owners(void **state)
{
	static const char *const v4[] = { "192.0.2.20", "192.0.2.21" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, v4, 30, "apex A");
	ans_free(&a);
	ask(t, "lb.example.", LDNS_RR_TYPE_SOA, NULL, &a);
	assert_int_equal(ldns_pkt_ancount(a.pkt), 1);
	ans_free(&a);
	ask(t, "a.b.deep.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, v4, 7, "a.b.deep A");
	assert_string_equal(a.owner[0], "a.b.deep.lb.example.");
	ans_free(&a);
	/* The empty non-terminal above it exists. */
	ask(t, "b.deep.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_nodata(&a, "b.deep A");
	ans_free(&a);
}

/* ------------------------------------------------------------ TTLs */

static void
ttl_degraded(void **state)
{
	static const char *const v4[] = { "192.0.2.10", "192.0.2.12" };
	static const char *const v6[] = { "2001:db8::10", "2001:db8::11" };
	static const char *const v6b[] = { "2001:db8::10" };
	static const char *const fo[] = { "192.0.2.30" };
	struct mt	*t = *state;
	struct ans	 a;

	health_set_state(t->health, slot_of(t, "192.0.2.11"), HEALTH_DOWN);
	ask(t, "www.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, v4, 5, "www A, one v4 down");
	ans_free(&a);
	/* Only the family with a member down is degraded. */
	ask(t, "www.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	ASSERT_ADDRS(&a, v6, 30, "www AAAA, one v4 down");
	ans_free(&a);
	health_set_admin(t->health, slot_of(t, "2001:db8::11"),
	    HEALTH_ADMIN_DRAIN);
	ask(t, "www.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	ASSERT_ADDRS(&a, v6b, 5, "www AAAA, one v6 drained");
	ans_free(&a);
	/* Back up: normal TTL again. */
	health_set_state(t->health, slot_of(t, "192.0.2.11"), HEALTH_UP);
	ask(t, "www.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(a.naddr, 3);
	assert_int_equal(a.ttl[0], 30);
	ans_free(&a);
	/* Without degraded_ttl it is the ttl. */
	health_set_state(t->health, slot_of(t, "192.0.2.31"), HEALTH_DOWN);
	ask(t, "fo.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, fo, 40, "fo A, tier 2 down");
	ans_free(&a);
}

/* ------------------------------------------------------- strategies */

static void
round_robin_cycles(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	char		 first[3][INET6_ADDRSTRLEN], prev[INET6_ADDRSTRLEN];
	size_t		 k, j;

	for (k = 0; k < 9; k++) {
		ask(t, "www.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 3);
		if (k < 3)
			snprintf(first[k], sizeof(first[k]), "%s", a.addr[0]);
		else
			assert_string_equal(a.addr[0], first[k % 3]);
		/* Each answer is a rotation of the last. */
		if (k > 0)
			assert_string_equal(a.addr[2], prev);
		snprintf(prev, sizeof(prev), "%s", a.addr[0]);
		ans_free(&a);
	}
	for (k = 0; k < 3; k++)
		for (j = k + 1; j < 3; j++)
			assert_string_not_equal(first[k], first[j]);
}

/*
 * A and AAAA rotate each on their own: a client that asks for both in
 * turn (as stub resolvers do) still sees every member first.
 */
static void
round_robin_per_family(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	unsigned	 seen4 = 0, seen6 = 0;
	size_t		 k;

	for (k = 0; k < 12; k++) {
		ask(t, "www.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 3);
		seen4 |= 1u << (a.addr[0][9] - '0');
		ans_free(&a);
		ask(t, "www.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
		assert_int_equal(a.naddr, 2);
		seen6 |= 1u << (a.addr[0][11] - '0');
		ans_free(&a);
	}
	/* 192.0.2.1[0-2] and 2001:db8::1[01] */
	assert_int_equal(seen4, 0x7);
	if (seen6 != 0x3)
		fail_msg("www AAAA asked after each A: first member always "
		    "2001:db8::1%c", seen6 == 1 ? '0' : '1');
}

static void
max_answers_caps(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	unsigned	 seen = 0, d;
	size_t		 k, i;

	for (k = 0; k < 10; k++) {
		ask(t, "capped.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 3);
		assert_int_equal(ldns_pkt_ancount(a.pkt), 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(strncmp(a.addr[i], "192.0.2.4", 9),
			    0);
			d = a.addr[i][9] - '0';
			if (i == 0) {
				assert_false(seen & (1u << d));
				seen |= 1u << d;
			}
		}
		ans_free(&a);
	}
	/* Ten answers of a rotation over ten: each member once first. */
	assert_int_equal(seen, 0x3ff);
}

/* The managed name called label. */
static const struct zone_name *
zname_of(const struct mt *t, const char *label)
{
	const struct zone	*z = &t->db->zones[0];
	size_t			 i;

	for (i = 0; i < z->nnames; i++)
		if (strncmp(z->names[i].name, label, strlen(label)) == 0 &&
		    z->names[i].name[strlen(label)] == '.')
			return &z->names[i];
	fail_msg("no managed name %s", label);
	return NULL;
}

/* How often each of 192.0.2.70..73 is the one answer of "pick1". */
static void
pick1_counts(struct mt *t, unsigned long *seen, size_t runs)
{
	struct ans	 a;
	size_t		 k;

	memset(seen, 0, 4 * sizeof(*seen));
	for (k = 0; k < runs; k++) {
		ask(t, "pick1.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 1);
		assert_int_equal(strncmp(a.addr[0], "192.0.2.7", 9), 0);
		seen[a.addr[0][9] - '0']++;
		ans_free(&a);
	}
}

/*
 * A chain of one ordering step cut to one answer picks that answer
 * directly from a clean pool (zone_name.pick): the same shares as the
 * whole chain, and the whole chain as soon as a member is down.
 */
static void
one_answer_picked(void **state)
{
	struct mt	*t = *state;
	unsigned long	 seen[4];
	/* Chi-squared, 3 degrees of freedom, p = 0.001. */
	const double	 crit = 16.266;
	const double	 all[4] = { 0.1, 0.2, 0.3, 0.4 };
	const double	 three[4] = { 1 / 6.0, 2 / 6.0, 3 / 6.0, 0 };
	double		 x;
	size_t		 i, runs = 40000;

	assert_non_null(zname_of(t, "pick1")->pick);
	assert_non_null(zname_of(t, "rr1")->pick);
	assert_non_null(zname_of(t, "rnd1")->pick);
	assert_null(zname_of(t, "wgt")->pick);		/* no cut */
	assert_null(zname_of(t, "capped")->pick);	/* cut to 3 */
	assert_null(zname_of(t, "fo")->pick);		/* priority first */
	assert_null(zname_of(t, "hash")->pick);		/* hash: no pick */

	pick1_counts(t, seen, runs);
	for (i = 0, x = 0; i < 4; i++)
		x += (seen[i] - runs * all[i]) * (seen[i] - runs * all[i]) /
		    (runs * all[i]);
	if (x > crit)
		fail_msg("weights 1:2:3:4 answered %lu:%lu:%lu:%lu (chi2 %.1f)",
		    seen[0], seen[1], seen[2], seen[3], x);
	health_set_state(t->health, slot_of(t, "192.0.2.73"), HEALTH_DOWN);
	pick1_counts(t, seen, runs);
	assert_int_equal(seen[3], 0);
	for (i = 0, x = 0; i < 3; i++)
		x += (seen[i] - runs * three[i]) * (seen[i] - runs * three[i]) /
		    (runs * three[i]);
	if (x > 13.816)		/* 2 degrees of freedom */
		fail_msg("with .73 down, 1:2:3 answered %lu:%lu:%lu (chi2 %.1f)",
		    seen[0], seen[1], seen[2], x);
}

/* Round robin cut to one answer: each member in turn, in pool order. */
static void
one_answer_rotates(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	unsigned	 seen = 0, d, prev = 10;
	size_t		 k;

	for (k = 0; k < 20; k++) {
		ask(t, "rr1.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 1);
		d = a.addr[0][9] - '0';
		if (prev != 10)
			assert_int_equal(d, (prev + 1) % 10);
		prev = d;
		seen |= 1u << d;
		ans_free(&a);
	}
	assert_int_equal(seen, 0x3ff);
	/* shuffle, first 1: every member, about as often. */
	seen = 0;
	for (k = 0; k < 400; k++) {
		ask(t, "rnd1.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		assert_int_equal(a.naddr, 1);
		seen |= 1u << (a.addr[0][9] - '0');
		ans_free(&a);
	}
	assert_int_equal(seen, 0x3ff);
}

static void
failover_tiers(void **state)
{
	static const char *const t1[] = { "192.0.2.30" };
	static const char *const t2[] = { "192.0.2.31" };
	static const char *const t1v6[] = { "2001:db8::30" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "fo.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, t1, 40, "fo A");
	ans_free(&a);
	health_set_state(t->health, slot_of(t, "192.0.2.30"), HEALTH_DOWN);
	ask(t, "fo.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, t2, 40, "fo A, tier 1 down");
	ans_free(&a);
	/* Each family fails over on its own. */
	ask(t, "fo.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	ASSERT_ADDRS(&a, t1v6, 40, "fo AAAA");
	ans_free(&a);
}

/* ------------------------------------------------------- all down */

static void
all_down_all(void **state)
{
	static const char *const v4[] = { "192.0.2.66" };
	static const char *const v6[] = { "2001:db8::66" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "open.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_NOERROR);
	ASSERT_ADDRS(&a, v4, 3, "open A (fail open)");
	ans_free(&a);
	ask(t, "open.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	ASSERT_ADDRS(&a, v6, 3, "open AAAA (fail open)");
	ans_free(&a);
	/* Fail open is an answer, not an all-down event. */
	assert_int_equal(t->stats.all_down, 0);
}

static void
all_down_nodata(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "nodata.lb.example.", LDNS_RR_TYPE_A, "", &a);
	assert_nodata(&a, "nodata A");
	ans_free(&a);
	ask(t, "nodata.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	assert_nodata(&a, "nodata AAAA");
	ans_free(&a);
	assert_int_equal(t->stats.all_down, 2);
	/* A member back: its address. */
	health_set_admin(t->health, slot_of(t, "192.0.2.66"),
	    HEALTH_ADMIN_NONE);
	ask(t, "nodata.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(a.naddr, 1);
	assert_string_equal(a.addr[0], "192.0.2.66");
	ans_free(&a);
}

static void
all_down_servfail(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	ldns_rr		*q;

	ask(t, "fail.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_SERVFAIL);
	assert_int_equal(ldns_pkt_ancount(a.pkt), 0);
	assert_int_equal(ldns_pkt_qdcount(a.pkt), 1);
	q = ldns_rr_list_rr(ldns_pkt_question(a.pkt), 0);
	assert_int_equal(ldns_rr_get_type(q), LDNS_RR_TYPE_A);
	ans_free(&a);
	ask(t, "fail.lb.example.", LDNS_RR_TYPE_AAAA, "", &a);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_SERVFAIL);
	assert_int_equal(ldns_pkt_ancount(a.pkt), 0);
	assert_true(ldns_pkt_edns(a.pkt));
	ans_free(&a);
	assert_int_equal(t->stats.rcode[LDNS_RCODE_SERVFAIL], 2);
	assert_int_equal(t->stats.all_down, 2);
}

static void
all_down_fallback(void **state)
{
	static const char *const fb[] = { "203.0.113.1" };
	static const char *const fb2[] = { "203.0.113.2" };
	static const char *const fb2v6[] = { "2001:db8::fb" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "fb.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_NOERROR);
	ASSERT_ADDRS(&a, fb, 10, "fb A");
	assert_string_equal(a.owner[0], "fb.lb.example.");
	ans_free(&a);
	/* No IPv6 fallback: NODATA. */
	ask(t, "fb.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	assert_nodata(&a, "fb AAAA");
	ans_free(&a);
	/* fallback without all_down: implied. */
	ask(t, "fb2.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	ASSERT_ADDRS(&a, fb2, 30, "fb2 A");
	ans_free(&a);
	ask(t, "fb2.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	ASSERT_ADDRS(&a, fb2v6, 30, "fb2 AAAA");
	ans_free(&a);
	assert_int_equal(t->stats.all_down, 4);
}

static void
all_down_fallback_cname(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;
	ldns_rr		*rr;
	char		*s;
	ldns_rr_type	 types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	size_t		 i;

	for (i = 0; i < NITEMS(types); i++) {
		ask(t, "fbc.lb.example.", types[i], NULL, &a);
		assert_int_equal(ldns_pkt_get_rcode(a.pkt),
		    LDNS_RCODE_NOERROR);
		assert_int_equal(ldns_pkt_ancount(a.pkt), 1);
		assert_int_equal(a.naddr, 0);
		rr = ldns_rr_list_rr(ldns_pkt_answer(a.pkt), 0);
		assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
		s = ldns_rdf2str(ldns_rr_owner(rr));
		assert_string_equal(s, "fbc.lb.example.");
		free(s);
		s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		assert_string_equal(s, "sorry.example.net.");
		free(s);
		/* Fallback answers have the degraded TTL. */
		assert_int_equal(ldns_rr_ttl(rr), 12);
		ans_free(&a);
	}
}

/* ---------------------------------------------------------- CNAMEs */

static void
cname_to_managed(void **state)
{
	static const char *const v4[] = { "192.0.2.10", "192.0.2.11",
	    "192.0.2.12" };
	static const char *const v6[] = { "2001:db8::10", "2001:db8::11" };
	struct mt	*t = *state;
	struct ans	 a;
	ldns_rr_list	*an;
	ldns_rr		*rr;
	char		*s;
	size_t		 i;

	ask(t, "alias.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	an = ldns_pkt_answer(a.pkt);
	assert_int_equal(ldns_rr_list_rr_count(an), 4);
	rr = ldns_rr_list_rr(an, 0);
	assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	assert_string_equal(s, "www.lb.example.");
	free(s);
	ASSERT_ADDRS(&a, v4, 30, "alias A");
	for (i = 0; i < a.naddr; i++)
		assert_string_equal(a.owner[i], "www.lb.example.");
	ans_free(&a);

	ask(t, "alias2.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	an = ldns_pkt_answer(a.pkt);
	assert_int_equal(ldns_rr_list_rr_count(an), 4);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, 0)),
	    LDNS_RR_TYPE_CNAME);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(an, 0)), 120);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, 1)),
	    LDNS_RR_TYPE_CNAME);
	ASSERT_ADDRS(&a, v6, 30, "alias2 AAAA");
	ans_free(&a);

	/* The pool's health applies through the CNAME too. */
	health_set_admin(t->health, slot_of(t, "192.0.2.11"),
	    HEALTH_ADMIN_DOWN);
	ask(t, "alias.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_int_equal(a.naddr, 2);
	assert_false(has_addr(&a, "192.0.2.11"));
	assert_int_equal(a.ttl[0], 5);
	ans_free(&a);

	/* To an all-down name: the CNAME, then what that name answers. */
	ask(t, "tonodata.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	an = ldns_pkt_answer(a.pkt);
	assert_int_equal(ldns_rr_list_rr_count(an), 1);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, 0)),
	    LDNS_RR_TYPE_CNAME);
	assert_int_equal(ldns_pkt_get_rcode(a.pkt), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_authority(a.pkt)), 1);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(
	    ldns_pkt_authority(a.pkt), 0)), LDNS_RR_TYPE_SOA);
	ans_free(&a);
	ask(t, "tosorry.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	an = ldns_pkt_answer(a.pkt);
	assert_int_equal(ldns_rr_list_rr_count(an), 2);
	rr = ldns_rr_list_rr(an, 1);
	assert_int_equal(ldns_rr_get_type(rr), LDNS_RR_TYPE_CNAME);
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	assert_string_equal(s, "sorry.example.net.");
	free(s);
	ans_free(&a);
}

/* --------------------------------------------------------------- ECS */

static void
assert_ecs(const struct ans *a, uint16_t fam, uint8_t source, uint8_t scope,
    const char *what)
{
	if (!a->ecs)
		fail_msg("%s: no ECS option in the answer", what);
	if (a->ecs_family != fam || a->ecs_source != source ||
	    a->ecs_scope != scope)
		fail_msg("%s: ECS family %u source %u scope %u, want %u %u "
		    "%u", what, a->ecs_family, a->ecs_source, a->ecs_scope,
		    fam, source, scope);
}

static void
ecs_scope_zero(void **state)
{
	static const char *const names[] = { "www.lb.example.",
	    "wgt.lb.example.", "fo.lb.example.", "v4.lb.example.",
	    "capped.lb.example.", "drn.lb.example.", "open.lb.example.",
	    "nodata.lb.example.", "fb.lb.example.", "ns1.lb.example.",
	    "alias.lb.example." };
	struct mt	*t = *state;
	struct ans	 a;
	uint8_t		 want[16] = { 198, 51, 100 };
	size_t		 i;

	for (i = 0; i < NITEMS(names); i++) {
		ask(t, names[i], LDNS_RR_TYPE_A, "198.51.100.0/24", &a);
		assert_ecs(&a, 1, 24, 0, names[i]);
		assert_memory_equal(a.ecs_addr, want, 16);
		ans_free(&a);
	}
	ask(t, "www.lb.example.", LDNS_RR_TYPE_AAAA, "2001:db8:a::/48", &a);
	assert_ecs(&a, 2, 48, 0, "www AAAA");
	ans_free(&a);
	/* SERVFAIL echoes ECS too. */
	ask(t, "fail.lb.example.", LDNS_RR_TYPE_A, "198.51.100.0/24", &a);
	assert_ecs(&a, 1, 24, 0, "fail A");
	ans_free(&a);
}

static void
ecs_hash_scope(void **state)
{
	static const struct {
		ldns_rr_type	 type;
		const char	*ecs;
		uint16_t	 fam;
		uint8_t		 source, scope;
	} cases[] = {
		{ LDNS_RR_TYPE_A, "203.0.113.0/24", 1, 24, 24 },
		{ LDNS_RR_TYPE_A, "203.0.112.0/20", 1, 20, 20 },
		{ LDNS_RR_TYPE_A, "203.0.113.128/25", 1, 25, 24 },
		{ LDNS_RR_TYPE_A, "203.0.113.7/32", 1, 32, 24 },
		{ LDNS_RR_TYPE_A, "0.0.0.0/0", 1, 0, 0 },
		{ LDNS_RR_TYPE_AAAA, "2001:db8:1:2::/64", 2, 64, 56 },
		{ LDNS_RR_TYPE_AAAA, "2001:db8:1:200::/56", 2, 56, 56 },
		{ LDNS_RR_TYPE_AAAA, "2001:db8:1::/48", 2, 48, 48 },
		/* The family of the subnet, not of the question. */
		{ LDNS_RR_TYPE_AAAA, "203.0.113.0/24", 1, 24, 24 },
		{ LDNS_RR_TYPE_A, "2001:db8:1:2::/64", 2, 64, 56 },
	};
	struct mt	*t = *state;
	struct ans	 a;
	char		 what[64];
	size_t		 i;

	for (i = 0; i < NITEMS(cases); i++) {
		ask(t, "hash.lb.example.", cases[i].type, cases[i].ecs, &a);
		snprintf(what, sizeof(what), "hash %s ECS %s",
		    cases[i].type == LDNS_RR_TYPE_A ? "A" : "AAAA",
		    cases[i].ecs);
		assert_ecs(&a, cases[i].fam, cases[i].source, cases[i].scope,
		    what);
		assert_int_equal(a.naddr, cases[i].type == LDNS_RR_TYPE_A ?
		    3 : 2);
		ans_free(&a);
	}
}

/* The same /24 by ECS from anywhere: the same order; others spread. */
static void
ecs_drives_hash(void **state)
{
	struct mt	*t = *state;
	struct ans	 a, ref;
	char		 ecs[32], src[32];
	unsigned	 seen = 0, k;
	size_t		 i;

	ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, "203.0.113.0/24", &ref);
	for (k = 0; k < 50; k++) {
		snprintf(src, sizeof(src), "198.51.%u.%u", k, k * 3);
		set_client(t, src);
		snprintf(ecs, sizeof(ecs), "203.0.113.%u/32", k);
		ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, ecs, &a);
		assert_int_equal(a.naddr, ref.naddr);
		for (i = 0; i < a.naddr; i++)
			assert_string_equal(a.addr[i], ref.addr[i]);
		ans_free(&a);
	}
	ans_free(&ref);
	for (k = 0; k < 64; k++) {
		snprintf(ecs, sizeof(ecs), "100.%u.%u.0/24", k, k * 5 % 256);
		ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, ecs, &a);
		seen |= strcmp(a.addr[0], "192.0.2.10") == 0 ? 1 :
		    strcmp(a.addr[0], "192.0.2.11") == 0 ? 2 : 4;
		ans_free(&a);
	}
	assert_int_equal(seen, 7);
}

/* Without ECS the source address drives hash. */
static void
source_drives_hash(void **state)
{
	struct mt	*t = *state;
	struct ans	 a, ref;
	char		 src[64];
	unsigned	 seen = 0, k;
	size_t		 i;

	set_client(t, "203.0.113.1");
	ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, NULL, &ref);
	for (k = 0; k < 50; k++) {
		snprintf(src, sizeof(src), "203.0.113.%u", k + 2);
		set_client(t, src);
		ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, k % 2 ? "" : NULL,
		    &a);
		for (i = 0; i < a.naddr; i++)
			assert_string_equal(a.addr[i], ref.addr[i]);
		if (k % 2)
			assert_false(a.ecs);
		ans_free(&a);
	}
	/* A v4-mapped IPv6 source is the IPv4 client. */
	set_client(t, "::ffff:203.0.113.200");
	ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	for (i = 0; i < a.naddr; i++)
		assert_string_equal(a.addr[i], ref.addr[i]);
	ans_free(&a);
	ans_free(&ref);
	for (k = 0; k < 64; k++) {
		snprintf(src, sizeof(src), "100.%u.%u.9", k, k * 5 % 256);
		set_client(t, src);
		ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
		seen |= strcmp(a.addr[0], "192.0.2.10") == 0 ? 1 :
		    strcmp(a.addr[0], "192.0.2.11") == 0 ? 2 : 4;
		ans_free(&a);
	}
	assert_int_equal(seen, 7);
	/* An IPv6 source: its /56. */
	set_client(t, "2001:db8:77:100::1");
	ask(t, "hash.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &ref);
	set_client(t, "2001:db8:77:1ff:ffff::9");
	ask(t, "hash.lb.example.", LDNS_RR_TYPE_AAAA, NULL, &a);
	for (i = 0; i < a.naddr; i++)
		assert_string_equal(a.addr[i], ref.addr[i]);
	ans_free(&a);
	ans_free(&ref);
}

/* ecs = false: ECS is echoed with scope 0 and the source decides. */
static void
ecs_disabled(void **state)
{
	struct mt	*t = *state;
	struct ans	 a, ref;
	char		 ecs[32], src[32];
	unsigned	 k;
	size_t		 i;

	for (k = 0; k < 32; k++) {
		snprintf(src, sizeof(src), "100.%u.%u.9", k, k * 7 % 256);
		set_client(t, src);
		ask(t, "noecs.lb.example.", LDNS_RR_TYPE_A, NULL, &ref);
		snprintf(ecs, sizeof(ecs), "%u.%u.0.0/16", k + 1, k * 3);
		ask(t, "noecs.lb.example.", LDNS_RR_TYPE_A, ecs, &a);
		assert_ecs(&a, 1, 16, 0, "noecs A");
		for (i = 0; i < a.naddr; i++)
			assert_string_equal(a.addr[i], ref.addr[i]);
		ans_free(&a);
		ans_free(&ref);
	}
	/* noecs hashes like hash does on the same source. */
	set_client(t, "100.1.7.9");
	ask(t, "noecs.lb.example.", LDNS_RR_TYPE_A, NULL, &ref);
	ask(t, "hash.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	for (i = 0; i < a.naddr; i++)
		assert_string_equal(a.addr[i], ref.addr[i]);
	ans_free(&a);
	ans_free(&ref);
}

static void
ecs_topology(void **state)
{
	static const char *const eu4[] = { "192.0.2.10", "192.0.2.12" };
	static const char *const eu6[] = { "2001:db8::10" };
	static const char *const us4[] = { "192.0.2.11" };
	static const char *const all4[] = { "192.0.2.10", "192.0.2.11",
	    "192.0.2.12" };
	struct mt	*t = *state;
	struct ans	 a;

	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "192.0.2.0/24", &a);
	ASSERT_ADDRS(&a, eu4, 30, "geo A from eu");
	assert_ecs(&a, 1, 24, 24, "geo A from eu");
	ans_free(&a);
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_AAAA, "192.0.2.128/25", &a);
	ASSERT_ADDRS(&a, eu6, 30, "geo AAAA from eu");
	assert_ecs(&a, 1, 25, 24, "geo AAAA from eu");
	ans_free(&a);
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "2001:db8:a:1::/64", &a);
	ASSERT_ADDRS(&a, us4, 30, "geo A from us v6");
	assert_ecs(&a, 2, 64, 48, "geo A from us v6");
	ans_free(&a);
	/* In a region with no member: everyone; scope of the region. */
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "10.1.2.0/24", &a);
	ASSERT_ADDRS(&a, all4, 30, "geo A from small");
	assert_ecs(&a, 1, 24, 16, "geo A from small");
	ans_free(&a);
	/* The /8 holds a /16: scope 16. */
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "10.2.0.0/24", &a);
	ASSERT_ADDRS(&a, all4, 30, "geo A from big");
	assert_ecs(&a, 1, 24, 16, "geo A from big");
	ans_free(&a);
	/* A short ECS: prefixes longer than it are unknown. */
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "192.0.0.0/16", &a);
	ASSERT_ADDRS(&a, all4, 30, "geo A from 192.0/16");
	assert_ecs(&a, 1, 16, 1, "geo A from 192.0/16");
	ans_free(&a);
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "10.0.0.0/12", &a);
	ASSERT_ADDRS(&a, all4, 30, "geo A from 10.0/12");
	assert_ecs(&a, 1, 12, 16, "geo A from 10.0/12");
	ans_free(&a);
	/* In no region: everyone, scope where it left the table. */
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "203.0.113.0/24", &a);
	ASSERT_ADDRS(&a, all4, 30, "geo A from nowhere");
	assert_ecs(&a, 1, 24, 5, "geo A from nowhere");
	ans_free(&a);
	/* No ECS: the source address. */
	set_client(t, "198.51.100.99");
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "", &a);
	ASSERT_ADDRS(&a, us4, 30, "geo A from a us source");
	assert_false(a.ecs);
	ans_free(&a);
	/* The region's only member down: everyone else. */
	health_set_state(t->health, slot_of(t, "192.0.2.11"), HEALTH_DOWN);
	ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "198.51.100.0/24", &a);
	ASSERT_ADDRS(&a, eu4, 30, "geo A, us down");
	ans_free(&a);
}

/* ----------------------------------------------------- never down */

static void
never_down_member(void **state)
{
	static const char *const names[] = { "drn.lb.example.",
	    "drnhash.lb.example." };
	struct mt	*t = *state;
	struct ans	 a;
	char		 src[32];
	unsigned	 seen51 = 0, seen53 = 0;
	size_t		 i, k;

	for (i = 0; i < NITEMS(names); i++)
		for (k = 0; k < 300; k++) {
			snprintf(src, sizeof(src), "100.%zu.%zu.1", k % 256,
			    k / 256);
			set_client(t, src);
			ask(t, names[i], LDNS_RR_TYPE_A, NULL, &a);
			assert_int_equal(a.naddr, 2);
			assert_false(has_addr(&a, "192.0.2.50"));
			assert_false(has_addr(&a, "192.0.2.52"));
			seen51 += strcmp(a.addr[0], "192.0.2.51") == 0;
			seen53 += strcmp(a.addr[0], "192.0.2.53") == 0;
			ans_free(&a);
			ask(t, names[i], LDNS_RR_TYPE_AAAA, NULL, &a);
			assert_int_equal(a.naddr, 1);
			assert_string_equal(a.addr[0], "2001:db8::51");
			ans_free(&a);
		}
	assert_true(seen51 > 100 && seen53 > 100);

	/* Drained at run time, on every kind of name over the pool. */
	health_set_admin(t->health, slot_of(t, "192.0.2.12"),
	    HEALTH_ADMIN_DRAIN);
	for (k = 0; k < 300; k++) {
		snprintf(src, sizeof(src), "100.%zu.%zu.1", k % 256, k / 256);
		set_client(t, src);
		ask(t, k % 3 == 0 ? "www.lb.example." : k % 3 == 1 ?
		    "wgt.lb.example." : "hash.lb.example.", LDNS_RR_TYPE_A,
		    k % 2 ? "192.0.2.0/24" : NULL, &a);
		assert_int_equal(a.naddr, 2);
		assert_false(has_addr(&a, "192.0.2.12"));
		ans_free(&a);
		ask(t, "geo.lb.example.", LDNS_RR_TYPE_A, "192.0.2.0/24", &a);
		assert_int_equal(a.naddr, 1);
		assert_string_equal(a.addr[0], "192.0.2.10");
		ans_free(&a);
	}
}

/* ------------------------------------------------------- truncation */

static void
pool_is_one_rrset(void **state)
{
	struct mt	*t = *state;
	struct ans	 a;

	/* 40 A records do not fit 512 bytes: TC, none of them. */
	ask(t, "big.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_true(ldns_pkt_tc(a.pkt));
	assert_int_equal(ldns_pkt_ancount(a.pkt), 0);
	assert_true(a.len <= 512);
	ans_free(&a);
	assert_int_equal(t->stats.truncated, 1);
	ask(t, "big.lb.example.", LDNS_RR_TYPE_A, "", &a);
	assert_false(ldns_pkt_tc(a.pkt));
	assert_int_equal(a.naddr, HUGE_N);
	ans_free(&a);
	t->env.tcp = true;
	ask(t, "big.lb.example.", LDNS_RR_TYPE_A, NULL, &a);
	assert_false(ldns_pkt_tc(a.pkt));
	assert_int_equal(a.naddr, HUGE_N);
	ans_free(&a);
	t->env.tcp = false;
}

/* --------------------------------------------------- config errors */

/* Load CONF_DIR/zone behind a generated main file. */
static int
load_zone_file(const char *zone, struct conf **c, struct conf_errs *errs)
{
	char	 dir[64], path[128], *text;
	int	 rv, n;

	snprintf(dir, sizeof(dir), "%s/steer-managed.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	n = snprintf(NULL, 0, "server = { listen = [ \"127.0.0.1:5300\" ]; "
	    "};\nzones = [ \"%s/%s\" ];\n", CONF_DIR, zone);
	assert_non_null(text = malloc(n + 1));
	snprintf(text, n + 1, "server = { listen = [ \"127.0.0.1:5300\" ]; "
	    "};\nzones = [ \"%s/%s\" ];\n", CONF_DIR, zone);
	write_file(dir, "main.conf", text);
	free(text);
	snprintf(path, sizeof(path), "%s/main.conf", dir);
	rv = conf_load(path, c, errs);
	remove_file(dir, "main.conf");
	rmdir(dir);
	return rv;
}

static void
config_errors(void **state)
{
	static const struct {
		const char	*file;
		const char	*msg[8];
	} cases[] = {
		{ "managed-bad-strategy", {
		    "12: name \"www\": unknown strategy \"fastest_ever\"" } },
		{ "managed-bad-chain-param", {
		    "13: name \"www\": bad parameter \"v4=33\" for "
		    "\"hash\"" } },
		{ "managed-unknown-chain-param", {
		    "10: name \"www\": unknown parameter \"min=2\" for "
		    "\"priority\"" } },
		{ "managed-chain-step", {
		    "10: name \"www\": unknown strategy \"sticky\"" } },
		{ "managed-no-pool", {
		    "11: name \"www\": pool \"webs\" not found" } },
		{ "managed-no-check", {
		    "11: pool \"web\": check \"http\" not found" } },
		{ "managed-empty-pool", {
		    "8: pool \"web\" is empty" } },
		{ "managed-duplicate-member", {
		    "10: pool \"web\": duplicate member 2001:DB8:0::10" } },
		{ "managed-bad-member-address", {
		    "9: pool \"web\": bad address \"192.0.2.300\"" } },
		{ "managed-weight", {
		    "10: \"weight\" 1001 not in 0..1000" } },
		{ "managed-priority", {
		    "9: \"priority\" 0 not in 1..255" } },
		{ "managed-unknown-region", {
		    "12: pool \"web\": region \"us\" not found" } },
		{ "managed-region-prefix", {
		    "8: region \"eu\": bad prefix \"198.51.100.0\": want "
		    "ADDRESS/LENGTH",
		    "9: region \"eu\": bad prefix \"198.51.100.0/33\": want "
		    "ADDRESS/LENGTH",
		    "10: region \"eu\": bad prefix \"2001:db8::/129\": want "
		    "ADDRESS/LENGTH",
		    "11: region \"eu\": bad prefix \"europe/8\": want "
		    "ADDRESS/LENGTH",
		    "12: region \"eu\": bad prefix \"10.0.0.0/\": want "
		    "ADDRESS/LENGTH" } },
		{ "managed-region-host-bits", {
		    "8: region \"us\": prefix \"198.51.100.1/24\" has bits set "
		    "past /24",
		    "9: region \"us\": prefix \"2001:db8:2::1/48\" has bits "
		    "set past /48" } },
		{ "managed-strategy-and-chain", {
		    "13: name \"www\": give \"strategy\" or \"chain\", not "
		    "both" } },
		{ "managed-fallback-missing", {
		    "10: name \"www\": all_down \"fallback\" needs "
		    "\"fallback\" or \"fallback_cname\"" } },
		{ "managed-fallback-conflict", {
		    "10: name \"www\": a fallback is given but all_down is "
		    "not \"fallback\"" } },
		{ "managed-address-at-name", {
		    "7: A record at the managed name \"www\" (line 12)" } },
		{ "managed-below-cut", {
		    "12: name \"deep\" is at or below the delegation at "
		    "sub.lb.example." } },
		{ "managed-twice", {
		    "11: name \"www2\" is managed twice (also line 10)" } },
		{ "managed-member-key", {
		    "9: unknown key \"wieght\" in a pool member" } },
		{ "managed-all-down-value", {
		    "8: pool \"web\": admin \"maintenance\" is not none, up, "
		    "down or drain",
		    "12: name \"www\": all_down \"refuse\" is not all, "
		    "nodata, servfail or fallback" } },
		/* Pools and regions. */
		{ "pool-missing-members", {
		    "8: pool \"web\": missing \"members\"" } },
		{ "pool-members-not-list", {
		    "7: pool \"web\": \"members\" must be a list ( { address "
		    "= ...; }, ... )",
		    "8: pool \"api\": \"members\" must be a list ( { address "
		    "= ...; }, ... )",
		    "9: pool \"old\": \"members\" must be a list ( { address "
		    "= ...; }, ... )" } },
		{ "pool-too-many-members", {
		    "7: pool \"web\": more than 256 members" } },
		{ "pool-member-not-group", {
		    "8: pool \"web\": a member must be a group { address = "
		    "...; } or { name = ...; }",
		    "10: pool \"web\": a member must be a group { address = "
		    "...; } or { name = ...; }",
		    "11: pool \"web\": a member must be a group { address = "
		    "...; } or { name = ...; }" } },
		{ "pool-bad-check-address", {
		    "9: pool \"web\": bad check_address \"192.0.2.300\"",
		    "11: pool \"web\": bad check_address \"localhost\"",
		    "12: pool \"web\": bad check_address \"10.0.0.1/32\"" } },
		{ "pool-check-port-no-check", {
		    "8: pool \"web\": \"check_port\" but the pool has no "
		    "\"check\"",
		    "9: pool \"web\": \"check_address\" but the pool has no "
		    "\"check\"" } },
		{ "pool-not-group", {
		    "7: pool \"web\" must be a group",
		    "8: pool \"api\" must be a group" } },
		{ "pool-pools-list", {
		    "8: a pool in a list needs \"name\"",
		    "10: pool \"web\" given twice (also line 9)",
		    "11: a pool in the list of pools must be a group",
		    "14: a name in a list needs \"owner\"",
		    "16: a name in the list of names must be a group" } },
		{ "pool-name-in-group", {
		    "7: pool \"web\": \"name\" is for pools written as a "
		    "list" } },
		{ "pool-regions-not-group", {
		    "6: \"regions\" must be a group, not an array" } },
		{ "pool-region-not-array", {
		    "7: region \"eu\" must be an array of prefixes or a "
		    "group, not a string",
		    "8: unknown key \"net\" in a region",
		    "10: region \"sa\" is empty" } },
		{ "pool-region-twice", {
		    "9: prefix \"192.0.2.0/24\" is in two regions, \"eu\" "
		    "and \"us\"",
		    "11: region \"ap\": prefix \"203.0.113.0/24\" given "
		    "twice",
		    "12: prefix \"2001:db8:e:0::/48\" is in two regions, "
		    "\"eu\" and \"ap\"" } },
		/* Names. */
		{ "name-not-group", {
		    "10: name \"www\" must be a group",
		    "11: name \"api\" must be a group" } },
		{ "name-names-list", {
		    "9: \"names\" must be a group, not an array" } },
		{ "name-missing-pool", {
		    "10: missing \"pool\"" } },
		{ "name-bad-owner", {
		    "10: name \"www\": bad owner \"a..b\"",
		    "11: name \"api\": bad owner \"\"",
		    "13: name \"cdn\": bad owner \"0123456789012345678901234"
		    "567890123456789012345678901234567890123\"" } },
		{ "name-outside-zone", {
		    "10: name \"www\" is outside the zone",
		    "11: name \"top\" is outside the zone" } },
		{ "name-bad-fallback", {
		    "12: name \"www\": bad fallback address \"203.0.113.256\"",
		    "14: name \"www\": fallback address 2001:DB8::FB given "
		    "twice",
		    "15: name \"www\": bad fallback address "
		    "\"sorry.example.net.\"" } },
		{ "name-bad-fallback-cname", {
		    "10: name \"www\": bad fallback_cname "
		    "\"sorry..example.net.\"",
		    "11: name \"api\": bad fallback_cname \"\"" } },
		{ "name-both-fallbacks", {
		    "10: name \"www\": give \"fallback\" or "
		    "\"fallback_cname\", not both",
		    "12: name \"api\": give \"fallback\" or "
		    "\"fallback_cname\", not both" } },
		{ "name-long-chain", {
		    "13: name \"www\": more than 15 chain steps",
		    "17: \"chain\" must not be empty" } },
		{ "name-bad-last-step", {
		    "12: name \"www\": \"first\": count \"0\" not in "
		    "1..256" } },
		{ "name-ecs-not-bool", {
		    "10: \"ecs\" must be true or false, not an integer",
		    "11: \"ecs\" must be true or false, not a string" } },
		{ "name-ttl-range", {
		    "10: \"ttl\" -1 not in 0..2147483647",
		    "11: \"ttl\" 2147483648 not in 0..2147483647",
		    "12: \"degraded_ttl\" -5 not in 0..2147483647",
		    "13: \"degraded_ttl\" 4294967296 not in 0..2147483647",
		    "14: \"max_answers\" 257 not in 0..256",
		    "15: \"max_answers\" -1 not in 0..256",
		    "18: \"ttl\" must be an integer, not a string" } },
	};
	struct conf		*c;
	struct conf_errs	 errs;
	char			 zone[128], want[512];
	size_t			 i, k, n;
	bool			 bad;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		snprintf(zone, sizeof(zone), "%s.zone.conf", cases[i].file);
		memset(&errs, 0, sizeof(errs));
		c = NULL;
		if (load_zone_file(zone, &c, &errs) != -1) {
			conf_free(c);
			fail_msg("%s: loaded", zone);
		}
		for (n = 0; n < NITEMS(cases[i].msg) && cases[i].msg[n] !=
		    NULL; n++)
			;
		bad = errs.n != n;
		for (k = 0; k < n && !bad; k++) {
			snprintf(want, sizeof(want), "%s/%s:%s", CONF_DIR, zone,
			    cases[i].msg[k]);
			bad = strcmp(errs.msg[k], want) != 0;
		}
		if (bad) {
			for (k = 0; k < n; k++)
				print_error("want: %s/%s:%s\n", CONF_DIR, zone,
				    cases[i].msg[k]);
			print_errs(&errs);
			conf_errs_clear(&errs);
			fail_msg("%s: other messages than expected", zone);
		}
		conf_errs_clear(&errs);
	}
}

/*
 * Pools and names written as lists (which libconfig reads in linear
 * time, where a large group takes quadratic time) load as the same
 * configuration as the groups.
 */
static void
config_lists_as_groups(void **state)
{
	struct conf		*g = NULL, *l = NULL;
	struct conf_errs	 errs = { 0 };
	const struct conf_zone	*zg, *zl;
	size_t			 i, k;

	(void)state;
	assert_int_equal(load_zone_file("form-groups.zone.conf", &g, &errs),
	    0);
	assert_int_equal(load_zone_file("form-lists.zone.conf", &l, &errs),
	    0);
	zg = &g->zones[0];
	zl = &l->zones[0];
	assert_int_equal(zg->npools, 2);
	assert_int_equal(zl->npools, zg->npools);
	for (i = 0; i < zg->npools; i++) {
		assert_string_equal(zl->pools[i].name, zg->pools[i].name);
		assert_int_equal(zl->pools[i].nmembers, zg->pools[i].nmembers);
		for (k = 0; k < zg->pools[i].nmembers; k++)
			assert_memory_equal(&zl->pools[i].members[k].family,
			    &zg->pools[i].members[k].family,
			    offsetof(struct conf_member, admin) -
			    offsetof(struct conf_member, family) + 1);
	}
	assert_int_equal(zg->nnames, 2);
	assert_int_equal(zl->nnames, zg->nnames);
	for (i = 0; i < zg->nnames; i++) {
		assert_int_equal(ldns_dname_compare(zl->names[i].owner,
		    zg->names[i].owner), 0);
		assert_int_equal(zl->names[i].pool, zg->names[i].pool);
		assert_int_equal(zl->names[i].nsteps, zg->names[i].nsteps);
		for (k = 0; k < zg->names[i].nsteps; k++) {
			assert_ptr_equal(zl->names[i].steps[k].s,
			    zg->names[i].steps[k].s);
			assert_memory_equal(zl->names[i].steps[k].p,
			    zg->names[i].steps[k].p,
			    sizeof(zg->names[i].steps[k].p));
		}
		assert_int_equal(zl->names[i].ttl, zg->names[i].ttl);
	}
	conf_free(g);
	conf_free(l);
}

/* fallback or fallback_cname alone imply all_down "fallback". */
static void
config_fallback_implied(void **state)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { 0 };
	struct conf_zone	*z;
	size_t			 i;

	(void)state;
	if (load_zone_file("managed-fallback-implied.zone.conf", &c,
	    &errs) != 0) {
		print_errs(&errs);
		conf_errs_clear(&errs);
		fail_msg("managed-fallback-implied.zone.conf does not load");
	}
	z = &c->zones[0];
	assert_int_equal(z->nnames, 3);
	for (i = 0; i < z->nnames; i++)
		assert_int_equal(z->names[i].all_down, LB_ALL_DOWN_FALLBACK);
	assert_int_equal(z->names[0].nfallback, 2);
	assert_null(z->names[0].fallback_cname);
	assert_non_null(z->names[1].fallback_cname);
	assert_non_null(z->names[2].fallback_cname);
	conf_free(c);
}

/* ---------------------------------------------------------- presets */

#define MAN_CONF	CONF_DIR "/../../../man/steerdns.conf.5"

/* The documented chain of each preset, as steerdns.conf(5) lists it. */
static const struct {
	const char	*preset;
	const char	*chain;
} preset_chains[] = {
	{ "round_robin", "up, round_robin" },
	{ "weighted", "up, weighted" },
	{ "random", "up, shuffle" },
	{ "failover", "up, priority" },
	{ "least_conn", "up, least_load" },
	{ "least_rtt", "up, fastest" },
	{ "ip_hash", "up, hash" },
	{ "geo", "up, topology, weighted" },
};

/* The steps of a loaded name as "up, hash, first". */
static void
chain_str(const struct conf_name *cn, char *buf, size_t len)
{
	size_t	 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < cn->nsteps && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " :
		    "", cn->steps[i].s->name);
}

static const struct conf_name *
name_of(const struct conf_zone *z, const char *owner)
{
	size_t	 i;
	char	*s;
	bool	 eq;

	for (i = 0; i < z->nnames; i++) {
		s = ldns_rdf2str(z->names[i].owner);
		eq = strcmp(s, owner) == 0;
		free(s);
		if (eq)
			return &z->names[i];
	}
	fail_msg("no managed name %s", owner);
	return NULL;
}

/*
 * Each preset expands to the chain steerdns.conf(5) documents, with each
 * step's default parameters; the man page's table says the same.
 */
static void
config_presets(void **state)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { 0 };
	const struct conf_zone	*z;
	const struct conf_name	*cn;
	struct lb_step		 def;
	char			 owner[64], got[256], err[256], line[256];
	char			*p, *e;
	size_t			 i, k, seen = 0;
	bool			 table = false;
	FILE			*f;

	(void)state;
	if (load_zone_file("name-presets.zone.conf", &c, &errs) != 0) {
		print_errs(&errs);
		conf_errs_clear(&errs);
		fail_msg("name-presets.zone.conf does not load");
	}
	z = &c->zones[0];
	for (i = 0; i < NITEMS(preset_chains); i++) {
		snprintf(owner, sizeof(owner), "%s.lb.example.",
		    preset_chains[i].preset);
		cn = name_of(z, owner);
		chain_str(cn, got, sizeof(got));
		if (strcmp(got, preset_chains[i].chain) != 0)
			fail_msg("strategy \"%s\": chain \"%s\", documented "
			    "\"%s\"", preset_chains[i].preset, got,
			    preset_chains[i].chain);
		/* The steps as written alone, with their defaults. */
		for (k = 0; k < cn->nsteps; k++) {
			assert_int_equal(lb_parse_step(cn->steps[k].s->name,
			    &def, err, sizeof(err)), 0);
			assert_memory_equal(cn->steps[k].p, def.p,
			    sizeof(def.p));
		}
	}
	/* No strategy: round_robin. */
	chain_str(name_of(z, "default.lb.example."), got, sizeof(got));
	assert_string_equal(got, "up, round_robin");
	/* A chain without up gets it first; one with up is as written. */
	cn = name_of(z, "bare.lb.example.");
	chain_str(cn, got, sizeof(got));
	assert_string_equal(got, "up, hash, first");
	assert_int_equal(lb_step_param(&cn->steps[1], "v4"), 16);
	assert_int_equal(lb_step_param(&cn->steps[1], "v6"), 56);
	assert_int_equal(lb_step_param(&cn->steps[2], "count"), 1);
	chain_str(name_of(z, "late.lb.example."), got, sizeof(got));
	assert_string_equal(got, "priority, up, first");
	conf_free(c);

	/* The table in steerdns.conf(5): ".It Cm preset Ta step, step". */
	if ((f = fopen(MAN_CONF, "r")) == NULL)
		fail_msg("%s: cannot read", MAN_CONF);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Bl -column \"round_robin\"", 25) == 0) {
			table = true;
			continue;
		}
		if (!table)
			continue;
		if (strcmp(line, ".El") == 0)
			break;
		if (strncmp(line, ".It Cm ", 7) != 0)
			continue;
		p = line + 7;
		if ((e = strstr(p, " Ta ")) == NULL)
			fail_msg("steerdns.conf(5): \"%s\": no Ta", line);
		*e = '\0';
		for (i = 0; i < NITEMS(preset_chains); i++)
			if (strcmp(preset_chains[i].preset, p) == 0)
				break;
		if (i == NITEMS(preset_chains))
			fail_msg("steerdns.conf(5): unknown preset \"%s\"", p);
		if (strcmp(e + 4, preset_chains[i].chain) != 0)
			fail_msg("steerdns.conf(5): %s is \"%s\", the code "
			    "has \"%s\"", p, e + 4, preset_chains[i].chain);
		seen++;
	}
	fclose(f);
	assert_int_equal(seen, NITEMS(preset_chains));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_v4_aaaa_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(aaaa_nodata_without_v6, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(owners, setup, teardown),
		cmocka_unit_test_setup_teardown(ttl_degraded, setup, teardown),
		cmocka_unit_test_setup_teardown(round_robin_cycles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(round_robin_per_family, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(max_answers_caps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(one_answer_picked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(one_answer_rotates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(failover_tiers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(all_down_all, setup, teardown),
		cmocka_unit_test_setup_teardown(all_down_nodata, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(all_down_servfail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(all_down_fallback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(all_down_fallback_cname, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(cname_to_managed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ecs_scope_zero, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ecs_hash_scope, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ecs_drives_hash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(source_drives_hash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ecs_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(ecs_topology, setup, teardown),
		cmocka_unit_test_setup_teardown(never_down_member, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(pool_is_one_rrset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(names_one_cname, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(names_weighted_and_health,
		    setup, teardown),
		cmocka_unit_test(config_errors),
		cmocka_unit_test(config_lists_as_groups),
		cmocka_unit_test(config_fallback_implied),
		cmocka_unit_test(config_presets),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
