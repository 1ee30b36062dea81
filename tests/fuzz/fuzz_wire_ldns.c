/* fuzz_wire_ldns.c -- libFuzzer: wire_parse_query() against ldns */
/* SPDX-License-Identifier: ISC */
/*
 * A differential target: our question and EDNS parser (src/wire.c) and
 * ldns_wire2pkt() read the same bytes.  ldns reads every record of every
 * section and knows the rdata of each type, so it refuses much that we
 * (who skip the records we do not need) accept; and we refuse, by design,
 * much that it accepts.  They must agree on exactly this:
 *
 * The cases compared: ldns_wire2pkt() returns LDNS_STATUS_OK (messages
 * that may hold TSIG records are not given to it: ldns 1.8.3 leaks all
 * but the last of them), and
 *   (1) QR is 0 and the opcode is 0 (QUERY): else we drop or say NOTIMP
 *       without reading further, which ldns has no opinion on;
 *   (2) QDCOUNT is 1: we answer FORMERR to any other count;
 *   (3) the question name is written without compression pointers: we
 *       refuse pointers there (FORMERR), as NSD and Knot do;
 *   (4) ldns_wire2rr(), record by record, reads every record as
 *       ldns_wire2pkt() did (wire2pkt lets some records in the
 *       additional section pass that wire2rr refuses), each to exactly
 *       the end its RDLENGTH gives:
 *       ldns (1.8) stops after the RDATA fields it knows for the type and
 *       reads the next record from there, so that bytes left over in an
 *       RDATA become records that are not in the message.
 *
 * For those, the records are read in order (ldns has read each of them
 * whole) and the first of these that holds is our verdict:
 *   FORMERR  an OPT record in the answer or authority section; a second
 *            OPT in the additional section; an OPT whose owner is not the
 *            root written as one zero byte (RFC 6891 6.1.1; a compression
 *            pointer to the root is refused);
 *   BADVERS  the OPT's version is not 0 (RFC 6891 6.1.3); so a first OPT
 *            of another version is answered BADVERS even when a second
 *            OPT follows it;
 *   FORMERR  the OPT's options do not exactly fill its RDATA (code,
 *            length, value; RFC 6891 6.1.2), or its first ECS option is
 *            malformed (RFC 7871 6: family 1 or 2, source prefix at most
 *            32 or 128, option length 4 + the address bytes of the
 *            prefix, address bits past the prefix zero, scope prefix 0 in
 *            a query), or it has more than one ECS option (RFC 7871),
 *            or its first COOKIE option is not 8 or 16 to 40 bytes long
 *            (RFC 7873 5.2.2);
 * and OK when none does.
 *
 * When we say OK, these must equal what ldns read: ID, the flags word,
 * QTYPE, QCLASS, the question name (ours lower-cased, compared with
 * ldns's name lower-cased; the same wire length and label count), whether
 * EDNS is present, its UDP payload size, version and DO bit; whether an
 * NSID option is present; and the first ECS option's family, source
 * prefix length and (zero-padded) address.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What the bytes say according to ldns, and the verdict we must give. */
struct expect {
	bool		 compared;	/* inside (1)-(3) */
	bool		 any_verdict;	/* the cases not compared */
	enum wire_verdict verdict;
	bool		 edns, nsid, ecs;
	uint16_t	 ecs_family;
	uint8_t		 ecs_source;
	uint8_t		 ecs_addr[16];
};

#define FAIL(...)	do {						\
	fprintf(stderr, "wire/ldns disagree: " __VA_ARGS__);		\
	fprintf(stderr, "\n");						\
	abort();							\
} while (0)

/* The OPT's options, from its RDATA. */
static void
options(const uint8_t *p, size_t n, struct expect *x)
{
	size_t		 i = 0, alen;
	uint16_t	 code, olen;
	unsigned	 necs = 0, ncookie = 0;

	while (i < n) {
		if (n - i < 4) {
			x->verdict = WIRE_FORMERR;
			return;
		}
		code = (uint16_t)(p[i] << 8 | p[i + 1]);
		olen = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
		i += 4;
		if (olen > n - i) {
			x->verdict = WIRE_FORMERR;
			return;
		}
		if (code == WIRE_EDNS_NSID)
			x->nsid = true;
		/* RFC 7873 5.2.2: the first COOKIE, 8 or 16..40 bytes. */
		if (code == WIRE_EDNS_COOKIE && ncookie++ == 0 && olen != 8 &&
		    (olen < 16 || olen > 40)) {
			x->verdict = WIRE_FORMERR;
			return;
		}
		if (code == WIRE_EDNS_ECS && necs++ == 0) {
			uint16_t	 fam;
			uint8_t		 src, scope;

			if (olen < 4) {
				x->verdict = WIRE_FORMERR;
				return;
			}
			fam = (uint16_t)(p[i] << 8 | p[i + 1]);
			src = p[i + 2];
			scope = p[i + 3];
			if ((fam != 1 && fam != 2) || (fam == 1 && src > 32) ||
			    (fam == 2 && src > 128)) {
				x->verdict = WIRE_FORMERR;
				return;
			}
			alen = (src + 7u) / 8u;
			if (olen != 4 + alen) {
				x->verdict = WIRE_FORMERR;
				return;
			}
			memset(x->ecs_addr, 0, sizeof(x->ecs_addr));
			memcpy(x->ecs_addr, p + i + 4, alen);
			if (src % 8 != 0 &&
			    (x->ecs_addr[alen - 1] & (0xff >> (src % 8)))) {
				x->verdict = WIRE_FORMERR;
				return;
			}
			if (scope != 0) {
				x->verdict = WIRE_FORMERR;
				return;
			}
			x->ecs = true;
			x->ecs_family = fam;
			x->ecs_source = src;
		}
		i += olen;
	}
	if (necs > 1)
		x->verdict = WIRE_FORMERR;
}

/* Where the record at off ends by its lengths, or 0. */
static size_t
record_end(const uint8_t *d, size_t n, size_t off, ldns_pkt_section sec)
{
	while (off < n && d[off] != 0 && (d[off] & 0xc0) != 0xc0)
		off += d[off] + 1;
	if (off >= n)
		return 0;
	off += d[off] == 0 ? 1 : 2;
	if (sec == LDNS_SECTION_QUESTION)
		return off + 4;
	if (off + 10 > n)
		return 0;
	return off + 10 + wire_get16(d + off + 8);
}

/*
 * Might the message hold a TSIG record?  With two, ldns_wire2pkt() keeps
 * the last and loses the others (ldns 1.8.3), which ASan reports as a
 * leak that is not ours.  Where a record's type is depends on how ldns
 * reads the records before it (see (4)), so any 00 FA (type 250) after
 * the header will do.
 */
static bool
maybe_tsig(const uint8_t *d, size_t n)
{
	static const uint8_t	 t[2] = { 0x00, 0xfa };

	return memmem(d + WIRE_HDR_LEN, n - WIRE_HDR_LEN, t, 2) != NULL;
}

/* Walk the records again with ldns, one by one, for what wire2pkt hides. */
static void
expect_of(const uint8_t *d, size_t n, const ldns_pkt *pkt, struct expect *x)
{
	size_t		 pos = WIRE_HDR_LEN, i, total, nopt = 0;
	unsigned	 qd, an, ns, ar;
	ldns_rr		*rr, *opt = NULL;
	ldns_rdf	*rd;
	ldns_pkt_section sec;

	memset(x, 0, sizeof(*x));
	(void)pkt;
	if ((d[2] & 0x80) || ((d[2] >> 3) & 0xf) != 0)
		return;					/* (1) */
	qd = wire_get16(d + 4);
	an = wire_get16(d + 6);
	ns = wire_get16(d + 8);
	ar = wire_get16(d + 10);
	if (qd != 1)
		return;					/* (2) */
	for (i = WIRE_HDR_LEN; i < n && d[i] != 0; i += d[i] + 1)
		if (d[i] & 0xc0)
			return;				/* (3) */
	if (i >= n)
		return;		/* cannot be: ldns read the name */
	x->compared = true;
	x->verdict = WIRE_OK;
	total = qd + an + ns + ar;
	for (i = 0; i < total; i++) {
		size_t	 start = pos;

		sec = i < qd ? LDNS_SECTION_QUESTION : i < qd + an ?
		    LDNS_SECTION_ANSWER : i < qd + an + ns ?
		    LDNS_SECTION_AUTHORITY : LDNS_SECTION_ADDITIONAL;
		if (ldns_wire2rr(&rr, d, n, &pos, sec) != LDNS_STATUS_OK) {
			x->compared = false;		/* (4) */
			goto out;
		}
		if (pos != record_end(d, n, start, sec)) {
			ldns_rr_free(rr);
			x->compared = false;		/* (4) */
			goto out;
		}
		if (sec == LDNS_SECTION_QUESTION ||
		    ldns_rr_get_type(rr) != LDNS_RR_TYPE_OPT) {
			ldns_rr_free(rr);
			continue;
		}
		if (sec != LDNS_SECTION_ADDITIONAL || nopt++ > 0 ||
		    d[start] != 0) {
			ldns_rr_free(rr);
			x->verdict = WIRE_FORMERR;
			goto out;
		}
		opt = rr;
		x->edns = true;
		if (((ldns_rr_ttl(opt) >> 16) & 0xff) != 0) {
			x->verdict = WIRE_BADVERS;
			goto out;
		}
		if ((rd = ldns_rr_rdf(opt, 0)) != NULL)
			options(ldns_rdf_data(rd), ldns_rdf_size(rd), x);
		if (x->verdict != WIRE_OK)
			goto out;
	}
out:
	ldns_rr_free(opt);
}

static const char *
verdict_str(enum wire_verdict v)
{
	static const char	*s[] = { "OK", "DROP", "FORMERR", "NOTIMP",
				    "BADVERS" };

	return v <= WIRE_BADVERS ? s[v] : "?";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_query	 q;
	struct expect		 x;
	ldns_pkt		*pkt = NULL;
	ldns_rr			*qr;
	ldns_rdf		*qn;
	const uint8_t		*ln;
	enum wire_verdict	 v;
	size_t			 i;

	v = wire_parse_query(data, size, &q);
	if (size < WIRE_HDR_LEN || maybe_tsig(data, size))
		return 0;
	if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK)
		return 0;
	expect_of(data, size, pkt, &x);
	if (!x.compared)
		goto out;
	if (!x.any_verdict && v != x.verdict)
		FAIL("ours %s, expected %s", verdict_str(v),
		    verdict_str(x.verdict));
	if (v != WIRE_OK)
		goto out;
	if (q.id != ldns_pkt_id(pkt) || q.flags != wire_get16(data + 2))
		FAIL("header");
	qr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (qr == NULL)
		FAIL("ldns has no question");
	if (q.qtype != ldns_rr_get_type(qr) ||
	    q.qclass != ldns_rr_get_class(qr))
		FAIL("qtype %u/%u qclass %u/%u", q.qtype,
		    ldns_rr_get_type(qr), q.qclass, ldns_rr_get_class(qr));
	qn = ldns_rr_owner(qr);
	if (q.qname_len != ldns_rdf_size(qn) ||
	    q.nlabels != ldns_dname_label_count(qn))
		FAIL("qname length %zu/%zu labels %u/%u", q.qname_len,
		    ldns_rdf_size(qn), q.nlabels, ldns_dname_label_count(qn));
	ln = ldns_rdf_data(qn);
	for (i = 0; i < q.qname_len; i++)
		if (q.lname[i] != (uint8_t)tolower(ln[i]))
			FAIL("qname byte %zu", i);
	if (q.edns != x.edns || q.edns != ldns_pkt_edns(pkt))
		FAIL("EDNS present %d/%d", q.edns, x.edns);
	if (q.edns && (q.edns_udp != ldns_pkt_edns_udp_size(pkt) ||
	    q.edns_version != ldns_pkt_edns_version(pkt) ||
	    q.edns_do != ldns_pkt_edns_do(pkt)))
		FAIL("EDNS fields");
	if (q.nsid != x.nsid)
		FAIL("NSID %d/%d", q.nsid, x.nsid);
	if (q.ecs != x.ecs || (q.ecs && (q.ecs_family != x.ecs_family ||
	    q.ecs_source != x.ecs_source ||
	    memcmp(q.ecs_addr, x.ecs_addr, 16) != 0)))
		FAIL("ECS");
out:
	ldns_pkt_free(pkt);
	return 0;
}
