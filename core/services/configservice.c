/*
 * configservice.c: AWS Config requests and answers.
 */
#include "core/services/configservice.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
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
		if (svcio_arg_str(op, what, v[i], cause) < 0)
			return -1;
	}
	return 0;
}

/* A capped count object at obj.key: {CappedCount, CapExceeded}. */
static int
configservice__count(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
                     struct configservice_count *out)
{
	const cJSON *c = NULL;
	uint64_t n = 0;
	int present = 0, capped = 0;
	char w[160];

	if (svcio_obj(d, obj, where, key, 0, &c) < 0)
		return -1;
	if (c == NULL)
		return 0;
	svcio_where_key(w, sizeof w, where, key);
	if (cJSON_GetObjectItemCaseSensitive(c, "CappedCount") != NULL &&
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "CappedCount"))) {
		if (svcio_uint(d, c, w, "CappedCount", SVCIO_REQUIRED, CONFIGSERVICE_COUNT_MAX,
		               &n) < 0)
			return -1;
		present = 1;
	}
	if (svcio_bool(d, c, w, "CapExceeded", 0, &capped) < 0)
		return -1;
	out->present = present;
	out->count = (uint32_t)n;
	out->capped = present && capped;
	return 0;
}

static int
configservice__summary(struct svcio_dec *d, const cJSON *s, const char *where,
                       struct configservice_summary *out)
{
	if (configservice__count(d, s, where, "CompliantResourceCount", &out->compliant) < 0 ||
	    configservice__count(d, s, where, "NonCompliantResourceCount", &out->noncompliant) <
	        0 ||
	    svcio_time(d, s, where, "ComplianceSummaryTimestamp", 0, &out->timestamp) < 0)
		return -1;
	return 0;
}

/* obj.Compliance: {ComplianceType, ComplianceContributorCount}. */
static int
configservice__compliance(struct svcio_dec *d, const cJSON *obj, const char *where,
                          enum configservice_compliance *type, struct configservice_count *count)
{
	const cJSON *c = NULL;
	int t = CONFIGSERVICE_UNKNOWN;
	char w[160];

	if (svcio_obj(d, obj, where, "Compliance", 0, &c) < 0)
		return -1;
	if (c == NULL)
		return 0;
	svcio_where_key(w, sizeof w, where, "Compliance");
	if (svcio_enum(d, c, w, "ComplianceType", 0, configservice_compliance_names,
	               CONFIGSERVICE__COUNT, CONFIGSERVICE_UNKNOWN, &t) < 0 ||
	    configservice__count(d, c, w, "ComplianceContributorCount", count) < 0)
		return -1;
	*type = (enum configservice_compliance)t;
	return 0;
}

/* ---- GetComplianceSummaryByConfigRule ---- */

int
configservice_get_compliance_summary_by_config_rule_request(struct ops_request *out, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE);
	svcio_body_init(&b);
	return svcio_request_finish(&r, &b, out, cause);
}

int
configservice_get_compliance_summary_by_config_rule_decode(
    const cJSON *root, struct configservice_get_compliance_summary_by_config_rule_result *out,
    char **cause)
{
	struct configservice_get_compliance_summary_by_config_rule_result r = {0};
	struct svcio_dec d;
	const cJSON *s = NULL;

	svcio_dec_init(&d, "GetComplianceSummaryByConfigRule", cause);
	if (svcio_root(&d, root) < 0 || svcio_obj(&d, root, "", "ComplianceSummary", 0, &s) < 0)
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
                                                         const char *const *rule_names,
                                                         size_t nrule_names,
                                                         unsigned compliance_filter,
                                                         const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;
	const unsigned allowed = CONFIGSERVICE_BIT(CONFIGSERVICE_COMPLIANT) |
	                         CONFIGSERVICE_BIT(CONFIGSERVICE_NON_COMPLIANT) |
	                         CONFIGSERVICE_BIT(CONFIGSERVICE_INSUFFICIENT_DATA);

	svcio_request_init(&r, OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE);
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
	svcio_body_init(&b);
	if (nrule_names > 0)
		svcio_body_strs(&b, b.root, "ConfigRuleNames", rule_names, nrule_names);
	if (compliance_filter != 0) {
		cJSON *arr = svcio_body_arr(&b, b.root, "ComplianceTypes");

		/* The order botocore's users write: the interesting type first. */
		static const enum configservice_compliance order[] = {
		    CONFIGSERVICE_NON_COMPLIANT, CONFIGSERVICE_COMPLIANT,
		    CONFIGSERVICE_INSUFFICIENT_DATA};
		for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
			if (compliance_filter & CONFIGSERVICE_BIT(order[i]))
				svcio_body_arr_str(&b, arr,
				                   configservice_compliance_names[order[i]]);
		}
	}
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

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
configservice_describe_compliance_by_config_rule_decode(
    const cJSON *root, struct configservice_describe_compliance_by_config_rule_result *out,
    char **cause)
{
	struct configservice_describe_compliance_by_config_rule_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "DescribeComplianceByConfigRule", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "ComplianceByConfigRules", 0, SVCIO_MAX_ITEMS, &arr,
	              &r.nrules) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrules > 0)
		r.rules = xcalloc(r.nrules, sizeof *r.rules);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_rule_compliance *rc = &r.rules[i];

		svcio_where(w, sizeof w, "", "ComplianceByConfigRules", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &rc->name) < 0 ||
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
configservice_describe_config_rules_request(struct ops_request *out, const char *const *rule_names,
                                            size_t nrule_names, const char *next_token,
                                            char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_CONFIG_DESCRIBE_CONFIG_RULES);
	if (configservice__names_arg(r.op->name, "ConfigRuleNames", rule_names, nrule_names, 25,
	                             cause) < 0) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	if (nrule_names > 0)
		svcio_body_strs(&b, b.root, "ConfigRuleNames", rule_names, nrule_names);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
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
                                           struct configservice_describe_config_rules_result *out,
                                           char **cause)
{
	struct configservice_describe_config_rules_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64], ws[80];

	svcio_dec_init(&d, "DescribeConfigRules", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "ConfigRules", 0, SVCIO_MAX_ITEMS, &arr, &r.nrules) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrules > 0)
		r.rules = xcalloc(r.nrules, sizeof *r.rules);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_rule *x = &r.rules[i];
		const cJSON *src = NULL;

		svcio_where(w, sizeof w, "", "ConfigRules", i);
		svcio_where_key(ws, sizeof ws, w, "Source");
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &x->name) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleArn", 0, &x->arn) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleId", 0, &x->id) < 0 ||
		    svcio_dup(&d, e, w, "Description", 0, &x->description) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleState", 0, &x->state) < 0 ||
		    svcio_obj(&d, e, w, "Source", 0, &src) < 0 ||
		    svcio_dup(&d, src, ws, "Owner", 0, &x->source_owner) < 0 ||
		    svcio_dup(&d, src, ws, "SourceIdentifier", 0, &x->source_identifier) < 0)
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
                                                         const char *const *names, size_t nnames,
                                                         int limit, const char *next_token,
                                                         char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS);
	if (configservice__names_arg(r.op->name, "ConfigurationAggregatorNames", names, nnames, 10,
	                             cause) < 0 ||
	    (limit != 0 && svcio_arg_range(r.op->name, "Limit", limit, 1, 100, cause) < 0)) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	if (nnames > 0)
		svcio_body_strs(&b, b.root, "ConfigurationAggregatorNames", names, nnames);
	if (limit != 0)
		svcio_body_num(&b, b.root, "Limit", limit);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
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
		svcio_free_strv(a->regions, a->nregions);
	}
	free(r->aggregators);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

static int
configservice__aggregator(struct svcio_dec *d, const cJSON *e, const char *w,
                          struct configservice_aggregator *a)
{
	const cJSON *org = NULL, *regions = NULL, *accts = NULL, *x;
	char wo[96], wr[128];
	size_t i = 0;

	svcio_where_key(wo, sizeof wo, w, "OrganizationAggregationSource");
	if (svcio_item_obj(d, e, w) < 0 ||
	    svcio_dup(d, e, w, "ConfigurationAggregatorName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
	              &a->name) < 0 ||
	    svcio_dup(d, e, w, "ConfigurationAggregatorArn", 0, &a->arn) < 0 ||
	    svcio_arr(d, e, w, "AccountAggregationSources", 0, SVCIO_MAX_ITEMS, &accts,
	              &a->naccount_sources) < 0 ||
	    svcio_obj(d, e, w, "OrganizationAggregationSource", 0, &org) < 0)
		return -1;
	if (org == NULL)
		return 0;
	a->org_source = 1;
	if (svcio_dup(d, org, wo, "RoleArn", 0, &a->org_role_arn) < 0 ||
	    svcio_bool(d, org, wo, "AllAwsRegions", 0, &a->all_regions) < 0 ||
	    svcio_arr(d, org, wo, "AwsRegions", 0, SVCIO_MAX_ITEMS, &regions, &a->nregions) < 0)
		return -1;
	if (a->nregions > 0)
		a->regions = xcalloc(a->nregions, sizeof *a->regions);
	for (x = regions != NULL ? regions->child : NULL; x != NULL; x = x->next, i++) {
		svcio_where(wr, sizeof wr, wo, "AwsRegions", i);
		if (svcio_item_dup(d, x, wr, SVCIO_NONEMPTY, &a->regions[i]) < 0)
			return -1;
	}
	return 0;
}

int
configservice_describe_configuration_aggregators_decode(
    const cJSON *root, struct configservice_describe_configuration_aggregators_result *out,
    char **cause)
{
	struct configservice_describe_configuration_aggregators_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "DescribeConfigurationAggregators", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "ConfigurationAggregators", 0, SVCIO_MAX_ITEMS, &arr,
	              &r.naggregators) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.naggregators > 0)
		r.aggregators = xcalloc(r.naggregators, sizeof *r.aggregators);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", "ConfigurationAggregators", i);
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
configservice_describe_aggregate_compliance_by_config_rules_request(
    struct ops_request *out, const char *aggregator,
    const struct configservice_aggregate_filter *filter, int limit, const char *next_token,
    char **cause)
{
	struct ops_request r;
	struct svcio_body b;
	cJSON *f = NULL;

	svcio_request_init(&r, OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES);
	if (svcio_arg_str(r.op->name, "ConfigurationAggregatorName", aggregator, cause) < 0 ||
	    (limit != 0 && svcio_arg_range(r.op->name, "Limit", limit, 1, 1000, cause) < 0) ||
	    (filter != NULL && filter->account_id != NULL &&
	     svcio_arg_account(r.op->name, "Filters.AccountId", filter->account_id, cause) < 0))
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
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "ConfigurationAggregatorName", aggregator);
	if (filter != NULL &&
	    (filter->rule_name != NULL || filter->account_id != NULL || filter->region != NULL ||
	     filter->compliance != CONFIGSERVICE_UNKNOWN))
		f = svcio_body_obj(&b, b.root, "Filters");
	if (f != NULL) {
		if (filter->rule_name != NULL)
			svcio_body_str(&b, f, "ConfigRuleName", filter->rule_name);
		if (filter->compliance != CONFIGSERVICE_UNKNOWN)
			svcio_body_str(&b, f, "ComplianceType",
			               configservice_compliance_names[filter->compliance]);
		if (filter->account_id != NULL)
			svcio_body_str(&b, f, "AccountId", filter->account_id);
		if (filter->region != NULL)
			svcio_body_str(&b, f, "AwsRegion", filter->region);
	}
	if (limit != 0)
		svcio_body_num(&b, b.root, "Limit", limit);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

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
configservice_describe_aggregate_compliance_by_config_rules_decode(
    const cJSON *root,
    struct configservice_describe_aggregate_compliance_by_config_rules_result *out, char **cause)
{
	struct configservice_describe_aggregate_compliance_by_config_rules_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[80];

	svcio_dec_init(&d, "DescribeAggregateComplianceByConfigRules", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "AggregateComplianceByConfigRules", 0, SVCIO_MAX_ITEMS, &arr,
	              &r.nrows) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nrows > 0)
		r.rows = xcalloc(r.nrows, sizeof *r.rows);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct configservice_aggregate_rule *x = &r.rows[i];

		svcio_where(w, sizeof w, "", "AggregateComplianceByConfigRules", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, "ConfigRuleName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &x->rule_name) < 0 ||
		    configservice__compliance(&d, e, w, &x->compliance, &x->count) < 0 ||
		    svcio_account(&d, e, w, "AccountId", SVCIO_REQUIRED, x->account_id) < 0 ||
		    svcio_ident(&d, e, w, "AwsRegion", SVCIO_REQUIRED, 64, &x->region) < 0)
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
configservice_get_aggregate_config_rule_compliance_summary_request(
    struct ops_request *out, const char *aggregator, enum configservice_group_by group_by,
    const char *filter_account, const char *filter_region, int limit, const char *next_token,
    char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY);
	if (svcio_arg_str(r.op->name, "ConfigurationAggregatorName", aggregator, cause) < 0 ||
	    (limit != 0 && svcio_arg_range(r.op->name, "Limit", limit, 1, 1000, cause) < 0) ||
	    (filter_account != NULL &&
	     svcio_arg_account(r.op->name, "Filters.AccountId", filter_account, cause) < 0) ||
	    svcio_arg_range(r.op->name, "GroupByKey", group_by, 0, CONFIGSERVICE_GROUP__COUNT - 1,
	                    cause) < 0) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "ConfigurationAggregatorName", aggregator);
	if (group_by != CONFIGSERVICE_GROUP_NONE)
		svcio_body_str(&b, b.root, "GroupByKey", configservice_group_names[group_by]);
	if (filter_account != NULL || filter_region != NULL) {
		cJSON *f = svcio_body_obj(&b, b.root, "Filters");

		if (filter_account != NULL)
			svcio_body_str(&b, f, "AccountId", filter_account);
		if (filter_region != NULL)
			svcio_body_str(&b, f, "AwsRegion", filter_region);
	}
	if (limit != 0)
		svcio_body_num(&b, b.root, "Limit", limit);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
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
configservice_get_aggregate_config_rule_compliance_summary_decode(
    const cJSON *root,
    struct configservice_get_aggregate_config_rule_compliance_summary_result *out, char **cause)
{
	struct configservice_get_aggregate_config_rule_compliance_summary_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	int by = CONFIGSERVICE_GROUP_NONE;
	char w[64], ws[96];

	svcio_dec_init(&d, "GetAggregateConfigRuleComplianceSummary", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_enum(&d, root, "", "GroupByKey", 0, configservice_group_names,
	               CONFIGSERVICE_GROUP__COUNT, CONFIGSERVICE_GROUP_NONE, &by) < 0 ||
	    svcio_arr(&d, root, "", "AggregateComplianceCounts", 0, SVCIO_MAX_ITEMS, &arr,
	              &r.ngroups) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	r.group_by = (enum configservice_group_by)by;
	if (r.ngroups > 0)
		r.groups = xcalloc(r.ngroups, sizeof *r.groups);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		const cJSON *s = NULL;

		svcio_where(w, sizeof w, "", "AggregateComplianceCounts", i);
		svcio_where_key(ws, sizeof ws, w, "ComplianceSummary");
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, "GroupName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &r.groups[i].name) < 0 ||
		    svcio_obj(&d, e, w, "ComplianceSummary", 0, &s) < 0 ||
		    (s != NULL && configservice__summary(&d, s, ws, &r.groups[i].summary) < 0))
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&r);
	return -1;
}
