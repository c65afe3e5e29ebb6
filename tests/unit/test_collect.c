/*
 * test_collect.c: the collector.
 *
 * The pieces that need no network: region patterns, the lanes and their
 * priorities and caps, and the verdicts that map a finished AWS call (or a
 * failed role assumption) to a model state.
 *
 * Then the collector itself on a uv loop against a real awsim process
 * (build/awsim, started here on a free port): live refresh rounds on their
 * intervals (the GuardDuty detector ids kept from the first round, Cost
 * Explorer not asked again), pause, the drill-down detail, a manual refresh
 * of one account, changing the regions, and freeing the collector while
 * calls are on the wire. Each ends with every handle closed and
 * uv_loop_close() == 0. `orgtop --once` as a whole is proved in
 * tests/e2e/test_once_*.py.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <uv.h>

#include <cmocka.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/buf.h"
#include "core/collect.h"
#include "core/collect_sched.h"
#include "core/model.h"
#include "core/xmalloc.h"

extern char **environ;

/* ------------------------------------------------------------ patterns */

static void
test_patterns_empty_means_all(void **state)
{
	struct collect__patterns p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(collect__patterns_parse(NULL, &p, &cause), 0);
	assert_int_equal(p.n, 0);
	assert_true(collect__patterns_match(&p, "eu-west-1"));
	assert_false(collect__patterns_all_literal(&p));
	collect__patterns_done(&p);
	assert_int_equal(collect__patterns_parse("  ", &p, &cause), 0);
	assert_int_equal(p.n, 0);
	collect__patterns_done(&p);
}

static void
test_patterns_globs_and_literals(void **state)
{
	struct collect__patterns p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(collect__patterns_parse(" eu-* , US-EAST-1,ap-?outheast-2", &p, &cause), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.pat[1], "us-east-1");
	assert_true(collect__patterns_match(&p, "eu-central-1"));
	assert_true(collect__patterns_match(&p, "eu-south-2"));
	assert_true(collect__patterns_match(&p, "us-east-1"));
	assert_true(collect__patterns_match(&p, "ap-southeast-2"));
	assert_false(collect__patterns_match(&p, "us-east-2"));
	assert_false(collect__patterns_match(&p, "ap-southeast-1"));
	assert_false(collect__patterns_match(&p, "me-south-1"));
	assert_true(collect__patterns_literal(&p, "us-east-1"));
	assert_false(collect__patterns_literal(&p, "eu-west-1"));
	assert_false(collect__patterns_all_literal(&p));
	collect__patterns_done(&p);

	assert_int_equal(collect__patterns_parse("us-gov-west-1,eu-west-1", &p, &cause), 0);
	assert_true(collect__patterns_all_literal(&p));
	assert_true(collect__patterns_literal(&p, "us-gov-west-1"));
	collect__patterns_done(&p);
}

static void
check_bad(const char *spec, const char *needle)
{
	struct collect__patterns p = { (char **)0x1, 77 };
	char *cause = NULL;

	assert_int_equal(collect__patterns_parse(spec, &p, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s': cause '%s' lacks '%s'", spec, cause, needle);
	for (const char *c = cause; *c != '\0'; c++)
		assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
	/* Untouched on failure. */
	assert_ptr_equal(p.pat, (char **)0x1);
	assert_int_equal(p.n, 77);
	free(cause);
}

static void
test_patterns_bad(void **state)
{
	char many[65 * 16 + 1];
	size_t off = 0;

	(void)state;
	check_bad("eu_west-1", "'eu_west-1' is not a region");
	check_bad("eu-west", "'eu-west' is not a region");
	check_bad("westeurope", "not a region");
	check_bad("eu-west-1,,us-east-1", "empty region");
	check_bad("eu-west-1,", "empty region");
	check_bad("eu-*,eu-*", "listed twice");
	check_bad("eu-west-1;rm", "not a region");
	check_bad("eu-\x1b]0;x\x07", "not a region");
	check_bad("eu-west-1-and-a-very-long-name-indeed", "too long");
	for (int i = 0; i < 65; i++)
		off += (size_t)snprintf(many + off, sizeof many - off, "%seu-test-%d", i ? "," : "", i);
	check_bad(many, "more than 64");
}

/* ---------------------------------------------------------------- lanes */

struct node {
	struct collect__qnode q;
	int id;
};

#define NODE(qn) ((struct node *)(void *)((char *)(qn) - offsetof(struct node, q)))

static void
test_queue_priorities(void **state)
{
	struct collect__queue q;
	struct node n[8];
	static const enum collect__lane lanes[8] = {
		LANE_PREP, LANE_WALK, LANE_PREP, LANE_URGENT, LANE_COST, LANE_RETRY, LANE_WALK,
		LANE_SSO,
	};
	static const int order[8] = { 3, 5, 1, 6, 7, 4, 0, 2 };

	(void)state;
	collect__queue_init(&q);
	for (int i = 0; i < 8; i++) {
		memset(&n[i], 0, sizeof n[i]);
		n[i].id = i;
		collect__queue_push(&q, &n[i].q, lanes[i]);
	}
	assert_int_equal(q.total, 8);
	assert_int_equal(collect__queue_waiting(&q, LANE_BIT(LANE_PREP)), 2);
	for (int i = 0; i < 8; i++) {
		struct collect__qnode *x = collect__queue_pop(&q, LANES_ALL);

		assert_non_null(x);
		assert_int_equal(NODE(x)->id, order[i]);
		assert_false(x->queued);
	}
	assert_null(collect__queue_pop(&q, LANES_ALL));
	assert_int_equal(q.total, 0);
	assert_int_equal(q.inflight[LANE_WALK], 2);
	collect__queue_done(&q, LANE_WALK);
	collect__queue_done(&q, LANE_WALK);
	collect__queue_done(&q, LANE_WALK); /* never below zero */
	assert_int_equal(q.inflight[LANE_WALK], 0);
}

static void
test_queue_mask_and_caps(void **state)
{
	struct collect__queue q;
	struct node sso[3], prep[2];

	(void)state;
	collect__queue_init(&q);
	collect__queue_set_cap(&q, LANE_SSO, 2);
	for (int i = 0; i < 3; i++) {
		memset(&sso[i], 0, sizeof sso[i]);
		sso[i].id = 10 + i;
		collect__queue_push(&q, &sso[i].q, LANE_SSO);
	}
	for (int i = 0; i < 2; i++) {
		memset(&prep[i], 0, sizeof prep[i]);
		prep[i].id = 20 + i;
		collect__queue_push(&q, &prep[i].q, LANE_PREP);
	}
	/* A mask leaves the other lanes alone. */
	assert_int_equal(NODE(collect__queue_pop(&q, LANE_BIT(LANE_PREP)))->id, 20);
	/* The capped lane gives two, then the next lane is served. */
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 10);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 11);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 21);
	assert_null(collect__queue_pop(&q, LANES_ALL));
	assert_int_equal(collect__queue_waiting(&q, LANES_ALL), 1);
	/* A slot coming back lets the third through. */
	collect__queue_done(&q, LANE_SSO);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 12);
}

static void
test_queue_remove_anywhere(void **state)
{
	struct collect__queue q;
	struct node n[4];

	(void)state;
	collect__queue_init(&q);
	for (int i = 0; i < 4; i++) {
		memset(&n[i], 0, sizeof n[i]);
		n[i].id = i;
		collect__queue_push(&q, &n[i].q, LANE_WALK);
	}
	collect__queue_push(&q, &n[1].q, LANE_URGENT); /* already queued: ignored */
	collect__queue_remove(&q, &n[2].q);
	collect__queue_remove(&q, &n[0].q);
	collect__queue_remove(&q, &n[0].q); /* twice: harmless */
	collect__queue_remove(&q, &n[3].q);
	assert_int_equal(q.total, 1);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 1);
	assert_null(q.head[LANE_WALK]);
	assert_null(q.tail[LANE_WALK]);
	/* Re-queued after removal: works again. */
	collect__queue_push(&q, &n[2].q, LANE_RETRY);
	assert_int_equal(NODE(collect__queue_pop(&q, LANES_ALL))->id, 2);
}

/* ------------------------------------------------------------- verdicts */

static struct aws_result
result(enum aws_err err, const char *code, const char *message, long status)
{
	struct aws_result r;

	memset(&r, 0, sizeof r);
	r.err = err;
	r.code = code;
	r.message = message;
	r.status = status;
	r.request_id = "";
	r.body = "";
	return r;
}

static void
test_verdict_states(void **state)
{
	struct collect__verdict v;
	struct aws_result r;

	(void)state;
	r = result(AWS_OK, "", "", 200);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_OK);
	assert_string_equal(v.reason, "");

	/* An SCP deny: denied with AWS's message, never retried. */
	r = result(AWS_ERR_DENIED, "AccessDeniedException",
	    "User: arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/orgtop is "
	    "not authorized to perform: config:GetComplianceSummaryByConfigRule with an explicit "
	    "deny in a service control policy", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_false(v.requeue);
	assert_non_null(strstr(v.reason, "explicit deny in a service control policy"));

	/* Throttling that outlasted the client's retries: queued again. */
	r = result(AWS_ERR_THROTTLED, "ThrottlingException", "Rate exceeded", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_THROTTLED);
	assert_true(v.requeue);

	/* Not enabled or not subscribed: disabled, a state, not an error. */
	r = result(AWS_ERR_CLIENT, "SubscriptionRequiredException", "not subscribed", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DISABLED);
	r = result(AWS_ERR_CLIENT, "NoSuchConfigurationRecorderException", "", 400);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DISABLED);
	assert_string_equal(v.reason, "NoSuchConfigurationRecorderException");

	/* Credentials refused: an opt-in region that is off, unless we know it is on. */
	r = result(AWS_ERR_AUTH, "UnrecognizedClientException",
	    "The security token included in the request is invalid.", 400);
	collect__verdict(&r, 0, &v);
	assert_int_equal(v.st, MS_REGION_OFF);
	assert_string_equal(v.reason, "region not enabled");
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_non_null(strstr(v.reason, "UnrecognizedClientException"));
	assert_true(v.creds_failed);

	/* Other failures: an error with a short reason. */
	r = result(AWS_ERR_SERVER, "503", "Service Unavailable", 503);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "HTTP 503: Service Unavailable");
	r = result(AWS_ERR_SERVER, "InternalFailure", "oops", 500);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "InternalFailure: oops");
	r = result(AWS_ERR_TIMEOUT, "", "", 0);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "timeout");
	r = result(AWS_ERR_NETWORK, "", "Connection refused", 0);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "network: Connection refused");
	r = result(AWS_ERR_CLOCK_SKEW, "RequestTimeTooSkewed", "off by 20 minutes", 403);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "clock skew: off by 20 minutes");
	r = result(AWS_ERR_BAD_RESPONSE, "", "", 200);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "bad answer: bad answer");
	r = result(AWS_ERR_CLIENT, "ValidationException", "", 400);
	collect__verdict(&r, 1, &v);
	assert_string_equal(v.reason, "ValidationException");
	r = result(AWS_ERR_CANCELLED, "", "", 0);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);

	/* An expired SSO session is flagged so the caller says it once. */
	r = result(AWS_ERR_CREDENTIALS, "",
	    "SSO session for profile x expired: run `aws sso login --profile x`", 0);
	r.sso_expired = 1;
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.sso_expired);
	assert_true(v.creds_failed);
}

static void
test_verdict_long_message_is_cut(void **state)
{
	struct collect__verdict v;
	struct aws_result r;
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	r = result(AWS_ERR_DENIED, "AccessDenied", big, 403);
	collect__verdict(&r, 1, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_int_equal(strlen(v.reason), sizeof v.reason - 1);
}

static void
test_creds_verdict(void **state)
{
	struct collect__verdict v;

	(void)state;
	collect__creds_verdict("AssumeRole arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"
	    ": AccessDenied: User: arn:aws:iam::111111111111:user/admin is not authorized to "
	    "perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/"
	    "OrganizationAccountAccessRole", 0, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_true(strncmp(v.reason, "User: arn:aws:iam::111111111111:user/admin is not", 49) == 0);
	assert_false(v.creds_failed);

	collect__creds_verdict("User: x is not authorized to perform: sts:AssumeRole", 0, &v);
	assert_int_equal(v.st, MS_DENIED);
	assert_string_equal(v.reason, "User: x is not authorized to perform: sts:AssumeRole");

	collect__creds_verdict("AssumeRole ...: network: connection refused", 0, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.creds_failed);

	collect__creds_verdict("SSO session for profile x expired: run `aws sso login --profile x`",
	    1, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_true(v.sso_expired);

	collect__creds_verdict("role arn:aws:iam::3:role/R: AssumeRole into arn:aws:iam::3:role/R "
	    "failed: Throttling: Rate exceeded", 0, &v);
	assert_int_equal(v.st, MS_THROTTLED);
	assert_true(v.requeue);

	collect__creds_verdict(NULL, 0, &v);
	assert_int_equal(v.st, MS_ERROR);
	assert_string_equal(v.reason, "credentials unavailable");
}

/* ------------------------------------------------------- against awsim */

struct sim {
	pid_t pid;
	int out;          /* awsim's stdout (kept open, unread after "# ready") */
	char endpoint[128], key[128], secret[128], region[32];
};

static int
sim_start(struct sim *sim, const char *const *args)
{
	const char *build = getenv("ORGTOP_BUILD"), *root = getenv("ORGTOP_ROOT");
	char bin[1024], line[512], *argv[16];
	posix_spawn_file_actions_t fa;
	int fds[2], n = 0;
	size_t len = 0;

	memset(sim, 0, sizeof *sim);
	if (build == NULL || root == NULL)
		return -1;
	snprintf(bin, sizeof bin, "%s/awsim", build);
	if (access(bin, X_OK) != 0 || pipe(fds) != 0)
		return -1;
	argv[n++] = xstrdup(bin);
	argv[n++] = xstrdup("--listen");
	argv[n++] = xstrdup("127.0.0.1:0");
	for (size_t i = 0; args[i] != NULL && n < 14; i++)
		argv[n++] = xstrdup(args[i]);
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	n = posix_spawn(&sim->pid, bin, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	if (n != 0)
		return -1;
	close(fds[1]);
	sim->out = fds[0];
	/* Read the export lines up to "# ready". */
	for (;;) {
		struct pollfd pfd = { sim->out, POLLIN, 0 };
		char ch;

		if (poll(&pfd, 1, 20000) <= 0 || read(sim->out, &ch, 1) != 1)
			return -1;
		if (ch != '\n') {
			if (len < sizeof line - 1)
				line[len++] = ch;
			continue;
		}
		line[len] = '\0';
		len = 0;
		if (strcmp(line, "# ready") == 0)
			break;
		if (strncmp(line, "export AWS_ENDPOINT_URL=", 24) == 0)
			snprintf(sim->endpoint, sizeof sim->endpoint, "%.127s", line + 24);
		else if (strncmp(line, "export AWS_ACCESS_KEY_ID=", 25) == 0)
			snprintf(sim->key, sizeof sim->key, "%.127s", line + 25);
		else if (strncmp(line, "export AWS_SECRET_ACCESS_KEY=", 29) == 0)
			snprintf(sim->secret, sizeof sim->secret, "%.127s", line + 29);
		else if (strncmp(line, "export AWS_REGION=", 18) == 0)
			snprintf(sim->region, sizeof sim->region, "%.31s", line + 18);
	}
	return sim->endpoint[0] && sim->key[0] && sim->secret[0] ? 0 : -1;
}

static void
sim_stop(struct sim *sim)
{
	if (sim->pid > 0) {
		kill(sim->pid, SIGTERM);
		waitpid(sim->pid, NULL, 0);
	}
	if (sim->out > 0)
		close(sim->out);
	sim->pid = 0;
	sim->out = 0;
}

static size_t
curl_sink(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

/* awsim's request count for one operation ("guardduty:ListDetectors"). */
static long
sim_count(const struct sim *sim, const char *op)
{
	CURL *h = curl_easy_init();
	struct buf b;
	char url[256];
	cJSON *doc, *by;
	long n = -1;

	buf_init(&b);
	snprintf(url, sizeof url, "%s/_awsim/stats", sim->endpoint);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(h) == CURLE_OK) {
		doc = cJSON_Parse(b.data);
		by = cJSON_GetObjectItem(doc, "by_operation");
		if (cJSON_IsNumber(cJSON_GetObjectItem(by, op)))
			n = (long)cJSON_GetObjectItem(by, op)->valuedouble;
		else if (by != NULL)
			n = 0;
		cJSON_Delete(doc);
	}
	curl_easy_cleanup(h);
	buf_done(&b);
	return n;
}

/* A collector on its own loop, pointed at a sim. */
struct live {
	struct sim sim;
	uv_loop_t loop;
	uv_timer_t guard;
	struct aws_client *client;
	struct creds_provider *base;
	struct model *m;
	struct collect *c;
	unsigned rounds, want;
	int timed_out;
};

static void
live_done(void *arg)
{
	struct live *l = arg;

	if (++l->rounds >= l->want)
		uv_stop(&l->loop);
}

static void
live_guard(uv_timer_t *t)
{
	struct live *l = t->data;

	l->timed_out = 1;
	uv_stop(&l->loop);
}

/* Runs the loop until `rounds` refreshes completed in all, or ms passed. */
static void
live_run(struct live *l, unsigned rounds, uint64_t ms)
{
	l->want = rounds;
	l->timed_out = 0;
	uv_timer_start(&l->guard, live_guard, ms, 0);
	while (l->rounds < l->want && !l->timed_out)
		uv_run(&l->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&l->guard);
}

static int
live_start(struct live *l, const char *const *sim_args, const struct collect_config *cfg)
{
	struct aws_client_config cc;
	char *cause = NULL;

	memset(l, 0, sizeof *l);
	if (sim_start(&l->sim, sim_args) != 0) {
		sim_stop(&l->sim);
		return -1;
	}
	setenv("AWS_ENDPOINT_URL", l->sim.endpoint, 1);
	unsetenv("AWS_MAX_ATTEMPTS");
	assert_int_equal(uv_loop_init(&l->loop), 0);
	uv_timer_init(&l->loop, &l->guard);
	l->guard.data = l;
	memset(&cc, 0, sizeof cc);
	cc.region = l->sim.region;
	cc.http.max_host_connections = 64;
	l->client = aws_client_new(&l->loop, &cc, &cause);
	assert_non_null(l->client);
	l->base = creds_provider_static(l->sim.key, l->sim.secret, NULL);
	l->m = model_new();
	l->c = collect_new(&l->loop, l->m, l->client, l->base, cfg, &cause);
	assert_non_null(l->c);
	collect_set_done_cb(l->c, live_done, l);
	assert_int_equal(collect_start(l->c, &cause), 0);
	return 0;
}

static void
live_stop(struct live *l)
{
	collect_free(l->c);
	creds_provider_free(l->base);
	aws_client_free(l->client);
	uv_close((uv_handle_t *)&l->guard, NULL);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&l->loop), 0);
	model_free(l->m);
	sim_stop(&l->sim);
	unsetenv("AWS_ENDPOINT_URL");
}

static const char *
scenario(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof path, "%s/tests/e2e/scenarios/%s", getenv("ORGTOP_ROOT"), name);
	return path;
}

static int
acct_of(const struct model *m, const char *id)
{
	return model_account_find(m, id);
}

static const struct model_cell *
cell(const struct model *m, const char *id, const char *region)
{
	return model_cell(m, (size_t)acct_of(m, id), (size_t)model_region_find(m, region));
}

/* GuardDuty cells asked in a round: with a detector (ok), or without one (disabled, SCP-denied). */
static void
gd_cells(const struct model *m, long *with, long *without)
{
	*with = *without = 0;
	for (size_t a = 0; a < model_naccounts(m); a++) {
		const struct model_account *ma = model_account(m, a);

		if (ma->access.state != MS_OK)
			continue; /* not asked: suspended, or the role is denied */
		for (size_t r = 0; r < model_nregions(m); r++) {
			uint8_t st = model_cell(m, a, r)->gd.st.state;

			if (st == MS_OK)
				(*with)++;
			else if (st == MS_DISABLED || st == MS_DENIED)
				(*without)++;
		}
	}
}

static void
test_live_rounds_keep_detectors_and_cost(void **state)
{
	struct collect_config cfg;
	struct collect_progress p;
	struct live l;
	const char *args[] = { "--scenario", scenario("states.json"), NULL };
	long det1, stats1, with, without;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ACCOUNTS; /* each account asked (org mode: test_live_org_*) */
	cfg.interval[SRC_CONFIG] = 2;
	cfg.interval[SRC_GUARDDUTY] = 2;
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 30000);
	assert_false(l.timed_out);
	assert_int_equal(model_naccounts(l.m), 11);
	assert_int_equal(cell(l.m, "200000000001", "eu-west-1")->gd.st.state, MS_OK);
	assert_int_equal(cell(l.m, "200000000001", "eu-west-1")->gd.critical, 1);
	det1 = sim_count(&l.sim, "guardduty:ListDetectors");
	stats1 = sim_count(&l.sim, "guardduty:GetFindingsStatistics");
	gd_cells(l.m, &with, &without);
	assert_true(with > 10 && without > 0);

	/* The intervals start the next round on their own. */
	live_run(&l, 2, 30000);
	assert_false(l.timed_out);
	/* Statistics for every cell with a detector, without listing it again. */
	assert_int_equal(sim_count(&l.sim, "guardduty:GetFindingsStatistics") - stats1, with);
	assert_int_equal(sim_count(&l.sim, "guardduty:ListDetectors") - det1, without);
	/* Cost Explorer is on its own (6 h) interval. */
	assert_int_equal(sim_count(&l.sim, "ce:GetCostAndUsage"), 1);
	collect_progress(l.c, &p);
	assert_int_equal(p.ce_calls, 1);
	assert_int_equal(p.errors, 0);
	assert_true(p.last_complete > 0);
	assert_int_equal(cell(l.m, "200000000001", "eu-west-1")->gd.st.state, MS_OK);
	assert_int_equal(cell(l.m, "111111111111", "us-east-1")->config.noncompliant, 2);
	live_stop(&l);
}

static void
test_live_pause_then_manual_refresh(void **state)
{
	struct collect_config cfg;
	struct live l;
	const char *args[] = { "--scenario", scenario("allok.json"), NULL };
	long n1;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ACCOUNTS; /* each account asked (org mode: test_live_org_*) */
	cfg.interval[SRC_CONFIG] = 1;
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 30000);
	assert_false(l.timed_out);
	collect_set_paused(l.c, 1);
	n1 = sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule");
	/* Paused: two intervals go by without a round. */
	live_run(&l, 2, 2500);
	assert_true(l.timed_out);
	assert_int_equal(l.rounds, 1);
	assert_int_equal(sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule"), n1);
	/* A manual refresh still works. */
	collect_refresh_all(l.c);
	live_run(&l, 2, 30000);
	assert_false(l.timed_out);
	assert_true(sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule") > n1);
	live_stop(&l);
}

static void
test_live_detail_and_one_account(void **state)
{
	struct collect_config cfg;
	struct collect_progress p;
	const struct model_detail *d;
	struct live l;
	const char *args[] = { "--scenario", scenario("states.json"), NULL };
	int sec, mgmt;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ACCOUNTS; /* each account asked (org mode: test_live_org_*) */
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 30000);
	assert_false(l.timed_out);

	/* The drill-down: the delegated admin's own top findings, highest first. */
	sec = acct_of(l.m, "200000000001");
	collect_fetch_detail(l.c, (size_t)sec);
	live_run(&l, 2, 30000);
	assert_false(l.timed_out);
	d = model_detail(l.m, (size_t)sec);
	assert_non_null(d);
	assert_int_equal(d->findings_st.state, MS_OK);
	assert_int_equal(d->nfindings, 3); /* the archived one is not there */
	assert_true(d->findings[0].severity > 9.0);
	assert_true(d->findings[1].severity >= 8.0 && d->findings[1].severity < 9.0);
	assert_int_equal(d->rules_st.state, MS_OK);
	assert_int_equal(d->nrules, 0);

	/* The noncompliant rules of the management account, named. */
	mgmt = acct_of(l.m, "111111111111");
	collect_fetch_detail(l.c, (size_t)mgmt);
	live_run(&l, 3, 30000);
	d = model_detail(l.m, (size_t)mgmt);
	assert_non_null(d);
	assert_int_equal(d->rules_st.state, MS_OK);
	assert_int_equal(d->nrules, 2);
	assert_int_equal(d->rules[0].region, model_region_find(l.m, "us-east-1"));

	/* A manual refresh of one account asks only that account. */
	collect_refresh_account(l.c, (size_t)mgmt);
	live_run(&l, 4, 30000);
	assert_false(l.timed_out);
	collect_progress(l.c, &p);
	assert_true(p.total > 0 && p.total <= 2 * model_nregions(l.m) + 1);
	assert_int_equal(p.errors, 0);
	live_stop(&l);
}

static void
test_live_change_regions(void **state)
{
	struct collect_config cfg;
	struct live l;
	const char *args[] = { "--scenario", scenario("states.json"), NULL };
	char *cause = NULL;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ACCOUNTS; /* each account asked (org mode: test_live_org_*) */
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 30000);
	assert_int_equal(model_nregions(l.m), 5);
	assert_int_equal(collect_set_regions(l.c, "eu-*", &cause), 0);
	assert_int_equal(model_nregions(l.m), 2);
	assert_string_equal(model_region(l.m, 0), "eu-central-1");
	assert_string_equal(model_region(l.m, 1), "eu-west-1");
	/* Back to every enabled region: the ones that return are fetched again. */
	assert_int_equal(collect_set_regions(l.c, NULL, &cause), 0);
	assert_int_equal(model_nregions(l.m), 5);
	assert_int_equal(cell(l.m, "111111111111", "us-east-1")->config.st.state, MS_LOADING);
	live_run(&l, 2, 30000);
	assert_false(l.timed_out);
	assert_int_equal(cell(l.m, "111111111111", "us-east-1")->config.st.state, MS_OK);
	assert_int_equal(cell(l.m, "111111111111", "us-east-1")->config.noncompliant, 2);
	/* A bad pattern changes nothing. */
	assert_int_equal(collect_set_regions(l.c, "eu_west", &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(model_nregions(l.m), 5);
	live_stop(&l);
}

static void
test_live_free_while_calls_are_on_the_wire(void **state)
{
	struct collect_config cfg;
	struct collect_progress p;
	struct live l;
	const char *args[] = { "--accounts", "40", "--latency", "300", NULL };

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ACCOUNTS; /* each account asked (org mode: test_live_org_*) */
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 1500);
	assert_true(l.timed_out);
	collect_progress(l.c, &p);
	assert_true(p.refreshing);
	assert_true(p.inflight > 0);
	/* live_stop frees the collector first, with calls pending, and closes the loop. */
	live_stop(&l);
}

/* ---- org mode ---- */

/*
 * states.json changed by edit (a cJSON tree of the scenario, changed in
 * place) into a file of its own; its path is written to path.
 */
static void
scenario_variant(const char *name, void (*edit)(cJSON *root), char *path, size_t len)
{
	FILE *f = fopen(scenario("states.json"), "r");
	char *text = xmalloc(1 << 16), *out;
	size_t n;
	cJSON *root;

	assert_non_null(f);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	root = cJSON_Parse(text);
	free(text);
	assert_non_null(root);
	edit(root);
	out = cJSON_Print(root);
	cJSON_Delete(root);
	snprintf(path, len, "%s/test_collect_%s_%d.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	    name, (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(out, f);
	fclose(f);
	free(out);
}

static void
no_aggregator(cJSON *root)
{
	cJSON_DeleteItemFromObject(root, "aggregator");
	cJSON_AddNullToObject(root, "aggregator");
}

static long
count_state(const struct model *m, int gd, enum model_state st)
{
	long n = 0;

	for (size_t a = 0; a < model_naccounts(m); a++) {
		for (size_t r = 0; r < model_nregions(m); r++) {
			const struct model_cell *x = model_cell(m, a, r);

			n += (gd ? x->gd.st.state : x->config.st.state) == st;
		}
	}
	return n;
}

/* Config cells of accounts not asked at all (suspended, role denied). */
static long
count_inactive(const struct model *m)
{
	long n = 0;

	for (size_t a = 0; a < model_naccounts(m); a++) {
		if (model_account(m, a)->access.state != MS_OK)
			n += (long)model_nregions(m);
	}
	return n;
}

/*
 * --mode org on states.json: Config and GuardDuty values from the
 * aggregators, the same the accounts give; the few cells the aggregators say
 * nothing about (an SCP-denied region, Config or GuardDuty off) asked of
 * the account, one call each; the next round finds the administrator and
 * the aggregator again without asking.
 */
static void
test_live_org_rounds(void **state)
{
	struct collect_config cfg;
	struct collect_progress p;
	struct live l;
	const char *args[] = { "--scenario", scenario("states.json"), NULL };
	const struct model_cell *x;
	long sum1, deleg1, aggs1;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = COLLECT_ORG;
	cfg.interval[SRC_CONFIG] = 2;
	cfg.interval[SRC_GUARDDUTY] = 2;
	if (live_start(&l, args, &cfg) != 0)
		skip();
	live_run(&l, 1, 30000);
	assert_false(l.timed_out);
	assert_int_equal(model_naccounts(l.m), 11);
	x = cell(l.m, "200000000001", "eu-west-1"); /* the administrator's own findings */
	assert_int_equal(x->gd.st.state, MS_OK);
	assert_int_equal(x->gd.critical, 1);
	assert_int_equal(x->gd.high, 1);
	assert_int_equal(x->gd.low, 1);
	assert_int_equal(x->gd.medium, 0); /* the archived one is not counted */
	assert_float_equal(x->gd.max_severity, 9.1, 1e-6);
	x = cell(l.m, "111111111111", "us-east-1"); /* a member's */
	assert_int_equal(x->config.st.state, MS_OK);
	assert_int_equal(x->config.noncompliant, 2);
	assert_int_equal(x->gd.medium, 1);
	assert_float_equal(x->gd.max_severity, 5.5, 1e-6);
	x = cell(l.m, "200000000002", "us-east-1"); /* SCP: the account tells */
	assert_int_equal(x->config.st.state, MS_DENIED);
	assert_non_null(strstr(x->config.st.reason, "service control policy"));
	assert_int_equal(x->gd.st.state, MS_DENIED);
	assert_int_equal(cell(l.m, "200000000007", "us-east-1")->config.st.state, MS_OK);
	assert_int_equal(count_state(l.m, 0, MS_LOADING) + count_state(l.m, 1, MS_LOADING), 0);
	assert_int_equal(count_state(l.m, 0, MS_ERROR) + count_state(l.m, 1, MS_ERROR), 0);
	/* Per account: exactly the cells without aggregator data (denied or disabled). */
	assert_int_equal(sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule"),
	    count_state(l.m, 0, MS_DENIED) + count_state(l.m, 0, MS_DISABLED) -
	    count_inactive(l.m));
	assert_true(sim_count(&l.sim, "guardduty:ListMembers") > 0);
	sum1 = sim_count(&l.sim, "config:GetAggregateConfigRuleComplianceSummary");
	deleg1 = sim_count(&l.sim, "organizations:ListDelegatedAdministrators");
	aggs1 = sim_count(&l.sim, "config:DescribeConfigurationAggregators");
	assert_true(sum1 > 0);
	assert_int_equal(deleg1, 2); /* config.amazonaws.com, guardduty.amazonaws.com */

	live_run(&l, 2, 30000);
	assert_false(l.timed_out);
	assert_true(sim_count(&l.sim, "config:GetAggregateConfigRuleComplianceSummary") > sum1);
	assert_int_equal(sim_count(&l.sim, "organizations:ListDelegatedAdministrators"), deleg1);
	assert_int_equal(sim_count(&l.sim, "config:DescribeConfigurationAggregators"), aggs1);
	collect_progress(l.c, &p);
	assert_int_equal(p.errors, 0);
	assert_float_equal(cell(l.m, "200000000001", "eu-west-1")->gd.max_severity, 9.1, 1e-6);
	live_stop(&l);
}

/*
 * No Config aggregator anywhere: --mode auto asks each account for Config
 * (GuardDuty still from its administrator); --mode org says why in every
 * Config cell.
 */
static void
test_live_org_without_aggregator(void **state)
{
	char path[1024];
	struct collect_config cfg;
	struct live l;
	const char *args[] = { "--scenario", path, NULL };
	const struct model_cell *x;

	(void)state;
	scenario_variant("noagg", no_aggregator, path, sizeof path);
	for (int org = 0; org < 2; org++) {
		memset(&cfg, 0, sizeof cfg);
		cfg.mode = org ? COLLECT_ORG : COLLECT_AUTO;
		if (live_start(&l, args, &cfg) != 0) {
			unlink(path);
			skip();
		}
		live_run(&l, 1, 30000);
		assert_false(l.timed_out);
		x = cell(l.m, "111111111111", "us-east-1");
		assert_int_equal(x->gd.st.state, MS_OK);
		assert_int_equal(x->gd.medium, 1);
		if (org) {
			assert_int_equal(x->config.st.state, MS_ERROR);
			assert_non_null(strstr(x->config.st.reason, "aggregator"));
			assert_int_equal(sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule"), 0);
		} else {
			assert_int_equal(x->config.st.state, MS_OK);
			assert_int_equal(x->config.noncompliant, 2);
			/* The SCP-denied region, asked of the account, is denied. */
			assert_int_equal(cell(l.m, "200000000002", "us-east-1")->config.st.state,
			    MS_DENIED);
			assert_true(sim_count(&l.sim, "config:GetComplianceSummaryByConfigRule") > 10);
		}
		assert_int_equal(sim_count(&l.sim, "guardduty:ListMembers") > 0, 1);
		assert_int_equal(count_state(l.m, 0, MS_LOADING) + count_state(l.m, 1, MS_LOADING), 0);
		live_stop(&l);
	}
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns_empty_means_all),
		cmocka_unit_test(test_patterns_globs_and_literals),
		cmocka_unit_test(test_patterns_bad),
		cmocka_unit_test(test_queue_priorities),
		cmocka_unit_test(test_queue_mask_and_caps),
		cmocka_unit_test(test_queue_remove_anywhere),
		cmocka_unit_test(test_verdict_states),
		cmocka_unit_test(test_verdict_long_message_is_cut),
		cmocka_unit_test(test_creds_verdict),
		cmocka_unit_test(test_live_rounds_keep_detectors_and_cost),
		cmocka_unit_test(test_live_pause_then_manual_refresh),
		cmocka_unit_test(test_live_detail_and_one_account),
		cmocka_unit_test(test_live_change_regions),
		cmocka_unit_test(test_live_free_while_calls_are_on_the_wire),
		cmocka_unit_test(test_live_org_rounds),
		cmocka_unit_test(test_live_org_without_aggregator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
