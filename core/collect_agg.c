/*
 * collect_agg.c: org mode. Config compliance and GuardDuty findings for
 * every account x region from the organization's own aggregators, so the
 * requests grow with regions and pages, not with accounts x regions
 * (issue 6, section 3).
 *
 * Config: the organization-wide aggregator of the Config delegated
 * administrator (organizations ListDelegatedAdministrators for
 * config.amazonaws.com), or of the management account: DescribeConfiguration
 * Aggregators in the profile's region, then, when none is there, in every
 * selected region. Then per region GetAggregateConfigRuleComplianceSummary
 * grouped by ACCOUNT_ID with the region as filter, 1,000 accounts a page:
 * the same rule counts, capped alike, as each account's
 * GetComplianceSummaryByConfigRule. It is the cheaper of the aggregator's
 * two views for every organization: DescribeAggregateComplianceByConfig
 * Rules answers one row per rule x account x region (ten times the pages
 * for ten rules), and the other grouping (AWS_REGION, per account) takes one
 * request per account, which only wins below as many accounts as regions,
 * where the difference is a handful of requests.
 *
 * GuardDuty: the delegated administrator (ListDelegatedAdministrators for
 * guardduty.amazonaws.com) sees its members' findings. Per region:
 * ListDetectors (its detector), ListMembers (who is a member there: the
 * coverage), then GetFindingsStatistics grouped by ACCOUNT, not archived,
 * for at most 50 accounts a call (GuardDuty's cap on an equals criterion,
 * under the 100 groups an answer holds, so no answer is cut): first every
 * finding, then severity >= 4 for the accounts that have findings, >= 7 for
 * those with medium or worse, >= 9 for those with high or worse, the
 * accounts of each stage packed 50 a call as they come. The differences are
 * the four bands. The highest severity is read from the findings of each
 * account's highest band: ListFindings for accounts packed so that their
 * findings in that band fit one page of 50, then GetFindings. A region
 * costs members/50 + about 1.5 x accounts-with-findings/50 calls.
 *
 * What the aggregators cannot see is decided as the per-account mode
 * decides it, from what the collector knows anyway: an account that is not
 * ACTIVE, whose role is refused, or that has not enabled a region keeps the
 * state its preparation gives (collect__acct_phase_states()). An account x
 * region the aggregator has no data for is `disabled` ("no Config rules",
 * "GuardDuty not enabled"), which is what AWS's aggregators report. The one
 * difference from the per-account mode: a region an SCP denies to the
 * account shows `disabled` here (the service never ran there, so the
 * aggregator has nothing) where asking the account answers AccessDenied
 * (`denied`). docs/JSON.md states it.
 *
 * Failures: in --mode auto a source (or a region) the aggregators cannot
 * serve is asked per account instead, at once; in --mode org its cells say
 * why (`denied` when the administrator's role is refused, else `error`).
 * Each refresh tries the aggregators again.
 */
#include <stdlib.h>
#include <string.h>

#include "core/collect_int.h"
#include "core/log.h"
#include "core/services/configservice.h"
#include "core/services/guardduty.h"
#include "core/services/organizations.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define AGG_CFG 0
#define AGG_GD 1
#define MAX_CANDIDATES 4
#define CFG_LIMIT 1000   /* GetAggregateConfigRuleComplianceSummary's Limit maximum */
#define GD_CHUNK 50      /* values in one equals criterion */
#define GD_PAGE 50       /* ListFindings' and ListMembers' maxResults */
/*
 * The account x region cells the aggregators have no data for are asked of
 * the accounts themselves when there are at most this many (a second or two
 * of requests); beyond that they are `disabled` without asking.
 */
#define PROBE_MAX 2000

enum { DECIDE_PENDING, DECIDE_PROBE, DECIDE_DISABLED };

/* The stages of a GuardDuty region: four thresholds, then the highest severities. */
#define GD_STAGES 4
static const int gd_threshold[GD_STAGES] = {-1, 4, 7, 9};

enum agg_phase { AGP_IDLE, AGP_DISCOVER, AGP_READY, AGP_FAILED };
enum agg_rstate { AR_IDLE, AR_WAIT, AR_RUNNING, AR_DONE, AR_FAILED };

/* Task steps (t->step); t->src says the source. */
enum agg_step {
	AS_DELEGATED,   /* ListDelegatedAdministrators */
	AS_CREDS,       /* the administrator's role (t->account) */
	AS_AGGREGATORS, /* DescribeConfigurationAggregators (t->index: candidate) */
	AS_CFG_SUMMARY, /* GetAggregateConfigRuleComplianceSummary for region t->region */
	AS_GD_DETECTOR, /* ListDetectors of the administrator */
	AS_GD_MEMBERS,  /* ListMembers */
	AS_GD_STATS,    /* GetFindingsStatistics, stage t->index, accounts in t->data */
	AS_GD_TOP       /* ListFindings + GetFindings, band t->index, accounts in t->data */
};

#define VAL_HAVE 0x01   /* a value came (Config) / a member (GuardDuty) */
#define VAL_CAPPED 0x02 /* Config's CapExceeded */

struct cfg_val {
	uint16_t compliant, noncompliant;
	uint8_t flags;
};

struct gd_val {
	uint32_t t[GD_STAGES]; /* findings at or above each threshold */
	float max;             /* the highest severity (from the top band's findings) */
	uint8_t flags;
};

/* Accounts for one call: collector account indices. */
struct agg_chunk {
	uint16_t n;
	uint16_t nids;   /* AS_GD_TOP: finding ids collected */
	int32_t a[GD_CHUNK];
	char **ids;      /* AS_GD_TOP: the finding ids ListFindings named */
	size_t capids;
	size_t next;     /* AS_GD_TOP: the first id not asked with GetFindings yet */
};

struct agg_region {
	uint8_t st;                /* enum agg_rstate */
	uint8_t members_done;      /* GuardDuty: ListMembers is finished */
	uint8_t top_started;       /* GuardDuty: the highest-severity stage is queued */
	uint8_t gap;               /* AR_FAILED: the aggregator does not cover the region */
	uint8_t released;          /* AR_DONE: its values went to the model and were freed */
	char why[200];             /* AR_FAILED: the reason */
	char det[72];              /* GuardDuty: the administrator's detector here */
	unsigned inflight[GD_STAGES + 1];
	struct agg_chunk *q[GD_STAGES]; /* accounts waiting for a stage's call */
	void *vals;                /* struct cfg_val / gd_val per collector account index */
	size_t nvals;
};

struct agg_src {
	uint8_t phase;          /* enum agg_phase */
	uint8_t fallback_all;   /* auto: every region is asked per account */
	uint8_t round2;         /* Config: the other regions were tried for an aggregator */
	uint8_t waiting_regions; /* Config: round 2 waits for the region list */
	uint8_t decided;        /* DECIDE_*: what the cells without data become */
	uint8_t decide_unit;    /* the decision holds a work unit */
	uint8_t rediscover;     /* a region's call failed: find the aggregator again next refresh */
	size_t silent;          /* cells without data counted so far (ready accounts, done regions) */
	unsigned disc_pending;  /* discovery tasks outstanding */
	int disc_unit;          /* discovery holds a work unit */
	enum model_state fail_st;
	char why[256];
	int32_t admin;          /* collector account index of the administrator; -1: not known */
	uint32_t round;         /* bumped by each refresh of the source: stale tasks see it */
	/* Discovery. */
	int ncand;
	int32_t cand[MAX_CANDIDATES]; /* collector account indices, the caller's last */
	uint8_t cand_ok[MAX_CANDIDATES]; /* 1 credentials fine, 2 refused */
	char cand_why[MAX_CANDIDATES][160];
	enum model_state list_st; /* the first DescribeConfigurationAggregators refused or failed */
	char list_why[200];       /* its account and reason ("" none) */
	int found_cand;         /* the candidate whose aggregator was found, -1 none */
	char agg_name[260];
	int agg_region;         /* region id of the aggregator */
	int agg_all;            /* it covers every region */
	struct regmask agg_regions;
	struct agg_region *reg[COLLECT_MAX_REGIONS];
};

struct agg {
	struct agg_src src[2];
};

static const enum collect_source src_of[2] = {SRC_CONFIG, SRC_GUARDDUTY};
static const char *const src_word[2] = {"Config", "GuardDuty"};

static void region_fetch(struct collect *c, int k, unsigned r);
static void region_done(struct collect *c, int k, unsigned r);
static void region_fail(struct collect *c, int k, unsigned r, enum model_state st,
    const char *why);
static void region_gap(struct collect *c, int k, unsigned r, const char *why);
static void src_fail(struct collect *c, int k, enum model_state st, const char *why);
static void discovery_end(struct collect *c, int k);
static void gd_stage_check(struct collect *c, unsigned r);
static void apply_region(struct collect *c, int k, unsigned r);
static void maybe_release(struct collect *c, int k, unsigned r);

static int
kind_of(enum collect_source s)
{
	return s == SRC_GUARDDUTY ? AGG_GD : AGG_CFG;
}

/* ------------------------------------------------------------ the state */

void
collect__agg_init(struct collect *c)
{
	if (c->agg != NULL)
		return;
	c->agg = xcalloc(1, sizeof *c->agg);
	for (int k = 0; k < 2; k++) {
		c->agg->src[k].admin = -1;
		c->agg->src[k].found_cand = -1;
	}
}

static void
chunk_free(struct agg_chunk *ch)
{
	if (ch == NULL)
		return;
	for (size_t i = 0; i < ch->nids; i++)
		free(ch->ids[i]);
	free(ch->ids);
	free(ch);
}

static void
region_clear(struct agg_region *g)
{
	for (int s = 0; s < GD_STAGES; s++) {
		chunk_free(g->q[s]);
		g->q[s] = NULL;
	}
	free(g->vals);
	g->vals = NULL;
	g->nvals = 0;
}

void
collect__agg_free(struct collect *c)
{
	if (c->agg == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		for (unsigned r = 0; r < COLLECT_MAX_REGIONS; r++) {
			if (c->agg->src[k].reg[r] != NULL) {
				region_clear(c->agg->src[k].reg[r]);
				free(c->agg->src[k].reg[r]);
			}
		}
	}
	free(c->agg);
	c->agg = NULL;
}

static struct agg_region *
region_of(struct collect *c, int k, unsigned r)
{
	struct agg_src *s = &c->agg->src[k];

	if (s->reg[r] == NULL)
		s->reg[r] = xcalloc(1, sizeof *s->reg[r]);
	return s->reg[r];
}

int
collect__agg_serves(const struct collect *c, enum collect_source s, unsigned r)
{
	const struct agg_src *a;
	const struct agg_region *g;

	if (c->agg == NULL || (s != SRC_CONFIG && s != SRC_GUARDDUTY))
		return 0;
	a = &c->agg->src[kind_of(s)];
	if (a->fallback_all)
		return 0;
	g = a->reg[r];
	/* A region it does not cover, or (auto) one that failed, is asked per account. */
	return !(g != NULL && g->st == AR_FAILED && (g->gap || c->mode == COLLECT_AUTO));
}

/* The result slot of account i in region r (grown as accounts appear). */
static void *
val_of(struct collect *c, int k, unsigned r, int32_t i)
{
	struct agg_region *g = region_of(c, k, r);
	size_t sz = k == AGG_CFG ? sizeof(struct cfg_val) : sizeof(struct gd_val);

	if ((size_t)i >= g->nvals) {
		size_t n = c->capaccts > (size_t)i ? c->capaccts : (size_t)i + 1;

		g->vals = xreallocarray(g->vals, n, sz);
		memset((char *)g->vals + g->nvals * sz, 0, (n - g->nvals) * sz);
		g->nvals = n;
	}
	return (char *)g->vals + (size_t)i * sz;
}

static const void *
val_peek(const struct agg_region *g, int k, int32_t i)
{
	size_t sz = k == AGG_CFG ? sizeof(struct cfg_val) : sizeof(struct gd_val);

	if (g->vals == NULL || (size_t)i >= g->nvals)
		return NULL;
	return (const char *)g->vals + (size_t)i * sz;
}

/* --------------------------------------------------------- the model */

/* 1 if the aggregator said something about account i in region g. */
static int
has_value(const struct agg_region *g, int k, int32_t i)
{
	const void *v = val_peek(g, k, i);

	if (v == NULL)
		return 0;
	return k == AGG_CFG ? (((const struct cfg_val *)v)->flags & VAL_HAVE) != 0 :
	    (((const struct gd_val *)v)->flags & VAL_HAVE) != 0;
}

/* What the cells without data become, now: every settled region gets it. */
static void
decide(struct collect *c, int k, int how, size_t n)
{
	struct agg_src *s = &c->agg->src[k];

	s->decided = (uint8_t)how;
	log_msg(LOG_DEBUG, "collect: %s: %s%zu cells without aggregator data: %s", src_word[k],
	    n > PROBE_MAX ? "over " : "", n > PROBE_MAX ? (size_t)PROBE_MAX : n,
	    how == DECIDE_PROBE ? "asking the accounts" : "disabled");
	for (unsigned r = 1; r < c->nregions; r++) {
		if (s->reg[r] != NULL && s->reg[r]->st == AR_DONE) {
			apply_region(c, k, r);
			maybe_release(c, k, r);
		}
	}
	if (s->decide_unit) {
		s->decide_unit = 0;
		collect__work_done(c, src_of[k], 1);
	}
	collect__creds_sweep(c);
}

/*
 * The cells of ready accounts in settled regions the aggregator of source k
 * has no data for: asked of each account if few, else disabled. Decided
 * once per refresh, when every region is settled and every account
 * prepared (the regions each account has enabled are known then), or as
 * soon as more than PROBE_MAX are counted.
 */
static void
probe_decide(struct collect *c, int k)
{
	struct agg_src *s = &c->agg->src[k];
	size_t n = 0;

	if (s->decided != DECIDE_PENDING || s->phase == AGP_DISCOVER || s->phase == AGP_IDLE ||
	    !c->regions_final || c->walking || c->preps_active > 0)
		return;
	for (unsigned r = 1; r < c->nregions; r++) {
		const struct agg_region *g = s->reg[r];

		if (g != NULL && (g->st == AR_WAIT || g->st == AR_RUNNING))
			return;
	}
	for (unsigned r = 1; r < c->nregions; r++) {
		const struct agg_region *g = s->reg[r];

		if (g == NULL || g->st != AR_DONE || c->regions[r].model < 0)
			continue;
		for (size_t i = 0; i < c->naccts; i++) {
			const struct collect_account *a = &c->accts[i];

			if (a->model >= 0 && a->phase == AP_READY &&
			    (!a->regions_known || regmask_test(&a->enabled, r)) &&
			    !has_value(g, k, (int32_t)i))
				n++;
		}
	}
	decide(c, k, n <= PROBE_MAX ? DECIDE_PROBE : DECIDE_DISABLED, n);
}

/* Account i is prepared: its cells without data in settled regions are counted. */
static void
silent_count_account(struct collect *c, int k, int32_t i)
{
	struct agg_src *s = &c->agg->src[k];
	const struct collect_account *a = &c->accts[i];

	if (s->decided != DECIDE_PENDING || a->phase != AP_READY || a->model < 0)
		return;
	for (unsigned r = 1; r < c->nregions; r++) {
		const struct agg_region *g = s->reg[r];

		if (g != NULL && g->st == AR_DONE && c->regions[r].model >= 0 &&
		    (!a->regions_known || regmask_test(&a->enabled, r)) && !has_value(g, k, i))
			s->silent++;
	}
}

/* Region r is settled: its cells without data in prepared accounts are counted. */
static void
silent_count_region(struct collect *c, int k, unsigned r)
{
	struct agg_src *s = &c->agg->src[k];
	const struct agg_region *g = s->reg[r];

	if (s->decided != DECIDE_PENDING || g == NULL || c->regions[r].model < 0)
		return;
	for (size_t i = 0; i < c->naccts; i++) {
		const struct collect_account *a = &c->accts[i];

		if (a->model >= 0 && a->phase == AP_READY &&
		    (!a->regions_known || regmask_test(&a->enabled, r)) &&
		    !has_value(g, k, (int32_t)i))
			s->silent++;
	}
}

/* Past PROBE_MAX cells without data there is no need to wait for the rest to know. */
static void
silent_check(struct collect *c, int k)
{
	struct agg_src *s = &c->agg->src[k];

	if (s->decided == DECIDE_PENDING && s->silent > PROBE_MAX)
		decide(c, k, DECIDE_DISABLED, s->silent);
}

/*
 * One cell of account i from what the aggregator said about region r.
 * Accounts whose phase decides the cell (not ACTIVE, role refused, region
 * off) are left to collect__acct_phase_states().
 */
static void
apply_cell(struct collect *c, int k, int32_t i, unsigned r, double now)
{
	struct collect_account *a = &c->accts[i];
	const struct agg_region *g = c->agg->src[k].reg[r];
	enum model_item item = k == AGG_CFG ? MI_CONFIG : MI_GUARDDUTY;
	int mr = c->regions[r].model;

	if (g == NULL || mr < 0 || a->model < 0)
		return;
	if (a->phase == AP_DENIED || a->phase == AP_ERROR || a->phase == AP_INACTIVE ||
	    a->phase == AP_GONE)
		return;
	if (a->regions_known && !regmask_test(&a->enabled, r))
		return;
	if (g->st == AR_FAILED) {
		if (c->mode == COLLECT_ORG && !g->gap)
			model_set_state(c->m, (size_t)a->model, mr, item,
			    c->agg->src[k].fail_st != MS_OK ? c->agg->src[k].fail_st : MS_ERROR,
			    g->why, now);
		return;
	}
	if (g->st != AR_DONE || g->released)
		return; /* not yet; or applied already (an account prepared again asks itself) */
	if (!has_value(g, k, i)) {
		/* No data: the account answers itself, or the cell is disabled (PROBE_MAX). */
		if (c->agg->src[k].decided == DECIDE_DISABLED)
			model_set_state(c->m, (size_t)a->model, mr, item, MS_DISABLED,
			    k == AGG_CFG ? "no Config rules" : "GuardDuty not enabled", now);
		else if (c->agg->src[k].decided == DECIDE_PROBE && a->phase == AP_READY)
			collect__acct_probe(c, i, r, src_of[k]);
		return;
	}
	if (k == AGG_CFG) {
		const struct cfg_val *v = val_peek(g, k, i);

		model_set_config(c->m, (size_t)a->model, (size_t)mr, v->compliant, v->noncompliant,
		    (v->flags & VAL_CAPPED) != 0, now);
	} else {
		const struct gd_val *v = val_peek(g, k, i);

		{
			uint32_t t[GD_STAGES + 1], bands[GUARDDUTY__BANDS];

			for (int s = 0; s < GD_STAGES; s++)
				t[s] = v->t[s];
			t[GD_STAGES] = 0;
			/* Counts asked at different moments can disagree by a finding: never below 0. */
			for (int s = GD_STAGES - 1; s > 0; s--) {
				if (t[s - 1] < t[s])
					t[s - 1] = t[s];
			}
			for (int b = 0; b < GUARDDUTY__BANDS; b++)
				bands[b] = t[b] - t[b + 1];
			model_set_guardduty(c->m, (size_t)a->model, (size_t)mr, bands,
			    t[0] > 0 ? v->max : 0, now);
		}
	}
}

static void
apply_region(struct collect *c, int k, unsigned r)
{
	double now = util_now();

	for (size_t i = 0; i < c->naccts; i++)
		apply_cell(c, k, (int32_t)i, r, now);
}

/* The cells a probe decision waits for are settled: decide now if it can be. */
static void
probe_check(struct collect *c)
{
	probe_decide(c, AGG_CFG);
	probe_decide(c, AGG_GD);
}

void
collect__agg_ready(struct collect *c, int32_t i)
{
	if (c->agg == NULL)
		return;
	for (int k = 0; k < 2; k++)
		silent_count_account(c, k, i);
	collect__agg_account(c, i);
	for (int k = 0; k < 2; k++)
		silent_check(c, k);
}

int
collect__agg_holds(const struct collect *c, int32_t i)
{
	if (c->agg == NULL)
		return 0;
	for (int k = 0; k < 2; k++) {
		const struct agg_src *s = &c->agg->src[k];

		if (s->admin == i)
			return 1;
		for (int j = 0; s->phase == AGP_DISCOVER && j < s->ncand; j++) {
			if (s->cand[j] == i)
				return 1;
		}
		/* Its cells may yet be asked of it (probe_decide()). */
		if (s->decided == DECIDE_PENDING && s->phase != AGP_IDLE && !s->fallback_all)
			return 1;
	}
	return 0;
}

void
collect__agg_account(struct collect *c, int32_t i)
{
	double now = util_now();

	if (c->agg == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		for (unsigned r = 1; r < c->nregions; r++)
			apply_cell(c, k, i, r, now);
	}
}

/* Results kept for accounts the walk has not found yet: dropped once it has. */
static void
maybe_release(struct collect *c, int k, unsigned r)
{
	struct agg_region *g = c->agg->src[k].reg[r];

	if (g == NULL || c->walking || !c->regions_final || c->preps_active > 0 ||
	    (g->st != AR_DONE && g->st != AR_FAILED) || c->agg->src[k].decided == DECIDE_PENDING)
		return;
	region_clear(g);
	g->released = 1;
}

void
collect__agg_walk_done(struct collect *c)
{
	if (c->agg == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		for (unsigned r = 1; r < c->nregions; r++)
			maybe_release(c, k, r);
	}
}

/* ------------------------------------------------------------ the tasks */

/* A task of source k; data (owned by the task) is set before it can start. */
static struct task *
agg_task_data(struct collect *c, int k, enum agg_step step, unsigned region, int32_t account,
    int32_t index, void *data)
{
	struct task *t = collect__task_new(c, TK_AGG, account, region, src_of[k], LANE_AGG);

	t->step = (uint8_t)step;
	t->index = index;
	t->data = data;
	t->round = c->agg->src[k].round;
	if (step == AS_DELEGATED || step == AS_CREDS || step == AS_AGGREGATORS)
		c->agg->src[k].disc_pending++;
	else if (step == AS_GD_STATS || step == AS_GD_TOP)
		region_of(c, k, region)->inflight[step == AS_GD_TOP ? GD_STAGES : index]++;
	collect__task_queue(t);
	return t;
}

static struct task *
agg_task(struct collect *c, int k, enum agg_step step, unsigned region, int32_t account,
    int32_t index)
{
	return agg_task_data(c, k, step, region, account, index, NULL);
}

/* The administrator's credentials provider and account id (base for the caller). */
static struct creds_provider *
admin_creds(struct collect *c, int32_t i, const char **account)
{
	struct collect_account *a = collect__acct(c, i);

	if (a == NULL || a->own) {
		*account = c->caller_account;
		return c->base;
	}
	*account = a->id;
	return collect__acct_role(c, a);
}

/* Issues an ops_request built by a service builder for task t (the builder's params). */
static void
agg_call(struct task *t, int32_t admin, struct ops_request *r, aws_page_cb page, aws_call_cb done)
{
	const char *account;
	struct creds_provider *cr = admin_creds(t->c, admin, &account);

	if (page != NULL)
		collect__paginate(t, r->op->id, cr, account, r->params, page, done);
	else
		collect__call(t, r->op->id, cr, account, r->params, done);
	ops_request_done(r);
}

/* A builder refused its input (a bug, or a hostile id): the task fails with why. */
static void
agg_build_failed(struct task *t, char *cause)
{
	struct collect__verdict v;

	memset(&v, 0, sizeof v);
	v.st = MS_ERROR;
	snprintf(v.reason, sizeof v.reason, "%s", cause != NULL ? cause : "bad request");
	free(cause);
	collect__task_failed(t, &v);
}

/* A task of a refresh that has been replaced: it ends without touching anything. */
static int
stale(const struct task *t)
{
	return t->round != t->c->agg->src[kind_of((enum collect_source)t->src)].round;
}

/* --------------------------------------------------------- discovery */

static int
delegated_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct organizations_list_delegated_administrators_result r;
	struct agg_src *s;
	char *cause = NULL;

	if (t->c == NULL || stale(t))
		return 1;
	s = &t->c->agg->src[kind_of((enum collect_source)t->src)];
	if (organizations_list_delegated_administrators_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: ListDelegatedAdministrators: %s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.naccounts && s->ncand < MAX_CANDIDATES - 1; i++) {
		int32_t a = collect__acct_upsert(t->c, r.accounts[i].id);

		if (a >= 0 && strcmp(r.accounts[i].id, t->c->caller_account) != 0)
			s->cand[s->ncand++] = a;
	}
	organizations_list_delegated_administrators_result_done(&r);
	return 0;
}

static void creds_start(struct task *t);

/* The delegated administrators are known: get their credentials. */
static void
delegated_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct agg_src *s;
	int k;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (stale(t)) {
		collect__task_finish(t);
		return;
	}
	k = kind_of((enum collect_source)t->src);
	s = &c->agg->src[k];
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
			collect__task_failed(t, &v);
			return;
		}
		log_msg(LOG_INFO, "collect: %s delegated administrators: %s", src_word[k], v.reason);
		s->ncand = 0; /* only the management account is left to try */
	}
	if (k == AGG_CFG) {
		/* An organization aggregator may also live in the management account. */
		int32_t me = collect__acct_upsert(c, c->caller_account);

		if (me >= 0)
			s->cand[s->ncand++] = me;
	} else if (s->ncand == 0) {
		s->fail_st = res->err == AWS_ERR_DENIED ? MS_DENIED : MS_ERROR;
		snprintf(s->why, sizeof s->why, "GuardDuty has no delegated administrator%s",
		    res->err != AWS_OK ? " (the organization's list could not be read)" : "");
	}
	s->list_why[0] = '\0';
	for (int i = 0; i < s->ncand; i++) {
		s->cand_ok[i] = 0;
		s->cand_why[i][0] = '\0';
		agg_task(c, k, AS_CREDS, REGION_GLOBAL, s->cand[i], i);
	}
	collect__task_finish(t);
}

static void
delegated_start(struct task *t)
{
	struct ops_request r;
	char *cause = NULL;
	int k = kind_of((enum collect_source)t->src);

	if (organizations_list_delegated_administrators_request(&r,
	    k == AGG_CFG ? "config.amazonaws.com" : "guardduty.amazonaws.com", 20, NULL,
	    &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, -1, &r, delegated_page, delegated_cb);
}

static void aggregators_queue(struct collect *c, int k, int cand, unsigned region);

static void
admin_creds_cb(struct creds *cr, const char *err, int sso_expired, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct agg_src *s;
	struct collect__verdict v;
	int k;

	t->flags &= (uint8_t)~TF_WAITING;
	if (c == NULL) {
		free(t); /* orphaned: collect_free() is freeing the providers */
		return;
	}
	if (stale(t)) {
		collect__task_finish(t);
		return;
	}
	k = kind_of((enum collect_source)t->src);
	s = &c->agg->src[k];
	if (cr != NULL) {
		s->cand_ok[t->index] = 1;
		if (k == AGG_CFG) {
			int home = collect__region_id(c, aws_client_region(c->client));

			if (home > 0)
				aggregators_queue(c, k, t->index, (unsigned)home);
		}
		collect__task_finish(t);
		return;
	}
	collect__creds_verdict(err, sso_expired, &v);
	if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
		collect__task_failed(t, &v);
		return;
	}
	s->cand_ok[t->index] = 2;
	snprintf(s->cand_why[t->index], sizeof s->cand_why[t->index], "%s%.150s",
	    v.st == MS_DENIED ? "" : "!", v.reason);
	collect__task_finish(t);
}

static void
creds_start(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = collect__acct(c, t->account);
	int rc;

	t->flags |= TF_WAITING;
	rc = creds_provider_get(collect__acct_role(c, a), admin_creds_cb, t);
	if (rc < 0) {
		struct agg_src *s = &c->agg->src[kind_of((enum collect_source)t->src)];

		t->flags &= (uint8_t)~TF_WAITING;
		s->cand_ok[t->index] = 2;
		snprintf(s->cand_why[t->index], sizeof s->cand_why[t->index],
		    "!the role's credentials could not be requested");
		collect__task_finish(t);
	}
}

static void
aggregators_queue(struct collect *c, int k, int cand, unsigned region)
{
	agg_task(c, k, AS_AGGREGATORS, region, c->agg->src[k].cand[cand], cand);
}

/* The organization aggregators a candidate has in a region; the first one kept. */
static int
aggregators_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct configservice_describe_configuration_aggregators_result r;
	struct agg_src *s;
	char *cause = NULL;

	if (t->c == NULL || stale(t))
		return 1;
	s = &t->c->agg->src[AGG_CFG];
	if (configservice_describe_configuration_aggregators_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: DescribeConfigurationAggregators: %s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.naggregators; i++) {
		const struct configservice_aggregator *g = &r.aggregators[i];

		/* Candidates earlier in the list win (the delegated administrator's first). */
		if (!g->org_source || g->name == NULL ||
		    (s->found_cand >= 0 && s->found_cand <= t->index))
			continue;
		s->found_cand = t->index;
		snprintf(s->agg_name, sizeof s->agg_name, "%s", g->name);
		s->agg_region = t->region;
		s->agg_all = g->all_regions;
		memset(&s->agg_regions, 0, sizeof s->agg_regions);
		for (size_t j = 0; j < g->nregions; j++) {
			int id = collect__region_id(t->c, g->regions[j]);

			if (id > 0)
				regmask_set(&s->agg_regions, (unsigned)id);
		}
	}
	configservice_describe_configuration_aggregators_result_done(&r);
	return 0;
}

/* A candidate's aggregators could not be listed: kept, so "none found" is not said instead. */
static void
list_failed(struct task *t, const struct collect__verdict *v)
{
	struct agg_src *s = &t->c->agg->src[AGG_CFG];
	const struct collect_account *a = collect__acct(t->c, t->account);

	/*
	 * A region that is off says nothing of the others; nor does a token refused
	 * in one region (the candidate's credentials worked: it is a region not
	 * opted into, whose list may not be known yet).
	 */
	if ((v->st != MS_DENIED && v->st != MS_ERROR) || v->creds_failed || s->list_why[0] != '\0')
		return;
	s->list_st = v->st;
	snprintf(s->list_why, sizeof s->list_why, "%s (%s): %.150s", a != NULL ? a->id : "?",
	    t->c->regions[t->region].name, v->reason);
}

static void
aggregators_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;

	if (collect__task_answer(t, res))
		return;
	if (!stale(t) && res->err != AWS_OK) {
		const struct collect_account *a = collect__acct(t->c, t->account);
		struct collect__verdict v;

		/* A region the candidate has not opted into answers "invalid token": off, not a failure. */
		collect__verdict(res, a == NULL || !a->regions_known ||
		    regmask_test(&a->enabled, t->region), &v);
		if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
			collect__task_failed(t, &v);
			return;
		}
		log_msg(LOG_INFO, "collect: DescribeConfigurationAggregators %s: %s",
		    t->c->regions[t->region].name, v.reason);
		list_failed(t, &v);
	}
	collect__task_finish(t);
}

static void
aggregators_start(struct task *t)
{
	struct ops_request r;
	char *cause = NULL;

	if (configservice_describe_configuration_aggregators_request(&r, NULL, 0, 0, NULL,
	    &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, aggregators_page, aggregators_cb);
}

/*
 * Config found no aggregator in the profile's region: ask every selected
 * region of the candidates whose credentials work. 1 if calls were queued,
 * 0 if there is nothing more to try, -1 if the region list is not final yet.
 */
static int
aggregators_round2(struct collect *c)
{
	struct agg_src *s = &c->agg->src[AGG_CFG];
	int home = collect__region_id(c, aws_client_region(c->client)), n = 0;

	if (!c->regions_final && !collect__patterns_all_literal(&c->patterns)) {
		s->waiting_regions = 1;
		return -1;
	}
	s->waiting_regions = 0;
	s->round2 = 1;
	for (unsigned r = 1; r < c->nregions; r++) {
		if (!c->regions[r].selected || (int)r == home)
			continue;
		for (int i = 0; i < s->ncand; i++) {
			if (s->cand_ok[i] == 1) {
				aggregators_queue(c, AGG_CFG, i, r);
				n++;
			}
		}
	}
	return n > 0;
}

void
collect__agg_regions_final(struct collect *c)
{
	struct agg_src *s;

	if (c->agg == NULL)
		return;
	s = &c->agg->src[AGG_CFG];
	if (s->phase == AGP_DISCOVER && s->waiting_regions && aggregators_round2(c) == 0)
		discovery_end(c, AGG_CFG);
	probe_check(c);
	for (int k = 0; k < 2; k++) {
		for (unsigned r = 1; r < c->nregions; r++)
			maybe_release(c, k, r);
	}
}

/* Why discovery found nothing: the first refusal, or that nothing is there. */
static void
discovery_failure(struct collect *c, int k)
{
	struct agg_src *s = &c->agg->src[k];

	if (s->fail_st != MS_OK)
		return;
	for (int i = 0; i < s->ncand; i++) {
		const struct collect_account *a = collect__acct(c, s->cand[i]);

		char reason[sizeof s->cand_why[i]];

		if (s->cand_ok[i] != 2)
			continue;
		s->fail_st = s->cand_why[i][0] == '!' ? MS_ERROR : MS_DENIED;
		snprintf(reason, sizeof reason, "%s", s->cand_why[i] + (s->cand_why[i][0] == '!'));
		snprintf(s->why, sizeof s->why, "%s administrator %s (role %.60s): %.150s", src_word[k],
		    a != NULL ? a->id : "?", c->role_name, reason);
		return;
	}
	if (k == AGG_CFG && s->list_why[0] != '\0') {
		/* Not "none": the aggregators could not be listed (denied, or failing). */
		s->fail_st = s->list_st;
		snprintf(s->why, sizeof s->why, "Config aggregators could not be listed in %.200s",
		    s->list_why);
		return;
	}
	s->fail_st = MS_ERROR;
	if (k == AGG_CFG)
		snprintf(s->why, sizeof s->why, "no organization Config aggregator in the delegated "
		    "administrator or the management account");
	else
		snprintf(s->why, sizeof s->why, "GuardDuty has no delegated administrator");
}

/* Discovery is over (every discovery task ended): fetch, or fail the source. */
static void
discovery_end(struct collect *c, int k)
{
	struct agg_src *s = &c->agg->src[k];

	if (k == AGG_CFG && s->found_cand < 0 && !s->round2) {
		int more = aggregators_round2(c);

		if (more != 0)
			return; /* more calls, or waiting for the region list */
	}
	if (k == AGG_CFG && s->found_cand >= 0)
		s->admin = s->cand[s->found_cand];
	else if (k == AGG_GD && s->ncand > 0 && s->cand_ok[0] == 1)
		s->admin = s->cand[0];
	if (s->admin < 0) {
		discovery_failure(c, k);
		src_fail(c, k, s->fail_st, s->why);
	} else {
		const struct collect_account *a = collect__acct(c, s->admin);

		s->phase = AGP_READY;
		if (k == AGG_CFG)
			log_msg(LOG_INFO, "collect: Config aggregator %s of %s in %s", s->agg_name,
			    a->id, c->regions[s->agg_region].name);
		else
			log_msg(LOG_INFO, "collect: GuardDuty administrator %s", a->id);
		for (unsigned r = 1; r < c->nregions; r++) {
			struct agg_region *g = s->reg[r];

			if (g != NULL && g->st == AR_WAIT)
				region_fetch(c, k, r);
		}
	}
	if (s->disc_unit) {
		s->disc_unit = 0;
		collect__work_done(c, src_of[k], 1);
	}
	probe_check(c);
}

/* ------------------------------------------------------------ regions */

/* Region r of source k is wanted this refresh: fetch it now or once discovery is over. */
static void
region_want(struct collect *c, int k, unsigned r)
{
	struct agg_src *s = &c->agg->src[k];
	struct agg_region *g;

	if (r == REGION_GLOBAL || c->regions[r].model < 0 || s->fallback_all)
		return;
	g = region_of(c, k, r);
	if (g->st == AR_WAIT || g->st == AR_RUNNING)
		return;
	region_clear(g);
	memset(g, 0, sizeof *g);
	g->st = AR_WAIT;
	collect__work_add(c, src_of[k], 1);
	if (s->phase == AGP_READY)
		region_fetch(c, k, r);
	else if (s->phase == AGP_FAILED)
		region_fail(c, k, r, s->fail_st, s->why);
}

void
collect__agg_region(struct collect *c, unsigned r)
{
	if (c->agg == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		if (c->agg->src[k].phase != AGP_IDLE)
			region_want(c, k, r);
	}
}

static void
region_fetch(struct collect *c, int k, unsigned r)
{
	struct agg_src *s = &c->agg->src[k];
	struct agg_region *g = region_of(c, k, r);

	g->st = AR_RUNNING;
	if (k == AGG_CFG) {
		if (!s->agg_all && !regmask_test(&s->agg_regions, r)) {
			char why[200];

			snprintf(why, sizeof why, "the Config aggregator %.120s does not cover %s",
			    s->agg_name, c->regions[r].name);
			region_gap(c, k, r, why);
			return;
		}
		agg_task(c, k, AS_CFG_SUMMARY, (unsigned)s->agg_region, s->admin, (int32_t)r);
		return;
	}
	{
		struct collect_account *a = collect__acct(c, s->admin);

		if (a != NULL && collect__detector(a, r, g->det))
			agg_task(c, k, AS_GD_MEMBERS, r, s->admin, -1);
		else
			agg_task(c, k, AS_GD_DETECTOR, r, s->admin, -1);
	}
}

/* Region r of source k is complete: its cells get their values. */
static void
region_done(struct collect *c, int k, unsigned r)
{
	struct agg_region *g = region_of(c, k, r);

	if (g->st != AR_RUNNING)
		return;
	g->st = AR_DONE;
	silent_count_region(c, k, r);
	apply_region(c, k, r);
	maybe_release(c, k, r);
	collect__work_done(c, src_of[k], 1);
	silent_check(c, k);
	probe_check(c);
}

/*
 * Region r of source k cannot be served by the aggregator: auto asks each
 * account there; org gives its cells the reason. A region the aggregator
 * does not cover at all (region_gap()) is asked per account in both modes:
 * requests stay proportional to such exceptions.
 */
static void
region_fail_as(struct collect *c, int k, unsigned r, enum model_state st, const char *why,
    int gap)
{
	struct agg_region *g = region_of(c, k, r);

	if (g->st != AR_RUNNING && g->st != AR_WAIT)
		return;
	g->st = AR_FAILED;
	g->gap = (uint8_t)gap;
	snprintf(g->why, sizeof g->why, "%s", why);
	if (!gap && c->agg->src[k].fail_st == MS_OK)
		c->agg->src[k].fail_st = st == MS_DENIED ? MS_DENIED : MS_ERROR;
	region_clear(g);
	if (gap || c->mode == COLLECT_AUTO) {
		log_msg(LOG_INFO, "collect: %s in %s: %s: asking each account", src_word[k],
		    c->regions[r].name, why);
		collect__region_schedule(c, r, SRCBIT(src_of[k]));
	} else {
		apply_region(c, k, r);
	}
	collect__work_done(c, src_of[k], 1);
	probe_check(c);
}

static void
region_fail(struct collect *c, int k, unsigned r, enum model_state st, const char *why)
{
	region_fail_as(c, k, r, st, why, 0);
}

static void
region_gap(struct collect *c, int k, unsigned r, const char *why)
{
	region_fail_as(c, k, r, MS_OK, why, 1);
}

/* The whole source cannot be served (no administrator, no aggregator, the role refused). */
static void
src_fail(struct collect *c, int k, enum model_state st, const char *why)
{
	struct agg_src *s = &c->agg->src[k];
	char reason[sizeof s->why];

	snprintf(reason, sizeof reason, "%s", why); /* why may be s->why */
	why = reason;
	s->phase = AGP_FAILED;
	s->fail_st = st == MS_DENIED ? MS_DENIED : MS_ERROR;
	snprintf(s->why, sizeof s->why, "%s", why);
	if (c->mode == COLLECT_AUTO) {
		collect__msg(c, LOG_INFO, "%s from the aggregator: %s; asking each account",
		    src_word[k], why);
		s->fallback_all = 1;
		for (unsigned r = 1; r < c->nregions; r++) {
			struct agg_region *g = s->reg[r];

			if (g != NULL && (g->st == AR_WAIT || g->st == AR_RUNNING)) {
				g->st = AR_FAILED;
				collect__work_done(c, src_of[k], 1);
			}
			if (c->regions[r].model >= 0)
				collect__region_schedule(c, r, SRCBIT(src_of[k]));
		}
		return;
	}
	collect__msg(c, LOG_WARN, "--mode org: %s: %s", src_word[k], why);
	for (unsigned r = 1; r < c->nregions; r++) {
		struct agg_region *g = s->reg[r];

		if (g != NULL && (g->st == AR_WAIT || g->st == AR_RUNNING))
			region_fail(c, k, r, s->fail_st, why);
	}
}

void
collect__agg_start(struct collect *c, enum collect_source src)
{
	int k = kind_of(src);
	struct agg_src *s;

	if (c->agg == NULL)
		return;
	if (c->identity_state != 1) {
		c->after_identity |= SRCBIT(src);
		return;
	}
	s = &c->agg->src[k];
	if (s->disc_pending > 0 || s->phase == AGP_DISCOVER)
		return; /* discovering already */
	for (unsigned r = 1; r < c->nregions; r++) {
		struct agg_region *g = s->reg[r];

		if (g != NULL && (g->st == AR_WAIT || g->st == AR_RUNNING))
			return; /* the previous refresh of this source is still running */
	}
	s->round++;
	s->fallback_all = 0;
	s->decided = DECIDE_PENDING;
	s->silent = 0;
	if (!s->decide_unit) {
		s->decide_unit = 1;
		collect__work_add(c, src, 1);
	}
	if (c->standalone) {
		s->phase = AGP_FAILED;
		src_fail(c, k, MS_ERROR, "not in an organization");
		return;
	}
	/* The administrator and aggregator found last time are used again; else find them. */
	if (s->phase != AGP_READY || s->rediscover) {
		s->rediscover = 0;
		s->phase = AGP_DISCOVER;
		s->fail_st = MS_OK;
		s->why[0] = '\0';
		s->ncand = 0;
		s->round2 = 0;
		s->waiting_regions = 0;
		s->found_cand = -1;
		s->admin = -1;
		s->disc_unit = 1;
		collect__work_add(c, src, 1);
		agg_task(c, k, AS_DELEGATED, REGION_GLOBAL, -1, -1);
	}
	for (unsigned r = 1; r < c->nregions; r++)
		region_want(c, k, r);
}

/* ------------------------------------------------------------- Config */

/*
 * AS_CFG_SUMMARY runs in the aggregator's region (t->region: its calls and
 * deadline are that region's) about region t->index.
 */
static int
summary_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct configservice_get_aggregate_config_rule_compliance_summary_result r;
	char *cause = NULL;

	if (t->c == NULL || stale(t))
		return 1;
	if (configservice_get_aggregate_config_rule_compliance_summary_decode(res->json, &r,
	    &cause) != 0) {
		snprintf(t->arg, sizeof t->arg, "bad answer: %.80s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.ngroups; i++) {
		const struct configservice_group *g = &r.groups[i];
		struct cfg_val *v;
		int32_t a;

		if (g->name == NULL || !collect__account_id_valid(g->name))
			continue;
		a = collect__acct_upsert(t->c, g->name);
		if (a < 0)
			continue;
		v = val_of(t->c, AGG_CFG, (unsigned)t->index, a);
		v->compliant = (uint16_t)(g->summary.compliant.count > 65535 ? 65535 :
		    g->summary.compliant.count);
		v->noncompliant = (uint16_t)(g->summary.noncompliant.count > 65535 ? 65535 :
		    g->summary.noncompliant.count);
		v->flags = VAL_HAVE;
		if (g->summary.compliant.capped || g->summary.noncompliant.capped)
			v->flags |= VAL_CAPPED;
	}
	configservice_get_aggregate_config_rule_compliance_summary_result_done(&r);
	return 0;
}

/*
 * A call failed: requeued while throttled, else the region is lost
 * (agg_fail()). The administrator's credentials refused in a region it has
 * not opted into mean that region is not covered (region_gap()).
 */
static void
region_task_failed(struct task *t, const struct aws_result *res)
{
	struct collect__verdict v;

	if (res->err == AWS_ERR_AUTH) {
		int k = kind_of((enum collect_source)t->src);
		unsigned r = t->step == AS_CFG_SUMMARY ? (unsigned)t->index : t->region;
		char why[200];

		snprintf(why, sizeof why, "the %s administrator has not enabled %s", src_word[k],
		    t->c->regions[t->region].name);
		region_gap(t->c, k, r, why);
		collect__task_finish(t);
		return;
	}
	collect__verdict(res, 1, &v);
	collect__task_failed(t, &v);
}

static void
summary_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;

	if (collect__task_answer(t, res))
		return;
	if (stale(t)) {
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	if (t->arg[0] != '\0')
		region_fail(t->c, AGG_CFG, (unsigned)t->index, MS_ERROR, t->arg);
	else
		region_done(t->c, AGG_CFG, (unsigned)t->index);
	collect__task_finish(t);
}

static void
summary_start(struct task *t)
{
	struct collect *c = t->c;
	struct agg_src *s = &c->agg->src[AGG_CFG];
	struct ops_request r;
	char *cause = NULL;

	if (configservice_get_aggregate_config_rule_compliance_summary_request(&r, s->agg_name,
	    CONFIGSERVICE_GROUP_ACCOUNT_ID, NULL, c->regions[t->index].name, CFG_LIMIT, NULL,
	    &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, s->admin, &r, summary_page, summary_cb);
}

/* ----------------------------------------------------------- GuardDuty */

static void
stage_spawn(struct collect *c, unsigned r, int stage, struct agg_chunk *ch)
{
	agg_task_data(c, AGG_GD, AS_GD_STATS, r, c->agg->src[AGG_GD].admin, stage, ch);
}

/* Account a waits for the call of stage s in region r; 50 of them make a call. */
static void
stage_push(struct collect *c, unsigned r, int stage, int32_t a)
{
	struct agg_region *g = region_of(c, AGG_GD, r);
	struct agg_chunk *ch = g->q[stage];

	if (ch == NULL)
		ch = g->q[stage] = xcalloc(1, sizeof *ch);
	ch->a[ch->n++] = a;
	if (ch->n == GD_CHUNK) {
		g->q[stage] = NULL;
		stage_spawn(c, r, stage, ch);
	}
}

/* The accounts whose highest band is band, packed so their findings there fit a page. */
static void
top_plan(struct collect *c, unsigned r)
{
	struct agg_region *g = region_of(c, AGG_GD, r);
	struct agg_src *s = &c->agg->src[AGG_GD];

	for (int band = GD_STAGES - 1; band >= 0; band--) {
		struct agg_chunk *ch = NULL;
		unsigned sum = 0;

		for (size_t i = 0; i < g->nvals; i++) {
			const struct gd_val *v = val_peek(g, AGG_GD, (int32_t)i);
			int top = -1;
			unsigned n;

			if (v == NULL || !(v->flags & VAL_HAVE) || v->t[0] == 0)
				continue;
			for (int st = 0; st < GD_STAGES; st++) {
				if (v->t[st] > 0)
					top = st;
			}
			if (top != band)
				continue;
			n = v->t[band] - (band + 1 < GD_STAGES && v->t[band + 1] < v->t[band] ?
			    v->t[band + 1] : 0);
			if (n == 0)
				n = 1;
			if (ch != NULL && (ch->n == GD_CHUNK || sum + n > GD_PAGE)) {
				agg_task_data(c, AGG_GD, AS_GD_TOP, r, s->admin, band, ch);
				ch = NULL;
			}
			if (ch == NULL) {
				ch = xcalloc(1, sizeof *ch);
				sum = 0;
			}
			ch->a[ch->n++] = (int32_t)i;
			sum += n;
		}
		if (ch != NULL)
			agg_task_data(c, AGG_GD, AS_GD_TOP, r, s->admin, band, ch);
	}
}

/*
 * Moves region r along: a stage whose predecessor is complete sends what
 * it has queued; once the last threshold is complete the highest severities
 * are read; once they are, the region is done.
 */
static void
gd_stage_check(struct collect *c, unsigned r)
{
	struct agg_region *g = region_of(c, AGG_GD, r);
	int prev = g->members_done;

	if (g->st != AR_RUNNING)
		return;
	for (int s = 0; s < GD_STAGES; s++) {
		if (prev && g->q[s] != NULL) {
			struct agg_chunk *ch = g->q[s];

			g->q[s] = NULL;
			stage_spawn(c, r, s, ch);
		}
		prev = prev && g->inflight[s] == 0;
	}
	if (!prev)
		return;
	if (!g->top_started) {
		g->top_started = 1;
		top_plan(c, r);
	}
	if (g->inflight[GD_STAGES] == 0)
		region_done(c, AGG_GD, r);
}

static int
detector_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_list_detectors_result r;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	if (guardduty_list_detectors_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: guardduty ListDetectors: %s", cause);
		free(cause);
		return 1;
	}
	if (r.ndetector_ids > 0 && t->arg[0] == '\0')
		snprintf(t->arg, sizeof t->arg, "%s", r.detector_ids[0]);
	guardduty_list_detectors_result_done(&r);
	return t->arg[0] != '\0';
}

static void
detector_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct agg_src *s;
	struct agg_region *g;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (stale(t)) {
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	s = &c->agg->src[AGG_GD];
	g = region_of(c, AGG_GD, t->region);
	if (t->arg[0] == '\0') {
		char why[200];

		snprintf(why, sizeof why, "the GuardDuty administrator %s has no detector in %s",
		    collect__acct(c, s->admin)->id, c->regions[t->region].name);
		region_gap(c, AGG_GD, t->region, why);
	} else if (g->st == AR_RUNNING) {
		snprintf(g->det, sizeof g->det, "%.64s", t->arg);
		collect__detector_set(collect__acct(c, s->admin), t->region, t->arg);
		agg_task(c, AGG_GD, AS_GD_MEMBERS, t->region, s->admin, -1);
	}
	collect__task_finish(t);
}

static void
detector_start(struct task *t)
{
	struct ops_request r;
	char *cause = NULL;

	t->arg[0] = '\0';
	if (guardduty_list_detectors_request(&r, GD_PAGE, NULL, &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, detector_page, detector_cb);
}

/* A member GuardDuty monitors here: its cells come from the administrator's statistics. */
static void
member_add(struct collect *c, unsigned r, int32_t a)
{
	struct gd_val *v = val_of(c, AGG_GD, r, a);

	if (v->flags & VAL_HAVE)
		return; /* a list asked again after throttling */
	v->flags |= VAL_HAVE;
	stage_push(c, r, 0, a);
}

static int
members_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_list_members_result r;
	char *cause = NULL;

	if (t->c == NULL || stale(t) || region_of(t->c, AGG_GD, t->region)->st != AR_RUNNING)
		return 1;
	if (guardduty_list_members_decode(res->json, &r, &cause) != 0) {
		snprintf(t->arg, sizeof t->arg, "bad answer: %.80s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.nmembers; i++) {
		int32_t a;

		/* Only an enabled member is monitored (Invited, Disabled, Removed, Resigned are not). */
		if (r.members[i].relationship_status == NULL ||
		    strcmp(r.members[i].relationship_status, "Enabled") != 0)
			continue;
		a = collect__acct_upsert(t->c, r.members[i].account_id);
		if (a >= 0)
			member_add(t->c, t->region, a);
	}
	guardduty_list_members_result_done(&r);
	return 0;
}

static void
members_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct agg_region *g;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (stale(t)) {
		collect__task_finish(t);
		return;
	}
	g = region_of(c, AGG_GD, t->region);
	if (res->err == AWS_ERR_CLIENT && t->index == 1) {
		/* The detector kept from an earlier refresh may be gone: look it up again. */
		collect__detector_set(collect__acct(c, c->agg->src[AGG_GD].admin), t->region, NULL);
		agg_task(c, AGG_GD, AS_GD_DETECTOR, t->region, t->account, -1);
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	if (t->arg[0] != '\0') {
		region_fail(c, AGG_GD, t->region, MS_ERROR, t->arg);
	} else if (g->st == AR_RUNNING) {
		g->members_done = 1;
		gd_stage_check(c, t->region);
	}
	collect__task_finish(t);
}

static void
members_start(struct task *t)
{
	struct collect *c = t->c;
	struct agg_region *g = region_of(c, AGG_GD, t->region);
	struct collect_account *a = collect__acct(c, t->account);
	struct ops_request r;
	char *cause = NULL;

	t->arg[0] = '\0';
	if (g->det[0] == '\0') {
		if (a == NULL || !collect__detector(a, t->region, g->det)) {
			agg_build_failed(t, xstrdup("no detector"));
			return;
		}
		t->index = 1; /* from an earlier refresh */
	}
	/* The administrator's own findings count as its account's, like a member's. */
	member_add(c, t->region, t->account);
	if (guardduty_list_members_request(&r, g->det, 1, GD_PAGE, NULL, &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, members_page, members_cb);
}

/* The account ids of a chunk, for an equals criterion. */
static void
chunk_ids(const struct collect *c, const struct agg_chunk *ch, const char **ids)
{
	for (size_t i = 0; i < ch->n; i++)
		ids[i] = c->accts[ch->a[i]].id;
}

static void
stats_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_get_findings_statistics_result r;
	struct collect *c;
	char *cause = NULL;
	int stage;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (stale(t) || region_of(c, AGG_GD, t->region)->st != AR_RUNNING) {
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	if (guardduty_get_findings_statistics_decode(res->json, &r, &cause) != 0 ||
	    !(r.have & GUARDDUTY_HAVE_ACCOUNTS)) {
		char why[160];

		snprintf(why, sizeof why, "bad answer: %.80s",
		    cause != NULL ? cause : "no groupedByAccount");
		free(cause);
		if (cause == NULL)
			guardduty_get_findings_statistics_result_done(&r);
		region_fail(c, AGG_GD, t->region, MS_ERROR, why);
		collect__task_finish(t);
		return;
	}
	stage = t->index;
	for (size_t i = 0; i < r.naccounts; i++) {
		int32_t a = collect__acct_find(c, r.accounts[i].account_id);
		struct gd_val *v;

		if (a < 0)
			continue;
		v = val_of(c, AGG_GD, t->region, a);
		if (!(v->flags & VAL_HAVE))
			continue; /* not asked about: not a member here */
		v->t[stage] = r.accounts[i].total;
		if (r.accounts[i].total > 0 && stage + 1 < GD_STAGES)
			stage_push(c, t->region, stage + 1, a);
	}
	guardduty_get_findings_statistics_result_done(&r);
	collect__task_finish(t); /* gd_stage_check() runs as the task is counted out */
}

static void
stats_start(struct task *t)
{
	struct collect *c = t->c;
	struct agg_region *g = region_of(c, AGG_GD, t->region);
	const struct agg_chunk *ch = t->data;
	const char *ids[GD_CHUNK];
	struct guardduty_criteria cr;
	struct ops_request r;
	char *cause = NULL;

	chunk_ids(c, ch, ids);
	memset(&cr, 0, sizeof cr);
	cr.not_archived = 1;
	cr.account_ids = ids;
	cr.naccount_ids = ch->n;
	cr.severity_min = gd_threshold[t->index];
	cr.severity_below = -1;
	if (guardduty_get_findings_statistics_grouped_request(&r, g->det, GUARDDUTY_GROUP_ACCOUNT,
	    GUARDDUTY_STATS_MAX_RESULTS, &cr, &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, NULL, stats_cb);
}

/* AS_GD_TOP: ListFindings (every page) for the chunk's accounts in its band, then GetFindings. */
static void top_get(struct task *t);

static int
top_list_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_list_findings_result r;
	struct agg_chunk *ch;
	char *cause = NULL;

	if (t->c == NULL || stale(t))
		return 1;
	ch = t->data;
	if (guardduty_list_findings_decode(res->json, &r, &cause) != 0) {
		snprintf(t->arg, sizeof t->arg, "bad answer: %.80s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.nfinding_ids && ch->nids < UINT16_MAX; i++) {
		if (ch->nids == ch->capids) {
			ch->capids = ch->capids ? ch->capids * 2 : GD_PAGE;
			ch->ids = xreallocarray(ch->ids, ch->capids, sizeof *ch->ids);
		}
		ch->ids[ch->nids++] = r.finding_ids[i];
		r.finding_ids[i] = NULL;
	}
	guardduty_list_findings_result_done(&r);
	return 0;
}

static void
top_list_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;

	if (collect__task_answer(t, res))
		return;
	if (stale(t) || region_of(t->c, AGG_GD, t->region)->st != AR_RUNNING) {
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	if (t->arg[0] != '\0') {
		region_fail(t->c, AGG_GD, t->region, MS_ERROR, t->arg);
		collect__task_finish(t);
		return;
	}
	top_get(t);
}

static void
top_get_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct guardduty_get_findings_result r;
	struct agg_chunk *ch;
	struct collect *c;
	char *cause = NULL;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (stale(t) || region_of(c, AGG_GD, t->region)->st != AR_RUNNING) {
		collect__task_finish(t);
		return;
	}
	if (res->err != AWS_OK) {
		region_task_failed(t, res);
		return;
	}
	if (guardduty_get_findings_decode(res->json, &r, &cause) != 0) {
		char why[160];

		snprintf(why, sizeof why, "bad answer: %.80s", cause);
		free(cause);
		region_fail(c, AGG_GD, t->region, MS_ERROR, why);
		collect__task_finish(t);
		return;
	}
	for (size_t i = 0; i < r.nfindings; i++) {
		const struct guardduty_finding *f = &r.findings[i];
		int32_t a = collect__acct_find(c, f->account_id);
		struct gd_val *v;

		if (a < 0 || f->archived)
			continue;
		v = val_of(c, AGG_GD, t->region, a);
		if ((v->flags & VAL_HAVE) && f->severity > v->max)
			v->max = (float)f->severity;
	}
	guardduty_get_findings_result_done(&r);
	ch = t->data;
	ch->next += GUARDDUTY_GET_FINDINGS_MAX;
	top_get(t);
}

/* The next 50 ids to GetFindings, or the end of the task. */
static void
top_get(struct task *t)
{
	struct agg_chunk *ch = t->data;
	struct agg_region *g = region_of(t->c, AGG_GD, t->region);
	struct ops_request r;
	char *cause = NULL;
	size_t n;

	if (ch->next >= ch->nids) {
		collect__task_finish(t);
		return;
	}
	n = ch->nids - ch->next < GUARDDUTY_GET_FINDINGS_MAX ? ch->nids - ch->next :
	    GUARDDUTY_GET_FINDINGS_MAX;
	if (guardduty_get_findings_request(&r, g->det, (const char *const *)ch->ids + ch->next, n,
	    &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, NULL, top_get_cb);
}

static void
top_start(struct task *t)
{
	struct collect *c = t->c;
	struct agg_region *g = region_of(c, AGG_GD, t->region);
	struct agg_chunk *ch = t->data;
	const char *ids[GD_CHUNK];
	struct guardduty_criteria cr;
	struct ops_request r;
	char *cause = NULL;

	/* A start after throttling lists again from the first page. */
	for (size_t i = 0; i < ch->nids; i++)
		free(ch->ids[i]);
	ch->nids = 0;
	ch->next = 0;
	t->arg[0] = '\0';
	chunk_ids(c, ch, ids);
	memset(&cr, 0, sizeof cr);
	cr.not_archived = 1;
	cr.account_ids = ids;
	cr.naccount_ids = ch->n;
	cr.severity_min = gd_threshold[t->index];
	cr.severity_below = -1;
	if (guardduty_list_findings_request(&r, g->det, &cr, GD_PAGE, NULL, &cause) != 0) {
		agg_build_failed(t, cause);
		return;
	}
	agg_call(t, t->account, &r, top_list_page, top_list_cb);
}

/* ------------------------------------------------------------ task ops */

static void
agg_start_task(struct task *t)
{
	switch ((enum agg_step)t->step) {
	case AS_DELEGATED:
		delegated_start(t);
		return;
	case AS_CREDS:
		creds_start(t);
		return;
	case AS_AGGREGATORS:
		aggregators_start(t);
		return;
	case AS_CFG_SUMMARY:
		summary_start(t);
		return;
	case AS_GD_DETECTOR:
		detector_start(t);
		return;
	case AS_GD_MEMBERS:
		members_start(t);
		return;
	case AS_GD_STATS:
		stats_start(t);
		return;
	case AS_GD_TOP:
		top_start(t);
		return;
	}
}

/* A task gives up (retries spent, its region timed out, a bad request). */
static void
agg_fail(struct task *t, const struct collect__verdict *v)
{
	struct collect *c = t->c;
	int k = kind_of((enum collect_source)t->src);
	struct agg_src *s = &c->agg->src[k];

	if (v->st == MS_THROTTLED || stale(t))
		return;
	switch ((enum agg_step)t->step) {
	case AS_DELEGATED:
		log_msg(LOG_INFO, "collect: %s delegated administrators: %s", src_word[k], v->reason);
		if (k == AGG_CFG) {
			int32_t me = collect__acct_upsert(c, c->caller_account);

			s->ncand = 0;
			if (me >= 0) {
				s->cand[s->ncand++] = me;
				agg_task(c, k, AS_CREDS, REGION_GLOBAL, me, 0);
			}
		} else {
			s->fail_st = v->st == MS_DENIED ? MS_DENIED : MS_ERROR;
			snprintf(s->why, sizeof s->why, "GuardDuty's delegated administrator: %.200s",
			    v->reason);
		}
		return;
	case AS_CREDS:
		s->cand_ok[t->index] = 2;
		snprintf(s->cand_why[t->index], sizeof s->cand_why[t->index], "%s%.150s",
		    v->st == MS_DENIED ? "" : "!", v->reason);
		return;
	case AS_AGGREGATORS:
		log_msg(LOG_INFO, "collect: DescribeConfigurationAggregators: %s", v->reason);
		list_failed(t, v);
		return;
	case AS_CFG_SUMMARY:
		/*
		 * Found again next refresh. Not by going back to AGP_IDLE now: the
		 * other regions of this refresh still run on what was found, and an
		 * idle source never decides (probe_decide()), so its work unit, and
		 * --once, would wait forever.
		 */
		region_fail(c, k, (unsigned)t->index, v->st, v->reason);
		s->rediscover = 1;
		return;
	case AS_GD_DETECTOR:
	case AS_GD_MEMBERS:
	case AS_GD_STATS:
	case AS_GD_TOP:
		region_fail(c, k, t->region, v->st, v->reason);
		s->rediscover = 1;
		return;
	}
}

/* Every task ends here: its data goes, and the stage or discovery it belongs to moves on. */
static void
agg_free_data(struct task *t)
{
	struct collect *c = t->c;
	int k = kind_of((enum collect_source)t->src);

	if ((t->step == AS_GD_STATS || t->step == AS_GD_TOP) && t->data != NULL) {
		chunk_free(t->data);
		t->data = NULL;
	}
	if (c == NULL || c->stopping || c->agg == NULL || stale(t))
		return;
	switch ((enum agg_step)t->step) {
	case AS_DELEGATED:
	case AS_CREDS:
	case AS_AGGREGATORS: {
		struct agg_src *s = &c->agg->src[k];

		if (--s->disc_pending == 0 && s->phase == AGP_DISCOVER)
			discovery_end(c, k);
		return;
	}
	case AS_GD_STATS:
	case AS_GD_TOP: {
		struct agg_region *g = region_of(c, AGG_GD, t->region);

		g->inflight[t->step == AS_GD_TOP ? GD_STAGES : t->index]--;
		gd_stage_check(c, t->region);
		return;
	}
	default:
		return;
	}
}

const struct task_ops collect__agg_ops = {
	.name = "aggregator",
	.start = agg_start_task,
	.fail = agg_fail,
	.free_data = agg_free_data,
};
