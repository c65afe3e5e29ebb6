/*
 * theme_term.c: the curses side of themes: the colour mode of the terminal,
 * colour pairs per role (and per role on the selected row), monochrome.
 */
#include "tui/theme.h"

#include <curses.h>
#include <stdlib.h>
#include <term.h>

/* What every role keeps without colours, so states stay apart in mono. */
static const unsigned builtin_mono[ROLE__COUNT] = {
	[ROLE_BAD] = TA_BOLD,
	[ROLE_CRITICAL] = TA_BOLD | TA_UNDERLINE,
	[ROLE_STALE] = TA_DIM,
	[ROLE_DIM] = TA_DIM,
	[ROLE_NODATA] = TA_DIM,
	[ROLE_CHANGED] = TA_UNDERLINE,
	[ROLE_SELECTION] = TA_REVERSE,
	[ROLE_CURSOR] = TA_BOLD | TA_UNDERLINE,
	[ROLE_HEADER] = TA_REVERSE,
	[ROLE_TAB] = TA_REVERSE,
	[ROLE_TAB_ACTIVE] = TA_BOLD,
	[ROLE_COLUMN] = TA_BOLD,
	[ROLE_STATUS] = TA_REVERSE,
	[ROLE_OU] = TA_BOLD,
	[ROLE_PROMPT] = TA_BOLD,
	[ROLE_ERROR] = TA_BOLD,
	[ROLE_HEADING] = TA_BOLD | TA_UNDERLINE,
	[ROLE_KEY] = TA_BOLD,
};

/* --- curses ---------------------------------------------------------------------- */

struct drawattr {
	attr_t attrs;
	short pair;
	int bg; /* the background as mapped; -1 default */
};

static struct drawattr table[2][ROLE__COUNT];

static attr_t
curses_attrs(unsigned ta)
{
	attr_t a = A_NORMAL;

	if (ta & TA_BOLD)
		a |= A_BOLD;
	if (ta & TA_DIM)
		a |= A_DIM;
	if (ta & TA_UNDERLINE)
		a |= A_UNDERLINE;
	if (ta & TA_ITALIC)
		a |= A_ITALIC;
	if (ta & TA_REVERSE)
		a |= A_REVERSE;
	if (ta & TA_BLINK)
		a |= A_BLINK;
	if (ta & TA_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

enum theme_colors
theme_detect_colors(int no_color, int force)
{
	const char *nc = getenv("NO_COLOR");

	if (no_color || (!force && nc != NULL && nc[0] != '\0') || !has_colors())
		return THEME_MONO;
	if (start_color() == ERR)
		return THEME_MONO;
	if (COLORS >= 0x1000000 && tigetflag("RGB") > 0)
		return THEME_DIRECT;
	if (COLORS >= 256)
		return THEME_256;
	if (COLORS >= 16)
		return THEME_16;
	if (COLORS >= 8)
		return THEME_8;
	return THEME_MONO;
}

/* A colour for the terminal; *bold is set when 8 colours need bold for brightness. */
static int
map_color(int32_t c, enum theme_colors mode, int *bold)
{
	if (c == THEME_COLOR_DEFAULT)
		return -1;
	switch (mode) {
	case THEME_DIRECT:
		return (int)theme_color_rgb(c);
	case THEME_256:
		return theme_color_to256(c);
	case THEME_16:
		return theme_color_to16(c);
	case THEME_8:
		c = theme_color_to16(c);
		if (c >= 8) {
			if (bold != NULL)
				*bold = 1;
			c -= 8;
		}
		return c;
	default:
		return -1;
	}
}

static int default_colors_ok;

void
theme_apply(const struct theme *t, enum theme_colors mode)
{
	const struct theme_style *norm = theme_style(t, ROLE_NORMAL);
	const struct theme_style *sel = theme_style(t, ROLE_SELECTION);
	int npairs = 1 + 2 * ROLE__COUNT;

	if (mode != THEME_MONO && COLOR_PAIRS < 1 + ROLE__COUNT)
		mode = THEME_MONO;
	if (mode != THEME_MONO && default_colors_ok == 0)
		default_colors_ok = use_default_colors() == OK ? 1 : -1;
	for (int r = 0; r < ROLE__COUNT; r++) {
		const struct theme_style *st = theme_style(t, (enum role)r);
		for (int s = 0; s < 2; s++) {
			struct drawattr *d = &table[s][r];
			int32_t fg = st->fg, bg = st->bg;
			unsigned ta = st->attrs;
			int bold = 0, f, b;
			int pair = 1 + s * ROLE__COUNT + r;

			if (s == 1 && r != ROLE_CURSOR) {
				ta |= sel->attrs;
				if (sel->bg != THEME_COLOR_DEFAULT)
					bg = sel->bg;
				if (fg == THEME_COLOR_DEFAULT)
					fg = sel->fg;
			}
			if (mode == THEME_MONO) {
				unsigned mono = builtin_mono[r];
				if (s == 1 && r != ROLE_CURSOR)
					mono |= builtin_mono[ROLE_SELECTION];
				d->attrs = curses_attrs(ta | mono);
				d->pair = 0;
				d->bg = -1;
				continue;
			}
			if (pair >= npairs || pair >= COLOR_PAIRS) {
				/* Not enough pairs for the selected variants. */
				d->attrs = table[0][r].attrs | A_REVERSE;
				d->pair = table[0][r].pair;
				d->bg = -3;
				continue;
			}
			if (fg == THEME_COLOR_DEFAULT)
				fg = norm->fg;
			if (bg == THEME_COLOR_DEFAULT)
				bg = norm->bg;
			f = map_color(fg, mode, &bold);
			b = map_color(bg, mode, NULL);
			if (default_colors_ok < 0) {
				if (f < 0)
					f = COLOR_WHITE;
				if (b < 0)
					b = COLOR_BLACK;
			}
			if (init_extended_pair(pair, f, b) == ERR)
				init_pair(pair, (short)(f > 255 ? -1 : f), (short)(b > 255 ? -1 : b));
			d->pair = (short)pair;
			d->bg = b;
			d->attrs = curses_attrs(ta | (bold ? TA_BOLD : 0));
		}
	}
}

void
theme_attr(enum role r, int selected, unsigned long *attrs, short *pair)
{
	const struct drawattr *d;

	if ((unsigned)r >= ROLE__COUNT)
		r = ROLE_NORMAL;
	d = &table[selected ? 1 : 0][r];
	*attrs = d->attrs;
	*pair = d->pair;
}

int
theme_pad_same(enum role r, int selected)
{
	const attr_t visible = A_UNDERLINE | A_REVERSE | A_STANDOUT | A_BLINK;
	const struct drawattr *d, *n;

	if ((unsigned)r >= ROLE__COUNT)
		return 0;
	d = &table[selected ? 1 : 0][r];
	n = &table[selected ? 1 : 0][ROLE_NORMAL];
	return d->bg == n->bg && (d->attrs & visible) == (n->attrs & visible);
}
