/* zone_enc.c -- writing answers in wire form, with name compression */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "util.h"
#include "wire.h"
#include "zone.h"
#include "zone_int.h"

/*
 * Expand the (possibly compressed) name at pkt[off] into out in lower case,
 * or only measure it when out is NULL; returns its length.
 */
static size_t
enc_expand(const struct enc *e, size_t off, uint8_t *out)
{
	size_t	 n = 0;
	uint8_t	 c;

	for (;;) {
		c = e->pkt[off];
		if ((c & 0xc0) == 0xc0) {
			off = wire_get16(e->pkt + off) & 0x3fff;
			continue;
		}
		if (out != NULL)
			memcpy(out + n, e->pkt + off, c + 1);
		n += c + 1;
		if (c == 0)
			break;
		off += c + 1;
	}
	if (out != NULL)
		wire_name_lower(out, n);
	return n;
}

static void
enc_dict_add(struct enc *e, size_t off)
{
	if (off > ENC_PTR_LIMIT)
		return;
	if (e->ndict == e->capdict) {
		e->capdict = e->capdict ? e->capdict * 2 : 64;
		e->dict = xreallocarray(e->dict, e->capdict, sizeof(*e->dict));
		e->dictlen = xreallocarray(e->dictlen, e->capdict,
		    sizeof(*e->dictlen));
	}
	e->dictlen[e->ndict] = enc_expand(e, off, NULL);
	e->dict[e->ndict++] = off;
}

void
zone_enc_init(struct enc *e, const uint8_t *qname, size_t qlen)
{
	uint8_t	 off[WIRE_MAX_LABELS];
	size_t	 i, n;

	memset(e->pkt, 0, WIRE_HDR_LEN);
	memcpy(e->pkt + WIRE_HDR_LEN, qname, qlen);
	e->len = WIRE_HDR_LEN + qlen + 4;
	memset(e->pkt + WIRE_HDR_LEN + qlen, 0, 4);
	e->base = e->len;
	e->ndict = e->nfix = e->nsets = 0;
	e->an = e->ns = e->ar = 0;
	e->full = false;
	e->wild = qlen >= 2 && qname[0] == 1 && qname[1] == '*';
	e->owner = false;
	n = zone_labels_of(qname, off);
	for (i = 0; i < n; i++)
		enc_dict_add(e, WIRE_HDR_LEN + off[i]);
}

static bool
enc_room(const struct enc *e, size_t n)
{
	return e->len - e->base + n <= ENC_MAX_BLOB;
}

/* Write a name, compressed against earlier names when compress is set. */
static bool
enc_name(struct enc *e, const uint8_t *name, bool compress)
{
	uint8_t	 off[WIRE_MAX_LABELS], lname[WIRE_MAX_NAME];
	uint8_t	 cand[WIRE_MAX_NAME];
	size_t	 len = zone_name_len(name), n, i, d, clen, ptr = 0;
	size_t	 start = e->len, at;

	zone_lower_copy(lname, name, len);
	n = zone_labels_of(lname, off);
	for (i = 0; compress && i < n; i++) {
		for (d = 0; d < e->ndict; d++) {
			/* Only a name of the same length can match. */
			if (e->dictlen[d] != len - off[i])
				continue;
			/*
			 * In a wildcard's answer the question is the name
			 * asked, not "*.x": only owners may point at it.
			 */
			if (e->wild && !e->owner && e->dict[d] == WIRE_HDR_LEN)
				continue;
			clen = enc_expand(e, e->dict[d], cand);
			if (clen == len - off[i] && memcmp(cand, lname + off[i],
			    clen) == 0)
				break;
		}
		if (d < e->ndict) {
			ptr = e->dict[d];
			break;
		}
	}
	/* Labels 0..i-1 in full, then a pointer or the root label. */
	at = compress ? i : n;
	if (!enc_room(e, at < n ? (size_t)off[at] + 2 : len))
		return false;
	if (at < n) {
		memcpy(e->pkt + e->len, name, off[at]);
		e->len += off[at];
		wire_put16(e->pkt + e->len, 0xc000 | ptr);
		if (e->nfix == e->capfix) {
			e->capfix = e->capfix ? e->capfix * 2 : 16;
			e->fix = xreallocarray(e->fix, e->capfix,
			    sizeof(*e->fix));
		}
		/*
		 * A pointer moves with a longer question name, but a
		 * wildcard's owner: that is the question name, whatever it is.
		 */
		if (!(e->wild && ptr == WIRE_HDR_LEN))
			e->fix[e->nfix++] = e->len - e->base;
		e->len += 2;
	} else {
		memcpy(e->pkt + e->len, name, len);
		e->len += len;
	}
	if (compress)
		for (i = 0; i < at; i++)
			enc_dict_add(e, start + off[i]);
	return true;
}

/* The packet offset of an earlier copy of name, or 0. */
uint16_t
zone_enc_find(const struct enc *e, const uint8_t *lname, size_t len)
{
	uint8_t	 cand[WIRE_MAX_NAME];
	size_t	 d;

	for (d = 0; d < e->ndict; d++)
		if (e->dictlen[d] == len && enc_expand(e, e->dict[d],
		    cand) == len && memcmp(cand,
		    lname, len) == 0)
			return e->dict[d];
	return 0;
}

static bool
compressible(ldns_rr_type t)
{
	/* RFC 3597 section 4: only the RFC 1035 types. */
	return t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_CNAME ||
	    t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_PTR ||
	    t == LDNS_RR_TYPE_MX;
}

/* Write one RR; the owner is given as a lower-case wire name. */
static bool
enc_rr(struct enc *e, const uint8_t *owner, const ldns_rr *rr, uint32_t ttl)
{
	ldns_rr_type	 t = ldns_rr_get_type(rr);
	const ldns_rdf	*rdf;
	size_t		 i, rdstart, save = e->len, save_nfix = e->nfix;
	size_t		 save_ndict = e->ndict;

	e->owner = true;
	if (!enc_name(e, owner, true) || !enc_room(e, 10)) {
		e->owner = false;
		goto undo;
	}
	e->owner = false;
	wire_put16(e->pkt + e->len, t);
	wire_put16(e->pkt + e->len + 2, LDNS_RR_CLASS_IN);
	wire_put32(e->pkt + e->len + 4, ttl);
	e->len += 10;
	rdstart = e->len;
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		rdf = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
			if (!enc_name(e, ldns_rdf_data(rdf), compressible(t)))
				goto undo;
			continue;
		}
		if (!enc_room(e, ldns_rdf_size(rdf)))
			goto undo;
		memcpy(e->pkt + e->len, ldns_rdf_data(rdf), ldns_rdf_size(rdf));
		e->len += ldns_rdf_size(rdf);
	}
	wire_put16(e->pkt + rdstart - 2, e->len - rdstart);
	return true;
undo:
	e->len = save;
	e->nfix = save_nfix;
	e->ndict = save_ndict;
	return false;
}

/* Write a whole RRset, or nothing when it does not fit. */
void
zone_enc_set(struct enc *e, const uint8_t *owner, const struct bset *s,
    uint32_t ttl, enum section sec, bool required)
{
	size_t	 i, save = e->len, save_nfix = e->nfix;
	size_t	 save_ndict = e->ndict;

	if (e->full)
		return;
	for (i = 0; i < s->n; i++)
		if (!enc_rr(e, owner, s->rrs[i], ttl)) {
			e->len = save;
			e->nfix = save_nfix;
			e->ndict = save_ndict;
			e->full = true;
			log_warnx("an answer at %u bytes is too large; "
			    "dropping an RRset of %zu records",
			    (unsigned)(save - e->base), s->n);
			return;
		}
	if (sec == SEC_AN)
		e->an += s->n;
	else if (sec == SEC_NS)
		e->ns += s->n;
	else
		e->ar += s->n;
	if (e->nsets == e->capsets) {
		e->capsets = e->capsets ? e->capsets * 2 : 8;
		e->sets = xreallocarray(e->sets, e->capsets, sizeof(*e->sets));
	}
	e->sets[e->nsets].end = e->len - e->base;
	e->sets[e->nsets].an = e->an;
	e->sets[e->nsets].ns = e->ns;
	e->sets[e->nsets].ar = e->ar;
	e->sets[e->nsets].required = required;
	e->nsets++;
}

void
zone_enc_finish(struct enc *e, struct zone_answer *a, uint16_t qtype,
    uint8_t rcode, bool aa, size_t ref_len)
{
	a->qtype = qtype;
	a->rcode = rcode;
	a->aa = aa;
	a->wild = e->wild;
	a->ref_len = ref_len;
	a->len = e->len - e->base;
	a->wire = xmalloc(a->len);
	memcpy(a->wire, e->pkt + e->base, a->len);
	a->nsets = e->nsets;
	a->sets = xcalloc(e->nsets, sizeof(*a->sets));
	memcpy(a->sets, e->sets, e->nsets * sizeof(*a->sets));
	a->nfix = e->nfix;
	a->fix = xcalloc(e->nfix, sizeof(*a->fix));
	memcpy(a->fix, e->fix, e->nfix * sizeof(*a->fix));
}

/*
 * The CNAME a DNAME at up (its RRset ds) makes for the name t below it
 * (RFC 6672 2.2), into syn; the record, which the caller frees, or NULL
 * when the new name would pass 255 bytes (YXDOMAIN).
 */
ldns_rr *
zone_dname_synth(const struct zone_node *up, const struct bset *ds,
    const uint8_t *t, size_t len, struct bset *syn)
{
	const ldns_rdf	*target = ldns_rr_rdf(ds->rrs[0], 0);
	uint8_t		 name[WIRE_MAX_NAME];
	size_t		 pre = len - up->name_len;
	ldns_rr		*rr;

	if (pre + ldns_rdf_size(target) > WIRE_MAX_NAME)
		return NULL;
	memcpy(name, t, pre);
	memcpy(name + pre, ldns_rdf_data(target), ldns_rdf_size(target));
	rr = ldns_rr_new();
	ldns_rr_set_type(rr, LDNS_RR_TYPE_CNAME);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, ds->ttl);
	ldns_rr_set_owner(rr, ldns_dname_new_frm_data(len, t));
	ldns_rr_push_rdf(rr, ldns_dname_new_frm_data(pre +
	    ldns_rdf_size(target), name));
	syn->rrs[0] = rr;
	syn->n = 1;
	syn->type = LDNS_RR_TYPE_CNAME;
	syn->ttl = ds->ttl;
	return rr;
}
