/* fuzz_query.c -- libFuzzer: the whole per-query path, answer_query() */
/* SPDX-License-Identifier: ISC */
/*
 * The database is built once, in LLVMFuzzerInitialize(), from
 * tests/fuzz/fixture/main.conf: the example zone (static records, a
 * delegation, every strategy preset) and fz.test (CNAME chains, large
 * RRsets, ECS-aware and all-down names).  Each input is one query, answered
 * over UDP and over TCP from a client chosen by the query ID, so that a
 * seed corpus of real queries needs no framing.
 *
 * Besides ASan and UBSan, the target fails when
 *  - a response is longer than the buffer it was given, or
 *  - a response does not carry the query's ID with QR set, or
 *  - ldns cannot read a response (ldns_wire2pkt): everything we send must
 *    be a well-formed DNS message.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "health.h"
#include "log.h"
#include "wire.h"
#include "zone.h"

#ifndef FUZZ_DIR
#error FUZZ_DIR must name tests/fuzz
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct conf		*conf;
static struct zone_db		*db;
static struct health		*health;
static struct sockaddr_storage	 clients[4];
static uint64_t			 rng = 0x243f6a8885a308d3ULL;
static struct answer_stats	 stats;
static uint8_t			 out[ANSWER_TCP_MAX];

static void
set_client(struct sockaddr_storage *ss, const char *addr)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(40000);
	} else
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf_errs	 errs = { 0 };
	size_t			 i;

	(void)argc;
	(void)argv;
	log_init("fuzz_query", true, LOG_LEVEL_ERR);
	if (conf_load(FUZZ_DIR "/fixture/main.conf", &conf, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "fixture: %s\n", errs.msg[i]);
		abort();
	}
	db = zone_db_new(conf);
	health = health_new(db->ntargets);
	for (i = 0; i < db->ntargets; i++)
		health_set_admin(health, i, db->targets[i].admin);
	set_client(&clients[0], "192.0.2.7");
	set_client(&clients[1], "198.51.100.7");
	set_client(&clients[2], "2001:db8:e::1");
	set_client(&clients[3], "2001:db8:a::1");
	return 0;
}

static void
check(const uint8_t *pkt, size_t len, size_t rlen, size_t outmax)
{
	ldns_pkt	*p = NULL;

	if (rlen == 0)
		return;
	if (rlen > outmax || rlen < WIRE_HDR_LEN || len < 2)
		abort();
	if (memcmp(out, pkt, 2) != 0 || !(out[2] & 0x80))
		abort();
	if (ldns_wire2pkt(&p, out, rlen) != LDNS_STATUS_OK) {
		fprintf(stderr, "ldns cannot read our response\n");
		abort();
	}
	ldns_pkt_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_env	 env;
	size_t			 rlen, c;

	if (size > ANSWER_TCP_MAX)
		return 0;
	c = size >= 2 ? data[1] : 0;
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.edns_payload = 1232;
	env.stats = &stats;
	env.health = health;
	/* One query in five comes from no known address (NULL client). */
	env.client = c % 5 == 4 ? NULL :
	    (const struct sockaddr *)&clients[c % 5];
	env.rng = &rng;

	env.tcp = false;
	rlen = answer_query(&env, data, size, out, ANSWER_UDP_MAX);
	check(data, size, rlen, ANSWER_UDP_MAX);
	/* The smallest buffer a caller may give. */
	rlen = answer_query(&env, data, size, out, 512);
	check(data, size, rlen, 512);
	env.tcp = true;
	rlen = answer_query(&env, data, size, out, ANSWER_TCP_MAX);
	check(data, size, rlen, ANSWER_TCP_MAX);
	return 0;
}
