/*
 * test_tui_filter.c: the filter language: parse, errors, matching, regions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "tui/filter.h"

/* The accounts (by id) that f matches, as "id,id,...". Caller frees. */
static char *
matches(struct model *m, const char *expr)
{
	char *cause = NULL;
	struct filter *f = filter_parse(expr, &cause);
	unsigned char mask[64];
	struct buf b;

	if (f == NULL) {
		fprintf(stderr, "parse '%s': %s\n", expr, cause);
		free(cause);
		return xstrdup("<error>");
	}
	buf_init(&b);
	filter_regions(f, m, mask);
	for (size_t a = 0; a < model_naccounts(m); a++) {
		if (filter_match(f, m, a, mask))
			buf_printf(&b, "%s%s", b.len ? "," : "", model_account(m, a)->id);
	}
	filter_free(f);
	return buf_detach(&b);
}

#define assert_matches(m, expr, want)                         \
	do {                                                  \
		char *got_ = matches((m), (expr));            \
		if (strcmp(got_, (want)) != 0)                \
			fprintf(stderr, "filter '%s'\n", (expr)); \
		assert_string_equal(got_, (want));            \
		free(got_);                                   \
	} while (0)

static void
test_words(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);

	(void)state;
	assert_matches(m, "", "111111111111,222222222222,333333333333,333333333334,444444444444,"
	    "555555555555");
	assert_matches(m, "de-pay", "333333333333,333333333334");
	assert_matches(m, "DE-PAY PROD", "333333333333");             /* case, AND */
	assert_matches(m, "3334", "333333333334");                    /* id */
	assert_matches(m, "aws+sec@", "222222222222");                /* email */
	assert_matches(m, "emea", "333333333333,333333333334");       /* OU path */
	assert_matches(m, "\"payments prod\"", "");                   /* quoted: one word */
	assert_matches(m, "\"payments-prod\"", "333333333333");
	assert_matches(m, "!de-pay !sandbox !old", "111111111111,222222222222");
	model_free(m);
}

static void
test_keys(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);

	(void)state;
	assert_matches(m, "ou:Workloads/EMEA", "333333333333,333333333334");
	assert_matches(m, "ou:root/sec*", "222222222222");            /* glob, anchored */
	assert_matches(m, "ou:Security|Sandbox", "222222222222,444444444444,555555555555");
	assert_matches(m, "name:prod", "333333333333");
	assert_matches(m, "id:1111*", "111111111111");
	assert_matches(m, "email:de-pay", "333333333333,333333333334");
	assert_matches(m, "status:suspended", "555555555555");
	assert_matches(m, "!status:active", "555555555555");
	assert_matches(m, "state:denied", "333333333333,333333333334");
	assert_matches(m, "state:disabled|region_off", "111111111111,555555555555");
	assert_matches(m, "state:off", "111111111111");
	assert_matches(m, "state:loading", "444444444444");
	model_free(m);
}

static void
test_comparisons(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);

	(void)state;
	assert_matches(m, "sev>=7", "333333333333,333333333334");
	assert_matches(m, "sev>9", "333333333334");
	assert_matches(m, "sev<1", "111111111111");                   /* unknown never matches */
	assert_matches(m, "nc>0", "222222222222,333333333333,333333333334");
	assert_matches(m, "nc=0", "111111111111");
	assert_matches(m, "nc==3", "333333333333");
	assert_matches(m, "nc!=0", "222222222222,333333333333,333333333334");
	assert_matches(m, "burn>90", "333333333333");
	assert_matches(m, "burn>=62%", "111111111111,333333333333,333333333334");
	assert_matches(m, "fburn>100", "333333333333");
	assert_matches(m, "spend>1k", "");
	assert_matches(m, "spend>0.9k", "333333333333");
	assert_matches(m, "spend>500", "111111111111,333333333333");
	assert_matches(m, "spend<=60", "222222222222,333333333334");
	assert_matches(m, "sso>=7", "111111111111,333333333333");
	assert_matches(m, "findings>4", "222222222222");
	assert_matches(m, "!sev>=7", "111111111111,222222222222,444444444444,555555555555");
	model_free(m);
}

static void
test_regions(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	unsigned char mask[T_NREGIONS];
	char *cause = NULL;
	struct filter *f;

	(void)state;
	f = filter_parse("region:eu-*", &cause);
	assert_non_null(f);
	assert_int_equal(filter_regions(f, m, mask), 2);
	assert_int_equal(mask[2], 1);
	assert_int_equal(mask[3], 1);
	assert_int_equal(mask[0], 0);
	filter_free(f);
	f = filter_parse("!region:us-*|sa-*", &cause);
	assert_int_equal(filter_regions(f, m, mask), 3);
	assert_int_equal(mask[4], 1);
	filter_free(f);
	/* Cell terms look only at the regions kept. */
	assert_matches(m, "region:us-* nc>0", "");
	assert_matches(m, "region:eu-west-1 nc>0", "222222222222,333333333334");
	assert_matches(m, "region:us-east-1 sev>=5", "222222222222");
	assert_matches(m, "region:eu-* state:denied", "");
	assert_matches(m, "region:us-* state:denied", "333333333333,333333333334");
	model_free(m);
}

static void
test_changed(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	uint32_t more[4] = { 0, 0, 0, 5 };

	(void)state;
	assert_matches(m, "state:changed", "");
	model_set_guardduty(m, (size_t)o.hq, 1, more, 9.9, T_NOW);
	assert_matches(m, "state:changed", "111111111111");
	model_free(m);
}

static void
expect_error(const char *expr, const char *fragment)
{
	char *cause = NULL;
	struct filter *f = filter_parse(expr, &cause);

	assert_null(f);
	assert_non_null(cause);
	if (strstr(cause, fragment) == NULL)
		fprintf(stderr, "'%s' -> '%s' (want '%s')\n", expr, cause, fragment);
	assert_non_null(strstr(cause, fragment));
	free(cause);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("sevv>=7", "at 1: 'sevv' is not a field");
	expect_error("prod sev>=", "at 11: expected a number after 'sev>='");
	expect_error("burn>lots", "expected a number");
	expect_error("spend>1e5", "expected a number");
	expect_error("state:deny", "'deny' is not a state");
	expect_error("state:", "state: needs a value");
	expect_error("region:eu-*|", "region: needs a value");
	expect_error("frob:x", "'frob:' is not a key");
	expect_error("\"open", "at 1: unterminated quote");
	expect_error("a !", "at 3: '!' needs a term");
}

static void
test_glob(void **state)
{
	(void)state;
	assert_true(filter_glob("eu-*", "eu-west-1"));
	assert_true(filter_glob("*", ""));
	assert_true(filter_glob("EU-?EST-1", "eu-west-1"));
	assert_false(filter_glob("eu-*", "us-east-1"));
	assert_false(filter_glob("eu", "eu-west-1"));
	assert_true(filter_glob("*-1", "ap-south-1"));
	assert_true(filter_glob("a*b*c", "axxbyyc"));
	assert_false(filter_glob("a*b*c", "axxbyy"));
}

static void
test_limits(void **state)
{
	char *big = xmalloc(5000), *cause = NULL;
	struct filter *f;
	struct buf many;

	(void)state;
	memset(big, 'a', 4999);
	big[4999] = '\0';
	assert_null(filter_parse(big, &cause));
	assert_non_null(strstr(cause, "too long"));
	free(cause);
	free(big);
	buf_init(&many);
	for (int i = 0; i < 80; i++)
		buf_adds(&many, "x ");
	f = filter_parse(many.data, &cause);
	assert_null(f);
	assert_non_null(strstr(cause, "too many terms"));
	free(cause);
	buf_done(&many);
	/* Bytes that are not text are words like any other, never a crash. */
	f = filter_parse("\x1b[6n \xff\xfe \x01", &cause);
	assert_non_null(f);
	filter_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_comparisons),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
