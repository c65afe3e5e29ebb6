// seeds: tests/data/config
/*
 * fuzz_config.c: orgtop's config file parser on arbitrary bytes. Accepted
 * text must give settings that pass their own checks and that
 * config_write() prints as a file that parses back to the same settings;
 * refused text must come with a FILE:LINE message and change nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, back;
	struct buf a, b;
	char *cause = NULL;

	config_init(&c);
	config_init(&back);
	buf_init(&a);
	buf_init(&b);
	if (config_parse(&c, (const char *)data, size, "fuzz", ignore, NULL, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "fuzz:", 5) != 0 || c.set != 0)
			abort();
		goto out;
	}
	if (config_check(&c, NULL) != 0)
		abort();
	config_write(&c, &a);
	if (config_parse(&back, a.data, a.len, "written", NULL, NULL, &cause) != 0)
		abort();
	config_write(&back, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
out:
	free(cause);
	buf_done(&a);
	buf_done(&b);
	config_done(&c);
	config_done(&back);
	return 0;
}
