/*
 * svc.h: the service families awsim speaks, one file each, and the helpers
 * their handlers share.
 */
#ifndef AWSIM_SVC_H
#define AWSIM_SVC_H

#include "tests/awsim/call.h"

extern const struct svc_def svc_sts;           /* svc_sts.c */
extern const struct svc_def svc_organizations; /* svc_org.c */
extern const struct svc_def svc_account;       /* svc_account.c */
extern const struct svc_def svc_ec2;           /* svc_account.c */
extern const struct svc_def svc_config;        /* svc_config.c */
extern const struct svc_def svc_guardduty;     /* svc_guardduty.c */
extern const struct svc_def svc_budgets;       /* svc_budgets.c */
extern const struct svc_def svc_ce;            /* svc_budgets.c */
extern const struct svc_def svc_sso_admin;     /* svc_sso.c */
extern const struct svc_def svc_identitystore; /* svc_sso.c */
extern const struct svc_def svc_portal;        /* svc_sso.c (unsigned) */

/* IMDSv2 and the container credentials endpoint (svc_imds.c); unsigned. */
void imds_handle(struct call *c);
void container_handle(struct call *c);

/* The caller is the management account / the delegated administrator. */
int svc_is_mgmt(const struct call *c);
int svc_is_admin(const struct call *c);

/* AccessDeniedException for an action, in AWS's words. */
void svc_denied(struct call *c, const char *action);

/* The account id of the caller. Borrowed. */
const char *svc_caller_id(const struct call *c);

#endif
