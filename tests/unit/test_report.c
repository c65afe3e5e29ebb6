/*
 * test_report.c: --once output (json, csv, table), the exit code, and the
 * orgtop/1 reader (core/report.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/report.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define T0 1764324000.0 /* 2025-11-28T10:00:00Z */

static const char *const regions3[] = {"us-east-1", "eu-central-1", "eu-west-1"};

static struct model_budget *
budget(const char *name, double limit, double actual, double forecast, int has_forecast)
{
	struct model_budget *b = xcalloc(1, sizeof *b);

	b->name = xstrdup(name);
	b->limit = limit;
	b->actual = actual;
	b->forecast = forecast;
	b->has_forecast = has_forecast;
	memcpy(b->unit, "USD", 4);
	memcpy(b->time_unit, "MONTHLY", 8);
	return b;
}

/*
 * An organization with every state somewhere: ok, stale, denied (account
 * and region), disabled, region_off, throttled, error with and without a
 * value, loading; budgets with and without forecast; SSO; a suspended
 * account; regions deliberately not in name order.
 */
static struct model *
rich_model(void)
{
	struct model *m = model_new();
	uint32_t b1[4] = {4, 1, 1, 0}, b0[4] = {0, 0, 0, 0}, bc[4] = {0, 2, 0, 1};
	struct model_assignment *as;
	int root, wl, de, a;

	model_set_org(m, "o-abc123", "111111111111");
	assert_int_equal(model_set_regions(m, regions3, 3), 0);
	root = model_ou_upsert(m, "r-ab12", "Root", -1);
	wl = model_ou_upsert(m, "ou-ab12-11111111", "Workloads", root);
	de = model_ou_upsert(m, "ou-ab12-33333333", "DE", wl);

	/* The management account: everything ok. */
	a = model_account_upsert(m, "111111111111", "hq-management", "root@corp.example",
	    "ACTIVE", root, 1.5e9);
	model_set_access(m, a, NULL, T0);
	model_set_budgets(m, a, budget("monthly", 1000, 532.1, 980, 1), 1, T0);
	as = xcalloc(2, sizeof *as);
	as[0] = (struct model_assignment){model_intern(m, "AdministratorAccess"), MP_GROUP,
	    model_intern(m, "Platform Admins"), model_intern(m, "g-1")};
	as[1] = (struct model_assignment){model_intern(m, "ReadOnlyAccess"), MP_USER,
	    model_intern(m, "alice@corp.example"), model_intern(m, "u-1")};
	model_set_sso(m, a, as, 2, T0);
	for (size_t r = 0; r < 3; r++) {
		model_set_config(m, a, r, 41, r == 1 ? 3 : 0, 0, T0);
		model_set_guardduty(m, a, r, r == 1 ? b1 : b0, r == 1 ? 7.5 : 0, T0);
		model_set_spend(m, a, r, 123.456 * (double)(r + 1), T0);
	}

	/* A workload account: denied region, region off, throttled, errors, stale. */
	a = model_account_upsert(m, "022222222222", "de-payments-prod", "aws+de-pay@corp.example",
	    "ACTIVE", de, 1614848400);
	model_set_access(m, a, "OrganizationAccountAccessRole", T0);
	model_set_budgets(m, a, budget("monthly-total", 1000, 912.4, 1180, 1), 1, T0 - 3600);
	model_set_state(m, a, -1, MI_BUDGET, MS_STALE, NULL, T0);
	model_set_state(m, a, -1, MI_SSO, MS_ERROR, "Identity Center not reachable", T0);
	model_set_state(m, a, 0, MI_CONFIG, MS_DENIED, "explicit deny in a service control policy",
	    T0);
	model_set_state(m, a, 0, MI_GUARDDUTY, MS_DENIED,
	    "explicit deny in a service control policy", T0);
	model_set_config(m, a, 1, 38, 25, 1, T0);
	model_set_guardduty(m, a, 1, bc, 9.1, T0);
	model_set_state(m, a, 2, MI_CONFIG, MS_REGION_OFF, "region not enabled", T0);
	model_set_state(m, a, 2, MI_GUARDDUTY, MS_REGION_OFF, "region not enabled", T0);
	model_set_spend(m, a, 0, 0, T0);
	model_set_spend(m, a, 1, 4400.5, T0 - 60);
	model_set_state(m, a, 1, MI_SPEND, MS_THROTTLED, "Rate exceeded", T0); /* value kept */
	model_set_state(m, a, 2, MI_SPEND, MS_ERROR, "timeout", T0);          /* no value */

	/* Config not enabled; GuardDuty loading; budgets none. */
	a = model_account_upsert(m, "333333333333", "sandbox, \"quoted\"", "sb@corp.example",
	    "ACTIVE", wl, 0);
	model_set_access(m, a, "OrgtopAudit", T0);
	model_set_budgets(m, a, NULL, 0, T0);
	model_set_sso(m, a, NULL, 0, T0);
	model_set_state(m, a, -1, MI_CONFIG, MS_DISABLED, "no Config rules", T0);
	for (size_t r = 0; r < 3; r++)
		model_set_spend(m, a, r, 1.5, T0);

	/* A suspended account. */
	a = model_account_upsert(m, "444444444444", "old-project", "old@corp.example", "SUSPENDED",
	    root, 0);
	model_set_state(m, a, -1, MI_ACCESS, MS_DISABLED, "account SUSPENDED", T0);
	model_set_state(m, a, -1, MI_BUDGET, MS_DISABLED, "account SUSPENDED", T0);
	model_set_state(m, a, -1, MI_SSO, MS_DISABLED, "account SUSPENDED", T0);
	for (int it = MI_CONFIG; it <= MI_SPEND; it++)
		model_set_state(m, a, -1, (enum model_item)it, MS_DISABLED, "account SUSPENDED", T0);

	/* An account whose role can't be assumed, without an OU. */
	a = model_account_upsert(m, "555555555555", "locked", NULL, "ACTIVE", -1, 0);
	model_set_state(m, a, -1, MI_ACCESS, MS_DENIED, "not authorized to perform sts:AssumeRole",
	    T0);
	model_set_state(m, a, -1, MI_BUDGET, MS_DENIED, "not authorized to perform sts:AssumeRole",
	    T0);
	for (int it = MI_CONFIG; it <= MI_GUARDDUTY; it++)
		model_set_state(m, a, -1, (enum model_item)it, MS_DENIED,
		    "not authorized to perform sts:AssumeRole", T0);
	return m;
}

static char *
to_string(const struct model *m, enum report_format fmt, unsigned flags)
{
	struct report_opts o = {.flags = flags, .generated_at = T0};
	struct buf b;
	char *s;

	buf_init(&b);
	report_write_buf(m, fmt, &o, &b);
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[4096];
	size_t n;
	char *s;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) /* lint-ok */
		buf_add(&b, tmp, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static char *
data_path(const char *rel)
{
	const char *root = getenv("ORGTOP_ROOT");

	return xasprintf("%s/tests/data/%s", root != NULL ? root : ".", rel);
}

/* ------------------------------------------------------------------ json */

static void
test_json_contract(void **state)
{
	struct model *m = rich_model();
	char *s = to_string(m, REPORT_JSON, 0);
	cJSON *doc = cJSON_Parse(s), *accs, *acc, *cell, *it;
	const char *prev = "";

	(void)state;
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "schema")->valuestring, "orgtop/1");
	assert_string_equal(cJSON_GetObjectItem(doc, "generated_at")->valuestring,
	    "2025-11-28T10:00:00Z");
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "organization"), "id")->valuestring,
	    "o-abc123");
	assert_string_equal(cJSON_GetObjectItem(doc, "currency")->valuestring, "USD");
	/* Regions sorted by name. */
	it = cJSON_GetObjectItem(doc, "regions");
	assert_int_equal(cJSON_GetArraySize(it), 3);
	assert_string_equal(cJSON_GetArrayItem(it, 0)->valuestring, "eu-central-1");
	assert_string_equal(cJSON_GetArrayItem(it, 2)->valuestring, "us-east-1");
	/* OUs sorted by path, parents by id. */
	it = cJSON_GetObjectItem(doc, "ous");
	assert_int_equal(cJSON_GetArraySize(it), 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(it, 2), "path")->valuestring,
	    "Root/Workloads/DE");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(it, 0), "parent")));
	/* Accounts sorted by id; ids are strings with their zeros. */
	accs = cJSON_GetObjectItem(doc, "accounts");
	assert_int_equal(cJSON_GetArraySize(accs), 5);
	cJSON_ArrayForEach(acc, accs)
	{
		cJSON *id = cJSON_GetObjectItem(acc, "id"), *cells = cJSON_GetObjectItem(acc, "cells");

		assert_true(cJSON_IsString(id));
		assert_int_equal(strlen(id->valuestring), 12);
		assert_true(strcmp(prev, id->valuestring) < 0);
		prev = id->valuestring;
		assert_int_equal(cJSON_GetArraySize(cells), 3); /* every region, every account */
		cJSON_ArrayForEach(cell, cells)
		{
			cJSON *cfg = cJSON_GetObjectItem(cell, "config");
			cJSON *gd = cJSON_GetObjectItem(cell, "guardduty");
			const char *cs = cJSON_GetObjectItem(cfg, "state")->valuestring;
			const char *gs = cJSON_GetObjectItem(gd, "state")->valuestring;
			const char *ss = cJSON_GetObjectItem(cell, "spend_state")->valuestring;
			int cv = !strcmp(cs, "ok") || !strcmp(cs, "stale");
			int gv = !strcmp(gs, "ok") || !strcmp(gs, "stale");
			int sv = !strcmp(ss, "ok") || !strcmp(ss, "stale");

			/* Counts exactly with ok and stale: unknown is never zero. */
			assert_int_equal(cJSON_HasObjectItem(cfg, "compliant"), cv);
			assert_int_equal(cJSON_HasObjectItem(cfg, "noncompliant"), cv);
			assert_int_equal(cJSON_HasObjectItem(gd, "high"), gv);
			assert_int_equal(cJSON_HasObjectItem(gd, "max_severity"), gv);
			assert_int_equal(cJSON_HasObjectItem(cell, "spend"), sv);
			if (!strcmp(cs, "denied") || !strcmp(cs, "disabled") ||
			    !strcmp(cs, "region_off") || !strcmp(cs, "error"))
				assert_true(cJSON_HasObjectItem(cfg, "reason"));
			assert_false(cJSON_HasObjectItem(cfg, "fetched_at"));
		}
	}
	acc = cJSON_GetArrayItem(accs, 0);
	assert_string_equal(cJSON_GetObjectItem(acc, "id")->valuestring, "022222222222");
	assert_string_equal(cJSON_GetObjectItem(acc, "ou_path")->valuestring, "Root/Workloads/DE");
	assert_string_equal(cJSON_GetObjectItem(acc, "joined")->valuestring, "2021-03-04T09:00:00Z");
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(acc, "access"), "role")->valuestring,
	    "OrganizationAccountAccessRole");
	it = cJSON_GetObjectItem(acc, "budget");
	assert_string_equal(cJSON_GetObjectItem(it, "state")->valuestring, "stale");
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(it, "budgets"), 0);
	assert_true(cJSON_GetObjectItem(it, "forecast")->valuedouble == 1180);
	assert_string_equal(cJSON_GetObjectItem(it, "time_unit")->valuestring, "MONTHLY");
	it = cJSON_GetObjectItem(acc, "sso");
	assert_string_equal(cJSON_GetObjectItem(it, "state")->valuestring, "error");
	assert_false(cJSON_HasObjectItem(it, "assignments"));
	cell = cJSON_GetObjectItem(cJSON_GetObjectItem(acc, "cells"), "eu-central-1");
	it = cJSON_GetObjectItem(cell, "config");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "capped")));
	assert_int_equal(cJSON_GetObjectItem(it, "noncompliant")->valueint, 25);
	it = cJSON_GetObjectItem(cell, "guardduty");
	assert_true(cJSON_GetObjectItem(it, "max_severity")->valuedouble == 9.1);
	assert_int_equal(cJSON_GetObjectItem(it, "critical")->valueint, 1);
	/* Throttled with a held value: the plain form says throttled, no number. */
	assert_string_equal(cJSON_GetObjectItem(cell, "spend_state")->valuestring, "throttled");
	assert_false(cJSON_HasObjectItem(cell, "spend"));
	assert_string_equal(cJSON_GetObjectItem(cell, "spend_reason")->valuestring, "Rate exceeded");
	cell = cJSON_GetObjectItem(cJSON_GetObjectItem(acc, "cells"), "us-east-1");
	assert_true(cJSON_GetObjectItem(cell, "spend")->valuedouble == 0); /* a real zero */
	/* Money rounded to cents. */
	acc = cJSON_GetArrayItem(accs, 1);
	cell = cJSON_GetObjectItem(cJSON_GetObjectItem(acc, "cells"), "eu-west-1");
	assert_true(cJSON_GetObjectItem(cell, "spend")->valuedouble == 370.37);
	assert_null(strstr(s, "370.368"));
	assert_false(cJSON_HasObjectItem(cJSON_GetObjectItem(acc, "access"), "role"));
	/* Unknown strings are null, not "". */
	acc = cJSON_GetArrayItem(accs, 4);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(acc, "email")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(acc, "ou_id")));
	assert_false(cJSON_HasObjectItem(acc, "joined"));
	cJSON_Delete(doc);
	free(s);
	model_free(m);
}

static void
assert_round_trip(const struct model *m, unsigned flags)
{
	char *s1 = to_string(m, REPORT_JSON, flags), *s2, *cause = NULL;
	struct model *m2 = model_new();
	int rc;

	rc = report_json_load(m2, s1, strlen(s1), &cause);
	if (rc != 0)
		fail_msg("load failed: %s", cause);
	s2 = to_string(m2, REPORT_JSON, flags);
	if (strcmp(s1, s2) != 0) {
		printf("# first:\n%s\n# second:\n%s\n", s1, s2);
		fail_msg("json -> model -> json differs");
	}
	free(s1);
	free(s2);
	model_free(m2);
}

static void
test_json_round_trip(void **state)
{
	struct model *m = rich_model();

	(void)state;
	assert_round_trip(m, 0);
	assert_round_trip(m, REPORT_CACHE);
	model_free(m);
}

static void
test_json_cache_form(void **state)
{
	struct model *m = rich_model(), *m2 = model_new();
	char *s = to_string(m, REPORT_JSON, REPORT_CACHE), *cause = NULL;
	const struct model_cell *c;
	const struct model_account *acc;
	cJSON *doc = cJSON_Parse(s), *cell;
	int a;

	(void)state;
	assert_non_null(doc);
	cell = cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "accounts"), 0), "cells"),
	    "eu-central-1");
	/* The held value under throttled is kept as stale, with its age. */
	assert_string_equal(cJSON_GetObjectItem(cell, "spend_state")->valuestring, "stale");
	assert_true(cJSON_GetObjectItem(cell, "spend")->valuedouble == 4400.5);
	assert_true(cJSON_GetObjectItem(cell, "spend_fetched_at")->valuedouble == T0 - 60);
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(cell, "config"), "fetched_at")
			->valuedouble == T0);
	assert_non_null(strstr(s, "\"principal_id\":\"g-1\""));
	cJSON_Delete(doc);
	/* Loading it back keeps the ages and the ids. */
	assert_int_equal(report_json_load(m2, s, strlen(s), &cause), 0);
	a = model_account_find(m2, "022222222222");
	c = model_cell(m2, a, model_region_find(m2, "eu-central-1"));
	assert_int_equal(c->spend.st.state, MS_STALE);
	assert_int_equal(c->spend.st.fetched_at, (uint32_t)(T0 - 60));
	assert_string_equal(c->spend.st.reason, "Rate exceeded");
	acc = model_account(m2, model_account_find(m2, "111111111111"));
	assert_string_equal(acc->assignments[0].principal_id, "g-1");
	assert_int_equal(acc->budget.fetched_at, (uint32_t)T0);
	free(s);
	model_free(m);
	model_free(m2);
}

/*
 * Found by fuzz_report_load: a document without generated_at gave items
 * fetched_at 0, which the cache form left out, so the next load gave them
 * the writer's generated_at and the second write differed from the first.
 */
static void
test_json_cache_form_stable_without_times(void **state)
{
	static const char doc[] = "{\"schema\":\"orgtop/1\",\"regions\":[],\"accounts\":[{\"id\":"
				  "\"111111111111\",\"access\":{\"state\":\"ok\",\"role\":\"R\"},"
				  "\"cells\":{}}]}";
	struct model *m = model_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(report_json_load(m, doc, strlen(doc), &cause), 0);
	assert_int_equal(model_account(m, 0)->access.fetched_at, 0);
	assert_round_trip(m, REPORT_CACHE);
	model_free(m);
}

/* The checked-in sample is in canonical form: load + write gives it back byte for byte. */
static void
test_json_golden(void **state)
{
	char *path = data_path("json/sample.json"), *s, *out, *cause = NULL;
	struct model *m = model_new();
	struct report_opts o = {.generated_at = 0};
	struct buf b;
	size_t len;

	(void)state;
	s = read_file(path, &len);
	assert_non_null(s);
	if (report_json_load(m, s, len, &cause) != 0)
		fail_msg("%s: %s", path, cause);
	assert_int_equal(model_naccounts(m), 3);
	assert_int_equal(util_parse_time("2026-11-28T10:00:00Z", &o.generated_at), 0);
	buf_init(&b);
	report_write_buf(m, REPORT_JSON, &o, &b);
	out = buf_detach(&b);
	buf_done(&b);
	if (strcmp(out, s) != 0)
		fail_msg("sample.json is not reproduced:\n%s", out);
	/* Values landed where they belong. */
	{
		int a = model_account_find(m, "222222222222");
		int r = model_region_find(m, "eu-central-1");
		const struct model_account *acc = model_account(m, a);

		assert_string_equal(acc->name, "de-payments-prod");
		assert_int_equal(model_cell(m, a, r)->config.noncompliant, 3);
		assert_int_equal(model_cell(m, a, r)->gd.high, 1);
		assert_true(acc->budgets[0].actual == 532.1);
		assert_string_equal(model_ou(m, acc->ou)->path, "Root/Workloads/EMEA/DE");
	}
	free(out);
	free(s);
	free(path);
	model_free(m);
}

/* Members in any order, unknown fields ignored, whitespace anywhere. */
static void
test_json_load_order_and_unknown(void **state)
{
	static const char doc[] =
	    "  {\"accounts\": [ {\"cells\": {\"us-east-1\": {\"spend_state\": \"loading\", "
	    "\"future_field\": [1, {\"x\": null}], \"guardduty\": {\"state\": \"disabled\", "
	    "\"reason\": \"GuardDuty not enabled\"}, \"config\": {\"noncompliant\": 0, "
	    "\"compliant\": 7, \"state\": \"ok\"}}}, \"ou_id\": \"ou-b\", \"id\": \"000000000007\", "
	    "\"name\": \"caf\\u00e9 \\ud83d\\ude80\"} ],\n"
	    "\"ous\": [{\"id\": \"ou-b\", \"name\": \"B\", \"parent\": \"r-a\"}, {\"id\": \"r-a\", "
	    "\"name\": \"Root\", \"parent\": null}], \"new_top_level\": {\"deep\": [[[]]]},"
	    " \"regions\": [\"us-east-1\"], \"schema\": \"orgtop/1\"}\n\t ";
	struct model *m = model_new();
	const struct model_account *acc;
	char *cause = NULL;

	(void)state;
	if (report_json_load(m, doc, strlen(doc), &cause) != 0)
		fail_msg("%s", cause);
	acc = model_account(m, 0);
	assert_string_equal(acc->id, "000000000007");
	assert_string_equal(acc->name, "caf\xc3\xa9 \xf0\x9f\x9a\x80");
	assert_string_equal(model_ou(m, acc->ou)->path, "Root/B");
	assert_int_equal(model_cell(m, 0, 0)->config.compliant, 7);
	assert_int_equal(model_cell(m, 0, 0)->gd.st.state, MS_DISABLED);
	assert_string_equal(model_cell(m, 0, 0)->gd.st.reason, "GuardDuty not enabled");
	assert_int_equal(model_cell(m, 0, 0)->spend.st.state, MS_LOADING);
	assert_int_equal(acc->access.state, MS_LOADING);
	model_free(m);
}

struct bad_doc {
	const char *doc;
	const char *expect; /* a substring of the cause */
	int rc;
};

#define HEAD "{\"schema\":\"orgtop/1\",\"regions\":[\"us-east-1\"],"
#define CELL_OK                                                                                \
	"{\"config\":{\"state\":\"ok\",\"compliant\":1,\"noncompliant\":0},"                   \
	"\"guardduty\":{\"state\":\"ok\",\"low\":0,\"medium\":0,\"high\":0,\"critical\":0,"    \
	"\"max_severity\":0},\"spend_state\":\"loading\"}"
#define ACC(extra) "\"accounts\":[{\"id\":\"222222222222\"," extra "}]}"

static const struct bad_doc bad_docs[] = {
    {"", "an empty document", -1},
    {"   \n", "an empty document", -1},
    {"[]", "expected an object (line 1, column 1)", -1},
    {"{\"schema\":\"orgtop/1\"", "expected ',' or '}', not", -1},
    {"{\"schema\":\"orgtop/2\",\"regions\":[],\"accounts\":[]}", "newer than this orgtop", -2},
    {"{\"schema\":\"orgtop/x\",\"regions\":[],\"accounts\":[]}", "expected \"orgtop/1\"", -1},
    {"{\"regions\":[],\"accounts\":[]}", "\"schema\" is missing", -1},
    {"{\"schema\":\"orgtop/1\",\"accounts\":[]}", "\"regions\" is missing", -1},
    {"{\"schema\":\"orgtop/1\",\"schema\":\"orgtop/1\"}", "\"schema\" appears twice", -1},
    {HEAD "\"accounts\":[]} x", "unexpected data after the document", -1},
    {"{\"schema\":\"orgtop/1\",\"regions\":[\"US-EAST-1\"],\"accounts\":[]}",
	"regions[0]: \"US-EAST-1\" is not a region name", -1},
    {"{\"schema\":\"orgtop/1\",\"regions\":[\"a-1\",\"a-1\"],\"accounts\":[]}",
	"regions[1]: region a-1 appears twice", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":" CELL_OK "},\"id\":\"1\""), "\"id\" appears twice", -1},
    {HEAD "\"accounts\":[{\"id\":\"22222222222x\",\"cells\":{}}]}",
	"accounts[0]: id: expected a 12-digit account id, got \"22222222222x\"", -1},
    {HEAD "\"accounts\":[{\"id\":222222222222,\"cells\":{}}]}",
	"accounts[0]: id: expected a string", -1},
    {HEAD "\"accounts\":[{\"id\":\"222222222222\",\"cells\":{\"us-east-1\":" CELL_OK "}},"
	  "{\"id\":\"222222222222\",\"cells\":{}}]}",
	"accounts[1] (222222222222): account 222222222222 appears twice", -1},
    {HEAD ACC("\"name\":\"x\""), "\"cells\" is missing", -1},
    {HEAD ACC("\"cells\":{}"), "cells: no entry for region us-east-1", -1},
    {HEAD ACC("\"cells\":{\"eu-west-9\":" CELL_OK "}"),
	"region \"eu-west-9\" is not in \"regions\"", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":" CELL_OK ",\"us-east-1\":" CELL_OK "}"),
	"region us-east-1 appears twice", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"denied\",\"compliant\":0},"
	      "\"guardduty\":{\"state\":\"loading\"},\"spend_state\":\"loading\"}}"),
	"cells.us-east-1.config: compliant: present but the state is denied", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"ok\",\"compliant\":1},"
	      "\"guardduty\":{\"state\":\"loading\"},\"spend_state\":\"loading\"}}"),
	"config: \"noncompliant\" is missing (the state is ok)", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"ok\",\"compliant\":70000,"
	      "\"noncompliant\":0},\"guardduty\":{\"state\":\"loading\"},\"spend_state\":\"loading\"}}"),
	"accounts[0] (222222222222).cells.us-east-1.config: compliant: expected a whole number "
	"from 0 to 65535",
	-1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"ok\",\"compliant\":1.5,"
	      "\"noncompliant\":0},\"guardduty\":{\"state\":\"loading\"},\"spend_state\":\"loading\"}}"),
	"compliant: expected a whole number", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"fine\"},"
	      "\"guardduty\":{\"state\":\"loading\"},\"spend_state\":\"loading\"}}"),
	"state: unknown state \"fine\"", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"loading\"},"
	      "\"spend_state\":\"loading\"}}"),
	"\"guardduty\" is missing", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"loading\"},"
	      "\"guardduty\":{\"state\":\"ok\",\"low\":0,\"medium\":0,\"high\":0,\"critical\":0,"
	      "\"max_severity\":11e9},\"spend_state\":\"loading\"}}"),
	"max_severity: expected a number from 0 to 100", -1},
    {HEAD ACC("\"budget\":{\"state\":\"ok\",\"budgets\":[{\"name\":\"m\",\"limit\":1,"
	      "\"actual\":1}]},\"cells\":{\"us-east-1\":" CELL_OK "}"),
	"budget.budgets[0]: \"unit\" is missing", -1},
    {HEAD ACC("\"sso\":{\"state\":\"ok\",\"assignments\":[{\"permission_set\":\"A\","
	      "\"principal_type\":\"ROBOT\",\"principal\":\"x\"}]},\"cells\":{\"us-east-1\":" CELL_OK
	      "}"),
	"principal_type: expected \"USER\" or \"GROUP\"", -1},
    {HEAD ACC("\"ou_id\":\"ou-none\",\"cells\":{\"us-east-1\":" CELL_OK "}"),
	"ou_id: \"ou-none\" is not in \"ous\"", -1},
    {HEAD "\"ous\":[{\"id\":\"a\",\"name\":\"A\",\"parent\":\"b\"},{\"id\":\"b\",\"name\":\"B\","
	  "\"parent\":\"a\"}],\"accounts\":[]}",
	"makes a cycle", -1},
    {HEAD "\"ous\":[{\"id\":\"a\",\"name\":\"A\",\"parent\":\"zz\"}],\"accounts\":[]}",
	"parent \"zz\" is not in \"ous\"", -1},
    {HEAD ACC("\"name\":\"a\x01\",\"cells\":{}"), "a raw control character (0x01)", -1},
    {HEAD ACC("\"name\":\"a\xff\",\"cells\":{}"), "invalid UTF-8 in a string", -1},
    {HEAD ACC("\"name\":\"\\ud800x\",\"cells\":{}"), "a lone high surrogate", -1},
    {HEAD ACC("\"name\":\"\\udc00\",\"cells\":{}"), "a lone low surrogate", -1},
    {HEAD ACC("\"name\":\"\\q\",\"cells\":{}"), "an unknown escape \\q", -1},
    {HEAD ACC("\"name\":\"abc"), "a string without its closing quote", -1},
    {HEAD ACC("\"joined\":\"yesterday\",\"cells\":{\"us-east-1\":" CELL_OK "}"),
	"joined: expected an ISO 8601 time", -1},
    {HEAD "\"accounts\":[01]}", "expected ',' or ']'", -1},
    {HEAD "\"accounts\":[-]}", "expected a number", -1},
    {HEAD "\"accounts\":[1e999]}", "accounts[0]: expected an object", -1},
    {HEAD ACC("\"cells\":{\"us-east-1\":{\"config\":{\"state\":\"loading\"},"
	      "\"guardduty\":{\"state\":\"loading\"},\"spend\":1e999,\"spend_state\":\"ok\"}}"),
	"cells.us-east-1: spend: expected a number from -1e+15 to 1e+15", -1},
    {HEAD "\"accounts\":[tru]}", "expected a value", -1},
    {HEAD "\"accounts\":[1,]}", "expected a value", -1},
    {HEAD "\"accounts\":{}}", "expected an array of accounts", -1},
    {"{\"schema\":\"orgtop/1\",\"regions\":[],\"accounts\":[],\"currency\":\"U$D\"}",
	"currency: expected a currency code", -1},
    {"{\"schema\":\"orgtop/1\",\"regions\":[],\"accounts\":[],\"organization\":"
     "{\"management_account_id\":\"12\"}}",
	"organization: management_account_id: expected a 12-digit account id", -1},
};

static void
test_json_load_errors(void **state)
{
	struct model *m = rich_model();
	char *before = to_string(m, REPORT_JSON, 0), *after;

	(void)state;
	for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
		char *cause = NULL;
		int rc = report_json_load(m, bad_docs[i].doc, strlen(bad_docs[i].doc), &cause);

		if (rc != bad_docs[i].rc || cause == NULL || strstr(cause, bad_docs[i].expect) == NULL)
			fail_msg("doc %zu: rc %d, cause \"%s\", expected %d and \"%s\"", i, rc,
			    cause ? cause : "(null)", bad_docs[i].rc, bad_docs[i].expect);
		assert_non_null(strstr(cause, "(line "));
		free(cause);
	}
	/* The model is untouched by every failure. */
	after = to_string(m, REPORT_JSON, 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
	model_free(m);
}

static void
test_json_load_deep_and_position(void **state)
{
	struct buf b;
	struct model *m = model_new();
	char *cause = NULL;

	(void)state;
	buf_init(&b);
	buf_adds(&b, HEAD "\"x\":");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, ']');
	buf_adds(&b, ",\"accounts\":[]}");
	assert_int_equal(report_json_load(m, b.data, b.len, &cause), -1);
	assert_non_null(strstr(cause, "nested deeper than 64 levels"));
	free(cause);
	/* Positions count lines and columns (characters, not bytes). */
	buf_reset(&b);
	buf_adds(&b, "{\n\"schema\": \"orgtop/1\",\n\"regions\": [\"\xc3\xa9\"], \"accounts\": []}");
	assert_int_equal(report_json_load(m, b.data, b.len, &cause), -1);
	assert_non_null(strstr(cause, "(line 3, column 13)"));
	free(cause);
	/* Truncated at every byte: always a clear error, never a crash. */
	{
		struct model *r = rich_model();
		char *s = to_string(r, REPORT_JSON, REPORT_CACHE);
		size_t n = strlen(s);

		for (size_t cut = 0; cut < n; cut += 7) {
			cause = NULL;
			assert_int_equal(report_json_load(m, s, cut, &cause), -1);
			assert_non_null(cause);
			free(cause);
		}
		assert_int_equal(report_json_load(m, s, n, &cause), 0);
		free(s);
		model_free(r);
	}
	buf_done(&b);
	model_free(m);
}

/* ------------------------------------------------------------------- CSV */

#define FIELD_MAX 16384

/* Splits one RFC 4180 record at *p (advancing past its CRLF) into fields. */
static size_t
csv_record(const char **p, char fields[][FIELD_MAX], size_t max)
{
	size_t n = 0;
	const char *s = *p;

	for (;;) {
		size_t k = 0;

		assert_true(n < max);
		if (*s == '"') {
			s++;
			for (;;) {
				assert_true(*s != '\0');
				if (*s == '"' && s[1] == '"') {
					fields[n][k++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					fields[n][k++] = *s++;
				}
				assert_true(k < FIELD_MAX - 1);
			}
		} else {
			while (*s != ',' && *s != '\r' && *s != '\0') {
				assert_true(*s != '"' && *s != '\n');
				fields[n][k++] = *s++;
				assert_true(k < FIELD_MAX - 1);
			}
		}
		fields[n++][k] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		assert_true(s[0] == '\r' && s[1] == '\n');
		*p = s + 2;
		return n;
	}
}

static char fields[64][FIELD_MAX];

static void
test_csv(void **state)
{
	struct model *m = rich_model();
	char *s = to_string(m, REPORT_CSV, 0);
	const char *p = s;
	size_t n, rows = 0;

	(void)state;
	n = csv_record(&p, fields, 64);
	assert_int_equal(n, 33);
	assert_string_equal(fields[0], "account_id");
	assert_string_equal(fields[5], "region");
	assert_string_equal(fields[32], "sso_reason");
	while (*p != '\0') {
		assert_int_equal(csv_record(&p, fields, 64), 33);
		rows++;
		if (rows == 1) {
			/* 022222222222 x eu-central-1: capped, stale budget, throttled spend. */
			assert_string_equal(fields[0], "022222222222");
			assert_string_equal(fields[4], "Root/Workloads/DE");
			assert_string_equal(fields[5], "eu-central-1");
			assert_string_equal(fields[6], "ok");
			assert_string_equal(fields[8], "25");
			assert_string_equal(fields[9], "true");
			assert_string_equal(fields[15], "1");
			assert_string_equal(fields[16], "9.1");
			assert_string_equal(fields[18], "throttled");
			assert_string_equal(fields[19], ""); /* unknown is empty, never 0 */
			assert_string_equal(fields[21], "Rate exceeded");
			assert_string_equal(fields[23], "OrganizationAccountAccessRole");
			assert_string_equal(fields[25], "stale");
			assert_string_equal(fields[27], "91.2");
			assert_string_equal(fields[28], "118");
			assert_string_equal(fields[30], "error");
			assert_string_equal(fields[31], "");
		}
		if (rows == 7) {
			assert_string_equal(fields[0], "333333333333");
			assert_string_equal(fields[1], "sandbox, \"quoted\"");
			assert_string_equal(fields[6], "disabled");
			assert_string_equal(fields[7], "");
			assert_string_equal(fields[10], "no Config rules");
			assert_string_equal(fields[26], "0");
			assert_string_equal(fields[31], "0");
		}
	}
	assert_int_equal(rows, 5 * 3);
	free(s);
	model_free(m);
}

static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] < 0xa0))
			return 1;
	}
	return 0;
}

static void
assert_no_ctrl_but_newline(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		assert_true(c >= 0x20 || c == '\n');
		assert_true(c != 0x7f);
		assert_false(c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] < 0xa0);
	}
}

/* Hostile names: the built-in cases plus tests/data/hostile/strings.json when present. */
static struct model *
hostile_model(size_t *count)
{
	static const char *const own[] = {"=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(1)",
	    "a,b", "say \"hi\"", "line1\nline2", "\r\n=evil", " padded ", "\x1b]0;title\x07x",
	    "\xe2\x80\xae\x65vil", "%n%s%x", "\t=tab"};
	char *path = data_path("hostile/strings.json"), *txt;
	cJSON *doc = NULL, *e;
	struct model *m = model_new();
	const char *one[] = {"us-east-1"};
	char id[13];
	size_t n = 0;

	assert_int_equal(model_set_regions(m, one, 1), 0);
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
		snprintf(id, sizeof id, "%012zu", ++n);
		model_account_upsert(m, id, own[i], own[i], "ACTIVE", -1, 0);
	}
	txt = read_file(path, NULL);
	if (txt != NULL)
		doc = cJSON_Parse(txt);
	printf("# hostile corpus: %s\n", doc != NULL ? "tests/data/hostile/strings.json" :
						       "not found; built-in cases only");
	cJSON_ArrayForEach(e, doc)
	{
		cJSON *t = cJSON_GetObjectItem(e, "text");

		if (!cJSON_IsString(t))
			continue;
		snprintf(id, sizeof id, "%012zu", ++n);
		model_account_upsert(m, id, t->valuestring, t->valuestring, "ACTIVE", -1, 0);
	}
	cJSON_Delete(doc);
	free(txt);
	free(path);
	*count = n;
	return m;
}

static void
test_csv_hostile(void **state)
{
	size_t n;
	struct model *m = hostile_model(&n);
	char *s = to_string(m, REPORT_CSV, 0);
	const char *p = s;
	cJSON *doc;

	(void)state;
	csv_record(&p, fields, 64);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(csv_record(&p, fields, 64), 33);
		for (int f = 1; f <= 2; f++) {
			assert_false(has_ctrl(fields[f]));
			assert_true(strchr("=+-@", fields[f][0]) == NULL || fields[f][0] == '\0');
		}
	}
	assert_true(*p == '\0'); /* one record per row: no newline escaped into a field */
	/* The protective quote is there and the text after it is intact. */
	assert_non_null(strstr(s, "'=cmd|' /C calc'!A0"));
	assert_non_null(strstr(s, ",'-2+3,"));
	assert_non_null(strstr(s, "\"say \"\"hi\"\"\""));
	assert_non_null(strstr(s, "\" padded \""));
	/* The same names in JSON: escapes only, and the document parses. */
	free(s);
	s = to_string(m, REPORT_JSON, 0);
	assert_no_ctrl_but_newline(s);
	doc = cJSON_Parse(s);
	assert_non_null(doc);
	cJSON_Delete(doc);
	free(s);
	model_free(m);
}

/* ----------------------------------------------------------------- table */

/* Shows a report in the test log, as TAP comment lines. */
static void
print_comment(const char *s)
{
	const char *nl;

	for (; *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			printf("# %s\n", s);
			return;
		}
		printf("# %.*s\n", (int)(nl - s), s);
	}
}

/* Display columns of the first k bytes of s. */
static int
cols_of(const char *s, size_t k)
{
	char *c = xstrndup(s, k);
	int w = text_width(c);

	free(c);
	return w;
}

/* Every line that shows an account id has it at the same display column. */
static void
assert_ids_aligned(const char *s, const struct model *m)
{
	int col = -1;
	size_t lines = 0;

	s = strstr(s, "OU / account"); /* past the title, which names the management account */
	assert_non_null(s);
	for (size_t a = 0; a < model_naccounts(m); a++) {
		const char *id = model_account(m, a)->id, *hit = strstr(s, id), *bol;
		int c;

		if (hit == NULL)
			continue;
		for (bol = hit; bol > s && bol[-1] != '\n'; bol--)
			;
		c = cols_of(bol, (size_t)(hit - bol));
		if (col < 0)
			col = c;
		assert_int_equal(c, col);
		lines++;
	}
	assert_true(lines > 0);
}

static void
test_table_utf8(void **state)
{
	struct model *m = rich_model();
	int a;
	char *s;

	(void)state;
	a = model_account_upsert(m, "666666666666", "\xe6\x94\xaf\xe6\x89\x95\xe3\x81\x84-prod "
	    "\xf0\x9f\x9a\x80", NULL, "ACTIVE", 0, 0);
	model_set_config(m, a, 0, 1, 0, 0, T0);
	model_account_upsert(m, "777777777777", "e\xcc\x81\xcc\x81\xcc\x81 combining", NULL,
	    "ACTIVE", 0, 0);
	model_account_upsert(m, "888888888888", "a-very-long-account-name-that-goes-on-and-on-forever",
	    NULL, "ACTIVE", 0, 0);
	s = to_string(m, REPORT_TABLE, 0);
	print_comment(s);
	assert_ids_aligned(s, m);
	assert_non_null(strstr(s, "Root/Workloads/DE (1)"));
	assert_non_null(strstr(s, "euc1"));
	assert_non_null(strstr(s, "\xe2\x9c\xb8" "1")); /* critical wins in eu-central-1 */
	assert_non_null(strstr(s, "\xe2\x8a\x98"));    /* denied */
	assert_non_null(strstr(s, "\xe2\x97\x8b"));    /* region off */
	assert_non_null(strstr(s, "91% \xe2\x86\x92" "118%"));
	assert_non_null(strstr(s, "\xe2\x80\xa6")); /* the long name was cut */
	assert_non_null(strstr(s, "(no OU)"));
	for (const char *q = s; *q != '\0'; q++)
		assert_true((unsigned char)*q >= 0x20 || *q == '\n');
	free(s);
	model_free(m);
}

static void
test_table_ascii(void **state)
{
	struct model *m = rich_model();
	char *s;

	(void)state;
	model_account_upsert(m, "666666666666", "\xe6\x94\xaf\xe6\x89\x95\xe3\x81\x84-prod", NULL,
	    "ACTIVE", 0, 0);
	s = to_string(m, REPORT_TABLE, REPORT_ASCII);
	print_comment(s);
	for (const char *q = s; *q != '\0'; q++)
		assert_true((unsigned char)*q < 0x80 && ((unsigned char)*q >= 0x20 || *q == '\n'));
	assert_ids_aligned(s, m);
	assert_non_null(strstr(s, "C1"));       /* critical, ASCII */
	assert_non_null(strstr(s, "# "));       /* denied */
	assert_non_null(strstr(s, "91% ->118%"));
	assert_non_null(strstr(s, "| budget"));
	free(s);
	model_free(m);
}

/* Hostile names in the table: one line per account, ids aligned, nothing for the terminal. */
static void
test_table_hostile(void **state)
{
	size_t n, rows = 0;
	struct model *m = hostile_model(&n);
	char *s;

	(void)state;
	for (int ascii = 0; ascii <= 1; ascii++) {
		s = to_string(m, REPORT_TABLE, ascii ? REPORT_ASCII : 0);
		assert_no_ctrl_but_newline(s);
		assert_ids_aligned(s, m);
		rows = 0;
		for (const char *q = s; q != NULL && *q != '\0'; q = strchr(q, '\n')) {
			if (*q == '\n')
				q++;
			if (strncmp(q, "  ", 2) == 0)
				rows++;
		}
		assert_int_equal(rows, n);
		free(s);
	}
	model_free(m);
}

static void
test_region_abbrev(void **state)
{
	static const char *const cases[][2] = {{"eu-central-1", "euc1"}, {"us-east-1", "use1"},
	    {"ap-northeast-1", "apne1"}, {"ap-southeast-2", "apse2"}, {"sa-east-1", "sae1"},
	    {"us-gov-west-1", "usgw1"}, {"il-central-1", "ilc1"}, {"local", "local"}};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		report_region_abbrev(cases[i][0], out, sizeof out);
		assert_string_equal(out, cases[i][1]);
	}
	report_region_abbrev("ap-southeast-2", out, 3);
	assert_string_equal(out, "ap");
}

/* ------------------------------------------------------ subsets, exit code */

static void
test_subsets(void **state)
{
	struct model *m = rich_model(), *m2 = model_new();
	size_t accs[] = {1, 1, 4}, regs[] = {2};
	struct report_opts o = {.accounts = accs, .naccounts = 3, .regions = regs, .nregions = 1,
	    .generated_at = T0};
	struct buf b;
	char *cause = NULL;
	const char *p;
	size_t rows = 0;

	(void)state;
	buf_init(&b);
	report_write_buf(m, REPORT_JSON, &o, &b);
	assert_int_equal(report_json_load(m2, b.data, b.len, &cause), 0);
	assert_int_equal(model_naccounts(m2), 2);
	assert_int_equal(model_nregions(m2), 1);
	assert_string_equal(model_region(m2, 0), "eu-west-1");
	assert_int_equal(model_nous(m2), 3); /* DE and its ancestors */
	buf_reset(&b);
	report_write_buf(m, REPORT_CSV, &o, &b);
	p = b.data;
	csv_record(&p, fields, 64);
	while (*p != '\0') {
		csv_record(&p, fields, 64);
		assert_string_equal(fields[5], "eu-west-1");
		rows++;
	}
	assert_int_equal(rows, 2);
	buf_done(&b);
	model_free(m);
	model_free(m2);
}

static void
test_exit_code(void **state)
{
	struct model *m = model_new();
	const char *one[] = {"us-east-1"};
	uint32_t b[4] = {0, 0, 0, 0};
	int a;

	(void)state;
	assert_int_equal(report_exit_code(m), 0); /* nothing to collect */
	model_set_regions(m, one, 1);
	a = model_account_upsert(m, "111111111111", "x", NULL, "ACTIVE", -1, 0);
	assert_int_equal(report_exit_code(m), 1); /* loading */
	model_set_access(m, a, NULL, T0);
	model_set_budgets(m, a, NULL, 0, T0);
	model_set_sso(m, a, NULL, 0, T0);
	model_set_config(m, a, 0, 1, 0, 0, T0);
	model_set_guardduty(m, a, 0, b, 0, T0);
	model_set_spend(m, a, 0, 1, T0);
	assert_int_equal(report_exit_code(m), 0);
	model_set_state(m, a, 0, MI_GUARDDUTY, MS_DISABLED, "GuardDuty not enabled", T0);
	model_set_state(m, a, 0, MI_CONFIG, MS_REGION_OFF, "region not enabled", T0);
	assert_int_equal(report_exit_code(m), 0); /* final answers */
	model_set_state(m, a, 0, MI_SPEND, MS_DENIED, "AccessDenied", T0);
	assert_int_equal(report_exit_code(m), 1);
	model_set_spend(m, a, 0, 1, T0);
	model_mark_all_stale(m);
	assert_int_equal(report_exit_code(m), 1); /* stale is not collected */
	model_free(m);
}

static void
test_export(void **state)
{
	struct model *m = rich_model();
	char dir[] = "/tmp/orgtop-report-XXXXXX", *path, *link, *cause = NULL, *s;
	struct stat st;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/view.CSV", dir);
	assert_int_equal(report_export(m, path, NULL, &cause), 0);
	s = read_file(path, &len);
	assert_true(strncmp(s, "account_id,", 11) == 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(s);
	free(path);
	path = xasprintf("%s/view.json", dir);
	assert_int_equal(report_export(m, path, NULL, &cause), 0);
	s = read_file(path, &len);
	assert_true(strncmp(s, "{\"schema\":\"orgtop/1\"", 20) == 0);
	free(s);
	/* A symlink is refused, with the path in the message. */
	link = xasprintf("%s/link.txt", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(report_export(m, link, NULL, &cause), -1);
	assert_non_null(strstr(cause, "link.txt: it is a symbolic link"));
	free(cause);
	unlink(link);
	unlink(path);
	free(path);
	free(link);
	path = xasprintf("%s/no/such/dir/x.txt", dir);
	assert_int_equal(report_export(m, path, NULL, &cause), -1);
	assert_non_null(strstr(cause, "No such file or directory"));
	free(cause);
	free(path);
	rmdir(dir);
	model_free(m);
}

/*
 * Numbers are written and read in the C locale even when LC_NUMERIC says
 * otherwise. Where no comma locale is installed, one is compiled with
 * localedef into a temporary LOCPATH.
 */
static void
test_locale_independent(void **state)
{
	static const char *const locs[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE"};
	char dir[] = "/tmp/orgtop-locale-XXXXXX", tmp[16], *cmd = NULL;
	struct model *m = rich_model();
	const char *got = NULL;
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof locs / sizeof locs[0] && got == NULL; i++)
		got = setlocale(LC_NUMERIC, locs[i]);
	if (got == NULL && mkdtemp(dir) != NULL) {
		cmd = xasprintf("localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
		if (system(cmd) == 0) {
			setenv("LOCPATH", dir, 1);
			got = setlocale(LC_NUMERIC, "de_DE.UTF-8");
		}
	}
	if (got == NULL) {
		printf("# no locale with a decimal comma could be had; checking under C only\n");
	} else {
		snprintf(tmp, sizeof tmp, "%.1f", 1.5);
		printf("# LC_NUMERIC=%s prints 1.5 as %s\n", got, tmp);
		assert_string_equal(tmp, "1,5"); /* the trap is armed */
	}
	s = to_string(m, REPORT_JSON, 0);
	assert_non_null(strstr(s, "\"max_severity\":7.5"));
	assert_non_null(strstr(s, "\"actual\":532.1"));
	assert_null(strstr(s, "7,5"));
	assert_round_trip(m, 0);
	free(s);
	s = to_string(m, REPORT_CSV, 0);
	assert_non_null(strstr(s, ",9.1,"));
	free(s);
	setlocale(LC_NUMERIC, "C");
	unsetenv("LOCPATH");
	if (cmd != NULL) {
		free(cmd);
		cmd = xasprintf("rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	model_free(m);
}

/*
 * Equal documents: the same keys and values, our strings being the truth's
 * after text_clean() (the model keeps names as they are shown).
 */
static int
json_equal(const cJSON *truth, const cJSON *ours, struct buf *where)
{
	size_t mark = where->len;
	int ok = 1;

	if (cJSON_IsNumber(truth) && cJSON_IsNumber(ours))
		return truth->valuedouble == ours->valuedouble;
	if (cJSON_IsString(truth) && cJSON_IsString(ours)) {
		char *c = text_clean(truth->valuestring, 0);

		ok = strcmp(c, ours->valuestring) == 0;
		free(c);
		return ok;
	}
	if ((truth->type & 0xff) != (ours->type & 0xff))
		return 0;
	if (cJSON_IsArray(truth)) {
		if (cJSON_GetArraySize(truth) != cJSON_GetArraySize(ours))
			return 0;
		for (int i = 0; ok && i < cJSON_GetArraySize(truth); i++) {
			buf_printf(where, "[%d]", i);
			ok = json_equal(cJSON_GetArrayItem(truth, i), cJSON_GetArrayItem(ours, i), where);
			if (ok)
				where->data[where->len = mark] = '\0';
		}
		return ok;
	}
	if (cJSON_IsObject(truth)) {
		const cJSON *e;

		if (cJSON_GetArraySize(truth) != cJSON_GetArraySize(ours))
			return 0;
		cJSON_ArrayForEach(e, truth)
		{
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(ours, e->string);

			buf_printf(where, ".%s", e->string);
			if (o == NULL || !json_equal(e, o, where))
				return 0;
			where->data[where->len = mark] = '\0';
		}
		return 1;
	}
	return 1; /* null, true, false of the same type */
}

/*
 * awsim's ground truth (the real binary, when built) goes through the reader
 * and the writer unchanged: the two sides of the contract agree.
 */
static void
test_awsim_truth_round_trip(void **state)
{
	static const char *const args[] = {"", "--accounts 300 --seed 7",
	    "--scenario tests/awsim/scenarios/hostile.json",
	    "--scenario tests/awsim/scenarios/faults.json"};
	const char *build = getenv("ORGTOP_BUILD"), *root = getenv("ORGTOP_ROOT");
	char *awsim;

	(void)state;
	awsim = xasprintf("%s/awsim", build != NULL ? build : "build");
	if (access(awsim, X_OK) != 0) {
		printf("# %s not built; skipped\n", awsim);
		free(awsim);
		return;
	}
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		/* awsim's own leaks (under make asan) are not what this test is about. */
		char *cmd = xasprintf("cd '%s' && ASAN_OPTIONS=detect_leaks=0 '%s' %s --dump-truth",
		    root != NULL ? root : ".", awsim, args[i]);
		FILE *f = popen(cmd, "r");
		struct model *m = model_new();
		struct buf doc, out, where;
		char tmp[65536], *cause = NULL;
		cJSON *a, *b;
		size_t n;

		assert_non_null(f);
		buf_init(&doc);
		buf_init(&out);
		buf_init(&where);
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) /* lint-ok */
			buf_add(&doc, tmp, n);
		assert_int_equal(pclose(f), 0);
		if (report_json_load(m, doc.data, doc.len, &cause) != 0)
			fail_msg("awsim %s: %s", args[i], cause);
		report_write_buf(m, REPORT_JSON, NULL, &out);
		a = cJSON_Parse(doc.data);
		b = cJSON_Parse(out.data);
		assert_non_null(a);
		assert_non_null(b);
		cJSON_DeleteItemFromObject(a, "generated_at");
		cJSON_DeleteItemFromObject(b, "generated_at");
		if (!json_equal(a, b, &where))
			fail_msg("awsim %s: differs at %s", args[i], where.data);
		printf("# awsim %s: %zu accounts x %zu regions read and written back unchanged\n",
		    args[i][0] ? args[i] : "(default)", model_naccounts(m), model_nregions(m));
		cJSON_Delete(a);
		cJSON_Delete(b);
		buf_done(&doc);
		buf_done(&out);
		buf_done(&where);
		model_free(m);
		free(cmd);
	}
	free(awsim);
}

/* The issue 6 size: 5,000 accounts x 17 regions written and read back, timed. */
static void
test_scale_5000_x_17(void **state)
{
	static const char *const r17[] = {"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	    "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
	    "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
	    "us-east-2", "us-west-1", "us-west-2"};
	struct model *m = model_new(), *back = model_new();
	struct report_opts o = {.flags = REPORT_CACHE, .generated_at = T0};
	uint32_t bands[4] = {3, 1, 0, 0};
	struct rusage ru0, ru1;
	struct buf b;
	char id[13], *cause = NULL;
	double t0, t1, t2;

	(void)state;
	assert_int_equal(model_set_regions(m, r17, 17), 0);
	for (int i = 0; i < 5000; i++) {
		int a;

		snprintf(id, sizeof id, "%012d", 300000000 + i);
		a = model_account_upsert(m, id, id, "ops@corp.example", "ACTIVE", -1, 1.6e9);
		model_set_access(m, a, "OrganizationAccountAccessRole", T0);
		model_set_budgets(m, a, budget("monthly", 1000, 500.5, 900, 1), 1, T0);
		for (int r = 0; r < 17; r++) {
			model_set_config(m, a, r, 40, (unsigned)(i + r) % 4, 0, T0);
			model_set_guardduty(m, a, r, bands, 5.5, T0);
			model_set_spend(m, a, r, 12.34, T0);
		}
	}
	buf_init(&b);
	t0 = util_now();
	report_write_buf(m, REPORT_JSON, &o, &b);
	t1 = util_now();
	getrusage(RUSAGE_SELF, &ru0);
	assert_int_equal(report_json_load(back, b.data, b.len, &cause), 0);
	t2 = util_now();
	getrusage(RUSAGE_SELF, &ru1);
	printf("# 5000 x 17 (cache form): %.1f MB of JSON, written in %.0f ms, read in %.0f ms; "
	       "peak RSS %ld -> %ld MB\n",
	    b.len / 1048576.0, (t1 - t0) * 1000, (t2 - t1) * 1000, ru0.ru_maxrss / 1024,
	    ru1.ru_maxrss / 1024);
	assert_int_equal(model_naccounts(back), 5000);
	assert_int_equal(model_cell(back, 4999, 16)->config.noncompliant, (4999 + 16) % 4);
	buf_done(&b);
	model_free(m);
	model_free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_cache_form),
		cmocka_unit_test(test_json_cache_form_stable_without_times),
		cmocka_unit_test(test_json_golden),
		cmocka_unit_test(test_json_load_order_and_unknown),
		cmocka_unit_test(test_json_load_errors),
		cmocka_unit_test(test_json_load_deep_and_position),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_hostile),
		cmocka_unit_test(test_table_utf8),
		cmocka_unit_test(test_table_ascii),
		cmocka_unit_test(test_table_hostile),
		cmocka_unit_test(test_region_abbrev),
		cmocka_unit_test(test_subsets),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_awsim_truth_round_trip),
		cmocka_unit_test(test_scale_5000_x_17),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
