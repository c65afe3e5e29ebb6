/*
 * test_client.c: the AWS client end to end over real HTTP on 127.0.0.1: a
 * test server (tests/unit/lib/testsrv) that checks every SigV4 signature
 * with the project's signer and answers like AWS, or misbehaves on purpose:
 * throttling, 503s, Retry-After, expired tokens, a skewed clock, truncated
 * and empty answers, answers that never come, endless pagination.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"
#include "core/aws/ratelimit.h"
#include "core/aws/sigv4.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "lib/awsim_proc.h"
#include "lib/testsrv.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "session-token-EXAMPLE"

enum mode {
	M_OK,
	M_THROTTLE,    /* `fails` throttling answers, then OK */
	M_503,         /* always 503 */
	M_DENIED,
	M_EXPIRED,     /* always ExpiredTokenException */
	M_EXPIRED_ONCE,
	M_RETRY_AFTER, /* one 503 asking for 300 ms, then OK */
	M_HANG,
	M_TRUNC_FIRST, /* one answer cut short, then OK */
	M_EMPTY_200,
	M_SKEW,        /* SignatureDoesNotMatch, Date an hour ahead */
	M_PAGES,       /* three pages, the middle one empty */
	M_PAGES_LOOP,  /* the same token forever */
	M_PAGES_INF    /* a new token forever */
};

struct scen {
	pthread_mutex_t mu;
	enum mode mode;
	int fails;
	int count;
	int sig_ok, sig_bad, unsigned_reqs;
	char region[64], service[64];
	char last_path[512], last_query[512], last_body[1024], last_token_seen[64];
	char bearer[128];
	uint64_t at[32];
} S;

/* Checks the request's signature with the project's own signer. */
static int
verify_sig(const struct testsrv_req *rq)
{
	char auth[2048], host[256];
	struct sigv4_authz az;
	struct sigv4_header hs[32];
	char *copy = xstrdup(rq->headers), *save = copy;
	size_t n = 0;
	struct sigv4_request r;
	struct sigv4_credentials cr = { AKID, SECRET, NULL };
	struct sigv4_result res;
	int ok;

	if (testsrv_req_header(rq, "authorization", auth, sizeof auth) == NULL) {
		free(copy);
		return 0;
	}
	if (sigv4_parse_authorization(auth, &az, NULL) < 0) {
		free(copy);
		return -1;
	}
	while (*save != '\0' && n < 32) {
		char *eol = strchr(save, '\n'), *colon = strchr(save, ':');

		*eol = '\0';
		*colon = '\0';
		hs[n].name = save;
		hs[n].value = colon + 2;
		n++;
		save = eol + 1;
	}
	testsrv_req_header(rq, "host", host, sizeof host);
	memset(&r, 0, sizeof r);
	r.method = rq->method;
	r.host = host;
	r.path = rq->raw_path;
	r.query = rq->query;
	r.headers = hs;
	r.nheaders = n;
	r.body = rq->body;
	r.body_len = rq->body_len;
	r.region = az.region;
	r.service = az.service;
	r.only_signed = az.signed_headers;
	ok = sigv4_sign(NULL, &cr, &r, &res, NULL) == 0 && strcmp(res.signature, az.signature) == 0;
	sigv4_result_done(&res);
	snprintf(S.region, sizeof S.region, "%s", az.region);
	snprintf(S.service, sizeof S.service, "%s", az.service);
	free(copy);
	return ok ? 1 : -1;
}

static void
json_error(struct testsrv_resp *rs, int status, const char *type, const char *msg)
{
	char b[512];

	rs->status = status;
	snprintf(b, sizeof b, "{\"__type\":\"%s\",\"message\":\"%s\"}", type, msg);
	testsrv_resp_body(rs, b);
	testsrv_resp_header(rs, "Content-Type", "application/x-amz-json-1.1");
}

static void
page_answer(const struct testsrv_req *rq, struct testsrv_resp *rs, int n, const char *tok_in)
{
	char b[512];
	const char *next = NULL;
	char tmp[32];
	int rest = strncmp(rq->raw_path, "/detector", 9) == 0;

	switch (S.mode) {
	case M_PAGES:
		next = tok_in[0] == '\0' ? "t1" : strcmp(tok_in, "t1") == 0 ? "t2" : NULL;
		break;
	case M_PAGES_LOOP:
		next = "same";
		break;
	default:
		snprintf(tmp, sizeof tmp, "t%d", n);
		next = tmp;
		break;
	}
	if (rest) {
		/* GuardDuty ends with "nextToken": "". */
		snprintf(b, sizeof b, "{\"detectorIds\":[\"d%d\"],\"nextToken\":\"%s\"}", n,
		    next != NULL ? next : "");
	} else if (next != NULL && strcmp(tok_in, "t1") == 0 && S.mode == M_PAGES) {
		snprintf(b, sizeof b, "{\"Roots\":[],\"NextToken\":\"%s\"}", next); /* empty page */
	} else if (next != NULL) {
		snprintf(b, sizeof b, "{\"Roots\":[{\"Id\":\"r-%d\"}],\"NextToken\":\"%s\"}", n, next);
	} else {
		snprintf(b, sizeof b, "{\"Roots\":[{\"Id\":\"r-%d\"}],\"NextToken\":null}", n);
	}
	testsrv_resp_body(rs, b);
}

static void
handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
{
	char target[128] = "", tok[64] = "";
	int n, sig;

	(void)arg;
	pthread_mutex_lock(&S.mu);
	n = ++S.count;
	if (n <= 32)
		S.at[n - 1] = util_monotonic_ms();
	sig = verify_sig(rq);
	if (sig > 0)
		S.sig_ok++;
	else if (sig < 0)
		S.sig_bad++;
	else
		S.unsigned_reqs++;
	snprintf(S.last_path, sizeof S.last_path, "%s", rq->raw_path);
	snprintf(S.last_query, sizeof S.last_query, "%s", rq->query);
	snprintf(S.last_body, sizeof S.last_body, "%.*s", (int)rq->body_len, rq->body);
	testsrv_req_header(rq, "x-amz-sso_bearer_token", S.bearer, sizeof S.bearer);
	testsrv_req_header(rq, "x-amz-target", target, sizeof target);
	testsrv_resp_header(rs, "x-amzn-RequestId", "rid-test");
	testsrv_resp_header(rs, "Content-Type", "application/x-amz-json-1.1");
	{
		/* The token of a paginated request: json body or query string. */
		const char *p = strstr(rq->body != NULL ? rq->body : "", "\"NextToken\":\"");

		if (p != NULL)
			snprintf(tok, sizeof tok, "%.*s", (int)strcspn(p + 13, "\""), p + 13);
		p = strstr(rq->query, "nextToken=");
		if (p != NULL)
			snprintf(tok, sizeof tok, "%.*s", (int)strcspn(p + 10, "&"), p + 10);
		snprintf(S.last_token_seen, sizeof S.last_token_seen, "%s", tok);
	}
	switch (S.mode) {
	case M_THROTTLE:
		if (n <= S.fails) {
			json_error(rs, 400, "ThrottlingException", "Rate exceeded");
			goto out;
		}
		break;
	case M_503:
		rs->status = 503;
		goto out;
	case M_DENIED:
		json_error(rs, 400, "AccessDeniedException", "You don't have permissions");
		goto out;
	case M_EXPIRED:
		json_error(rs, 400, "com.amazon.coral#ExpiredTokenException",
		    "The security token included in the request is expired");
		goto out;
	case M_EXPIRED_ONCE:
		if (n == 1) {
			json_error(rs, 400, "ExpiredTokenException", "expired");
			goto out;
		}
		break;
	case M_RETRY_AFTER:
		if (n == 1) {
			rs->status = 503;
			testsrv_resp_header(rs, "x-amz-retry-after", "300");
			goto out;
		}
		break;
	case M_HANG:
		rs->mode = TS_HANG;
		goto out;
	case M_TRUNC_FIRST:
		if (n == 1) {
			testsrv_resp_body(rs, "{\"Roots\":[{\"Id\":\"r-ab12\"},{\"Id\":\"r-cd34\"}]}");
			rs->mode = TS_CLOSE_EARLY;
			rs->cut_at = 10;
			goto out;
		}
		break;
	case M_EMPTY_200:
		goto out;
	case M_SKEW: {
		char date[64];
		time_t t = time(NULL) + 3600;
		struct tm tm;

		gmtime_r(&t, &tm); /* lint-ok: tests */
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		json_error(rs, 403, "SignatureDoesNotMatch",
		    "The request signature we calculated does not match the signature you provided.");
		testsrv_resp_header(rs, "Date", date);
		goto out;
	}
	case M_PAGES:
	case M_PAGES_LOOP:
	case M_PAGES_INF:
		page_answer(rq, rs, n, tok);
		goto out;
	default:
		break;
	}
	/* Success answers by operation. */
	if (strcmp(rq->method, "POST") == 0 && strncmp(rq->body, "Action=GetCallerIdentity", 24) == 0) {
		testsrv_resp_body(rs, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
				      "2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
				      "111122223333:user/alice</Arn><UserId>AIDA</UserId><Account>"
				      "111122223333</Account></GetCallerIdentityResult><ResponseMetadata>"
				      "<RequestId>sts-rid</RequestId></ResponseMetadata>"
				      "</GetCallerIdentityResponse>");
		rs->nheaders = 0;
		testsrv_resp_header(rs, "Content-Type", "text/xml");
	} else if (strcmp(rq->raw_path, "/federation/credentials") == 0) {
		testsrv_resp_body(rs, "{\"roleCredentials\":{\"accessKeyId\":\"ASIA\",\"secretAccessKey\":"
				      "\"s\",\"sessionToken\":\"t\",\"expiration\":1717246800000}}");
	} else if (strncmp(rq->raw_path, "/detector", 9) == 0) {
		testsrv_resp_body(rs, "{\"detectorIds\":[\"d1\"],\"members\":[]}");
	} else if (strstr(target, "ListRoots") != NULL) {
		testsrv_resp_body(rs, "{\"Roots\":[{\"Id\":\"r-ab12\",\"Name\":\"Root\"}]}");
	} else {
		testsrv_resp_body(rs, "{}");
	}
out:
	pthread_mutex_unlock(&S.mu);
}

/* --- fixture ------------------------------------------------------------------------------ */

struct fx {
	uv_loop_t loop;
	struct testsrv *srv;
	struct aws_client *c;
	struct creds_provider *creds;
};

struct got {
	int done;
	enum aws_err err;
	char code[128];
	char message[1024];
	char request_id[64];
	long status;
	unsigned attempts, pages;
	int sso_expired;
	char first_root[64];
	char account[32];
	int json, xml;
	uint64_t at;
};

static void
reset_scen(enum mode m, int fails)
{
	pthread_mutex_lock(&S.mu);
	S.mode = m;
	S.fails = fails;
	S.count = 0;
	S.sig_ok = S.sig_bad = S.unsigned_reqs = 0;
	S.region[0] = S.service[0] = S.bearer[0] = '\0';
	pthread_mutex_unlock(&S.mu);
}

static void
fx_init_cfg(struct fx *f, struct aws_client_config *cfg)
{
	char *cause = NULL;

	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_MAX_ATTEMPTS");
	unsetenv("AWS_CA_BUNDLE");
	assert_int_equal(uv_loop_init(&f->loop), 0);
	f->srv = testsrv_start(handler, NULL);
	cfg->region = "eu-west-1";
	cfg->endpoints.profile_url = testsrv_url(f->srv);
	cfg->seed = 42;
	if (cfg->backoff_scale == 0)
		cfg->backoff_scale = 0.01;
	f->c = aws_client_new(&f->loop, cfg, &cause);
	if (f->c == NULL)
		fail_msg("aws_client_new: %s", cause);
	f->creds = creds_provider_static(AKID, SECRET, TOKEN);
	/* Fast buckets for the tests that are not about rates. */
	ratelimit_set_service(aws_client_ratelimit(f->c), AWS_SVC_ORGANIZATIONS, 500, 1000);
}

static void
fx_init(struct fx *f)
{
	struct aws_client_config cfg;

	memset(&cfg, 0, sizeof cfg);
	fx_init_cfg(f, &cfg);
}

static void
fx_done(struct fx *f)
{
	creds_provider_free(f->creds);
	aws_client_free(f->c);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	testsrv_stop(f->srv);
}

static void
on_result(const struct aws_result *r, void *arg)
{
	struct got *g = arg;

	assert_int_equal(g->done, 0);
	g->done = 1;
	g->at = util_monotonic_ms();
	g->err = r->err;
	assert_non_null(r->code);
	assert_non_null(r->message);
	assert_non_null(r->request_id);
	assert_non_null(r->body);
	snprintf(g->code, sizeof g->code, "%s", r->code);
	snprintf(g->message, sizeof g->message, "%s", r->message);
	snprintf(g->request_id, sizeof g->request_id, "%s", r->request_id);
	g->status = r->status;
	g->attempts = r->attempts;
	g->pages = r->pages;
	g->sso_expired = r->sso_expired;
	g->json = r->json != NULL;
	g->xml = r->xml != NULL;
	if (r->json != NULL) {
		const cJSON *roots = cJSON_GetObjectItem(r->json, "Roots");
		const cJSON *id = cJSON_GetObjectItem(cJSON_GetArrayItem(roots, 0), "Id");

		if (cJSON_IsString(id))
			snprintf(g->first_root, sizeof g->first_root, "%s", id->valuestring);
	}
	if (r->xml != NULL && xml_path_text(r->xml, "Account") != NULL)
		snprintf(g->account, sizeof g->account, "%s", xml_path_text(r->xml, "Account"));
}

static void
wait_done(struct fx *f, struct got *g, size_t n)
{
	for (;;) {
		size_t d = 0;

		for (size_t i = 0; i < n; i++)
			d += (size_t)g[i].done;
		if (d == n)
			return;
		uv_run(&f->loop, UV_RUN_ONCE);
	}
}

static struct aws_call *
call_simple(struct fx *f, enum aws_service svc, const char *op, const char *json, struct got *g)
{
	struct aws_request rq;
	cJSON *p = json != NULL ? cJSON_Parse(json) : NULL;
	struct aws_call *c;

	memset(&rq, 0, sizeof rq);
	rq.service = svc;
	rq.operation = op;
	rq.params = p;
	rq.creds = f->creds;
	rq.account = "111122223333";
	c = aws_client_call(f->c, &rq, on_result, g);
	cJSON_Delete(p);
	assert_int_equal(g->done, 0); /* never synchronous */
	return c;
}

/* --- tests ---------------------------------------------------------------------------------- */

static void
test_json_call_signed(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_client_stats st;

	(void)state;
	fx_init(&f);
	reset_scen(M_OK, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", "{\"MaxResults\":20}", &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_string_equal(g.first_root, "r-ab12");
	assert_string_equal(g.request_id, "rid-test");
	assert_int_equal(g.status, 200);
	assert_int_equal(g.attempts, 1);
	assert_int_equal(S.sig_ok, 1);
	assert_int_equal(S.sig_bad, 0);
	/* A custom endpoint signs with the caller's region, as botocore does. */
	assert_string_equal(S.region, "eu-west-1");
	assert_string_equal(S.service, "organizations");
	assert_string_equal(S.last_body, "{\"MaxResults\":20}");
	aws_client_stats(f.c, &st);
	assert_int_equal(st.calls, 1);
	assert_int_equal(st.attempts, 1);
	assert_int_equal(st.inflight, 0);
	assert_int_equal(st.http.requests, 1);
	fx_done(&f);
}

static void
test_rest_json_and_query(void **state)
{
	struct fx f;
	struct got g[3];
	struct aws_request rq;
	cJSON *p;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f);
	reset_scen(M_OK, 0);
	call_simple(&f, AWS_SVC_GUARDDUTY, "ListMembers",
	    "{\"DetectorId\":\"d/1 x\",\"maxResults\":50,\"nextToken\":\"a b/c\"}", &g[0]);
	wait_done(&f, g, 1);
	assert_int_equal(g[0].err, AWS_OK);
	assert_string_equal(S.last_path, "/detector/d%2F1%20x/member");
	assert_string_equal(S.last_query, "maxResults=50&nextToken=a%20b%2Fc");
	assert_int_equal(S.sig_ok, 1); /* the doubly-encoded canonical path verified */
	assert_string_equal(S.service, "guardduty");

	call_simple(&f, AWS_SVC_STS, "GetCallerIdentity", NULL, &g[1]);
	wait_done(&f, &g[1], 1);
	assert_int_equal(g[1].err, AWS_OK);
	assert_int_equal(g[1].xml, 1);
	assert_string_equal(g[1].account, "111122223333");
	assert_string_equal(g[1].request_id, "sts-rid");
	assert_int_equal(S.sig_ok, 2);

	/* The SSO portal is never signed: the bearer token is its credential. */
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_SSO_PORTAL;
	rq.operation = "GetRoleCredentials";
	p = cJSON_Parse("{\"role_name\":\"R\",\"account_id\":\"111122223333\","
			"\"x-amz-sso_bearer_token\":\"bearer-xyz\"}");
	rq.params = p;
	rq.creds = f.creds;
	aws_client_call(f.c, &rq, on_result, &g[2]);
	cJSON_Delete(p);
	wait_done(&f, &g[2], 1);
	assert_int_equal(g[2].err, AWS_OK);
	assert_int_equal(S.unsigned_reqs, 1);
	assert_string_equal(S.bearer, "bearer-xyz");
	assert_string_equal(S.last_query, "role_name=R&account_id=111122223333");
	fx_done(&f);
}

static void
test_raw_request(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_request rq;
	struct aws_raw_request raw = { "POST", "/", NULL, "{\"MaxResults\":5}", 16,
		"application/x-amz-json-1.1", "AWSOrganizationsV20161128.ListRoots" };

	(void)state;
	fx_init(&f);
	reset_scen(M_OK, 0);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListRoots";
	rq.raw = &raw;
	rq.creds = f.creds;
	aws_client_call(f.c, &rq, on_result, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_string_equal(g.first_root, "r-ab12");
	assert_string_equal(S.last_body, "{\"MaxResults\":5}");
	assert_int_equal(S.sig_ok, 1);
	fx_done(&f);
}

static void
test_throttling_retried(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_client_stats st;

	(void)state;
	fx_init(&f);
	reset_scen(M_THROTTLE, 2);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.attempts, 3);
	assert_int_equal(S.sig_ok, 3);
	aws_client_stats(f.c, &st);
	assert_int_equal(st.throttled, 2);
	assert_int_equal(st.retries, 2);
	/* Throttled more often than the attempts allow: the final error is throttling. */
	memset(&g, 0, sizeof g);
	reset_scen(M_THROTTLE, 10);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_THROTTLED);
	assert_string_equal(g.code, "ThrottlingException");
	assert_string_equal(g.message, "Rate exceeded");
	assert_int_equal(g.status, 400);
	assert_int_equal(g.attempts, 3);
	fx_done(&f);
}

static void
test_server_errors_and_max_attempts(void **state)
{
	struct fx f;
	struct got g = { 0 };

	(void)state;
	fx_init(&f);
	reset_scen(M_503, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_SERVER);
	assert_string_equal(g.code, "503");
	assert_string_equal(g.message, "Service Unavailable");
	assert_int_equal(g.attempts, 3);
	assert_int_equal(S.count, 3);
	fx_done(&f);

	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	{
		struct aws_client_config cfg;
		char *cause = NULL;

		memset(&cfg, 0, sizeof cfg);
		assert_int_equal(uv_loop_init(&f.loop), 0);
		f.srv = testsrv_start(handler, NULL);
		cfg.region = "eu-west-1";
		cfg.endpoints.profile_url = testsrv_url(f.srv);
		cfg.backoff_scale = 0.01;
		cfg.max_attempts = 2; /* the environment wins over the profile */
		f.c = aws_client_new(&f.loop, &cfg, &cause);
		assert_non_null(f.c);
		f.creds = creds_provider_static(AKID, SECRET, NULL);
	}
	unsetenv("AWS_MAX_ATTEMPTS");
	memset(&g, 0, sizeof g);
	reset_scen(M_503, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.attempts, 5);
	assert_int_equal(S.count, 5);
	fx_done(&f);

	{
		uv_loop_t loop;
		struct aws_client_config cfg;
		char *cause = NULL;

		memset(&cfg, 0, sizeof cfg);
		setenv("AWS_MAX_ATTEMPTS", "lots", 1);
		assert_int_equal(uv_loop_init(&loop), 0);
		assert_null(aws_client_new(&loop, &cfg, &cause));
		assert_non_null(strstr(cause, "AWS_MAX_ATTEMPTS"));
		free(cause);
		unsetenv("AWS_MAX_ATTEMPTS");
		assert_int_equal(uv_loop_close(&loop), 0);
	}
}

static void
test_denied_is_final(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct buf b;

	(void)state;
	fx_init(&f);
	reset_scen(M_DENIED, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_DENIED);
	assert_string_equal(g.code, "AccessDeniedException");
	assert_int_equal(g.attempts, 1);
	assert_int_equal(S.count, 1);
	{
		struct aws_result r;

		memset(&r, 0, sizeof r);
		r.err = g.err;
		r.code = g.code;
		r.message = g.message;
		r.request_id = g.request_id;
		r.status = g.status;
		r.attempts = g.attempts;
		r.service = AWS_SVC_ORGANIZATIONS;
		r.operation = "ListRoots";
		r.region = "eu-west-1";
		buf_init(&b);
		aws_result_describe(&r, &b);
		assert_string_equal(b.data, "organizations ListRoots (eu-west-1): AccessDeniedException: "
					    "You don't have permissions [HTTP 400, request rid-test, 1 "
					    "attempt]");
		buf_done(&b);
	}
	fx_done(&f);
}

static void
test_expired_token_refreshes_once(void **state)
{
	struct fx f;
	struct got g = { 0 };
	unsigned before;

	(void)state;
	fx_init(&f);
	reset_scen(M_EXPIRED_ONCE, 0);
	before = creds__provider_fetches(f.creds);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.attempts, 2);
	assert_true(creds__provider_fetches(f.creds) > before); /* invalidated, fetched again */
	/* AWS_CALL_NO_RETRY still refreshes expired credentials once. */
	memset(&g, 0, sizeof g);
	reset_scen(M_EXPIRED_ONCE, 0);
	{
		struct aws_request rq;

		memset(&rq, 0, sizeof rq);
		rq.service = AWS_SVC_ORGANIZATIONS;
		rq.operation = "ListRoots";
		rq.creds = f.creds;
		rq.flags = AWS_CALL_NO_RETRY;
		aws_client_call(f.c, &rq, on_result, &g);
	}
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.attempts, 2);
	/* ...but nothing else: a throttle with NO_RETRY is final at once. */
	memset(&g, 0, sizeof g);
	reset_scen(M_THROTTLE, 5);
	{
		struct aws_request rq;

		memset(&rq, 0, sizeof rq);
		rq.service = AWS_SVC_ORGANIZATIONS;
		rq.operation = "ListRoots";
		rq.creds = f.creds;
		rq.flags = AWS_CALL_NO_RETRY;
		aws_client_call(f.c, &rq, on_result, &g);
	}
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_THROTTLED);
	assert_int_equal(g.attempts, 1);
	/* Still expired with fresh credentials: one refresh only, then the error. */
	memset(&g, 0, sizeof g);
	reset_scen(M_EXPIRED, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_EXPIRED_TOKEN);
	assert_string_equal(g.code, "ExpiredTokenException");
	assert_int_equal(g.attempts, 2);
	fx_done(&f);
}

static void
test_retry_after_honoured(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_client_config cfg;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.backoff_scale = 1.0;
	fx_init_cfg(&f, &cfg);
	reset_scen(M_RETRY_AFTER, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.attempts, 2);
	/* The server asked for 300 ms; the backoff of the first retry is below 1 s. */
	assert_true(S.at[1] - S.at[0] >= 290);
	assert_true(S.at[1] - S.at[0] < 1500);
	fx_done(&f);
}

static void
test_deadlines(void **state)
{
	struct fx f;
	struct got g[2];
	struct aws_request rq;
	uint64_t t0;
	struct aws_client_config cfg;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f);
	reset_scen(M_HANG, 0);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListRoots";
	rq.creds = f.creds;
	t0 = util_monotonic_ms();
	rq.deadline_ms = t0 + 400;
	aws_client_call(f.c, &rq, on_result, &g[0]);
	wait_done(&f, g, 1);
	assert_int_equal(g[0].err, AWS_ERR_TIMEOUT);
	assert_true(g[0].at - t0 < 1500);
	assert_non_null(strstr(g[0].message, "deadline"));
	fx_done(&f);

	/* 503s with real backoff and a deadline that leaves no room for the retry. */
	memset(&cfg, 0, sizeof cfg);
	cfg.backoff_scale = 1.0;
	fx_init_cfg(&f, &cfg);
	reset_scen(M_503, 0);
	rq.creds = f.creds;
	t0 = util_monotonic_ms();
	rq.deadline_ms = t0 + 150;
	aws_client_call(f.c, &rq, on_result, &g[1]);
	wait_done(&f, &g[1], 1);
	assert_int_equal(g[1].err, AWS_ERR_SERVER);
	assert_true(g[1].at - t0 < 1000);
	assert_true(g[1].attempts <= 2);
	fx_done(&f);
}

static void
test_cancel(void **state)
{
	struct fx f;
	struct got g[5];
	struct aws_request rq;
	struct aws_call *c0;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f);
	reset_scen(M_HANG, 0);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListRoots";
	rq.creds = f.creds;
	rq.tag = 9;
	c0 = aws_client_call(f.c, &rq, on_result, &g[0]); /* on the wire */
	aws_client_call(f.c, &rq, on_result, &g[1]);
	/* Cost Explorer allows one request a second: the second one waits for a token. */
	rq.service = AWS_SVC_CE;
	rq.operation = "GetCostAndUsage";
	rq.account = "111122223333";
	aws_client_call(f.c, &rq, on_result, &g[2]);
	aws_client_call(f.c, &rq, on_result, &g[3]);
	rq.tag = 0;
	aws_client_call(f.c, &rq, on_result, &g[4]);
	for (int i = 0; i < 20 && S.count < 3; i++)
		uv_run(&f.loop, UV_RUN_NOWAIT);
	{
		struct aws_client_stats st;

		aws_client_stats(f.c, &st);
		assert_int_equal(st.waiting_rate, 2);
	}
	aws_call_cancel(c0);
	assert_int_equal(aws_client_cancel_tag(f.c, 9), 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(g[i].done, 0); /* never from inside cancel */
	wait_done(&f, g, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(g[i].err, AWS_ERR_CANCELLED);
	assert_int_equal(g[4].done, 0);
	/* The untagged call is still waiting: freeing the client ends it, now. */
	creds_provider_free(f.creds);
	f.creds = NULL;
	aws_client_free(f.c);
	assert_int_equal(g[4].done, 1);
	assert_int_equal(g[4].err, AWS_ERR_CANCELLED);
	f.c = NULL;
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f.loop), 0);
	testsrv_stop(f.srv);
}

static void
test_free_with_calls_everywhere(void **state)
{
	struct fx f;
	struct got g[4];
	struct aws_client_config cfg;

	(void)state;
	memset(g, 0, sizeof g);
	memset(&cfg, 0, sizeof cfg);
	cfg.backoff_scale = 1.0;
	fx_init_cfg(&f, &cfg);
	reset_scen(M_503, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g[0]); /* backing off soon */
	call_simple(&f, AWS_SVC_CE, "GetCostAndUsage", NULL, &g[1]);
	call_simple(&f, AWS_SVC_CE, "GetCostAndUsage", NULL, &g[2]); /* waits for a token */
	for (int i = 0; i < 50 && S.count < 2; i++)
		uv_run(&f.loop, UV_RUN_ONCE);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g[3]); /* not started */
	creds_provider_free(f.creds);
	aws_client_free(f.c);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(g[i].done, 1);
		assert_int_equal(g[i].err, AWS_ERR_CANCELLED);
	}
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f.loop), 0);
	testsrv_stop(f.srv);
}

/* --- pagination ------------------------------------------------------------------------------ */

static int
on_page(const struct aws_result *r, void *arg)
{
	struct got *g = arg;

	assert_int_equal(r->err, AWS_OK);
	assert_int_equal(r->pages, g->pages + 1);
	assert_non_null(r->json);
	g->pages++;
	return 0;
}

static struct aws_call *
paginate(struct fx *f, enum aws_service svc, const char *op, const char *json, const char *tin,
    const char *tout, unsigned max, struct got *g)
{
	struct aws_request rq;
	struct aws_paginate pg = { tin, tout, max };
	cJSON *p = json != NULL ? cJSON_Parse(json) : NULL;
	struct aws_call *c;

	memset(&rq, 0, sizeof rq);
	rq.service = svc;
	rq.operation = op;
	rq.params = p;
	rq.creds = f->creds;
	c = aws_client_paginate(f->c, &rq, &pg, on_page, on_result, g);
	cJSON_Delete(p);
	return c;
}

static void
test_pagination(void **state)
{
	struct fx f;
	struct got g;

	(void)state;
	fx_init(&f);
	/* Three pages, the middle one empty but with a token: never stop on an empty page. */
	memset(&g, 0, sizeof g);
	reset_scen(M_PAGES, 0);
	paginate(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", "{\"MaxResults\":1}", "NextToken",
	    "NextToken", 0, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.pages, 3);
	assert_int_equal(S.count, 3);
	assert_string_equal(S.last_token_seen, "t2");
	assert_non_null(strstr(S.last_body, "\"MaxResults\":1"));
	/* rest-json GET: the token goes in the query string; "" ends it (GuardDuty). */
	memset(&g, 0, sizeof g);
	reset_scen(M_PAGES, 0);
	paginate(&f, AWS_SVC_GUARDDUTY, "ListDetectors", "{\"maxResults\":50}", "nextToken",
	    "nextToken", 0, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.pages, 3);
	assert_string_equal(S.last_query, "maxResults=50&nextToken=t2");
	/* The same token twice: stopped. */
	memset(&g, 0, sizeof g);
	reset_scen(M_PAGES_LOOP, 0);
	paginate(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, "NextToken", "NextToken", 0, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_PAGINATION);
	assert_non_null(strstr(g.message, "same pagination token"));
	assert_int_equal(S.count, 2);
	/* Endless fresh tokens: the page cap. */
	memset(&g, 0, sizeof g);
	reset_scen(M_PAGES_INF, 0);
	paginate(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, "NextToken", "NextToken", 7, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_PAGINATION);
	assert_non_null(strstr(g.message, "more than 7 pages"));
	assert_int_equal(S.count, 7);
	fx_done(&f);
}

static int
stop_after_one(const struct aws_result *r, void *arg)
{
	(void)r;
	(void)arg;
	return 1;
}

static void
test_pagination_stop_and_errors(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_request rq;
	struct aws_paginate pg = { "NextToken", "NextToken", 0 };

	(void)state;
	fx_init(&f);
	reset_scen(M_PAGES_INF, 0);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListRoots";
	rq.creds = f.creds;
	aws_client_paginate(f.c, &rq, &pg, stop_after_one, on_result, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.pages, 1);
	assert_int_equal(S.count, 1);
	/* A failing page ends the whole call with its error. */
	memset(&g, 0, sizeof g);
	reset_scen(M_DENIED, 0);
	paginate(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, "NextToken", "NextToken", 0, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_DENIED);
	fx_done(&f);
}

/* --- failures before anything is sent ------------------------------------------------------ */

static void
test_endpoint_and_request_errors(void **state)
{
	struct fx f;
	struct got g[3];
	struct aws_request rq;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f);
	reset_scen(M_OK, 0);
	setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", "http://10.1.2.3:4566", 1);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g[0]);
	unsetenv("AWS_ENDPOINT_URL_ORGANIZATIONS");
	call_simple(&f, AWS_SVC_GUARDDUTY, "DeleteDetector", NULL, &g[1]);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_CONFIG;
	rq.operation = "DescribeConfigRules";
	rq.region = "eu-west-1.evil.example";
	rq.creds = f.creds;
	aws_client_call(f.c, &rq, on_result, &g[2]);
	wait_done(&f, g, 3);
	assert_int_equal(g[0].err, AWS_ERR_ENDPOINT);
	assert_non_null(strstr(g[0].message, "clear text"));
	assert_int_equal(g[1].err, AWS_ERR_REQUEST);
	assert_int_equal(g[2].err, AWS_ERR_ENDPOINT);
	assert_int_equal(S.count, 0);
	fx_done(&f);
}

static void
test_broken_answers(void **state)
{
	struct fx f;
	struct got g = { 0 };

	(void)state;
	fx_init(&f);
	/* A body cut short once: retried, then fine. */
	reset_scen(M_TRUNC_FIRST, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_int_equal(g.attempts, 2);
	/* 200 with an empty body, every time: a bad answer, never success. */
	memset(&g, 0, sizeof g);
	reset_scen(M_EMPTY_200, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_BAD_RESPONSE);
	assert_non_null(strstr(g.message, "empty body"));
	assert_int_equal(g.attempts, 3);
	fx_done(&f);
}

static void
test_clock_skew(void **state)
{
	struct fx f;
	struct got g = { 0 };

	(void)state;
	fx_init(&f);
	reset_scen(M_SKEW, 0);
	call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_CLOCK_SKEW);
	assert_int_equal(g.attempts, 1);
	assert_non_null(strstr(g.message, "clock"));
	assert_non_null(strstr(g.message, "behind"));
	assert_non_null(strstr(g.message, "SignatureDoesNotMatch"));
	fx_done(&f);
}

static void
failing_fetch(struct creds_provider *p)
{
	creds__fetch_done(p, NULL, "SSO session expired: run aws sso login --profile x", 1);
}

static const struct creds_provider_ops failing_ops = { "failing", failing_fetch, NULL, NULL };

static void
test_credentials_failure(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct aws_request rq;
	struct creds_provider *bad;

	(void)state;
	fx_init(&f);
	reset_scen(M_OK, 0);
	bad = creds__provider_new(&failing_ops, NULL, "failing");
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListRoots";
	rq.creds = bad;
	aws_client_call(f.c, &rq, on_result, &g);
	assert_int_equal(g.done, 0);
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_ERR_CREDENTIALS);
	assert_int_equal(g.sso_expired, 1);
	assert_non_null(strstr(g.message, "aws sso login"));
	assert_int_equal(S.count, 0);
	creds_provider_free(bad);
	fx_done(&f);
}

struct tick {
	uv_timer_t t;
	uint64_t last, worst;
	unsigned n;
};

static void
tick_cb(uv_timer_t *t)
{
	struct tick *k = t->data;
	uint64_t now = util_monotonic_ms();

	if (k->last != 0 && now - k->last > k->worst)
		k->worst = now - k->last;
	k->last = now;
	k->n++;
}

static void
test_storm_keeps_loop_free(void **state)
{
	struct fx f;
	struct got *g = xcalloc(60, sizeof *g);
	struct tick k = { 0 };
	struct aws_client_config cfg;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.backoff_scale = 0.05;
	fx_init_cfg(&f, &cfg);
	reset_scen(M_THROTTLE, 40);
	uv_timer_init(&f.loop, &k.t);
	k.t.data = &k;
	uv_timer_start(&k.t, tick_cb, 10, 10);
	for (int i = 0; i < 60; i++)
		call_simple(&f, AWS_SVC_ORGANIZATIONS, "ListRoots", NULL, &g[i]);
	wait_done(&f, g, 60);
	uv_timer_stop(&k.t);
	uv_close((uv_handle_t *)&k.t, NULL);
	for (int i = 0; i < 60; i++)
		assert_true(g[i].err == AWS_OK || g[i].err == AWS_ERR_THROTTLED);
	assert_int_equal(S.sig_bad, 0);
	assert_true(k.worst < 150);
	free(g);
	fx_done(&f);
}

static void
test_debug_call(void **state)
{
	struct fx f;
	struct got g = { 0 };
	char *cause = NULL;
	struct buf b;

	(void)state;
	fx_init(&f);
	reset_scen(M_OK, 0);
	assert_null(aws_client_debug_call(f.c, f.creds, "s3", "ListBuckets", NULL, NULL, on_result,
	    &g, &cause));
	assert_non_null(strstr(cause, "unknown service"));
	free(cause);
	cause = NULL;
	assert_null(aws_client_debug_call(f.c, f.creds, "organizations", "ListRoots", "[1,", NULL,
	    on_result, &g, &cause));
	assert_non_null(strstr(cause, "JSON object"));
	free(cause);
	assert_non_null(aws_client_debug_call(f.c, f.creds, "organizations", "ListRoots",
	    "{\"MaxResults\":3}", "us-west-2", on_result, &g, NULL));
	wait_done(&f, &g, 1);
	assert_int_equal(g.err, AWS_OK);
	assert_string_equal(S.region, "us-west-2");
	{
		struct aws_result r;
		cJSON *j = cJSON_Parse("{\"Roots\":[{\"Id\":\"r-1\"}]}");
		const char *x = "<R><A>1</A><B><C>x</C><C>y</C></B></R>";
		struct xml_doc *d = xml_parse(x, strlen(x), NULL, NULL);

		memset(&r, 0, sizeof r);
		r.json = j;
		buf_init(&b);
		aws_result_dump(&r, &b);
		assert_non_null(strstr(b.data, "\"Id\":\t\"r-1\""));
		buf_reset(&b);
		r.json = NULL;
		r.xml = xml_root(d);
		aws_result_dump(&r, &b);
		assert_non_null(strstr(b.data, "\"C\":\t[\"x\", \"y\"]"));
		buf_done(&b);
		xml_free(d);
		cJSON_Delete(j);
	}
	fx_done(&f);
}

/*
 * Read-only by construction at run time: an operation outside the ops table
 * (a write, or a read orgtop never makes) ends with AWS_ERR_REQUEST before a
 * byte is sent; the dump of an answer shows no secret.
 */
static void
test_refuses_what_the_ops_table_lacks(void **state)
{
	static const char *const refused[][2] = {
		{ "organizations", "CreateAccount" },
		{ "organizations", "LeaveOrganization" },
		{ "guardduty", "ArchiveFindings" },
		{ "organizations", "ListHandshakesForAccount" }, /* a read, but not ours */
		{ "sso-oidc", "CreateToken" },
		{ "ec2", "DescribeRegions" },
	};
	struct fx f;

	(void)state;
	fx_init(&f);
	reset_scen(M_OK, 0);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct got g = { 0 };

		assert_non_null(aws_client_debug_call(f.c, f.creds, refused[i][0], refused[i][1],
		    "{}", NULL, on_result, &g, NULL));
		wait_done(&f, &g, 1);
		assert_int_equal(g.err, AWS_ERR_REQUEST);
		assert_non_null(strstr(g.message, "is not an operation orgtop may send"));
	}
	assert_int_equal(S.count, 0);
	{
		struct aws_result r;
		struct buf b;
		cJSON *j = cJSON_Parse("{\"Credentials\":{\"AccessKeyId\":\"ASIAEXAMPLE0000WXYZ\","
				       "\"SecretAccessKey\":\"s3cr3t-value\",\"SessionToken\":"
				       "\"t0ken-value\"},\"roleCredentials\":{\"accessToken\":"
				       "\"sso-t0ken\"}}");

		memset(&r, 0, sizeof r);
		r.json = j;
		buf_init(&b);
		aws_result_dump(&r, &b);
		assert_null(strstr(b.data, "s3cr3t-value"));
		assert_null(strstr(b.data, "t0ken-value"));
		assert_null(strstr(b.data, "sso-t0ken"));
		assert_null(strstr(b.data, "ASIAEXAMPLE"));
		assert_non_null(strstr(b.data, "****WXYZ"));
		/* the answer itself is untouched (the dump works on a copy) */
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "Credentials"),
		    "SecretAccessKey")->valuestring, "s3cr3t-value");
		buf_done(&b);
		cJSON_Delete(j);
	}
	fx_done(&f);
}

/* AssumeRole's answer: the keys copied out, or "!" + "denied"/the error. */
static void
on_assume(const struct aws_result *r, void *arg)
{
	struct {
		char akid[64], secret[128], token[2048];
	} *ak = arg;

	if (r->err != AWS_OK) {
		snprintf(ak->secret, sizeof ak->secret, "!");
		snprintf(ak->token, sizeof ak->token, "%s",
		    r->err == AWS_ERR_DENIED ? "denied" : r->message);
		return;
	}
	snprintf(ak->akid, sizeof ak->akid, "%s", xml_path_text(r->xml, "Credentials/AccessKeyId"));
	snprintf(ak->secret, sizeof ak->secret, "%s",
	    xml_path_text(r->xml, "Credentials/SecretAccessKey"));
	snprintf(ak->token, sizeof ak->token, "%s", xml_path_text(r->xml, "Credentials/SessionToken"));
}

static void
timer_stop_cb(uv_timer_t *t)
{
	uv_timer_stop(t);
}

/* --- against awsim, the local AWS ------------------------------------------------------- */

struct sim {
	struct awsim_proc *p;
	uv_loop_t loop;
	struct aws_client *c;
	struct creds_provider *creds;
};

/* The awsim of the running test, stopped by the teardown if the test failed half-way. */
static struct awsim_proc *g_live_sim;

static int
sim_teardown(void **state)
{
	(void)state;
	awsim_proc_stop(g_live_sim);
	g_live_sim = NULL;
	return 0;
}

/* Starts awsim with args and a client on it; skips the test when awsim is not built. */
static void
sim_start(struct sim *s, const char *const *args, struct aws_client_config *cfg)
{
	char *why = NULL, *cause = NULL;
	struct aws_client_config def;

	memset(s, 0, sizeof *s);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_MAX_ATTEMPTS");
	s->p = awsim_proc_start(args, &why);
	g_live_sim = s->p;
	if (s->p == NULL) {
		print_message("# awsim: %s\n", why);
		free(why);
		skip();
	}
	if (cfg == NULL) {
		memset(&def, 0, sizeof def);
		cfg = &def;
	}
	cfg->region = awsim_proc_get(s->p, "AWS_REGION");
	cfg->endpoints.profile_url = awsim_proc_get(s->p, "AWS_ENDPOINT_URL");
	cfg->seed = 7;
	if (cfg->backoff_scale == 0)
		cfg->backoff_scale = 0.05;
	assert_int_equal(uv_loop_init(&s->loop), 0);
	s->c = aws_client_new(&s->loop, cfg, &cause);
	if (s->c == NULL)
		fail_msg("aws_client_new: %s", cause);
	/* The storms below are about faults, not about the shared buckets' rates. */
	ratelimit_set_service(aws_client_ratelimit(s->c), AWS_SVC_ORGANIZATIONS, 500, 1000);
	ratelimit_set_service(aws_client_ratelimit(s->c), AWS_SVC_STS, 500, 1000);
	s->creds = creds_provider_static(awsim_proc_get(s->p, "AWS_ACCESS_KEY_ID"),
	    awsim_proc_get(s->p, "AWS_SECRET_ACCESS_KEY"), NULL);
}

static void
sim_stop(struct sim *s)
{
	creds_provider_free(s->creds);
	aws_client_free(s->c);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&s->loop), 0);
	awsim_proc_stop(s->p);
	g_live_sim = NULL;
}

static struct aws_call *
sim_call(struct sim *s, enum aws_service svc, const char *op, const char *region,
    const char *json, struct creds_provider *creds, uint64_t deadline, uint64_t tag,
    struct got *g)
{
	struct aws_request rq;
	cJSON *p = json != NULL ? cJSON_Parse(json) : NULL;
	struct aws_call *c;

	memset(&rq, 0, sizeof rq);
	rq.service = svc;
	rq.operation = op;
	rq.region = region;
	rq.params = p;
	rq.creds = creds != NULL ? creds : s->creds;
	rq.account = awsim_proc_mgmt(s->p);
	rq.deadline_ms = deadline;
	rq.tag = tag;
	c = aws_client_call(s->c, &rq, on_result, g);
	cJSON_Delete(p);
	return c;
}

static void
sim_wait(struct sim *s, struct got *g, size_t n)
{
	for (;;) {
		size_t d = 0;

		for (size_t i = 0; i < n; i++)
			d += (size_t)g[i].done;
		if (d == n)
			return;
		uv_run(&s->loop, UV_RUN_ONCE);
	}
}

/* Collects the account ids of ListAccounts pages. */
struct acct_list {
	char ids[64][13];
	int n;
};

static int
on_accounts_page(const struct aws_result *r, void *arg)
{
	struct got *g = arg;
	struct acct_list *l = (struct acct_list *)(void *)(g + 1);
	const cJSON *a;

	g->pages++;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(r->json, "Accounts"))
	{
		const cJSON *id = cJSON_GetObjectItem(a, "Id");

		if (cJSON_IsString(id) && l->n < 64)
			snprintf(l->ids[l->n++], 13, "%s", id->valuestring);
	}
	return 0;
}

static void
test_awsim_every_protocol(void **state)
{
	const char *args[] = { "--accounts", "20", "--page-size", "5", NULL };
	struct sim s;
	struct {
		struct got g;
		struct acct_list l;
	} pg;
	struct got g[4];
	struct aws_request rq;
	struct aws_paginate pag = { "NextToken", "NextToken", 0 };
	int assumed = 0;

	(void)state;
	memset(&pg, 0, sizeof pg);
	memset(g, 0, sizeof g);
	sim_start(&s, args, NULL);
	/* json 1.1, paginated: 20 accounts in pages of 5. */
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListAccounts";
	rq.creds = s.creds;
	aws_client_paginate(s.c, &rq, &pag, on_accounts_page, on_result, &pg.g);
	sim_wait(&s, &pg.g, 1);
	assert_int_equal(pg.g.err, AWS_OK);
	assert_int_equal(pg.l.n, 20);
	assert_true(pg.g.pages >= 4);
	/* query (STS), signed and answered in XML. */
	sim_call(&s, AWS_SVC_STS, "GetCallerIdentity", NULL, NULL, NULL, 0, 0, &g[0]);
	sim_wait(&s, g, 1);
	assert_int_equal(g[0].err, AWS_OK);
	assert_string_equal(g[0].account, awsim_proc_mgmt(s.p));
	/* AssumeRole into member accounts; then rest-json (GuardDuty) with their keys. */
	for (int i = 0; i < pg.l.n && assumed < 2; i++) {
		char params[256];
		struct got a = { 0 }, d = { 0 };
		struct creds_provider *member;
		struct aws_call *call;

		if (strcmp(pg.l.ids[i], awsim_proc_mgmt(s.p)) == 0)
			continue;
		snprintf(params, sizeof params,
		    "{\"RoleArn\":\"arn:aws:iam::%s:role/OrganizationAccountAccessRole\","
		    "\"RoleSessionName\":\"orgtop-test\",\"DurationSeconds\":900}",
		    pg.l.ids[i]);
		memset(&rq, 0, sizeof rq);
		rq.service = AWS_SVC_STS;
		rq.operation = "AssumeRole";
		rq.creds = s.creds;
		{
			cJSON *p = cJSON_Parse(params);
			struct assumed {
				char akid[64], secret[128], token[2048];
			} *ak = xcalloc(1, sizeof *ak);

			rq.params = p;
			call = aws_client_call(s.c, &rq, on_assume, ak);
			cJSON_Delete(p);
			(void)call;
			while (ak->akid[0] == '\0' && ak->secret[0] != '!')
				uv_run(&s.loop, UV_RUN_ONCE);
			if (ak->secret[0] == '!') {
				/* Some generated accounts refuse the role: denied, not an error. */
				assert_string_equal(ak->token, "denied");
				free(ak);
				continue;
			}
			member = creds_provider_static(ak->akid, ak->secret, ak->token);
			free(ak);
		}
		(void)a;
		sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", "eu-west-1", "{\"maxResults\":5}",
		    member, 0, 0, &d);
		sim_wait(&s, &d, 1);
		assert_true(d.err == AWS_OK || d.err == AWS_ERR_DENIED);
		assert_true(d.json || d.err != AWS_OK);
		creds_provider_free(member);
		assumed++;
	}
	assert_int_equal(assumed, 2);
	sim_stop(&s);
}

struct tick2 {
	uv_timer_t t;
	uint64_t last, worst;
	unsigned n;
};

static void
tick2_cb(uv_timer_t *t)
{
	struct tick2 *k = t->data;
	uint64_t now = util_monotonic_ms();

	if (k->last != 0 && now - k->last > k->worst)
		k->worst = now - k->last;
	k->last = now;
	k->n++;
}

/*
 * A storm of n calls over the three protocols under one awsim fault: each
 * call ends in success after its retries or in the fault's own error, most
 * succeed, and a timer on the loop keeps its pace throughout.
 */
static void
storm(const char *flag, const char *rate, enum aws_err allowed, enum aws_err allowed2)
{
	const char *args[] = { "--accounts", "10", flag, rate, NULL };
	struct sim s;
	enum { N = 90 };
	struct got *g = xcalloc(N, sizeof *g);
	struct tick2 k = { 0 };
	struct aws_client_stats st;
	unsigned ok = 0;
	uint64_t limit = getenv("ORGTOP_SANITIZER") != NULL ? 400 : 150;

	sim_start(&s, args, NULL);
	uv_timer_init(&s.loop, &k.t);
	k.t.data = &k;
	uv_timer_start(&k.t, tick2_cb, 10, 10);
	for (int i = 0; i < N; i++) {
		switch (i % 3) {
		case 0:
			sim_call(&s, AWS_SVC_ORGANIZATIONS, "DescribeOrganization", NULL, NULL, NULL, 0,
			    0, &g[i]);
			break;
		case 1:
			sim_call(&s, AWS_SVC_STS, "GetCallerIdentity", NULL, NULL, NULL, 0, 0, &g[i]);
			break;
		default:
			sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors",
			    i % 2 ? "eu-west-1" : "us-east-1", NULL, NULL, 0, 0, &g[i]);
			break;
		}
	}
	sim_wait(&s, g, N);
	uv_timer_stop(&k.t);
	uv_close((uv_handle_t *)&k.t, NULL);
	for (int i = 0; i < N; i++) {
		if (g[i].err == AWS_OK) {
			ok++;
			continue;
		}
		if (g[i].err != allowed && g[i].err != allowed2)
			fail_msg("%s %s: call %d ended %s: %s", flag, rate, i, aws_err_name(g[i].err),
			    g[i].message);
		assert_true(g[i].attempts >= 3); /* failed only after its retries */
	}
	aws_client_stats(s.c, &st);
	print_message("# %s %s: %u/%d ok, %llu attempts, %llu retries, timer worst %llu ms\n",
	    flag, rate, ok, N, (unsigned long long)st.attempts, (unsigned long long)st.retries,
	    (unsigned long long)k.worst);
	assert_true(ok >= N * 8 / 10);
	assert_true(st.retries > 0);
	assert_true(k.worst < limit);
	free(g);
	sim_stop(&s);
}

static void
test_awsim_throttling(void **state)
{
	(void)state;
	storm("--throttle", "0.3", AWS_ERR_THROTTLED, AWS_ERR_THROTTLED);
}

static void
test_awsim_5xx(void **state)
{
	(void)state;
	storm("--errors", "0.3", AWS_ERR_SERVER, AWS_ERR_SERVER);
}

static void
test_awsim_resets(void **state)
{
	(void)state;
	storm("--resets", "0.3", AWS_ERR_NETWORK, AWS_ERR_NETWORK);
}

static void
test_awsim_truncated(void **state)
{
	(void)state;
	storm("--truncate", "0.3", AWS_ERR_NETWORK, AWS_ERR_BAD_RESPONSE);
}

static void
test_awsim_malformed(void **state)
{
	(void)state;
	storm("--malformed", "0.3", AWS_ERR_BAD_RESPONSE, AWS_ERR_BAD_RESPONSE);
}

static void
test_awsim_blackhole(void **state)
{
	const char *args[] = { "--accounts", "10", "--blackhole", "eu-west-1", NULL };
	struct sim s;
	struct got g[8];
	uint64_t t0;

	(void)state;
	memset(g, 0, sizeof g);
	sim_start(&s, args, NULL);
	t0 = util_monotonic_ms();
	/* The dead region: a deadline ends its calls; a region tag cancels others. */
	sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", "eu-west-1", NULL, NULL, t0 + 1500, 0,
	    &g[0]);
	sim_call(&s, AWS_SVC_CONFIG, "GetComplianceSummaryByConfigRule", "eu-west-1", NULL, NULL,
	    t0 + 1500, 0, &g[1]);
	sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", "eu-west-1", NULL, NULL, 0, 42, &g[2]);
	sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", "eu-west-1", NULL, NULL, 0, 42, &g[3]);
	/* The live regions meanwhile. */
	for (int i = 4; i < 8; i++)
		sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", i % 2 ? "us-east-1" : "eu-central-1",
		    NULL, NULL, 0, 0, &g[i]);
	sim_wait(&s, &g[4], 4);
	for (int i = 4; i < 8; i++) {
		assert_int_equal(g[i].err, AWS_OK);
		assert_true(g[i].at - t0 < 1000); /* never held up by the dead region */
	}
	assert_int_equal(aws_client_cancel_tag(s.c, 42), 2);
	sim_wait(&s, g, 4);
	assert_int_equal(g[0].err, AWS_ERR_TIMEOUT);
	assert_int_equal(g[1].err, AWS_ERR_TIMEOUT);
	assert_true(g[0].at - t0 >= 1400 && g[0].at - t0 < 3000);
	assert_int_equal(g[2].err, AWS_ERR_CANCELLED);
	assert_int_equal(g[3].err, AWS_ERR_CANCELLED);
	sim_stop(&s);
}

static void
test_awsim_expired_session(void **state)
{
	const char *args[] = { "--accounts", "10", "--page-size", "20", "--session-seconds", "1",
		NULL };
	struct sim s;
	struct {
		struct got g;
		struct acct_list l;
	} pg;
	struct got g = { 0 };
	struct aws_request rq;
	struct aws_paginate pag = { "NextToken", "NextToken", 0 };
	struct creds_provider *member = NULL;
	struct {
		char akid[64], secret[128], token[2048];
	} *ak = xcalloc(1, sizeof *ak);
	uv_timer_t t;

	(void)state;
	memset(&pg, 0, sizeof pg);
	sim_start(&s, args, NULL);
	memset(&rq, 0, sizeof rq);
	rq.service = AWS_SVC_ORGANIZATIONS;
	rq.operation = "ListAccounts";
	rq.creds = s.creds;
	aws_client_paginate(s.c, &rq, &pag, on_accounts_page, on_result, &pg.g);
	sim_wait(&s, &pg.g, 1);
	assert_int_equal(pg.g.err, AWS_OK);
	/* A one-second session in the first member account that grants one. */
	for (int i = 0; i < pg.l.n && member == NULL; i++) {
		char params[256];
		cJSON *p;

		if (strcmp(pg.l.ids[i], awsim_proc_mgmt(s.p)) == 0)
			continue;
		snprintf(params, sizeof params,
		    "{\"RoleArn\":\"arn:aws:iam::%s:role/OrganizationAccountAccessRole\","
		    "\"RoleSessionName\":\"short\"}",
		    pg.l.ids[i]);
		memset(&rq, 0, sizeof rq);
		rq.service = AWS_SVC_STS;
		rq.operation = "AssumeRole";
		rq.creds = s.creds;
		p = cJSON_Parse(params);
		rq.params = p;
		memset(ak, 0, sizeof *ak);
		aws_client_call(s.c, &rq, on_assume, ak);
		cJSON_Delete(p);
		while (ak->akid[0] == '\0' && ak->secret[0] != '!')
			uv_run(&s.loop, UV_RUN_ONCE);
		if (ak->akid[0] != '\0')
			member = creds_provider_static(ak->akid, ak->secret, ak->token);
	}
	assert_non_null(member);
	/* Let it expire. */
	uv_timer_init(&s.loop, &t);
	uv_timer_start(&t, timer_stop_cb, 2100, 0);
	uv_run(&s.loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&t, NULL);
	sim_call(&s, AWS_SVC_GUARDDUTY, "ListDetectors", "us-east-1", NULL, member, 0, 0, &g);
	sim_wait(&s, &g, 1);
	/* Refreshed once (a static provider gives the same keys), then reported. */
	assert_int_equal(g.err, AWS_ERR_EXPIRED_TOKEN);
	assert_int_equal(g.attempts, 2);
	creds_provider_free(member);
	free(ak);
	sim_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_call_signed),
		cmocka_unit_test(test_rest_json_and_query),
		cmocka_unit_test(test_raw_request),
		cmocka_unit_test(test_throttling_retried),
		cmocka_unit_test(test_server_errors_and_max_attempts),
		cmocka_unit_test(test_denied_is_final),
		cmocka_unit_test(test_expired_token_refreshes_once),
		cmocka_unit_test(test_retry_after_honoured),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_free_with_calls_everywhere),
		cmocka_unit_test(test_pagination),
		cmocka_unit_test(test_pagination_stop_and_errors),
		cmocka_unit_test(test_endpoint_and_request_errors),
		cmocka_unit_test(test_broken_answers),
		cmocka_unit_test(test_clock_skew),
		cmocka_unit_test(test_credentials_failure),
		cmocka_unit_test(test_storm_keeps_loop_free),
		cmocka_unit_test(test_debug_call),
		cmocka_unit_test(test_refuses_what_the_ops_table_lacks),
		cmocka_unit_test_teardown(test_awsim_every_protocol, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_throttling, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_5xx, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_resets, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_truncated, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_malformed, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_blackhole, sim_teardown),
		cmocka_unit_test_teardown(test_awsim_expired_session, sim_teardown),
	};

	pthread_mutex_init(&S.mu, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
