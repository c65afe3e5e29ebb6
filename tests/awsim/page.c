/*
 * page.c: pagination tokens.
 */
#include "tests/awsim/page.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"
#include "tests/awsim/faults.h"
#include "tests/awsim/rnd.h"

#define TOK_BODY 28
#define TOK_MAC 12
#define TOK_MAX_AGE (24 * 3600)

static void
page__put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
page__get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
page__mac(const struct awsim *sim, const unsigned char *body, unsigned char *mac)
{
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), sim->token_key, sizeof(sim->token_key), body, TOK_BODY, full, &len);
	memcpy(mac, full, TOK_MAC);
}

static void
page__invalid(struct call *c, int expired)
{
	const char *code = c->svc->token_code;

	if (strcmp(c->svc->name, "organizations") == 0) {
		call_error_x(c, 400, "InvalidInputException", "\"Reason\":\"INVALID_NEXT_TOKEN\"",
		    "You specified an invalid value for nextToken. You must get the value from the "
		    "response to a previous call to the API.");
		return;
	}
	if (expired && strcmp(c->svc->name, "budgets") == 0) {
		call_error(c, 400, "ExpiredNextTokenException", "The next token is expired.");
		return;
	}
	if (strcmp(c->svc->name, "guardduty") == 0) {
		call_error(c, 400, code,
		    "The request is rejected because the input nextToken is invalid.");
		return;
	}
	call_error(c, 400, code, "The pagination token provided is invalid.");
}

int
page_parse(struct call *c, const char *tok, uint64_t phash, struct page *p)
{
	unsigned char raw[64], mac[TOK_MAC];
	long n;
	uint32_t issued, now = (uint32_t)time(NULL);

	memset(p, 0, sizeof(*p));
	if (!tok || !*tok)
		return faults_page(c->sim->faults, c, 0) ? -1 : 0;
	if (strlen(tok) > 80) {
		page__invalid(c, 0);
		return -1;
	}
	n = b64_decode(tok, raw, sizeof(raw));
	if (n != TOK_BODY + TOK_MAC || raw[0] != 1) {
		page__invalid(c, 0);
		return -1;
	}
	page__mac(c->sim, raw, mac);
	if (CRYPTO_memcmp(mac, raw + TOK_BODY, TOK_MAC) != 0 ||
	    ((uint32_t)raw[2] << 8 | raw[3]) != (uint32_t)c->op->id ||
	    page__get32(raw + 4) != (uint32_t)phash) {
		page__invalid(c, 0);
		return -1;
	}
	issued = page__get32(raw + 24);
	if (now > issued + TOK_MAX_AGE) {
		page__invalid(c, 1);
		return -1;
	}
	p->flags = raw[1];
	p->a = page__get32(raw + 8);
	p->b = page__get32(raw + 12);
	p->c = page__get32(raw + 16);
	p->page = page__get32(raw + 20);
	return faults_page(c->sim->faults, c, p->page) ? -1 : 0;
}

char *
page_token(struct call *c, uint64_t phash, const struct page *next)
{
	unsigned char raw[TOK_BODY + TOK_MAC];

	raw[0] = 1;
	raw[1] = (unsigned char)next->flags;
	raw[2] = (unsigned char)(c->op->id >> 8);
	raw[3] = (unsigned char)c->op->id;
	page__put32(raw + 4, (uint32_t)phash);
	page__put32(raw + 8, next->a);
	page__put32(raw + 12, next->b);
	page__put32(raw + 16, next->c);
	page__put32(raw + 20, next->page);
	page__put32(raw + 24, (uint32_t)time(NULL));
	page__mac(c->sim, raw, raw + TOK_BODY);
	return b64_encode(raw, sizeof(raw));
}

int
page_size(const struct call *c, long long requested, int api_max)
{
	int n = api_max;

	if (requested > 0 && requested < n)
		n = (int)requested;
	if (c->sim->page_size > 0 && c->sim->page_size < n)
		n = c->sim->page_size;
	return n < 1 ? 1 : n;
}

int
page_empty_next(const struct call *c, uint64_t phash, uint32_t n)
{
	return rnd_h(c->sim->seed, 77, phash, n, (uint64_t)c->op->id) % 4 == 1;
}
