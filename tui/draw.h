/*
 * draw.h: the few ways the views put text on a curses window.
 *
 * Every string passes through core/text.h here, cut and padded by terminal
 * columns (never bytes), so the views can hand over model strings as they
 * are: nothing from data reaches the terminal raw and one row stays one row.
 * Attributes come from roles (tui/theme.h), never from colours.
 */
#ifndef ORGTOP_DRAW_H
#define ORGTOP_DRAW_H

#include <curses.h>

#include "tui/glyphs.h"
#include "tui/theme.h"

/* Sets w's attributes for role r: sel for the selected-row variant; changed adds the
 * "changed" role's attributes. */
void draw_role(WINDOW *w, enum role r, int sel, int changed);

/*
 * Writes s at the cursor in at most cols columns (cut with an ellipsis),
 * padded with spaces to cols when pad. cols < 0: no limit. Returns the
 * columns written.
 */
int draw_text(WINDOW *w, const char *s, int cols, int pad);
/* Right-aligned in cols columns. */
int draw_text_right(WINDOW *w, const char *s, int cols);
/* printf-style into draw_text (for numbers and fixed words; still sanitised). */
int draw_fmt(WINDOW *w, int cols, int pad, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void draw_spaces(WINDOW *w, int n);
/* One glyph (one column). */
void draw_glyph(WINDOW *w, enum glyph g);
/* Clears line y to its end in role r. */
void draw_clear_line(WINDOW *w, int y, enum role r, int sel);
/* Columns text would take after sanitising. */
int draw_width(const char *s);
/* The text flags for the current glyph set (TEXT_ASCII in ASCII mode). */
unsigned draw_text_flags(void);

#endif
