/* log.c -- logging to stderr or syslog */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static const char	*log_ident = "steerdns";
static bool		 log_stderr = true;
static enum log_level	 log_max = LOG_LEVEL_INFO;
static bool		 log_stamps;

void
log_init(const char *ident, bool foreground, enum log_level level)
{
	log_ident = ident;
	log_stderr = foreground;
	log_max = level;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_max = level;
}

void
log_timestamps(bool on)
{
	log_stamps = on;
}

/* "2026-12-03T20:15:04.123Z ", or "" when the clock cannot be read. */
static void
stamp(char *buf, size_t len)
{
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 n;

	buf[0] = '\0';
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL)
		return;
	if ((n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return;
	snprintf(buf + n, len - n, ".%03ldZ ", ts.tv_nsec / 1000000);
}

static void
vlog(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	static const int	 prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
				    LOG_DEBUG };
	char			 msg[1024], ts[32] = "";
	int			 n;

	if (level > log_max)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (errnum != 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	if (log_stderr) {
		/*
		 * syslog and the journal stamp what they are given; standard
		 * error is often a file or a terminal with nothing to tell
		 * when a line came.
		 */
		if (log_stamps)
			stamp(ts, sizeof(ts));
		/* One write per line so that threads do not interleave. */
		flockfile(stderr);
		fprintf(stderr, "%s%s: %s\n", ts, log_ident, msg);
		funlockfile(stderr);
	} else
		syslog(prio[level], "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
