/*
 * truth.h: the organization in the orgtop/1 JSON contract (docs/JSON.md):
 * what a correct client holding the management account's keys, assuming
 * the truth role (OrganizationAccountAccessRole by default) into each
 * member account, would end up with. Printed by --dump-truth and served at
 * GET /_awsim/truth (at the current tick).
 */
#ifndef AWSIM_TRUTH_H
#define AWSIM_TRUTH_H

#include "core/buf.h"
#include "tests/awsim/sim.h"

struct truth_opts {
	const char *regions; /* comma list with globs (orgtop's -r); NULL: the union of enabled regions */
	const char *role;    /* NULL: OrganizationAccountAccessRole */
	const char *session; /* session name in SCP-deny reasons; NULL: "orgtop" */
};

/* Appends the document to out. Takes the organization's read lock. */
void truth_write(struct awsim *sim, const struct truth_opts *opts, struct buf *out);

#endif
