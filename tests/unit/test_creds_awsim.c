/*
 * test_creds_awsim.c: the credential chain end to end against awsim, the
 * project's local AWS (build/awsim, started here on a free loopback port
 * with tests/data/creds/awsim-creds.json): every source resolves from real
 * files and environment, gets real credentials over HTTP, and proves them by
 * calling sts:GetCallerIdentity through the real client. Also: chained
 * roles, external ids, a refused AssumeRole with AWS's code and message,
 * the SSO cache + portal (live, expired and refused tokens), credential_process,
 * IMDSv2, container credentials, refresh of short sessions, and an
 * ExpiredToken answer that makes the client refresh and retry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"
#include "core/aws/xml.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define MGMT   "111111111111"
#define MEMBER "222222222222"
#define NOROLE "444444444444"

struct awsim {
	pid_t pid;
	char url[128];
	char akid[128];
	char secret[128];
};

static char home[256];
static char root[1024];

static const char *const vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
};

/* Starts build/awsim with extra arguments; 0, or -1 when there is no awsim binary. */
static int
awsim_start(struct awsim *a, const char *const *extra)
{
	const char *build = getenv("ORGTOP_BUILD");
	char bin[1100], scenario[1100], line[512];
	char *argv[16];
	int fds[2], n = 0;
	FILE *f;

	memset(a, 0, sizeof *a);
	snprintf(bin, sizeof bin, "%s/awsim", build != NULL ? build : "build");
	if (access(bin, X_OK) != 0)
		return -1;
	snprintf(scenario, sizeof scenario, "%s/tests/data/creds/awsim-creds.json", root);
	argv[n++] = xstrdup(bin);
	argv[n++] = xstrdup("--listen");
	argv[n++] = xstrdup("127.0.0.1:0");
	argv[n++] = xstrdup("--scenario");
	argv[n++] = xstrdup(scenario);
	for (; extra != NULL && *extra != NULL && n < 15; extra++)
		argv[n++] = xstrdup(*extra);
	argv[n] = NULL;
	assert_int_equal(pipe(fds), 0);
	a->pid = fork();
	assert_true(a->pid >= 0);
	if (a->pid == 0) {
		/* awsim must not outlive a test that failed half-way. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(bin, argv);
		_exit(127);
	}
	for (int i = 0; i < n; i++)
		free(argv[i]);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "export AWS_ENDPOINT_URL=%127s", a->url) == 1 ||
		    sscanf(line, "export AWS_ACCESS_KEY_ID=%127s", a->akid) == 1 ||
		    sscanf(line, "export AWS_SECRET_ACCESS_KEY=%127s", a->secret) == 1)
			continue;
		if (strcmp(line, "# ready") == 0)
			break;
	}
	fclose(f);
	if (a->url[0] == '\0')
		fail_msg("awsim did not start (see its stderr)");
	return 0;
}

static void
awsim_stop(struct awsim *a)
{
	int st;

	if (a->pid <= 0)
		return;
	kill(a->pid, SIGTERM);
	assert_int_equal(waitpid(a->pid, &st, 0), a->pid);
	a->pid = 0;
}

static const char *
home_path(const char *rel)
{
	static char path[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s/%s", home, rel);
	return path[i];
}

static void
write_file(const char *rel, const char *text, mode_t mode)
{
	char cmd[1200];
	const char *path = home_path(rel);
	FILE *f;

	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* One test's world: awsim, a loop, a client, files in HOME. */
struct world {
	struct awsim sim;
	uv_loop_t loop;
	struct aws_client *client;
};

/* The running world, stopped by the per-test teardown even when the test failed. */
static struct world *current;

static int
world_start(struct world *w, const char *const *extra)
{
	char *cause = NULL, cmd[512];
	struct aws_client_config cfg;

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/.aws'", home);
	assert_int_equal(system(cmd), 0);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	if (awsim_start(&w->sim, extra) < 0)
		return -1;
	current = w;
	setenv("AWS_ENDPOINT_URL", w->sim.url, 1);
	setenv("AWS_REGION", "us-east-1", 1);
	assert_int_equal(uv_loop_init(&w->loop), 0);
	memset(&cfg, 0, sizeof cfg);
	cfg.region = "us-east-1";
	cfg.backoff_scale = 0.01;
	w->client = aws_client_new(&w->loop, &cfg, &cause);
	if (w->client == NULL)
		fail_msg("aws_client_new: %s", cause);
	/* The management account's keys, as a user would keep them. */
	{
		char creds[512];

		snprintf(creds, sizeof creds,
		         "[mgmt]\naws_access_key_id = %s\n"
		         "aws_secret_access_key = %s\n",
		         w->sim.akid, w->sim.secret);
		write_file(".aws/credentials", creds, 0600);
	}
	return 0;
}

static void
world_stop(struct world *w)
{
	current = NULL;
	creds__clock = util_now;
	aws_client_free(w->client);
	uv_run(&w->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&w->loop), 0);
	awsim_stop(&w->sim);
}

/* After a failed test: kill awsim; the loop's memory is left (the test already failed). */
static int
test_teardown(void **state)
{
	(void)state;
	creds__clock = util_now;
	if (current != NULL)
		awsim_stop(&current->sim);
	current = NULL;
	return 0;
}

#define WORLD_OR_SKIP(w, extra)                                                                    \
	do {                                                                                       \
		if (world_start((w), (extra)) < 0) {                                               \
			skip();                                                                    \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static struct creds_provider *
resolve(struct world *w, const char *profile, char **cause)
{
	struct creds_chain_opts o;
	char *warnings = NULL;
	struct creds_provider *p;

	memset(&o, 0, sizeof o);
	o.profile = profile;
	o.explicit_profile = profile != NULL;
	o.client = w->client;
	p = creds_chain_resolve(&o, NULL, &warnings, cause);
	free(warnings);
	return p;
}

static struct creds_provider *
resolve_ok(struct world *w, const char *profile)
{
	char *cause = NULL;
	struct creds_provider *p = resolve(w, profile, &cause);

	if (p == NULL)
		fail_msg("resolve %s: %s", profile != NULL ? profile : "(default)", cause);
	return p;
}

/* What sts:GetCallerIdentity said. */
struct who {
	int done;
	int ok;
	int sso_expired;
	char account[32];
	char arn[256];
	char err[1024];
	char code[64];
};

static void
who_cb(const struct aws_result *res, void *arg)
{
	struct who *who = arg;

	who->done = 1;
	who->ok = res->err == AWS_OK;
	who->sso_expired = res->sso_expired;
	snprintf(who->code, sizeof who->code, "%s", res->code);
	snprintf(who->err, sizeof who->err, "%s", res->message);
	if (who->ok) {
		const char *acct = xml_path_text(res->xml, "Account");
		const char *arn = xml_path_text(res->xml, "Arn");

		snprintf(who->account, sizeof who->account, "%s", acct != NULL ? acct : "");
		snprintf(who->arn, sizeof who->arn, "%s", arn != NULL ? arn : "");
	}
}

static void
whoami(struct world *w, struct creds_provider *p, struct who *who)
{
	struct aws_request req;

	memset(who, 0, sizeof *who);
	memset(&req, 0, sizeof req);
	req.service = AWS_SVC_STS;
	req.operation = "GetCallerIdentity";
	req.creds = p;
	aws_client_call(w->client, &req, who_cb, who);
	while (!who->done)
		uv_run(&w->loop, UV_RUN_ONCE);
}

static void
expect_identity(struct world *w, struct creds_provider *p, const char *account,
                const char *arn_part)
{
	struct who who;

	whoami(w, p, &who);
	if (!who.ok)
		fail_msg("GetCallerIdentity with %s failed: %s: %s", creds_provider_describe(p),
		         who.code, who.err);
	assert_string_equal(who.account, account);
	if (strstr(who.arn, arn_part) == NULL)
		fail_msg("arn %s lacks %s", who.arn, arn_part);
}

static void
test_static_and_chained_roles(void **state)
{
	struct world w;
	struct creds_provider *p;
	struct who who;

	(void)state;
	WORLD_OR_SKIP(&w, NULL);
	write_file(".aws/config",
	           "[profile member]\nrole_arn = arn:aws:iam::" MEMBER
	           ":role/OrganizationAccountAccessRole\n"
	           "source_profile = mgmt\nrole_session_name = orgtop-test\n"
	           "[profile audit]\nrole_arn = arn:aws:iam::" MEMBER ":role/OrgtopAudit\n"
	           "source_profile = member\nduration_seconds = 900\n"
	           "[profile external]\nrole_arn = arn:aws:iam::" MEMBER ":role/ExternalRole\n"
	           "source_profile = mgmt\nexternal_id = ext-123\n"
	           "[profile wrong-external]\nrole_arn = arn:aws:iam::" MEMBER
	           ":role/ExternalRole\n"
	           "source_profile = mgmt\nexternal_id = ext-999\n"
	           "[profile refused]\nrole_arn = arn:aws:iam::" NOROLE
	           ":role/OrganizationAccountAccessRole\n"
	           "source_profile = mgmt\n",
	           0600);
	p = resolve_ok(&w, "mgmt");
	expect_identity(&w, p, MGMT, ":user/");
	creds_provider_free(p);

	p = resolve_ok(&w, "member");
	expect_identity(&w, p, MEMBER, ":assumed-role/OrganizationAccountAccessRole/orgtop-test");
	creds_provider_free(p);

	/* Two hops: mgmt -> member's OrganizationAccountAccessRole -> OrgtopAudit. */
	p = resolve_ok(&w, "audit");
	expect_identity(&w, p, MEMBER, ":assumed-role/OrgtopAudit/orgtop-");
	creds_provider_free(p);

	p = resolve_ok(&w, "external");
	expect_identity(&w, p, MEMBER, ":assumed-role/ExternalRole/");
	creds_provider_free(p);

	/* A refused AssumeRole: AWS's code and message, through the call that needed it. */
	p = resolve_ok(&w, "refused");
	whoami(&w, p, &who);
	assert_false(who.ok);
	assert_non_null(strstr(who.err, "profile 'refused': AssumeRole into arn:aws:iam::" NOROLE
	                                ":role/OrganizationAccountAccessRole failed: AccessDenied: "
	                                "User: "));
	assert_non_null(strstr(who.err, "is not authorized to perform: sts:AssumeRole"));
	creds_provider_free(p);
	p = resolve_ok(&w, "wrong-external");
	whoami(&w, p, &who);
	assert_false(who.ok);
	assert_non_null(strstr(who.err, "failed: AccessDenied"));
	creds_provider_free(p);

	/* The public constructor (orgtop's cross-account step), source borrowed. */
	{
		struct creds_provider *src = resolve_ok(&w, "mgmt");

		p = creds_provider_assume_role(
		    w.client, src, "arn:aws:iam::" MEMBER ":role/OrganizationAccountAccessRole",
		    NULL, NULL, 0);
		expect_identity(&w, p, MEMBER,
		                ":assumed-role/OrganizationAccountAccessRole/orgtop-");
		creds_provider_free(p);
		creds_provider_free(src);
	}
	world_stop(&w);
}

static void
test_sso_portal(void **state)
{
	struct world w;
	struct creds_provider *p;
	struct who who;
	char *key, rel[256];

	(void)state;
	WORLD_OR_SKIP(&w, NULL);
	write_file(".aws/config",
	           "[profile sso]\nsso_session = corp\nsso_account_id = " MEMBER "\n"
	           "sso_role_name = AuditAccess\n"
	           "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
	           "sso_region = eu-west-1\n"
	           "[profile sso-legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"
	           "sso_region = eu-west-1\nsso_account_id = " MEMBER
	           "\nsso_role_name = AuditAccess\n"
	           "[profile from-sso]\nrole_arn = arn:aws:iam::" MEMBER ":role/OrgtopAudit\n"
	           "source_profile = sso\n",
	           0600);
	key = creds__sso_cache_key(NULL, "corp");
	snprintf(rel, sizeof rel, ".aws/sso/cache/%s.json", key);
	free(key);
	write_file(
	    rel,
	    "{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"eu-west-1\", "
	    "\"accessToken\": \"awsim-sso-token-live\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
	    0600);
	p = resolve_ok(&w, "sso");
	assert_string_equal(creds_provider_describe(p), "profile sso (sso)");
	expect_identity(&w, p, MEMBER, "AWSReservedSSO_AuditAccess_");
	creds_provider_free(p);
	/* An assume-role profile on top of SSO. */
	p = resolve_ok(&w, "from-sso");
	expect_identity(&w, p, MEMBER, ":assumed-role/OrgtopAudit/");
	creds_provider_free(p);

	/* A token the portal refuses: the one SSO message, flagged, also through AssumeRole. */
	write_file(rel,
	           "{\"accessToken\": \"awsim-sso-token-dead\", \"expiresAt\": "
	           "\"2099-01-01T00:00:00Z\"}",
	           0600);
	p = resolve_ok(&w, "sso");
	whoami(&w, p, &who);
	assert_false(who.ok);
	assert_int_equal(who.sso_expired, 1);
	assert_non_null(strstr(who.err,
	                       "SSO session for profile sso expired (the portal refused the "
	                       "token): run `aws sso login --profile sso`"));
	creds_provider_free(p);
	p = resolve_ok(&w, "from-sso");
	whoami(&w, p, &who);
	assert_false(who.ok);
	assert_int_equal(who.sso_expired, 1);
	creds_provider_free(p);

	/* The legacy profile's cache file is keyed by its start URL. */
	key = creds__sso_cache_key("https://legacy.awsapps.com/start", NULL);
	snprintf(rel, sizeof rel, ".aws/sso/cache/%s.json", key);
	free(key);
	write_file(rel,
	           "{\"accessToken\": \"awsim-sso-token-live\", \"expiresAt\": "
	           "\"2099-01-01T00:00:00UTC\"}",
	           0600);
	p = resolve_ok(&w, "sso-legacy");
	expect_identity(&w, p, MEMBER, "AWSReservedSSO_AuditAccess_");
	creds_provider_free(p);
	world_stop(&w);
}

static void
test_credential_process(void **state)
{
	struct world w;
	struct creds_provider *p;
	char cfg[1024], script[2048];

	(void)state;
	WORLD_OR_SKIP(&w, NULL);
	snprintf(
	    script, sizeof script,
	    "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"%%s\", \"SecretAccessKey\": "
	    "\"%%s\"}' \"$1\" \"$2\"\n");
	write_file("bin/get-creds", script, 0700);
	/* The keys travel as arguments here only because this is a test. */
	snprintf(cfg, sizeof cfg, "[profile proc]\ncredential_process = \"%s\" %s %s\n",
	         home_path("bin/get-creds"), w.sim.akid, w.sim.secret);
	write_file(".aws/config", cfg, 0600);
	p = resolve_ok(&w, "proc");
	expect_identity(&w, p, MGMT, ":user/");
	creds_provider_free(p);
	world_stop(&w);
}

static void
test_imds_and_container(void **state)
{
	struct world w;
	struct creds_provider *p;
	struct who who;
	char url[256];
	const char *const extra[] = {"--container-token", "Bearer awsim-container", "--imds-role",
	                             "orgtop-instance", NULL};

	(void)state;
	WORLD_OR_SKIP(&w, extra);
	/* Nothing configured: IMDSv2 is the last resort. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", w.sim.url, 1);
	p = resolve_ok(&w, NULL);
	assert_string_equal(creds_provider_describe(p), "instance metadata (IMDSv2)");
	expect_identity(&w, p, MGMT, "orgtop-instance");
	creds_provider_free(p);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);

	snprintf(url, sizeof url, "%s/v2/credentials/task-1", w.sim.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer awsim-container", 1);
	p = resolve_ok(&w, NULL);
	assert_string_equal(creds_provider_describe(p), "container credentials");
	expect_identity(&w, p, MGMT, ":assumed-role/");
	creds_provider_free(p);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer wrong", 1);
	p = resolve_ok(&w, NULL);
	whoami(&w, p, &who);
	assert_false(who.ok);
	assert_non_null(strstr(who.err, "container credentials from http://127.0.0.1:"));
	assert_non_null(strstr(who.err, "HTTP 401"));
	creds_provider_free(p);
	world_stop(&w);
}

/* Fake time for the refresh windows: the real clock plus an offset. */
static double clock_offset;

static double
offset_clock(void)
{
	return util_now() + clock_offset;
}

static void
test_short_sessions_refresh(void **state)
{
	struct world w;
	struct creds_provider *p;
	const char *const extra[] = {"--session-seconds", "120", NULL};
	struct who first, second;

	(void)state;
	WORLD_OR_SKIP(&w, extra);
	write_file(".aws/config",
	           "[profile member]\nrole_arn = arn:aws:iam::" MEMBER
	           ":role/OrganizationAccountAccessRole\n"
	           "source_profile = mgmt\n",
	           0600);
	creds__clock = offset_clock;
	clock_offset = 0;
	p = resolve_ok(&w, "member");
	whoami(&w, p, &first);
	assert_true(first.ok);
	assert_int_equal(creds__provider_fetches(p), 1);
	/* 30 s later (by the provider's clock): fresh, no AssumeRole. */
	clock_offset = 30;
	whoami(&w, p, &second);
	assert_true(second.ok);
	assert_int_equal(creds__provider_fetches(p), 1);
	/* 100 s later: 20 s left of 120, inside the mandatory window: a new AssumeRole. */
	clock_offset = 100;
	whoami(&w, p, &second);
	assert_true(second.ok);
	assert_int_equal(creds__provider_fetches(p), 2);
	creds_provider_free(p);
	creds__clock = util_now;
	world_stop(&w);
}

static void
test_expired_token_refresh(void **state)
{
	struct world w;
	struct creds_provider *p;
	const char *const extra[] = {"--session-seconds", "2", NULL};
	struct who who;

	(void)state;
	WORLD_OR_SKIP(&w, extra);
	write_file(".aws/config",
	           "[profile member]\nrole_arn = arn:aws:iam::" MEMBER
	           ":role/OrganizationAccountAccessRole\n"
	           "source_profile = mgmt\n",
	           0600);
	/* The provider's clock runs 10 minutes behind: it believes a 2-second session is fresh,
	 * so only AWS's ExpiredToken tells it otherwise. */
	creds__clock = offset_clock;
	clock_offset = -600;
	p = resolve_ok(&w, "member");
	whoami(&w, p, &who);
	assert_true(who.ok);
	assert_int_equal(creds__provider_fetches(p), 1);
	sleep(3);
	whoami(&w, p, &who);
	if (!who.ok)
		fail_msg("after ExpiredToken: %s: %s", who.code, who.err);
	assert_string_equal(who.account, MEMBER);
	assert_int_equal(creds__provider_fetches(p), 2);
	creds_provider_free(p);
	creds__clock = util_now;
	world_stop(&w);
}

static int
setup(void **state)
{
	const char *r = getenv("ORGTOP_ROOT");

	(void)state;
	snprintf(root, sizeof root, "%s", r != NULL ? r : ".");
	snprintf(home, sizeof home, "/tmp/orgtop-test-awsim-XXXXXX");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	assert_int_equal(system(cmd), 0);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_static_and_chained_roles, test_teardown),
	    cmocka_unit_test_teardown(test_sso_portal, test_teardown),
	    cmocka_unit_test_teardown(test_credential_process, test_teardown),
	    cmocka_unit_test_teardown(test_imds_and_container, test_teardown),
	    cmocka_unit_test_teardown(test_short_sessions_refresh, test_teardown),
	    cmocka_unit_test_teardown(test_expired_token_refresh, test_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
