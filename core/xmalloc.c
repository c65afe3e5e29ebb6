/*
 * xmalloc.c: allocation that never returns NULL.
 */
#include "core/xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

static void (*fatal_hook)(void);

void
xmalloc_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

static void
xmalloc_fail(const char *what, size_t size)
{
	static const char msg[] = "orgtop: out of memory\n";
	ssize_t n;

	(void)what;
	(void)size;
	if (fatal_hook != NULL)
		fatal_hook();
	n = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)n;
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	p = malloc(size);
	if (p == NULL)
		xmalloc_fail("xmalloc", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0) {
		nmemb = 1;
		size = 1;
	}
	if (SIZE_MAX / nmemb < size)
		xmalloc_fail("xcalloc overflow", size);
	p = calloc(nmemb, size);
	if (p == NULL)
		xmalloc_fail("xcalloc", size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	return xreallocarray(ptr, 1, size);
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0) {
		nmemb = 1;
		size = 1;
	}
	if (SIZE_MAX / nmemb < size)
		xmalloc_fail("xreallocarray overflow", size);
	p = realloc(ptr, nmemb * size);
	if (p == NULL)
		xmalloc_fail("xreallocarray", size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = xmalloc(len);

	memcpy(p, s, len);
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		xmalloc_fail("xvasprintf format", 0);
	p = xmalloc((size_t)n + 1);
	if (vsnprintf(p, (size_t)n + 1, fmt, ap) != n)
		xmalloc_fail("xvasprintf", (size_t)n);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
xwipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

void
xfree_secret(char *s)
{
	if (s == NULL)
		return;
	xwipe(s, strlen(s));
	free(s);
}
