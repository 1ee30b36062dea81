/* check.h -- check kinds: what each one reads from config and how it runs */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CHECK_H
#define STEER_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "health.h"

struct check_target;
struct conf_check;
struct conf_key;
struct ev_loop;
struct loader;

/*
 * A check kind: everything about it is here and in its check_*.c file.
 * The config side (keys, prepare) runs at load time; the rest in the
 * prober, on the main loop.
 */
struct check_kind {
	const char		*name;		/* "tcp", "http", ... */
	const char		*doc;		/* one line */
	uint16_t		 port;		/* default port, 0: none */
	bool			 needs_port;	/* the check or each member
						   must give one */
	/* Its settings, read into opts (opts_size bytes). */
	const struct conf_key	*keys;
	size_t			 opts_size;
	/*
	 * After the keys are read: defaults that depend on other keys and
	 * checks between keys, reported with conf_errf(); g is the check's
	 * group.  May be NULL.
	 */
	void			(*prepare)(struct loader *,
				    const config_setting_t *g,
				    struct conf_check *);
	/* The reason for result r with detail, or false: the generic one. */
	bool			(*describe)(const struct conf_check *,
				    enum probe_result r, int detail, char *buf,
				    size_t len);
	/*
	 * State shared by the targets of this kind in one prober (a libcurl
	 * multi handle, a queue of commands): made when the first target
	 * of the kind is, freed when the prober is.  NULL: none.
	 */
	void			*(*start)(struct ev_loop *);
	void			(*stop)(void *state);
	/* Per target: set up (-1: cannot run, logged) and tear down. */
	int			(*target_init)(struct check_target *);
	void			(*target_fini)(struct check_target *);
	/* Start one run; it ends with check_done(). */
	void			(*run)(struct check_target *);
	/*
	 * Abandon the run in flight: its time limit (check_timer_start())
	 * passed, or the prober stops.
	 */
	void			(*cancel)(struct check_target *);
};

/* Every check kind, NULL-ended: the only list of them. */
extern const struct check_kind *const check_kinds[];
const struct check_kind *check_kind_find(const char *name);

/*
 * The reason for result r of check ck into buf (always terminated):
 * "connect refused", "timeout after 1.0s", "HTTP 500", "body lacks
 * \"ok\"", "rcode SERVFAIL", "exit 1", ...  detail is what the result
 * needs: an errno (REFUSED, LOCAL_ERROR), the HTTP status (BAD_STATUS),
 * the rcode (BAD_RCODE), a wait(2) status (EXIT_NONZERO).  Pure.
 */
void		 check_reason(char *buf, size_t len, enum probe_result r,
		    const struct conf_check *ck, int detail);

/* The kind's settings of a check, as config text ("/health"); for tests
 * and operators.  "(none)" when the key is not the kind's. */
void		 check_opt_str(const struct conf_check *, const char *key,
		    char *buf, size_t len);

#endif
