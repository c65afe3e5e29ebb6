// seeds: tests/fuzz/seeds/retry
/*
 * fuzz_retry.c: what the client makes of a failed attempt (core/aws/retry.h)
 * on any input: the classification of (transport outcome, status, error
 * code, message, skew), the Retry-After / x-amz-retry-after / Date headers
 * as a server sends them, and the backoff.
 *
 * Input: byte 0 picks the transport outcome and bad_answer, byte 1 the
 * status, byte 2 the attempt number and the clock skew, then four
 * NUL-separated strings: error code, message, Retry-After,
 * x-amz-retry-after (a missing one is absent), and the rest is the Date
 * header.
 *
 * Asserted (the promises the client and RELIABILITY.md C/D rest on):
 *  - the verdict is consistent: a complete 2xx that decoded is AWS_OK with
 *    no retry, and only that; a throttle retry is AWS_ERR_THROTTLED; a
 *    botocore throttling code or a 429 is throttling and nothing else is,
 *    an access denied code below 500 is final and 'denied'; ExpiredToken
 *    asks for fresh credentials;
 *    a transport failure is never AWS_OK;
 *  - classification is a pure function (twice, the same verdict);
 *  - the backoff never exceeds 20 s, the server's wish never pushes the
 *    delay below the backoff nor more than 5 s above it, and a Retry-After
 *    is never negative unless absent (-1);
 *  - a parsed Date is a finite time, and the parser leaves its output
 *    untouched on failure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/retry.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_retry: %s (herr %d status %ld code '%s')\n", \
			    what, (int)in.herr, in.status, in.code ? in.code : "(null)");  \
			abort();                                                           \
		}                                                                          \
	} while (0)

static const long statuses[16] = { 200, 204, 301, 400, 401, 403, 404, 408,
	429, 500, 502, 503, 504, 509, 0, 299 };

/* The next NUL-terminated field, or NULL when the input ends first. */
static char *
field(const uint8_t *data, size_t size, size_t *off)
{
	const uint8_t *nul;
	char *s;

	if (*off >= size)
		return NULL;
	nul = memchr(data + *off, '\0', size - *off);
	if (nul == NULL)
		return NULL;
	s = xstrndup((const char *)data + *off, (size_t)(nul - data) - *off);
	*off = (size_t)(nul - data) + 1;
	return s;
}

static int
is_expired_code(const char *code)
{
	return code != NULL &&
	    (strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct retry_input in;
	struct retry_verdict v, v2;
	struct http_response res;
	char *code, *message, *ra, *ara, *date;
	size_t off = 3;
	double when = -7.25;
	int64_t server;
	unsigned attempt;
	uint64_t backoff;

	memset(&in, 0, sizeof in);
	if (size < 3)
		return 0;
	in.herr = (enum http_error)((data[0] & 0x7f) % HTTP_ERR__COUNT);
	in.bad_answer = (data[0] & 0x80) != 0;
	in.status = in.herr == HTTP_OK ? statuses[data[1] & 15] : 0;
	if ((data[1] & 0xf0) == 0xf0 && in.herr == HTTP_OK)
		in.status = 100 + data[1] % 500; /* any status at all */
	attempt = 1u + (data[2] & 0x1f);
	in.skew_s = (data[2] & 0x80) ? ((data[2] & 0x40) ? -3600.0 : 600.0) : 0.0;
	code = field(data, size, &off);
	message = field(data, size, &off);
	ra = field(data, size, &off);
	ara = field(data, size, &off);
	date = xstrndup(off < size ? (const char *)data + off : "", off < size ? size - off : 0);
	in.code = code;
	in.message = message;

	retry_classify(&in, &v);
	retry_classify(&in, &v2);
	CHECK(v.err == v2.err && v.kind == v2.kind, "classification is not a function");
	CHECK((unsigned)v.err < AWS_ERR__COUNT, "error out of range");
	CHECK(aws_err_name(v.err) != NULL && aws_err_name(v.err)[0] != '\0', "unnamed error");
	if (in.herr != HTTP_OK)
		CHECK(v.err != AWS_OK, "a transport failure counted as success");
	if (v.err == AWS_OK) {
		CHECK(v.kind == RETRY_NONE, "a success is retried");
		CHECK(in.herr == HTTP_OK && in.status >= 200 && in.status < 300 && !in.bad_answer,
		    "AWS_OK for an answer that is not a decoded 2xx");
	}
	if (v.kind == RETRY_THROTTLE)
		CHECK(v.err == AWS_ERR_THROTTLED, "a throttle retry that is not 'throttled'");
	if (in.herr == HTTP_OK && (in.status < 200 || in.status >= 300)) {
		int throttle = retry_is_throttle_code(code) || in.status == 429;

		CHECK(throttle == (v.kind == RETRY_THROTTLE),
		    "throttling (a throttling code or 429) and the throttle retry disagree");
		/* A 5xx is retried whatever its code, as botocore does. */
		if (!throttle && in.status < 500 && retry_is_denied_code(code)) {
			CHECK(v.kind == RETRY_NONE, "access denied is retried");
			CHECK(v.err == AWS_ERR_DENIED, "access denied is not 'denied'");
		}
		if (!throttle && is_expired_code(code))
			CHECK(v.kind == RETRY_REFRESH_CREDS, "ExpiredToken does not refresh");
	}

	/* The server's wish and the delay. */
	memset(&res, 0, sizeof res);
	res.status = in.status;
	res.retry_after = ra;
	res.amz_retry_after = ara;
	res.date = date;
	res.body = "";
	server = retry_after_ms(&res, 1.7e9);
	CHECK(server >= -1, "a negative Retry-After");
	if (ra == NULL && ara == NULL)
		CHECK(server == -1, "a Retry-After out of nothing");
	backoff = retry_backoff_ms(attempt, (double)(data[2] & 0x3f) / 64.0);
	CHECK(backoff <= RETRY_MAX_BACKOFF_MS, "backoff over 20 s");
	{
		uint64_t d = retry_delay_ms(backoff, server);

		CHECK(d >= backoff, "the server's wish shortened the backoff");
		CHECK(d <= backoff + RETRY_AFTER_EXTRA_MS, "the server's wish stretched it past 5 s");
	}

	if (retry_parse_http_date(date, &when) == 0)
		CHECK(isfinite(when), "a non-finite Date");
	else
		CHECK(when == -7.25, "the Date output changed on failure");

	free(code);
	free(message);
	free(ra);
	free(ara);
	free(date);
	return 0;
}
