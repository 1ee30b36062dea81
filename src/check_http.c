/* check_http.c -- "http", "https": libcurl on the prober's curlev */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <ev.h>

#include "check.h"
#include "check_http.h"
#include "check_target.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "curlev.h"
#include "health.h"
#include "log.h"
#include "util.h"

extern const struct check_kind	 check_kind_http, check_kind_https;

/* One run in flight: the target's kt, on the prober's curlev. */
struct probe_http {
	struct curlev_xfer	 x;
	CURL			*easy;
	struct curl_slist	*headers;
	struct curl_slist	*resolve;
	char			*body;		/* up to CHECK_BODY_MAX */
	size_t			 len;
	size_t			 hlen;		/* header bytes so far */
	char			 load[24];	/* load_header's value */
	bool			 have_load;
	bool			 enough;	/* the body buffer filled: we
						   stopped reading */
	bool			 huge;		/* headers over CHECK_HEAD_MAX */
	char			 err[CURL_ERROR_SIZE];
};

static void
http_free(struct probe_http *h)
{
	if (h == NULL)
		return;
	if (h->easy != NULL)
		curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->headers);
	curl_slist_free_all(h->resolve);
	free(h->body);
	free(h);
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct probe_http	*h = arg;
	size_t			 len = size * n, room;

	if (h->body == NULL)
		h->body = xmalloc(CHECK_BODY_MAX + 1);
	room = CHECK_BODY_MAX - h->len;
	if (len < room)
		room = len;
	memcpy(h->body + h->len, data, room);
	h->len += room;
	h->body[h->len] = '\0';
	/*
	 * Full: what the body match and load_body need is here.  A short
	 * count ends the transfer (CURLE_WRITE_ERROR, which finish() takes
	 * as a whole read), so that an endless body costs 64 KiB of reading,
	 * not the main thread until the timeout.
	 */
	if (h->len == CHECK_BODY_MAX) {
		h->enough = true;
		return room;	/* short unless this chunk just fit */
	}
	return len;
}

/* Keep the value of the load_header line, if this is it. */
static size_t
header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct check_target	*t = arg;
	struct probe_http	*h = t->kt;
	const struct http_opts	*o = t->ck->opts;
	const char		*name = o->load_header;
	size_t			 len = size * n, nl, i, j = 0;

	/* Many small lines: libcurl bounds each, not all of them. */
	h->hlen += len;
	if (h->hlen > CHECK_HEAD_MAX) {
		h->huge = true;
		return 0;
	}
	if (name == NULL)
		return len;
	nl = strlen(name);
	if (len > nl && data[nl] == ':' && strncasecmp(data, name, nl) == 0) {
		for (i = nl + 1; i < len && isspace((unsigned char)data[i]);
		    i++)
			;
		for (; i < len && j + 1 < sizeof(h->load) &&
		    !isspace((unsigned char)data[i]); i++)
			h->load[j++] = data[i];
		h->load[j] = '\0';
		h->have_load = true;
	}
	return len;
}

/* An unsigned integer with only blanks around it. */
static int
parse_load(const char *s, uint32_t *out)
{
	unsigned long	 v;
	char		*end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || errno != 0 || v >= HEALTH_LOAD_NONE)
		return -1;
	*out = v;
	return 0;
}

/* Did this transfer reach the backend? */
static bool
connected(struct probe_http *h)
{
	long	 nc = 0;
	char	*ip = NULL;

	if (curl_easy_getinfo(h->easy, CURLINFO_NUM_CONNECTS, &nc) ==
	    CURLE_OK && nc > 0)
		return true;
	return curl_easy_getinfo(h->easy, CURLINFO_PRIMARY_IP, &ip) ==
	    CURLE_OK && ip != NULL && ip[0] != '\0';
}

/* A finished transfer: judge it. */
static void
finish(struct check_target *t, CURLcode cc)
{
	struct probe_http	*h = t->kt;
	curl_off_t		 us = 0;
	long			 status = 0, oserr = 0;
	char			 reason[CHECK_REASON_MAX];

	if (cc == CURLE_WRITE_ERROR && h->huge) {
		check_done(t, PROBE_GARBAGE, "headers over 64 KiB", 0, 0);
		return;
	}
	/* We stopped reading: the body we need is whole. */
	if (cc == CURLE_WRITE_ERROR && h->enough)
		cc = CURLE_OK;
	/*
	 * Errors that look like ours but come after a connection was made
	 * are the backend's doing: a header over libcurl's limit is
	 * reported as "out of memory".  A local error never marks a member
	 * down, so a backend must not be able to cause one.
	 */
	if (cc != CURLE_OK && cc != CURLE_OPERATION_TIMEDOUT && connected(h)) {
		snprintf(reason, sizeof(reason), "bad HTTP response: %.100s",
		    h->err[0] != '\0' ? h->err : curl_easy_strerror(cc));
		switch (cc) {
		case CURLE_OUT_OF_MEMORY:
		case CURLE_FAILED_INIT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_INTERFACE_FAILED:
		case CURLE_WRITE_ERROR:
			check_done(t, PROBE_GARBAGE, reason, 0, 0);
			return;
		default:
			break;
		}
	}

	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT:
		check_done(t, PROBE_REFUSED, NULL, 0, 0);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		check_done(t, PROBE_TIMEOUT, NULL, 0, 0);
		return;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		check_done(t, PROBE_CLOSED, NULL, 0, 0);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		check_done(t, PROBE_GARBAGE, NULL, 0, 0);
		return;
	case CURLE_INTERFACE_FAILED:
		/*
		 * The source address could not be bound: ours to fix, said
		 * as the other kinds say it.
		 */
		curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
		snprintf(reason, sizeof(reason), "local error: source %s: "
		    "%.60s", t->src != NULL ? t->src->text : "?", oserr != 0 ?
		    strerror((int)oserr) : h->err[0] != '\0' ? h->err :
		    curl_easy_strerror(cc));
		check_done(t, PROBE_LOCAL_ERROR, reason, (int)oserr, 0);
		return;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(reason, sizeof(reason), "local error: %.100s",
		    h->err[0] != '\0' ? h->err : curl_easy_strerror(cc));
		check_done(t, PROBE_LOCAL_ERROR, reason, 0, 0);
		return;
	default:
		/* TLS and protocol failures: the server's side. */
		snprintf(reason, sizeof(reason), "%.120s",
		    h->err[0] != '\0' ? h->err : curl_easy_strerror(cc));
		check_done(t, PROBE_GARBAGE, reason, 0, 0);
		return;
	}
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME_T, &us);
	http_verdict(t, status, h->body, h->have_load ? h->load : NULL,
	    us > 0 ? (uint64_t)us : 1);
}

void
http_verdict(struct check_target *t, long status, const char *body,
    const char *load, uint64_t rtt_us)
{
	const struct http_opts	*ck = t->ck->opts;
	enum probe_result	 r = PROBE_OK;
	uint32_t		 figure, newload = HEALTH_LOAD_NONE;
	size_t			 i;

	for (i = 0; i < ck->nexpect; i++)
		if (ck->expect[i] == (unsigned)status)
			break;
	if (i == ck->nexpect)
		r = PROBE_BAD_STATUS;
	else if (ck->body != NULL && (body == NULL ||
	    strstr(body, ck->body) == NULL))
		r = PROBE_BAD_BODY;
	if (r == PROBE_OK) {
		if (ck->load_header != NULL && load != NULL &&
		    parse_load(load, &figure) == 0)
			newload = figure;
		else if (ck->load_body && body != NULL &&
		    parse_load(body, &figure) == 0)
			newload = figure;
	}
	http_set_load(t, newload);
	check_done(t, r, NULL, (int)status, rtt_us);
}

void
http_set_load(struct check_target *t, uint32_t load)
{
	const struct http_opts	*o = t->ck->opts;

	/*
	 * A run that brought no figure (none sent, not a number, or the
	 * run failed) leaves the load unknown: a figure is not kept after
	 * the backend stops sending it.
	 */
	if (o->load_header != NULL || o->load_body)
		health_set_load(t->health, t->slot, load);
}

/* A transfer ended (curlev took it off the handle): judge it. */
static void
done_cb(struct curlev_xfer *x, CURLcode cc)
{
	struct check_target	*t = x->arg;
	struct probe_http	*h = t->kt;

	/* A verdict sets the load; every other end makes it unknown. */
	http_set_load(t, HEALTH_LOAD_NONE);
	finish(t, cc);
	t->kt = NULL;
	http_free(h);
}

/* The targets of one prober share a multi handle on its loop. */
static void *
http_start(struct ev_loop *loop)
{
	return curlev_new(loop);
}

/* Set up the transfer; -1 when curl refused an option. */
static int
setup(struct check_target *t, struct probe_http *h)
{
	const struct http_opts	*ck = t->ck->opts;
	bool			 tls = t->kind == &check_kind_https;
	const char		*scheme, *path;
	char			 url[1024], hostport[300], buf[512];
	struct curl_slist	*l;
	size_t			 i;
	bool			 v6 = t->ss.ss_family == AF_INET6;
	CURL			*e = h->easy;

	scheme = tls ? "https" : "http";
	path = ck->path != NULL ? ck->path : "/";
	if (tls && ck->sni != NULL) {
		/* The URL names the SNI host; RESOLVE pins the address. */
		snprintf(buf, sizeof(buf), v6 ? "%s:%u:[%s]" : "%s:%u:%s",
		    ck->sni, t->port, t->addr);
		if ((h->resolve = curl_slist_append(NULL, buf)) == NULL)
			return -1;
		snprintf(hostport, sizeof(hostport), "%s:%u", ck->sni, t->port);
		curl_easy_setopt(e, CURLOPT_RESOLVE, h->resolve);
	} else
		snprintf(hostport, sizeof(hostport), v6 ? "[%s]:%u" : "%s:%u",
		    t->addr, t->port);
	snprintf(url, sizeof(url), "%s://%s%s%s", scheme, hostport,
	    path[0] == '/' ? "" : "/", path);
	if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK)
		return -1;
	if (t->src != NULL) {
		/* "host!": an address to bind, never an interface name. */
		snprintf(buf, sizeof(buf), "host!%s", t->src->text);
		if (curl_easy_setopt(e, CURLOPT_INTERFACE, buf) != CURLE_OK)
			return -1;
	}
	if (ck->host != NULL) {
		snprintf(buf, sizeof(buf), "Host: %s", ck->host);
		if ((l = curl_slist_append(h->headers, buf)) == NULL)
			return -1;
		h->headers = l;
	}
	for (i = 0; i < ck->nheaders; i++) {
		if ((l = curl_slist_append(h->headers, ck->headers[i])) ==
		    NULL)
			return -1;
		h->headers = l;
	}
	if (h->headers != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, ck->user_agent != NULL ?
	    ck->user_agent : "steerdns-probe");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(t->ck->timeout *
	    1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/*
	 * Targets are addresses (or pinned by CURLOPT_RESOLVE): nothing to
	 * expire, and libcurl 7.88 walks its whole DNS cache to expire
	 * entries on every transfer otherwise.
	 */
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP |
	    CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls && ck->verify ? 1L :
	    0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls && ck->verify ? 2L :
	    0L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->err);
	return 0;
}

static void
http_run(struct check_target *t)
{
	struct probe_http	*h;

	h = xcalloc(1, sizeof(*h));
	if ((h->easy = curl_easy_init()) == NULL || setup(t, h) == -1) {
		http_free(h);
		check_done(t, PROBE_LOCAL_ERROR, "local error: curl set-up",
		    0, 0);
		return;
	}
	h->x.easy = h->easy;
	h->x.done = done_cb;
	h->x.arg = t;
	t->kt = h;
	if (curlev_start(t->kstate, &h->x) == -1) {
		t->kt = NULL;
		http_free(h);
		check_done(t, PROBE_LOCAL_ERROR, "local error: curl multi",
		    0, 0);
	}
}

static void
http_cancel(struct check_target *t)
{
	struct probe_http	*h = t->kt;

	if (h == NULL)
		return;
	curlev_stop(t->kstate, &h->x);
	http_free(h);
	t->kt = NULL;
}

static void
http_stop(void *arg)
{
	curlev_free(arg);
}

/* ------------------------------------------------------------- config */

/*
 * "expect": one status code or a non-empty array of them.  Anything else
 * is an error, not the default [200]: a quoted "204" or 204.0 would
 * otherwise leave a check that fails on 204 and passes on 200.
 */
static void
parse_expect(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	const struct conf_check	*ck = arg;
	struct http_opts	*o = obj;
	const config_setting_t	*e;
	long long		 v;
	int			 j, n, type = config_setting_type(s);
	bool			 one = type == CONFIG_TYPE_INT ||
				    type == CONFIG_TYPE_INT64;

	(void)k;
	if (!one && type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "check \"%s\": \"expect\" must be "
		    "a status code or an array of them, not %s", ck->name,
		    conf_type_name(type));
		return;
	}
	n = one ? 1 : config_setting_length(s);
	if (n == 0) {
		conf_errf(ld, conf_line(s), "check \"%s\": \"expect\" must not "
		    "be empty", ck->name);
		return;
	}
	o->expect = xcalloc(n, sizeof(unsigned));
	for (j = 0; j < n; j++) {
		e = one ? s : config_setting_get_elem(s, j);
		switch (config_setting_type(e)) {
		case CONFIG_TYPE_INT:
			v = conf_literal_int(ld, e, config_setting_get_int(e),
			    false);
			break;
		case CONFIG_TYPE_INT64:
			v = config_setting_get_int64(e);
			break;
		default:
			v = -1;
			break;
		}
		if (v < 100 || v > 599) {
			conf_errf(ld, conf_line(e), "check \"%s\": \"expect\" "
			    "wants HTTP status codes 100..599", ck->name);
			continue;
		}
		o->expect[o->nexpect++] = v;
	}
}

static bool
same_expect(const struct conf_key *k, const void *a, const void *b)
{
	const struct http_opts	*x = a, *y = b;

	(void)k;
	return x->nexpect == y->nexpect && (x->nexpect == 0 ||
	    memcmp(x->expect, y->expect, x->nexpect * sizeof(unsigned)) == 0);
}

static void
free_expect(const struct conf_key *k, void *obj)
{
	struct http_opts	*o = obj;

	(void)k;
	free(o->expect);
	o->expect = NULL;
	o->nexpect = 0;
}

static void
format_expect(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const struct http_opts	*o = obj;
	size_t			 i, off;

	(void)k;
	off = snprintf(buf, len, "[");
	for (i = 0; i < o->nexpect && off < len; i++)
		off += snprintf(buf + off, len - off, "%s %u", i ? "," : "",
		    o->expect[i]);
	if (off < len)
		snprintf(buf + off, len - off, " ]");
}

#define HTTP_KEYS \
	{ "path", CONF_STR, CONF_FIELD(struct http_opts, path), \
	    .defs = "/", .doc = "the path asked for" }, \
	{ "host", CONF_STR, CONF_FIELD(struct http_opts, host), \
	    .doc = "the Host header" }, \
	{ "headers", CONF_STRS, CONF_FIELD(struct http_opts, headers), \
	    .noff = offsetof(struct http_opts, nheaders), \
	    .example = "[ \"X-Test: 1\" ]", \
	    .doc = "more request headers, \"Name: value\"" }, \
	{ "user_agent", CONF_STR, CONF_FIELD(struct http_opts, user_agent), \
	    .doc = "the User-Agent header" }, \
	{ "expect", CONF_CUSTOM, CONF_FIELD(struct http_opts, expect), \
	    .parse = parse_expect, .same = same_expect, .free = free_expect, \
	    .format = format_expect, .example = "204", \
	    .doc = "the healthy status codes (default 200)" }, \
	{ "body", CONF_STR, CONF_FIELD(struct http_opts, body), \
	    .doc = "text the body must hold" }, \
	{ "load_header", CONF_STR, CONF_FIELD(struct http_opts, load_header), \
	    .doc = "the header holding the load figure" }, \
	{ "load_body", CONF_BOOL, CONF_FIELD(struct http_opts, load_body), \
	    .doc = "the body is the load figure" }

static const struct conf_key http_keys[] = {
	HTTP_KEYS,
	{ NULL }
};

static const struct conf_key https_keys[] = {
	HTTP_KEYS,
	{ "sni", CONF_STR, CONF_FIELD(struct http_opts, sni),
	    .doc = "the TLS server name" },
	{ "verify", CONF_BOOL, CONF_FIELD(struct http_opts, verify), .def = 1,
	    .doc = "verify the certificate" },
	{ NULL }
};

/* Headers that would break the request are refused, line by line. */
static void
http_prepare(struct loader *ld, const config_setting_t *g,
    struct conf_check *ck)
{
	struct http_opts	*o = ck->opts;
	const config_setting_t	*s, *e;
	const char		*t;
	size_t			 i, kept = 0;

	/* The request line would not parse, or say something else. */
	if (o->path != NULL)
		for (t = o->path; *t != '\0'; t++)
			if ((unsigned char)*t <= ' ' || *t == 0x7f) {
				conf_errf(ld, conf_line(conf_member(g, "path")),
				    "check \"%s\": bad path \"%s\": no blanks "
				    "or control characters (write %%20)",
				    ck->name, o->path);
				break;
			}
	s = conf_member(g, "headers");
	for (i = 0; i < o->nheaders; i++) {
		t = o->headers[i];
		e = s != NULL ? config_setting_get_elem(s, i) : NULL;
		/* A line break would split the message. */
		if (strpbrk(t, "\r\n") != NULL)
			conf_errf(ld, conf_elem_line(ld, e), "check \"%s\": bad "
			    "header \"%.*s...\": a line break in it", ck->name,
			    (int)strcspn(t, "\r\n"), t);
		else if (strchr(t, ':') == NULL)
			conf_errf(ld, conf_elem_line(ld, e), "check \"%s\": bad "
			    "header \"%s\": want \"Name: value\"", ck->name, t);
		else {
			o->headers[kept++] = o->headers[i];
			continue;
		}
		free(o->headers[i]);
	}
	o->nheaders = kept;
	if (o->nexpect == 0) {
		o->expect = xreallocarray(o->expect, 1, sizeof(unsigned));
		o->expect[o->nexpect++] = 200;
	}
}

static bool
http_describe(const struct conf_check *ck, enum probe_result r, int detail,
    char *buf, size_t len)
{
	const struct http_opts	*o = ck->opts;

	(void)detail;
	switch (r) {
	case PROBE_BAD_BODY:
		snprintf(buf, len, "body lacks \"%s\"", o->body != NULL ?
		    o->body : "");
		return true;
	case PROBE_GARBAGE:
		snprintf(buf, len, "bad HTTP response");
		return true;
	default:
		return false;
	}
}

/* Plain HTTP runs on our own client (check_httpc.c), TLS on libcurl. */
const struct check_kind check_kind_http = {
	.name = "http",
	.doc = "an HTTP GET; the status (and body) must be as expected",
	.port = 80,
	.keys = http_keys,
	.opts_size = sizeof(struct http_opts),
	.prepare = http_prepare,
	.describe = http_describe,
	.target_init = httpc_target_init,
	.target_fini = httpc_target_fini,
	.run = httpc_run,
	.cancel = httpc_cancel,
};

const struct check_kind check_kind_https = {
	.name = "https",
	.doc = "an HTTP GET over TLS",
	.port = 443,
	.keys = https_keys,
	.opts_size = sizeof(struct http_opts),
	.prepare = http_prepare,
	.describe = http_describe,
	.start = http_start,
	.stop = http_stop,
	.run = http_run,
	.cancel = http_cancel,
};
