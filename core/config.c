/*
 * config.c: orgtop's own settings (see config.h for the file format).
 *
 * One table describes every key: its name, its kind and its range. The file
 * parser, config_set() (which the command line uses for its flags) and
 * config_write() all read it, so a key is validated the same way wherever
 * it comes from. The parser works on a copy and commits it only when every
 * line was good.
 */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (1024 * 1024)
#define DURATION_MAX (7u * 86400)

enum kind {
	K_PROFILE,
	K_REGIONS,
	K_ROLE,
	K_EXTERNAL_ID,
	K_MODE,
	K_COUNT,
	K_DURATION,
	K_BOOL,
	K_COLOR,
	K_THEME,
	K_PATH,
	K_PERCENT,
	K_LOG_LEVEL,
};

struct keydef {
	const char *name;
	enum kind kind;
	unsigned min, max; /* K_COUNT, K_DURATION, K_PERCENT */
	int src;           /* K_DURATION of one source: its enum collect_source; -1 otherwise */
};

static const struct keydef keys[CK__COUNT] = {
	[CK_PROFILE] = {"profile", K_PROFILE, 0, 0, -1},
	[CK_REGIONS] = {"regions", K_REGIONS, 0, 0, -1},
	[CK_ROLE_NAME] = {"role_name", K_ROLE, 0, 0, -1},
	[CK_EXTERNAL_ID] = {"external_id", K_EXTERNAL_ID, 0, 0, -1},
	[CK_MODE] = {"mode", K_MODE, 0, 0, -1},
	[CK_CONCURRENCY] = {"concurrency", K_COUNT, 1, 1024, -1},
	[CK_REFRESH] = {"refresh", K_DURATION, 10, DURATION_MAX, -1},
	[CK_REFRESH_ORG] = {"refresh.org", K_DURATION, 10, DURATION_MAX, SRC_ORG},
	[CK_REFRESH_CONFIG] = {"refresh.config", K_DURATION, 10, DURATION_MAX, SRC_CONFIG},
	[CK_REFRESH_GUARDDUTY] = {"refresh.guardduty", K_DURATION, 10, DURATION_MAX,
	    SRC_GUARDDUTY},
	[CK_REFRESH_BUDGETS] = {"refresh.budgets", K_DURATION, 10, DURATION_MAX, SRC_BUDGETS},
	[CK_REFRESH_SSO] = {"refresh.sso", K_DURATION, 10, DURATION_MAX, SRC_SSO},
	[CK_REFRESH_COST] = {"refresh.cost", K_DURATION, 10, DURATION_MAX, SRC_COST},
	[CK_REGION_DEADLINE] = {"region_deadline", K_DURATION, 1, 3600, -1},
	[CK_THEME] = {"theme", K_THEME, 0, 0, -1},
	[CK_ASCII] = {"ascii", K_BOOL, 0, 0, -1},
	[CK_COLOR] = {"color", K_COLOR, 0, 0, -1},
	[CK_MOUSE] = {"mouse", K_BOOL, 0, 0, -1},
	[CK_CACHE_DIR] = {"cache_dir", K_PATH, 0, 0, -1},
	[CK_NO_CACHE] = {"no_cache", K_BOOL, 0, 0, -1},
	[CK_BUDGET_WARN] = {"budget_warn", K_PERCENT, 1, 1000, -1},
	[CK_BUDGET_CRIT] = {"budget_crit", K_PERCENT, 1, 1000, -1},
	[CK_LOG] = {"log", K_PATH, 0, 0, -1},
	[CK_LOG_LEVEL] = {"log_level", K_LOG_LEVEL, 0, 0, -1},
};

/* The collector's own defaults (core/collect.c), for config_interval() and config_write(). */
static const unsigned default_interval[SRC__COUNT] = {
	[SRC_ORG] = 3600,
	[SRC_CONFIG] = 300,
	[SRC_GUARDDUTY] = 300,
	[SRC_BUDGETS] = 3600,
	[SRC_SSO] = 3600,
	[SRC_COST] = 6 * 3600,
};

#define DEFAULT_ROLE "OrganizationAccountAccessRole"

/* --------------------------------------------------------------- lifetime */

void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->mode = COLLECT_AUTO;
	c->concurrency = 64;
	c->region_deadline = 30;
	c->color = CONFIG_COLOR_AUTO;
	c->mouse = 1;
	c->budget_warn = 80;
	c->budget_crit = 100;
	c->log_level = LOG_INFO;
}

/* The address of a key's string field, or NULL for a key that is not text. */
static char **
config__str(struct config *c, enum config_key k)
{
	switch (k) {
	case CK_PROFILE:
		return &c->profile;
	case CK_REGIONS:
		return &c->regions;
	case CK_ROLE_NAME:
		return &c->role_name;
	case CK_EXTERNAL_ID:
		return &c->external_id;
	case CK_THEME:
		return &c->theme;
	case CK_CACHE_DIR:
		return &c->cache_dir;
	case CK_LOG:
		return &c->log;
	default:
		return NULL;
	}
}

/* The value of a text key (NULL when unset or not a text key). */
static const char *
config__strval(const struct config *c, enum config_key k)
{
	switch (k) {
	case CK_PROFILE:
		return c->profile;
	case CK_REGIONS:
		return c->regions;
	case CK_ROLE_NAME:
		return c->role_name;
	case CK_EXTERNAL_ID:
		return c->external_id;
	case CK_THEME:
		return c->theme;
	case CK_CACHE_DIR:
		return c->cache_dir;
	case CK_LOG:
		return c->log;
	default:
		return NULL;
	}
}

void
config_done(struct config *c)
{
	if (c == NULL)
		return;
	for (int k = 0; k < CK__COUNT; k++) {
		char **s = config__str(c, (enum config_key)k);

		if (s != NULL) {
			free(*s);
			*s = NULL;
		}
	}
}

void
config_copy(struct config *dst, const struct config *src)
{
	struct config t = *src;

	for (int k = 0; k < CK__COUNT; k++) {
		char **s = config__str(&t, (enum config_key)k);

		if (s != NULL && *s != NULL)
			*s = xstrdup(*s);
	}
	config_done(dst);
	*dst = t;
}

const char *
config_key_name(enum config_key k)
{
	return (unsigned)k < CK__COUNT ? keys[k].name : NULL;
}

int
config_key_find(const char *name)
{
	if (name == NULL)
		return -1;
	for (int k = 0; k < CK__COUNT; k++) {
		if (strcmp(keys[k].name, name) == 0)
			return k;
	}
	return -1;
}

/* ------------------------------------------------------------ validators */

/* A value shown in a message: sanitised and cut. Caller frees the result. */
static char *
config__show(const char *s)
{
	struct buf b;
	char *r;

	buf_init(&b);
	text_sanitize(&b, s, strlen(s), 60, 0);
	r = buf_detach(&b);
	buf_done(&b);
	return r;
}

static int
config__fail(char **cause, enum config_key k, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
config__fail(char **cause, enum config_key k, const char *value, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char *v;

	if (cause == NULL)
		return -1;
	buf_init(&b);
	buf_printf(&b, "%s: expected ", keys[k].name);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	v = config__show(value);
	buf_printf(&b, ", got \"%s\"", v);
	free(v);
	*cause = buf_detach(&b);
	buf_done(&b);
	return -1;
}

static int
config__chars(const char *s, const char *allowed)
{
	return strspn(s, allowed) == strlen(s);
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* What each kind of name may contain (AWS's own rules for roles and external ids). */
static const char profile_chars[] = ALNUM "._-+=,@/:";
static const char role_chars[] = ALNUM "+=,.@_-/";
static const char external_id_chars[] = ALNUM "+=,.@:/_-";

/* "90", "90s", "5m", "1h", "6h", "1d", "1h30m": seconds. 0 / -1. */
static int
config__duration(const char *s, unsigned *out)
{
	unsigned long long total = 0;
	const char *p = s;
	int parts = 0;

	if (*s == '\0')
		return -1;
	while (*p != '\0') {
		unsigned long long n = 0, mult;
		int digits = 0;

		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (unsigned)(*p++ - '0');
			digits++;
			if (n > 1000000000ULL)
				return -1;
		}
		if (digits == 0)
			return -1;
		switch (*p) {
		case 's':
			mult = 1;
			break;
		case 'm':
			mult = 60;
			break;
		case 'h':
			mult = 3600;
			break;
		case 'd':
			mult = 86400;
			break;
		case '\0':
			if (parts > 0)
				return -1; /* "1h30": 30 what? */
			mult = 1;
			break;
		default:
			return -1;
		}
		if (*p != '\0')
			p++;
		total += n * mult;
		if (total > 1000000000ULL)
			return -1;
		parts++;
	}
	*out = (unsigned)total;
	return 0;
}

static int
config__bool(const char *s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < NELEM(yes); i++) {
		if (util_strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (util_strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Region patterns: "eu-*,us-east-1" (spaces around commas dropped). Caller frees *out. */
static int
config__regions(const char *s, char **out)
{
	struct buf b;
	const char *p = s;

	buf_init(&b);
	while (*p != '\0') {
		const char *comma = strchr(p, ','), *e;
		size_t n;

		e = comma != NULL ? comma : p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		n = (size_t)(e - p);
		if (n == 0 || n > 64 || strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-*?") < n) {
			buf_done(&b);
			return -1;
		}
		if (b.len > 0)
			buf_addc(&b, ',');
		buf_add(&b, p, n);
		p = comma != NULL ? comma + 1 : p + n;
		if (comma != NULL && *p == '\0') {
			buf_done(&b);
			return -1; /* a trailing comma */
		}
		if (comma == NULL)
			break;
	}
	*out = buf_detach(&b);
	buf_done(&b);
	return 0;
}

/* "~/x" -> "$HOME/x". Caller frees *out. */
static int
config__path(const char *s, char **out, char **why)
{
	const char *home;

	if (strncmp(s, "~/", 2) != 0 && strcmp(s, "~") != 0) {
		*out = xstrdup(s);
		return 0;
	}
	home = getenv("HOME");
	if (home == NULL || home[0] != '/') {
		*why = xstrdup("a path; ~ needs HOME to be set");
		return -1;
	}
	*out = xasprintf("%s%s", home, s + 1);
	return 0;
}

static int
config__has_ctrl(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* Validates and converts a text value into t. 0 / -1 with *cause. */
static int
config__set_text(struct config *t, enum config_key k, const char *v, char **cause)
{
	char **field = config__str(t, k), *val = NULL, *why = NULL;
	size_t n = strlen(v);

	switch (keys[k].kind) {
	case K_PROFILE:
		if (n > 128 || !config__chars(v, profile_chars))
			return config__fail(cause, k, v, "a profile name from ~/.aws/config");
		val = xstrdup(v);
		break;
	case K_REGIONS:
		if (config__regions(v, &val) < 0)
			return config__fail(cause, k, v,
			    "region names or patterns separated by commas, such as eu-*,us-east-1");
		break;
	case K_ROLE:
		if (n > 512 || !config__chars(v, role_chars) || v[0] == '/' || v[n - 1] == '/')
			return config__fail(cause, k, v,
			    "an IAM role name (letters, digits and +=,.@_-), such as OrgtopAudit");
		val = xstrdup(v);
		break;
	case K_EXTERNAL_ID:
		if (n < 2 || n > 1224 || !config__chars(v, external_id_chars))
			return config__fail(cause, k, v,
			    "2 to 1224 characters of letters, digits and +=,.@:/_-");
		val = xstrdup(v);
		break;
	case K_THEME:
		if (n > 256 || config__has_ctrl(v))
			return config__fail(cause, k, v, "a theme name such as solarized-dark");
		if (config__path(v, &val, &why) < 0) {
			config__fail(cause, k, v, "%s", why);
			free(why);
			return -1;
		}
		break;
	case K_PATH:
		if (n > 4096 || config__has_ctrl(v))
			return config__fail(cause, k, v, "a path");
		if (config__path(v, &val, &why) < 0) {
			config__fail(cause, k, v, "%s", why);
			free(why);
			return -1;
		}
		break;
	default:
		return -1;
	}
	free(*field);
	*field = val;
	return 0;
}

int
config_set(struct config *c, enum config_key k, const char *value, char **cause)
{
	struct config t;
	unsigned u;
	int b;

	if ((unsigned)k >= CK__COUNT || value == NULL)
		return -1;
	config_init(&t);
	config_copy(&t, c);
	if (config__str(&t, k) != NULL && *value == '\0') {
		/* An empty text value means "back to the default". */
		free(*config__str(&t, k));
		*config__str(&t, k) = NULL;
		goto ok;
	}
	switch (keys[k].kind) {
	case K_MODE:
		if (strcmp(value, "auto") == 0)
			t.mode = COLLECT_AUTO;
		else if (strcmp(value, "accounts") == 0)
			t.mode = COLLECT_ACCOUNTS;
		else if (strcmp(value, "org") == 0)
			t.mode = COLLECT_ORG;
		else
			goto fail_mode;
		break;
	case K_COUNT:
	case K_PERCENT: {
		long long v;
		char tmp[32];
		size_t n = strlen(value);

		if (n >= sizeof tmp)
			goto fail_range;
		memcpy(tmp, value, n + 1);
		if (keys[k].kind == K_PERCENT && n > 0 && tmp[n - 1] == '%')
			tmp[n - 1] = '\0';
		if (util_parse_ll(tmp, keys[k].min, keys[k].max, &v) < 0)
			goto fail_range;
		if (k == CK_CONCURRENCY)
			t.concurrency = (unsigned)v;
		else if (k == CK_BUDGET_WARN)
			t.budget_warn = (unsigned)v;
		else
			t.budget_crit = (unsigned)v;
		break;
	}
	case K_DURATION:
		if (config__duration(value, &u) < 0 || u < keys[k].min || u > keys[k].max)
			goto fail_duration;
		if (k == CK_REFRESH)
			t.refresh = u;
		else if (k == CK_REGION_DEADLINE)
			t.region_deadline = u;
		else
			t.refresh_src[keys[k].src] = u;
		break;
	case K_BOOL:
		if (config__bool(value, &b) < 0) {
			config__fail(cause, k, value, "yes or no");
			goto fail;
		}
		if (k == CK_ASCII)
			t.ascii = b;
		else if (k == CK_MOUSE)
			t.mouse = b;
		else
			t.no_cache = b;
		break;
	case K_COLOR:
		if (strcmp(value, "auto") == 0) {
			t.color = CONFIG_COLOR_AUTO;
		} else if (strcmp(value, "always") == 0) {
			t.color = CONFIG_COLOR_ALWAYS;
		} else if (strcmp(value, "never") == 0) {
			t.color = CONFIG_COLOR_NEVER;
		} else if (config__bool(value, &b) == 0) {
			t.color = b ? CONFIG_COLOR_ALWAYS : CONFIG_COLOR_NEVER;
		} else {
			config__fail(cause, k, value, "auto, always or never");
			goto fail;
		}
		break;
	case K_LOG_LEVEL: {
		enum log_level lv;

		if (log_level_parse(value, &lv) < 0) {
			config__fail(cause, k, value, "error, warn, info, debug or trace");
			goto fail;
		}
		t.log_level = lv;
		break;
	}
	default:
		if (config__set_text(&t, k, value, cause) < 0)
			goto fail;
		break;
	}
ok:
	t.set |= 1u << k;
	config_done(c);
	*c = t;
	return 0;

fail_mode:
	config__fail(cause, k, value, "auto, accounts or org");
	goto fail;
fail_range:
	config__fail(cause, k, value, "a whole number from %u to %u%s", keys[k].min, keys[k].max,
	    keys[k].kind == K_PERCENT ? " (percent)" : "");
	goto fail;
fail_duration:
	config__fail(cause, k, value, "a duration from %us to %us, such as 300, 90s, 5m or 1h",
	    keys[k].min, keys[k].max);
fail:
	config_done(&t);
	return -1;
}

/* ------------------------------------------------------------- the file */

/* Levenshtein distance, for "did you mean". */
static size_t
config__distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

static const char *
config__nearest(const char *key)
{
	size_t best = 99;
	const char *name = NULL;

	for (int k = 0; k < CK__COUNT; k++) {
		size_t d = config__distance(key, keys[k].name);

		if (d < best) {
			best = d;
			name = keys[k].name;
		}
	}
	return best <= 3 ? name : NULL;
}

static void
config__warn(config_warn_fn warn, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
config__warn(config_warn_fn warn, void *arg, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (warn == NULL)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	warn(s, arg);
	free(s);
}

static char *
config__trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* The value after '=' (v points past it): quotes undone, a comment dropped. Caller frees *out. */
static int
config__value(char *v, char **out, const char **why)
{
	struct buf b;

	while (*v == ' ' || *v == '\t')
		v++;
	buf_init(&b);
	if (*v == '"' || *v == '\'') {
		char q = *v++;

		for (;; v++) {
			if (*v == '\0') {
				*why = q == '"' ? "a \"quoted value without its closing quote" :
						  "a 'quoted value without its closing quote";
				buf_done(&b);
				return -1;
			}
			if (*v == q)
				break;
			if (q == '"' && *v == '\\' && (v[1] == '"' || v[1] == '\\'))
				v++;
			buf_addc(&b, *v);
		}
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '\0' && *v != '#' && *v != ';') {
			*why = "unexpected text after the quoted value";
			buf_done(&b);
			return -1;
		}
	} else {
		/* An unquoted value ends at " #" (a # after a blank starts a comment). */
		char *p = v;

		if (*p == '#')
			*p = '\0';
		for (; *p != '\0'; p++) {
			if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t')) {
				*p = '\0';
				break;
			}
		}
		buf_adds(&b, config__trim(v));
	}
	*out = buf_detach(&b);
	buf_done(&b);
	return 0;
}

struct parse {
	char *origin; /* sanitised */
	config_warn_fn warn;
	void *arg;
	unsigned seen[CK__COUNT]; /* the line of this file that set each key */
};

static int
config__line(struct config *t, struct parse *ps, char *line, unsigned no, char **cause)
{
	char *s = config__trim(line), *eq, *key, *value = NULL, *why = NULL;
	const char *bad = NULL;
	int k;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		*cause = xasprintf("%s:%u: sections like [...] are not used in orgtop's config; "
				   "expected key = value",
		    ps->origin, no);
		return -1;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		char *v = config__show(s);

		*cause = xasprintf("%s:%u: expected key = value, got \"%s\"", ps->origin, no, v);
		free(v);
		return -1;
	}
	*eq = '\0';
	key = config__trim(s);
	if (*key == '\0' || !config__chars(key, "abcdefghijklmnopqrstuvwxyz0123456789_.-")) {
		char *v = config__show(key);

		*cause = xasprintf("%s:%u: expected a key (such as refresh or theme) before '=', got "
				   "\"%s\"",
		    ps->origin, no, v);
		free(v);
		return -1;
	}
	if (config__value(eq + 1, &value, &bad) < 0) {
		*cause = xasprintf("%s:%u: %s: %s", ps->origin, no, key, bad);
		return -1;
	}
	k = config_key_find(key);
	if (k < 0) {
		const char *near = config__nearest(key);

		if (near != NULL)
			config__warn(ps->warn, ps->arg, "%s:%u: unknown key \"%s\" (ignored); did you "
							"mean \"%s\"?",
			    ps->origin, no, key, near);
		else
			config__warn(ps->warn, ps->arg, "%s:%u: unknown key \"%s\" (ignored)",
			    ps->origin, no, key);
		free(value);
		return 0;
	}
	if (ps->seen[k] != 0)
		config__warn(ps->warn, ps->arg, "%s:%u: %s is set again; the value from line %u is "
						"replaced",
		    ps->origin, no, key, ps->seen[k]);
	if (config_set(t, (enum config_key)k, value, &why) < 0) {
		*cause = xasprintf("%s:%u: %s", ps->origin, no, why);
		free(why);
		free(value);
		return -1;
	}
	ps->seen[k] = no;
	t->line[k] = no;
	free(value);
	return 0;
}

int
config_parse(struct config *c, const char *text, size_t len, const char *origin,
    config_warn_fn warn, void *arg, char **cause)
{
	struct parse ps;
	struct config t;
	const char *p = text, *end = text + len;
	char *line = xmalloc(CONFIG_LINE_MAX + 2), *why = NULL;
	unsigned no = 0;
	int rc = -1;

	memset(&ps, 0, sizeof ps);
	ps.origin = config__show(origin != NULL ? origin : "config");
	ps.warn = warn;
	ps.arg = arg;
	config_init(&t);
	config_copy(&t, c);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);

		no++;
		if (memchr(p, '\0', n) != NULL) {
			*cause = xasprintf("%s:%u: a NUL byte; is this a text file?", ps.origin, no);
			goto out;
		}
		if (n > CONFIG_LINE_MAX) {
			*cause = xasprintf("%s:%u: a line longer than %d bytes", ps.origin, no,
			    CONFIG_LINE_MAX);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (config__line(&t, &ps, line, no, cause) < 0)
			goto out;
		p = eol != NULL ? eol + 1 : end;
	}
	if (config_check(&t, &why) < 0) {
		unsigned at = t.line[CK_BUDGET_WARN] > t.line[CK_BUDGET_CRIT] ? t.line[CK_BUDGET_WARN] :
										      t.line[CK_BUDGET_CRIT];

		*cause = xasprintf("%s:%u: %s", ps.origin, at, why);
		free(why);
		goto out;
	}
	config_done(c);
	*c = t;
	config_init(&t);
	rc = 0;
out:
	config_done(&t);
	free(ps.origin);
	free(line);
	return rc;
}

char *
config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/orgtop/config", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.config/orgtop/config", home);
	return NULL;
}

int
config_load(struct config *c, const char *path, config_warn_fn warn, void *arg, char **cause)
{
	char *p = path != NULL ? xstrdup(path) : config_default_path(), *show, *data;
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (p == NULL)
		return 1; /* no HOME: no default file */
	show = config__show(p);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		free(p);
		if (e == ENOENT && path == NULL) {
			free(show);
			return 1;
		}
		*cause = xasprintf("%s: %s", show, strerror(e));
		free(show);
		return -1;
	}
	free(p);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", show);
		goto fail;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		*cause = xasprintf("%s: larger than %d bytes; is this the right file?", show,
		    CONFIG_FILE_MAX);
		goto fail;
	}
	if (st.st_mode & 022)
		config__warn(warn, arg, "%s is writable by %s (mode %04o); anyone who can write it "
					"chooses the role orgtop assumes",
		    show, (st.st_mode & 002) ? "everyone" : "its group", (unsigned)(st.st_mode & 07777));
	data = xmalloc((size_t)st.st_size + 1);
	n = read(fd, data, (size_t)st.st_size);
	if (n < 0) {
		*cause = xasprintf("%s: %s", show, strerror(errno));
		free(data);
		goto fail;
	}
	close(fd);
	rc = config_parse(c, data, (size_t)n, show, warn, arg, cause);
	free(data);
	free(show);
	return rc;

fail:
	close(fd);
	free(show);
	return -1;
}

/* ----------------------------------------------------------------- merge */

void
config_merge(struct config *dst, const struct config *src)
{
	struct config s;

	config_init(&s);
	config_copy(&s, src);
	if (s.set & (1u << CK_REFRESH)) {
		for (int k = CK_REFRESH_ORG; k <= CK_REFRESH_COST; k++) {
			if (!(s.set & (1u << k)) && keys[k].src != SRC_COST) {
				dst->set &= ~(1u << k);
				dst->refresh_src[keys[k].src] = 0;
			}
		}
	}
	for (int k = 0; k < CK__COUNT; k++) {
		char **from, **to;

		if (!(s.set & (1u << k)))
			continue;
		from = config__str(&s, (enum config_key)k);
		to = config__str(dst, (enum config_key)k);
		if (from != NULL) {
			free(*to);
			*to = *from;
			*from = NULL;
		}
		dst->line[k] = s.line[k];
		dst->set |= 1u << k;
	}
	dst->mode = s.set & (1u << CK_MODE) ? s.mode : dst->mode;
	dst->concurrency = s.set & (1u << CK_CONCURRENCY) ? s.concurrency : dst->concurrency;
	dst->refresh = s.set & (1u << CK_REFRESH) ? s.refresh : dst->refresh;
	for (int k = CK_REFRESH_ORG; k <= CK_REFRESH_COST; k++) {
		if (s.set & (1u << k))
			dst->refresh_src[keys[k].src] = s.refresh_src[keys[k].src];
	}
	dst->region_deadline =
	    s.set & (1u << CK_REGION_DEADLINE) ? s.region_deadline : dst->region_deadline;
	dst->ascii = s.set & (1u << CK_ASCII) ? s.ascii : dst->ascii;
	dst->color = s.set & (1u << CK_COLOR) ? s.color : dst->color;
	dst->mouse = s.set & (1u << CK_MOUSE) ? s.mouse : dst->mouse;
	dst->no_cache = s.set & (1u << CK_NO_CACHE) ? s.no_cache : dst->no_cache;
	dst->budget_warn = s.set & (1u << CK_BUDGET_WARN) ? s.budget_warn : dst->budget_warn;
	dst->budget_crit = s.set & (1u << CK_BUDGET_CRIT) ? s.budget_crit : dst->budget_crit;
	dst->log_level = s.set & (1u << CK_LOG_LEVEL) ? s.log_level : dst->log_level;
	config_done(&s);
}

unsigned
config_interval(const struct config *c, enum collect_source src)
{
	if ((unsigned)src >= SRC__COUNT)
		return 0;
	if (c->refresh_src[src] != 0)
		return c->refresh_src[src];
	if (c->refresh != 0 && src != SRC_COST)
		return c->refresh;
	return default_interval[src];
}

int
config_check(const struct config *c, char **cause)
{
	if (c->budget_warn >= c->budget_crit) {
		if (cause != NULL)
			*cause = xasprintf("budget_warn (%u%%) must be below budget_crit (%u%%)",
			    c->budget_warn, c->budget_crit);
		return -1;
	}
	return 0;
}

void
config_to_collect(const struct config *c, struct collect_config *out)
{
	memset(out, 0, sizeof *out);
	out->regions = c->regions;
	out->role_name = c->role_name != NULL ? c->role_name : DEFAULT_ROLE;
	out->external_id = c->external_id;
	out->mode = c->mode;
	out->concurrency = c->concurrency;
	for (int s = 0; s < SRC__COUNT; s++)
		out->interval[s] = config_interval(c, (enum collect_source)s);
	out->region_deadline = c->region_deadline;
}

/* ----------------------------------------------------------------- write */

static void
config__write_duration(struct buf *out, unsigned s)
{
	if (s % 86400 == 0)
		buf_printf(out, "%ud", s / 86400);
	else if (s % 3600 == 0)
		buf_printf(out, "%uh", s / 3600);
	else if (s % 60 == 0)
		buf_printf(out, "%um", s / 60);
	else
		buf_printf(out, "%us", s);
}

static void
config__write_text(struct buf *out, const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && strpbrk(s, "#;\"'\\") == NULL && s[0] != ' ' && s[n - 1] != ' ') {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

void
config_write(const struct config *c, struct buf *out)
{
	static const char *const modes[] = {"auto", "accounts", "org"};

	for (int k = 0; k < CK__COUNT; k++) {
		const char *str = config__strval(c, (enum config_key)k);
		int set = (c->set & (1u << k)) != 0;

		if (!set)
			buf_adds(out, "# ");
		buf_printf(out, "%s = ", keys[k].name);
		switch (keys[k].kind) {
		case K_MODE:
			buf_adds(out, (unsigned)c->mode < 3 ? modes[c->mode] : "auto");
			break;
		case K_COUNT:
			buf_printf(out, "%u", c->concurrency);
			break;
		case K_PERCENT:
			buf_printf(out, "%u%%", k == CK_BUDGET_WARN ? c->budget_warn : c->budget_crit);
			break;
		case K_DURATION:
			if (k == CK_REFRESH)
				config__write_duration(out, c->refresh != 0 ? c->refresh : 300);
			else if (k == CK_REGION_DEADLINE)
				config__write_duration(out, c->region_deadline);
			else
				config__write_duration(out, config_interval(c, keys[k].src));
			break;
		case K_BOOL:
			buf_adds(out, (k == CK_ASCII ? c->ascii : k == CK_MOUSE ? c->mouse : c->no_cache) ?
				"yes" :
				"no");
			break;
		case K_COLOR:
			buf_adds(out, c->color == CONFIG_COLOR_AUTO ? "auto" :
				c->color == CONFIG_COLOR_ALWAYS  ? "always" :
								   "never");
			break;
		case K_LOG_LEVEL:
			buf_adds(out, log_level_name(c->log_level));
			break;
		default:
			if (str != NULL)
				config__write_text(out, str);
			else if (k == CK_ROLE_NAME)
				buf_adds(out, DEFAULT_ROLE);
			break;
		}
		buf_addc(out, '\n');
	}
}
