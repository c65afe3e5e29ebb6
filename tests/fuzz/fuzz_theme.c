// seeds: themes tests/data/themes
/*
 * fuzz_theme.c: the theme parser on arbitrary bytes, built from its source
 * (tui/theme.c, which has no curses in it).
 *
 * Checked: parsing never crashes; the number of bad lines equals the number
 * of diagnostics, and every diagnostic is "<theme>:LINE: ..." in printable
 * ASCII; every style that comes out holds valid colours (default, 0-255 or
 * RGB) and known attributes; parsing the same text twice gives the same
 * theme; the style parser leaves its output untouched on failure.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/theme.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_color(int32_t c)
{
	if (c == THEME_COLOR_DEFAULT || (c >= 0 && c <= 255))
		return;
	if ((c & THEME_RGB) && (c & ~(THEME_RGB | 0xffffff)) == 0)
		return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme *a = theme_new(), *b = theme_new();
	struct buf diag;
	int bad, lines = 0;
	const unsigned all = TA_BOLD | TA_DIM | TA_UNDERLINE | TA_ITALIC | TA_REVERSE | TA_BLINK |
	    TA_STANDOUT;

	buf_init(&diag);
	bad = theme_parse(a, (const char *)data, size, NULL, &diag);
	theme_parse(b, (const char *)data, size, NULL, NULL);
	for (size_t i = 0; i < diag.len; i++) {
		unsigned char c = (unsigned char)diag.data[i];
		if (c == '\n')
			lines++;
		else if (c < 0x20 || c >= 0x7f)
			abort();
	}
	if (lines != bad)
		abort();
	for (const char *p = diag.data; *p != '\0'; p = strchr(p, '\n') + 1)
		if (strncmp(p, "<theme>:", 8) != 0)
			abort();
	for (int r = 0; r < ROLE__COUNT; r++) {
		const struct theme_style *s = theme_style(a, (enum role)r);
		check_color(s->fg);
		check_color(s->bg);
		if (s->attrs & ~all)
			abort();
		if (memcmp(s, theme_style(b, (enum role)r), sizeof(*s)) != 0)
			abort();
	}
	/* the style parser alone, on the first line */
	{
		size_t n = 0;
		char *line;
		struct theme_style st = { 1, 2, TA_DIM }, before = st;
		char *cause = NULL;

		while (n < size && n < 200 && data[n] != '\n')
			n++;
		line = xstrndup((const char *)data, n);
		if (theme_style_parse(line, &st, &cause) != 0) {
			if (cause == NULL || memcmp(&st, &before, sizeof(st)) != 0)
				abort();
			free(cause);
		} else {
			check_color(st.fg);
			check_color(st.bg);
		}
		free(line);
	}
	buf_done(&diag);
	theme_free(a);
	theme_free(b);
	return 0;
}
