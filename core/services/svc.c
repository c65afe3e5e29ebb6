/*
 * svc.c: request-building and answer-decoding helpers for core/services.
 */
#include "core/services/svc.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

/* 2^53: the largest range in which every whole double is exact. */
#define SVC_EXACT_MAX 9007199254740992.0
/* 10000-01-01T00:00:00Z: later timestamps are nonsense. */
#define SVC_TIME_MAX 253402300800.0

/* ---- building ---- */

void
svc_request_init(struct ops_request *r, enum ops_id id)
{
	const struct ops_op *op = ops_get(id);

	/* Read-only by construction: nothing outside the table, nothing but reads. */
	assert(op != NULL);
	assert(op->read_only == 1 && ops_is_read(op));
	memset(r, 0, sizeof *r);
	r->op = op;
	if (op->protocol == OPS_PROTO_JSON)
		r->path = xstrdup("/");
}

static int
svc__unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

void
svc_percent_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (svc__unreserved(*p)) {
			buf_addc(out, (char)*p);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 15]);
		}
	}
}

void
svc_request_path(struct ops_request *r, const char *const *labels, size_t nlabels)
{
	struct buf b;
	const char *p = r->op->uri;
	size_t used = 0;

	buf_init(&b);
	while (*p != '\0') {
		const char *close;

		if (*p != '{') {
			buf_addc(&b, *p++);
			continue;
		}
		close = strchr(p, '}');
		assert(close != NULL && used < nlabels);
		svc_percent_encode(&b, labels[used++]);
		p = close + 1;
	}
	assert(used == nlabels);
	free(r->path);
	r->path = buf_detach(&b);
	buf_done(&b);
}

void
svc_query_add(struct buf *q, const char *key, const char *value)
{
	if (q->len > 0)
		buf_addc(q, '&');
	svc_percent_encode(q, key);
	buf_addc(q, '=');
	svc_percent_encode(q, value);
}

void
svc_body_init(struct svc_body *b)
{
	b->root = cJSON_CreateObject();
	b->oom = b->root == NULL;
}

/* Attaches item under key, or records the failure. Returns item or NULL. */
static cJSON *
svc__attach(struct svc_body *b, cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL) {
		b->oom = 1;
		return NULL;
	}
	if (key != NULL ? !cJSON_AddItemToObject(obj, key, item) : !cJSON_AddItemToArray(obj, item)) {
		cJSON_Delete(item);
		b->oom = 1;
		return NULL;
	}
	return item;
}

cJSON *
svc_body_obj(struct svc_body *b, cJSON *obj, const char *key)
{
	if (obj == NULL)
		return NULL;
	return svc__attach(b, obj, key, cJSON_CreateObject());
}

cJSON *
svc_body_arr(struct svc_body *b, cJSON *obj, const char *key)
{
	if (obj == NULL)
		return NULL;
	return svc__attach(b, obj, key, cJSON_CreateArray());
}

void
svc_body_str(struct svc_body *b, cJSON *obj, const char *key, const char *value)
{
	if (obj != NULL)
		svc__attach(b, obj, key, cJSON_CreateString(value));
}

void
svc_body_num(struct svc_body *b, cJSON *obj, const char *key, double value)
{
	if (obj != NULL)
		svc__attach(b, obj, key, cJSON_CreateNumber(value));
}

void
svc_body_arr_str(struct svc_body *b, cJSON *arr, const char *value)
{
	if (arr != NULL)
		svc__attach(b, arr, NULL, cJSON_CreateString(value));
}

void
svc_body_strs(struct svc_body *b, cJSON *obj, const char *key, const char *const *v, size_t n)
{
	cJSON *arr = svc_body_arr(b, obj, key);

	for (size_t i = 0; i < n; i++)
		svc_body_arr_str(b, arr, v[i]);
}

int
svc_request_body(struct ops_request *r, struct svc_body *b, char **cause)
{
	char *text = NULL;

	if (!b->oom)
		text = cJSON_PrintUnformatted(b->root);
	cJSON_Delete(b->root);
	b->root = NULL;
	if (text == NULL) {
		if (cause != NULL)
			*cause = xasprintf("%s: out of memory building the request", r->op->name);
		ops_request_done(r);
		return -1;
	}
	/* cJSON allocates with malloc (or the hooks main installs); free() releases it. */
	free(r->body);
	r->body = text;
	r->body_len = strlen(text);
	return 0;
}

int
svc_arg_str(const char *op, const char *what, const char *v, char **cause)
{
	if (v != NULL && *v != '\0')
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: %s is required", op, what);
	return -1;
}

static int
svc__is_account_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 12)
			return 0;
	}
	return i == 12;
}

int
svc_arg_account(const char *op, const char *what, const char *v, char **cause)
{
	if (v != NULL && svc__is_account_id(v))
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: %s must be a 12-digit account id", op, what);
	return -1;
}

int
svc_arg_range(const char *op, const char *what, long v, long lo, long hi, char **cause)
{
	if (v >= lo && v <= hi)
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: %s must be between %ld and %ld, not %ld", op, what, lo, hi,
		    v);
	return -1;
}

int
svc_arg_token(const char *token)
{
	return token != NULL && *token != '\0';
}

/* ---- decoding ---- */

void
svc_dec_init(struct svc_dec *d, const char *op, char **cause)
{
	d->op = op;
	d->cause = cause;
	d->failed = 0;
}

int
svc_fail(struct svc_dec *d, const char *where, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d->failed)
		return -1;
	d->failed = 1;
	if (d->cause == NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (key == NULL)
		key = "";
	if (where == NULL)
		where = "";
	if (*where == '\0' && *key == '\0')
		*d->cause = xasprintf("%s: %s", d->op, msg);
	else
		*d->cause = xasprintf("%s: %s%s%s: %s", d->op, where,
		    *where != '\0' && *key != '\0' ? "." : "", key, msg);
	free(msg);
	return -1;
}

void
svc_where(char *out, size_t len, const char *where, const char *key, size_t i)
{
	int n;

	if (where == NULL || *where == '\0')
		n = snprintf(out, len, "%s[%zu]", key, i);
	else
		n = snprintf(out, len, "%s.%s[%zu]", where, key, i);
	if (n < 0 || (size_t)n >= len) {
		/* A path too long to name whole: keep the tail, which says the most. */
		n = snprintf(out, len, "...%s[%zu]", key, i);
		if (n < 0 || (size_t)n >= len)
			snprintf(out, len, "...[%zu]", i);
	}
}

void
svc_where_key(char *out, size_t len, const char *where, const char *key)
{
	int n;

	if (where == NULL || *where == '\0')
		n = snprintf(out, len, "%s", key);
	else
		n = snprintf(out, len, "%s.%s", where, key);
	if (n < 0 || (size_t)n >= len) {
		n = snprintf(out, len, "...%s", key);
		if (n < 0 || (size_t)n >= len)
			snprintf(out, len, "...");
	}
}

static const char *
svc__type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsNull(v))
		return "null";
	return "an invalid value";
}

int
svc_root(struct svc_dec *d, const cJSON *root)
{
	if (root == NULL)
		return svc_fail(d, NULL, NULL, "no answer body");
	if (!cJSON_IsObject(root))
		return svc_fail(d, NULL, NULL, "expected a JSON object, got %s",
		    svc__type_name(root));
	return 0;
}

int
svc_item_obj(struct svc_dec *d, const cJSON *item, const char *where)
{
	if (cJSON_IsObject(item))
		return 0;
	return svc_fail(d, where, NULL, "expected an object, got %s", svc__type_name(item));
}

/*
 * Looks key up in obj. Returns 1 with *v set when present and not null,
 * 0 when absent/null and optional, -1 (failure reported) otherwise.
 */
static int
svc__get(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const cJSON **v)
{
	const cJSON *item = NULL;

	if (obj != NULL && cJSON_IsObject(obj))
		item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (item == NULL || cJSON_IsNull(item)) {
		if (flags & SVC_REQUIRED)
			return svc_fail(d, where, key, "missing");
		return 0;
	}
	*v = item;
	return 1;
}

static int
svc__want(struct svc_dec *d, const cJSON *v, const char *where, const char *key, int ok,
    const char *want)
{
	if (ok)
		return 0;
	return svc_fail(d, where, key, "expected %s, got %s", want, svc__type_name(v));
}

int
svc_obj(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const cJSON **out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc > 0 && svc__want(d, v, where, key, cJSON_IsObject(v), "an object") < 0)
		return -1;
	*out = v;
	return 0;
}

int
svc_arr(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, size_t max, const cJSON **out, size_t *n)
{
	const cJSON *v = NULL;
	size_t count = 0;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (svc__want(d, v, where, key, cJSON_IsArray(v), "an array") < 0)
			return -1;
		/* Count by walking: cJSON_GetArraySize() is an int. */
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			if (++count > max)
				return svc_fail(d, where, key, "more than %zu items", max);
		}
	}
	*out = v;
	*n = count;
	return 0;
}

int
svc_str(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const char **out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	if (svc__want(d, v, where, key, cJSON_IsString(v) && v->valuestring != NULL,
		"a string") < 0)
		return -1;
	if ((flags & SVC_NONEMPTY) && v->valuestring[0] == '\0')
		return svc_fail(d, where, key, "empty");
	*out = v->valuestring;
	return 0;
}

int
svc_dup(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, char **out)
{
	const char *s = NULL;

	if (svc_str(d, obj, where, key, flags, &s) < 0)
		return -1;
	if (s != NULL)
		*out = xstrdup(s);
	return 0;
}

int
svc_item_dup(struct svc_dec *d, const cJSON *item, const char *where, unsigned flags,
    char **out)
{
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return svc_fail(d, where, NULL, "expected a string, got %s", svc__type_name(item));
	if ((flags & SVC_NONEMPTY) && item->valuestring[0] == '\0')
		return svc_fail(d, where, NULL, "empty");
	*out = xstrdup(item->valuestring);
	return 0;
}

static int
svc__account_str(struct svc_dec *d, const cJSON *v, const char *where, const char *key,
    char out[13])
{
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return svc_fail(d, where, key, "expected a 12-digit account id string, got %s",
		    svc__type_name(v));
	if (!svc__is_account_id(v->valuestring))
		return svc_fail(d, where, key, "not a 12-digit account id");
	memcpy(out, v->valuestring, 13);
	return 0;
}

int
svc_account(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, char out[13])
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	return svc__account_str(d, v, where, key, out);
}

int
svc_item_account(struct svc_dec *d, const cJSON *item, const char *where, char out[13])
{
	return svc__account_str(d, item, where, NULL, out);
}

int
svc_ident(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, size_t maxlen, char **out)
{
	const char *s = NULL;
	size_t n;

	if (svc_str(d, obj, where, key, flags | SVC_NONEMPTY, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n > maxlen)
		return svc_fail(d, where, key, "longer than %zu characters", maxlen);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_'))
			return svc_fail(d, where, key, "not a valid identifier");
	}
	*out = xstrdup(s);
	return 0;
}

static int
svc__uint(struct svc_dec *d, const cJSON *v, const char *where, const char *key, uint64_t max,
    uint64_t *out)
{
	double x;

	if (svc__want(d, v, where, key, cJSON_IsNumber(v), "a number") < 0)
		return -1;
	x = v->valuedouble;
	if (!isfinite(x) || x < 0 || x != floor(x))
		return svc_fail(d, where, key, "not a whole number >= 0");
	if (x >= SVC_EXACT_MAX || x > (double)max)
		return svc_fail(d, where, key, "too large (over %llu)", (unsigned long long)max);
	*out = (uint64_t)x;
	return 0;
}

int
svc_uint(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, uint64_t max, uint64_t *out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	return svc__uint(d, v, where, key, max, out);
}

int
svc_item_uint(struct svc_dec *d, const cJSON *item, const char *where, uint64_t max,
    uint64_t *out)
{
	return svc__uint(d, item, where, NULL, max, out);
}

int
svc_num(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double lo, double hi, double *out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	if (svc__want(d, v, where, key, cJSON_IsNumber(v), "a number") < 0)
		return -1;
	if (!isfinite(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi)
		return svc_fail(d, where, key, "out of range %g..%g", lo, hi);
	*out = v->valuedouble;
	return 0;
}

int
svc_bool(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, int *out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	if (svc__want(d, v, where, key, cJSON_IsBool(v), "true or false") < 0)
		return -1;
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

int
svc_time(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double *out)
{
	const cJSON *v = NULL;
	int rc = svc__get(d, obj, where, key, flags, &v);
	double t;

	if (rc <= 0)
		return rc;
	if (cJSON_IsNumber(v)) {
		t = v->valuedouble;
	} else if (cJSON_IsString(v) && v->valuestring != NULL) {
		if (util_parse_time(v->valuestring, &t) < 0)
			return svc_fail(d, where, key, "not a timestamp");
	} else {
		return svc_fail(d, where, key, "expected a timestamp, got %s", svc__type_name(v));
	}
	if (!isfinite(t) || t < 0 || t >= SVC_TIME_MAX)
		return svc_fail(d, where, key, "timestamp out of range");
	*out = t;
	return 0;
}

int
svc_decimal(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, double *out)
{
	const char *s = NULL;
	double x;

	if (svc_str(d, obj, where, key, flags, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (util_parse_double(s, &x) < 0)
		return svc_fail(d, where, key, "not a decimal number");
	*out = x;
	return 0;
}

int
svc_enum(struct svc_dec *d, const cJSON *obj, const char *where, const char *key,
    unsigned flags, const char *const *names, size_t n, int unknown, int *out)
{
	const char *s = NULL;

	if (svc_str(d, obj, where, key, flags, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (names[i] != NULL && strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	*out = unknown;
	return 0;
}

int
svc_token(struct svc_dec *d, const cJSON *root, const char *key, char **out)
{
	const char *s = NULL;

	if (svc_str(d, root, "", key, 0, &s) < 0)
		return -1;
	if (s != NULL && *s != '\0')
		*out = xstrdup(s);
	return 0;
}

void
svc_free_strv(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
