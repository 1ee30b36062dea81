/* fuzz_state.c -- libFuzzer: the state file loader, server_admin_read() */
/* SPDX-License-Identifier: ISC */
/*
 * Each input is the whole text of a state file, written to a temporary
 * file and read back with server_admin_read().  Besides ASan and UBSan the
 * target fails when the result is inconsistent: entries with no array, a
 * family other than 4 or 6, a state outside UP/DOWN/DRAIN, or text and
 * reason fields without their terminating NUL.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "log.h"
#include "server.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 path[256];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");
	int		 fd;

	(void)argc;
	(void)argv;
	log_init("fuzz_state", true, LOG_LEVEL_ERR);
	snprintf(path, sizeof(path), "%s/steer-fuzz-state.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct admin_entry	*e = NULL;
	size_t			 n = 0, i;
	FILE			*f;
	int			 bad;

	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	bad = server_admin_read(path, &e, &n);
	if (bad < 0 || (n > 0 && e == NULL))
		abort();
	for (i = 0; i < n; i++) {
		if (e[i].family != 4 && e[i].family != 6)
			abort();
		if (e[i].state != HEALTH_ADMIN_UP &&
		    e[i].state != HEALTH_ADMIN_DOWN &&
		    e[i].state != HEALTH_ADMIN_DRAIN)
			abort();
		if (memchr(e[i].text, '\0', sizeof(e[i].text)) == NULL ||
		    memchr(e[i].reason, '\0', sizeof(e[i].reason)) == NULL ||
		    memchr(e[i].by, '\0', sizeof(e[i].by)) == NULL)
			abort();
	}
	free(e);
	return 0;
}
