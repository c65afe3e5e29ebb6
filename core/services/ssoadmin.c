/*
 * ssoadmin.c: IAM Identity Center (sso-admin) requests and answers.
 */
#include "core/services/ssoadmin.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/xmalloc.h"

/*
 * A json 1.1 request: the given string members in order, then MaxResults and
 * NextToken. names/values end at the first NULL name.
 */
static int
ssoadmin__request(struct ops_request *out, enum ops_id id, const char *const *names,
                  const char *const *values, int max_results, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, id);
	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		int bad = strcmp(names[i], "AccountId") == 0
		              ? svcio_arg_account(r.op->name, names[i], values[i], cause)
		              : svcio_arg_str(r.op->name, names[i], values[i], cause);

		if (bad < 0)
			goto out_free_request;
	}
	if (max_results != 0 && svcio_arg_range(r.op->name, "MaxResults", max_results, 1,
	                                        SSOADMIN_MAX_RESULTS, cause) < 0)
		goto out_free_request;
	svcio_body_init(&b);
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		svcio_body_str(&b, b.root, names[i], values[i]);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

out_free_request:
	ops_request_done(&r);
	return -1;
}

/* ---- ListInstances ---- */

int
ssoadmin_list_instances_request(struct ops_request *out, int max_results, const char *next_token,
                                char **cause)
{
	return ssoadmin__request(out, OPS_SSOADMIN_LIST_INSTANCES, NULL, NULL, max_results,
	                         next_token, cause);
}

void
ssoadmin_list_instances_result_done(struct ssoadmin_list_instances_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->instances != NULL && i < r->ninstances; i++) {
		free(r->instances[i].arn);
		free(r->instances[i].identity_store_id);
		free(r->instances[i].name);
		free(r->instances[i].status);
	}
	free(r->instances);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
ssoadmin_list_instances_decode(const cJSON *root, struct ssoadmin_list_instances_result *out,
                               char **cause)
{
	struct ssoadmin_list_instances_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListInstances", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "Instances", 0, SVCIO_MAX_ITEMS, &arr, &r.ninstances) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.ninstances > 0)
		r.instances = xcalloc(r.ninstances, sizeof *r.instances);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct ssoadmin_instance *x = &r.instances[i];

		svcio_where(w, sizeof w, "", "Instances", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, "InstanceArn", SVCIO_REQUIRED | SVCIO_NONEMPTY, &x->arn) <
		        0 ||
		    svcio_dup(&d, e, w, "IdentityStoreId", SVCIO_NONEMPTY, &x->identity_store_id) <
		        0 ||
		    svcio_account(&d, e, w, "OwnerAccountId", 0, x->owner_account_id) < 0 ||
		    svcio_dup(&d, e, w, "Name", 0, &x->name) < 0 ||
		    svcio_dup(&d, e, w, "Status", 0, &x->status) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	ssoadmin_list_instances_result_done(&r);
	return -1;
}

/* ---- ListPermissionSets ---- */

int
ssoadmin_list_permission_sets_request(struct ops_request *out, const char *instance_arn,
                                      int max_results, const char *next_token, char **cause)
{
	const char *names[] = {"InstanceArn", NULL};
	const char *values[] = {instance_arn, NULL};

	return ssoadmin__request(out, OPS_SSOADMIN_LIST_PERMISSION_SETS, names, values, max_results,
	                         next_token, cause);
}

void
ssoadmin_list_permission_sets_result_done(struct ssoadmin_list_permission_sets_result *r)
{
	if (r == NULL)
		return;
	svcio_free_strv(r->arns, r->narns);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
ssoadmin_list_permission_sets_decode(const cJSON *root,
                                     struct ssoadmin_list_permission_sets_result *out, char **cause)
{
	struct ssoadmin_list_permission_sets_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListPermissionSets", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "PermissionSets", 0, SVCIO_MAX_ITEMS, &arr, &r.narns) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.narns > 0)
		r.arns = xcalloc(r.narns, sizeof *r.arns);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", "PermissionSets", i);
		if (svcio_item_dup(&d, e, w, SVCIO_NONEMPTY, &r.arns[i]) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	ssoadmin_list_permission_sets_result_done(&r);
	return -1;
}

/* ---- DescribePermissionSet ---- */

int
ssoadmin_describe_permission_set_request(struct ops_request *out, const char *instance_arn,
                                         const char *permission_set_arn, char **cause)
{
	const char *names[] = {"InstanceArn", "PermissionSetArn", NULL};
	const char *values[] = {instance_arn, permission_set_arn, NULL};

	return ssoadmin__request(out, OPS_SSOADMIN_DESCRIBE_PERMISSION_SET, names, values, 0, NULL,
	                         cause);
}

void
ssoadmin_describe_permission_set_result_done(struct ssoadmin_describe_permission_set_result *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->arn);
	free(r->description);
	free(r->session_duration);
	memset(r, 0, sizeof *r);
}

int
ssoadmin_describe_permission_set_decode(const cJSON *root,
                                        struct ssoadmin_describe_permission_set_result *out,
                                        char **cause)
{
	struct ssoadmin_describe_permission_set_result r = {0};
	struct svcio_dec d;
	const cJSON *ps = NULL;
	const char *w = "PermissionSet";

	svcio_dec_init(&d, "DescribePermissionSet", cause);
	if (svcio_root(&d, root) < 0 || svcio_obj(&d, root, "", w, SVCIO_REQUIRED, &ps) < 0 ||
	    svcio_dup(&d, ps, w, "Name", SVCIO_REQUIRED | SVCIO_NONEMPTY, &r.name) < 0 ||
	    svcio_dup(&d, ps, w, "PermissionSetArn", 0, &r.arn) < 0 ||
	    svcio_dup(&d, ps, w, "Description", 0, &r.description) < 0 ||
	    svcio_dup(&d, ps, w, "SessionDuration", 0, &r.session_duration) < 0 ||
	    svcio_time(&d, ps, w, "CreatedDate", 0, &r.created) < 0) {
		ssoadmin_describe_permission_set_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

/* ---- ListAccountsForProvisionedPermissionSet ---- */

int
ssoadmin_list_accounts_for_provisioned_permission_set_request(struct ops_request *out,
                                                              const char *instance_arn,
                                                              const char *permission_set_arn,
                                                              int latest_only, int max_results,
                                                              const char *next_token, char **cause)
{
	const char *names[] = {"InstanceArn", "PermissionSetArn", "ProvisioningStatus", NULL};
	const char *values[] = {instance_arn, permission_set_arn,
	                        "LATEST_PERMISSION_SET_PROVISIONED", NULL};

	if (!latest_only)
		names[2] = NULL;
	return ssoadmin__request(out, OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET,
	                         names, values, max_results, next_token, cause);
}

void
ssoadmin_list_accounts_for_provisioned_permission_set_result_done(
    struct ssoadmin_list_accounts_for_provisioned_permission_set_result *r)
{
	if (r == NULL)
		return;
	free(r->account_ids);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
ssoadmin_list_accounts_for_provisioned_permission_set_decode(
    const cJSON *root, struct ssoadmin_list_accounts_for_provisioned_permission_set_result *out,
    char **cause)
{
	struct ssoadmin_list_accounts_for_provisioned_permission_set_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListAccountsForProvisionedPermissionSet", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "AccountIds", 0, SVCIO_MAX_ITEMS, &arr, &r.naccount_ids) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.naccount_ids > 0)
		r.account_ids = xcalloc(r.naccount_ids, sizeof *r.account_ids);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", "AccountIds", i);
		if (svcio_item_account(&d, e, w, r.account_ids[i]) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	ssoadmin_list_accounts_for_provisioned_permission_set_result_done(&r);
	return -1;
}

/* ---- ListAccountAssignments ---- */

int
ssoadmin_list_account_assignments_request(struct ops_request *out, const char *instance_arn,
                                          const char *account_id, const char *permission_set_arn,
                                          int max_results, const char *next_token, char **cause)
{
	const char *names[] = {"InstanceArn", "AccountId", "PermissionSetArn", NULL};
	const char *values[] = {instance_arn, account_id, permission_set_arn, NULL};

	return ssoadmin__request(out, OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS, names, values,
	                         max_results, next_token, cause);
}

static const char *const ssoadmin_principal_names[] = {
    [SSOADMIN_PRINCIPAL_UNKNOWN] = NULL,
    [SSOADMIN_PRINCIPAL_USER] = "USER",
    [SSOADMIN_PRINCIPAL_GROUP] = "GROUP",
};

void
ssoadmin_list_account_assignments_result_done(struct ssoadmin_list_account_assignments_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->assignments != NULL && i < r->nassignments; i++) {
		free(r->assignments[i].permission_set_arn);
		free(r->assignments[i].principal_id);
	}
	free(r->assignments);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

/* ListAccountAssignments and ListAccountAssignmentsForPrincipal answer alike. */
static int
ssoadmin__assignments_decode(const char *op, const cJSON *root,
                             struct ssoadmin_list_account_assignments_result *out, char **cause)
{
	struct ssoadmin_list_account_assignments_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, op, cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "AccountAssignments", 0, SVCIO_MAX_ITEMS, &arr,
	              &r.nassignments) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nassignments > 0)
		r.assignments = xcalloc(r.nassignments, sizeof *r.assignments);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct ssoadmin_assignment *a = &r.assignments[i];
		int type = SSOADMIN_PRINCIPAL_UNKNOWN;

		svcio_where(w, sizeof w, "", "AccountAssignments", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_account(&d, e, w, "AccountId", SVCIO_REQUIRED, a->account_id) < 0 ||
		    svcio_dup(&d, e, w, "PermissionSetArn", 0, &a->permission_set_arn) < 0 ||
		    svcio_enum(&d, e, w, "PrincipalType", SVCIO_REQUIRED, ssoadmin_principal_names,
		               sizeof ssoadmin_principal_names / sizeof ssoadmin_principal_names[0],
		               SSOADMIN_PRINCIPAL_UNKNOWN, &type) < 0 ||
		    svcio_dup(&d, e, w, "PrincipalId", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &a->principal_id) < 0)
			goto out_fail;
		a->principal_type = (enum ssoadmin_principal_type)type;
	}
	*out = r;
	return 0;

out_fail:
	ssoadmin_list_account_assignments_result_done(&r);
	return -1;
}

int
ssoadmin_list_account_assignments_decode(const cJSON *root,
                                         struct ssoadmin_list_account_assignments_result *out,
                                         char **cause)
{
	return ssoadmin__assignments_decode("ListAccountAssignments", root, out, cause);
}

int
ssoadmin_list_account_assignments_for_principal_request(
    struct ops_request *out, const char *instance_arn, const char *principal_id,
    enum ssoadmin_principal_type principal_type, const char *filter_account, int max_results,
    const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;
	const char *op;

	svcio_request_init(&r, OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS_FOR_PRINCIPAL);
	op = r.op->name;
	if (svcio_arg_str(op, "InstanceArn", instance_arn, cause) < 0 ||
	    svcio_arg_str(op, "PrincipalId", principal_id, cause) < 0)
		goto out_free_request;
	if (principal_type != SSOADMIN_PRINCIPAL_USER && principal_type != SSOADMIN_PRINCIPAL_GROUP) {
		if (cause != NULL)
			*cause = xasprintf("%s: PrincipalType must be USER or GROUP", op);
		goto out_free_request;
	}
	if (filter_account != NULL &&
	    svcio_arg_account(op, "Filter.AccountId", filter_account, cause) < 0)
		goto out_free_request;
	if (max_results != 0 &&
	    svcio_arg_range(op, "MaxResults", max_results, 1, SSOADMIN_MAX_RESULTS, cause) < 0)
		goto out_free_request;
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "InstanceArn", instance_arn);
	svcio_body_str(&b, b.root, "PrincipalId", principal_id);
	svcio_body_str(&b, b.root, "PrincipalType", ssoadmin_principal_names[principal_type]);
	if (filter_account != NULL)
		svcio_body_str(&b, svcio_body_obj(&b, b.root, "Filter"), "AccountId", filter_account);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

out_free_request:
	ops_request_done(&r);
	return -1;
}

int
ssoadmin_list_account_assignments_for_principal_decode(
    const cJSON *root, struct ssoadmin_list_account_assignments_result *out, char **cause)
{
	return ssoadmin__assignments_decode("ListAccountAssignmentsForPrincipal", root, out, cause);
}
