/*
 * model.h: the organization matrix: OUs, accounts, regions, cells.
 *
 * This is the contract between the collector and cache (which write it) and
 * the TUI and report (which read it). DESIGN.md sections 3 and 5.
 *
 * The model itself is opaque. Accounts, OUs and cells are public structs so
 * readers can draw 10,000 rows without a call per field, but they are
 * read-only outside model.c: every change goes through a model_* setter,
 * which keeps the change flags, the change log and the generation counter
 * right. Pointers returned by the getters are borrowed and valid until the
 * next call that adds accounts/OUs or changes the region list.
 *
 * Every item (cell, budget set, SSO set) carries a status: its state, whether
 * it holds a value, when that value was fetched, and a short reason. Unknown
 * is never zero: a reader shows counts only when MF_HAS_VALUE is set, and in
 * the stale role unless the state is MS_OK.
 */
#ifndef ORGTOP_MODEL_H
#define ORGTOP_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum model_state {
	MS_LOADING = 0, /* never fetched, first fetch pending or under way */
	MS_OK,          /* the value is from the latest refresh */
	MS_STALE,       /* the value is from the cache or an older refresh */
	MS_THROTTLED,   /* throttled; retrying */
	MS_DENIED,      /* AccessDenied, SCP deny, role not assumable */
	MS_DISABLED,    /* the service is not enabled in that account/region */
	MS_REGION_OFF,  /* opt-in region not enabled for the account */
	MS_ERROR,       /* anything else; see reason */
	MS__COUNT
};

/* "loading", "ok", "stale", "throttled", "denied", "disabled", "region_off", "error". */
const char *model_state_name(enum model_state st);
/* 0 and *out set, or -1 for an unknown name. */
int model_state_parse(const char *name, enum model_state *out);

/* model_status.flags */
#define MF_HAS_VALUE 0x01 /* the value fields hold a value (maybe stale) */
#define MF_CHANGED 0x02   /* the value changed in the latest refresh */
#define MF_CAPPED 0x04    /* a count is a lower bound (Config's CapExceeded) */
#define MF_INFLIGHT 0x08  /* a fetch for this item is under way */

struct model_status {
	uint8_t state;     /* enum model_state */
	uint8_t flags;     /* MF_* */
	uint16_t reserved;  /* model.c bookkeeping (the last settled state); readers ignore it */
	uint32_t fetched_at; /* epoch seconds of the value; 0 if none */
	const char *reason;  /* interned, sanitised short reason, or NULL; valid for the model's life */
};

struct model_config {
	struct model_status st;
	uint16_t compliant;    /* rules compliant */
	uint16_t noncompliant; /* rules noncompliant */
};

/* GuardDuty severity bands: low < 4.0 <= medium < 7.0 <= high < 9.0 <= critical. */
struct model_guardduty {
	struct model_status st;
	uint32_t low, medium, high, critical;
	float max_severity; /* 0 when there are no findings */
};

struct model_spend {
	struct model_status st;
	double amount; /* month to date, in the model's currency */
};

struct model_cell {
	struct model_config config;
	struct model_guardduty gd;
	struct model_spend spend;
};

struct model_budget {
	char *name;        /* sanitised */
	double limit;      /* BudgetLimit.Amount, parsed from its decimal string */
	double actual;     /* CalculatedSpend.ActualSpend.Amount */
	double forecast;   /* CalculatedSpend.ForecastedSpend.Amount, if has_forecast */
	int has_forecast;
	char unit[16];     /* "USD", "GB", ... */
	char time_unit[12]; /* "MONTHLY", ... */
};

enum model_principal { MP_USER, MP_GROUP };

struct model_assignment {
	const char *permission_set; /* interned name, e.g. "AdministratorAccess" */
	uint8_t principal_type;     /* enum model_principal */
	const char *principal;      /* interned: resolved display name, or the id if unresolved */
	const char *principal_id;   /* interned */
};

struct model_ou {
	char id[40];      /* "r-ab12" or "ou-ab12-xxxxxxxx" */
	char *name;       /* sanitised */
	char *path;       /* "Root/Workloads/EMEA/DE", sanitised */
	int parent;       /* index of the parent OU, -1 for a root */
	int depth;        /* 0 for a root */
	uint32_t seen;    /* refresh number in which the walk last saw it */
};

struct model_account {
	char id[13];       /* 12 digits, leading zeros kept */
	char *name;        /* sanitised */
	char *email;       /* sanitised */
	char status[24];   /* State, falling back to Status: "ACTIVE", "SUSPENDED", ... */
	int ou;            /* index of its OU, -1 if unknown */
	double joined;     /* epoch seconds, 0 if unknown */
	const char *role;  /* interned role name used to reach it, NULL for the caller's own */
	struct model_status access;  /* role assumption: MS_OK, MS_DENIED (reason), MS_ERROR */
	struct model_status budget;  /* the budgets below */
	struct model_budget *budgets;
	size_t nbudgets;
	struct model_status sso;     /* the assignments below */
	struct model_assignment *assignments;
	size_t nassignments;
	uint32_t seen;     /* refresh number in which the walk last saw it */
	uint32_t changed;  /* MC_* bits of the latest refresh, 0 if nothing changed */
	struct model_cell *cells; /* model_nregions() cells, in region order */
};

/* What changed (model_account.changed bits and model_change.kind). */
#define MC_NEW_FINDINGS 0x01    /* more findings, or a higher band, than before */
#define MC_COMPLIANCE_FLIP 0x02 /* noncompliant count went from 0 to >0 or back */
#define MC_BUDGET_80 0x04       /* actual or forecast burn crossed 80% */
#define MC_BUDGET_100 0x08      /* actual or forecast burn crossed 100% */
#define MC_STATE 0x10           /* a cell's state changed (e.g. ok -> denied) */
#define MC_ACCOUNT 0x20         /* the account appeared, left, or was renamed/moved */
#define MC_VALUE 0x40           /* some other value changed (counts, spend, budgets, SSO); no log record */

/* The change log keeps the latest MODEL_CHANGES_MAX records. */
#define MODEL_CHANGES_MAX 512

struct model_change {
	uint32_t kind;   /* one MC_* bit */
	int account;     /* account index; -1 once the account left (the text names it) */
	int region;      /* region index, or -1 for account-level items */
	double at;       /* epoch seconds */
	char *text;      /* a short sanitised sentence: "eu-west-1: 2 new high findings" */
};

/* Drill-down detail for one account (fetched on demand). */
struct model_rule {
	int region;         /* region index */
	char *name;         /* sanitised rule name */
	uint16_t count;     /* noncompliant resources (capped) */
	uint8_t capped;
};

struct model_finding {
	char *id;
	char *title;        /* sanitised */
	char *type;         /* sanitised, e.g. "Recon:EC2/PortProbeUnprotectedPort" */
	char *description;  /* sanitised */
	char *resource;     /* sanitised resource id, e.g. "i-0abc12de" */
	double severity;
	int region;         /* region index, or -1 */
	double updated_at;  /* epoch seconds */
	uint32_t count;     /* service.count */
};

struct model_detail {
	struct model_status rules_st;
	struct model_rule *rules;
	size_t nrules;
	struct model_status findings_st;
	struct model_finding *findings;
	size_t nfindings;
};

struct model;

struct model *model_new(void);
/* NULL-safe. */
void model_free(struct model *m);

/* Strings interned in the model: equal strings share one copy for its lifetime. */
const char *model_intern(struct model *m, const char *s);

/* Incremented by every setter that changes anything: readers redraw when it moves. */
uint64_t model_generation(const struct model *m);

/* The organization. id "o-..."; mgmt the management account id. Copied. */
void model_set_org(struct model *m, const char *id, const char *mgmt_account_id);
const char *model_org_id(const struct model *m);            /* "" if unknown */
const char *model_org_mgmt(const struct model *m);          /* "" if unknown */
/* The currency of spend cells (default "USD"). */
const char *model_currency(const struct model *m);
void model_set_currency(struct model *m, const char *unit);

/*
 * Regions, in display order. Setting the list keeps the cells of regions that
 * remain, adds MS_LOADING cells for new ones and drops the rest. 0 / -1.
 */
int model_set_regions(struct model *m, const char *const *regions, size_t n);
size_t model_nregions(const struct model *m);
const char *model_region(const struct model *m, size_t i);
/* Index of region name, or -1. */
int model_region_find(const struct model *m, const char *name);

/*
 * OUs. Adds or updates (by id); returns the index. name is sanitised here.
 * Returns -1 for an id that is empty, longer than 39 bytes or has a
 * character outside [A-Za-z0-9_.:-]; a parent that
 * is out of range or would make a cycle is treated as -1 (a root).
 */
int model_ou_upsert(struct model *m, const char *id, const char *name, int parent);
size_t model_nous(const struct model *m);
const struct model_ou *model_ou(const struct model *m, size_t i);
int model_ou_find(const struct model *m, const char *id);

/*
 * Accounts. Adds or updates by id (O(1) lookup); returns the index, or -1 if
 * id is not 12 digits. Strings are sanitised and copied. New accounts get
 * MS_LOADING everywhere.
 */
int model_account_upsert(struct model *m, const char *id, const char *name, const char *email,
    const char *status, int ou, double joined);
size_t model_naccounts(const struct model *m);
const struct model_account *model_account(const struct model *m, size_t i);
int model_account_find(const struct model *m, const char *id);
const struct model_cell *model_cell(const struct model *m, size_t account, size_t region);

/*
 * Refresh bookkeeping. model_refresh_begin() starts refresh number n (returned);
 * accounts/OUs upserted afterwards are marked seen in it. model_prune()
 * removes accounts not seen in the latest complete walk (logging MC_ACCOUNT).
 */
uint32_t model_refresh_begin(struct model *m);
void model_prune(struct model *m);
/* Clears every MF_CHANGED flag and account.changed (call when a new refresh's results start). */
void model_clear_changes(struct model *m);

/*
 * Setters for values. Each sets state MS_OK, MF_HAS_VALUE, fetched_at = at,
 * clears the reason and MF_INFLIGHT, and sets MF_CHANGED / account.changed /
 * a change record when the value differs from the previous one (a first
 * value is not a change). Indices out of range are ignored.
 */
void model_set_config(struct model *m, size_t a, size_t r, unsigned compliant, unsigned noncompliant,
    int capped, double at);
void model_set_guardduty(struct model *m, size_t a, size_t r, const uint32_t bands[4],
    double max_severity, double at);
void model_set_spend(struct model *m, size_t a, size_t r, double amount, double at);
/* Takes ownership of budgets (an xmalloc'd array of n, with xmalloc'd names), even on error. */
void model_set_budgets(struct model *m, size_t a, struct model_budget *budgets, size_t n, double at);
/* Takes ownership of the array (its strings must be model_intern()ed). */
void model_set_sso(struct model *m, size_t a, struct model_assignment *as, size_t n, double at);

/* Which item a state change applies to. */
enum model_item {
	MI_CONFIG,
	MI_GUARDDUTY,
	MI_SPEND,
	MI_BUDGET,   /* region ignored */
	MI_SSO,      /* region ignored */
	MI_ACCESS,   /* region ignored */
	MI__COUNT
};

/*
 * Sets the state of an item without a new value. A previous value is kept:
 * for MS_ERROR/MS_THROTTLED a cell that has a value shows it as stale.
 * reason is sanitised and interned (NULL for none). region < 0 with a
 * cell item applies to every region of the account. MS_STALE (and MS_OK,
 * except for MI_ACCESS) on an item without a value is ignored: it would
 * show a value that is not there. A final state clears MF_INFLIGHT.
 */
void model_set_state(struct model *m, size_t a, int region, enum model_item item,
    enum model_state st, const char *reason, double at);
/* Marks or clears MF_INFLIGHT. */
void model_set_inflight(struct model *m, size_t a, int region, enum model_item item, int on);
/* Every item with a value becomes MS_STALE (used after loading the cache). */
void model_mark_all_stale(struct model *m);

/*
 * Added by the model branch (additive):
 *
 * model_set_access() records that the account was reached (MI_ACCESS becomes
 * MS_OK) and through which role (interned; NULL for the caller's own
 * account). Denials and errors go through model_set_state(MI_ACCESS, ...).
 */
void model_set_access(struct model *m, size_t a, const char *role, double at);

/*
 * The budget burn thresholds, in percent, behind MC_BUDGET_80 (warn) and
 * MC_BUDGET_100 (crit). Defaults 80 and 100 (config keys budget_warn and
 * budget_crit).
 */
void model_set_budget_thresholds(struct model *m, double warn, double crit);
double model_budget_warn(const struct model *m);
double model_budget_crit(const struct model *m);

/*
 * Exchanges the whole contents of two models (used by loaders that build a
 * model aside and commit it only when it is complete). Both generations move
 * past the larger of the two, so readers of either redraw.
 */
void model_swap(struct model *a, struct model *b);

/* The status of an item (cell items need a region). Borrowed; NULL for indices out of range. */
const struct model_status *model_status_of(const struct model *m, size_t a, int region,
    enum model_item item);

/* The change log of the latest refreshes (most recent last), capped in length. */
size_t model_nchanges(const struct model *m);
const struct model_change *model_change_at(const struct model *m, size_t i);

/*
 * Drill-down detail. model_detail() returns NULL until something was set.
 * The setters take ownership of the arrays and their strings, even on error.
 */
const struct model_detail *model_detail(const struct model *m, size_t a);
void model_set_detail_rules(struct model *m, size_t a, struct model_rule *rules, size_t n,
    double at);
void model_set_detail_findings(struct model *m, size_t a, struct model_finding *f, size_t n,
    double at);
void model_set_detail_state(struct model *m, size_t a, int findings, enum model_state st,
    const char *reason, double at);

/* Budget burn helpers: actual/limit and forecast/limit in percent; -1 if unknown. */
double model_budget_burn(const struct model_budget *b);
double model_budget_forecast_burn(const struct model_budget *b);

#endif
