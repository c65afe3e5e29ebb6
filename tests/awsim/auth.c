/*
 * auth.c: static keys, the session table, and SigV4 verification.
 */
#include "tests/awsim/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/aws/sigv4.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/rnd.h"

#define SKEW_MAX 300      /* seconds, as AWS */
#define SKEW_MAX_STS 900  /* STS allows 15 minutes ("... - 15 min.") */


struct session {
	char akid[32];
	char *secret;
	char *token;
	int account;
	int kind;
	int chained;
	char role[72];
	char name[72];
	double expires;
};

struct auth {
	struct awsim *sim;
	char static_key[32];
	char static_secret[48];
	pthread_rwlock_t lock;
	struct session *s;
	size_t n, cap;
	size_t *idx; /* open addressing: session index + 1 */
	size_t idx_cap;
	uint64_t counter;
	unsigned char key[32];
};

static pthread_key_t auth__cache_key;
static pthread_once_t auth__cache_once = PTHREAD_ONCE_INIT;

static void
auth__cache_free(void *p)
{
	sigv4_key_cache_free(p);
}

static void
auth__cache_init(void)
{
	pthread_key_create(&auth__cache_key, auth__cache_free);
}

/* The signing-key cache of the calling thread. */
static struct sigv4_key_cache *
auth__cache(void)
{
	struct sigv4_key_cache *kc;

	pthread_once(&auth__cache_once, auth__cache_init);
	kc = pthread_getspecific(auth__cache_key);
	if (!kc) {
		kc = sigv4_key_cache_new();
		pthread_setspecific(auth__cache_key, kc);
	}
	return kc;
}

/* Fills out with n characters from alphabet, derived from (key, tag, ctr). */
static void
auth__derive(const unsigned char *key, uint64_t tag, uint64_t ctr, const char *alphabet,
    char *out, size_t n)
{
	unsigned char msg[16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i, al = strlen(alphabet), used = 0;

	for (i = 0; i < n; i++) {
		if (used == 0 || used >= mdlen) {
			uint64_t x = tag ^ ((uint64_t)i << 40);
			memcpy(msg, &x, 8);
			memcpy(msg + 8, &ctr, 8);
			HMAC(EVP_sha256(), key, 32, msg, sizeof(msg), md, &mdlen);
			used = 0;
		}
		out[i] = alphabet[md[used++] % al];
	}
	out[n] = 0;
	OPENSSL_cleanse(md, sizeof(md));
}

static const char UPPER[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char SECRET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct auth *
auth_new(struct awsim *sim)
{
	struct auth *a = xcalloc(1, sizeof(*a));
	uint64_t s = rnd_mix(sim->seed ^ 0x51a7e5eedULL);
	size_t i;

	a->sim = sim;
	for (i = 0; i < 4; i++) {
		uint64_t v = rnd_mix(s + i);
		memcpy(a->key + 8 * i, &v, 8);
	}
	memcpy(a->static_key, "AKIASIM", 7);
	auth__derive(a->key, 1, 0, UPPER, a->static_key + 7, 13);
	auth__derive(a->key, 2, 0, SECRET, a->static_secret, 40);
	/* Session keys must differ between runs: mix in the process's own key. */
	for (i = 0; i < 32; i++)
		a->key[i] ^= sim->token_key[i];
	pthread_rwlock_init(&a->lock, NULL);
	return a;
}

void
auth_free(struct auth *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		xfree_secret(a->s[i].secret);
		xfree_secret(a->s[i].token);
	}
	free(a->s);
	free(a->idx);
	xwipe(a->static_secret, sizeof(a->static_secret));
	xwipe(a->key, sizeof(a->key));
	pthread_rwlock_destroy(&a->lock);
	free(a);
}

const char *
auth_static_key(const struct auth *a)
{
	return a->static_key;
}

const char *
auth_static_secret(const struct auth *a)
{
	return a->static_secret;
}

static size_t
auth__slot(const struct auth *a, const char *akid)
{
	return (size_t)rnd_str(0, akid) & (a->idx_cap - 1);
}

static void
auth__reindex(struct auth *a)
{
	size_t i, cap = 64;

	while (cap < a->n * 2 + 2)
		cap *= 2;
	free(a->idx);
	a->idx = xcalloc(cap, sizeof(size_t));
	a->idx_cap = cap;
	for (i = 0; i < a->n; i++) {
		size_t j = auth__slot(a, a->s[i].akid);
		while (a->idx[j])
			j = (j + 1) & (cap - 1);
		a->idx[j] = i + 1;
	}
}

/* Drops sessions expired for more than an hour (they answered ExpiredToken until then). */
static void
auth__prune(struct auth *a, double now)
{
	size_t i, o = 0;

	for (i = 0; i < a->n; i++) {
		if (a->s[i].expires + 3600 < now) {
			xfree_secret(a->s[i].secret);
			xfree_secret(a->s[i].token);
			continue;
		}
		a->s[o++] = a->s[i];
	}
	a->n = o;
}

void
auth_session_new(struct auth *a, int account, const char *role, const char *session, int kind,
    int duration, int chained, struct auth_issued *out)
{
	struct session *s;
	char tok[161];
	double now = util_now();
	uint64_t ctr;

	memset(out, 0, sizeof(*out));
	if (a->sim->session_seconds > 0)
		duration = a->sim->session_seconds;
	pthread_rwlock_wrlock(&a->lock);
	ctr = ++a->counter;
	if (a->n == a->cap) {
		if (a->n >= 4096)
			auth__prune(a, now);
		if (a->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 256;
			a->s = xreallocarray(a->s, a->cap, sizeof(*a->s));
		}
		auth__reindex(a);
	}
	if (a->n * 2 + 2 > a->idx_cap)
		auth__reindex(a);
	s = &a->s[a->n];
	memset(s, 0, sizeof(*s));
	memcpy(s->akid, "ASIASIM", 7);
	auth__derive(a->key, 3, ctr, UPPER, s->akid + 7, 13);
	s->secret = xmalloc(41);
	auth__derive(a->key, 4, ctr, SECRET, s->secret, 40);
	memcpy(tok, "IQoJb3JpZ2luX2VjSIM", 19);
	auth__derive(a->key, 5, ctr, SECRET, tok + 19, sizeof(tok) - 20);
	s->token = xstrdup(tok);
	xwipe(tok, sizeof(tok));
	s->account = account;
	s->kind = kind;
	s->chained = chained;
	snprintf(s->role, sizeof(s->role), "%s", role);
	snprintf(s->name, sizeof(s->name), "%s", session);
	s->expires = (double)(long long)now + duration;
	{
		size_t j = auth__slot(a, s->akid);
		while (a->idx[j])
			j = (j + 1) & (a->idx_cap - 1);
		a->idx[j] = a->n + 1;
	}
	a->n++;
	memcpy(out->akid, s->akid, sizeof(out->akid));
	memcpy(out->secret, s->secret, 41);
	out->token = xstrdup(s->token);
	out->expires = s->expires;
	memcpy(out->role_id, "AROASIM", 7);
	{
		uint64_t h = rnd_h(a->sim->seed, 0x70, (uint64_t)account, rnd_str(0, role), 0);
		char tmp[14];
		size_t i;
		for (i = 0; i < 13; i++) {
			tmp[i] = UPPER[h % 32];
			h = h / 32 ? h / 32 : rnd_mix(h + i);
		}
		tmp[13] = 0;
		memcpy(out->role_id + 7, tmp, 14);
	}
	pthread_rwlock_unlock(&a->lock);
}

void
auth_issued_done(struct auth_issued *out)
{
	xwipe(out->secret, sizeof(out->secret));
	xfree_secret(out->token);
	out->token = NULL;
}

int
auth_nsessions(struct auth *a)
{
	int n;

	pthread_rwlock_rdlock(&a->lock);
	n = (int)a->n;
	pthread_rwlock_unlock(&a->lock);
	return n;
}

void
auth_arn(const struct call *c, const struct principal *p, char *out, size_t len)
{
	const struct org *o = c->org;

	if (p->kind == WHO_USER)
		snprintf(out, len, "arn:aws:iam::%s:user/%s", o->accounts[p->account].id, o->admin_user);
	else
		snprintf(out, len, "arn:aws:sts::%s:assumed-role/%s/%s", o->accounts[p->account].id,
		    p->role, p->session);
}

/* The auth error in the call's protocol. which: see the table in auth_check(). */
enum { AE_MISSING, AE_INCOMPLETE, AE_UNKNOWN_KEY, AE_BAD_SIG, AE_EXPIRED, AE_SKEW };

static void
auth__error(struct call *c, int which, const char *msg)
{
	/* STS answers a skewed clock with SignatureDoesNotMatch ("Signature expired: ...")
	 * and an expired session with ExpiredToken, both 403. */
	static const char *const query[] = {"MissingAuthenticationToken", "IncompleteSignature",
		"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
		"SignatureDoesNotMatch"};
	static const char *const json[] = {"MissingAuthenticationTokenException",
		"IncompleteSignatureException", "UnrecognizedClientException",
		"InvalidSignatureException", "ExpiredTokenException", "InvalidSignatureException"};
	static const int qstatus[] = {403, 403, 403, 403, 403, 403};
	int proto = c->svc ? c->svc->proto : PROTO_JSON;

	atomic_fetch_add(&c->sim->stats.auth_errors, 1);
	switch (proto) {
	case PROTO_QUERY:
		call_error(c, qstatus[which], query[which], "%s", msg);
		break;
	case PROTO_EC2:
		if (which == AE_SKEW || which == AE_EXPIRED)
			call_error(c, 400, which == AE_SKEW ? "RequestExpired" : "RequestExpired", "%s", msg);
		else if (which == AE_MISSING || which == AE_INCOMPLETE)
			call_error(c, 401, "AuthFailure", "%s", msg);
		else
			call_error(c, 401, "AuthFailure", "AWS was not able to validate the provided "
			    "access credentials");
		break;
	case PROTO_RESTJSON:
		call_error(c, 403, json[which], "%s", msg);
		break;
	default:
		call_error(c, 400, json[which], "%s", msg);
		break;
	}
}

/* Splits "AWS4-HMAC-SHA256 Credential=K/D/R/S/aws4_request, SignedHeaders=.., Signature=..". */
static int
auth__parse(const char *v, struct sigv4_authz *z)
{
	const char *p;
	char *cause = NULL;
	int rc;

	rc = sigv4_parse_authorization(v, z, &cause);
	free(cause);
	if (rc < 0)
		return -1;
	p = z->access_key_id;
	return *p ? 0 : -1;
}

static int
auth__lookup(struct auth *a, const char *akid, struct session *out, char **secret, char **token)
{
	size_t j;

	*secret = *token = NULL;
	if (strcmp(akid, a->static_key) == 0) {
		memset(out, 0, sizeof(*out));
		out->kind = WHO_USER;
		out->account = a->sim->org->mgmt;
		*secret = xstrdup(a->static_secret);
		return 0;
	}
	pthread_rwlock_rdlock(&a->lock);
	if (!a->idx_cap) {
		pthread_rwlock_unlock(&a->lock);
		return -1;
	}
	j = auth__slot(a, akid);
	while (a->idx[j]) {
		struct session *s = &a->s[a->idx[j] - 1];
		if (strcmp(s->akid, akid) == 0) {
			*out = *s;
			out->secret = out->token = NULL;
			*secret = xstrdup(s->secret);
			*token = xstrdup(s->token);
			pthread_rwlock_unlock(&a->lock);
			return 0;
		}
		j = (j + 1) & (a->idx_cap - 1);
	}
	pthread_rwlock_unlock(&a->lock);
	return -1;
}

static int
auth__time(const char *s, time_t *out)
{
	double t;
	char iso[32];

	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6, s + 9, s + 11,
	    s + 13);
	if (util_parse_time(iso, &t) < 0)
		return -1;
	*out = (time_t)t;
	return 0;
}

static int
auth__signed_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (strncmp(p, name, n) == 0 && (p[n] == ';' || p[n] == 0))
			return 1;
		p = strchr(p, ';');
		if (p)
			p++;
	}
	return 0;
}

int
auth_check(struct call *c)
{
	struct auth *a = c->sim->auth;
	const char *authz = call_header(c, "Authorization"), *date, *tokhdr, *host;
	struct sigv4_authz z;
	struct session s;
	char *secret = NULL, *token = NULL, *cause = NULL, now_s[17], lim_s[17];
	time_t when, now = time(NULL);
	struct sigv4_credentials cr;
	struct sigv4_request rq;
	struct sigv4_result res;
	struct sigv4_header hv[CALL_MAX_HDRS];
	int i, rc = -1;
	int skew = c->svc && c->svc->proto == PROTO_QUERY ? SKEW_MAX_STS : SKEW_MAX;

	if (!authz) {
		auth__error(c, AE_MISSING, "Request is missing Authentication Token");
		return -1;
	}
	if (auth__parse(authz, &z) < 0) {
		auth__error(c, AE_INCOMPLETE,
		    "Authorization header requires 'Credential' parameter. Authorization header "
		    "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
		    "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
		    "a 'Date' header.");
		return -1;
	}
	date = call_header(c, "X-Amz-Date");
	if (!date || auth__time(date, &when) < 0) {
		auth__error(c, AE_INCOMPLETE,
		    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
		    "header.");
		return -1;
	}
	if (!auth__signed_has(z.signed_headers, "host")) {
		auth__error(c, AE_INCOMPLETE,
		    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
		return -1;
	}
	if (auth__lookup(a, z.access_key_id, &s, &secret, &token) < 0) {
		auth__error(c, AE_UNKNOWN_KEY, "The security token included in the request is invalid.");
		return -1;
	}
	tokhdr = call_header(c, "X-Amz-Security-Token");
	if ((token && (!tokhdr || strlen(tokhdr) != strlen(token) ||
	    CRYPTO_memcmp(tokhdr, token, strlen(token)) != 0)) || (!token && tokhdr)) {
		auth__error(c, AE_UNKNOWN_KEY, "The security token included in the request is invalid.");
		goto out;
	}
	if (token && (double)now >= s.expires) {
		auth__error(c, AE_EXPIRED, "The security token included in the request is expired");
		goto out;
	}
	if (when < now - skew || when > now + skew) {
		struct tm tm;
		time_t lim = when < now ? now - skew : now + skew;
		char msg[160];
		gmtime_r(&now, &tm);
		strftime(now_s, sizeof(now_s), "%Y%m%dT%H%M%SZ", &tm);
		gmtime_r(&lim, &tm);
		strftime(lim_s, sizeof(lim_s), "%Y%m%dT%H%M%SZ", &tm);
		if (when < now)
			snprintf(msg, sizeof(msg),
			    "Signature expired: %s is now earlier than %s (%s - %d min.)", date, lim_s,
			    now_s, skew / 60);
		else
			snprintf(msg, sizeof(msg),
			    "Signature not yet current: %s is still later than %s (%s + %d min.)", date,
			    lim_s, now_s, skew / 60);
		auth__error(c, AE_SKEW, msg);
		goto out;
	}
	if (strncmp(date, z.date, 8) != 0) {
		auth__error(c, AE_BAD_SIG, "Date in Credential scope does not match YYYYMMDD from "
		    "ISO-8601 version of date from HTTP");
		goto out;
	}
	host = call_header(c, "Host");
	for (i = 0; i < c->nhdrs; i++) {
		hv[i].name = c->hdrs[i].name;
		hv[i].value = c->hdrs[i].value;
	}
	memset(&cr, 0, sizeof(cr));
	cr.access_key_id = z.access_key_id;
	cr.secret_access_key = secret;
	cr.session_token = token;
	memset(&rq, 0, sizeof(rq));
	rq.method = c->method;
	rq.host = host ? host : "";
	rq.path = c->raw_path;
	rq.query = c->raw_query;
	rq.headers = hv;
	rq.nheaders = (size_t)c->nhdrs;
	rq.body = c->body;
	rq.body_len = c->body_len;
	rq.region = z.region;
	rq.service = z.service;
	rq.when = when;
	rq.only_signed = z.signed_headers;
	memset(&res, 0, sizeof(res));
	if (sigv4_sign(auth__cache(), &cr, &rq, &res, &cause) < 0 ||
	    strlen(z.signature) != 64 || CRYPTO_memcmp(res.signature, z.signature, 64) != 0) {
		auth__error(c, AE_BAD_SIG,
		    "The request signature we calculated does not match the signature you provided. "
		    "Check your AWS Secret Access Key and signing method. Consult the service "
		    "documentation for details.");
		free(cause);
		sigv4_result_done(&res);
		goto out;
	}
	sigv4_result_done(&res);
	memset(&c->who, 0, sizeof(c->who));
	c->who.kind = s.kind;
	c->who.account = s.account;
	c->who.chained = s.chained;
	c->who.expires = s.expires;
	snprintf(c->who.akid, sizeof(c->who.akid), "%.39s", z.access_key_id);
	snprintf(c->who.role, sizeof(c->who.role), "%s", s.role);
	snprintf(c->who.session, sizeof(c->who.session), "%s", s.name);
	rc = 0;
out:
	xfree_secret(secret);
	xfree_secret(token);
	return rc;
}
