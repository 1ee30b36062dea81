/* render_json.c -- the control replies and /status.json, from a view */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include "answer.h"
#include "health.h"
#include "json.h"
#include "render.h"
#include "util.h"
#include "view.h"

static const char *const rcode_names[6] = { "NOERROR", "FORMERR",
    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

static void
json_member(struct json *j, const struct view_member *v)
{
	json_obj_begin(j);
	json_kv_str(j, "zone", v->zone);
	json_kv_str(j, "pool", v->pool);
	json_kv_str(j, "member", v->addr);
	json_kv_uint(j, "weight", v->weight);
	json_kv_uint(j, "priority", v->priority);
	json_kv_str(j, "check", v->check);
	json_kv_str(j, "target", v->target);
	json_kv_str(j, "state", v->state);
	json_kv_bool(j, "usable", v->usable);
	json_kv_double(j, "since", v->since);
	json_kv_str(j, "reason", v->info.reason);
	json_key(j, "rtt_ms");
	if (v->info.rtt_us == HEALTH_RTT_NONE)
		json_null(j);
	else
		json_double(j, v->info.rtt_us / 1000.0);
	json_key(j, "load");
	if (v->info.load == HEALTH_LOAD_NONE)
		json_null(j);
	else
		json_uint(j, v->info.load);
	json_kv_uint(j, "checks", v->info.checks);
	json_kv_uint(j, "failures", v->info.failures);
	json_kv_uint(j, "transitions", v->info.transitions);
	json_kv_str(j, "admin", v->admin);
	json_key(j, "override");
	if (!v->has_override)
		json_null(j);
	else {
		json_obj_begin(j);
		json_kv_str(j, "state", v->op.state);
		json_kv_str(j, "reason", v->op.reason);
		json_kv_double(j, "set_at", v->op.set_at);
		json_key(j, "expires");
		if (v->op.expires == 0)
			json_null(j);
		else
			json_double(j, v->op.expires);
		json_obj_end(j);
	}
	json_kv_uint(j, "answers", v->answers);
	json_obj_end(j);
}

void
render_json_members(const struct view *v, struct json *j)
{
	size_t	 i;

	json_arr_begin(j);
	for (i = 0; i < v->nmembers; i++)
		json_member(j, &v->members[i]);
	json_arr_end(j);
}

static void
json_counters(struct json *j, const struct server_stats *st)
{
	size_t	 i;

	json_kv_uint(j, "queries", answer_stat_get(&st->q.queries));
	json_kv_uint(j, "udp", answer_stat_get(&st->tr[0].queries));
	json_kv_uint(j, "tcp", answer_stat_get(&st->tr[1].queries));
	json_key(j, "rcodes");
	json_obj_begin(j);
	for (i = 0; i < NELEM(rcode_names); i++)
		json_kv_uint(j, rcode_names[i],
		    answer_stat_get(&st->q.rcode[i]));
	json_kv_uint(j, "BADVERS", answer_stat_get(&st->q.badvers));
	json_obj_end(j);
	json_kv_uint(j, "dropped", answer_stat_get(&st->q.dropped));
	json_kv_uint(j, "truncated", answer_stat_get(&st->q.truncated));
	json_kv_uint(j, "managed", answer_stat_get(&st->q.managed));
	json_kv_uint(j, "all_down", answer_stat_get(&st->q.all_down));
}

void
render_json_status(const struct view *v, struct json *j)
{
	const struct view_zone	*z;
	size_t			 i;

	json_obj_begin(j);
	json_kv_str(j, "version", v->version);
	json_kv_int(j, "pid", v->pid);
	json_kv_double(j, "started", v->started);
	json_kv_double(j, "uptime", v->now - v->started);
	json_kv_uint(j, "generation", v->generation);
	json_kv_str(j, "config", v->config);
	json_kv_uint(j, "workers", v->workers);
	json_key(j, "reloads");
	json_obj_begin(j);
	json_kv_uint(j, "ok", v->reloads_ok);
	json_kv_uint(j, "failed", v->reloads_failed);
	json_key(j, "last");
	if (v->last_reload == 0)
		json_null(j);
	else
		json_double(j, v->last_reload);
	json_obj_end(j);
	json_key(j, "zones");
	json_arr_begin(j);
	for (i = 0; i < v->nzones; i++) {
		z = &v->zones[i];
		json_obj_begin(j);
		json_kv_str(j, "zone", z->name);
		json_kv_str(j, "file", z->file);
		json_kv_uint(j, "names", z->nnames);
		json_kv_uint(j, "pools", z->npools);
		json_kv_uint(j, "members", z->nmembers);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_uint(j, "targets", v->ntargets);
	json_kv_uint(j, "overrides", v->noverrides);
	json_counters(j, &v->st);
	json_obj_end(j);
}

void
render_json_stats(const struct view *v, struct json *j)
{
	const struct server_stats	*st = &v->st;
	const struct probe_stats	*ps = &v->ps;
	size_t				 i;

	json_obj_begin(j);
	json_counters(j, st);
	json_kv_uint(j, "edns", answer_stat_get(&st->q.edns));
	json_kv_uint(j, "ecs", answer_stat_get(&st->q.ecs));
	json_key(j, "qtypes");
	json_obj_begin(j);
	for (i = 0; i < ANSWER_NQTYPES; i++)
		json_kv_uint(j, answer_qtype_name(i),
		    answer_stat_get(&st->q.qtype[i]));
	json_obj_end(j);
	json_kv_uint(j, "send_failed", st->send_failed);
	json_key(j, "tcp_connections");
	json_obj_begin(j);
	json_kv_uint(j, "accepted", st->tcp_accepted);
	json_kv_uint(j, "refused", st->tcp_refused);
	json_kv_uint(j, "timeouts", st->tcp_timeouts);
	json_kv_uint(j, "open", st->tcp_open);
	json_obj_end(j);
	json_key(j, "probes");
	json_obj_begin(j);
	json_kv_uint(j, "runs", ps->runs);
	json_kv_uint(j, "skipped", ps->skipped);
	json_kv_uint(j, "to_up", ps->to_up);
	json_kv_uint(j, "to_down", ps->to_down);
	json_key(j, "results");
	json_obj_begin(j);
	for (i = 0; i < PROBE_NRESULTS; i++)
		json_kv_uint(j, probe_result_str(i), ps->results[i]);
	json_obj_end(j);
	json_kv_double(j, "late_max_ms", ps->late_max * 1000);
	json_obj_end(j);
	json_key(j, "names");
	json_arr_begin(j);
	for (i = 0; i < v->nnames; i++) {
		json_obj_begin(j);
		json_kv_str(j, "name", v->names[i].name);
		json_kv_uint(j, "answers", v->names[i].answers);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void
render_json_full(const struct view *v, struct json *j)
{
	const struct view_zone	*z;
	const struct view_name	*m;
	const struct view_pool	*p;
	size_t			 i, k, n;

	json_obj_begin(j);
	json_key(j, "status");
	render_json_status(v, j);
	json_kv_double(j, "now", v->now);
	json_key(j, "zones");
	json_arr_begin(j);
	for (i = 0; i < v->nzones; i++) {
		z = &v->zones[i];
		json_obj_begin(j);
		json_kv_str(j, "zone", z->name);
		json_key(j, "names");
		json_arr_begin(j);
		for (k = 0; k < z->nnames; k++) {
			m = &v->names[z->first_name + k];
			json_obj_begin(j);
			json_kv_str(j, "name", m->name);
			json_kv_str(j, "pool", m->pool);
			json_kv_str(j, "chain", m->chain);
			json_kv_uint(j, "ttl", m->ttl);
			json_kv_uint(j, "degraded_ttl", m->degraded_ttl);
			json_kv_uint(j, "max_answers", m->max_answers);
			json_kv_str(j, "all_down", m->all_down);
			json_kv_uint(j, "answers", m->answers);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_key(j, "pools");
		json_arr_begin(j);
		for (k = 0; k < z->npools; k++) {
			p = &v->pools[z->first_pool + k];
			json_obj_begin(j);
			json_kv_str(j, "pool", p->name);
			json_key(j, "members");
			json_arr_begin(j);
			for (n = 0; n < p->n; n++)
				json_member(j, &v->members[p->first + n]);
			json_arr_end(j);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
