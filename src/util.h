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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
