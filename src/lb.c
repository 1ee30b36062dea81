/* lb.c -- balancing steps over a candidate array (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "lb.h"

typedef size_t	lb_step_fn(const struct lb_step *, struct lb_query *,
		    struct lb_cand *, size_t);

static const struct {
	const char	*name;
	lb_step_fn	*fn;
} kinds[] = {
	[LB_UP] = { "up", lb_up },
	[LB_PRIORITY] = { "priority", lb_priority },
	[LB_TOPOLOGY] = { "topology", lb_topology },
	[LB_ROUND_ROBIN] = { "round_robin", lb_round_robin },
	[LB_SHUFFLE] = { "shuffle", lb_shuffle },
	[LB_WEIGHTED] = { "weighted", lb_weighted },
	[LB_HASH] = { "hash", lb_hash },
	[LB_FASTEST] = { "fastest", lb_fastest },
	[LB_LEAST_LOAD] = { "least_load", lb_least_load },
	[LB_FIRST] = { "first", lb_first },
};

const char *
lb_kind_name(enum lb_kind k)
{
	return kinds[k].name;
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

size_t
lb_run(const struct lb_step *steps, size_t nsteps, struct lb_query *q,
    struct lb_cand *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < nsteps && n > 0; i++)
		n = kinds[steps[i].kind].fn(&steps[i], q, c, n);
	return n;
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
		n = kinds[steps[i].kind].fn(&steps[i], q, c, n);
		t->n[i + 1] = n;
		for (k = 0; k < n; k++)
			t->member[i + 1][k] = c[k].member;
		t->nsteps = i + 1;
	}
	return n;
}

void
lb_step_str(const struct lb_step *st, char *buf, size_t len)
{
	const char	*k = kinds[st->kind].name;

	switch (st->kind) {
	case LB_UP:
		snprintf(buf, len, "%s%s", k, st->a ? "" : " (no fail open)");
		break;
	case LB_PRIORITY:
		snprintf(buf, len, "%s min_healthy=%u", k, st->a);
		break;
	case LB_HASH:
		snprintf(buf, len, "%s v4=%u v6=%u", k, st->a, st->b);
		break;
	case LB_FASTEST:
		snprintf(buf, len, "%s tolerance=%u%% margin=%gms", k, st->a,
		    st->b / 1000.0);
		break;
	case LB_LEAST_LOAD:
		if (st->b == UINT32_MAX)
			snprintf(buf, len, "%s low=%u", k, st->a);
		else
			snprintf(buf, len, "%s low=%u high=%u", k, st->a,
			    st->b);
		break;
	case LB_FIRST:
		snprintf(buf, len, "%s %u", k, st->a);
		break;
	default:
		snprintf(buf, len, "%s", k);
		break;
	}
}

static bool
usable(const struct lb_query *q, const struct lb_cand *c)
{
	return health_usable(&q->health->slots[q->members[c->member].slot]);
}

/*
 * Keep the usable members; if none is, fail open (a = 1) or report
 * all-down.
 *
 * Weight 0 means "only when nothing else is left" for every strategy, not
 * just for weighted, so it is decided here, where every chain starts:
 * members of weight 0 are kept only when no usable member of weight above
 * 0 is among the candidates.  That holds across priority tiers and
 * regions: an operator who gives a member weight 0 means a backup of last
 * resort for the pool, so a healthy tier 2 is answered before a weight 0
 * member of tier 1, and topology never prefers it for being near.  Load
 * above least_load's high watermark does not make a member unusable, so it
 * does not bring weight 0 members in.
 */
size_t
lb_up(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	size_t	 i, kept = 0;

	/* While nothing is kept nothing is overwritten: c stays whole. */
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].weight > 0 && usable(q, &c[i]))
			c[kept++] = c[i];
	if (kept > 0)
		return kept;
	for (i = 0; i < n; i++)
		if (usable(q, &c[i]))
			c[kept++] = c[i];
	if (kept > 0)
		return kept;
	if (st->a)
		return n;
	q->all_down = true;
	return 0;
}

/* Keep the best tier that has at least a (min_healthy) usable members. */
size_t
lb_priority(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	unsigned	 healthy[256] = { 0 }, present[256] = { 0 };
	size_t		 i, kept = 0;
	unsigned	 t, best = 256, first = 256;

	for (i = 0; i < n; i++) {
		t = q->members[c[i].member].priority;
		present[t]++;
		healthy[t] += usable(q, &c[i]);
	}
	for (t = 0; t < 256; t++) {
		if (present[t] == 0)
			continue;
		if (first == 256)
			first = t;
		if (healthy[t] >= st->a) {
			best = t;
			break;
		}
	}
	/* No tier is healthy enough: the best one there is. */
	if (best == 256)
		best = first;
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].priority == best)
			c[kept++] = c[i];
	return kept;
}

static unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned	 i, bits = 0;
	uint8_t		 x;

	for (i = 0; bits < max; i++) {
		x = a[i] ^ b[i];
		if (x != 0) {
			while (!(x & 0x80)) {
				x <<= 1;
				bits++;
			}
			break;
		}
		bits += 8;
	}
	return bits < max ? bits : max;
}

uint16_t
lb_region_of(const struct lb_regions *r, uint8_t family, const uint8_t *addr,
    uint8_t bits, uint8_t *scope)
{
	const struct lb_net	*best = NULL, *e;
	unsigned		 cb, sc = 0, max = family == 4 ? 32 : 128;
	size_t			 i;

	for (i = 0; r != NULL && i < r->nnets; i++) {
		e = &r->nets[i];
		/* A prefix longer than what we know of the client: unknown. */
		if (e->family != family || e->prefix > bits)
			continue;
		cb = common_bits(addr, e->addr, max);
		if (cb >= e->prefix) {
			if (best == NULL || e->prefix > best->prefix)
				best = e;
		} else if (cb + 1 > sc)
			sc = cb + 1;	/* the bit that kept us out of e */
	}
	if (best != NULL) {
		*scope = best->scope;
		return best->region;
	}
	*scope = sc;
	return LB_NO_REGION;
}

void
lb_regions_prepare(struct lb_regions *r)
{
	struct lb_net	*a, *b;
	size_t		 i, j;

	for (i = 0; i < r->nnets; i++) {
		a = &r->nets[i];
		a->scope = a->prefix;
		for (j = 0; j < r->nnets; j++) {
			b = &r->nets[j];
			if (b->family == a->family && b->prefix > a->scope &&
			    common_bits(a->addr, b->addr, a->prefix) >=
			    a->prefix)
				a->scope = b->prefix;
		}
	}
}

/* Prefer members in the client's region; keep all when none is there. */
size_t
lb_topology(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint16_t	 region;
	uint8_t		 scope = 0;
	size_t		 i, kept = 0;

	(void)st;
	if (q->family == 0)
		return n;
	region = lb_region_of(q->regions, q->family, q->addr, q->bits, &scope);
	if (scope > q->scope)
		q->scope = scope;
	if (region == LB_NO_REGION)
		return n;
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].region == region)
			c[kept++] = c[i];
	return kept > 0 ? kept : n;
}

/* Rotate by the name's counter: one step per answer. */
size_t
lb_round_robin(const struct lb_step *st, struct lb_query *q,
    struct lb_cand *c, size_t n)
{
	struct lb_cand	 tmp[LB_MAX_MEMBERS];
	size_t		 k, i;

	(void)st;
	if (n == 0)
		return 0;
	k = atomic_fetch_add_explicit(q->rr, 1, memory_order_relaxed) % n;
	if (k == 0)
		return n;
	memcpy(tmp, c, k * sizeof(*c));
	for (i = 0; i + k < n; i++)
		c[i] = c[i + k];
	memcpy(c + n - k, tmp, k * sizeof(*c));
	return n;
}

size_t
lb_shuffle(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand	 t;
	size_t		 i, j;

	(void)st;
	for (i = n > 0 ? n - 1 : 0; i > 0; i--) {
		j = lb_random_below(q->rng, i + 1);
		t = c[i];
		c[i] = c[j];
		c[j] = t;
	}
	return n;
}

/* Weighted random order: each draw in proportion to weight; 0 last. */
size_t
lb_weighted(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	struct lb_cand	 t;
	uint64_t	 total = 0, r;
	size_t		 i, j, m = 0;

	(void)st;
	/* Members of weight 0 go to the end, in their order. */
	for (i = 0; i < n; i++)
		if (q->members[c[i].member].weight > 0) {
			/* Usually none is 0 (up left them out): no move. */
			if (i != m) {
				t = c[i];
				memmove(c + m + 1, c + m, (i - m) *
				    sizeof(*c));
				c[m] = t;
			}
			total += q->members[c[m++].member].weight;
		}
	for (i = 0; i + 1 < m; i++) {
		r = lb_random_below(q->rng, total);
		for (j = i; j < m; j++) {
			if (r < q->members[c[j].member].weight)
				break;
			r -= q->members[c[j].member].weight;
		}
		total -= q->members[c[j].member].weight;
		t = c[i];
		c[i] = c[j];
		c[j] = t;
	}
	return n;
}

/* Stable insertion sort by key, ascending (desc = false) or descending. */
static void
sort_keys(struct lb_cand *c, size_t n, bool desc)
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

/*
 * Session affinity: order by rendezvous hash of the client prefix (a bits
 * of IPv4, b bits of IPv6) and the member.  A member that leaves takes
 * only its own clients with it.
 */
size_t
lb_hash(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint8_t		 pfx[16] = { 0 };
	unsigned	 bits, i;
	uint64_t	 h = 0x6a09e667f3bcc908ULL, v;

	if (q->family == 0)
		return n;
	bits = q->family == 4 ? st->a : st->b;
	if (bits > q->bits)
		bits = q->bits;
	memcpy(pfx, q->addr, (bits + 7) / 8);
	if (bits % 8)
		pfx[bits / 8] &= 0xff << (8 - bits % 8);
	for (i = 0; i < 16; i += 8) {
		memcpy(&v, pfx + i, 8);
		h = lb_mix(h ^ v);
	}
	h = lb_mix(h ^ (q->family << 8 | bits));
	if (bits > q->scope)
		q->scope = bits;
	for (i = 0; i < n; i++)
		c[i].key = lb_mix(h ^ q->members[c[i].member].id);
	sort_keys(c, n, true);
	return n;
}

/*
 * Least response time: members within the tolerance band of the fastest
 * (a percent, or b microseconds, whichever is wider) keep their order;
 * slower ones follow by RTT.  Members never measured come last.
 */
size_t
lb_fastest(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint64_t	 best = UINT64_MAX, band, rtt, w;
	size_t		 i;

	for (i = 0; i < n; i++) {
		rtt = atomic_load_explicit(&q->health->slots[
		    q->members[c[i].member].slot].rtt_us,
		    memory_order_relaxed);
		c[i].key = rtt;
		if (rtt < best)
			best = rtt;
	}
	if (best == HEALTH_RTT_NONE)
		return n;
	w = best * st->a / 100;
	band = best + (w > st->b ? w : st->b);
	for (i = 0; i < n; i++)
		if (c[i].key <= band)
			c[i].key = 0;
	sort_keys(c, n, false);
	return n;
}

/*
 * Least load: members at or above the high watermark b are shed (unless
 * all are); those below the low watermark a count as idle and keep their
 * order; the rest follow by load.  Unknown load counts as idle.
 */
size_t
lb_least_load(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	uint32_t	 load;
	size_t		 i, kept = 0;

	for (i = 0; i < n; i++) {
		load = atomic_load_explicit(&q->health->slots[
		    q->members[c[i].member].slot].load, memory_order_relaxed);
		if (load == HEALTH_LOAD_NONE || load < st->a)
			load = 0;
		c[i].key = load;
		if (load < st->b)
			kept++;
	}
	if (kept > 0 && kept < n) {
		kept = 0;
		for (i = 0; i < n; i++)
			if (c[i].key < st->b)
				c[kept++] = c[i];
		n = kept;
	}
	sort_keys(c, n, false);
	return n;
}

size_t
lb_first(const struct lb_step *st, struct lb_query *q, struct lb_cand *c,
    size_t n)
{
	(void)q;
	(void)c;
	return n < st->a ? n : st->a;
}

/* "key=value" with an unsigned value and an optional unit. */
static int
param(const char *tok, const char *key, const char *unit, uint32_t max,
    uint32_t *out)
{
	size_t		 kl = strlen(key);
	char		*end;
	unsigned long	 v;

	if (strncmp(tok, key, kl) != 0 || tok[kl] != '=')
		return 0;
	tok += kl + 1;
	if (!isdigit((unsigned char)*tok))
		return -1;
	v = strtoul(tok, &end, 10);
	if (unit != NULL && strcmp(end, unit) == 0)
		end += strlen(unit);
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 1;
}

int
lb_parse_step(const char *text, struct lb_step *st, char *err, size_t errlen)
{
	char		 buf[256], *tok, *save = NULL, *end;
	size_t		 k;
	unsigned long	 v;
	int		 r = 0;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "chain step too long");
		return -1;
	}
	strcpy(buf, text);
	if ((tok = strtok_r(buf, " \t", &save)) == NULL) {
		snprintf(err, errlen, "empty chain step");
		return -1;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(tok, kinds[k].name) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		snprintf(err, errlen, "unknown strategy \"%s\"", tok);
		return -1;
	}
	st->kind = k;
	/* Defaults. */
	switch (st->kind) {
	case LB_UP:
		st->a = 1;	/* fail open */
		break;
	case LB_PRIORITY:
		st->a = 1;	/* min_healthy */
		break;
	case LB_HASH:
		st->a = 24;
		st->b = 56;
		break;
	case LB_FASTEST:
		st->a = 20;	/* percent */
		st->b = 2000;	/* microseconds */
		break;
	case LB_LEAST_LOAD:
		st->a = 0;
		st->b = UINT32_MAX;
		break;
	case LB_FIRST:
		st->a = 0;
		break;
	default:
		st->a = st->b = 0;
		break;
	}
	if (st->kind == LB_FIRST) {
		if ((tok = strtok_r(NULL, " \t", &save)) == NULL ||
		    !isdigit((unsigned char)*tok)) {
			snprintf(err, errlen, "\"first\" needs a count, "
			    "e.g. \"first 2\"");
			return -1;
		}
		v = strtoul(tok, &end, 10);
		if (*end != '\0' || v < 1 || v > LB_MAX_MEMBERS) {
			snprintf(err, errlen, "\"first\": count \"%s\" not in "
			    "1..%d", tok, LB_MAX_MEMBERS);
			return -1;
		}
		st->a = v;
	}
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		switch (st->kind) {
		case LB_PRIORITY:
			r = param(tok, "min_healthy", NULL, LB_MAX_MEMBERS,
			    &st->a);
			break;
		case LB_HASH:
			if ((r = param(tok, "v4", NULL, 32, &st->a)) == 0)
				r = param(tok, "v6", NULL, 128, &st->b);
			break;
		case LB_FASTEST:
			if ((r = param(tok, "tolerance", "%", 1000,
			    &st->a)) == 0) {
				r = param(tok, "margin", "ms", 60000, &st->b);
				if (r == 1)
					st->b *= 1000;
			}
			break;
		case LB_LEAST_LOAD:
			if ((r = param(tok, "low", NULL, UINT32_MAX - 1,
			    &st->a)) == 0)
				r = param(tok, "high", NULL, UINT32_MAX - 1,
				    &st->b);
			break;
		default:
			r = 0;
			break;
		}
		if (r != 1) {
			snprintf(err, errlen, "%s parameter \"%s\" for "
			    "\"%s\"", r == 0 ? "unknown" : "bad", tok,
			    kinds[st->kind].name);
			return -1;
		}
	}
	if (st->kind == LB_LEAST_LOAD && st->a > st->b) {
		snprintf(err, errlen, "\"least_load\": low above high");
		return -1;
	}
	return 0;
}
