/*
 * test_retry.c: botocore standard-mode retry rules: classification of every
 * kind of failure, the backoff math, Retry-After, the retry quota, max
 * attempts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/aws/retry.h"
#include "core/util.h"

static struct retry_verdict
classify(enum http_error herr, long status, const char *code, const char *msg, int bad,
    double skew)
{
	struct retry_input in = { herr, status, code, msg, bad, skew };
	struct retry_verdict v;

	retry_classify(&in, &v);
	return v;
}

#define EXPECT(herr, status, code, err_, kind_)                                                \
	do {                                                                                   \
		struct retry_verdict v_ = classify(herr, status, code, "", 0, 0);              \
		if (v_.err != (err_) || v_.kind != (kind_))                                    \
			fail_msg("%s/%ld/%s: got %s/%d, want %s/%d", http_error_name(herr),      \
			    (long)(status), (code) != NULL ? (code) : "-", aws_err_name(v_.err),    \
			    v_.kind, aws_err_name(err_), kind_);                               \
	} while (0)

static void
test_classify_throttling(void **state)
{
	static const char *const codes[] = { "Throttling", "ThrottlingException",
		"ThrottledException", "RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException" };

	(void)state;
	/* Every botocore throttling code, whatever the status (AWS sends 400 for most). */
	for (size_t i = 0; i < NELEM(codes); i++) {
		EXPECT(HTTP_OK, 400, codes[i], AWS_ERR_THROTTLED, RETRY_THROTTLE);
		EXPECT(HTTP_OK, 503, codes[i], AWS_ERR_THROTTLED, RETRY_THROTTLE);
		assert_true(retry_is_throttle_code(codes[i]));
	}
	/* Any 429, even with an unknown code (botocore standard mode would not). */
	EXPECT(HTTP_OK, 429, "429", AWS_ERR_THROTTLED, RETRY_THROTTLE);
	EXPECT(HTTP_OK, 429, "SomethingNew", AWS_ERR_THROTTLED, RETRY_THROTTLE);
	/* Exact strings only. */
	assert_false(retry_is_throttle_code("throttling"));
	assert_false(retry_is_throttle_code("ThrottlingExceptionX"));
	assert_false(retry_is_throttle_code(""));
	assert_false(retry_is_throttle_code(NULL));
}

static void
test_classify_transient_and_final(void **state)
{
	(void)state;
	EXPECT(HTTP_OK, 200, "", AWS_OK, RETRY_NONE);
	EXPECT(HTTP_OK, 204, NULL, AWS_OK, RETRY_NONE);
	EXPECT(HTTP_OK, 500, "InternalFailure", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 502, "502", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 503, "ServiceUnavailable", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 504, "504", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 501, "NotImplemented", AWS_ERR_SERVER, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "RequestTimeout", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 400, "RequestTimeoutException", AWS_ERR_SERVER, RETRY_TRANSIENT);
	EXPECT(HTTP_OK, 400, "IDPCommunicationError", AWS_ERR_SERVER, RETRY_TRANSIENT);
	/* Denied: final, never retried, whatever the status. */
	EXPECT(HTTP_OK, 403, "AccessDenied", AWS_ERR_DENIED, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "AccessDeniedException", AWS_ERR_DENIED, RETRY_NONE);
	EXPECT(HTTP_OK, 403, "UnauthorizedOperation", AWS_ERR_DENIED, RETRY_NONE);
	EXPECT(HTTP_OK, 403, "ForbiddenException", AWS_ERR_DENIED, RETRY_NONE);
	assert_true(retry_is_denied_code("AccessDenied"));
	assert_false(retry_is_denied_code("Throttling"));
	/* Credentials refused. */
	EXPECT(HTTP_OK, 403, "InvalidClientTokenId", AWS_ERR_AUTH, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "UnrecognizedClientException", AWS_ERR_AUTH, RETRY_NONE);
	EXPECT(HTTP_OK, 401, "AuthFailure", AWS_ERR_AUTH, RETRY_NONE);
	EXPECT(HTTP_OK, 401, "UnauthorizedException", AWS_ERR_AUTH, RETRY_NONE);
	EXPECT(HTTP_OK, 403, "SignatureDoesNotMatch", AWS_ERR_AUTH, RETRY_NONE);
	/* Expired session tokens: fresh credentials, one more try. */
	EXPECT(HTTP_OK, 400, "ExpiredToken", AWS_ERR_EXPIRED_TOKEN, RETRY_REFRESH_CREDS);
	EXPECT(HTTP_OK, 400, "ExpiredTokenException", AWS_ERR_EXPIRED_TOKEN, RETRY_REFRESH_CREDS);
	/* Not found, other client errors. */
	EXPECT(HTTP_OK, 400, "ResourceNotFoundException", AWS_ERR_NOT_FOUND, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "NoSuchConfigurationAggregatorException", AWS_ERR_NOT_FOUND,
	    RETRY_NONE);
	EXPECT(HTTP_OK, 400, "InvalidInstanceID.NotFound", AWS_ERR_NOT_FOUND, RETRY_NONE);
	EXPECT(HTTP_OK, 404, "404", AWS_ERR_NOT_FOUND, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "ValidationException", AWS_ERR_CLIENT, RETRY_NONE);
	EXPECT(HTTP_OK, 400, "AWSOrganizationsNotInUseException", AWS_ERR_CLIENT, RETRY_NONE);
	EXPECT(HTTP_OK, 401, "InvalidAccessException", AWS_ERR_CLIENT, RETRY_NONE);
	/* Transport failures. */
	EXPECT(HTTP_ERR_TIMEOUT, 0, NULL, AWS_ERR_TIMEOUT, RETRY_TIMEOUT);
	EXPECT(HTTP_ERR_CONNECT, 0, NULL, AWS_ERR_NETWORK, RETRY_TRANSIENT);
	EXPECT(HTTP_ERR_DNS, 0, NULL, AWS_ERR_NETWORK, RETRY_TRANSIENT);
	EXPECT(HTTP_ERR_RECV, 200, NULL, AWS_ERR_NETWORK, RETRY_TRANSIENT);
	EXPECT(HTTP_ERR_SEND, 0, NULL, AWS_ERR_NETWORK, RETRY_TRANSIENT);
	EXPECT(HTTP_ERR_PROTOCOL, 0, NULL, AWS_ERR_NETWORK, RETRY_TRANSIENT);
	EXPECT(HTTP_ERR_TLS, 0, NULL, AWS_ERR_NETWORK, RETRY_NONE);
	EXPECT(HTTP_ERR_TOO_BIG, 200, NULL, AWS_ERR_BAD_RESPONSE, RETRY_NONE);
	EXPECT(HTTP_ERR_CANCELLED, 0, NULL, AWS_ERR_CANCELLED, RETRY_NONE);
}

static void
test_classify_bad_answers_and_clock(void **state)
{
	struct retry_verdict v;

	(void)state;
	/* A 200 whose body did not decode (truncated): transient. */
	v = classify(HTTP_OK, 200, "", "HTTP 200 with an empty body", 1, 0);
	assert_int_equal(v.err, AWS_ERR_BAD_RESPONSE);
	assert_int_equal(v.kind, RETRY_TRANSIENT);
	/* A 200 carrying a throttling error is throttling. */
	v = classify(HTTP_OK, 200, "Throttling", "", 1, 0);
	assert_int_equal(v.err, AWS_ERR_THROTTLED);
	assert_int_equal(v.kind, RETRY_THROTTLE);
	/* Clock problems: by code, by message, or by the server's Date. */
	v = classify(HTTP_OK, 403, "RequestTimeTooSkewed", "", 0, 0);
	assert_int_equal(v.err, AWS_ERR_CLOCK_SKEW);
	assert_int_equal(v.kind, RETRY_NONE);
	v = classify(HTTP_OK, 400, "RequestExpired", "Request has expired.", 0, 0);
	assert_int_equal(v.err, AWS_ERR_CLOCK_SKEW);
	v = classify(HTTP_OK, 400, "InvalidSignatureException",
	    "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z", 0, 0);
	assert_int_equal(v.err, AWS_ERR_CLOCK_SKEW);
	v = classify(HTTP_OK, 403, "SignatureDoesNotMatch", "The request signature we calculated",
	    0, 900);
	assert_int_equal(v.err, AWS_ERR_CLOCK_SKEW);
	v = classify(HTTP_OK, 403, "SignatureDoesNotMatch", "The request signature we calculated",
	    0, -900);
	assert_int_equal(v.err, AWS_ERR_CLOCK_SKEW);
	v = classify(HTTP_OK, 403, "SignatureDoesNotMatch", "The request signature we calculated",
	    0, 30);
	assert_int_equal(v.err, AWS_ERR_AUTH);
	/* A skewed clock does not turn a denial into a clock problem. */
	v = classify(HTTP_OK, 403, "AccessDenied", "", 0, 900);
	assert_int_equal(v.err, AWS_ERR_DENIED);
	for (int e = 0; e < AWS_ERR__COUNT; e++)
		assert_string_not_equal(aws_err_name((enum aws_err)e), "?");
	assert_string_equal(aws_err_name(AWS_ERR_THROTTLED), "throttled");
	assert_string_equal(aws_err_name(AWS_ERR__COUNT), "?");
}

static void
test_backoff(void **state)
{
	(void)state;
	/* rand * min(2^(attempt-1), 20) s: full jitter, base 2, cap 20 s. */
	assert_int_equal(retry_backoff_ms(1, 0.0), 0);
	assert_int_equal(retry_backoff_ms(1, 0.5), 500);
	assert_int_equal(retry_backoff_ms(2, 0.5), 1000);
	assert_int_equal(retry_backoff_ms(3, 0.5), 2000);
	assert_int_equal(retry_backoff_ms(5, 0.5), 8000);
	assert_int_equal(retry_backoff_ms(6, 0.5), 10000); /* min(32, 20) */
	assert_int_equal(retry_backoff_ms(60, 0.5), 10000);
	assert_int_equal(retry_backoff_ms(1000, 0.25), 5000);
	assert_true(retry_backoff_ms(6, 0.9999) < 20000);
	assert_true(retry_backoff_ms(6, 1.5) < 20000);  /* clamped */
	assert_int_equal(retry_backoff_ms(3, -1), 0);
	assert_int_equal(retry_backoff_ms(0, 0.5), 500); /* treated as the first */
	/* Over many draws the mean is about half the cap, every draw inside it. */
	{
		double sum = 0;
		unsigned seed = 7;

		for (int i = 0; i < 10000; i++) {
			uint64_t d;

			seed = seed * 1103515245u + 12345u;
			d = retry_backoff_ms(4, (double)(seed >> 8) / 16777216.0);
			assert_true(d < 8000);
			sum += (double)d;
		}
		assert_true(sum / 10000 > 3600 && sum / 10000 < 4400);
	}
}

static void
test_retry_after(void **state)
{
	struct http_response res;
	double t;

	(void)state;
	memset(&res, 0, sizeof res);
	assert_int_equal(retry_after_ms(&res, 0), -1);
	res.retry_after = "7";
	assert_int_equal(retry_after_ms(&res, 0), 7000);
	res.amz_retry_after = "1500"; /* milliseconds, and preferred */
	assert_int_equal(retry_after_ms(&res, 0), 1500);
	res.amz_retry_after = "soon";
	assert_int_equal(retry_after_ms(&res, 0), 7000);
	res.amz_retry_after = NULL;
	res.retry_after = "Sun, 06 Nov 1994 08:49:37 GMT";
	assert_int_equal(retry_parse_http_date(res.retry_after, &t), 0);
	assert_true(t == 784111777.0);
	assert_int_equal(retry_after_ms(&res, 784111777.0 - 3.0), 3000);
	assert_int_equal(retry_after_ms(&res, 784111777.0 + 3.0), 0); /* in the past */
	assert_int_equal(retry_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
	assert_true(t == 784111777.0);
	assert_int_equal(retry_parse_http_date("Sun Nov  6 08:49:37 1994", &t), 0);
	assert_true(t == 784111777.0);
	assert_int_equal(retry_parse_http_date("yesterday", &t), -1);
	assert_int_equal(retry_parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT", &t), -1);
	res.retry_after = "-5";
	assert_int_equal(retry_after_ms(&res, 0), -1);
	/* The server's wish raises the backoff, but never past backoff + 5 s. */
	assert_int_equal(retry_delay_ms(800, -1), 800);
	assert_int_equal(retry_delay_ms(800, 100), 800);
	assert_int_equal(retry_delay_ms(800, 3000), 3000);
	assert_int_equal(retry_delay_ms(800, 60000), 5800);
}

static void
test_quota(void **state)
{
	struct retry_quota q;
	int taken = 0, n = 0;

	(void)state;
	retry_quota_init(&q);
	assert_int_equal(q.available, 500);
	assert_int_equal(retry_quota_take(&q, RETRY_THROTTLE), 5);
	assert_int_equal(retry_quota_take(&q, RETRY_TIMEOUT), 10);
	assert_int_equal(q.available, 485);
	retry_quota_success(&q, 10); /* success after a retry gives back what it took */
	assert_int_equal(q.available, 495);
	retry_quota_success(&q, 0);  /* first-try success: 1 */
	assert_int_equal(q.available, 496);
	retry_quota_success(&q, 0);
	retry_quota_success(&q, 5);
	assert_int_equal(q.available, 500); /* never over the max */
	/* Drain: 100 retries of 5, then none. */
	for (;;) {
		int c = retry_quota_take(&q, RETRY_TRANSIENT);

		if (c == 0)
			break;
		taken += c;
		n++;
	}
	assert_int_equal(n, 100);
	assert_int_equal(taken, 500);
	assert_int_equal(retry_quota_take(&q, RETRY_THROTTLE), 0);
	retry_quota_success(&q, 0);
	assert_int_equal(retry_quota_take(&q, RETRY_THROTTLE), 0); /* 1 < 5 */
}

static void
test_max_attempts(void **state)
{
	char *cause = NULL;

	(void)state;
	unsetenv("AWS_MAX_ATTEMPTS");
	assert_int_equal(retry_max_attempts(0, &cause), 3);
	assert_int_equal(retry_max_attempts(7, &cause), 7);
	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	assert_int_equal(retry_max_attempts(7, &cause), 5); /* the environment wins */
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	assert_int_equal(retry_max_attempts(0, &cause), 1);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	assert_int_equal(retry_max_attempts(0, &cause), 0);
	assert_non_null(strstr(cause, "AWS_MAX_ATTEMPTS=0"));
	free(cause);
	cause = NULL;
	setenv("AWS_MAX_ATTEMPTS", "three", 1);
	assert_int_equal(retry_max_attempts(0, &cause), 0);
	free(cause);
	setenv("AWS_MAX_ATTEMPTS", "", 1);
	assert_int_equal(retry_max_attempts(0, NULL), 3);
	unsetenv("AWS_MAX_ATTEMPTS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_throttling),
		cmocka_unit_test(test_classify_transient_and_final),
		cmocka_unit_test(test_classify_bad_answers_and_clock),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_max_attempts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
