/*
 * jw.h: a streaming JSON writer and XML/encoding helpers for awsim answers.
 *
 * awsim writes its answers directly into a struct buf instead of building
 * cJSON trees: it is faster, and it controls number formats exactly (epoch
 * timestamps with fractions, severities as 8.0, long decimal strings).
 */
#ifndef AWSIM_JW_H
#define AWSIM_JW_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *b;
	int depth;
	unsigned char first[JW_MAX_DEPTH]; /* 1: nothing written yet at this level */
	unsigned char kind[JW_MAX_DEPTH];  /* '{' or '[' */
	int after_key;
	int safe; /* strings through text_json_string (core/text.h), as orgtop writes them */
};

/* Writes into b (borrowed). safe: see struct jw. */
void jw_init(struct jw *w, struct buf *b, int safe);
void jw_obj(struct jw *w);
void jw_end(struct jw *w); /* closes the innermost object or array */
void jw_arr(struct jw *w);
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
/* A double with up to 15 significant digits; integral values keep ".0" when frac_zero. */
void jw_dbl(struct jw *w, double v, int frac_zero);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* Raw JSON text, already valid. */
void jw_raw(struct jw *w, const char *s);

/* Key + value shorthands. */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, long long v);
void jw_kbool(struct jw *w, const char *k, int v);
/* An epoch timestamp as a JSON number with millisecond precision. */
void jw_ktime(struct jw *w, const char *k, double t);

/* Appends s with XML escaping (&, <, >, ", '). */
void xml_esc(struct buf *b, const char *s);

/* Standard base64 (with '+', '/', '='). Caller frees the result. */
char *b64_encode(const unsigned char *in, size_t n);
/* Decodes standard base64; returns bytes written or -1. out holds >= 3*len/4. */
long b64_decode(const char *s, unsigned char *out, size_t cap);

/* ISO 8601 with milliseconds: "2024-06-01T09:00:00.000Z" (out >= 25 bytes). */
void iso_ms(double t, char *out, size_t len);
/* ISO 8601 without fraction: "2024-06-01T09:00:00Z" (out >= 21 bytes). */
void iso_s(double t, char *out, size_t len);

/* Percent-decodes s (n bytes) into a new string; plus_space turns '+' into ' '. Caller frees. */
char *url_decode(const char *s, size_t n, int plus_space);

#endif
