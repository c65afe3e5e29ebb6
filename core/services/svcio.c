/*
 * svcio.c: request-building and answer-decoding helpers for core/services.
 */
#include "core/services/svcio.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "core/util.h"
#include "core/xmalloc.h"

/* 2^53: the largest range in which every whole double is exact. */
#define SVCIO_EXACT_MAX 9007199254740992.0
/* 10000-01-01T00:00:00Z: later timestamps are nonsense. */
#define SVCIO_TIME_MAX 253402300800.0

/* ---- building ---- */

void
svcio_request_init(struct ops_request *r, enum ops_id id)
{
	const struct ops_op *op = ops_get(id);

	/* Read-only by construction: nothing outside the table, nothing but reads. */
	assert(op != NULL);
	assert(op->read_only == 1 && ops_is_read(op));
	memset(r, 0, sizeof *r);
	r->op = op;
}

static int
svcio__unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

/* Appends s percent-encoded: every byte but A-Za-z0-9-_.~ (and '/' if keep_slash). */
static void
svcio__encode(struct buf *out, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (svcio__unreserved(*p) || (keep_slash && *p == '/')) {
			buf_addc(out, (char)*p);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 15]);
		}
	}
}

void
svcio_body_init(struct svcio_body *b)
{
	b->root = cJSON_CreateObject();
	b->oom = b->root == NULL;
}

/* Attaches item under key, or records the failure. Returns item or NULL. */
static cJSON *
svcio__attach(struct svcio_body *b, cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL) {
		b->oom = 1;
		return NULL;
	}
	if (key != NULL ? !cJSON_AddItemToObject(obj, key, item)
	                : !cJSON_AddItemToArray(obj, item)) {
		cJSON_Delete(item);
		b->oom = 1;
		return NULL;
	}
	return item;
}

cJSON *
svcio_body_obj(struct svcio_body *b, cJSON *obj, const char *key)
{
	if (obj == NULL)
		return NULL;
	return svcio__attach(b, obj, key, cJSON_CreateObject());
}

cJSON *
svcio_body_arr(struct svcio_body *b, cJSON *obj, const char *key)
{
	if (obj == NULL)
		return NULL;
	return svcio__attach(b, obj, key, cJSON_CreateArray());
}

void
svcio_body_str(struct svcio_body *b, cJSON *obj, const char *key, const char *value)
{
	if (obj != NULL)
		svcio__attach(b, obj, key, cJSON_CreateString(value));
}

void
svcio_body_num(struct svcio_body *b, cJSON *obj, const char *key, double value)
{
	if (obj != NULL)
		svcio__attach(b, obj, key, cJSON_CreateNumber(value));
}

void
svcio_body_arr_str(struct svcio_body *b, cJSON *arr, const char *value)
{
	if (arr != NULL)
		svcio__attach(b, arr, NULL, cJSON_CreateString(value));
}

void
svcio_body_strs(struct svcio_body *b, cJSON *obj, const char *key, const char *const *v, size_t n)
{
	cJSON *arr = svcio_body_arr(b, obj, key);

	for (size_t i = 0; i < n; i++)
		svcio_body_arr_str(b, arr, v[i]);
}

static int
svcio__is_query(const struct ops_op *op, const char *name)
{
	for (size_t i = 0; i < sizeof op->query / sizeof op->query[0] && op->query[i] != NULL;
	     i++) {
		if (strcmp(op->query[i], name) == 0)
			return 1;
	}
	return 0;
}

/* Is name a {name} or {name+} label of the URI template? */
static int
svcio__is_label(const struct ops_op *op, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strchr(op->uri, '{'); p != NULL; p = strchr(p + 1, '{')) {
		if (strncmp(p + 1, name, n) == 0 && (p[1 + n] == '}' || p[1 + n] == '+'))
			return 1;
	}
	return 0;
}

/* Expands the URI template into path. -1 if a label has no string value. */
static int
svcio__path(const struct ops_op *op, const cJSON *params, struct buf *path)
{
	const char *p = op->uri;

	while (*p != '\0') {
		const char *close;
		const cJSON *v;
		char name[64];
		size_t n;
		int greedy;

		if (*p != '{') {
			buf_addc(path, *p++);
			continue;
		}
		close = strchr(p, '}');
		if (close == NULL)
			return -1;
		n = (size_t)(close - p - 1);
		greedy = n > 0 && p[n] == '+';
		if (greedy)
			n--;
		if (n >= sizeof name)
			return -1;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		v = cJSON_GetObjectItemCaseSensitive(params, name);
		if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0')
			return -1;
		svcio__encode(path, v->valuestring, greedy);
		p = close + 1;
	}
	return 0;
}

/* Appends "name=value" for a scalar query member. -1 for another type. */
static int
svcio__query(struct buf *q, const cJSON *m)
{
	double x = m->valuedouble;

	if (q->len > 0)
		buf_addc(q, '&');
	svcio__encode(q, m->string, 0);
	buf_addc(q, '=');
	if (cJSON_IsString(m) && m->valuestring != NULL)
		svcio__encode(q, m->valuestring, 0);
	else if (cJSON_IsBool(m))
		buf_adds(q, cJSON_IsTrue(m) ? "true" : "false");
	else if (cJSON_IsNumber(m) && x == floor(x) && fabs(x) < SVCIO_EXACT_MAX)
		buf_printf(q, "%lld", (long long)x);
	else
		return -1;
	return 0;
}

/* The rest-json wire form of r->params. */
static int
svcio__rest(struct ops_request *r, struct svcio_body *b)
{
	struct buf path, query;
	cJSON *body = cJSON_CreateObject();
	int rc = 0, nbody = 0;

	buf_init(&path);
	buf_init(&query);
	if (body == NULL || svcio__path(r->op, b->root, &path) < 0)
		rc = -1;
	for (const cJSON *m = b->root->child; m != NULL && rc == 0; m = m->next) {
		if (svcio__is_label(r->op, m->string))
			continue;
		if (svcio__is_query(r->op, m->string)) {
			rc = svcio__query(&query, m);
			continue;
		}
		/* A body member: referenced, not copied. */
		if (!cJSON_AddItemReferenceToObject(body, m->string, (cJSON *)(uintptr_t)m))
			rc = -1;
		nbody++;
	}
	if (rc == 0 && nbody > 0) {
		r->body = cJSON_PrintUnformatted(body);
		if (r->body == NULL)
			rc = -1;
	} else if (rc == 0 && strcmp(r->op->method, "GET") != 0) {
		r->body = xstrdup("{}");
	}
	cJSON_Delete(body); /* references only */
	if (rc == 0) {
		r->path = buf_detach(&path);
		if (query.len > 0)
			r->query = buf_detach(&query);
	}
	buf_done(&path);
	buf_done(&query);
	return rc;
}

int
svcio_request_finish(struct ops_request *r, struct svcio_body *b, struct ops_request *out,
                     char **cause)
{
	int rc = -1;

	if (!b->oom) {
		if (r->op->protocol == OPS_PROTO_JSON) {
			r->path = xstrdup("/");
			r->body = cJSON_PrintUnformatted(b->root);
			rc = r->body != NULL ? 0 : -1;
		} else {
			rc = svcio__rest(r, b);
		}
	}
	if (rc < 0) {
		if (cause != NULL)
			*cause =
			    xasprintf("%s: could not build the request (%s)", r->op->name,
			              b->oom ? "out of memory" : "bad URI label or query member");
		cJSON_Delete(b->root);
		b->root = NULL;
		ops_request_done(r);
		return -1;
	}
	/* cJSON allocates with malloc (or the hooks main installs): free() releases it. */
	r->body_len = r->body != NULL ? strlen(r->body) : 0;
	r->params = b->root;
	b->root = NULL;
	*out = *r;
	memset(r, 0, sizeof *r);
	return 0;
}

int
svcio_arg_str(const char *op, const char *what, const char *v, char **cause)
{
	if (v != NULL && *v != '\0')
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: %s is required", op, what);
	return -1;
}

static int
svcio__is_account_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 12)
			return 0;
	}
	return i == 12;
}

int
svcio_arg_account(const char *op, const char *what, const char *v, char **cause)
{
	if (v != NULL && svcio__is_account_id(v))
		return 0;
	if (cause != NULL)
		*cause = xasprintf("%s: %s must be a 12-digit account id", op, what);
	return -1;
}

int
svcio_arg_range(const char *op, const char *what, long v, long lo, long hi, char **cause)
{
	if (v >= lo && v <= hi)
		return 0;
	if (cause != NULL)
		*cause =
		    xasprintf("%s: %s must be between %ld and %ld, not %ld", op, what, lo, hi, v);
	return -1;
}

int
svcio_arg_token(const char *token)
{
	return token != NULL && *token != '\0';
}

/* ---- decoding ---- */

void
svcio_dec_init(struct svcio_dec *d, const char *op, char **cause)
{
	d->op = op;
	d->cause = cause;
	d->failed = 0;
}

int
svcio_fail(struct svcio_dec *d, const char *where, const char *key, const char *fmt, ...)
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
svcio_where(char *out, size_t len, const char *where, const char *key, size_t i)
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
svcio_where_key(char *out, size_t len, const char *where, const char *key)
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

void
svcio_snippet(char out[33], const char *s)
{
	size_t i = 0;

	for (; s != NULL && s[i] != '\0' && i < 32; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

static const char *
svcio__type_name(const cJSON *v)
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
svcio_root(struct svcio_dec *d, const cJSON *root)
{
	if (root == NULL)
		return svcio_fail(d, NULL, NULL, "no answer body");
	if (!cJSON_IsObject(root))
		return svcio_fail(d, NULL, NULL, "expected a JSON object, got %s",
		                  svcio__type_name(root));
	return 0;
}

int
svcio_item_obj(struct svcio_dec *d, const cJSON *item, const char *where)
{
	if (cJSON_IsObject(item))
		return 0;
	return svcio_fail(d, where, NULL, "expected an object, got %s", svcio__type_name(item));
}

/*
 * Looks key up in obj. Returns 1 with *v set when present and not null,
 * 0 when absent/null and optional, -1 (failure reported) otherwise.
 */
static int
svcio__get(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
           unsigned flags, const cJSON **v)
{
	const cJSON *item = NULL;

	if (obj != NULL && cJSON_IsObject(obj))
		item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (item == NULL || cJSON_IsNull(item)) {
		if (flags & SVCIO_REQUIRED)
			return svcio_fail(d, where, key, "missing");
		return 0;
	}
	*v = item;
	return 1;
}

static int
svcio__want(struct svcio_dec *d, const cJSON *v, const char *where, const char *key, int ok,
            const char *want)
{
	if (ok)
		return 0;
	return svcio_fail(d, where, key, "expected %s, got %s", want, svcio__type_name(v));
}

int
svcio_obj(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key, unsigned flags,
          const cJSON **out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc > 0 && svcio__want(d, v, where, key, cJSON_IsObject(v), "an object") < 0)
		return -1;
	*out = v;
	return 0;
}

int
svcio_arr(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key, unsigned flags,
          size_t max, const cJSON **out, size_t *n)
{
	const cJSON *v = NULL;
	size_t count = 0;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (svcio__want(d, v, where, key, cJSON_IsArray(v), "an array") < 0)
			return -1;
		/* Count by walking: cJSON_GetArraySize() is an int. */
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			if (++count > max)
				return svcio_fail(d, where, key, "more than %zu items", max);
		}
	}
	*out = v;
	*n = count;
	return 0;
}

int
svcio_str(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key, unsigned flags,
          const char **out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	if (svcio__want(d, v, where, key, cJSON_IsString(v) && v->valuestring != NULL, "a string") <
	    0)
		return -1;
	if ((flags & SVCIO_NONEMPTY) && v->valuestring[0] == '\0')
		return svcio_fail(d, where, key, "empty");
	*out = v->valuestring;
	return 0;
}

int
svcio_dup(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key, unsigned flags,
          char **out)
{
	const char *s = NULL;

	if (svcio_str(d, obj, where, key, flags, &s) < 0)
		return -1;
	if (s != NULL)
		*out = xstrdup(s);
	return 0;
}

int
svcio_item_dup(struct svcio_dec *d, const cJSON *item, const char *where, unsigned flags,
               char **out)
{
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return svcio_fail(d, where, NULL, "expected a string, got %s",
		                  svcio__type_name(item));
	if ((flags & SVCIO_NONEMPTY) && item->valuestring[0] == '\0')
		return svcio_fail(d, where, NULL, "empty");
	*out = xstrdup(item->valuestring);
	return 0;
}

static int
svcio__account_str(struct svcio_dec *d, const cJSON *v, const char *where, const char *key,
                   char out[13])
{
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return svcio_fail(d, where, key, "expected a 12-digit account id string, got %s",
		                  svcio__type_name(v));
	if (!svcio__is_account_id(v->valuestring))
		return svcio_fail(d, where, key, "not a 12-digit account id");
	memcpy(out, v->valuestring, 13);
	return 0;
}

int
svcio_account(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, char out[13])
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	return svcio__account_str(d, v, where, key, out);
}

int
svcio_item_account(struct svcio_dec *d, const cJSON *item, const char *where, char out[13])
{
	return svcio__account_str(d, item, where, NULL, out);
}

int
svcio_ident(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
            unsigned flags, size_t maxlen, char **out)
{
	const char *s = NULL;
	size_t n;

	if (svcio_str(d, obj, where, key, flags | SVCIO_NONEMPTY, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n > maxlen)
		return svcio_fail(d, where, key, "longer than %zu characters", maxlen);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return svcio_fail(d, where, key, "not a valid identifier");
	}
	*out = xstrdup(s);
	return 0;
}

static int
svcio__uint(struct svcio_dec *d, const cJSON *v, const char *where, const char *key, uint64_t max,
            uint64_t *out)
{
	double x;

	if (svcio__want(d, v, where, key, cJSON_IsNumber(v), "a number") < 0)
		return -1;
	x = v->valuedouble;
	if (!isfinite(x) || x < 0 || x != floor(x))
		return svcio_fail(d, where, key, "not a whole number >= 0");
	if (x >= SVCIO_EXACT_MAX || x > (double)max)
		return svcio_fail(d, where, key, "too large (over %llu)", (unsigned long long)max);
	*out = (uint64_t)x;
	return 0;
}

int
svcio_uint(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
           unsigned flags, uint64_t max, uint64_t *out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	return svcio__uint(d, v, where, key, max, out);
}

int
svcio_item_uint(struct svcio_dec *d, const cJSON *item, const char *where, uint64_t max,
                uint64_t *out)
{
	return svcio__uint(d, item, where, NULL, max, out);
}

int
svcio_num(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key, unsigned flags,
          double lo, double hi, double *out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	if (svcio__want(d, v, where, key, cJSON_IsNumber(v), "a number") < 0)
		return -1;
	if (!isfinite(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi)
		return svcio_fail(d, where, key, "out of range %g..%g", lo, hi);
	*out = v->valuedouble;
	return 0;
}

int
svcio_bool(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
           unsigned flags, int *out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);

	if (rc <= 0)
		return rc;
	if (svcio__want(d, v, where, key, cJSON_IsBool(v), "true or false") < 0)
		return -1;
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

int
svcio_time(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
           unsigned flags, double *out)
{
	const cJSON *v = NULL;
	int rc = svcio__get(d, obj, where, key, flags, &v);
	double t;

	if (rc <= 0)
		return rc;
	if (cJSON_IsNumber(v)) {
		t = v->valuedouble;
	} else if (cJSON_IsString(v) && v->valuestring != NULL) {
		if (util_parse_time(v->valuestring, &t) < 0)
			return svcio_fail(d, where, key, "not a timestamp");
	} else {
		return svcio_fail(d, where, key, "expected a timestamp, got %s",
		                  svcio__type_name(v));
	}
	if (!isfinite(t) || t < 0 || t >= SVCIO_TIME_MAX)
		return svcio_fail(d, where, key, "timestamp out of range");
	*out = t;
	return 0;
}

int
svcio_decimal(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
              unsigned flags, double *out)
{
	const char *s = NULL;
	double x;

	if (svcio_str(d, obj, where, key, flags, &s) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (util_parse_double(s, &x) < 0)
		return svcio_fail(d, where, key, "not a decimal number");
	*out = x;
	return 0;
}

int
svcio_enum(struct svcio_dec *d, const cJSON *obj, const char *where, const char *key,
           unsigned flags, const char *const *names, size_t n, int unknown, int *out)
{
	const char *s = NULL;

	if (svcio_str(d, obj, where, key, flags, &s) < 0)
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
svcio_token(struct svcio_dec *d, const cJSON *root, const char *key, char **out)
{
	const char *s = NULL;

	if (svcio_str(d, root, "", key, 0, &s) < 0)
		return -1;
	if (s != NULL && *s != '\0')
		*out = xstrdup(s);
	return 0;
}

void
svcio_free_strv(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
