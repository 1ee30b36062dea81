/* server.c -- the daemon's state: reload, overrides, counters */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include "conf.h"
#include "health.h"
#include "log.h"
#include "notify.h"
#include "probe.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"
#include "worker.h"
#include "zone.h"

static void	admin_save(const struct server *);
static void	save_entries(const char *, const char *,
		    const struct admin_entry *, size_t);

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

	*out = srv->probe_base;
	if (srv->probe == NULL)
		return;
	probe_stats(srv->probe, &cur);
	probe_stats_add(out, &cur);
	/* Gauges: the running prober's alone. */
	out->inflight = cur.inflight;
	out->waiting = cur.waiting;
	out->falling_behind = cur.falling_behind;
}

/* Keep what the status page says of a refused reload. */
static void
reload_refused(struct server *srv, const struct conf_errs *errs)
{
	srv->reload_failed = true;
	snprintf(srv->reload_error, sizeof(srv->reload_error), "%s%s",
	    errs->n > 0 ? errs->msg[0] : "refused", errs->n > 1 ?
	    " (and more: see the log)" : "");
}

int
server_reload(struct server *srv, struct conf_errs *errs)
{
	struct snapshot	*old = srv->snap, *new;
	struct conf	*c = NULL;
	struct probe	*p;
	size_t		 i, kept, *map;
	double		 t0 = util_mono(), t1, t2;

	srv->last_reload = time(NULL);
	notify("RELOADING=1");
	if (conf_load(srv->conf_path, &c, errs) == -1) {
			notify("READY=1");
		srv->reloads_failed++;
		reload_refused(srv, errs);
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
	t1 = util_mono();
	new = snapshot_new(c, srv->nrows, old->generation + 1);
	t2 = util_mono();
	map = xcalloc(new->db->ntargets + 1, sizeof(*map));
	kept = snapshot_carry_health(old, new, map);
	if ((p = probe_new(srv->loop, new->db, new->health,
	    &c->probe_source)) == NULL) {
		free(map);
		snapshot_free(new);
		notify("READY=1");
		srv->reloads_failed++;
		errs->msg = xreallocarray(errs->msg, errs->n + 1,
		    sizeof(char *));
		errs->msg[errs->n++] = xstrdup("the prober could not start");
		reload_refused(srv, errs);
		return -1;
	}
	probe_set_concurrency(p, c->probe_concurrency);
	for (i = 0; i < new->db->ntargets; i++)
		if (map[i] != SIZE_MAX && srv->probe != NULL)
			probe_carry(p, i, srv->probe, map[i]);
	free(map);
	srv->snap = new;
	server_admin_apply(srv);
	/* The fleet's verdicts go in before a worker sees the table. */
	if (srv->before_publish != NULL)
		srv->before_publish(srv);
	snapshot_publish(new, old);
	carry_hist(srv->probe, p);
	if (srv->probe != NULL) {
		server_probe_stats(srv, &srv->probe_base);
		probe_free(srv->probe);
	}
	srv->probe = p;
	probe_start(p, NULL, NULL);
	srv->reloads_ok++;
	srv->reload_failed = false;
	srv->reload_error[0] = '\0';
	notify("READY=1");
	log_info("reloaded: generation %llu, %zu zone%s, %zu of %zu "
	    "targets kept their health; %.2f s (config %.2f s, database "
	    "%.2f s)", (unsigned long long)new->generation, c->nzones,
	    c->nzones == 1 ? "" : "s", kept, new->db->ntargets,
	    util_mono() - t0, t1 - t0, t2 - t1);
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

	/*
	 * The config's states first, then the fleet's, then this node's
	 * own on top.
	 */
	for (i = 0; i < s->db->ntargets; i++)
		health_set_admin(s->health, i, s->db->targets[i].admin);
	for (i = 0; i < srv->nfadmin; i++)
		admin_mark(s, srv->fadmin[i].family, srv->fadmin[i].addr,
		    srv->fadmin[i].state);
	for (i = 0; i < srv->nadmin; i++)
		admin_mark(s, srv->admin[i].family, srv->admin[i].addr,
		    srv->admin[i].state);
}

static struct admin_entry *
entry_find(struct admin_entry *a, size_t n, uint8_t family,
    const uint8_t *addr)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (a[i].family == family && memcmp(a[i].addr, addr, 16) == 0)
			return &a[i];
	return NULL;
}

static struct admin_entry *
admin_find(const struct server *srv, uint8_t family, const uint8_t *addr)
{
	return entry_find(srv->admin, srv->nadmin, family, addr);
}

const struct admin_entry *
server_fleet_admin_find(const struct server *srv, uint8_t family,
    const uint8_t *addr)
{
	return entry_find(srv->fadmin, srv->nfadmin, family, addr);
}

/* Members with this address, in every pool. */
static size_t
admin_count(const struct snapshot *s, uint8_t fam, const uint8_t *addr)
{
	const struct zone_pool	*p;
	size_t			 z, i, k, n = 0;

	for (z = 0; z < s->db->nzones; z++)
		for (i = 0; i < s->db->zones[z].npools; i++) {
			p = &s->db->zones[z].pools[i];
			for (k = 0; k < p->nmembers; k++)
				n += p->members[k].family == fam &&
				    memcmp(p->members[k].addr, addr, 16) == 0;
		}
	return n;
}

int
server_admin_check(const struct server *srv, const char *text,
    const char *reason, struct admin_entry *e, char *err, size_t errlen)
{
	const char	*p;
	size_t		 n;

	if ((e->family = util_parse_addr(text, e->addr)) == 0) {
		snprintf(err, errlen, "bad address \"%s\"", text);
		return -1;
	}
	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->addr, e->text,
	    sizeof(e->text));
	/* The state file is lines of tab-separated fields. */
	for (p = reason; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "the reason must be one line of "
			    "text, without tabs or control characters");
			return -1;
		}
	if ((n = admin_count(srv->snap, e->family, e->addr)) == 0) {
		snprintf(err, errlen, "no pool has a member %s", text);
		return -1;
	}
	return n;
}

void
server_fleet_admin(struct server *srv, const struct admin_entry *e)
{
	struct admin_entry	*f;
	size_t			 i;

	f = entry_find(srv->fadmin, srv->nfadmin, e->family, e->addr);
	if (e->state == HEALTH_ADMIN_NONE) {
		if (f == NULL)
			return;
		i = f - srv->fadmin;
		memmove(f, f + 1, (srv->nfadmin - i - 1) * sizeof(*f));
		srv->nfadmin--;
	} else {
		if (f == NULL) {
			srv->fadmin = xreallocarray(srv->fadmin,
			    srv->nfadmin + 1, sizeof(*srv->fadmin));
			f = &srv->fadmin[srv->nfadmin++];
		}
		*f = *e;
	}
	server_admin_apply(srv);
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
	struct admin_entry	*e, chk;
	uint8_t			 fam, addr[16];
	size_t			 i;
	int			 n;

	memset(&chk, 0, sizeof(chk));
	if ((n = server_admin_check(srv, text, reason, &chk, err, errlen)) ==
	    -1)
		return -1;
	fam = chk.family;
	memcpy(addr, chk.addr, 16);
	e = admin_find(srv, fam, addr);
	if (state == HEALTH_ADMIN_NONE) {
		if (e != NULL) {
			i = e - srv->admin;
			memmove(e, e + 1, (srv->nadmin - i - 1) * sizeof(*e));
			srv->nadmin--;
		}
	} else {
		if (e == NULL && srv->nadmin >= SERVER_ADMIN_MAX) {
			snprintf(err, errlen, "already %d overrides, the most "
			    "there can be", SERVER_ADMIN_MAX);
			return -1;
		}
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
	bool	 changed = false, fchanged = false;

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
	/* The store drops a timed fleet override by its lease; so do we. */
	i = 0;
	while (i < srv->nfadmin) {
		if (srv->fadmin[i].expires == 0 || srv->fadmin[i].expires >
		    now) {
			i++;
			continue;
		}
		log_info("admin (fleet): %s %s expired", srv->fadmin[i].text,
		    health_admin_str(srv->fadmin[i].state));
		memmove(&srv->fadmin[i], &srv->fadmin[i + 1], (srv->nfadmin -
		    i - 1) * sizeof(srv->fadmin[0]));
		srv->nfadmin--;
		fchanged = true;
	}
	if (changed)
		admin_save(srv);
	if (fchanged)
		server_fleet_admin_save(srv);
	if (changed || fchanged)
		server_admin_apply(srv);
}

/*
 * The state file: one override per line, tab-separated:
 * ADDRESS STATE SET_AT EXPIRES REASON.  Written whole and renamed.
 */
static void
admin_save(const struct server *srv)
{
	save_entries(srv->snap->conf->state_file, "", srv->admin,
	    srv->nadmin);
}

void
server_fleet_admin_save(const struct server *srv)
{
	save_entries(srv->snap->conf->state_file, ".fleet", srv->fadmin,
	    srv->nfadmin);
}

/*
 * Write path + suffix whole, then rename it into place.  Mode 0600: the
 * reasons are the operators' words, for no one else to read.
 */
static void
save_entries(const char *state, const char *suffix,
    const struct admin_entry *a, size_t n)
{
	char		 tmp[4200], path[4096];
	FILE		*f;
	size_t		 i;
	int		 fd;

	if (state == NULL)
		return;
	snprintf(path, sizeof(path), "%s%s", state, suffix);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || fchmod(fd, 0600) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		log_warn("state file %s", tmp);
		if (fd != -1)
			close(fd);
		return;
	}
	fprintf(f, "# steerdns admin overrides: address state set_at "
	    "expires reason\n");
	for (i = 0; i < n; i++)
		fprintf(f, "%s\t%s\t%.0f\t%.0f\t%s\n", a[i].text,
		    health_admin_str(a[i].state), a[i].set_at, a[i].expires,
		    a[i].reason);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		log_warn("state file %s", tmp);
		fclose(f);
		return;
	}
	fclose(f);
	if (rename(tmp, path) == -1)
		log_warn("state file %s", path);
}

struct read_entry {
	struct admin_entry	 e;
	int			 line;
};

/* By address, then by line: the last of equal addresses is the later. */
static int
read_entry_cmp(const void *va, const void *vb)
{
	const struct read_entry	*a = va, *b = vb;
	int			 c;

	if (a->e.family != b->e.family)
		return a->e.family < b->e.family ? -1 : 1;
	if ((c = memcmp(a->e.addr, b->e.addr, 16)) != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* A number of seconds in the file: finite, >= 0, and all of the field. */
static int
read_time(const char *s, double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && *out >= 0 &&
	    *out < 1e12 ? 0 : -1;
}

int
server_admin_read(const char *path, struct admin_entry **out, size_t *nout)
{
	char			 line[SERVER_STATE_LINE_MAX + 2], *f[5], *p;
	char			*save;
	struct read_entry	*r = NULL;
	struct admin_entry	 e;
	struct stat		 sb;
	FILE			*fp;
	size_t			 len, nr = 0, rcap = 0, i, k;
	int			 n, ln = 0, st, bad = 0, fd;

	*out = NULL;
	*nout = 0;
	if (path == NULL)
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("state file %s", path);
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		log_warnx("state file %s: not a regular file, not read", path);
		close(fd);
		return -1;
	}
	if (sb.st_size > SERVER_STATE_BYTES_MAX) {
		log_warnx("state file %s: %lld bytes, more than %d: not read",
		    path, (long long)sb.st_size, SERVER_STATE_BYTES_MAX);
		close(fd);
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		log_warn("state file %s", path);
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(fp)) {
			/* Skip the rest of it: never read as a line of its own. */
			while (fgets(line, sizeof(line), fp) != NULL &&
			    ((len = strlen(line)) == 0 ||
			    line[len - 1] != '\n'))
				;
			log_warnx("%s:%d: line longer than %d bytes, skipped",
			    path, ln, SERVER_STATE_LINE_MAX);
			bad++;
			continue;
		}
		if (len > SERVER_STATE_LINE_MAX) {
			log_warnx("%s:%d: line longer than %d bytes, skipped",
			    path, ln, SERVER_STATE_LINE_MAX);
			bad++;
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (p = line; *p != '\0'; p++)
			if (*p != '\t' && ((unsigned char)*p < 0x20 ||
			    *p == 0x7f))
				break;
		if (*p != '\0') {
			log_warnx("%s:%d: a control character, skipped", path,
			    ln);
			bad++;
			continue;
		}
		if (nr >= SERVER_ADMIN_MAX) {
			log_warnx("%s:%d: more than %d overrides; the rest is "
			    "not read", path, ln, SERVER_ADMIN_MAX);
			bad++;
			break;
		}
		for (n = 0, p = line; n < 5 && (f[n] = strtok_r(p, "\t",
		    &save)) != NULL; n++)
			p = NULL;
		memset(&e, 0, sizeof(e));
		st = n >= 4 ? health_admin_parse(f[1]) : -1;
		if (st <= HEALTH_ADMIN_NONE || (e.family = util_parse_addr(f[0],
		    e.addr)) == 0 || read_time(f[2], &e.set_at) == -1 ||
		    read_time(f[3], &e.expires) == -1) {
			log_warnx("%s:%d: not an override, skipped", path, ln);
			bad++;
			continue;
		}
		inet_ntop(e.family == 4 ? AF_INET : AF_INET6, e.addr, e.text,
		    sizeof(e.text));
		e.state = st;
		snprintf(e.reason, sizeof(e.reason), "%s", n == 5 ? f[4] : "");
		if (nr == rcap) {
			/* Doubling: one more at a time is quadratic. */
			rcap = rcap ? rcap * 2 : 16;
			r = xreallocarray(r, rcap, sizeof(*r));
		}
		r[nr].e = e;
		r[nr++].line = ln;
	}
	fclose(fp);
	/*
	 * One override per address: two would make an undrain remove one and
	 * report success while the other holds.  The later line wins.
	 */
	if (nr > 0)
		qsort(r, nr, sizeof(*r), read_entry_cmp);
	*out = xreallocarray(NULL, nr > 0 ? nr : 1, sizeof(**out));
	for (i = 0; i < nr; i = k) {
		for (k = i + 1; k < nr && r[k].e.family == r[i].e.family &&
		    memcmp(r[k].e.addr, r[i].e.addr, 16) == 0; k++)
			;
		if (k - i > 1) {
			log_warnx("%s:%d: %s already on line %d; the later "
			    "line wins", path, r[k - 1].line, r[k - 1].e.text,
			    r[k - 2].line);
			bad += k - i - 1;
		}
		(*out)[(*nout)++] = r[k - 1].e;
	}
	free(r);
	if (*nout == 0) {
		free(*out);
		*out = NULL;
	}
	return bad;
}

void
server_admin_load(struct server *srv)
{
	const char	*path = srv->snap->conf->state_file;

	if (server_admin_read(path, &srv->admin, &srv->nadmin) == -1)
		return;
	if (srv->nadmin > 0)
		log_info("state file %s: %zu override%s", path, srv->nadmin,
		    srv->nadmin == 1 ? "" : "s");
	/*
	 * In a fleet, the fleet's overrides as this node last knew them,
	 * until the store says otherwise: a drain holds even when the
	 * store cannot be reached at start.
	 */
	if (srv->snap->conf->fleet.node != NULL && path != NULL) {
		char	 fpath[4096];

		snprintf(fpath, sizeof(fpath), "%s.fleet", path);
		if (server_admin_read(fpath, &srv->fadmin, &srv->nfadmin) !=
		    -1 && srv->nfadmin > 0)
			log_info("state file %s: %zu fleet override%s, until "
			    "the store is read", fpath, srv->nfadmin,
			    srv->nfadmin == 1 ? "" : "s");
	}
	server_admin_expire(srv, time(NULL));
	server_admin_apply(srv);
}

void
server_stats(const struct server *srv, struct server_stats *out)
{
	struct worker_stats	 w;
	unsigned		 i;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < srv->nworkers; i++)
		worker_stats_add(srv->workers[i], &w);
	memset(out, 0, sizeof(*out));
	answer_stats_sum(&out->tr[0], &w.tr[0]);
	answer_stats_sum(&out->tr[1], &w.tr[1]);
	answer_stats_sum(&out->q, &w.tr[0]);
	answer_stats_sum(&out->q, &w.tr[1]);
	out->send_failed = w.send_failed;
	out->tcp_accepted = w.tcp_accepted;
	out->tcp_refused = w.tcp_refused;
	out->tcp_timeouts = w.tcp_timeouts;
	out->tcp_source_refused = w.tcp_source_refused;
	out->tcp_evicted = w.tcp_evicted;
	out->tcp_accept_paused = w.tcp_accept_paused;
	out->tcp_queued = w.tcp_queued;
	out->tcp_open = w.tcp_open;
}

uint64_t
server_count(const struct server *srv, size_t counter)
{
	return snapshot_count(srv->snap, counter);
}
