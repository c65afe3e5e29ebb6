/*
 * creds_meta.c: credentials from a metadata endpoint on the machine: the
 * EC2 instance metadata service (IMDSv2 only) and the container
 * credentials endpoint (ECS, EKS Pod Identity).
 *
 * IMDSv2 (botocore IMDSFetcher): PUT /latest/api/token with the TTL header,
 * then the role name and its credentials with the token header. IMDSv1 is
 * never used: a refused token request is an error, not a fallback. The
 * endpoint is http://169.254.169.254 (or [fd00:ec2::254] in IPv6 mode, or
 * AWS_EC2_METADATA_SERVICE_ENDPOINT); 1 s timeout and 1 attempt by default
 * (AWS_METADATA_SERVICE_TIMEOUT, AWS_METADATA_SERVICE_NUM_ATTEMPTS).
 *
 * Container (botocore ContainerProvider, 1.43 rules): GET
 * http://169.254.170.2<AWS_CONTAINER_CREDENTIALS_RELATIVE_URI>, or
 * AWS_CONTAINER_CREDENTIALS_FULL_URI when it is https, loopback or one of the
 * ECS/EKS agent addresses; Authorization from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at each fetch) or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN, refused if it holds CR or LF. 2 s
 * timeout, 3 attempts 1 s apart.
 *
 * Requests bypass any proxy. A fetch is a job that owns its uv timer and
 * survives the provider (orphaned) until its callbacks are done.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/aws/creds_parse.h"
#include "core/buf.h"
#include "core/net/http.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define IMDS_DEFAULT         "http://169.254.169.254"
#define IMDS_DEFAULT_V6      "http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL       "21600"
#define CONTAINER_HOST       "http://169.254.170.2"
#define CONTAINER_TIMEOUT_MS 2000
#define CONTAINER_ATTEMPTS   3
#define CONTAINER_RETRY_MS   1000
/* What IAM allows in a role name (IMDS puts it into a URL path). */
#define IAM_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-"

enum meta_kind { META_IMDS, META_CONTAINER };
enum meta_step { STEP_TOKEN, STEP_ROLE, STEP_CREDS };

struct creds_meta;

struct creds_meta_job {
	struct creds_meta *owner; /* NULL once orphaned */
	struct http_call *call;   /* in flight, or NULL */
	uv_timer_t timer;         /* the pause between container attempts */
	int timer_closed;
	enum meta_step step;
	unsigned attempt;
	char *token; /* IMDS session token */
	char *role;
	char *auth; /* container Authorization value */
};

struct creds_meta {
	enum meta_kind kind;
	struct http_engine *http;
	char *base;  /* IMDS: scheme://host[:port]; container: the full URL */
	char *shown; /* scheme://host[:port] for messages (no path: it may be a secret) */
	unsigned timeout_ms;
	unsigned attempts;
	char *context; /* IMDS as the chain's last resort: what was searched before */
	struct creds_provider *p;
	struct creds_meta_job *job;
};

static void creds_meta_send(struct creds_meta_job *job);

static void
creds_meta_job_free(struct creds_meta_job *job)
{
	xfree_secret(job->token);
	free(job->role);
	xfree_secret(job->auth);
	free(job);
}

static void
creds_meta_timer_close_cb(uv_handle_t *h)
{
	struct creds_meta_job *job = h->data;

	job->timer_closed = 1;
	if (job->call == NULL)
		creds_meta_job_free(job);
}

/* Ends the job: its timer closes, and it frees itself when nothing is pending. */
static void
creds_meta_job_end(struct creds_meta_job *job)
{
	if (job->owner != NULL)
		job->owner->job = NULL;
	job->owner = NULL;
	uv_timer_stop(&job->timer);
	if (!uv_is_closing((uv_handle_t *)&job->timer))
		uv_close((uv_handle_t *)&job->timer, creds_meta_timer_close_cb);
}

static void
creds_meta_fail(struct creds_meta_job *job, const char *why)
{
	struct creds_meta *m = job->owner;
	struct buf msg;

	buf_init(&msg);
	if (m->context != NULL)
		buf_printf(&msg, "%s, and the EC2 instance metadata service at %s ", m->context,
		           m->shown);
	else if (m->kind == META_IMDS)
		buf_printf(&msg, "EC2 instance metadata (IMDSv2) at %s ", m->shown);
	else
		buf_printf(&msg, "container credentials from %s: ", m->shown);
	buf_adds(&msg, why);
	creds_meta_job_end(job);
	creds__fetch_done(m->p, NULL, msg.data, 0);
	buf_done(&msg);
}

/* A short reason for a transport failure or a status. */
static void
creds_meta_why(const struct http_response *res, char *out, size_t len)
{
	if (res->error != HTTP_OK)
		snprintf(out, len, "%s",
		         res->message[0] != '\0' ? res->message : http_error_name(res->error));
	else
		snprintf(out, len, "HTTP %ld", res->status);
}

static void
creds_meta_retry_cb(uv_timer_t *t)
{
	creds_meta_send(t->data);
}

/* Another attempt at the current step, or the failure. */
static void
creds_meta_again(struct creds_meta_job *job, const struct http_response *res)
{
	struct creds_meta *m = job->owner;
	char why[256];

	if (++job->attempt < m->attempts) {
		if (m->kind == META_CONTAINER)
			uv_timer_start(&job->timer, creds_meta_retry_cb, CONTAINER_RETRY_MS, 0);
		else
			creds_meta_send(job);
		return;
	}
	creds_meta_why(res, why, sizeof why);
	if (m->kind == META_CONTAINER) {
		creds_meta_fail(job, why);
	} else if (job->step == STEP_ROLE && res->error == HTTP_OK && res->status == 404) {
		creds_meta_fail(job, "has no IAM role for this instance");
	} else {
		char *msg =
		    xasprintf(job->step == STEP_TOKEN ? "did not answer (%s)" : "failed: %s", why);

		creds_meta_fail(job, msg);
		free(msg);
	}
}

static void
creds_meta_got_creds(struct creds_meta_job *job, const struct http_response *res)
{
	struct creds_meta *m = job->owner;
	struct creds *c = NULL;
	char *cause = NULL;

	if (creds_parse_metadata(res->body, res->body_len, &c, &cause) < 0) {
		creds_meta_fail(job, cause);
		free(cause);
		return;
	}
	creds_meta_job_end(job);
	creds__fetch_done(m->p, c, NULL, 0);
}

static void
creds_meta_cb(const struct http_response *res, void *arg)
{
	struct creds_meta_job *job = arg;
	struct creds_meta *m = job->owner;

	job->call = NULL;
	if (m == NULL) {
		if (job->timer_closed)
			creds_meta_job_free(job);
		return;
	}
	if (res->error != HTTP_OK || res->status != 200) {
		/* 400 to the token request is final (botocore's BadIMDSRequestError); 403/404/405
		 * mean IMDSv2 is refused, and orgtop never falls back to IMDSv1. */
		if (m->kind == META_IMDS && job->step == STEP_TOKEN && res->error == HTTP_OK) {
			char why[128];

			snprintf(
			    why, sizeof why,
			    "refused an IMDSv2 token (HTTP %ld); orgtop never falls back to IMDSv1",
			    res->status);
			creds_meta_fail(job, why);
			return;
		}
		creds_meta_again(job, res);
		return;
	}
	if (m->kind == META_CONTAINER || job->step == STEP_CREDS) {
		creds_meta_got_creds(job, res);
		return;
	}
	if (job->step == STEP_TOKEN) {
		job->token = xstrndup(res->body, res->body_len);
		job->step = STEP_ROLE;
	} else {
		size_t n = strcspn(res->body, "\r\n");

		if (n == 0) {
			creds_meta_again(job, res);
			return;
		}
		/* It goes into the next URL's path: only what IAM allows in a role name. */
		if (n > 64 || strspn(res->body, IAM_NAME_CHARS) < n) {
			creds_meta_fail(job, "answered a role name that is not an IAM role name");
			return;
		}
		job->role = xstrndup(res->body, n);
		job->step = STEP_CREDS;
	}
	job->attempt = 0;
	creds_meta_send(job);
}

static void
creds_meta_send(struct creds_meta_job *job)
{
	struct creds_meta *m = job->owner;
	struct http_header h[2];
	struct http_request req;
	struct buf url;
	char *cause = NULL;

	memset(&req, 0, sizeof req);
	buf_init(&url);
	req.flags = HTTP_NO_PROXY;
	req.connect_timeout_ms = m->timeout_ms;
	req.timeout_ms = m->timeout_ms;
	req.headers = h;
	if (m->kind == META_CONTAINER) {
		buf_adds(&url, m->base);
		req.method = "GET";
		h[0].name = "Accept";
		h[0].value = "application/json";
		req.nheaders = 1;
		if (job->auth != NULL) {
			h[1].name = "Authorization";
			h[1].value = job->auth;
			req.nheaders = 2;
		}
	} else if (job->step == STEP_TOKEN) {
		buf_printf(&url, "%s/latest/api/token", m->base);
		req.method = "PUT";
		h[0].name = "x-aws-ec2-metadata-token-ttl-seconds";
		h[0].value = IMDS_TOKEN_TTL;
		req.nheaders = 1;
	} else {
		buf_printf(&url, "%s/latest/meta-data/iam/security-credentials/%s", m->base,
		           job->step == STEP_CREDS ? job->role : "");
		req.method = "GET";
		h[0].name = "x-aws-ec2-metadata-token";
		h[0].value = job->token;
		req.nheaders = 1;
	}
	req.url = url.data;
	job->call = http_send(m->http, &req, creds_meta_cb, job, &cause);
	buf_done(&url);
	if (job->call == NULL) {
		creds_meta_fail(job, cause);
		free(cause);
	}
}

/* The container Authorization value for this fetch; -1 after reporting a problem. */
static int
creds_meta_container_auth(struct creds_meta_job *job)
{
	const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *env = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	if (file != NULL && *file != '\0') {
		struct buf b;
		char chunk[1024];
		ssize_t n;
		int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);

		if (fd < 0) {
			char *why =
			    xasprintf("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s",
			              file, strerror(errno));

			creds_meta_fail(job, why);
			free(why);
			return -1;
		}
		buf_init(&b);
		for (;;) {
			n = read(fd, chunk, sizeof chunk);
			if (n <= 0 || b.len > 16 * 1024)
				break;
			buf_add(&b, chunk, (size_t)n);
		}
		close(fd);
		xwipe(chunk, sizeof chunk);
		job->auth = xstrndup(b.data, b.len);
		buf_done_secret(&b);
	} else if (env != NULL) {
		job->auth = xstrdup(env);
	}
	if (job->auth != NULL && strpbrk(job->auth, "\r\n") != NULL) {
		creds_meta_fail(job, "the authorization token holds a CR or LF: refused");
		return -1;
	}
	return 0;
}

static void
creds_meta_fetch(struct creds_provider *p)
{
	struct creds_meta *m = creds__provider_impl(p);
	struct creds_meta_job *job = xcalloc(1, sizeof *job);

	m->p = p;
	job->owner = m;
	m->job = job;
	uv_timer_init(http_engine_loop(m->http), &job->timer);
	job->timer.data = job;
	if (m->kind == META_CONTAINER && creds_meta_container_auth(job) < 0)
		return;
	creds_meta_send(job);
}

static void
creds_meta_cancel(struct creds_provider *p)
{
	struct creds_meta *m = creds__provider_impl(p);
	struct creds_meta_job *job = m->job;
	struct http_call *call;

	if (job == NULL)
		return;
	call = job->call;
	creds_meta_job_end(job);
	/* Its callback follows from the loop and frees the orphan. */
	if (call != NULL)
		http_cancel(m->http, call);
}

static void
creds_meta_free(struct creds_provider *p)
{
	struct creds_meta *m = creds__provider_impl(p);

	creds_meta_cancel(p);
	free(m->base);
	free(m->shown);
	free(m->context);
	free(m);
}

static const struct creds_provider_ops creds_meta_ops = {
    .kind = "metadata",
    .fetch = creds_meta_fetch,
    .cancel = creds_meta_cancel,
    .free = creds_meta_free,
};

/* scheme://host[:port] of url, and the host alone (brackets kept for IPv6). */
static int
creds_meta_split_url(const char *url, char **shown, char **host, int *https)
{
	const char *h, *e, *he;

	if (strncmp(url, "http://", 7) == 0) {
		*https = 0;
		h = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		*https = 1;
		h = url + 8;
	} else {
		return -1;
	}
	e = h + strcspn(h, "/?#");
	if (e == h || memchr(h, '@', (size_t)(e - h)) != NULL)
		return -1;
	if (*h == '[') {
		he = memchr(h, ']', (size_t)(e - h));
		if (he == NULL)
			return -1;
		he++;
	} else {
		he = memchr(h, ':', (size_t)(e - h));
		if (he == NULL)
			he = e;
	}
	*shown = xstrndup(url, (size_t)(e - url));
	*host = xstrndup(h, (size_t)(he - h));
	return 0;
}

/* The FULL_URI host rule: loopback, or the ECS / EKS Pod Identity agents. */
static int
creds_meta_allowed_host(const char *host)
{
	static const char *const allowed[] = {
	    "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
	};
	unsigned a, b, c, d;
	char tail;

	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (util_strcasecmp(host, allowed[i]) == 0)
			return 1;
	/* 127.0.0.0/8 */
	if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
	    c < 256 && d < 256)
		return 1;
	return 0;
}

static struct creds_meta *
creds_meta_alloc(enum meta_kind kind, struct http_engine *http)
{
	struct creds_meta *m = xcalloc(1, sizeof *m);

	m->kind = kind;
	m->http = http;
	return m;
}

struct creds_provider *
creds__container_new(struct http_engine *http, char **cause)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct creds_meta *m;
	char *host = NULL, *shown = NULL;
	int https = 0;

	if (rel != NULL && *rel == '\0')
		rel = NULL;
	if (rel == NULL && (full == NULL || *full == '\0')) {
		*cause = xstrdup("no container credentials: neither "
		                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
		                 "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
		return NULL;
	}
	if (rel == NULL) {
		if (creds_meta_split_url(full, &shown, &host, &https) < 0) {
			*cause = xstrdup("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http:// or "
			                 "https:// URL with a host");
			return NULL;
		}
		if (!https && !creds_meta_allowed_host(host)) {
			*cause =
			    xasprintf("AWS_CONTAINER_CREDENTIALS_FULL_URI: host %s is not allowed "
			              "over plain http: use https, a loopback address, or the "
			              "ECS/EKS agent (169.254.170.2, 169.254.170.23, "
			              "fd00:ec2::23)",
			              host);
			free(host);
			free(shown);
			return NULL;
		}
		free(host);
	}
	m = creds_meta_alloc(META_CONTAINER, http);
	if (rel != NULL) {
		m->base = xasprintf("%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
		m->shown = xstrdup(CONTAINER_HOST);
	} else {
		m->base = xstrdup(full);
		m->shown = shown;
	}
	m->timeout_ms = CONTAINER_TIMEOUT_MS;
	m->attempts = CONTAINER_ATTEMPTS;
	return creds__provider_new(&creds_meta_ops, m, "container credentials");
}

/* Reads an unsigned setting from the environment, else the profile's value, else def. */
static int
creds_meta_setting(const char *env, const char *conf, long long min, long long max, long long def,
                   long long *out, char **cause)
{
	const char *v = getenv(env);
	const char *name = env;

	if (v == NULL || *v == '\0') {
		v = conf;
		name = "the profile's setting";
	}
	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (util_parse_ll(v, min, max, out) < 0) {
		*cause = xasprintf("%s for %s is not a whole number from %lld to %lld", name, env,
		                   min, max);
		return -1;
	}
	return 0;
}

struct creds_provider *
creds__imds_new(const struct creds_imds_params *a, char **cause)
{
	struct creds_meta *m;
	const char *endpoint = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	long long timeout, attempts;
	char *host = NULL, *shown = NULL;
	int https;

	if (endpoint == NULL || *endpoint == '\0')
		endpoint = a->endpoint;
	if (mode == NULL || *mode == '\0')
		mode = a->endpoint_mode;
	if (endpoint == NULL || *endpoint == '\0')
		endpoint = mode != NULL && util_strcasecmp(mode, "ipv6") == 0 ? IMDS_DEFAULT_V6
		                                                              : IMDS_DEFAULT;
	if (creds_meta_split_url(endpoint, &shown, &host, &https) < 0) {
		*cause =
		    xstrdup("the EC2 metadata endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT or "
		            "ec2_metadata_service_endpoint) is not an http(s) URL with a host");
		return NULL;
	}
	free(host);
	if (creds_meta_setting("AWS_METADATA_SERVICE_TIMEOUT", a->timeout, 1, 3600, 1, &timeout,
	                       cause) < 0 ||
	    creds_meta_setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", a->attempts, 1, 100, 1,
	                       &attempts, cause) < 0) {
		free(shown);
		return NULL;
	}
	m = creds_meta_alloc(META_IMDS, a->http);
	m->base = xstrdup(endpoint);
	while (m->base[0] != '\0' && m->base[strlen(m->base) - 1] == '/')
		m->base[strlen(m->base) - 1] = '\0';
	m->shown = shown;
	m->timeout_ms = (unsigned)timeout * 1000;
	m->attempts = (unsigned)attempts;
	m->context = a->context != NULL ? xstrdup(a->context) : NULL;
	return creds__provider_new(&creds_meta_ops, m, "instance metadata (IMDSv2)");
}

int
creds__imds_disabled(void)
{
	const char *v = getenv("AWS_EC2_METADATA_DISABLED");

	return v != NULL && util_strcasecmp(v, "true") == 0;
}
