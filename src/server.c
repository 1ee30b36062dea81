/* server.c -- the daemon's state: reload, overrides, counters */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "notify.h"
#include "net.h"
#include "probe.h"
#include "server.h"
#include "util.h"
#include "zone.h"

static void	admin_save(const struct server *);

struct snapshot *
server_snapshot_new(struct conf *c, unsigned nrows, uint64_t generation)
{
	struct snapshot			*s;
	const struct zone_target	*t;
	size_t				 i;

	s = xcalloc(1, sizeof(*s));
	s->conf = c;
	s->db = zone_db_new(c);
	s->health = health_new(s->db->ntargets);
	for (i = 0; i < s->db->ntargets; i++) {
		t = &s->db->targets[i];
		health_set_admin(s->health, i, t->admin);
		if (t->check != NULL && t->check->initial == CONF_INITIAL_DOWN)
			health_set_state(s->health, i, HEALTH_DOWN);
	}
	/* One row of answer counters per thread, a cache line apart. */
	s->stride = (s->db->ncounters + 7) & ~(size_t)7;
	s->nrows = nrows;
	s->counts = xcalloc(s->stride * nrows + 1, sizeof(*s->counts));
	s->generation = generation;
	if (c->query_log >= 1)
		s->qlog_thr = UINT64_MAX;
	else if (c->query_log > 0)
		s->qlog_thr = (uint64_t)ldexp(c->query_log, 64);
	return s;
}

void
server_snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	zone_db_free(s->db);
	health_free(s->health);
	conf_free(s->conf);
	free(s->counts);
	free(s);
}

/*
 * Health of targets that did not change moves to the new snapshot: state,
 * RTT, load and the rise/fall track.  map[i] is the old index of new
 * target i, or SIZE_MAX.  Returns how many were carried.
 */
static size_t
carry_health(const struct snapshot *old, struct snapshot *new, size_t *map)
{
	const struct zone_target	*a, *b;
	const struct health_slot	*hs;
	size_t				 i, j, n = 0;

	for (i = 0; i < new->db->ntargets; i++) {
		map[i] = SIZE_MAX;
		b = &new->db->targets[i];
		for (j = 0; j < old->db->ntargets; j++) {
			a = &old->db->targets[j];
			if (a->family == b->family && a->port == b->port &&
			    memcmp(a->addr, b->addr, 16) == 0 &&
			    conf_check_same(a->check, b->check))
				break;
		}
		if (j == old->db->ntargets)
			continue;
		map[i] = j;
		hs = &old->health->slots[j];
		health_set_state(new->health, i, atomic_load(&hs->state));
		health_set_rtt(new->health, i, atomic_load(&hs->rtt_us));
		health_set_load(new->health, i, atomic_load(&hs->load));
		new->health->track[i] = old->health->track[j];
		n++;
	}
	return n;
}

/* RTT histograms of unchanged checks go on counting. */
static void
carry_hist(const struct probe *old, struct probe *new)
{
	const struct conf_check	*a, *b;
	struct probe_hist	 h;
	size_t			 i, j;

	if (old == NULL)
		return;
	for (i = 0; i < probe_nchecks(new); i++) {
		probe_check_hist(new, i, &b, &h);
		for (j = 0; j < probe_nchecks(old); j++) {
			probe_check_hist(old, j, &a, &h);
			if (strcmp(a->name, b->name) == 0 &&
			    conf_check_same(a, b)) {
				probe_set_hist(new, i, &h);
				break;
			}
		}
	}
}

uint64_t
server_generation(const struct server *srv)
{
	return srv->snap->generation;
}

void
server_probe_stats(const struct server *srv, struct probe_stats *out)
{
	struct probe_stats	 cur;
	size_t			 i;

	*out = srv->probe_base;
	if (srv->probe == NULL)
		return;
	probe_stats(srv->probe, &cur);
	out->runs += cur.runs;
	out->skipped += cur.skipped;
	out->to_up += cur.to_up;
	out->to_down += cur.to_down;
	for (i = 0; i < PROBE_NRESULTS; i++)
		out->results[i] += cur.results[i];
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		out->late[i] += cur.late[i];
	out->late_sum += cur.late_sum;
	if (cur.late_max > out->late_max)
		out->late_max = cur.late_max;
}

int
server_reload(struct server *srv, struct conf_errs *errs)
{
	struct snapshot	*old = srv->snap, *new;
	struct conf	*c = NULL;
	struct probe	*p;
	size_t		 i, kept, *map;

	srv->last_reload = time(NULL);
	notify("RELOADING=1");
	if (conf_load(srv->conf_path, &c, errs) == -1) {
		notify("READY=1");
		srv->reloads_failed++;
		log_warnx("reload refused: %zu problem%s; the old "
		    "configuration keeps serving", errs->n, errs->n == 1 ? "" :
		    "s");
		for (i = 0; i < errs->n; i++)
			log_warnx("%s", errs->msg[i]);
		return -1;
	}
	if (c->nlisten != old->conf->nlisten || c->workers !=
	    old->conf->workers)
		log_warnx("reload: listen addresses and workers change only "
		    "with a restart");
	else
		for (i = 0; i < c->nlisten; i++)
			if (c->listen[i].sslen != old->conf->listen[i].sslen ||
			    memcmp(&c->listen[i].ss, &old->conf->listen[i].ss,
			    c->listen[i].sslen) != 0) {
				log_warnx("reload: listen addresses change "
				    "only with a restart");
				break;
			}
	new = server_snapshot_new(c, srv->nrows, old->generation + 1);
	map = xcalloc(new->db->ntargets + 1, sizeof(*map));
	kept = carry_health(old, new, map);
	if ((p = probe_new(srv->loop, new->db, new->health)) == NULL) {
		free(map);
		server_snapshot_free(new);
		notify("READY=1");
		srv->reloads_failed++;
		errs->msg = xreallocarray(errs->msg, errs->n + 1,
		    sizeof(char *));
		errs->msg[errs->n++] = xstrdup("the prober could not start");
		return -1;
	}
	for (i = 0; i < new->db->ntargets; i++)
		if (map[i] != SIZE_MAX && srv->probe != NULL)
			probe_carry(p, i, srv->probe, map[i]);
	free(map);
	srv->snap = new;
	server_admin_apply(srv);
	rcu_assign_pointer(net_snapshot, new);
	/* Wait until no worker can still see the old snapshot. */
	synchronize_rcu();
	carry_hist(srv->probe, p);
	if (srv->probe != NULL) {
		server_probe_stats(srv, &srv->probe_base);
		probe_free(srv->probe);
	}
	srv->probe = p;
	probe_start(p, NULL, NULL);
	server_snapshot_free(old);
	srv->reloads_ok++;
	notify("READY=1");
	log_info("reloaded: generation %llu, %zu zone%s, %zu of %zu "
	    "targets kept their health", (unsigned long long)new->generation,
	    c->nzones, c->nzones == 1 ? "" : "s", kept, new->db->ntargets);
	return 0;
}

/* Set admin on the slots of every member with this address; a count. */
static size_t
admin_mark(const struct snapshot *s, uint8_t fam, const uint8_t *addr,
    enum health_admin state)
{
	const struct zone_pool	*p;
	size_t			 z, i, k, n = 0;

	for (z = 0; z < s->db->nzones; z++)
		for (i = 0; i < s->db->zones[z].npools; i++) {
			p = &s->db->zones[z].pools[i];
			for (k = 0; k < p->nmembers; k++) {
				if (p->members[k].family != fam ||
				    memcmp(p->members[k].addr, addr, 16) != 0)
					continue;
				health_set_admin(s->health, p->members[k].slot,
				    state);
				n++;
			}
		}
	return n;
}

void
server_admin_apply(struct server *srv)
{
	const struct snapshot	*s = srv->snap;
	size_t			 i;

	/* The config's states first, then the operator's on top. */
	for (i = 0; i < s->db->ntargets; i++)
		health_set_admin(s->health, i, s->db->targets[i].admin);
	for (i = 0; i < srv->nadmin; i++)
		admin_mark(s, srv->admin[i].family, srv->admin[i].addr,
		    srv->admin[i].state);
}

static struct admin_entry *
admin_find(const struct server *srv, uint8_t family, const uint8_t *addr)
{
	size_t	 i;

	for (i = 0; i < srv->nadmin; i++)
		if (srv->admin[i].family == family &&
		    memcmp(srv->admin[i].addr, addr, 16) == 0)
			return &srv->admin[i];
	return NULL;
}

const struct admin_entry *
server_admin_find(const struct server *srv, uint8_t family,
    const uint8_t *addr)
{
	return admin_find(srv, family, addr);
}

int
server_admin_set(struct server *srv, const char *text,
    enum health_admin state, double expires, const char *reason, char *err,
    size_t errlen)
{
	struct admin_entry	*e;
	const char		*p;
	uint8_t			 fam, addr[16];
	size_t			 i, n;

	if ((fam = util_parse_addr(text, addr)) == 0) {
		snprintf(err, errlen, "bad address \"%s\"", text);
		return -1;
	}
	/* The state file is lines of tab-separated fields. */
	for (p = reason; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "the reason must be one line of "
			    "text, without tabs or control characters");
			return -1;
		}
	if ((n = admin_mark(srv->snap, fam, addr, HEALTH_ADMIN_NONE)) == 0) {
		snprintf(err, errlen, "no pool has a member %s", text);
		return -1;
	}
	e = admin_find(srv, fam, addr);
	if (state == HEALTH_ADMIN_NONE) {
		if (e != NULL) {
			i = e - srv->admin;
			memmove(e, e + 1, (srv->nadmin - i - 1) * sizeof(*e));
			srv->nadmin--;
		}
	} else {
		if (e == NULL) {
			srv->admin = xreallocarray(srv->admin, srv->nadmin + 1,
			    sizeof(*srv->admin));
			e = &srv->admin[srv->nadmin++];
			memset(e, 0, sizeof(*e));
			e->family = fam;
			memcpy(e->addr, addr, 16);
			inet_ntop(fam == 4 ? AF_INET : AF_INET6, addr, e->text,
			    sizeof(e->text));
		}
		e->state = state;
		e->set_at = time(NULL);
		e->expires = expires;
		snprintf(e->reason, sizeof(e->reason), "%s", reason != NULL ?
		    reason : "");
	}
	server_admin_apply(srv);
	admin_save(srv);
	log_info("admin: %s %s%s%s%s", text, health_admin_str(state),
	    reason != NULL && *reason ? " (" : "", reason != NULL ? reason :
	    "", reason != NULL && *reason ? ")" : "");
	return n;
}

void
server_admin_expire(struct server *srv, double now)
{
	size_t	 i = 0;
	bool	 changed = false;

	while (i < srv->nadmin) {
		if (srv->admin[i].expires == 0 || srv->admin[i].expires > now) {
			i++;
			continue;
		}
		log_info("admin: %s %s expired", srv->admin[i].text,
		    health_admin_str(srv->admin[i].state));
		memmove(&srv->admin[i], &srv->admin[i + 1], (srv->nadmin - i -
		    1) * sizeof(srv->admin[0]));
		srv->nadmin--;
		changed = true;
	}
	if (changed) {
		server_admin_apply(srv);
		admin_save(srv);
	}
}

/*
 * The state file: one override per line, tab-separated:
 * ADDRESS STATE SET_AT EXPIRES REASON.  Written whole and renamed.
 */
static void
admin_save(const struct server *srv)
{
	const char	*path = srv->snap->conf->state_file;
	char		 tmp[4096];
	FILE		*f;
	size_t		 i;

	if (path == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("state file %s", tmp);
		return;
	}
	fprintf(f, "# steerdns admin overrides: address state set_at "
	    "expires reason\n");
	for (i = 0; i < srv->nadmin; i++)
		fprintf(f, "%s\t%s\t%.0f\t%.0f\t%s\n", srv->admin[i].text,
		    health_admin_str(srv->admin[i].state),
		    srv->admin[i].set_at, srv->admin[i].expires,
		    srv->admin[i].reason);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		log_warn("state file %s", tmp);
		fclose(f);
		return;
	}
	fclose(f);
	if (rename(tmp, path) == -1)
		log_warn("state file %s", path);
}

void
server_admin_load(struct server *srv)
{
	const char		*path = srv->snap->conf->state_file;
	char			 line[1024], *f[5], *p, *save;
	struct admin_entry	 e;
	FILE			*fp;
	int			 n, ln = 0, st;

	if (path == NULL)
		return;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("state file %s", path);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (n = 0, p = line; n < 5 && (f[n] = strtok_r(p, "\t",
		    &save)) != NULL; n++)
			p = NULL;
		memset(&e, 0, sizeof(e));
		st = n >= 4 ? health_admin_parse(f[1]) : -1;
		if (st <= HEALTH_ADMIN_NONE || (e.family = util_parse_addr(f[0],
		    e.addr)) == 0) {
			log_warnx("%s:%d: not an override, skipped", path, ln);
			continue;
		}
		snprintf(e.text, sizeof(e.text), "%s", f[0]);
		e.state = st;
		e.set_at = strtod(f[2], NULL);
		e.expires = strtod(f[3], NULL);
		snprintf(e.reason, sizeof(e.reason), "%s", n == 5 ? f[4] : "");
		srv->admin = xreallocarray(srv->admin, srv->nadmin + 1,
		    sizeof(*srv->admin));
		srv->admin[srv->nadmin++] = e;
	}
	fclose(fp);
	if (srv->nadmin > 0)
		log_info("state file %s: %zu override%s", path, srv->nadmin,
		    srv->nadmin == 1 ? "" : "s");
	server_admin_expire(srv, time(NULL));
	server_admin_apply(srv);
}

static void
add_stats(struct answer_stats *to, const struct answer_stats *from)
{
	size_t	 i;

#define ADD(f)	answer_stat_add(&to->f, answer_stat_get(&from->f))
	ADD(queries);
	ADD(dropped);
	ADD(truncated);
	ADD(badvers);
	ADD(edns);
	ADD(ecs);
	ADD(managed);
	ADD(all_down);
	for (i = 0; i < NELEM(to->rcode); i++)
		ADD(rcode[i]);
	for (i = 0; i < NELEM(to->qtype); i++)
		ADD(qtype[i]);
#undef ADD
}

void
server_stats(const struct server *srv, struct server_stats *out)
{
	const struct worker	*wk;
	unsigned		 i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < srv->nworkers; i++) {
		wk = srv->workers[i];
		for (j = 0; j < wk->nudp; j++)
			add_stats(&out->tr[0], &wk->udp[j].ctx.stats);
		add_stats(&out->tr[1], &wk->tcp_ctx.stats);
		out->tcp_accepted += answer_stat_get(&wk->tcp_accepted);
		out->tcp_refused += answer_stat_get(&wk->tcp_refused);
		out->tcp_timeouts += answer_stat_get(&wk->tcp_timeouts);
		out->tcp_open += answer_stat_get(&wk->tcp_accepted) -
		    answer_stat_get(&wk->tcp_closed);
	}
	add_stats(&out->q, &out->tr[0]);
	add_stats(&out->q, &out->tr[1]);
}

uint64_t
server_count(const struct server *srv, size_t counter)
{
	const struct snapshot	*s = srv->snap;
	uint64_t		 sum = 0;
	unsigned		 i;

	if (counter >= s->db->ncounters)
		return 0;
	for (i = 0; i < s->nrows; i++)
		sum += answer_stat_get(&s->counts[i * s->stride + counter]);
	return sum;
}
