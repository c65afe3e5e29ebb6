/*
 * test_protocol.c: request building and answer decoding for json 1.1,
 * rest-json, query and ec2.
 *
 *  - Every captured answer in tests/data/responses (70, all parsed by
 *    botocore 1.43) and every edge case in tests/data/protocol/edge decodes
 *    to what botocore says (tests/data/protocol/expected.json, written by
 *    gen_expected.py from botocore itself): outcome, code, message, request id.
 *  - Every request botocore signed in tests/data/wire/wire-{pypi,debian}.json
 *    is rebuilt from its parameters: same method, path, query, body (JSON
 *    compared as values: whitespace is not part of the protocol; forms byte
 *    for byte), Content-Type and X-Amz-Target, and the same endpoint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/aws/endpoint.h"
#include "core/aws/protocol.h"
#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "lib/testsrv.h"

static cJSON *
load_json(const char *rel)
{
	size_t len;
	char *raw = testsrv_read_data(rel, &len);
	cJSON *j;

	if (raw == NULL)
		fail_msg("cannot read tests/data/%s", rel);
	j = cJSON_ParseWithLength(raw, len);
	free(raw);
	if (j == NULL)
		fail_msg("tests/data/%s is not JSON", rel);
	return j;
}

static const char *
hdr(const cJSON *headers, const char *name)
{
	for (const cJSON *h = headers != NULL ? headers->child : NULL; h != NULL; h = h->next) {
		if (util_strcasecmp(h->string, name) == 0 && cJSON_IsString(h))
			return h->valuestring;
	}
	return NULL;
}

/* A fixture {status, headers, body} as the HTTP engine would hand it over. */
static void
fixture_response(const cJSON *fx, struct http_response *res)
{
	const cJSON *h = cJSON_GetObjectItem(fx, "headers");
	const cJSON *body = cJSON_GetObjectItem(fx, "body");

	memset(res, 0, sizeof *res);
	res->error = HTTP_OK;
	res->status = (long)cJSON_GetObjectItem(fx, "status")->valuedouble;
	res->request_id = hdr(h, "x-amzn-RequestId");
	if (res->request_id == NULL)
		res->request_id = hdr(h, "x-amz-request-id");
	res->error_type = hdr(h, "X-Amzn-ErrorType");
	res->content_type = hdr(h, "Content-Type");
	res->body = body->valuestring;
	res->body_len = strlen(body->valuestring);
}

static void
svc_op_of(const char *key, enum aws_service *svc, char *op, size_t oplen)
{
	char tmp[256];
	char *slash, *base, *dot;

	snprintf(tmp, sizeof tmp, "%s", key);
	base = strrchr(tmp, '/');
	assert_non_null(base);
	*base++ = '\0';
	slash = strrchr(tmp, '/');
	assert_non_null(slash);
	if (endpoint_service_by_name(slash + 1, svc) != 0)
		fail_msg("%s: unknown service", key);
	dot = strchr(base, '.');
	*dot = '\0';
	snprintf(op, oplen, "%s", base);
}

static void
test_decode_like_botocore(void **state)
{
	cJSON *exp = load_json("protocol/expected.json");
	const cJSON *answers = cJSON_GetObjectItem(exp, "answers");
	int n = 0, errors = 0, successes = 0;

	(void)state;
	for (const cJSON *e = answers->child; e != NULL; e = e->next) {
		cJSON *fx = load_json(e->string);
		struct http_response res;
		struct proto_answer a;
		enum aws_service svc;
		char op[128];
		const cJSON *code = cJSON_GetObjectItem(e, "code");
		const cJSON *msg = cJSON_GetObjectItem(e, "message");
		const cJSON *rid = cJSON_GetObjectItem(e, "request_id");

		svc_op_of(e->string, &svc, op, sizeof op);
		fixture_response(fx, &res);
		proto_decode(endpoint_service(svc), op, &res, &a);
		assert_non_null(a.code);
		assert_non_null(a.message);
		assert_non_null(a.request_id);
		assert_int_equal(a.status, res.status);
		if (code == NULL) {
			if (a.outcome != PROTO_SUCCESS)
				fail_msg("%s: not a success: %s", e->string, a.message);
			if (endpoint_service(svc)->protocol == AWS_PROTO_JSON ||
			    endpoint_service(svc)->protocol == AWS_PROTO_REST_JSON)
				assert_true(cJSON_IsObject(a.json));
			else
				assert_non_null(a.result);
			successes++;
		} else {
			if (a.outcome != PROTO_AWS_ERROR)
				fail_msg("%s: outcome %d, want an AWS error", e->string, a.outcome);
			/* botocore has no code for an <Error> without <Code>: ours is the status. */
			if (cJSON_IsString(code) && strcmp(a.code, code->valuestring) != 0)
				fail_msg("%s: code %s, botocore %s", e->string, a.code,
				    code->valuestring);
			if (cJSON_IsNull(code))
				assert_int_equal(strtol(a.code, NULL, 10), res.status);
			if (strcmp(a.message, msg->valuestring) != 0)
				fail_msg("%s: message \"%s\", botocore \"%s\"", e->string, a.message,
				    msg->valuestring);
			errors++;
		}
		if (cJSON_IsString(rid) && strcmp(a.request_id, rid->valuestring) != 0)
			fail_msg("%s: request id %s, botocore %s", e->string, a.request_id,
			    rid->valuestring);
		proto_answer_done(&a, n % 2);
		cJSON_Delete(fx);
		n++;
	}
	assert_true(n >= 93);
	assert_true(successes >= 40);
	assert_true(errors >= 45);
	cJSON_Delete(exp);
}

static void
decode_raw(enum aws_service svc, const char *op, long status, const char *body,
    struct proto_answer *a)
{
	struct http_response res;

	memset(&res, 0, sizeof res);
	res.status = status;
	res.body = body;
	res.body_len = strlen(body);
	proto_decode(endpoint_service(svc), op, &res, a);
}

static void
test_bad_answers(void **state)
{
	static const struct {
		enum aws_service svc;
		const char *op;
		const char *body;
		const char *words;
	} cases[] = {
		{ AWS_SVC_ORGANIZATIONS, "ListRoots", "", "empty body" },
		{ AWS_SVC_ORGANIZATIONS, "ListRoots", "{\"Roots\": [", "not a JSON object" },
		{ AWS_SVC_ORGANIZATIONS, "ListRoots", "[1,2]", "not a JSON object" },
		{ AWS_SVC_ORGANIZATIONS, "ListRoots", "null", "not a JSON object" },
		{ AWS_SVC_ORGANIZATIONS, "ListRoots", "{\"__type\":\"ns#Throttling\",\"message\":\"x\"}",
		    "carrying an error: Throttling" },
		{ AWS_SVC_GUARDDUTY, "ListDetectors", "", "empty body" },
		{ AWS_SVC_GUARDDUTY, "ListDetectors", "{\"detectorIds\":[\"a\"", "not a JSON object" },
		{ AWS_SVC_STS, "GetCallerIdentity", "", "empty body" },
		{ AWS_SVC_STS, "GetCallerIdentity", "<GetCallerIdentityResponse><GetCallerIdentityResult>",
		    "not XML" },
		{ AWS_SVC_STS, "GetCallerIdentity",
		    "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message>"
		    "</Error><RequestId>r</RequestId></ErrorResponse>",
		    "carrying an error: Throttling" },
		{ AWS_SVC_EC2, "DescribeRegions",
		    "<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors>"
		    "</Response>",
		    "carrying an error" },
		{ AWS_SVC_EC2, "DescribeRegions", "<!DOCTYPE x><x/>", "DOCTYPE" },
	};
	struct buf deep;
	struct proto_answer a;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		decode_raw(cases[i].svc, cases[i].op, 200, cases[i].body, &a);
		if (a.outcome != PROTO_BAD_ANSWER)
			fail_msg("case %zu: outcome %d", i, a.outcome);
		if (strstr(a.message, cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, a.message, cases[i].words);
		proto_answer_done(&a, 0);
	}
	/* 10,000-deep JSON: refused by cJSON's nesting limit, not a crash. */
	buf_init(&deep);
	buf_adds(&deep, "{\"a\":");
	for (int i = 0; i < 10000; i++)
		buf_addc(&deep, '[');
	decode_raw(AWS_SVC_CONFIG, "GetComplianceSummaryByConfigRule", 200, deep.data, &a);
	assert_int_equal(a.outcome, PROTO_BAD_ANSWER);
	proto_answer_done(&a, 0);
	buf_done(&deep);
	/* A query answer without its Result wrapper: the root stands in. */
	decode_raw(AWS_SVC_STS, "GetCallerIdentity", 200,
	    "<GetCallerIdentityResponse><ResponseMetadata><RequestId>q</RequestId>"
	    "</ResponseMetadata></GetCallerIdentityResponse>",
	    &a);
	assert_int_equal(a.outcome, PROTO_SUCCESS);
	assert_string_equal(a.result->name, "GetCallerIdentityResponse");
	assert_string_equal(a.request_id, "q");
	proto_answer_done(&a, 1);
	/* A 4xx with an XML body that is not XML: botocore's generic answer. */
	decode_raw(AWS_SVC_STS, "AssumeRole", 403, "Forbidden!", &a);
	assert_int_equal(a.outcome, PROTO_AWS_ERROR);
	assert_string_equal(a.code, "403");
	assert_string_equal(a.message, "Forbidden");
	proto_answer_done(&a, 0);
}

/* Found by fuzz_json_error: an empty code (header "", "ns#", <Code/>) becomes the status. */
static void
test_empty_codes_become_status(void **state)
{
	struct http_response res;
	struct proto_answer a;

	(void)state;
	memset(&res, 0, sizeof res);
	res.status = 400;
	res.error_type = "";
	res.body = "{\"message\":\"m\"}";
	res.body_len = strlen(res.body);
	proto_decode(endpoint_service(AWS_SVC_GUARDDUTY), "ListDetectors", &res, &a);
	assert_int_equal(a.outcome, PROTO_AWS_ERROR);
	assert_string_equal(a.code, "400");
	assert_string_equal(a.message, "m");
	proto_answer_done(&a, 0);
	res.error_type = NULL;
	res.body = "not json";
	res.body_len = 8;
	res.error_type = "";
	proto_decode(endpoint_service(AWS_SVC_GUARDDUTY), "ListDetectors", &res, &a);
	assert_string_equal(a.code, "400");
	proto_answer_done(&a, 0);
	res.error_type = NULL;
	decode_raw(AWS_SVC_ORGANIZATIONS, "ListRoots", 403, "{\"__type\":\"ns#\"}", &a);
	assert_string_equal(a.code, "403");
	proto_answer_done(&a, 0);
	decode_raw(AWS_SVC_STS, "AssumeRole", 403,
	    "<ErrorResponse><Error><Code/><Message>x</Message></Error></ErrorResponse>", &a);
	assert_string_equal(a.code, "403");
	assert_string_equal(a.message, "x");
	proto_answer_done(&a, 0);
}

static void
test_error_code_cut(void **state)
{
	char out[64];

	(void)state;
	proto_error_code("aws.protocoltests#FooError:http://internal/x#y", out, sizeof out);
	assert_string_equal(out, "FooError");
	proto_error_code("BadRequestException:http://internal.amazon.com/coral/", out, sizeof out);
	assert_string_equal(out, "BadRequestException");
	proto_error_code("com.amazonaws#LimitExceededException", out, sizeof out);
	assert_string_equal(out, "LimitExceededException");
	proto_error_code("Plain", out, sizeof out);
	assert_string_equal(out, "Plain");
	proto_error_code("", out, sizeof out);
	assert_string_equal(out, "");
	proto_error_code(NULL, out, sizeof out);
	assert_string_equal(out, "");
	proto_error_code("ns#VeryLongCodeName", out, 5);
	assert_string_equal(out, "Very");
	assert_string_equal(proto_status_phrase(503), "Service Unavailable");
	assert_string_equal(proto_status_phrase(599), "");
}

/* --- request builders against botocore's captured requests ------------------------- */

static char *
pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 1) {
			char hexs[3] = { s[i + 1], s[i + 2], 0 };

			*o++ = (char)strtol(hexs, NULL, 16);
			i += 2;
		} else if (s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Sets obj[path] = value, where "Filter.1.Value.2" / "X.member.1" build arrays. */
static void
unflatten_one(cJSON *obj, char *key, const char *value, int ec2)
{
	char *dot = strchr(key, '.');
	cJSON *child;

	if (dot == NULL) {
		cJSON_AddStringToObject(obj, key, value);
		return;
	}
	*dot = '\0';
	child = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!ec2 && strncmp(dot + 1, "member.", 7) == 0) {
		char *idx = dot + 8, *rest = strchr(idx, '.');
		long i = strtol(idx, NULL, 10);
		cJSON *arr = child != NULL ? child : cJSON_AddArrayToObject(obj, key);
		cJSON *el;

		if (rest == NULL) {
			cJSON_AddItemToArray(arr, cJSON_CreateString(value));
			return;
		}
		el = cJSON_GetArrayItem(arr, (int)i - 1);
		if (el == NULL) {
			el = cJSON_CreateObject();
			cJSON_AddItemToArray(arr, el);
		}
		unflatten_one(el, rest + 1, value, ec2);
		return;
	}
	if (ec2 && dot[1] >= '0' && dot[1] <= '9') {
		char *rest = strchr(dot + 1, '.');
		long i = strtol(dot + 1, NULL, 10);
		cJSON *arr = child != NULL ? child : cJSON_AddArrayToObject(obj, key);
		cJSON *el;

		if (rest == NULL) {
			cJSON_AddItemToArray(arr, cJSON_CreateString(value));
			return;
		}
		el = cJSON_GetArrayItem(arr, (int)i - 1);
		if (el == NULL) {
			el = cJSON_CreateObject();
			cJSON_AddItemToArray(arr, el);
		}
		unflatten_one(el, rest + 1, value, ec2);
		return;
	}
	if (child == NULL)
		child = cJSON_AddObjectToObject(obj, key);
	unflatten_one(child, dot + 1, value, ec2);
}

/* Rebuilds the parameters of a captured request. Caller deletes. */
static cJSON *
params_of(const cJSON *rq, enum aws_service svc, const char *op)
{
	const struct endpoint_service_info *info = endpoint_service(svc);
	const char *url = cJSON_GetObjectItem(rq, "url")->valuestring;
	const cJSON *body = cJSON_GetObjectItem(rq, "body");
	const char *path = strchr(url + 8, '/');
	const char *q = strchr(url, '?');
	cJSON *p;

	if (info->protocol == AWS_PROTO_QUERY || info->protocol == AWS_PROTO_EC2) {
		char *form = xstrdup(body->valuestring), *save = NULL;

		p = cJSON_CreateObject();
		for (char *kv = form; kv != NULL; kv = save) {
			char *amp = strchr(kv, '&'), *eq, *k, *v;

			save = amp != NULL ? amp + 1 : NULL;
			if (amp != NULL)
				*amp = '\0';
			eq = strchr(kv, '=');
			k = pct_decode(kv, (size_t)(eq - kv));
			v = pct_decode(eq + 1, strlen(eq + 1));
			if (strcmp(k, "Action") != 0 && strcmp(k, "Version") != 0)
				unflatten_one(p, k, v, info->protocol == AWS_PROTO_EC2);
			free(k);
			free(v);
		}
		free(form);
		return p;
	}
	p = cJSON_IsString(body) ? cJSON_Parse(body->valuestring) : cJSON_CreateObject();
	if (info->protocol == AWS_PROTO_REST_JSON) {
		const struct proto_rest_op *rop = proto_rest_op(svc, op);
		const char *t = rop->uri, *w = path;
		const char *tok;

		assert_non_null(rop);
		/* Labels: match the template against the wire path. */
		while (*t != '\0' && *w != '\0') {
			if (*t == '{') {
				const char *close = strchr(t, '}');
				int greedy = close[-1] == '+';
				char name[64];
				size_t n = (size_t)(close - t - 1 - greedy), vl;
				const char *vend;

				memcpy(name, t + 1, n);
				name[n] = '\0';
				vend = greedy ? w + strcspn(w, "?") : w + strcspn(w, "/?");
				vl = (size_t)(vend - w);
				{
					char *v = pct_decode(w, vl);

					cJSON_AddStringToObject(p, name, v);
					free(v);
				}
				w = vend;
				t = close + 1;
			} else {
				t++;
				w++;
			}
		}
		/* Query members, in wire order. */
		for (tok = q != NULL ? q + 1 : NULL; tok != NULL && *tok != '\0';) {
			const char *amp = strchr(tok, '&'), *eq = strchr(tok, '=');
			size_t kl = (size_t)(eq - tok);
			size_t vl = amp != NULL ? (size_t)(amp - eq - 1) : strlen(eq + 1);
			char *k = pct_decode(tok, kl), *v = pct_decode(eq + 1, vl);

			cJSON_AddStringToObject(p, k, v);
			free(k);
			free(v);
			tok = amp != NULL ? amp + 1 : NULL;
		}
		{
			const char *bearer = hdr(cJSON_GetObjectItem(rq, "headers"),
			    "x-amz-sso_bearer_token");

			if (bearer != NULL)
				cJSON_AddStringToObject(p, "x-amz-sso_bearer_token", bearer);
		}
	}
	return p;
}

static void
pascal_of(const char *snake, char *out, size_t len)
{
	size_t o = 0;
	int up = 1;

	for (const char *s = snake; *s != '\0' && *s != '#' && o + 1 < len; s++) {
		if (*s == '_') {
			up = 1;
			continue;
		}
		out[o++] = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
		up = 0;
	}
	out[o] = '\0';
}

static int
check_wire_file(const char *rel)
{
	cJSON *doc = load_json(rel);
	const cJSON *reqs = cJSON_GetObjectItem(doc, "requests");
	int n = 0;

	for (const cJSON *rq = reqs->child; rq != NULL; rq = rq->next) {
		const cJSON *headers = cJSON_GetObjectItem(rq, "headers");
		const cJSON *body = cJSON_GetObjectItem(rq, "body");
		const char *svcname, *region, *url;
		enum aws_service svc;
		char op[128], *cause = NULL;
		cJSON *params;
		struct proto_wire w;
		struct endpoint ep;
		struct buf full;
		const char *want;

		if (headers == NULL)
			continue; /* Debian's old models lack a few operations: skipped there */
		svcname = cJSON_GetObjectItem(rq, "service")->valuestring;
		region = cJSON_GetObjectItem(rq, "region")->valuestring;
		url = cJSON_GetObjectItem(rq, "url")->valuestring;
		assert_int_equal(endpoint_service_by_name(svcname, &svc), 0);
		pascal_of(cJSON_GetObjectItem(rq, "op")->valuestring, op, sizeof op);
		params = params_of(rq, svc, op);
		if (proto_build(endpoint_service(svc), op, params, &w, &cause) != 0)
			fail_msg("%s %s: %s", svcname, op, cause);
		assert_int_equal(endpoint_resolve(svc, region, NULL, &ep, NULL), 0);
		buf_init(&full);
		buf_printf(&full, "%s%s%s%s", ep.url, w.path.data, w.query.len > 0 ? "?" : "",
		    w.query.data);
		if (strcmp(full.data, url) != 0)
			fail_msg("%s %s: URL %s, botocore %s", svcname, op, full.data, url);
		assert_string_equal(w.method, cJSON_GetObjectItem(rq, "method")->valuestring);
		want = hdr(headers, "Content-Type");
		if (want == NULL)
			assert_null(w.content_type);
		else
			assert_string_equal(w.content_type, want);
		want = hdr(headers, "X-Amz-Target");
		if (want == NULL)
			assert_null(w.target);
		else
			assert_string_equal(w.target, want);
		want = hdr(headers, "x-amz-sso_bearer_token");
		if (want != NULL) {
			assert_int_equal(w.nheaders, 1);
			assert_string_equal(w.headers[0].value, want);
		}
		if (!cJSON_IsString(body)) {
			assert_int_equal(w.body.len, 0);
		} else if (endpoint_service(svc)->protocol == AWS_PROTO_QUERY ||
			   endpoint_service(svc)->protocol == AWS_PROTO_EC2) {
			assert_string_equal(w.body.data, body->valuestring);
		} else {
			cJSON *a = cJSON_Parse(w.body.data), *b = cJSON_Parse(body->valuestring);

			if (!cJSON_Compare(a, b, 1))
				fail_msg("%s %s: body %s, botocore %s", svcname, op, w.body.data,
				    body->valuestring);
			cJSON_Delete(a);
			cJSON_Delete(b);
		}
		buf_done(&full);
		proto_wire_done(&w);
		cJSON_Delete(params);
		n++;
	}
	cJSON_Delete(doc);
	return n;
}

static void
test_builders_match_botocore(void **state)
{
	(void)state;
	assert_true(check_wire_file("wire/wire-pypi.json") >= 40);
	assert_true(check_wire_file("wire/wire-debian.json") >= 30);
}

static void
expect_build_fail(enum aws_service svc, const char *op, const char *json, const char *words)
{
	cJSON *p = json != NULL ? cJSON_Parse(json) : NULL;
	struct proto_wire w;
	char *cause = NULL;

	if (proto_build(endpoint_service(svc), op, p, &w, &cause) == 0)
		fail_msg("%s built", op);
	if (strstr(cause, words) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", cause, words);
	free(cause);
	cJSON_Delete(p);
}

static struct proto_wire
build_ok(enum aws_service svc, const char *op, const char *json)
{
	cJSON *p = json != NULL ? cJSON_Parse(json) : NULL;
	struct proto_wire w;
	char *cause = NULL;

	if (json != NULL && p == NULL)
		fail_msg("bad test JSON %s", json);
	if (proto_build(endpoint_service(svc), op, p, &w, &cause) != 0)
		fail_msg("%s: %s", op, cause);
	cJSON_Delete(p);
	return w;
}

static void
test_builder_edges(void **state)
{
	struct proto_wire w;
	struct buf deep;

	(void)state;
	/* Labels: non-greedy encodes '/', greedy keeps it; both encode ':' and spaces. */
	w = build_ok(AWS_SVC_GUARDDUTY, "GetDetector", "{\"DetectorId\":\"a/b c:d\"}");
	assert_string_equal(w.path.data, "/detector/a%2Fb%20c%3Ad");
	assert_string_equal(w.method, "GET");
	assert_null(w.content_type);
	assert_int_equal(w.body.len, 0);
	proto_wire_done(&w);
	w = build_ok(AWS_SVC_SECURITYHUB, "GetInsightResults",
	    "{\"InsightArn\":\"arn:aws:securityhub:eu-west-1:1:insight/1/custom/x y\"}");
	assert_string_equal(w.path.data,
	    "/insights/results/arn%3Aaws%3Asecurityhub%3Aeu-west-1%3A1%3Ainsight/1/custom/x%20y");
	proto_wire_done(&w);
	/* Query members: numbers, booleans, spaces as %20, arrays repeated; body members apart. */
	w = build_ok(AWS_SVC_GUARDDUTY, "ListMembers",
	    "{\"DetectorId\":\"d\",\"maxResults\":50,\"onlyAssociated\":true,"
	    "\"nextToken\":\"a b/c+\",\"extra\":{\"k\":1.5}}");
	assert_string_equal(w.query.data, "maxResults=50&onlyAssociated=true&nextToken=a%20b%2Fc%2B");
	assert_string_equal(w.body.data, "{\"extra\":{\"k\":1.5}}");
	assert_string_equal(w.content_type, "application/json");
	proto_wire_done(&w);
	/* A POST without body members sends {}. */
	w = build_ok(AWS_SVC_SECURITYHUB, "GetFindings", NULL);
	assert_string_equal(w.body.data, "{}");
	assert_string_equal(w.content_type, "application/json");
	proto_wire_done(&w);
	/* json 1.1 without parameters sends {}. */
	w = build_ok(AWS_SVC_ORGANIZATIONS, "ListRoots", NULL);
	assert_string_equal(w.body.data, "{}");
	assert_string_equal(w.target, "AWSOrganizationsV20161128.ListRoots");
	assert_string_equal(w.path.data, "/");
	proto_wire_done(&w);
	/* Query forms: nested lists and structs, empty lists, null, spaces as '+'. */
	w = build_ok(AWS_SVC_STS, "AssumeRole",
	    "{\"RoleArn\":\"arn:aws:iam::1:role/R\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"a b\"}],"
	    "\"PolicyArns\":[],\"Policy\":null,\"DurationSeconds\":900,\"Flag\":false,\"F\":0.1}");
	assert_string_equal(w.body.data,
	    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR"
	    "&Tags.member.1.Key=team&Tags.member.1.Value=a+b&PolicyArns=&DurationSeconds=900"
	    "&Flag=false&F=0.1");
	proto_wire_done(&w);
	/* ec2 lists carry no .member, and empty lists vanish. */
	w = build_ok(AWS_SVC_EC2, "DescribeRegions",
	    "{\"RegionName\":[\"eu-west-1\",\"us-east-1\"],\"Filter\":[],\"AllRegions\":true}");
	assert_string_equal(w.body.data, "Action=DescribeRegions&Version=2016-11-15"
					 "&RegionName.1=eu-west-1&RegionName.2=us-east-1&AllRegions=true");
	proto_wire_done(&w);
	/* The bearer token becomes a header, never part of the URL. */
	w = build_ok(AWS_SVC_SSO_PORTAL, "GetRoleCredentials",
	    "{\"role_name\":\"R\",\"account_id\":\"111122223333\","
	    "\"x-amz-sso_bearer_token\":\"secret-token\"}");
	assert_string_equal(w.query.data, "role_name=R&account_id=111122223333");
	assert_null(strstr(w.query.data, "secret"));
	assert_string_equal(w.headers[0].name, "x-amz-sso_bearer_token");
	assert_string_equal(w.headers[0].value, "secret-token");
	proto_wire_done(&w);
	proto_wire_done(&w); /* twice is harmless */

	expect_build_fail(AWS_SVC_GUARDDUTY, "DeleteDetector", NULL, "not a rest-json operation");
	expect_build_fail(AWS_SVC_GUARDDUTY, "GetDetector", "{}", "DetectorId is missing");
	expect_build_fail(AWS_SVC_GUARDDUTY, "GetDetector", "{\"DetectorId\":\"\"}", "missing");
	expect_build_fail(AWS_SVC_GUARDDUTY, "ListDetectors", "{\"maxResults\":{\"a\":1}}",
	    "maxResults");
	expect_build_fail(AWS_SVC_ORGANIZATIONS, "ListRoots", "[1]", "JSON object");
	expect_build_fail(AWS_SVC_ORGANIZATIONS, "List Roots", NULL, "not an operation name");
	expect_build_fail(AWS_SVC_ORGANIZATIONS, "", NULL, "not an operation name");
	buf_init(&deep);
	buf_adds(&deep, "{\"a\":");
	for (int i = 0; i < 40; i++)
		buf_adds(&deep, "{\"a\":");
	buf_adds(&deep, "1");
	for (int i = 0; i < 41; i++)
		buf_addc(&deep, '}');
	expect_build_fail(AWS_SVC_CONFIG, "DescribeConfigRules", deep.data, "deeper");
	buf_done(&deep);
}

static void
test_json_wipe(void **state)
{
	cJSON *j = cJSON_Parse("{\"a\":{\"SecretAccessKey\":\"s3cr3t\"},\"b\":[\"tok\"]}");
	const cJSON *s, *t;

	(void)state;
	s = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "a"), "SecretAccessKey");
	t = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "b"), 0);
	assert_non_null(s);
	assert_non_null(t);
	proto_json_wipe(j);
	assert_int_equal(s->valuestring[0], 0);
	assert_int_equal(s->string[0], 0);
	assert_int_equal(t->valuestring[0], 0);
	cJSON_Delete(j);
	proto_json_wipe(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_like_botocore),
		cmocka_unit_test(test_bad_answers),
		cmocka_unit_test(test_empty_codes_become_status),
		cmocka_unit_test(test_error_code_cut),
		cmocka_unit_test(test_builders_match_botocore),
		cmocka_unit_test(test_builder_edges),
		cmocka_unit_test(test_json_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
