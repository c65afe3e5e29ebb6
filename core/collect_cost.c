/*
 * collect_cost.c: month-to-date spend per account and region from Cost
 * Explorer at the payer (the caller's account): GetCostAndUsage, MONTHLY,
 * UnblendedCost, grouped by LINKED_ACCOUNT and REGION, every page.
 *
 * Each page is billed (USD 0.01), so this runs on its own slow interval,
 * one page at a time (LANE_COST), and every request is counted
 * (collect_progress().ce_calls). The pages are summed into a table first
 * and applied to the model only when the last page is in and the walk is
 * done: a region with no cost group is 0 once Cost Explorer answered; a
 * failure leaves the previous values, marked stale, with the reason.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/collect_int.h"
#include "core/log.h"
#include "core/services/ce.h"
#include "core/util.h"
#include "core/xmalloc.h"

/* One (account, region) sum. */
struct cost_cell {
	char account[13];
	uint16_t region; /* region id; 0 for a region key we do not show ("global", "NoRegion") */
	double amount;
};

struct cost_job {
	int running;        /* holds a work unit until applied */
	int have_result;    /* the last page is in (or the job failed): apply when the walk is done */
	int applied;        /* the table is the model's: regions that join later get it too */
	enum model_state fail_st;
	char why[256];
	char unit[16];
	struct cost_cell *cells; /* open addressing on (account, region) */
	size_t ncells, cap;
};

static uint64_t
cell_hash(const char *account, unsigned region)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < 12; i++) {
		h ^= (unsigned char)account[i];
		h *= 1099511628211ULL;
	}
	h ^= region;
	h *= 1099511628211ULL;
	return h ^ (h >> 31);
}

static struct cost_cell *
cell_get(struct cost_job *j, const char *account, unsigned region)
{
	size_t mask, i;

	if (2 * (j->ncells + 1) > j->cap) {
		struct cost_cell *old = j->cells;
		size_t oldcap = j->cap;

		j->cap = j->cap ? j->cap * 2 : 1024;
		j->cells = xcalloc(j->cap, sizeof *j->cells);
		j->ncells = 0;
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].account[0] != '\0')
				*cell_get(j, old[k].account, old[k].region) = old[k];
		}
		free(old);
	}
	mask = j->cap - 1;
	for (i = cell_hash(account, region) & mask; j->cells[i].account[0] != '\0';
	    i = (i + 1) & mask) {
		if (j->cells[i].region == region && memcmp(j->cells[i].account, account, 12) == 0)
			return &j->cells[i];
	}
	memcpy(j->cells[i].account, account, 13);
	j->cells[i].region = (uint16_t)region;
	j->cells[i].amount = 0;
	j->ncells++;
	return &j->cells[i];
}

static const struct cost_cell *
cell_find(const struct cost_job *j, const char *account, unsigned region)
{
	size_t mask, i;

	if (j->cap == 0)
		return NULL;
	mask = j->cap - 1;
	for (i = cell_hash(account, region) & mask; j->cells[i].account[0] != '\0';
	    i = (i + 1) & mask) {
		if (j->cells[i].region == region && memcmp(j->cells[i].account, account, 12) == 0)
			return &j->cells[i];
	}
	return NULL;
}

static void
job_clear(struct cost_job *j)
{
	free(j->cells);
	j->cells = NULL;
	j->ncells = j->cap = 0;
	j->fail_st = MS_OK;
	j->why[0] = '\0';
	j->unit[0] = '\0';
	j->have_result = 0;
	j->applied = 0;
}

void
collect__cost_free(struct collect *c)
{
	if (c->cost == NULL)
		return;
	job_clear(c->cost);
	free(c->cost);
	c->cost = NULL;
}

static int
cost_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct ce_get_cost_and_usage_result r;
	struct cost_job *j;
	char *cause = NULL;

	if (c == NULL)
		return 1;
	c->ce_calls += res->attempts ? res->attempts : 1;
	j = c->cost;
	if (ce_get_cost_and_usage_decode(res->json, &r, &cause) != 0) {
		j->fail_st = MS_ERROR;
		snprintf(j->why, sizeof j->why, "bad answer: %s", cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.nrows; i++) {
		const struct ce_cost *row = &r.rows[i];
		int region;

		if (row->account == NULL || !collect__account_id_valid(row->account))
			continue;
		if (j->unit[0] == '\0' && row->unit != NULL)
			snprintf(j->unit, sizeof j->unit, "%s", row->unit);
		region = row->region != NULL ? collect__region_id(c, row->region) : -1;
		cell_get(j, row->account, region > 0 ? (unsigned)region : 0)->amount += row->amount;
	}
	ce_get_cost_and_usage_result_done(&r);
	return 0;
}

static void
cost_done(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct cost_job *j;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	j = c->cost;
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		if (res->status != 0)
			c->ce_calls++; /* the failed page was billed too */
		collect__verdict(res, 1, &v);
		collect__task_failed(t, &v);
		return;
	}
	j->have_result = 1;
	collect__task_finish(t);
	collect__cost_apply(c);
}

static void
cost_start(struct task *t)
{
	struct collect *c = t->c;
	char start[11], end[11];
	cJSON *p = cJSON_CreateObject(), *period, *metrics, *group, *g;

	job_clear(c->cost); /* a restart (throttling) begins again from the first page */
	ce_month_to_date(time(NULL), start, end);
	period = cJSON_AddObjectToObject(p, "TimePeriod");
	cJSON_AddStringToObject(period, "Start", start);
	cJSON_AddStringToObject(period, "End", end);
	cJSON_AddStringToObject(p, "Granularity", "MONTHLY");
	metrics = cJSON_AddArrayToObject(p, "Metrics");
	cJSON_AddItemToArray(metrics, cJSON_CreateString("UnblendedCost"));
	group = cJSON_AddArrayToObject(p, "GroupBy");
	g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "Type", "DIMENSION");
	cJSON_AddStringToObject(g, "Key", "LINKED_ACCOUNT");
	cJSON_AddItemToArray(group, g);
	g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "Type", "DIMENSION");
	cJSON_AddStringToObject(g, "Key", "REGION");
	cJSON_AddItemToArray(group, g);
	collect__paginate(t, OPS_CE_GET_COST_AND_USAGE, c->base, c->caller_account, p, cost_page,
	    cost_done);
	cJSON_Delete(p);
}

static void
cost_fail(struct task *t, const struct collect__verdict *v)
{
	struct cost_job *j = t->c->cost;

	if (v->st == MS_THROTTLED)
		return;
	j->fail_st = v->st;
	snprintf(j->why, sizeof j->why, "%s", v->reason);
	j->have_result = 2; /* applied once the task is released (cost_free_data) */
}

static void
cost_free_data(struct task *t)
{
	struct collect *c = t->c;

	if (c == NULL || c->stopping || c->cost == NULL || c->cost->have_result != 2)
		return;
	c->cost->have_result = 1;
	collect__cost_apply(c);
}

const struct task_ops collect__cost_ops = {
	.name = "Cost Explorer",
	.start = cost_start,
	.fail = cost_fail,
	.free_data = cost_free_data,
};

/* Region r of every account from the table (or the failure). */
static void
apply_region(struct collect *c, const struct cost_job *j, unsigned r, double now)
{
	int mr = c->regions[r].model;

	if (mr < 0)
		return;
	for (size_t i = 0; i < c->naccts; i++) {
		const struct collect_account *a = &c->accts[i];
		const struct cost_cell *cell;

		/* Every account the payer sees, whatever its status or role. */
		if (a->model < 0 || a->phase == AP_GONE)
			continue;
		if (j->fail_st != MS_OK) {
			model_set_state(c->m, (size_t)a->model, mr, MI_SPEND, j->fail_st, j->why, now);
			continue;
		}
		cell = cell_find(j, a->id, r);
		model_set_spend(c->m, (size_t)a->model, (size_t)mr, cell != NULL ? cell->amount : 0,
		    now);
	}
}

void
collect__cost_apply(struct collect *c)
{
	struct cost_job *j = c->cost;
	double now = util_now();

	if (j == NULL || j->have_result != 1 || c->walking)
		return;
	j->have_result = 0;
	j->applied = 1;
	log_msg(LOG_DEBUG, "collect: Cost Explorer: %zu account x region sums", j->ncells);
	if (j->fail_st == MS_OK && j->unit[0] != '\0')
		model_set_currency(c->m, j->unit);
	for (unsigned r = 1; r < c->nregions; r++)
		apply_region(c, j, r, now);
	if (j->fail_st != MS_OK)
		collect__msg(c, LOG_WARN, "Cost Explorer: %s", j->why);
	if (j->running) {
		j->running = 0;
		collect__work_done(c, SRC_COST, 1);
	}
}

void
collect__cost_region(struct collect *c, unsigned r)
{
	if (c->cost != NULL && c->cost->applied)
		apply_region(c, c->cost, r, util_now());
}

/* An account the walk found after the answer was applied. */
void
collect__cost_account(struct collect *c, int32_t i)
{
	const struct cost_job *j = c->cost;
	const struct collect_account *a = collect__acct(c, i);
	double now = util_now();

	if (j == NULL || !j->applied || a == NULL || a->model < 0)
		return;
	for (unsigned r = 1; r < c->nregions; r++) {
		int mr = c->regions[r].model;
		const struct cost_cell *cell;

		if (mr < 0)
			continue;
		if (j->fail_st != MS_OK) {
			model_set_state(c->m, (size_t)a->model, mr, MI_SPEND, j->fail_st, j->why, now);
			continue;
		}
		cell = cell_find(j, a->id, r);
		model_set_spend(c->m, (size_t)a->model, (size_t)mr, cell != NULL ? cell->amount : 0,
		    now);
	}
}

void
collect__cost_start(struct collect *c)
{
	struct task *t;

	if (c->identity_state != 1) {
		c->after_identity |= SRCBIT(SRC_COST);
		return;
	}
	if (c->cost == NULL)
		c->cost = xcalloc(1, sizeof *c->cost);
	if (c->cost->running)
		return;
	c->cost->running = 1;
	collect__work_add(c, SRC_COST, 1);
	t = collect__task_new(c, TK_COST, -1, REGION_GLOBAL, SRC_COST, LANE_COST);
	collect__task_queue(t);
}
