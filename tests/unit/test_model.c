/*
 * test_model.c: the organization matrix (core/model.c).
 */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/model.h"
#include "core/util.h"
#include "core/xmalloc.h"

static const char *const regions3[] = {"eu-central-1", "eu-west-1", "us-east-1"};

static struct model *
mk(void)
{
	struct model *m = model_new();

	assert_int_equal(model_set_regions(m, regions3, 3), 0);
	return m;
}

static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			return 1;
		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] < 0xa0)
			return 1; /* a C1 control */
	}
	return 0;
}

/* The most recent change record. */
static const struct model_change *
last_change(const struct model *m)
{
	size_t n = model_nchanges(m);

	return n ? model_change_at(m, n - 1) : NULL;
}

static void
test_state_names(void **state)
{
	enum model_state st;

	(void)state;
	for (int i = 0; i < MS__COUNT; i++) {
		assert_int_equal(model_state_parse(model_state_name((enum model_state)i), &st), 0);
		assert_int_equal(st, i);
	}
	assert_string_equal(model_state_name(MS_REGION_OFF), "region_off");
	st = MS_OK;
	assert_int_equal(model_state_parse("OK", &st), -1);
	assert_int_equal(model_state_parse("", &st), -1);
	assert_int_equal(model_state_parse(NULL, &st), -1);
	assert_int_equal(st, MS_OK);
}

static void
test_defaults(void **state)
{
	struct model *m = model_new();

	(void)state;
	assert_string_equal(model_org_id(m), "");
	assert_string_equal(model_org_mgmt(m), "");
	assert_string_equal(model_currency(m), "USD");
	assert_int_equal(model_nregions(m), 0);
	assert_int_equal(model_naccounts(m), 0);
	assert_int_equal(model_nous(m), 0);
	assert_int_equal(model_nchanges(m), 0);
	assert_null(model_account(m, 0));
	assert_null(model_cell(m, 0, 0));
	assert_null(model_detail(m, 0));
	model_set_org(m, "o-abc123", "111111111111");
	model_set_currency(m, "EUR");
	assert_string_equal(model_org_id(m), "o-abc123");
	assert_string_equal(model_org_mgmt(m), "111111111111");
	assert_string_equal(model_currency(m), "EUR");
	model_free(m);
	model_free(NULL);
}

static void
test_intern(void **state)
{
	struct model *m = model_new();
	char big[40000];
	char key[32];
	const char *a, *b, *ptrs[5000];

	(void)state;
	a = model_intern(m, "AdministratorAccess");
	b = model_intern(m, "AdministratorAccess");
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, model_intern(m, "ReadOnlyAccess"));
	assert_null(model_intern(m, NULL));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	a = model_intern(m, big);
	assert_string_equal(a, big);
	assert_ptr_equal(a, model_intern(m, big));
	/* Many strings: the table grows and every pointer stays valid. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "principal-%d", i);
		ptrs[i] = model_intern(m, key);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "principal-%d", i);
		assert_string_equal(ptrs[i], key);
		assert_ptr_equal(ptrs[i], model_intern(m, key));
	}
	assert_string_equal(model_intern(m, "AdministratorAccess"), "AdministratorAccess");
	model_free(m);
}

static void
test_regions(void **state)
{
	struct model *m = mk();
	const char *bad1[] = {"eu-west-1", "EU-WEST-2"};
	const char *bad2[] = {"eu-west-1", "eu-west-1"};
	const char *bad3[] = {""};

	(void)state;
	assert_int_equal(model_nregions(m), 3);
	assert_string_equal(model_region(m, 1), "eu-west-1");
	assert_null(model_region(m, 3));
	assert_int_equal(model_region_find(m, "us-east-1"), 2);
	assert_int_equal(model_region_find(m, "mars-1"), -1);
	assert_int_equal(model_set_regions(m, bad1, 2), -1);
	assert_int_equal(model_set_regions(m, bad2, 2), -1);
	assert_int_equal(model_set_regions(m, bad3, 1), -1);
	assert_int_equal(model_nregions(m), 3); /* untouched on failure */
	model_free(m);
}

static void
test_region_change_keeps_cells(void **state)
{
	struct model *m = mk();
	const char *next[] = {"us-east-1", "ap-southeast-2", "eu-west-1"};
	uint32_t bands[4] = {1, 2, 3, 0};
	int a;

	(void)state;
	a = model_account_upsert(m, "222222222222", "acct", "a@x", "ACTIVE", -1, 0);
	model_set_config(m, a, 1, 40, 2, 0, 1000);     /* eu-west-1 */
	model_set_guardduty(m, a, 2, bands, 7.5, 1000); /* us-east-1 */
	model_set_spend(m, a, 0, 12.5, 1000);           /* eu-central-1: dropped */
	model_set_config(m, a, 1, 40, 0, 0, 2000);      /* a flip, logged with region 1 */
	assert_int_equal(last_change(m)->region, 1);
	assert_int_equal(model_set_regions(m, next, 3), 0);
	assert_int_equal(model_nregions(m), 3);
	assert_int_equal(model_cell(m, a, 2)->config.compliant, 40);
	assert_true(model_cell(m, a, 2)->config.st.flags & MF_HAS_VALUE);
	assert_int_equal(model_cell(m, a, 0)->gd.high, 3);
	assert_int_equal(model_cell(m, a, 0)->gd.st.state, MS_OK);
	/* The new region is loading, with nothing in it. */
	assert_int_equal(model_cell(m, a, 1)->config.st.state, MS_LOADING);
	assert_false(model_cell(m, a, 1)->config.st.flags & MF_HAS_VALUE);
	assert_false(model_cell(m, a, 1)->spend.st.flags & MF_HAS_VALUE);
	/* The change record follows its region. */
	assert_int_equal(last_change(m)->region, 2);
	/* Dropping every region, then adding one back. */
	assert_int_equal(model_set_regions(m, NULL, 0), 0);
	assert_null(model_cell(m, a, 0));
	assert_int_equal(last_change(m)->region, -1);
	assert_int_equal(model_set_regions(m, regions3, 3), 0);
	assert_int_equal(model_cell(m, a, 1)->config.st.state, MS_LOADING);
	model_free(m);
}

static void
test_account_upsert_and_find(void **state)
{
	struct model *m = mk();
	const struct model_account *acc;
	int a, b, ou;

	(void)state;
	ou = model_ou_upsert(m, "r-ab12", "Root", -1);
	assert_int_equal(model_account_upsert(m, "12345678901", "x", NULL, NULL, -1, 0), -1);
	assert_int_equal(model_account_upsert(m, "1234567890123", "x", NULL, NULL, -1, 0), -1);
	assert_int_equal(model_account_upsert(m, "12345678901a", "x", NULL, NULL, -1, 0), -1);
	assert_int_equal(model_account_upsert(m, NULL, "x", NULL, NULL, -1, 0), -1);
	a = model_account_upsert(m, "000000000001", "zeros", "z@example.com", "ACTIVE", ou,
	    1614848400);
	assert_true(a >= 0);
	acc = model_account(m, a);
	assert_string_equal(acc->id, "000000000001");
	assert_string_equal(acc->name, "zeros");
	assert_string_equal(acc->email, "z@example.com");
	assert_string_equal(acc->status, "ACTIVE");
	assert_int_equal(acc->ou, ou);
	assert_true(acc->joined == 1614848400);
	assert_null(acc->role);
	/* Unknown is never zero: nothing has a value yet. */
	assert_int_equal(acc->access.state, MS_LOADING);
	assert_int_equal(acc->budget.state, MS_LOADING);
	assert_int_equal(acc->sso.state, MS_LOADING);
	assert_false(acc->budget.flags & MF_HAS_VALUE);
	for (size_t r = 0; r < 3; r++) {
		const struct model_cell *c = model_cell(m, a, r);

		assert_int_equal(c->config.st.state, MS_LOADING);
		assert_int_equal(c->gd.st.state, MS_LOADING);
		assert_int_equal(c->spend.st.state, MS_LOADING);
		assert_false(c->config.st.flags & MF_HAS_VALUE);
		assert_false(c->gd.st.flags & MF_HAS_VALUE);
		assert_false(c->spend.st.flags & MF_HAS_VALUE);
		assert_int_equal(c->config.st.fetched_at, 0);
	}
	assert_int_equal(model_account_find(m, "000000000001"), a);
	assert_int_equal(model_account_find(m, "000000000002"), -1);
	assert_int_equal(model_account_find(m, "1"), -1);
	/* Update: same index, NULL keeps, a new OU out of range means unknown. */
	b = model_account_upsert(m, "000000000001", NULL, NULL, "SUSPENDED", 99, 0);
	assert_int_equal(b, a);
	acc = model_account(m, a);
	assert_string_equal(acc->name, "zeros");
	assert_string_equal(acc->status, "SUSPENDED");
	assert_int_equal(acc->ou, ou);
	assert_int_equal(model_naccounts(m), 1);
	model_free(m);
}

static void
test_hostile_strings_sanitised(void **state)
{
	struct model *m = mk();
	const struct model_account *acc;
	struct model_budget *b = xcalloc(1, sizeof *b);
	struct model_assignment *as = xcalloc(1, sizeof *as);
	int a, ou;

	(void)state;
	ou = model_ou_upsert(m, "r-1", "Ro\x1b]0;pwned\x07ot", -1);
	assert_false(has_ctrl(model_ou(m, ou)->name));
	assert_false(has_ctrl(model_ou(m, ou)->path));
	a = model_account_upsert(m, "222222222222", "evil\x1b]52;c;Zm9v\x07\r\nname\xc2\x9b" "6n",
	    "a\x1b[6n@x", "ACT\nIVE", ou, 0);
	acc = model_account(m, a);
	assert_false(has_ctrl(acc->name));
	assert_false(has_ctrl(acc->email));
	assert_false(has_ctrl(acc->status));
	assert_non_null(strstr(acc->name, "evil"));
	b->name = xstrdup("mon\x1bthly");
	b->limit = 100;
	memcpy(b->unit, "US\x07", 4);
	model_set_budgets(m, a, b, 1, 10);
	assert_false(has_ctrl(acc->budgets[0].name));
	assert_false(has_ctrl(acc->budgets[0].unit));
	as->permission_set = model_intern(m, "Admin\x1b[2J");
	as->principal = model_intern(m, "\xe2\x80\xae" "evil");
	as->principal_id = model_intern(m, "id");
	as->principal_type = MP_USER;
	model_set_sso(m, a, as, 1, 10);
	assert_false(has_ctrl(acc->assignments[0].permission_set));
	assert_null(strstr(acc->assignments[0].principal, "\xe2\x80\xae")); /* no RLO left */
	model_set_state(m, a, 0, MI_CONFIG, MS_ERROR, "bad\x1b[31m\nthing", 10);
	assert_false(has_ctrl(model_cell(m, a, 0)->config.st.reason));
	model_free(m);
}

static void
test_ous(void **state)
{
	struct model *m = model_new();
	int root, wl, emea, de, x;
	char longid[64];

	(void)state;
	root = model_ou_upsert(m, "r-ab12", "Root", -1);
	wl = model_ou_upsert(m, "ou-ab12-11111111", "Workloads", root);
	emea = model_ou_upsert(m, "ou-ab12-22222222", "EMEA", wl);
	de = model_ou_upsert(m, "ou-ab12-33333333", "DE", emea);
	assert_string_equal(model_ou(m, de)->path, "Root/Workloads/EMEA/DE");
	assert_int_equal(model_ou(m, de)->depth, 3);
	assert_int_equal(model_ou(m, root)->depth, 0);
	assert_int_equal(model_ou(m, root)->parent, -1);
	assert_int_equal(model_ou_find(m, "ou-ab12-22222222"), emea);
	assert_int_equal(model_ou_find(m, "ou-nope"), -1);
	/* A rename reaches the children's paths. */
	assert_int_equal(model_ou_upsert(m, "ou-ab12-11111111", "Prod", root), wl);
	assert_string_equal(model_ou(m, de)->path, "Root/Prod/EMEA/DE");
	/* A cycle is refused: the OU becomes a root instead. */
	x = model_ou_upsert(m, "r-ab12", "Root", de);
	assert_int_equal(x, root);
	assert_int_equal(model_ou(m, root)->parent, -1);
	assert_int_equal(model_ou_upsert(m, "ou-self", "Self", 4), 4); /* itself */
	assert_int_equal(model_ou(m, 4)->parent, -1);
	memset(longid, 'o', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	assert_int_equal(model_ou_upsert(m, longid, "x", -1), -1);
	assert_int_equal(model_ou_upsert(m, "", "x", -1), -1);
	assert_int_equal(model_ou_upsert(m, "ou-\x1b[2J", "x", -1), -1); /* ids are never drawn raw */
	assert_int_equal(model_ou_upsert(m, "ou a", "x", -1), -1);
	assert_int_equal(model_nous(m), 5);
	model_free(m);
}

/* 5,000 OUs added parent first cost one path each; a rename reaches the whole subtree. */
static void
test_ous_scale(void **state)
{
	struct model *m = model_new();
	char id[40];
	double t0, t1;

	(void)state;
	t0 = util_now();
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "ou-%d", i);
		assert_int_equal(model_ou_upsert(m, id, id, i == 0 ? -1 : (i - 1) / 4), i);
	}
	t1 = util_now();
	printf("# 5000 OUs in a 4-ary tree: %.1f ms\n", (t1 - t0) * 1000);
	assert_string_equal(model_ou(m, 4999)->path, "ou-0/ou-4/ou-19/ou-77/ou-312/ou-1249/ou-4999");
	assert_int_equal(model_ou(m, 4999)->depth, 6);
	model_ou_upsert(m, "ou-4", "renamed", 0);
	assert_string_equal(model_ou(m, 4999)->path,
	    "ou-0/renamed/ou-19/ou-77/ou-312/ou-1249/ou-4999");
	assert_string_equal(model_ou(m, 4998)->path, "ou-0/renamed/ou-19/ou-77/ou-312/ou-1249/ou-4998");
	assert_string_equal(model_ou(m, 5)->path, "ou-0/ou-1/ou-5"); /* outside the subtree */
	/* A move (new parent) too. */
	model_ou_upsert(m, "ou-312", "ou-312", 1);
	assert_string_equal(model_ou(m, 4999)->path, "ou-0/ou-1/ou-312/ou-1249/ou-4999");
	assert_int_equal(model_ou(m, 4999)->depth, 4);
	assert_true(t1 - t0 < 1.0);
	model_free(m);
}

static void
test_value_setters(void **state)
{
	struct model *m = mk();
	uint32_t bands[4] = {4, 1, 1, 0};
	const struct model_cell *c;
	const struct model_account *acc;
	uint64_t gen;
	int a;

	(void)state;
	a = model_account_upsert(m, "333333333333", "de-payments-prod", "x@y", "ACTIVE", -1, 0);
	gen = model_generation(m);
	model_set_inflight(m, a, 0, MI_CONFIG, 1);
	assert_true(model_cell(m, a, 0)->config.st.flags & MF_INFLIGHT);
	model_set_config(m, a, 0, 41, 3, 0, 1764324000);
	assert_true(model_generation(m) > gen);
	c = model_cell(m, a, 0);
	assert_int_equal(c->config.st.state, MS_OK);
	assert_true(c->config.st.flags & MF_HAS_VALUE);
	assert_false(c->config.st.flags & MF_INFLIGHT);
	assert_false(c->config.st.flags & MF_CHANGED); /* a first value is not a change */
	assert_int_equal(c->config.st.fetched_at, 1764324000u);
	assert_int_equal(c->config.compliant, 41);
	assert_int_equal(c->config.noncompliant, 3);
	model_set_config(m, a, 0, 100000, 3, 0, 1764324000); /* past uint16: capped */
	assert_int_equal(c->config.compliant, 65535);
	assert_true(c->config.st.flags & MF_CAPPED);
	model_set_config(m, a, 0, 25, 25, 1, 1764324000);
	assert_true(c->config.st.flags & MF_CAPPED);
	model_set_config(m, a, 0, 41, 3, 0, 1764324000);
	assert_false(c->config.st.flags & MF_CAPPED);

	model_set_guardduty(m, a, 1, bands, 7.5, 1764324001);
	c = model_cell(m, a, 1);
	assert_int_equal(c->gd.st.state, MS_OK);
	assert_int_equal(c->gd.low, 4);
	assert_int_equal(c->gd.medium, 1);
	assert_int_equal(c->gd.high, 1);
	assert_int_equal(c->gd.critical, 0);
	assert_true(c->gd.max_severity == 7.5f);
	bands[0] = bands[1] = bands[2] = 0;
	model_set_guardduty(m, a, 1, bands, 0, 1764324002);
	assert_true(c->gd.max_severity == 0.0f);
	model_set_guardduty(m, a, 1, bands, -3, 1764324002);
	assert_true(c->gd.max_severity == 0.0f);

	model_set_spend(m, a, 2, 123.45, 1764324003);
	c = model_cell(m, a, 2);
	assert_int_equal(c->spend.st.state, MS_OK);
	assert_true(c->spend.amount == 123.45);
	model_set_spend(m, a, 2, 0.0, 1764324003);
	assert_true(c->spend.st.flags & MF_HAS_VALUE); /* a real zero once CE answered */

	model_set_access(m, a, "OrganizationAccountAccessRole", 5);
	acc = model_account(m, a);
	assert_int_equal(acc->access.state, MS_OK);
	assert_string_equal(acc->role, "OrganizationAccountAccessRole");
	assert_ptr_equal(acc->role, model_intern(m, "OrganizationAccountAccessRole"));
	model_set_access(m, a, NULL, 5);
	assert_null(acc->role);

	/* Out-of-range indices are ignored, never a crash. */
	model_set_config(m, 99, 0, 1, 1, 0, 1);
	model_set_config(m, a, 99, 1, 1, 0, 1);
	model_set_state(m, 99, 0, MI_CONFIG, MS_ERROR, "x", 1);
	model_set_state(m, a, 99, MI_CONFIG, MS_ERROR, "x", 1);
	assert_null(model_status_of(m, a, 99, MI_CONFIG));
	assert_null(model_status_of(m, 99, 0, MI_CONFIG));
	assert_ptr_equal(model_status_of(m, a, 0, MI_CONFIG), &model_cell(m, a, 0)->config.st);
	assert_ptr_equal(model_status_of(m, a, -1, MI_BUDGET), &acc->budget);
	model_free(m);
}

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

static void
test_budgets_and_burn(void **state)
{
	struct model *m = mk();
	struct model_budget *bs = xcalloc(3, sizeof *bs);
	struct model_budget *one;
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "444444444444", "b", NULL, NULL, -1, 0);
	one = budget("zeta", 1000, 532.1, 980, 1);
	bs[0] = *one;
	free(one);
	one = budget("alpha", 0, 10, 0, 0);
	bs[1] = *one;
	free(one);
	one = budget("mid", 200, 250, 0, 0);
	bs[2] = *one;
	free(one);
	model_set_budgets(m, a, bs, 3, 100);
	acc = model_account(m, a);
	assert_int_equal(acc->budget.state, MS_OK);
	assert_int_equal(acc->nbudgets, 3);
	assert_string_equal(acc->budgets[0].name, "alpha"); /* sorted by name */
	assert_string_equal(acc->budgets[1].name, "mid");
	assert_string_equal(acc->budgets[2].name, "zeta");
	/* Burn helpers: -1 when unknown, never 0. */
	assert_true(model_budget_burn(&acc->budgets[0]) == -1); /* no limit */
	assert_true(model_budget_forecast_burn(&acc->budgets[0]) == -1);
	assert_true(model_budget_burn(&acc->budgets[1]) == 125);
	assert_true(model_budget_forecast_burn(&acc->budgets[1]) == -1); /* no forecast */
	assert_true(model_budget_burn(&acc->budgets[2]) > 53.20 &&
	    model_budget_burn(&acc->budgets[2]) < 53.22);
	assert_true(model_budget_forecast_burn(&acc->budgets[2]) == 98);
	assert_true(model_budget_burn(NULL) == -1);
	/* An account without budgets: ok, and an empty list. */
	model_set_budgets(m, a, NULL, 0, 200);
	assert_int_equal(acc->budget.state, MS_OK);
	assert_int_equal(acc->nbudgets, 0);
	assert_true(acc->budget.flags & MF_HAS_VALUE);
	/* Out of range: the array is freed (ownership taken even on error). */
	model_set_budgets(m, 77, budget("x", 1, 1, 1, 1), 1, 1);
	model_free(m);
}

static void
test_sso(void **state)
{
	struct model *m = mk();
	struct model_assignment *as = xcalloc(3, sizeof *as);
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "555555555555", "s", NULL, NULL, -1, 0);
	as[0] = (struct model_assignment){model_intern(m, "ReadOnlyAccess"), MP_GROUP,
	    model_intern(m, "Auditors"), model_intern(m, "g-1")};
	as[1] = (struct model_assignment){model_intern(m, "AdministratorAccess"), MP_USER,
	    model_intern(m, "alice@corp.example"), model_intern(m, "u-1")};
	as[2] = (struct model_assignment){model_intern(m, "AdministratorAccess"), MP_GROUP,
	    model_intern(m, "Platform Admins"), model_intern(m, "g-2")};
	model_set_sso(m, a, as, 3, 50);
	acc = model_account(m, a);
	assert_int_equal(acc->sso.state, MS_OK);
	assert_int_equal(acc->nassignments, 3);
	assert_string_equal(acc->assignments[0].permission_set, "AdministratorAccess");
	assert_int_equal(acc->assignments[0].principal_type, MP_GROUP);
	assert_string_equal(acc->assignments[1].principal, "alice@corp.example");
	assert_string_equal(acc->assignments[2].permission_set, "ReadOnlyAccess");
	assert_ptr_equal(acc->assignments[2].principal, model_intern(m, "Auditors"));
	/* The same set again is not a change; a different one is. */
	as = xcalloc(3, sizeof *as);
	memcpy(as, acc->assignments, 3 * sizeof *as);
	model_set_sso(m, a, as, 3, 60);
	assert_false(acc->sso.flags & MF_CHANGED);
	as = xcalloc(1, sizeof *as);
	as[0] = acc->assignments[0];
	model_set_sso(m, a, as, 1, 70);
	assert_true(acc->sso.flags & MF_CHANGED);
	assert_true(acc->changed & MC_VALUE);
	model_free(m);
}

static void
test_set_state_keeps_value(void **state)
{
	struct model *m = mk();
	const struct model_cell *c;
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "666666666666", "st", NULL, NULL, -1, 0);
	model_set_config(m, a, 0, 10, 2, 0, 1000);
	model_set_state(m, a, 0, MI_CONFIG, MS_THROTTLED, "Rate exceeded", 1100);
	c = model_cell(m, a, 0);
	assert_int_equal(c->config.st.state, MS_THROTTLED);
	assert_true(c->config.st.flags & MF_HAS_VALUE); /* the reader shows it stale */
	assert_int_equal(c->config.noncompliant, 2);
	assert_int_equal(c->config.st.fetched_at, 1000);
	assert_string_equal(c->config.st.reason, "Rate exceeded");
	model_set_state(m, a, 0, MI_CONFIG, MS_ERROR, "timeout", 1200);
	assert_int_equal(c->config.st.state, MS_ERROR);
	assert_int_equal(c->config.noncompliant, 2);
	/* A value clears the reason. */
	model_set_config(m, a, 0, 10, 2, 0, 1300);
	assert_null(c->config.st.reason);
	/* region -1: every region of the account; the reason interned once. */
	model_set_state(m, a, -1, MI_GUARDDUTY, MS_DENIED, "explicit deny in an SCP", 1400);
	for (size_t r = 0; r < 3; r++) {
		assert_int_equal(model_cell(m, a, r)->gd.st.state, MS_DENIED);
		assert_ptr_equal(model_cell(m, a, r)->gd.st.reason, model_cell(m, a, 0)->gd.st.reason);
		assert_false(model_cell(m, a, r)->gd.st.flags & MF_HAS_VALUE);
	}
	/* Stale or ok without a value would be a lie: ignored. */
	model_set_state(m, a, 1, MI_SPEND, MS_STALE, NULL, 1500);
	assert_int_equal(model_cell(m, a, 1)->spend.st.state, MS_LOADING);
	model_set_state(m, a, 1, MI_SPEND, MS_OK, NULL, 1500);
	assert_int_equal(model_cell(m, a, 1)->spend.st.state, MS_LOADING);
	/* Account items. */
	acc = model_account(m, a);
	model_set_state(m, a, -1, MI_ACCESS, MS_DENIED, "not authorized to perform sts:AssumeRole",
	    1600);
	assert_int_equal(acc->access.state, MS_DENIED);
	model_set_state(m, a, -1, MI_BUDGET, MS_DISABLED, "account SUSPENDED", 1600);
	assert_int_equal(acc->budget.state, MS_DISABLED);
	assert_string_equal(acc->budget.reason, "account SUSPENDED");
	/* Inflight on a whole row, and a final state clears it. */
	model_set_inflight(m, a, -1, MI_SPEND, 1);
	for (size_t r = 0; r < 3; r++)
		assert_true(model_cell(m, a, r)->spend.st.flags & MF_INFLIGHT);
	model_set_state(m, a, -1, MI_SPEND, MS_ERROR, "x", 1700);
	assert_false(model_cell(m, a, 2)->spend.st.flags & MF_INFLIGHT);
	model_set_inflight(m, a, 2, MI_SPEND, 1);
	model_set_inflight(m, a, 2, MI_SPEND, 0);
	assert_false(model_cell(m, a, 2)->spend.st.flags & MF_INFLIGHT);
	model_free(m);
}

static void
test_mark_all_stale(void **state)
{
	struct model *m = mk();
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "777777777777", "s", NULL, NULL, -1, 0);
	model_set_config(m, a, 0, 1, 0, 0, 1000);
	model_set_state(m, a, 1, MI_CONFIG, MS_DENIED, "no", 1000);
	model_set_budgets(m, a, NULL, 0, 1000);
	model_mark_all_stale(m);
	acc = model_account(m, a);
	assert_int_equal(model_cell(m, a, 0)->config.st.state, MS_STALE);
	assert_int_equal(model_cell(m, a, 0)->config.st.fetched_at, 1000); /* age kept */
	assert_int_equal(model_cell(m, a, 1)->config.st.state, MS_DENIED);
	assert_int_equal(model_cell(m, a, 2)->config.st.state, MS_LOADING);
	assert_int_equal(acc->budget.state, MS_STALE);
	assert_int_equal(acc->sso.state, MS_LOADING);
	/* A fresh value makes it ok again, and is not a change when equal. */
	model_set_config(m, a, 0, 1, 0, 0, 2000);
	assert_int_equal(model_cell(m, a, 0)->config.st.state, MS_OK);
	assert_false(model_cell(m, a, 0)->config.st.flags & MF_CHANGED);
	model_free(m);
}

static void
test_change_detection(void **state)
{
	struct model *m = mk();
	const struct model_cell *c;
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "888888888888", "c", NULL, NULL, -1, 0);
	acc = model_account(m, a);
	c = model_cell(m, a, 0);
	model_set_config(m, a, 0, 10, 2, 0, 1000);
	model_set_spend(m, a, 0, 10.0, 1000);
	assert_int_equal(acc->changed, 0);
	model_set_config(m, a, 0, 10, 2, 0, 1100);
	model_set_spend(m, a, 0, 10.001, 1100);
	assert_int_equal(acc->changed, 0);
	assert_false(c->config.st.flags & MF_CHANGED);
	assert_false(c->spend.st.flags & MF_CHANGED);
	model_set_config(m, a, 0, 9, 3, 0, 1200); /* not a flip: a value change */
	assert_true(c->config.st.flags & MF_CHANGED);
	assert_int_equal(acc->changed, MC_VALUE);
	assert_int_equal(model_nchanges(m), 0);
	model_set_spend(m, a, 0, 11, 1200);
	assert_true(c->spend.st.flags & MF_CHANGED);
	model_clear_changes(m);
	assert_int_equal(acc->changed, 0);
	assert_false(c->config.st.flags & MF_CHANGED);
	assert_false(c->spend.st.flags & MF_CHANGED);
	model_free(m);
}

static void
test_change_log_findings(void **state)
{
	struct model *m = mk();
	uint32_t b0[4] = {1, 0, 0, 0}, b1[4] = {1, 0, 2, 0}, b2[4] = {2, 1, 2, 1};
	uint32_t b3[4] = {0, 0, 0, 0};
	const struct model_change *ch;
	int a;

	(void)state;
	a = model_account_upsert(m, "999999999999", "f", NULL, NULL, -1, 0);
	model_set_guardduty(m, a, 1, b0, 2.0, 1000);
	assert_int_equal(model_nchanges(m), 0);
	model_set_guardduty(m, a, 1, b1, 8.0, 1100);
	ch = last_change(m);
	assert_non_null(ch);
	assert_int_equal(ch->kind, MC_NEW_FINDINGS);
	assert_int_equal(ch->account, a);
	assert_int_equal(ch->region, 1);
	assert_true(ch->at == 1100);
	assert_string_equal(ch->text, "eu-west-1: 2 new high findings");
	assert_true(model_account(m, a)->changed & MC_NEW_FINDINGS);
	assert_true(model_cell(m, a, 1)->gd.st.flags & MF_CHANGED);
	model_set_guardduty(m, a, 1, b2, 9.5, 1200);
	assert_string_equal(last_change(m)->text,
	    "eu-west-1: new findings: 1 critical, 1 medium, 1 low");
	/* Archived findings are a change but not news. */
	model_set_guardduty(m, a, 1, b3, 0, 1300);
	assert_int_equal(model_nchanges(m), 2);
	model_free(m);
}

static void
test_change_log_compliance_flip(void **state)
{
	struct model *m = mk();
	int a;

	(void)state;
	a = model_account_upsert(m, "101010101010", "c", NULL, NULL, -1, 0);
	model_set_config(m, a, 2, 40, 0, 0, 1000);
	model_set_config(m, a, 2, 37, 3, 0, 1100);
	assert_int_equal(last_change(m)->kind, MC_COMPLIANCE_FLIP);
	assert_string_equal(last_change(m)->text, "us-east-1: 3 rules noncompliant (was compliant)");
	model_set_config(m, a, 2, 37, 1, 0, 1150); /* still noncompliant: no record */
	assert_int_equal(model_nchanges(m), 1);
	model_set_config(m, a, 2, 40, 0, 0, 1200);
	assert_string_equal(last_change(m)->text,
	    "us-east-1: compliant again (was 1 rule noncompliant)");
	assert_true(model_account(m, a)->changed & MC_COMPLIANCE_FLIP);
	model_free(m);
}

static void
test_change_log_budget_crossing(void **state)
{
	struct model *m = mk();
	const struct model_account *acc;
	int a;

	(void)state;
	a = model_account_upsert(m, "121212121212", "b", NULL, NULL, -1, 0);
	acc = model_account(m, a);
	model_set_budgets(m, a, budget("monthly", 1000, 500, 700, 1), 1, 1000);
	assert_int_equal(model_nchanges(m), 0);
	/* Forecast crosses 80%. */
	model_set_budgets(m, a, budget("monthly", 1000, 550, 850, 1), 1, 1100);
	assert_int_equal(last_change(m)->kind, MC_BUDGET_80);
	assert_int_equal(last_change(m)->region, -1);
	assert_string_equal(last_change(m)->text,
	    "budget monthly: forecast at 85% of the limit (was below)");
	assert_true(acc->changed & MC_BUDGET_80);
	/* Actual crosses 80%, forecast crosses 100%: the 100% one is told. */
	model_set_budgets(m, a, budget("monthly", 1000, 810, 1020, 1), 1, 1200);
	assert_int_equal(last_change(m)->kind, MC_BUDGET_100);
	assert_string_equal(last_change(m)->text,
	    "budget monthly: forecast at 102% of the limit (was below)");
	/* Actual crosses 100%. */
	model_set_budgets(m, a, budget("monthly", 1000, 1001, 1100, 1), 1, 1300);
	assert_int_equal(last_change(m)->kind, MC_BUDGET_100);
	assert_string_equal(last_change(m)->text,
	    "budget monthly: actual spend at 100% of the limit (was 81%)");
	/* Staying above: no new record. */
	model_set_budgets(m, a, budget("monthly", 1000, 1050, 1150, 1), 1, 1400);
	assert_int_equal(model_nchanges(m), 3);
	/* Custom thresholds. */
	model_set_budget_thresholds(m, 50, 90);
	assert_true(model_budget_warn(m) == 50 && model_budget_crit(m) == 90);
	model_set_budgets(m, a, budget("monthly", 1000, 10, 20, 1), 1, 1500);
	model_set_budgets(m, a, budget("monthly", 1000, 600, 20, 1), 1, 1600);
	assert_int_equal(last_change(m)->kind, MC_BUDGET_80);
	assert_string_equal(last_change(m)->text,
	    "budget monthly: actual spend at 60% of the limit (was 1%)");
	model_free(m);
}

static void
test_change_log_state(void **state)
{
	struct model *m = mk();
	int a;

	(void)state;
	a = model_account_upsert(m, "131313131313", "s", NULL, NULL, -1, 0);
	/* loading -> denied is a first answer, not a change. */
	model_set_state(m, a, 0, MI_GUARDDUTY, MS_DENIED, "SCP", 1000);
	assert_int_equal(model_nchanges(m), 0);
	uint32_t b[4] = {0, 0, 0, 0};
	model_set_guardduty(m, a, 1, b, 0, 1000);
	model_set_state(m, a, 1, MI_GUARDDUTY, MS_THROTTLED, NULL, 1100); /* transient */
	assert_int_equal(model_nchanges(m), 0);
	model_set_state(m, a, 1, MI_GUARDDUTY, MS_DENIED, "explicit deny", 1200);
	assert_int_equal(last_change(m)->kind, MC_STATE);
	assert_string_equal(last_change(m)->text,
	    "eu-west-1 guardduty: denied (was ok): explicit deny");
	assert_true(model_account(m, a)->changed & MC_STATE);
	assert_true(model_cell(m, a, 1)->gd.st.flags & MF_CHANGED);
	model_set_guardduty(m, a, 1, b, 0, 1300);
	assert_string_equal(last_change(m)->text, "eu-west-1 guardduty: ok (was denied)");
	model_set_state(m, a, -1, MI_ACCESS, MS_OK, NULL, 1300);
	model_set_state(m, a, -1, MI_ACCESS, MS_DENIED, "AssumeRole refused", 1400);
	assert_string_equal(last_change(m)->text, "access: denied (was ok): AssumeRole refused");
	model_free(m);
}

static void
test_change_log_capped(void **state)
{
	struct model *m = mk();
	int a;

	(void)state;
	a = model_account_upsert(m, "141414141414", "s", NULL, NULL, -1, 0);
	model_set_config(m, a, 0, 1, 0, 0, 0);
	for (int i = 1; i <= MODEL_CHANGES_MAX + 100; i++)
		model_set_config(m, a, 0, 1, (unsigned)(i % 2), 0, i);
	assert_int_equal(model_nchanges(m), MODEL_CHANGES_MAX);
	assert_true(model_change_at(m, 0)->at == 101);
	assert_true(last_change(m)->at == MODEL_CHANGES_MAX + 100);
	assert_null(model_change_at(m, MODEL_CHANGES_MAX));
	model_free(m);
}

static void
test_prune(void **state)
{
	struct model *m = mk();
	uint32_t b0[4] = {0, 0, 0, 0}, b1[4] = {0, 0, 1, 0};
	char id[13];
	int root, gone_ou, keep_ou, a;

	(void)state;
	root = model_ou_upsert(m, "r-1", "Root", -1);
	gone_ou = model_ou_upsert(m, "ou-gone", "Gone", root);
	keep_ou = model_ou_upsert(m, "ou-keep", "Keep", root);
	model_refresh_begin(m);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%012d", 100000 + i);
		a = model_account_upsert(m, id, id, NULL, "ACTIVE", i % 2 ? gone_ou : keep_ou, 0);
		model_set_guardduty(m, a, 0, b0, 0, 1);
	}
	model_prune(m);
	assert_int_equal(model_naccounts(m), 100);
	assert_int_equal(model_nchanges(m), 0); /* the first walk tells no news */
	/* The second walk sees the even ones only, plus one newcomer. */
	model_refresh_begin(m);
	model_ou_upsert(m, "r-1", "Root", -1);
	model_ou_upsert(m, "ou-keep", "Keep", 0);
	for (int i = 0; i < 100; i += 2) {
		snprintf(id, sizeof id, "%012d", 100000 + i);
		model_account_upsert(m, id, NULL, NULL, NULL, -1, 0);
	}
	a = model_account_upsert(m, "000000000042", "newcomer", NULL, "ACTIVE", 0, 0);
	assert_true(model_account(m, a)->changed & MC_ACCOUNT);
	assert_string_equal(last_change(m)->text, "joined the organization");
	a = model_account_find(m, "000000100098");
	model_set_guardduty(m, a, 0, b1, 7, 2); /* logged with index a before the prune */
	model_prune(m);
	assert_int_equal(model_naccounts(m), 51);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%012d", 100000 + i);
		a = model_account_find(m, id);
		if (i % 2) {
			assert_int_equal(a, -1);
		} else {
			assert_true(a >= 0);
			assert_string_equal(model_account(m, a)->id, id);
		}
	}
	/* 50 "left" records with account -1, and the findings record remapped. */
	assert_int_equal(model_nchanges(m), 52);
	assert_int_equal(last_change(m)->account, -1);
	assert_string_equal(last_change(m)->text, "000000100099 000000100099 left the organization");
	for (size_t i = 0; i < model_nchanges(m); i++) {
		const struct model_change *c = model_change_at(m, i);

		if (c->kind == MC_NEW_FINDINGS)
			assert_string_equal(model_account(m, c->account)->id, "000000100098");
	}
	/* The unused, unseen OU is gone; the others keep their accounts. */
	assert_int_equal(model_ou_find(m, "ou-gone"), -1);
	assert_int_equal(model_nous(m), 2);
	keep_ou = model_ou_find(m, "ou-keep");
	assert_int_equal(model_account(m, model_account_find(m, "000000100000"))->ou, keep_ou);
	assert_string_equal(model_ou(m, keep_ou)->path, "Root/Keep");
	model_free(m);
}

static void
test_details(void **state)
{
	struct model *m = mk();
	struct model_rule *rules = xcalloc(2, sizeof *rules);
	struct model_finding *f = xcalloc(3, sizeof *f);
	const struct model_detail *d;
	const char *next[] = {"eu-west-1"};
	int a;

	(void)state;
	a = model_account_upsert(m, "151515151515", "d", NULL, NULL, -1, 0);
	assert_null(model_detail(m, a));
	model_set_detail_state(m, a, 1, MS_LOADING, NULL, 1);
	d = model_detail(m, a);
	assert_non_null(d);
	assert_int_equal(d->findings_st.state, MS_LOADING);
	rules[0] = (struct model_rule){0, xstrdup("s3-bucket-public-read-prohibited"), 3, 0};
	rules[1] = (struct model_rule){1, xstrdup("required-tags\x1b[0m"), 25, 1};
	model_set_detail_rules(m, a, rules, 2, 10);
	for (int i = 0; i < 3; i++) {
		f[i].id = xasprintf("f%d", i);
		f[i].title = xstrdup("title\r\n");
		f[i].type = xstrdup("Recon:EC2/PortProbeUnprotectedPort");
		f[i].description = NULL;
		f[i].resource = xstrdup("i-0abc12de");
		f[i].severity = i == 1 ? 8.8 : 2.0 + i;
		f[i].region = i;
	}
	model_set_detail_findings(m, a, f, 3, 11);
	d = model_detail(m, a);
	assert_int_equal(d->rules_st.state, MS_OK);
	assert_int_equal(d->nrules, 2);
	assert_false(has_ctrl(d->rules[1].name));
	assert_int_equal(d->findings_st.state, MS_OK);
	assert_false(d->findings_st.flags & MF_INFLIGHT);
	assert_true(d->findings[0].severity == 8.8); /* highest first */
	assert_string_equal(d->findings[0].id, "f1");
	assert_string_equal(d->findings[0].description, "");
	assert_false(has_ctrl(d->findings[0].title));
	model_set_detail_state(m, a, 0, MS_ERROR, "AccessDenied", 12);
	assert_int_equal(d->rules_st.state, MS_ERROR);
	assert_int_equal(d->nrules, 2);
	/* Region indices follow a region-list change. */
	assert_int_equal(model_set_regions(m, next, 1), 0);
	d = model_detail(m, a);
	assert_int_equal(d->rules[0].region, -1);
	assert_int_equal(d->rules[1].region, 0);
	assert_int_equal(d->findings[0].region, 0);
	model_free(m);
}

static void
test_swap(void **state)
{
	struct model *a = mk(), *b = model_new();
	uint64_t ga, gb;

	(void)state;
	model_account_upsert(a, "161616161616", "x", NULL, NULL, -1, 0);
	ga = model_generation(a);
	gb = model_generation(b);
	model_swap(a, b);
	assert_int_equal(model_naccounts(a), 0);
	assert_int_equal(model_naccounts(b), 1);
	assert_int_equal(model_nregions(b), 3);
	assert_true(model_generation(a) > ga && model_generation(a) > gb);
	assert_true(model_generation(a) == model_generation(b));
	assert_int_equal(model_account_find(b, "161616161616"), 0);
	model_free(a);
	model_free(b);
}

static void
test_scale_10000_x_25(void **state)
{
	static const char *const r25[] = {"af-south-1", "ap-east-1", "ap-northeast-1",
	    "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	    "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-central-2", "eu-north-1",
	    "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
	    "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"};
	struct mallinfo2 before, after;
	struct model *m;
	char id[13], name[40];
	uint32_t bands[4] = {3, 2, 1, 0};
	double t0, t1;
	size_t bytes;
	int ou;

	(void)state;
	before = mallinfo2();
	t0 = util_now();
	m = model_new();
	assert_int_equal(model_set_regions(m, r25, 25), 0);
	ou = model_ou_upsert(m, "r-root", "Root", -1);
	model_refresh_begin(m);
	for (int i = 0; i < 10000; i++) {
		struct model_assignment *as = xcalloc(2, sizeof *as);
		int a;

		snprintf(id, sizeof id, "%012d", 200000000 + i * 7);
		snprintf(name, sizeof name, "workload-%05d-prod", i);
		a = model_account_upsert(m, id, name, "ops@corp.example", "ACTIVE", ou, 1.6e9);
		assert_int_equal(a, i);
		model_set_access(m, a, "OrganizationAccountAccessRole", 1.7e9);
		for (int r = 0; r < 25; r++) {
			model_set_config(m, a, r, 40, (unsigned)(i + r) % 3, 0, 1.7e9);
			model_set_guardduty(m, a, r, bands, 7.5, 1.7e9);
			model_set_spend(m, a, r, 12.34, 1.7e9);
		}
		model_set_budgets(m, a, budget("monthly", 1000, 500, 900, 1), 1, 1.7e9);
		as[0] = (struct model_assignment){model_intern(m, "AdministratorAccess"), MP_GROUP,
		    model_intern(m, "Platform Admins"), model_intern(m, "g-1")};
		as[1] = (struct model_assignment){model_intern(m, "ReadOnlyAccess"), MP_GROUP,
		    model_intern(m, "Auditors"), model_intern(m, "g-2")};
		model_set_sso(m, a, as, 2, 1.7e9);
	}
	model_prune(m);
	t1 = util_now();
	after = mallinfo2();
	bytes = after.uordblks + after.hblkhd - before.uordblks - before.hblkhd;
	printf("# model 10000 accounts x 25 regions: %.1f MB (%zu bytes per account, "
	       "%zu per cell), built in %.0f ms\n",
	    bytes / 1048576.0, bytes / 10000, sizeof(struct model_cell), (t1 - t0) * 1000);
	if (getenv("ORGTOP_SANITIZER") == NULL && bytes > 0)
		assert_true(bytes < 40u * 1048576);
	else
		printf("# (the figure is not meaningful under a sanitizer's allocator)\n");
	/* Every lookup by id is O(1) and right. */
	t0 = util_now();
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof id, "%012d", 200000000 + i * 7);
		assert_int_equal(model_account_find(m, id), i);
	}
	t1 = util_now();
	printf("# 10000 lookups by id: %.2f ms\n", (t1 - t0) * 1000);
	assert_int_equal(model_naccounts(m), 10000);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_region_change_keeps_cells),
		cmocka_unit_test(test_account_upsert_and_find),
		cmocka_unit_test(test_hostile_strings_sanitised),
		cmocka_unit_test(test_ous),
		cmocka_unit_test(test_ous_scale),
		cmocka_unit_test(test_value_setters),
		cmocka_unit_test(test_budgets_and_burn),
		cmocka_unit_test(test_sso),
		cmocka_unit_test(test_set_state_keeps_value),
		cmocka_unit_test(test_mark_all_stale),
		cmocka_unit_test(test_change_detection),
		cmocka_unit_test(test_change_log_findings),
		cmocka_unit_test(test_change_log_compliance_flip),
		cmocka_unit_test(test_change_log_budget_crossing),
		cmocka_unit_test(test_change_log_state),
		cmocka_unit_test(test_change_log_capped),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_scale_10000_x_25),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
