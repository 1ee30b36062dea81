/* fuzz_httpc.c -- libFuzzer: the http check's response reader */
/* SPDX-License-Identifier: ISC */
/*
 * The first input byte chooses how the rest is cut into reads (a backend
 * decides that, not us); the rest is the response.  It is read twice: in
 * those pieces and whole, each piece in a buffer of exactly its size.
 * Besides ASan and UBSan, the target fails when the two readings disagree
 * on the verdict, the status, the body or the load figure, when a done
 * response has a status outside 100..599, when the body overruns its
 * buffer, or when the load figure is not terminated.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"

#define BODY_MAX	512

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static enum httpc_status
read_all(struct httpc *h, char *body, const uint8_t *data, size_t size,
    size_t piece)
{
	enum httpc_status	 st = HTTPC_MORE;
	size_t			 off = 0, n;
	char			*buf;

	httpc_init(h, "X-Load", body, BODY_MAX, 4096);
	while (off < size && st == HTTPC_MORE) {
		n = size - off < piece ? size - off : piece;
		if ((buf = malloc(n)) == NULL)
			abort();
		memcpy(buf, data + off, n);
		st = httpc_feed(h, buf, n);
		free(buf);
		off += n;
	}
	if (st == HTTPC_MORE)
		st = httpc_eof(h);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 b1[BODY_MAX], b2[BODY_MAX];
	struct httpc		 h1, h2;
	enum httpc_status	 s1, s2;
	size_t			 piece;

	if (size < 1)
		return 0;
	piece = data[0] % 64 + 1;
	data++;
	size--;
	s1 = read_all(&h1, b1, data, size, piece);
	s2 = read_all(&h2, b2, data, size, size > 0 ? size : 1);
	if (s1 != s2 || h1.status != h2.status)
		abort();
	if (s1 == HTTPC_MORE)
		abort();		/* the end of the stream decides */
	if (s1 != HTTPC_DONE)
		return 0;
	if (h1.status < 100 || h1.status > 599 || h1.body_len > BODY_MAX ||
	    h1.body_len != h2.body_len ||
	    memcmp(b1, b2, h1.body_len) != 0 ||
	    h1.have_load != h2.have_load ||
	    memchr(h1.load, '\0', sizeof(h1.load)) == NULL ||
	    strcmp(h1.load, h2.load) != 0)
		abort();
	return 0;
}
