/*
 * test_config.c: orgtop's own config file, flags and the merge (core/config.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/xmalloc.h"

static struct buf warnings;
static char *home; /* restored after each test */

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	buf_adds(&warnings, msg);
	buf_addc(&warnings, '\n');
}

static int
setup(void **state)
{
	(void)state;
	buf_init(&warnings);
	home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	buf_done(&warnings);
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(home);
	return 0;
}

static char *
data_path(const char *rel)
{
	const char *root = getenv("ORGTOP_ROOT");

	return xasprintf("%s/tests/data/config/%s", root != NULL ? root : ".", rel);
}

static char *
written(const struct config *c)
{
	struct buf b;
	char *s;

	buf_init(&b);
	config_write(c, &b);
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static int
parse(struct config *c, const char *text, char **cause)
{
	buf_reset(&warnings);
	return config_parse(c, text, strlen(text), "t.conf", on_warn, NULL, cause);
}

static void
test_defaults(void **state)
{
	struct config c;
	struct collect_config cc;

	(void)state;
	config_init(&c);
	assert_null(c.profile);
	assert_null(c.regions);
	assert_int_equal(c.mode, COLLECT_AUTO);
	assert_int_equal(c.concurrency, 64);
	assert_int_equal(c.region_deadline, 30);
	assert_int_equal(c.color, CONFIG_COLOR_AUTO);
	assert_int_equal(c.mouse, 1);
	assert_int_equal(c.ascii, 0);
	assert_int_equal(c.budget_warn, 80);
	assert_int_equal(c.budget_crit, 100);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(c.set, 0);
	assert_int_equal(config_interval(&c, SRC_CONFIG), 300);
	assert_int_equal(config_interval(&c, SRC_GUARDDUTY), 300);
	assert_int_equal(config_interval(&c, SRC_BUDGETS), 3600);
	assert_int_equal(config_interval(&c, SRC_SSO), 3600);
	assert_int_equal(config_interval(&c, SRC_COST), 6 * 3600);
	config_to_collect(&c, &cc);
	assert_string_equal(cc.role_name, "OrganizationAccountAccessRole");
	assert_null(cc.regions);
	assert_int_equal(cc.concurrency, 64);
	assert_int_equal(cc.interval[SRC_COST], 6 * 3600);
	assert_int_equal(cc.region_deadline, 30);
	assert_int_equal(config_check(&c, NULL), 0);
	assert_string_equal(config_key_name(CK_REFRESH_COST), "refresh.cost");
	assert_int_equal(config_key_find("refresh.sso"), CK_REFRESH_SSO);
	assert_int_equal(config_key_find("nope"), -1);
	assert_null(config_key_name(CK__COUNT));
	config_done(&c);
	config_done(NULL);
}

static void
test_full_file(void **state)
{
	char *path = data_path("full.conf"), *cause = NULL;
	struct collect_config cc;
	struct config c;

	(void)state;
	config_init(&c);
	buf_reset(&warnings);
	if (config_load(&c, path, on_warn, NULL, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(warnings.data, "");
	assert_string_equal(c.profile, "prod-audit");
	assert_string_equal(c.regions, "eu-*,us-east-1");
	assert_string_equal(c.role_name, "OrgtopAudit");
	assert_string_equal(c.external_id, "x-123:ops@corp=1");
	assert_int_equal(c.mode, COLLECT_ORG);
	assert_int_equal(c.concurrency, 128);
	assert_int_equal(config_interval(&c, SRC_CONFIG), 300);    /* refresh.config */
	assert_int_equal(config_interval(&c, SRC_GUARDDUTY), 120); /* refresh */
	assert_int_equal(config_interval(&c, SRC_ORG), 120);
	assert_int_equal(config_interval(&c, SRC_COST), 12 * 3600); /* refresh.cost */
	assert_int_equal(c.region_deadline, 45);
	assert_string_equal(c.theme, "solarized-dark");
	assert_int_equal(c.ascii, 0);
	assert_int_equal(c.color, CONFIG_COLOR_NEVER);
	assert_int_equal(c.mouse, 0);
	assert_string_equal(c.cache_dir, "/var/tmp/orgtop-cache");
	assert_int_equal(c.no_cache, 0);
	assert_int_equal(c.budget_warn, 75);
	assert_int_equal(c.budget_crit, 110);
	assert_string_equal(c.log, "/tmp/orgtop log.txt");
	assert_int_equal(c.log_level, LOG_DEBUG);
	/* Every key but the per-source intervals the file leaves to "refresh". */
	assert_int_equal(c.set, ((1u << CK__COUNT) - 1) & ~(1u << CK_REFRESH_ORG) &
		~(1u << CK_REFRESH_GUARDDUTY) & ~(1u << CK_REFRESH_BUDGETS) & ~(1u << CK_REFRESH_SSO));
	assert_int_equal(c.line[CK_PROFILE], 2);
	assert_int_equal(c.line[CK_LOG_LEVEL], 21);
	config_to_collect(&c, &cc);
	assert_string_equal(cc.regions, "eu-*,us-east-1");
	assert_string_equal(cc.external_id, "x-123:ops@corp=1");
	assert_int_equal(cc.mode, COLLECT_ORG);
	assert_int_equal(cc.interval[SRC_SSO], 120);
	assert_int_equal(cc.interval[SRC_COST], 12 * 3600);
	config_done(&c);
	free(path);
}

static void
test_syntax(void **state)
{
	struct config c;
	char *cause = NULL, *path;

	(void)state;
	config_init(&c);
	assert_int_equal(parse(&c, "  theme=a#b   \n\t# indented comment\n", &cause), 0);
	assert_string_equal(c.theme, "a#b"); /* a # not after a blank is part of the value */
	assert_int_equal(parse(&c, "theme = \"has \\\"quotes\\\" and \\\\\"  # c\n", &cause), 0);
	assert_string_equal(c.theme, "has \"quotes\" and \\");
	assert_int_equal(parse(&c, "theme = 'single \"q\"' ; c\nexternal_id = \"a=b:c\"\n", &cause),
	    0);
	assert_string_equal(c.theme, "single \"q\"");
	assert_string_equal(c.external_id, "a=b:c");
	assert_int_equal(parse(&c, "theme = # only a comment\n", &cause), 0);
	assert_null(c.theme); /* empty: back to the default */
	assert_int_equal(parse(&c, "regions = \n", &cause), 0);
	assert_null(c.regions);
	assert_int_equal(parse(&c, "", &cause), 0);
	assert_int_equal(parse(&c, "mouse = yes", &cause), 0); /* no final newline */
	assert_int_equal(c.mouse, 1);
	path = data_path("crlf.conf");
	assert_int_equal(config_load(&c, path, on_warn, NULL, &cause), 0);
	assert_int_equal(c.concurrency, 16);
	assert_int_equal(c.line[CK_MOUSE], 4);
	free(path);
	path = data_path("bom.conf");
	assert_int_equal(config_load(&c, path, on_warn, NULL, &cause), 0);
	assert_string_equal(c.profile, "bom");
	free(path);
	config_done(&c);
}

static void
test_values(void **state)
{
	static const struct {
		enum config_key k;
		const char *v;
		unsigned want;
	} durations[] = {{CK_REFRESH, "90", 90}, {CK_REFRESH, "90s", 90}, {CK_REFRESH, "5m", 300},
	    {CK_REFRESH, "1h30m", 5400}, {CK_REFRESH, "1d", 86400}, {CK_REFRESH, "7d", 604800},
	    {CK_REGION_DEADLINE, "1", 1}, {CK_REGION_DEADLINE, "1h", 3600}};
	struct config c;
	char *cause = NULL;

	(void)state;
	config_init(&c);
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		assert_int_equal(config_set(&c, durations[i].k, durations[i].v, &cause), 0);
		assert_int_equal(durations[i].k == CK_REFRESH ? c.refresh : c.region_deadline,
		    durations[i].want);
	}
	assert_int_equal(config_set(&c, CK_ASCII, "TRUE", &cause), 0);
	assert_int_equal(c.ascii, 1);
	assert_int_equal(config_set(&c, CK_ASCII, "0", &cause), 0);
	assert_int_equal(c.ascii, 0);
	assert_int_equal(config_set(&c, CK_COLOR, "always", &cause), 0);
	assert_int_equal(c.color, CONFIG_COLOR_ALWAYS);
	assert_int_equal(config_set(&c, CK_COLOR, "no", &cause), 0);
	assert_int_equal(c.color, CONFIG_COLOR_NEVER);
	assert_int_equal(config_set(&c, CK_COLOR, "auto", &cause), 0);
	assert_int_equal(c.color, CONFIG_COLOR_AUTO);
	assert_int_equal(config_set(&c, CK_MODE, "accounts", &cause), 0);
	assert_int_equal(c.mode, COLLECT_ACCOUNTS);
	assert_int_equal(config_set(&c, CK_LOG_LEVEL, "TRACE", &cause), 0);
	assert_int_equal(c.log_level, LOG_TRACE);
	assert_int_equal(config_set(&c, CK_BUDGET_WARN, "90%", &cause), 0);
	assert_int_equal(c.budget_warn, 90);
	assert_int_equal(config_set(&c, CK_REGIONS, " us-east-1 ,eu-?est-*", &cause), 0);
	assert_string_equal(c.regions, "us-east-1,eu-?est-*");
	assert_int_equal(config_set(&c, CK_ROLE_NAME, "audit/OrgtopAudit", &cause), 0);
	setenv("HOME", "/home/alice", 1);
	assert_int_equal(config_set(&c, CK_CACHE_DIR, "~/cache", &cause), 0);
	assert_string_equal(c.cache_dir, "/home/alice/cache");
	assert_int_equal(config_set(&c, CK_LOG, "~", &cause), 0);
	assert_string_equal(c.log, "/home/alice");
	assert_int_equal(config_set(&c, CK_LOG, "x~/y", &cause), 0);
	assert_string_equal(c.log, "x~/y");
	assert_true(c.set & (1u << CK_LOG));
	config_done(&c);
}

static const struct {
	const char *text;
	const char *expect;
} bad[] = {
    {"concurrency = abc", "t.conf:1: concurrency: expected a whole number from 1 to 1024, got \"abc\""},
    {"\n\nconcurrency = 0", "t.conf:3: concurrency: expected a whole number from 1 to 1024"},
    {"concurrency = 99999999999999999999", "expected a whole number from 1 to 1024"},
    {"refresh = soon", "t.conf:1: refresh: expected a duration from 10s to 604800s, such as 300, "
		       "90s, 5m or 1h, got \"soon\""},
    {"refresh = 5", "refresh: expected a duration from 10s"},
    {"refresh = 8d", "refresh: expected a duration"},
    {"refresh = 1h30", "refresh: expected a duration"},
    {"refresh = -5m", "refresh: expected a duration"},
    {"refresh.cost = 5x", "refresh.cost: expected a duration"},
    {"region_deadline = 2h", "region_deadline: expected a duration from 1s to 3600s"},
    {"mode = fast", "mode: expected auto, accounts or org, got \"fast\""},
    {"ascii = maybe", "ascii: expected yes or no, got \"maybe\""},
    {"color = purple", "color: expected auto, always or never"},
    {"log_level = chatty", "log_level: expected error, warn, info, debug or trace"},
    {"budget_warn = 0", "budget_warn: expected a whole number from 1 to 1000 (percent)"},
    {"budget_warn = 120", "t.conf:1: budget_warn (120%) must be below budget_crit (100%)"},
    {"budget_crit = 90\nbudget_warn = 95", "t.conf:2: budget_warn (95%) must be below budget_crit "
					   "(90%)"},
    {"regions = eu-*,,us-east-1", "regions: expected region names or patterns"},
    {"regions = EU-WEST-1", "regions: expected region names or patterns"},
    {"regions = eu-west-1,", "regions: expected region names or patterns"},
    {"role_name = bad role", "role_name: expected an IAM role name"},
    {"role_name = /lead", "role_name: expected an IAM role name"},
    {"external_id = x", "external_id: expected 2 to 1224 characters"},
    {"profile = has space", "profile: expected a profile name"},
    {"[default]", "t.conf:1: sections like [...] are not used in orgtop's config"},
    {"just words", "t.conf:1: expected key = value, got \"just words\""},
    {"= 5", "t.conf:1: expected a key (such as refresh or theme) before '='"},
    {"Theme = x", "expected a key (such as refresh or theme) before '=', got \"Theme\""},
    {"theme = \"open", "t.conf:1: theme: a \"quoted value without its closing quote"},
    {"theme = 'open", "theme: a 'quoted value without its closing quote"},
    {"theme = \"a\" b", "theme: unexpected text after the quoted value"},
    {"theme = \"a\x1b]0;x\x07\"", "theme: expected a theme name such as solarized-dark, got "
				  "\"a\\e]0;x\\x07\""},
};

static void
test_errors_name_the_line(void **state)
{
	struct config c, before;
	char *cause, *w1, *w2;

	(void)state;
	config_init(&c);
	assert_int_equal(parse(&c, "theme = kept\nconcurrency = 7\n", &cause), 0);
	config_init(&before);
	config_copy(&before, &c);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (parse(&c, bad[i].text, &cause) != -1 || cause == NULL ||
		    strstr(cause, bad[i].expect) == NULL)
			fail_msg("case %zu: got \"%s\", expected \"%s\"", i, cause ? cause : "(null)",
			    bad[i].expect);
		free(cause);
	}
	/* A NUL byte and an endless line. */
	cause = NULL;
	assert_int_equal(config_parse(&c, "theme = a\n\0x", 12, "t.conf", NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "t.conf:2: a NUL byte"));
	free(cause);
	{
		char *big = xmalloc(10000);

		memset(big, 'a', 9999);
		big[9999] = '\0';
		memcpy(big, "theme = ", 8);
		assert_int_equal(parse(&c, big, &cause), -1);
		assert_non_null(strstr(cause, "t.conf:1: a line longer than 4096 bytes"));
		free(cause);
		free(big);
	}
	/* ~ without HOME. */
	unsetenv("HOME");
	assert_int_equal(parse(&c, "log = ~/x.log", &cause), -1);
	assert_non_null(strstr(cause, "log: expected a path; ~ needs HOME to be set"));
	free(cause);
	/* Nothing of the failed files was applied. */
	w1 = written(&before);
	w2 = written(&c);
	assert_string_equal(w1, w2);
	assert_string_equal(c.theme, "kept");
	free(w1);
	free(w2);
	config_done(&c);
	config_done(&before);
}

static void
test_all_or_nothing(void **state)
{
	char *path = data_path("bad-line.conf"), *cause = NULL;
	struct config c;

	(void)state;
	config_init(&c);
	assert_int_equal(config_load(&c, path, on_warn, NULL, &cause), -1);
	assert_non_null(strstr(cause, "bad-line.conf:4: refresh: expected a duration"));
	assert_null(c.profile); /* line 2 was good, but the file failed */
	assert_int_equal(c.concurrency, 64);
	assert_null(c.theme);
	assert_int_equal(c.set, 0);
	free(cause);
	free(path);
	config_done(&c);
}

static void
test_unknown_keys_warn(void **state)
{
	char *path = data_path("unknown.conf"), *cause = NULL;
	struct config c;

	(void)state;
	config_init(&c);
	buf_reset(&warnings);
	assert_int_equal(config_load(&c, path, on_warn, NULL, &cause), 0);
	assert_non_null(strstr(warnings.data,
	    "unknown.conf:1: unknown key \"refesh\" (ignored); did you mean \"refresh\"?"));
	assert_non_null(strstr(warnings.data, "unknown.conf:2: unknown key \"colour\" (ignored); "
					      "did you mean \"color\"?"));
	assert_non_null(strstr(warnings.data, "unknown.conf:3: unknown key \"frobnicate\" "
					      "(ignored)\n"));
	assert_non_null(strstr(warnings.data,
	    "unknown.conf:5: theme is set again; the value from line 4 is replaced"));
	assert_string_equal(c.theme, "dark");
	assert_int_equal(c.set, 1u << CK_THEME);
	free(path);
	config_done(&c);
}

static void
test_refresh_rules(void **state)
{
	struct config c;
	char *cause = NULL;

	(void)state;
	config_init(&c);
	/* The specific key wins whatever the order. */
	assert_int_equal(parse(&c, "refresh.config = 10m\nrefresh = 1m\n", &cause), 0);
	assert_int_equal(config_interval(&c, SRC_CONFIG), 600);
	assert_int_equal(config_interval(&c, SRC_GUARDDUTY), 60);
	assert_int_equal(config_interval(&c, SRC_ORG), 60);
	/* Cost Explorer is billed per call: the general refresh leaves it alone. */
	assert_int_equal(config_interval(&c, SRC_COST), 6 * 3600);
	assert_int_equal(parse(&c, "refresh.cost = 2h\n", &cause), 0);
	assert_int_equal(config_interval(&c, SRC_COST), 7200);
	config_done(&c);
}

static void
test_merge_flags_beat_file(void **state)
{
	struct config file, flags;
	char *cause = NULL;

	(void)state;
	config_init(&file);
	config_init(&flags);
	assert_int_equal(parse(&file, "refresh.config = 5m\nrefresh.cost = 2h\nconcurrency = 32\n"
				      "theme = light\nmouse = no\nregions = eu-*\n",
			     &cause),
	    0);
	/* The command line goes through the same validators. */
	assert_int_equal(config_set(&flags, CK_REFRESH, "60", &cause), 0);
	assert_int_equal(config_set(&flags, CK_CONCURRENCY, "8", &cause), 0);
	assert_int_equal(config_set(&flags, CK_REGIONS, "us-*", &cause), 0);
	assert_int_equal(config_set(&flags, CK_CONCURRENCY, "many", &cause), -1);
	assert_string_equal(cause, "concurrency: expected a whole number from 1 to 1024, got "
				   "\"many\"");
	free(cause);
	assert_int_equal(flags.concurrency, 8); /* untouched by the failure */
	config_merge(&file, &flags);
	assert_int_equal(file.concurrency, 8);
	assert_string_equal(file.regions, "us-*");
	assert_string_equal(file.theme, "light"); /* the file beats the default */
	assert_int_equal(file.mouse, 0);
	assert_int_equal(config_interval(&file, SRC_CONFIG), 60); /* --refresh beats refresh.config */
	assert_int_equal(config_interval(&file, SRC_COST), 7200); /* and leaves cost alone */
	assert_int_equal(file.budget_warn, 80);                   /* the default stays */
	assert_true(file.set & (1u << CK_CONCURRENCY));
	assert_false(file.set & (1u << CK_REFRESH_CONFIG));
	/* Merged values can still conflict: config_check says so. */
	config_done(&flags);
	config_init(&flags);
	assert_int_equal(config_set(&flags, CK_BUDGET_CRIT, "50", &cause), 0);
	config_merge(&file, &flags);
	assert_int_equal(config_check(&file, &cause), -1);
	assert_string_equal(cause, "budget_warn (80%) must be below budget_crit (50%)");
	free(cause);
	config_done(&file);
	config_done(&flags);
}

static void
test_load_files(void **state)
{
	char dir[] = "/tmp/orgtop-config-XXXXXX", *path, *cause = NULL, *def;
	struct config c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	config_init(&c);
	setenv("XDG_CONFIG_HOME", dir, 1);
	def = config_default_path();
	path = xasprintf("%s/orgtop/config", dir);
	assert_string_equal(def, path);
	free(def);
	/* The default file may be missing; an explicit one may not. */
	assert_int_equal(config_load(&c, NULL, on_warn, NULL, &cause), 1);
	assert_int_equal(config_load(&c, path, on_warn, NULL, &cause), -1);
	assert_non_null(strstr(cause, "orgtop/config: No such file or directory"));
	free(cause);
	{
		char *sub = xasprintf("%s/orgtop", dir);

		assert_int_equal(mkdir(sub, 0700), 0);
		assert_int_equal(config_load(&c, sub, on_warn, NULL, &cause), -1);
		assert_non_null(strstr(cause, "not a regular file"));
		free(cause);
		free(sub);
	}
	f = fopen(path, "w");
	fputs("theme = from-default-file\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0666), 0);
	buf_reset(&warnings);
	assert_int_equal(config_load(&c, NULL, on_warn, NULL, &cause), 0);
	assert_string_equal(c.theme, "from-default-file");
	assert_non_null(strstr(warnings.data, "is writable by everyone (mode 0666)"));
	assert_int_equal(chmod(path, 0600), 0);
	buf_reset(&warnings);
	assert_int_equal(config_load(&c, NULL, on_warn, NULL, &cause), 0);
	assert_string_equal(warnings.data, "");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/bob", 1);
	def = config_default_path();
	assert_string_equal(def, "/home/bob/.config/orgtop/config");
	free(def);
	unlink(path);
	free(path);
	path = xasprintf("%s/orgtop", dir);
	rmdir(path);
	rmdir(dir);
	free(path);
	config_done(&c);
}

/* config_write() gives a file that parses back to the same settings. */
static void
test_write_round_trip(void **state)
{
	char *path = data_path("full.conf"), *cause = NULL, *w1, *w2;
	struct config a, b;

	(void)state;
	config_init(&a);
	config_init(&b);
	assert_int_equal(config_load(&a, path, NULL, NULL, &cause), 0);
	assert_int_equal(config_set(&a, CK_THEME, "has \"quotes\" # and hash", &cause), 0);
	w1 = written(&a);
	assert_int_equal(config_parse(&b, w1, strlen(w1), "written", NULL, NULL, &cause), 0);
	w2 = written(&b);
	assert_string_equal(w1, w2);
	assert_string_equal(b.theme, "has \"quotes\" # and hash");
	/* Unset keys are written as comments with their defaults. */
	free(w1);
	config_done(&b);
	config_init(&b);
	w1 = written(&b);
	assert_non_null(strstr(w1, "# concurrency = 64\n"));
	assert_non_null(strstr(w1, "# refresh.cost = 6h\n"));
	assert_non_null(strstr(w1, "# role_name = OrganizationAccountAccessRole\n"));
	free(w1);
	free(w2);
	free(path);
	config_done(&a);
	config_done(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_flags_beat_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
