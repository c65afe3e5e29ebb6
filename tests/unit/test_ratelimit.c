/*
 * test_ratelimit.c: per (account, region, service) adaptive token buckets.
 *
 * The CUBIC and rate-meter numbers are botocore's own (throttling.py,
 * adaptive.py), computed with botocore 1.43 for the same inputs.
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

#include "core/aws/ratelimit.h"
#include "core/util.h"
#include "core/xmalloc.h"

static void
test_cubic_like_botocore(void **state)
{
	struct ratelimit_cubic c;

	(void)state;
	/* CubicCalculator(starting_max_rate=10, start_time=100) */
	ratelimit_cubic_init(&c, 10, 100.0);
	assert_float_equal(c.k, 1.957433820584, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 100.0), 7.0, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 101.0), 9.648936009660, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 102.5), 10.063887831520, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 105.0), 21.266268354274, 1e-9);
	/* error_received(8.0, 106) */
	assert_float_equal(ratelimit_cubic_throttle(&c, 8.0, 106.0), 5.6, 1e-9);
	assert_float_equal(c.k, 1.817120592832, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 106.0), 5.6, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 107.0), 7.781767987275, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 108.0), 8.002446551753, 1e-9);
	assert_float_equal(ratelimit_cubic_success(&c, 110.0), 12.160535412317, 1e-9);
}

static void
test_meter_like_botocore(void **state)
{
	struct ratelimit_meter m;
	static const double t[] = { 10.3, 10.4, 10.6, 10.7, 11.1, 11.2, 11.3, 12.9, 13.0 };
	static const double want[] = { 0, 0, 4.8, 4.8, 4.16, 4.16, 4.16, 2.432, 2.0864 };

	(void)state;
	ratelimit_meter_init(&m, 10.2);
	for (size_t i = 0; i < NELEM(t); i++)
		assert_float_equal(ratelimit_meter_record(&m, t[i]), want[i], 1e-9);
}

/* --- buckets on a loop ------------------------------------------------------------- */

struct waiter {
	struct ratelimit_wait w;
	int granted;
	uint64_t at;
	int order;
};

static int g_order;

static void
granted(struct ratelimit_wait *w)
{
	struct waiter *x = w->arg;

	x->granted = 1;
	x->at = util_monotonic_ms();
	x->order = ++g_order;
}

struct fx {
	uv_loop_t loop;
	struct timerq *q;
	struct ratelimit *rl;
};

static void
fx_init(struct fx *f)
{
	assert_int_equal(uv_loop_init(&f->loop), 0);
	f->q = timerq_new(&f->loop);
	f->rl = ratelimit_new(f->q);
}

static void
fx_done(struct fx *f)
{
	ratelimit_free(f->rl);
	timerq_free(f->q);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
}

static void
test_bucket_paces_fifo(void **state)
{
	struct fx f;
	struct ratelimit_bucket *b;
	struct waiter *w = xcalloc(60, sizeof *w);
	int now_count = 0;
	uint64_t t0;

	(void)state;
	fx_init(&f);
	ratelimit_set_service(f.rl, AWS_SVC_CONFIG, 40, 40);
	b = ratelimit_bucket_get(f.rl, "111111111111", "eu-west-1", AWS_SVC_CONFIG);
	assert_float_equal(ratelimit_bucket_rate(b), 40, 1e-9);
	t0 = util_monotonic_ms();
	uv_update_time(&f.loop);
	for (int i = 0; i < 60; i++) {
		if (ratelimit_acquire(f.rl, b, &w[i].w, granted, &w[i]) == 1) {
			w[i].granted = 1;
			now_count++;
		}
	}
	/* A burst of the rate (40) goes now; the rest queue, in order. */
	assert_int_equal(now_count, 40);
	assert_int_equal(ratelimit_bucket_waiting(b), 20);
	for (int i = 40; i < 60; i++)
		assert_int_equal(w[i].granted, 0);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	for (int i = 40; i < 60; i++) {
		assert_int_equal(w[i].granted, 1);
		assert_int_equal(w[i].order, i - 39);
	}
	/* 20 tokens at 40/s: about half a second, never much faster. */
	assert_true(w[59].at - t0 >= 450);
	assert_true(w[59].at - t0 < 1500);
	assert_int_equal(ratelimit_bucket_waiting(b), 0);
	ratelimit_bucket_put(f.rl, b);
	free(w);
	fx_done(&f);
}

static void
test_buckets_are_independent(void **state)
{
	struct fx f;
	struct ratelimit_bucket *hot, *other_region, *other_account, *other_service, *again;
	struct waiter w[30], x;

	(void)state;
	memset(w, 0, sizeof w);
	memset(&x, 0, sizeof x);
	fx_init(&f);
	hot = ratelimit_bucket_get(f.rl, "111111111111", "eu-west-1", AWS_SVC_SSO_ADMIN);
	other_region = ratelimit_bucket_get(f.rl, "111111111111", "us-east-1", AWS_SVC_SSO_ADMIN);
	other_account = ratelimit_bucket_get(f.rl, "222222222222", "eu-west-1", AWS_SVC_SSO_ADMIN);
	other_service = ratelimit_bucket_get(f.rl, "111111111111", "eu-west-1",
	    AWS_SVC_IDENTITYSTORE);
	again = ratelimit_bucket_get(f.rl, "111111111111", "eu-west-1", AWS_SVC_SSO_ADMIN);
	assert_ptr_equal(hot, again);
	assert_int_equal(ratelimit_nbuckets(f.rl), 4);
	/* Saturate the hot bucket and throttle it. */
	for (int i = 0; i < 30; i++)
		ratelimit_acquire(f.rl, hot, &w[i].w, granted, &w[i]);
	ratelimit_feedback(f.rl, hot, 1, 0);
	assert_true(ratelimit_bucket_rate(hot) < 20);
	assert_true(ratelimit_bucket_waiting(hot) > 0);
	/* The others are untouched and answer at once. */
	assert_int_equal(ratelimit_acquire(f.rl, other_region, &x.w, granted, &x), 1);
	assert_int_equal(ratelimit_acquire(f.rl, other_account, &x.w, granted, &x), 1);
	assert_int_equal(ratelimit_acquire(f.rl, other_service, &x.w, granted, &x), 1);
	assert_float_equal(ratelimit_bucket_rate(other_region), 20, 1e-9);
	assert_float_equal(ratelimit_bucket_rate(other_service), 20, 1e-9);
	/* Each has its own retry quota. */
	assert_int_equal(retry_quota_take(ratelimit_bucket_quota(hot), RETRY_THROTTLE), 5);
	assert_int_equal(ratelimit_bucket_quota(other_region)->available, 500);
	/* Cancel the waiters instead of waiting for them. */
	for (int i = 0; i < 30; i++)
		ratelimit_cancel(f.rl, &w[i].w);
	assert_int_equal(ratelimit_bucket_waiting(hot), 0);
	uv_run(&f.loop, UV_RUN_NOWAIT);
	ratelimit_bucket_put(f.rl, hot);
	ratelimit_bucket_put(f.rl, again);
	ratelimit_bucket_put(f.rl, other_region);
	ratelimit_bucket_put(f.rl, other_account);
	ratelimit_bucket_put(f.rl, other_service);
	fx_done(&f);
}

static void
test_cancel_keeps_order(void **state)
{
	struct fx f;
	struct ratelimit_bucket *b;
	struct waiter burst[10], w[5];

	(void)state;
	memset(w, 0, sizeof w);
	g_order = 0;
	fx_init(&f);
	ratelimit_set_service(f.rl, AWS_SVC_EC2, 10, 10);
	b = ratelimit_bucket_get(f.rl, "", "", AWS_SVC_EC2);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ratelimit_acquire(f.rl, b, &burst[i].w, granted, &burst[i]), 1);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_acquire(f.rl, b, &w[i].w, granted, &w[i]), 0);
	ratelimit_cancel(f.rl, &w[1].w);
	ratelimit_cancel(f.rl, &w[3].w);
	ratelimit_cancel(f.rl, &w[3].w); /* twice is harmless */
	assert_int_equal(ratelimit_bucket_waiting(b), 3);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(w[0].order, 1);
	assert_int_equal(w[2].order, 2);
	assert_int_equal(w[4].order, 3);
	assert_int_equal(w[1].granted, 0);
	assert_int_equal(w[3].granted, 0);
	ratelimit_bucket_put(f.rl, b);
	fx_done(&f);
}

static void
timer_stop_cb(uv_timer_t *t)
{
	uv_timer_stop(t);
}

static void
test_throttle_and_recover(void **state)
{
	struct fx f;
	struct ratelimit_bucket *b;
	double r0, r1, r2;
	uv_timer_t t;

	(void)state;
	fx_init(&f);
	ratelimit_set_service(f.rl, AWS_SVC_CONFIG, 2, 10);
	b = ratelimit_bucket_get(f.rl, "1", "eu-west-1", AWS_SVC_CONFIG);
	r0 = ratelimit_bucket_rate(b);
	assert_float_equal(r0, 2, 1e-9);
	/*
	 * Throttled: beta (0.7) x the rate it was sending at, the smaller of the
	 * fill rate and the measured rate (which depends on where the loop clock
	 * falls in its half-second bucket).
	 */
	ratelimit_feedback(f.rl, b, 1, 0);
	r1 = ratelimit_bucket_rate(b);
	assert_true(r1 <= 1.4 + 1e-9);
	assert_true(r1 >= 0.7 * 1.6 - 1e-9);
	ratelimit_feedback(f.rl, b, 1, 0);
	r2 = ratelimit_bucket_rate(b);
	assert_true(r2 < r1);
	assert_true(r2 >= RATELIMIT_MIN_RATE);
	/* After K (about 1 s) on the CUBIC curve it is back where it was throttled. */
	uv_timer_init(&f.loop, &t);
	uv_timer_start(&t, timer_stop_cb, 1300, 0);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	ratelimit_feedback(f.rl, b, 0, 0);
	assert_true(ratelimit_bucket_rate(b) > r2);
	assert_true(ratelimit_bucket_rate(b) >= r2 / 0.7 - 1e-6);
	uv_close((uv_handle_t *)&t, NULL);
	ratelimit_bucket_put(f.rl, b);
	fx_done(&f);
}

static void
test_one_slowdown_per_generation(void **state)
{
	struct fx f;
	struct ratelimit_bucket *b;
	uv_timer_t t;
	uint64_t sent;
	double r1;

	(void)state;
	fx_init(&f);
	ratelimit_set_service(f.rl, AWS_SVC_CONFIG, 50, 50);
	b = ratelimit_bucket_get(f.rl, "1", "eu-west-1", AWS_SVC_CONFIG);
	/* Answers at a high rate for one meter bucket, so the measured rate is high. */
	for (int i = 0; i < 100; i++)
		ratelimit_feedback(f.rl, b, 0, 0);
	uv_timer_init(&f.loop, &t);
	uv_timer_start(&t, timer_stop_cb, 600, 0);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	sent = timerq_now(f.q);
	/* A burst in flight comes back throttled: the first answer slows the bucket... */
	ratelimit_feedback(f.rl, b, 1, sent);
	r1 = ratelimit_bucket_rate(b);
	assert_float_equal(r1, 35, 1e-9);
	/* ...the others, sent before that, do not slow it again. */
	for (int i = 0; i < 20; i++)
		ratelimit_feedback(f.rl, b, 1, sent - 1);
	assert_float_equal(ratelimit_bucket_rate(b), r1, 1e-9);
	/* A request sent after the slowdown that is throttled too: slower again. */
	uv_timer_start(&t, timer_stop_cb, 20, 0);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	ratelimit_feedback(f.rl, b, 1, timerq_now(f.q));
	assert_true(ratelimit_bucket_rate(b) < r1);
	uv_close((uv_handle_t *)&t, NULL);
	ratelimit_bucket_put(f.rl, b);
	fx_done(&f);
}

static void
test_caps_and_floors(void **state)
{
	struct fx f;
	struct ratelimit_bucket *ce, *cfg;
	double start, max;

	(void)state;
	fx_init(&f);
	ratelimit_get_service(f.rl, AWS_SVC_CE, &start, &max);
	assert_float_equal(start, 1, 1e-9);
	assert_float_equal(max, 1, 1e-9);
	ratelimit_get_service(f.rl, AWS_SVC_ACCOUNT, &start, &max);
	assert_float_equal(max, 5, 1e-9);
	ratelimit_get_service(f.rl, AWS_SVC_SSO_ADMIN, &start, &max);
	assert_float_equal(max, 20, 1e-9);
	ce = ratelimit_bucket_get(f.rl, "1", "us-east-1", AWS_SVC_CE);
	cfg = ratelimit_bucket_get(f.rl, "1", "us-east-1", AWS_SVC_CONFIG);
	/* Cost Explorer never goes above 1/s, however well it goes. */
	for (int i = 0; i < 1000; i++)
		ratelimit_feedback(f.rl, ce, 0, 0);
	assert_float_equal(ratelimit_bucket_rate(ce), 1, 1e-9);
	/* Before any throttle a bucket never drops below its starting rate. */
	for (int i = 0; i < 100; i++)
		ratelimit_feedback(f.rl, cfg, 0, 0);
	assert_true(ratelimit_bucket_rate(cfg) >= 50);
	/* Throttles take it down, never below a tenth of the start. */
	for (int i = 0; i < 100; i++)
		ratelimit_feedback(f.rl, cfg, 1, 0);
	assert_float_equal(ratelimit_bucket_rate(cfg), 5, 1e-9);
	/* max below start is raised to start; nonsense is ignored. */
	ratelimit_set_service(f.rl, AWS_SVC_EC2, 10, 1);
	ratelimit_get_service(f.rl, AWS_SVC_EC2, &start, &max);
	assert_float_equal(max, 10, 1e-9);
	ratelimit_set_service(f.rl, AWS_SVC_EC2, -1, 5);
	ratelimit_get_service(f.rl, AWS_SVC_EC2, &start, &max);
	assert_float_equal(start, 10, 1e-9);
	ratelimit_bucket_put(f.rl, ce);
	ratelimit_bucket_put(f.rl, cfg);
	fx_done(&f);
}

static void
test_idle_buckets_are_dropped(void **state)
{
	struct fx f;
	struct ratelimit_bucket *keep, *waiting, *slowed;
	struct waiter w = { 0 };
	char acct[16];

	(void)state;
	fx_init(&f);
	ratelimit_set_idle(f.rl, 0, 100);
	ratelimit_set_service(f.rl, AWS_SVC_CE, 1, 1);
	keep = ratelimit_bucket_get(f.rl, "keep", "eu-west-1", AWS_SVC_CONFIG);
	/* A bucket that was throttled keeps its lesson for a minute, references or not. */
	slowed = ratelimit_bucket_get(f.rl, "slow", "eu-west-1", AWS_SVC_CONFIG);
	ratelimit_feedback(f.rl, slowed, 1, 0);
	assert_true(ratelimit_bucket_rate(slowed) < 50);
	ratelimit_bucket_put(f.rl, slowed);
	waiting = ratelimit_bucket_get(f.rl, "wait", "eu-west-1", AWS_SVC_CE);
	assert_int_equal(ratelimit_acquire(f.rl, waiting, &w.w, granted, &w), 1);
	assert_int_equal(ratelimit_acquire(f.rl, waiting, &w.w, granted, &w), 0);
	ratelimit_bucket_put(f.rl, waiting); /* no reference, but a waiter */
	for (int i = 0; i < 5000; i++) {
		struct ratelimit_bucket *b;

		snprintf(acct, sizeof acct, "%012d", i);
		b = ratelimit_bucket_get(f.rl, acct, "eu-west-1", AWS_SVC_GUARDDUTY);
		ratelimit_bucket_put(f.rl, b);
	}
	/* Memory follows what is in use: far fewer than 5,000 buckets remain. */
	assert_true(ratelimit_nbuckets(f.rl) < 400);
	/* The referenced bucket, the throttled one and the one with a waiter survived. */
	assert_ptr_equal(ratelimit_bucket_get(f.rl, "keep", "eu-west-1", AWS_SVC_CONFIG), keep);
	ratelimit_bucket_put(f.rl, keep);
	slowed = ratelimit_bucket_get(f.rl, "slow", "eu-west-1", AWS_SVC_CONFIG);
	assert_true(ratelimit_bucket_rate(slowed) < 50);
	ratelimit_bucket_put(f.rl, slowed);
	assert_int_equal(ratelimit_bucket_waiting(waiting), 1);
	uv_run(&f.loop, UV_RUN_DEFAULT); /* the waiter gets its token a second later */
	assert_int_equal(w.granted, 1);
	ratelimit_bucket_put(f.rl, keep);
	fx_done(&f);
}

static void
test_free_with_waiters(void **state)
{
	struct fx f;
	struct ratelimit_bucket *b;
	struct waiter w[3];

	(void)state;
	memset(w, 0, sizeof w);
	fx_init(&f);
	b = ratelimit_bucket_get(f.rl, "1", "eu-west-1", AWS_SVC_CE);
	assert_int_equal(ratelimit_acquire(f.rl, b, &w[0].w, granted, &w[0]), 1);
	assert_int_equal(ratelimit_acquire(f.rl, b, &w[1].w, granted, &w[1]), 0);
	assert_int_equal(ratelimit_acquire(f.rl, b, &w[2].w, granted, &w[2]), 0);
	ratelimit_free(f.rl);
	f.rl = NULL;
	assert_null(w[1].w.bucket);
	assert_null(w[2].w.bucket);
	timerq_free(f.q);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(w[1].granted, 0);
	assert_int_equal(uv_loop_close(&f.loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cubic_like_botocore),
		cmocka_unit_test(test_meter_like_botocore),
		cmocka_unit_test(test_bucket_paces_fifo),
		cmocka_unit_test(test_buckets_are_independent),
		cmocka_unit_test(test_cancel_keeps_order),
		cmocka_unit_test(test_throttle_and_recover),
		cmocka_unit_test(test_one_slowdown_per_generation),
		cmocka_unit_test(test_caps_and_floors),
		cmocka_unit_test(test_idle_buckets_are_dropped),
		cmocka_unit_test(test_free_with_waiters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
