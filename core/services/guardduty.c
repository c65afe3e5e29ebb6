/*
 * guardduty.c: GuardDuty requests and answers.
 */
#include "core/services/guardduty.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/services/svcio.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define GD_SEVERITY_MAX 10.0
#define GD_COUNT_MAX    UINT32_MAX

enum guardduty_band
guardduty_band_of(double severity)
{
	if (severity >= 9.0)
		return GUARDDUTY_CRITICAL;
	if (severity >= 7.0)
		return GUARDDUTY_HIGH;
	if (severity >= 4.0)
		return GUARDDUTY_MEDIUM;
	return GUARDDUTY_LOW;
}

int
guardduty_band_bounds(enum guardduty_band band, int *min, int *below)
{
	static const int bounds[GUARDDUTY__BANDS][2] = {
	    [GUARDDUTY_LOW] = {-1, 4},
	    [GUARDDUTY_MEDIUM] = {4, 7},
	    [GUARDDUTY_HIGH] = {7, 9},
	    [GUARDDUTY_CRITICAL] = {9, -1},
	};

	if ((unsigned)band >= GUARDDUTY__BANDS)
		return -1;
	*min = bounds[band][0];
	*below = bounds[band][1];
	return 0;
}

/* ---- building ---- */

static int
guardduty__check_criteria(const char *op, const struct guardduty_criteria *c, char **cause)
{
	if (c == NULL)
		return 0;
	if (c->naccount_ids > 50) {
		if (cause != NULL)
			*cause = xasprintf("%s: at most 50 account ids per criterion, not %zu", op,
			                   c->naccount_ids);
		return -1;
	}
	for (size_t i = 0; i < c->naccount_ids; i++) {
		if (svcio_arg_account(op, "criterion accountId", c->account_ids[i], cause) < 0)
			return -1;
	}
	if (svcio_arg_range(op, "severity lower bound", c->severity_min, -1, 10, cause) < 0 ||
	    svcio_arg_range(op, "severity upper bound", c->severity_below, -1, 11, cause) < 0)
		return -1;
	return 0;
}

/* Adds findingCriteria to the body, or nothing when c holds no condition. */
static void
guardduty__criteria(struct svcio_body *b, const struct guardduty_criteria *c)
{
	cJSON *crit, *sev;

	if (c == NULL || (!c->not_archived && c->naccount_ids == 0 && c->severity_min < 0 &&
	                  c->severity_below < 0))
		return;
	crit = svcio_body_obj(b, svcio_body_obj(b, b->root, "findingCriteria"), "criterion");
	if (c->not_archived) {
		static const char *const no[] = {"false"};

		svcio_body_strs(b, svcio_body_obj(b, crit, "service.archived"), "equals", no, 1);
	}
	if (c->naccount_ids > 0)
		svcio_body_strs(b, svcio_body_obj(b, crit, "accountId"), "equals", c->account_ids,
		                c->naccount_ids);
	if (c->severity_min >= 0 || c->severity_below >= 0) {
		sev = svcio_body_obj(b, crit, "severity");
		if (c->severity_min >= 0)
			svcio_body_num(b, sev, "greaterThanOrEqual", c->severity_min);
		if (c->severity_below >= 0)
			svcio_body_num(b, sev, "lessThan", c->severity_below);
	}
}

/* Starts a request on /detector/{DetectorId}...: checks the id, puts it in the params. */
static int
guardduty__detector_request(struct ops_request *r, struct svcio_body *b, enum ops_id id,
                            const char *detector_id, char **cause)
{
	svcio_request_init(r, id);
	if (svcio_arg_str(r->op->name, "DetectorId", detector_id, cause) < 0)
		return -1;
	svcio_body_init(b);
	svcio_body_str(b, b->root, "DetectorId", detector_id);
	return 0;
}

int
guardduty_list_detectors_request(struct ops_request *out, int max_results, const char *next_token,
                                 char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_GUARDDUTY_LIST_DETECTORS);
	if (max_results != 0 && svcio_arg_range(r.op->name, "maxResults", max_results, 1,
	                                        GUARDDUTY_MAX_RESULTS, cause) < 0)
		return -1;
	svcio_body_init(&b);
	if (max_results != 0)
		svcio_body_num(&b, b.root, "maxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "nextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_get_detector_request(struct ops_request *out, const char *detector_id, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	if (guardduty__detector_request(&r, &b, OPS_GUARDDUTY_GET_DETECTOR, detector_id, cause) < 0)
		return -1;
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_get_findings_statistics_request(struct ops_request *out, const char *detector_id,
                                          const struct guardduty_criteria *criteria, char **cause)
{
	static const char *const types[] = {"COUNT_BY_SEVERITY"};
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_GUARDDUTY_GET_FINDINGS_STATISTICS);
	if (guardduty__check_criteria(r.op->name, criteria, cause) < 0 ||
	    guardduty__detector_request(&r, &b, OPS_GUARDDUTY_GET_FINDINGS_STATISTICS, detector_id,
	                                cause) < 0)
		return -1;
	svcio_body_strs(&b, b.root, "findingStatisticTypes", types, 1);
	guardduty__criteria(&b, criteria);
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_get_findings_statistics_grouped_request(struct ops_request *out, const char *detector_id,
                                                  enum guardduty_group_by group_by, int max_results,
                                                  const struct guardduty_criteria *criteria,
                                                  char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_GUARDDUTY_GET_FINDINGS_STATISTICS);
	if (svcio_arg_range(r.op->name, "groupBy", group_by, GUARDDUTY_GROUP_ACCOUNT,
	                    GUARDDUTY_GROUP_SEVERITY, cause) < 0 ||
	    (max_results != 0 && svcio_arg_range(r.op->name, "maxResults", max_results, 1,
	                                         GUARDDUTY_STATS_MAX_RESULTS, cause) < 0) ||
	    guardduty__check_criteria(r.op->name, criteria, cause) < 0 ||
	    guardduty__detector_request(&r, &b, OPS_GUARDDUTY_GET_FINDINGS_STATISTICS, detector_id,
	                                cause) < 0)
		return -1;
	svcio_body_str(&b, b.root, "groupBy",
	               group_by == GUARDDUTY_GROUP_ACCOUNT ? "ACCOUNT" : "SEVERITY");
	svcio_body_str(&b, b.root, "orderBy", "DESC");
	if (max_results != 0)
		svcio_body_num(&b, b.root, "maxResults", max_results);
	guardduty__criteria(&b, criteria);
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_list_findings_request(struct ops_request *out, const char *detector_id,
                                const struct guardduty_criteria *criteria, int max_results,
                                const char *next_token, char **cause)
{
	struct ops_request r;
	struct svcio_body b;
	cJSON *sort;

	svcio_request_init(&r, OPS_GUARDDUTY_LIST_FINDINGS);
	if ((max_results != 0 && svcio_arg_range(r.op->name, "maxResults", max_results, 1,
	                                         GUARDDUTY_MAX_RESULTS, cause) < 0) ||
	    guardduty__check_criteria(r.op->name, criteria, cause) < 0 ||
	    guardduty__detector_request(&r, &b, OPS_GUARDDUTY_LIST_FINDINGS, detector_id, cause) <
	        0)
		return -1;
	guardduty__criteria(&b, criteria);
	sort = svcio_body_obj(&b, b.root, "sortCriteria");
	svcio_body_str(&b, sort, "attributeName", "severity");
	svcio_body_str(&b, sort, "orderBy", "DESC");
	if (max_results != 0)
		svcio_body_num(&b, b.root, "maxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "nextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_get_findings_request(struct ops_request *out, const char *detector_id,
                               const char *const *finding_ids, size_t nfinding_ids, char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_GUARDDUTY_GET_FINDINGS);
	if (nfinding_ids == 0 || nfinding_ids > GUARDDUTY_GET_FINDINGS_MAX) {
		if (cause != NULL)
			*cause = xasprintf("%s: findingIds must hold 1 to %d ids, not %zu",
			                   r.op->name, GUARDDUTY_GET_FINDINGS_MAX, nfinding_ids);
		return -1;
	}
	for (size_t i = 0; i < nfinding_ids; i++) {
		if (svcio_arg_str(r.op->name, "findingIds", finding_ids[i], cause) < 0)
			return -1;
	}
	if (guardduty__detector_request(&r, &b, OPS_GUARDDUTY_GET_FINDINGS, detector_id, cause) < 0)
		return -1;
	svcio_body_strs(&b, b.root, "findingIds", finding_ids, nfinding_ids);
	return svcio_request_finish(&r, &b, out, cause);
}

int
guardduty_list_members_request(struct ops_request *out, const char *detector_id,
                               int only_associated, int max_results, const char *next_token,
                               char **cause)
{
	struct ops_request r;
	struct svcio_body b;

	svcio_request_init(&r, OPS_GUARDDUTY_LIST_MEMBERS);
	if ((max_results != 0 && svcio_arg_range(r.op->name, "maxResults", max_results, 1,
	                                         GUARDDUTY_MAX_RESULTS, cause) < 0) ||
	    guardduty__detector_request(&r, &b, OPS_GUARDDUTY_LIST_MEMBERS, detector_id, cause) < 0)
		return -1;
	/* The model types onlyAssociated as a string. */
	svcio_body_str(&b, b.root, "onlyAssociated", only_associated ? "true" : "false");
	if (max_results != 0)
		svcio_body_num(&b, b.root, "maxResults", max_results);
	if (svcio_arg_token(next_token))
		svcio_body_str(&b, b.root, "nextToken", next_token);
	return svcio_request_finish(&r, &b, out, cause);
}

/* ---- decoding ---- */

/* root.key: a list of non-empty strings. */
static int
guardduty__ids(struct svcio_dec *d, const cJSON *root, const char *key, unsigned flags, char ***out,
               size_t *nout)
{
	const cJSON *arr = NULL, *e;
	char **v = NULL;
	size_t n = 0, i = 0;
	char w[64];

	if (svcio_arr(d, root, "", key, flags, SVCIO_MAX_ITEMS, &arr, &n) < 0)
		return -1;
	if (n > 0)
		v = xcalloc(n, sizeof *v);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", key, i);
		if (svcio_item_dup(d, e, w, SVCIO_NONEMPTY, &v[i]) < 0) {
			svcio_free_strv(v, n);
			return -1;
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

int
guardduty_list_detectors_decode(const cJSON *root, struct guardduty_list_detectors_result *out,
                                char **cause)
{
	struct guardduty_list_detectors_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListDetectors", cause);
	if (svcio_root(&d, root) < 0 || guardduty__ids(&d, root, "detectorIds", SVCIO_REQUIRED,
	                                               &r.detector_ids, &r.ndetector_ids) < 0)
		return -1;
	if (svcio_token(&d, root, "nextToken", &r.next_token) < 0) {
		guardduty_list_detectors_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

void
guardduty_list_detectors_result_done(struct guardduty_list_detectors_result *r)
{
	if (r == NULL)
		return;
	svcio_free_strv(r->detector_ids, r->ndetector_ids);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

static const char *const guardduty_detector_status_names[GUARDDUTY_DETECTOR__COUNT] = {
    [GUARDDUTY_DETECTOR_UNKNOWN] = NULL,
    [GUARDDUTY_DETECTOR_ENABLED] = "ENABLED",
    [GUARDDUTY_DETECTOR_DISABLED] = "DISABLED",
};

int
guardduty_get_detector_decode(const cJSON *root, struct guardduty_get_detector_result *out,
                              char **cause)
{
	struct guardduty_get_detector_result r = {0};
	struct svcio_dec d;
	int st = GUARDDUTY_DETECTOR_UNKNOWN;

	svcio_dec_init(&d, "GetDetector", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_enum(&d, root, "", "status", SVCIO_REQUIRED, guardduty_detector_status_names,
	               GUARDDUTY_DETECTOR__COUNT, GUARDDUTY_DETECTOR_UNKNOWN, &st) < 0 ||
	    svcio_dup(&d, root, "", "findingPublishingFrequency", 0,
	              &r.finding_publishing_frequency) < 0 ||
	    svcio_dup(&d, root, "", "serviceRole", 0, &r.service_role) < 0 ||
	    svcio_time(&d, root, "", "createdAt", 0, &r.created_at) < 0 ||
	    svcio_time(&d, root, "", "updatedAt", 0, &r.updated_at) < 0) {
		guardduty_get_detector_result_done(&r);
		return -1;
	}
	r.status = (enum guardduty_detector_status)st;
	*out = r;
	return 0;
}

void
guardduty_get_detector_result_done(struct guardduty_get_detector_result *r)
{
	if (r == NULL)
		return;
	free(r->finding_publishing_frequency);
	free(r->service_role);
	memset(r, 0, sizeof *r);
}

/* Adds n findings of severity sev to the bands, refusing a total past 2^32-1. */
static int
guardduty__band_add(struct svcio_dec *d, const char *where, uint32_t bands[GUARDDUTY__BANDS],
                    double *max, double sev, uint64_t n)
{
	enum guardduty_band b = guardduty_band_of(sev);

	if ((uint64_t)bands[b] + n > GD_COUNT_MAX)
		return svcio_fail(d, where, NULL, "finding counts add up past %u", GD_COUNT_MAX);
	bands[b] += (uint32_t)n;
	if (n > 0 && sev > *max)
		*max = sev;
	return 0;
}

static int
guardduty__count_by_severity(struct svcio_dec *d, const cJSON *map,
                             struct guardduty_get_findings_statistics_result *r)
{
	const char *w = "findingStatistics.countBySeverity";
	size_t n = 0;
	char wk[96], key[33];

	for (const cJSON *e = map->child; e != NULL; e = e->next) {
		uint64_t count = 0;
		double sev;

		if (++n > SVCIO_MAX_ITEMS)
			return svcio_fail(d, w, NULL, "more than %d keys", SVCIO_MAX_ITEMS);
		svcio_snippet(key, e->string);
		if (e->string == NULL || util_parse_double(e->string, &sev) < 0 || sev < 0 ||
		    sev > GD_SEVERITY_MAX)
			return svcio_fail(d, w, NULL, "key \"%s\" is not a severity (0-10)", key);
		/* Each member by itself: a repeated key must not count the first twice. */
		snprintf(wk, sizeof wk, "%s[\"%s\"]", w, key);
		if (svcio_item_uint(d, e, wk, GD_COUNT_MAX, &count) < 0 ||
		    guardduty__band_add(d, w, r->bands, &r->max_severity, sev, count) < 0)
			return -1;
	}
	r->have |= GUARDDUTY_HAVE_BANDS;
	return 0;
}

static int
guardduty__grouped_by_severity(struct svcio_dec *d, const cJSON *stats,
                               struct guardduty_get_findings_statistics_result *r)
{
	const cJSON *arr = NULL, *e;
	size_t n = 0, i = 0;
	char w[80];

	if (svcio_arr(d, stats, "findingStatistics", "groupedBySeverity", 0, SVCIO_MAX_ITEMS, &arr,
	              &n) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	for (e = arr->child; e != NULL; e = e->next, i++) {
		double sev = 0;
		uint64_t total = 0;

		svcio_where(w, sizeof w, "findingStatistics", "groupedBySeverity", i);
		if (svcio_item_obj(d, e, w) < 0 ||
		    svcio_num(d, e, w, "severity", SVCIO_REQUIRED, 0, GD_SEVERITY_MAX, &sev) < 0 ||
		    svcio_uint(d, e, w, "totalFindings", SVCIO_REQUIRED, GD_COUNT_MAX, &total) <
		        0 ||
		    guardduty__band_add(d, w, r->bands, &r->max_severity, sev, total) < 0)
			return -1;
	}
	r->have |= GUARDDUTY_HAVE_BANDS;
	return 0;
}

static int
guardduty__grouped_by_account(struct svcio_dec *d, const cJSON *stats,
                              struct guardduty_get_findings_statistics_result *r)
{
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[80];

	if (svcio_arr(d, stats, "findingStatistics", "groupedByAccount", 0, SVCIO_MAX_ITEMS, &arr,
	              &r->naccounts) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	if (r->naccounts > 0)
		r->accounts = xcalloc(r->naccounts, sizeof *r->accounts);
	for (e = arr->child; e != NULL; e = e->next, i++) {
		struct guardduty_account_count *a = &r->accounts[i];
		uint64_t total = 0;

		svcio_where(w, sizeof w, "findingStatistics", "groupedByAccount", i);
		if (svcio_item_obj(d, e, w) < 0 ||
		    svcio_account(d, e, w, "accountId", SVCIO_REQUIRED, a->account_id) < 0 ||
		    svcio_uint(d, e, w, "totalFindings", SVCIO_REQUIRED, GD_COUNT_MAX, &total) <
		        0 ||
		    svcio_time(d, e, w, "lastGeneratedAt", 0, &a->last_generated_at) < 0)
			return -1;
		a->total = (uint32_t)total;
	}
	r->have |= GUARDDUTY_HAVE_ACCOUNTS;
	return 0;
}

int
guardduty_get_findings_statistics_decode(const cJSON *root,
                                         struct guardduty_get_findings_statistics_result *out,
                                         char **cause)
{
	struct guardduty_get_findings_statistics_result r = {0};
	struct svcio_dec d;
	const cJSON *stats = NULL, *map = NULL;

	svcio_dec_init(&d, "GetFindingsStatistics", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_obj(&d, root, "", "findingStatistics", SVCIO_REQUIRED, &stats) < 0 ||
	    svcio_obj(&d, stats, "findingStatistics", "countBySeverity", 0, &map) < 0 ||
	    (map != NULL && guardduty__count_by_severity(&d, map, &r) < 0) ||
	    /* Both forms at once would count every finding twice: the map wins. */
	    (map == NULL && guardduty__grouped_by_severity(&d, stats, &r) < 0) ||
	    guardduty__grouped_by_account(&d, stats, &r) < 0 ||
	    svcio_token(&d, root, "nextToken", &r.next_token) < 0) {
		guardduty_get_findings_statistics_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

void
guardduty_get_findings_statistics_result_done(struct guardduty_get_findings_statistics_result *r)
{
	if (r == NULL)
		return;
	free(r->accounts);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

int
guardduty_list_findings_decode(const cJSON *root, struct guardduty_list_findings_result *out,
                               char **cause)
{
	struct guardduty_list_findings_result r = {0};
	struct svcio_dec d;

	svcio_dec_init(&d, "ListFindings", cause);
	if (svcio_root(&d, root) < 0 || guardduty__ids(&d, root, "findingIds", SVCIO_REQUIRED,
	                                               &r.finding_ids, &r.nfinding_ids) < 0)
		return -1;
	if (svcio_token(&d, root, "nextToken", &r.next_token) < 0) {
		guardduty_list_findings_result_done(&r);
		return -1;
	}
	*out = r;
	return 0;
}

void
guardduty_list_findings_result_done(struct guardduty_list_findings_result *r)
{
	if (r == NULL)
		return;
	svcio_free_strv(r->finding_ids, r->nfinding_ids);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}

/*
 * Where the identity of a resource lives, per resourceType. A key path walks
 * objects; an array on the way stands for its first element
 * (s3BucketDetails is a list).
 */
struct gd_resource_path {
	const char *type; /* resource.resourceType it is preferred for */
	const char *keys[3];
};

static const struct gd_resource_path gd_resource_paths[] = {
    {"Instance", {"instanceDetails", "instanceId", NULL}},
    {"AccessKey", {"accessKeyDetails", "userName", NULL}},
    {"AccessKey", {"accessKeyDetails", "accessKeyId", NULL}},
    {"AccessKey", {"accessKeyDetails", "principalId", NULL}},
    {"S3Bucket", {"s3BucketDetails", "name", NULL}},
    {"S3Bucket", {"s3BucketDetails", "arn", NULL}},
    {"S3Object", {"s3BucketDetails", "name", NULL}},
    {"EKSCluster", {"eksClusterDetails", "name", NULL}},
    {"EKSCluster", {"kubernetesDetails", "kubernetesWorkloadDetails", "name"}},
    {"ECSCluster", {"ecsClusterDetails", "name", NULL}},
    {"Container", {"containerDetails", "name", NULL}},
    {"Container", {"containerDetails", "id", NULL}},
    {"Lambda", {"lambdaDetails", "functionName", NULL}},
    {"Lambda", {"lambdaDetails", "functionArn", NULL}},
    {"RDSDBInstance", {"rdsDbInstanceDetails", "dbInstanceIdentifier", NULL}},
    {"RDSDBInstance", {"rdsDbUserDetails", "user", NULL}},
    {"RDSLimitlessDB", {"rdsLimitlessDbDetails", "dbShardGroupIdentifier", NULL}},
    {"EBSSnapshot", {"ebsSnapshotDetails", "snapshotArn", NULL}},
    {"EC2Image", {"ec2ImageDetails", "imageArn", NULL}},
    {"RecoveryPoint", {"recoveryPointDetails", "recoveryPointArn", NULL}},
};

static const char *
guardduty__resource_at(const cJSON *res, const struct gd_resource_path *p)
{
	const cJSON *v = res;

	for (size_t k = 0; k < 3 && p->keys[k] != NULL; k++) {
		if (cJSON_IsArray(v))
			v = v->child;
		if (!cJSON_IsObject(v))
			return NULL;
		v = cJSON_GetObjectItemCaseSensitive(v, p->keys[k]);
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0')
		return NULL;
	return v->valuestring;
}

/*
 * The best identifier of a finding's resource: first the paths meant for its
 * resourceType, then any path at all. Best effort: NULL when none matches.
 */
static const char *
guardduty__resource_pick(const cJSON *res, const char *type)
{
	const char *s;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof gd_resource_paths / sizeof gd_resource_paths[0];
		     i++) {
			const struct gd_resource_path *p = &gd_resource_paths[i];

			if (pass == 0 && (type == NULL || strcmp(type, p->type) != 0))
				continue;
			s = guardduty__resource_at(res, p);
			if (s != NULL)
				return s;
		}
	}
	return NULL;
}

static void
guardduty__finding_free(struct guardduty_finding *f)
{
	free(f->id);
	free(f->type);
	free(f->title);
	free(f->description);
	free(f->region);
	free(f->resource_type);
	free(f->resource);
}

static int
guardduty__finding(struct svcio_dec *d, const cJSON *e, const char *w, struct guardduty_finding *f)
{
	const cJSON *res = NULL, *svc = NULL;
	char wr[96], ws[96];
	uint64_t count = 0;
	const char *pick;

	svcio_where_key(wr, sizeof wr, w, "resource");
	svcio_where_key(ws, sizeof ws, w, "service");
	if (svcio_item_obj(d, e, w) < 0 ||
	    svcio_dup(d, e, w, "id", SVCIO_REQUIRED | SVCIO_NONEMPTY, &f->id) < 0 ||
	    svcio_dup(d, e, w, "type", SVCIO_REQUIRED, &f->type) < 0 ||
	    svcio_num(d, e, w, "severity", SVCIO_REQUIRED, 0, GD_SEVERITY_MAX, &f->severity) < 0 ||
	    svcio_time(d, e, w, "updatedAt", SVCIO_REQUIRED, &f->updated_at) < 0 ||
	    svcio_time(d, e, w, "createdAt", 0, &f->created_at) < 0 ||
	    svcio_dup(d, e, w, "title", 0, &f->title) < 0 ||
	    svcio_dup(d, e, w, "description", 0, &f->description) < 0 ||
	    svcio_account(d, e, w, "accountId", 0, f->account_id) < 0 ||
	    svcio_dup(d, e, w, "region", 0, &f->region) < 0 ||
	    svcio_obj(d, e, w, "resource", 0, &res) < 0 ||
	    svcio_dup(d, res, wr, "resourceType", 0, &f->resource_type) < 0 ||
	    svcio_obj(d, e, w, "service", 0, &svc) < 0 ||
	    svcio_uint(d, svc, ws, "count", 0, GD_COUNT_MAX, &count) < 0 ||
	    svcio_bool(d, svc, ws, "archived", 0, &f->archived) < 0)
		return -1;
	f->count = (uint32_t)count;
	pick = res != NULL ? guardduty__resource_pick(res, f->resource_type) : NULL;
	if (pick != NULL)
		f->resource = xstrdup(pick);
	return 0;
}

int
guardduty_get_findings_decode(const cJSON *root, struct guardduty_get_findings_result *out,
                              char **cause)
{
	struct guardduty_get_findings_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "GetFindings", cause);
	if (svcio_root(&d, root) < 0 || svcio_arr(&d, root, "", "findings", SVCIO_REQUIRED,
	                                          SVCIO_MAX_ITEMS, &arr, &r.nfindings) < 0)
		return -1;
	if (r.nfindings > 0)
		r.findings = xcalloc(r.nfindings, sizeof *r.findings);
	for (e = arr->child; e != NULL; e = e->next, i++) {
		svcio_where(w, sizeof w, "", "findings", i);
		if (guardduty__finding(&d, e, w, &r.findings[i]) < 0) {
			guardduty_get_findings_result_done(&r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

void
guardduty_get_findings_result_done(struct guardduty_get_findings_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->findings != NULL && i < r->nfindings; i++)
		guardduty__finding_free(&r->findings[i]);
	free(r->findings);
	memset(r, 0, sizeof *r);
}

int
guardduty_list_members_decode(const cJSON *root, struct guardduty_list_members_result *out,
                              char **cause)
{
	struct guardduty_list_members_result r = {0};
	struct svcio_dec d;
	const cJSON *arr = NULL, *e;
	size_t i = 0;
	char w[64];

	svcio_dec_init(&d, "ListMembers", cause);
	if (svcio_root(&d, root) < 0 ||
	    svcio_arr(&d, root, "", "members", 0, SVCIO_MAX_ITEMS, &arr, &r.nmembers) < 0 ||
	    svcio_token(&d, root, "nextToken", &r.next_token) < 0)
		goto out_fail;
	if (r.nmembers > 0)
		r.members = xcalloc(r.nmembers, sizeof *r.members);
	for (e = arr != NULL ? arr->child : NULL; e != NULL; e = e->next, i++) {
		struct guardduty_member *m = &r.members[i];

		svcio_where(w, sizeof w, "", "members", i);
		if (svcio_item_obj(&d, e, w) < 0 ||
		    svcio_account(&d, e, w, "accountId", SVCIO_REQUIRED, m->account_id) < 0 ||
		    svcio_account(&d, e, w, "administratorId", 0, m->administrator_id) < 0 ||
		    (m->administrator_id[0] == '\0' &&
		     svcio_account(&d, e, w, "masterId", 0, m->administrator_id) < 0) ||
		    svcio_dup(&d, e, w, "detectorId", 0, &m->detector_id) < 0 ||
		    svcio_dup(&d, e, w, "email", 0, &m->email) < 0 ||
		    svcio_dup(&d, e, w, "relationshipStatus", 0, &m->relationship_status) < 0 ||
		    svcio_time(&d, e, w, "invitedAt", 0, &m->invited_at) < 0 ||
		    svcio_time(&d, e, w, "updatedAt", 0, &m->updated_at) < 0)
			goto out_fail;
	}
	*out = r;
	return 0;

out_fail:
	guardduty_list_members_result_done(&r);
	return -1;
}

void
guardduty_list_members_result_done(struct guardduty_list_members_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->members != NULL && i < r->nmembers; i++) {
		free(r->members[i].detector_id);
		free(r->members[i].email);
		free(r->members[i].relationship_status);
	}
	free(r->members);
	free(r->next_token);
	memset(r, 0, sizeof *r);
}
