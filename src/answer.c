/* answer.c -- question + zones -> response (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <assert.h>
#include <string.h>

#include "answer.h"
#include "answer_int.h"
#include "cookie.h"
#include "health.h"
#include "lb.h"
#include "wire.h"
#include "zone.h"

/* A COOKIE option as we send it: the client's cookie and ours. */
#define COOKIE_OPT_LEN	(4 + COOKIE_CLIENT_LEN + COOKIE_OURS_LEN)

/*
 * The header, the longest question and our OPT with all its options (ECS,
 * NSID, COOKIE) fit in the 512 bytes every answer may use: no option ever
 * has to be dropped.
 */
_Static_assert(WIRE_HDR_LEN + WIRE_MAX_NAME + 4 + WIRE_OPT_LEN + 4 + 4 + 16 +
    4 + WIRE_NSID_MAX + COOKIE_OPT_LEN <= 512,
    "a question and our OPT fit in 512 bytes");

/* Is our NSID to be sent: asked for and configured? */
static bool
with_nsid(const struct answer_env *env, const struct wire_query *q)
{
	return q->nsid && env->db->ident.nsid != NULL;
}

/*
 * Length of our OPT RR for this query, the ECS echo, NSID and the cookie
 * (sc: our server cookie, NULL for none) included.
 */
static size_t
opt_len(const struct answer_env *env, const struct wire_query *q,
    bool with_opts, const uint8_t *sc)
{
	size_t	 n = WIRE_OPT_LEN;

	if (!q->edns)
		return 0;
	if (with_opts && q->ecs)
		n += 4 + 4 + (q->ecs_source + 7) / 8;
	if (with_opts && with_nsid(env, q))
		n += 4 + env->db->ident.nsid_len;
	if (with_opts && sc != NULL)
		n += COOKIE_OPT_LEN;
	return n;
}

/*
 * Our OPT RR; the options (ECS echo, NSID, the client's cookie with our
 * server cookie sc when not NULL) only with with_opts.
 */
static size_t
put_opt(uint8_t *p, const struct answer_env *env, const struct wire_query *q,
    uint8_t ext_rcode, bool with_opts, uint8_t scope, const uint8_t *sc)
{
	const struct zone_ident	*id = &env->db->ident;
	size_t			 alen, rdlen = 0;

	p[0] = 0;
	wire_put16(p + WIRE_OPT_TYPE, WIRE_TYPE_OPT);
	wire_put16(p + WIRE_OPT_PAYLOAD, env->edns_payload);
	p[WIRE_OPT_EXT_RCODE] = ext_rcode;
	p[WIRE_OPT_VERSION] = 0;
	wire_put16(p + WIRE_OPT_FLAGS, q->edns_do ? 0x8000 : 0);	/* RFC 3225 */
	if (with_opts && q->ecs) {
		alen = (q->ecs_source + 7) / 8;
		wire_put16(p + WIRE_OPT_RDATA, WIRE_EDNS_ECS);
		wire_put16(p + WIRE_OPT_RDATA + 2, 4 + alen);
		wire_put16(p + WIRE_OPT_RDATA + 4, q->ecs_family);
		p[WIRE_OPT_RDATA + 6] = q->ecs_source;
		p[WIRE_OPT_RDATA + 7] = scope;
		memcpy(p + WIRE_OPT_RDATA + 8, q->ecs_addr, alen);
		rdlen = 8 + alen;
	}
	if (with_opts && with_nsid(env, q)) {
		wire_put16(p + WIRE_OPT_RDATA + rdlen, WIRE_EDNS_NSID);
		wire_put16(p + WIRE_OPT_RDATA + rdlen + 2, id->nsid_len);
		memcpy(p + WIRE_OPT_RDATA + rdlen + 4, id->nsid, id->nsid_len);
		rdlen += 4 + id->nsid_len;
	}
	if (with_opts && sc != NULL) {
		wire_put16(p + WIRE_OPT_RDATA + rdlen, WIRE_EDNS_COOKIE);
		wire_put16(p + WIRE_OPT_RDATA + rdlen + 2, COOKIE_OPT_LEN - 4);
		memcpy(p + WIRE_OPT_RDATA + rdlen + 4, q->cookie,
		    COOKIE_CLIENT_LEN);
		memcpy(p + WIRE_OPT_RDATA + rdlen + 4 + COOKIE_CLIENT_LEN, sc,
		    COOKIE_OURS_LEN);
		rdlen += COOKIE_OPT_LEN;
	}
	wire_put16(p + WIRE_OPT_RDLEN, rdlen);
	return WIRE_OPT_LEN + rdlen;
}

static const char *const qtype_names[ANSWER_NQTYPES] = { "A", "AAAA",
    "NS", "SOA", "CNAME", "MX", "TXT", "SRV", "PTR", "CAA", "DS", "ANY",
    "other" };

const char *
answer_qtype_name(enum answer_qtype t)
{
	return qtype_names[t];
}

void
answer_stats_sum(struct answer_stats *to, const struct answer_stats *from)
{
	size_t	 i;

#define ADD(f)	answer_stat_add(&to->f, answer_stat_get(&from->f))
	ADD(queries);
	ADD(dropped);
	ADD(truncated);
	ADD(badvers);
	ADD(badcookie);
	ADD(cookie);
	ADD(cookie_valid);
	ADD(edns);
	ADD(ecs);
	ADD(managed);
	ADD(all_down);
	ADD(rrl_limited);
	ADD(rrl_dropped);
	ADD(rrl_slipped);
	ADD(too_big);
	for (i = 0; i < sizeof(to->rcode) / sizeof(to->rcode[0]); i++)
		ADD(rcode[i]);
	for (i = 0; i < ANSWER_NQTYPES; i++)
		ADD(qtype[i]);
#undef ADD
}

/* The counter of each type counted one by one, + 1; 0: "other". */
static const uint8_t qtype_slot[256] = {
	[WIRE_TYPE_A] = ANSWER_QTYPE_A + 1,
	[WIRE_TYPE_AAAA] = ANSWER_QTYPE_AAAA + 1,
	[WIRE_TYPE_NS] = ANSWER_QTYPE_NS + 1,
	[WIRE_TYPE_SOA] = ANSWER_QTYPE_SOA + 1,
	[WIRE_TYPE_CNAME] = ANSWER_QTYPE_CNAME + 1,
	[WIRE_TYPE_MX] = ANSWER_QTYPE_MX + 1,
	[WIRE_TYPE_TXT] = ANSWER_QTYPE_TXT + 1,
	[WIRE_TYPE_SRV] = ANSWER_QTYPE_SRV + 1,
	[WIRE_TYPE_PTR] = ANSWER_QTYPE_PTR + 1,
	[WIRE_TYPE_DS] = ANSWER_QTYPE_DS + 1,
	[WIRE_TYPE_ANY] = ANSWER_QTYPE_ANY + 1,
};

static enum answer_qtype
qtype_bucket(uint16_t t)
{
	if (t < 256 && qtype_slot[t] != 0)
		return qtype_slot[t] - 1;
	return t == 257 ? ANSWER_QTYPE_CAA : ANSWER_QTYPE_OTHER;
}

const char *
answer_rcode_name(unsigned rcode)
{
	static const char *const names[ANSWER_NRCODES] = { "NOERROR",
	    "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	    "YXDOMAIN" };

	return rcode < ANSWER_NRCODES ? names[rcode] : NULL;
}

static void
count(const struct answer_env *env, unsigned rcode)
{
	if (env->stats != NULL && rcode < ANSWER_NRCODES)
		answer_stat_add(&env->stats->rcode[rcode], 1);
}

/* Say what the response was, for rate limiting (env->kind). */
static void
kind(const struct answer_env *env, enum answer_class cls, uint64_t key)
{
	if (env->kind == NULL)
		return;
	env->kind->cls = cls;
	env->kind->exempt = false;	/* the caller's: cookie_valid */
	env->kind->key = key;
}

/*
 * A response without answer data: header, question if parsed, OPT (with
 * our server cookie sc unless NULL).
 */
static size_t
bare(const struct answer_env *env, const struct wire_query *q,
    const uint8_t *pkt, uint8_t *out, unsigned rcode, const uint8_t *sc)
{
	size_t	 pos = WIRE_HDR_LEN;

	kind(env, ANSWER_CLASS_ERROR, 0);
	memset(out + WIRE_OFF_QDCOUNT, 0, 8);
	if (q->qend != 0) {
		memcpy(out + WIRE_HDR_LEN, pkt + WIRE_HDR_LEN,
		    q->qend - WIRE_HDR_LEN);
		pos = q->qend;
		wire_put16(out + WIRE_OFF_QDCOUNT, 1);
	}
	out[WIRE_OFF_RCODE] = (out[WIRE_OFF_RCODE] & 0xf0) | (rcode & 0x0f);
	if (q->edns) {
		pos += put_opt(out + pos, env, q, rcode >> 4, rcode !=
		    WIRE_RCODE_FORMERR, 0, sc);
		wire_put16(out + WIRE_OFF_ARCOUNT, 1);
	}
	if (rcode == WIRE_RCODE_BADVERS) {
		if (env->stats != NULL)
			answer_stat_add(&env->stats->badvers, 1);
	} else if (rcode == WIRE_RCODE_BADCOOKIE) {
		if (env->stats != NULL)
			answer_stat_add(&env->stats->badcookie, 1);
	} else
		count(env, rcode);
	return pos;
}

/*
 * The server cookie to answer a query's COOKIE option with (RFC 7873 5.2,
 * RFC 9018 4.3): the one it brought when that is ours and fresh, else a
 * new one made in buf.  *valid tells whether it brought a valid one.
 */
static const uint8_t *
cookie_answer(const struct answer_env *env, const struct wire_query *q,
    uint8_t *buf, bool *valid)
{
	enum cookie_verdict	 v = COOKIE_BAD;
	uint8_t			 ip[16];
	size_t			 iplen;

	iplen = cookie_client_ip(env->client, ip);
	if (q->cookie_len > COOKIE_CLIENT_LEN)
		v = cookie_check(env->cookies, q->cookie, q->cookie +
		    COOKIE_CLIENT_LEN, q->cookie_len - COOKIE_CLIENT_LEN, ip,
		    iplen, env->now);
	*valid = v != COOKIE_BAD;
	if (v == COOKIE_GOOD)
		return q->cookie + COOKIE_CLIENT_LEN;
	cookie_make(env->cookies->cur, q->cookie, env->now, ip, iplen, buf);
	return buf;
}

const struct zone_answer *
answer_find(const struct zone_db *db, const struct wire_query *q,
    const struct zone **zone)
{
	const struct zone_node	*n;
	size_t			 i, off;

	n = zone_db_lookup_hashed(db, q->lname, q->qname_len, q->lhash);
	if (n != NULL) {
		*zone = n->zone;
		if (n->cut == NULL) {
			if (q->qtype == WIRE_TYPE_ANY)
				return n->any;
			return zone_node_answer(n, q->qtype);
		}
		/* The parent side answers DS at a cut (RFC 4035 3.1.4.1). */
		if (n->cut == n && q->qtype == WIRE_TYPE_DS)
			return zone_node_answer(n, WIRE_TYPE_DS);
		return &n->cut->referral;
	}
	/*
	 * The closest existing ancestor decides, the root included: its
	 * wildcard when it has one (RFC 4592 4.3.3), built for "*.it" and
	 * moved along like NXDOMAIN; an empty non-terminal or a name in
	 * between is the closest one and blocks wildcards above it.
	 */
	for (i = 1; i <= q->nlabels; i++) {
		off = i < q->nlabels ? q->label[i] : q->qname_len - 1;
		n = zone_db_lookup(db, q->lname + off, q->qname_len - off);
		if (n == NULL)
			continue;
		*zone = n->zone;
		if (n->cut != NULL)
			return &n->cut->referral;
		/* Everything below a DNAME is redirected (RFC 6672). */
		if (n->dname != NULL)
			return n->dname;
		if (n->wild != NULL) {
			if (q->qtype == WIRE_TYPE_ANY)
				return n->wild->any;
			return zone_node_answer(n->wild, q->qtype);
		}
		return &n->zone->nxdomain;
	}
	return NULL;
}

/* The client address strategies see: ECS when the name uses it. */
static void
client_of(const struct answer_env *env, const struct wire_query *q,
    const struct zone_name *m, struct lb_query *lq)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	lq->family = 0;
	lq->bits = 0;
	memset(lq->addr, 0, sizeof(lq->addr));
	if (m->ecs && q->ecs) {
		lq->family = q->ecs_family == 1 ? 4 : 6;
		lq->bits = q->ecs_source;
		memcpy(lq->addr, q->ecs_addr, 16);
		return;
	}
	if (env->client == NULL)
		return;
	if (env->client->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)env->client;
		lq->family = 4;
		lq->bits = 32;
		memcpy(lq->addr, &sin->sin_addr, 4);
	} else if (env->client->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)env->client;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			lq->family = 4;
			lq->bits = 32;
			memcpy(lq->addr, sin6->sin6_addr.s6_addr + 12, 4);
		} else {
			lq->family = 6;
			lq->bits = 128;
			memcpy(lq->addr, &sin6->sin6_addr, 16);
		}
	}
}

/*
 * The one answer of a name whose chain is one picking step (m->pick) cut
 * to one, when every member of the family is usable and of positive
 * weight: the step chooses it without a candidate array or the chain.
 * False when that does not hold; the chain then runs as usual.
 */
static bool
pick_one(const struct zone_name *m, const uint16_t *idx, size_t n,
    const struct health_slot *slots, struct lb_query *lq, struct lb_cand *c)
{
	const struct lb_member	*mb = m->pool->members;
	size_t			 i;

	if (!lq->positive || n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!health_usable(&slots[mb[idx[i]].slot]))
			return false;
	lq->clean = true;
	c[0].member = idx[m->pick->s->pick(m->pick, lq, idx, n)];
	c[0].weight = mb[c[0].member].weight;
	c[0].usable = true;
	c[0].spare = false;
	return true;
}

/* The name's chain over the members of the family. */
size_t
answer_run_chain(const struct answer_env *env, const struct wire_query *q,
    const struct zone_answer *a, struct lb_cand *c, bool *degraded,
    uint8_t *scope, bool *all_down)
{
	const struct zone_name	*m = a->tail;
	const struct zone_pool	*p = m->pool;
	const uint16_t		*idx = p->fam[a->tail_family == 6];
	struct answer_trace	*tr = env->trace;
	struct lb_query		 lq;
	_Atomic uint32_t	 rr;
	size_t			 i, n = p->nfam[a->tail_family == 6];
	const struct health_slot *slots = env->health->slots;
	bool			 down;

	lq.health = env->health;
	lq.members = p->members;
	lq.regions = m->regions;
	lq.fallback = m->fallback;
	lq.rr = &m->rr[a->tail_family == 6];
	if (tr != NULL) {
		/* Explaining must not move the rotation. */
		atomic_init(&rr, atomic_load_explicit(lq.rr,
		    memory_order_relaxed));
		lq.rr = &rr;
	}
	lq.rng = env->rng;
	lq.fail_open = m->all_down == LB_ALL_DOWN_ALL;
	lq.scope = 0;
	lq.all_down = false;
	lq.ramped = false;
	if (p->tempered) {
		lq.temper = &p->temper;
		lq.now = atomic_load_explicit(&env->health->now,
		    memory_order_relaxed);
	} else {
		lq.temper = NULL;
		lq.now = 0;
	}
	/* Only a chain that reads the client (or explain) needs it. */
	if (m->client || tr != NULL)
		client_of(env, q, m, &lq);
	else
		lq.family = lq.bits = 0;
	lq.positive = p->positive[a->tail_family == 6];
	lq.nall = n;
	lq.total = p->total[a->tail_family == 6];
	/* Slow start and flap damping need the candidates. */
	if (m->pick != NULL && tr == NULL && !p->tempered && pick_one(m, idx,
	    n, slots, &lq, c)) {
		*degraded = false;
		n = 1;
	} else {
		for (i = 0, down = false; i < n; i++)
			down |= !lb_cand_fill(&lq, &c[i], idx[i]);
		*degraded = down;
		lq.clean = !down && lq.positive && !lq.ramped;
		if (tr != NULL) {
			n = lb_run_traced(m->steps, m->nsteps, &lq, c, n,
			    &tr->lb);
			if (m->max_answers != 0 && n > m->max_answers)
				n = m->max_answers;
		} else {
			/* Clean: "up" and its kind have nothing to do. */
			i = lq.clean ? m->lead : 0;
			n = lb_run(m->steps + i, m->nrun - i, &lq, c, n);
			if (m->cut != 0 && n > m->cut)
				n = m->cut;
		}
	}
	/* A name is one CNAME: the chain's first (RFC 1034 3.6.2). */
	if (p->names && n > 1)
		n = 1;
	if (tr != NULL) {
		tr->managed = true;
		tr->name = m;
		tr->family = a->tail_family;
		tr->client_family = lq.family;
		tr->client_bits = lq.bits;
		memcpy(tr->client_addr, lq.addr, 16);
		tr->client_ecs = m->ecs && q->ecs;
		/* What the answer echoes: only a query with ECS gets one. */
		tr->scope = m->ecs && q->ecs ? lq.scope : 0;
		tr->degraded = *degraded;
		tr->all_down = lq.all_down;
		tr->chosen = n;
	} else if (env->counts != NULL) {
		answer_stat_add(&env->counts[m->counter], 1);
		for (i = 0; i < n; i++) {
			answer_stat_add(&env->counts[p->counter + c[i].member],
			    1);
			answer_stat_add(&env->counts[m->counter + 1 +
			    c[i].member], 1);
		}
	}
	*scope = m->ecs ? lq.scope : 0;
	*all_down = lq.all_down;
	return n;
}

size_t
answer_put_tail(const struct zone_answer *a, const struct lb_cand *c,
    size_t n, bool degraded, uint16_t owner, uint8_t *p, size_t room)
{
	const struct zone_name	*m = a->tail;
	size_t			 alen = a->tail_family == 4 ? 4 : 16;
	size_t			 i, rl = WIRE_RR_FIXED + alen;
	const uint8_t		*tmpl = a->tail_rr[degraded];
	const struct lb_member	*mb;

	if (m->pool->names) {
		/* One CNAME (answer_run_chain() keeps one), its own length. */
		mb = &m->pool->members[c[0].member];
		rl = WIRE_RR_FIXED + mb->cname_len;
		if (n == 0 || rl > room)
			return 0;
		memcpy(p, tmpl, WIRE_RR_FIXED - 2);
		if (owner != 0)
			wire_put16(p, 0xc000 | owner);
		wire_put16(p + WIRE_RR_FIXED - 2, mb->cname_len);
		memcpy(p + WIRE_RR_FIXED, mb->cname, mb->cname_len);
		return rl;
	}
	if (n * rl > room)
		return 0;
	for (i = 0; i < n; i++, p += rl) {
		memcpy(p, tmpl, WIRE_RR_FIXED);
		if (owner != 0)
			wire_put16(p, 0xc000 | owner);
		/* Constant sizes: copied inline, not by a call. */
		if (alen == 4)
			memcpy(p + WIRE_RR_FIXED, m->pool->members[c[i].member].addr, 4);
		else
			memcpy(p + WIRE_RR_FIXED, m->pool->members[c[i].member].addr,
			    16);
	}
	return n * rl;
}

size_t
answer_query(const struct answer_env *env, const uint8_t *pkt, size_t len,
    uint8_t *out, size_t outmax)
{
	struct wire_query		 q;
	const struct zone_answer	*a;
	const struct zone_set		*s;
	enum wire_verdict		 v;
	size_t				 limit, pos, avail, end, i, k, olen;
	size_t				 ntail = 0, tlen;
	uint16_t			 flags, delta, p, an, ns, ar;
	uint8_t				 scope = 0;
	uint8_t				 scbuf[COOKIE_OURS_LEN];
	const uint8_t			*sc = NULL;
	bool				 tc = false, degraded = false, down;
	uint8_t				 rcode;
	bool				 valid = false;
	struct lb_cand			 cand[LB_MAX_MEMBERS];
	const struct zone		*zone = NULL;
	struct answer_followed		 f;

	if (env->result != NULL)
		env->result->cookie_valid = false;
	if (env->stats != NULL)
		answer_stat_add(&env->stats->queries, 1);
	kind(env, ANSWER_CLASS_NONE, 0);
	v = wire_parse_query(pkt, len, &q);
	if (v == WIRE_DROP) {
		if (env->stats != NULL)
			answer_stat_add(&env->stats->dropped, 1);
		return 0;
	}
	/*
	 * ID, QR, the opcode, RD and CD as asked; RA never.  An opcode we do
	 * not know gives its other bits no meaning we know: only ID, opcode
	 * and RD (RFC 1035 4.1.1) come back, CD being QUERY's (RFC 6840 5.9).
	 */
	wire_put16(out + WIRE_OFF_ID, q.id);
	flags = WIRE_QR | (q.flags & (0x7800 | WIRE_RD | WIRE_CD));
	if (v == WIRE_NOTIMP)
		flags &= ~WIRE_CD;
	wire_put16(out + WIRE_OFF_FLAGS, flags);
	switch (v) {
	case WIRE_NOTIMP:
		memset(out + WIRE_OFF_QDCOUNT, 0, 8);
		out[WIRE_OFF_RCODE] |= WIRE_RCODE_NOTIMP;
		count(env, WIRE_RCODE_NOTIMP);
		kind(env, ANSWER_CLASS_ERROR, 0);
		return WIRE_HDR_LEN;
	case WIRE_FORMERR:
		return bare(env, &q, pkt, out, WIRE_RCODE_FORMERR, NULL);
	case WIRE_BADVERS:
		return bare(env, &q, pkt, out, WIRE_RCODE_BADVERS, NULL);
	default:
		break;
	}
	if (env->stats != NULL) {
		answer_stat_add(&env->stats->edns, q.edns);
		answer_stat_add(&env->stats->ecs, q.ecs);
		answer_stat_add(&env->stats->qtype[qtype_bucket(q.qtype)], 1);
	}
	/*
	 * DNS cookies, before anything else is looked at.  Over UDP a server
	 * cookie that is not valid gets BADCOOKIE and a fresh one, as Knot
	 * answers (RFC 7873 5.2.4 allows it); a client cookie alone gets the
	 * answer and a server cookie (5.2.3); TCP proves the address, so a
	 * bad cookie there is only replaced.
	 */
	if (q.cookie_len != 0 && env->cookies != NULL) {
		sc = cookie_answer(env, &q, scbuf, &valid);
		if (env->result != NULL)
			env->result->cookie_valid = valid;
		if (env->stats != NULL) {
			answer_stat_add(&env->stats->cookie, 1);
			answer_stat_add(&env->stats->cookie_valid, valid);
		}
		if (!valid && q.cookie_len > COOKIE_CLIENT_LEN && !env->tcp)
			return bare(env, &q, pkt, out, WIRE_RCODE_BADCOOKIE,
			    sc);
	}
	if (q.qtype == WIRE_TYPE_OPT)
		return bare(env, &q, pkt, out, WIRE_RCODE_FORMERR, NULL);
	/* CHAOS: what the server says about itself; other classes: none. */
	if (q.qclass == WIRE_CLASS_CH)
		a = zone_ident_chaos(&env->db->ident, q.lname, q.qname_len,
		    q.qtype);
	else if (q.qclass == WIRE_CLASS_IN && q.qtype != WIRE_TYPE_AXFR &&
	    q.qtype != WIRE_TYPE_IXFR)
		a = answer_find(env->db, &q, &zone);
	else
		a = NULL;
	if (a == NULL)
		return bare(env, &q, pkt, out, WIRE_RCODE_REFUSED, sc);
	if (a->tail != NULL) {
		if (env->stats != NULL)
			answer_stat_add(&env->stats->managed, 1);
		ntail = answer_run_chain(env, &q, a, cand, &degraded, &scope,
		    &down);
		if (down) {
			if (env->stats != NULL)
				answer_stat_add(&env->stats->all_down, 1);
			if (a->tail->all_down == LB_ALL_DOWN_SERVFAIL)
				return bare(env, &q, pkt, out,
				    WIRE_RCODE_SERVFAIL, sc);
			a = a->alt;
		}
	}

	/* How much fits: 512 without EDNS, else the smaller payload. */
	if (env->tcp)
		limit = ANSWER_TCP_MAX;
	else if (q.edns) {
		limit = q.edns_udp < 512 ? 512 : q.edns_udp;
		if (limit > env->edns_payload)
			limit = env->edns_payload;
	} else
		limit = 512;
	if (limit > outmax)
		limit = outmax;

	/* ID and question as asked; flags and counts are written below. */
	assert(q.qend > WIRE_HDR_LEN && q.qend <= len);
	assert(a->ref_len <= q.qname_len);
	memcpy(out, pkt, q.qend);
	pos = q.qend;
	/*
	 * The OPT's room is kept before the records, as Knot reserves it:
	 * records that do not fit beside it are cut as below.  512 bytes hold
	 * any question with our OPT (the assertion at the top).
	 */
	olen = opt_len(env, &q, true, sc);
	assert(pos + olen <= limit);
	avail = limit - pos - olen;
	if (a->len <= avail) {
		end = a->len;
		k = a->nsets;
	} else {
		/* Whole RRsets only; TC when a required one is left out. */
		for (k = 0; k < a->nsets && a->sets[k].end <= avail; k++)
			;
		assert(k < a->nsets);
		tc = a->sets[k].required;
		end = k > 0 ? a->sets[k - 1].end : 0;
		if (tc && env->stats != NULL)
			answer_stat_add(&env->stats->truncated, 1);
	}
	memcpy(out + pos, a->wire, end);
	delta = q.qname_len - a->ref_len;
	if (delta != 0)
		for (i = 0; i < a->nfix && a->fix[i] < end; i++) {
			/* A pointer, and one a longer name keeps in range. */
			assert((out[pos + a->fix[i]] & 0xc0) == 0xc0);
			p = wire_get16(out + pos + a->fix[i]) + delta;
			assert((p & 0xc000) == 0xc000);
			wire_put16(out + pos + a->fix[i], p);
		}
	pos += end;
	s = k > 0 ? &a->sets[k - 1] : NULL;
	an = s != NULL ? s->an : 0;
	ns = s != NULL ? s->ns : 0;
	ar = s != NULL ? s->ar : 0;
	rcode = a->rcode;
	if (a->dname_len != 0 && !tc) {
		/*
		 * RFC 6672 2.2: the name asked, its leading labels (delta
		 * bytes, as asked) now before the DNAME's target; a name
		 * that would be too long is YXDOMAIN.
		 */
		tlen = WIRE_RR_FIXED + delta + 2;
		if (delta + a->dname_len > WIRE_MAX_NAME)
			rcode = WIRE_RCODE_YXDOMAIN;
		else if (tlen > avail - end) {
			tc = true;
			if (env->stats != NULL)
				answer_stat_add(&env->stats->truncated, 1);
		} else {
			wire_put16(out + pos, 0xc000 | WIRE_HDR_LEN);
			wire_put16(out + pos + 2, WIRE_TYPE_CNAME);
			wire_put16(out + pos + 4, WIRE_CLASS_IN);
			wire_put32(out + pos + 6, a->dname_ttl);
			wire_put16(out + pos + 10, delta + 2);
			memcpy(out + pos + WIRE_RR_FIXED, out + WIRE_HDR_LEN,
			    delta);
			wire_put16(out + pos + WIRE_RR_FIXED + delta, 0xc000 |
			    (q.qend + a->dname_off));
			pos += tlen;
			an++;
			/* ... and on with the CNAME's target, in this zone. */
			pos += answer_follow(env, &q, a, zone, out, pos - delta -
			    2, pos, q.qend + avail - pos, cand, &f);
			an += f.an;
			ns += f.ns;
			ar += f.ar;
			rcode = f.rcode;
			scope = f.scope;
		}
	}
	if (a->tail != NULL && !tc) {
		/* The pool's records are one RRset: all of them or TC. */
		/* A wildcard's chain ends in the answer, which moved. */
		tlen = answer_put_tail(a, cand, ntail, degraded,
		    delta != 0 && a->tail_owner != WIRE_HDR_LEN ?
		    a->tail_owner + delta : 0, out + pos, avail - end);
		if (tlen == 0 && ntail > 0) {
			tc = true;
			if (env->stats != NULL)
				answer_stat_add(&env->stats->truncated, 1);
		}
		pos += tlen;
		an += tlen > 0 ? ntail : 0;
	}
	wire_put16(out + WIRE_OFF_QDCOUNT, 1);
	wire_put16(out + WIRE_OFF_ANCOUNT, an);
	wire_put16(out + WIRE_OFF_NSCOUNT, ns);
	wire_put16(out + WIRE_OFF_ARCOUNT, ar + q.edns);
	flags |= (a->aa ? WIRE_AA : 0) | (tc ? WIRE_TC : 0) | rcode;
	wire_put16(out + WIRE_OFF_FLAGS, flags);
	if (q.edns)
		pos += put_opt(out + pos, env, &q, 0, true, scope, sc);
	assert(pos <= limit);
	count(env, rcode);
	/*
	 * Names answer per name and type (the lower-case name's hash);
	 * NXDOMAIN per zone and referrals per cut: each of those is one
	 * blob, so the blob is the key.
	 */
	if (env->kind == NULL)
		;
	else if (rcode == WIRE_RCODE_NXDOMAIN)
		kind(env, ANSWER_CLASS_NXDOMAIN, (uintptr_t)a);
	else if (rcode != WIRE_RCODE_NOERROR)
		kind(env, ANSWER_CLASS_ERROR, 0);
	else if (an > 0 && (a->wild || a->dname_len != 0))
		/* Random names under a wildcard are one answer, as NXDOMAIN. */
		kind(env, ANSWER_CLASS_POSITIVE, (uintptr_t)a);
	else if (an > 0)
		kind(env, ANSWER_CLASS_POSITIVE, q.lhash ^
		    (uint64_t)q.qtype << 48);
	else if (!a->aa)
		kind(env, ANSWER_CLASS_REFERRAL, (uintptr_t)a);
	else
		kind(env, ANSWER_CLASS_NODATA, q.lhash ^
		    (uint64_t)q.qtype << 48);
	return pos;
}
