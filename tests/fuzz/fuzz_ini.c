// seeds: tests/data/ini
/*
 * fuzz_ini.c: the AWS config/credentials parser on arbitrary bytes, then
 * every accessor on what it returns, and the word splitter on the same input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini *ini = NULL;
	char *cause = NULL, *s, **words;
	size_t n;

	if (ini_parse("fuzz", (const char *)data, size, &ini, &cause) == 0) {
		for (size_t i = 0; i < ini_section_count(ini); i++) {
			const struct ini_section *sec = ini_section_at(ini, i);

			if (ini_find(ini, ini_section_name(sec)) != sec)
				abort();
			for (size_t k = 0; k < ini_key_count(sec); k++) {
				const char *key = ini_key_at(sec, k);

				if (ini_get(sec, key) == NULL || ini_where(sec, key, NULL) <= 0)
					abort();
				if (ini_is_sub(sec, key))
					(void)ini_get_sub(sec, key, "endpoint_url");
			}
		}
		ini_free(ini);
	} else if (cause == NULL || strncmp(cause, "fuzz:", 5) != 0) {
		abort();
	}
	free(cause);
	cause = NULL;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (ini_split_words(s, &words, &n, &cause) == 0) {
		if (words[n] != NULL)
			abort();
		ini_words_free(words);
	}
	free(cause);
	free(s);
	return 0;
}
