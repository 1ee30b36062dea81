/* tty.h -- text from outside on its way to an operator's terminal */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_TTY_H
#define STEER_TTY_H

#include <jansson.h>

/*
 * What an operator, a state file or a fleet's store put in a string must
 * not reach a terminal as a control sequence.  tty_has_ctrl() tells
 * whether s holds a C0 control character other than tab, or DEL;
 * tty_escape() returns a copy (the caller frees it) with each one written
 * as \xNN and each backslash as \\.
 */
int	 tty_has_ctrl(const char *s);
char	*tty_escape(const char *s);
/*
 * Escape every string value of the tree in place, and rename each object
 * key that needs it: a reply as steerdnsctl prints it.
 */
void	 tty_sanitize(json_t *);

#endif
