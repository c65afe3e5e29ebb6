/*
 * faults.h: injected faults: latency, throttling, 500/503, connection
 * resets, truncated and malformed bodies, blackholed regions, per-(account,
 * API) token buckets and error pages from a scenario.
 *
 * Set by flags, by the scenario's "faults" and at run time through
 * POST /_awsim/faults. Decisions are drawn from (seed, request number), so a
 * run with the same seed and the same request order injects the same faults.
 */
#ifndef AWSIM_FAULTS_H
#define AWSIM_FAULTS_H

#include <cjson/cJSON.h>

#include "tests/awsim/jw.h"

struct call;
struct awsim;
struct faults;

/* What the server must do with the answer. */
struct fault_dec {
	int delay_ms;
	int blackhole; /* never answer */
	int reset;     /* 1: reset before answering, 2: after part of the body */
	int truncate;  /* send part of the body under the full Content-Length, then close */
};

struct faults *faults_new(struct awsim *sim);
void faults_free(struct faults *f);

/*
 * Applies one command-line flag: "latency" (MS[:JITTER]), "throttle",
 * "errors", "resets", "truncate", "malformed" (RATE in [0,1]), "blackhole"
 * (REGION). 0, or -1 and *cause (caller frees).
 */
int faults_flag(struct faults *f, const char *name, const char *value, char **cause);

/*
 * Merges a JSON object (the control endpoint's body or a scenario's
 * "faults"): {"latency_ms", "jitter_ms", "throttle", "errors", "resets",
 * "truncate", "malformed", "blackhole": [...], "rules": [...],
 * "clear_rules": true}. where names the source for messages. 0 / -1.
 */
int faults_update(struct faults *f, const cJSON *j, const char *where, char **cause);

/* Writes the current settings as a JSON object. */
void faults_json(struct faults *f, struct jw *w);

/* 1 when region (a name) is blackholed. */
int faults_blackholed(struct faults *f, const char *region);

/*
 * After authentication, before the handler: may answer c with a throttling
 * or 5xx error (returns 1), and fills the transport decisions in d.
 */
int faults_apply(struct faults *f, struct call *c, struct fault_dec *d);

/* Called by page_parse() with the page number asked for; 1 if it answered c with an error. */
int faults_page(struct faults *f, struct call *c, unsigned page);

/* After the handler: 1 when the (successful) answer should be made malformed. */
int faults_malform(struct faults *f, struct call *c);

#endif
