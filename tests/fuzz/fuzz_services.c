// seeds: tests/data/responses
/*
 * fuzz_services.c: libFuzzer target for every answer decoder of core/services.
 *
 * Input: either a whole JSON document (the seeds are the fixture files
 * {status, headers, body}): every decoder decodes it and, when it carries a
 * "body" string, the parsed body too; or a selector byte followed by JSON:
 * data[0] picks the decoder, the rest is the answer.
 *
 * Asserted for every decode: success means no cause and a result that frees
 * cleanly; failure means a cause that starts with "<Operation>:" and an
 * output left byte-for-byte untouched. ASan/UBSan catch the rest.
 *
 * Build by hand (make fuzz does the same through tests/fuzz/fuzz.mk):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_services.c core/services/[a-z]*.c core/util.c core/xmalloc.c \
 *     core/buf.c -lcjson -lcrypto -lm -o build/fuzz_services
 *   build/fuzz_services -max_total_time=60 tests/data/responses/[a-z]*
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/services/awsaccount.h"
#include "core/services/budgets.h"
#include "core/services/ce.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/services/identitystore.h"
#include "core/services/organizations.h"
#include "core/services/ssoadmin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct decoder {
	const char *op;
	size_t size;
	int (*decode)(const cJSON *root, void *out, char **cause);
	void (*done)(void *out);
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
WRAP(user, struct identitystore_describe_user_result, identitystore_describe_user_decode,
     identitystore_describe_user_result_done)
WRAP(group, struct identitystore_describe_group_result, identitystore_describe_group_decode,
     identitystore_describe_group_result_done)
WRAP(users, struct identitystore_list_result, identitystore_list_users_decode,
     identitystore_list_result_done)
WRAP(groups, struct identitystore_list_result, identitystore_list_groups_decode,
     identitystore_list_result_done)
WRAP(forprin, struct ssoadmin_list_account_assignments_result,
     ssoadmin_list_account_assignments_for_principal_decode,
     ssoadmin_list_account_assignments_result_done)

#define D(name, type, opname)                                                                      \
	{                                                                                          \
		opname, sizeof(type), name##_dec, name##_done                                      \
	}

static const struct decoder decoders[] = {
    D(org, struct organizations_describe_organization_result, "DescribeOrganization"),
    D(roots, struct organizations_list_roots_result, "ListRoots"),
    D(ous, struct organizations_list_organizational_units_for_parent_result,
      "ListOrganizationalUnitsForParent"),
    D(accts, struct organizations_list_accounts_result, "ListAccounts"),
    D(afp, struct organizations_list_accounts_result, "ListAccountsForParent"),
    D(parents, struct organizations_list_parents_result, "ListParents"),
    D(delegated, struct organizations_list_delegated_administrators_result,
      "ListDelegatedAdministrators"),
    D(regions, struct awsaccount_list_regions_result, "ListRegions"),
    D(summary, struct configservice_get_compliance_summary_by_config_rule_result,
      "GetComplianceSummaryByConfigRule"),
    D(dcbcr, struct configservice_describe_compliance_by_config_rule_result,
      "DescribeComplianceByConfigRule"),
    D(rules, struct configservice_describe_config_rules_result, "DescribeConfigRules"),
    D(aggs, struct configservice_describe_configuration_aggregators_result,
      "DescribeConfigurationAggregators"),
    D(dacbcr, struct configservice_describe_aggregate_compliance_by_config_rules_result,
      "DescribeAggregateComplianceByConfigRules"),
    D(gacrcs, struct configservice_get_aggregate_config_rule_compliance_summary_result,
      "GetAggregateConfigRuleComplianceSummary"),
    D(detectors, struct guardduty_list_detectors_result, "ListDetectors"),
    D(detector, struct guardduty_get_detector_result, "GetDetector"),
    D(stats, struct guardduty_get_findings_statistics_result, "GetFindingsStatistics"),
    D(lfind, struct guardduty_list_findings_result, "ListFindings"),
    D(gfind, struct guardduty_get_findings_result, "GetFindings"),
    D(members, struct guardduty_list_members_result, "ListMembers"),
    D(budgets, struct budgets_describe_budgets_result, "DescribeBudgets"),
    D(cost, struct ce_get_cost_and_usage_result, "GetCostAndUsage"),
    D(instances, struct ssoadmin_list_instances_result, "ListInstances"),
    D(psets, struct ssoadmin_list_permission_sets_result, "ListPermissionSets"),
    D(pset, struct ssoadmin_describe_permission_set_result, "DescribePermissionSet"),
    D(prov, struct ssoadmin_list_accounts_for_provisioned_permission_set_result,
      "ListAccountsForProvisionedPermissionSet"),
    D(assign, struct ssoadmin_list_account_assignments_result, "ListAccountAssignments"),
    D(user, struct identitystore_describe_user_result, "DescribeUser"),
    D(group, struct identitystore_describe_group_result, "DescribeGroup"),
    D(users, struct identitystore_list_result, "ListUsers"),
    D(groups, struct identitystore_list_result, "ListGroups"),
    D(forprin, struct ssoadmin_list_account_assignments_result,
      "ListAccountAssignmentsForPrincipal"),
};

#define NDECODERS (sizeof decoders / sizeof decoders[0])
#define SENTINEL  0xa5

static void
run(const struct decoder *dec, const cJSON *root)
{
	unsigned char out[256], ref[256];
	char *cause = NULL;
	size_t n = strlen(dec->op);

	if (dec->size > sizeof out)
		abort();
	memset(out, SENTINEL, sizeof out);
	memset(ref, SENTINEL, sizeof ref);
	if (dec->decode(root, out, &cause) == 0) {
		if (cause != NULL)
			abort();
		dec->done(out);
		return;
	}
	/* A failure names the operation and leaves the output untouched. */
	if (cause == NULL || strncmp(cause, dec->op, n) != 0 || cause[n] != ':' ||
	    memcmp(out, ref, sizeof out) != 0)
		abort();
	free(cause);
}

static void
run_all(const cJSON *root)
{
	for (size_t i = 0; i < NDECODERS; i++)
		run(&decoders[i], root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *doc;

	if (size == 0)
		return 0;
	doc = cJSON_ParseWithLength((const char *)data, size);
	if (doc != NULL) {
		const cJSON *body = cJSON_GetObjectItemCaseSensitive(doc, "body");

		run_all(doc);
		if (cJSON_IsString(body) && body->valuestring != NULL) {
			cJSON *inner = cJSON_Parse(body->valuestring);

			if (inner != NULL) {
				run_all(inner);
				cJSON_Delete(inner);
			}
		}
		cJSON_Delete(doc);
		return 0;
	}
	doc = cJSON_ParseWithLength((const char *)data + 1, size - 1);
	if (doc != NULL) {
		run(&decoders[data[0] % NDECODERS], doc);
		cJSON_Delete(doc);
	}
	return 0;
}
