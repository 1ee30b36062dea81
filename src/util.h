/* util.h -- allocation that cannot fail, small helpers */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_UTIL_H
#define STEER_UTIL_H

#include <stddef.h>

/* Startup and load-time allocation: out of memory is fatal. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
