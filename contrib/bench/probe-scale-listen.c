/* probe-scale-listen.c -- the backends of probe-scale: one libev process */
/* SPDX-License-Identifier: ISC */
/*
 * Every target of the benchmark is 127.1.x.y:port, and one socket bound
 * to 0.0.0.0:port stands for all of them.  The listener runs in its own
 * process (see probe-scale.c), so that its work is never counted as the
 * prober's.  It answers at once and keeps no state beyond one request:
 *
 *   tcp    accept, close
 *   http   read the request head, answer 200 with a small body, close
 *   https  the same over TLS, with a self-signed certificate made here
 *   dns    answer each query NOERROR with QR and AA set, from the
 *          address it was sent to (IP_PKTINFO), else the prober's
 *          connected socket would not take the reply
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe-scale.h"

#define REPLY	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" \
		"Content-Length: 3\r\nConnection: close\r\n\r\nok\n"
#define DNS_BATCH	64

/* One accepted connection of http or https. */
struct conn {
	ev_io		 w;
	SSL		*ssl;		/* https only */
	char		 tail[4];	/* the last bytes read: the blank
					   line may straddle two reads */
	size_t		 ntail;
	bool		 replied;
};

static struct {
	enum ps_kind	 kind;
	int		 fd;
	SSL_CTX		*tls;
	uint64_t	 answered;	/* connections accepted (tcp),
					   replies sent (http, https, dns) */
	uint64_t	 failed;	/* connections that ended without a
					   reply (TLS errors, early close) */
	int		 report;	/* where the counts go at the end */
} L;

static void
conn_close(struct ev_loop *loop, struct conn *c)
{
	ev_io_stop(loop, &c->w);
	if (!c->replied)
		L.failed++;
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	close(c->w.fd);
	free(c);
}

/* Does this chunk end the request head (with the tail before it)? */
static bool
head_ends(struct conn *c, const char *buf, size_t n)
{
	char	 look[4 + 512];
	size_t	 m, i;

	if (n > 512)
		n = 512;	/* the head is smaller; only its end matters */
	memcpy(look, c->tail, c->ntail);
	memcpy(look + c->ntail, buf, n);
	m = c->ntail + n;
	for (i = 0; i + 4 <= m; i++)
		if (memcmp(look + i, "\r\n\r\n", 4) == 0)
			return true;
	c->ntail = m < 3 ? m : 3;
	memmove(c->tail, look + m - c->ntail, c->ntail);
	return false;
}

static void
http_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	char		 buf[4096];
	ssize_t		 n;

	(void)revents;
	for (;;) {
		if ((n = read(w->fd, buf, sizeof(buf))) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			break;
		}
		if (n == 0)
			break;
		if (head_ends(c, buf, n)) {
			if (write(w->fd, REPLY, sizeof(REPLY) - 1) ==
			    sizeof(REPLY) - 1) {
				c->replied = true;
				L.answered++;
			}
			break;
		}
	}
	conn_close(loop, c);
}

/* Wait for what OpenSSL asked for; false: the connection is done. */
static bool
tls_want(struct ev_loop *loop, struct conn *c, int rv)
{
	int	 ev;

	switch (SSL_get_error(c->ssl, rv)) {
	case SSL_ERROR_WANT_READ:
		ev = EV_READ;
		break;
	case SSL_ERROR_WANT_WRITE:
		ev = EV_WRITE;
		break;
	default:
		ERR_clear_error();
		return false;
	}
	if ((c->w.events & (EV_READ | EV_WRITE)) != ev) {
		ev_io_stop(loop, &c->w);
		ev_io_set(&c->w, c->w.fd, ev);
		ev_io_start(loop, &c->w);
	}
	return true;
}

static void
https_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	char		 buf[4096];
	int		 rv;

	(void)revents;
	if (!SSL_is_init_finished(c->ssl)) {
		if ((rv = SSL_do_handshake(c->ssl)) != 1) {
			if (!tls_want(loop, c, rv))
				conn_close(loop, c);
			return;
		}
	}
	for (;;) {
		if ((rv = SSL_read(c->ssl, buf, sizeof(buf))) <= 0) {
			if (!tls_want(loop, c, rv))
				conn_close(loop, c);
			return;
		}
		if (head_ends(c, buf, rv))
			break;
	}
	/* A few hundred bytes: the socket buffer takes them at once. */
	if (SSL_write(c->ssl, REPLY, sizeof(REPLY) - 1) > 0) {
		c->replied = true;
		L.answered++;
		SSL_shutdown(c->ssl);
	}
	conn_close(loop, c);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c;
	int		 fd;

	(void)revents;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		if (L.kind == PS_TCP) {
			L.answered++;
			close(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->w.data = c;
		if (L.kind == PS_HTTPS) {
			if ((c->ssl = SSL_new(L.tls)) == NULL) {
				close(fd);
				free(c);
				continue;
			}
			SSL_set_fd(c->ssl, fd);
			SSL_set_accept_state(c->ssl);
			ev_io_init(&c->w, https_cb, fd, EV_READ);
		} else
			ev_io_init(&c->w, http_cb, fd, EV_READ);
		ev_io_start(loop, &c->w);
	}
}

/* Answer a batch of queries where they were sent: NOERROR, QR, AA. */
static void
dns_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	static uint8_t		 buf[DNS_BATCH][512];
	static uint8_t		 ctl[DNS_BATCH][CMSG_SPACE(
				    sizeof(struct in_pktinfo))];
	struct mmsghdr		 m[DNS_BATCH];
	struct iovec		 iov[DNS_BATCH];
	struct sockaddr_in	 from[DNS_BATCH];
	struct cmsghdr		*cm;
	int			 i, n, k;

	(void)loop;
	(void)revents;
	for (;;) {
		memset(m, 0, sizeof(m));
		for (i = 0; i < DNS_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_name = &from[i];
			m[i].msg_hdr.msg_namelen = sizeof(from[i]);
			m[i].msg_hdr.msg_control = ctl[i];
			m[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		if ((n = recvmmsg(w->fd, m, DNS_BATCH, MSG_DONTWAIT, NULL)) <=
		    0)
			return;
		for (i = k = 0; i < n; i++) {
			uint8_t	*q = buf[i];

			if (m[i].msg_len < 12 || (q[2] & 0x80) != 0)
				continue;
			q[2] = (q[2] & 0x79) | 0x84;	/* QR, AA, RD kept */
			q[3] = 0;			/* NOERROR, no RA */
			/* The reply leaves from the query's address. */
			for (cm = CMSG_FIRSTHDR(&m[i].msg_hdr); cm != NULL;
			    cm = CMSG_NXTHDR(&m[i].msg_hdr, cm))
				if (cm->cmsg_level == IPPROTO_IP &&
				    cm->cmsg_type == IP_PKTINFO)
					((struct in_pktinfo *)(void *)
					    CMSG_DATA(cm))->ipi_ifindex = 0;
			iov[i].iov_len = m[i].msg_len;
			m[k++] = m[i];
		}
		if (k > 0 && (n = sendmmsg(w->fd, m, k, 0)) > 0)
			L.answered += n;
	}
}

/* A throw-away self-signed P-256 certificate for 127.1.0.0/16. */
static SSL_CTX *
tls_ctx(void)
{
	SSL_CTX		*ctx;
	EVP_PKEY	*key;
	X509		*x;
	X509_NAME	*name;

	if ((key = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"probe-scale", -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (X509_sign(x, key, EVP_sha256()) == 0 ||
	    (ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		return NULL;
	/* The prober makes a fresh connection each time: no tickets. */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	X509_free(x);
	EVP_PKEY_free(key);
	return ctx;
}

static void
report_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct rusage	 ru;
	char		 line[120];
	int		 n;

	(void)revents;
	/* Its own CPU, to tell whether it kept up. */
	getrusage(RUSAGE_SELF, &ru);
	n = snprintf(line, sizeof(line), "answered %llu failed %llu cpu "
	    "%.3f\n", (unsigned long long)L.answered,
	    (unsigned long long)L.failed, ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6);
	if (write(L.report, line, n) != n)
		_exit(1);
	if (w->signum == SIGTERM)
		ev_break(loop, EVBREAK_ALL);
}

int
ps_listen_open(enum ps_kind kind, int port)
{
	struct sockaddr_in	 sin;
	int			 fd, one = 1;
	bool			 udp = kind == PS_DNS;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if ((fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (udp && setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one,
	    sizeof(one)) == -1) || bind(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 || (!udp && listen(fd, 65535) == -1)) {
		close(fd);
		return -1;
	}
	if (udp) {
		/* A first round of 10,000 queries comes at once. */
		int	 sz = 8 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	return fd;
}

void
ps_listen_run(enum ps_kind kind, int fd, int report)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	ev_io		 w;
	ev_signal	 term, usr1;

	L.kind = kind;
	L.fd = fd;
	L.report = report;
	signal(SIGPIPE, SIG_IGN);
	if (kind == PS_HTTPS && (L.tls = tls_ctx()) == NULL) {
		fprintf(stderr, "probe-scale: cannot make the TLS context\n");
		_exit(1);
	}
	ev_io_init(&w, kind == PS_DNS ? dns_cb : accept_cb, fd, EV_READ);
	ev_io_start(loop, &w);
	/* SIGUSR1: say the counts so far; SIGTERM: say them and end. */
	ev_signal_init(&term, report_cb, SIGTERM);
	ev_signal_start(loop, &term);
	ev_signal_init(&usr1, report_cb, SIGUSR1);
	ev_signal_start(loop, &usr1);
	ev_run(loop, 0);
	_exit(0);
}
