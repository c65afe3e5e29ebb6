/*
 * ratelimit.h: client-side rate limits per (account, region, service).
 *
 * AWS throttles per account, region and API; one shared bucket would let a
 * hot API starve the others (aws-sdk-go-v2 #1665). So every (signing
 * account, region, service) has its own token bucket, created on first use
 * and dropped again once it is idle and back at its defaults (so memory
 * follows what is active, not accounts x regions).
 *
 * Each bucket adapts like botocore's adaptive retry mode (AWS-WIRE.md 6.2,
 * adaptive.py / throttling.py): CUBIC with beta 0.7 and C 0.4, a measured
 * send rate (EMA 0.8 over 0.5 s buckets), fill rate = min(CUBIC rate,
 * 2 x measured), capacity max(1, rate). Unlike botocore the bucket is on
 * from the start at the service's starting rate (Cost Explorer costs money
 * per call), grows with demand up to the service's maximum, and never drops
 * below the starting rate until the first throttle; after one it slows down
 * and recovers on the CUBIC curve. Two more departures keep a burst of
 * throttles from starving a shared bucket (the management account's STS or
 * Organizations bucket carries the whole org): a throttle slows a bucket
 * once per generation (answers to requests sent before the last slowdown
 * do not slow it again, as TCP reacts once per round trip), and the rate
 * never drops below a tenth of the starting rate (nor 0.5/s).
 *
 * Waiting requests queue first-in first-out per bucket on the loop (one
 * timer queue for all buckets); nothing ever blocks.
 */
#ifndef ORGTOP_RATELIMIT_H
#define ORGTOP_RATELIMIT_H

#include <stddef.h>

#include "core/aws/endpoint.h"
#include "core/aws/retry.h"
#include "core/net/timerq.h"

#define RATELIMIT_MIN_RATE 0.5
#define RATELIMIT_FLOOR 0.1 /* never below a tenth of the starting rate (nor 0.5/s) */
#define RATELIMIT_BETA 0.7
#define RATELIMIT_SCALE 0.4
#define RATELIMIT_SMOOTH 0.8
#define RATELIMIT_BUCKET_S 0.5

/*
 * botocore's CubicCalculator and RateClocker, as plain state and functions
 * of time (seconds), so the math can be tested without a clock.
 */
struct ratelimit_cubic {
	double w_max;     /* the rate at the last throttle */
	double k;         /* cbrt(w_max * (1 - beta) / C) */
	double last_fail; /* time of the last throttle */
};
void ratelimit_cubic_init(struct ratelimit_cubic *c, double start_rate, double now);
/* The CUBIC rate at time now after successes: C * (now - last_fail - K)^3 + W_max. */
double ratelimit_cubic_success(const struct ratelimit_cubic *c, double now);
/* Records a throttle at rate_to_use; returns the new rate, rate_to_use * beta. */
double ratelimit_cubic_throttle(struct ratelimit_cubic *c, double rate_to_use, double now);

struct ratelimit_meter {
	double measured;    /* requests per second, smoothed */
	double last_bucket; /* start of the current 0.5 s bucket */
	double count;
};
void ratelimit_meter_init(struct ratelimit_meter *m, double now);
/* Counts one request at time now; returns the measured rate. */
double ratelimit_meter_record(struct ratelimit_meter *m, double now);

struct ratelimit;
struct ratelimit_bucket; /* owned by the limiter; hold a reference while you use it */
struct ratelimit_wait;

typedef void (*ratelimit_cb)(struct ratelimit_wait *w);

/* A place in a bucket's queue; embedded in the caller's request. */
struct ratelimit_wait {
	struct ratelimit_wait *next, *prev;
	struct ratelimit_bucket *bucket; /* non-NULL while queued */
	ratelimit_cb cb;
	void *arg;
};

/* Creates a limiter whose waits run on q (borrowed; must outlive it). */
struct ratelimit *ratelimit_new(struct timerq *q);
/* Frees every bucket; waiters still queued are dropped without a call. NULL-safe. */
void ratelimit_free(struct ratelimit *rl);

/*
 * Changes the starting and maximum rate (requests per second) of a service's
 * buckets created from now on. max < start is raised to start. The defaults:
 * Cost Explorer 1/1 (USD 0.01 a call), Identity Center and Identity Store
 * 20/20, Account 5/5 (ListRegions' published limit), Organizations 10/50,
 * Security Hub 3/10, SSO portal 20/20, OIDC 5/5, STS 100/600, others 50/200.
 */
void ratelimit_set_service(struct ratelimit *rl, enum aws_service svc, double start, double max);
void ratelimit_get_service(const struct ratelimit *rl, enum aws_service svc, double *start,
    double *max);

/*
 * The bucket of (account, region, svc), created if needed, with a reference
 * taken: release it with ratelimit_bucket_put(). account and region may be
 * NULL or "" (unknown). Copied.
 */
struct ratelimit_bucket *ratelimit_bucket_get(struct ratelimit *rl, const char *account,
    const char *region, enum aws_service svc);
void ratelimit_bucket_put(struct ratelimit *rl, struct ratelimit_bucket *b);

/*
 * Takes one token from b. Returns 1 if it was taken now (cb is not called),
 * or 0 if w was queued: cb(w) follows from the loop when the token is
 * granted. w must stay valid until then or until ratelimit_cancel().
 */
int ratelimit_acquire(struct ratelimit *rl, struct ratelimit_bucket *b, struct ratelimit_wait *w,
    ratelimit_cb cb, void *arg);
/* Removes w from its queue if it is queued; harmless otherwise. */
void ratelimit_cancel(struct ratelimit *rl, struct ratelimit_wait *w);

/*
 * Feeds a response back: throttled 1 for a throttling answer, 0 for any
 * other answer. sent_ms: the loop time (timerq_now()) the request was sent,
 * or 0 when unknown (then a throttle always counts).
 */
void ratelimit_feedback(struct ratelimit *rl, struct ratelimit_bucket *b, int throttled,
    uint64_t sent_ms);

/* The retry quota of the bucket's (account, region, service). Borrowed, like b. */
struct retry_quota *ratelimit_bucket_quota(struct ratelimit_bucket *b);

/* The bucket's current fill rate (requests per second). */
double ratelimit_bucket_rate(const struct ratelimit_bucket *b);
/* Waiters queued in b. */
size_t ratelimit_bucket_waiting(const struct ratelimit_bucket *b);
/*
 * How long a bucket must be idle before it may be dropped (default 1 s; one
 * that was ever throttled at least 60 s), and the table size that triggers
 * the next sweep (default 4096). Tests.
 */
void ratelimit_set_idle(struct ratelimit *rl, double seconds, size_t sweep_min);

/* Buckets alive right now. */
size_t ratelimit_nbuckets(const struct ratelimit *rl);

#endif
