/* fuzz_conf.c -- libFuzzer: the config loader, libconfig text -> snapshot */
/* SPDX-License-Identifier: ISC */
/*
 * Each input is the text of a main configuration file.  It is written to
 * a private temporary directory (conf_load() reads files by path) beside
 * copies of tests/unit/conf, tests/fuzz/fixture and zones/, so that seeds
 * may name zone files such as "fz.test.conf", "lb.example.conf" or
 * "good-defaults.zone.conf" by a relative path.  conf_load() either fails with at least one message or
 * gives a configuration; that one is built into a snapshot (the zone
 * database and the health table) and freed.  ASan's leak check at exit
 * and per input (-detect_leaks=1) covers both paths.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "snapshot.h"

#ifndef FUZZ_DIR
#error FUZZ_DIR must name tests/fuzz
#endif

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[256], path[300];

static void
copy_dir(const char *from)
{
	DIR		*d;
	struct dirent	*e;
	char		 src[1024], dst[1024], buf[8192];
	FILE		*in, *o;
	size_t		 n;

	if ((d = opendir(from)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "%s/%s", from, e->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", dir, e->d_name);
		if ((in = fopen(src, "r")) == NULL)
			continue;
		if ((o = fopen(dst, "w")) == NULL)
			abort();
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, o);
		fclose(in);
		if (fclose(o) != 0)
			abort();
	}
	closedir(d);
}

static void
cleanup(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[1024];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	log_init("fuzz_conf", true, LOG_LEVEL_ERR);
	snprintf(dir, sizeof(dir), "%s/steer-fuzz-conf.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	copy_dir(FUZZ_DIR "/../unit/conf");
	copy_dir(FUZZ_DIR "/fixture");
	copy_dir(FUZZ_DIR "/../../zones");
	snprintf(path, sizeof(path), "%s/fuzz-main.conf", dir);
	/* @include and other relative paths resolve here. */
	if (chdir(dir) == -1)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c = NULL;
	struct snapshot		*s;
	FILE			*f;

	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	if (conf_load(path, &c, &errs) == 0) {
		if (c == NULL || errs.n != 0)
			abort();
		s = snapshot_new(c, 2, 1);
		snapshot_free(s);
	} else if (errs.n == 0) {
		fprintf(stderr, "conf_load() failed without a message\n");
		abort();
	}
	conf_errs_clear(&errs);
	return 0;
}
