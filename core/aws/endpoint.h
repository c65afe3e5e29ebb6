/*
 * endpoint.h: the services orgtop speaks to, and where each one lives.
 *
 * One table holds what the botocore models say about each service
 * (AWS-WIRE.md sections 3 and 5.2): wire protocol, X-Amz-Target prefix,
 * SigV4 signing name, the AWS_ENDPOINT_URL_<X> suffix and [services] key,
 * whether it is global. endpoint_resolve() turns (service, region) into the
 * URL to call and the region to sign with, for the aws, aws-cn and
 * aws-us-gov partitions, exactly as botocore 1.43 resolves them (the global
 * services Organizations, Budgets, Cost Explorer and Account sign as
 * us-east-1 / cn-northwest-1 / us-gov-west-1; STS is regional).
 *
 * Overrides follow the AWS tools, first match wins:
 *   AWS_ENDPOINT_URL_<SERVICE>  >  AWS_ENDPOINT_URL  >  [services] <key> endpoint_url
 *   >  the profile's endpoint_url
 * (the environment is skipped when ignore_configured_urls is set: the
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls
 * setting). With a custom endpoint the request is signed with the caller's
 * region, as botocore does.
 *
 * Credentials never travel in clear text off the machine: a plain http://
 * endpoint is refused unless its host is loopback (127.0.0.0/8, ::1,
 * "localhost").
 */
#ifndef ORGTOP_ENDPOINT_H
#define ORGTOP_ENDPOINT_H

#include <stddef.h>

enum aws_service {
	AWS_SVC_STS,
	AWS_SVC_ORGANIZATIONS,
	AWS_SVC_ACCOUNT,
	AWS_SVC_CONFIG,
	AWS_SVC_GUARDDUTY,
	AWS_SVC_BUDGETS,
	AWS_SVC_CE,            /* Cost Explorer */
	AWS_SVC_SSO_ADMIN,     /* IAM Identity Center admin, signs as "sso" */
	AWS_SVC_IDENTITYSTORE,
	AWS_SVC_SSO_PORTAL,    /* portal.sso: GetRoleCredentials; unsigned, bearer token */
	AWS_SVC_SSO_OIDC,      /* oidc: CreateToken; unsigned */
	AWS_SVC_EC2,
	AWS_SVC_SECURITYHUB,
	AWS_SVC__COUNT
};

enum aws_protocol {
	AWS_PROTO_JSON,      /* json 1.1: POST /, X-Amz-Target */
	AWS_PROTO_REST_JSON, /* method + URI, querystring, JSON body */
	AWS_PROTO_QUERY,     /* form body Action=..., XML answers */
	AWS_PROTO_EC2        /* like query, lists without .member, XML without a Result wrapper */
};

/* endpoint_service_info.flags */
#define ENDPOINT_GLOBAL 0x01   /* one endpoint per partition, signed for its home region */
#define ENDPOINT_UNSIGNED 0x02 /* never SigV4-signed (SSO portal, SSO OIDC) */
#define ENDPOINT_SECRETS 0x04  /* requests or answers carry secrets: wipe every buffer */

/* What the models say about one service. Static; never freed. */
struct endpoint_service_info {
	enum aws_service id;
	const char *name;          /* botocore/CLI name: "sso-admin" */
	enum aws_protocol protocol;
	const char *target_prefix; /* json: "AWSOrganizationsV20161128"; else NULL */
	const char *api_version;   /* query/ec2: "2011-06-15"; else the model's version */
	const char *signing_name;  /* credential scope: "sso" for sso-admin */
	const char *env_suffix;    /* AWS_ENDPOINT_URL_<env_suffix>: "SSO_ADMIN" */
	const char *config_key;    /* [services] key: "sso_admin" */
	const char *host_prefix;   /* "portal.sso", "sso", "ec2", ... */
	unsigned flags;            /* ENDPOINT_* */
};

/* The table row for svc (svc < AWS_SVC__COUNT). */
const struct endpoint_service_info *endpoint_service(enum aws_service svc);
/*
 * Looks a service up by its botocore/CLI name ("sso-admin", "ce",
 * "guardduty", "sso" for the portal, "sso-oidc") or its config key
 * ("cost_explorer", "config_service"). 0 / -1.
 */
int endpoint_service_by_name(const char *name, enum aws_service *out);

/*
 * Configured endpoints (not the environment, which endpoint_resolve() reads
 * itself). Borrowed strings; NULL when unset.
 */
struct endpoint_config {
	const char *profile_url;                 /* endpoint_url of the profile */
	const char *service_url[AWS_SVC__COUNT]; /* [services NAME] <config_key> = endpoint_url = ... */
	int ignore_configured_urls;              /* ignore_configured_endpoint_urls = true */
};

/* Where to send one request. */
struct endpoint {
	char url[512];            /* scheme://host[:port][/base-path], no trailing '/' */
	char host[300];           /* host[:port] as sent in Host and signed: the port only if not the scheme's default */
	char signing_region[64];
	const char *signing_name; /* static, from the table */
	const char *source;       /* static: "default", "AWS_ENDPOINT_URL_<X>" (the actual name), "AWS_ENDPOINT_URL", "services", "profile" */
	int custom;               /* 1 when an override gave the URL */
	int tls;                  /* 1 for https */
};

/*
 * Resolves service svc in region. cfg may be NULL. Reads AWS_ENDPOINT_URL
 * and AWS_ENDPOINT_URL_<SERVICE> (and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
 * from the environment. Fails, with *cause saying what and where, for a
 * malformed region, an override URL that is not http(s)://host[:port][/path]
 * (no user-info, query or fragment), or a plain http:// URL off loopback.
 * 0 / -1; *out is untouched on failure.
 */
int endpoint_resolve(enum aws_service svc, const char *region, const struct endpoint_config *cfg,
    struct endpoint *out, char **cause);

/* The partition of a region: "aws", "aws-cn", "aws-us-gov". */
const char *endpoint_partition(const char *region);

/* 1 if region looks like an AWS region name ("eu-west-1", "us-gov-west-1"). */
int endpoint_region_valid(const char *region);

/* 1 if host (without port; "[::1]" brackets allowed) is loopback: 127.0.0.0/8, ::1, localhost. */
int endpoint_host_is_loopback(const char *host);

#endif
