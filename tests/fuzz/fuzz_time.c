/*
 * fuzz_time.c: util_parse_time() (and util_parse_double/ll) on any input.
 *
 * Asserts: no crash; the output untouched on failure; a result always finite;
 * and an ISO timestamp in the canonical "YYYY-MM-DDTHH:MM:SSZ" form of a real
 * calendar date comes back unchanged through util_format_iso8601().
 */
// seeds: tests/fuzz/seeds/time
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_time: %s: '%s'\n", what, s);                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A real date in the canonical form, years 1970-9999, seconds 00-59. */
static int
canonical_date(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, leap;
	char z;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return 0;
	for (int i = 0; i < 19; i++) {
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= mdays[mo - 1] + (mo == 2 && leap) && h <= 23 && mi <= 59 && sec <= 59;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	double t = 12345.5, v = 6789.25;
	long long ll = 42;

	if (util_parse_time(s, &t) == 0) {
		CHECK(isfinite(t), "non-finite time");
		if (canonical_date(s)) {
			char back[32];

			util_format_iso8601((time_t)t, back, sizeof back);
			CHECK(strcmp(back, s) == 0, "ISO round trip differs");
		}
	} else {
		CHECK(t == 12345.5, "output changed on failure");
	}
	if (util_parse_double(s, &v) == 0)
		CHECK(isfinite(v), "non-finite double");
	else
		CHECK(v == 6789.25, "double changed on failure");
	if (util_parse_ll(s, -1000, 1000, &ll) == 0)
		CHECK(ll >= -1000 && ll <= 1000, "integer out of range");
	else
		CHECK(ll == 42, "integer changed on failure");
	free(s);
	return 0;
}
