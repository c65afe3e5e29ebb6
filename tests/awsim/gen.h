/*
 * gen.h: the generated international organization (--accounts N --seed S).
 *
 * Also the fixed tables the generator and the cell computations share
 * (countries, permission sets, groups), so org.c and gen.c agree on what a
 * generated index means.
 */
#ifndef AWSIM_GEN_H
#define AWSIM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "tests/awsim/org.h"

/* Countries of the workload OUs (org_account.country); GEN_NONE elsewhere. */
enum { GEN_DE, GEN_FR, GEN_UK, GEN_US, GEN_BR, GEN_JP, GEN_SG, GEN_AU, GEN_NCOUNTRIES, GEN_NONE = 255 };
enum { GEN_PROD, GEN_STAGE, GEN_DEV };

/* Permission sets, in generation order. */
enum { P_ADMIN, P_POWER, P_RO, P_VIEW, P_SECAUDIT, P_BILLING, P_DBA, P_NET, P_COUNT };
/* Groups, in generation order; the per-country developer groups follow G_DEV. */
enum { G_PLATFORM, G_AUDITORS, G_SECENG, G_FINOPS, G_NETWORK, G_SANDBOX, G_DEV };

/* Country code ("de") and home region of a country. */
const char *gen_country_code(int c);
const char *gen_country_home(int c);

/*
 * Generates an organization of n accounts (n >= 1) from seed. Returns NULL
 * and *cause (caller frees) on a bad argument.
 */
struct org *gen_org(int n, uint64_t seed, char **cause);

/* Fills the 17 default and 8 opt-in regions. */
void gen_regions(struct org *o);

/* Fills the Identity Center instance, permission sets, users and groups. */
void gen_identity(struct org *o);

/* The derived ids every organization needs (org id, root id) from the seed. */
void gen_ids(struct org *o);

/* "ou-ab12-xxxxxxxx" for the k-th OU. out >= 40 bytes. */
void gen_ou_id(const struct org *o, int k, char *out, size_t len);

/* 12-digit account id for the i-th account. */
void gen_account_id(uint64_t seed, int i, char out[13], uint64_t *num);

#endif
