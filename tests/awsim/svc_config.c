/*
 * svc_config.c: AWS Config (json 1.1, StarlingDoveService): per-account
 * compliance and the organization aggregator.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

static const char *const ctypes[] = {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE",
	"INSUFFICIENT_DATA"};

static void
cfg_count(struct jw *w, const char *key, int n)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kint(w, "CappedCount", n > ORG_CAP ? ORG_CAP : n);
	jw_kbool(w, "CapExceeded", n > ORG_CAP);
	jw_end(w);
}

static void
cfg_summary(struct call *c, struct jw *w, int comp, int nc)
{
	jw_obj(w);
	cfg_count(w, "CompliantResourceCount", comp);
	cfg_count(w, "NonCompliantResourceCount", nc);
	jw_ktime(w, "ComplianceSummaryTimestamp", c->org->start + c->org->tick);
	jw_end(w);
}

static void
cfg_get_compliance_summary(struct call *c)
{
	int comp, nc;
	struct jw w;

	org_cell_counts(c->org, c->who.account, c->region, &comp, &nc);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "ComplianceSummary");
	cfg_summary(c, &w, comp, nc);
	jw_end(&w);
}

/* Reads ConfigRuleNames; -1 after answering. names gets up to 25 borrowed strings. */
static int
cfg_rule_names(struct call *c, const char **names, int *n)
{
	const cJSON *arr = call_item(c, "ConfigRuleNames"), *it;

	*n = 0;
	if (!arr)
		return 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > 25) {
		call_error(c, 400, "ValidationException",
		    "1 validation error detected: Value at 'configRuleNames' failed to satisfy "
		    "constraint: Member must have length less than or equal to 25");
		return -1;
	}
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it)) {
			call_error(c, 400, "SerializationException", "Expected a list of strings");
			return -1;
		}
		names[(*n)++] = it->valuestring;
	}
	return 0;
}

static int
cfg_name_wanted(const char **names, int n, const char *name)
{
	int i;

	if (!n)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* NoSuchConfigRuleException when a named rule is not in the cell. */
static int
cfg_check_names(struct call *c, const char **names, int n, const struct org_rule *rules, int nr)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nr && strcmp(rules[j].name, names[i]) != 0; j++)
			;
		if (j == nr) {
			call_error(c, 400, "NoSuchConfigRuleException",
			    "The ConfigRule '%s' provided in the request is invalid. Please check the "
			    "configRule name", names[i]);
			return -1;
		}
	}
	return 0;
}

static void
cfg_compliance(struct jw *w, const struct org_rule *r)
{
	jw_key(w, "Compliance");
	jw_obj(w);
	jw_kstr(w, "ComplianceType", ctypes[r->compliance]);
	if (r->compliance == ORG_NON_COMPLIANT) {
		jw_key(w, "ComplianceContributorCount");
		jw_obj(w);
		jw_kint(w, "CappedCount", r->resources);
		jw_kbool(w, "CapExceeded", r->capped);
		jw_end(w);
	}
	jw_end(w);
}

static void
cfg_describe_compliance(struct call *c)
{
	struct org_rule rules[ORG_MAX_RULES];
	const char *names[25];
	const cJSON *types = call_item(c, "ComplianceTypes"), *it;
	unsigned want = 0;
	int nnames, nr, size, emitted = 0;
	uint64_t phash;
	struct page p;
	struct jw w;
	uint32_t i;

	if (cfg_rule_names(c, names, &nnames) < 0)
		return;
	if (types) {
		if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) > 3) {
			call_error(c, 400, "ValidationException", "ComplianceTypes: at most 3 values");
			return;
		}
		cJSON_ArrayForEach(it, types) {
			int k, ok = 0;
			for (k = 0; k < 4; k++)
				if (cJSON_IsString(it) && strcmp(it->valuestring, ctypes[k]) == 0 &&
				    k != ORG_NOT_APPLICABLE) {
					want |= 1u << k;
					ok = 1;
				}
			if (!ok) {
				call_error(c, 400, "InvalidParameterValueException",
				    "The compliance type %s is not valid.",
				    cJSON_IsString(it) ? it->valuestring : "(not a string)");
				return;
			}
		}
	}
	nr = org_cell_rules(c->org, c->who.account, c->region, rules, ORG_MAX_RULES);
	if (cfg_check_names(c, names, nnames, rules, nr) < 0)
		return;
	phash = want;
	for (i = 0; i < (uint32_t)nnames; i++)
		phash = rnd_str(phash + 1, names[i]);
	if (page_parse(c, call_str(c, "NextToken"), phash, &p) < 0)
		return;
	size = page_size(c, 0, 25);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "ComplianceByConfigRules");
	jw_arr(&w);
	i = p.a;
	if (!(p.flags & PAGE_EMPTY))
		for (; i < (uint32_t)nr && emitted < size; i++) {
			if (!cfg_name_wanted(names, nnames, rules[i].name))
				continue;
			if (want && !(want >> rules[i].compliance & 1))
				continue;
			jw_obj(&w);
			jw_kstr(&w, "ConfigRuleName", rules[i].name);
			cfg_compliance(&w, &rules[i]);
			jw_end(&w);
			emitted++;
		}
	jw_end(&w);
	if (i < (uint32_t)nr) {
		struct page np = {.a = i, .page = p.page + 1};
		char *tok;
		if (!(p.flags & PAGE_EMPTY) && page_empty_next(c, phash, p.page))
			np.flags = PAGE_EMPTY;
		tok = page_token(c, phash, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static void
cfg_rule_id(const struct call *c, const char *name, char out[24])
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t h = rnd_h(c->org->seed, 0xc0, (uint64_t)c->who.account, (uint64_t)c->region,
	    rnd_str(0, name));
	int i;

	memcpy(out, "config-rule-", 12);
	for (i = 0; i < 6; i++) {
		out[12 + i] = al[h % 36];
		h /= 36;
	}
	out[18] = 0;
}

static void
cfg_describe_rules(struct call *c)
{
	struct org_rule rules[ORG_MAX_RULES];
	const char *names[25];
	int nnames, nr, size, emitted = 0;
	uint64_t phash = 7;
	struct page p;
	struct jw w;
	uint32_t i;

	if (cfg_rule_names(c, names, &nnames) < 0)
		return;
	nr = org_cell_rules(c->org, c->who.account, c->region, rules, ORG_MAX_RULES);
	if (cfg_check_names(c, names, nnames, rules, nr) < 0)
		return;
	for (i = 0; i < (uint32_t)nnames; i++)
		phash = rnd_str(phash, names[i]);
	if (page_parse(c, call_str(c, "NextToken"), phash, &p) < 0)
		return;
	size = page_size(c, 0, 25);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "ConfigRules");
	jw_arr(&w);
	for (i = p.a; i < (uint32_t)nr && emitted < size; i++) {
		char id[24], arn[200], ident[96];
		size_t k;
		if (!cfg_name_wanted(names, nnames, rules[i].name))
			continue;
		cfg_rule_id(c, rules[i].name, id);
		snprintf(arn, sizeof(arn), "arn:aws:config:%s:%s:config-rule/%s", c->region_name,
		    svc_caller_id(c), id);
		for (k = 0; rules[i].name[k] && k + 1 < sizeof(ident); k++)
			ident[k] = rules[i].name[k] == '-' ? '_' :
			    (char)toupper((unsigned char)rules[i].name[k]);
		ident[k] = 0;
		jw_obj(&w);
		jw_kstr(&w, "ConfigRuleName", rules[i].name);
		jw_kstr(&w, "ConfigRuleArn", arn);
		jw_kstr(&w, "ConfigRuleId", id);
		jw_key(&w, "Source");
		jw_obj(&w);
		jw_kstr(&w, "Owner", "AWS");
		jw_kstr(&w, "SourceIdentifier", ident);
		jw_end(&w);
		jw_kstr(&w, "ConfigRuleState", "ACTIVE");
		jw_end(&w);
		emitted++;
	}
	jw_end(&w);
	if (i < (uint32_t)nr) {
		struct page np = {.a = i, .page = p.page + 1};
		char *tok = page_token(c, phash, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

/* The aggregator lives in one account and region. */
static int
cfg_has_aggregator(const struct call *c)
{
	return c->org->agg_account >= 0 && c->who.account == c->org->agg_account &&
	    c->region == c->org->agg_region;
}

static int
cfg_aggregator(struct call *c)
{
	const char *name = call_str(c, "ConfigurationAggregatorName");

	if (!name) {
		call_missing(c, "ConfigurationAggregatorName");
		return -1;
	}
	if (!cfg_has_aggregator(c) || strcmp(name, c->org->agg_name) != 0) {
		call_error(c, 400, "NoSuchConfigurationAggregatorException",
		    "The configuration aggregator does not exist. Check the configuration aggregator "
		    "name and try again.");
		return -1;
	}
	return 0;
}

static void
cfg_describe_aggregators(struct call *c)
{
	const struct org *o = c->org;
	const cJSON *names = call_item(c, "ConfigurationAggregatorNames"), *it;
	long long limit;
	struct page p;
	struct jw w;
	char arn[256];

	if (call_int(c, "Limit", 0, 100, 0, &limit) < 0)
		return;
	if (names) {
		cJSON_ArrayForEach(it, names) {
			if (!cJSON_IsString(it) || !cfg_has_aggregator(c) ||
			    strcmp(it->valuestring, o->agg_name) != 0) {
				call_error(c, 400, "NoSuchConfigurationAggregatorException",
				    "The configuration aggregator does not exist. Check the configuration "
				    "aggregator name and try again.");
				return;
			}
		}
	}
	if (page_parse(c, call_str(c, "NextToken"), 3, &p) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "ConfigurationAggregators");
	jw_arr(&w);
	if (cfg_has_aggregator(c)) {
		jw_obj(&w);
		jw_kstr(&w, "ConfigurationAggregatorName", o->agg_name);
		snprintf(arn, sizeof(arn), "arn:aws:config:%s:%s:config-aggregator/config-aggregator-%.8s",
		    c->region_name, svc_caller_id(c), o->id + 2);
		jw_kstr(&w, "ConfigurationAggregatorArn", arn);
		jw_key(&w, "OrganizationAggregationSource");
		jw_obj(&w);
		snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role/service-role/AWSConfigRoleForOrganizations",
		    svc_caller_id(c));
		jw_kstr(&w, "RoleArn", arn);
		jw_kbool(&w, "AllAwsRegions", 1);
		jw_end(&w);
		jw_ktime(&w, "CreationTime", o->start - 86400 * 200);
		jw_ktime(&w, "LastUpdatedTime", o->start - 86400 * 20);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
}

/*
 * Whether the aggregator has data for (a, r): an ACTIVE account whose
 * Config records and evaluates rules there. Like AWS's, it has nothing for
 * a region the account has not opted into, one where an SCP keeps Config
 * out (a data-residency SCP: Config was never set up there), or one
 * without rules; a rule that is NOT_APPLICABLE still counts (the summary
 * then says 0 and 0).
 */
static int
cfg_agg_cell(const struct org *o, int a, int r)
{
	struct org_rule rules[ORG_MAX_RULES];

	return o->accounts[a].status == ORG_ACTIVE && org_region_enabled(o, a, r) &&
	    !org_scp_denies(o, a, r) && org_config_enabled(o, a, r) &&
	    org_cell_rules(o, a, r, rules, ORG_MAX_RULES) > 0;
}

struct cfg_filters {
	const char *rule, *type, *account, *region;
	int a, r; /* -1: any */
	int type_k;
};

static int
cfg_filters(struct call *c, struct cfg_filters *f, uint64_t *phash)
{
	const cJSON *fl = call_item(c, "Filters");
	int k;

	memset(f, 0, sizeof(*f));
	f->a = f->r = -1;
	f->type_k = -1;
	*phash = 11;
	if (!fl)
		return 0;
	if (!cJSON_IsObject(fl)) {
		call_error(c, 400, "SerializationException", "Filters: expected an object");
		return -1;
	}
	f->rule = cJSON_GetStringValue(cJSON_GetObjectItem(fl, "ConfigRuleName"));
	f->type = cJSON_GetStringValue(cJSON_GetObjectItem(fl, "ComplianceType"));
	f->account = cJSON_GetStringValue(cJSON_GetObjectItem(fl, "AccountId"));
	f->region = cJSON_GetStringValue(cJSON_GetObjectItem(fl, "AwsRegion"));
	if (f->account && (strlen(f->account) != 12 || strspn(f->account, "0123456789") != 12)) {
		call_error(c, 400, "ValidationException",
		    "1 validation error detected: Value '%s' at 'filters.accountId' failed to satisfy "
		    "constraint: Member must satisfy regular expression pattern: \\d{12}", f->account);
		return -1;
	}
	if (f->account) {
		f->a = org_account_find(c->org, f->account);
		if (f->a < 0)
			f->a = -2; /* matches nothing */
	}
	if (f->region) {
		f->r = org_region_find(c->org, f->region);
		if (f->r < 0)
			f->r = -2;
	}
	if (f->type) {
		for (k = 0; k < 4 && strcmp(ctypes[k], f->type) != 0; k++)
			;
		if (k == 4 || k == ORG_NOT_APPLICABLE) {
			call_error(c, 400, "InvalidParameterValueException",
			    "The compliance type %s is not valid.", f->type);
			return -1;
		}
		f->type_k = k;
	}
	*phash = rnd_str(rnd_str(rnd_str(rnd_str(11, f->rule), f->type), f->account), f->region);
	return 0;
}

static void
cfg_describe_aggregate_compliance(struct call *c)
{
	const struct org *o = c->org;
	struct org_rule rules[ORG_MAX_RULES];
	struct cfg_filters f;
	long long limit;
	uint64_t phash;
	struct page p;
	struct jw w;
	uint32_t k, r, j;
	int emitted = 0, scanned = 0, size, budget, done = 0;

	if (cfg_aggregator(c) < 0 || call_int(c, "Limit", 0, 1000, 0, &limit) < 0 ||
	    cfg_filters(c, &f, &phash) < 0 || page_parse(c, call_str(c, "NextToken"), phash, &p) < 0)
		return;
	size = page_size(c, limit ? limit : 1000, 1000);
	budget = size * 4 > 2000 ? size * 4 : 2000;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "AggregateComplianceByConfigRules");
	jw_arr(&w);
	k = p.a;
	r = p.b;
	j = p.c;
	for (; k < (uint32_t)o->naccounts; k++, r = 0, j = 0) {
		int a = o->by_id[k];
		if (f.a != -1 && f.a != a)
			continue;
		for (; r < (uint32_t)o->nregions; r++, j = 0) {
			int nr;
			if ((f.r != -1 && f.r != (int)r) || !cfg_agg_cell(o, a, (int)r))
				continue;
			if (scanned++ >= budget || emitted >= size)
				goto stop;
			nr = org_cell_rules(o, a, (int)r, rules, ORG_MAX_RULES);
			for (; j < (uint32_t)nr; j++) {
				if (emitted >= size)
					goto stop;
				if (f.rule && strcmp(f.rule, rules[j].name) != 0)
					continue;
				if (f.type_k >= 0 && f.type_k != rules[j].compliance)
					continue;
				jw_obj(&w);
				jw_kstr(&w, "ConfigRuleName", rules[j].name);
				cfg_compliance(&w, &rules[j]);
				jw_kstr(&w, "AccountId", o->accounts[a].id);
				jw_kstr(&w, "AwsRegion", o->regions[r].name);
				jw_end(&w);
				emitted++;
			}
		}
	}
	done = 1;
stop:
	jw_end(&w);
	if (!done) {
		struct page np = {.a = k, .b = r, .c = j, .page = p.page + 1};
		char *tok = page_token(c, phash, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static void
cfg_aggregate_summary(struct call *c)
{
	const struct org *o = c->org;
	const char *gb = call_str(c, "GroupByKey");
	struct cfg_filters f;
	long long limit;
	uint64_t phash;
	struct page p;
	struct jw w;
	int by_acct = 0, by_region = 0, emitted = 0, size, comp, nc, tc, tn, any;
	uint32_t g, ng;

	if (cfg_aggregator(c) < 0 || call_int(c, "Limit", 0, 1000, 0, &limit) < 0 ||
	    cfg_filters(c, &f, &phash) < 0)
		return;
	if (gb) {
		by_acct = strcmp(gb, "ACCOUNT_ID") == 0;
		by_region = strcmp(gb, "AWS_REGION") == 0;
		if (!by_acct && !by_region) {
			call_error(c, 400, "ValidationException",
			    "1 validation error detected: Value '%s' at 'groupByKey' failed to satisfy "
			    "constraint: Member must satisfy enum value set: [ACCOUNT_ID, AWS_REGION]", gb);
			return;
		}
	}
	phash = rnd_str(phash, gb);
	if (page_parse(c, call_str(c, "NextToken"), phash, &p) < 0)
		return;
	size = page_size(c, limit ? limit : 1000, 1000);
	ng = by_acct ? (uint32_t)o->naccounts : by_region ? (uint32_t)o->nregions : 1;
	call_json(c, &w);
	jw_obj(&w);
	if (gb)
		jw_kstr(&w, "GroupByKey", gb);
	jw_key(&w, "AggregateComplianceCounts");
	jw_arr(&w);
	for (g = p.a; g < ng && emitted < size; g++) {
		int a0 = 0, a1 = o->naccounts, r0 = 0, r1 = o->nregions, a, r;
		if (by_acct) {
			a0 = o->by_id[g];
			a1 = a0 + 1;
		} else if (by_region) {
			r0 = (int)g;
			r1 = r0 + 1;
		}
		tc = tn = any = 0;
		for (a = a0; a < a1; a++) {
			if (f.a != -1 && f.a != a)
				continue;
			for (r = r0; r < r1; r++) {
				if ((f.r != -1 && f.r != r) || !cfg_agg_cell(o, a, r))
					continue;
				org_cell_counts(o, a, r, &comp, &nc);
				tc += comp;
				tn += nc;
				any = 1;
			}
		}
		if (!any)
			continue;
		jw_obj(&w);
		if (by_acct)
			jw_kstr(&w, "GroupName", o->accounts[a0].id);
		else if (by_region)
			jw_kstr(&w, "GroupName", o->regions[r0].name);
		jw_key(&w, "ComplianceSummary");
		cfg_summary(c, &w, tc, tn);
		jw_end(&w);
		emitted++;
	}
	jw_end(&w);
	if (g < ng) {
		struct page np = {.a = g, .page = p.page + 1};
		char *tok = page_token(c, phash, &np);
		jw_kstr(&w, "NextToken", tok);
		free(tok);
	}
	jw_end(&w);
}

static struct op_def cfg_ops[] = {
	{.name = "GetComplianceSummaryByConfigRule", .fn = cfg_get_compliance_summary},
	{.name = "DescribeComplianceByConfigRule", .fn = cfg_describe_compliance},
	{.name = "DescribeConfigRules", .fn = cfg_describe_rules},
	{.name = "DescribeConfigurationAggregators", .fn = cfg_describe_aggregators},
	{.name = "DescribeAggregateComplianceByConfigRules", .fn = cfg_describe_aggregate_compliance},
	{.name = "GetAggregateConfigRuleComplianceSummary", .fn = cfg_aggregate_summary},
};

const struct svc_def svc_config = {
	.name = "config",
	.scope = "config",
	.proto = PROTO_JSON,
	.target = "StarlingDoveService",
	.scp = 1,
	.msg_key = "message",
	.throttle_status = 400,
	.throttle_code = "ThrottlingException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationException",
	.token_code = "InvalidNextTokenException",
	.ops = cfg_ops,
	.nops = (int)(sizeof(cfg_ops) / sizeof(cfg_ops[0])),
};
