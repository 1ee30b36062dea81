/* lb.c -- balancing chains: the list of strategies, parsing, running */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "lb.h"

/* Each is defined in its own lb_<name>.c. */
extern const struct lb_strategy	 lb_strategy_up, lb_strategy_priority,
    lb_strategy_topology, lb_strategy_round_robin, lb_strategy_shuffle,
    lb_strategy_weighted, lb_strategy_hash, lb_strategy_fastest,
    lb_strategy_least_load, lb_strategy_first;

const struct lb_strategy *const lb_strategies[] = {
	&lb_strategy_up,
	&lb_strategy_priority,
	&lb_strategy_topology,
	&lb_strategy_round_robin,
	&lb_strategy_shuffle,
	&lb_strategy_weighted,
	&lb_strategy_hash,
	&lb_strategy_fastest,
	&lb_strategy_least_load,
	&lb_strategy_first,
	NULL
};

/* The documented presets: each is a chain. */
const struct lb_preset lb_presets[] = {
	{ "round_robin", { "up", "round_robin" }, "rotate, one step per "
	    "answer" },
	{ "weighted", { "up", "weighted" }, "random order by weight" },
	{ "random", { "up", "shuffle" }, "random order" },
	{ "failover", { "up", "priority" }, "the best tier that is up" },
	{ "least_conn", { "up", "least_load" }, "the least loaded first" },
	{ "least_rtt", { "up", "fastest" }, "the fastest first" },
	{ "ip_hash", { "up", "hash" }, "the same member for a client "
	    "subnet" },
	{ "geo", { "up", "topology", "weighted" }, "the client's region "
	    "first" },
	{ NULL, { NULL }, NULL }
};

static const char *const all_down_names[] = { "all", "nodata", "servfail",
    "fallback" };

const char *
lb_all_down_str(enum lb_all_down a)
{
	return (size_t)a < sizeof(all_down_names) / sizeof(all_down_names[0]) ?
	    all_down_names[a] : "?";
}

const struct lb_strategy *
lb_strategy_find(const char *name)
{
	size_t	 i;

	for (i = 0; lb_strategies[i] != NULL; i++)
		if (strcmp(lb_strategies[i]->name, name) == 0)
			return lb_strategies[i];
	return NULL;
}

const struct lb_preset *
lb_preset_find(const char *name)
{
	size_t	 i;

	for (i = 0; lb_presets[i].name != NULL; i++)
		if (strcmp(lb_presets[i].name, name) == 0)
			return &lb_presets[i];
	return NULL;
}

uint64_t
lb_mix(uint64_t x)
{
	/* splitmix64's finaliser: every input bit moves every output bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t
lb_draw_key(uint64_t bits, double rate)
{
	double	 u, s;
	uint64_t k;

	/* 53 bits, never 0 nor 1. */
	u = ((bits >> 11) + 0.5) / 9007199254740992.0;
	s = rate / -log(u);
	memcpy(&k, &s, sizeof(k));
	return k;
}

size_t
lb_run_traced(const struct lb_step *steps, size_t nsteps, struct lb_query *q,
    struct lb_cand *c, size_t n, struct lb_trace *t)
{
	size_t	 i, k;

	t->nsteps = 0;
	t->n[0] = n;
	for (k = 0; k < n; k++)
		t->member[0][k] = c[k].member;
	for (i = 0; i < nsteps && n > 0; i++) {
		n = steps[i].s->run(&steps[i], q, c, n);
		t->n[i + 1] = n;
		for (k = 0; k < n; k++)
			t->member[i + 1][k] = c[k].member;
		t->nsteps = i + 1;
	}
	t->q = *q;
	t->q.rr = NULL;
	t->q.rng = NULL;
	return n;
}

void
lb_chain_prepare(struct lb_step *steps, size_t nsteps, unsigned max_answers)
{
	uint32_t	 keep = max_answers;
	size_t		 i;

	/*
	 * Walking back: a step followed only by prefix-keeping steps needs
	 * to order as many as the smallest of them keeps.
	 */
	for (i = nsteps; i-- > 0;) {
		steps[i].keep = keep;
		if (!steps[i].s->truncates) {
			keep = 0;
			continue;
		}
		/* "first N" keeps N of what it gets: its count is p[0]. */
		if (keep == 0 || steps[i].p[0] < keep)
			keep = steps[i].p[0];
	}
}

void
lb_why_of(const struct lb_trace *t, size_t i, struct lb_why *w)
{
	w->q = &t->q;
	w->in = t->member[i];
	w->nin = t->n[i];
	w->out = t->member[i + 1];
	w->nout = t->n[i + 1];
}

void
lb_step_why(const struct lb_step *st, const struct lb_why *w, char *buf,
    size_t len)
{
	buf[0] = '\0';
	if (st->s->why != NULL)
		st->s->why(st, w, buf, len);
}

const char *
lb_step_drop(const struct lb_step *st, const struct lb_why *w, uint16_t m,
    char *buf, size_t len)
{
	return st->s->drop != NULL ? st->s->drop(st, w, m, buf, len) : NULL;
}

bool
lb_member_flapping(const struct lb_query *q, uint16_t m)
{
	const struct health_slot *s = &q->health->slots[q->members[m].slot];

	return q->temper != NULL && q->temper->flap_limit > 0 &&
	    atomic_load(&s->admin) != HEALTH_ADMIN_UP &&
	    health_flapping(s, q->now, q->temper->flap_limit,
	    q->temper->flap_window);
}

uint16_t
lb_member_weight(const struct lb_query *q, uint16_t m)
{
	struct lb_query	 t = *q;
	struct lb_cand	 c;

	(void)lb_cand_fill(&t, &c, m);
	return c.weight;
}

bool
lb_member_usable(const struct lb_query *q, uint16_t m)
{
	return health_usable(&q->health->slots[q->members[m].slot]) &&
	    !lb_member_flapping(q, m);
}

/*
 * A flapping member is out, spare: answered when nothing else is.  A
 * member in its slow start counts at its ramp's share of its weight, at
 * least 1.  Forced up (an operator's word) beats flapping.
 */
void
lb_cand_temper(struct lb_query *q, struct lb_cand *c,
    const struct health_slot *s)
{
	const struct lb_temper	*t = q->temper;
	unsigned		 r;

	if (t->flap_limit > 0 && atomic_load_explicit(&s->admin,
	    memory_order_relaxed) != HEALTH_ADMIN_UP &&
	    health_flapping(s, q->now, t->flap_limit, t->flap_window)) {
		c->usable = false;
		c->spare = true;
		return;
	}
	if (t->slow_start > 0 && c->weight > 0 &&
	    (r = health_ramp(s, q->now, t->slow_start)) < 1000) {
		c->weight = c->weight * r / 1000;
		if (c->weight == 0)
			c->weight = 1;
		q->ramped = true;
	}
}

void
lb_cand_init(struct lb_query *q, struct lb_cand *c, uint16_t m)
{
	(void)lb_cand_fill(q, c, m);
}

void
lb_sort_keys(struct lb_cand *c, size_t n, bool desc)
{
	struct lb_cand	 t;
	size_t		 i, j;

	for (i = 1; i < n; i++) {
		t = c[i];
		for (j = i; j > 0 && (desc ? c[j - 1].key < t.key :
		    c[j - 1].key > t.key); j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
}

void
lb_addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, len) ==
	    NULL)
		snprintf(buf, len, "?");
}

void
lb_member_str(const struct lb_member *m, char *buf, size_t len)
{
	if (m->cname_text != NULL)
		snprintf(buf, len, "%s", m->cname_text);
	else
		lb_addr_str(m->family, m->addr, buf, len);
}

/* ------------------------------------------------------------- parsing */

static const struct lb_param *
param_find(const struct lb_strategy *s, const char *name, size_t nl,
    size_t *idx)
{
	size_t	 i;

	for (i = 0; s->params != NULL && s->params[i].name != NULL; i++)
		if (s->params[i].type != LB_PARAM_COUNT &&
		    strlen(s->params[i].name) == nl &&
		    strncmp(s->params[i].name, name, nl) == 0) {
			*idx = i;
			return &s->params[i];
		}
	return NULL;
}

/* A number with the parameter's unit (or none); -1 when bad. */
static int
param_value(const struct lb_param *pm, const char *text, uint32_t *out)
{
	const char	*unit = pm->type == LB_PARAM_PERCENT ? "%" :
			    pm->type == LB_PARAM_MS ? "ms" : NULL;
	unsigned long	 v;
	char		*end;

	if (!isdigit((unsigned char)*text))
		return -1;
	v = strtoul(text, &end, 10);
	if (unit != NULL && strcmp(end, unit) == 0)
		end += strlen(unit);
	if (*end != '\0' || v < pm->min || v > pm->max)
		return -1;
	*out = pm->type == LB_PARAM_MS ? v * 1000 : v;
	return 0;
}

int
lb_parse_step(const char *text, struct lb_step *st, char *err, size_t errlen)
{
	const struct lb_strategy	*s;
	const struct lb_param		*pm;
	char				 buf[256], *tok, *save = NULL, *eq;
	size_t				 i, k;
	bool				 counted = false;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "chain step too long");
		return -1;
	}
	strcpy(buf, text);
	if ((tok = strtok_r(buf, " \t", &save)) == NULL) {
		snprintf(err, errlen, "empty chain step");
		return -1;
	}
	if ((s = lb_strategy_find(tok)) == NULL) {
		snprintf(err, errlen, "unknown strategy \"%s\"", tok);
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->s = s;
	for (i = 0; s->params != NULL && s->params[i].name != NULL; i++)
		st->p[i] = s->params[i].type == LB_PARAM_MS &&
		    s->params[i].def != LB_UNSET ? s->params[i].def * 1000 :
		    s->params[i].def;
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		/* The count of "first 2" comes first and is required. */
		pm = s->params != NULL ? &s->params[0] : NULL;
		if (!counted && pm != NULL && pm->name != NULL &&
		    pm->type == LB_PARAM_COUNT) {
			counted = true;
			if (!isdigit((unsigned char)*tok))
				goto need_count;
			if (param_value(pm, tok, &st->p[0]) == -1) {
				snprintf(err, errlen, "\"%s\": %s \"%s\" not in "
				    "%u..%u", s->name, pm->name, tok, pm->min,
				    pm->max);
				return -1;
			}
			continue;
		}
		eq = strchr(tok, '=');
		if (eq == NULL || (pm = param_find(s, tok, eq - tok, &k)) ==
		    NULL) {
			snprintf(err, errlen, "unknown parameter \"%s\" for "
			    "\"%s\"", tok, s->name);
			return -1;
		}
		if (param_value(pm, eq + 1, &st->p[k]) == -1) {
			snprintf(err, errlen, "bad parameter \"%s\" for \"%s\"",
			    tok, s->name);
			return -1;
		}
	}
	if (!counted && s->params != NULL && s->params[0].name != NULL &&
	    s->params[0].type == LB_PARAM_COUNT)
		goto need_count;
	if (s->check != NULL && s->check(st, err, errlen) == -1)
		return -1;
	return 0;
need_count:
	snprintf(err, errlen, "\"%s\" needs a %s, e.g. \"%s 2\"", s->name,
	    s->params[0].name, s->name);
	return -1;
}

void
lb_step_str(const struct lb_step *st, char *buf, size_t len)
{
	const struct lb_param	*pm;
	size_t			 i, off;
	uint32_t		 v;

	off = snprintf(buf, len, "%s", st->s->name);
	for (i = 0; st->s->params != NULL && st->s->params[i].name != NULL &&
	    off < len; i++) {
		pm = &st->s->params[i];
		v = st->p[i];
		if (v == LB_UNSET)
			continue;	/* an optional one not given */
		switch (pm->type) {
		case LB_PARAM_COUNT:
			off += snprintf(buf + off, len - off, " %u", v);
			break;
		case LB_PARAM_PERCENT:
			off += snprintf(buf + off, len - off, " %s=%u%%",
			    pm->name, v);
			break;
		case LB_PARAM_MS:
			off += snprintf(buf + off, len - off, " %s=%gms",
			    pm->name, v / 1000.0);
			break;
		default:
			off += snprintf(buf + off, len - off, " %s=%u",
			    pm->name, v);
			break;
		}
	}
}

uint32_t
lb_step_param(const struct lb_step *st, const char *name)
{
	size_t	 i;

	for (i = 0; st->s->params != NULL && st->s->params[i].name != NULL;
	    i++)
		if (strcmp(st->s->params[i].name, name) == 0)
			return st->p[i];
	return LB_UNSET;
}
