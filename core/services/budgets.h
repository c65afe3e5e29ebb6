/*
 * budgets.h: AWS Budgets (json 1.1, AWSBudgetServiceGateway): an account's
 * budgets with their limit, actual and forecast spend.
 *
 * Amounts arrive as decimal strings ("604.4560000000000172803993336856365203857421875")
 * and are parsed with strtod. Conventions as in organizations.h: builders
 * return 0 or -1 with *cause; decoders copy out of the borrowed tree, return
 * -1 with *cause naming the field on a malformed answer and leave *out
 * untouched; _done() releases (NULL-safe).
 */
#ifndef ORGTOP_BUDGETS_H
#define ORGTOP_BUDGETS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

/* MaxResults: Debian's older model allows 1..100, the current one 1..1000; 100 suits both. */
#define BUDGETS_MAX_RESULTS 100

/* An amount with its unit; present 0 means AWS gave none (unknown, not zero). */
struct budgets_spend {
	int present;
	double amount;
	char *unit; /* "USD", "GB", "Hrs", ...; NULL if absent */
};

struct budgets_budget {
	char *name;      /* BudgetName; untrusted text */
	char *type;      /* BudgetType: "COST", "USAGE", "RI_UTILIZATION", ...; NULL if absent */
	char *time_unit; /* "DAILY" | "MONTHLY" | "QUARTERLY" | "ANNUALLY" | "CUSTOM"; NULL if
	                    absent */
	struct budgets_spend limit;    /* BudgetLimit */
	struct budgets_spend actual;   /* CalculatedSpend.ActualSpend */
	struct budgets_spend forecast; /* CalculatedSpend.ForecastedSpend */
	double start, end;             /* TimePeriod, epoch seconds; 0 if absent */
	double last_updated;           /* LastUpdatedTime; 0 if absent */
};

struct budgets_describe_budgets_result {
	struct budgets_budget *budgets;
	size_t nbudgets;
	char *next_token;
};

/* account_id: 12 digits. max_results 0 or 1..1000. */
int budgets_describe_budgets_request(struct ops_request *out, const char *account_id,
                                     int max_results, const char *next_token, char **cause);
int budgets_describe_budgets_decode(const cJSON *root, struct budgets_describe_budgets_result *out,
                                    char **cause);
void budgets_describe_budgets_result_done(struct budgets_describe_budgets_result *r);

#endif
