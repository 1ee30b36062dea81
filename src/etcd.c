/* etcd.c -- etcd's v3 JSON gateway over libcurl: calls and watches */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "curlev.h"
#include "etcd.h"
#include "log.h"
#include "util.h"

/* A reply larger than this is refused: a range of 100,000 keys fits. */
#define ETCD_REPLY_MAX	(256u << 20)

struct etcd_call {
	struct curlev_xfer	 x;
	struct etcd		*e;
	struct etcd_call	*next, *prev;	/* e->calls */
	struct curl_slist	*headers;
	char			*body;		/* the request */
	char			*buf;		/* what came back */
	size_t			 len, cap;
	bool			 watch;
	bool			 failed;	/* a stream message was bad */
	json_t			*q;		/* watch messages not yet told */
	bool			 busy;		/* telling them */
	bool			 dead;		/* canceled meanwhile */
	char			 ferr[256];
	etcd_reply_fn		*reply;
	etcd_event_fn		*event;
	void			*arg;
	char			 err[CURL_ERROR_SIZE];
};

struct etcd {
	struct curlev		*cv;
	char			**ep;
	size_t			 nep, cur;
	double			 timeout;
	struct etcd_call	*calls;
};

static void	after_cb(void *);

struct etcd *
etcd_new(struct curlev *cv, char *const *endpoints, size_t n, double timeout)
{
	struct etcd	*e;
	size_t		 i, len;

	e = xcalloc(1, sizeof(*e));
	e->cv = cv;
	e->ep = xcalloc(n, sizeof(*e->ep));
	for (i = 0; i < n; i++) {
		/* "http://h:p/" and "http://h:p" are the same endpoint. */
		e->ep[i] = xstrdup(endpoints[i]);
		len = strlen(e->ep[i]);
		if (len > 0 && e->ep[i][len - 1] == '/')
			e->ep[i][len - 1] = '\0';
	}
	e->nep = n;
	e->timeout = timeout;
	curlev_set_after(cv, after_cb, e);
	return e;
}

static void
call_free(struct etcd_call *c)
{
	struct etcd	*e = c->e;

	curlev_stop(e->cv, &c->x);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		e->calls = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	curl_easy_cleanup(c->x.easy);
	curl_slist_free_all(c->headers);
	json_decref(c->q);
	free(c->body);
	free(c->buf);
	free(c);
}

/*
 * Tell the messages of c that came; c may be canceled by one of them:
 * then it is freed and false returned.
 */
static bool
tell(struct etcd_call *c)
{
	json_t	*m;

	c->busy = true;
	while (!c->dead && json_array_size(c->q) > 0) {
		m = json_incref(json_array_get(c->q, 0));
		json_array_remove(c->q, 0);
		c->event(c->arg, m);
		json_decref(m);
	}
	c->busy = false;
	if (c->dead) {
		call_free(c);
		return false;
	}
	return true;
}

/* After curl ran: the watch messages gathered, outside curl. */
static void
after_cb(void *arg)
{
	struct etcd		*e = arg;
	struct etcd_call	*c;

again:
	for (c = e->calls; c != NULL; c = c->next)
		if (c->watch && !c->dead && json_array_size(c->q) > 0) {
			(void)tell(c);
			goto again;
		}
}

void
etcd_free(struct etcd *e)
{
	size_t	 i;

	if (e == NULL)
		return;
	while (e->calls != NULL)
		call_free(e->calls);
	for (i = 0; i < e->nep; i++)
		free(e->ep[i]);
	free(e->ep);
	free(e);
}

void
etcd_cancel(struct etcd *e, struct etcd_call *c)
{
	(void)e;
	if (c == NULL)
		return;
	if (c->busy) {
		/* Freed when tell() returns. */
		c->dead = true;
		curlev_stop(c->e->cv, &c->x);
		return;
	}
	call_free(c);
}

const char *
etcd_endpoint(const struct etcd *e)
{
	return e->ep[e->cur];
}

/* The failing endpoint is left for the next one, for every later call. */
static void
next_endpoint(struct etcd *e, const struct etcd_call *c)
{
	char	*url = NULL;

	curl_easy_getinfo(c->x.easy, CURLINFO_EFFECTIVE_URL, &url);
	if (url != NULL && strncmp(url, e->ep[e->cur],
	    strlen(e->ep[e->cur])) == 0)
		e->cur = (e->cur + 1) % e->nep;
}

/* One whole message of a watch stream. */
static void
stream_message(struct etcd_call *c, const char *s, size_t n)
{
	json_t		*m, *r;
	json_error_t	 je;

	if (n == 0 || c->failed)
		return;
	if ((m = json_loadb(s, n, 0, &je)) == NULL) {
		c->failed = true;
		snprintf(c->ferr, sizeof(c->ferr), "bad JSON in the watch "
		    "stream: %s", je.text);
		return;
	}
	if ((r = json_object_get(m, "result")) != NULL) {
		if (c->q == NULL)
			c->q = json_array();
		json_array_append(c->q, r);
	} else if (json_object_get(m, "error") != NULL) {
		c->failed = true;
		snprintf(c->ferr, sizeof(c->ferr), "watch: %s",
		    json_string_value(json_object_get(json_object_get(m,
		    "error"), "message")) != NULL ? json_string_value(
		    json_object_get(json_object_get(m, "error"), "message")) :
		    "error");
	}
	json_decref(m);
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct etcd_call	*c = arg;
	size_t			 n = size * nmemb, start, i;

	if (c->len + n > ETCD_REPLY_MAX)
		return 0;	/* curl fails the transfer */
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = xreallocarray(c->buf, c->cap, 1);
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	c->buf[c->len] = '\0';
	if (!c->watch)
		return n;
	/* The gateway ends each message of a stream with a newline. */
	for (start = i = 0; i < c->len; i++)
		if (c->buf[i] == '\n') {
			stream_message(c, c->buf + start, i - start);
			start = i + 1;
		}
	memmove(c->buf, c->buf + start, c->len - start);
	c->len -= start;
	return n;
}

static void
done_cb(struct curlev_xfer *x, CURLcode cc)
{
	struct etcd_call	*c = x->arg;
	json_t			*reply = NULL, *ev;
	json_error_t		 je;
	long			 status = 0;
	char			 err[640];
	const char		*m;

	err[0] = '\0';
	/* What a stream said before it ended comes first. */
	if (c->watch && json_array_size(c->q) > 0 && !tell(c))
		return;			/* canceled (and freed) */
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK)
		snprintf(err, sizeof(err), "%s: %s", etcd_endpoint(c->e),
		    c->err[0] != '\0' ? c->err : curl_easy_strerror(cc));
	else if (c->watch && c->failed)
		snprintf(err, sizeof(err), "%s", c->ferr);
	else if (c->watch)
		snprintf(err, sizeof(err), "%s: the watch stream ended",
		    etcd_endpoint(c->e));
	else if ((reply = json_loadb(c->buf != NULL ? c->buf : "",
	    c->len, 0, &je)) == NULL)
		snprintf(err, sizeof(err), "%s: HTTP %ld, not JSON: %s",
		    etcd_endpoint(c->e), status, je.text);
	else if (status != 200) {
		/* grpc-gateway errors: {"error": ..., "message": ...} */
		m = json_string_value(json_object_get(reply, "message"));
		if (m == NULL)
			m = json_string_value(json_object_get(reply, "error"));
		snprintf(err, sizeof(err), "%s: HTTP %ld: %s",
		    etcd_endpoint(c->e), status, m != NULL ? m : "error");
	} else if ((ev = json_object_get(reply, "error")) != NULL) {
		snprintf(err, sizeof(err), "%s: %s", etcd_endpoint(c->e),
		    json_is_string(ev) ? json_string_value(ev) : "error");
	}
	/* A transport failure or a server error: try another member. */
	if (cc != CURLE_OK || status >= 500)
		next_endpoint(c->e, c);
	if (err[0] != '\0') {
		json_decref(reply);
		reply = NULL;
	}
	c->reply(c->arg, reply, err[0] != '\0' ? err : NULL);
	json_decref(reply);
	call_free(c);
}

static struct etcd_call *
start(struct etcd *e, const char *path, json_t *body, bool watch)
{
	struct etcd_call	*c;
	char			 url[512];

	c = xcalloc(1, sizeof(*c));
	c->e = e;
	c->watch = watch;
	c->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (c->body == NULL || (c->x.easy = curl_easy_init()) == NULL) {
		free(c->body);
		free(c);
		return NULL;
	}
	snprintf(url, sizeof(url), "%s%s", e->ep[e->cur], path);
	/* No "Expect: 100-continue": it would wait a second per request. */
	c->headers = curl_slist_append(c->headers,
	    "Content-Type: application/json");
	c->headers = curl_slist_append(c->headers, "Expect:");
	curl_easy_setopt(c->x.easy, CURLOPT_URL, url);
	curl_easy_setopt(c->x.easy, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->x.easy, CURLOPT_POSTFIELDS, c->body);
	curl_easy_setopt(c->x.easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c->x.easy, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->x.easy, CURLOPT_ERRORBUFFER, c->err);
	curl_easy_setopt(c->x.easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->x.easy, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(e->timeout * 500));
	/* A stream has no end; keepalives find a peer that went away. */
	curl_easy_setopt(c->x.easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c->x.easy, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(c->x.easy, CURLOPT_TCP_KEEPINTVL, 1L);
	if (!watch)
		curl_easy_setopt(c->x.easy, CURLOPT_TIMEOUT_MS,
		    (long)(e->timeout * 1000));
	c->x.done = done_cb;
	c->x.arg = c;
	c->next = e->calls;
	if (e->calls != NULL)
		e->calls->prev = c;
	e->calls = c;
	if (curlev_start(e->cv, &c->x) == -1) {
		call_free(c);
		return NULL;
	}
	return c;
}

struct etcd_call *
etcd_post(struct etcd *e, const char *path, json_t *body, etcd_reply_fn *reply,
    void *arg)
{
	struct etcd_call	*c;

	if ((c = start(e, path, body, false)) == NULL)
		return NULL;
	c->reply = reply;
	c->arg = arg;
	return c;
}

struct etcd_call *
etcd_watch(struct etcd *e, json_t *create, etcd_event_fn *event,
    etcd_reply_fn *end, void *arg)
{
	struct etcd_call	*c;

	if ((c = start(e, "/v3/watch", json_pack("{so}", "create_request",
	    create), true)) == NULL)
		return NULL;
	c->reply = end;
	c->event = event;
	c->arg = arg;
	return c;
}

json_t *
etcd_b64(const void *s, size_t n)
{
	char	*t = xmalloc(UTIL_B64_LEN(n));
	json_t	*v;

	util_b64_encode(s, n, t);
	v = json_string(t);
	free(t);
	return v;
}

long
etcd_unb64(const json_t *v, char *buf, size_t len)
{
	const char	*s = json_string_value(v);
	size_t		 n;
	long		 r;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n / 4 * 3 + 1 > len)
		return -1;
	if ((r = util_b64_decode(s, n, buf)) < 0)
		return -1;
	buf[r] = '\0';
	return r;
}

int64_t
etcd_int(const json_t *obj, const char *key)
{
	const json_t	*v = json_object_get(obj, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}
