/*
 * ini.h: the AWS config and credentials files, read as the AWS CLI reads them.
 *
 * Two layers. The first parses one INI file with botocore's rules
 * (configloader.py over Python's RawConfigParser): [section] headers, keys
 * split on the first '=' or ':' and lower-cased, comment lines starting with
 * '#' or ';', indented lines continuing the value above, and a key whose
 * value is empty on its own line followed by indented "k = v" lines forming
 * a sub-section (`s3 =` / `  addressing_style = path`). It is more lenient
 * than botocore where that helps and costs nothing: a UTF-8 BOM, CRLF line
 * ends, whitespace around names, duplicate sections (merged) and duplicate
 * keys (the last wins) are accepted, and '#' / ';' after whitespace inside a
 * value start an inline comment as in the other AWS SDKs ("x = a # note" is
 * "a"; "x = #a" stays "#a" as botocore reads it). A differential test holds
 * the rest to botocore's own parser. Errors name file:line and what
 * was expected, and never quote a value (it may be a secret key).
 *
 * The second layer is the AWS view of a config file plus a credentials file:
 * [default] and [profile NAME] in config, [NAME] in credentials, a profile in
 * both merged with the credentials file's keys winning (session.py
 * full_config), [sso-session NAME] and [services NAME].
 *
 * Values may hold secrets: everything is wiped when freed.
 */
#ifndef ORGTOP_INI_H
#define ORGTOP_INI_H

#include <stddef.h>

/* One parsed file. */
struct ini;
/* One section (or one merged profile). Borrowed from its ini / ini_aws. */
struct ini_section;

/*
 * Parses text (len bytes, need not be NUL-terminated). path names the file
 * in messages. Returns 0 and *out (caller frees with ini_free), or -1 with
 * *cause ("~/.aws/config:12: expected ']' to close the section header"),
 * leaving *out untouched.
 */
int ini_parse(const char *path, const char *text, size_t len, struct ini **out, char **cause);
/*
 * Reads and parses the file at path (used as given; see ini_expand_path).
 * Returns 0 and *out, 1 if the file does not exist (*out untouched), or -1
 * with *cause. If the file is readable or writable by group/others, a
 * warning naming the path and mode is appended to *warnings (one line each,
 * "\n"-terminated; caller frees) when warnings is not NULL.
 */
int ini_load(const char *path, struct ini **out, char **warnings, char **cause);
/* Wipes and frees. NULL-safe. */
void ini_free(struct ini *ini);

/* The file's path as given to ini_parse / ini_load. */
const char *ini_path(const struct ini *ini);
size_t ini_section_count(const struct ini *ini);
const struct ini_section *ini_section_at(const struct ini *ini, size_t i);
/* A section by its name (whitespace around it trimmed), or NULL. */
const struct ini_section *ini_find(const struct ini *ini, const char *name);

const char *ini_section_name(const struct ini_section *s);
size_t ini_key_count(const struct ini_section *s);
/* The i-th key's name (lower case), in first-seen order. */
const char *ini_key_at(const struct ini_section *s, size_t i);
/*
 * The value of key (lower case), or NULL if absent. A sub-section's value
 * is "" here; ask ini_get_sub for its keys. Borrowed; valid until the owner
 * is freed.
 */
const char *ini_get(const struct ini_section *s, const char *key);
/* 1 if key holds a sub-section (indented "k = v" lines), else 0. */
int ini_is_sub(const struct ini_section *s, const char *key);
/* The value of subkey (exact case) in sub-section key, or NULL. */
const char *ini_get_sub(const struct ini_section *s, const char *key, const char *subkey);
/*
 * Where key was set, for messages: the file and the line (1-based). Returns
 * the line, or 0 if key is absent; *path is set when not NULL.
 */
int ini_where(const struct ini_section *s, const char *key, const char **path);

/*
 * Expands a leading ~ or ~user and $VAR / ${VAR} (unset variables stay as
 * written), as botocore does with expandvars + expanduser. Caller frees.
 */
char *ini_expand_path(const char *path);

/*
 * Splits s into words as Python's shlex.split does (POSIX mode): blanks
 * separate words, '...' is literal, "..." keeps backslashes except before
 * '"' and '\\', a backslash outside quotes escapes the next character.
 * botocore splits section headers and credential_process this way.
 * Returns 0 with *words (NULL-terminated; free with ini_words_free) and
 * *count (if not NULL), or -1 with *cause (no closing quotation, ...).
 */
int ini_split_words(const char *s, char ***words, size_t *count, char **cause);
/* Wipes and frees what ini_split_words made. NULL-safe. */
void ini_words_free(char **words);

/* The AWS view: profiles, sso-sessions and services from both files. */
struct ini_aws;

/*
 * Loads the config file and the credentials file (either may be NULL for
 * the default: AWS_CONFIG_FILE or ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE
 * or ~/.aws/credentials; paths are expanded). A missing file is not an
 * error. Returns 0 and *out (caller frees with ini_aws_free), or -1 with
 * *cause naming file:line, leaving *out untouched. Permission warnings go
 * to *warnings as ini_load says.
 */
int ini_aws_load(const char *config_path, const char *credentials_path, struct ini_aws **out,
                 char **warnings, char **cause);
void ini_aws_free(struct ini_aws *a);

/* The expanded paths used (for "searched ..." messages). */
const char *ini_aws_config_path(const struct ini_aws *a);
const char *ini_aws_credentials_path(const struct ini_aws *a);

/* A profile: config and credentials merged, credentials winning. NULL if in neither. */
const struct ini_section *ini_aws_profile(const struct ini_aws *a, const char *name);
/* The profile as one file alone has it (the chain needs to know which file has keys). */
const struct ini_section *ini_aws_config_profile(const struct ini_aws *a, const char *name);
const struct ini_section *ini_aws_credentials_profile(const struct ini_aws *a, const char *name);
/* [sso-session NAME] and [services NAME] in the config file, or NULL. */
const struct ini_section *ini_aws_sso_session(const struct ini_aws *a, const char *name);
const struct ini_section *ini_aws_services(const struct ini_aws *a, const char *name);

#endif
