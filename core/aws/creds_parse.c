/*
 * creds_parse.c: the JSON documents of credential_process, the SSO token
 * cache, IMDS and container credentials, the SSO portal and the CLI cache.
 */
#include "core/aws/creds_parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/creds.h"
#include "core/util.h"
#include "core/xmalloc.h"

/* No credentials document is anywhere near this. */
#define CREDS_JSON_MAX (1024 * 1024)

void
creds_json_wipe(cJSON *item)
{
	for (; item != NULL; item = item->next) {
		if (item->valuestring != NULL)
			xwipe(item->valuestring, strlen(item->valuestring));
		if (item->string != NULL)
			xwipe(item->string, strlen(item->string));
		item->valuedouble = 0;
		item->valueint = 0;
		creds_json_wipe(item->child);
	}
}

static void
creds__json_free(cJSON *root)
{
	creds_json_wipe(root);
	cJSON_Delete(root);
}

/*
 * Parses a whole document that must be one JSON object (no trailing bytes,
 * no NUL inside), as Python's json.loads insists. what names it in errors.
 */
static cJSON *
creds__json_object(const char *json, size_t len, const char *what, char **cause)
{
	char *copy;
	cJSON *root;

	if (len > CREDS_JSON_MAX) {
		*cause = xasprintf("%s is too large (%zu bytes)", what, len);
		return NULL;
	}
	if (memchr(json, '\0', len) != NULL) {
		*cause = xasprintf("%s is not JSON (it holds a NUL byte)", what);
		return NULL;
	}
	copy = xmalloc(len + 1);
	memcpy(copy, json, len);
	copy[len] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len + 1, NULL, 1);
	xwipe(copy, len);
	free(copy);
	if (root == NULL) {
		*cause = xasprintf("%s is not valid JSON", what);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xasprintf("%s is not a JSON object", what);
		creds__json_free(root);
		return NULL;
	}
	return root;
}

/* A member that must be a non-empty string, or NULL with *cause. */
static const char *
creds__req_string(const cJSON *obj, const char *key, const char *what, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || cJSON_IsNull(v)) {
		*cause = xasprintf("%s has no \"%s\"", what, key);
		return NULL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL || *v->valuestring == '\0') {
		*cause = xasprintf("%s: \"%s\" is not a non-empty string", what, key);
		return NULL;
	}
	return v->valuestring;
}

/* An optional string member: 0 with *out (NULL if absent or null), -1 if of another type. */
static int
creds__opt_string(const cJSON *obj, const char *key, const char *what, const char **out,
                  char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		*cause = xasprintf("%s: \"%s\" is not a string", what, key);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

/* An ISO 8601 time member: 0 with *out (0 if absent and optional), -1 if bad or required and
 * absent. */
static int
creds__time(const cJSON *obj, const char *key, int required, const char *what, double *out,
            char **cause)
{
	const char *s;
	double t;

	if (creds__opt_string(obj, key, what, &s, cause) < 0)
		return -1;
	if (s == NULL) {
		if (required) {
			*cause = xasprintf("%s has no \"%s\"", what, key);
			return -1;
		}
		*out = 0;
		return 0;
	}
	if (util_parse_time(s, &t) < 0 || t <= 0) {
		*cause = xasprintf("%s: \"%s\" is not an ISO 8601 time", what, key);
		return -1;
	}
	*out = t;
	return 0;
}

int
creds_parse_process_output(const char *json, size_t len, struct creds **out, char **cause)
{
	static const char what[] = "the credential_process output";
	const char *akid, *secret, *token;
	const cJSON *version;
	double expiration;
	cJSON *root;
	int r = -1;

	root = creds__json_object(json, len, what, cause);
	if (root == NULL)
		return -1;
	version = cJSON_GetObjectItemCaseSensitive(root, "Version");
	if (version == NULL) {
		*cause = xasprintf("%s has no \"Version\" (it must be 1)", what);
		goto out_free;
	}
	if (!cJSON_IsNumber(version) || version->valuedouble != 1) {
		*cause = xasprintf("%s: unsupported \"Version\" (only 1 is supported)", what);
		goto out_free;
	}
	akid = creds__req_string(root, "AccessKeyId", what, cause);
	if (akid == NULL)
		goto out_free;
	secret = creds__req_string(root, "SecretAccessKey", what, cause);
	if (secret == NULL)
		goto out_free;
	if (creds__opt_string(root, "SessionToken", what, &token, cause) < 0 ||
	    creds__time(root, "Expiration", 0, what, &expiration, cause) < 0)
		goto out_free;
	*out = creds_new(akid, secret, token, expiration);
	r = 0;
out_free:
	creds__json_free(root);
	return r;
}

int
creds_parse_sso_token(const char *json, size_t len, char **access_token, double *expires_at,
                      char **cause)
{
	static const char what[] = "the SSO token cache file";
	const char *token;
	double exp;
	cJSON *root;
	int r = -1;

	root = creds__json_object(json, len, what, cause);
	if (root == NULL)
		return -1;
	token = creds__req_string(root, "accessToken", what, cause);
	if (token == NULL || creds__time(root, "expiresAt", 1, what, &exp, cause) < 0)
		goto out_free;
	*access_token = xstrdup(token);
	*expires_at = exp;
	r = 0;
out_free:
	creds__json_free(root);
	return r;
}

int
creds_parse_metadata(const char *json, size_t len, struct creds **out, char **cause)
{
	static const char what[] = "the metadata credentials";
	const char *code, *akid, *secret, *token;
	double exp;
	cJSON *root;
	int r = -1;

	root = creds__json_object(json, len, what, cause);
	if (root == NULL)
		return -1;
	if (creds__opt_string(root, "Code", what, &code, cause) < 0)
		goto out_free;
	if (code != NULL && strcmp(code, "Success") != 0) {
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "Message");

		*cause = xasprintf("%s: code %.64s: %.200s", what, code,
		                   cJSON_IsString(msg) ? msg->valuestring : "(no message)");
		goto out_free;
	}
	akid = creds__req_string(root, "AccessKeyId", what, cause);
	if (akid == NULL)
		goto out_free;
	secret = creds__req_string(root, "SecretAccessKey", what, cause);
	if (secret == NULL)
		goto out_free;
	token = creds__req_string(root, "Token", what, cause);
	if (token == NULL || creds__time(root, "Expiration", 1, what, &exp, cause) < 0)
		goto out_free;
	*out = creds_new(akid, secret, token, exp);
	r = 0;
out_free:
	creds__json_free(root);
	return r;
}

int
creds_parse_role_credentials(const cJSON *answer, struct creds **out, char **cause)
{
	static const char what[] = "the SSO portal's GetRoleCredentials answer";
	const cJSON *rc, *exp;
	const char *akid, *secret, *token;

	rc = cJSON_GetObjectItemCaseSensitive(answer, "roleCredentials");
	if (!cJSON_IsObject(rc)) {
		*cause = xasprintf("%s has no \"roleCredentials\" object", what);
		return -1;
	}
	akid = creds__req_string(rc, "accessKeyId", what, cause);
	if (akid == NULL)
		return -1;
	secret = creds__req_string(rc, "secretAccessKey", what, cause);
	if (secret == NULL)
		return -1;
	token = creds__req_string(rc, "sessionToken", what, cause);
	if (token == NULL)
		return -1;
	exp = cJSON_GetObjectItemCaseSensitive(rc, "expiration");
	if (!cJSON_IsNumber(exp) || !isfinite(exp->valuedouble) || exp->valuedouble <= 0) {
		*cause = xasprintf("%s: \"expiration\" is not a time in milliseconds", what);
		return -1;
	}
	*out = creds_new(akid, secret, token, exp->valuedouble / 1000.0);
	return 0;
}

int
creds_parse_cli_cache(const char *json, size_t len, struct creds **out, char **cause)
{
	static const char what[] = "the CLI cache entry";
	const cJSON *c;
	const char *akid, *secret, *token;
	double exp;
	cJSON *root;
	int r = -1;

	root = creds__json_object(json, len, what, cause);
	if (root == NULL)
		return -1;
	c = cJSON_GetObjectItemCaseSensitive(root, "Credentials");
	if (!cJSON_IsObject(c)) {
		*cause = xasprintf("%s has no \"Credentials\" object", what);
		goto out_free;
	}
	akid = creds__req_string(c, "AccessKeyId", what, cause);
	if (akid == NULL)
		goto out_free;
	secret = creds__req_string(c, "SecretAccessKey", what, cause);
	if (secret == NULL)
		goto out_free;
	if (creds__opt_string(c, "SessionToken", what, &token, cause) < 0 ||
	    creds__time(c, "Expiration", 1, what, &exp, cause) < 0)
		goto out_free;
	*out = creds_new(akid, secret, token, exp);
	r = 0;
out_free:
	creds__json_free(root);
	return r;
}
