/*
 * svc.h: helpers shared by the service files of core/services (internal to
 * that directory; the collector uses the per-service headers, not this one).
 *
 * Building: a request starts from its ops table entry (svc_request_init
 * asserts the entry exists and is a read), gets its path from the entry's URI
 * template with percent-encoded labels, an optional query string, and a JSON
 * body built with cJSON through struct svc_body, which turns an allocation
 * failure into an error instead of a silently missing member.
 *
 * Decoding: every getter takes a struct svc_dec (the operation's name and the
 * caller's cause), the object to read, a "where" (the path of that object in
 * the answer, e.g. "Accounts[3]", "" for the root) and the key. A missing
 * optional key, or a JSON null, leaves the output untouched and returns 0; a
 * missing required key or a wrong type sets a cause naming the field
 * ("ListAccounts: Accounts[3].Id: expected a string, got a number") and
 * returns -1. Only the first failure is reported.
 */
#ifndef ORGTOP_SVC_H
#define ORGTOP_SVC_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/services/ops.h"

/* Lists longer than this in one answer are refused (AWS pages hold at most 1,000). */
#define SVC_MAX_ITEMS 10000

/* getter flags */
#define SVC_REQUIRED 0x01 /* missing or null is an error */
#define SVC_NONEMPTY 0x02 /* "" is an error (strings) */

/* ---- building ---- */

/*
 * Starts a request for table entry id: asserts the entry exists and is a read
 * (the builders can produce nothing else), sets r->op and, for json 1.1,
 * path "/".
 */
void svc_request_init(struct ops_request *r, enum ops_id id);

/*
 * Expands r->op->uri into r->path, replacing each {Label} in order with the
 * percent-encoded labels[i] (every byte but A-Za-z0-9-_.~ encoded, '/'
 * included). Asserts the count matches the template.
 */
void svc_request_path(struct ops_request *r, const char *const *labels, size_t nlabels);

/* Appends "key=value" (value percent-encoded once) to a query being built in q. */
void svc_query_add(struct buf *q, const char *key, const char *value);

/* Appends s percent-encoded (every byte but A-Za-z0-9-_.~). */
void svc_percent_encode(struct buf *out, const char *s);

/* A JSON body under construction. oom is set by the first failed allocation. */
struct svc_body {
	cJSON *root;
	int oom;
};

void svc_body_init(struct svc_body *b);
/* Each adds key to obj (obj NULL: does nothing) and returns the new item or NULL. */
cJSON *svc_body_obj(struct svc_body *b, cJSON *obj, const char *key);
cJSON *svc_body_arr(struct svc_body *b, cJSON *obj, const char *key);
void svc_body_str(struct svc_body *b, cJSON *obj, const char *key, const char *value);
void svc_body_num(struct svc_body *b, cJSON *obj, const char *key, double value);
/* Appends a string to an array (arr NULL: does nothing). */
void svc_body_arr_str(struct svc_body *b, cJSON *arr, const char *value);
/* An array of n strings under key. */
void svc_body_strs(struct svc_body *b, cJSON *obj, const char *key, const char *const *v, size_t n);

/*
 * Prints b into r->body (compact JSON) and frees the tree, or on an earlier
 * allocation failure frees everything in b and r and returns -1 with *cause.
 */
int svc_request_body(struct ops_request *r, struct svc_body *b, char **cause);

/* Builder argument checks: 0, or -1 with *cause "<op>: <what> ..." (cause may be NULL). */
int svc_arg_str(const char *op, const char *what, const char *v, char **cause);
int svc_arg_account(const char *op, const char *what, const char *v, char **cause);
int svc_arg_range(const char *op, const char *what, long v, long lo, long hi, char **cause);
/* The token argument: NULL or "" means the first page. */
int svc_arg_token(const char *token);

/* ---- decoding ---- */

struct svc_dec {
	const char *op; /* operation name for messages */
	char **cause;   /* may be NULL */
	int failed;
};

void svc_dec_init(struct svc_dec *d, const char *op, char **cause);
/* Reports a failure at where.key (key may be NULL). Returns -1. */
int svc_fail(struct svc_dec *d, const char *where, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Formats "where.key[i]" (or "key[i]" at the root) into out. */
void svc_where(char *out, size_t len, const char *where, const char *key, size_t i);
/* Formats "where.key" (or "key" at the root) into out. */
void svc_where_key(char *out, size_t len, const char *where, const char *key);

/* Checks that root is a JSON object. */
int svc_root(struct svc_dec *d, const cJSON *root);
/* Checks that an array element (named by where) is an object. */
int svc_item_obj(struct svc_dec *d, const cJSON *item, const char *where);

/* obj.key as an object (borrowed). *out NULL when absent and optional. */
int svc_obj(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const cJSON **out);
/* obj.key as an array of at most max items (borrowed). *out NULL, *n 0 when absent. */
int svc_arr(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, size_t max, const cJSON **out, size_t *n);
/* obj.key as a string (borrowed from the tree). */
int svc_str(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const char **out);
/* obj.key as a copied string. Caller frees *out. */
int svc_dup(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, char **out);
/* The same for an array element (where names the element, e.g. "PermissionSets[2]"). */
int svc_item_dup(struct svc_dec *d, const cJSON *item, const char *where, unsigned flags,
    char **out);
/* A 12-digit account id string (never a number) into out. */
int svc_account(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, char out[13]);
/* The same for an array element. */
int svc_item_account(struct svc_dec *d, const cJSON *item, const char *where, char out[13]);
/*
 * An identifier made only of [A-Za-z0-9-_] (region names, OU and root ids),
 * 1..maxlen bytes, copied. Keeps hostile text out of host names and ids.
 */
int svc_ident(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, size_t maxlen, char **out);
/* A whole number in [0, max] (max <= 2^53). Not a string, not a fraction. */
int svc_uint(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, uint64_t max, uint64_t *out);
/* The same for a value already in hand (an array element or a map value). */
int svc_item_uint(struct svc_dec *d, const cJSON *item, const char *where, uint64_t max,
    uint64_t *out);
/* A finite number in [lo, hi]. */
int svc_num(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double lo, double hi, double *out);
/* true/false. */
int svc_bool(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, int *out);
/*
 * A timestamp: epoch seconds as a JSON number, or a string in any form
 * util_parse_time() takes (ISO 8601 or decimal epoch). Years 1970..9999.
 */
int svc_time(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double *out);
/* A decimal number written as a JSON string ("604.456000..."), parsed with strtod. */
int svc_decimal(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double *out);
/*
 * A string enum: *out = the index of the value in names[0..n), or unknown when
 * the value is not listed (AWS adds values; an unknown one is not an error).
 */
int svc_enum(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const char *const *names, size_t n, int unknown, int *out);
/*
 * A pagination token at root.key: absent, null or "" mean the last page
 * (*out NULL); a string is copied; anything else is an error.
 */
int svc_token(struct svc_dec *d, const cJSON *root, const char *key, char **out);

/* Frees an array of n strings and the array. NULL-safe. */
void svc_free_strv(char **v, size_t n);

#endif
