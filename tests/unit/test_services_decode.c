/*
 * test_services_decode.c: every answer decoder of core/services against the
 * answers botocore parsed (tests/data/responses, exact values), then against
 * broken answers: wrong types, missing keys, numbers past 2^53, empty
 * objects, null and "" tokens, oversized lists, and a mutation sweep that
 * deletes or retypes every node of every fixture. A failing decode must say
 * which operation and field, and leave its output untouched.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/services/awsaccount.h"
#include "core/services/budgets.h"
#include "core/services/ce.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/services/identitystore.h"
#include "core/services/organizations.h"
#include "core/services/ssoadmin.h"

/* ---- fixtures ---- */

static char *
read_file(const char *rel)
{
	const char *root = getenv("ORGTOP_ROOT");
	char path[4096];
	FILE *f;
	struct buf b;
	char chunk[8192];
	size_t n;

	snprintf(path, sizeof path, "%s/tests/data/responses/%s", root != NULL ? root : ".", rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	{
		char *text = buf_detach(&b);

		buf_done(&b);
		return text;
	}
}

/* The parsed body of a fixture {status, headers, body}. Caller deletes it. */
static cJSON *
fixture(const char *rel)
{
	char *text = read_file(rel);
	cJSON *file = cJSON_Parse(text), *body;
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(file, "body");

	free(text);
	if (!cJSON_IsString(b))
		fail_msg("%s: no body", rel);
	body = cJSON_Parse(b->valuestring);
	if (body == NULL)
		fail_msg("%s: body is not JSON", rel);
	cJSON_Delete(file);
	return body;
}

static cJSON *
json(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	if (j == NULL)
		fail_msg("bad test JSON: %s", text);
	return j;
}

/* ---- the decoders, behind one signature ---- */

struct decoder {
	const char *op;
	size_t size;
	int (*decode)(const cJSON *root, void *out, char **cause);
	void (*done)(void *out);
	const char *fixtures[4];
	int empty_ok; /* "{}" decodes (nothing required at the top) */
};

#define WRAP(name, type, decode_fn, done_fn)                                                       \
	static int name##_dec(const cJSON *root, void *out, char **cause)                          \
	{                                                                                          \
		return decode_fn(root, (type *)out, cause);                                        \
	}                                                                                          \
	static void name##_done(void *out)                                                         \
	{                                                                                          \
		done_fn((type *)out);                                                              \
	}

WRAP(org, struct organizations_describe_organization_result,
     organizations_describe_organization_decode, organizations_describe_organization_result_done)
WRAP(roots, struct organizations_list_roots_result, organizations_list_roots_decode,
     organizations_list_roots_result_done)
WRAP(ous, struct organizations_list_organizational_units_for_parent_result,
     organizations_list_organizational_units_for_parent_decode,
     organizations_list_organizational_units_for_parent_result_done)
WRAP(accts, struct organizations_list_accounts_result, organizations_list_accounts_decode,
     organizations_list_accounts_result_done)
WRAP(afp, struct organizations_list_accounts_result, organizations_list_accounts_for_parent_decode,
     organizations_list_accounts_result_done)
WRAP(parents, struct organizations_list_parents_result, organizations_list_parents_decode,
     organizations_list_parents_result_done)
WRAP(delegated, struct organizations_list_delegated_administrators_result,
     organizations_list_delegated_administrators_decode,
     organizations_list_delegated_administrators_result_done)
WRAP(regions, struct awsaccount_list_regions_result, awsaccount_list_regions_decode,
     awsaccount_list_regions_result_done)
WRAP(summary, struct configservice_get_compliance_summary_by_config_rule_result,
     configservice_get_compliance_summary_by_config_rule_decode,
     configservice_get_compliance_summary_by_config_rule_result_done)
WRAP(dcbcr, struct configservice_describe_compliance_by_config_rule_result,
     configservice_describe_compliance_by_config_rule_decode,
     configservice_describe_compliance_by_config_rule_result_done)
WRAP(rules, struct configservice_describe_config_rules_result,
     configservice_describe_config_rules_decode, configservice_describe_config_rules_result_done)
WRAP(aggs, struct configservice_describe_configuration_aggregators_result,
     configservice_describe_configuration_aggregators_decode,
     configservice_describe_configuration_aggregators_result_done)
WRAP(dacbcr, struct configservice_describe_aggregate_compliance_by_config_rules_result,
     configservice_describe_aggregate_compliance_by_config_rules_decode,
     configservice_describe_aggregate_compliance_by_config_rules_result_done)
WRAP(gacrcs, struct configservice_get_aggregate_config_rule_compliance_summary_result,
     configservice_get_aggregate_config_rule_compliance_summary_decode,
     configservice_get_aggregate_config_rule_compliance_summary_result_done)
WRAP(detectors, struct guardduty_list_detectors_result, guardduty_list_detectors_decode,
     guardduty_list_detectors_result_done)
WRAP(detector, struct guardduty_get_detector_result, guardduty_get_detector_decode,
     guardduty_get_detector_result_done)
WRAP(stats, struct guardduty_get_findings_statistics_result,
     guardduty_get_findings_statistics_decode, guardduty_get_findings_statistics_result_done)
WRAP(lfind, struct guardduty_list_findings_result, guardduty_list_findings_decode,
     guardduty_list_findings_result_done)
WRAP(gfind, struct guardduty_get_findings_result, guardduty_get_findings_decode,
     guardduty_get_findings_result_done)
WRAP(members, struct guardduty_list_members_result, guardduty_list_members_decode,
     guardduty_list_members_result_done)
WRAP(budgets, struct budgets_describe_budgets_result, budgets_describe_budgets_decode,
     budgets_describe_budgets_result_done)
WRAP(cost, struct ce_get_cost_and_usage_result, ce_get_cost_and_usage_decode,
     ce_get_cost_and_usage_result_done)
WRAP(instances, struct ssoadmin_list_instances_result, ssoadmin_list_instances_decode,
     ssoadmin_list_instances_result_done)
WRAP(psets, struct ssoadmin_list_permission_sets_result, ssoadmin_list_permission_sets_decode,
     ssoadmin_list_permission_sets_result_done)
WRAP(pset, struct ssoadmin_describe_permission_set_result, ssoadmin_describe_permission_set_decode,
     ssoadmin_describe_permission_set_result_done)
WRAP(prov, struct ssoadmin_list_accounts_for_provisioned_permission_set_result,
     ssoadmin_list_accounts_for_provisioned_permission_set_decode,
     ssoadmin_list_accounts_for_provisioned_permission_set_result_done)
WRAP(assign, struct ssoadmin_list_account_assignments_result,
     ssoadmin_list_account_assignments_decode, ssoadmin_list_account_assignments_result_done)
WRAP(assignp, struct ssoadmin_list_account_assignments_result,
     ssoadmin_list_account_assignments_for_principal_decode,
     ssoadmin_list_account_assignments_result_done)
WRAP(users, struct identitystore_list_result, identitystore_list_users_decode,
     identitystore_list_result_done)
WRAP(groups, struct identitystore_list_result, identitystore_list_groups_decode,
     identitystore_list_result_done)
WRAP(user, struct identitystore_describe_user_result, identitystore_describe_user_decode,
     identitystore_describe_user_result_done)
WRAP(group, struct identitystore_describe_group_result, identitystore_describe_group_decode,
     identitystore_describe_group_result_done)

#define D(name, type, opname, empty, ...)                                                          \
	{                                                                                          \
		opname, sizeof(type), name##_dec, name##_done, {__VA_ARGS__}, empty                \
	}

static const struct decoder decoders[] = {
    D(org, struct organizations_describe_organization_result, "DescribeOrganization", 0,
      "organizations/DescribeOrganization.json"),
    D(roots, struct organizations_list_roots_result, "ListRoots", 1,
      "organizations/ListRoots.json"),
    D(ous, struct organizations_list_organizational_units_for_parent_result,
      "ListOrganizationalUnitsForParent", 1, "organizations/ListOrganizationalUnitsForParent.json"),
    D(accts, struct organizations_list_accounts_result, "ListAccounts", 1,
      "organizations/ListAccounts.json", "organizations/ListAccounts.status-only.json"),
    D(afp, struct organizations_list_accounts_result, "ListAccountsForParent", 1,
      "organizations/ListAccountsForParent.json"),
    D(parents, struct organizations_list_parents_result, "ListParents", 1,
      "organizations/ListParents.json"),
    D(delegated, struct organizations_list_delegated_administrators_result,
      "ListDelegatedAdministrators", 1, "organizations/ListDelegatedAdministrators.json"),
    D(regions, struct awsaccount_list_regions_result, "ListRegions", 1, "account/ListRegions.json"),
    D(summary, struct configservice_get_compliance_summary_by_config_rule_result,
      "GetComplianceSummaryByConfigRule", 1, "config/GetComplianceSummaryByConfigRule.json"),
    D(dcbcr, struct configservice_describe_compliance_by_config_rule_result,
      "DescribeComplianceByConfigRule", 1, "config/DescribeComplianceByConfigRule.json"),
    D(rules, struct configservice_describe_config_rules_result, "DescribeConfigRules", 1,
      "config/DescribeConfigRules.json"),
    D(aggs, struct configservice_describe_configuration_aggregators_result,
      "DescribeConfigurationAggregators", 1, "config/DescribeConfigurationAggregators.json"),
    D(dacbcr, struct configservice_describe_aggregate_compliance_by_config_rules_result,
      "DescribeAggregateComplianceByConfigRules", 1,
      "config/DescribeAggregateComplianceByConfigRules.json"),
    D(gacrcs, struct configservice_get_aggregate_config_rule_compliance_summary_result,
      "GetAggregateConfigRuleComplianceSummary", 1,
      "config/GetAggregateConfigRuleComplianceSummary.GroupByKey-ACCOUNT_ID.json",
      "config/GetAggregateConfigRuleComplianceSummary.GroupByKey-AWS_REGION.json"),
    D(detectors, struct guardduty_list_detectors_result, "ListDetectors", 0,
      "guardduty/ListDetectors.json", "guardduty/ListDetectors.empty.json"),
    D(detector, struct guardduty_get_detector_result, "GetDetector", 0,
      "guardduty/GetDetector.json"),
    D(stats, struct guardduty_get_findings_statistics_result, "GetFindingsStatistics", 0,
      "guardduty/GetFindingsStatistics.COUNT_BY_SEVERITY.json",
      "guardduty/GetFindingsStatistics.COUNT_BY_SEVERITY.bands.json",
      "guardduty/GetFindingsStatistics.GroupBy-ACCOUNT.json",
      "guardduty/GetFindingsStatistics.GroupBy-SEVERITY.json"),
    D(lfind, struct guardduty_list_findings_result, "ListFindings", 0,
      "guardduty/ListFindings.json"),
    D(gfind, struct guardduty_get_findings_result, "GetFindings", 0, "guardduty/GetFindings.json",
      "guardduty/GetFindings.resources.json"),
    D(members, struct guardduty_list_members_result, "ListMembers", 1,
      "guardduty/ListMembers.json"),
    D(budgets, struct budgets_describe_budgets_result, "DescribeBudgets", 1,
      "budgets/DescribeBudgets.json", "budgets/DescribeBudgets.mixed.json"),
    D(cost, struct ce_get_cost_and_usage_result, "GetCostAndUsage", 1,
      "ce/GetCostAndUsage.GroupBy-LINKED_ACCOUNT-REGION.json",
      "ce/GetCostAndUsage.two-periods.json"),
    D(instances, struct ssoadmin_list_instances_result, "ListInstances", 1,
      "sso-admin/ListInstances.json"),
    D(psets, struct ssoadmin_list_permission_sets_result, "ListPermissionSets", 1,
      "sso-admin/ListPermissionSets.json"),
    D(pset, struct ssoadmin_describe_permission_set_result, "DescribePermissionSet", 0,
      "sso-admin/DescribePermissionSet.json"),
    D(prov, struct ssoadmin_list_accounts_for_provisioned_permission_set_result,
      "ListAccountsForProvisionedPermissionSet", 1,
      "sso-admin/ListAccountsForProvisionedPermissionSet.json"),
    D(assign, struct ssoadmin_list_account_assignments_result, "ListAccountAssignments", 1,
      "sso-admin/ListAccountAssignments.json", "sso-admin/ListAccountAssignmentsForPrincipal.json"),
    D(assignp, struct ssoadmin_list_account_assignments_result,
      "ListAccountAssignmentsForPrincipal", 1, "sso-admin/ListAccountAssignmentsForPrincipal.json",
      "sso-admin/ListAccountAssignments.json"),
    D(users, struct identitystore_list_result, "ListUsers", 0, "identitystore/ListUsers.json"),
    D(groups, struct identitystore_list_result, "ListGroups", 0, "identitystore/ListGroups.json"),
    D(user, struct identitystore_describe_user_result, "DescribeUser", 0,
      "identitystore/DescribeUser.json", "identitystore/DescribeUser.displayname-only.json"),
    D(group, struct identitystore_describe_group_result, "DescribeGroup", 0,
      "identitystore/DescribeGroup.json"),
};

#define NDECODERS (sizeof decoders / sizeof decoders[0])

static const struct decoder *
decoder(const char *op)
{
	for (size_t i = 0; i < NDECODERS; i++) {
		if (strcmp(decoders[i].op, op) == 0)
			return &decoders[i];
	}
	fail_msg("no decoder %s", op);
	return NULL;
}

#define SENTINEL 0xa5
#define MAXOUT   256

/*
 * Decodes root with dec into a sentinel-filled buffer. On success frees the
 * result and returns 0; on failure checks that the cause names the operation
 * and that the output is untouched, and returns -1 with *cause kept.
 */
static int
try_decode(const struct decoder *dec, const cJSON *root, char **cause)
{
	unsigned char out[MAXOUT];
	int rc;

	assert_true(dec->size <= MAXOUT);
	memset(out, SENTINEL, sizeof out);
	*cause = NULL;
	rc = dec->decode(root, out, cause);
	if (rc == 0) {
		assert_null(*cause);
		dec->done(out);
		for (size_t i = 0; i < dec->size; i++)
			assert_int_equal(out[i], 0); /* _done() zeroes */
		return 0;
	}
	assert_int_equal(rc, -1);
	if (*cause == NULL)
		fail_msg("%s failed without a cause", dec->op);
	if (strncmp(*cause, dec->op, strlen(dec->op)) != 0 || (*cause)[strlen(dec->op)] != ':')
		fail_msg("cause \"%s\" does not start with \"%s:\"", *cause, dec->op);
	for (size_t i = 0; i < sizeof out; i++) {
		if (out[i] != SENTINEL)
			fail_msg("%s: output touched on failure (byte %zu)", dec->op, i);
	}
	return -1;
}

/* Expects failure with a cause containing needle. */
static void
expect_fail(const char *op, const char *text, const char *needle)
{
	const struct decoder *dec = decoder(op);
	cJSON *root = json(text);
	char *cause = NULL;

	if (try_decode(dec, root, &cause) == 0)
		fail_msg("%s accepted %s", op, text);
	if (strstr(cause, needle) == NULL)
		fail_msg("%s on %s: cause \"%s\" lacks \"%s\"", op, text, cause, needle);
	free(cause);
	cJSON_Delete(root);
}

static void
expect_ok(const char *op, const char *text)
{
	const struct decoder *dec = decoder(op);
	cJSON *root = json(text);
	char *cause = NULL;

	if (try_decode(dec, root, &cause) != 0)
		fail_msg("%s rejected %s: %s", op, text, cause);
	cJSON_Delete(root);
}

/* ---- exact values ---- */

static void
test_organizations(void **state)
{
	struct organizations_describe_organization_result org;
	struct organizations_list_roots_result roots;
	struct organizations_list_organizational_units_for_parent_result ous;
	struct organizations_list_accounts_result acc;
	struct organizations_list_parents_result par;
	struct organizations_list_delegated_administrators_result del;
	cJSON *j;

	(void)state;
	j = fixture("organizations/DescribeOrganization.json");
	assert_int_equal(organizations_describe_organization_decode(j, &org, NULL), 0);
	assert_string_equal(org.id, "o-exampleorgid");
	assert_string_equal(org.feature_set, "ALL");
	assert_string_equal(org.master_account_id, "111122223333");
	assert_string_equal(org.master_account_email, "root@example.com");
	assert_string_equal(
	    org.master_account_arn,
	    "arn:aws:organizations::111122223333:account/o-exampleorgid/111122223333");
	organizations_describe_organization_result_done(&org);
	organizations_describe_organization_result_done(NULL);
	cJSON_Delete(j);

	j = fixture("organizations/ListRoots.json");
	assert_int_equal(organizations_list_roots_decode(j, &roots, NULL), 0);
	assert_int_equal(roots.nroots, 1);
	assert_string_equal(roots.roots[0].id, "r-ab12");
	assert_string_equal(roots.roots[0].name, "Root");
	assert_null(roots.next_token);
	organizations_list_roots_result_done(&roots);
	cJSON_Delete(j);

	j = fixture("organizations/ListOrganizationalUnitsForParent.json");
	assert_int_equal(organizations_list_organizational_units_for_parent_decode(j, &ous, NULL),
	                 0);
	assert_int_equal(ous.nous, 2);
	assert_string_equal(ous.ous[0].id, "ou-ab12-11111111");
	assert_string_equal(ous.ous[0].name, "Workloads");
	assert_string_equal(ous.ous[1].id, "ou-ab12-22222222");
	assert_string_equal(ous.ous[1].name, "Security");
	assert_string_equal(ous.next_token, "AAEAAQ-page2-token==");
	organizations_list_organizational_units_for_parent_result_done(&ous);
	cJSON_Delete(j);

	j = fixture("organizations/ListAccounts.json");
	assert_int_equal(organizations_list_accounts_decode(j, &acc, NULL), 0);
	assert_int_equal(acc.naccounts, 3);
	assert_string_equal(acc.accounts[0].id, "111122223333");
	assert_string_equal(acc.accounts[0].name, "Management");
	assert_string_equal(acc.accounts[0].email, "management@example.com");
	assert_string_equal(acc.accounts[0].state, "ACTIVE");
	assert_string_equal(acc.accounts[0].joined_method, "CREATED");
	assert_true(acc.accounts[0].joined == 1700000000.123);
	assert_true(acc.accounts[0].delegation_enabled == 0);
	assert_string_equal(acc.accounts[2].id, "777788889999");
	assert_string_equal(acc.accounts[2].state, "SUSPENDED");
	assert_null(acc.next_token);
	organizations_list_accounts_result_done(&acc);
	cJSON_Delete(j);

	/* State falls back to Status; an ISO JoinedTimestamp; leading zero kept; "" token = end. */
	j = fixture("organizations/ListAccounts.status-only.json");
	assert_int_equal(organizations_list_accounts_decode(j, &acc, NULL), 0);
	assert_int_equal(acc.naccounts, 2);
	assert_string_equal(acc.accounts[0].id, "012345678901");
	assert_string_equal(acc.accounts[0].state, "SUSPENDED");
	assert_true(acc.accounts[0].joined == 1551690000.0);
	assert_string_equal(acc.accounts[1].state, "PENDING_ACTIVATION");
	assert_null(acc.accounts[1].email);
	assert_null(acc.accounts[1].arn);
	assert_true(acc.accounts[1].joined == 0);
	assert_null(acc.next_token);
	organizations_list_accounts_result_done(&acc);
	cJSON_Delete(j);

	j = fixture("organizations/ListAccountsForParent.json");
	assert_int_equal(organizations_list_accounts_for_parent_decode(j, &acc, NULL), 0);
	assert_int_equal(acc.naccounts, 2);
	assert_string_equal(acc.accounts[0].id, "444455556666");
	assert_string_equal(acc.accounts[1].name, "Dev");
	organizations_list_accounts_result_done(&acc);
	cJSON_Delete(j);

	j = fixture("organizations/ListParents.json");
	assert_int_equal(organizations_list_parents_decode(j, &par, NULL), 0);
	assert_int_equal(par.nparents, 1);
	assert_string_equal(par.parents[0].id, "ou-ab12-11111111");
	assert_int_equal(par.parents[0].type, ORGANIZATIONS_PARENT_OU);
	organizations_list_parents_result_done(&par);
	cJSON_Delete(j);

	j = fixture("organizations/ListDelegatedAdministrators.json");
	assert_int_equal(organizations_list_delegated_administrators_decode(j, &del, NULL), 0);
	assert_int_equal(del.naccounts, 1);
	assert_string_equal(del.accounts[0].id, "999900001111");
	assert_string_equal(del.accounts[0].name, "Audit");
	assert_true(del.accounts[0].delegation_enabled == 1700000500.0);
	organizations_list_delegated_administrators_result_done(&del);
	cJSON_Delete(j);
}

static void
test_account_regions(void **state)
{
	struct awsaccount_list_regions_result r;
	cJSON *j;

	(void)state;
	j = fixture("account/ListRegions.json");
	assert_int_equal(awsaccount_list_regions_decode(j, &r, NULL), 0);
	assert_int_equal(r.nregions, 3);
	assert_string_equal(r.regions[0].name, "af-south-1");
	assert_int_equal(r.regions[0].status, AWSACCOUNT_REGION_DISABLED);
	assert_string_equal(r.regions[1].name, "eu-west-1");
	assert_int_equal(r.regions[1].status, AWSACCOUNT_REGION_ENABLED_BY_DEFAULT);
	assert_string_equal(r.regions[2].name, "me-central-1");
	assert_int_equal(r.regions[2].status, AWSACCOUNT_REGION_ENABLED);
	assert_string_equal(r.next_token, "regions-page-2");
	awsaccount_list_regions_result_done(&r);
	cJSON_Delete(j);
	assert_string_equal(awsaccount_region_status_name(AWSACCOUNT_REGION_ENABLING), "ENABLING");
	assert_null(awsaccount_region_status_name(AWSACCOUNT_REGION_UNKNOWN));
	assert_null(awsaccount_region_status_name(AWSACCOUNT_REGION__COUNT));

	/* A status AWS adds later is not an error. */
	j = json("{\"Regions\":[{\"RegionName\":\"xx-new-1\",\"RegionOptStatus\":\"PAUSED\"}]}");
	assert_int_equal(awsaccount_list_regions_decode(j, &r, NULL), 0);
	assert_int_equal(r.regions[0].status, AWSACCOUNT_REGION_UNKNOWN);
	awsaccount_list_regions_result_done(&r);
	cJSON_Delete(j);
}

static void
test_config(void **state)
{
	struct configservice_get_compliance_summary_by_config_rule_result s;
	struct configservice_describe_compliance_by_config_rule_result c;
	struct configservice_describe_config_rules_result rules;
	struct configservice_describe_configuration_aggregators_result a;
	struct configservice_describe_aggregate_compliance_by_config_rules_result ag;
	struct configservice_get_aggregate_config_rule_compliance_summary_result g;
	cJSON *j;

	(void)state;
	j = fixture("config/GetComplianceSummaryByConfigRule.json");
	assert_int_equal(configservice_get_compliance_summary_by_config_rule_decode(j, &s, NULL),
	                 0);
	assert_true(s.present);
	assert_true(s.summary.compliant.present);
	assert_int_equal(s.summary.compliant.count, 17);
	assert_false(s.summary.compliant.capped);
	assert_int_equal(s.summary.noncompliant.count, 25);
	assert_true(s.summary.noncompliant.capped);
	assert_true(s.summary.timestamp == 1717243200.5);
	configservice_get_compliance_summary_by_config_rule_result_done(&s);
	cJSON_Delete(j);

	/* No summary, and a summary without counts: unknown, never zero. */
	j = json("{}");
	assert_int_equal(configservice_get_compliance_summary_by_config_rule_decode(j, &s, NULL),
	                 0);
	assert_false(s.present);
	cJSON_Delete(j);
	j = json("{\"ComplianceSummary\":{\"CompliantResourceCount\":{\"CapExceeded\":true}}}");
	assert_int_equal(configservice_get_compliance_summary_by_config_rule_decode(j, &s, NULL),
	                 0);
	assert_true(s.present);
	assert_false(s.summary.compliant.present);
	assert_false(s.summary.compliant.capped);
	assert_false(s.summary.noncompliant.present);
	cJSON_Delete(j);

	j = fixture("config/DescribeComplianceByConfigRule.json");
	assert_int_equal(configservice_describe_compliance_by_config_rule_decode(j, &c, NULL), 0);
	assert_int_equal(c.nrules, 3);
	assert_string_equal(c.rules[0].name, "required-tags");
	assert_int_equal(c.rules[0].compliance, CONFIGSERVICE_NON_COMPLIANT);
	assert_true(c.rules[0].count.present);
	assert_int_equal(c.rules[0].count.count, 12);
	assert_int_equal(c.rules[1].compliance, CONFIGSERVICE_COMPLIANT);
	assert_false(c.rules[1].count.present);
	assert_int_equal(c.rules[2].compliance, CONFIGSERVICE_INSUFFICIENT_DATA);
	assert_null(c.next_token);
	configservice_describe_compliance_by_config_rule_result_done(&c);
	cJSON_Delete(j);
	assert_string_equal(configservice_compliance_name(CONFIGSERVICE_NOT_APPLICABLE),
	                    "NOT_APPLICABLE");
	assert_null(configservice_compliance_name(CONFIGSERVICE__COUNT));

	j = fixture("config/DescribeConfigRules.json");
	assert_int_equal(configservice_describe_config_rules_decode(j, &rules, NULL), 0);
	assert_int_equal(rules.nrules, 2);
	assert_string_equal(rules.rules[0].name, "required-tags");
	assert_string_equal(rules.rules[0].id, "config-rule-ab12cd");
	assert_string_equal(rules.rules[0].state, "ACTIVE");
	assert_string_equal(rules.rules[0].source_owner, "AWS");
	assert_string_equal(rules.rules[0].source_identifier, "REQUIRED_TAGS");
	assert_string_equal(rules.rules[0].description,
	                    "Checks that resources carry the required tags.");
	assert_string_equal(rules.rules[1].source_owner, "CUSTOM_LAMBDA");
	assert_null(rules.rules[1].description);
	assert_string_equal(rules.next_token, "rules-page-2");
	configservice_describe_config_rules_result_done(&rules);
	cJSON_Delete(j);

	j = fixture("config/DescribeConfigurationAggregators.json");
	assert_int_equal(configservice_describe_configuration_aggregators_decode(j, &a, NULL), 0);
	assert_int_equal(a.naggregators, 1);
	assert_string_equal(a.aggregators[0].name, "org-agg");
	assert_true(a.aggregators[0].org_source);
	assert_true(a.aggregators[0].all_regions);
	assert_int_equal(a.aggregators[0].nregions, 0);
	assert_int_equal(a.aggregators[0].naccount_sources, 0);
	assert_string_equal(a.aggregators[0].org_role_arn,
	                    "arn:aws:iam::111122223333:role/ConfigAggregatorRole");
	configservice_describe_configuration_aggregators_result_done(&a);
	cJSON_Delete(j);
	j = json("{\"ConfigurationAggregators\":[{\"ConfigurationAggregatorName\":\"eu\","
	         "\"OrganizationAggregationSource\":{\"RoleArn\":\"r\",\"AwsRegions\":"
	         "[\"eu-west-1\",\"eu-central-1\"],\"AllAwsRegions\":false}},"
	         "{\"ConfigurationAggregatorName\":\"acct\",\"AccountAggregationSources\":"
	         "[{\"AccountIds\":[\"444455556666\"],\"AllAwsRegions\":true}]}]}");
	assert_int_equal(configservice_describe_configuration_aggregators_decode(j, &a, NULL), 0);
	assert_int_equal(a.aggregators[0].nregions, 2);
	assert_string_equal(a.aggregators[0].regions[1], "eu-central-1");
	assert_false(a.aggregators[0].all_regions);
	assert_false(a.aggregators[1].org_source);
	assert_int_equal(a.aggregators[1].naccount_sources, 1);
	configservice_describe_configuration_aggregators_result_done(&a);
	cJSON_Delete(j);

	j = fixture("config/DescribeAggregateComplianceByConfigRules.json");
	assert_int_equal(
	    configservice_describe_aggregate_compliance_by_config_rules_decode(j, &ag, NULL), 0);
	assert_int_equal(ag.nrows, 2);
	assert_string_equal(ag.rows[0].rule_name, "required-tags");
	assert_int_equal(ag.rows[0].compliance, CONFIGSERVICE_NON_COMPLIANT);
	assert_int_equal(ag.rows[0].count.count, 3);
	assert_string_equal(ag.rows[0].account_id, "444455556666");
	assert_string_equal(ag.rows[0].region, "eu-west-1");
	assert_int_equal(ag.rows[1].compliance, CONFIGSERVICE_COMPLIANT);
	assert_string_equal(ag.rows[1].account_id, "777788889999");
	assert_string_equal(ag.next_token, "eyJwYWdlIjoyfQ==");
	configservice_describe_aggregate_compliance_by_config_rules_result_done(&ag);
	cJSON_Delete(j);

	j = fixture("config/GetAggregateConfigRuleComplianceSummary.GroupByKey-ACCOUNT_ID.json");
	assert_int_equal(
	    configservice_get_aggregate_config_rule_compliance_summary_decode(j, &g, NULL), 0);
	assert_int_equal(g.group_by, CONFIGSERVICE_GROUP_ACCOUNT_ID);
	assert_int_equal(g.ngroups, 2);
	assert_string_equal(g.groups[0].name, "444455556666");
	assert_int_equal(g.groups[0].summary.compliant.count, 10);
	assert_int_equal(g.groups[0].summary.noncompliant.count, 3);
	assert_string_equal(g.groups[1].name, "777788889999");
	assert_true(g.groups[1].summary.noncompliant.present);
	assert_int_equal(g.groups[1].summary.noncompliant.count, 0);
	assert_true(g.groups[1].summary.timestamp == 1717243200.0);
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&g);
	cJSON_Delete(j);

	j = fixture("config/GetAggregateConfigRuleComplianceSummary.GroupByKey-AWS_REGION.json");
	assert_int_equal(
	    configservice_get_aggregate_config_rule_compliance_summary_decode(j, &g, NULL), 0);
	assert_int_equal(g.group_by, CONFIGSERVICE_GROUP_AWS_REGION);
	assert_string_equal(g.groups[1].name, "us-east-1");
	assert_int_equal(g.groups[1].summary.compliant.count, 4);
	assert_int_equal(g.groups[1].summary.noncompliant.count, 1);
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&g);
	cJSON_Delete(j);
}

static void
test_guardduty(void **state)
{
	struct guardduty_list_detectors_result ld;
	struct guardduty_get_detector_result gd;
	struct guardduty_get_findings_statistics_result st;
	struct guardduty_list_findings_result lf;
	struct guardduty_list_members_result lm;
	cJSON *j;

	(void)state;
	j = fixture("guardduty/ListDetectors.json");
	assert_int_equal(guardduty_list_detectors_decode(j, &ld, NULL), 0);
	assert_int_equal(ld.ndetector_ids, 1);
	assert_string_equal(ld.detector_ids[0], "12abc34d567e8fa901bc2d34e56789f0");
	assert_null(ld.next_token);
	guardduty_list_detectors_result_done(&ld);
	cJSON_Delete(j);
	j = fixture("guardduty/ListDetectors.empty.json");
	assert_int_equal(guardduty_list_detectors_decode(j, &ld, NULL), 0);
	assert_int_equal(ld.ndetector_ids, 0);
	assert_null(ld.detector_ids);
	guardduty_list_detectors_result_done(&ld);
	cJSON_Delete(j);

	j = fixture("guardduty/GetDetector.json");
	assert_int_equal(guardduty_get_detector_decode(j, &gd, NULL), 0);
	assert_int_equal(gd.status, GUARDDUTY_DETECTOR_ENABLED);
	assert_string_equal(gd.finding_publishing_frequency, "SIX_HOURS");
	assert_true(gd.created_at == 1682935200.0); /* 2023-05-01T10:00:00.000Z */
	assert_true(gd.updated_at == 1704067200.0);
	guardduty_get_detector_result_done(&gd);
	cJSON_Delete(j);

	/* COUNT_BY_SEVERITY: "2.0": 4, "5.0": 10, "8.0": 2. */
	j = fixture("guardduty/GetFindingsStatistics.COUNT_BY_SEVERITY.json");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.have, GUARDDUTY_HAVE_BANDS);
	assert_int_equal(st.bands[GUARDDUTY_LOW], 4);
	assert_int_equal(st.bands[GUARDDUTY_MEDIUM], 10);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 2);
	assert_int_equal(st.bands[GUARDDUTY_CRITICAL], 0);
	assert_true(st.max_severity == 8.0);
	assert_null(st.next_token);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	/* Band edges: 1,3.9 low; 4.0,6.9 medium (5.5 has 0); 7,8.9 high; 9.0,10.0 critical. */
	j = fixture("guardduty/GetFindingsStatistics.COUNT_BY_SEVERITY.bands.json");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.bands[GUARDDUTY_LOW], 1 + 2);
	assert_int_equal(st.bands[GUARDDUTY_MEDIUM], 3 + 4);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 5 + 6);
	assert_int_equal(st.bands[GUARDDUTY_CRITICAL], 7 + 8);
	assert_true(st.max_severity == 10.0);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	/* No findings: every band 0 and max 0, but known (HAVE_BANDS). */
	j = fixture("guardduty/GetFindingsStatistics.COUNT_BY_SEVERITY.empty.json");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.have, GUARDDUTY_HAVE_BANDS);
	for (int b = 0; b < GUARDDUTY__BANDS; b++)
		assert_int_equal(st.bands[b], 0);
	assert_true(st.max_severity == 0);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);
	/* A severity with zero findings does not raise the max. */
	j = json("{\"findingStatistics\":{\"countBySeverity\":{\"9.5\":0,\"2\":1}}}");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_true(st.max_severity == 2.0);
	assert_int_equal(st.bands[GUARDDUTY_CRITICAL], 0);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	/* Both forms in one answer are not added up twice. */
	j = json("{\"findingStatistics\":{\"countBySeverity\":{\"8\":2},"
	         "\"groupedBySeverity\":[{\"severity\":8,\"totalFindings\":2}]}}");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 2);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	j = fixture("guardduty/GetFindingsStatistics.GroupBy-SEVERITY.json");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.have, GUARDDUTY_HAVE_BANDS);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 2);
	assert_int_equal(st.bands[GUARDDUTY_MEDIUM], 10);
	assert_int_equal(st.bands[GUARDDUTY_LOW], 0);
	assert_true(st.max_severity == 8.0);
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	j = fixture("guardduty/GetFindingsStatistics.GroupBy-ACCOUNT.json");
	assert_int_equal(guardduty_get_findings_statistics_decode(j, &st, NULL), 0);
	assert_int_equal(st.have, GUARDDUTY_HAVE_ACCOUNTS);
	assert_int_equal(st.naccounts, 1);
	assert_string_equal(st.accounts[0].account_id, "444455556666");
	assert_int_equal(st.accounts[0].total, 7);
	assert_true(st.accounts[0].last_generated_at == 1717243200.0);
	assert_string_equal(st.next_token, "next-page");
	guardduty_get_findings_statistics_result_done(&st);
	cJSON_Delete(j);

	/* GuardDuty ends a listing with "nextToken": "". */
	j = fixture("guardduty/ListFindings.json");
	assert_int_equal(guardduty_list_findings_decode(j, &lf, NULL), 0);
	assert_int_equal(lf.nfinding_ids, 2);
	assert_string_equal(lf.finding_ids[0], "a1b2c3d4e5f60718293a4b5c6d7e8f90");
	assert_string_equal(lf.finding_ids[1], "b1b2c3d4e5f60718293a4b5c6d7e8f91");
	assert_null(lf.next_token);
	guardduty_list_findings_result_done(&lf);
	cJSON_Delete(j);

	j = fixture("guardduty/ListMembers.json");
	assert_int_equal(guardduty_list_members_decode(j, &lm, NULL), 0);
	assert_int_equal(lm.nmembers, 1);
	assert_string_equal(lm.members[0].account_id, "777788889999");
	assert_string_equal(lm.members[0].administrator_id, "444455556666");
	assert_string_equal(lm.members[0].relationship_status, "Enabled");
	assert_string_equal(lm.members[0].email, "dev@example.com");
	assert_true(lm.members[0].invited_at == 1682935200.0);
	assert_true(lm.members[0].updated_at == 1682935500.0);
	guardduty_list_members_result_done(&lm);
	cJSON_Delete(j);
	/* Only the retired masterId: it stands in for administratorId. */
	j = json("{\"members\":[{\"accountId\":\"777788889999\",\"masterId\":\"111122223333\"}],"
	         "\"nextToken\":null}");
	assert_int_equal(guardduty_list_members_decode(j, &lm, NULL), 0);
	assert_string_equal(lm.members[0].administrator_id, "111122223333");
	assert_null(lm.next_token);
	guardduty_list_members_result_done(&lm);
	cJSON_Delete(j);
}

static void
test_guardduty_findings(void **state)
{
	struct guardduty_get_findings_result r;
	const struct guardduty_finding *f;
	cJSON *j;

	(void)state;
	j = fixture("guardduty/GetFindings.json");
	assert_int_equal(guardduty_get_findings_decode(j, &r, NULL), 0);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_string_equal(f->id, "a1b2c3d4e5f60718293a4b5c6d7e8f90");
	assert_string_equal(f->title, "Unusual outbound traffic");
	assert_string_equal(f->type, "Backdoor:EC2/C&CActivity.B!DNS");
	assert_string_equal(f->description, "EC2 instance is querying a C&C domain.");
	assert_true(f->severity == 8.0);
	assert_string_equal(f->region, "eu-west-1");
	assert_string_equal(f->account_id, "444455556666");
	assert_string_equal(f->resource_type, "Instance");
	assert_string_equal(f->resource, "i-0123456789abcdef0");
	assert_true(f->created_at == 1717232400.0); /* 2024-06-01T09:00:00.000Z */
	assert_true(f->updated_at == 1717243200.0); /* 2024-06-01T12:00:00.000Z */
	assert_int_equal(f->count, 3);
	assert_false(f->archived);
	guardduty_get_findings_result_done(&r);
	cJSON_Delete(j);

	j = fixture("guardduty/GetFindings.resources.json");
	assert_int_equal(guardduty_get_findings_decode(j, &r, NULL), 0);
	assert_int_equal(r.nfindings, 6);
	/* An access key finding: the user. */
	assert_string_equal(r.findings[0].resource, "alice");
	assert_true(r.findings[0].updated_at == 1717322400.0); /* ...+00:00 */
	assert_int_equal(r.findings[0].count, 0);
	/* An S3 finding names the bucket, not the actor's access key. */
	assert_string_equal(r.findings[1].resource_type, "S3Bucket");
	assert_string_equal(r.findings[1].resource, "payroll-exports");
	assert_true(r.findings[1].severity == 9.5);
	assert_int_equal(r.findings[1].count, 12);
	assert_string_equal(r.findings[2].resource, "ingest");
	assert_true(r.findings[2].updated_at == 1717459200.5);
	assert_string_equal(r.findings[3].resource, "prod-cluster");
	assert_string_equal(r.findings[4].resource, "orders-db");
	/* Nothing identifies it: NULL, and no title. */
	assert_null(r.findings[5].resource);
	assert_null(r.findings[5].title);
	assert_string_equal(r.findings[5].resource_type, "Unknown");
	guardduty_get_findings_result_done(&r);
	cJSON_Delete(j);

	/* An unknown resourceType falls back to whatever details are there. */
	j = json("{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":1,\"updatedAt\":0,"
	         "\"resource\":{\"resourceType\":\"NewThing\",\"lambdaDetails\":"
	         "{\"functionArn\":\"arn:fn\"},\"instanceDetails\":{\"instanceId\":\"\"}}}]}");
	assert_int_equal(guardduty_get_findings_decode(j, &r, NULL), 0);
	assert_string_equal(r.findings[0].resource, "arn:fn");
	guardduty_get_findings_result_done(&r);
	cJSON_Delete(j);
}

static void
test_budgets(void **state)
{
	struct budgets_describe_budgets_result r;
	const struct budgets_budget *b;
	cJSON *j;

	(void)state;
	j = fixture("budgets/DescribeBudgets.json");
	assert_int_equal(budgets_describe_budgets_decode(j, &r, NULL), 0);
	assert_int_equal(r.nbudgets, 1);
	b = &r.budgets[0];
	assert_string_equal(b->name, "monthly-org");
	assert_string_equal(b->type, "COST");
	assert_string_equal(b->time_unit, "MONTHLY");
	assert_true(b->limit.present);
	assert_true(b->limit.amount == 1000.0);
	assert_string_equal(b->limit.unit, "USD");
	assert_true(b->actual.present);
	/* The long decimal string, parsed with strtod. */
	assert_true(b->actual.amount ==
	            strtod("604.4560000000000172803993336856365203857421875", NULL));
	assert_true(fabs(b->actual.amount - 604.456) < 1e-9);
	assert_true(b->forecast.present);
	assert_true(b->forecast.amount == 1210.9);
	assert_true(b->start == 1717200000.0);
	assert_true(b->end == 3706473600.0);
	assert_true(b->last_updated == 1717300000.0);
	assert_null(r.next_token);
	budgets_describe_budgets_result_done(&r);
	cJSON_Delete(j);

	j = fixture("budgets/DescribeBudgets.mixed.json");
	assert_int_equal(budgets_describe_budgets_decode(j, &r, NULL), 0);
	assert_int_equal(r.nbudgets, 3);
	assert_string_equal(r.budgets[0].limit.unit, "Hrs");
	assert_true(r.budgets[0].actual.amount == 1200.25);
	assert_false(r.budgets[0].forecast.present); /* no forecast: unknown, not 0 */
	assert_true(r.budgets[1].limit.present);
	assert_false(r.budgets[1].actual.present); /* no CalculatedSpend */
	assert_true(r.budgets[1].start == 0);
	assert_false(r.budgets[2].limit.present); /* RI utilization: no limit */
	assert_string_equal(r.next_token, "budgets-page-2");
	budgets_describe_budgets_result_done(&r);
	cJSON_Delete(j);
}

static void
test_cost(void **state)
{
	struct ce_get_cost_and_usage_result r;
	cJSON *j;

	(void)state;
	j = fixture("ce/GetCostAndUsage.GroupBy-LINKED_ACCOUNT-REGION.json");
	assert_int_equal(ce_get_cost_and_usage_decode(j, &r, NULL), 0);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(r.rows[0].account, "444455556666");
	assert_string_equal(r.rows[0].region, "eu-west-1");
	assert_true(r.rows[0].amount == 512.3400781234);
	assert_string_equal(r.rows[0].unit, "USD");
	assert_string_equal(r.rows[0].period_start, "2024-06-01");
	assert_true(r.rows[0].estimated);
	/* Region keys kept as given. */
	assert_string_equal(r.rows[1].region, "global");
	assert_true(r.rows[1].amount == 12.5);
	assert_string_equal(r.rows[2].account, "777788889999");
	assert_string_equal(r.rows[2].region, "NoRegion");
	assert_true(r.rows[2].amount == 0.0000012);
	assert_string_equal(r.next_token, "AAMA-EXAMPLE-PAGE-TOKEN");
	ce_get_cost_and_usage_result_done(&r);
	cJSON_Delete(j);

	/* GroupDefinitions in the other order; two periods; a credit (negative). */
	j = fixture("ce/GetCostAndUsage.two-periods.json");
	assert_int_equal(ce_get_cost_and_usage_decode(j, &r, NULL), 0);
	assert_int_equal(r.nrows, 2);
	assert_string_equal(r.rows[0].account, "444455556666");
	assert_string_equal(r.rows[0].region, "us-east-1");
	assert_true(r.rows[0].amount == 100.0);
	assert_false(r.rows[0].estimated);
	assert_string_equal(r.rows[1].period_start, "2024-06-01");
	assert_true(r.rows[1].amount == -1.5);
	assert_true(r.rows[1].estimated);
	assert_null(r.next_token);
	ce_get_cost_and_usage_result_done(&r);
	cJSON_Delete(j);

	/* Cost Explorer answered, no spend at all. */
	j = json("{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"2024-06-01\",\"End\":"
	         "\"2024-07-01\"},\"Total\":{},\"Groups\":[],\"Estimated\":true}]}");
	assert_int_equal(ce_get_cost_and_usage_decode(j, &r, NULL), 0);
	assert_int_equal(r.nrows, 0);
	assert_null(r.rows);
	ce_get_cost_and_usage_result_done(&r);
	cJSON_Delete(j);
}

static void
test_sso(void **state)
{
	struct ssoadmin_list_instances_result li;
	struct ssoadmin_list_permission_sets_result lp;
	struct ssoadmin_describe_permission_set_result dp;
	struct ssoadmin_list_accounts_for_provisioned_permission_set_result la;
	struct ssoadmin_list_account_assignments_result aa;
	struct identitystore_describe_user_result u;
	struct identitystore_describe_group_result g;
	struct identitystore_list_result lu;
	cJSON *j;

	(void)state;
	j = fixture("sso-admin/ListInstances.json");
	assert_int_equal(ssoadmin_list_instances_decode(j, &li, NULL), 0);
	assert_int_equal(li.ninstances, 1);
	assert_string_equal(li.instances[0].arn, "arn:aws:sso:::instance/ssoins-1111111111111111");
	assert_string_equal(li.instances[0].identity_store_id, "d-1234567890");
	assert_string_equal(li.instances[0].owner_account_id, "111122223333");
	assert_string_equal(li.instances[0].name, "org-idc");
	assert_string_equal(li.instances[0].status, "ACTIVE");
	ssoadmin_list_instances_result_done(&li);
	cJSON_Delete(j);

	j = fixture("sso-admin/ListPermissionSets.json");
	assert_int_equal(ssoadmin_list_permission_sets_decode(j, &lp, NULL), 0);
	assert_int_equal(lp.narns, 1);
	assert_string_equal(
	    lp.arns[0], "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222");
	assert_string_equal(lp.next_token, "ps-page-2");
	ssoadmin_list_permission_sets_result_done(&lp);
	cJSON_Delete(j);

	j = fixture("sso-admin/DescribePermissionSet.json");
	assert_int_equal(ssoadmin_describe_permission_set_decode(j, &dp, NULL), 0);
	assert_string_equal(dp.name, "ReadOnly");
	assert_string_equal(dp.description, "Read-only access");
	assert_string_equal(dp.session_duration, "PT8H");
	assert_true(dp.created == 1650000100.0);
	ssoadmin_describe_permission_set_result_done(&dp);
	cJSON_Delete(j);

	j = fixture("sso-admin/ListAccountsForProvisionedPermissionSet.json");
	assert_int_equal(ssoadmin_list_accounts_for_provisioned_permission_set_decode(j, &la, NULL),
	                 0);
	assert_int_equal(la.naccount_ids, 2);
	assert_string_equal(la.account_ids[0], "444455556666");
	assert_string_equal(la.account_ids[1], "777788889999");
	ssoadmin_list_accounts_for_provisioned_permission_set_result_done(&la);
	cJSON_Delete(j);

	j = fixture("sso-admin/ListAccountAssignments.json");
	assert_int_equal(ssoadmin_list_account_assignments_decode(j, &aa, NULL), 0);
	assert_int_equal(aa.nassignments, 2);
	assert_string_equal(aa.assignments[0].account_id, "444455556666");
	assert_int_equal(aa.assignments[0].principal_type, SSOADMIN_PRINCIPAL_GROUP);
	assert_string_equal(aa.assignments[0].principal_id,
	                    "906740a8e1-12345678-1234-1234-1234-123456789013");
	assert_int_equal(aa.assignments[1].principal_type, SSOADMIN_PRINCIPAL_USER);
	ssoadmin_list_account_assignments_result_done(&aa);
	cJSON_Delete(j);

	j = fixture("sso-admin/ListAccountAssignmentsForPrincipal.json");
	assert_int_equal(ssoadmin_list_account_assignments_for_principal_decode(j, &aa, NULL), 0);
	assert_int_equal(aa.nassignments, 1);
	assert_string_equal(aa.assignments[0].account_id, "444455556666");
	assert_int_equal(aa.assignments[0].principal_type, SSOADMIN_PRINCIPAL_USER);
	assert_string_equal(aa.assignments[0].permission_set_arn,
	                    "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222");
	assert_null(aa.next_token);
	ssoadmin_list_account_assignments_result_done(&aa);
	cJSON_Delete(j);

	j = fixture("identitystore/ListUsers.json");
	assert_int_equal(identitystore_list_users_decode(j, &lu, NULL), 0);
	assert_int_equal(lu.nitems, 1);
	assert_string_equal(lu.items[0].name, "alice@example.com"); /* UserName first */
	assert_string_equal(lu.items[0].id, "906740a8e1-12345678-1234-1234-1234-123456789012");
	assert_string_equal(lu.next_token, "users-page-2");
	identitystore_list_result_done(&lu);
	cJSON_Delete(j);
	j = fixture("identitystore/ListGroups.json");
	assert_int_equal(identitystore_list_groups_decode(j, &lu, NULL), 0);
	assert_int_equal(lu.nitems, 1);
	assert_string_equal(lu.items[0].name, "PlatformAdmins");
	assert_null(lu.next_token);
	identitystore_list_result_done(&lu);
	cJSON_Delete(j);
	/* A user known only by DisplayName; a group without one is refused with its place. */
	j = cJSON_Parse("{\"Users\":[{\"UserId\":\"u-1\",\"DisplayName\":\"Build Robot\"}]}");
	assert_int_equal(identitystore_list_users_decode(j, &lu, NULL), 0);
	assert_string_equal(lu.items[0].name, "Build Robot");
	identitystore_list_result_done(&lu);
	cJSON_Delete(j);
	expect_fail("ListGroups", "{\"Groups\":[{\"GroupId\":\"g-1\"}]}", "Groups[0].DisplayName");

	j = fixture("identitystore/DescribeUser.json");
	assert_int_equal(identitystore_describe_user_decode(j, &u, NULL), 0);
	assert_string_equal(u.name, "alice@example.com"); /* UserName first */
	assert_string_equal(u.user_id, "906740a8e1-12345678-1234-1234-1234-123456789012");
	identitystore_describe_user_result_done(&u);
	cJSON_Delete(j);
	j = fixture("identitystore/DescribeUser.displayname-only.json");
	assert_int_equal(identitystore_describe_user_decode(j, &u, NULL), 0);
	assert_string_equal(u.name, "Build Robot");
	identitystore_describe_user_result_done(&u);
	cJSON_Delete(j);

	j = fixture("identitystore/DescribeGroup.json");
	assert_int_equal(identitystore_describe_group_decode(j, &g, NULL), 0);
	assert_string_equal(g.name, "PlatformAdmins");
	assert_string_equal(g.group_id, "906740a8e1-12345678-1234-1234-1234-123456789013");
	identitystore_describe_group_result_done(&g);
	cJSON_Delete(j);
}

/* ---- malformed answers ---- */

static void
test_tokens(void **state)
{
	struct organizations_list_roots_result r;
	static const char *const ends[] = {"{\"Roots\":[]}", "{\"Roots\":[],\"NextToken\":null}",
	                                   "{\"Roots\":[],\"NextToken\":\"\"}"};
	cJSON *j;

	(void)state;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		j = json(ends[i]);
		assert_int_equal(organizations_list_roots_decode(j, &r, NULL), 0);
		assert_null(r.next_token);
		assert_int_equal(r.nroots, 0);
		organizations_list_roots_result_done(&r);
		cJSON_Delete(j);
	}
	/* An empty page with a token is not the end. */
	j = json("{\"Roots\":[],\"NextToken\":\"more\"}");
	assert_int_equal(organizations_list_roots_decode(j, &r, NULL), 0);
	assert_string_equal(r.next_token, "more");
	organizations_list_roots_result_done(&r);
	cJSON_Delete(j);
	expect_fail("ListRoots", "{\"Roots\":[],\"NextToken\":5}",
	            "ListRoots: NextToken: expected a string, got a number");
	expect_fail("ListDetectors", "{\"detectorIds\":[],\"nextToken\":{}}",
	            "ListDetectors: nextToken: expected a string, got an object");
	expect_fail("GetCostAndUsage", "{\"NextPageToken\":true}",
	            "NextPageToken: expected a string, got a boolean");
}

static void
test_malformed(void **state)
{
	char *big;
	struct buf b;

	(void)state;
	/* Not an object at all. */
	expect_fail("ListAccounts", "[]", "ListAccounts: expected a JSON object, got an array");
	expect_fail("DescribeUser", "\"x\"", "expected a JSON object, got a string");
	expect_fail("GetFindings", "null", "expected a JSON object, got null");

	/* Ids are strings of 12 digits, never numbers. */
	expect_fail(
	    "ListAccounts", "{\"Accounts\":[{\"Id\":111122223333,\"State\":\"ACTIVE\"}]}",
	    "ListAccounts: Accounts[0].Id: expected a 12-digit account id string, got a number");
	expect_fail("ListAccounts",
	            "{\"Accounts\":[{\"Id\":\"111122223333\",\"State\":\"ACTIVE\"},"
	            "{\"Id\":\"11112222333\",\"State\":\"ACTIVE\"}]}",
	            "Accounts[1].Id: not a 12-digit account id");
	expect_fail("ListAccounts", "{\"Accounts\":[{\"Id\":\"1111222233334\",\"State\":\"A\"}]}",
	            "not a 12-digit account id");
	expect_fail("ListAccounts", "{\"Accounts\":[{\"Id\":\"111122223333\"}]}",
	            "Accounts[0]: neither State nor Status is given");
	expect_fail("ListAccounts", "{\"Accounts\":[{\"Id\":\"111122223333\",\"State\":\"\"}]}",
	            "Accounts[0].State: empty");
	expect_fail("ListAccounts", "{\"Accounts\":\"all\"}",
	            "ListAccounts: Accounts: expected an array, got a string");
	expect_fail("ListAccounts", "{\"Accounts\":[7]}", "Accounts[0]: expected an object");
	expect_fail("ListAccounts",
	            "{\"Accounts\":[{\"Id\":\"111122223333\",\"State\":\"ACTIVE\","
	            "\"JoinedTimestamp\":\"soon\"}]}",
	            "Accounts[0].JoinedTimestamp: not a timestamp");
	expect_fail("ListAccounts",
	            "{\"Accounts\":[{\"Id\":\"111122223333\",\"State\":\"ACTIVE\","
	            "\"JoinedTimestamp\":1e300}]}",
	            "JoinedTimestamp: timestamp out of range");
	expect_fail("DescribeOrganization", "{\"Organization\":{\"Id\":\"o-x\"}}",
	            "DescribeOrganization: Organization.MasterAccountId: missing");
	expect_fail("DescribeOrganization", "{}", "DescribeOrganization: Organization: missing");
	expect_fail("DescribeOrganization", "{\"Organization\":[]}",
	            "Organization: expected an object, got an array");
	expect_fail("ListOrganizationalUnitsForParent",
	            "{\"OrganizationalUnits\":[{\"Id\":\"ou-ab12-1\\u001b]0;pwned\\u0007\"}]}",
	            "OrganizationalUnits[0].Id: not a valid identifier");
	expect_fail("ListParents", "{\"Parents\":[{\"Id\":\"\"}]}", "Parents[0].Id: empty");

	/* Region names end up in host names: only [A-Za-z0-9_-]. */
	expect_fail("ListRegions",
	            "{\"Regions\":[{\"RegionName\":\"evil.example.com/"
	            "x\",\"RegionOptStatus\":\"ENABLED\"}]}",
	            "ListRegions: Regions[0].RegionName: not a valid identifier");
	expect_fail("ListRegions", "{\"Regions\":[{\"RegionOptStatus\":\"ENABLED\"}]}",
	            "Regions[0].RegionName: missing");

	/* Counts: whole numbers, not past 2^53, not negative, not strings. */
	expect_fail("GetComplianceSummaryByConfigRule",
	            "{\"ComplianceSummary\":{\"CompliantResourceCount\":{\"CappedCount\":"
	            "9007199254740993}}}",
	            "ComplianceSummary.CompliantResourceCount.CappedCount: too large");
	expect_fail("GetComplianceSummaryByConfigRule",
	            "{\"ComplianceSummary\":{\"CompliantResourceCount\":{\"CappedCount\":1e300}}}",
	            "CappedCount: too large");
	expect_fail("GetComplianceSummaryByConfigRule",
	            "{\"ComplianceSummary\":{\"NonCompliantResourceCount\":{\"CappedCount\":-1}}}",
	            "NonCompliantResourceCount.CappedCount: not a whole number");
	expect_fail("GetComplianceSummaryByConfigRule",
	            "{\"ComplianceSummary\":{\"NonCompliantResourceCount\":{\"CappedCount\":2.5}}}",
	            "not a whole number");
	expect_fail(
	    "GetComplianceSummaryByConfigRule",
	    "{\"ComplianceSummary\":{\"NonCompliantResourceCount\":{\"CappedCount\":\"3\"}}}",
	    "CappedCount: expected a number, got a string");
	expect_fail("GetComplianceSummaryByConfigRule",
	            "{\"ComplianceSummary\":{\"NonCompliantResourceCount\":{\"CappedCount\":3,"
	            "\"CapExceeded\":\"yes\"}}}",
	            "CapExceeded: expected true or false, got a string");
	expect_fail(
	    "GetComplianceSummaryByConfigRule",
	    "{\"ComplianceSummary\":{\"CompliantResourceCount\":{\"CappedCount\":4294967296}}}",
	    "too large");
	expect_fail(
	    "DescribeComplianceByConfigRule",
	    "{\"ComplianceByConfigRules\":[{\"Compliance\":{\"ComplianceType\":\"COMPLIANT\"}}]}",
	    "ComplianceByConfigRules[0].ConfigRuleName: missing");
	expect_fail("DescribeComplianceByConfigRule",
	            "{\"ComplianceByConfigRules\":[{\"ConfigRuleName\":\"r\",\"Compliance\":"
	            "{\"ComplianceType\":7}}]}",
	            "ComplianceByConfigRules[0].Compliance.ComplianceType: expected a string");
	expect_fail(
	    "DescribeAggregateComplianceByConfigRules",
	    "{\"AggregateComplianceByConfigRules\":[{\"ConfigRuleName\":\"r\",\"AccountId\":"
	    "\"444455556666\"}]}",
	    "AggregateComplianceByConfigRules[0].AwsRegion: missing");
	expect_fail("GetAggregateConfigRuleComplianceSummary",
	            "{\"AggregateComplianceCounts\":[{\"ComplianceSummary\":{}}]}",
	            "AggregateComplianceCounts[0].GroupName: missing");
	expect_fail("DescribeConfigurationAggregators",
	            "{\"ConfigurationAggregators\":[{\"ConfigurationAggregatorName\":\"a\","
	            "\"OrganizationAggregationSource\":{\"AwsRegions\":[1]}}]}",
	            "ConfigurationAggregators[0].OrganizationAggregationSource.AwsRegions[0]: "
	            "expected a string");

	/* GuardDuty. */
	expect_fail("ListDetectors", "{}", "ListDetectors: detectorIds: missing");
	expect_fail("ListDetectors", "{\"detectorIds\":[\"\"]}", "detectorIds[0]: empty");
	expect_fail("ListFindings", "{\"findingIds\":[null]}",
	            "findingIds[0]: expected a string, got null");
	expect_fail("GetDetector", "{\"status\":1}", "GetDetector: status: expected a string");
	expect_fail("GetDetector", "{}", "GetDetector: status: missing");
	expect_fail("GetFindingsStatistics", "{}", "findingStatistics: missing");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"high\":3}}}",
	            "findingStatistics.countBySeverity: key \"high\" is not a severity");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"11\":3}}}",
	            "is not a severity (0-10)");
	/* Untrusted key text reaches the message only as printable ASCII. */
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"\\u001b]0;x\\u0007\":3}}}",
	            "key \"?]0;x?\" is not a severity");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"-1\":3}}}",
	            "is not a severity");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"nan\":3}}}",
	            "is not a severity");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"8.0\":\"3\"}}}",
	            "countBySeverity[\"8.0\"]: expected a number, got a string");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"8.0\":1e20}}}", "too large");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"countBySeverity\":{\"8\":4294967295,\"8.5\":1}}}",
	            "finding counts add up past");
	expect_fail("GetFindingsStatistics", "{\"findingStatistics\":{\"countBySeverity\":[]}}",
	            "findingStatistics.countBySeverity: expected an object, got an array");
	expect_fail(
	    "GetFindingsStatistics",
	    "{\"findingStatistics\":{\"groupedByAccount\":[{\"accountId\":\"444455556666\"}]}}",
	    "findingStatistics.groupedByAccount[0].totalFindings: missing");
	expect_fail("GetFindingsStatistics",
	            "{\"findingStatistics\":{\"groupedBySeverity\":[{\"severity\":\"8\","
	            "\"totalFindings\":1}]}}",
	            "groupedBySeverity[0].severity: expected a number");
	expect_fail("GetFindings", "{}", "GetFindings: findings: missing");
	expect_fail(
	    "GetFindings",
	    "{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":11,\"updatedAt\":0}]}",
	    "findings[0].severity: out of range");
	expect_fail("GetFindings",
	            "{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":5,\"updatedAt\":"
	            "\"yesterday\"}]}",
	            "findings[0].updatedAt: not a timestamp");
	expect_fail("GetFindings", "{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":5}]}",
	            "findings[0].updatedAt: missing");
	expect_fail("GetFindings",
	            "{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":5,\"updatedAt\":0,"
	            "\"service\":{\"count\":-3}}]}",
	            "findings[0].service.count: not a whole number");
	expect_fail("GetFindings",
	            "{\"findings\":[{\"id\":\"x\",\"type\":\"t\",\"severity\":5,\"updatedAt\":0,"
	            "\"resource\":{\"resourceType\":3}}]}",
	            "findings[0].resource.resourceType: expected a string");
	expect_fail("ListMembers", "{\"members\":[{\"accountId\":\"1\"}]}",
	            "members[0].accountId: not a 12-digit account id");

	/* Budgets: amounts are decimal strings. */
	expect_fail(
	    "DescribeBudgets",
	    "{\"Budgets\":[{\"BudgetName\":\"b\",\"BudgetLimit\":{\"Amount\":1000,\"Unit\":\"USD\"}"
	    "}]}",
	    "DescribeBudgets: Budgets[0].BudgetLimit.Amount: expected a string, got a number");
	expect_fail("DescribeBudgets",
	            "{\"Budgets\":[{\"BudgetName\":\"b\",\"BudgetLimit\":{\"Amount\":\"lots\"}}]}",
	            "BudgetLimit.Amount: not a decimal number");
	expect_fail("DescribeBudgets",
	            "{\"Budgets\":[{\"BudgetName\":\"b\",\"BudgetLimit\":{\"Amount\":\"1e999\"}}]}",
	            "not a decimal number");
	expect_fail(
	    "DescribeBudgets",
	    "{\"Budgets\":[{\"BudgetName\":\"b\",\"CalculatedSpend\":{\"ActualSpend\":{}}}]}",
	    "Budgets[0].CalculatedSpend.ActualSpend.Amount: missing");
	expect_fail("DescribeBudgets", "{\"Budgets\":[{\"BudgetLimit\":{\"Amount\":\"1\"}}]}",
	            "Budgets[0].BudgetName: missing");

	/* Cost Explorer. */
	expect_fail(
	    "GetCostAndUsage",
	    "{\"ResultsByTime\":[{\"Groups\":[{\"Keys\":[\"444455556666\"],\"Metrics\":{}}]}]}",
	    "GetCostAndUsage: ResultsByTime[0].Groups[0].Keys[1]: missing");
	expect_fail(
	    "GetCostAndUsage",
	    "{\"ResultsByTime\":[{\"Groups\":[{\"Keys\":[\"4\",\"eu-west-1\"],\"Metrics\":{}}]}]}",
	    "ResultsByTime[0].Groups[0].Metrics.UnblendedCost: missing");
	expect_fail("GetCostAndUsage",
	            "{\"ResultsByTime\":[{\"Groups\":[{\"Keys\":[4,\"eu-west-1\"]}]}]}",
	            "Groups[0].Keys[0]: expected a string, got a number");
	expect_fail("GetCostAndUsage",
	            "{\"ResultsByTime\":[{\"Groups\":[{\"Keys\":[\"a\",\"b\"],\"Metrics\":"
	            "{\"UnblendedCost\":{\"Amount\":12.5}}}]}]}",
	            "Metrics.UnblendedCost.Amount: expected a string, got a number");
	expect_fail("GetCostAndUsage",
	            "{\"GroupDefinitions\":[{\"Type\":\"DIMENSION\",\"Key\":\"SERVICE\"}],"
	            "\"ResultsByTime\":[]}",
	            "GroupDefinitions: not grouped by LINKED_ACCOUNT and REGION");
	expect_fail("GetCostAndUsage",
	            "{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"June\"}}]}",
	            "ResultsByTime[0].TimePeriod.Start: not a date");

	/* SSO. */
	expect_fail(
	    "ListAccountAssignments",
	    "{\"AccountAssignments\":[{\"AccountId\":\"444455556666\",\"PrincipalId\":\"p\"}]}",
	    "AccountAssignments[0].PrincipalType: missing");
	expect_fail("ListAccountAssignments",
	            "{\"AccountAssignments\":[{\"AccountId\":\"444455556666\",\"PrincipalType\":"
	            "\"USER\"}]}",
	            "AccountAssignments[0].PrincipalId: missing");
	expect_fail("ListAccountsForProvisionedPermissionSet", "{\"AccountIds\":[444455556666]}",
	            "AccountIds[0]: expected a 12-digit account id string, got a number");
	expect_fail("ListInstances", "{\"Instances\":[{\"Name\":\"x\"}]}",
	            "Instances[0].InstanceArn: missing");
	expect_fail("DescribePermissionSet", "{\"PermissionSet\":{}}",
	            "DescribePermissionSet: PermissionSet.Name: missing");
	expect_fail("DescribeUser", "{\"UserId\":\"u\"}",
	            "DescribeUser: neither UserName nor DisplayName is given");
	expect_fail("DescribeUser", "{\"UserName\":\"\",\"DisplayName\":\"\"}", "UserName: empty");
	expect_fail("DescribeGroup", "{\"GroupId\":\"g\"}", "DescribeGroup: DisplayName: missing");
	expect_fail("DescribeGroup", "{\"DisplayName\":[\"x\"]}",
	            "DisplayName: expected a string, got an array");

	/* Enum values AWS adds later are kept as unknown, not refused. */
	expect_ok(
	    "ListAccountAssignments",
	    "{\"AccountAssignments\":[{\"AccountId\":\"444455556666\",\"PrincipalType\":\"ROBOT\","
	    "\"PrincipalId\":\"p\"}]}");
	expect_ok("ListParents", "{\"Parents\":[{\"Id\":\"r-ab12\",\"Type\":\"GALAXY\"}]}");
	/* Null members are absent members. */
	expect_ok("ListAccounts",
	          "{\"Accounts\":[{\"Id\":\"111122223333\",\"Status\":\"ACTIVE\",\"State\":null,"
	          "\"Name\":null,\"JoinedTimestamp\":null}],\"NextToken\":null}");
	/* Timestamps: epoch numbers, ISO strings, numeric strings. */
	expect_ok("ListMembers",
	          "{\"members\":[{\"accountId\":\"111122223333\",\"invitedAt\":1717243200,"
	          "\"updatedAt\":\"1717243200.5\"}]}");

	/* Oversized lists are refused, not truncated silently. */
	buf_init(&b);
	buf_adds(&b, "{\"PermissionSets\":[");
	for (int i = 0; i <= 10000; i++)
		buf_adds(&b, i > 0 ? ",\"p\"" : "\"p\"");
	buf_adds(&b, "]}");
	big = b.data;
	expect_fail("ListPermissionSets", big, "PermissionSets: more than 10000 items");
	buf_done(&b);
}

/* A decoder given {} either succeeds with nothing or names the missing key. */
static void
test_empty_objects(void **state)
{
	(void)state;
	for (size_t i = 0; i < NDECODERS; i++) {
		cJSON *root = json("{}");
		char *cause = NULL;
		int rc = try_decode(&decoders[i], root, &cause);

		if (decoders[i].empty_ok && rc != 0)
			fail_msg("%s refused {}: %s", decoders[i].op, cause);
		if (!decoders[i].empty_ok) {
			if (rc == 0)
				fail_msg("%s accepted {}", decoders[i].op);
			if (strstr(cause, "missing") == NULL && strstr(cause, "neither") == NULL)
				fail_msg("%s on {}: %s", decoders[i].op, cause);
		}
		free(cause);
		cJSON_Delete(root);
	}
}

/* ---- the mutation sweep ---- */

/* The n-th node in pre-order (0 = root), with its parent. NULL past the end. */
static cJSON *
nth_node(cJSON *node, cJSON *parent, int *n, cJSON **parent_out)
{
	if ((*n)-- == 0) {
		*parent_out = parent;
		return node;
	}
	for (cJSON *c = node->child; c != NULL; c = c->next) {
		cJSON *hit = nth_node(c, node, n, parent_out);

		if (hit != NULL)
			return hit;
	}
	return NULL;
}

enum {
	MUT_DELETE,
	MUT_NULL,
	MUT_TRUE,
	MUT_HUGE,
	MUT_NEG,
	MUT_FRAC,
	MUT_2P53,
	MUT_STR,
	MUT_EMPTY_STR,
	MUT_ARR,
	MUT_OBJ,
	MUT_NUMSTR,
	MUT_ZERO,
	MUT_BIGARR,
	MUT__COUNT
};

static cJSON *
mutant(int kind)
{
	switch (kind) {
	case MUT_NULL:
		return cJSON_CreateNull();
	case MUT_TRUE:
		return cJSON_CreateTrue();
	case MUT_HUGE:
		return cJSON_CreateNumber(1e300);
	case MUT_NEG:
		return cJSON_CreateNumber(-1);
	case MUT_FRAC:
		return cJSON_CreateNumber(0.5);
	case MUT_2P53:
		return cJSON_CreateNumber(9007199254740993.0);
	case MUT_STR:
		return cJSON_CreateString("\x1b]0;x\x07 not-what-you-think");
	case MUT_EMPTY_STR:
		return cJSON_CreateString("");
	case MUT_ARR:
		return cJSON_CreateArray();
	case MUT_OBJ:
		return cJSON_CreateObject();
	case MUT_NUMSTR:
		return cJSON_CreateString("1e400");
	case MUT_ZERO:
		return cJSON_CreateNumber(0);
	case MUT_BIGARR: {
		cJSON *a = cJSON_CreateArray();

		for (int i = 0; i < 3; i++)
			cJSON_AddItemToArray(a, cJSON_CreateObject());
		return a;
	}
	default:
		return NULL;
	}
}

static void
test_mutation_sweep(void **state)
{
	size_t runs = 0, failures = 0;

	(void)state;
	for (size_t d = 0; d < NDECODERS; d++) {
		const struct decoder *dec = &decoders[d];

		for (size_t f = 0; f < 4 && dec->fixtures[f] != NULL; f++) {
			cJSON *orig = fixture(dec->fixtures[f]);
			char *cause = NULL;

			/* The fixture itself decodes. */
			if (try_decode(dec, orig, &cause) != 0)
				fail_msg("%s: %s", dec->fixtures[f], cause);
			for (int node = 1;; node++) {
				cJSON *probe = cJSON_Duplicate(orig, 1), *parent = NULL, *target;
				int n = node;

				target = nth_node(probe, NULL, &n, &parent);
				if (target == NULL) {
					cJSON_Delete(probe);
					break;
				}
				cJSON_Delete(probe);
				for (int kind = 0; kind < MUT__COUNT; kind++) {
					cJSON *copy = cJSON_Duplicate(orig, 1);

					n = node;
					target = nth_node(copy, NULL, &n, &parent);
					if (kind == MUT_DELETE) {
						cJSON_Delete(
						    cJSON_DetachItemViaPointer(parent, target));
					} else {
						cJSON *m = mutant(kind);

						if (target->string != NULL)
							m->string = strdup(target->string);
						assert_true(
						    cJSON_ReplaceItemViaPointer(parent, target, m));
					}
					runs++;
					if (try_decode(dec, copy, &cause) != 0) {
						failures++;
						free(cause);
					}
					cJSON_Delete(copy);
				}
			}
			cJSON_Delete(orig);
		}
	}
	/* Many mutants are refused, many are harmless; none crashed or leaked (ASan). */
	assert_true(runs > 3000);
	assert_true(failures > runs / 10);
	assert_true(failures < runs);
	print_message("mutation sweep: %zu mutants, %zu refused with a cause\n", runs, failures);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_organizations),
	    cmocka_unit_test(test_account_regions),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test(test_guardduty),
	    cmocka_unit_test(test_guardduty_findings),
	    cmocka_unit_test(test_budgets),
	    cmocka_unit_test(test_cost),
	    cmocka_unit_test(test_sso),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_empty_objects),
	    cmocka_unit_test(test_mutation_sweep),
	};

	return cmocka_run_group_tests_name("services_decode", tests, NULL, NULL);
}
