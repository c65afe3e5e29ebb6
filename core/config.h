/*
 * config.h: orgtop's own settings: the defaults, the config file, and the
 * merge with command-line flags (flags beat the file, the file beats the
 * defaults; issue 4 section 5).
 *
 * The file is $XDG_CONFIG_HOME/orgtop/config, or ~/.config/orgtop/config,
 * or --config FILE. Lines are `key = value`; blank lines and lines starting
 * with # or ; are comments, and so is " # ..." after an unquoted value.
 * A value may be quoted with "..." (\" and \\ escapes) or '...'. An empty
 * value sets a text key back to its default.
 *
 *   profile = prod-audit            # the AWS profile (else AWS_PROFILE, else default)
 *   regions = eu-*,us-east-1        # patterns; default: the enabled regions
 *   role_name = OrgtopAudit         # assumed in member accounts
 *   external_id = "x-123"           # for that role
 *   mode = auto                     # auto | accounts | org
 *   concurrency = 64                # requests in flight, 1..1024
 *   refresh = 5m                    # every source but cost (billed per call)
 *   refresh.config = 5m             # or per source: org, config, guardduty,
 *   refresh.cost = 6h               #   budgets, sso, cost (10s .. 7d)
 *   region_deadline = 30s           # a silent region's cells become errors
 *   theme = solarized-dark
 *   ascii = no                      # yes/no, true/false, on/off, 1/0
 *   color = auto                    # auto | always | never (and yes/no)
 *   mouse = yes
 *   cache_dir = ~/.cache/orgtop     # ~/ is $HOME
 *   no_cache = no
 *   budget_warn = 80%               # burn that warns (1..1000)
 *   budget_crit = 100%              # burn that is critical; above budget_warn
 *   log = ~/orgtop.log
 *   log_level = info                # error | warn | info | debug | trace
 *
 * A bad line is an error naming FILE:LINE and what was expected, and the
 * whole file is then not applied; an unknown key is a warning (with the
 * nearest known key) and is ignored.
 */
#ifndef ORGTOP_CONFIG_H
#define ORGTOP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/collect.h"
#include "core/log.h"

/* The keys, in the order config_write() writes them. */
enum config_key {
	CK_PROFILE,
	CK_REGIONS,
	CK_ROLE_NAME,
	CK_EXTERNAL_ID,
	CK_MODE,
	CK_CONCURRENCY,
	CK_REFRESH,
	CK_REFRESH_ORG,
	CK_REFRESH_CONFIG,
	CK_REFRESH_GUARDDUTY,
	CK_REFRESH_BUDGETS,
	CK_REFRESH_SSO,
	CK_REFRESH_COST,
	CK_REGION_DEADLINE,
	CK_THEME,
	CK_ASCII,
	CK_COLOR,
	CK_MOUSE,
	CK_CACHE_DIR,
	CK_NO_CACHE,
	CK_BUDGET_WARN,
	CK_BUDGET_CRIT,
	CK_LOG,
	CK_LOG_LEVEL,
	CK__COUNT
};

enum config_color { CONFIG_COLOR_AUTO = -1, CONFIG_COLOR_NEVER = 0, CONFIG_COLOR_ALWAYS = 1 };

/*
 * The settings. Embedded by value (config_init / config_done). Strings are
 * owned (config_done frees them); NULL means "not set: the default".
 */
struct config {
	char *profile;
	char *regions;            /* patterns, comma-separated, no spaces */
	char *role_name;          /* default "OrganizationAccountAccessRole" */
	char *external_id;
	enum collect_mode mode;   /* COLLECT_AUTO */
	unsigned concurrency;     /* 64 */
	unsigned refresh;         /* seconds for every source but cost, 0 = per-source defaults */
	unsigned refresh_src[SRC__COUNT]; /* seconds per source, 0 = not set */
	unsigned region_deadline; /* seconds, 30 */
	char *theme;              /* NULL = the default theme */
	int ascii;                /* 0 */
	int color;                /* enum config_color, CONFIG_COLOR_AUTO */
	int mouse;                /* 1 */
	char *cache_dir;          /* NULL = cache_default_dir(); "~/" expanded */
	int no_cache;             /* 0 */
	unsigned budget_warn;     /* percent, 80 */
	unsigned budget_crit;     /* percent, 100 */
	char *log;                /* "~/" expanded */
	enum log_level log_level; /* LOG_INFO */
	uint32_t set;             /* bit (1u << CK_x) for each key given explicitly */
	unsigned line[CK__COUNT]; /* the file line that set each key (0 if none) */
};

/* Warnings (unknown keys, a key set twice, a config file others may write). */
typedef void (*config_warn_fn)(const char *msg, void *arg);

/* Sets every default; nothing is marked set. */
void config_init(struct config *c);
/* Frees the strings. NULL-safe; c may be config_init()ed again. */
void config_done(struct config *c);
/* Deep copy of src into dst (dst is config_done()d first). */
void config_copy(struct config *dst, const struct config *src);

/* "profile", "refresh.cost", ...; NULL out of range. */
const char *config_key_name(enum config_key k);
/* The key of a name, or -1. */
int config_key_find(const char *name);

/*
 * Sets one key from its text form, validated as in the file (the command
 * line uses this for its flags, so both say the same). 0, or -1 with
 * *cause "refresh: expected a duration such as 300, 90s, 5m or 1h, got
 * \"x\"" (caller frees); c untouched on failure.
 */
int config_set(struct config *c, enum config_key k, const char *value, char **cause);

/*
 * Parses a config file's text (len bytes; origin names it in messages) on
 * top of c. All or nothing: on an error c is untouched and *cause is
 * "ORIGIN:LINE: what was expected". Warnings go to warn (may be NULL).
 */
int config_parse(struct config *c, const char *text, size_t len, const char *origin,
    config_warn_fn warn, void *arg, char **cause);

/*
 * The default file: $XDG_CONFIG_HOME/orgtop/config (an absolute
 * XDG_CONFIG_HOME), else $HOME/.config/orgtop/config; NULL without either.
 * Caller frees the result.
 */
char *config_default_path(void);

/*
 * Reads and parses a file on top of c. path NULL means the default file,
 * which may be missing (returns 1). A path given explicitly must exist.
 * A file that group or others may write is warned about. 0, 1, or -1 with
 * *cause (c untouched).
 */
int config_load(struct config *c, const char *path, config_warn_fn warn, void *arg,
    char **cause);

/*
 * Applies every key set in src onto dst: flags (src) beat the file (dst).
 * A general refresh in src also clears dst's per-source refresh values, so
 * `--refresh 60` beats `refresh.config = 5m` from the file.
 */
void config_merge(struct config *dst, const struct config *src);

/* The interval of a source in seconds: refresh.X, else refresh (not for cost), else the default. */
unsigned config_interval(const struct config *c, enum collect_source src);

/*
 * Cross-key checks after everything was merged (budget_warn below
 * budget_crit). 0, or -1 with *cause.
 */
int config_check(const struct config *c, char **cause);

/* Fills a collector config from c. Strings are borrowed from c. */
void config_to_collect(const struct config *c, struct collect_config *out);

/* Writes every key as a config file would (the effective values; unset ones commented). */
void config_write(const struct config *c, struct buf *out);

#endif
