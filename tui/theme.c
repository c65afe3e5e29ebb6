/*
 * theme.c: theme files (tmux-style values), the built-in theme, the search
 * path and colour mapping. No curses here (tui/theme_term.c draws with it),
 * so the parser builds alone for tests/fuzz/fuzz_theme.c.
 */
#include "tui/theme.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/xmalloc.h"

#ifndef ORGTOP_DATADIR
#define ORGTOP_DATADIR "/usr/local/share/orgtop"
#endif

#define THEME_MAX_BYTES (256 * 1024)

struct theme {
	char *name;
	struct theme_style st[ROLE__COUNT];
};

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_NORMAL] = "normal",
	[ROLE_OK] = "ok",
	[ROLE_LOW] = "low",
	[ROLE_WARN] = "warn",
	[ROLE_BAD] = "bad",
	[ROLE_CRITICAL] = "critical",
	[ROLE_DENIED] = "denied",
	[ROLE_NODATA] = "nodata",
	[ROLE_STALE] = "stale",
	[ROLE_DIM] = "dim",
	[ROLE_CHANGED] = "changed",
	[ROLE_SELECTION] = "selection",
	[ROLE_CURSOR] = "cursor",
	[ROLE_HEADER] = "header",
	[ROLE_TAB] = "tab",
	[ROLE_TAB_ACTIVE] = "tab_active",
	[ROLE_COLUMN] = "column",
	[ROLE_STATUS] = "status",
	[ROLE_OU] = "ou",
	[ROLE_ID] = "id",
	[ROLE_BORDER] = "border",
	[ROLE_PROMPT] = "prompt",
	[ROLE_ERROR] = "error",
	[ROLE_BAR] = "bar",
	[ROLE_HEADING] = "heading",
	[ROLE_KEY] = "key",
};

#define D THEME_COLOR_DEFAULT
/* The built-in theme: the default dark one (themes/default.theme says the same). */
static const struct theme_style builtin[ROLE__COUNT] = {
	[ROLE_NORMAL] = { D, D, 0 },
	[ROLE_OK] = { 34, D, 0 },
	[ROLE_LOW] = { 110, D, 0 },
	[ROLE_WARN] = { 214, D, 0 },
	[ROLE_BAD] = { 203, D, TA_BOLD },
	[ROLE_CRITICAL] = { 231, 160, TA_BOLD },
	[ROLE_DENIED] = { 135, D, 0 },
	[ROLE_NODATA] = { 242, D, 0 },
	[ROLE_STALE] = { 180, D, TA_DIM },
	[ROLE_DIM] = { 244, D, 0 },
	[ROLE_CHANGED] = { D, D, TA_UNDERLINE | TA_BOLD },
	[ROLE_SELECTION] = { D, 237, TA_BOLD },
	[ROLE_CURSOR] = { D, D, TA_REVERSE | TA_BOLD },
	[ROLE_HEADER] = { 231, 24, 0 },
	[ROLE_TAB] = { 250, 24, 0 },
	[ROLE_TAB_ACTIVE] = { 16, 117, TA_BOLD },
	[ROLE_COLUMN] = { 117, D, TA_BOLD },
	[ROLE_STATUS] = { 252, 236, 0 },
	[ROLE_OU] = { 117, D, TA_BOLD },
	[ROLE_ID] = { 246, D, 0 },
	[ROLE_BORDER] = { 240, D, 0 },
	[ROLE_PROMPT] = { 231, D, TA_BOLD },
	[ROLE_ERROR] = { 203, D, TA_BOLD },
	[ROLE_BAR] = { 74, D, 0 },
	[ROLE_HEADING] = { 117, D, TA_BOLD },
	[ROLE_KEY] = { 222, D, TA_BOLD },
};

#undef D

struct theme *
theme_new(void)
{
	struct theme *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup("default");
	memcpy(t->st, builtin, sizeof(builtin));
	return t;
}

void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t);
}

const char *
theme_name(const struct theme *t)
{
	return t->name;
}

const struct theme_style *
theme_style(const struct theme *t, enum role r)
{
	if ((unsigned)r >= ROLE__COUNT)
		r = ROLE_NORMAL;
	return &t->st[r];
}

int
theme_role_parse(const char *name)
{
	for (int i = 0; i < ROLE__COUNT; i++)
		if (util_strcasecmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

const char *
theme_role_name(enum role r)
{
	if ((unsigned)r >= ROLE__COUNT)
		return "?";
	return role_names[r];
}

/* --- values ------------------------------------------------------------------ */

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A colour name; -2 if not a colour. */
static int32_t
color_parse(const char *s)
{
	long long n;

	if (util_strcasecmp(s, "default") == 0 || util_strcasecmp(s, "terminal") == 0)
		return THEME_COLOR_DEFAULT;
	for (int i = 0; i < 8; i++) {
		if (util_strcasecmp(s, color_names[i]) == 0)
			return i;
		if (util_strncasecmp(s, "bright", 6) == 0 &&
		    util_strcasecmp(s + 6, color_names[i]) == 0)
			return i + 8;
	}
	if (util_strncasecmp(s, "colour", 6) == 0 || util_strncasecmp(s, "color", 5) == 0) {
		const char *num = s + (util_strncasecmp(s, "colour", 6) == 0 ? 6 : 5);
		if (util_parse_ll(num, 0, 255, &n) == 0 && num[0] >= '0' && num[0] <= '9')
			return (int32_t)n;
		return -2;
	}
	if (s[0] == '#' && strlen(s) == 7) {
		int32_t v = 0;
		for (int i = 1; i < 7; i++) {
			int h = hexval(s[i]);
			if (h < 0)
				return -2;
			v = v * 16 + h;
		}
		return THEME_RGB | v;
	}
	return -2;
}

static const struct {
	const char *name;
	unsigned attr;
} attr_names[] = {
	{ "bold", TA_BOLD },           { "bright", TA_BOLD },        { "dim", TA_DIM },
	{ "underscore", TA_UNDERLINE }, { "underline", TA_UNDERLINE }, { "italics", TA_ITALIC },
	{ "italic", TA_ITALIC },       { "reverse", TA_REVERSE },    { "blink", TA_BLINK },
	{ "standout", TA_STANDOUT },
};

static int
attr_parse(const char *s, unsigned *attr)
{
	for (size_t i = 0; i < NELEM(attr_names); i++) {
		if (util_strcasecmp(s, attr_names[i].name) == 0) {
			*attr = attr_names[i].attr;
			return 0;
		}
	}
	return -1;
}

/* One comma-separated item of a style into st. 0 / -1 with *cause. */
static int
style_item(const char *item, struct theme_style *st, char **cause)
{
	const char *eq = strchr(item, '=');
	unsigned a;

	if (eq != NULL) {
		size_t klen = (size_t)(eq - item);
		int32_t c = color_parse(eq + 1);
		int is_fg = klen == 2 && util_strncasecmp(item, "fg", 2) == 0;
		int is_bg = klen == 2 && util_strncasecmp(item, "bg", 2) == 0;

		if (!is_fg && !is_bg) {
			*cause = xasprintf("unknown key '%.*s' (expected fg= or bg=)", (int)klen,
			    item);
			return -1;
		}
		if (c == -2) {
			*cause = xasprintf("bad colour '%s' (expected a name, colourN with N "
			    "0-255, #rrggbb or default)", eq + 1);
			return -1;
		}
		if (is_fg)
			st->fg = c;
		else
			st->bg = c;
		return 0;
	}
	if (util_strcasecmp(item, "none") == 0 || util_strcasecmp(item, "default") == 0) {
		st->attrs = 0;
		return 0;
	}
	if (util_strncasecmp(item, "no", 2) == 0 && attr_parse(item + 2, &a) == 0) {
		st->attrs &= ~a;
		return 0;
	}
	if (attr_parse(item, &a) == 0) {
		st->attrs |= a;
		return 0;
	}
	*cause = xasprintf("unknown attribute '%s'", item);
	return -1;
}

int
theme_style_parse(const char *s, struct theme_style *out, char **cause)
{
	struct theme_style st = *out;
	char item[64];
	const char *p = s;

	for (;;) {
		const char *end;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		end = p;
		while (*end != '\0' && *end != ',' && *end != ' ' && *end != '\t')
			end++;
		n = (size_t)(end - p);
		if (n == 0 && *end == '\0' && p == s) {
			*cause = xstrdup("empty style");
			return -1;
		}
		if (n >= sizeof(item)) {
			*cause = xasprintf("item too long: '%.20s...'", p);
			return -1;
		}
		if (n > 0) {
			memcpy(item, p, n);
			item[n] = '\0';
			if (style_item(item, &st, cause) != 0)
				return -1;
		}
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == ',')
			p++;
	}
	*out = st;
	return 0;
}

/* --- files ------------------------------------------------------------------- */

static void
diag_add(struct buf *diag, const char *file, unsigned line, const char *what)
{
	char *clean;

	if (diag == NULL)
		return;
	/* The message may quote file content: keep it to printable ASCII. */
	clean = xstrdup(what);
	for (char *c = clean; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	buf_printf(diag, "%s:%u: %s\n", file != NULL ? file : "<theme>", line, clean);
	free(clean);
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One line (NUL-terminated, writable). */
static int
parse_line(struct theme *t, char *line, const char *file, unsigned lineno, struct buf *diag)
{
	char *key, *val, *eq, *cause = NULL;
	struct theme_style st;
	int r;

	key = trim(line);
	if (*key == '\0' || *key == '#' || *key == ';')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL) {
		diag_add(diag, file, lineno, "expected 'role = style'");
		return 1;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	if (util_strcasecmp(key, "name") == 0 || util_strcasecmp(key, "description") == 0)
		return 0;
	r = theme_role_parse(key);
	if (r < 0) {
		char *msg = xasprintf("unknown role '%.40s'", key);
		diag_add(diag, file, lineno, msg);
		free(msg);
		return 1;
	}
	/* A role starts from nothing so a file's line means what it says. */
	st.fg = THEME_COLOR_DEFAULT;
	st.bg = THEME_COLOR_DEFAULT;
	st.attrs = 0;
	if (theme_style_parse(val, &st, &cause) != 0) {
		char *msg = xasprintf("%s: %s", role_names[r], cause);
		diag_add(diag, file, lineno, msg);
		free(msg);
		free(cause);
		return 1;
	}
	t->st[r] = st;
	return 0;
}

int
theme_parse(struct theme *t, const char *text, size_t len, const char *file, struct buf *diag)
{
	unsigned lineno = 0;
	int bad = 0;
	size_t i = 0;

	/* A UTF-8 byte order mark is allowed. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		size_t j = i;
		char *line;

		while (j < len && text[j] != '\n')
			j++;
		lineno++;
		if (memchr(text + i, '\0', j - i) != NULL) {
			diag_add(diag, file, lineno, "NUL byte in line");
			bad++;
		} else if (j - i > 1024) {
			diag_add(diag, file, lineno, "line too long");
			bad++;
		} else {
			line = xstrndup(text + i, j - i);
			bad += parse_line(t, line, file, lineno, diag);
			free(line);
		}
		i = j + 1;
	}
	return bad;
}

static int
valid_name(const char *name)
{
	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p != '\0'; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

/* The directory of the running binary; NULL if unknown. Caller frees. */
static char *
exe_dir(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(path);
}

char *
theme_dir(unsigned i)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *exe;

	switch (i) {
	case 0:
		if (xdg != NULL && xdg[0] == '/')
			return xasprintf("%s/orgtop/themes", xdg);
		if (home != NULL && home[0] == '/')
			return xasprintf("%s/.config/orgtop/themes", home);
		return xstrdup("/nonexistent");
	case 1:
		return xstrdup(ORGTOP_DATADIR "/themes");
	case 2:
		/*
		 * Installed elsewhere than the compiled-in prefix (make install
		 * PREFIX=X after a plain make, a copied tree): BIN/../share/orgtop.
		 */
		exe = exe_dir();
		if (exe == NULL)
			return xstrdup("/nonexistent");
		{
			char *t = xasprintf("%s/../share/orgtop/themes", exe);

			free(exe);
			return t;
		}
	case 3:
		/*
		 * The source tree: the nearest directory above the binary holding both
		 * themes/ and tui/ (build/orgtop, build/asan/bin/test_x, ...).
		 */
		exe = exe_dir();
		for (int up = 0; exe != NULL && up < 5; up++) {
			char *t = xasprintf("%s/themes", exe), *u = xasprintf("%s/tui", exe);
			int found = access(t, R_OK | X_OK) == 0 && access(u, R_OK | X_OK) == 0;
			char *slash = strrchr(exe, '/');

			free(u);
			if (found) {
				free(exe);
				return t;
			}
			free(t);
			if (slash == NULL || slash == exe)
				break;
			*slash = '\0';
		}
		free(exe);
		return xstrdup("/nonexistent"); /* never the current directory */
	default:
		return NULL;
	}
}

/* Reads a whole regular file of at most max bytes. 0 / -errno. Caller frees *out. */
static int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat sb;
	char *data;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((size_t)sb.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, data + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*out = data;
	*len = got;
	return 0;
}

static char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b != NULL ? b + 1 : path;
	n = strlen(b);
	if (n > 6 && strcmp(b + n - 6, ".theme") == 0)
		n -= 6;
	return xstrndup(b, n);
}

static int
load_path(const char *path, struct theme **out, struct buf *diag, char **cause)
{
	struct theme *t;
	char *data = NULL;
	size_t len = 0;
	int rc = read_file(path, THEME_MAX_BYTES, &data, &len);

	if (rc != 0) {
		*cause = xasprintf("theme %s: %s", path,
		    rc == -EFBIG ? "file too large" : rc == -EINVAL ? "not a regular file"
		                                                    : strerror(-rc));
		return -1;
	}
	t = theme_new();
	free(t->name);
	t->name = base_name(path);
	theme_parse(t, data, len, path, diag);
	free(data);
	*out = t;
	return 0;
}

int
theme_load(const char *name, struct theme **out, struct buf *diag, char **cause)
{
	char *dir, *path;

	if (strchr(name, '/') != NULL)
		return load_path(name, out, diag, cause);
	if (!valid_name(name)) {
		*cause = xstrdup("bad theme name (letters, digits, '-', '_' and '.' only)");
		return -1;
	}
	for (unsigned i = 0; (dir = theme_dir(i)) != NULL; i++) {
		path = xasprintf("%s/%s.theme", dir, name);
		free(dir);
		if (access(path, R_OK) == 0) {
			int rc = load_path(path, out, diag, cause);
			free(path);
			return rc;
		}
		free(path);
	}
	if (strcmp(name, "default") == 0) {
		*out = theme_new();
		return 0;
	}
	*cause = xasprintf("theme '%s' not found (searched $XDG_CONFIG_HOME/orgtop/themes, "
	    "%s/themes, share/orgtop/themes beside the binary's bin/ and the source tree's "
	    "themes/)", name, ORGTOP_DATADIR);
	return -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
theme_list(size_t *n)
{
	char **names = NULL, *dir;
	size_t cnt = 0, cap = 0, w = 0;

	for (unsigned i = 0; (dir = theme_dir(i)) != NULL; i++) {
		DIR *d = opendir(dir);
		struct dirent *de;

		free(dir);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			size_t l = strlen(de->d_name);
			char *nm;

			if (l <= 6 || strcmp(de->d_name + l - 6, ".theme") != 0)
				continue;
			nm = xstrndup(de->d_name, l - 6);
			if (!valid_name(nm)) {
				free(nm);
				continue;
			}
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap, sizeof(*names));
			}
			names[cnt++] = nm;
		}
		closedir(d);
	}
	if (cnt == cap) {
		cap = cap + 1;
		names = xreallocarray(names, cap, sizeof(*names));
	}
	names[cnt++] = xstrdup("default");
	qsort(names, cnt, sizeof(*names), cmp_str);
	for (size_t r = 0; r < cnt; r++) {
		if (w > 0 && strcmp(names[w - 1], names[r]) == 0) {
			free(names[r]);
			continue;
		}
		names[w++] = names[r];
	}
	*n = w;
	return names;
}

void
theme_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* --- colour mapping -------------------------------------------------------------- */

static const uint32_t ansi16[16] = {
	0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0,
	0x808080, 0xff0000, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

uint32_t
theme_color_rgb(int32_t c)
{
	if (c & THEME_RGB)
		return (uint32_t)c & 0xffffff;
	if (c < 16)
		return ansi16[c];
	if (c < 232) {
		int i = c - 16;
		return (uint32_t)(cube[i / 36] << 16 | cube[(i / 6) % 6] << 8 | cube[i % 6]);
	}
	return (uint32_t)((8 + (c - 232) * 10) * 0x010101);
}

static long
dist(uint32_t a, uint32_t b)
{
	long dr = (long)(a >> 16 & 0xff) - (long)(b >> 16 & 0xff);
	long dg = (long)(a >> 8 & 0xff) - (long)(b >> 8 & 0xff);
	long db = (long)(a & 0xff) - (long)(b & 0xff);

	/* Weighted for the eye (a cheap "redmean"-like weighting). */
	return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

static int
nearest_cube(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (abs(cube[i] - v) < abs(cube[best] - v))
			best = i;
	return best;
}

int
theme_color_to256(int32_t c)
{
	uint32_t rgb;
	int r, g, b, ci, gi;
	uint32_t crgb, grgb;

	if (c == THEME_COLOR_DEFAULT || !(c & THEME_RGB))
		return c;
	rgb = (uint32_t)c & 0xffffff;
	r = nearest_cube((int)(rgb >> 16 & 0xff));
	g = nearest_cube((int)(rgb >> 8 & 0xff));
	b = nearest_cube((int)(rgb & 0xff));
	ci = 16 + 36 * r + 6 * g + b;
	crgb = theme_color_rgb(ci);
	gi = (int)(((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3);
	gi = gi < 8 ? 0 : gi > 238 ? 23 : (gi - 8 + 5) / 10;
	if (gi > 23)
		gi = 23;
	grgb = theme_color_rgb(232 + gi);
	return dist(rgb, grgb) < dist(rgb, crgb) ? 232 + gi : ci;
}

int
theme_color_to16(int32_t c)
{
	uint32_t rgb;
	int best = 0;

	if (c == THEME_COLOR_DEFAULT || (!(c & THEME_RGB) && c < 16))
		return c;
	rgb = theme_color_rgb(c);
	for (int i = 1; i < 16; i++)
		if (dist(rgb, ansi16[i]) < dist(rgb, ansi16[best]))
			best = i;
	return best;
}

