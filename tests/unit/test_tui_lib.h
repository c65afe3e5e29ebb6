/*
 * test_tui_lib.h: helpers shared by the TUI's cmocka suites (included, not
 * linked): a small organization built through the model's setters, and a
 * curses screen on /dev/null of a fixed size that can be read back.
 */
#ifndef ORGTOP_TEST_TUI_LIB_H
#define ORGTOP_TEST_TUI_LIB_H

#include <curses.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/xmalloc.h"

#define T_UNUSED __attribute__((unused))

#define T_NOW 1796000000.0 /* a fixed "now" for drawing (2026-11-29) */

static const char *const t_regions[] = {
	"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "sa-east-1",
};
#define T_NREGIONS (sizeof(t_regions) / sizeof(t_regions[0]))

/* OU indices of t_org(). */
struct t_org {
	int root, security, workloads, emea, de, sandbox;
	int hq, sec_tool, de_prod, de_stage, sandbox1, suspended;
};

static T_UNUSED void
t_budget(struct model *m, size_t a, const char *name, double limit, double actual,
    double forecast)
{
	struct model_budget *b = xcalloc(1, sizeof(*b));

	b->name = xstrdup(name);
	b->limit = limit;
	b->actual = actual;
	b->forecast = forecast;
	b->has_forecast = forecast >= 0;
	snprintf(b->unit, sizeof(b->unit), "USD");
	snprintf(b->time_unit, sizeof(b->time_unit), "MONTHLY");
	model_set_budgets(m, a, b, 1, T_NOW - 60);
}

static T_UNUSED void
t_sso(struct model *m, size_t a, int n)
{
	struct model_assignment *as = xcalloc((size_t)n, sizeof(*as));

	for (int i = 0; i < n; i++) {
		char who[32];
		snprintf(who, sizeof(who), "user%d@corp.example", i);
		as[i].permission_set = model_intern(m, i % 2 ? "ReadOnlyAccess" : "AdministratorAccess");
		as[i].principal_type = i % 3 == 0 ? MP_GROUP : MP_USER;
		as[i].principal = model_intern(m, i % 3 == 0 ? "Platform Admins" : who);
		as[i].principal_id = model_intern(m, who);
	}
	model_set_sso(m, a, as, (size_t)n, T_NOW - 60);
}

/*
 * The organization of the SCREENS.md sketch, smaller:
 *   Root: hq-management (111111111111)
 *   Security: security-tooling (222222222222)
 *   Workloads/EMEA/DE: de-payments-prod (333333333333), de-payments-stage (333333333334)
 *   Sandbox: sandbox-1 (444444444444, everything loading), old-one (555555555555, SUSPENDED)
 */
static T_UNUSED struct model *
t_org(struct t_org *o)
{
	struct model *m = model_new();
	uint32_t none[4] = { 0, 0, 0, 0 }, med[4] = { 3, 2, 0, 0 }, high[4] = { 1, 0, 3, 0 };
	uint32_t crit[4] = { 0, 0, 0, 2 };
	double at = T_NOW - 60;

	model_set_org(m, "o-7hx2k9", "111111111111");
	model_set_regions(m, t_regions, T_NREGIONS);
	o->root = model_ou_upsert(m, "r-ab12", "Root", -1);
	o->security = model_ou_upsert(m, "ou-ab12-11111111", "Security", o->root);
	o->workloads = model_ou_upsert(m, "ou-ab12-22222222", "Workloads", o->root);
	o->emea = model_ou_upsert(m, "ou-ab12-33333333", "EMEA", o->workloads);
	o->de = model_ou_upsert(m, "ou-ab12-44444444", "DE", o->emea);
	o->sandbox = model_ou_upsert(m, "ou-ab12-55555555", "Sandbox", o->root);
	o->hq = model_account_upsert(m, "111111111111", "hq-management", "aws+hq@corp.example",
	    "ACTIVE", o->root, 1500000000);
	o->sec_tool = model_account_upsert(m, "222222222222", "security-tooling",
	    "aws+sec@corp.example", "ACTIVE", o->security, 1500000000);
	o->de_prod = model_account_upsert(m, "333333333333", "de-payments-prod",
	    "aws+de-pay-prod@corp.example", "ACTIVE", o->de, 1614848400);
	o->de_stage = model_account_upsert(m, "333333333334", "de-payments-stage",
	    "aws+de-pay-stage@corp.example", "ACTIVE", o->de, 1614848400);
	o->sandbox1 = model_account_upsert(m, "444444444444", "sandbox-1", "aws+sb1@corp.example",
	    "ACTIVE", o->sandbox, 0);
	o->suspended = model_account_upsert(m, "555555555555", "old-one", "aws+old@corp.example",
	    "SUSPENDED", o->sandbox, 0);
	for (size_t r = 0; r < T_NREGIONS; r++) {
		/* hq: all ok, spend 100 per region */
		model_set_config(m, (size_t)o->hq, r, 40, 0, 0, at);
		model_set_guardduty(m, (size_t)o->hq, r, none, 0, at);
		model_set_spend(m, (size_t)o->hq, r, 100, at);
		/* security-tooling: 2 noncompliant in eu-west-1, medium findings in us-east-1 */
		model_set_config(m, (size_t)o->sec_tool, r, 41, r == 2 ? 2 : 0, 0, at);
		model_set_guardduty(m, (size_t)o->sec_tool, r, r == 0 ? med : none, r == 0 ? 5.0 : 0, at);
		model_set_spend(m, (size_t)o->sec_tool, r, 10, at);
		/* de accounts: SCP denies outside eu-* */
		if (r == 2 || r == 3) {
			model_set_config(m, (size_t)o->de_prod, r, 41, r == 3 ? 3 : 0, 0, at);
			model_set_guardduty(m, (size_t)o->de_prod, r, r == 3 ? high : none,
			    r == 3 ? 8.8 : 0, at);
			model_set_spend(m, (size_t)o->de_prod, r, r == 3 ? 812.1 : 98.2, at);
			model_set_config(m, (size_t)o->de_stage, r, 41, r == 2 ? 1 : 0, 0, at);
			model_set_guardduty(m, (size_t)o->de_stage, r, r == 2 ? crit : none,
			    r == 2 ? 9.5 : 0, at);
			model_set_spend(m, (size_t)o->de_stage, r, 5, at);
		} else {
			model_set_state(m, (size_t)o->de_prod, (int)r, MI_CONFIG, MS_DENIED,
			    "explicit deny in a service control policy", at);
			model_set_state(m, (size_t)o->de_prod, (int)r, MI_GUARDDUTY, MS_DENIED,
			    "explicit deny in a service control policy", at);
			model_set_state(m, (size_t)o->de_stage, (int)r, MI_CONFIG, MS_DENIED,
			    "explicit deny in a service control policy", at);
			model_set_state(m, (size_t)o->de_stage, (int)r, MI_GUARDDUTY, MS_DENIED,
			    "explicit deny in a service control policy", at);
			model_set_spend(m, (size_t)o->de_prod, r, 0, at);
			model_set_spend(m, (size_t)o->de_stage, r, 0, at);
		}
		/* sa-east-1 is an opt-in region off for hq */
		/* suspended: disabled everywhere */
		model_set_state(m, (size_t)o->suspended, (int)r, MI_CONFIG, MS_DISABLED,
		    "account SUSPENDED", at);
		model_set_state(m, (size_t)o->suspended, (int)r, MI_GUARDDUTY, MS_DISABLED,
		    "account SUSPENDED", at);
	}
	model_set_access(m, (size_t)o->hq, NULL, at);
	model_set_access(m, (size_t)o->sec_tool, "OrganizationAccountAccessRole", at);
	model_set_access(m, (size_t)o->de_prod, "OrganizationAccountAccessRole", at);
	model_set_access(m, (size_t)o->de_stage, "OrganizationAccountAccessRole", at);
	model_set_state(m, (size_t)o->suspended, -1, MI_ACCESS, MS_DISABLED, "account SUSPENDED", at);
	model_set_state(m, (size_t)o->suspended, -1, MI_BUDGET, MS_DISABLED, "account SUSPENDED", at);
	model_set_state(m, (size_t)o->suspended, -1, MI_SSO, MS_DISABLED, "account SUSPENDED", at);
	model_set_state(m, (size_t)o->suspended, -1, MI_SPEND, MS_DISABLED, "account SUSPENDED", at);
	model_set_state(m, (size_t)o->hq, 5, MI_CONFIG, MS_REGION_OFF, "region not enabled", at);
	model_set_state(m, (size_t)o->hq, 5, MI_GUARDDUTY, MS_REGION_OFF, "region not enabled", at);
	t_budget(m, (size_t)o->hq, "monthly", 1000, 620, 810);
	t_budget(m, (size_t)o->sec_tool, "monthly", 1000, 380, 490);
	t_budget(m, (size_t)o->de_prod, "monthly-total", 1000, 950, 1240);
	t_budget(m, (size_t)o->de_stage, "monthly", 1000, 710, 880);
	t_sso(m, (size_t)o->hq, 14);
	t_sso(m, (size_t)o->sec_tool, 6);
	t_sso(m, (size_t)o->de_prod, 7);
	t_sso(m, (size_t)o->de_stage, 5);
	model_clear_changes(m);
	return m;
}

/* --- a curses screen on /dev/null ------------------------------------------------- */

static SCREEN *t_scr T_UNUSED;
static FILE *t_out, *t_in;

static T_UNUSED void
t_screen_open(int cols, int rows)
{
	char c[16], l[16];

	setlocale(LC_ALL, "C.UTF-8");
	snprintf(c, sizeof(c), "%d", cols);
	snprintf(l, sizeof(l), "%d", rows);
	setenv("COLUMNS", c, 1);
	setenv("LINES", l, 1);
	t_out = fopen("/dev/null", "w");
	t_in = fopen("/dev/null", "r");
	t_scr = newterm("xterm-256color", t_out, t_in);
	if (t_scr == NULL) {
		fprintf(stderr, "newterm failed\n");
		abort();
	}
	set_term(t_scr);
	resizeterm(rows, cols);
}

static T_UNUSED void
t_screen_resize(int cols, int rows)
{
	resizeterm(rows, cols);
}

static T_UNUSED void
t_screen_close(void)
{
	endwin();
	delscreen(t_scr);
	fclose(t_out);
	fclose(t_in);
	t_scr = NULL;
}

/*
 * Row y of what the terminal shows (curscr, after doupdate), as UTF-8.
 * Caller frees the result.
 */
static T_UNUSED char *
t_row(int y)
{
	struct buf b;
	int cols = getmaxx(curscr);

	buf_init(&b);
	for (int x = 0; x < cols; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t attrs;
		short pair;
		char mb[MB_LEN_MAX * (CCHARW_MAX + 1) + 1];
		mbstate_t st;

		if (mvwin_wch(curscr, y, x, &cc) == ERR)
			break;
		if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
			continue;
		memset(&st, 0, sizeof(st));
		for (int k = 0; wch[k] != L'\0' && k < CCHARW_MAX; k++) {
			size_t n = wcrtomb(mb, wch[k], &st);
			if (n != (size_t)-1)
				buf_add(&b, mb, n);
		}
		if (wch[0] != L'\0' && wcwidth(wch[0]) == 2)
			x++;
	}
	return buf_detach(&b);
}

/* The whole screen, rows joined with '\n'. Caller frees the result. */
static T_UNUSED char *
t_screen_text(void)
{
	struct buf b;
	int rows = getmaxy(curscr);

	buf_init(&b);
	for (int y = 0; y < rows; y++) {
		char *r = t_row(y);
		buf_adds(&b, r);
		buf_addc(&b, '\n');
		free(r);
	}
	return buf_detach(&b);
}

/* The row holding needle, or -1. */
static T_UNUSED int
t_find_row(const char *needle)
{
	int rows = getmaxy(curscr);

	for (int y = 0; y < rows; y++) {
		char *r = t_row(y);
		int hit = strstr(r, needle) != NULL;
		free(r);
		if (hit)
			return y;
	}
	return -1;
}

/* Columns of the UTF-8 prefix of s before needle (wcwidth), or -1. */
static T_UNUSED int
t_col_of(const char *s, const char *needle)
{
	const char *hit = strstr(s, needle);
	int col = 0;
	mbstate_t st;

	if (hit == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	while (s < hit) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, (size_t)(hit - s), &st);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			return -1;
		col += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
		s += n;
	}
	return col;
}

/* The column of needle in row y of the screen, or -1. */
static T_UNUSED int
t_col_in_row(int y, const char *needle)
{
	char *r = t_row(y);
	int c = t_col_of(r, needle);

	free(r);
	return c;
}

/* The attributes and pair of the cell at y, x of curscr. */
static T_UNUSED void
t_cell_attr(int y, int x, attr_t *attrs, short *pair)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];

	mvwin_wch(curscr, y, x, &cc);
	getcchar(&cc, wch, attrs, pair, NULL);
}

#endif
