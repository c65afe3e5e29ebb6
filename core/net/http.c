/*
 * http.c: libcurl multi on one libuv loop.
 *
 * The shape is curl's docs/examples/multi-uv.c with its gaps closed:
 *
 *  - one non-repeating uv_timer_t follows CURLMOPT_TIMERFUNCTION (-1 stops
 *    it, 0 becomes 1 ms so curl is never re-entered from its own callback);
 *  - CURLMOPT_SOCKETFUNCTION starts, changes and stops one uv_poll_t per
 *    socket; its context hangs on the socket with curl_multi_assign() and
 *    is freed in the poll's close callback, never before;
 *  - a poll error reaches curl as CURL_CSELECT_ERR instead of being dropped;
 *  - completions are read with curl_multi_info_read() after every
 *    curl_multi_socket_action(), the timer's included, and the CURLcode is
 *    copied before the handle is removed (a CURLMsg dies with it);
 *  - both the CURLcode and the HTTP status reach the caller.
 *
 * Requests that end without curl (cancelled, deadline already passed) are
 * delivered from a uv_idle_t, so no callback ever runs inside http_send()
 * or http_cancel(). Easy handles are pooled and reset (curl_easy_reset
 * keeps connections, TLS sessions and the DNS cache); a share handle gives
 * every easy handle the same TLS session and DNS caches.
 */
#include "core/net/http.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"

#ifndef ORGTOP_VERSION
#define ORGTOP_VERSION "0"
#endif

#define HTTP_DEF_MAX_CONN 64u
/*
 * Descriptors left to everything but connections: the cache, the log, the
 * config and credential files, credential_process pipes, the terminal,
 * libuv's own, curl's resolver.
 */
#define HTTP_FD_RESERVE 32u
#define HTTP_DEF_CONNECT_S 10u
#define HTTP_DEF_LOW_SPEED_S 30u
#define HTTP_DEF_LOW_SPEED 1u
#define HTTP_DEF_BODY_CAP ((size_t)32 << 20)
#define HTTP_POOL_MAX 256

/* The response headers we keep, in struct http_call.hv order. */
enum {
	HV_REQUEST_ID,
	HV_AMZ_REQUEST_ID,
	HV_ERROR_TYPE,
	HV_CONTENT_TYPE,
	HV_RETRY_AFTER,
	HV_AMZ_RETRY_AFTER,
	HV_DATE,
	HV__COUNT
};

static const char *const hv_names[HV__COUNT] = {
	"x-amzn-requestid", "x-amz-request-id", "x-amzn-errortype", "content-type",
	"retry-after", "x-amz-retry-after", "date",
};

struct http__sock {
	uv_poll_t poll;
	curl_socket_t fd;
	CURL *easy; /* the last transfer curl named for it; compared, never dereferenced */
	struct http_engine *e;
	struct http__sock *next, *prev;
};

struct http_call {
	struct http_engine *e;
	CURL *easy;           /* NULL once given back */
	int in_multi;
	int too_big;
	int deadline_cut;     /* the deadline, not timeout_ms, set curl's timeout */
	int deferred;         /* queued for delivery from the idle handle */
	int sock_err;         /* errno of a poll error on this transfer's socket */
	enum http_error derr; /* for deferred delivery */
	struct curl_slist *hdrs;
	char *req_body;       /* our copy; curl reads it in place (POSTFIELDS) */
	size_t req_body_len;
	struct buf body;
	char *hv[HV__COUNT];
	char host[128];       /* for messages */
	http_done_cb cb;
	void *arg;
	uint64_t tag;
	struct http_call *next, *prev; /* every live call */
	struct http_call *dnext;       /* deferred queue */
	char errbuf[CURL_ERROR_SIZE];
};

struct http_engine {
	uv_loop_t *loop;
	CURLM *multi;
	CURLSH *share;
	uv_timer_t timer;
	uv_idle_t idle;
	int closes_pending;
	int closing;
	struct http_config cfg;
	char *ca_bundle;
	char *user_agent;
	struct http_call *calls;
	struct http_call *dhead, *dtail;
	struct http__sock *socks;
	CURL **pool;
	size_t npool;
	struct http_stats st;
};

static void http__check_done(struct http_engine *e);

const char *
http_error_name(enum http_error err)
{
	static const char *const names[HTTP_ERR__COUNT] = {
		"ok", "dns", "connect", "tls", "timeout", "send", "recv", "protocol", "too-big",
		"cancelled", "other",
	};

	if ((unsigned)err >= HTTP_ERR__COUNT)
		return "?";
	return names[err];
}

/* --- sockets and the timer ------------------------------------------------ */

static void
http__sock_close_cb(uv_handle_t *h)
{
	free(h->data);
}

static void
http__sock_close(struct http_engine *e, struct http__sock *sk)
{
	if (sk->prev != NULL)
		sk->prev->next = sk->next;
	else
		e->socks = sk->next;
	if (sk->next != NULL)
		sk->next->prev = sk->prev;
	e->st.sockets--;
	uv_close((uv_handle_t *)&sk->poll, http__sock_close_cb);
}

/*
 * libuv reports POLLERR as a bare UV_EBADF, and curl turns CURL_CSELECT_ERR
 * into "select/poll returned error": keep the socket's real error (a reset,
 * a refused connection) for the message.
 */
static void
http__note_sock_err(struct http_engine *e, struct http__sock *sk)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(sk->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0)
		err = EIO;
	/* The transfer that last told us about this socket (1:1 for HTTP/1.1). */
	for (struct http_call *call = e->calls; call != NULL; call = call->next) {
		if (call->in_multi && call->easy == sk->easy)
			call->sock_err = err;
	}
}

static void
http__poll_cb(uv_poll_t *h, int status, int events)
{
	struct http__sock *sk = h->data;
	struct http_engine *e = sk->e;
	curl_socket_t fd = sk->fd;
	int flags = 0, running;

	if (status < 0) {
		flags = CURL_CSELECT_ERR;
		http__note_sock_err(e, sk);
	} else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	/* sk may be closed inside this call: use only the copies. */
	curl_multi_socket_action(e->multi, fd, flags, &running);
	http__check_done(e);
}

static int
http__socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http_engine *e = userp;
	struct http__sock *sk = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			curl_multi_assign(e->multi, s, NULL);
			http__sock_close(e, sk);
		}
		return 0;
	}
	if (sk == NULL) {
		sk = xcalloc(1, sizeof *sk);
		if (uv_poll_init_socket(e->loop, &sk->poll, s) != 0) {
			free(sk);
			return -1; /* curl fails the transfers on this socket */
		}
		sk->fd = s;
		sk->e = e;
		sk->poll.data = sk;
		sk->next = e->socks;
		if (e->socks != NULL)
			e->socks->prev = sk;
		e->socks = sk;
		e->st.sockets++;
		curl_multi_assign(e->multi, s, sk);
	}
	sk->easy = easy;
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	if (uv_poll_start(&sk->poll, events, http__poll_cb) != 0) {
		curl_multi_assign(e->multi, s, NULL);
		http__sock_close(e, sk);
		return -1;
	}
	return 0;
}

static void
http__timer_fire(uv_timer_t *t)
{
	struct http_engine *e = t->data;
	int running;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http__check_done(e);
}

static int
http__timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_engine *e = userp;

	(void)multi;
	if (e->closing)
		return 0;
	if (timeout_ms < 0)
		uv_timer_stop(&e->timer);
	else
		uv_timer_start(&e->timer, http__timer_fire, timeout_ms == 0 ? 1 : (uint64_t)timeout_ms,
		    0);
	return 0;
}

/* --- per-call buffers ------------------------------------------------------ */

static size_t
http__write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *call = arg;
	size_t len = size * n;

	if (len > call->e->cfg.body_cap - call->body.len) {
		call->too_big = 1;
		return 0; /* any count but len fails the transfer */
	}
	buf_add(&call->body, p, len);
	return len;
}

static void
http__hv_reset(struct http_call *call)
{
	for (int i = 0; i < HV__COUNT; i++) {
		free(call->hv[i]);
		call->hv[i] = NULL;
	}
}

/* One header line: "HTTP/1.1 200 OK\r\n" starts a new response; "Name: value\r\n". */
static size_t
http__header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *call = arg;
	size_t len = size * n, nl, vs, ve;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		http__hv_reset(call);
		return len;
	}
	for (nl = 0; nl < len && p[nl] != ':'; nl++)
		;
	if (nl == len)
		return len;
	for (int i = 0; i < HV__COUNT; i++) {
		if (strlen(hv_names[i]) != nl || util_strncasecmp(p, hv_names[i], nl) != 0)
			continue;
		vs = nl + 1;
		while (vs < len && (p[vs] == ' ' || p[vs] == '\t'))
			vs++;
		ve = len;
		while (ve > vs && (p[ve - 1] == '\r' || p[ve - 1] == '\n' || p[ve - 1] == ' ' ||
				      p[ve - 1] == '\t'))
			ve--;
		free(call->hv[i]);
		call->hv[i] = xstrndup(p + vs, ve - vs);
		break;
	}
	return len;
}

static void
http__slist_free_wiped(struct curl_slist *l)
{
	for (struct curl_slist *s = l; s != NULL; s = s->next)
		xwipe(s->data, strlen(s->data));
	curl_slist_free_all(l);
}

static void
http__call_free(struct http_call *call)
{
	struct http_engine *e = call->e;

	if (call->prev != NULL)
		call->prev->next = call->next;
	else
		e->calls = call->next;
	if (call->next != NULL)
		call->next->prev = call->prev;
	e->st.inflight--;
	if (call->easy != NULL) {
		if (call->in_multi)
			curl_multi_remove_handle(e->multi, call->easy);
		if (!e->closing && e->npool < HTTP_POOL_MAX) {
			curl_easy_reset(call->easy);
			e->pool[e->npool++] = call->easy;
		} else {
			curl_easy_cleanup(call->easy);
		}
	}
	http__slist_free_wiped(call->hdrs);
	if (call->req_body != NULL) {
		xwipe(call->req_body, call->req_body_len);
		free(call->req_body);
	}
	buf_done_secret(&call->body);
	http__hv_reset(call);
	free(call);
}

/* --- completion ------------------------------------------------------------ */

static enum http_error
http__map_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_ERR_DNS;
	case CURLE_COULDNT_CONNECT:
		return HTTP_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return HTTP_ERR_TLS;
	case CURLE_SEND_ERROR:
		return HTTP_ERR_SEND;
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
		return HTTP_ERR_RECV;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_ERR_TOO_BIG;
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_HTTP3:
		return HTTP_ERR_PROTOCOL;
	default:
		return HTTP_ERR_OTHER;
	}
}

static double
http__ms(CURL *easy, CURLINFO what)
{
	curl_off_t us = 0;

	if (curl_easy_getinfo(easy, what, &us) != CURLE_OK)
		return 0;
	return (double)us / 1000.0;
}

static void
http__deliver(struct http_call *call, struct http_response *res, struct buf *msg)
{
	struct http_engine *e = call->e;

	res->message = msg->data;
	res->tag = call->tag;
	res->request_id = call->hv[HV_REQUEST_ID] != NULL ? call->hv[HV_REQUEST_ID] :
							       call->hv[HV_AMZ_REQUEST_ID];
	res->error_type = call->hv[HV_ERROR_TYPE];
	res->content_type = call->hv[HV_CONTENT_TYPE];
	res->retry_after = call->hv[HV_RETRY_AFTER];
	res->amz_retry_after = call->hv[HV_AMZ_RETRY_AFTER];
	res->date = call->hv[HV_DATE];
	res->body = call->body.data;
	res->body_len = call->body.len;
	if (res->error == HTTP_OK)
		e->st.completed++;
	else
		e->st.failed++;
	call->cb(res, call->arg);
}

/* A transfer curl finished: rc is the copied CURLcode. */
static void
http__finish(struct http_call *call, CURLcode rc)
{
	CURL *easy = call->easy;
	struct http_response res;
	struct buf msg;
	long v = 0;
	curl_off_t up = 0;

	memset(&res, 0, sizeof res);
	buf_init(&msg);
	res.error = http__map_code(rc);
	if (call->too_big)
		res.error = HTTP_ERR_TOO_BIG;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &res.status);
	if (curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &v) == CURLE_OK) {
		res.http_version = v == CURL_HTTP_VERSION_1_0 ? 10 :
		    v == CURL_HTTP_VERSION_1_1		      ? 11 :
		    v == CURL_HTTP_VERSION_2_0		      ? 20 :
							0;
	}
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &res.new_connections);
	res.t.dns = http__ms(easy, CURLINFO_NAMELOOKUP_TIME_T);
	res.t.connect = http__ms(easy, CURLINFO_CONNECT_TIME_T);
	res.t.tls = http__ms(easy, CURLINFO_APPCONNECT_TIME_T);
	res.t.first_byte = http__ms(easy, CURLINFO_STARTTRANSFER_TIME_T);
	res.t.total = http__ms(easy, CURLINFO_TOTAL_TIME_T);
	if (curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK && up > 0)
		call->e->st.bytes_sent += (uint64_t)up;
	call->e->st.bytes_received += call->body.len;
	call->e->st.connections += (uint64_t)(res.new_connections > 0 ? res.new_connections : 0);
	curl_multi_remove_handle(call->e->multi, easy);
	call->in_multi = 0;

	if (call->sock_err != 0 && (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)) {
		/* A poll error once the request was out breaks the answer: recv. */
		long sent = 0;

		curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
		res.error = sent > 0 ? HTTP_ERR_RECV : HTTP_ERR_SEND;
		buf_printf(&msg, "%s: connection failed: %s", call->host, strerror(call->sock_err));
	} else if (res.error == HTTP_ERR_TOO_BIG) {
		buf_printf(&msg, "%s: answer larger than the %zu-byte cap", call->host,
		    call->e->cfg.body_cap);
	} else if (res.error == HTTP_ERR_TIMEOUT && call->deadline_cut) {
		buf_printf(&msg, "%s: deadline passed (%s)", call->host,
		    call->errbuf[0] != '\0' ? call->errbuf : curl_easy_strerror(rc));
	} else if (res.error != HTTP_OK) {
		buf_printf(&msg, "%s: %s", call->host,
		    call->errbuf[0] != '\0' ? call->errbuf : curl_easy_strerror(rc));
	}
	http__deliver(call, &res, &msg);
	buf_done(&msg);
	http__call_free(call);
}

static void
http__check_done(struct http_engine *e)
{
	CURLMsg *m;
	int left;

	for (;;) {
		struct http_call *call;
		char *priv = NULL;
		CURLcode rc;
		CURL *easy;

		m = curl_multi_info_read(e->multi, &left);
		if (m == NULL)
			break;
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		rc = m->data.result; /* copy: m dies with the handle's removal */
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		call = (struct http_call *)(void *)priv;
		if (call == NULL) {
			curl_multi_remove_handle(e->multi, easy);
			continue;
		}
		http__finish(call, rc);
	}
}

/* --- deferred completions --------------------------------------------------- */

static void
http__deliver_deferred(struct http_call *call)
{
	struct http_response res;
	struct buf msg;

	memset(&res, 0, sizeof res);
	buf_init(&msg);
	res.error = call->derr;
	if (call->derr == HTTP_ERR_CANCELLED)
		buf_printf(&msg, "%s: cancelled", call->host);
	else
		buf_printf(&msg, "%s: deadline passed before the request could start", call->host);
	http__deliver(call, &res, &msg);
	buf_done(&msg);
	http__call_free(call);
}

static void
http__idle_cb(uv_idle_t *h)
{
	struct http_engine *e = h->data;
	struct http_call *list = e->dhead;

	uv_idle_stop(&e->idle);
	e->dhead = e->dtail = NULL;
	while (list != NULL) {
		struct http_call *call = list;

		list = call->dnext;
		http__deliver_deferred(call);
	}
}

static void
http__defer(struct http_call *call, enum http_error err)
{
	struct http_engine *e = call->e;

	if (call->in_multi) {
		curl_multi_remove_handle(e->multi, call->easy);
		call->in_multi = 0;
	}
	call->derr = err;
	call->deferred = 1;
	call->dnext = NULL;
	if (e->dtail != NULL)
		e->dtail->dnext = call;
	else
		e->dhead = call;
	e->dtail = call;
	uv_idle_start(&e->idle, http__idle_cb);
}

/* --- the engine ------------------------------------------------------------- */

/*
 * The connection pool never takes the descriptors the rest of the program
 * needs: at most the soft RLIMIT_NOFILE less HTTP_FD_RESERVE (half the limit
 * when it is that small). Found with `ulimit -n 256` and --concurrency 1024:
 * the pool kept every descriptor and the cache could not be saved.
 */
static unsigned
http__fd_cap(unsigned want)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return want;
	room = rl.rlim_cur > 2 * HTTP_FD_RESERVE ? rl.rlim_cur - HTTP_FD_RESERVE :
						   rl.rlim_cur / 2;
	if (room < 1)
		room = 1;
	return (rlim_t)want < room ? want : (unsigned)room;
}

struct http_engine *
http_engine_new(uv_loop_t *loop, const struct http_config *cfg, char **cause)
{
	struct http_engine *e;
	FILE *f;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		if (cause != NULL)
			*cause = xstrdup("libcurl could not be initialised");
		return NULL;
	}
	e = xcalloc(1, sizeof *e);
	e->loop = loop;
	if (cfg != NULL)
		e->cfg = *cfg;
	if (e->cfg.max_connections == 0)
		e->cfg.max_connections = HTTP_DEF_MAX_CONN;
	if (e->cfg.max_host_connections == 0 ||
	    e->cfg.max_host_connections > e->cfg.max_connections)
		e->cfg.max_host_connections = e->cfg.max_connections;
	if (e->cfg.connect_timeout_s == 0)
		e->cfg.connect_timeout_s = HTTP_DEF_CONNECT_S;
	if (e->cfg.low_speed_time_s == 0)
		e->cfg.low_speed_time_s = HTTP_DEF_LOW_SPEED_S;
	if (e->cfg.low_speed_limit == 0)
		e->cfg.low_speed_limit = HTTP_DEF_LOW_SPEED;
	if (e->cfg.body_cap == 0)
		e->cfg.body_cap = HTTP_DEF_BODY_CAP;
	if (e->cfg.ca_bundle != NULL && e->cfg.ca_bundle[0] != '\0') {
		f = fopen(e->cfg.ca_bundle, "r");
		if (f == NULL) {
			if (cause != NULL)
				*cause = xasprintf("CA bundle %s: %s", e->cfg.ca_bundle,
				    strerror(errno));
			free(e);
			curl_global_cleanup();
			return NULL;
		}
		fclose(f);
		e->ca_bundle = xstrdup(e->cfg.ca_bundle);
	}
	e->cfg.ca_bundle = e->ca_bundle;
	e->user_agent = e->cfg.user_agent != NULL ? xstrdup(e->cfg.user_agent) :
						    xstrdup("orgtop/" ORGTOP_VERSION);
	e->cfg.user_agent = e->user_agent;
	e->cfg.max_connections = http__fd_cap(e->cfg.max_connections);
	if (e->cfg.max_host_connections > e->cfg.max_connections)
		e->cfg.max_host_connections = e->cfg.max_connections;
	e->pool = xcalloc(HTTP_POOL_MAX, sizeof *e->pool);

	e->share = curl_share_init();
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	e->multi = curl_multi_init();
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, http__socket_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, http__timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)e->cfg.max_connections);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)e->cfg.max_host_connections);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->cfg.max_connections);
	curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);

	uv_timer_init(loop, &e->timer);
	e->timer.data = e;
	uv_idle_init(loop, &e->idle);
	e->idle.data = e;
	return e;
}

static void
http__engine_close_cb(uv_handle_t *h)
{
	struct http_engine *e = h->data;

	if (--e->closes_pending > 0)
		return;
	free(e);
	curl_global_cleanup();
}

void
http_engine_free(struct http_engine *e)
{
	if (e == NULL)
		return;
	/* Every call still alive (on the wire or deferred) ends now, cancelled. */
	e->dhead = e->dtail = NULL;
	while (e->calls != NULL) {
		struct http_call *call = e->calls;

		if (call->in_multi) {
			curl_multi_remove_handle(e->multi, call->easy);
			call->in_multi = 0;
		}
		call->derr = HTTP_ERR_CANCELLED;
		http__deliver_deferred(call);
	}
	e->closing = 1;
	uv_timer_stop(&e->timer);
	uv_idle_stop(&e->idle);
	curl_multi_cleanup(e->multi); /* may call the socket callback: socks still valid */
	while (e->socks != NULL)
		http__sock_close(e, e->socks);
	for (size_t i = 0; i < e->npool; i++)
		curl_easy_cleanup(e->pool[i]);
	free(e->pool);
	curl_share_cleanup(e->share);
	free(e->ca_bundle);
	free(e->user_agent);
	e->closes_pending = 2;
	uv_close((uv_handle_t *)&e->timer, http__engine_close_cb);
	uv_close((uv_handle_t *)&e->idle, http__engine_close_cb);
}

uv_loop_t *
http_engine_loop(const struct http_engine *e)
{
	return e->loop;
}

void
http_engine_stats(const struct http_engine *e, struct http_stats *out)
{
	*out = e->st;
}

/* --- requests ----------------------------------------------------------------- */

static int
http__bad_text(const char *s)
{
	return s == NULL || strchr(s, '\r') != NULL || strchr(s, '\n') != NULL;
}

static int
http__validate(const struct http_request *req, char **cause)
{
	const char *why = NULL;

	if (req->method == NULL || req->method[0] == '\0' ||
	    strspn(req->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(req->method))
		why = "the method is missing or not an upper-case token";
	else if (req->url == NULL || (strncmp(req->url, "https://", 8) != 0 &&
					     strncmp(req->url, "http://", 7) != 0))
		why = "the URL is not http:// or https://";
	else if (http__bad_text(req->url) || strchr(req->url, ' ') != NULL)
		why = "the URL contains a space or a line break";
	else if (req->body_len > 0 && req->body == NULL)
		why = "body_len is set without a body";
	for (size_t i = 0; why == NULL && i < req->nheaders; i++) {
		const char *n = req->headers[i].name;

		if (n == NULL || n[0] == '\0' || strchr(n, ':') != NULL || strchr(n, ' ') != NULL ||
		    http__bad_text(n) || http__bad_text(req->headers[i].value))
			why = "a header name or value is empty or contains ':', a space or a line break";
	}
	if (why == NULL)
		return 0;
	if (cause != NULL)
		*cause = xasprintf("bad HTTP request: %s", why);
	return -1;
}

static void
http__host_of(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://"), *end;
	size_t n;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	n = (size_t)(end - p);
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static struct curl_slist *
http__headers(const struct http_request *req, int body_mode)
{
	struct curl_slist *l = NULL;
	int has_ct = 0;
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];

		if (util_strcasecmp(h->name, "content-type") == 0)
			has_ct = 1;
		buf_reset(&b);
		/* "Name;" sends an empty value; "Name:" would delete the header. */
		if (h->value[0] == '\0')
			buf_printf(&b, "%s;", h->name);
		else
			buf_printf(&b, "%s: %s", h->name, h->value);
		l = curl_slist_append(l, b.data);
	}
	if (body_mode && !has_ct)
		l = curl_slist_append(l, "Content-Type:");
	l = curl_slist_append(l, "Expect:");
	buf_done_secret(&b);
	if (l == NULL)
		abort(); /* curl_slist_append fails only when out of memory */
	return l;
}

static void
http__setopts(struct http_engine *e, struct http_call *call, const struct http_request *req,
    int body_mode)
{
	CURL *h = call->easy;
	const struct http_config *cfg = &e->cfg;
	long timeout_ms = (long)(req->timeout_ms != 0 ? req->timeout_ms : cfg->timeout_s * 1000u);
	long connect_ms = (long)(req->connect_timeout_ms != 0 ? req->connect_timeout_ms :
								  cfg->connect_timeout_s * 1000u);

	if (req->deadline_ms != 0) {
		uint64_t now = util_monotonic_ms();
		long left = req->deadline_ms > now ? (long)(req->deadline_ms - now) : 1;

		if (timeout_ms == 0 || left < timeout_ms) {
			timeout_ms = left;
			call->deadline_cut = 1;
		}
	}
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)call);
	curl_easy_setopt(h, CURLOPT_SHARE, e->share);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
	    cfg->http1_only ? (long)CURL_HTTP_VERSION_1_1 : (long)CURL_HTTP_VERSION_2TLS);
	/*
	 * Wait for a connection that may multiplex only over TLS, where ALPN
	 * says so during the handshake. Over plain http:// curl learns it only
	 * from the first answer, so a first request that hangs would hold every
	 * other request to that host behind it.
	 */
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, strncmp(req->url, "https://", 8) == 0 ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (e->ca_bundle != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, e->ca_bundle);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)cfg->low_speed_limit);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)cfg->low_speed_time_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->body_cap);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http__write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, call);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http__header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, call);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, call->errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, e->user_agent);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, call->hdrs);
	if (req->flags & HTTP_NO_PROXY)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (req->flags & HTTP_FRESH_CONN) {
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
	if (strcmp(req->method, "GET") == 0 && !body_mode) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (body_mode) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->req_body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, call->req_body != NULL ? call->req_body : "");
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	}
}

struct http_call *
http_send(struct http_engine *e, const struct http_request *req, http_done_cb cb, void *arg,
    char **cause)
{
	struct http_call *call;
	int body_mode;
	CURLMcode mc;

	if (http__validate(req, cause) < 0)
		return NULL;
	call = xcalloc(1, sizeof *call);
	call->e = e;
	call->cb = cb;
	call->arg = arg;
	call->tag = req->tag;
	buf_init(&call->body);
	http__host_of(req->url, call->host, sizeof call->host);
	body_mode = req->body_len > 0 || strcmp(req->method, "POST") == 0 ||
	    strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;
	if (req->body_len > 0) {
		call->req_body = xmalloc(req->body_len);
		memcpy(call->req_body, req->body, req->body_len);
		call->req_body_len = req->body_len;
	}
	call->hdrs = http__headers(req, body_mode);
	call->next = e->calls;
	if (e->calls != NULL)
		e->calls->prev = call;
	e->calls = call;
	e->st.inflight++;
	e->st.requests++;
	call->easy = e->npool > 0 ? e->pool[--e->npool] : curl_easy_init();
	if (call->easy == NULL)
		abort(); /* curl_easy_init fails only when out of memory */

	if (req->deadline_ms != 0 && req->deadline_ms <= util_monotonic_ms()) {
		http__defer(call, HTTP_ERR_TIMEOUT);
		return call;
	}
	http__setopts(e, call, req, body_mode);
	mc = curl_multi_add_handle(e->multi, call->easy);
	if (mc != CURLM_OK) {
		if (cause != NULL)
			*cause = xasprintf("%s: cannot start the request: %s", call->host,
			    curl_multi_strerror(mc));
		call->cb = NULL;
		e->st.requests--;
		http__call_free(call);
		return NULL;
	}
	call->in_multi = 1;
	return call;
}

void
http_cancel(struct http_engine *e, struct http_call *call)
{
	if (call == NULL || call->deferred || call->e != e)
		return;
	http__defer(call, HTTP_ERR_CANCELLED);
}

unsigned
http_cancel_tag(struct http_engine *e, uint64_t tag)
{
	unsigned n = 0;

	if (tag == 0)
		return 0;
	for (struct http_call *call = e->calls; call != NULL; call = call->next) {
		if (call->tag != tag || call->deferred)
			continue;
		http__defer(call, HTTP_ERR_CANCELLED);
		n++;
	}
	return n;
}
