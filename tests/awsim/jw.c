/*
 * jw.c: the streaming JSON writer and small encoders.
 */
#include "tests/awsim/jw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "core/xmalloc.h"

static void jw__string(struct jw *w, const char *s, size_t n);

void
jw_init(struct jw *w, struct buf *b, int safe)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->first[0] = 1;
	w->safe = safe;
}

static void
jw__sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->first[w->depth])
		buf_addc(w->b, ',');
	w->first[w->depth] = 0;
}

static void
jw__open(struct jw *w, char c)
{
	jw__sep(w);
	buf_addc(w->b, c);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = 1;
	w->kind[w->depth] = (unsigned char)c;
}

void
jw_obj(struct jw *w)
{
	jw__open(w, '{');
}

void
jw_arr(struct jw *w)
{
	jw__open(w, '[');
}

void
jw_end(struct jw *w)
{
	buf_addc(w->b, w->kind[w->depth] == '[' ? ']' : '}');
	if (w->depth > 0)
		w->depth--;
	w->after_key = 0;
}

void
jw_key(struct jw *w, const char *k)
{
	jw__sep(w);
	jw__string(w, k, strlen(k));
	buf_addc(w->b, ':');
	w->after_key = 1;
}

static void
jw__u(struct buf *b, unsigned cp)
{
	if (cp >= 0x10000) {
		cp -= 0x10000;
		buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
	} else
		buf_printf(b, "\\u%04x", cp);
}

/* Decodes one UTF-8 sequence; returns its length, 0 if invalid. */
static size_t
jw__utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static int
jw__unsafe_cp(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xe0000 && cp <= 0xe007f);
}

static void
jw__string(struct jw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf *b = w->b;
	size_t i = 0;

	if (w->safe) {
		/* The orgtop/1 documents escape exactly as orgtop itself does. */
		text_json_string(b, s, n);
		return;
	}
	buf_addc(b, '"');
	while (i < n) {
		unsigned c = p[i], cp;
		size_t len;

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
			i++;
			continue;
		}
		if (c < 0x20) {
			switch (c) {
			case '\n': buf_adds(b, "\\n"); break;
			case '\r': buf_adds(b, "\\r"); break;
			case '\t': buf_adds(b, "\\t"); break;
			default: jw__u(b, c); break;
			}
			i++;
			continue;
		}
		if (c < 0x80 && c != 0x7f) {
			buf_addc(b, (char)c);
			i++;
			continue;
		}
		if (!w->safe) {
			buf_addc(b, (char)c);
			i++;
			continue;
		}
		len = jw__utf8(p + i, n - i, &cp);
		if (len == 0) {
			buf_adds(b, "\\ufffd");
			i++;
			continue;
		}
		if (jw__unsafe_cp(cp))
			jw__u(b, cp);
		else
			buf_add(b, p + i, len);
		i += len;
	}
	buf_addc(b, '"');
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	jw__sep(w);
	jw__string(w, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void
jw_int(struct jw *w, long long v)
{
	jw__sep(w);
	buf_printf(w->b, "%lld", v);
}

void
jw_dbl(struct jw *w, double v, int frac_zero)
{
	char tmp[40];

	jw__sep(w);
	if (!isfinite(v))
		v = 0;
	snprintf(tmp, sizeof(tmp), "%.15g", v);
	buf_adds(w->b, tmp);
	if (frac_zero && !strpbrk(tmp, ".eE"))
		buf_adds(w->b, ".0");
}

void
jw_bool(struct jw *w, int v)
{
	jw__sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	jw__sep(w);
	buf_adds(w->b, "null");
}

void
jw_raw(struct jw *w, const char *s)
{
	jw__sep(w);
	buf_adds(w->b, s);
}

void
jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void
jw_kbool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void
jw_ktime(struct jw *w, const char *k, double t)
{
	jw_key(w, k);
	jw__sep(w);
	buf_printf(w->b, "%.3f", t);
}

void
xml_esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
b64_encode(const unsigned char *in, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64[in[i] >> 2];
		*o++ = b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*o++ = b64[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*o++ = b64[in[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64[in[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			*o++ = b64[(in[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(in[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = 0;
	return out;
}

long
b64_decode(const char *s, unsigned char *out, size_t cap)
{
	size_t n = strlen(s), i, o = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	if (n % 4)
		return -1;
	for (i = 0; i < n; i++) {
		const char *p;
		if (s[i] == '=') {
			if (i + 2 < n)
				return -1;
			pad++;
			continue;
		}
		if (pad)
			return -1;
		p = strchr(b64, s[i]);
		if (!p || !s[i])
			return -1;
		acc = (acc << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

void
iso_ms(double t, char *out, size_t len)
{
	time_t s = (time_t)floor(t);
	int ms = (int)((t - (double)s) * 1000.0 + 0.5);
	struct tm tm;

	if (ms >= 1000)
		ms = 999;
	gmtime_r(&s, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

void
iso_s(double t, char *out, size_t len)
{
	time_t s = (time_t)floor(t);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
jw__hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
url_decode(const char *s, size_t n, int plus_space)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && jw__hex(s[i + 1]) >= 0 && jw__hex(s[i + 2]) >= 0) {
			*o++ = (char)(jw__hex(s[i + 1]) * 16 + jw__hex(s[i + 2]));
			i += 2;
		} else if (s[i] == '+' && plus_space)
			*o++ = ' ';
		else
			*o++ = s[i];
	}
	*o = 0;
	return out;
}
