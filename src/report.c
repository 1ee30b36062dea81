/* report.c -- what the daemon tells operators: JSON, metrics, HTML */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "check.h"
#include "conf.h"
#include "health.h"
#include "json.h"
#include "lb.h"
#include "net.h"
#include "probe.h"
#include "report.h"
#include "server.h"
#include "util.h"
#include "wire.h"
#include "zone.h"

static const char *const rcode_names[6] = { "NOERROR", "FORMERR",
    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

static void
addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, len) ==
	    NULL)
		snprintf(buf, len, "?");
}

/* The conf of a check, and the zone it is defined in. */
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


/* Everything known of one member, for the tables. */
struct member_view {
	char			 addr[INET6_ADDRSTRLEN];
	const struct zone_target *target;
	const char		*check;		/* name or NULL */
	const char		*state;		/* up, down, unchecked */
	bool			 usable;
	const char		*admin;		/* none, up, down, drain */
	const struct admin_entry *op;		/* operator override or NULL */
	struct probe_info	 info;
	double			 since;
	uint64_t		 answers;
};

static void
member_view(const struct server *srv, const struct zone_pool *p, size_t k,
    struct member_view *v)
{
	const struct snapshot	*s = srv->snap;
	const struct lb_member	*lm = &p->members[k];
	const struct health_slot *hs = &s->health->slots[lm->slot];

	memset(v, 0, sizeof(*v));
	addr_str(lm->family, lm->addr, v->addr, sizeof(v->addr));
	v->target = &s->db->targets[lm->slot];
	v->check = v->target->check != NULL ? v->target->check->name : NULL;
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
	v->admin = health_admin_str(atomic_load(&hs->admin));
	v->op = server_admin_find(srv, lm->family, lm->addr);
	v->since = v->info.since > 0 ? v->info.since : srv->started;
	v->answers = server_count(srv, p->counter + k);
}

static void
json_member(struct json *j, const struct zone *z, const struct zone_pool *p,
    const struct lb_member *lm, const struct member_view *v)
{

	json_obj_begin(j);
	json_kv_str(j, "zone", z->name);
	json_kv_str(j, "pool", p->name);
	json_kv_str(j, "member", v->addr);
	json_kv_uint(j, "weight", lm->weight);
	json_kv_uint(j, "priority", lm->priority);
	json_kv_str(j, "check", v->check);
	json_kv_str(j, "target", v->target->label);
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
	if (v->op == NULL)
		json_null(j);
	else {
		json_obj_begin(j);
		json_kv_str(j, "state", health_admin_str(v->op->state));
		json_kv_str(j, "reason", v->op->reason);
		json_kv_double(j, "set_at", v->op->set_at);
		json_key(j, "expires");
		if (v->op->expires == 0)
			json_null(j);
		else
			json_double(j, v->op->expires);
		json_obj_end(j);
	}
	json_kv_uint(j, "answers", v->answers);
	json_obj_end(j);
}

void
report_members(const struct server *srv, struct json *j)
{
	const struct zone_db	*db = srv->snap->db;
	const struct zone	*z;
	const struct zone_pool	*p;
	struct member_view	 v;
	size_t			 i, k, m;

	json_arr_begin(j);
	for (i = 0; i < db->nzones; i++) {
		z = &db->zones[i];
		for (k = 0; k < z->npools; k++) {
			p = &z->pools[k];
			for (m = 0; m < p->nmembers; m++) {
				member_view(srv, p, m, &v);
				json_member(j, z, p, &p->members[m], &v);
			}
		}
	}
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
	for (i = 0; i < NELEM(rcode_names); i++) {
		json_kv_uint(j, rcode_names[i],
		    answer_stat_get(&st->q.rcode[i]));
	}
	json_kv_uint(j, "BADVERS", answer_stat_get(&st->q.badvers));
	json_obj_end(j);
	json_kv_uint(j, "dropped", answer_stat_get(&st->q.dropped));
	json_kv_uint(j, "truncated", answer_stat_get(&st->q.truncated));
	json_kv_uint(j, "managed", answer_stat_get(&st->q.managed));
	json_kv_uint(j, "all_down", answer_stat_get(&st->q.all_down));
}

void
report_status(const struct server *srv, struct json *j)
{
	const struct snapshot	*s = srv->snap;
	struct server_stats	 st;
	size_t			 i, nmembers, nnames, npools, k;
	double			 now = time(NULL);

	server_stats(srv, &st);
	json_obj_begin(j);
	json_kv_str(j, "version", PACKAGE_VERSION);
	json_kv_int(j, "pid", srv->pid);
	json_kv_double(j, "started", srv->started);
	json_kv_double(j, "uptime", now - srv->started);
	json_kv_uint(j, "generation", s->generation);
	json_kv_str(j, "config", srv->conf_path);
	json_kv_uint(j, "workers", srv->nworkers);
	json_key(j, "reloads");
	json_obj_begin(j);
	json_kv_uint(j, "ok", srv->reloads_ok);
	json_kv_uint(j, "failed", srv->reloads_failed);
	json_key(j, "last");
	if (srv->last_reload == 0)
		json_null(j);
	else
		json_double(j, srv->last_reload);
	json_obj_end(j);
	json_key(j, "zones");
	json_arr_begin(j);
	for (i = 0; i < s->db->nzones; i++) {
		const struct zone	*z = &s->db->zones[i];

		nnames = z->nnames;
		npools = z->npools;
		for (k = nmembers = 0; k < z->npools; k++)
			nmembers += z->pools[k].nmembers;
		json_obj_begin(j);
		json_kv_str(j, "zone", z->name);
		json_kv_str(j, "file", s->conf->zones[i].file);
		json_kv_uint(j, "names", nnames);
		json_kv_uint(j, "pools", npools);
		json_kv_uint(j, "members", nmembers);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_uint(j, "targets", s->db->ntargets);
	json_kv_uint(j, "overrides", srv->nadmin);
	json_counters(j, &st);
	json_obj_end(j);
}

void
report_stats(const struct server *srv, struct json *j)
{
	const struct zone_db	*db = srv->snap->db;
	struct server_stats	 st;
	struct probe_stats	 ps;
	size_t			 i, k;

	server_stats(srv, &st);
	server_probe_stats(srv, &ps);
	json_obj_begin(j);
	json_counters(j, &st);
	json_kv_uint(j, "edns", answer_stat_get(&st.q.edns));
	json_kv_uint(j, "ecs", answer_stat_get(&st.q.ecs));
	json_key(j, "qtypes");
	json_obj_begin(j);
	for (i = 0; i < ANSWER_NQTYPES; i++) {
		json_kv_uint(j, answer_qtype_name(i),
		    answer_stat_get(&st.q.qtype[i]));
	}
	json_obj_end(j);
	json_key(j, "tcp_connections");
	json_obj_begin(j);
	json_kv_uint(j, "accepted", st.tcp_accepted);
	json_kv_uint(j, "refused", st.tcp_refused);
	json_kv_uint(j, "timeouts", st.tcp_timeouts);
	json_kv_uint(j, "open", st.tcp_open);
	json_obj_end(j);
	json_key(j, "probes");
	json_obj_begin(j);
	json_kv_uint(j, "runs", ps.runs);
	json_kv_uint(j, "skipped", ps.skipped);
	json_kv_uint(j, "to_up", ps.to_up);
	json_kv_uint(j, "to_down", ps.to_down);
	json_key(j, "results");
	json_obj_begin(j);
	for (i = 0; i < PROBE_NRESULTS; i++) {
		json_kv_uint(j, probe_result_str(i), ps.results[i]);
	}
	json_obj_end(j);
	json_kv_double(j, "late_max_ms", ps.late_max * 1000);
	json_obj_end(j);
	json_key(j, "names");
	json_arr_begin(j);
	for (i = 0; i < db->nzones; i++)
		for (k = 0; k < db->zones[i].nnames; k++) {
			const struct zone_name	*m = &db->zones[i].names[k];

			json_obj_begin(j);
			json_kv_str(j, "name", m->name);
			json_kv_uint(j, "answers", server_count(srv,
			    m->counter));
			json_obj_end(j);
		}
	json_arr_end(j);
	json_obj_end(j);
}

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


void
report_status_full(const struct server *srv, struct json *j)
{
	const struct zone_db	*db = srv->snap->db;
	const struct zone	*z;
	const struct zone_pool	*p;
	const struct zone_name	*m;
	struct member_view	 v;
	char			 chain[512];
	size_t			 i, k, n;

	json_obj_begin(j);
	json_key(j, "status");
	report_status(srv, j);
	json_kv_double(j, "now", time(NULL));
	json_key(j, "zones");
	json_arr_begin(j);
	for (i = 0; i < db->nzones; i++) {
		z = &db->zones[i];
		json_obj_begin(j);
		json_kv_str(j, "zone", z->name);
		json_key(j, "names");
		json_arr_begin(j);
		for (k = 0; k < z->nnames; k++) {
			m = &z->names[k];
			chain_str(m, chain, sizeof(chain));
			json_obj_begin(j);
			json_kv_str(j, "name", m->name);
			json_kv_str(j, "pool", m->pool->name);
			json_kv_str(j, "chain", chain);
			json_kv_uint(j, "ttl", m->ttl);
			json_kv_uint(j, "degraded_ttl", m->degraded_ttl);
			json_kv_uint(j, "max_answers", m->max_answers);
			json_kv_str(j, "all_down", lb_all_down_str(m->all_down));
			json_kv_uint(j, "answers", server_count(srv,
			    m->counter));
			json_obj_end(j);
		}
		json_arr_end(j);
		json_key(j, "pools");
		json_arr_begin(j);
		for (k = 0; k < z->npools; k++) {
			p = &z->pools[k];
			json_obj_begin(j);
			json_kv_str(j, "pool", p->name);
			json_key(j, "members");
			json_arr_begin(j);
			for (n = 0; n < p->nmembers; n++) {
				member_view(srv, p, n, &v);
				json_member(j, z, p, &p->members[n], &v);
			}
			json_arr_end(j);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* explain */

/* A query for name/type with an optional ECS option, in wire form. */
static size_t
make_query(const ldns_rdf *name, uint16_t type, const uint8_t *ecs_addr,
    uint8_t ecs_family, uint8_t ecs_bits, uint8_t *out, size_t outlen)
{
	size_t	 pos, alen;

	if (WIRE_HDR_LEN + ldns_rdf_size(name) + 4 + 11 + 8 + 16 > outlen)
		return 0;
	memset(out, 0, WIRE_HDR_LEN);
	wire_put16(out, 0x5ee1);
	wire_put16(out + 4, 1);
	wire_put16(out + 10, 1);
	pos = WIRE_HDR_LEN;
	memcpy(out + pos, ldns_rdf_data(name), ldns_rdf_size(name));
	pos += ldns_rdf_size(name);
	wire_put16(out + pos, type);
	wire_put16(out + pos + 2, WIRE_CLASS_IN);
	pos += 4;
	/* OPT: root owner, type 41, payload 4096, no flags. */
	out[pos++] = 0;
	wire_put16(out + pos, WIRE_TYPE_OPT);
	wire_put16(out + pos + 2, 4096);
	wire_put32(out + pos + 4, 0);
	pos += 8;
	if (ecs_family == 0) {
		wire_put16(out + pos, 0);
		return pos + 2;
	}
	alen = (ecs_bits + 7) / 8;
	wire_put16(out + pos, 4 + 4 + alen);
	wire_put16(out + pos + 2, 8);		/* EDNS Client Subnet */
	wire_put16(out + pos + 4, 4 + alen);
	wire_put16(out + pos + 6, ecs_family == 4 ? 1 : 2);
	out[pos + 8] = ecs_bits;
	out[pos + 9] = 0;
	memcpy(out + pos + 10, ecs_addr, alen);
	return pos + 10 + alen;
}

/* Why one member was left out by a step, or NULL. */
static const char *
dropped_why(const struct server *srv, const struct lb_member *lm,
    char *buf, size_t len)
{
	const struct health_slot	*hs = &srv->snap->health->slots[
					    lm->slot];
	struct probe_info		 info;
	uint8_t				 a = atomic_load(&hs->admin);

	if (a == HEALTH_ADMIN_DRAIN)
		return "drained";
	if (a == HEALTH_ADMIN_DOWN)
		return "forced down";
	if (!health_usable(hs)) {
		if (srv->probe != NULL && probe_target_info(srv->probe,
		    lm->slot, &info) == 0 && info.reason[0] != '\0')
			snprintf(buf, len, "down: %s", info.reason);
		else
			snprintf(buf, len, "down");
		return buf;
	}
	return NULL;
}

static void
json_members_of(struct json *j, const struct zone_name *m,
    const uint16_t *idx, size_t n)
{
	const struct lb_member	*lm;
	char			 a[INET6_ADDRSTRLEN];
	size_t			 k;

	json_arr_begin(j);
	for (k = 0; k < n; k++) {
		lm = &m->pool->members[idx[k]];
		addr_str(lm->family, lm->addr, a, sizeof(a));
		json_str(j, a);
	}
	json_arr_end(j);
}

static void
json_answer(struct json *j, const uint8_t *wire, size_t len)
{
	ldns_pkt	*pkt = NULL;
	ldns_rr_list	*l;
	char		*s;
	size_t		 i;

	json_key(j, "rcode");
	if (len < WIRE_HDR_LEN) {
		json_str(j, "(no answer: dropped)");
		return;
	}
	json_str(j, (wire[3] & 0xf) < NELEM(rcode_names) ?
	    rcode_names[wire[3] & 0xf] : "other");
	json_key(j, "answer");
	json_arr_begin(j);
	if (ldns_wire2pkt(&pkt, wire, len) == LDNS_STATUS_OK) {
		l = ldns_pkt_answer(pkt);
		for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
			s = ldns_rr2str(ldns_rr_list_rr(l, i));
			if (s != NULL) {
				s[strcspn(s, "\n")] = '\0';
				json_str(j, s);
			}
			free(s);
		}
		if (ldns_rr_list_rr_count(l) == 0) {
			l = ldns_pkt_authority(pkt);
			for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
				s = ldns_rr2str(ldns_rr_list_rr(l, i));
				if (s != NULL) {
					s[strcspn(s, "\n")] = '\0';
					json_str(j, s);
				}
				free(s);
			}
		}
	}
	json_arr_end(j);
	ldns_pkt_free(pkt);
}

/* "ADDR/LEN" -> family, address, bits; -1 when malformed. */
static int
parse_subnet(const char *s, uint8_t *family, uint8_t *addr, uint8_t *bits)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long	 b;
	size_t		 i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if ((*family = util_parse_addr(buf, addr)) == 0)
		return -1;
	b = *family == 4 ? 32 : 128;
	if (slash != NULL) {
		b = strtoul(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || b > (*family == 4 ? 32u :
		    128u))
			return -1;
	}
	*bits = b;
	/* Bits past the prefix must be zero on the wire (RFC 7871 6). */
	for (i = 0; i < 16; i++) {
		if (i * 8 >= b)
			addr[i] = 0;
		else if (i * 8 + 8 > b)
			addr[i] &= 0xff << (8 - (b - i * 8));
	}
	return 0;
}

int
report_explain(const struct server *srv, const char *name, const char *type,
    const char *client, const char *ecs, struct json *j, char *err,
    size_t errlen)
{
	const struct snapshot	*s = srv->snap;
	struct answer_env	 env;
	struct answer_trace	*tr;
	struct sockaddr_storage	 ss;
	ldns_rdf		*dname = NULL;
	ldns_rr_type		 qtype;
	uint8_t			 q[600], *out = NULL, efam = 0, eaddr[16],
				 ebits = 0;
	char			 buf[512], step[64], a[INET6_ADDRSTRLEN];
	const char		*why;
	size_t			 qlen, olen, i, k, n;
	uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
	const struct zone_name	*m;
	const struct lb_member	*lm;
	struct lb_why		 w;
	int			 rv = -1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, client, &((struct sockaddr_in *)&ss)->sin_addr)
	    == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, client,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else {
		snprintf(err, errlen, "bad client address \"%s\"", client);
		return -1;
	}
	if (ecs != NULL && parse_subnet(ecs, &efam, eaddr, &ebits) == -1) {
		snprintf(err, errlen, "bad client subnet \"%s\": want "
		    "ADDR/LEN", ecs);
		return -1;
	}
	if ((qtype = ldns_get_rr_type_by_name(type)) == 0) {
		snprintf(err, errlen, "unknown type \"%s\"", type);
		return -1;
	}
	if (ldns_str2rdf_dname(&dname, name) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "bad name \"%s\"", name);
		return -1;
	}
	if (!ldns_dname_str_absolute(name)) {
		/* A relative name is taken as absolute. */
		ldns_rdf	*root = ldns_dname_new_frm_str(".");

		ldns_dname_cat(dname, root);
		ldns_rdf_deep_free(root);
	}
	qlen = make_query(dname, qtype, eaddr, efam, ebits, q, sizeof(q));
	if (qlen == 0) {
		snprintf(err, errlen, "name too long");
		goto out;
	}
	tr = xcalloc(1, sizeof(*tr));
	out = xmalloc(ANSWER_TCP_MAX);
	memset(&env, 0, sizeof(env));
	env.db = s->db;
	env.edns_payload = s->conf->edns_payload;
	env.tcp = true;
	env.health = s->health;
	env.client = (const struct sockaddr *)&ss;
	env.rng = &rng;
	env.trace = tr;
	olen = answer_query(&env, q, qlen, out, ANSWER_TCP_MAX);

	json_obj_begin(j);
	json_key(j, "name");
	{
		char	*t = ldns_rdf2str(dname);

		json_str(j, t);
		free(t);
	}
	json_kv_str(j, "type", type);
	json_kv_str(j, "client", client);
	json_kv_str(j, "ecs", ecs);
	json_answer(j, out, olen);
	json_kv_bool(j, "managed", tr->managed);
	if (tr->managed) {
		m = tr->name;
		json_kv_str(j, "pool", m->pool->name);
		json_kv_uint(j, "ttl", tr->degraded ? m->degraded_ttl : m->ttl);
		json_kv_bool(j, "degraded", tr->degraded);
		json_kv_bool(j, "all_down", tr->all_down);
		json_kv_str(j, "all_down_action", lb_all_down_str(m->all_down));
		json_key(j, "strategy_client");
		if (tr->client_family == 0)
			json_null(j);
		else {
			addr_str(tr->client_family, tr->client_addr, a,
			    sizeof(a));
			snprintf(buf, sizeof(buf), "%s/%u%s", a,
			    tr->client_bits, tr->client_ecs ? " (ECS)" : "");
			json_str(j, buf);
		}
		json_kv_uint(j, "ecs_scope", tr->scope);
		json_key(j, "candidates");
		json_members_of(j, m, tr->lb.member[0], tr->lb.n[0]);
		json_key(j, "steps");
		json_arr_begin(j);
		for (i = 0; i < m->nsteps; i++) {
			lb_step_str(&m->steps[i], step, sizeof(step));
			json_obj_begin(j);
			json_kv_str(j, "step", step);
			if (i >= tr->lb.nsteps) {
				json_kv_str(j, "why",
				    "not run: no candidate left");
				json_obj_end(j);
				continue;
			}
			json_key(j, "kept");
			json_members_of(j, m, tr->lb.member[i + 1],
			    tr->lb.n[i + 1]);
			/* Who was left out, with the member's own reason. */
			json_key(j, "dropped");
			json_arr_begin(j);
			lb_why_of(&tr->lb, i, &w);
			for (k = 0; k < tr->lb.n[i]; k++) {
				for (n = 0; n < tr->lb.n[i + 1]; n++)
					if (tr->lb.member[i + 1][n] ==
					    tr->lb.member[i][k])
						break;
				if (n < tr->lb.n[i + 1])
					continue;
				lm = &m->pool->members[tr->lb.member[i][k]];
				addr_str(lm->family, lm->addr, a, sizeof(a));
				why = lb_step_drop(&m->steps[i], &w,
				    tr->lb.member[i][k], buf, sizeof(buf));
				if (why == NULL)
					why = dropped_why(srv, lm, buf,
					    sizeof(buf));
				json_obj_begin(j);
				json_kv_str(j, "member", a);
				json_kv_str(j, "why", why != NULL ? why : "");
				json_obj_end(j);
			}
			json_arr_end(j);
			lb_step_why(&m->steps[i], &w, buf, sizeof(buf));
			json_kv_str(j, "why", buf);
			json_obj_end(j);
		}
		if (m->max_answers != 0) {
			json_obj_begin(j);
			json_key(j, "step");
			snprintf(step, sizeof(step), "max_answers %u",
			    m->max_answers);
			json_str(j, step);
			json_key(j, "kept");
			json_members_of(j, m, tr->lb.member[tr->lb.nsteps],
			    tr->chosen);
			json_kv_str(j, "why", "the name's max_answers");
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
	free(tr);
	rv = 0;
out:
	free(out);
	ldns_rdf_deep_free(dname);
	return rv;
}

/* Prometheus text */

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
member_labels(FILE *f, const char *name, const struct zone *z,
    const struct zone_pool *p, const struct member_view *v)
{
	fprintf(f, "%s{zone=\"", name);
	label(f, z->name);
	fputs("\",pool=\"", f);
	label(f, p->name);
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
};

char *
report_metrics(const struct server *srv, size_t *lenp)
{
	const struct snapshot	*s = srv->snap;
	const struct zone_db	*db = s->db;
	const struct zone	*z;
	const struct zone_pool	*p;
	const struct zone_name	*m;
	const struct conf_check	*ck;
	const char		*tn[2] = { "udp", "tcp" };
	struct server_stats	 st;
	struct probe_stats	 ps;
	struct probe_hist	 h;
	struct member_view	 v;
	char			*buf = NULL;
	size_t			 len = 0, i, k, n, t;
	uint64_t		 cum;
	FILE			*f;

	server_stats(srv, &st);
	server_probe_stats(srv, &ps);
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;

	help(f, "steerdns_info", "gauge", "Version of the running daemon.");
	fprintf(f, "steerdns_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	help(f, "steerdns_start_time_seconds", "gauge",
	    "When the daemon started (Unix time).");
	fprintf(f, "steerdns_start_time_seconds %.0f\n", srv->started);
	help(f, "steerdns_config_generation", "gauge",
	    "Generation of the configuration serving: 1 at start, +1 per "
	    "reload.");
	fprintf(f, "steerdns_config_generation %llu\n",
	    (unsigned long long)s->generation);
	help(f, "steerdns_reloads_total", "counter",
	    "Reloads by result.");
	fprintf(f, "steerdns_reloads_total{result=\"ok\"} %llu\n",
	    (unsigned long long)srv->reloads_ok);
	fprintf(f, "steerdns_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)srv->reloads_failed);

	help(f, "steerdns_queries_total", "counter",
	    "Queries received, by transport.");
	per_transport(f, &st, "steerdns_queries_total",
	    offsetof(struct answer_stats, queries));
	help(f, "steerdns_queries_by_type_total", "counter",
	    "Queries by question type and transport.");
	for (t = 0; t < 2; t++)
		for (i = 0; i < ANSWER_NQTYPES; i++)
			fprintf(f, "steerdns_queries_by_type_total{type=\"%s\","
			    "transport=\"%s\"} %llu\n", answer_qtype_name(i),
			    tn[t], (unsigned long long)answer_stat_get(
			    &st.tr[t].qtype[i]));
	help(f, "steerdns_responses_total", "counter",
	    "Responses by rcode and transport.");
	for (t = 0; t < 2; t++) {
		for (i = 0; i < NELEM(rcode_names); i++)
			fprintf(f, "steerdns_responses_total{rcode=\"%s\","
			    "transport=\"%s\"} %llu\n", rcode_names[i],
			    tn[t], (unsigned long long)answer_stat_get(
			    &st.tr[t].rcode[i]));
		fprintf(f, "steerdns_responses_total{rcode=\"BADVERS\","
		    "transport=\"%s\"} %llu\n", tn[t],
		    (unsigned long long)answer_stat_get(&st.tr[t].badvers));
	}
	for (i = 0; i < NELEM(per_transport_counters); i++) {
		help(f, per_transport_counters[i].name, "counter",
		    per_transport_counters[i].help);
		per_transport(f, &st, per_transport_counters[i].name,
		    per_transport_counters[i].off);
	}
	help(f, "steerdns_all_down_total", "counter",
	    "Managed answers given with no member usable.");
	fprintf(f, "steerdns_all_down_total %llu\n",
	    (unsigned long long)answer_stat_get(&st.q.all_down));

	help(f, "steerdns_tcp_connections_total", "counter",
	    "TCP connections by what became of them.");
	fprintf(f, "steerdns_tcp_connections_total{event=\"accepted\"} "
	    "%llu\n", (unsigned long long)st.tcp_accepted);
	fprintf(f, "steerdns_tcp_connections_total{event=\"refused\"} "
	    "%llu\n", (unsigned long long)st.tcp_refused);
	fprintf(f, "steerdns_tcp_connections_total{event=\"timeout\"} "
	    "%llu\n", (unsigned long long)st.tcp_timeouts);
	help(f, "steerdns_tcp_connections_open", "gauge",
	    "TCP connections open now.");
	fprintf(f, "steerdns_tcp_connections_open %llu\n",
	    (unsigned long long)st.tcp_open);

	help(f, "steerdns_name_answers_total", "counter",
	    "Managed answers per name (since the last reload).");
	for (i = 0; i < db->nzones; i++)
		for (k = 0; k < db->zones[i].nnames; k++) {
			m = &db->zones[i].names[k];
			fputs("steerdns_name_answers_total{name=\"", f);
			label(f, m->name);
			fprintf(f, "\"} %llu\n", (unsigned long long)
			    server_count(srv, m->counter));
		}
	help(f, "steerdns_member_answers_total", "counter",
	    "Times a member was in an answer (since the last reload).");
	for (i = 0; i < db->nzones; i++)
		for (k = 0; k < db->zones[i].npools; k++) {
			z = &db->zones[i];
			p = &z->pools[k];
			for (n = 0; n < p->nmembers; n++) {
				member_view(srv, p, n, &v);
				member_labels(f,
				    "steerdns_member_answers_total", z, p, &v);
				fprintf(f, "} %llu\n",
				    (unsigned long long)v.answers);
			}
		}
	help(f, "steerdns_member_up", "gauge",
	    "1 when a member may be answered (checks and overrides).");
	for (i = 0; i < db->nzones; i++)
		for (k = 0; k < db->zones[i].npools; k++) {
			z = &db->zones[i];
			p = &z->pools[k];
			for (n = 0; n < p->nmembers; n++) {
				member_view(srv, p, n, &v);
				member_labels(f, "steerdns_member_up", z, p,
				    &v);
				fprintf(f, ",state=\"%s\",admin=\"%s\"} %d\n",
				    v.state, v.admin, v.usable);
			}
		}

	help(f, "steerdns_health_transitions_total", "counter",
	    "Health state changes decided by the checks.");
	fprintf(f, "steerdns_health_transitions_total{to=\"up\"} %llu\n",
	    (unsigned long long)ps.to_up);
	fprintf(f, "steerdns_health_transitions_total{to=\"down\"} %llu\n",
	    (unsigned long long)ps.to_down);
	help(f, "steerdns_target_transitions_total", "counter",
	    "Health state changes per probed target.");
	for (i = 0; i < db->ntargets; i++) {
		struct probe_info	 info;

		if (db->targets[i].check == NULL || srv->probe == NULL ||
		    probe_target_info(srv->probe, i, &info) == -1)
			continue;
		fputs("steerdns_target_transitions_total{target=\"", f);
		label(f, db->targets[i].label);
		fprintf(f, "\"} %llu\n", (unsigned long long)info.transitions);
	}
	help(f, "steerdns_probe_results_total", "counter",
	    "Check runs by result.");
	for (i = 0; i < PROBE_NRESULTS; i++)
		fprintf(f, "steerdns_probe_results_total{result=\"%s\"} "
		    "%llu\n", probe_result_str(i),
		    (unsigned long long)ps.results[i]);
	help(f, "steerdns_probe_rtt_seconds", "histogram",
	    "Round-trip time of successful checks, per check.");
	for (i = 0; srv->probe != NULL && i < probe_nchecks(srv->probe); i++) {
		char	 lab[512];
		FILE	*lf;

		probe_check_hist(srv->probe, i, &ck, &h);
		if ((lf = fmemopen(lab, sizeof(lab), "w")) == NULL)
			continue;
		fputs("check=\"", lf);
		label(lf, ck->name);
		fprintf(lf, "\",type=\"%s\",zone_file=\"",
		    ck->kind->name);
		label(lf, check_zone(s->conf, ck));
		fputs("\"", lf);
		fputc('\0', lf);
		fclose(lf);
		lab[sizeof(lab) - 1] = '\0';
		for (k = 0, cum = 0; k < PROBE_RTT_BUCKETS; k++) {
			cum += h.count[k];
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
		    h.sum);
		fprintf(f, "steerdns_probe_rtt_seconds_count{%s} %llu\n", lab,
		    (unsigned long long)h.n);
	}
	help(f, "steerdns_probe_late_seconds_max", "gauge",
	    "The latest a check started after its time.");
	fprintf(f, "steerdns_probe_late_seconds_max %.6f\n", ps.late_max);
	help(f, "steerdns_admin_overrides", "gauge",
	    "Operator overrides (drain, force-up, force-down) in force.");
	fprintf(f, "steerdns_admin_overrides %zu\n", srv->nadmin);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

/* HTML */

static void
html_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
			break;
		}
}

static const char html_head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta http-equiv=\"refresh\" content=\"5\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n"
"<title>steerdns status</title>\n<style>\n"
"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.4em 0 .4em}"
"h3{font-size:1em;margin:1em 0 .3em}\n"
"table{border-collapse:collapse;margin:.3em 0 1em}"
"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;"
"vertical-align:top}th{background:#f2f2f2}\n"
"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
".up{background:#dff5df}.down{background:#f9d6d5}.unchecked{background:#eef}"
".drain{background:#fdf0c8}.forced{background:#f3d9f7}\n"
".meta{color:#555}.badge{display:inline-block;padding:0 .4em;"
"border-radius:3px;font-weight:600}\n"
"</style></head><body>\n";

char *
report_html(const struct server *srv, size_t *lenp)
{
	const struct snapshot	*s = srv->snap;
	const struct zone_db	*db = s->db;
	const struct zone	*z;
	const struct zone_pool	*p;
	const struct zone_name	*m;
	struct server_stats	 st;
	struct member_view	 v;
	char			*buf = NULL, t1[64], t2[64], chain[512];
	const char		*cls;
	size_t			 len = 0, i, k, n;
	double			 now = time(NULL);
	FILE			*f;

	server_stats(srv, &st);
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs(html_head, f);
	util_utc(t1, sizeof(t1), now);
	util_utc(t2, sizeof(t2), srv->started);
	fprintf(f, "<h1>steerdns %s</h1>\n<p class=\"meta\" id=\"summary\">"
	    "Generated %s &middot; started %s (pid %d) &middot; configuration "
	    "generation <b id=\"generation\">%llu</b> &middot; reloads: %llu "
	    "ok, %llu failed &middot; queries: %llu (UDP %llu, TCP %llu) "
	    "&middot; refreshes every 5 s</p>\n", PACKAGE_VERSION, t1, t2,
	    (int)srv->pid, (unsigned long long)s->generation,
	    (unsigned long long)srv->reloads_ok,
	    (unsigned long long)srv->reloads_failed,
	    (unsigned long long)answer_stat_get(&st.q.queries),
	    (unsigned long long)answer_stat_get(&st.tr[0].queries),
	    (unsigned long long)answer_stat_get(&st.tr[1].queries));
	for (i = 0; i < db->nzones; i++) {
		z = &db->zones[i];
		fputs("<h2>Zone ", f);
		html_esc(f, z->name);
		fputs("</h2>\n", f);
		if (z->nnames > 0) {
			fputs("<h3>Managed names</h3>\n<table class=\"names\">"
			    "<tr><th>Name</th><th>Pool</th><th>Chain</th>"
			    "<th>TTL</th><th>All down</th><th>Answers</th>"
			    "</tr>\n", f);
			for (k = 0; k < z->nnames; k++) {
				m = &z->names[k];
				chain_str(m, chain, sizeof(chain));
				fputs("<tr><td>", f);
				html_esc(f, m->name);
				fputs("</td><td>", f);
				html_esc(f, m->pool->name);
				fputs("</td><td>", f);
				html_esc(f, chain);
				fprintf(f, "</td><td class=\"num\">%u (%u)</td>"
				    "<td>%s</td><td class=\"num\">%llu</td>"
				    "</tr>\n", m->ttl, m->degraded_ttl,
				    lb_all_down_str(m->all_down),
				    (unsigned long long)server_count(srv,
				    m->counter));
			}
			fputs("</table>\n", f);
		}
		for (k = 0; k < z->npools; k++) {
			p = &z->pools[k];
			fputs("<h3>Pool ", f);
			html_esc(f, p->name);
			fputs("</h3>\n<table class=\"pool\"><tr><th>Member</th>"
			    "<th>Check</th><th>State</th><th>Since</th>"
			    "<th>Reason</th><th>RTT</th><th>Load</th>"
			    "<th>Weight</th><th>Priority</th><th>Override</th>"
			    "<th>Answers</th></tr>\n", f);
			for (n = 0; n < p->nmembers; n++) {
				member_view(srv, p, n, &v);
				cls = !v.usable ? (strcmp(v.admin, "drain") == 0
				    ? "drain" : strcmp(v.admin, "down") == 0 ?
				    "forced" : "down") : strcmp(v.admin, "up")
				    == 0 ? "forced" : v.check == NULL ?
				    "unchecked" : "up";
				fprintf(f, "<tr class=\"member %s\" "
				    "data-member=\"%s\"><td>%s</td><td>", cls,
				    v.addr, v.addr);
				html_esc(f, v.check != NULL ? v.target->label :
				    "-");
				util_ago(t1, sizeof(t1), v.since, now);
				util_utc(t2, sizeof(t2), v.since);
				fprintf(f, "</td><td><span class=\"badge\">%s%s"
				    "%s</span></td><td title=\"%s\">%s</td>"
				    "<td>", v.state, strcmp(v.admin, "none") ?
				    ", " : "", strcmp(v.admin, "none") ?
				    (strcmp(v.admin, "drain") == 0 ?
				    "drained" : strcmp(v.admin, "up") == 0 ?
				    "forced up" : "forced down") : "", t2, t1);
				html_esc(f, v.info.reason);
				fputs("</td><td class=\"num\">", f);
				if (v.info.rtt_us != HEALTH_RTT_NONE)
					fprintf(f, "%.2f ms", v.info.rtt_us /
					    1000.0);
				fputs("</td><td class=\"num\">", f);
				if (v.info.load != HEALTH_LOAD_NONE)
					fprintf(f, "%u", v.info.load);
				fprintf(f, "</td><td class=\"num\">%u</td>"
				    "<td class=\"num\">%u</td><td>",
				    p->members[n].weight,
				    p->members[n].priority);
				if (v.op != NULL) {
					html_esc(f, health_admin_str(
					    v.op->state));
					if (v.op->reason[0] != '\0') {
						fputs(": ", f);
						html_esc(f, v.op->reason);
					}
					if (v.op->expires > 0) {
						util_utc(t2, sizeof(t2),
						    v.op->expires);
						fprintf(f, " (until %s)", t2);
					}
				}
				fprintf(f, "</td><td class=\"num\">%llu</td>"
				    "</tr>\n", (unsigned long long)v.answers);
			}
			fputs("</table>\n", f);
		}
	}
	fputs("<p class=\"meta\">Also: <a href=\"/status.json\">status.json"
	    "</a> &middot; <a href=\"/metrics\">metrics</a></p>\n"
	    "</body></html>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}
