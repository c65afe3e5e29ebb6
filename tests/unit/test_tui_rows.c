/*
 * test_tui_rows.c: region short codes, what a cell shows per layer, and the
 * grid's rows: tree order, collapse, roll-ups, filter, sorts, and the cost
 * of a build at 10,000 accounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "core/util.h"
#include "tui/cells.h"
#include "tui/filter.h"
#include "tui/region.h"
#include "tui/rows.h"

static void
test_region_codes(void **state)
{
	static const struct {
		const char *region, *code;
	} cases[] = {
		{ "us-east-1", "use1" },       { "us-east-2", "use2" },     { "us-west-2", "usw2" },
		{ "eu-central-1", "euc1" },    { "eu-west-1", "euw1" },     { "eu-north-1", "eun1" },
		{ "ap-northeast-1", "apne1" }, { "ap-southeast-2", "apse2" }, { "ap-south-1", "aps1" },
		{ "sa-east-1", "sae1" },       { "ca-central-1", "cac1" },  { "me-central-1", "mec1" },
		{ "af-south-1", "afs1" },      { "il-central-1", "ilc1" },  { "us-gov-west-1", "usgw1" },
		{ "cn-northwest-1", "cnnw1" }, { "cn-north-1", "cnn1" },    { "eu-south-2", "eus2" },
		{ "ca-west-1", "caw1" },       { "mx-central-1", "mxc1" },  { "ap-southeast-5", "apse5" },
		{ "us-isob-east-1", "usibe1" }, { "local", "local" },       { "x", "x" },
		{ "eu-west-", "eu-wes" },      { "", "?" },                 { "EU-WEST-1", "EU-WES" },
		{ "a\x1b[31mb", "a[31mb" },
	};
	char out[REGION_CODE_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		region_short(cases[i].region, out, sizeof(out));
		if (strcmp(out, cases[i].code) != 0)
			fprintf(stderr, "%s -> %s, want %s\n", cases[i].region, out, cases[i].code);
		assert_string_equal(out, cases[i].code);
	}
}

static void
test_region_codes_unique(void **state)
{
	const char *regions[] = { "eu-west-1", "eu-wxyz-1", "eu-wabc-1", "us-east-1" };
	char codes[4][REGION_CODE_MAX + 1];

	(void)state;
	region_codes(regions, 4, codes);
	assert_string_equal(codes[0], "euw1");
	assert_string_equal(codes[3], "use1");
	assert_string_not_equal(codes[1], codes[0]);
	assert_string_not_equal(codes[2], codes[0]);
	assert_string_not_equal(codes[2], codes[1]);
}

static struct cell_show
show(enum layer l, const struct model *m, int a, size_t r)
{
	struct agg g;
	struct cell_show s;

	memset(&g, 0, sizeof(g));
	cells_agg_add(&g, model_cell(m, (size_t)a, r));
	cells_show(l, &g, &s);
	return s;
}

static void
test_cells(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct cell_show s;

	(void)state;
	s = show(LAYER_COMPLIANCE, m, o.hq, 0);
	assert_int_equal(s.glyph, G_OK);
	assert_int_equal(s.role, ROLE_OK);
	s = show(LAYER_COMPLIANCE, m, o.sec_tool, 2);
	assert_int_equal(s.glyph, G_NONCOMPLIANT);
	assert_string_equal(s.text, "2");
	assert_int_equal(s.role, ROLE_BAD);
	s = show(LAYER_GUARDDUTY, m, o.sec_tool, 0);
	assert_int_equal(s.glyph, G_MEDIUM);
	assert_string_equal(s.text, "2");
	s = show(LAYER_GUARDDUTY, m, o.de_stage, 2);
	assert_int_equal(s.glyph, G_CRITICAL);
	assert_int_equal(s.role, ROLE_CRITICAL);
	/* overview: the worst of both (critical findings over a noncompliant rule) */
	s = show(LAYER_OVERVIEW, m, o.de_stage, 2);
	assert_int_equal(s.glyph, G_CRITICAL);
	s = show(LAYER_OVERVIEW, m, o.de_prod, 3);
	assert_int_equal(s.glyph, G_HIGH);
	assert_string_equal(s.text, "3");
	/* states without values: a glyph, never a zero */
	s = show(LAYER_OVERVIEW, m, o.de_prod, 0);
	assert_int_equal(s.glyph, G_DENIED);
	assert_string_equal(s.text, "");
	s = show(LAYER_COMPLIANCE, m, o.hq, 5);
	assert_int_equal(s.glyph, G_REGION_OFF);
	s = show(LAYER_OVERVIEW, m, o.sandbox1, 0);
	assert_int_equal(s.glyph, G_LOADING);
	s = show(LAYER_GUARDDUTY, m, o.suspended, 0);
	assert_int_equal(s.glyph, G_DISABLED);
	/* spend: an amount, no glyph */
	s = show(LAYER_SPEND, m, o.de_prod, 3);
	assert_false(s.glyph_too);
	assert_string_equal(s.text, "812");
	/* an error keeps the old value, drawn stale */
	model_set_state(m, (size_t)o.sec_tool, 2, MI_CONFIG, MS_ERROR, "timeout", T_NOW);
	s = show(LAYER_COMPLIANCE, m, o.sec_tool, 2);
	assert_int_equal(s.glyph, G_NONCOMPLIANT);
	assert_int_equal(s.role, ROLE_STALE);
	/* throttled without a value */
	model_set_state(m, (size_t)o.sandbox1, 1, MI_CONFIG, MS_THROTTLED, NULL, T_NOW);
	s = show(LAYER_COMPLIANCE, m, o.sandbox1, 1);
	assert_int_equal(s.glyph, G_THROTTLED);
	/* a changed value is marked */
	{
		uint32_t b[4] = { 0, 0, 1, 0 };
		model_set_guardduty(m, (size_t)o.hq, 1, b, 7.5, T_NOW);
		s = show(LAYER_GUARDDUTY, m, o.hq, 1);
		assert_true(s.changed);
		s = show(LAYER_GUARDDUTY, m, o.hq, 0);
		assert_false(s.changed);
	}
	model_free(m);
}

static void
test_money(void **state)
{
	char b[16];

	(void)state;
	cells_money(0, b, sizeof(b));
	assert_string_equal(b, "0");
	cells_money(812.1, b, sizeof(b));
	assert_string_equal(b, "812");
	cells_money(1234, b, sizeof(b));
	assert_string_equal(b, "1.2k");
	cells_money(41000, b, sizeof(b));
	assert_string_equal(b, "41k");
	cells_money(3.4e6, b, sizeof(b));
	assert_string_equal(b, "3.4M");
	cells_money(2.5e12, b, sizeof(b));
	assert_true(strlen(b) <= 7);
}

/* "O:Root A:hq-management ..." for the rows. Caller frees. */
static char *
describe(const struct rows *r, const struct model *m)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < rows_count(r); i++) {
		const struct row *w = rows_get(r, i);
		if (w->kind == ROW_OU)
			buf_printf(&b, "%s%d%s:%s(%u)", b.len ? " " : "", w->depth,
			    w->collapsed ? "+" : "-", model_ou(m, (size_t)w->index)->name, w->count);
		else
			buf_printf(&b, "%s%d:%s", b.len ? " " : "", w->depth,
			    model_account(m, (size_t)w->index)->name);
	}
	return buf_detach(&b);
}

static void
test_tree(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct rows *r = rows_new();
	char *d;

	(void)state;
	rows_build(r, m, NULL, SORT_TREE, 0);
	d = describe(r, m);
	/* the root's OUs are drawn beside it; EMEA nests under Workloads */
	assert_string_equal(d, "0-:Root(1) 1:hq-management 0-:Sandbox(2) 1:old-one 1:sandbox-1 "
	    "0-:Security(1) 1:security-tooling 0-:Workloads(2) 1-:EMEA(2) 2-:DE(2) "
	    "3:de-payments-prod 3:de-payments-stage");
	free(d);
	assert_int_equal(rows_find_account(r, (size_t)o.de_prod), 10);
	assert_int_equal(rows_find_ou(r, o.emea), 8);
	/* collapse EMEA: its subtree disappears, the roll-up stays */
	rows_set_collapsed(r, m, o.emea, 1);
	rows_build(r, m, NULL, SORT_TREE, 0);
	d = describe(r, m);
	assert_string_equal(d, "0-:Root(1) 1:hq-management 0-:Sandbox(2) 1:old-one 1:sandbox-1 "
	    "0-:Security(1) 1:security-tooling 0-:Workloads(2) 1+:EMEA(2)");
	free(d);
	assert_int_equal(rows_find_account(r, (size_t)o.de_prod), SIZE_MAX);
	/* collapsing the root hides only its own accounts */
	rows_set_collapsed(r, m, o.root, 1);
	rows_build(r, m, NULL, SORT_TREE, 0);
	d = describe(r, m);
	assert_true(strncmp(d, "0+:Root(1) 0-:Sandbox(2)", 24) == 0);
	free(d);
	rows_collapse_all(r, m, 1);
	rows_build(r, m, NULL, SORT_TREE, 0);
	d = describe(r, m);
	assert_string_equal(d, "0+:Root(1) 0+:Sandbox(2) 0+:Security(1) 0+:Workloads(2)");
	free(d);
	rows_collapse_all(r, m, 0);
	rows_build(r, m, NULL, SORT_TREE, 0);
	assert_int_equal(rows_count(r), 12);
	rows_free(r);
	model_free(m);
}

static void
test_rollups(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct rows *r = rows_new();
	struct cell_show s;
	const struct acct_sum *sum;

	(void)state;
	rows_build(r, m, NULL, SORT_TREE, 0);
	/* Workloads rolls up DE: eu-west-1 has stage's critical findings */
	cells_show(LAYER_GUARDDUTY, rows_ou_agg(r, o.workloads, 2), &s);
	assert_int_equal(s.glyph, G_CRITICAL);
	assert_string_equal(s.text, "2");
	cells_show(LAYER_COMPLIANCE, rows_ou_agg(r, o.workloads, 3), &s);
	assert_int_equal(s.glyph, G_NONCOMPLIANT);
	assert_string_equal(s.text, "3");
	cells_show(LAYER_COMPLIANCE, rows_ou_agg(r, o.de, 0), &s);
	assert_int_equal(s.glyph, G_DENIED);
	cells_show(LAYER_SPEND, rows_ou_agg(r, o.emea, 3), &s);
	assert_string_equal(s.text, "817");
	/* totals: spend, budget, SSO */
	sum = rows_ou_sum(r, o.workloads);
	assert_true(sum->known & SUM_BURN);
	assert_true(fabs(sum->b_actual - 1660) < 0.01);
	assert_true(fabs(sum->b_limit - 2000) < 0.01);
	assert_true(fabs(sum->b_forecast - 2120) < 0.01);
	assert_int_equal(sum->sso, 12);
	assert_true(fabs(sum->spend - (910.3 + 10)) < 0.01);
	/* the root's roll-up is its own accounts only */
	assert_int_equal(rows_ou_sum(r, o.root)->sso, 14);
	/* SSO columns by use */
	assert_int_equal(rows_nps(r), 2);
	assert_string_equal(rows_ps(r, 0), "AdministratorAccess");
	assert_int_equal(rows_ou_ps(r, o.workloads, 0), 7);
	/* an account's figures */
	sum = rows_account_sum(r, (size_t)o.de_prod);
	assert_int_equal(sum->nc, 3);
	assert_true(fabs(sum->sev - 8.8) < 0.01);
	assert_true(fabs(sum->b_actual / sum->b_limit - 0.95) < 1e-9);
	assert_true(rows_newest(r) >= T_NOW - 60);
	rows_free(r);
	model_free(m);
}

static void
test_filter_and_sort(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct rows *r = rows_new();
	struct filter *f;
	char *cause = NULL, *d;

	(void)state;
	f = filter_parse("sev>=5", &cause);
	rows_build(r, m, f, SORT_TREE, 0);
	d = describe(r, m);
	/* OUs without a match are hidden while filtering */
	assert_string_equal(d, "0-:Security(1) 1:security-tooling 0-:Workloads(2) 1-:EMEA(2) "
	    "2-:DE(2) 3:de-payments-prod 3:de-payments-stage");
	free(d);
	assert_int_equal(rows_matched(r), 3);
	assert_int_equal(rows_total(r), 6);
	filter_free(f);
	rows_build(r, m, NULL, SORT_SEVERITY, 0);
	d = describe(r, m);
	assert_string_equal(d, "0:de-payments-stage 0:de-payments-prod 0:security-tooling "
	    "0:hq-management 0:old-one 0:sandbox-1");
	free(d);
	rows_build(r, m, NULL, SORT_SEVERITY, 1);
	d = describe(r, m);
	/* reversed: least first, the unknown still last */
	assert_string_equal(d, "0:hq-management 0:security-tooling 0:de-payments-prod "
	    "0:de-payments-stage 0:old-one 0:sandbox-1");
	free(d);
	rows_build(r, m, NULL, SORT_BURN, 0);
	d = describe(r, m);
	assert_true(strncmp(d, "0:de-payments-prod 0:de-payments-stage 0:hq-management", 54) == 0);
	free(d);
	rows_build(r, m, NULL, SORT_SPEND, 0);
	d = describe(r, m);
	assert_true(strncmp(d, "0:de-payments-prod 0:hq-management 0:security-tooling", 53) == 0);
	free(d);
	rows_build(r, m, NULL, SORT_COMPLIANCE, 0);
	d = describe(r, m);
	assert_true(strncmp(d, "0:de-payments-prod 0:security-tooling 0:de-payments-stage "
	    "0:hq-management", 73) == 0);
	free(d);
	rows_build(r, m, NULL, SORT_NAME, 0);
	d = describe(r, m);
	assert_string_equal(d, "0:de-payments-prod 0:de-payments-stage 0:hq-management 0:old-one "
	    "0:sandbox-1 0:security-tooling");
	free(d);
	assert_int_equal(rows_sort_parse("sev"), SORT_SEVERITY);
	assert_int_equal(rows_sort_parse("comp"), SORT_COMPLIANCE);
	assert_int_equal(rows_sort_parse("x"), -1);
	rows_free(r);
	model_free(m);
}

/* A big organization: n accounts in 50 OUs under 5 parents, 17 regions. */
static struct model *
big_org(size_t n)
{
	static const char *const regions[] = { "us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
		"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
		"ap-southeast-2", "sa-east-1" };
	struct model *m = model_new();
	int root, parents[5], ous[50];
	uint32_t bands[4] = { 2, 1, 0, 0 };

	model_set_org(m, "o-big", "100000000000");
	model_set_regions(m, regions, 17);
	root = model_ou_upsert(m, "r-big", "Root", -1);
	for (int i = 0; i < 5; i++) {
		char id[40], name[32];
		snprintf(id, sizeof(id), "ou-big-p%07d", i);
		snprintf(name, sizeof(name), "Division %d", i);
		parents[i] = model_ou_upsert(m, id, name, root);
	}
	for (int i = 0; i < 50; i++) {
		char id[40], name[32];
		snprintf(id, sizeof(id), "ou-big-%08d", i);
		snprintf(name, sizeof(name), "Team %02d", i);
		ous[i] = model_ou_upsert(m, id, name, parents[i % 5]);
	}
	for (size_t a = 0; a < n; a++) {
		char id[16], name[48];
		int idx;
		snprintf(id, sizeof(id), "%012zu", 100000000000 + a * 7919 % 900000000000);
		snprintf(name, sizeof(name), "acct-%05zu-%s", (a * 2654435761u) % 100000,
		    a % 3 ? "prod" : "dev");
		idx = model_account_upsert(m, id, name, "x@example.com", "ACTIVE", ous[a % 50], 0);
		for (size_t r = 0; r < 17; r++) {
			model_set_config(m, (size_t)idx, r, 30, (unsigned)((a + r) % 4), 0, T_NOW);
			model_set_guardduty(m, (size_t)idx, r, bands, (double)((a * r) % 10), T_NOW);
			model_set_spend(m, (size_t)idx, r, (double)(a % 100), T_NOW);
		}
	}
	return m;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
test_big_build(void **state)
{
	struct model *m = big_org(10000);
	struct rows *r = rows_new();
	struct timespec t0;
	double first, again, sorted, filtered;
	struct filter *f;
	char *cause = NULL;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rows_build(r, m, NULL, SORT_TREE, 0);
	first = ms_since(&t0);
	assert_int_equal(rows_count(r), 10000 + 56);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rows_build(r, m, NULL, SORT_TREE, 0);
	again = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rows_build(r, m, NULL, SORT_SEVERITY, 0);
	sorted = ms_since(&t0);
	f = filter_parse("prod sev>=5 region:eu-*", &cause);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rows_build(r, m, f, SORT_TREE, 0);
	filtered = ms_since(&t0);
	printf("# rows build, 10,000 accounts x 17 regions: first %.2f ms, again %.2f ms, "
	    "by severity %.2f ms, filtered %.2f ms\n", first, again, sorted, filtered);
	assert_true(rows_matched(r) > 0 && rows_matched(r) < 10000);
	/* linear, not quadratic: generous bounds that a quadratic build would blow */
	if (getenv("ORGTOP_SANITIZER") == NULL) {
		assert_true(again < 200);
		assert_true(filtered < 300);
	}
	filter_free(f);
	rows_free(r);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_codes),
		cmocka_unit_test(test_region_codes_unique),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_rollups),
		cmocka_unit_test(test_filter_and_sort),
		cmocka_unit_test(test_big_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
