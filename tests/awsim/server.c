/*
 * server.c: libmicrohttpd glue, delayed and never-sent answers, transport
 * faults.
 */
#include "tests/awsim/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/call.h"
#include "tests/awsim/route.h"

#define BODY_MAX (1 << 20)

enum { PH_NEW, PH_BODY, PH_DELAYED, PH_HELD, PH_CLOSE };

struct req {
	struct server *srv;
	struct MHD_Connection *conn;
	char *uri;
	char method[16];
	struct buf body;
	int too_big;
	int phase;
	/* The prepared answer, while delayed. */
	int status;
	char *resp;
	size_t resp_len;
	char ctype[64];
	char errtype[160];
	char request_id[40];
	struct fault_dec d;
	uint64_t due;
	int in_timer; /* in the heap or the held list */
	struct req *next_held;
};

struct server {
	struct awsim *sim;
	struct MHD_Daemon *d;
	int fd;
	int port;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t timer;
	int timer_started;
	int stopping;
	struct req **heap;
	size_t nheap, capheap;
	struct req *held; /* blackholed: resumed only when the client leaves */
	atomic_ullong seq;
};

/* The min-heap of delayed requests, by due time. Caller holds mu. */
static void
heap_push(struct server *s, struct req *r)
{
	size_t i;

	if (s->nheap == s->capheap) {
		s->capheap = s->capheap ? s->capheap * 2 : 64;
		s->heap = xreallocarray(s->heap, s->capheap, sizeof(*s->heap));
	}
	i = s->nheap++;
	while (i > 0 && s->heap[(i - 1) / 2]->due > r->due) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = r;
}

static struct req *
heap_pop(struct server *s)
{
	struct req *top = s->heap[0], *last = s->heap[--s->nheap];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->nheap && s->heap[l]->due < last->due)
			m = l;
		if (l + 1 < s->nheap && s->heap[l + 1]->due < (m == i ? last->due : s->heap[m]->due))
			m = l + 1;
		if (m == i)
			break;
		s->heap[i] = s->heap[m];
		i = m;
	}
	if (s->nheap)
		s->heap[i] = last;
	return top;
}

static int
peer_gone(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	char c;
	ssize_t n;

	if (!ci)
		return 1;
	n = recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void *
timer_main(void *arg)
{
	struct server *s = arg;
	uint64_t last_scan = 0;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		uint64_t now = util_monotonic_ms(), wait_ms = 200;
		struct timespec ts;

		while (s->nheap && s->heap[0]->due <= now) {
			struct req *r = heap_pop(s);
			r->in_timer = 0;
			MHD_resume_connection(r->conn);
		}
		if (now - last_scan >= 200) {
			struct req **pp = &s->held;
			last_scan = now;
			while (*pp) {
				struct req *r = *pp;
				if (peer_gone(r->conn)) {
					*pp = r->next_held;
					r->in_timer = 0;
					r->phase = PH_CLOSE;
					MHD_resume_connection(r->conn);
				} else
					pp = &r->next_held;
			}
		}
		if (s->nheap && s->heap[0]->due - now < wait_ms)
			wait_ms = s->heap[0]->due > now ? s->heap[0]->due - now : 0;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(wait_ms / 1000);
		ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	/* Shutting down: let every suspended connection go. */
	while (s->nheap) {
		struct req *r = heap_pop(s);
		r->in_timer = 0;
		r->phase = PH_CLOSE;
		MHD_resume_connection(r->conn);
	}
	while (s->held) {
		struct req *r = s->held;
		s->held = r->next_held;
		r->in_timer = 0;
		r->phase = PH_CLOSE;
		MHD_resume_connection(r->conn);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req *r = xcalloc(1, sizeof(*r));

	r->srv = cls;
	r->conn = conn;
	r->uri = xstrdup(uri ? uri : "/");
	buf_init(&r->body);
	return r;
}

static void
req_free(struct req *r)
{
	if (!r)
		return;
	free(r->uri);
	buf_done(&r->body);
	free(r->resp);
	free(r);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

/*
 * A connection is counted when it carries its first AWS request: the test's
 * own control calls (/_awsim/stats and the like) are not the client's.
 */
struct conn_ctx {
	int counted;
};

static void
notify_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)conn;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = xcalloc(1, sizeof(struct conn_ctx));
	} else {
		free(*socket_context);
		*socket_context = NULL;
	}
}

static void
count_conn(struct server *s, struct MHD_Connection *conn, const char *url)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_ctx *cc;

	if (strncmp(url, "/_awsim/", 8) == 0)
		return;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	cc = ci != NULL ? ci->socket_context : NULL;
	if (cc != NULL && !cc->counted) {
		cc->counted = 1;
		atomic_fetch_add(&s->sim->stats.connections, 1);
	}
}

struct hdr_ctx {
	struct call *c;
};

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct call *c = cls;

	(void)kind;
	if (c->nhdrs < CALL_MAX_HDRS) {
		c->hdrs[c->nhdrs].name = key;
		c->hdrs[c->nhdrs].value = value ? value : "";
		c->nhdrs++;
	}
	return MHD_YES;
}

static void
linger0(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct linger l = {1, 0};

	if (ci)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

struct cut_body {
	char *data;
	size_t len, cut;
};

static ssize_t
cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut_body *b = cls;
	size_t n;

	if (pos >= b->cut)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = b->cut - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, b->data + pos, n);
	return (ssize_t)n;
}

static void
cut_free(void *cls)
{
	struct cut_body *b = cls;

	free(b->data);
	free(b);
}

/* Sends the prepared answer of r, applying reset/truncate. */
static enum MHD_Result
send_answer(struct req *r)
{
	struct server *s = r->srv;
	struct MHD_Response *resp;
	enum MHD_Result rc;

	if (r->d.reset == 1) {
		atomic_fetch_add(&s->sim->stats.resets, 1);
		linger0(r->conn);
		return MHD_NO;
	}
	if (r->d.reset == 2 || r->d.truncate) {
		struct cut_body *b = xmalloc(sizeof(*b));
		b->data = r->resp;
		b->len = r->resp_len;
		b->cut = r->resp_len / 2;
		r->resp = NULL;
		if (r->d.reset == 2) {
			atomic_fetch_add(&s->sim->stats.resets, 1);
			linger0(r->conn);
		} else
			atomic_fetch_add(&s->sim->stats.truncated, 1);
		resp = MHD_create_response_from_callback(b->len ? b->len : 1, 4096, cut_reader, b,
		    cut_free);
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp, MHD_RESPMEM_MUST_FREE);
		r->resp = NULL;
	}
	if (!resp)
		return MHD_NO;
	if (r->ctype[0])
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	if (r->request_id[0])
		MHD_add_response_header(resp, "x-amzn-RequestId", r->request_id);
	if (r->errtype[0])
		MHD_add_response_header(resp, "X-Amzn-ErrorType", r->errtype);
	rc = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* Runs the call and keeps its answer in r. */
static void
process(struct req *r)
{
	struct server *s = r->srv;
	struct call c;
	char *q;

	memset(&c, 0, sizeof(c));
	c.sim = s->sim;
	c.org = s->sim->org;
	c.method = r->method;
	q = strchr(r->uri, '?');
	if (q)
		*q++ = 0;
	c.raw_path = r->uri;
	c.raw_query = q ? q : "";
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_header, &c);
	c.body = r->body.data;
	c.body_len = r->body.len;
	c.seq = atomic_fetch_add(&s->seq, 1);
	buf_init(&c.out);
	c.status = 500;
	if (r->too_big) {
		c.status = 413;
		c.ctype = "application/json";
		buf_adds(&c.out, "{\"message\":\"Request entity too large\"}");
	} else
		route_handle(&c, &r->d);
	r->status = c.status;
	if (c.status >= 500)
		atomic_fetch_add(&s->sim->stats.errors_5xx, 1);
	else if (c.status >= 400)
		atomic_fetch_add(&s->sim->stats.errors_4xx, 1);
	snprintf(r->ctype, sizeof(r->ctype), "%s", c.ctype ? c.ctype : "");
	snprintf(r->errtype, sizeof(r->errtype), "%s", c.errtype);
	if (c.svc || c.op)
		snprintf(r->request_id, sizeof(r->request_id), "%s", c.request_id);
	r->resp_len = c.out.len;
	r->resp = buf_detach(&c.out);
	call_done(&c);
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;

	(void)url;
	(void)version;
	if (!r) {
		r = uri_log(s, url, conn);
		*con_cls = r;
	}
	switch (r->phase) {
	case PH_NEW:
		count_conn(s, conn, url);
		snprintf(r->method, sizeof(r->method), "%s", method);
		r->phase = PH_BODY;
		return MHD_YES;
	case PH_BODY:
		if (*upload_data_size) {
			if (r->body.len + *upload_data_size > BODY_MAX)
				r->too_big = 1;
			else
				buf_add(&r->body, upload_data, *upload_data_size);
			*upload_data_size = 0;
			return MHD_YES;
		}
		process(r);
		if (r->d.blackhole || r->d.delay_ms > 0) {
			pthread_mutex_lock(&s->mu);
			if (s->stopping) {
				pthread_mutex_unlock(&s->mu);
				return MHD_NO;
			}
			MHD_suspend_connection(conn);
			r->in_timer = 1;
			if (r->d.blackhole) {
				r->phase = PH_HELD;
				r->next_held = s->held;
				s->held = r;
			} else {
				atomic_fetch_add(&s->sim->stats.delayed, 1);
				r->phase = PH_DELAYED;
				r->due = util_monotonic_ms() + (uint64_t)r->d.delay_ms;
				heap_push(s, r);
				pthread_cond_signal(&s->cv);
			}
			pthread_mutex_unlock(&s->mu);
			return MHD_YES;
		}
		return send_answer(r);
	case PH_DELAYED:
		return send_answer(r);
	default:
		return MHD_NO;
	}
}

static int
listen_socket(const char *host, int port, int *bound, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	char pstr[16];
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(pstr, sizeof(pstr), "%d", port);
	rc = getaddrinfo(host, pstr, &hints, &res);
	if (rc != 0) {
		*cause = xasprintf("--listen %s:%d: %s", host, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1024) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		*cause = xasprintf("--listen %s:%d: %s", host, port, strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &len);
		if (ss.ss_family == AF_INET6)
			*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	return fd;
}

struct server *
server_start(struct awsim *sim, const char *host, int port, int threads, char **cause)
{
	struct server *s = xcalloc(1, sizeof(*s));
	struct rlimit rl;
	unsigned limit = 1000;

	s->sim = sim;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->fd = listen_socket(host, port, &s->port, cause);
	if (s->fd < 0)
		goto fail;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 128)
		limit = (unsigned)(rl.rlim_cur > 60000 ? 60000 : rl.rlim_cur - 64);
	if (pthread_create(&s->timer, NULL, timer_main, s) != 0) {
		*cause = xasprintf("cannot start the timer thread");
		goto fail;
	}
	s->timer_started = 1;
	s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, access_handler, s,
	    MHD_OPTION_LISTEN_SOCKET, s->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 2),
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, s,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300,
	    MHD_OPTION_END);
	if (!s->d) {
		*cause = xasprintf("libmicrohttpd did not start on %s:%d", host, s->port);
		goto fail;
	}
	return s;
fail:
	server_stop(s);
	return NULL;
}

int
server_port(const struct server *s)
{
	return s->port;
}

void
server_stop(struct server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->timer_started)
		pthread_join(s->timer, NULL);
	if (s->d) {
		MHD_stop_daemon(s->d);
		s->fd = -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	free(s->heap);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
