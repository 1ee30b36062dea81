/* http-sink.c -- an HTTP backend for the prober at scale: answers every
 * request on every address at once with 200 "ok" and closes.
 * usage: http-sink PORT COUNTFILE
 * Listens on 0.0.0.0:PORT (every 127.x.y.z), prints "listening" when it
 * does, and on SIGTERM writes the number of requests answered to
 * COUNTFILE.  Fast enough (C, libev) for thousands of checks a second. */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

static const char	 answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
    "Content-Type: text/plain\r\nConnection: close\r\n\r\nok";
static unsigned long	 answered;
static const char	*countfile;

/* A connection: read the request's head, answer, close. */
static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	char	 buf[4096];
	ssize_t	 n;

	(void)revents;
	n = recv(w->fd, buf, sizeof(buf), 0);
	if (n == -1 && errno == EAGAIN)
		return;
	/* A probe's request fits one segment on loopback. */
	if (n > 0 && (send(w->fd, answer, sizeof(answer) - 1, MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(answer) - 1))
		answered++;
	ev_io_stop(loop, w);
	close(w->fd);
	free(w);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	ev_io	*c;
	int	 fd;

	(void)revents;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		if ((c = malloc(sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		ev_io_init(c, conn_cb, fd, EV_READ);
		ev_io_start(loop, c);
	}
}

static void
term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	FILE	*f;

	(void)w;
	(void)revents;
	if ((f = fopen(countfile, "w")) != NULL) {
		fprintf(f, "%lu\n", answered);
		fclose(f);
	}
	ev_break(loop, EVBREAK_ALL);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct ev_loop		*loop = ev_default_loop(0);
	ev_io			 lw;
	ev_signal		 sw;
	int			 fd, one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: http-sink PORT COUNTFILE\n");
		return 2;
	}
	countfile = argv[2];
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4096) == -1) {
		perror("http-sink");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	ev_io_init(&lw, accept_cb, fd, EV_READ);
	ev_io_start(loop, &lw);
	ev_signal_init(&sw, term_cb, SIGTERM);
	ev_signal_start(loop, &sw);
	printf("listening\n");
	fflush(stdout);
	ev_run(loop, 0);
	return 0;
}
