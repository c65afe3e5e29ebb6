/*
 * testsrv.h: a small HTTP(S) server for unit tests (libmicrohttpd), on
 * 127.0.0.1 with a free port, that can misbehave on purpose.
 *
 * Any cmocka suite can use it (tests/unit/lib/ is linked into every unit
 * test). The server runs in its own threads (one per connection), so the
 * test's uv loop stays in the main thread. A handler, called from a server
 * thread for each complete request, fills a response: a status, headers, a
 * body, and a behaviour: answer normally, drip the body slowly, reset the
 * connection mid-body, close it early, never answer, or stream a huge body.
 * The handler must be thread-safe (the server calls it concurrently).
 *
 *     static void handler(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg)
 *     {
 *             rs->status = 200;
 *             testsrv_resp_body(rs, "{}");
 *     }
 *     struct testsrv *srv = testsrv_start(handler, NULL);
 *     ... testsrv_url(srv) is "http://127.0.0.1:PORT" ...
 *     testsrv_stop(srv);
 *
 * HTTP/2 is not available (libmicrohttpd speaks HTTP/1.x only).
 */
#ifndef ORGTOP_TESTSRV_H
#define ORGTOP_TESTSRV_H

#include <stddef.h>
#include <stdint.h>

/* A request as received. Borrowed by the handler. */
struct testsrv_req {
	const char *method;
	const char *path;      /* without the query, percent-decoded (libmicrohttpd's) */
	const char *raw_path;  /* the path exactly as sent, without the query */
	const char *query;     /* the raw query as sent (without '?'), "" if none */
	const char *headers;   /* every header as "name: value\n", names lower-cased, in order */
	const char *body;
	size_t body_len;
	unsigned seq;          /* 1, 2, 3, ... over the server's life */
	unsigned conn;         /* connection number (1, 2, ...): equal for keep-alive reuse */
};

/* The value of header name (case-insensitive) in rq, copied into out; NULL if absent. */
const char *testsrv_req_header(const struct testsrv_req *rq, const char *name, char *out,
    size_t len);

enum testsrv_mode {
	TS_NORMAL = 0,
	TS_SLOW,        /* the body one byte every drip_ms */
	TS_RESET,       /* cut_at bytes of the body, then a TCP reset */
	TS_CLOSE_EARLY, /* cut_at bytes of the announced body, then a clean close */
	TS_HANG,        /* never answer (until the server stops) */
	TS_HUGE         /* huge_len bytes of 'x'; chunked if huge_chunked */
};

#define TESTSRV_MAX_HEADERS 8

struct testsrv_resp {
	int status;                 /* default 200 */
	struct {
		char name[64];
		char value[256];
	} headers[TESTSRV_MAX_HEADERS];
	size_t nheaders;
	char *body;                 /* set with testsrv_resp_body(); freed by the server */
	size_t body_len;
	enum testsrv_mode mode;
	unsigned drip_ms;
	size_t cut_at;
	uint64_t huge_len;
	int huge_chunked;
	unsigned delay_ms;          /* wait this long before answering */
	int close;                  /* send Connection: close */
};

void testsrv_resp_body(struct testsrv_resp *rs, const char *body);
void testsrv_resp_bodyn(struct testsrv_resp *rs, const char *body, size_t len);
void testsrv_resp_header(struct testsrv_resp *rs, const char *name, const char *value);

typedef void (*testsrv_handler)(const struct testsrv_req *rq, struct testsrv_resp *rs, void *arg);

struct testsrv;

/* Starts a plain HTTP server on 127.0.0.1, port 0. Aborts the test on failure. */
struct testsrv *testsrv_start(testsrv_handler h, void *arg);
/*
 * Starts an HTTPS server with the PEM cert and key (file paths). priorities
 * is a GnuTLS priority string (NULL: "NORMAL"), e.g. to offer only TLS 1.1.
 */
struct testsrv *testsrv_start_tls(testsrv_handler h, void *arg, const char *cert_file,
    const char *key_file, const char *priorities);
/* Stops the server (ends hanging and slow answers first) and frees it. NULL-safe. */
void testsrv_stop(struct testsrv *srv);

/* "http://127.0.0.1:PORT" (or https://). Borrowed. */
const char *testsrv_url(const struct testsrv *srv);
unsigned short testsrv_port(const struct testsrv *srv);
/* Connections accepted so far. */
unsigned testsrv_connections(const struct testsrv *srv);
/* Requests answered (or started) so far. */
unsigned testsrv_requests(const struct testsrv *srv);

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
unsigned short testsrv_closed_port(void);

/* The directory of the test data: $ORGTOP_ROOT/tests/data, or ./tests/data. Borrowed. */
const char *testsrv_data_dir(void);
/* Reads a whole file below testsrv_data_dir(). Caller frees; NULL if unreadable. */
char *testsrv_read_data(const char *rel, size_t *len);

#endif
