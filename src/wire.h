/* wire.h -- hand-written DNS wire parsing for the query path (pure) */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_WIRE_H
#define STEER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WIRE_HDR_LEN		12
/* Offsets in the header. */
#define WIRE_OFF_ID		0
#define WIRE_OFF_FLAGS		2
#define WIRE_OFF_RCODE		3	/* low 4 bits of this byte */
#define WIRE_OFF_QDCOUNT	4
#define WIRE_OFF_ANCOUNT	6
#define WIRE_OFF_NSCOUNT	8
#define WIRE_OFF_ARCOUNT	10
/* Offsets in an OPT record (RFC 6891 6.1.2) from its root owner. */
#define WIRE_OPT_TYPE		1
#define WIRE_OPT_PAYLOAD	3	/* the CLASS field */
#define WIRE_OPT_EXT_RCODE	5	/* the TTL field: ext rcode, ... */
#define WIRE_OPT_VERSION	6
#define WIRE_OPT_FLAGS		7	/* ... DO and Z */
#define WIRE_OPT_RDLEN		9
#define WIRE_OPT_RDATA		11
/* Offsets in an address record written after a compressed owner. */
#define WIRE_RR_FIXED		12	/* pointer, type, class, TTL, rdlen */
#define WIRE_MAX_NAME		255
#define WIRE_MAX_LABELS		128
#define WIRE_OPT_LEN		11	/* OPT RR without options */

#define WIRE_TYPE_A		1
#define WIRE_TYPE_NS		2
#define WIRE_TYPE_CNAME		5
#define WIRE_TYPE_SOA		6
#define WIRE_TYPE_PTR		12
#define WIRE_TYPE_MX		15
#define WIRE_TYPE_TXT		16
#define WIRE_TYPE_AAAA		28
#define WIRE_TYPE_SRV		33
#define WIRE_TYPE_DNAME		39
#define WIRE_TYPE_OPT		41
#define WIRE_TYPE_DS		43
#define WIRE_TYPE_IXFR		251
#define WIRE_TYPE_AXFR		252
#define WIRE_TYPE_ANY		255
#define WIRE_CLASS_IN		1
#define WIRE_CLASS_CH		3

#define WIRE_RCODE_NOERROR	0
#define WIRE_RCODE_FORMERR	1
#define WIRE_RCODE_SERVFAIL	2
#define WIRE_RCODE_NXDOMAIN	3
#define WIRE_RCODE_NOTIMP	4
#define WIRE_RCODE_REFUSED	5
#define WIRE_RCODE_YXDOMAIN	6
#define WIRE_RCODE_BADVERS	16	/* extended: needs OPT */
#define WIRE_RCODE_BADCOOKIE	23	/* extended (RFC 7873) */

#define WIRE_EDNS_NSID		3	/* Name Server Identifier (RFC 5001) */
#define WIRE_EDNS_ECS		8	/* EDNS Client Subnet option code */
#define WIRE_EDNS_COOKIE	10	/* DNS cookies (RFC 7873) */
/*
 * The longest NSID we send.  With it, any question and our OPT with the
 * ECS echo fit in 512 bytes, so the option never has to be left out.
 */
#define WIRE_NSID_MAX		128

/* Header flag bits in the second 16-bit word. */
#define WIRE_QR		0x8000
#define WIRE_AA		0x0400
#define WIRE_TC		0x0200
#define WIRE_RD		0x0100
#define WIRE_RA		0x0080
#define WIRE_CD		0x0010

/* What the parser found; everything points into the caller's packet. */
struct wire_query {
	uint16_t	 id;
	uint16_t	 flags;		/* second header word as received */
	uint8_t		 opcode;
	size_t		 qname_off;	/* always WIRE_HDR_LEN */
	size_t		 qname_len;	/* wire length, root label included */
	size_t		 qend;		/* offset just past QTYPE/QCLASS */
	uint16_t	 qtype;
	uint16_t	 qclass;
	uint8_t		 nlabels;	/* labels before the root */
	uint8_t		 label[WIRE_MAX_LABELS]; /* offset of each label
					   in lname */
	uint8_t		 lname[WIRE_MAX_NAME + 9]; /* qname in lower case,
					   then zeros to a whole word */
	uint64_t	 lhash;		/* wire_name_hash() of lname */
	/* EDNS */
	bool		 edns;
	bool		 edns_do;
	uint8_t		 edns_version;
	uint16_t	 edns_udp;	/* requestor's payload size */
	bool		 nsid;		/* asked for our NSID (RFC 5001) */
	/* EDNS Client Subnet (RFC 7871) */
	bool		 ecs;
	uint8_t		 ecs_source;	/* source prefix length */
	uint16_t	 ecs_family;	/* 1 IPv4, 2 IPv6 */
	uint8_t		 ecs_addr[16];	/* zero-padded */
	/* DNS cookies (RFC 7873): the first COOKIE option, if any */
	uint8_t		 cookie_len;	/* 0: none; 8: client cookie only;
					   16..40: client and server */
	const uint8_t	*cookie;	/* its data, in the packet */
};

enum wire_verdict {
	WIRE_OK,	/* a question to answer */
	WIRE_DROP,	/* no reply at all: too short, or a response */
	WIRE_FORMERR,	/* reply FORMERR (header; question if parsed);
			   a COOKIE option of a length other than 8 or
			   16..40 too (RFC 7873 5.2.2) */
	WIRE_NOTIMP,	/* reply NOTIMP: opcode other than QUERY */
	WIRE_BADVERS,	/* reply BADVERS: EDNS version other than 0 */
};

/*
 * Parse a query: header, the single question, and the additional section
 * for OPT.  Fills *q as far as it got (q->qend is 0 when the question was
 * not parsed).  Never reads outside pkt[0..len).
 */
enum wire_verdict	 wire_parse_query(const uint8_t *pkt, size_t len,
			    struct wire_query *q);

/*
 * Skip a possibly compressed name starting at *off; on success *off points
 * past it.  Returns -1 when the name runs past len or is malformed.
 */
int			 wire_skip_name(const uint8_t *pkt, size_t len,
			    size_t *off);

/* Network byte order to host and back; memcpy() keeps them aligned-safe. */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	uint16_t	 v;

	memcpy(&v, p, 2);
	return __builtin_bswap16(v);
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	uint32_t	 v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

/*
 * The uncompressed name at pkt[off] as presentation text ("www.lb.example.",
 * with \DDD and \. escapes) into buf; *end is the offset past it.
 * Returns -1 when the name is malformed, compressed or does not fit.
 */
#define WIRE_NAME_TEXT_MAX	(255 * 4 + 2)
int			 wire_name_text(const uint8_t *pkt, size_t len,
			    size_t off, char *buf, size_t buflen, size_t *end);

/*
 * A 64-bit hash of a wire name (lower case), taken 8 bytes at a time with
 * the last word padded with zeros; a table mixes in its own seed.
 */
static inline uint64_t
wire_hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}
static inline uint64_t
wire_hash_start(size_t n)
{
	return n * 0x9e3779b97f4a7c15ULL;
}
uint64_t		 wire_name_hash(const uint8_t *, size_t);

/* Lower-case one name label by label in place (ASCII only). */
void			 wire_name_lower(uint8_t *name, size_t len);

#endif
