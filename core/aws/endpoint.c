/*
 * endpoint.c: the service table and (service, region) -> URL + signing region.
 *
 * The table and the partition rules reproduce what botocore 1.43 resolves
 * (tests/data/endpoints/botocore-endpoints.tsv is captured from it and
 * test_endpoint.c checks every row).
 */
#include "core/aws/endpoint.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

static const struct endpoint_service_info services[AWS_SVC__COUNT] = {
	[AWS_SVC_STS] = { AWS_SVC_STS, "sts", AWS_PROTO_QUERY, NULL, "2011-06-15", "sts", "STS",
	    "sts", "sts", ENDPOINT_SECRETS },
	[AWS_SVC_ORGANIZATIONS] = { AWS_SVC_ORGANIZATIONS, "organizations", AWS_PROTO_JSON,
	    "AWSOrganizationsV20161128", "2016-11-28", "organizations", "ORGANIZATIONS",
	    "organizations", "organizations", ENDPOINT_GLOBAL },
	[AWS_SVC_ACCOUNT] = { AWS_SVC_ACCOUNT, "account", AWS_PROTO_REST_JSON, NULL, "2021-02-01",
	    "account", "ACCOUNT", "account", "account", ENDPOINT_GLOBAL },
	[AWS_SVC_CONFIG] = { AWS_SVC_CONFIG, "config", AWS_PROTO_JSON, "StarlingDoveService",
	    "2014-11-12", "config", "CONFIG_SERVICE", "config_service", "config", 0 },
	[AWS_SVC_GUARDDUTY] = { AWS_SVC_GUARDDUTY, "guardduty", AWS_PROTO_REST_JSON, NULL,
	    "2017-11-28", "guardduty", "GUARDDUTY", "guardduty", "guardduty", 0 },
	[AWS_SVC_BUDGETS] = { AWS_SVC_BUDGETS, "budgets", AWS_PROTO_JSON, "AWSBudgetServiceGateway",
	    "2016-10-20", "budgets", "BUDGETS", "budgets", "budgets", ENDPOINT_GLOBAL },
	[AWS_SVC_CE] = { AWS_SVC_CE, "ce", AWS_PROTO_JSON, "AWSInsightsIndexService", "2017-10-25",
	    "ce", "COST_EXPLORER", "cost_explorer", "ce", ENDPOINT_GLOBAL },
	[AWS_SVC_SSO_ADMIN] = { AWS_SVC_SSO_ADMIN, "sso-admin", AWS_PROTO_JSON,
	    "SWBExternalService", "2020-07-20", "sso", "SSO_ADMIN", "sso_admin", "sso", 0 },
	[AWS_SVC_IDENTITYSTORE] = { AWS_SVC_IDENTITYSTORE, "identitystore", AWS_PROTO_JSON,
	    "AWSIdentityStore", "2020-06-15", "identitystore", "IDENTITYSTORE", "identitystore",
	    "identitystore", 0 },
	[AWS_SVC_SSO_PORTAL] = { AWS_SVC_SSO_PORTAL, "sso", AWS_PROTO_REST_JSON, NULL,
	    "2019-06-10", "awsssoportal", "SSO", "sso", "portal.sso",
	    ENDPOINT_UNSIGNED | ENDPOINT_SECRETS },
	[AWS_SVC_SSO_OIDC] = { AWS_SVC_SSO_OIDC, "sso-oidc", AWS_PROTO_REST_JSON, NULL,
	    "2019-06-10", "sso-oauth", "SSO_OIDC", "sso_oidc", "oidc",
	    ENDPOINT_UNSIGNED | ENDPOINT_SECRETS },
	[AWS_SVC_EC2] = { AWS_SVC_EC2, "ec2", AWS_PROTO_EC2, NULL, "2016-11-15", "ec2", "EC2",
	    "ec2", "ec2", 0 },
	[AWS_SVC_SECURITYHUB] = { AWS_SVC_SECURITYHUB, "securityhub", AWS_PROTO_REST_JSON, NULL,
	    "2018-10-26", "securityhub", "SECURITYHUB", "securityhub", "securityhub", 0 },
};

/* The full variable names, so endpoint.source can point at static text. */
static const char *const env_names[AWS_SVC__COUNT] = {
	[AWS_SVC_STS] = "AWS_ENDPOINT_URL_STS",
	[AWS_SVC_ORGANIZATIONS] = "AWS_ENDPOINT_URL_ORGANIZATIONS",
	[AWS_SVC_ACCOUNT] = "AWS_ENDPOINT_URL_ACCOUNT",
	[AWS_SVC_CONFIG] = "AWS_ENDPOINT_URL_CONFIG_SERVICE",
	[AWS_SVC_GUARDDUTY] = "AWS_ENDPOINT_URL_GUARDDUTY",
	[AWS_SVC_BUDGETS] = "AWS_ENDPOINT_URL_BUDGETS",
	[AWS_SVC_CE] = "AWS_ENDPOINT_URL_COST_EXPLORER",
	[AWS_SVC_SSO_ADMIN] = "AWS_ENDPOINT_URL_SSO_ADMIN",
	[AWS_SVC_IDENTITYSTORE] = "AWS_ENDPOINT_URL_IDENTITYSTORE",
	[AWS_SVC_SSO_PORTAL] = "AWS_ENDPOINT_URL_SSO",
	[AWS_SVC_SSO_OIDC] = "AWS_ENDPOINT_URL_SSO_OIDC",
	[AWS_SVC_EC2] = "AWS_ENDPOINT_URL_EC2",
	[AWS_SVC_SECURITYHUB] = "AWS_ENDPOINT_URL_SECURITYHUB",
};

/* Other names people use for a service (the CLI's command names). */
static const struct {
	const char *alias;
	enum aws_service svc;
} aliases[] = {
	{ "configservice", AWS_SVC_CONFIG },
	{ "costexplorer", AWS_SVC_CE },
	{ "cost-explorer", AWS_SVC_CE },
	{ "portal.sso", AWS_SVC_SSO_PORTAL },
	{ "sso-portal", AWS_SVC_SSO_PORTAL },
	{ "oidc", AWS_SVC_SSO_OIDC },
};

struct partition {
	const char *name;
	const char *prefix; /* region prefix; "" matches everything else */
	const char *domain;
	const char *home;   /* where the global services live and sign */
};

static const struct partition partitions[] = {
	{ "aws-cn", "cn-", "amazonaws.com.cn", "cn-northwest-1" },
	{ "aws-us-gov", "us-gov-", "amazonaws.com", "us-gov-west-1" },
	{ "aws-iso", "us-iso-", NULL, NULL },
	{ "aws-iso-b", "us-isob-", NULL, NULL },
	{ "aws-iso-e", "eu-isoe-", NULL, NULL },
	{ "aws-iso-f", "us-isof-", NULL, NULL },
	{ "aws", "", "amazonaws.com", "us-east-1" },
};

const struct endpoint_service_info *
endpoint_service(enum aws_service svc)
{
	if ((unsigned)svc >= AWS_SVC__COUNT)
		return NULL;
	return &services[svc];
}

int
endpoint_service_by_name(const char *name, enum aws_service *out)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < AWS_SVC__COUNT; i++) {
		if (util_strcasecmp(name, services[i].name) == 0 ||
		    util_strcasecmp(name, services[i].config_key) == 0) {
			*out = services[i].id;
			return 0;
		}
	}
	for (size_t i = 0; i < NELEM(aliases); i++) {
		if (util_strcasecmp(name, aliases[i].alias) == 0) {
			*out = aliases[i].svc;
			return 0;
		}
	}
	return -1;
}

static const struct partition *
endpoint__partition(const char *region)
{
	for (size_t i = 0; i < NELEM(partitions); i++) {
		if (strncmp(region, partitions[i].prefix, strlen(partitions[i].prefix)) == 0)
			return &partitions[i];
	}
	return &partitions[NELEM(partitions) - 1];
}

const char *
endpoint_partition(const char *region)
{
	return endpoint__partition(region != NULL ? region : "")->name;
}

int
endpoint_region_valid(const char *region)
{
	size_t n;

	if (region == NULL)
		return 0;
	n = strlen(region);
	if (n < 3 || n > 40 || !islower((unsigned char)region[0]) ||
	    !isdigit((unsigned char)region[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)region[i];

		if (!(islower(ch) || isdigit(ch) || ch == '-'))
			return 0;
		if (ch == '-' && region[i + 1] == '-')
			return 0;
	}
	return strchr(region, '-') != NULL;
}

int
endpoint_host_is_loopback(const char *host)
{
	char tmp[64];
	size_t n;
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return 0;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, host, n);
	tmp[n] = '\0';
	if (util_strcasecmp(tmp, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, tmp, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, tmp, &a6) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(&a6, &in6addr_loopback, sizeof a6) == 0)
			return 1;
		return memcmp(a6.s6_addr, mapped, 12) == 0 && a6.s6_addr[12] == 127;
	}
	return 0;
}

/*
 * Parses an override URL: http(s)://host[:port][/path], no user-info,
 * query or fragment. Fills out->url, host, tls. Returns NULL or why not.
 */
static const char *
endpoint__parse_url(const char *url, struct endpoint *out, int *loopback)
{
	const char *p, *host, *hend, *port = NULL, *path;
	char hostname[256];
	size_t hn, pathlen;
	int tls;
	long long portnum = 0;

	if (strncmp(url, "https://", 8) == 0) {
		tls = 1;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		tls = 0;
		p = url + 7;
	} else {
		return "it must start with https:// (or http:// on loopback)";
	}
	for (const char *q = url; *q != '\0'; q++) {
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return "it contains a space or a control character";
	}
	host = p;
	path = p + strcspn(p, "/?#");
	if (*path == '?' || *path == '#' || strpbrk(path, "?#") != NULL)
		return "it has a query or fragment";
	if (memchr(host, '@', (size_t)(path - host)) != NULL)
		return "it has user-info (user@host)";
	if (*host == '[') {
		hend = memchr(host, ']', (size_t)(path - host));
		if (hend == NULL)
			return "an IPv6 address is missing its ']'";
		hend++;
		if (hend < path && *hend != ':')
			return "junk after the IPv6 address";
	} else {
		hend = memchr(host, ':', (size_t)(path - host));
		if (hend == NULL)
			hend = path;
	}
	if (hend < path && *hend == ':')
		port = hend + 1;
	hn = (size_t)(hend - host);
	if (hn == 0 || hn >= sizeof hostname)
		return "the host is empty or too long";
	for (size_t i = 0; i < hn; i++)
		hostname[i] = (char)tolower((unsigned char)host[i]);
	hostname[hn] = '\0';
	if (hostname[0] != '[' && strspn(hostname, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != hn)
		return "the host has characters a host name cannot have";
	if (hostname[0] == '[') {
		char v6[INET6_ADDRSTRLEN + 1];
		struct in6_addr a6;

		/* "[...]" must hold an IPv6 address (found by fuzz_endpoint: "[ht1]" passed). */
		if (hn - 2 >= sizeof v6)
			return "the IPv6 address is not valid";
		memcpy(v6, hostname + 1, hn - 2);
		v6[hn - 2] = '\0';
		if (inet_pton(AF_INET6, v6, &a6) != 1)
			return "the IPv6 address is not valid";
	}
	if (port != NULL) {
		char pbuf[8];
		size_t pl = (size_t)(path - port);

		if (pl == 0 || pl >= sizeof pbuf)
			return "the port is not a number from 1 to 65535";
		memcpy(pbuf, port, pl);
		pbuf[pl] = '\0';
		if (util_parse_ll(pbuf, 1, 65535, &portnum) < 0)
			return "the port is not a number from 1 to 65535";
	}
	pathlen = strlen(path);
	while (pathlen > 0 && path[pathlen - 1] == '/')
		pathlen--;
	if ((portnum == 0) || (tls && portnum == 443) || (!tls && portnum == 80))
		snprintf(out->host, sizeof out->host, "%s", hostname);
	else
		snprintf(out->host, sizeof out->host, "%s:%lld", hostname, portnum);
	if ((size_t)snprintf(out->url, sizeof out->url, "%s://%s%.*s", tls ? "https" : "http",
		out->host, (int)pathlen, path) >= sizeof out->url)
		return "it is too long";
	out->tls = tls;
	*loopback = endpoint_host_is_loopback(hostname);
	return NULL;
}

static int
endpoint__env_true(const char *v)
{
	return v != NULL && util_strcasecmp(v, "true") == 0;
}

int
endpoint_resolve(enum aws_service svc, const char *region, const struct endpoint_config *cfg,
    struct endpoint *out, char **cause)
{
	const struct endpoint_service_info *info = endpoint_service(svc);
	const struct partition *part;
	const char *url = NULL, *source = NULL, *ign, *why;
	struct endpoint ep;
	int ignore, loopback = 0;

	if (info == NULL) {
		if (cause != NULL)
			*cause = xasprintf("unknown service %d", (int)svc);
		return -1;
	}
	if (!endpoint_region_valid(region)) {
		if (cause != NULL)
			*cause = xasprintf("%s: \"%s\" is not a region name (like eu-west-1)",
			    info->name, region != NULL ? region : "");
		return -1;
	}
	memset(&ep, 0, sizeof ep);
	ep.signing_name = info->signing_name;
	ign = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	ignore = ign != NULL && ign[0] != '\0' ? endpoint__env_true(ign) :
						 cfg != NULL && cfg->ignore_configured_urls;
	if (!ignore) {
		const char *v = getenv(env_names[svc]);

		if (v != NULL && v[0] != '\0') {
			url = v;
			source = env_names[svc];
		} else if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && v[0] != '\0') {
			url = v;
			source = "AWS_ENDPOINT_URL";
		} else if (cfg != NULL && cfg->service_url[svc] != NULL &&
			   cfg->service_url[svc][0] != '\0') {
			url = cfg->service_url[svc];
			source = "services";
		} else if (cfg != NULL && cfg->profile_url != NULL && cfg->profile_url[0] != '\0') {
			url = cfg->profile_url;
			source = "profile";
		}
	}
	if (url != NULL) {
		const char *what = strcmp(source, "services") == 0 ?
		    "endpoint_url in the [services] section" :
		    strcmp(source, "profile") == 0 ? "endpoint_url of the profile" : source;

		why = endpoint__parse_url(url, &ep, &loopback);
		if (why == NULL && !ep.tls && !loopback)
			why = "plain http:// is refused off loopback (127.0.0.0/8, ::1, localhost): "
			      "it would carry signed requests and session tokens in clear text; "
			      "use https://";
		if (why != NULL) {
			if (cause != NULL)
				*cause = xasprintf("%s endpoint %s (from %s): %s", info->name, url,
				    what, why);
			return -1;
		}
		snprintf(ep.signing_region, sizeof ep.signing_region, "%s", region);
		ep.custom = 1;
		ep.source = source;
		*out = ep;
		return 0;
	}
	part = endpoint__partition(region);
	if (part->domain == NULL) {
		if (cause != NULL)
			*cause = xasprintf("%s: region %s is in the %s partition, which orgtop does not "
					   "support; set AWS_ENDPOINT_URL",
			    info->name, region, part->name);
		return -1;
	}
	if ((info->flags & ENDPOINT_GLOBAL) && svc == AWS_SVC_BUDGETS)
		snprintf(ep.host, sizeof ep.host, "budgets.%s", part->domain);
	else if (info->flags & ENDPOINT_GLOBAL)
		snprintf(ep.host, sizeof ep.host, "%s.%s.%s", info->host_prefix, part->home,
		    part->domain);
	else
		snprintf(ep.host, sizeof ep.host, "%s.%s.%s", info->host_prefix, region, part->domain);
	snprintf(ep.url, sizeof ep.url, "https://%s", ep.host);
	snprintf(ep.signing_region, sizeof ep.signing_region, "%s",
	    (info->flags & ENDPOINT_GLOBAL) ? part->home : region);
	ep.tls = 1;
	ep.source = "default";
	*out = ep;
	return 0;
}
