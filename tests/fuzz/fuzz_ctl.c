/* fuzz_ctl.c -- libFuzzer: the control protocol, ctl_handle() */
/* SPDX-License-Identifier: ISC */
/*
 * Each input is one request as the control socket hands it over (the
 * bytes before the newline; reqsock bounds them at CTL_REQ_MAX).  The
 * server is the smallest one ctl_handle() runs on: the snapshot of the
 * fuzz fixture (tests/fuzz/fixture/main.conf), no workers, no prober, no
 * fleet, no state file.  Its configuration path names a file that does
 * not exist, so that "reload" runs and is refused without touching the
 * prober.  Overrides set by one input are cleared before the next.
 *
 * Besides ASan and UBSan, the target fails when the reply is not one JSON
 * object with a boolean "ok", or when an error reply has no "error".
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "conf.h"
#include "ctl.h"
#include "log.h"
#include "server.h"
#include "snapshot.h"
#include "zone.h"

#ifndef FUZZ_DIR
#error FUZZ_DIR must name tests/fuzz
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct server	 srv;
static char		 cpath[] = FUZZ_DIR "/fixture/no-such.conf";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c;
	size_t			 i;

	(void)argc;
	(void)argv;
	log_init("fuzz_ctl", true, LOG_LEVEL_ERR);
	if (conf_load(FUZZ_DIR "/fixture/main.conf", &c, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "fixture: %s\n", errs.msg[i]);
		abort();
	}
	srv.conf_path = cpath;
	srv.snap = snapshot_new(c, 1, 1);
	srv.nrows = 1;
	srv.started = (double)time(NULL);
	srv.pid = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t		*r;
	json_error_t	 jerr;
	char		*reply;

	if (size > CTL_REQ_MAX)
		return 0;
	reply = ctl_handle(&srv, (const char *)data, size);
	if (reply == NULL)
		abort();
	if ((r = json_loads(reply, 0, &jerr)) == NULL ||
	    !json_is_object(r) || !json_is_boolean(json_object_get(r, "ok")) ||
	    (json_is_false(json_object_get(r, "ok")) &&
	    !json_is_string(json_object_get(r, "error")))) {
		fprintf(stderr, "bad reply: %s\n", reply);
		abort();
	}
	json_decref(r);
	free(reply);
	/* The next input starts from the configuration's states. */
	free(srv.admin);
	srv.admin = NULL;
	srv.nadmin = 0;
	server_admin_apply(&srv);
	return 0;
}
