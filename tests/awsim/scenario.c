/*
 * scenario.c: loading and validating scenario files.
 */
#include "tests/awsim/scenario.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/faults.h"
#include "tests/awsim/gen.h"

struct sctx {
	const char *file;
	struct org *o;
	char **cause;
};

static int
fail(struct sctx *s, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct sctx *s, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*s->cause = xasprintf("%s: %s: %s", s->file, path, msg);
	free(msg);
	return -1;
}

static char *
slurp(const char *path, size_t *len, char **cause)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[65536];
	size_t n;

	if (!f) {
		*cause = xasprintf("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	*len = b.len;
	{
		char *out = buf_detach(&b);
		buf_done(&b);
		return out;
	}
}

static cJSON *
parse_file(const char *path, char **cause)
{
	size_t len = 0, i;
	char *text = slurp(path, &len, cause);
	cJSON *j;
	const char *err;
	int line = 1, col = 1;

	if (!text)
		return NULL;
	j = cJSON_ParseWithLength(text, len);
	if (!j) {
		err = cJSON_GetErrorPtr();
		for (i = 0; err && text + i < err && i < len; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else
				col++;
		}
		*cause = xasprintf("%s:%d:%d: not valid JSON", path, line, col);
	} else if (!cJSON_IsObject(j)) {
		*cause = xasprintf("%s: $: expected a JSON object at the top", path);
		cJSON_Delete(j);
		j = NULL;
	}
	free(text);
	return j;
}

/* Checks that every member of obj is one of the NULL-terminated names. */
static int
known_keys(struct sctx *s, const cJSON *obj, const char *path, const char *const *names)
{
	const cJSON *it;
	struct buf list;
	size_t i;

	cJSON_ArrayForEach(it, obj) {
		for (i = 0; names[i] && strcmp(names[i], it->string) != 0; i++)
			;
		if (names[i])
			continue;
		buf_init(&list);
		for (i = 0; names[i]; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
		fail(s, path, "unknown member \"%s\" (expected one of: %s)", it->string, list.data);
		buf_done(&list);
		return -1;
	}
	return 0;
}

static const char *
str_or(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : def;
}

static int
ou_path(struct sctx *s, const char *path, const char *jpath)
{
	struct org *o = s->o;
	char *copy, *p, *slash;
	int parent = 0;

	if (strcmp(path, "Root") == 0 || strcmp(path, "") == 0 || strcmp(path, "/") == 0)
		return 0;
	if (strncmp(path, "Root/", 5) == 0)
		path += 5;
	copy = xstrdup(path);
	for (p = copy; p && *p; p = slash ? slash + 1 : NULL) {
		int i, found = -1;
		slash = strchr(p, '/');
		if (slash)
			*slash = 0;
		if (!*p) {
			free(copy);
			return fail(s, jpath, "empty OU name in path \"%s\"", path);
		}
		for (i = 0; i < o->nous; i++)
			if (o->ous[i].parent == parent && strcmp(o->ous[i].name, p) == 0)
				found = i;
		if (found < 0) {
			struct org_ou *ou;
			o->ous = xreallocarray(o->ous, (size_t)o->nous + 1, sizeof(*o->ous));
			ou = &o->ous[o->nous];
			memset(ou, 0, sizeof(*ou));
			gen_ou_id(o, o->nous, ou->id, sizeof(ou->id));
			ou->name = xstrdup(p);
			ou->path = xasprintf("%s/%s", o->ous[parent].path, p);
			ou->parent = parent;
			found = o->nous++;
		}
		parent = found;
	}
	free(copy);
	return parent;
}

static int
regions(struct sctx *s, const cJSON *arr)
{
	static const char *const optin[] = {"af-south-1", "ap-east-1", "eu-south-1", "me-south-1",
		"me-central-1", "eu-central-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
		"il-central-1", "ca-west-1", "eu-south-2", "mx-central-1", "ap-southeast-5",
		"ap-southeast-7", NULL};
	const cJSON *it;
	char path[64];
	int i = 0;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return fail(s, "$.regions", "expected a non-empty list of region names");
	cJSON_ArrayForEach(it, arr) {
		const char *name = NULL;
		int opt = -1, k;
		snprintf(path, sizeof(path), "$.regions[%d]", i++);
		if (cJSON_IsObject(it)) {
			const cJSON *oi = cJSON_GetObjectItem(it, "opt_in");
			static const char *const keys[] = {"name", "opt_in", NULL};
			if (known_keys(s, it, path, keys) < 0)
				return -1;
			name = str_or(it, "name", NULL);
			if (oi)
				opt = cJSON_IsTrue(oi);
		} else if (cJSON_IsString(it))
			name = it->valuestring;
		if (!name || !*name)
			return fail(s, path, "expected a region name or {\"name\", \"opt_in\"}");
		if (opt < 0)
			for (opt = 0, k = 0; optin[k]; k++)
				opt |= strcmp(optin[k], name) == 0;
		if (org_region_add(s->o, name, opt) < 0)
			return fail(s, path, "too many regions (at most %d) or name too long", ORG_MAX_REGIONS);
	}
	return 0;
}

static int
principal_find(struct org_principal *list, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return i;
	return -1;
}

static void
principal_id(struct org *o, int kind, int k, char *out, size_t len)
{
	snprintf(out, len, "906740a8e1-%08llx-%04x-%04x-%04x-%012llx",
	    (unsigned long long)(o->seed & 0xffffffff), kind, k & 0xffff, 0x5c3e,
	    (unsigned long long)(k * 7919ULL + 13));
}

static int
add_user(struct org *o, const char *name, const char *display)
{
	struct org_principal *p;

	o->users = xreallocarray(o->users, (size_t)o->nusers + 1, sizeof(*o->users));
	p = &o->users[o->nusers];
	memset(p, 0, sizeof(*p));
	principal_id(o, 1, o->nusers, p->id, sizeof(p->id));
	p->name = xstrdup(name);
	p->display = xstrdup(display ? display : name);
	p->email = strchr(name, '@') ? xstrdup(name) : NULL;
	return o->nusers++;
}

static int
add_group(struct org *o, const char *name)
{
	struct org_principal *p;

	o->groups = xreallocarray(o->groups, (size_t)o->ngroups + 1, sizeof(*o->groups));
	p = &o->groups[o->ngroups];
	memset(p, 0, sizeof(*p));
	principal_id(o, 2, o->ngroups, p->id, sizeof(p->id));
	p->name = xstrdup(name);
	p->display = xstrdup(name);
	return o->ngroups++;
}

static int
add_pset(struct org *o, const char *name)
{
	struct org_pset *p;
	int i;

	for (i = 0; i < o->npsets; i++)
		if (strcmp(o->psets[i].name, name) == 0)
			return i;
	o->psets = xreallocarray(o->psets, (size_t)o->npsets + 1, sizeof(*o->psets));
	p = &o->psets[o->npsets];
	memset(p, 0, sizeof(*p));
	snprintf(p->arn, sizeof(p->arn), "arn:aws:sso:::permissionSet/ssoins-%016llx/ps-%016llx",
	    (unsigned long long)(o->seed * 2654435761ULL), (unsigned long long)(o->npsets + 1) * 0x9e37ULL);
	p->name = xstrdup(name);
	p->desc = xasprintf("%s (scenario)", name);
	p->duration = xstrdup("PT8H");
	return o->npsets++;
}

static int
identity(struct sctx *s, const cJSON *root)
{
	struct org *o = s->o;
	const cJSON *it, *arr;
	char path[64];
	int i;

	arr = cJSON_GetObjectItem(root, "users");
	if (arr) {
		if (!cJSON_IsArray(arr))
			return fail(s, "$.users", "expected a list");
		i = 0;
		cJSON_ArrayForEach(it, arr) {
			static const char *const keys[] = {"user_name", "display_name", NULL};
			snprintf(path, sizeof(path), "$.users[%d]", i++);
			if (cJSON_IsString(it))
				add_user(o, it->valuestring, NULL);
			else if (cJSON_IsObject(it) && known_keys(s, it, path, keys) == 0 &&
			    str_or(it, "user_name", NULL))
				add_user(o, str_or(it, "user_name", NULL), str_or(it, "display_name", NULL));
			else
				return *s->cause ? -1 : fail(s, path,
				    "expected a user name or {\"user_name\", \"display_name\"}");
		}
	}
	arr = cJSON_GetObjectItem(root, "groups");
	if (arr) {
		if (!cJSON_IsArray(arr))
			return fail(s, "$.groups", "expected a list of group names");
		i = 0;
		cJSON_ArrayForEach(it, arr) {
			snprintf(path, sizeof(path), "$.groups[%d]", i++);
			if (!cJSON_IsString(it))
				return fail(s, path, "expected a group name");
			add_group(o, it->valuestring);
		}
	}
	arr = cJSON_GetObjectItem(root, "permission_sets");
	if (arr) {
		if (!cJSON_IsArray(arr))
			return fail(s, "$.permission_sets", "expected a list of names");
		i = 0;
		cJSON_ArrayForEach(it, arr) {
			snprintf(path, sizeof(path), "$.permission_sets[%d]", i++);
			if (!cJSON_IsString(it))
				return fail(s, path, "expected a permission set name");
			add_pset(o, it->valuestring);
		}
	}
	return 0;
}

static int
num(struct sctx *s, const cJSON *it, const char *path, double lo, double hi, double *out)
{
	if (!cJSON_IsNumber(it) || it->valuedouble < lo || it->valuedouble > hi)
		return fail(s, path, "expected a number from %g to %g", lo, hi);
	*out = it->valuedouble;
	return 0;
}

static int
compliance_code(const char *s)
{
	static const char *const names[] = {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE",
		"INSUFFICIENT_DATA"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int
cell(struct sctx *s, const cJSON *j, const char *path, struct org_scell *c)
{
	static const char *const keys[] = {"config", "guardduty", "spend", NULL};
	const cJSON *cfg, *gd, *sp, *it;
	char p[512];
	double v = 0;
	int i;

	if (!cJSON_IsObject(j))
		return fail(s, path, "expected an object with config, guardduty, spend");
	if (known_keys(s, j, path, keys) < 0)
		return -1;
	cfg = cJSON_GetObjectItem(j, "config");
	if (cfg) {
		snprintf(p, sizeof(p), "%s.config", path);
		if (cJSON_IsString(cfg) && strcmp(cfg->valuestring, "disabled") == 0)
			c->config_mode = 0;
		else if (cJSON_IsObject(cfg) && cJSON_GetObjectItem(cfg, "rules")) {
			const cJSON *rules = cJSON_GetObjectItem(cfg, "rules");
			static const char *const rk[] = {"rules", NULL};
			if (known_keys(s, cfg, p, rk) < 0)
				return -1;
			if (!cJSON_IsArray(rules))
				return fail(s, p, "rules: expected a list");
			c->config_mode = 2;
			c->nrules = 0;
			c->rules = xcalloc((size_t)cJSON_GetArraySize(rules) + 1, sizeof(*c->rules));
			i = 0;
			cJSON_ArrayForEach(it, rules) {
				static const char *const ruk[] = {"name", "compliance", "resources", NULL};
				char rp[560];
				struct org_srule *r = &c->rules[c->nrules];
				snprintf(rp, sizeof(rp), "%s.rules[%d]", p, i++);
				if (!cJSON_IsObject(it) || known_keys(s, it, rp, ruk) < 0)
					return *s->cause ? -1 : fail(s, rp, "expected {\"name\", \"compliance\", \"resources\"}");
				if (!str_or(it, "name", NULL))
					return fail(s, rp, "name: expected a string");
				r->compliance = compliance_code(str_or(it, "compliance", "COMPLIANT"));
				if (r->compliance < 0)
					return fail(s, rp, "compliance: expected COMPLIANT, NON_COMPLIANT, "
					    "NOT_APPLICABLE or INSUFFICIENT_DATA");
				r->resources = r->compliance == ORG_NON_COMPLIANT ? 1 : 0;
				if (cJSON_GetObjectItem(it, "resources")) {
					if (num(s, cJSON_GetObjectItem(it, "resources"), rp, 0, 10000, &v) < 0)
						return -1;
					r->resources = (int)v;
				}
				r->name = xstrdup(str_or(it, "name", ""));
				c->nrules++;
			}
		} else if (cJSON_IsObject(cfg)) {
			static const char *const ck[] = {"compliant", "noncompliant", NULL};
			if (known_keys(s, cfg, p, ck) < 0)
				return -1;
			c->config_mode = 1;
			c->compliant = c->noncompliant = 0;
			if (cJSON_GetObjectItem(cfg, "compliant")) {
				if (num(s, cJSON_GetObjectItem(cfg, "compliant"), p, 0, ORG_MAX_RULES, &v) < 0)
					return -1;
				c->compliant = (int)v;
			}
			if (cJSON_GetObjectItem(cfg, "noncompliant")) {
				if (num(s, cJSON_GetObjectItem(cfg, "noncompliant"), p, 0, ORG_MAX_RULES, &v) < 0)
					return -1;
				c->noncompliant = (int)v;
			}
			if (c->compliant + c->noncompliant > ORG_MAX_RULES)
				return fail(s, p, "at most %d rules in a cell", ORG_MAX_RULES);
		} else
			return fail(s, p, "expected \"disabled\", {\"compliant\": N, \"noncompliant\": N} "
			    "or {\"rules\": [...]}");
	}
	gd = cJSON_GetObjectItem(j, "guardduty");
	if (gd) {
		snprintf(p, sizeof(p), "%s.guardduty", path);
		if (cJSON_IsString(gd) && strcmp(gd->valuestring, "disabled") == 0)
			c->gd_mode = 0;
		else if (cJSON_IsObject(gd)) {
			static const char *const gk[] = {"findings", NULL};
			const cJSON *fs = cJSON_GetObjectItem(gd, "findings");
			if (known_keys(s, gd, p, gk) < 0)
				return -1;
			if (fs && !cJSON_IsArray(fs))
				return fail(s, p, "findings: expected a list");
			c->gd_mode = 1;
			c->nfindings = 0;
			c->findings = xcalloc((size_t)cJSON_GetArraySize(fs) + 1, sizeof(*c->findings));
			i = 0;
			cJSON_ArrayForEach(it, fs) {
				static const char *const fk[] = {"severity", "title", "type", "description",
					"archived", "resource_id", NULL};
				struct org_sfinding *f = &c->findings[c->nfindings];
				char fp[560];
				snprintf(fp, sizeof(fp), "%s.findings[%d]", p, i++);
				if (!cJSON_IsObject(it))
					return fail(s, fp, "expected an object");
				if (known_keys(s, it, fp, fk) < 0)
					return -1;
				if (num(s, cJSON_GetObjectItem(it, "severity"), fp, 0.1, 10.0, &f->severity) < 0)
					return -1;
				if (cJSON_GetObjectItem(it, "title"))
					f->title = xstrdup(str_or(it, "title", ""));
				if (cJSON_GetObjectItem(it, "type"))
					f->type = xstrdup(str_or(it, "type", ""));
				if (cJSON_GetObjectItem(it, "description"))
					f->desc = xstrdup(str_or(it, "description", ""));
				if (cJSON_GetObjectItem(it, "resource_id"))
					f->resource_id = xstrdup(str_or(it, "resource_id", ""));
				f->archived = cJSON_IsTrue(cJSON_GetObjectItem(it, "archived"));
				c->nfindings++;
				if (c->nfindings >= ORG_MAX_FINDINGS)
					return fail(s, fp, "at most %d findings in a cell", ORG_MAX_FINDINGS);
			}
		} else
			return fail(s, p, "expected \"disabled\" or {\"findings\": [...]}");
	}
	sp = cJSON_GetObjectItem(j, "spend");
	if (sp) {
		snprintf(p, sizeof(p), "%s.spend", path);
		if (num(s, sp, p, 0, 1e12, &c->spend) < 0)
			return -1;
		c->has_spend = 1;
	}
	return 0;
}

static void
cell_init(struct org_scell *c, int region)
{
	memset(c, 0, sizeof(*c));
	c->region = region;
	c->config_mode = -1;
	c->gd_mode = -1;
}

static int
region_globs(struct sctx *s, const cJSON *arr, const char *path, uint64_t *mask)
{
	const cJSON *it;
	int r, i = 0;
	char p[512];

	if (!cJSON_IsArray(arr))
		return fail(s, path, "expected a list of region names or globs");
	cJSON_ArrayForEach(it, arr) {
		int hit = 0;
		snprintf(p, sizeof(p), "%s[%d]", path, i++);
		if (!cJSON_IsString(it))
			return fail(s, p, "expected a region name or glob");
		for (r = 0; r < s->o->nregions; r++)
			if (fnmatch(it->valuestring, s->o->regions[r].name, 0) == 0) {
				*mask |= 1ULL << r;
				hit = 1;
			}
		if (!hit && !strpbrk(it->valuestring, "*?["))
			return fail(s, p, "unknown region \"%s\" (not in $.regions)", it->valuestring);
	}
	return 0;
}

static int
money(struct sctx *s, const cJSON *it, const char *path, char *out, size_t len)
{
	double v;

	if (cJSON_IsNumber(it))
		snprintf(out, len, "%.15g", it->valuedouble);
	else if (cJSON_IsString(it) && util_parse_double(it->valuestring, &v) == 0 &&
	    strlen(it->valuestring) < len)
		snprintf(out, len, "%s", it->valuestring);
	else
		return fail(s, path, "expected a number or a decimal string");
	return 0;
}

static int
account(struct sctx *s, const cJSON *j, int idx, int *mgmt)
{
	static const char *const keys[] = {"id", "name", "email", "management", "delegated_admin",
		"ou", "status", "joined", "opt_in_regions", "scp_allow_regions", "scp_deny_regions",
		"refuse_assume_role", "roles", "cells", "cell_defaults", "budgets", "sso", NULL};
	struct org *o = s->o;
	struct org_account *ac = &o->accounts[idx];
	struct org_scn *scn;
	const cJSON *it, *x;
	char path[96], p[512];
	const char *id, *st;
	uint64_t allow = 0;
	int i;

	snprintf(path, sizeof(path), "$.accounts[%d]", idx);
	if (!cJSON_IsObject(j))
		return fail(s, path, "expected an object");
	if (known_keys(s, j, path, keys) < 0)
		return -1;
	id = str_or(j, "id", NULL);
	snprintf(p, sizeof(p), "%s.id", path);
	if (!id || strlen(id) != 12 || strspn(id, "0123456789") != 12)
		return fail(s, p, "expected a 12-digit account id as a string");
	memcpy(ac->id, id, 13);
	ac->num = strtoull(id, NULL, 10);
	ac->name = xstrdup(str_or(j, "name", id));
	ac->email = str_or(j, "email", NULL) ? xstrdup(str_or(j, "email", NULL)) :
	    xasprintf("aws+%s@scenario.example", id);
	ac->kind = ORG_K_SCENARIO;
	ac->country = GEN_NONE;
	ac->joined = 1500000000.0 + idx * 86400.0;
	if ((x = cJSON_GetObjectItem(j, "joined"))) {
		snprintf(p, sizeof(p), "%s.joined", path);
		if (!cJSON_IsString(x) || util_parse_time(x->valuestring, &ac->joined) < 0)
			return fail(s, p, "expected an ISO 8601 time like \"2021-03-04T09:00:00Z\"");
	}
	st = str_or(j, "status", "ACTIVE");
	for (i = 0; i < 4 && strcmp(st, org_status_name(i)) != 0; i++)
		;
	if (i == 4) {
		snprintf(p, sizeof(p), "%s.status", path);
		return fail(s, p, "expected ACTIVE, SUSPENDED, PENDING_CLOSURE or CLOSED");
	}
	ac->status = (uint8_t)i;
	if (cJSON_IsTrue(cJSON_GetObjectItem(j, "management"))) {
		if (*mgmt >= 0)
			return fail(s, path, "a second management account (the first is $.accounts[%d])",
			    *mgmt);
		*mgmt = idx;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItem(j, "delegated_admin")))
		o->security = idx;
	snprintf(p, sizeof(p), "%s.ou", path);
	x = cJSON_GetObjectItem(j, "ou");
	if (x && !cJSON_IsString(x))
		return fail(s, p, "expected an OU path like \"Workloads/EMEA/DE\"");
	ac->ou = ou_path(s, x ? x->valuestring : "Root", p);
	if (ac->ou < 0)
		return -1;
	ac->enabled = o->default_mask;
	if ((x = cJSON_GetObjectItem(j, "opt_in_regions"))) {
		snprintf(p, sizeof(p), "%s.opt_in_regions", path);
		if (region_globs(s, x, p, &ac->enabled) < 0)
			return -1;
	}
	if ((x = cJSON_GetObjectItem(j, "scp_allow_regions"))) {
		snprintf(p, sizeof(p), "%s.scp_allow_regions", path);
		if (region_globs(s, x, p, &allow) < 0)
			return -1;
		ac->scp_deny = ~allow & (o->nregions >= 64 ? ~0ULL : (1ULL << o->nregions) - 1);
	}
	if ((x = cJSON_GetObjectItem(j, "scp_deny_regions"))) {
		snprintf(p, sizeof(p), "%s.scp_deny_regions", path);
		if (region_globs(s, x, p, &ac->scp_deny) < 0)
			return -1;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItem(j, "refuse_assume_role")))
		ac->refuse = ORG_ROLE_OAAR | ORG_ROLE_AUDIT;
	scn = xcalloc(1, sizeof(*scn));
	ac->scn = scn;
	cell_init(&scn->def, -1);
	if ((x = cJSON_GetObjectItem(j, "roles"))) {
		snprintf(p, sizeof(p), "%s.roles", path);
		if (!cJSON_IsObject(x))
			return fail(s, p, "expected {\"RoleName\": {\"refuse\": bool, \"external_id\": str}}");
		scn->roles = xcalloc((size_t)cJSON_GetArraySize(x) + 1, sizeof(*scn->roles));
		cJSON_ArrayForEach(it, x) {
			static const char *const rk[] = {"refuse", "external_id", NULL};
			char rp[600];
			struct org_role *r = &scn->roles[scn->nroles++];
			snprintf(rp, sizeof(rp), "%s.%s", p, it->string);
			r->name = xstrdup(it->string);
			if (!cJSON_IsObject(it) || known_keys(s, it, rp, rk) < 0)
				return *s->cause ? -1 : fail(s, rp, "expected {\"refuse\", \"external_id\"}");
			r->refuse = cJSON_IsTrue(cJSON_GetObjectItem(it, "refuse"));
			if (str_or(it, "external_id", NULL))
				r->external_id = xstrdup(str_or(it, "external_id", NULL));
		}
	}
	if ((x = cJSON_GetObjectItem(j, "cell_defaults"))) {
		snprintf(p, sizeof(p), "%s.cell_defaults", path);
		if (cell(s, x, p, &scn->def) < 0)
			return -1;
	}
	if ((x = cJSON_GetObjectItem(j, "cells"))) {
		snprintf(p, sizeof(p), "%s.cells", path);
		if (!cJSON_IsObject(x))
			return fail(s, p, "expected {\"region\": {cell}}");
		scn->cells = xcalloc((size_t)cJSON_GetArraySize(x) + 1, sizeof(*scn->cells));
		cJSON_ArrayForEach(it, x) {
			char cp[600];
			int r = org_region_find(o, it->string);
			snprintf(cp, sizeof(cp), "%s.%s", p, it->string);
			if (r < 0)
				return fail(s, cp, "unknown region \"%s\" (not in $.regions)", it->string);
			cell_init(&scn->cells[scn->ncells], r);
			scn->ncells++; /* owned by scn even if parsing fails */
			if (cell(s, it, cp, &scn->cells[scn->ncells - 1]) < 0)
				return -1;
		}
	}
	if ((x = cJSON_GetObjectItem(j, "budgets"))) {
		snprintf(p, sizeof(p), "%s.budgets", path);
		if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) > ORG_MAX_BUDGETS)
			return fail(s, p, "expected a list of at most %d budgets", ORG_MAX_BUDGETS);
		scn->has_budgets = 1;
		scn->budgets = xcalloc((size_t)cJSON_GetArraySize(x) + 1, sizeof(*scn->budgets));
		i = 0;
		cJSON_ArrayForEach(it, x) {
			static const char *const bk[] = {"name", "limit", "actual", "forecast", "unit",
				"time_unit", "type", NULL};
			struct org_budget *b = &scn->budgets[scn->nbudgets];
			char bp[600], fp[640];
			snprintf(bp, sizeof(bp), "%s[%d]", p, i++);
			if (!cJSON_IsObject(it) || known_keys(s, it, bp, bk) < 0)
				return *s->cause ? -1 : fail(s, bp, "expected a budget object");
			/* names live as long as the parsed file; keep copies in the scenario cell pool */
			b->name = xstrdup(str_or(it, "name", "monthly"));
			b->unit = xstrdup(str_or(it, "unit", "USD"));
			b->time_unit = xstrdup(str_or(it, "time_unit", "MONTHLY"));
			b->type = xstrdup(str_or(it, "type", "COST"));
			snprintf(fp, sizeof(fp), "%s.limit", bp);
			if (money(s, cJSON_GetObjectItem(it, "limit"), fp, b->limit, sizeof(b->limit)) < 0)
				return -1;
			snprintf(fp, sizeof(fp), "%s.actual", bp);
			if (money(s, cJSON_GetObjectItem(it, "actual"), fp, b->actual, sizeof(b->actual)) < 0)
				return -1;
			if (cJSON_GetObjectItem(it, "forecast")) {
				snprintf(fp, sizeof(fp), "%s.forecast", bp);
				if (money(s, cJSON_GetObjectItem(it, "forecast"), fp, b->forecast,
				    sizeof(b->forecast)) < 0)
					return -1;
			}
			scn->nbudgets++;
		}
	}
	if ((x = cJSON_GetObjectItem(j, "sso"))) {
		snprintf(p, sizeof(p), "%s.sso", path);
		if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) > ORG_MAX_ASSIGN)
			return fail(s, p, "expected a list of at most %d assignments", ORG_MAX_ASSIGN);
		scn->has_sso = 1;
		scn->assigns = xcalloc((size_t)cJSON_GetArraySize(x) + 1, sizeof(*scn->assigns));
		i = 0;
		cJSON_ArrayForEach(it, x) {
			static const char *const ak[] = {"permission_set", "principal_type", "principal", NULL};
			struct org_assign *as = &scn->assigns[scn->nassigns];
			const char *ps = str_or(it, "permission_set", NULL), *pt = str_or(it, "principal_type", NULL);
			const char *pr = str_or(it, "principal", NULL);
			char ap[600];
			snprintf(ap, sizeof(ap), "%s[%d]", p, i++);
			if (!cJSON_IsObject(it) || known_keys(s, it, ap, ak) < 0)
				return *s->cause ? -1 : fail(s, ap, "expected an assignment object");
			if (!ps || !pr || !pt || (strcmp(pt, "USER") != 0 && strcmp(pt, "GROUP") != 0))
				return fail(s, ap, "expected {\"permission_set\": NAME, \"principal_type\": "
				    "\"USER\"|\"GROUP\", \"principal\": NAME}");
			as->pset = add_pset(o, ps);
			as->ptype = pt[0] == 'U' ? ORG_USER : ORG_GROUP;
			if (as->ptype == ORG_USER) {
				as->principal = principal_find(o->users, o->nusers, pr);
				if (as->principal < 0)
					as->principal = add_user(o, pr, NULL);
			} else {
				as->principal = principal_find(o->groups, o->ngroups, pr);
				if (as->principal < 0)
					as->principal = add_group(o, pr);
			}
			scn->nassigns++;
		}
	}
	return 0;
}

static int
load(struct sctx *s, const cJSON *root)
{
	static const char *const keys[] = {"seed", "organization", "regions", "identity_center",
		"aggregator", "delegated_admin", "ous", "users", "groups", "permission_sets", "defaults",
		"accounts", "sso_tokens", "faults", NULL};
	struct org *o = s->o;
	const cJSON *x, *it;
	int i, mgmt = -1, n;
	char p[96];

	if (known_keys(s, root, "$", keys) < 0)
		return -1;
	if ((x = cJSON_GetObjectItem(root, "organization"))) {
		static const char *const ok[] = {"id", "root_id", NULL};
		if (!cJSON_IsObject(x) || known_keys(s, x, "$.organization", ok) < 0)
			return *s->cause ? -1 : fail(s, "$.organization", "expected {\"id\", \"root_id\"}");
		if (str_or(x, "id", NULL))
			snprintf(o->id, sizeof(o->id), "%.15s", str_or(x, "id", NULL));
		if (str_or(x, "root_id", NULL))
			snprintf(o->root_id, sizeof(o->root_id), "%.15s", str_or(x, "root_id", NULL));
	}
	o->ous = xcalloc(1, sizeof(*o->ous));
	o->nous = 1;
	snprintf(o->ous[0].id, sizeof(o->ous[0].id), "%s", o->root_id);
	o->ous[0].name = xstrdup("Root");
	o->ous[0].path = xstrdup("Root");
	o->ous[0].parent = -1;
	if ((x = cJSON_GetObjectItem(root, "regions"))) {
		if (regions(s, x) < 0)
			return -1;
	} else
		gen_regions(o);
	if ((x = cJSON_GetObjectItem(root, "ous"))) {
		if (!cJSON_IsArray(x))
			return fail(s, "$.ous", "expected a list of OU paths");
		i = 0;
		cJSON_ArrayForEach(it, x) {
			snprintf(p, sizeof(p), "$.ous[%d]", i++);
			if (!cJSON_IsString(it))
				return fail(s, p, "expected an OU path like \"Workloads/EMEA/DE\"");
			if (ou_path(s, it->valuestring, p) < 0)
				return -1;
		}
	}
	if (identity(s, root) < 0)
		return -1;
	if ((x = cJSON_GetObjectItem(root, "identity_center"))) {
		static const char *const ik[] = {"region", "enabled", NULL};
		if (!cJSON_IsObject(x) || known_keys(s, x, "$.identity_center", ik) < 0)
			return *s->cause ? -1 : fail(s, "$.identity_center", "expected {\"region\", \"enabled\"}");
		if (str_or(x, "region", NULL)) {
			o->sso_region = org_region_find(o, str_or(x, "region", NULL));
			if (o->sso_region < 0)
				return fail(s, "$.identity_center.region", "unknown region (not in $.regions)");
		}
	}
	gen_identity(o);
	if ((x = cJSON_GetObjectItem(root, "identity_center")) &&
	    cJSON_IsFalse(cJSON_GetObjectItem(x, "enabled")))
		o->sso_enabled = 0;
	if ((x = cJSON_GetObjectItem(root, "defaults"))) {
		static const char *const dk[] = {"generate", "cell", NULL};
		if (!cJSON_IsObject(x) || known_keys(s, x, "$.defaults", dk) < 0)
			return *s->cause ? -1 : fail(s, "$.defaults", "expected {\"generate\", \"cell\"}");
		o->scn_generate = cJSON_IsTrue(cJSON_GetObjectItem(x, "generate"));
		if (cJSON_GetObjectItem(x, "cell") &&
		    cell(s, cJSON_GetObjectItem(x, "cell"), "$.defaults.cell", &o->scn_def) < 0)
			return -1;
	}
	if (!o->scn_generate) {
		/* Fixed defaults: a quiet healthy cell. */
		if (o->scn_def.config_mode < 0) {
			o->scn_def.config_mode = 1;
			o->scn_def.compliant = 1;
		}
		if (o->scn_def.gd_mode < 0)
			o->scn_def.gd_mode = 1;
		if (!o->scn_def.has_spend)
			o->scn_def.has_spend = 1;
	}
	x = cJSON_GetObjectItem(root, "accounts");
	if (!cJSON_IsArray(x) || (n = cJSON_GetArraySize(x)) == 0)
		return fail(s, "$.accounts", "expected a non-empty list of accounts");
	o->accounts = xcalloc((size_t)n, sizeof(*o->accounts));
	o->naccounts = n;
	i = 0;
	cJSON_ArrayForEach(it, x) {
		if (account(s, it, i++, &mgmt) < 0)
			return -1;
	}
	o->mgmt = mgmt >= 0 ? mgmt : 0;
	if ((x = cJSON_GetObjectItem(root, "delegated_admin"))) {
		if (!cJSON_IsString(x) || (o->security = org_account_find(o, x->valuestring)) < 0) {
			/* the index is not built yet: search by hand */
			int a;
			o->security = -1;
			for (a = 0; cJSON_IsString(x) && a < o->naccounts; a++)
				if (strcmp(o->accounts[a].id, x->valuestring) == 0)
					o->security = a;
			if (o->security < 0)
				return fail(s, "$.delegated_admin", "expected the id of an account in $.accounts");
		}
	}
	if (org_index(o, s->cause) < 0) {
		char *c = *s->cause;
		fail(s, "$.accounts", "%s", c);
		free(c);
		return -1;
	}
	o->agg_account = o->security;
	o->agg_region = o->sso_region;
	snprintf(o->agg_name, sizeof(o->agg_name), "org-aggregator");
	if ((x = cJSON_GetObjectItem(root, "aggregator"))) {
		static const char *const ak[] = {"account", "region", "name", NULL};
		if (cJSON_IsNull(x)) {
			o->agg_account = -1;
			return 0;
		}
		if (!cJSON_IsObject(x) || known_keys(s, x, "$.aggregator", ak) < 0)
			return *s->cause ? -1 : fail(s, "$.aggregator", "expected {\"account\", \"region\", \"name\"} or null");
		if (str_or(x, "account", NULL) &&
		    (o->agg_account = org_account_find(o, str_or(x, "account", NULL))) < 0)
			return fail(s, "$.aggregator.account", "no such account in $.accounts");
		if (str_or(x, "region", NULL) &&
		    (o->agg_region = org_region_find(o, str_or(x, "region", NULL))) < 0)
			return fail(s, "$.aggregator.region", "unknown region (not in $.regions)");
		if (str_or(x, "name", NULL))
			snprintf(o->agg_name, sizeof(o->agg_name), "%s", str_or(x, "name", NULL));
	}
	return 0;
}

struct org *
scenario_load(const char *path, uint64_t seed, char **cause)
{
	struct sctx s = {.file = path, .cause = cause};
	cJSON *root = parse_file(path, cause), *x;
	struct org *o;

	if (!root)
		return NULL;
	x = cJSON_GetObjectItem(root, "seed");
	if (x) {
		if (!cJSON_IsNumber(x) || x->valuedouble < 0) {
			*cause = xasprintf("%s: $.seed: expected a non-negative integer", path);
			cJSON_Delete(root);
			return NULL;
		}
		seed = (uint64_t)x->valuedouble;
	}
	o = org_new(seed);
	o->scenario = 1;
	gen_ids(o);
	o->scn_def.region = -1;
	o->scn_def.config_mode = -1;
	o->scn_def.gd_mode = -1;
	s.o = o;
	*cause = NULL;
	if (load(&s, root) < 0) {
		cJSON_Delete(root);
		org_free(o);
		return NULL;
	}
	cJSON_Delete(root);
	return o;
}

int
scenario_apply(struct awsim *sim, const char *path, char **cause)
{
	cJSON *root = parse_file(path, cause), *x, *it;
	int i = 0;
	char p[64];

	if (!root)
		return -1;
	if ((x = cJSON_GetObjectItem(root, "faults"))) {
		char *where = xasprintf("%s: $.faults", path);
		int rc = faults_update(sim->faults, x, where, cause);
		free(where);
		if (rc < 0) {
			cJSON_Delete(root);
			return -1;
		}
	}
	if ((x = cJSON_GetObjectItem(root, "sso_tokens"))) {
		if (!cJSON_IsArray(x)) {
			*cause = xasprintf("%s: $.sso_tokens: expected a list", path);
			cJSON_Delete(root);
			return -1;
		}
		cJSON_ArrayForEach(it, x) {
			const char *tok = NULL;
			double exp = 0;
			snprintf(p, sizeof(p), "$.sso_tokens[%d]", i++);
			if (cJSON_IsString(it))
				tok = it->valuestring;
			else if (cJSON_IsObject(it)) {
				tok = str_or(it, "token", NULL);
				if (str_or(it, "expires", NULL) &&
				    util_parse_time(str_or(it, "expires", NULL), &exp) < 0)
					tok = NULL;
			}
			if (!tok || !*tok) {
				*cause = xasprintf("%s: %s: expected a token or {\"token\", \"expires\"}", path, p);
				cJSON_Delete(root);
				return -1;
			}
			sim->sso_tokens = xreallocarray(sim->sso_tokens, (size_t)sim->nsso_tokens + 1,
			    sizeof(char *));
			sim->sso_token_exp = xreallocarray(sim->sso_token_exp, (size_t)sim->nsso_tokens + 1,
			    sizeof(double));
			sim->sso_tokens[sim->nsso_tokens] = xstrdup(tok);
			sim->sso_token_exp[sim->nsso_tokens++] = exp;
		}
	}
	cJSON_Delete(root);
	return 0;
}
