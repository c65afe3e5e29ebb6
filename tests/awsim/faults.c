/*
 * faults.c: fault injection.
 */
#include "tests/awsim/faults.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/call.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/route.h"

#define MAX_BLACKHOLE 16
#define MAX_RULES 256

enum { R_THROTTLE, R_ERROR };

struct rule {
	int account; /* -1: any */
	const struct svc_def *svc;
	const struct op_def *op;
	int region;  /* -1: any */
	int kind;
	int bucket;  /* token bucket (rate, burst) */
	double rate, burst, tokens, last;
	int first;   /* the first N matching calls, then pass (-1: always) */
	int never;   /* "throttle": "never": exempt from the random --throttle rate */
	int page;    /* error on this page (1-based), 0: any call */
	int status;
	char code[64];
	char message[256];
	int times;   /* errors left; -1: always */
	int count;
};

struct faults {
	struct awsim *sim;
	pthread_mutex_t mu;
	double throttle, errors, resets, truncate, malformed;
	int latency_ms, jitter_ms;
	char blackhole[MAX_BLACKHOLE][32];
	int nblackhole;
	struct rule rules[MAX_RULES];
	int nrules;
	atomic_int active; /* anything set at all: the fast path skips the lock */
};

/* Caller holds mu. */
static void
faults__recompute(struct faults *f)
{
	atomic_store(&f->active, f->throttle > 0 || f->errors > 0 || f->resets > 0 ||
	    f->truncate > 0 || f->malformed > 0 || f->latency_ms || f->jitter_ms || f->nrules ||
	    f->nblackhole);
}

struct faults *
faults_new(struct awsim *sim)
{
	struct faults *f = xcalloc(1, sizeof(*f));

	f->sim = sim;
	pthread_mutex_init(&f->mu, NULL);
	return f;
}

void
faults_free(struct faults *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->mu);
	free(f);
}

static int
faults__rate(const char *name, const char *value, double *out, char **cause)
{
	double v;

	if (util_parse_double(value, &v) < 0 || v < 0 || v > 1) {
		*cause = xasprintf("--%s: expected a rate between 0 and 1, not '%s'", name, value);
		return -1;
	}
	*out = v;
	return 0;
}

static int
faults__add_blackhole(struct faults *f, const char *region, char **cause)
{
	int i;

	if (!*region || strlen(region) >= sizeof(f->blackhole[0])) {
		*cause = xasprintf("blackhole: bad region name '%s'", region);
		return -1;
	}
	for (i = 0; i < f->nblackhole; i++)
		if (strcmp(f->blackhole[i], region) == 0)
			return 0;
	if (f->nblackhole >= MAX_BLACKHOLE) {
		*cause = xasprintf("blackhole: at most %d regions", MAX_BLACKHOLE);
		return -1;
	}
	snprintf(f->blackhole[f->nblackhole++], sizeof(f->blackhole[0]), "%s", region);
	return 0;
}

int
faults_flag(struct faults *f, const char *name, const char *value, char **cause)
{
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	if (strcmp(name, "latency") == 0) {
		long long ms, jit = 0;
		char *copy = xstrdup(value), *colon = strchr(copy, ':');
		if (colon)
			*colon++ = 0;
		if (util_parse_ll(copy, 0, 600000, &ms) < 0 ||
		    (colon && util_parse_ll(colon, 0, 600000, &jit) < 0)) {
			*cause = xasprintf("--latency: expected MS[:JITTER_MS], not '%s'", value);
			rc = -1;
		} else {
			f->latency_ms = (int)ms;
			f->jitter_ms = (int)jit;
		}
		free(copy);
	} else if (strcmp(name, "throttle") == 0)
		rc = faults__rate(name, value, &f->throttle, cause);
	else if (strcmp(name, "errors") == 0)
		rc = faults__rate(name, value, &f->errors, cause);
	else if (strcmp(name, "resets") == 0)
		rc = faults__rate(name, value, &f->resets, cause);
	else if (strcmp(name, "truncate") == 0)
		rc = faults__rate(name, value, &f->truncate, cause);
	else if (strcmp(name, "malformed") == 0)
		rc = faults__rate(name, value, &f->malformed, cause);
	else if (strcmp(name, "blackhole") == 0)
		rc = faults__add_blackhole(f, value, cause);
	else {
		*cause = xasprintf("unknown fault '%s'", name);
		rc = -1;
	}
	faults__recompute(f);
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static int
faults__num(const cJSON *it, const char *where, const char *key, double lo, double hi,
    double *out, char **cause)
{
	if (!cJSON_IsNumber(it) || it->valuedouble < lo || it->valuedouble > hi) {
		*cause = xasprintf("%s: \"%s\": expected a number from %g to %g", where, key, lo, hi);
		return -1;
	}
	*out = it->valuedouble;
	return 0;
}

/* Parses one rule object into r. */
static int
faults__rule(struct faults *f, const cJSON *j, const char *where, struct rule *r, char **cause)
{
	const struct org *o = f->sim->org;
	const cJSON *it;
	double v;

	memset(r, 0, sizeof(*r));
	r->account = -1;
	r->region = -1;
	r->first = -1;
	r->times = -1;
	if (!cJSON_IsObject(j)) {
		*cause = xasprintf("%s: expected an object", where);
		return -1;
	}
	cJSON_ArrayForEach(it, j) {
		const char *k = it->string;
		if (strcmp(k, "account") == 0) {
			if (!cJSON_IsString(it) || (r->account = org_account_find(o, it->valuestring)) < 0) {
				*cause = xasprintf("%s.account: no account %s in the organization", where,
				    cJSON_IsString(it) ? it->valuestring : "(not a string)");
				return -1;
			}
		} else if (strcmp(k, "region") == 0) {
			if (!cJSON_IsString(it) || (r->region = org_region_find(o, it->valuestring)) < 0) {
				*cause = xasprintf("%s.region: unknown region", where);
				return -1;
			}
		} else if (strcmp(k, "api") == 0) {
			char svc[64];
			const char *colon;
			if (!cJSON_IsString(it)) {
				*cause = xasprintf("%s.api: expected \"service:Operation\"", where);
				return -1;
			}
			if (strcmp(it->valuestring, "*") == 0)
				continue;
			colon = strchr(it->valuestring, ':');
			snprintf(svc, sizeof(svc), "%.*s",
			    (int)(colon ? (size_t)(colon - it->valuestring) : strlen(it->valuestring)),
			    it->valuestring);
			r->svc = route_svc(svc);
			if (!r->svc) {
				*cause = xasprintf("%s.api: unknown service '%s'", where, svc);
				return -1;
			}
			if (colon && strcmp(colon + 1, "*") != 0) {
				r->op = route_op(r->svc, colon + 1);
				if (!r->op) {
					*cause = xasprintf("%s.api: %s has no operation '%s'", where, svc,
					    colon + 1);
					return -1;
				}
			}
		} else if (strcmp(k, "throttle") == 0) {
			r->kind = R_THROTTLE;
			if (cJSON_IsString(it) && strcmp(it->valuestring, "always") == 0)
				continue;
			if (cJSON_IsString(it) && strcmp(it->valuestring, "never") == 0) {
				r->never = 1;
				continue;
			}
			if (!cJSON_IsObject(it)) {
				*cause = xasprintf("%s.throttle: expected \"always\", \"never\", "
				    "{\"rate\":R,\"burst\":B} or {\"first\":N}", where);
				return -1;
			}
			if (cJSON_GetObjectItem(it, "first")) {
				if (faults__num(cJSON_GetObjectItem(it, "first"), where, "throttle.first", 0,
				    1e9, &v, cause) < 0)
					return -1;
				r->first = (int)v;
			} else {
				if (faults__num(cJSON_GetObjectItem(it, "rate"), where, "throttle.rate", 0,
				    1e6, &r->rate, cause) < 0)
					return -1;
				r->burst = 1;
				if (cJSON_GetObjectItem(it, "burst") &&
				    faults__num(cJSON_GetObjectItem(it, "burst"), where, "throttle.burst", 0,
				    1e6, &r->burst, cause) < 0)
					return -1;
				r->bucket = 1;
				r->tokens = r->burst;
				r->last = util_now();
			}
		} else if (strcmp(k, "error") == 0) {
			const cJSON *e;
			r->kind = R_ERROR;
			r->status = 500;
			snprintf(r->code, sizeof(r->code), "InternalFailure");
			snprintf(r->message, sizeof(r->message),
			    "The request processing has failed because of an unknown error.");
			if (!cJSON_IsObject(it)) {
				*cause = xasprintf("%s.error: expected {\"status\", \"code\", \"message\", "
				    "\"page\", \"times\"}", where);
				return -1;
			}
			cJSON_ArrayForEach(e, it) {
				if (strcmp(e->string, "status") == 0) {
					if (faults__num(e, where, "error.status", 400, 599, &v, cause) < 0)
						return -1;
					r->status = (int)v;
				} else if (strcmp(e->string, "code") == 0 && cJSON_IsString(e))
					snprintf(r->code, sizeof(r->code), "%s", e->valuestring);
				else if (strcmp(e->string, "message") == 0 && cJSON_IsString(e))
					snprintf(r->message, sizeof(r->message), "%s", e->valuestring);
				else if (strcmp(e->string, "page") == 0) {
					if (faults__num(e, where, "error.page", 1, 1e6, &v, cause) < 0)
						return -1;
					r->page = (int)v;
				} else if (strcmp(e->string, "times") == 0) {
					if (faults__num(e, where, "error.times", -1, 1e9, &v, cause) < 0)
						return -1;
					r->times = (int)v;
				} else {
					*cause = xasprintf("%s.error: unknown member \"%s\" (expected status, "
					    "code, message, page, times)", where, e->string);
					return -1;
				}
			}
		} else {
			*cause = xasprintf("%s: unknown member \"%s\" (expected account, api, region, "
			    "throttle, error)", where, k);
			return -1;
		}
	}
	if (!cJSON_GetObjectItem(j, "throttle") && !cJSON_GetObjectItem(j, "error")) {
		*cause = xasprintf("%s: a rule needs \"throttle\" or \"error\"", where);
		return -1;
	}
	return 0;
}

int
faults_update(struct faults *f, const cJSON *j, const char *where, char **cause)
{
	struct faults next;
	const cJSON *it;
	char path[256];
	double v;
	int i;

	if (!cJSON_IsObject(j)) {
		*cause = xasprintf("%s: expected a JSON object", where);
		return -1;
	}
	pthread_mutex_lock(&f->mu);
	next = *f;
	pthread_mutex_unlock(&f->mu);
	cJSON_ArrayForEach(it, j) {
		const char *k = it->string;
		snprintf(path, sizeof(path), "%s.%s", where, k);
		if (strcmp(k, "latency_ms") == 0 || strcmp(k, "jitter_ms") == 0) {
			if (faults__num(it, where, k, 0, 600000, &v, cause) < 0)
				return -1;
			if (k[0] == 'l')
				next.latency_ms = (int)v;
			else
				next.jitter_ms = (int)v;
		} else if (strcmp(k, "throttle") == 0 || strcmp(k, "errors") == 0 ||
		    strcmp(k, "resets") == 0 || strcmp(k, "truncate") == 0 ||
		    strcmp(k, "malformed") == 0) {
			if (faults__num(it, where, k, 0, 1, &v, cause) < 0)
				return -1;
			*(k[0] == 't' ? (k[1] == 'h' ? &next.throttle : &next.truncate) :
			    k[0] == 'e' ? &next.errors : k[0] == 'r' ? &next.resets : &next.malformed) = v;
		} else if (strcmp(k, "blackhole") == 0) {
			const cJSON *r;
			if (!cJSON_IsArray(it)) {
				*cause = xasprintf("%s: expected a list of region names", path);
				return -1;
			}
			next.nblackhole = 0;
			cJSON_ArrayForEach(r, it) {
				if (!cJSON_IsString(r)) {
					*cause = xasprintf("%s: expected region names (strings)", path);
					return -1;
				}
				if (faults__add_blackhole(&next, r->valuestring, cause) < 0)
					return -1;
			}
		} else if (strcmp(k, "clear_rules") == 0) {
			if (cJSON_IsTrue(it))
				next.nrules = 0;
		} else if (strcmp(k, "rules") == 0) {
			const cJSON *r;
			int n = 0;
			if (!cJSON_IsArray(it)) {
				*cause = xasprintf("%s: expected a list of rules", path);
				return -1;
			}
			cJSON_ArrayForEach(r, it) {
				char rp[300];
				snprintf(rp, sizeof(rp), "%s[%d]", path, n++);
				if (next.nrules >= MAX_RULES) {
					*cause = xasprintf("%s: at most %d rules", path, MAX_RULES);
					return -1;
				}
				if (faults__rule(f, r, rp, &next.rules[next.nrules], cause) < 0)
					return -1;
				next.nrules++;
			}
		} else {
			*cause = xasprintf("%s: unknown member \"%s\" (expected latency_ms, jitter_ms, "
			    "throttle, errors, resets, truncate, malformed, blackhole, rules, "
			    "clear_rules)", where, k);
			return -1;
		}
	}
	pthread_mutex_lock(&f->mu);
	f->throttle = next.throttle;
	f->errors = next.errors;
	f->resets = next.resets;
	f->truncate = next.truncate;
	f->malformed = next.malformed;
	f->latency_ms = next.latency_ms;
	f->jitter_ms = next.jitter_ms;
	f->nblackhole = next.nblackhole;
	memcpy(f->blackhole, next.blackhole, sizeof(f->blackhole));
	for (i = 0; i < next.nrules; i++)
		f->rules[i] = next.rules[i];
	f->nrules = next.nrules;
	faults__recompute(f);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

void
faults_json(struct faults *f, struct jw *w)
{
	int i;

	pthread_mutex_lock(&f->mu);
	jw_obj(w);
	jw_kint(w, "latency_ms", f->latency_ms);
	jw_kint(w, "jitter_ms", f->jitter_ms);
	jw_key(w, "throttle");
	jw_dbl(w, f->throttle, 0);
	jw_key(w, "errors");
	jw_dbl(w, f->errors, 0);
	jw_key(w, "resets");
	jw_dbl(w, f->resets, 0);
	jw_key(w, "truncate");
	jw_dbl(w, f->truncate, 0);
	jw_key(w, "malformed");
	jw_dbl(w, f->malformed, 0);
	jw_key(w, "blackhole");
	jw_arr(w);
	for (i = 0; i < f->nblackhole; i++)
		jw_str(w, f->blackhole[i]);
	jw_end(w);
	jw_key(w, "rules");
	jw_arr(w);
	for (i = 0; i < f->nrules; i++) {
		const struct rule *r = &f->rules[i];
		jw_obj(w);
		if (r->account >= 0)
			jw_kstr(w, "account", f->sim->org->accounts[r->account].id);
		jw_kstr(w, "service", r->svc ? r->svc->name : "*");
		jw_kstr(w, "operation", r->op ? r->op->name : "*");
		if (r->region >= 0)
			jw_kstr(w, "region", f->sim->org->regions[r->region].name);
		jw_kstr(w, "kind", r->kind == R_THROTTLE ? "throttle" : "error");
		jw_kint(w, "matched", r->count);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	pthread_mutex_unlock(&f->mu);
}

int
faults_blackholed(struct faults *f, const char *region)
{
	int i, hit = 0;

	if (!atomic_load(&f->active))
		return 0;
	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nblackhole && !hit; i++)
		hit = strcmp(f->blackhole[i], region) == 0;
	pthread_mutex_unlock(&f->mu);
	return hit;
}

static int
faults__match(const struct rule *r, const struct call *c)
{
	return (r->account < 0 || r->account == c->who.account) && (!r->svc || r->svc == c->svc) &&
	    (!r->op || r->op == c->op) && (r->region < 0 || r->region == c->region);
}

static void
faults__throttle(struct call *c)
{
	const struct svc_def *s = c->svc;

	atomic_fetch_add(&c->sim->stats.throttled, 1);
	atomic_fetch_add(&c->sim->stats.by_op_throttled[c->op->id], 1);
	if (strcmp(s->name, "organizations") == 0)
		call_error_x(c, s->throttle_status, s->throttle_code,
		    "\"Type\":\"TooManyRequestsException\"", "%s", s->throttle_msg);
	else
		call_error(c, s->throttle_status, s->throttle_code, "%s", s->throttle_msg);
}

static void
faults__5xx(struct call *c, int status)
{
	int rest = c->svc->proto == PROTO_RESTJSON;

	atomic_fetch_add(&c->sim->stats.failed, 1);
	if (status == 503)
		call_error(c, 503, rest ? "ServiceUnavailableException" : "ServiceUnavailable",
		    "Service is unavailable. Please try again later.");
	else
		call_error(c, 500, rest ? "InternalServerErrorException" : "InternalFailure",
		    "The request processing has failed because of an unknown error, exception or "
		    "failure.");
}

static double
faults__u(const struct call *c, uint64_t tag)
{
	return rnd_u01(rnd_h(c->sim->seed, 0xfa00 + tag, c->seq, 0, 0));
}

int
faults_apply(struct faults *f, struct call *c, struct fault_dec *d)
{
	int i, act = 0, status = 0, exempt = 0;
	double now;

	if (!atomic_load(&f->active))
		return 0;
	now = util_now();
	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nrules && !act; i++) {
		struct rule *r = &f->rules[i];
		if (r->page || !faults__match(r, c))
			continue;
		if (r->kind == R_THROTTLE && r->never) {
			exempt = 1;
		} else if (r->kind == R_THROTTLE) {
			if (r->bucket) {
				r->tokens = fmin(r->burst, r->tokens + (now - r->last) * r->rate);
				r->last = now;
				if (r->tokens >= 1.0)
					r->tokens -= 1.0;
				else
					act = 1;
			} else if (r->first < 0 || r->count < r->first)
				act = 1;
		} else if (r->times != 0) {
			if (r->times > 0)
				r->times--;
			act = 2;
			status = r->status;
			call_error(c, r->status, r->code, "%s", r->message);
		}
		r->count++;
	}
	if (!act && !exempt && f->throttle > 0 && faults__u(c, 1) < f->throttle)
		act = 1;
	if (!act && f->errors > 0 && faults__u(c, 2) < f->errors) {
		act = 3;
		status = faults__u(c, 3) < 0.5 ? 500 : 503;
	}
	if (f->latency_ms || f->jitter_ms)
		d->delay_ms = f->latency_ms +
		    (f->jitter_ms ? (int)rnd_below(rnd_h(c->sim->seed, 0xfa10, c->seq, 0, 0),
		    (uint32_t)f->jitter_ms + 1) : 0);
	if (f->resets > 0 && faults__u(c, 4) < f->resets)
		d->reset = faults__u(c, 5) < 0.5 ? 1 : 2;
	else if (f->truncate > 0 && faults__u(c, 6) < f->truncate)
		d->truncate = 1;
	pthread_mutex_unlock(&f->mu);
	if (act == 1)
		faults__throttle(c);
	else if (act == 2 && status >= 500)
		atomic_fetch_add(&c->sim->stats.failed, 1);
	else if (act == 3)
		faults__5xx(c, status);
	return act != 0;
}

int
faults_page(struct faults *f, struct call *c, unsigned page)
{
	int i, hit = 0;

	if (!atomic_load(&f->active))
		return 0;
	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nrules && !hit; i++) {
		struct rule *r = &f->rules[i];
		if (r->kind != R_ERROR || !r->page || (unsigned)r->page != page + 1 ||
		    !faults__match(r, c) || r->times == 0)
			continue;
		if (r->times > 0)
			r->times--;
		r->count++;
		hit = 1;
		call_error(c, r->status, r->code, "%s", r->message);
	}
	pthread_mutex_unlock(&f->mu);
	if (hit && c->status >= 500)
		atomic_fetch_add(&c->sim->stats.failed, 1);
	return hit;
}

int
faults_malform(struct faults *f, struct call *c)
{
	double rate;
	size_t half;

	if (!atomic_load(&f->active))
		return 0;
	pthread_mutex_lock(&f->mu);
	rate = f->malformed;
	pthread_mutex_unlock(&f->mu);
	if (rate <= 0 || faults__u(c, 7) >= rate)
		return 0;
	if (faults__u(c, 8) < 0.2) {
		buf_reset(&c->out); /* 200 with an empty body */
		return 1;
	}
	half = c->out.len / 2;
	c->out.len = half;
	c->out.data[half] = 0;
	buf_adds(&c->out, c->ctype && strstr(c->ctype, "xml") ? "<<\x01</>" : "\x01}{\"");
	return 1;
}
