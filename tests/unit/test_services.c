/*
 * test_services.c: the ops table (read-only by construction), the IAM policy
 * generated from it, and every request builder of core/services against the
 * requests botocore itself produced:
 *   tests/data/wire/wire-pypi.json          captured from botocore 1.43.11 (AWS-WIRE.md)
 *   tests/data/wire/services-botocore.json  botocore's serializer for the exact calls
 *                                           below (tests/data/wire/gen_services_requests.py)
 * Bodies are compared byte for byte after both sides are written compactly in
 * their own key order (so key order counts), and as parsed JSON.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "core/aws/endpoint.h"
#include "core/aws/protocol.h"
#include "core/buf.h"
#include "core/services/awsaccount.h"
#include "core/services/budgets.h"
#include "core/services/ce.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/services/identitystore.h"
#include "core/services/ops.h"
#include "core/services/organizations.h"
#include "core/services/ssoadmin.h"
#include "core/services/svcio.h"
#include "core/xmalloc.h"

/* ---- fixtures ---- */

static char *
read_file(const char *rel)
{
	const char *root = getenv("ORGTOP_ROOT");
	char path[4096];
	FILE *f;
	struct buf b;
	char chunk[8192];
	size_t n;

	snprintf(path, sizeof path, "%s/%s", root != NULL ? root : ".", rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	{
		char *text = buf_detach(&b);

		buf_done(&b);
		return text;
	}
}

static cJSON *
load_json(const char *rel)
{
	char *text = read_file(rel);
	cJSON *j = cJSON_Parse(text);

	free(text);
	if (j == NULL)
		fail_msg("%s: not JSON", rel);
	return j;
}

static cJSON *wire_pypi; /* {"requests": [...]} */
static cJSON *wire_ours; /* {"requests": [...]} */

static int
setup(void **state)
{
	(void)state;
	wire_pypi = load_json("tests/data/wire/wire-pypi.json");
	wire_ours = load_json("tests/data/wire/services-botocore.json");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cJSON_Delete(wire_pypi);
	cJSON_Delete(wire_ours);
	return 0;
}

static const char *
jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A captured request: by (service, op) in wire-pypi, by id in services-botocore. */
static const cJSON *
find_capture(const char *file, const char *a, const char *b)
{
	const cJSON *reqs, *e;

	reqs = cJSON_GetObjectItemCaseSensitive(strcmp(file, "pypi") == 0 ? wire_pypi : wire_ours,
	                                        "requests");
	cJSON_ArrayForEach(e, reqs)
	{
		if (strcmp(file, "pypi") == 0) {
			if (strcmp(jstr(e, "service"), a) == 0 && strcmp(jstr(e, "op"), b) == 0)
				return e;
		} else if (strcmp(jstr(e, "id"), a) == 0) {
			return e;
		}
	}
	fail_msg("no captured request %s %s", a, b != NULL ? b : "");
	return NULL;
}

/* The wire path and query of a capture ("url" in wire-pypi, "path" in ours). */
static const char *
capture_path(const cJSON *c)
{
	const char *url = jstr(c, "url");
	const char *p;

	if (url == NULL)
		return jstr(c, "path");
	p = strstr(url, "://");
	p = strchr(p + 3, '/');
	return p;
}

static const char *
capture_target(const cJSON *c)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(c, "headers");

	if (h != NULL)
		return jstr(h, "X-Amz-Target");
	return jstr(c, "target");
}

/* Rewrites GuardDuty's deprecated two-letter operators into the current names. */
static void
translate_operators(cJSON *body)
{
	static const char *const map[][2] = {{"eq", "equals"},      {"neq", "notEquals"},
	                                     {"gt", "greaterThan"}, {"gte", "greaterThanOrEqual"},
	                                     {"lt", "lessThan"},    {"lte", "lessThanOrEqual"}};
	cJSON *crit, *field;

	crit = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(body, "findingCriteria"), "criterion");
	cJSON_ArrayForEach(field, crit)
	{
		cJSON *fresh = cJSON_CreateObject(), *cond;

		cJSON_ArrayForEach(cond, field)
		{
			const char *name = cond->string;

			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
				if (strcmp(name, map[i][0]) == 0)
					name = map[i][1];
			}
			cJSON_AddItemToObject(fresh, name, cJSON_Duplicate(cond, 1));
		}
		cJSON_ReplaceItemInObjectCaseSensitive(crit, field->string, fresh);
		field = fresh;
	}
}

static int
is_query_member(const struct ops_op *op, const char *name)
{
	for (size_t i = 0; i < 4 && op->query[i] != NULL; i++) {
		if (strcmp(op->query[i], name) == 0)
			return 1;
	}
	return 0;
}

/*
 * params (what the client serialises) holds exactly the request: for json
 * 1.1 it prints as the body; for rest-json its members split into the URI
 * labels, the query (in query order) and the body.
 */
static void
check_params(const struct ops_request *r, const char *what)
{
	const cJSON *m;
	cJSON *body;
	struct buf q;
	char label[80];
	int nbody = 0;

	assert_true(cJSON_IsObject(r->params));
	if (r->op->protocol == OPS_PROTO_JSON) {
		char *p = cJSON_PrintUnformatted(r->params);

		assert_string_equal(p, r->body);
		free(p);
		return;
	}
	body = r->body != NULL ? cJSON_Parse(r->body) : cJSON_CreateObject();
	assert_non_null(body);
	buf_init(&q);
	cJSON_ArrayForEach(m, r->params)
	{
		snprintf(label, sizeof label, "{%s}", m->string);
		if (strstr(r->op->uri, label) != NULL) {
			assert_true(cJSON_IsString(m));
		} else if (is_query_member(r->op, m->string)) {
			buf_printf(&q, "%s%s=", q.len > 0 ? "&" : "", m->string);
		} else {
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(body, m->string);

			if (b == NULL || !cJSON_Compare(b, m, 1))
				fail_msg("%s: params member %s is not in the body", what,
				         m->string);
			nbody++;
		}
	}
	assert_int_equal(nbody, cJSON_GetArraySize(body));
	/* The query holds the query members, in params order. */
	if (r->query == NULL) {
		assert_int_equal(q.len, 0);
	} else {
		const char *p = r->query, *k = q.data;

		for (;;) {
			const char *eq = strchr(k, '=');

			assert_non_null(eq);
			assert_int_equal(strncmp(p, k, (size_t)(eq - k + 1)), 0);
			k = strchr(eq, '&');
			p = strchr(p, '&');
			if (k == NULL) {
				assert_null(p);
				break;
			}
			assert_non_null(p);
			k++;
			p++;
		}
	}
	buf_done(&q);
	cJSON_Delete(body);
}

/*
 * The client serialises params itself (core/aws/protocol.c): it must put on
 * the wire exactly the request the builder describes.
 */
static void
check_client_wire(const struct ops_request *r, const char *what)
{
	enum aws_service svc;
	struct proto_wire w;
	char *cause = NULL;

	if (endpoint_service_by_name(r->op->service, &svc) != 0)
		fail_msg("%s: the client does not know service %s", what, r->op->service);
	if (proto_build(endpoint_service(svc), r->op->name, r->params, &w, &cause) != 0)
		fail_msg("%s: the client refused the params: %s", what, cause);
	assert_string_equal(w.method, r->op->method);
	assert_string_equal(w.path.data, r->path);
	assert_string_equal(w.query.data, r->query != NULL ? r->query : "");
	assert_string_equal(w.body.data, r->body != NULL ? r->body : "");
	if (r->op->target == NULL)
		assert_null(w.target);
	else
		assert_string_equal(w.target, r->op->target);
	proto_wire_done(&w);
}

#define EXACT         1
#define SAME_JSON     0
#define OLD_OPERATORS 2

/*
 * Checks r against capture c: the table entry, the method, path and query
 * byte for byte, X-Amz-Target, and the body (see EXACT / SAME_JSON).
 */
static void
check_request(const struct ops_request *r, const cJSON *c, int mode, const char *what)
{
	const char *body = jstr(c, "body");
	char path[2048];

	assert_non_null(r->op);
	/* Only operations of the table, only reads. */
	assert_ptr_equal(ops_find(r->op->service, r->op->name), r->op);
	assert_ptr_equal(ops_get(r->op->id), r->op);
	assert_true(r->op->read_only);
	assert_true(ops_is_read(r->op));
	if (strcmp(jstr(c, "service"), r->op->service) != 0)
		fail_msg("%s: service %s, captured %s", what, r->op->service, jstr(c, "service"));

	assert_string_equal(r->op->method, jstr(c, "method"));
	snprintf(path, sizeof path, "%s%s%s", r->path, r->query != NULL ? "?" : "",
	         r->query != NULL ? r->query : "");
	if (strcmp(path, capture_path(c)) != 0)
		fail_msg("%s: path %s, captured %s", what, path, capture_path(c));
	if (capture_target(c) == NULL)
		assert_null(r->op->target);
	else
		assert_string_equal(r->op->target, capture_target(c));

	check_params(r, what);
	if (body == NULL || *body == '\0') {
		assert_null(r->body);
		assert_int_equal(r->body_len, 0);
		return;
	}
	assert_non_null(r->body);
	assert_int_equal(r->body_len, strlen(r->body));
	{
		cJSON *want = cJSON_Parse(body), *got = cJSON_Parse(r->body);
		char *canon;

		assert_non_null(want);
		assert_non_null(got);
		if (mode == OLD_OPERATORS)
			translate_operators(want);
		if (!cJSON_Compare(want, got, 1))
			fail_msg("%s: body %s, captured %s", what, r->body, body);
		if (mode == EXACT) {
			canon = cJSON_PrintUnformatted(want);
			if (strcmp(canon, r->body) != 0)
				fail_msg("%s: body %s, captured (key order) %s", what, r->body,
				         canon);
			free(canon);
		}
		cJSON_Delete(want);
		cJSON_Delete(got);
	}
}

/* ---- the builders, called as the captures were made ---- */

#define TOK  "tok/+= &x"
#define DET  "12abc34d567e8fa901bc2d34e56789f0"
#define INST "arn:aws:sso:::instance/ssoins-1111111111111111"
#define PS   "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222"

typedef int (*build_fn)(struct ops_request *out, char **cause);

static int
b_describe_org(struct ops_request *o, char **c)
{
	return organizations_describe_organization_request(o, c);
}
static int
b_roots(struct ops_request *o, char **c)
{
	return organizations_list_roots_request(o, 0, NULL, c);
}
static int
b_roots20(struct ops_request *o, char **c)
{
	return organizations_list_roots_request(o, 20, NULL, c);
}
static int
b_roots_p2(struct ops_request *o, char **c)
{
	return organizations_list_roots_request(o, 20, TOK, c);
}
static int
b_ous_pypi(struct ops_request *o, char **c)
{
	return organizations_list_organizational_units_for_parent_request(o, "r-ab12", 20, NULL, c);
}
static int
b_ous(struct ops_request *o, char **c)
{
	return organizations_list_organizational_units_for_parent_request(o, "r-ab12", 20, TOK, c);
}
static int
b_afp_pypi(struct ops_request *o, char **c)
{
	return organizations_list_accounts_for_parent_request(o, "ou-ab12-abcdefgh", 0, "tok/+=1",
	                                                      c);
}
static int
b_afp(struct ops_request *o, char **c)
{
	return organizations_list_accounts_for_parent_request(o, "ou-ab12-abcdefgh", 20, TOK, c);
}
static int
b_accounts(struct ops_request *o, char **c)
{
	return organizations_list_accounts_request(o, 20, NULL, c);
}
static int
b_accounts_empty_tok(struct ops_request *o, char **c)
{
	return organizations_list_accounts_request(o, 20, "", c);
}
static int
b_parents_pypi(struct ops_request *o, char **c)
{
	return organizations_list_parents_request(o, "111122223333", 0, NULL, c);
}
static int
b_parents(struct ops_request *o, char **c)
{
	return organizations_list_parents_request(o, "111122223333", 20, TOK, c);
}
static int
b_delegated_pypi(struct ops_request *o, char **c)
{
	return organizations_list_delegated_administrators_request(o, "config.amazonaws.com", 0,
	                                                           NULL, c);
}
static int
b_delegated(struct ops_request *o, char **c)
{
	return organizations_list_delegated_administrators_request(o, "guardduty.amazonaws.com", 20,
	                                                           TOK, c);
}

static int
b_regions_pypi(struct ops_request *o, char **c)
{
	return awsaccount_list_regions_request(o, "111122223333", AWSACCOUNT_USABLE, 50, NULL, c);
}
static int
b_regions(struct ops_request *o, char **c)
{
	return awsaccount_list_regions_request(o, "444455556666", AWSACCOUNT_USABLE, 50, TOK, c);
}
static int
b_regions_self(struct ops_request *o, char **c)
{
	return awsaccount_list_regions_request(o, NULL, AWSACCOUNT_USABLE, 50, NULL, c);
}

static int
b_summary(struct ops_request *o, char **c)
{
	return configservice_get_compliance_summary_by_config_rule_request(o, c);
}
static int
b_dcbcr_pypi(struct ops_request *o, char **c)
{
	return configservice_describe_compliance_by_config_rule_request(
	    o, NULL, 0, CONFIGSERVICE_BIT(CONFIGSERVICE_NON_COMPLIANT), NULL, c);
}
static int
b_dcbcr(struct ops_request *o, char **c)
{
	static const char *const names[] = {"required-tags", "s3-bucket-public-read-prohibited"};

	return configservice_describe_compliance_by_config_rule_request(
	    o, names, 2,
	    CONFIGSERVICE_BIT(CONFIGSERVICE_NON_COMPLIANT) |
	        CONFIGSERVICE_BIT(CONFIGSERVICE_INSUFFICIENT_DATA),
	    TOK, c);
}
static int
b_rules(struct ops_request *o, char **c)
{
	static const char *const names[] = {"required-tags"};

	return configservice_describe_config_rules_request(o, names, 1, TOK, c);
}
static int
b_aggs_pypi(struct ops_request *o, char **c)
{
	return configservice_describe_configuration_aggregators_request(o, NULL, 0, 0, NULL, c);
}
static int
b_aggs(struct ops_request *o, char **c)
{
	static const char *const names[] = {"org-agg"};

	return configservice_describe_configuration_aggregators_request(o, names, 1, 100, TOK, c);
}
static int
b_dacbcr_pypi(struct ops_request *o, char **c)
{
	struct configservice_aggregate_filter f = {.compliance = CONFIGSERVICE_NON_COMPLIANT};

	return configservice_describe_aggregate_compliance_by_config_rules_request(o, "org-agg", &f,
	                                                                           1000, NULL, c);
}
static int
b_dacbcr(struct ops_request *o, char **c)
{
	struct configservice_aggregate_filter f = {.rule_name = "required-tags",
	                                           .compliance = CONFIGSERVICE_NON_COMPLIANT,
	                                           .account_id = "444455556666",
	                                           .region = "eu-west-1"};

	return configservice_describe_aggregate_compliance_by_config_rules_request(o, "org-agg", &f,
	                                                                           1000, TOK, c);
}
static int
b_gacrcs_pypi(struct ops_request *o, char **c)
{
	return configservice_get_aggregate_config_rule_compliance_summary_request(
	    o, "org-agg", CONFIGSERVICE_GROUP_ACCOUNT_ID, NULL, "eu-west-1", 0, NULL, c);
}
static int
b_gacrcs_acct(struct ops_request *o, char **c)
{
	return configservice_get_aggregate_config_rule_compliance_summary_request(
	    o, "org-agg", CONFIGSERVICE_GROUP_ACCOUNT_ID, NULL, "eu-west-1", 1000, TOK, c);
}
static int
b_gacrcs_region(struct ops_request *o, char **c)
{
	return configservice_get_aggregate_config_rule_compliance_summary_request(
	    o, "org-agg", CONFIGSERVICE_GROUP_AWS_REGION, "444455556666", NULL, 1000, NULL, c);
}

static int
b_detectors(struct ops_request *o, char **c)
{
	return guardduty_list_detectors_request(o, 50, NULL, c);
}
static int
b_detectors_p2(struct ops_request *o, char **c)
{
	return guardduty_list_detectors_request(o, 50, TOK, c);
}
static int
b_detector(struct ops_request *o, char **c)
{
	return guardduty_get_detector_request(o, DET, c);
}
static int
b_detector_odd(struct ops_request *o, char **c)
{
	return guardduty_get_detector_request(o, "a/b c:%", c);
}
static int
b_gfs_count(struct ops_request *o, char **c)
{
	struct guardduty_criteria k = {.not_archived = 1, .severity_min = -1, .severity_below = -1};

	return guardduty_get_findings_statistics_request(o, DET, &k, c);
}
static int
b_gfs_pypi_groupby(struct ops_request *o, char **c)
{
	struct guardduty_criteria k = {.severity_min = 7, .severity_below = -1};

	return guardduty_get_findings_statistics_grouped_request(o, DET, GUARDDUTY_GROUP_ACCOUNT,
	                                                         100, &k, c);
}
static int
b_gfs_account(struct ops_request *o, char **c)
{
	static const char *const ids[] = {"444455556666", "777788889999"};
	struct guardduty_criteria k = {.not_archived = 1, .account_ids = ids, .naccount_ids = 2};

	assert_int_equal(guardduty_band_bounds(GUARDDUTY_HIGH, &k.severity_min, &k.severity_below),
	                 0);
	return guardduty_get_findings_statistics_grouped_request(o, DET, GUARDDUTY_GROUP_ACCOUNT,
	                                                         100, &k, c);
}
static int
b_gfs_severity(struct ops_request *o, char **c)
{
	static const char *const ids[] = {"444455556666"};
	struct guardduty_criteria k = {.not_archived = 1,
	                               .account_ids = ids,
	                               .naccount_ids = 1,
	                               .severity_min = -1,
	                               .severity_below = -1};

	return guardduty_get_findings_statistics_grouped_request(o, DET, GUARDDUTY_GROUP_SEVERITY,
	                                                         100, &k, c);
}
static int
b_findings_pypi(struct ops_request *o, char **c)
{
	struct guardduty_criteria k = {.not_archived = 1, .severity_min = 7, .severity_below = -1};

	return guardduty_list_findings_request(o, DET, &k, 50, NULL, c);
}
static int
b_findings(struct ops_request *o, char **c)
{
	struct guardduty_criteria k = {.not_archived = 1, .severity_min = 4, .severity_below = -1};

	return guardduty_list_findings_request(o, DET, &k, 50, TOK, c);
}
static int
b_get_findings(struct ops_request *o, char **c)
{
	static const char *const ids[] = {"a1b2c3", "d4e5f6"};

	return guardduty_get_findings_request(o, DET, ids, 2, c);
}
static int
b_members_pypi(struct ops_request *o, char **c)
{
	return guardduty_list_members_request(o, DET, 1, 50, "a b/c", c);
}
static int
b_members(struct ops_request *o, char **c)
{
	return guardduty_list_members_request(o, DET, 1, 50, TOK, c);
}

static int
b_budgets_pypi(struct ops_request *o, char **c)
{
	return budgets_describe_budgets_request(o, "111122223333", BUDGETS_MAX_RESULTS, NULL, c);
}
static int
b_budgets(struct ops_request *o, char **c)
{
	return budgets_describe_budgets_request(o, "111122223333", 100, TOK, c);
}

static int
b_cost_pypi(struct ops_request *o, char **c)
{
	return ce_get_cost_and_usage_request(o, "2024-06-01", "2024-07-01", NULL, c);
}
static int
b_cost(struct ops_request *o, char **c)
{
	return ce_get_cost_and_usage_request(o, "2024-06-01", "2024-07-01", TOK, c);
}

static int
b_instances_pypi(struct ops_request *o, char **c)
{
	return ssoadmin_list_instances_request(o, 0, NULL, c);
}
static int
b_instances(struct ops_request *o, char **c)
{
	return ssoadmin_list_instances_request(o, 100, TOK, c);
}
static int
b_psets_pypi(struct ops_request *o, char **c)
{
	return ssoadmin_list_permission_sets_request(o, INST, 0, NULL, c);
}
static int
b_psets(struct ops_request *o, char **c)
{
	return ssoadmin_list_permission_sets_request(o, INST, 100, TOK, c);
}
static int
b_pset(struct ops_request *o, char **c)
{
	return ssoadmin_describe_permission_set_request(o, INST, PS, c);
}
static int
b_provisioned_pypi(struct ops_request *o, char **c)
{
	return ssoadmin_list_accounts_for_provisioned_permission_set_request(o, INST, PS, 1, 0,
	                                                                     NULL, c);
}
static int
b_provisioned(struct ops_request *o, char **c)
{
	return ssoadmin_list_accounts_for_provisioned_permission_set_request(o, INST, PS, 1, 100,
	                                                                     TOK, c);
}
static int
b_assign_pypi(struct ops_request *o, char **c)
{
	return ssoadmin_list_account_assignments_request(o, INST, "111122223333", PS, 0, NULL, c);
}
static int
b_assign(struct ops_request *o, char **c)
{
	return ssoadmin_list_account_assignments_request(o, INST, "444455556666", PS, 100, TOK, c);
}

static int
b_assign_principal_pypi(struct ops_request *o, char **c)
{
	return ssoadmin_list_account_assignments_for_principal_request(
	    o, INST, "906740a8e1-12345678-1234-1234-1234-123456789012", SSOADMIN_PRINCIPAL_USER,
	    NULL, 0, NULL, c);
}
static int
b_assign_principal(struct ops_request *o, char **c)
{
	return ssoadmin_list_account_assignments_for_principal_request(
	    o, INST, "906740a8e1-12345678-1234-1234-1234-123456789013", SSOADMIN_PRINCIPAL_GROUP,
	    "444455556666", 100, TOK, c);
}
static int
b_users_pypi(struct ops_request *o, char **c)
{
	return identitystore_list_users_request(o, "d-1234567890", 100, NULL, c);
}
static int
b_users(struct ops_request *o, char **c)
{
	return identitystore_list_users_request(o, "d-1234567890", 100, TOK, c);
}
static int
b_groups(struct ops_request *o, char **c)
{
	return identitystore_list_groups_request(o, "d-1234567890", 100, NULL, c);
}
static int
b_groups_pypi(struct ops_request *o, char **c)
{
	return identitystore_list_groups_request(o, "d-1234567890", 0, NULL, c);
}

static int
b_user(struct ops_request *o, char **c)
{
	return identitystore_describe_user_request(
	    o, "d-1234567890", "906740a8e1-12345678-1234-1234-1234-123456789012", c);
}
static int
b_group(struct ops_request *o, char **c)
{
	return identitystore_describe_group_request(
	    o, "d-1234567890", "906740a8e1-12345678-1234-1234-1234-123456789013", c);
}

struct capture_case {
	const char *file;  /* "pypi" or "ours" */
	const char *a, *b; /* (service, op) or (id, NULL) */
	int mode;
	build_fn build;
};

static const struct capture_case cases[] = {
    {"pypi", "organizations", "describe_organization", EXACT, b_describe_org},
    {"pypi", "organizations", "list_roots", EXACT, b_roots},
    {"pypi", "organizations", "list_organizational_units_for_parent", EXACT, b_ous_pypi},
    {"pypi", "organizations", "list_accounts_for_parent", EXACT, b_afp_pypi},
    {"pypi", "organizations", "list_accounts", EXACT, b_accounts},
    {"pypi", "organizations", "list_parents", EXACT, b_parents_pypi},
    {"pypi", "organizations", "list_delegated_administrators", EXACT, b_delegated_pypi},
    {"pypi", "account", "list_regions", EXACT, b_regions_pypi},
    {"pypi", "config", "get_compliance_summary_by_config_rule", EXACT, b_summary},
    {"pypi", "config", "describe_compliance_by_config_rule", EXACT, b_dcbcr_pypi},
    {"pypi", "config", "describe_configuration_aggregators", EXACT, b_aggs_pypi},
    {"pypi", "config", "describe_aggregate_compliance_by_config_rules", EXACT, b_dacbcr_pypi},
    {"pypi", "config", "get_aggregate_config_rule_compliance_summary", EXACT, b_gacrcs_pypi},
    {"pypi", "guardduty", "list_detectors", EXACT, b_detectors},
    {"pypi", "guardduty", "get_detector", EXACT, b_detector},
    {"pypi", "guardduty", "get_findings_statistics", EXACT, b_gfs_count},
    {"pypi", "guardduty", "get_findings_statistics#groupby", EXACT, b_gfs_pypi_groupby},
    /* The capture used the deprecated gte/eq; orgtop sends the current names. */
    {"pypi", "guardduty", "list_findings", OLD_OPERATORS, b_findings_pypi},
    {"pypi", "guardduty", "get_findings", EXACT, b_get_findings},
    {"pypi", "guardduty", "list_members", EXACT, b_members_pypi},
    {"pypi", "budgets", "describe_budgets", EXACT, b_budgets_pypi},
    {"pypi", "ce", "get_cost_and_usage", EXACT, b_cost_pypi},
    {"pypi", "sso-admin", "list_instances", EXACT, b_instances_pypi},
    {"pypi", "sso-admin", "list_permission_sets", EXACT, b_psets_pypi},
    {"pypi", "sso-admin", "describe_permission_set", EXACT, b_pset},
    {"pypi", "sso-admin", "list_accounts_for_provisioned_permission_set", EXACT,
     b_provisioned_pypi},
    {"pypi", "sso-admin", "list_account_assignments", EXACT, b_assign_pypi},
    {"pypi", "sso-admin", "list_account_assignments_for_principal", EXACT,
     b_assign_principal_pypi},
    {"pypi", "identitystore", "list_users", EXACT, b_users_pypi},
    {"pypi", "identitystore", "list_groups", EXACT, b_groups_pypi},
    {"pypi", "identitystore", "describe_user", EXACT, b_user},
    {"pypi", "identitystore", "describe_group", EXACT, b_group},

    {"ours", "organizations.DescribeOrganization", NULL, EXACT, b_describe_org},
    {"ours", "organizations.ListRoots", NULL, EXACT, b_roots20},
    {"ours", "organizations.ListRoots.page2", NULL, EXACT, b_roots_p2},
    {"ours", "organizations.ListOrganizationalUnitsForParent", NULL, EXACT, b_ous},
    {"ours", "organizations.ListAccountsForParent", NULL, EXACT, b_afp},
    {"ours", "organizations.ListAccounts", NULL, EXACT, b_accounts},
    {"ours", "organizations.ListAccounts", NULL, EXACT, b_accounts_empty_tok},
    {"ours", "organizations.ListParents", NULL, EXACT, b_parents},
    {"ours", "organizations.ListDelegatedAdministrators", NULL, EXACT, b_delegated},
    {"ours", "account.ListRegions", NULL, EXACT, b_regions},
    {"ours", "account.ListRegions.self", NULL, EXACT, b_regions_self},
    {"ours", "config.GetComplianceSummaryByConfigRule", NULL, EXACT, b_summary},
    {"ours", "config.DescribeComplianceByConfigRule", NULL, EXACT, b_dcbcr},
    {"ours", "config.DescribeConfigRules", NULL, EXACT, b_rules},
    {"ours", "config.DescribeConfigurationAggregators", NULL, EXACT, b_aggs},
    {"ours", "config.DescribeAggregateComplianceByConfigRules", NULL, EXACT, b_dacbcr},
    {"ours", "config.GetAggregateConfigRuleComplianceSummary.ACCOUNT_ID", NULL, EXACT,
     b_gacrcs_acct},
    {"ours", "config.GetAggregateConfigRuleComplianceSummary.AWS_REGION", NULL, EXACT,
     b_gacrcs_region},
    {"ours", "guardduty.ListDetectors", NULL, EXACT, b_detectors},
    {"ours", "guardduty.ListDetectors.page2", NULL, EXACT, b_detectors_p2},
    {"ours", "guardduty.GetDetector", NULL, EXACT, b_detector},
    {"ours", "guardduty.GetDetector.odd", NULL, EXACT, b_detector_odd},
    {"ours", "guardduty.GetFindingsStatistics.COUNT_BY_SEVERITY", NULL, EXACT, b_gfs_count},
    {"ours", "guardduty.GetFindingsStatistics.ACCOUNT", NULL, EXACT, b_gfs_account},
    {"ours", "guardduty.GetFindingsStatistics.SEVERITY", NULL, EXACT, b_gfs_severity},
    {"ours", "guardduty.ListFindings", NULL, EXACT, b_findings},
    {"ours", "guardduty.GetFindings", NULL, EXACT, b_get_findings},
    {"ours", "guardduty.ListMembers", NULL, EXACT, b_members},
    {"ours", "budgets.DescribeBudgets", NULL, EXACT, b_budgets},
    {"ours", "ce.GetCostAndUsage", NULL, EXACT, b_cost},
    {"ours", "sso-admin.ListInstances", NULL, EXACT, b_instances},
    {"ours", "sso-admin.ListPermissionSets", NULL, EXACT, b_psets},
    {"ours", "sso-admin.DescribePermissionSet", NULL, EXACT, b_pset},
    {"ours", "sso-admin.ListAccountsForProvisionedPermissionSet", NULL, EXACT, b_provisioned},
    {"ours", "sso-admin.ListAccountAssignments", NULL, EXACT, b_assign},
    {"ours", "sso-admin.ListAccountAssignmentsForPrincipal", NULL, EXACT, b_assign_principal},
    {"ours", "identitystore.ListUsers", NULL, EXACT, b_users},
    {"ours", "identitystore.ListGroups", NULL, EXACT, b_groups},
    {"ours", "identitystore.DescribeUser", NULL, EXACT, b_user},
    {"ours", "identitystore.DescribeGroup", NULL, EXACT, b_group},
};

static void
test_builders_match_botocore(void **state)
{
	int built[OPS__COUNT] = {0};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct capture_case *k = &cases[i];
		const cJSON *c = find_capture(k->file, k->a, k->b);
		struct ops_request r;
		char *cause = NULL;
		char what[160];

		snprintf(what, sizeof what, "%s %s%s%s", k->file, k->a, k->b ? " " : "",
		         k->b ? k->b : "");
		memset(&r, 0x5a, sizeof r);
		if (k->build(&r, &cause) != 0)
			fail_msg("%s: builder failed: %s", what, cause ? cause : "(no cause)");
		assert_null(cause);
		check_request(&r, c, k->mode, what);
		check_client_wire(&r, what);
		built[r.op->id]++;
		ops_request_done(&r);
		assert_null(r.op);
		assert_null(r.body);
	}
	/* Every operation of the table except STS and the SSO portal (the creds code) has a
	 * builder. */
	for (size_t id = 0; id < OPS__COUNT; id++) {
		const struct ops_op *op = ops_get((enum ops_id)id);

		if (strcmp(op->service, "sts") == 0 || strcmp(op->service, "sso") == 0)
			continue;
		if (built[id] == 0)
			fail_msg("no builder checked for %s:%s", op->service, op->name);
	}
}

/* The STS and SSO-portal entries, which other modules build, against the captures too. */
static void
test_table_matches_captures(void **state)
{
	static const struct {
		enum ops_id id;
		const char *service, *op;
	} rows[] = {
	    {OPS_STS_GET_CALLER_IDENTITY, "sts", "get_caller_identity"},
	    {OPS_STS_ASSUME_ROLE, "sts", "assume_role"},
	    {OPS_SSO_GET_ROLE_CREDENTIALS, "sso", "get_role_credentials"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct ops_op *op = ops_get(rows[i].id);
		const cJSON *c = find_capture("pypi", rows[i].service, rows[i].op);
		const char *path = capture_path(c);

		assert_string_equal(op->method, jstr(c, "method"));
		assert_int_equal(strncmp(path, op->uri, strlen(op->uri)), 0);
		assert_true(path[strlen(op->uri)] == '\0' || path[strlen(op->uri)] == '?');
		if (op->protocol == OPS_PROTO_QUERY) {
			char action[64];

			snprintf(action, sizeof action, "Action=%s&", op->name);
			assert_int_equal(strncmp(jstr(c, "body"), action, strlen(action)), 0);
		}
	}
}

/* ---- the table ---- */

static void
test_ops_table_is_read_only(void **state)
{
	(void)state;
	assert_int_equal(ops_count(), OPS__COUNT);
	for (size_t i = 0; i < ops_count(); i++) {
		const struct ops_op *op = ops_get((enum ops_id)i);
		const char *n = op->name;
		int read;

		assert_non_null(op);
		assert_int_equal(op->id, i);
		assert_true(op->read_only);
		/* Spelled out here, independently of ops_is_read(). */
		read = strncmp(n, "List", 4) == 0 || strncmp(n, "Describe", 8) == 0 ||
		       strncmp(n, "Get", 3) == 0 ||
		       (strcmp(op->service, "sts") == 0 &&
		        (strcmp(n, "AssumeRole") == 0 || strcmp(n, "GetCallerIdentity") == 0 ||
		         strcmp(n, "AssumeRoleWithWebIdentity") == 0));
		if (!read || !ops_is_read(op))
			fail_msg("%s:%s is not a read", op->service, n);
		assert_ptr_equal(ops_find(op->service, op->name), op);
		assert_true(strcmp(op->method, "GET") == 0 || strcmp(op->method, "POST") == 0);
		assert_true(op->uri[0] == '/');
		if (op->protocol == OPS_PROTO_JSON) {
			char target[128];

			assert_non_null(op->target);
			assert_non_null(strchr(op->target, '.'));
			snprintf(target, sizeof target, ".%s", op->name);
			assert_string_equal(strchr(op->target, '.'), target);
			assert_string_equal(op->uri, "/");
		} else {
			assert_null(op->target);
		}
		if (op->iam_action != NULL) {
			const char *colon = strchr(op->iam_action, ':');

			assert_non_null(colon);
			assert_true(op->policy != 0);
		}
		for (size_t j = 0; j < i; j++) {
			const struct ops_op *o2 = ops_get((enum ops_id)j);

			assert_false(strcmp(o2->service, op->service) == 0 &&
			             strcmp(o2->name, op->name) == 0);
		}
	}
	assert_null(ops_get(OPS__COUNT));
	assert_null(ops_get((enum ops_id) - 1));
	assert_null(ops_find("organizations", "CreateAccount"));
	assert_null(ops_find(NULL, "ListRoots"));
}

static void
test_ops_is_read(void **state)
{
	static const struct {
		const char *service, *name;
		int read;
	} rows[] = {
	    {"organizations", "ListAccounts", 1},
	    {"config", "DescribeConfigRules", 1},
	    {"guardduty", "GetFindings", 1},
	    {"sts", "AssumeRole", 1},
	    {"sts", "GetCallerIdentity", 1},
	    {"sts", "AssumeRoleWithWebIdentity", 1},
	    {"iam", "AssumeRoleWithWebIdentity", 0},
	    {"organizations", "CreateAccount", 0},
	    {"organizations", "DeleteOrganization", 0},
	    {"guardduty", "UpdateDetector", 0},
	    {"guardduty", "ArchiveFindings", 0},
	    {"iam", "AssumeRole", 0},
	    {"sts", "AssumeRoleWithSAML", 0},
	    {"x", "Listen", 0},
	    {"x", "Getaway", 0},
	    {"x", "Describe", 0},
	    {"x", "", 0},
	    {"sso-oidc", "CreateToken", 0},
	    {"budgets", "PutBudget", 0},
	    {"config", "PutConfigRule", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct ops_op op = {.service = rows[i].service, .name = rows[i].name};

		if (ops_is_read(&op) != rows[i].read)
			fail_msg("%s:%s read=%d", rows[i].service, rows[i].name, !rows[i].read);
	}
	assert_int_equal(ops_is_read(NULL), 0);
}

/* A builder can produce nothing outside the table: svcio_request_init() aborts. */
static void
test_request_outside_table_aborts(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ops_request r;

		/* No core dump, no cmocka output from the child. */
		signal(SIGABRT, SIG_DFL);
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		svcio_request_init(&r, OPS__COUNT);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- the IAM policy ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted unique IAM actions of the table for which (without sts:AssumeRole). */
static size_t
table_actions(int which, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < OPS__COUNT; i++) {
		const struct ops_op *op = ops_get((enum ops_id)i);
		int dup = 0;

		if (op->iam_action == NULL || !(op->policy & (unsigned)which) ||
		    strcmp(op->iam_action, "sts:AssumeRole") == 0)
			continue;
		for (size_t j = 0; j < n; j++)
			dup |= strcmp(out[j], op->iam_action) == 0;
		if (!dup)
			out[n++] = op->iam_action;
	}
	qsort(out, n, sizeof out[0], cmp_str);
	return n;
}

static cJSON *
policy_json(int which, const char *role)
{
	struct buf b;
	cJSON *j;
	char *cause = NULL;

	buf_init(&b);
	if (role == NULL)
		assert_int_equal(ops_iam_policy(&b, which), 0);
	else
		assert_int_equal(ops_iam_policy_role(&b, which, role, &cause), 0);
	assert_null(cause);
	assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
	j = cJSON_Parse(b.data);
	if (j == NULL)
		fail_msg("policy is not JSON:\n%s", b.data);
	buf_done(&b);
	return j;
}

static int
policy_has(const char *const *v, size_t n, const char *action)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], action) == 0)
			return 1;
	}
	return 0;
}

static void
check_policy(int which, const char *role, const char *expect_resource)
{
	const char *want[OPS__COUNT], *got[OPS__COUNT];
	size_t nwant = table_actions(which, want), ngot = 0;
	cJSON *j = policy_json(which, role);
	const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(j, "Statement"), *s, *a;

	assert_string_equal(jstr(j, "Version"), "2012-10-17");
	assert_int_equal(cJSON_GetArraySize(stmts), which == OPS_CALLER ? 2 : 1);
	s = cJSON_GetArrayItem(stmts, 0);
	assert_string_equal(jstr(s, "Effect"), "Allow");
	assert_string_equal(jstr(s, "Resource"), "*");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s, "Action"))
	{
		assert_true(cJSON_IsString(a));
		assert_true(ngot < OPS__COUNT);
		got[ngot++] = a->valuestring;
	}
	/* Exactly the table's actions, sorted, each once. */
	assert_int_equal(ngot, nwant);
	for (size_t i = 0; i < ngot; i++)
		assert_string_equal(got[i], want[i]);
	/* The IAM names, not the API names. */
	assert_true(policy_has(got, ngot, "budgets:ViewBudget"));
	assert_false(policy_has(got, ngot, "budgets:DescribeBudgets"));
	assert_true(policy_has(got, ngot, "account:ListRegions"));
	assert_true(policy_has(got, ngot, "guardduty:GetFindingsStatistics"));
	assert_true(policy_has(got, ngot, "config:GetComplianceSummaryByConfigRule"));
	for (size_t i = 0; i < ngot; i++) {
		assert_null(strstr(got[i], "sso-admin:"));
		assert_false(strncmp(got[i], "sts:AssumeRole", 14) == 0);
	}
	if (which == OPS_CALLER) {
		assert_true(policy_has(got, ngot, "sso:ListInstances"));
		assert_true(policy_has(got, ngot, "sso:ListAccountAssignments"));
		assert_true(policy_has(got, ngot, "identitystore:DescribeUser"));
		assert_true(policy_has(got, ngot, "identitystore:DescribeGroup"));
		assert_true(policy_has(got, ngot, "ce:GetCostAndUsage"));
		assert_true(policy_has(got, ngot, "organizations:ListAccountsForParent"));
		s = cJSON_GetArrayItem(stmts, 1);
		assert_string_equal(jstr(s, "Effect"), "Allow");
		assert_string_equal(jstr(s, "Action"), "sts:AssumeRole");
		assert_string_equal(jstr(s, "Resource"), expect_resource);
	} else {
		assert_false(policy_has(got, ngot, "ce:GetCostAndUsage"));
		assert_false(policy_has(got, ngot, "organizations:ListAccounts"));
		assert_false(policy_has(got, ngot, "sso:ListInstances"));
	}
	cJSON_Delete(j);
}

static void
test_iam_policy(void **state)
{
	size_t nall = 0, ncaller, nmember;
	const char *caller[OPS__COUNT], *member[OPS__COUNT];

	(void)state;
	check_policy(OPS_CALLER, NULL, "arn:aws:iam::*:role/OrganizationAccountAccessRole");
	check_policy(OPS_CALLER, "audit/OrgtopAudit", "arn:aws:iam::*:role/audit/OrgtopAudit");
	check_policy(OPS_MEMBER, NULL, NULL);

	/* Together the two policies hold every IAM action of the table. */
	ncaller = table_actions(OPS_CALLER, caller);
	nmember = table_actions(OPS_MEMBER, member);
	for (size_t i = 0; i < OPS__COUNT; i++) {
		const struct ops_op *op = ops_get((enum ops_id)i);

		if (op->iam_action == NULL) {
			/* Only the SSO portal and the web identity exchange go without: a
			 * bearer or web identity token authorises them. */
			if (strcmp(op->service, "sso") != 0)
				assert_string_equal(op->name, "AssumeRoleWithWebIdentity");
			continue;
		}
		if (strcmp(op->iam_action, "sts:AssumeRole") == 0)
			continue;
		assert_true(policy_has(caller, ncaller, op->iam_action) ||
		            policy_has(member, nmember, op->iam_action));
		nall++;
	}
	assert_true(nall > 25);
}

static void
test_iam_policy_bad_input(void **state)
{
	static const char *const bad[] = {"",       "a\"b", "x y",  "/lead",
	                                  "trail/", "a\\b", "a\nb", "role}"};
	struct buf b;
	char *cause = NULL;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ops_iam_policy_role(&b, OPS_CALLER, bad[i], &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "role name"));
		free(cause);
		cause = NULL;
		assert_int_equal(b.len, 0);
	}
	assert_int_equal(ops_iam_policy_role(&b, 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, "unknown policy kind"));
	free(cause);
	assert_int_equal(ops_iam_policy(&b, OPS_CALLER | OPS_MEMBER), -1);
	assert_int_equal(b.len, 0);
	buf_done(&b);
}

/* ---- builder arguments ---- */

static void
expect_bad(int rc, char *cause, const char *op, const char *needle, struct ops_request *r)
{
	if (rc != -1)
		fail_msg("%s: expected a failure mentioning \"%s\"", op, needle);
	assert_non_null(cause);
	if (strncmp(cause, op, strlen(op)) != 0 || strstr(cause, needle) == NULL)
		fail_msg("cause \"%s\" does not name %s and \"%s\"", cause, op, needle);
	free(cause);
	/* Untouched: still the sentinel. */
	for (size_t i = 0; i < sizeof *r; i++)
		assert_int_equal(((unsigned char *)r)[i], 0x5a);
}

static void
test_builder_arguments(void **state)
{
	struct ops_request r;
	char *c = NULL;
	static const char *const ids51[51] = {"a"};
	static const char *const bad_acct[] = {"12345678901"};
	static const char *const names26[26] = {"x"};
	struct guardduty_criteria k = {
	    .account_ids = bad_acct, .naccount_ids = 1, .severity_min = -1, .severity_below = -1};
	struct configservice_aggregate_filter f = {.compliance = CONFIGSERVICE_NOT_APPLICABLE};

	(void)state;
#define BAD(call, op, needle)                                                                      \
	do {                                                                                       \
		int rc_;                                                                           \
		memset(&r, 0x5a, sizeof r);                                                        \
		c = NULL;                                                                          \
		rc_ = (call);                                                                      \
		expect_bad(rc_, c, op, needle, &r);                                                \
	} while (0)
	BAD(organizations_list_roots_request(&r, 21, NULL, &c), "ListRoots", "MaxResults");
	BAD(organizations_list_accounts_request(&r, -1, NULL, &c), "ListAccounts", "MaxResults");
	BAD(organizations_list_organizational_units_for_parent_request(&r, NULL, 0, NULL, &c),
	    "ListOrganizationalUnitsForParent", "ParentId");
	BAD(organizations_list_accounts_for_parent_request(&r, "111122223333", 0, NULL, &c),
	    "ListAccountsForParent", "ParentId");
	BAD(organizations_list_parents_request(&r, "r-ab12", 0, NULL, &c), "ListParents",
	    "ChildId");
	BAD(awsaccount_list_regions_request(&r, "1234", AWSACCOUNT_USABLE, 0, NULL, &c),
	    "ListRegions", "AccountId");
	BAD(awsaccount_list_regions_request(&r, NULL, 1u, 0, NULL, &c), "ListRegions", "status");
	BAD(awsaccount_list_regions_request(&r, NULL, 1u << 9, 0, NULL, &c), "ListRegions",
	    "status");
	BAD(awsaccount_list_regions_request(&r, NULL, 0, 51, NULL, &c), "ListRegions",
	    "MaxResults");
	BAD(configservice_describe_compliance_by_config_rule_request(&r, names26, 26, 0, NULL, &c),
	    "DescribeComplianceByConfigRule", "at most 25");
	BAD(configservice_describe_compliance_by_config_rule_request(
	        &r, NULL, 0, CONFIGSERVICE_BIT(CONFIGSERVICE_NOT_APPLICABLE), NULL, &c),
	    "DescribeComplianceByConfigRule", "ComplianceTypes");
	BAD(configservice_describe_aggregate_compliance_by_config_rules_request(&r, "", NULL, 0,
	                                                                        NULL, &c),
	    "DescribeAggregateComplianceByConfigRules", "ConfigurationAggregatorName");
	BAD(configservice_describe_aggregate_compliance_by_config_rules_request(&r, "agg", &f, 0,
	                                                                        NULL, &c),
	    "DescribeAggregateComplianceByConfigRules", "ComplianceType");
	BAD(configservice_get_aggregate_config_rule_compliance_summary_request(
	        &r, "agg", CONFIGSERVICE_GROUP_AWS_REGION, "x", NULL, 0, NULL, &c),
	    "GetAggregateConfigRuleComplianceSummary", "AccountId");
	BAD(configservice_get_aggregate_config_rule_compliance_summary_request(
	        &r, "agg", (enum configservice_group_by)7, NULL, NULL, 0, NULL, &c),
	    "GetAggregateConfigRuleComplianceSummary", "GroupByKey");
	BAD(configservice_describe_configuration_aggregators_request(&r, NULL, 0, 101, NULL, &c),
	    "DescribeConfigurationAggregators", "Limit");
	BAD(guardduty_get_detector_request(&r, "", &c), "GetDetector", "DetectorId");
	BAD(guardduty_list_detectors_request(&r, 51, NULL, &c), "ListDetectors", "maxResults");
	BAD(guardduty_get_findings_request(&r, DET, ids51, 51, &c), "GetFindings", "1 to 50");
	BAD(guardduty_get_findings_request(&r, DET, NULL, 0, &c), "GetFindings", "1 to 50");
	BAD(guardduty_get_findings_statistics_request(&r, DET, &k, &c), "GetFindingsStatistics",
	    "accountId");
	BAD(guardduty_get_findings_statistics_grouped_request(&r, DET, GUARDDUTY_GROUP_SEVERITY,
	                                                      101, NULL, &c),
	    "GetFindingsStatistics", "maxResults");
	BAD(guardduty_list_members_request(&r, NULL, 1, 0, NULL, &c), "ListMembers", "DetectorId");
	BAD(budgets_describe_budgets_request(&r, "0000", 0, NULL, &c), "DescribeBudgets",
	    "AccountId");
	BAD(ce_get_cost_and_usage_request(&r, "2024-07-01", "2024-06-01", NULL, &c),
	    "GetCostAndUsage", "TimePeriod");
	BAD(ce_get_cost_and_usage_request(&r, "2024-06-01", "2024-06-01", NULL, &c),
	    "GetCostAndUsage", "TimePeriod");
	BAD(ce_get_cost_and_usage_request(&r, "2024-6-01", "2024-07-01", NULL, &c),
	    "GetCostAndUsage", "TimePeriod");
	BAD(ce_get_cost_and_usage_request(&r, NULL, "2024-07-01", NULL, &c), "GetCostAndUsage",
	    "TimePeriod");
	BAD(ssoadmin_list_permission_sets_request(&r, NULL, 0, NULL, &c), "ListPermissionSets",
	    "InstanceArn");
	BAD(ssoadmin_list_account_assignments_request(&r, INST, "12", PS, 0, NULL, &c),
	    "ListAccountAssignments", "AccountId");
	BAD(ssoadmin_list_instances_request(&r, 101, NULL, &c), "ListInstances", "MaxResults");
	BAD(identitystore_describe_user_request(&r, "d-1", "", &c), "DescribeUser", "UserId");
	BAD(identitystore_describe_group_request(&r, NULL, "g", &c), "DescribeGroup",
	    "IdentityStoreId");
#undef BAD
	/* A NULL cause is allowed. */
	memset(&r, 0x5a, sizeof r);
	assert_int_equal(guardduty_get_detector_request(&r, NULL, NULL), -1);
}

/* JSON-special and non-ASCII text goes into bodies escaped, and into paths encoded. */
static void
test_builder_escaping(void **state)
{
	struct ops_request r;
	cJSON *j;
	const char *nasty = "a\"b\\c\n\x01\xc3\xa9/?#&=+ %";

	(void)state;
	assert_int_equal(organizations_list_accounts_request(&r, 0, nasty, NULL), 0);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "NextToken"), nasty);
	cJSON_Delete(j);
	ops_request_done(&r);

	assert_int_equal(guardduty_list_findings_request(&r, nasty, NULL, 0, nasty, NULL), 0);
	assert_string_equal(r.path,
	                    "/detector/a%22b%5Cc%0A%01%C3%A9%2F%3F%23%26%3D%2B%20%25/findings");
	assert_null(r.query);
	j = cJSON_Parse(r.body);
	assert_string_equal(jstr(j, "nextToken"), nasty);
	cJSON_Delete(j);
	ops_request_done(&r);

	assert_int_equal(guardduty_list_detectors_request(&r, 0, nasty, NULL), 0);
	assert_string_equal(r.query, "nextToken=a%22b%5Cc%0A%01%C3%A9%2F%3F%23%26%3D%2B%20%25");
	assert_null(r.body);
	ops_request_done(&r);
	assert_int_equal(guardduty_list_detectors_request(&r, 0, NULL, NULL), 0);
	assert_null(r.query);
	assert_string_equal(r.path, "/detector");
	ops_request_done(&r);
	/* NULL-safe, idempotent. */
	ops_request_done(NULL);
	ops_request_done(&r);
}

/* The params the client gets, for the rest-json shapes. */
static void
test_params(void **state)
{
	static const char *const ids[] = {"f"};
	struct ops_request r;
	char *p;

	(void)state;
	assert_int_equal(guardduty_list_members_request(&r, DET, 0, 50, "t", NULL), 0);
	p = cJSON_PrintUnformatted(r.params);
	assert_string_equal(p, "{\"DetectorId\":\"" DET "\",\"onlyAssociated\":\"false\","
	                       "\"maxResults\":50,\"nextToken\":\"t\"}");
	free(p);
	assert_string_equal(r.query, "onlyAssociated=false&maxResults=50&nextToken=t");
	assert_null(r.body);
	ops_request_done(&r);

	assert_int_equal(guardduty_get_findings_request(&r, DET, ids, 1, NULL), 0);
	p = cJSON_PrintUnformatted(r.params);
	assert_string_equal(p, "{\"DetectorId\":\"" DET "\",\"findingIds\":[\"f\"]}");
	free(p);
	assert_string_equal(r.body, "{\"findingIds\":[\"f\"]}");
	ops_request_done(&r);

	/* A rest-json POST with no body member sends "{}". */
	assert_int_equal(awsaccount_list_regions_request(&r, NULL, 0, 0, NULL, NULL), 0);
	assert_string_equal(r.body, "{}");
	assert_string_equal(r.path, "/listRegions");
	assert_int_equal(cJSON_GetArraySize(r.params), 0);
	ops_request_done(&r);

	/* json 1.1 without members: "{}" too. */
	assert_int_equal(organizations_list_roots_request(&r, 0, "", NULL), 0);
	assert_string_equal(r.body, "{}");
	assert_int_equal(r.body_len, 2);
	ops_request_done(&r);
}

/* svcio_request_finish() refuses a rest-json request whose label is missing. */
static void
test_finish_refuses_missing_label(void **state)
{
	struct ops_request r, out;
	struct svcio_body b;
	char *cause = NULL;

	(void)state;
	memset(&out, 0x5a, sizeof out);
	svcio_request_init(&r, OPS_GUARDDUTY_GET_DETECTOR);
	svcio_body_init(&b);
	assert_int_equal(svcio_request_finish(&r, &b, &out, &cause), -1);
	assert_non_null(strstr(cause, "GetDetector: could not build the request"));
	free(cause);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(((unsigned char *)&out)[i], 0x5a);

	svcio_request_init(&r, OPS_GUARDDUTY_GET_DETECTOR);
	svcio_body_init(&b);
	svcio_body_num(&b, b.root, "DetectorId", 7);
	assert_int_equal(svcio_request_finish(&r, &b, &out, NULL), -1);
}

static void
test_guardduty_bands(void **state)
{
	int lo, hi;

	(void)state;
	assert_int_equal(guardduty_band_of(0), GUARDDUTY_LOW);
	assert_int_equal(guardduty_band_of(3.9), GUARDDUTY_LOW);
	assert_int_equal(guardduty_band_of(4.0), GUARDDUTY_MEDIUM);
	assert_int_equal(guardduty_band_of(6.99), GUARDDUTY_MEDIUM);
	assert_int_equal(guardduty_band_of(7.0), GUARDDUTY_HIGH);
	assert_int_equal(guardduty_band_of(8.9), GUARDDUTY_HIGH);
	assert_int_equal(guardduty_band_of(9.0), GUARDDUTY_CRITICAL);
	assert_int_equal(guardduty_band_of(10.0), GUARDDUTY_CRITICAL);
	assert_int_equal(guardduty_band_bounds(GUARDDUTY_LOW, &lo, &hi), 0);
	assert_int_equal(lo, -1);
	assert_int_equal(hi, 4);
	assert_int_equal(guardduty_band_bounds(GUARDDUTY_MEDIUM, &lo, &hi), 0);
	assert_int_equal(lo, 4);
	assert_int_equal(hi, 7);
	assert_int_equal(guardduty_band_bounds(GUARDDUTY_CRITICAL, &lo, &hi), 0);
	assert_int_equal(lo, 9);
	assert_int_equal(hi, -1);
	assert_int_equal(guardduty_band_bounds(GUARDDUTY__BANDS, &lo, &hi), -1);
}

static void
test_criteria_shapes(void **state)
{
	struct ops_request r;
	struct guardduty_criteria none = {.severity_min = -1, .severity_below = -1};
	struct guardduty_criteria low = {.not_archived = 1};
	cJSON *j;

	(void)state;
	/* No condition: no findingCriteria at all. */
	assert_int_equal(guardduty_get_findings_statistics_request(&r, DET, &none, NULL), 0);
	assert_string_equal(r.body, "{\"findingStatisticTypes\":[\"COUNT_BY_SEVERITY\"]}");
	ops_request_done(&r);
	assert_int_equal(guardduty_get_findings_statistics_request(&r, DET, NULL, NULL), 0);
	assert_string_equal(r.body, "{\"findingStatisticTypes\":[\"COUNT_BY_SEVERITY\"]}");
	ops_request_done(&r);
	/* The low band: only an upper bound. */
	assert_int_equal(
	    guardduty_band_bounds(GUARDDUTY_LOW, &low.severity_min, &low.severity_below), 0);
	assert_int_equal(guardduty_list_findings_request(&r, DET, &low, 0, NULL, NULL), 0);
	j = cJSON_Parse(r.body);
	assert_string_equal(
	    r.body,
	    "{\"findingCriteria\":{\"criterion\":{\"service.archived\":{\"equals\":[\"false\"]},"
	    "\"severity\":{\"lessThan\":4}}},"
	    "\"sortCriteria\":{\"attributeName\":\"severity\",\"orderBy\":\"DESC\"}}");
	cJSON_Delete(j);
	ops_request_done(&r);
}

static void
test_month_to_date(void **state)
{
	char s[11], e[11];

	(void)state;
	ce_month_to_date(1717243200, s, e); /* 2024-06-01T12:00:00Z */
	assert_string_equal(s, "2024-06-01");
	assert_string_equal(e, "2024-07-01");
	ce_month_to_date(1735689599, s, e); /* 2024-12-31T23:59:59Z */
	assert_string_equal(s, "2024-12-01");
	assert_string_equal(e, "2025-01-01");
	ce_month_to_date(1706745600, s, e); /* 2024-02-01T00:00:00Z */
	assert_string_equal(s, "2024-02-01");
	assert_string_equal(e, "2024-03-01");
	/* What it gives, the builder takes. */
	{
		struct ops_request r;

		assert_int_equal(ce_get_cost_and_usage_request(&r, s, e, NULL, NULL), 0);
		ops_request_done(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ops_table_is_read_only),
	    cmocka_unit_test(test_ops_is_read),
	    cmocka_unit_test(test_request_outside_table_aborts),
	    cmocka_unit_test(test_builders_match_botocore),
	    cmocka_unit_test(test_table_matches_captures),
	    cmocka_unit_test(test_iam_policy),
	    cmocka_unit_test(test_iam_policy_bad_input),
	    cmocka_unit_test(test_builder_arguments),
	    cmocka_unit_test(test_builder_escaping),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_finish_refuses_missing_label),
	    cmocka_unit_test(test_guardduty_bands),
	    cmocka_unit_test(test_criteria_shapes),
	    cmocka_unit_test(test_month_to_date),
	};

	return cmocka_run_group_tests_name("services", tests, setup, teardown);
}
