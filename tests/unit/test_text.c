/*
 * test_text.c: the sanitizer every untrusted string goes through.
 *
 * - tests/data/hostile/strings.json, every case, both output modes, with and
 *   without the ellipsis, at many widths: the output never holds a control
 *   byte, a C1, bidi, zero-width or tag code point; it is valid UTF-8 (checked
 *   by a validator independent of text.c's decoder); its width is what
 *   text_sanitize() says, what glibc's wcswidth() says, and within the budget;
 *   text_pad() is exact; text_json_string() is valid JSON (cJSON) and
 *   lossless for valid UTF-8.
 * - text_cp_width() against glibc's wcwidth() under C.UTF-8 for every code
 *   point, with the differences text.c documents and nothing else.
 * - exact escapes, cutting, the decoder on every kind of invalid UTF-8, and
 *   a seeded random sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

struct hostile {
	char *name;
	char *bytes;
	size_t len;
};

static struct hostile *corpus;
static size_t ncorpus;
static int have_c_utf8; /* glibc's C.UTF-8 locale is there to compare with */

static const int widths[] = {-1, 0, 1, 2, 3, 4, 5, 7, 8, 13, 20, 33, 40, 80, 200};
static const unsigned flag_sets[] = {0, TEXT_ASCII, TEXT_NO_ELLIPSIS,
    TEXT_ASCII | TEXT_NO_ELLIPSIS};

/* ---- the corpus -------------------------------------------------------- */

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096], *s;
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
load_corpus(void)
{
	const char *root = getenv("ORGTOP_ROOT");
	char *path = xasprintf("%s/tests/data/hostile/strings.json", root != NULL ? root : ".");
	char *text = read_all(path);
	cJSON *doc, *e;

	if (text == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		free(path);
		return -1;
	}
	doc = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsArray(doc)) {
		fprintf(stderr, "%s: not a JSON list\n", path);
		free(path);
		cJSON_Delete(doc);
		return -1;
	}
	corpus = xcalloc((size_t)cJSON_GetArraySize(doc), sizeof *corpus);
	cJSON_ArrayForEach(e, doc)
	{
		struct hostile *h = &corpus[ncorpus++];
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(e, "text"));
		const char *hex = cJSON_GetStringValue(cJSON_GetObjectItem(e, "hex"));

		h->name = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")));
		if (t != NULL) {
			h->bytes = xstrdup(t);
			h->len = strlen(t);
		} else {
			size_t n = strlen(hex);

			h->bytes = xmalloc(n / 2 + 1);
			for (size_t i = 0; i + 1 < n; i += 2)
				h->bytes[h->len++] = (char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
			h->bytes[h->len] = '\0';
		}
	}
	cJSON_Delete(doc);
	free(path);
	return 0;
}

static const struct hostile *
corpus_case(const char *name)
{
	for (size_t i = 0; i < ncorpus; i++) {
		if (strcmp(corpus[i].name, name) == 0)
			return &corpus[i];
	}
	fail_msg("no case %s in strings.json", name);
	return NULL;
}

/* ---- an independent checker ------------------------------------------- */

/*
 * Well-formed UTF-8 per Unicode table 3-7, written apart from text.c's
 * decoder. Stores the code points (up to max) and returns how many, or -1.
 */
static long
utf8_check(const unsigned char *s, size_t len, uint32_t *cps, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char b = s[i];
		uint32_t cp;
		size_t k;
		unsigned char lo = 0x80, hi = 0xBF;

		if (b < 0x80) {
			cp = b;
			k = 1;
		} else if (b >= 0xC2 && b <= 0xDF) {
			cp = b & 0x1F;
			k = 2;
		} else if (b >= 0xE0 && b <= 0xEF) {
			cp = b & 0x0F;
			k = 3;
			lo = b == 0xE0 ? 0xA0 : 0x80;
			hi = b == 0xED ? 0x9F : 0xBF;
		} else if (b >= 0xF0 && b <= 0xF4) {
			cp = b & 0x07;
			k = 4;
			lo = b == 0xF0 ? 0x90 : 0x80;
			hi = b == 0xF4 ? 0x8F : 0xBF;
		} else {
			return -1;
		}
		if (i + k > len)
			return -1;
		for (size_t j = 1; j < k; j++) {
			unsigned char c = s[i + j];

			if (j == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
				return -1;
			cp = cp << 6 | (c & 0x3F);
		}
		if (n < max)
			cps[n] = cp;
		n++;
		i += k;
	}
	return (long)n;
}

/* The code points text.h promises never to emit. */
static int
forbidden_cp(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C ||
	    (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
	    (cp >= 0xE0000 && cp <= 0xE007F) || cp == 0x2028 || cp == 0x2029 || cp == 0x00AD;
}

/* glibc's view of the width of s, or -1 if it has no view. */
static int
glibc_width(const char *s)
{
	size_t n = strlen(s) + 1;
	wchar_t *w;
	int r;

	if (!have_c_utf8)
		return -1;
	w = xreallocarray(NULL, n, sizeof *w);
	if (mbstowcs(w, s, n) == (size_t)-1) {
		free(w);
		return -2;
	}
	r = wcswidth(w, n);
	free(w);
	return r;
}

static void
check_output(const char *what, const char *out, size_t len, int ret, int budget, unsigned flags)
{
	static uint32_t cps[1 << 16];
	long n;
	int comb = 0, gw;

	if (strlen(out) != len)
		fail_msg("%s: NUL inside the output", what);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7F)
			fail_msg("%s: control byte 0x%02x at %zu", what, c, i);
		if ((flags & TEXT_ASCII) && c > 0x7F)
			fail_msg("%s: non-ASCII byte 0x%02x at %zu in ASCII mode", what, c, i);
	}
	n = utf8_check((const unsigned char *)out, len, cps, NELEM(cps));
	if (n < 0)
		fail_msg("%s: output is not valid UTF-8", what);
	for (long i = 0; i < n && i < (long)NELEM(cps); i++) {
		if (forbidden_cp(cps[i]))
			fail_msg("%s: forbidden U+%04X in the output", what, (unsigned)cps[i]);
		comb = cps[i] >= 0x300 && cps[i] <= 0x36F ? comb + 1 : 0;
		if (comb > TEXT_MAX_COMBINING)
			fail_msg("%s: more than %d combining marks", what, TEXT_MAX_COMBINING);
	}
	if (text_width(out) != ret)
		fail_msg("%s: returned width %d but text_width() says %d", what, ret,
		    text_width(out));
	if (budget >= 0 && ret > budget)
		fail_msg("%s: width %d over the budget %d", what, ret, budget);
	gw = glibc_width(out);
	if (gw != -1 && gw != ret)
		fail_msg("%s: width %d but glibc wcswidth() says %d: \"%s\"", what, ret, gw, out);
}

/* ---- the corpus tests -------------------------------------------------- */

static void
test_corpus_sanitize(void **state)
{
	struct buf b;
	char what[256];

	(void)state;
	assert_true(ncorpus >= 60);
	buf_init(&b);
	for (size_t c = 0; c < ncorpus; c++) {
		for (size_t f = 0; f < NELEM(flag_sets); f++) {
			int full = -1;

			for (size_t w = 0; w < NELEM(widths); w++) {
				int ret;

				snprintf(what, sizeof what, "%s flags %u width %d", corpus[c].name,
				    flag_sets[f], widths[w]);
				buf_reset(&b);
				buf_adds(&b, "|"); /* appends, never overwrites */
				ret = text_sanitize(&b, corpus[c].bytes, corpus[c].len, widths[w],
				    flag_sets[f]);
				assert_int_equal(b.data[0], '|');
				check_output(what, b.data + 1, b.len - 1, ret, widths[w],
				    flag_sets[f]);
				if (widths[w] < 0)
					full = ret;
				else if (ret < widths[w] - 10 && ret != full && full >= 0 &&
				    !(flag_sets[f] & TEXT_ASCII))
					/* Only an escape (at most 10 columns) may leave a gap. */
					fail_msg("%s: %d columns used of %d, text has %d", what,
					    ret, widths[w], full);
			}
		}
	}
	buf_done(&b);
}

static void
test_corpus_pad(void **state)
{
	struct buf b;
	char what[256];

	(void)state;
	buf_init(&b);
	for (size_t c = 0; c < ncorpus; c++) {
		for (size_t f = 0; f < NELEM(flag_sets); f++) {
			for (int cols = 0; cols <= 45; cols++) {
				snprintf(what, sizeof what, "pad %s flags %u cols %d",
				    corpus[c].name, flag_sets[f], cols);
				buf_reset(&b);
				assert_int_equal(text_pad(&b, corpus[c].bytes, corpus[c].len, cols,
						     flag_sets[f]),
				    cols);
				check_output(what, b.data, b.len, cols, cols, flag_sets[f]);
			}
		}
	}
	buf_done(&b);
}

static void
test_corpus_json(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t c = 0; c < ncorpus; c++) {
		const struct hostile *h = &corpus[c];
		int valid = utf8_check((const unsigned char *)h->bytes, h->len, NULL, 0) >= 0;
		cJSON *j;

		buf_reset(&b);
		text_json_string(&b, h->bytes, h->len);
		for (size_t i = 0; i < b.len; i++) {
			unsigned char ch = (unsigned char)b.data[i];

			if (ch < 0x20 || ch == 0x7F)
				fail_msg("json %s: raw control byte 0x%02x", h->name, ch);
		}
		{
			static uint32_t cps[1 << 16];
			long n = utf8_check((const unsigned char *)b.data, b.len, cps, NELEM(cps));

			if (n < 0)
				fail_msg("json %s: not valid UTF-8", h->name);
			for (long i = 0; i < n; i++) {
				if (forbidden_cp(cps[i]))
					fail_msg("json %s: raw U+%04X", h->name, (unsigned)cps[i]);
			}
		}
		j = cJSON_Parse(b.data);
		if (!cJSON_IsString(j))
			fail_msg("json %s: cJSON does not parse %s", h->name, b.data);
		/* Lossless for valid UTF-8 (cJSON itself cannot hold a NUL). */
		if (valid && memchr(h->bytes, '\0', h->len) == NULL &&
		    strcmp(j->valuestring, h->bytes) != 0)
			fail_msg("json %s: round trip differs", h->name);
		if (!valid && strstr(b.data, "\\ufffd") == NULL)
			fail_msg("json %s: invalid UTF-8 not written as \\ufffd", h->name);
		cJSON_Delete(j);
	}
	buf_done(&b);
}

/* Named corpus cases whose exact rendering other tests rely on. */
static void
test_corpus_named(void **state)
{
	static const struct {
		const char *name;
		const char *want;
	} cases[] = {
	    {"osc0_window_title", "\\e]0;pwned\\x07prod-account"},
	    {"osc52_clipboard_query", "\\e]52;c;?\\x07"},
	    {"csi_6n_cursor_report", "acct\\e[6n"},
	    {"bidi_rlo_filename", "invoice\\u{202e}gnp.exe"},
	    {"nul_inside", "before"}, /* cJSON stops at \u0000 */
	    {"nul_raw", "a\\0b"},
	    {"c1_csi_raw", "\xef\xbf\xbd" "6n"},
	    {"combining_200", "e\xcc\x81\xcc\x81\xcc\x81\xcc\x81"},
	    {"format_string", "%n%s%x%p%99999999s%1$n"},
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct hostile *h = corpus_case(cases[i].name);

		buf_reset(&b);
		text_sanitize(&b, h->bytes, h->len, -1, 0);
		if (strcmp(b.data, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", h->name, b.data, cases[i].want);
	}
	buf_done(&b);
}

/* ---- exact results ----------------------------------------------------- */

static void
expect_clean(const char *in, size_t len, int max, unsigned flags, const char *want, int want_w)
{
	struct buf b;
	int w;

	buf_init(&b);
	w = text_sanitize(&b, in, len, max, flags);
	if (strcmp(b.data, want) != 0 || w != want_w)
		fail_msg("sanitize(\"%s\", %d, %u): got \"%s\" (%d), want \"%s\" (%d)", in, max,
		    flags, b.data, w, want, want_w);
	buf_done(&b);
}

#define CLEAN(in, max, flags, want, w) expect_clean(in, sizeof in - 1, max, flags, want, w)

static void
test_exact_escapes(void **state)
{
	(void)state;
	CLEAN("\x1b]0;pwned\x07prod", -1, 0, "\\e]0;pwned\\x07prod", 18);
	CLEAN("a\nb\rc\bd\te\x7f\x00", -1, 0, "a\\nb\\rc\\bd\\te\\x7f\\0", 19);
	CLEAN("\x01\x1f", -1, 0, "\\x01\\x1f", 8);
	CLEAN("\xc2\x9b"
	      "6n",
	    -1, 0, "\\u{9b}6n", 8);
	CLEAN("\x9b"
	      "6n",
	    -1, 0, "\xef\xbf\xbd"
		   "6n",
	    3);
	CLEAN("\x9b"
	      "6n",
	    -1, TEXT_ASCII, "?6n", 3);
	CLEAN("x\xe2\x80\xaey", -1, 0, "x\\u{202e}y", 10);
	CLEAN("a\xe2\x80\x8b"
	      "b",
	    -1, 0, "a\\u{200b}b", 10);
	CLEAN("\xef\xbb\xbfz", -1, 0, "\\u{feff}z", 9);
	CLEAN("\xf3\xa0\x81\xa7", -1, 0, "\\u{e0067}", 9);
	CLEAN("%n%s", -1, 0, "%n%s", 4);
	/* Combining marks: at most TEXT_MAX_COMBINING, never alone. */
	CLEAN("e\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81", -1, 0,
	    "e\xcc\x81\xcc\x81\xcc\x81\xcc\x81", 1);
	CLEAN("\xcc\x81"
	      "a",
	    -1, 0, "\\u{301}a", 8);
	CLEAN("\x1b\xcc\x81", -1, 0, "\\e\\u{301}", 9);
	/* Presentation selectors dropped after a base, marked alone. */
	CLEAN("\xe2\x9d\xa4\xef\xb8\x8f", -1, 0, "\xe2\x9d\xa4", 1);
	CLEAN("\xef\xb8\x8fx", -1, 0, "\\u{fe0f}x", 9);
	/* ASCII mode. */
	CLEAN("caf\xc3\xa9", -1, TEXT_ASCII, "caf\\u{e9}", 9);
	CLEAN("\xe6\x97\xa5", -1, TEXT_ASCII, "\\u{65e5}", 8);
	/* Wide characters. */
	CLEAN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1, 0,
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6);
	CLEAN("\xf0\x9f\x9a\x80", -1, 0, "\xf0\x9f\x9a\x80", 2);
}

static void
test_cutting(void **state)
{
	(void)state;
	CLEAN("abcdef", 6, 0, "abcdef", 6);
	CLEAN("abcdef", 5, 0, "abcd\xe2\x80\xa6", 5);
	CLEAN("abcdef", 5, TEXT_ASCII, "abcd~", 5);
	CLEAN("abcdef", 5, TEXT_NO_ELLIPSIS, "abcde", 5);
	CLEAN("abcdef", 1, 0, "\xe2\x80\xa6", 1);
	CLEAN("abcdef", 0, 0, "", 0);
	CLEAN("", 3, 0, "", 0);
	/* A wide character is never split. */
	CLEAN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, 0, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6",
	    5);
	CLEAN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, 0, "\xe6\x97\xa5\xe2\x80\xa6", 3);
	CLEAN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, TEXT_NO_ELLIPSIS,
	    "\xe6\x97\xa5\xe6\x9c\xac", 4);
	CLEAN("\xe6\x97\xa5", 1, 0, "\xe2\x80\xa6", 1);
	CLEAN("\xe6\x97\xa5", 1, TEXT_NO_ELLIPSIS, "", 0);
	/* An escape is never split either. */
	CLEAN("ab\x1b", 3, 0, "ab\xe2\x80\xa6", 3);
	CLEAN("a\xe2\x80\xaey", 6, 0, "a\xe2\x80\xa6", 2);
	/* The marks of the last base that fits stay with it. */
	CLEAN("e\xcc\x81x", 2, 0, "e\xcc\x81x", 2);
	CLEAN("e\xcc\x81xy", 2, 0, "e\xcc\x81\xe2\x80\xa6", 2);
}

static void
test_pad_and_clean(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b);
	assert_int_equal(text_pad(&b, "ab", 2, 5, 0), 5);
	assert_string_equal(b.data, "ab   ");
	buf_reset(&b);
	assert_int_equal(text_pad(&b, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 5, 0), 5);
	assert_string_equal(b.data, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	buf_reset(&b);
	assert_int_equal(text_pad(&b, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 4, 0), 4);
	assert_string_equal(b.data, "\xe6\x97\xa5\xe2\x80\xa6 ");
	buf_reset(&b);
	assert_int_equal(text_pad(&b, "x", 1, -3, 0), 0);
	assert_string_equal(b.data, "");
	buf_done(&b);

	s = text_clean("name\x1b[31m\n", 0);
	assert_string_equal(s, "name\\e[31m\\n");
	free(s);
	s = text_clean(NULL, 0);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(text_width("\xe6\x97\xa5x\xcc\x81"), 3);
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
}

static void
test_decoder(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		uint32_t cp;
		size_t used;
	} cases[] = {
	    {"A", 1, 'A', 1},
	    {"\xc3\xa9", 2, 0xE9, 2},
	    {"\xe2\x80\xae", 3, 0x202E, 3},
	    {"\xf0\x9f\x9a\x80", 4, 0x1F680, 4},
	    {"\xf4\x8f\xbf\xbf", 4, 0x10FFFF, 4},
	    {"\xef\xbf\xbd", 3, 0xFFFD, 3},
	    {"\xc0\xaf", 2, 0xFFFD, 1},         /* overlong */
	    {"\xc1\xbf", 2, 0xFFFD, 1},         /* overlong */
	    {"\xe0\x80\xaf", 3, 0xFFFD, 1},     /* overlong */
	    {"\xe0\x9f\xbf", 3, 0xFFFD, 1},     /* overlong U+07FF */
	    {"\xf0\x80\x80\xaf", 4, 0xFFFD, 1}, /* overlong */
	    {"\xf0\x8f\xbf\xbf", 4, 0xFFFD, 1}, /* overlong U+FFFF */
	    {"\xed\xa0\x80", 3, 0xFFFD, 1},     /* surrogate */
	    {"\xed\xbf\xbf", 3, 0xFFFD, 1},     /* surrogate */
	    {"\xf4\x90\x80\x80", 4, 0xFFFD, 1}, /* > U+10FFFF */
	    {"\xf5\x80\x80\x80", 4, 0xFFFD, 1},
	    {"\xf8\x88\x80\x80\x80", 5, 0xFFFD, 1},
	    {"\xff", 1, 0xFFFD, 1},
	    {"\x80", 1, 0xFFFD, 1},
	    {"\xe1\x88", 2, 0xFFFD, 1},         /* truncated */
	    {"\xe1\x88" "A", 3, 0xFFFD, 1},     /* truncated */
	    {"\xf0\x9f\x98", 3, 0xFFFD, 1},     /* truncated */
	    {"\xc3", 1, 0xFFFD, 1},             /* truncated */
	    {"\xc3\xa9", 1, 0xFFFD, 1},         /* cut by len */
	};
	uint32_t cp;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		cp = 0;
		if (text_utf8_decode(cases[i].bytes, cases[i].len, &cp) != cases[i].used ||
		    cp != cases[i].cp)
			fail_msg("decode case %zu: got U+%04X", i, (unsigned)cp);
	}
	assert_int_equal(text_utf8_decode("", 0, &cp), 0);
	/* Every byte of an invalid sequence is its own U+FFFD. */
	expect_clean("\xe1\x88" "A", 3, -1, 0, "\xef\xbf\xbd\xef\xbf\xbd" "A", 3);
	expect_clean("\xed\xa0\x80", 3, -1, TEXT_ASCII, "???", 3);
}

static void
test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(0), -1);
	assert_int_equal(text_cp_width(0x1B), -1);
	assert_int_equal(text_cp_width(0x7F), -1);
	assert_int_equal(text_cp_width(0x9B), -1);
	assert_int_equal(text_cp_width(0x301), 0);
	assert_int_equal(text_cp_width(0x200B), 0);
	assert_int_equal(text_cp_width(0x65E5), 2);
	assert_int_equal(text_cp_width(0xFF21), 2);
	assert_int_equal(text_cp_width(0x1F680), 2);
	assert_int_equal(text_cp_width(0x20000), 2);
	assert_int_equal(text_cp_width(0xE9), 1);
	assert_int_equal(text_cp_width(0x5D0), 1);
}

/*
 * Every code point against glibc: equal, or one of the documented
 * differences (text.c's header): markers, NUL, unassigned.
 */
static void
test_wcwidth_glibc(void **state)
{
	unsigned long same = 0, markers = 0, unassigned = 0;
	struct buf b;

	(void)state;
	if (!have_c_utf8)
		skip();
	buf_init(&b);
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		int g, m;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		g = wcwidth((wchar_t)cp);
		m = text_cp_width(cp);
		if (g == m) {
			same++;
			continue;
		}
		if (cp == 0 && m == -1)
			continue;
		if (cp >= 0x300) {
			char enc[4];
			size_t n;

			/* Is it shown as a marker? */
			if (cp < 0x800) {
				enc[0] = (char)(0xC0 | cp >> 6);
				enc[1] = (char)(0x80 | (cp & 0x3F));
				n = 2;
			} else if (cp < 0x10000) {
				enc[0] = (char)(0xE0 | cp >> 12);
				enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
				enc[2] = (char)(0x80 | (cp & 0x3F));
				n = 3;
			} else {
				enc[0] = (char)(0xF0 | cp >> 18);
				enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
				enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
				enc[3] = (char)(0x80 | (cp & 0x3F));
				n = 4;
			}
			buf_reset(&b);
			buf_addc(&b, 'x'); /* a base, so a combining mark is not marked */
			text_sanitize(&b, enc, n, -1, 0);
			if (strncmp(b.data, "x\\u{", 4) == 0) {
				markers++;
				continue;
			}
		} else if (cp == 0xAD) {
			markers++;
			continue;
		}
		if (g == -1 && (m == 1 || m == 2)) {
			unassigned++;
			continue;
		}
		fail_msg("U+%04X: glibc wcwidth %d, text_cp_width %d", (unsigned)cp, g, m);
	}
	buf_done(&b);
	print_message("# %lu code points agree with glibc, %lu shown as markers, "
		      "%lu unassigned in glibc\n",
	    same, markers, unassigned);
	/* The documented differences stay small: a change in them is a change to review. */
	assert_true(markers < 300);
	assert_true(same > 280000);
}

/* ---- random strings ---------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void
test_random(void **state)
{
	static const char *const pieces[] = {"\x1b", "[", "]", "\x07", "\xc2\x9b", "\x9b",
	    "\xe2\x80\xae", "\xcc\x81", "\xe6\x97\xa5", "\xf0\x9f\x9a\x80", "\xef\xb8\x8f",
	    "\xf3\xa0\x81\xa7", "\xe2\x80\x8d", "a", " ", "\n", "\xed\xa0\x80", "\xf4\x90",
	    "\xc3", "\xa9", "\x00", "%n", "\xe1\x84\x80\xe1\x85\xa1"};
	struct buf in, out;
	char what[64];

	(void)state;
	buf_init(&in);
	buf_init(&out);
	for (int iter = 0; iter < 20000; iter++) {
		int n = (int)(rng() % 40), max = (int)(rng() % 30) - 1;
		unsigned flags = flag_sets[rng() % NELEM(flag_sets)];
		int ret;

		buf_reset(&in);
		for (int i = 0; i < n; i++) {
			if (rng() % 4 == 0) {
				char c = (char)(rng() & 0xFF);

				buf_add(&in, &c, 1);
			} else {
				const char *p = pieces[rng() % NELEM(pieces)];

				buf_add(&in, p, *p != '\0' ? strlen(p) : 1);
			}
		}
		buf_reset(&out);
		ret = text_sanitize(&out, in.data, in.len, max, flags);
		snprintf(what, sizeof what, "random %d (max %d, flags %u)", iter, max, flags);
		check_output(what, out.data, out.len, ret, max, flags);
		buf_reset(&out);
		assert_int_equal(text_pad(&out, in.data, in.len, max < 0 ? 0 : max, flags),
		    max < 0 ? 0 : max);
		check_output(what, out.data, out.len, max < 0 ? 0 : max, max, flags);
	}
	buf_done(&in);
	buf_done(&out);
}

static void
test_init(void **state)
{
	(void)state;
	if (!have_c_utf8)
		skip();
	assert_int_equal(text_init(), 1);
	assert_int_equal(text_utf8(), 1);
	assert_non_null(setlocale(LC_ALL, "C"));
	assert_int_equal(text_init(), 0);
	assert_int_equal(text_utf8(), 0);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_int_equal(text_init(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_sanitize),
	    cmocka_unit_test(test_corpus_pad),
	    cmocka_unit_test(test_corpus_json),
	    cmocka_unit_test(test_corpus_named),
	    cmocka_unit_test(test_exact_escapes),
	    cmocka_unit_test(test_cutting),
	    cmocka_unit_test(test_pad_and_clean),
	    cmocka_unit_test(test_decoder),
	    cmocka_unit_test(test_cp_width),
	    cmocka_unit_test(test_wcwidth_glibc),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_init),
	};
	int rc;

	have_c_utf8 = setlocale(LC_ALL, "C.UTF-8") != NULL;
	if (load_corpus() < 0)
		return 1;
	rc = cmocka_run_group_tests_name("text", tests, NULL, NULL);
	for (size_t i = 0; i < ncorpus; i++) {
		free(corpus[i].name);
		free(corpus[i].bytes);
	}
	free(corpus);
	return rc;
}
