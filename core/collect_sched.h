/*
 * collect_sched.h: the collector's pure pieces (internal to the collect
 * module and its tests; callers use core/collect.h).
 *
 * Three things the collector needs that do not touch the network, so they
 * can be tested on their own:
 *
 *  - Region patterns: "-r eu-*,us-east-1" parsed, checked and matched
 *    (fnmatch globs over region names; a plain name is a literal and is
 *    always selected, a glob selects the enabled regions it matches).
 *  - The lanes: the queue of tasks waiting for a slot in the pool of
 *    requests in flight. One first-in first-out list per lane, lanes in
 *    priority order, each with an optional cap on its own tasks in flight
 *    (Identity Center allows about 20 requests/s, Cost Explorer costs money:
 *    their lanes never fill the pool while waiting for rate-limit tokens).
 *    The nodes are embedded in the tasks; nothing here allocates.
 *  - The verdict: what a finished AWS call means for a cell of the model
 *    (docs/JSON.md): a value, or a state with a short reason, and whether
 *    the task should be queued again later (throttling that outlasted the
 *    client's retries).
 */
#ifndef ORGTOP_COLLECT_SCHED_H
#define ORGTOP_COLLECT_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "core/aws/client.h"
#include "core/model.h"

/* ---- region patterns ---- */

/* At most this many patterns in one -r list. */
#define COLLECT_MAX_PATTERNS 64

struct collect__patterns {
	char **pat;  /* lower-case patterns, each checked */
	size_t n;    /* 0: no -r, every enabled region */
};

/*
 * Parses a comma list of region names and globs ("eu-*,us-east-1",
 * whitespace around items allowed). NULL or "" gives the empty list (every
 * enabled region). An item may hold only [a-z0-9-*?] (upper case is
 * folded); a literal item must be a valid region name; an empty item, a
 * duplicate or more than COLLECT_MAX_PATTERNS items is an error. Returns 0,
 * or -1 with *cause ("-r: 'eu_west' is not a region name or pattern") and
 * *out untouched.
 */
int collect__patterns_parse(const char *spec, struct collect__patterns *out, char **cause);
void collect__patterns_done(struct collect__patterns *p);
/* 1 if p is the empty list (every region) or some pattern matches region. */
int collect__patterns_match(const struct collect__patterns *p, const char *region);
/* 1 if region is one of p's literal items (selected even where nothing enables it). */
int collect__patterns_literal(const struct collect__patterns *p, const char *region);
/* 1 if pattern holds no glob character. */
int collect__pattern_is_literal(const char *pattern);
/* 1 if every item of p is a literal (the region list is known without asking AWS). */
int collect__patterns_all_literal(const struct collect__patterns *p);

/* ---- lanes ---- */

/* In priority order: a lower lane is always served first. */
enum collect__lane {
	LANE_URGENT, /* a manual refresh of one account, the drill-down detail */
	LANE_RETRY,  /* throttled tasks queued again after their delay */
	LANE_WALK,   /* identity, the organization walk: everything waits on it */
	LANE_SSO,    /* Identity Center and Identity Store (capped: ~20 requests/s) */
	LANE_COST,   /* Cost Explorer (capped: USD 0.01 a page) */
	LANE_AGG,    /* org mode: the aggregators (capped: one administrator's buckets) */
	LANE_PREP,   /* per account: role assumption, enabled regions */
	LANE__COUNT
};

#define LANE_BIT(l) (1u << (l))
#define LANES_ALL ((1u << LANE__COUNT) - 1)

/* Embedded in a task. */
struct collect__qnode {
	struct collect__qnode *next, *prev;
	uint8_t lane;
	uint8_t queued; /* 1 while in a lane's list */
};

struct collect__queue {
	struct collect__qnode *head[LANE__COUNT], *tail[LANE__COUNT];
	unsigned n[LANE__COUNT];        /* waiting */
	unsigned inflight[LANE__COUNT]; /* started and not finished */
	unsigned cap[LANE__COUNT];      /* 0: no cap */
	unsigned total;                 /* waiting, all lanes */
};

void collect__queue_init(struct collect__queue *q);
/* Caps a lane's tasks in flight (0: no cap). */
void collect__queue_set_cap(struct collect__queue *q, enum collect__lane lane, unsigned cap);
/* Appends node to lane (node must not be queued). */
void collect__queue_push(struct collect__queue *q, struct collect__qnode *node,
    enum collect__lane lane);
/* Removes node from its lane if it is queued; harmless otherwise. */
void collect__queue_remove(struct collect__queue *q, struct collect__qnode *node);
/*
 * Takes the first node of the first lane in lanes (a LANE_BIT mask) that has
 * one waiting and is under its cap, counts it in flight, and returns it; NULL
 * if none. The caller calls collect__queue_done() when that task's slot is
 * free again.
 */
struct collect__qnode *collect__queue_pop(struct collect__queue *q, unsigned lanes);
void collect__queue_done(struct collect__queue *q, enum collect__lane lane);
/* Waiting nodes in the lanes of mask. */
unsigned collect__queue_waiting(const struct collect__queue *q, unsigned lanes);

/* ---- verdicts ---- */

/* How many times a throttled task is queued again before it ends as an error. */
#define COLLECT_MAX_REQUEUES 3

/* What a call's outcome means (collect__verdict()). */
struct collect__verdict {
	enum model_state st; /* MS_OK for a value; else the state to set */
	int requeue;         /* throttled: queue the task again later (while allowed) */
	int sso_expired;     /* the SSO session expired: say so once */
	int creds_failed;    /* the credentials themselves were refused or missing */
	char reason[256];    /* short, raw (the model sanitises it); "" for MS_OK */
};

/*
 * Maps a finished call to a state (docs/JSON.md):
 *  - AWS_OK: MS_OK.
 *  - throttled: MS_THROTTLED with requeue set (the caller turns it into
 *    MS_ERROR "throttled" once the task was queued COLLECT_MAX_REQUEUES times).
 *  - access denied (AccessDenied, an SCP deny): MS_DENIED with AWS's message.
 *  - a service that is not enabled or subscribed (OptInRequired,
 *    SubscriptionRequiredException, NoSuchConfigurationRecorderException,
 *    AWSOrganizationsNotInUseException): MS_DISABLED.
 *  - credentials refused (InvalidClientTokenId, UnrecognizedClient) in a
 *    region the account is not known to have enabled: MS_REGION_OFF
 *    "region not enabled" (what AWS answers in an opt-in region that is off);
 *    elsewhere MS_ERROR.
 *  - everything else: MS_ERROR with a short reason ("timeout", "HTTP 503:
 *    Service Unavailable", "clock skew: ...").
 * region_enabled: 1 if the account is known to have the call's region
 * enabled, 0 if not known.
 */
void collect__verdict(const struct aws_result *res, int region_enabled,
    struct collect__verdict *out);

/*
 * The same for a failed credentials fetch (creds_cb's err): AssumeRole
 * refused (AccessDenied, "not authorized") is MS_DENIED with AWS's message;
 * throttling that outlasted the client's retries is MS_THROTTLED with
 * requeue set; anything else MS_ERROR. The reason keeps AWS's text and drops
 * our prefix ("AssumeRole ...: AccessDenied: " -> the message).
 */
void collect__creds_verdict(const char *err, int sso_expired, struct collect__verdict *out);

#endif
