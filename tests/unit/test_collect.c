/*
 * test_collect.c: the collector's pieces that need no network: region
 * patterns, the lanes and their priorities and caps, and the verdicts that
 * map a finished AWS call (or a failed role assumption) to a model state.
 * The collector as a whole is proved end to end against awsim
 * (tests/e2e/test_once_*.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/collect_sched.h"
#include "core/xmalloc.h"

/* ------------------------------------------------------------ patterns */

static void
test_patterns_empty_means_all(void **state)
{
	struct collect__patterns p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(collect__patterns_parse(NULL, &p, &cause), 0);
	assert_int_equal(p.n, 0);
	assert_true(collect__patterns_match(&p, "eu-west-1"));
	assert_false(collect__patterns_all_literal(&p));
	collect__patterns_done(&p);
	assert_int_equal(collect__patterns_parse("  ", &p, &cause), 0);
	assert_int_equal(p.n, 0);
	collect__patterns_done(&p);
}

static void
test_patterns_globs_and_literals(void **state)
{
	struct collect__patterns p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(collect__patterns_parse(" eu-* , US-EAST-1,ap-?outheast-2", &p, &cause), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.pat[1], "us-east-1");
	assert_true(collect__patterns_match(&p, "eu-central-1"));
	assert_true(collect__patterns_match(&p, "eu-south-2"));
	assert_true(collect__patterns_match(&p, "us-east-1"));
	assert_true(collect__patterns_match(&p, "ap-southeast-2"));
	assert_false(collect__patterns_match(&p, "us-east-2"));
	assert_false(collect__patterns_match(&p, "ap-southeast-1"));
	assert_false(collect__patterns_match(&p, "me-south-1"));
	assert_true(collect__patterns_literal(&p, "us-east-1"));
	assert_false(collect__patterns_literal(&p, "eu-west-1"));
	assert_false(collect__patterns_all_literal(&p));
	collect__patterns_done(&p);

	assert_int_equal(collect__patterns_parse("us-gov-west-1,eu-west-1", &p, &cause), 0);
	assert_true(collect__patterns_all_literal(&p));
	assert_true(collect__patterns_literal(&p, "us-gov-west-1"));
	collect__patterns_done(&p);
}

static void
check_bad(const char *spec, const char *needle)
{
	struct collect__patterns p = { (char **)0x1, 77 };
	char *cause = NULL;

	assert_int_equal(collect__patterns_parse(spec, &p, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s': cause '%s' lacks '%s'", spec, cause, needle);
	for (const char *c = cause; *c != '\0'; c++)
		assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
	/* Untouched on failure. */
	assert_ptr_equal(p.pat, (char **)0x1);
	assert_int_equal(p.n, 77);
	free(cause);
}

static void
test_patterns_bad(void **state)
{
	char many[65 * 16 + 1];
	size_t off = 0;

	(void)state;
	check_bad("eu_west-1", "'eu_west-1' is not a region");
	check_bad("eu-west", "'eu-west' is not a region");
	check_bad("westeurope", "not a region");
	check_bad("eu-west-1,,us-east-1", "empty region");
	check_bad("eu-west-1,", "empty region");
	check_bad("eu-*,eu-*", "listed twice");
	check_bad("eu-west-1;rm", "not a region");
	check_bad("eu-\x1b]0;x\x07", "not a region");
	check_bad("eu-west-1-and-a-very-long-name-indeed", "too long");
	for (int i = 0; i < 65; i++)
		off += (size_t)snprintf(many + off, sizeof many - off, "%seu-test-%d", i ? "," : "", i);
	check_bad(many, "more than 64");
}

/* ---------------------------------------------------------------- lanes */

struct node {
	struct collect__qnode q;
	int id;
};

#define NODE(qn) ((struct node *)(void *)((char *)(qn) - offsetof(struct node, q)))

static void
test_queue_priorities(void **state)
{
	struct collect__queue q;
	struct node n[8];
	static const enum collect__lane lanes[8] = {
		LANE_PREP, LANE_WALK, LANE_PREP, LANE_URGENT, LANE_COST, LANE_RETRY, LANE_WALK,
		LANE_SSO,
	};
	static const int order[8] = { 3, 5, 1, 6, 7, 4, 0, 2 };

	(void)state;
	collect__queue_init(&q);
	for (int i = 0; i < 8; i++) {
		memset(&n[i], 0, sizeof n[i]);
		n[i].id = i;
		collect__queue_push(&q, &n[i].q, lanes[i]);
	}
	assert_int_equal(q.total, 8);
	assert_int_equal(collect__queue_waiting(&q, LANE_BIT(LANE_PREP)), 2);
	for (int i = 0; i < 8; i++) {
		struct collect__qnode *x = collect__queue_pop(&q, LANES_ALL);

		assert_non_null(x);
		assert_int_equal(NODE(x)->id, order[i]);
		assert_false(x->queued);
	}
	assert_null(collect__queue_pop(&q, LANES_ALL));
	assert_int_equal(q.total, 0);
	assert_int_equal(q.inflight[LANE_WALK], 2);
	collect__queue_done(&q, LANE_WALK);
	collect__queue_done(&q, LANE_WALK);
	collect__queue_done(&q, LANE_WALK); /* never below zero */
	assert_int_equal(q.inflight[LANE_WALK], 0);
}

static void
test_queue_mask_and_caps(void **state)
{
	struct collect__queue q;
	struct node sso[3], prep[2];

	(void)state;
	collect__queue_init(&q);
	collect__queue_set_cap(&q, LANE_SSO, 2);
	for (int i = 0; i < 3; i++) {
		memset(&sso[i], 0, sizeof sso[i]);
		sso[i].id = 10 + i;
		collect__queue_push(&q, &sso[i].q, LANE_SSO);
	}
	for (int i = 0; i < 2; i++) {
		memset(&prep[i], 0, sizeof prep[i]);
		prep[i].id = 20 + i;
		collect__queue_push(&q, &prep[i].q, LANE_PREP);
	}
	/* A mask leaves the other lanes alone. */
	assert_int_equal(NODE(collect__queue_pop(&q, LANE_BIT(LANE_PREP)))->id, 20);
	/* The capped lane gives two, then the next lane is served. */
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 10);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 11);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 21);
	assert_null(collect__queue_pop(&q, LANES_ALL));
	assert_int_equal(collect__queue_waiting(&q, LANES_ALL), 1);
	/* A slot coming back lets the third through. */
	collect__queue_done(&q, LANE_SSO);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 12);
}

static void
test_queue_remove_anywhere(void **state)
{
	struct collect__queue q;
	struct node n[4];

	(void)state;
	collect__queue_init(&q);
	for (int i = 0; i < 4; i++) {
		memset(&n[i], 0, sizeof n[i]);
		n[i].id = i;
		collect__queue_push(&q, &n[i].q, LANE_WALK);
	}
	collect__queue_push(&q, &n[1].q, LANE_URGENT); /* already queued: ignored */
	collect__queue_remove(&q, &n[2].q);
	collect__queue_remove(&q, &n[0].q);
	collect__queue_remove(&q, &n[0].q); /* twice: harmless */
	collect__queue_remove(&q, &n[3].q);
	assert_int_equal(q.total, 1);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 1);
	assert_null(q.head[LANE_WALK]);
	assert_null(q.tail[LANE_WALK]);
	/* Re-queued after removal: works again. */
	collect__queue_push(&q, &n[2].q, LANE_RETRY);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 2);
}

/* ------------------------------------------------------------- verdicts */

static struct aws_result
result(enum aws_err err, const char *code, const char *message, long status)
{
	struct aws_result r;

	memset(&r, 0, sizeof r);
	r.err = err;
	r.code = code;
	r.message = message;
	r.status = status;
	r.request_id = "";
	r.body = "";
	return r;
}

static void
test_verdict_states(void **state)
{
	struct collect__verdict v;
	struct aws_result r;

	(void)state;
	r = result(AWS_OK, "", "", 200);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_OK);
	assert_string_equal(v.reason, "");

	/* An SCP deny: denied with AWS's message, never retried. */
	r = result(AWS_ERR_DENIED, "AccessDeniedException",
	    "User: arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/orgtop is "
	    "not authorized to perform: config:GetComplianceSummaryByConfigRule with an explicit "
	    "deny in a service control policy", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_false(v.requeue);
	assert_non_null(strstr(v.reason, "explicit deny in a service control policy"));

	/* Throttling that outlasted the client's retries: queued again. */
	r = result(AWS_ERR_THROTTLED, "ThrottlingException", "Rate exceeded", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_THROTTLED);
	assert_true(v.requeue);

	/* Not enabled or not subscribed: disabled, a state, not an error. */
	r = result(AWS_ERR_CLIENT, "SubscriptionRequiredException", "not subscribed", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DISABLED);
	r = result(AWS_ERR_CLIENT, "NoSuchConfigurationRecorderException", "", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DISABLED);
	assert_string_equal(v.reason, "NoSuchConfigurationRecorderException");

	/* Credentials refused: an opt-in region that is off, unless we know it is on. */
	r = result(AWS_ERR_AUTH, "UnrecognizedClientException",
	    "The security token included in the request is invalid.", 400);
	collect__verdict(&r, 0, &v);
	assert_int_equal(v.st, MS_REGION_OFF);
	assert_string_equal(v.reason, "region not enabled");
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_non_null(strstr(v.reason, "UnrecognizedClientException"));
	assert_true(v.creds_failed);

	/* Other failures: an error with a short reason. */
	r = result(AWS_ERR_SERVER, "503", "Service Unavailable", 503);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "HTTP 503: Service Unavailable");
	r = result(AWS_ERR_SERVER, "InternalFailure", "oops", 500);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "InternalFailure: oops");
	r = result(AWS_ERR_TIMEOUT, "", "", 0);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "timeout");
	r = result(AWS_ERR_NETWORK, "", "Connection refused", 0);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "network: Connection refused");
	r = result(AWS_ERR_CLOCK_SKEW, "RequestTimeTooSkewed", "off by 20 minutes", 403);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "clock skew: off by 20 minutes");
	r = result(AWS_ERR_BAD_RESPONSE, "", "", 200);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "bad answer: bad answer");
	r = result(AWS_ERR_CLIENT, "ValidationException", "", 400);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "ValidationException");
	r = result(AWS_ERR_CANCELLED, "", "", 0);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);

	/* An expired SSO session is flagged so the caller says it once. */
	r = result(AWS_ERR_CREDENTIALS, "",
	    "SSO session for profile x expired: run `aws sso login --profile x`", 0);
	r.sso_expired = 1;
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.sso_expired);
	assert_true(v.creds_failed);
}

static void
test_verdict_long_message_is_cut(void **state)
{
	struct collect__verdict v;
	struct aws_result r;
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	r = result(AWS_ERR_DENIED, "AccessDenied", big, 403);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_int_equal(strlen(v.reason), sizeof v.reason - 1);
}

static void
test_creds_verdict(void **state)
{
	struct collect__verdict v;

	(void)state;
	collect__creds_verdict("AssumeRole arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"
	    ": AccessDenied: User: arn:aws:iam::111111111111:user/admin is not authorized to "
	    "perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/"
	    "OrganizationAccountAccessRole", 0, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_true(strncmp(v.reason, "User: arn:aws:iam::111111111111:user/admin is not", 49) == 0);
	assert_false(v.creds_failed);

	collect__creds_verdict("User: x is not authorized to perform: sts:AssumeRole", 0, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_string_equal(v.reason, "User: x is not authorized to perform: sts:AssumeRole");

	collect__creds_verdict("AssumeRole ...: network: connection refused", 0, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.creds_failed);

	collect__creds_verdict("SSO session for profile x expired: run `aws sso login --profile x`",
	    1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.sso_expired);

	collect__creds_verdict("role arn:aws:iam::3:role/R: AssumeRole into arn:aws:iam::3:role/R "
	    "failed: Throttling: Rate exceeded", 0, &v);
	assert_int_equal(v.st, MS_THROTTLED);
	assert_true(v.requeue);

	collect__creds_verdict(NULL, 0, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "credentials unavailable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns_empty_means_all),
		cmocka_unit_test(test_patterns_globs_and_literals),
		cmocka_unit_test(test_patterns_bad),
		cmocka_unit_test(test_queue_priorities),
		cmocka_unit_test(test_queue_mask_and_caps),
		cmocka_unit_test(test_queue_remove_anywhere),
		cmocka_unit_test(test_verdict_states),
		cmocka_unit_test(test_verdict_long_message_is_cut),
		cmocka_unit_test(test_creds_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
