/*
 * glyphs.h: the one-column symbols the dashboard draws, in a UTF-8 and an
 * ASCII set (SCREENS.md, "Glyphs").
 *
 * Every cell state has a glyph, so no state rests on colour alone. Each glyph
 * of both sets is exactly one terminal column wide, so a grid drawn with
 * either set keeps its columns aligned. The set is chosen once from the
 * locale (glyphs_init) or forced with --ascii.
 */
#ifndef ORGTOP_GLYPHS_H
#define ORGTOP_GLYPHS_H

enum glyph {
	G_OK,          /* ok / compliant */
	G_NONCOMPLIANT,
	G_LOW,         /* GuardDuty severity bands */
	G_MEDIUM,
	G_HIGH,
	G_CRITICAL,
	G_DENIED,
	G_REGION_OFF,
	G_DISABLED,
	G_STALE,
	G_LOADING,
	G_THROTTLED,
	G_ERROR,
	G_SELECTED,    /* the selected row's marker */
	G_CHANGED,     /* an account with changes in the latest refresh */
	G_OPEN,        /* an expanded OU */
	G_CLOSED,      /* a collapsed OU */
	G_VLINE,
	G_HLINE,
	G_ARROW,       /* "forecast goes to" */
	G_ELLIPSIS,
	G_BAR_FULL,    /* bar charts */
	G_BAR_EMPTY,
	G_PAUSED,
	G_SEP,         /* a small separator dot between status items */
	G_MORE_LEFT,   /* columns hidden to the left / right */
	G_MORE_RIGHT,
	G_UP,          /* sort direction */
	G_DOWN,
	G__COUNT
};

/*
 * Chooses the set: ascii != 0 forces ASCII, otherwise the set follows the
 * locale's codeset (nl_langinfo after setlocale). Returns 1 if UTF-8 glyphs
 * are in use.
 */
int glyphs_init(int ascii);
/* 1 when the ASCII set is in use. */
int glyphs_ascii(void);
/* The glyph's UTF-8 (or ASCII) string, one column wide. */
const char *glyph(enum glyph g);
/* A bar of eighths for fraction f in [0, 1]: one column (" " to full). */
const char *glyph_eighth(double f);

#endif
