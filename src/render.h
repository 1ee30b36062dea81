/* render.h -- the outputs operators read, each from one view */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_RENDER_H
#define STEER_RENDER_H

#include <stddef.h>
#include <stdio.h>

struct history;
struct history_member;
struct jw;
struct view;
struct view_name;

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
/* s, HTML-escaped (<, >, &, "), to f. */
void	 render_html_esc(FILE *, const char *s);
/*
 * The pictures (render_svg.c), inline SVG: queries per second by rcode;
 * the share of a managed name's answers per member; a member's state strip with
 * its transitions marked and its RTT.  All over the history's cells.
 */
void	 render_svg_qps(FILE *, const struct history *);
void	 render_svg_shares(FILE *, const struct history *,
	    const struct view *, const struct view_name *);
void	 render_svg_member(FILE *, const struct history *,
	    const struct history_member *);

#endif
