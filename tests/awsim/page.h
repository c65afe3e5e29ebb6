/*
 * page.h: pagination like AWS: small pages, opaque HMAC'd tokens, and the
 * occasional empty page that still carries a token.
 *
 * A token holds a cursor (three numbers the list's handler interprets, e.g.
 * an account index and a region index), the page number, the operation and
 * a hash of the request's other parameters, under an HMAC with a key made
 * at start. A forged, altered or foreign token, one from another awsim
 * process, or one older than a day, is rejected with the service's own
 * error (InvalidNextTokenException, InvalidInputException INVALID_NEXT_TOKEN,
 * BadRequestException, ...).
 */
#ifndef AWSIM_PAGE_H
#define AWSIM_PAGE_H

#include <stdint.h>

#include "tests/awsim/call.h"

#define PAGE_EMPTY 0x01 /* serve the next page empty, with a token */

struct page {
	uint32_t a, b, c; /* the cursor */
	uint32_t page;    /* 0 for the first page */
	uint32_t flags;
};

/*
 * Reads the request's token (NULL or "" for the first page) for call c and
 * parameter hash phash. Returns 0 and fills *p; -1 after answering c with
 * the service's invalid-token error.
 */
int page_parse(struct call *c, const char *tok, uint64_t phash, struct page *p);

/* A token for the page after *next. Caller frees the result. */
char *page_token(struct call *c, uint64_t phash, const struct page *next);

/*
 * The page size: the smaller of the caller's limit (0: none), the API's
 * maximum and --page-size.
 */
int page_size(const struct call *c, long long requested, int api_max);

/* 1 when the page after page number n should be served empty (deterministic). */
int page_empty_next(const struct call *c, uint64_t phash, uint32_t n);

#endif
