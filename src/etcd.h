/* etcd.h -- etcd's v3 JSON gateway over libcurl: calls and watches */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_ETCD_H
#define STEER_ETCD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct curlev;
struct etcd;
struct etcd_call;

/*
 * A call ended: reply is the parsed answer (borrowed for the duration of
 * the call), or NULL with err saying what failed (transport, HTTP status,
 * an error from etcd, bad JSON).  For a watch, this is its end.
 */
typedef void	 etcd_reply_fn(void *arg, json_t *reply, const char *err);
/* One message of a watch stream: its "result" (borrowed). */
typedef void	 etcd_event_fn(void *arg, json_t *result);

/*
 * A client of the cluster at endpoints[0..n) ("http://host:port"),
 * copied.  Calls go to one endpoint; one that fails moves every later
 * call to the next.  Unary calls give up after timeout seconds.
 */
struct etcd	*etcd_new(struct curlev *, char *const *endpoints, size_t n,
		    double timeout);
/* Cancel every call (no callbacks) and free.  NULL: nothing. */
void		 etcd_free(struct etcd *);

/*
 * POST body (taken over) to path ("/v3/kv/put") and call reply once.
 * Returns the call, for etcd_cancel(), or NULL when it could not start
 * (reply is then not called).
 */
struct etcd_call *etcd_post(struct etcd *, const char *path, json_t *body,
		    etcd_reply_fn *reply, void *arg);
/*
 * Open a watch with create (taken over: the WatchCreateRequest): event
 * for each message, end once when the stream ends or fails.
 */
struct etcd_call *etcd_watch(struct etcd *, json_t *create,
		    etcd_event_fn *event, etcd_reply_fn *end, void *arg);
/* Stop a call; its callbacks are not called.  NULL: nothing. */
void		 etcd_cancel(struct etcd *, struct etcd_call *);

/* The endpoint calls go to now. */
const char	*etcd_endpoint(const struct etcd *);

/* base64 of s[0..n) as a new JSON string. */
json_t		*etcd_b64(const void *s, size_t n);
/* The bytes of base64 string v into buf (NUL-terminated); -1: bad. */
long		 etcd_unb64(const json_t *v, char *buf, size_t len);
/* An int64 that the gateway writes as a string ("42"); 0 when absent. */
int64_t		 etcd_int(const json_t *obj, const char *key);

#endif
