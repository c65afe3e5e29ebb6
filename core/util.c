/*
 * util.c: small helpers shared by every core module: numbers, time, hex.
 */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
util_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
util_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Reads exactly n digits at *p into *v and advances. */
static int
util__digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int
util__days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant). */
static long long
util__days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
util__parse_iso(const char *s, double *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	double frac = 0, t;

	if (util__digits(&p, 4, &y) < 0 || *p++ != '-' || util__digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || util__digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > util__days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (util__digits(&p, 2, &h) < 0 || *p++ != ':' || util__digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (util__digits(&p, 2, &sec) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				double scale = 0.1;

				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p)) {
					frac += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (h > 24 || mi > 59 || sec > 60)
			return -1;
	}
	t = (double)util__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec + frac;
	if (*p == '\0' || strcmp(p, "Z") == 0 || strcmp(p, "z") == 0 || strcmp(p, "UTC") == 0 ||
	    strcmp(p, " UTC") == 0) {
		*out = t;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (util__digits(&p, 2, &oh) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p == '\0')
		om = 0;
	else if (util__digits(&p, 2, &om) < 0)
		return -1;
	if (*p != '\0' || oh > 23 || om > 59)
		return -1;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

int
util_parse_time(const char *s, double *out)
{
	double v;

	if (s == NULL)
		return -1;
	if (strlen(s) >= 10 && s[4] == '-')
		return util__parse_iso(s, out);
	if (util_parse_double(s, &v) < 0)
		return -1;
	*out = v;
	return 0;
}

void
util_format_iso8601(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (len > 0)
			out[0] = '\0';
	}
}

double
util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t
util_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
util_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
util_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = tolower((unsigned char)a[i]), cb = tolower((unsigned char)b[i]);

		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

int
util_strcasecmp(const char *a, const char *b)
{
	return util_strncasecmp(a, b, (size_t)-1);
}
