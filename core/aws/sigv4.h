/*
 * sigv4.h: AWS Signature Version 4 (header signing), over OpenSSL.
 *
 * Used both to sign orgtop's requests and, in tests/awsim, to verify the
 * signatures of whatever client calls it. The rules are botocore's SigV4Auth
 * (../shared/AWS-WIRE.md section 7): the canonical URI is the wire path encoded
 * a second time (not for S3), the query is sorted and encoded once, header
 * values are trimmed and their inner whitespace folded, host carries a
 * non-default port.
 */
#ifndef ORGTOP_SIGV4_H
#define ORGTOP_SIGV4_H

#include <stddef.h>
#include <time.h>

/* Borrowed strings; the signer copies nothing it keeps except derived keys. */
struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL for long-term keys */
};

struct sigv4_header {
	const char *name;
	const char *value;
};

/* Flags for sigv4_request.flags. */
#define SIGV4_S3_PATH 0x01   /* no dot-segment normalisation, no second encoding */
#define SIGV4_SIGN_BODY 0x02 /* add and sign x-amz-content-sha256 (aws-c-auth vectors) */
#define SIGV4_DEBUG 0x04     /* fill canonical_request and string_to_sign in the result */

/*
 * One request to sign. Every string is borrowed for the duration of the call.
 *
 * headers: every header that will be sent, in the order they will be sent.
 * Names are matched case-insensitively; repeated names are joined with ','
 * in order. Host is taken from here if present, else from host. If an
 * X-Amz-Date header is present its value is used as the signing time (the
 * test vectors and the verifier rely on this) and `when` is ignored; if an
 * X-Amz-Security-Token header is present it is signed as is. Headers botocore
 * never signs (user-agent, expect, connection, ...) are skipped.
 *
 * only_signed: NULL to sign every eligible header; otherwise a
 * semicolon-separated lower-case list (the SignedHeaders of a request being
 * verified) and exactly those headers are used.
 */
struct sigv4_request {
	const char *method;       /* "GET", "POST", ... */
	const char *host;         /* "host[:port]", the port only when not the scheme's default */
	const char *path;         /* as sent on the wire (already percent-encoded); "" means "/" */
	const char *query;        /* as sent on the wire, without '?'; NULL or "" for none */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;         /* may be NULL when body_len is 0 */
	size_t body_len;
	const char *payload_hash; /* hex SHA-256 of the body if already known, else NULL */
	const char *region;       /* signing region, e.g. "us-east-1" */
	const char *service;      /* signing name, e.g. "sso" for sso-admin */
	time_t when;              /* signing time (UTC epoch seconds) */
	const char *only_signed;  /* see above */
	unsigned flags;           /* SIGV4_* */
};

/*
 * What the caller must add to the request. Owned by the result; release with
 * sigv4_result_done().
 */
struct sigv4_result {
	char amz_date[17];         /* "20150830T123600Z": send as X-Amz-Date unless already present */
	char signature[65];        /* lower-case hex */
	char *authorization;       /* the Authorization header value */
	char *signed_headers;      /* "content-type;host;x-amz-date" */
	char *canonical_request;   /* only with SIGV4_DEBUG, else NULL */
	char *string_to_sign;      /* only with SIGV4_DEBUG, else NULL */
	char *content_sha256;      /* only with SIGV4_SIGN_BODY: send as x-amz-content-sha256 */
	int add_token_header;      /* 1: send X-Amz-Security-Token: <session_token> (it was signed) */
};

/*
 * A cache of derived signing keys, keyed by (access key id, secret, date,
 * region, service), so HMAC-chains run once a day per scope instead of once
 * per request. Secrets and keys are wiped when evicted or freed.
 */
struct sigv4_key_cache;

struct sigv4_key_cache *sigv4_key_cache_new(void);
/* NULL-safe. */
void sigv4_key_cache_free(struct sigv4_key_cache *cache);

/*
 * Added by the sigv4 branch (additive): a cache of at most slots scopes
 * (sigv4_key_cache_new() holds 16), for tests and tuning; dropping every key
 * (wiped) when credentials are known to be revoked; and counters.
 */
struct sigv4_key_cache *sigv4_key_cache_new_sized(size_t slots);
/* Wipes and forgets every cached key. NULL-safe. */
void sigv4_key_cache_clear(struct sigv4_key_cache *cache);
struct sigv4_key_cache_stats {
	unsigned long hits;      /* signatures that reused a cached key */
	unsigned long misses;    /* keys derived */
	unsigned long evictions; /* least recently used keys dropped for a new one */
	unsigned long wiped;     /* slots wiped (evicted or cleared) */
	size_t entries;          /* keys held now */
};
/* Fills *out (all zero for a NULL cache). */
void sigv4_key_cache_stats(const struct sigv4_key_cache *cache, struct sigv4_key_cache_stats *out);

/*
 * Signs req with creds. cache may be NULL. On success returns 0 and fills
 * *out (release with sigv4_result_done()). On failure returns -1, leaves *out
 * zeroed and sets *cause if cause is not NULL (caller frees).
 */
int sigv4_sign(struct sigv4_key_cache *cache, const struct sigv4_credentials *creds,
    const struct sigv4_request *req, struct sigv4_result *out, char **cause);

/* Frees what sigv4_sign() put in res and zeroes it. NULL-safe. */
void sigv4_result_done(struct sigv4_result *res);

/*
 * A parsed Authorization header:
 * "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
 *  SignedHeaders=a;b, Signature=hex". Fixed-size fields; over-long values fail.
 */
struct sigv4_authz {
	char access_key_id[129];
	char date[9];
	char region[64];
	char service[64];
	char signed_headers[1024];
	char signature[65];
};

/* Parses an Authorization header value. 0 / -1 (and *cause). */
int sigv4_parse_authorization(const char *value, struct sigv4_authz *out, char **cause);

/* Hex SHA-256 of data into out (65 bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * Percent-encodes s (len bytes) into a new string: every byte except
 * A-Za-z0-9 - _ . ~ becomes %XX (upper-case hex); '/' is kept when
 * keep_slash is set. Caller frees the result. Used for URI labels and
 * form/query values by the protocol layer as well.
 */
char *sigv4_uri_encode(const char *s, size_t len, int keep_slash);

#endif
