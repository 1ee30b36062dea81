/* zone_int.h -- the zone database's insides, shared by zone*.c only */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_ZONE_INT_H
#define STEER_ZONE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "zone.h"

/* Pointers can reach 0x3fff; leave room for a longer question name. */
#define ENC_PTR_LIMIT	(0x3fff - WIRE_MAX_NAME)
/* Room kept free after an answer: question and OPT with options. */
#define ENC_MAX_BLOB	(65535 - WIRE_HDR_LEN - WIRE_MAX_NAME - 4 - 64)

/* Build-time state of one node: its RRsets. */
struct bset {
	uint16_t	 type;
	uint32_t	 ttl;
	const ldns_rr	**rrs;		/* borrowed from the conf */
	size_t		 n;
};

/*
 * The encoder writes one answer into a packet image whose question holds
 * the reference name, so that compression pointers can be found exactly as
 * a client will follow them.
 */
struct enc {
	uint8_t		 pkt[65536];
	size_t		 len;
	size_t		 base;		/* where the answer's wire starts */
	uint16_t	*dict;		/* offsets of names to point at */
	uint8_t		*dictlen;	/* their lengths, expanded */
	size_t		 ndict, capdict;
	uint16_t	*fix;
	size_t		 nfix, capfix;
	struct zone_set	*sets;
	size_t		 nsets, capsets;
	uint16_t	 an, ns, ar;
	bool		 full;		/* an RRset did not fit */
	bool		 wild;		/* built for a wildcard "*.x": the
					   owner pointer stays on the
					   question, all else moves */
	bool		 owner;		/* enc_name() writes an owner */
};

enum section { SEC_AN, SEC_NS, SEC_AR };

/* The encoder (zone_enc.c). */
void		 zone_enc_init(struct enc *, const uint8_t *qname, size_t qlen);
/* Write a whole RRset, or nothing when it does not fit. */
void		 zone_enc_set(struct enc *, const uint8_t *owner,
		    const struct bset *, uint32_t ttl, enum section,
		    bool required);
/* The packet offset of an earlier copy of a lower-case name, or 0. */
uint16_t	 zone_enc_find(const struct enc *, const uint8_t *lname,
		    size_t len);
/* Copy what was written into a, as the answer to qtype. */
void		 zone_enc_finish(struct enc *, struct zone_answer *a,
		    uint16_t qtype, uint8_t rcode, bool aa, size_t ref_len);
void		 zone_answer_free(struct zone_answer *);

/* Names at load (zone_util.c). */
/* Is name (lower-case wire) at or below top? */
bool		 zone_name_under(const uint8_t *name, size_t len,
		    const uint8_t *top, size_t tlen);
/* The deepest zone at or above name, or NULL. */
struct zone	*zone_db_zone_of(const struct zone_db *, const uint8_t *name,
		    size_t len);
/* Lower-case wire form of an ldns dname into out; its length. */
size_t		 zone_rdf_lname(const ldns_rdf *, uint8_t *out);
/* The target name of a CNAME, NS, MX or SRV record, or NULL. */
const ldns_rdf	*zone_target_of(const ldns_rr *);
/*
 * The CNAME a DNAME at up (its RRset ds) makes for the name t below it
 * (RFC 6672 2.2), in syn; NULL when the name would pass 255 bytes.
 */
ldns_rr		*zone_dname_synth(const struct zone_node *up,
		    const struct bset *ds, const uint8_t *t, size_t len,
		    struct bset *syn);

/* Wire names (zone.c). */
uint64_t	 zone_hash_name(uint64_t seed, const uint8_t *, size_t);
/* Offsets of each label of a wire name; returns the label count. */
size_t		 zone_labels_of(const uint8_t *name, uint8_t *off);
size_t		 zone_name_len(const uint8_t *name);
void		 zone_lower_copy(uint8_t *dst, const uint8_t *src, size_t len);

/* Pools, names and health targets of every zone (zone_pool.c). */
void		 zone_build_pools(struct zone_db *, const struct conf *);
/* Links of a CNAME chain into the answer section, own[i] owning link i. */
void		 zone_add_chain(struct enc *, const struct bset *const *chain,
		    const uint8_t *const *own, size_t nchain);
/*
 * The answer at n for family fam (4, 6; 0: every type, a pool of names)
 * through a chain to the managed name end (owned by eown): the chain
 * precompiled, the pool's records left to answer_put_tail(), and alt for
 * when every member is down.
 */
void		 zone_build_tail(struct enc *, const struct zone_node *n,
		    const struct bset *const *chain, const uint8_t *const *own,
		    size_t nchain, const struct zone_node *end,
		    const uint8_t *eown, uint8_t fam, struct zone_answer *out,
		    const struct bset *soa, uint32_t neg_ttl);

/* The NSID and the CHAOS answers of the server group (zone_ident.c). */
void		 zone_ident_build(struct zone_ident *, const struct conf *);
void		 zone_ident_free(struct zone_ident *);

#endif
