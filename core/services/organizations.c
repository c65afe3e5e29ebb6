/*
 * organizations.c: AWS Organizations requests and answers.
 */
#include "core/services/organizations.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/xmalloc.h"

/* Root ids are r-[0-9a-z]{4,32}, OU ids ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}. */
#define ORG_ID_MAX 68

/*
 * A json 1.1 list request: {key: value, "MaxResults": n, "NextToken": t},
 * each member only when given.
 */
static int
organizations__list(struct ops_request *out, enum ops_id id, const char *key, const char *value,
                    int max_results, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, id);
	if (max_results != 0 && svcio_arg_range(r.op->name, "MaxResults", max_results, 1,
	                                        ORGANIZATIONS_MAX_RESULTS, cause) < 0)
		goto out_free_request;
	svcio_body_init(&b);
	if (key != NULL && value != NULL)
		svcio_body_str(&b, b.root, key, value);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

out_free_request:
	ops_request_done(&r);
	return -1;
}

/* ---- DescribeOrganization ---- */

int
organizations_describe_organization_request(struct ops_request *out, char **cause)
{
	return organizations__list(out, OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION, NULL, NULL, 0,
	                           NULL, cause);
}

void
organizations_describe_organization_result_done(
    struct organizations_describe_organization_result *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->arn);
	free(r->feature_set);
	free(r->master_account_arn);
	free(r->master_account_email);
	memset(r, 0, sizeof *r);
}

int
organizations_describe_organization_decode(const cJSON *root,
                                           struct organizations_describe_organization_result *out,
                                           char **cause)
{
	struct organizations_describe_organization_result r = {0};
	struct svcio_dec d;
	const cJSON *org = NULL;
	const char *w = "Organization";

	svcio_dec_init(&d, "DescribeOrganization", cause);
	if (svcio_root(&d, root) < 0 || svcio_obj(&d, root, "", w, SVCIO_REQUIRED, &org) < 0 ||
	    svcio_ident(&d, org, w, "Id", SVCIO_REQUIRED, ORG_ID_MAX, &r.id) < 0 ||
	    svcio_dup(&d, org, w, "Arn", 0, &r.arn) < 0 ||
	    svcio_dup(&d, org, w, "FeatureSet", 0, &r.feature_set) < 0 ||
	    svcio_account(&d, org, w, "MasterAccountId", SVCIO_REQUIRED, r.master_account_id) < 0 ||
	    svcio_dup(&d, org, w, "MasterAccountArn", 0, &r.master_account_arn) < 0 ||
	    svcio_dup(&d, org, w, "MasterAccountEmail", 0, &r.master_account_email) < 0) {
		organizations_describe_organization_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

/* ---- roots and OUs ---- */

static void
organizations__ous_free(struct organizations_ou *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].arn);
		free(v[i].name);
	}
	free(v);
}

/* Decodes root.key, a list of {Id, Arn, Name}, and the NextToken. */
static int
organizations__ous_decode(struct svcio_dec *d, const cJSON *root, const char *key,
                          struct organizations_ou **out, size_t *nout, char **next_token)
{
	const cJSON *arr = NULL, *e;
	struct organizations_ou *v = NULL;
	size_t n = 0, i = 0;
	char *token = NULL;
	char w[96];

	if (svcio_root(d, root) < 0 ||
	    svcio_arr(d, root, "", key, 0, SVCIO_MAX_ITEMS, &arr, &n) < 0 ||
	    svcio_token(d, root, "NextToken", &token) < 0)
		return -1;
	if (n > 0)
		v = xcalloc(n, sizeof *v);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", key, i);
		if (svcio_item_obj(d, e, w) < 0 ||
		    svcio_ident(d, e, w, "Id", SVCIO_REQUIRED, ORG_ID_MAX, &v[i].id) < 0 ||
		    svcio_dup(d, e, w, "Arn", 0, &v[i].arn) < 0 ||
		    svcio_dup(d, e, w, "Name", 0, &v[i].name) < 0)
			break;
	}
	if (d->failed) {
		organizations__ous_free(v, n);
		free(token);
		return -1;
	}
	*out = v;
	*nout = n;
	*next_token = token;
	return 0;
}

int
organizations_list_roots_request(struct ops_request *out, int max_results, const char *next_token,
                                 char **cause)
{
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_ROOTS, NULL, NULL, max_results,
	                           next_token, cause);
}

int
organizations_list_roots_decode(const cJSON *root, struct organizations_list_roots_result *out,
                                char **cause)
{
	struct organizations_list_roots_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListRoots", cause);
	if (organizations__ous_decode(&d, root, "Roots", &r.roots, &r.nroots, &r.next_token) < 0)
		return -1;
	*out = r;
	return 0;
}

void
organizations_list_roots_result_done(struct organizations_list_roots_result *r)
{
	if (r == NULL)
		return;
	organizations__ous_free(r->roots, r->nroots);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

static int
organizations__check_parent(const char *op, const char *id, char **cause)
{
	if (id != NULL && (strncmp(id, "r-", 2) == 0 || strncmp(id, "ou-", 3) == 0) &&
	    strlen(id) <= ORG_ID_MAX)
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: ParentId must be a root (r-...) or OU (ou-...) id", op);
	return -1;
}

int
organizations_list_organizational_units_for_parent_request(struct ops_request *out,
                                                           const char *parent_id, int max_results,
                                                           const char *next_token, char **cause)
{
	if (organizations__check_parent("ListOrganizationalUnitsForParent", parent_id, cause) < 0)
		return -1;
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT,
	                           "ParentId", parent_id, max_results, next_token, cause);
}

int
organizations_list_organizational_units_for_parent_decode(
    const cJSON *root, struct organizations_list_organizational_units_for_parent_result *out,
    char **cause)
{
	struct organizations_list_organizational_units_for_parent_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListOrganizationalUnitsForParent", cause);
	if (organizations__ous_decode(&d, root, "OrganizationalUnits", &r.ous, &r.nous,
	                              &r.next_token) < 0)
		return -1;
	*out = r;
	return 0;
}

void
organizations_list_organizational_units_for_parent_result_done(
    struct organizations_list_organizational_units_for_parent_result *r)
{
	if (r == NULL)
		return;
	organizations__ous_free(r->ous, r->nous);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

/* ---- accounts ---- */

static void
organizations__accounts_free(struct organizations_account *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].arn);
		free(v[i].email);
		free(v[i].name);
		free(v[i].state);
		free(v[i].joined_method);
	}
	free(v);
}

static int
organizations__account_decode(struct svcio_dec *d, const cJSON *e, const char *w,
                              struct organizations_account *a)
{
	if (svcio_item_obj(d, e, w) < 0 ||
	    svcio_account(d, e, w, "Id", SVCIO_REQUIRED, a->id) < 0 ||
	    svcio_dup(d, e, w, "Arn", 0, &a->arn) < 0 ||
	    svcio_dup(d, e, w, "Email", 0, &a->email) < 0 ||
	    svcio_dup(d, e, w, "Name", 0, &a->name) < 0 ||
	    svcio_dup(d, e, w, "JoinedMethod", 0, &a->joined_method) < 0 ||
	    svcio_time(d, e, w, "JoinedTimestamp", 0, &a->joined) < 0 ||
	    svcio_time(d, e, w, "DelegationEnabledDate", 0, &a->delegation_enabled) < 0)
		return -1;
	/* State replaces Status, which AWS retires; read State, fall back to Status. */
	if (svcio_dup(d, e, w, "State", SVCIO_NONEMPTY, &a->state) < 0)
		return -1;
	if (a->state == NULL && svcio_dup(d, e, w, "Status", SVCIO_NONEMPTY, &a->state) < 0)
		return -1;
	if (a->state == NULL)
		return svcio_fail(d, w, NULL, "neither State nor Status is given");
	return 0;
}

static int
organizations__accounts_decode(struct svcio_dec *d, const cJSON *root, const char *key,
                               struct organizations_account **out, size_t *nout, char **next_token)
{
	const cJSON *arr = NULL, *e;
	struct organizations_account *v = NULL;
	size_t n = 0, i = 0;
	char *token = NULL;
	char w[96];

	if (svcio_root(d, root) < 0 ||
	    svcio_arr(d, root, "", key, 0, SVCIO_MAX_ITEMS, &arr, &n) < 0 ||
	    svcio_token(d, root, "NextToken", &token) < 0)
		return -1;
	if (n > 0)
		v = xcalloc(n, sizeof *v);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", key, i);
		if (organizations__account_decode(d, e, w, &v[i]) < 0)
			break;
	}
	if (d->failed) {
		organizations__accounts_free(v, n);
		free(token);
		return -1;
	}
	*out = v;
	*nout = n;
	*next_token = token;
	return 0;
}

int
organizations_list_accounts_request(struct ops_request *out, int max_results,
                                    const char *next_token, char **cause)
{
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_ACCOUNTS, NULL, NULL, max_results,
	                           next_token, cause);
}

int
organizations_list_accounts_decode(const cJSON *root,
                                   struct organizations_list_accounts_result *out, char **cause)
{
	struct organizations_list_accounts_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListAccounts", cause);
	if (organizations__accounts_decode(&d, root, "Accounts", &r.accounts, &r.naccounts,
	                                   &r.next_token) < 0)
		return -1;
	*out = r;
	return 0;
}

int
organizations_list_accounts_for_parent_request(struct ops_request *out, const char *parent_id,
                                               int max_results, const char *next_token,
                                               char **cause)
{
	if (organizations__check_parent("ListAccountsForParent", parent_id, cause) < 0)
		return -1;
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT, "ParentId",
	                           parent_id, max_results, next_token, cause);
}

int
organizations_list_accounts_for_parent_decode(const cJSON *root,
                                              struct organizations_list_accounts_result *out,
                                              char **cause)
{
	struct organizations_list_accounts_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListAccountsForParent", cause);
	if (organizations__accounts_decode(&d, root, "Accounts", &r.accounts, &r.naccounts,
	                                   &r.next_token) < 0)
		return -1;
	*out = r;
	return 0;
}

void
organizations_list_accounts_result_done(struct organizations_list_accounts_result *r)
{
	if (r == NULL)
		return;
	organizations__accounts_free(r->accounts, r->naccounts);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

/* ---- ListParents ---- */

int
organizations_list_parents_request(struct ops_request *out, const char *child_id, int max_results,
                                   const char *next_token, char **cause)
{
	if (child_id == NULL ||
	    (svcio_arg_account("ListParents", "ChildId", child_id, NULL) < 0 &&
	     (strncmp(child_id, "ou-", 3) != 0 || strlen(child_id) > ORG_ID_MAX))) {
		if (cause != NULL)
			*cause = xstrdup("ListParents: ChildId must be a 12-digit account id or an "
			                 "OU (ou-...) id");
		return -1;
	}
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_PARENTS, "ChildId", child_id,
	                           max_results, next_token, cause);
}

static const char *const organizations_parent_types[] = {
    [ORGANIZATIONS_PARENT_UNKNOWN] = NULL,
    [ORGANIZATIONS_PARENT_ROOT] = "ROOT",
    [ORGANIZATIONS_PARENT_OU] = "ORGANIZATIONAL_UNIT",
};

void
organizations_list_parents_result_done(struct organizations_list_parents_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->parents != NULL && i < r->nparents; i++)
		free(r->parents[i].id);
	free(r->parents);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
organizations_list_parents_decode(const cJSON *root, struct organizations_list_parents_result *out,
                                  char **cause)
{
	struct organizations_list_parents_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListParents", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "Parents", 0, SVCIO_MAX_ITEMS, &arr, &r.nparents) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nparents > 0)
		r.parents = xcalloc(r.nparents, sizeof *r.parents);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		int type = ORGANIZATIONS_PARENT_UNKNOWN;

		svcio_where(w, sizeof w, "", "Parents", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_ident(&d, e, w, "Id", SVCIO_REQUIRED, ORG_ID_MAX, &r.parents[i].id) < 0 ||
		    svcio_enum(&d, e, w, "Type", 0, organizations_parent_types,
		               sizeof organizations_parent_types /
		                   sizeof organizations_parent_types[0],
		               ORGANIZATIONS_PARENT_UNKNOWN, &type) < 0)
			goto out_fail;
		r.parents[i].type = (enum organizations_parent_type)type;
	}
	*out = r;
	return 0;

out_fail:
	organizations_list_parents_result_done(&r);
	return -1;
}

/* ---- ListDelegatedAdministrators ---- */

int
organizations_list_delegated_administrators_request(struct ops_request *out,
                                                    const char *service_principal, int max_results,
                                                    const char *next_token, char **cause)
{
	if (service_principal != NULL && *service_principal == '\0')
		service_principal = NULL;
	return organizations__list(out, OPS_ORGANIZATIONS_LIST_DELEGATED_ADMINISTRATORS,
	                           "ServicePrincipal", service_principal, max_results, next_token,
	                           cause);
}

int
organizations_list_delegated_administrators_decode(
    const cJSON *root, struct organizations_list_delegated_administrators_result *out, char **cause)
{
	struct organizations_list_delegated_administrators_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListDelegatedAdministrators", cause);
	if (organizations__accounts_decode(&d, root, "DelegatedAdministrators", &r.accounts,
	                                   &r.naccounts, &r.next_token) < 0)
		return -1;
	*out = r;
	return 0;
}

void
organizations_list_delegated_administrators_result_done(
    struct organizations_list_delegated_administrators_result *r)
{
	if (r == NULL)
		return;
	organizations__accounts_free(r->accounts, r->naccounts);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}
