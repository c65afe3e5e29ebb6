// seeds: tests/data/creds/credproc
/*
 * fuzz_credproc.c: the credential_process output parser (and the IMDS /
 * container and CLI cache parsers, which read the same kind of document).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/aws/creds.h"
#include "core/aws/creds_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int r, struct creds *c, char *cause)
{
	if (r == 0) {
		if (c == NULL || cause != NULL || creds_access_key_id(c)[0] == '\0' ||
		    creds_secret_access_key(c)[0] == '\0')
			abort();
		creds_unref(c);
	} else if (c != NULL || cause == NULL) {
		abort();
	}
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	struct creds *c = NULL;
	char *cause = NULL;
	int r;

	r = creds_parse_process_output(json, size, &c, &cause);
	check(r, c, cause);
	c = NULL;
	cause = NULL;
	r = creds_parse_metadata(json, size, &c, &cause);
	check(r, c, cause);
	c = NULL;
	cause = NULL;
	r = creds_parse_cli_cache(json, size, &c, &cause);
	check(r, c, cause);
	return 0;
}
