/*
 * theme.h: roles, not colours (STYLE.md 8).
 *
 * Draw code names a role (ROLE_OK, ROLE_BAD, ...) and never a colour. A theme
 * maps each role to a style written the way tmux writes them:
 *
 *     # themes/default.theme
 *     ok       = fg=colour34
 *     critical = fg=#ff5f5f,bold
 *     header   = fg=black,bg=colour31
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * brightblack .. brightwhite, colourN / colorN (0-255), #rrggbb. Attributes:
 * bold (bright), dim, underscore (underline), italics, reverse, blink,
 * standout, none. One built-in theme ("default") is compiled in, so the binary
 * runs without any file. A bad line is reported as "file:line: what" and
 * its role keeps the built-in style.
 *
 * Files are found by name in: $XDG_CONFIG_HOME/orgtop/themes (or
 * ~/.config/orgtop/themes), ORGTOP_DATADIR/themes (the installed share dir),
 * and the source tree's themes/ (next to the binary's build directory). A
 * name containing '/' is a path.
 *
 * The curses side maps colours down to what the terminal has (direct colour,
 * 256, 16, 8) and goes monochrome without colours, with NO_COLOR or with
 * --no-color: then only attributes remain, and every role keeps at least the
 * built-in monochrome attributes so states stay distinguishable (with their
 * glyphs).
 */
#ifndef ORGTOP_THEME_H
#define ORGTOP_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum role {
	ROLE_NORMAL,     /* plain text; its bg is the screen's background */
	ROLE_OK,         /* compliant, no findings */
	ROLE_LOW,        /* low findings */
	ROLE_WARN,       /* medium findings, throttled, burn over 80% */
	ROLE_BAD,        /* noncompliant, high findings, errors */
	ROLE_CRITICAL,   /* critical findings, forecast over the budget */
	ROLE_DENIED,     /* AccessDenied, SCP denies */
	ROLE_NODATA,     /* region off, service not enabled */
	ROLE_STALE,      /* values from the cache or an older refresh */
	ROLE_DIM,        /* loading, secondary text */
	ROLE_CHANGED,    /* values changed in the latest refresh */
	ROLE_SELECTION,  /* the selected row (its bg and attributes) */
	ROLE_CURSOR,     /* the selected cell */
	ROLE_HEADER,     /* the top bar */
	ROLE_TAB,        /* inactive layer/section tabs */
	ROLE_TAB_ACTIVE, /* the active tab */
	ROLE_COLUMN,     /* column headings */
	ROLE_STATUS,     /* the status bar */
	ROLE_OU,         /* OU rows */
	ROLE_ID,         /* account ids */
	ROLE_BORDER,     /* separators */
	ROLE_PROMPT,     /* the filter / command prompt */
	ROLE_ERROR,      /* error messages (prompt parse errors, failed commands) */
	ROLE_BAR,        /* bar charts */
	ROLE_HEADING,    /* section headings in the account and help views */
	ROLE_KEY,        /* key names in hints and help */
	ROLE__COUNT
};

#define THEME_COLOR_DEFAULT (-1)
#define THEME_RGB 0x1000000 /* fg/bg with this bit: 0xRRGGBB in the low 24 bits */

/* Style attributes (independent of curses). */
#define TA_BOLD 0x01
#define TA_DIM 0x02
#define TA_UNDERLINE 0x04
#define TA_ITALIC 0x08
#define TA_REVERSE 0x10
#define TA_BLINK 0x20
#define TA_STANDOUT 0x40

struct theme_style {
	int32_t fg, bg;  /* THEME_COLOR_DEFAULT, 0-255, or THEME_RGB | 0xRRGGBB */
	unsigned attrs;  /* TA_* */
};

struct theme;

/* A theme holding the built-in styles, named "default". */
struct theme *theme_new(void);
/* NULL-safe. */
void theme_free(struct theme *t);
/* "default", "light", or the file's base name. Borrowed. */
const char *theme_name(const struct theme *t);
/* Borrowed; valid until the theme is freed. */
const struct theme_style *theme_style(const struct theme *t, enum role r);

/* "ok" -> ROLE_OK; -1 for an unknown name. */
int theme_role_parse(const char *name);
const char *theme_role_name(enum role r);

/*
 * Parses one tmux-style value ("fg=colour34,bg=default,bold"). Fields not
 * named keep their value in *out. 0, or -1 with *cause (caller frees) and
 * *out untouched.
 */
int theme_style_parse(const char *s, struct theme_style *out, char **cause);

/*
 * Parses theme text (len bytes; may contain NULs) over t. Each bad line
 * appends "file:line: what\n" to diag (file may be NULL: "<theme>") and
 * leaves its role as it was. Returns the number of bad lines.
 */
int theme_parse(struct theme *t, const char *text, size_t len, const char *file,
    struct buf *diag);

/*
 * Loads theme name (searched as above, or a path) into a new theme. "default"
 * without a file gives the built-in theme. Bad lines go to diag as in
 * theme_parse. 0, or -1 with *cause (not found, unreadable, too large).
 */
int theme_load(const char *name, struct theme **out, struct buf *diag, char **cause);

/*
 * The names of the themes that can be loaded by name, sorted, always
 * including "default". Caller frees with theme_list_free().
 */
char **theme_list(size_t *n);
void theme_list_free(char **names, size_t n);

/*
 * The directories searched, in order, one per call: i = 0, 1, ...; NULL
 * after the last. Caller frees the result.
 */
char *theme_dir(unsigned i);

/* Colour modes for theme_apply(). */
enum theme_colors { THEME_MONO, THEME_8, THEME_16, THEME_256, THEME_DIRECT };

/*
 * Curses: the colour mode this terminal supports (after start_color()),
 * THEME_MONO if no_color, NO_COLOR is set (unless force: color = always in
 * the config), or the terminal has no colours.
 */
enum theme_colors theme_detect_colors(int no_color, int force);
/* Curses: initialises the colour pairs for t in mode. */
void theme_apply(const struct theme *t, enum theme_colors mode);
/*
 * The curses attributes for drawing role r; selected != 0 gives the
 * variant on the selected row. pair is the colour pair (0 in mono).
 * Valid after theme_apply().
 */
void theme_attr(enum role r, int selected, unsigned long *attrs, short *pair);

/*
 * 1 when a space drawn in role r looks like a space in ROLE_NORMAL (the same
 * background, no underline or reverse): padding may then stay in r, which
 * saves the terminal an attribute change.
 */
int theme_pad_same(enum role r, int selected);

/* Maps a colour down (exposed for tests): to the 256 palette, or to 0-15. */
int theme_color_to256(int32_t c);
/* 0xRRGGBB of a colour (the xterm palette for 0-255). */
uint32_t theme_color_rgb(int32_t c);
int theme_color_to16(int32_t c);

#endif
