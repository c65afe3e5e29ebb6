/*
 * ops.c: the table of every AWS operation orgtop can send, and the IAM policy
 * generated from it.
 */
#include "core/services/ops.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define BOTH (OPS_CALLER | OPS_MEMBER)

/* Designated by id so the table can never drift out of enum order. */
static const struct ops_op ops_table[OPS__COUNT] = {
	[OPS_STS_GET_CALLER_IDENTITY] = {OPS_STS_GET_CALLER_IDENTITY, "sts", "GetCallerIdentity",
	    OPS_PROTO_QUERY, "POST", "/", NULL, "sts:GetCallerIdentity", BOTH, 1, NULL, NULL},
	[OPS_STS_ASSUME_ROLE] = {OPS_STS_ASSUME_ROLE, "sts", "AssumeRole", OPS_PROTO_QUERY, "POST",
	    "/", NULL, "sts:AssumeRole", OPS_CALLER, 1, NULL, NULL},
	[OPS_SSO_GET_ROLE_CREDENTIALS] = {OPS_SSO_GET_ROLE_CREDENTIALS, "sso", "GetRoleCredentials",
	    OPS_PROTO_REST_JSON, "GET", "/federation/credentials", NULL, NULL, 0, 1, NULL, NULL},

	[OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION] = {OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION,
	    "organizations", "DescribeOrganization", OPS_PROTO_JSON, "POST", "/",
	    "AWSOrganizationsV20161128.DescribeOrganization", "organizations:DescribeOrganization",
	    OPS_CALLER, 1, NULL, NULL},
	[OPS_ORGANIZATIONS_LIST_ROOTS] = {OPS_ORGANIZATIONS_LIST_ROOTS, "organizations",
	    "ListRoots", OPS_PROTO_JSON, "POST", "/", "AWSOrganizationsV20161128.ListRoots",
	    "organizations:ListRoots", OPS_CALLER, 1, "NextToken", "NextToken"},
	[OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT] = {
	    OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT, "organizations",
	    "ListOrganizationalUnitsForParent", OPS_PROTO_JSON, "POST", "/",
	    "AWSOrganizationsV20161128.ListOrganizationalUnitsForParent",
	    "organizations:ListOrganizationalUnitsForParent", OPS_CALLER, 1, "NextToken",
	    "NextToken"},
	[OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT] = {OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT,
	    "organizations", "ListAccountsForParent", OPS_PROTO_JSON, "POST", "/",
	    "AWSOrganizationsV20161128.ListAccountsForParent",
	    "organizations:ListAccountsForParent", OPS_CALLER, 1, "NextToken", "NextToken"},
	[OPS_ORGANIZATIONS_LIST_ACCOUNTS] = {OPS_ORGANIZATIONS_LIST_ACCOUNTS, "organizations",
	    "ListAccounts", OPS_PROTO_JSON, "POST", "/", "AWSOrganizationsV20161128.ListAccounts",
	    "organizations:ListAccounts", OPS_CALLER, 1, "NextToken", "NextToken"},
	[OPS_ORGANIZATIONS_LIST_PARENTS] = {OPS_ORGANIZATIONS_LIST_PARENTS, "organizations",
	    "ListParents", OPS_PROTO_JSON, "POST", "/", "AWSOrganizationsV20161128.ListParents",
	    "organizations:ListParents", OPS_CALLER, 1, "NextToken", "NextToken"},
	[OPS_ORGANIZATIONS_LIST_DELEGATED_ADMINISTRATORS] = {
	    OPS_ORGANIZATIONS_LIST_DELEGATED_ADMINISTRATORS, "organizations",
	    "ListDelegatedAdministrators", OPS_PROTO_JSON, "POST", "/",
	    "AWSOrganizationsV20161128.ListDelegatedAdministrators",
	    "organizations:ListDelegatedAdministrators", OPS_CALLER, 1, "NextToken", "NextToken"},

	[OPS_ACCOUNT_LIST_REGIONS] = {OPS_ACCOUNT_LIST_REGIONS, "account", "ListRegions",
	    OPS_PROTO_REST_JSON, "POST", "/listRegions", NULL, "account:ListRegions", BOTH, 1,
	    "NextToken", "NextToken"},

	[OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE] = {
	    OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE, "config",
	    "GetComplianceSummaryByConfigRule", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.GetComplianceSummaryByConfigRule",
	    "config:GetComplianceSummaryByConfigRule", BOTH, 1, NULL, NULL},
	[OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE] = {
	    OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE, "config",
	    "DescribeComplianceByConfigRule", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.DescribeComplianceByConfigRule",
	    "config:DescribeComplianceByConfigRule", BOTH, 1, "NextToken", "NextToken"},
	[OPS_CONFIG_DESCRIBE_CONFIG_RULES] = {OPS_CONFIG_DESCRIBE_CONFIG_RULES, "config",
	    "DescribeConfigRules", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.DescribeConfigRules", "config:DescribeConfigRules", BOTH, 1,
	    "NextToken", "NextToken"},
	[OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS] = {
	    OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS, "config",
	    "DescribeConfigurationAggregators", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.DescribeConfigurationAggregators",
	    "config:DescribeConfigurationAggregators", BOTH, 1, "NextToken", "NextToken"},
	[OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES] = {
	    OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES, "config",
	    "DescribeAggregateComplianceByConfigRules", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.DescribeAggregateComplianceByConfigRules",
	    "config:DescribeAggregateComplianceByConfigRules", BOTH, 1, "NextToken", "NextToken"},
	[OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY] = {
	    OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY, "config",
	    "GetAggregateConfigRuleComplianceSummary", OPS_PROTO_JSON, "POST", "/",
	    "StarlingDoveService.GetAggregateConfigRuleComplianceSummary",
	    "config:GetAggregateConfigRuleComplianceSummary", BOTH, 1, "NextToken", "NextToken"},

	[OPS_GUARDDUTY_LIST_DETECTORS] = {OPS_GUARDDUTY_LIST_DETECTORS, "guardduty",
	    "ListDetectors", OPS_PROTO_REST_JSON, "GET", "/detector", NULL,
	    "guardduty:ListDetectors", BOTH, 1, "nextToken", "nextToken"},
	[OPS_GUARDDUTY_GET_DETECTOR] = {OPS_GUARDDUTY_GET_DETECTOR, "guardduty", "GetDetector",
	    OPS_PROTO_REST_JSON, "GET", "/detector/{DetectorId}", NULL, "guardduty:GetDetector",
	    BOTH, 1, NULL, NULL},
	[OPS_GUARDDUTY_GET_FINDINGS_STATISTICS] = {OPS_GUARDDUTY_GET_FINDINGS_STATISTICS,
	    "guardduty", "GetFindingsStatistics", OPS_PROTO_REST_JSON, "POST",
	    "/detector/{DetectorId}/findings/statistics", NULL, "guardduty:GetFindingsStatistics",
	    BOTH, 1, NULL, "nextToken"},
	[OPS_GUARDDUTY_LIST_FINDINGS] = {OPS_GUARDDUTY_LIST_FINDINGS, "guardduty", "ListFindings",
	    OPS_PROTO_REST_JSON, "POST", "/detector/{DetectorId}/findings", NULL,
	    "guardduty:ListFindings", BOTH, 1, "nextToken", "nextToken"},
	[OPS_GUARDDUTY_GET_FINDINGS] = {OPS_GUARDDUTY_GET_FINDINGS, "guardduty", "GetFindings",
	    OPS_PROTO_REST_JSON, "POST", "/detector/{DetectorId}/findings/get", NULL,
	    "guardduty:GetFindings", BOTH, 1, NULL, NULL},
	[OPS_GUARDDUTY_LIST_MEMBERS] = {OPS_GUARDDUTY_LIST_MEMBERS, "guardduty", "ListMembers",
	    OPS_PROTO_REST_JSON, "GET", "/detector/{DetectorId}/member", NULL,
	    "guardduty:ListMembers", BOTH, 1, "nextToken", "nextToken"},

	/* DescribeBudgets is authorised by budgets:ViewBudget, not a same-named action. */
	[OPS_BUDGETS_DESCRIBE_BUDGETS] = {OPS_BUDGETS_DESCRIBE_BUDGETS, "budgets",
	    "DescribeBudgets", OPS_PROTO_JSON, "POST", "/",
	    "AWSBudgetServiceGateway.DescribeBudgets", "budgets:ViewBudget", BOTH, 1, "NextToken",
	    "NextToken"},

	[OPS_CE_GET_COST_AND_USAGE] = {OPS_CE_GET_COST_AND_USAGE, "ce", "GetCostAndUsage",
	    OPS_PROTO_JSON, "POST", "/", "AWSInsightsIndexService.GetCostAndUsage",
	    "ce:GetCostAndUsage", OPS_CALLER, 1, "NextPageToken", "NextPageToken"},

	/* sso-admin signs as "sso" and its IAM actions are sso:*. */
	[OPS_SSOADMIN_LIST_INSTANCES] = {OPS_SSOADMIN_LIST_INSTANCES, "sso-admin", "ListInstances",
	    OPS_PROTO_JSON, "POST", "/", "SWBExternalService.ListInstances", "sso:ListInstances",
	    OPS_CALLER, 1, "NextToken", "NextToken"},
	[OPS_SSOADMIN_LIST_PERMISSION_SETS] = {OPS_SSOADMIN_LIST_PERMISSION_SETS, "sso-admin",
	    "ListPermissionSets", OPS_PROTO_JSON, "POST", "/",
	    "SWBExternalService.ListPermissionSets", "sso:ListPermissionSets", OPS_CALLER, 1,
	    "NextToken", "NextToken"},
	[OPS_SSOADMIN_DESCRIBE_PERMISSION_SET] = {OPS_SSOADMIN_DESCRIBE_PERMISSION_SET,
	    "sso-admin", "DescribePermissionSet", OPS_PROTO_JSON, "POST", "/",
	    "SWBExternalService.DescribePermissionSet", "sso:DescribePermissionSet", OPS_CALLER,
	    1, NULL, NULL},
	[OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET] = {
	    OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET, "sso-admin",
	    "ListAccountsForProvisionedPermissionSet", OPS_PROTO_JSON, "POST", "/",
	    "SWBExternalService.ListAccountsForProvisionedPermissionSet",
	    "sso:ListAccountsForProvisionedPermissionSet", OPS_CALLER, 1, "NextToken",
	    "NextToken"},
	[OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS] = {OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS,
	    "sso-admin", "ListAccountAssignments", OPS_PROTO_JSON, "POST", "/",
	    "SWBExternalService.ListAccountAssignments", "sso:ListAccountAssignments", OPS_CALLER,
	    1, "NextToken", "NextToken"},

	[OPS_IDENTITYSTORE_DESCRIBE_USER] = {OPS_IDENTITYSTORE_DESCRIBE_USER, "identitystore",
	    "DescribeUser", OPS_PROTO_JSON, "POST", "/", "AWSIdentityStore.DescribeUser",
	    "identitystore:DescribeUser", OPS_CALLER, 1, NULL, NULL},
	[OPS_IDENTITYSTORE_DESCRIBE_GROUP] = {OPS_IDENTITYSTORE_DESCRIBE_GROUP, "identitystore",
	    "DescribeGroup", OPS_PROTO_JSON, "POST", "/", "AWSIdentityStore.DescribeGroup",
	    "identitystore:DescribeGroup", OPS_CALLER, 1, NULL, NULL},
};

const struct ops_op *
ops_get(enum ops_id id)
{
	if ((unsigned)id >= OPS__COUNT)
		return NULL;
	return &ops_table[id];
}

const struct ops_op *
ops_find(const char *service, const char *name)
{
	if (service == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < OPS__COUNT; i++) {
		if (strcmp(ops_table[i].service, service) == 0 &&
		    strcmp(ops_table[i].name, name) == 0)
			return &ops_table[i];
	}
	return NULL;
}

size_t
ops_count(void)
{
	return OPS__COUNT;
}

static int
ops__has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
ops_is_read(const struct ops_op *op)
{
	if (op == NULL || op->name == NULL || op->service == NULL)
		return 0;
	if (strcmp(op->service, "sts") == 0 &&
	    (strcmp(op->name, "AssumeRole") == 0 || strcmp(op->name, "GetCallerIdentity") == 0))
		return 1;
	/* The verb must be followed by a capital: "Listen" or "Getaway" is not a read. */
	if (ops__has_prefix(op->name, "List"))
		return op->name[4] >= 'A' && op->name[4] <= 'Z';
	if (ops__has_prefix(op->name, "Describe"))
		return op->name[8] >= 'A' && op->name[8] <= 'Z';
	if (ops__has_prefix(op->name, "Get"))
		return op->name[3] >= 'A' && op->name[3] <= 'Z';
	return 0;
}

void
ops_request_done(struct ops_request *r)
{
	if (r == NULL)
		return;
	free(r->path);
	free(r->query);
	free(r->body);
	memset(r, 0, sizeof *r);
}

static int
ops__cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
ops__valid_role(const char *role)
{
	size_t n = strlen(role);

	if (n == 0 || n > 512 || role[0] == '/' || role[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = role[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (strchr("+=,.@_/-", c) == NULL)
			return 0;
	}
	return 1;
}

int
ops_iam_policy_role(struct buf *out, int which, const char *role_name, char **cause)
{
	const char *actions[OPS__COUNT];
	size_t n = 0;

	if (which != OPS_CALLER && which != OPS_MEMBER) {
		if (cause != NULL)
			*cause = xasprintf("IAM policy: unknown policy kind %d", which);
		return -1;
	}
	if (role_name == NULL)
		role_name = OPS_DEFAULT_ROLE;
	if (!ops__valid_role(role_name)) {
		if (cause != NULL)
			*cause = xstrdup("IAM policy: the role name may hold only letters, digits "
					 "and +=,.@_-/ (1 to 512 characters)");
		return -1;
	}
	for (size_t i = 0; i < OPS__COUNT; i++) {
		const struct ops_op *op = &ops_table[i];

		if (op->iam_action == NULL || !(op->policy & (unsigned)which) ||
		    strcmp(op->iam_action, "sts:AssumeRole") == 0)
			continue;
		actions[n++] = op->iam_action;
	}
	qsort(actions, n, sizeof actions[0], ops__cmp_str);

	buf_adds(out, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
	buf_adds(out, "    {\n      \"Sid\": \"OrgtopReadOnly\",\n      \"Effect\": \"Allow\",\n"
		      "      \"Action\": [\n");
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(actions[i], actions[i - 1]) == 0)
			continue;
		buf_printf(out, "%s        \"%s\"", i > 0 ? ",\n" : "", actions[i]);
	}
	buf_adds(out, "\n      ],\n      \"Resource\": \"*\"\n    }");
	if (which == OPS_CALLER) {
		/* Only the audit role, in any account of the organization. */
		buf_printf(out,
		    ",\n    {\n      \"Sid\": \"OrgtopAssumeAuditRole\",\n"
		    "      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n"
		    "      \"Resource\": \"arn:aws:iam::*:role/%s\"\n    }",
		    role_name);
	}
	buf_adds(out, "\n  ]\n}\n");
	return 0;
}

int
ops_iam_policy(struct buf *out, int which)
{
	return ops_iam_policy_role(out, which, NULL, NULL);
}
