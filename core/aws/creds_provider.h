/*
 * creds_provider.h: the inside of a credentials provider (internal to the
 * creds module and its tests; callers use core/aws/creds.h).
 *
 * A provider is a small ops table plus the shared refresh machinery in
 * creds.c: the cached credentials, botocore's refresh windows (advisory 15
 * min before expiry: refresh in the background and keep serving the old
 * credentials if that fails; mandatory 10 min before: callers wait, and a
 * failure is reported), one fetch at a time with every concurrent get joined
 * onto it, and callbacks that survive the provider being freed from inside
 * one of them.
 *
 * A source implements fetch (start getting fresh credentials and report
 * exactly once through creds__fetch_done, before returning or later from
 * the loop), cancel (stop an in-flight fetch; after it, done must not be
 * called) and free (release the source's own state).
 */
#ifndef ORGTOP_CREDS_PROVIDER_H
#define ORGTOP_CREDS_PROVIDER_H

#include <uv.h>

#include "core/aws/creds.h"

/* botocore's windows (credentials.py), in seconds before expiry. */
#define CREDS_ADVISORY_REFRESH  (15 * 60)
#define CREDS_MANDATORY_REFRESH (10 * 60)
/* After a failed advisory refresh, no new background attempt before this many seconds. */
#define CREDS_ADVISORY_RETRY 30

struct creds_provider_ops {
	/* A short name for descriptions: "static", "process", "sso", ... */
	const char *kind;
	void (*fetch)(struct creds_provider *p);
	/* May be NULL for sources whose fetch always completes before returning. */
	void (*cancel)(struct creds_provider *p);
	/* Frees the source's state (creds__provider_impl()). May be NULL. */
	void (*free)(struct creds_provider *p);
};

/*
 * Makes a provider for a source. Takes ownership of impl (released through
 * ops->free). desc is copied; it must not hold a secret.
 */
struct creds_provider *creds__provider_new(const struct creds_provider_ops *ops, void *impl,
                                           const char *desc);
void *creds__provider_impl(const struct creds_provider *p);

/*
 * Reports the end of a fetch: c (a reference the provider takes over; NULL
 * on failure) or err (copied; never holding a secret). sso_expired marks an
 * expired SSO session. Safe to call before fetch returns.
 */
void creds__fetch_done(struct creds_provider *p, struct creds *c, const char *err, int sso_expired);

/* How many fetches the provider started (tests: proves joining and windows). */
unsigned creds__provider_fetches(const struct creds_provider *p);

/*
 * Fixed keys with an optional expiration (0 = never), described as desc:
 * the environment, a profile's static keys. Copies the strings.
 */
struct creds_provider *creds__static_new(const char *access_key_id, const char *secret_access_key,
                                         const char *session_token, double expiration,
                                         const char *desc);

/* credential_process gets this long unless told otherwise. */
#define CREDS_PROCESS_TIMEOUT_MS 60000

/*
 * credential_process for profile: command is split shell-style and run on
 * loop (borrowed) with a timeout (0 = CREDS_PROCESS_TIMEOUT_MS). NULL with
 * *cause when the command cannot be split or is empty.
 */
struct creds_provider *creds__process_new(uv_loop_t *loop, const char *command, const char *profile,
                                          unsigned timeout_ms, char **cause);

struct aws_client;
struct http_engine;

/* What an AssumeRole provider needs (creds_sts.c). Strings are copied. */
struct creds_assume_role_params {
	struct aws_client *client;     /* borrowed; must outlive the provider */
	struct creds_provider *source; /* signs the AssumeRole */
	int own_source;                /* 1: freed with the provider */
	const char *role_arn;
	const char *session_name;  /* NULL: "orgtop-<unix time>" */
	const char *external_id;   /* NULL: none */
	const char *mfa_serial;    /* NULL: none */
	char *mfa_code;            /* taken over (wiped when used or freed); NULL: none */
	int duration_s;            /* 0: STS's default (3600) */
	const char *profile;       /* names the provider in messages; NULL: the role ARN */
	const char *cli_cache_dir; /* the AWS CLI's cache to read first; NULL: none */
};
struct creds_provider *creds__assume_role_new(const struct creds_assume_role_params *a);
/* 1 if the CLI cache holds usable credentials for these parameters (no MFA prompt needed). */
int creds__assume_role_cached(const struct creds_assume_role_params *a);
/* botocore's CLI cache key for an AssumeRole (SHA-1 hex). Caller frees. */
char *creds__assume_role_cache_key(const char *role_arn, const char *session_name,
                                   const char *external_id, const char *mfa_serial, int duration_s);

/* AssumeRoleWithWebIdentity with the token read from token_file at each fetch. */
struct creds_provider *creds__web_identity_new(struct aws_client *client, const char *role_arn,
                                               const char *session_name, const char *token_file,
                                               const char *profile);

/* What an SSO provider needs (creds_sso.c). Strings are copied. */
struct creds_sso_params {
	struct aws_client *client; /* borrowed; must outlive the provider */
	const char *profile;
	const char *start_url;
	const char *region; /* sso_region: where the portal is */
	const char *account_id;
	const char *role_name;
	const char *session;   /* the sso-session name; NULL for a legacy profile */
	const char *cache_dir; /* ~/.aws/sso/cache, expanded */
};
struct creds_provider *creds__sso_new(const struct creds_sso_params *a);
/* The token cache file name: SHA-1 hex of the session name, else of the start URL. Caller frees. */
char *creds__sso_cache_key(const char *start_url, const char *session);

/*
 * Container credentials from the environment (AWS_CONTAINER_CREDENTIALS_*),
 * fetched through http (borrowed; must outlive the provider), or NULL with
 * *cause when unset or when FULL_URI breaks the host rule.
 */
struct creds_provider *creds__container_new(struct http_engine *http, char **cause);

/* What the IMDS provider needs; the environment wins over the profile's values. */
struct creds_imds_params {
	struct http_engine *http;  /* borrowed; must outlive the provider */
	const char *endpoint;      /* the profile's ec2_metadata_service_endpoint, or NULL */
	const char *endpoint_mode; /* ec2_metadata_service_endpoint_mode: "IPv4" / "IPv6" */
	const char *timeout;       /* metadata_service_timeout (seconds) */
	const char *attempts;      /* metadata_service_num_attempts */
	/* When IMDS is the chain's last resort: what was searched before, for its errors. */
	const char *context;
};
struct creds_provider *creds__imds_new(const struct creds_imds_params *a, char **cause);
/* 1 if AWS_EC2_METADATA_DISABLED is "true" (any case). */
int creds__imds_disabled(void);

/*
 * The clock the refresh windows read (epoch seconds); util_now by default.
 * Tests set a fake one to walk through the windows.
 */
extern double (*creds__clock)(void);
/*
 * Tests only: when set, called with each secret buffer of a struct creds
 * after it was wiped and before it is freed, to prove the wipe.
 */
extern void (*creds__wiped_hook)(const void *p, size_t len);

#endif
