/*
 * test_tui_keys.c: the key table, the help generated from it, the command
 * line options and --help, and the prompt's line editor and completion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "core/config.h"
#include "tui/help.h"
#include "tui/keys.h"
#include "tui/options.h"
#include "tui/prompt.h"

static void
test_table_sound(void **state)
{
	(void)state;
	for (size_t i = 0; i < keys_count; i++) {
		const struct key_binding *b = &keys_table[i];

		assert_non_null(b->help);
		assert_true(strlen(b->help) > 2);
		assert_true(b->scopes != 0);
		assert_true(b->action > ACT_NONE && b->action < ACT__COUNT);
		assert_string_not_equal(keys_action_name(b->action), "?");
		/* no key bound twice in one scope */
		for (size_t j = i + 1; j < keys_count; j++) {
			if (keys_table[j].key == b->key && (keys_table[j].scopes & b->scopes)) {
				char kb[16];
				fprintf(stderr, "key %s bound twice (%s, %s)\n",
				    keys_name(b->key, kb, sizeof(kb)), keys_action_name(b->action),
				    keys_action_name(keys_table[j].action));
			}
			assert_false(keys_table[j].key == b->key && (keys_table[j].scopes & b->scopes));
		}
	}
}

static void
test_issue_keys_bound(void **state)
{
	/* issue 5 section 2, and what a k9s/htop user expects */
	static const struct {
		int key;
		unsigned scope;
		enum action act;
	} want[] = {
		{ 'h', KS_GRID, ACT_LEFT }, { 'j', KS_GRID, ACT_DOWN }, { 'k', KS_GRID, ACT_UP },
		{ 'l', KS_GRID, ACT_RIGHT }, { KEY_LEFT, KS_GRID, ACT_LEFT },
		{ KEY_DOWN, KS_ACCOUNT, ACT_DOWN }, { KEY_PPAGE, KS_GRID, ACT_PAGE_UP },
		{ KEY_NPAGE, KS_HELP, ACT_PAGE_DOWN }, { 'g', KS_GRID, ACT_TOP },
		{ 'G', KS_GRID, ACT_BOTTOM }, { KEY_HOME, KS_GRID, ACT_TOP },
		{ KEY_END, KS_ACCOUNT, ACT_BOTTOM }, { '\n', KS_GRID, ACT_ENTER },
		{ '\r', KS_GRID, ACT_ENTER }, { 27, KS_ACCOUNT, ACT_BACK }, { 'q', KS_ACCOUNT, ACT_BACK },
		{ 'q', KS_GRID, ACT_QUIT }, { '/', KS_GRID, ACT_FILTER }, { 's', KS_GRID, ACT_SORT },
		{ ':', KS_GRID, ACT_COMMAND }, { ':', KS_ACCOUNT, ACT_COMMAND },
		{ 'r', KS_GRID, ACT_REFRESH }, { 'r', KS_ACCOUNT, ACT_REFRESH },
		{ 'p', KS_GRID, ACT_PAUSE }, { 'y', KS_GRID, ACT_COPY_ID },
		{ 'y', KS_ACCOUNT, ACT_COPY_ID }, { 't', KS_GRID, ACT_NEXT_THEME },
		{ 'n', KS_GRID, ACT_NEXT_CHANGED }, { 'N', KS_GRID, ACT_PREV_CHANGED },
		{ '\t', KS_GRID, ACT_NEXT_LAYER }, { '\t', KS_ACCOUNT, ACT_NEXT_LAYER },
		{ '0', KS_GRID, ACT_LAYER_OVERVIEW }, { '1', KS_GRID, ACT_LAYER_COMPLIANCE },
		{ '2', KS_GRID, ACT_LAYER_GUARDDUTY }, { '3', KS_GRID, ACT_LAYER_SPEND },
		{ '4', KS_GRID, ACT_LAYER_SSO }, { '?', KS_GRID, ACT_HELP }, { '?', KS_HELP, ACT_HELP },
		{ ' ', KS_GRID, ACT_TOGGLE }, { 12, KS_GRID, ACT_REDRAW },
		{ KEY_MOUSE, KS_GRID, ACT_MOUSE }, { KEY_RESIZE, KS_PROMPT, ACT_RESIZE },
		{ '\t', KS_PROMPT, ACT_P_COMPLETE }, { 27, KS_PROMPT, ACT_P_CANCEL },
		{ KEY_UP, KS_PROMPT, ACT_P_HIST_PREV }, { 127, KS_PROMPT, ACT_P_BACKSPACE },
		{ 'x', KS_GRID, ACT_NONE }, { 'j', KS_PROMPT, ACT_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		enum action got = keys_lookup(want[i].key, want[i].scope);
		if (got != want[i].act)
			fprintf(stderr, "key %d scope %u: %s, want %s\n", want[i].key, want[i].scope,
			    keys_action_name(got), keys_action_name(want[i].act));
		assert_int_equal(got, want[i].act);
	}
}

static void
test_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(keys_name('j', b, sizeof(b)), "j");
	assert_string_equal(keys_name(KEY_NPAGE, b, sizeof(b)), "PgDn");
	assert_string_equal(keys_name(12, b, sizeof(b)), "C-l");
	assert_string_equal(keys_name(' ', b, sizeof(b)), "Space");
	assert_string_equal(keys_name(KEY_BTAB, b, sizeof(b)), "S-Tab");
	assert_string_equal(keys_name(KEY_F(5), b, sizeof(b)), "F5");
}

static void
test_help_from_table(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out);
	help_text(&out);
	/* every visible binding's help and every command is on the help screen */
	for (size_t i = 0; i < keys_count; i++)
		if (!(keys_table[i].flags & KF_HIDDEN))
			assert_non_null(strstr(out.data, keys_table[i].help));
	for (size_t i = 0; i < prompt_ncommands; i++) {
		char *c = xasprintf(":%s", prompt_commands[i].name);
		assert_non_null(strstr(out.data, c));
		free(c);
	}
	/* keys of one action share a line: "j Down" */
	assert_non_null(strstr(out.data, "j Down"));
	buf_done(&out);
}

static int
parse(const char *const *args, struct options *o, char **cause)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)(uintptr_t)"orgtop";
	for (; *args != NULL; args++)
		argv[argc++] = (char *)(uintptr_t)*args;
	argv[argc] = NULL;
	return options_parse(argc, argv, o, cause);
}

static void
test_options(void **state)
{
	struct options o;
	char *cause = NULL;

	(void)state;
	{
		const char *a[] = { "-p", "audit", "-r", "eu-*,us-east-1", "--role-name=OrgtopAudit",
			"--mode", "org", "--refresh", "60", "--concurrency=32", "--theme", "light",
			"--ascii", "--no-color", "--no-mouse", "--no-cache", "--config", "/x/c",
			"--log", "/tmp/l", "-vv", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		assert_string_equal(o.profile, "audit");
		assert_string_equal(o.regions, "eu-*,us-east-1");
		assert_string_equal(o.role_name, "OrgtopAudit");
		assert_int_equal(o.mode, COLLECT_ORG);
		assert_string_equal(o.value[OPT_REFRESH], "60");
		assert_string_equal(o.value[OPT_CONCURRENCY], "32");
		assert_string_equal(o.theme, "light");
		assert_true(o.ascii && o.no_color && o.no_mouse && o.no_cache);
		assert_int_equal(o.verbose, 2);
		assert_true(OPTIONS_GIVEN(&o, OPT_REFRESH));
		assert_false(OPTIONS_GIVEN(&o, OPT_ONCE));
	}
	{
		const char *a[] = { "--once", "--format", "json", "-paudit", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		assert_true(o.once);
		assert_int_equal(o.format, FORMAT_JSON);
		assert_string_equal(o.profile, "audit");
	}
	{
		const char *a[] = { "--call", "sts", "GetCallerIdentity", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		assert_string_equal(o.call_service, "sts");
		assert_string_equal(o.call_operation, "GetCallerIdentity");
		assert_null(o.call_input);
	}
	{
		const char *a[] = { "--call", "organizations", "ListRoots", "{\"MaxResults\":1}", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		assert_string_equal(o.call_input, "{\"MaxResults\":1}");
	}
	{
		const char *a[] = { "-h", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		assert_true(o.help);
	}
}

static void
bad(const char *const *args, const char *fragment)
{
	struct options o;
	char *cause = NULL;

	assert_int_equal(parse(args, &o, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, fragment) == NULL)
		fprintf(stderr, "got '%s', want '%s'\n", cause, fragment);
	assert_non_null(strstr(cause, fragment));
	free(cause);
}

static void
test_option_errors(void **state)
{
	(void)state;
	/* --refresh and --concurrency values are checked by config_set() (test_config). */
	{
		const char *a[] = { "--mode", "fast", NULL };
		bad(a, "--mode: 'fast' is not one of auto|accounts|org");
	}
	{
		const char *a[] = { "--format", "xml", "--once", NULL };
		bad(a, "--format: 'xml' is not one of table|json|csv");
	}
	{
		const char *a[] = { "--format", "json", NULL };
		bad(a, "--format goes with --once");
	}
	{
		const char *a[] = { "--bogus", NULL };
		bad(a, "unknown option '--bogus'");
	}
	{
		const char *a[] = { "-x", NULL };
		bad(a, "unknown option '-x'");
	}
	{
		const char *a[] = { "--profile", NULL };
		bad(a, "--profile needs a value: PROFILE");
	}
	{
		const char *a[] = { "--ascii=yes", NULL };
		bad(a, "--ascii takes no value");
	}
	{
		const char *a[] = { "stray", NULL };
		bad(a, "unexpected argument 'stray'");
	}
	{
		const char *a[] = { "--no-cache", "--cache-dir", "/x", NULL };
		bad(a, "exclude each other");
	}
	{
		const char *a[] = { "--once", "--iam-policy", NULL };
		bad(a, "choose one of");
	}
	{
		const char *a[] = { "--call", "sts", NULL };
		bad(a, "--call: expected SERVICE OPERATION");
	}
}

static void
test_options_to_config(void **state)
{
	struct options o;
	struct config file, flags;
	char *cause = NULL;

	(void)state;
	{
		const char *a[] = { "--refresh", "5m", "--concurrency", "32", "--theme", "light",
			"--no-color", "--no-mouse", "--ascii", "-v", "-p", "audit", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		config_init(&flags);
		assert_int_equal(options_to_config(&o, &flags, &cause), 0);
		assert_int_equal(flags.refresh, 300);
		assert_int_equal(flags.concurrency, 32);
		assert_string_equal(flags.theme, "light");
		assert_int_equal(flags.color, CONFIG_COLOR_NEVER);
		assert_int_equal(flags.mouse, 0);
		assert_int_equal(flags.ascii, 1);
		assert_int_equal(flags.log_level, LOG_DEBUG);
		assert_string_equal(flags.profile, "audit");
		/* flags beat the file */
		const char *text = "theme = mono\nmouse = yes\nbudget_warn = 70%\n";
		config_init(&file);
		assert_int_equal(config_parse(&file, text, strlen(text), "cfg", NULL, NULL, &cause), 0);
		config_merge(&file, &flags);
		assert_string_equal(file.theme, "light");
		assert_int_equal(file.mouse, 0);
		assert_int_equal(file.budget_warn, 70);
		config_done(&file);
		config_done(&flags);
	}
	{
		/* a bad value says which flag, in the config file's words */
		const char *a[] = { "--refresh", "0", NULL };
		assert_int_equal(parse(a, &o, &cause), 0);
		config_init(&flags);
		assert_int_equal(options_to_config(&o, &flags, &cause), -1);
		assert_non_null(strstr(cause, "--refresh: expected a duration"));
		free(cause);
		config_done(&flags);
	}
}

static void
test_usage(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out);
	options_usage(&out);
	for (int i = 0; i < OPT__COUNT; i++)
		assert_non_null(strstr(out.data, options_name((enum opt_id)i)));
	assert_non_null(strstr(out.data, "-p, --profile PROFILE"));
	assert_non_null(strstr(out.data, "--once"));
	/* lines fit in 100 columns */
	for (char *l = out.data; *l != '\0';) {
		size_t n = strcspn(l, "\n");
		assert_true(n <= 100);
		l += n + (l[n] != '\0');
	}
	buf_done(&out);
}

static void
type(struct prompt *p, const char *s)
{
	char ch[8];
	/* one UTF-8 character at a time */
	while (*s != '\0') {
		size_t n = 1;
		while (((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
		memcpy(ch, s, n);
		ch[n] = '\0';
		assert_int_equal(prompt_key(p, ACT_NONE, ch), PROMPT_EDITED);
		s += n;
	}
}

static void
test_prompt_editing(void **state)
{
	struct prompt *p = prompt_new();

	(void)state;
	prompt_open(p, PROMPT_FILTER, "");
	type(p, "sev>=7 é日");
	assert_string_equal(prompt_text(p), "sev>=7 é日");
	prompt_key(p, ACT_P_LEFT, NULL);
	prompt_key(p, ACT_P_LEFT, NULL);
	assert_int_equal(prompt_cursor(p), 7); /* on character boundaries */
	prompt_key(p, ACT_P_BACKSPACE, NULL);
	assert_string_equal(prompt_text(p), "sev>=7é日");
	prompt_key(p, ACT_P_DELETE, NULL);
	assert_string_equal(prompt_text(p), "sev>=7日");
	prompt_key(p, ACT_P_HOME, NULL);
	type(p, "x ");
	prompt_key(p, ACT_P_END, NULL);
	prompt_key(p, ACT_P_KILL_WORD, NULL);
	assert_string_equal(prompt_text(p), "x ");
	/* control characters never enter the line */
	assert_int_equal(prompt_key(p, ACT_NONE, "\x1b"), PROMPT_IGNORED);
	assert_int_equal(prompt_key(p, ACT_NONE, "\x9b"), PROMPT_EDITED); /* a byte, not C1 text */
	prompt_key(p, ACT_P_KILL_LINE, NULL);
	assert_string_equal(prompt_text(p), "");
	assert_int_equal(prompt_key(p, ACT_P_ACCEPT, NULL), PROMPT_ACCEPTED);
	prompt_free(p);
}

static void
test_prompt_history(void **state)
{
	struct prompt *p = prompt_new();

	(void)state;
	prompt_open(p, PROMPT_COMMAND, "");
	type(p, "sort name");
	assert_int_equal(prompt_key(p, ACT_P_ACCEPT, NULL), PROMPT_ACCEPTED);
	prompt_open(p, PROMPT_COMMAND, "");
	type(p, "layer spend");
	prompt_key(p, ACT_P_ACCEPT, NULL);
	prompt_open(p, PROMPT_FILTER, "");
	type(p, "prod");
	prompt_key(p, ACT_P_ACCEPT, NULL);
	/* each mode has its own history */
	prompt_open(p, PROMPT_COMMAND, "");
	type(p, "exp");
	prompt_key(p, ACT_P_HIST_PREV, NULL);
	assert_string_equal(prompt_text(p), "layer spend");
	prompt_key(p, ACT_P_HIST_PREV, NULL);
	assert_string_equal(prompt_text(p), "sort name");
	assert_int_equal(prompt_key(p, ACT_P_HIST_PREV, NULL), PROMPT_IGNORED);
	prompt_key(p, ACT_P_HIST_NEXT, NULL);
	prompt_key(p, ACT_P_HIST_NEXT, NULL);
	assert_string_equal(prompt_text(p), "exp"); /* the line being edited comes back */
	prompt_open(p, PROMPT_FILTER, "");
	prompt_key(p, ACT_P_HIST_PREV, NULL);
	assert_string_equal(prompt_text(p), "prod");
	/* backspace on an empty command line leaves command mode, like vim */
	prompt_open(p, PROMPT_COMMAND, "");
	assert_int_equal(prompt_key(p, ACT_P_BACKSPACE, NULL), PROMPT_CANCELLED);
	prompt_free(p);
}

static void
test_prompt_completion(void **state)
{
	struct prompt *p = prompt_new();
	const char **c = NULL;
	enum prompt_arg arg;
	size_t n;
	static const char *const sorts[] = { "tree", "name", "compliance", "severity", "burn",
		"spend" };
	static const char *const files[] = { "out/", "orgtop.csv", "orgtop.json" };

	(void)state;
	prompt_open(p, PROMPT_COMMAND, "");
	type(p, "so");
	n = prompt_command_candidates(p, &c, &arg);
	assert_int_equal(arg, ARG_NONE);
	assert_int_equal(prompt_complete(p, c, n), 1);
	free(c);
	assert_string_equal(prompt_text(p), "sort ");
	n = prompt_command_candidates(p, &c, &arg);
	assert_int_equal(n, 0);
	assert_int_equal(arg, ARG_SORT);
	free(c);
	type(p, "s");
	assert_int_equal(prompt_complete(p, sorts, 6), 2); /* severity, spend */
	assert_string_equal(prompt_text(p), "sort s");
	type(p, "e");
	assert_int_equal(prompt_complete(p, sorts, 6), 1);
	assert_string_equal(prompt_text(p), "sort severity ");
	n = prompt_command_candidates(p, &c, &arg);
	assert_int_equal(n, 1);
	assert_int_equal(prompt_complete(p, c, n), 1);
	free(c);
	assert_string_equal(prompt_text(p), "sort severity reverse ");
	/* a common prefix extends; a directory does not get a space */
	prompt_open(p, PROMPT_COMMAND, "export o");
	assert_int_equal(prompt_complete(p, files, 3), 3);
	assert_string_equal(prompt_text(p), "export o");
	prompt_open(p, PROMPT_COMMAND, "export orgtop.j");
	assert_int_equal(prompt_complete(p, files, 3), 1);
	assert_string_equal(prompt_text(p), "export orgtop.json ");
	prompt_open(p, PROMPT_COMMAND, "export ou");
	assert_int_equal(prompt_complete(p, files, 3), 1);
	assert_string_equal(prompt_text(p), "export out/");
	assert_null(prompt_command_find("re"));     /* ambiguous */
	assert_string_equal(prompt_command_find("s")->name, "sort");
	assert_non_null(prompt_command_find("q"));  /* alias */
	assert_string_equal(prompt_command_find("expo")->name, "export");
	prompt_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sound),
		cmocka_unit_test(test_issue_keys_bound),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_help_from_table),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_options_to_config),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_prompt_editing),
		cmocka_unit_test(test_prompt_history),
		cmocka_unit_test(test_prompt_completion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
