/*
 * route.h: from a raw HTTP request to a service handler.
 *
 * Routing follows AWS-WIRE.md 8: the SigV4 credential scope names the
 * service (and the region for regional services), then X-Amz-Target (json
 * 1.1), Action (query, ec2) or method + path (rest-json) names the
 * operation. Unsigned routes: the control endpoint (/_awsim/...), IMDS
 * (/latest/...), container credentials (/v2/credentials/...) and the SSO
 * portal (/federation/credentials, /assignment/...).
 */
#ifndef AWSIM_ROUTE_H
#define AWSIM_ROUTE_H

#include <stddef.h>

#include "tests/awsim/call.h"
#include "tests/awsim/faults.h"

/* Numbers every operation (stats, tokens). Call once before serving. */
void route_init(void);

/* "config:GetComplianceSummaryByConfigRule" for an op id; NULL past the end. */
const char *route_op_name(int id);
int route_nops(void);

/* The service definition for a name ("organizations", "sso-admin", ...), or NULL. */
const struct svc_def *route_svc(const char *name);
/* The operation of svc named op, or NULL. */
const struct op_def *route_op(const struct svc_def *svc, const char *op);

/*
 * Handles c (method, raw path/query, headers and body filled by the
 * server): fills its answer, or sets d->blackhole. d also receives the
 * transport faults to apply when sending (latency, reset, truncation).
 */
void route_handle(struct call *c, struct fault_dec *d);

/*
 * Extracts key id, region and service from an Authorization header's
 * Credential=KEY/DATE/REGION/SERVICE/aws4_request. 0 / -1.
 */
int route_scope(const char *authz, char *akid, size_t akid_len, char *region, size_t region_len,
    char *service, size_t service_len);

#endif
