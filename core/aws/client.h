/*
 * client.h: one AWS call, start to finish: sign, send, decode, retry.
 *
 * struct aws_client holds the HTTP engine, the endpoint configuration, the
 * per-(account, region, service) rate limiters, the retry quota and a SigV4
 * signing-key cache. A call is (service, operation, region, credentials,
 * parameters); the client resolves the endpoint, builds the request for the
 * service's protocol (core/aws/protocol.h), and for each attempt: gets
 * credentials from the provider, waits for a rate-limit token, signs
 * (core/aws/sigv4.h), sends, decodes, classifies (core/aws/retry.h), and
 * either retries after a backoff timer or calls back with the final result.
 *
 * Retries are botocore's standard mode: max attempts from AWS_MAX_ATTEMPTS,
 * else the profile's max_attempts, else 3; full-jitter backoff capped at
 * 20 s; Retry-After honoured within 5 s of it; the retry quota. An
 * ExpiredToken answer invalidates the provider's credentials and retries
 * once with fresh ones, outside the attempt count. Nothing sleeps: waits
 * are timers on the loop.
 *
 * Callbacks: the callback of every call that aws_client_call() (or
 * aws_client_paginate()) returned is called exactly once, always from the
 * loop, never from inside aws_client_call(), aws_call_cancel() or
 * aws_client_cancel_tag(). Only aws_client_free() calls the callbacks of
 * calls still pending itself, before it returns, with AWS_ERR_CANCELLED.
 *
 * Secrets: for services flagged ENDPOINT_SECRETS (STS, the SSO portal,
 * OIDC) every request and answer buffer and the decoded tree are wiped after
 * the callback returns; nothing here logs.
 */
#ifndef ORGTOP_CLIENT_H
#define ORGTOP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "core/aws/endpoint.h"
#include "core/aws/retry.h"
#include "core/aws/xml.h"
#include "core/buf.h"
#include "core/net/http.h"

struct creds_provider;
struct ratelimit;

struct aws_client_config {
	/* The default region of calls that name none (the profile's region). NULL: "us-east-1". */
	const char *region;
	/* The profile's max_attempts; 0 = unset. AWS_MAX_ATTEMPTS wins when set. */
	unsigned max_attempts;
	/* Endpoint overrides from the config files (the environment is read by the client). */
	struct endpoint_config endpoints;
	/*
	 * HTTP engine settings. http.ca_bundle is the profile's ca_bundle;
	 * AWS_CA_BUNDLE wins when set.
	 */
	struct http_config http;
	/* Per-attempt overall timeout in ms; 0 = none (connect + low-speed limits still apply). */
	unsigned attempt_timeout_ms;
	/* Seeds the backoff jitter (tests); 0 = from the clock and pid. */
	uint64_t seed;
	/* Scales every backoff and Retry-After delay (tests: 0.01 makes a 20 s backoff 200 ms); 0 = 1. */
	double backoff_scale;
};

struct aws_client;

/*
 * Creates a client on loop (borrowed; must outlive it). cfg may be NULL.
 * Reads AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE and (per call) AWS_ENDPOINT_URL*.
 * Returns NULL with *cause (a bad AWS_MAX_ATTEMPTS, a CA bundle that can't
 * be read).
 */
struct aws_client *aws_client_new(uv_loop_t *loop, const struct aws_client_config *cfg,
    char **cause);

/*
 * Cancels every pending call (their callbacks run now with
 * AWS_ERR_CANCELLED and must not start calls on this client), then frees the
 * HTTP engine and the timers; run the loop until its handles are closed.
 * Credential providers that use this client (AssumeRole) must be freed
 * first. NULL-safe; never call it from one of this client's callbacks.
 */
void aws_client_free(struct aws_client *c);

/* The HTTP engine, for unsigned non-AWS requests (IMDS, container credentials). Borrowed. */
struct http_engine *aws_client_http(struct aws_client *c);
/* The client's default region. Borrowed. */
const char *aws_client_region(const struct aws_client *c);
/* The rate limiter (to change a service's rates). Borrowed. */
struct ratelimit *aws_client_ratelimit(struct aws_client *c);

/* aws_request.flags */
#define AWS_CALL_NO_RETRY 0x01     /* one attempt only (the ExpiredToken refresh still happens) */
#define AWS_CALL_NO_RATELIMIT 0x02 /* bypass the rate limiter */

/*
 * A request already in wire form (the core/services builders make these):
 * used instead of params when aws_request.raw is set. Borrowed strings.
 */
struct aws_raw_request {
	const char *method;       /* "POST", "GET" */
	const char *path;         /* percent-encoded, starts with '/' */
	const char *query;        /* encoded, without '?'; NULL or "" for none */
	const char *body;         /* NULL for none */
	size_t body_len;
	const char *content_type; /* NULL: none */
	const char *target;       /* X-Amz-Target, NULL: none */
};

/*
 * One call. Everything is borrowed for the duration of aws_client_call()
 * only (params or raw are copied right away), except creds, which must stay
 * valid until the callback has run.
 *
 * params: the operation's input keyed by wire names (see protocol.h); NULL
 * for none. raw: the request in wire form instead (params is then ignored;
 * aws_client_paginate() needs params). creds: NULL sends the request unsigned (ENDPOINT_UNSIGNED
 * services always are). account: the account the credentials belong to,
 * which keys the rate limiter with the region and service (NULL or "" when
 * unknown). deadline_ms: absolute time on the util_monotonic_ms() clock
 * after which no attempt starts and the one in flight is cut (0 = none);
 * a call that runs out of time ends with AWS_ERR_TIMEOUT, or with the last
 * attempt's error if there was one. tag: groups calls for
 * aws_client_cancel_tag() (0 = none).
 */
struct aws_request {
	enum aws_service service;
	const char *operation;
	const char *region;      /* NULL: the client's region */
	const cJSON *params;
	const struct aws_raw_request *raw;
	struct creds_provider *creds;
	const char *account;
	uint64_t deadline_ms;
	uint64_t tag;
	unsigned timeout_ms;     /* per attempt; 0 = the client's attempt_timeout_ms */
	unsigned flags;          /* AWS_CALL_* */
};

/*
 * The outcome of a call, borrowed by the callback: every pointer is valid
 * only until the callback returns. Copy out what you need (and, per
 * STYLE.md 6, let the tree go with the callback).
 *
 * On success json (json and rest-json services) or xml (query: the
 * <OpResult> element; ec2: the root) holds the decoded answer. On an AWS
 * error, code/message/status/request_id are botocore's, and json or xml
 * holds the error body when it parsed (to read members such as "Reason").
 * message is AWS's text or ours: untrusted, sanitise it (core/text.h)
 * before it reaches a screen or a log. code, message and request_id are
 * never NULL.
 */
struct aws_result {
	enum aws_err err;
	const char *code;         /* "AccessDeniedException"; "" when not an AWS error */
	const char *message;      /* why, for a person; "" on success */
	long status;              /* HTTP status of the last answer; 0 if none came */
	const char *request_id;   /* of the last answer; "" if none */
	unsigned attempts;        /* HTTP attempts made */
	unsigned pages;           /* pages fetched (aws_client_paginate's final result) */
	int sso_expired;          /* AWS_ERR_CREDENTIALS because the SSO session expired */
	double skew_s;            /* the server's Date minus the local clock, when known */
	enum aws_service service;
	const char *operation;
	const char *region;       /* the region asked for */
	const cJSON *json;
	const struct xml_node *xml;
	const char *body;         /* the raw body of the last answer ("" if none) */
	size_t body_len;
};

typedef void (*aws_call_cb)(const struct aws_result *res, void *arg);

struct aws_call; /* valid until its callback returns */

/*
 * Starts a call. Never calls cb synchronously: every failure, even a
 * malformed request or a refused endpoint, comes through cb. Never NULL,
 * except for a call made from a callback run by aws_client_free(): that
 * call's cb has then already run, cancelled.
 */
struct aws_call *aws_client_call(struct aws_client *c, const struct aws_request *req,
    aws_call_cb cb, void *arg);

/* Cancels a call whose callback has not run yet; cb follows with AWS_ERR_CANCELLED. */
void aws_call_cancel(struct aws_call *call);
/* Cancels every pending call with this tag (tag != 0): waiting, backing off or on the wire. */
unsigned aws_client_cancel_tag(struct aws_client *c, uint64_t tag);
/*
 * For the tags first .. first+n-1: oldest[tag - first] = the loop time (ms)
 * at which the longest-waiting attempt now on the wire with that tag was
 * sent, 0 when none is. Calls waiting for credentials, a rate-limit token or
 * a retry's backoff are not on the wire: they say nothing of the server.
 */
void aws_client_tag_wire(const struct aws_client *c, uint64_t first, uint64_t *oldest,
    size_t n);

/*
 * Pagination (botocore's paginator semantics, AWS-WIRE.md 2.5): after each
 * page, the output token is read from the answer (a top-level JSON member,
 * or an element of the query result / ec2 root); the call ends when it is
 * absent, null or "", never because a page is empty. The next request is
 * the same params with input_token set (for rest-json the operation table
 * decides whether it goes to the query string or the body). A token seen
 * before ends the call with AWS_ERR_PAGINATION, as does going past
 * max_pages.
 */
struct aws_paginate {
	const char *input_token;  /* "NextToken", "nextToken", "next_token" */
	const char *output_token; /* "NextToken", "nextToken", "NextPageToken" */
	unsigned max_pages;       /* 0 = 1000 */
};

/*
 * Called for each successful page, in order; res is as for aws_call_cb
 * (res->pages is this page's number, from 1). Return 0 to go on, non-zero
 * to stop: the final callback then reports AWS_OK with the pages so far.
 */
typedef int (*aws_page_cb)(const struct aws_result *res, void *arg);

/*
 * Runs a paginated call. page_cb sees every page; done_cb is called once at
 * the end: AWS_OK with res->pages, or the error that stopped it (a failed
 * page after its retries, a repeated token, the page cap). The handle works
 * with aws_call_cancel() across all pages.
 */
struct aws_call *aws_client_paginate(struct aws_client *c, const struct aws_request *req,
    const struct aws_paginate *pg, aws_page_cb page_cb, aws_call_cb done_cb, void *arg);

/*
 * A one-line description of a failed result for a log or status line:
 * "organizations ListAccounts (us-east-1): AccessDeniedException: You don't
 * have permissions... [HTTP 400, request 4d9c..., 1 attempt]". The message
 * part is AWS's raw text: sanitise the line before display.
 */
void aws_result_describe(const struct aws_result *res, struct buf *out);

/* Counters since the client started. */
struct aws_client_stats {
	uint64_t calls;        /* aws_client_call()s (each page of a paginated call counts) */
	uint64_t attempts;     /* HTTP attempts */
	uint64_t retries;      /* attempts after the first */
	uint64_t throttled;    /* throttling answers */
	uint64_t failed;       /* calls that ended with an error */
	unsigned inflight;     /* calls whose callback has not run */
	unsigned waiting_rate; /* attempts waiting for a rate-limit token */
	unsigned backing_off;  /* attempts waiting out a backoff */
	uint64_t quota_refused; /* retries not made because a retry quota was empty */
	struct http_stats http;
};
void aws_client_stats(const struct aws_client *c, struct aws_client_stats *out);

/*
 * The developer's one-shot call behind `orgtop --call SERVICE OPERATION
 * JSON`: service by name (endpoint_service_by_name()), params as JSON text
 * (NULL or "" for none), region NULL for the client's. The callback gets the
 * result as for any call. Returns the call, or NULL with *cause for an
 * unknown service or unparseable JSON (then cb is not called).
 */
struct aws_call *aws_client_debug_call(struct aws_client *c, struct creds_provider *creds,
    const char *service, const char *operation, const char *json_params, const char *region,
    aws_call_cb cb, void *arg, char **cause);

/*
 * Formats a result as the debug command prints it: the decoded answer as
 * indented JSON (XML answers as a JSON rendering of their elements), or the
 * error described. Appends to out.
 */
void aws_result_dump(const struct aws_result *res, struct buf *out);

#endif
