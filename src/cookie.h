/* cookie.h -- DNS cookies: server cookies of RFC 9018 (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_COOKIE_H
#define STEER_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

#define COOKIE_CLIENT_LEN	8	/* RFC 7873 4.1 */
#define COOKIE_SERVER_MIN	8	/* RFC 7873 4.2: 8..32 */
#define COOKIE_SERVER_MAX	32
#define COOKIE_OURS_LEN		16	/* RFC 9018: version 1 */
#define COOKIE_SECRET_LEN	16	/* SipHash-2-4's key */
#define COOKIE_VERSION		1
/* RFC 9018 4.3: how old and how far ahead a timestamp may be. */
#define COOKIE_MAX_AGE		3600
#define COOKIE_MAX_AHEAD	300
/* A valid cookie older than this is replaced by a new one. */
#define COOKIE_REFRESH		1800

/*
 * The secrets a server signs and checks with: cur makes every new cookie
 * and checks; prev (a fleet's secret before a rotation) only checks.
 */
struct cookie_keys {
	uint8_t		 cur[COOKIE_SECRET_LEN];
	uint8_t		 prev[COOKIE_SECRET_LEN];
	bool		 has_prev;
};

enum cookie_verdict {
	COOKIE_BAD,	/* not ours, expired, from the future, or damaged */
	COOKIE_GOOD,	/* ours, recent, made with cur: send it back */
	COOKIE_STALE,	/* ours but older than COOKIE_REFRESH or made with
			   prev: valid, answered with a new one */
};

/*
 * The client address as it goes into the hash: 4 bytes for IPv4 (an
 * IPv4-mapped IPv6 address included), 16 for IPv6.  Returns the length,
 * 0 for NULL or another family.
 */
size_t		 cookie_client_ip(const struct sockaddr *, uint8_t ip[16]);

/*
 * Make our server cookie for client cookie cc at time now (seconds since
 * 1970, modulo 2^32) into out: version 1, three reserved zero bytes, the
 * timestamp, and SipHash-2-4 under secret of cc | version | reserved |
 * timestamp | ip (RFC 9018 4.2).
 */
void		 cookie_make(const uint8_t secret[COOKIE_SECRET_LEN],
		    const uint8_t cc[COOKIE_CLIENT_LEN], uint32_t now,
		    const uint8_t *ip, size_t iplen,
		    uint8_t out[COOKIE_OURS_LEN]);

/*
 * Check the server cookie sc[0..sclen) that came with client cookie cc
 * from ip at time now, with either secret of keys.  A timestamp is
 * compared in serial-number arithmetic (RFC 1982), so 2106 is no cliff.
 */
enum cookie_verdict cookie_check(const struct cookie_keys *,
		    const uint8_t cc[COOKIE_CLIENT_LEN], const uint8_t *sc,
		    size_t sclen, const uint8_t *ip, size_t iplen,
		    uint32_t now);

#endif
