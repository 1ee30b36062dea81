/* zone_pool.c -- pools, managed names and health targets of the zones */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "util.h"
#include "wire.h"
#include "zone.h"
#include "zone_int.h"
#include "lb.h"

static uint64_t
target_hash(const struct conf_check *ck, uint8_t fam, const uint8_t *addr,
    uint16_t port)
{
	uint64_t	 v[2];

	memcpy(v, addr, 16);
	return lb_mix(lb_mix(lb_mix((ck != NULL ? ck->hash : 0) ^ fam) ^
	    v[0]) ^ v[1] ^ ((uint64_t)port << 48));
}

static bool
target_is(const struct zone_target *t, const struct conf_check *ck,
    uint8_t fam, const uint8_t *addr, uint16_t port)
{
	/* The same check in another zone is the same target. */
	return t->family == fam && t->port == port && memcmp(t->addr, addr,
	    16) == 0 && conf_check_same(t->check, ck);
}

/* The slot of the index where target k goes or is: open addressing. */
static size_t
tindex_slot(const struct zone_db *db, const struct conf_check *ck,
    uint8_t fam, const uint8_t *addr, uint16_t port)
{
	size_t	 i = target_hash(ck, fam, addr, port) & db->tmask;
	uint32_t k;

	for (; (k = db->tindex[i]) != 0; i = (i + 1) & db->tmask)
		if (target_is(&db->targets[k - 1], ck, fam, addr, port))
			break;
	return i;
}

/* Twice as many slots as targets, at least: rebuild when fuller. */
static void
tindex_grow(struct zone_db *db)
{
	const struct zone_target	*t;
	size_t				 size, i;

	if (db->tindex != NULL && (db->ntargets + 1) * 2 <= db->tmask + 1)
		return;
	for (size = 64; size < (db->ntargets + 1) * 4; size *= 2)
		;
	free(db->tindex);
	db->tindex = xcalloc(size, sizeof(*db->tindex));
	db->tmask = size - 1;
	for (i = 0; i < db->ntargets; i++) {
		t = &db->targets[i];
		db->tindex[tindex_slot(db, t->check, t->family, t->addr,
		    t->port)] = i + 1;
	}
}

size_t
zone_db_target_find(const struct zone_db *db, const struct zone_target *t)
{
	uint32_t	 k;

	if (db->tindex == NULL)
		return SIZE_MAX;
	k = db->tindex[tindex_slot(db, t->check, t->family, t->addr,
	    t->port)];
	return k != 0 ? k - 1 : SIZE_MAX;
}

/* A name in presentation form, malloc'd: what ldns_rdf2str() gives. */
static char *
name_text(const ldns_rdf *d)
{
	char	 buf[WIRE_NAME_TEXT_MAX];
	size_t	 end;

	if (wire_name_text(ldns_rdf_data(d), ldns_rdf_size(d), 0, buf,
	    sizeof(buf), &end) == -1)
		return ldns_rdf2str(d);
	return xstrdup(buf);
}

/* The health slot of a target, made on first use. */
static uint32_t
target_get(struct zone_db *db, size_t *cap, const struct conf_check *ck,
    uint8_t fam, const uint8_t *addr, uint16_t port, uint8_t admin)
{
	struct zone_target	*t;
	char			 a[INET6_ADDRSTRLEN];
	size_t			 slot;

	tindex_grow(db);
	slot = tindex_slot(db, ck, fam, addr, port);
	if (db->tindex[slot] != 0) {
		t = &db->targets[db->tindex[slot] - 1];
		if (t->admin == HEALTH_ADMIN_NONE)
			t->admin = admin;
		return db->tindex[slot] - 1;
	}
	if (db->ntargets == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		db->targets = xreallocarray(db->targets, *cap,
		    sizeof(*db->targets));
	}
	t = &db->targets[db->ntargets];
	memset(t, 0, sizeof(*t));
	t->check = ck;
	t->family = fam;
	memcpy(t->addr, addr, 16);
	t->port = port;
	t->admin = admin;
	inet_ntop(fam == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	if (ck == NULL)
		snprintf(t->label, sizeof(t->label), "%s", a);
	else if (fam == 6)
		snprintf(t->label, sizeof(t->label), "[%s]:%u (%s)", a, port,
		    ck->name);
	else
		snprintf(t->label, sizeof(t->label), "%s:%u (%s)", a, port,
		    ck->name);
	db->tindex[slot] = db->ntargets + 1;
	return db->ntargets++;
}

/*
 * A name member: its target, and its health slot: the address its check
 * probes, or without a check a slot of its own, which only an operator's
 * admin state moves.
 */
static void
name_member(struct zone_db *db, size_t *cap, const struct conf_check *ck,
    const struct conf_member *cm, uint16_t port, struct lb_member *lm)
{
	uint8_t		*w;
	uint64_t	 v[2];
	size_t		 n = db->ntargets;

	lm->cname_len = ldns_rdf_size(cm->target);
	w = xmalloc(lm->cname_len);
	memcpy(w, ldns_rdf_data(cm->target), lm->cname_len);
	lm->cname = w;
	lm->cname_text = name_text(cm->target);
	v[0] = wire_name_hash(w, lm->cname_len);
	v[1] = lb_mix(v[0]);
	lm->id = v[1];
	lm->family = cm->check_family;
	memcpy(lm->addr, cm->check_addr, 16);
	if (ck != NULL) {
		lm->slot = target_get(db, cap, ck, cm->check_family,
		    cm->check_addr, port, cm->admin);
		return;
	}
	/* Family 0 keeps it apart from every address's. */
	lm->slot = target_get(db, cap, NULL, 0, (const uint8_t *)v, 0,
	    cm->admin);
	if (db->ntargets > n)
		snprintf(db->targets[lm->slot].label,
		    sizeof(db->targets[lm->slot].label), "%s",
		    lm->cname_text);
}

/* Pools with their members' health slots, and the managed names. */
void
zone_build_pools(struct zone_db *db, const struct conf *c)
{
	const struct conf_zone		*cz;
	const struct conf_pool		*cp;
	const struct conf_member	*cm;
	const struct conf_check		*ck;
	const struct conf_name		*cn;
	struct zone			*z;
	struct zone_pool		*p;
	struct zone_name		*m;
	struct lb_member		*lm;
	size_t				 i, j, k, cap = 0;
	uint64_t			 v[2];
	uint16_t			 port;
	bool				 fam;

	for (i = 0; i < c->nzones; i++) {
		cz = &c->zones[i];
		z = &db->zones[i];
		z->pools = xcalloc(cz->npools, sizeof(*z->pools));
		z->npools = cz->npools;
		for (j = 0; j < cz->npools; j++) {
			cp = &cz->pools[j];
			p = &z->pools[j];
			p->name = xstrdup(cp->name);
			p->members = xcalloc(cp->nmembers,
			    sizeof(*p->members));
			p->nmembers = cp->nmembers;
			p->counter = db->ncounters;
			db->ncounters += cp->nmembers;
			p->fam[0] = xcalloc(cp->nmembers, sizeof(uint16_t));
			p->fam[1] = xcalloc(cp->nmembers, sizeof(uint16_t));
			ck = cp->check >= 0 ? &cz->checks[cp->check] : NULL;
			for (k = 0; k < cp->nmembers; k++) {
				cm = &cp->members[k];
				lm = &p->members[k];
				lm->family = cm->family;
				memcpy(lm->addr, cm->addr, 16);
				lm->weight = cm->weight;
				lm->priority = cm->priority;
				lm->region = cm->region;
				memcpy(v, cm->addr, 16);
				lm->id = lb_mix(lb_mix(v[0] ^ cm->family) ^
				    v[1]);
				port = cm->check_port ? cm->check_port :
				    ck != NULL ? ck->port : 0;
				if (cm->target != NULL)
					name_member(db, &cap, ck, cm, port, lm);
				else if (ck == NULL)
					lm->slot = target_get(db, &cap, NULL,
					    cm->family, cm->addr, 0, cm->admin);
				else if (cm->check_family != 0)
					lm->slot = target_get(db, &cap, ck,
					    cm->check_family, cm->check_addr,
					    port, cm->admin);
				else
					lm->slot = target_get(db, &cap, ck,
					    cm->family, cm->addr, port,
					    cm->admin);
				if (cp->names) {
					/* A CNAME answers A and AAAA alike. */
					p->fam[0][p->nfam[0]++] = k;
					p->fam[1][p->nfam[1]++] = k;
				} else
					p->fam[cm->family == 6][p->nfam[
					    cm->family == 6]++] = k;
			}
			p->names = cp->names;
			for (k = 0; k < 2; k++)
				p->positive[k] = true;
			for (k = 0; k < cp->nmembers * (1 + cp->names); k++) {
				cm = &cp->members[k % cp->nmembers];
				fam = cp->names ? k >= cp->nmembers :
				    cm->family == 6;
				p->total[fam] += cm->weight;
				if (cm->weight == 0)
					p->positive[fam] = false;
			}
			p->temper.slow_start = health_ticks(cp->slow_start);
			p->temper.flap_limit = cp->flap_limit;
			p->temper.flap_window = health_ticks(cp->flap_window);
			if (cp->slow_start == 0)
				p->temper.slow_start = 0;
			p->tempered = cp->slow_start > 0 || cp->flap_limit > 0;
		}
		z->names = xcalloc(cz->nnames, sizeof(*z->names));
		z->nnames = cz->nnames;
		for (j = 0; j < cz->nnames; j++) {
			cn = &cz->names[j];
			m = &z->names[j];
			m->name = name_text(cn->owner);
			m->pool = &z->pools[cn->pool];
			m->regions = &cz->regions;
			m->fallback = (const uint16_t *const *)cn->order;
			m->steps = cn->steps;
			m->nsteps = cn->nsteps;
			m->ttl = cn->ttl;
			m->degraded_ttl = cn->degraded_ttl;
			m->max_answers = cn->max_answers;
			for (k = 0; k < m->nsteps; k++)
				m->client |= m->steps[k].s->client;
			for (m->lead = 0; m->lead < m->nsteps &&
			    m->steps[m->lead].s->noop_clean; m->lead++)
				;
			/* Trailing "first N" steps are a cut, applied inline. */
			m->cut = m->max_answers;
			for (m->nrun = m->nsteps; m->nrun > 0 &&
			    m->steps[m->nrun - 1].s->truncates; m->nrun--)
				if (m->cut == 0 || m->steps[m->nrun - 1].p[0] <
				    m->cut)
					m->cut = m->steps[m->nrun - 1].p[0];
			if (m->lead > m->nrun)
				m->lead = m->nrun;
			if (m->cut == 1 && m->nrun == m->lead + 1 &&
			    m->steps[m->lead].s->pick != NULL)
				m->pick = &m->steps[m->lead];
			m->all_down = cn->all_down;
			m->ecs = cn->ecs;
			m->rr = xcalloc(2, sizeof(*m->rr));
			atomic_init(&m->rr[0], 0);
			atomic_init(&m->rr[1], 0);
			m->conf = cn;
			/* The name's, then one per member of its pool. */
			m->counter = db->ncounters;
			db->ncounters += 1 + m->pool->nmembers;
		}
	}
}
