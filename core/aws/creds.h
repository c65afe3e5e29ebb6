/*
 * creds.h: AWS credentials: the AWS CLI's chain, providers, caching, refresh.
 *
 * A provider is a source of credentials that knows how to get fresh ones:
 * static keys, environment, a profile's files, credential_process, the SSO
 * token cache plus the portal's GetRoleCredentials, AssumeRole from another
 * provider, container credentials, IMDSv2. Providers cache what they got and
 * refresh ahead of expiry as botocore does (advisory 15 min before expiry,
 * mandatory 10 min before); refreshes run on the uv loop and never block it.
 *
 * Secrets live only inside struct creds and are wiped when the last
 * reference goes away. Nothing here prints; errors come back as text meant
 * for a person ("profile 'x' not found in ~/.aws/config, ~/.aws/credentials").
 */
#ifndef ORGTOP_CREDS_H
#define ORGTOP_CREDS_H

#include <stddef.h>

struct aws_client;
struct ini_aws;

/* One resolved set of credentials. Reference-counted, immutable. */
struct creds;

struct creds *creds_new(const char *access_key_id, const char *secret_access_key,
    const char *session_token, double expiration);
struct creds *creds_ref(struct creds *c);
/* Drops a reference; the last one wipes the secrets. NULL-safe. */
void creds_unref(struct creds *c);
/* Borrowed; valid while the caller holds a reference. */
const char *creds_access_key_id(const struct creds *c);
const char *creds_secret_access_key(const struct creds *c);
const char *creds_session_token(const struct creds *c); /* NULL if none */
double creds_expiration(const struct creds *c);        /* epoch seconds; 0 = never */
/* "****ABCD": the most of a key id ever shown or logged. out >= 9 bytes. */
void creds_redact_key_id(const char *access_key_id, char *out, size_t len);

struct creds_provider;

/*
 * Called with usable credentials (borrowed: take a creds_ref() to keep
 * them), or with c == NULL and err describing the failure.
 * sso_expired is 1 when the failure is an expired/invalid SSO session, so
 * callers can show "run aws sso login --profile X" once.
 */
typedef void (*creds_cb)(struct creds *c, const char *err, int sso_expired, void *arg);

/*
 * Gets credentials. If the provider holds credentials outside the refresh
 * window it calls cb before returning and returns 1; otherwise it starts (or
 * joins) a refresh, returns 0, and calls cb from the loop later. Returns -1
 * only if the request could not even be queued (then cb is not called).
 * A refresh that ends at once (static keys; an error found before any I/O,
 * such as an SSO token missing from the cache) also calls cb before
 * returning, and the result is then 1 as well.
 */
int creds_provider_get(struct creds_provider *p, creds_cb cb, void *arg);
/* Forgets the cached credentials (after ExpiredToken); the next get refreshes. */
void creds_provider_invalidate(struct creds_provider *p);
/* A short description for the header and logs: "profile org-mgmt (sso)", "env". */
const char *creds_provider_describe(const struct creds_provider *p);
/* NULL-safe; pending callbacks are called with err "cancelled". */
void creds_provider_free(struct creds_provider *p);

/* Static keys (tests, and the environment provider's result). Copies the strings. */
struct creds_provider *creds_provider_static(const char *access_key_id,
    const char *secret_access_key, const char *session_token);

/*
 * AssumeRole into role_arn with credentials from source (borrowed; must
 * outlive the result), through client (borrowed). external_id may be NULL.
 * duration_s 0 means the default (3600). Cached until 15 min before expiry.
 */
struct creds_provider *creds_provider_assume_role(struct aws_client *client,
    struct creds_provider *source, const char *role_arn, const char *session_name,
    const char *external_id, int duration_s);

/*
 * The AWS CLI's chain (AWS-WIRE.md 5.1): resolves profile (NULL: AWS_PROFILE,
 * then "default"; explicit_profile says it came from --profile, which skips
 * the environment step) against the environment and the config/credentials
 * files, and returns the provider that the CLI would use. The region of the
 * profile (or AWS_REGION / AWS_DEFAULT_REGION) is stored in *region if not
 * NULL (caller frees; NULL if none). Returns NULL with *cause on error.
 *
 * Warnings (files readable by group/others, with path and mode) are appended
 * to *warnings (caller frees; NULL if none).
 */
struct creds_chain_opts {
	const char *profile;
	int explicit_profile;
	struct aws_client *client; /* for AssumeRole, SSO portal, IMDS, container */
	/* Asks for an MFA code (before the TUI starts). Returns an xmalloc'd code or NULL. */
	char *(*mfa_prompt)(const char *mfa_serial, void *arg);
	void *mfa_arg;
	/*
	 * The config and credentials files already loaded by the caller
	 * (ini_aws_load(); borrowed), so they are read once and their
	 * permission warnings said once. NULL: the chain loads them itself.
	 */
	const struct ini_aws *aws;
};
struct creds_provider *creds_chain_resolve(const struct creds_chain_opts *opts, char **region,
    char **warnings, char **cause);

#endif
