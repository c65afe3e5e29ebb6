// seeds: tests/data/creds/ssocache
/*
 * fuzz_ssocache.c: the SSO token cache file parser (~/.aws/sso/cache/SHA1.json)
 * and the portal's GetRoleCredentials answer reader on the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "core/aws/creds.h"
#include "core/aws/creds_parse.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = NULL, *cause = NULL;
	double exp = -1;
	struct creds *c = NULL;
	cJSON *root;

	if (creds_parse_sso_token((const char *)data, size, &token, &exp, &cause) == 0) {
		if (token == NULL || token[0] == '\0' || exp <= 0 || cause != NULL)
			abort();
		xfree_secret(token);
	} else if (token != NULL || cause == NULL) {
		abort();
	}
	free(cause);
	cause = NULL;
	root = cJSON_ParseWithLength((const char *)data, size);
	if (root != NULL) {
		if (creds_parse_role_credentials(root, &c, &cause) == 0)
			creds_unref(c);
		free(cause);
		creds_json_wipe(root);
		cJSON_Delete(root);
	}
	return 0;
}
