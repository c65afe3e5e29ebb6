/*
 * ce.h: AWS Cost Explorer (json 1.1, AWSInsightsIndexService): month-to-date
 * unblended cost per linked account and region, at the payer account.
 *
 * Every request (every page) costs USD 0.01: callers run it rarely and count
 * the calls. Conventions as in organizations.h: builders return 0 or -1 with
 * *cause; decoders copy out of the borrowed tree, return -1 with *cause
 * naming the field on a malformed answer and leave *out untouched; _done()
 * releases (NULL-safe). The pagination token is NextPageToken.
 */
#ifndef ORGTOP_CE_H
#define ORGTOP_CE_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

/* Rows accepted in one answer (5,000 accounts x 25 regions fit in one page). */
#define CE_MAX_ROWS 200000

/*
 * The period orgtop asks for at time now: start = the first day of the
 * current UTC month, end = the first day of the next month (exclusive; Cost
 * Explorer has no data past today, so this is month to date). Both
 * "YYYY-MM-DD".
 */
void ce_month_to_date(time_t now, char start[11], char end[11]);

/* One group: the cost of one account in one region in one period. */
struct ce_cost {
	char *account;         /* the LINKED_ACCOUNT key, as given (normally 12 digits) */
	char *region;          /* the REGION key, as given: "eu-west-1", "global", "NoRegion" */
	double amount;         /* UnblendedCost.Amount, parsed from its decimal string */
	char *unit;            /* UnblendedCost.Unit ("USD"), NULL if absent */
	char period_start[11]; /* the period's TimePeriod.Start, "" if absent */
	int estimated;         /* the period is still estimated */
};

struct ce_get_cost_and_usage_result {
	struct ce_cost *rows; /* every group of every period, in AWS's order; callers sum
	                         rows of the same (account, region) across periods */
	size_t nrows;
	char *next_token; /* NextPageToken */
};

/*
 * GetCostAndUsage, MONTHLY, metric UnblendedCost, grouped by the dimensions
 * LINKED_ACCOUNT and REGION, for [start, end) ("YYYY-MM-DD", start < end).
 */
int ce_get_cost_and_usage_request(struct ops_request *out, const char *start, const char *end,
                                  const char *next_token, char **cause);
int ce_get_cost_and_usage_decode(const cJSON *root, struct ce_get_cost_and_usage_result *out,
                                 char **cause);
void ce_get_cost_and_usage_result_done(struct ce_get_cost_and_usage_result *r);

#endif
