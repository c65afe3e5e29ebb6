/*
 * identitystore.c: Identity Store DescribeUser, DescribeGroup, ListUsers, ListGroups.
 */
#include "core/services/identitystore.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/xmalloc.h"

static int
identitystore__request(struct ops_request *out, enum ops_id id, const char *store_id,
                       const char *key, const char *value, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, id);
	if (svcio_arg_str(r.op->name, "IdentityStoreId", store_id, cause) < 0 ||
	    svcio_arg_str(r.op->name, key, value, cause) < 0) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "IdentityStoreId", store_id);
	svcio_body_str(&b, b.root, key, value);
	return svcio_request_finish(&r, &b, out, cause);
}

int
identitystore_describe_user_request(struct ops_request *out, const char *identity_store_id,
                                    const char *user_id, char **cause)
{
	return identitystore__request(out, OPS_IDENTITYSTORE_DESCRIBE_USER, identity_store_id,
	                              "UserId", user_id, cause);
}

int
identitystore_describe_user_decode(const cJSON *root,
                                   struct identitystore_describe_user_result *out, char **cause)
{
	struct identitystore_describe_user_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "DescribeUser", cause);
	if (svcio_root(&d, root) < 0 || svcio_dup(&d, root, "", "UserId", 0, &r.user_id) < 0 ||
	    svcio_dup(&d, root, "", "UserName", SVCIO_NONEMPTY, &r.name) < 0 ||
	    (r.name == NULL && svcio_dup(&d, root, "", "DisplayName", SVCIO_NONEMPTY, &r.name) < 0))
		goto out_fail;
	if (r.name == NULL) {
		svcio_fail(&d, "", NULL, "neither UserName nor DisplayName is given");
		goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	identitystore_describe_user_result_done(&r);
	return -1;
}

void
identitystore_describe_user_result_done(struct identitystore_describe_user_result *r)
{
	if (r == NULL)
		return;
	free(r->user_id);
	free(r->name);
	memset(r, 0, sizeof *r);
}

int
identitystore_describe_group_request(struct ops_request *out, const char *identity_store_id,
                                     const char *group_id, char **cause)
{
	return identitystore__request(out, OPS_IDENTITYSTORE_DESCRIBE_GROUP, identity_store_id,
	                              "GroupId", group_id, cause);
}

int
identitystore_describe_group_decode(const cJSON *root,
                                    struct identitystore_describe_group_result *out, char **cause)
{
	struct identitystore_describe_group_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "DescribeGroup", cause);
	if (svcio_root(&d, root) < 0 || svcio_dup(&d, root, "", "GroupId", 0, &r.group_id) < 0 ||
	    svcio_dup(&d, root, "", "DisplayName", SVCIO_REQUIRED | SVCIO_NONEMPTY, &r.name) < 0) {
		identitystore_describe_group_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

void
identitystore_describe_group_result_done(struct identitystore_describe_group_result *r)
{
	if (r == NULL)
		return;
	free(r->group_id);
	free(r->name);
	memset(r, 0, sizeof *r);
}

/* ---- ListUsers, ListGroups ---- */

static int
identitystore__list_request(struct ops_request *out, enum ops_id id, const char *store_id,
                            int max_results, const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, id);
	if (svcio_arg_str(r.op->name, "IdentityStoreId", store_id, cause) < 0 ||
	    (max_results != 0 && svcio_arg_range(r.op->name, "MaxResults", max_results, 1,
	                                         IDENTITYSTORE_MAX_RESULTS, cause) < 0)) {
		ops_request_done(&r);
		return -1;
	}
	svcio_body_init(&b);
	svcio_body_str(&b, b.root, "IdentityStoreId", store_id);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

int
identitystore_list_users_request(struct ops_request *out, const char *identity_store_id,
                                 int max_results, const char *next_token, char **cause)
{
	return identitystore__list_request(out, OPS_IDENTITYSTORE_LIST_USERS, identity_store_id,
	                                   max_results, next_token, cause);
}

int
identitystore_list_groups_request(struct ops_request *out, const char *identity_store_id,
                                  int max_results, const char *next_token, char **cause)
{
	return identitystore__list_request(out, OPS_IDENTITYSTORE_LIST_GROUPS, identity_store_id,
	                                   max_results, next_token, cause);
}

void
identitystore_list_result_done(struct identitystore_list_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->items != NULL && i < r->nitems; i++) {
		free(r->items[i].id);
		free(r->items[i].name);
	}
	free(r->items);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

static int
identitystore__list_decode(const cJSON *root, int users, struct identitystore_list_result *out,
                           char **cause)
{
	struct identitystore_list_result r = {0};
	const char *key = users ? "Users" : "Groups";
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, users ? "ListUsers" : "ListGroups", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", key, SVCIO_REQUIRED, SVCIO_MAX_ITEMS, &arr, &r.nitems) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nitems > 0)
		r.items = xcalloc(r.nitems, sizeof *r.items);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct identitystore_principal *p = &r.items[i];

		svcio_where(w, sizeof w, "", key, i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_dup(&d, e, w, users ? "UserId" : "GroupId", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		              &p->id) < 0)
			goto out_fail;
		if (users) {
			if (svcio_dup(&d, e, w, "UserName", SVCIO_NONEMPTY, &p->name) < 0 ||
			    (p->name == NULL &&
			     svcio_dup(&d, e, w, "DisplayName", SVCIO_NONEMPTY, &p->name) < 0))
				goto out_fail;
			if (p->name == NULL) {
				svcio_fail(&d, w, NULL, "neither UserName nor DisplayName is given");
				goto out_fail;
			}
		} else if (svcio_dup(&d, e, w, "DisplayName", SVCIO_REQUIRED | SVCIO_NONEMPTY,
		                     &p->name) < 0) {
			goto out_fail;
		}
	}
	*out = r;
	return 0;

out_fail:
	identitystore_list_result_done(&r);
	return -1;
}

int
identitystore_list_users_decode(const cJSON *root, struct identitystore_list_result *out,
                                char **cause)
{
	return identitystore__list_decode(root, 1, out, cause);
}

int
identitystore_list_groups_decode(const cJSON *root, struct identitystore_list_result *out,
                                 char **cause)
{
	return identitystore__list_decode(root, 0, out, cause);
}
