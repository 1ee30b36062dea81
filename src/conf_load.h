/* conf_load.h -- the loader's working state and the helpers it shares */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CONF_LOAD_H
#define STEER_CONF_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>
#include <ldns/ldns.h>

struct conf;
struct conf_check;
struct conf_errs;
struct conf_rr;
struct conf_zone;

/* A file read once into lines, for what libconfig does not keep. */
struct conf_file {
	char		*path;
	char		*text;		/* owned; lines point into it */
	char		**lines;	/* lines[0] is line 1 */
	size_t		 nlines;
};

/* The files read so far; shared by the loaders of one conf_load(). */
struct conf_files {
	struct conf_file *v;
	size_t		 n;
};
void	 conf_files_free(struct conf_files *);

/* The loader's working state: where errors go, which file we are in. */
struct loader {
	struct conf_errs	*errs;
	const char		*file;
	int			 nerr;
	struct conf_files	*files;		/* borrowed */
};

void	 conf_errf(struct loader *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* The same in another file: a record's, which may be a master file. */
void	 conf_errf_at(struct loader *, const char *file, int line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
/*
 * Where file:line is, for a message about something in the file here:
 * "line 12", or "lb.example.zone:12" in another file; in buf.
 */
const char *conf_where(const char *file, int line, const char *here,
	    char *buf, size_t len);
/* The same for the place record r was written. */
const char *conf_rr_where(const struct conf_rr *r, const char *here,
	    char *buf, size_t len);
/*
 * Before libconfig reads file (ld->file): it and every file it includes
 * (@include, against dir, as libconfig resolves them) are regular files
 * without a NUL byte.  libconfig 1.5's scanner calls exit() on a read
 * error, a directory included say, which would end the daemon on a
 * reload; its strings end at a NUL.  -1 with errors made.
 */
int	 conf_read_ok(struct loader *);
/* The line of a setting (1 when libconfig does not know). */
int	 conf_line(const config_setting_t *);
/* The line of a string in an array (see conf.c). */
int	 conf_elem_line(struct loader *, const config_setting_t *);
/*
 * Member name of group g, or NULL (also when g is not a group): what
 * config_setting_get_member() finds, without parsing name as a path.
 */
config_setting_t *conf_member(const config_setting_t *g, const char *name);
/* The string of setting s, or NULL having reported its wrong type. */
const char *conf_get_str(struct loader *, const config_setting_t *s);
/* An array or list of strings (non-empty when required), or NULL having
 * reported what is wrong. */
const config_setting_t *conf_get_strs(struct loader *,
	    const config_setting_t *s, bool required);
/* "an integer", "a string", ... for messages. */
const char *conf_type_name(int type);
/*
 * The integer an int setting was written as: libconfig 1.5 wraps a literal
 * without an L suffix to 32 bits, and reads 0660 as decimal.  With octal,
 * a literal with a leading 0 is octal; -1 when it has an 8 or a 9.
 */
long long conf_literal_int(struct loader *, const config_setting_t *,
	    long long v, bool octal);
/* path relative to the directory of base, unless absolute; malloc'd. */
char	*conf_relative_to(const char *base, const char *path);

/* A domain name, relative to origin unless it ends in a dot; NULL: bad. */
ldns_rdf *conf_parse_name(const char *, const ldns_rdf *origin);
/* A name as text, "?" when it cannot be printed; malloc'd. */
char	*conf_name_str(const ldns_rdf *);
/* Is d equal to or below the name top? */
bool	 conf_at_or_below(const ldns_rdf *d, const ldns_rdf *top);
bool	 conf_str_same(const char *, const char *);

/* Names (of pools, of checks) to indices: a hash table; keys borrowed. */
struct conf_index {
	const char	**key;
	size_t		*val;
	size_t		 mask;
};
void	 conf_index_init(struct conf_index *, size_t expected);
void	 conf_index_free(struct conf_index *);
/* The value of name, or SIZE_MAX. */
size_t	 conf_index_get(const struct conf_index *, const char *name);
/* Add name -> v; returns the value it had instead, SIZE_MAX when new. */
size_t	 conf_index_put(struct conf_index *, const char *name, size_t v);

/*
 * A zone's records by owner and its delegation points, for the checks
 * that need the whole zone: each is a lookup, not a scan of the zone.
 */
struct conf_zowner {
	uint64_t	 hash;		/* of the lower-case wire name */
	size_t		 first;		/* its first record in z->rrs */
	size_t		 last;
	size_t		 ns;		/* its first NS, SIZE_MAX: none */
};

struct conf_zindex {
	struct conf_zowner *owners;	/* open addressing */
	size_t		 mask;
	size_t		*next;		/* next[i]: the next record of the
					   owner of record i, SIZE_MAX: none */
	bool		 cuts;		/* a delegation below the apex */
	struct conf_index pools;	/* pool names -> z->pools */
};

void	 conf_zindex_build(const struct conf_zone *, struct conf_zindex *);
void	 conf_zindex_free(struct conf_zindex *);
/*
 * The first record owned by name (an index in z->rrs), SIZE_MAX when
 * none; the others follow through next[], in the order of the zone.
 */
size_t	 conf_zindex_owned(const struct conf_zindex *, const struct conf_zone *,
	    const ldns_rdf *name);
/*
 * The delegation that name is at or below and that comes first in the
 * zone, or NULL.
 */
const ldns_rdf *conf_zindex_cut(const struct conf_zindex *,
	    const struct conf_zone *, const ldns_rdf *name,
	    const struct conf_rr **at);
/* The DNAME strictly above name (its owner and record), or NULL. */
const ldns_rdf *conf_zindex_dname(const struct conf_zindex *,
	    const struct conf_zone *, const ldns_rdf *name,
	    const struct conf_rr **at);
/*
 * DNAME and wildcard owners: one DNAME an owner, none at a wildcard,
 * nothing below a DNAME, no NS at a wildcard (conf_zspecial.c).
 */
void	 conf_zone_special(struct loader *, const struct conf_zone *,
	    const struct conf_zindex *);

/* The sections (conf_*.c). */
void	 conf_load_server(struct loader *, const config_setting_t *,
	    struct conf *);
void	 conf_server_free(struct conf *);
void	 conf_load_fleet(struct loader *, const config_setting_t *,
	    struct conf *);
void	 conf_fleet_free(struct conf *);
/* The "geoip" group (conf_geoip.c). */
void	 conf_load_geoip(struct loader *, const config_setting_t *,
	    struct conf *);
void	 conf_geoip_free(struct conf *);
/*
 * With every zone read: open the database, walk its networks once and
 * give each zone whose regions name database keys its map
 * (regions.geo).  A database that cannot be opened or read is reported
 * at the line that names it; database keys without a database at their
 * own lines.
 */
void	 conf_geoip_apply(struct loader *, struct conf *);
/* A zone file; -1 when it cannot be read (the caller says where). */
int	 conf_load_zone(struct loader *, const char *file,
	    struct conf_zone *);
void	 conf_load_checks(struct loader *, const config_setting_t *,
	    struct conf_zone *);
void	 conf_check_free(struct conf_check *);
void	 conf_load_regions(struct loader *, const config_setting_t *,
	    struct conf_zone *);
void	 conf_load_pools(struct loader *, const config_setting_t *,
	    struct conf_zone *, struct conf_index *);
void	 conf_load_names(struct loader *, const config_setting_t *,
	    struct conf_zone *, const struct conf_zindex *);
void	 conf_zone_free(struct conf_zone *);
/* Append rr (now the zone's) written at file:line (file borrowed). */
void	 conf_zone_add_rr(struct conf_zone *, ldns_rr *, const char *file,
	    int line);
/*
 * Is rr a record the zone may hold (class, owner, TTL, type)?  Reports
 * why not at file:line, text being the record as written.  An SOA is
 * the caller's to judge.
 */
bool	 conf_zone_rr_ok(struct loader *, const struct conf_zone *,
	    const ldns_rr *, const char *file, int line, const char *text);
/*
 * Read the master file at path (RFC 1035 5: $ORIGIN, $TTL, $INCLUDE)
 * into z, records_file naming it at the zone file's line; reports each
 * problem at its file and line (conf_zfile.c).
 */
void	 conf_zfile_read(struct loader *, struct conf_zone *,
	    const char *path, int line);
/*
 * Put the TTL of a record's text before its class, as ldns reads it
 * (RFC 1035 lets the class come first); true when the text has a TTL.
 */
bool	 conf_zfile_ttl_first(char *text);

#endif
