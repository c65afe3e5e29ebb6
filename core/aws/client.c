/*
 * client.c: an AWS call from start to finish, on the loop.
 *
 * A call moves through these states, one attempt after another:
 *
 *   START -> CREDS -> RATE -> HTTP -> (success | BACKOFF -> CREDS ... | final)
 *
 * START is one loop iteration (so nothing ever completes inside
 * aws_client_call()); CREDS waits for the provider; RATE for a token of the
 * (account, region, service) bucket; HTTP for the engine; BACKOFF for the
 * retry delay. One timer-queue entry per call serves START, BACKOFF, the
 * deadline while waiting in CREDS or RATE, and deferred completions.
 *
 * A call cancelled while its provider is still fetching cannot take back
 * the provider's callback: its user callback runs (cancelled) and the call
 * stays behind, detached, until the provider answers.
 */
#include "core/aws/client.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/aws/creds.h"
#include "core/aws/creds_parse.h"
#include "core/aws/protocol.h"
#include "core/aws/ratelimit.h"
#include "core/aws/sigv4.h"
#include "core/net/timerq.h"
#include "core/services/ops.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CLIENT_MAX_PAGES 1000u

enum call_state {
	CS_START,
	CS_CREDS,
	CS_RATE,
	CS_HTTP,
	CS_CALLBACK,  /* inside the user's page callback */
	CS_BACKOFF,
	CS_FINISHING, /* the user callback is due from the timer queue */
	CS_DONE       /* the user callback ran; waiting only for the provider */
};

struct aws_client {
	uv_loop_t *loop;
	struct http_engine *http;
	struct timerq *tq;
	struct ratelimit *rl;
	struct sigv4_key_cache *keys;
	struct endpoint_config ep_cfg;
	char *ep_strings[AWS_SVC__COUNT + 1]; /* owned copies behind ep_cfg */
	char region[64];
	unsigned max_attempts;
	unsigned attempt_timeout_ms;
	double backoff_scale;
	uint64_t rng;
	int closing;
	struct aws_call *calls;
	struct aws_client_stats st;
};

/* The last failure of a call, kept across attempts. */
struct call_error {
	enum aws_err err;
	char *code;
	char *message;
	char *request_id;
	long status;
	int sso_expired;
};

struct aws_call {
	struct aws_client *c; /* NULL once detached */
	aws_call_cb cb;
	aws_page_cb page_cb;
	void *arg;
	enum call_state state;
	/* what */
	enum aws_service svc;
	const struct endpoint_service_info *info;
	char *operation;
	char region[64];
	char account[16];
	struct creds_provider *creds;
	uint64_t deadline_ms;
	uint64_t tag;
	unsigned timeout_ms;
	unsigned flags;
	/* the wire */
	struct endpoint ep;
	struct proto_wire wire;
	int have_wire;
	char *url;
	char *sign_path; /* the path as sent, base path included */
	char *raw_ct;    /* a raw request's Content-Type */
	char raw_method[8];
	int setup_failed;
	/* pagination */
	int paginate;
	cJSON *params; /* owned copy, for the next page */
	char *in_token, *out_token;
	unsigned max_pages, pages;
	uint64_t *seen;  /* hashes of the tokens sent */
	size_t nseen, capseen;
	/* attempts */
	unsigned attempts, max_attempts, total_attempts;
	int refreshed;
	int quota_cost;
	uint64_t sent_ms; /* loop time of the attempt's send */
	int creds_pending;
	int cancelled;
	struct creds *cr;
	struct ratelimit_bucket *bucket;
	struct ratelimit_wait rw;
	struct timerq_entry tq;
	struct http_call *hc;
	struct call_error last;
	double skew_s;
	struct aws_call *next, *prev;
};

static void call_attempt(struct aws_call *call);
static void call_finish(struct aws_call *call, const struct proto_answer *ans,
    const struct http_response *res);

/* --- small helpers ------------------------------------------------------------------ */

static uint64_t
client__rand(struct aws_client *c)
{
	/* xorshift64* */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 2685821657736338717ULL;
}

static double
client__rand01(struct aws_client *c)
{
	return (double)(client__rand(c) >> 11) / 9007199254740992.0;
}

static void
call_error_clear(struct call_error *e)
{
	free(e->code);
	free(e->message);
	free(e->request_id);
	memset(e, 0, sizeof *e);
}

static void
call_error_set(struct call_error *e, enum aws_err err, const char *code, const char *message,
    const char *request_id, long status)
{
	char *m = xstrdup(message != NULL ? message : "");

	call_error_clear(e);
	e->err = err;
	e->code = xstrdup(code != NULL ? code : "");
	e->message = m;
	e->request_id = xstrdup(request_id != NULL ? request_id : "");
	e->status = status;
}

static uint64_t
client__hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* --- the client ---------------------------------------------------------------------- */

struct aws_client *
aws_client_new(uv_loop_t *loop, const struct aws_client_config *cfg, char **cause)
{
	struct aws_client *c;
	struct http_config hcfg;
	const char *bundle;
	unsigned max;

	max = retry_max_attempts(cfg != NULL ? cfg->max_attempts : 0, cause);
	if (max == 0)
		return NULL;
	memset(&hcfg, 0, sizeof hcfg);
	if (cfg != NULL)
		hcfg = cfg->http;
	bundle = getenv("AWS_CA_BUNDLE");
	if (bundle != NULL && bundle[0] != '\0')
		hcfg.ca_bundle = bundle;
	c = xcalloc(1, sizeof *c);
	c->http = http_engine_new(loop, &hcfg, cause);
	if (c->http == NULL) {
		free(c);
		return NULL;
	}
	c->loop = loop;
	c->max_attempts = max;
	c->tq = timerq_new(loop);
	c->rl = ratelimit_new(c->tq);
	c->keys = sigv4_key_cache_new();
	snprintf(c->region, sizeof c->region, "%s",
	    cfg != NULL && cfg->region != NULL && cfg->region[0] != '\0' ? cfg->region :
									   "us-east-1");
	if (cfg != NULL) {
		c->attempt_timeout_ms = cfg->attempt_timeout_ms;
		c->backoff_scale = cfg->backoff_scale;
		c->ep_cfg.ignore_configured_urls = cfg->endpoints.ignore_configured_urls;
		if (cfg->endpoints.profile_url != NULL) {
			c->ep_strings[AWS_SVC__COUNT] = xstrdup(cfg->endpoints.profile_url);
			c->ep_cfg.profile_url = c->ep_strings[AWS_SVC__COUNT];
		}
		for (int i = 0; i < AWS_SVC__COUNT; i++) {
			if (cfg->endpoints.service_url[i] != NULL) {
				c->ep_strings[i] = xstrdup(cfg->endpoints.service_url[i]);
				c->ep_cfg.service_url[i] = c->ep_strings[i];
			}
		}
	}
	if (!(c->backoff_scale > 0))
		c->backoff_scale = 1.0;
	c->rng = cfg != NULL && cfg->seed != 0 ? cfg->seed :
						(uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid() << 32 ^
		    util_monotonic_ms();
	if (c->rng == 0)
		c->rng = 88172645463325252ULL;
	return c;
}

struct http_engine *
aws_client_http(struct aws_client *c)
{
	return c->http;
}

const char *
aws_client_region(const struct aws_client *c)
{
	return c->region;
}

struct ratelimit *
aws_client_ratelimit(struct aws_client *c)
{
	return c->rl;
}

void
aws_client_stats(const struct aws_client *c, struct aws_client_stats *out)
{
	*out = c->st;
	http_engine_stats(c->http, &out->http);
}

/* --- lifecycle of a call ------------------------------------------------------------- */

static void
call_unlink(struct aws_call *call)
{
	struct aws_client *c = call->c;

	if (c == NULL)
		return;
	if (call->prev != NULL)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next != NULL)
		call->next->prev = call->prev;
	call->next = call->prev = NULL;
}

static void
call_free(struct aws_call *call)
{
	if (call->have_wire)
		proto_wire_done(&call->wire);
	if (call->params != NULL) {
		if (call->info != NULL && (call->info->flags & ENDPOINT_SECRETS))
			proto_json_wipe(call->params);
		cJSON_Delete(call->params);
	}
	call_error_clear(&call->last);
	creds_unref(call->cr);
	xfree_secret(call->url); /* a GET's query may carry a token */
	free(call->sign_path);
	free(call->raw_ct);
	free(call->operation);
	free(call->in_token);
	free(call->out_token);
	free(call->seen);
	free(call);
}

/*
 * After the user callback: give back what the call holds; free it now, or
 * leave it detached until its credential provider answers.
 */
static void
call_release(struct aws_call *call)
{
	struct aws_client *c = call->c;

	if (c != NULL) {
		if (call->bucket != NULL) {
			ratelimit_cancel(c->rl, &call->rw);
			ratelimit_bucket_put(c->rl, call->bucket);
			call->bucket = NULL;
		}
		timerq_remove(c->tq, &call->tq);
		call_unlink(call);
		c->st.inflight--;
	}
	call->c = NULL;
	call->state = CS_DONE;
	if (!call->creds_pending)
		call_free(call);
}

static void
call_result_base(struct aws_call *call, struct aws_result *r)
{
	memset(r, 0, sizeof *r);
	r->code = "";
	r->message = "";
	r->request_id = "";
	r->body = "";
	r->service = call->svc;
	r->operation = call->operation;
	r->region = call->region;
	r->attempts = call->total_attempts;
	r->pages = call->pages;
	r->skew_s = call->skew_s;
}

/* Calls the user's final callback with the call's last error, then releases it. */
static void
call_fail_now(struct aws_call *call)
{
	struct aws_result r;
	struct aws_client *c = call->c;

	call_result_base(call, &r);
	r.err = call->last.err;
	r.code = call->last.code != NULL ? call->last.code : "";
	r.message = call->last.message != NULL ? call->last.message : "";
	r.request_id = call->last.request_id != NULL ? call->last.request_id : "";
	r.status = call->last.status;
	r.sso_expired = call->last.sso_expired;
	if (c != NULL && r.err != AWS_OK)
		c->st.failed++;
	call->state = CS_DONE;
	call->cb(&r, call->arg);
	call_release(call);
}

static void
call_tq_cb(struct timerq_entry *ent);

/* Ends the call with err from the loop later (never inside an API function). */
static void
call_fail_later(struct aws_call *call, enum aws_err err, const char *message)
{
	call_error_set(&call->last, err, "", message, "", 0);
	if (call->c == NULL)
		return;
	call->state = CS_FINISHING;
	timerq_add(call->c->tq, &call->tq, 0);
}

/* Keeps the last AWS error when a later failure (deadline, quota) ends the call. */
static void
call_fail_keep(struct aws_call *call, enum aws_err err, const char *why)
{
	if (call->last.err != AWS_OK && call->last.message != NULL) {
		char *m = xasprintf("%s%s(%s)", call->last.message,
		    call->last.message[0] != '\0' ? " " : "", why);

		free(call->last.message);
		call->last.message = m;
	} else {
		call_error_set(&call->last, err, "", why, "", 0);
	}
}

/* The deadline passed while waiting (for credentials or a token). */
static void
call_deadline(struct aws_call *call)
{
	if (call->state == CS_RATE && call->bucket != NULL) {
		ratelimit_cancel(call->c->rl, &call->rw);
		call->c->st.waiting_rate--;
	}
	call_fail_keep(call, AWS_ERR_TIMEOUT, "deadline passed");
	if (call->last.err == AWS_OK)
		call->last.err = AWS_ERR_TIMEOUT;
	call_fail_now(call);
}

static void
call_tq_cb(struct timerq_entry *ent)
{
	struct aws_call *call = ent->arg;

	switch (call->state) {
	case CS_START:
		call_attempt(call);
		break;
	case CS_BACKOFF:
		call->c->st.backing_off--;
		call_attempt(call);
		break;
	case CS_CREDS:
	case CS_RATE:
		call_deadline(call);
		break;
	case CS_FINISHING:
		call_fail_now(call);
		break;
	default:
		break;
	}
}

/* --- one attempt ------------------------------------------------------------------------- */

static void call_send(struct aws_call *call);

static void
call_arm_deadline(struct aws_call *call)
{
	uint64_t now = util_monotonic_ms();

	if (call->deadline_ms == 0)
		return;
	timerq_add(call->c->tq, &call->tq, call->deadline_ms > now ? call->deadline_ms - now : 0);
}

static void
call_rate_granted(struct ratelimit_wait *w)
{
	struct aws_call *call = w->arg;

	call->c->st.waiting_rate--;
	timerq_remove(call->c->tq, &call->tq);
	call_send(call);
}

static void
call_rate(struct aws_call *call)
{
	struct aws_client *c = call->c;

	if (call->flags & AWS_CALL_NO_RATELIMIT) {
		call_send(call);
		return;
	}
	if (call->bucket == NULL) {
		call->bucket = ratelimit_bucket_get(c->rl, call->account,
		    call->ep.signing_region, call->svc);
	}
	if (ratelimit_acquire(c->rl, call->bucket, &call->rw, call_rate_granted, call) == 1) {
		call_send(call);
		return;
	}
	call->state = CS_RATE;
	c->st.waiting_rate++;
	call_arm_deadline(call);
}

static void
call_creds_cb(struct creds *cr, const char *err, int sso_expired, void *arg)
{
	struct aws_call *call = arg;

	call->creds_pending = 0;
	if (call->state == CS_DONE) {
		/* Cancelled or its client freed while the provider was busy. */
		call_free(call);
		return;
	}
	if (call->state != CS_CREDS)
		return; /* cancelled: its end is already due from the timer queue */
	timerq_remove(call->c->tq, &call->tq);
	if (cr == NULL) {
		call_error_set(&call->last, AWS_ERR_CREDENTIALS, "",
		    err != NULL ? err : "no credentials", "", 0);
		call->last.sso_expired = sso_expired;
		call_fail_now(call);
		return;
	}
	creds_unref(call->cr);
	call->cr = creds_ref(cr);
	call_rate(call);
}

static void
call_attempt(struct aws_call *call)
{
	uint64_t now = util_monotonic_ms();

	if (call->deadline_ms != 0 && now >= call->deadline_ms) {
		call_fail_keep(call, AWS_ERR_TIMEOUT, "deadline passed");
		if (call->last.err == AWS_OK)
			call->last.err = AWS_ERR_TIMEOUT;
		call_fail_now(call);
		return;
	}
	if (call->creds == NULL || (call->info->flags & ENDPOINT_UNSIGNED)) {
		call_rate(call);
		return;
	}
	call->state = CS_CREDS;
	call->creds_pending = 1;
	call_arm_deadline(call);
	if (creds_provider_get(call->creds, call_creds_cb, call) < 0) {
		call->creds_pending = 0;
		timerq_remove(call->c->tq, &call->tq);
		call_error_set(&call->last, AWS_ERR_CREDENTIALS, "",
		    "the credential provider could not be asked (it is shutting down)", "", 0);
		call_fail_now(call);
	}
}

static void call_http_cb(const struct http_response *res, void *arg);

static void
call_send(struct aws_call *call)
{
	struct aws_client *c = call->c;
	struct http_header hdrs[PROTO_MAX_HEADERS + 6];
	struct sigv4_header sh[PROTO_MAX_HEADERS + 2];
	struct http_request hr;
	struct sigv4_result sr;
	size_t nh = 0, ns = 0;
	char *cause = NULL;
	int signing = call->cr != NULL && call->creds != NULL &&
	    !(call->info->flags & ENDPOINT_UNSIGNED);

	memset(&sr, 0, sizeof sr);
	if (call->wire.content_type != NULL) {
		sh[ns++] = (struct sigv4_header){ "Content-Type", call->wire.content_type };
	}
	if (call->wire.target != NULL)
		sh[ns++] = (struct sigv4_header){ "X-Amz-Target", call->wire.target };
	for (size_t i = 0; i < call->wire.nheaders; i++)
		sh[ns++] = (struct sigv4_header){ call->wire.headers[i].name,
			call->wire.headers[i].value };
	for (size_t i = 0; i < ns; i++)
		hdrs[nh++] = (struct http_header){ sh[i].name, sh[i].value };
	if (signing) {
		struct sigv4_credentials sc = { creds_access_key_id(call->cr),
			creds_secret_access_key(call->cr), creds_session_token(call->cr) };
		struct sigv4_request rq;

		memset(&rq, 0, sizeof rq);
		rq.method = call->wire.method;
		rq.host = call->ep.host;
		rq.path = call->sign_path;
		rq.query = call->wire.query.data;
		rq.headers = sh;
		rq.nheaders = ns;
		rq.body = call->wire.body.data;
		rq.body_len = call->wire.body.len;
		rq.region = call->ep.signing_region;
		rq.service = call->ep.signing_name;
		rq.when = time(NULL);
		if (sigv4_sign(c->keys, &sc, &rq, &sr, &cause) < 0) {
			call_error_set(&call->last, AWS_ERR_CREDENTIALS, "",
			    cause != NULL ? cause : "signing failed", "", 0);
			free(cause);
			call_fail_now(call);
			return;
		}
		hdrs[nh++] = (struct http_header){ "X-Amz-Date", sr.amz_date };
		if (sr.add_token_header)
			hdrs[nh++] = (struct http_header){ "X-Amz-Security-Token", sc.session_token };
		hdrs[nh++] = (struct http_header){ "Authorization", sr.authorization };
	}
	memset(&hr, 0, sizeof hr);
	hr.method = call->wire.method;
	hr.url = call->url;
	hr.headers = hdrs;
	hr.nheaders = nh;
	hr.body = call->wire.body.len > 0 ? call->wire.body.data : NULL;
	hr.body_len = call->wire.body.len;
	hr.timeout_ms = call->timeout_ms != 0 ? call->timeout_ms : c->attempt_timeout_ms;
	hr.deadline_ms = call->deadline_ms;
	hr.tag = call->tag;
	call->hc = http_send(c->http, &hr, call_http_cb, call, &cause);
	sigv4_result_done(&sr);
	if (call->hc == NULL) {
		call_error_set(&call->last, AWS_ERR_REQUEST, "",
		    cause != NULL ? cause : "the request could not be sent", "", 0);
		free(cause);
		call_fail_now(call);
		return;
	}
	call->state = CS_HTTP;
	call->sent_ms = timerq_now(c->tq);
	call->attempts++;
	call->total_attempts++;
	c->st.attempts++;
	if (call->total_attempts > 1)
		c->st.retries++;
}

/* --- answers ------------------------------------------------------------------------------ */

static void
call_clock_message(struct aws_call *call, const struct proto_answer *ans)
{
	char *m;

	if (fabs(call->skew_s) >= 1)
		m = xasprintf("clock skew: this machine's clock is %.0f s %s AWS's; fix the system "
			      "time (NTP) and retry (AWS said: %s: %s)",
		    fabs(call->skew_s), call->skew_s > 0 ? "behind" : "ahead of", ans->code,
		    ans->message);
	else
		m = xasprintf("clock skew: AWS says this machine's clock is off; fix the system time "
			      "(NTP) and retry (AWS said: %s: %s)",
		    ans->code, ans->message);
	free(call->last.message);
	call->last.message = m;
}

/* The output token of a page, or NULL at the end; -1 for a token of the wrong type. */
static int
call_next_token(struct aws_call *call, const struct proto_answer *ans, const char **tok)
{
	*tok = NULL;
	if (ans->json != NULL) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ans->json, call->out_token);

		if (t == NULL || cJSON_IsNull(t))
			return 0;
		if (!cJSON_IsString(t))
			return -1;
		*tok = t->valuestring;
	} else if (ans->result != NULL) {
		*tok = xml_path_text(ans->result, call->out_token);
	}
	if (*tok != NULL && (*tok)[0] == '\0')
		*tok = NULL;
	return 0;
}

static int
call_seen_add(struct aws_call *call, const char *tok)
{
	uint64_t h = client__hash(tok);

	for (size_t i = 0; i < call->nseen; i++) {
		if (call->seen[i] == h)
			return 1;
	}
	if (call->nseen == call->capseen) {
		call->capseen = call->capseen != 0 ? call->capseen * 2 : 16;
		call->seen = xreallocarray(call->seen, call->capseen, sizeof *call->seen);
	}
	call->seen[call->nseen++] = h;
	return 0;
}

static int call_build(struct aws_call *call, const cJSON *params, const struct aws_raw_request *raw,
    char **cause);

/*
 * A page arrived (ans decoded, successful). Calls page_cb and starts the
 * next page, or ends the call. Returns 1 if the call goes on.
 */
static int
call_page_done(struct aws_call *call, const struct proto_answer *ans,
    const struct http_response *res)
{
	struct aws_result r;
	const char *tok;
	int stop;
	char *cause = NULL;

	call->pages++;
	call_result_base(call, &r);
	r.status = res->status;
	r.request_id = ans->request_id;
	r.json = ans->json;
	r.xml = ans->result;
	r.body = res->body;
	r.body_len = res->body_len;
	call->state = CS_CALLBACK;
	stop = call->page_cb(&r, call->arg);
	if (call->cancelled) {
		call_error_set(&call->last, AWS_ERR_CANCELLED, "", "cancelled", "", 0);
		return -1;
	}
	if (stop)
		return 0;
	if (call_next_token(call, ans, &tok) < 0) {
		call_error_set(&call->last, AWS_ERR_PAGINATION, "",
		    "the pagination token in the answer is not a string", ans->request_id,
		    res->status);
		return -1;
	}
	if (tok == NULL)
		return 0;
	if (call_seen_add(call, tok)) {
		char *m = xasprintf("the same pagination token came back after page %u",
		    call->pages);

		call_error_set(&call->last, AWS_ERR_PAGINATION, "", m, ans->request_id,
		    res->status);
		free(m);
		return -1;
	}
	if (call->pages >= call->max_pages) {
		char *m = xasprintf("more than %u pages", call->max_pages);

		call_error_set(&call->last, AWS_ERR_PAGINATION, "", m, ans->request_id,
		    res->status);
		free(m);
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(call->params, call->in_token);
	cJSON_AddStringToObject(call->params, call->in_token, tok);
	if (call_build(call, call->params, NULL, &cause) < 0) {
		call_error_set(&call->last, AWS_ERR_REQUEST, "", cause, "", 0);
		free(cause);
		return -1;
	}
	call->attempts = 0;
	call->refreshed = 0;
	call->max_attempts = call->c->max_attempts;
	call->quota_cost = 0;
	call->c->st.calls++;
	call->state = CS_START;
	timerq_add(call->c->tq, &call->tq, 0);
	return 1;
}

/* Success: the user gets the answer (a page, or the whole call). */
static void
call_success(struct aws_call *call, const struct proto_answer *ans,
    const struct http_response *res)
{
	struct aws_result r;
	int more;

	if (call->bucket != NULL)
		retry_quota_success(ratelimit_bucket_quota(call->bucket), call->quota_cost);
	if (call->paginate) {
		more = call_page_done(call, ans, res);
		if (more == 1)
			return;
		if (more < 0) {
			call_fail_now(call);
			return;
		}
		call_result_base(call, &r);
		r.status = res->status;
		r.request_id = ans->request_id;
		call->state = CS_DONE;
		call->cb(&r, call->arg);
		call_release(call);
		return;
	}
	call_result_base(call, &r);
	r.status = res->status;
	r.request_id = ans->request_id;
	r.json = ans->json;
	r.xml = ans->result;
	r.body = res->body;
	r.body_len = res->body_len;
	call->state = CS_DONE;
	call->cb(&r, call->arg);
	call_release(call);
}

/* The final failure, with the decoded answer (if any) still at hand. */
static void
call_finish(struct aws_call *call, const struct proto_answer *ans,
    const struct http_response *res)
{
	struct aws_result r;

	call_result_base(call, &r);
	r.err = call->last.err;
	r.code = call->last.code;
	r.message = call->last.message;
	r.request_id = call->last.request_id;
	r.status = call->last.status;
	if (ans != NULL) {
		r.json = ans->json;
		r.xml = ans->result;
	}
	if (res != NULL) {
		r.body = res->body;
		r.body_len = res->body_len;
	}
	if (call->c != NULL)
		call->c->st.failed++;
	call->state = CS_DONE;
	call->cb(&r, call->arg);
	call_release(call);
}

/* Decides on a retry after a failed attempt; 1 if one was scheduled. */
static int
call_maybe_retry(struct aws_call *call, const struct retry_verdict *v,
    const struct http_response *res)
{
	struct aws_client *c = call->c;
	uint64_t delay, now;
	int cost;

	if (v->kind == RETRY_NONE)
		return 0;
	if (v->kind == RETRY_REFRESH_CREDS) {
		if (call->refreshed || call->creds == NULL)
			return 0;
		call->refreshed = 1;
		call->max_attempts++; /* the refresh try is outside the count */
		creds_provider_invalidate(call->creds);
		creds_unref(call->cr);
		call->cr = NULL;
		call->state = CS_START;
		timerq_add(c->tq, &call->tq, 0);
		return 1;
	}
	if (call->attempts >= call->max_attempts || (call->flags & AWS_CALL_NO_RETRY))
		return 0;
	cost = call->bucket != NULL ? retry_quota_take(ratelimit_bucket_quota(call->bucket), v->kind) :
				      RETRY_COST;
	if (cost == 0) {
		c->st.quota_refused++;
		call_fail_keep(call, v->err, "no retry: the retry quota is used up");
		return 0;
	}
	call->quota_cost = call->bucket != NULL ? cost : 0;
	delay = retry_delay_ms(retry_backoff_ms(call->attempts, client__rand01(c)),
	    retry_after_ms(res, util_now()));
	delay = (uint64_t)((double)delay * c->backoff_scale);
	now = util_monotonic_ms();
	if (call->deadline_ms != 0 && now + delay >= call->deadline_ms) {
		call_fail_keep(call, v->err, "no time left to retry before the deadline");
		return 0;
	}
	call->state = CS_BACKOFF;
	c->st.backing_off++;
	timerq_add(c->tq, &call->tq, delay);
	return 1;
}

static void
call_http_cb(const struct http_response *res, void *arg)
{
	struct aws_call *call = arg;
	struct proto_answer ans;
	struct retry_input in;
	struct retry_verdict v;
	double server;
	int secret = (call->info->flags & ENDPOINT_SECRETS) != 0;

	call->hc = NULL;
	memset(&ans, 0, sizeof ans);
	if (call->cancelled || res->error == HTTP_ERR_CANCELLED) {
		call_error_set(&call->last, AWS_ERR_CANCELLED, "", "cancelled", "", 0);
		call_fail_now(call);
		return;
	}
	memset(&in, 0, sizeof in);
	in.herr = res->error;
	in.status = res->status;
	if (res->date != NULL && retry_parse_http_date(res->date, &server) == 0)
		call->skew_s = server - util_now();
	in.skew_s = call->skew_s;
	if (res->error == HTTP_OK) {
		proto_decode(call->info, call->operation, res, &ans);
		in.code = ans.code;
		in.message = ans.message;
		in.bad_answer = ans.outcome == PROTO_BAD_ANSWER;
	}
	retry_classify(&in, &v);
	if (res->error == HTTP_OK && call->bucket != NULL)
		ratelimit_feedback(call->c->rl, call->bucket, v.kind == RETRY_THROTTLE,
		    call->sent_ms);
	if (v.kind == RETRY_THROTTLE)
		call->c->st.throttled++;
	if (v.err == AWS_OK) {
		call_success(call, &ans, res);
		proto_answer_done(&ans, secret);
		return;
	}
	if (res->error == HTTP_OK)
		call_error_set(&call->last, v.err, ans.code, ans.message, ans.request_id,
		    res->status);
	else
		call_error_set(&call->last, v.err, "", res->message, res->request_id,
		    res->status);
	if (v.err == AWS_ERR_CLOCK_SKEW)
		call_clock_message(call, &ans);
	if (call_maybe_retry(call, &v, res)) {
		proto_answer_done(&ans, secret);
		return;
	}
	call_finish(call, res->error == HTTP_OK ? &ans : NULL, res);
	proto_answer_done(&ans, secret);
}

/* --- starting calls ------------------------------------------------------------------------ */

/* Builds the wire request and the URL. On failure *cause says why. */
static int
call_build(struct aws_call *call, const cJSON *params, const struct aws_raw_request *raw,
    char **cause)
{
	struct proto_wire w;
	const char *base;
	struct buf u;

	if (raw != NULL) {
		memset(&w, 0, sizeof w);
		buf_init(&w.path);
		buf_init(&w.query);
		buf_init(&w.body);
		snprintf(call->raw_method, sizeof call->raw_method, "%s",
		    raw->method != NULL ? raw->method : "POST");
		w.method = call->raw_method;
		buf_adds(&w.path, raw->path != NULL && raw->path[0] == '/' ? raw->path : "/");
		if (raw->query != NULL)
			buf_adds(&w.query, raw->query);
		if (raw->body != NULL)
			buf_add(&w.body, raw->body, raw->body_len);
		if (raw->content_type != NULL) {
			free(call->raw_ct);
			call->raw_ct = xstrdup(raw->content_type);
			w.content_type = call->raw_ct;
		}
		if (raw->target != NULL)
			w.target = xstrdup(raw->target);
	} else if (proto_build(call->info, call->operation, params, &w, cause) < 0) {
		return -1;
	}
	if (call->have_wire)
		proto_wire_done(&call->wire);
	call->wire = w;
	call->have_wire = 1;
	/* The endpoint's base path (custom endpoints) goes before the operation's path. */
	base = strstr(call->ep.url, "://");
	base = base != NULL ? strchr(base + 3, '/') : NULL;
	free(call->sign_path);
	call->sign_path = xasprintf("%s%s", base != NULL ? base : "", w.path.data);
	buf_init(&u);
	buf_printf(&u, "%s%s%s%s", call->ep.url, w.path.data, w.query.len > 0 ? "?" : "",
	    w.query.data);
	xfree_secret(call->url);
	call->url = buf_detach(&u);
	buf_done(&u);
	return 0;
}

static struct aws_call *
call_new(struct aws_client *c, const struct aws_request *req, aws_call_cb cb, void *arg)
{
	struct aws_call *call = xcalloc(1, sizeof *call);
	const char *region = req->region != NULL && req->region[0] != '\0' ? req->region :
									      c->region;

	call->c = c;
	call->cb = cb;
	call->arg = arg;
	call->svc = req->service;
	call->info = endpoint_service(req->service);
	call->operation = xstrdup(req->operation != NULL ? req->operation : "");
	snprintf(call->region, sizeof call->region, "%s", region);
	snprintf(call->account, sizeof call->account, "%s",
	    req->account != NULL ? req->account : "");
	call->creds = req->creds;
	call->deadline_ms = req->deadline_ms;
	call->tag = req->tag;
	call->timeout_ms = req->timeout_ms;
	call->flags = req->flags;
	call->max_attempts = (req->flags & AWS_CALL_NO_RETRY) ? 1 : c->max_attempts;
	timerq_entry_init(&call->tq, call_tq_cb, call);
	call->next = c->calls;
	if (c->calls != NULL)
		c->calls->prev = call;
	c->calls = call;
	c->st.calls++;
	c->st.inflight++;
	return call;
}

static void
call_setup(struct aws_call *call, const struct aws_request *req)
{
	char *cause = NULL;

	if (call->info == NULL) {
		call_fail_later(call, AWS_ERR_REQUEST, "unknown service");
		return;
	}
	/*
	 * Read-only by construction (issue 7 section 6): only the operations of the
	 * ops table (core/services/ops.h), every one a read, ever leave. Anything else
	 * ends here, before it is signed or sent, whoever asked (--call included).
	 */
	if (!ops_is_read(ops_find(call->info->name, call->operation))) {
		cause = xasprintf("%s:%s is not an operation orgtop may send (it only sends the "
				  "reads listed by --iam-policy)", call->info->name, call->operation);
		call_fail_later(call, AWS_ERR_REQUEST, cause);
		free(cause);
		return;
	}
	if (endpoint_resolve(call->svc, call->region, &call->c->ep_cfg, &call->ep, &cause) < 0) {
		call_fail_later(call, AWS_ERR_ENDPOINT, cause);
		free(cause);
		return;
	}
	if (call_build(call, req->params, req->raw, &cause) < 0) {
		call_fail_later(call, AWS_ERR_REQUEST, cause);
		free(cause);
		return;
	}
	call->state = CS_START;
	timerq_add(call->c->tq, &call->tq, 0);
}

/* A call made while the client is being freed (from a callback) ends at once. */
static struct aws_call *
call_refused(struct aws_client *c, const struct aws_request *req, aws_call_cb cb, void *arg)
{
	struct aws_call *call = call_new(c, req, cb, arg);

	call_error_set(&call->last, AWS_ERR_CANCELLED, "", "the client is shutting down", "", 0);
	call_fail_now(call);
	return NULL;
}

struct aws_call *
aws_client_call(struct aws_client *c, const struct aws_request *req, aws_call_cb cb, void *arg)
{
	struct aws_call *call;

	if (c->closing)
		return call_refused(c, req, cb, arg);
	call = call_new(c, req, cb, arg);
	call_setup(call, req);
	return call;
}

struct aws_call *
aws_client_paginate(struct aws_client *c, const struct aws_request *req,
    const struct aws_paginate *pg, aws_page_cb page_cb, aws_call_cb done_cb, void *arg)
{
	struct aws_call *call;
	struct aws_request r = *req;
	const cJSON *first;

	if (c->closing)
		return call_refused(c, req, done_cb, arg);
	call = call_new(c, req, done_cb, arg);
	call->paginate = 1;
	call->page_cb = page_cb;
	call->in_token = xstrdup(pg != NULL && pg->input_token != NULL ? pg->input_token :
									"NextToken");
	call->out_token = xstrdup(pg != NULL && pg->output_token != NULL ? pg->output_token :
									  call->in_token);
	call->max_pages = pg != NULL && pg->max_pages != 0 ? pg->max_pages : CLIENT_MAX_PAGES;
	call->params = req->params != NULL ? cJSON_Duplicate(req->params, 1) : cJSON_CreateObject();
	if (call->params == NULL || !cJSON_IsObject(call->params) || req->raw != NULL ||
	    page_cb == NULL) {
		call_fail_later(call, AWS_ERR_REQUEST,
		    "pagination needs params as a JSON object and a page callback");
		return call;
	}
	first = cJSON_GetObjectItemCaseSensitive(call->params, call->in_token);
	if (cJSON_IsString(first) && first->valuestring[0] != '\0')
		call_seen_add(call, first->valuestring);
	r.params = call->params;
	r.raw = NULL;
	call_setup(call, &r);
	return call;
}

void
aws_call_cancel(struct aws_call *call)
{
	struct aws_client *c;

	if (call == NULL || call->c == NULL || call->cancelled)
		return;
	c = call->c;
	call->cancelled = 1;
	switch (call->state) {
	case CS_HTTP:
		http_cancel(c->http, call->hc); /* call_http_cb follows, cancelled */
		return;
	case CS_CALLBACK:
		return; /* the page callback returns into a cancelled call */
	case CS_RATE:
		ratelimit_cancel(c->rl, &call->rw);
		c->st.waiting_rate--;
		break;
	case CS_BACKOFF:
		c->st.backing_off--;
		break;
	case CS_FINISHING:
	case CS_DONE:
		return;
	default:
		break;
	}
	timerq_remove(c->tq, &call->tq);
	call_fail_later(call, AWS_ERR_CANCELLED, "cancelled");
}

unsigned
aws_client_cancel_tag(struct aws_client *c, uint64_t tag)
{
	unsigned n = 0;

	if (tag == 0)
		return 0;
	for (struct aws_call *call = c->calls; call != NULL; call = call->next) {
		if (call->tag == tag && !call->cancelled && call->state != CS_FINISHING &&
		    call->state != CS_DONE) {
			aws_call_cancel(call);
			n++;
		}
	}
	return n;
}

void
aws_client_tag_wire(const struct aws_client *c, uint64_t first, uint64_t *oldest, size_t n)
{
	memset(oldest, 0, n * sizeof *oldest);
	for (const struct aws_call *call = c->calls; call != NULL; call = call->next) {
		uint64_t *o;

		if (call->state != CS_HTTP || call->tag < first || call->tag - first >= n)
			continue;
		o = &oldest[call->tag - first];
		if (*o == 0 || call->sent_ms < *o)
			*o = call->sent_ms;
	}
}

void
aws_client_free(struct aws_client *c)
{
	if (c == NULL)
		return;
	c->closing = 1;
	/* Calls not on the wire end now; the engine ends the others as it goes. */
	for (;;) {
		struct aws_call *call = c->calls;

		while (call != NULL && call->state == CS_HTTP)
			call = call->next;
		if (call == NULL)
			break;
		if (call->state == CS_RATE)
			ratelimit_cancel(c->rl, &call->rw);
		timerq_remove(c->tq, &call->tq);
		call->cancelled = 1;
		if (call->state != CS_FINISHING)
			call_error_set(&call->last, AWS_ERR_CANCELLED, "", "cancelled", "", 0);
		call_fail_now(call);
	}
	http_engine_free(c->http); /* HTTP calls: call_http_cb, cancelled */
	while (c->calls != NULL) {
		struct aws_call *call = c->calls; /* only if a callback misbehaved */

		call_error_set(&call->last, AWS_ERR_CANCELLED, "", "cancelled", "", 0);
		call_fail_now(call);
	}
	ratelimit_free(c->rl);
	timerq_free(c->tq);
	sigv4_key_cache_free(c->keys);
	for (int i = 0; i <= AWS_SVC__COUNT; i++)
		free(c->ep_strings[i]);
	free(c);
}

/* --- descriptions ---------------------------------------------------------------------------- */

void
aws_result_describe(const struct aws_result *res, struct buf *out)
{
	const struct endpoint_service_info *info = endpoint_service(res->service);

	buf_printf(out, "%s %s (%s): ", info != NULL ? info->name : "?",
	    res->operation != NULL ? res->operation : "?", res->region != NULL ? res->region : "?");
	if (res->err == AWS_OK) {
		buf_adds(out, "ok");
	} else if (res->code != NULL && res->code[0] != '\0') {
		buf_printf(out, "%s", res->code);
		if (res->message != NULL && res->message[0] != '\0')
			buf_printf(out, ": %s", res->message);
	} else {
		buf_printf(out, "%s", aws_err_name(res->err));
		if (res->message != NULL && res->message[0] != '\0')
			buf_printf(out, ": %s", res->message);
	}
	buf_adds(out, " [");
	if (res->status != 0)
		buf_printf(out, "HTTP %ld, ", res->status);
	if (res->request_id != NULL && res->request_id[0] != '\0')
		buf_printf(out, "request %s, ", res->request_id);
	buf_printf(out, "%u attempt%s]", res->attempts, res->attempts == 1 ? "" : "s");
}

/* An XML element as JSON: leaves are strings, repeated names arrays. */
static cJSON *
client__xml_json(const struct xml_node *n, int depth)
{
	cJSON *o;

	if (n->child == NULL || depth > 64)
		return cJSON_CreateString(n->text);
	o = cJSON_CreateObject();
	for (const struct xml_node *k = n->child; k != NULL; k = k->next) {
		cJSON *prev = cJSON_GetObjectItemCaseSensitive(o, k->name);
		cJSON *v = client__xml_json(k, depth + 1);

		if (prev == NULL) {
			cJSON_AddItemToObject(o, k->name, v);
		} else if (cJSON_IsArray(prev)) {
			cJSON_AddItemToArray(prev, v);
		} else {
			cJSON *arr = cJSON_CreateArray();

			cJSON_DetachItemViaPointer(o, prev);
			cJSON_AddItemToArray(arr, prev);
			cJSON_AddItemToArray(arr, v);
			cJSON_AddItemToObject(o, k->name, arr);
		}
	}
	return o;
}

/* Members whose values are secrets: never printed, whatever the operation. */
static int
client__secret_key(const char *k)
{
	static const char *const names[] = { "SecretAccessKey", "SessionToken", "accessToken",
		"refreshToken", "clientSecret", "idToken", "Password", "Token" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (util_strcasecmp(k, names[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Replaces every secret in a decoded answer (STS AssumeRole's or the SSO
 * portal's credentials) with a marker and every key id with ****ABCD, so
 * `orgtop --call sts AssumeRole ...` prints no secret (RELIABILITY.md E).
 */
static void
client__redact(cJSON *item)
{
	for (cJSON *it = item != NULL ? item->child : NULL; it != NULL; it = it->next) {
		if (it->string != NULL && cJSON_IsString(it) && client__secret_key(it->string)) {
			xwipe(it->valuestring, strlen(it->valuestring));
			cJSON_SetValuestring(it, "(secret, not shown)");
		} else if (it->string != NULL && cJSON_IsString(it) &&
			   util_strcasecmp(it->string, "AccessKeyId") == 0) {
			char red[16];

			creds_redact_key_id(it->valuestring, red, sizeof red);
			cJSON_SetValuestring(it, red);
		} else {
			client__redact(it);
		}
	}
}

void
aws_result_dump(const struct aws_result *res, struct buf *out)
{
	char *s = NULL;

	if (res->err != AWS_OK) {
		aws_result_describe(res, out);
		buf_addc(out, '\n');
		return;
	}
	if (res->json != NULL) {
		cJSON *j = cJSON_Duplicate(res->json, 1);

		client__redact(j);
		s = cJSON_Print(j);
		creds_json_wipe(j);
		cJSON_Delete(j);
	} else if (res->xml != NULL) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddItemToObject(j, res->xml->name, client__xml_json(res->xml, 0));
		client__redact(j);
		s = cJSON_Print(j);
		creds_json_wipe(j);
		cJSON_Delete(j);
	}
	if (s != NULL) {
		buf_adds(out, s);
		buf_addc(out, '\n');
		xwipe(s, strlen(s));
		cJSON_free(s);
	} else {
		buf_add(out, res->body, res->body_len);
		buf_addc(out, '\n');
	}
}

struct aws_call *
aws_client_debug_call(struct aws_client *c, struct creds_provider *creds, const char *service,
    const char *operation, const char *json_params, const char *region, aws_call_cb cb,
    void *arg, char **cause)
{
	struct aws_request req;
	enum aws_service svc;
	cJSON *params = NULL;
	struct aws_call *call;

	if (endpoint_service_by_name(service, &svc) < 0) {
		if (cause != NULL)
			*cause = xasprintf("unknown service \"%s\" (try sts, organizations, account, "
					   "config, guardduty, budgets, ce, sso-admin, identitystore, "
					   "sso, sso-oidc, ec2, securityhub)",
			    service != NULL ? service : "");
		return NULL;
	}
	if (json_params != NULL && json_params[0] != '\0') {
		params = cJSON_Parse(json_params);
		if (params == NULL || !cJSON_IsObject(params)) {
			if (cause != NULL)
				*cause = xasprintf("the parameters must be a JSON object: %s",
				    json_params);
			cJSON_Delete(params);
			return NULL;
		}
	}
	memset(&req, 0, sizeof req);
	req.service = svc;
	req.operation = operation;
	req.region = region;
	req.params = params;
	req.creds = creds;
	call = aws_client_call(c, &req, cb, arg);
	cJSON_Delete(params);
	return call;
}
