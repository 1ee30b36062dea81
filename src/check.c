/* check.c -- the list of check kinds and what every kind shares */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "conf.h"
#include "conf_schema.h"

/* Each is defined in its own check_<name>.c. */
extern const struct check_kind	 check_kind_tcp, check_kind_http,
    check_kind_https, check_kind_dns, check_kind_exec;

const struct check_kind *const check_kinds[] = {
	&check_kind_tcp,
	&check_kind_http,
	&check_kind_https,
	&check_kind_dns,
	&check_kind_exec,
	NULL
};

const struct check_kind *
check_kind_find(const char *name)
{
	size_t	 i;

	for (i = 0; check_kinds[i] != NULL; i++)
		if (strcmp(check_kinds[i]->name, name) == 0)
			return check_kinds[i];
	return NULL;
}

/* "1.0s", "0.4s", "2.5s", "0.25s": one decimal unless more are needed. */
static void
seconds(char *buf, size_t len, double s)
{
	if (fabs(s * 10 - round(s * 10)) < 1e-9)
		snprintf(buf, len, "%.1fs", s);
	else
		snprintf(buf, len, "%gs", s);
}

void
check_reason(char *buf, size_t len, enum probe_result r,
    const struct conf_check *ck, int detail)
{
	char	 s[32];

	if (ck != NULL && ck->kind->describe != NULL &&
	    ck->kind->describe(ck, r, detail, buf, len))
		return;
	switch (r) {
	case PROBE_OK:
		snprintf(buf, len, "ok");
		break;
	case PROBE_REFUSED:
		if (detail == 0 || detail == ECONNREFUSED)
			snprintf(buf, len, "connect refused");
		else
			snprintf(buf, len, "connect: %s", strerror(detail));
		break;
	case PROBE_TIMEOUT:
		seconds(s, sizeof(s), ck != NULL ? ck->timeout : 0);
		snprintf(buf, len, "timeout after %s", s);
		break;
	case PROBE_BAD_STATUS:
		snprintf(buf, len, "HTTP %d", detail);
		break;
	case PROBE_GARBAGE:
		snprintf(buf, len, "bad response");
		break;
	case PROBE_CLOSED:
		snprintf(buf, len, "connection closed");
		break;
	case PROBE_LOCAL_ERROR:
		if (detail != 0)
			snprintf(buf, len, "local error: %s", strerror(detail));
		else
			snprintf(buf, len, "local error");
		break;
	default:
		snprintf(buf, len, "%s", probe_result_str(r));
		break;
	}
}

void
check_opt_str(const struct conf_check *ck, const char *key, char *buf,
    size_t len)
{
	const struct conf_key	*k;

	if (ck->kind->keys == NULL || ck->opts == NULL ||
	    (k = conf_key_find(ck->kind->keys, key)) == NULL) {
		snprintf(buf, len, "(none)");
		return;
	}
	conf_key_format(k, ck->opts, buf, len);
}
