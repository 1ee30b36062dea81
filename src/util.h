/* util.h -- allocation that cannot fail, small helpers */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_UTIL_H
#define STEER_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Startup and load-time allocation: out of memory is fatal. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

/* Monotonic seconds, for how long something took. */
double	 util_mono(void);

/* An IPv4 or IPv6 address: family 4 or 6, or 0 when it is neither. */
uint8_t	 util_parse_addr(const char *, uint8_t addr[16]);
/* Time t (Unix) as "2026-11-30 08:21:33 UTC"; "-" for 0. */
void	 util_utc(char *buf, size_t len, double t);
/* A span of seconds: "42s", "3m 12s", "2h 5m", "1d 3h". */
void	 util_span(char *buf, size_t len, double seconds);
/* How long ago t was, from now: "42s ago"; "-" for 0. */
void	 util_ago(char *buf, size_t len, double t, double now);

/*
 * Base64 (RFC 4648, with padding), as etcd's JSON gateway wants keys and
 * values.  util_b64_encode() writes a NUL-terminated text of
 * UTIL_B64_LEN(n) bytes into out; util_b64_decode() writes at most
 * (len / 4) * 3 bytes and returns how many, or -1 on bad input.
 */
#define UTIL_B64_LEN(n)	(((n) + 2) / 3 * 4 + 1)
void	 util_b64_encode(const void *in, size_t n, char *out);
long	 util_b64_decode(const char *in, size_t len, void *out);

/*
 * Resolve a relative @include in file against file's own directory, not
 * the working directory (which is / once the daemon has detached).
 * libconfig 1.5 has one include directory per read: an @include inside an
 * included file resolves against the same one.
 */
struct config_t;
void	 util_include_dir(struct config_t *, const char *file);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
