// seeds: tests/data/cache
/*
 * fuzz_cache_load.c: the cache file decoder (header, length, checksum,
 * then the orgtop/1 document) on arbitrary bytes. The checksum makes random
 * bodies fail early, so every other input is also re-wrapped with a correct
 * header to reach the document reader through the cache path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "core/cache.h"
#include "core/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
try_decode(const char *bytes, size_t len)
{
	struct model *m = model_new();
	char *cause = NULL;
	int rc = cache_decode(m, bytes, len, &cause);

	if (rc != 0 && (cause == NULL || (rc != -1 && rc != -2) || model_naccounts(m) != 0))
		abort();
	free(cause);
	model_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sum[32];
	unsigned int n = 32;
	char hex[65];
	struct buf b;

	try_decode((const char *)data, size);
	if (size > 0 && (data[0] & 1)) {
		EVP_Digest(data, size, sum, &n, EVP_sha256(), NULL);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", sum[i]);
		buf_init(&b);
		buf_printf(&b, "orgtop-cache/1 sha256=%s length=%020zu\n", hex, size);
		buf_add(&b, data, size);
		try_decode(b.data, b.len);
		buf_done(&b);
	}
	return 0;
}
