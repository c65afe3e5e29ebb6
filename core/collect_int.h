/*
 * collect_int.h: the inside of the collector, shared by its files
 * (collect.c: tasks, the pool, regions, accounts, refresh rounds;
 * collect_org.c: identity, the organization walk, per-account preparation;
 * collect_cells.c: Config, GuardDuty, Budgets and the drill-down detail;
 * collect_sso.c: Identity Center; collect_cost.c: Cost Explorer).
 *
 * The shape: small task state machines over one bounded pool of requests in
 * flight. A task is one unit of work (a listing, a cell, an account's
 * preparation); it waits in a lane of the queue (collect_sched.h) or, for
 * the per account x region leaves, exists only as a bit in its account's
 * pending masks until a slot is free, so 5,000 accounts x 25 regions of
 * pending work cost a few bytes each. A task in a slot issues its call(s)
 * through the AWS client; its callback either issues the next call (a
 * chain such as ListDetectors -> GetFindingsStatistics keeps its slot),
 * queues the task again after a delay (throttling), or finishes it.
 *
 * Everything runs on the loop; nothing blocks. The collector may be freed
 * while calls are pending: their tasks are orphaned (task->c = NULL) and
 * free themselves when the client calls them back.
 */
#ifndef ORGTOP_COLLECT_INT_H
#define ORGTOP_COLLECT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/collect.h"
#include "core/collect_sched.h"
#include "core/model.h"
#include "core/net/timerq.h"
#include "core/services/ops.h"

/* Region ids: 0 is the pseudo-region of the global services (and of no region). */
#define REGION_GLOBAL 0
#define COLLECT_MAX_REGIONS 128

/* A set of region ids. */
struct regmask {
	uint64_t w[COLLECT_MAX_REGIONS / 64];
};

static inline void
regmask_set(struct regmask *m, unsigned r)
{
	m->w[r >> 6] |= (uint64_t)1 << (r & 63);
}

static inline void
regmask_clear(struct regmask *m, unsigned r)
{
	m->w[r >> 6] &= ~((uint64_t)1 << (r & 63));
}

static inline int
regmask_test(const struct regmask *m, unsigned r)
{
	return (int)((m->w[r >> 6] >> (r & 63)) & 1);
}

static inline int
regmask_empty(const struct regmask *m)
{
	for (size_t i = 0; i < COLLECT_MAX_REGIONS / 64; i++) {
		if (m->w[i] != 0)
			return 0;
	}
	return 1;
}

struct collect_region {
	char name[32];
	uint8_t selected;    /* in the model's region list */
	uint8_t literal;     /* named in -r: selected even where nothing enables it */
	uint8_t provisional; /* kept from the model's earlier list until the regions are known */
	int model;           /* model index, -1 when not selected */
	unsigned enabled_in; /* ACTIVE accounts known to enable it */
	/* The deadline: a region whose calls make no progress for region_deadline s is dead. */
	unsigned inflight;      /* our calls in this region on the wire */
	unsigned pending;       /* leaf bits waiting, all accounts */
	uint64_t last_progress; /* loop ms of the last answer, or of the start from idle */
	uint32_t dead_round;    /* round in which it timed out (0: never) */
};

enum acct_phase {
	AP_NEW,      /* seen by the walk, not prepared yet */
	AP_PREP,     /* assuming the role, reading the enabled regions */
	AP_READY,    /* reachable: leaves can run */
	AP_DENIED,   /* the role cannot be assumed: every item is denied */
	AP_ERROR,    /* the role assumption failed otherwise: every item is an error */
	AP_INACTIVE, /* not ACTIVE: every item disabled */
	AP_GONE      /* left the organization */
};

/* acct.want and leaf sources (bits of enum collect_source). */
#define SRCBIT(s) (1u << (s))
#define WANT_LEAVES (SRCBIT(SRC_CONFIG) | SRCBIT(SRC_GUARDDUTY) | SRCBIT(SRC_BUDGETS))

/*
 * A GuardDuty detector id kept across refreshes: 32 hex digits stored as 16
 * bytes (ids of another shape are not kept; ListDetectors is asked again).
 * The none flag records a region where ListDetectors found no detector.
 */
struct gd_detector {
	uint16_t region;
	uint8_t id[16];
};

struct detail_acc; /* collect_cells.c */

struct collect_account {
	char id[13];
	char status[24];
	int model;              /* model index; -1 when gone */
	uint8_t phase;          /* enum acct_phase */
	uint8_t own;            /* the caller's own account: base credentials */
	uint8_t regions_known;  /* enabled holds the account's regions */
	uint8_t in_ring;
	uint8_t urgent;         /* a manual refresh: served before the others */
	uint8_t want;           /* SRCBITs to fetch once prepared */
	uint8_t pend_budget;    /* the budget leaf is pending */
	uint8_t busy_budget;    /* the budget leaf's task is alive */
	uint8_t prep_queued;    /* a prep task exists */
	uint16_t ntasks;        /* its tasks alive (queued, delayed or on the wire) */
	uint32_t seen;          /* walk number that last saw it */
	int32_t rnext, rprev;   /* the ready ring (indices; -1 ends) */
	struct creds_provider *creds; /* the assumed role; NULL for our own account */
	struct regmask enabled;
	struct regmask pend_cfg, pend_gd; /* leaves waiting for a task */
	struct regmask busy_cfg, busy_gd; /* leaves whose task is alive: not asked again */
	struct gd_detector *det; /* GuardDuty detector ids found, per region */
	uint16_t ndet, capdet;
	struct detail_acc *detail;
	char *reason;           /* why access is denied or failed (AP_DENIED, AP_ERROR) */
};

/* Task kinds. */
enum task_kind {
	TK_IDENTITY,
	TK_ORG,
	TK_ROOTS,
	TK_OUS,
	TK_ACCTS,
	TK_PREP,
	TK_CONFIG,
	TK_GD,
	TK_BUDGET,
	TK_RULES,
	TK_FINDINGS,
	TK_SSO,
	TK_COST,
	TK_AGG,
	TK__COUNT
};

/* task.flags */
#define TF_SLOT 0x01      /* holds a slot of the pool */
#define TF_WAITING 0x02   /* a call or a credentials fetch is pending */
#define TF_DELAYED 0x04   /* waiting out a throttling delay */
#define TF_LEAF 0x08      /* a leaf: its slot came from the ring, not a lane */
#define TF_LANE 0x10     /* its slot is counted in its lane (collect__queue_done) */

struct task {
	struct collect__qnode q;   /* first: the lanes link it */
	struct collect *c;         /* NULL once orphaned by collect_free() */
	struct task *anext, *aprev; /* every live task of the collector */
	struct timerq_entry delay; /* throttling re-queue */
	struct aws_call *call;     /* the pending call, if any */
	uint8_t kind;              /* enum task_kind */
	uint8_t src;               /* enum collect_source the task counts for */
	uint8_t lane;              /* enum collect__lane it queues in */
	uint8_t step;
	uint8_t requeues;
	uint8_t flags;             /* TF_* */
	uint16_t region;           /* region id (REGION_GLOBAL for none) */
	int32_t account;           /* collector account index, -1 for none */
	uint32_t round;
	int32_t index;             /* kind-specific (a permission set, a detail slot) */
	char arg[96];              /* kind-specific (a parent id, a detector id) */
	void *data;                /* kind-specific owned state, freed by its ops */
};

/* What each kind does. */
struct task_ops {
	const char *name;
	/* Issues the first call of the task (in a slot). */
	void (*start)(struct task *t);
	/*
	 * The task gives up without a value (its region timed out, throttling
	 * that never ended, the collector stopping): set the states of what it
	 * was fetching. v->st and v->reason say why. May be NULL.
	 */
	void (*fail)(struct task *t, const struct collect__verdict *v);
	/* Releases t->data. May be NULL. */
	void (*free_data)(struct task *t);
};

/* Each kind's ops, defined beside its code. */
extern const struct task_ops collect__identity_ops, collect__org_ops, collect__roots_ops,
    collect__ous_ops, collect__accts_ops, collect__prep_ops, collect__config_ops,
    collect__gd_ops, collect__budget_ops, collect__rules_ops, collect__findings_ops,
    collect__sso_ops, collect__cost_ops, collect__agg_ops;

/* An Identity Center collection under way (collect_sso.c). */
struct sso_job;
/* A Cost Explorer collection under way (collect_cost.c). */
struct cost_job;
/* Org mode: Config and GuardDuty from the organization's aggregators (collect_agg.c). */
struct agg;

struct collect {
	uv_loop_t *loop;
	struct model *m;
	struct aws_client *client;
	struct creds_provider *base;
	struct timerq *tq;

	/* Configuration. */
	struct collect__patterns patterns;
	char *role_name;
	char *external_id;
	char *sso_region;
	char partition[16];
	enum collect_mode mode;
	unsigned concurrency;
	unsigned interval[SRC__COUNT];
	unsigned region_deadline;
	int once;

	collect_msg_cb msg_cb;
	void *msg_arg;
	void (*done_cb)(void *arg);
	void *done_arg;

	/* Who we are. */
	char caller_arn[256];
	char caller_account[13];
	int identity_state;  /* 0 unknown, 1 known, -1 failed */
	int creds_failed;    /* the base credentials are unusable */
	int sso_expired_said;

	/* Regions (id 0 is REGION_GLOBAL). */
	struct collect_region regions[COLLECT_MAX_REGIONS];
	unsigned nregions;
	int regions_final;   /* every active account's regions are known (this walk) */

	/* Accounts: an array, a hash by id, the ready ring. */
	struct collect_account *accts;
	size_t naccts, capaccts;
	int32_t *ahash;      /* open addressing: index + 1, 0 empty */
	size_t ahash_cap;
	int32_t ring_head, ring_tail;
	size_t leaf_backlog; /* leaf bits pending, all accounts */
	unsigned preps_active;

	/* The organization walk. */
	uint32_t walk;       /* walk number */
	unsigned walk_tasks; /* listings of the current walk not finished */
	int walk_failed;     /* a listing failed: do not prune */
	int walking;
	int standalone;      /* not in an organization: the caller's account alone */
	char mgmt[13];

	/* The pool. */
	struct collect__queue q;
	unsigned inflight;
	struct task *free_tasks; /* reused task structs (linked through anext) */
	unsigned nfree_tasks;
	struct task *live;       /* every live task (anext/aprev) */

	/* Refresh bookkeeping. */
	uint32_t round;      /* busy periods since start */
	size_t work;         /* units of work alive (tasks, pending leaves, jobs) */
	size_t src_work[SRC__COUNT];
	unsigned done, total, errors;
	uint64_t throttled_base;
	unsigned ce_calls;
	int paused;
	int started;
	int stopping;
	double last_complete;
	double src_last[SRC__COUNT];  /* epoch seconds a source round last started */
	struct timerq_entry tick;     /* the interval timer */
	struct timerq_entry watchdog; /* the region deadline check while busy */
	struct timerq_entry idle;     /* deferred done callback */
	int in_dispatch, redispatch;
	unsigned after_identity; /* SRCBITs of sources waiting for the caller's identity */

	/* Sources with org-wide jobs. */
	struct sso_job *sso;
	struct cost_job *cost;
	struct agg *agg;         /* NULL in accounts mode */
	int sso_waiting_regions; /* SSO waits for the caller's regions */

	/* GuardDuty and Config per-call parameters, built once. */
	cJSON *gd_stats_params;
	cJSON *empty_params;

	/* Services the ops table names, resolved once. */
	enum aws_service svc_of[OPS__COUNT];
};

/* ---- collect.c: the machinery ---- */

/* A task, counted as work of source src. account -1 / region REGION_GLOBAL when none. */
struct task *collect__task_new(struct collect *c, enum task_kind kind, int32_t account,
    unsigned region, enum collect_source src, enum collect__lane lane);
/* Queues t in its lane; the dispatcher starts it when a slot is free. */
void collect__task_queue(struct task *t);
/* The task is done: its slot and work are released, its memory reused. */
void collect__task_finish(struct task *t);
/*
 * The task failed with v: throttling is queued again after a delay while
 * allowed (the cell shows MS_THROTTLED), anything else or too many
 * re-queues ends it through its ops->fail. The slot is released.
 */
void collect__task_failed(struct task *t, const struct collect__verdict *v);
/*
 * A callback's first step: 1 if the task must stop here (orphaned, or its
 * region timed out): it has been cleaned up and must not be touched. Also
 * clears TF_WAITING and counts the answer as progress of its region.
 */
int collect__task_answer(struct task *t, const struct aws_result *res);

/* Starts a call for t (in its slot). params is borrowed (serialised right away). */
void collect__call(struct task *t, enum ops_id op, struct creds_provider *cr,
    const char *account, cJSON *params, aws_call_cb cb);
/* The same, paginated with the ops table's tokens. */
void collect__paginate(struct task *t, enum ops_id op, struct creds_provider *cr,
    const char *account, cJSON *params, aws_page_cb page_cb, aws_call_cb done_cb);

/*
 * The credentials and rate-limit account of an account: base for our own;
 * the role's provider, made again if --once dropped it (collect__creds_sweep()).
 */
struct creds_provider *collect__acct_creds(struct collect *c, struct collect_account *a);
/*
 * --once: drops the role credentials of accounts whose work is over (no task,
 * nothing pending, prepared, and nothing org mode may still ask of them), so
 * memory follows the accounts in progress, not the organization.
 */
void collect__creds_sweep(struct collect *c);

/* Work units that are not tasks (pending leaves, waiting jobs). */
void collect__work_add(struct collect *c, enum collect_source src, size_t n);
void collect__work_done(struct collect *c, enum collect_source src, size_t n);
/* Runs the dispatcher (safe to call from anywhere; re-entry is deferred). */
void collect__dispatch(struct collect *c);

/* A sanitised message to the msg callback (and nowhere else). */
void collect__msg(struct collect *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Accounts. */
struct collect_account *collect__acct(struct collect *c, int32_t i);
int32_t collect__acct_find(const struct collect *c, const char *id);
/* Adds or finds by id (12 digits); returns the index. */
int32_t collect__acct_upsert(struct collect *c, const char *id);
/* The model index of account i, or -1 when it has none. */
int collect__acct_model(const struct collect *c, int32_t i);
/* Recomputes every account's model index (after model_prune()). */
void collect__acct_remap(struct collect *c);
/* Clears an account's pending leaves (it left, or is no longer ACTIVE). */
void collect__acct_drop_pending(struct collect *c, int32_t i);
/*
 * Sets the leaf bits of the sources in want for a ready account and rings it.
 * Config and GuardDuty leaves are set only in regions the aggregators do not
 * serve (collect__agg_serves()), unless urgent (a manual refresh asks the
 * account itself).
 */
void collect__acct_schedule(struct collect *c, int32_t i, unsigned want, int urgent);
/* The leaves of the sources in want, region r, every ready account (org mode fell back). */
void collect__region_schedule(struct collect *c, unsigned r, unsigned want);
/* The leaf of source s in region r of ready account i, whatever serves it (org mode asks). */
void collect__acct_probe(struct collect *c, int32_t i, unsigned r, enum collect_source s);
/*
 * Sets the states an account's phase implies on its items: disabled for an
 * account that is not ACTIVE, denied (or error) with the reason when its role
 * cannot be assumed, region_off where a ready account has not enabled a
 * region. region -1: every selected region (and the account-level items).
 */
void collect__acct_phase_states(struct collect *c, int32_t i, int region);

/* Regions. */
/* The id of a region name, adding it (not selected) if new; -1 if invalid or full. */
int collect__region_id(struct collect *c, const char *name);
/* Records that ACTIVE account i enables the regions in mask; selects new ones that match. */
void collect__regions_enabled(struct collect *c, int32_t i, const struct regmask *mask);
/* Pushes the selected list to the model (sorted) and maps model indices. */
void collect__regions_commit(struct collect *c);
/* The model index of region id r, or -1. */
int collect__region_model(const struct collect *c, unsigned r);
/* Decides the region list once every account's regions are known. */
void collect__regions_finalize(struct collect *c);

/* ---- collect_org.c ---- */
const char *collect__ops_name(const struct task *t);
void collect__org_start(struct collect *c);   /* identity (if needed), then the walk */
void collect__prep_queue(struct collect *c, int32_t i, enum collect__lane lane);

/* ---- collect_cells.c ---- */
void collect__detail_start(struct collect *c, int32_t i);
void collect__detail_free(struct detail_acc *d);
/* The detector id of a region into out (33 bytes): 1 if known, 0 if not. */
int collect__detector(const struct collect_account *a, unsigned region, char out[33]);
/* Keeps (id != NULL) or forgets a region's detector id. */
void collect__detector_set(struct collect_account *a, unsigned region, const char *id);

/* ---- collect_sso.c ---- */
void collect__sso_start(struct collect *c);
void collect__sso_regions_known(struct collect *c);
void collect__sso_apply(struct collect *c); /* once the walk is done */
void collect__sso_account(struct collect *c, int32_t i); /* an account joined */
void collect__sso_free(struct collect *c);

/* ---- collect_agg.c: org mode ---- */
/* Creates the org-mode state (modes auto and org); NULL-safe free. */
void collect__agg_init(struct collect *c);
void collect__agg_free(struct collect *c);
/* A refresh of SRC_CONFIG or SRC_GUARDDUTY: the aggregators are asked (again). */
void collect__agg_start(struct collect *c, enum collect_source s);
/* 1 if (s, region r) comes from the aggregators: no per-account leaves there. */
int collect__agg_serves(const struct collect *c, enum collect_source s, unsigned r);
void collect__agg_region(struct collect *c, unsigned r);   /* a region joined the list */
void collect__agg_account(struct collect *c, int32_t i);   /* an account got its model index */
void collect__agg_walk_done(struct collect *c);
/* Account i is prepared (ready, or denied): what the aggregators said, with its regions known. */
void collect__agg_ready(struct collect *c, int32_t i);
/* 1 while org mode may still need account i's role (an administrator, a probe not decided). */
int collect__agg_holds(const struct collect *c, int32_t i);
void collect__agg_regions_final(struct collect *c);
/* The role's credentials provider of account a, created on first use (base for our own). */
struct creds_provider *collect__acct_role(struct collect *c, struct collect_account *a);

/* ---- collect_cost.c ---- */
void collect__cost_start(struct collect *c);
void collect__cost_apply(struct collect *c); /* writes the last answer to the model */
void collect__cost_region(struct collect *c, unsigned r);   /* a region joined the list */
void collect__cost_account(struct collect *c, int32_t i);   /* an account joined */
void collect__cost_free(struct collect *c);

/* The account id is 12 digits. */
int collect__account_id_valid(const char *id);

#endif
