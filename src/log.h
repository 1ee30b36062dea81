/* log.h -- logging to stderr or syslog */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_LOG_H
#define STEER_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Log to stderr (foreground) or to syslog as "ident". */
void	log_init(const char *ident, bool foreground, enum log_level);
void	log_set_level(enum log_level);
/*
 * Begin lines on standard error with the time, ISO 8601 in UTC to the
 * millisecond: for a daemon's log, not for the errors of a command.
 */
void	log_timestamps(bool);
/* log_warn appends strerror(errno); log_warnx does not. */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1). */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
