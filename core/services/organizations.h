/*
 * organizations.h: AWS Organizations (json 1.1, AWSOrganizationsV20161128):
 * the organization, its roots, OUs, accounts, parents and delegated
 * administrators.
 *
 * Builders fill a struct ops_request (release with ops_request_done()) and
 * return 0, or -1 with *cause (caller frees) for a bad argument. max_results
 * 0 leaves MaxResults out (AWS's default); otherwise 1..20. next_token NULL or
 * "" asks for the first page.
 *
 * Decoders read the answer tree (borrowed; the caller deletes it), copy what
 * orgtop needs into *out and return 0; on a malformed answer they return -1
 * with *cause naming the field and leave *out untouched. A result's
 * next_token is NULL on the last page. Release results with their _done()
 * function (NULL-safe; zeroes the struct).
 */
#ifndef ORGTOP_ORGANIZATIONS_H
#define ORGTOP_ORGANIZATIONS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

#define ORGANIZATIONS_MAX_RESULTS 20

/* DescribeOrganization */
struct organizations_describe_organization_result {
	char *id;                   /* "o-exampleorgid" */
	char *arn;                  /* NULL if absent */
	char *feature_set;          /* "ALL" | "CONSOLIDATED_BILLING", NULL if absent */
	char master_account_id[13]; /* the management account, 12 digits */
	char *master_account_arn;   /* NULL if absent */
	char *master_account_email; /* NULL if absent */
};

int organizations_describe_organization_request(struct ops_request *out, char **cause);
int organizations_describe_organization_decode(
    const cJSON *root, struct organizations_describe_organization_result *out, char **cause);
void organizations_describe_organization_result_done(
    struct organizations_describe_organization_result *r);

/* A root or an organizational unit. */
struct organizations_ou {
	char *id;   /* "r-ab12" or "ou-ab12-11111111": only [A-Za-z0-9_-], at most 68 bytes */
	char *arn;  /* NULL if absent */
	char *name; /* NULL if absent; untrusted text */
};

/* ListRoots */
struct organizations_list_roots_result {
	struct organizations_ou *roots;
	size_t nroots;
	char *next_token;
};

int organizations_list_roots_request(struct ops_request *out, int max_results,
                                     const char *next_token, char **cause);
int organizations_list_roots_decode(const cJSON *root, struct organizations_list_roots_result *out,
                                    char **cause);
void organizations_list_roots_result_done(struct organizations_list_roots_result *r);

/* ListOrganizationalUnitsForParent */
struct organizations_list_organizational_units_for_parent_result {
	struct organizations_ou *ous;
	size_t nous;
	char *next_token;
};

/* parent_id: "r-..." or "ou-...". */
int organizations_list_organizational_units_for_parent_request(struct ops_request *out,
                                                               const char *parent_id,
                                                               int max_results,
                                                               const char *next_token,
                                                               char **cause);
int organizations_list_organizational_units_for_parent_decode(
    const cJSON *root, struct organizations_list_organizational_units_for_parent_result *out,
    char **cause);
void organizations_list_organizational_units_for_parent_result_done(
    struct organizations_list_organizational_units_for_parent_result *r);

/* An account (ListAccounts, ListAccountsForParent, ListDelegatedAdministrators). */
struct organizations_account {
	char id[13];               /* 12 digits, leading zeros kept */
	char *arn;                 /* NULL if absent */
	char *email;               /* NULL if absent; untrusted text */
	char *name;                /* NULL if absent; untrusted text */
	char *state;               /* State ("ACTIVE", "SUSPENDED", "PENDING_ACTIVATION",
	                              "PENDING_CLOSURE", "CLOSED"), falling back to the retired
	                              Status; never NULL */
	char *joined_method;       /* "INVITED" | "CREATED", NULL if absent */
	double joined;             /* JoinedTimestamp, epoch seconds; 0 if absent */
	double delegation_enabled; /* DelegationEnabledDate (ListDelegatedAdministrators); 0 if
	                              absent */
};

/* ListAccounts and ListAccountsForParent share this result. */
struct organizations_list_accounts_result {
	struct organizations_account *accounts;
	size_t naccounts;
	char *next_token;
};

int organizations_list_accounts_request(struct ops_request *out, int max_results,
                                        const char *next_token, char **cause);
int organizations_list_accounts_decode(const cJSON *root,
                                       struct organizations_list_accounts_result *out,
                                       char **cause);

int organizations_list_accounts_for_parent_request(struct ops_request *out, const char *parent_id,
                                                   int max_results, const char *next_token,
                                                   char **cause);
int organizations_list_accounts_for_parent_decode(const cJSON *root,
                                                  struct organizations_list_accounts_result *out,
                                                  char **cause);

void organizations_list_accounts_result_done(struct organizations_list_accounts_result *r);

/* ListParents */
enum organizations_parent_type {
	ORGANIZATIONS_PARENT_UNKNOWN = 0,
	ORGANIZATIONS_PARENT_ROOT,
	ORGANIZATIONS_PARENT_OU
};

struct organizations_parent {
	char *id; /* "r-..." or "ou-...": only [A-Za-z0-9_-], at most 68 bytes */
	enum organizations_parent_type type;
};

struct organizations_list_parents_result {
	struct organizations_parent *parents;
	size_t nparents;
	char *next_token;
};

/* child_id: a 12-digit account id or an "ou-..." id. */
int organizations_list_parents_request(struct ops_request *out, const char *child_id,
                                       int max_results, const char *next_token, char **cause);
int organizations_list_parents_decode(const cJSON *root,
                                      struct organizations_list_parents_result *out, char **cause);
void organizations_list_parents_result_done(struct organizations_list_parents_result *r);

/* ListDelegatedAdministrators: accounts with delegation_enabled set. */
struct organizations_list_delegated_administrators_result {
	struct organizations_account *accounts;
	size_t naccounts;
	char *next_token;
};

/* service_principal: e.g. "guardduty.amazonaws.com", or NULL for every service. */
int organizations_list_delegated_administrators_request(struct ops_request *out,
                                                        const char *service_principal,
                                                        int max_results, const char *next_token,
                                                        char **cause);
int organizations_list_delegated_administrators_decode(
    const cJSON *root, struct organizations_list_delegated_administrators_result *out,
    char **cause);
void organizations_list_delegated_administrators_result_done(
    struct organizations_list_delegated_administrators_result *r);

#endif
