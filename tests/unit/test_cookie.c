/* test_cookie.c -- SipHash-2-4 and the server cookies of RFC 9018 */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cookie.h"
#include "siphash.h"

/*
 * The reference vectors of SipHash-2-4 (64-bit output), from the authors'
 * reference implementation: key 00 01 .. 0f, message 00 01 .. (i - 1) for
 * i = 0..63, output bytes in little-endian order.  Vector 15 is the one
 * worked through in the paper's appendix A (0xa129ca6149be45e5).
 */
static const char *const sip64[64] = {
	"310e0edd47db6f72", "fd67dc93c539f874", "5a4fa9d909806c0d",
	"2d7efbd796666785", "b7877127e09427cf", "8da699cd64557618",
	"cee3fe586e46c9cb", "37d1018bf50002ab", "6224939a79f5f593",
	"b0e4a90bdf82009e", "f3b9dd94c5bb5d7a", "a7ad6b22462fb3f4",
	"fbe50e86bc8f1e75", "903d84c02756ea14", "eef27a8e90ca23f7",
	"e545be4961ca29a1", "db9bc2577fcc2a3f", "9447be2cf5e99a69",
	"9cd38d96f0b3c14b", "bd6179a71dc96dbb", "98eea21af25cd6be",
	"c7673b2eb0cbf2d0", "883ea3e395675393", "c8ce5ccd8c030ca8",
	"94af49f6c650adb8", "eab8858ade92e1bc", "f315bb5bb835d817",
	"adcf6b0763612e2f", "a5c91da7acaa4dde", "716595876650a2a6",
	"28ef495c53a387ad", "42c341d8fa92d832", "ce7cf2722f512771",
	"e37859f94623f3a7", "381205bb1ab0e012", "ae97a10fd434e015",
	"b4a31508beff4d31", "81396229f0907902", "4d0cf49ee5d4dcca",
	"5c73336a76d8bf9a", "d0a704536ba93e0e", "925958fcd6420cad",
	"a915c29bc8067318", "952b79f3bc0aa6d4", "f21df2e41d4535f9",
	"87577519048f53a9", "10a56cf5dfcd9adb", "eb75095ccd986cd0",
	"51a9cb9ecba312e6", "96afadfc2ce666c7", "72fe52975a4364ee",
	"5a1645b276d592a1", "b274cb8ebf87870a", "6f9bb4203de7b381",
	"eaecb2a30b22a87f", "9924a43cc1315724", "bd838d3aafbf8db7",
	"0b1a2a3265d51aea", "135079a3231ce660", "932b2846e4d70666",
	"e1915f5cb1eca46c", "f325965ca16d629f", "575ff28e60381be5",
	"724506eb4c328a95",
};

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t		 i;
	unsigned	 b;

	assert_int_equal(strlen(h), 2 * n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void
siphash_reference_vectors(void **state)
{
	uint8_t		 key[16], msg[64], want[8], got[8];
	uint64_t	 h;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < 64; i++) {
		unhex(sip64[i], want, 8);
		h = siphash24(key, msg, i);
		for (j = 0; j < 8; j++, h >>= 8)
			got[j] = (uint8_t)h;
		if (memcmp(got, want, 8) != 0)
			fail_msg("vector %zu: want %s", i, sip64[i]);
	}
}

static void
siphash_paper_example(void **state)
{
	uint8_t	 key[16], msg[15];
	size_t	 i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_true(siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

/* A client address as a sockaddr and as the bytes that are hashed. */
static size_t
ip_of(const char *text, uint8_t ip[16])
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &sin6->sin6_addr),
		    1);
		sin6->sin6_family = AF_INET6;
	}
	return cookie_client_ip((struct sockaddr *)&ss, ip);
}

/* RFC 9018 appendix A: the cookie option (client | server) in hex. */
static void
make_is(const char *secret, const char *addr, uint32_t now,
    const char *option)
{
	uint8_t	 key[16], want[24], got[16], ip[16];
	size_t	 iplen = ip_of(addr, ip);

	unhex(secret, key, 16);
	unhex(option, want, 24);
	cookie_make(key, want, now, ip, iplen, got);
	assert_memory_equal(got, want + 8, 16);
}

static enum cookie_verdict
check(const char *cur, const char *prev, const char *addr, uint32_t now,
    const char *option)
{
	struct cookie_keys	 k;
	uint8_t			 c[40], ip[16];
	size_t			 iplen = ip_of(addr, ip);
	size_t			 n = strlen(option) / 2;

	memset(&k, 0, sizeof(k));
	unhex(cur, k.cur, 16);
	if (prev != NULL) {
		unhex(prev, k.prev, 16);
		k.has_prev = true;
	}
	unhex(option, c, n);
	return cookie_check(&k, c, c + 8, n - 8, ip, iplen, now);
}

#define S1	"e5e973e5a6b2a43f48e7dc849e37bfcf"
#define A1	"2464c4abcf10c957010000005cf79f111f8130c3eee29480"
#define A2	"2464c4abcf10c957010000005cf7a871d4a564a1442aca77"
#define A3_IN	"fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5"
#define A3_OUT	"fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e"
#define S4_OLD	"dd3bdf9344b678b185a6f5cb60fca715"
#define S4_NEW	"445536bcd2513298075a5d379663c962"
#define A4_IN	"22681ab97d52c298010000005cf7c57926556bd0934c72f8"
#define A4_OUT	"22681ab97d52c298010000005cf7c609a6bb79d16625507a"
#define C4	"2001:db8:220:1:59de:d0f4:8769:82b8"

/* A.1: a new client learns a server cookie. */
static void
rfc9018_a1_learning(void **state)
{
	(void)state;
	make_is(S1, "198.51.100.100", 1559731985, A1);
}

/* A.2: forty minutes later the cookie is valid but renewed. */
static void
rfc9018_a2_renewed(void **state)
{
	(void)state;
	assert_int_equal(check(S1, NULL, "198.51.100.100", 1559734385, A1),
	    COOKIE_STALE);
	make_is(S1, "198.51.100.100", 1559734385, A2);
}

/* A.3: reserved bytes set by another server are hashed as received. */
static void
rfc9018_a3_reserved_bytes(void **state)
{
	(void)state;
	/* Ten minutes after it was made: ours and fresh. */
	assert_int_equal(check(S1, NULL, "203.0.113.203", 1559727985 + 600,
	    A3_IN), COOKIE_GOOD);
	make_is(S1, "203.0.113.203", 1559734700, A3_OUT);
}

/* A.4: IPv6, made with the secret before a rollover. */
static void
rfc9018_a4_rolled_over(void **state)
{
	(void)state;
	assert_int_equal(check(S4_NEW, S4_OLD, C4, 1559741961, A4_IN),
	    COOKIE_STALE);
	assert_int_equal(check(S4_NEW, NULL, C4, 1559741961, A4_IN),
	    COOKIE_BAD);
	assert_int_equal(check(S4_OLD, NULL, C4, 1559741961, A4_IN),
	    COOKIE_GOOD);
	make_is(S4_NEW, C4, 1559741961, A4_OUT);
}

/* RFC 9018 4.3: an hour old at most, five minutes ahead at most. */
static void
timestamp_window(void **state)
{
	const char	*a = "198.51.100.100";
	uint32_t	 t = 1559731985;

	(void)state;
	assert_int_equal(check(S1, NULL, a, t, A1), COOKIE_GOOD);
	assert_int_equal(check(S1, NULL, a, t + 1800, A1), COOKIE_GOOD);
	assert_int_equal(check(S1, NULL, a, t + 1801, A1), COOKIE_STALE);
	assert_int_equal(check(S1, NULL, a, t + 3600, A1), COOKIE_STALE);
	assert_int_equal(check(S1, NULL, a, t + 3601, A1), COOKIE_BAD);
	assert_int_equal(check(S1, NULL, a, t - 300, A1), COOKIE_GOOD);
	assert_int_equal(check(S1, NULL, a, t - 301, A1), COOKIE_BAD);
}

/* Serial-number arithmetic: a cookie made just before 2^32 wraps. */
static void
timestamp_wraps(void **state)
{
	struct cookie_keys	 k;
	uint8_t			 cc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, sc[16];
	uint8_t			 ip[4] = { 192, 0, 2, 1 };

	(void)state;
	memset(&k, 0, sizeof(k));
	cookie_make(k.cur, cc, 0xfffffff0U, ip, 4, sc);
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 0x10),
	    COOKIE_GOOD);
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 0xfffff000U),
	    COOKIE_BAD);
}

/* Another address, client cookie, byte, length or version: not ours. */
static void
anything_changed_is_bad(void **state)
{
	struct cookie_keys	 k;
	uint8_t			 cc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, sc[32];
	uint8_t			 ip[16] = { 192, 0, 2, 1 }, ip2[4] = { 192, 0,
				    2, 2 };
	size_t			 i;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.cur[0] = 1;
	cookie_make(k.cur, cc, 1000, ip, 4, sc);
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 1000),
	    COOKIE_GOOD);
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip2, 4, 1000),
	    COOKIE_BAD);
	/* The same 4 bytes as the start of an IPv6 address. */
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 16, 1000),
	    COOKIE_BAD);
	for (i = 0; i < 16; i++) {
		sc[i] ^= 0x40;
		assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 1000),
		    COOKIE_BAD);
		sc[i] ^= 0x40;
	}
	cc[7] ^= 1;
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 1000),
	    COOKIE_BAD);
	cc[7] ^= 1;
	memset(sc + 16, 0, 16);
	assert_int_equal(cookie_check(&k, cc, sc, 8, ip, 4, 1000), COOKIE_BAD);
	assert_int_equal(cookie_check(&k, cc, sc, 24, ip, 4, 1000),
	    COOKIE_BAD);
	/* Another secret, as previous or not at all. */
	k.cur[0] = 2;
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 1000),
	    COOKIE_BAD);
	k.prev[0] = 1;
	k.has_prev = true;
	assert_int_equal(cookie_check(&k, cc, sc, 16, ip, 4, 1000),
	    COOKIE_STALE);
}

/* An IPv4-mapped IPv6 client hashes as the IPv4 address it is. */
static void
client_ip_families(void **state)
{
	uint8_t	 ip[16];

	(void)state;
	assert_int_equal(ip_of("192.0.2.7", ip), 4);
	assert_memory_equal(ip, "\xc0\x00\x02\x07", 4);
	assert_int_equal(ip_of("::ffff:192.0.2.7", ip), 4);
	assert_memory_equal(ip, "\xc0\x00\x02\x07", 4);
	assert_int_equal(ip_of("2001:db8::1", ip), 16);
	assert_int_equal(cookie_client_ip(NULL, ip), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_reference_vectors),
		cmocka_unit_test(siphash_paper_example),
		cmocka_unit_test(rfc9018_a1_learning),
		cmocka_unit_test(rfc9018_a2_renewed),
		cmocka_unit_test(rfc9018_a3_reserved_bytes),
		cmocka_unit_test(rfc9018_a4_rolled_over),
		cmocka_unit_test(timestamp_window),
		cmocka_unit_test(timestamp_wraps),
		cmocka_unit_test(anything_changed_is_bad),
		cmocka_unit_test(client_ip_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
