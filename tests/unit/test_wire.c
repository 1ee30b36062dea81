/* test_wire.c -- wire_parse_query() and the name helpers */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire.h"

/* Parse an exact-size heap copy of pkt, so that ASan sees overreads. */
static enum wire_verdict
parse(const uint8_t *pkt, size_t len, struct wire_query *q)
{
	uint8_t			*copy = tu_dup(pkt, len);
	enum wire_verdict	 v;

	memset(q, 0xa5, sizeof(*q));
	v = wire_parse_query(copy, len, q);
	free(copy);
	return v;
}

/* A query for name/qtype with one OPT RR carrying rdata. */
static size_t
edns_query(uint8_t *pkt, const char *name, uint16_t udp, uint8_t version,
    uint16_t flags, const uint8_t *rdata, size_t rdlen)
{
	size_t	 n;

	n = tu_query(pkt, 0x4242, WIRE_RD, name, WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(pkt + n, udp, 0, version, flags, rdata, rdlen);
	tu_count_add(pkt, 10, 1);
	return n;
}

/* A query whose OPT RR holds one ECS option. */
static enum wire_verdict
parse_ecs(uint16_t family, uint8_t source, const uint8_t *addr, size_t alen,
    struct wire_query *q)
{
	uint8_t	 pkt[512], opt[64];
	size_t	 n, olen;

	olen = tu_ecs(opt, family, source, 0, addr, alen);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	return parse(pkt, n, q);
}

static void
valid_query_fields(void **state)
{
	static const uint8_t	 lname[] = "\3www\7example\3com";
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 0xbeef, WIRE_RD | WIRE_CD, "WwW.ExAmple.COM.",
	    WIRE_TYPE_AAAA, WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.id, 0xbeef);
	assert_int_equal(q.flags, WIRE_RD | WIRE_CD);
	assert_int_equal(q.opcode, 0);
	assert_int_equal(q.qname_off, WIRE_HDR_LEN);
	assert_int_equal(q.qname_len, 17);
	assert_int_equal(q.qend, WIRE_HDR_LEN + 17 + 4);
	assert_int_equal(q.qend, n);
	assert_int_equal(q.qtype, WIRE_TYPE_AAAA);
	assert_int_equal(q.qclass, WIRE_CLASS_IN);
	assert_int_equal(q.nlabels, 3);
	assert_int_equal(q.label[0], 0);
	assert_int_equal(q.label[1], 4);
	assert_int_equal(q.label[2], 12);
	assert_memory_equal(q.lname, lname, sizeof(lname));
	assert_false(q.edns);
	assert_false(q.ecs);
}

static void
root_name_has_no_labels(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, ".", WIRE_TYPE_NS, WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 1);
	assert_int_equal(q.nlabels, 0);
	assert_int_equal(q.lname[0], 0);
	assert_int_equal(q.qend, WIRE_HDR_LEN + 5);
	assert_int_equal(q.qtype, WIRE_TYPE_NS);
}

static void
lower_case_only_ascii_letters(void **state)
{
	static const uint8_t	 name[] = { 6, 'A', 'Z', '@', '[', 0xc1, 'q',
				    0 };
	static const uint8_t	 want[] = { 6, 'a', 'z', '@', '[', 0xc1, 'q',
				    0 };
	uint8_t			 pkt[64];
	struct wire_query	 q;

	(void)state;
	memset(pkt, 0, WIRE_HDR_LEN);
	pkt[5] = 1;
	memcpy(pkt + WIRE_HDR_LEN, name, sizeof(name));
	memset(pkt + WIRE_HDR_LEN + sizeof(name), 0, 4);
	pkt[WIRE_HDR_LEN + sizeof(name) + 1] = 1;
	pkt[WIRE_HDR_LEN + sizeof(name) + 3] = 1;
	assert_int_equal(parse(pkt, WIRE_HDR_LEN + sizeof(name) + 4, &q),
	    WIRE_OK);
	assert_memory_equal(q.lname, want, sizeof(want));
	/* The packet itself is left as it was. */
	assert_int_equal(pkt[WIRE_HDR_LEN + 1], 'A');
}

static void
label_offsets_with_long_label(void **state)
{
	char			 name[128];
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	memset(name, 'x', 63);
	strcpy(name + 63, ".a.example.");
	n = tu_query(pkt, 1, 0, name, WIRE_TYPE_A, WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.nlabels, 3);
	assert_int_equal(q.label[0], 0);
	assert_int_equal(q.label[1], 64);
	assert_int_equal(q.label[2], 66);
	assert_int_equal(q.qname_len, 64 + 2 + 8 + 1);
}

static void
too_short_is_dropped(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n, len;

	(void)state;
	n = tu_query(pkt, 1, 0, "a.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	assert_true(n > WIRE_HDR_LEN);
	for (len = 0; len < WIRE_HDR_LEN; len++)
		assert_int_equal(parse(pkt, len, &q), WIRE_DROP);
}

static void
response_is_dropped(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, WIRE_QR | WIRE_AA, "a.example.", WIRE_TYPE_A,
	    WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_DROP);
	/* Even a response that is otherwise malformed. */
	tu_count_add(pkt, 4, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_DROP);
}

static void
opcodes_other_than_query_are_notimp(void **state)
{
	static const unsigned	 ops[] = { 1, 2, 4, 5, 6, 15 };
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < NITEMS(ops); i++) {
		n = tu_query(pkt, 7, (ops[i] << 11) | WIRE_RD, "a.example.",
		    WIRE_TYPE_SOA, WIRE_CLASS_IN);
		assert_int_equal(parse(pkt, n, &q), WIRE_NOTIMP);
		assert_int_equal(q.opcode, ops[i]);
		assert_int_equal(q.id, 7);
	}
}

static void
notify_and_status_are_notimp(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 4 << 11, "example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_NOTIMP);
	n = tu_query(pkt, 1, 2 << 11, "example.", WIRE_TYPE_SOA,
	    WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_NOTIMP);
	/* A NOTIFY without a question is NOTIMP too, not FORMERR. */
	pkt[5] = 0;
	pkt[2] = 4 << 3;
	assert_int_equal(parse(pkt, WIRE_HDR_LEN, &q), WIRE_NOTIMP);
}

static void
qdcount_zero_is_formerr(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x12;
	assert_int_equal(parse(pkt, WIRE_HDR_LEN, &q), WIRE_FORMERR);
	assert_int_equal(q.qend, 0);
	assert_int_equal(q.id, 0x1200);
}

static void
qdcount_two_is_formerr(void **state)
{
	uint8_t			 pkt[128];
	struct wire_query	 q;
	size_t			 n, m;

	(void)state;
	n = tu_query(pkt, 1, 0, "a.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	m = tu_query(pkt + n, 0, 0, "b.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	memmove(pkt + n, pkt + n + WIRE_HDR_LEN, m - WIRE_HDR_LEN);
	n += m - WIRE_HDR_LEN;
	tu_count_add(pkt, 4, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	assert_int_equal(q.qend, 0);
}

static void
every_truncation_of_question_is_formerr(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n, len;

	(void)state;
	n = tu_query(pkt, 1, 0, "abc.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	for (len = WIRE_HDR_LEN; len < n; len++) {
		assert_int_equal(parse(pkt, len, &q), WIRE_FORMERR);
		assert_int_equal(q.qend, 0);
	}
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
}

static void
missing_qtype_bytes_is_formerr(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n - 1, &q), WIRE_FORMERR);
	assert_int_equal(parse(pkt, n - 4, &q), WIRE_FORMERR);
	assert_int_equal(q.qend, 0);
}

static void
label_of_63_ok_64_formerr(void **state)
{
	uint8_t			 pkt[128];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[5] = 1;
	pkt[WIRE_HDR_LEN] = 63;
	memset(pkt + WIRE_HDR_LEN + 1, 'a', 63);
	n = WIRE_HDR_LEN + 1 + 63 + 1 + 4;
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 65);

	pkt[WIRE_HDR_LEN] = 64;
	memset(pkt + WIRE_HDR_LEN + 1, 'a', 64);
	pkt[WIRE_HDR_LEN + 65] = 0;
	n = WIRE_HDR_LEN + 1 + 64 + 1 + 4;
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

/* A name of exactly total wire bytes made of labels of up to 63. */
static size_t
long_query(uint8_t *pkt, size_t total)
{
	size_t	 off = WIRE_HDR_LEN, left = total - 1, l;

	memset(pkt, 0, WIRE_HDR_LEN);
	pkt[5] = 1;
	while (left > 0) {
		l = left - 1 > 63 ? 63 : left - 1;
		if (left - (l + 1) == 1)
			l--;		/* no label of length 0 at the end */
		pkt[off] = l;
		memset(pkt + off + 1, 'x', l);
		off += l + 1;
		left -= l + 1;
	}
	pkt[off++] = 0;
	assert_int_equal(off - WIRE_HDR_LEN, total);
	memset(pkt + off, 0, 4);
	pkt[off + 1] = 1;
	pkt[off + 3] = 1;
	return off + 4;
}

static void
name_of_255_ok_256_formerr(void **state)
{
	uint8_t			 pkt[600];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = long_query(pkt, 255);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 255);
	assert_int_equal(q.lname[254], 0);
	n = long_query(pkt, 256);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	n = long_query(pkt, 300);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
most_labels_fit(void **state)
{
	uint8_t			 pkt[600];
	struct wire_query	 q;
	size_t			 i, off = WIRE_HDR_LEN;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[5] = 1;
	/* 127 labels of one byte: 254 bytes and the root. */
	for (i = 0; i < 127; i++) {
		pkt[off++] = 1;
		pkt[off++] = 'A';
	}
	pkt[off++] = 0;
	pkt[off + 1] = 1;
	pkt[off + 3] = 1;
	assert_int_equal(parse(pkt, off + 4, &q), WIRE_OK);
	assert_int_equal(q.nlabels, 127);
	assert_int_equal(q.label[126], 252);
	assert_int_equal(q.lname[253], 'a');
	assert_int_equal(q.qname_len, 255);
}

static void
compression_in_question_is_formerr(void **state)
{
	uint8_t			 pkt[64];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	memset(pkt, 0, sizeof(pkt));
	pkt[5] = 1;
	n = WIRE_HDR_LEN;
	pkt[n++] = 1;
	pkt[n++] = 'a';
	pkt[n++] = 0xc0;
	pkt[n++] = WIRE_HDR_LEN;
	pkt[n + 1] = 1;
	pkt[n + 3] = 1;
	assert_int_equal(parse(pkt, n + 4, &q), WIRE_FORMERR);
	assert_int_equal(q.qend, 0);
}

static void
extended_label_types_are_formerr(void **state)
{
	static const uint8_t	 types[] = { 0x40, 0x41, 0x80, 0xbf };
	uint8_t			 pkt[128];
	struct wire_query	 q;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(types); i++) {
		memset(pkt, 0, sizeof(pkt));
		pkt[5] = 1;
		pkt[WIRE_HDR_LEN] = types[i];
		pkt[WIRE_HDR_LEN + 1] = 1;
		assert_int_equal(parse(pkt, 100, &q), WIRE_FORMERR);
	}
}

static void
edns_payload_and_do_bit(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 4096, 0, 0x8000, NULL, 0);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.edns);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_udp, 4096);
	assert_int_equal(q.edns_version, 0);
	assert_false(q.ecs);

	n = edns_query(pkt, "www.example.", 512, 0, 0x7fff, NULL, 0);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.edns);
	assert_false(q.edns_do);
	assert_int_equal(q.edns_udp, 512);
}

static void
edns_small_payload_kept_as_sent(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 100, 0, 0, NULL, 0);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_int_equal(q.edns_udp, 100);
}

static void
edns_version_1_is_badvers(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 1, 0x8000, NULL, 0);
	assert_int_equal(parse(pkt, n, &q), WIRE_BADVERS);
	assert_true(q.edns);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_version, 1);
	assert_int_equal(q.qend, WIRE_HDR_LEN + 13 + 4);
	n = edns_query(pkt, "www.example.", 1232, 255, 0, NULL, 0);
	assert_int_equal(parse(pkt, n, &q), WIRE_BADVERS);
}

/*
 * RFC 6891 6.1.3: a version we do not implement is BADVERS; its options
 * are not ours to judge, even one that would be a malformed ECS in 0.
 */
static void
badvers_before_option_checks(void **state)
{
	static const uint8_t	 opt[] = { 0, 8, 0, 2, 0, 1 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 1, 0, opt, sizeof(opt));
	assert_int_equal(parse(pkt, n, &q), WIRE_BADVERS);
}

static void
two_opts_are_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 0, 0, NULL, 0);
	n += tu_opt(pkt + n, 1232, 0, 0, 0, NULL, 0);
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	/* The question was parsed and can be echoed. */
	assert_int_equal(q.qend, WIRE_HDR_LEN + 13 + 4);
}

static void
opt_in_answer_section_is_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(pkt + n, 1232, 0, 0, 0, NULL, 0);
	tu_count_add(pkt, 6, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
opt_in_authority_section_is_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(pkt + n, 1232, 0, 0, 0, NULL, 0);
	tu_count_add(pkt, 8, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
opt_with_non_root_owner_is_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	/* Owner "www.example." by a pointer to the question. */
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	n += tu_opt(pkt + n + 1, 1232, 0, 0, 0, NULL, 0) + 1;
	pkt[n - 12] = 0xc0;
	pkt[n - 11] = WIRE_HDR_LEN;
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);

	/* An owner written out in full. */
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	pkt[n++] = 1;
	pkt[n++] = 'x';
	n += tu_opt(pkt + n, 1232, 0, 0, 0, NULL, 0);
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
unknown_option_is_ignored(void **state)
{
	/* Two options of the local/experimental range (RFC 6891 9). */
	static const uint8_t	 opt[] = { 0xfd, 0xe9, 0, 3, 'a', 'b', 'c',
				    0xfd, 0xea, 0, 0 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, sizeof(opt));
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.edns);
	assert_false(q.ecs);
}

static void
truncated_option_is_formerr(void **state)
{
	static const uint8_t	 longer[] = { 0xfd, 0xe9, 0, 10, 'a', 'b',
				    'c' };
	static const uint8_t	 partial[] = { 0xfd, 0xe9, 0 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 0, 0, longer,
	    sizeof(longer));
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, partial,
	    sizeof(partial));
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
rdata_past_the_end_is_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 0, 0, NULL, 0);
	pkt[n - 1] = 4;		/* RDLENGTH 4, no RDATA */
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	assert_int_equal(parse(pkt, n - 1, &q), WIRE_FORMERR);
}

static void
records_before_opt_are_skipped(void **state)
{
	static const uint8_t	 ans[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 1,
				    0, 0, 4, 192, 0, 2, 1 };
	static const uint8_t	 auth[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l',
				    'e', 0, 0, 2, 0, 1, 0, 0, 0, 60, 0, 2,
				    0xc0, 12 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	memcpy(pkt + n, ans, sizeof(ans));
	n += sizeof(ans);
	memcpy(pkt + n, auth, sizeof(auth));
	n += sizeof(auth);
	n += tu_opt(pkt + n, 2048, 0, 0, 0x8000, NULL, 0);
	tu_count_add(pkt, 6, 1);
	tu_count_add(pkt, 8, 1);
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.edns);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_udp, 2048);
	/* Cut anywhere in the records: FORMERR. */
	assert_int_equal(parse(pkt, n - 1, &q), WIRE_FORMERR);
	assert_int_equal(parse(pkt, n - 11, &q), WIRE_FORMERR);
	assert_int_equal(parse(pkt, n - 12, &q), WIRE_FORMERR);
	assert_int_equal(parse(pkt, 31 + 5, &q), WIRE_FORMERR);
}

static void
counted_records_missing_is_formerr(void **state)
{
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	assert_int_equal(q.qend, n);
	tu_count_add(pkt, 10, 0xfffe);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
ecs_ipv4_24_is_parsed(void **state)
{
	static const uint8_t	 addr[] = { 192, 0, 2 };
	static const uint8_t	 want[16] = { 192, 0, 2 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(1, 24, addr, 3, &q), WIRE_OK);
	assert_true(q.edns);
	assert_true(q.ecs);
	assert_int_equal(q.ecs_family, 1);
	assert_int_equal(q.ecs_source, 24);
	assert_memory_equal(q.ecs_addr, want, 16);
}

static void
ecs_ipv6_56_is_parsed(void **state)
{
	static const uint8_t	 addr[] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2,
				    3 };
	static const uint8_t	 want[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2,
				    3 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(2, 56, addr, 7, &q), WIRE_OK);
	assert_true(q.ecs);
	assert_int_equal(q.ecs_family, 2);
	assert_int_equal(q.ecs_source, 56);
	assert_memory_equal(q.ecs_addr, want, 16);
}

static void
ecs_full_lengths_are_parsed(void **state)
{
	static const uint8_t	 a4[] = { 198, 51, 100, 7 };
	uint8_t			 a6[16];
	struct wire_query	 q;

	(void)state;
	memset(a6, 0xff, sizeof(a6));
	assert_int_equal(parse_ecs(1, 32, a4, 4, &q), WIRE_OK);
	assert_memory_equal(q.ecs_addr, a4, 4);
	assert_int_equal(parse_ecs(2, 128, a6, 16, &q), WIRE_OK);
	assert_memory_equal(q.ecs_addr, a6, 16);
}

/* RFC 7871 7.1.1: a query's scope is 0, and one ECS option at most. */
static void
ecs_scope_or_second_option_is_formerr(void **state)
{
	static const uint8_t	 addr[] = { 192, 0, 2 };
	uint8_t			 pkt[512], opt[64];
	struct wire_query	 q;
	size_t			 n, olen;

	(void)state;
	olen = tu_ecs(opt, 1, 24, 24, addr, 3);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	olen = tu_ecs(opt, 1, 24, 0, addr, 3);
	olen += tu_ecs(opt + olen, 1, 24, 0, addr, 3);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	/* Even when the second is the same, or malformed. */
	olen = tu_ecs(opt, 1, 24, 0, addr, 3);
	olen += tu_ecs(opt + olen, 9, 24, 0, addr, 3);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
	olen = tu_ecs(opt, 1, 24, 0, addr, 3);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
}

static void
ecs_source_zero_is_parsed(void **state)
{
	static const uint8_t	 zero[16];
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(1, 0, NULL, 0, &q), WIRE_OK);
	assert_true(q.ecs);
	assert_int_equal(q.ecs_source, 0);
	assert_int_equal(q.ecs_family, 1);
	assert_memory_equal(q.ecs_addr, zero, 16);
	assert_int_equal(parse_ecs(2, 0, NULL, 0, &q), WIRE_OK);
	assert_int_equal(q.ecs_family, 2);
}

static void
ecs_source_too_long_is_formerr(void **state)
{
	uint8_t			 addr[17];
	struct wire_query	 q;

	(void)state;
	memset(addr, 0, sizeof(addr));
	assert_int_equal(parse_ecs(1, 33, addr, 5, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(2, 129, addr, 17, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(1, 255, addr, 0, &q), WIRE_FORMERR);
}

static void
ecs_unknown_family_is_formerr(void **state)
{
	static const uint8_t	 addr[] = { 10 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(3, 8, addr, 1, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(0, 0, NULL, 0, &q), WIRE_FORMERR);
}

static void
ecs_address_length_must_match_source(void **state)
{
	static const uint8_t	 addr[] = { 192, 0, 128, 0 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(1, 24, addr, 4, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(1, 24, addr, 2, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(1, 0, addr, 1, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(1, 17, addr, 3, &q), WIRE_OK);
	assert_int_equal(parse_ecs(1, 17, addr, 2, &q), WIRE_FORMERR);
}

static void
ecs_bits_past_prefix_are_formerr(void **state)
{
	static const uint8_t	 a23[] = { 192, 0, 3 };
	static const uint8_t	 a23ok[] = { 192, 0, 2 };
	static const uint8_t	 a1[] = { 0xc0 };
	static const uint8_t	 a1ok[] = { 0x80 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_ecs(1, 23, a23, 3, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(1, 23, a23ok, 3, &q), WIRE_OK);
	assert_int_equal(parse_ecs(2, 1, a1, 1, &q), WIRE_FORMERR);
	assert_int_equal(parse_ecs(2, 1, a1ok, 1, &q), WIRE_OK);
}

static void
ecs_option_too_short_is_formerr(void **state)
{
	static const uint8_t	 opt[] = { 0, 8, 0, 3, 0, 1, 0 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, sizeof(opt));
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
ecs_after_other_options_is_parsed(void **state)
{
	uint8_t			 pkt[512], opt[64];
	static const uint8_t	 addr[] = { 10, 1 };
	struct wire_query	 q;
	size_t			 n, olen = 0;

	(void)state;
	/* A cookie-like option, then ECS 10.1/16. */
	opt[olen++] = 0;
	opt[olen++] = 10;
	opt[olen++] = 0;
	opt[olen++] = 8;
	memset(opt + olen, 0x55, 8);
	olen += 8;
	olen += tu_ecs(opt + olen, 1, 16, 0, addr, 2);
	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.ecs);
	assert_int_equal(q.ecs_source, 16);
	assert_int_equal(q.ecs_addr[0], 10);
	assert_int_equal(q.ecs_addr[1], 1);
	assert_int_equal(q.ecs_addr[2], 0);
}

/* A query whose OPT RR holds the options in opt. */
static enum wire_verdict
parse_opts(const uint8_t *opt, size_t olen, struct wire_query *q)
{
	uint8_t	 pkt[512];
	size_t	 n;

	n = edns_query(pkt, "www.example.", 1232, 0, 0, opt, olen);
	return parse(pkt, n, q);
}

static void
nsid_request_is_parsed(void **state)
{
	static const uint8_t	 nsid[] = { 0, 3, 0, 0 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_opts(nsid, sizeof(nsid), &q), WIRE_OK);
	assert_true(q.edns);
	assert_true(q.nsid);
	assert_false(q.ecs);
}

static void
nsid_absent_is_not_asked(void **state)
{
	static const uint8_t	 other[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6,
				    7, 8 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	assert_int_equal(parse_opts(NULL, 0, &q), WIRE_OK);
	assert_true(q.edns);
	assert_false(q.nsid);
	assert_int_equal(parse_opts(other, sizeof(other), &q), WIRE_OK);
	assert_false(q.nsid);
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_false(q.edns);
	assert_false(q.nsid);
}

/* RFC 5001 2.2: a server ignores what a request carries in the option. */
static void
nsid_payload_in_query_is_ignored(void **state)
{
	static const uint8_t	 nsid[] = { 0, 3, 0, 2, 'n', 's' };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_opts(nsid, sizeof(nsid), &q), WIRE_OK);
	assert_true(q.nsid);
}

static void
nsid_bad_lengths_are_formerr(void **state)
{
	static const uint8_t	 past[] = { 0, 3, 0, 5, 'a' };
	static const uint8_t	 header[] = { 0, 3, 0 };
	static const uint8_t	 after[] = { 0, 3, 0, 0, 0, 10, 0, 9, 1 };
	struct wire_query	 q;

	(void)state;
	assert_int_equal(parse_opts(past, sizeof(past), &q), WIRE_FORMERR);
	assert_int_equal(parse_opts(header, sizeof(header), &q),
	    WIRE_FORMERR);
	/* A good NSID, then an option that runs past the OPT. */
	assert_int_equal(parse_opts(after, sizeof(after), &q), WIRE_FORMERR);
}

static void
nsid_beside_ecs_either_order(void **state)
{
	static const uint8_t	 addr[] = { 192, 0, 2 };
	static const uint8_t	 nsid[] = { 0, 3, 0, 0 };
	uint8_t			 opt[64];
	struct wire_query	 q;
	size_t			 olen;

	(void)state;
	memcpy(opt, nsid, 4);
	olen = 4 + tu_ecs(opt + 4, 1, 24, 0, addr, 3);
	assert_int_equal(parse_opts(opt, olen, &q), WIRE_OK);
	assert_true(q.nsid);
	assert_true(q.ecs);
	assert_int_equal(q.ecs_source, 24);
	olen = tu_ecs(opt, 1, 24, 0, addr, 3);
	memcpy(opt + olen, nsid, 4);
	olen += 4;
	assert_int_equal(parse_opts(opt, olen, &q), WIRE_OK);
	assert_true(q.nsid);
	assert_true(q.ecs);
	/* A bad ECS beside it is still FORMERR. */
	olen = tu_ecs(opt, 1, 24, 0, addr, 2);
	memcpy(opt + olen, nsid, 4);
	olen += 4;
	assert_int_equal(parse_opts(opt, olen, &q), WIRE_FORMERR);
}

/* The OPT after other records: the slow path reads options alike. */
static void
nsid_after_other_records_is_parsed(void **state)
{
	static const uint8_t	 ans[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 1,
				    0, 0, 4, 192, 0, 2, 1 };
	static const uint8_t	 nsid[] = { 0, 3, 0, 0 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 n;

	(void)state;
	n = tu_query(pkt, 1, 0, "www.example.", WIRE_TYPE_A, WIRE_CLASS_IN);
	memcpy(pkt + n, ans, sizeof(ans));
	n += sizeof(ans);
	n += tu_opt(pkt + n, 1232, 0, 0, 0, nsid, sizeof(nsid));
	tu_count_add(pkt, 6, 1);
	tu_count_add(pkt, 10, 1);
	assert_int_equal(parse(pkt, n, &q), WIRE_OK);
	assert_true(q.nsid);
	pkt[n - 1] = 1;		/* NSID length 1, past the OPT */
	assert_int_equal(parse(pkt, n, &q), WIRE_FORMERR);
}

static void
skip_name_plain_and_compressed(void **state)
{
	static const uint8_t	 pkt[] = { 1, 'a', 0, 0xc0, 0, 1, 'b', 0xc0,
				    0, 0x40, 0 };
	size_t			 off;

	(void)state;
	off = 0;
	assert_int_equal(wire_skip_name(pkt, sizeof(pkt), &off), 0);
	assert_int_equal(off, 3);
	assert_int_equal(wire_skip_name(pkt, sizeof(pkt), &off), 0);
	assert_int_equal(off, 5);
	assert_int_equal(wire_skip_name(pkt, sizeof(pkt), &off), 0);
	assert_int_equal(off, 9);
	/* Label type 0x40. */
	assert_int_equal(wire_skip_name(pkt, sizeof(pkt), &off), -1);
	/* A pointer cut in half, a label running off the end. */
	off = 3;
	assert_int_equal(wire_skip_name(pkt, 4, &off), -1);
	off = 0;
	assert_int_equal(wire_skip_name(pkt, 2, &off), -1);
	off = sizeof(pkt);
	assert_int_equal(wire_skip_name(pkt, sizeof(pkt), &off), -1);
}

static void
skip_name_longer_than_255_fails(void **state)
{
	uint8_t		 pkt[600];
	size_t		 off = 0, i;

	(void)state;
	/* Five labels of 63: 320 bytes. */
	for (i = 0; i < 5; i++) {
		pkt[i * 64] = 63;
		memset(pkt + i * 64 + 1, 'x', 63);
	}
	pkt[320] = 0;
	assert_int_equal(wire_skip_name(pkt, 321, &off), -1);
	/* Four: 257 bytes with the root. */
	pkt[256] = 0;
	off = 0;
	assert_int_equal(wire_skip_name(pkt, 257, &off), -1);
	/* Three labels of 63 and one of 62: 256 with the root. */
	pkt[192] = 62;
	pkt[255] = 0;
	off = 0;
	assert_int_equal(wire_skip_name(pkt, 256, &off), -1);
	/* Three labels of 63 and one of 61: 255. */
	pkt[192] = 61;
	pkt[254] = 0;
	off = 0;
	assert_int_equal(wire_skip_name(pkt, 255, &off), 0);
	assert_int_equal(off, 255);
}

static void
name_lower_stops_at_root(void **state)
{
	uint8_t		 name[] = { 2, 'A', 'B', 1, 'C', 0, 'D' };
	static const uint8_t want[] = { 2, 'a', 'b', 1, 'c', 0, 'D' };

	(void)state;
	wire_name_lower(name, sizeof(name));
	assert_memory_equal(name, want, sizeof(want));
}

/*
 * Comparison with ldns: queries that ldns builds parse to the same
 * question and EDNS values.
 */
struct gen {
	const char	*name;
	uint16_t	 qtype, qclass;
	bool		 rd;
	uint16_t	 udp;		/* 0: no EDNS */
	bool		 do_bit;
	int		 ecs;		/* 0 none, 4 or 6 */
	bool		 nsid;		/* ask for the NSID */
};

static const struct gen gens[] = {
	{ "www.example.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, true, 0, false,
	    0, false },
	{ "WWW.Example.", LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN, false, 512,
	    false, 0, true },
	{ ".", LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN, true, 4096, true, 0, false },
	{ "a.b.c.d.e.f.g.h.i.j.example.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH,
	    true, 1232, true, 4, true },
	{ "xn--bcher-kva.example.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN, false,
	    1400, false, 6, false },
	{ "_sip._udp.Example.NET.", LDNS_RR_TYPE_SRV, LDNS_RR_CLASS_IN, true,
	    65535, true, 4, false },
	{ "x.", LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_ANY, false, 0, false, 0,
	    false },
	{ "a-very-long-label-that-is-exactly-at-the-limit-of-63-characters"
	    ".example.", 65280, 65280, true, 1, true, 6, true },
	{ "id.server.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, false, 1232,
	    false, 0, true },
};

static ldns_pkt *
gen_pkt(const struct gen *g, uint16_t id)
{
	static const uint8_t	 e4[] = { 0, 1, 24, 0, 192, 0, 2 };
	static const uint8_t	 e6[] = { 0, 2, 48, 0, 0x20, 1, 0x0d, 0xb8,
				    0xab, 0xcd };
	ldns_edns_option_list	*l;
	ldns_pkt		*p = NULL;

	assert_int_equal(ldns_pkt_query_new_frm_str(&p, g->name, g->qtype,
	    g->qclass, g->rd ? LDNS_RD : 0), LDNS_STATUS_OK);
	ldns_pkt_set_id(p, id);
	if (g->udp != 0) {
		ldns_pkt_set_edns_udp_size(p, g->udp);
		ldns_pkt_set_edns_do(p, g->do_bit);
	}
	if (g->ecs != 0 || g->nsid) {
		l = ldns_edns_option_list_new();
		if (g->nsid)
			assert_true(ldns_edns_option_list_push(l,
			    ldns_edns_new_from_data(LDNS_EDNS_NSID, 0, NULL)));
		if (g->ecs != 0)
			assert_true(ldns_edns_option_list_push(l,
			    ldns_edns_new_from_data(LDNS_EDNS_CLIENT_SUBNET,
			    g->ecs == 4 ? sizeof(e4) : sizeof(e6),
			    g->ecs == 4 ? e4 : e6)));
		ldns_pkt_set_edns_option_list(p, l);
	}
	return p;
}

/* Does ldns see an NSID option in the OPT of p? */
static bool
ldns_has_nsid(ldns_pkt *p)
{
	ldns_edns_option_list	*l = ldns_pkt_edns_get_option_list(p);
	size_t			 i;

	for (i = 0; l != NULL && i < ldns_edns_option_list_get_count(l); i++)
		if (ldns_edns_get_code(ldns_edns_option_list_get_option(l, i)) ==
		    LDNS_EDNS_NSID)
			return true;
	return false;
}

/* Do our question and EDNS values equal those ldns parsed? */
static void
assert_same_as_ldns(const struct wire_query *q, ldns_pkt *p)
{
	ldns_rr		*qr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	ldns_rdf	*owner;

	assert_non_null(qr);
	owner = ldns_rdf_clone(ldns_rr_owner(qr));
	ldns_dname2canonical(owner);
	assert_int_equal(q->id, ldns_pkt_id(p));
	assert_int_equal((q->flags & WIRE_RD) != 0, ldns_pkt_rd(p));
	assert_int_equal(q->qname_len, ldns_rdf_size(owner));
	assert_memory_equal(q->lname, ldns_rdf_data(owner), q->qname_len);
	assert_int_equal(q->nlabels, ldns_dname_label_count(owner));
	assert_int_equal(q->qtype, ldns_rr_get_type(qr));
	assert_int_equal(q->qclass, ldns_rr_get_class(qr));
	assert_int_equal(q->edns, ldns_pkt_edns(p));
	if (q->edns) {
		assert_int_equal(q->edns_udp, ldns_pkt_edns_udp_size(p));
		assert_int_equal(q->edns_do, ldns_pkt_edns_do(p));
		assert_int_equal(q->edns_version, ldns_pkt_edns_version(p));
		assert_int_equal(q->nsid, ldns_has_nsid(p));
	}
	ldns_rdf_deep_free(owner);
}

static void
agrees_with_ldns_on_generated_queries(void **state)
{
	struct wire_query	 q;
	ldns_pkt		*p, *back;
	uint8_t			*w;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < NITEMS(gens); i++) {
		p = gen_pkt(&gens[i], 1000 + i);
		w = tu_pkt2wire(p, &n);
		assert_int_equal(parse(w, n, &q), WIRE_OK);
		assert_int_equal(q.qend, WIRE_HDR_LEN + q.qname_len + 4);
		back = tu_wire2pkt(w, n);
		assert_same_as_ldns(&q, back);
		/* And against what we asked ldns to build. */
		assert_int_equal(q.edns, gens[i].udp != 0);
		if (q.edns) {
			assert_int_equal(q.edns_udp, gens[i].udp);
			assert_int_equal(q.edns_do, gens[i].do_bit);
		}
		assert_int_equal(q.ecs, gens[i].ecs != 0);
		assert_int_equal(q.nsid, gens[i].nsid && gens[i].udp != 0);
		if (gens[i].ecs == 4) {
			assert_int_equal(q.ecs_family, 1);
			assert_int_equal(q.ecs_source, 24);
			assert_int_equal(q.ecs_addr[2], 2);
		} else if (gens[i].ecs == 6) {
			assert_int_equal(q.ecs_family, 2);
			assert_int_equal(q.ecs_source, 48);
			assert_int_equal(q.ecs_addr[5], 0xcd);
		}
		ldns_pkt_free(back);
		ldns_pkt_free(p);
		free(w);
	}
}

/* Invariants of a successful parse that hold whatever the input. */
static void
assert_sane(const uint8_t *pkt, size_t len, const struct wire_query *q)
{
	size_t	 i, off = 0, l;

	assert_true(q->qend <= len);
	assert_true(q->qname_len >= 1 && q->qname_len <= WIRE_MAX_NAME);
	assert_int_equal(q->qend, WIRE_HDR_LEN + q->qname_len + 4);
	for (i = 0; i < q->nlabels; i++) {
		assert_int_equal(q->label[i], off);
		l = q->lname[off];
		assert_true(l >= 1 && l <= 63);
		off += l + 1;
	}
	assert_int_equal(q->lname[off], 0);
	assert_int_equal(off + 1, q->qname_len);
	for (i = 0; i < q->qname_len; i++)
		assert_int_equal(q->lname[i], (pkt[WIRE_HDR_LEN + i] >= 'A' &&
		    pkt[WIRE_HDR_LEN + i] <= 'Z') ? pkt[WIRE_HDR_LEN + i] + 32 :
		    pkt[WIRE_HDR_LEN + i]);
	assert_int_equal(q->qtype, (pkt[q->qend - 4] << 8) | pkt[q->qend - 3]);
	if (q->ecs) {
		assert_true(q->edns);
		assert_true(q->ecs_family == 1 || q->ecs_family == 2);
		assert_true(q->ecs_source <= (q->ecs_family == 1 ? 32 : 128));
	}
}

static void
fuzzed_queries_stay_in_bounds_and_agree_with_ldns(void **state)
{
	ldns_pkt		*p, *lp;
	uint8_t			*seeds[NITEMS(gens) + 1], buf[1024], *copy;
	size_t			 seedlen[NITEMS(gens) + 1], nseeds = 0;
	size_t			 i, k, len, nmut, pos;
	struct wire_query	 q;
	enum wire_verdict	 v;
	unsigned long		 both = 0, ok = 0;

	(void)state;
	for (i = 0; i < NITEMS(gens); i++) {
		p = gen_pkt(&gens[i], i);
		seeds[nseeds] = tu_pkt2wire(p, &seedlen[nseeds]);
		nseeds++;
		ldns_pkt_free(p);
	}
	/* A query with an answer and an authority record before OPT. */
	len = tu_query(buf, 9, 0, "www.example.", 1, 1);
	memcpy(buf + len, "\xc0\x0c\0\1\0\1\0\0\0\1\0\4\1\2\3\4"
	    "\xc0\x0c\0\2\0\1\0\0\0\1\0\2\xc0\x0c", 30);
	len += 30;
	len += tu_opt(buf + len, 1232, 0, 0, 0x8000, NULL, 0);
	buf[7] = buf[9] = buf[11] = 1;
	seeds[nseeds] = tu_dup(buf, len);
	seedlen[nseeds++] = len;

	srand(1);
	for (i = 0; i < 100000; i++) {
		k = rand() % nseeds;
		len = seedlen[k];
		memcpy(buf, seeds[k], len);
		nmut = 1 + rand() % 4;
		while (nmut-- > 0) {
			switch (rand() % 5) {
			case 0:		/* truncate */
				len = rand() % (len + 1);
				break;
			case 1:		/* grow with random bytes */
				for (pos = rand() % 16; pos > 0 &&
				    len < sizeof(buf); pos--)
					buf[len++] = rand();
				break;
			case 2:		/* one bit */
				if (len > 0)
					buf[rand() % len] ^= 1 << (rand() % 8);
				break;
			default:	/* one byte, often a count or length */
				if (len > 0) {
					pos = rand() % 3 == 0 ?
					    (size_t)(4 + rand() % 8) :
					    (size_t)rand() % len;
					if (pos < len)
						buf[pos] = rand();
				}
				break;
			}
		}
		copy = tu_dup(buf, len);
		memset(&q, 0, sizeof(q));
		v = wire_parse_query(copy, len, &q);
		if (v == WIRE_OK) {
			ok++;
			assert_sane(copy, len, &q);
			lp = NULL;
			if (ldns_wire2pkt(&lp, copy, len) == LDNS_STATUS_OK) {
				both++;
				assert_same_as_ldns(&q, lp);
			}
			ldns_pkt_free(lp);
		} else if (v == WIRE_DROP)
			assert_true(len < WIRE_HDR_LEN ||
			    (copy[2] & 0x80) != 0);
		else if (v == WIRE_NOTIMP)
			assert_true(((copy[2] >> 3) & 0xf) != 0);
		else if (v == WIRE_BADVERS)
			assert_true(q.edns && q.edns_version != 0);
		free(copy);
	}
	/* The loop really exercised both parsers. */
	assert_true(ok > 1000);
	assert_true(both > 1000);
	for (i = 0; i < nseeds; i++)
		free(seeds[i]);
}

static void
name_text_escapes(void **state)
{
	static const uint8_t	 q[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    3, 'w', '.', 'w', 2, 0x01, ' ', 2, 'l',
				    '\\', 0, 0, 1 };
	static const uint8_t	 root[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0, 0, 0, 0, 1 };
	static const uint8_t	 ptr[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0, 0, 0xc0, 12 };
	char			 buf[WIRE_NAME_TEXT_MAX];
	size_t			 end;

	(void)state;
	assert_int_equal(wire_name_text(q, sizeof(q), 12, buf, sizeof(buf),
	    &end), 0);
	assert_string_equal(buf, "w\\.w.\\001\\032.l\\\\.");
	assert_int_equal(end, sizeof(q) - 2);
	assert_int_equal(wire_name_text(root, sizeof(root), 12, buf,
	    sizeof(buf), &end), 0);
	assert_string_equal(buf, ".");
	/* Compressed or truncated names, a buffer too small. */
	assert_int_equal(wire_name_text(ptr, sizeof(ptr), 12, buf,
	    sizeof(buf), &end), -1);
	assert_int_equal(wire_name_text(q, 15, 12, buf, sizeof(buf), &end),
	    -1);
	assert_int_equal(wire_name_text(q, sizeof(q), 12, buf, 6, &end), -1);
}

/* RFC 7873 5.2.2: 8 bytes, or 16 to 40; every other length is FORMERR. */
static void
cookie_lengths(void **state)
{
	uint8_t			 opt[4 + 48], pkt[512];
	struct wire_query	 q;
	size_t			 n, len;

	(void)state;
	for (n = 0; n <= 48; n++) {
		wire_put16(opt, WIRE_EDNS_COOKIE);
		wire_put16(opt + 2, n);
		memset(opt + 4, (int)n, n);
		if (n == 8 || (n >= 16 && n <= 40)) {
			/* The packet stays ours: q.cookie points into it. */
			len = edns_query(pkt, "www.example.", 1232, 0, 0, opt,
			    4 + n);
			assert_int_equal(wire_parse_query(pkt, len, &q),
			    WIRE_OK);
			assert_int_equal(q.cookie_len, n);
			assert_ptr_equal(q.cookie, pkt + len - n);
			assert_int_equal(q.cookie[0], n);
		} else if (parse_opts(opt, 4 + n, &q) != WIRE_FORMERR)
			fail_msg("cookie of %zu bytes: not FORMERR", n);
	}
}

/* The first COOKIE counts; the parse of a second query forgets it. */
static void
cookie_first_counts_and_is_reset(void **state)
{
	static const uint8_t	 two[] = { 0, 10, 0, 8, 1, 1, 1, 1, 1, 1, 1, 1,
				    0, 10, 0, 3, 2, 2, 2 };
	static const uint8_t	 nsid[] = { 0, 3, 0, 0 };
	uint8_t			 pkt[512];
	struct wire_query	 q;
	size_t			 len;

	(void)state;
	len = edns_query(pkt, "www.example.", 1232, 0, 0, two, sizeof(two));
	assert_int_equal(wire_parse_query(pkt, len, &q), WIRE_OK);
	assert_int_equal(q.cookie_len, 8);
	assert_ptr_equal(q.cookie, pkt + len - sizeof(two) + 4);
	assert_int_equal(q.cookie[0], 1);
	assert_int_equal(parse_opts(nsid, sizeof(nsid), &q), WIRE_OK);
	assert_int_equal(q.cookie_len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cookie_lengths),
		cmocka_unit_test(cookie_first_counts_and_is_reset),
		cmocka_unit_test(name_text_escapes),
		cmocka_unit_test(valid_query_fields),
		cmocka_unit_test(root_name_has_no_labels),
		cmocka_unit_test(lower_case_only_ascii_letters),
		cmocka_unit_test(label_offsets_with_long_label),
		cmocka_unit_test(too_short_is_dropped),
		cmocka_unit_test(response_is_dropped),
		cmocka_unit_test(opcodes_other_than_query_are_notimp),
		cmocka_unit_test(notify_and_status_are_notimp),
		cmocka_unit_test(qdcount_zero_is_formerr),
		cmocka_unit_test(qdcount_two_is_formerr),
		cmocka_unit_test(every_truncation_of_question_is_formerr),
		cmocka_unit_test(missing_qtype_bytes_is_formerr),
		cmocka_unit_test(label_of_63_ok_64_formerr),
		cmocka_unit_test(name_of_255_ok_256_formerr),
		cmocka_unit_test(most_labels_fit),
		cmocka_unit_test(compression_in_question_is_formerr),
		cmocka_unit_test(extended_label_types_are_formerr),
		cmocka_unit_test(edns_payload_and_do_bit),
		cmocka_unit_test(edns_small_payload_kept_as_sent),
		cmocka_unit_test(edns_version_1_is_badvers),
		cmocka_unit_test(badvers_before_option_checks),
		cmocka_unit_test(two_opts_are_formerr),
		cmocka_unit_test(opt_in_answer_section_is_formerr),
		cmocka_unit_test(opt_in_authority_section_is_formerr),
		cmocka_unit_test(opt_with_non_root_owner_is_formerr),
		cmocka_unit_test(unknown_option_is_ignored),
		cmocka_unit_test(truncated_option_is_formerr),
		cmocka_unit_test(rdata_past_the_end_is_formerr),
		cmocka_unit_test(records_before_opt_are_skipped),
		cmocka_unit_test(counted_records_missing_is_formerr),
		cmocka_unit_test(ecs_ipv4_24_is_parsed),
		cmocka_unit_test(ecs_ipv6_56_is_parsed),
		cmocka_unit_test(ecs_full_lengths_are_parsed),
		cmocka_unit_test(ecs_source_zero_is_parsed),
		cmocka_unit_test(ecs_scope_or_second_option_is_formerr),
		cmocka_unit_test(ecs_source_too_long_is_formerr),
		cmocka_unit_test(ecs_unknown_family_is_formerr),
		cmocka_unit_test(ecs_address_length_must_match_source),
		cmocka_unit_test(ecs_bits_past_prefix_are_formerr),
		cmocka_unit_test(ecs_option_too_short_is_formerr),
		cmocka_unit_test(ecs_after_other_options_is_parsed),
		cmocka_unit_test(nsid_request_is_parsed),
		cmocka_unit_test(nsid_absent_is_not_asked),
		cmocka_unit_test(nsid_payload_in_query_is_ignored),
		cmocka_unit_test(nsid_bad_lengths_are_formerr),
		cmocka_unit_test(nsid_beside_ecs_either_order),
		cmocka_unit_test(nsid_after_other_records_is_parsed),
		cmocka_unit_test(skip_name_plain_and_compressed),
		cmocka_unit_test(skip_name_longer_than_255_fails),
		cmocka_unit_test(name_lower_stops_at_root),
		cmocka_unit_test(agrees_with_ldns_on_generated_queries),
		cmocka_unit_test(
		    fuzzed_queries_stay_in_bounds_and_agree_with_ldns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
