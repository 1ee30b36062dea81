/* testutil.h -- helpers shared by the cmocka unit tests */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_TESTUTIL_H
#define STEER_TESTUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "conf.h"

/* A file to write into the temporary directory. */
struct tu_file {
	const char	*name;
	const char	*text;
};

/*
 * Write files into a fresh temporary directory, conf_load() the first,
 * remove them all again.  Returns what conf_load() returned.
 */
int		 tu_load_files(const struct tu_file *, size_t, struct conf **,
		    struct conf_errs *);
/* Load zone files behind a generated main file; fails the test on error. */
struct conf	*tu_load_zones(const char *const *zones, size_t n);
/* The same with server, lines of config text, in the server group. */
struct conf	*tu_load_zones_with(const char *server,
		    const char *const *zones, size_t n);
/*
 * Load dir/name and expect it to fail with exactly the n messages in
 * want, in order; else print both lists and fail at file:line.
 */
void		 tu_expect_errs(const char *dir, const char *name,
		    const char *const *want, size_t n, const char *file,
		    int line);
#define tu_assert_errs(dir, name, want) \
	tu_expect_errs((dir), (name), (want), \
	    sizeof(want) / sizeof((want)[0]), __FILE__, __LINE__)

/* Print every message of errs (to see why a load failed). */
void		 tu_print_errs(const struct conf_errs *);

/* A malloc'd string, printf style. */
char		*tu_printf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/*
 * The zone lb.example. most tests are built on: every kind of answer, a
 * delegation, CNAME chains, large RRsets.  Free with free().
 */
char		*tu_example_zone(void);
/* A second zone, other.test., with a TTL below its SOA minimum. */
extern const char	*tu_other_zone;
/* Number of records of "big" and "huge" in tu_example_zone(). */
#define TU_BIG_N	12
#define TU_HUGE_N	30
#define TU_GLUE_N	40

/* Presentation name -> wire, case kept; returns the length. */
size_t		 tu_name(uint8_t *, const char *);
/* A query: header with QDCOUNT 1 and the question; returns the length. */
size_t		 tu_query(uint8_t *, uint16_t id, uint16_t flags,
		    const char *name, uint16_t qtype, uint16_t qclass);
/* An OPT RR; returns its length (the caller counts it in ARCOUNT). */
size_t		 tu_opt(uint8_t *, uint16_t udp, uint8_t ext_rcode,
		    uint8_t version, uint16_t flags, const uint8_t *rdata,
		    size_t rdlen);
/* An ECS option (code, length, body); returns its length. */
size_t		 tu_ecs(uint8_t *, uint16_t family, uint8_t source,
		    uint8_t scope, const uint8_t *addr, size_t alen);
/* Add n to the 16-bit count at header offset off (4, 6, 8 or 10). */
void		 tu_count_add(uint8_t *, size_t off, int n);
/* An exact-size heap copy, so that ASan sees a read past the end. */
uint8_t		*tu_dup(const uint8_t *, size_t);

/* ldns_pkt2wire() that fails the test on error. */
uint8_t		*tu_pkt2wire(const ldns_pkt *, size_t *);
/* ldns_wire2pkt() that fails the test on error. */
ldns_pkt	*tu_wire2pkt(const uint8_t *, size_t);
/* RRs from presentation strings; fails the test on a bad string. */
ldns_rr_list	*tu_rr_list(const char *const *, size_t);
ldns_rr		*tu_rr(const char *);
/* Equal as sets: same RRs, TTLs included, in any order. */
bool		 tu_rrs_equal(const ldns_rr_list *, const ldns_rr_list *);
/* The same against strings; prints both lists when they differ. */
bool		 tu_rrs_match(const ldns_rr_list *, const char *const *,
		    size_t);
void		 tu_assert_rrs(const ldns_rr_list *, const char *const *,
		    size_t, const char *, int);
void		 tu_assert_rr_lists(const ldns_rr_list *, const ldns_rr_list *,
		    const char *, int);

/* Assert that a section holds exactly the RRs in the string array. */
#define assert_rrs(got, want) \
	tu_assert_rrs((got), (want), sizeof(want) / sizeof((want)[0]), \
	    __FILE__, __LINE__)
#define assert_no_rrs(got) \
	tu_assert_rrs((got), NULL, 0, __FILE__, __LINE__)
#define assert_rr_lists(got, want) \
	tu_assert_rr_lists((got), (want), __FILE__, __LINE__)

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#endif
