/*
 * testsrv.c: a misbehaving HTTP(S) server for unit tests (libmicrohttpd).
 */
#include "testsrv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/buf.h"
#include "core/xmalloc.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result;
#else
typedef enum MHD_Result MHD_Result;
#endif

struct testsrv {
	struct MHD_Daemon *d;
	pthread_mutex_t *mup; /* &mu, for the const accessors */
	testsrv_handler h;
	void *arg;
	char url[64];
	unsigned short port;
	pthread_mutex_t mu;
	unsigned nconn, nreq;
	volatile int stopping;
	char *cert, *key;
};

/* One request in progress. */
struct tsreq {
	struct testsrv *srv;
	char *uri; /* raw, with the query */
	struct buf body;
	int started;
};

/* The body generator of a response with a behaviour. */
struct tsgen {
	struct testsrv *srv;
	enum testsrv_mode mode;
	char *body;
	size_t body_len;
	unsigned drip_ms;
	size_t cut_at;
	uint64_t huge_len;
	int fd;
};

static void
ts_fail(const char *what)
{
	fprintf(stderr, "testsrv: %s\n", what);
	abort();
}

/* Sleeps ms in small steps; returns -1 if the server is stopping. */
static int
ts_sleep(struct testsrv *srv, unsigned ms)
{
	while (ms > 0) {
		unsigned step = ms < 10 ? ms : 10;
		struct timespec ts = { 0, (long)step * 1000000L };

		if (srv->stopping)
			return -1;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return srv->stopping ? -1 : 0;
}

void
testsrv_resp_bodyn(struct testsrv_resp *rs, const char *body, size_t len)
{
	free(rs->body);
	rs->body = xmalloc(len + 1);
	memcpy(rs->body, body, len);
	rs->body[len] = '\0';
	rs->body_len = len;
}

void
testsrv_resp_body(struct testsrv_resp *rs, const char *body)
{
	testsrv_resp_bodyn(rs, body, strlen(body));
}

void
testsrv_resp_header(struct testsrv_resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= TESTSRV_MAX_HEADERS)
		ts_fail("too many headers");
	snprintf(rs->headers[rs->nheaders].name, sizeof rs->headers[0].name, "%s", name);
	snprintf(rs->headers[rs->nheaders].value, sizeof rs->headers[0].value, "%s", value);
	rs->nheaders++;
}

const char *
testsrv_req_header(const struct testsrv_req *rq, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);

	for (const char *p = rq->headers; *p != '\0';) {
		const char *eol = strchr(p, '\n');

		if (eol == NULL)
			break;
		if ((size_t)(eol - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n;

			while (*v == ' ')
				v++;
			n = (size_t)(eol - v);
			if (n >= len)
				n = len - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return out;
		}
		p = eol + 1;
	}
	return NULL;
}

static MHD_Result
ts_header_it(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;

	(void)kind;
	for (const char *k = key; *k != '\0'; k++)
		buf_addc(b, (char)tolower((unsigned char)*k));
	buf_printf(b, ": %s\n", value != NULL ? value : "");
	return MHD_YES;
}

static ssize_t
ts_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct tsgen *g = cls;
	size_t n;

	switch (g->mode) {
	case TS_SLOW:
		if (pos >= g->body_len)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (ts_sleep(g->srv, g->drip_ms) < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		out[0] = g->body[pos];
		return 1;
	case TS_RESET:
	case TS_CLOSE_EARLY:
		if (pos >= g->cut_at) {
			if (g->mode == TS_RESET && g->fd >= 0) {
				struct linger lg = { 1, 0 };

				setsockopt(g->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
				shutdown(g->fd, SHUT_RDWR);
			}
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		n = g->cut_at - (size_t)pos;
		if (n > max)
			n = max;
		memcpy(out, g->body + pos, n);
		return (ssize_t)n;
	case TS_HUGE:
		if (pos >= g->huge_len)
			return MHD_CONTENT_READER_END_OF_STREAM;
		n = g->huge_len - pos < max ? (size_t)(g->huge_len - pos) : max;
		memset(out, 'x', n);
		return (ssize_t)n;
	default:
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
}

static void
ts_gen_free(void *cls)
{
	struct tsgen *g = cls;

	free(g->body);
	free(g);
}

static MHD_Result
ts_respond(struct MHD_Connection *conn, struct testsrv *srv, struct testsrv_resp *rs)
{
	struct MHD_Response *r;
	MHD_Result ret;

	if (rs->mode == TS_NORMAL) {
		static char empty[1];

		r = MHD_create_response_from_buffer(rs->body_len, rs->body != NULL ? rs->body : empty,
		    MHD_RESPMEM_MUST_COPY);
	} else {
		struct tsgen *g = xcalloc(1, sizeof *g);
		const union MHD_ConnectionInfo *ci;
		uint64_t size;

		g->srv = srv;
		g->mode = rs->mode;
		g->body = rs->body;
		g->body_len = rs->body_len;
		rs->body = NULL;
		g->drip_ms = rs->drip_ms;
		g->cut_at = rs->cut_at < g->body_len ? rs->cut_at : g->body_len;
		g->huge_len = rs->huge_len;
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		g->fd = ci != NULL ? ci->connect_fd : -1;
		size = rs->mode == TS_HUGE ? (rs->huge_chunked ? MHD_SIZE_UNKNOWN : rs->huge_len) :
					     g->body_len;
		r = MHD_create_response_from_callback(size, 64 * 1024, ts_reader, g, ts_gen_free);
	}
	if (r == NULL)
		ts_fail("cannot create a response");
	for (size_t i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	if (rs->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, (unsigned)(rs->status != 0 ? rs->status : 200), r);
	MHD_destroy_response(r);
	return ret;
}

static MHD_Result
ts_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct testsrv *srv = cls;
	struct tsreq *rq = *con_cls;
	struct testsrv_req req;
	struct testsrv_resp rs;
	const union MHD_ConnectionInfo *ci;
	struct buf hdrs;
	const char *q;
	char *raw_path;
	MHD_Result ret;

	(void)version;
	if (rq == NULL)
		ts_fail("no request context");
	if (!rq->started) {
		rq->started = 1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		buf_add(&rq->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&srv->mu);
	memset(&req, 0, sizeof req);
	req.seq = ++srv->nreq;
	pthread_mutex_unlock(&srv->mu);
	buf_init(&hdrs);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, ts_header_it, &hdrs);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	req.conn = ci != NULL ? (unsigned)(uintptr_t)ci->socket_context : 0;
	req.method = method;
	req.path = url;
	q = strchr(rq->uri, '?');
	req.query = q != NULL ? q + 1 : "";
	raw_path = xstrndup(rq->uri, q != NULL ? (size_t)(q - rq->uri) : strlen(rq->uri));
	req.raw_path = raw_path;
	req.headers = hdrs.data;
	req.body = rq->body.data;
	req.body_len = rq->body.len;
	memset(&rs, 0, sizeof rs);
	rs.status = 200;
	srv->h(&req, &rs, srv->arg);
	buf_done(&hdrs);
	free(raw_path);
	if (rs.delay_ms > 0 && ts_sleep(srv, rs.delay_ms) < 0) {
		free(rs.body);
		return MHD_NO;
	}
	if (rs.mode == TS_HANG) {
		while (ts_sleep(srv, 50) == 0)
			;
		free(rs.body);
		return MHD_NO;
	}
	ret = ts_respond(conn, srv, &rs);
	free(rs.body);
	return ret;
}

static void *
ts_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct tsreq *rq = xcalloc(1, sizeof *rq);

	(void)conn;
	rq->srv = cls;
	rq->uri = xstrdup(uri);
	buf_init(&rq->body);
	return rq;
}

static void
ts_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct tsreq *rq = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (rq == NULL)
		return;
	free(rq->uri);
	buf_done(&rq->body);
	free(rq);
	*con_cls = NULL;
}

static void
ts_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct testsrv *srv = cls;

	(void)conn;
	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&srv->mu);
	*socket_context = (void *)(uintptr_t)++srv->nconn;
	pthread_mutex_unlock(&srv->mu);
}

/* buf_done() after buf_detach() is a no-op; kept for older semantics. */
static char *
ts_detach(struct buf *b)
{
	char *p = buf_detach(b);

	buf_done(b);
	return p;
}

static char *
ts_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	for (;;) {
		n = fread(tmp, 1, sizeof tmp, f);
		if (n == 0)
			break;
		buf_add(&b, tmp, n);
	}
	fclose(f);
	return ts_detach(&b);
}

static struct testsrv *
ts_start(testsrv_handler h, void *arg, const char *cert_file, const char *key_file,
    const char *prio)
{
	struct testsrv *srv = xcalloc(1, sizeof *srv);
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;

	srv->h = h;
	srv->arg = arg;
	pthread_mutex_init(&srv->mu, NULL);
	srv->mup = &srv->mu;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (cert_file != NULL) {
		srv->cert = ts_slurp(cert_file);
		srv->key = ts_slurp(key_file);
		if (srv->cert == NULL || srv->key == NULL)
			ts_fail("cannot read the TLS cert or key");
		srv->d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, ts_access, srv,
		    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_URI_LOG_CALLBACK, ts_uri_log, srv,
		    MHD_OPTION_NOTIFY_COMPLETED, ts_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
		    ts_conn, srv, MHD_OPTION_HTTPS_MEM_CERT, srv->cert, MHD_OPTION_HTTPS_MEM_KEY,
		    srv->key, MHD_OPTION_HTTPS_PRIORITIES, prio != NULL ? prio : "NORMAL",
		    MHD_OPTION_END);
	} else {
		srv->d = MHD_start_daemon(flags, 0, NULL, NULL, ts_access, srv, MHD_OPTION_SOCK_ADDR,
		    &sa, MHD_OPTION_URI_LOG_CALLBACK, ts_uri_log, srv, MHD_OPTION_NOTIFY_COMPLETED,
		    ts_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, ts_conn, srv, MHD_OPTION_END);
	}
	if (srv->d == NULL)
		ts_fail("MHD_start_daemon failed");
	di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	if (di == NULL || di->port == 0)
		ts_fail("no port");
	srv->port = di->port;
	snprintf(srv->url, sizeof srv->url, "%s://127.0.0.1:%u", cert_file != NULL ? "https" : "http",
	    (unsigned)srv->port);
	return srv;
}

struct testsrv *
testsrv_start(testsrv_handler h, void *arg)
{
	return ts_start(h, arg, NULL, NULL, NULL);
}

struct testsrv *
testsrv_start_tls(testsrv_handler h, void *arg, const char *cert_file, const char *key_file,
    const char *priorities)
{
	return ts_start(h, arg, cert_file, key_file, priorities);
}

void
testsrv_stop(struct testsrv *srv)
{
	if (srv == NULL)
		return;
	srv->stopping = 1;
	MHD_stop_daemon(srv->d);
	pthread_mutex_destroy(&srv->mu);
	free(srv->cert);
	free(srv->key);
	free(srv);
}

const char *
testsrv_url(const struct testsrv *srv)
{
	return srv->url;
}

unsigned short
testsrv_port(const struct testsrv *srv)
{
	return srv->port;
}

unsigned
testsrv_connections(const struct testsrv *srv)
{
	unsigned n;

	pthread_mutex_lock(srv->mup);
	n = srv->nconn;
	pthread_mutex_unlock(srv->mup);
	return n;
}

unsigned
testsrv_requests(const struct testsrv *srv)
{
	unsigned n;

	pthread_mutex_lock(srv->mup);
	n = srv->nreq;
	pthread_mutex_unlock(srv->mup);
	return n;
}

unsigned short
testsrv_closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned short port;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		ts_fail("cannot find a free port");
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

const char *
testsrv_data_dir(void)
{
	static char dir[4096];
	const char *root = getenv("ORGTOP_ROOT");

	if (dir[0] == '\0')
		snprintf(dir, sizeof dir, "%s/tests/data", root != NULL && root[0] != '\0' ? root : ".");
	return dir;
}

char *
testsrv_read_data(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	struct buf b;
	char tmp[8192];
	size_t n;

	snprintf(path, sizeof path, "%s/%s", testsrv_data_dir(), rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf_init(&b);
	for (;;) {
		n = fread(tmp, 1, sizeof tmp, f);
		if (n == 0)
			break;
		buf_add(&b, tmp, n);
	}
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return ts_detach(&b);
}
