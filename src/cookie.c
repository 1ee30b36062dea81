/* cookie.c -- DNS cookies: server cookies of RFC 9018 (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include "cookie.h"
#include "siphash.h"
#include "wire.h"

size_t
cookie_client_ip(const struct sockaddr *sa, uint8_t ip[16])
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		memcpy(ip, &sin->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	sin6 = (const struct sockaddr_in6 *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(ip, sin6->sin6_addr.s6_addr + 12, 4);
		return 4;
	}
	memcpy(ip, &sin6->sin6_addr, 16);
	return 16;
}

/*
 * The hash of a server cookie whose first 8 bytes (version, reserved,
 * timestamp) are head, as the bytes SipHash's reference writes out.
 */
static void
hash(const uint8_t secret[COOKIE_SECRET_LEN],
    const uint8_t cc[COOKIE_CLIENT_LEN], const uint8_t head[8],
    const uint8_t *ip, size_t iplen, uint8_t out[8])
{
	uint8_t		 msg[COOKIE_CLIENT_LEN + 8 + 16];
	uint64_t	 h;
	size_t		 i;

	memcpy(msg, cc, COOKIE_CLIENT_LEN);
	memcpy(msg + COOKIE_CLIENT_LEN, head, 8);
	memcpy(msg + COOKIE_CLIENT_LEN + 8, ip, iplen);
	h = siphash24(secret, msg, COOKIE_CLIENT_LEN + 8 + iplen);
	for (i = 0; i < 8; i++, h >>= 8)
		out[i] = (uint8_t)h;
}

void
cookie_make(const uint8_t secret[COOKIE_SECRET_LEN],
    const uint8_t cc[COOKIE_CLIENT_LEN], uint32_t now, const uint8_t *ip,
    size_t iplen, uint8_t out[COOKIE_OURS_LEN])
{
	out[0] = COOKIE_VERSION;
	out[1] = out[2] = out[3] = 0;
	wire_put32(out + 4, now);
	hash(secret, cc, out, ip, iplen, out + 8);
}

/* Compare without an early exit: the time taken tells nothing. */
static bool
same8(const uint8_t *a, const uint8_t *b)
{
	uint8_t	 d = 0;
	size_t	 i;

	for (i = 0; i < 8; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

enum cookie_verdict
cookie_check(const struct cookie_keys *k, const uint8_t cc[COOKIE_CLIENT_LEN],
    const uint8_t *sc, size_t sclen, const uint8_t *ip, size_t iplen,
    uint32_t now)
{
	uint8_t		 h[8];
	int32_t		 age;

	/* Only our own kind; its reserved bytes count in the hash. */
	if (sclen != COOKIE_OURS_LEN || sc[0] != COOKIE_VERSION)
		return COOKIE_BAD;
	age = (int32_t)(now - wire_get32(sc + 4));
	if (age > COOKIE_MAX_AGE || age < -COOKIE_MAX_AHEAD)
		return COOKIE_BAD;
	hash(k->cur, cc, sc, ip, iplen, h);
	if (same8(h, sc + 8))
		return age > COOKIE_REFRESH ? COOKIE_STALE : COOKIE_GOOD;
	if (!k->has_prev)
		return COOKIE_BAD;
	hash(k->prev, cc, sc, ip, iplen, h);
	return same8(h, sc + 8) ? COOKIE_STALE : COOKIE_BAD;
}
