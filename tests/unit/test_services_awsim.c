/*
 * test_services_awsim.c: every request builder of core/services sent through
 * the real AWS client (SigV4, HTTP over loopback, retries, pagination) to
 * awsim, and every answer decoded by its decoder and checked against the
 * scenario awsim serves (tests/awsim/scenarios/small.json). Paginated
 * operations run through aws_client_paginate() with awsim's pages cut to 2
 * items, so every list crosses pages and the builders' params carry the
 * token the paginator adds.
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
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/aws/endpoint.h"
#include "core/services/awsaccount.h"
#include "core/services/budgets.h"
#include "core/services/ce.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/services/identitystore.h"
#include "core/services/organizations.h"
#include "core/services/ssoadmin.h"
#include "core/xmalloc.h"

#define MGMT  "111111111111"
#define SECAC "222222222222"
#define DE    "033333333333"
#define ZA    "555555555555"
#define HOME  "us-east-1"

static pid_t awsim_pid = -1;
static char key_id[128], secret[128];
static uv_loop_t loop;
static struct aws_client *client;
static struct creds_provider *mgmt, *sec;

/* ---- awsim ---- */

static int
start_awsim(void)
{
	const char *build = getenv("ORGTOP_BUILD"), *root = getenv("ORGTOP_ROOT");
	char bin[4096], scenario[4096], line[512];
	int fds[2];
	FILE *f;
	int ready = 0;

	snprintf(bin, sizeof bin, "%s/awsim", build != NULL ? build : "build");
	snprintf(scenario, sizeof scenario, "%s/tests/awsim/scenarios/small.json",
	         root != NULL ? root : ".");
	if (access(bin, X_OK) != 0 || pipe(fds) != 0)
		return -1;
	awsim_pid = fork();
	if (awsim_pid < 0)
		return -1;
	if (awsim_pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(bin, "awsim", "--listen", "127.0.0.1:0", "--scenario", scenario,
		      "--page-size", "2", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		char *v;

		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "# ready") == 0) {
			ready = 1;
			break;
		}
		if (strncmp(line, "export ", 7) != 0 || (v = strchr(line, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line + 7, "AWS_ENDPOINT_URL") == 0)
			setenv("AWS_ENDPOINT_URL", v, 1);
		else if (strcmp(line + 7, "AWS_ACCESS_KEY_ID") == 0)
			snprintf(key_id, sizeof key_id, "%s", v);
		else if (strcmp(line + 7, "AWS_SECRET_ACCESS_KEY") == 0)
			snprintf(secret, sizeof secret, "%s", v);
	}
	/* awsim writes nothing more to stdout; a closed pipe is fine. */
	if (f != NULL)
		fclose(f);
	return ready && key_id[0] != '\0' && secret[0] != '\0' ? 0 : -1;
}

static void
stop_awsim(void)
{
	int status;

	if (awsim_pid > 0) {
		kill(awsim_pid, SIGTERM);
		waitpid(awsim_pid, &status, 0);
		awsim_pid = -1;
	}
}

static int
setup(void **state)
{
	struct aws_client_config cfg = {.region = HOME};
	char *cause = NULL;

	(void)state;
	if (start_awsim() < 0) {
		fprintf(stderr, "cannot start awsim (make builds it)\n");
		stop_awsim();
		return -1;
	}
	assert_int_equal(uv_loop_init(&loop), 0);
	client = aws_client_new(&loop, &cfg, &cause);
	if (client == NULL) {
		fprintf(stderr, "aws_client_new: %s\n", cause);
		stop_awsim();
		return -1;
	}
	mgmt = creds_provider_static(key_id, secret, NULL);
	sec = creds_provider_assume_role(
	    client, mgmt, "arn:aws:iam::" SECAC ":role/OrganizationAccountAccessRole",
	    "orgtop-test", NULL, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	creds_provider_free(sec);
	aws_client_free(client);
	creds_provider_free(mgmt);
	while (uv_run(&loop, UV_RUN_DEFAULT) != 0)
		;
	assert_int_equal(uv_loop_close(&loop), 0);
	stop_awsim();
	return 0;
}

/* ---- one request, start to finish ---- */

typedef int (*page_fn)(const cJSON *json, void *acc, char **cause);

struct run {
	page_fn page;
	void *acc;
	int done;
	int decode_failed;
	char *cause;
	enum aws_err err;
	char why[512];
	unsigned pages;
};

static void
decode_page(struct run *run, const struct aws_result *res)
{
	char *cause = NULL;

	if (run->decode_failed)
		return;
	if (run->page(res->json, run->acc, &cause) != 0) {
		run->decode_failed = 1;
		run->cause = cause;
	}
}

static int
page_cb(const struct aws_result *res, void *arg)
{
	decode_page(arg, res);
	return 0;
}

static void
done_cb(const struct aws_result *res, void *arg)
{
	struct run *run = arg;

	run->err = res->err;
	run->pages = res->pages;
	snprintf(run->why, sizeof run->why, "%s: %s", res->code, res->message);
	run->done = 1;
}

static void
call_done_cb(const struct aws_result *res, void *arg)
{
	if (res->err == AWS_OK)
		decode_page(arg, res);
	done_cb(res, arg);
}

/*
 * Sends r (taking it over) in region with creds, through aws_client_paginate()
 * when the operation pages, and decodes every page with page. Returns the
 * number of pages.
 */
static unsigned
run(struct ops_request *r, const char *region, struct creds_provider *creds, const char *account,
    page_fn page, void *acc)
{
	struct run st = {.page = page, .acc = acc};
	struct aws_request req = {0};
	enum aws_service svc;

	assert_non_null(r->op);
	assert_int_equal(endpoint_service_by_name(r->op->service, &svc), 0);
	req.service = svc;
	req.operation = r->op->name;
	req.region = region;
	req.params = r->params;
	req.creds = creds;
	req.account = account;
	if (r->op->token_in != NULL) {
		struct aws_paginate pg = {r->op->token_in, r->op->token_out, 0};

		aws_client_paginate(client, &req, &pg, page_cb, done_cb, &st);
	} else {
		aws_client_call(client, &req, call_done_cb, &st);
	}
	while (!st.done)
		uv_run(&loop, UV_RUN_ONCE);
	if (st.err != AWS_OK)
		fail_msg("%s:%s in %s: %s %s", r->op->service, r->op->name, region ? region : "-",
		         aws_err_name(st.err), st.why);
	if (st.decode_failed)
		fail_msg("%s:%s: decoder refused awsim's answer: %s", r->op->service, r->op->name,
		         st.cause);
	ops_request_done(r);
	return st.pages;
}

static int
has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] != NULL && strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* ---- organizations and account ---- */

static int
p_org(const cJSON *j, void *acc, char **cause)
{
	struct organizations_describe_organization_result r;

	if (organizations_describe_organization_decode(j, &r, cause) != 0)
		return -1;
	assert_string_equal(r.id, "o-smallorg01");
	assert_string_equal(r.master_account_id, MGMT);
	organizations_describe_organization_result_done(&r);
	(*(int *)acc)++;
	return 0;
}

struct names {
	char *v[64];
	size_t n;
};

static void
names_add(struct names *x, const char *s)
{
	assert_true(x->n < 64);
	x->v[x->n++] = xstrdup(s != NULL ? s : "");
}

static void
names_free(struct names *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i]);
	x->n = 0;
}

static int
p_roots(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_roots_result r;

	if (organizations_list_roots_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nroots; i++)
		names_add(acc, r.roots[i].id);
	organizations_list_roots_result_done(&r);
	return 0;
}

static int
p_ous(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_organizational_units_for_parent_result r;

	if (organizations_list_organizational_units_for_parent_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nous; i++)
		names_add(acc, r.ous[i].name);
	organizations_list_organizational_units_for_parent_result_done(&r);
	return 0;
}

/* "id state" per account. */
static int
p_accounts(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_accounts_result r;
	char s[64];

	if (organizations_list_accounts_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.naccounts; i++) {
		snprintf(s, sizeof s, "%s %s", r.accounts[i].id, r.accounts[i].state);
		names_add(acc, s);
	}
	organizations_list_accounts_result_done(&r);
	return 0;
}

static int
p_accounts_for_parent(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_accounts_result r;

	if (organizations_list_accounts_for_parent_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.naccounts; i++)
		names_add(acc, r.accounts[i].id);
	organizations_list_accounts_result_done(&r);
	return 0;
}

static int
p_parents(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_parents_result r;

	if (organizations_list_parents_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nparents; i++) {
		assert_int_equal(r.parents[i].type, ORGANIZATIONS_PARENT_OU);
		names_add(acc, r.parents[i].id);
	}
	organizations_list_parents_result_done(&r);
	return 0;
}

static int
p_delegated(const cJSON *j, void *acc, char **cause)
{
	struct organizations_list_delegated_administrators_result r;

	if (organizations_list_delegated_administrators_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.naccounts; i++)
		names_add(acc, r.accounts[i].id);
	organizations_list_delegated_administrators_result_done(&r);
	return 0;
}

static int
p_regions(const cJSON *j, void *acc, char **cause)
{
	struct awsaccount_list_regions_result r;

	if (awsaccount_list_regions_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nregions; i++) {
		assert_true(r.regions[i].status == AWSACCOUNT_REGION_ENABLED ||
		            r.regions[i].status == AWSACCOUNT_REGION_ENABLED_BY_DEFAULT);
		names_add(acc, r.regions[i].name);
	}
	awsaccount_list_regions_result_done(&r);
	return 0;
}

static void
test_organizations(void **state)
{
	struct ops_request r;
	struct names x = {0};
	int n = 0;
	char root[64];

	(void)state;
	assert_int_equal(organizations_describe_organization_request(&r, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_org, &n);
	assert_int_equal(n, 1);

	assert_int_equal(
	    organizations_list_roots_request(&r, ORGANIZATIONS_MAX_RESULTS, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_roots, &x);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.v[0], "r-sm01");
	snprintf(root, sizeof root, "%s", x.v[0]);
	names_free(&x);

	assert_int_equal(
	    organizations_list_organizational_units_for_parent_request(&r, root, 0, NULL, NULL), 0);
	assert_true(run(&r, NULL, mgmt, MGMT, p_ous, &x) >= 2);
	assert_true(has((const char *const *)x.v, x.n, "Workloads"));
	assert_true(has((const char *const *)x.v, x.n, "Security"));
	assert_true(has((const char *const *)x.v, x.n, "Suspended"));
	names_free(&x);

	/* Six accounts over pages of two; leading zeros kept; State read. */
	assert_int_equal(organizations_list_accounts_request(&r, 0, NULL, NULL), 0);
	assert_true(run(&r, NULL, mgmt, MGMT, p_accounts, &x) >= 3);
	assert_int_equal(x.n, 6);
	assert_true(has((const char *const *)x.v, x.n, MGMT " ACTIVE"));
	assert_true(has((const char *const *)x.v, x.n, DE " ACTIVE"));
	assert_true(has((const char *const *)x.v, x.n, "666666666666 SUSPENDED"));
	names_free(&x);

	assert_int_equal(organizations_list_accounts_for_parent_request(&r, root, 0, NULL, NULL),
	                 0);
	run(&r, NULL, mgmt, MGMT, p_accounts_for_parent, &x);
	assert_true(has((const char *const *)x.v, x.n, MGMT));
	assert_false(has((const char *const *)x.v, x.n, DE));
	names_free(&x);

	assert_int_equal(organizations_list_parents_request(&r, DE, 0, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_parents, &x);
	assert_int_equal(x.n, 1);
	assert_int_equal(strncmp(x.v[0], "ou-", 3), 0);
	names_free(&x);

	assert_int_equal(
	    organizations_list_delegated_administrators_request(&r, NULL, 0, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_delegated, &x);
	assert_true(has((const char *const *)x.v, x.n, SECAC));
	names_free(&x);

	/* The opt-in region enabled for ZA only. */
	assert_int_equal(awsaccount_list_regions_request(&r, ZA, AWSACCOUNT_USABLE,
	                                                 AWSACCOUNT_MAX_RESULTS, NULL, NULL),
	                 0);
	run(&r, NULL, mgmt, MGMT, p_regions, &x);
	assert_true(has((const char *const *)x.v, x.n, "af-south-1"));
	assert_true(has((const char *const *)x.v, x.n, HOME));
	names_free(&x);
	assert_int_equal(
	    awsaccount_list_regions_request(&r, NULL, AWSACCOUNT_USABLE, 0, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_regions, &x);
	assert_false(has((const char *const *)x.v, x.n, "af-south-1"));
	assert_true(has((const char *const *)x.v, x.n, "eu-west-1"));
	names_free(&x);
}

/* ---- config ---- */

static int
p_summary(const cJSON *j, void *acc, char **cause)
{
	return configservice_get_compliance_summary_by_config_rule_decode(j, acc, cause);
}

static int
p_rule_compliance(const cJSON *j, void *acc, char **cause)
{
	struct configservice_describe_compliance_by_config_rule_result r;

	if (configservice_describe_compliance_by_config_rule_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nrules; i++) {
		assert_int_equal(r.rules[i].compliance, CONFIGSERVICE_NON_COMPLIANT);
		names_add(acc, r.rules[i].name);
	}
	configservice_describe_compliance_by_config_rule_result_done(&r);
	return 0;
}

static int
p_rules(const cJSON *j, void *acc, char **cause)
{
	struct configservice_describe_config_rules_result r;

	if (configservice_describe_config_rules_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nrules; i++)
		names_add(acc, r.rules[i].name);
	configservice_describe_config_rules_result_done(&r);
	return 0;
}

static int
p_aggregators(const cJSON *j, void *acc, char **cause)
{
	struct configservice_describe_configuration_aggregators_result r;

	if (configservice_describe_configuration_aggregators_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.naggregators; i++) {
		assert_true(r.aggregators[i].org_source);
		names_add(acc, r.aggregators[i].name);
	}
	configservice_describe_configuration_aggregators_result_done(&r);
	return 0;
}

/* Noncompliant rules of DE in eu-central-1, from the aggregator's rows. */
static int
p_agg_rows(const cJSON *j, void *acc, char **cause)
{
	struct configservice_describe_aggregate_compliance_by_config_rules_result r;

	if (configservice_describe_aggregate_compliance_by_config_rules_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		assert_string_equal(r.rows[i].account_id, DE);
		assert_string_equal(r.rows[i].region, "eu-central-1");
		if (r.rows[i].compliance == CONFIGSERVICE_NON_COMPLIANT)
			(*(int *)acc)++;
	}
	configservice_describe_aggregate_compliance_by_config_rules_result_done(&r);
	return 0;
}

static int
p_agg_summary(const cJSON *j, void *acc, char **cause)
{
	struct configservice_get_aggregate_config_rule_compliance_summary_result r;
	char s[96];

	if (configservice_get_aggregate_config_rule_compliance_summary_decode(j, &r, cause) != 0)
		return -1;
	assert_int_equal(r.group_by, CONFIGSERVICE_GROUP_ACCOUNT_ID);
	for (size_t i = 0; i < r.ngroups; i++) {
		snprintf(s, sizeof s, "%s %u%s/%u", r.groups[i].name,
		         r.groups[i].summary.compliant.count,
		         r.groups[i].summary.compliant.capped ? "+" : "",
		         r.groups[i].summary.noncompliant.count);
		names_add(acc, s);
	}
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&r);
	return 0;
}

static void
test_config(void **state)
{
	struct configservice_get_compliance_summary_by_config_rule_result s = {0};
	struct configservice_aggregate_filter f = {.account_id = DE, .region = "eu-central-1"};
	struct ops_request r;
	struct names x = {0};
	int nc = 0;

	(void)state;
	assert_int_equal(configservice_get_compliance_summary_by_config_rule_request(&r, NULL), 0);
	run(&r, HOME, mgmt, MGMT, p_summary, &s);
	assert_true(s.present);
	assert_int_equal(s.summary.compliant.count, 12);
	assert_int_equal(s.summary.noncompliant.count, 2);

	assert_int_equal(
	    configservice_describe_compliance_by_config_rule_request(
	        &r, NULL, 0, CONFIGSERVICE_BIT(CONFIGSERVICE_NON_COMPLIANT), NULL, NULL),
	    0);
	run(&r, HOME, mgmt, MGMT, p_rule_compliance, &x);
	assert_int_equal(x.n, 2);
	names_free(&x);

	assert_int_equal(configservice_describe_config_rules_request(&r, NULL, 0, NULL, NULL), 0);
	run(&r, HOME, mgmt, MGMT, p_rules, &x);
	assert_int_equal(x.n, 14);
	names_free(&x);

	/* The organization's aggregator, in the delegated administrator's home region. */
	assert_int_equal(
	    configservice_describe_configuration_aggregators_request(&r, NULL, 0, 0, NULL, NULL),
	    0);
	run(&r, HOME, sec, SECAC, p_aggregators, &x);
	assert_int_equal(x.n, 1);
	assert_int_equal(configservice_describe_aggregate_compliance_by_config_rules_request(
	                     &r, x.v[0], &f, 0, NULL, NULL),
	                 0);
	run(&r, HOME, sec, SECAC, p_agg_rows, &nc);
	assert_int_equal(nc, 3);
	{
		struct names g = {0};

		assert_int_equal(configservice_get_aggregate_config_rule_compliance_summary_request(
		                     &r, x.v[0], CONFIGSERVICE_GROUP_ACCOUNT_ID, NULL,
		                     "eu-central-1", 0, NULL, NULL),
		                 0);
		run(&r, HOME, sec, SECAC, p_agg_summary, &g);
		assert_true(has((const char *const *)g.v, g.n, DE " 25+/3")); /* 30, capped at 25 */
		names_free(&g);
	}
	names_free(&x);
}

/* ---- guardduty ---- */

static int
p_detectors(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_list_detectors_result r;

	if (guardduty_list_detectors_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.ndetector_ids; i++)
		names_add(acc, r.detector_ids[i]);
	guardduty_list_detectors_result_done(&r);
	return 0;
}

static int
p_detector(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_get_detector_result r;

	if (guardduty_get_detector_decode(j, &r, cause) != 0)
		return -1;
	*(int *)acc = r.status;
	guardduty_get_detector_result_done(&r);
	return 0;
}

static int
p_stats(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_get_findings_statistics_result *out = acc;

	guardduty_get_findings_statistics_result_done(out);
	return guardduty_get_findings_statistics_decode(j, out, cause);
}

static int
p_finding_ids(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_list_findings_result r;

	if (guardduty_list_findings_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nfinding_ids; i++)
		names_add(acc, r.finding_ids[i]);
	guardduty_list_findings_result_done(&r);
	return 0;
}

static int
p_findings(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_get_findings_result r;
	char s[160];

	if (guardduty_get_findings_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nfindings; i++) {
		assert_true(r.findings[i].updated_at > 0);
		snprintf(s, sizeof s, "%.1f %s", r.findings[i].severity,
		         r.findings[i].title != NULL ? r.findings[i].title : "");
		names_add(acc, s);
	}
	guardduty_get_findings_result_done(&r);
	return 0;
}

static int
p_members(const cJSON *j, void *acc, char **cause)
{
	struct guardduty_list_members_result r;

	if (guardduty_list_members_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nmembers; i++)
		names_add(acc, r.members[i].account_id);
	guardduty_list_members_result_done(&r);
	return 0;
}

static void
test_guardduty(void **state)
{
	static const char *const me[] = {SECAC};
	struct guardduty_criteria own = {.not_archived = 1,
	                                 .account_ids = me,
	                                 .naccount_ids = 1,
	                                 .severity_min = -1,
	                                 .severity_below = -1};
	struct guardduty_get_findings_statistics_result st = {0};
	struct ops_request r;
	struct names det = {0}, ids = {0}, x = {0};
	int status = 0;

	(void)state;
	assert_int_equal(guardduty_list_detectors_request(&r, GUARDDUTY_MAX_RESULTS, NULL, NULL),
	                 0);
	run(&r, HOME, sec, SECAC, p_detectors, &det);
	assert_int_equal(det.n, 1);

	assert_int_equal(guardduty_get_detector_request(&r, det.v[0], NULL), 0);
	run(&r, HOME, sec, SECAC, p_detector, &status);
	assert_int_equal(status, GUARDDUTY_DETECTOR_ENABLED);

	/* Its own findings: 8.0 and 2.0; the archived 5.5 is not counted. */
	assert_int_equal(guardduty_get_findings_statistics_request(&r, det.v[0], &own, NULL), 0);
	run(&r, HOME, sec, SECAC, p_stats, &st);
	assert_int_equal(st.have & GUARDDUTY_HAVE_BANDS, GUARDDUTY_HAVE_BANDS);
	assert_int_equal(st.bands[GUARDDUTY_LOW], 1);
	assert_int_equal(st.bands[GUARDDUTY_MEDIUM], 0);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 1);
	assert_int_equal(st.bands[GUARDDUTY_CRITICAL], 0);
	assert_true(st.max_severity == 8.0);
	guardduty_get_findings_statistics_result_done(&st);

	assert_int_equal(guardduty_get_findings_statistics_grouped_request(
	                     &r, det.v[0], GUARDDUTY_GROUP_SEVERITY, 0, &own, NULL),
	                 0);
	run(&r, HOME, sec, SECAC, p_stats, &st);
	assert_int_equal(st.bands[GUARDDUTY_HIGH], 1);
	assert_int_equal(st.bands[GUARDDUTY_LOW], 1);
	guardduty_get_findings_statistics_result_done(&st);

	own.naccount_ids = 0;
	assert_int_equal(
	    guardduty_get_findings_statistics_grouped_request(
	        &r, det.v[0], GUARDDUTY_GROUP_ACCOUNT, GUARDDUTY_STATS_MAX_RESULTS, &own, NULL),
	    0);
	run(&r, HOME, sec, SECAC, p_stats, &st);
	assert_int_equal(st.have & GUARDDUTY_HAVE_ACCOUNTS, GUARDDUTY_HAVE_ACCOUNTS);
	for (size_t i = 0; i < st.naccounts; i++) {
		if (strcmp(st.accounts[i].account_id, SECAC) == 0)
			assert_int_equal(st.accounts[i].total, 2);
	}
	guardduty_get_findings_statistics_result_done(&st);

	/* The top findings, highest first. */
	own.naccount_ids = 1;
	assert_int_equal(guardduty_list_findings_request(&r, det.v[0], &own, 0, NULL, NULL), 0);
	run(&r, HOME, sec, SECAC, p_finding_ids, &ids);
	assert_int_equal(ids.n, 2);
	assert_int_equal(
	    guardduty_get_findings_request(&r, det.v[0], (const char *const *)ids.v, ids.n, NULL),
	    0);
	run(&r, HOME, sec, SECAC, p_findings, &x);
	assert_true(has((const char *const *)x.v, x.n, "8.0 Instance is querying a C&C server"));
	assert_true(has((const char *const *)x.v, x.n, "2.0 Port probe"));
	names_free(&x);

	assert_int_equal(guardduty_list_members_request(&r, det.v[0], 1, 0, NULL, NULL), 0);
	run(&r, HOME, sec, SECAC, p_members, &x);
	assert_true(has((const char *const *)x.v, x.n, MGMT));
	assert_false(has((const char *const *)x.v, x.n, SECAC));
	names_free(&x);
	names_free(&ids);
	names_free(&det);
}

/* ---- budgets and cost ---- */

static int
p_budgets(const cJSON *j, void *acc, char **cause)
{
	struct budgets_describe_budgets_result r;

	if (budgets_describe_budgets_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nbudgets; i++) {
		const struct budgets_budget *b = &r.budgets[i];

		assert_string_equal(b->name, "monthly");
		assert_true(b->limit.amount == 1000.0);
		assert_true(b->actual.amount == 604.456);
		assert_true(b->forecast.present && b->forecast.amount == 1210.9);
		assert_string_equal(b->limit.unit, "USD");
		(*(int *)acc)++;
	}
	budgets_describe_budgets_result_done(&r);
	return 0;
}

static int
p_cost(const cJSON *j, void *acc, char **cause)
{
	struct ce_get_cost_and_usage_result r;
	double *spend = acc;

	if (ce_get_cost_and_usage_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		if (strcmp(r.rows[i].account, DE) == 0 &&
		    strcmp(r.rows[i].region, "eu-central-1") == 0)
			spend[0] += r.rows[i].amount;
		if (strcmp(r.rows[i].account, ZA) == 0 &&
		    strcmp(r.rows[i].region, "af-south-1") == 0)
			spend[1] += r.rows[i].amount;
	}
	ce_get_cost_and_usage_result_done(&r);
	return 0;
}

static void
test_budgets_and_cost(void **state)
{
	struct ops_request r;
	char start[11], end[11];
	double spend[2] = {0, 0};
	int n = 0;

	(void)state;
	assert_int_equal(
	    budgets_describe_budgets_request(&r, MGMT, BUDGETS_MAX_RESULTS, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_budgets, &n);
	assert_int_equal(n, 1);

	/* Month to date: awsim accrues the month's spend day by day, so some of it. */
	ce_month_to_date(time(NULL), start, end);
	assert_int_equal(ce_get_cost_and_usage_request(&r, start, end, NULL, NULL), 0);
	run(&r, NULL, mgmt, MGMT, p_cost, spend);
	assert_true(spend[0] > 0 && spend[0] <= 4400.25 + 0.01);
	assert_true(spend[1] > 0 && spend[1] <= 12.5 + 0.01);
}

/* ---- identity center ---- */

struct sso_walk {
	char instance[256], store[64];
	struct names psets;
};

static int
p_instances(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_list_instances_result r;
	struct sso_walk *w = acc;

	if (ssoadmin_list_instances_decode(j, &r, cause) != 0)
		return -1;
	if (r.ninstances > 0) {
		snprintf(w->instance, sizeof w->instance, "%s", r.instances[0].arn);
		snprintf(w->store, sizeof w->store, "%s", r.instances[0].identity_store_id);
	}
	ssoadmin_list_instances_result_done(&r);
	return 0;
}

static int
p_psets(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_list_permission_sets_result r;

	if (ssoadmin_list_permission_sets_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.narns; i++)
		names_add(acc, r.arns[i]);
	ssoadmin_list_permission_sets_result_done(&r);
	return 0;
}

static int
p_pset(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_describe_permission_set_result r;

	if (ssoadmin_describe_permission_set_decode(j, &r, cause) != 0)
		return -1;
	names_add(acc, r.name);
	ssoadmin_describe_permission_set_result_done(&r);
	return 0;
}

static int
p_provisioned(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_list_accounts_for_provisioned_permission_set_result r;

	if (ssoadmin_list_accounts_for_provisioned_permission_set_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.naccount_ids; i++)
		names_add(acc, r.account_ids[i]);
	ssoadmin_list_accounts_for_provisioned_permission_set_result_done(&r);
	return 0;
}

/* "USER id" / "GROUP id" */
static int
p_assignments(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_list_account_assignments_result r;
	char s[160];

	if (ssoadmin_list_account_assignments_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nassignments; i++) {
		snprintf(s, sizeof s, "%s %s",
		         r.assignments[i].principal_type == SSOADMIN_PRINCIPAL_USER ? "USER"
		                                                                    : "GROUP",
		         r.assignments[i].principal_id);
		names_add(acc, s);
	}
	ssoadmin_list_account_assignments_result_done(&r);
	return 0;
}

static int
p_user(const cJSON *j, void *acc, char **cause)
{
	struct identitystore_describe_user_result r;

	if (identitystore_describe_user_decode(j, &r, cause) != 0)
		return -1;
	names_add(acc, r.name);
	identitystore_describe_user_result_done(&r);
	return 0;
}

static int
p_group(const cJSON *j, void *acc, char **cause)
{
	struct identitystore_describe_group_result r;

	if (identitystore_describe_group_decode(j, &r, cause) != 0)
		return -1;
	names_add(acc, r.name);
	identitystore_describe_group_result_done(&r);
	return 0;
}

/* "USER <id> <account> <permission set ARN>" per assignment. */
static int
p_for_principal(const cJSON *j, void *acc, char **cause)
{
	struct ssoadmin_list_account_assignments_result r;
	char s[400];

	if (ssoadmin_list_account_assignments_for_principal_decode(j, &r, cause) != 0)
		return -1;
	for (size_t i = 0; i < r.nassignments; i++) {
		snprintf(s, sizeof s, "%s %s %s %s",
		         r.assignments[i].principal_type == SSOADMIN_PRINCIPAL_USER ? "USER" : "GROUP",
		         r.assignments[i].principal_id, r.assignments[i].account_id,
		         r.assignments[i].permission_set_arn);
		names_add(acc, s);
	}
	ssoadmin_list_account_assignments_result_done(&r);
	return 0;
}

/* "<id> <name>" per principal. */
static int
p_principals(const cJSON *j, void *acc, int users, char **cause)
{
	struct identitystore_list_result r;
	char s[300];

	if ((users ? identitystore_list_users_decode(j, &r, cause)
	           : identitystore_list_groups_decode(j, &r, cause)) != 0)
		return -1;
	for (size_t i = 0; i < r.nitems; i++) {
		snprintf(s, sizeof s, "%s %s", r.items[i].id, r.items[i].name);
		names_add(acc, s);
	}
	identitystore_list_result_done(&r);
	return 0;
}

static int
p_users(const cJSON *j, void *acc, char **cause)
{
	return p_principals(j, acc, 1, cause);
}

static int
p_groups(const cJSON *j, void *acc, char **cause)
{
	return p_principals(j, acc, 0, cause);
}

static void
test_identity_center(void **state)
{
	struct sso_walk w = {0};
	struct ops_request r;
	struct names x = {0}, as = {0}, who = {0};
	const char *admin = NULL;

	(void)state;
	assert_int_equal(ssoadmin_list_instances_request(&r, 0, NULL, NULL), 0);
	run(&r, HOME, mgmt, MGMT, p_instances, &w);
	assert_int_equal(strncmp(w.instance, "arn:aws:sso:::instance/", 23), 0);
	assert_true(w.store[0] != '\0');

	assert_int_equal(ssoadmin_list_permission_sets_request(&r, w.instance, 0, NULL, NULL), 0);
	run(&r, HOME, mgmt, MGMT, p_psets, &w.psets);
	assert_int_equal(w.psets.n, 2);
	for (size_t i = 0; i < w.psets.n; i++) {
		assert_int_equal(
		    ssoadmin_describe_permission_set_request(&r, w.instance, w.psets.v[i], NULL),
		    0);
		run(&r, HOME, mgmt, MGMT, p_pset, &x);
		if (strcmp(x.v[x.n - 1], "AdministratorAccess") == 0)
			admin = w.psets.v[i];
	}
	assert_true(has((const char *const *)x.v, x.n, "ReadOnlyAccess"));
	assert_non_null(admin);
	names_free(&x);

	assert_int_equal(ssoadmin_list_accounts_for_provisioned_permission_set_request(
	                     &r, w.instance, admin, 0, 0, NULL, NULL),
	                 0);
	run(&r, HOME, mgmt, MGMT, p_provisioned, &x);
	assert_true(has((const char *const *)x.v, x.n, MGMT));
	names_free(&x);

	assert_int_equal(
	    ssoadmin_list_account_assignments_request(&r, w.instance, MGMT, admin, 0, NULL, NULL),
	    0);
	run(&r, HOME, mgmt, MGMT, p_assignments, &as);
	assert_int_equal(as.n, 2);
	for (size_t i = 0; i < as.n; i++) {
		const char *id = strchr(as.v[i], ' ') + 1;

		if (strncmp(as.v[i], "USER", 4) == 0) {
			assert_int_equal(identitystore_describe_user_request(&r, w.store, id, NULL),
			                 0);
			run(&r, HOME, mgmt, MGMT, p_user, &who);
		} else {
			assert_int_equal(
			    identitystore_describe_group_request(&r, w.store, id, NULL), 0);
			run(&r, HOME, mgmt, MGMT, p_group, &who);
		}
	}
	assert_true(has((const char *const *)who.v, who.n, "alice@corp.example"));
	assert_true(has((const char *const *)who.v, who.n, "Platform Admins"));
	names_free(&who);

	/*
	 * The other way round: every principal of the store (pages of two), then each one's
	 * assignments across the organization hold the management account's two above.
	 */
	{
		struct names users = {0}, groups = {0}, got = {0};
		size_t found = 0;

		assert_int_equal(identitystore_list_users_request(&r, w.store, 0, NULL, NULL), 0);
		run(&r, HOME, mgmt, MGMT, p_users, &users);
		assert_int_equal(identitystore_list_groups_request(&r, w.store, 0, NULL, NULL), 0);
		run(&r, HOME, mgmt, MGMT, p_groups, &groups);
		assert_int_equal(users.n, 1);
		assert_int_equal(groups.n, 2);
		for (int kind = 0; kind < 2; kind++) {
			struct names *list = kind == 0 ? &users : &groups;

			for (size_t i = 0; i < list->n; i++) {
				char id[128];

				snprintf(id, sizeof id, "%.*s", (int)strcspn(list->v[i], " "),
				         list->v[i]);
				assert_int_equal(ssoadmin_list_account_assignments_for_principal_request(
				                     &r, w.instance, id,
				                     kind == 0 ? SSOADMIN_PRINCIPAL_USER
				                               : SSOADMIN_PRINCIPAL_GROUP,
				                     NULL, 0, NULL, NULL),
				                 0);
				run(&r, HOME, mgmt, MGMT, p_for_principal, &got);
			}
		}
		for (size_t i = 0; i < as.n; i++) {
			char want[400];

			snprintf(want, sizeof want, "%s %s %s", as.v[i], MGMT, admin);
			found += has((const char *const *)got.v, got.n, want);
		}
		assert_int_equal(found, as.n);
		names_free(&users);
		names_free(&groups);
		names_free(&got);
	}
	names_free(&as);
	names_free(&w.psets);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_organizations),   cmocka_unit_test(test_config),
	    cmocka_unit_test(test_guardduty),       cmocka_unit_test(test_budgets_and_cost),
	    cmocka_unit_test(test_identity_center),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("services_awsim", tests, setup, teardown);
}
