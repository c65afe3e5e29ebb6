/*
 * svc_guardduty.c: Amazon GuardDuty (rest-json, camelCase): detectors,
 * finding statistics (old and groupBy forms), findings, members of the
 * delegated administrator.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/page.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

#define GD_MAX_CRIT 16

enum { F_SEVERITY, F_ARCHIVED, F_ACCOUNT, F_REGION, F_TYPE, F_ID, F_UPDATED, F_CREATED, F_RTYPE };
enum { OP_EQ, OP_NEQ, OP_GT, OP_GTE, OP_LT, OP_LTE };

static const char *const fields[] = {"severity", "service.archived", "accountId", "region", "type",
	"id", "updatedAt", "createdAt", "resource.resourceType"};

struct crit {
	int field, op;
	double num;
	const cJSON *vals;
};

struct criteria {
	struct crit c[GD_MAX_CRIT];
	int n;
};

/* A finding with where it lives. */
struct gfind {
	struct org_finding f;
	int a, r;
};

/* The detector named in the path, owned by the caller in this region. -1 after answering. */
static int
gd_detector(struct call *c)
{
	char id[33];

	org_detector_id(c->org, c->who.account, c->region, id);
	if (c->nlabels < 1 || !org_gd_enabled(c->org, c->who.account, c->region) ||
	    strcmp(c->labels[0], id) != 0) {
		call_error(c, 400, "BadRequestException",
		    "The request is rejected because the input detectorId is not owned by the current "
		    "account.");
		return -1;
	}
	return 0;
}

static int
gd_is_admin(const struct call *c)
{
	return svc_is_admin(c);
}

/* Whether the administrator sees account a's findings in region r. */
static int
gd_member(const struct org *o, int a, int r)
{
	return o->accounts[a].status == ORG_ACTIVE && org_region_enabled(o, a, r) &&
	    !org_scp_denies(o, a, r) && org_gd_enabled(o, a, r);
}

static int gd_bad(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
gd_bad(struct call *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	call_error(c, 400, "BadRequestException", "%s", msg);
	free(msg);
	return -1;
}

static int
gd_criteria(struct call *c, struct criteria *cr)
{
	const cJSON *fc = call_item(c, "findingCriteria"), *crit, *it, *op;
	static const char *const ops[][2] = {{"eq", "equals"}, {"neq", "notEquals"},
		{"gt", "greaterThan"}, {"gte", "greaterThanOrEqual"}, {"lt", "lessThan"},
		{"lte", "lessThanOrEqual"}};

	cr->n = 0;
	if (!fc)
		return 0;
	crit = cJSON_GetObjectItem(fc, "criterion");
	if (!cJSON_IsObject(fc) || (crit && !cJSON_IsObject(crit)))
		return gd_bad(c, "The request is rejected because the %s is invalid.", "findingCriteria");
	cJSON_ArrayForEach(it, crit) {
		int f;
		for (f = 0; f < (int)(sizeof(fields) / sizeof(fields[0])); f++)
			if (strcmp(it->string, fields[f]) == 0)
				break;
		if (f == (int)(sizeof(fields) / sizeof(fields[0])))
			return gd_bad(c, "The request is rejected because the criterion field %s is not "
			    "supported by awsim.", it->string);
		cJSON_ArrayForEach(op, it) {
			int k;
			struct crit *x;
			for (k = 0; k < 6; k++)
				if (strcmp(op->string, ops[k][0]) == 0 || strcmp(op->string, ops[k][1]) == 0)
					break;
			if (k == 6)
				return gd_bad(c, "The request is rejected because the operator %s is not "
				    "supported.", op->string);
			if (cr->n >= GD_MAX_CRIT)
				return gd_bad(c, "%s", "The request is rejected because of too many criteria.");
			x = &cr->c[cr->n++];
			x->field = f;
			x->op = k;
			x->vals = NULL;
			if (k <= OP_NEQ) {
				if (!cJSON_IsArray(op))
					return gd_bad(c, "The request is rejected because %s needs a list.",
					    op->string);
				/* The model: "Max values: 50" for eq/equals/neq/notEquals. */
				if (cJSON_GetArraySize(op) > 50)
					return gd_bad(c, "The request is rejected because the criterion %s "
					    "%s has more than 50 values.", it->string, op->string);
				x->vals = op;
			} else {
				if (!cJSON_IsNumber(op))
					return gd_bad(c, "The request is rejected because %s needs a number.",
					    op->string);
				x->num = op->valuedouble;
			}
		}
	}
	return 0;
}

static double
gd_num(const struct gfind *g, int field)
{
	switch (field) {
	case F_SEVERITY: return g->f.severity;
	case F_UPDATED: return g->f.updated * 1000.0;
	case F_CREATED: return g->f.created * 1000.0;
	default: return 0;
	}
}

static void
gd_str(const struct call *c, const struct gfind *g, int field, char *out, size_t len)
{
	switch (field) {
	case F_ARCHIVED: snprintf(out, len, "%s", g->f.archived ? "true" : "false"); break;
	case F_ACCOUNT: snprintf(out, len, "%s", c->org->accounts[g->a].id); break;
	case F_REGION: snprintf(out, len, "%s", c->org->regions[g->r].name); break;
	case F_TYPE: snprintf(out, len, "%s", g->f.type); break;
	case F_RTYPE: snprintf(out, len, "%s", g->f.resource_type); break;
	case F_ID: {
		char id[33];
		org_finding_id(c->org, g->a, g->r, g->f.idx, id);
		snprintf(out, len, "%s", id);
		break;
	}
	default: snprintf(out, len, "%.15g", gd_num(g, field)); break;
	}
}

static int
gd_match(const struct call *c, const struct criteria *cr, const struct gfind *g)
{
	int i;

	for (i = 0; i < cr->n; i++) {
		const struct crit *x = &cr->c[i];
		int numeric = x->field == F_SEVERITY || x->field == F_UPDATED || x->field == F_CREATED;
		if (x->op <= OP_NEQ) {
			const cJSON *v;
			char s[256];
			int hit = 0;
			gd_str(c, g, x->field, s, sizeof(s));
			cJSON_ArrayForEach(v, x->vals) {
				if (cJSON_IsString(v)) {
					if (numeric)
						hit |= fabs(strtod(v->valuestring, NULL) - gd_num(g, x->field)) < 1e-9;
					else
						hit |= strcmp(v->valuestring, s) == 0;
				} else if (cJSON_IsNumber(v) && numeric)
					hit |= fabs(v->valuedouble - gd_num(g, x->field)) < 1e-9;
			}
			if (hit != (x->op == OP_EQ))
				return 0;
		} else {
			double v = gd_num(g, x->field);
			if ((x->op == OP_GT && !(v > x->num)) || (x->op == OP_GTE && !(v >= x->num)) ||
			    (x->op == OP_LT && !(v < x->num)) || (x->op == OP_LTE && !(v <= x->num)))
				return 0;
		}
	}
	return 1;
}

/*
 * The accounts an accountId equals criterion names (indices, unknown ids
 * dropped), so the administrator's calls for a few accounts of a large
 * organization do not generate every member's findings; NULL when the
 * criteria name none. Caller frees.
 */
static int *
gd_account_filter(const struct call *c, const struct criteria *cr, int *n)
{
	const cJSON *v;
	int *out = NULL, i, m = 0;

	for (i = 0; i < cr->n; i++) {
		if (cr->c[i].field == F_ACCOUNT && cr->c[i].op == OP_EQ)
			break;
	}
	if (i == cr->n)
		return NULL;
	out = xcalloc((size_t)cJSON_GetArraySize(cr->c[i].vals) + 1, sizeof(*out));
	cJSON_ArrayForEach(v, cr->c[i].vals) {
		int a = cJSON_IsString(v) ? org_account_find(c->org, v->valuestring) : -1, j;

		for (j = 0; j < m && out[j] != a; j++)
			;
		if (a >= 0 && j == m)
			out[m++] = a;
	}
	*n = m;
	return out;
}

/* Every finding the caller's detector sees that matches; caller frees. */
static struct gfind *
gd_collect(struct call *c, const struct criteria *cr, int *n)
{
	const struct org *o = c->org;
	static __thread struct org_finding buf[ORG_MAX_FINDINGS];
	struct gfind *out = NULL;
	size_t cap = 0, cnt = 0;
	int a0 = c->who.account, a1 = a0 + 1, a, i, m;

	int *only = NULL, nonly = 0, k;

	if (gd_is_admin(c)) {
		a0 = 0;
		a1 = o->naccounts;
		only = gd_account_filter(c, cr, &nonly);
		if (only != NULL) {
			a0 = 0;
			a1 = nonly;
		}
	}
	for (k = a0; k < a1; k++) {
		a = only != NULL ? only[k] : k;
		if (a != c->who.account && !gd_member(o, a, c->region))
			continue;
		m = org_cell_findings(o, a, c->region, buf, ORG_MAX_FINDINGS);
		for (i = 0; i < m; i++) {
			struct gfind g = {.f = buf[i], .a = a, .r = c->region};
			if (!gd_match(c, cr, &g))
				continue;
			if (cnt == cap) {
				cap = cap ? cap * 2 : 64;
				out = xreallocarray(out, cap, sizeof(*out));
			}
			out[cnt++] = g;
		}
	}
	free(only);
	*n = (int)cnt;
	return out;
}

static void
gd_list_detectors(struct call *c)
{
	struct page p;
	struct jw w;
	long long max;
	char id[33];

	if (call_int(c, "maxResults", 1, 50, 0, &max) < 0 ||
	    page_parse(c, call_param(c, "nextToken"), 5, &p) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "detectorIds");
	jw_arr(&w);
	if (p.a == 0 && org_gd_enabled(c->org, c->who.account, c->region)) {
		org_detector_id(c->org, c->who.account, c->region, id);
		jw_str(&w, id);
	}
	jw_end(&w);
	jw_kstr(&w, "nextToken", "");
	jw_end(&w);
}

static void
gd_get_detector(struct call *c)
{
	struct jw w;
	char t[32], arn[200];

	if (gd_detector(c) < 0)
		return;
	call_json(c, &w);
	jw_obj(&w);
	iso_ms(c->org->start - 86400 * 300, t, sizeof(t));
	jw_kstr(&w, "createdAt", t);
	jw_kstr(&w, "findingPublishingFrequency", "SIX_HOURS");
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/"
	    "AWSServiceRoleForAmazonGuardDuty", svc_caller_id(c));
	jw_kstr(&w, "serviceRole", arn);
	jw_kstr(&w, "status", "ENABLED");
	iso_ms(c->org->start - 86400 * 3, t, sizeof(t));
	jw_kstr(&w, "updatedAt", t);
	jw_key(&w, "features");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "CLOUD_TRAIL");
	jw_kstr(&w, "status", "ENABLED");
	jw_ktime(&w, "updatedAt", c->org->start - 86400 * 3);
	jw_end(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "S3_DATA_EVENTS");
	jw_kstr(&w, "status", "ENABLED");
	jw_ktime(&w, "updatedAt", c->org->start - 86400 * 3);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "tags");
	jw_raw(&w, "{}");
	jw_end(&w);
}

struct group {
	char key[160];
	const struct gfind *g;
	long long total;
	double last;
	double max_sev;
};

static int
cmp_gkey(const void *x, const void *y)
{
	return strcmp(((const struct group *)x)->key, ((const struct group *)y)->key);
}

static int gd_order_desc;
static pthread_mutex_t gd_sort_mu = PTHREAD_MUTEX_INITIALIZER;

static int
cmp_total(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->total != b->total)
		return gd_order_desc ? (a->total < b->total ? 1 : -1) : (a->total < b->total ? -1 : 1);
	return strcmp(a->key, b->key);
}

static void
gd_statistics(struct call *c)
{
	const cJSON *types = call_item(c, "findingStatisticTypes");
	const char *group_by = call_str(c, "groupBy"), *order = call_str(c, "orderBy");
	struct criteria cr;
	struct gfind *fs;
	struct group *gs;
	long long max;
	int n, i, ng = 0, kind = -1;
	struct jw w;
	static const char *const kinds[] = {"ACCOUNT", "DATE", "FINDING_TYPE", "RESOURCE", "SEVERITY"};

	if (gd_detector(c) < 0 || gd_criteria(c, &cr) < 0)
		return;
	if ((types && group_by) || (!types && !group_by)) {
		call_error(c, 400, "BadRequestException",
		    "The request is rejected because you must provide either findingStatisticTypes or "
		    "groupBy parameter, and not both.");
		return;
	}
	if (types) {
		if (call_item(c, "maxResults") || order) {
			call_error(c, 400, "BadRequestException",
			    "The request is rejected because maxResults and orderBy can only be used with "
			    "groupBy.");
			return;
		}
		if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != 1 ||
		    !cJSON_IsString(cJSON_GetArrayItem(types, 0)) ||
		    strcmp(cJSON_GetArrayItem(types, 0)->valuestring, "COUNT_BY_SEVERITY") != 0) {
			call_error(c, 400, "BadRequestException",
			    "The request is rejected because findingStatisticTypes must be "
			    "[\"COUNT_BY_SEVERITY\"].");
			return;
		}
	} else {
		for (i = 0; i < 5; i++)
			if (strcmp(group_by, kinds[i]) == 0)
				kind = i;
		if (kind < 0 || (order && strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0)) {
			call_error(c, 400, "BadRequestException",
			    "The request is rejected because an invalid or out-of-range value is specified "
			    "as an input parameter.");
			return;
		}
	}
	if (call_int(c, "maxResults", 1, 100, 25, &max) < 0)
		return;
	fs = gd_collect(c, &cr, &n);
	gs = xcalloc((size_t)n + 1, sizeof(*gs));
	for (i = 0; i < n; i++) {
		struct group *g = &gs[i];
		const struct gfind *f = &fs[i];
		g->g = f;
		g->total = 1;
		g->last = f->f.updated;
		g->max_sev = f->f.severity;
		if (types || kind == 4)
			snprintf(g->key, sizeof(g->key), "%08.1f", f->f.severity);
		else if (kind == 0)
			snprintf(g->key, sizeof(g->key), "%s", c->org->accounts[f->a].id);
		else if (kind == 1) {
			char d[32];
			iso_s(f->f.updated, d, sizeof(d));
			snprintf(g->key, sizeof(g->key), "%.10s", d);
		} else if (kind == 2)
			snprintf(g->key, sizeof(g->key), "%s", f->f.type);
		else
			snprintf(g->key, sizeof(g->key), "%s\t%s", c->org->accounts[f->a].id,
			    f->f.resource_id);
	}
	qsort(gs, (size_t)n, sizeof(*gs), cmp_gkey);
	for (i = 0; i < n; i++) {
		if (ng > 0 && strcmp(gs[ng - 1].key, gs[i].key) == 0) {
			gs[ng - 1].total++;
			if (gs[i].last > gs[ng - 1].last)
				gs[ng - 1].last = gs[i].last;
			if (gs[i].max_sev > gs[ng - 1].max_sev)
				gs[ng - 1].max_sev = gs[i].max_sev;
		} else
			gs[ng++] = gs[i];
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "findingStatistics");
	jw_obj(&w);
	if (types) {
		jw_key(&w, "countBySeverity");
		jw_obj(&w);
		for (i = 0; i < ng; i++) {
			char k[32];
			snprintf(k, sizeof(k), "%.1f", gs[i].g->f.severity);
			jw_kint(&w, k, gs[i].total);
		}
		jw_end(&w);
	} else {
		static const char *const keys[] = {"groupedByAccount", "groupedByDate",
			"groupedByFindingType", "groupedByResource", "groupedBySeverity"};
		pthread_mutex_lock(&gd_sort_mu);
		gd_order_desc = !order || strcmp(order, "DESC") == 0;
		qsort(gs, (size_t)ng, sizeof(*gs), cmp_total);
		pthread_mutex_unlock(&gd_sort_mu);
		if (ng > max)
			ng = (int)max;
		jw_key(&w, keys[kind]);
		jw_arr(&w);
		for (i = 0; i < ng; i++) {
			const struct gfind *f = gs[i].g;
			jw_obj(&w);
			if (kind == 0)
				jw_kstr(&w, "accountId", c->org->accounts[f->a].id);
			else if (kind == 1) {
				jw_ktime(&w, "date", floor(f->f.updated / 86400.0) * 86400.0);
				jw_key(&w, "severity");
				jw_dbl(&w, gs[i].max_sev, 1);
			} else if (kind == 2)
				jw_kstr(&w, "findingType", f->f.type);
			else if (kind == 3) {
				jw_kstr(&w, "accountId", c->org->accounts[f->a].id);
				jw_kstr(&w, "resourceId", f->f.resource_id);
				jw_kstr(&w, "resourceType", f->f.resource_type);
			} else {
				jw_key(&w, "severity");
				jw_dbl(&w, f->f.severity, 1);
			}
			jw_kint(&w, "totalFindings", gs[i].total);
			jw_ktime(&w, "lastGeneratedAt", gs[i].last);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	free(gs);
	free(fs);
}

static int gd_sort_field, gd_sort_desc;
static const struct call *gd_sort_call;

static int
cmp_find(const void *x, const void *y)
{
	const struct gfind *a = x, *b = y;
	int r = 0;

	switch (gd_sort_field) {
	case F_SEVERITY:
	case F_UPDATED:
	case F_CREATED: {
		double u = gd_num(a, gd_sort_field), v = gd_num(b, gd_sort_field);
		r = u < v ? -1 : u > v;
		break;
	}
	default: {
		char s[256], t[256];
		gd_str(gd_sort_call, a, gd_sort_field, s, sizeof(s));
		gd_str(gd_sort_call, b, gd_sort_field, t, sizeof(t));
		r = strcmp(s, t);
		break;
	}
	}
	if (gd_sort_desc)
		r = -r;
	if (!r) /* a stable tie-break: account, then index */
		r = a->a != b->a ? (a->a < b->a ? -1 : 1) : (a->f.idx < b->f.idx ? -1 : a->f.idx > b->f.idx);
	return r;
}


/* Sorts by sortCriteria; -1 after answering. */
static int
gd_sort(struct call *c, struct gfind *fs, int n, uint64_t *phash)
{
	const cJSON *sc = call_item(c, "sortCriteria");
	const char *attr = "updatedAt", *order = "DESC";
	int f;

	if (sc) {
		const char *x = cJSON_GetStringValue(cJSON_GetObjectItem(sc, "attributeName"));
		const char *y = cJSON_GetStringValue(cJSON_GetObjectItem(sc, "orderBy"));
		if (x)
			attr = x;
		if (y)
			order = y;
	}
	for (f = 0; f < (int)(sizeof(fields) / sizeof(fields[0])); f++)
		if (strcmp(attr, fields[f]) == 0)
			break;
	if (f == (int)(sizeof(fields) / sizeof(fields[0])) ||
	    (strcmp(order, "ASC") != 0 && strcmp(order, "DESC") != 0)) {
		call_error(c, 400, "BadRequestException",
		    "The request is rejected because the sortCriteria is invalid.");
		return -1;
	}
	*phash = rnd_str(rnd_str(*phash, attr), order);
	pthread_mutex_lock(&gd_sort_mu);
	gd_sort_field = f;
	gd_sort_desc = strcmp(order, "DESC") == 0;
	gd_sort_call = c;
	if (n > 1) /* fs is NULL when nothing matched: qsort(NULL, 0) is undefined */
		qsort(fs, (size_t)n, sizeof(*fs), cmp_find);
	pthread_mutex_unlock(&gd_sort_mu);
	return 0;
}

static void
gd_list_findings(struct call *c)
{
	struct criteria cr;
	struct gfind *fs;
	struct page p;
	struct jw w;
	long long max;
	uint64_t phash = 9;
	int n, i, size;
	char *body = cJSON_PrintUnformatted(call_item(c, "findingCriteria"));

	if (gd_detector(c) < 0 || gd_criteria(c, &cr) < 0 ||
	    call_int(c, "maxResults", 1, 50, 50, &max) < 0) {
		free(body);
		return;
	}
	phash = rnd_str(phash, body);
	free(body);
	fs = gd_collect(c, &cr, &n);
	if (gd_sort(c, fs, n, &phash) < 0 ||
	    page_parse(c, call_str(c, "nextToken"), phash, &p) < 0) {
		free(fs);
		return;
	}
	size = page_size(c, max, 50);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "findingIds");
	jw_arr(&w);
	for (i = (int)p.a; i < n && i < (int)p.a + size; i++) {
		char id[33];
		org_finding_id(c->org, fs[i].a, fs[i].r, fs[i].f.idx, id);
		jw_str(&w, id);
	}
	jw_end(&w);
	if (i < n) {
		struct page np = {.a = (uint32_t)i, .page = p.page + 1};
		char *tok = page_token(c, phash, &np);
		jw_kstr(&w, "nextToken", tok);
		free(tok);
	} else
		jw_kstr(&w, "nextToken", "");
	jw_end(&w);
	free(fs);
}

static void
gd_write_finding(struct call *c, struct jw *w, const struct gfind *g)
{
	const struct org *o = c->org;
	const char *acct = o->accounts[g->a].id, *rn = o->regions[g->r].name;
	char id[33], det[33], t[32], arn[256];

	org_finding_id(o, g->a, g->r, g->f.idx, id);
	org_detector_id(o, g->a, g->r, det);
	jw_obj(w);
	jw_kstr(w, "accountId", acct);
	snprintf(arn, sizeof(arn), "arn:aws:guardduty:%s:%s:detector/%s/finding/%s", rn, acct, det, id);
	jw_kstr(w, "arn", arn);
	iso_ms(g->f.created, t, sizeof(t));
	jw_kstr(w, "createdAt", t);
	iso_ms(g->f.updated, t, sizeof(t));
	jw_kstr(w, "updatedAt", t);
	jw_kstr(w, "id", id);
	jw_kstr(w, "partition", "aws");
	jw_kstr(w, "region", rn);
	jw_key(w, "resource");
	jw_obj(w);
	jw_kstr(w, "resourceType", g->f.resource_type);
	if (strcmp(g->f.resource_type, "Instance") == 0) {
		jw_key(w, "instanceDetails");
		jw_obj(w);
		jw_kstr(w, "instanceId", g->f.resource_id);
		jw_kstr(w, "instanceType", "m5.large");
		jw_end(w);
	} else if (strcmp(g->f.resource_type, "S3Bucket") == 0) {
		jw_key(w, "s3BucketDetails");
		jw_arr(w);
		jw_obj(w);
		jw_kstr(w, "name", g->f.resource_id);
		snprintf(arn, sizeof(arn), "arn:aws:s3:::%s", g->f.resource_id);
		jw_kstr(w, "arn", arn);
		jw_kstr(w, "type", "Destination");
		jw_end(w);
		jw_end(w);
	} else {
		jw_key(w, "accessKeyDetails");
		jw_obj(w);
		jw_kstr(w, "accessKeyId", g->f.resource_id);
		jw_kstr(w, "principalId", "AROASIMEXAMPLEPRINCIPAL");
		jw_kstr(w, "userName", "deploy-bot");
		jw_kstr(w, "userType", "AssumedRole");
		jw_end(w);
	}
	jw_end(w);
	jw_kstr(w, "schemaVersion", "2.0");
	jw_key(w, "severity");
	jw_dbl(w, g->f.severity, 1);
	jw_kstr(w, "title", g->f.title);
	jw_kstr(w, "type", g->f.type);
	jw_kstr(w, "description", g->f.desc);
	jw_key(w, "service");
	jw_obj(w);
	jw_kbool(w, "archived", g->f.archived);
	jw_kint(w, "count", g->f.count);
	jw_kstr(w, "detectorId", det);
	iso_ms(g->f.created, t, sizeof(t));
	jw_kstr(w, "eventFirstSeen", t);
	iso_ms(g->f.updated, t, sizeof(t));
	jw_kstr(w, "eventLastSeen", t);
	jw_kstr(w, "serviceName", "guardduty");
	jw_kstr(w, "resourceRole", "TARGET");
	jw_end(w);
	jw_end(w);
}

static void
gd_get_findings(struct call *c)
{
	const cJSON *ids = call_item(c, "findingIds"), *it;
	static __thread struct org_finding buf[ORG_MAX_FINDINGS];
	struct gfind *fs;
	int n = 0, i;
	uint64_t ph = 0;
	struct jw w;

	if (gd_detector(c) < 0)
		return;
	if (!ids) {
		call_error(c, 400, "BadRequestException",
		    "The request is rejected because the input findingIds is missing.");
		return;
	}
	if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) > 50) {
		call_error(c, 400, "BadRequestException",
		    "The request is rejected because findingIds has more than 50 items.");
		return;
	}
	fs = xcalloc((size_t)cJSON_GetArraySize(ids) + 1, sizeof(*fs));
	cJSON_ArrayForEach(it, ids) {
		int a, r, m, k;
		uint32_t idx;
		if (!cJSON_IsString(it) || org_finding_parse(c->org, it->valuestring, &a, &r, &idx) < 0)
			continue;
		if (r != c->region || (a != c->who.account && !(gd_is_admin(c) && gd_member(c->org, a, r))))
			continue;
		m = org_cell_findings(c->org, a, r, buf, ORG_MAX_FINDINGS);
		for (k = 0; k < m; k++)
			if (buf[k].idx == idx) {
				fs[n].f = buf[k];
				fs[n].a = a;
				fs[n].r = r;
				n++;
				break;
			}
	}
	if (call_item(c, "sortCriteria") && gd_sort(c, fs, n, &ph) < 0) {
		free(fs);
		return;
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "findings");
	jw_arr(&w);
	for (i = 0; i < n; i++)
		gd_write_finding(c, &w, &fs[i]);
	jw_end(&w);
	jw_end(&w);
	free(fs);
}

static void
gd_list_members(struct call *c)
{
	const struct org *o = c->org;
	struct page p;
	struct jw w;
	long long max;
	int size, emitted = 0;
	uint32_t k;
	char det[33], t[32];

	if (gd_detector(c) < 0 || call_int(c, "maxResults", 1, 50, 50, &max) < 0 ||
	    page_parse(c, call_param(c, "nextToken"), 13, &p) < 0)
		return;
	size = page_size(c, max, 50);
	call_json(c, &w);
	jw_obj(&w);
	jw_key(&w, "members");
	jw_arr(&w);
	k = p.a;
	if (gd_is_admin(c)) {
		for (; k < (uint32_t)o->naccounts && emitted < size; k++) {
			int a = o->by_id[k];
			if (a == c->who.account || !gd_member(o, a, c->region))
				continue;
			org_detector_id(o, a, c->region, det);
			jw_obj(&w);
			jw_kstr(&w, "accountId", o->accounts[a].id);
			jw_kstr(&w, "detectorId", det);
			jw_kstr(&w, "masterId", svc_caller_id(c));
			jw_kstr(&w, "administratorId", svc_caller_id(c));
			jw_kstr(&w, "email", o->accounts[a].email);
			jw_kstr(&w, "relationshipStatus", "Enabled");
			iso_ms(o->accounts[a].joined + 86400, t, sizeof(t));
			jw_kstr(&w, "invitedAt", t);
			jw_kstr(&w, "updatedAt", t);
			jw_end(&w);
			emitted++;
		}
		while (k < (uint32_t)o->naccounts &&
		    (o->by_id[k] == c->who.account || !gd_member(o, o->by_id[k], c->region)))
			k++;
	} else
		k = (uint32_t)o->naccounts;
	jw_end(&w);
	if (k < (uint32_t)o->naccounts) {
		struct page np = {.a = k, .page = p.page + 1};
		char *tok = page_token(c, 13, &np);
		jw_kstr(&w, "nextToken", tok);
		free(tok);
	} else
		jw_kstr(&w, "nextToken", "");
	jw_end(&w);
}

static struct op_def gd_ops[] = {
	{.name = "ListDetectors", .method = "GET", .path = "/detector", .fn = gd_list_detectors},
	{.name = "GetDetector", .method = "GET", .path = "/detector/{}", .fn = gd_get_detector},
	{.name = "GetFindingsStatistics", .method = "POST", .path = "/detector/{}/findings/statistics",
	    .fn = gd_statistics},
	{.name = "ListFindings", .method = "POST", .path = "/detector/{}/findings",
	    .fn = gd_list_findings},
	{.name = "GetFindings", .method = "POST", .path = "/detector/{}/findings/get",
	    .fn = gd_get_findings},
	{.name = "ListMembers", .method = "GET", .path = "/detector/{}/member", .fn = gd_list_members},
};

const struct svc_def svc_guardduty = {
	.name = "guardduty",
	.scope = "guardduty",
	.proto = PROTO_RESTJSON,
	.scp = 1,
	.msg_key = "message",
	.throttle_status = 429,
	.throttle_code = "TooManyRequestsException",
	.throttle_msg = "Rate exceeded",
	.validation_code = "BadRequestException",
	.token_code = "BadRequestException",
	.ops = gd_ops,
	.nops = (int)(sizeof(gd_ops) / sizeof(gd_ops[0])),
};
