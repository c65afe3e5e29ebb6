// seeds: tests/fuzz/seeds/endpoint tests/fuzz/regress/fuzz_endpoint
/*
 * fuzz_endpoint.c: endpoint_resolve() on any region name and any override
 * URL (a profile's endpoint_url, a [services] section's, or none).
 *
 * Both come from outside: the URL from config files and the environment,
 * the region from -r, the config file, and the answers of account:ListRegions
 * (a region name goes into a host name that is then signed and sent).
 *
 * Input: byte 0 picks the service (low nibble) and where the URL comes from
 * (bits 4-5: none, the profile, the [services] section), then the region up
 * to a NUL, then the URL.
 *
 * Asserted (DESIGN.md 4, RELIABILITY.md C and E):
 *  - on failure: a cause that names the service, and the output untouched;
 *  - on success: the region is a valid region name; the URL is http:// or
 *    https:// as .tls says, holds no space, control character, '?' or '#'
 *    (an '@' may stand in the path, never before it), and is the scheme
 *    followed by .host; .host holds only host-name
 *    characters (and an IPv6 literal's brackets and colons, and a port),
 *    so nothing can be smuggled into the Host header or the signature;
 *  - plain http:// only ever resolves for a loopback host;
 *  - without an override, https to an amazonaws.com host always.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/aws/endpoint.h"
#include "core/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_endpoint: %s (region '%s' url '%s')\n", what, \
			    region, url != NULL ? url : "(none)");                         \
			abort();                                                           \
		}                                                                          \
	} while (0)

extern char **environ;
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Only the configured URLs under test: no AWS_* from the environment. */
	for (;;) {
		char **e = environ, name[256];

		while (*e != NULL && strncmp(*e, "AWS_", 4) != 0)
			e++;
		if (*e == NULL)
			break;
		snprintf(name, sizeof name, "%.*s", (int)strcspn(*e, "="), *e);
		unsetenv(name);
	}
	return 0;
}

/* The host part of a URL ("h:1", "[::1]:8"), without the port, into out. */
static void
bare_host(const char *host, char *out, size_t n)
{
	size_t len;

	if (host[0] == '[') {
		const char *end = strchr(host, ']');

		len = end != NULL ? (size_t)(end - host) + 1 : strlen(host);
	} else {
		len = strcspn(host, ":");
	}
	if (len >= n)
		len = n - 1;
	memcpy(out, host, len);
	out[len] = '\0';
}

static void
check_success(const struct endpoint *ep, const char *region, const char *url, int custom)
{
	const char *scheme = ep->tls ? "https://" : "http://";
	size_t sl = strlen(scheme);
	char bare[300];

	CHECK(endpoint_region_valid(region), "resolved for an invalid region");
	CHECK(endpoint_region_valid(ep->signing_region), "an invalid signing region");
	CHECK(ep->signing_name != NULL && ep->signing_name[0] != '\0', "no signing name");
	CHECK(strncmp(ep->url, scheme, sl) == 0, "the URL's scheme disagrees with .tls");
	CHECK(strncmp(ep->url + sl, ep->host, strlen(ep->host)) == 0,
	    "the URL does not carry .host after its scheme");
	for (const char *p = ep->url; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		CHECK(ch > ' ' && ch != 0x7f && ch != '?' && ch != '#',
		    "a space, control, '?' or '#' in the URL");
	}
	CHECK(ep->host[0] != '\0', "an empty host");
	if (ep->host[0] == '[') {
		const char *end = strchr(ep->host, ']');

		CHECK(end != NULL, "an IPv6 host without its ']'");
		CHECK(strspn(ep->host + 1, "0123456789abcdef:.") == (size_t)(end - ep->host) - 1,
		    "an IPv6 literal with characters an address cannot have");
		CHECK(end[1] == '\0' || (end[1] == ':' &&
			strspn(end + 2, "0123456789") == strlen(end + 2) && end[2] != '\0'),
		    "junk after an IPv6 literal");
	} else {
		CHECK(strspn(ep->host, "abcdefghijklmnopqrstuvwxyz0123456789.-_:") ==
			strlen(ep->host),
		    "characters a host cannot have in .host");
	}
	bare_host(ep->host, bare, sizeof bare);
	if (!ep->tls)
		CHECK(endpoint_host_is_loopback(bare), "plain http:// off loopback");
	CHECK(ep->custom == custom, ".custom disagrees with where the URL came from");
	if (!custom) {
		size_t hl = strlen(ep->host);

		CHECK(ep->tls, "a default endpoint without TLS");
		CHECK((hl > 14 && strcmp(ep->host + hl - 14, ".amazonaws.com") == 0) ||
			(hl > 17 && strcmp(ep->host + hl - 17, ".amazonaws.com.cn") == 0),
		    "a default endpoint outside amazonaws.com");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct endpoint_config cfg;
	struct endpoint ep, before;
	enum aws_service svc;
	const uint8_t *nul;
	char *region, *url = NULL, *cause = NULL;
	int where, r;

	if (size < 1)
		return 0;
	svc = (enum aws_service)((data[0] & 0x0f) % AWS_SVC__COUNT);
	where = (data[0] >> 4) & 3;
	nul = memchr(data + 1, '\0', size - 1);
	if (nul == NULL) {
		region = xstrndup((const char *)data + 1, size - 1);
	} else {
		region = xstrndup((const char *)data + 1, (size_t)(nul - data) - 1);
		url = xstrndup((const char *)nul + 1, size - (size_t)(nul - data) - 1);
	}
	memset(&cfg, 0, sizeof cfg);
	if (where == 1)
		cfg.profile_url = url;
	else if (where == 2)
		cfg.service_url[svc] = url;
	memset(&ep, 0xa5, sizeof ep);
	memcpy(&before, &ep, sizeof ep);
	r = endpoint_resolve(svc, region, &cfg, &ep, &cause);
	if (r == 0) {
		CHECK(cause == NULL, "success with a cause");
		check_success(&ep, region, url,
		    (where == 1 || where == 2) && url != NULL && url[0] != '\0');
	} else {
		CHECK(r == -1, "a return that is neither 0 nor -1");
		CHECK(cause != NULL && cause[0] != '\0', "a failure without a cause");
		CHECK(memcmp(&ep, &before, sizeof ep) == 0, "the output changed on failure");
	}
	free(cause);
	free(region);
	free(url);
	return 0;
}
