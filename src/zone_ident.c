/* zone_ident.c -- what the server says about itself: NSID, CHAOS TXT */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"
#include "wire.h"
#include "zone.h"
#include "zone_int.h"

/*
 * The names of RFC 4892 and the BIND names before them, in lower-case
 * wire form (the literal's NUL is the root label), in the order of
 * zone_ident.chaos[].
 */
static const struct {
	const char	*wire;
	uint8_t		 len;
	bool		 version;	/* else the identity */
} chaos_names[ZONE_IDENT_NAMES] = {
	{ "\2id\6server", 11, false },
	{ "\10hostname\4bind", 15, false },
	{ "\7version\6server", 16, true },
	{ "\7version\4bind", 14, true },
};

/*
 * One TXT record in class CH with TTL 0 whose owner points at the
 * question (offset 12), so the name is echoed in the case it was asked.
 * The answer is one required RRset; it fits in 512 bytes with any OPT
 * we send, so it is never cut.
 */
static void
build_txt(struct zone_answer *a, const char *text, uint8_t ref_len)
{
	size_t	 n = strlen(text), len = WIRE_RR_FIXED + 1 + n;
	uint8_t	*p;

	memset(a, 0, sizeof(*a));
	a->wire = p = xmalloc(len);
	wire_put16(p, 0xc000 | WIRE_HDR_LEN);
	wire_put16(p + 2, WIRE_TYPE_TXT);
	wire_put16(p + 4, WIRE_CLASS_CH);
	wire_put32(p + 6, 0);
	wire_put16(p + 10, 1 + n);
	p[WIRE_RR_FIXED] = n;
	memcpy(p + WIRE_RR_FIXED + 1, text, n);
	a->len = len;
	a->qtype = WIRE_TYPE_TXT;
	a->rcode = WIRE_RCODE_NOERROR;
	a->aa = true;
	a->ref_len = ref_len;		/* and no pointer to move */
	a->sets = xcalloc(1, sizeof(*a->sets));
	a->nsets = 1;
	a->sets[0].end = len;
	a->sets[0].an = 1;
	a->sets[0].required = true;
}

void
zone_ident_build(struct zone_ident *id, const struct conf *c)
{
	const char	*text;
	size_t		 i;

	memset(id, 0, sizeof(*id));
	if (c->nsid != NULL) {
		/* conf_load() kept it within WIRE_NSID_MAX. */
		id->nsid = xmalloc(c->nsid_len);
		memcpy(id->nsid, c->nsid, c->nsid_len);
		id->nsid_len = c->nsid_len;
	}
	for (i = 0; i < ZONE_IDENT_NAMES; i++) {
		text = chaos_names[i].version ? c->version : c->identity;
		if (text != NULL)
			build_txt(&id->chaos[i], text, chaos_names[i].len);
	}
}

void
zone_ident_free(struct zone_ident *id)
{
	size_t	 i;

	free(id->nsid);
	id->nsid = NULL;
	for (i = 0; i < ZONE_IDENT_NAMES; i++)
		zone_answer_free(&id->chaos[i]);
	memset(id, 0, sizeof(*id));
}

const struct zone_answer *
zone_ident_chaos(const struct zone_ident *id, const uint8_t *lname,
    size_t len, uint16_t qtype)
{
	size_t	 i;

	/*
	 * TXT, and ANY (the one RRset there is, as NSD answers it); any
	 * other type is refused, as Knot and NSD refuse it.
	 */
	if (qtype != WIRE_TYPE_TXT && qtype != WIRE_TYPE_ANY)
		return NULL;
	for (i = 0; i < ZONE_IDENT_NAMES; i++)
		if (len == chaos_names[i].len &&
		    memcmp(lname, chaos_names[i].wire, len) == 0)
			return id->chaos[i].wire != NULL ? &id->chaos[i] :
			    NULL;
	return NULL;
}
