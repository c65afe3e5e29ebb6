/*
 * svc_account.c: Account Management (rest-json: ListRegions,
 * GetRegionOptStatus) and EC2 DescribeRegions (ec2 protocol).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

static const struct org *sort_org;

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(sort_org->regions[*(const int *)a].name, sort_org->regions[*(const int *)b].name);
}

/* Region indices sorted by name. */
static int
sorted_regions(const struct org *o, int *out)
{
	int i;

	for (i = 0; i < o->nregions; i++)
		out[i] = i;
	sort_org = o;
	qsort(out, (size_t)o->nregions, sizeof(int), cmp_name);
	return o->nregions;
}

static const char *
opt_status(const struct org *o, int a, int r)
{
	if (!o->regions[r].opt_in)
		return org_region_enabled(o, a, r) ? "ENABLED_BY_DEFAULT" : "DISABLED";
	return org_region_enabled(o, a, r) ? "ENABLED" : "DISABLED";
}

/* The account the call is about: AccountId (management only) or the caller's. -1 after answering. */
static int
acct_target(struct call *c)
{
	const char *id = call_str(c, "AccountId");
	int a;

	if (!id)
		return c->who.account;
	if (strlen(id) != 12 || strspn(id, "0123456789") != 12) {
		call_error(c, 400, "ValidationException",
		    "1 validation error detected: Value '%s' at 'accountId' failed to satisfy "
		    "constraint: Member must satisfy regular expression pattern: ^\\d{12}$", id);
		return -1;
	}
	if (!svc_is_mgmt(c)) {
		svc_denied(c, "account:ListRegions");
		return -1;
	}
	a = org_account_find(c->org, id);
	if (a == c->org->mgmt) {
		call_error_x(c, 400, "ValidationException", "\"reason\":\"fieldValidationFailed\"",
		    "The management account can't specify its own AccountId. It must call the "
		    "operation in standalone context by not including the AccountId parameter.");
		return -1;
	}
	if (a < 0) {
		call_error(c, 403, "AccessDeniedException",
		    "The account %s is not a member of your organization.", id);
		return -1;
	}
	return a;
}

static void
acct_list_regions(struct call *c)
{
	const struct org *o = c->org;
	const cJSON *filt = call_item(c, "RegionOptStatusContains"), *it;
	int order[ORG_MAX_REGIONS], n, a, size, emitted = 0;
	unsigned want = 0;
	long long max;
	struct page p;
	struct jw w;
	uint32_t i;
	static const char *const st[] = {"ENABLED", "ENABLING", "DISABLING", "DISABLED",
		"ENABLED_BY_DEFAULT"};

	a = acct_target(c);
	if (a < 0 || call_int(c, "MaxResults", 1, 50, 0, &max) < 0)
		return;
	if (filt) {
		cJSON_ArrayForEach(it, filt) {
			unsigned k;
			for (k = 0; k < 5; k++)
				if (cJSON_IsString(it) && strcmp(it->valuestring, st[k]) == 0)
					want |= 1u << k;
			if (!cJSON_IsString(it) || !want) {
				call_error(c, 400, "ValidationException",
				    "1 validation error detected: Value at 'regionOptStatusContains' failed "
				    "to satisfy constraint: Member must satisfy enum value set");
				return;
			}
		}
	}
	if (page_parse(c, call_str(c, "NextToken"), rnd_str((uint64_t)a + 1, "lr") ^ want, &p) < 0)
		return;
	size = page_size(c, max, 50);
	n = sorted_regions(o, order);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "Regions");
	jw_arr(&w);
	for (i = p.a; i < (uint32_t)n && emitted < size; i++) {
		const char *s = opt_status(o, a, order[i]);
		unsigned k;
		if (want) {
			for (k = 0; k < 5 && strcmp(s, st[k]) != 0; k++)
				;
			if (!(want >> k & 1))
				continue;
		}
		jw_obj(&w);
		jw_kstr(&w, "RegionName", o->regions[order[i]].name);
		jw_kstr(&w, "RegionOptStatus", s);
		jw_end(&w);
		emitted++;
	}
	jw_end(&w);
	if (i < (uint32_t)n) {
		struct page np = {.a = i, .page = p.page + 1};
		char *tok = page_token(c, rnd_str((uint64_t)a + 1, "lr") ^ want, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static void
acct_get_region_opt_status(struct call *c)
{
	const char *rn = call_str(c, "RegionName");
	struct jw w;
	int a, r;

	a = acct_target(c);
	if (a < 0)
		return;
	if (!rn) {
		call_missing(c, "RegionName");
		return;
	}
	r = org_region_find(c->org, rn);
	if (r < 0) {
		call_error(c, 400, "ValidationException", "Invalid region name: %s", rn);
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_kstr(&w, "RegionName", rn);
	jw_kstr(&w, "RegionOptStatus", opt_status(c->org, a, r));
	jw_end(&w);
}

static struct op_def acct_ops[] = {
	{.name = "ListRegions", .method = "POST", .path = "/listRegions", .fn = acct_list_regions},
	{.name = "GetRegionOptStatus", .method = "POST", .path = "/getRegionOptStatus",
	    .fn = acct_get_region_opt_status},
};

const struct svc_def svc_account = {
	.name = "account",
	.scope = "account",
	.proto = PROTO_RESTJSON,
	.global = 1,
	.msg_key = "message",
	.throttle_status = 429,
	.throttle_code = "TooManyRequestsException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationException",
	.token_code = "ValidationException",
	.ops = acct_ops,
	.nops = 2,
};

/* EC2 DescribeRegions. */

static int
ec2_filter_match(struct call *c, const char *region, const char *optin)
{
	char key[64];
	int f, v;

	for (f = 1; f < 20; f++) {
		const char *name;
		int any = 0, ok = 0;
		snprintf(key, sizeof(key), "Filter.%d.Name", f);
		name = call_param(c, key);
		if (!name)
			break;
		for (v = 1; v < 50; v++) {
			const char *val;
			snprintf(key, sizeof(key), "Filter.%d.Value.%d", f, v);
			val = call_param(c, key);
			if (!val)
				break;
			any = 1;
			if (strcmp(name, "opt-in-status") == 0 && strcmp(val, optin) == 0)
				ok = 1;
			if (strcmp(name, "region-name") == 0 && strcmp(val, region) == 0)
				ok = 1;
		}
		if (any && !ok)
			return 0;
	}
	for (v = 1; v < 64; v++) {
		const char *val;
		snprintf(key, sizeof(key), "RegionName.%d", v);
		val = call_param(c, key);
		if (!val)
			break;
		if (strcmp(val, region) == 0)
			return 1;
	}
	return v == 1; /* no RegionName list: every region */
}

static void
ec2_describe_regions(struct call *c)
{
	const struct org *o = c->org;
	const char *all = call_param(c, "AllRegions");
	int order[ORG_MAX_REGIONS], n = sorted_regions(o, order), i, a = c->who.account;

	call_xml_begin(c);
	buf_adds(&c->out, "    <regionInfo>\n");
	for (i = 0; i < n; i++) {
		int r = order[i], on = org_region_enabled(o, a, r);
		const char *optin = !o->regions[r].opt_in ? "opt-in-not-required" :
		    on ? "opted-in" : "not-opted-in";
		if (!on && !(all && strcmp(all, "true") == 0))
			continue;
		if (!ec2_filter_match(c, o->regions[r].name, optin))
			continue;
		buf_printf(&c->out, "        <item>\n            <regionName>%s</regionName>\n"
		    "            <regionEndpoint>ec2.%s.amazonaws.com</regionEndpoint>\n"
		    "            <optInStatus>%s</optInStatus>\n        </item>\n",
		    o->regions[r].name, o->regions[r].name, optin);
	}
	buf_adds(&c->out, "    </regionInfo>\n");
	call_xml_end(c);
}

static struct op_def ec2_ops[] = {
	{.name = "DescribeRegions", .fn = ec2_describe_regions},
};

const struct svc_def svc_ec2 = {
	.name = "ec2",
	.scope = "ec2",
	.proto = PROTO_EC2,
	.xmlns = "http://ec2.amazonaws.com/doc/2016-11-15/",
	.msg_key = "Message",
	.throttle_status = 503,
	.throttle_code = "RequestLimitExceeded",
	.throttle_msg = "Request limit exceeded.",
	.validation_code = "InvalidParameterValue",
	.token_code = "InvalidNextToken",
	.ops = ec2_ops,
	.nops = 1,
};
