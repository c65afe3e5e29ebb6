/*
 * org.h: the simulated organization: OUs, accounts, regions, and the data in
 * every (account, region) cell.
 *
 * The organization is either generated (gen.c: --accounts N --seed S) or
 * loaded from a scenario file (scenario.c). Accounts and OUs are stored;
 * per-cell data (Config rules, GuardDuty findings, spend) and per-account
 * budgets and SSO assignments are computed on demand from (seed, account,
 * region, tick) unless the scenario states them, so 10,000 accounts x 25
 * regions start in well under a second and take a few MB.
 *
 * Concurrency: the server's threads read the organization under
 * org->lock (read); the tick (org_tick) takes it for writing. Everything
 * else is immutable after loading.
 */
#ifndef AWSIM_ORG_H
#define AWSIM_ORG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define ORG_MAX_REGIONS 64
#define ORG_MAX_RULES 64
#define ORG_MAX_FINDINGS 1024
#define ORG_MAX_BUDGETS 16
#define ORG_MAX_ASSIGN 64
#define ORG_CAP 25 /* Config's CappedCount for rule counts */

enum org_status { ORG_ACTIVE, ORG_SUSPENDED, ORG_PENDING_CLOSURE, ORG_CLOSED };
enum org_kind {
	ORG_K_MGMT,
	ORG_K_SECURITY,
	ORG_K_LOG,
	ORG_K_SHARED,
	ORG_K_WORKLOAD,
	ORG_K_INFRA,
	ORG_K_SANDBOX,
	ORG_K_SUSPENDED,
	ORG_K_SCENARIO
};
enum org_compliance { ORG_COMPLIANT, ORG_NON_COMPLIANT, ORG_NOT_APPLICABLE, ORG_INSUFFICIENT };
enum org_ptype { ORG_USER, ORG_GROUP };

/* The default roles every member account has (org_account.refuse bits). */
#define ORG_ROLE_OAAR 0x01  /* OrganizationAccountAccessRole */
#define ORG_ROLE_AUDIT 0x02 /* OrgtopAudit */

struct org_region {
	char name[32];
	int opt_in;
};

struct org_ou {
	char id[40];
	char *name;
	char *path; /* "Root/Workloads/EMEA/DE" */
	int parent; /* index, -1 for the root */
};

/* A role in an account, when a scenario states them. */
struct org_role {
	char *name;
	char *external_id; /* required ExternalId, or NULL */
	int refuse;        /* AssumeRole always denied */
};

struct org_rule {
	const char *name;
	uint8_t compliance; /* enum org_compliance */
	uint16_t resources; /* noncompliant resources (capped at 100) */
	uint8_t capped;
};

struct org_finding {
	uint32_t idx; /* index within the cell, encoded in the id */
	double severity;
	const char *type;
	const char *title;
	const char *desc;
	int archived;
	double created, updated;
	uint32_t count;
	const char *resource_type; /* "Instance", "S3Bucket", "AccessKey" */
	char resource_id[48];
};

struct org_budget {
	const char *name;
	const char *type;      /* "COST", "USAGE" */
	const char *time_unit; /* "MONTHLY", ... */
	const char *unit;      /* "USD", "GB" */
	char limit[80];        /* decimal strings as AWS sends them */
	char actual[80];
	char forecast[80]; /* "" when there is none */
};

struct org_assign {
	int pset;
	int ptype; /* enum org_ptype */
	int principal;
};

struct org_pset {
	char arn[128];
	char *name;
	char *desc;
	char *duration; /* "PT8H" */
};

struct org_principal {
	char id[64];
	char *name;    /* UserName for users, DisplayName for groups */
	char *display; /* DisplayName for users */
	char *email;
	char *given, *family;
};

/* Explicit data from a scenario. */
struct org_sfinding {
	double severity;
	char *type, *title, *desc, *resource_id;
	int archived;
};

struct org_srule {
	char *name;
	int compliance;
	int resources;
};

struct org_scell {
	int region;      /* region index; -1 for the defaults */
	int config_mode; /* -1 inherit, 0 not enabled, 1 explicit counts, 2 explicit rules */
	int compliant, noncompliant;
	struct org_srule *rules;
	int nrules;
	int gd_mode; /* -1 inherit, 0 not enabled, 1 explicit findings */
	struct org_sfinding *findings;
	int nfindings;
	int has_spend;
	double spend;
};

struct org_scn {
	struct org_scell *cells;
	int ncells;
	struct org_scell def; /* the account's defaults for cells not listed */
	int has_budgets;
	struct org_budget *budgets;
	int nbudgets;
	int has_sso;
	struct org_assign *assigns;
	int nassigns;
	struct org_role *roles; /* NULL: the two default roles */
	int nroles;
};

/* Tick events (findings arriving, compliance flipping), per account. */
#define ORG_EV_FINDING 1
#define ORG_EV_FLIP 2
struct org_event {
	uint32_t tick;
	uint8_t region;
	uint8_t kind;
	uint16_t arg;
};

struct org_account {
	char id[13];
	uint64_t num; /* the id as a number */
	char *name;
	char *email;
	uint8_t status; /* enum org_status */
	uint8_t kind;   /* enum org_kind */
	uint8_t country, env;
	uint8_t refuse; /* ORG_ROLE_* bits: default roles that refuse AssumeRole */
	int ou;
	double joined;
	uint64_t enabled;    /* regions the account can use (bit = region index) */
	uint64_t scp_deny;   /* regions an SCP denies (regional services) */
	uint64_t config_off; /* regions without Config */
	uint64_t gd_off;     /* regions without GuardDuty */
	struct org_scn *scn; /* scenario data, or NULL */
	struct org_event *ev;
	uint32_t nev, capev;
};

struct org {
	uint64_t seed;
	int scenario;          /* loaded from a scenario file */
	int scn_generate;      /* scenario: generate unstated cells from the seed */
	struct org_scell scn_def; /* scenario-wide cell defaults */
	char id[16];           /* "o-xxxxxxxxxx" */
	char root_id[16];      /* "r-xxxx" */
	char root_name[32];
	char currency[8];
	double start;          /* epoch seconds when awsim started */

	struct org_region regions[ORG_MAX_REGIONS];
	int nregions;
	uint64_t default_mask; /* regions enabled by default (not opt-in) */

	struct org_ou *ous;
	int nous;
	struct org_account *accounts;
	int naccounts;
	int *by_id;          /* account indices sorted by id */
	int **ou_acc;        /* per OU: its accounts' indices */
	int *ou_nacc;
	uint64_t *idx_keys;  /* open-addressing table: id number + 1 */
	int *idx_vals;
	size_t idx_cap;

	int mgmt;      /* management account index */
	int security;  /* delegated administrator (Config, GuardDuty), -1 if none */
	char admin_user[64]; /* IAM user of the static keys */

	/* IAM Identity Center. */
	int sso_enabled;
	int sso_region;
	char instance_arn[96];
	char identity_store[32];
	struct org_pset *psets;
	int npsets;
	struct org_principal *users, *groups;
	int nusers, ngroups;

	/* Config aggregator. */
	int agg_account; /* -1: none */
	int agg_region;
	char agg_name[64];

	/* Time. */
	uint32_t tick;
	pthread_rwlock_t lock;
};

/* Region helpers. */
int org_region_find(const struct org *o, const char *name); /* index or -1 */
/* Adds a region (no duplicates); returns its index or -1 when full. */
int org_region_add(struct org *o, const char *name, int opt_in);

/* Lookups. */
int org_account_find(const struct org *o, const char *id); /* index or -1 */
int org_ou_find(const struct org *o, const char *id);
/* Builds by_id and the id index; call after loading. Returns -1 on a duplicate id. */
int org_index(struct org *o, char **cause);
/* The parent id of account a ("r-..." or "ou-..."). */
const char *org_account_parent(const struct org *o, int a);
const char *org_status_name(int st);

/* Whether a regional service can be used by account a in region r. */
int org_region_enabled(const struct org *o, int a, int r);
int org_scp_denies(const struct org *o, int a, int r);
int org_config_enabled(const struct org *o, int a, int r);
int org_gd_enabled(const struct org *o, int a, int r);

/*
 * Cell data, computed for the current tick. Caller holds the read lock.
 * Return the number of items written to out (at most max).
 */
int org_cell_rules(const struct org *o, int a, int r, struct org_rule *out, int max);
/* Counts from the rules: compliant, noncompliant (uncapped). */
void org_cell_counts(const struct org *o, int a, int r, int *compliant, int *noncompliant);
int org_cell_findings(const struct org *o, int a, int r, struct org_finding *out, int max);
/* Month-to-date spend of account a in region r (r = -1: the "global" group), in cents. */
long long org_cell_spend(const struct org *o, int a, int r);
int org_account_budgets(const struct org *o, int a, struct org_budget *out, int max);
int org_account_assignments(const struct org *o, int a, struct org_assign *out, int max);

/* The detector id of (a, r) (32 hex chars + NUL). */
void org_detector_id(const struct org *o, int a, int r, char out[33]);
/* A finding id encodes (account, region, index): 32 hex chars. */
void org_finding_id(const struct org *o, int a, int r, uint32_t idx, char out[33]);
int org_finding_parse(const struct org *o, const char *id, int *a, int *r, uint32_t *idx);

/* Role checks for AssumeRole. Returns 1 if the role exists and may be assumed. */
int org_role_lookup(const struct org *o, int a, const char *role, const char **external_id);

/* Advances time by one tick (takes the write lock). */
void org_tick(struct org *o);

/* Frees everything. NULL-safe. */
void org_free(struct org *o);
/* A zeroed organization with the lock initialised. */
struct org *org_new(uint64_t seed);

#endif
