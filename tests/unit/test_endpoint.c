/*
 * test_endpoint.c: the service table and endpoint resolution.
 *
 * tests/data/endpoints/botocore-endpoints.tsv was captured from botocore
 * 1.43 (gen_endpoints.py beside it): every row must resolve the same here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/aws/endpoint.h"
#include "core/util.h"
#include "lib/testsrv.h"

static void
clear_env(void)
{
	static const char *const vars[] = { "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
		"AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL_ACCOUNT",
		"AWS_ENDPOINT_URL_CONFIG_SERVICE", "AWS_ENDPOINT_URL_GUARDDUTY",
		"AWS_ENDPOINT_URL_BUDGETS", "AWS_ENDPOINT_URL_COST_EXPLORER",
		"AWS_ENDPOINT_URL_SSO_ADMIN", "AWS_ENDPOINT_URL_IDENTITYSTORE", "AWS_ENDPOINT_URL_SSO",
		"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_SECURITYHUB",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" };

	for (size_t i = 0; i < NELEM(vars); i++)
		unsetenv(vars[i]);
}

static int
setup(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static void
test_botocore_table(void **state)
{
	size_t len;
	char *data = testsrv_read_data("endpoints/botocore-endpoints.tsv", &len);
	char *line, *save = NULL;
	int rows = 0;

	(void)state;
	assert_non_null(data);
	for (line = data; line != NULL && *line != '\0'; line = save) {
		char svcname[32], region[40], url[256], scope[40];
		enum aws_service svc;
		struct endpoint ep;
		char *cause = NULL;
		char *nl = strchr(line, '\n');

		save = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		assert_int_equal(sscanf(line, "%31s %39s %255s %39s", svcname, region, url, scope), 4);
		assert_int_equal(endpoint_service_by_name(svcname, &svc), 0);
		if (endpoint_resolve(svc, region, NULL, &ep, &cause) != 0)
			fail_msg("%s %s: %s", svcname, region, cause);
		if (strcmp(ep.url, url) != 0)
			fail_msg("%s %s: got %s, botocore %s", svcname, region, ep.url, url);
		if (strcmp(scope, "-") == 0)
			assert_true(endpoint_service(svc)->flags & ENDPOINT_UNSIGNED);
		else if (strcmp(ep.signing_region, scope) != 0)
			fail_msg("%s %s: signs as %s, botocore %s", svcname, region,
			    ep.signing_region, scope);
		assert_string_equal(ep.host, url + 8);
		assert_string_equal(ep.source, "default");
		assert_int_equal(ep.custom, 0);
		assert_int_equal(ep.tls, 1);
		rows++;
	}
	assert_true(rows >= 13 * 28);
	free(data);
}

static void
test_table(void **state)
{
	(void)state;
	for (int i = 0; i < AWS_SVC__COUNT; i++) {
		const struct endpoint_service_info *s = endpoint_service((enum aws_service)i);
		enum aws_service back;
		char var[64];

		assert_int_equal(s->id, i);
		assert_non_null(s->name);
		assert_int_equal(s->target_prefix != NULL, s->protocol == AWS_PROTO_JSON);
		assert_int_equal(endpoint_service_by_name(s->name, &back), 0);
		assert_int_equal(back, i);
		assert_int_equal(endpoint_service_by_name(s->config_key, &back), 0);
		assert_int_equal(back, i);
		/* The [services] key is the env suffix lower-cased. */
		for (size_t k = 0; k <= strlen(s->env_suffix); k++)
			var[k] = (char)(s->env_suffix[k] >= 'A' && s->env_suffix[k] <= 'Z' ?
				    s->env_suffix[k] + 32 : s->env_suffix[k]);
		assert_string_equal(var, s->config_key);
	}
	assert_null(endpoint_service(AWS_SVC__COUNT));
	assert_string_equal(endpoint_service(AWS_SVC_SSO_ADMIN)->signing_name, "sso");
	assert_true(endpoint_service(AWS_SVC_SSO_PORTAL)->flags & ENDPOINT_UNSIGNED);
	assert_true(endpoint_service(AWS_SVC_STS)->flags & ENDPOINT_SECRETS);
	{
		enum aws_service s;

		assert_int_equal(endpoint_service_by_name("configservice", &s), 0);
		assert_int_equal(s, AWS_SVC_CONFIG);
		assert_int_equal(endpoint_service_by_name("SSO-Admin", &s), 0);
		assert_int_equal(s, AWS_SVC_SSO_ADMIN);
		assert_int_equal(endpoint_service_by_name("cost_explorer", &s), 0);
		assert_int_equal(s, AWS_SVC_CE);
		assert_int_equal(endpoint_service_by_name("s3", &s), -1);
		assert_int_equal(endpoint_service_by_name(NULL, &s), -1);
	}
}

static void
test_override_order(void **state)
{
	struct endpoint_config cfg;
	struct endpoint ep;
	char *cause = NULL;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.profile_url = "https://profile.example";
	cfg.service_url[AWS_SVC_ORGANIZATIONS] = "https://services.example/";
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/base/", 1);
	setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", "http://localhost:9999", 1);

	/* The service's own variable first; signed with the caller's region, not us-east-1. */
	assert_int_equal(endpoint_resolve(AWS_SVC_ORGANIZATIONS, "eu-west-1", &cfg, &ep, &cause), 0);
	assert_string_equal(ep.url, "http://localhost:9999");
	assert_string_equal(ep.host, "localhost:9999");
	assert_string_equal(ep.signing_region, "eu-west-1");
	assert_string_equal(ep.signing_name, "organizations");
	assert_string_equal(ep.source, "AWS_ENDPOINT_URL_ORGANIZATIONS");
	assert_int_equal(ep.custom, 1);
	assert_int_equal(ep.tls, 0);

	/* Then AWS_ENDPOINT_URL, base path kept without its trailing slash. */
	assert_int_equal(endpoint_resolve(AWS_SVC_GUARDDUTY, "eu-west-1", &cfg, &ep, &cause), 0);
	assert_string_equal(ep.url, "http://127.0.0.1:4566/base");
	assert_string_equal(ep.host, "127.0.0.1:4566");
	assert_string_equal(ep.source, "AWS_ENDPOINT_URL");

	/* Then the [services] section, then the profile. */
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_ORGANIZATIONS");
	assert_int_equal(endpoint_resolve(AWS_SVC_ORGANIZATIONS, "eu-west-1", &cfg, &ep, &cause), 0);
	assert_string_equal(ep.url, "https://services.example");
	assert_string_equal(ep.source, "services");
	assert_int_equal(endpoint_resolve(AWS_SVC_BUDGETS, "eu-west-1", &cfg, &ep, &cause), 0);
	assert_string_equal(ep.url, "https://profile.example");
	assert_string_equal(ep.source, "profile");
	assert_string_equal(ep.signing_region, "eu-west-1");

	/* An empty variable counts as unset, as in botocore. */
	setenv("AWS_ENDPOINT_URL_BUDGETS", "", 1);
	assert_int_equal(endpoint_resolve(AWS_SVC_BUDGETS, "eu-west-1", &cfg, &ep, &cause), 0);
	assert_string_equal(ep.source, "profile");
	clear_env();
}

static void
test_ignore_configured(void **state)
{
	struct endpoint_config cfg;
	struct endpoint ep;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.profile_url = "https://profile.example";
	setenv("AWS_ENDPOINT_URL", "https://env.example", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
	assert_int_equal(endpoint_resolve(AWS_SVC_CE, "eu-west-1", &cfg, &ep, NULL), 0);
	assert_string_equal(ep.url, "https://ce.us-east-1.amazonaws.com");
	assert_string_equal(ep.signing_region, "us-east-1");
	/* The variable wins over the config setting, both ways. */
	cfg.ignore_configured_urls = 1;
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
	assert_int_equal(endpoint_resolve(AWS_SVC_CE, "eu-west-1", &cfg, &ep, NULL), 0);
	assert_string_equal(ep.url, "https://env.example");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	assert_int_equal(endpoint_resolve(AWS_SVC_CE, "eu-west-1", &cfg, &ep, NULL), 0);
	assert_string_equal(ep.url, "https://ce.us-east-1.amazonaws.com");
	clear_env();
}

static void
expect_refused(const char *url, const char *words)
{
	struct endpoint ep;
	char *cause = NULL;

	memset(&ep, 0x5a, sizeof ep);
	setenv("AWS_ENDPOINT_URL_STS", url, 1);
	if (endpoint_resolve(AWS_SVC_STS, "eu-west-1", NULL, &ep, &cause) == 0)
		fail_msg("%s was accepted", url);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", url, cause, words);
	assert_non_null(strstr(cause, "AWS_ENDPOINT_URL_STS"));
	assert_int_equal(((unsigned char *)&ep)[0], 0x5a); /* untouched on failure */
	free(cause);
	unsetenv("AWS_ENDPOINT_URL_STS");
}

static void
expect_accepted(const char *url, const char *want_url, const char *want_host)
{
	struct endpoint ep;
	char *cause = NULL;

	setenv("AWS_ENDPOINT_URL_STS", url, 1);
	if (endpoint_resolve(AWS_SVC_STS, "eu-west-1", NULL, &ep, &cause) != 0)
		fail_msg("%s: %s", url, cause);
	assert_string_equal(ep.url, want_url);
	assert_string_equal(ep.host, want_host);
	unsetenv("AWS_ENDPOINT_URL_STS");
}

static void
test_plain_http_only_on_loopback(void **state)
{
	(void)state;
	expect_refused("http://10.0.0.5:4566", "clear text");
	expect_refused("http://awsim.example.com", "loopback");
	expect_refused("http://127.0.0.1.evil.example", "loopback");
	expect_refused("http://128.0.0.1", "loopback");
	expect_refused("http://[::2]:80", "loopback");
	expect_accepted("http://127.0.0.1:4566", "http://127.0.0.1:4566", "127.0.0.1:4566");
	expect_accepted("http://127.9.8.7:1/", "http://127.9.8.7:1", "127.9.8.7:1");
	expect_accepted("http://LOCALHOST:4566/x/", "http://localhost:4566/x", "localhost:4566");
	expect_accepted("http://[::1]:4566", "http://[::1]:4566", "[::1]:4566");
	expect_accepted("https://10.0.0.5:4566", "https://10.0.0.5:4566", "10.0.0.5:4566");
	/* The scheme's default port is not part of Host (nor of what is signed). */
	expect_accepted("https://h.example:443/p", "https://h.example/p", "h.example");
	expect_accepted("http://127.0.0.1:80", "http://127.0.0.1", "127.0.0.1");
	assert_true(endpoint_host_is_loopback("127.0.0.1"));
	assert_true(endpoint_host_is_loopback("::1"));
	assert_true(endpoint_host_is_loopback("[::1]"));
	assert_true(endpoint_host_is_loopback("::ffff:127.0.0.2"));
	assert_false(endpoint_host_is_loopback("::ffff:10.0.0.1"));
	assert_false(endpoint_host_is_loopback("localhost.example"));
	assert_false(endpoint_host_is_loopback(""));
	assert_false(endpoint_host_is_loopback(NULL));
}

static void
test_malformed_urls(void **state)
{
	(void)state;
	expect_refused("ftp://127.0.0.1", "https://");
	expect_refused("127.0.0.1:4566", "https://");
	expect_refused("https://", "host");
	expect_refused("https://user:pw@host.example", "user-info");
	expect_refused("https://host.example:0", "port");
	expect_refused("https://host.example:99999", "port");
	expect_refused("https://host.example:http", "port");
	expect_refused("https://host.example/?a=b", "query");
	expect_refused("https://host.example#frag", "fragment");
	expect_refused("https://host example", "space");
	expect_refused("https://host.example/\r\nX: y", "control");
	expect_refused("https://ho%st.example", "host");
	expect_refused("https://[::1", "']'");
	/* Found by fuzz_endpoint: brackets that hold no IPv6 address passed. */
	expect_refused("https://[ht1]/", "IPv6");
	expect_refused("https://[]", "IPv6");
	expect_refused("http://[127.0.0.1]:80", "IPv6");
	expect_accepted("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x",
	    "[2001:db8::1]:8443");
}

static void
test_regions(void **state)
{
	struct endpoint ep;
	char *cause = NULL;

	(void)state;
	assert_true(endpoint_region_valid("eu-west-1"));
	assert_true(endpoint_region_valid("us-gov-west-1"));
	assert_false(endpoint_region_valid(""));
	assert_false(endpoint_region_valid(NULL));
	assert_false(endpoint_region_valid("EU-WEST-1"));
	assert_false(endpoint_region_valid("eu_west_1"));
	assert_false(endpoint_region_valid("eu-west-"));
	assert_false(endpoint_region_valid("eu--west-1"));
	assert_false(endpoint_region_valid("eu-west-1.evil.example/x"));
	assert_false(endpoint_region_valid("useast1"));
	assert_int_equal(endpoint_resolve(AWS_SVC_CONFIG, "eu-west-1.evil.example", NULL, &ep, &cause),
	    -1);
	assert_non_null(strstr(cause, "not a region"));
	free(cause);
	cause = NULL;
	assert_int_equal(endpoint_resolve(AWS_SVC_CONFIG, "us-iso-east-1", NULL, &ep, &cause), -1);
	assert_non_null(strstr(cause, "aws-iso"));
	free(cause);
	assert_string_equal(endpoint_partition("cn-north-1"), "aws-cn");
	assert_string_equal(endpoint_partition("us-gov-east-1"), "aws-us-gov");
	assert_string_equal(endpoint_partition("eu-west-1"), "aws");
	assert_string_equal(endpoint_partition("us-isob-east-1"), "aws-iso-b");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_botocore_table, setup),
		cmocka_unit_test_setup(test_table, setup),
		cmocka_unit_test_setup(test_override_order, setup),
		cmocka_unit_test_setup(test_ignore_configured, setup),
		cmocka_unit_test_setup(test_plain_http_only_on_loopback, setup),
		cmocka_unit_test_setup(test_malformed_urls, setup),
		cmocka_unit_test_setup(test_regions, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
