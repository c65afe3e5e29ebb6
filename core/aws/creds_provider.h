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
