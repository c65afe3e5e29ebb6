/*
 * sigv4.c: AWS Signature Version 4 (header signing), over OpenSSL.
 *
 * The canonical request follows botocore's SigV4Auth byte for byte for every
 * request botocore itself would send (../shared/AWS-WIRE.md section 7):
 *
 *   METHOD \n URI \n QUERY \n HEADERS \n \n SIGNED-HEADERS \n PAYLOAD-HASH
 *
 * - URI: dot segments removed and repeated slashes collapsed, then every byte
 *   outside A-Za-z0-9-_.~/ percent-encoded. The path is the wire path, which
 *   is already encoded, so this is the "second encoding" AWS asks for. With
 *   SIGV4_S3_PATH the path is kept as is; only bytes that may not appear raw
 *   in a URI are encoded.
 * - QUERY: split on '&', then on the first '='; each key and value is
 *   percent-decoded and encoded again (so a well-formed wire query is kept and
 *   raw bytes are encoded once); sorted by key, then value.
 * - HEADERS: lower-case names; values trimmed with inner whitespace runs
 *   (including folded line breaks) turned into one space, as Python's
 *   ' '.join(v.split()) does for ASCII; repeated names joined with ',' in
 *   their order; sorted by name; botocore's unsigned headers left out.
 *
 * Derived keys are cached per (access key id, secret, date, region, service)
 * in a small LRU; what the cache holds is wiped when a slot is reused and when
 * the cache is freed.
 */
#include "core/aws/sigv4.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define SIGV4_ALGORITHM   "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR  "aws4_request"
#define SIGV4_KEY_LEN     32
#define SIGV4_CACHE_SLOTS 16
#define SIGV4_SCOPE_MAX   64 /* region and service names */

/* Headers botocore never signs (auth.py SIGNED_HEADERS_BLACKLIST). */
static const char *const sigv4_unsigned_headers[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

/* One derived signing key. The secret itself is never stored, only its hash. */
struct sigv4_key_slot {
	int used;
	uint64_t last_use;
	char *access_key_id;
	unsigned char secret_hash[SIGV4_KEY_LEN];
	char date[9];
	char region[SIGV4_SCOPE_MAX];
	char service[SIGV4_SCOPE_MAX];
	unsigned char key[SIGV4_KEY_LEN];
};

struct sigv4_key_cache {
	struct sigv4_key_slot *slots;
	size_t nslots;
	uint64_t tick;
	struct sigv4_key_cache_stats stats;
};

/* One header of the canonical request, before sorting. */
struct sigv4_hdr {
	char *name;  /* lower case */
	char *value; /* trimmed and folded */
	size_t order;
};

static int
sigv4__is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

/* Python's str.isspace() for ASCII, which is what botocore's value.split() folds. */
static int
sigv4__is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int
sigv4__hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
sigv4__encode_byte(struct buf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'%', hex[c >> 4], hex[c & 15]};

	buf_add(out, e, 3);
}

static void
sigv4__encode(struct buf *out, const char *s, size_t len, int keep_slash)
{
	size_t i, run;

	for (i = 0; i < len; i += run) {
		unsigned char c = (unsigned char)s[i];

		run = 1;
		if (sigv4__is_unreserved(c) || (keep_slash && c == '/')) {
			while (i + run < len && (sigv4__is_unreserved((unsigned char)s[i + run]) ||
			                         (keep_slash && s[i + run] == '/')))
				run++;
			buf_add(out, s + i, run);
		} else {
			sigv4__encode_byte(out, c);
		}
	}
}

char *
sigv4_uri_encode(const char *s, size_t len, int keep_slash)
{
	struct buf b;
	char *out;

	buf_init(&b);
	sigv4__encode(&b, s, len, keep_slash);
	out = buf_detach(&b);
	buf_done(&b);
	return out;
}

/* Percent-decodes s into out; a '%' not followed by two hex digits stays literal. */
static void
sigv4__decode(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len) {
			hi = sigv4__hexval((unsigned char)s[i + 1]);
			lo = sigv4__hexval((unsigned char)s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				buf_addc(out, (char)(hi << 4 | lo));
				i += 2;
				continue;
			}
		}
		buf_addc(out, s[i]);
	}
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SIGV4_KEY_LEN];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != sizeof md) {
		/* Only on a broken libcrypto; fail closed with a hash nothing matches. */
		memset(out, '0', 64);
		out[64] = '\0';
		return;
	}
	util_hex(md, sizeof md, out);
}

static int
sigv4__hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
            unsigned char out[SIGV4_KEY_LEN])
{
	unsigned int outlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen) == NULL ||
	    outlen != SIGV4_KEY_LEN)
		return -1;
	return 0;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
static int
sigv4__derive_key(const char *secret, const char *date, const char *region, const char *service,
                  unsigned char key[SIGV4_KEY_LEN])
{
	size_t slen = strlen(secret);
	char *k0 = xmalloc(slen + 5);
	unsigned char k1[SIGV4_KEY_LEN], k2[SIGV4_KEY_LEN];
	int rc = -1;

	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, slen + 1);
	if (sigv4__hmac(k0, slen + 4, date, strlen(date), k1) < 0 ||
	    sigv4__hmac(k1, sizeof k1, region, strlen(region), k2) < 0 ||
	    sigv4__hmac(k2, sizeof k2, service, strlen(service), k1) < 0 ||
	    sigv4__hmac(k1, sizeof k1, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR), key) < 0)
		goto out_wipe;
	rc = 0;
out_wipe:
	xwipe(k0, slen + 5);
	free(k0);
	xwipe(k1, sizeof k1);
	xwipe(k2, sizeof k2);
	return rc;
}

/* ---- the key cache ---------------------------------------------------- */

struct sigv4_key_cache *
sigv4_key_cache_new(void)
{
	return sigv4_key_cache_new_sized(SIGV4_CACHE_SLOTS);
}

struct sigv4_key_cache *
sigv4_key_cache_new_sized(size_t slots)
{
	struct sigv4_key_cache *cache = xcalloc(1, sizeof *cache);

	cache->nslots = slots > 0 ? slots : 1;
	cache->slots = xcalloc(cache->nslots, sizeof *cache->slots);
	return cache;
}

static void
sigv4__slot_wipe(struct sigv4_key_cache *cache, struct sigv4_key_slot *slot)
{
	if (!slot->used)
		return;
	xfree_secret(slot->access_key_id);
	xwipe(slot, sizeof *slot);
	memset(slot, 0, sizeof *slot);
	cache->stats.wiped++;
	cache->stats.entries--;
}

void
sigv4_key_cache_clear(struct sigv4_key_cache *cache)
{
	if (cache == NULL)
		return;
	for (size_t i = 0; i < cache->nslots; i++)
		sigv4__slot_wipe(cache, &cache->slots[i]);
}

void
sigv4_key_cache_free(struct sigv4_key_cache *cache)
{
	if (cache == NULL)
		return;
	sigv4_key_cache_clear(cache);
	xwipe(cache->slots, cache->nslots * sizeof *cache->slots);
	free(cache->slots);
	free(cache);
}

void
sigv4_key_cache_stats(const struct sigv4_key_cache *cache, struct sigv4_key_cache_stats *out)
{
	memset(out, 0, sizeof *out);
	if (cache != NULL)
		*out = cache->stats;
}

static int
sigv4__slot_matches(const struct sigv4_key_slot *slot, const char *akid,
                    const unsigned char *secret_hash, const char *date, const char *region,
                    const char *service)
{
	return slot->used && strcmp(slot->date, date) == 0 && strcmp(slot->region, region) == 0 &&
	       strcmp(slot->service, service) == 0 && strcmp(slot->access_key_id, akid) == 0 &&
	       CRYPTO_memcmp(slot->secret_hash, secret_hash, SIGV4_KEY_LEN) == 0;
}

/* Finds or derives the signing key for the scope into key. 0 / -1. */
static int
sigv4__signing_key(struct sigv4_key_cache *cache, const struct sigv4_credentials *creds,
                   const char *date, const char *region, const char *service,
                   unsigned char key[SIGV4_KEY_LEN])
{
	unsigned char secret_hash[SIGV4_KEY_LEN];
	unsigned int hlen = 0;
	struct sigv4_key_slot *victim;
	const char *secret = creds->secret_access_key;
	int rc = -1;

	if (cache == NULL)
		return sigv4__derive_key(secret, date, region, service, key);
	if (EVP_Digest(secret, strlen(secret), secret_hash, &hlen, EVP_sha256(), NULL) != 1)
		goto out_wipe;
	cache->tick++;
	victim = &cache->slots[0];
	for (size_t i = 0; i < cache->nslots; i++) {
		struct sigv4_key_slot *slot = &cache->slots[i];

		if (sigv4__slot_matches(slot, creds->access_key_id, secret_hash, date, region,
		                        service)) {
			slot->last_use = cache->tick;
			memcpy(key, slot->key, SIGV4_KEY_LEN);
			cache->stats.hits++;
			rc = 0;
			goto out_wipe;
		}
		if (!slot->used)
			victim = victim->used ? slot : victim;
		else if (victim->used && slot->last_use < victim->last_use)
			victim = slot;
	}
	cache->stats.misses++;
	if (sigv4__derive_key(secret, date, region, service, key) < 0)
		goto out_wipe;
	if (victim->used)
		cache->stats.evictions++;
	sigv4__slot_wipe(cache, victim);
	victim->used = 1;
	victim->last_use = cache->tick;
	victim->access_key_id = xstrdup(creds->access_key_id);
	memcpy(victim->secret_hash, secret_hash, SIGV4_KEY_LEN);
	memcpy(victim->date, date, sizeof victim->date);
	memcpy(victim->region, region, strlen(region) + 1);
	memcpy(victim->service, service, strlen(service) + 1);
	memcpy(victim->key, key, SIGV4_KEY_LEN);
	cache->stats.entries++;
	rc = 0;
out_wipe:
	xwipe(secret_hash, sizeof secret_hash);
	return rc;
}

/* ---- the canonical request ------------------------------------------- */

/* botocore's remove_dot_segments(): RFC 3986 5.2.4 plus repeated slashes collapsed. */
static void
sigv4__normalize_path(struct buf *out, const char *path)
{
	size_t len = strlen(path), nseg = 0, i = 0;
	size_t *seg_start, *seg_len;

	if (len == 0) {
		buf_addc(out, '/');
		return;
	}
	seg_start = xreallocarray(NULL, len + 1, sizeof *seg_start);
	seg_len = xreallocarray(NULL, len + 1, sizeof *seg_len);
	while (i <= len) {
		size_t j = i;

		while (j < len && path[j] != '/')
			j++;
		if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (nseg > 0)
				nseg--;
		} else if (j > i && !(j - i == 1 && path[i] == '.')) {
			seg_start[nseg] = i;
			seg_len[nseg] = j - i;
			nseg++;
		}
		i = j + 1;
	}
	if (path[0] == '/')
		buf_addc(out, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			buf_addc(out, '/');
		buf_add(out, path + seg_start[i], seg_len[i]);
	}
	if (path[len - 1] == '/' && nseg > 0)
		buf_addc(out, '/');
	free(seg_start);
	free(seg_len);
}

static void
sigv4__canonical_uri(struct buf *out, const char *path, unsigned flags)
{
	struct buf norm;

	if (path == NULL)
		path = "";
	if (flags & SIGV4_S3_PATH) {
		size_t len = strlen(path);

		if (len == 0) {
			buf_addc(out, '/');
			return;
		}
		/* Already encoded: keep escapes, encode only what may not appear raw. */
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)path[i];

			if (sigv4__is_unreserved(c) || c == '/' || c == '%')
				buf_addc(out, (char)c);
			else
				sigv4__encode_byte(out, c);
		}
		return;
	}
	buf_init(&norm);
	sigv4__normalize_path(&norm, path);
	sigv4__encode(out, norm.data, norm.len, 1);
	buf_done(&norm);
}

struct sigv4_qpair {
	char *key;
	char *value;
};

static int
sigv4__qpair_cmp(const void *a, const void *b)
{
	const struct sigv4_qpair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Decodes then encodes s into a new string. */
static char *
sigv4__query_component(const char *s, size_t len)
{
	struct buf dec, enc;
	char *out;

	buf_init(&dec);
	buf_init(&enc);
	sigv4__decode(&dec, s, len);
	sigv4__encode(&enc, dec.data, dec.len, 0);
	buf_done(&dec);
	out = buf_detach(&enc);
	buf_done(&enc);
	return out;
}

static void
sigv4__canonical_query(struct buf *out, const char *query)
{
	struct sigv4_qpair *pairs;
	size_t n = 1, np = 0;
	const char *p;

	if (query == NULL || *query == '\0')
		return;
	for (p = query; *p != '\0'; p++)
		n += *p == '&';
	pairs = xreallocarray(NULL, n, sizeof *pairs);
	p = query;
	for (;;) {
		const char *end = strchr(p, '&'), *eq;
		size_t len;

		len = end != NULL ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq != NULL) {
			pairs[np].key = sigv4__query_component(p, (size_t)(eq - p));
			pairs[np].value =
			    sigv4__query_component(eq + 1, len - (size_t)(eq - p) - 1);
		} else {
			pairs[np].key = sigv4__query_component(p, len);
			pairs[np].value = xstrdup("");
		}
		np++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	qsort(pairs, np, sizeof *pairs, sigv4__qpair_cmp);
	for (size_t i = 0; i < np; i++) {
		if (i > 0)
			buf_addc(out, '&');
		buf_adds(out, pairs[i].key);
		buf_addc(out, '=');
		buf_adds(out, pairs[i].value);
		free(pairs[i].key);
		free(pairs[i].value);
	}
	free(pairs);
}

static int
sigv4__hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Trims and folds whitespace runs in v into one space. Caller frees the result. */
static char *
sigv4__fold_value(const char *v)
{
	size_t len = strlen(v), o = 0;
	char *out = xmalloc(len + 1);
	int pending = 0;

	for (size_t i = 0; i < len; i++) {
		if (sigv4__is_space((unsigned char)v[i])) {
			pending = o > 0;
			continue;
		}
		if (pending)
			out[o++] = ' ';
		pending = 0;
		out[o++] = v[i];
	}
	out[o] = '\0';
	return out;
}

static char *
sigv4__lower(const char *s)
{
	char *l = xstrdup(s);

	for (char *p = l; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return l;
}

static int
sigv4__is_unsigned_header(const char *lname)
{
	for (size_t i = 0; i < NELEM(sigv4_unsigned_headers); i++) {
		if (strcmp(lname, sigv4_unsigned_headers[i]) == 0)
			return 1;
	}
	return 0;
}

/* Is lname one of the ';'-separated names in list? */
static int
sigv4__in_list(const char *list, const char *lname)
{
	size_t n = strlen(lname);

	for (const char *p = list; *p != '\0';) {
		const char *end = strchr(p, ';');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, lname, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

/* An RFC 9110 token character, what a header name is made of. */
static int
sigv4__is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
sigv4__valid_header_name(const char *name)
{
	if (*name == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		if (!sigv4__is_tchar(*p))
			return 0;
	}
	return 1;
}

/* The headers of the canonical request, collected before sorting. */
struct sigv4_hdrs {
	struct sigv4_hdr *v;
	size_t n, cap;
};

static void
sigv4__hdrs_add(struct sigv4_hdrs *h, char *lname, const char *value)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	h->v[h->n].name = lname;
	h->v[h->n].value = sigv4__fold_value(value);
	h->v[h->n].order = h->n;
	h->n++;
}

static int
sigv4__hdrs_has(const struct sigv4_hdrs *h, const char *lname)
{
	for (size_t i = 0; i < h->n; i++) {
		if (strcmp(h->v[i].name, lname) == 0)
			return 1;
	}
	return 0;
}

static void
sigv4__hdrs_done(struct sigv4_hdrs *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		/* A value may be the session token. */
		xfree_secret(h->v[i].value);
	}
	free(h->v);
}

/* Adds a header the signer synthesises, unless only_signed leaves it out. */
static void
sigv4__hdrs_add_own(struct sigv4_hdrs *h, const char *only, const char *lname, const char *value)
{
	if (only != NULL && !sigv4__in_list(only, lname))
		return;
	sigv4__hdrs_add(h, xstrdup(lname), value);
}

/* Every name in only must be present: a verifier must not sign what was not sent. */
static int
sigv4__check_only(const struct sigv4_hdrs *h, const char *only, char **cause)
{
	for (const char *p = only; *p != '\0';) {
		const char *end = strchr(p, ';');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char *name = xstrndup(p, len);
		int found = sigv4__hdrs_has(h, name);

		if (!found) {
			if (cause != NULL)
				*cause =
				    xasprintf("signed header '%.64s' is not in the request", name);
			free(name);
			return -1;
		}
		free(name);
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

/* Is s a valid "YYYYMMDDTHHMMSSZ"? */
static int
sigv4__valid_amz_date(const char *s)
{
	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return 0;
	for (int i = 0; i < 15; i++) {
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	return 1;
}

static int
sigv4__valid_scope_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= SIGV4_SCOPE_MAX)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '/' || (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	}
	return 1;
}

static int
sigv4__check_input(const struct sigv4_credentials *creds, const struct sigv4_request *req,
                   char **cause)
{
	const char *what = NULL;

	if (creds == NULL || creds->access_key_id == NULL || *creds->access_key_id == '\0')
		what = "no access key id";
	else if (creds->secret_access_key == NULL || *creds->secret_access_key == '\0')
		what = "no secret access key";
	else if (strchr(creds->access_key_id, '/') != NULL ||
	         strchr(creds->access_key_id, ',') != NULL)
		what = "the access key id contains '/' or ','";
	else if (req->method == NULL || *req->method == '\0')
		what = "no method";
	else if (req->region == NULL || !sigv4__valid_scope_name(req->region))
		what = "invalid signing region";
	else if (req->service == NULL || !sigv4__valid_scope_name(req->service))
		what = "invalid signing service";
	else if (req->body == NULL && req->body_len > 0)
		what = "body is NULL but body_len is not 0";
	else if (req->nheaders > 0 && req->headers == NULL)
		what = "headers is NULL but nheaders is not 0";
	if (what == NULL)
		return 0;
	if (cause != NULL)
		*cause = xasprintf("sigv4: %s", what);
	return -1;
}

/*
 * Collects the headers to sign into h, and finds the signing time and whether
 * the session token must be added. 0 / -1.
 */
static int
sigv4__collect_headers(const struct sigv4_credentials *creds, const struct sigv4_request *req,
                       struct sigv4_hdrs *h, struct sigv4_result *res, const char *payload_hash,
                       char **cause)
{
	const char *only = req->only_signed, *amz_date = NULL;
	struct tm tm;

	for (size_t i = 0; i < req->nheaders; i++) {
		const struct sigv4_header *hd = &req->headers[i];
		char *lname;

		if (hd->name == NULL || hd->value == NULL || !sigv4__valid_header_name(hd->name)) {
			if (cause != NULL)
				*cause = xasprintf("sigv4: header %zu has an invalid name", i);
			return -1;
		}
		lname = sigv4__lower(hd->name);
		if (strcmp(lname, "x-amz-date") == 0 && amz_date == NULL)
			amz_date = hd->value;
		if (sigv4__is_unsigned_header(lname) ||
		    (only != NULL && !sigv4__in_list(only, lname))) {
			free(lname);
			continue;
		}
		sigv4__hdrs_add(h, lname, hd->value);
	}
	if (amz_date != NULL) {
		char *d = sigv4__fold_value(amz_date);
		int ok = sigv4__valid_amz_date(d);

		if (ok)
			memcpy(res->amz_date, d, sizeof res->amz_date);
		free(d);
		if (!ok) {
			if (cause != NULL)
				*cause = xstrdup("sigv4: X-Amz-Date is not YYYYMMDD'T'HHMMSS'Z'");
			return -1;
		}
	} else {
		if (gmtime_r(&req->when, &tm) == NULL ||
		    strftime(res->amz_date, sizeof res->amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16) {
			if (cause != NULL)
				*cause = xstrdup("sigv4: the signing time is out of range");
			return -1;
		}
		sigv4__hdrs_add_own(h, only, "x-amz-date", res->amz_date);
	}
	if (!sigv4__hdrs_has(h, "host") && (only == NULL || sigv4__in_list(only, "host"))) {
		char *host;

		if (req->host == NULL || *req->host == '\0') {
			if (cause != NULL)
				*cause = xstrdup("sigv4: no host");
			return -1;
		}
		host = sigv4__lower(req->host);
		sigv4__hdrs_add(h, xstrdup("host"), host);
		free(host);
	}
	if (creds->session_token != NULL && *creds->session_token != '\0' &&
	    !sigv4__hdrs_has(h, "x-amz-security-token") && only == NULL) {
		sigv4__hdrs_add(h, xstrdup("x-amz-security-token"), creds->session_token);
		res->add_token_header = 1;
	}
	if ((req->flags & SIGV4_SIGN_BODY) && !sigv4__hdrs_has(h, "x-amz-content-sha256")) {
		res->content_sha256 = xstrdup(payload_hash);
		sigv4__hdrs_add_own(h, only, "x-amz-content-sha256", payload_hash);
	}
	if (only != NULL)
		return sigv4__check_only(h, only, cause);
	return 0;
}

/* Appends the canonical headers and, into signed_headers, the signed header list. */
static void
sigv4__canonical_headers(struct buf *out, struct buf *signed_headers, struct sigv4_hdrs *h)
{
	qsort(h->v, h->n, sizeof *h->v, sigv4__hdr_cmp);
	for (size_t i = 0; i < h->n; i++) {
		int first = i == 0 || strcmp(h->v[i].name, h->v[i - 1].name) != 0;

		if (first) {
			if (i > 0) {
				buf_addc(out, '\n');
				buf_addc(signed_headers, ';');
			}
			buf_adds(out, h->v[i].name);
			buf_addc(out, ':');
			buf_adds(signed_headers, h->v[i].name);
		} else {
			buf_addc(out, ',');
		}
		buf_adds(out, h->v[i].value);
	}
	buf_addc(out, '\n');
}

/*
 * The payload hash botocore would use: the one given; else the value of an
 * X-Amz-Content-SHA256 header, byte for byte as sent (botocore neither trims
 * nor checks it: UNSIGNED-PAYLOAD, streaming markers); else the body's.
 * Caller frees the result.
 */
static char *
sigv4__payload_hash(const struct sigv4_request *req)
{
	char hex[65];

	if (req->payload_hash != NULL)
		return xstrdup(req->payload_hash);
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct sigv4_header *hd = &req->headers[i];

		if (hd->name != NULL && hd->value != NULL &&
		    util_strcasecmp(hd->name, "x-amz-content-sha256") == 0)
			return xstrdup(hd->value);
	}
	sigv4_sha256_hex(req->body_len > 0 ? req->body : "", req->body_len, hex);
	return xstrdup(hex);
}

/* An upper bound of the canonical request's length. */
static size_t
sigv4__creq_bound(const struct sigv4_request *req, const struct sigv4_hdrs *h, const char *payload)
{
	size_t n = strlen(req->method) + strlen(payload) + 16;

	/* Encoding at most triples a byte; normalising never lengthens a path. */
	n += 3 * (req->path != NULL ? strlen(req->path) : 0) + 1;
	n += 3 * (req->query != NULL ? strlen(req->query) : 0) + 1;
	for (size_t i = 0; i < h->n; i++)
		n += 2 * strlen(h->v[i].name) + strlen(h->v[i].value) + 3;
	return n;
}

int
sigv4_sign(struct sigv4_key_cache *cache, const struct sigv4_credentials *creds,
           const struct sigv4_request *req, struct sigv4_result *out, char **cause)
{
	struct sigv4_result res;
	struct sigv4_hdrs h = {0};
	struct buf creq, sh, sts;
	char *payload = NULL, creq_hash[65], scope_date[9];
	unsigned char key[SIGV4_KEY_LEN], sig[SIGV4_KEY_LEN];
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&res, 0, sizeof res);
	if (sigv4__check_input(creds, req, cause) < 0)
		return -1;
	buf_init(&creq);
	buf_init(&sh);
	buf_init(&sts);
	payload = sigv4__payload_hash(req);
	if (sigv4__collect_headers(creds, req, &h, &res, payload, cause) < 0)
		goto out_free;

	/* Sized once: a realloc would free a copy of the session token unwiped. */
	buf_reserve(&creq, sigv4__creq_bound(req, &h, payload));
	buf_adds(&creq, req->method);
	buf_addc(&creq, '\n');
	sigv4__canonical_uri(&creq, req->path, req->flags);
	buf_addc(&creq, '\n');
	sigv4__canonical_query(&creq, req->query);
	buf_addc(&creq, '\n');
	sigv4__canonical_headers(&creq, &sh, &h);
	buf_addc(&creq, '\n');
	buf_add(&creq, sh.data, sh.len);
	buf_addc(&creq, '\n');
	buf_adds(&creq, payload);

	memcpy(scope_date, res.amz_date, 8);
	scope_date[8] = '\0';
	sigv4_sha256_hex(creq.data, creq.len, creq_hash);
	buf_printf(&sts, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/" SIGV4_TERMINATOR "\n%s", res.amz_date,
	           scope_date, req->region, req->service, creq_hash);

	if (sigv4__signing_key(cache, creds, scope_date, req->region, req->service, key) < 0 ||
	    sigv4__hmac(key, sizeof key, sts.data, sts.len, sig) < 0) {
		if (cause != NULL)
			*cause = xstrdup("sigv4: HMAC-SHA256 failed in libcrypto");
		goto out_wipe;
	}
	util_hex(sig, sizeof sig, res.signature);
	res.authorization = xasprintf(SIGV4_ALGORITHM " Credential=%s/%s/%s/%s/" SIGV4_TERMINATOR
	                                              ", SignedHeaders=%s, Signature=%s",
	                              creds->access_key_id, scope_date, req->region, req->service,
	                              sh.data, res.signature);
	res.signed_headers = buf_detach(&sh);
	if (req->flags & SIGV4_DEBUG) {
		res.canonical_request = buf_detach(&creq);
		res.string_to_sign = buf_detach(&sts);
	}
	*out = res;
	memset(&res, 0, sizeof res);
	rc = 0;
out_wipe:
	xwipe(key, sizeof key);
	xwipe(sig, sizeof sig);
out_free:
	sigv4_result_done(&res);
	sigv4__hdrs_done(&h);
	/* The canonical request may hold the session token. */
	buf_done_secret(&creq);
	buf_done(&sh);
	buf_done(&sts);
	free(payload);
	return rc;
}

void
sigv4_result_done(struct sigv4_result *res)
{
	if (res == NULL)
		return;
	free(res->authorization);
	free(res->signed_headers);
	xfree_secret(res->canonical_request);
	free(res->string_to_sign);
	free(res->content_sha256);
	memset(res, 0, sizeof *res);
}

/* ---- parsing an Authorization header ---------------------------------- */

static int
sigv4__fail(char **cause, const char *msg)
{
	if (cause != NULL)
		*cause = xstrdup(msg);
	return -1;
}

/* Copies [s, s+len) into dst (size dstsize) if it fits and is not empty. */
static int
sigv4__field(char *dst, size_t dstsize, const char *s, size_t len)
{
	if (len == 0 || len >= dstsize)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int
sigv4__parse_credential(struct sigv4_authz *a, const char *v, size_t len, char **cause)
{
	const char *parts[5];
	size_t lens[5], n = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && v[i] != '/')
			continue;
		if (n == 5)
			return sigv4__fail(cause,
			                   "Credential should be scoped with 5 '/'-separated "
			                   "parts: KEY/DATE/REGION/SERVICE/aws4_request.");
		parts[n] = v + start;
		lens[n] = i - start;
		n++;
		start = i + 1;
	}
	if (n != 5)
		return sigv4__fail(cause, "Credential should be scoped with 5 '/'-separated "
		                          "parts: KEY/DATE/REGION/SERVICE/aws4_request.");
	if (sigv4__field(a->access_key_id, sizeof a->access_key_id, parts[0], lens[0]) < 0)
		return sigv4__fail(cause, "Credential has an empty or over-long access key id.");
	if (lens[1] != 8 || sigv4__field(a->date, sizeof a->date, parts[1], lens[1]) < 0)
		return sigv4__fail(cause, "Credential date must be 8 digits (YYYYMMDD).");
	for (int i = 0; i < 8; i++) {
		if (a->date[i] < '0' || a->date[i] > '9')
			return sigv4__fail(cause, "Credential date must be 8 digits (YYYYMMDD).");
	}
	if (sigv4__field(a->region, sizeof a->region, parts[2], lens[2]) < 0)
		return sigv4__fail(cause, "Credential has an empty or over-long region.");
	if (sigv4__field(a->service, sizeof a->service, parts[3], lens[3]) < 0)
		return sigv4__fail(cause, "Credential has an empty or over-long service.");
	if (lens[4] != strlen(SIGV4_TERMINATOR) || memcmp(parts[4], SIGV4_TERMINATOR, lens[4]) != 0)
		return sigv4__fail(cause, "Credential should be scoped with a valid terminator: "
		                          "'aws4_request'.");
	return 0;
}

static int
sigv4__parse_signed_headers(struct sigv4_authz *a, const char *v, size_t len, char **cause)
{
	if (sigv4__field(a->signed_headers, sizeof a->signed_headers, v, len) < 0)
		return sigv4__fail(cause, "SignedHeaders is empty or over-long.");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ';' ? (i == 0 || i + 1 == len || v[i + 1] == ';')
		             : (!sigv4__is_tchar(c) || (c >= 'A' && c <= 'Z')))
			return sigv4__fail(cause, "SignedHeaders must be lower-case header names "
			                          "separated by ';'.");
	}
	return 0;
}

static int
sigv4__parse_signature(struct sigv4_authz *a, const char *v, size_t len, char **cause)
{
	if (len != 64)
		return sigv4__fail(cause, "Signature must be 64 lower-case hex digits.");
	for (size_t i = 0; i < len; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return sigv4__fail(cause, "Signature must be 64 lower-case hex digits.");
	}
	memcpy(a->signature, v, 64);
	a->signature[64] = '\0';
	return 0;
}

int
sigv4_parse_authorization(const char *value, struct sigv4_authz *out, char **cause)
{
	static const char alg[] = SIGV4_ALGORITHM;
	struct sigv4_authz a;
	const char *p;
	int seen = 0; /* 1: Credential, 2: SignedHeaders, 4: Signature */

	memset(&a, 0, sizeof a);
	if (value == NULL)
		return sigv4__fail(cause, "Authorization header is missing.");
	p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, alg, sizeof alg - 1) != 0 ||
	    (p[sizeof alg - 1] != ' ' && p[sizeof alg - 1] != '\t' && p[sizeof alg - 1] != '\0'))
		return sigv4__fail(cause, "Authorization header must start with "
		                          "'AWS4-HMAC-SHA256 ' (only SigV4 is supported).");
	p += sizeof alg - 1;
	for (;;) {
		const char *start, *eq, *end;
		size_t klen, vlen;
		int bit, rc;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		p = *end == ',' ? end + 1 : end;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		eq = memchr(start, '=', (size_t)(end - start));
		if (eq == NULL)
			return sigv4__fail(cause, "Authorization header has a part without '=' "
			                          "(expected Credential=, SignedHeaders=, "
			                          "Signature=).");
		klen = (size_t)(eq - start);
		vlen = (size_t)(end - eq - 1);
		if (klen == 10 && memcmp(start, "Credential", 10) == 0)
			bit = 1;
		else if (klen == 13 && memcmp(start, "SignedHeaders", 13) == 0)
			bit = 2;
		else if (klen == 9 && memcmp(start, "Signature", 9) == 0)
			bit = 4;
		else
			return sigv4__fail(cause, "Authorization header has an unknown part "
			                          "(expected Credential=, SignedHeaders=, "
			                          "Signature=).");
		if (seen & bit)
			return sigv4__fail(cause, "Authorization header repeats a part.");
		seen |= bit;
		if (bit == 1)
			rc = sigv4__parse_credential(&a, eq + 1, vlen, cause);
		else if (bit == 2)
			rc = sigv4__parse_signed_headers(&a, eq + 1, vlen, cause);
		else
			rc = sigv4__parse_signature(&a, eq + 1, vlen, cause);
		if (rc < 0)
			return -1;
	}
	if (!(seen & 1))
		return sigv4__fail(cause, "Authorization header requires 'Credential' parameter.");
	if (!(seen & 2))
		return sigv4__fail(cause, "Authorization header requires 'SignedHeaders' "
		                          "parameter.");
	if (!(seen & 4))
		return sigv4__fail(cause, "Authorization header requires 'Signature' parameter.");
	*out = a;
	return 0;
}
