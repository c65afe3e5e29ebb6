/*
 * fuzz_text.c: the sanitizer's guarantees (core/text.h) on any input.
 *
 * Input: byte 0 chooses the flags, byte 1 the column budget (0 = no limit,
 * else byte - 1), the rest is the untrusted text. Asserts: no byte < 0x20 or
 * 0x7f, no C1, bidi, zero-width, tag or separator code point in the output;
 * valid UTF-8 (pure ASCII with TEXT_ASCII); width as returned, as text_width()
 * counts it, and never over the budget; text_pad() exactly the width asked;
 * text_json_string() valid JSON that cJSON reads back as the input when the
 * input is valid UTF-8 without NUL.
 */
// seeds: tests/data/hostile tests/fuzz/seeds/text
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_text: " __VA_ARGS__);                        \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* Strict UTF-8 (Unicode table 3-7), independent of text.c. -1 if ill-formed. */
static int
next_cp(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char b = s[*i], lo = 0x80, hi = 0xBF;
	size_t k;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		(*i)++;
		return 0;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		k = 2;
		c = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		k = 3;
		c = b & 0x0F;
		lo = b == 0xE0 ? 0xA0 : 0x80;
		hi = b == 0xED ? 0x9F : 0xBF;
	} else if (b >= 0xF0 && b <= 0xF4) {
		k = 4;
		c = b & 0x07;
		lo = b == 0xF0 ? 0x90 : 0x80;
		hi = b == 0xF4 ? 0x8F : 0xBF;
	} else {
		return -1;
	}
	if (*i + k > len)
		return -1;
	for (size_t j = 1; j < k; j++) {
		unsigned char x = s[*i + j];

		if (j == 1 ? (x < lo || x > hi) : (x < 0x80 || x > 0xBF))
			return -1;
		c = c << 6 | (x & 0x3F);
	}
	*i += k;
	*cp = c;
	return 0;
}

static int
forbidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C ||
	    (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
	    (cp >= 0xE0000 && cp <= 0xE007F) || cp == 0x2028 || cp == 0x2029;
}

static void
check(const struct buf *b, size_t from, int ret, int budget, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)b->data + from;
	size_t len = b->len - from, i = 0;

	CHECK(strlen((const char *)s) == len, "NUL in the output");
	while (i < len) {
		uint32_t cp;

		CHECK(next_cp(s, len, &i, &cp) == 0, "invalid UTF-8 at byte %zu", i);
		CHECK(!forbidden(cp), "U+%04X in the output", (unsigned)cp);
		CHECK(!(flags & TEXT_ASCII) || cp < 0x7F, "non-ASCII U+%04X in ASCII mode",
		    (unsigned)cp);
	}
	CHECK(ret >= 0, "negative width %d", ret);
	CHECK(text_width((const char *)s) == ret, "width %d, text_width %d", ret,
	    text_width((const char *)s));
	CHECK(budget < 0 || ret <= budget, "width %d over budget %d", ret, budget);
}

static int
valid_utf8_no_nul(const unsigned char *s, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if (next_cp(s, len, &i, &cp) < 0 || cp == 0)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;
	unsigned flags;
	int budget, ret;
	const char *s;
	size_t len;
	cJSON *j;

	if (size < 2)
		return 0;
	flags = data[0] & (TEXT_ASCII | TEXT_NO_ELLIPSIS);
	budget = (int)data[1] - 1;
	s = (const char *)data + 2;
	len = size - 2;

	buf_init(&b);
	buf_adds(&b, "[");
	ret = text_sanitize(&b, s, len, budget, flags);
	CHECK(b.data[0] == '[', "output before the start");
	check(&b, 1, ret, budget, flags);

	buf_reset(&b);
	ret = text_pad(&b, s, len, budget < 0 ? 0 : budget, flags);
	CHECK(ret == (budget < 0 ? 0 : budget), "text_pad returned %d", ret);
	check(&b, 0, ret, ret, flags);

	buf_reset(&b);
	text_json_string(&b, s, len);
	for (size_t i = 0; i < b.len; i++)
		CHECK((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7F, "raw control in JSON");
	j = cJSON_Parse(b.data);
	CHECK(cJSON_IsString(j), "text_json_string is not a JSON string: %s", b.data);
	if (valid_utf8_no_nul((const unsigned char *)s, len))
		CHECK(strlen(j->valuestring) == len && memcmp(j->valuestring, s, len) == 0,
		    "JSON round trip lost data");
	cJSON_Delete(j);
	buf_done(&b);
	return 0;
}
