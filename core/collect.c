/*
 * collect.c: the collector's machinery and the API of core/collect.h: tasks
 * and the bounded pool of requests in flight, the ready ring of per-account
 * leaves, the region list and its deadline, refresh rounds and intervals.
 *
 * The kinds of task live in collect_org.c (identity, the walk, each
 * account's preparation), collect_cells.c (Config, GuardDuty, Budgets, the
 * drill-down detail), collect_sso.c and collect_cost.c; collect_int.h
 * describes how they fit.
 */
#include "core/collect.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/endpoint.h"
#include "core/aws/ratelimit.h"
#include "core/collect_int.h"
#include "core/log.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define DEFAULT_CONCURRENCY 64
#define MAX_CONCURRENCY 1024
#define DEFAULT_REGION_DEADLINE 30
#define DEFAULT_ROLE "OrganizationAccountAccessRole"
/* Tasks kept for reuse instead of freed. */
#define FREE_TASKS_MAX 256
/* Identity Center allows ~20 requests/s, Cost Explorer costs money: their lanes stay small. */
#define SSO_LANE_CAP 8
#define COST_LANE_CAP 1
/*
 * Identity Center's buckets start at the ~20 requests/s AWS is said to
 * allow, but may grow with demand up to this (the limiter is adaptive: a
 * throttling answer cuts the rate, CUBIC recovers it). With a hard 20/s,
 * the per-(account, permission set) ListAccountAssignments of 1,000 accounts
 * alone would take three minutes.
 */
#define SSO_MAX_RATE 200
/*
 * And start at 40/s: per principal, 5,000 accounts are ~250 pages of
 * ListAccountAssignmentsForPrincipal, 12 s at 20/s. A throttle slows it.
 */
#define SSO_START_RATE 40

/*
 * The buckets one account carries for the whole organization start higher
 * than the client's conservative defaults, which suit one account's own
 * calls. The walk reads ~1 page per 20 accounts from the management
 * account's Organizations bucket (5,000 accounts: 333 calls; 30 s at the
 * default 10/s); every AssumeRole comes from the caller's STS bucket (STS
 * allows 600 requests/s per account and region); org mode sends a few
 * hundred GuardDuty and Config calls per region from the administrator. A
 * throttling answer still slows a bucket down (CUBIC, once per round trip).
 */
static const struct {
	enum aws_service svc;
	double start, max;
} hot_rate[] = {
	{AWS_SVC_ORGANIZATIONS, 100, 100},
	{AWS_SVC_STS, 600, 600},
	{AWS_SVC_GUARDDUTY, 100, 200},
	{AWS_SVC_CONFIG, 100, 200},
};

static const unsigned default_interval[SRC__COUNT] = {
	[SRC_ORG] = 3600,
	[SRC_CONFIG] = 300,
	[SRC_GUARDDUTY] = 300,
	[SRC_BUDGETS] = 3600,
	[SRC_SSO] = 3600,
	[SRC_COST] = 6 * 3600,
};

static const struct task_ops *const ops_of[TK__COUNT] = {
	[TK_IDENTITY] = &collect__identity_ops,
	[TK_ORG] = &collect__org_ops,
	[TK_ROOTS] = &collect__roots_ops,
	[TK_OUS] = &collect__ous_ops,
	[TK_ACCTS] = &collect__accts_ops,
	[TK_PREP] = &collect__prep_ops,
	[TK_CONFIG] = &collect__config_ops,
	[TK_GD] = &collect__gd_ops,
	[TK_BUDGET] = &collect__budget_ops,
	[TK_RULES] = &collect__rules_ops,
	[TK_FINDINGS] = &collect__findings_ops,
	[TK_SSO] = &collect__sso_ops,
	[TK_COST] = &collect__cost_ops,
	[TK_AGG] = &collect__agg_ops,
};

static void round_begin(struct collect *c);
static void acct_drop_creds(struct collect *c, int32_t i);
static int acct_has_pending(const struct collect_account *a);
static void source_start(struct collect *c, enum collect_source s);
static void tick_arm(struct collect *c);

/* ------------------------------------------------------------- messages */

void
collect__msg(struct collect *c, int level, const char *fmt, ...)
{
	char line[1024];
	char *clean;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(line, sizeof line, fmt, ap) < 0)
		line[0] = '\0';
	va_end(ap);
	clean = text_clean(line, 0);
	log_msg((enum log_level)level, "collect: %s", clean);
	if (c->msg_cb != NULL)
		c->msg_cb(level, clean, c->msg_arg);
	free(clean);
}

int
collect__account_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL)
		return 0;
	for (; id[n] != '\0'; n++) {
		if (id[n] < '0' || id[n] > '9')
			return 0;
	}
	return n == 12;
}

/* ---------------------------------------------------------------- tasks */

static void task_delay_cb(struct timerq_entry *ent);

static struct task *
task_alloc(struct collect *c)
{
	struct task *t = c->free_tasks;

	if (t != NULL) {
		c->free_tasks = t->anext;
		c->nfree_tasks--;
	} else {
		t = xmalloc(sizeof *t);
	}
	memset(t, 0, sizeof *t);
	t->c = c;
	t->account = -1;
	t->index = -1;
	timerq_entry_init(&t->delay, task_delay_cb, t);
	t->anext = c->live;
	if (c->live != NULL)
		c->live->aprev = t;
	c->live = t;
	return t;
}

static void
task_release(struct collect *c, struct task *t)
{
	int32_t account = t->account;

	if (account >= 0 && (size_t)account < c->naccts) {
		struct collect_account *a = &c->accts[account];

		if (a->ntasks > 0)
			a->ntasks--;
		if (t->flags & TF_LEAF) { /* set by leaf_task() */
			if (t->kind == TK_CONFIG)
				regmask_clear(&a->busy_cfg, t->region);
			else if (t->kind == TK_GD)
				regmask_clear(&a->busy_gd, t->region);
			else
				a->busy_budget = 0;
		}
	}
	if (t->aprev != NULL)
		t->aprev->anext = t->anext;
	else
		c->live = t->anext;
	if (t->anext != NULL)
		t->anext->aprev = t->aprev;
	if (c->nfree_tasks < FREE_TASKS_MAX) {
		t->anext = c->free_tasks;
		c->free_tasks = t;
		c->nfree_tasks++;
	} else {
		free(t);
	}
	if (account >= 0 && (size_t)account < c->naccts)
		acct_drop_creds(c, account);
}

/* A task whose collector is gone: only its own memory is left to free. */
static void
task_free_orphan(struct task *t)
{
	const struct task_ops *ops = ops_of[t->kind];

	if (ops->free_data != NULL)
		ops->free_data(t);
	free(t);
}

struct task *
collect__task_new(struct collect *c, enum task_kind kind, int32_t account, unsigned region,
    enum collect_source src, enum collect__lane lane)
{
	struct task *t;

	collect__work_add(c, src, 1);
	t = task_alloc(c);
	t->kind = (uint8_t)kind;
	t->account = account;
	if (account >= 0 && (size_t)account < c->naccts)
		c->accts[account].ntasks++;
	t->region = (uint16_t)region;
	t->src = (uint8_t)src;
	t->lane = (uint8_t)lane;
	t->round = c->round;
	return t;
}

void
collect__task_queue(struct task *t)
{
	struct collect *c = t->c;

	collect__queue_push(&c->q, &t->q, (enum collect__lane)t->lane);
	collect__dispatch(c);
}

static void
slot_take(struct collect *c, struct task *t, int from_lane)
{
	struct collect_region *r = &c->regions[t->region];

	t->flags |= TF_SLOT | (from_lane ? TF_LANE : 0);
	c->inflight++;
	if (r->inflight++ == 0)
		r->last_progress = timerq_now(c->tq);
}

static void
slot_release(struct collect *c, struct task *t)
{
	if (!(t->flags & TF_SLOT))
		return;
	t->flags &= (uint8_t)~TF_SLOT;
	c->inflight--;
	c->regions[t->region].inflight--;
	if (t->flags & TF_LANE) {
		collect__queue_done(&c->q, (enum collect__lane)t->q.lane);
		t->flags &= (uint8_t)~TF_LANE;
	}
}

void
collect__task_finish(struct task *t)
{
	struct collect *c = t->c;
	const struct task_ops *ops = ops_of[t->kind];
	enum collect_source src = (enum collect_source)t->src;

	slot_release(c, t);
	collect__queue_remove(&c->q, &t->q);
	timerq_remove(c->tq, &t->delay);
	if (ops->free_data != NULL)
		ops->free_data(t);
	task_release(c, t);
	collect__work_done(c, src, 1);
	collect__dispatch(c);
}

static int
region_dead(const struct collect *c, unsigned r)
{
	return c->round != 0 && c->regions[r].dead_round == c->round;
}

static void
timeout_verdict(const struct collect *c, struct collect__verdict *v)
{
	memset(v, 0, sizeof *v);
	v->st = MS_ERROR;
	snprintf(v->reason, sizeof v->reason, "region timed out after %us", c->region_deadline);
}

void
collect__task_failed(struct task *t, const struct collect__verdict *v)
{
	struct collect *c = t->c;
	const struct task_ops *ops = ops_of[t->kind];
	struct collect__verdict last;

	if (v->sso_expired && !c->sso_expired_said) {
		c->sso_expired_said = 1;
		collect__msg(c, LOG_ERROR, "%s", v->reason);
	}
	if (v->requeue && t->requeues < COLLECT_MAX_REQUEUES && !c->stopping) {
		uint64_t delay = 1000u << t->requeues;

		t->requeues++;
		if (ops->fail != NULL)
			ops->fail(t, v); /* MS_THROTTLED: the value stays, marked stale */
		slot_release(c, t);
		/* Half the delay plus up to half again, so throttled tasks spread out. */
		delay = delay / 2 + (uint64_t)(util_monotonic_ms() % (delay / 2 + 1));
		t->flags |= TF_DELAYED;
		timerq_add(c->tq, &t->delay, delay);
		collect__dispatch(c);
		return;
	}
	last = *v;
	if (v->requeue) {
		last.requeue = 0;
		if (v->st == MS_THROTTLED) {
			last.st = MS_ERROR;
			snprintf(last.reason, sizeof last.reason, "throttled");
		}
	}
	if (last.st == MS_ERROR)
		c->errors++;
	if (ops->fail != NULL)
		ops->fail(t, &last);
	collect__task_finish(t);
}

static void
task_delay_cb(struct timerq_entry *ent)
{
	struct task *t = ent->arg;
	struct collect *c = t->c;

	t->flags &= (uint8_t)~TF_DELAYED;
	collect__queue_push(&c->q, &t->q, LANE_RETRY);
	collect__dispatch(c);
}

int
collect__task_answer(struct task *t, const struct aws_result *res)
{
	struct collect *c = t->c;

	t->call = NULL;
	t->flags &= (uint8_t)~TF_WAITING;
	if (c == NULL) {
		task_free_orphan(t);
		return 1;
	}
	if (res != NULL && res->status != 0)
		c->regions[t->region].last_progress = timerq_now(c->tq);
	if (res != NULL && res->err == AWS_ERR_CANCELLED && region_dead(c, t->region)) {
		struct collect__verdict v;

		timeout_verdict(c, &v);
		c->errors++;
		if (ops_of[t->kind]->fail != NULL)
			ops_of[t->kind]->fail(t, &v);
		collect__task_finish(t);
		return 1;
	}
	return 0;
}

static void
call_request(struct task *t, enum ops_id op, struct creds_provider *cr, const char *account,
    const cJSON *params, struct aws_request *req)
{
	struct collect *c = t->c;
	const struct ops_op *o = ops_get(op);

	memset(req, 0, sizeof *req);
	req->service = c->svc_of[op];
	req->operation = o->name;
	req->region = t->region == REGION_GLOBAL ? NULL : c->regions[t->region].name;
	req->params = params;
	req->creds = cr;
	req->account = account;
	req->tag = (uint64_t)t->region + 1;
}

void
collect__call(struct task *t, enum ops_id op, struct creds_provider *cr, const char *account,
    cJSON *params, aws_call_cb cb)
{
	struct aws_request req;

	call_request(t, op, cr, account, params, &req);
	t->flags |= TF_WAITING;
	t->call = aws_client_call(t->c->client, &req, cb, t);
}

void
collect__paginate(struct task *t, enum ops_id op, struct creds_provider *cr,
    const char *account, cJSON *params, aws_page_cb page_cb, aws_call_cb done_cb)
{
	const struct ops_op *o = ops_get(op);
	struct aws_paginate pg = { o->token_in, o->token_out, 0 };
	struct aws_request req;

	call_request(t, op, cr, account, params, &req);
	t->flags |= TF_WAITING;
	t->call = aws_client_paginate(t->c->client, &req, &pg, page_cb, done_cb, t);
}

/* ------------------------------------------------------------- accounts */

static uint64_t
id_hash(const char *id)
{
	uint64_t h = 0;

	for (int i = 0; i < 12 && id[i] != '\0'; i++)
		h = h * 10 + (uint64_t)(id[i] - '0');
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static void
ahash_put(struct collect *c, int32_t i)
{
	size_t mask = c->ahash_cap - 1, j = id_hash(c->accts[i].id) & mask;

	while (c->ahash[j] != 0)
		j = (j + 1) & mask;
	c->ahash[j] = i + 1;
}

static void
ahash_grow(struct collect *c)
{
	size_t cap = c->ahash_cap ? c->ahash_cap * 2 : 256;

	free(c->ahash);
	c->ahash = xcalloc(cap, sizeof *c->ahash);
	c->ahash_cap = cap;
	for (size_t i = 0; i < c->naccts; i++)
		ahash_put(c, (int32_t)i);
}

struct collect_account *
collect__acct(struct collect *c, int32_t i)
{
	return i >= 0 && (size_t)i < c->naccts ? &c->accts[i] : NULL;
}

int32_t
collect__acct_find(const struct collect *c, const char *id)
{
	size_t mask, j;

	if (c->ahash_cap == 0 || !collect__account_id_valid(id))
		return -1;
	mask = c->ahash_cap - 1;
	for (j = id_hash(id) & mask; c->ahash[j] != 0; j = (j + 1) & mask) {
		int32_t i = c->ahash[j] - 1;

		if (memcmp(c->accts[i].id, id, 13) == 0)
			return i;
	}
	return -1;
}

int32_t
collect__acct_upsert(struct collect *c, const char *id)
{
	int32_t i = collect__acct_find(c, id);
	struct collect_account *a;

	if (i >= 0 || !collect__account_id_valid(id))
		return i;
	if (c->naccts == c->capaccts) {
		c->capaccts = c->capaccts ? c->capaccts * 2 : 64;
		c->accts = xreallocarray(c->accts, c->capaccts, sizeof *c->accts);
	}
	i = (int32_t)c->naccts++;
	a = &c->accts[i];
	memset(a, 0, sizeof *a);
	memcpy(a->id, id, 13);
	a->model = -1;
	a->rnext = a->rprev = -1;
	a->own = strcmp(id, c->caller_account) == 0;
	if (2 * c->naccts > c->ahash_cap)
		ahash_grow(c);
	else
		ahash_put(c, i);
	return i;
}

int
collect__acct_model(const struct collect *c, int32_t i)
{
	if (i < 0 || (size_t)i >= c->naccts)
		return -1;
	return c->accts[i].model;
}

struct creds_provider *
collect__acct_creds(struct collect *c, struct collect_account *a)
{
	return collect__acct_role(c, a);
}

/* Account i's role credentials, once nothing will use them again (--once). */
static void
acct_drop_creds(struct collect *c, int32_t i)
{
	struct collect_account *a = &c->accts[i];

	if (!c->once || a->creds == NULL || a->own || a->ntasks > 0 || acct_has_pending(a) ||
	    a->prep_queued || a->phase == AP_NEW || a->phase == AP_PREP ||
	    collect__agg_holds(c, i))
		return;
	creds_provider_free(a->creds);
	a->creds = NULL;
}

void
collect__creds_sweep(struct collect *c)
{
	if (!c->once)
		return;
	for (size_t i = 0; i < c->naccts; i++)
		acct_drop_creds(c, (int32_t)i);
}

/* The ready ring: accounts with leaves pending, urgent ones first. */
static void
ring_remove(struct collect *c, int32_t i)
{
	struct collect_account *a = &c->accts[i];

	if (!a->in_ring)
		return;
	if (a->rprev >= 0)
		c->accts[a->rprev].rnext = a->rnext;
	else
		c->ring_head = a->rnext;
	if (a->rnext >= 0)
		c->accts[a->rnext].rprev = a->rprev;
	else
		c->ring_tail = a->rprev;
	a->rnext = a->rprev = -1;
	a->in_ring = 0;
}

static void
ring_insert(struct collect *c, int32_t i, int front)
{
	struct collect_account *a = &c->accts[i];

	if (a->in_ring) {
		if (!front || c->ring_head == i)
			return;
		ring_remove(c, i);
	}
	a->in_ring = 1;
	if (front) {
		a->rprev = -1;
		a->rnext = c->ring_head;
		if (c->ring_head >= 0)
			c->accts[c->ring_head].rprev = i;
		else
			c->ring_tail = i;
		c->ring_head = i;
	} else {
		a->rnext = -1;
		a->rprev = c->ring_tail;
		if (c->ring_tail >= 0)
			c->accts[c->ring_tail].rnext = i;
		else
			c->ring_head = i;
		c->ring_tail = i;
	}
}

static int
acct_has_pending(const struct collect_account *a)
{
	return a->pend_budget || !regmask_empty(&a->pend_cfg) || !regmask_empty(&a->pend_gd);
}

/* Drops one pending leaf bit's bookkeeping. */
static void
pending_dec(struct collect *c, unsigned r)
{
	c->regions[r].pending--;
	c->leaf_backlog--;
}

/* Clears every pending leaf of account i (its work ends without a fetch). */
void
collect__acct_drop_pending(struct collect *c, int32_t i)
{
	struct collect_account *a = &c->accts[i];

	if (a->pend_budget) {
		a->pend_budget = 0;
		pending_dec(c, REGION_GLOBAL);
		collect__work_done(c, SRC_BUDGETS, 1);
	}
	for (unsigned r = 1; r < c->nregions; r++) {
		if (regmask_test(&a->pend_cfg, r)) {
			regmask_clear(&a->pend_cfg, r);
			pending_dec(c, r);
			collect__work_done(c, SRC_CONFIG, 1);
		}
		if (regmask_test(&a->pend_gd, r)) {
			regmask_clear(&a->pend_gd, r);
			pending_dec(c, r);
			collect__work_done(c, SRC_GUARDDUTY, 1);
		}
	}
	ring_remove(c, i);
}

void
collect__acct_remap(struct collect *c)
{
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		a->model = model_account_find(c->m, a->id);
		if (a->model < 0 && a->phase != AP_GONE) {
			a->phase = AP_GONE;
			a->want = 0;
			collect__acct_drop_pending(c, (int32_t)i);
		}
	}
}

/*
 * Sets the leaf bits of sources want for region r of a ready account: not
 * where the aggregators serve the source, unless urgent.
 */
static void
acct_schedule_region(struct collect *c, int32_t i, unsigned r, unsigned want, int urgent)
{
	struct collect_account *a = &c->accts[i];
	double now = util_now();

	if (c->regions[r].model < 0)
		return;
	if (!urgent && collect__agg_serves(c, SRC_CONFIG, r))
		want &= ~SRCBIT(SRC_CONFIG);
	if (!urgent && collect__agg_serves(c, SRC_GUARDDUTY, r))
		want &= ~SRCBIT(SRC_GUARDDUTY);
	if (a->regions_known && !regmask_test(&a->enabled, r))
		return; /* region_off, set by collect__acct_phase_states() */
	if (region_dead(c, r)) {
		struct collect__verdict v;

		timeout_verdict(c, &v);
		if (want & SRCBIT(SRC_CONFIG))
			model_set_state(c->m, (size_t)a->model, c->regions[r].model, MI_CONFIG, v.st,
			    v.reason, now);
		if (want & SRCBIT(SRC_GUARDDUTY))
			model_set_state(c->m, (size_t)a->model, c->regions[r].model, MI_GUARDDUTY,
			    v.st, v.reason, now);
		return;
	}
	/* A leaf whose task is alive is not asked again: its answer is this refresh's. */
	if ((want & SRCBIT(SRC_CONFIG)) && !regmask_test(&a->pend_cfg, r) &&
	    !regmask_test(&a->busy_cfg, r)) {
		regmask_set(&a->pend_cfg, r);
		c->regions[r].pending++;
		c->leaf_backlog++;
		collect__work_add(c, SRC_CONFIG, 1);
	}
	if ((want & SRCBIT(SRC_GUARDDUTY)) && !regmask_test(&a->pend_gd, r) &&
	    !regmask_test(&a->busy_gd, r)) {
		regmask_set(&a->pend_gd, r);
		c->regions[r].pending++;
		c->leaf_backlog++;
		collect__work_add(c, SRC_GUARDDUTY, 1);
	}
}

void
collect__acct_schedule(struct collect *c, int32_t i, unsigned want, int urgent)
{
	struct collect_account *a = collect__acct(c, i);

	if (a == NULL || a->model < 0 || want == 0)
		return;
	if (a->phase == AP_NEW || a->phase == AP_PREP) {
		a->want |= (uint8_t)want;
		a->urgent |= (uint8_t)(urgent != 0);
		return;
	}
	if (a->phase != AP_READY)
		return;
	if (want & (SRCBIT(SRC_CONFIG) | SRCBIT(SRC_GUARDDUTY))) {
		for (unsigned r = 1; r < c->nregions; r++)
			acct_schedule_region(c, i, r, want, urgent);
	}
	if ((want & SRCBIT(SRC_BUDGETS)) && !a->pend_budget && !a->busy_budget) {
		a->pend_budget = 1;
		c->regions[REGION_GLOBAL].pending++;
		c->leaf_backlog++;
		collect__work_add(c, SRC_BUDGETS, 1);
	}
	if (acct_has_pending(a))
		ring_insert(c, i, urgent);
	a->urgent = 0;
}

/*
 * One region's items of account i as its phase implies. Spend is not one of
 * them: it comes from the payer's Cost Explorer, whatever the account's
 * status or role (awsim's truth agrees).
 */
static void
phase_region(struct collect *c, int32_t i, unsigned r, double now)
{
	struct collect_account *a = &c->accts[i];
	int mr = c->regions[r].model;
	char reason[64];

	if (mr < 0)
		return;
	switch (a->phase) {
	case AP_INACTIVE:
		snprintf(reason, sizeof reason, "account %s", a->status);
		model_set_state(c->m, (size_t)a->model, mr, MI_CONFIG, MS_DISABLED, reason, now);
		model_set_state(c->m, (size_t)a->model, mr, MI_GUARDDUTY, MS_DISABLED, reason, now);
		break;
	case AP_DENIED:
	case AP_ERROR: {
		enum model_state st = a->phase == AP_DENIED ? MS_DENIED : MS_ERROR;

		model_set_state(c->m, (size_t)a->model, mr, MI_CONFIG, st, a->reason, now);
		model_set_state(c->m, (size_t)a->model, mr, MI_GUARDDUTY, st, a->reason, now);
		break;
	}
	case AP_READY:
		if (a->regions_known && !regmask_test(&a->enabled, r)) {
			model_set_state(c->m, (size_t)a->model, mr, MI_CONFIG, MS_REGION_OFF,
			    "region not enabled", now);
			model_set_state(c->m, (size_t)a->model, mr, MI_GUARDDUTY, MS_REGION_OFF,
			    "region not enabled", now);
		}
		break;
	default:
		break;
	}
}

void
collect__acct_phase_states(struct collect *c, int32_t i, int region)
{
	struct collect_account *a = collect__acct(c, i);
	double now = util_now();

	if (a == NULL || a->model < 0)
		return;
	if (region >= 0) {
		phase_region(c, i, (unsigned)region, now);
		return;
	}
	for (unsigned r = 1; r < c->nregions; r++)
		phase_region(c, i, r, now);
	switch (a->phase) {
	case AP_INACTIVE: {
		char reason[64];

		snprintf(reason, sizeof reason, "account %s", a->status);
		model_set_state(c->m, (size_t)a->model, -1, MI_ACCESS, MS_DISABLED, reason, now);
		model_set_state(c->m, (size_t)a->model, -1, MI_BUDGET, MS_DISABLED, reason, now);
		/* SSO, like spend, comes from the management account (docs/JSON.md). */
		break;
	}
	case AP_DENIED:
	case AP_ERROR: {
		enum model_state st = a->phase == AP_DENIED ? MS_DENIED : MS_ERROR;

		model_set_state(c->m, (size_t)a->model, -1, MI_ACCESS, st, a->reason, now);
		model_set_state(c->m, (size_t)a->model, -1, MI_BUDGET, st, a->reason, now);
		break;
	}
	default:
		break;
	}
}

/* -------------------------------------------------------------- regions */

static int
region_name_ok(const char *name)
{
	size_t n = 0;

	if (name == NULL)
		return 0;
	for (; name[n] != '\0'; n++) {
		char ch = name[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return 0;
	}
	return n > 0 && n < sizeof(((struct collect_region *)0)->name);
}

int
collect__region_id(struct collect *c, const char *name)
{
	struct collect_region *r;

	for (unsigned i = 1; i < c->nregions; i++) {
		if (strcmp(c->regions[i].name, name) == 0)
			return (int)i;
	}
	if (!region_name_ok(name) || c->nregions == COLLECT_MAX_REGIONS)
		return -1;
	r = &c->regions[c->nregions];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->model = -1;
	return (int)c->nregions++;
}

int
collect__region_model(const struct collect *c, unsigned r)
{
	return r < c->nregions ? c->regions[r].model : -1;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void
collect__regions_commit(struct collect *c)
{
	const char *names[COLLECT_MAX_REGIONS];
	size_t n = 0;

	for (unsigned r = 1; r < c->nregions; r++) {
		if (c->regions[r].selected)
			names[n++] = c->regions[r].name;
	}
	qsort(names, n, sizeof names[0], cmp_str);
	if (model_set_regions(c->m, names, n) != 0)
		collect__msg(c, LOG_ERROR, "the region list was refused by the model");
	for (unsigned r = 1; r < c->nregions; r++)
		c->regions[r].model = c->regions[r].selected ?
		    model_region_find(c->m, c->regions[r].name) : -1;
}

void
collect__acct_probe(struct collect *c, int32_t i, unsigned r, enum collect_source s)
{
	struct collect_account *a = collect__acct(c, i);

	if (a == NULL || a->model < 0 || a->phase != AP_READY)
		return;
	acct_schedule_region(c, i, r, SRCBIT(s), 1);
	if (acct_has_pending(a))
		ring_insert(c, i, 0);
	collect__dispatch(c);
}

/* The leaves of sources want in region r of every ready account that may have it. */
void
collect__region_schedule(struct collect *c, unsigned r, unsigned want)
{
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		if (a->model < 0 || a->phase != AP_READY ||
		    (a->regions_known && !regmask_test(&a->enabled, r)))
			continue;
		acct_schedule_region(c, (int32_t)i, r, want, 0);
		if (acct_has_pending(a))
			ring_insert(c, (int32_t)i, 0);
	}
	collect__dispatch(c);
}

/* A region joined the list: ask it in every ready account that may have it. */
static void
region_added(struct collect *c, unsigned r)
{
	collect__cost_region(c, r);
	collect__agg_region(c, r);
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		if (a->model < 0)
			continue;
		if (a->phase == AP_READY &&
		    (!a->regions_known || regmask_test(&a->enabled, r))) {
			unsigned want = SRCBIT(SRC_CONFIG) | SRCBIT(SRC_GUARDDUTY);

			acct_schedule_region(c, (int32_t)i, r, want, 0);
			if (acct_has_pending(a))
				ring_insert(c, (int32_t)i, 0);
		} else {
			collect__acct_phase_states(c, (int32_t)i, (int)r);
		}
	}
}

void
collect__regions_enabled(struct collect *c, int32_t i, const struct regmask *mask)
{
	unsigned added[COLLECT_MAX_REGIONS];
	size_t nadded = 0;

	(void)i;
	for (unsigned r = 1; r < c->nregions; r++) {
		struct collect_region *reg = &c->regions[r];

		if (!regmask_test(mask, r))
			continue;
		if (!reg->selected && collect__patterns_match(&c->patterns, reg->name)) {
			reg->selected = 1;
			added[nadded++] = r;
		}
		reg->provisional = 0;
	}
	if (nadded == 0)
		return;
	collect__regions_commit(c);
	for (size_t k = 0; k < nadded; k++)
		region_added(c, added[k]);
	collect__dispatch(c);
}

/* Drops the pending leaves of region r (no longer selected). */
static void
region_drop_pending(struct collect *c, unsigned r)
{
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		if (regmask_test(&a->pend_cfg, r)) {
			regmask_clear(&a->pend_cfg, r);
			pending_dec(c, r);
			collect__work_done(c, SRC_CONFIG, 1);
		}
		if (regmask_test(&a->pend_gd, r)) {
			regmask_clear(&a->pend_gd, r);
			pending_dec(c, r);
			collect__work_done(c, SRC_GUARDDUTY, 1);
		}
		if (a->in_ring && !acct_has_pending(a))
			ring_remove(c, (int32_t)i);
	}
}

/* Every region enabled in an ACTIVE account whose regions are known; 0 if none is known. */
static int
regions_union(const struct collect *c, struct regmask *u)
{
	int known = 0;

	memset(u, 0, sizeof *u);
	for (size_t i = 0; i < c->naccts; i++) {
		const struct collect_account *a = &c->accts[i];

		if (a->model < 0 || !a->regions_known || a->phase == AP_INACTIVE ||
		    a->phase == AP_GONE)
			continue;
		known = 1;
		for (size_t w = 0; w < COLLECT_MAX_REGIONS / 64; w++)
			u->w[w] |= a->enabled.w[w];
	}
	return known;
}

/* Selects exactly: the literals of -r, and what matches -r and is enabled somewhere. */
static int
regions_reselect(struct collect *c, const struct regmask *u, unsigned *added, size_t *nadded)
{
	int changed = 0;

	*nadded = 0;
	for (unsigned r = 1; r < c->nregions; r++) {
		struct collect_region *reg = &c->regions[r];
		int sel;

		reg->literal = (uint8_t)collect__patterns_literal(&c->patterns, reg->name);
		sel = reg->literal || (collect__patterns_match(&c->patterns, reg->name) &&
		    regmask_test(u, r));
		if (sel == reg->selected)
			continue;
		changed = 1;
		reg->selected = (uint8_t)sel;
		reg->provisional = 0;
		if (sel)
			added[(*nadded)++] = r;
		else
			region_drop_pending(c, r);
	}
	return changed;
}

void
collect__regions_finalize(struct collect *c)
{
	unsigned added[COLLECT_MAX_REGIONS];
	struct regmask u;
	size_t nadded, nsel = 0;

	if (c->regions_final || c->walking || c->preps_active > 0)
		return;
	c->regions_final = 1;
	if (!regions_union(c, &u))
		return; /* nothing learned: keep the list as it is */
	if (regions_reselect(c, &u, added, &nadded)) {
		collect__regions_commit(c);
		for (size_t k = 0; k < nadded; k++)
			region_added(c, added[k]);
	}
	for (unsigned r = 1; r < c->nregions; r++)
		nsel += c->regions[r].selected;
	if (nsel == 0 && c->patterns.n > 0)
		collect__msg(c, LOG_WARN, "no enabled region matches the region list (-r)");
	collect__agg_regions_final(c);
	collect__dispatch(c);
}

/* A region whose calls made no progress for region_deadline seconds. */
static void
region_timeout(struct collect *c, unsigned r)
{
	struct collect_region *reg = &c->regions[r];
	struct collect__verdict v;
	double now = util_now();

	reg->dead_round = c->round;
	timeout_verdict(c, &v);
	if (r == REGION_GLOBAL)
		collect__msg(c, LOG_WARN, "the global services gave no answer for %u s: what "
		    "depends on them is marked as an error", c->region_deadline);
	else
		collect__msg(c, LOG_WARN, "%s gave no answer for %u s: its cells of this refresh are "
		    "marked as errors", reg->name, c->region_deadline);
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		if (r == REGION_GLOBAL && a->pend_budget) {
			a->pend_budget = 0;
			pending_dec(c, r);
			if (a->model >= 0)
				model_set_state(c->m, (size_t)a->model, -1, MI_BUDGET, v.st, v.reason, now);
			c->errors++;
			collect__work_done(c, SRC_BUDGETS, 1);
		}
		if (r != REGION_GLOBAL && regmask_test(&a->pend_cfg, r)) {
			regmask_clear(&a->pend_cfg, r);
			pending_dec(c, r);
			if (a->model >= 0 && reg->model >= 0)
				model_set_state(c->m, (size_t)a->model, reg->model, MI_CONFIG, v.st,
				    v.reason, now);
			c->errors++;
			collect__work_done(c, SRC_CONFIG, 1);
		}
		if (r != REGION_GLOBAL && regmask_test(&a->pend_gd, r)) {
			regmask_clear(&a->pend_gd, r);
			pending_dec(c, r);
			if (a->model >= 0 && reg->model >= 0)
				model_set_state(c->m, (size_t)a->model, reg->model, MI_GUARDDUTY, v.st,
				    v.reason, now);
			c->errors++;
			collect__work_done(c, SRC_GUARDDUTY, 1);
		}
		if (a->in_ring && !acct_has_pending(a))
			ring_remove(c, (int32_t)i);
	}
	/* The calls on the wire come back cancelled and end as timed out (collect__task_answer). */
	aws_client_cancel_tag(c->client, (uint64_t)r + 1);
}

static void
watchdog_cb(struct timerq_entry *ent)
{
	struct collect *c = ent->arg;
	uint64_t now = timerq_now(c->tq), limit = (uint64_t)c->region_deadline * 1000;
	uint64_t oldest[COLLECT_MAX_REGIONS];

	/*
	 * Silent means: a call has been on the wire to the region for the whole
	 * deadline and nothing of the region answered meanwhile. Calls queued
	 * here (the pool, credentials, a rate limit, a backoff) do not count: a
	 * busy start or our own throttling is not the region's silence.
	 */
	aws_client_tag_wire(c->client, 1, oldest, c->nregions);
	for (unsigned r = 0; r < c->nregions; r++) {
		struct collect_region *reg = &c->regions[r];

		if (reg->inflight > 0 && !region_dead(c, r) && oldest[r] != 0 &&
		    now - oldest[r] >= limit && now - reg->last_progress >= limit)
			region_timeout(c, r);
	}
	if (c->work > 0)
		timerq_add(c->tq, &c->watchdog, 1000);
	collect__dispatch(c);
}

/* ------------------------------------------------------------- the pool */

static struct task *
leaf_task(struct collect *c, int32_t i, enum task_kind kind, unsigned r)
{
	struct task *t = task_alloc(c);

	t->kind = (uint8_t)kind;
	t->account = i;
	c->accts[i].ntasks++;
	t->region = (uint16_t)r;
	t->src = (uint8_t)(kind == TK_CONFIG ? SRC_CONFIG : kind == TK_GD ? SRC_GUARDDUTY :
	    SRC_BUDGETS);
	t->lane = LANE_RETRY;
	t->flags = TF_LEAF;
	t->round = c->round;
	if (kind == TK_CONFIG)
		regmask_set(&c->accts[i].busy_cfg, r);
	else if (kind == TK_GD)
		regmask_set(&c->accts[i].busy_gd, r);
	else
		c->accts[i].busy_budget = 1;
	return t;
}

/* The first pending leaf of account i whose region is under cap. */
static struct task *
leaf_pick(struct collect *c, int32_t i, unsigned cap)
{
	struct collect_account *a = &c->accts[i];

	if (a->pend_budget && c->regions[REGION_GLOBAL].inflight < cap) {
		a->pend_budget = 0;
		pending_dec(c, REGION_GLOBAL);
		return leaf_task(c, i, TK_BUDGET, REGION_GLOBAL);
	}
	for (unsigned r = 1; r < c->nregions; r++) {
		if (c->regions[r].inflight >= cap)
			continue;
		if (regmask_test(&a->pend_gd, r)) {
			regmask_clear(&a->pend_gd, r);
			pending_dec(c, r);
			return leaf_task(c, i, TK_GD, r);
		}
		if (regmask_test(&a->pend_cfg, r)) {
			regmask_clear(&a->pend_cfg, r);
			pending_dec(c, r);
			return leaf_task(c, i, TK_CONFIG, r);
		}
	}
	return NULL;
}

/*
 * The next leaf: the first ringed account's first leaf whose region has
 * fewer than a quarter of the pool in flight, so one dead region never
 * takes every slot; when nothing else is left the cap is lifted.
 */
static struct task *
next_leaf(struct collect *c)
{
	unsigned cap = c->concurrency / 4 < 4 ? 4 : c->concurrency / 4;
	int capped = 0;

	if (c->ring_head < 0)
		return NULL;
	for (unsigned r = 0; r < c->nregions; r++) {
		if (c->regions[r].pending > 0 && c->regions[r].inflight < cap) {
			capped = 1;
			break;
		}
	}
	if (!capped)
		cap = UINT_MAX;
	for (int32_t i = c->ring_head; i >= 0;) {
		int32_t next = c->accts[i].rnext;
		struct task *t = leaf_pick(c, i, cap);

		if (t != NULL) {
			if (!acct_has_pending(&c->accts[i]))
				ring_remove(c, i);
			return t;
		}
		i = next;
	}
	return NULL;
}

#define TASK_OF(qn) ((struct task *)(void *)(qn))

/*
 * What runs next: the urgent, retry, walk, SSO and cost lanes; account
 * preparations while fewer than two pools' worth of leaves wait (so the
 * pipeline stays full without preparing every account first); the leaves;
 * then the remaining preparations.
 */
static struct task *
next_task(struct collect *c, int *from_lane)
{
	struct collect__qnode *qn;
	struct task *t;
	const unsigned first = LANE_BIT(LANE_URGENT) | LANE_BIT(LANE_RETRY) | LANE_BIT(LANE_WALK) |
	    LANE_BIT(LANE_SSO) | LANE_BIT(LANE_COST) | LANE_BIT(LANE_AGG);

	*from_lane = 1;
	qn = collect__queue_pop(&c->q, first);
	if (qn == NULL && c->leaf_backlog < 2 * (size_t)c->concurrency)
		qn = collect__queue_pop(&c->q, LANE_BIT(LANE_PREP));
	if (qn != NULL)
		return TASK_OF(qn);
	t = next_leaf(c);
	if (t != NULL) {
		*from_lane = 0;
		return t;
	}
	qn = collect__queue_pop(&c->q, LANE_BIT(LANE_PREP));
	return qn != NULL ? TASK_OF(qn) : NULL;
}

static void
task_start(struct collect *c, struct task *t, int from_lane)
{
	slot_take(c, t, from_lane);
	if (region_dead(c, t->region) || c->stopping) {
		struct collect__verdict v;

		timeout_verdict(c, &v);
		c->errors++;
		if (ops_of[t->kind]->fail != NULL)
			ops_of[t->kind]->fail(t, &v);
		collect__task_finish(t);
		return;
	}
	ops_of[t->kind]->start(t);
}

void
collect__dispatch(struct collect *c)
{
	if (c->in_dispatch) {
		c->redispatch = 1;
		return;
	}
	c->in_dispatch = 1;
	do {
		c->redispatch = 0;
		while (!c->stopping && c->inflight < c->concurrency) {
			int from_lane;
			struct task *t = next_task(c, &from_lane);

			if (t == NULL)
				break;
			task_start(c, t, from_lane);
		}
	} while (c->redispatch && !c->stopping);
	c->in_dispatch = 0;
}

/* ---------------------------------------------------- rounds and timers */

static void
idle_cb(struct timerq_entry *ent)
{
	struct collect *c = ent->arg;

	if (c->work != 0)
		return;
	c->last_complete = util_now();
	timerq_remove(c->tq, &c->watchdog);
	log_msg(LOG_INFO, "collect: refresh %u complete: %u tasks, %u errors", c->round, c->total,
	    c->errors);
	/* What changed, for the one reading the log after the night. */
	for (size_t i = 0; i < model_nchanges(c->m); i++) {
		const struct model_change *ch = model_change_at(c->m, i);
		const struct model_account *ma = ch != NULL && ch->account >= 0 ?
		    model_account(c->m, (size_t)ch->account) : NULL;

		if (ch != NULL && ch->text != NULL)
			log_msg(LOG_INFO, "collect: changed: %s%s%s", ma != NULL ? ma->id : "",
			    ma != NULL ? ": " : "", ch->text);
	}
	if (c->done_cb != NULL)
		c->done_cb(c->done_arg);
}

static void
round_begin(struct collect *c)
{
	struct aws_client_stats st;
	uint64_t now = timerq_now(c->tq);

	c->round++;
	c->done = c->total = c->errors = 0;
	aws_client_stats(c->client, &st);
	c->throttled_base = st.throttled;
	model_clear_changes(c->m);
	for (unsigned r = 0; r < c->nregions; r++)
		c->regions[r].last_progress = now;
	timerq_remove(c->tq, &c->idle);
	timerq_add(c->tq, &c->watchdog, 1000);
}

void
collect__work_add(struct collect *c, enum collect_source src, size_t n)
{
	if (n == 0)
		return;
	if (c->work == 0)
		round_begin(c);
	c->work += n;
	c->src_work[src] += n;
	c->total += (unsigned)n;
}

void
collect__work_done(struct collect *c, enum collect_source src, size_t n)
{
	c->work -= n;
	c->src_work[src] -= n;
	c->done += (unsigned)n;
	if (c->work == 0 && !c->stopping)
		timerq_add(c->tq, &c->idle, 0);
}

static void
source_start(struct collect *c, enum collect_source s)
{
	c->src_last[s] = util_now();
	switch (s) {
	case SRC_ORG:
		collect__org_start(c);
		break;
	case SRC_CONFIG:
	case SRC_GUARDDUTY:
		collect__agg_start(c, s); /* first: the regions it serves get no leaves */
		/* FALLTHROUGH */
	case SRC_BUDGETS:
		for (size_t i = 0; i < c->naccts; i++)
			collect__acct_schedule(c, (int32_t)i, SRCBIT(s), 0);
		break;
	case SRC_SSO:
		collect__sso_start(c);
		break;
	case SRC_COST:
		collect__cost_start(c);
		break;
	case SRC__COUNT:
		break;
	}
	collect__dispatch(c);
}

static void
tick_cb(struct timerq_entry *ent)
{
	struct collect *c = ent->arg;
	double now = util_now();

	for (int s = 0; s < SRC__COUNT; s++) {
		if (c->src_last[s] + c->interval[s] > now + 0.5)
			continue;
		if (c->paused)
			c->src_last[s] = now;
		else
			source_start(c, (enum collect_source)s);
	}
	tick_arm(c);
}

static void
tick_arm(struct collect *c)
{
	double now = util_now(), next = INFINITY, delay;

	if (c->once || !c->started)
		return;
	for (int s = 0; s < SRC__COUNT; s++) {
		double due = c->src_last[s] + c->interval[s];

		if (due < next)
			next = due;
	}
	delay = (next - now) * 1000.0;
	if (!(delay >= 1000.0))
		delay = 1000.0;
	timerq_add(c->tq, &c->tick, (uint64_t)delay);
}

/* ------------------------------------------------------------------ API */

static int
role_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 512 || s[0] == '/' || s[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("+=,.@_-/", ch) != NULL))
			return 0;
	}
	return 1;
}

static int
external_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 1224)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("+=,.@:/_-", ch) != NULL))
			return 0;
	}
	return 1;
}

static int
config_check(const struct collect_config *cfg, char **cause)
{
	if (cfg->role_name != NULL && !role_name_valid(cfg->role_name)) {
		*cause = xstrdup("--role-name: a role name holds 1-512 of A-Z a-z 0-9 + = , . @ _ - "
		    "(and / for a path)");
		return -1;
	}
	if (cfg->external_id != NULL && !external_id_valid(cfg->external_id)) {
		*cause = xstrdup("--external-id: 2-1224 of A-Z a-z 0-9 + = , . @ : / _ -");
		return -1;
	}
	if (cfg->sso_region != NULL && !endpoint_region_valid(cfg->sso_region)) {
		*cause = xstrdup("--sso-region: not a region name (e.g. eu-west-1)");
		return -1;
	}
	return 0;
}

struct collect *
collect_new(uv_loop_t *loop, struct model *m, struct aws_client *client,
    struct creds_provider *base, const struct collect_config *cfg, char **cause)
{
	struct collect__patterns pat;
	struct collect *c;

	if (config_check(cfg, cause) != 0)
		return NULL;
	if (collect__patterns_parse(cfg->regions, &pat, cause) != 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->m = m;
	c->client = client;
	c->base = base;
	c->tq = timerq_new(loop);
	c->patterns = pat;
	c->role_name = xstrdup(cfg->role_name != NULL ? cfg->role_name : DEFAULT_ROLE);
	c->external_id = cfg->external_id != NULL ? xstrdup(cfg->external_id) : NULL;
	c->sso_region = cfg->sso_region != NULL ? xstrdup(cfg->sso_region) : NULL;
	snprintf(c->partition, sizeof c->partition, "%s",
	    endpoint_partition(aws_client_region(client)));
	c->mode = cfg->mode;
	c->concurrency = cfg->concurrency ? cfg->concurrency : DEFAULT_CONCURRENCY;
	if (c->concurrency > MAX_CONCURRENCY)
		c->concurrency = MAX_CONCURRENCY;
	for (int s = 0; s < SRC__COUNT; s++)
		c->interval[s] = cfg->interval[s] ? cfg->interval[s] : default_interval[s];
	c->region_deadline = cfg->region_deadline ? cfg->region_deadline : DEFAULT_REGION_DEADLINE;
	c->once = cfg->once;
	c->ring_head = c->ring_tail = -1;
	collect__queue_init(&c->q);
	collect__queue_set_cap(&c->q, LANE_SSO, SSO_LANE_CAP);
	collect__queue_set_cap(&c->q, LANE_COST, COST_LANE_CAP);
	collect__queue_set_cap(&c->q, LANE_AGG, c->concurrency / 2 < 4 ? 4 : c->concurrency / 2);
	{
		struct ratelimit *rl = aws_client_ratelimit(client);
		double start, max;

		ratelimit_get_service(rl, AWS_SVC_SSO_ADMIN, &start, &max);
		if (max < SSO_MAX_RATE)
			ratelimit_set_service(rl, AWS_SVC_SSO_ADMIN, start < SSO_START_RATE ?
			    SSO_START_RATE : start, SSO_MAX_RATE);
		ratelimit_get_service(rl, AWS_SVC_IDENTITYSTORE, &start, &max);
		if (max < SSO_MAX_RATE)
			ratelimit_set_service(rl, AWS_SVC_IDENTITYSTORE, start < SSO_START_RATE ?
			    SSO_START_RATE : start, SSO_MAX_RATE);
		for (size_t i = 0; i < sizeof hot_rate / sizeof hot_rate[0]; i++) {
			ratelimit_get_service(rl, hot_rate[i].svc, &start, &max);
			if (start < hot_rate[i].start)
				ratelimit_set_service(rl, hot_rate[i].svc, hot_rate[i].start,
				    max > hot_rate[i].max ? max : hot_rate[i].max);
		}
	}
	timerq_entry_init(&c->tick, tick_cb, c);
	timerq_entry_init(&c->watchdog, watchdog_cb, c);
	timerq_entry_init(&c->idle, idle_cb, c);
	for (int op = 0; op < OPS__COUNT; op++) {
		const struct ops_op *o = ops_get((enum ops_id)op);

		if (o == NULL || endpoint_service_by_name(o->service, &c->svc_of[op]) != 0)
			c->svc_of[op] = AWS_SVC__COUNT;
	}
	/* Region 0 stands for the global services. */
	snprintf(c->regions[0].name, sizeof c->regions[0].name, "global");
	c->regions[0].model = -1;
	c->nregions = 1;
	/* The literals of -r, and what the model already shows (the cache), until we know better. */
	for (size_t i = 0; i < c->patterns.n; i++) {
		int r;

		if (!collect__pattern_is_literal(c->patterns.pat[i]))
			continue;
		r = collect__region_id(c, c->patterns.pat[i]);
		if (r > 0) {
			c->regions[r].selected = 1;
			c->regions[r].literal = 1;
		}
	}
	for (size_t i = 0; i < model_nregions(m); i++) {
		const char *name = model_region(m, i);
		int r = collect__region_id(c, name);

		if (r > 0 && !c->regions[r].selected && collect__patterns_match(&c->patterns, name)) {
			c->regions[r].selected = 1;
			c->regions[r].provisional = 1;
		}
	}
	collect__regions_commit(c);
	if (c->mode != COLLECT_ACCOUNTS)
		collect__agg_init(c);
	return c;
}

void
collect_free(struct collect *c)
{
	struct task *t, *next;

	if (c == NULL)
		return;
	c->stopping = 1;
	/*
	 * Tasks waiting for the client or a credentials provider are orphaned:
	 * they free themselves when called back (the client calls back every
	 * call it returned; a provider calls its pending callbacks when freed).
	 * The others go now.
	 */
	for (t = c->live; t != NULL; t = next) {
		next = t->anext;
		if (t->flags & TF_WAITING) {
			t->c = NULL;
			if (t->call != NULL)
				aws_call_cancel(t->call);
			continue;
		}
		collect__queue_remove(&c->q, &t->q);
		timerq_remove(c->tq, &t->delay);
		if (ops_of[t->kind]->free_data != NULL)
			ops_of[t->kind]->free_data(t);
		free(t);
	}
	c->live = NULL;
	for (size_t i = 0; i < c->naccts; i++) {
		struct collect_account *a = &c->accts[i];

		creds_provider_free(a->creds);
		a->creds = NULL;
		free(a->det);
		free(a->reason);
		collect__detail_free(a->detail);
	}
	collect__sso_free(c);
	collect__cost_free(c);
	collect__agg_free(c);
	while (c->free_tasks != NULL) {
		t = c->free_tasks;
		c->free_tasks = t->anext;
		free(t);
	}
	timerq_free(c->tq);
	cJSON_Delete(c->gd_stats_params);
	cJSON_Delete(c->empty_params);
	collect__patterns_done(&c->patterns);
	free(c->accts);
	free(c->ahash);
	free(c->role_name);
	free(c->external_id);
	free(c->sso_region);
	free(c);
}

void
collect_set_msg_cb(struct collect *c, collect_msg_cb cb, void *arg)
{
	c->msg_cb = cb;
	c->msg_arg = arg;
}

void
collect_set_done_cb(struct collect *c, void (*cb)(void *arg), void *arg)
{
	c->done_cb = cb;
	c->done_arg = arg;
}

int
collect_start(struct collect *c, char **cause)
{
	double now = util_now();

	(void)cause;
	if (c->started)
		return 0;
	c->started = 1;
	for (int s = 0; s < SRC__COUNT; s++)
		c->src_last[s] = now;
	/*
	 * The walk prepares each account and fetches its leaves; SSO, cost and
	 * (org mode) the aggregators follow the identity.
	 */
	source_start(c, SRC_ORG);
	source_start(c, SRC_SSO);
	source_start(c, SRC_COST);
	if (c->agg != NULL) {
		collect__agg_start(c, SRC_CONFIG);
		collect__agg_start(c, SRC_GUARDDUTY);
	}
	tick_arm(c);
	return 0;
}

void
collect_refresh_all(struct collect *c)
{
	double now = util_now();

	if (!c->started)
		return;
	for (int s = 0; s < SRC__COUNT; s++) {
		/* Cost Explorer bills every page: a manual refresh asks it at most every 15 min. */
		if (s == SRC_COST && c->src_last[s] + 900 > now && c->cost != NULL)
			continue;
		source_start(c, (enum collect_source)s);
	}
	tick_arm(c);
}

void
collect_refresh_account(struct collect *c, size_t account)
{
	const struct model_account *ma = model_account(c->m, account);
	int32_t i;
	struct collect_account *a;

	if (ma == NULL || !c->started)
		return;
	i = collect__acct_find(c, ma->id);
	a = collect__acct(c, i);
	if (a == NULL)
		return;
	switch (a->phase) {
	case AP_READY:
		collect__acct_schedule(c, i, WANT_LEAVES, 1);
		break;
	case AP_DENIED:
	case AP_ERROR:
		/* Maybe the role works now. */
		a->want |= WANT_LEAVES;
		a->urgent = 1;
		collect__prep_queue(c, i, LANE_URGENT);
		break;
	case AP_NEW:
	case AP_PREP:
		a->want |= WANT_LEAVES;
		a->urgent = 1;
		break;
	default:
		break;
	}
	collect__dispatch(c);
}

void
collect_fetch_detail(struct collect *c, size_t account)
{
	const struct model_account *ma = model_account(c->m, account);
	int32_t i;

	if (ma == NULL || !c->started)
		return;
	i = collect__acct_find(c, ma->id);
	if (i < 0)
		return;
	collect__detail_start(c, i);
	collect__dispatch(c);
}

void
collect_set_paused(struct collect *c, int paused)
{
	c->paused = paused != 0;
}

int
collect_set_regions(struct collect *c, const char *patterns, char **cause)
{
	struct collect__patterns pat;
	unsigned added[COLLECT_MAX_REGIONS];
	struct regmask u;
	size_t nadded;

	if (collect__patterns_parse(patterns, &pat, cause) != 0)
		return -1;
	collect__patterns_done(&c->patterns);
	c->patterns = pat;
	for (size_t i = 0; i < pat.n; i++) {
		if (collect__pattern_is_literal(pat.pat[i]))
			(void)collect__region_id(c, pat.pat[i]);
	}
	if (!regions_union(c, &u)) {
		/* Nothing known yet: keep the regions already shown that still match. */
		for (unsigned r = 1; r < c->nregions; r++) {
			if (c->regions[r].selected)
				regmask_set(&u, r);
		}
	}
	if (regions_reselect(c, &u, added, &nadded)) {
		collect__regions_commit(c);
		for (size_t k = 0; k < nadded; k++)
			region_added(c, added[k]);
	}
	collect__dispatch(c);
	return 0;
}

void
collect_progress(const struct collect *c, struct collect_progress *out)
{
	struct aws_client_stats st;

	memset(out, 0, sizeof *out);
	aws_client_stats(c->client, &st);
	out->done = c->done;
	out->total = c->total;
	out->inflight = c->inflight;
	out->throttled = (unsigned)(st.throttled - c->throttled_base);
	out->errors = c->errors;
	out->ce_calls = c->ce_calls;
	out->requests = (unsigned)st.attempts;
	out->refreshing = c->work > 0;
	out->paused = c->paused;
	out->last_complete = c->last_complete;
	out->creds_failed = c->creds_failed;
	out->org_incomplete = c->walk_failed;
}

const char *
collect_caller_arn(const struct collect *c)
{
	return c->caller_arn;
}

const char *
collect_caller_account(const struct collect *c)
{
	return c->caller_account;
}
