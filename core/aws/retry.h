/*
 * retry.h: what an AWS failure means, and whether and when to try again.
 *
 * botocore's standard retry mode (AWS-WIRE.md 6.1), as pure functions the
 * client (core/aws/client.c) applies and tests can check without a loop:
 *
 *  - Classification of every outcome into one final error kind (enum
 *    aws_err) and a retry kind: throttling codes (also as HTTP 400) and any
 *    429 are throttling; 500/502/503/504, RequestTimeout(Exception),
 *    PriorRequestNotComplete, connection errors and transport timeouts are
 *    transient; a 2xx with an undecodable body is transient too (a truncated
 *    answer). AccessDenied and friends, validation and not-found errors are
 *    final. ExpiredToken(Exception) asks for fresh credentials and one more
 *    try. Clock problems (RequestTimeTooSkewed, RequestExpired, a signature
 *    "expired"/"not yet current", a signature error while the server's Date
 *    is more than 5 minutes off) are final and named as such.
 *  - Backoff: full jitter, rand * min(2^(attempt-1), 20) seconds.
 *  - Retry-After / x-amz-retry-after: honoured, never below the computed
 *    backoff and never more than 5 s above it.
 *  - The retry quota: a bucket of 500; a retry costs 5 (10 after a
 *    timeout); a first-try success gives 1 back, a success after retries
 *    gives back what the last retry cost. An empty bucket means no retry.
 *    botocore keeps one per client, and a boto3 client is per service and
 *    region; orgtop keeps one per (account, region, service) rate-limit
 *    bucket, so a dead region cannot drain the retries of the others.
 */
#ifndef ORGTOP_RETRY_H
#define ORGTOP_RETRY_H

#include <stdint.h>

#include "core/net/http.h"

/* The final outcome of an AWS call (struct aws_result.err). */
enum aws_err {
	AWS_OK = 0,
	AWS_ERR_THROTTLED,     /* throttling code or HTTP 429, retries exhausted */
	AWS_ERR_DENIED,        /* AccessDenied, UnauthorizedOperation, an SCP deny: final */
	AWS_ERR_AUTH,          /* the credentials were refused: InvalidClientTokenId,
	                          UnrecognizedClient, SignatureDoesNotMatch, AuthFailure,
	                          (also what an opt-in region that is off answers) */
	AWS_ERR_EXPIRED_TOKEN, /* ExpiredToken even after fresh credentials */
	AWS_ERR_CLOCK_SKEW,    /* the local clock is off; the message says by how much if known */
	AWS_ERR_NOT_FOUND,     /* ResourceNotFound, NoSuch*, *NotFound*, HTTP 404 */
	AWS_ERR_CLIENT,        /* any other 4xx: validation, bad input, not subscribed, ... */
	AWS_ERR_SERVER,        /* 5xx after retries */
	AWS_ERR_NETWORK,       /* DNS, connect, TLS, reset: after retries */
	AWS_ERR_TIMEOUT,       /* transport timeout after retries, or the call's deadline */
	AWS_ERR_BAD_RESPONSE,  /* 2xx with an empty/malformed/error body, or over the body cap */
	AWS_ERR_QUOTA,         /* reserved: when a retry quota is empty the client, like
	                          botocore, ends with the attempt's own error and says in
	                          the message that the quota stopped the retries */
	AWS_ERR_CREDENTIALS,   /* the credential provider failed; see message (and sso_expired) */
	AWS_ERR_ENDPOINT,      /* the endpoint could not be resolved or was refused */
	AWS_ERR_REQUEST,       /* the request could not be built (a bug in the caller) */
	AWS_ERR_PAGINATION,    /* a pagination token repeated, or the page cap was reached */
	AWS_ERR_CANCELLED,
	AWS_ERR__COUNT
};

/* "ok", "throttled", "denied", "auth", "expired-token", "clock-skew", "not-found", "client",
 * "server", "network", "timeout", "bad-response", "quota", "credentials", "endpoint",
 * "request", "pagination", "cancelled". */
const char *aws_err_name(enum aws_err e);

/* What to do after an attempt. */
enum retry_kind {
	RETRY_NONE = 0,      /* success, or a final error */
	RETRY_THROTTLE,      /* throttled: back off, feed the rate limiter */
	RETRY_TRANSIENT,     /* a 5xx, a connection error, a broken answer */
	RETRY_TIMEOUT,       /* a transport timeout: like transient, costs 10 */
	RETRY_REFRESH_CREDS  /* expired token: fresh credentials, then one more try */
};

struct retry_verdict {
	enum aws_err err;     /* the error this attempt would end the call with (AWS_OK on success) */
	enum retry_kind kind;
};

/*
 * The facts of one attempt. herr is the transport outcome; for HTTP_OK,
 * status is the HTTP status, code the decoded AWS error code ("" or NULL
 * when none), message the AWS message, bad_answer 1 for a 2xx that did not
 * decode, and skew_s the server's Date minus the local clock in seconds (0
 * when unknown).
 */
struct retry_input {
	enum http_error herr;
	long status;
	const char *code;
	const char *message;
	int bad_answer;
	double skew_s;
};

void retry_classify(const struct retry_input *in, struct retry_verdict *out);

/* 1 if code is one of botocore's throttling codes (exact match). */
int retry_is_throttle_code(const char *code);
/* 1 if code means access was denied (AccessDenied, AccessDeniedException, UnauthorizedOperation, ...). */
int retry_is_denied_code(const char *code);

/* Clock skew beyond which signature errors are blamed on the clock (AWS allows 5 minutes). */
#define RETRY_SKEW_LIMIT_S 300.0

#define RETRY_DEFAULT_ATTEMPTS 3
#define RETRY_MAX_BACKOFF_MS 20000u
#define RETRY_AFTER_EXTRA_MS 5000u

/*
 * The backoff before the next try, after attempt (1-based) failed, with
 * rand01 in [0, 1): rand01 * min(2^(attempt-1), 20) s, in milliseconds.
 */
uint64_t retry_backoff_ms(unsigned attempt, double rand01);

/*
 * The server's wish, in milliseconds, from x-amz-retry-after (ms) or
 * Retry-After (delta seconds or an HTTP date, against now_epoch); -1 if none
 * or unparseable.
 */
int64_t retry_after_ms(const struct http_response *res, double now_epoch);

/* The delay to use: backoff raised to the server's wish, but at most backoff + 5 s. */
uint64_t retry_delay_ms(uint64_t backoff_ms, int64_t server_ms);

/*
 * The Date header (RFC 7231 IMF-fixdate, and the obsolete RFC 850 and
 * asctime forms) as epoch seconds. 0 / -1.
 */
int retry_parse_http_date(const char *s, double *out);

/* The retry quota of one client (botocore's RetryQuotaChecker). Embedded. */
struct retry_quota {
	int available;
	int max;
};

#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_COST_TIMEOUT 10
#define RETRY_REFUND_FIRST 1

void retry_quota_init(struct retry_quota *q);
/* Takes the cost of retrying after kind; returns the cost taken (> 0), or 0 if the quota is empty. */
int retry_quota_take(struct retry_quota *q, enum retry_kind kind);
/* After a success: cost is what the last retry took (0 when the first try succeeded: refunds 1). */
void retry_quota_success(struct retry_quota *q, int cost);

/*
 * Max attempts: the AWS_MAX_ATTEMPTS environment variable when set, else
 * configured (the profile's max_attempts) when > 0, else 3. Returns 0 with
 * *cause when AWS_MAX_ATTEMPTS is set but not a whole number from 1 to 100.
 */
unsigned retry_max_attempts(unsigned configured, char **cause);

#endif
