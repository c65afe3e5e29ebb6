/*
 * ssoadmin.h: IAM Identity Center administration (sso-admin; json 1.1,
 * SWBExternalService; signs as "sso"): instances, permission sets, the
 * accounts they are provisioned to, and who is assigned to each account.
 * Call it in Identity Center's home region.
 *
 * Conventions as in organizations.h: builders return 0 or -1 with *cause;
 * decoders copy out of the borrowed tree, return -1 with *cause naming the
 * field on a malformed answer and leave *out untouched; _done() releases
 * (NULL-safe). max_results 0 or 1..100.
 */
#ifndef ORGTOP_SSOADMIN_H
#define ORGTOP_SSOADMIN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

#define SSOADMIN_MAX_RESULTS 100

/* ListInstances */
struct ssoadmin_instance {
	char *arn;                 /* InstanceArn */
	char *identity_store_id;   /* "d-1234567890", for identitystore; NULL if absent */
	char owner_account_id[13]; /* "" if absent */
	char *name;                /* NULL if absent */
	char *status;              /* "ACTIVE", ...; NULL if absent */
};

struct ssoadmin_list_instances_result {
	struct ssoadmin_instance *instances;
	size_t ninstances;
	char *next_token;
};

int ssoadmin_list_instances_request(struct ops_request *out, int max_results,
                                    const char *next_token, char **cause);
int ssoadmin_list_instances_decode(const cJSON *root, struct ssoadmin_list_instances_result *out,
                                   char **cause);
void ssoadmin_list_instances_result_done(struct ssoadmin_list_instances_result *r);

/* ListPermissionSets */
struct ssoadmin_list_permission_sets_result {
	char **arns; /* permission set ARNs */
	size_t narns;
	char *next_token;
};

int ssoadmin_list_permission_sets_request(struct ops_request *out, const char *instance_arn,
                                          int max_results, const char *next_token, char **cause);
int ssoadmin_list_permission_sets_decode(const cJSON *root,
                                         struct ssoadmin_list_permission_sets_result *out,
                                         char **cause);
void ssoadmin_list_permission_sets_result_done(struct ssoadmin_list_permission_sets_result *r);

/* DescribePermissionSet */
struct ssoadmin_describe_permission_set_result {
	char *name;             /* "AdministratorAccess"; untrusted text */
	char *arn;              /* NULL if absent */
	char *description;      /* NULL if absent; untrusted text */
	char *session_duration; /* ISO 8601 duration "PT8H", NULL if absent */
	double created;         /* CreatedDate, epoch seconds; 0 if absent */
};

int ssoadmin_describe_permission_set_request(struct ops_request *out, const char *instance_arn,
                                             const char *permission_set_arn, char **cause);
int ssoadmin_describe_permission_set_decode(const cJSON *root,
                                            struct ssoadmin_describe_permission_set_result *out,
                                            char **cause);
void
ssoadmin_describe_permission_set_result_done(struct ssoadmin_describe_permission_set_result *r);

/* ListAccountsForProvisionedPermissionSet */
struct ssoadmin_list_accounts_for_provisioned_permission_set_result {
	char (*account_ids)[13]; /* 12-digit ids */
	size_t naccount_ids;
	char *next_token;
};

/* latest_only: 1 asks only for accounts where the latest version is provisioned. */
int ssoadmin_list_accounts_for_provisioned_permission_set_request(
    struct ops_request *out, const char *instance_arn, const char *permission_set_arn,
    int latest_only, int max_results, const char *next_token, char **cause);
int ssoadmin_list_accounts_for_provisioned_permission_set_decode(
    const cJSON *root, struct ssoadmin_list_accounts_for_provisioned_permission_set_result *out,
    char **cause);
void ssoadmin_list_accounts_for_provisioned_permission_set_result_done(
    struct ssoadmin_list_accounts_for_provisioned_permission_set_result *r);

/* ListAccountAssignments */
enum ssoadmin_principal_type {
	SSOADMIN_PRINCIPAL_UNKNOWN = 0,
	SSOADMIN_PRINCIPAL_USER,
	SSOADMIN_PRINCIPAL_GROUP
};

struct ssoadmin_assignment {
	char account_id[13];
	char *permission_set_arn; /* NULL if absent */
	enum ssoadmin_principal_type principal_type;
	char *principal_id; /* for identitystore DescribeUser / DescribeGroup */
};

struct ssoadmin_list_account_assignments_result {
	struct ssoadmin_assignment *assignments;
	size_t nassignments;
	char *next_token;
};

int ssoadmin_list_account_assignments_request(struct ops_request *out, const char *instance_arn,
                                              const char *account_id,
                                              const char *permission_set_arn, int max_results,
                                              const char *next_token, char **cause);
int ssoadmin_list_account_assignments_decode(const cJSON *root,
                                             struct ssoadmin_list_account_assignments_result *out,
                                             char **cause);
void
ssoadmin_list_account_assignments_result_done(struct ssoadmin_list_account_assignments_result *r);

/*
 * ListAccountAssignmentsForPrincipal (botocore 1.43; not in Debian's
 * models): every assignment of one user or group across the organization,
 * optionally for one account (filter_account, 12 digits, or NULL). Call it
 * from the management account. The answer has ListAccountAssignments'
 * shape and decodes into the same result; each item names its own
 * principal.
 */
int ssoadmin_list_account_assignments_for_principal_request(
    struct ops_request *out, const char *instance_arn, const char *principal_id,
    enum ssoadmin_principal_type principal_type, const char *filter_account, int max_results,
    const char *next_token, char **cause);
int ssoadmin_list_account_assignments_for_principal_decode(
    const cJSON *root, struct ssoadmin_list_account_assignments_result *out, char **cause);

#endif
