/* explain.c -- why the daemon answers a question as it does */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "explain.h"
#include "health.h"
#include "jw.h"
#include "lb.h"
#include "probe.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"
#include "wire.h"
#include "zone.h"



/*
 * The managed name at dname when it was asked for A or AAAA and its pool
 * has no member of that family, so that the answer came from the zone's
 * static data; NULL otherwise.  *fam: 4 or 6.
 */
static const struct zone_name *
managed_without(const struct zone_db *db, const ldns_rdf *dname,
    ldns_rr_type qtype, int *fam)
{
	const struct zone_node	*node;
	const struct zone_name	*m = NULL;
	ldns_rdf		*lc;

	if (qtype != LDNS_RR_TYPE_A && qtype != LDNS_RR_TYPE_AAAA)
		return NULL;
	*fam = qtype == LDNS_RR_TYPE_A ? 4 : 6;
	if ((lc = ldns_rdf_clone(dname)) == NULL)
		return NULL;
	ldns_dname2canonical(lc);
	node = zone_db_lookup(db, ldns_rdf_data(lc), ldns_rdf_size(lc));
	if (node != NULL && node->managed != NULL &&
	    node->managed->pool->nfam[*fam == 6] == 0)
		m = node->managed;
	ldns_rdf_deep_free(lc);
	return m;
}

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
write_members_of(struct jw *j, const struct zone_name *m,
    const uint16_t *idx, size_t n)
{
	const struct lb_member	*lm;
	char			 a[LB_MEMBER_STR];
	size_t			 k;

	jw_arr_begin(j);
	for (k = 0; k < n; k++) {
		lm = &m->pool->members[idx[k]];
		lb_member_str(lm, a, sizeof(a));
		jw_str(j, a);
	}
	jw_arr_end(j);
}

static void
write_answer(struct jw *j, const uint8_t *wire, size_t len)
{
	ldns_pkt	*pkt = NULL;
	ldns_rr_list	*l;
	char		*s;
	size_t		 i;

	jw_key(j, "rcode");
	if (len < WIRE_HDR_LEN) {
		jw_str(j, "(no answer: dropped)");
		return;
	}
	jw_str(j, (wire[3] & 0xf) < ANSWER_NRCODES ?
	    answer_rcode_name(wire[3] & 0xf) : "other");
	jw_key(j, "answer");
	jw_arr_begin(j);
	if (ldns_wire2pkt(&pkt, wire, len) == LDNS_STATUS_OK) {
		l = ldns_pkt_answer(pkt);
		for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
			s = ldns_rr2str(ldns_rr_list_rr(l, i));
			if (s != NULL) {
				s[strcspn(s, "\n")] = '\0';
				jw_str(j, s);
			}
			free(s);
		}
		if (ldns_rr_list_rr_count(l) == 0) {
			l = ldns_pkt_authority(pkt);
			for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
				s = ldns_rr2str(ldns_rr_list_rr(l, i));
				if (s != NULL) {
					s[strcspn(s, "\n")] = '\0';
					jw_str(j, s);
				}
				free(s);
			}
		}
	}
	jw_arr_end(j);
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
explain(const struct server *srv, const char *name, const char *type,
    const char *client, const char *ecs, struct jw *j, char *err,
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
	char			 buf[512], step[64], a[LB_MEMBER_STR];
	const char		*why;
	size_t			 qlen, olen, i, k, n;
	uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
	const struct zone_name	*m;
	const struct lb_member	*lm;
	struct lb_why		 w;
	int			 rv = -1, fam;

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

	jw_obj_begin(j);
	jw_key(j, "name");
	{
		char	*t = ldns_rdf2str(dname);

		jw_str(j, t);
		free(t);
	}
	jw_kv_str(j, "type", type);
	jw_kv_str(j, "client", client);
	jw_kv_str(j, "ecs", ecs);
	write_answer(j, out, olen);
	jw_kv_bool(j, "managed", tr->managed);
	if (!tr->managed && (m = managed_without(s->db, dname, qtype, &fam)) !=
	    NULL) {
		/* Not "static data" to the operator: a pool it set up. */
		jw_kv_str(j, "pool", m->pool->name);
		snprintf(buf, sizeof(buf), "%s is a managed name, but its pool "
		    "%s has no IPv%d member: %s is answered from the zone's "
		    "static data", m->name, m->pool->name, fam, type);
		jw_kv_str(j, "note", buf);
	}
	if (tr->managed) {
		m = tr->name;
		jw_kv_str(j, "pool", m->pool->name);
		jw_kv_uint(j, "ttl", tr->degraded ? m->degraded_ttl : m->ttl);
		jw_kv_bool(j, "degraded", tr->degraded);
		jw_kv_bool(j, "all_down", tr->all_down);
		jw_kv_str(j, "all_down_action", lb_all_down_str(m->all_down));
		jw_key(j, "strategy_client");
		if (tr->client_family == 0)
			jw_null(j);
		else {
			lb_addr_str(tr->client_family, tr->client_addr, a,
			    sizeof(a));
			snprintf(buf, sizeof(buf), "%s/%u%s", a,
			    tr->client_bits, tr->client_ecs ? " (ECS)" : "");
			jw_str(j, buf);
		}
		jw_kv_uint(j, "ecs_scope", tr->scope);
		jw_key(j, "candidates");
		write_members_of(j, m, tr->lb.member[0], tr->lb.n[0]);
		jw_key(j, "steps");
		jw_arr_begin(j);
		for (i = 0; i < m->nsteps; i++) {
			lb_step_str(&m->steps[i], step, sizeof(step));
			jw_obj_begin(j);
			jw_kv_str(j, "step", step);
			if (i >= tr->lb.nsteps) {
				jw_kv_str(j, "why",
				    "not run: no candidate left");
				jw_obj_end(j);
				continue;
			}
			jw_key(j, "kept");
			write_members_of(j, m, tr->lb.member[i + 1],
			    tr->lb.n[i + 1]);
			/* Who was left out, with the member's own reason. */
			jw_key(j, "dropped");
			jw_arr_begin(j);
			lb_why_of(&tr->lb, i, &w);
			for (k = 0; k < tr->lb.n[i]; k++) {
				for (n = 0; n < tr->lb.n[i + 1]; n++)
					if (tr->lb.member[i + 1][n] ==
					    tr->lb.member[i][k])
						break;
				if (n < tr->lb.n[i + 1])
					continue;
				lm = &m->pool->members[tr->lb.member[i][k]];
				lb_member_str(lm, a, sizeof(a));
				why = lb_step_drop(&m->steps[i], &w,
				    tr->lb.member[i][k], buf, sizeof(buf));
				if (why == NULL)
					why = dropped_why(srv, lm, buf,
					    sizeof(buf));
				jw_obj_begin(j);
				jw_kv_str(j, "member", a);
				jw_kv_str(j, "why", why != NULL ? why : "");
				jw_obj_end(j);
			}
			jw_arr_end(j);
			lb_step_why(&m->steps[i], &w, buf, sizeof(buf));
			jw_kv_str(j, "why", buf);
			jw_obj_end(j);
		}
		if (m->max_answers != 0) {
			jw_obj_begin(j);
			jw_key(j, "step");
			snprintf(step, sizeof(step), "max_answers %u",
			    m->max_answers);
			jw_str(j, step);
			jw_key(j, "kept");
			write_members_of(j, m, tr->lb.member[tr->lb.nsteps],
			    tr->chosen);
			jw_kv_str(j, "why", "the name's max_answers");
			jw_obj_end(j);
		}
		jw_arr_end(j);
	}
	jw_obj_end(j);
	free(tr);
	rv = 0;
out:
	free(out);
	ldns_rdf_deep_free(dname);
	return rv;
}

