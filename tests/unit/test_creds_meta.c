/*
 * test_creds_meta.c: IMDSv2 and container credentials over real HTTP on
 * loopback (the libmicrohttpd test server playing the metadata endpoints):
 * the token dance and its headers, never IMDSv1, missing roles, error
 * codes, timeouts and attempts, the container Authorization header from the
 * environment and from a file re-read at each fetch, CR/LF refused,
 * retries, and freeing a provider mid-request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"
#include "core/net/http.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/unit/lib/testsrv.h"

/* What the fake metadata server does, and what it saw. Guarded by mu. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int token_status = 200;
static int role_status = 200;
static const char *role_name = "orgtop-test-role\n";
static int hang_token;
static int creds_failures;     /* answer 500 this many times first (container) */
static const char *creds_body; /* NULL: good credentials */
static int lifetime_s = 6 * 3600;
static char log_buf[8192];
static unsigned issued;

static void srv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
srv_log(const char *fmt, ...)
{
	size_t n = strlen(log_buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_buf + n, sizeof log_buf - n, fmt, ap);
	va_end(ap);
}

static void
good_creds(struct testsrv_resp *rs, int imds)
{
	char exp[32], body[512];

	util_format_iso8601((time_t)util_now() + lifetime_s, exp, sizeof exp);
	issued++;
	snprintf(body, sizeof body,
	         "{%s\"AccessKeyId\":\"ASIAMETA%08u\",\"SecretAccessKey\":\"s\",\"Token\":\"t\","
	         "\"Expiration\":\"%s\"}",
	         imds ? "\"Code\":\"Success\",\"Type\":\"AWS-HMAC\"," : "", issued, exp);
	testsrv_resp_body(rs, body);
}

static void
handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
{
	char v[256];
	const char *prefix = "/latest/meta-data/iam/security-credentials/";

	(void)arg;
	pthread_mutex_lock(&mu);
	if (strcmp(rq->path, "/latest/api/token") == 0) {
		srv_log("%s token ttl=%s\n", rq->method,
		        testsrv_req_header(rq, "x-aws-ec2-metadata-token-ttl-seconds", v, sizeof v)
		            ? v
		            : "-");
		if (hang_token)
			rs->mode = TS_HANG;
		rs->status = strcmp(rq->method, "PUT") == 0 ? token_status : 405;
		testsrv_resp_body(rs, "TOKEN-1234");
	} else if (strncmp(rq->path, prefix, strlen(prefix)) == 0) {
		const char *tok = testsrv_req_header(rq, "x-aws-ec2-metadata-token", v, sizeof v);

		srv_log("GET %s token=%s\n", rq->path + strlen(prefix) - 1, tok ? tok : "-");
		if (tok == NULL || strcmp(tok, "TOKEN-1234") != 0) {
			rs->status = 401;
		} else if (rq->path[strlen(prefix)] == '\0') {
			rs->status = role_status;
			testsrv_resp_body(rs, role_name);
		} else if (strcmp(rq->path + strlen(prefix), "orgtop-test-role") == 0) {
			if (creds_body != NULL)
				testsrv_resp_body(rs, creds_body);
			else
				good_creds(rs, 1);
		} else {
			rs->status = 404;
		}
	} else if (strncmp(rq->path, "/v2/credentials", 15) == 0) {
		char acc[64];
		const char *auth = testsrv_req_header(rq, "authorization", v, sizeof v);

		srv_log("container auth=%s accept=%s\n", auth ? auth : "-",
		        testsrv_req_header(rq, "accept", acc, sizeof acc) ? acc : "-");
		if (creds_failures > 0) {
			creds_failures--;
			rs->status = 500;
			testsrv_resp_body(rs, "agent busy");
		} else if (creds_body != NULL) {
			testsrv_resp_body(rs, creds_body);
		} else {
			good_creds(rs, 0);
		}
	} else {
		rs->status = 404;
	}
	pthread_mutex_unlock(&mu);
}

static struct testsrv *srv;
static uv_loop_t loop;
static struct http_engine *http;

static int
setup(void **state)
{
	char *cause = NULL;

	(void)state;
	srv = testsrv_start(handler, NULL);
	assert_int_equal(uv_loop_init(&loop), 0);
	http = http_engine_new(&loop, NULL, &cause);
	assert_non_null(http);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_engine_free(http);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	testsrv_stop(srv);
	return 0;
}

static int
reset(void **state)
{
	(void)state;
	pthread_mutex_lock(&mu);
	token_status = 200;
	role_status = 200;
	role_name = "orgtop-test-role\n";
	hang_token = 0;
	creds_failures = 0;
	creds_body = NULL;
	lifetime_s = 6 * 3600;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&mu);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	unsetenv("AWS_METADATA_SERVICE_TIMEOUT");
	unsetenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	return 0;
}

static char *
server_log(void)
{
	char *s;

	pthread_mutex_lock(&mu);
	s = xstrdup(log_buf);
	pthread_mutex_unlock(&mu);
	return s;
}

static void
expect_log(const char *want)
{
	char *got = server_log();

	if (strcmp(got, want) != 0)
		fail_msg("server saw:\n%s\nwanted:\n%s", got, want);
	free(got);
}

struct got {
	int calls;
	char akid[64];
	double expiration;
	char err[1024];
};

static void
got_cb(struct creds *c, const char *err, int sso_expired, void *arg)
{
	struct got *g = arg;

	assert_int_equal(sso_expired, 0);
	g->calls++;
	g->akid[0] = g->err[0] = '\0';
	if (c != NULL) {
		snprintf(g->akid, sizeof g->akid, "%s", creds_access_key_id(c));
		g->expiration = creds_expiration(c);
	} else {
		snprintf(g->err, sizeof g->err, "%s", err);
	}
}

static void
get(struct creds_provider *p, struct got *g)
{
	int before = g->calls;

	if (creds_provider_get(p, got_cb, g) == 0) {
		assert_int_equal(g->calls, before);
		while (g->calls == before)
			uv_run(&loop, UV_RUN_ONCE);
	}
	assert_int_equal(g->calls, before + 1);
}

static struct creds_provider *
imds(const char *context)
{
	struct creds_imds_params a;
	char *cause = NULL;
	struct creds_provider *p;

	memset(&a, 0, sizeof a);
	a.http = http;
	a.context = context;
	p = creds__imds_new(&a, &cause);
	if (p == NULL)
		fail_msg("creds__imds_new: %s", cause);
	return p;
}

static void
test_imds_token_dance(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	char url[128];

	(void)state;
	/* A trailing '/' on the override is fine. */
	snprintf(url, sizeof url, "%s/", testsrv_url(srv));
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	p = imds(NULL);
	assert_string_equal(creds_provider_describe(p), "instance metadata (IMDSv2)");
	get(p, &g);
	assert_string_equal(g.akid, "ASIAMETA00000001");
	assert_true(g.expiration > util_now() + 5 * 3600);
	expect_log("PUT token ttl=21600\n"
	           "GET / token=TOKEN-1234\n"
	           "GET /orgtop-test-role token=TOKEN-1234\n");
	/* Fresh: served from the cache, no request. */
	get(p, &g);
	expect_log("PUT token ttl=21600\n"
	           "GET / token=TOKEN-1234\n"
	           "GET /orgtop-test-role token=TOKEN-1234\n");
	/* Invalidated (ExpiredToken): the whole dance again, with a new token request. */
	creds_provider_invalidate(p);
	get(p, &g);
	assert_string_equal(g.akid, "ASIAMETA00000002");
	creds_provider_free(p);
	{
		char *log = server_log();

		assert_non_null(strstr(log, "GET /orgtop-test-role token=TOKEN-1234\nPUT token"));
		free(log);
	}
}

static void
test_imds_never_v1(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	int statuses[] = {403, 404, 405, 400};

	(void)state;
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", testsrv_url(srv), 1);
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		char want[128];

		reset(NULL);
		setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", testsrv_url(srv), 1);
		token_status = statuses[i];
		p = imds(NULL);
		get(p, &g);
		snprintf(want, sizeof want,
		         "refused an IMDSv2 token (HTTP %d); orgtop never falls back to IMDSv1",
		         statuses[i]);
		assert_non_null(strstr(g.err, want));
		assert_non_null(strstr(g.err, testsrv_url(srv)));
		/* Only the token request: no tokenless (IMDSv1) GET ever. */
		expect_log("PUT token ttl=21600\n");
		creds_provider_free(p);
	}
}

static void
test_imds_errors(void **state)
{
	struct creds_provider *p;
	struct got g = {0};

	(void)state;
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", testsrv_url(srv), 1);
	role_status = 404;
	p = imds(NULL);
	get(p, &g);
	assert_non_null(strstr(g.err, "has no IAM role for this instance"));
	role_status = 200;
	creds_body = "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"EC2 cannot assume "
	             "the role\"}";
	get(p, &g);
	assert_non_null(strstr(g.err, "code AssumeRoleUnauthorizedAccess: EC2 cannot assume the "
	                              "role"));
	creds_body = "{\"Code\":\"Success\",\"AccessKeyId\":\"A\"}";
	get(p, &g);
	assert_non_null(strstr(g.err, "has no \"SecretAccessKey\""));
	/* A role name that would walk the URL somewhere else. */
	role_name = "../../latest/api/token?x=1";
	get(p, &g);
	assert_non_null(strstr(g.err, "answered a role name that is not an IAM role name"));
	creds_provider_free(p);
}

static void
test_imds_timeout_attempts_and_context(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	uint64_t t0;
	char *log;

	(void)state;
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", testsrv_url(srv), 1);
	setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2", 1);
	hang_token = 1;
	p = imds("no credentials found: none in the environment, none for profile 'default' in "
	         "~/.aws/config, ~/.aws/credentials");
	t0 = util_monotonic_ms();
	get(p, &g);
	/* Two attempts of the default 1 s each. */
	assert_true(util_monotonic_ms() - t0 >= 1900);
	assert_true(util_monotonic_ms() - t0 < 6000);
	assert_non_null(strstr(g.err, "no credentials found: none in the environment, none for "
	                              "profile 'default' in ~/.aws/config, ~/.aws/credentials, and "
	                              "the EC2 instance metadata service at http://127.0.0.1:"));
	assert_non_null(strstr(g.err, " did not answer ("));
	log = server_log();
	assert_string_equal(log, "PUT token ttl=21600\nPUT token ttl=21600\n");
	free(log);
	creds_provider_free(p);
}

static void
test_imds_settings(void **state)
{
	struct creds_imds_params a;
	char *cause = NULL;

	(void)state;
	memset(&a, 0, sizeof a);
	a.http = http;
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "0", 1);
	assert_null(creds__imds_new(&a, &cause));
	assert_string_equal(cause, "AWS_METADATA_SERVICE_TIMEOUT for AWS_METADATA_SERVICE_TIMEOUT "
	                           "is not a whole number from 1 to 3600");
	free(cause);
	unsetenv("AWS_METADATA_SERVICE_TIMEOUT");
	a.timeout = "x";
	assert_null(creds__imds_new(&a, &cause));
	assert_non_null(strstr(cause, "the profile's setting for AWS_METADATA_SERVICE_TIMEOUT"));
	free(cause);
	a.timeout = NULL;
	a.endpoint = "localhost:1234";
	assert_null(creds__imds_new(&a, &cause));
	assert_non_null(strstr(cause, "is not an http(s) URL with a host"));
	free(cause);
	a.endpoint = NULL;
	a.endpoint_mode = "IPv6";
	creds_provider_free(creds__imds_new(&a, &cause));
	unsetenv("AWS_EC2_METADATA_DISABLED");
	assert_int_equal(creds__imds_disabled(), 0);
	setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
	assert_int_equal(creds__imds_disabled(), 1);
	setenv("AWS_EC2_METADATA_DISABLED", "1", 1);
	assert_int_equal(creds__imds_disabled(), 0);
	unsetenv("AWS_EC2_METADATA_DISABLED");
}

static void
stop_cb(uv_timer_t *t)
{
	uv_stop(t->loop);
}

static void
test_imds_free_mid_request(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	uv_timer_t t;

	(void)state;
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", testsrv_url(srv), 1);
	setenv("AWS_METADATA_SERVICE_TIMEOUT", "30", 1);
	hang_token = 1;
	p = imds(NULL);
	assert_int_equal(creds_provider_get(p, got_cb, &g), 0);
	uv_timer_init(&loop, &t);
	uv_timer_start(&t, stop_cb, 300, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(g.calls, 0);
	creds_provider_free(p);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.err, "cancelled");
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
}

static struct creds_provider *
container(void)
{
	char *cause = NULL;
	struct creds_provider *p = creds__container_new(http, &cause);

	if (p == NULL)
		fail_msg("creds__container_new: %s", cause);
	return p;
}

static void
test_container(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	char url[256], file[256];
	FILE *f;

	(void)state;
	snprintf(url, sizeof url, "%s/v2/credentials/task-123", testsrv_url(srv));
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic from-env", 1);
	p = container();
	assert_string_equal(creds_provider_describe(p), "container credentials");
	get(p, &g);
	assert_string_equal(g.akid, "ASIAMETA00000003");
	expect_log("container auth=Basic from-env accept=application/json\n");

	/* The token file wins, and is read again at each fetch. */
	snprintf(file, sizeof file, "/tmp/orgtop-test-container-%d", (int)getpid());
	f = fopen(file, "w");
	fputs("token-one", f);
	fclose(f);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file, 1);
	creds_provider_invalidate(p);
	get(p, &g);
	f = fopen(file, "w");
	fputs("token-two", f);
	fclose(f);
	creds_provider_invalidate(p);
	get(p, &g);
	expect_log("container auth=Basic from-env accept=application/json\n"
	           "container auth=token-one accept=application/json\n"
	           "container auth=token-two accept=application/json\n");

	/* CR/LF in the token: refused before any request. */
	f = fopen(file, "w");
	fputs("token\r\nX-Injected: yes", f);
	fclose(f);
	creds_provider_invalidate(p);
	get(p, &g);
	assert_non_null(strstr(g.err, "the authorization token holds a CR or LF: refused"));
	unlink(file);
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\nb", 1);
	get(p, &g);
	assert_non_null(strstr(g.err, "CR or LF"));
	{
		char *log = server_log();

		assert_null(strstr(log, "Injected"));
		assert_int_equal(strlen(log),
		                 strlen("container auth=Basic from-env accept=application/json\n"
		                        "container auth=token-one accept=application/json\n"
		                        "container auth=token-two accept=application/json\n"));
		free(log);
	}
	creds_provider_free(p);
}

static void
test_container_retries(void **state)
{
	struct creds_provider *p;
	struct got g = {0};
	char url[256];
	uint64_t t0;

	(void)state;
	snprintf(url, sizeof url, "%s/v2/credentials/x", testsrv_url(srv));
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	p = container();
	/* Two failures, then success: 3 attempts, 1 s apart. */
	creds_failures = 2;
	t0 = util_monotonic_ms();
	get(p, &g);
	assert_true(g.akid[0] != '\0');
	assert_true(util_monotonic_ms() - t0 >= 1900);
	/* Three failures: the last status is reported, the path is not (it may be secret). */
	creds_failures = 3;
	creds_provider_invalidate(p);
	get(p, &g);
	assert_non_null(strstr(g.err, "container credentials from "));
	assert_non_null(strstr(g.err, ": HTTP 500"));
	assert_null(strstr(g.err, "/v2/credentials"));
	/* Bad JSON: no retry needed, a clear reason. */
	creds_body = "<html>";
	creds_provider_invalidate(p);
	get(p, &g);
	assert_non_null(strstr(g.err, "the metadata credentials is not valid JSON"));
	creds_provider_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_imds_token_dance, reset),
	    cmocka_unit_test_setup(test_imds_never_v1, reset),
	    cmocka_unit_test_setup(test_imds_errors, reset),
	    cmocka_unit_test_setup(test_imds_timeout_attempts_and_context, reset),
	    cmocka_unit_test_setup(test_imds_settings, reset),
	    cmocka_unit_test_setup(test_imds_free_mid_request, reset),
	    cmocka_unit_test_setup(test_container, reset),
	    cmocka_unit_test_setup(test_container_retries, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
