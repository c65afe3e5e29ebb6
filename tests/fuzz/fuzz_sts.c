/*
 * fuzz_sts.c: decoding STS (query) and EC2 answers: proto_decode on any
 * status and body, then reading AssumeRole's credentials the way
 * core/aws/creds_sts.c does.
 *
 * Input: byte 0 picks the status, byte 1 the protocol (bit 0: ec2), then
 * the body. Asserts: never a crash; fields always set; outcomes agree with
 * the status; a query success has a result element (the OpResult wrapper or
 * the root); an error's code is never empty; the answer is wiped and freed.
 */
// seeds: tests/fuzz/seeds/sts tests/data/responses/sts
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/endpoint.h"
#include "core/aws/protocol.h"
#include "core/aws/xml.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_sts: %s\n", what);                           \
			abort();                                                           \
		}                                                                          \
	} while (0)

static const long statuses[8] = { 200, 400, 403, 404, 429, 500, 503, 401 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response res;
	struct proto_answer a;
	const struct endpoint_service_info *svc;
	const char *op;
	char *body;

	if (size < 2)
		return 0;
	memset(&res, 0, sizeof res);
	res.status = statuses[data[0] & 7];
	svc = endpoint_service((data[1] & 1) ? AWS_SVC_EC2 : AWS_SVC_STS);
	op = (data[1] & 1) ? "DescribeRegions" : (data[1] & 2) ? "AssumeRole" : "GetCallerIdentity";
	body = xmalloc(size - 1);
	memcpy(body, data + 2, size - 2);
	body[size - 2] = '\0';
	res.body = body;
	res.body_len = size - 2;
	res.request_id = (data[0] & 8) ? "hdr-rid" : NULL;
	proto_decode(svc, op, &res, &a);
	CHECK(a.code != NULL && a.message != NULL && a.request_id != NULL, "NULL field");
	CHECK(a.json == NULL, "JSON from an XML protocol");
	if (res.status >= 200 && res.status < 300) {
		CHECK(a.outcome != PROTO_AWS_ERROR, "2xx as an AWS error");
		if (a.outcome == PROTO_SUCCESS) {
			const char *akid, *secret, *token, *when;

			CHECK(a.xml != NULL && a.result != NULL, "success without a result");
			/* What creds_sts.c reads from an AssumeRole answer. */
			akid = xml_path_text(a.result, "Credentials/AccessKeyId");
			secret = xml_path_text(a.result, "Credentials/SecretAccessKey");
			token = xml_path_text(a.result, "Credentials/SessionToken");
			when = xml_path_text(a.result, "Credentials/Expiration");
			if (akid != NULL)
				CHECK(strlen(akid) == xml_path(a.result, "Credentials/AccessKeyId")->text_len,
				    "text length");
			(void)secret;
			(void)token;
			(void)when;
			(void)xml_path_text(a.result, "Account");
		}
	} else {
		CHECK(a.outcome == PROTO_AWS_ERROR, "error outcome");
		CHECK(a.code[0] != '\0', "error without a code");
	}
	proto_answer_done(&a, 1);
	free(body);
	return 0;
}
