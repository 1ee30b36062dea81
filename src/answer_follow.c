/* answer_follow.c -- after a DNAME, the answer for the name it makes (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <assert.h>
#include <string.h>

#include "answer.h"
#include "answer_int.h"
#include "lb.h"
#include "wire.h"
#include "zone.h"

/*
 * RFC 6672 3.1 step 3.c: once the DNAME and the CNAME made from it are in
 * the answer, the lookup starts again with the CNAME's target, as after a
 * CNAME (RFC 1034 4.3.2 step 3.a), while the target is in the same zone.
 * The target's answer is a blob built for another question: the name it
 * was built for sat at WIRE_HDR_LEN and its records right after.  Here
 * that name is in two pieces, the leading labels in the CNAME's data and
 * the rest in the DNAME's data, and the records start further on; each of
 * the blob's compression pointers is moved to where what it meant now is.
 */
struct moves {
	size_t	 base;		/* where the blob started when built */
	size_t	 start;		/* where it starts here */
	size_t	 longer;	/* the target's length less the built name's */
	size_t	 rd;		/* the leading labels here */
	size_t	 pre;		/* their length */
	size_t	 tpos;		/* the DNAME's target here */
};

/*
 * Where the name at packet offset t of the blob now is.  whole: t is the
 * question name itself, whatever its length (a wildcard's owner).
 */
static size_t
moved(const struct moves *m, size_t t, bool whole)
{
	size_t	 k;

	if (t >= m->base)
		return t - m->base + m->start;
	assert(t >= WIRE_HDR_LEN);
	k = whole ? 0 : t - WIRE_HDR_LEN + m->longer;
	return k < m->pre ? m->rd + k : m->tpos + (k - m->pre);
}

/* Point a pointer at p where it now belongs; false when it cannot. */
static bool
move_ptr(const struct moves *m, uint8_t *p, bool whole)
{
	size_t	 t = wire_get16(p) & 0x3fff;

	t = moved(m, t, whole);
	if (t > 0x3fff)
		return false;
	wire_put16(p, 0xc000 | t);
	return true;
}

/*
 * A wildcard's records are owned by the question name, whatever it is:
 * their owners point at WIRE_HDR_LEN and are not in the blob's list of
 * pointers to move.  Find them by walking the records.
 */
static bool
move_owners(const struct moves *m, uint8_t *p, size_t len)
{
	size_t	 off = 0;

	while (off < len) {
		while (off < len && p[off] != 0 && p[off] < 0xc0)
			off += p[off] + 1;
		if (off + 2 <= len && p[off] >= 0xc0) {
			if ((wire_get16(p + off) & 0x3fff) == WIRE_HDR_LEN &&
			    !move_ptr(m, p + off, true))
				return false;
			off += 2;
		} else
			off++;
		if (off + 10 > len)
			break;
		off += 10 + wire_get16(p + off + 8);
	}
	return true;
}

/* The name asked for, name[0..len) as the message spells it. */
static void
as_query(const struct wire_query *q, const uint8_t *name, size_t len,
    struct wire_query *t)
{
	size_t	 off, i;

	*t = *q;
	memset(t->lname, 0, sizeof(t->lname));
	memcpy(t->lname, name, len);
	wire_name_lower(t->lname, len);
	t->qname_len = len;
	for (off = 0, i = 0; t->lname[off] != 0; off += t->lname[off] + 1)
		t->label[i++] = off;
	t->nlabels = i;
	t->lhash = wire_name_hash(t->lname, len);
}

/*
 * Copy blob b to out + m->start, whole RRsets within room, its pointers
 * moved; its length, 0 when a pointer would not reach (past 16383).
 */
static size_t
put_moved(const struct zone_answer *b, const struct moves *m, uint8_t *out,
    size_t room, const struct zone_set **set)
{
	size_t	 end, i, k;

	if (b->len <= room) {
		end = b->len;
		k = b->nsets;
	} else {
		for (k = 0; k < b->nsets && b->sets[k].end <= room; k++)
			;
		end = k > 0 ? b->sets[k - 1].end : 0;
	}
	*set = k > 0 ? &b->sets[k - 1] : NULL;
	memcpy(out + m->start, b->wire, end);
	for (i = 0; i < b->nfix && b->fix[i] < end; i++)
		if (!move_ptr(m, out + m->start + b->fix[i], false))
			return 0;
	if (b->wild && !move_owners(m, out + m->start, end))
		return 0;
	return end;
}

/*
 * Each DNAME on the way makes a CNAME of its own, up to this many: names
 * grow with each one, and a loop ends in YXDOMAIN (RFC 6672 2.2) or here.
 */
#define FOLLOW_MAX_DNAMES	8

size_t
answer_follow(const struct answer_env *env, const struct wire_query *q,
    const struct zone_answer *a, const struct zone *zone, uint8_t *out,
    size_t rd, size_t pos, size_t room, struct lb_cand *c,
    struct answer_followed *f)
{
	struct wire_query		 t;
	const struct zone_answer	*b;
	const struct zone		*bz = NULL;
	const struct zone_set		*s;
	struct moves			 m;
	uint8_t				 name[WIRE_MAX_NAME];
	size_t				 len, end, pre, n, ntail = 0, tl;
	size_t				 at = pos, hop;
	bool				 degraded = false, down;
	uint8_t				 scope = 0;

	memset(f, 0, sizeof(*f));
	f->rcode = WIRE_RCODE_NOERROR;
	/* A CNAME asked for is the answer itself (RFC 1034 4.3.2). */
	if (q->qtype == WIRE_TYPE_CNAME)
		return 0;
	/* The CNAME's target: the leading labels as asked, the DNAME's. */
	m.pre = q->qname_len - a->ref_len;
	m.tpos = q->qend + a->dname_off;
	m.rd = rd;
	len = m.pre + a->dname_len;
	memcpy(name, out + WIRE_HDR_LEN, m.pre);
	memcpy(name + m.pre, out + m.tpos, a->dname_len);
	for (hop = 0;; hop++) {
		as_query(q, name, len, &t);
		b = answer_find(env->db, &t, &bz);
		if (b == NULL || bz != zone || b->tail != NULL ||
		    b->dname_len == 0 || hop == FOLLOW_MAX_DNAMES)
			break;
		/* Another DNAME: it, then the CNAME it makes. */
		m.base = WIRE_HDR_LEN + b->ref_len + 4;
		m.start = at;
		m.longer = len - b->ref_len;
		pre = len - b->ref_len;
		if (b->len + WIRE_RR_FIXED + pre + 2 > room - (at - pos) ||
		    m.rd > 0x3fff || put_moved(b, &m, out, b->len, &s) == 0)
			return at - pos;
		n = at + b->len;
		if (pre + b->dname_len > WIRE_MAX_NAME) {
			f->an++;
			f->rcode = WIRE_RCODE_YXDOMAIN;
			return n - pos;
		}
		wire_put16(out + n, 0xc000 | m.rd);
		wire_put16(out + n + 2, WIRE_TYPE_CNAME);
		wire_put16(out + n + 4, WIRE_CLASS_IN);
		wire_put32(out + n + 6, b->dname_ttl);
		wire_put16(out + n + 10, pre + 2);
		memcpy(out + n + WIRE_RR_FIXED, name, pre);
		m.tpos = at + b->dname_off;
		wire_put16(out + n + WIRE_RR_FIXED + pre, 0xc000 | m.tpos);
		f->an += 2;
		m.rd = n + WIRE_RR_FIXED;
		m.pre = pre;
		at = n + WIRE_RR_FIXED + pre + 2;
		memcpy(name + pre, out + m.tpos, b->dname_len);
		len = pre + b->dname_len;
	}
	if (b == NULL || bz != zone || b->dname_len != 0 || m.rd > 0x3fff)
		return at - pos;
	if (b->tail != NULL) {
		if (env->stats != NULL)
			answer_stat_add(&env->stats->managed, 1);
		ntail = answer_run_chain(env, &t, b, c, &degraded, &scope,
		    &down);
		if (down) {
			if (env->stats != NULL)
				answer_stat_add(&env->stats->all_down, 1);
			/* SERVFAIL is not ours to give after the CNAME. */
			if (b->tail->all_down == LB_ALL_DOWN_SERVFAIL)
				return at - pos;
			b = b->alt;
		}
	}

	/*
	 * What the target holds, as far as it fits.  The CNAME already is
	 * an answer the resolver can follow, so what does not fit is left
	 * out without TC (RFC 2181 9), whole RRsets only.
	 */
	f->rcode = b->rcode;	/* RFC 6604 2: the last name looked up */
	m.base = WIRE_HDR_LEN + b->ref_len + 4;
	m.start = at;
	m.longer = len - b->ref_len;
	room -= at - pos;
	end = put_moved(b, &m, out, room, &s);
	if (end == 0 && b->len != 0)
		return at - pos;
	if (s != NULL) {
		f->an += s->an;
		f->ns = s->ns;
		f->ar = s->ar;
	}
	if (b->tail != NULL && end == b->len) {
		tl = moved(&m, b->tail_owner, b->tail_owner == WIRE_HDR_LEN);
		if (tl <= 0x3fff && (tl = answer_put_tail(b, c, ntail,
		    degraded, tl, out + at + end, room - end)) > 0) {
			f->an += ntail;
			end += tl;
		}
	}
	f->scope = scope;
	return at + end - pos;
}
