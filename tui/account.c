/*
 * account.c: the account view.
 */
#include "tui/account.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/cells.h"
#include "tui/doc.h"
#include "tui/draw.h"
#include "tui/glyphs.h"
#include "tui/region.h"
#include "tui/ui.h"

enum section { SEC_COMPLIANCE, SEC_FINDINGS, SEC_BUDGETS, SEC_SPEND, SEC_SSO, SEC__COUNT };

static const char *const section_names[SEC__COUNT] = {
	"Compliance", "Findings", "Budgets", "Spend", "SSO",
};

/* Tags on lines: a finding (>= 0), a region (TAG_REGION + index), or none. */
#define TAG_NONE (-1)
#define TAG_REGION 1000000L

struct acct {
	char id[13];           /* the account shown (found again by id every frame) */
	long a;
	int goto_region;       /* put the cursor on this region's line at the next build */
	size_t cur, top;
	int section;
	struct doc doc;
	char **expanded;       /* finding ids whose description is open */
	size_t nexpanded;
	size_t *order;         /* findings by severity */
	size_t norder;
	int body_h;
	int tab_x[SEC__COUNT + 1];
};

struct acct *
acct_new(void)
{
	struct acct *v = xcalloc(1, sizeof(*v));

	v->a = -1;
	v->goto_region = -1;
	doc_init(&v->doc);
	return v;
}

static void
clear_expanded(struct acct *v)
{
	for (size_t i = 0; i < v->nexpanded; i++)
		free(v->expanded[i]);
	free(v->expanded);
	v->expanded = NULL;
	v->nexpanded = 0;
}

void
acct_free(struct acct *v)
{
	if (v == NULL)
		return;
	doc_done(&v->doc);
	clear_expanded(v);
	free(v->order);
	free(v);
}

long
account_current(struct ui *ui)
{
	return ui_view(ui) == &account_view ? ui->acct->a : -1;
}

void
account_open(struct ui *ui, size_t a, int region)
{
	struct acct *v = ui->acct;
	const struct model_account *acc = model_account(ui->m, a);

	if (acc == NULL)
		return;
	snprintf(v->id, sizeof(v->id), "%s", acc->id);
	v->a = (long)a;
	v->goto_region = region;
	v->cur = v->top = 0;
	v->section = SEC_COMPLIANCE;
	clear_expanded(v);
	ui_push(ui, &account_view);
}

static void
account_enter(struct ui *ui)
{
	struct acct *v = ui->acct;

	if (v->a >= 0 && ui->be != NULL && ui->be->fetch_detail != NULL)
		ui->be->fetch_detail((size_t)v->a, ui->be->arg);
}

static void
account_leave(struct ui *ui)
{
	(void)ui;
}

/* --- building the document ------------------------------------------------------ */

static int
can_fetch(const struct ui *ui)
{
	return ui->be != NULL && ui->be->fetch_detail != NULL;
}

static int
is_expanded(const struct acct *v, const char *id)
{
	for (size_t i = 0; i < v->nexpanded; i++)
		if (strcmp(v->expanded[i], id) == 0)
			return 1;
	return 0;
}

static void
heading(struct doc *d, int sec, const char *title)
{
	doc_line(d, sec, TAG_NONE);
	d->lines[d->nlines - 1].heading = 1;
	doc_add(d, ROLE_HEADING, title);
}

static void
state_note(struct doc *d, const struct model_status *st, const char *what)
{
	enum glyph g;
	enum role r;

	if (st->state == MS_OK)
		return;
	cells_state_show((enum model_state)st->state, &g, &r);
	doc_add(d, ROLE_NORMAL, "   ");
	doc_add(d, r, glyph(g));
	doc_addf(d, r, " %s%s%s", what, what[0] ? " " : "", model_state_name((enum model_state)st->state));
	if (st->reason != NULL) {
		doc_add(d, r, ": ");
		doc_add(d, r, st->reason);
	}
}

static void
build_compliance(struct ui *ui, const struct model_account *acc, const struct model_detail *det)
{
	struct doc *d = &ui->acct->doc;
	size_t nr = model_nregions(ui->m);
	unsigned total_nc = 0, regions_nc = 0;

	for (size_t r = 0; r < nr; r++) {
		const struct model_config *c = &acc->cells[r].config;
		if (cells_has_value(&c->st) && c->noncompliant > 0) {
			total_nc += c->noncompliant;
			regions_nc++;
		}
	}
	heading(d, SEC_COMPLIANCE, "Compliance");
	doc_addf(d, ROLE_DIM, "   %u noncompliant rule%s in %u region%s", total_nc,
	    total_nc == 1 ? "" : "s", regions_nc, regions_nc == 1 ? "" : "s");
	if (det != NULL)
		state_note(d, &det->rules_st, "rule names");
	else if (total_nc > 0 && !can_fetch(ui))
		doc_add(d, ROLE_DIM, "   rule names need a live connection");
	else if (total_nc > 0)
		doc_addf(d, ROLE_DIM, "   %s loading rule names", glyph(G_LOADING));
	doc_line(d, SEC_COMPLIANCE, TAG_NONE);
	doc_addw(d, ROLE_COLUMN, "region", 16);
	doc_addw(d, ROLE_COLUMN, "rules", -6);
	doc_addw(d, ROLE_COLUMN, "noncompliant", -14);
	for (size_t r = 0; r < nr; r++) {
		const struct model_config *c = &acc->cells[r].config;
		char num[32];

		doc_line(d, SEC_COMPLIANCE, TAG_REGION + (long)r);
		doc_addw(d, ROLE_NORMAL, model_region(ui->m, r), 16);
		if (cells_has_value(&c->st)) {
			enum role rr = c->st.state != MS_OK ? ROLE_STALE :
			    c->noncompliant > 0 ? ROLE_BAD : ROLE_OK;
			snprintf(num, sizeof(num), "%u%s", c->compliant + c->noncompliant,
			    (c->st.flags & MF_CAPPED) ? "+" : "");
			doc_addw(d, ROLE_NORMAL, num, -6);
			snprintf(num, sizeof(num), "%s %u%s", glyph(c->noncompliant > 0 ? G_NONCOMPLIANT
			                                                              : G_OK),
			    c->noncompliant, (c->st.flags & MF_CAPPED) && c->noncompliant > 0 ? "+" : "");
			doc_addw(d, rr, num, -14);
			if (c->st.state != MS_OK)
				state_note(d, &c->st, "");
		} else {
			enum glyph g;
			enum role rl;
			cells_state_show((enum model_state)c->st.state, &g, &rl);
			doc_add(d, rl, glyph(g));
			doc_addf(d, rl, " %s", model_state_name((enum model_state)c->st.state));
			if (c->st.reason != NULL) {
				doc_add(d, rl, ": ");
				doc_add(d, rl, c->st.reason);
			}
		}
		for (size_t k = 0; det != NULL && k < det->nrules; k++) {
			const struct model_rule *rule = &det->rules[k];
			if (rule->region != (int)r)
				continue;
			doc_line(d, SEC_COMPLIANCE, TAG_REGION + (long)r);
			doc_add(d, ROLE_NORMAL, "      ");
			doc_add(d, ROLE_BAD, glyph(G_NONCOMPLIANT));
			doc_add(d, ROLE_NORMAL, " ");
			doc_add(d, ROLE_NORMAL, rule->name);
			if (rule->count > 0)
				doc_addf(d, ROLE_DIM, "  (%u%s resource%s)", rule->count,
				    rule->capped ? "+" : "", rule->count == 1 ? "" : "s");
		}
	}
}

static int
cmp_sev(const void *pa, const void *pb, const struct model_detail *det)
{
	double a = det->findings[*(const size_t *)pa].severity;
	double b = det->findings[*(const size_t *)pb].severity;

	if (a != b)
		return a > b ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

static void
order_findings(struct acct *v, const struct model_detail *det)
{
	free(v->order);
	v->norder = det != NULL ? det->nfindings : 0;
	v->order = xcalloc(v->norder + 1, sizeof(size_t));
	for (size_t i = 0; i < v->norder; i++)
		v->order[i] = i;
	/* insertion sort: the top-N lists are short */
	for (size_t i = 1; i < v->norder; i++) {
		size_t x = v->order[i], j = i;
		while (j > 0 && cmp_sev(&v->order[j - 1], &x, det) > 0) {
			v->order[j] = v->order[j - 1];
			j--;
		}
		v->order[j] = x;
	}
}

static void
band_of(double sev, enum glyph *g, enum role *r, const char **name)
{
	if (sev >= 9) {
		*g = G_CRITICAL, *r = ROLE_CRITICAL, *name = "CRIT";
	} else if (sev >= 7) {
		*g = G_HIGH, *r = ROLE_BAD, *name = "HIGH";
	} else if (sev >= 4) {
		*g = G_MEDIUM, *r = ROLE_WARN, *name = "MED";
	} else {
		*g = G_LOW, *r = ROLE_LOW, *name = "LOW";
	}
}

/* Word-wraps text into lines of at most cols columns, each indented by indent. */
static void
wrap(struct doc *d, int sec, long tag, const char *text, int indent, int cols, enum role r)
{
	const char *p = text;
	int width = cols - indent - 2;

	if (width < 20)
		width = 20;
	while (*p != '\0') {
		size_t take = 0, last_space = 0;
		int w = 0;
		char *part;

		while (p[take] != '\0' && w < width) {
			uint32_t cp;
			size_t n = text_utf8_decode(p + take, strlen(p + take), &cp);
			if (p[take] == ' ')
				last_space = take;
			take += n;
			w++;
		}
		if (p[take] != '\0' && last_space > 0)
			take = last_space;
		part = xstrndup(p, take);
		doc_line(d, sec, tag);
		doc_addw(d, ROLE_NORMAL, "", indent);
		doc_add(d, r, part);
		free(part);
		p += take;
		while (*p == ' ')
			p++;
	}
}

static void
build_findings(struct ui *ui, const struct model_account *acc, const struct model_detail *det,
    int cols)
{
	struct acct *v = ui->acct;
	struct doc *d = &v->doc;
	size_t nr = model_nregions(ui->m);
	uint32_t bands[4] = { 0, 0, 0, 0 };
	int known = 0;
	int flex = cols - 1 - (5 + 6 + 16 + 14 + 10) - 4;
	int title_w = flex * 6 / 10, type_w = flex - title_w;

	for (size_t r = 0; r < nr; r++) {
		const struct model_guardduty *g = &acc->cells[r].gd;
		if (!cells_has_value(&g->st))
			continue;
		known = 1;
		bands[0] += g->low;
		bands[1] += g->medium;
		bands[2] += g->high;
		bands[3] += g->critical;
	}
	heading(d, SEC_FINDINGS, "Findings");
	if (known)
		doc_addf(d, ROLE_DIM, "   critical %u %s high %u %s medium %u %s low %u", bands[3],
		    glyph(G_SEP), bands[2], glyph(G_SEP), bands[1], glyph(G_SEP), bands[0]);
	if (det != NULL)
		state_note(d, &det->findings_st, "top findings");
	order_findings(v, det);
	if (det == NULL || (det->nfindings == 0 && !(det->findings_st.flags & MF_HAS_VALUE))) {
		doc_line(d, SEC_FINDINGS, TAG_NONE);
		if (det == NULL && !can_fetch(ui))
			doc_add(d, ROLE_DIM, "   the top findings need a live connection");
		else if (det == NULL || det->findings_st.state == MS_LOADING)
			doc_addf(d, ROLE_DIM, "   %s loading the top findings", glyph(G_LOADING));
		return;
	}
	if (det->nfindings == 0) {
		doc_line(d, SEC_FINDINGS, TAG_NONE);
		doc_add(d, ROLE_OK, "   no findings");
		return;
	}
	if (title_w < 10)
		title_w = 10;
	if (type_w < 8)
		type_w = 8;
	doc_line(d, SEC_FINDINGS, TAG_NONE);
	doc_addw(d, ROLE_COLUMN, "sev", -4);
	doc_addw(d, ROLE_COLUMN, "", 1);
	doc_addw(d, ROLE_COLUMN, "band", 6);
	doc_addw(d, ROLE_COLUMN, "region", 16);
	doc_addw(d, ROLE_COLUMN, "title", title_w + 1);
	doc_addw(d, ROLE_COLUMN, "type", type_w + 1);
	doc_addw(d, ROLE_COLUMN, "resource", 14);
	doc_addw(d, ROLE_COLUMN, "seen", 10);
	for (size_t i = 0; i < v->norder; i++) {
		const struct model_finding *f = &det->findings[v->order[i]];
		enum glyph g;
		enum role r;
		const char *bn;
		char sev[16], age[24];

		band_of(f->severity, &g, &r, &bn);
		doc_line(d, SEC_FINDINGS, (long)v->order[i]);
		snprintf(sev, sizeof(sev), "%.1f", f->severity);
		doc_addw(d, r, sev, -4);
		doc_add(d, ROLE_NORMAL, " ");
		doc_add(d, r, glyph(g));
		doc_addw(d, r, bn, 5);
		doc_addw(d, ROLE_NORMAL, f->region >= 0 && (size_t)f->region < nr ?
		    model_region(ui->m, (size_t)f->region) : "-", 16);
		doc_addw(d, ROLE_NORMAL, f->title, title_w + 1);
		doc_addw(d, ROLE_DIM, f->type, type_w + 1);
		doc_addw(d, ROLE_ID, f->resource, 14);
		ui_age(ui->now, f->updated_at, age, sizeof(age));
		doc_addf(d, ROLE_DIM, "%s ago", age);
		if (f->id != NULL && is_expanded(v, f->id)) {
			char *meta = xasprintf("type %s %s count %u %s id %s",
			    f->type != NULL ? f->type : "-", glyph(G_SEP), f->count, glyph(G_SEP), f->id);
			wrap(d, SEC_FINDINGS, (long)v->order[i], f->title != NULL ? f->title : "", 6, cols,
			    ROLE_HEADING);
			wrap(d, SEC_FINDINGS, (long)v->order[i], f->description != NULL &&
			    f->description[0] ? f->description : "(no description)", 6, cols, ROLE_NORMAL);
			wrap(d, SEC_FINDINGS, (long)v->order[i], meta, 6, cols, ROLE_DIM);
			free(meta);
		}
	}
}

static void
money(const char *unit, double v, char *out, size_t len)
{
	/* 1,234.56 with the unit's symbol for USD */
	long long cents = llround(fabs(v) * 100);
	long long whole = cents / 100;
	char digits[32], grouped[48];
	int n, g = 0;

	snprintf(digits, sizeof(digits), "%lld", whole);
	n = (int)strlen(digits);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (strcmp(unit, "USD") == 0)
		snprintf(out, len, "%s$%s.%02lld", v < 0 ? "-" : "", grouped, cents % 100);
	else
		snprintf(out, len, "%s%s.%02lld %s", v < 0 ? "-" : "", grouped, cents % 100, unit);
}

/*
 * Days until the budget's limit at the current rate: 0 when already over,
 * < 0 when unknown, > *left (the days left in the period) when it holds.
 */
static double
days_to_limit(const struct model_budget *b, double now, double *left)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	time_t t = (time_t)now;
	struct tm tm;
	double elapsed, period;
	int y;

	*left = -1;
	if (b->limit <= 0 || b->actual <= 0 || gmtime_r(&t, &tm) == NULL)
		return -1;
	y = tm.tm_year + 1900;
	if (strcmp(b->time_unit, "ANNUALLY") == 0) {
		elapsed = tm.tm_yday + tm.tm_hour / 24.0;
		period = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
	} else if (strcmp(b->time_unit, "QUARTERLY") == 0) {
		elapsed = (tm.tm_mon % 3) * 30.4 + tm.tm_mday - 1 + tm.tm_hour / 24.0;
		period = 91.3;
	} else if (strcmp(b->time_unit, "DAILY") == 0) {
		elapsed = tm.tm_hour / 24.0 + tm.tm_min / 1440.0;
		period = 1;
	} else {
		elapsed = tm.tm_mday - 1 + tm.tm_hour / 24.0 + tm.tm_min / 1440.0;
		period = mdays[tm.tm_mon] + (tm.tm_mon == 1 && y % 4 == 0 &&
		    (y % 100 != 0 || y % 400 == 0));
	}
	*left = period - elapsed;
	if (b->actual >= b->limit)
		return 0;
	if (elapsed < 0.01)
		return -1;
	return (b->limit - b->actual) / (b->actual / elapsed);
}

static void
bar(struct doc *d, double frac, int width, enum role r, int show_empty)
{
	char tmp[256];
	size_t n = 0;
	int full = (int)(frac * width);

	if (full > width)
		full = width;
	if (full < 0)
		full = 0;
	for (int i = 0; i < width && n + 4 < sizeof(tmp); i++) {
		const char *g = i < full ? glyph(G_BAR_FULL) : show_empty ? glyph(G_BAR_EMPTY) : " ";
		size_t l = strlen(g);
		memcpy(tmp + n, g, l);
		n += l;
	}
	tmp[n] = '\0';
	doc_add(d, r, tmp);
}

static void
build_budgets(struct ui *ui, const struct model_account *acc)
{
	struct doc *d = &ui->acct->doc;

	heading(d, SEC_BUDGETS, "Budgets");
	state_note(d, &acc->budget, "");
	if (!cells_has_value(&acc->budget))
		return;
	if (acc->nbudgets == 0) {
		doc_line(d, SEC_BUDGETS, TAG_NONE);
		doc_add(d, ROLE_DIM, "   no budgets in this account");
		return;
	}
	for (size_t i = 0; i < acc->nbudgets; i++) {
		const struct model_budget *b = &acc->budgets[i];
		double burn = model_budget_burn(b), fb = model_budget_forecast_burn(b);
		double warn = model_budget_warn(ui->m), crit = model_budget_crit(ui->m);
		enum role br = acc->budget.state != MS_OK ? ROLE_STALE : burn >= crit ? ROLE_CRITICAL :
		    burn >= warn ? ROLE_WARN : ROLE_OK;
		char amt[96], days_txt[48];
		double left, days = days_to_limit(b, ui->now, &left);

		doc_line(d, SEC_BUDGETS, TAG_NONE);
		doc_add(d, ROLE_NORMAL, "   ");
		doc_addw(d, ROLE_NORMAL, b->name, 20);
		money(b->unit, b->limit, amt, sizeof(amt));
		doc_add(d, ROLE_DIM, " limit ");
		doc_addw(d, ROLE_NORMAL, amt, -12);
		money(b->unit, b->actual, amt, sizeof(amt));
		doc_add(d, ROLE_DIM, "  actual ");
		doc_addw(d, ROLE_NORMAL, amt, -12);
		doc_add(d, ROLE_NORMAL, "  ");
		bar(d, burn >= 0 ? burn / 100 : 0, 10, br, 1);
		if (burn >= 0)
			doc_addf(d, br, " %3.0f%%", burn);
		if (b->has_forecast) {
			money(b->unit, b->forecast, amt, sizeof(amt));
			doc_add(d, ROLE_DIM, "  forecast ");
			doc_add(d, ROLE_NORMAL, amt);
			if (fb >= 0)
				doc_addf(d, fb > crit ? ROLE_CRITICAL : fb >= warn ? ROLE_WARN : ROLE_DIM,
				    " (%.0f%%)", fb);
		}
		days_txt[0] = '\0';
		if (days == 0)
			snprintf(days_txt, sizeof(days_txt), "  over the limit");
		else if (days > 0 && left >= 0 && days > left)
			snprintf(days_txt, sizeof(days_txt), "  holds this period at this rate");
		else if (days > 0 && days < 1)
			snprintf(days_txt, sizeof(days_txt), "  limit in ~%.0f h", days * 24 < 1 ? 1 :
			    days * 24);
		else if (days >= 1)
			snprintf(days_txt, sizeof(days_txt), "  limit in ~%.0f day%s", days,
			    days < 1.5 ? "" : "s");
		if (days_txt[0] != '\0')
			doc_add(d, days > 0 && left >= 0 && days > left ? ROLE_OK : days < 7 ?
			    ROLE_CRITICAL : ROLE_WARN, days_txt);
	}
}

static void
build_spend(struct ui *ui, const struct model_account *acc, int cols)
{
	struct doc *d = &ui->acct->doc;
	size_t nr = model_nregions(ui->m), *idx, n = 0, zero = 0, unknown = 0;
	double max = 0, total = 0;
	const char *unit = model_currency(ui->m);
	char amt[96];
	int bw = cols - 1 - 3 - 16 - 2 - 16;
	enum model_state ust = MS_LOADING;

	if (bw > 40)
		bw = 40;
	if (bw < 5)
		bw = 5;
	idx = xcalloc(nr + 1, sizeof(size_t));
	for (size_t r = 0; r < nr; r++) {
		const struct model_spend *s = &acc->cells[r].spend;
		if (!cells_has_value(&s->st)) {
			unknown++;
			ust = (enum model_state)s->st.state;
			continue;
		}
		total += s->amount;
		if (s->amount < 0.005) {
			zero++;
			continue;
		}
		if (s->amount > max)
			max = s->amount;
		/* insertion by amount, largest first */
		{
			size_t j = n++;
			while (j > 0 && acc->cells[idx[j - 1]].spend.amount < s->amount) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = r;
		}
	}
	heading(d, SEC_SPEND, "Spend (month to date)");
	if (nr > unknown) {
		money(unit, total, amt, sizeof(amt));
		doc_addf(d, ROLE_DIM, "   total %s", amt);
	}
	for (size_t i = 0; i < n; i++) {
		const struct model_spend *s = &acc->cells[idx[i]].spend;
		doc_line(d, SEC_SPEND, TAG_REGION + (long)idx[i]);
		doc_add(d, ROLE_NORMAL, "   ");
		doc_addw(d, ROLE_NORMAL, model_region(ui->m, idx[i]), 16);
		bar(d, max > 0 ? s->amount / max : 0, bw, s->st.state == MS_OK ? ROLE_BAR : ROLE_STALE, 0);
		money(unit, s->amount, amt, sizeof(amt));
		doc_addw(d, s->st.state == MS_OK ? ROLE_NORMAL : ROLE_STALE, amt, -16);
	}
	if (zero > 0) {
		doc_line(d, SEC_SPEND, TAG_NONE);
		doc_addf(d, ROLE_DIM, "   %zu region%s with no spend", zero, zero == 1 ? "" : "s");
	}
	if (unknown > 0) {
		enum glyph g;
		enum role r;
		cells_state_show(ust, &g, &r);
		doc_line(d, SEC_SPEND, TAG_NONE);
		doc_add(d, ROLE_NORMAL, "   ");
		doc_add(d, r, glyph(g));
		doc_addf(d, r, " spend not known for %zu region%s (%s)", unknown,
		    unknown == 1 ? "" : "s", model_state_name(ust));
	}
	free(idx);
}

static int
cmp_assign(const void *pa, const void *pb)
{
	const struct model_assignment *a = *(const struct model_assignment *const *)pa;
	const struct model_assignment *b = *(const struct model_assignment *const *)pb;
	int c = strcmp(a->permission_set ? a->permission_set : "", b->permission_set ?
	    b->permission_set : "");

	if (c != 0)
		return c;
	if (a->principal_type != b->principal_type)
		return a->principal_type > b->principal_type ? -1 : 1; /* groups first */
	return strcmp(a->principal ? a->principal : "", b->principal ? b->principal : "");
}

static void
build_sso(struct ui *ui, const struct model_account *acc, int cols)
{
	struct doc *d = &ui->acct->doc;
	const struct model_assignment **v;
	size_t n = acc->nassignments;

	heading(d, SEC_SSO, "SSO");
	if (cells_has_value(&acc->sso))
		doc_addf(d, ROLE_DIM, "   %zu assignment%s", n, n == 1 ? "" : "s");
	state_note(d, &acc->sso, "");
	if (!cells_has_value(&acc->sso))
		return;
	if (n == 0) {
		doc_line(d, SEC_SSO, TAG_NONE);
		doc_add(d, ROLE_DIM, "   no permission sets assigned");
		return;
	}
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = &acc->assignments[i];
	qsort(v, n, sizeof(*v), cmp_assign);
	for (size_t i = 0; i < n;) {
		const char *ps = v[i]->permission_set ? v[i]->permission_set : "?";
		int w;
		size_t j = i;

		doc_line(d, SEC_SSO, TAG_NONE);
		doc_add(d, ROLE_NORMAL, "   ");
		doc_addw(d, ROLE_HEADING, ps, 28);
		w = 3 + 28;
		for (; j < n && strcmp(v[j]->permission_set ? v[j]->permission_set : "?", ps) == 0; j++) {
			const char *kind = v[j]->principal_type == MP_GROUP ? "GROUP " : "USER ";
			int need = (int)strlen(kind) + draw_width(v[j]->principal) + 3;
			if (j > i && w + need > cols - 2) {
				doc_line(d, SEC_SSO, TAG_NONE);
				doc_addw(d, ROLE_NORMAL, "", 31);
				w = 31;
			} else if (j > i) {
				doc_add(d, ROLE_DIM, " ");
				doc_add(d, ROLE_DIM, glyph(G_SEP));
				doc_add(d, ROLE_DIM, " ");
			}
			doc_add(d, ROLE_DIM, kind);
			doc_add(d, ROLE_NORMAL, v[j]->principal != NULL ? v[j]->principal : "?");
			w += need;
		}
		i = j;
	}
	free(v);
}

static const struct model_account *
current(struct ui *ui)
{
	struct acct *v = ui->acct;
	int a = model_account_find(ui->m, v->id);

	v->a = a;
	return a >= 0 ? model_account(ui->m, (size_t)a) : NULL;
}

static void
build(struct ui *ui, const struct model_account *acc, int cols)
{
	struct acct *v = ui->acct;
	const struct model_detail *det = model_detail(ui->m, (size_t)v->a);

	doc_reset(&v->doc);
	build_compliance(ui, acc, det);
	doc_line(&v->doc, SEC_COMPLIANCE, TAG_NONE);
	build_findings(ui, acc, det, cols);
	doc_line(&v->doc, SEC_FINDINGS, TAG_NONE);
	build_budgets(ui, acc);
	doc_line(&v->doc, SEC_BUDGETS, TAG_NONE);
	build_spend(ui, acc, cols);
	doc_line(&v->doc, SEC_SPEND, TAG_NONE);
	build_sso(ui, acc, cols);
	if (v->goto_region >= 0) {
		for (size_t i = 0; i < v->doc.nlines; i++) {
			if (v->doc.lines[i].section == SEC_COMPLIANCE &&
			    v->doc.lines[i].tag == TAG_REGION + v->goto_region) {
				v->cur = i;
				break;
			}
		}
		v->goto_region = -1;
	}
	if (v->doc.nlines > 0 && v->cur >= v->doc.nlines)
		v->cur = v->doc.nlines - 1;
	if (v->doc.nlines > 0)
		v->section = v->doc.lines[v->cur].section;
}

/* --- drawing ---------------------------------------------------------------------- */

static void
draw_title(struct ui *ui, WINDOW *hdr, const struct model_account *acc)
{
	int cols = getmaxx(hdr);
	const char *hint = "Esc back  r refresh  y copy id  Enter details ";
	int hw = (int)strlen(hint);
	char clock[8];
	time_t t = (time_t)ui->now;
	struct tm tm;

	draw_clear_line(hdr, 0, ROLE_HEADER, 0);
	wmove(hdr, 0, 0);
	draw_text(hdr, " orgtop ", 8, 0);
	draw_glyph(hdr, G_SELECTED);
	waddch(hdr, ' ');
	draw_text(hdr, acc->name, cols / 2 - 24 > 10 ? cols / 2 - 24 : 10, 0);
	draw_text(hdr, " (", 2, 0);
	draw_text(hdr, acc->id, 12, 0);
	draw_text(hdr, ")", 1, 0);
	if (cols - hw - 7 > getcurx(hdr) + 2) {
		wmove(hdr, 0, cols - hw - 7);
		draw_role(hdr, ROLE_TAB, 0, 0);
		draw_text(hdr, hint, hw, 0);
	}
	if (localtime_r(&t, &tm) != NULL) {
		strftime(clock, sizeof(clock), "%H:%M", &tm);
		wmove(hdr, 0, cols - 6);
		draw_role(hdr, ROLE_HEADER, 0, 0);
		draw_text(hdr, clock, 5, 0);
	}
}

static double
oldest_value(const struct model *m, const struct model_account *acc)
{
	double newest = 0;
	size_t nr = model_nregions(m);

	for (size_t r = 0; r < nr; r++) {
		const struct model_cell *c = &acc->cells[r];
		if ((c->config.st.flags & MF_HAS_VALUE) && c->config.st.fetched_at > newest)
			newest = c->config.st.fetched_at;
		if ((c->gd.st.flags & MF_HAS_VALUE) && c->gd.st.fetched_at > newest)
			newest = c->gd.st.fetched_at;
	}
	return newest;
}

static void
draw_info(struct ui *ui, WINDOW *w, const struct model_account *acc)
{
	struct acct *v = ui->acct;
	int cols = getmaxx(w), x;
	const struct model_ou *ou = acc->ou >= 0 && (size_t)acc->ou < model_nous(ui->m) ?
	    model_ou(ui->m, (size_t)acc->ou) : NULL;
	struct buf line;
	char joined[32] = "", age[24];
	double t = oldest_value(ui->m, acc);

	buf_init(&line);
	buf_printf(&line, "%s %s %s %s %s", acc->email != NULL ? acc->email : "?", glyph(G_SEP),
	    ou != NULL ? ou->path : "(OU unknown)", glyph(G_SEP), acc->status[0] ? acc->status : "?");
	if (acc->joined > 0) {
		util_format_iso8601((time_t)acc->joined, joined, sizeof(joined));
		joined[10] = '\0';
		buf_printf(&line, " since %s", joined);
	}
	if (acc->access.state == MS_OK)
		buf_printf(&line, " %s via %s", glyph(G_SEP), acc->role != NULL ? acc->role :
		    "the caller's own credentials");
	draw_clear_line(w, 0, ROLE_NORMAL, 0);
	wmove(w, 0, 1);
	draw_role(w, ROLE_DIM, 0, 0);
	draw_text(w, line.data, cols - 2, 0);
	buf_done(&line);
	if (acc->access.state != MS_OK && acc->access.state != MS_LOADING) {
		enum glyph g;
		enum role r;
		int used = getcurx(w);
		cells_state_show((enum model_state)acc->access.state, &g, &r);
		if (used + 10 < cols) {
			draw_role(w, r, 0, 0);
			draw_text(w, "  ", 2, 0);
			draw_glyph(w, g);
			draw_fmt(w, cols - used - 4, 0, " access %s%s%s",
			    model_state_name((enum model_state)acc->access.state),
			    acc->access.reason ? ": " : "", acc->access.reason ? acc->access.reason : "");
		}
	}
	/* tabs */
	draw_clear_line(w, 1, ROLE_NORMAL, 0);
	x = 1;
	for (int s = 0; s < SEC__COUNT; s++) {
		char label[24];
		int active = s == v->section;
		snprintf(label, sizeof(label), "%s%s%s", active ? "[" : " ", section_names[s],
		    active ? "]" : " ");
		v->tab_x[s] = x;
		wmove(w, 1, x);
		draw_role(w, active ? ROLE_TAB_ACTIVE : ROLE_TAB, 0, 0);
		x += draw_text(w, label, cols - x, 0);
		draw_role(w, ROLE_NORMAL, 0, 0);
		waddch(w, ' ');
		x++;
	}
	v->tab_x[SEC__COUNT] = x;
	ui_age(ui->now, t, age, sizeof(age));
	if (t > 0 && x + 20 < cols) {
		char txt[40];
		snprintf(txt, sizeof(txt), "data %s old", age);
		wmove(w, 1, cols - 1 - (int)strlen(txt));
		draw_role(w, ROLE_DIM, 0, 0);
		draw_text(w, txt, (int)strlen(txt), 0);
	}
}

static void
account_draw(struct ui *ui, WINDOW *hdr, WINDOW *body)
{
	struct acct *v = ui->acct;
	const struct model_account *acc = current(ui);
	int h = getmaxy(body), cols = getmaxx(body), vis;

	if (acc == NULL) {
		ui_message(ui, UI_WARN, "account %s is no longer in the organization", v->id);
		ui_pop(ui);
		ui_view(ui)->draw(ui, hdr, body);
		return;
	}
	build(ui, acc, cols);
	draw_title(ui, hdr, acc);
	draw_info(ui, body, acc);
	vis = h - 2;
	v->body_h = vis;
	if (vis <= 0)
		return;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + (size_t)vis)
		v->top = v->cur - (size_t)vis + 1;
	if (v->doc.nlines <= (size_t)vis)
		v->top = 0;
	for (int y = 0; y < vis; y++) {
		size_t i = v->top + (size_t)y;
		if (i >= v->doc.nlines)
			break;
		doc_draw_line(&v->doc, i, body, y + 2, cols, i == v->cur);
	}
}

/* --- keys ------------------------------------------------------------------------ */

static void
goto_section(struct acct *v, int sec)
{
	for (size_t i = 0; i < v->doc.nlines; i++) {
		if (v->doc.lines[i].heading && v->doc.lines[i].section == sec) {
			v->cur = i;
			v->top = i;
			v->section = sec;
			return;
		}
	}
}

static void
toggle_finding(struct ui *ui)
{
	struct acct *v = ui->acct;
	const struct model_detail *det = model_detail(ui->m, (size_t)v->a);
	long tag;
	const char *id;

	if (v->cur >= v->doc.nlines)
		return;
	tag = v->doc.lines[v->cur].tag;
	if (v->doc.lines[v->cur].section != SEC_FINDINGS || tag < 0 || det == NULL ||
	    (size_t)tag >= det->nfindings)
		return;
	id = det->findings[tag].id != NULL ? det->findings[tag].id : "";
	for (size_t i = 0; i < v->nexpanded; i++) {
		if (strcmp(v->expanded[i], id) == 0) {
			free(v->expanded[i]);
			v->expanded[i] = v->expanded[--v->nexpanded];
			return;
		}
	}
	v->expanded = xreallocarray(v->expanded, v->nexpanded + 1, sizeof(char *));
	v->expanded[v->nexpanded++] = xstrdup(id);
	/* keep the cursor on the finding's own line */
	while (v->cur > 0 && v->doc.lines[v->cur - 1].tag == tag)
		v->cur--;
}

static void
cursor_move(struct acct *v, long delta)
{
	long c = (long)v->cur + delta;

	if (c < 0)
		c = 0;
	if (v->doc.nlines > 0 && (size_t)c >= v->doc.nlines)
		c = (long)v->doc.nlines - 1;
	v->cur = (size_t)c;
	if (v->doc.nlines > 0)
		v->section = v->doc.lines[v->cur].section;
}

/* The view and the cursor move together by a page. */
static void
page_move(struct acct *v, long delta)
{
	size_t vis = v->body_h > 0 ? (size_t)v->body_h : 1;
	long top = (long)v->top + delta;

	if (v->doc.nlines > vis && top > (long)(v->doc.nlines - vis))
		top = (long)(v->doc.nlines - vis);
	if (top < 0 || v->doc.nlines <= vis)
		top = 0;
	v->top = (size_t)top;
	cursor_move(v, delta);
}

static int
account_key(struct ui *ui, enum action act, int key)
{
	struct acct *v = ui->acct;
	long page = v->body_h > 1 ? v->body_h - 1 : 1;

	(void)key;
	switch (act) {
	case ACT_UP:
		cursor_move(v, -1);
		break;
	case ACT_DOWN:
		cursor_move(v, 1);
		break;
	case ACT_PAGE_UP:
		page_move(v, -page);
		break;
	case ACT_PAGE_DOWN:
		page_move(v, page);
		break;
	case ACT_HALF_UP:
		page_move(v, -page / 2);
		break;
	case ACT_HALF_DOWN:
		page_move(v, page / 2);
		break;
	case ACT_TOP:
		cursor_move(v, -(long)v->doc.nlines);
		break;
	case ACT_BOTTOM:
		cursor_move(v, (long)v->doc.nlines);
		break;
	case ACT_BACK:
		ui_pop(ui);
		break;
	case ACT_ENTER:
		toggle_finding(ui);
		break;
	case ACT_REFRESH:
		if (v->a >= 0)
			ui_refresh(ui, v->a);
		break;
	case ACT_COPY_ID:
		if (v->a >= 0)
			ui_copy_id(ui, (size_t)v->a);
		break;
	case ACT_NEXT_LAYER:
		goto_section(v, (v->section + 1) % SEC__COUNT);
		break;
	case ACT_PREV_LAYER:
		goto_section(v, (v->section + SEC__COUNT - 1) % SEC__COUNT);
		break;
	case ACT_SECTION_1:
	case ACT_SECTION_2:
	case ACT_SECTION_3:
	case ACT_SECTION_4:
	case ACT_SECTION_5:
		goto_section(v, act - ACT_SECTION_1);
		break;
	default:
		return 0;
	}
	return 1;
}

static int
account_mouse(struct ui *ui, int y, int x, int event)
{
	struct acct *v = ui->acct;
	size_t i;

	if (event == UI_WHEEL_UP || event == UI_WHEEL_DOWN) {
		cursor_move(v, event == UI_WHEEL_UP ? -3 : 3);
		return 1;
	}
	if (y == 1) {
		for (int s = 0; s < SEC__COUNT; s++)
			if (x >= v->tab_x[s] && x < v->tab_x[s + 1]) {
				goto_section(v, s);
				return 1;
			}
		return 0;
	}
	if (y < 2)
		return 0;
	i = v->top + (size_t)(y - 2);
	if (i >= v->doc.nlines)
		return 0;
	v->cur = i;
	v->section = v->doc.lines[i].section;
	if (event == UI_DOUBLE_CLICK)
		toggle_finding(ui);
	return 1;
}

const struct view_ops account_view = {
	.name = "account",
	.scope = KS_ACCOUNT,
	.enter = account_enter,
	.leave = account_leave,
	.draw = account_draw,
	.key = account_key,
	.mouse = account_mouse,
};
