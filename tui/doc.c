/*
 * doc.c: styled lines for the scrolling views.
 */
#include "tui/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tui/draw.h"

void
doc_init(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	buf_init(&d->text);
}

void
doc_done(struct doc *d)
{
	buf_done(&d->text);
	free(d->segs);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

void
doc_reset(struct doc *d)
{
	buf_reset(&d->text);
	d->nsegs = 0;
	d->nlines = 0;
}

void
doc_line(struct doc *d, int section, long tag)
{
	struct doc_line *l;

	if (d->nlines == d->caplines) {
		d->caplines = d->caplines ? d->caplines * 2 : 64;
		d->lines = xreallocarray(d->lines, d->caplines, sizeof(*d->lines));
	}
	l = &d->lines[d->nlines++];
	l->seg0 = d->nsegs;
	l->nseg = 0;
	l->section = section;
	l->heading = 0;
	l->tag = tag;
}

static void
add_seg(struct doc *d, enum role r, const char *s, int pad)
{
	struct doc_seg *g;

	if (d->nlines == 0)
		doc_line(d, 0, -1);
	if (d->nsegs == d->capsegs) {
		d->capsegs = d->capsegs ? d->capsegs * 2 : 128;
		d->segs = xreallocarray(d->segs, d->capsegs, sizeof(*d->segs));
	}
	g = &d->segs[d->nsegs++];
	g->off = d->text.len;
	g->len = strlen(s != NULL ? s : "");
	g->role = r;
	g->pad = pad;
	buf_add(&d->text, s != NULL ? s : "", g->len);
	buf_addc(&d->text, '\0');
	d->lines[d->nlines - 1].nseg++;
}

void
doc_add(struct doc *d, enum role r, const char *s)
{
	add_seg(d, r, s, 0);
}

void
doc_addw(struct doc *d, enum role r, const char *s, int cols)
{
	add_seg(d, r, s, cols == 0 ? 0 : cols);
}

void
doc_addf(struct doc *d, enum role r, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	add_seg(d, r, tmp, 0);
}

int
doc_line_width(const struct doc *d, size_t i)
{
	const struct doc_line *l = &d->lines[i];
	int w = 0;

	for (size_t k = 0; k < l->nseg; k++) {
		const struct doc_seg *g = &d->segs[l->seg0 + k];
		if (g->pad > 0)
			w += g->pad;
		else if (g->pad < 0)
			w += -g->pad;
		else
			w += draw_width(d->text.data + g->off);
	}
	return w;
}

void
doc_draw_line(const struct doc *d, size_t i, WINDOW *w, int y, int cols, int sel)
{
	const struct doc_line *l = &d->lines[i];
	int used = 1;

	draw_clear_line(w, y, ROLE_NORMAL, sel);
	wmove(w, y, 1);
	for (size_t k = 0; k < l->nseg && used < cols - 1; k++) {
		const struct doc_seg *g = &d->segs[l->seg0 + k];
		const char *s = d->text.data + g->off;
		int room = cols - 1 - used;

		draw_role(w, g->role, sel, 0);
		if (g->pad > 1 && g->pad <= room) {
			/* a column: cut one short, so it never runs into the next one */
			used += draw_text(w, s, g->pad - 1, 1);
			waddch(w, ' ');
			used++;
		} else if (g->pad > 0)
			used += draw_text(w, s, g->pad < room ? g->pad : room, 1);
		else if (g->pad < 0)
			used += draw_text_right(w, s, -g->pad < room ? -g->pad : room);
		else
			used += draw_text(w, s, room, 0);
	}
}
