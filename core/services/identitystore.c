/*
 * identitystore.c: Identity Store DescribeUser and DescribeGroup.
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
