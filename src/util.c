/* util.c -- allocation that cannot fail, small helpers */
/* SPDX-License-Identifier: ISC */
#include "config.h"


#include <sys/socket.h>
#include <arpa/inet.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal("malloc");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal("calloc");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("reallocarray: overflow");
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		fatal("realloc");
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

uint8_t
util_parse_addr(const char *s, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return 6;
	return 0;
}

void
util_utc(char *buf, size_t len, double t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void
util_span(char *buf, size_t len, double d)
{
	if (d < 0)
		d = 0;
	if (d < 60)
		snprintf(buf, len, "%.0fs", d);
	else if (d < 3600)
		snprintf(buf, len, "%.0fm %.0fs", floor(d / 60),
		    floor(fmod(d, 60)));
	else if (d < 86400)
		snprintf(buf, len, "%.0fh %.0fm", floor(d / 3600),
		    floor(fmod(d, 3600) / 60));
	else
		snprintf(buf, len, "%.0fd %.0fh", floor(d / 86400),
		    floor(fmod(d, 86400) / 3600));
}

void
util_ago(char *buf, size_t len, double t, double now)
{
	char	 s[48];

	if (t <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	util_span(s, sizeof(s), now - t);
	snprintf(buf, len, "%s ago", s);
}

double
util_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
