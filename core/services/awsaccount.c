/*
 * awsaccount.c: Account Management ListRegions.
 */
#include "core/services/awsaccount.h"

#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/xmalloc.h"

static const char *const awsaccount_status_names[AWSACCOUNT_REGION__COUNT] = {
    [AWSACCOUNT_REGION_UNKNOWN] = NULL,
    [AWSACCOUNT_REGION_ENABLED] = "ENABLED",
    [AWSACCOUNT_REGION_ENABLING] = "ENABLING",
    [AWSACCOUNT_REGION_DISABLING] = "DISABLING",
    [AWSACCOUNT_REGION_DISABLED] = "DISABLED",
    [AWSACCOUNT_REGION_ENABLED_BY_DEFAULT] = "ENABLED_BY_DEFAULT",
};

const char *
awsaccount_region_status_name(enum awsaccount_region_status st)
{
	if ((unsigned)st >= AWSACCOUNT_REGION__COUNT)
		return NULL;
	return awsaccount_status_names[st];
}

int
awsaccount_list_regions_request(struct ops_request *out, const char *account_id,
                                unsigned status_filter, int max_results, const char *next_token,
                                char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_ACCOUNT_LIST_REGIONS);
	if ((account_id != NULL &&
	     svcio_arg_account(r.op->name, "AccountId", account_id, cause) < 0) ||
	    (max_results != 0 && svcio_arg_range(r.op->name, "MaxResults", max_results, 1,
	                                         AWSACCOUNT_MAX_RESULTS, cause) < 0))
		goto out_free_request;
	/* Valid bits: every status but UNKNOWN. */
	if ((status_filter & ~(((1u << AWSACCOUNT_REGION__COUNT) - 1u) & ~1u)) != 0) {
		if (cause != NULL)
			*cause = xstrdup("ListRegions: unknown region status in the filter");
		goto out_free_request;
	}
	svcio_body_init(&b);
	if (account_id != NULL)
		svcio_body_str(&b, b.root, "AccountId", account_id);
	if (status_filter != 0) {
		cJSON *arr = svcio_body_arr(&b, b.root, "RegionOptStatusContains");

		for (int st = 1; st < AWSACCOUNT_REGION__COUNT; st++) {
			if (status_filter & AWSACCOUNT_BIT(st))
				svcio_body_arr_str(&b, arr, awsaccount_status_names[st]);
		}
	}
	if (max_results != 0)
		svcio_body_num(&b, b.root, "MaxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "NextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);

out_free_request:
	ops_request_done(&r);
	return -1;
}

void
awsaccount_list_regions_result_done(struct awsaccount_list_regions_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->regions != NULL && i < r->nregions; i++)
		free(r->regions[i].name);
	free(r->regions);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
awsaccount_list_regions_decode(const cJSON *root, struct awsaccount_list_regions_result *out,
                               char **cause)
{
	struct awsaccount_list_regions_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListRegions", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "Regions", 0, SVCIO_MAX_ITEMS, &arr, &r.nregions) < 0 ||
	    svcio_token(&d, root, "NextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nregions > 0)
		r.regions = xcalloc(r.nregions, sizeof *r.regions);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		int st = AWSACCOUNT_REGION_UNKNOWN;

		svcio_where(w, sizeof w, "", "Regions", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_ident(&d, e, w, "RegionName", SVCIO_REQUIRED, 50, &r.regions[i].name) <
		        0 ||
		    svcio_enum(&d, e, w, "RegionOptStatus", 0, awsaccount_status_names,
		               AWSACCOUNT_REGION__COUNT, AWSACCOUNT_REGION_UNKNOWN, &st) < 0)
			goto out_fail;
		r.regions[i].status = (enum awsaccount_region_status)st;
	}
	*out = r;
	return 0;

out_fail:
	awsaccount_list_regions_result_done(&r);
	return -1;
}
