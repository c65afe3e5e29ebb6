/*
 * route.c: routing and the request pipeline.
 */
#include "tests/awsim/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/control.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

static const struct svc_def *const services[] = {
	&svc_sts, &svc_organizations, &svc_account, &svc_ec2, &svc_config, &svc_guardduty,
	&svc_budgets, &svc_ce, &svc_sso_admin, &svc_identitystore, &svc_portal,
};
#define NSERVICES ((int)(sizeof(services) / sizeof(services[0])))

static char *op_names[SIM_MAX_OPS];
static int nops;

void
route_init(void)
{
	int i, j;

	if (nops)
		return;
	for (i = 0; i < NSERVICES; i++)
		for (j = 0; j < services[i]->nops && nops < SIM_MAX_OPS; j++) {
			services[i]->ops[j].id = nops;
			op_names[nops++] = xasprintf("%s:%s", services[i]->name, services[i]->ops[j].name);
		}
}

const char *
route_op_name(int id)
{
	return id >= 0 && id < nops ? op_names[id] : NULL;
}

int
route_nops(void)
{
	return nops;
}

const struct svc_def *
route_svc(const char *name)
{
	int i;

	for (i = 0; i < NSERVICES; i++)
		if (strcmp(services[i]->name, name) == 0)
			return services[i];
	return NULL;
}

const struct op_def *
route_op(const struct svc_def *svc, const char *op)
{
	int i;

	for (i = 0; svc && op && i < svc->nops; i++)
		if (strcmp(svc->ops[i].name, op) == 0)
			return &svc->ops[i];
	return NULL;
}

int
route_scope(const char *authz, char *akid, size_t akid_len, char *region, size_t region_len,
    char *service, size_t service_len)
{
	const char *p = strstr(authz, "Credential="), *parts[5];
	size_t lens[5];
	int i;

	if (!p)
		return -1;
	p += 11;
	for (i = 0; i < 5; i++) {
		size_t n = strcspn(p, "/, ");
		parts[i] = p;
		lens[i] = n;
		p += n;
		if (i < 4) {
			if (*p != '/')
				return -1;
			p++;
		}
	}
	if (lens[0] == 0 || lens[0] >= akid_len || lens[2] == 0 || lens[2] >= region_len ||
	    lens[3] == 0 || lens[3] >= service_len)
		return -1;
	snprintf(akid, akid_len, "%.*s", (int)lens[0], parts[0]);
	snprintf(region, region_len, "%.*s", (int)lens[2], parts[2]);
	snprintf(service, service_len, "%.*s", (int)lens[3], parts[3]);
	return 0;
}

/* Matches a rest-json path pattern; {} is one label. Fills c->labels. */
static int
route__match_path(struct call *c, const char *pat, const char *path)
{
	int n = 0, i;

	while (*pat && *path) {
		if (pat[0] == '{' && pat[1] == '}') {
			size_t len = strcspn(path, "/");
			if (len == 0 || n >= 4)
				goto fail;
			c->labels[n++] = url_decode(path, len, 0);
			path += len;
			pat += 2;
			continue;
		}
		if (*pat != *path)
			goto fail;
		pat++;
		path++;
	}
	if (*pat || (*path && strcmp(path, "/") != 0))
		goto fail;
	c->nlabels = n;
	return 1;
fail:
	for (i = 0; i < n; i++)
		free(c->labels[i]);
	return 0;
}

static const struct op_def *
route__rest_op(struct call *c, const struct svc_def *svc)
{
	int i;

	for (i = 0; i < svc->nops; i++) {
		if (strcmp(svc->ops[i].method, c->method) != 0)
			continue;
		if (route__match_path(c, svc->ops[i].path, c->raw_path))
			return &svc->ops[i];
	}
	return NULL;
}

static int
route__has(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Which service a request without a usable credential scope is for. */
static const struct svc_def *
route__guess(struct call *c)
{
	const char *target = call_header(c, "X-Amz-Target");
	int i, j;

	if (target) {
		for (i = 0; i < NSERVICES; i++) {
			size_t n;
			if (services[i]->proto != PROTO_JSON)
				continue;
			n = strlen(services[i]->target);
			if (strncmp(target, services[i]->target, n) == 0 && target[n] == '.')
				return services[i];
		}
		return NULL;
	}
	if (c->body_len && route__has(c->body, c->body_len, "Action=")) {
		if (route__has(c->body, c->body_len, "Version=2016-11-15"))
			return &svc_ec2;
		return &svc_sts;
	}
	for (i = 0; i < NSERVICES; i++) {
		if (services[i]->proto != PROTO_RESTJSON || services[i] == &svc_portal)
			continue;
		for (j = 0; j < services[i]->nops; j++) {
			struct call tmp;
			memset(&tmp, 0, sizeof(tmp));
			if (strcmp(services[i]->ops[j].method, c->method) == 0 &&
			    route__match_path(&tmp, services[i]->ops[j].path, c->raw_path)) {
				int k;
				for (k = 0; k < tmp.nlabels; k++)
					free(tmp.labels[k]);
				return services[i];
			}
		}
	}
	return NULL;
}

static const struct svc_def *
route__by_scope(const char *scope, const struct call *c)
{
	const char *target = call_header(c, "X-Amz-Target");
	int i;

	if (strcmp(scope, "sso") == 0)
		return &svc_sso_admin;
	for (i = 0; i < NSERVICES; i++)
		if (services[i] != &svc_portal && strcmp(services[i]->scope, scope) == 0)
			return services[i];
	(void)target;
	return NULL;
}

/* Parses the input for the protocol; 0, or -1 after answering. */
static int
route__input(struct call *c)
{
	const struct svc_def *svc = c->svc;

	if (svc->proto == PROTO_QUERY || svc->proto == PROTO_EC2) {
		if (c->raw_query && *c->raw_query)
			call_parse_params(c, c->raw_query, strlen(c->raw_query));
		call_parse_params(c, c->body, c->body_len);
		return 0;
	}
	if (svc->proto == PROTO_RESTJSON && c->raw_query && *c->raw_query)
		call_parse_params(c, c->raw_query, strlen(c->raw_query));
	if (c->body_len == 0) {
		if (svc->proto == PROTO_JSON)
			c->in = cJSON_CreateObject();
		return 0;
	}
	c->in = cJSON_ParseWithLength(c->body, c->body_len);
	if (!c->in || !cJSON_IsObject(c->in)) {
		cJSON_Delete(c->in);
		c->in = NULL;
		call_error(c, 400, "SerializationException",
		    "Start of structure or map found where not expected.");
		return -1;
	}
	return 0;
}

static const struct op_def *
route__op(struct call *c)
{
	const struct svc_def *svc = c->svc;
	const struct op_def *op = NULL;
	const char *name;

	switch (svc->proto) {
	case PROTO_JSON:
		name = call_header(c, "X-Amz-Target");
		if (name && strncmp(name, svc->target, strlen(svc->target)) == 0 &&
		    name[strlen(svc->target)] == '.')
			op = route_op(svc, name + strlen(svc->target) + 1);
		if (!op)
			call_error(c, 400, "UnknownOperationException", "%s",
			    name ? "The action or operation requested is invalid. Verify that the "
			    "action is typed correctly." : "Missing X-Amz-Target header");
		return op;
	case PROTO_QUERY:
	case PROTO_EC2:
		name = call_param(c, "Action");
		if (!name) {
			call_error(c, 400, "MissingAction", "Missing Action");
			return NULL;
		}
		op = route_op(svc, name);
		if (!op)
			call_error(c, 400, svc->proto == PROTO_EC2 ? "InvalidAction" : "InvalidAction",
			    "Could not find operation %s for version %s", name,
			    svc->proto == PROTO_EC2 ? "2016-11-15" : "2011-06-15");
		return op;
	default:
		op = route__rest_op(c, svc);
		if (!op)
			call_error(c, 404, "UnknownOperationException", "Unknown operation %s %s",
			    c->method, c->raw_path);
		return op;
	}
}

static void
route__request_id(struct call *c)
{
	uint64_t h = rnd_h(c->sim->seed, 0x1d, c->seq, 0, 0), g = rnd_mix(h);

	snprintf(c->request_id, sizeof(c->request_id), "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff,
	    (unsigned)((g >> 48) & 0x3fff) | 0x8000, (unsigned long long)(g & 0xffffffffffffULL));
}

static int
route__prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* One line of --request-log: what a test needs to find a request sent twice. */
static void
route__log(const struct call *c)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a over method, path, query, body */
	const char *parts[3] = {c->method, c->raw_path, c->raw_query};

	for (int k = 0; k < 3; k++) {
		for (const char *p = parts[k]; p != NULL && *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xffu) * 1099511628211ULL;
	}
	for (size_t k = 0; k < c->body_len; k++)
		h = (h ^ (unsigned char)c->body[k]) * 1099511628211ULL;
	fprintf(c->sim->reqlog, "%s\t%s\t%s\t%016llx\n", route_op_name(c->op->id),
	    c->who.account >= 0 ? c->org->accounts[c->who.account].id : "-",
	    c->region >= 0 ? c->region_name : "-", (unsigned long long)h);
}

void
route_handle(struct call *c, struct fault_dec *d)
{
	struct awsim *sim = c->sim;
	const char *authz = call_header(c, "Authorization");
	char akid[130], region[64] = "", scope[64] = "";
	int have_scope = 0, regional;

	memset(d, 0, sizeof(*d));
	c->region = -1;
	route__request_id(c);
	if (route__prefix(c->raw_path, "/_awsim/")) {
		control_handle(c, d); /* the test's, not the client's: not counted */
		return;
	}
	atomic_fetch_add(&sim->stats.requests, 1);
	if (route__prefix(c->raw_path, "/latest/")) {
		imds_handle(c);
		return;
	}
	if (route__prefix(c->raw_path, "/v2/credentials") ||
	    route__prefix(c->raw_path, "/container/credentials")) {
		container_handle(c);
		return;
	}
	if (authz && route_scope(authz, akid, sizeof(akid), region, sizeof(region), scope,
	    sizeof(scope)) == 0)
		have_scope = 1;
	if (!authz && (strcmp(c->raw_path, "/federation/credentials") == 0 ||
	    route__prefix(c->raw_path, "/assignment/")))
		c->svc = &svc_portal;
	else if (have_scope)
		c->svc = route__by_scope(scope, c);
	else
		c->svc = route__guess(c);
	if (!c->svc) {
		if (have_scope)
			call_error(c, 400, "UnrecognizedClientException",
			    "Credential should be scoped to a valid service: '%s'.", scope);
		else
			call_error(c, 404, "UnknownOperationException", "No service answers %s %s",
			    c->method, c->raw_path);
		return;
	}
	if (route__input(c) < 0)
		return;
	c->op = route__op(c);
	if (!c->op)
		return;
	regional = !c->svc->global && c->svc != &svc_portal;
	snprintf(c->region_name, sizeof(c->region_name), "%s", have_scope ? region : sim->region);
	if (regional && faults_blackholed(sim->faults, c->region_name)) {
		atomic_fetch_add(&sim->stats.blackholed, 1);
		d->blackhole = 1;
		return;
	}
	if (c->svc == &svc_portal) {
		c->who.kind = WHO_NONE; /* bearer token, no account: no per-account fault rule matches */
		c->who.account = -1;
	} else {
		if (sim->auth_enabled) {
			if (auth_check(c) < 0)
				return;
		} else {
			c->who.kind = WHO_USER;
			c->who.account = c->org->mgmt;
		}
	}
	c->region = org_region_find(c->org, c->region_name);
	if (regional && (c->region < 0 || !org_region_enabled(c->org, c->who.account, c->region))) {
		/* What AWS answers in a region the account has not opted into. */
		atomic_fetch_add(&sim->stats.auth_errors, 1);
		if (c->svc->proto == PROTO_QUERY)
			call_error(c, 403, "InvalidClientTokenId",
			    "The security token included in the request is invalid.");
		else if (c->svc->proto == PROTO_EC2)
			call_error(c, 401, "AuthFailure",
			    "AWS was not able to validate the provided access credentials");
		else
			call_error(c, c->svc->proto == PROTO_RESTJSON ? 403 : 400,
			    "UnrecognizedClientException",
			    "The security token included in the request is invalid.");
		return;
	}
	if (!regional)
		c->region = -1;
	atomic_fetch_add(&sim->stats.by_op[c->op->id], 1);
	if (sim->reqlog != NULL)
		route__log(c);
	if (faults_apply(sim->faults, c, d))
		return;
	pthread_rwlock_rdlock(&c->org->lock);
	if (c->svc->scp && org_scp_denies(c->org, c->who.account, c->region)) {
		char arn[256];
		auth_arn(c, &c->who, arn, sizeof(arn));
		call_error(c, c->svc->proto == PROTO_RESTJSON ? 403 : 400, "AccessDeniedException",
		    "User: %s is not authorized to perform: %s:%s with an explicit deny in a service "
		    "control policy", arn, c->svc->scope, c->op->name);
	} else
		c->op->fn(c);
	pthread_rwlock_unlock(&c->org->lock);
	if (c->status == 200 && faults_malform(sim->faults, c))
		atomic_fetch_add(&sim->stats.malformed, 1);
}
