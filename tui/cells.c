/*
 * cells.c: from model cells to what a grid cell shows.
 */
#include "tui/cells.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

static const char *const layer_names[LAYER__COUNT] = {
	"Overview", "Compliance", "GuardDuty", "Spend", "SSO",
};

const char *
cells_layer_name(enum layer l)
{
	return (unsigned)l < LAYER__COUNT ? layer_names[l] : "?";
}

int
cells_layer_parse(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return -1;
	for (int i = 0; i < LAYER__COUNT; i++)
		if (util_strncasecmp(s, layer_names[i], n) == 0)
			return i;
	if (util_strcasecmp(s, "findings") == 0 || util_strcasecmp(s, "gd") == 0)
		return LAYER_GUARDDUTY;
	if (util_strcasecmp(s, "config") == 0)
		return LAYER_COMPLIANCE;
	return -1;
}

static void
add_status(const struct model_status *st, uint16_t *states, uint16_t *flags, uint16_t fval,
    uint16_t fstale, uint16_t fchanged)
{
	*states |= (uint16_t)(1u << (st->state < MS__COUNT ? st->state : MS_ERROR));
	if (cells_has_value(st)) {
		*flags |= fval;
		if (st->state != MS_OK)
			*flags |= fstale;
		if (st->flags & MF_CHANGED)
			*flags |= fchanged;
	}
}

void
cells_agg_add(struct agg *g, const struct model_cell *c)
{
	add_status(&c->config.st, &g->cfg_states, &g->flags, AGG_CFG_VALUE, AGG_CFG_STALE,
	    AGG_CFG_CHANGED);
	if (cells_has_value(&c->config.st)) {
		g->nc += c->config.noncompliant;
		if (c->config.st.flags & MF_CAPPED)
			g->flags |= AGG_CAPPED;
	}
	add_status(&c->gd.st, &g->gd_states, &g->flags, AGG_GD_VALUE, AGG_GD_STALE,
	    AGG_GD_CHANGED);
	if (cells_has_value(&c->gd.st)) {
		g->bands[0] += c->gd.low;
		g->bands[1] += c->gd.medium;
		g->bands[2] += c->gd.high;
		g->bands[3] += c->gd.critical;
		if (c->gd.max_severity > g->max_sev)
			g->max_sev = c->gd.max_severity;
	}
	add_status(&c->spend.st, &g->spend_states, &g->flags, AGG_SPEND_VALUE, AGG_SPEND_STALE,
	    AGG_SPEND_CHANGED);
	if (cells_has_value(&c->spend.st))
		g->spend += c->spend.amount;
	if (g->n < UINT16_MAX)
		g->n++;
}

void
cells_agg_merge(struct agg *into, const struct agg *from)
{
	into->nc += from->nc;
	for (int i = 0; i < 4; i++)
		into->bands[i] += from->bands[i];
	if (from->max_sev > into->max_sev)
		into->max_sev = from->max_sev;
	into->spend += from->spend;
	into->cfg_states |= from->cfg_states;
	into->gd_states |= from->gd_states;
	into->spend_states |= from->spend_states;
	into->flags |= from->flags;
	into->n = (uint16_t)(into->n + from->n < UINT16_MAX ? into->n + from->n : UINT16_MAX);
}

void
cells_state_show(enum model_state st, enum glyph *g, enum role *r)
{
	switch (st) {
	case MS_OK:
		*g = G_OK, *r = ROLE_OK;
		break;
	case MS_STALE:
		*g = G_STALE, *r = ROLE_STALE;
		break;
	case MS_THROTTLED:
		*g = G_THROTTLED, *r = ROLE_WARN;
		break;
	case MS_DENIED:
		*g = G_DENIED, *r = ROLE_DENIED;
		break;
	case MS_DISABLED:
		*g = G_DISABLED, *r = ROLE_NODATA;
		break;
	case MS_REGION_OFF:
		*g = G_REGION_OFF, *r = ROLE_NODATA;
		break;
	case MS_ERROR:
		*g = G_ERROR, *r = ROLE_BAD;
		break;
	case MS_LOADING:
	default:
		*g = G_LOADING, *r = ROLE_DIM;
		break;
	}
}

enum model_state
cells_pick_state(uint16_t states)
{
	static const enum model_state order[] = {
		MS_ERROR, MS_THROTTLED, MS_LOADING, MS_STALE, MS_DENIED, MS_DISABLED,
		MS_REGION_OFF, MS_OK,
	};

	for (size_t i = 0; i < NELEM(order); i++)
		if (states & (1u << order[i]))
			return order[i];
	return MS_LOADING;
}

static void
show_state(uint16_t states, struct cell_show *out)
{
	out->text[0] = '\0';
	if (states == 0) {
		/* Nothing under the row (an OU without accounts): blank, not loading. */
		out->glyph_too = 0;
		out->role = ROLE_DIM;
		return;
	}
	cells_state_show(cells_pick_state(states), &out->glyph, &out->role);
	out->glyph_too = 1;
}

static void
count_text(struct cell_show *out, uint32_t n, int capped)
{
	if (n > 999)
		snprintf(out->text, sizeof(out->text), "%uk%s", n / 1000, capped ? "+" : "");
	else
		snprintf(out->text, sizeof(out->text), "%u%s", n, capped ? "+" : "");
}

static void
show_compliance(const struct agg *g, struct cell_show *out)
{
	if (!(g->flags & AGG_CFG_VALUE)) {
		show_state(g->cfg_states, out);
		return;
	}
	out->glyph_too = 1;
	if (g->nc > 0) {
		out->glyph = G_NONCOMPLIANT;
		out->role = ROLE_BAD;
		count_text(out, g->nc, (g->flags & AGG_CAPPED) != 0);
	} else {
		out->glyph = G_OK;
		out->role = ROLE_OK;
	}
	if (g->flags & AGG_CFG_STALE)
		out->role = ROLE_STALE;
	out->changed = (g->flags & AGG_CFG_CHANGED) != 0;
}

static void
show_guardduty(const struct agg *g, struct cell_show *out)
{
	static const enum glyph gl[4] = { G_LOW, G_MEDIUM, G_HIGH, G_CRITICAL };
	static const enum role rl[4] = { ROLE_LOW, ROLE_WARN, ROLE_BAD, ROLE_CRITICAL };

	if (!(g->flags & AGG_GD_VALUE)) {
		show_state(g->gd_states, out);
		return;
	}
	out->glyph_too = 1;
	out->glyph = G_OK;
	out->role = ROLE_OK;
	for (int b = 3; b >= 0; b--) {
		if (g->bands[b] > 0) {
			out->glyph = gl[b];
			out->role = rl[b];
			count_text(out, g->bands[b], 0);
			break;
		}
	}
	if (g->flags & AGG_GD_STALE)
		out->role = ROLE_STALE;
	out->changed = (g->flags & AGG_GD_CHANGED) != 0;
}

void
cells_money(double v, char *out, size_t len)
{
	double a = v < 0 ? -v : v;

	if (a < 999.5)
		snprintf(out, len, "%.0f", v);
	else if (a < 9950)
		snprintf(out, len, "%.1fk", v / 1e3);
	else if (a < 999500)
		snprintf(out, len, "%.0fk", v / 1e3);
	else if (a < 9.95e6)
		snprintf(out, len, "%.1fM", v / 1e6);
	else if (a < 999.5e6)
		snprintf(out, len, "%.0fM", v / 1e6);
	else
		snprintf(out, len, "%.1fG", v / 1e9);
}

static void
show_spend(const struct agg *g, struct cell_show *out)
{
	if (!(g->flags & AGG_SPEND_VALUE)) {
		show_state(g->spend_states, out);
		return;
	}
	out->glyph_too = 0;
	out->role = g->spend < 0.005 ? ROLE_DIM : ROLE_NORMAL;
	cells_money(g->spend, out->text, sizeof(out->text));
	if (g->flags & AGG_SPEND_STALE)
		out->role = ROLE_STALE;
	out->changed = (g->flags & AGG_SPEND_CHANGED) != 0;
}

/* How bad a shown cell is, for the Overview's "worst of". */
static int
rank(const struct cell_show *s)
{
	switch (s->glyph) {
	case G_CRITICAL:
		return 12;
	case G_HIGH:
		return 11;
	case G_NONCOMPLIANT:
		return 10;
	case G_ERROR:
		return 9;
	case G_THROTTLED:
		return 8;
	case G_MEDIUM:
		return 7;
	case G_LOW:
		return 6;
	case G_LOADING:
		return 5;
	case G_STALE:
		return 4;
	case G_OK:
		return 3;
	case G_DENIED:
		return 2;
	case G_DISABLED:
		return 1;
	default:
		return 0;
	}
}

void
cells_show(enum layer l, const struct agg *g, struct cell_show *out)
{
	struct cell_show a, b;

	memset(out, 0, sizeof(*out));
	switch (l) {
	case LAYER_COMPLIANCE:
		show_compliance(g, out);
		break;
	case LAYER_GUARDDUTY:
		show_guardduty(g, out);
		break;
	case LAYER_SPEND:
		show_spend(g, out);
		break;
	case LAYER_OVERVIEW:
	default:
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		show_compliance(g, &a);
		show_guardduty(g, &b);
		if (rank(&a) == rank(&b))
			*out = a.role == ROLE_STALE ? a : b;
		else
			*out = rank(&b) > rank(&a) ? b : a;
		out->changed = a.changed || b.changed;
		break;
	}
}
