/*
 * creds_chain.c: the AWS CLI's credential chain (botocore
 * create_credential_resolver, AWS-WIRE.md 5.1), resolved once from the
 * environment and the two files into the provider the CLI would use.
 *
 * Order: environment (not when the profile came from --profile);
 * assume-role (role_arn without web_identity_token_file); web identity;
 * SSO; the credentials file's keys; credential_process; the config file's
 * keys; container credentials; IMDSv2. A profile that was asked for by name
 * (--profile, AWS_PROFILE, AWS_DEFAULT_PROFILE) must exist, even "default".
 *
 * An assume-role profile takes its source from credential_source
 * (Environment, Ec2InstanceMetadata, EcsContainer) or from source_profile,
 * which may itself assume a role; loops are found and named. The profile
 * chain of a source profile skips the environment, as botocore's does.
 *
 * Resolution reads files and asks for an MFA code; nothing here touches the
 * network: the providers fetch when first asked.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/client.h"
#include "core/aws/ini.h"
#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"

/* Profiles deeper than this in a source_profile chain are refused (a loop check backstop). */
#define CHAIN_MAX_DEPTH 32

struct chain {
	const struct creds_chain_opts *opts;
	const struct ini_aws *ini;
	const char *top;          /* the profile asked for */
	const char *profile_from; /* "--profile", "AWS_PROFILE", ... or NULL for the default */
	int explicit_profile;
	const char *visited[CHAIN_MAX_DEPTH];
	size_t nvisited;
	struct buf *warnings;
	char *cause;
};

static int chain_fail(struct chain *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
chain_fail(struct chain *ch, const char *fmt, ...)
{
	va_list ap;

	if (ch->cause != NULL)
		return -1;
	va_start(ap, fmt);
	ch->cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
chain_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* "~/.aws/config:12" for a key of a profile, for messages. */
static void
chain_where(const struct ini_section *s, const char *key, char *out, size_t len)
{
	const char *path = NULL;
	int line = ini_where(s, key, &path);

	if (line > 0)
		snprintf(out, len, "%s:%d", path, line);
	else
		snprintf(out, len, "(unknown place)");
}

static const char *
chain_get(const struct ini_section *s, const char *key)
{
	const char *v = s != NULL ? ini_get(s, key) : NULL;

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The files searched, for "not found" messages. */
static char *
chain_files(const struct chain *ch)
{
	return xasprintf("%s, %s", ini_aws_config_path(ch->ini), ini_aws_credentials_path(ch->ini));
}

/* The environment's keys as a provider, NULL if AWS_ACCESS_KEY_ID is unset; -1 on partial keys. */
static int
chain_env_provider(struct chain *ch, struct creds_provider **out)
{
	const char *akid = chain_env("AWS_ACCESS_KEY_ID");
	const char *secret = chain_env("AWS_SECRET_ACCESS_KEY");
	const char *token = chain_env("AWS_SECURITY_TOKEN");
	const char *exp_s = chain_env("AWS_CREDENTIAL_EXPIRATION");
	double exp = 0;

	*out = NULL;
	if (akid == NULL)
		return 0;
	if (secret == NULL)
		return chain_fail(ch,
		                  "partial credentials in the environment: AWS_ACCESS_KEY_ID is "
		                  "set but AWS_SECRET_ACCESS_KEY is not");
	if (token == NULL)
		token = chain_env("AWS_SESSION_TOKEN");
	if (exp_s != NULL && util_parse_time(exp_s, &exp) < 0)
		return chain_fail(ch, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
	*out = creds__static_new(akid, secret, token, exp, "env");
	return 0;
}

/* Static keys of one file's profile section; NULL if it has no aws_access_key_id. */
static int
chain_static_keys(struct chain *ch, const char *profile, const struct ini_section *s,
                  const char *what, struct creds_provider **out)
{
	const char *akid = chain_get(s, "aws_access_key_id");
	const char *secret = chain_get(s, "aws_secret_access_key");
	const char *token = chain_get(s, "aws_security_token");
	char where[1100], *desc;

	*out = NULL;
	if (akid == NULL)
		return 0;
	if (secret == NULL) {
		chain_where(s, "aws_access_key_id", where, sizeof where);
		return chain_fail(ch,
		                  "partial credentials for profile '%s' in the %s file (%s): "
		                  "aws_access_key_id without aws_secret_access_key",
		                  profile, what, where);
	}
	if (token == NULL)
		token = chain_get(s, "aws_session_token");
	desc = xasprintf("profile %s (%s file)", profile, what);
	*out = creds__static_new(akid, secret, token, 0, desc);
	free(desc);
	return 0;
}

static struct aws_client *
chain_client(struct chain *ch, const char *profile, const char *what)
{
	if (ch->opts->client == NULL)
		chain_fail(ch, "profile '%s' needs %s, which needs an AWS client (internal error)",
		           profile, what);
	return ch->opts->client;
}

static int
chain_sso(struct chain *ch, const char *name, const struct ini_section *prof,
          struct creds_provider **out)
{
	static const char *const keys[] = {"sso_start_url", "sso_region", "sso_account_id",
	                                   "sso_role_name"};
	const char *vals[4], *session = chain_get(prof, "sso_session");
	const struct ini_section *sess = NULL;
	struct creds_sso_params a;
	struct buf missing;
	char *dir;

	*out = NULL;
	if (chain_get(prof, "sso_account_id") == NULL && chain_get(prof, "sso_role_name") == NULL)
		return 0;
	if (session != NULL) {
		sess = ini_aws_sso_session(ch->ini, session);
		if (sess == NULL)
			return chain_fail(ch,
			                  "profile '%s': sso_session '%s' has no [sso-session %s] "
			                  "section in %s",
			                  name, session, session, ini_aws_config_path(ch->ini));
	}
	buf_init(&missing);
	for (size_t i = 0; i < NELEM(keys); i++) {
		const char *pv = chain_get(prof, keys[i]), *sv = chain_get(sess, keys[i]);

		if (pv != NULL && sv != NULL && strcmp(pv, sv) != 0) {
			buf_done(&missing);
			return chain_fail(ch,
			                  "profile '%s': %s is '%s' there but '%s' in "
			                  "[sso-session %s]: they must match",
			                  name, keys[i], pv, sv, session);
		}
		vals[i] = pv != NULL ? pv : sv;
		if (vals[i] == NULL)
			buf_printf(&missing, "%s%s", missing.len > 0 ? ", " : "", keys[i]);
	}
	if (missing.len > 0) {
		chain_fail(ch, "profile '%s' is configured for SSO but lacks: %s", name,
		           missing.data);
		buf_done(&missing);
		return -1;
	}
	buf_done(&missing);
	memset(&a, 0, sizeof a);
	a.client = chain_client(ch, name, "the SSO portal");
	if (a.client == NULL)
		return -1;
	dir = ini_expand_path("~/.aws/sso/cache");
	a.profile = name;
	a.start_url = vals[0];
	a.region = vals[1];
	a.account_id = vals[2];
	a.role_name = vals[3];
	a.session = session;
	a.cache_dir = dir;
	*out = creds__sso_new(&a);
	free(dir);
	return 0;
}

static int
chain_web_identity(struct chain *ch, const char *name, const struct ini_section *prof, int use_env,
                   struct creds_provider **out)
{
	const char *file = use_env ? chain_env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *arn = use_env ? chain_env("AWS_ROLE_ARN") : NULL;
	const char *session = use_env ? chain_env("AWS_ROLE_SESSION_NAME") : NULL;
	struct aws_client *client;
	char *path;

	*out = NULL;
	if (file == NULL)
		file = chain_get(prof, "web_identity_token_file");
	if (file == NULL)
		return 0;
	if (arn == NULL)
		arn = chain_get(prof, "role_arn");
	if (session == NULL)
		session = chain_get(prof, "role_session_name");
	if (arn == NULL)
		return chain_fail(ch,
		                  "profile '%s' has a web identity token file but no role ARN: "
		                  "set role_arn in the profile or AWS_ROLE_ARN",
		                  name);
	client = chain_client(ch, name, "STS");
	if (client == NULL)
		return -1;
	path = ini_expand_path(file);
	*out = creds__web_identity_new(client, arn, session, path, prof != NULL ? name : NULL);
	free(path);
	return 0;
}

static int
chain_process(struct chain *ch, const char *name, const struct ini_section *prof,
              struct creds_provider **out)
{
	const char *cmd = chain_get(prof, "credential_process");
	struct aws_client *client;

	*out = NULL;
	if (cmd == NULL)
		return 0;
	client = chain_client(ch, name, "credential_process");
	if (client == NULL)
		return -1;
	*out =
	    creds__process_new(http_engine_loop(aws_client_http(client)), cmd, name, 0, &ch->cause);
	return *out != NULL ? 0 : -1;
}

/*
 * botocore's ProfileProviderBuilder: the providers of one profile, in
 * order. *out stays NULL when the profile has none of them.
 */
static int
chain_profile_providers(struct chain *ch, const char *name, int use_env,
                        struct creds_provider **out)
{
	const struct ini_section *prof = ini_aws_profile(ch->ini, name);

	if (chain_web_identity(ch, name, prof, use_env, out) < 0 || *out != NULL)
		return *out != NULL ? 0 : -1;
	if (prof == NULL)
		return 0;
	if (chain_sso(ch, name, prof, out) < 0 || *out != NULL)
		return *out != NULL ? 0 : -1;
	if (chain_static_keys(ch, name, ini_aws_credentials_profile(ch->ini, name), "credentials",
	                      out) < 0 ||
	    *out != NULL)
		return *out != NULL ? 0 : -1;
	if (chain_process(ch, name, prof, out) < 0 || *out != NULL)
		return *out != NULL ? 0 : -1;
	return chain_static_keys(ch, name, ini_aws_config_profile(ch->ini, name), "config", out);
}

static int
chain_has_role(const struct ini_section *prof)
{
	return chain_get(prof, "role_arn") != NULL &&
	       chain_get(prof, "web_identity_token_file") == NULL;
}

static int
chain_has_static(const struct ini_section *prof)
{
	return chain_get(prof, "aws_access_key_id") != NULL ||
	       chain_get(prof, "aws_secret_access_key") != NULL;
}

static int chain_assume_role(struct chain *ch, const char *name, struct creds_provider **out);

static struct creds_provider *
chain_imds(struct chain *ch, const char *profile, const char *context)
{
	const struct ini_section *prof = ini_aws_profile(ch->ini, profile);
	struct creds_imds_params a;

	memset(&a, 0, sizeof a);
	if (chain_client(ch, profile, "the EC2 instance metadata service") == NULL)
		return NULL;
	a.http = aws_client_http(ch->opts->client);
	a.endpoint = chain_get(prof, "ec2_metadata_service_endpoint");
	a.endpoint_mode = chain_get(prof, "ec2_metadata_service_endpoint_mode");
	a.timeout = chain_get(prof, "metadata_service_timeout");
	a.attempts = chain_get(prof, "metadata_service_num_attempts");
	a.context = context;
	return creds__imds_new(&a, &ch->cause);
}

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer. */
static int
chain_credential_source(struct chain *ch, const char *name, const struct ini_section *prof,
                        const char *source, struct creds_provider **out)
{
	char where[1100];

	chain_where(prof, "credential_source", where, sizeof where);
	if (util_strcasecmp(source, "Environment") == 0) {
		if (chain_env_provider(ch, out) < 0)
			return -1;
		if (*out == NULL)
			return chain_fail(ch,
			                  "profile '%s' takes its credentials from the environment "
			                  "(credential_source at %s), but AWS_ACCESS_KEY_ID is "
			                  "not set",
			                  name, where);
		return 0;
	}
	if (util_strcasecmp(source, "Ec2InstanceMetadata") == 0) {
		if (creds__imds_disabled())
			return chain_fail(ch,
			                  "profile '%s' takes its credentials from EC2 instance "
			                  "metadata (credential_source at %s), but "
			                  "AWS_EC2_METADATA_DISABLED is true",
			                  name, where);
		*out = chain_imds(ch, name, NULL);
		return *out != NULL ? 0 : -1;
	}
	if (util_strcasecmp(source, "EcsContainer") == 0) {
		struct aws_client *client = chain_client(ch, name, "container credentials");
		char *why = NULL;

		if (client == NULL)
			return -1;
		*out = creds__container_new(aws_client_http(client), &why);
		if (*out == NULL) {
			chain_fail(ch, "profile '%s' (credential_source at %s): %s", name, where,
			           why);
			free(why);
			return -1;
		}
		return 0;
	}
	return chain_fail(ch,
	                  "profile '%s': credential_source '%s' at %s is not one of "
	                  "Environment, Ec2InstanceMetadata, EcsContainer",
	                  name, source, where);
}

/* The buffer's text, and the buffer released. Caller frees the result. */
static char *
chain_detach(struct buf *b)
{
	char *s = buf_detach(b);

	buf_done(b);
	return s;
}

/* "a -> b -> a" for a loop message. */
static char *
chain_path(const struct chain *ch, const char *last)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < ch->nvisited; i++)
		buf_printf(&b, "%s -> ", ch->visited[i]);
	buf_adds(&b, last);
	return chain_detach(&b);
}

/* botocore _validate_source_profile, then the source's provider. */
static int
chain_source_profile(struct chain *ch, const char *name, const char *source,
                     struct creds_provider **out)
{
	const struct ini_section *src = ini_aws_profile(ch->ini, source);
	char *files, *path;
	int seen = 0;

	if (src == NULL) {
		files = chain_files(ch);
		chain_fail(ch, "profile '%s': its source_profile '%s' does not exist in %s", name,
		           source, files);
		free(files);
		return -1;
	}
	for (size_t i = 0; i < ch->nvisited; i++)
		seen |= strcmp(ch->visited[i], source) == 0;
	if (seen && (strcmp(source, name) != 0 || !chain_has_static(src))) {
		path = chain_path(ch, source);
		chain_fail(ch, "profile '%s': source_profile '%s' makes a loop: %s", name, source,
		           path);
		free(path);
		return -1;
	}
	if (ch->nvisited == CHAIN_MAX_DEPTH)
		return chain_fail(ch, "profile '%s': source_profile chain deeper than %d profiles",
		                  name, CHAIN_MAX_DEPTH);
	ch->visited[ch->nvisited++] = source;
	if (chain_has_static(src) || !chain_has_role(src)) {
		if (chain_profile_providers(ch, source, 0, out) < 0)
			return -1;
		if (*out == NULL)
			return chain_fail(ch,
			                  "profile '%s': its source_profile '%s' has no "
			                  "credentials",
			                  name, source);
		return 0;
	}
	return chain_assume_role(ch, source, out);
}

static int
chain_duration(struct chain *ch, const char *name, const struct ini_section *prof)
{
	const char *v = chain_get(prof, "duration_seconds");
	long long d;
	char where[1100];

	if (v == NULL)
		return 0;
	if (util_parse_ll(v, 1, 24 * 3600 * 365, &d) == 0)
		return (int)d;
	/* botocore ignores a duration that is not a number; say so. */
	chain_where(prof, "duration_seconds", where, sizeof where);
	buf_printf(ch->warnings,
	           "%s: profile '%s': duration_seconds is not a whole number of "
	           "seconds; using STS's default (3600)\n",
	           where, name);
	return 0;
}

static int
chain_assume_role(struct chain *ch, const char *name, struct creds_provider **out)
{
	const struct ini_section *prof = ini_aws_profile(ch->ini, name);
	const char *src_profile = chain_get(prof, "source_profile");
	const char *src_cred = chain_get(prof, "credential_source");
	struct creds_assume_role_params a;
	struct creds_provider *source = NULL;
	char where[1100], *cache_dir;

	chain_where(prof, "role_arn", where, sizeof where);
	if (src_profile != NULL && src_cred != NULL)
		return chain_fail(ch,
		                  "profile '%s' (%s) has both source_profile and "
		                  "credential_source: keep one",
		                  name, where);
	if (src_profile == NULL && src_cred == NULL)
		return chain_fail(ch,
		                  "profile '%s' (%s) has role_arn but neither source_profile "
		                  "nor credential_source",
		                  name, where);
	memset(&a, 0, sizeof a);
	a.client = chain_client(ch, name, "STS");
	if (a.client == NULL)
		return -1;
	if (src_cred != NULL) {
		if (chain_credential_source(ch, name, prof, src_cred, &source) < 0)
			return -1;
	} else if (chain_source_profile(ch, name, src_profile, &source) < 0) {
		return -1;
	}
	cache_dir = ini_expand_path("~/.aws/cli/cache");
	a.source = source;
	a.own_source = 1;
	a.role_arn = chain_get(prof, "role_arn");
	a.session_name = chain_get(prof, "role_session_name");
	a.external_id = chain_get(prof, "external_id");
	a.mfa_serial = chain_get(prof, "mfa_serial");
	a.duration_s = chain_duration(ch, name, prof);
	a.profile = name;
	a.cli_cache_dir = cache_dir;
	if (a.mfa_serial != NULL && !creds__assume_role_cached(&a)) {
		if (ch->opts->mfa_prompt != NULL)
			a.mfa_code = ch->opts->mfa_prompt(a.mfa_serial, ch->opts->mfa_arg);
		if (a.mfa_code == NULL || *a.mfa_code == '\0') {
			xfree_secret(a.mfa_code);
			free(cache_dir);
			creds_provider_free(source);
			return chain_fail(ch,
			                  "profile '%s' needs an MFA code for %s, and none was "
			                  "given",
			                  name, a.mfa_serial);
		}
	}
	*out = creds__assume_role_new(&a);
	free(cache_dir);
	return 0;
}

/* The profile to use and where its name came from. */
static void
chain_pick_profile(struct chain *ch)
{
	const struct creds_chain_opts *o = ch->opts;

	ch->explicit_profile = o->explicit_profile;
	if (o->profile != NULL && *o->profile != '\0') {
		ch->top = o->profile;
		ch->profile_from = o->explicit_profile ? "--profile" : "the orgtop configuration";
	} else if (chain_env("AWS_PROFILE") != NULL) {
		ch->top = chain_env("AWS_PROFILE");
		ch->profile_from = "AWS_PROFILE";
	} else if (chain_env("AWS_DEFAULT_PROFILE") != NULL) {
		ch->top = chain_env("AWS_DEFAULT_PROFILE");
		ch->profile_from = "AWS_DEFAULT_PROFILE";
	} else {
		ch->top = "default";
		ch->profile_from = NULL;
	}
}

static char *
chain_region(const struct chain *ch)
{
	const char *r = chain_env("AWS_REGION");

	if (r == NULL)
		r = chain_env("AWS_DEFAULT_REGION");
	if (r == NULL)
		r = chain_get(ini_aws_profile(ch->ini, ch->top), "region");
	return r != NULL ? xstrdup(r) : NULL;
}

/* Everything after the profile's own providers: container, then IMDS. */
static int
chain_machine(struct chain *ch, struct creds_provider **out)
{
	char *files, *context;

	if (chain_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL ||
	    chain_env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL) {
		struct aws_client *client = chain_client(ch, ch->top, "container credentials");

		if (client == NULL)
			return -1;
		*out = creds__container_new(aws_client_http(client), &ch->cause);
		return *out != NULL ? 0 : -1;
	}
	files = chain_files(ch);
	if (creds__imds_disabled()) {
		chain_fail(ch,
		           "no credentials found: none in the environment, none for profile '%s' "
		           "in %s, and the EC2 instance metadata service is disabled "
		           "(AWS_EC2_METADATA_DISABLED)",
		           ch->top, files);
		free(files);
		return -1;
	}
	context = xasprintf("no credentials found: none in the environment, none for profile '%s' "
	                    "in %s",
	                    ch->top, files);
	*out = chain_imds(ch, ch->top, context);
	free(context);
	free(files);
	return *out != NULL ? 0 : -1;
}

static int
chain_run(struct chain *ch, struct creds_provider **out)
{
	const struct ini_section *prof;

	chain_pick_profile(ch);
	prof = ini_aws_profile(ch->ini, ch->top);
	if (prof == NULL && ch->profile_from != NULL) {
		char *files = chain_files(ch);

		chain_fail(ch, "profile '%s' (from %s) not found in %s", ch->top, ch->profile_from,
		           files);
		free(files);
		return -1;
	}
	if (!ch->explicit_profile && (chain_env_provider(ch, out) < 0 || *out != NULL))
		return *out != NULL ? 0 : -1;
	ch->visited[ch->nvisited++] = ch->top;
	if (chain_has_role(prof))
		return chain_assume_role(ch, ch->top, out);
	if (chain_profile_providers(ch, ch->top, !ch->explicit_profile, out) < 0 || *out != NULL)
		return *out != NULL ? 0 : -1;
	return chain_machine(ch, out);
}

struct creds_provider *
creds_chain_resolve(const struct creds_chain_opts *opts, char **region, char **warnings,
                    char **cause)
{
	struct creds_provider *p = NULL;
	struct ini_aws *own = NULL;
	struct chain ch;
	struct buf warn;
	char *w = NULL;

	memset(&ch, 0, sizeof ch);
	ch.opts = opts;
	buf_init(&warn);
	ch.warnings = &warn;
	if (opts != NULL && opts->aws != NULL) {
		ch.ini = opts->aws;
	} else if (ini_aws_load(NULL, NULL, &own, &w, &ch.cause) == 0) {
		ch.ini = own;
		if (w != NULL)
			buf_adds(&warn, w);
		free(w);
	}
	if (opts == NULL)
		chain_fail(&ch, "no options given (internal error)");
	else if (ch.ini != NULL && chain_run(&ch, &p) == 0 && region != NULL)
		*region = chain_region(&ch);
	ini_aws_free(own);
	if (warnings != NULL && warn.len > 0)
		*warnings = chain_detach(&warn);
	else if (warnings != NULL)
		*warnings = NULL;
	buf_done(&warn);
	if (p == NULL) {
		if (cause != NULL)
			*cause = ch.cause;
		else
			free(ch.cause);
		return NULL;
	}
	return p;
}
