/*
 * test_tui_theme.c: theme values, files, errors with file:line, the shipped
 * themes, the search order, colour mapping, and the curses attributes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "tui/theme.h"

static void
test_style_values(void **state)
{
	struct theme_style st = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(theme_style_parse("fg=colour208,bg=default,bold", &st, &cause), 0);
	assert_int_equal(st.fg, 208);
	assert_int_equal(st.bg, THEME_COLOR_DEFAULT);
	assert_int_equal(st.attrs, TA_BOLD);
	assert_int_equal(theme_style_parse("fg=#FF8000, bg=color17 underscore,reverse", &st,
	    &cause), 0);
	assert_int_equal(st.fg, THEME_RGB | 0xff8000);
	assert_int_equal(st.bg, 17);
	assert_int_equal(st.attrs, TA_BOLD | TA_UNDERLINE | TA_REVERSE);
	assert_int_equal(theme_style_parse("nobold,fg=brightred", &st, &cause), 0);
	assert_int_equal(st.fg, 9);
	assert_int_equal(st.attrs, TA_UNDERLINE | TA_REVERSE);
	assert_int_equal(theme_style_parse("none,fg=white", &st, &cause), 0);
	assert_int_equal(st.attrs, 0);
	assert_int_equal(st.fg, 7);
}

static void
bad_style(const char *s, const char *fragment)
{
	struct theme_style st = { 3, 4, TA_DIM }, before = st;
	char *cause = NULL;

	assert_int_equal(theme_style_parse(s, &st, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, fragment) == NULL)
		fprintf(stderr, "'%s' -> '%s'\n", s, cause);
	assert_non_null(strstr(cause, fragment));
	/* untouched on failure */
	assert_memory_equal(&st, &before, sizeof(st));
	free(cause);
}

static void
test_style_errors(void **state)
{
	(void)state;
	bad_style("fg=colour256", "bad colour 'colour256'");
	bad_style("fg=#12345", "bad colour '#12345'");
	bad_style("fg=#12345g", "bad colour");
	bad_style("fg=purple", "bad colour 'purple'");
	bad_style("fg=colour-1", "bad colour");
	bad_style("fx=red", "unknown key 'fx'");
	bad_style("bold,blinky", "unknown attribute 'blinky'");
	bad_style("", "empty style");
}

static void
test_file_errors_fall_back(void **state)
{
	struct theme *t = theme_new();
	struct buf diag;
	const char *text =
	    "# a comment\n"
	    "\n"
	    "ok = fg=colour46\n"
	    "bad = fg=colour999\n"
	    "crtical = fg=red\n"
	    "this line has no equals\n"
	    "warn = fg=yellow, bold\r\n"
	    "name = something\n";
	const struct theme_style *bad_before;
	struct theme_style keep;

	(void)state;
	buf_init(&diag);
	bad_before = theme_style(t, ROLE_BAD);
	keep = *bad_before;
	assert_int_equal(theme_parse(t, text, strlen(text), "themes/x.theme", &diag), 3);
	assert_non_null(strstr(diag.data, "themes/x.theme:4: bad: bad colour 'colour999'"));
	assert_non_null(strstr(diag.data, "themes/x.theme:5: unknown role 'crtical'"));
	assert_non_null(strstr(diag.data, "themes/x.theme:6: expected 'role = style'"));
	assert_int_equal(theme_style(t, ROLE_OK)->fg, 46);
	assert_int_equal(theme_style(t, ROLE_WARN)->fg, 3);
	assert_int_equal(theme_style(t, ROLE_WARN)->attrs, TA_BOLD);
	/* the bad role kept its built-in style */
	assert_memory_equal(theme_style(t, ROLE_BAD), &keep, sizeof(keep));
	buf_done(&diag);
	theme_free(t);
}

static void
test_hostile_file(void **state)
{
	struct theme *t = theme_new();
	struct buf diag;
	const char text[] = "ok = fg=red\x1b]0;pwned\x07\nbad\0= fg=red\n\xff\xfe = x\n";

	(void)state;
	buf_init(&diag);
	assert_true(theme_parse(t, text, sizeof(text) - 1, "evil.theme", &diag) >= 2);
	/* the report never carries control bytes from the file */
	for (size_t i = 0; i < diag.len; i++)
		assert_true(diag.data[i] == '\n' || ((unsigned char)diag.data[i] >= 0x20 &&
		    (unsigned char)diag.data[i] < 0x7f));
	assert_non_null(strstr(diag.data, "evil.theme:2: NUL byte"));
	buf_done(&diag);
	theme_free(t);
}

static char *
root_path(const char *rel)
{
	const char *root = getenv("ORGTOP_ROOT");

	return xasprintf("%s/%s", root != NULL ? root : ".", rel);
}

static void
test_shipped_themes(void **state)
{
	static const char *const names[] = { "default", "light", "high-contrast", "colorblind",
		"solarized-dark", "mono" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *rel = xasprintf("themes/%s.theme", names[i]);
		char *path = root_path(rel);
		struct theme *t = NULL;
		struct buf diag;
		char *cause = NULL;
		FILE *f;
		char line[256];
		unsigned seen[ROLE__COUNT] = { 0 };

		buf_init(&diag);
		assert_int_equal(theme_load(path, &t, &diag, &cause), 0);
		if (diag.len)
			fprintf(stderr, "%s", diag.data);
		assert_int_equal(diag.len, 0);
		assert_string_equal(theme_name(t), names[i]);
		/* every role is set by the file itself */
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			char role[32];
			if (line[0] == '#' || sscanf(line, "%31[a-z_] =", role) != 1)
				continue;
			if (theme_role_parse(role) >= 0)
				seen[theme_role_parse(role)] = 1;
		}
		fclose(f);
		for (int r = 0; r < ROLE__COUNT; r++) {
			if (!seen[r])
				fprintf(stderr, "%s: role %s missing\n", names[i],
				    theme_role_name((enum role)r));
			assert_true(seen[r]);
		}
		/* mono names no colour at all */
		if (strcmp(names[i], "mono") == 0)
			for (int r = 0; r < ROLE__COUNT; r++) {
				assert_int_equal(theme_style(t, (enum role)r)->fg, THEME_COLOR_DEFAULT);
				assert_int_equal(theme_style(t, (enum role)r)->bg, THEME_COLOR_DEFAULT);
			}
		theme_free(t);
		buf_done(&diag);
		free(rel);
		free(path);
	}
}

static void
test_broken_fixture(void **state)
{
	char *path = root_path("tests/data/themes/broken.theme");
	struct theme *t = NULL;
	struct buf diag;
	char *cause = NULL, *where;

	(void)state;
	buf_init(&diag);
	assert_int_equal(theme_load(path, &t, &diag, &cause), 0);
	where = xasprintf("%s:1: ok: bad colour '#zz'", path);
	assert_non_null(strstr(diag.data, where));
	free(where);
	where = xasprintf("%s:3: NUL byte in line", path);
	assert_non_null(strstr(diag.data, where));
	free(where);
	where = xasprintf("%s:4: expected 'role = style'", path);
	assert_non_null(strstr(diag.data, where));
	free(where);
	/* the good line in between applies; the bad role keeps the built-in style */
	assert_int_equal(theme_style(t, ROLE_CRITICAL)->fg, 196);
	assert_int_equal(theme_style(t, ROLE_CRITICAL)->attrs, TA_REVERSE);
	assert_int_equal(theme_style(t, ROLE_OK)->fg, 34);
	assert_string_equal(theme_name(t), "broken");
	theme_free(t);
	buf_done(&diag);
	free(path);
}

static void
test_default_file_matches_builtin(void **state)
{
	char *path = root_path("themes/default.theme");
	struct theme *file = NULL, *builtin = theme_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(theme_load(path, &file, NULL, &cause), 0);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_memory_equal(theme_style(file, (enum role)r), theme_style(builtin, (enum role)r),
		    sizeof(struct theme_style));
	theme_free(file);
	theme_free(builtin);
	free(path);
}

static void
test_search_order(void **state)
{
	char dir[] = "/tmp/orgtop-theme-XXXXXX";
	char *tdir, *p;
	FILE *f;
	struct theme *t = NULL;
	char *cause = NULL, *d0;
	char **names;
	size_t n;
	int found = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	d0 = theme_dir(0);
	tdir = xasprintf("%s/orgtop/themes", dir);
	assert_string_equal(d0, tdir);
	p = xasprintf("%s/orgtop", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(mkdir(tdir, 0700), 0);
	free(p);
	/* a user's "light" wins over the shipped one */
	p = xasprintf("%s/light.theme", tdir);
	f = fopen(p, "w");
	fputs("ok = fg=colour200\n", f);
	fclose(f);
	assert_int_equal(theme_load("light", &t, NULL, &cause), 0);
	assert_int_equal(theme_style(t, ROLE_OK)->fg, 200);
	theme_free(t);
	/* names, not paths: no escaping the directories */
	assert_int_equal(theme_load("../etc/passwd", &t, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(theme_load(".hidden", &t, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(theme_load("nope-not-here", &t, NULL, &cause), -1);
	assert_non_null(strstr(cause, "theme 'nope-not-here' not found"));
	free(cause);
	/* the list: the user's, the shipped ones (found next to the binary), default */
	names = theme_list(&n);
	for (size_t i = 0; i < n; i++) {
		found += strcmp(names[i], "light") == 0;
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	assert_int_equal(found, 1);
	theme_list_free(names, n);
	unlink(p);
	free(p);
	rmdir(tdir);
	p = xasprintf("%s/orgtop", dir);
	rmdir(p);
	rmdir(dir);
	free(p);
	free(tdir);
	free(d0);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_color_mapping(void **state)
{
	(void)state;
	assert_int_equal(theme_color_to256(THEME_RGB | 0xff0000), 196);
	assert_int_equal(theme_color_to256(THEME_RGB | 0x000000), 16);
	assert_int_equal(theme_color_to256(THEME_RGB | 0x808080), 244);
	assert_int_equal(theme_color_to256(34), 34);
	assert_int_equal(theme_color_to16(196), 9);
	assert_int_equal(theme_color_to16(THEME_RGB | 0x00ff00), 10);
	assert_int_equal(theme_color_to16(4), 4);
	assert_int_equal(theme_color_to16(THEME_COLOR_DEFAULT), THEME_COLOR_DEFAULT);
	assert_int_equal(theme_color_to16(231), 15);
	assert_int_equal(theme_color_to16(16), 0);
}

static void
test_curses_colors_and_mono(void **state)
{
	struct theme *t = theme_new();
	unsigned long a, b;
	short p, q;

	(void)state;
	unsetenv("NO_COLOR");
	t_screen_open(80, 24);
	assert_int_equal(theme_detect_colors(0, 0), THEME_256);
	theme_apply(t, THEME_256);
	theme_attr(ROLE_OK, 0, &a, &p);
	theme_attr(ROLE_BAD, 0, &b, &q);
	assert_true(p != 0 && q != 0 && p != q);
	assert_true(b & A_BOLD);
	{
		int fg, bg;
		extended_pair_content(p, &fg, &bg);
		assert_int_equal(fg, 34);
	}
	/* selected variant: same fg, the selection's background */
	theme_attr(ROLE_OK, 1, &a, &q);
	{
		int fg, bg;
		extended_pair_content(q, &fg, &bg);
		assert_int_equal(fg, 34);
		assert_int_equal(bg, 237);
	}
	/* NO_COLOR: attributes only, roles still told apart */
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(theme_detect_colors(0, 0), THEME_MONO);
	assert_int_equal(theme_detect_colors(0, 1), THEME_256); /* color = always */
	unsetenv("NO_COLOR");
	assert_int_equal(theme_detect_colors(1, 0), THEME_MONO);
	theme_apply(t, THEME_MONO);
	theme_attr(ROLE_CRITICAL, 0, &a, &p);
	assert_int_equal(p, 0);
	assert_true((a & A_BOLD) && (a & A_UNDERLINE));
	theme_attr(ROLE_OK, 1, &a, &p);
	assert_true(a & A_REVERSE);
	theme_attr(ROLE_STALE, 0, &a, &p);
	assert_true(a & A_DIM);
	/* 8 colours: bright colours become bold */
	theme_apply(t, THEME_8);
	theme_attr(ROLE_CRITICAL, 0, &a, &p);
	{
		int fg, bg;
		extended_pair_content(p, &fg, &bg);
		assert_true(fg >= 0 && fg < 8);
		assert_true(bg >= 0 && bg < 8);
	}
	t_screen_close();
	theme_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_style_values),
		cmocka_unit_test(test_style_errors),
		cmocka_unit_test(test_file_errors_fall_back),
		cmocka_unit_test(test_hostile_file),
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_broken_fixture),
		cmocka_unit_test(test_default_file_matches_builtin),
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_color_mapping),
		cmocka_unit_test(test_curses_colors_and_mono),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
