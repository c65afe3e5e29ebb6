/*
 * control.c: /_awsim/...
 */
#include "tests/awsim/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/route.h"
#include "tests/awsim/truth.h"

static void
control__error(struct call *c, int status, const char *msg)
{
	call_error(c, status, status == 404 ? "NotFound" : "BadRequest", "%s", msg);
}

static unsigned long long
ld(atomic_ullong *v)
{
	return atomic_load(v);
}

static void
control__stats(struct call *c)
{
	struct sim_stats *s = &c->sim->stats;
	struct jw w;
	int i, n = route_nops();

	call_json(c, &w);
	jw_obj(&w);
	jw_kint(&w, "requests", (long long)ld(&s->requests));
	jw_kint(&w, "connections", (long long)ld(&s->connections));
	jw_kint(&w, "ce_calls", (long long)ld(&s->ce_calls));
	jw_kint(&w, "throttled", (long long)ld(&s->throttled));
	jw_kint(&w, "failed", (long long)ld(&s->failed));
	jw_kint(&w, "resets", (long long)ld(&s->resets));
	jw_kint(&w, "truncated", (long long)ld(&s->truncated));
	jw_kint(&w, "malformed", (long long)ld(&s->malformed));
	jw_kint(&w, "blackholed", (long long)ld(&s->blackholed));
	jw_kint(&w, "delayed", (long long)ld(&s->delayed));
	jw_kint(&w, "auth_errors", (long long)ld(&s->auth_errors));
	jw_kint(&w, "errors_4xx", (long long)ld(&s->errors_4xx));
	jw_kint(&w, "errors_5xx", (long long)ld(&s->errors_5xx));
	jw_kint(&w, "sessions", auth_nsessions(c->sim->auth));
	jw_kint(&w, "tick", c->org->tick);
	jw_key(&w, "by_service");
	jw_obj(&w);
	{
		/* Sum per service; names are "service:Operation" and grouped by service. */
		char prev[64] = "";
		unsigned long long sum = 0;
		for (i = 0; i <= n; i++) {
			const char *name = route_op_name(i);
			size_t len = name ? strcspn(name, ":") : 0;
			if (i == n || strncmp(prev, name, len) != 0 || prev[len] != 0) {
				if (prev[0])
					jw_kint(&w, prev, (long long)sum);
				if (i == n)
					break;
				snprintf(prev, sizeof(prev), "%.*s", (int)len, name);
				sum = 0;
			}
			sum += ld(&s->by_op[i]);
		}
	}
	jw_end(&w);
	jw_key(&w, "by_operation");
	jw_obj(&w);
	for (i = 0; i < n; i++)
		if (ld(&s->by_op[i]))
			jw_kint(&w, route_op_name(i), (long long)ld(&s->by_op[i]));
	jw_end(&w);
	jw_key(&w, "throttled_by_operation");
	jw_obj(&w);
	for (i = 0; i < n; i++)
		if (ld(&s->by_op_throttled[i]))
			jw_kint(&w, route_op_name(i), (long long)ld(&s->by_op_throttled[i]));
	jw_end(&w);
	jw_end(&w);
}

static void
control__reset(struct call *c)
{
	struct sim_stats *s = &c->sim->stats;
	struct jw w;
	int i;

	atomic_store(&s->requests, 0);
	atomic_store(&s->connections, 0);
	atomic_store(&s->ce_calls, 0);
	atomic_store(&s->throttled, 0);
	atomic_store(&s->failed, 0);
	atomic_store(&s->resets, 0);
	atomic_store(&s->truncated, 0);
	atomic_store(&s->malformed, 0);
	atomic_store(&s->blackholed, 0);
	atomic_store(&s->delayed, 0);
	atomic_store(&s->auth_errors, 0);
	atomic_store(&s->errors_4xx, 0);
	atomic_store(&s->errors_5xx, 0);
	for (i = 0; i < SIM_MAX_OPS; i++) {
		atomic_store(&s->by_op[i], 0);
		atomic_store(&s->by_op_throttled[i], 0);
	}
	call_json(c, &w);
	jw_obj(&w);
	jw_kbool(&w, "ok", 1);
	jw_end(&w);
}

static void
control__faults(struct call *c)
{
	struct jw w;

	if (strcmp(c->method, "POST") == 0) {
		cJSON *j = cJSON_ParseWithLength(c->body, c->body_len);
		char *cause = NULL;
		if (!j) {
			control__error(c, 400, "faults: the body is not valid JSON");
			return;
		}
		if (faults_update(c->sim->faults, j, "faults", &cause) < 0) {
			control__error(c, 400, cause);
			free(cause);
			cJSON_Delete(j);
			return;
		}
		cJSON_Delete(j);
	}
	call_json(c, &w);
	faults_json(c->sim->faults, &w);
}

static void
control__tick(struct call *c)
{
	struct jw w;
	long long n = 1;

	if (c->body_len) {
		cJSON *j = cJSON_ParseWithLength(c->body, c->body_len);
		const cJSON *it = j ? cJSON_GetObjectItem(j, "n") : NULL;
		if (!j || (it && (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 100000))) {
			cJSON_Delete(j);
			control__error(c, 400, "tick: expected {\"n\": 1..100000}");
			return;
		}
		if (it)
			n = (long long)it->valuedouble;
		cJSON_Delete(j);
	}
	while (n-- > 0)
		org_tick(c->org);
	call_json(c, &w);
	jw_obj(&w);
	jw_kint(&w, "tick", c->org->tick);
	jw_end(&w);
}

static void
control__truth(struct call *c)
{
	struct truth_opts opts;
	char *regions = NULL, *role = NULL, *session = NULL;
	int i;

	call_parse_params(c, c->raw_query, strlen(c->raw_query));
	for (i = 0; i < c->nparams; i++) {
		if (strcmp(c->params[i].key, "regions") == 0)
			regions = c->params[i].value;
		else if (strcmp(c->params[i].key, "role") == 0)
			role = c->params[i].value;
		else if (strcmp(c->params[i].key, "session") == 0)
			session = c->params[i].value;
	}
	memset(&opts, 0, sizeof(opts));
	opts.regions = regions;
	opts.role = role;
	opts.session = session;
	c->status = 200;
	c->answered = 1;
	c->ctype = "application/json";
	buf_reset(&c->out);
	truth_write(c->sim, &opts, &c->out);
}

void
control_handle(struct call *c, struct fault_dec *d)
{
	const char *p = c->raw_path + strlen("/_awsim/");
	int get = strcmp(c->method, "GET") == 0, post = strcmp(c->method, "POST") == 0;
	struct jw w;

	(void)d;
	if (strcmp(p, "health") == 0 && get) {
		call_json(c, &w);
		jw_obj(&w);
		jw_kbool(&w, "ok", 1);
		jw_kint(&w, "tick", c->org->tick);
		jw_end(&w);
	} else if (strcmp(p, "stats") == 0 && get)
		control__stats(c);
	else if (strcmp(p, "stats/reset") == 0 && post)
		control__reset(c);
	else if (strcmp(p, "faults") == 0 && (get || post))
		control__faults(c);
	else if (strcmp(p, "tick") == 0 && post)
		control__tick(c);
	else if (strcmp(p, "truth") == 0 && get)
		control__truth(c);
	else
		control__error(c, 404, "unknown control route (see tests/awsim/README.md)");
}
