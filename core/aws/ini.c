/*
 * ini.c: the AWS config and credentials files (see ini.h for the rules).
 *
 * The parser walks the text once, line by line, without copying it; keys
 * and sections are found through small open-addressing indexes, so a large
 * or hostile file costs linear time. Values are copied into wiped-on-free
 * strings because a credentials file holds secret keys.
 */
#include "core/aws/ini.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/xmalloc.h"

/* Files larger than this are refused: no real config is near it. */
#define INI_MAX_FILE (4u * 1024 * 1024)

struct ini_sub {
	char *key;
	char *value;
};

struct ini_entry {
	char *key;
	char *value; /* "" for a sub-section */
	struct ini_sub *subs;
	size_t nsubs;
	size_t capsubs;
	int is_sub;
	const char *path; /* borrowed from the ini that parsed it */
	int line;
};

/* Maps names to positions in an array: slots hold position + 1, 0 is empty. */
struct ini_index {
	size_t *slots;
	size_t cap;
	size_t n;
};

struct ini_section {
	char *name;
	struct ini_entry *entries;
	size_t n;
	size_t cap;
	struct ini_index index;
};

struct ini {
	char *path;
	struct ini_section **sections;
	size_t n;
	size_t cap;
	struct ini_index index;
};

/* The index. */

static size_t
ini__hash(const char *s)
{
	size_t h = 14695981039346656037u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211u;
	}
	return h;
}

typedef const char *(*ini_name_fn)(const void *owner, size_t i);

static size_t
ini__index_find(const struct ini_index *x, const char *name, ini_name_fn fn, const void *owner)
{
	size_t i;

	if (x->cap == 0)
		return SIZE_MAX;
	for (i = ini__hash(name) & (x->cap - 1); x->slots[i] != 0; i = (i + 1) & (x->cap - 1)) {
		if (strcmp(fn(owner, x->slots[i] - 1), name) == 0)
			return x->slots[i] - 1;
	}
	return SIZE_MAX;
}

static void
ini__index_put(struct ini_index *x, size_t pos, ini_name_fn fn, const void *owner)
{
	size_t i;

	if ((x->n + 1) * 2 > x->cap) {
		struct ini_index old = *x;

		x->cap = old.cap != 0 ? old.cap * 2 : 16;
		x->slots = xcalloc(x->cap, sizeof *x->slots);
		x->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.slots[j] != 0)
				ini__index_put(x, old.slots[j] - 1, fn, owner);
		free(old.slots);
	}
	i = ini__hash(fn(owner, pos)) & (x->cap - 1);
	while (x->slots[i] != 0)
		i = (i + 1) & (x->cap - 1);
	x->slots[i] = pos + 1;
	x->n++;
}

static const char *
ini__entry_name(const void *owner, size_t i)
{
	return ((const struct ini_section *)owner)->entries[i].key;
}

static const char *
ini__section_name_at(const void *owner, size_t i)
{
	return ((const struct ini *)owner)->sections[i]->name;
}

/* Sections and entries. */

static void
ini__entry_clear_value(struct ini_entry *e)
{
	xfree_secret(e->value);
	e->value = NULL;
	for (size_t i = 0; i < e->nsubs; i++) {
		xfree_secret(e->subs[i].key);
		xfree_secret(e->subs[i].value);
	}
	free(e->subs);
	e->subs = NULL;
	e->nsubs = e->capsubs = 0;
	e->is_sub = 0;
}

static void
ini__section_free(struct ini_section *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		ini__entry_clear_value(&s->entries[i]);
		free(s->entries[i].key);
	}
	free(s->entries);
	free(s->index.slots);
	free(s->name);
	free(s);
}

/* The entry for key in s, made empty (a new one, or an old one cleared: the last wins). */
static struct ini_entry *
ini__section_set(struct ini_section *s, const char *key, const char *path, int line)
{
	size_t i = ini__index_find(&s->index, key, ini__entry_name, s);
	struct ini_entry *e;

	if (i != SIZE_MAX) {
		e = &s->entries[i];
		ini__entry_clear_value(e);
	} else {
		if (s->n == s->cap) {
			s->cap = s->cap != 0 ? s->cap * 2 : 8;
			s->entries = xreallocarray(s->entries, s->cap, sizeof *s->entries);
		}
		e = &s->entries[s->n];
		memset(e, 0, sizeof *e);
		e->key = xstrdup(key);
		ini__index_put(&s->index, s->n++, ini__entry_name, s);
	}
	e->path = path;
	e->line = line;
	return e;
}

static void
ini__entry_add_sub(struct ini_entry *e, const char *key, size_t klen, const char *value,
                   size_t vlen)
{
	if (e->nsubs == e->capsubs) {
		e->capsubs = e->capsubs != 0 ? e->capsubs * 2 : 4;
		e->subs = xreallocarray(e->subs, e->capsubs, sizeof *e->subs);
	}
	e->subs[e->nsubs].key = xstrndup(key, klen);
	e->subs[e->nsubs].value = xstrndup(value, vlen);
	e->nsubs++;
}

static struct ini *
ini__new(const char *path)
{
	struct ini *ini = xcalloc(1, sizeof *ini);

	ini->path = xstrdup(path != NULL ? path : "(config)");
	return ini;
}

/* The section called name in ini, made if missing. */
static struct ini_section *
ini__section_get(struct ini *ini, const char *name)
{
	size_t i = ini__index_find(&ini->index, name, ini__section_name_at, ini);
	struct ini_section *s;

	if (i != SIZE_MAX)
		return ini->sections[i];
	if (ini->n == ini->cap) {
		ini->cap = ini->cap != 0 ? ini->cap * 2 : 8;
		ini->sections = xreallocarray(ini->sections, ini->cap, sizeof *ini->sections);
	}
	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	ini->sections[ini->n] = s;
	ini__index_put(&ini->index, ini->n++, ini__section_name_at, ini);
	return s;
}

/* Copies every key of src into dst, replacing keys dst has (the later source wins). */
static void
ini__section_merge(struct ini_section *dst, const struct ini_section *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct ini_entry *from = &src->entries[i];
		struct ini_entry *to = ini__section_set(dst, from->key, from->path, from->line);

		to->value = xstrdup(from->value);
		to->is_sub = from->is_sub;
		for (size_t j = 0; j < from->nsubs; j++)
			ini__entry_add_sub(to, from->subs[j].key, strlen(from->subs[j].key),
			                   from->subs[j].value, strlen(from->subs[j].value));
	}
}

void
ini_free(struct ini *ini)
{
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini->n; i++)
		ini__section_free(ini->sections[i]);
	free(ini->sections);
	free(ini->index.slots);
	free(ini->path);
	free(ini);
}

/* The parser. */

static int
ini__space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims [*b, *e) of whitespace on both sides. */
static void
ini__trim(const char **b, const char **e)
{
	while (*b < *e && ini__space(**b))
		(*b)++;
	while (*e > *b && ini__space((*e)[-1]))
		(*e)--;
}

/*
 * Cuts an inline comment from the trimmed text [b, e): a '#' or ';' after
 * whitespace, never the first character (so "key = #x" keeps "#x", as
 * botocore does; "key = x # note" is "x", as the other AWS SDKs read it).
 */
static const char *
ini__cut_comment(const char *b, const char *e)
{
	for (const char *p = b + 1; p < e; p++) {
		if ((*p == '#' || *p == ';') && ini__space(p[-1])) {
			e = p;
			while (e > b && ini__space(e[-1]))
				e--;
			return e;
		}
	}
	return e;
}

struct ini_parser {
	struct ini *ini;
	const char *path;
	int line;
	struct ini_section *section;
	struct ini_entry *entry; /* the key whose indented lines may follow */
	int entry_indent;
	int entry_sub;      /* its value was empty: indented lines form a sub-section */
	struct buf value;   /* its value so far (not a sub-section) */
	size_t blank_lines; /* blank lines seen inside its continuation */
	int continued;      /* it got at least one indented line */
	char *cause;
};

static int ini__fail(struct ini_parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ini__fail(struct ini_parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	ps->cause = xasprintf("%s:%d: %s", ps->path, ps->line, what);
	free(what);
	return -1;
}

/* Ends the current key: its value is complete. */
static void
ini__end_entry(struct ini_parser *ps)
{
	if (ps->entry == NULL)
		return;
	if (ps->entry_sub && ps->continued) {
		ps->entry->is_sub = 1;
		ps->entry->value = xstrdup("");
	} else {
		ps->entry->value = xstrndup(ps->value.data, ps->value.len);
	}
	xwipe(ps->value.data, ps->value.len);
	buf_reset(&ps->value);
	ps->entry = NULL;
}

static int
ini__header(struct ini_parser *ps, const char *b, const char *e)
{
	const char *close = memchr(b, ']', (size_t)(e - b));
	const char *nb = b + 1, *ne;
	char *name;

	if (close == NULL)
		return ini__fail(ps, "expected ']' to close the section header");
	if (close + 1 != e && ini__cut_comment(close, e) != close + 1)
		return ini__fail(ps, "expected the end of the line after ']'");
	ne = close;
	ini__trim(&nb, &ne);
	if (nb == ne)
		return ini__fail(ps, "expected a section name between '[' and ']'");
	name = xstrndup(nb, (size_t)(ne - nb));
	ps->section = ini__section_get(ps->ini, name);
	free(name);
	return 0;
}

static int
ini__key_line(struct ini_parser *ps, const char *b, const char *e, int indent)
{
	const char *d = b, *kb = b, *ke, *vb, *ve = e;
	char *key;

	while (d < e && *d != '=' && *d != ':')
		d++;
	if (ps->section == NULL)
		return ini__fail(ps,
		                 "expected a section header such as [default] or [profile NAME] "
		                 "before the first setting");
	if (d == e)
		return ini__fail(ps, "expected 'key = value', a [section] header or a comment");
	ke = d;
	ini__trim(&kb, &ke);
	if (kb == ke)
		return ini__fail(ps, "expected a key name before '%s'", *d == '=' ? "=" : ":");
	vb = d + 1;
	ini__trim(&vb, &ve);
	if (vb < ve)
		ve = ini__cut_comment(vb, ve);
	key = xstrndup(kb, (size_t)(ke - kb));
	for (char *k = key; *k != '\0'; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	ps->entry = ini__section_set(ps->section, key, ps->path, ps->line);
	free(key);
	ps->entry_indent = indent;
	ps->entry_sub = vb == ve;
	ps->continued = 0;
	ps->blank_lines = 0;
	buf_add(&ps->value, vb, (size_t)(ve - vb));
	return 0;
}

/* An indented line under a key: more value, or one "k = v" of a sub-section. */
static int
ini__continuation(struct ini_parser *ps, const char *b, const char *e)
{
	ps->continued = 1;
	if (ps->entry_sub) {
		const char *d = memchr(b, '=', (size_t)(e - b));
		const char *kb = b, *ke, *vb, *ve = e;

		if (d == NULL)
			return ini__fail(ps, "expected 'key = value' inside the sub-section '%s'",
			                 ps->entry->key);
		ke = d;
		vb = d + 1;
		ini__trim(&kb, &ke);
		ini__trim(&vb, &ve);
		if (vb < ve)
			ve = ini__cut_comment(vb, ve);
		if (kb == ke)
			return ini__fail(ps,
			                 "expected a key name before '=' inside the "
			                 "sub-section '%s'",
			                 ps->entry->key);
		ini__entry_add_sub(ps->entry, kb, (size_t)(ke - kb), vb, (size_t)(ve - vb));
		return 0;
	}
	e = ini__cut_comment(b, e);
	for (; ps->blank_lines > 0; ps->blank_lines--)
		buf_addc(&ps->value, '\n');
	buf_addc(&ps->value, '\n');
	buf_add(&ps->value, b, (size_t)(e - b));
	return 0;
}

static int
ini__line(struct ini_parser *ps, const char *b, const char *e)
{
	int indent = 0;

	while (b + indent < e && ini__space(b[indent]))
		indent++;
	ini__trim(&b, &e);
	if (b == e) {
		if (ps->entry != NULL)
			ps->blank_lines++;
		return 0;
	}
	if (*b == '#' || *b == ';')
		return 0;
	if (ps->entry != NULL && indent > ps->entry_indent)
		return ini__continuation(ps, b, e);
	ini__end_entry(ps);
	if (*b == '[')
		return ini__header(ps, b, e);
	return ini__key_line(ps, b, e, indent);
}

int
ini_parse(const char *path, const char *text, size_t len, struct ini **out, char **cause)
{
	struct ini_parser ps;
	const char *p = text, *end = text + len;
	int r = 0;

	memset(&ps, 0, sizeof ps);
	ps.ini = ini__new(path);
	ps.path = ps.ini->path;
	buf_init(&ps.value);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && r == 0) {
		const char *le = p;

		while (le < end && *le != '\n' && *le != '\r' && *le != '\0')
			le++;
		ps.line++;
		if (le < end && *le == '\0') {
			r = ini__fail(&ps, "unexpected NUL byte: is this a text file?");
			break;
		}
		r = ini__line(&ps, p, le);
		if (le < end && *le == '\r' && le + 1 < end && le[1] == '\n')
			le++;
		p = le + 1;
	}
	if (r == 0)
		ini__end_entry(&ps);
	buf_done_secret(&ps.value);
	if (r != 0) {
		ini_free(ps.ini);
		if (cause != NULL)
			*cause = ps.cause;
		else
			free(ps.cause);
		return -1;
	}
	*out = ps.ini;
	return 0;
}

/* Appends a permission warning for a file others can read or write. */
static void
ini__check_mode(const char *path, const struct stat *st, char **warnings)
{
	char *w, *all;

	if (warnings == NULL || (st->st_mode & 077) == 0)
		return;
	w = xasprintf("%s: permissions %04o are too open (readable or writable by group or "
	              "others); run: chmod 600 %s\n",
	              path, (unsigned)(st->st_mode & 07777), path);
	if (*warnings == NULL) {
		*warnings = w;
		return;
	}
	all = xasprintf("%s%s", *warnings, w);
	free(*warnings);
	free(w);
	*warnings = all;
}

int
ini_load(const char *path, struct ini **out, char **warnings, char **cause)
{
	struct stat st;
	char *text;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		if (cause != NULL)
			*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)INI_MAX_FILE) {
		if (cause != NULL)
			*cause = xasprintf("%s: %s", path,
			                   !S_ISREG(st.st_mode) ? "not a regular file"
			                                        : "too large for a config file");
		close(fd);
		return -1;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	r = ini_parse(path, text, got, out, cause);
	xwipe(text, got);
	free(text);
	if (r == 0)
		ini__check_mode(path, &st, warnings);
	return r;
}

const char *
ini_path(const struct ini *ini)
{
	return ini->path;
}

size_t
ini_section_count(const struct ini *ini)
{
	return ini->n;
}

const struct ini_section *
ini_section_at(const struct ini *ini, size_t i)
{
	return i < ini->n ? ini->sections[i] : NULL;
}

const struct ini_section *
ini_find(const struct ini *ini, const char *name)
{
	const char *b = name, *e = name + strlen(name);
	char *trimmed;
	size_t i;

	if (ini == NULL)
		return NULL;
	ini__trim(&b, &e);
	trimmed = xstrndup(b, (size_t)(e - b));
	i = ini__index_find(&ini->index, trimmed, ini__section_name_at, ini);
	free(trimmed);
	return i != SIZE_MAX ? ini->sections[i] : NULL;
}

const char *
ini_section_name(const struct ini_section *s)
{
	return s->name;
}

size_t
ini_key_count(const struct ini_section *s)
{
	return s->n;
}

const char *
ini_key_at(const struct ini_section *s, size_t i)
{
	return i < s->n ? s->entries[i].key : NULL;
}

static const struct ini_entry *
ini__entry(const struct ini_section *s, const char *key)
{
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	i = ini__index_find(&s->index, key, ini__entry_name, s);
	return i != SIZE_MAX ? &s->entries[i] : NULL;
}

const char *
ini_get(const struct ini_section *s, const char *key)
{
	const struct ini_entry *e = ini__entry(s, key);

	return e != NULL ? e->value : NULL;
}

int
ini_is_sub(const struct ini_section *s, const char *key)
{
	const struct ini_entry *e = ini__entry(s, key);

	return e != NULL && e->is_sub;
}

const char *
ini_get_sub(const struct ini_section *s, const char *key, const char *subkey)
{
	const struct ini_entry *e = ini__entry(s, key);

	if (e == NULL || !e->is_sub)
		return NULL;
	/* The last one wins, as in the dict botocore builds. */
	for (size_t i = e->nsubs; i-- > 0;)
		if (strcmp(e->subs[i].key, subkey) == 0)
			return e->subs[i].value;
	return NULL;
}

int
ini_where(const struct ini_section *s, const char *key, const char **path)
{
	const struct ini_entry *e = ini__entry(s, key);

	if (e == NULL)
		return 0;
	if (path != NULL)
		*path = e->path;
	return e->line;
}

/* Paths. */

static void
ini__home(struct buf *b, const char *user, size_t ulen)
{
	const char *home = NULL;
	struct passwd *pw;

	if (ulen == 0) {
		home = getenv("HOME");
		if (home == NULL || *home == '\0') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
	} else {
		char *name = xstrndup(user, ulen);

		pw = getpwnam(name);
		free(name);
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL) {
		/* Like expanduser: an unknown user stays as written. */
		buf_addc(b, '~');
		buf_add(b, user, ulen);
		return;
	}
	buf_adds(b, home);
}

static int
ini__varchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

char *
ini_expand_path(const char *path)
{
	struct buf vars, out;
	const char *p = path;
	char *result;

	/* expandvars first, as botocore does. */
	buf_init(&vars);
	while (*p != '\0') {
		const char *nb, *ne, *next;
		char *name, *val;

		if (*p != '$') {
			buf_addc(&vars, *p++);
			continue;
		}
		if (p[1] == '{') {
			nb = p + 2;
			ne = strchr(nb, '}');
			next = ne != NULL ? ne + 1 : NULL;
		} else {
			nb = p + 1;
			for (ne = nb; ini__varchar(*ne); ne++)
				;
			next = ne;
		}
		if (ne == NULL || ne == nb) {
			buf_addc(&vars, *p++);
			continue;
		}
		name = xstrndup(nb, (size_t)(ne - nb));
		val = getenv(name);
		free(name);
		if (val != NULL)
			buf_adds(&vars, val);
		else
			buf_add(&vars, p, (size_t)(next - p));
		p = next;
	}
	buf_init(&out);
	p = vars.data;
	if (*p == '~') {
		const char *u = p + 1, *ue = u;

		while (*ue != '\0' && *ue != '/')
			ue++;
		ini__home(&out, u, (size_t)(ue - u));
		p = ue;
	}
	buf_adds(&out, p);
	buf_done(&vars);
	result = buf_detach(&out);
	buf_done(&out);
	return result;
}

/* Shell-style word splitting (Python's shlex.split, POSIX mode). */

static void
ini__word_push(char ***words, size_t *n, size_t *cap, struct buf *w)
{
	if (*n + 2 > *cap) {
		*cap = *cap != 0 ? *cap * 2 : 8;
		*words = xreallocarray(*words, *cap, sizeof **words);
	}
	(*words)[(*n)++] = buf_detach(w);
	(*words)[*n] = NULL;
}

void
ini_words_free(char **words)
{
	if (words == NULL)
		return;
	for (size_t i = 0; words[i] != NULL; i++)
		xfree_secret(words[i]);
	free(words);
}

int
ini_split_words(const char *s, char ***words, size_t *count, char **cause)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct buf w;
	int in_word = 0;
	const char *err = NULL;

	buf_init(&w);
	while (*s != '\0' && err == NULL) {
		char c = *s++;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (in_word)
				ini__word_push(&v, &n, &cap, &w);
			in_word = 0;
			continue;
		}
		in_word = 1;
		if (c == '\\') {
			if (*s == '\0')
				err = "a '\\' at the end with nothing to escape";
			else
				buf_addc(&w, *s++);
		} else if (c == '\'') {
			while (*s != '\0' && *s != '\'')
				buf_addc(&w, *s++);
			if (*s == '\0')
				err = "no closing quotation (')";
			else
				s++;
		} else if (c == '"') {
			while (*s != '\0' && *s != '"') {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				buf_addc(&w, *s++);
			}
			if (*s == '\0')
				err = "no closing quotation (\")";
			else
				s++;
		} else {
			buf_addc(&w, c);
		}
	}
	if (err == NULL && in_word)
		ini__word_push(&v, &n, &cap, &w);
	buf_done_secret(&w);
	if (err != NULL) {
		ini_words_free(v);
		if (cause != NULL)
			*cause = xstrdup(err);
		return -1;
	}
	if (v == NULL) {
		v = xcalloc(1, sizeof *v);
	}
	*words = v;
	if (count != NULL)
		*count = n;
	return 0;
}

/* The AWS view. */

struct ini_aws {
	char *config_path;
	char *credentials_path;
	struct ini *config;      /* as parsed, or NULL if missing */
	struct ini *credentials; /* as parsed, or NULL if missing */
	struct ini *cfg_profiles;
	struct ini *profiles;
	struct ini *sso_sessions;
	struct ini *services;
};

void
ini_aws_free(struct ini_aws *a)
{
	if (a == NULL)
		return;
	ini_free(a->config);
	ini_free(a->credentials);
	ini_free(a->cfg_profiles);
	ini_free(a->profiles);
	ini_free(a->sso_sessions);
	ini_free(a->services);
	free(a->config_path);
	free(a->credentials_path);
	free(a);
}

/* "profile NAME" -> NAME when the header is exactly two shell words and the first is kind. */
static char *
ini__typed_name(const char *section, const char *kind)
{
	char **w;
	size_t n;
	char *name = NULL;

	if (strncmp(section, kind, strlen(kind)) != 0)
		return NULL;
	if (ini_split_words(section, &w, &n, NULL) < 0)
		return NULL; /* botocore skips a header shlex cannot split */
	if (n == 2 && strcmp(w[0], kind) == 0)
		name = xstrdup(w[1]);
	ini_words_free(w);
	return name;
}

static void
ini__aws_sort_config(struct ini_aws *a)
{
	static const struct {
		const char *kind;
		size_t off;
	} kinds[] = {
	    {"profile", offsetof(struct ini_aws, cfg_profiles)},
	    {"sso-session", offsetof(struct ini_aws, sso_sessions)},
	    {"services", offsetof(struct ini_aws, services)},
	};

	for (size_t i = 0; a->config != NULL && i < a->config->n; i++) {
		const struct ini_section *s = a->config->sections[i];

		if (strcmp(s->name, "default") == 0) {
			ini__section_merge(ini__section_get(a->cfg_profiles, "default"), s);
			continue;
		}
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			char *name = ini__typed_name(s->name, kinds[k].kind);
			struct ini *dst = *(struct ini **)((char *)a + kinds[k].off);

			if (name == NULL)
				continue;
			ini__section_merge(ini__section_get(dst, name), s);
			free(name);
			break;
		}
	}
}

static void
ini__aws_merge_profiles(struct ini_aws *a)
{
	for (size_t i = 0; i < a->cfg_profiles->n; i++) {
		const struct ini_section *s = a->cfg_profiles->sections[i];

		ini__section_merge(ini__section_get(a->profiles, s->name), s);
	}
	for (size_t i = 0; a->credentials != NULL && i < a->credentials->n; i++) {
		const struct ini_section *s = a->credentials->sections[i];

		ini__section_merge(ini__section_get(a->profiles, s->name), s);
	}
}

static char *
ini__default_path(const char *given, const char *env, const char *fallback)
{
	const char *v = given;

	if (v == NULL || *v == '\0')
		v = getenv(env);
	if (v == NULL || *v == '\0')
		v = fallback;
	return ini_expand_path(v);
}

int
ini_aws_load(const char *config_path, const char *credentials_path, struct ini_aws **out,
             char **warnings, char **cause)
{
	struct ini_aws *a = xcalloc(1, sizeof *a);

	a->config_path = ini__default_path(config_path, "AWS_CONFIG_FILE", "~/.aws/config");
	a->credentials_path = ini__default_path(credentials_path, "AWS_SHARED_CREDENTIALS_FILE",
	                                        "~/.aws/credentials");
	if (ini_load(a->config_path, &a->config, warnings, cause) < 0 ||
	    ini_load(a->credentials_path, &a->credentials, warnings, cause) < 0) {
		ini_aws_free(a);
		return -1;
	}
	a->cfg_profiles = ini__new(a->config_path);
	a->sso_sessions = ini__new(a->config_path);
	a->services = ini__new(a->config_path);
	a->profiles = ini__new(a->config_path);
	ini__aws_sort_config(a);
	ini__aws_merge_profiles(a);
	*out = a;
	return 0;
}

const char *
ini_aws_config_path(const struct ini_aws *a)
{
	return a->config_path;
}

const char *
ini_aws_credentials_path(const struct ini_aws *a)
{
	return a->credentials_path;
}

const struct ini_section *
ini_aws_profile(const struct ini_aws *a, const char *name)
{
	return ini_find(a->profiles, name);
}

const struct ini_section *
ini_aws_config_profile(const struct ini_aws *a, const char *name)
{
	return ini_find(a->cfg_profiles, name);
}

const struct ini_section *
ini_aws_credentials_profile(const struct ini_aws *a, const char *name)
{
	return ini_find(a->credentials, name);
}

const struct ini_section *
ini_aws_sso_session(const struct ini_aws *a, const char *name)
{
	return ini_find(a->sso_sessions, name);
}

const struct ini_section *
ini_aws_services(const struct ini_aws *a, const char *name)
{
	return ini_find(a->services, name);
}
