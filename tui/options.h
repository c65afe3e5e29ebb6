/*
 * options.h: orgtop's command line (DESIGN.md 4, issues 3, 5 and 7).
 *
 * One table holds every option: its names, its argument, its help line. The
 * parser and `orgtop --help` are both generated from it. Values that are
 * also config file keys (core/config.h) are kept as given (value[]) and
 * checked by config_set(), so a flag and a config line say the same thing
 * about a bad value; the rest are checked here. A bad command line gets one
 * clear message and exit status 2 before anything starts.
 *
 * Strings in struct options are borrowed from argv.
 */
#ifndef ORGTOP_OPTIONS_H
#define ORGTOP_OPTIONS_H

#include <stdint.h>

#include "core/buf.h"
#include "core/collect.h"

enum opt_id {
	OPT_PROFILE,
	OPT_REGIONS,
	OPT_ROLE_NAME,
	OPT_EXTERNAL_ID,
	OPT_SSO_REGION,
	OPT_MODE,
	OPT_REFRESH,
	OPT_CONCURRENCY,
	OPT_REGION_DEADLINE,
	OPT_THEME,
	OPT_ASCII,
	OPT_NO_COLOR,
	OPT_NO_MOUSE,
	OPT_CACHE_DIR,
	OPT_NO_CACHE,
	OPT_CONFIG,
	OPT_LOG,
	OPT_LOG_LEVEL,
	OPT_VERBOSE,
	OPT_ONCE,
	OPT_FORMAT,
	OPT_IAM_POLICY,
	OPT_CALL,
	OPT_LIST_THEMES,
	OPT_OPEN,
	OPT_HELP,
	OPT_VERSION,
	OPT__COUNT
};

enum opt_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

/* --iam-policy's argument. */
enum opt_policy { POLICY_BOTH, POLICY_CALLER, POLICY_MEMBER };

struct options {
	uint64_t given;          /* bit (1 << OPT_x) for each option on the command line */
	const char *value[OPT__COUNT]; /* each option's argument as given (NULL for flags) */
	const char *profile;     /* -p; NULL: $AWS_PROFILE or "default" (decided by creds) */
	const char *regions;     /* -r "eu-*,us-east-1" */
	const char *role_name;   /* --role-name */
	const char *external_id; /* --external-id */
	const char *sso_region;  /* --sso-region */
	enum collect_mode mode;  /* --mode, default COLLECT_AUTO */
	const char *theme;       /* --theme NAME or path */
	int ascii, no_color, no_mouse;
	const char *cache_dir;   /* --cache-dir */
	int no_cache;
	const char *config;      /* --config FILE */
	const char *log;         /* --log FILE */
	int verbose;             /* -v, repeatable: the log's level (debug, trace) */
	int once;
	enum opt_format format;  /* --format, with --once */
	int iam_policy;          /* --iam-policy: print the policy and exit */
	enum opt_policy policy;  /* which: --iam-policy [caller|member] */
	const char *call_service, *call_operation, *call_input; /* --call S OP ['{json}'] */
	int list_themes;
	const char *open;        /* --open FILE: show a saved orgtop/1 document */
	int help, version;
};

/* 1 if option id was given on the command line. */
#define OPTIONS_GIVEN(o, id) (((o)->given >> (id)) & 1)

/*
 * Parses argv into o (zeroed first). 0, or -1 with *cause ("--format: 'x'
 * is not one of table|json|csv"); caller frees *cause.
 */
int options_parse(int argc, char **argv, struct options *o, char **cause);

struct config;

/*
 * The options that are also config keys (core/config.h), set on flags
 * (config_init()ed by the caller) through config_set(), so a flag is checked
 * exactly as the same line in the config file. Merge the result over the
 * file's settings with config_merge(). 0, or -1 with *cause ("--refresh:
 * expected a duration ...", caller frees).
 */
int options_to_config(const struct options *o, struct config *flags, char **cause);

/* Appends the usage text (`orgtop --help`), generated from the table. */
void options_usage(struct buf *out);

/* The long name of an option ("--refresh"), for messages. */
const char *options_name(enum opt_id id);

#endif
