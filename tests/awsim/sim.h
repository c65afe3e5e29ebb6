/*
 * sim.h: the state of one awsim process, shared by every module.
 *
 * One struct awsim lives for the whole run. The organization, the session
 * table, the fault settings and the counters hang off it; each has its own
 * lock (or is atomic) because libmicrohttpd calls us from a thread pool.
 */
#ifndef AWSIM_SIM_H
#define AWSIM_SIM_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/awsim/org.h"

struct auth;
struct faults;

#define SIM_MAX_OPS 96

struct sim_stats {
	atomic_ullong requests;
	atomic_ullong connections;
	atomic_ullong ce_calls;
	atomic_ullong throttled;
	atomic_ullong failed;      /* injected 500/503 */
	atomic_ullong resets;
	atomic_ullong truncated;
	atomic_ullong malformed;
	atomic_ullong blackholed;
	atomic_ullong delayed;
	atomic_ullong auth_errors; /* signature, key, expiry, skew */
	atomic_ullong errors_4xx;
	atomic_ullong errors_5xx;
	atomic_ullong by_op[SIM_MAX_OPS];
	atomic_ullong by_op_throttled[SIM_MAX_OPS];
};

struct awsim {
	struct org *org;
	struct auth *auth;
	struct faults *faults;
	struct sim_stats stats;
	uint64_t seed;
	int page_size;       /* cap on list pages; 0: each API's AWS maximum */
	int ce_page_size;    /* groups per Cost Explorer page */
	int session_seconds; /* force this session lifetime (0: as asked) */
	int auth_enabled;    /* verify SigV4 (off only for --no-auth debugging) */
	int tick_seconds;
	unsigned char token_key[32]; /* HMAC key for pagination tokens */
	double start;
	char region[32];     /* AWS_REGION printed at start */
	char *container_token; /* required Authorization for container credentials, or NULL */
	char *imds_role;       /* role name served by IMDS */
	char **sso_tokens;     /* accepted SSO portal bearer tokens */
	double *sso_token_exp; /* their expiry (epoch seconds; 0: never) */
	int nsso_tokens;
	int stopping;
	FILE *reqlog;          /* --request-log: one line per AWS request, or NULL */
};

#endif
