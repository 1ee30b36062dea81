/* probe-scale.h -- the benchmark's listener, shared by its two files */
/* SPDX-License-Identifier: ISC */
#ifndef PROBE_SCALE_H
#define PROBE_SCALE_H

enum ps_kind {
	PS_TCP,
	PS_HTTP,
	PS_HTTPS,
	PS_DNS,
};

/* The socket on 0.0.0.0:port for kind (UDP for dns); -1 with errno. */
int	 ps_listen_open(enum ps_kind, int port);
/*
 * Serve kind on fd until SIGTERM, in its own loop; never returns.  On
 * SIGUSR1 and SIGTERM the line "answered N failed M" is written to report.
 */
void	 ps_listen_run(enum ps_kind, int fd, int report)
	    __attribute__((__noreturn__));

#endif
