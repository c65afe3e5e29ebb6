/*
 * test_creds_chain.c: the AWS CLI's credential chain, resolved from real
 * files in a temporary HOME and the environment: the order of the sources,
 * which profile is used, precedence between the files, partial keys,
 * assume-role validation and loops, SSO configuration and its token cache,
 * web identity, credential_process, container and IMDS selection, regions,
 * warnings, MFA prompting and the AWS CLI's cache key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"
#include "core/aws/ini.h"
#include "core/util.h"
#include "core/xmalloc.h"

static char home[256];
static uv_loop_t loop;
static struct aws_client *client;

static const char *const vars[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "AWS_ENDPOINT_URL",
};

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
write_file(const char *rel, const char *text)
{
	const char *path = home_path(rel);
	char dir[1024], *slash;
	FILE *f;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	{
		char cmd[1200];

		snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

static int
setup(void **state)
{
	char *cause = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	snprintf(home, sizeof home, "/tmp/orgtop-test-chain-XXXXXX");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	/* No test here may reach a real metadata service. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	assert_int_equal(uv_loop_init(&loop), 0);
	client = aws_client_new(&loop, NULL, &cause);
	if (client == NULL)
		fail_msg("aws_client_new: %s", cause);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	aws_client_free(client);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Each test starts from a clean environment and empty files. */
static int
reset(void **state)
{
	char cmd[512];

	(void)state;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/.aws'", home);
	assert_int_equal(system(cmd), 0);
	return 0;
}

struct resolved {
	struct creds_provider *p;
	char *region;
	char *warnings;
	char *cause;
};

static char *mfa_asked;
static const char *mfa_answer;

static char *
mfa_prompt(const char *serial, void *arg)
{
	(void)arg;
	free(mfa_asked);
	mfa_asked = xstrdup(serial);
	return mfa_answer != NULL ? xstrdup(mfa_answer) : NULL;
}

static void
resolve(const char *profile, int explicit_profile, struct resolved *r)
{
	struct creds_chain_opts o;

	memset(r, 0, sizeof *r);
	memset(&o, 0, sizeof o);
	o.profile = profile;
	o.explicit_profile = explicit_profile;
	o.client = client;
	o.mfa_prompt = mfa_prompt;
	r->p = creds_chain_resolve(&o, &r->region, &r->warnings, &r->cause);
}

static void
resolved_done(struct resolved *r)
{
	creds_provider_free(r->p);
	free(r->region);
	free(r->warnings);
	free(r->cause);
	uv_run(&loop, UV_RUN_DEFAULT);
}

/* Resolves and expects a provider described as desc. */
static void
expect_desc(const char *profile, int explicit_profile, const char *desc)
{
	struct resolved r;

	resolve(profile, explicit_profile, &r);
	if (r.p == NULL)
		fail_msg("resolve failed: %s", r.cause);
	assert_string_equal(creds_provider_describe(r.p), desc);
	resolved_done(&r);
}

/* Resolves and expects an error containing want. */
static void
expect_cause(const char *profile, int explicit_profile, const char *want)
{
	struct resolved r;

	resolve(profile, explicit_profile, &r);
	if (r.p != NULL)
		fail_msg("resolved to '%s', wanted an error", creds_provider_describe(r.p));
	assert_non_null(r.cause);
	if (strstr(r.cause, want) == NULL)
		fail_msg("'%s' lacks '%s'", r.cause, want);
	resolved_done(&r);
}

struct got {
	int calls;
	int sso_expired;
	char akid[64];
	char token[64];
	char err[1024];
};

static void
got_cb(struct creds *c, const char *err, int sso_expired, void *arg)
{
	struct got *g = arg;

	g->calls++;
	g->sso_expired = sso_expired;
	if (c != NULL) {
		snprintf(g->akid, sizeof g->akid, "%s", creds_access_key_id(c));
		snprintf(g->token, sizeof g->token, "%s",
		         creds_session_token(c) != NULL ? creds_session_token(c) : "(none)");
	} else {
		snprintf(g->err, sizeof g->err, "%s", err);
	}
}

/* Resolves and gets credentials (running the loop if needed). */
static void
resolve_get(const char *profile, int explicit_profile, struct got *g)
{
	struct resolved r;

	memset(g, 0, sizeof *g);
	resolve(profile, explicit_profile, &r);
	if (r.p == NULL)
		fail_msg("resolve failed: %s", r.cause);
	if (creds_provider_get(r.p, got_cb, g) == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(g->calls, 1);
	resolved_done(&r);
}

static void
test_environment(void **state)
{
	struct got g;

	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV000000001", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
	setenv("AWS_SESSION_TOKEN", "session-token", 1);
	setenv("AWS_SECURITY_TOKEN", "security-token", 1);
	resolve_get(NULL, 0, &g);
	assert_string_equal(g.akid, "AKIDENV000000001");
	/* botocore reads AWS_SECURITY_TOKEN first. */
	assert_string_equal(g.token, "security-token");
	unsetenv("AWS_SECURITY_TOKEN");
	resolve_get(NULL, 0, &g);
	assert_string_equal(g.token, "session-token");
	expect_desc(NULL, 0, "env");

	/* The environment wins over a profile named by AWS_PROFILE... */
	write_file(".aws/credentials", "[other]\naws_access_key_id = AKIDFILE\n"
	                               "aws_secret_access_key = s\n");
	setenv("AWS_PROFILE", "other", 1);
	expect_desc(NULL, 0, "env");
	/* ...but not over --profile. */
	expect_desc("other", 1, "profile other (credentials file)");
	unsetenv("AWS_PROFILE");

	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_cause(NULL, 0,
	             "partial credentials in the environment: AWS_ACCESS_KEY_ID is set "
	             "but AWS_SECRET_ACCESS_KEY is not");
	/* A secret alone is not credentials: the chain goes on. */
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
	expect_cause(NULL, 0, "no credentials found");

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV000000001", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "not a time", 1);
	expect_cause(NULL, 0, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
	setenv("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z", 1);
	resolve_get(NULL, 0, &g);
	assert_non_null(strstr(g.err, "expired at 2001-01-01T00:00:00Z"));
}

static void
test_profile_selection_and_missing(void **state)
{
	char want[2048];

	(void)state;
	write_file(".aws/config",
	           "[default]\nregion = eu-west-1\n"
	           "[profile a]\naws_access_key_id = AKIDA\naws_secret_access_key = s\n"
	           "[profile b]\naws_access_key_id = AKIDB\naws_secret_access_key = s\n");
	expect_cause(NULL, 0,
	             "no credentials found: none in the environment, none for profile "
	             "'default'");
	setenv("AWS_DEFAULT_PROFILE", "b", 1);
	expect_desc(NULL, 0, "profile b (config file)");
	setenv("AWS_PROFILE", "a", 1);
	/* CLI v2: AWS_PROFILE wins over AWS_DEFAULT_PROFILE. */
	expect_desc(NULL, 0, "profile a (config file)");
	expect_desc("b", 1, "profile b (config file)");

	snprintf(want, sizeof want, "profile 'nope' (from --profile) not found in %s, %s",
	         home_path(".aws/config"), home_path(".aws/credentials"));
	expect_cause("nope", 1, want);
	setenv("AWS_PROFILE", "gone", 1);
	expect_cause(NULL, 0, "profile 'gone' (from AWS_PROFILE) not found in");
	/* Asked for by name, even "default" must exist. */
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	write_file(".aws/config", "[profile a]\nregion = x\n");
	expect_cause("default", 1, "profile 'default' (from --profile) not found");

	/* AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move the files. */
	write_file("elsewhere/cfg", "[profile moved]\naws_access_key_id = AKIDM\n"
	                            "aws_secret_access_key = s\n");
	setenv("AWS_CONFIG_FILE", "~/elsewhere/cfg", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "$HOME/elsewhere/creds", 1);
	expect_desc("moved", 1, "profile moved (config file)");
	snprintf(want, sizeof want, "not found in %s, %s", home_path("elsewhere/cfg"),
	         home_path("elsewhere/creds"));
	expect_cause("a", 1, want);
}

static void
test_file_precedence(void **state)
{
	struct got g;

	(void)state;
	write_file(".aws/config",
	           "[profile p]\n"
	           "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n"
	           "credential_process = /bin/sh -c \"echo '{\\\"Version\\\":1,\\\"AccessKeyId\\\":"
	           "\\\"AKIDPROC\\\",\\\"SecretAccessKey\\\":\\\"s\\\"}'\"\n");
	/* credential_process comes before the config file's keys. */
	resolve_get("p", 1, &g);
	assert_string_equal(g.akid, "AKIDPROC");
	expect_desc("p", 1, "profile p (credential_process)");
	/* The credentials file's keys come before both. */
	write_file(".aws/credentials", "[p]\naws_access_key_id = AKIDCREDS\n"
	                               "aws_secret_access_key = s\naws_session_token = t1\n"
	                               "aws_security_token = t0\n");
	resolve_get("p", 1, &g);
	assert_string_equal(g.akid, "AKIDCREDS");
	assert_string_equal(g.token, "t0");
	/* Partial keys name the file and line. */
	write_file(".aws/credentials", "[p]\n\naws_access_key_id = AKIDCREDS\n");
	expect_cause("p", 1, "partial credentials for profile 'p' in the credentials file (");
	expect_cause("p", 1,
	             ".aws/credentials:3): aws_access_key_id without aws_secret_access_key");
	/* [p] in config is not a profile: only [profile p] is. */
	write_file(".aws/credentials", "");
	write_file(".aws/config", "[p]\naws_access_key_id = A\naws_secret_access_key = s\n");
	expect_cause("p", 1, "profile 'p' (from --profile) not found");
}

static void
test_assume_role_config(void **state)
{
	(void)state;
	write_file(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	                               "aws_secret_access_key = s\n");
	write_file(
	    ".aws/config",
	    "[profile role]\nrole_arn = arn:aws:iam::444455556666:role/R\nsource_profile = base\n"
	    "[profile chained]\nrole_arn = arn:aws:iam::777788889999:role/C\n"
	    "source_profile = role\n"
	    "[profile both]\nrole_arn = arn:aws:iam::1:role/X\nsource_profile = base\n"
	    "credential_source = Environment\n"
	    "[profile neither]\nrole_arn = arn:aws:iam::1:role/X\n"
	    "[profile badsource]\nrole_arn = arn:aws:iam::1:role/X\ncredential_source = Magic\n"
	    "[profile envsource]\nrole_arn = arn:aws:iam::1:role/X\n"
	    "credential_source = Environment\n"
	    "[profile imdssource]\nrole_arn = arn:aws:iam::1:role/X\n"
	    "credential_source = Ec2InstanceMetadata\n"
	    "[profile ecssource]\nrole_arn = arn:aws:iam::1:role/X\ncredential_source = "
	    "EcsContainer\n"
	    "[profile missing]\nrole_arn = arn:aws:iam::1:role/X\nsource_profile = nowhere\n"
	    "[profile empty]\nregion = x\n"
	    "[profile emptysrc]\nrole_arn = arn:aws:iam::1:role/X\nsource_profile = empty\n"
	    "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = loop-b\n"
	    "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = loop-a\n"
	    "[profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n"
	    "aws_access_key_id = AKIDSELF\naws_secret_access_key = s\n"
	    "[profile selfloop]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = selfloop\n"
	    "[profile baddur]\nrole_arn = arn:aws:iam::1:role/X\nsource_profile = base\n"
	    "duration_seconds = an hour\n"
	    "[profile webid]\nrole_arn = arn:aws:iam::1:role/W\n"
	    "web_identity_token_file = ~/token\n");
	expect_desc("role", 1, "profile role (assume-role)");
	expect_desc("chained", 1, "profile chained (assume-role)");
	expect_desc("self", 1, "profile self (assume-role)");
	expect_cause("both", 1, "profile 'both' (");
	expect_cause("both", 1, ".aws/config:8) has both source_profile and credential_source");
	expect_cause("neither", 1, "has role_arn but neither source_profile nor credential_source");
	expect_cause("badsource", 1, "credential_source 'Magic' at ");
	expect_cause("badsource", 1,
	             "is not one of Environment, Ec2InstanceMetadata, EcsContainer");
	expect_cause("envsource", 1,
	             "takes its credentials from the environment (credential_source "
	             "at ");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
	/* credential_source = Environment reads the environment even with --profile. */
	expect_desc("envsource", 1, "profile envsource (assume-role)");
	unsetenv("AWS_ACCESS_KEY_ID");
	expect_cause("imdssource", 1, "but AWS_EC2_METADATA_DISABLED is true");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	expect_desc("imdssource", 1, "profile imdssource (assume-role)");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	expect_cause("ecssource", 1, "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor");
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
	expect_desc("ecssource", 1, "profile ecssource (assume-role)");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	expect_cause("missing", 1,
	             "profile 'missing': its source_profile 'nowhere' does not exist "
	             "in ");
	expect_cause("emptysrc", 1,
	             "profile 'emptysrc': its source_profile 'empty' has no "
	             "credentials");
	expect_cause("loop-a", 1,
	             "profile 'loop-b': source_profile 'loop-a' makes a loop: "
	             "loop-a -> loop-b -> loop-a");
	expect_cause("selfloop", 1, "source_profile 'selfloop' makes a loop: selfloop -> selfloop");
	/* A role_arn with a web identity token file is web identity, not assume-role. */
	expect_desc("webid", 1, "profile webid (web identity)");
	{
		struct resolved r;

		resolve("baddur", 1, &r);
		assert_non_null(r.p);
		assert_non_null(r.warnings);
		assert_non_null(strstr(r.warnings, ".aws/config:"));
		assert_non_null(strstr(r.warnings,
		                       "profile 'baddur': duration_seconds is not a whole "
		                       "number"));
		resolved_done(&r);
	}
}

static void
test_mfa_prompt_and_cli_cache(void **state)
{
	struct resolved r;
	char *key, rel[256], json[512];

	(void)state;
	write_file(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	                               "aws_secret_access_key = s\n");
	write_file(".aws/config", "[profile mfa]\nrole_arn = arn:aws:iam::444455556666:role/R\n"
	                          "source_profile = base\nmfa_serial = arn:aws:iam::1:mfa/alice\n"
	                          "duration_seconds = 3600\n");
	free(mfa_asked);
	mfa_asked = NULL;
	mfa_answer = NULL;
	expect_cause("mfa", 1,
	             "profile 'mfa' needs an MFA code for arn:aws:iam::1:mfa/alice, and "
	             "none was given");
	assert_string_equal(mfa_asked, "arn:aws:iam::1:mfa/alice");
	mfa_answer = "123456";
	free(mfa_asked);
	mfa_asked = NULL;
	expect_desc("mfa", 1, "profile mfa (assume-role)");
	assert_non_null(mfa_asked);

	/* With a live session in the AWS CLI's cache, no code is asked and it is used. */
	key = creds__assume_role_cache_key("arn:aws:iam::444455556666:role/R", NULL, NULL,
	                                   "arn:aws:iam::1:mfa/alice", 3600);
	snprintf(rel, sizeof rel, ".aws/cli/cache/%s.json", key);
	free(key);
	{
		char exp[32];

		util_format_iso8601((time_t)util_now() + 3000, exp, sizeof exp);
		exp[19] = '\0'; /* the CLI writes "...UTC" */
		snprintf(
		    json, sizeof json,
		    "{\"Credentials\": {\"AccessKeyId\": \"ASIACLICACHE\", \"SecretAccessKey\": "
		    "\"s\", \"SessionToken\": \"t\", \"Expiration\": \"%sUTC\"}}",
		    exp);
	}
	write_file(rel, json);
	free(mfa_asked);
	mfa_asked = NULL;
	mfa_answer = NULL;
	resolve("mfa", 1, &r);
	assert_non_null(r.p);
	assert_null(mfa_asked);
	{
		struct got g = {0};

		assert_int_equal(creds_provider_get(r.p, got_cb, &g), 1);
		assert_string_equal(g.akid, "ASIACLICACHE");
		/* After ExpiredToken the cache is not read again: the code is gone, so it says so.
		 */
		creds_provider_invalidate(r.p);
		assert_int_equal(creds_provider_get(r.p, got_cb, &g), 1);
		assert_non_null(strstr(g.err, "restart orgtop"));
	}
	resolved_done(&r);
	free(mfa_asked);
	mfa_asked = NULL;
}

static void
test_cli_cache_key(void **state)
{
	char *k;

	(void)state;
	/* Reference values from json.dumps(args, sort_keys=True) and hashlib.sha1 (botocore). */
	k = creds__assume_role_cache_key("arn:aws:iam::444455556666:role/OrgReadOnly", "dashboard",
	                                 "ext-123", "arn:aws:iam::111122223333:mfa/alice", 3600);
	assert_string_equal(k, "6509641651dba9f1d9de2c134942e88fb87b1453");
	free(k);
	k = creds__assume_role_cache_key(
	    "arn:aws:iam::1:role/\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\"\\\x7f", NULL, NULL, NULL,
	    0);
	assert_string_equal(k, "c3215aa7c578a6057fa29203336a29cde9dfa598");
	free(k);
	/* SSO token cache keys: AWS-WIRE.md 5.5. */
	k = creds__sso_cache_key("https://ignored", "my-sso");
	assert_string_equal(k, "0ad374308c5a4e22f723adf10145eafad7c4031c");
	free(k);
	k = creds__sso_cache_key("https://my-sso-portal.awsapps.com/start", NULL);
	assert_string_equal(k, "c7aaaf71fcc8777ae2475525ed049d39fe16c484");
	free(k);
}

static void
test_sso_config_and_token_cache(void **state)
{
	struct got g;
	char *key, rel[256], json[512], exp[32];

	(void)state;
	write_file(
	    ".aws/config",
	    "[profile new]\nsso_session = corp\nsso_account_id = 111122223333\n"
	    "sso_role_name = Audit\nregion = us-east-1\n"
	    "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
	    "sso_region = eu-west-1\n"
	    "[profile legacy]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
	    "sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Audit\n"
	    "[profile lacking]\nsso_account_id = 1\n"
	    "[profile nosession]\nsso_session = ghost\nsso_account_id = 1\nsso_role_name = R\n"
	    "[profile clash]\nsso_session = corp\nsso_region = us-west-2\nsso_account_id = 1\n"
	    "sso_role_name = R\n");
	expect_desc("new", 1, "profile new (sso)");
	expect_desc("legacy", 1, "profile legacy (sso)");
	expect_cause("lacking", 1,
	             "profile 'lacking' is configured for SSO but lacks: "
	             "sso_start_url, sso_region, sso_role_name");
	expect_cause("nosession", 1,
	             "profile 'nosession': sso_session 'ghost' has no "
	             "[sso-session ghost] section in");
	expect_cause("clash", 1,
	             "profile 'clash': sso_region is 'us-west-2' there but "
	             "'eu-west-1' in [sso-session corp]: they must match");

	/* No login yet: the one message, flagged so the caller says it once. */
	resolve_get("new", 1, &g);
	assert_int_equal(g.sso_expired, 1);
	assert_string_equal(g.err, "SSO session for profile new has no login (no token in the "
	                           "SSO cache): run `aws sso login --profile new`");
	/* An expired token in the right file (keyed by the session name). */
	key = creds__sso_cache_key(NULL, "corp");
	snprintf(rel, sizeof rel, ".aws/sso/cache/%s.json", key);
	free(key);
	util_format_iso8601((time_t)util_now() - 60, exp, sizeof exp);
	snprintf(
	    json, sizeof json,
	    "{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"eu-west-1\", "
	    "\"accessToken\": \"aoaEXPIRED\", \"expiresAt\": \"%s\"}",
	    exp);
	write_file(rel, json);
	resolve_get("new", 1, &g);
	assert_int_equal(g.sso_expired, 1);
	assert_string_equal(
	    g.err, "SSO session for profile new expired: run `aws sso login --profile new`");
	write_file(rel, "{\"accessToken\": 5}");
	resolve_get("new", 1, &g);
	assert_int_equal(g.sso_expired, 1);
	assert_non_null(strstr(g.err, "has an unreadable token"));
	/* The legacy profile's file is keyed by the start URL: still no login there. */
	resolve_get("legacy", 1, &g);
	assert_int_equal(g.sso_expired, 1);
	assert_non_null(strstr(g.err, "has no login"));
}

static void
test_web_identity_from_env(void **state)
{
	(void)state;
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token", 1);
	expect_cause(NULL, 0, "has a web identity token file but no role ARN");
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/W", 1);
	expect_desc(NULL, 0, "web identity");
	/* With --profile the environment's web identity is skipped. */
	write_file(".aws/config", "[profile p]\nregion = x\n");
	expect_cause("p", 1, "no credentials found");
}

static void
test_container_and_imds_selection(void **state)
{
	(void)state;
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
	expect_cause(NULL, 0,
	             "AWS_CONTAINER_CREDENTIALS_FULL_URI: host example.com is not allowed "
	             "over plain http");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://example.com/creds", 1);
	expect_desc(NULL, 0, "container credentials");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.5:8080/creds", 1);
	expect_desc(NULL, 0, "container credentials");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[::1]:8080/creds", 1);
	expect_desc(NULL, 0, "container credentials");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials", 1);
	expect_desc(NULL, 0, "container credentials");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/x", 1);
	expect_cause(NULL, 0, "is not an http:// or https:// URL with a host");
	/* RELATIVE_URI wins over FULL_URI. */
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x", 1);
	expect_desc(NULL, 0, "container credentials");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	/* Nothing else: IMDS is the last resort, unless disabled. */
	expect_cause(NULL, 0,
	             "and the EC2 instance metadata service is disabled "
	             "(AWS_EC2_METADATA_DISABLED)");
	setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
	expect_desc(NULL, 0, "instance metadata (IMDSv2)");
	setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "many", 1);
	expect_cause(NULL, 0, "AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	unsetenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254", 1);
	expect_cause(NULL, 0, "is not an http(s) URL with a host");
}

static void
test_region_and_warnings(void **state)
{
	struct resolved r;

	(void)state;
	write_file(".aws/config", "[profile p]\nregion = eu-north-1\naws_access_key_id = A\n"
	                          "aws_secret_access_key = s\n");
	assert_int_equal(chmod(home_path(".aws/config"), 0644), 0);
	resolve("p", 1, &r);
	assert_non_null(r.p);
	assert_string_equal(r.region, "eu-north-1");
	assert_non_null(r.warnings);
	assert_non_null(strstr(r.warnings, home_path(".aws/config")));
	assert_non_null(strstr(r.warnings, "permissions 0644 are too open"));
	resolved_done(&r);
	setenv("AWS_DEFAULT_REGION", "ap-east-1", 1);
	resolve("p", 1, &r);
	assert_string_equal(r.region, "ap-east-1");
	resolved_done(&r);
	setenv("AWS_REGION", "me-south-1", 1);
	resolve("p", 1, &r);
	assert_string_equal(r.region, "me-south-1");
	resolved_done(&r);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	assert_int_equal(chmod(home_path(".aws/config"), 0600), 0);
	write_file(".aws/config",
	           "[profile q]\naws_access_key_id = A\naws_secret_access_key = s\n");
	resolve("q", 1, &r);
	assert_null(r.region);
	assert_null(r.warnings);
	resolved_done(&r);
	/* A parse error stops resolution with file:line. */
	write_file(".aws/config", "[profile q]\naws_access_key_id = A\n[broken\n");
	expect_cause("q", 1, ".aws/config:3: expected ']' to close the section header");
}

static void
test_preloaded_files(void **state)
{
	struct creds_chain_opts o;
	struct ini_aws *aws = NULL;
	struct creds_provider *p;
	char *warnings = NULL, *cause = NULL, *region = NULL;

	(void)state;
	write_file("other/config", "[profile pre]\nregion = ca-central-1\naws_access_key_id = A\n"
	                           "aws_secret_access_key = s\n");
	assert_int_equal(chmod(home_path("other/config"), 0644), 0);
	assert_int_equal(ini_aws_load(home_path("other/config"), home_path("other/credentials"),
	                              &aws, &warnings, &cause),
	                 0);
	/* The caller said the warning already... */
	assert_non_null(warnings);
	free(warnings);
	warnings = NULL;
	memset(&o, 0, sizeof o);
	o.profile = "pre";
	o.explicit_profile = 1;
	o.client = client;
	o.aws = aws;
	/* ...so the chain, reading the caller's files, does not say it again. */
	p = creds_chain_resolve(&o, &region, &warnings, &cause);
	assert_non_null(p);
	assert_null(warnings);
	assert_string_equal(region, "ca-central-1");
	assert_string_equal(creds_provider_describe(p), "profile pre (config file)");
	creds_provider_free(p);
	free(region);
	/* The files stay the caller's. */
	assert_non_null(ini_aws_profile(aws, "pre"));
	ini_aws_free(aws);
	assert_null(creds_chain_resolve(NULL, NULL, NULL, &cause));
	assert_string_equal(cause, "no options given (internal error)");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_environment, reset),
	    cmocka_unit_test_setup(test_profile_selection_and_missing, reset),
	    cmocka_unit_test_setup(test_file_precedence, reset),
	    cmocka_unit_test_setup(test_assume_role_config, reset),
	    cmocka_unit_test_setup(test_mfa_prompt_and_cli_cache, reset),
	    cmocka_unit_test_setup(test_cli_cache_key, reset),
	    cmocka_unit_test_setup(test_sso_config_and_token_cache, reset),
	    cmocka_unit_test_setup(test_web_identity_from_env, reset),
	    cmocka_unit_test_setup(test_container_and_imds_selection, reset),
	    cmocka_unit_test_setup(test_region_and_warnings, reset),
	    cmocka_unit_test_setup(test_preloaded_files, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
