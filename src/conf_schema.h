/* conf_schema.h -- config sections described by tables of keys */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CONF_SCHEMA_H
#define STEER_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

struct loader;
struct conf_key;

/*
 * How a value is read.  Each type stores into the field at off of the
 * section's struct:
 *   CONF_UINT	an integer in [min, max]; an unsigned field of size bytes
 *   CONF_NUM	an integer or float in [min, max]; a double
 *   CONF_BOOL	true or false; a bool
 *   CONF_STR	a string, of at most max bytes when max is not 0; a char *
 *		(owned)
 *   CONF_PATH	a string, relative to the file's directory; a char *
 *   CONF_STRS	an array of strings; a char ** with its count (size_t)
 *		at noff (owned)
 *   CONF_ENUM	one of names[]; an unsigned field of size bytes (index)
 *   CONF_MODE	an octal file mode such as 0660; an unsigned
 *   CONF_CUSTOM	read by parse(), compared by same(), freed by free()
 */
enum conf_type {
	CONF_UINT,
	CONF_NUM,
	CONF_BOOL,
	CONF_STR,
	CONF_PATH,
	CONF_STRS,
	CONF_ENUM,
	CONF_MODE,
	CONF_CUSTOM,
};

#define CONF_REQUIRED	0x01	/* missing is an error */
#define CONF_NONEMPTY	0x02	/* CONF_STRS: at least one; CONF_STR and
				   CONF_PATH: not "" */
#define CONF_NOCMP	0x04	/* not part of "the same definition" */
#define CONF_NODEF	0x08	/* no default: the field is left alone */

/* The most keys one table may have. */
#define CONF_KEYS_MAX	64

/* Read setting s (present) into obj; report problems with conf_errf(). */
typedef void	 conf_parse_fn(struct loader *, const config_setting_t *s,
		    const struct conf_key *, void *obj, void *arg);
typedef bool	 conf_same_fn(const struct conf_key *, const void *a,
		    const void *b);
typedef void	 conf_free_fn(const struct conf_key *, void *obj);
typedef void	 conf_format_fn(const struct conf_key *, const void *obj,
		    char *buf, size_t len);

struct conf_key {
	const char		*name;		/* NULL ends a table */
	enum conf_type		 type;
	size_t			 off;
	size_t			 size;		/* UINT, ENUM, MODE */
	size_t			 noff;		/* STRS: the count */
	double			 min, max;	/* UINT, NUM; STR: max */
	double			 def;		/* UINT, NUM, BOOL, ENUM, MODE */
	const char		*defs;		/* STR, PATH: default text */
	const char *const	*names;		/* ENUM, NULL-ended */
	unsigned		 flags;
	conf_parse_fn		*parse;		/* CUSTOM */
	conf_same_fn		*same;		/* CUSTOM; NULL: not compared */
	conf_free_fn		*free;		/* CUSTOM; NULL: nothing */
	conf_format_fn		*format;	/* CUSTOM; NULL: "(custom)" */
	const char		*example;	/* a value other than the
						   default, as config text:
						   for tests; NULL: derived */
	const char		*doc;		/* one line */
};

#define CONF_FIELD(type, field)	offsetof(type, field), \
				    sizeof(((type *)0)->field)

/* A section: a table of keys and what its messages call it. */
struct conf_section {
	const char		*name;		/* "server", "a check" */
	const struct conf_key	*keys;
	const char		*man;		/* its .Sh in steerdns.conf(5) */
};

/* Set every key's default in obj. */
void	 conf_section_defaults(const struct conf_key *, void *obj);
/*
 * Read group g into obj by the table: unknown keys (in none of the tables
 * given to conf_section_unknown()), wrong types, values out of range,
 * required keys missing are reported, the rest stored.  ctx prefixes the
 * messages that name a value ("name \"www\": "), "" for none.  arg is
 * passed to custom parsers.
 */
void	 conf_section_read(struct loader *, const config_setting_t *g,
	    const struct conf_key *, void *obj, const char *ctx, void *arg);
/* Report each member of g that no table of the NULL-ended list has. */
void	 conf_section_unknown(struct loader *, const config_setting_t *g,
	    const char *what, const struct conf_key *const *tables);
/* The key of a table called name, or NULL. */
const struct conf_key *conf_key_find(const struct conf_key *,
	    const char *name);
/* Are a and b the same by every compared key of the table? */
bool	 conf_section_same(const struct conf_key *, const void *a,
	    const void *b);
/* Free what the table's keys own in obj. */
void	 conf_section_free(const struct conf_key *, void *obj);
/* The value of key in obj as config text ("/health", "[ 200, 204 ]"). */
void	 conf_key_format(const struct conf_key *, const void *obj, char *buf,
	    size_t len);

/* Every section of the config, NULL-ended: for the man page check. */
extern const struct conf_section *const conf_sections[];

#endif
