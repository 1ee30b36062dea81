/* fleet_sync.c -- the fleet's picture: votes, verdicts, overrides, outbox */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "conf.h"
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

size_t
fleet_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

void
fleet_lag(struct fleet *f, double s)
{
	uint32_t	 ms = s <= 0 ? 0 : s > 4e6 ? 4000000000u :
			     (uint32_t)(s * 1000);

	f->lag_ms = ms;
	if (ms > f->lag_max_ms)
		f->lag_max_ms = ms;
}

static double
num(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

/* ---- the slots of the snapshot serving ---- */

void
fleet_slots_free(struct fleet *f)
{
	size_t	 i;

	for (i = 0; i < f->nslots; i++)
		free(f->tkey[i]);
	free(f->tkey);
	free(f->tmap);
	free(f->bkt);
	free(f->bslot);
	free(f->pend);
	free(f->pendq);
	free(f->rev);
	f->tkey = NULL;
	f->tmap = f->bslot = f->pendq = f->rev = NULL;
	f->bkt = NULL;
	f->pend = NULL;
	f->nslots = f->npend = f->nrev = 0;
}

/* The target-to-slot map, grown to cover every target of st. */
static void
rev_fit(struct fleet *f)
{
	size_t	 n = f->st->nt;

	if (n <= f->nrev)
		return;
	n = n < 64 ? 64 : n * 2;
	f->rev = xreallocarray(f->rev, n, sizeof(*f->rev));
	memset(f->rev + f->nrev, 0, (n - f->nrev) * sizeof(*f->rev));
	f->nrev = n;
}

/* Give every target of the serving snapshot its key and its place in st. */
void
fleet_slots_map(struct fleet *f)
{
	const struct zone_db	*db = f->srv->snap->db;
	const struct zone_target *t;
	char			 a[INET6_ADDRSTRLEN], key[128];
	size_t			 i, n = db->ntargets;

	fleet_slots_free(f);
	f->nslots = n;
	f->tkey = xcalloc(n + 1, sizeof(*f->tkey));
	f->tmap = xcalloc(n + 1, sizeof(*f->tmap));
	f->pend = xcalloc(n + 1, sizeof(*f->pend));
	f->pendq = xcalloc(n + 1, sizeof(*f->pendq));
	for (i = 0; i < n; i++) {
		t = &db->targets[i];
		f->tmap[i] = SIZE_MAX;
		if (t->check == NULL)
			continue;
		inet_ntop(t->family == 4 ? AF_INET : AF_INET6, t->addr, a,
		    sizeof(a));
		snprintf(key, sizeof(key), "%s,%u,%016llx", a, t->port,
		    (unsigned long long)t->check->hash);
		f->tkey[i] = xstrdup(key);
		f->tmap[i] = fleet_target_get(f->st, key, true);
	}
	rev_fit(f);
	for (i = 0; i < n; i++)
		if (f->tmap[i] != SIZE_MAX)
			f->rev[f->tmap[i]] = i + 1;
	fleet_pub_map(f);
}

static void
pend(struct fleet *f, size_t i)
{
	if (i >= f->nslots || f->pend[i])
		return;
	f->pend[i] = true;
	f->pendq[f->npend++] = i;
}

static void
pend_all(struct fleet *f)
{
	size_t	 i;

	for (i = 0; i < f->nslots; i++)
		if (f->tmap[i] != SIZE_MAX)
			pend(f, i);
}

/* This node's own verdict: 0 none yet, 1 up, 2 down. */
int
fleet_self_verdict(const struct fleet *f, size_t i)
{
	const struct health_track	*tr = &f->srv->snap->health->track[i];

	if (!tr->seen)
		return 0;
	return tr->local == HEALTH_DOWN ? 2 : 1;
}

/* Set slot i to the fleet's verdict (or ours, when nobody votes). */
void
fleet_merge(struct fleet *f, size_t i)
{
	struct health	*h = f->srv->snap->health;
	size_t		 voters, down;
	int		 r;
	uint8_t		 want, cur;

	if (i >= f->nslots || f->tmap[i] == SIZE_MAX)
		return;
	r = fleet_verdict(f->st, f->tmap[i], f->self, fleet_self_verdict(f, i),
	    f->quorum, &voters, &down);
	want = r < 0 ? h->track[i].local : r == 1 ? HEALTH_DOWN : HEALTH_UP;
	cur = atomic_load_explicit(&h->slots[i].state, memory_order_relaxed);
	if (want == cur)
		return;
	health_change(h, i, want);
	/*
	 * When the fleet follows this node's own change, the prober has
	 * said it already; say what the others changed, and where the
	 * fleet decides otherwise than this node.
	 */
	if (r >= 0 && (!f->local_change || want != h->track[i].local))
		log_info("fleet: %s %s: %zu of %zu node%s see it down",
		    f->srv->snap->db->targets[i].label, want == HEALTH_DOWN ?
		    "down" : "up", down, voters, voters == 1 ? "" : "s");
}

void
fleet_merge_pending(struct fleet *f)
{
	size_t	 i;

	while (f->npend > 0) {
		i = f->pendq[--f->npend];
		f->pend[i] = false;
		fleet_merge(f, i);
	}
}

/* ---- what the store says ---- */

void
fleet_node_apply(struct fleet *f, struct fleet_state *st, size_t node,
    const json_t *v)
{
	struct fleet_node	*n = &st->nodes[node];
	const char		*s;
	bool			 was = n->live;

	if (v == NULL) {
		n->live = false;
		n->seen = ev_now(f->loop);
		if (st == f->st && was) {
			log_info("fleet: node %s left (its lease ended)",
			    n->name);
			fleet_node_forget(st, node, NULL);
			pend_all(f);
		}
		return;
	}
	n->live = true;
	s = json_string_value(json_object_get(v, "config_hash"));
	n->config_hash = s != NULL ? strtoull(s, NULL, 16) : 0;
	s = json_string_value(json_object_get(v, "version"));
	snprintf(n->version, sizeof(n->version), "%s", s != NULL ? s : "");
	n->started = num(v, "started");
	n->seen = num(v, "t");
	n->revision = (int64_t)num(v, "revision");
	n->lag_ms = (uint32_t)num(v, "lag_ms");
	if (st == f->st && !was) {
		if (node != f->self)
			log_info("fleet: node %s is live", n->name);
		pend_all(f);
	}
	if (st == f->st && node != f->self && n->config_hash !=
	    f->srv->snap->conf->hash && n->config_hash != 0)
		log_debug("fleet: node %s has another config (%016llx)",
		    n->name, (unsigned long long)n->config_hash);
}

void
fleet_vote_apply(struct fleet *f, struct fleet_state *st, size_t ti,
    size_t node, const json_t *v)
{
	struct fleet_vote	 vote;
	const json_t		*x;
	const char		*r;
	char			 reason[PROBE_REASON_MAX];

	if (v == NULL) {
		if (fleet_vote_set(st, ti, node, NULL) && st == f->st) {
			rev_fit(f);
			if (f->rev[ti] != 0)
				pend(f, f->rev[ti] - 1);
		}
		return;
	}
	memset(&vote, 0, sizeof(vote));
	vote.down = json_is_true(json_object_get(v, "down"));
	x = json_object_get(v, "rtt_us");
	vote.rtt_us = json_is_integer(x) ? json_integer_value(x) :
	    HEALTH_RTT_NONE;
	x = json_object_get(v, "load");
	vote.load = json_is_integer(x) ? json_integer_value(x) :
	    HEALTH_LOAD_NONE;
	vote.since = num(v, "since");
	if ((r = json_string_value(json_object_get(v, "reason"))) != NULL) {
		snprintf(reason, sizeof(reason), "%s", r);
		vote.reason = reason;
	}
	if (fleet_vote_set(st, ti, node, &vote) && st == f->st) {
		rev_fit(f);
		if (f->rev[ti] != 0)
			pend(f, f->rev[ti] - 1);
	}
}

void
fleet_swap_state(struct fleet *f, struct fleet_state *st)
{
	size_t	 i;

	fleet_state_free(f->st);
	f->st = st;
	f->self = fleet_node_get(st, f->node);
	st->nodes[f->self].self = true;
	fleet_slots_map(f);
	for (i = 0; i < f->nslots; i++)
		fleet_merge(f, i);
	server_admin_apply(f->srv);
}

/* ---- fleet-wide overrides ---- */

void
fleet_admin_clear(struct fleet *f)
{
	free(f->srv->fadmin);
	f->srv->fadmin = NULL;
	f->srv->nfadmin = 0;
}

void
fleet_admin_apply(struct fleet *f, const char *addr, const json_t *v)
{
	struct admin_entry	 e;
	const char		*s;
	int			 st;

	memset(&e, 0, sizeof(e));
	if ((e.family = util_parse_addr(addr, e.addr)) == 0)
		return;
	snprintf(e.text, sizeof(e.text), "%s", addr);
	if (v != NULL) {
		s = json_string_value(json_object_get(v, "state"));
		if (s == NULL || (st = health_admin_parse(s)) <= 0) {
			log_debug("fleet: override of %s: bad state", addr);
			return;
		}
		e.state = st;
		s = json_string_value(json_object_get(v, "reason"));
		snprintf(e.reason, sizeof(e.reason), "%s", s != NULL ? s : "");
		s = json_string_value(json_object_get(v, "by"));
		snprintf(e.by, sizeof(e.by), "%s", s != NULL ? s : "");
		e.set_at = num(v, "set_at");
		e.expires = num(v, "expires");
	}
	server_fleet_admin(f->srv, &e);
	if (!f->reading)
		server_fleet_admin_save(f->srv);
}

static void op_run(struct fleet *);

static void
op_done(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;
	struct fleet_op	*op = f->outbox;

	(void)reply;
	f->opcall = NULL;
	if (err != NULL) {
		fleet_fail(f, "storing an override", err);
		return;
	}
	if ((f->outbox = op->next) == NULL)
		f->outbox_tail = &f->outbox;
	free(op->value);
	free(op);
	op_run(f);
}

/* Put the head under lease (0: none) or delete it. */
static void
op_write(struct fleet *f, int64_t lease)
{
	struct fleet_op	*op = f->outbox;
	char		 key[FLEET_KEY_MAX];
	json_t		*kj, *o;

	snprintf(key, sizeof(key), "%sa/%s", f->prefix, op->addr);
	kj = etcd_b64(key, strlen(key));
	if (op->value == NULL)
		o = fleet_op_del(kj);
	else
		o = fleet_op_put(kj, etcd_b64(op->value, strlen(op->value)),
		    lease);
	f->txns++;
	f->writes++;
	if ((f->opcall = etcd_post(f->etcd, "/v3/kv/txn", json_pack(
	    "{s[o]}", "success", o), op_done, f)) == NULL)
		fleet_fail(f, "storing an override", "the request could not "
		    "start");
}

static void
op_grant(void *arg, json_t *reply, const char *err)
{
	struct fleet	*f = arg;
	int64_t		 id;

	f->opcall = NULL;
	if (err != NULL) {
		fleet_fail(f, "storing an override", err);
		return;
	}
	if ((id = etcd_int(reply, "ID")) == 0) {
		fleet_fail(f, "storing an override", "no lease ID");
		return;
	}
	op_write(f, id);
}

static void
op_run(struct fleet *f)
{
	struct fleet_op	*op;
	double		 left;

	while ((op = f->outbox) != NULL && f->connected && f->opcall == NULL) {
		if (op->value == NULL || op->expires == 0) {
			op_write(f, 0);
			return;
		}
		/* A timed override lives under a lease of its own. */
		if ((left = op->expires - ev_time()) <= 0) {
			/* Gone already: the local expiry took it. */
			if ((f->outbox = op->next) == NULL)
				f->outbox_tail = &f->outbox;
			free(op->value);
			free(op);
			continue;
		}
		if ((f->opcall = etcd_post(f->etcd, "/v3/lease/grant",
		    json_pack("{sI}", "TTL", (json_int_t)ceil(left)), op_grant,
		    f)) == NULL)
			fleet_fail(f, "storing an override", "the request "
			    "could not start");
		return;
	}
}

void
fleet_outbox_run(struct fleet *f)
{
	op_run(f);
}

void
fleet_outbox_free(struct fleet *f)
{
	struct fleet_op	*op;

	while ((op = f->outbox) != NULL) {
		f->outbox = op->next;
		free(op->value);
		free(op);
	}
	f->outbox_tail = &f->outbox;
}

int
fleet_admin_set(struct fleet *f, const char *text, enum health_admin state,
    double expires, const char *reason, char *err, size_t errlen)
{
	struct admin_entry	 e;
	struct fleet_op		*op;
	json_t			*v;
	int			 n;

	if (!f->connected) {
		snprintf(err, errlen, "the fleet's store (etcd) is not "
		    "reachable from this node%s%s: give --local to set it on "
		    "this node only", f->error[0] != '\0' ? ": " : "",
		    f->error);
		return -1;
	}
	memset(&e, 0, sizeof(e));
	if ((n = server_admin_check(f->srv, text, reason, &e, err, errlen))
	    == -1)
		return -1;
	if (expires != 0 && expires <= ev_time()) {
		snprintf(err, errlen, "the expiry is in the past");
		return -1;
	}
	e.state = state;
	e.set_at = ev_time();
	e.expires = expires;
	snprintf(e.reason, sizeof(e.reason), "%s", reason != NULL ? reason :
	    "");
	snprintf(e.by, sizeof(e.by), "%s", f->node);
	op = xcalloc(1, sizeof(*op));
	snprintf(op->addr, sizeof(op->addr), "%s", e.text);
	op->expires = expires;
	if (state != HEALTH_ADMIN_NONE) {
		v = json_pack("{sssssssfsf}", "state", health_admin_str(state),
		    "reason", e.reason, "by", e.by, "set_at", e.set_at,
		    "expires", e.expires);
		op->value = json_dumps(v, JSON_COMPACT);
		json_decref(v);
	}
	/* Here at once; the others when the store tells them. */
	server_fleet_admin(f->srv, &e);
	server_fleet_admin_save(f->srv);
	*f->outbox_tail = op;
	f->outbox_tail = &op->next;
	op_run(f);
	log_info("admin (fleet): %s %s%s%s%s", e.text, health_admin_str(state),
	    e.reason[0] != '\0' ? " (" : "", e.reason, e.reason[0] != '\0' ?
	    ")" : "");
	return n;
}

/* ---- looking ---- */

void
fleet_info(const struct fleet *f, struct fleet_info *out)
{
	size_t	 i, voters, down;

	memset(out, 0, sizeof(*out));
	out->node = f->node;
	out->endpoint = etcd_endpoint(f->etcd);
	out->connected = f->connected;
	out->synced = f->synced;
	out->since = f->since;
	snprintf(out->error, sizeof(out->error), "%s", f->error);
	out->nodes = f->st->nnodes;
	out->nodes_live = fleet_nodes_live(f->st);
	for (i = 0; i < f->st->nnodes; i++)
		if (i != f->self && f->st->nodes[i].live &&
		    f->st->nodes[i].config_hash != f->srv->snap->conf->hash)
			out->config_mismatch++;
	for (i = 0; i < f->nslots; i++) {
		if (f->tmap[i] == SIZE_MAX)
			continue;
		fleet_verdict(f->st, f->tmap[i], f->self, fleet_self_verdict(f, i),
		    f->quorum, &voters, &down);
		if (down > 0 && down < voters)
			out->disagree++;
		out->votes += voters;
		out->targets++;
	}
	out->lag_ms = f->lag_ms;
	out->lag_max_ms = f->lag_max_ms;
	out->writes = f->writes;
	out->txns = f->txns;
	out->events = f->events;
	out->resyncs = f->resyncs;
	out->failures = f->failures;
	out->quorum = f->quorum;
	out->lease = f->lease_s;
	out->revision = f->revision;
}

bool
fleet_synced(const struct fleet *f)
{
	return f->synced;
}

const struct fleet_state *
fleet_nodes(const struct fleet *f, size_t *self)
{
	*self = f->self;
	return f->st;
}

int
fleet_target_votes(const struct fleet *f, size_t i, size_t *voters,
    size_t *down)
{
	*voters = *down = 0;
	if (i >= f->nslots || f->tmap[i] == SIZE_MAX)
		return -1;
	return fleet_verdict(f->st, f->tmap[i], f->self, fleet_self_verdict(f, i),
	    f->quorum, voters, down);
}
