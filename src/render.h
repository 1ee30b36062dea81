/* render.h -- the outputs operators read, each from one view */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_RENDER_H
#define STEER_RENDER_H

#include <stddef.h>
#include <stdio.h>

struct jw;
struct view;

/*
 * Each writes one JSON value into j (see jw.h): the data of the control
 * commands status, members and stats, and of /status.json.
 */
void	 render_json_status(const struct view *, struct jw *);
void	 render_json_members(const struct view *, struct jw *);
void	 render_json_stats(const struct view *, struct jw *);
void	 render_json_full(const struct view *, struct jw *);
/* The fleet command: this node with the store, every node; null alone. */
void	 render_json_fleet(const struct view *, struct jw *);

/* Prometheus text format (version 0.0.4); the caller frees, NULL: ENOMEM */
char	*render_metrics(const struct view *, size_t *len);
/* The status page: HTML without external assets; the caller frees. */
char	*render_html(const struct view *, size_t *len);
/*
 * The page's opening (render_attention.c): what needs attention, most
 * urgent first, or a line that says nothing does.
 */
void	 render_attention_html(FILE *, const struct view *);

#endif
