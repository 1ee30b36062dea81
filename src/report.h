/* report.h -- what the daemon tells operators: JSON, metrics, HTML */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_REPORT_H
#define STEER_REPORT_H

#include <stddef.h>

struct json;
struct server;

/*
 * Each writes one JSON value into j (see json.h): the data behind the
 * control commands and /status.json.  They read the current snapshot,
 * the prober and the worker counters; nothing changes.
 */
void	 report_status(const struct server *, struct json *j);
void	 report_members(const struct server *, struct json *j);
void	 report_stats(const struct server *, struct json *j);
/* Zones with their names, pools and members: /status.json. */
void	 report_status_full(const struct server *, struct json *j);

/*
 * The answer the daemon would give a client (address text, ECS subnet
 * "ADDR/LEN" or NULL) for name and type, with what each step of the
 * chain kept and why.  Returns -1 with a message in err for bad input.
 */
int	 report_explain(const struct server *, const char *name,
	    const char *type, const char *client, const char *ecs,
	    struct json *j, char *err, size_t errlen);

/* Prometheus text format (version 0.0.4); the caller frees. */
char	*report_metrics(const struct server *, size_t *len);
/* The status page: HTML without external assets; the caller frees. */
char	*report_html(const struct server *, size_t *len);

#endif
