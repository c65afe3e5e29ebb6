/*
 * svc.c: helpers shared by the service handlers.
 */
#include "tests/awsim/svc.h"

#include <stdio.h>

#include "tests/awsim/auth.h"

int
svc_is_mgmt(const struct call *c)
{
	return c->who.account == c->org->mgmt;
}

int
svc_is_admin(const struct call *c)
{
	return c->org->security >= 0 && c->who.account == c->org->security;
}

const char *
svc_caller_id(const struct call *c)
{
	return c->org->accounts[c->who.account].id;
}

void
svc_denied(struct call *c, const char *action)
{
	char arn[256];

	auth_arn(c, &c->who, arn, sizeof(arn));
	call_error(c, c->svc->proto == PROTO_RESTJSON ? 403 : 400, "AccessDeniedException",
	    "User: %s is not authorized to perform: %s", arn, action);
}
