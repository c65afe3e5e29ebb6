/*
 * draw.c: text and attributes on curses windows, always through core/text.
 */
#include "tui/draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/xmalloc.h"

static struct buf scratch;
static int scratch_ready;

static struct buf *
tmp(void)
{
	if (!scratch_ready) {
		buf_init(&scratch);
		scratch_ready = 1;
	}
	buf_reset(&scratch);
	return &scratch;
}

unsigned
draw_text_flags(void)
{
	return glyphs_ascii() ? TEXT_ASCII : 0;
}

void
draw_role(WINDOW *w, enum role r, int sel, int changed)
{
	unsigned long a, ca;
	short pair, cpair;

	theme_attr(r, sel, &a, &pair);
	if (changed) {
		theme_attr(ROLE_CHANGED, 0, &ca, &cpair);
		a |= ca & (A_BOLD | A_UNDERLINE | A_ITALIC | A_REVERSE | A_STANDOUT);
	}
	wattr_set(w, (attr_t)a, pair, NULL);
}

int
draw_text(WINDOW *w, const char *s, int cols, int pad)
{
	struct buf *b = tmp();
	int n;

	if (s == NULL)
		s = "";
	if (cols == 0)
		return 0;
	if (pad && cols > 0)
		n = text_pad(b, s, strlen(s), cols, draw_text_flags());
	else
		n = text_sanitize(b, s, strlen(s), cols, draw_text_flags());
	waddnstr(w, b->data, (int)b->len);
	return n;
}

int
draw_width(const char *s)
{
	struct buf *b = tmp();

	return text_sanitize(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0, -1,
	    draw_text_flags());
}

int
draw_text_right(WINDOW *w, const char *s, int cols)
{
	int wdt = draw_width(s);

	if (wdt < cols) {
		draw_spaces(w, cols - wdt);
		return cols - wdt + draw_text(w, s, wdt, 0);
	}
	return draw_text(w, s, cols, 1);
}

int
draw_fmt(WINDOW *w, int cols, int pad, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap); /* truncation is fine: cut to cols anyway */
	va_end(ap);
	return draw_text(w, line, cols, pad);
}

void
draw_spaces(WINDOW *w, int n)
{
	static const char sp[] = "                                                                ";

	while (n > 0) {
		int k = n > (int)sizeof(sp) - 1 ? (int)sizeof(sp) - 1 : n;
		waddnstr(w, sp, k);
		n -= k;
	}
}

void
draw_glyph(WINDOW *w, enum glyph g)
{
	waddstr(w, glyph(g));
}

void
draw_clear_line(WINDOW *w, int y, enum role r, int sel)
{
	int maxx = getmaxx(w);

	draw_role(w, r, sel, 0);
	wmove(w, y, 0);
	draw_spaces(w, maxx);
	wmove(w, y, 0);
}
