/*
 * grid.c: the grid view.
 */
#include "tui/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/account.h"
#include "tui/draw.h"
#include "tui/filter.h"
#include "tui/glyphs.h"
#include "tui/region.h"
#include "tui/rows.h"
#include "tui/ui.h"

#define ID_W 12
#define SPEND_W 7
#define SSO_W 4
#define BUDGET_FULL_W 16
#define BUDGET_COMPACT_W 9
#define SSO_CELL_W 10
#define WIDE_LAYOUT 120

struct grid {
	struct rows *rows;
	uint64_t built_gen;
	int need_build;
	enum layer built_layer;

	size_t sel, top;
	int col, left;           /* selected / first visible column (index into cols) */
	int sel_kind;            /* ROW_OU or ROW_ACCOUNT of the selection */
	char sel_id[40];         /* its OU or account id, to find it after a rebuild */

	size_t *cols;            /* region indices (or permission set indices in SSO) */
	size_t ncols;
	char (*codes)[REGION_CODE_MAX + 1]; /* per model region */
	size_t ncodes;
	int name_w;              /* widest name + indentation seen (only grows) */
	size_t measured_rows, measured_accounts;

	/* layout, from the last draw */
	int name_x, id_x, cells_x, cell_w, nvis, right_x, budget_w, body_h;
	int tab_x[LAYER__COUNT + 1];
};

struct grid *
grid_new(void)
{
	struct grid *g = xcalloc(1, sizeof(*g));

	g->rows = rows_new();
	g->need_build = 1;
	g->col = -1;
	g->built_gen = UINT64_MAX;
	return g;
}

void
grid_free(struct grid *g)
{
	if (g == NULL)
		return;
	rows_free(g->rows);
	free(g->cols);
	free(g->codes);
	free(g);
}

void
grid_invalidate(struct ui *ui)
{
	ui->grid->need_build = 1;
}

const struct rows *
grid_rows(struct ui *ui)
{
	return ui->grid->rows;
}

/* --- selection ------------------------------------------------------------------ */

static void
remember_selection(struct ui *ui)
{
	struct grid *g = ui->grid;
	const struct row *r = rows_get(g->rows, g->sel);

	g->sel_id[0] = '\0';
	if (r == NULL)
		return;
	g->sel_kind = r->kind;
	if (r->kind == ROW_ACCOUNT)
		snprintf(g->sel_id, sizeof(g->sel_id), "%s", model_account(ui->m, (size_t)r->index)->id);
	else
		snprintf(g->sel_id, sizeof(g->sel_id), "%s", model_ou(ui->m, (size_t)r->index)->id);
}

static void
restore_selection(struct ui *ui)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows), at = SIZE_MAX;
	int idx;

	if (g->sel_id[0] != '\0') {
		if (g->sel_kind == ROW_ACCOUNT) {
			idx = model_account_find(ui->m, g->sel_id);
			if (idx >= 0)
				at = rows_find_account(g->rows, (size_t)idx);
		} else {
			idx = model_ou_find(ui->m, g->sel_id);
			if (idx >= 0)
				at = rows_find_ou(g->rows, idx);
		}
	}
	if (at != SIZE_MAX)
		g->sel = at;
	if (n == 0)
		g->sel = 0;
	else if (g->sel >= n)
		g->sel = n - 1;
}

static void
select_row(struct ui *ui, size_t i)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows);

	if (n == 0)
		return;
	g->sel = i >= n ? n - 1 : i;
	remember_selection(ui);
}

long
grid_selected_account(struct ui *ui)
{
	const struct row *r = rows_get(ui->grid->rows, ui->grid->sel);

	return r != NULL && r->kind == ROW_ACCOUNT ? r->index : -1;
}

int
grid_select_account(struct ui *ui, size_t a)
{
	size_t at;

	grid_update(ui);
	at = rows_find_account(ui->grid->rows, a);
	if (at == SIZE_MAX)
		return -1;
	select_row(ui, at);
	return 0;
}

int
grid_selected_region(struct ui *ui)
{
	struct grid *g = ui->grid;

	if (ui->layer == LAYER_SSO || g->col < 0 || (size_t)g->col >= g->ncols)
		return -1;
	return (int)g->cols[g->col];
}

/* --- building ------------------------------------------------------------------ */

/*
 * Region columns run in the order of the AWS console's region menu, by
 * geography: the US first, then the rest of the Americas, Europe, the Middle
 * East, Africa, Asia Pacific; by name within a group. The model keeps its
 * regions sorted by name (af-south-1 would lead); people look for us-east-1
 * and eu-west-1 first.
 */
static int
region_rank(const char *name)
{
	static const char *const order[] = { "us-", "ca-", "mx-", "sa-", "eu-", "il-", "me-",
		"af-", "ap-", "cn-" };

	for (size_t i = 0; i < NELEM(order); i++)
		if (strncmp(name, order[i], strlen(order[i])) == 0)
			return (int)i;
	return (int)NELEM(order);
}

static const struct model *cols_model; /* for the qsort comparator; the loop is single-threaded */

static int
cmp_region_cols(const void *a, const void *b)
{
	const char *ra = model_region(cols_model, *(const size_t *)a);
	const char *rb = model_region(cols_model, *(const size_t *)b);
	int ka = region_rank(ra), kb = region_rank(rb);

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return strcmp(ra, rb);
}

static void
build_columns(struct ui *ui)
{
	struct grid *g = ui->grid;
	size_t nr = model_nregions(ui->m);
	const unsigned char *mask = rows_region_mask(g->rows);
	const char **names;

	free(g->cols);
	g->cols = NULL;
	g->ncols = 0;
	if (ui->layer == LAYER_SSO) {
		size_t n = rows_nps(g->rows);
		g->cols = xcalloc(n + 1, sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			g->cols[g->ncols++] = i;
	} else {
		g->cols = xcalloc(nr + 1, sizeof(size_t));
		for (size_t i = 0; i < nr; i++)
			if (mask[i])
				g->cols[g->ncols++] = i;
		if (g->ncols > 1) {
			cols_model = ui->m;
			qsort(g->cols, g->ncols, sizeof(size_t), cmp_region_cols);
		}
	}
	free(g->codes);
	g->codes = xcalloc(nr + 1, sizeof(*g->codes));
	g->ncodes = nr;
	names = xcalloc(nr + 1, sizeof(char *));
	for (size_t i = 0; i < nr; i++)
		names[i] = model_region(ui->m, i);
	region_codes(names, nr, g->codes);
	free(names);
	if (g->col >= (int)g->ncols)
		g->col = (int)g->ncols - 1;
	if (g->left >= (int)g->ncols)
		g->left = 0;
}

/*
 * The name column's width: the widest name shown (in columns) plus its
 * indentation. It only grows during a session, so the grid never jumps
 * narrower while names arrive; it is measured again only when the number of
 * rows or of accounts changed.
 */
static void
measure_names(struct ui *ui)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows);
	int w = g->name_w > 12 ? g->name_w : 12;

	if (n == g->measured_rows && model_naccounts(ui->m) == g->measured_accounts)
		return;
	g->measured_rows = n;
	g->measured_accounts = model_naccounts(ui->m);
	for (size_t i = 0; i < n; i++) {
		const struct row *r = rows_get(g->rows, i);
		const char *name = r->kind == ROW_ACCOUNT ? model_account(ui->m, (size_t)r->index)->name
		                                          : model_ou(ui->m, (size_t)r->index)->name;
		int nw = text_width(name != NULL ? name : "") + r->depth * 2 +
		    (r->kind == ROW_OU ? 8 : 0);
		if (nw > w)
			w = nw;
	}
	g->name_w = w;
}

void
grid_update(struct ui *ui)
{
	struct grid *g = ui->grid;
	uint64_t gen = model_generation(ui->m);

	if (!g->need_build && gen == g->built_gen && g->built_layer == ui->layer)
		return;
	if (g->sel_id[0] == '\0')
		remember_selection(ui);
	rows_build(g->rows, ui->m, ui->filter, ui->sort, ui->sort_reverse);
	g->built_gen = gen;
	g->need_build = 0;
	g->built_layer = ui->layer;
	build_columns(ui);
	measure_names(ui);
	restore_selection(ui);
	remember_selection(ui);
}

void
grid_subset(struct ui *ui, size_t **accounts, size_t *na, size_t **regions, size_t *nr)
{
	struct grid *g = ui->grid;
	size_t n = rows_total(g->rows), nreg = model_nregions(ui->m);
	const unsigned char *mask;

	grid_update(ui);
	mask = rows_region_mask(g->rows);
	*accounts = xcalloc(n + 1, sizeof(size_t));
	*na = 0;
	/* Every account that passed the filter, collapsed or not. */
	for (size_t a = 0; a < n; a++) {
		if (filter_match(ui->filter, ui->m, a, mask))
			(*accounts)[(*na)++] = a;
	}
	*regions = xcalloc(nreg + 1, sizeof(size_t));
	*nr = 0;
	for (size_t i = 0; i < nreg; i++)
		if (mask[i])
			(*regions)[(*nr)++] = i;
}

/* --- layout ---------------------------------------------------------------------- */

static void
compute_layout(struct ui *ui, int width, int height)
{
	struct grid *g = ui->grid;
	int right_w, area, name_w, code_w = 4;

	for (size_t i = 0; i < g->ncols && ui->layer != LAYER_SSO; i++) {
		int l = (int)strlen(g->codes[g->cols[i]]);
		if (l > code_w)
			code_w = l;
	}
	g->cell_w = ui->layer == LAYER_SSO ? SSO_CELL_W : (code_w < 5 ? 5 : code_w) + 1;
	g->budget_w = width >= WIDE_LAYOUT ? BUDGET_FULL_W : BUDGET_COMPACT_W;
	right_w = 2 + g->budget_w + 1 + SPEND_W + 1 + SSO_W;
	name_w = g->name_w + 2;
	if (name_w < 16)
		name_w = 16;
	if (name_w > 34)
		name_w = 34;
	/* Leave room for three cells at least. */
	if (width - right_w - (name_w + 4 + ID_W) < 3 * g->cell_w)
		name_w = width - right_w - 4 - ID_W - 3 * g->cell_w;
	if (name_w < 10)
		name_w = 10;
	g->name_x = 2;
	g->id_x = g->name_x + name_w + 1;
	g->cells_x = g->id_x + ID_W + 1;
	g->right_x = width - right_w;
	area = g->right_x - g->cells_x;
	g->nvis = area > 0 ? area / g->cell_w : 0;
	/* When every column fits, the frozen columns follow them instead of the edge. */
	if (g->nvis >= (int)g->ncols && g->ncols > 0)
		g->right_x = g->cells_x + (int)g->ncols * g->cell_w + 1;
	g->body_h = height;
	if (g->col >= 0 && g->nvis > 0) {
		if (g->col < g->left)
			g->left = g->col;
		if (g->col >= g->left + g->nvis)
			g->left = g->col - g->nvis + 1;
	}
	if (g->left + g->nvis > (int)g->ncols)
		g->left = (int)g->ncols - g->nvis;
	if (g->left < 0)
		g->left = 0;
}

static void
scroll_to_selection(struct grid *g, size_t n)
{
	size_t vis = g->body_h > 1 ? (size_t)(g->body_h - 1) : 1;

	if (g->sel < g->top)
		g->top = g->sel;
	if (g->sel >= g->top + vis)
		g->top = g->sel - vis + 1;
	if (n <= vis)
		g->top = 0;
	else if (g->top > n - vis)
		g->top = n - vis;
}

/* --- header ---------------------------------------------------------------------- */

/* "111111111111 (OrgtopAudit)" from an ARN, into out. */
static void
identity(const char *arn, char *out, size_t len)
{
	const char *p = arn;
	char acct[16] = "";
	const char *res;
	int field = 0;

	out[0] = '\0';
	if (arn == NULL || arn[0] == '\0')
		return;
	/* arn:partition:service:region:account:resource */
	while (*p != '\0' && field < 4) {
		if (*p == ':')
			field++;
		p++;
	}
	res = strchr(p, ':');
	if (res == NULL) {
		snprintf(out, len, "%.60s", arn);
		return;
	}
	snprintf(acct, sizeof(acct), "%.*s", (int)(res - p > 12 ? 12 : res - p), p);
	res++;
	if (strncmp(res, "assumed-role/", 13) == 0) {
		const char *role = res + 13;
		int rl = (int)strcspn(role, "/");
		snprintf(out, len, "%s (%.*s)", acct, rl > 64 ? 64 : rl, role);
	} else if (strncmp(res, "user/", 5) == 0) {
		snprintf(out, len, "%s (user %.64s)", acct, res + 5);
	} else {
		snprintf(out, len, "%s (%.64s)", acct, res);
	}
}

static void
draw_clock(struct ui *ui, WINDOW *hdr, int x)
{
	char clock[16];
	time_t t = (time_t)ui->now;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return;
	strftime(clock, sizeof(clock), "%H:%M", &tm);
	wmove(hdr, 0, x);
	draw_role(hdr, ROLE_HEADER, 0, 0);
	draw_text(hdr, clock, 5, 0);
}

static void
draw_header(struct ui *ui, WINDOW *hdr)
{
	struct grid *g = ui->grid;
	int cols = getmaxx(hdr), tabs_w = 0, x, left_w;
	const char *arn = ui->be != NULL && ui->be->caller_arn != NULL ? ui->be->caller_arn(ui->be->arg)
	                                                              : "";
	char who[128], prog[32] = "";
	struct collect_progress p;
	int compact = cols < WIDE_LAYOUT;

	ui_progress(ui, &p);
	if (p.refreshing && p.total > 0)
		snprintf(prog, sizeof(prog), "%u%% ", (unsigned)(100.0 * p.done / p.total));
	draw_clear_line(hdr, 0, ROLE_HEADER, 0);
	for (int l = 0; l < LAYER__COUNT; l++) {
		const char *nm = cells_layer_name((enum layer)l);
		tabs_w += (compact && l != (int)ui->layer ? 3 : (int)strlen(nm) + 2) + 1;
	}
	/* right: tabs, progress, clock */
	x = cols - 7 - tabs_w - (int)strlen(prog);
	left_w = x - 1;
	wmove(hdr, 0, 0);
	draw_role(hdr, ROLE_HEADER, 0, 0);
	{
		struct buf line;
		identity(arn, who, sizeof(who));
		buf_init(&line);
		buf_printf(&line, " orgtop  %s", model_org_id(ui->m)[0] ? model_org_id(ui->m) : "(org ?)");
		if (ui->profile != NULL || who[0] != '\0')
			buf_printf(&line, "  %s%s%s", ui->profile != NULL ? ui->profile : "",
			    ui->profile != NULL && who[0] != '\0' ? (glyphs_ascii() ? " -> " : " \u2192 ")
			                                          : "", who);
		draw_text(hdr, line.data, left_w > 0 ? left_w : 0, 0);
		buf_done(&line);
	}
	for (int l = 0; l < LAYER__COUNT; l++) {
		const char *nm = cells_layer_name((enum layer)l);
		int active = l == (int)ui->layer;
		char label[24];

		if (compact && !active)
			snprintf(label, sizeof(label), " %c ", "0123456789"[l]);
		else
			snprintf(label, sizeof(label), "%s%s%s", active ? "[" : " ", nm, active ? "]" : " ");
		g->tab_x[l] = x;
		if (x >= 0 && x < cols) {
			wmove(hdr, 0, x);
			draw_role(hdr, active ? ROLE_TAB_ACTIVE : ROLE_TAB, 0, 0);
			x += draw_text(hdr, label, cols - x, 0);
			draw_role(hdr, ROLE_HEADER, 0, 0);
			if (x < cols)
				x += draw_text(hdr, " ", 1, 0);
		}
	}
	g->tab_x[LAYER__COUNT] = x;
	if (prog[0] != '\0' && x + (int)strlen(prog) < cols) {
		wmove(hdr, 0, x);
		draw_role(hdr, ROLE_HEADER, 0, 0);
		x += draw_text(hdr, prog, cols - x, 0);
	}
	if (cols - 6 > x)
		draw_clock(ui, hdr, cols - 6);
}

/* --- cells ----------------------------------------------------------------------- */

static void
put_cell(WINDOW *w, const struct cell_show *s, int width, int sel, int cursor)
{
	int used = 0;

	draw_role(w, cursor ? ROLE_CURSOR : s->role, sel && !cursor, s->changed);
	if (s->glyph_too) {
		draw_glyph(w, s->glyph);
		used = 1;
	}
	if (s->text[0] != '\0') {
		int l = (int)strlen(s->text);
		if (!s->glyph_too) {
			/* amounts right-aligned */
			if (l < width - 1) {
				draw_spaces(w, width - 1 - l);
				used += width - 1 - l;
			}
		}
		if (used + l > width - 1)
			l = width - 1 - used;
		if (l > 0) {
			waddnstr(w, s->text, l);
			used += l;
		}
	}
	if (cursor || s->changed || !theme_pad_same(s->role, sel))
		draw_role(w, ROLE_NORMAL, sel, 0);
	if (used < width)
		draw_spaces(w, width - used);
}

static uint32_t
account_ps_count(const struct model_account *acc, const char *ps)
{
	uint32_t n = 0;

	for (size_t j = 0; j < acc->nassignments; j++)
		if (acc->assignments[j].permission_set == ps ||
		    (acc->assignments[j].permission_set != NULL &&
		    strcmp(acc->assignments[j].permission_set, ps) == 0))
			n++;
	return n;
}

static void
sso_cell(struct ui *ui, const struct row *r, size_t ps, struct cell_show *s)
{
	const struct model_account *acc;
	uint32_t n;

	memset(s, 0, sizeof(*s));
	if (r->kind == ROW_OU) {
		n = rows_ou_ps(ui->grid->rows, r->index, ps);
	} else {
		acc = model_account(ui->m, (size_t)r->index);
		if (!cells_has_value(&acc->sso)) {
			cells_state_show((enum model_state)acc->sso.state, &s->glyph, &s->role);
			s->glyph_too = 1;
			return;
		}
		n = account_ps_count(acc, rows_ps(ui->grid->rows, ps));
		if (acc->sso.state != MS_OK)
			s->role = ROLE_STALE;
	}
	if (n == 0) {
		s->glyph = G_SEP;
		s->glyph_too = 1;
		s->role = ROLE_DIM;
		return;
	}
	snprintf(s->text, sizeof(s->text), "%u", n);
	if (s->role != ROLE_STALE)
		s->role = ROLE_NORMAL;
}

static void
draw_cells(struct ui *ui, WINDOW *w, int y, const struct row *r, int sel)
{
	struct grid *g = ui->grid;
	const struct model_account *acc = r->kind == ROW_ACCOUNT ?
	    model_account(ui->m, (size_t)r->index) : NULL;

	wmove(w, y, g->cells_x);
	for (int i = g->left; i < (int)g->ncols && i < g->left + g->nvis; i++) {
		struct cell_show s;
		int cursor = sel && i == g->col;

		if (ui->layer == LAYER_SSO) {
			sso_cell(ui, r, g->cols[i], &s);
		} else if (acc != NULL) {
			struct agg a;
			memset(&a, 0, sizeof(a));
			cells_agg_add(&a, &acc->cells[g->cols[i]]);
			cells_show(ui->layer, &a, &s);
		} else {
			cells_show(ui->layer, rows_ou_agg(g->rows, r->index, g->cols[i]), &s);
		}
		put_cell(w, &s, g->cell_w, sel, cursor);
	}
}

/* The role of a burn percentage, by the thresholds the model holds (budget_warn/crit). */
static enum role
burn_role(const struct model *m, double pct)
{
	if (pct >= model_budget_crit(m))
		return ROLE_CRITICAL;
	if (pct >= model_budget_warn(m))
		return ROLE_WARN;
	return ROLE_OK;
}

static void
draw_budget(struct ui *ui, WINDOW *w, const struct acct_sum *s, const struct model_status *st,
    int sel)
{
	struct grid *g = ui->grid;
	char txt[16];
	int used = 0;

	if ((s->known & SUM_BURN) && s->b_limit > 0) {
		double burn = 100 * s->b_actual / s->b_limit;
		double fb = 100 * s->b_forecast / s->b_limit;
		int stale = (s->known & SUM_STALE_BUDGET) != 0;
		enum role br = stale ? ROLE_STALE : burn_role(ui->m, burn);

		snprintf(txt, sizeof(txt), burn > 999 ? ">999%%" : "%3.0f%%", burn);
		draw_role(w, br, sel, 0);
		used += draw_text(w, txt, 5, 0);
		if (g->budget_w >= BUDGET_FULL_W) {
			int filled = (int)lround(burn / 20);
			const char *blk = glyph_eighth(burn >= 90 ? 7.0 / 8 : burn >= 60 ? 6.0 / 8 : 5.0 / 8);
			if (filled < 1 && burn > 0)
				filled = 1;
			if (filled > 5)
				filled = 5;
			draw_role(w, ROLE_NORMAL, sel, 0);
			used += draw_text(w, " ", 1, 0);
			draw_role(w, br, sel, 0);
			for (int i = 0; i < 5; i++)
				waddstr(w, i < filled ? (glyphs_ascii() ? "#" : blk) : glyph(G_BAR_EMPTY));
			used += 5;
			draw_role(w, ROLE_NORMAL, sel, 0);
			used += draw_text(w, " ", 1, 0);
		}
		if ((s->known & SUM_FORECAST) && used + 5 <= g->budget_w) {
			draw_role(w, stale ? ROLE_STALE : fb > model_budget_crit(ui->m) ? ROLE_CRITICAL :
			    fb >= model_budget_warn(ui->m) ? ROLE_WARN : ROLE_DIM, sel, 0);
			draw_glyph(w, G_ARROW);
			used++;
			snprintf(txt, sizeof(txt), fb > 999 ? ">999%%" : "%.0f%%", fb);
			used += draw_text(w, txt, g->budget_w - used, 0);
		}
	} else if (s->known & SUM_NOBUDGET) {
		draw_role(w, ROLE_DIM, sel, 0);
		used += draw_text(w, g->budget_w >= BUDGET_FULL_W ? "no budget" : "none", g->budget_w, 0);
	} else if (st != NULL) {
		enum glyph gl;
		enum role rl;
		cells_state_show((enum model_state)st->state, &gl, &rl);
		draw_role(w, rl, sel, 0);
		draw_glyph(w, gl);
		used = 1;
		if (g->budget_w >= BUDGET_FULL_W) {
			waddch(w, ' ');
			used += 1 + draw_text(w, model_state_name((enum model_state)st->state),
			    g->budget_w - 2, 0);
		}
	} else {
		draw_role(w, ROLE_DIM, sel, 0);
		draw_glyph(w, G_DISABLED);
		used = 1;
	}
	draw_role(w, ROLE_NORMAL, sel, 0);
	if (used < g->budget_w)
		draw_spaces(w, g->budget_w - used);
}

static void
draw_right(struct ui *ui, WINDOW *w, int y, const struct row *r, int sel)
{
	struct grid *g = ui->grid;
	const struct acct_sum *s;
	const struct model_account *acc = NULL;
	char txt[24], money[16];
	const char *cur = model_currency(ui->m);
	const char *sym = strcmp(cur, "USD") == 0 ? "$" : "";

	if (r->kind == ROW_ACCOUNT) {
		acc = model_account(ui->m, (size_t)r->index);
		s = rows_account_sum(g->rows, (size_t)r->index);
	} else {
		s = rows_ou_sum(g->rows, r->index);
	}
	wmove(w, y, g->right_x);
	draw_role(w, ROLE_BORDER, sel, 0);
	draw_glyph(w, G_VLINE);
	draw_role(w, ROLE_NORMAL, sel, 0);
	waddch(w, ' ');
	draw_budget(ui, w, s, acc != NULL ? &acc->budget : NULL, sel);
	waddch(w, ' ');
	if (s->known & SUM_SPEND) {
		cells_money(s->spend, money, sizeof(money));
		snprintf(txt, sizeof(txt), "%s%s", sym, money);
		draw_role(w, ROLE_NORMAL, sel, 0);
		draw_text_right(w, txt, SPEND_W);
	} else {
		uint16_t states = 0;
		enum glyph gl = G_DISABLED;
		enum role rl = ROLE_NODATA;

		for (size_t k = 0; acc != NULL && k < model_nregions(ui->m); k++)
			states |= (uint16_t)(1u << acc->cells[k].spend.st.state);
		if (states != 0)
			cells_state_show(cells_pick_state(states), &gl, &rl);
		draw_spaces(w, SPEND_W - 1);
		draw_role(w, rl, sel, 0);
		draw_glyph(w, gl);
	}
	draw_role(w, ROLE_NORMAL, sel, 0);
	waddch(w, ' ');
	if (s->known & SUM_SSO) {
		snprintf(txt, sizeof(txt), "%u", s->sso);
		draw_role(w, (s->known & SUM_STALE_SSO) ? ROLE_STALE : ROLE_NORMAL, sel, 0);
		draw_text_right(w, txt, SSO_W);
	} else {
		enum glyph gl = G_DISABLED;
		enum role rl = ROLE_NODATA;
		if (acc != NULL)
			cells_state_show((enum model_state)acc->sso.state, &gl, &rl);
		draw_spaces(w, SSO_W - 1);
		draw_role(w, rl, sel, 0);
		draw_glyph(w, gl);
	}
}

static void
draw_row(struct ui *ui, WINDOW *w, int y, size_t i)
{
	struct grid *g = ui->grid;
	const struct row *r = rows_get(g->rows, i);
	int sel = i == g->sel;
	int name_w = g->id_x - g->name_x - 1;
	int indent = r->depth * 2;

	if (sel)
		draw_clear_line(w, y, ROLE_NORMAL, sel);
	wmove(w, y, 0);
	draw_role(w, ROLE_NORMAL, sel, 0);
	if (sel) {
		draw_role(w, ROLE_KEY, sel, 0);
		draw_glyph(w, G_SELECTED);
	} else {
		waddch(w, ' ');
	}
	if (indent > name_w / 2)
		indent = name_w / 2;
	if (r->kind == ROW_ACCOUNT) {
		const struct model_account *acc = model_account(ui->m, (size_t)r->index);
		enum role nr = ROLE_NORMAL;

		if (acc->changed != 0) {
			draw_role(w, ROLE_CHANGED, sel, 0);
			draw_glyph(w, G_CHANGED);
		} else {
			waddch(w, ' ');
		}
		if (strcmp(acc->status, "ACTIVE") != 0 && acc->status[0] != '\0')
			nr = ROLE_NODATA;
		else if (acc->access.state == MS_DENIED)
			nr = ROLE_DENIED;
		draw_role(w, nr, sel, 0);
		draw_spaces(w, indent);
		draw_text(w, acc->name, name_w - indent, 1);
		wmove(w, y, g->id_x);
		draw_role(w, ROLE_ID, sel, 0);
		draw_text(w, acc->id, ID_W, 1);
	} else {
		const struct model_ou *ou = model_ou(ui->m, (size_t)r->index);
		char cnt[24];
		int used;

		waddch(w, ' ');
		draw_role(w, ROLE_OU, sel, 0);
		draw_spaces(w, indent);
		draw_glyph(w, r->collapsed ? G_CLOSED : G_OPEN);
		waddch(w, ' ');
		snprintf(cnt, sizeof(cnt), " (%u)", r->count);
		used = draw_text(w, ou->name, name_w - indent - 2 - (int)strlen(cnt), 0);
		draw_role(w, ROLE_DIM, sel, 0);
		draw_text(w, cnt, name_w - indent - 2 - used, 0);
	}
	draw_cells(ui, w, y, r, sel);
	draw_right(ui, w, y, r, sel);
}

static void
draw_column_header(struct ui *ui, WINDOW *w)
{
	struct grid *g = ui->grid;
	const char *title = ui->sort == SORT_TREE ? "OU / account" : "account";

	draw_clear_line(w, 0, ROLE_COLUMN, 0);
	wmove(w, 0, g->name_x);
	draw_text(w, title, g->id_x - g->name_x, 0);
	wmove(w, 0, g->id_x);
	draw_text(w, "id", ID_W, 0);
	if (g->left > 0) {
		wmove(w, 0, g->cells_x - 1);
		draw_role(w, ROLE_KEY, 0, 0);
		draw_glyph(w, G_MORE_LEFT);
	}
	wmove(w, 0, g->cells_x);
	for (int i = g->left; i < (int)g->ncols && i < g->left + g->nvis; i++) {
		const char *label = ui->layer == LAYER_SSO ? rows_ps(g->rows, g->cols[i])
		                                           : g->codes[g->cols[i]];
		draw_role(w, i == g->col ? ROLE_CURSOR : ROLE_COLUMN, 0, 0);
		draw_text(w, label, g->cell_w - 1, 1);
		draw_role(w, ROLE_COLUMN, 0, 0);
		waddch(w, ' ');
	}
	if (g->ncols == 0) {
		draw_role(w, ROLE_DIM, 0, 0);
		draw_text(w, ui->layer == LAYER_SSO ? "no permission sets known yet"
		                                    : model_nregions(ui->m) ? "no region matches" :
		                                      "no regions yet", g->right_x - g->cells_x - 1, 0);
	}
	if (g->left + g->nvis < (int)g->ncols) {
		wmove(w, 0, g->right_x - 1);
		draw_role(w, ROLE_KEY, 0, 0);
		draw_glyph(w, G_MORE_RIGHT);
	}
	wmove(w, 0, g->right_x);
	draw_role(w, ROLE_BORDER, 0, 0);
	draw_glyph(w, G_VLINE);
	draw_role(w, ROLE_COLUMN, 0, 0);
	waddch(w, ' ');
	draw_text(w, "budget", g->budget_w, 1);
	waddch(w, ' ');
	draw_text_right(w, "spend", SPEND_W);
	waddch(w, ' ');
	draw_text_right(w, "SSO", SSO_W);
}

static void
grid_draw(struct ui *ui, WINDOW *hdr, WINDOW *body)
{
	struct grid *g = ui->grid;
	int h = getmaxy(body), wdt = getmaxx(body);
	size_t n;

	grid_update(ui);
	n = rows_count(g->rows);
	compute_layout(ui, wdt, h);
	scroll_to_selection(g, n);
	draw_header(ui, hdr);
	draw_column_header(ui, body);
	for (int y = 1; y < h; y++) {
		size_t i = g->top + (size_t)(y - 1);
		if (i >= n)
			break;
		draw_row(ui, body, y, i);
	}
	if (n == 0 && h > 2) {
		wmove(body, 2, g->name_x);
		draw_role(body, ROLE_DIM, 0, 0);
		if (!filter_empty(ui->filter))
			draw_fmt(body, wdt - g->name_x - 1, 0, "nothing matches the filter '%s' (Esc "
			    "clears it)", filter_text(ui->filter));
		else
			draw_text(body, model_naccounts(ui->m) ? "nothing to show" :
			    "waiting for the organization...", wdt - g->name_x - 1, 0);
	}
}

/* --- keys and mouse -------------------------------------------------------------- */

static void
move_sel(struct ui *ui, long delta)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows);
	long s = (long)g->sel + delta;

	if (n == 0)
		return;
	if (s < 0)
		s = 0;
	if ((size_t)s >= n)
		s = (long)n - 1;
	select_row(ui, (size_t)s);
}

static void
toggle_ou(struct ui *ui, int ou)
{
	struct grid *g = ui->grid;

	rows_set_collapsed(g->rows, ui->m, ou, !rows_collapsed(g->rows, ui->m, ou));
	g->need_build = 1;
}

/* What the change record says of account a, in the message line: "name: what; what". */
static void
say_changes(struct ui *ui, size_t a)
{
	const struct model_account *acc = model_account(ui->m, a);
	const char *name = acc->name != NULL ? acc->name : acc->id;
	struct buf line;
	size_t shown = 0, more = 0;

	buf_init(&line);
	for (size_t i = model_nchanges(ui->m); i-- > 0;) { /* the newest first */
		const struct model_change *ch = model_change_at(ui->m, i);

		if (ch == NULL || ch->account != (int)a || ch->text == NULL)
			continue;
		if (line.len > 300) {
			more++; /* the message line is one line */
			continue;
		}
		buf_printf(&line, "%s%s", shown++ > 0 ? "; " : "", ch->text);
	}
	if (shown == 0) /* values that only moved (spend, counts within their band) */
		ui_message(ui, UI_INFO, "%s: values changed (no new findings, compliance flips or "
		    "budget crossings)", name);
	else if (more > 0)
		ui_message(ui, UI_INFO, "%s: %s (and %zu more)", name, line.data, more);
	else
		ui_message(ui, UI_INFO, "%s: %s", name, line.data);
	buf_done(&line);
}

static void
jump_changed(struct ui *ui, int dir)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows);

	for (size_t k = 1; k <= n; k++) {
		size_t i = dir > 0 ? (g->sel + k) % n : (g->sel + n - k % n) % n;
		const struct row *r = rows_get(g->rows, i);
		if (r->kind == ROW_ACCOUNT && model_account(ui->m, (size_t)r->index)->changed != 0) {
			select_row(ui, i);
			say_changes(ui, (size_t)r->index);
			return;
		}
	}
	ui_message(ui, UI_INFO, "no account shown changed in the latest refresh");
}

static void
enter(struct ui *ui)
{
	struct grid *g = ui->grid;
	const struct row *r = rows_get(g->rows, g->sel);

	if (r == NULL)
		return;
	if (r->kind == ROW_OU) {
		toggle_ou(ui, r->index);
		return;
	}
	account_open(ui, (size_t)r->index, grid_selected_region(ui));
}

/* A page move: the view and the selection move together, like less and htop. */
static void
page(struct ui *ui, long delta)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows), vis = g->body_h > 1 ? (size_t)(g->body_h - 1) : 1;
	long top = (long)g->top + delta;

	if (n > vis && top > (long)(n - vis))
		top = (long)(n - vis);
	if (top < 0 || n <= vis)
		top = 0;
	g->top = (size_t)top;
	move_sel(ui, delta);
}

static int
grid_key(struct ui *ui, enum action act, int key)
{
	struct grid *g = ui->grid;
	long rows_page = g->body_h > 2 ? g->body_h - 2 : 1;
	const struct row *r = rows_get(g->rows, g->sel);

	(void)key;
	switch (act) {
	case ACT_UP:
		move_sel(ui, -1);
		break;
	case ACT_DOWN:
		move_sel(ui, 1);
		break;
	case ACT_PAGE_UP:
		page(ui, -rows_page);
		break;
	case ACT_PAGE_DOWN:
		page(ui, rows_page);
		break;
	case ACT_HALF_UP:
		page(ui, -rows_page / 2);
		break;
	case ACT_HALF_DOWN:
		page(ui, rows_page / 2);
		break;
	case ACT_TOP:
		select_row(ui, 0);
		break;
	case ACT_BOTTOM:
		select_row(ui, rows_count(g->rows) ? rows_count(g->rows) - 1 : 0);
		break;
	case ACT_LEFT:
		if (g->col >= 0)
			g->col--;
		break;
	case ACT_RIGHT:
		if (g->col + 1 < (int)g->ncols)
			g->col++;
		break;
	case ACT_FIRST_COLUMN:
		g->col = -1;
		g->left = 0;
		break;
	case ACT_LAST_COLUMN:
		g->col = (int)g->ncols - 1;
		break;
	case ACT_ENTER:
		enter(ui);
		break;
	case ACT_TOGGLE:
		if (r == NULL)
			return 0;
		if (r->kind == ROW_OU) {
			toggle_ou(ui, r->index);
		} else {
			int ou = model_account(ui->m, (size_t)r->index)->ou;
			if (ui->sort != SORT_TREE || ou < 0)
				return 0;
			rows_set_collapsed(g->rows, ui->m, ou, 1);
			g->sel_kind = ROW_OU;
			snprintf(g->sel_id, sizeof(g->sel_id), "%s", model_ou(ui->m, (size_t)ou)->id);
			g->need_build = 1;
		}
		break;
	case ACT_COLLAPSE_ALL:
	case ACT_EXPAND_ALL:
		rows_collapse_all(g->rows, ui->m, act == ACT_COLLAPSE_ALL);
		if (act == ACT_COLLAPSE_ALL && r != NULL && r->kind == ROW_ACCOUNT) {
			int ou = model_account(ui->m, (size_t)r->index)->ou;
			if (ou >= 0) {
				g->sel_kind = ROW_OU;
				snprintf(g->sel_id, sizeof(g->sel_id), "%s", model_ou(ui->m, (size_t)ou)->id);
			}
		}
		g->need_build = 1;
		break;
	case ACT_BACK:
		if (!filter_empty(ui->filter)) {
			char *cause = NULL;
			ui_set_filter(ui, filter_parse("", &cause));
			free(cause);
			ui_message(ui, UI_INFO, "filter cleared");
		} else if (ui->msg != NULL) {
			free(ui->msg);
			ui->msg = NULL;
		} else {
			return 0;
		}
		break;
	case ACT_SORT:
		ui_set_sort(ui, (enum sort_key)((ui->sort + 1) % SORT__COUNT), 0);
		ui_message(ui, UI_INFO, "sort: %s", rows_sort_name(ui->sort));
		break;
	case ACT_SORT_REVERSE:
		ui_set_sort(ui, ui->sort, !ui->sort_reverse);
		break;
	case ACT_REFRESH:
		ui_refresh(ui, -1);
		break;
	case ACT_COPY_ID:
		if (r == NULL || r->kind != ROW_ACCOUNT) {
			ui_message(ui, UI_INFO, "select an account to copy its id");
			return 1;
		}
		ui_copy_id(ui, (size_t)r->index);
		break;
	case ACT_NEXT_CHANGED:
		jump_changed(ui, 1);
		break;
	case ACT_PREV_CHANGED:
		jump_changed(ui, -1);
		break;
	case ACT_NEXT_LAYER:
		ui_set_layer(ui, (enum layer)((ui->layer + 1) % LAYER__COUNT));
		break;
	case ACT_PREV_LAYER:
		ui_set_layer(ui, (enum layer)((ui->layer + LAYER__COUNT - 1) % LAYER__COUNT));
		break;
	case ACT_LAYER_OVERVIEW:
	case ACT_LAYER_COMPLIANCE:
	case ACT_LAYER_GUARDDUTY:
	case ACT_LAYER_SPEND:
	case ACT_LAYER_SSO:
		ui_set_layer(ui, (enum layer)(act - ACT_LAYER_OVERVIEW));
		break;
	default:
		return 0;
	}
	return 1;
}

static int
grid_mouse(struct ui *ui, int y, int x, int event)
{
	struct grid *g = ui->grid;
	size_t n = rows_count(g->rows), i;

	if (event == UI_WHEEL_UP || event == UI_WHEEL_DOWN) {
		move_sel(ui, event == UI_WHEEL_UP ? -3 : 3);
		return 1;
	}
	if (y < 0) {
		for (int l = 0; l < LAYER__COUNT; l++)
			if (x >= g->tab_x[l] && x < g->tab_x[l + 1] - 1) {
				ui_set_layer(ui, (enum layer)l);
				return 1;
			}
		return 0;
	}
	if (x >= g->cells_x && x < g->cells_x + g->nvis * g->cell_w) {
		int c = g->left + (x - g->cells_x) / g->cell_w;
		if (c < (int)g->ncols)
			g->col = c;
	} else if (x < g->cells_x) {
		g->col = -1;
	}
	if (y == 0)
		return 1;
	i = g->top + (size_t)(y - 1);
	if (i >= n)
		return 1;
	select_row(ui, i);
	if (event == UI_DOUBLE_CLICK)
		enter(ui);
	return 1;
}

static void
grid_resize(struct ui *ui)
{
	(void)ui;
}

const struct view_ops grid_view = {
	.name = "grid",
	.scope = KS_GRID,
	.draw = grid_draw,
	.key = grid_key,
	.mouse = grid_mouse,
	.resize = grid_resize,
};
