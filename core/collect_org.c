/*
 * collect_org.c: who we are, the organization walk, and each account's
 * preparation (role assumption and enabled regions).
 *
 * The walk: DescribeOrganization, ListRoots, then for every parent (root or
 * OU) ListOrganizationalUnitsForParent and ListAccountsForParent, each
 * paginated, every parent in parallel: a child OU found on a page starts
 * its own two listings at once, and an account found on a page starts its
 * preparation, so the fan-out begins long before the walk ends. The tree is
 * kept (in the model and here) and walked again on the org interval; a walk
 * where every listing succeeded prunes the accounts it did not see.
 *
 * An account's preparation: its own account uses the base credentials;
 * a member account gets an AssumeRole provider into
 * arn:<partition>:iam::<id>:role/<role_name> (cached across refreshes by the
 * provider). Its enabled regions come from account:ListRegions in its own
 * session (each account has its own rate limit there, 5/s); when that is
 * refused, or the role cannot be assumed, from the management account with
 * AccountId, because the region list is the union over every ACTIVE
 * account (docs/JSON.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core/aws/xml.h"
#include "core/collect_int.h"
#include "core/log.h"
#include "core/services/awsaccount.h"
#include "core/services/organizations.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define ORG_PAGE 20      /* Organizations' MaxResults maximum */
#define REGIONS_PAGE 50  /* Account's MaxResults maximum */

static void walk_begin(struct collect *c);
static void walk_task_done(struct task *t);
static void standalone(struct collect *c, const char *why);

static void
say_failure(struct collect *c, int level, const char *what, const struct aws_result *res)
{
	struct buf b;

	buf_init(&b);
	aws_result_describe(res, &b);
	collect__msg(c, level, "%s: %s", what, b.data);
	buf_done(&b);
}

/* ------------------------------------------------------------- identity */

static void
identity_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	const char *arn, *account;
	unsigned after;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
			collect__task_failed(t, &v); /* asked again after a delay */
			return;
		}
		c->identity_state = -1;
		if (v.creds_failed)
			c->creds_failed = 1;
		if (v.sso_expired) {
			c->sso_expired_said = 1;
			collect__msg(c, LOG_ERROR, "%s", v.reason);
		} else {
			say_failure(c, LOG_ERROR, "who am I (sts GetCallerIdentity)", res);
		}
		collect__task_finish(t);
		return;
	}
	arn = xml_path_text(res->xml, "Arn");
	account = xml_path_text(res->xml, "Account");
	if (account == NULL || !collect__account_id_valid(account)) {
		c->identity_state = -1;
		collect__msg(c, LOG_ERROR, "sts GetCallerIdentity: the answer names no 12-digit account");
		collect__task_finish(t);
		return;
	}
	snprintf(c->caller_arn, sizeof c->caller_arn, "%s", arn != NULL ? arn : "");
	memcpy(c->caller_account, account, 13);
	c->identity_state = 1;
	for (size_t i = 0; i < c->naccts; i++)
		c->accts[i].own = strcmp(c->accts[i].id, c->caller_account) == 0;
	log_msg(LOG_INFO, "collect: caller %s", c->caller_arn);
	walk_begin(c);
	after = c->after_identity;
	c->after_identity = 0;
	if (after & SRCBIT(SRC_SSO))
		collect__sso_start(c);
	if (after & SRCBIT(SRC_COST))
		collect__cost_start(c);
	if (after & SRCBIT(SRC_CONFIG))
		collect__agg_start(c, SRC_CONFIG);
	if (after & SRCBIT(SRC_GUARDDUTY))
		collect__agg_start(c, SRC_GUARDDUTY);
	collect__task_finish(t);
}

static void
identity_start(struct task *t)
{
	struct collect *c = t->c;

	collect__call(t, OPS_STS_GET_CALLER_IDENTITY, c->base, NULL, NULL, identity_cb);
}

static void
identity_fail(struct task *t, const struct collect__verdict *v)
{
	struct collect *c = t->c;

	if (v->st == MS_THROTTLED)
		return; /* queued again */
	c->identity_state = -1;
	collect__msg(c, LOG_ERROR, "who am I (sts GetCallerIdentity): %s", v->reason);
}

const struct task_ops collect__identity_ops = {
	.name = "identity",
	.start = identity_start,
	.fail = identity_fail,
};

void
collect__org_start(struct collect *c)
{
	if (c->identity_state != 1) {
		struct task *t;

		if (c->identity_state == 2)
			return; /* asking already */
		c->identity_state = 2;
		t = collect__task_new(c, TK_IDENTITY, -1, REGION_GLOBAL, SRC_ORG, LANE_WALK);
		collect__task_queue(t);
		return;
	}
	walk_begin(c);
}

/* ----------------------------------------------------------------- walk */

static struct task *
walk_task(struct collect *c, enum task_kind kind, const char *parent)
{
	struct task *t = collect__task_new(c, kind, -1, REGION_GLOBAL, SRC_ORG, LANE_WALK);

	if (parent != NULL)
		snprintf(t->arg, sizeof t->arg, "%s", parent);
	c->walk_tasks++;
	collect__task_queue(t);
	return t;
}

static void
walk_end(struct collect *c)
{
	c->walking = 0;
	log_msg(LOG_DEBUG, "collect: walk %u done%s: %zu accounts", c->walk,
	    c->walk_failed ? " (incomplete)" : "", c->naccts);
	if (!c->walk_failed && !c->standalone) {
		model_prune(c->m);
		collect__acct_remap(c);
	}
	collect__regions_finalize(c);
	/* Answers that waited for every account to be known. */
	collect__sso_apply(c);
	collect__cost_apply(c);
	collect__agg_walk_done(c);
}

static void
walk_task_done(struct task *t)
{
	struct collect *c = t->c;

	collect__task_finish(t);
	if (--c->walk_tasks == 0)
		walk_end(c);
}

/*
 * A listing's call failed (after the client's own retries). Throttling and
 * transient failures (5xx, network, timeouts, bad answers, the retry quota)
 * queue it again, a few times with a growing delay: a listing given up on
 * loses its accounts from a first refresh (--once printed 987 of 1,000 in the
 * fault storm). Anything else, or the last try, leaves the walk incomplete.
 */
static void
walk_failed(struct task *t, const struct aws_result *res)
{
	struct collect__verdict v;

	collect__verdict(res, 1, &v);
	switch (res->err) {
	case AWS_ERR_SERVER:
	case AWS_ERR_NETWORK:
	case AWS_ERR_TIMEOUT:
	case AWS_ERR_BAD_RESPONSE:
	case AWS_ERR_QUOTA:
		v.requeue = 1;
		break;
	default:
		break;
	}
	collect__task_failed(t, &v);
}

static void
walk_fail(struct task *t, const struct collect__verdict *v)
{
	struct collect *c = t->c;

	if (v->requeue)
		return; /* queued again: still part of the walk */
	c->walk_failed = 1;
	collect__msg(c, LOG_ERROR, "organization walk: %s%s%s: %s", collect__ops_name(t),
	    t->arg[0] ? " " : "", t->arg, v->reason);
	if (--c->walk_tasks == 0)
		walk_end(c);
}

static void
walk_begin(struct collect *c)
{
	if (c->walking)
		return;
	c->walking = 1;
	c->walk_failed = 0;
	c->regions_final = 0;
	c->walk = model_refresh_begin(c->m);
	walk_task(c, TK_ORG, NULL);
}

/* Every item an account that is not ACTIVE shows, and the account marked so. */
static void
account_inactive(struct collect *c, int32_t i)
{
	struct collect_account *a = collect__acct(c, i);

	a->phase = AP_INACTIVE;
	a->want = 0;
	collect__acct_drop_pending(c, i);
	collect__acct_phase_states(c, i, -1);
}

/* The walk saw an account: remember it, prepare it once per walk. */
static void
account_seen(struct collect *c, const char *id, const char *status, int model_idx)
{
	int32_t i = collect__acct_upsert(c, id);
	struct collect_account *a = collect__acct(c, i);
	int was_active;

	if (a == NULL)
		return;
	a->model = model_idx;
	if (a->seen == c->walk)
		return;
	if (a->seen == 0) {
		/* New since the org-wide answers were applied: give it theirs. */
		collect__cost_account(c, i);
		collect__sso_account(c, i);
		collect__agg_account(c, i);
	}
	a->seen = c->walk;
	was_active = a->phase != AP_NEW && a->phase != AP_INACTIVE && a->phase != AP_GONE;
	snprintf(a->status, sizeof a->status, "%s", status != NULL ? status : "");
	if (strcmp(a->status, "ACTIVE") != 0) {
		account_inactive(c, i);
		return;
	}
	if (!was_active)
		a->want |= WANT_LEAVES; /* new (or back): everything, now */
	collect__prep_queue(c, i, LANE_PREP);
}

static void
org_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct organizations_describe_organization_result r;
	char *cause = NULL;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		if (v.st == MS_DISABLED || v.st == MS_DENIED) {
			standalone(c, v.st == MS_DISABLED ? "this account is not in an organization" :
			    "the organization cannot be read with these credentials");
			walk_task_done(t);
			return;
		}
		walk_failed(t, res);
		return;
	}
	if (organizations_describe_organization_decode(res->json, &r, &cause) != 0) {
		c->walk_failed = 1;
		collect__msg(c, LOG_ERROR, "organizations: %s", cause);
		free(cause);
		walk_task_done(t);
		return;
	}
	c->standalone = 0;
	model_set_org(c->m, r.id, r.master_account_id);
	memcpy(c->mgmt, r.master_account_id, 13);
	organizations_describe_organization_result_done(&r);
	walk_task(c, TK_ROOTS, NULL);
	walk_task_done(t);
}

static void
org_start(struct task *t)
{
	struct collect *c = t->c;

	collect__call(t, OPS_ORGANIZATIONS_DESCRIBE_ORGANIZATION, c->base, c->caller_account, NULL,
	    org_cb);
}

const struct task_ops collect__org_ops = {
	.name = "DescribeOrganization",
	.start = org_start,
	.fail = walk_fail,
};

/* Not in an organization, or not allowed to list it: our own account alone. */
static void
standalone(struct collect *c, const char *why)
{
	int idx;

	collect__msg(c, LOG_WARN, "%s: showing account %s alone", why, c->caller_account);
	c->standalone = 1;
	if (model_org_id(c->m)[0] == '\0')
		model_set_org(c->m, "", c->caller_account);
	idx = model_account_upsert(c->m, c->caller_account, NULL, NULL, "ACTIVE", -1, 0);
	if (idx >= 0)
		account_seen(c, c->caller_account, "ACTIVE", idx);
}

/* A parent's listings, unless this walk has seen the parent already. */
static void
parent_found(struct collect *c, const char *id, const char *name, int parent)
{
	int idx = model_ou_find(c->m, id);

	if (idx >= 0 && model_ou(c->m, (size_t)idx)->seen == c->walk)
		return;
	if (model_ou_upsert(c->m, id, name != NULL ? name : "", parent) < 0)
		return;
	walk_task(c, TK_OUS, id);
	walk_task(c, TK_ACCTS, id);
}

static int
roots_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct organizations_list_roots_result r;
	char *cause = NULL;

	if (c == NULL)
		return 1;
	if (organizations_list_roots_decode(res->json, &r, &cause) != 0) {
		collect__msg(c, LOG_ERROR, "organizations ListRoots: %s", cause);
		c->walk_failed = 1;
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.nroots; i++)
		parent_found(c, r.roots[i].id, r.roots[i].name != NULL ? r.roots[i].name : "Root", -1);
	organizations_list_roots_result_done(&r);
	return 0;
}

static void
listing_done(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	char what[160];

	if (collect__task_answer(t, res))
		return;
	if (res->err == AWS_ERR_DENIED && t->kind == TK_ROOTS) {
		snprintf(what, sizeof what, "the organization's accounts cannot be listed with these "
		    "credentials (%s)", res->code);
		standalone(t->c, what);
		walk_task_done(t);
		return;
	}
	if (res->err != AWS_OK) {
		walk_failed(t, res);
		return;
	}
	walk_task_done(t);
}

static void
roots_start(struct task *t)
{
	struct collect *c = t->c;
	cJSON *p = cJSON_CreateObject();

	cJSON_AddNumberToObject(p, "MaxResults", ORG_PAGE);
	collect__paginate(t, OPS_ORGANIZATIONS_LIST_ROOTS, c->base, c->caller_account, p,
	    roots_page, listing_done);
	cJSON_Delete(p);
}

const struct task_ops collect__roots_ops = {
	.name = "ListRoots",
	.start = roots_start,
	.fail = walk_fail,
};

static int
ous_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct organizations_list_organizational_units_for_parent_result r;
	char *cause = NULL;
	int parent;

	if (c == NULL)
		return 1;
	if (organizations_list_organizational_units_for_parent_decode(res->json, &r, &cause) != 0) {
		collect__msg(c, LOG_ERROR, "organizations ListOrganizationalUnitsForParent %s: %s",
		    t->arg, cause);
		c->walk_failed = 1;
		free(cause);
		return 1;
	}
	parent = model_ou_find(c->m, t->arg);
	for (size_t i = 0; i < r.nous; i++)
		parent_found(c, r.ous[i].id, r.ous[i].name, parent);
	organizations_list_organizational_units_for_parent_result_done(&r);
	return 0;
}

static cJSON *
parent_params(const struct task *t)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "ParentId", t->arg);
	cJSON_AddNumberToObject(p, "MaxResults", ORG_PAGE);
	return p;
}

static void
ous_start(struct task *t)
{
	struct collect *c = t->c;
	cJSON *p = parent_params(t);

	collect__paginate(t, OPS_ORGANIZATIONS_LIST_ORGANIZATIONAL_UNITS_FOR_PARENT, c->base,
	    c->caller_account, p, ous_page, listing_done);
	cJSON_Delete(p);
}

const struct task_ops collect__ous_ops = {
	.name = "ListOrganizationalUnitsForParent",
	.start = ous_start,
	.fail = walk_fail,
};

static int
accts_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct organizations_list_accounts_result r;
	char *cause = NULL;
	int ou;

	if (c == NULL)
		return 1;
	if (organizations_list_accounts_for_parent_decode(res->json, &r, &cause) != 0) {
		collect__msg(c, LOG_ERROR, "organizations ListAccountsForParent %s: %s", t->arg, cause);
		c->walk_failed = 1;
		free(cause);
		return 1;
	}
	ou = model_ou_find(c->m, t->arg);
	for (size_t i = 0; i < r.naccounts; i++) {
		const struct organizations_account *acc = &r.accounts[i];
		int idx = model_account_upsert(c->m, acc->id, acc->name, acc->email, acc->state, ou,
		    acc->joined);

		if (idx >= 0)
			account_seen(c, acc->id, acc->state, idx);
	}
	organizations_list_accounts_result_done(&r);
	collect__dispatch(c);
	return 0;
}

static void
accts_start(struct task *t)
{
	struct collect *c = t->c;
	cJSON *p = parent_params(t);

	collect__paginate(t, OPS_ORGANIZATIONS_LIST_ACCOUNTS_FOR_PARENT, c->base, c->caller_account,
	    p, accts_page, listing_done);
	cJSON_Delete(p);
}

const struct task_ops collect__accts_ops = {
	.name = "ListAccountsForParent",
	.start = accts_start,
	.fail = walk_fail,
};

const char *
collect__ops_name(const struct task *t)
{
	static const struct task_ops *const names[TK__COUNT] = {
		[TK_IDENTITY] = &collect__identity_ops, [TK_ORG] = &collect__org_ops,
		[TK_ROOTS] = &collect__roots_ops, [TK_OUS] = &collect__ous_ops,
		[TK_ACCTS] = &collect__accts_ops, [TK_PREP] = &collect__prep_ops,
		[TK_CONFIG] = &collect__config_ops, [TK_GD] = &collect__gd_ops,
		[TK_BUDGET] = &collect__budget_ops, [TK_RULES] = &collect__rules_ops,
		[TK_FINDINGS] = &collect__findings_ops, [TK_SSO] = &collect__sso_ops,
		[TK_COST] = &collect__cost_ops, [TK_AGG] = &collect__agg_ops,
	};

	return t->kind < TK__COUNT && names[t->kind] != NULL ? names[t->kind]->name : "?";
}

/* ---------------------------------------------------------- preparation */

/*
 * TK_PREP steps: 0 get the role's credentials (member accounts), 1 ListRegions
 * in the account's own session, 2 ListRegions from the caller with AccountId.
 * t->data holds the regions found (struct regmask).
 */
enum { PREP_CREDS, PREP_REGIONS_OWN, PREP_REGIONS_MGMT };

static void prep_regions(struct task *t, int via_caller);

/* The preparation ends (with or without the regions in t->data): the account is ready. */
static void
prep_conclude(struct task *t)
{
	struct collect *c = t->c;
	int32_t i = t->account;
	struct collect_account *a = collect__acct(c, i);
	unsigned want;

	a->prep_queued = 0;
	c->preps_active--;
	if (a->phase == AP_PREP)
		a->phase = AP_READY;
	if (t->data != NULL && a->phase != AP_GONE) {
		a->enabled = *(struct regmask *)t->data;
		a->regions_known = 1;
		collect__regions_enabled(c, i, &a->enabled);
	}
	collect__acct_phase_states(c, i, -1);
	want = a->want;
	a->want = 0;
	if (a->phase == AP_READY)
		collect__acct_schedule(c, i, want, a->urgent);
	collect__agg_ready(c, i); /* what the aggregators said, now the regions are known */
	a->urgent = 0;
	if (a->own)
		collect__sso_regions_known(c);
}

static void
prep_done(struct task *t)
{
	struct collect *c = t->c;

	prep_conclude(t);
	collect__task_finish(t);
	collect__regions_finalize(c);
}

static void
prep_fail(struct task *t, const struct collect__verdict *v)
{
	struct collect *c = t->c;
	struct collect_account *a = collect__acct(c, t->account);

	if (v->st == MS_THROTTLED)
		return; /* queued again */
	/* The regions could not be read: the account is asked in every selected region. */
	log_msg(LOG_INFO, "collect: %s: enabled regions unknown: %s", a->id, v->reason);
	free(t->data);
	t->data = NULL;
	prep_conclude(t);
	collect__regions_finalize(c);
}

static int
regions_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct awsaccount_list_regions_result r;
	char *cause = NULL;

	if (c == NULL)
		return 1;
	if (awsaccount_list_regions_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: account ListRegions %s: %s", collect__acct(c, t->account)->id,
		    cause);
		free(cause);
		free(t->data);
		t->data = NULL;
		return 1;
	}
	if (t->data == NULL)
		t->data = xcalloc(1, sizeof(struct regmask));
	for (size_t k = 0; k < r.nregions; k++) {
		int id;

		if (!(AWSACCOUNT_USABLE & AWSACCOUNT_BIT(r.regions[k].status)))
			continue;
		id = collect__region_id(c, r.regions[k].name);
		if (id > 0)
			regmask_set(t->data, (unsigned)id);
	}
	awsaccount_list_regions_result_done(&r);
	return 0;
}

static void
regions_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct collect_account *a;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	a = collect__acct(c, t->account);
	if (res->err == AWS_OK && t->data != NULL) {
		prep_done(t);
		return;
	}
	free(t->data);
	t->data = NULL;
	if (res->err == AWS_OK) {
		prep_done(t); /* an answer we could not read: regions unknown */
		return;
	}
	if (res->err == AWS_ERR_DENIED && t->step == PREP_REGIONS_OWN) {
		/* The audit role may lack account:ListRegions: ask from the caller's account. */
		prep_regions(t, 1);
		return;
	}
	{
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
			collect__task_failed(t, &v); /* starts over, role included */
			return;
		}
		log_msg(LOG_INFO, "collect: %s: enabled regions unknown: %s", a->id, v.reason);
	}
	prep_done(t);
}

static void
prep_regions(struct task *t, int via_caller)
{
	struct collect *c = t->c;
	struct collect_account *a = collect__acct(c, t->account);
	cJSON *p = cJSON_CreateObject(), *st = cJSON_AddArrayToObject(p, "RegionOptStatusContains");

	t->step = via_caller ? PREP_REGIONS_MGMT : PREP_REGIONS_OWN;
	free(t->data);
	t->data = NULL;
	if (via_caller && !a->own)
		cJSON_AddStringToObject(p, "AccountId", a->id);
	cJSON_AddItemToArray(st, cJSON_CreateString("ENABLED"));
	cJSON_AddItemToArray(st, cJSON_CreateString("ENABLED_BY_DEFAULT"));
	cJSON_AddNumberToObject(p, "MaxResults", REGIONS_PAGE);
	if (via_caller || a->own)
		collect__paginate(t, OPS_ACCOUNT_LIST_REGIONS, c->base, c->caller_account, p,
		    regions_page, regions_cb);
	else
		collect__paginate(t, OPS_ACCOUNT_LIST_REGIONS, a->creds, a->id, p, regions_page,
		    regions_cb);
	cJSON_Delete(p);
}

/*
 * The regions AWS enables by default (those launched before March 20, 2019):
 * an account cannot disable them, so they are never region_off.
 */
static const char *const default_regions[] = {
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
};

/*
 * 1 when -r names only regions of the aws partition that are on by default:
 * then no member account's ListRegions can change anything (the region list
 * is the -r list, and no cell is region_off), and the preparation skips it.
 */
static int
regions_by_default(const struct collect *c)
{
	if (strcmp(c->partition, "aws") != 0 || c->patterns.n == 0 ||
	    !collect__patterns_all_literal(&c->patterns))
		return 0;
	for (size_t i = 0; i < c->patterns.n; i++) {
		size_t k;

		for (k = 0; k < sizeof default_regions / sizeof default_regions[0]; k++) {
			if (strcmp(c->patterns.pat[i], default_regions[k]) == 0)
				break;
		}
		if (k == sizeof default_regions / sizeof default_regions[0])
			return 0;
	}
	return 1;
}

/* 1 if the region list needs every account's regions (no -r, or -r with globs). */
static int
need_regions(const struct collect *c)
{
	return !collect__patterns_all_literal(&c->patterns);
}

/* The account's enabled regions: asked, or known when -r names only default ones. */
static void
prep_regions_or_default(struct task *t)
{
	struct collect *c = t->c;

	if (regions_by_default(c)) {
		/* Every region asked about is on in every account: nothing to ask. */
		t->data = xcalloc(1, sizeof(struct regmask));
		for (unsigned r = 1; r < c->nregions; r++) {
			if (c->regions[r].literal)
				regmask_set(t->data, r);
		}
		prep_done(t);
		return;
	}
	prep_regions(t, 0);
}

static void
prep_creds_cb(struct creds *cr, const char *err, int sso_expired, void *arg)
{
	struct task *t = arg;
	struct collect *c = t->c;
	struct collect_account *a;
	struct collect__verdict v;

	t->flags &= (uint8_t)~TF_WAITING;
	if (c == NULL) {
		/* Orphaned: collect_free() is freeing the providers. */
		free(t->data);
		free(t);
		return;
	}
	a = collect__acct(c, t->account);
	if (cr != NULL) {
		if (a->model >= 0)
			model_set_access(c->m, (size_t)a->model, model_intern(c->m, c->role_name),
			    util_now());
		if (a->reason != NULL)
			a->want |= WANT_LEAVES; /* the role works again: everything, now */
		free(a->reason);
		a->reason = NULL;
		prep_regions_or_default(t);
		return;
	}
	collect__creds_verdict(err, sso_expired, &v);
	if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
		collect__task_failed(t, &v); /* the whole preparation again, after a delay */
		return;
	}
	if (v.requeue) {
		v.st = MS_ERROR;
		v.requeue = 0;
	}
	if (v.sso_expired && !c->sso_expired_said) {
		c->sso_expired_said = 1;
		collect__msg(c, LOG_ERROR, "%s", v.reason);
	}
	log_msg(LOG_INFO, "collect: %s: role %s: %s", a->id, c->role_name, v.reason);
	free(a->reason);
	a->reason = xstrdup(v.reason);
	a->phase = v.st == MS_DENIED ? AP_DENIED : AP_ERROR;
	if (v.st == MS_ERROR)
		c->errors++;
	collect__acct_phase_states(c, t->account, -1);
	if (need_regions(c)) {
		prep_regions(t, 1); /* for the region list only */
		return;
	}
	prep_done(t);
}

struct creds_provider *
collect__acct_role(struct collect *c, struct collect_account *a)
{
	char arn[700];

	if (a->own)
		return c->base;
	if (a->creds == NULL) {
		snprintf(arn, sizeof arn, "arn:%s:iam::%s:role/%s", c->partition, a->id, c->role_name);
		a->creds = creds_provider_assume_role(c->client, c->base, arn, "orgtop",
		    c->external_id, 0);
	}
	return a->creds;
}

static void
prep_start(struct task *t)
{
	struct collect *c = t->c;
	struct collect_account *a = collect__acct(c, t->account);
	int rc;

	if (a == NULL || a->phase == AP_GONE) {
		if (a != NULL)
			a->prep_queued = 0;
		c->preps_active--;
		collect__task_finish(t);
		return;
	}
	if (a->own) {
		if (a->model >= 0)
			model_set_access(c->m, (size_t)a->model, NULL, util_now());
		a->phase = AP_PREP;
		prep_regions_or_default(t);
		return;
	}
	t->step = PREP_CREDS;
	a->phase = AP_PREP;
	t->flags |= TF_WAITING;
	rc = creds_provider_get(collect__acct_role(c, a), prep_creds_cb, t);
	if (rc < 0) {
		struct collect__verdict v;

		t->flags &= (uint8_t)~TF_WAITING;
		collect__creds_verdict("the role's credentials could not be requested", 0, &v);
		a->phase = AP_ERROR;
		free(a->reason);
		a->reason = xstrdup(v.reason);
		collect__acct_phase_states(c, t->account, -1);
		prep_done(t);
	}
}

static void
prep_free(struct task *t)
{
	free(t->data);
	t->data = NULL;
}

const struct task_ops collect__prep_ops = {
	.name = "prepare account",
	.start = prep_start,
	.fail = prep_fail,
	.free_data = prep_free,
};

void
collect__prep_queue(struct collect *c, int32_t i, enum collect__lane lane)
{
	struct collect_account *a = collect__acct(c, i);
	struct task *t;

	if (a == NULL || a->prep_queued)
		return;
	a->prep_queued = 1;
	c->preps_active++;
	t = collect__task_new(c, TK_PREP, i, REGION_GLOBAL, SRC_ORG, lane);
	collect__task_queue(t);
}
