/*
 * scenario.h: an organization stated by a JSON file (--scenario FILE), for
 * tests that need exact data: hostile names, a denied account, an SCP-denied
 * region, an opt-in region off, a service not enabled, throttling for one
 * account/API, an error page in the middle of a list. The format is in
 * tests/awsim/README.md; examples in tests/awsim/scenarios/.
 */
#ifndef AWSIM_SCENARIO_H
#define AWSIM_SCENARIO_H

#include <stdint.h>

#include "tests/awsim/sim.h"

/*
 * Loads path into a new organization (seed: the default when the file has
 * none). Faults and SSO tokens the file states are applied to sim later by
 * scenario_apply(). Returns NULL with *cause ("FILE: $.accounts[2].id:
 * expected 12 digits") on error; caller frees *cause.
 */
struct org *scenario_load(const char *path, uint64_t seed, char **cause);

/* Applies the file's "faults" and "sso_tokens" to sim (after sim->faults exists). 0 / -1. */
int scenario_apply(struct awsim *sim, const char *path, char **cause);

#endif
