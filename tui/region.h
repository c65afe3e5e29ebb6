/*
 * region.h: short column codes for region names, derived the way AWS people
 * abbreviate them: us-east-1 -> use1, eu-central-1 -> euc1, ap-northeast-1
 * -> apne1, us-gov-west-1 -> usgw1, cn-northwest-1 -> cnnw1.
 */
#ifndef ORGTOP_REGION_H
#define ORGTOP_REGION_H

#include <stddef.h>

#define REGION_CODE_MAX 6 /* columns a code takes at most */

/*
 * Writes the code for region into out (size >= REGION_CODE_MAX + 1): the
 * partition prefix, one or two letters per direction word, the number.
 * Names that don't look like regions are cut to REGION_CODE_MAX printable
 * ASCII characters.
 */
void region_short(const char *region, char *out, size_t len);

/*
 * Codes for a list of regions, unique within the list: where two derive the
 * same code, the later ones get a distinguishing last character. out is
 * n arrays of REGION_CODE_MAX + 1 bytes.
 */
void region_codes(const char *const *regions, size_t n, char (*out)[REGION_CODE_MAX + 1]);

#endif
