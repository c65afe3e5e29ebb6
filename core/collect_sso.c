/*
 * collect_sso.c: IAM Identity Center assignments per account.
 *
 * From the caller's (management) account in Identity Center's home region:
 * ListInstances (which also finds the home region: --sso-region when given,
 * else the profile's region, else every region the caller's account has
 * enabled, asked in parallel). Then, in parallel, ListPermissionSets (with
 * DescribePermissionSet for each name and
 * ListAccountsForProvisionedPermissionSet for the accounts each is
 * provisioned to) and Identity Store's ListUsers and ListGroups (every
 * principal with its name). With both in hand the assignments are read the
 * cheaper way (sso_decide()): per user and group with
 * ListAccountAssignmentsForPrincipal when there are fewer principals than
 * (account, permission set) pairs, as in an organization of many accounts
 * reached through groups (1,000 accounts: 70 calls instead of 3,800);
 * otherwise per pair with ListAccountAssignments, names through
 * DescribeUser / DescribeGroup. Names are cached for the life of the
 * collector. Every call goes through LANE_SSO, which holds only a few in
 * flight: Identity Center allows about 20 requests/s, and the client's rate
 * limiter paces them.
 *
 * The answer is applied to the model when every call is done and the
 * organization walk has finished (so every account is known): each account,
 * suspended ones included, gets its list, possibly empty.
 */
#include <stdlib.h>
#include <string.h>

#include "core/collect_int.h"
#include "core/log.h"
#include "core/services/identitystore.h"
#include "core/services/ssoadmin.h"
#include "core/util.h"
#include "core/xmalloc.h"

enum sso_step {
	SSO_INSTANCES,
	SSO_PSETS,
	SSO_DESCRIBE_PS,
	SSO_PS_ACCOUNTS,
	SSO_LIST_USERS,
	SSO_LIST_GROUPS,
	SSO_ASSIGNMENTS,
	SSO_FOR_PRINCIPAL,
	SSO_USER,
	SSO_GROUP
};

/* The first phase: what both ways of reading the assignments need to be chosen between. */
static int
phase1_step(int step)
{
	return step == SSO_PSETS || step == SSO_PS_ACCOUNTS || step == SSO_LIST_USERS ||
	    step == SSO_LIST_GROUPS;
}

struct sso_ps {
	char *arn;
	char *name; /* NULL until DescribePermissionSet answers */
};

/* A permission set provisioned to an account: one ListAccountAssignments if asked by account. */
struct sso_pa {
	char account[13];
	uint32_t ps;
};

struct sso_assign {
	char account[13];
	uint8_t type;  /* enum model_principal */
	uint32_t ps;   /* index in ps */
	uint32_t name; /* index in names: the principal */
};

/* One account whose ListAccountAssignments failed: only that account's answer is lost. */
struct sso_acct_fail {
	char account[13];
	enum model_state st;
	char why[200];
};

/* A principal (its id and display name), cached across refreshes. */
struct sso_name {
	char *id;
	char *name;    /* NULL: not resolved (yet) */
	uint8_t type;  /* enum model_principal, or SSO_TYPE_UNKNOWN */
	uint8_t asked; /* a DescribeUser/Group is under way or was made this job */
	uint8_t listed; /* ListUsers/ListGroups named it in this job */
};

#define SSO_TYPE_UNKNOWN 0xff

struct sso_job {
	int running;            /* holds a work unit until applied */
	int have_result;        /* every call is done: apply when the walk is done */
	int found;              /* the instance is known */
	int listing;            /* ListPermissionSets started */
	int expanded;           /* discovery went past the first region */
	int waiting_regions;    /* discovery waits for the caller's regions */
	int applied;            /* the answer is the model's: accounts found later get it too */
	int home;               /* home region id */
	int first;              /* the first region asked */
	unsigned pending;       /* SSO tasks outstanding */
	unsigned phase1;        /* first-phase tasks outstanding */
	int lists_failed;       /* ListUsers or ListGroups failed: ask by account */
	int users_listed, groups_listed; /* ListUsers / ListGroups finished */
	size_t nlisted;         /* principals they named */
	int by_principal;       /* the assignments were asked per user and group */
	char *instance_arn, *store_id;
	struct sso_ps *ps;
	size_t nps;
	struct sso_pa *pa;
	size_t npa, cappa;
	struct sso_assign *as;
	size_t nas, capas;
	enum model_state fail_st; /* MS_OK, or the state every account gets */
	char why[256];
	int why_sso;              /* why is the expired SSO session, already said once */
	enum model_state disc_st; /* the worst discovery failure */
	char disc_why[256];
	int disc_sso;
	struct sso_acct_fail *afail; /* accounts whose assignments could not be read */
	size_t nafail, capafail;
	struct sso_name *names;
	size_t nnames, capnames;
	uint32_t *nhash;        /* open addressing on names[].id: index + 1, 0 empty */
	size_t nhash_cap;
};

static void sso_finish_job(struct collect *c);

static struct sso_job *
job(struct collect *c)
{
	if (c->sso == NULL)
		c->sso = xcalloc(1, sizeof *c->sso);
	return c->sso;
}

static void
job_reset(struct sso_job *j)
{
	for (size_t i = 0; i < j->nps; i++) {
		free(j->ps[i].arn);
		free(j->ps[i].name);
	}
	free(j->ps);
	j->ps = NULL;
	j->nps = 0;
	free(j->pa);
	j->pa = NULL;
	j->npa = j->cappa = 0;
	free(j->as);
	j->as = NULL;
	j->nas = j->capas = 0;
	free(j->afail);
	j->afail = NULL;
	j->nafail = j->capafail = 0;
	free(j->instance_arn);
	free(j->store_id);
	j->instance_arn = j->store_id = NULL;
	j->found = 0;
	j->applied = 0;
	j->listing = 0;
	j->expanded = 0;
	j->have_result = 0;
	j->waiting_regions = 0;
	j->phase1 = 0;
	j->lists_failed = 0;
	j->users_listed = j->groups_listed = 0;
	j->nlisted = 0;
	j->by_principal = 0;
	j->fail_st = MS_OK;
	j->why[0] = '\0';
	j->why_sso = 0;
	j->disc_st = MS_OK;
	j->disc_why[0] = '\0';
	j->disc_sso = 0;
	for (size_t i = 0; i < j->nnames; i++) {
		j->names[i].asked = 0;
		j->names[i].listed = 0;
	}
}

void
collect__sso_free(struct collect *c)
{
	struct sso_job *j = c->sso;

	if (j == NULL)
		return;
	job_reset(j);
	for (size_t i = 0; i < j->nnames; i++) {
		free(j->names[i].id);
		free(j->names[i].name);
	}
	free(j->names);
	free(j->nhash);
	free(j);
	c->sso = NULL;
}

static uint64_t
name_hash(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id != '\0'; id++) {
		h ^= (unsigned char)*id;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static void
nhash_put(struct sso_job *j, uint32_t i)
{
	size_t mask = j->nhash_cap - 1, k = name_hash(j->names[i].id) & mask;

	while (j->nhash[k] != 0)
		k = (k + 1) & mask;
	j->nhash[k] = i + 1;
}

/* The index of principal id in names, or -1. */
static int64_t
name_find(const struct sso_job *j, const char *id)
{
	size_t mask, k;

	if (j->nhash_cap == 0)
		return -1;
	mask = j->nhash_cap - 1;
	for (k = name_hash(id) & mask; j->nhash[k] != 0; k = (k + 1) & mask) {
		uint32_t i = j->nhash[k] - 1;

		if (strcmp(j->names[i].id, id) == 0)
			return i;
	}
	return -1;
}

/* The index of principal id, added if new. */
static uint32_t
name_add(struct sso_job *j, const char *id, uint8_t type)
{
	int64_t f = name_find(j, id);
	struct sso_name *n;

	if (f >= 0) {
		if (j->names[f].type == SSO_TYPE_UNKNOWN)
			j->names[f].type = type;
		return (uint32_t)f;
	}
	if (j->nnames == j->capnames) {
		j->capnames = j->capnames ? j->capnames * 2 : 32;
		j->names = xreallocarray(j->names, j->capnames, sizeof *j->names);
	}
	n = &j->names[j->nnames];
	memset(n, 0, sizeof *n);
	n->id = xstrdup(id);
	n->type = type;
	if (2 * (j->nnames + 1) > j->nhash_cap) {
		j->nhash_cap = j->nhash_cap ? j->nhash_cap * 2 : 64;
		free(j->nhash);
		j->nhash = xcalloc(j->nhash_cap, sizeof *j->nhash);
		for (uint32_t i = 0; i < j->nnames; i++)
			nhash_put(j, i);
	}
	nhash_put(j, (uint32_t)j->nnames);
	return (uint32_t)j->nnames++;
}

/* The index of a permission set by ARN, or -1. Few permission sets: a linear look. */
static int64_t
ps_find(const struct sso_job *j, const char *arn)
{
	for (size_t i = 0; arn != NULL && i < j->nps; i++) {
		if (strcmp(j->ps[i].arn, arn) == 0)
			return (int64_t)i;
	}
	return -1;
}

/*
 * 1 once asking per principal is known to take fewer requests than asking
 * per (account, permission set): every principal is listed, and there are
 * fewer of them than pairs found so far (or than permission sets, each of
 * which costs a listing). The rest of the per-pair listings is then skipped.
 */
static int
principal_wins(const struct sso_job *j)
{
	return j->users_listed && j->groups_listed && !j->lists_failed &&
	    (j->nlisted < j->npa || j->nlisted < j->nps);
}

/* A failure that makes the whole answer unusable. */
static void
job_fail(struct sso_job *j, enum model_state st, const char *why, int sso_expired)
{
	if (j->fail_st == MS_OK || (st == MS_DENIED && j->fail_st != MS_DENIED)) {
		j->fail_st = st;
		snprintf(j->why, sizeof j->why, "%s", why);
		j->why_sso = sso_expired;
	}
}

/*
 * One account's assignments could not be read (after the client's retries):
 * that account's SSO item fails, the others keep theirs. Before, one failed
 * call of thousands spoiled every account (the fault storm of issue 7 found it).
 */
static void
acct_fail(struct sso_job *j, const char *account, enum model_state st, const char *why)
{
	if (j->nafail == j->capafail) {
		j->capafail = j->capafail ? j->capafail * 2 : 8;
		j->afail = xreallocarray(j->afail, j->capafail, sizeof *j->afail);
	}
	snprintf(j->afail[j->nafail].account, sizeof j->afail[j->nafail].account, "%s", account);
	j->afail[j->nafail].st = st;
	snprintf(j->afail[j->nafail].why, sizeof j->afail[j->nafail].why, "%s", why);
	j->nafail++;
}

static int
acct_fail_cmp(const void *x, const void *y)
{
	const struct sso_acct_fail *a = x, *b = y;

	return memcmp(a->account, b->account, 12);
}

/* Sorts the failures by account and drops repeats (an account fails once per set). */
static void
acct_fail_sort(struct sso_job *j)
{
	size_t n = 0;

	if (j->nafail < 2)
		return;
	qsort(j->afail, j->nafail, sizeof *j->afail, acct_fail_cmp);
	for (size_t i = 0; i < j->nafail; i++) {
		if (n == 0 || memcmp(j->afail[n - 1].account, j->afail[i].account, 12) != 0)
			j->afail[n++] = j->afail[i];
	}
	j->nafail = n;
}

/* The failure of account id, or NULL (after acct_fail_sort()). */
static const struct sso_acct_fail *
acct_failed(const struct sso_job *j, const char *account)
{
	struct sso_acct_fail key;

	if (j->nafail == 0)
		return NULL;
	memcpy(key.account, account, 12);
	return bsearch(&key, j->afail, j->nafail, sizeof *j->afail, acct_fail_cmp);
}

static struct task *
sso_task(struct collect *c, enum sso_step step, int region, int32_t index, const char *arg)
{
	struct task *t = collect__task_new(c, TK_SSO, -1, (unsigned)region, SRC_SSO, LANE_SSO);
	struct sso_job *j = job(c);

	t->step = (uint8_t)step;
	t->index = index;
	if (arg != NULL)
		snprintf(t->arg, sizeof t->arg, "%s", arg);
	j->pending++;
	if (phase1_step(step))
		j->phase1++;
	collect__task_queue(t);
	return t;
}

/* A task of the job ends (its free_data counts it out). */
static void
sso_task_done(struct task *t)
{
	collect__task_finish(t);
}

static void
sso_call(struct task *t, enum ops_id op, cJSON *p, aws_page_cb page, aws_call_cb done)
{
	struct collect *c = t->c;

	if (page != NULL)
		collect__paginate(t, op, c->base, c->caller_account, p, page, done);
	else
		collect__call(t, op, c->base, c->caller_account, p, done);
	cJSON_Delete(p);
}

static cJSON *
instance_params(const struct sso_job *j)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "InstanceArn", j->instance_arn);
	return p;
}

/* ---------------------------------------------------------------- steps */

static int
instances_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct ssoadmin_list_instances_result r;
	struct sso_job *j;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	j = job(t->c);
	if (ssoadmin_list_instances_decode(res->json, &r, &cause) != 0) {
		log_msg(LOG_WARN, "collect: sso-admin ListInstances: %s", cause);
		free(cause);
		return 1;
	}
	if (r.ninstances > 0 && !j->found && r.instances[0].identity_store_id != NULL) {
		j->found = 1;
		j->home = t->region;
		j->instance_arn = xstrdup(r.instances[0].arn);
		j->store_id = xstrdup(r.instances[0].identity_store_id);
		log_msg(LOG_INFO, "collect: Identity Center in %s", t->c->regions[t->region].name);
	}
	ssoadmin_list_instances_result_done(&r);
	return j->found;
}

static void
instances_done(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct collect *c;
	struct sso_job *j;

	if (collect__task_answer(t, res))
		return;
	c = t->c;
	j = job(c);
	if (res->err != AWS_OK && !j->found) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		if (v.requeue && t->requeues < COLLECT_MAX_REQUEUES) {
			collect__task_failed(t, &v);
			return;
		}
		/* Remember the worst: denied beats an error beats "not here". */
		if (v.st == MS_DENIED || (res->err != AWS_ERR_CLIENT && j->disc_st != MS_DENIED)) {
			j->disc_st = v.st;
			snprintf(j->disc_why, sizeof j->disc_why, "%s", v.reason);
		}
	}
	if (j->found && !j->listing) {
		j->listing = 1;
		sso_task(c, SSO_PSETS, j->home, -1, NULL);
		sso_task(c, SSO_LIST_USERS, j->home, -1, NULL);
		sso_task(c, SSO_LIST_GROUPS, j->home, -1, NULL);
	}
	sso_task_done(t);
}

static int
psets_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct ssoadmin_list_permission_sets_result r;
	struct sso_job *j;
	char *cause = NULL;

	if (t->c == NULL)
		return 1;
	j = job(t->c);
	if (ssoadmin_list_permission_sets_decode(res->json, &r, &cause) != 0) {
		job_fail(j, MS_ERROR, cause, 0);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.narns; i++) {
		j->ps = xreallocarray(j->ps, j->nps + 1, sizeof *j->ps);
		j->ps[j->nps].arn = xstrdup(r.arns[i]);
		j->ps[j->nps].name = NULL;
		sso_task(t->c, SSO_DESCRIBE_PS, j->home, (int32_t)j->nps, NULL);
		sso_task(t->c, SSO_PS_ACCOUNTS, j->home, (int32_t)j->nps, NULL);
		j->nps++;
	}
	ssoadmin_list_permission_sets_result_done(&r);
	return 0;
}

static void
describe_ps_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct ssoadmin_describe_permission_set_result r;
	struct sso_job *j;
	char *cause = NULL;

	if (collect__task_answer(t, res))
		return;
	j = job(t->c);
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		collect__task_failed(t, &v);
		return;
	}
	if (ssoadmin_describe_permission_set_decode(res->json, &r, &cause) == 0) {
		free(j->ps[t->index].name);
		j->ps[t->index].name = r.name;
		r.name = NULL;
		ssoadmin_describe_permission_set_result_done(&r);
	} else {
		log_msg(LOG_WARN, "collect: sso-admin DescribePermissionSet: %s", cause);
		free(cause);
	}
	sso_task_done(t);
}

static int
ps_accounts_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct ssoadmin_list_accounts_for_provisioned_permission_set_result r;
	struct collect *c = t->c;
	struct sso_job *j;
	char *cause = NULL;

	if (c == NULL)
		return 1;
	j = job(c);
	if (ssoadmin_list_accounts_for_provisioned_permission_set_decode(res->json, &r, &cause) != 0) {
		job_fail(j, MS_ERROR, cause, 0);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.naccount_ids; i++) {
		struct collect_account *a = collect__acct(c, collect__acct_find(c, r.account_ids[i]));

		if (principal_wins(j))
			break;
		/* An account that left needs nothing; a suspended one keeps its assignments. */
		if (a != NULL && a->phase == AP_GONE)
			continue;
		if (j->npa == j->cappa) {
			j->cappa = j->cappa ? j->cappa * 2 : 256;
			j->pa = xreallocarray(j->pa, j->cappa, sizeof *j->pa);
		}
		memcpy(j->pa[j->npa].account, r.account_ids[i], 13);
		j->pa[j->npa].ps = (uint32_t)t->index;
		j->npa++;
	}
	ssoadmin_list_accounts_for_provisioned_permission_set_result_done(&r);
	return principal_wins(j); /* 1: no more pages needed */
}

/* ListUsers / ListGroups: every principal with its name, so no Describe call is needed. */
static int
principals_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct identitystore_list_result r;
	struct sso_job *j;
	char *cause = NULL;
	int users = t->step == SSO_LIST_USERS;

	if (t->c == NULL)
		return 1;
	j = job(t->c);
	if ((users ? identitystore_list_users_decode(res->json, &r, &cause) :
	    identitystore_list_groups_decode(res->json, &r, &cause)) != 0) {
		log_msg(LOG_WARN, "collect: identitystore %s: %s", res->operation, cause);
		free(cause);
		j->lists_failed = 1;
		return 1;
	}
	for (size_t i = 0; i < r.nitems; i++) {
		uint32_t k = name_add(j, r.items[i].id, users ? MP_USER : MP_GROUP);

		free(j->names[k].name);
		j->names[k].name = r.items[i].name;
		r.items[i].name = NULL;
		if (!j->names[k].listed)
			j->nlisted++;
		j->names[k].listed = 1;
	}
	identitystore_list_result_done(&r);
	return 0;
}

/* One assignment into the job (account, permission set ARN or index, principal). */
static void
assign_add(struct collect *c, struct sso_job *j, const struct ssoadmin_assignment *in,
    int64_t ps)
{
	struct sso_assign *out;
	const struct collect_account *a;
	uint8_t type;
	uint32_t n;

	if (in->principal_id == NULL || in->principal_type == SSOADMIN_PRINCIPAL_UNKNOWN)
		return;
	if (ps < 0)
		ps = ps_find(j, in->permission_set_arn);
	if (ps < 0) {
		/* A permission set ListPermissionSets did not name: keep it by its ARN. */
		if (in->permission_set_arn == NULL)
			return;
		j->ps = xreallocarray(j->ps, j->nps + 1, sizeof *j->ps);
		j->ps[j->nps].arn = xstrdup(in->permission_set_arn);
		j->ps[j->nps].name = NULL;
		ps = (int64_t)j->nps++;
	}
	a = collect__acct(c, collect__acct_find(c, in->account_id));
	if (a != NULL && a->phase == AP_GONE)
		return;
	type = in->principal_type == SSOADMIN_PRINCIPAL_USER ? MP_USER : MP_GROUP;
	n = name_add(j, in->principal_id, type);
	if (j->nas == j->capas) {
		j->capas = j->capas ? j->capas * 2 : 64;
		j->as = xreallocarray(j->as, j->capas, sizeof *j->as);
	}
	out = &j->as[j->nas++];
	memcpy(out->account, in->account_id, 13);
	out->ps = (uint32_t)ps;
	out->type = type;
	out->name = n;
	if (j->names[n].name == NULL && !j->names[n].asked && !j->by_principal) {
		j->names[n].asked = 1;
		sso_task(c, type == MP_USER ? SSO_USER : SSO_GROUP, j->home, -1, in->principal_id);
	}
}

static int
assignments_page(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct ssoadmin_list_account_assignments_result r;
	struct collect *c = t->c;
	struct sso_job *j;
	char *cause = NULL;
	int rc;

	if (c == NULL)
		return 1;
	j = job(c);
	rc = t->step == SSO_FOR_PRINCIPAL ?
	    ssoadmin_list_account_assignments_for_principal_decode(res->json, &r, &cause) :
	    ssoadmin_list_account_assignments_decode(res->json, &r, &cause);
	if (rc != 0) {
		/* Asked per account, only that account is spoiled; per principal, every one. */
		if (t->step == SSO_FOR_PRINCIPAL)
			job_fail(j, MS_ERROR, cause, 0);
		else
			acct_fail(j, t->arg, MS_ERROR, cause);
		free(cause);
		return 1;
	}
	for (size_t i = 0; i < r.nassignments; i++)
		assign_add(c, j, &r.assignments[i], t->step == SSO_FOR_PRINCIPAL ? -1 : t->index);
	ssoadmin_list_account_assignments_result_done(&r);
	return 0;
}

static void
name_cb(const struct aws_result *res, void *arg)
{
	struct task *t = arg;
	struct sso_job *j;
	int64_t k;
	char *cause = NULL, *name = NULL;

	if (collect__task_answer(t, res))
		return;
	j = job(t->c);
	if (res->err == AWS_ERR_THROTTLED && t->requeues < COLLECT_MAX_REQUEUES) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		collect__task_failed(t, &v);
		return;
	}
	if (res->err == AWS_OK) {
		if (t->step == SSO_USER) {
			struct identitystore_describe_user_result r;

			if (identitystore_describe_user_decode(res->json, &r, &cause) == 0) {
				name = r.name;
				r.name = NULL;
				identitystore_describe_user_result_done(&r);
			}
		} else {
			struct identitystore_describe_group_result r;

			if (identitystore_describe_group_decode(res->json, &r, &cause) == 0) {
				name = r.name;
				r.name = NULL;
				identitystore_describe_group_result_done(&r);
			}
		}
		if (cause != NULL) {
			log_msg(LOG_WARN, "collect: identitystore %s: %s", res->operation, cause);
			free(cause);
		}
	}
	/* Unresolved: the assignment shows the id (docs/JSON.md). */
	k = name_find(j, t->arg);
	if (k >= 0 && name != NULL) {
		free(j->names[k].name);
		j->names[k].name = name;
	} else {
		free(name);
	}
	sso_task_done(t);
}

/* The listings' end: an error spoils the whole answer. */
static void
listing_done(const struct aws_result *res, void *arg)
{
	struct task *t = arg;

	if (collect__task_answer(t, res))
		return;
	if (res->err != AWS_OK) {
		struct collect__verdict v;

		collect__verdict(res, 1, &v);
		collect__task_failed(t, &v);
		return;
	}
	if (t->step == SSO_LIST_USERS)
		job(t->c)->users_listed = 1;
	else if (t->step == SSO_LIST_GROUPS)
		job(t->c)->groups_listed = 1;
	sso_task_done(t);
}

/*
 * The first phase is done: the permission sets, the accounts each is
 * provisioned to, and (unless refused) every user and group are known. The
 * assignments come either per (account, permission set) from
 * ListAccountAssignments, or per user and group from
 * ListAccountAssignmentsForPrincipal, whichever takes fewer requests: an
 * organization of many accounts and few principals (the usual shape: access
 * through groups) is read per principal, one with thousands of users and a
 * few accounts per account. Both give exactly the assignments
 * ListAccountAssignments shows (docs/JSON.md).
 */
static void
sso_decide(struct collect *c)
{
	struct sso_job *j = job(c);
	size_t principals = 0;

	if (j->fail_st != MS_OK)
		return;
	for (size_t i = 0; i < j->nnames; i++)
		principals += j->names[i].listed;
	if (!j->lists_failed && (principals < j->npa || principal_wins(j))) {
		j->by_principal = 1;
		for (size_t i = 0; i < j->nnames; i++) {
			const struct sso_name *n = &j->names[i];

			if (n->listed && strlen(n->id) < sizeof(((struct task *)0)->arg))
				sso_task(c, SSO_FOR_PRINCIPAL, j->home, (int32_t)i, n->id);
		}
		log_msg(LOG_DEBUG, "collect: Identity Center: per principal (%zu calls, not %zu)",
		    principals, j->npa);
		return;
	}
	for (size_t i = 0; i < j->npa; i++)
		sso_task(c, SSO_ASSIGNMENTS, j->home, (int32_t)j->pa[i].ps, j->pa[i].account);
	log_msg(LOG_DEBUG, "collect: Identity Center: per account (%zu calls)", j->npa);
}

static void
sso_start_task(struct task *t)
{
	struct collect *c = t->c;
	struct sso_job *j = job(c);
	const struct sso_name *n;
	cJSON *p;

	switch ((enum sso_step)t->step) {
	case SSO_INSTANCES:
		p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "MaxResults", SSOADMIN_MAX_RESULTS);
		sso_call(t, OPS_SSOADMIN_LIST_INSTANCES, p, instances_page, instances_done);
		return;
	case SSO_PSETS:
		p = instance_params(j);
		cJSON_AddNumberToObject(p, "MaxResults", SSOADMIN_MAX_RESULTS);
		sso_call(t, OPS_SSOADMIN_LIST_PERMISSION_SETS, p, psets_page, listing_done);
		return;
	case SSO_DESCRIBE_PS:
		p = instance_params(j);
		cJSON_AddStringToObject(p, "PermissionSetArn", j->ps[t->index].arn);
		sso_call(t, OPS_SSOADMIN_DESCRIBE_PERMISSION_SET, p, NULL, describe_ps_cb);
		return;
	case SSO_PS_ACCOUNTS:
		if (principal_wins(j)) {
			sso_task_done(t); /* not needed: the assignments are asked per principal */
			return;
		}
		p = instance_params(j);
		cJSON_AddStringToObject(p, "PermissionSetArn", j->ps[t->index].arn);
		cJSON_AddNumberToObject(p, "MaxResults", SSOADMIN_MAX_RESULTS);
		sso_call(t, OPS_SSOADMIN_LIST_ACCOUNTS_FOR_PROVISIONED_PERMISSION_SET, p,
		    ps_accounts_page, listing_done);
		return;
	case SSO_LIST_USERS:
	case SSO_LIST_GROUPS:
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "IdentityStoreId", j->store_id);
		cJSON_AddNumberToObject(p, "MaxResults", IDENTITYSTORE_MAX_RESULTS);
		sso_call(t, t->step == SSO_LIST_USERS ? OPS_IDENTITYSTORE_LIST_USERS :
		    OPS_IDENTITYSTORE_LIST_GROUPS, p, principals_page, listing_done);
		return;
	case SSO_ASSIGNMENTS:
		p = instance_params(j);
		cJSON_AddStringToObject(p, "AccountId", t->arg);
		cJSON_AddStringToObject(p, "PermissionSetArn", j->ps[t->index].arn);
		cJSON_AddNumberToObject(p, "MaxResults", SSOADMIN_MAX_RESULTS);
		sso_call(t, OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS, p, assignments_page, listing_done);
		return;
	case SSO_FOR_PRINCIPAL:
		n = &j->names[t->index];
		p = instance_params(j);
		cJSON_AddStringToObject(p, "PrincipalId", n->id);
		cJSON_AddStringToObject(p, "PrincipalType", n->type == MP_USER ? "USER" : "GROUP");
		cJSON_AddNumberToObject(p, "MaxResults", SSOADMIN_MAX_RESULTS);
		sso_call(t, OPS_SSOADMIN_LIST_ACCOUNT_ASSIGNMENTS_FOR_PRINCIPAL, p, assignments_page,
		    listing_done);
		return;
	case SSO_USER:
	case SSO_GROUP:
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "IdentityStoreId", j->store_id);
		cJSON_AddStringToObject(p, t->step == SSO_USER ? "UserId" : "GroupId", t->arg);
		sso_call(t, t->step == SSO_USER ? OPS_IDENTITYSTORE_DESCRIBE_USER :
		    OPS_IDENTITYSTORE_DESCRIBE_GROUP, p, NULL, name_cb);
		return;
	}
}

/*
 * A task gives up: discovery tasks count as "not here"; the principal
 * listings only mean asking by account (and Describe for the names); the
 * others spoil the answer.
 */
static void
sso_fail(struct task *t, const struct collect__verdict *v)
{
	struct sso_job *j = job(t->c);

	if (v->st == MS_THROTTLED)
		return;
	if (t->step == SSO_USER || t->step == SSO_GROUP || t->step == SSO_DESCRIBE_PS)
		return; /* a name we could not read: the id (or the ARN) stands in for it */
	if (t->step == SSO_LIST_USERS || t->step == SSO_LIST_GROUPS) {
		log_msg(LOG_INFO, "collect: Identity Center: %s: %s: asking per account",
		    t->step == SSO_LIST_USERS ? "ListUsers" : "ListGroups", v->reason);
		j->lists_failed = 1;
		return;
	}
	if (t->step == SSO_INSTANCES) {
		if (j->disc_st != MS_DENIED) {
			j->disc_st = v->st;
			snprintf(j->disc_why, sizeof j->disc_why, "%s", v->reason);
			j->disc_sso = v->sso_expired;
		}
		return;
	}
	if (t->step == SSO_ASSIGNMENTS && !v->sso_expired && !v->creds_failed &&
	    v->st != MS_DENIED) {
		acct_fail(j, t->arg, v->st, v->reason);
		return;
	}
	job_fail(j, v->st, v->reason, v->sso_expired);
}

/* Every SSO task ends here (finished or failed): the job ends with its last task. */
static void
sso_free_data(struct task *t)
{
	struct collect *c = t->c;
	struct sso_job *j;

	if (c == NULL || c->stopping || c->sso == NULL)
		return;
	j = c->sso;
	if (phase1_step(t->step) && --j->phase1 == 0)
		sso_decide(c);
	if (--j->pending == 0)
		sso_finish_job(c);
}

const struct task_ops collect__sso_ops = {
	.name = "Identity Center",
	.start = sso_start_task,
	.fail = sso_fail,
	.free_data = sso_free_data,
};

/* --------------------------------------------------------------- the job */

/*
 * Discovery found nothing in the first region: ask every other region the
 * caller's account has enabled, in parallel. Returns the calls started, or
 * -1 when the caller's regions are not known yet.
 */
static int
sso_discover_more(struct collect *c)
{
	struct sso_job *j = job(c);
	struct collect_account *own = collect__acct(c, collect__acct_find(c, c->caller_account));
	int n = 0;

	if (own == NULL || own->phase == AP_NEW || own->phase == AP_PREP) {
		j->waiting_regions = 1;
		return -1;
	}
	j->waiting_regions = 0;
	if (!own->regions_known)
		return 0;
	for (unsigned r = 1; r < c->nregions; r++) {
		if ((int)r != j->first && regmask_test(&own->enabled, r)) {
			sso_task(c, SSO_INSTANCES, (int)r, -1, NULL);
			n++;
		}
	}
	return n;
}

void
collect__sso_regions_known(struct collect *c)
{
	struct sso_job *j = c->sso;

	if (j == NULL || !j->running || !j->waiting_regions)
		return;
	if (sso_discover_more(c) == 0 && j->pending == 0)
		sso_finish_job(c);
}

/* Every call is done: keep the answer, apply it when the walk is done. */
static void
sso_finish_job(struct collect *c)
{
	struct sso_job *j = job(c);

	if (!j->found && c->sso_region == NULL && !j->expanded) {
		j->expanded = 1;
		if (sso_discover_more(c) != 0)
			return; /* more to ask, or waiting for the caller's regions */
	}
	if (!j->found) {
		if (j->disc_st == MS_DENIED || j->disc_st == MS_ERROR)
			job_fail(j, j->disc_st, j->disc_why, j->disc_sso);
		else
			job_fail(j, MS_DISABLED, "IAM Identity Center not enabled", 0);
	}
	j->have_result = 1;
	collect__sso_apply(c);
}

static int
assign_cmp(const void *x, const void *y)
{
	const struct sso_assign *a = x, *b = y;
	int d = memcmp(a->account, b->account, 12);

	if (d != 0)
		return d;
	if (a->ps != b->ps)
		return a->ps < b->ps ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return a->name < b->name ? -1 : a->name > b->name;
}

/* Sorts by account and drops repeats (the same assignment seen twice). */
static void
assign_sort_unique(struct sso_job *j)
{
	size_t n = 0;

	if (j->nas < 2)
		return;
	qsort(j->as, j->nas, sizeof *j->as, assign_cmp);
	for (size_t i = 0; i < j->nas; i++) {
		if (n > 0 && assign_cmp(&j->as[n - 1], &j->as[i]) == 0)
			continue;
		j->as[n++] = j->as[i];
	}
	j->nas = n;
}

/* The first assignment of account id in the sorted list. */
static size_t
assign_first(const struct sso_job *j, const char *id)
{
	size_t lo = 0, hi = j->nas;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(j->as[mid].account, id, 12) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One account's assignments for the model (interned strings). */
static void
apply_account(struct collect *c, struct sso_job *j, const struct collect_account *a, double now)
{
	struct model_assignment *out = NULL;
	size_t from = assign_first(j, a->id), to = from, n = 0;

	while (to < j->nas && memcmp(j->as[to].account, a->id, 12) == 0)
		to++;
	if (to > from)
		out = xcalloc(to - from, sizeof *out);
	for (size_t q = from; q < to; q++) {
		const struct sso_assign *s = &j->as[q];
		const struct sso_name *nm = &j->names[s->name];
		const struct sso_ps *ps = &j->ps[s->ps];
		const char *psname = ps->name;

		if (psname == NULL) {
			const char *slash = strrchr(ps->arn, '/');

			psname = slash != NULL ? slash + 1 : ps->arn;
		}
		out[n].permission_set = model_intern(c->m, psname);
		out[n].principal_type = s->type;
		out[n].principal = model_intern(c->m, nm->name != NULL ? nm->name : nm->id);
		out[n].principal_id = model_intern(c->m, nm->id);
		n++;
	}
	model_set_sso(c->m, (size_t)a->model, out, n, now);
}

/* The job's answer for one account: its assignments, or why there are none. */
static void
sso_apply_one(struct collect *c, struct sso_job *j, const struct collect_account *a, double now)
{
	const struct sso_acct_fail *f = acct_failed(j, a->id);

	if (j->fail_st != MS_OK)
		model_set_state(c->m, (size_t)a->model, -1, MI_SSO, j->fail_st, j->why, now);
	else if (f != NULL)
		model_set_state(c->m, (size_t)a->model, -1, MI_SSO, f->st, f->why, now);
	else
		apply_account(c, j, a, now);
}

void
collect__sso_apply(struct collect *c)
{
	struct sso_job *j = c->sso;
	double now = util_now();

	if (j == NULL || j->have_result != 1 || c->walking)
		return;
	j->have_result = 0;
	j->applied = 1;
	log_msg(LOG_DEBUG, "collect: Identity Center: %zu assignments, %zu permission sets",
	    j->nas, j->nps);
	if (j->fail_st == MS_OK)
		assign_sort_unique(j);
	acct_fail_sort(j);
	/* Every account the walk found, suspended ones too: Identity Center keeps theirs. */
	for (size_t i = 0; i < c->naccts; i++) {
		const struct collect_account *a = &c->accts[i];

		if (a->model < 0 || a->phase == AP_GONE)
			continue;
		sso_apply_one(c, j, a, now);
	}
	if (j->fail_st == MS_OK && j->nafail > 0)
		collect__msg(c, LOG_WARN, "Identity Center assignments of %zu account%s could not "
		    "be read: %s", j->nafail, j->nafail == 1 ? "" : "s", j->afail[0].why);
	/* An expired SSO session is said once, by collect__task_failed(), not again here. */
	if (j->fail_st != MS_OK && j->fail_st != MS_DISABLED && !(j->why_sso && c->sso_expired_said))
		collect__msg(c, LOG_WARN, "Identity Center assignments: %s", j->why);
	if (j->running) {
		j->running = 0;
		collect__work_done(c, SRC_SSO, 1);
	}
}

void
collect__sso_account(struct collect *c, int32_t i)
{
	struct sso_job *j = c->sso;
	const struct collect_account *a = collect__acct(c, i);

	if (j == NULL || !j->applied || a == NULL || a->model < 0 || a->phase == AP_GONE)
		return;
	sso_apply_one(c, j, a, util_now());
}

void
collect__sso_start(struct collect *c)
{
	struct sso_job *j = job(c);
	const char *home;
	int r;

	if (c->identity_state != 1) {
		c->after_identity |= SRCBIT(SRC_SSO);
		return;
	}
	if (j->running)
		return;
	job_reset(j);
	j->running = 1;
	collect__work_add(c, SRC_SSO, 1);
	home = c->sso_region != NULL ? c->sso_region : aws_client_region(c->client);
	r = collect__region_id(c, home);
	if (r <= 0) {
		job_fail(j, MS_ERROR, "no region to find Identity Center in", 0);
		j->have_result = 1;
		collect__sso_apply(c);
		return;
	}
	j->first = r;
	sso_task(c, SSO_INSTANCES, r, -1, NULL);
}
