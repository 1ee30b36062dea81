/* conf_server.c -- the main file's "server" group */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"
#include "wire.h"

/*
 * A bare IPv6 address whose last group could be a port: "::1:6299" is an
 * address, but hardly the one meant.  True when what comes before the last
 * colon is an IPv6 address itself and what follows is a port number.
 */
static bool
ambiguous_v6(const char *text)
{
	struct in6_addr	 a;
	char		 host[INET6_ADDRSTRLEN + 1];
	const char	*c = strrchr(text, ':');
	size_t		 hl;
	long		 pn;

	if (c == NULL || c[1] == '\0' || strspn(c + 1, "0123456789") !=
	    strlen(c + 1) || strlen(c + 1) > 5)
		return false;
	pn = strtol(c + 1, NULL, 10);
	if ((hl = c - text) == 0 || hl >= sizeof(host) || pn < 1 || pn > 65535)
		return false;
	memcpy(host, text, hl);
	host[hl] = '\0';
	return inet_pton(AF_INET6, host, &a) == 1;
}

int
conf_parse_hostport(const char *text, struct sockaddr_storage *ss,
    socklen_t *sslen, bool *has_port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[INET6_ADDRSTRLEN + 1];
	const char		*p, *port = NULL;
	char			*end;
	size_t			 hl;
	long			 pn = 53;
	bool			 bracket = text[0] == '[';

	memset(ss, 0, sizeof(*ss));
	if (has_port != NULL)
		*has_port = false;
	if (bracket) {
		if ((p = strchr(text, ']')) == NULL)
			return -1;
		hl = p - text - 1;
		if (p[1] == ':')
			port = p + 2;
		else if (p[1] != '\0')
			return -1;
		text++;
	} else if ((p = strchr(text, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		hl = p - text;
		port = p + 1;
	} else {
		if (ambiguous_v6(text))
			return CONF_LISTEN_AMBIGUOUS;
		hl = strlen(text);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (port != NULL) {
		if (strspn(port, "0123456789") != strlen(port))
			return -1;
		errno = 0;
		pn = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno != 0 || pn < 1 ||
		    pn > 65535)
			return -1;
		if (has_port != NULL)
			*has_port = true;
	}
	if (!bracket && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(pn);
		*sslen = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(pn);
		*sslen = sizeof(*sin6);
		return 0;
	}
	return -1;
}

int
conf_parse_listen(const char *text, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	return conf_parse_hostport(text, ss, sslen, NULL);
}

/* The error for an address that conf_parse_hostport() called ambiguous. */
static void
ambiguous_err(struct loader *ld, int line, const char *what, const char *t)
{
	const char	*c = strrchr(t, ':');

	conf_errf(ld, line, "%s address \"%s\" is ambiguous: write "
	    "[%.*s]:%s for port %s of %.*s, or [%s] for that address", what,
	    t, (int)(c - t), t, c + 1, c + 1, (int)(c - t), t, t);
}

/* Each listen address once, in the order written. */
static void
parse_listen(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf		*c = obj;
	struct conf_listen	*cl;
	config_setting_t	*e;
	const char		*t;
	size_t			 j;
	int			 i, r, type = config_setting_type(s);

	(void)k;
	(void)arg;
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "\"listen\" must be an array of "
		    "strings, not %s", conf_type_name(type));
		return;
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_errf(ld, conf_line(e), "\"listen\" must hold "
			    "strings, not %s",
			    conf_type_name(config_setting_type(e)));
			return;
		}
	if (config_setting_length(s) == 0) {
		conf_errf(ld, conf_line(s), "\"listen\" must not be empty");
		return;
	}
	c->listen = xcalloc(config_setting_length(s), sizeof(*c->listen));
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
		cl = &c->listen[c->nlisten];
		t = config_setting_get_string(e);
		if ((r = conf_parse_listen(t, &cl->ss, &cl->sslen)) ==
		    CONF_LISTEN_AMBIGUOUS) {
			ambiguous_err(ld, conf_elem_line(ld, e), "listen", t);
			continue;
		}
		if (r == -1) {
			conf_errf(ld, conf_elem_line(ld, e), "bad listen address "
			    "\"%s\": want ADDR, ADDR:PORT or [ADDR6]:PORT", t);
			continue;
		}
		for (j = 0; j < c->nlisten; j++)
			if (c->listen[j].sslen == cl->sslen &&
			    memcmp(&c->listen[j].ss, &cl->ss, cl->sslen) == 0)
				break;
		if (j < c->nlisten) {
			conf_errf(ld, conf_elem_line(ld, e), "listen address "
			    "\"%s\" given twice", t);
			continue;
		}
		cl->text = xstrdup(t);
		c->nlisten++;
	}
}

static bool
same_listen(const struct conf_key *k, const void *a, const void *b)
{
	const struct conf	*x = a, *y = b;
	size_t			 i;

	(void)k;
	if (x->nlisten != y->nlisten)
		return false;
	for (i = 0; i < x->nlisten; i++)
		if (x->listen[i].sslen != y->listen[i].sslen ||
		    memcmp(&x->listen[i].ss, &y->listen[i].ss,
		    x->listen[i].sslen) != 0)
			return false;
	return true;
}

/* "" turns the endpoint off; else an address with a port. */
static void
parse_metrics(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf	*c = obj;
	const char	*t;
	bool		 has_port;
	int		 r;

	(void)k;
	(void)arg;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if (*t == '\0') {
		c->has_metrics = true;	/* "": no metrics at all */
		return;
	}
	if ((r = conf_parse_hostport(t, &c->metrics.ss, &c->metrics.sslen,
	    &has_port)) == CONF_LISTEN_AMBIGUOUS) {
		ambiguous_err(ld, conf_line(s), "metrics", t);
		return;
	}
	/* No default port: 53 would be a surprise, and a clash. */
	if (r == -1 || !has_port) {
		conf_errf(ld, conf_line(s), "bad metrics address \"%s\": want "
		    "ADDR:PORT or [ADDR6]:PORT%s", t, r == 0 ? " (a port is "
		    "needed)" : "");
		return;
	}
	c->metrics.text = xstrdup(t);
	c->has_metrics = true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The NSID: a string sent as its bytes, or "0x" and pairs of hex digits. */
static void
parse_nsid(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf	*c = obj;
	uint8_t		 buf[WIRE_NSID_MAX];
	const char	*t, *h = NULL;
	size_t		 n, i;

	(void)k;
	(void)arg;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if (strncmp(t, "0x", 2) == 0) {
		h = t + 2;
		n = strlen(h);
		for (i = 0; i < n && hexval(h[i]) != -1; i++)
			;
		if (n == 0 || n % 2 != 0 || i < n) {
			conf_errf(ld, conf_line(s), "\"nsid\" \"%s\": want an "
			    "even number of hex digits after 0x", t);
			return;
		}
		n /= 2;
	} else
		n = strlen(t);
	if (n == 0) {
		conf_errf(ld, conf_line(s), "\"nsid\" must not be empty");
		return;
	}
	if (n > WIRE_NSID_MAX) {
		conf_errf(ld, conf_line(s), "\"nsid\" is %zu bytes long, at "
		    "most %d", n, WIRE_NSID_MAX);
		return;
	}
	if (h == NULL)
		memcpy(buf, t, n);
	else
		for (i = 0; i < n; i++)
			buf[i] = hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]);
	free(c->nsid);
	c->nsid = xmalloc(n);
	memcpy(c->nsid, buf, n);
	c->nsid_len = n;
}

static bool
same_nsid(const struct conf_key *k, const void *a, const void *b)
{
	const struct conf	*x = a, *y = b;

	(void)k;
	return x->nsid_len == y->nsid_len && (x->nsid_len == 0 ||
	    memcmp(x->nsid, y->nsid, x->nsid_len) == 0);
}

static void
free_nsid(const struct conf_key *k, void *obj)
{
	struct conf	*c = obj;

	(void)k;
	free(c->nsid);
	c->nsid = NULL;
	c->nsid_len = 0;
}

/*
 * A cookie secret (RFC 9018: SipHash-2-4's 128-bit key) as 32 hex
 * digits; arg says which of the two.
 */
static void
parse_cookie_secret(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf	*c = obj;
	const char	*t;
	uint8_t		*key;
	bool		*has;
	size_t		 i, n;

	(void)arg;
	if (strcmp(k->name, "cookie_secret") == 0) {
		key = c->cookie_secret;
		has = &c->has_cookie_secret;
	} else {
		key = c->cookie_secret_previous;
		has = &c->has_cookie_secret_previous;
	}
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	n = strlen(t);
	for (i = 0; i < n && hexval(t[i]) != -1; i++)
		;
	if (n != 2 * 16 || i < n) {
		/* The secret itself is not repeated into the log. */
		conf_errf(ld, conf_line(s), "\"%s\": want 32 hex digits (16 "
		    "bytes)", k->name);
		return;
	}
	for (i = 0; i < 16; i++)
		key[i] = hexval(t[2 * i]) << 4 | hexval(t[2 * i + 1]);
	*has = true;
}

static bool
same_cookie_secret(const struct conf_key *k, const void *a, const void *b)
{
	const struct conf	*x = a, *y = b;

	if (strcmp(k->name, "cookie_secret") == 0)
		return x->has_cookie_secret == y->has_cookie_secret &&
		    memcmp(x->cookie_secret, y->cookie_secret, 16) == 0;
	return x->has_cookie_secret_previous ==
	    y->has_cookie_secret_previous && memcmp(x->cookie_secret_previous,
	    y->cookie_secret_previous, 16) == 0;
}

int
conf_parse_source(const char *text, struct conf_source *out)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		out->sslen = sizeof(*sin);
		inet_ntop(AF_INET, &sin->sin_addr, out->text,
		    sizeof(out->text));
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		out->sslen = sizeof(*sin6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, out->text,
		    sizeof(out->text));
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

/*
 * One address or an array of them, at most one per family: what probes
 * of that family bind to.  A port would be taken by every probe at
 * once, so it is refused rather than ignored.
 */
static void
parse_probe_source(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf		*c = obj;
	struct conf_source	 src, *slot;
	const struct sockaddr_in6 *sin6;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	const config_setting_t	*e;
	const char		*t;
	int			 i, n, line, type = config_setting_type(s);
	bool			 one = type == CONFIG_TYPE_STRING;

	(void)k;
	(void)arg;
	if (!one && type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "\"probe_source\" must be an "
		    "address or an array of them, not %s", conf_type_name(type));
		return;
	}
	n = one ? 1 : config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = one ? s : config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_errf(ld, conf_line(e), "\"probe_source\" must "
			    "hold strings, not %s",
			    conf_type_name(config_setting_type(e)));
			continue;
		}
		t = config_setting_get_string(e);
		line = one ? conf_line(e) : conf_elem_line(ld, e);
		if (conf_parse_source(t, &src) == -1) {
			if (conf_parse_listen(t, &ss, &sslen) == 0)
				conf_errf(ld, line, "bad probe_source \"%s\": "
				    "want an address alone, without brackets "
				    "or a port", t);
			else
				conf_errf(ld, line, "bad probe_source \"%s\": "
				    "want an IPv4 or IPv6 address", t);
			continue;
		}
		sin6 = (const struct sockaddr_in6 *)&src.ss;
		if (src.ss.ss_family == AF_INET6 &&
		    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			/* An IPv6 socket bound to it cannot reach IPv6. */
			conf_errf(ld, line, "bad probe_source \"%s\": an "
			    "IPv4-mapped address; write %s", t,
			    strrchr(src.text, ':') + 1);
			continue;
		}
		slot = src.ss.ss_family == AF_INET ? &c->probe_source.v4 :
		    &c->probe_source.v6;
		if (slot->sslen != 0) {
			conf_errf(ld, line, "probe_source \"%s\": a second "
			    "IPv%c address after \"%s\"; at most one per "
			    "family", t, slot == &c->probe_source.v4 ? '4' :
			    '6', slot->text);
			continue;
		}
		*slot = src;
	}
}

bool
conf_source_same(const struct conf_source *a, const struct conf_source *b)
{
	return a->sslen == b->sslen && (a->sslen == 0 ||
	    memcmp(&a->ss, &b->ss, a->sslen) == 0);
}

static bool
same_probe_source(const struct conf_key *k, const void *a, const void *b)
{
	const struct conf	*x = a, *y = b;

	(void)k;
	return conf_source_same(&x->probe_source.v4, &y->probe_source.v4) &&
	    conf_source_same(&x->probe_source.v6, &y->probe_source.v6);
}

static void
format_probe_source(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const struct conf	*c = obj;
	const char		*a = c->probe_source.v4.text;
	const char		*b = c->probe_source.v6.text;

	(void)k;
	if (*a == '\0' && *b == '\0')
		snprintf(buf, len, "(none)");
	else if (*a == '\0' || *b == '\0')
		snprintf(buf, len, "\"%s\"", *a != '\0' ? a : b);
	else
		snprintf(buf, len, "[ \"%s\", \"%s\" ]", a, b);
}

/* ----------------------------------------------------------- server.rrl */

#define R(field)	CONF_FIELD(struct rrl_conf, field)

static const struct conf_key rrl_keys[] = {
	{ "rate", CONF_UINT, R(rate), .min = 1, .max = 1000000, .def = 20,
	    .doc = "responses a second per client prefix and class" },
	{ "slip", CONF_UINT, R(slip), .min = 0, .max = 10, .def = 2,
	    .doc = "every slip-th limited response is sent truncated" },
	{ "window", CONF_UINT, R(window), .min = 1, .max = 3600, .def = 15,
	    .doc = "seconds over which a flood is remembered" },
	{ "ipv4_prefix", CONF_UINT, R(ipv4_prefix), .min = 8, .max = 32,
	    .def = 24, .doc = "IPv4 clients counted together" },
	{ "ipv6_prefix", CONF_UINT, R(ipv6_prefix), .min = 16, .max = 128,
	    .def = 56, .doc = "IPv6 clients counted together" },
	{ NULL }
};

const struct conf_section conf_rrl_section = {
	"rrl", rrl_keys, "MAIN FILE"
};

/* The group turns rate limiting on; its keys have their defaults. */
static void
parse_rrl(struct loader *ld, const config_setting_t *g,
    const struct conf_key *k, void *obj, void *arg)
{
	static const struct conf_key *const tables[] = { rrl_keys, NULL };
	struct conf	*c = obj;

	(void)k;
	(void)arg;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"rrl\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	conf_section_defaults(rrl_keys, &c->rrl);
	conf_section_unknown(ld, g, "rrl", tables);
	conf_section_read(ld, g, rrl_keys, &c->rrl, "rrl: ", NULL);
	c->rrl.on = true;
}

static bool
same_rrl(const struct conf_key *k, const void *a, const void *b)
{
	const struct conf	*x = a, *y = b;

	(void)k;
	return x->rrl.on == y->rrl.on && (!x->rrl.on ||
	    conf_section_same(rrl_keys, &x->rrl, &y->rrl));
}

static void
format_rrl(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const struct rrl_conf	*r = &((const struct conf *)obj)->rrl;

	(void)k;
	if (!r->on)
		snprintf(buf, len, "(off)");
	else
		snprintf(buf, len, "{ rate = %u; slip = %u; window = %u; "
		    "ipv4_prefix = %u; ipv6_prefix = %u; }", r->rate, r->slip,
		    r->window, r->ipv4_prefix, r->ipv6_prefix);
}

static const char *const log_names[] = { "stderr", "syslog", NULL };
/* In the order of enum log_level. */
static const char *const level_names[] = { "err", "warn", "info", "debug",
    NULL };

#define F(field)	CONF_FIELD(struct conf, field)

static const struct conf_key server_keys[] = {
	{ "listen", CONF_CUSTOM, .parse = parse_listen, .same = same_listen,
	    .flags = CONF_REQUIRED, .doc = "addresses to serve DNS on" },
	{ "workers", CONF_UINT, F(workers), .min = 0, .max = 256,
	    .doc = "worker threads; 0: one per CPU" },
	{ "edns_payload", CONF_UINT, F(edns_payload), .min = 512,
	    .max = 4096, .def = 1232, .doc = "largest UDP answer with EDNS" },
	{ "tcp_timeout", CONF_UINT, F(tcp_timeout), .min = 1, .max = 300,
	    .def = 10, .doc = "seconds a TCP connection may idle" },
	{ "tcp_clients", CONF_UINT, F(tcp_clients), .min = 1, .max = 65535,
	    .def = 512, .doc = "TCP connections per worker" },
	{ "tcp_clients_per_source", CONF_UINT, F(tcp_clients_per_source),
	    .min = 1, .max = 65535, .def = 8,
	    .doc = "TCP connections per worker from one address" },
	{ "control", CONF_PATH, F(control), .doc = "the control socket" },
	{ "control_mode", CONF_MODE, F(control_mode), .def = 0660,
	    .doc = "permissions of the control socket" },
	{ "metrics", CONF_CUSTOM, .parse = parse_metrics,
	    .doc = "HTTP address of metrics and the status page" },
	{ "metrics_hosts", CONF_STRS, F(metrics_hosts),
	    .noff = offsetof(struct conf, nmetrics_hosts),
	    .example = "[ \"status.example.net\" ]",
	    .doc = "Host names the metrics endpoint answers to" },
	{ "state_file", CONF_PATH, F(state_file),
	    .doc = "where overrides are kept" },
	{ "pid_file", CONF_PATH, F(pid_file), .doc = "the process ID file" },
	{ "user", CONF_STR, F(user), .doc = "the user to run as" },
	{ "group", CONF_STR, F(group), .doc = "the group to run as" },
	{ "log", CONF_ENUM, F(log), .names = log_names, .def = -1,
	    .doc = "stderr or syslog" },
	{ "log_level", CONF_ENUM, F(log_level), .names = level_names,
	    .def = 2, .doc = "the least important messages logged" },
	{ "query_log", CONF_NUM, F(query_log), .min = 0, .max = 1,
	    .doc = "fraction of queries logged" },
	{ "probe_source", CONF_CUSTOM, .parse = parse_probe_source,
	    .same = same_probe_source, .format = format_probe_source,
	    .example = "[ \"192.0.2.53\", \"2001:db8::53\" ]",
	    .doc = "source address of probes, one per family" },
	{ "probe_concurrency", CONF_UINT, F(probe_concurrency), .min = 1,
	    .max = 65535, .def = CONF_PROBE_CONCURRENCY,
	    .doc = "checks in flight at once; the rest wait their turn" },
	{ "status_step", CONF_NUM, F(status_step), .min = 0.1, .max = 3600,
	    .def = 30, .doc = "seconds per cell of the status page's charts, "
	    "which have 120" },
	{ "nsid", CONF_CUSTOM, .parse = parse_nsid, .same = same_nsid,
	    .free = free_nsid, .example = "\"0x6e7332\"",
	    .doc = "the NSID option sent to who asks (RFC 5001)" },
	/* One TXT character-string each (RFC 1035 3.3): at most 255. */
	{ "identity", CONF_STR, F(identity), .max = 255,
	    .flags = CONF_NONEMPTY,
	    .doc = "CHAOS TXT of id.server. and hostname.bind." },
	{ "version", CONF_STR, F(version), .max = 255, .flags = CONF_NONEMPTY,
	    .doc = "CHAOS TXT of version.server. and version.bind." },
	{ "rrl", CONF_CUSTOM, .parse = parse_rrl, .same = same_rrl,
	    .format = format_rrl, .example = "{ rate = 5; }",
	    .doc = "response rate limiting over UDP; off when not given" },
	{ "cookies", CONF_BOOL, F(cookies), .def = 1,
	    .doc = "answer DNS cookies (RFC 7873)" },
	{ "cookie_secret", CONF_CUSTOM, .parse = parse_cookie_secret,
	    .same = same_cookie_secret,
	    .example = "\"000102030405060708090a0b0c0d0e0f\"",
	    .doc = "the server cookie secret, shared by a fleet" },
	{ "cookie_secret_previous", CONF_CUSTOM, .parse = parse_cookie_secret,
	    .same = same_cookie_secret,
	    .example = "\"0f0e0d0c0b0a09080706050403020100\"",
	    .doc = "a secret before a rotation, still accepted" },
	{ NULL }
};

const struct conf_section conf_server_section = {
	"server", server_keys, "MAIN FILE"
};

void
conf_load_server(struct loader *ld, const config_setting_t *g, struct conf *c)
{
	static const struct conf_key *const tables[] = { server_keys, NULL };

	conf_section_defaults(server_keys, c);
	conf_section_unknown(ld, g, "server", tables);
	conf_section_read(ld, g, server_keys, c, "", NULL);
}

void
conf_server_free(struct conf *c)
{
	size_t	 i;

	for (i = 0; i < c->nlisten; i++)
		free(c->listen[i].text);
	free(c->listen);
	c->listen = NULL;
	c->nlisten = 0;
	free(c->metrics.text);
	c->metrics.text = NULL;
	conf_section_free(server_keys, c);
}
