/*
 * cells.h: what one grid cell shows: a glyph, a count or an amount, and a
 * role, for a layer (issue 5 section 1, SCREENS.md).
 *
 * A cell of an account row and a cell of an OU row (a roll-up of its
 * accounts) are computed the same way: model cells are added into a struct
 * agg, and cells_show() turns an agg into what is drawn. Unknown is never
 * zero: without a value the cell shows its state's glyph.
 */
#ifndef ORGTOP_CELLS_H
#define ORGTOP_CELLS_H

#include <stdint.h>

#include "core/model.h"
#include "tui/glyphs.h"
#include "tui/theme.h"

enum layer { LAYER_OVERVIEW, LAYER_COMPLIANCE, LAYER_GUARDDUTY, LAYER_SPEND, LAYER_SSO,
	LAYER__COUNT };

/* "Overview", "Compliance", ...; parse is case-insensitive and takes prefixes. */
const char *cells_layer_name(enum layer l);
int cells_layer_parse(const char *s);

/* agg.flags */
#define AGG_CFG_VALUE 0x01
#define AGG_GD_VALUE 0x02
#define AGG_SPEND_VALUE 0x04
#define AGG_CFG_STALE 0x08   /* some value is not from the latest refresh */
#define AGG_GD_STALE 0x10
#define AGG_SPEND_STALE 0x20
#define AGG_CFG_CHANGED 0x40 /* some value changed in the latest refresh */
#define AGG_GD_CHANGED 0x80
#define AGG_SPEND_CHANGED 0x100
#define AGG_CAPPED 0x200     /* a noncompliant count is a lower bound */

/* One region of one account, or the roll-up of many. Zero it to start. */
struct agg {
	uint32_t nc;          /* noncompliant rules, summed */
	uint32_t bands[4];    /* findings per band, summed */
	float max_sev;
	double spend;
	uint16_t cfg_states, gd_states, spend_states; /* bit per enum model_state seen */
	uint16_t n;           /* cells added (saturating) */
	uint16_t flags;
};

/*
 * 1 when the item's value is what to show: it holds one and its state is not
 * a final "there is nothing there" (denied, disabled, region off), which
 * outranks a value kept from before. Errors and throttling keep showing the
 * old value, drawn stale.
 */
static inline int
cells_has_value(const struct model_status *st)
{
	return (st->flags & MF_HAS_VALUE) && st->state != MS_DENIED && st->state != MS_DISABLED &&
	    st->state != MS_REGION_OFF;
}

void cells_agg_add(struct agg *g, const struct model_cell *c);
void cells_agg_merge(struct agg *into, const struct agg *from);

/* What to draw. */
struct cell_show {
	enum glyph glyph;
	enum role role;
	int changed;
	char text[12]; /* after the glyph: a count ("3"), or an amount ("12.4k") alone */
	int glyph_too; /* 1 if the glyph is drawn before text */
};

void cells_show(enum layer l, const struct agg *g, struct cell_show *out);

/* The state to show for a set of states (bit per enum model_state) without a value. */
enum model_state cells_pick_state(uint16_t states);

/* The glyph and role of a state without a value. */
void cells_state_show(enum model_state st, enum glyph *g, enum role *r);

/* Formats an amount compactly in at most 6 columns: "0", "812", "1.2k", "41k", "3.4M". */
void cells_money(double v, char *out, size_t len);

#endif
