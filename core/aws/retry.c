/*
 * retry.c: classification, backoff, Retry-After and the retry quota
 * (botocore's standard mode, AWS-WIRE.md 6.1).
 */
#include "core/aws/retry.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

const char *
aws_err_name(enum aws_err e)
{
	static const char *const names[AWS_ERR__COUNT] = {
		"ok", "throttled", "denied", "auth", "expired-token", "clock-skew", "not-found",
		"client", "server", "network", "timeout", "bad-response", "quota", "credentials",
		"endpoint", "request", "pagination", "cancelled",
	};

	if ((unsigned)e >= AWS_ERR__COUNT)
		return "?";
	return names[e];
}

static int
retry__in(const char *code, const char *const *list, size_t n)
{
	if (code == NULL || code[0] == '\0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(code, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* botocore standard.py _THROTTLED_ERROR_CODES. */
static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException",
};

/* botocore standard.py _TRANSIENT_ERROR_CODES, plus STS's IDPCommunicationError. */
static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"IDPCommunicationError",
};

static const char *const denied_codes[] = {
	"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
	"AuthorizationErrorException", "Forbidden", "ForbiddenException",
	"AccessDeniedForDependencyException",
};

static const char *const auth_codes[] = {
	"InvalidClientTokenId", "UnrecognizedClientException", "UnrecognizedClient",
	"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
	"IncompleteSignatureException", "MissingAuthenticationToken",
	"MissingAuthenticationTokenException", "AuthFailure", "UnauthorizedException",
	"InvalidAccessKeyId", "InvalidToken",
};

static const char *const expired_codes[] = {
	"ExpiredToken", "ExpiredTokenException",
};

static const char *const clock_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture",
};

int
retry_is_throttle_code(const char *code)
{
	return retry__in(code, throttle_codes, NELEM(throttle_codes));
}

int
retry_is_denied_code(const char *code)
{
	return retry__in(code, denied_codes, NELEM(denied_codes));
}

static int
retry__not_found(const char *code, long status)
{
	size_t n = code != NULL ? strlen(code) : 0;

	if (n > 0 && (strncmp(code, "NoSuch", 6) == 0 ||
			 (n >= 8 && strcmp(code + n - 8, "NotFound") == 0) ||
			 (n >= 17 && strcmp(code + n - 17, "NotFoundException") == 0)))
		return 1;
	return status == 404;
}

/* A signature error whose message blames the time ("Signature expired: ..."). */
static int
retry__sig_time_message(const char *message)
{
	return message != NULL && (strstr(message, "Signature expired") != NULL ||
				      strstr(message, "Signature not yet current") != NULL ||
				      strstr(message, "request has expired") != NULL);
}

void
retry_classify(const struct retry_input *in, struct retry_verdict *out)
{
	const char *code = in->code != NULL ? in->code : "";
	long st = in->status;

	out->err = AWS_OK;
	out->kind = RETRY_NONE;
	switch (in->herr) {
	case HTTP_OK:
		break;
	case HTTP_ERR_TIMEOUT:
		out->err = AWS_ERR_TIMEOUT;
		out->kind = RETRY_TIMEOUT;
		return;
	case HTTP_ERR_TLS:
		out->err = AWS_ERR_NETWORK; /* a certificate problem does not heal by itself */
		return;
	case HTTP_ERR_TOO_BIG:
		out->err = AWS_ERR_BAD_RESPONSE;
		return;
	case HTTP_ERR_CANCELLED:
		out->err = AWS_ERR_CANCELLED;
		return;
	default:
		out->err = AWS_ERR_NETWORK;
		out->kind = RETRY_TRANSIENT;
		return;
	}
	if (st >= 200 && st < 300 && !in->bad_answer)
		return;
	if (retry_is_throttle_code(code) || st == 429) {
		out->err = AWS_ERR_THROTTLED;
		out->kind = RETRY_THROTTLE;
	} else if (retry__in(code, expired_codes, NELEM(expired_codes))) {
		out->err = AWS_ERR_EXPIRED_TOKEN;
		out->kind = RETRY_REFRESH_CREDS;
	} else if (retry__in(code, clock_codes, NELEM(clock_codes)) ||
		   (retry__in(code, auth_codes, NELEM(auth_codes)) &&
		       (fabs(in->skew_s) > RETRY_SKEW_LIMIT_S ||
			   retry__sig_time_message(in->message)))) {
		out->err = AWS_ERR_CLOCK_SKEW;
	} else if (st >= 200 && st < 300) {
		out->err = AWS_ERR_BAD_RESPONSE; /* a truncated or garbled answer: try again */
		out->kind = RETRY_TRANSIENT;
	} else if (retry__in(code, transient_codes, NELEM(transient_codes)) || st == 500 ||
		   st == 502 || st == 503 || st == 504) {
		out->err = AWS_ERR_SERVER;
		out->kind = RETRY_TRANSIENT;
	} else if (retry_is_denied_code(code)) {
		out->err = AWS_ERR_DENIED;
	} else if (retry__in(code, auth_codes, NELEM(auth_codes))) {
		out->err = AWS_ERR_AUTH;
	} else if (retry__not_found(code, st)) {
		out->err = AWS_ERR_NOT_FOUND;
	} else if (st >= 500) {
		out->err = AWS_ERR_SERVER;
	} else {
		out->err = AWS_ERR_CLIENT;
	}
}

uint64_t
retry_backoff_ms(unsigned attempt, double rand01)
{
	double cap_s, delay;

	if (attempt == 0)
		attempt = 1;
	if (rand01 < 0)
		rand01 = 0;
	if (rand01 >= 1)
		rand01 = 0.999999;
	cap_s = attempt > 6 ? 20.0 : fmin(ldexp(1.0, (int)attempt - 1), 20.0);
	delay = rand01 * cap_s * 1000.0;
	return (uint64_t)delay;
}

static int
retry__month(const char *m)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };

	for (int i = 0; i < 12; i++) {
		if (strncmp(m, months[i], 3) == 0)
			return i + 1;
	}
	return 0;
}

int
retry_parse_http_date(const char *s, double *out)
{
	char wday[16], mon[4];
	int d, y, h, mi, sec, m;
	char iso[80];

	if (s == NULL)
		return -1;
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (sscanf(s, "%15[A-Za-z], %d %3s %d %d:%d:%d GMT", wday, &d, mon, &y, &h, &mi, &sec) == 7) {
		/* ok */
	} else if (sscanf(s, "%15[A-Za-z], %d-%3s-%d %d:%d:%d GMT", wday, &d, mon, &y, &h, &mi,
		       &sec) == 7) {
		/* RFC 850: two-digit years */
		y += y < 70 ? 2000 : y < 100 ? 1900 : 0;
	} else if (sscanf(s, "%15s %3s %d %d:%d:%d %d", wday, mon, &d, &h, &mi, &sec, &y) == 7) {
		/* asctime */
	} else {
		return -1;
	}
	m = retry__month(mon);
	if (m == 0 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 9999)
		return -1;
	snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h, mi, sec);
	return util_parse_time(iso, out);
}

int64_t
retry_after_ms(const struct http_response *res, double now_epoch)
{
	long long v;
	double when;

	if (res->amz_retry_after != NULL &&
	    util_parse_ll(res->amz_retry_after, 0, 86400000LL, &v) == 0)
		return (int64_t)v;
	if (res->retry_after == NULL)
		return -1;
	if (util_parse_ll(res->retry_after, 0, 86400, &v) == 0)
		return (int64_t)v * 1000;
	if (retry_parse_http_date(res->retry_after, &when) == 0)
		return when > now_epoch ? (int64_t)((when - now_epoch) * 1000.0) : 0;
	return -1;
}

uint64_t
retry_delay_ms(uint64_t backoff_ms, int64_t server_ms)
{
	uint64_t want;

	if (server_ms < 0)
		return backoff_ms;
	want = (uint64_t)server_ms;
	if (want < backoff_ms)
		return backoff_ms;
	if (want > backoff_ms + RETRY_AFTER_EXTRA_MS)
		return backoff_ms + RETRY_AFTER_EXTRA_MS;
	return want;
}

void
retry_quota_init(struct retry_quota *q)
{
	q->available = RETRY_QUOTA_MAX;
	q->max = RETRY_QUOTA_MAX;
}

int
retry_quota_take(struct retry_quota *q, enum retry_kind kind)
{
	int cost = kind == RETRY_TIMEOUT ? RETRY_COST_TIMEOUT : RETRY_COST;

	if (q->available < cost)
		return 0;
	q->available -= cost;
	return cost;
}

void
retry_quota_success(struct retry_quota *q, int cost)
{
	q->available += cost > 0 ? cost : RETRY_REFUND_FIRST;
	if (q->available > q->max)
		q->available = q->max;
}

unsigned
retry_max_attempts(unsigned configured, char **cause)
{
	const char *v = getenv("AWS_MAX_ATTEMPTS");
	long long n;

	if (v != NULL && v[0] != '\0') {
		if (util_parse_ll(v, 1, 100, &n) < 0) {
			if (cause != NULL)
				*cause = xasprintf("AWS_MAX_ATTEMPTS=%s: not a whole number from 1 to "
						   "100",
				    v);
			return 0;
		}
		return (unsigned)n;
	}
	return configured > 0 ? configured : RETRY_DEFAULT_ATTEMPTS;
}
