/*
 * doc.h: a small document of styled lines, for the scrolling views (the
 * account view and help): segments of text with a role each, built per
 * frame and drawn through tui/draw.h (so cut by columns and sanitised).
 */
#ifndef ORGTOP_DOC_H
#define ORGTOP_DOC_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "tui/theme.h"

struct doc_seg {
	size_t off, len;
	enum role role;
	int pad;        /* > 0: padded / cut to this many columns; < 0: right-aligned in -pad */
};

struct doc_line {
	size_t seg0, nseg;
	int section;    /* which section it belongs to */
	int heading;    /* a section heading */
	long tag;       /* view-specific: finding index, region index, -1 */
};

struct doc {
	struct buf text;
	struct doc_seg *segs;
	size_t nsegs, capsegs;
	struct doc_line *lines;
	size_t nlines, caplines;
};

void doc_init(struct doc *d);
void doc_done(struct doc *d);
void doc_reset(struct doc *d);
/* Starts a new line. */
void doc_line(struct doc *d, int section, long tag);
/* Appends text to the current line (starting one if needed). */
void doc_add(struct doc *d, enum role r, const char *s);
/*
 * Appends text padded or cut to cols columns, the last of them always a
 * space so columns never run together (cols < 0: right-aligned in -cols).
 */
void doc_addw(struct doc *d, enum role r, const char *s, int cols);
void doc_addf(struct doc *d, enum role r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Columns taken by line i so far. */
int doc_line_width(const struct doc *d, size_t i);
/* Draws line i at row y of w in cols columns; sel draws it selected. */
void doc_draw_line(const struct doc *d, size_t i, WINDOW *w, int y, int cols, int sel);

#endif
