/*
 * rows.h: the visible row list of the grid, built from the model.
 *
 * In tree order, OUs are collapsible groups with their accounts under them;
 * the root's own accounts sit under a "Root" row and the OUs below the root
 * are drawn beside it, as SCREENS.md sketches. Every OU row carries a
 * roll-up of the accounts under it that pass the filter (per region: worst
 * compliance, highest severity, spend; and the budget, spend and SSO totals).
 * In the other sort orders the rows are the matching accounts alone, sorted.
 *
 * A build is O(accounts x regions + accounts log accounts): the grid calls
 * rows_build() only when the model generation, the filter, the sort or the
 * collapse state changed, never per frame.
 */
#ifndef ORGTOP_ROWS_H
#define ORGTOP_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "tui/cells.h"

struct model;
struct filter;

enum sort_key { SORT_TREE, SORT_NAME, SORT_COMPLIANCE, SORT_SEVERITY, SORT_BURN, SORT_SPEND,
	SORT__COUNT };

/* "tree", "name", "compliance", "severity", "burn", "spend"; parse takes prefixes. */
const char *rows_sort_name(enum sort_key s);
int rows_sort_parse(const char *s);

enum row_kind { ROW_OU, ROW_ACCOUNT };

struct row {
	uint8_t kind;      /* enum row_kind */
	uint8_t depth;     /* indentation level */
	uint8_t collapsed; /* OU rows */
	uint8_t root;      /* OU rows: a root (its roll-up covers its own accounts only) */
	int index;         /* OU or account index in the model */
	uint32_t count;    /* OU rows: accounts it rolls up */
};

/* Per-account figures (over the filter's regions), for sorting and the right columns. */
#define SUM_NC 0x01
#define SUM_SEV 0x02
#define SUM_BURN 0x04    /* b_actual/b_limit known */
#define SUM_FORECAST 0x08
#define SUM_SPEND 0x10
#define SUM_SSO 0x20
#define SUM_NOBUDGET 0x40 /* budgets known, and there are none */
#define SUM_STALE_BUDGET 0x80
#define SUM_STALE_SSO 0x100

struct acct_sum {
	uint16_t known;     /* SUM_* */
	uint32_t nc;        /* noncompliant rules */
	uint32_t findings;
	float sev;          /* max severity */
	double spend;       /* month to date, the model's currency */
	uint32_t sso;       /* assignments */
	/* The budget shown: the one burning fastest. */
	double b_actual, b_limit, b_forecast;
};

struct rows;

struct rows *rows_new(void);
void rows_free(struct rows *r);

/* Rebuilds the rows. f may be NULL (everything). */
void rows_build(struct rows *r, const struct model *m, const struct filter *f, enum sort_key s,
    int reverse);

size_t rows_count(const struct rows *r);
/* Borrowed; valid until the next build. */
const struct row *rows_get(const struct rows *r, size_t i);
/* The row of account a / OU o, or SIZE_MAX if not shown. O(1). */
size_t rows_find_account(const struct rows *r, size_t a);
size_t rows_find_ou(const struct rows *r, int o);

/* Accounts that passed the filter, and all accounts, at the last build. */
size_t rows_matched(const struct rows *r);
size_t rows_total(const struct rows *r);

/* The filter's region mask from the last build (model_nregions entries). */
const unsigned char *rows_region_mask(const struct rows *r);

/* Figures of account a (any account that passed the filter). */
const struct acct_sum *rows_account_sum(const struct rows *r, size_t a);
/* The roll-up of OU o: per region, and the totals (in an acct_sum). */
const struct agg *rows_ou_agg(const struct rows *r, int o, size_t region);
const struct acct_sum *rows_ou_sum(const struct rows *r, int o);

/* SSO layer columns: permission sets by how many accounts use them. */
size_t rows_nps(const struct rows *r);
const char *rows_ps(const struct rows *r, size_t i);
/* Principals holding permission set i in OU o's accounts (roll-up). */
uint32_t rows_ou_ps(const struct rows *r, int o, size_t i);

/* The newest fetched_at of any value (epoch seconds), 0 if none. */
double rows_newest(const struct rows *r);

/* Collapse state, kept by OU id across builds. Call rows_build() after. */
int rows_collapsed(const struct rows *r, const struct model *m, int o);
void rows_set_collapsed(struct rows *r, const struct model *m, int o, int collapsed);
void rows_collapse_all(struct rows *r, const struct model *m, int collapsed);

#endif
