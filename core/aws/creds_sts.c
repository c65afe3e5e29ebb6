/*
 * creds_sts.c: credentials from STS: AssumeRole (assume-role profiles,
 * chained roles, and orgtop's cross-account step) and
 * AssumeRoleWithWebIdentity (web_identity_token_file).
 *
 * AssumeRole goes through the AWS client (query protocol, XML answer),
 * signed with the source provider, which the client asks itself (and
 * refreshes after an ExpiredToken). The result is cached by the provider
 * machinery and refreshed in the advisory window, 15 minutes before expiry.
 *
 * For profiles, the AWS CLI's own cache (~/.aws/cli/cache/<sha1>.json,
 * botocore's JSONFileCache keyed by the AssumeRole arguments) is read on the
 * first fetch, so a role the CLI assumed recently (often with an MFA code) is
 * reused as `aws` would. orgtop never writes that cache: it puts no secret
 * on disk.
 *
 * An MFA code is asked once, before the dashboard starts (the chain does
 * it), and used for the first AssumeRole. A code cannot be used twice, so
 * when that session ends the refresh fails and says to restart orgtop.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/aws/client.h"
#include "core/aws/creds_parse.h"
#include "core/aws/xml.h"
#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"

/* A CLI cache entry is used only with more than this left (botocore's expiry window). */
#define CREDS_CLI_CACHE_WINDOW (15 * 60)
#define CREDS_CLI_CACHE_MAX    (256 * 1024)

struct creds_sts;

/* One AssumeRole call in flight; outlives the provider if it is freed meanwhile. */
struct creds_sts_job {
	struct creds_sts *owner; /* NULL once orphaned */
	struct aws_call *call;
};

struct creds_sts {
	struct aws_client *client;
	struct creds_provider *source; /* NULL for web identity */
	int own_source;
	char *role_arn;
	char *session_name;
	int session_generated;
	char *external_id;
	char *mfa_serial;
	char *mfa_code; /* for the first call only; wiped after */
	int duration_s;
	char *label;      /* "profile member-ro" or the role ARN: for messages */
	char *token_file; /* web identity */
	char *cache_path; /* the CLI cache entry to try first, or NULL */
	struct creds_provider *p;
	struct creds_sts_job *job;
};

/* Python's json.dumps() string encoding (ensure_ascii), for the CLI cache key. */
static void
creds_sts_json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_addc(b, '"');
	while (*p != '\0') {
		unsigned long cp = *p;
		int extra = 0;

		if (cp >= 0xf0 && cp < 0xf8) {
			cp &= 0x07;
			extra = 3;
		} else if (cp >= 0xe0) {
			cp &= 0x0f;
			extra = 2;
		} else if (cp >= 0xc0) {
			cp &= 0x1f;
			extra = 1;
		}
		p++;
		for (; extra > 0; extra--, p++) {
			if ((*p & 0xc0) != 0x80) {
				cp = 0xfffd;
				break;
			}
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp == '"' || cp == '\\') {
			buf_printf(b, "\\%c", (char)cp);
		} else if (cp == '\n') {
			buf_adds(b, "\\n");
		} else if (cp == '\r') {
			buf_adds(b, "\\r");
		} else if (cp == '\t') {
			buf_adds(b, "\\t");
		} else if (cp == '\b') {
			buf_adds(b, "\\b");
		} else if (cp == '\f') {
			buf_adds(b, "\\f");
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0x10000)) {
			buf_printf(b, "\\u%04lx", cp);
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_printf(b, "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10),
			           0xdc00 + (cp & 0x3ff));
		} else {
			buf_addc(b, (char)cp);
		}
	}
	buf_addc(b, '"');
}

/*
 * botocore's cache key for an AssumeRole: the SHA-1 of json.dumps(args,
 * sort_keys=True), without a generated RoleSessionName. Caller frees.
 */
char *
creds__assume_role_cache_key(const char *role_arn, const char *session_name,
                             const char *external_id, const char *mfa_serial, int duration_s)
{
	struct buf b;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *sep = "";

	buf_init(&b);
	buf_addc(&b, '{');
	/* Sorted: DurationSeconds, ExternalId, RoleArn, RoleSessionName, SerialNumber. */
	if (duration_s > 0) {
		buf_printf(&b, "\"DurationSeconds\": %d", duration_s);
		sep = ", ";
	}
	if (external_id != NULL) {
		buf_printf(&b, "%s\"ExternalId\": ", sep);
		creds_sts_json_string(&b, external_id);
		sep = ", ";
	}
	buf_printf(&b, "%s\"RoleArn\": ", sep);
	creds_sts_json_string(&b, role_arn);
	if (session_name != NULL) {
		buf_adds(&b, ", \"RoleSessionName\": ");
		creds_sts_json_string(&b, session_name);
	}
	if (mfa_serial != NULL) {
		buf_adds(&b, ", \"SerialNumber\": ");
		creds_sts_json_string(&b, mfa_serial);
	}
	buf_addc(&b, '}');
	if (EVP_Digest(b.data, b.len, md, &mdlen, EVP_sha1(), NULL) != 1)
		mdlen = 0;
	buf_done(&b);
	util_hex(md, mdlen, hex);
	return xstrdup(hex);
}

/* Reads a CLI cache entry; NULL if absent, unreadable, malformed or too close to expiry. */
static struct creds *
creds_sts_read_cli_cache(const char *path)
{
	struct creds *c = NULL;
	char *text, *cause = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CREDS_CLI_CACHE_MAX) {
		close(fd);
		return NULL;
	}
	text = xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n > 0 && creds_parse_cli_cache(text, (size_t)n, &c, &cause) < 0)
		c = NULL;
	free(cause);
	xwipe(text, (size_t)st.st_size);
	free(text);
	if (c != NULL && creds_expiration(c) - creds__clock() <= CREDS_CLI_CACHE_WINDOW) {
		creds_unref(c);
		c = NULL;
	}
	return c;
}

static void
creds_sts_done_cb(const struct aws_result *res, void *arg)
{
	struct creds_sts_job *job = arg;
	struct creds_sts *s = job->owner;
	const char *op;
	struct creds *c = NULL;
	double exp = 0;
	char *msg = NULL;

	free(job);
	if (s == NULL)
		return; /* orphaned: the provider is gone */
	s->job = NULL;
	op = s->source != NULL ? "AssumeRole" : "AssumeRoleWithWebIdentity";
	if (res->err == AWS_OK) {
		const char *akid = xml_path_text(res->xml, "Credentials/AccessKeyId");
		const char *secret = xml_path_text(res->xml, "Credentials/SecretAccessKey");
		const char *token = xml_path_text(res->xml, "Credentials/SessionToken");
		const char *when = xml_path_text(res->xml, "Credentials/Expiration");

		if (akid == NULL || *akid == '\0' || secret == NULL || *secret == '\0' ||
		    token == NULL || *token == '\0' || when == NULL ||
		    util_parse_time(when, &exp) < 0) {
			msg = xasprintf("%s: %s into %s: the answer lacks credentials or their "
			                "Expiration",
			                s->label, op, s->role_arn);
		} else {
			c = creds_new(akid, secret, token, exp);
		}
	} else if (res->err == AWS_ERR_CREDENTIALS) {
		msg = xasprintf("%s: no source credentials for %s into %s: %s", s->label, op,
		                s->role_arn, res->message);
	} else if (res->code[0] != '\0') {
		msg = xasprintf("%s: %s into %s failed: %s: %s", s->label, op, s->role_arn,
		                res->code, res->message);
	} else {
		msg = xasprintf("%s: %s into %s failed: %s", s->label, op, s->role_arn,
		                res->message[0] != '\0' ? res->message : aws_err_name(res->err));
	}
	creds__fetch_done(s->p, c, msg, res->sso_expired);
	free(msg);
}

/* Reads the web identity token file; NULL with *cause. Caller frees with xfree_secret. */
static char *
creds_sts_read_token_file(const struct creds_sts *s, char **cause)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	fd = open(s->token_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*cause = xasprintf("%s: cannot read web_identity_token_file %s: %s", s->label,
		                   s->token_file, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n <= 0 || b.len > 64 * 1024)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	xwipe(chunk, sizeof chunk);
	close(fd);
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (b.len == 0) {
		buf_done_secret(&b);
		*cause =
		    xasprintf("%s: web_identity_token_file %s is empty", s->label, s->token_file);
		return NULL;
	}
	{
		char *t = xstrndup(b.data, b.len);

		buf_done_secret(&b);
		return t;
	}
}

static void
creds_sts_fetch(struct creds_provider *p)
{
	struct creds_sts *s = creds__provider_impl(p);
	struct aws_request req;
	struct creds_sts_job *job;
	struct aws_call *call;
	cJSON *params;
	char *token = NULL, *cause = NULL;

	s->p = p;
	if (s->cache_path != NULL) {
		struct creds *c = creds_sts_read_cli_cache(s->cache_path);

		/* Only ever the first fetch: after an ExpiredToken the cache must not come back. */
		free(s->cache_path);
		s->cache_path = NULL;
		if (c != NULL) {
			xfree_secret(s->mfa_code);
			s->mfa_code = NULL;
			creds__fetch_done(p, c, NULL, 0);
			return;
		}
	}
	if (s->mfa_serial != NULL && s->mfa_code == NULL) {
		char *msg = xasprintf("%s: the MFA-protected session ended and an MFA code cannot "
		                      "be asked while the dashboard runs: restart orgtop",
		                      s->label);

		creds__fetch_done(p, NULL, msg, 0);
		free(msg);
		return;
	}
	if (s->token_file != NULL) {
		token = creds_sts_read_token_file(s, &cause);
		if (token == NULL) {
			creds__fetch_done(p, NULL, cause, 0);
			free(cause);
			return;
		}
	}
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "RoleArn", s->role_arn);
	cJSON_AddStringToObject(params, "RoleSessionName", s->session_name);
	if (token != NULL)
		cJSON_AddStringToObject(params, "WebIdentityToken", token);
	if (s->duration_s > 0)
		cJSON_AddNumberToObject(params, "DurationSeconds", s->duration_s);
	if (s->external_id != NULL)
		cJSON_AddStringToObject(params, "ExternalId", s->external_id);
	if (s->mfa_serial != NULL) {
		cJSON_AddStringToObject(params, "SerialNumber", s->mfa_serial);
		cJSON_AddStringToObject(params, "TokenCode", s->mfa_code);
		xfree_secret(s->mfa_code);
		s->mfa_code = NULL;
	}
	xfree_secret(token);
	memset(&req, 0, sizeof req);
	req.service = AWS_SVC_STS;
	req.operation = s->source != NULL ? "AssumeRole" : "AssumeRoleWithWebIdentity";
	req.params = params;
	req.creds = s->source; /* NULL: AssumeRoleWithWebIdentity is unsigned */
	job = xcalloc(1, sizeof *job);
	job->owner = s;
	s->job = job;
	call = aws_client_call(s->client, &req, creds_sts_done_cb, job);
	/* NULL only when the client is being freed: the callback already ran and freed job. */
	if (call != NULL)
		job->call = call;
	creds_json_wipe(params);
	cJSON_Delete(params);
}

static void
creds_sts_cancel(struct creds_provider *p)
{
	struct creds_sts *s = creds__provider_impl(p);

	if (s->job == NULL)
		return;
	/* The callback still comes, from the loop: it frees the orphaned job. */
	s->job->owner = NULL;
	aws_call_cancel(s->job->call);
	s->job = NULL;
}

static void
creds_sts_free(struct creds_provider *p)
{
	struct creds_sts *s = creds__provider_impl(p);

	creds_sts_cancel(p);
	if (s->own_source)
		creds_provider_free(s->source);
	free(s->role_arn);
	free(s->session_name);
	free(s->external_id);
	free(s->mfa_serial);
	xfree_secret(s->mfa_code);
	free(s->label);
	free(s->token_file);
	free(s->cache_path);
	free(s);
}

static const struct creds_provider_ops creds_sts_ops = {
    .kind = "assume-role",
    .fetch = creds_sts_fetch,
    .cancel = creds_sts_cancel,
    .free = creds_sts_free,
};

static char *
creds_sts_default_session(void)
{
	return xasprintf("orgtop-%lld", (long long)time(NULL));
}

struct creds_provider *
creds__assume_role_new(const struct creds_assume_role_params *a)
{
	struct creds_sts *s = xcalloc(1, sizeof *s);
	struct creds_provider *p;
	char *desc;

	s->client = a->client;
	s->source = a->source;
	s->own_source = a->own_source;
	s->role_arn = xstrdup(a->role_arn);
	s->session_generated = a->session_name == NULL || *a->session_name == '\0';
	s->session_name =
	    s->session_generated ? creds_sts_default_session() : xstrdup(a->session_name);
	s->external_id = a->external_id != NULL ? xstrdup(a->external_id) : NULL;
	s->mfa_serial = a->mfa_serial != NULL ? xstrdup(a->mfa_serial) : NULL;
	s->mfa_code = a->mfa_code;
	s->duration_s = a->duration_s;
	s->label = a->profile != NULL ? xasprintf("profile '%s'", a->profile)
	                              : xasprintf("role %s", a->role_arn);
	if (a->cli_cache_dir != NULL) {
		char *key = creds__assume_role_cache_key(
		    s->role_arn, s->session_generated ? NULL : s->session_name, s->external_id,
		    s->mfa_serial, s->duration_s);

		s->cache_path = xasprintf("%s/%s.json", a->cli_cache_dir, key);
		free(key);
	}
	desc = a->profile != NULL ? xasprintf("profile %s (assume-role)", a->profile)
	                          : xasprintf("assume-role %s", a->role_arn);
	p = creds__provider_new(&creds_sts_ops, s, desc);
	free(desc);
	s->p = p;
	return p;
}

int
creds__assume_role_cached(const struct creds_assume_role_params *a)
{
	struct creds *c;
	char *key, *path;

	if (a->cli_cache_dir == NULL)
		return 0;
	key = creds__assume_role_cache_key(a->role_arn, a->session_name, a->external_id,
	                                   a->mfa_serial, a->duration_s);
	path = xasprintf("%s/%s.json", a->cli_cache_dir, key);
	c = creds_sts_read_cli_cache(path);
	free(key);
	free(path);
	creds_unref(c);
	return c != NULL;
}

struct creds_provider *
creds_provider_assume_role(struct aws_client *client, struct creds_provider *source,
                           const char *role_arn, const char *session_name, const char *external_id,
                           int duration_s)
{
	struct creds_assume_role_params a;

	memset(&a, 0, sizeof a);
	a.client = client;
	a.source = source;
	a.role_arn = role_arn;
	a.session_name = session_name;
	a.external_id = external_id;
	a.duration_s = duration_s;
	return creds__assume_role_new(&a);
}

struct creds_provider *
creds__web_identity_new(struct aws_client *client, const char *role_arn, const char *session_name,
                        const char *token_file, const char *profile)
{
	struct creds_sts *s = xcalloc(1, sizeof *s);
	struct creds_provider *p;
	char *desc;

	s->client = client;
	s->role_arn = xstrdup(role_arn);
	s->session_generated = session_name == NULL || *session_name == '\0';
	s->session_name =
	    s->session_generated ? creds_sts_default_session() : xstrdup(session_name);
	s->token_file = xstrdup(token_file);
	s->label = profile != NULL ? xasprintf("profile '%s'", profile)
	                           : xstrdup("AWS_WEB_IDENTITY_TOKEN_FILE");
	desc = profile != NULL ? xasprintf("profile %s (web identity)", profile)
	                       : xstrdup("web identity");
	p = creds__provider_new(&creds_sts_ops, s, desc);
	free(desc);
	s->p = p;
	return p;
}
