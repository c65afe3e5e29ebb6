/*
 * fuzz_sigv4_authz.c: sigv4_parse_authorization() on any input.
 *
 * Asserts: no crash; the output untouched on failure and a cause given; on
 * success every field NUL-terminated within its size, the date 8 digits, the
 * signature 64 lower-case hex digits, and the fields written back as a
 * canonical header parse to the same result.
 */
// seeds: tests/fuzz/seeds/authz
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/sigv4.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_sigv4_authz: %s\n", what);                   \
			abort();                                                           \
		}                                                                          \
	} while (0)

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_authz a, b, guard;
	char *s = xstrndup((const char *)data, size), *cause = NULL, *again;

	memset(&guard, 0xA5, sizeof guard);
	memcpy(&a, &guard, sizeof a);
	if (sigv4_parse_authorization(s, &a, &cause) < 0) {
		CHECK(cause != NULL && *cause != '\0', "failure without a cause");
		CHECK(memcmp(&a, &guard, sizeof a) == 0, "output changed on failure");
		free(cause);
		free(s);
		return 0;
	}
	CHECK(cause == NULL, "cause set on success");
	CHECK(terminated(a.access_key_id, sizeof a.access_key_id) && *a.access_key_id,
	    "access key id");
	CHECK(terminated(a.region, sizeof a.region) && *a.region, "region");
	CHECK(terminated(a.service, sizeof a.service) && *a.service, "service");
	CHECK(terminated(a.signed_headers, sizeof a.signed_headers) && *a.signed_headers,
	    "signed headers");
	CHECK(strlen(a.date) == 8 && strspn(a.date, "0123456789") == 8, "date");
	CHECK(strlen(a.signature) == 64 && strspn(a.signature, "0123456789abcdef") == 64,
	    "signature");
	CHECK(strchr(a.access_key_id, '/') == NULL && strchr(a.region, '/') == NULL &&
		strchr(a.service, '/') == NULL,
	    "a '/' inside a credential part");

	again = xasprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
			  "SignedHeaders=%s, Signature=%s",
	    a.access_key_id, a.date, a.region, a.service, a.signed_headers, a.signature);
	memset(&b, 0, sizeof b);
	CHECK(sigv4_parse_authorization(again, &b, NULL) == 0, "canonical form does not parse");
	CHECK(strcmp(a.access_key_id, b.access_key_id) == 0 && strcmp(a.date, b.date) == 0 &&
		strcmp(a.region, b.region) == 0 && strcmp(a.service, b.service) == 0 &&
		strcmp(a.signed_headers, b.signed_headers) == 0 &&
		strcmp(a.signature, b.signature) == 0,
	    "round trip differs");
	free(again);
	free(s);
	return 0;
}
