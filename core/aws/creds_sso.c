/*
 * creds_sso.c: IAM Identity Center (SSO) credentials, as botocore's
 * SSOProvider gets them.
 *
 * `aws sso login` leaves an access token in ~/.aws/sso/cache/<sha1>.json,
 * keyed by the sso-session name (sso_session profiles) or by the start URL
 * (legacy profiles). Each fetch reads that file (so a new login is picked up
 * without a restart), and calls the portal's GetRoleCredentials with the
 * token: unsigned, the token in the x-amz-sso_bearer_token header, the
 * expiration in epoch milliseconds. A missing, expired or refused token is
 * an expired SSO session (sso_expired = 1): the one message a user needs is
 * "run aws sso login --profile X".
 *
 * Not done: refreshing the token through SSO OIDC CreateToken (the CLI
 * does it for sso-session profiles within 15 minutes of expiry); orgtop
 * asks for a new login instead.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/aws/client.h"
#include "core/aws/creds_parse.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define CREDS_SSO_CACHE_MAX (256 * 1024)

struct creds_sso;

struct creds_sso_job {
	struct creds_sso *owner; /* NULL once orphaned */
	struct aws_call *call;
};

struct creds_sso {
	struct aws_client *client;
	char *profile;
	char *start_url;
	char *region;
	char *account_id;
	char *role_name;
	char *session;    /* the sso-session name, or NULL (legacy) */
	char *token_path; /* ~/.aws/sso/cache/<sha1>.json */
	struct creds_provider *p;
	struct creds_sso_job *job;
};

char *
creds__sso_cache_key(const char *start_url, const char *session)
{
	const char *in = session != NULL ? session : start_url;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (EVP_Digest(in, strlen(in), md, &mdlen, EVP_sha1(), NULL) != 1)
		mdlen = 0;
	util_hex(md, mdlen, hex);
	return xstrdup(hex);
}

static void
creds_sso_expired(struct creds_sso *s, const char *why)
{
	char *msg = xasprintf("SSO session for profile %s %s: run `aws sso login --profile %s`",
	                      s->profile, why, s->profile);

	creds__fetch_done(s->p, NULL, msg, 1);
	free(msg);
}

/* Reads the token; 0 with *token, or -1 after reporting the failure. */
static int
creds_sso_read_token(struct creds_sso *s, char **token)
{
	struct stat st;
	char *text, *cause = NULL, *msg;
	double exp = 0;
	ssize_t n;
	int fd, r;

	fd = open(s->token_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		creds_sso_expired(s, "has no login (no token in the SSO cache)");
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CREDS_SSO_CACHE_MAX) {
		msg =
		    xasprintf("profile %s: cannot read the SSO token cache %s: %s", s->profile,
		              s->token_path, fd < 0 ? strerror(errno) : "not a small regular file");
		if (fd >= 0)
			close(fd);
		creds__fetch_done(s->p, NULL, msg, 0);
		free(msg);
		return -1;
	}
	text = xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	r = creds_parse_sso_token(text, n > 0 ? (size_t)n : 0, token, &exp, &cause);
	xwipe(text, (size_t)st.st_size);
	free(text);
	if (r < 0) {
		/* botocore: "Token for X is invalid"; a new login rewrites the file. */
		char *why = xasprintf("has an unreadable token (%s)", cause);

		creds_sso_expired(s, why);
		free(why);
		free(cause);
		return -1;
	}
	if (exp <= creds__clock()) {
		xfree_secret(*token);
		*token = NULL;
		creds_sso_expired(s, "expired");
		return -1;
	}
	return 0;
}

static void
creds_sso_done_cb(const struct aws_result *res, void *arg)
{
	struct creds_sso_job *job = arg;
	struct creds_sso *s = job->owner;
	struct creds *c = NULL;
	char *cause = NULL, *msg;

	free(job);
	if (s == NULL)
		return;
	s->job = NULL;
	if (res->err == AWS_OK) {
		if (creds_parse_role_credentials(res->json, &c, &cause) == 0) {
			creds__fetch_done(s->p, c, NULL, 0);
			return;
		}
		msg = xasprintf("profile %s: %s", s->profile, cause);
		free(cause);
		creds__fetch_done(s->p, NULL, msg, 0);
		free(msg);
		return;
	}
	if (res->status == 401 || strcmp(res->code, "UnauthorizedException") == 0) {
		creds_sso_expired(s, "expired (the portal refused the token)");
		return;
	}
	msg = xasprintf(
	    "profile %s: SSO GetRoleCredentials for role %s in account %s failed: %s%s%s",
	    s->profile, s->role_name, s->account_id, res->code, res->code[0] != '\0' ? ": " : "",
	    res->message[0] != '\0' ? res->message : aws_err_name(res->err));
	creds__fetch_done(s->p, NULL, msg, 0);
	free(msg);
}

static void
creds_sso_fetch(struct creds_provider *p)
{
	struct creds_sso *s = creds__provider_impl(p);
	struct creds_sso_job *job;
	struct aws_call *call;
	struct aws_request req;
	char *token = NULL;
	cJSON *params;

	s->p = p;
	if (creds_sso_read_token(s, &token) < 0)
		return;
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "role_name", s->role_name);
	cJSON_AddStringToObject(params, "account_id", s->account_id);
	cJSON_AddStringToObject(params, "x-amz-sso_bearer_token", token);
	xfree_secret(token);
	memset(&req, 0, sizeof req);
	req.service = AWS_SVC_SSO_PORTAL;
	req.operation = "GetRoleCredentials";
	req.region = s->region;
	req.params = params;
	req.account = s->account_id;
	job = xcalloc(1, sizeof *job);
	job->owner = s;
	s->job = job;
	call = aws_client_call(s->client, &req, creds_sso_done_cb, job);
	/* NULL only when the client is being freed: the callback already ran and freed job. */
	if (call != NULL)
		job->call = call;
	creds_json_wipe(params);
	cJSON_Delete(params);
}

static void
creds_sso_cancel(struct creds_provider *p)
{
	struct creds_sso *s = creds__provider_impl(p);

	if (s->job == NULL)
		return;
	s->job->owner = NULL;
	aws_call_cancel(s->job->call);
	s->job = NULL;
}

static void
creds_sso_free(struct creds_provider *p)
{
	struct creds_sso *s = creds__provider_impl(p);

	creds_sso_cancel(p);
	free(s->profile);
	free(s->start_url);
	free(s->region);
	free(s->account_id);
	free(s->role_name);
	free(s->session);
	free(s->token_path);
	free(s);
}

static const struct creds_provider_ops creds_sso_ops = {
    .kind = "sso",
    .fetch = creds_sso_fetch,
    .cancel = creds_sso_cancel,
    .free = creds_sso_free,
};

struct creds_provider *
creds__sso_new(const struct creds_sso_params *a)
{
	struct creds_sso *s = xcalloc(1, sizeof *s);
	struct creds_provider *p;
	char *key, *desc;

	s->client = a->client;
	s->profile = xstrdup(a->profile);
	s->start_url = xstrdup(a->start_url);
	s->region = xstrdup(a->region);
	s->account_id = xstrdup(a->account_id);
	s->role_name = xstrdup(a->role_name);
	s->session = a->session != NULL ? xstrdup(a->session) : NULL;
	key = creds__sso_cache_key(a->start_url, a->session);
	s->token_path = xasprintf("%s/%s.json", a->cache_dir, key);
	free(key);
	desc = xasprintf("profile %s (sso)", a->profile);
	p = creds__provider_new(&creds_sso_ops, s, desc);
	free(desc);
	s->p = p;
	return p;
}
