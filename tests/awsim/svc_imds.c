/*
 * svc_imds.c: IMDSv2 (token PUT, role name, credentials; a GET without a
 * token gets 401, like an instance configured for v2 only) and the
 * container credentials endpoint (with an Authorization check), both
 * serving sessions in the management account for the credential chain's
 * tests.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/svc.h"

static void
plain(struct call *c, int status, const char *text)
{
	c->status = status;
	c->answered = 1;
	c->ctype = "text/plain";
	buf_reset(&c->out);
	buf_adds(&c->out, text);
}

/* A token is "<expiry hex>.<mac hex>": self-validating, no table. */
static void
imds_mac(const struct call *c, const char *expiry, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), c->sim->token_key, sizeof(c->sim->token_key),
	    (const unsigned char *)expiry, strlen(expiry), md, &len);
	util_hex(md, 16, out);
}

static int
imds_token_ok(const struct call *c)
{
	const char *t = call_header(c, "X-aws-ec2-metadata-token"), *dot;
	char exp[24], mac[33];
	long long e;

	if (!t || !(dot = strchr(t, '.')) || (size_t)(dot - t) >= sizeof(exp))
		return 0;
	snprintf(exp, sizeof(exp), "%.*s", (int)(dot - t), t);
	imds_mac(c, exp, mac);
	if (strlen(dot + 1) != 32 || CRYPTO_memcmp(mac, dot + 1, 32) != 0)
		return 0;
	return util_parse_ll(exp, 0, 1LL << 40, &e) == 0 && (double)e > util_now();
}

static void
creds_json(struct call *c, const char *role, int imds)
{
	struct auth_issued is;
	struct jw w;
	char exp[32], now[32], arn[256];

	auth_session_new(c->sim->auth, c->org->mgmt, role, imds ? "i-0awsim0instance" : "awsim-task",
	    WHO_INSTANCE, 6 * 3600, 0, &is);
	iso_s(is.expires, exp, sizeof(exp));
	iso_s(util_now(), now, sizeof(now));
	call_json(c, &w);
	c->svc = NULL;
	c->ctype = "application/json";
	jw_obj(&w);
	if (imds) {
		jw_kstr(&w, "Code", "Success");
		jw_kstr(&w, "LastUpdated", now);
		jw_kstr(&w, "Type", "AWS-HMAC");
	}
	jw_kstr(&w, "AccessKeyId", is.akid);
	jw_kstr(&w, "SecretAccessKey", is.secret);
	jw_kstr(&w, "Token", is.token);
	jw_kstr(&w, "Expiration", exp);
	if (!imds) {
		snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role/%s", c->org->accounts[c->org->mgmt].id,
		    role);
		jw_kstr(&w, "RoleArn", arn);
		jw_kstr(&w, "AccountId", c->org->accounts[c->org->mgmt].id);
	}
	jw_end(&w);
	auth_issued_done(&is);
}

void
imds_handle(struct call *c)
{
	const char *role = c->sim->imds_role ? c->sim->imds_role : "awsim-instance-role";
	const char *prefix = "/latest/meta-data/iam/security-credentials/";

	if (strcmp(c->raw_path, "/latest/api/token") == 0) {
		const char *ttl = call_header(c, "X-aws-ec2-metadata-token-ttl-seconds");
		long long v;
		char exp[24], mac[33], tok[64];
		if (strcmp(c->method, "PUT") != 0) {
			plain(c, 405, "Method Not Allowed");
			return;
		}
		if (!ttl || util_parse_ll(ttl, 1, 21600, &v) < 0) {
			plain(c, 400, "Bad Request");
			return;
		}
		snprintf(exp, sizeof(exp), "%lld", (long long)util_now() + v);
		imds_mac(c, exp, mac);
		snprintf(tok, sizeof(tok), "%s.%s", exp, mac);
		plain(c, 200, tok);
		return;
	}
	if (strcmp(c->method, "GET") != 0) {
		plain(c, 405, "Method Not Allowed");
		return;
	}
	if (!imds_token_ok(c)) {
		plain(c, 401, "Unauthorized");
		return;
	}
	if (strcmp(c->raw_path, prefix) == 0 || strcmp(c->raw_path, "/latest/meta-data/iam/security-credentials") == 0) {
		plain(c, 200, role);
		return;
	}
	if (strncmp(c->raw_path, prefix, strlen(prefix)) == 0 &&
	    strcmp(c->raw_path + strlen(prefix), role) == 0) {
		creds_json(c, role, 1);
		return;
	}
	plain(c, 404, "Not Found");
}

void
container_handle(struct call *c)
{
	const char *want = c->sim->container_token, *got = call_header(c, "Authorization");

	if (strcmp(c->method, "GET") != 0) {
		plain(c, 405, "Method Not Allowed");
		return;
	}
	if (want && (!got || strlen(got) != strlen(want) ||
	    CRYPTO_memcmp(got, want, strlen(want)) != 0)) {
		c->status = 401;
		c->answered = 1;
		c->ctype = "application/json";
		buf_reset(&c->out);
		buf_adds(&c->out, "{\"code\":\"AccessDeniedException\",\"message\":\"Unable to "
		    "authenticate the request: invalid Authorization header\"}");
		return;
	}
	creds_json(c, "awsim-container-role", 0);
}
