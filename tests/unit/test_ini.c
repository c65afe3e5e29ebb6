/*
 * test_ini.c: the AWS config/credentials parser: botocore's rules and the
 * quirks of real files (tests/data/ini), errors with file:line, the merge
 * of the two files, path expansion, permission warnings, word splitting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/aws/ini.h"
#include "core/util.h"
#include "core/xmalloc.h"

static char tmpdir[256];

static const char *
data_path(const char *name)
{
	static char path[1024];
	const char *root = getenv("ORGTOP_ROOT");

	snprintf(path, sizeof path, "%s/tests/data/ini/%s", root != NULL ? root : ".", name);
	return path;
}

static const char *
tmp_path(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/orgtop-test-ini-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static struct ini *
parse_ok(const char *text)
{
	struct ini *ini = NULL;
	char *cause = NULL;

	if (ini_parse("test.ini", text, strlen(text), &ini, &cause) != 0)
		fail_msg("unexpected parse error: %s", cause);
	assert_null(cause);
	return ini;
}

/* Parses text that must fail; checks *out is untouched and returns the cause. */
static char *
parse_err(const char *text)
{
	struct ini *sentinel = (struct ini *)&tmpdir, *ini = sentinel;
	char *cause = NULL;

	assert_int_equal(ini_parse("~/.aws/config", text, strlen(text), &ini, &cause), -1);
	assert_ptr_equal(ini, sentinel);
	assert_non_null(cause);
	return cause;
}

static void
expect_err(const char *text, const char *want)
{
	char *cause = parse_err(text);

	if (strcmp(cause, want) != 0)
		fail_msg("got '%s', want '%s'", cause, want);
	free(cause);
}

static void
test_basic_sections_and_keys(void **state)
{
	struct ini *ini;
	const struct ini_section *s;

	(void)state;
	ini = parse_ok("[default]\nregion = eu-west-1\n\n[profile x]\nregion=us-east-1\n");
	assert_int_equal(ini_section_count(ini), 2);
	s = ini_find(ini, "default");
	assert_non_null(s);
	assert_string_equal(ini_section_name(s), "default");
	assert_string_equal(ini_get(s, "region"), "eu-west-1");
	assert_null(ini_get(s, "output"));
	assert_int_equal(ini_key_count(s), 1);
	assert_string_equal(ini_key_at(s, 0), "region");
	assert_null(ini_key_at(s, 1));
	s = ini_find(ini, "profile x");
	assert_string_equal(ini_get(s, "region"), "us-east-1");
	assert_null(ini_find(ini, "x"));
	assert_string_equal(ini_section_name(ini_section_at(ini, 1)), "profile x");
	assert_null(ini_section_at(ini, 2));
	ini_free(ini);
	ini_free(NULL);
}

static void
test_comments(void **state)
{
	struct ini *ini;
	const struct ini_section *s;

	(void)state;
	ini = parse_ok("# top comment\n; another\n[default] # after a header\n"
	               "a = 1 # inline\n"
	               "b = 2 ; inline too\n"
	               "c = 3\t# after a tab\n"
	               "d = x#y\n"
	               "e = x;y\n"
	               "f = https://example.com/a#frag\n"
	               "   # an indented comment line\n"
	               "g = #value, as botocore reads it ; but this is a comment\n"
	               "h=#not-a-comment\n"
	               "i = ;semi\n"
	               "s3 =\n"
	               "  addressing_style = path # a comment in a sub-section\n"
	               "  x = #kept\n"
	               "multi = first\n"
	               "  second # cut\n"
	               "  ; a comment line inside the value\n"
	               "  third\n"
	               "[b] ; comment after a header\n");
	s = ini_find(ini, "default");
	assert_string_equal(ini_get(s, "a"), "1");
	assert_string_equal(ini_get(s, "b"), "2");
	assert_string_equal(ini_get(s, "c"), "3");
	assert_string_equal(ini_get(s, "d"), "x#y");
	assert_string_equal(ini_get(s, "e"), "x;y");
	assert_string_equal(ini_get(s, "f"), "https://example.com/a#frag");
	assert_string_equal(ini_get(s, "g"), "#value, as botocore reads it");
	assert_string_equal(ini_get(s, "h"), "#not-a-comment");
	assert_string_equal(ini_get(s, "i"), ";semi");
	assert_string_equal(ini_get_sub(s, "s3", "addressing_style"), "path");
	assert_string_equal(ini_get_sub(s, "s3", "x"), "#kept");
	assert_string_equal(ini_get(s, "multi"), "first\nsecond\nthird");
	assert_int_equal(ini_key_count(s), 11);
	assert_non_null(ini_find(ini, "b"));
	ini_free(ini);
}

static void
test_crlf_and_bom(void **state)
{
	struct ini *ini;
	const struct ini_section *s;
	char *warn = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(ini_load(data_path("bom-crlf"), &ini, &warn, &cause), 0);
	free(warn);
	s = ini_find(ini, "default");
	assert_non_null(s);
	assert_string_equal(ini_get(s, "region"), "us-west-2");
	s = ini_find(ini, "profile crlf");
	assert_string_equal(ini_get(s, "region"), "ap-south-1");
	assert_true(ini_is_sub(s, "s3"));
	assert_string_equal(ini_get_sub(s, "s3", "addressing_style"), "virtual");
	ini_free(ini);
	/* A lone CR ends a line too (Python's universal newlines). */
	ini = parse_ok("[a]\rk = v\r");
	assert_string_equal(ini_get(ini_find(ini, "a"), "k"), "v");
	ini_free(ini);
	/* A BOM only counts at the very start. */
	expect_err("[a]\n\xef\xbb\xbfk\n",
	           "~/.aws/config:2: expected 'key = value', a [section] header or a comment");
}

static void
test_subsections(void **state)
{
	struct ini *ini;
	const struct ini_section *s;

	(void)state;
	ini = parse_ok("[services local]\n"
	               "sts =\n"
	               "  endpoint_url = http://127.0.0.1:4566\n"
	               "\n"
	               "  # a comment in the block\n"
	               "  Other = a=b\n"
	               "s3 =\n"
	               "    addressing_style = path\n"
	               "    addressing_style = virtual\n"
	               "plain = value\n");
	s = ini_find(ini, "services local");
	assert_true(ini_is_sub(s, "sts"));
	assert_string_equal(ini_get(s, "sts"), "");
	assert_string_equal(ini_get_sub(s, "sts", "endpoint_url"), "http://127.0.0.1:4566");
	assert_string_equal(ini_get_sub(s, "sts", "Other"), "a=b");
	assert_null(ini_get_sub(s, "sts", "other"));
	assert_string_equal(ini_get_sub(s, "s3", "addressing_style"), "virtual");
	assert_false(ini_is_sub(s, "plain"));
	assert_null(ini_get_sub(s, "plain", "x"));
	assert_null(ini_get_sub(s, "missing", "x"));
	ini_free(ini);

	/* An empty value with nothing indented under it is just empty. */
	ini = parse_ok("[a]\nk =\n\nj = 1\n");
	s = ini_find(ini, "a");
	assert_false(ini_is_sub(s, "k"));
	assert_string_equal(ini_get(s, "k"), "");
	ini_free(ini);

	expect_err("[services x]\ns3 =\n  addressing_style path\n",
	           "~/.aws/config:3: expected 'key = value' inside the sub-section 's3'");
	expect_err("[services x]\ns3 =\n  = path\n",
	           "~/.aws/config:3: expected a key name before '=' inside the sub-section 's3'");
}

static void
test_continuation_lines(void **state)
{
	struct ini *ini;
	const struct ini_section *s;

	(void)state;
	ini = parse_ok("[default]\n"
	               "foo = bar\n"
	               "  baz\n"
	               "\n"
	               "\tqux # cut\n"
	               "\n"
	               "next = 1\n"
	               "  indented = key\n");
	s = ini_find(ini, "default");
	assert_string_equal(ini_get(s, "foo"), "bar\nbaz\n\nqux");
	/* Indented deeper than its key: part of next's value, as in configparser. */
	assert_string_equal(ini_get(s, "next"), "1\nindented = key");
	assert_null(ini_get(s, "indented"));
	ini_free(ini);

	/* A key indented at the start of a section is a key; deeper lines continue it. */
	ini = parse_ok("[a]\n  k = v\n    more\n  j = w\n");
	s = ini_find(ini, "a");
	assert_string_equal(ini_get(s, "k"), "v\nmore");
	assert_string_equal(ini_get(s, "j"), "w");
	ini_free(ini);
}

static void
test_values_keys_and_whitespace(void **state)
{
	struct ini *ini;
	const struct ini_section *s;

	(void)state;
	ini = parse_ok("[  profile   spaced  ]\n"
	               "  Region   =   us-east-1  \n"
	               "[x]\n"
	               "weird = a=b=c\n"
	               "colon: v:w\n"
	               "eq = k:v\n"
	               "empty=\n"
	               "UPPER_Key = Mixed Value\n");
	assert_non_null(ini_find(ini, "profile   spaced"));
	assert_non_null(ini_find(ini, "  profile   spaced "));
	s = ini_find(ini, "profile   spaced");
	assert_string_equal(ini_get(s, "region"), "us-east-1");
	s = ini_find(ini, "x");
	assert_string_equal(ini_get(s, "weird"), "a=b=c");
	assert_string_equal(ini_get(s, "colon"), "v:w");
	assert_string_equal(ini_get(s, "eq"), "k:v");
	assert_string_equal(ini_get(s, "empty"), "");
	assert_string_equal(ini_get(s, "upper_key"), "Mixed Value");
	ini_free(ini);
}

static void
test_duplicates(void **state)
{
	struct ini *ini;
	const struct ini_section *s;
	const char *path = NULL;

	(void)state;
	ini = parse_ok("[a]\nk = first\nj = kept\n[b]\nx = 1\n[a]\nk = last\nk = really last\n");
	assert_int_equal(ini_section_count(ini), 2);
	s = ini_find(ini, "a");
	assert_string_equal(ini_get(s, "k"), "really last");
	assert_string_equal(ini_get(s, "j"), "kept");
	assert_int_equal(ini_key_count(s), 2);
	assert_int_equal(ini_where(s, "k", &path), 8);
	assert_string_equal(path, "test.ini");
	assert_int_equal(ini_where(s, "j", NULL), 3);
	assert_int_equal(ini_where(s, "nope", NULL), 0);
	ini_free(ini);
	/* A duplicate key that was a sub-section becomes a plain value. */
	ini = parse_ok("[a]\ns3 =\n  x = 1\ns3 = plain\n");
	s = ini_find(ini, "a");
	assert_false(ini_is_sub(s, "s3"));
	assert_string_equal(ini_get(s, "s3"), "plain");
	ini_free(ini);
}

static void
test_errors_name_file_and_line(void **state)
{
	char *cause;

	(void)state;
	expect_err("region = us-east-1\n",
	           "~/.aws/config:1: expected a section header such as [default] or [profile NAME] "
	           "before the first setting");
	expect_err("# c\n\n[default\n",
	           "~/.aws/config:3: expected ']' to close the section header");
	expect_err("[default] junk\n", "~/.aws/config:1: expected the end of the line after ']'");
	expect_err("[a]\n[ ]\n", "~/.aws/config:2: expected a section name between '[' and ']'");
	expect_err("[a]\nk = v\nnot a setting\n",
	           "~/.aws/config:3: expected 'key = value', a [section] header or a comment");
	expect_err("[a]\n = v\n", "~/.aws/config:2: expected a key name before '='");
	expect_err("[a]\n: v\n", "~/.aws/config:2: expected a key name before ':'");
	{
		struct ini *ini = NULL;
		static const char text[] = "[a]\nk = v\n\0\n";

		assert_int_equal(ini_parse("f", text, sizeof text - 1, &ini, &cause), -1);
		assert_string_equal(cause, "f:3: unexpected NUL byte: is this a text file?");
		assert_null(ini);
		free(cause);
	}
	/* A line that is a pasted secret is never quoted back. */
	cause = parse_err(
	    "[default]\naws_access_key_id = AKID\nwJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
	assert_null(strstr(cause, "wJalr"));
	assert_string_equal(
	    cause, "~/.aws/config:3: expected 'key = value', a [section] header or a comment");
	free(cause);
	cause = parse_err("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
	assert_null(strstr(cause, "wJalr"));
	free(cause);
	/* No cause pointer: still fails cleanly. */
	{
		struct ini *ini = NULL;

		assert_int_equal(ini_parse("f", "x", 1, &ini, NULL), -1);
		assert_null(ini);
	}
}

static void
test_split_words(void **state)
{
	char **w;
	size_t n;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ini_split_words("  /usr/bin/get-creds --json  'a b' \"c \\\" d\" e\\ f "
	                                 "g\"h\"i '' \"x\\y\"",
	                                 &w, &n, &cause),
	                 0);
	assert_int_equal(n, 8);
	assert_string_equal(w[0], "/usr/bin/get-creds");
	assert_string_equal(w[1], "--json");
	assert_string_equal(w[2], "a b");
	assert_string_equal(w[3], "c \" d");
	assert_string_equal(w[4], "e f");
	assert_string_equal(w[5], "ghi");
	assert_string_equal(w[6], "");
	assert_string_equal(w[7], "x\\y");
	assert_null(w[8]);
	ini_words_free(w);
	assert_int_equal(ini_split_words("", &w, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(w[0]);
	ini_words_free(w);
	assert_int_equal(ini_split_words("a 'b", &w, &n, &cause), -1);
	assert_string_equal(cause, "no closing quotation (')");
	free(cause);
	assert_int_equal(ini_split_words("a \"b", &w, &n, &cause), -1);
	assert_string_equal(cause, "no closing quotation (\")");
	free(cause);
	assert_int_equal(ini_split_words("a\\", &w, &n, &cause), -1);
	free(cause);
	ini_words_free(NULL);
}

static void
test_expand_path(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/tester", 1);
	setenv("ORGTOP_T_DIR", "/opt/x", 1);
	unsetenv("ORGTOP_T_UNSET");
	p = ini_expand_path("~/.aws/config");
	assert_string_equal(p, "/home/tester/.aws/config");
	free(p);
	p = ini_expand_path("~");
	assert_string_equal(p, "/home/tester");
	free(p);
	p = ini_expand_path("$ORGTOP_T_DIR/config");
	assert_string_equal(p, "/opt/x/config");
	free(p);
	p = ini_expand_path("${ORGTOP_T_DIR}c");
	assert_string_equal(p, "/opt/xc");
	free(p);
	p = ini_expand_path("$ORGTOP_T_UNSET/a/${ORGTOP_T_UNSET}/$/${");
	assert_string_equal(p, "$ORGTOP_T_UNSET/a/${ORGTOP_T_UNSET}/$/${");
	free(p);
	p = ini_expand_path("~root/x");
	assert_string_equal(p, "/root/x");
	free(p);
	p = ini_expand_path("~no-such-user-orgtop/x");
	assert_string_equal(p, "~no-such-user-orgtop/x");
	free(p);
	p = ini_expand_path("/etc/a~b");
	assert_string_equal(p, "/etc/a~b");
	free(p);
}

static void
test_load_missing_dir_and_modes(void **state)
{
	struct ini *ini = NULL;
	char *warn = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(ini_load(tmp_path("nope"), &ini, &warn, &cause), 1);
	assert_null(ini);
	assert_null(cause);
	assert_int_equal(ini_load(tmpdir, &ini, &warn, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	assert_non_null(strstr(cause, tmpdir));
	free(cause);
	cause = NULL;

	write_file(tmp_path("private"), "[a]\nk = v\n", 0600);
	assert_int_equal(ini_load(tmp_path("private"), &ini, &warn, &cause), 0);
	assert_null(warn);
	assert_string_equal(ini_path(ini), tmp_path("private"));
	ini_free(ini);

	write_file(tmp_path("open"), "[a]\nk = v\n", 0644);
	assert_int_equal(ini_load(tmp_path("open"), &ini, &warn, &cause), 0);
	assert_non_null(warn);
	assert_non_null(strstr(warn, tmp_path("open")));
	assert_non_null(strstr(warn, "permissions 0644 are too open"));
	assert_non_null(strstr(warn, "chmod 600"));
	ini_free(ini);
	write_file(tmp_path("group"), "[a]\n", 0640);
	assert_int_equal(ini_load(tmp_path("group"), &ini, &warn, &cause), 0);
	assert_non_null(strstr(warn, "permissions 0640"));
	/* Two warnings, two lines. */
	assert_non_null(strchr(strchr(warn, '\n') + 1, '\n'));
	free(warn);
	ini_free(ini);

	if (geteuid() != 0) {
		write_file(tmp_path("unreadable"), "[a]\n", 0000);
		assert_int_equal(ini_load(tmp_path("unreadable"), &ini, NULL, &cause), -1);
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
	}
	write_file(tmp_path("bad"), "[a]\nk = v\n[b\n", 0600);
	assert_int_equal(ini_load(tmp_path("bad"), &ini, NULL, &cause), -1);
	assert_non_null(strstr(cause, tmp_path("bad")));
	assert_non_null(strstr(cause, ":3: expected ']'"));
	free(cause);
}

static void
test_aws_view(void **state)
{
	struct ini_aws *a = NULL;
	const struct ini_section *p;
	const char *path;
	char *warn = NULL, *cause = NULL;
	char cfg[1024], creds[1024];

	(void)state;
	snprintf(cfg, sizeof cfg, "%s", data_path("config"));
	snprintf(creds, sizeof creds, "%s", data_path("credentials"));
	assert_int_equal(ini_aws_load(cfg, creds, &a, &warn, &cause), 0);
	free(warn);
	assert_string_equal(ini_aws_config_path(a), cfg);
	assert_string_equal(ini_aws_credentials_path(a), creds);

	p = ini_aws_profile(a, "default");
	assert_string_equal(ini_get(p, "region"), "eu-west-1");
	assert_string_equal(ini_get(p, "aws_access_key_id"), "AKIDDEFAULT00000");
	p = ini_aws_profile(a, "member-ro");
	assert_string_equal(ini_get(p, "source_profile"), "org-mgmt");
	assert_string_equal(ini_get(p, "duration_seconds"), "3600");
	assert_int_equal(ini_where(p, "role_arn", &path), 18);
	assert_string_equal(path, cfg);
	/* [preview] is not a profile; [profile proc] is. */
	assert_null(ini_aws_profile(a, "preview"));
	assert_null(ini_aws_profile(a, "profile proc"));
	assert_string_equal(ini_get(ini_aws_profile(a, "proc"), "credential_process"),
	                    "/usr/local/bin/get-creds --json");
	/* In both files: the credentials file wins, config-only keys stay. */
	p = ini_aws_profile(a, "shared");
	assert_string_equal(ini_get(p, "aws_access_key_id"), "AKIDCREDSFILE000");
	assert_string_equal(ini_get(p, "region"), "eu-central-1");
	assert_int_equal(ini_where(p, "aws_access_key_id", &path), 6);
	assert_string_equal(path, creds);
	assert_string_equal(ini_get(ini_aws_config_profile(a, "shared"), "aws_access_key_id"),
	                    "AKIDCONFIGFILE00");
	assert_null(ini_get(ini_aws_config_profile(a, "shared"), "aws_session_token"));
	assert_string_equal(ini_get(ini_aws_credentials_profile(a, "shared"), "aws_session_token"),
	                    "tokenshared");
	assert_null(ini_aws_credentials_profile(a, "member-ro"));

	p = ini_aws_sso_session(a, "corp");
	assert_string_equal(ini_get(p, "sso_region"), "eu-west-1");
	assert_null(ini_aws_profile(a, "corp"));
	p = ini_aws_services(a, "local");
	assert_string_equal(ini_get_sub(p, "sts", "endpoint_url"), "http://127.0.0.1:4566");
	assert_string_equal(ini_get_sub(p, "s3", "endpoint_url"), "http://127.0.0.1:4566/s3");
	assert_null(ini_aws_services(a, "nope"));
	ini_aws_free(a);
	ini_aws_free(NULL);
}

static void
test_aws_quirks(void **state)
{
	struct ini_aws *a = NULL;
	const struct ini_section *p;
	char *cause = NULL;

	(void)state;
	assert_int_equal(
	    ini_aws_load(data_path("quirks"), tmp_path("no-credentials"), &a, NULL, &cause), 0);
	p = ini_aws_profile(a, "default");
	assert_string_equal(ini_get(p, "region"), "us-east-1");
	assert_string_equal(ini_get(p, "output"), "text");
	assert_string_equal(ini_get(p, "foo"), "bar\nbaz\n\nqux");
	assert_string_equal(ini_get(p, "semi"), "x");
	/* [profile default] merges into [default]. */
	assert_string_equal(ini_get(p, "extra"), "yes");
	/* Section names are split like a shell does. */
	assert_string_equal(ini_get(ini_aws_profile(a, "spaced"), "x"), "1");
	assert_string_equal(ini_get(ini_aws_profile(a, "quoted name"), "y"), "2");
	assert_null(ini_aws_profile(a, "too"));
	assert_null(ini_aws_profile(a, "many"));
	p = ini_aws_profile(a, "a");
	assert_string_equal(ini_get(p, "k"), "last");
	assert_string_equal(ini_get(p, "j"), "kept");
	ini_aws_free(a);
}

static void
test_aws_env_paths_and_errors(void **state)
{
	struct ini_aws *a = NULL, *sentinel = (struct ini_aws *)&tmpdir;
	char *warn = NULL, *cause = NULL;
	char want[2048];

	(void)state;
	setenv("HOME", tmpdir, 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	/* No files at all: an empty view, not an error. */
	assert_int_equal(ini_aws_load(NULL, NULL, &a, &warn, &cause), 0);
	snprintf(want, sizeof want, "%s/.aws/config", tmpdir);
	assert_string_equal(ini_aws_config_path(a), want);
	snprintf(want, sizeof want, "%s/.aws/credentials", tmpdir);
	assert_string_equal(ini_aws_credentials_path(a), want);
	assert_null(ini_aws_profile(a, "default"));
	ini_aws_free(a);

	write_file(tmp_path("cfg"), "[profile envcfg]\nregion = sa-east-1\n", 0600);
	write_file(tmp_path("crd"), "[envcreds]\naws_access_key_id = A\n", 0644);
	setenv("ORGTOP_T_DIR", tmpdir, 1);
	setenv("AWS_CONFIG_FILE", "$ORGTOP_T_DIR/cfg", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_path("crd"), 1);
	assert_int_equal(ini_aws_load(NULL, NULL, &a, &warn, &cause), 0);
	assert_string_equal(ini_aws_config_path(a), tmp_path("cfg"));
	assert_string_equal(ini_get(ini_aws_profile(a, "envcfg"), "region"), "sa-east-1");
	assert_non_null(ini_aws_profile(a, "envcreds"));
	assert_non_null(warn);
	assert_non_null(strstr(warn, tmp_path("crd")));
	assert_null(strstr(warn, tmp_path("cfg")));
	free(warn);
	ini_aws_free(a);

	/* A broken credentials file: the error names it, *out untouched. */
	write_file(tmp_path("crd"), "[ok]\nx = 1\n\n[broken\n", 0600);
	a = sentinel;
	assert_int_equal(ini_aws_load(NULL, NULL, &a, NULL, &cause), -1);
	assert_ptr_equal(a, sentinel);
	snprintf(want, sizeof want, "%s:4: expected ']' to close the section header",
	         tmp_path("crd"));
	assert_string_equal(cause, want);
	free(cause);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

/* A tiny deterministic generator (xorshift) for the differential test. */
static uint64_t rng = 88172645463325252u;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *
pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

/*
 * Writes a random config using only what botocore and orgtop both accept
 * (no BOM, no duplicates, no inline comments, which botocore keeps in the
 * value), into path.
 */
static void
gen_config(const char *path, int n)
{
	static const char *const names[] = {"default",         "profile a",        "profile b-2",
	                                    "profile \"q r\"", "sso-session corp", "services local",
	                                    "preview",         "profile  spaced"};
	static const char *const keys[] = {
	    "region",        "Output", "role_arn", "source_profile", "credential_process",
	    "sso_start_url", "x",      "KEY_2",    "endpoint_url",   "s3"};
	static const char *const vals[] = {
	    "us-east-1", "a=b=c", "arn:aws:iam::1:role/R", "https://x.example/start?a=1&b=2",
	    "v:w",       "",      "/bin/get --x 'y z'",    "value with  spaces",
	    "#hash",     ";semi"};
	static const char *const eol[] = {"\n", "\r\n"};
	FILE *f = fopen(path, "w");
	int used = 0;

	assert_non_null(f);
	(void)n;
	for (size_t si = 0; si < NELEM(names); si++) {
		int used_keys = 0;
		const char *e = pick(eol, NELEM(eol));

		if (rnd(3) == 0)
			continue;
		if (rnd(4) == 0)
			fprintf(f, "%s comment%s", rnd(2) ? "#" : ";", e);
		fprintf(f, "[%s]%s", names[si], e);
		used++;
		for (size_t ki = 0; ki < NELEM(keys); ki++) {
			if (rnd(2) == 0 || (used_keys & (1 << ki)))
				continue;
			used_keys |= 1 << ki;
			if (rnd(5) == 0) {
				/* A sub-section. */
				fprintf(f, "%s =%s", keys[ki], e);
				for (int j = 0, m = 1 + (int)rnd(3); j < m; j++)
					fprintf(f, "%*ssub%d = %s%s", 2 + (int)rnd(3), "", j,
					        pick(vals, NELEM(vals)), e);
				continue;
			}
			fprintf(f, "%s%s%s%s%s", keys[ki], rnd(2) ? " " : "", rnd(4) ? "=" : ":",
			        rnd(2) ? " " : "", pick(vals, NELEM(vals)));
			fputs(e, f);
			if (rnd(6) == 0)
				fprintf(f, "  continued line%s%s  more%s", e, rnd(2) ? e : "", e);
			if (rnd(6) == 0)
				fprintf(f, "%s", e);
			if (rnd(8) == 0)
				fprintf(f, "   # indented comment%s", e);
		}
	}
	if (used == 0)
		fputs("[default]\nregion = x\n", f);
	fclose(f);
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Our parse of path, as the JSON botocore's raw_config_parse would give. */
static void
dump_ours(const char *path, const char *out)
{
	struct ini *ini = NULL;
	char *cause = NULL;
	FILE *f;

	f = fopen(out, "w");
	assert_non_null(f);
	if (ini_load(path, &ini, NULL, &cause) != 0) {
		/* botocore must refuse it too. */
		fputs("\"ERROR\"\n", f);
		fclose(f);
		free(cause);
		return;
	}
	fputc('{', f);
	for (size_t i = 0; i < ini_section_count(ini); i++) {
		const struct ini_section *s = ini_section_at(ini, i);

		fprintf(f, "%s", i > 0 ? ", " : "");
		json_str(f, ini_section_name(s));
		fputs(": {", f);
		for (size_t k = 0; k < ini_key_count(s); k++) {
			const char *key = ini_key_at(s, k);

			fprintf(f, "%s", k > 0 ? ", " : "");
			json_str(f, key);
			fputs(": ", f);
			if (!ini_is_sub(s, key)) {
				json_str(f, ini_get(s, key));
				continue;
			}
			/* Sub-section keys: we keep them; ask for the ones the generator writes. */
			fputc('{', f);
			for (int j = 0, first = 1; j < 4; j++) {
				char sk[16];
				const char *v;

				snprintf(sk, sizeof sk, "sub%d", j);
				v = ini_get_sub(s, key, sk);
				if (v == NULL)
					continue;
				fprintf(f, "%s", first ? "" : ", ");
				first = 0;
				json_str(f, sk);
				fputs(": ", f);
				json_str(f, v);
			}
			fputc('}', f);
		}
		fputc('}', f);
	}
	fputs("}\n", f);
	fclose(f);
	ini_free(ini);
}

static const char differ_py[] =
    "import json, sys\n"
    "try:\n"
    "    import botocore.configloader as c\n"
    "except Exception:\n"
    "    # Debian's awscli package carries its own botocore (the CLI v2 one).\n"
    "    sys.path.insert(0, '/usr/lib/python3/dist-packages/awscli')\n"
    "    try:\n"
    "        import botocore.configloader as c\n"
    "    except Exception:\n"
    "        sys.exit(77)\n"
    "d, n = sys.argv[1], int(sys.argv[2])\n"
    "bad = 0\n"
    "for i in range(n):\n"
    "    try:\n"
    "        theirs = c.raw_config_parse('%s/c%d' % (d, i))\n"
    "        theirs = {k.strip(): v for k, v in theirs.items()}\n"
    "    except Exception:\n"
    "        theirs = 'ERROR'\n"
    "    ours = json.load(open('%s/o%d' % (d, i)))\n"
    "    # botocore keeps section names as written; we trim the whitespace around them.\n"
    "    if theirs != ours:\n"
    "        bad += 1\n"
    "        print('config %d differs:\\n botocore %r\\n orgtop   %r' % (i, theirs, ours),\n"
    "              file=sys.stderr)\n"
    "sys.exit(1 if bad else 0)\n";

static void
test_differential_botocore(void **state)
{
	char path[1100], out[1100], cmd[2400];
	const int n = 150;
	int st;
	FILE *f;

	(void)state;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/c%d", tmpdir, i);
		snprintf(out, sizeof out, "%s/o%d", tmpdir, i);
		gen_config(path, i);
		dump_ours(path, out);
	}
	snprintf(path, sizeof path, "%s/differ.py", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(differ_py, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "python3 '%s' '%s' %d", path, tmpdir, n);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) == 77 || WEXITSTATUS(st) == 127) {
		skip();
		return;
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_sections_and_keys),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_crlf_and_bom),
	    cmocka_unit_test(test_subsections),
	    cmocka_unit_test(test_continuation_lines),
	    cmocka_unit_test(test_values_keys_and_whitespace),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_errors_name_file_and_line),
	    cmocka_unit_test(test_split_words),
	    cmocka_unit_test(test_expand_path),
	    cmocka_unit_test(test_load_missing_dir_and_modes),
	    cmocka_unit_test(test_aws_view),
	    cmocka_unit_test(test_aws_quirks),
	    cmocka_unit_test(test_aws_env_paths_and_errors),
	    cmocka_unit_test(test_differential_botocore),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
