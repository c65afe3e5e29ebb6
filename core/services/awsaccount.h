/*
 * awsaccount.h: AWS Account Management (rest-json, POST /listRegions): which
 * regions an account has enabled. Named awsaccount_ so it never collides with
 * the TUI's account view.
 *
 * Conventions as in organizations.h: builders return 0 or -1 with *cause;
 * decoders copy out of the borrowed tree, return -1 with *cause naming the
 * field on a malformed answer and leave *out untouched; _done() releases.
 */
#ifndef ORGTOP_AWSACCOUNT_H
#define ORGTOP_AWSACCOUNT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

#define AWSACCOUNT_MAX_RESULTS 50

enum awsaccount_region_status {
	AWSACCOUNT_REGION_UNKNOWN = 0, /* a value AWS added after this was written */
	AWSACCOUNT_REGION_ENABLED,
	AWSACCOUNT_REGION_ENABLING,
	AWSACCOUNT_REGION_DISABLING,
	AWSACCOUNT_REGION_DISABLED,
	AWSACCOUNT_REGION_ENABLED_BY_DEFAULT,
	AWSACCOUNT_REGION__COUNT
};

/* Bit for a status in the filter of awsaccount_list_regions_request(). */
#define AWSACCOUNT_BIT(status) (1u << (status))
/* The regions a request can be sent to: ENABLED and ENABLED_BY_DEFAULT. */
#define AWSACCOUNT_USABLE                                                                          \
	(AWSACCOUNT_BIT(AWSACCOUNT_REGION_ENABLED) |                                               \
	 AWSACCOUNT_BIT(AWSACCOUNT_REGION_ENABLED_BY_DEFAULT))

/* "ENABLED", ... for a status; NULL for UNKNOWN or out of range. */
const char *awsaccount_region_status_name(enum awsaccount_region_status st);

struct awsaccount_region {
	char *name; /* "eu-west-1": only [A-Za-z0-9_-], at most 50 bytes (safe in a host name) */
	enum awsaccount_region_status status;
};

struct awsaccount_list_regions_result {
	struct awsaccount_region *regions;
	size_t nregions;
	char *next_token;
};

/*
 * account_id: a member account (the caller must be the management or a
 * delegated-admin account), or NULL for the caller's own account.
 * status_filter: AWSACCOUNT_BIT()s (0: no filter). max_results 0 or 1..50.
 */
int awsaccount_list_regions_request(struct ops_request *out, const char *account_id,
                                    unsigned status_filter, int max_results, const char *next_token,
                                    char **cause);
int awsaccount_list_regions_decode(const cJSON *root, struct awsaccount_list_regions_result *out,
                                   char **cause);
void awsaccount_list_regions_result_done(struct awsaccount_list_regions_result *r);

#endif
