// seeds: tests/fuzz/seeds/filter
/*
 * fuzz_filter.c: the filter language on arbitrary bytes. Built from the
 * parser's source (tui/filter.c); the model from core.
 *
 * Checked: parsing never crashes; a failure always says where ("at N: ...")
 * or why (too long, too many terms) in printable ASCII plus what the user
 * typed; a filter that parses keeps its text, and parsing that text again
 * gives a filter that matches exactly the same accounts and regions;
 * negating the whole filter of one term flips every account's match; an
 * empty filter matches everything.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/xmalloc.h"
#include "tui/filter.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct model *
small_org(void)
{
	static const char *const regions[] = { "us-east-1", "eu-west-1", "ap-northeast-1" };
	struct model *m = model_new();
	uint32_t b[4] = { 1, 2, 0, 1 };
	int root, ou;

	model_set_regions(m, regions, 3);
	root = model_ou_upsert(m, "r-f", "Root", -1);
	ou = model_ou_upsert(m, "ou-f-1", "Work\xc3\xa9", root);
	model_account_upsert(m, "111111111111", "alpha-prod", "a@x", "ACTIVE", root, 0);
	model_account_upsert(m, "222222222222", "Beta \x1b stage", "b@x", "SUSPENDED", ou, 0);
	model_account_upsert(m, "333333333333", "gamma", "c@x", "ACTIVE", ou, 0);
	model_set_config(m, 0, 0, 3, 2, 0, 1);
	model_set_guardduty(m, 0, 1, b, 9.5, 1);
	model_set_spend(m, 2, 2, 1234.5, 1);
	model_set_state(m, 1, -1, MI_CONFIG, MS_DENIED, "scp", 1);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model *m;
	char *expr, *cause = NULL, *cause2 = NULL;
	struct filter *f, *g;
	unsigned char mask[3], mask2[3];

	if (m == NULL)
		m = small_org();
	expr = xmalloc(size + 1);
	memcpy(expr, data, size);
	expr[size] = '\0';
	f = filter_parse(expr, &cause);
	if (f == NULL) {
		if (cause == NULL || (strncmp(cause, "at ", 3) != 0 && strstr(cause, "too") == NULL))
			abort();
		free(cause);
		free(expr);
		return 0;
	}
	if (strcmp(filter_text(f), expr) != 0)
		abort();
	g = filter_parse(filter_text(f), &cause2);
	if (g == NULL)
		abort();
	if (filter_regions(f, m, mask) != filter_regions(g, m, mask2) ||
	    memcmp(mask, mask2, sizeof(mask)) != 0)
		abort();
	for (size_t a = 0; a < model_naccounts(m); a++) {
		if (filter_match(f, m, a, mask) != filter_match(g, m, a, mask2))
			abort();
		if (filter_empty(f) && !filter_match(f, m, a, mask))
			abort();
	}
	/* One term, negated: every account flips (region terms select columns only). */
	if (f->n == 1 && f->terms[0].kind != T_REGION && expr[0] != '!') {
		char *neg = xasprintf("!%s", expr);
		struct filter *h = filter_parse(neg, &cause2);
		if (h != NULL) {
			for (size_t a = 0; a < model_naccounts(m); a++)
				if (filter_match(h, m, a, NULL) == filter_match(f, m, a, NULL))
					abort();
			filter_free(h);
		} else {
			free(cause2);
		}
		free(neg);
	}
	filter_free(g);
	filter_free(f);
	free(expr);
	return 0;
}
