/*
 * collect.h: plans and schedules the fetches and merges results into the model.
 *
 * The collector owns the refresh: it walks the organization, finds each
 * account's regions, assumes the role into each member account and fans out
 * per account x region x service through the AWS client, with one bounded
 * pool of requests in flight, per-source refresh intervals and a per-region
 * deadline (DESIGN.md section 3, issue 4). Results only change the model
 * (whose generation counter tells readers to redraw); nothing here draws.
 *
 * The TUI and --once talk to the collector only through this header.
 */
#ifndef ORGTOP_COLLECT_H
#define ORGTOP_COLLECT_H

#include <stddef.h>
#include <uv.h>

struct model;
struct aws_client;
struct creds_provider;

/* The data sources, each with its own interval. */
enum collect_source {
	SRC_ORG,        /* organization walk and regions */
	SRC_CONFIG,     /* Config compliance summaries */
	SRC_GUARDDUTY,  /* GuardDuty statistics */
	SRC_BUDGETS,
	SRC_SSO,
	SRC_COST,       /* Cost Explorer: USD 0.01 per page */
	SRC__COUNT
};

/*
 * Where Config and GuardDuty come from (collect_agg.c; docs/JSON.md):
 *  - COLLECT_ACCOUNTS: each account x region is asked.
 *  - COLLECT_ORG: the organization's Config aggregator and GuardDuty's
 *    delegated administrator; what they do not reach is asked of the accounts
 *    (a region they do not cover; up to 2,000 cells they have no data for);
 *    when they cannot be used at all the cells say why.
 *  - COLLECT_AUTO (the default): COLLECT_ORG, but a source the aggregators
 *    cannot serve is asked per account instead.
 * Budgets, SSO and spend are the same in every mode.
 */
enum collect_mode { COLLECT_AUTO, COLLECT_ACCOUNTS, COLLECT_ORG };

struct collect_config {
	const char *regions;      /* comma list with globs ("eu-*,us-east-1"); NULL = enabled regions */
	const char *role_name;    /* role assumed in member accounts (OrganizationAccountAccessRole) */
	const char *external_id;  /* for that role, or NULL */
	enum collect_mode mode;
	unsigned concurrency;     /* requests in flight, default 64 */
	unsigned interval[SRC__COUNT]; /* seconds; 0 = the default */
	unsigned region_deadline; /* seconds a region may take before its cells become errors */
	int once;                 /* one refresh of everything, no timers */
	/* Added by the collect branch: */
	const char *sso_region;   /* Identity Center's home region (--sso-region), or NULL: found
	                             by trying ListInstances in the profile's region, then the
	                             management account's enabled regions */
};

struct collect_progress {
	unsigned done, total;     /* tasks of the current refresh */
	unsigned inflight;        /* requests on the wire */
	unsigned throttled;       /* throttled responses seen this refresh */
	unsigned errors;          /* tasks that ended in an error state this refresh */
	unsigned ce_calls;        /* Cost Explorer requests made since start */
	unsigned requests;        /* HTTP requests sent since start */
	int refreshing;           /* a refresh is under way */
	int paused;
	double last_complete;     /* epoch seconds of the last complete refresh, 0 if none */
	/* Added by the collect branch: */
	int creds_failed;         /* the base credentials were refused or missing: nothing fetched */
	int org_incomplete;       /* a listing of the organization failed: accounts may be missing */
};

/*
 * Messages for the status line ("SSO session expired: run aws sso login
 * --profile x"). level is an enum log_level of core/log.h (LOG_ERROR,
 * LOG_WARN, LOG_INFO); msg is sanitised (core/text.h) and borrowed for the
 * call. The collector also writes each message to the log.
 */
typedef void (*collect_msg_cb)(int level, const char *msg, void *arg);

struct collect;

/*
 * Creates a collector that fills m (borrowed; must outlive it) using client
 * and base credentials (borrowed). Returns NULL with *cause on a bad config
 * (e.g. a region pattern that matches nothing valid).
 */
struct collect *collect_new(uv_loop_t *loop, struct model *m, struct aws_client *client,
    struct creds_provider *base, const struct collect_config *cfg, char **cause);
/* Cancels everything in flight; the loop must run until its handles close. NULL-safe. */
void collect_free(struct collect *c);

void collect_set_msg_cb(struct collect *c, collect_msg_cb cb, void *arg);
/* Called when a refresh completes (for --once: everything reached a final state). */
void collect_set_done_cb(struct collect *c, void (*cb)(void *arg), void *arg);

/* Starts the first refresh and, unless once, the interval timers. 0 / -1. */
int collect_start(struct collect *c, char **cause);
/* Refreshes every source now. */
void collect_refresh_all(struct collect *c);
/* Refreshes every source of one account now. */
void collect_refresh_account(struct collect *c, size_t account);
/* Fetches the drill-down detail of one account (rules, top findings) into the model. */
void collect_fetch_detail(struct collect *c, size_t account);
/* Pauses or resumes the automatic refresh (manual refresh still works). */
void collect_set_paused(struct collect *c, int paused);
/* Changes the region list (patterns as in collect_config.regions). 0 / -1 with *cause. */
int collect_set_regions(struct collect *c, const char *patterns, char **cause);
void collect_progress(const struct collect *c, struct collect_progress *out);

/* Who we are: "arn:aws:sts::111111111111:assumed-role/OrgtopAudit/x" etc. "" until known. */
const char *collect_caller_arn(const struct collect *c);
const char *collect_caller_account(const struct collect *c);

#endif
