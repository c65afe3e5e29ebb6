/*
 * configservice.c: AWS Config requests and answers.
 */
#include "core/services/configservice.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svc.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CONFIGSERVICE_COUNT_MAX UINT32_MAX

static const char *const configservice_compliance_names[CONFIGSERVICE__COUNT] = {
	[CONFIGSERVICE_UNKNOWN] = NULL,
	[CONFIGSERVICE_COMPLIANT] = "COMPLIANT",
	[CONFIGSERVICE_NON_COMPLIANT] = "NON_COMPLIANT",
	[CONFIGSERVICE_NOT_APPLICABLE] = "NOT_APPLICABLE",
	[CONFIGSERVICE_INSUFFICIENT_DATA] = "INSUFFICIENT_DATA",
};

static const char *const configservice_group_names[CONFIGSERVICE_GROUP__COUNT] = {
	[CONFIGSERVICE_GROUP_NONE] = NULL,
	[CONFIGSERVICE_GROUP_ACCOUNT_ID] = "ACCOUNT_ID",
	[CONFIGSERVICE_GROUP_AWS_REGION] = "AWS_REGION",
};

const char *
configservice_compliance_name(enum configservice_compliance c)
{
	if ((unsigned)c >= CONFIGSERVICE__COUNT)
		return NULL;
	return configservice_compliance_names[c];
}

/* ---- shared pieces ---- */

static int
configservice__names_arg(const char *op, const char *what, const char *const *v, size_t n,
    size_t max, char **cause)
{
	if (n > max) {
		if (cause != NULL)
			*cause = xasprintf("%s: at most %zu %s, not %zu", op, max, what, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (svc_arg_str(op, what, v[i], cause) < 0)
			return -1;
	}
	return 0;
}

/* A capped count object at obj.key: {CappedCount, CapExceeded}. */
static int
configservice__count(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    struct configservice_count *out)
{
	const cJSON *c = NULL;
	uint64_t n = 0;
	int present = 0, capped = 0;
	char w[160];

	if (svc_obj(d, obj, where, key, 0, &c) < 0)
		return -1;
	if (c == NULL)
		return 0;
	svc_where_key(w, sizeof w, where, key);
	if (cJSON_GetObjectItemCaseSensitive(c, "CappedCount") != NULL &&
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "CappedCount"))) {
		if (svc_uint(d, c, w, "CappedCount", SVC_REQUIRED, CONFIGSERVICE_COUNT_MAX, &n) < 0)
			return -1;
		present = 1;
	}
	if (svc_bool(d, c, w, "CapExceeded", 0, &capped) < 0)
		return -1;
	out->present = present;
	out->count = (uint32_t)n;
	out->capped = present && capped;
	return 0;
}

static int
configservice__summary(struct svc_dec *d, const cJSON *s, const char *where,
    struct configservice_summary *out)
{
	if (configservice__count(d, s, where, "CompliantResourceCount", &out->compliant) < 0 ||
	    configservice__count(d, s, where, "NonCompliantResourceCount", &out->noncompliant) < 0 ||
	    svc_time(d, s, where, "ComplianceSummaryTimestamp", 0, &out->timestamp) < 0)
		return -1;
	return 0;
}

/* obj.Compliance: {ComplianceType, ComplianceContributorCount}. */
static int
configservice__compliance(struct svc_dec *d, const cJSON *obj, const char *where,
    enum configservice_compliance *type, struct configservice_count *count)
{
	const cJSON *c = NULL;
	int t = CONFIGSERVICE_UNKNOWN;
	char w[160];

	if (svc_obj(d, obj, where, "Compliance", 0, &c) < 0)
		return -1;
	if (c == NULL)
		return 0;
	svc_where_key(w, sizeof w, where, "Compliance");
	if (svc_enum(d, c, w, "ComplianceType", 0, configservice_compliance_names,
		CONFIGSERVICE__COUNT, CONFIGSERVICE_UNKNOWN, &t) < 0 ||
	    configservice__count(d, c, w, "ComplianceContributorCount", count) < 0)
		return -1;
	*type = (enum configservice_compliance)t;
	return 0;
}

/* ---- GetComplianceSummaryByConfigRule ---- */

int
configservice_get_compliance_summary_by_config_rule_request(struct ops_request *out,
    char **cause)
{
	struct ops_request r;
	struct svc_body b;

	svc_request_init(&r, OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE);
	svc_body_init(&b);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;
}

int
configservice_get_compliance_summary_by_config_rule_decode(const cJSON *root,
    struct configservice_get_compliance_summary_by_config_rule_result *out, char **cause)
{
	struct configservice_get_compliance_summary_by_config_rule_result r = {0};
	struct svc_dec d;
	const cJSON *s = NULL;

	svc_dec_init(&d, "GetComplianceSummaryByConfigRule", cause);
	if (svc_root(&d, root) < 0 || svc_obj(&d, root, "", "ComplianceSummary", 0, &s) < 0)
		return -1;
	if (s != NULL) {
		if (configservice__summary(&d, s, "ComplianceSummary", &r.summary) < 0)
			return -1;
		r.present = 1;
	}
	*out = r;
	return 0;
}

void
configservice_get_compliance_summary_by_config_rule_result_done(
    struct configservice_get_compliance_summary_by_config_rule_result *r)
{
	if (r != NULL)
		memset(r, 0, sizeof *r);
}

/* ---- DescribeComplianceByConfigRule ---- */

int
configservice_describe_compliance_by_config_rule_request(struct ops_request *out,
    const char *const *rule_names, size_t nrule_names, unsigned compliance_filter,
    const char *next_token, char **cause)
{
	struct ops_request r;
	struct svc_body b;
	const unsigned allowed = CONFIGSERVICE_BIT(CONFIGSERVICE_COMPLIANT) |
				 CONFIGSERVICE_BIT(CONFIGSERVICE_NON_COMPLIANT) |
				 CONFIGSERVICE_BIT(CONFIGSERVICE_INSUFFICIENT_DATA);

	svc_request_init(&r, OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE);
	if (configservice__names_arg(r.op->name, "ConfigRuleNames", rule_names, nrule_names, 25,
		cause) < 0)
		goto out_free_request;
	if ((compliance_filter & ~allowed) != 0) {
		if (cause != NULL)
			*cause = xasprintf("%s: ComplianceTypes may hold only COMPLIANT, "
					   "NON_COMPLIANT and INSUFFICIENT_DATA",
			    r.op->name);
		goto out_free_request;
	}
	svc_body_init(&b);
	if (nrule_names > 0)
		svc_body_strs(&b, b.root, "ConfigRuleNames", rule_names, nrule_names);
	if (compliance_filter != 0) {
		cJSON *arr = svc_body_arr(&b, b.root, "ComplianceTypes");

		/* The order botocore's users write: the interesting type first. */
		static const enum configservice_compliance order[] = {CONFIGSERVICE_NON_COMPLIANT,
		    CONFIGSERVICE_COMPLIANT, CONFIGSERVICE_INSUFFICIENT_DATA};
		for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
			if (compliance_filter & CONFIGSERVICE_BIT(order[i]))
				svc_body_arr_str(&b, arr, configservice_compliance_names[order[i]]);
		}
	}
	if (svc_arg_token(next_token))
		svc_body_str(&b, b.root, "NextToken", next_token);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;

out_free_request:
	ops_request_done(&r);
	return -1;
}

void
configservice_describe_compliance_by_config_rule_result_done(
    struct configservice_describe_compliance_by_config_rule_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->rules != NULL && i < r->nrules; i++)
		free(r->rules[i].name);
	free(r->rules);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
configservice_describe_compliance_by_config_rule_decode(const cJSON *root,
    struct configservice_describe_compliance_by_config_rule_result *out, char **cause)
{
	struct configservice_describe_compliance_by_config_rule_result r = {0};
	struct svc_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svc_dec_init(&d, "DescribeComplianceByConfigRule", cause);
	if (svc_root(&d, root) < 0 ||
	    svc_arr(&d, root, "", "ComplianceByConfigRules", 0, SVC_MAX_ITEMS, &arr, &r.nrules) < 0 ||
	    svc_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrules > 0)
		r.rules = xcalloc(r.nrules, sizeof *r.rules);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_rule_compliance *rc = &r.rules[i];

		svc_where(w, sizeof w, "", "ComplianceByConfigRules", i);
		if (svc_item_obj(&d, e, w) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleName", SVC_REQUIRED | SVC_NONEMPTY, &rc->name) < 0 ||
		    configservice__compliance(&d, e, w, &rc->compliance, &rc->count) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_describe_compliance_by_config_rule_result_done(&r);
	return -1;
}

/* ---- DescribeConfigRules ---- */

int
configservice_describe_config_rules_request(struct ops_request *out,
    const char *const *rule_names, size_t nrule_names, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svc_body b;

	svc_request_init(&r, OPS_CONFIG_DESCRIBE_CONFIG_RULES);
	if (configservice__names_arg(r.op->name, "ConfigRuleNames", rule_names, nrule_names, 25,
		cause) < 0) {
		ops_request_done(&r);
		return -1;
	}
	svc_body_init(&b);
	if (nrule_names > 0)
		svc_body_strs(&b, b.root, "ConfigRuleNames", rule_names, nrule_names);
	if (svc_arg_token(next_token))
		svc_body_str(&b, b.root, "NextToken", next_token);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;
}

void
configservice_describe_config_rules_result_done(
    struct configservice_describe_config_rules_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->rules != NULL && i < r->nrules; i++) {
		struct configservice_rule *x = &r->rules[i];

		free(x->name);
		free(x->arn);
		free(x->id);
		free(x->description);
		free(x->state);
		free(x->source_owner);
		free(x->source_identifier);
	}
	free(r->rules);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
configservice_describe_config_rules_decode(const cJSON *root,
    struct configservice_describe_config_rules_result *out, char **cause)
{
	struct configservice_describe_config_rules_result r = {0};
	struct svc_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64], ws[80];

	svc_dec_init(&d, "DescribeConfigRules", cause);
	if (svc_root(&d, root) < 0 ||
	    svc_arr(&d, root, "", "ConfigRules", 0, SVC_MAX_ITEMS, &arr, &r.nrules) < 0 ||
	    svc_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrules > 0)
		r.rules = xcalloc(r.nrules, sizeof *r.rules);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_rule *x = &r.rules[i];
		const cJSON *src = NULL;

		svc_where(w, sizeof w, "", "ConfigRules", i);
		svc_where_key(ws, sizeof ws, w, "Source");
		if (svc_item_obj(&d, e, w) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleName", SVC_REQUIRED | SVC_NONEMPTY, &x->name) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleArn", 0, &x->arn) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleId", 0, &x->id) < 0 ||
		    svc_dup(&d, e, w, "Description", 0, &x->description) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleState", 0, &x->state) < 0 ||
		    svc_obj(&d, e, w, "Source", 0, &src) < 0 ||
		    svc_dup(&d, src, ws, "Owner", 0, &x->source_owner) < 0 ||
		    svc_dup(&d, src, ws, "SourceIdentifier", 0, &x->source_identifier) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_describe_config_rules_result_done(&r);
	return -1;
}

/* ---- DescribeConfigurationAggregators ---- */

int
configservice_describe_configuration_aggregators_request(struct ops_request *out,
    const char *const *names, size_t nnames, int limit, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svc_body b;

	svc_request_init(&r, OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS);
	if (configservice__names_arg(r.op->name, "ConfigurationAggregatorNames", names, nnames,
		10, cause) < 0 ||
	    (limit != 0 && svc_arg_range(r.op->name, "Limit", limit, 1, 100, cause) < 0)) {
		ops_request_done(&r);
		return -1;
	}
	svc_body_init(&b);
	if (nnames > 0)
		svc_body_strs(&b, b.root, "ConfigurationAggregatorNames", names, nnames);
	if (limit != 0)
		svc_body_num(&b, b.root, "Limit", limit);
	if (svc_arg_token(next_token))
		svc_body_str(&b, b.root, "NextToken", next_token);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;
}

void
configservice_describe_configuration_aggregators_result_done(
    struct configservice_describe_configuration_aggregators_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->aggregators != NULL && i < r->naggregators; i++) {
		struct configservice_aggregator *a = &r->aggregators[i];

		free(a->name);
		free(a->arn);
		free(a->org_role_arn);
		svc_free_strv(a->regions, a->nregions);
	}
	free(r->aggregators);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

static int
configservice__aggregator(struct svc_dec *d, const cJSON *e, const char *w,
    struct configservice_aggregator *a)
{
	const cJSON *org = NULL, *regions = NULL, *accts = NULL, *x;
	char wo[96], wr[128];
	size_t i = 0;

	svc_where_key(wo, sizeof wo, w, "OrganizationAggregationSource");
	if (svc_item_obj(d, e, w) < 0 ||
	    svc_dup(d, e, w, "ConfigurationAggregatorName", SVC_REQUIRED | SVC_NONEMPTY,
		&a->name) < 0 ||
	    svc_dup(d, e, w, "ConfigurationAggregatorArn", 0, &a->arn) < 0 ||
	    svc_arr(d, e, w, "AccountAggregationSources", 0, SVC_MAX_ITEMS, &accts,
		&a->naccount_sources) < 0 ||
	    svc_obj(d, e, w, "OrganizationAggregationSource", 0, &org) < 0)
		return -1;
	if (org == NULL)
		return 0;
	a->org_source = 1;
	if (svc_dup(d, org, wo, "RoleArn", 0, &a->org_role_arn) < 0 ||
	    svc_bool(d, org, wo, "AllAwsRegions", 0, &a->all_regions) < 0 ||
	    svc_arr(d, org, wo, "AwsRegions", 0, SVC_MAX_ITEMS, &regions, &a->nregions) < 0)
		return -1;
	if (a->nregions > 0)
		a->regions = xcalloc(a->nregions, sizeof *a->regions);
	for (x = regions != NULL ? regions->child : NULL; x != NULL; x = x->next, i++) {
		svc_where(wr, sizeof wr, wo, "AwsRegions", i);
		if (svc_item_dup(d, x, wr, SVC_NONEMPTY, &a->regions[i]) < 0)
			return -1;
	}
	return 0;
}

int
configservice_describe_configuration_aggregators_decode(const cJSON *root,
    struct configservice_describe_configuration_aggregators_result *out, char **cause)
{
	struct configservice_describe_configuration_aggregators_result r = {0};
	struct svc_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svc_dec_init(&d, "DescribeConfigurationAggregators", cause);
	if (svc_root(&d, root) < 0 ||
	    svc_arr(&d, root, "", "ConfigurationAggregators", 0, SVC_MAX_ITEMS, &arr,
		&r.naggregators) < 0 ||
	    svc_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.naggregators > 0)
		r.aggregators = xcalloc(r.naggregators, sizeof *r.aggregators);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svc_where(w, sizeof w, "", "ConfigurationAggregators", i);
		if (configservice__aggregator(&d, e, w, &r.aggregators[i]) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_describe_configuration_aggregators_result_done(&r);
	return -1;
}

/* ---- DescribeAggregateComplianceByConfigRules ---- */

int
configservice_describe_aggregate_compliance_by_config_rules_request(struct ops_request *out,
    const char *aggregator, const struct configservice_aggregate_filter *filter, int limit,
    const char *next_token, char **cause)
{
	struct ops_request r;
	struct svc_body b;
	cJSON *f = NULL;

	svc_request_init(&r, OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES);
	if (svc_arg_str(r.op->name, "ConfigurationAggregatorName", aggregator, cause) < 0 ||
	    (limit != 0 && svc_arg_range(r.op->name, "Limit", limit, 1, 1000, cause) < 0) ||
	    (filter != NULL && filter->account_id != NULL &&
		svc_arg_account(r.op->name, "Filters.AccountId", filter->account_id, cause) < 0))
		goto out_free_request;
	if (filter != NULL && filter->compliance != CONFIGSERVICE_UNKNOWN &&
	    filter->compliance != CONFIGSERVICE_COMPLIANT &&
	    filter->compliance != CONFIGSERVICE_NON_COMPLIANT) {
		if (cause != NULL)
			*cause = xasprintf("%s: Filters.ComplianceType must be COMPLIANT or "
					   "NON_COMPLIANT",
			    r.op->name);
		goto out_free_request;
	}
	svc_body_init(&b);
	svc_body_str(&b, b.root, "ConfigurationAggregatorName", aggregator);
	if (filter != NULL && (filter->rule_name != NULL || filter->account_id != NULL ||
				  filter->region != NULL || filter->compliance != CONFIGSERVICE_UNKNOWN))
		f = svc_body_obj(&b, b.root, "Filters");
	if (f != NULL) {
		if (filter->rule_name != NULL)
			svc_body_str(&b, f, "ConfigRuleName", filter->rule_name);
		if (filter->compliance != CONFIGSERVICE_UNKNOWN)
			svc_body_str(&b, f, "ComplianceType",
			    configservice_compliance_names[filter->compliance]);
		if (filter->account_id != NULL)
			svc_body_str(&b, f, "AccountId", filter->account_id);
		if (filter->region != NULL)
			svc_body_str(&b, f, "AwsRegion", filter->region);
	}
	if (limit != 0)
		svc_body_num(&b, b.root, "Limit", limit);
	if (svc_arg_token(next_token))
		svc_body_str(&b, b.root, "NextToken", next_token);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;

out_free_request:
	ops_request_done(&r);
	return -1;
}

void
configservice_describe_aggregate_compliance_by_config_rules_result_done(
    struct configservice_describe_aggregate_compliance_by_config_rules_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->rows != NULL && i < r->nrows; i++) {
		free(r->rows[i].rule_name);
		free(r->rows[i].region);
	}
	free(r->rows);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
configservice_describe_aggregate_compliance_by_config_rules_decode(const cJSON *root,
    struct configservice_describe_aggregate_compliance_by_config_rules_result *out, char **cause)
{
	struct configservice_describe_aggregate_compliance_by_config_rules_result r = {0};
	struct svc_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[80];

	svc_dec_init(&d, "DescribeAggregateComplianceByConfigRules", cause);
	if (svc_root(&d, root) < 0 ||
	    svc_arr(&d, root, "", "AggregateComplianceByConfigRules", 0, SVC_MAX_ITEMS, &arr,
		&r.nrows) < 0 ||
	    svc_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrows > 0)
		r.rows = xcalloc(r.nrows, sizeof *r.rows);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_aggregate_rule *x = &r.rows[i];

		svc_where(w, sizeof w, "", "AggregateComplianceByConfigRules", i);
		if (svc_item_obj(&d, e, w) < 0 ||
		    svc_dup(&d, e, w, "ConfigRuleName", SVC_REQUIRED | SVC_NONEMPTY,
			&x->rule_name) < 0 ||
		    configservice__compliance(&d, e, w, &x->compliance, &x->count) < 0 ||
		    svc_account(&d, e, w, "AccountId", SVC_REQUIRED, x->account_id) < 0 ||
		    svc_ident(&d, e, w, "AwsRegion", SVC_REQUIRED, 64, &x->region) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_describe_aggregate_compliance_by_config_rules_result_done(&r);
	return -1;
}

/* ---- GetAggregateConfigRuleComplianceSummary ---- */

int
configservice_get_aggregate_config_rule_compliance_summary_request(struct ops_request *out,
    const char *aggregator, enum configservice_group_by group_by, const char *filter_account,
    const char *filter_region, int limit, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svc_body b;

	svc_request_init(&r, OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY);
	if (svc_arg_str(r.op->name, "ConfigurationAggregatorName", aggregator, cause) < 0 ||
	    (limit != 0 && svc_arg_range(r.op->name, "Limit", limit, 1, 1000, cause) < 0) ||
	    (filter_account != NULL &&
		svc_arg_account(r.op->name, "Filters.AccountId", filter_account, cause) < 0) ||
	    svc_arg_range(r.op->name, "GroupByKey", group_by, 0, CONFIGSERVICE_GROUP__COUNT - 1,
		cause) < 0) {
		ops_request_done(&r);
		return -1;
	}
	svc_body_init(&b);
	svc_body_str(&b, b.root, "ConfigurationAggregatorName", aggregator);
	if (group_by != CONFIGSERVICE_GROUP_NONE)
		svc_body_str(&b, b.root, "GroupByKey", configservice_group_names[group_by]);
	if (filter_account != NULL || filter_region != NULL) {
		cJSON *f = svc_body_obj(&b, b.root, "Filters");

		if (filter_account != NULL)
			svc_body_str(&b, f, "AccountId", filter_account);
		if (filter_region != NULL)
			svc_body_str(&b, f, "AwsRegion", filter_region);
	}
	if (limit != 0)
		svc_body_num(&b, b.root, "Limit", limit);
	if (svc_arg_token(next_token))
		svc_body_str(&b, b.root, "NextToken", next_token);
	if (svc_request_body(&r, &b, cause) < 0)
		return -1;
	*out = r;
	return 0;
}

void
configservice_get_aggregate_config_rule_compliance_summary_result_done(
    struct configservice_get_aggregate_config_rule_compliance_summary_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->groups != NULL && i < r->ngroups; i++)
		free(r->groups[i].name);
	free(r->groups);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
configservice_get_aggregate_config_rule_compliance_summary_decode(const cJSON *root,
    struct configservice_get_aggregate_config_rule_compliance_summary_result *out, char **cause)
{
	struct configservice_get_aggregate_config_rule_compliance_summary_result r = {0};
	struct svc_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	int by = CONFIGSERVICE_GROUP_NONE;
	char w[64], ws[96];

	svc_dec_init(&d, "GetAggregateConfigRuleComplianceSummary", cause);
	if (svc_root(&d, root) < 0 ||
	    svc_enum(&d, root, "", "GroupByKey", 0, configservice_group_names,
		CONFIGSERVICE_GROUP__COUNT, CONFIGSERVICE_GROUP_NONE, &by) < 0 ||
	    svc_arr(&d, root, "", "AggregateComplianceCounts", 0, SVC_MAX_ITEMS, &arr,
		&r.ngroups) < 0 ||
	    svc_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	r.group_by = (enum configservice_group_by)by;
	if (r.ngroups > 0)
		r.groups = xcalloc(r.ngroups, sizeof *r.groups);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		const cJSON *s = NULL;

		svc_where(w, sizeof w, "", "AggregateComplianceCounts", i);
		svc_where_key(ws, sizeof ws, w, "ComplianceSummary");
		if (svc_item_obj(&d, e, w) < 0 ||
		    svc_dup(&d, e, w, "GroupName", SVC_REQUIRED | SVC_NONEMPTY,
			&r.groups[i].name) < 0 ||
		    svc_obj(&d, e, w, "ComplianceSummary", 0, &s) < 0 ||
		    (s != NULL && configservice__summary(&d, s, ws, &r.groups[i].summary) < 0))
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&r);
	return -1;
}
