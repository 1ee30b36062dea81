/* test_answer_noalloc.c -- the per-query path allocates nothing */
/* SPDX-License-Identifier: ISC */
/*
 * Linked with -Wl,--wrap for malloc and its kin: every allocation our own
 * code makes goes through the __wrap_ functions below, which count while
 * counting is on and otherwise pass on to the real ones (the sanitizers'
 * when built with them).  Then every kind of query -- static, negative,
 * referral, CNAME, ANY, every strategy over UDP and TCP, with and without
 * ECS and NSID, CHAOS TXT, truncated, malformed -- is answered with
 * counting on.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "conf.h"
#include "cookie.h"
#include "health.h"
#include "rrl.h"
#include "testutil.h"
#include "wire.h"
#include "zone.h"

static volatile bool	 counting;
static volatile size_t	 allocs;

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__real_reallocarray(void *, size_t, size_t);
char	*__real_strdup(const char *);
char	*__real_strndup(const char *, size_t);
int	 __real_posix_memalign(void **, size_t, size_t);
void	*__real_aligned_alloc(size_t, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
void	*__wrap_reallocarray(void *, size_t, size_t);
char	*__wrap_strdup(const char *);
char	*__wrap_strndup(const char *, size_t);
int	 __wrap_posix_memalign(void **, size_t, size_t);
void	*__wrap_aligned_alloc(size_t, size_t);

#define COUNT()	do { if (counting) allocs++; } while (0)

void *
__wrap_malloc(size_t n)
{
	COUNT();
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t m)
{
	COUNT();
	return __real_calloc(n, m);
}

void *
__wrap_realloc(void *p, size_t n)
{
	COUNT();
	return __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t m)
{
	COUNT();
	return __real_reallocarray(p, n, m);
}

char *
__wrap_strdup(const char *s)
{
	COUNT();
	return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	COUNT();
	return __real_strndup(s, n);
}

int
__wrap_posix_memalign(void **p, size_t a, size_t n)
{
	COUNT();
	return __real_posix_memalign(p, a, n);
}

void *
__wrap_aligned_alloc(size_t a, size_t n)
{
	COUNT();
	return __real_aligned_alloc(a, n);
}

/* Pools and a name per strategy, with checks, regions and fallbacks. */
static const char managed_zone[] =
	"origin = \"m.example.\";\n"
	"soa = { mname = \"ns\"; rname = \"h\"; };\n"
	"ns = [ \"ns.example.net.\" ];\n"
	"records = [ \"alias CNAME www\", \"www TXT \\\"x\\\"\",\n"
	"  \"tocw CNAME cw\",\n"
	"  \"*.w A 192.0.2.99\", \"*.wc CNAME www\",\n"
	"  \"d DNAME example.net.\", \"in DNAME m.example.\",\n"
	"  \"d2 DNAME in.m.example.\" ];\n"
	"checks = { web = { type = \"tcp\"; port = 80; }; };\n"
	"regions = { eu = [ \"192.0.2.0/25\", \"2001:db8:1::/48\" ];\n"
	"            us = [ \"192.0.2.128/25\" ]; };\n"
	"pools = { web = { check = \"web\"; members = (\n"
	"  { address = \"192.0.2.10\"; weight = 3; region = \"eu\"; },\n"
	"  { address = \"192.0.2.11\"; weight = 1; priority = 2; },\n"
	"  { address = \"192.0.2.12\"; weight = 0; region = \"us\"; },\n"
	"  { address = \"192.0.2.13\"; weight = 2; region = \"us\"; },\n"
	"  { address = \"2001:db8::10\"; region = \"eu\"; },\n"
	"  { address = \"2001:db8::11\"; } ); };\n"
	"  names = { check = \"web\"; members = (\n"
	"  { name = \"a.cdn-one.example.\"; weight = 7;\n"
	"    check_address = \"192.0.2.80\"; region = \"eu\"; },\n"
	"  { name = \"b.cdn-two.example.\"; weight = 3; priority = 2;\n"
	"    check_address = \"192.0.2.81\"; } ); }; };\n"
	"names = {\n"
	"  www = { pool = \"web\"; strategy = \"weighted\"; max_answers = 2; };\n"
	"  rr = { pool = \"web\"; strategy = \"round_robin\"; };\n"
	"  rnd = { pool = \"web\"; strategy = \"random\"; };\n"
	"  fo = { pool = \"web\"; strategy = \"failover\"; };\n"
	"  lc = { pool = \"web\"; strategy = \"least_conn\"; };\n"
	"  lr = { pool = \"web\"; strategy = \"least_rtt\"; };\n"
	"  ih = { pool = \"web\"; strategy = \"ip_hash\"; };\n"
	"  geo = { pool = \"web\"; strategy = \"geo\"; };\n"
	"  hand = { pool = \"web\"; chain = [ \"up\", \"priority min_healthy=2\","
	" \"topology\", \"hash v4=20 v6=48\", \"fastest\","
	" \"least_load low=1 high=50\", \"first 2\" ]; };\n"
	"  sf = { pool = \"web\"; all_down = \"servfail\"; };\n"
	"  nd = { pool = \"web\"; all_down = \"nodata\"; };\n"
	"  fb = { pool = \"web\"; fallback = [ \"203.0.113.1\" ]; };\n"
	"  fc = { pool = \"web\"; fallback_cname = \"sorry.example.net.\"; };\n"
	"  cdn = { owner = \"*.cdn\"; pool = \"web\"; };\n"
	"  cw = { pool = \"names\"; strategy = \"weighted\";\n"
	"    fallback_cname = \"sorry.example.net.\"; };\n"
	"  cfo = { pool = \"names\"; strategy = \"failover\"; };\n"
	"  chash = { pool = \"names\"; strategy = \"ip_hash\"; };\n"
	"  cgeo = { pool = \"names\"; strategy = \"geo\"; };\n"
	"  ctier = { owner = \"*.ct\"; pool = \"names\"; chain = [ \"up\",\n"
	"    \"priority\", \"weighted\", \"first 1\" ]; };\n"
	"};\n";

static const char *const qnames[] = {
	"www.m.example", "rr.m.example", "rnd.m.example", "fo.m.example",
	"lc.m.example", "lr.m.example", "ih.m.example", "geo.m.example",
	"hand.m.example", "sf.m.example", "nd.m.example", "fb.m.example",
	"fc.m.example", "alias.m.example", "m.example", "nx.m.example",
	/* Pools of names: one CNAME, by each kind of chain. */
	"cw.m.example", "cfo.m.example", "chash.m.example", "CGeo.m.example",
	"x.ct.m.example", "tocw.m.example", "cw.in.m.example",
	/* Wildcards: static, a CNAME to a managed name, managed. */
	"a.b.w.m.example", "Long-Name.wc.m.example", "edge.cdn.m.example",
	"Below.The.d.m.example",
	/* DNAMEs followed in the zone: to managed names, wildcards,
	   another DNAME, nothing. */
	"www.in.m.example", "Hand.In.m.example", "q.cdn.in.m.example",
	"a.b.w.in.m.example", "rr.in.d2.m.example", "nx.in.m.example",
	"deep.nx.m.example", "WwW.Lb.Example", "lb.example", "big.lb.example",
	"huge.lb.example", "x.y.sub.lb.example", "cname.lb.example",
	"nowhere.test", "www.other.test",
	/* CHAOS names in class CH (and IN), configured or not. */
	"id.server", "HOSTNAME.bind", "version.server", "Version.Bind",
	"authors.bind",
};

static const uint16_t qclasses[] = { WIRE_CLASS_IN, WIRE_CLASS_CH };

static const uint16_t qtypes[] = { WIRE_TYPE_A, WIRE_TYPE_AAAA,
    WIRE_TYPE_TXT, WIRE_TYPE_NS, WIRE_TYPE_SOA, WIRE_TYPE_MX,
    WIRE_TYPE_ANY, WIRE_TYPE_CNAME, 99 };

/* A query with or without EDNS, ECS of the given family, NSID, and a
 * COOKIE option of cookie[0..clen) unless clen is 0. */
static size_t
make(uint8_t *q, const char *name, uint16_t type, uint16_t qclass, int edns,
    int ecs_family, bool nsid, const uint8_t *cookie, size_t clen)
{
	static const uint8_t	 v4[] = { 192, 0, 2, 200 };
	static const uint8_t	 v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
	uint8_t			 opt[128];
	size_t			 len, olen = 0;

	len = tu_query(q, 0x1234, WIRE_RD, name, type, qclass);
	if (!edns)
		return len;
	if (nsid) {
		memcpy(opt, "\0\3\0\0", 4);
		olen = 4;
	}
	if (ecs_family == 1)
		olen += tu_ecs(opt + olen, 1, 25, 0, v4, 4);
	else if (ecs_family == 2)
		olen += tu_ecs(opt + olen, 2, 48, 0, v6, 6);
	if (clen > 0) {
		wire_put16(opt + olen, WIRE_EDNS_COOKIE);
		wire_put16(opt + olen + 2, clen);
		memcpy(opt + olen + 4, cookie, clen);
		olen += 4 + clen;
	}
	len += tu_opt(q + len, edns == 2 ? 512 : 1232, 0, 0, 0, opt, olen);
	tu_count_add(q, 10, 1);
	return len;
}

static void
answers_allocate_nothing(void **state)
{
	const char		*zones[3];
	struct conf		*c;
	struct zone_db		*db;
	struct health		*h;
	struct answer_stats	 st;
	struct answer_env	 env;
	struct answer_result	 res;
	struct cookie_keys	 keys;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	uint8_t			 q[600], out[ANSWER_TCP_MAX], bad[64];
	_Atomic uint64_t	*counts;
	uint64_t		 rng = 0x2545f4914f6cdd1dULL;
	char			*example, *server;
	char			 hex[2 * WIRE_NSID_MAX + 1];
	size_t			 i, t, e, len, n = 0, pass, k, cl;
	size_t			 rlen, nchaos = 0, nslip = 0, ck, clen, iplen;
	uint8_t			 cookie[24], ip[16];
	struct answer_kind	 kind;
	struct rrl		 rrl;
	const struct rrl_conf	 rrl_on = { .on = true, .rate = 1, .slip = 2,
	    .window = 1, .ipv4_prefix = 24, .ipv6_prefix = 56 };
	void *volatile		 p;

	(void)state;
	example = tu_example_zone();
	zones[0] = example;
	zones[1] = tu_other_zone;
	zones[2] = managed_zone;
	/* The longest NSID, so that it also cuts answers short. */
	for (i = 0; i < WIRE_NSID_MAX; i++)
		memcpy(hex + 2 * i, "6e", 2);
	hex[2 * WIRE_NSID_MAX] = '\0';
	server = tu_printf("nsid = \"0x%s\"; identity = \"ns1.example\"; "
	    "version = \"steerdns\";", hex);
	c = tu_load_zones_with(server, zones, 3);
	free(server);
	db = zone_db_new(c);
	h = health_new(db->ntargets);
	counts = calloc(db->ncounters + 1, sizeof(*counts));
	memset(&st, 0, sizeof(st));
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.edns_payload = 1232;
	env.stats = &st;
	env.health = h;
	env.rng = &rng;
	env.counts = counts;
	env.kind = &kind;
	rrl_init(&rrl);
	memset(&keys, 0, sizeof(keys));
	keys.cur[0] = 1;
	keys.prev[0] = 2;
	keys.has_prev = true;
	env.cookies = &keys;
	env.now = 100000;
	env.result = &res;
	memset(cookie, 0x3c, sizeof(cookie));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0xc0000282);	/* 192.0.2.130: us */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr.s6_addr[0] = 0x20;
	sin6.sin6_addr.s6_addr[1] = 0x01;

	/* The counter counts: what follows would notice an allocation. */
	counting = true;
	p = malloc(16);
	counting = false;
	free(p);
	assert_int_equal(allocs, 1);
	allocs = 0;

	counting = true;
	/*
	 * Pass 0: all up; 1: some down and drained; 2: all down.  Each with
	 * no cookie, a client cookie, a valid server cookie (by the current
	 * secret, by the previous one, stale) and a bad one.
	 */
	for (pass = 0; pass < 3; pass++)
	for (ck = 0; ck < 6; ck++) {
		for (k = 0; k < db->ntargets; k++) {
			health_set_state(h, k, pass == 2 || (pass == 1 &&
			    k % 2 == 0) ? HEALTH_DOWN : HEALTH_UP);
			health_set_admin(h, k, pass == 1 && k == 1 ?
			    HEALTH_ADMIN_DRAIN : HEALTH_ADMIN_NONE);
			health_set_rtt(h, k, 1000 + 300 * k);
			health_set_load(h, k, 10 * k);
		}
		for (i = 0; i < NITEMS(qnames); i++)
			for (t = 0; t < NITEMS(qtypes); t++)
				for (e = 0; e < 16; e++) {
					/* e: edns 0/1/2 x ecs none/v4/v6,
					   UDP or TCP, v4 or v6 source;
					   then the same asking for the
					   NSID.  A name is asked in IN in
					   one half, in CH in the other. */
					cl = qclasses[(i + e / 8) % 2];
					env.tcp = e % 8 >= 6;
					env.client = e % 2 ? (struct sockaddr *)
					    &sin6 : (struct sockaddr *)&sin;
					iplen = cookie_client_ip(env.client,
					    ip);
					clen = ck == 0 ? 0 : ck == 1 ? 8 : 24;
					if (ck >= 2 && ck <= 4)
						cookie_make(ck == 3 ?
						    keys.prev : keys.cur,
						    cookie, ck == 4 ?
						    env.now - 2000 : env.now,
						    ip, iplen, cookie + 8);
					else if (ck == 5)
						cookie[23] ^= 1;
					len = make(q, qnames[i], qtypes[t],
					    cl, e % 3, (e / 2) % 3, e >= 8,
					    cookie, clen);
					rlen = answer_query(&env, q, len, out,
					    env.tcp ? sizeof(out) :
					    ANSWER_UDP_MAX);
					/* UDP: rate limited, as net_udp.c. */
					if (!env.tcp && rlen > 0 && rrl_check(
					    &rrl, &rrl_on, env.client, kind.cls,
					    kind.key, n, kind.exempt) ==
					    RRL_SLIP) {
						rrl_slip(out, rlen);
						nslip++;
					}
					/* A CHAOS TXT answer. */
					if (cl == WIRE_CLASS_CH && rlen > 0 &&
					    wire_get16(out +
					    WIRE_OFF_ANCOUNT) == 1)
						nchaos++;
					n++;
				}
	}
	/* Malformed: short, QR set, two questions, bad names, BADVERS. */
	for (len = 0; len < sizeof(bad); len++) {
		memset(bad, 0xff, sizeof(bad));
		answer_query(&env, bad, len, out, ANSWER_UDP_MAX);
		n++;
	}
	len = make(q, "www.m.example", WIRE_TYPE_A, WIRE_CLASS_IN, 0, 0, false,
	    NULL, 0);
	q[2] |= 0x80;
	answer_query(&env, q, len, out, ANSWER_UDP_MAX);
	len = make(q, "www.m.example", WIRE_TYPE_A, WIRE_CLASS_IN, 0, 0, false,
	    NULL, 0);
	tu_count_add(q, 4, 1);
	answer_query(&env, q, len, out, ANSWER_UDP_MAX);
	len = tu_query(q, 1, 0, "www.m.example", WIRE_TYPE_A, WIRE_CLASS_IN);
	len += tu_opt(q + len, 1232, 0, 1, 0, NULL, 0);
	tu_count_add(q, 10, 1);
	answer_query(&env, q, len, out, ANSWER_UDP_MAX);
	/* An NSID whose length runs past the OPT. */
	len = tu_query(q, 1, 0, "id.server", WIRE_TYPE_TXT, WIRE_CLASS_CH);
	len += tu_opt(q + len, 1232, 0, 0, 0, (const uint8_t *)"\0\3\0\11", 4);
	tu_count_add(q, 10, 1);
	answer_query(&env, q, len, out, ANSWER_UDP_MAX);
	/* A COOKIE of a malformed length: FORMERR. */
	len = make(q, "www.m.example", WIRE_TYPE_A, WIRE_CLASS_IN, 1, 0, false,
	    cookie, 12);
	answer_query(&env, q, len, out, ANSWER_UDP_MAX);
	counting = false;

	assert_true(n > 3000);
	assert_true(nchaos > 100);	/* CHAOS TXT answers among them */
	assert_true(nslip > 100);	/* and rate limited answers */
	assert_true(answer_stat_get(&st.managed) >= 600);
	/* Every kind of cookie was seen: valid, and BADCOOKIE. */
	assert_true(answer_stat_get(&st.cookie_valid) > 1000);
	assert_true(answer_stat_get(&st.badcookie) > 1000);
	if (allocs != 0)
		fail_msg("%zu allocations while answering %zu queries", allocs,
		    n);
	free(counts);
	rrl_fini(&rrl);
	health_free(h);
	zone_db_free(db);
	conf_free(c);
	free(example);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_allocate_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
