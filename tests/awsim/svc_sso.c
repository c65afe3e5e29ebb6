/*
 * svc_sso.c: IAM Identity Center: SSO Admin (json 1.1, SWBExternalService,
 * signing name "sso"), Identity Store (json 1.1) in the home region only,
 * and the SSO portal (rest-json, unsigned, bearer token).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

/* Management account, home region, Identity Center on. -1 after answering. */
static int
sso_check(struct call *c, const char *action)
{
	const struct org *o = c->org;

	if (!svc_is_mgmt(c)) {
		svc_denied(c, action);
		return -1;
	}
	if (!o->sso_enabled || c->region != o->sso_region) {
		call_error(c, 400, "ResourceNotFoundException",
		    "IAM Identity Center is not enabled in region %s for this account.", c->region_name);
		return -1;
	}
	return 0;
}

static int
sso_instance(struct call *c)
{
	const char *arn = call_str(c, "InstanceArn");

	if (!arn) {
		call_missing(c, "InstanceArn");
		return -1;
	}
	if (strcmp(arn, c->org->instance_arn) != 0) {
		call_error(c, 400, "ResourceNotFoundException", "Could not find Instance with InstanceArn %s",
		    arn);
		return -1;
	}
	return 0;
}

static int
sso_pset(struct call *c)
{
	const char *arn = call_str(c, "PermissionSetArn");
	int i;

	if (!arn) {
		call_missing(c, "PermissionSetArn");
		return -1;
	}
	for (i = 0; i < c->org->npsets; i++)
		if (strcmp(c->org->psets[i].arn, arn) == 0)
			return i;
	call_error(c, 400, "ResourceNotFoundException",
	    "Could not find PermissionSet with PermissionSetArn %s", arn);
	return -1;
}

static int
sso_page(struct call *c, uint64_t phash, struct page *p, int *size)
{
	long long max;

	if (call_int(c, "MaxResults", 1, 100, 0, &max) < 0 ||
	    page_parse(c, call_str(c, "NextToken"), phash, p) < 0)
		return -1;
	*size = page_size(c, max, 100);
	return 0;
}

static void
sso_next(struct call *c, struct jw *w, uint64_t phash, const struct page *p, uint32_t next,
    uint32_t n)
{
	if (next < n) {
		struct page np = {.a = next, .page = p->page + 1};
		char *tok = page_token(c, phash, &np);
		jw_kstr(w, "NextToken", tok);
		free(tok);
	}
}

static void
sso_list_instances(struct call *c)
{
	const struct org *o = c->org;
	struct page p;
	struct jw w;
	int size;

	if (!svc_is_mgmt(c)) {
		svc_denied(c, "sso:ListInstances");
		return;
	}
	if (sso_page(c, 1, &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Instances");
	jw_arr(&w);
	if (o->sso_enabled && c->region == o->sso_region) {
		jw_obj(&w);
		jw_kstr(&w, "InstanceArn", o->instance_arn);
		jw_kstr(&w, "IdentityStoreId", o->identity_store);
		jw_kstr(&w, "OwnerAccountId", o->accounts[o->mgmt].id);
		jw_kstr(&w, "Name", "corp-identity-center");
		jw_ktime(&w, "CreatedDate", 1600000000.0);
		jw_kstr(&w, "Status", "ACTIVE");
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
}

static void
sso_list_permission_sets(struct call *c)
{
	struct page p;
	struct jw w;
	int size;
	uint32_t i;

	if (sso_check(c, "sso:ListPermissionSets") < 0 || sso_instance(c) < 0 ||
	    sso_page(c, 2, &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "PermissionSets");
	jw_arr(&w);
	for (i = p.a; i < (uint32_t)c->org->npsets && i < p.a + (uint32_t)size; i++)
		jw_str(&w, c->org->psets[i].arn);
	jw_end(&w);
	sso_next(c, &w, 2, &p, i, (uint32_t)c->org->npsets);
	jw_end(&w);
}

static void
sso_describe_permission_set(struct call *c)
{
	const struct org_pset *ps;
	struct jw w;
	int k;

	if (sso_check(c, "sso:DescribePermissionSet") < 0 || sso_instance(c) < 0 ||
	    (k = sso_pset(c)) < 0)
		return;
	ps = &c->org->psets[k];
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "PermissionSet");
	jw_obj(&w);
	jw_kstr(&w, "Name", ps->name);
	jw_kstr(&w, "PermissionSetArn", ps->arn);
	jw_kstr(&w, "Description", ps->desc);
	jw_ktime(&w, "CreatedDate", 1600000100.0 + k);
	jw_kstr(&w, "SessionDuration", ps->duration);
	jw_end(&w);
	jw_end(&w);
}

static int
sso_has(const struct org *o, int a, int pset)
{
	struct org_assign as[ORG_MAX_ASSIGN];
	int n = org_account_assignments(o, a, as, ORG_MAX_ASSIGN), i;

	for (i = 0; i < n; i++)
		if (as[i].pset == pset)
			return 1;
	return 0;
}

static void
sso_list_accounts_for_pset(struct call *c)
{
	const struct org *o = c->org;
	const char *ps_status = call_str(c, "ProvisioningStatus");
	struct page p;
	struct jw w;
	int size, k, emitted = 0;
	uint32_t i;

	if (sso_check(c, "sso:ListAccountsForProvisionedPermissionSet") < 0 || sso_instance(c) < 0 ||
	    (k = sso_pset(c)) < 0 || sso_page(c, rnd_str(3, o->psets[k].arn), &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "AccountIds");
	jw_arr(&w);
	i = p.a;
	if (!ps_status || strcmp(ps_status, "LATEST_PERMISSION_SET_PROVISIONED") == 0) {
		for (; i < (uint32_t)o->naccounts && emitted < size; i++)
			if (sso_has(o, o->by_id[i], k)) {
				jw_str(&w, o->accounts[o->by_id[i]].id);
				emitted++;
			}
		while (i < (uint32_t)o->naccounts && !sso_has(o, o->by_id[i], k))
			i++;
	} else
		i = (uint32_t)o->naccounts;
	jw_end(&w);
	sso_next(c, &w, rnd_str(3, o->psets[k].arn), &p, i, (uint32_t)o->naccounts);
	jw_end(&w);
}

/* The index of account id in the organization; -1 after answering. */
static int
sso_account_id(struct call *c, const char *id)
{
	int a = org_account_find(c->org, id);

	if (a < 0) {
		call_error(c, 400, "ValidationException", "The account %s is not in your organization.", id);
		return -1;
	}
	return a;
}

static int
sso_account(struct call *c)
{
	const char *id = call_str(c, "AccountId");
	int a;

	if (!id) {
		call_missing(c, "AccountId");
		return -1;
	}
	a = org_account_find(c->org, id);
	if (a < 0) {
		call_error(c, 400, "ValidationException", "The account %s is not in your organization.", id);
		return -1;
	}
	return a;
}

static void
sso_list_account_assignments(struct call *c)
{
	const struct org *o = c->org;
	struct org_assign as[ORG_MAX_ASSIGN];
	struct page p;
	struct jw w;
	int size, k, a, n, i, emitted = 0;
	uint64_t ph;

	if (sso_check(c, "sso:ListAccountAssignments") < 0 || sso_instance(c) < 0 ||
	    (a = sso_account(c)) < 0 || (k = sso_pset(c)) < 0)
		return;
	ph = rnd_str((uint64_t)a + 5, o->psets[k].arn);
	if (sso_page(c, ph, &p, &size) < 0)
		return;
	n = org_account_assignments(o, a, as, ORG_MAX_ASSIGN);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "AccountAssignments");
	jw_arr(&w);
	for (i = (int)p.a; i < n && emitted < size; i++) {
		const struct org_principal *pr;
		if (as[i].pset != k)
			continue;
		pr = as[i].ptype == ORG_USER ? &o->users[as[i].principal] : &o->groups[as[i].principal];
		jw_obj(&w);
		jw_kstr(&w, "AccountId", o->accounts[a].id);
		jw_kstr(&w, "PermissionSetArn", o->psets[k].arn);
		jw_kstr(&w, "PrincipalType", as[i].ptype == ORG_USER ? "USER" : "GROUP");
		jw_kstr(&w, "PrincipalId", pr->id);
		jw_end(&w);
		emitted++;
	}
	while (i < n && as[i].pset != k)
		i++;
	jw_end(&w);
	sso_next(c, &w, ph, &p, (uint32_t)i, (uint32_t)n);
	jw_end(&w);
}

static void
sso_list_psets_for_account(struct call *c)
{
	const struct org *o = c->org;
	struct page p;
	struct jw w;
	int size, a, k, emitted = 0;

	if (sso_check(c, "sso:ListPermissionSetsProvisionedToAccount") < 0 || sso_instance(c) < 0 ||
	    (a = sso_account(c)) < 0 || sso_page(c, (uint64_t)a + 17, &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "PermissionSets");
	jw_arr(&w);
	for (k = (int)p.a; k < o->npsets && emitted < size; k++)
		if (sso_has(o, a, k)) {
			jw_str(&w, o->psets[k].arn);
			emitted++;
		}
	jw_end(&w);
	sso_next(c, &w, (uint64_t)a + 17, &p, (uint32_t)k, (uint32_t)o->npsets);
	jw_end(&w);
}

/*
 * ListAccountAssignmentsForPrincipal (botocore 1.43): every account where
 * the principal itself is assigned (the assignments ListAccountAssignments
 * shows with this principal), in account id order, optionally for one
 * account (Filter.AccountId). A user's answer holds the user's own
 * assignments, not those it has through its groups.
 */
static void
sso_list_assignments_for_principal(struct call *c)
{
	const struct org *o = c->org;
	const char *pid = call_str(c, "PrincipalId"), *ptype = call_str(c, "PrincipalType");
	const cJSON *filter = call_item(c, "Filter");
	const char *only = NULL;
	struct org_assign as[ORG_MAX_ASSIGN];
	struct page p;
	struct jw w;
	int size, type, who = -1, only_a = -1, emitted = 0, i, n = 0;
	uint64_t ph;
	uint32_t k, j = 0;

	if (sso_check(c, "sso:ListAccountAssignmentsForPrincipal") < 0 || sso_instance(c) < 0)
		return;
	if (!pid || !ptype) {
		call_missing(c, !pid ? "PrincipalId" : "PrincipalType");
		return;
	}
	if (strcmp(ptype, "USER") != 0 && strcmp(ptype, "GROUP") != 0) {
		call_error(c, 400, "ValidationException",
		    "1 validation error detected: Value '%s' at 'principalType' failed to satisfy "
		    "constraint: Member must satisfy enum value set: [USER, GROUP]", ptype);
		return;
	}
	type = strcmp(ptype, "USER") == 0 ? ORG_USER : ORG_GROUP;
	for (i = 0; i < (type == ORG_USER ? o->nusers : o->ngroups); i++) {
		const struct org_principal *pr = type == ORG_USER ? &o->users[i] : &o->groups[i];
		if (strcmp(pr->id, pid) == 0)
			who = i;
	}
	if (filter) {
		only = cJSON_GetStringValue(cJSON_GetObjectItem(filter, "AccountId"));
		if (!cJSON_IsObject(filter) || (only && (only_a = sso_account_id(c, only)) < 0))
			return;
	}
	ph = rnd_str(rnd_str(rnd_str(31, pid), ptype), only ? only : "");
	if (sso_page(c, ph, &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "AccountAssignments");
	jw_arr(&w);
	for (k = p.a, j = p.b; who >= 0 && k < (uint32_t)o->naccounts; k++, j = 0) {
		int a = o->by_id[k];
		if (only_a >= 0 && a != only_a)
			continue;
		n = org_account_assignments(o, a, as, ORG_MAX_ASSIGN);
		for (; j < (uint32_t)n; j++) {
			if (as[j].ptype != type || as[j].principal != who)
				continue;
			if (emitted >= size)
				goto stop;
			jw_obj(&w);
			jw_kstr(&w, "AccountId", o->accounts[a].id);
			jw_kstr(&w, "PermissionSetArn", o->psets[as[j].pset].arn);
			jw_kstr(&w, "PrincipalType", ptype);
			jw_kstr(&w, "PrincipalId", pid);
			jw_end(&w);
			emitted++;
		}
	}
stop:
	jw_end(&w);
	if (who >= 0 && k < (uint32_t)o->naccounts) {
		struct page np = {.a = k, .b = j, .page = p.page + 1};
		char *tok = page_token(c, ph, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static struct op_def sso_ops[] = {
	{.name = "ListInstances", .fn = sso_list_instances},
	{.name = "ListPermissionSets", .fn = sso_list_permission_sets},
	{.name = "DescribePermissionSet", .fn = sso_describe_permission_set},
	{.name = "ListAccountsForProvisionedPermissionSet", .fn = sso_list_accounts_for_pset},
	{.name = "ListAccountAssignments", .fn = sso_list_account_assignments},
	{.name = "ListPermissionSetsProvisionedToAccount", .fn = sso_list_psets_for_account},
	{.name = "ListAccountAssignmentsForPrincipal", .fn = sso_list_assignments_for_principal},
};

const struct svc_def svc_sso_admin = {
	.name = "sso-admin",
	.scope = "sso",
	.proto = PROTO_JSON,
	.target = "SWBExternalService",
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "ThrottlingException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationException",
	.token_code = "ValidationException",
	.ops = sso_ops,
	.nops = (int)(sizeof(sso_ops) / sizeof(sso_ops[0])),
};

/* Identity Store. */

static int
ids_store(struct call *c)
{
	const char *id = call_str(c, "IdentityStoreId");

	if (sso_check(c, "identitystore:DescribeUser") < 0)
		return -1;
	if (!id) {
		call_missing(c, "IdentityStoreId");
		return -1;
	}
	if (strcmp(id, c->org->identity_store) != 0) {
		call_error_x(c, 400, "ResourceNotFoundException", "\"ResourceType\":\"IDENTITY_STORE\"",
		    "IDENTITY_STORE not found.");
		return -1;
	}
	return 0;
}

static void
ids_not_found(struct call *c, const char *type, const char *id)
{
	struct buf x;

	buf_init(&x);
	buf_printf(&x, "\"ResourceType\":\"%s\",\"RequestId\":\"%s\",\"ResourceId\":", type,
	    c->request_id);
	{
		struct jw w;
		jw_init(&w, &x, 0);
		jw_str(&w, id);
	}
	call_error_x(c, 400, "ResourceNotFoundException", x.data, "%s not found.", type);
	buf_done(&x);
}

static void
ids_write_user(struct call *c, struct jw *w, const struct org_principal *u)
{
	jw_kstr(w, "IdentityStoreId", c->org->identity_store);
	jw_kstr(w, "UserId", u->id);
	jw_kstr(w, "UserName", u->name);
	jw_kstr(w, "DisplayName", u->display ? u->display : u->name);
	jw_key(w, "Name");
	jw_obj(w);
	if (u->display)
		jw_kstr(w, "Formatted", u->display);
	if (u->given)
		jw_kstr(w, "GivenName", u->given);
	if (u->family)
		jw_kstr(w, "FamilyName", u->family);
	jw_end(w);
	if (u->email) {
		jw_key(w, "Emails");
		jw_arr(w);
		jw_obj(w);
		jw_kstr(w, "Value", u->email);
		jw_kstr(w, "Type", "work");
		jw_kbool(w, "Primary", 1);
		jw_end(w);
		jw_end(w);
	}
	jw_kstr(w, "UserStatus", "ENABLED");
}

static void
ids_describe_user(struct call *c)
{
	const char *id = call_str(c, "UserId");
	struct jw w;
	int i;

	if (ids_store(c) < 0)
		return;
	if (!id) {
		call_missing(c, "UserId");
		return;
	}
	for (i = 0; i < c->org->nusers; i++)
		if (strcmp(c->org->users[i].id, id) == 0)
			break;
	if (i == c->org->nusers) {
		ids_not_found(c, "USER", id);
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	ids_write_user(c, &w, &c->org->users[i]);
	jw_end(&w);
}

static void
ids_describe_group(struct call *c)
{
	const char *id = call_str(c, "GroupId");
	struct jw w;
	int i;

	if (ids_store(c) < 0)
		return;
	if (!id) {
		call_missing(c, "GroupId");
		return;
	}
	for (i = 0; i < c->org->ngroups; i++)
		if (strcmp(c->org->groups[i].id, id) == 0)
			break;
	if (i == c->org->ngroups) {
		ids_not_found(c, "GROUP", id);
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_kstr(&w, "GroupId", c->org->groups[i].id);
	jw_kstr(&w, "DisplayName", c->org->groups[i].name);
	jw_kstr(&w, "IdentityStoreId", c->org->identity_store);
	jw_end(&w);
}

static void
ids_list(struct call *c, int users)
{
	const struct org *o = c->org;
	int n = users ? o->nusers : o->ngroups, size;
	struct page p;
	struct jw w;
	uint32_t i;

	if (ids_store(c) < 0 || sso_page(c, users ? 21 : 22, &p, &size) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, users ? "Users" : "Groups");
	jw_arr(&w);
	for (i = p.a; i < (uint32_t)n && i < p.a + (uint32_t)size; i++) {
		jw_obj(&w);
		if (users)
			ids_write_user(c, &w, &o->users[i]);
		else {
			jw_kstr(&w, "GroupId", o->groups[i].id);
			jw_kstr(&w, "DisplayName", o->groups[i].name);
			jw_kstr(&w, "IdentityStoreId", o->identity_store);
		}
		jw_end(&w);
	}
	jw_end(&w);
	sso_next(c, &w, users ? 21 : 22, &p, i, (uint32_t)n);
	jw_end(&w);
}

static void
ids_list_users(struct call *c)
{
	ids_list(c, 1);
}

static void
ids_list_groups(struct call *c)
{
	ids_list(c, 0);
}

static struct op_def ids_ops[] = {
	{.name = "DescribeUser", .fn = ids_describe_user},
	{.name = "DescribeGroup", .fn = ids_describe_group},
	{.name = "ListUsers", .fn = ids_list_users},
	{.name = "ListGroups", .fn = ids_list_groups},
};

const struct svc_def svc_identitystore = {
	.name = "identitystore",
	.scope = "identitystore",
	.proto = PROTO_JSON,
	.target = "AWSIdentityStore",
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "ThrottlingException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationException",
	.token_code = "ValidationException",
	.ops = ids_ops,
	.nops = (int)(sizeof(ids_ops) / sizeof(ids_ops[0])),
};

/* The SSO portal: unsigned, the bearer token in x-amz-sso_bearer_token. */

static int
portal_token(struct call *c)
{
	const char *tok = call_header(c, "x-amz-sso_bearer_token");
	double now = util_now();
	int i;

	for (i = 0; tok && i < c->sim->nsso_tokens; i++)
		if (strcmp(tok, c->sim->sso_tokens[i]) == 0 &&
		    (c->sim->sso_token_exp[i] == 0 || c->sim->sso_token_exp[i] > now))
			return 0;
	call_error(c, 401, "UnauthorizedException", "Session token not found or invalid");
	return -1;
}

static int
portal_pset(const struct org *o, const char *name)
{
	int i;

	for (i = 0; name && i < o->npsets; i++)
		if (strcmp(o->psets[i].name, name) == 0)
			return i;
	return -1;
}

static void
portal_get_role_credentials(struct call *c)
{
	const struct org *o = c->org;
	const char *role = call_param(c, "role_name"), *acct = call_param(c, "account_id");
	struct auth_issued is;
	char rname[128];
	struct jw w;
	int a, k;

	if (portal_token(c) < 0)
		return;
	if (!role || !acct) {
		call_error(c, 400, "InvalidRequestException", "%s is required",
		    !role ? "role_name" : "account_id");
		return;
	}
	a = org_account_find(o, acct);
	k = portal_pset(o, role);
	if (a < 0 || k < 0 || o->accounts[a].status != ORG_ACTIVE) {
		call_error(c, 403, "ForbiddenException", "No access");
		return;
	}
	snprintf(rname, sizeof(rname), "AWSReservedSSO_%s_%016llx", role,
	    (unsigned long long)rnd_h(o->seed, 0x55, (uint64_t)k, 0, 0));
	auth_session_new(c->sim->auth, a, rname, "awsim-sso-user", WHO_SSO, 3600, 0, &is);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "roleCredentials");
	jw_obj(&w);
	jw_kstr(&w, "accessKeyId", is.akid);
	jw_kstr(&w, "secretAccessKey", is.secret);
	jw_kstr(&w, "sessionToken", is.token);
	jw_kint(&w, "expiration", (long long)is.expires * 1000);
	jw_end(&w);
	jw_end(&w);
	auth_issued_done(&is);
}

static void
portal_list_accounts(struct call *c)
{
	const struct org *o = c->org;
	struct jw w;
	int k;

	if (portal_token(c) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "accountList");
	jw_arr(&w);
	for (k = 0; k < o->naccounts; k++) {
		const struct org_account *ac = &o->accounts[o->by_id[k]];
		if (ac->status != ORG_ACTIVE)
			continue;
		jw_obj(&w);
		jw_kstr(&w, "accountId", ac->id);
		jw_kstr(&w, "accountName", ac->name);
		jw_kstr(&w, "emailAddress", ac->email);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
}

static void
portal_list_roles(struct call *c)
{
	const struct org *o = c->org;
	const char *acct = call_param(c, "account_id");
	struct jw w;
	int a, k;

	if (portal_token(c) < 0)
		return;
	a = org_account_find(o, acct);
	if (a < 0) {
		call_error(c, 403, "ForbiddenException", "No access");
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "roleList");
	jw_arr(&w);
	for (k = 0; k < o->npsets; k++) {
		if (!sso_has(o, a, k))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "roleName", o->psets[k].name);
		jw_kstr(&w, "accountId", o->accounts[a].id);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
}

static struct op_def portal_ops[] = {
	{.name = "GetRoleCredentials", .method = "GET", .path = "/federation/credentials",
	    .fn = portal_get_role_credentials},
	{.name = "ListAccounts", .method = "GET", .path = "/assignment/accounts",
	    .fn = portal_list_accounts},
	{.name = "ListAccountRoles", .method = "GET", .path = "/assignment/roles",
	    .fn = portal_list_roles},
};

const struct svc_def svc_portal = {
	.name = "sso",
	.scope = "awsssoportal",
	.proto = PROTO_RESTJSON,
	.msg_key = "message",
	.throttle_status = 429,
	.throttle_code = "TooManyRequestsException",
	.throttle_msg = "Too Many Requests",
	.validation_code = "InvalidRequestException",
	.token_code = "InvalidRequestException",
	.ops = portal_ops,
	.nops = (int)(sizeof(portal_ops) / sizeof(portal_ops[0])),
};
