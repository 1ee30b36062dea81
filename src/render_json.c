/* render_json.c -- the control replies and /status.json, from a view */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include "answer.h"
#include "health.h"
#include "jw.h"
#include "render.h"
#include "util.h"
#include "view.h"


static void
write_member(struct jw *j, const struct view_member *v)
{
	jw_obj_begin(j);
	jw_kv_str(j, "zone", v->zone);
	jw_kv_str(j, "pool", v->pool);
	jw_kv_str(j, "member", v->addr);
	jw_kv_uint(j, "weight", v->weight);
	jw_kv_uint(j, "priority", v->priority);
	jw_kv_str(j, "check", v->check);
	jw_kv_str(j, "target", v->target);
	jw_kv_str(j, "state", v->state);
	jw_kv_bool(j, "usable", v->usable);
	jw_kv_bool(j, "pending", v->pending);
	jw_kv_bool(j, "flapping", v->flapping);
	jw_kv_uint(j, "weight_now", v->weight_now);
	jw_kv_double(j, "since", v->since);
	jw_kv_str(j, "reason", v->info.reason);
	jw_key(j, "rtt_ms");
	if (v->info.rtt_us == HEALTH_RTT_NONE)
		jw_null(j);
	else
		jw_double(j, v->info.rtt_us / 1000.0);
	jw_key(j, "load");
	if (v->info.load == HEALTH_LOAD_NONE)
		jw_null(j);
	else
		jw_uint(j, v->info.load);
	jw_kv_uint(j, "checks", v->info.checks);
	jw_kv_uint(j, "failures", v->info.failures);
	jw_kv_uint(j, "transitions", v->info.transitions);
	jw_kv_str(j, "admin", v->admin);
	jw_key(j, "override");
	if (!v->has_override)
		jw_null(j);
	else {
		jw_obj_begin(j);
		jw_kv_str(j, "state", v->op.state);
		jw_kv_str(j, "reason", v->op.reason);
		jw_kv_str(j, "scope", v->op.fleet ? "fleet" : "local");
		if (v->op.fleet)
			jw_kv_str(j, "by", v->op.by);
		jw_kv_double(j, "set_at", v->op.set_at);
		jw_key(j, "expires");
		if (v->op.expires == 0)
			jw_null(j);
		else
			jw_double(j, v->op.expires);
		jw_obj_end(j);
	}
	jw_kv_uint(j, "answers", v->answers);
	if (v->local != NULL) {
		jw_key(j, "fleet");
		jw_obj_begin(j);
		jw_kv_str(j, "local", v->local);
		jw_kv_uint(j, "voters", v->voters);
		jw_kv_uint(j, "down", v->down);
		jw_obj_end(j);
	}
	jw_obj_end(j);
}

void
render_json_fleet(const struct view *v, struct jw *j)
{
	const struct fleet_info	*fi = &v->fi;
	const struct view_node	*n;
	size_t			 i;

	if (!v->fleet) {
		jw_null(j);
		return;
	}
	jw_obj_begin(j);
	jw_kv_str(j, "node", fi->node);
	jw_kv_bool(j, "connected", fi->connected);
	jw_kv_bool(j, "synced", fi->synced);
	jw_kv_str(j, "endpoint", fi->endpoint);
	jw_kv_str(j, "error", fi->error);
	jw_kv_double(j, "since", fi->since);
	jw_key(j, "quorum");
	if (fi->quorum == 0)
		jw_str(j, "majority");
	else
		jw_uint(j, fi->quorum);
	jw_kv_double(j, "lease", fi->lease);
	jw_kv_uint(j, "nodes_live", fi->nodes_live);
	jw_kv_uint(j, "disagree", fi->disagree);
	jw_kv_uint(j, "config_mismatch", fi->config_mismatch);
	jw_kv_uint(j, "votes", fi->votes);
	jw_kv_uint(j, "lag_ms", fi->lag_ms);
	jw_kv_uint(j, "lag_max_ms", fi->lag_max_ms);
	jw_kv_int(j, "revision", fi->revision);
	jw_kv_uint(j, "writes", fi->writes);
	jw_kv_uint(j, "transactions", fi->txns);
	jw_kv_uint(j, "events", fi->events);
	jw_kv_uint(j, "resyncs", fi->resyncs);
	jw_kv_uint(j, "failures", fi->failures);
	jw_key(j, "nodes");
	jw_arr_begin(j);
	for (i = 0; i < v->nnodes; i++) {
		n = &v->nodes[i];
		jw_obj_begin(j);
		jw_kv_str(j, "name", n->name);
		jw_kv_bool(j, "self", n->self);
		jw_kv_bool(j, "live", n->live);
		jw_kv_double(j, "seen", n->self ? v->now : n->seen);
		jw_kv_str(j, "config_hash", n->config_hash);
		jw_kv_bool(j, "config_same", n->config_same);
		jw_kv_str(j, "version", n->version);
		jw_kv_double(j, "started", n->started);
		jw_kv_uint(j, "lag_ms", n->lag_ms);
		jw_kv_int(j, "revision", n->revision);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_obj_end(j);
}

void
render_json_members(const struct view *v, struct jw *j)
{
	size_t	 i;

	jw_arr_begin(j);
	for (i = 0; i < v->nmembers; i++)
		write_member(j, &v->members[i]);
	jw_arr_end(j);
}

static void
write_counters(struct jw *j, const struct server_stats *st)
{
	size_t	 i;

	jw_kv_uint(j, "queries", answer_stat_get(&st->q.queries));
	jw_kv_uint(j, "udp", answer_stat_get(&st->tr[0].queries));
	jw_kv_uint(j, "tcp", answer_stat_get(&st->tr[1].queries));
	jw_key(j, "rcodes");
	jw_obj_begin(j);
	for (i = 0; i < ANSWER_NRCODES; i++)
		jw_kv_uint(j, answer_rcode_name(i),
		    answer_stat_get(&st->q.rcode[i]));
	jw_kv_uint(j, "BADVERS", answer_stat_get(&st->q.badvers));
	jw_kv_uint(j, "BADCOOKIE", answer_stat_get(&st->q.badcookie));
	jw_obj_end(j);
	jw_kv_uint(j, "dropped", answer_stat_get(&st->q.dropped));
	jw_kv_uint(j, "truncated", answer_stat_get(&st->q.truncated));
	jw_kv_uint(j, "managed", answer_stat_get(&st->q.managed));
	jw_kv_uint(j, "all_down", answer_stat_get(&st->q.all_down));
	jw_kv_uint(j, "rrl_limited", answer_stat_get(&st->q.rrl_limited));
	jw_kv_uint(j, "rrl_dropped", answer_stat_get(&st->q.rrl_dropped));
	jw_kv_uint(j, "rrl_slipped", answer_stat_get(&st->q.rrl_slipped));
	jw_kv_uint(j, "too_big", answer_stat_get(&st->q.too_big));
}

void
render_json_status(const struct view *v, struct jw *j)
{
	const struct view_zone	*z;
	size_t			 i;

	jw_obj_begin(j);
	jw_kv_str(j, "version", v->version);
	jw_kv_int(j, "pid", v->pid);
	jw_kv_double(j, "started", v->started);
	jw_kv_double(j, "uptime", v->now - v->started);
	jw_kv_uint(j, "generation", v->generation);
	jw_kv_str(j, "config", v->config);
	jw_kv_uint(j, "workers", v->workers);
	jw_key(j, "reloads");
	jw_obj_begin(j);
	jw_kv_uint(j, "ok", v->reloads_ok);
	jw_kv_uint(j, "failed", v->reloads_failed);
	jw_key(j, "last");
	if (v->last_reload == 0)
		jw_null(j);
	else
		jw_double(j, v->last_reload);
	jw_obj_end(j);
	jw_key(j, "zones");
	jw_arr_begin(j);
	for (i = 0; i < v->nzones; i++) {
		z = &v->zones[i];
		jw_obj_begin(j);
		jw_kv_str(j, "zone", z->name);
		jw_kv_str(j, "file", z->file);
		jw_kv_uint(j, "names", z->nnames);
		jw_kv_uint(j, "pools", z->npools);
		jw_kv_uint(j, "members", z->nmembers);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_kv_uint(j, "targets", v->ntargets);
	jw_kv_uint(j, "overrides", v->noverrides);
	jw_key(j, "fleet");
	render_json_fleet(v, j);
	write_counters(j, &v->st);
	jw_obj_end(j);
}

void
render_json_stats(const struct view *v, struct jw *j)
{
	const struct server_stats	*st = &v->st;
	const struct probe_stats	*ps = &v->ps;
	size_t				 i;

	jw_obj_begin(j);
	write_counters(j, st);
	jw_kv_uint(j, "edns", answer_stat_get(&st->q.edns));
	jw_kv_uint(j, "ecs", answer_stat_get(&st->q.ecs));
	jw_key(j, "qtypes");
	jw_obj_begin(j);
	for (i = 0; i < ANSWER_NQTYPES; i++)
		jw_kv_uint(j, answer_qtype_name(i),
		    answer_stat_get(&st->q.qtype[i]));
	jw_obj_end(j);
	jw_kv_uint(j, "send_failed", st->send_failed);
	jw_key(j, "tcp_connections");
	jw_obj_begin(j);
	jw_kv_uint(j, "accepted", st->tcp_accepted);
	jw_kv_uint(j, "refused", st->tcp_refused);
	jw_kv_uint(j, "timeouts", st->tcp_timeouts);
	jw_kv_uint(j, "source_limit", st->tcp_source_refused);
	jw_kv_uint(j, "evicted", st->tcp_evicted);
	jw_kv_uint(j, "accept_paused", st->tcp_accept_paused);
	jw_kv_uint(j, "queued_bytes", st->tcp_queued);
	jw_kv_uint(j, "open", st->tcp_open);
	jw_obj_end(j);
	jw_key(j, "probes");
	jw_obj_begin(j);
	jw_kv_uint(j, "runs", ps->runs);
	jw_kv_uint(j, "skipped", ps->skipped);
	jw_kv_uint(j, "queued", ps->queued);
	jw_kv_uint(j, "inflight", ps->inflight);
	jw_kv_uint(j, "waiting", ps->waiting);
	jw_kv_uint(j, "behind", ps->behind);
	jw_kv_uint(j, "behind_episodes", ps->behind_episodes);
	jw_kv_bool(j, "falling_behind", ps->falling_behind);
	jw_kv_uint(j, "to_up", ps->to_up);
	jw_kv_uint(j, "to_down", ps->to_down);
	jw_key(j, "results");
	jw_obj_begin(j);
	for (i = 0; i < PROBE_NRESULTS; i++)
		jw_kv_uint(j, probe_result_str(i), ps->results[i]);
	jw_obj_end(j);
	jw_kv_double(j, "late_max_ms", ps->late_max * 1000);
	jw_obj_end(j);
	jw_key(j, "names");
	jw_arr_begin(j);
	for (i = 0; i < v->nnames; i++) {
		jw_obj_begin(j);
		jw_kv_str(j, "name", v->names[i].name);
		jw_kv_uint(j, "answers", v->names[i].answers);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_obj_end(j);
}

void
render_json_full(const struct view *v, struct jw *j)
{
	const struct view_zone	*z;
	const struct view_name	*m;
	const struct view_pool	*p;
	size_t			 i, k, n;

	jw_obj_begin(j);
	jw_key(j, "status");
	render_json_status(v, j);
	jw_kv_double(j, "now", v->now);
	jw_key(j, "zones");
	jw_arr_begin(j);
	for (i = 0; i < v->nzones; i++) {
		z = &v->zones[i];
		jw_obj_begin(j);
		jw_kv_str(j, "zone", z->name);
		jw_key(j, "names");
		jw_arr_begin(j);
		for (k = 0; k < z->nnames; k++) {
			m = &v->names[z->first_name + k];
			jw_obj_begin(j);
			jw_kv_str(j, "name", m->name);
			jw_kv_str(j, "pool", m->pool);
			jw_kv_str(j, "chain", m->chain);
			jw_kv_uint(j, "ttl", m->ttl);
			jw_kv_uint(j, "degraded_ttl", m->degraded_ttl);
			jw_kv_uint(j, "max_answers", m->max_answers);
			jw_kv_str(j, "all_down", m->all_down);
			jw_kv_uint(j, "answers", m->answers);
			jw_obj_end(j);
		}
		jw_arr_end(j);
		jw_key(j, "pools");
		jw_arr_begin(j);
		for (k = 0; k < z->npools; k++) {
			p = &v->pools[z->first_pool + k];
			jw_obj_begin(j);
			jw_kv_str(j, "pool", p->name);
			jw_key(j, "members");
			jw_arr_begin(j);
			for (n = 0; n < p->n; n++)
				write_member(j, &v->members[p->first + n]);
			jw_arr_end(j);
			jw_obj_end(j);
		}
		jw_arr_end(j);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_obj_end(j);
}
