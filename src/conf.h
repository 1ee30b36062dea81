/* conf.h -- libconfig files -> validated, read-only struct conf */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CONF_H
#define STEER_CONF_H

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "lb.h"
#include "rrl.h"

#define CONF_DEFAULT_PATH	SYSCONFDIR "/steerdns/steerdns.conf"

struct conf_listen {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			*text;		/* as written */
};

/* A source address of probes: port 0; sslen 0: none, the kernel picks. */
struct conf_source {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 text[INET6_ADDRSTRLEN];	/* inet_ntop() */
};

/* server.probe_source: at most one address per family. */
struct conf_sources {
	struct conf_source	 v4, v6;
};

/* One resource record with where it was written. */
struct conf_rr {
	ldns_rr		*rr;
	const char	*file;		/* borrowed: the zone's file or one of
					   its srcs */
	int		 line;
};

struct check_kind;

/* A health check definition; the prober runs it against targets. */
struct conf_check {
	char			*name;
	int			 line;
	const struct check_kind	*kind;		/* borrowed, static */
	uint16_t		 port;		/* 0: the member's own */
	double			 interval, timeout, jitter;
	unsigned		 rise, fall;
	unsigned		 initial;	/* CONF_INITIAL_UP or _DOWN */
	void			*opts;		/* the kind's settings, owned:
						   see kind->keys */
	uint64_t		 hash;		/* of the definition: equal for
						   checks conf_check_same() */
};
#define CONF_INITIAL_UP		0
#define CONF_INITIAL_DOWN	1

struct conf_member {
	int		 line;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 addr[16];
	uint16_t	 weight;
	uint8_t		 priority;
	uint16_t	 region;	/* LB_NO_REGION or an index */
	uint8_t		 check_family;	/* 0: check the address itself */
	uint8_t		 check_addr[16];
	uint16_t	 check_port;	/* 0: the check's port */
	uint8_t		 admin;		/* enum health_admin at start */
	ldns_rdf	*target;	/* a name member: the CNAME answered
					   (family 0 then); NULL: an address */
};

struct conf_pool {
	char			*name;
	int			 line;
	int			 check;		/* index, -1 for none */
	struct conf_member	*members;
	size_t			 nmembers;
	bool			 names;		/* members are names (CNAME
						   targets), not addresses */
	double			 slow_start;	/* seconds; 0: none */
	unsigned		 flap_limit;	/* 0: no flap damping */
	double			 flap_window;	/* seconds */
};

/*
 * What a region of the group form takes from the GeoIP database; when a
 * network matches several, the first kind here wins.
 */
enum conf_geo_kind {
	CONF_GEO_ASN,		/* autonomous_system_number */
	CONF_GEO_SUBDIVISION,	/* "DE-BY": country and subdivisions.0 */
	CONF_GEO_COUNTRY,	/* country.iso_code */
	CONF_GEO_CONTINENT,	/* continent.code */
};

struct conf_geosel {
	enum conf_geo_kind	 kind;
	char			 code[8];	/* upper case; "" for an ASN */
	uint32_t		 asn;
	uint16_t		 region;
	int			 line;
};

struct conf_name {
	ldns_rdf	*owner;
	int		 line;
	size_t		 pool;
	struct lb_step	*steps;		/* owned; lb_chain_prepare()d */
	size_t		 nsteps;
	uint32_t	 ttl, degraded_ttl;
	unsigned	 max_answers;	/* 0: all */
	enum lb_all_down all_down;
	ldns_rr		**fallback;	/* A/AAAA owned by the name */
	size_t		 nfallback;
	ldns_rdf	*fallback_cname;
	bool		 ecs;		/* use the client subnet option */
	uint16_t	**order;	/* fallback_order: NULL, or per region
					   of the zone NULL or the regions to
					   try, as lb_query.fallback */
};

struct conf_zone {
	char		*file;
	char		**srcs;		/* master files read: records_file and
					   what it includes, in order */
	size_t		 nsrcs;
	ldns_rdf	*origin;
	uint32_t	 ttl;
	uint32_t	 neg_ttl;	/* min(SOA TTL, SOA minimum) */
	struct conf_rr	*rrs;		/* SOA first, apex NS, then records */
	size_t		 nrrs;
	struct conf_check *checks;
	size_t		 nchecks;
	struct lb_regions regions;
	struct conf_geosel *geosel;	/* the regions' database keys */
	size_t		 ngeosel;
	struct conf_pool *pools;
	size_t		 npools;
	struct conf_name *names;
	size_t		 nnames;
};

/* The main file's "fleet" group: nodes that answer as one, over etcd. */
struct conf_fleet {
	char			*node;		/* this node; NULL: no fleet */
	char			**etcd;		/* client endpoints, in turn */
	size_t			 netcd;
	char			*prefix;	/* of every key: "/steerdns/" */
	unsigned		 quorum;	/* nodes that must see a target
						   down; 0: a majority */
	double			 lease;		/* seconds verdicts outlive a
						   node */
};

/* The main file's "geoip" group. */
struct conf_geoip {
	char			*database;	/* NULL: none */
	int			 line;		/* where it was given */
};

struct conf {
	char			*path;
	uint64_t		 hash;		/* of the zone files, with a
						   fleet: nodes compare it */
	struct conf_listen	*listen;
	size_t			 nlisten;
	unsigned		 workers;	/* 0: one per core */
	uint16_t		 edns_payload;
	unsigned		 tcp_timeout;	/* seconds */
	unsigned		 tcp_clients;	/* per worker */
	unsigned		 tcp_clients_per_source;	/* per worker */
	char			*control;	/* unix socket path, NULL: none */
	unsigned		 control_mode;	/* default 0660 */
	struct conf_listen	 metrics;	/* HTTP; sslen 0: none */
	bool			 has_metrics;	/* given: "" or an address */
	char			**metrics_hosts; /* more Host names answered */
	size_t			 nmetrics_hosts;
	char			*state_file;	/* admin overrides, NULL: none */
	char			*pid_file;
	char			*user, *group;	/* drop to after binding */
	int			 log;		/* CONF_LOG_*, -1: by -f */
	unsigned		 log_level;	/* enum log_level */
	double			 query_log;	/* fraction of queries logged */
	struct conf_sources	 probe_source;	/* where probes come from */
	unsigned		 probe_concurrency;	/* runs in flight */
	double			 status_step;	/* seconds a chart cell */
#define CONF_PROBE_CONCURRENCY	1000	/* its default */
	uint8_t			*nsid;		/* sent to who asks (RFC 5001),
						   NULL: none */
	size_t			 nsid_len;
	char			*identity;	/* CH TXT id.server., NULL:
						   REFUSED */
	char			*version;	/* CH TXT version.server.,
						   NULL: REFUSED */
	struct rrl_conf		 rrl;		/* response rate limiting */
	bool			 cookies;	/* answer DNS cookies
						   (RFC 7873) */
	bool			 has_cookie_secret; /* else a random one */
	uint8_t			 cookie_secret[16];
	bool			 has_cookie_secret_previous;
	uint8_t			 cookie_secret_previous[16]; /* still
						   accepted */
	struct conf_zone	*zones;
	size_t			 nzones;
	struct conf_fleet	 fleet;
	struct conf_geoip	 geoip;
};

#define CONF_LOG_STDERR		0
#define CONF_LOG_SYSLOG		1

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

/*
 * Are two checks defined the same way, whatever their names?  Then a
 * target probed with one is probed with the other: once.  NULL is the
 * same only as NULL.
 */
bool	conf_check_same(const struct conf_check *, const struct conf_check *);

/*
 * Parse an IPv4 or IPv6 address alone (no brackets, no port) into *out;
 * -1 when text is not one.
 */
int	conf_parse_source(const char *, struct conf_source *out);
/* The same address, or both unset? */
bool	conf_source_same(const struct conf_source *,
	    const struct conf_source *);

/*
 * Parse "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" (port default 53): 0, -1
 * when it is none of them, CONF_LISTEN_AMBIGUOUS for a bare IPv6 address
 * whose last group reads as a port ("::1:6299": brackets are needed).
 * conf_parse_hostport() also tells whether a port was written.
 */
#define CONF_LISTEN_AMBIGUOUS	(-2)
int	conf_parse_listen(const char *, struct sockaddr_storage *,
	    socklen_t *);
int	conf_parse_hostport(const char *, struct sockaddr_storage *,
	    socklen_t *, bool *has_port);

#endif
