/*
 * main.c: orgtop's entry point: the command line, the configuration, the
 * credentials, and the non-interactive modes (--once, --call, --iam-policy).
 *
 * The order is fixed by what depends on what: options; the config file
 * (flags beat the file, the file beats defaults); the log; the AWS profile's
 * own settings (region, endpoint_url, max_attempts, ca_bundle, [services]),
 * which the client needs; the client; the credential chain (asking for an MFA
 * code on /dev/tty, before anything is drawn); then the model, its cache,
 * and the collector. Shutdown runs in the reverse order and leaves a loop
 * that uv_loop_close() accepts.
 *
 * Exit status (DESIGN.md 4): 0 all collected, 1 some cells not ok (or
 * nothing could be reached), 2 usage or config error, 3 no usable
 * credentials.
 *
 * The dashboard (tui/app.h) runs in run_dashboard() on the same struct env
 * (loop, model, client, base credentials, collector config, cache) that
 * --once uses, with the collector behind its keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "core/aws/client.h"
#include "core/aws/creds.h"
#include "core/aws/endpoint.h"
#include "core/aws/ini.h"
#include "core/buf.h"
#include "core/cache.h"
#include "core/collect.h"
#include "core/config.h"
#include "core/log.h"
#include "core/model.h"
#include "core/report.h"
#include "core/services/ops.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/app.h"
#include "tui/dashboard.h"
#include "tui/options.h"

#define EXIT_PARTIAL 1
#define EXIT_USAGE 2
#define EXIT_CREDS 3

/* Everything a mode needs, built once. */
struct env {
	struct options opt;
	struct config cfg;
	uv_loop_t loop;
	int loop_ok;
	struct ini_aws *aws;
	const struct ini_section *profile; /* the profile's merged settings, or NULL */
	char *profile_name;                /* for messages and the cache's name */
	char *region;                      /* the client's default region */
	char *endpoint;                    /* AWS_ENDPOINT_URL or the profile's endpoint_url */
	char *warned;                      /* warnings already said (each once) */
	char first_said[512];              /* the first message said, for the dashboard */
	unsigned nsaid;                    /* messages said before the dashboard */
	struct aws_client *client;
	struct creds_provider *base;
	struct model *m;
	struct cache *cache;
	struct collect_config ccfg;
	int stderr_tty;
	int progress_shown;  /* a progress line is on stderr */
	uv_timer_t progress; /* --once's progress line (closed before the loop ends) */
};

/* ------------------------------------------------------------- messages */

/* Prints "orgtop: <line>" on stderr, sanitised; logs it too unless it was logged already. */
static void
say_line(struct env *e, const char *line, int logged)
{
	char *clean;

	clean = text_clean(line, text_utf8() ? 0 : TEXT_ASCII);
	if (e != NULL && e->progress_shown) {
		fputs("\r\033[K", stderr);
		e->progress_shown = 0;
	}
	fprintf(stderr, "orgtop: %s\n", clean);
	if (!logged)
		log_msg(LOG_WARN, "%s", clean);
	/* The dashboard's alternate screen would hide it: keep it for the message line. */
	if (e != NULL) {
		if (e->first_said[0] == '\0')
			snprintf(e->first_said, sizeof e->first_said, "%s", clean);
		e->nsaid++;
	}
	free(clean);
}

/* Prints "orgtop: <msg>" on stderr, sanitised, and logs it. */
static void
say(struct env *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct env *e, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(line, sizeof line, fmt, ap) < 0)
		line[0] = '\0';
	va_end(ap);
	say_line(e, line, 0);
}

/* Says each line of a list of warnings once (the files are read twice: here and by the chain). */
static void
say_warnings(struct env *e, const char *warnings)
{
	const char *s = warnings;

	while (s != NULL && *s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, len);

		if (len > 0 && (e->warned == NULL || strstr(e->warned, line) == NULL)) {
			char *all = xasprintf("%s\n%s", e->warned != NULL ? e->warned : "", line);

			say(e, "%s", line);
			free(e->warned);
			e->warned = all;
		}
		free(line);
		s += len + (nl != NULL);
	}
}

static void
config_warn(const char *msg, void *arg)
{
	say(arg, "%s", msg);
}

static void
cache_msg(const char *msg, void *arg)
{
	say(arg, "%s", msg);
}

static void
collect_msg(int level, const char *msg, void *arg)
{
	struct env *e = arg;

	/* Errors and warnings always; notices only where someone watches. The
	 * collector has logged it already. */
	if (level <= LOG_WARN || e->stderr_tty)
		say_line(e, msg, 1);
}

/* ---------------------------------------------------------- configuration */

/* Config file, then the flags over it (options_to_config). 0, or -1 after saying why. */
static int
load_config(struct env *e)
{
	struct config flags;
	char *cause = NULL;

	config_init(&e->cfg);
	config_init(&flags);
	if (config_load(&e->cfg, e->opt.config, config_warn, e, &cause) < 0 ||
	    options_to_config(&e->opt, &flags, &cause) != 0)
		goto bad;
	config_merge(&e->cfg, &flags);
	config_done(&flags);
	if (config_check(&e->cfg, &cause) != 0) {
		say(e, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
bad:
	say(e, "%s", cause != NULL ? cause : "bad configuration");
	free(cause);
	config_done(&flags);
	return -1;
}

/* The profile's own settings, which the client needs before any credentials. */
static int
load_profile(struct env *e)
{
	char *warnings = NULL, *cause = NULL;
	const char *name = e->cfg.profile, *v;

	if (ini_aws_load(NULL, NULL, &e->aws, &warnings, &cause) != 0) {
		say(e, "%s", cause);
		free(cause);
		return -1;
	}
	say_warnings(e, warnings);
	free(warnings);
	if (name == NULL || *name == '\0')
		name = getenv("AWS_PROFILE");
	if (name == NULL || *name == '\0')
		name = getenv("AWS_DEFAULT_PROFILE");
	if (name == NULL || *name == '\0')
		name = "default";
	e->profile_name = xstrdup(name);
	e->profile = ini_aws_profile(e->aws, name);
	v = getenv("AWS_REGION");
	if (v == NULL || *v == '\0')
		v = getenv("AWS_DEFAULT_REGION");
	if ((v == NULL || *v == '\0') && e->profile != NULL)
		v = ini_get(e->profile, "region");
	e->region = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
	v = getenv("AWS_ENDPOINT_URL");
	if ((v == NULL || *v == '\0') && e->profile != NULL)
		v = ini_get(e->profile, "endpoint_url");
	e->endpoint = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
	return 0;
}

static int
make_client(struct env *e)
{
	struct aws_client_config cc;
	const struct ini_section *services = NULL;
	const char *v;
	char *cause = NULL;
	unsigned conc = e->cfg.concurrency ? e->cfg.concurrency : 64;

	memset(&cc, 0, sizeof cc);
	cc.region = e->region;
	if (e->profile != NULL) {
		long long n;

		v = ini_get(e->profile, "max_attempts");
		if (v != NULL && util_parse_ll(v, 1, 100, &n) == 0)
			cc.max_attempts = (unsigned)n;
		else if (v != NULL)
			say(e, "profile %s: max_attempts '%s' is not a number from 1 to 100",
			    e->profile_name, v);
		cc.endpoints.profile_url = ini_get(e->profile, "endpoint_url");
		v = ini_get(e->profile, "ignore_configured_endpoint_urls");
		cc.endpoints.ignore_configured_urls = v != NULL && util_strcasecmp(v, "true") == 0;
		cc.http.ca_bundle = ini_get(e->profile, "ca_bundle");
		v = ini_get(e->profile, "services");
		if (v != NULL)
			services = ini_aws_services(e->aws, v);
	}
	for (int s = 0; services != NULL && s < AWS_SVC__COUNT; s++) {
		const struct endpoint_service_info *info = endpoint_service((enum aws_service)s);

		cc.endpoints.service_url[s] = ini_get_sub(services, info->config_key, "endpoint_url");
	}
	/* One host may serve every service (awsim, a proxy): let it carry the whole pool. */
	cc.http.max_connections = conc;
	cc.http.max_host_connections = conc;
	cc.attempt_timeout_ms = 30000;
	e->client = aws_client_new(&e->loop, &cc, &cause);
	if (e->client == NULL) {
		say(e, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Reads an MFA code from the terminal (never from a pipe: it is the user's). */
static char *
mfa_prompt(const char *serial, void *arg)
{
	char code[64];
	size_t n = 0;
	char *clean = text_clean(serial, TEXT_ASCII);
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	(void)arg;
	if (fd < 0) {
		free(clean);
		return NULL;
	}
	if (dprintf(fd, "MFA code for %s: ", clean) < 0)
		n = sizeof code;
	free(clean);
	while (n < sizeof code - 1) {
		char ch;
		ssize_t r = read(fd, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n' || ch == '\r')
			break;
		code[n++] = ch;
	}
	close(fd);
	if (n == 0 || n >= sizeof code - 1)
		return NULL;
	code[n] = '\0';
	return xstrdup(code);
}

static int
make_creds(struct env *e)
{
	struct creds_chain_opts co;
	char *region = NULL, *warnings = NULL, *cause = NULL;

	memset(&co, 0, sizeof co);
	co.profile = e->cfg.profile;
	co.explicit_profile = e->cfg.profile != NULL;
	co.client = e->client;
	co.mfa_prompt = mfa_prompt;
	co.aws = e->aws; /* the files load_profile() read (and warned about) once */
	e->base = creds_chain_resolve(&co, &region, &warnings, &cause);
	say_warnings(e, warnings);
	free(warnings);
	free(region);
	if (e->base == NULL) {
		say(e, "no usable credentials: %s", cause != NULL ? cause : "unknown reason");
		free(cause);
		return -1;
	}
	log_msg(LOG_INFO, "credentials: %s", creds_provider_describe(e->base));
	return 0;
}

static void
env_done(struct env *e)
{
	creds_provider_free(e->base);
	e->base = NULL;
	aws_client_free(e->client);
	e->client = NULL;
	if (e->loop_ok) {
		uv_run(&e->loop, UV_RUN_DEFAULT);
		if (uv_loop_close(&e->loop) != 0)
			log_msg(LOG_WARN, "the event loop still had handles at exit");
	}
	cache_free(e->cache);
	model_free(e->m);
	ini_aws_free(e->aws);
	free(e->profile_name);
	free(e->region);
	free(e->endpoint);
	free(e->warned);
	config_done(&e->cfg);
	log_close();
}

/* ------------------------------------------------------------ --iam-policy */

static int
run_iam_policy(struct env *e)
{
	const char *role = e->cfg.role_name;
	struct buf out;
	char *cause = NULL;

	buf_init(&out);
	if (e->opt.policy != POLICY_BOTH) {
		int which = e->opt.policy == POLICY_CALLER ? OPS_CALLER : OPS_MEMBER;

		if (ops_iam_policy_role(&out, which, role, &cause) != 0)
			goto bad;
	} else {
		/* Both, as one JSON document: {"caller": {...}, "member": {...}}. */
		static const struct {
			const char *name;
			int which;
		} parts[] = { { "caller", OPS_CALLER }, { "member", OPS_MEMBER } };
		cJSON *both = cJSON_CreateObject();
		char *text;

		for (size_t i = 0; i < NELEM(parts); i++) {
			struct buf one;
			cJSON *doc;

			buf_init(&one);
			if (ops_iam_policy_role(&one, parts[i].which, role, &cause) != 0) {
				buf_done(&one);
				cJSON_Delete(both);
				goto bad;
			}
			doc = cJSON_Parse(one.data);
			buf_done(&one);
			cJSON_AddItemToObject(both, parts[i].name, doc != NULL ? doc : cJSON_CreateNull());
		}
		text = cJSON_Print(both);
		cJSON_Delete(both);
		buf_adds(&out, text != NULL ? text : "{}");
		buf_addc(&out, '\n');
		free(text);
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		buf_done(&out);
		return EXIT_PARTIAL;
	}
	buf_done(&out);
	return 0;
bad:
	say(e, "--iam-policy: %s", cause);
	free(cause);
	buf_done(&out);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------------ --call */

struct call_state {
	int done, ok;
};

/*
 * Prints the dump line by line through the sanitiser: the answer is AWS's
 * text. Tabs are the JSON printer's indentation (inside strings it escapes
 * them), so they become two spaces instead of a visible "\t".
 */
static void
print_sanitised(const char *s, FILE *f)
{
	unsigned flags = text_utf8() ? TEXT_NO_ELLIPSIS : TEXT_ASCII | TEXT_NO_ELLIPSIS;
	struct buf raw, line;

	buf_init(&raw);
	buf_init(&line);
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);

		buf_reset(&raw);
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\t')
				buf_adds(&raw, "  ");
			else
				buf_addc(&raw, s[i]);
		}
		buf_reset(&line);
		text_sanitize(&line, raw.data, raw.len, -1, flags);
		fputs(line.data, f);
		fputc('\n', f);
		s += len + (nl != NULL);
	}
	buf_done(&line);
	buf_done(&raw);
}

static void
call_cb(const struct aws_result *res, void *arg)
{
	struct call_state *st = arg;
	struct buf b;

	buf_init(&b);
	aws_result_dump(res, &b);
	print_sanitised(b.data, res->err == AWS_OK ? stdout : stderr);
	buf_done(&b);
	fflush(stdout);
	st->done = 1;
	st->ok = res->err == AWS_OK;
}

static int
run_call(struct env *e)
{
	struct call_state st = { 0, 0 };
	const char *region = NULL;
	char *cause = NULL;

	/* -r with one region name picks the region of the call. */
	if (e->cfg.regions != NULL && strchr(e->cfg.regions, ',') == NULL &&
	    strpbrk(e->cfg.regions, "*?") == NULL)
		region = e->cfg.regions;
	if (aws_client_debug_call(e->client, e->base, e->opt.call_service, e->opt.call_operation,
	    e->opt.call_input, region, call_cb, &st, &cause) == NULL) {
		say(e, "--call: %s", cause != NULL ? cause : "cannot make that call");
		free(cause);
		return EXIT_USAGE;
	}
	while (!st.done && uv_run(&e->loop, UV_RUN_ONCE) != 0)
		;
	return st.ok ? 0 : EXIT_PARTIAL;
}

/* ------------------------------------------------------------------ --once */

struct once_state {
	struct env *e;
	struct collect *c;
	int progress_on;
	int done;
};

static void
progress_cb(uv_timer_t *t)
{
	struct once_state *st = t->data;
	struct collect_progress p;

	collect_progress(st->c, &p);
	fprintf(stderr, "\r\033[Korgtop: %u/%u done, %u in flight, %u throttled, %u errors",
	    p.done, p.total, p.inflight, p.throttled, p.errors);
	fflush(stderr);
	st->e->progress_shown = 1;
}

static void
once_done(void *arg)
{
	struct once_state *st = arg;

	st->done = 1;
	uv_stop(&st->e->loop);
}

static void
progress_closed(uv_handle_t *h)
{
	(void)h;
}

static enum report_format
report_format_of(enum opt_format f)
{
	return f == FORMAT_JSON ? REPORT_JSON : f == FORMAT_CSV ? REPORT_CSV : REPORT_TABLE;
}

static void
open_cache(struct env *e)
{
	char *name, *cause = NULL;

	if (e->cfg.no_cache)
		return;
	name = cache_name_for(e->profile_name, e->endpoint);
	e->cache = cache_new(e->cfg.cache_dir, name, cache_msg, e, &cause);
	free(name);
	if (e->cache == NULL) {
		say(e, "no cache: %s", cause != NULL ? cause : "?");
		free(cause);
		return;
	}
	if (cache_load(e->cache, e->m, &cause) < 0) {
		say(e, "cache: %s", cause != NULL ? cause : "?");
		free(cause);
	}
}

/* Saves the cache; a failure or a skipped save (another orgtop holds the lock) is said. */
static void
save_cache(struct env *e)
{
	char *cause = NULL;

	if (e->cache != NULL && cache_save(e->cache, e->m, &cause) != 0) {
		say(e, "cache not saved: %s", cause != NULL ? cause : "?");
		free(cause);
	}
}

static int
run_once(struct env *e)
{
	struct once_state st;
	struct collect_progress p;
	struct report_opts ro;
	char *cause = NULL;
	int rc;

	memset(&st, 0, sizeof st);
	st.e = e;
	e->ccfg.once = 1;
	st.c = collect_new(&e->loop, e->m, e->client, e->base, &e->ccfg, &cause);
	if (st.c == NULL) {
		say(e, "%s", cause != NULL ? cause : "bad configuration");
		free(cause);
		return EXIT_USAGE;
	}
	collect_set_msg_cb(st.c, collect_msg, e);
	collect_set_done_cb(st.c, once_done, &st);
	if (e->stderr_tty) {
		uv_timer_init(&e->loop, &e->progress);
		e->progress.data = &st;
		uv_timer_start(&e->progress, progress_cb, 250, 250);
		st.progress_on = 1;
	}
	if (collect_start(st.c, &cause) != 0) {
		say(e, "%s", cause != NULL ? cause : "cannot start");
		free(cause);
	} else {
		while (!st.done && uv_run(&e->loop, UV_RUN_DEFAULT) != 0)
			;
	}
	if (st.progress_on) {
		uv_timer_stop(&e->progress);
		uv_close((uv_handle_t *)&e->progress, progress_closed);
		if (e->progress_shown)
			fputs("\r\033[K", stderr);
		e->progress_shown = 0;
	}
	collect_progress(st.c, &p);
	if (p.creds_failed) {
		rc = EXIT_CREDS;
	} else if (collect_caller_account(st.c)[0] == '\0') {
		rc = EXIT_PARTIAL; /* nothing could be reached */
	} else {
		memset(&ro, 0, sizeof ro);
		if (!text_utf8() || e->cfg.ascii)
			ro.flags |= REPORT_ASCII;
		if (report_write_file(e->m, report_format_of(e->opt.format), &ro, stdout) != 0) {
			say(e, "writing the report: %s", strerror(errno));
			rc = EXIT_PARTIAL;
		} else {
			rc = report_exit_code(e->m) != 0 || p.org_incomplete ? EXIT_PARTIAL : 0;
		}
		save_cache(e);
	}
	collect_free(st.c);
	return rc;
}

/* ------------------------------------------------------------- dashboard */

/* After each complete refresh: the cache (a failure is logged; the next refresh tries again). */
static void
dash_save(void *arg)
{
	struct env *e = arg;
	char *cause = NULL;

	if (e->cache != NULL && cache_save(e->cache, e->m, &cause) != 0) {
		log_msg(LOG_WARN, "cache not saved: %s", cause != NULL ? cause : "?");
		free(cause);
	}
}

/* The save at exit: the terminal is the shell's again, so a failure is said on stderr. */
static void
dash_exit_save(void *arg)
{
	save_cache(arg);
}

/* The live dashboard (tui/dashboard.h) over the collector. */
static int
run_dashboard(struct env *e)
{
	struct dashboard_params p;
	struct collect *c;
	char *cause = NULL, *start_msg = NULL, *start_warn = NULL;
	int rc;

	c = collect_new(&e->loop, e->m, e->client, e->base, &e->ccfg, &cause);
	if (c == NULL) {
		say(e, "%s", cause != NULL ? cause : "bad configuration");
		free(cause);
		return EXIT_USAGE;
	}
	collect_set_done_cb(c, dash_save, e);
	if (collect_start(c, &cause) != 0) {
		start_msg = xasprintf("cannot start collecting: %s", cause != NULL ? cause : "?");
		free(cause);
	}
	memset(&p, 0, sizeof p);
	/* What was said on stderr before the dashboard (the cache set aside, a credential file
	 * too open) would stay hidden behind it: its first line goes to the message line. */
	if (e->first_said[0] != '\0' && e->nsaid > 1)
		start_warn = xasprintf("%s (and %u more, also on stderr after the dashboard ends)",
		    e->first_said, e->nsaid - 1);
	else if (e->first_said[0] != '\0')
		start_warn = xstrdup(e->first_said);
	p.start_warning = start_warn;
	p.loop = &e->loop;
	p.model = e->m;
	p.cfg = &e->cfg;
	p.collect = c;
	p.save = dash_exit_save;
	p.save_arg = e;
	p.start_message = start_msg;
	rc = dashboard_run(&p);
	free(start_msg);
	free(start_warn);
	collect_free(c);
	return rc;
}

/* ------------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	struct env e;
	char *cause = NULL;
	int rc;

	memset(&e, 0, sizeof e);
	/* No core dumps and no ptrace by others: this process holds credentials. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_ALL, "");
	text_init();
	e.stderr_tty = isatty(STDERR_FILENO);
	if (options_parse(argc, argv, &e.opt, &cause) != 0) {
		say(NULL, "%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (e.opt.help) {
		struct buf b;

		buf_init(&b);
		options_usage(&b);
		fputs(b.data, stdout);
		buf_done(&b);
		return 0;
	}
	if (e.opt.version) {
		printf("orgtop %s\n", ORGTOP_VERSION);
		return 0;
	}
	if (load_config(&e) != 0) {
		config_done(&e.cfg);
		return EXIT_USAGE;
	}
	if (e.cfg.log != NULL && log_open(e.cfg.log, e.cfg.log_level, &cause) != 0) {
		say(&e, "%s", cause);
		free(cause);
		config_done(&e.cfg);
		return EXIT_USAGE;
	}
	log_msg(LOG_INFO, "orgtop %s starting", ORGTOP_VERSION);
	if (e.opt.iam_policy) {
		rc = run_iam_policy(&e);
		config_done(&e.cfg);
		log_close();
		return rc;
	}
	if (e.opt.list_themes) {
		rc = dashboard_list_themes(stdout, stderr);
		config_done(&e.cfg);
		log_close();
		return rc;
	}
	if (e.opt.open != NULL) {
		rc = dashboard_open(e.opt.open, &e.cfg);
		config_done(&e.cfg);
		log_close();
		return rc;
	}
	/* The dashboard needs a terminal: say so before asking for any credentials. */
	if (!e.opt.once && e.opt.call_service == NULL && app_check_terminal(&cause) != 0) {
		say(&e, "%s", cause != NULL ? cause : "not a terminal: use --once");
		free(cause);
		config_done(&e.cfg);
		log_close();
		return EXIT_USAGE;
	}
	if (uv_loop_init(&e.loop) != 0) {
		say(&e, "cannot start the event loop");
		config_done(&e.cfg);
		return EXIT_USAGE;
	}
	e.loop_ok = 1;
	if (load_profile(&e) != 0 || make_client(&e) != 0) {
		env_done(&e);
		return EXIT_USAGE;
	}
	if (make_creds(&e) != 0) {
		env_done(&e);
		return EXIT_CREDS;
	}
	if (e.opt.call_service != NULL) {
		rc = run_call(&e);
		env_done(&e);
		return rc;
	}
	config_to_collect(&e.cfg, &e.ccfg);
	e.ccfg.sso_region = e.opt.sso_region;
	e.m = model_new();
	model_set_budget_thresholds(e.m, e.cfg.budget_warn, e.cfg.budget_crit);
	open_cache(&e);
	if (e.opt.once)
		rc = run_once(&e);
	else
		rc = run_dashboard(&e);
	env_done(&e);
	return rc;
}
