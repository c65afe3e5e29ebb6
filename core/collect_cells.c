/*
 * collect_cells.c: the leaves (Config compliance and GuardDuty findings per
 * account x region, Budgets per account) and the drill-down detail of one
 * account (the noncompliant rules, the top findings).
 *
 * GuardDuty: ListDetectors once per account x region (the detector id is
 * kept across refreshes, and looked up again if GuardDuty says it is gone),
 * then GetFindingsStatistics in the COUNT_BY_SEVERITY form with
 * service.archived = false. That form answers with a map of every severity
 * value to its count in one call, which the four bands and the maximum are
 * computed from exactly; the newer groupBy SEVERITY form returns at most 100
 * groups with no working pagination (AWS-WIRE.md 4.4), so an account with
 * more distinct severities than that would be miscounted, and Debian's
 * older models know only COUNT_BY_SEVERITY. awsim serves both.
 */
#include <stdlib.h>
#include <string.h>

#include "core/collect_int.h"
#include "core/log.h"
#include "core/services/budgets.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define BUDGETS_PAGE 100
#define TOP_FINDINGS 25

/* The model indices of a leaf's account and region; 0 if either is gone. */
static int
cell_of(const struct task *t, int *ma, int *mr)
{
	*ma = collect__acct_model(t->c, t->account);
	*mr = t->region == REGION_GLOBAL ? -1 : collect__region_model(t->c, t->region);
	return *ma >= 0 && (t->region == REGION_GLOBAL || *mr >= 0);
}

static int
region_enabled(const struct task *t)
{
	const struct collect_account *a = &t->c->accts[t->account];

	return a->regions_known && regmask_test(&a->enabled, t->region);
}

/* The outcome of a leaf's call as a verdict; requeues and errors go through collect__task_failed. */
static void
leaf_failed(struct task *t, const struct aws_result *res)
{
	struct collect__verdict v;

	collect__verdict(res, region_enabled(t), &v);
	collect__task_failed(t, &v);
}

static void
leaf_state(struct task *t, enum model_item item, const struct collect__verdict *v)
{
	int ma, mr;

	if (cell_of(t, &ma, &mr))
		model_set_state(t->c->m, (size_t)ma, mr, item, v->st, v->reason, util_now());
}

static void
leaf_inflight(struct task *t, enum model_item item)
{
	int ma, mr;

	if (cell_of(t, &ma, &mr))
		model_set_inflight(t->c->m, (size_t)ma, mr, item, 1);
}

/* A decoder refused the answer: an error with its cause. */
static void
bad_answer(struct task *t, char *cause)
{
	struct collect__verdict v;

	memset(&v, 0, sizeof v);
	v.st = MS_ERROR;
	snprintf(v.reason, sizeof v.reason, "bad answer: %s", cause != NULL ? cause : "?");
	free(cause);
	collect__task_failed(t, &v);
}

/* ---------------------------------------------------------------- Config */

/*
 * Config answers 0 compliant and 0 noncompliant both where it has no rules
 * (no recorder) and where every rule is NOT_APPLICABLE or
 * INSUFFICIENT_DATA: DescribeConfigRules tells them apart (t->index counts
 * the rules seen).
 */
static int
rules_exist_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct configservice_describe_config_rules_result r;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	if (configservice_describe_config_rules_decode(res->json, &r, &cause) != 0) {
		free(cause);
		t->index = 1; /* unreadable: assume rules, show the zeros */
		return 1;
	}
	t->index += (int32_t)r.nrules;
	configservice_describe_config_rules_result_done(&r);
	return t->index > 0;
}

static void
rules_exist_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	int ma, mr;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (cell_of(t, &ma, &mr)) {
		if (t->index == 0)
			model_set_state(t->c->m, (size_t)ma, mr, MI_CONFIG, MS_DISABLED,
			    "no Config rules", util_now());
		else
			model_set_config(t->c->m, (size_t)ma, (size_t)mr, 0, 0, 0, util_now());
	}
	collect__task_finish(t);
}

static void
config_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct configservice_get_compliance_summary_by_config_rule_result r;
	char *cause = NULL;
	int ma, mr;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (configservice_get_compliance_summary_by_config_rule_decode(res->json, &r, &cause) != 0) {
		bad_answer(t, cause);
		return;
	}
	if (r.present && (r.summary.compliant.count > 0 || r.summary.noncompliant.count > 0)) {
		const struct configservice_summary *s = &r.summary;

		if (cell_of(t, &ma, &mr))
			model_set_config(t->c->m, (size_t)ma, (size_t)mr, s->compliant.count,
			    s->noncompliant.count, s->compliant.capped || s->noncompliant.capped,
			    util_now());
		configservice_get_compliance_summary_by_config_rule_result_done(&r);
		collect__task_finish(t);
		return;
	}
	configservice_get_compliance_summary_by_config_rule_result_done(&r);
	{
		struct collect_account *a = &t->c->accts[t->account];

		t->index = 0;
		t->step = 1;
		collect__paginate(t, OPS_CONFIG_DESCRIBE_CONFIG_RULES, collect__acct_creds(t->c, a),
		    a->id, NULL, rules_exist_page, rules_exist_cb);
	}
}

static void
config_start(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];

	leaf_inflight(t, MI_CONFIG);
	collect__call(t, OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE, collect__acct_creds(c, a),
	    a->id, NULL, config_cb);
}

static void
config_fail(struct task *t, const struct collect__verdict *v)
{
	leaf_state(t, MI_CONFIG, v);
}

const struct task_ops collect__config_ops = {
	.name = "Config compliance",
	.start = config_start,
	.fail = config_fail,
};

/* ------------------------------------------------------------- GuardDuty */

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int
collect__detector(const struct collect_account *a, unsigned region, char out[33])
{
	for (size_t i = 0; i < a->ndet; i++) {
		if (a->det[i].region == region) {
			util_hex(a->det[i].id, 16, out);
			return 1;
		}
	}
	return 0;
}

void
collect__detector_set(struct collect_account *a, unsigned region, const char *id)
{
	uint8_t bin[16];
	size_t i;

	for (i = 0; i < a->ndet; i++) {
		if (a->det[i].region == region)
			break;
	}
	if (id == NULL || strlen(id) != 32) {
		if (i < a->ndet)
			a->det[i] = a->det[--a->ndet]; /* forget it */
		return;
	}
	for (int k = 0; k < 16; k++) {
		int hi = hexval(id[2 * k]), lo = hexval(id[2 * k + 1]);

		if (hi < 0 || lo < 0) {
			if (i < a->ndet)
				a->det[i] = a->det[--a->ndet];
			return;
		}
		bin[k] = (uint8_t)(hi << 4 | lo);
	}
	if (i == a->ndet) {
		if (a->ndet == a->capdet) {
			/* Most accounts have a detector in every enabled region: room for a few more each time. */
			a->capdet = (uint16_t)(a->capdet + 8);
			a->det = xreallocarray(a->det, a->capdet, sizeof *a->det);
		}
		a->ndet++;
		a->det[i].region = (uint16_t)region;
	}
	memcpy(a->det[i].id, bin, 16);
}

/* ListDetectors' pages: the first detector id goes to t->arg. */
static int
detectors_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_list_detectors_result r;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	if (guardduty_list_detectors_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: guardduty ListDetectors: %s", cause);
		free(cause);
		t->arg[0] = '\0';
		t->step = 0xff; /* unreadable */
		return 1;
	}
	if (r.ndetector_ids > 0 && t->arg[0] == '\0')
		snprintf(t->arg, sizeof t->arg, "%s", r.detector_ids[0]);
	guardduty_list_detectors_result_done(&r);
	return t->arg[0] != '\0'; /* one is enough */
}

/* Starts ListDetectors for t; done is called with the detector in t->arg (or ""). */
static void
detectors_list(struct task *t, aws_call_cb done)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];
	cJSON *p = cJSON_CreateObject();

	t->arg[0] = '\0';
	t->step = 0;
	cJSON_AddNumberToObject(p, "maxResults", GUARDDUTY_MAX_RESULTS);
	collect__paginate(t, OPS_GUARDDUTY_LIST_DETECTORS, collect__acct_creds(c, a), a->id, p,
	    detectors_page, done);
	cJSON_Delete(p);
}

/*
 * findingCriteria: the account's own findings (a delegated administrator's
 * detector sees every member's too), not archived.
 */
static cJSON *
own_findings(const char *account)
{
	cJSON *fc = cJSON_CreateObject();
	cJSON *crit = cJSON_AddObjectToObject(fc, "criterion");
	cJSON *arch = cJSON_AddObjectToObject(crit, "service.archived");
	cJSON *eq = cJSON_AddArrayToObject(arch, "equals");
	cJSON *acc;

	cJSON_AddItemToArray(eq, cJSON_CreateString("false"));
	acc = cJSON_AddObjectToObject(crit, "accountId");
	eq = cJSON_AddArrayToObject(acc, "equals");
	cJSON_AddItemToArray(eq, cJSON_CreateString(account));
	return fc;
}

static void gd_stats(struct task *t);
static void gd_detectors_cb(const struct aws_result *res, void *arg);

static void
gd_stats_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_get_findings_statistics_result r;
	char *cause = NULL;
	int ma, mr;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		struct collect_account *a = &t->c->accts[t->account];

		/* A detector kept from before may be gone: look again, once. */
		if ((res->err == AWS_ERR_NOT_FOUND || res->err == AWS_ERR_CLIENT) && t->index == 1) {
			collect__detector_set(a, t->region, NULL);
			t->index = 0;
			detectors_list(t, gd_detectors_cb);
			return;
		}
		leaf_failed(t, res);
		return;
	}
	if (guardduty_get_findings_statistics_decode(res->json, &r, &cause) != 0) {
		bad_answer(t, cause);
		return;
	}
	if (cell_of(t, &ma, &mr)) {
		if (r.have & GUARDDUTY_HAVE_BANDS) {
			model_set_guardduty(t->c->m, (size_t)ma, (size_t)mr, r.bands, r.max_severity,
			    util_now());
		} else {
			/* No countBySeverity at all: no findings. */
			static const uint32_t zero[4];

			model_set_guardduty(t->c->m, (size_t)ma, (size_t)mr, zero, 0, util_now());
		}
	}
	guardduty_get_findings_statistics_result_done(&r);
	collect__task_finish(t);
}

static void
gd_stats(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];
	cJSON *p = cJSON_CreateObject(), *types;

	cJSON_AddStringToObject(p, "DetectorId", t->arg);
	types = cJSON_AddArrayToObject(p, "findingStatisticTypes");
	cJSON_AddItemToArray(types, cJSON_CreateString("COUNT_BY_SEVERITY"));
	cJSON_AddItemToObject(p, "findingCriteria", own_findings(a->id));
	t->step = 1;
	collect__call(t, OPS_GUARDDUTY_GET_FINDINGS_STATISTICS, collect__acct_creds(c, a), a->id, p,
	    gd_stats_cb);
	cJSON_Delete(p);
}

static void
gd_detectors_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	int ma, mr;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (t->step == 0xff) {
		struct collect__verdict v;

		memset(&v, 0, sizeof v);
		v.st = MS_ERROR;
		snprintf(v.reason, sizeof v.reason, "bad answer from ListDetectors");
		collect__task_failed(t, &v);
		return;
	}
	if (t->arg[0] == '\0') {
		if (cell_of(t, &ma, &mr))
			model_set_state(t->c->m, (size_t)ma, mr, MI_GUARDDUTY, MS_DISABLED,
			    "GuardDuty not enabled", util_now());
		collect__task_finish(t);
		return;
	}
	collect__detector_set(&t->c->accts[t->account], t->region, t->arg);
	gd_stats(t);
}

static void
gd_start(struct task *t)
{
	struct collect_account *a = &t->c->accts[t->account];

	leaf_inflight(t, MI_GUARDDUTY);
	if (collect__detector(a, t->region, t->arg)) {
		t->index = 1; /* from the cache */
		gd_stats(t);
		return;
	}
	t->index = 0;
	detectors_list(t, gd_detectors_cb);
}

static void
gd_fail(struct task *t, const struct collect__verdict *v)
{
	leaf_state(t, MI_GUARDDUTY, v);
}

const struct task_ops collect__gd_ops = {
	.name = "GuardDuty statistics",
	.start = gd_start,
	.fail = gd_fail,
};

/* ----------------------------------------------------------------- Budgets */

struct budget_acc {
	struct model_budget *b;
	size_t n, cap;
};

static void
budget_free(struct task *t)
{
	struct budget_acc *acc = t->data;

	if (acc == NULL)
		return;
	for (size_t i = 0; i < acc->n; i++)
		free(acc->b[i].name);
	free(acc->b);
	free(acc);
	t->data = NULL;
}

static int
budget_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct budgets_describe_budgets_result r;
	struct budget_acc *acc;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	if (budgets_describe_budgets_decode(res->json, &r, &cause) != 0) {
		snprintf(t->arg, sizeof t->arg, "%.90s", cause);
		free(cause);
		t->step = 0xff;
		return 1;
	}
	if (t->data == NULL)
		t->data = xcalloc(1, sizeof(struct budget_acc));
	acc = t->data;
	for (size_t i = 0; i < r.nbudgets; i++) {
		const struct budgets_budget *in = &r.budgets[i];
		struct model_budget *out;

		/* A budget without a limit or an actual spend says nothing: skip it. */
		if (!in->limit.present || !in->actual.present)
			continue;
		if (acc->n == acc->cap) {
			acc->cap = acc->cap ? acc->cap * 2 : 8;
			acc->b = xreallocarray(acc->b, acc->cap, sizeof *acc->b);
		}
		out = &acc->b[acc->n++];
		memset(out, 0, sizeof *out);
		out->name = xstrdup(in->name != NULL ? in->name : "");
		out->limit = in->limit.amount;
		out->actual = in->actual.amount;
		out->has_forecast = in->forecast.present;
		out->forecast = in->forecast.present ? in->forecast.amount : 0;
		snprintf(out->unit, sizeof out->unit, "%s",
		    in->limit.unit != NULL ? in->limit.unit : "");
		snprintf(out->time_unit, sizeof out->time_unit, "%s",
		    in->time_unit != NULL ? in->time_unit : "");
	}
	budgets_describe_budgets_result_done(&r);
	return 0;
}

static void
budget_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct budget_acc *acc;
	int ma, mr;

	if (collect__task_answer(t, res))
		return;
	if (t->step == 0xff) {
		bad_answer(t, xstrdup(t->arg));
		return;
	}
	/* No budget at all answers NotFoundException in some accounts: that is an empty list. */
	if (res->err != AWS_OK && res->err != AWS_ERR_NOT_FOUND) {
		leaf_failed(t, res);
		return;
	}
	acc = t->data;
	if (cell_of(t, &ma, &mr)) {
		if (acc != NULL) {
			model_set_budgets(t->c->m, (size_t)ma, acc->b, acc->n, util_now());
			acc->b = NULL;
			acc->n = 0;
		} else {
			model_set_budgets(t->c->m, (size_t)ma, NULL, 0, util_now());
		}
	}
	collect__task_finish(t);
}

static void
budget_start(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];
	cJSON *p = cJSON_CreateObject();
	int ma, mr;

	budget_free(t);
	t->step = 0;
	if (cell_of(t, &ma, &mr))
		model_set_inflight(c->m, (size_t)ma, -1, MI_BUDGET, 1);
	cJSON_AddStringToObject(p, "AccountId", a->id);
	cJSON_AddNumberToObject(p, "MaxResults", BUDGETS_PAGE);
	collect__paginate(t, OPS_BUDGETS_DESCRIBE_BUDGETS, collect__acct_creds(c, a), a->id, p,
	    budget_page, budget_cb);
	cJSON_Delete(p);
}

static void
budget_fail(struct task *t, const struct collect__verdict *v)
{
	leaf_state(t, MI_BUDGET, v);
}

const struct task_ops collect__budget_ops = {
	.name = "Budgets",
	.start = budget_start,
	.fail = budget_fail,
	.free_data = budget_free,
};

/* ------------------------------------------------------------ the detail */

struct detail_acc {
	unsigned rules_pending, find_pending;
	struct model_rule *rules;
	size_t nrules, caprules;
	struct model_finding *finds;
	size_t nfinds, capfinds;
	int rules_ok, find_ok;          /* some region answered */
	enum model_state rules_st, find_st;
	char rules_why[256], find_why[256];
};

void
collect__detail_free(struct detail_acc *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nrules; i++)
		free(d->rules[i].name);
	free(d->rules);
	for (size_t i = 0; i < d->nfinds; i++) {
		free(d->finds[i].id);
		free(d->finds[i].title);
		free(d->finds[i].type);
		free(d->finds[i].description);
		free(d->finds[i].resource);
	}
	free(d->finds);
	free(d);
}

static int
finding_cmp(const void *x, const void *y)
{
	const struct model_finding *a = x, *b = y;

	if (a->severity != b->severity)
		return a->severity < b->severity ? 1 : -1;
	if (a->updated_at != b->updated_at)
		return a->updated_at < b->updated_at ? 1 : -1;
	return 0;
}

/* Hands what the detail collected to the model once both halves are in. */
static void
detail_commit(struct collect *c, int32_t i)
{
	struct collect_account *a = &c->accts[i];
	struct detail_acc *d = a->detail;
	int ma = a->model;
	double now = util_now();

	if (d->rules_pending > 0 || d->find_pending > 0)
		return;
	if (ma >= 0) {
		if (d->rules_ok || d->rules_st == MS_OK) {
			model_set_detail_rules(c->m, (size_t)ma, d->rules, d->nrules, now);
			d->rules = NULL;
			d->nrules = 0;
		} else {
			model_set_detail_state(c->m, (size_t)ma, 0, d->rules_st, d->rules_why, now);
		}
		if (d->find_ok || d->find_st == MS_OK) {
			if (d->nfinds > 1) /* (qsort of NULL, 0 is undefined) */
				qsort(d->finds, d->nfinds, sizeof *d->finds, finding_cmp);
			while (d->nfinds > TOP_FINDINGS) {
				struct model_finding *f = &d->finds[--d->nfinds];

				free(f->id);
				free(f->title);
				free(f->type);
				free(f->description);
				free(f->resource);
			}
			model_set_detail_findings(c->m, (size_t)ma, d->finds, d->nfinds, now);
			d->finds = NULL;
			d->nfinds = 0;
		} else {
			model_set_detail_state(c->m, (size_t)ma, 1, d->find_st, d->find_why, now);
		}
	}
	collect__detail_free(d);
	a->detail = NULL;
}

/* A region's part of the detail ended without a value. */
static void
detail_part_failed(struct task *t, int findings, const struct collect__verdict *v)
{
	struct detail_acc *d = t->c->accts[t->account].detail;

	if (d == NULL || v->st == MS_THROTTLED)
		return;
	if (findings) {
		d->find_st = v->st;
		snprintf(d->find_why, sizeof d->find_why, "%s", v->reason);
		d->find_pending--;
	} else {
		d->rules_st = v->st;
		snprintf(d->rules_why, sizeof d->rules_why, "%s", v->reason);
		d->rules_pending--;
	}
	detail_commit(t->c, t->account);
}

static int
rules_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct configservice_describe_compliance_by_config_rule_result r;
	struct detail_acc *d;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	d = t->c->accts[t->account].detail;
	if (configservice_describe_compliance_by_config_rule_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: config DescribeComplianceByConfigRule: %s", cause);
		free(cause);
		return 1;
	}
	for (size_t k = 0; k < r.nrules && d != NULL; k++) {
		const struct configservice_rule_compliance *rc = &r.rules[k];
		struct model_rule *out;

		if (rc->compliance != CONFIGSERVICE_NON_COMPLIANT)
			continue;
		if (d->nrules == d->caprules) {
			d->caprules = d->caprules ? d->caprules * 2 : 16;
			d->rules = xreallocarray(d->rules, d->caprules, sizeof *d->rules);
		}
		out = &d->rules[d->nrules++];
		memset(out, 0, sizeof *out);
		out->region = collect__region_model(t->c, t->region);
		out->name = xstrdup(rc->name != NULL ? rc->name : "");
		out->count = (uint16_t)(rc->count.count > 65535 ? 65535 : rc->count.count);
		out->capped = (uint8_t)(rc->count.capped || rc->count.count > 65535);
	}
	configservice_describe_compliance_by_config_rule_result_done(&r);
	return 0;
}

static void
rules_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct detail_acc *d;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	d = t->c->accts[t->account].detail;
	if (d != NULL) {
		d->rules_ok = 1;
		d->rules_pending--;
		detail_commit(t->c, t->account);
	}
	collect__task_finish(t);
}

static void
rules_start(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];
	cJSON *p = cJSON_CreateObject(), *types = cJSON_AddArrayToObject(p, "ComplianceTypes");

	cJSON_AddItemToArray(types, cJSON_CreateString("NON_COMPLIANT"));
	collect__paginate(t, OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE,
	    collect__acct_creds(c, a), a->id, p, rules_page, rules_cb);
	cJSON_Delete(p);
}

static void
rules_fail(struct task *t, const struct collect__verdict *v)
{
	detail_part_failed(t, 0, v);
}

const struct task_ops collect__rules_ops = {
	.name = "Config rules",
	.start = rules_start,
	.fail = rules_fail,
};

/* TK_FINDINGS: [ListDetectors] -> ListFindings (top 25, severity DESC) -> GetFindings. */
static void findings_list(struct task *t);

static void
getfindings_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_get_findings_result r;
	struct detail_acc *d;
	char *cause = NULL;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (guardduty_get_findings_decode(res->json, &r, &cause) != 0) {
		bad_answer(t, cause);
		return;
	}
	d = t->c->accts[t->account].detail;
	for (size_t k = 0; k < r.nfindings && d != NULL; k++) {
		const struct guardduty_finding *f = &r.findings[k];
		struct model_finding *out;

		if (f->archived)
			continue;
		if (d->nfinds == d->capfinds) {
			d->capfinds = d->capfinds ? d->capfinds * 2 : 32;
			d->finds = xreallocarray(d->finds, d->capfinds, sizeof *d->finds);
		}
		out = &d->finds[d->nfinds++];
		memset(out, 0, sizeof *out);
		out->id = xstrdup(f->id != NULL ? f->id : "");
		out->title = xstrdup(f->title != NULL ? f->title : "");
		out->type = xstrdup(f->type != NULL ? f->type : "");
		out->description = xstrdup(f->description != NULL ? f->description : "");
		out->resource = xstrdup(f->resource != NULL ? f->resource : "");
		out->severity = f->severity;
		out->region = collect__region_model(t->c, t->region);
		out->updated_at = f->updated_at;
		out->count = f->count;
	}
	guardduty_get_findings_result_done(&r);
	if (d != NULL) {
		d->find_ok = 1;
		d->find_pending--;
		detail_commit(t->c, t->account);
	}
	collect__task_finish(t);
}

static void
listfindings_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_list_findings_result r;
	struct collect *c;
	struct collect_account *a;
	char *cause = NULL;
	cJSON *p, *ids;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (guardduty_list_findings_decode(res->json, &r, &cause) != 0) {
		bad_answer(t, cause);
		return;
	}
	c = t->c;
	a = &c->accts[t->account];
	if (r.nfinding_ids == 0) {
		guardduty_list_findings_result_done(&r);
		if (a->detail != NULL) {
			a->detail->find_ok = 1;
			a->detail->find_pending--;
			detail_commit(c, t->account);
		}
		collect__task_finish(t);
		return;
	}
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "DetectorId", t->arg);
	ids = cJSON_AddArrayToObject(p, "findingIds");
	for (size_t k = 0; k < r.nfinding_ids && k < TOP_FINDINGS; k++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(r.finding_ids[k]));
	guardduty_list_findings_result_done(&r);
	t->step = 2;
	collect__call(t, OPS_GUARDDUTY_GET_FINDINGS, collect__acct_creds(c, a), a->id, p,
	    getfindings_cb);
	cJSON_Delete(p);
}

static void
findings_list(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = &c->accts[t->account];
	cJSON *p = cJSON_CreateObject(), *sort;

	cJSON_AddStringToObject(p, "DetectorId", t->arg);
	cJSON_AddItemToObject(p, "findingCriteria", own_findings(a->id));
	sort = cJSON_AddObjectToObject(p, "sortCriteria");
	cJSON_AddStringToObject(sort, "attributeName", "severity");
	cJSON_AddStringToObject(sort, "orderBy", "DESC");
	cJSON_AddNumberToObject(p, "maxResults", TOP_FINDINGS);
	t->step = 1;
	collect__call(t, OPS_GUARDDUTY_LIST_FINDINGS, collect__acct_creds(c, a), a->id, p,
	    listfindings_cb);
	cJSON_Delete(p);
}

static void
findings_detectors_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct detail_acc *d;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		leaf_failed(t, res);
		return;
	}
	if (t->arg[0] == '\0') {
		/* GuardDuty is not enabled there: nothing to show, and not an error. */
		d = t->c->accts[t->account].detail;
		if (d != NULL) {
			d->find_pending--;
			detail_commit(t->c, t->account);
		}
		collect__task_finish(t);
		return;
	}
	collect__detector_set(&t->c->accts[t->account], t->region, t->arg);
	findings_list(t);
}

static void
findings_start(struct task *t)
{
	if (collect__detector(&t->c->accts[t->account], t->region, t->arg)) {
		findings_list(t);
		return;
	}
	detectors_list(t, findings_detectors_cb);
}

static void
findings_fail(struct task *t, const struct collect__verdict *v)
{
	detail_part_failed(t, 1, v);
}

const struct task_ops collect__findings_ops = {
	.name = "GuardDuty findings",
	.start = findings_start,
	.fail = findings_fail,
};

/* 1 if the cell says there is nothing to look at there. */
static int
skip_region(const struct model_status *st)
{
	return st == NULL || st->state == MS_REGION_OFF || st->state == MS_DISABLED ||
	    st->state == MS_DENIED;
}

void
collect__detail_start(struct collect *c, int32_t i)
{
	struct collect_account *a = collect__acct(c, i);
	struct detail_acc *d;
	double now = util_now();

	if (a == NULL || a->model < 0 || a->detail != NULL)
		return;
	if (a->phase != AP_READY) {
		enum model_state st = a->phase == AP_DENIED ? MS_DENIED :
		    a->phase == AP_INACTIVE ? MS_DISABLED : a->phase == AP_ERROR ? MS_ERROR : MS_LOADING;
		const char *why = a->reason != NULL ? a->reason :
		    a->phase == AP_INACTIVE ? "account not ACTIVE" : NULL;

		model_set_detail_state(c->m, (size_t)a->model, 0, st, why, now);
		model_set_detail_state(c->m, (size_t)a->model, 1, st, why, now);
		return;
	}
	d = xcalloc(1, sizeof *d);
	d->rules_st = d->find_st = MS_OK;
	/* One extra on each count while the tasks are queued: none can commit early. */
	d->rules_pending = d->find_pending = 1;
	a->detail = d;
	model_set_detail_state(c->m, (size_t)a->model, 0, MS_LOADING, NULL, now);
	model_set_detail_state(c->m, (size_t)a->model, 1, MS_LOADING, NULL, now);
	for (unsigned r = 1; r < c->nregions; r++) {
		int mr = c->regions[r].model;
		const struct model_status *cst, *gst;
		const struct model_cell *cell;
		struct task *t;

		if (mr < 0 || (a->regions_known && !regmask_test(&a->enabled, r)))
			continue;
		cst = model_status_of(c->m, (size_t)a->model, mr, MI_CONFIG);
		gst = model_status_of(c->m, (size_t)a->model, mr, MI_GUARDDUTY);
		cell = model_cell(c->m, (size_t)a->model, (size_t)mr);
		if (!skip_region(cst) && !(cell != NULL && (cst->flags & MF_HAS_VALUE) &&
		    cell->config.noncompliant == 0 && cst->state == MS_OK)) {
			t = collect__task_new(c, TK_RULES, i, r, SRC_CONFIG, LANE_URGENT);
			d->rules_pending++;
			collect__task_queue(t);
		}
		if (!skip_region(gst) && !(cell != NULL && (gst->flags & MF_HAS_VALUE) &&
		    gst->state == MS_OK && cell->gd.low + cell->gd.medium + cell->gd.high +
		    cell->gd.critical == 0)) {
			t = collect__task_new(c, TK_FINDINGS, i, r, SRC_GUARDDUTY, LANE_URGENT);
			d->find_pending++;
			collect__task_queue(t);
		}
	}
	d->rules_pending--;
	d->find_pending--;
	detail_commit(c, i);
}
