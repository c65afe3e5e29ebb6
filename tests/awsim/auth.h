/*
 * auth.h: who is calling: the management account's static keys, AssumeRole
 * sessions (and SSO portal / IMDS / container sessions), and the SigV4
 * verification of every signed request.
 *
 * Secrets (secret keys, session tokens) live only in this module's table,
 * are handed to the STS/portal answer that issues them, and are wiped when
 * the table is freed.
 */
#ifndef AWSIM_AUTH_H
#define AWSIM_AUTH_H

#include "tests/awsim/call.h"

struct auth;

/* Keys for the management account's IAM user, derived from the seed. */
struct auth *auth_new(struct awsim *sim);
void auth_free(struct auth *a);

/* The management account's static keys. Borrowed; valid for the run. */
const char *auth_static_key(const struct auth *a);
const char *auth_static_secret(const struct auth *a);

/* A freshly issued session (copies of the secrets; wipe with auth_issued_done()). */
struct auth_issued {
	char akid[32];
	char secret[48];
	char *token;
	double expires;
	char role_id[40]; /* "AROASIM...": the role's unique id */
};

/*
 * Issues a session for account (index) as role with session name, of kind
 * WHO_ROLE / WHO_SSO / WHO_INSTANCE, lasting duration seconds (overridden by
 * --session-seconds). chained: the caller was itself a role session.
 */
void auth_session_new(struct auth *a, int account, const char *role, const char *session,
    int kind, int duration, int chained, struct auth_issued *out);
void auth_issued_done(struct auth_issued *out);

/*
 * Authenticates a signed request: parses Authorization, finds the key,
 * checks the session token and expiry, the clock skew and the signature.
 * Returns 0 with c->who filled; -1 after answering c with AWS's error for
 * the protocol (MissingAuthenticationToken, IncompleteSignature,
 * InvalidClientTokenId / UnrecognizedClientException, SignatureDoesNotMatch /
 * InvalidSignatureException, ExpiredToken, RequestExpired).
 */
int auth_check(struct call *c);

/* "arn:aws:iam::111111111111:user/awsim-admin" or the assumed-role ARN. out >= 256. */
void auth_arn(const struct call *c, const struct principal *p, char *out, size_t len);

/* Number of live sessions (for /_awsim/stats). */
int auth_nsessions(struct auth *a);

#endif
