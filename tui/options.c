/*
 * options.c: the option table, the parser and the generated --help.
 */
#include "tui/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/util.h"
#include "core/xmalloc.h"

struct opt_def {
	enum opt_id id;
	char shortname;      /* 0 if none */
	const char *name;    /* long name without "--" */
	const char *arg;     /* argument name, NULL for a flag */
	const char *group;   /* heading in --help */
	const char *help;
};

static const struct opt_def defs[OPT__COUNT] = {
	{ OPT_PROFILE, 'p', "profile", "PROFILE", "AWS",
	    "AWS profile (default: $AWS_PROFILE, then 'default')" },
	{ OPT_REGIONS, 'r', "regions", "REGIONS", "AWS",
	    "comma list with globs, eu-*,us-east-1 (default: enabled regions)" },
	{ OPT_ROLE_NAME, 0, "role-name", "NAME", "AWS",
	    "role to assume in members (OrganizationAccountAccessRole)" },
	{ OPT_EXTERNAL_ID, 0, "external-id", "ID", "AWS", "external id for that role" },
	{ OPT_SSO_REGION, 0, "sso-region", "REGION", "AWS",
	    "IAM Identity Center's home region (default: found by asking)" },
	{ OPT_MODE, 0, "mode", "auto|accounts|org", "AWS",
	    "accounts: ask each account; org: aggregators; auto: org first" },
	{ OPT_REFRESH, 0, "refresh", "SECONDS", "AWS",
	    "refresh interval, all but cost (default 300; org, budgets, SSO 3600)" },
	{ OPT_CONCURRENCY, 0, "concurrency", "N", "AWS",
	    "requests in flight at most (default 64)" },
	{ OPT_REGION_DEADLINE, 0, "region-deadline", "SECONDS", "AWS",
	    "a region silent this long becomes an error (default 30)" },
	{ OPT_THEME, 0, "theme", "NAME", "Display",
	    "a theme name (see --list-themes) or a file" },
	{ OPT_ASCII, 0, "ascii", NULL, "Display", "ASCII glyphs only (the default when the locale "
	    "is not UTF-8)" },
	{ OPT_NO_COLOR, 0, "no-color", NULL, "Display", "no colours (as does $NO_COLOR)" },
	{ OPT_NO_MOUSE, 0, "no-mouse", NULL, "Display", "leave the mouse to the terminal" },
	{ OPT_CACHE_DIR, 0, "cache-dir", "DIR", "State",
	    "where the last-known state is kept (default: $XDG_CACHE_HOME/orgtop)" },
	{ OPT_NO_CACHE, 0, "no-cache", NULL, "State", "neither read nor write the cache" },
	{ OPT_CONFIG, 0, "config", "FILE", "State",
	    "configuration file (default: $XDG_CONFIG_HOME/orgtop/config)" },
	{ OPT_LOG, 0, "log", "FILE", "State", "write a log (never secrets) to FILE" },
	{ OPT_LOG_LEVEL, 0, "log-level", "LEVEL", "State",
	    "error, warn, info (the default), debug or trace" },
	{ OPT_VERBOSE, 'v', "verbose", NULL, "State",
	    "more detail in the log: -v debug, -vv trace" },
	{ OPT_ONCE, 0, "once", NULL, "Output",
	    "collect one full refresh, print it and exit (0 all ok, 1 partial)" },
	{ OPT_FORMAT, 0, "format", "table|json|csv", "Output", "output format for --once "
	    "(default table)" },
	{ OPT_IAM_POLICY, 0, "iam-policy", "[caller|member]", "Output",
	    "print the minimal read-only IAM policy orgtop needs, and exit" },
	{ OPT_CALL, 0, "call", "SERVICE OP [JSON]", "Output",
	    "sign and send one request, print the decoded answer (debugging)" },
	{ OPT_LIST_THEMES, 0, "list-themes", NULL, "Output", "list the themes found, and exit" },
	{ OPT_OPEN, 0, "open", "FILE", "Output",
	    "show a saved orgtop/1 JSON file in the dashboard, no AWS calls" },
	{ OPT_HELP, 'h', "help", NULL, "Other", "this help" },
	{ OPT_VERSION, 'V', "version", NULL, "Other", "print the version" },
};

const char *
options_name(enum opt_id id)
{
	static char buf[OPT__COUNT][32];

	if ((unsigned)id >= OPT__COUNT)
		return "?";
	if (buf[id][0] == '\0')
		snprintf(buf[id], sizeof(buf[id]), "--%s", defs[id].name);
	return buf[id];
}

/* 1 for options whose argument is optional ("[...]"): taken only when it is one of the choices. */
static int
arg_optional(const struct opt_def *d)
{
	return d->arg != NULL && d->arg[0] == '[';
}

/* Applies one option with its argument (NULL for flags). 0 / -1 with *cause. */
static int
apply(struct options *o, const struct opt_def *d, const char *v, char **cause)
{
	o->value[d->id] = v;
	switch (d->id) {
	case OPT_PROFILE:
		o->profile = v;
		break;
	case OPT_REGIONS:
		o->regions = v;
		break;
	case OPT_ROLE_NAME:
		o->role_name = v;
		break;
	case OPT_EXTERNAL_ID:
		o->external_id = v;
		break;
	case OPT_SSO_REGION:
		o->sso_region = v;
		break;
	case OPT_MODE:
		if (strcmp(v, "auto") == 0)
			o->mode = COLLECT_AUTO;
		else if (strcmp(v, "accounts") == 0)
			o->mode = COLLECT_ACCOUNTS;
		else if (strcmp(v, "org") == 0)
			o->mode = COLLECT_ORG;
		else
			goto bad_choice;
		break;
	case OPT_REFRESH:
	case OPT_CONCURRENCY:
	case OPT_REGION_DEADLINE:
	case OPT_LOG_LEVEL:
		/* Checked by the config file's rules (config_set), which say the same. */
		break;
	case OPT_THEME:
		o->theme = v;
		break;
	case OPT_ASCII:
		o->ascii = 1;
		break;
	case OPT_NO_COLOR:
		o->no_color = 1;
		break;
	case OPT_NO_MOUSE:
		o->no_mouse = 1;
		break;
	case OPT_CACHE_DIR:
		o->cache_dir = v;
		break;
	case OPT_NO_CACHE:
		o->no_cache = 1;
		break;
	case OPT_CONFIG:
		o->config = v;
		break;
	case OPT_LOG:
		o->log = v;
		break;
	case OPT_VERBOSE:
		o->verbose++;
		break;
	case OPT_ONCE:
		o->once = 1;
		break;
	case OPT_FORMAT:
		if (strcmp(v, "table") == 0)
			o->format = FORMAT_TABLE;
		else if (strcmp(v, "json") == 0)
			o->format = FORMAT_JSON;
		else if (strcmp(v, "csv") == 0)
			o->format = FORMAT_CSV;
		else
			goto bad_choice;
		break;
	case OPT_IAM_POLICY:
		o->iam_policy = 1;
		if (v == NULL)
			o->policy = POLICY_BOTH;
		else if (strcmp(v, "caller") == 0)
			o->policy = POLICY_CALLER;
		else if (strcmp(v, "member") == 0)
			o->policy = POLICY_MEMBER;
		else
			goto bad_choice;
		break;
	case OPT_CALL:
		o->call_service = v;
		break;
	case OPT_LIST_THEMES:
		o->list_themes = 1;
		break;
	case OPT_OPEN:
		o->open = v;
		break;
	case OPT_HELP:
		o->help = 1;
		break;
	case OPT_VERSION:
		o->version = 1;
		break;
	case OPT__COUNT:
		break;
	}
	o->given |= (uint64_t)1 << d->id;
	return 0;
bad_choice:
	*cause = xasprintf("--%s: '%.40s' is not one of %s", d->name, v, d->arg);
	for (char *c = *cause; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	}
	return -1;
}

static const struct opt_def *
find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0)
			return &defs[i];
	return NULL;
}

static const struct opt_def *
find_short(char c)
{
	for (size_t i = 0; i < OPT__COUNT; i++)
		if (defs[i].shortname == c)
			return &defs[i];
	return NULL;
}

/* --call SERVICE OPERATION [JSON]: takes the operation and the optional input. */
static int
take_call_args(struct options *o, int argc, char **argv, int *i, char **cause)
{
	if (*i + 1 >= argc || argv[*i + 1][0] == '-') {
		*cause = xstrdup("--call: expected SERVICE OPERATION ['{json}'], e.g. "
		    "--call sts GetCallerIdentity");
		return -1;
	}
	o->call_operation = argv[++*i];
	if (*i + 1 < argc && argv[*i + 1][0] != '-')
		o->call_input = argv[++*i];
	return 0;
}

static int
check(struct options *o, char **cause)
{
	if (OPTIONS_GIVEN(o, OPT_FORMAT) && !o->once) {
		*cause = xstrdup("--format goes with --once");
		return -1;
	}
	if (o->no_cache && o->cache_dir != NULL) {
		*cause = xstrdup("--no-cache and --cache-dir exclude each other");
		return -1;
	}
	if (o->once + o->iam_policy + (o->call_service != NULL) + o->list_themes +
	    (o->open != NULL) > 1) {
		*cause = xstrdup("choose one of --once, --iam-policy, --call, --list-themes, --open");
		return -1;
	}
	return 0;
}

/* A long option: "--name", "--name=value", "--name value". */
static int
parse_long(struct options *o, int argc, char **argv, int *i, char **cause)
{
	const char *a = argv[*i], *eq = strchr(a + 2, '='), *v = NULL;
	size_t len = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct opt_def *d = find_long(a + 2, len);

	if (d == NULL) {
		*cause = xasprintf("unknown option '--%.*s' (see orgtop --help)",
		    (int)(len > 40 ? 40 : len), a + 2);
		for (char *c = *cause; *c != '\0'; c++) {
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		}
		return -1;
	}
	if (d->arg == NULL && eq != NULL) {
		*cause = xasprintf("--%s takes no value", d->name);
		return -1;
	}
	if (eq != NULL) {
		v = eq + 1;
	} else if (arg_optional(d)) {
		/* Taken only when the next word is not an option. */
		if (*i + 1 < argc && argv[*i + 1][0] != '-')
			v = argv[++*i];
	} else if (d->arg != NULL) {
		if (*i + 1 >= argc) {
			*cause = xasprintf("--%s needs a value: %s", d->name, d->arg);
			return -1;
		}
		v = argv[++*i];
	}
	if (apply(o, d, v, cause) != 0)
		return -1;
	if (d->id == OPT_CALL && take_call_args(o, argc, argv, i, cause) != 0)
		return -1;
	return 0;
}

/* Short options, bundled ("-vv", "-pprod", "-p prod"). */
static int
parse_short(struct options *o, int argc, char **argv, int *i, char **cause)
{
	for (const char *c = argv[*i] + 1; *c != '\0'; c++) {
		const struct opt_def *d = find_short(*c);
		const char *v;

		if (d == NULL) {
			*cause = xasprintf("unknown option '-%c' (see orgtop --help)",
			    (*c > 0x20 && *c < 0x7f) ? *c : '?');
			return -1;
		}
		if (d->arg == NULL) {
			if (apply(o, d, NULL, cause) != 0)
				return -1;
			continue;
		}
		if (c[1] != '\0') {
			v = c + 1;
		} else if (*i + 1 < argc) {
			v = argv[++*i];
		} else {
			*cause = xasprintf("-%c needs a value: %s", *c, d->arg);
			return -1;
		}
		return apply(o, d, v, cause);
	}
	return 0;
}

int
options_parse(int argc, char **argv, struct options *o, char **cause)
{
	memset(o, 0, sizeof(*o));
	o->mode = COLLECT_AUTO;
	o->format = FORMAT_TABLE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc) {
				a = argv[i + 1];
				goto positional;
			}
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			if (parse_long(o, argc, argv, &i, cause) != 0)
				return -1;
			continue;
		}
		if (a[0] == '-' && a[1] != '\0') {
			if (parse_short(o, argc, argv, &i, cause) != 0)
				return -1;
			continue;
		}
positional:
		*cause = xasprintf("unexpected argument '%.40s' (see orgtop --help)", a);
		for (char *c = *cause; *c != '\0'; c++) {
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		}
		return -1;
	}
	return check(o, cause);
}

void
options_usage(struct buf *out)
{
	const char *group = NULL;

	buf_adds(out, "usage: orgtop [options]\n"
	    "top for an AWS Organization: every account (grouped by OU) against every region,\n"
	    "with Config compliance, GuardDuty findings, budget burn and SSO assignments.\n"
	    "Read-only; credentials as the AWS CLI finds them.\n");
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct opt_def *d = &defs[i];
		char left[64];
		int n;

		if (group == NULL || strcmp(group, d->group) != 0) {
			group = d->group;
			buf_printf(out, "\n%s:\n", group);
		}
		if (d->shortname != 0)
			n = snprintf(left, sizeof(left), "-%c, --%s%s%s", d->shortname, d->name,
			    d->arg ? " " : "", d->arg ? d->arg : "");
		else
			n = snprintf(left, sizeof(left), "    --%s%s%s", d->name, d->arg ? " " : "",
			    d->arg ? d->arg : "");
		if (n < 0 || (size_t)n >= sizeof(left))
			left[sizeof(left) - 1] = '\0';
		if (strlen(left) > 28)
			buf_printf(out, "  %s\n  %-28s  %s\n", left, "", d->help);
		else
			buf_printf(out, "  %-28s  %s\n", left, d->help);
	}
	buf_adds(out, "\nExit status: 0 all collected, 1 some cells not ok, 2 usage or config error,\n"
	    "3 no usable credentials.\n"
	    "In the dashboard, press ? for the keys.\n"
	    "Environment: the AWS CLI's (AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID,\n"
	    "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CONFIG_FILE,\n"
	    "AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>,\n"
	    "AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE, ...: see orgtop(1)), HTTPS_PROXY, NO_PROXY,\n"
	    "NO_COLOR, XDG_CONFIG_HOME, XDG_CACHE_HOME.\n");
}

/* The options whose argument is a config key's value. */
static const struct {
	enum opt_id opt;
	enum config_key key;
} as_config[] = {
	{ OPT_PROFILE, CK_PROFILE },         { OPT_REGIONS, CK_REGIONS },
	{ OPT_ROLE_NAME, CK_ROLE_NAME },     { OPT_EXTERNAL_ID, CK_EXTERNAL_ID },
	{ OPT_MODE, CK_MODE },               { OPT_REFRESH, CK_REFRESH },
	{ OPT_CONCURRENCY, CK_CONCURRENCY }, { OPT_REGION_DEADLINE, CK_REGION_DEADLINE },
	{ OPT_THEME, CK_THEME },             { OPT_CACHE_DIR, CK_CACHE_DIR },
	{ OPT_LOG, CK_LOG },                 { OPT_LOG_LEVEL, CK_LOG_LEVEL },
};

static int
set_key(struct config *c, enum config_key k, const char *flag, const char *v, char **cause)
{
	char *why = NULL;

	if (config_set(c, k, v, &why) == 0)
		return 0;
	/* config_set says "key: what"; a flag says "--flag: what". */
	{
		const char *colon = why != NULL ? strchr(why, ':') : NULL;
		*cause = xasprintf("%s:%s", flag, colon != NULL ? colon + 1 : " bad value");
	}
	free(why);
	return -1;
}

int
options_to_config(const struct options *o, struct config *flags, char **cause)
{
	for (size_t i = 0; i < NELEM(as_config); i++) {
		enum opt_id id = as_config[i].opt;

		if (OPTIONS_GIVEN(o, id) && o->value[id] != NULL &&
		    set_key(flags, as_config[i].key, options_name(id), o->value[id], cause) != 0)
			return -1;
	}
	if (o->ascii && set_key(flags, CK_ASCII, "--ascii", "yes", cause) != 0)
		return -1;
	if (o->no_color && set_key(flags, CK_COLOR, "--no-color", "never", cause) != 0)
		return -1;
	if (o->no_mouse && set_key(flags, CK_MOUSE, "--no-mouse", "no", cause) != 0)
		return -1;
	if (o->no_cache && set_key(flags, CK_NO_CACHE, "--no-cache", "yes", cause) != 0)
		return -1;
	if (o->verbose > 0 && !OPTIONS_GIVEN(o, OPT_LOG_LEVEL) &&
	    set_key(flags, CK_LOG_LEVEL, "-v", o->verbose > 1 ? "trace" : "debug", cause) != 0)
		return -1;
	return 0;
}
