/*
 * glyphs.c: the UTF-8 and ASCII glyph sets.
 */
#include "tui/glyphs.h"

#include <langinfo.h>
#include <string.h>

#include "core/util.h"

static const char *const utf8_set[G__COUNT] = {
	[G_OK] = "\u25cf",          /* ● */
	[G_NONCOMPLIANT] = "\u2716", /* ✖ */
	[G_LOW] = "\u00b7",         /* · */
	[G_MEDIUM] = "\u25b2",      /* ▲ */
	[G_HIGH] = "\u25c6",        /* ◆ */
	[G_CRITICAL] = "\u2738",    /* ✸ */
	[G_DENIED] = "\u2298",      /* ⊘ */
	[G_REGION_OFF] = "\u25cb",  /* ○ */
	[G_DISABLED] = "\u2013",    /* – */
	[G_STALE] = "~",
	[G_LOADING] = "\u22ef",     /* ⋯ */
	[G_THROTTLED] = "\u29d7",   /* ⧗ */
	[G_ERROR] = "!",
	[G_SELECTED] = "\u203a",    /* › */
	[G_CHANGED] = "\u2022",     /* • */
	[G_OPEN] = "\u25be",        /* ▾ */
	[G_CLOSED] = "\u25b8",      /* ▸ */
	[G_VLINE] = "\u2502",       /* │ */
	[G_HLINE] = "\u2500",       /* ─ */
	[G_ARROW] = "\u2192",       /* → */
	[G_ELLIPSIS] = "\u2026",    /* … */
	[G_BAR_FULL] = "\u2588",    /* █ */
	[G_BAR_EMPTY] = "\u2591",   /* ░ */
	[G_PAUSED] = "\u23f8",      /* ⏸ */
	[G_SEP] = "\u00b7",         /* · */
	[G_MORE_LEFT] = "\u25c2",   /* ◂ */
	[G_MORE_RIGHT] = "\u25b8",  /* ▸ */
	[G_UP] = "\u2191",          /* ↑ */
	[G_DOWN] = "\u2193",        /* ↓ */
};

static const char *const ascii_set[G__COUNT] = {
	[G_OK] = "o",
	[G_NONCOMPLIANT] = "x",
	[G_LOW] = "l",
	[G_MEDIUM] = "m",
	[G_HIGH] = "H",
	[G_CRITICAL] = "C",
	[G_DENIED] = "#",
	[G_REGION_OFF] = ".",
	[G_DISABLED] = "-",
	[G_STALE] = "~",
	[G_LOADING] = ":",
	[G_THROTTLED] = "%",
	[G_ERROR] = "!",
	[G_SELECTED] = ">",
	[G_CHANGED] = "*",
	[G_OPEN] = "-",
	[G_CLOSED] = "+",
	[G_VLINE] = "|",
	[G_HLINE] = "-",
	[G_ARROW] = ">",
	[G_ELLIPSIS] = "~",
	[G_BAR_FULL] = "#",
	[G_BAR_EMPTY] = ".",
	[G_PAUSED] = "=",
	[G_SEP] = "|",
	[G_MORE_LEFT] = "<",
	[G_MORE_RIGHT] = ">",
	[G_UP] = "^",
	[G_DOWN] = "v",
};

static const char *const utf8_eighths[9] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
static const char *const ascii_eighths[9] = { " ", ".", ".", ":", ":", "=", "=", "#", "#" };

static int use_ascii = 1;

int
glyphs_init(int ascii)
{
	const char *cs;

	if (ascii) {
		use_ascii = 1;
		return 0;
	}
	cs = nl_langinfo(CODESET);
	use_ascii = !(cs != NULL && (util_strcasecmp(cs, "UTF-8") == 0 ||
	    util_strcasecmp(cs, "utf8") == 0));
	return !use_ascii;
}

int
glyphs_ascii(void)
{
	return use_ascii;
}

const char *
glyph(enum glyph g)
{
	if ((unsigned)g >= G__COUNT)
		return "?";
	return use_ascii ? ascii_set[g] : utf8_set[g];
}

const char *
glyph_eighth(double f)
{
	int i;

	if (!(f > 0))
		i = 0;
	else if (f >= 1)
		i = 8;
	else
		i = (int)(f * 8 + 0.5);
	if (i < 0)
		i = 0;
	if (i > 8)
		i = 8;
	return use_ascii ? ascii_eighths[i] : utf8_eighths[i];
}
