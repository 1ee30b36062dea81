/* fleet.c -- nodes that answer as one: verdicts and overrides over etcd */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <ev.h>
#include <jansson.h>

#include "conf.h"
#include "curlev.h"
#include "etcd.h"
#include "fleet.h"
#include "fleet_int.h"
#include "fleet_state.h"
#include "log.h"
#include "probe.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"
#include "zone.h"

/*
 * Keys, under the prefix:
 *   n/NODE              this node: config hash, version, started, lag
 *   v/NODE/ADDR,PORT,H  its verdict of one target (H: the check's hash)
 *   a/ADDR              a fleet-wide override of a member address
 * A node's keys live under its lease; a timed override under its own.
 */

static void	connect_start(struct fleet *);
static void	flush(struct fleet *);

/* A new JSON string prefix + the printf result. */
static json_t *
key_json(const struct fleet *f, const char *fmt, ...)
{
	char	 buf[FLEET_KEY_MAX];
	size_t	 n = strlen(f->prefix);
	va_list	 ap;

	memcpy(buf, f->prefix, n);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	return etcd_b64(buf, strlen(buf));
}

/* A value for a put: the JSON text of v (taken), base64. */
static json_t *
value_json(json_t *v)
{
	char	*s = json_dumps(v, JSON_COMPACT);
	json_t	*r;

	json_decref(v);
	r = etcd_b64(s, strlen(s));
	free(s);
	return r;
}

json_t *
fleet_op_put(json_t *key, json_t *value, int64_t lease)
{
	char	 id[32];

	snprintf(id, sizeof(id), "%lld", (long long)lease);
	return json_pack("{s{sososs}}", "requestPut", "key", key, "value",
	    value, "lease", id);
}

json_t *
fleet_op_del(json_t *key)
{
	return json_pack("{s{so}}", "requestDeleteRange", "key", key);
}

static json_t *
id_json(int64_t id)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return json_string(buf);
}

/* The store went away (or a call failed): log once, retry soon. */
void
fleet_fail(struct fleet *f, const char *what, const char *err)
{
	size_t	 i;

	f->failures++;
	if (f->connected || !f->logged) {
		log_warnx("fleet: %s: %s; answering from the last fleet state "
		    "and this node's checks until etcd is back", what,
		    err != NULL ? err : "failed");
		f->logged = true;
	}
	snprintf(f->error, sizeof(f->error), "%s: %s", what, err != NULL ?
	    err : "failed");
	if (f->connected)
		f->since = ev_now(f->loop);
	f->connected = false;
	etcd_cancel(f->etcd, f->call);
	etcd_cancel(f->etcd, f->kcall);
	etcd_cancel(f->etcd, f->bcall);
	etcd_cancel(f->etcd, f->watch);
	etcd_cancel(f->etcd, f->opcall);
	f->call = f->kcall = f->bcall = f->watch = f->opcall = NULL;
	for (i = 0; i < FLEET_TXN_MAX; i++) {
		etcd_cancel(f->etcd, f->txn[i]);
		f->txn[i] = NULL;
	}
	ev_timer_stop(f->loop, &f->keep_w);
	ev_timer_stop(f->loop, &f->beat_w);
	ev_timer_stop(f->loop, &f->retry_w);
	ev_timer_set(&f->retry_w, FLEET_RETRY, 0);
	ev_timer_start(f->loop, &f->retry_w);
}

/* ---- the node key ---- */

static json_t *
node_value(struct fleet *f)
{
	char	 hash[24];

	snprintf(hash, sizeof(hash), "%016llx",
	    (unsigned long long)f->srv->snap->conf->hash);
	return json_pack("{sssssfsfsIsi}", "config_hash", hash, "version",
	    PACKAGE_VERSION, "started", f->srv->started, "t", ev_time(),
	    "revision", (json_int_t)f->revision, "lag_ms", (int)f->lag_ms);
}

static json_t *
node_txn(struct fleet *f)
{
	return json_pack("{s[o]}", "success", fleet_op_put(key_json(f, "n/%s",
	    f->node), value_json(node_value(f)), f->lease));
}

static void
beat_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;

	(void)reply;
	f->bcall = NULL;
	if (err != NULL)
		fleet_fail(f, "publishing this node", err);
}

/* Every FLEET_BEAT seconds, say again who we are (last seen, lag). */
static void
beat_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fleet	*f = w->data;

	(void)loop;
	(void)revents;
	if (!f->connected || f->bcall != NULL)
		return;
	f->txns++;
	f->writes++;
	f->bcall = etcd_post(f->etcd, "/v3/kv/txn", node_txn(f), beat_cb, f);
}

/* ---- the lease ---- */

static void
keep_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;
	json_t		*r;

	f->kcall = NULL;
	if (err != NULL) {
		fleet_fail(f, "keeping the lease", err);
		return;
	}
	r = json_object_get(reply, "result");
	if (etcd_int(r, "TTL") <= 0) {
		/* Gone: our keys went with it.  Start again. */
		f->lease = 0;
		fleet_fail(f, "keeping the lease", "the lease expired");
	}
}

static void
keep_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fleet	*f = w->data;

	(void)loop;
	(void)revents;
	if (f->lease == 0 || f->kcall != NULL)
		return;
	f->kcall = etcd_post(f->etcd, "/v3/lease/keepalive",
	    json_pack("{so}", "ID", id_json(f->lease)), keep_cb, f);
}

/* ---- reading the store ---- */

/*
 * A bucket of node's verdicts (v NULL: deleted): each target in it gets
 * its vote, each target it held before and not now loses it.
 */
static void
apply_bucket(struct fleet *f, struct fleet_state *st, size_t node,
    const char *bkey, const json_t *v)
{
	json_t		*entries = json_object_get(v, "v"), *e;
	const char	*tk;
	size_t		*tis, *gone, n = 0, ng, ti, j;

	tis = xcalloc(json_object_size(entries) + 1, sizeof(*tis));
	json_object_foreach(entries, tk, e) {
		if ((ti = fleet_target_get(st, tk, true)) == SIZE_MAX)
			continue;
		fleet_vote_apply(f, st, ti, node, e);
		tis[n++] = ti;
	}
	ng = fleet_bucket_set(st, bkey, tis, n, &gone);
	for (j = 0; j < ng; j++)
		fleet_vote_apply(f, st, gone[j], node, NULL);
	free(gone);
	free(tis);
}

/* Apply one key (value NULL: deleted); true when a verdict changed. */
static void
apply_kv(struct fleet *f, struct fleet_state *st, const char *key,
    const char *value, int64_t lease, bool live_event)
{
	size_t		 n = strlen(f->prefix), node;
	const char	*k, *slash;
	char		 name[FLEET_NAME_MAX];
	json_t		*v = NULL;
	double		 t;
	bool		 self;

	if (strncmp(key, f->prefix, n) != 0)
		return;
	k = key + n;
	if (value != NULL && (v = json_loads(value, 0, NULL)) == NULL) {
		log_debug("fleet: %s: not JSON, ignored", key);
		return;
	}
	t = json_real_value(json_object_get(v, "t"));
	if (live_event && value != NULL && t > 0)
		fleet_lag(f, ev_time() - t);
	if (strncmp(k, "n/", 2) == 0) {
		if ((node = fleet_node_get(st, k + 2)) != SIZE_MAX)
			fleet_node_apply(f, st, node, v);
	} else if (strncmp(k, "v/", 2) == 0 &&
	    (slash = strchr(k + 2, '/')) != NULL &&
	    (size_t)(slash - k - 2) < sizeof(name)) {
		memcpy(name, k + 2, slash - k - 2);
		name[slash - k - 2] = '\0';
		node = fleet_node_get(st, name);
		self = strcmp(name, f->node) == 0;
		/*
		 * Our name under another lease: a process of ours before a
		 * restart wrote it, and its lease will take it away.  Not
		 * ours to count on: we write it again under our lease.
		 */
		if (v != NULL && self && lease != f->lease) {
			json_decref(v);
			return;
		}
		if (node != SIZE_MAX)
			apply_bucket(f, st, node, k + 2, v);
		if (self)
			fleet_store_bucket(f, strtoul(slash + 1, NULL, 16),
			    json_object_get(v, "v"));
	} else if (strncmp(k, "a/", 2) == 0)
		fleet_admin_apply(f, k + 2, v);
	json_decref(v);
}

/* One key-value of a reply or an event: key and value decoded. */
static void
apply_json(struct fleet *f, struct fleet_state *st, const json_t *kv,
    bool deleted, bool live_event)
{
	char	 key[FLEET_KEY_MAX], *value = NULL;
	size_t	 n;

	if (etcd_unb64(json_object_get(kv, "key"), key, sizeof(key)) < 0)
		return;
	if (!deleted) {
		n = strlen(json_string_value(json_object_get(kv, "value")) !=
		    NULL ? json_string_value(json_object_get(kv, "value")) :
		    "");
		value = xmalloc(n / 4 * 3 + 4);
		if (etcd_unb64(json_object_get(kv, "value"), value,
		    n / 4 * 3 + 4) < 0) {
			free(value);
			return;
		}
	}
	apply_kv(f, st, key, value, etcd_int(kv, "lease"), live_event);
	free(value);
}

/*
 * In the first minute, say when this node holds every live node's
 * verdict of every target, each time that is true of more nodes than the
 * last time: how long the fleet took to be one at start
 * (contrib/bench/fleet.sh reads it).  A fleet whose nodes probe
 * different targets may never get there; that is not an error.
 */
static void
note_whole(struct fleet *f)
{
	struct fleet_info	 fi;
	size_t			 n;

	if (ev_now(f->loop) - f->joined > 60 ||
	    fleet_nodes_live(f->st) <= f->whole)
		return;
	fleet_info(f, &fi);
	if ((n = fi.targets) == 0 || fi.votes < n * fi.nodes_live)
		return;
	f->whole = fi.nodes_live;
	log_info("fleet: every verdict of %zu node%s on %zu target%s held, "
	    "%.2f s after joining", fi.nodes_live, fi.nodes_live == 1 ? "" :
	    "s", n, n == 1 ? "" : "s", ev_now(f->loop) - f->joined);
}

static void
watch_event(void *arg, json_t *result)
{
	struct fleet	*f = arg;
	json_t		*evs, *ev;
	size_t		 i;
	const char	*type;
	int64_t		 rev;

	if ((rev = etcd_int(json_object_get(result, "header"), "revision")) >
	    0)
		f->revision = rev;
	if (json_is_true(json_object_get(result, "created"))) {
		f->connected = true;
		f->synced = true;
		f->since = ev_now(f->loop);
		f->error[0] = '\0';
		if (f->logged)
			log_info("fleet: connected to %s again; in step at "
			    "revision %lld", etcd_endpoint(f->etcd),
			    (long long)f->revision);
		else
			log_info("fleet: node %s connected to %s, revision "
			    "%lld, %zu node%s live", f->node, etcd_endpoint(
			    f->etcd), (long long)f->revision,
			    fleet_nodes_live(f->st), fleet_nodes_live(f->st) ==
			    1 ? "" : "s");
		f->logged = false;
		ev_timer_set(&f->beat_w, FLEET_BEAT, FLEET_BEAT);
		ev_timer_start(f->loop, &f->beat_w);
		fleet_dirty_all(f);
		flush(f);
		fleet_outbox_run(f);
	}
	if (json_is_true(json_object_get(result, "canceled"))) {
		fleet_fail(f, "watching", "the store canceled the watch");
		return;
	}
	evs = json_object_get(result, "events");
	json_array_foreach(evs, i, ev) {
		type = json_string_value(json_object_get(ev, "type"));
		f->events++;
		apply_json(f, f->st, json_object_get(ev, "kv"), type != NULL &&
		    strcmp(type, "DELETE") == 0, true);
	}
	fleet_merge_pending(f);
	note_whole(f);
}

static void
watch_end(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;

	(void)reply;
	f->watch = NULL;
	fleet_fail(f, "watching", err);
}

static void
range_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet		*f = arg;
	struct fleet_state	*st;
	json_t			*kv, *create;
	size_t			 i;
	char			 end[FLEET_KEY_MAX];

	f->call = NULL;
	if (err != NULL) {
		fleet_fail(f, "reading the store", err);
		return;
	}
	f->resyncs++;
	f->revision = etcd_int(json_object_get(reply, "header"), "revision");
	/*
	 * Build the whole new picture beside the old one, then swap: what
	 * did not change while we were away does not flap.
	 */
	st = fleet_state_new();
	fleet_admin_clear(f);
	f->reading = true;
	/* What the store holds of ours, as this read says. */
	memset(f->bstore, 0, sizeof(f->bstore));
	json_array_foreach(json_object_get(reply, "kvs"), i, kv)
		apply_json(f, st, kv, false, false);
	f->reading = false;
	fleet_swap_state(f, st);
	server_fleet_admin_save(f->srv);
	snprintf(end, sizeof(end), "%s", f->prefix);
	end[strlen(end) - 1]++;
	create = json_pack("{sosos{sI}}", "key", etcd_b64(f->prefix,
	    strlen(f->prefix)), "range_end", etcd_b64(end, strlen(end)),
	    "start_revision", "", (json_int_t)0);
	/* The gateway takes int64s as strings or numbers. */
	json_object_set_new(create, "start_revision",
	    id_json(f->revision + 1));
	if ((f->watch = etcd_watch(f->etcd, create, watch_event, watch_end,
	    f)) == NULL)
		fleet_fail(f, "watching", "the request could not start");
}

static void
node_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;
	char		 end[FLEET_KEY_MAX];

	(void)reply;
	f->call = NULL;
	if (err != NULL) {
		fleet_fail(f, "publishing this node", err);
		return;
	}
	snprintf(end, sizeof(end), "%s", f->prefix);
	end[strlen(end) - 1]++;
	f->call = etcd_post(f->etcd, "/v3/kv/range", json_pack("{soso}",
	    "key", etcd_b64(f->prefix, strlen(f->prefix)), "range_end",
	    etcd_b64(end, strlen(end))), range_cb, f);
	if (f->call == NULL)
		fleet_fail(f, "reading the store", "the request could not "
		    "start");
}

static void
have_lease(struct fleet *f)
{
	ev_timer_set(&f->keep_w, f->lease_s / 3, f->lease_s / 3);
	ev_timer_start(f->loop, &f->keep_w);
	f->txns++;
	f->writes++;
	if ((f->call = etcd_post(f->etcd, "/v3/kv/txn", node_txn(f), node_cb,
	    f)) == NULL)
		fleet_fail(f, "publishing this node", "the request could not "
		    "start");
}

static void
grant_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;

	f->call = NULL;
	if (err != NULL) {
		fleet_fail(f, "granting a lease", err);
		return;
	}
	if ((f->lease = etcd_int(reply, "ID")) == 0) {
		fleet_fail(f, "granting a lease", "no lease ID in the reply");
		return;
	}
	have_lease(f);
}

/* After a failure: is our lease still there?  Else a new one. */
static void
rekeep_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;

	f->call = NULL;
	if (err != NULL) {
		fleet_fail(f, "keeping the lease", err);
		return;
	}
	if (etcd_int(json_object_get(reply, "result"), "TTL") > 0) {
		have_lease(f);
		return;
	}
	f->lease = 0;
	connect_start(f);
}

static void
connect_start(struct fleet *f)
{
	if (f->lease != 0)
		f->call = etcd_post(f->etcd, "/v3/lease/keepalive",
		    json_pack("{so}", "ID", id_json(f->lease)), rekeep_cb, f);
	else
		f->call = etcd_post(f->etcd, "/v3/lease/grant",
		    json_pack("{sI}", "TTL", (json_int_t)ceil(f->lease_s)),
		    grant_cb, f);
	if (f->call == NULL)
		fleet_fail(f, "granting a lease", "the request could not "
		    "start");
}

static void
retry_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fleet	*f = w->data;

	(void)loop;
	(void)revents;
	connect_start(f);
}

/* ---- publishing this node's verdicts ---- */

static void
txn_cb(void *arg, json_t *reply, const char *err)
{
	struct fleet_txn_slot	*s = arg;
	struct fleet		*f = s->f;

	(void)reply;
	f->txn[s->i] = NULL;
	if (err != NULL) {
		fleet_fail(f, "publishing verdicts", err);
		return;
	}
	flush(f);
}

/*
 * Write this node's verdicts where a bucket differs from what the store
 * has of us, FLEET_TXN_OPS buckets or FLEET_TXN_BYTES per transaction,
 * one transaction at a time: a change alone goes at once, and changes
 * that come meanwhile gather until it ends.
 */
static void
flush(struct fleet *f)
{
	json_t		*ops;
	size_t		 n, bytes;

	ev_timer_stop(f->loop, &f->flush_w);
	if (!f->connected || f->txn[0] != NULL || f->held)
		return;
	while (f->nbq > 0) {
		ops = json_array();
		for (n = bytes = 0; n < FLEET_TXN_OPS && bytes <
		    FLEET_TXN_BYTES && f->nbq > 0;)
			n += fleet_publish_next(f, ops, &bytes);
		if (n == 0) {
			json_decref(ops);
			return;
		}
		f->txns++;
		f->writes += n;
		if ((f->txn[0] = etcd_post(f->etcd, "/v3/kv/txn",
		    json_pack("{so}", "success", ops), txn_cb,
		    &f->txn_slot[0])) == NULL)
			fleet_fail(f, "publishing verdicts", "the request "
			    "could not start");
		return;
	}
}

static void
flush_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	flush(w->data);
}

void
fleet_kick(struct fleet *f)
{
	if (!ev_is_active(&f->flush_w)) {
		ev_timer_set(&f->flush_w, 0.001, 0);
		ev_timer_start(f->loop, &f->flush_w);
	}
}

void
fleet_hold(struct fleet *f, bool hold)
{
	f->held = hold;
	if (!hold)
		fleet_kick(f);
}

/* The checks changed this node's verdict of slot i. */
static void
local_cb(void *arg, size_t i)
{
	struct fleet	*f = arg;

	fleet_mark(f, i);
	f->local_change = true;
	fleet_merge(f, i);
	f->local_change = false;
	fleet_kick(f);
}

/* ---- life ---- */

struct fleet *
fleet_new(struct ev_loop *loop, struct server *srv)
{
	const struct conf_fleet	*cf = &srv->snap->conf->fleet;
	struct fleet		*f;
	size_t			 i;

	f = xcalloc(1, sizeof(*f));
	f->srv = srv;
	f->loop = loop;
	f->joined = ev_time();
	if ((f->cv = curlev_new(loop)) == NULL) {
		free(f);
		return NULL;
	}
	f->node = xstrdup(cf->node);
	f->prefix = xstrdup(cf->prefix);
	f->lease_s = cf->lease;
	f->ep = xcalloc(cf->netcd, sizeof(*f->ep));
	for (f->nep = 0; f->nep < cf->netcd; f->nep++)
		f->ep[f->nep] = xstrdup(cf->etcd[f->nep]);
	f->etcd = etcd_new(f->cv, cf->etcd, cf->netcd, FLEET_TIMEOUT);
	f->st = fleet_state_new();
	f->self = fleet_node_get(f->st, f->node);
	f->st->nodes[f->self].self = true;
	for (i = 0; i < FLEET_TXN_MAX; i++) {
		f->txn_slot[i].f = f;
		f->txn_slot[i].i = i;
	}
	ev_timer_init(&f->retry_w, retry_ev, FLEET_RETRY, 0);
	ev_timer_init(&f->keep_w, keep_ev, 1, 1);
	ev_timer_init(&f->beat_w, beat_ev, FLEET_BEAT, FLEET_BEAT);
	ev_timer_init(&f->flush_w, flush_ev, 0, 0);
	f->retry_w.data = f->keep_w.data = f->beat_w.data = f->flush_w.data =
	    f;
	f->outbox_tail = &f->outbox;
	fleet_snapshot(f);
	log_info("fleet: node %s joining over %zu etcd endpoint%s, lease "
	    "%.1f s, quorum %s", f->node, cf->netcd, cf->netcd == 1 ? "" : "s",
	    f->lease_s, cf->quorum == 0 ? "majority" : "fixed");
	connect_start(f);
	return f;
}

/* Revoke the lease so that the others stop counting us at once. */
static void
lease_revoke(struct fleet *f)
{
	CURL			*c;
	struct curl_slist	*h;
	char			 url[512], body[64];

	if (f->lease == 0 || !f->connected || (c = curl_easy_init()) == NULL)
		return;
	snprintf(url, sizeof(url), "%s/v3/lease/revoke",
	    etcd_endpoint(f->etcd));
	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)f->lease);
	h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 500L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fleet_discard);
	if (curl_easy_perform(c) != CURLE_OK)
		log_debug("fleet: could not revoke the lease");
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

void
fleet_free(struct fleet *f)
{
	struct health	*h;
	size_t		 i;

	if (f == NULL)
		return;
	lease_revoke(f);
	ev_timer_stop(f->loop, &f->retry_w);
	ev_timer_stop(f->loop, &f->keep_w);
	ev_timer_stop(f->loop, &f->beat_w);
	ev_timer_stop(f->loop, &f->flush_w);
	etcd_free(f->etcd);
	curlev_free(f->cv);
	/* Alone again: the state is this node's own verdict. */
	h = f->srv->snap->health;
	h->shared = false;
	h->notify = NULL;
	for (i = 0; i < h->n; i++)
		health_change(h, i, h->track[i].local);
	fleet_admin_clear(f);
	server_admin_apply(f->srv);
	fleet_outbox_free(f);
	fleet_slots_free(f);
	fleet_state_free(f->st);
	for (i = 0; i < f->nep; i++)
		free(f->ep[i]);
	free(f->ep);
	free(f->node);
	free(f->prefix);
	free(f);
}

bool
fleet_snapshot(struct fleet *f)
{
	const struct conf_fleet	*cf = &f->srv->snap->conf->fleet;
	struct health		*h = f->srv->snap->health;
	size_t			 i;

	if (cf->node == NULL || strcmp(cf->node, f->node) != 0 ||
	    strcmp(cf->prefix, f->prefix) != 0 || cf->lease != f->lease_s)
		return true;
	if (cf->netcd != f->nep)
		return true;
	for (i = 0; i < cf->netcd; i++)
		if (strcmp(cf->etcd[i], f->ep[i]) != 0)
			return true;
	f->quorum = cf->quorum;
	h->shared = true;
	h->notify = local_cb;
	h->notify_arg = f;
	fleet_slots_map(f);
	fleet_dirty_all(f);
	for (i = 0; i < h->n; i++)
		fleet_merge(f, i);
	/* The others see our new config hash now, not at the next beat. */
	if (f->connected && f->bcall == NULL) {
		f->txns++;
		f->writes++;
		f->bcall = etcd_post(f->etcd, "/v3/kv/txn", node_txn(f),
		    beat_cb, f);
	}
	/* Later: at a reload, the prober of this snapshot comes next. */
	ev_timer_stop(f->loop, &f->flush_w);
	ev_timer_set(&f->flush_w, 0.001, 0);
	ev_timer_start(f->loop, &f->flush_w);
	return false;
}
