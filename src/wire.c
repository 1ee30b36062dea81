/* wire.c -- hand-written DNS wire parsing for the query path (pure) */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wire.h"

static const uint8_t lower_tab[256] = {
#define R(x) x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7
	R(0), R(8), R(16), R(24), R(32), R(40), R(48), R(56),
	64, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
	'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
	91, 92, 93, 94, 95,
	R(96), R(104), R(112), R(120), R(128), R(136), R(144), R(152),
	R(160), R(168), R(176), R(184), R(192), R(200), R(208), R(216),
	R(224), R(232), R(240), R(248)
#undef R
};

/* ASCII upper case to lower case in 8 bytes at once; others unchanged. */
static inline uint64_t
lower8(uint64_t x)
{
	const uint64_t	 hi = 0x8080808080808080ULL, one = 0x0101010101010101ULL;
	uint64_t	 low = x & ~hi;
	uint64_t	 ge_a = low + one * (0x80 - 'A');
	uint64_t	 gt_z = low + one * (0x7f - 'Z');

	/* A byte is a letter when its low 7 bits are in A..Z, bit 7 clear. */
	return x | ((ge_a & ~gt_z & ~x & hi) >> 2);
}

uint64_t
wire_name_hash(const uint8_t *p, size_t n)
{
	uint64_t	 h = wire_hash_start(n), w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = wire_hash_word(h, w);
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = wire_hash_word(h, w);
	}
	return h;
}

void
wire_name_lower(uint8_t *name, size_t len)
{
	size_t	 i = 0, end;

	while (i < len && name[i] != 0) {
		end = i + 1 + name[i];
		for (i++; i < end && i < len; i++)
			name[i] = lower_tab[name[i]];
	}
}

int
wire_skip_name(const uint8_t *pkt, size_t len, size_t *off)
{
	size_t	 i = *off, total = 0;
	uint8_t	 c;

	for (;;) {
		if (i >= len)
			return -1;
		c = pkt[i];
		if ((c & 0xc0) == 0xc0) {
			if (i + 2 > len)
				return -1;
			*off = i + 2;
			return 0;
		}
		if (c & 0xc0)
			return -1;	/* 0x40 and 0x80 label types */
		total += c + 1;
		if (total > WIRE_MAX_NAME)
			return -1;
		i += c + 1;
		if (c == 0)
			break;
	}
	*off = i;
	return 0;
}

/* Parse the OPT RR whose RDATA is pkt[off..off+rdlen). */
static enum wire_verdict
parse_opt(const uint8_t *p, size_t rdlen, struct wire_query *q)
{
	size_t		 i = 0, alen;
	uint16_t	 code, olen;
	uint8_t		 mask;

	while (i < rdlen) {
		if (i + 4 > rdlen)
			return WIRE_FORMERR;
		code = wire_get16(p + i);
		olen = wire_get16(p + i + 2);
		i += 4;
		if (olen > rdlen - i)
			return WIRE_FORMERR;
		/* RFC 7871 7.1.1: one ECS option at most, scope 0 in a query. */
		if (code == WIRE_EDNS_ECS && q->ecs)
			return WIRE_FORMERR;
		if (code == WIRE_EDNS_ECS) {
			/* RFC 7871 section 6: malformed is FORMERR. */
			if (olen < 4 || p[i + 3] != 0)
				return WIRE_FORMERR;
			q->ecs_family = wire_get16(p + i);
			q->ecs_source = p[i + 2];
			if (q->ecs_family == 1 && q->ecs_source > 32)
				return WIRE_FORMERR;
			if (q->ecs_family == 2 && q->ecs_source > 128)
				return WIRE_FORMERR;
			if (q->ecs_family != 1 && q->ecs_family != 2)
				return WIRE_FORMERR;
			alen = (q->ecs_source + 7) / 8;
			if (olen != 4 + alen)
				return WIRE_FORMERR;
			memset(q->ecs_addr, 0, sizeof(q->ecs_addr));
			memcpy(q->ecs_addr, p + i + 4, alen);
			/* Bits past the source prefix must be zero. */
			if (q->ecs_source % 8 != 0) {
				mask = 0xff >> (q->ecs_source % 8);
				if (q->ecs_addr[alen - 1] & mask)
					return WIRE_FORMERR;
			}
			q->ecs = true;
		}
		/* RFC 5001 2.2: whatever payload the option carries is
		   ignored; a length past the OPT is FORMERR above. */
		if (code == WIRE_EDNS_NSID)
			q->nsid = true;
		/* The first COOKIE counts; a malformed one is FORMERR. */
		if (code == WIRE_EDNS_COOKIE && q->cookie_len == 0) {
			if (olen != 8 && (olen < 16 || olen > 40))
				return WIRE_FORMERR;
			q->cookie = p + i;
			q->cookie_len = olen;
		}
		/* Unknown options are ignored (RFC 6891 section 6.1.2). */
		i += olen;
	}
	return WIRE_OK;
}

enum wire_verdict
wire_parse_query(const uint8_t *pkt, size_t len, struct wire_query *q)
{
	size_t		 i, off, rdlen, nw;
	unsigned	 qd, an, ns, ar, n, c;
	uint64_t	 h, w;
	uint16_t	 type;
	uint32_t	 ttl;
	enum wire_verdict v;

	q->qend = 0;
	q->qname_len = 0;
	q->edns = q->ecs = q->nsid = false;
	q->cookie_len = 0;
	if (len < WIRE_HDR_LEN)
		return WIRE_DROP;
	q->id = wire_get16(pkt);
	q->flags = wire_get16(pkt + 2);
	if (q->flags & WIRE_QR)
		return WIRE_DROP;
	q->opcode = (q->flags >> 11) & 0xf;
	if (q->opcode != 0)
		return WIRE_NOTIMP;
	qd = wire_get16(pkt + 4);
	an = wire_get16(pkt + 6);
	ns = wire_get16(pkt + 8);
	ar = wire_get16(pkt + 10);
	if (qd != 1)
		return WIRE_FORMERR;

	/* The question name: plain labels only, no compression. */
	q->qname_off = off = WIRE_HDR_LEN;
	q->nlabels = 0;
	for (;;) {
		if (off >= len)
			return WIRE_FORMERR;
		c = pkt[off];
		if (c > 63)
			return WIRE_FORMERR;
		if (off - WIRE_HDR_LEN + c + 1 > WIRE_MAX_NAME)
			return WIRE_FORMERR;
		if (off + c + 1 > len)
			return WIRE_FORMERR;
		if (c == 0)
			break;
		q->label[q->nlabels++] = off - WIRE_HDR_LEN;
		off += c + 1;
	}
	off++;
	q->qname_len = n = off - WIRE_HDR_LEN;
	/*
	 * Lower case and hash a word at a time: length octets are below 64,
	 * so folding case leaves them alone; the last word ends in zeros.
	 */
	nw = (n + 7) / 8;
	memset(q->lname + (nw - 1) * 8, 0, 8);
	memcpy(q->lname, pkt + WIRE_HDR_LEN, n);
	h = wire_hash_start(n);
	for (i = 0; i < nw; i++) {
		memcpy(&w, q->lname + i * 8, 8);
		w = lower8(w);
		memcpy(q->lname + i * 8, &w, 8);
		h = wire_hash_word(h, w);
	}
	q->lhash = h;
	if (off + 4 > len)
		return WIRE_FORMERR;
	q->qtype = wire_get16(pkt + off);
	q->qclass = wire_get16(pkt + off + 2);
	q->qend = off += 4;

	if (an == 0 && ns == 0 && ar == 0)
		return WIRE_OK;
	/* The common case: one OPT, owned by the root, and nothing else. */
	if (an == 0 && ns == 0 && ar == 1 && off + 11 <= len &&
	    pkt[off] == 0 && wire_get16(pkt + off + 1) == WIRE_TYPE_OPT &&
	    off + 11 + wire_get16(pkt + off + 9) == len) {
		ttl = wire_get32(pkt + off + 5);
		q->edns = true;
		q->edns_udp = wire_get16(pkt + off + 3);
		q->edns_version = (ttl >> 16) & 0xff;
		q->edns_do = (ttl & 0x8000) != 0;
		if (q->edns_version != 0)
			return WIRE_BADVERS;
		return parse_opt(pkt + off + 11, len - off - 11, q);
	}

	/* Skip answer and authority records, then look for OPT. */
	for (n = 0; n < an + ns + ar; n++) {
		size_t	 owner = off;

		if (wire_skip_name(pkt, len, &off) == -1 || off + 10 > len)
			return WIRE_FORMERR;
		type = wire_get16(pkt + off);
		rdlen = wire_get16(pkt + off + 8);
		if (off + 10 + rdlen > len)
			return WIRE_FORMERR;
		if (type == WIRE_TYPE_OPT) {
			/* One OPT, in the additional section, owned by root. */
			if (n < an + ns || q->edns || pkt[owner] != 0)
				return WIRE_FORMERR;
			q->edns = true;
			q->edns_udp = wire_get16(pkt + off + 2);
			ttl = wire_get32(pkt + off + 4);
			q->edns_version = (ttl >> 16) & 0xff;
			q->edns_do = (ttl & 0x8000) != 0;
			/* RFC 6891 6.1.3: options of an unknown version are
			   not ours to judge. */
			if (q->edns_version != 0)
				return WIRE_BADVERS;
			v = parse_opt(pkt + off + 10, rdlen, q);
			if (v != WIRE_OK)
				return v;
		}
		off += 10 + rdlen;
	}
	if (q->edns && q->edns_version != 0)
		return WIRE_BADVERS;
	return WIRE_OK;
}

int
wire_name_text(const uint8_t *pkt, size_t len, size_t off, char *buf,
    size_t buflen, size_t *end)
{
	size_t		 o = 0, total = 0, i;
	uint8_t		 l, c;

	for (;;) {
		if (off >= len)
			return -1;
		l = pkt[off++];
		if (l == 0)
			break;
		if (l > 63 || off + l > len || (total += l + 1) > 254)
			return -1;
		for (i = 0; i < l; i++) {
			c = pkt[off + i];
			if (o + 5 > buflen)
				return -1;
			if (c == '.' || c == '\\')
				o += snprintf(buf + o, buflen - o, "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				o += snprintf(buf + o, buflen - o, "\\%03u", c);
			else
				buf[o++] = c;
		}
		off += l;
		if (o + 2 > buflen)
			return -1;
		buf[o++] = '.';
	}
	if (o == 0) {
		if (buflen < 2)
			return -1;
		buf[o++] = '.';
	}
	buf[o] = '\0';
	*end = off;
	return 0;
}
