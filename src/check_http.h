/* check_http.h -- what the http and https checks share: their settings
 * and the verdict on a response */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CHECK_HTTP_H
#define STEER_CHECK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct check_target;

struct http_opts {
	char		*path, *host, *user_agent, *body, *load_header, *sni;
	char		**headers;
	size_t		 nheaders;
	unsigned	*expect;	/* status codes */
	size_t		 nexpect;
	bool		 load_body;	/* the load figure from the body */
	bool		 verify;	/* https: the certificate */
};

/*
 * A whole response came: judge its status, body (NUL-terminated, NULL:
 * none) and load header value (NULL: none), set the load and end the
 * run with check_done().
 */
void		 http_verdict(struct check_target *, long status,
		    const char *body, const char *load, uint64_t rtt_us);
/* Set t's load figure, when its check reads one (HEALTH_LOAD_NONE). */
void		 http_set_load(struct check_target *, uint32_t load);

/* The plain http kind's runs (check_httpc.c): our own client. */
int		 httpc_target_init(struct check_target *);
void		 httpc_target_fini(struct check_target *);
void		 httpc_run(struct check_target *);
void		 httpc_cancel(struct check_target *);

#endif
