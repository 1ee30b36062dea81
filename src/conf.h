/* conf.h -- libconfig files -> validated, read-only struct conf */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CONF_H
#define STEER_CONF_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#define CONF_DEFAULT_PATH	SYSCONFDIR "/steerdns/steerdns.conf"

struct conf_listen {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			*text;		/* as written */
};

/* One resource record with where it was written. */
struct conf_rr {
	ldns_rr		*rr;
	int		 line;
};

struct conf_zone {
	char		*file;
	ldns_rdf	*origin;
	uint32_t	 ttl;
	uint32_t	 neg_ttl;	/* min(SOA TTL, SOA minimum) */
	struct conf_rr	*rrs;		/* SOA first, apex NS, then records */
	size_t		 nrrs;
};

struct conf {
	char			*path;
	struct conf_listen	*listen;
	size_t			 nlisten;
	unsigned		 workers;	/* 0: one per core */
	uint16_t		 edns_payload;
	unsigned		 tcp_timeout;	/* seconds */
	unsigned		 tcp_clients;	/* per worker */
	struct conf_zone	*zones;
	size_t			 nzones;
};

/* Messages "file:line: what is wrong", in the order found. */
struct conf_errs {
	char		**msg;
	size_t		 n;
};

/*
 * Load and validate the main file at path and every zone file it names.
 * On success *out owns a new struct conf (free with conf_free()) and 0 is
 * returned.  Otherwise every problem found is appended to errs and -1 is
 * returned.
 */
int	conf_load(const char *path, struct conf **out, struct conf_errs *errs);
void	conf_free(struct conf *);
void	conf_errs_clear(struct conf_errs *);

/* Parse "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" (port default 53). */
int	conf_parse_listen(const char *, struct sockaddr_storage *,
	    socklen_t *);

#endif
