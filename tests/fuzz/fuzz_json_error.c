/*
 * fuzz_json_error.c: the json 1.1 and rest-json answer decoder (proto_decode)
 * on any status, X-Amzn-ErrorType header and body.
 *
 * Input: byte 0 picks the status, byte 1 the protocol (bit 0: rest-json) and
 * whether an X-Amzn-ErrorType header follows (bit 1: NUL-terminated), then
 * the body. Asserts: never a crash; code, message and request id always
 * set; the outcome agrees with the status (2xx: success or bad answer;
 * otherwise an AWS error, never with an empty code); a success holds a
 * JSON object; a code carries no
 * ':' and no '#' (botocore's cut); messages stay capped; decoding twice
 * gives the same result; wiping and freeing work.
 */
// seeds: tests/fuzz/seeds/json_error tests/fuzz/regress/fuzz_json_error
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/endpoint.h"
#include "core/aws/protocol.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_json_error: %s\n", what);                    \
			abort();                                                           \
		}                                                                          \
	} while (0)

static const long statuses[8] = { 200, 400, 403, 404, 429, 500, 503, 401 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response res;
	struct proto_answer a, b;
	const struct endpoint_service_info *svc;
	char *hdr = NULL, *body;
	size_t off = 2, blen;

	if (size < 2)
		return 0;
	memset(&res, 0, sizeof res);
	res.status = statuses[data[0] & 7];
	svc = endpoint_service((data[1] & 1) ? AWS_SVC_GUARDDUTY : AWS_SVC_ORGANIZATIONS);
	if (data[1] & 2) {
		const uint8_t *nul = memchr(data + 2, '\0', size - 2);

		if (nul == NULL)
			return 0;
		hdr = xstrndup((const char *)data + 2, (size_t)(nul - data - 2));
		off = (size_t)(nul - data) + 1;
		res.error_type = hdr;
	}
	blen = size - off;
	body = xmalloc(blen + 1); /* the engine hands bodies over NUL-terminated */
	memcpy(body, data + off, blen);
	body[blen] = '\0';
	res.body = body;
	res.body_len = blen;
	res.request_id = (data[0] & 8) ? "rid" : NULL;

	proto_decode(svc, "ListDetectors", &res, &a);
	CHECK(a.code != NULL && a.message != NULL && a.request_id != NULL, "NULL field");
	CHECK(a.status == res.status, "status changed");
	if (res.status >= 200 && res.status < 300) {
		CHECK(a.outcome == PROTO_SUCCESS || a.outcome == PROTO_BAD_ANSWER, "2xx outcome");
		if (a.outcome == PROTO_SUCCESS)
			CHECK(cJSON_IsObject(a.json) && a.code[0] == '\0', "success without object");
		else
			CHECK(a.message[0] != '\0', "bad answer without a reason");
	} else {
		CHECK(a.outcome == PROTO_AWS_ERROR, "error outcome");
		CHECK(a.code[0] != '\0', "error without a code");
	}
	CHECK(strchr(a.code, ':') == NULL && strchr(a.code, '#') == NULL, "code not cut");
	CHECK(strlen(a.message) <= 4096, "message not capped");
	proto_decode(svc, "ListDetectors", &res, &b);
	CHECK(a.outcome == b.outcome && strcmp(a.code, b.code) == 0 &&
		  strcmp(a.message, b.message) == 0,
	    "not deterministic");
	proto_answer_done(&a, 1);
	proto_answer_done(&b, 0);
	free(body);
	free(hdr);
	return 0;
}
