/* view.c -- the read model: one walk over the daemon's state */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "conf.h"
#include "health.h"
#include "lb.h"
#include "probe.h"
#include "fleet.h"
#include "fleet_state.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"
#include "view.h"
#include "zone.h"

/* The chain of a name as written: "up, priority min_healthy=1, first 1". */
static void
chain_str(const struct zone_name *m, char *buf, size_t len)
{
	char	 step[64];
	size_t	 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < m->nsteps && off < len; i++) {
		lb_step_str(&m->steps[i], step, sizeof(step));
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		    step);
	}
}

static void
member_of(const struct server *srv, const struct zone *z,
    const struct zone_pool *p, size_t k, struct view_member *v)
{
	const struct snapshot		*s = srv->snap;
	const struct lb_member		*lm = &p->members[k];
	const struct health_slot	*hs = &s->health->slots[lm->slot];
	const struct zone_target	*t = &s->db->targets[lm->slot];
	const struct admin_entry	*op;

	v->zone = z->name;
	v->pool = p->name;
	lb_member_str(lm, v->addr, sizeof(v->addr));
	v->weight = lm->weight;
	v->priority = lm->priority;
	v->target = t->label;
	v->check = t->check != NULL ? t->check->name : NULL;
	if (srv->probe == NULL || probe_target_info(srv->probe, lm->slot,
	    &v->info) == -1) {
		v->info.rtt_us = atomic_load(&hs->rtt_us);
		v->info.load = atomic_load(&hs->load);
		v->info.up = atomic_load(&hs->state) == HEALTH_UP;
		v->info.checked = v->check != NULL;
	}
	if (v->check == NULL)
		v->state = "unchecked";
	else
		v->state = atomic_load(&hs->state) == HEALTH_UP ? "up" :
		    "down";
	v->usable = health_usable(hs);
	v->pending = atomic_load(&hs->pending);
	v->weight_now = lm->weight;
	if (p->tempered) {
		struct lb_query	 q = { .health = s->health,
			.members = p->members, .temper = &p->temper,
			.now = atomic_load(&s->health->now) };

		v->flapping = lb_member_flapping(&q, k);
		v->usable = v->usable && !v->flapping;
		v->weight_now = lb_member_weight(&q, k);
	}
	v->admin = health_admin_str(atomic_load(&hs->admin));
	/* This node's override wins over the fleet's. */
	if ((op = server_admin_find(srv, lm->family, lm->addr)) == NULL &&
	    (op = server_fleet_admin_find(srv, lm->family, lm->addr)) !=
	    NULL)
		v->op.fleet = true;
	if (op != NULL) {
		v->has_override = true;
		v->op.state = health_admin_str(op->state);
		snprintf(v->op.reason, sizeof(v->op.reason), "%s", op->reason);
		snprintf(v->op.by, sizeof(v->op.by), "%s", op->by);
		v->op.set_at = op->set_at;
		v->op.expires = op->expires;
	}
	if (srv->fleet != NULL && t->check != NULL) {
		const struct health_track *tr = &s->health->track[lm->slot];

		v->local = !tr->seen ? "none" : tr->local == HEALTH_UP ? "up" :
		    "down";
		(void)fleet_target_votes(srv->fleet, lm->slot, &v->voters,
		    &v->down);
	}
	v->since = v->info.since > 0 ? v->info.since : srv->started;
	v->answers = snapshot_count(s, p->counter + k);
}

/* The zone file a check is defined in. */
static const char *
check_zone(const struct conf *c, const struct conf_check *ck)
{
	size_t	 i;

	for (i = 0; i < c->nzones; i++)
		if (ck >= c->zones[i].checks && ck < c->zones[i].checks +
		    c->zones[i].nchecks)
			return c->zones[i].file;
	return "";
}

/* The fleet's nodes and how this one stands with the store. */
static void
fleet_view(const struct server *srv, struct view *v)
{
	const struct fleet_state	*st;
	const struct fleet_node		*n;
	struct view_node		*vn;
	size_t				 i, self;

	v->fleet = true;
	fleet_info(srv->fleet, &v->fi);
	st = fleet_nodes(srv->fleet, &self);
	v->nodes = xcalloc(st->nnodes + 1, sizeof(*v->nodes));
	for (i = 0; i < st->nnodes; i++) {
		n = &st->nodes[i];
		vn = &v->nodes[v->nnodes++];
		vn->name = n->name;
		vn->self = i == self;
		vn->live = n->live;
		vn->version = n->version;
		vn->started = n->started;
		vn->seen = n->seen;
		vn->lag_ms = n->lag_ms;
		vn->revision = n->revision;
		snprintf(vn->config_hash, sizeof(vn->config_hash), "%016llx",
		    (unsigned long long)n->config_hash);
		vn->config_same = n->config_hash == srv->snap->conf->hash;
		if (vn->self) {
			/* What we know of ourselves needs no store. */
			vn->version = PACKAGE_VERSION;
			vn->started = srv->started;
			snprintf(vn->config_hash, sizeof(vn->config_hash),
			    "%016llx", (unsigned long long)
			    srv->snap->conf->hash);
			vn->config_same = true;
		}
	}
}

struct view *
view_new(const struct server *srv)
{
	const struct snapshot	*s = srv->snap;
	const struct zone_db	*db = s->db;
	const struct zone	*z;
	const struct zone_name	*m;
	const struct conf_check	*ck;
	struct view		*v;
	struct view_zone	*vz;
	struct view_name	*vn;
	struct view_pool	*vp;
	struct probe_info	 info;
	size_t			 i, k, n, nn = 0, np = 0, nm = 0;

	v = xcalloc(1, sizeof(*v));
	v->version = PACKAGE_VERSION;
	v->pid = srv->pid;
	v->now = time(NULL);
	v->started = srv->started;
	v->last_reload = srv->last_reload;
	v->generation = s->generation;
	v->reloads_ok = srv->reloads_ok;
	v->reloads_failed = srv->reloads_failed;
	v->history = srv->history;
	v->reload_failed = srv->reload_failed;
	v->reload_error = srv->reload_error;
	v->config = srv->conf_path;
	v->workers = srv->nworkers;
	v->noverrides = srv->nadmin + srv->nfadmin;
	if (srv->fleet != NULL)
		fleet_view(srv, v);
	server_stats(srv, &v->st);
	server_probe_stats(srv, &v->ps);
	for (i = 0; i < db->nzones; i++) {
		nn += db->zones[i].nnames;
		np += db->zones[i].npools;
		for (k = 0; k < db->zones[i].npools; k++)
			nm += db->zones[i].pools[k].nmembers;
	}
	v->zones = xcalloc(db->nzones + 1, sizeof(*v->zones));
	v->names = xcalloc(nn + 1, sizeof(*v->names));
	v->pools = xcalloc(np + 1, sizeof(*v->pools));
	v->members = xcalloc(nm + 1, sizeof(*v->members));
	for (i = 0; i < db->nzones; i++) {
		z = &db->zones[i];
		vz = &v->zones[v->nzones++];
		vz->name = z->name;
		vz->file = s->conf->zones[i].file;
		vz->first_name = v->nnames;
		vz->nnames = z->nnames;
		for (k = 0; k < z->nnames; k++) {
			m = &z->names[k];
			vn = &v->names[v->nnames++];
			vn->zone = z->name;
			vn->name = m->name;
			vn->pool = m->pool->name;
			chain_str(m, vn->chain, sizeof(vn->chain));
			vn->ttl = m->ttl;
			vn->degraded_ttl = m->degraded_ttl;
			vn->max_answers = m->max_answers;
			vn->all_down = lb_all_down_str(m->all_down);
			vn->answers = snapshot_count(s, m->counter);
			vn->nmembers = m->pool->nmembers;
			vn->member_answers = xcalloc(vn->nmembers + 1,
			    sizeof(*vn->member_answers));
			for (n = 0; n < vn->nmembers; n++)
				vn->member_answers[n] = snapshot_count(s,
				    m->counter + 1 + n);
		}
		vz->first_pool = v->npools;
		vz->npools = z->npools;
		for (k = 0; k < z->npools; k++) {
			vp = &v->pools[v->npools++];
			vp->zone = z->name;
			vp->name = z->pools[k].name;
			vp->first = v->nmembers;
			vp->n = z->pools[k].nmembers;
			for (n = 0; n < vp->n; n++)
				member_of(srv, z, &z->pools[k], n,
				    &v->members[v->nmembers++]);
			vz->nmembers += vp->n;
		}
	}
	v->targets = xcalloc(db->ntargets + 1, sizeof(*v->targets));
	for (i = 0; i < db->ntargets; i++) {
		v->targets[i].label = db->targets[i].label;
		if (db->targets[i].check != NULL && srv->probe != NULL &&
		    probe_target_info(srv->probe, i, &info) == 0) {
			v->targets[i].checked = true;
			v->targets[i].transitions = info.transitions;
		}
	}
	v->ntargets = db->ntargets;
	n = srv->probe != NULL ? probe_nchecks(srv->probe) : 0;
	v->checks = xcalloc(n + 1, sizeof(*v->checks));
	for (i = 0; i < n; i++) {
		if (probe_check_hist(srv->probe, i, &ck,
		    &v->checks[v->nchecks].hist) == -1)
			continue;
		v->checks[v->nchecks].name = ck->name;
		v->checks[v->nchecks].kind = ck->kind->name;
		v->checks[v->nchecks].zone_file = check_zone(s->conf, ck);
		v->nchecks++;
	}
	return v;
}

void
view_free(struct view *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	free(v->zones);
	for (i = 0; i < v->nnames; i++)
		free(v->names[i].member_answers);
	free(v->names);
	free(v->pools);
	free(v->members);
	free(v->targets);
	free(v->checks);
	free(v->nodes);
	free(v);
}

const struct view_pool *
view_pool_of(const struct view *vw, const struct view_name *m)
{
	size_t	 i;

	for (i = 0; i < vw->npools; i++)
		if (strcmp(vw->pools[i].zone, m->zone) == 0 &&
		    strcmp(vw->pools[i].name, m->pool) == 0)
			return &vw->pools[i];
	return NULL;
}
