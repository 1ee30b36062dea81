/* render_metrics.c -- the Prometheus text format, from a view */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "check.h"
#include "health.h"
#include "probe.h"
#include "render.h"
#include "util.h"
#include "view.h"



/* A label value with \, " and newline escaped. */
static void
label(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void
help(FILE *f, const char *name, const char *type, const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* name{zone="...",pool="...",member="..." -- the caller closes. */
static void
member_labels(FILE *f, const char *name, const struct view_member *v)
{
	fprintf(f, "%s{zone=\"", name);
	label(f, v->zone);
	fputs("\",pool=\"", f);
	label(f, v->pool);
	fprintf(f, "\",member=\"%s\"", v->addr);
}

static void
per_transport(FILE *f, const struct server_stats *st, const char *name,
    size_t off)
{
	const char	*tn[2] = { "udp", "tcp" };
	unsigned	 t;

	for (t = 0; t < 2; t++)
		fprintf(f, "%s{transport=\"%s\"} %llu\n", name, tn[t],
		    (unsigned long long)answer_stat_get((const _Atomic
		    uint64_t *)(const void *)((const char *)&st->tr[t] +
		    off)));
}

/* Counters kept per transport, with nothing else to say about them. */
static const struct {
	const char	*name;
	const char	*help;
	size_t		 off;
} per_transport_counters[] = {
	{ "steerdns_dropped_total",
	    "Packets dropped without an answer (too short, QR set).",
	    offsetof(struct answer_stats, dropped) },
	{ "steerdns_truncated_total", "Answers sent with TC set.",
	    offsetof(struct answer_stats, truncated) },
	{ "steerdns_edns_queries_total", "Queries with an EDNS OPT record.",
	    offsetof(struct answer_stats, edns) },
	{ "steerdns_ecs_queries_total",
	    "Queries with an EDNS Client Subnet option.",
	    offsetof(struct answer_stats, ecs) },
	{ "steerdns_rrl_limited_total",
	    "Responses over the rate limit (server.rrl; UDP only).",
	    offsetof(struct answer_stats, rrl_limited) },
	{ "steerdns_rrl_dropped_total",
	    "Responses over the rate limit not sent.",
	    offsetof(struct answer_stats, rrl_dropped) },
	{ "steerdns_rrl_slipped_total",
	    "Responses over the rate limit sent truncated and empty.",
	    offsetof(struct answer_stats, rrl_slipped) },
	{ "steerdns_too_big_total",
	    "Answers larger than the path MTU, sent truncated and empty.",
	    offsetof(struct answer_stats, too_big) },
	{ "steerdns_cookie_queries_total",
	    "Queries with a DNS COOKIE option (RFC 7873).",
	    offsetof(struct answer_stats, cookie) },
	{ "steerdns_cookie_valid_total",
	    "Queries that brought a valid server cookie of ours.",
	    offsetof(struct answer_stats, cookie_valid) },
};

static double
up_of(const struct view_member *m)
{
	return strcmp(m->state, "down") != 0;
}

static double
usable_of(const struct view_member *m)
{
	return m->usable;
}

static double
flapping_of(const struct view_member *m)
{
	return m->flapping;
}

static double
pending_of(const struct view_member *m)
{
	return m->pending;
}

static double
weight_share_of(const struct view_member *m)
{
	return m->weight > 0 ? (double)m->weight_now / m->weight : 1.0;
}

/* One gauge with a sample per member, its value from val(). */
static void
member_gauge(FILE *f, const struct view *v, const char *name,
    const char *doc, double (*val)(const struct view_member *))
{
	size_t	 i;

	help(f, name, "gauge", doc);
	for (i = 0; i < v->nmembers; i++) {
		member_labels(f, name, &v->members[i]);
		fprintf(f, "} %g\n", val(&v->members[i]));
	}
}

/*
 * Each member's state as values of series that stay, whatever changes:
 * a label that held the state began a new series at each change, which
 * neither a graph nor an alert's "for" can follow.
 */
static void
member_states(FILE *f, const struct view *v)
{
	static const char *const	 kinds[] = { "drain", "up", "down" };
	const struct view_member	*m;
	size_t				 i, k;

	member_gauge(f, v, "steerdns_member_up", "1 while the checks find a "
	    "member up (or it has no check), 0 while down; overrides aside.",
	    up_of);
	member_gauge(f, v, "steerdns_member_usable", "1 when a member may be "
	    "answered: its checks and overrides together.", usable_of);
	member_gauge(f, v, "steerdns_member_flapping", "1 while flap damping "
	    "keeps a member out (its pool's flap_limit), 0 otherwise.",
	    flapping_of);
	member_gauge(f, v, "steerdns_member_pending", "1 while a member a "
	    "reload added has no check result yet (not answered unless "
	    "nothing else is), 0 otherwise.", pending_of);
	member_gauge(f, v, "steerdns_member_weight_share", "The share of its "
	    "weight a member has now: below 1 during its pool's slow_start.",
	    weight_share_of);
	help(f, "steerdns_member_admin", "gauge",
	    "1 while an override of the kind is in force (drain, up: forced "
	    "up, down: forced down), 0 otherwise.");
	for (i = 0; i < v->nmembers; i++) {
		m = &v->members[i];
		for (k = 0; k < NELEM(kinds); k++) {
			member_labels(f, "steerdns_member_admin", m);
			fprintf(f, ",state=\"%s\"} %d\n", kinds[k],
			    strcmp(m->admin, kinds[k]) == 0);
		}
	}
}

/* Per managed name: how many of its pool's members may be answered. */
static void
name_states(FILE *f, const struct view *v)
{
	const struct view_name	*nm;
	const struct view_pool	*p;
	size_t			 i, n, usable;

	help(f, "steerdns_name_members_usable", "gauge",
	    "Members of a managed name's pool that may be answered; 0: the "
	    "name is all down (all_down applies).");
	for (i = 0; i < v->nnames; i++) {
		nm = &v->names[i];
		usable = 0;
		if ((p = view_pool_of(v, nm)) != NULL)
			for (n = p->first; n < p->first + p->n; n++)
				usable += v->members[n].usable;
		fputs("steerdns_name_members_usable{zone=\"", f);
		label(f, nm->zone);
		fputs("\",name=\"", f);
		label(f, nm->name);
		fputs("\",pool=\"", f);
		label(f, nm->pool);
		fprintf(f, "\"} %zu\n", usable);
	}
}

/*
 * What the prober did per check kind: every kind and every reason always,
 * so that a series exists before its first count.
 */
static void
probe_kinds(FILE *f, const struct probe_stats *ps)
{
	size_t	 k, r;

	help(f, "steerdns_probe_runs_total", "counter",
	    "Check runs finished, by check kind, whatever the result.");
	for (k = 0; k < PROBE_NKINDS && check_kinds[k] != NULL; k++)
		fprintf(f, "steerdns_probe_runs_total{kind=\"%s\"} %llu\n",
		    check_kinds[k]->name,
		    (unsigned long long)ps->kind[k].runs);
	help(f, "steerdns_probe_failures_total", "counter",
	    "Check runs that failed, by check kind and reason (local error: "
	    "our side, which moves no member).");
	for (k = 0; k < PROBE_NKINDS && check_kinds[k] != NULL; k++)
		for (r = 0; r < PROBE_NRESULTS; r++) {
			if (r == PROBE_OK)
				continue;
			fprintf(f, "steerdns_probe_failures_total{kind=\"%s\","
			    "reason=\"%s\"} %llu\n", check_kinds[k]->name,
			    probe_result_str(r),
			    (unsigned long long)ps->kind[k].results[r]);
		}
	help(f, "steerdns_probe_skipped_total", "counter",
	    "Check rounds skipped, by check kind: the last run had not "
	    "ended.");
	for (k = 0; k < PROBE_NKINDS && check_kinds[k] != NULL; k++)
		fprintf(f, "steerdns_probe_skipped_total{kind=\"%s\"} "
		    "%llu\n", check_kinds[k]->name,
		    (unsigned long long)ps->kind[k].skipped);
}

/* Only in a fleet: how this node stands with the store and the others. */
static void
fleet_metrics(FILE *f, const struct view *v)
{
	const struct fleet_info	*fi = &v->fi;
	size_t			 i;

	help(f, "steerdns_fleet_connected", "gauge",
	    "1 while the node is in step with the fleet's store (etcd).");
	fprintf(f, "steerdns_fleet_connected %d\n", fi->connected);
	help(f, "steerdns_fleet_nodes", "gauge",
	    "Nodes of the fleet known, live or not.");
	fprintf(f, "steerdns_fleet_nodes %zu\n", fi->nodes);
	help(f, "steerdns_fleet_nodes_live", "gauge",
	    "Nodes whose lease is alive, this one included.");
	fprintf(f, "steerdns_fleet_nodes_live %zu\n", fi->nodes_live);
	help(f, "steerdns_fleet_targets_disagree", "gauge",
	    "Targets some live nodes see down and others up.");
	fprintf(f, "steerdns_fleet_targets_disagree %zu\n", fi->disagree);
	help(f, "steerdns_fleet_config_mismatch", "gauge",
	    "Live nodes whose config hash is not this node's.");
	fprintf(f, "steerdns_fleet_config_mismatch %zu\n",
	    fi->config_mismatch);
	help(f, "steerdns_fleet_lag_seconds", "gauge",
	    "From a change written by a node to this node seeing it, last.");
	fprintf(f, "steerdns_fleet_lag_seconds %.3f\n", fi->lag_ms / 1e3);
	help(f, "steerdns_fleet_lag_seconds_max", "gauge",
	    "The longest such delay since start.");
	fprintf(f, "steerdns_fleet_lag_seconds_max %.3f\n",
	    fi->lag_max_ms / 1e3);
	help(f, "steerdns_fleet_writes_total", "counter",
	    "Keys this node wrote to the store (put or deleted).");
	fprintf(f, "steerdns_fleet_writes_total %llu\n",
	    (unsigned long long)fi->writes);
	help(f, "steerdns_fleet_events_total", "counter",
	    "Changes the store's watch told this node.");
	fprintf(f, "steerdns_fleet_events_total %llu\n",
	    (unsigned long long)fi->events);
	help(f, "steerdns_fleet_resyncs_total", "counter",
	    "Full reads of the store (at start and after each failure).");
	fprintf(f, "steerdns_fleet_resyncs_total %llu\n",
	    (unsigned long long)fi->resyncs);
	help(f, "steerdns_fleet_failures_total", "counter",
	    "Calls to the store that failed.");
	fprintf(f, "steerdns_fleet_failures_total %llu\n",
	    (unsigned long long)fi->failures);
	help(f, "steerdns_fleet_node_live", "gauge",
	    "Per node of the fleet: 1 while its lease is alive.");
	for (i = 0; i < v->nnodes; i++) {
		fprintf(f, "steerdns_fleet_node_live{node=\"");
		label(f, v->nodes[i].name);
		fprintf(f, "\"} %d\n", v->nodes[i].live || v->nodes[i].self);
	}
	help(f, "steerdns_fleet_member_down_votes", "gauge",
	    "Per checked member: live nodes that see it down.");
	for (i = 0; i < v->nmembers; i++)
		if (v->members[i].local != NULL) {
			member_labels(f, "steerdns_fleet_member_down_votes",
			    &v->members[i]);
			fprintf(f, "} %zu\n", v->members[i].down);
		}
}

char *
render_metrics(const struct view *v, size_t *lenp)
{
	const char			*tn[2] = { "udp", "tcp" };
	const struct server_stats	*st = &v->st;
	const struct probe_stats	*ps = &v->ps;
	const struct view_member	*m;
	const struct view_check		*ck;
	char				*buf = NULL;
	size_t				 len = 0, i, k, t;
	uint64_t			 cum;
	FILE				*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;

	help(f, "steerdns_info", "gauge", "Version of the running daemon.");
	fprintf(f, "steerdns_info{version=\"%s\"} 1\n", v->version);
	help(f, "steerdns_start_time_seconds", "gauge",
	    "When the daemon started (Unix time).");
	fprintf(f, "steerdns_start_time_seconds %.0f\n", v->started);
	help(f, "steerdns_config_generation", "gauge",
	    "Generation of the configuration serving: 1 at start, +1 per "
	    "reload.");
	fprintf(f, "steerdns_config_generation %llu\n",
	    (unsigned long long)v->generation);
	help(f, "steerdns_reloads_total", "counter",
	    "Reloads by result.");
	fprintf(f, "steerdns_reloads_total{result=\"ok\"} %llu\n",
	    (unsigned long long)v->reloads_ok);
	fprintf(f, "steerdns_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)v->reloads_failed);
	help(f, "steerdns_reload_failed", "gauge",
	    "1 while the last reload failed: an older configuration serves.");
	fprintf(f, "steerdns_reload_failed %d\n", v->reload_failed ? 1 : 0);

	help(f, "steerdns_queries_total", "counter",
	    "Queries received, by transport.");
	per_transport(f, st, "steerdns_queries_total",
	    offsetof(struct answer_stats, queries));
	help(f, "steerdns_queries_by_type_total", "counter",
	    "Queries by question type and transport.");
	for (t = 0; t < 2; t++)
		for (i = 0; i < ANSWER_NQTYPES; i++)
			fprintf(f, "steerdns_queries_by_type_total{type=\"%s\","
			    "transport=\"%s\"} %llu\n", answer_qtype_name(i),
			    tn[t], (unsigned long long)answer_stat_get(
			    &st->tr[t].qtype[i]));
	help(f, "steerdns_responses_total", "counter",
	    "Responses by rcode and transport.");
	for (t = 0; t < 2; t++) {
		for (i = 0; i < ANSWER_NRCODES; i++)
			fprintf(f, "steerdns_responses_total{rcode=\"%s\","
			    "transport=\"%s\"} %llu\n", answer_rcode_name(i),
			    tn[t], (unsigned long long)answer_stat_get(
			    &st->tr[t].rcode[i]));
		fprintf(f, "steerdns_responses_total{rcode=\"BADVERS\","
		    "transport=\"%s\"} %llu\n", tn[t],
		    (unsigned long long)answer_stat_get(&st->tr[t].badvers));
		fprintf(f, "steerdns_responses_total{rcode=\"BADCOOKIE\","
		    "transport=\"%s\"} %llu\n", tn[t],
		    (unsigned long long)answer_stat_get(&st->tr[t].badcookie));
	}
	for (i = 0; i < NELEM(per_transport_counters); i++) {
		help(f, per_transport_counters[i].name, "counter",
		    per_transport_counters[i].help);
		per_transport(f, st, per_transport_counters[i].name,
		    per_transport_counters[i].off);
	}
	help(f, "steerdns_send_failed_total", "counter",
	    "UDP answers the kernel refused to send.");
	fprintf(f, "steerdns_send_failed_total %llu\n",
	    (unsigned long long)st->send_failed);
	help(f, "steerdns_all_down_total", "counter",
	    "Managed answers given with no member usable.");
	fprintf(f, "steerdns_all_down_total %llu\n",
	    (unsigned long long)answer_stat_get(&st->q.all_down));

	help(f, "steerdns_tcp_connections_total", "counter",
	    "TCP connections by what became of them.");
	fprintf(f, "steerdns_tcp_connections_total{event=\"accepted\"} "
	    "%llu\n", (unsigned long long)st->tcp_accepted);
	fprintf(f, "steerdns_tcp_connections_total{event=\"refused\"} "
	    "%llu\n", (unsigned long long)st->tcp_refused);
	fprintf(f, "steerdns_tcp_connections_total{event=\"timeout\"} "
	    "%llu\n", (unsigned long long)st->tcp_timeouts);
	fprintf(f, "steerdns_tcp_connections_total{event=\"source_limit\"} "
	    "%llu\n", (unsigned long long)st->tcp_source_refused);
	fprintf(f, "steerdns_tcp_connections_total{event=\"evicted\"} "
	    "%llu\n", (unsigned long long)st->tcp_evicted);
	help(f, "steerdns_tcp_accept_paused_total", "counter",
	    "Pauses of TCP accepts for want of file descriptors.");
	fprintf(f, "steerdns_tcp_accept_paused_total %llu\n",
	    (unsigned long long)st->tcp_accept_paused);
	help(f, "steerdns_tcp_output_queued_bytes", "gauge",
	    "Answer bytes waiting for slow TCP clients to read them.");
	fprintf(f, "steerdns_tcp_output_queued_bytes %llu\n",
	    (unsigned long long)st->tcp_queued);
	help(f, "steerdns_tcp_connections_open", "gauge",
	    "TCP connections open now.");
	fprintf(f, "steerdns_tcp_connections_open %llu\n",
	    (unsigned long long)st->tcp_open);

	help(f, "steerdns_name_answers_total", "counter",
	    "Managed answers per name (since the last reload).");
	for (i = 0; i < v->nnames; i++) {
		fputs("steerdns_name_answers_total{name=\"", f);
		label(f, v->names[i].name);
		fprintf(f, "\"} %llu\n", (unsigned long long)
		    v->names[i].answers);
	}
	help(f, "steerdns_member_answers_total", "counter",
	    "Times a member was in an answer (since the last reload).");
	for (i = 0; i < v->nmembers; i++) {
		m = &v->members[i];
		member_labels(f, "steerdns_member_answers_total", m);
		fprintf(f, "} %llu\n", (unsigned long long)m->answers);
	}
	member_states(f, v);
	name_states(f, v);

	help(f, "steerdns_health_transitions_total", "counter",
	    "Health state changes decided by the checks.");
	fprintf(f, "steerdns_health_transitions_total{to=\"up\"} %llu\n",
	    (unsigned long long)ps->to_up);
	fprintf(f, "steerdns_health_transitions_total{to=\"down\"} %llu\n",
	    (unsigned long long)ps->to_down);
	help(f, "steerdns_target_transitions_total", "counter",
	    "Health state changes per probed target.");
	for (i = 0; i < v->ntargets; i++) {
		if (!v->targets[i].checked)
			continue;
		fputs("steerdns_target_transitions_total{target=\"", f);
		label(f, v->targets[i].label);
		fprintf(f, "\"} %llu\n", (unsigned long long)
		    v->targets[i].transitions);
	}
	help(f, "steerdns_probe_results_total", "counter",
	    "Check runs by result.");
	for (i = 0; i < PROBE_NRESULTS; i++)
		fprintf(f, "steerdns_probe_results_total{result=\"%s\"} "
		    "%llu\n", probe_result_str(i),
		    (unsigned long long)ps->results[i]);
	probe_kinds(f, ps);
	help(f, "steerdns_probe_rtt_seconds", "histogram",
	    "Round-trip time of successful checks, per check.");
	for (i = 0; i < v->nchecks; i++) {
		char	 lab[512];
		FILE	*lf;

		ck = &v->checks[i];
		if ((lf = fmemopen(lab, sizeof(lab), "w")) == NULL)
			continue;
		fputs("check=\"", lf);
		label(lf, ck->name);
		fprintf(lf, "\",type=\"%s\",zone_file=\"", ck->kind);
		label(lf, ck->zone_file);
		fputs("\"", lf);
		fputc('\0', lf);
		fclose(lf);
		lab[sizeof(lab) - 1] = '\0';
		for (k = 0, cum = 0; k < PROBE_RTT_BUCKETS; k++) {
			cum += ck->hist.count[k];
			if (k < PROBE_RTT_BUCKETS - 1)
				fprintf(f, "steerdns_probe_rtt_seconds_bucket"
				    "{%s,le=\"%g\"} %llu\n", lab,
				    probe_rtt_bounds[k],
				    (unsigned long long)cum);
			else
				fprintf(f, "steerdns_probe_rtt_seconds_bucket"
				    "{%s,le=\"+Inf\"} %llu\n", lab,
				    (unsigned long long)cum);
		}
		fprintf(f, "steerdns_probe_rtt_seconds_sum{%s} %.6f\n", lab,
		    ck->hist.sum);
		fprintf(f, "steerdns_probe_rtt_seconds_count{%s} %llu\n", lab,
		    (unsigned long long)ck->hist.n);
	}
	help(f, "steerdns_probe_late_seconds_max", "gauge",
	    "The latest a check started after its time.");
	fprintf(f, "steerdns_probe_late_seconds_max %.6f\n", ps->late_max);
	help(f, "steerdns_probe_rounds_total", "counter",
	    "Check rounds that came due: started, skipped because the last "
	    "still ran, and (also counted as started) queued for a slot.");
	fprintf(f, "steerdns_probe_rounds_total{outcome=\"due\"} %llu\n",
	    (unsigned long long)ps->runs);
	fprintf(f, "steerdns_probe_rounds_total{outcome=\"skipped\"} %llu\n",
	    (unsigned long long)ps->skipped);
	fprintf(f, "steerdns_probe_rounds_total{outcome=\"queued\"} %llu\n",
	    (unsigned long long)ps->queued);
	help(f, "steerdns_probe_inflight", "gauge",
	    "Checks in flight now (at most server.probe_concurrency).");
	fprintf(f, "steerdns_probe_inflight %llu\n",
	    (unsigned long long)ps->inflight);
	help(f, "steerdns_probe_waiting", "gauge",
	    "Checks waiting for a free slot.");
	fprintf(f, "steerdns_probe_waiting %llu\n",
	    (unsigned long long)ps->waiting);
	help(f, "steerdns_probe_behind_total", "counter",
	    "Results that came late through the prober's own fault, taken "
	    "as local errors.");
	fprintf(f, "steerdns_probe_behind_total %llu\n",
	    (unsigned long long)ps->behind);
	help(f, "steerdns_probe_behind_episodes_total", "counter",
	    "Times the prober started falling behind.");
	fprintf(f, "steerdns_probe_behind_episodes_total %llu\n",
	    (unsigned long long)ps->behind_episodes);
	help(f, "steerdns_probe_falling_behind", "gauge",
	    "1 while the prober is falling behind (a late result in the "
	    "last 10 s).");
	fprintf(f, "steerdns_probe_falling_behind %d\n",
	    ps->falling_behind ? 1 : 0);
	help(f, "steerdns_admin_overrides", "gauge",
	    "Operator overrides (drain, force-up, force-down) in force.");
	fprintf(f, "steerdns_admin_overrides %zu\n", v->noverrides);
	if (v->fleet)
		fleet_metrics(f, v);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}
