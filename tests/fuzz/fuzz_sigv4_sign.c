/*
 * fuzz_sigv4_sign.c: sigv4_sign() on any request, in the .req format of the
 * official vectors ("METHOD PATH?QUERY HTTP/1.1", "Name:value" lines, folded
 * lines, a blank line, the body).
 *
 * Asserts: no crash and a cause on failure; on success the Authorization
 * parses back to the scope and signature signed; a cached key signs the
 * same; and verifying the request as awsim does (the headers as sent, only
 * those in SignedHeaders) gives the same signature, with plain and S3 paths.
 */
// seeds: tests/data/sigv4/botocore_aws4_testsuite tests/fuzz/seeds/sign tests/fuzz/regress/fuzz_sigv4_sign
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/sigv4.h"
#include "core/util.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HDRS 32

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_sigv4_sign: %s\n", what);                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

static struct sigv4_key_cache *cache;

static int
has_header(const struct sigv4_header *h, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (util_strcasecmp(h[i].name, name) == 0)
			return 1;
	}
	return 0;
}

static void
sign_and_verify(const struct sigv4_request *in, const struct sigv4_credentials *creds)
{
	struct sigv4_header hdrs[MAX_HDRS + 3];
	struct sigv4_request req = *in;
	struct sigv4_result res, res2;
	struct sigv4_authz az;
	char *cause = NULL;
	size_t n = in->nheaders;

	req.flags |= SIGV4_DEBUG;
	if (sigv4_sign(NULL, creds, &req, &res, &cause) < 0) {
		CHECK(cause != NULL, "failure without a cause");
		CHECK(res.authorization == NULL, "result filled on failure");
		free(cause);
		return;
	}
	CHECK(res.canonical_request != NULL && res.string_to_sign != NULL, "debug output");
	CHECK(sigv4_parse_authorization(res.authorization, &az, NULL) == 0,
	    "own Authorization does not parse");
	CHECK(strcmp(az.signature, res.signature) == 0, "signature");
	CHECK(strcmp(az.signed_headers, res.signed_headers) == 0, "signed headers");
	CHECK(strcmp(az.region, req.region) == 0 && strcmp(az.service, req.service) == 0,
	    "scope");
	CHECK(strncmp(az.date, res.amz_date, 8) == 0, "date");

	req.flags &= ~(unsigned)SIGV4_DEBUG;
	CHECK(sigv4_sign(cache, creds, &req, &res2, NULL) == 0, "cached signing failed");
	CHECK(strcmp(res.signature, res2.signature) == 0, "cached key signs differently");
	sigv4_result_done(&res2);

	/* As sent: what the signer asked the caller to add, then verified. */
	memcpy(hdrs, in->headers, n * sizeof *hdrs);
	if (!has_header(hdrs, n, "x-amz-date")) {
		hdrs[n].name = "X-Amz-Date";
		hdrs[n++].value = res.amz_date;
	}
	if (res.add_token_header) {
		hdrs[n].name = "X-Amz-Security-Token";
		hdrs[n++].value = creds->session_token;
	}
	if (res.content_sha256 != NULL) {
		hdrs[n].name = "x-amz-content-sha256";
		hdrs[n++].value = res.content_sha256;
	}
	req.headers = hdrs;
	req.nheaders = n;
	req.only_signed = az.signed_headers;
	req.flags &= ~(unsigned)SIGV4_SIGN_BODY;
	req.when = 0;
	CHECK(sigv4_sign(cache, creds, &req, &res2, NULL) == 0, "verification failed to sign");
	CHECK(strcmp(res.signature, res2.signature) == 0, "verification signature differs");
	sigv4_result_done(&res2);
	sigv4_result_done(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *line, *next, *sp, *q;
	struct sigv4_header hdrs[MAX_HDRS];
	char *values[MAX_HDRS];
	struct sigv4_request req = {0};
	struct sigv4_credentials creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	    NULL};
	size_t nh = 0;

	if (cache == NULL)
		cache = sigv4_key_cache_new_sized(4);
	if (size % 2)
		creds.session_token = "FQoGZXIvYXdzEXAMPLETOKEN";
	line = text;
	next = strchr(line, '\n');
	if (next != NULL)
		*next++ = '\0';
	req.method = line;
	req.path = "";
	sp = strchr(line, ' ');
	if (sp != NULL) {
		*sp = '\0';
		req.path = sp + 1;
		sp = strrchr(sp + 1, ' ');
		if (sp != NULL)
			*sp = '\0';
		q = strchr(req.path, '?');
		if (q != NULL) {
			*q = '\0';
			req.query = q + 1;
		}
	}
	for (line = next; line != NULL && *line != '\0' && nh < MAX_HDRS; line = next) {
		char *colon;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((*line == ' ' || *line == '\t') && nh > 0) {
			char *joined = xasprintf("%s\n%s", values[nh - 1], line);

			free(values[nh - 1]);
			values[nh - 1] = joined;
			hdrs[nh - 1].value = joined;
			continue;
		}
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		values[nh] = xstrdup(colon + 1);
		hdrs[nh].name = line;
		hdrs[nh].value = values[nh];
		nh++;
	}
	req.headers = hdrs;
	req.nheaders = nh;
	req.body = next != NULL ? next : "";
	req.body_len = strlen(req.body);
	req.host = "example.amazonaws.com:8443";
	req.region = "eu-central-1";
	req.service = "guardduty";
	req.when = 1440938160;

	sign_and_verify(&req, &creds);
	req.flags = SIGV4_S3_PATH | SIGV4_SIGN_BODY;
	sign_and_verify(&req, &creds);

	for (size_t i = 0; i < nh; i++)
		free(values[i]);
	free(text);
	return 0;
}
