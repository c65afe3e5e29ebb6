/*
 * util.h: small helpers shared by every core module: numbers, time, hex.
 */
#ifndef ORGTOP_UTIL_H
#define ORGTOP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parses a whole string as a base-10 integer within [min, max] (strtoll with
 * end-pointer and errno checks). Leaves *out untouched on failure. 0 / -1.
 */
int util_parse_ll(const char *s, long long min, long long max, long long *out);
/* Parses a whole string as a finite double (strtod). 0 / -1, *out untouched on failure. */
int util_parse_double(const char *s, double *out);

/*
 * Parses the timestamp forms AWS uses: ISO 8601 "2024-06-01T13:00:00Z",
 * with fractional seconds, "+00:00"/"+0100" offsets, the old CLI's "...UTC"
 * suffix, a space instead of 'T'; or epoch seconds as a decimal number
 * ("1481830215.45", "1.7e9"). Result in epoch seconds. 0 / -1.
 */
int util_parse_time(const char *s, double *out);
/* Formats t (epoch seconds, UTC) as "2026-11-28T10:00:00Z" into out (>= 21 bytes). */
void util_format_iso8601(time_t t, char *out, size_t len);

/* Wall-clock time in epoch seconds, with sub-second precision. */
double util_now(void);
/* A monotonic clock in milliseconds, for deadlines and intervals. */
uint64_t util_monotonic_ms(void);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void util_hex(const unsigned char *in, size_t n, char *out);

/* Case-insensitive ASCII comparison of at most n bytes (locale-independent). */
int util_strncasecmp(const char *a, const char *b, size_t n);
int util_strcasecmp(const char *a, const char *b);

#endif
