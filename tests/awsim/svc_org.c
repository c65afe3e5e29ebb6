/*
 * svc_org.c: AWS Organizations (json 1.1, AWSOrganizationsV20161128).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

#define ORG_MAX_RESULTS 20

static int
org_may_list(struct call *c)
{
	if (svc_is_mgmt(c) || svc_is_admin(c))
		return 1;
	call_error(c, 400, "AccessDeniedException", "You don't have permissions to access this resource.");
	return 0;
}

static const char *
org_mgmt_id(const struct call *c)
{
	return c->org->accounts[c->org->mgmt].id;
}

static void
org_write_account(struct call *c, struct jw *w, int a)
{
	const struct org *o = c->org;
	const struct org_account *ac = &o->accounts[a];
	const char *st = org_status_name(ac->status);
	char arn[160];

	snprintf(arn, sizeof(arn), "arn:aws:organizations::%s:account/%s/%s", org_mgmt_id(c), o->id,
	    ac->id);
	jw_obj(w);
	jw_kstr(w, "Id", ac->id);
	jw_kstr(w, "Arn", arn);
	jw_kstr(w, "Email", ac->email);
	jw_kstr(w, "Name", ac->name);
	jw_kstr(w, "Status", ac->status == ORG_CLOSED ? "SUSPENDED" : st);
	jw_kstr(w, "State", st);
	jw_kstr(w, "JoinedMethod", a == o->mgmt ? "INVITED" : "CREATED");
	jw_ktime(w, "JoinedTimestamp", ac->joined);
	jw_end(w);
}

static void
org_describe_organization(struct call *c)
{
	const struct org *o = c->org;
	struct jw w;
	char buf[200];

	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Organization");
	jw_obj(&w);
	jw_kstr(&w, "Id", o->id);
	snprintf(buf, sizeof(buf), "arn:aws:organizations::%s:organization/%s", org_mgmt_id(c), o->id);
	jw_kstr(&w, "Arn", buf);
	jw_kstr(&w, "FeatureSet", "ALL");
	snprintf(buf, sizeof(buf), "arn:aws:organizations::%s:account/%s/%s", org_mgmt_id(c), o->id,
	    org_mgmt_id(c));
	jw_kstr(&w, "MasterAccountArn", buf);
	jw_kstr(&w, "MasterAccountId", org_mgmt_id(c));
	jw_kstr(&w, "MasterAccountEmail", o->accounts[o->mgmt].email);
	jw_key(&w, "AvailablePolicyTypes");
	jw_raw(&w, "[{\"Type\":\"SERVICE_CONTROL_POLICY\",\"Status\":\"ENABLED\"}]");
	jw_end(&w);
	jw_end(&w);
}

static void
org_list_roots(struct call *c)
{
	const struct org *o = c->org;
	struct jw w;
	struct page p;
	long long max;
	char arn[200];

	if (!org_may_list(c) || call_int(c, "MaxResults", 1, ORG_MAX_RESULTS, 0, &max) < 0 ||
	    page_parse(c, call_str(c, "NextToken"), 1, &p) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Roots");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "Id", o->root_id);
	snprintf(arn, sizeof(arn), "arn:aws:organizations::%s:root/%s/%s", org_mgmt_id(c), o->id,
	    o->root_id);
	jw_kstr(&w, "Arn", arn);
	jw_kstr(&w, "Name", o->root_name);
	jw_key(&w, "PolicyTypes");
	jw_raw(&w, "[{\"Type\":\"SERVICE_CONTROL_POLICY\",\"Status\":\"ENABLED\"}]");
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
}

/* Answers ParentNotFoundException / ChildNotFoundException; returns the OU index or -1. */
static int
org_parent(struct call *c, const char *member, int *out)
{
	const char *id = call_str(c, member);
	int ou;

	if (!id) {
		call_missing(c, member);
		return -1;
	}
	if (strncmp(id, "r-", 2) != 0 && strncmp(id, "ou-", 3) != 0) {
		call_error_x(c, 400, "InvalidInputException", "\"Reason\":\"INVALID_PATTERN_TARGET_ID\"",
		    "You specified a value that is not valid for %s.", member);
		return -1;
	}
	ou = org_ou_find(c->org, id);
	if (ou < 0) {
		call_error(c, 400, "ParentNotFoundException",
		    "We can't find a root or OU with the ParentId that you specified.");
		return -1;
	}
	*out = ou;
	return 0;
}

/*
 * The shared shape of the Organizations list calls: items [cursor, n), a page
 * of at most size, sometimes an empty page with a token.
 */
struct org_list {
	struct page p;
	uint64_t phash;
	int size;
};

static int
org_list_begin(struct call *c, struct org_list *l, uint64_t phash)
{
	long long max;

	if (call_int(c, "MaxResults", 1, ORG_MAX_RESULTS, 0, &max) < 0)
		return -1;
	l->phash = phash;
	l->size = page_size(c, max, ORG_MAX_RESULTS);
	return page_parse(c, call_str(c, "NextToken"), phash, &l->p);
}

/* Writes NextToken for the position next (n items in all). */
static void
org_list_end(struct call *c, struct jw *w, struct org_list *l, uint32_t next, uint32_t n)
{
	struct page np;
	char *tok;

	if (next >= n)
		return;
	memset(&np, 0, sizeof(np));
	np.a = next;
	np.page = l->p.page + 1;
	if (!(l->p.flags & PAGE_EMPTY) && page_empty_next(c, l->phash, l->p.page))
		np.flags = PAGE_EMPTY;
	tok = page_token(c, l->phash, &np);
	jw_kstr(w, "NextToken", tok);
	free(tok);
}

static void
org_list_ous(struct call *c)
{
	const struct org *o = c->org;
	struct org_list l;
	struct jw w;
	int parent, k, emitted = 0;
	uint32_t i;
	char arn[200];

	if (!org_may_list(c) || org_parent(c, "ParentId", &parent) < 0 ||
	    org_list_begin(c, &l, rnd_str(0, o->ous[parent].id)) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "OrganizationalUnits");
	jw_arr(&w);
	i = l.p.a;
	if (!(l.p.flags & PAGE_EMPTY)) {
		for (; i < (uint32_t)o->nous && emitted < l.size; i++) {
			const struct org_ou *ou = &o->ous[i];
			if (ou->parent != parent)
				continue;
			jw_obj(&w);
			jw_kstr(&w, "Id", ou->id);
			snprintf(arn, sizeof(arn), "arn:aws:organizations::%s:ou/%s/%s", org_mgmt_id(c),
			    o->id, ou->id);
			jw_kstr(&w, "Arn", arn);
			jw_kstr(&w, "Name", ou->name);
			jw_end(&w);
			emitted++;
		}
		/* Skip to the next child so the last page carries no token. */
		for (k = (int)i; k < o->nous && o->ous[k].parent != parent; k++)
			;
		i = (uint32_t)k;
	}
	jw_end(&w);
	org_list_end(c, &w, &l, i, (uint32_t)o->nous);
	jw_end(&w);
}

static void
org_list_accounts_for_parent(struct call *c)
{
	const struct org *o = c->org;
	struct org_list l;
	struct jw w;
	int parent, n;
	uint32_t i;

	if (!org_may_list(c) || org_parent(c, "ParentId", &parent) < 0 ||
	    org_list_begin(c, &l, rnd_str(0, o->ous[parent].id)) < 0)
		return;
	n = o->ou_nacc[parent];
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Accounts");
	jw_arr(&w);
	i = l.p.a;
	if (!(l.p.flags & PAGE_EMPTY))
		for (; i < (uint32_t)n && (int)(i - l.p.a) < l.size; i++)
			org_write_account(c, &w, o->ou_acc[parent][i]);
	jw_end(&w);
	org_list_end(c, &w, &l, i, (uint32_t)n);
	jw_end(&w);
}

static void
org_list_accounts(struct call *c)
{
	const struct org *o = c->org;
	struct org_list l;
	struct jw w;
	uint32_t i;

	if (!org_may_list(c) || org_list_begin(c, &l, 2) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Accounts");
	jw_arr(&w);
	i = l.p.a;
	if (!(l.p.flags & PAGE_EMPTY))
		for (; i < (uint32_t)o->naccounts && (int)(i - l.p.a) < l.size; i++)
			org_write_account(c, &w, (int)i);
	jw_end(&w);
	org_list_end(c, &w, &l, i, (uint32_t)o->naccounts);
	jw_end(&w);
}

static void
org_list_parents(struct call *c)
{
	const struct org *o = c->org;
	const char *id = call_str(c, "ChildId");
	struct org_list l;
	struct jw w;
	int parent = -1, a, ou;

	if (!org_may_list(c))
		return;
	if (!id) {
		call_missing(c, "ChildId");
		return;
	}
	a = org_account_find(o, id);
	if (a >= 0)
		parent = o->accounts[a].ou;
	else if ((ou = org_ou_find(o, id)) >= 0 && o->ous[ou].parent >= 0)
		parent = o->ous[ou].parent;
	if (parent < 0) {
		call_error(c, 400, "ChildNotFoundException",
		    "We can't find an organizational unit (OU) or AWS account with the ChildId that "
		    "you specified.");
		return;
	}
	if (org_list_begin(c, &l, rnd_str(0, id)) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Parents");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "Id", o->ous[parent].id);
	jw_kstr(&w, "Type", o->ous[parent].parent < 0 ? "ROOT" : "ORGANIZATIONAL_UNIT");
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
}

static void
org_list_children(struct call *c)
{
	const struct org *o = c->org;
	const char *type = call_str(c, "ChildType");
	struct org_list l;
	struct jw w;
	int parent, accounts;
	uint32_t i, n;

	if (!org_may_list(c) || org_parent(c, "ParentId", &parent) < 0)
		return;
	if (!type) {
		call_missing(c, "ChildType");
		return;
	}
	accounts = strcmp(type, "ACCOUNT") == 0;
	if (!accounts && strcmp(type, "ORGANIZATIONAL_UNIT") != 0) {
		call_error_x(c, 400, "InvalidInputException", "\"Reason\":\"INVALID_ENUM\"",
		    "You specified an invalid value for ChildType.");
		return;
	}
	if (org_list_begin(c, &l, rnd_str(rnd_str(0, type), o->ous[parent].id)) < 0)
		return;
	n = accounts ? (uint32_t)o->ou_nacc[parent] : (uint32_t)o->nous;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Children");
	jw_arr(&w);
	i = l.p.a;
	if (!(l.p.flags & PAGE_EMPTY)) {
		int emitted = 0;
		for (; i < n && emitted < l.size; i++) {
			const char *id;
			if (accounts)
				id = o->accounts[o->ou_acc[parent][i]].id;
			else if (o->ous[i].parent == parent)
				id = o->ous[i].id;
			else
				continue;
			jw_obj(&w);
			jw_kstr(&w, "Id", id);
			jw_kstr(&w, "Type", type);
			jw_end(&w);
			emitted++;
		}
		if (!accounts)
			while (i < n && o->ous[i].parent != parent)
				i++;
	}
	jw_end(&w);
	org_list_end(c, &w, &l, i, n);
	jw_end(&w);
}

static void
org_describe_account(struct call *c)
{
	const char *id = call_str(c, "AccountId");
	struct jw w;
	int a;

	if (!org_may_list(c))
		return;
	if (!id) {
		call_missing(c, "AccountId");
		return;
	}
	a = org_account_find(c->org, id);
	if (a < 0) {
		call_error(c, 400, "AccountNotFoundException",
		    "You specified an account that doesn't exist.");
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Account");
	org_write_account(c, &w, a);
	jw_end(&w);
}

static void
org_list_delegated_admins(struct call *c)
{
	const struct org *o = c->org;
	const char *sp = call_str(c, "ServicePrincipal");
	struct org_list l;
	struct jw w;
	int match;

	if (!svc_is_mgmt(c)) {
		call_error(c, 400, "AccessDeniedException",
		    "You don't have permissions to access this resource.");
		return;
	}
	if (org_list_begin(c, &l, rnd_str(0, sp ? sp : "")) < 0)
		return;
	match = o->security >= 0 && (!sp || strcmp(sp, "config.amazonaws.com") == 0 ||
	    strcmp(sp, "guardduty.amazonaws.com") == 0 || strcmp(sp, "securityhub.amazonaws.com") == 0);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "DelegatedAdministrators");
	jw_arr(&w);
	if (match) {
		size_t len = c->out.len;
		org_write_account(c, &w, o->security);
		/* add DelegationEnabledDate inside the object just written */
		c->out.len = len + (c->out.len - len) - 1;
		c->out.data[c->out.len] = 0;
		buf_printf(&c->out, ",\"DelegationEnabledDate\":%.3f}", o->accounts[o->security].joined + 86400);
	}
	jw_end(&w);
	jw_end(&w);
}

static struct op_def org_ops[] = {
	{.name = "DescribeOrganization", .fn = org_describe_organization},
	{.name = "ListRoots", .fn = org_list_roots},
	{.name = "ListOrganizationalUnitsForParent", .fn = org_list_ous},
	{.name = "ListAccountsForParent", .fn = org_list_accounts_for_parent},
	{.name = "ListAccounts", .fn = org_list_accounts},
	{.name = "ListParents", .fn = org_list_parents},
	{.name = "ListChildren", .fn = org_list_children},
	{.name = "DescribeAccount", .fn = org_describe_account},
	{.name = "ListDelegatedAdministrators", .fn = org_list_delegated_admins},
};

const struct svc_def svc_organizations = {
	.name = "organizations",
	.scope = "organizations",
	.proto = PROTO_JSON,
	.target = "AWSOrganizationsV20161128",
	.global = 1,
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "TooManyRequestsException",
	.throttle_msg = "AWS Organizations can't complete your request because another request is "
	    "already in progress. Try again later.",
	.validation_code = "InvalidInputException",
	.token_code = "InvalidInputException",
	.ops = org_ops,
	.nops = (int)(sizeof(org_ops) / sizeof(org_ops[0])),
};
