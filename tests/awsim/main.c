/*
 * main.c: awsim's command line, start-up and shutdown.
 *
 * awsim is a local AWS for orgtop's tests, benchmarks and demo: one HTTP
 * endpoint that speaks the wire protocols of the APIs orgtop uses, over a
 * generated or scripted organization. See tests/awsim/README.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/faults.h"
#include "tests/awsim/gen.h"
#include "tests/awsim/route.h"
#include "tests/awsim/scenario.h"
#include "tests/awsim/server.h"
#include "tests/awsim/truth.h"

static const char usage[] =
    "usage: awsim [options]\n"
    "\n"
    "A local AWS for orgtop: one HTTP endpoint speaking STS, Organizations, Account,\n"
    "Config, GuardDuty, Budgets, Cost Explorer, SSO Admin, Identity Store, the SSO\n"
    "portal, EC2 DescribeRegions, IMDSv2 and container credentials.\n"
    "\n"
    "The organization:\n"
    "  --accounts N          generate N accounts (default 120)\n"
    "  --seed S              seed of everything generated (default 1)\n"
    "  --scenario FILE       load the organization from FILE instead (README.md)\n"
    "  --region R            the AWS_REGION printed at start (default us-east-1)\n"
    "  --tick S              every S seconds findings arrive, spend grows, compliance flips\n"
    "\n"
    "Serving:\n"
    "  --listen HOST:PORT    address (default 127.0.0.1:0; port 0 picks a free one)\n"
    "  --threads N           server threads (default 2)\n"
    "  --page-size N         cap every list page at N items (default 10; 0: AWS maximums)\n"
    "  --ce-page-size N      Cost Explorer groups per page (default 500)\n"
    "  --session-seconds N   lifetime of every session AssumeRole/SSO/IMDS issue\n"
    "  --sso-token TOKEN     a bearer token the SSO portal accepts (repeatable)\n"
    "  --container-token T   Authorization value the container endpoint requires\n"
    "  --imds-role NAME      role name served by IMDS (default awsim-instance-role)\n"
    "  --no-auth             do not verify signatures (debugging only)\n"
    "  --die-with-parent     exit when the process that started awsim dies (tests)\n"
    "  --request-log FILE    a line per AWS request: operation, signer's account, region,\n"
    "                        a hash of the request (method, path, query, body)\n"
    "\n"
    "Faults (also at run time: POST /_awsim/faults):\n"
    "  --latency MS[:JITTER] delay every answer\n"
    "  --throttle RATE       throttle this fraction of calls (each service's own error)\n"
    "  --errors RATE         answer 500/503 to this fraction\n"
    "  --resets RATE         reset the connection (before or in the body)\n"
    "  --truncate RATE       send half the body under the full Content-Length\n"
    "  --malformed RATE      send invalid JSON/XML with status 200\n"
    "  --blackhole REGION    accept calls to REGION and never answer (repeatable)\n"
    "\n"
    "Truth:\n"
    "  --dump-truth          print the organization as orgtop/1 JSON and exit\n"
    "  --truth-regions LIST  restrict the truth's regions like orgtop's -r (globs)\n"
    "  --truth-role NAME     the role a client assumes (default OrganizationAccountAccessRole)\n"
    "\n"
    "On start awsim prints export lines (endpoint, the management account's keys,\n"
    "region) and '# ready', then serves until SIGINT or SIGTERM.\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version\n";

struct opts {
	const char *listen;
	long long accounts, seed, threads, page_size, ce_page_size, session_seconds, tick;
	const char *scenario;
	const char *region;
	int dump_truth;
	const char *truth_regions, *truth_role;
	int no_auth;
	const char *container_token, *imds_role;
};

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "awsim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'awsim --help'.\n");
	exit(2);
}

static int
known_value_flag(const char *a)
{
	static const char *const flags[] = {"--listen", "--accounts", "--seed", "--scenario",
		"--region", "--tick", "--threads", "--page-size", "--ce-page-size", "--session-seconds",
		"--sso-token", "--container-token", "--imds-role", "--truth-regions", "--truth-role",
		"--request-log"};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(a, flags[i]) == 0)
			return 1;
	return 0;
}

static long long
num_arg(const char *flag, const char *v, long long lo, long long hi)
{
	long long n;

	if (!v)
		die_usage("%s needs a value", flag);
	if (util_parse_ll(v, lo, hi, &n) < 0) {
		char range[64];
		snprintf(range, sizeof(range), " (%lld..%lld)", lo, hi);
		fprintf(stderr, "awsim: %s: expected a whole number%s, not '%s'\n", flag, range, v);
		exit(2);
	}
	return n;
}

static void
listen_split(const char *s, char *host, size_t hlen, int *port)
{
	const char *colon;
	long long p;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			die_usage("--listen: expected HOST:PORT or [IPv6]:PORT, not '%s'", s);
		snprintf(host, hlen, "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			die_usage("--listen: expected HOST:PORT, not '%s'", s);
		snprintf(host, hlen, "%.*s", (int)(colon - s), s);
	}
	if (util_parse_ll(colon + 1, 0, 65535, &p) < 0)
		die_usage("--listen: bad port in '%s'", s);
	*port = (int)p;
}

/* Reachable from here while flags are parsed (die_usage() exits). */
static struct awsim *volatile the_sim;

static void
sim_free(struct awsim *sim)
{
	int i;

	auth_free(sim->auth);
	faults_free(sim->faults);
	org_free(sim->org);
	for (i = 0; i < sim->nsso_tokens; i++)
		xfree_secret(sim->sso_tokens[i]);
	free(sim->sso_tokens);
	free(sim->sso_token_exp);
	free(sim->container_token);
	free(sim->imds_role);
	if (sim->reqlog != NULL)
		fclose(sim->reqlog);
	xwipe(sim->token_key, sizeof(sim->token_key));
	free(sim);
}

int
main(int argc, char **argv)
{
	struct opts o = {.listen = "127.0.0.1:0", .accounts = 120, .seed = 1, .threads = 2,
		.page_size = 10, .ce_page_size = 500, .region = "us-east-1"};
	struct awsim *sim = xcalloc(1, sizeof(*sim));
	struct server *srv;
	char host[256], *cause = NULL, url[320];
	int port, i, sig;
	sigset_t set;
	struct faults *f;
	const char *fault_flags[] = {"latency", "throttle", "errors", "resets", "truncate",
		"malformed", "blackhole"};

	f = NULL;
	the_sim = sim;
	route_init();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t k;
		int fault = 0;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			sim_free(sim);
			return 0;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("awsim %s\n", ORGTOP_VERSION);
			sim_free(sim);
			return 0;
		}
		if (strcmp(a, "--dump-truth") == 0) {
			o.dump_truth = 1;
			continue;
		}
		if (strcmp(a, "--no-auth") == 0) {
			o.no_auth = 1;
			continue;
		}
		if (strcmp(a, "--die-with-parent") == 0) {
			/* Tests: never outlive the test that started us, even when it is killed. */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0 || getppid() == 1) {
				sim_free(sim);
				return 1;
			}
			continue;
		}
		for (k = 0; k < sizeof(fault_flags) / sizeof(fault_flags[0]); k++)
			if (strncmp(a, "--", 2) == 0 && strcmp(a + 2, fault_flags[k]) == 0)
				fault = 1;
		if (strncmp(a, "--", 2) != 0)
			die_usage("unexpected argument '%s'", a);
		if (!fault && !known_value_flag(a))
			die_usage("unknown option '%s'", a);
		if (!v)
			die_usage("%s needs a value", a);
		i++;
		if (fault) {
			if (!sim->faults) {
				sim->faults = faults_new(sim);
				f = sim->faults;
			}
			if (faults_flag(f, a + 2, v, &cause) < 0)
				goto fail_cause;
		} else if (strcmp(a, "--listen") == 0)
			o.listen = v;
		else if (strcmp(a, "--accounts") == 0)
			o.accounts = num_arg(a, v, 1, 1000000);
		else if (strcmp(a, "--seed") == 0)
			o.seed = num_arg(a, v, 0, 9007199254740991LL);
		else if (strcmp(a, "--scenario") == 0)
			o.scenario = v;
		else if (strcmp(a, "--region") == 0)
			o.region = v;
		else if (strcmp(a, "--tick") == 0)
			o.tick = num_arg(a, v, 1, 86400);
		else if (strcmp(a, "--threads") == 0)
			o.threads = num_arg(a, v, 1, 64);
		else if (strcmp(a, "--page-size") == 0)
			o.page_size = num_arg(a, v, 0, 1000);
		else if (strcmp(a, "--ce-page-size") == 0)
			o.ce_page_size = num_arg(a, v, 1, 100000);
		else if (strcmp(a, "--session-seconds") == 0)
			o.session_seconds = num_arg(a, v, 1, 129600);
		else if (strcmp(a, "--sso-token") == 0) {
			sim->sso_tokens = xreallocarray(sim->sso_tokens, (size_t)sim->nsso_tokens + 1,
			    sizeof(char *));
			sim->sso_token_exp = xreallocarray(sim->sso_token_exp, (size_t)sim->nsso_tokens + 1,
			    sizeof(double));
			sim->sso_tokens[sim->nsso_tokens] = xstrdup(v);
			sim->sso_token_exp[sim->nsso_tokens++] = 0;
		} else if (strcmp(a, "--container-token") == 0)
			o.container_token = v;
		else if (strcmp(a, "--imds-role") == 0)
			o.imds_role = v;
		else if (strcmp(a, "--truth-regions") == 0)
			o.truth_regions = v;
		else if (strcmp(a, "--truth-role") == 0)
			o.truth_role = v;
		else if (strcmp(a, "--request-log") == 0) {
			if (sim->reqlog != NULL)
				fclose(sim->reqlog);
			sim->reqlog = fopen(v, "we");
			if (sim->reqlog == NULL) {
				fprintf(stderr, "awsim: --request-log %s: %s\n", v, strerror(errno));
				sim_free(sim);
				return 2;
			}
			setvbuf(sim->reqlog, NULL, _IOLBF, 0);
		}
		else
			die_usage("unknown option '%s'", a);
	}
	if (o.scenario && o.accounts != 120) {
		/* --accounts and --scenario both name the organization */
		int explicit = 0;
		for (i = 1; i < argc; i++)
			explicit |= strcmp(argv[i], "--accounts") == 0;
		if (explicit)
			die_usage("--accounts and --scenario cannot be used together");
	}
	listen_split(o.listen, host, sizeof(host), &port);

	sim->seed = (uint64_t)o.seed;
	sim->page_size = (int)o.page_size;
	sim->ce_page_size = (int)o.ce_page_size;
	sim->session_seconds = (int)o.session_seconds;
	sim->auth_enabled = !o.no_auth;
	sim->tick_seconds = (int)o.tick;
	sim->start = util_now();
	sim->container_token = o.container_token ? xstrdup(o.container_token) : NULL;
	sim->imds_role = o.imds_role ? xstrdup(o.imds_role) : NULL;
	snprintf(sim->region, sizeof(sim->region), "%s", o.region);
	if (RAND_bytes(sim->token_key, sizeof(sim->token_key)) != 1) {
		fprintf(stderr, "awsim: no randomness for the token key\n");
		return 1;
	}
	if (o.scenario)
		sim->org = scenario_load(o.scenario, sim->seed, &cause);
	else
		sim->org = gen_org((int)o.accounts, sim->seed, &cause);
	if (!sim->org)
		goto fail_cause;
	sim->org->start = sim->start;
	if (!sim->faults)
		sim->faults = faults_new(sim);
	if (o.scenario && scenario_apply(sim, o.scenario, &cause) < 0)
		goto fail_cause;
	if (o.dump_truth) {
		struct truth_opts to = {.regions = o.truth_regions, .role = o.truth_role};
		struct buf b;
		buf_init(&b);
		truth_write(sim, &to, &b);
		fwrite(b.data, 1, b.len, stdout);
		buf_done(&b);
		fflush(stdout);
		sim_free(sim);
		return 0;
	}
	sim->auth = auth_new(sim);

	/* Signals are taken by sigwait below; every thread started after this inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	srv = server_start(sim, host, port, (int)o.threads, &cause);
	if (!srv) {
		fprintf(stderr, "awsim: %s\n", cause);
		free(cause);
		sim_free(sim);
		return 1;
	}
	if (strchr(host, ':'))
		snprintf(url, sizeof(url), "http://[%s]:%d", host, server_port(srv));
	else
		snprintf(url, sizeof(url), "http://%s:%d", host, server_port(srv));
	printf("export AWS_ENDPOINT_URL=%s\n", url);
	printf("export AWS_ACCESS_KEY_ID=%s\n", auth_static_key(sim->auth));
	printf("export AWS_SECRET_ACCESS_KEY=%s\n", auth_static_secret(sim->auth));
	printf("export AWS_REGION=%s\n", sim->region);
	printf("# awsim: organization %s, %d accounts, management account %s\n", sim->org->id,
	    sim->org->naccounts, sim->org->accounts[sim->org->mgmt].id);
	printf("# ready\n");
	fflush(stdout);

	for (;;) {
		if (sim->tick_seconds > 0) {
			struct timespec ts = {.tv_sec = sim->tick_seconds};
			sig = sigtimedwait(&set, NULL, &ts);
			if (sig < 0 && errno == EAGAIN) {
				org_tick(sim->org);
				continue;
			}
			if (sig < 0)
				continue;
		} else if (sigwait(&set, &sig) != 0)
			continue;
		break;
	}
	server_stop(srv);
	sim_free(sim);
	return 0;
fail_cause:
	fprintf(stderr, "awsim: %s\n", cause);
	free(cause);
	sim_free(sim);
	return 2;
}
