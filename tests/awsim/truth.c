/*
 * truth.c: --dump-truth and GET /_awsim/truth.
 */
#include "tests/awsim/truth.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/jw.h"

static double
cents(double v)
{
	return round(v * 100.0) / 100.0;
}

static const struct org *sort_org;

static int
cmp_ou_path(const void *a, const void *b)
{
	return strcmp(sort_org->ous[*(const int *)a].path, sort_org->ous[*(const int *)b].path);
}

static int
cmp_region(const void *a, const void *b)
{
	return strcmp(sort_org->regions[*(const int *)a].name, sort_org->regions[*(const int *)b].name);
}

struct tassign {
	const char *pset;
	const char *ptype;
	const char *principal;
};

static int
cmp_assign(const void *a, const void *b)
{
	const struct tassign *x = a, *y = b;
	int r = strcmp(x->pset, y->pset);

	if (!r)
		r = strcmp(x->ptype, y->ptype);
	if (!r)
		r = strcmp(x->principal, y->principal);
	return r;
}

static int
cmp_budget(const void *a, const void *b)
{
	return strcmp(((const struct org_budget *)a)->name, ((const struct org_budget *)b)->name);
}

/* The region indices of the truth, sorted by name. */
static int
truth__regions(const struct org *o, const char *spec, int *out)
{
	uint64_t union_mask = 0, sel = 0;
	int a, r, n = 0;

	for (a = 0; a < o->naccounts; a++)
		if (o->accounts[a].status == ORG_ACTIVE)
			union_mask |= o->accounts[a].enabled;
	if (!spec || !*spec)
		sel = union_mask;
	else {
		char *copy = xstrdup(spec), *p = copy, *comma;
		for (; p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			if (comma)
				*comma = 0;
			if (!*p)
				continue;
			if (strpbrk(p, "*?[")) {
				for (r = 0; r < o->nregions; r++)
					if ((union_mask >> r & 1) && fnmatch(p, o->regions[r].name, 0) == 0)
						sel |= 1ULL << r;
			} else {
				r = org_region_find(o, p);
				if (r >= 0)
					sel |= 1ULL << r;
			}
		}
		free(copy);
	}
	for (r = 0; r < o->nregions; r++)
		if (sel >> r & 1)
			out[n++] = r;
	sort_org = o;
	qsort(out, (size_t)n, sizeof(int), cmp_region);
	return n;
}

static void
truth__state(struct jw *w, const char *state, const char *reason)
{
	jw_obj(w);
	jw_kstr(w, "state", state);
	if (reason)
		jw_kstr(w, "reason", reason);
	jw_end(w);
}

static void
truth__cells(struct awsim *sim, const struct truth_opts *opts, struct jw *w, int a,
    const int *regs, int nregs, const char *access_deny, const char *role)
{
	const struct org *o = sim->org;
	const struct org_account *ac = &o->accounts[a];
	static __thread struct org_finding f[ORG_MAX_FINDINGS];
	char reason[512];
	int i, j;

	jw_key(w, "cells");
	jw_obj(w);
	for (i = 0; i < nregs; i++) {
		int r = regs[i];
		jw_key(w, o->regions[r].name);
		jw_obj(w);
		if (ac->status != ORG_ACTIVE) {
			snprintf(reason, sizeof(reason), "account %s", org_status_name(ac->status));
			jw_key(w, "config");
			truth__state(w, "disabled", reason);
			jw_key(w, "guardduty");
			truth__state(w, "disabled", reason);
		} else if (access_deny) {
			jw_key(w, "config");
			truth__state(w, "denied", access_deny);
			jw_key(w, "guardduty");
			truth__state(w, "denied", access_deny);
		} else if (!org_region_enabled(o, a, r)) {
			jw_key(w, "config");
			truth__state(w, "region_off", "region not enabled");
			jw_key(w, "guardduty");
			truth__state(w, "region_off", "region not enabled");
		} else if (org_scp_denies(o, a, r)) {
			const char *sess = opts->session ? opts->session : "orgtop";
			snprintf(reason, sizeof(reason),
			    "User: arn:aws:sts::%s:assumed-role/%s/%s is not authorized to perform: "
			    "config:GetComplianceSummaryByConfigRule with an explicit deny in a service "
			    "control policy", ac->id, role, sess);
			jw_key(w, "config");
			truth__state(w, "denied", reason);
			snprintf(reason, sizeof(reason),
			    "User: arn:aws:sts::%s:assumed-role/%s/%s is not authorized to perform: "
			    "guardduty:ListDetectors with an explicit deny in a service control policy",
			    ac->id, role, sess);
			jw_key(w, "guardduty");
			truth__state(w, "denied", reason);
		} else {
			int comp, nc, n;
			jw_key(w, "config");
			if (org_config_enabled(o, a, r)) {
				org_cell_counts(o, a, r, &comp, &nc);
				jw_obj(w);
				jw_kstr(w, "state", "ok");
				jw_kint(w, "compliant", comp > ORG_CAP ? ORG_CAP : comp);
				jw_kint(w, "noncompliant", nc > ORG_CAP ? ORG_CAP : nc);
				if (comp > ORG_CAP || nc > ORG_CAP)
					jw_kbool(w, "capped", 1);
				jw_end(w);
			} else
				truth__state(w, "disabled", "no Config rules");
			jw_key(w, "guardduty");
			if (org_gd_enabled(o, a, r)) {
				long long band[4] = {0, 0, 0, 0};
				double max = 0;
				n = org_cell_findings(o, a, r, f, ORG_MAX_FINDINGS);
				for (j = 0; j < n; j++) {
					double s = f[j].severity;
					if (f[j].archived)
						continue;
					band[s < 4.0 ? 0 : s < 7.0 ? 1 : s < 9.0 ? 2 : 3]++;
					if (s > max)
						max = s;
				}
				jw_obj(w);
				jw_kstr(w, "state", "ok");
				jw_kint(w, "low", band[0]);
				jw_kint(w, "medium", band[1]);
				jw_kint(w, "high", band[2]);
				jw_kint(w, "critical", band[3]);
				jw_key(w, "max_severity");
				jw_dbl(w, max, 0);
				jw_end(w);
			} else
				truth__state(w, "disabled", "GuardDuty not enabled");
		}
		jw_key(w, "spend");
		jw_dbl(w, (double)org_cell_spend(o, a, r) / 100.0, 0);
		jw_kstr(w, "spend_state", "ok");
		jw_end(w);
	}
	jw_end(w);
}

static void
truth__budget(struct awsim *sim, struct jw *w, int a)
{
	struct org_budget b[ORG_MAX_BUDGETS];
	int n = org_account_budgets(sim->org, a, b, ORG_MAX_BUDGETS), i;
	double v;

	qsort(b, (size_t)n, sizeof(b[0]), cmp_budget);
	jw_obj(w);
	jw_kstr(w, "state", "ok");
	jw_key(w, "budgets");
	jw_arr(w);
	for (i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "name", b[i].name);
		v = strtod(b[i].limit, NULL);
		jw_key(w, "limit");
		jw_dbl(w, cents(v), 0);
		v = strtod(b[i].actual, NULL);
		jw_key(w, "actual");
		jw_dbl(w, cents(v), 0);
		if (b[i].forecast[0]) {
			v = strtod(b[i].forecast, NULL);
			jw_key(w, "forecast");
			jw_dbl(w, cents(v), 0);
		}
		jw_kstr(w, "unit", b[i].unit);
		jw_kstr(w, "time_unit", b[i].time_unit);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void
truth__sso(struct awsim *sim, struct jw *w, int a)
{
	const struct org *o = sim->org;
	struct org_assign as[ORG_MAX_ASSIGN];
	struct tassign t[ORG_MAX_ASSIGN];
	int n = org_account_assignments(o, a, as, ORG_MAX_ASSIGN), i, m = 0;

	for (i = 0; i < n; i++) {
		const struct org_principal *p = as[i].ptype == ORG_USER ? &o->users[as[i].principal] :
		    &o->groups[as[i].principal];
		int k, dup = 0;
		t[m].pset = o->psets[as[i].pset].name;
		t[m].ptype = as[i].ptype == ORG_USER ? "USER" : "GROUP";
		t[m].principal = p->name;
		for (k = 0; k < m; k++)
			dup |= cmp_assign(&t[k], &t[m]) == 0;
		if (!dup)
			m++;
	}
	qsort(t, (size_t)m, sizeof(t[0]), cmp_assign);
	jw_obj(w);
	jw_kstr(w, "state", "ok");
	jw_key(w, "assignments");
	jw_arr(w);
	for (i = 0; i < m; i++) {
		jw_obj(w);
		jw_kstr(w, "permission_set", t[i].pset);
		jw_kstr(w, "principal_type", t[i].ptype);
		jw_kstr(w, "principal", t[i].principal);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

void
truth_write(struct awsim *sim, const struct truth_opts *opts, struct buf *out)
{
	struct org *o = sim->org;
	const char *role = opts->role ? opts->role : "OrganizationAccountAccessRole";
	int regs[ORG_MAX_REGIONS], nregs, *ous, i, k;
	char iso[32], deny[512], status_reason[64];
	struct jw w;

	pthread_rwlock_rdlock(&o->lock);
	nregs = truth__regions(o, opts->regions, regs);
	jw_init(&w, out, 1);
	jw_obj(&w);
	jw_kstr(&w, "schema", "orgtop/1");
	iso_s(util_now(), iso, sizeof(iso));
	jw_kstr(&w, "generated_at", iso);
	jw_key(&w, "organization");
	jw_obj(&w);
	jw_kstr(&w, "id", o->id);
	jw_kstr(&w, "management_account_id", o->accounts[o->mgmt].id);
	jw_end(&w);
	jw_kstr(&w, "currency", o->currency);
	jw_key(&w, "regions");
	jw_arr(&w);
	for (i = 0; i < nregs; i++)
		jw_str(&w, o->regions[regs[i]].name);
	jw_end(&w);
	jw_key(&w, "ous");
	jw_arr(&w);
	ous = xreallocarray(NULL, (size_t)o->nous + 1, sizeof(int));
	for (i = 0; i < o->nous; i++)
		ous[i] = i;
	sort_org = o;
	qsort(ous, (size_t)o->nous, sizeof(int), cmp_ou_path);
	for (i = 0; i < o->nous; i++) {
		const struct org_ou *ou = &o->ous[ous[i]];
		jw_obj(&w);
		jw_kstr(&w, "id", ou->id);
		jw_kstr(&w, "name", ou->name);
		jw_kstr(&w, "path", ou->path);
		jw_key(&w, "parent");
		if (ou->parent < 0)
			jw_null(&w);
		else
			jw_str(&w, o->ous[ou->parent].id);
		jw_end(&w);
	}
	free(ous);
	jw_end(&w);
	jw_key(&w, "accounts");
	jw_arr(&w);
	for (k = 0; k < o->naccounts; k++) {
		int a = o->by_id[k];
		const struct org_account *ac = &o->accounts[a];
		const char *ext = NULL, *access_deny = NULL;
		int active = ac->status == ORG_ACTIVE;

		jw_obj(&w);
		jw_kstr(&w, "id", ac->id);
		jw_kstr(&w, "name", ac->name);
		jw_kstr(&w, "email", ac->email);
		jw_kstr(&w, "status", org_status_name(ac->status));
		jw_kstr(&w, "ou_id", o->ous[ac->ou].id);
		jw_kstr(&w, "ou_path", o->ous[ac->ou].path);
		if (ac->joined > 0) {
			iso_s(ac->joined, iso, sizeof(iso));
			jw_kstr(&w, "joined", iso);
		}
		snprintf(status_reason, sizeof(status_reason), "account %s", org_status_name(ac->status));
		jw_key(&w, "access");
		if (!active)
			truth__state(&w, "disabled", status_reason);
		else if (a == o->mgmt)
			truth__state(&w, "ok", NULL);
		else if (!org_role_lookup(o, a, role, &ext) || ext) {
			snprintf(deny, sizeof(deny), "User: arn:aws:iam::%s:user/%s is not authorized to "
			    "perform: sts:AssumeRole on resource: arn:aws:iam::%s:role/%s",
			    o->accounts[o->mgmt].id, o->admin_user, ac->id, role);
			access_deny = deny;
			truth__state(&w, "denied", deny);
		} else {
			jw_obj(&w);
			jw_kstr(&w, "state", "ok");
			jw_kstr(&w, "role", role);
			jw_end(&w);
		}
		jw_key(&w, "budget");
		if (!active)
			truth__state(&w, "disabled", status_reason);
		else if (access_deny)
			truth__state(&w, "denied", access_deny);
		else
			truth__budget(sim, &w, a);
		/* Identity Center keeps a suspended account's assignments (docs/JSON.md). */
		jw_key(&w, "sso");
		if (!o->sso_enabled)
			truth__state(&w, "disabled", "IAM Identity Center not enabled");
		else
			truth__sso(sim, &w, a);
		truth__cells(sim, opts, &w, a, regs, nregs, access_deny, role);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	buf_addc(out, '\n');
	pthread_rwlock_unlock(&o->lock);
}
