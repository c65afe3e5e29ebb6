/*
 * ratelimit.c: adaptive token buckets per (account, region, service).
 *
 * Buckets live in a chained hash table. A bucket with waiters has one
 * timer-queue entry set for when its next token is due; granting runs from
 * the loop. Idle buckets (no references, no waiters, unused for a minute)
 * are swept when the table has doubled since the last sweep, so memory
 * follows what is active.
 */
#include "core/aws/ratelimit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

/*
 * A refresh touches each (account, region, service) bucket a few times and
 * then leaves it: 5,000 accounts leave ~185,000 of them. A bucket that was
 * never throttled holds nothing a new one would not (its tokens refill to
 * capacity within a second, its rate never left the start), so it is
 * dropped once idle this long, and memory follows the requests in flight,
 * not the organization; one that was throttled keeps what it learned for a
 * minute.
 */
#define RL_IDLE_S 1.0
#define RL_IDLE_THROTTLED_S 60.0
#define RL_SWEEP_MIN 4096

struct ratelimit_bucket {
	struct ratelimit_bucket *hnext;
	uint64_t hash;
	char account[16];
	char region[48];
	enum aws_service svc;
	unsigned refs;
	int busy;            /* granting right now: never swept */
	double tokens;
	double capacity;
	double fill_rate;
	double last_refill;  /* seconds, loop clock */
	double start_rate, max_rate;
	double last_used;
	double last_decrease; /* when a throttle last slowed it; -1 never */
	int throttled_ever;
	struct ratelimit_cubic cubic;
	struct ratelimit_meter meter;
	struct ratelimit_wait *qhead, *qtail;
	size_t nwait;
	struct timerq_entry tq;
	struct retry_quota quota;
	struct ratelimit *rl;
};

struct ratelimit {
	struct timerq *q;
	struct ratelimit_bucket **slots;
	size_t nslots, n;
	size_t sweep_at, sweep_min;
	double idle_s;
	double start[AWS_SVC__COUNT], max[AWS_SVC__COUNT];
};

/* --- botocore's CUBIC and rate meter ------------------------------------------ */

static double
rl__zero_point(double w_max)
{
	return cbrt(w_max * (1.0 - RATELIMIT_BETA) / RATELIMIT_SCALE);
}

void
ratelimit_cubic_init(struct ratelimit_cubic *c, double start_rate, double now)
{
	c->w_max = start_rate;
	c->k = rl__zero_point(start_rate);
	c->last_fail = now;
}

double
ratelimit_cubic_success(const struct ratelimit_cubic *c, double now)
{
	double dt = now - c->last_fail - c->k;

	return RATELIMIT_SCALE * dt * dt * dt + c->w_max;
}

double
ratelimit_cubic_throttle(struct ratelimit_cubic *c, double rate_to_use, double now)
{
	c->w_max = rate_to_use;
	c->k = rl__zero_point(rate_to_use);
	c->last_fail = now;
	return rate_to_use * RATELIMIT_BETA;
}

void
ratelimit_meter_init(struct ratelimit_meter *m, double now)
{
	m->measured = 0;
	m->last_bucket = floor(now);
	m->count = 0;
}

double
ratelimit_meter_record(struct ratelimit_meter *m, double now)
{
	double scale = 1.0 / RATELIMIT_BUCKET_S;
	double bucket = floor(now * scale) / scale;

	m->count += 1;
	if (bucket > m->last_bucket) {
		double current = m->count / (bucket - m->last_bucket);

		m->measured = current * RATELIMIT_SMOOTH + m->measured * (1.0 - RATELIMIT_SMOOTH);
		m->count = 0;
		m->last_bucket = bucket;
	}
	return m->measured;
}

/* --- the table ---------------------------------------------------------------------- */

static double
rl__now(const struct ratelimit *rl)
{
	return (double)timerq_now(rl->q) / 1000.0;
}

static uint64_t
rl__hash(const char *account, const char *region, enum aws_service svc)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = account; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (const char *p = region; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (unsigned)svc) * 1099511628211ULL;
	return h;
}

struct ratelimit *
ratelimit_new(struct timerq *q)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	rl->q = q;
	rl->nslots = 256;
	rl->slots = xcalloc(rl->nslots, sizeof *rl->slots);
	rl->sweep_at = rl->sweep_min = RL_SWEEP_MIN;
	rl->idle_s = RL_IDLE_S;
	for (int i = 0; i < AWS_SVC__COUNT; i++) {
		rl->start[i] = 50;
		rl->max[i] = 200;
	}
	ratelimit_set_service(rl, AWS_SVC_CE, 1, 1);
	ratelimit_set_service(rl, AWS_SVC_SSO_ADMIN, 20, 20);
	ratelimit_set_service(rl, AWS_SVC_IDENTITYSTORE, 20, 20);
	ratelimit_set_service(rl, AWS_SVC_ACCOUNT, 5, 5);
	ratelimit_set_service(rl, AWS_SVC_ORGANIZATIONS, 10, 50);
	ratelimit_set_service(rl, AWS_SVC_SECURITYHUB, 3, 10);
	ratelimit_set_service(rl, AWS_SVC_SSO_PORTAL, 20, 20);
	ratelimit_set_service(rl, AWS_SVC_SSO_OIDC, 5, 5);
	ratelimit_set_service(rl, AWS_SVC_STS, 100, 600);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (size_t i = 0; i < rl->nslots; i++) {
		struct ratelimit_bucket *b = rl->slots[i];

		while (b != NULL) {
			struct ratelimit_bucket *next = b->hnext;

			timerq_remove(rl->q, &b->tq);
			for (struct ratelimit_wait *w = b->qhead; w != NULL; w = w->next)
				w->bucket = NULL;
			free(b);
			b = next;
		}
	}
	free(rl->slots);
	free(rl);
}

void
ratelimit_set_service(struct ratelimit *rl, enum aws_service svc, double start, double max)
{
	if ((unsigned)svc >= AWS_SVC__COUNT || !(start > 0))
		return;
	if (start < RATELIMIT_MIN_RATE)
		start = RATELIMIT_MIN_RATE;
	rl->start[svc] = start;
	rl->max[svc] = max > start ? max : start;
}

void
ratelimit_get_service(const struct ratelimit *rl, enum aws_service svc, double *start,
    double *max)
{
	*start = rl->start[svc];
	*max = rl->max[svc];
}

static void
rl__grow(struct ratelimit *rl)
{
	size_t nslots = rl->nslots * 2;
	struct ratelimit_bucket **slots = xcalloc(nslots, sizeof *slots);

	for (size_t i = 0; i < rl->nslots; i++) {
		struct ratelimit_bucket *b = rl->slots[i];

		while (b != NULL) {
			struct ratelimit_bucket *next = b->hnext;
			size_t s = (size_t)(b->hash & (nslots - 1));

			b->hnext = slots[s];
			slots[s] = b;
			b = next;
		}
	}
	free(rl->slots);
	rl->slots = slots;
	rl->nslots = nslots;
}

/*
 * Drops buckets nobody uses: no references, no waiters, idle for idle_s (a
 * minute, or idle_s if longer, for one that was throttled).
 */
static void
rl__sweep(struct ratelimit *rl, double now)
{
	for (size_t i = 0; i < rl->nslots; i++) {
		struct ratelimit_bucket **pp = &rl->slots[i];

		while (*pp != NULL) {
			struct ratelimit_bucket *b = *pp;
			double idle = b->throttled_ever && rl->idle_s < RL_IDLE_THROTTLED_S ?
			    RL_IDLE_THROTTLED_S : rl->idle_s;

			if (b->refs == 0 && b->nwait == 0 && !b->busy && now - b->last_used >= idle) {
				*pp = b->hnext;
				timerq_remove(rl->q, &b->tq);
				free(b);
				rl->n--;
				continue;
			}
			pp = &b->hnext;
		}
	}
	rl->sweep_at = rl->n * 2 > rl->sweep_min ? rl->n * 2 : rl->sweep_min;
}

static void rl__grant(struct timerq_entry *ent);

struct ratelimit_bucket *
ratelimit_bucket_get(struct ratelimit *rl, const char *account, const char *region,
    enum aws_service svc)
{
	struct ratelimit_bucket *b;
	uint64_t h;
	size_t s;
	double now = rl__now(rl);

	account = account != NULL ? account : "";
	region = region != NULL ? region : "";
	h = rl__hash(account, region, svc);
	s = (size_t)(h & (rl->nslots - 1));
	for (b = rl->slots[s]; b != NULL; b = b->hnext) {
		if (b->hash == h && b->svc == svc && strncmp(b->account, account, sizeof b->account) == 0 &&
		    strncmp(b->region, region, sizeof b->region) == 0) {
			b->refs++;
			b->last_used = now;
			return b;
		}
	}
	if (rl->n >= rl->sweep_at)
		rl__sweep(rl, now);
	if (rl->n >= rl->nslots) {
		rl__grow(rl);
		s = (size_t)(h & (rl->nslots - 1));
	}
	b = xcalloc(1, sizeof *b);
	b->hash = h;
	snprintf(b->account, sizeof b->account, "%s", account);
	snprintf(b->region, sizeof b->region, "%s", region);
	b->svc = svc;
	b->refs = 1;
	b->rl = rl;
	b->start_rate = rl->start[svc];
	b->max_rate = rl->max[svc];
	b->fill_rate = b->start_rate;
	b->capacity = b->start_rate >= 1 ? b->start_rate : 1;
	b->tokens = b->capacity;
	b->last_refill = now;
	b->last_used = now;
	b->last_decrease = -1;
	ratelimit_cubic_init(&b->cubic, b->start_rate, now);
	ratelimit_meter_init(&b->meter, now);
	retry_quota_init(&b->quota);
	timerq_entry_init(&b->tq, rl__grant, b);
	b->hnext = rl->slots[s];
	rl->slots[s] = b;
	rl->n++;
	return b;
}

void
ratelimit_bucket_put(struct ratelimit *rl, struct ratelimit_bucket *b)
{
	if (b == NULL)
		return;
	if (b->refs > 0)
		b->refs--;
	b->last_used = rl__now(rl);
}

static void
rl__refill(struct ratelimit_bucket *b, double now)
{
	if (now > b->last_refill) {
		b->tokens += (now - b->last_refill) * b->fill_rate;
		if (b->tokens > b->capacity)
			b->tokens = b->capacity;
	}
	b->last_refill = now;
}

/* Arms the bucket's timer for when the next token is due. */
static void
rl__schedule(struct ratelimit_bucket *b)
{
	double need = 1.0 - b->tokens;
	uint64_t ms = 0;

	if (b->qhead == NULL) {
		timerq_remove(b->rl->q, &b->tq);
		return;
	}
	if (need > 0)
		ms = (uint64_t)ceil(need / b->fill_rate * 1000.0);
	timerq_add(b->rl->q, &b->tq, ms);
}

static void
rl__grant(struct timerq_entry *ent)
{
	struct ratelimit_bucket *b = ent->arg;
	double now = rl__now(b->rl);

	b->busy = 1;
	rl__refill(b, now);
	/* The timer can fire a hair early (ms rounding): within 1% counts as a token. */
	while (b->qhead != NULL && b->tokens >= 0.99) {
		struct ratelimit_wait *w = b->qhead;

		b->qhead = w->next;
		if (b->qhead != NULL)
			b->qhead->prev = NULL;
		else
			b->qtail = NULL;
		b->nwait--;
		w->next = w->prev = NULL;
		w->bucket = NULL;
		b->tokens -= 1.0;
		b->last_used = now;
		w->cb(w); /* may acquire or cancel on this bucket */
	}
	b->busy = 0;
	rl__schedule(b);
}

int
ratelimit_acquire(struct ratelimit *rl, struct ratelimit_bucket *b, struct ratelimit_wait *w,
    ratelimit_cb cb, void *arg)
{
	double now = rl__now(rl);

	rl__refill(b, now);
	b->last_used = now;
	if (b->qhead == NULL && b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 1;
	}
	w->cb = cb;
	w->arg = arg;
	w->bucket = b;
	w->next = NULL;
	w->prev = b->qtail;
	if (b->qtail != NULL)
		b->qtail->next = w;
	else
		b->qhead = w;
	b->qtail = w;
	b->nwait++;
	if (!b->busy && !timerq_pending(&b->tq))
		rl__schedule(b);
	return 0;
}

void
ratelimit_cancel(struct ratelimit *rl, struct ratelimit_wait *w)
{
	struct ratelimit_bucket *b = w->bucket;

	(void)rl;
	if (b == NULL)
		return;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		b->qhead = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		b->qtail = w->prev;
	b->nwait--;
	w->next = w->prev = NULL;
	w->bucket = NULL;
	if (b->qhead == NULL && !b->busy)
		timerq_remove(b->rl->q, &b->tq);
}

static void
rl__set_rate(struct ratelimit_bucket *b, double rate, double now)
{
	rl__refill(b, now);
	b->fill_rate = rate;
	b->capacity = rate >= 1 ? rate : 1;
	if (b->tokens > b->capacity)
		b->tokens = b->capacity;
}

void
ratelimit_feedback(struct ratelimit *rl, struct ratelimit_bucket *b, int throttled,
    uint64_t sent_ms)
{
	double now = rl__now(rl);
	double measured = ratelimit_meter_record(&b->meter, now);
	double rate, floor_rate;

	b->last_used = now;
	/*
	 * One slowdown per generation, as TCP does per round trip: a throttle
	 * for a request sent before the last slowdown says nothing new (a burst
	 * in flight would otherwise collapse the rate 0.7^n at once).
	 */
	if (throttled && sent_ms != 0 && b->last_decrease >= 0 &&
	    (double)sent_ms / 1000.0 < b->last_decrease)
		return;
	if (throttled) {
		double use = b->fill_rate;

		if (measured > 0 && measured < use)
			use = measured;
		rate = ratelimit_cubic_throttle(&b->cubic, use, now);
		b->throttled_ever = 1;
		b->last_decrease = now;
	} else {
		rate = ratelimit_cubic_success(&b->cubic, now);
	}
	if (measured > 0 && rate > 2 * measured)
		rate = 2 * measured;
	floor_rate = b->throttled_ever ? b->start_rate * RATELIMIT_FLOOR : b->start_rate;
	if (floor_rate < RATELIMIT_MIN_RATE)
		floor_rate = RATELIMIT_MIN_RATE;
	if (rate < floor_rate)
		rate = floor_rate;
	if (rate > b->max_rate)
		rate = b->max_rate;
	rl__set_rate(b, rate, now);
	b->last_used = now;
	if (b->qhead != NULL && !b->busy)
		rl__schedule(b);
}

void
ratelimit_set_idle(struct ratelimit *rl, double seconds, size_t sweep_min)
{
	rl->idle_s = seconds;
	rl->sweep_at = rl->sweep_min = sweep_min > 0 ? sweep_min : 1;
}

struct retry_quota *
ratelimit_bucket_quota(struct ratelimit_bucket *b)
{
	return &b->quota;
}

double
ratelimit_bucket_rate(const struct ratelimit_bucket *b)
{
	return b->fill_rate;
}

size_t
ratelimit_bucket_waiting(const struct ratelimit_bucket *b)
{
	return b->nwait;
}

size_t
ratelimit_nbuckets(const struct ratelimit *rl)
{
	return rl->n;
}
