/*
 * ops.c: the table of every AWS operation orgtop can send, and the IAM policy
 * generated from it.
 */
#include "core/services/ops.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define BOTH      (OPS_CALLER | OPS_MEMBER)
#define TOK       "NextToken"
#define CAMEL_TOK "nextToken"

// clang-format off
/* json 1.1: POST /, X-Amz-Target "<prefix>.<Name>", IAM action "<iam>:<Name>". */
#define JSON11(ID, SVC, PREFIX, IAM, NAME, POLICY, TOKEN) \
	[ID] = {ID, SVC, NAME, OPS_PROTO_JSON, "POST", "/", PREFIX "." NAME, IAM ":" NAME, \
	    POLICY, 1, TOKEN, TOKEN, {NULL}}
#define ORGS(ID, NAME, TOKEN) \
	JSON11(ID, "organizations", "AWSOrganizationsV20161128", "organizations", NAME, \
	    OPS_CALLER, TOKEN)
#define CONFIG(ID, NAME, TOKEN) \
	JSON11(ID, "config", "StarlingDoveService", "config", NAME, BOTH, TOKEN)
/* sso-admin signs as "sso" and its IAM actions are sso:*. */
#define SSOADMIN(ID, NAME, TOKEN) \
	JSON11(ID, "sso-admin", "SWBExternalService", "sso", NAME, OPS_CALLER, TOKEN)
#define IDSTORE(ID, NAME, TOKEN) \
	JSON11(ID, "identitystore", "AWSIdentityStore", "identitystore", NAME, OPS_CALLER, TOKEN)
/* rest-json: method, URI template and query members; no target. */
#define REST(ID, SVC, NAME, METHOD, URI, IAM, POLICY, TOKEN_IN, TOKEN_OUT, ...) \
	[ID] = {ID, SVC, NAME, OPS_PROTO_REST_JSON, METHOD, URI, NULL, IAM, POLICY, 1, \
	    TOKEN_IN, TOKEN_OUT, {__VA_ARGS__}}
#define GUARDDUTY(ID, NAME, METHOD, URI, TOKEN_IN, TOKEN_OUT, ...) \
	REST(ID, "guardduty", NAME, METHOD, URI, "guardduty:" NAME, BOTH, TOKEN_IN, \
	    TOKEN_OUT, __VA_ARGS__)

/* Indexed by id so the table can never drift out of enum order. */
static const struct ops_op ops_table[OPS__COUNT] = {
	[OPS_STS_GET_CALLER_IDENTITY] = {OPS_STS_GET_CALLER_IDENTITY, "sts", "GetCallerIdentity",
	    OPS_PROTO_QUERY, "POST", "/", NULL, "sts:GetCallerIdentity", BOTH, 1, NULL, NULL, {NULL}},
	[OPS_STS_ASSUME_ROLE] = {OPS_STS_ASSUME_ROLE, "sts", "AssumeRole",
	    OPS_PROTO_QUERY, "POST", "/", NULL, "sts:AssumeRole", OPS_CALLER, 1, NULL, NULL, {NULL}},
	/* Unsigned; the web identity token authorises it (creds_sts.c), no IAM action of ours. */
	[OPS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY] = {OPS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, "sts",
	    "AssumeRoleWithWebIdentity", OPS_PROTO_QUERY, "POST", "/", NULL, NULL, 0, 1, NULL, NULL,
	    {NULL}},
	/* Unsigned; the SSO bearer token authorises it, no IAM action applies. */
	REST(OPS_SSO_GET_ROLE_CREDENTIALS, "sso", "GetRoleCredentials", "GET",
	    "/federation/credentials", NULL, 0, NULL, NULL, "role_name", "account_id"),

	ORGS(OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION, "DescribeOrganization", NULL),
	ORGS(OPS_ORGANIZATIONS_LIST_ROOTS, "ListRoots", TOK),
	ORGS(OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT,
	    "ListOrganizationalUnitsForParent", TOK),
	ORGS(OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT, "ListAccountsForParent", TOK),
	ORGS(OPS_ORGANIZATIONS_LIST_ACCOUNTS, "ListAccounts", TOK),
	ORGS(OPS_ORGANIZATIONS_LIST_PARENTS, "ListParents", TOK),
	ORGS(OPS_ORGANIZATIONS_LIST_DELEGATED_ADMINISTRATORS, "ListDelegatedAdministrators", TOK),

	REST(OPS_ACCOUNT_LIST_REGIONS, "account", "ListRegions", "POST", "/listRegions",
	    "account:ListRegions", BOTH, TOK, TOK, NULL),

	CONFIG(OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE,
	    "GetComplianceSummaryByConfigRule", NULL),
	CONFIG(OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE, "DescribeComplianceByConfigRule", TOK),
	CONFIG(OPS_CONFIG_DESCRIBE_CONFIG_RULES, "DescribeConfigRules", TOK),
	CONFIG(OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS,
	    "DescribeConfigurationAggregators", TOK),
	CONFIG(OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES,
	    "DescribeAggregateComplianceByConfigRules", TOK),
	CONFIG(OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY,
	    "GetAggregateConfigRuleComplianceSummary", TOK),

	GUARDDUTY(OPS_GUARDDUTY_LIST_DETECTORS, "ListDetectors", "GET", "/detector",
	    CAMEL_TOK, CAMEL_TOK, "maxResults", "nextToken"),
	GUARDDUTY(OPS_GUARDDUTY_GET_DETECTOR, "GetDetector", "GET", "/detector/{DetectorId}",
	    NULL, NULL, NULL),
	/* nextToken comes back, but AWS documents it as unsupported: no input token. */
	GUARDDUTY(OPS_GUARDDUTY_GET_FINDINGS_STATISTICS, "GetFindingsStatistics", "POST",
	    "/detector/{DetectorId}/findings/statistics", NULL, CAMEL_TOK, NULL),
	GUARDDUTY(OPS_GUARDDUTY_LIST_FINDINGS, "ListFindings", "POST",
	    "/detector/{DetectorId}/findings", CAMEL_TOK, CAMEL_TOK, NULL),
	GUARDDUTY(OPS_GUARDDUTY_GET_FINDINGS, "GetFindings", "POST",
	    "/detector/{DetectorId}/findings/get", NULL, NULL, NULL),
	GUARDDUTY(OPS_GUARDDUTY_LIST_MEMBERS, "ListMembers", "GET", "/detector/{DetectorId}/member",
	    CAMEL_TOK, CAMEL_TOK, "onlyAssociated", "maxResults", "nextToken"),

	/* DescribeBudgets is authorised by budgets:ViewBudget, not a same-named action. */
	[OPS_BUDGETS_DESCRIBE_BUDGETS] = {OPS_BUDGETS_DESCRIBE_BUDGETS, "budgets", "DescribeBudgets",
	    OPS_PROTO_JSON, "POST", "/", "AWSBudgetServiceGateway.DescribeBudgets",
	    "budgets:ViewBudget", BOTH, 1, TOK, TOK, {NULL}},

	JSON11(OPS_CE_GET_COST_AND_USAGE, "ce", "AWSInsightsIndexService", "ce", "GetCostAndUsage",
	    OPS_CALLER, "NextPageToken"),

	SSOADMIN(OPS_SSOADMIN_LIST_INSTANCES, "ListInstances", TOK),
	SSOADMIN(OPS_SSOADMIN_LIST_PERMISSION_SETS, "ListPermissionSets", TOK),
	SSOADMIN(OPS_SSOADMIN_DESCRIBE_PERMISSION_SET, "DescribePermissionSet", NULL),
	SSOADMIN(OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET,
	    "ListAccountsForProvisionedPermissionSet", TOK),
	SSOADMIN(OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS, "ListAccountAssignments", TOK),
	SSOADMIN(OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS_FOR_PRINCIPAL,
	    "ListAccountAssignmentsForPrincipal", TOK),

	IDSTORE(OPS_IDENTITYSTORE_DESCRIBE_USER, "DescribeUser", NULL),
	IDSTORE(OPS_IDENTITYSTORE_DESCRIBE_GROUP, "DescribeGroup", NULL),
	IDSTORE(OPS_IDENTITYSTORE_LIST_USERS, "ListUsers", TOK),
	IDSTORE(OPS_IDENTITYSTORE_LIST_GROUPS, "ListGroups", TOK),
};
// clang-format on

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
	    (strcmp(op->name, "AssumeRole") == 0 || strcmp(op->name, "GetCallerIdentity") == 0 ||
		strcmp(op->name, "AssumeRoleWithWebIdentity") == 0))
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
	cJSON_Delete(r->params);
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
