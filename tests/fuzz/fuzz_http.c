/* fuzz_http.c -- libFuzzer: the metrics server's request line parser */
/* SPDX-License-Identifier: ISC */
/*
 * Each input is a request as reqsock hands it to the HTTP handler, given
 * to http_parse_request() in a buffer of exactly its size (ASan sees any
 * read past it) with the handler's buffer sizes.  Besides ASan and UBSan,
 * the target fails when a request is accepted but the method or path is
 * empty, holds a space or a newline, does not fit its buffer, or is not
 * what the request line says.  (A NUL byte in the request line cuts the
 * method or path short as C strings; such lines are only checked for the
 * terminating NULs: refusing them is reqsock's and the handler's part.)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*req = (const char *)data;
	const char	*eol;
	char		 method[16], path[2048];
	size_t		 ml, pl;

	memset(method, 'X', sizeof(method));
	memset(path, 'X', sizeof(path));
	if (http_parse_request(req, size, method, sizeof(method), path,
	    sizeof(path)) == -1)
		return 0;
	if (memchr(method, '\0', sizeof(method)) == NULL ||
	    memchr(path, '\0', sizeof(path)) == NULL)
		abort();
	if ((eol = memchr(req, '\n', size)) == NULL)
		abort();
	if (memchr(req, '\0', eol - req) != NULL)
		return 0;
	ml = strlen(method);
	pl = strlen(path);
	if (ml == 0 || pl == 0 || strpbrk(method, " \n") != NULL ||
	    strpbrk(path, " \n") != NULL)
		abort();
	/* The request line is METHOD SP PATH SP HTTP/1.x */
	if (ml + 1 + pl + 1 + 7 > size || memcmp(req, method, ml) != 0 ||
	    req[ml] != ' ' || memcmp(req + ml + 1, path, pl) != 0 ||
	    req[ml + 1 + pl] != ' ' ||
	    memcmp(req + ml + 1 + pl + 1, "HTTP/1.", 7) != 0)
		abort();
	if (req + ml + 1 + pl + 1 + 7 > eol)
		abort();
	return 0;
}
