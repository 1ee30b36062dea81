/* probe_http.c -- http/https check: libcurl multi-socket on libev */
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

#include "conf.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"
#include "util.h"

/* One run in flight. */
struct probe_http {
	CURL			*easy;
	struct curl_slist	*headers;
	struct curl_slist	*resolve;
	char			*body;		/* up to PROBE_BODY_MAX */
	size_t			 len;
	char			 load[24];	/* load_header's value */
	bool			 have_load;
	char			 err[CURL_ERROR_SIZE];
};

/* A socket curl wants watched. */
struct http_sock {
	ev_io		 w;
	struct probe	*p;
};

static void	 drain(struct probe *);

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

static void
sock_cb_ev(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_sock	*s = w->data;
	struct probe		*p = s->p;	/* curl may free s */
	int			 running, flags = 0;

	(void)loop;
	if (revents & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(p->multi, w->fd, flags, &running);
	drain(p);
}

static void
timer_cb_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe	*p = w->data;
	int		 running;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(p);
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl wants. */
static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct probe		*p = userp;
	struct http_sock	*s = sockp;
	int			 ev = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			ev_io_stop(p->loop, &s->w);
			free(s);
			curl_multi_assign(p->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->p = p;
		s->w.data = s;
		curl_multi_assign(p->multi, fd, s);
	} else
		ev_io_stop(p->loop, &s->w);
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	ev_io_init(&s->w, sock_cb_ev, fd, ev);
	ev_io_start(p->loop, &s->w);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: call curl back after ms (-1: never). */
static int
timer_cb(CURLM *m, long ms, void *userp)
{
	struct probe	*p = userp;

	(void)m;
	ev_timer_stop(p->loop, &p->curl_w);
	if (ms >= 0) {
		ev_timer_set(&p->curl_w, ms / 1000.0, 0);
		ev_timer_start(p->loop, &p->curl_w);
	}
	return 0;
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct probe_http	*h = arg;
	size_t			 len = size * n, room;

	if (h->body == NULL)
		h->body = xmalloc(PROBE_BODY_MAX + 1);
	room = PROBE_BODY_MAX - h->len;
	if (len < room)
		room = len;
	memcpy(h->body + h->len, data, room);
	h->len += room;
	h->body[h->len] = '\0';
	return len;	/* the rest is read and dropped */
}

/* Keep the value of the load_header line, if this is it. */
static size_t
header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct probe_target	*t = arg;
	struct probe_http	*h = t->http;
	const char		*name = t->ck->load_header;
	size_t			 len = size * n, nl, i, j = 0;

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

/* A finished transfer: judge it. */
static void
finish(struct probe_target *t, CURLcode cc)
{
	struct probe_http	*h = t->http;
	const struct conf_check	*ck = t->ck;
	curl_off_t		 us = 0;
	long			 status = 0;
	char			 reason[PROBE_REASON_MAX];
	uint32_t		 load;
	size_t			 i;
	enum probe_result	 r = PROBE_OK;

	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT:
		probe_done(t, PROBE_REFUSED, NULL, 0, 0);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		probe_done(t, PROBE_TIMEOUT, NULL, 0, 0);
		return;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		probe_done(t, PROBE_CLOSED, NULL, 0, 0);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		probe_done(t, PROBE_GARBAGE, NULL, 0, 0);
		return;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(reason, sizeof(reason), "local error: %.100s",
		    h->err[0] != '\0' ? h->err : curl_easy_strerror(cc));
		probe_done(t, PROBE_LOCAL_ERROR, reason, 0, 0);
		return;
	default:
		/* TLS and protocol failures: the server's side. */
		snprintf(reason, sizeof(reason), "%.120s",
		    h->err[0] != '\0' ? h->err : curl_easy_strerror(cc));
		probe_done(t, PROBE_GARBAGE, reason, 0, 0);
		return;
	}
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME_T, &us);
	for (i = 0; i < ck->nexpect; i++)
		if (ck->expect[i] == (unsigned)status)
			break;
	if (i == ck->nexpect)
		r = PROBE_BAD_STATUS;
	else if (ck->body != NULL && (h->body == NULL ||
	    strstr(h->body, ck->body) == NULL))
		r = PROBE_BAD_BODY;
	if (r == PROBE_OK) {
		if (ck->load_header != NULL && h->have_load &&
		    parse_load(h->load, &load) == 0)
			health_set_load(t->p->health, t->slot, load);
		else if (ck->load_body && h->body != NULL &&
		    parse_load(h->body, &load) == 0)
			health_set_load(t->p->health, t->slot, load);
	}
	probe_done(t, r, NULL, (int)status, us > 0 ? (uint64_t)us : 1);
}

/* Take every finished transfer off the multi handle. */
static void
drain(struct probe *p)
{
	struct probe_target	*t;
	struct probe_http	*h;
	CURLMsg			*m;
	CURLcode		 cc;
	char			*priv;
	int			 left;

	while ((m = curl_multi_info_read(p->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		cc = m->data.result;
		t = (struct probe_target *)(void *)priv;
		curl_multi_remove_handle(p->multi, m->easy_handle);
		if (t == NULL)
			continue;
		h = t->http;
		finish(t, cc);
		t->http = NULL;
		http_free(h);
	}
}

int
probe_http_init(struct probe *p)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl_global_init failed");
		return -1;
	}
	p->curl_inited = true;
	if ((p->multi = curl_multi_init()) == NULL) {
		log_warnx("curl_multi_init failed");
		return -1;
	}
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p);
	ev_timer_init(&p->curl_w, timer_cb_ev, 0, 0);
	p->curl_w.data = p;
	return 0;
}

/* Set up the transfer; -1 when curl refused an option. */
static int
setup(struct probe_target *t, struct probe_http *h)
{
	const struct conf_check	*ck = t->ck;
	const char		*scheme, *path;
	char			 url[1024], hostport[300], buf[512];
	struct curl_slist	*l;
	size_t			 i;
	bool			 v6 = t->ss.ss_family == AF_INET6;
	CURL			*e = h->easy;

	scheme = ck->type == CHECK_HTTPS ? "https" : "http";
	path = ck->path != NULL ? ck->path : "/";
	if (ck->type == CHECK_HTTPS && ck->sni != NULL) {
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
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(ck->timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
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
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, ck->verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, ck->verify ? 2L : 0L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->err);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)(void *)t);
	return 0;
}

void
probe_http_run(struct probe_target *t)
{
	struct probe_http	*h;

	h = xcalloc(1, sizeof(*h));
	if ((h->easy = curl_easy_init()) == NULL || setup(t, h) == -1) {
		http_free(h);
		probe_done(t, PROBE_LOCAL_ERROR, "local error: curl set-up",
		    0, 0);
		return;
	}
	t->http = h;
	if (curl_multi_add_handle(t->p->multi, h->easy) != CURLM_OK) {
		t->http = NULL;
		http_free(h);
		probe_done(t, PROBE_LOCAL_ERROR, "local error: curl multi",
		    0, 0);
	}
}

void
probe_http_cancel(struct probe_target *t)
{
	if (t->http == NULL)
		return;
	curl_multi_remove_handle(t->p->multi, t->http->easy);
	http_free(t->http);
	t->http = NULL;
	t->running = false;
}

void
probe_http_fini(struct probe *p)
{
	if (p->multi != NULL) {
		curl_multi_cleanup(p->multi);
		p->multi = NULL;
		ev_timer_stop(p->loop, &p->curl_w);
	}
	if (p->curl_inited)
		curl_global_cleanup();
	p->curl_inited = false;
}
