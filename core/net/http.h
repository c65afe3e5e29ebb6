/*
 * http.h: the HTTP engine: libcurl's multi interface driven by one libuv loop.
 *
 * Every byte orgtop sends to AWS (and to IMDS, the container endpoint, the
 * SSO portal) goes through here. One engine per loop; it never blocks the
 * loop: curl's sockets are watched with uv_poll_t, its timeout with one
 * uv_timer_t (curl docs/examples/multi-uv.c, with its gaps closed: poll
 * errors reach curl as CURL_CSELECT_ERR, completions are read after every
 * socket action, both the transfer result and the HTTP status are checked).
 *
 * Safety is not optional: TLS is always verified, TLS 1.2 is the minimum,
 * redirects are never followed, only http:// and https:// are spoken, and
 * connect and low-speed timeouts are in seconds (never curl's 300 s
 * default). Request headers and bodies, and response bodies, are wiped when
 * the engine frees them: they may carry session tokens and secret keys.
 *
 * Concurrency limits: at most max_connections connections in total and
 * max_host_connections per host; more transfers queue inside curl (they
 * still count against their own timeouts and deadline). HTTP/2 is used where
 * a TLS server offers it (one connection multiplexes many requests);
 * HTTP/1.1 connections are kept alive and reused. Proxies follow curl's
 * environment handling (https_proxy / HTTPS_PROXY, http_proxy, NO_PROXY).
 *
 * Callbacks: the completion callback of every request that http_send()
 * accepted is called exactly once, always from the loop and never from
 * inside http_send(), http_cancel() or http_cancel_tag(). The only exception
 * is http_engine_free(), which calls the callbacks of the requests still
 * pending, with HTTP_ERR_CANCELLED, before it returns.
 */
#ifndef ORGTOP_HTTP_H
#define ORGTOP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/*
 * Engine settings. Zero in any field means "the default" shown beside it.
 * Strings are copied by http_engine_new().
 */
struct http_config {
	unsigned max_connections;      /* 64: open connections in total (capped to leave 32
	                                  descriptors of RLIMIT_NOFILE to the rest) */
	unsigned max_host_connections; /* max_connections: open connections per host */
	unsigned connect_timeout_s;    /* 10: TCP + TLS handshake */
	unsigned low_speed_time_s;     /* 30: abort when slower than low_speed_limit this long */
	unsigned low_speed_limit;      /* 1: bytes per second (so a server that never answers fails) */
	unsigned timeout_s;            /* 0 = none: a default overall limit per request */
	size_t body_cap;               /* 32 MiB: larger bodies fail with HTTP_ERR_TOO_BIG */
	const char *ca_bundle;         /* PEM file (AWS_CA_BUNDLE / ca_bundle); NULL = the system's */
	const char *user_agent;        /* NULL = "orgtop/<version>" */
	int http1_only;                /* 1: never negotiate HTTP/2 (tests, debugging) */
};

/* How a request ended. Anything but HTTP_OK means no complete response. */
enum http_error {
	HTTP_OK = 0,        /* a complete response arrived (any status: check it) */
	HTTP_ERR_DNS,       /* the host name did not resolve */
	HTTP_ERR_CONNECT,   /* refused, unreachable, or the proxy refused */
	HTTP_ERR_TLS,       /* handshake or certificate verification failed */
	HTTP_ERR_TIMEOUT,   /* connect timeout, low-speed timeout, overall timeout or deadline */
	HTTP_ERR_SEND,      /* the connection broke while sending */
	HTTP_ERR_RECV,      /* reset or closed mid-response, or a body shorter than announced */
	HTTP_ERR_PROTOCOL,  /* malformed HTTP, an HTTP/2 stream error */
	HTTP_ERR_TOO_BIG,   /* the body went over the engine's body_cap */
	HTTP_ERR_CANCELLED, /* http_cancel(), http_cancel_tag() or http_engine_free() */
	HTTP_ERR_OTHER,     /* anything else curl reported (see message) */
	HTTP_ERR__COUNT
};

/* "ok", "dns", "connect", "tls", "timeout", "send", "recv", "protocol", "too-big", "cancelled", "other". */
const char *http_error_name(enum http_error e);

struct http_header {
	const char *name;
	const char *value;
};

/* http_request.flags */
#define HTTP_NO_PROXY 0x01   /* ignore the proxy variables (IMDS, the container endpoint) */
#define HTTP_FRESH_CONN 0x02 /* use a new connection and don't keep it (IMDS token hops) */

/*
 * One request. Everything is copied by http_send(); the caller may free it
 * when http_send() returns.
 *
 * headers are sent in order, as given. The engine adds Host, Content-Length
 * and Accept as curl does, and never adds a Content-Type or Expect of its
 * own (sign exactly what you pass here). method is any token ("GET", "POST",
 * "PUT", "HEAD", "DELETE"); a body is sent for any method when body_len > 0,
 * and for POST/PUT always (Content-Length: 0 when empty).
 *
 * Timeouts: connect_timeout_ms and timeout_ms override the engine's values
 * for this request (0 = the engine's). deadline_ms is an absolute time on the
 * util_monotonic_ms() clock (0 = none): the request fails with
 * HTTP_ERR_TIMEOUT when it passes, wherever it is (queued, connecting,
 * receiving). tag groups requests for http_cancel_tag() (0 = no group).
 */
struct http_request {
	const char *method;
	const char *url;
	const struct http_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	unsigned connect_timeout_ms;
	unsigned timeout_ms;
	uint64_t deadline_ms;
	uint64_t tag;
	unsigned flags; /* HTTP_* */
};

/* Milliseconds from the start of the transfer to each step (curl's CURLINFO_*_TIME_T). */
struct http_timings {
	double dns;        /* name resolved */
	double connect;    /* TCP connected */
	double tls;        /* TLS handshake done (0 for plain http or a reused connection) */
	double first_byte; /* first response byte */
	double total;      /* complete */
};

/*
 * What came back. Borrowed by the callback: everything here, body included,
 * is valid only until the callback returns (copy what you keep).
 *
 * Header values are those of the final response (after any 100 Continue),
 * NULL when the header was absent; names are matched case-insensitively.
 * body is NUL-terminated (body[body_len] == '\0') and never NULL.
 * message is a short sentence for a person when error != HTTP_OK (curl's
 * error text with the URL's host), "" otherwise; it never contains header
 * values or body bytes.
 */
struct http_response {
	enum http_error error;
	const char *message;
	long status;            /* 0 when no response arrived */
	int http_version;       /* 10, 11, 20 (0 when unknown) */
	const char *request_id; /* x-amzn-RequestId, else x-amz-request-id */
	const char *error_type; /* X-Amzn-ErrorType */
	const char *content_type;
	const char *retry_after;     /* Retry-After (seconds or an HTTP date), raw */
	const char *amz_retry_after; /* x-amz-retry-after (milliseconds), raw */
	const char *date;            /* Date, raw (clock-skew diagnosis) */
	const char *body;
	size_t body_len;
	long new_connections;   /* connections this transfer opened (CURLINFO_NUM_CONNECTS) */
	struct http_timings t;
	uint64_t tag;
};

/* Called once per request, from the loop. See the top of this file. */
typedef void (*http_done_cb)(const struct http_response *res, void *arg);

struct http_engine;
struct http_call; /* one request in flight; valid until its callback returns */

/*
 * Creates an engine on loop (borrowed; must outlive the engine). cfg may be
 * NULL for the defaults. Returns NULL with *cause on failure (curl could not
 * be initialised, the CA bundle is not a readable file).
 */
struct http_engine *http_engine_new(uv_loop_t *loop, const struct http_config *cfg, char **cause);

/*
 * Cancels every pending request (their callbacks run now, with
 * HTTP_ERR_CANCELLED; they must not call into this engine), closes every
 * connection and starts closing the engine's uv handles; the memory goes in
 * the last close callback. Run the loop afterwards until it has no more
 * handles: uv_loop_close() then returns 0. NULL-safe. Never call it from
 * inside one of this engine's callbacks.
 */
void http_engine_free(struct http_engine *e);

/*
 * Starts a request. Returns its handle (valid until cb returns: use it only
 * for http_cancel() before that), or NULL with *cause when the request is
 * malformed (no method or URL, a header name or value with CR/LF, a URL that
 * is not http:// or https://); then cb is never called.
 */
struct http_call *http_send(struct http_engine *e, const struct http_request *req,
    http_done_cb cb, void *arg, char **cause);

/* Cancels one request; its callback follows from the loop with HTTP_ERR_CANCELLED. */
void http_cancel(struct http_engine *e, struct http_call *call);

/* Cancels every pending request with this tag (tag != 0). Returns how many. */
unsigned http_cancel_tag(struct http_engine *e, uint64_t tag);

/* Counters since the engine started. */
struct http_stats {
	uint64_t requests;     /* transfers started */
	uint64_t completed;    /* callbacks with HTTP_OK */
	uint64_t failed;       /* callbacks with another error (cancelled included) */
	uint64_t connections;  /* connections opened (CURLINFO_NUM_CONNECTS summed) */
	uint64_t bytes_sent;   /* request bodies */
	uint64_t bytes_received; /* response bodies */
	unsigned inflight;     /* requests whose callback has not run yet */
	unsigned sockets;      /* sockets curl asked us to watch right now */
};
void http_engine_stats(const struct http_engine *e, struct http_stats *out);

/* The loop the engine runs on (borrowed). */
uv_loop_t *http_engine_loop(const struct http_engine *e);

#endif
