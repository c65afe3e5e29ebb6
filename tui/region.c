/*
 * region.c: region short codes.
 */
#include "tui/region.h"

#include <string.h>

static const struct {
	const char *word;
	const char *abbr;
} words[] = {
	{ "northeast", "ne" }, { "northwest", "nw" }, { "southeast", "se" }, { "southwest", "sw" },
	{ "north", "n" },      { "south", "s" },      { "east", "e" },       { "west", "w" },
	{ "central", "c" },    { "gov", "g" },        { "iso", "i" },        { "isob", "ib" },
	{ "isoe", "ie" },      { "isof", "if" },
};

static int
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
fallback(const char *region, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = region; *p != '\0' && n < REGION_CODE_MAX && n + 1 < len; p++)
		if (*p > 0x20 && *p < 0x7f)
			out[n++] = *p;
	if (n == 0 && len > 1)
		out[n++] = '?';
	out[n] = '\0';
}

void
region_short(const char *region, char *out, size_t len)
{
	char code[32];
	size_t n = 0, parts = 0;
	const char *p = region;

	if (len == 0)
		return;
	/* prefix-word[-word...]-number, all lower case */
	while (*p != '\0') {
		const char *start = p;
		size_t wl;

		while (*p != '\0' && *p != '-')
			p++;
		wl = (size_t)(p - start);
		if (wl == 0 || wl > 12)
			goto bad;
		if (parts == 0) {
			if (wl > 3)
				goto bad;
			for (size_t i = 0; i < wl; i++)
				if (!is_lower(start[i]))
					goto bad;
			memcpy(code, start, wl);
			n = wl;
		} else if (*p == '\0') {
			for (size_t i = 0; i < wl; i++)
				if (!is_digit(start[i]))
					goto bad;
			if (parts < 2 || n + wl >= sizeof(code))
				goto bad;
			memcpy(code + n, start, wl);
			n += wl;
		} else {
			const char *abbr = NULL;
			for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
				if (strlen(words[i].word) == wl && memcmp(words[i].word, start, wl) == 0)
					abbr = words[i].abbr;
			if (abbr == NULL) {
				if (!is_lower(start[0]))
					goto bad;
				code[n++] = start[0];
			} else {
				size_t al = strlen(abbr);
				if (n + al >= sizeof(code))
					goto bad;
				memcpy(code + n, abbr, al);
				n += al;
			}
		}
		parts++;
		if (*p == '-')
			p++;
		else
			break;
		if (*p == '\0')
			goto bad; /* trailing '-' */
	}
	if (parts < 3 || n > REGION_CODE_MAX || n + 1 > len)
		goto bad;
	memcpy(out, code, n);
	out[n] = '\0';
	return;
bad:
	fallback(region, out, len);
}

void
region_codes(const char *const *regions, size_t n, char (*out)[REGION_CODE_MAX + 1])
{
	static const char marks[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	for (size_t i = 0; i < n; i++) {
		region_short(regions[i], out[i], REGION_CODE_MAX + 1);
		for (size_t tries = 0; tries < sizeof(marks) - 1; tries++) {
			int dup = 0;
			for (size_t j = 0; j < i && !dup; j++)
				dup = strcmp(out[i], out[j]) == 0;
			if (!dup)
				break;
			{
				size_t l = strlen(out[i]);
				if (l < REGION_CODE_MAX)
					out[i][l++] = '~';
				out[i][l - 1] = marks[tries];
				out[i][l] = '\0';
			}
		}
	}
}
