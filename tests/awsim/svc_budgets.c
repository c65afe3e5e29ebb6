/*
 * svc_budgets.c: AWS Budgets (DescribeBudgets) and Cost Explorer
 * (GetCostAndUsage grouped by LINKED_ACCOUNT and REGION), both json 1.1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

static void
bud_amount(struct jw *w, const char *key, const char *amount, const char *unit)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "Amount", amount);
	jw_kstr(w, "Unit", unit);
	jw_end(w);
}

static void
bud_describe_budgets(struct call *c)
{
	const char *id = call_str(c, "AccountId");
	struct org_budget b[ORG_MAX_BUDGETS];
	struct page p;
	struct jw w;
	long long max;
	int n, i, size;
	double month;

	if (!id) {
		call_missing(c, "AccountId");
		return;
	}
	if (strlen(id) != 12 || strspn(id, "0123456789") != 12) {
		call_error(c, 400, "InvalidParameterException",
		    "Account id %s is invalid: it must be 12 digits.", id);
		return;
	}
	if (strcmp(id, svc_caller_id(c)) != 0) {
		char arn[256];
		auth_arn(c, &c->who, arn, sizeof(arn));
		call_error(c, 400, "AccessDeniedException",
		    "User: %s is not authorized to perform: budgets:ViewBudget on resource: "
		    "arn:aws:budgets::%s:budget/*", arn, id);
		return;
	}
	if (call_int(c, "MaxResults", 1, 1000, 100, &max) < 0 ||
	    page_parse(c, call_str(c, "NextToken"), rnd_str(0, id), &p) < 0)
		return;
	size = page_size(c, max, 1000);
	n = org_account_budgets(c->org, c->who.account, b, ORG_MAX_BUDGETS);
	month = floor(c->org->start / 86400.0 / 30.0) * 86400.0 * 30.0;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Budgets");
	jw_arr(&w);
	for (i = (int)p.a; i < n && i < (int)p.a + size; i++) {
		jw_obj(&w);
		jw_kstr(&w, "BudgetName", b[i].name);
		bud_amount(&w, "BudgetLimit", b[i].limit, b[i].unit);
		jw_key(&w, "CostFilters");
		jw_raw(&w, "{}");
		jw_key(&w, "CostTypes");
		jw_raw(&w, "{\"IncludeTax\":true,\"IncludeSubscription\":true,\"UseBlended\":false,"
		    "\"IncludeRefund\":false,\"IncludeCredit\":false,\"IncludeUpfront\":true,"
		    "\"IncludeRecurring\":true,\"IncludeOtherSubscription\":true,\"IncludeSupport\":true,"
		    "\"IncludeDiscount\":true,\"UseAmortized\":false}");
		jw_kstr(&w, "TimeUnit", b[i].time_unit);
		jw_key(&w, "TimePeriod");
		jw_obj(&w);
		jw_ktime(&w, "Start", month);
		jw_ktime(&w, "End", 3706473600.0);
		jw_end(&w);
		jw_key(&w, "CalculatedSpend");
		jw_obj(&w);
		bud_amount(&w, "ActualSpend", b[i].actual, b[i].unit);
		if (b[i].forecast[0])
			bud_amount(&w, "ForecastedSpend", b[i].forecast, b[i].unit);
		jw_end(&w);
		jw_kstr(&w, "BudgetType", b[i].type);
		jw_ktime(&w, "LastUpdatedTime", c->org->start + c->org->tick);
		jw_end(&w);
	}
	jw_end(&w);
	if (i < n) {
		struct page np = {.a = (uint32_t)i, .page = p.page + 1};
		char *tok = page_token(c, rnd_str(0, id), &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static struct op_def bud_ops[] = {
	{.name = "DescribeBudgets", .fn = bud_describe_budgets},
};

const struct svc_def svc_budgets = {
	.name = "budgets",
	.scope = "budgets",
	.proto = PROTO_JSON,
	.target = "AWSBudgetServiceGateway",
	.global = 1,
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "ThrottlingException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "InvalidParameterException",
	.token_code = "InvalidNextTokenException",
	.ops = bud_ops,
	.nops = 1,
};

/* Cost Explorer. */

static int
ce_day(const char *s, long *days)
{
	struct tm tm;
	int y, m, d;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*days = (long)(timegm(&tm) / 86400);
	return 0;
}

static void
ce_fmt_day(long day, char *out, size_t len)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static long
ce_month_start(long day)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	return day - (tm.tm_mday - 1);
}

static long
ce_next_month(long day)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_mon++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (long)(timegm(&tm) / 86400);
}

/* Cents of (a, r) accrued over [d0, d1): MTD spread evenly over the month's elapsed days. */
static long long
ce_cents(const struct org *o, int a, int r, long d0, long d1, long today)
{
	long long mtd = org_cell_spend(o, a, r);
	long ms = ce_month_start(today), elapsed = today - ms + 1, lo, hi, overlap = 0, m;

	if (mtd <= 0)
		return 0;
	/* Months before this one cost what this one does per day. */
	for (m = ce_month_start(d0); m < d1 && m <= ms; m = ce_next_month(m)) {
		long end = m == ms ? today + 1 : ce_next_month(m);
		lo = d0 > m ? d0 : m;
		hi = d1 < end ? d1 : end;
		if (hi > lo)
			overlap += hi - lo;
	}
	if (overlap == elapsed)
		return mtd;
	return (mtd * overlap + elapsed / 2) / elapsed;
}

struct ce_req {
	long d0, d1, today;
	int monthly;
	int by_acct, by_region; /* positions in Keys: 0/1, -1 when absent */
	const char *metrics[8];
	int nmetrics;
};

static void
ce_money(struct call *c, struct jw *w, const struct ce_req *q, long long cents, uint64_t h)
{
	char amt[48];
	int i;

	snprintf(amt, sizeof(amt), "%.10f",
	    (double)cents / 100.0 + (cents ? (double)(h % 4000) / 1e7 : 0.0));
	(void)c;
	jw_obj(w);
	for (i = 0; i < q->nmetrics; i++) {
		jw_key(w, q->metrics[i]);
		jw_obj(w);
		jw_kstr(w, "Amount", amt);
		jw_kstr(w, "Unit", strcmp(q->metrics[i], "UsageQuantity") == 0 ? "N/A" : "USD");
		jw_end(w);
	}
	jw_end(w);
}

static int
ce_parse(struct call *c, struct ce_req *q, uint64_t *phash)
{
	const cJSON *tp = call_item(c, "TimePeriod"), *metrics = call_item(c, "Metrics");
	const cJSON *gb = call_item(c, "GroupBy"), *it;
	const char *gran = call_str(c, "Granularity");
	static const char *const known[] = {"AmortizedCost", "BlendedCost", "NetAmortizedCost",
		"NetUnblendedCost", "NormalizedUsageAmount", "UnblendedCost", "UsageQuantity"};
	int pos = 0;
	char *text;

	memset(q, 0, sizeof(*q));
	q->by_acct = q->by_region = -1;
	q->today = (long)(util_now() / 86400.0);
	if (!tp) {
		call_missing(c, "TimePeriod");
		return -1;
	}
	if (!gran) {
		call_missing(c, "Granularity");
		return -1;
	}
	if (ce_day(cJSON_GetStringValue(cJSON_GetObjectItem(tp, "Start")), &q->d0) < 0 ||
	    ce_day(cJSON_GetStringValue(cJSON_GetObjectItem(tp, "End")), &q->d1) < 0) {
		call_error(c, 400, "ValidationException",
		    "TimePeriod: Start and End must be dates in the form YYYY-MM-DD");
		return -1;
	}
	if (q->d0 >= q->d1) {
		call_error(c, 400, "ValidationException",
		    "Start date (and hour) should be before end date (and hour)");
		return -1;
	}
	if (strcmp(gran, "MONTHLY") == 0)
		q->monthly = 1;
	else if (strcmp(gran, "DAILY") != 0) {
		call_error(c, 400, "ValidationException",
		    "Granularity %s is not supported by awsim (MONTHLY, DAILY)", gran);
		return -1;
	}
	if (!q->monthly && q->d1 - q->d0 > 366) {
		call_error(c, 400, "ValidationException",
		    "The DAILY granularity allows a time period of at most 14 months");
		return -1;
	}
	if (!cJSON_IsArray(metrics) || cJSON_GetArraySize(metrics) == 0) {
		call_missing(c, "Metrics");
		return -1;
	}
	cJSON_ArrayForEach(it, metrics) {
		size_t k;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (cJSON_IsString(it) && strcmp(it->valuestring, known[k]) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0]) || q->nmetrics >= 8) {
			call_error(c, 400, "ValidationException", "Invalid metric: %s",
			    cJSON_IsString(it) ? it->valuestring : "(not a string)");
			return -1;
		}
		q->metrics[q->nmetrics++] = known[k];
	}
	if (gb) {
		if (!cJSON_IsArray(gb) || cJSON_GetArraySize(gb) > 2) {
			call_error(c, 400, "ValidationException", "GroupBy: at most 2 group definitions");
			return -1;
		}
		cJSON_ArrayForEach(it, gb) {
			const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(it, "Type"));
			const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(it, "Key"));
			if (!type || strcmp(type, "DIMENSION") != 0 || !key ||
			    (strcmp(key, "LINKED_ACCOUNT") != 0 && strcmp(key, "REGION") != 0)) {
				call_error(c, 400, "ValidationException",
				    "awsim groups by DIMENSION LINKED_ACCOUNT and REGION only");
				return -1;
			}
			if (strcmp(key, "LINKED_ACCOUNT") == 0)
				q->by_acct = pos++;
			else
				q->by_region = pos++;
		}
	}
	text = cJSON_PrintUnformatted(c->in);
	/* The token hash covers everything but NextPageToken (RequestChangedException otherwise). */
	{
		cJSON *copy = cJSON_Duplicate(c->in, 1);
		char *t2;
		cJSON_DeleteItemFromObject(copy, "NextPageToken");
		t2 = cJSON_PrintUnformatted(copy);
		*phash = rnd_str(0, t2);
		free(t2);
		cJSON_Delete(copy);
	}
	free(text);
	return 0;
}

/* Periods of the request: [start, end) pairs. */
static int
ce_periods(const struct ce_req *q, long *starts, long *ends, int max)
{
	long d = q->d0;
	int n = 0;

	while (d < q->d1 && n < max) {
		long e = q->monthly ? ce_next_month(d) : d + 1;
		if (e > q->d1)
			e = q->d1;
		starts[n] = d;
		ends[n] = e;
		n++;
		d = e;
	}
	return n;
}

static void
ce_get_cost_and_usage(struct call *c)
{
	const struct org *o = c->org;
	struct ce_req q;
	uint64_t phash;
	struct page p;
	struct jw w;
	long starts[400], ends[400];
	int np, size, emitted = 0, nreg = o->nregions + 1, done = 0, open_period = -1;
	uint32_t pi, k, r;
	char d[32];
	int *attrs = NULL, nattrs = 0, capattrs = 0;

	atomic_fetch_add(&c->sim->stats.ce_calls, 1);
	if (!svc_is_mgmt(c)) {
		call_error(c, 400, "AccessDeniedException",
		    "Linked account doesn't have access to cost explorer. Please contact your master "
		    "account.");
		return;
	}
	if (ce_parse(c, &q, &phash) < 0 ||
	    page_parse(c, call_str(c, "NextPageToken"), phash, &p) < 0)
		return;
	np = ce_periods(&q, starts, ends, 400);
	size = c->sim->ce_page_size > 0 ? c->sim->ce_page_size : 500;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "GroupDefinitions");
	jw_arr(&w);
	if (q.by_acct == 0 || q.by_region == 0) {
		jw_raw(&w, q.by_acct == 0 ? "{\"Type\":\"DIMENSION\",\"Key\":\"LINKED_ACCOUNT\"}" :
		    "{\"Type\":\"DIMENSION\",\"Key\":\"REGION\"}");
		if (q.by_acct == 1 || q.by_region == 1)
			jw_raw(&w, q.by_acct == 1 ? "{\"Type\":\"DIMENSION\",\"Key\":\"LINKED_ACCOUNT\"}" :
			    "{\"Type\":\"DIMENSION\",\"Key\":\"REGION\"}");
	}
	jw_end(&w);
	jw_key(&w, "ResultsByTime");
	jw_arr(&w);
	pi = p.a;
	k = p.b;
	r = p.c;
	for (; pi < (uint32_t)np; pi++, k = 0, r = 0) {
		long s0 = starts[pi], s1 = ends[pi];
		if (emitted >= size && open_period < 0)
			goto stop;
		jw_obj(&w);
		open_period = (int)pi;
		jw_key(&w, "TimePeriod");
		jw_obj(&w);
		ce_fmt_day(s0, d, sizeof(d));
		jw_kstr(&w, "Start", d);
		ce_fmt_day(s1, d, sizeof(d));
		jw_kstr(&w, "End", d);
		jw_end(&w);
		if (q.by_acct < 0 && q.by_region < 0) {
			long long total = 0;
			int a, rr;
			for (a = 0; a < o->naccounts; a++)
				for (rr = -1; rr < o->nregions; rr++)
					total += ce_cents(o, a, rr, s0, s1, q.today);
			jw_key(&w, "Total");
			ce_money(c, &w, &q, total, rnd_h(o->seed, 0xce, pi, 0, 0));
			jw_key(&w, "Groups");
			jw_raw(&w, "[]");
		} else {
			jw_key(&w, "Total");
			jw_raw(&w, "{}");
			jw_key(&w, "Groups");
			jw_arr(&w);
			if (q.by_acct >= 0) {
				for (; k < (uint32_t)o->naccounts; k++, r = 0) {
					int a = o->by_id[k];
					long long sum = 0;
					if (q.by_region < 0) {
						int rr;
						if (emitted >= size)
							break;
						for (rr = -1; rr < o->nregions; rr++)
							sum += ce_cents(o, a, rr, s0, s1, q.today);
						if (sum > 0) {
							jw_obj(&w);
							jw_key(&w, "Keys");
							jw_arr(&w);
							jw_str(&w, o->accounts[a].id);
							jw_end(&w);
							jw_key(&w, "Metrics");
							ce_money(c, &w, &q, sum, rnd_h(o->seed, 0xce, pi, k, 99));
							jw_end(&w);
							emitted++;
							if (nattrs == capattrs) {
								capattrs = capattrs ? capattrs * 2 : 64;
								attrs = xreallocarray(attrs, (size_t)capattrs, sizeof(int));
							}
							attrs[nattrs++] = a;
						}
						continue;
					}
					for (; r < (uint32_t)nreg; r++) {
						int rr = (int)r - 1;
						long long cents;
						if (emitted >= size)
							goto groups_done;
						cents = ce_cents(o, a, rr, s0, s1, q.today);
						if (cents <= 0)
							continue;
						jw_obj(&w);
						jw_key(&w, "Keys");
						jw_arr(&w);
						if (q.by_acct == 0)
							jw_str(&w, o->accounts[a].id);
						jw_str(&w, rr < 0 ? "global" : o->regions[rr].name);
						if (q.by_acct == 1)
							jw_str(&w, o->accounts[a].id);
						jw_end(&w);
						jw_key(&w, "Metrics");
						ce_money(c, &w, &q, cents, rnd_h(o->seed, 0xce, pi, k, r));
						jw_end(&w);
						emitted++;
						if (nattrs == capattrs) {
								capattrs = capattrs ? capattrs * 2 : 64;
								attrs = xreallocarray(attrs, (size_t)capattrs, sizeof(int));
							}
							attrs[nattrs++] = a;
					}
				}
			} else {
				for (; r < (uint32_t)nreg; r++) {
					int rr = (int)r - 1, a;
					long long sum = 0;
					if (emitted >= size)
						break;
					for (a = 0; a < o->naccounts; a++)
						sum += ce_cents(o, a, rr, s0, s1, q.today);
					if (sum <= 0)
						continue;
					jw_obj(&w);
					jw_key(&w, "Keys");
					jw_arr(&w);
					jw_str(&w, rr < 0 ? "global" : o->regions[rr].name);
					jw_end(&w);
					jw_key(&w, "Metrics");
					ce_money(c, &w, &q, sum, rnd_h(o->seed, 0xce, pi, r, 98));
					jw_end(&w);
					emitted++;
				}
				if (r < (uint32_t)nreg)
					goto groups_done;
				k = (uint32_t)o->naccounts;
			}
groups_done:
			jw_end(&w);
		}
		jw_kbool(&w, "Estimated", s1 > ce_month_start(q.today));
		jw_end(&w);
		open_period = -1;
		if ((q.by_acct >= 0 && k < (uint32_t)o->naccounts) ||
		    (q.by_acct < 0 && q.by_region >= 0 && r < (uint32_t)nreg))
			goto stop;
	}
	done = 1;
stop:
	jw_end(&w);
	if (q.by_acct >= 0) {
		/* Names of the accounts on this page, once each. */
		int *seen = xcalloc((size_t)o->naccounts + 1, sizeof(int)), x;
		jw_key(&w, "DimensionValueAttributes");
		jw_arr(&w);
		for (x = 0; x < nattrs; x++) {
			int a = attrs[x];
			if (seen[a])
				continue;
			seen[a] = 1;
			jw_obj(&w);
			jw_kstr(&w, "Value", o->accounts[a].id);
			jw_key(&w, "Attributes");
			jw_obj(&w);
			jw_kstr(&w, "description", o->accounts[a].name);
			jw_end(&w);
			jw_end(&w);
		}
		jw_end(&w);
		free(seen);
	}
	if (!done) {
		struct page npg = {.a = pi, .b = k, .c = r, .page = p.page + 1};
		char *tok = page_token(c, phash, &npg);
		jw_kstr(&w, "NextPageToken", tok);
		free(tok);
	}
	jw_end(&w);
	free(attrs);
}

static struct op_def ce_ops[] = {
	{.name = "GetCostAndUsage", .fn = ce_get_cost_and_usage},
};

const struct svc_def svc_ce = {
	.name = "ce",
	.scope = "ce",
	.proto = PROTO_JSON,
	.target = "AWSInsightsIndexService",
	.global = 1,
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "LimitExceededException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationException",
	.token_code = "InvalidNextTokenException",
	.ops = ce_ops,
	.nops = 1,
};
