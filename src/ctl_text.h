/* ctl_text.h -- the control socket's replies as text, for steerdnsctl */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CTL_TEXT_H
#define STEER_CTL_TEXT_H

#include <stdbool.h>

#include <jansson.h>

/*
 * Members of a reply: the fallback when missing or of another type, so
 * that a field an older or newer daemon lacks prints as "?" or 0.
 */
const char	*ctl_text_str(const json_t *, const char *key,
		    const char *fallback);
double		 ctl_text_number(const json_t *, const char *key);
bool		 ctl_text_bool(const json_t *, const char *key, bool fallback);
unsigned long long ctl_text_num(const json_t *, const char *key);

/* Print a reply's member of the command's name on standard output. */
void		 ctl_text_status(const json_t *);
void		 ctl_text_members(const json_t *);
void		 ctl_text_fleet(const json_t *);
void		 ctl_text_stats(json_t *);
void		 ctl_text_explain(const json_t *);

#endif
