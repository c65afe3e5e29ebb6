/*
 * budgets.c: Budgets DescribeBudgets.
 */
#include "core/services/budgets.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/xmalloc.h"

int
budgets_describe_budgets_request(struct ops_request *out, const char *account_id, int max_results,
                                 const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_BUDGETS_DESCRIBE_BUDGETS);
	if (svcio_arg_account(r.op->name, "AccountId", account_id, cause) < 0 ||
	    (max_results != 0 &&
	     svcio_arg_range(r.op->name, "MaxResults", max_results, 1, 1000, cause) < 0)) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "AccountId", account_id);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

/* obj.key: a Spend {Amount (decimal string), Unit}. */
static int
budgets__spend(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
               struct budgets_spend *out)
{
	const cJSON *s = NULL;
	char w[128];

	if (svcio_obj(d, obj, where, key, 0, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	svcio_where_key(w, sizeof w, where, key);
	if (svcio_decimal(d, s, w, "Amount", SVCIO_REQUIRED, &out->amount) < 0 ||
	    svcio_dup(d, s, w, "Unit", 0, &out->unit) < 0)
		return -1;
	out->present = 1;
	return 0;
}

static int
budgets__budget(struct svcio_dec *d, const cJSON *e, const char *w, struct budgets_budget *x)
{
	const cJSON *calc = NULL, *period = NULL;
	char wc[96], wp[96];

	svcio_where_key(wc, sizeof wc, w, "CalculatedSpend");
	svcio_where_key(wp, sizeof wp, w, "TimePeriod");
	if (svcio_item_obj(d, e, w) < 0 ||
	    svcio_dup(d, e, w, "BudgetName", SVCIO_REQUIRED | SVCIO_NONEMPTY, &x->name) < 0 ||
	    svcio_dup(d, e, w, "BudgetType", 0, &x->type) < 0 ||
	    svcio_dup(d, e, w, "TimeUnit", 0, &x->time_unit) < 0 ||
	    budgets__spend(d, e, w, "BudgetLimit", &x->limit) < 0 ||
	    svcio_obj(d, e, w, "CalculatedSpend", 0, &calc) < 0 ||
	    (calc != NULL && (budgets__spend(d, calc, wc, "ActualSpend", &x->actual) < 0 ||
	                      budgets__spend(d, calc, wc, "ForecastedSpend", &x->forecast) < 0)) ||
	    svcio_obj(d, e, w, "TimePeriod", 0, &period) < 0 ||
	    svcio_time(d, period, wp, "Start", 0, &x->start) < 0 ||
	    svcio_time(d, period, wp, "End", 0, &x->end) < 0 ||
	    svcio_time(d, e, w, "LastUpdatedTime", 0, &x->last_updated) < 0)
		return -1;
	return 0;
}

int
budgets_describe_budgets_decode(const cJSON *root, struct budgets_describe_budgets_result *out,
                                char **cause)
{
	struct budgets_describe_budgets_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "DescribeBudgets", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "Budgets", 0, SVCIO_MAX_ITEMS, &arr, &r.nbudgets) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nbudgets > 0)
		r.budgets = xcalloc(r.nbudgets, sizeof *r.budgets);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", "Budgets", i);
		if (budgets__budget(&d, e, w, &r.budgets[i]) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	budgets_describe_budgets_result_done(&r);
	return -1;
}

void
budgets_describe_budgets_result_done(struct budgets_describe_budgets_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->budgets != NULL && i < r->nbudgets; i++) {
		struct budgets_budget *x = &r->budgets[i];

		free(x->name);
		free(x->type);
		free(x->time_unit);
		free(x->limit.unit);
		free(x->actual.unit);
		free(x->forecast.unit);
	}
	free(r->budgets);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}
