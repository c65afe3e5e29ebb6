/*
 * test_creds.c: the credentials object, redaction, the static provider and
 * the refresh machinery (windows walked with a fake clock, joined fetches,
 * failures, cancellation, re-entrancy), on a real uv loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "core/aws/creds.h"
#include "core/aws/creds_parse.h"
#include "core/aws/creds_provider.h"
#include "core/util.h"
#include "core/xmalloc.h"

/* A fake clock for the refresh windows. */
static double fake_now = 1700000000.0;

static double
fake_clock(void)
{
	return fake_now;
}

/* What callbacks saw. */
struct seen {
	int calls;
	int errors;
	int sso_expired;
	char akid[64];
	char err[256];
};

static void
seen_cb(struct creds *c, const char *err, int sso_expired, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	if (c != NULL) {
		snprintf(s->akid, sizeof s->akid, "%s", creds_access_key_id(c));
		assert_null(err);
	} else {
		assert_non_null(err);
		s->errors++;
		s->sso_expired = sso_expired;
		snprintf(s->err, sizeof s->err, "%s", err);
	}
}

/*
 * A test source: each fetch completes from a uv timer (or at once when
 * sync is set) with keys AKIDTEST000000NN (NN = the fetch number) that
 * expire lifetime seconds after the fake now, or fails when fail is set.
 */
struct tsource {
	uv_loop_t *loop;
	uv_timer_t timer;
	struct creds_provider *p;
	int sync;
	int fail;
	int sso;
	double lifetime;
	int n;
	int cancelled;
	int timer_live;
};

static void
tsource_complete(struct tsource *t)
{
	char akid[32];

	t->n++;
	if (t->fail) {
		creds__fetch_done(t->p, NULL, "test source says no", t->sso);
		return;
	}
	snprintf(akid, sizeof akid, "AKIDTEST%08d", t->n);
	creds__fetch_done(
	    t->p,
	    creds_new(akid, "secret", "token", t->lifetime != 0 ? creds__clock() + t->lifetime : 0),
	    NULL, 0);
}

static void
tsource_timer_cb(uv_timer_t *h)
{
	tsource_complete(h->data);
}

static void
tsource_fetch(struct creds_provider *p)
{
	struct tsource *t = creds__provider_impl(p);

	t->p = p;
	if (t->sync) {
		tsource_complete(t);
		return;
	}
	uv_timer_start(&t->timer, tsource_timer_cb, 1, 0);
}

static void
tsource_cancel(struct creds_provider *p)
{
	struct tsource *t = creds__provider_impl(p);

	t->cancelled++;
	uv_timer_stop(&t->timer);
}

static const struct creds_provider_ops tsource_ops = {
    .kind = "test", .fetch = tsource_fetch, .cancel = tsource_cancel,
    /* The test owns struct tsource. */
};

static struct creds_provider *
tsource_new(struct tsource *t, uv_loop_t *loop, double lifetime)
{
	memset(t, 0, sizeof *t);
	t->loop = loop;
	t->lifetime = lifetime;
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	t->p = creds__provider_new(&tsource_ops, t, "test source");
	return t->p;
}

static void
tsource_done(struct tsource *t)
{
	uv_close((uv_handle_t *)&t->timer, NULL);
}

static void
loop_finish(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

static void
test_creds_object(void **state)
{
	struct creds *c, *d;

	(void)state;
	c = creds_new("AKIDEXAMPLE", "secret", "", 0);
	assert_string_equal(creds_access_key_id(c), "AKIDEXAMPLE");
	assert_string_equal(creds_secret_access_key(c), "secret");
	assert_null(creds_session_token(c));
	assert_true(creds_expiration(c) == 0);
	d = creds_new("ASIAEXAMPLE", "s2", "tok", 1234.5);
	assert_string_equal(creds_session_token(d), "tok");
	assert_true(creds_expiration(d) == 1234.5);
	assert_ptr_equal(creds_ref(c), c);
	creds_unref(c);
	assert_string_equal(creds_access_key_id(c), "AKIDEXAMPLE");
	creds_unref(c);
	creds_unref(d);
	creds_unref(NULL);
	assert_null(creds_ref(NULL));
}

static int wiped_calls;
static int wiped_dirty;

static void
wiped_hook(const void *p, size_t len)
{
	const unsigned char *b = p;

	wiped_calls++;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			wiped_dirty++;
}

static void
test_creds_secrets_wiped(void **state)
{
	struct creds *c;

	(void)state;
	creds__wiped_hook = wiped_hook;
	wiped_calls = wiped_dirty = 0;
	c = creds_new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
	              "FQoGZXIvYXdzEXAMPLE", 0);
	creds_ref(c);
	creds_unref(c);
	assert_int_equal(wiped_calls, 0);
	creds_unref(c);
	assert_int_equal(wiped_calls, 3);
	assert_int_equal(wiped_dirty, 0);
	creds__wiped_hook = NULL;
}

static void
test_redact_key_id(void **state)
{
	char out[16];

	(void)state;
	creds_redact_key_id("AKIAIOSFODNN7EXAMPLE", out, sizeof out);
	assert_string_equal(out, "****MPLE");
	creds_redact_key_id("AKIA123", out, sizeof out);
	assert_string_equal(out, "****");
	creds_redact_key_id(NULL, out, sizeof out);
	assert_string_equal(out, "****");
	creds_redact_key_id("AKIAIOSFODNN7EXAMPLE", out, 9);
	assert_string_equal(out, "****MPLE");
	creds_redact_key_id("AKIAIOSFODNN7EXAMPLE", out, 5);
	assert_string_equal(out, "****");
}

static void
test_static_provider(void **state)
{
	struct creds_provider *p;
	struct seen s = {0};

	(void)state;
	p = creds_provider_static("AKIDSTATIC", "secret", NULL);
	assert_string_equal(creds_provider_describe(p), "static keys");
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(s.calls, 1);
	assert_string_equal(s.akid, "AKIDSTATIC");
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(s.calls, 2);
	assert_int_equal(creds__provider_fetches(p), 1);
	creds_provider_invalidate(p);
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 2);
	assert_int_equal(creds_provider_get(p, NULL, NULL), -1);
	assert_int_equal(creds_provider_get(NULL, seen_cb, &s), -1);
	creds_provider_free(p);
	creds_provider_free(NULL);
	creds_provider_invalidate(NULL);
}

static void
test_async_fetch_is_joined(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen a = {0}, b = {0}, c = {0}, d = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 3600);
	assert_int_equal(creds_provider_get(p, seen_cb, &a), 0);
	assert_int_equal(creds_provider_get(p, seen_cb, &b), 0);
	assert_int_equal(creds_provider_get(p, seen_cb, &c), 0);
	assert_int_equal(a.calls + b.calls + c.calls, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(creds__provider_fetches(p), 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(c.calls, 1);
	assert_string_equal(c.akid, "AKIDTEST00000001");
	/* Fresh now: served at once. */
	assert_int_equal(creds_provider_get(p, seen_cb, &d), 1);
	assert_int_equal(d.calls, 1);
	assert_int_equal(creds__provider_fetches(p), 1);
	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
}

static void
test_windows(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen s = {0};
	double t0;

	(void)state;
	creds__clock = fake_clock;
	t0 = fake_now;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 3600);
	t.sync = 1;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_string_equal(s.akid, "AKIDTEST00000001");

	/* 16 min before expiry: outside both windows, no fetch. */
	fake_now = t0 + 3600 - 16 * 60;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 1);

	/* 14 min: advisory. Served at once; a background refresh that fails keeps the old keys. */
	fake_now = t0 + 3600 - 14 * 60;
	t.fail = 1;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 2);
	assert_int_equal(s.errors, 0);
	assert_string_equal(s.akid, "AKIDTEST00000001");
	/* No new background attempt for a while... */
	fake_now += 10;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 2);
	/* ...then one, which succeeds and is served. */
	fake_now += CREDS_ADVISORY_RETRY;
	t.fail = 0;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 3);
	assert_string_equal(s.akid, "AKIDTEST00000003");

	/* 9 min before the new expiry: mandatory. A failure is reported. */
	t0 = fake_now;
	fake_now = t0 + 3600 - 9 * 60;
	t.fail = 1;
	t.sync = 0;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(s.errors, 1);
	assert_string_equal(s.err, "test source says no");
	/* A success in the mandatory window is waited for and served. */
	t.fail = 0;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(s.akid, "AKIDTEST00000005");
	assert_int_equal(s.errors, 1);

	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
	creds__clock = util_now;
}

static void
test_short_session_windows(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen s = {0};
	double t0;

	(void)state;
	creds__clock = fake_clock;
	uv_loop_init(&loop);
	/* A 15-minute session: botocore would refresh it on every call; here the
	 * windows are half (advisory) and a third (mandatory) of its life. */
	p = tsource_new(&t, &loop, 900);
	t.sync = 1;
	t0 = fake_now;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	fake_now = t0 + 400;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 1);
	fake_now = t0 + 460; /* 440 s left: advisory */
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(creds__provider_fetches(p), 2);
	assert_string_equal(s.akid, "AKIDTEST00000002");
	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
	creds__clock = util_now;
}

static void
test_expired_on_arrival(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen s = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, -60);
	t.sync = 1;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	assert_int_equal(s.errors, 1);
	assert_non_null(strstr(s.err, "test source: the credentials it returned expired at"));
	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
}

static void
test_sso_expired_flag(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen s = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 3600);
	t.fail = 1;
	t.sso = 1;
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.sso_expired, 1);
	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
}

static void
test_free_cancels_waiters(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen a = {0}, b = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 3600);
	assert_int_equal(creds_provider_get(p, seen_cb, &a), 0);
	assert_int_equal(creds_provider_get(p, seen_cb, &b), 0);
	creds_provider_free(p);
	assert_int_equal(t.cancelled, 1);
	assert_int_equal(a.errors, 1);
	assert_int_equal(b.errors, 1);
	assert_string_equal(a.err, "cancelled");
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(t.n, 0);
	tsource_done(&t);
	loop_finish(&loop);
}

/* A callback that frees the provider, then one that asks again. */
struct reenter {
	struct creds_provider *p;
	int do_free;
	int do_get;
	int calls;
	int get_result;
	struct seen inner;
};

static void
reenter_cb(struct creds *c, const char *err, int sso_expired, void *arg)
{
	struct reenter *r = arg;

	(void)c;
	(void)err;
	(void)sso_expired;
	r->calls++;
	if (r->do_get)
		r->get_result = creds_provider_get(r->p, seen_cb, &r->inner);
	if (r->do_free)
		creds_provider_free(r->p);
}

static void
test_reentrant_callbacks(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct reenter r1 = {0}, r2 = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 3600);
	r1.p = r2.p = p;
	r1.do_get = 1; /* served at once from the new cache */
	r2.do_free = 1;
	assert_int_equal(creds_provider_get(p, reenter_cb, &r1), 0);
	assert_int_equal(creds_provider_get(p, reenter_cb, &r2), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.get_result, 1);
	assert_int_equal(r1.inner.calls, 1);
	assert_int_equal(r2.calls, 1);
	tsource_done(&t);
	loop_finish(&loop);

	/* A synchronous source whose first caller frees it from the callback. */
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 0);
	t.sync = 1;
	r2.p = p;
	r2.calls = 0;
	assert_int_equal(creds_provider_get(p, reenter_cb, &r2), 1);
	assert_int_equal(r2.calls, 1);
	tsource_done(&t);
	loop_finish(&loop);
}

static void
test_invalidate_refetches(void **state)
{
	uv_loop_t loop;
	struct tsource t;
	struct creds_provider *p;
	struct seen s = {0};

	(void)state;
	uv_loop_init(&loop);
	p = tsource_new(&t, &loop, 0);
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(s.akid, "AKIDTEST00000001");
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 1);
	creds_provider_invalidate(p);
	assert_int_equal(creds_provider_get(p, seen_cb, &s), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(s.akid, "AKIDTEST00000002");
	assert_int_equal(creds__provider_fetches(p), 2);
	creds_provider_free(p);
	tsource_done(&t);
	loop_finish(&loop);
}

static void
expect_process_err(const char *json, const char *want)
{
	struct creds *sentinel = (struct creds *)&fake_now, *c = sentinel;
	char *cause = NULL;

	assert_int_equal(creds_parse_process_output(json, strlen(json), &c, &cause), -1);
	assert_ptr_equal(c, sentinel);
	if (cause == NULL || strcmp(cause, want) != 0)
		fail_msg("got '%s', want '%s'", cause != NULL ? cause : "(null)", want);
	free(cause);
}

static void
test_parse_process_output(void **state)
{
	struct creds *c = NULL;
	char *cause = NULL;
	const char *ok =
	    "{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": "
	    "\"s\", \"SessionToken\": \"t\", \"Expiration\": \"2024-06-01T13:00:00Z\"}";

	(void)state;
	assert_int_equal(creds_parse_process_output(ok, strlen(ok), &c, &cause), 0);
	assert_string_equal(creds_access_key_id(c), "ASIAPROC");
	assert_string_equal(creds_secret_access_key(c), "s");
	assert_string_equal(creds_session_token(c), "t");
	assert_true(creds_expiration(c) == 1717246800.0);
	creds_unref(c);
	ok = "{\"Version\":1.0,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"SessionToken\":"
	     "null}\n";
	assert_int_equal(creds_parse_process_output(ok, strlen(ok), &c, &cause), 0);
	assert_null(creds_session_token(c));
	assert_true(creds_expiration(c) == 0);
	creds_unref(c);

	expect_process_err("", "the credential_process output is not valid JSON");
	expect_process_err("{\"Version\":1} trailing",
	                   "the credential_process output is not valid JSON");
	expect_process_err("[1]", "the credential_process output is not a JSON object");
	expect_process_err("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
	                   "the credential_process output has no \"Version\" (it must be 1)");
	expect_process_err(
	    "{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
	    "the credential_process output: unsupported \"Version\" (only 1 is supported)");
	expect_process_err(
	    "{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}",
	    "the credential_process output: unsupported \"Version\" (only 1 is supported)");
	expect_process_err("{\"Version\":1,\"SecretAccessKey\":\"s\"}",
	                   "the credential_process output has no \"AccessKeyId\"");
	expect_process_err("{\"Version\":1,\"AccessKeyId\":\"A\"}",
	                   "the credential_process output has no \"SecretAccessKey\"");
	expect_process_err(
	    "{\"Version\":1,\"AccessKeyId\":\"\",\"SecretAccessKey\":\"s\"}",
	    "the credential_process output: \"AccessKeyId\" is not a non-empty string");
	expect_process_err(
	    "{\"Version\":1,\"AccessKeyId\":7,\"SecretAccessKey\":\"s\"}",
	    "the credential_process output: \"AccessKeyId\" is not a non-empty string");
	expect_process_err("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
	                   "\"Expiration\":\"tomorrow\"}",
	                   "the credential_process output: \"Expiration\" is not an ISO 8601 time");
	expect_process_err("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
	                   "\"SessionToken\":5}",
	                   "the credential_process output: \"SessionToken\" is not a string");
	{
		static const char nul[] = "{\"Version\":1}\0{}";

		assert_int_equal(creds_parse_process_output(nul, sizeof nul - 1, &c, &cause), -1);
		assert_string_equal(
		    cause, "the credential_process output is not JSON (it holds a NUL byte)");
		free(cause);
	}
}

static void
test_parse_sso_token(void **state)
{
	char *tok = NULL, *cause = NULL;
	double exp = 0;
	const char *j = "{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": "
	                "\"eu-west-1\", \"accessToken\": \"aoaSECRET\", \"expiresAt\": "
	                "\"2024-06-01T20:00:00UTC\"}";

	(void)state;
	assert_int_equal(creds_parse_sso_token(j, strlen(j), &tok, &exp, &cause), 0);
	assert_string_equal(tok, "aoaSECRET");
	assert_true(exp == 1717272000.0);
	xfree_secret(tok);
	j = "{\"accessToken\": \"x\", \"expiresAt\": \"2024-06-01T20:00:00+00:00\"}";
	assert_int_equal(creds_parse_sso_token(j, strlen(j), &tok, &exp, &cause), 0);
	xfree_secret(tok);
	j = "{\"expiresAt\": \"2024-06-01T20:00:00Z\"}";
	assert_int_equal(creds_parse_sso_token(j, strlen(j), &tok, &exp, &cause), -1);
	assert_string_equal(cause, "the SSO token cache file has no \"accessToken\"");
	free(cause);
	j = "{\"accessToken\": \"x\"}";
	assert_int_equal(creds_parse_sso_token(j, strlen(j), &tok, &exp, &cause), -1);
	assert_string_equal(cause, "the SSO token cache file has no \"expiresAt\"");
	free(cause);
}

static void
test_parse_metadata_and_portal(void **state)
{
	struct creds *c = NULL;
	char *cause = NULL;
	cJSON *answer;
	const char *j =
	    "{\"Code\":\"Success\",\"LastUpdated\":\"2024-06-01T12:00:00Z\",\"Type\":"
	    "\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"s\",\"Token\":"
	    "\"t\",\"Expiration\":\"2024-06-01T18:00:00Z\"}";

	(void)state;
	assert_int_equal(creds_parse_metadata(j, strlen(j), &c, &cause), 0);
	assert_string_equal(creds_access_key_id(c), "ASIAIMDS");
	assert_true(creds_expiration(c) == 1717264800.0);
	creds_unref(c);
	j = "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"nope\"}";
	assert_int_equal(creds_parse_metadata(j, strlen(j), &c, &cause), -1);
	assert_string_equal(cause,
	                    "the metadata credentials: code AssumeRoleUnauthorizedAccess: nope");
	free(cause);
	j = "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Token\":\"t\"}";
	assert_int_equal(creds_parse_metadata(j, strlen(j), &c, &cause), -1);
	assert_string_equal(cause, "the metadata credentials has no \"Expiration\"");
	free(cause);

	answer =
	    cJSON_Parse("{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":"
	                "\"s\",\"sessionToken\":\"t\",\"expiration\":1717246800000}}");
	assert_int_equal(creds_parse_role_credentials(answer, &c, &cause), 0);
	assert_string_equal(creds_access_key_id(c), "ASIASSO");
	assert_true(creds_expiration(c) == 1717246800.0);
	creds_unref(c);
	cJSON_Delete(answer);
	answer = cJSON_Parse("{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":"
	                     "\"s\",\"sessionToken\":\"t\",\"expiration\":\"soon\"}}");
	assert_int_equal(creds_parse_role_credentials(answer, &c, &cause), -1);
	assert_non_null(strstr(cause, "\"expiration\" is not a time in milliseconds"));
	free(cause);
	cJSON_Delete(answer);

	j = "{\"ProviderType\":\"sso\",\"Credentials\":{\"AccessKeyId\":\"ASIACLI\","
	    "\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2024-06-01T13:00:"
	    "00UTC\"}}";
	assert_int_equal(creds_parse_cli_cache(j, strlen(j), &c, &cause), 0);
	assert_string_equal(creds_access_key_id(c), "ASIACLI");
	assert_true(creds_expiration(c) == 1717246800.0);
	creds_unref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_creds_object),
	    cmocka_unit_test(test_creds_secrets_wiped),
	    cmocka_unit_test(test_redact_key_id),
	    cmocka_unit_test(test_static_provider),
	    cmocka_unit_test(test_async_fetch_is_joined),
	    cmocka_unit_test(test_windows),
	    cmocka_unit_test(test_short_session_windows),
	    cmocka_unit_test(test_expired_on_arrival),
	    cmocka_unit_test(test_sso_expired_flag),
	    cmocka_unit_test(test_free_cancels_waiters),
	    cmocka_unit_test(test_reentrant_callbacks),
	    cmocka_unit_test(test_invalidate_refetches),
	    cmocka_unit_test(test_parse_process_output),
	    cmocka_unit_test(test_parse_sso_token),
	    cmocka_unit_test(test_parse_metadata_and_portal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
