/*
 * svcio.h: helpers shared by the service files of core/services (internal to
 * that directory; the collector uses the per-service headers, not this one).
 *
 * Building: a request starts from its ops table entry (svcio_request_init
 * asserts the entry exists and is a read); its params (the input by wire
 * names, what the AWS client serialises) are built with cJSON through struct
 * svcio_body, which turns an allocation failure into an error instead of a
 * silently missing member; svcio_request_finish derives the wire form (path
 * from the URI template, query, body) from the params.
 *
 * Decoding: every getter takes a struct svcio_dec (the operation's name and the
 * caller's cause), the object to read, a "where" (the path of that object in
 * the answer, e.g. "Accounts[3]", "" for the root) and the key. A missing
 * optional key, or a JSON null, leaves the output untouched and returns 0; a
 * missing required key or a wrong type sets a cause naming the field
 * ("ListAccounts: Accounts[3].Id: expected a string, got a number") and
 * returns -1. Only the first failure is reported.
 */
#ifndef ORGTOP_SVCIO_H
#define ORGTOP_SVCIO_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/services/ops.h"

/* Lists longer than this in one answer are refused (AWS pages hold at most 1,000). */
#define SVCIO_MAX_ITEMS 10000

/* getter flags */
#define SVCIO_REQUIRED 0x01 /* missing or null is an error */
#define SVCIO_NONEMPTY 0x02 /* "" is an error (strings) */

/* ---- building ---- */

/*
 * Starts a request for table entry id: asserts the entry exists and is a read
 * (the builders can produce nothing else) and zeroes the rest.
 */
void svcio_request_init(struct ops_request *r, enum ops_id id);

/*
 * The request's params (its input by wire names) under construction. oom is
 * set by the first failed allocation, so a missing member can never go out
 * silently.
 */
struct svcio_body {
	cJSON *root;
	int oom;
};

void svcio_body_init(struct svcio_body *b);
/* Each adds key to obj (obj NULL: does nothing) and returns the new item or NULL. */
cJSON *svcio_body_obj(struct svcio_body *b, cJSON *obj, const char *key);
cJSON *svcio_body_arr(struct svcio_body *b, cJSON *obj, const char *key);
void svcio_body_str(struct svcio_body *b, cJSON *obj, const char *key, const char *value);
void svcio_body_num(struct svcio_body *b, cJSON *obj, const char *key, double value);
/* Appends a string to an array (arr NULL: does nothing). */
void svcio_body_arr_str(struct svcio_body *b, cJSON *arr, const char *value);
/* An array of n strings under key. */
void svcio_body_strs(struct svcio_body *b, cJSON *obj, const char *key, const char *const *v,
                     size_t n);

/*
 * Finishes r with the params in b (taking them over) and moves it to *out:
 * derives the wire form from params and the table entry. json 1.1: path "/",
 * body = params. rest-json: each {Label} of the URI template from the string
 * member of that name, percent-encoded (every byte but A-Za-z0-9-_.~; '/'
 * kept for a greedy {Label+}); the op's query members, in params order, into
 * the query string (strings percent-encoded once, whole numbers plainly,
 * booleans as true/false); every other member into the JSON body, "{}" for a
 * POST without one, no body for a GET. On an earlier allocation failure, or
 * a label that is missing or not a non-empty string (a builder bug), frees
 * everything and returns -1 with *cause.
 */
int svcio_request_finish(struct ops_request *r, struct svcio_body *b, struct ops_request *out,
                         char **cause);

/* Builder argument checks: 0, or -1 with *cause "<op>: <what> ..." (cause may be NULL). */
int svcio_arg_str(const char *op, const char *what, const char *v, char **cause);
int svcio_arg_account(const char *op, const char *what, const char *v, char **cause);
int svcio_arg_range(const char *op, const char *what, long v, long lo, long hi, char **cause);
/* The token argument: NULL or "" means the first page. */
int svcio_arg_token(const char *token);

/* ---- decoding ---- */

struct svcio_dec {
	const char *op; /* operation name for messages */
	char **cause;   /* may be NULL */
	int failed;
};

void svcio_dec_init(struct svcio_dec *d, const char *op, char **cause);
/* Reports a failure at where.key (key may be NULL). Returns -1. */
int svcio_fail(struct svcio_dec *d, const char *where, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Formats "where.key[i]" (or "key[i]" at the root) into out. */
void svcio_where(char *out, size_t len, const char *where, const char *key, size_t i);
/* Formats "where.key" (or "key" at the root) into out. */
void svcio_where_key(char *out, size_t len, const char *where, const char *key);

/*
 * A short printable copy of untrusted text for a message: at most 32 bytes of
 * s, every byte outside printable ASCII as '?'. out must hold 33 bytes.
 */
void svcio_snippet(char out[33], const char *s);

/* Checks that root is a JSON object. */
int svcio_root(struct svcio_dec *d, const cJSON *root);
/* Checks that an array element (named by where) is an object. */
int svcio_item_obj(struct svcio_dec *d, const cJSON *item, const char *where);

/* obj.key as an object (borrowed). *out NULL when absent and optional. */
int svcio_obj(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, const cJSON **out);
/* obj.key as an array of at most max items (borrowed). *out NULL, *n 0 when absent. */
int svcio_arr(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, size_t max, const cJSON **out, size_t *n);
/* obj.key as a string (borrowed from the tree). */
int svcio_str(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, const char **out);
/* obj.key as a copied string. Caller frees *out. */
int svcio_dup(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, char **out);
/* The same for an array element (where names the element, e.g. "PermissionSets[2]"). */
int svcio_item_dup(struct svcio_dec *d, const cJSON *item, const char *where, unsigned flags,
                   char **out);
/* A 12-digit account id string (never a number) into out. */
int svcio_account(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
                  unsigned flags, char out[13]);
/* The same for an array element. */
int svcio_item_account(struct svcio_dec *d, const cJSON *item, const char *where, char out[13]);
/*
 * An identifier made only of [A-Za-z0-9-_] (region names, OU and root ids),
 * 1..maxlen bytes, copied. Keeps hostile text out of host names and ids.
 */
int svcio_ident(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
                unsigned flags, size_t maxlen, char **out);
/* A whole number in [0, max] (max <= 2^53). Not a string, not a fraction. */
int svcio_uint(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
               unsigned flags, uint64_t max, uint64_t *out);
/* The same for a value already in hand (an array element or a map value). */
int svcio_item_uint(struct svcio_dec *d, const cJSON *item, const char *where, uint64_t max,
                    uint64_t *out);
/* A finite number in [lo, hi]. */
int svcio_num(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, double lo, double hi, double *out);
/* true/false. */
int svcio_bool(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
               unsigned flags, int *out);
/*
 * A timestamp: epoch seconds as a JSON number, or a string in any form
 * util_parse_time() takes (ISO 8601 or decimal epoch). Years 1970..9999.
 */
int svcio_time(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
               unsigned flags, double *out);
/* A decimal number written as a JSON string ("604.456000..."), parsed with strtod. */
int svcio_decimal(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
                  unsigned flags, double *out);
/*
 * A string enum: *out = the index of the value in names[0..n), or unknown when
 * the value is not listed (AWS adds values; an unknown one is not an error).
 */
int svcio_enum(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
               unsigned flags, const char *const *names, size_t n, int unknown, int *out);
/*
 * A pagination token at root.key: absent, null or "" mean the last page
 * (*out NULL); a string is copied; anything else is an error.
 */
int svcio_token(struct svcio_dec *d, const cJSON *root, const char *key, char **out);

/* Frees an array of n strings and the array. NULL-safe. */
void svcio_free_strv(char **v, size_t n);

#endif
