/*
 * ce.c: Cost Explorer GetCostAndUsage.
 */
#include "core/services/ce.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CE_METRIC "UnblendedCost"

/* Writes "YYYY-MM-01" for year y (0..9999) and month m (1..12). */
static void
ce__first_of_month(char out[11], int y, int m)
{
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	memcpy(out + 7, "-01", 4);
}

void
ce_month_to_date(time_t now, char start[11], char end[11])
{
	struct tm tm;
	int y, m;

	if (gmtime_r(&now, &tm) == NULL || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9998) {
		/* Out of range: the epoch month, a valid if useless period. */
		memset(&tm, 0, sizeof tm);
		tm.tm_year = 70;
	}
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	ce__first_of_month(start, y, m);
	if (m == 12)
		ce__first_of_month(end, y + 1, 1);
	else
		ce__first_of_month(end, y, m + 1);
}

/* "YYYY-MM-DD" exactly; its epoch seconds into *t. */
static int
ce__date(const char *s, double *t)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	return util_parse_time(s, t);
}

int
ce_get_cost_and_usage_request(struct ops_request *out, const char *start, const char *end,
                              const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;
	double ts, te;
	cJSON *period, *groups;

	svcio_request_init(&r, OPS_CE_GET_COST_AND_USAGE);
	if (ce__date(start, &ts) < 0 || ce__date(end, &te) < 0 || ts >= te) {
		if (cause != NULL)
			*cause = xstrdup("GetCostAndUsage: TimePeriod must be two dates "
			                 "YYYY-MM-DD, Start before End");
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	period = svcio_body_obj(&b, b.root, "TimePeriod");
	svcio_body_str(&b, period, "Start", start);
	svcio_body_str(&b, period, "End", end);
	svcio_body_str(&b, b.root, "Granularity", "MONTHLY");
	svcio_body_strs(&b, b.root, "Metrics", (const char *const[]){CE_METRIC}, 1);
	groups = svcio_body_arr(&b, b.root, "GroupBy");
	for (int i = 0; i < 2; i++) {
		cJSON *g = groups != NULL ? cJSON_CreateObject() : NULL;

		if (groups != NULL && (g == NULL || !cJSON_AddItemToArray(groups, g))) {
			cJSON_Delete(g);
			b.oom = 1;
			break;
		}
		svcio_body_str(&b, g, "Type", "DIMENSION");
		svcio_body_str(&b, g, "Key", i == 0 ? "LINKED_ACCOUNT" : "REGION");
	}
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextPageToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

/*
 * Reads GroupDefinitions to learn which key of a group is the account and
 * which the region. Absent: the order orgtop asked for.
 */
static int
ce__key_order(struct svcio_dec *d, const cJSON *root, int *acct, int *region)
{
	const cJSON *defs = NULL, *e;
	size_t n = 0;
	int i = 0;
	char w[48];

	*acct = 0;
	*region = 1;
	if (svcio_arr(d, root, "", "GroupDefinitions", 0, 16, &defs, &n) < 0)
		return -1;
	if (defs == NULL)
		return 0;
	*acct = *region = -1;
	for (e = defs->child; e != NULL; e = e->next, i++) {
		const char *key = NULL;

		svcio_where(w, sizeof w, "", "GroupDefinitions", (size_t)i);
		if (svcio_item_obj(d, e, w) < 0 ||
		    svcio_str(d, e, w, "Key", SVCIO_REQUIRED, &key) < 0)
			return -1;
		if (strcmp(key, "LINKED_ACCOUNT") == 0)
			*acct = i;
		else if (strcmp(key, "REGION") == 0)
			*region = i;
	}
	if (*acct < 0 || *region < 0)
		return svcio_fail(d, "", "GroupDefinitions",
		                  "not grouped by LINKED_ACCOUNT and REGION");
	return 0;
}

/* Element i of keys, a non-empty string, copied. */
static int
ce__key(struct svcio_dec *d, const cJSON *keys, const char *w, int i, char **out)
{
	const cJSON *e = keys->child;
	char wk[160];

	for (int k = 0; k < i && e != NULL; k++)
		e = e->next;
	svcio_where(wk, sizeof wk, w, "Keys", (size_t)i);
	if (e == NULL)
		return svcio_fail(d, wk, NULL, "missing");
	return svcio_item_dup(d, e, wk, SVCIO_NONEMPTY, out);
}

static int
ce__group(struct svcio_dec *d, const cJSON *g, const char *w, int acct, int region,
          struct ce_cost *c)
{
	const cJSON *keys = NULL, *metrics = NULL, *m = NULL;
	size_t nkeys = 0;
	char wm[128], wu[160];

	svcio_where_key(wm, sizeof wm, w, "Metrics");
	svcio_where_key(wu, sizeof wu, wm, CE_METRIC);
	if (svcio_item_obj(d, g, w) < 0 ||
	    svcio_arr(d, g, w, "Keys", SVCIO_REQUIRED, 16, &keys, &nkeys) < 0 ||
	    ce__key(d, keys, w, acct, &c->account) < 0 ||
	    ce__key(d, keys, w, region, &c->region) < 0 ||
	    svcio_obj(d, g, w, "Metrics", SVCIO_REQUIRED, &metrics) < 0 ||
	    svcio_obj(d, metrics, wm, CE_METRIC, SVCIO_REQUIRED, &m) < 0 ||
	    svcio_decimal(d, m, wu, "Amount", SVCIO_REQUIRED, &c->amount) < 0 ||
	    svcio_dup(d, m, wu, "Unit", 0, &c->unit) < 0)
		return -1;
	return 0;
}

static void
ce__rows_free(struct ce_cost *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++) {
		free(rows[i].account);
		free(rows[i].region);
		free(rows[i].unit);
	}
	free(rows);
}

int
ce_get_cost_and_usage_decode(const cJSON *root, struct ce_get_cost_and_usage_result *out,
                             char **cause)
{
	struct ce_get_cost_and_usage_result r = {0};
	struct svcio_dec d;
	const cJSON *periods = NULL, *p;
	size_t nperiods = 0, total = 0, cap = 0, pi = 0;
	int acct, region;
	char w[64], wg[128];

	svcio_dec_init(&d, "GetCostAndUsage", cause);
	if (svcio_root(&d, root) < 0 || ce__key_order(&d, root, &acct, &region) < 0 ||
	    svcio_arr(&d, root, "", "ResultsByTime", 0, SVCIO_MAX_ITEMS, &periods, &nperiods) < 0 ||
	    svcio_token(&d, root, "NextPageToken", &r.next_token) < 0)
		goto out_fail;
	for (p = periods != NULL ? periods->child : NULL; p != NULL; p = p->next, pi++) {
		const cJSON *groups = NULL, *tp = NULL, *g;
		const char *start = NULL;
		size_t ng = 0, gi = 0;
		int estimated = 0;
		double t;

		svcio_where(w, sizeof w, "", "ResultsByTime", pi);
		svcio_where_key(wg, sizeof wg, w, "TimePeriod");
		if (svcio_item_obj(&d, p, w) < 0 || svcio_obj(&d, p, w, "TimePeriod", 0, &tp) < 0 ||
		    svcio_str(&d, tp, wg, "Start", 0, &start) < 0 ||
		    svcio_bool(&d, p, w, "Estimated", 0, &estimated) < 0 ||
		    svcio_arr(&d, p, w, "Groups", 0, CE_MAX_ROWS, &groups, &ng) < 0)
			goto out_fail;
		if (start != NULL && ce__date(start, &t) < 0) {
			svcio_fail(&d, wg, "Start", "not a date YYYY-MM-DD");
			goto out_fail;
		}
		if (ng > CE_MAX_ROWS - total) {
			svcio_fail(&d, w, "Groups", "more than %d groups in one answer",
			           CE_MAX_ROWS);
			goto out_fail;
		}
		if (total + ng > cap) {
			cap = total + ng;
			r.rows = xreallocarray(r.rows, cap, sizeof *r.rows);
			memset(r.rows + total, 0, ng * sizeof *r.rows);
		}
		for (g = groups != NULL ? groups->child : NULL; g != NULL; g = g->next, gi++) {
			struct ce_cost *c = &r.rows[total];

			svcio_where(wg, sizeof wg, w, "Groups", gi);
			total++;
			if (ce__group(&d, g, wg, acct, region, c) < 0) {
				r.nrows = total;
				goto out_fail;
			}
			c->estimated = estimated;
			if (start != NULL)
				memcpy(c->period_start, start, 11);
		}
		r.nrows = total;
	}
	if (r.nrows == 0) {
		free(r.rows);
		r.rows = NULL;
	}
	*out = r;
	return 0;

out_fail:
	ce__rows_free(r.rows, r.nrows);
	free(r.next_token);
	return -1;
}

void
ce_get_cost_and_usage_result_done(struct ce_get_cost_and_usage_result *r)
{
	if (r == NULL)
		return;
	ce__rows_free(r->rows, r->nrows);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}
