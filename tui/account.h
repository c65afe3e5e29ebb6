/*
 * account.h: the account view (SCREENS.md): everything about one account
 * in sections (Compliance, Findings, Budgets, Spend, SSO), loading and errors
 * per section, the drill-down detail fetched on entry.
 */
#ifndef ORGTOP_ACCOUNT_H
#define ORGTOP_ACCOUNT_H

#include <stddef.h>

struct ui;
struct acct;

struct acct *acct_new(void);
void acct_free(struct acct *v);

/* Opens account a (scrolled to region index region when >= 0) on top of the current view. */
void account_open(struct ui *ui, size_t a, int region);
/* The account shown, or -1. */
long account_current(struct ui *ui);

#endif
