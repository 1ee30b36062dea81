/* httpc.c -- an incremental HTTP/1.x response reader for the http check */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "httpc.h"

enum {
	S_STATUS,		/* the status line */
	S_HEAD,			/* header lines */
	S_BODY_LEN,		/* Content-Length bytes */
	S_BODY_EOF,		/* up to the end of the stream */
	S_CHUNK_SIZE,		/* a chunk's size line */
	S_CHUNK_DATA,
	S_CHUNK_END,		/* the line break after a chunk */
	S_TRAILER,		/* trailer lines after the last chunk */
	S_DONE,
};

void
httpc_init(struct httpc *h, const char *load_header, char *body,
    size_t body_max, size_t head_max)
{
	memset(h, 0, sizeof(*h));
	h->load_header = load_header;
	h->body = body;
	h->body_max = body_max;
	h->head_max = head_max;
	h->state = S_STATUS;
}

/* "HTTP/1.x NNN" and an optional reason: the status, or -1. */
static int
status_line(const char *s)
{
	if (strncmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) ||
	    s[8] != ' ')
		return -1;
	s += 9;
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]) || (s[3] != ' ' && s[3] != '\0'))
		return -1;
	if (s[0] < '1' || s[0] > '5')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* Does the header line s name the header name?  Then its value. */
static const char *
header_is(const char *s, const char *name)
{
	size_t	 n = strlen(name);

	if (strncasecmp(s, name, n) != 0 || s[n] != ':')
		return NULL;
	for (s += n + 1; *s == ' ' || *s == '\t'; s++)
		;
	return s;
}

/* A decimal number of at most 15 digits, blanks after it. */
static int
number(const char *s, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 n = 0;

	for (; isdigit((unsigned char)*s) && n < 16; s++, n++)
		v = v * 10 + (*s - '0');
	while (*s == ' ' || *s == '\t')
		s++;
	if (n == 0 || n > 15 || *s != '\0')
		return -1;
	*out = v;
	return 0;
}

/* One header line (without its line break). */
static enum httpc_status
header(struct httpc *h, const char *s)
{
	const char	*v;
	uint64_t	 len;
	size_t		 j = 0;

	if ((v = header_is(s, "Content-Length")) != NULL) {
		if (number(v, &len) == -1 || (h->have_length &&
		    len != h->left))
			return HTTPC_BAD;
		h->have_length = true;
		h->left = len;
	} else if ((v = header_is(s, "Transfer-Encoding")) != NULL) {
		for (; *v != '\0'; v++)
			if (strncasecmp(v, "chunked", 7) == 0)
				h->chunked = true;
	} else if (h->load_header != NULL &&
	    (v = header_is(s, h->load_header)) != NULL) {
		while (*v != '\0' && !isspace((unsigned char)*v) &&
		    j + 1 < sizeof(h->load))
			h->load[j++] = *v++;
		h->load[j] = '\0';
		h->have_load = true;
	}
	return HTTPC_MORE;
}

/* The headers ended: how the body comes. */
static enum httpc_status
head_end(struct httpc *h)
{
	if (h->status >= 100 && h->status < 200 && h->status != 101) {
		/* An interim answer: the real one follows. */
		h->state = S_STATUS;
		h->have_length = h->chunked = h->have_load = false;
		h->left = 0;
		return HTTPC_MORE;
	}
	if (h->status == 204 || h->status == 304)
		h->state = S_DONE;
	else if (h->chunked)
		h->state = S_CHUNK_SIZE;
	else if (h->have_length)
		h->state = h->left == 0 ? S_DONE : S_BODY_LEN;
	else
		h->state = S_BODY_EOF;
	return h->state == S_DONE ? HTTPC_DONE : HTTPC_MORE;
}

/* A chunk-size line: hex digits, maybe ";extensions". */
static enum httpc_status
chunk_size(struct httpc *h, const char *s)
{
	uint64_t	 v = 0;
	size_t		 n = 0;
	int		 d;

	for (; isxdigit((unsigned char)*s); s++, n++) {
		if (n == 12)
			return HTTPC_BAD;	/* 256 TB chunks: no */
		d = isdigit((unsigned char)*s) ? *s - '0' :
		    tolower((unsigned char)*s) - 'a' + 10;
		v = v * 16 + d;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (n == 0 || (*s != '\0' && *s != ';'))
		return HTTPC_BAD;
	h->left = v;
	h->state = v == 0 ? S_TRAILER : S_CHUNK_DATA;
	return HTTPC_MORE;
}

/* A whole line in h->line: what it means in this state. */
static enum httpc_status
line(struct httpc *h)
{
	char	*s = h->line;

	if (h->line_len > 0 && s[h->line_len - 1] == '\r')
		h->line_len--;
	s[h->line_len] = '\0';
	switch (h->state) {
	case S_STATUS:
		if (h->line_long || (h->status = status_line(s)) == -1)
			return HTTPC_BAD;
		h->state = S_HEAD;
		return HTTPC_MORE;
	case S_HEAD:
		if (h->line_len == 0 && !h->line_long)
			return head_end(h);
		/* An over-long line is counted, never understood. */
		return h->line_long ? HTTPC_MORE : header(h, s);
	case S_CHUNK_SIZE:
		return h->line_long ? HTTPC_BAD : chunk_size(h, s);
	case S_CHUNK_END:
		if (h->line_len != 0 || h->line_long)
			return HTTPC_BAD;
		h->state = S_CHUNK_SIZE;
		return HTTPC_MORE;
	case S_TRAILER:
		if (h->line_len == 0 && !h->line_long) {
			h->state = S_DONE;
			return HTTPC_DONE;
		}
		return HTTPC_MORE;
	default:
		return HTTPC_BAD;
	}
}

/* Body bytes: kept while there is room; a full buffer is enough. */
static enum httpc_status
body(struct httpc *h, const char *data, size_t len)
{
	size_t	 room;

	if (h->body == NULL)
		return HTTPC_MORE;
	room = h->body_max - h->body_len;
	if (len > room)
		len = room;
	memcpy(h->body + h->body_len, data, len);
	h->body_len += len;
	if (h->body_len == h->body_max) {
		h->body_full = true;
		h->state = S_DONE;
		return HTTPC_DONE;
	}
	return HTTPC_MORE;
}

enum httpc_status
httpc_feed(struct httpc *h, const char *data, size_t len)
{
	enum httpc_status	 r = HTTPC_MORE;
	const char		*nl;
	size_t			 n;
	bool			 in_head;

	h->got += len;
	while (len > 0 && r == HTTPC_MORE) {
		switch (h->state) {
		case S_BODY_LEN:
		case S_CHUNK_DATA:
			n = len < h->left ? len : (size_t)h->left;
			r = body(h, data, n);
			data += n;
			len -= n;
			h->left -= n;
			if (r == HTTPC_MORE && h->left == 0) {
				if (h->state == S_BODY_LEN) {
					h->state = S_DONE;
					r = HTTPC_DONE;
				} else
					h->state = S_CHUNK_END;
			}
			continue;
		case S_BODY_EOF:
			return body(h, data, len);
		case S_DONE:
			return HTTPC_DONE;
		default:
			break;
		}
		/* A line: up to its line feed, kept while it fits. */
		in_head = h->state == S_STATUS || h->state == S_HEAD;
		nl = memchr(data, '\n', len);
		n = nl != NULL ? (size_t)(nl - data) + 1 : len;
		if (in_head) {
			h->head_len += n;
			if (h->head_len > h->head_max)
				return HTTPC_HUGE;
		}
		if (h->line_len + n - (nl != NULL) < sizeof(h->line)) {
			memcpy(h->line + h->line_len, data, n - (nl != NULL));
			h->line_len += n - (nl != NULL);
		} else
			h->line_long = true;
		data += n;
		len -= n;
		if (nl != NULL) {
			r = line(h);
			h->line_len = 0;
			h->line_long = false;
		}
	}
	return r;
}

enum httpc_status
httpc_eof(struct httpc *h)
{
	if (h->state == S_DONE || h->state == S_BODY_EOF) {
		h->state = S_DONE;
		return HTTPC_DONE;
	}
	return h->got == 0 ? HTTPC_NOTHING : HTTPC_SHORT;
}
