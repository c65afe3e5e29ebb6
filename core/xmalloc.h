/*
 * xmalloc.h: allocation that never returns NULL.
 *
 * Every function here checks for overflow and failure; on failure it calls the
 * fatal hook (the TUI sets one that restores the terminal first, as htop's
 * fail() calls CRT_done()) and then aborts. Callers never check for NULL.
 */
#ifndef ORGTOP_XMALLOC_H
#define ORGTOP_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Called once before abort() when memory runs out. May be NULL (the default). */
void xmalloc_set_fatal_hook(void (*hook)(void));

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
/* Caller frees the result. */
char *xstrdup(const char *s);
/* Copies at most n bytes of s and NUL-terminates. Caller frees the result. */
char *xstrndup(const char *s, size_t n);
/* Caller frees the result. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Wipes len bytes at p so the compiler cannot elide it (OPENSSL_cleanse).
 * Use for every buffer that held a secret.
 */
void xwipe(void *p, size_t len);
/* Wipes the string (strlen bytes) and frees it. NULL-safe. */
void xfree_secret(char *s);

#endif
