/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * Embedded by value (struct buf b; buf_init(&b);), so the struct is public.
 * data is never NULL after buf_init(); len excludes the terminating NUL.
 */
#ifndef ORGTOP_BUF_H
#define ORGTOP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
/* Frees the storage; the buf may be reused after buf_init(). NULL-safe. */
void buf_done(struct buf *b);
/* Like buf_done() but wipes the bytes first (for buffers that held secrets). */
void buf_done_secret(struct buf *b);
void buf_reset(struct buf *b);
/* Ensures room for n more bytes plus the NUL. */
void buf_reserve(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/*
 * Returns the data and leaves b as buf_done() does (no storage; buf_done()
 * is then a no-op, and buf_add() & co start a new buffer). Caller frees the result.
 */
char *buf_detach(struct buf *b);

#endif
