/* testutil.c -- helpers shared by the cmocka unit tests */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

const char	*tu_other_zone =
	"origin = \"other.test.\";\n"
	"ttl = 3600;\n"
	"soa = {\n"
	"\tmname = \"ns.other.test.\";\n"
	"\trname = \"admin.other.test.\";\n"
	"\tserial = 1;\n"
	"\tminimum = 7200;\n"
	"};\n"
	"ns = [ \"ns\" ];\n"
	"records = [\n"
	"\t\"ns A 198.51.100.53\",\n"
	"\t\"www A 198.51.100.1\",\n"
	"\t\"back CNAME www.lb.example.\"\n"
	"];\n";

char *
tu_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	s = malloc(n + 1);
	assert_non_null(s);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Append text to a growing string. */
static void
cat(char **buf, size_t *len, const char *text)
{
	size_t	 n = strlen(text);

	*buf = realloc(*buf, *len + n + 1);
	assert_non_null(*buf);
	memcpy(*buf + *len, text, n + 1);
	*len += n;
}

char *
tu_example_zone(void)
{
	static const char *const head =
	    "origin = \"lb.example.\";\n"
	    "ttl = 300;\n"
	    "soa = {\n"
	    "\tmname = \"ns1\";\n"
	    "\trname = \"hostmaster.lb.example.\";\n"
	    "\tserial = 2026112501;\n"
	    "\trefresh = 3600;\n"
	    "\tretry = 900;\n"
	    "\texpire = 604800;\n"
	    "\tminimum = 60;\n"
	    "};\n"
	    "ns = [ \"ns1\", \"ns2.lb.example.\" ];\n"
	    "records = [\n"
	    "\t\"ns1 A 192.0.2.1\",\n"
	    "\t\"ns1 AAAA 2001:db8::1\",\n"
	    "\t\"ns2 A 192.0.2.2\",\n"
	    "\t\"www 30 A 192.0.2.10\",\n"
	    "\t\"www 30 A 192.0.2.11\",\n"
	    "\t\"www 30 AAAA 2001:db8::10\",\n"
	    "\t\"docs CNAME www\",\n"
	    "\t\"alias 120 CNAME docs\",\n"
	    "\t\"dangling CNAME nothere\",\n"
	    "\t\"ext CNAME www.example.net.\",\n"
	    "\t\"toent CNAME svc\",\n"
	    "\t\"tocut CNAME host.sub\",\n"
	    "\t\"loop1 CNAME loop2\",\n"
	    "\t\"loop2 CNAME loop1\",\n"
	    "\t\"@ MX 10 mail\",\n"
	    "\t\"@ MX 20 mail.example.net.\",\n"
	    "\t\"mail A 192.0.2.25\",\n"
	    "\t\"@ TXT \\\"v=spf1 -all\\\"\",\n"
	    "\t\"@ CAA 0 issue \\\"letsencrypt.org\\\"\",\n"
	    "\t\"_sip._udp SRV 10 60 5060 sip\",\n"
	    "\t\"sip A 192.0.2.40\",\n"
	    "\t\"sip AAAA 2001:db8::40\",\n"
	    "\t\"a.svc A 192.0.2.50\",\n"
	    "\t\"sub NS ns1.sub\",\n"
	    "\t\"sub NS ns.example.net.\",\n"
	    "\t\"ns1.sub A 192.0.2.53\",\n"
	    "\t\"ns1.sub AAAA 2001:db8::53\",\n"
	    "\t\"onlytxt TXT \\\"hello\\\"\",\n"
	    "\t\"MiXeD A 192.0.2.60\",\n"
	    "\t\"bigalias CNAME big\",\n"
	    "\t\"mx2 MX 10 bighost\",\n"
	    "\t\"bigcut NS ns.bigcut\",\n";
	char	*buf = NULL, *line;
	size_t	 len = 0;
	int	 i;

	cat(&buf, &len, head);
	for (i = 0; i < TU_BIG_N; i++) {
		line = tu_printf("\t\"big TXT \\\"big-%02d-%s\\\"\",\n", i,
		    "0123456789012345678901234567890123456789abcdefghij");
		cat(&buf, &len, line);
		free(line);
	}
	for (i = 0; i < TU_HUGE_N; i++) {
		line = tu_printf("\t\"huge TXT \\\"huge-%02d-%s\\\"\",\n", i,
		    "0123456789012345678901234567890123456789abcdefghij");
		cat(&buf, &len, line);
		free(line);
	}
	for (i = 0; i < TU_GLUE_N; i++) {
		line = tu_printf("\t\"bighost A 10.0.0.%d\",\n"
		    "\t\"ns.bigcut A 10.1.0.%d\",\n", i + 1, i + 1);
		cat(&buf, &len, line);
		free(line);
	}
	cat(&buf, &len, "\t\"last TXT end\"\n];\n");
	return buf;
}

void
tu_print_errs(const struct conf_errs *errs)
{
	size_t	 i;

	for (i = 0; i < errs->n; i++)
		print_error("conf: %s\n", errs->msg[i]);
}

int
tu_load_files(const struct tu_file *files, size_t n, struct conf **out,
    struct conf_errs *errs)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir, *path, *main_path = NULL;
	FILE		*f;
	size_t		 i;
	int		 rv;

	dir = tu_printf("%s/steerdns-ut.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < n; i++) {
		path = tu_printf("%s/%s", dir, files[i].name);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_true(fputs(files[i].text, f) >= 0);
		assert_int_equal(fclose(f), 0);
		if (i == 0)
			main_path = path;
		else
			free(path);
	}
	rv = conf_load(main_path, out, errs);
	for (i = 0; i < n; i++) {
		path = tu_printf("%s/%s", dir, files[i].name);
		unlink(path);
		free(path);
	}
	rmdir(dir);
	free(main_path);
	free(dir);
	return rv;
}

struct conf *
tu_load_zones(const char *const *zones, size_t n)
{
	return tu_load_zones_with("", zones, n);
}

struct conf *
tu_load_zones_with(const char *server, const char *const *zones, size_t n)
{
	struct tu_file		*files;
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	char			*main_text, *list = NULL, *names;
	size_t			 i, len = 0;
	int			 rv;

	files = calloc(n + 1, sizeof(*files));
	assert_non_null(files);
	for (i = 0; i < n; i++) {
		files[i + 1].name = names = tu_printf("z%zu.conf", i);
		files[i + 1].text = zones[i];
		names = tu_printf("%s\"z%zu.conf\"", i > 0 ? ", " : "", i);
		cat(&list, &len, names);
		free(names);
	}
	main_text = tu_printf("server = {\n\tlisten = [ \"127.0.0.1:5353\" ];"
	    "\n%s\n};\nzones = [ %s ];\n", server, list != NULL ? list : "");
	files[0].name = "steerdns.conf";
	files[0].text = main_text;
	rv = tu_load_files(files, n + 1, &c, &errs);
	tu_print_errs(&errs);
	conf_errs_clear(&errs);
	for (i = 0; i < n; i++)
		free((char *)(uintptr_t)files[i + 1].name);
	free(files);
	free(main_text);
	free(list);
	assert_int_equal(rv, 0);
	assert_non_null(c);
	return c;
}

size_t
tu_name(uint8_t *out, const char *name)
{
	ldns_rdf	*d;
	size_t		 n;

	d = ldns_dname_new_frm_str(name);
	assert_non_null(d);
	n = ldns_rdf_size(d);
	memcpy(out, ldns_rdf_data(d), n);
	ldns_rdf_deep_free(d);
	return n;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

size_t
tu_query(uint8_t *out, uint16_t id, uint16_t flags, const char *name,
    uint16_t qtype, uint16_t qclass)
{
	size_t	 n;

	memset(out, 0, 12);
	put16(out, id);
	put16(out + 2, flags);
	put16(out + 4, 1);
	n = 12 + tu_name(out + 12, name);
	put16(out + n, qtype);
	put16(out + n + 2, qclass);
	return n + 4;
}

size_t
tu_opt(uint8_t *out, uint16_t udp, uint8_t ext_rcode, uint8_t version,
    uint16_t flags, const uint8_t *rdata, size_t rdlen)
{
	out[0] = 0;
	put16(out + 1, 41);
	put16(out + 3, udp);
	out[5] = ext_rcode;
	out[6] = version;
	put16(out + 7, flags);
	put16(out + 9, rdlen);
	if (rdlen > 0)
		memcpy(out + 11, rdata, rdlen);
	return 11 + rdlen;
}

size_t
tu_ecs(uint8_t *out, uint16_t family, uint8_t source, uint8_t scope,
    const uint8_t *addr, size_t alen)
{
	put16(out, 8);
	put16(out + 2, 4 + alen);
	put16(out + 4, family);
	out[6] = source;
	out[7] = scope;
	if (alen > 0)
		memcpy(out + 8, addr, alen);
	return 8 + alen;
}

void
tu_count_add(uint8_t *pkt, size_t off, int n)
{
	put16(pkt + off, ((pkt[off] << 8) | pkt[off + 1]) + n);
}

uint8_t *
tu_dup(const uint8_t *p, size_t n)
{
	uint8_t	*q;

	q = malloc(n == 0 ? 1 : n);
	assert_non_null(q);
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

uint8_t *
tu_pkt2wire(const ldns_pkt *p, size_t *len)
{
	uint8_t	*w = NULL;

	assert_int_equal(ldns_pkt2wire(&w, p, len), LDNS_STATUS_OK);
	assert_non_null(w);
	return w;
}

ldns_pkt *
tu_wire2pkt(const uint8_t *w, size_t len)
{
	ldns_pkt	*p = NULL;
	ldns_status	 st;

	st = ldns_wire2pkt(&p, w, len);
	if (st != LDNS_STATUS_OK)
		print_error("ldns_wire2pkt: %s\n", ldns_get_errorstr_by_id(st));
	assert_int_equal(st, LDNS_STATUS_OK);
	assert_non_null(p);
	return p;
}

ldns_rr *
tu_rr(const char *s)
{
	ldns_rr		*rr = NULL;
	ldns_status	 st;

	st = ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL);
	if (st != LDNS_STATUS_OK)
		print_error("bad RR in test \"%s\": %s\n", s,
		    ldns_get_errorstr_by_id(st));
	assert_int_equal(st, LDNS_STATUS_OK);
	return rr;
}

ldns_rr_list *
tu_rr_list(const char *const *s, size_t n)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	size_t		 i;

	assert_non_null(l);
	for (i = 0; i < n; i++)
		assert_true(ldns_rr_list_push_rr(l, tu_rr(s[i])));
	return l;
}

/* Equal RRs: owner, class, type and RDATA as in canonical form, TTL. */
static bool
rr_same(const ldns_rr *a, const ldns_rr *b)
{
	ldns_rr	*ca, *cb;
	bool	 same;

	if (ldns_rr_ttl(a) != ldns_rr_ttl(b))
		return false;
	ca = ldns_rr_clone(a);
	cb = ldns_rr_clone(b);
	ldns_rr2canonical(ca);
	ldns_rr2canonical(cb);
	same = ldns_rr_compare(ca, cb) == 0;
	ldns_rr_free(ca);
	ldns_rr_free(cb);
	return same;
}

bool
tu_rrs_equal(const ldns_rr_list *got, const ldns_rr_list *want)
{
	size_t	 i, j, n = ldns_rr_list_rr_count(want);
	bool	*used, ok = true;

	if (ldns_rr_list_rr_count(got) != n)
		return false;
	used = calloc(n + 1, sizeof(*used));
	assert_non_null(used);
	for (i = 0; ok && i < n; i++) {
		for (j = 0; j < n; j++)
			if (!used[j] && rr_same(ldns_rr_list_rr(want, i),
			    ldns_rr_list_rr(got, j)))
				break;
		if (j == n)
			ok = false;
		else
			used[j] = true;
	}
	free(used);
	return ok;
}

void
tu_assert_rr_lists(const ldns_rr_list *got, const ldns_rr_list *want,
    const char *file, int line)
{
	char	*g, *w;

	if (tu_rrs_equal(got, want))
		return;
	g = ldns_rr_list2str(got);
	w = ldns_rr_list2str(want);
	print_error("RRs differ\n--- got:\n%s--- want:\n%s", g != NULL ? g :
	    "(none)\n", w != NULL ? w : "(none)\n");
	free(g);
	free(w);
	_fail(file, line);
}

bool
tu_rrs_match(const ldns_rr_list *got, const char *const *want, size_t n)
{
	ldns_rr_list	*w = tu_rr_list(want, n);
	bool		 same = tu_rrs_equal(got, w);
	char		*gs, *ws;

	if (!same) {
		gs = ldns_rr_list2str(got);
		ws = ldns_rr_list2str(w);
		print_error("RRs differ\n--- got:\n%s--- want:\n%s",
		    gs != NULL && *gs != '\0' ? gs : "(none)\n",
		    ws != NULL && *ws != '\0' ? ws : "(none)\n");
		free(gs);
		free(ws);
	}
	ldns_rr_list_deep_free(w);
	return same;
}

void
tu_assert_rrs(const ldns_rr_list *got, const char *const *want, size_t n,
    const char *file, int line)
{
	if (!tu_rrs_match(got, want, n))
		_fail(file, line);
}

void
tu_expect_errs(const char *dir, const char *name, const char *const *want,
    size_t n, const char *file, int line)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	char			*path;
	size_t			 i;
	int			 rv;
	bool			 same;

	path = tu_printf("%s%s", dir, name);
	rv = conf_load(path, &c, &errs);
	free(path);
	same = rv == -1 && c == NULL && errs.n == n;
	for (i = 0; same && i < n; i++)
		same = strcmp(errs.msg[i], want[i]) == 0;
	if (!same) {
		print_error("conf_load(\"%s\") returned %d with %zu "
		    "messages:\n", name, rv, errs.n);
		for (i = 0; i < errs.n; i++)
			print_error("  got:  %s\n", errs.msg[i]);
		for (i = 0; i < n; i++)
			print_error("  want: %s\n", want[i]);
	}
	conf_errs_clear(&errs);
	conf_free(c);
	if (!same)
		_fail(file, line);
}
