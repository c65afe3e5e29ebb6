/*
 * text.h: untrusted text made safe for a terminal, a log or a CSV cell.
 *
 * Every string that came from AWS (account and OU names, finding titles,
 * error messages) or from a file passes through here before it is drawn or
 * written (DESIGN.md section 7, RELIABILITY.md A, STYLE.md 10):
 *
 *  - UTF-8 is decoded by this module itself (not the locale); invalid bytes
 *    become U+FFFD (ASCII mode: "?").
 *  - C0 controls, DEL and C1 controls become visible escapes: "\n", "\r",
 *    "\t", "\b", "\e" for ESC, "\x7f", "\u{9b}" for C1; NUL as "\0".
 *  - Bidi controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C), zero-width
 *    characters (U+200B-200D, U+2060, U+FEFF), tag characters (U+E0000-E007F),
 *    variation selectors when not after a base, and other format characters
 *    become a visible marker "\u{XXXX}".
 *  - Combining marks are kept (width 0), but at most TEXT_MAX_COMBINING per
 *    base character; the rest are dropped.
 *  - Width is counted in terminal columns (wcwidth-like table built into this
 *    module: wide CJK and emoji are 2), never in bytes, and output is cut to
 *    the column budget with a trailing ellipsis ("…", or "~" in ASCII mode).
 *    A wide character is never split.
 *
 * The output never contains a byte < 0x20, 0x7f, a C1 code point, or any of
 * the characters listed above. It is valid UTF-8 (pure ASCII with
 * TEXT_ASCII).
 */
#ifndef ORGTOP_TEXT_H
#define ORGTOP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define TEXT_MAX_COMBINING 4

/* Flags. */
#define TEXT_ASCII 0x01    /* emit only printable ASCII; other code points as "\u{XXXX}" */
#define TEXT_NO_ELLIPSIS 0x02 /* cut without the ellipsis marker */

/*
 * Decides once whether the output side is UTF-8 (from nl_langinfo(CODESET)
 * after setlocale()). Returns 1 for UTF-8. text_utf8() reads it back; the
 * flags of each call are what counts, this is only the default callers use.
 */
int text_init(void);
int text_utf8(void);

/*
 * Appends the sanitised form of s (len bytes; may contain NULs and invalid
 * UTF-8) to out, using at most max_cols columns (max_cols < 0: no limit).
 * Returns the number of columns appended.
 */
int text_sanitize(struct buf *out, const char *s, size_t len, int max_cols, unsigned flags);

/* As text_sanitize() but pads with spaces to exactly cols columns. Returns cols. */
int text_pad(struct buf *out, const char *s, size_t len, int cols, unsigned flags);

/* Sanitises a NUL-terminated string without a width limit. Caller frees the result. */
char *text_clean(const char *s, unsigned flags);

/* Columns taken by already-sanitised UTF-8 s. */
int text_width(const char *s);

/*
 * Decodes one UTF-8 sequence at s (at most len bytes). Returns the number of
 * bytes consumed (>= 1 when len > 0) and stores the code point, or
 * 0xFFFD for an invalid/overlong/surrogate/truncated sequence (consuming 1 byte).
 */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Columns of code point cp: 0 for combining/zero-width, 2 for wide, 1 otherwise, -1 for controls. */
int text_cp_width(uint32_t cp);

/*
 * Writes s as a JSON string literal (with quotes) that is lossless for valid
 * UTF-8 but safe to print: C0, DEL, C1, bidi and zero-width characters are
 * written as \uXXXX escapes, invalid UTF-8 as \ufffd.
 */
void text_json_string(struct buf *out, const char *s, size_t len);

#endif
