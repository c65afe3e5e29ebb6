/*
 * creds_parse.h: the JSON documents credential sources hand us (internal to
 * the creds module, its tests and its fuzz targets).
 *
 * Every parser reads untrusted bytes, copies what it needs, wipes the parsed
 * tree (it held secrets) and deletes it before returning. On failure it
 * returns -1 with *cause (a sentence that never quotes a secret) and leaves
 * its outputs untouched.
 */
#ifndef ORGTOP_CREDS_PARSE_H
#define ORGTOP_CREDS_PARSE_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct creds;

/*
 * credential_process output (botocore ProcessProvider): an object with
 * "Version": 1, "AccessKeyId", "SecretAccessKey", optional "SessionToken"
 * and optional "Expiration" (ISO 8601; without it the credentials never
 * expire). *out is a new reference.
 */
int creds_parse_process_output(const char *json, size_t len, struct creds **out, char **cause);

/*
 * An SSO token cache file (~/.aws/sso/cache/<sha1>.json, written by `aws sso
 * login`): "accessToken" and "expiresAt" are required. *access_token is
 * the caller's (free it with xfree_secret); *expires_at is epoch seconds.
 */
int creds_parse_sso_token(const char *json, size_t len, char **access_token, double *expires_at,
                          char **cause);

/*
 * IMDS and container credentials: "AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration" (ISO 8601). IMDS answers may carry "Code": anything but
 * "Success" is an error, with its "Message".
 */
int creds_parse_metadata(const char *json, size_t len, struct creds **out, char **cause);

/*
 * The SSO portal's GetRoleCredentials answer (already parsed by the
 * client; borrowed): roleCredentials {accessKeyId, secretAccessKey,
 * sessionToken, expiration in epoch milliseconds}.
 */
int creds_parse_role_credentials(const cJSON *answer, struct creds **out, char **cause);

/*
 * The AWS CLI's credential cache entry (~/.aws/cli/cache/<sha1>.json):
 * {"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken",
 * "Expiration"}}, Expiration as "...Z" or the CLI's "...UTC".
 */
int creds_parse_cli_cache(const char *json, size_t len, struct creds **out, char **cause);

/* Wipes every string and number in a cJSON tree (call before cJSON_Delete). NULL-safe. */
void creds_json_wipe(cJSON *item);

#endif
