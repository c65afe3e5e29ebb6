/*
 * ops.h: every AWS operation orgtop can send, in one table; the requests the
 * service builders produce; the IAM policy generated from the table.
 *
 * orgtop is read-only by construction (issue 7, section 6): each operation it
 * may send stands in this table, each is a read (List*, Describe*, Get*, plus
 * sts:AssumeRole and sts:GetCallerIdentity), and the request builders in
 * core/services/ can only produce operations of this table (they name them by
 * enum ops_id and assert the entry is a read). `orgtop --iam-policy` prints the
 * minimal IAM policy generated from the same table.
 *
 * The table is static data: entries are borrowed for the life of the program.
 */
#ifndef ORGTOP_OPS_H
#define ORGTOP_OPS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/buf.h"

enum ops_id {
	/* sts (query protocol; requests built by the creds/client code) */
	OPS_STS_GET_CALLER_IDENTITY,
	OPS_STS_ASSUME_ROLE,
	OPS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, /* web_identity_token_file; unsigned */
	/* the SSO portal (rest-json, unsigned: authorised by the SSO bearer token) */
	OPS_SSO_GET_ROLE_CREDENTIALS,
	/* organizations */
	OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION,
	OPS_ORGANIZATIONS_LIST_ROOTS,
	OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT,
	OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT,
	OPS_ORGANIZATIONS_LIST_ACCOUNTS,
	OPS_ORGANIZATIONS_LIST_PARENTS,
	OPS_ORGANIZATIONS_LIST_DELEGATED_ADMINISTRATORS,
	/* account */
	OPS_ACCOUNT_LIST_REGIONS,
	/* config */
	OPS_CONFIG_GET_COMPLIANCE_SUMMARY_BY_CONFIG_RULE,
	OPS_CONFIG_DESCRIBE_COMPLIANCE_BY_CONFIG_RULE,
	OPS_CONFIG_DESCRIBE_CONFIG_RULES,
	OPS_CONFIG_DESCRIBE_CONFIGURATION_AGGREGATORS,
	OPS_CONFIG_DESCRIBE_AGGREGATE_COMPLIANCE_BY_CONFIG_RULES,
	OPS_CONFIG_GET_AGGREGATE_CONFIG_RULE_COMPLIANCE_SUMMARY,
	/* guardduty */
	OPS_GUARDDUTY_LIST_DETECTORS,
	OPS_GUARDDUTY_GET_DETECTOR,
	OPS_GUARDDUTY_GET_FINDINGS_STATISTICS,
	OPS_GUARDDUTY_LIST_FINDINGS,
	OPS_GUARDDUTY_GET_FINDINGS,
	OPS_GUARDDUTY_LIST_MEMBERS,
	/* budgets */
	OPS_BUDGETS_DESCRIBE_BUDGETS,
	/* ce */
	OPS_CE_GET_COST_AND_USAGE,
	/* sso-admin */
	OPS_SSOADMIN_LIST_INSTANCES,
	OPS_SSOADMIN_LIST_PERMISSION_SETS,
	OPS_SSOADMIN_DESCRIBE_PERMISSION_SET,
	OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET,
	OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS,
	OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS_FOR_PRINCIPAL, /* botocore 1.43 */
	/* identitystore */
	OPS_IDENTITYSTORE_DESCRIBE_USER,
	OPS_IDENTITYSTORE_DESCRIBE_GROUP,
	OPS_IDENTITYSTORE_LIST_USERS,
	OPS_IDENTITYSTORE_LIST_GROUPS,
	OPS__COUNT
};

enum ops_protocol {
	OPS_PROTO_JSON,      /* json 1.1: POST /, X-Amz-Target, application/x-amz-json-1.1 */
	OPS_PROTO_REST_JSON, /* method + URI, camelCase or as modelled, application/json */
	OPS_PROTO_QUERY      /* form body Action=..., XML answers (STS) */
};

/* Which generated policy carries an operation's IAM action (ops_op.policy). */
#define OPS_CALLER 0x01 /* the caller in the management (or delegated-admin) account */
#define OPS_MEMBER 0x02 /* the audit role orgtop assumes in member accounts */

struct ops_op {
	enum ops_id id;
	const char *service; /* botocore service name: "sso-admin", "config", ... */
	const char *name;    /* operation name as modelled: "ListInstances" */
	enum ops_protocol protocol;
	const char *method; /* "POST" or "GET" */
	const char *uri;    /* request URI template: "/", "/detector/{DetectorId}/findings" */
	const char
	    *target; /* X-Amz-Target for json 1.1 ("SWBExternalService.ListInstances"), else NULL */
	const char
	    *iam_action; /* "sso:ListInstances"; NULL when IAM does not authorise it (SSO portal) */
	unsigned policy; /* OPS_CALLER | OPS_MEMBER */
	int read_only;   /* 1 for every entry: the table holds reads only */
	const char *token_in;  /* the request's pagination token on the wire, NULL if none */
	const char *token_out; /* the answer's pagination token key, NULL if none */
	const char *query[4];  /* rest-json input members sent in the query string; NULL ends */
};

/* The entry for id, or NULL if id is out of range. */
const struct ops_op *ops_get(enum ops_id id);
/* The entry for (service, operation name), or NULL. Case-sensitive. */
const struct ops_op *ops_find(const char *service, const char *name);
/* Number of entries (OPS__COUNT). */
size_t ops_count(void);

/*
 * 1 if op is a read by its name: List*, Describe*, Get*, or sts:AssumeRole /
 * sts:AssumeRoleWithWebIdentity / sts:GetCallerIdentity. 0 otherwise (and for
 * NULL). The AWS client refuses any call for which this is 0 (client.h).
 */
int ops_is_read(const struct ops_op *op);

/*
 * A request produced by a service builder (core/services/<service>.h).
 *
 * params is what the AWS client takes (struct aws_request.params in
 * core/aws/client.h): the operation's input keyed by wire names. For json
 * 1.1 it is the body; for rest-json it also holds the URI labels by label
 * name ("DetectorId") and the query members by their wire names
 * ("maxResults", "nextToken"), the query members in query order.
 *
 * path, query and body are the same request as it goes on the wire, derived
 * from params by the protocol's rules (what the client's protocol layer
 * does): for checks, logs and tools. op says service, protocol, method and
 * X-Amz-Target.
 *
 * Everything is owned by the struct; release with ops_request_done().
 */
struct ops_request {
	const struct ops_op *op; /* borrowed table entry */
	cJSON *params;           /* the input by wire names; an object, never NULL */
	char *path;              /* percent-encoded path: "/" for json 1.1 */
	char *query;             /* encoded query without '?', or NULL when none */
	char *body;              /* JSON text, or NULL when the request has no body (GET) */
	size_t body_len;         /* strlen(body), 0 without a body */
};

/* Frees what a builder put in r and zeroes it. NULL-safe. */
void ops_request_done(struct ops_request *r);

/* The role ops_iam_policy() names for sts:AssumeRole. */
#define OPS_DEFAULT_ROLE "OrganizationAccountAccessRole"

/*
 * Appends to out the minimal IAM policy (pretty-printed JSON, ending in a
 * newline) for which = OPS_CALLER (the identity orgtop starts with, in the
 * management account: every action of the table marked OPS_CALLER, plus
 * sts:AssumeRole limited to role_name in any account) or OPS_MEMBER (the
 * audit role in member accounts: the actions marked OPS_MEMBER). Actions are
 * sorted and unique. role_name NULL means OPS_DEFAULT_ROLE; it may carry an
 * IAM path ("audit/OrgtopAudit") and must match [A-Za-z0-9+=,.@_/-]{1,512}.
 * Returns 0, or -1 with *cause (caller frees) for a bad which or role name,
 * leaving out untouched.
 */
int ops_iam_policy_role(struct buf *out, int which, const char *role_name, char **cause);

/* ops_iam_policy_role() with OPS_DEFAULT_ROLE. 0, or -1 for a bad which. */
int ops_iam_policy(struct buf *out, int which);

#endif
