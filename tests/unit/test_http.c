/*
 * test_http.c: the HTTP engine (libcurl multi on libuv) against a real
 * server on 127.0.0.1 that misbehaves on purpose (tests/unit/lib/testsrv).
 *
 * HTTP/2 is not tested here: libmicrohttpd speaks HTTP/1.x only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "core/net/http.h"
#include "core/net/timerq.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "lib/testsrv.h"

/* --- the server's behaviour, by path ---------------------------------------- */

static void
handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
{
	char tmp[64];

	(void)arg;
	snprintf(tmp, sizeof tmp, "req-%u", rq->seq);
	testsrv_resp_header(rs, "x-amzn-RequestId", tmp);
	if (strcmp(rq->path, "/echo") == 0) {
		struct {
			char *p;
			size_t n;
		} b;
		size_t len = strlen(rq->method) + strlen(rq->headers) + rq->body_len + 8;

		b.p = xmalloc(len);
		b.n = (size_t)snprintf(b.p, len, "%s\n%s\n", rq->method, rq->headers);
		memcpy(b.p + b.n, rq->body, rq->body_len);
		b.n += rq->body_len;
		testsrv_resp_bodyn(rs, b.p, b.n);
		free(b.p);
		testsrv_resp_header(rs, "Content-Type", "text/plain");
		if (strstr(rq->query, "delay") != NULL)
			rs->delay_ms = 40;
	} else if (strcmp(rq->path, "/status/503") == 0) {
		rs->status = 503;
		testsrv_resp_header(rs, "Retry-After", "7");
		testsrv_resp_header(rs, "x-amz-retry-after", "1500");
		testsrv_resp_header(rs, "X-Amzn-ErrorType", "ThrottlingException:http://internal/");
		testsrv_resp_body(rs, "{\"message\":\"slow down\"}");
	} else if (strcmp(rq->path, "/slow") == 0) {
		rs->mode = TS_SLOW;
		rs->drip_ms = 600;
		testsrv_resp_body(rs, "0123456789");
	} else if (strcmp(rq->path, "/hang") == 0) {
		rs->mode = TS_HANG;
	} else if (strcmp(rq->path, "/reset") == 0 || strcmp(rq->path, "/close") == 0) {
		char body[1000];

		memset(body, 'r', sizeof body);
		testsrv_resp_bodyn(rs, body, sizeof body);
		rs->mode = rq->path[1] == 'r' ? TS_RESET : TS_CLOSE_EARLY;
		rs->cut_at = 100;
	} else if (strcmp(rq->path, "/huge") == 0) {
		rs->mode = TS_HUGE;
		rs->huge_len = (uint64_t)100 << 20;
	} else if (strcmp(rq->path, "/huge-chunked") == 0) {
		rs->mode = TS_HUGE;
		rs->huge_len = (uint64_t)100 << 20;
		rs->huge_chunked = 1;
	} else if (strcmp(rq->path, "/big-ok") == 0) {
		rs->mode = TS_HUGE;
		rs->huge_len = 512 * 1024;
		rs->huge_chunked = 1;
	} else {
		rs->status = 404;
	}
}

/* --- a place for each answer -------------------------------------------------- */

struct got {
	int done;
	int order;
	enum http_error err;
	long status;
	int version;
	char *body;
	size_t body_len;
	char *request_id, *error_type, *content_type, *retry_after, *amz_retry_after, *date;
	long new_conns;
	char msg[512];
	uint64_t tag;
};

static int g_order;

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
on_done(const struct http_response *r, void *arg)
{
	struct got *g = arg;

	assert_int_equal(g->done, 0); /* exactly once */
	g->done = 1;
	g->order = ++g_order;
	g->err = r->error;
	g->status = r->status;
	g->version = r->http_version;
	g->body = xmalloc(r->body_len + 1);
	memcpy(g->body, r->body, r->body_len + 1);
	g->body_len = r->body_len;
	assert_int_equal(r->body[r->body_len], '\0');
	g->request_id = dup_or_null(r->request_id);
	g->error_type = dup_or_null(r->error_type);
	g->content_type = dup_or_null(r->content_type);
	g->retry_after = dup_or_null(r->retry_after);
	g->amz_retry_after = dup_or_null(r->amz_retry_after);
	g->date = dup_or_null(r->date);
	g->new_conns = r->new_connections;
	g->tag = r->tag;
	assert_non_null(r->message);
	snprintf(g->msg, sizeof g->msg, "%s", r->message);
}

static void
got_done(struct got *g)
{
	free(g->body);
	free(g->request_id);
	free(g->error_type);
	free(g->content_type);
	free(g->retry_after);
	free(g->amz_retry_after);
	free(g->date);
	memset(g, 0, sizeof *g);
}

struct fx {
	uv_loop_t loop;
	struct http_engine *e;
	struct testsrv *srv;
};

static void
fx_init(struct fx *f, const struct http_config *cfg)
{
	char *cause = NULL;

	assert_int_equal(uv_loop_init(&f->loop), 0);
	f->e = http_engine_new(&f->loop, cfg, &cause);
	if (f->e == NULL)
		fail_msg("http_engine_new: %s", cause);
	f->srv = testsrv_start(handler, NULL);
}

static void
fx_done(struct fx *f)
{
	http_engine_free(f->e);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	testsrv_stop(f->srv);
}

static struct http_call *
send_simple(struct fx *f, const char *method, const char *path, struct got *g)
{
	char url[256];
	struct http_request rq;
	char *cause = NULL;
	struct http_call *c;

	snprintf(url, sizeof url, "%s%s", testsrv_url(f->srv), path);
	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.url = url;
	c = http_send(f->e, &rq, on_done, g, &cause);
	if (c == NULL)
		fail_msg("http_send: %s", cause);
	return c;
}

static void
wait_all(struct fx *f, struct got *g, size_t n)
{
	for (;;) {
		size_t done = 0;

		for (size_t i = 0; i < n; i++)
			done += (size_t)g[i].done;
		if (done == n)
			return;
		uv_run(&f->loop, UV_RUN_ONCE);
	}
}

/* --- tests ----------------------------------------------------------------------- */

static void
test_get_and_headers(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_request rq;
	struct http_header hdrs[] = { { "X-Custom", "v1" }, { "X-Amz-Target", "Svc.Op" },
		{ "X-Empty", "" } };
	char url[256];

	(void)state;
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "%s/echo", testsrv_url(f.srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	rq.headers = hdrs;
	rq.nheaders = 3;
	rq.tag = 42;
	assert_non_null(http_send(f.e, &rq, on_done, &g, NULL));
	assert_int_equal(g.done, 0); /* never synchronous */
	wait_all(&f, &g, 1);
	assert_int_equal(g.err, HTTP_OK);
	assert_int_equal(g.status, 200);
	assert_int_equal(g.version, 11);
	assert_int_equal(g.tag, 42);
	assert_string_equal(g.msg, "");
	assert_non_null(strstr(g.body, "GET\n"));
	assert_non_null(strstr(g.body, "x-custom: v1\n"));
	assert_non_null(strstr(g.body, "x-amz-target: Svc.Op\n"));
	assert_non_null(strstr(g.body, "x-empty: \n"));
	assert_non_null(strstr(g.body, "user-agent: orgtop/"));
	assert_null(strstr(g.body, "content-type:"));
	assert_null(strstr(g.body, "expect:"));
	assert_string_equal(g.request_id, "req-1");
	assert_string_equal(g.content_type, "text/plain");
	assert_non_null(g.date);
	assert_null(g.error_type);
	assert_null(g.retry_after);
	assert_int_equal(g.new_conns, 1);
	got_done(&g);
	fx_done(&f);
}

static void
test_post_put_bodies(void **state)
{
	struct fx f;
	struct got g[3];
	struct http_request rq;
	struct http_header ct = { "Content-Type", "application/x-amz-json-1.1" };
	char url[256];
	struct http_stats st;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "%s/echo", testsrv_url(f.srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "POST";
	rq.url = url;
	rq.body = "Action=X&Version=1";
	rq.body_len = strlen(rq.body);
	assert_non_null(http_send(f.e, &rq, on_done, &g[0], NULL));
	rq.headers = &ct;
	rq.nheaders = 1;
	rq.body = "{\"a\":1}";
	rq.body_len = 7;
	assert_non_null(http_send(f.e, &rq, on_done, &g[1], NULL));
	memset(&rq, 0, sizeof rq);
	rq.method = "PUT";
	rq.url = url;
	assert_non_null(http_send(f.e, &rq, on_done, &g[2], NULL));
	wait_all(&f, g, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(g[i].err, HTTP_OK);
	/* curl's default form Content-Type is never added; the body arrives whole. */
	assert_non_null(strstr(g[0].body, "POST\n"));
	assert_null(strstr(g[0].body, "content-type:"));
	assert_null(strstr(g[0].body, "expect:"));
	assert_non_null(strstr(g[0].body, "content-length: 18\n"));
	assert_non_null(strstr(g[0].body, "\nAction=X&Version=1"));
	assert_non_null(strstr(g[1].body, "content-type: application/x-amz-json-1.1\n"));
	assert_non_null(strstr(g[1].body, "\n{\"a\":1}"));
	assert_non_null(strstr(g[2].body, "PUT\n"));
	assert_non_null(strstr(g[2].body, "content-length: 0\n"));
	assert_null(strstr(g[2].body, "content-type:"));
	http_engine_stats(f.e, &st);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.completed, 3);
	assert_int_equal(st.bytes_sent, 18 + 7);
	assert_true(st.bytes_received > 0);
	for (int i = 0; i < 3; i++)
		got_done(&g[i]);
	fx_done(&f);
}

static void
test_keepalive_reuse(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_stats st;

	(void)state;
	fx_init(&f, NULL);
	for (int i = 0; i < 10; i++) {
		send_simple(&f, "GET", "/echo", &g);
		wait_all(&f, &g, 1);
		assert_int_equal(g.err, HTTP_OK);
		assert_int_equal(g.new_conns, i == 0 ? 1 : 0);
		got_done(&g);
	}
	http_engine_stats(f.e, &st);
	assert_int_equal(st.requests, 10);
	assert_int_equal(st.connections, 1);
	assert_int_equal(testsrv_connections(f.srv), 1);
	fx_done(&f);
}

static void
test_connection_caps(void **state)
{
	struct fx f;
	struct got g[20];
	struct http_config cfg = { 0 };
	struct http_stats st;

	(void)state;
	memset(g, 0, sizeof g);
	cfg.max_connections = 2;
	fx_init(&f, &cfg);
	for (int i = 0; i < 20; i++)
		send_simple(&f, "GET", "/echo?delay", &g[i]);
	http_engine_stats(f.e, &st);
	assert_int_equal(st.inflight, 20);
	wait_all(&f, g, 20);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(g[i].err, HTTP_OK);
		got_done(&g[i]);
	}
	http_engine_stats(f.e, &st);
	assert_int_equal(st.inflight, 0);
	assert_true(st.connections <= 2);
	assert_true(testsrv_connections(f.srv) <= 2);
	fx_done(&f);
}

static void
test_status_and_retry_headers(void **state)
{
	struct fx f;
	struct got g = { 0 };

	(void)state;
	fx_init(&f, NULL);
	send_simple(&f, "GET", "/status/503", &g);
	wait_all(&f, &g, 1);
	assert_int_equal(g.err, HTTP_OK); /* a complete answer: the status says the rest */
	assert_int_equal(g.status, 503);
	assert_string_equal(g.retry_after, "7");
	assert_string_equal(g.amz_retry_after, "1500");
	assert_string_equal(g.error_type, "ThrottlingException:http://internal/");
	assert_string_equal(g.body, "{\"message\":\"slow down\"}");
	got_done(&g);
	fx_done(&f);
}

static void
test_refused(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_request rq;
	char url[128];

	(void)state;
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", (unsigned)testsrv_closed_port());
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	assert_non_null(http_send(f.e, &rq, on_done, &g, NULL));
	wait_all(&f, &g, 1);
	assert_int_equal(g.err, HTTP_ERR_CONNECT);
	assert_int_equal(g.status, 0);
	assert_non_null(strstr(g.msg, "127.0.0.1"));
	got_done(&g);
	fx_done(&f);
}

static void
test_never_answers(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_config cfg = { 0 };
	uint64_t t0;

	(void)state;
	cfg.low_speed_time_s = 1;
	fx_init(&f, &cfg);
	t0 = util_monotonic_ms();
	send_simple(&f, "GET", "/hang", &g);
	wait_all(&f, &g, 1);
	assert_int_equal(g.err, HTTP_ERR_TIMEOUT);
	assert_true(util_monotonic_ms() - t0 < 4000);
	got_done(&g);
	fx_done(&f);
}

/* A first request that never gets an answer must not hold the next ones to that host. */
static void
test_hang_does_not_block_host(void **state)
{
	struct fx f;
	struct got g[4];
	uint64_t t0;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	t0 = util_monotonic_ms();
	send_simple(&f, "GET", "/hang", &g[0]);
	send_simple(&f, "GET", "/hang", &g[1]);
	send_simple(&f, "GET", "/echo", &g[2]);
	send_simple(&f, "GET", "/echo", &g[3]);
	wait_all(&f, &g[2], 2);
	assert_int_equal(g[2].err, HTTP_OK);
	assert_int_equal(g[3].err, HTTP_OK);
	assert_true(util_monotonic_ms() - t0 < 1000);
	assert_int_equal(g[0].done, 0);
	http_engine_free(f.e); /* cancels the hanging two */
	f.e = NULL;
	assert_int_equal(g[0].err, HTTP_ERR_CANCELLED);
	for (int i = 0; i < 4; i++)
		got_done(&g[i]);
	fx_done(&f);
}

static void
test_slow_body(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_config cfg = { 0 };

	(void)state;
	cfg.low_speed_time_s = 1;
	cfg.low_speed_limit = 100;
	fx_init(&f, &cfg);
	send_simple(&f, "GET", "/slow", &g);
	wait_all(&f, &g, 1);
	assert_int_equal(g.err, HTTP_ERR_TIMEOUT);
	assert_int_equal(g.status, 200); /* the headers did arrive */
	got_done(&g);
	fx_done(&f);
}

static void
test_deadline(void **state)
{
	struct fx f;
	struct got g[2];
	struct http_request rq;
	char url[256];
	uint64_t t0;

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "%s/hang", testsrv_url(f.srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	t0 = util_monotonic_ms();
	rq.deadline_ms = t0 + 300;
	assert_non_null(http_send(f.e, &rq, on_done, &g[0], NULL));
	rq.deadline_ms = t0 > 10 ? t0 - 10 : 1; /* already passed */
	assert_non_null(http_send(f.e, &rq, on_done, &g[1], NULL));
	assert_int_equal(g[1].done, 0);
	wait_all(&f, g, 2);
	assert_int_equal(g[0].err, HTTP_ERR_TIMEOUT);
	assert_non_null(strstr(g[0].msg, "deadline"));
	assert_int_equal(g[1].err, HTTP_ERR_TIMEOUT);
	assert_non_null(strstr(g[1].msg, "deadline"));
	assert_true(g[1].order < g[0].order);
	assert_true(util_monotonic_ms() - t0 < 2000);
	got_done(&g[0]);
	got_done(&g[1]);
	fx_done(&f);
}

static void
test_reset_and_short_body(void **state)
{
	struct fx f;
	struct got g[2];

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	send_simple(&f, "GET", "/reset", &g[0]);
	send_simple(&f, "GET", "/close", &g[1]);
	wait_all(&f, g, 2);
	assert_int_equal(g[0].err, HTTP_ERR_RECV);
	assert_int_equal(g[1].err, HTTP_ERR_RECV);
	assert_true(g[1].body_len <= 100);
	got_done(&g[0]);
	got_done(&g[1]);
	fx_done(&f);
}

static void
test_body_cap(void **state)
{
	struct fx f;
	struct got g[3];
	struct http_config cfg = { 0 };
	uint64_t t0;

	(void)state;
	memset(g, 0, sizeof g);
	cfg.body_cap = 1 << 20;
	fx_init(&f, &cfg);
	t0 = util_monotonic_ms();
	send_simple(&f, "GET", "/huge", &g[0]);
	send_simple(&f, "GET", "/huge-chunked", &g[1]);
	send_simple(&f, "GET", "/big-ok", &g[2]);
	wait_all(&f, g, 3);
	assert_int_equal(g[0].err, HTTP_ERR_TOO_BIG);
	assert_int_equal(g[1].err, HTTP_ERR_TOO_BIG);
	assert_non_null(strstr(g[1].msg, "cap"));
	assert_int_equal(g[2].err, HTTP_OK);
	assert_int_equal(g[2].body_len, 512 * 1024);
	assert_true(util_monotonic_ms() - t0 < 5000); /* never read 100 MB */
	for (int i = 0; i < 3; i++)
		got_done(&g[i]);
	fx_done(&f);
}

static void
test_cancel(void **state)
{
	struct fx f;
	struct got g[4];
	struct http_request rq;
	struct http_call *c[4];
	char url[256];

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "%s/hang", testsrv_url(f.srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	for (int i = 0; i < 4; i++) {
		rq.tag = i < 3 ? 7 : 0;
		c[i] = http_send(f.e, &rq, on_done, &g[i], NULL);
		assert_non_null(c[i]);
	}
	for (int i = 0; i < 5; i++)
		uv_run(&f.loop, UV_RUN_NOWAIT); /* let them connect */
	http_cancel(f.e, c[0]);
	assert_int_equal(http_cancel_tag(f.e, 7), 2); /* c[0] is already on its way out */
	assert_int_equal(http_cancel_tag(f.e, 0), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(g[i].done, 0); /* never from inside cancel */
	wait_all(&f, g, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(g[i].err, HTTP_ERR_CANCELLED);
		assert_int_equal(g[i].tag, 7);
	}
	assert_int_equal(g[3].done, 0);
	http_cancel(f.e, c[3]);
	wait_all(&f, &g[3], 1);
	assert_int_equal(g[3].err, HTTP_ERR_CANCELLED);
	for (int i = 0; i < 4; i++)
		got_done(&g[i]);
	fx_done(&f);
}

static void
test_free_with_pending(void **state)
{
	struct fx f;
	struct got g[3];

	(void)state;
	memset(g, 0, sizeof g);
	fx_init(&f, NULL);
	send_simple(&f, "GET", "/hang", &g[0]);
	send_simple(&f, "GET", "/hang", &g[1]);
	for (int i = 0; i < 5; i++)
		uv_run(&f.loop, UV_RUN_NOWAIT);
	http_cancel(f.e, send_simple(&f, "GET", "/hang", &g[2])); /* deferred at free time */
	http_engine_free(f.e);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(g[i].done, 1);
		assert_int_equal(g[i].err, HTTP_ERR_CANCELLED);
		got_done(&g[i]);
	}
	f.e = NULL;
	fx_done(&f);
}

static void
test_malformed(void **state)
{
	struct fx f;
	struct got g = { 0 };
	struct http_request rq;
	struct http_header bad = { "X-Bad", "a\r\nInjected: 1" };
	char *cause = NULL;

	(void)state;
	fx_init(&f, NULL);
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = "ftp://127.0.0.1/x";
	assert_null(http_send(f.e, &rq, on_done, &g, &cause));
	assert_non_null(strstr(cause, "http"));
	free(cause);
	cause = NULL;
	rq.url = "http://127.0.0.1/x";
	rq.headers = &bad;
	rq.nheaders = 1;
	assert_null(http_send(f.e, &rq, on_done, &g, &cause));
	assert_non_null(strstr(cause, "header"));
	free(cause);
	cause = NULL;
	rq.nheaders = 0;
	rq.method = "get";
	assert_null(http_send(f.e, &rq, on_done, &g, &cause));
	free(cause);
	uv_run(&f.loop, UV_RUN_NOWAIT);
	assert_int_equal(g.done, 0);
	fx_done(&f);
}

struct tick {
	uv_timer_t t;
	uint64_t last;
	uint64_t worst;
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
test_loop_stays_free(void **state)
{
	struct fx f;
	struct got g[24];
	struct http_config cfg = { 0 };
	struct tick k = { 0 };

	(void)state;
	memset(g, 0, sizeof g);
	cfg.low_speed_time_s = 1;
	cfg.low_speed_limit = 100;
	fx_init(&f, &cfg);
	uv_timer_init(&f.loop, &k.t);
	k.t.data = &k;
	uv_timer_start(&k.t, tick_cb, 20, 20);
	for (int i = 0; i < 24; i++)
		send_simple(&f, "GET", i % 3 == 0 ? "/slow" : i % 3 == 1 ? "/hang" : "/echo?delay",
		    &g[i]);
	wait_all(&f, g, 24);
	uv_timer_stop(&k.t);
	uv_close((uv_handle_t *)&k.t, NULL);
	/* Ticks every 20 ms never waited for the network: allow scheduler noise. */
	assert_true(k.n >= 20);
	assert_true(k.worst < 120);
	for (int i = 0; i < 24; i++)
		got_done(&g[i]);
	fx_done(&f);
}

static void
chain_cb(const struct http_response *r, void *arg);

struct chain {
	struct fx *f;
	int left;
	int ok;
};

static void
chain_cb(const struct http_response *r, void *arg)
{
	struct chain *ch = arg;
	struct http_request rq;
	char url[256];

	if (r->error == HTTP_OK && r->status == 200)
		ch->ok++;
	if (--ch->left == 0)
		return;
	snprintf(url, sizeof url, "%s/echo", testsrv_url(ch->f->srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	assert_non_null(http_send(ch->f->e, &rq, chain_cb, ch, NULL)); /* from a callback */
}

static void
test_send_from_callback(void **state)
{
	struct fx f;
	struct chain ch = { &f, 5, 0 };
	struct http_request rq;
	char url[256];

	(void)state;
	fx_init(&f, NULL);
	snprintf(url, sizeof url, "%s/echo", testsrv_url(f.srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	assert_non_null(http_send(f.e, &rq, chain_cb, &ch, NULL));
	while (ch.left > 0)
		uv_run(&f.loop, UV_RUN_ONCE);
	assert_int_equal(ch.ok, 5);
	assert_int_equal(testsrv_connections(f.srv), 1);
	fx_done(&f);
}

/* --- TLS ------------------------------------------------------------------------- */

static void
tls_handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
{
	(void)rq;
	(void)arg;
	testsrv_resp_body(rs, "secure");
}

/*
 * A file the build made: the TLS material comes from scripts/mkcerts.sh into
 * BUILD/tls (make unit), so no private key is kept in the repository.
 */
static char *
build_path(const char *rel)
{
	const char *b = getenv("ORGTOP_BUILD");

	return xasprintf("%s/%s", b != NULL && b[0] != '\0' ? b : "build", rel);
}

/* One GET over TLS to a server with cert; returns the error. */
static enum http_error
tls_get(const char *cert, const char *ca, const char *prio, char *msg, size_t msglen)
{
	uv_loop_t loop;
	struct http_config cfg = { 0 };
	struct http_engine *e;
	struct testsrv *srv;
	struct http_request rq;
	struct got g = { 0 };
	char *cert_path = build_path(cert), *key_path = build_path("tls/server.key");
	char *ca_path = ca != NULL ? build_path(ca) : NULL;
	char url[256];
	enum http_error err;

	srv = testsrv_start_tls(tls_handler, NULL, cert_path, key_path, prio);
	assert_int_equal(uv_loop_init(&loop), 0);
	cfg.ca_bundle = ca_path;
	e = http_engine_new(&loop, &cfg, NULL);
	assert_non_null(e);
	snprintf(url, sizeof url, "%s/", testsrv_url(srv));
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	assert_non_null(http_send(e, &rq, on_done, &g, NULL));
	while (!g.done)
		uv_run(&loop, UV_RUN_ONCE);
	err = g.err;
	if (err == HTTP_OK)
		assert_string_equal(g.body, "secure");
	snprintf(msg, msglen, "%s", g.msg);
	got_done(&g);
	http_engine_free(e);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	testsrv_stop(srv);
	free(cert_path);
	free(key_path);
	free(ca_path);
	return err;
}

static void
test_tls_verification(void **state)
{
	char msg[512];

	(void)state;
	/* The project's test CA in the bundle: verified and accepted. */
	assert_int_equal(tls_get("tls/server.pem", "tls/ca.pem", NULL, msg, sizeof msg), HTTP_OK);
	/* The system's store does not know the test CA. */
	assert_int_equal(tls_get("tls/server.pem", NULL, NULL, msg, sizeof msg), HTTP_ERR_TLS);
	/* A certificate for another host, from the trusted CA. */
	assert_int_equal(tls_get("tls/wrong-host.pem", "tls/ca.pem", NULL, msg, sizeof msg),
	    HTTP_ERR_TLS);
	/* Self-signed. */
	assert_int_equal(tls_get("tls/self-signed.pem", "tls/ca.pem", NULL, msg, sizeof msg),
	    HTTP_ERR_TLS);
	assert_non_null(strstr(msg, "127.0.0.1"));
}

static void
test_tls_minimum_version(void **state)
{
	char msg[512];

	(void)state;
	/* A server that offers only TLS 1.1 (or older) is refused, never a downgrade. */
	assert_int_equal(tls_get("tls/server.pem", "tls/ca.pem", "NORMAL:-VERS-ALL:+VERS-TLS1.1",
			     msg, sizeof msg),
	    HTTP_ERR_TLS);
	assert_int_equal(tls_get("tls/server.pem", "tls/ca.pem", "NORMAL:-VERS-ALL:+VERS-TLS1.2",
			     msg, sizeof msg),
	    HTTP_OK);
}

static void
proxy_handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
{
	char host[128] = "";

	(void)arg;
	testsrv_req_header(rq, "host", host, sizeof host);
	testsrv_resp_body(rs, host);
}

/* The proxy variables are honoured as curl reads them; HTTP_NO_PROXY opts out (IMDS). */
static void
test_proxy_from_environment(void **state)
{
	uv_loop_t loop;
	struct http_engine *e;
	struct testsrv *proxy = testsrv_start(proxy_handler, NULL);
	struct http_request rq;
	struct got g[2];

	(void)state;
	memset(g, 0, sizeof g);
	setenv("http_proxy", testsrv_url(proxy), 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	assert_int_equal(uv_loop_init(&loop), 0);
	e = http_engine_new(&loop, NULL, NULL);
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = "http://awsim.invalid:4566/x"; /* resolvable only by the proxy */
	assert_non_null(http_send(e, &rq, on_done, &g[0], NULL));
	rq.flags = HTTP_NO_PROXY;
	rq.connect_timeout_ms = 2000;
	assert_non_null(http_send(e, &rq, on_done, &g[1], NULL));
	while (!g[0].done || !g[1].done)
		uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(g[0].err, HTTP_OK);
	assert_string_equal(g[0].body, "awsim.invalid:4566"); /* it went through the proxy */
	assert_true(g[1].err == HTTP_ERR_DNS || g[1].err == HTTP_ERR_TIMEOUT); /* directly: no such host */
	assert_int_equal(testsrv_requests(proxy), 1);
	got_done(&g[0]);
	got_done(&g[1]);
	http_engine_free(e);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	unsetenv("http_proxy");
	testsrv_stop(proxy);
}

static void
test_bad_ca_bundle(void **state)
{
	uv_loop_t loop;
	struct http_config cfg = { 0 };
	char *cause = NULL;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	cfg.ca_bundle = "/nonexistent/ca.pem";
	assert_null(http_engine_new(&loop, &cfg, &cause));
	assert_non_null(strstr(cause, "/nonexistent/ca.pem"));
	free(cause);
	assert_int_equal(uv_loop_close(&loop), 0);
}


/* --- the timer queue (core/net/timerq) ---------------------------------------------- */

struct tq_rec {
	int order[16];
	int n;
	struct timerq *q;
	struct timerq_entry extra;
};

struct tq_item {
	struct timerq_entry ent;
	struct tq_rec *rec;
	int id;
};

static void
tq_fire(struct timerq_entry *ent)
{
	struct tq_item *it = ent->arg;

	it->rec->order[it->rec->n++] = it->id;
}

static void
tq_readd(struct timerq_entry *ent)
{
	struct tq_item *it = ent->arg;

	it->rec->order[it->rec->n++] = it->id;
	if (it->id == 100) {
		it->id = 101;
		timerq_add(it->rec->q, ent, 0); /* from inside a callback: the next round */
	}
}

static void
test_timerq(void **state)
{
	uv_loop_t loop;
	struct tq_rec rec = { 0 };
	struct tq_item it[6];
	struct timerq *q;
	uint64_t t0;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	q = timerq_new(&loop);
	rec.q = q;
	for (int i = 0; i < 6; i++) {
		it[i].rec = &rec;
		it[i].id = i;
		timerq_entry_init(&it[i].ent, tq_fire, &it[i]);
	}
	timerq_add(q, &it[0].ent, 60);
	timerq_add(q, &it[1].ent, 20);
	timerq_add(q, &it[2].ent, 40);
	timerq_add(q, &it[3].ent, 20); /* same due as it[1]: after it */
	timerq_add(q, &it[4].ent, 10);
	timerq_add(q, &it[5].ent, 0);
	assert_int_equal(rec.n, 0); /* never synchronous */
	assert_int_equal(timerq_count(q), 6);
	timerq_remove(q, &it[2].ent);
	assert_false(timerq_pending(&it[2].ent));
	timerq_remove(q, &it[2].ent); /* harmless */
	timerq_add(q, &it[0].ent, 30);  /* moved earlier */
	t0 = util_monotonic_ms();
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_true(util_monotonic_ms() - t0 >= 25);
	assert_int_equal(rec.n, 5);
	assert_int_equal(rec.order[0], 5);
	assert_int_equal(rec.order[1], 4);
	assert_int_equal(rec.order[2], 1);
	assert_int_equal(rec.order[3], 3);
	assert_int_equal(rec.order[4], 0);
	assert_int_equal(timerq_count(q), 0);

	rec.n = 0;
	it[0].id = 100;
	timerq_entry_init(&it[0].ent, tq_readd, &it[0]);
	timerq_add(q, &it[0].ent, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.order[1], 101);

	/* Freed with entries queued: they are dropped, the loop still closes. */
	timerq_add(q, &it[1].ent, 1000);
	timerq_free(q);
	assert_false(timerq_pending(&it[1].ent));
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static int tq_count_fired;
static uint64_t tq_last_due;
static int tq_out_of_order;

static void
tq_count(struct timerq_entry *ent)
{
	if (ent->due < tq_last_due)
		tq_out_of_order++;
	tq_last_due = ent->due;
	tq_count_fired++;
}

static void
test_timerq_many(void **state)
{
	uv_loop_t loop;
	struct timerq *q;
	enum { N = 2000 };
	struct tq_item *it = xcalloc(N, sizeof *it);
	struct tq_rec rec = { 0 };
	int fired = 0;

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	q = timerq_new(&loop);
	for (int i = 0; i < N; i++) {
		it[i].rec = &rec;
		it[i].id = i;
		timerq_entry_init(&it[i].ent, tq_count, &it[i]);
		timerq_add(q, &it[i].ent, (uint64_t)((i * 7919) % 50));
	}
	for (int i = 0; i < N; i += 3)
		timerq_remove(q, &it[i].ent);
	while (timerq_count(q) > 0) {
		uv_run(&loop, UV_RUN_ONCE);
		fired++;
	}
	assert_int_equal(tq_count_fired, N - (N + 2) / 3);
	assert_int_equal(tq_out_of_order, 0);
	for (int i = 0; i < N; i++)
		assert_false(timerq_pending(&it[i].ent));
	timerq_free(q);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	free(it);
	assert_true(fired > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_and_headers),
		cmocka_unit_test(test_post_put_bodies),
		cmocka_unit_test(test_keepalive_reuse),
		cmocka_unit_test(test_connection_caps),
		cmocka_unit_test(test_status_and_retry_headers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_never_answers),
		cmocka_unit_test(test_hang_does_not_block_host),
		cmocka_unit_test(test_slow_body),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_reset_and_short_body),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_free_with_pending),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_loop_stays_free),
		cmocka_unit_test(test_send_from_callback),
		cmocka_unit_test(test_tls_verification),
		cmocka_unit_test(test_tls_minimum_version),
		cmocka_unit_test(test_bad_ca_bundle),
		cmocka_unit_test(test_proxy_from_environment),
		cmocka_unit_test(test_timerq),
		cmocka_unit_test(test_timerq_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
