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

#include <libconfig.h>

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

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
util_b64_encode(const void *in, size_t n, char *out)
{
	const uint8_t	*p = in;
	uint32_t	 v;
	size_t		 i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 :
		    0);
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

static int
b64_value(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return p - b64;
}

long
util_b64_decode(const char *in, size_t len, void *out)
{
	uint8_t		*o = out;
	uint32_t	 v;
	size_t		 i, j, pad;
	int		 d;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		pad = 0;
		for (v = 0, j = 0; j < 4; j++) {
			if (in[i + j] == '=' && i + 4 == len && j >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (pad > 0 || (d = b64_value(in[i + j])) < 0)
				return -1;
			v = v << 6 | d;
		}
		*o++ = v >> 16;
		if (pad < 2)
			*o++ = v >> 8;
		if (pad < 1)
			*o++ = v;
	}
	return o - (uint8_t *)out;
}

void
util_include_dir(struct config_t *cfg, const char *file)
{
	const char	*slash = strrchr(file, '/');
	char		*dir;

	if (slash == NULL)
		return;
	dir = xstrdup(file);
	dir[slash == file ? 1 : slash - file] = '\0';
	config_set_include_dir(cfg, dir);
	free(dir);
}
