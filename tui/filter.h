/*
 * filter.h: the filter language of `/` (issue 5 section 2).
 *
 *     de-pay prod                 free words: every one must be found (case-
 *                                 insensitively) in the name, id, email or
 *                                 OU path
 *     "payments prod"             a quoted word may hold spaces
 *     ou:EMEA/DE                  OU path contains it (globs: ou:Root*DE)
 *     region:eu-*|us-east-1       only these region columns, and the cell
 *                                 terms below look only at them
 *     state:denied|error          some item (cell, budget, SSO, access) in
 *                                 that state; also state:changed
 *     name:x id:x email:x         one field only (substring, or a glob)
 *     status:suspended            the account status
 *     sev>=7  burn>90  fburn>100  comparisons: max severity, budget burn %,
 *     nc>0  findings>10           forecast burn %, noncompliant rules,
 *     spend>1.5k  sso>=5          findings, spend (k/m suffixes), SSO assignments
 *     !term                       negation
 *
 * Terms are ANDed; `|` separates alternatives inside one term. An unknown
 * value never satisfies a comparison (unknown is not zero). A parse error
 * names the place and what was expected; parsing never crashes on any input
 * (tests/fuzz/fuzz_filter.c).
 */
#ifndef ORGTOP_FILTER_H
#define ORGTOP_FILTER_H

#include <stddef.h>

struct model;
struct filter;

/*
 * Parses expr. Returns a filter (an empty expression gives a filter that
 * matches everything), or NULL with *cause ("at 5: 'sevv' is not a field
 * (sev, burn, ...)"); caller frees *cause.
 */
struct filter *filter_parse(const char *expr, char **cause);
/* NULL-safe. */
void filter_free(struct filter *f);
/* The expression as given. Borrowed. */
const char *filter_text(const struct filter *f);
/* 1 when the filter has no terms (matches everything, every region). */
int filter_empty(const struct filter *f);

/*
 * The region columns the filter keeps: mask[i] (i < model_nregions(m)) set
 * to 1 or 0. Returns the number kept. Without region terms every region is
 * kept.
 */
size_t filter_regions(const struct filter *f, const struct model *m, unsigned char *mask);

/*
 * 1 if account a matches. mask is what filter_regions() filled for the same
 * model (NULL: every region).
 */
int filter_match(const struct filter *f, const struct model *m, size_t a,
    const unsigned char *mask);

/* 1 if s (NUL-terminated) matches glob pattern p: '*', '?', ASCII case-insensitive. */
int filter_glob(const char *p, const char *s);

#endif
