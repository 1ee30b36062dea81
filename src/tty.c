/* tty.c -- text from outside on its way to an operator's terminal */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tty.h"
#include "util.h"

int
tty_has_ctrl(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 1;
	return 0;
}

char *
tty_escape(const char *s)
{
	const unsigned char	*p;
	char			*out, *o;

	/* At most four bytes out for one in. */
	o = out = xreallocarray(NULL, strlen(s) + 1, 4);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			o += sprintf(o, "\\x%02x", *p);
		else if (*p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

void
tty_sanitize(json_t *v)
{
	json_t		*x;
	const char	*k;
	void		*tmp;
	char		*e;
	size_t		 i;

	if (json_is_string(v)) {
		if (tty_has_ctrl(json_string_value(v))) {
			e = tty_escape(json_string_value(v));
			json_string_set(v, e);
			free(e);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			tty_sanitize(x);
	} else if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, k, x) {
			tty_sanitize(x);
			if (tty_has_ctrl(k)) {
				e = tty_escape(k);
				json_object_set(v, e, x);
				json_object_del(v, k);
				free(e);
			}
		}
	}
}
