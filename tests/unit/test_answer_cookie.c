/* test_answer_cookie.c -- DNS cookies on the answer path (RFC 7873, 9018) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "cookie.h"
#include "health.h"
#include "testutil.h"
#include "wire.h"
#include "zone.h"

#define ID	0xc00c

/*
 * RFC 9018 appendix A: a secret, a client, the times and the cookies,
 * so that the bytes we send are the RFC's.
 */
#define T1	1559731985U	/* A.1: 2019-06-05 10:53:05 */
#define T2	1559734385U	/* A.2: forty minutes later */
#define T4	1559741961U	/* A.4 */
static const char	 s1[] = "e5e973e5a6b2a43f48e7dc849e37bfcf";
static const char	 cc1[] = "2464c4abcf10c957";
static const char	 a1[] = "2464c4abcf10c95701000000"
    "5cf79f111f8130c3eee29480";
static const char	 a2[] = "2464c4abcf10c95701000000"
    "5cf7a871d4a564a1442aca77";
static const char	 s4old[] = "dd3bdf9344b678b185a6f5cb60fca715";
static const char	 s4new[] = "445536bcd2513298075a5d379663c962";
static const char	 a4in[] = "22681ab97d52c29801000000"
    "5cf7c57926556bd0934c72f8";
static const char	 a4out[] = "22681ab97d52c29801000000"
    "5cf7c609a6bb79d16625507a";
static const char	 other[] = "000102030405060708090a0b0c0d0e0f";

struct srv {
	struct conf	*conf;
	struct zone_db	*db;
	struct health	*health;
};

struct fixture {
	struct srv		 plain;		/* no NSID */
	struct srv		 nsid;		/* nsid "ns1" */
	struct srv		 longest;	/* a 128-byte NSID */
	struct cookie_keys	 keys;		/* s1 alone */
	struct sockaddr_storage	 client;	/* 198.51.100.100 */
	struct sockaddr_storage	 client6;	/* A.4's client */
	struct answer_stats	 stats;
	uint64_t		 rng;
};

struct resp {
	uint8_t			*wire;
	size_t			 len;
	ldns_pkt		*p;
	struct answer_result	 res;
};

static void
unhex(const char *h, uint8_t *out)
{
	size_t		 i, n = strlen(h) / 2;
	unsigned	 b;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void
keys_set(struct cookie_keys *k, const char *cur, const char *prev)
{
	memset(k, 0, sizeof(*k));
	unhex(cur, k->cur);
	if (prev != NULL) {
		unhex(prev, k->prev);
		k->has_prev = true;
	}
}

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
	struct fixture		*f;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			*text, hex[2 * 128 + 1];
	size_t			 i;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	srv_init(&f->plain, "");
	srv_init(&f->nsid, "nsid = \"ns1\";");
	for (i = 0; i < 128; i++)
		memcpy(hex + 2 * i, "78", 2);
	hex[2 * 128] = '\0';
	text = tu_printf("nsid = \"0x%s\";", hex);
	srv_init(&f->longest, text);
	free(text);
	keys_set(&f->keys, s1, NULL);
	sin = (struct sockaddr_in *)&f->client;
	sin->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "198.51.100.100", &sin->sin_addr),
	    1);
	sin6 = (struct sockaddr_in6 *)&f->client6;
	sin6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:220:1:59de:d0f4:8769:"
	    "82b8", &sin6->sin6_addr), 1);
	f->rng = 1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	srv_free(&f->plain);
	srv_free(&f->nsid);
	srv_free(&f->longest);
	free(f);
	return 0;
}

/* A COOKIE option with the cookie in hex; returns its length. */
static size_t
cookie_opt(uint8_t *p, const char *hex)
{
	size_t	 n = strlen(hex) / 2;

	wire_put16(p, WIRE_EDNS_COOKIE);
	wire_put16(p + 2, n);
	unhex(hex, p + 4);
	return 4 + n;
}

/* A query with EDNS (payload udp) holding the options opt[0..olen). */
static size_t
query(uint8_t *q, const char *name, uint16_t qtype, uint16_t udp,
    const uint8_t *opt, size_t olen)
{
	size_t	 n = tu_query(q, ID, WIRE_RD, name, qtype, WIRE_CLASS_IN);

	n += tu_opt(q + n, udp, 0, 0, 0, opt, olen);
	tu_count_add(q, 10, 1);
	return n;
}

/* A query for www.lb.example. A with one COOKIE option. */
static size_t
cquery(uint8_t *q, const char *hex)
{
	uint8_t	 opt[64];

	return query(q, "www.lb.example.", WIRE_TYPE_A, 1232, opt,
	    cookie_opt(opt, hex));
}

/* Answer q as the daemon would: keys (NULL: off), client, now, TCP. */
static struct resp
ask(struct fixture *f, const struct srv *s, const struct cookie_keys *keys,
    const struct sockaddr_storage *client, uint32_t now, const uint8_t *q,
    size_t n, bool tcp)
{
	struct answer_env	 env;
	struct resp		 r;
	size_t			 outmax = tcp ? ANSWER_TCP_MAX : ANSWER_UDP_MAX;
	uint8_t			*in = tu_dup(q, n);

	memset(&env, 0, sizeof(env));
	env.db = s->db;
	env.edns_payload = 1232;
	env.tcp = tcp;
	env.stats = &f->stats;
	env.health = s->health;
	env.client = (const struct sockaddr *)client;
	env.rng = &f->rng;
	env.cookies = keys;
	env.now = now;
	env.result = &r.res;
	r.res.cookie_valid = true;	/* answer_query() must clear it */
	r.wire = malloc(outmax);
	assert_non_null(r.wire);
	r.len = answer_query(&env, in, n, r.wire, outmax);
	free(in);
	assert_true(r.len >= WIRE_HDR_LEN);
	r.p = tu_wire2pkt(r.wire, r.len);
	assert_int_equal(ldns_pkt_id(r.p), ID);
	return r;
}

/* The usual: UDP from 198.51.100.100 with s1. */
static struct resp
ask4(struct fixture *f, uint32_t now, const uint8_t *q, size_t n)
{
	return ask(f, &f->plain, &f->keys, &f->client, now, q, n, false);
}

static void
resp_free(struct resp *r)
{
	ldns_pkt_free(r->p);
	free(r->wire);
}

/* The OPT's options are exactly want[0..n). */
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

/* The OPT holds one COOKIE option: hex. */
static void
assert_cookie(const struct resp *r, const char *hex)
{
	uint8_t	 want[64];

	assert_options(r, want, cookie_opt(want, hex));
}

/* The OPT holds one COOKIE: client cookie cc and ours made at now. */
static void
assert_fresh(const struct resp *r, const struct cookie_keys *k,
    const uint8_t *ip, size_t iplen, const char *cc, uint32_t now)
{
	uint8_t	 want[4 + 24];

	wire_put16(want, WIRE_EDNS_COOKIE);
	wire_put16(want + 2, 24);
	unhex(cc, want + 4);
	cookie_make(k->cur, want + 4, now, ip, iplen, want + 12);
	assert_options(r, want, sizeof(want));
}

/* The answer for www.lb.example. A: NOERROR, its two records. */
static void
assert_www(const struct resp *r)
{
	assert_int_equal(ldns_pkt_get_rcode(r->p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(r->p), 2);
	assert_false(ldns_pkt_tc(r->p));
}

/* BADCOOKIE (23): 7 in the header, 1 in the OPT; the question only. */
static void
assert_badcookie(const struct resp *r, const uint8_t *q)
{
	size_t	 qend = WIRE_HDR_LEN + tu_name((uint8_t[256]){ 0 },
		    "www.lb.example.") + 4;

	assert_int_equal(r->wire[WIRE_OFF_RCODE] & 0x0f, 7);
	assert_int_equal(r->wire[qend + WIRE_OPT_EXT_RCODE], 1);
	assert_int_equal(wire_get16(r->wire + WIRE_OFF_QDCOUNT), 1);
	assert_int_equal(wire_get16(r->wire + WIRE_OFF_ANCOUNT), 0);
	assert_int_equal(wire_get16(r->wire + WIRE_OFF_NSCOUNT), 0);
	assert_int_equal(wire_get16(r->wire + WIRE_OFF_ARCOUNT), 1);
	assert_memory_equal(r->wire + WIRE_HDR_LEN, q + WIRE_HDR_LEN,
	    qend - WIRE_HDR_LEN);
	assert_true(r->wire[WIRE_OFF_FLAGS] & 0x80);	/* QR */
	assert_false(r->wire[WIRE_OFF_FLAGS] & 0x04);	/* AA */
}

static const uint8_t	 ip1[4] = { 198, 51, 100, 100 };

/* RFC 9018 A.1: a client cookie alone: the answer and our cookie. */
static void
client_cookie_only(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n = cquery(q, cc1);
	struct resp	 r;

	r = ask4(f, T1, q, n);
	assert_www(&r);
	assert_cookie(&r, a1);
	assert_false(r.res.cookie_valid);
	resp_free(&r);
	/* TCP alike. */
	r = ask(f, &f->plain, &f->keys, &f->client, T1, q, n, true);
	assert_www(&r);
	assert_cookie(&r, a1);
	assert_false(r.res.cookie_valid);
	resp_free(&r);
}

/* Our own fresh cookie comes back: the answer, the same cookie. */
static void
valid_cookie_is_echoed(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n = cquery(q, a1);
	struct resp	 r;

	r = ask4(f, T1 + 600, q, n);
	assert_www(&r);
	assert_cookie(&r, a1);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
	r = ask(f, &f->plain, &f->keys, &f->client, T1 + 600, q, n, true);
	assert_www(&r);
	assert_cookie(&r, a1);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
}

/* RFC 9018 A.2: valid, but over half an hour old: renewed. */
static void
old_cookie_is_renewed(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n = cquery(q, a1);
	struct resp	 r;

	r = ask4(f, T2, q, n);
	assert_www(&r);
	assert_cookie(&r, a2);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
}

/*
 * Over UDP a server cookie that is not valid gets BADCOOKIE and a new
 * cookie, as Knot answers; over TCP the answer and a new cookie.
 */
static void
invalid_cookie(struct fixture *f, const struct cookie_keys *k, uint32_t now)
{
	uint8_t		 q[512];
	size_t		 n = cquery(q, a1);
	struct resp	 r;

	r = ask(f, &f->plain, k, &f->client, now, q, n, false);
	assert_badcookie(&r, q);
	assert_fresh(&r, k, ip1, 4, cc1, now);
	assert_false(r.res.cookie_valid);
	resp_free(&r);
	r = ask(f, &f->plain, k, &f->client, now, q, n, true);
	assert_www(&r);
	assert_fresh(&r, k, ip1, 4, cc1, now);
	assert_false(r.res.cookie_valid);
	resp_free(&r);
}

static void
expired_cookie(void **state)
{
	struct fixture	*f = *state;

	invalid_cookie(f, &f->keys, T1 + 3601);
}

static void
future_cookie(void **state)
{
	struct fixture	*f = *state;

	invalid_cookie(f, &f->keys, T1 - 301);
}

static void
wrong_secret(void **state)
{
	struct fixture		*f = *state;
	struct cookie_keys	 k;

	keys_set(&k, other, NULL);
	invalid_cookie(f, &k, T1 + 10);
	/* Another client address, same secret. */
	keys_set(&k, s1, NULL);
	{
		struct sockaddr_storage	 c = f->client;
		uint8_t			 q[512];
		size_t			 n = cquery(q, a1);
		struct resp		 r;

		((struct sockaddr_in *)&c)->sin_addr.s_addr ^= htonl(1);
		r = ask(f, &f->plain, &k, &c, T1 + 10, q, n, false);
		assert_badcookie(&r, q);
		assert_false(r.res.cookie_valid);
		resp_free(&r);
	}
}

/* A server cookie made with the previous secret: valid, renewed. */
static void
previous_secret_accepted(void **state)
{
	struct fixture		*f = *state;
	struct cookie_keys	 k;
	uint8_t			 q[512];
	size_t			 n;
	struct resp		 r;

	keys_set(&k, other, s1);
	n = cquery(q, a1);
	r = ask(f, &f->plain, &k, &f->client, T1 + 10, q, n, false);
	assert_www(&r);
	assert_fresh(&r, &k, ip1, 4, cc1, T1 + 10);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
	/* RFC 9018 A.4 exactly: IPv6, the rolled-over secret. */
	keys_set(&k, s4new, s4old);
	n = cquery(q, a4in);
	r = ask(f, &f->plain, &k, &f->client6, T4, q, n, false);
	assert_www(&r);
	assert_cookie(&r, a4out);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
}

/* RFC 7873 5.2.2: lengths other than 8 and 16..40 are FORMERR. */
static void
malformed_lengths_formerr(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512], opt[64];
	size_t		 n, len;
	struct resp	 r;

	for (len = 0; len <= 44; len++) {
		if (len == 8 || (len >= 16 && len <= 40))
			continue;
		wire_put16(opt, WIRE_EDNS_COOKIE);
		wire_put16(opt + 2, len);
		memset(opt + 4, 0xab, len);
		n = query(q, "www.lb.example.", WIRE_TYPE_A, 1232, opt,
		    4 + len);
		r = ask4(f, T1, q, n);
		assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_FORMERR);
		assert_int_equal(ldns_pkt_ancount(r.p), 0);
		assert_options(&r, NULL, 0);
		assert_false(r.res.cookie_valid);
		resp_free(&r);
	}
}

/* Cookies off: the option is ignored, a stale cookie answered as ever. */
static void
cookies_off_ignores_the_option(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n = cquery(q, a1);
	struct resp	 r;

	r = ask(f, &f->plain, NULL, &f->client, T1 + 9999, q, n, false);
	assert_www(&r);
	assert_options(&r, NULL, 0);
	assert_false(r.res.cookie_valid);
	resp_free(&r);
}

/* Every rcode carries the cookie: NXDOMAIN, REFUSED. */
static void
cookie_on_every_rcode(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512], opt[64];
	size_t		 n;
	struct resp	 r;

	n = query(q, "nx.lb.example.", WIRE_TYPE_A, 1232, opt,
	    cookie_opt(opt, cc1));
	r = ask4(f, T1, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
	assert_cookie(&r, a1);
	resp_free(&r);
	n = query(q, "www.example.com.", WIRE_TYPE_A, 1232, opt,
	    cookie_opt(opt, a1));
	r = ask4(f, T1 + 5, q, n);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_REFUSED);
	assert_cookie(&r, a1);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
}

/* ECS, NSID and COOKIE together, in that order, in either order asked. */
static void
cookie_beside_nsid_and_ecs(void **state)
{
	static const uint8_t	 a4[] = { 192, 0, 2 };
	struct fixture		*f = *state;
	uint8_t			 q[512], opt[128], want[128];
	size_t			 n, olen, wlen, order;
	struct resp		 r;

	wlen = tu_ecs(want, 1, 24, 0, a4, 3);
	memcpy(want + wlen, "\0\3\0\3ns1", 7);
	wlen += 7;
	wlen += cookie_opt(want + wlen, a1);
	for (order = 0; order < 2; order++) {
		olen = 0;
		if (order == 0)
			olen += cookie_opt(opt + olen, cc1);
		memcpy(opt + olen, "\0\3\0\0", 4);
		olen += 4;
		olen += tu_ecs(opt + olen, 1, 24, 0, a4, 3);
		if (order == 1)
			olen += cookie_opt(opt + olen, cc1);
		n = query(q, "www.lb.example.", WIRE_TYPE_A, 1232, opt, olen);
		r = ask(f, &f->nsid, &f->keys, &f->client, T1, q, n, false);
		assert_www(&r);
		assert_options(&r, want, wlen);
		resp_free(&r);
	}
}

/*
 * Room for the cookie is kept before the records, as for NSID: an answer
 * that fits exactly without it is truncated with it, and fits again
 * with the 28 bytes more.
 */
static void
cookie_room_kept_before_records(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512], opt[64];
	size_t		 n, len, olen = cookie_opt(opt, cc1);
	struct resp	 r;

	n = query(q, "big.lb.example.", WIRE_TYPE_TXT, 1232, NULL, 0);
	r = ask4(f, T1, q, n);
	assert_int_equal(ldns_pkt_ancount(r.p), TU_BIG_N);
	len = r.len;
	resp_free(&r);
	assert_true(len >= 512 && len + 28 <= 1232);

	n = query(q, "big.lb.example.", WIRE_TYPE_TXT, len, opt, olen);
	r = ask4(f, T1, q, n);
	assert_true(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), 0);
	assert_true(r.len <= len);
	assert_cookie(&r, a1);
	resp_free(&r);

	n = query(q, "big.lb.example.", WIRE_TYPE_TXT, len + 28, opt, olen);
	r = ask4(f, T1, q, n);
	assert_false(ldns_pkt_tc(r.p));
	assert_int_equal(ldns_pkt_ancount(r.p), TU_BIG_N);
	assert_int_equal(r.len, len + 28);
	assert_cookie(&r, a1);
	resp_free(&r);
}

/* The longest question, ECS, the longest NSID and a cookie: 512 bytes. */
static void
everything_fits_in_512(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[700], opt[128], addr[16];
	char		 name[300];
	size_t		 n, olen, i;
	struct resp	 r;

	for (i = 0, n = 0; i < 4; i++) {
		memset(name + n, 'a' + i, i < 3 ? 63 : 50);
		n += i < 3 ? 63 : 50;
		name[n++] = '.';
	}
	strcpy(name + n, "lb.example.");
	memset(addr, 0x20, sizeof(addr));
	olen = tu_ecs(opt, 2, 128, 0, addr, 16);
	memcpy(opt + olen, "\0\3\0\0", 4);
	olen += 4;
	olen += cookie_opt(opt + olen, a1);
	n = query(q, name, WIRE_TYPE_A, 512, opt, olen);
	r = ask(f, &f->longest, &f->keys, &f->client, T1, q, n, false);
	assert_int_equal(ldns_pkt_get_rcode(r.p), LDNS_RCODE_NXDOMAIN);
	assert_true(r.len <= 512);
	assert_int_equal(ldns_rdf_size(ldns_pkt_edns_data(r.p)),
	    4 + 4 + 16 + 4 + 128 + 28);
	assert_true(r.res.cookie_valid);
	resp_free(&r);
}

/* Counted: queries with a cookie, valid ones, BADCOOKIE answers. */
static void
cookies_counted(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 q[512];
	size_t		 n;
	struct resp	 r;

	memset(&f->stats, 0, sizeof(f->stats));
	n = cquery(q, cc1);
	r = ask4(f, T1, q, n);
	resp_free(&r);
	n = cquery(q, a1);
	r = ask4(f, T1 + 1, q, n);
	resp_free(&r);
	r = ask4(f, T1 + 4000, q, n);
	resp_free(&r);
	assert_int_equal(answer_stat_get(&f->stats.cookie), 3);
	assert_int_equal(answer_stat_get(&f->stats.cookie_valid), 1);
	assert_int_equal(answer_stat_get(&f->stats.badcookie), 1);
	assert_int_equal(answer_stat_get(&f->stats.rcode[0]), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_cookie_only),
		cmocka_unit_test(valid_cookie_is_echoed),
		cmocka_unit_test(old_cookie_is_renewed),
		cmocka_unit_test(expired_cookie),
		cmocka_unit_test(future_cookie),
		cmocka_unit_test(wrong_secret),
		cmocka_unit_test(previous_secret_accepted),
		cmocka_unit_test(malformed_lengths_formerr),
		cmocka_unit_test(cookies_off_ignores_the_option),
		cmocka_unit_test(cookie_on_every_rcode),
		cmocka_unit_test(cookie_beside_nsid_and_ecs),
		cmocka_unit_test(cookie_room_kept_before_records),
		cmocka_unit_test(everything_fits_in_512),
		cmocka_unit_test(cookies_counted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
