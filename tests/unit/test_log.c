/*
 * test_log.c: the --log FILE facility, on real files in a fresh directory.
 *
 * Mode 0600 whatever the umask, appending, refusing symbolic links and
 * non-files, narrowing a too-open file, levels, the line format, every
 * hostile corpus string kept on one line with no control byte, long lines
 * cut on a character boundary, errno preserved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

static char tmpdir[] = "/tmp/orgtop-test-log-XXXXXX";

static char *
path_in_tmp(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096], *s;
	size_t n;

	assert_non_null(f);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	s = buf_detach(&b);
	buf_done(&b);
	return s;
}

static size_t
count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* "2026-11-28T10:00:00.123Z LEVEL " */
static void
assert_line_format(const char *line, const char *tag)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ ";

	for (size_t i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd' ? (line[i] < '0' || line[i] > '9') : line[i] != shape[i])
			fail_msg("bad timestamp in line: %.60s", line);
	}
	if (strncmp(line + sizeof shape - 1, tag, 5) != 0 || line[sizeof shape - 1 + 5] != ' ')
		fail_msg("want level %s in line: %.60s", tag, line);
}

static void
test_create_mode_and_append(void **state)
{
	char *p = path_in_tmp("a.log"), *cause = NULL, *text;
	struct stat st;
	mode_t old = umask(0);
	size_t len;

	(void)state;
	assert_int_equal(log_open(p, LOG_INFO, &cause), 0);
	umask(old);
	assert_null(cause);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(log_enabled(LOG_INFO));
	assert_true(log_enabled(LOG_ERROR));
	assert_false(log_enabled(LOG_DEBUG));
	log_msg(LOG_WARN, "first %d", 1);
	log_msg(LOG_DEBUG, "not written %d", 2);
	log_close();
	assert_false(log_enabled(LOG_ERROR));
	log_msg(LOG_ERROR, "after close");
	log_close();

	/* Reopened: appended, never truncated. */
	assert_int_equal(log_open(p, LOG_TRACE, &cause), 0);
	log_msg(LOG_TRACE, "second");
	log_close();

	text = slurp(p, &len);
	assert_int_equal(count_lines(text, len), 4); /* 2 opening lines + 2 messages */
	assert_non_null(strstr(text, " WARN  first 1\n"));
	assert_non_null(strstr(text, " TRACE second\n"));
	assert_null(strstr(text, "not written"));
	assert_null(strstr(text, "after close"));
	assert_non_null(strstr(text, "log opened, level info"));
	assert_non_null(strstr(text, "log opened, level trace"));
	assert_line_format(text, "INFO ");
	assert_line_format(strchr(text, '\n') + 1, "WARN ");
	free(text);
	free(p);
}

static void
test_refuses_symlink_and_nonfiles(void **state)
{
	char *target = path_in_tmp("target.log"), *link = path_in_tmp("link.log");
	char *sub = path_in_tmp("subdir"), *missing = path_in_tmp("no/such/dir/x.log");
	char *cause = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(log_open(link, LOG_INFO, &cause), -1);
	assert_non_null(strstr(cause, "symbolic link"));
	assert_non_null(strstr(cause, link));
	free(cause);
	cause = NULL;
	/* The link was not followed: nothing was created behind it. */
	assert_int_equal(lstat(target, &st), -1);
	assert_false(log_enabled(LOG_ERROR));

	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(log_open(sub, LOG_INFO, &cause), -1);
	assert_non_null(strstr(cause, sub));
	free(cause);
	cause = NULL;

	assert_int_equal(log_open(missing, LOG_INFO, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	cause = NULL;

	assert_int_equal(log_open("/dev/null", LOG_INFO, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	cause = NULL;

	assert_int_equal(log_open("", LOG_INFO, &cause), -1);
	free(cause);
	assert_int_equal(log_open(target, (enum log_level)9, NULL), -1);
	free(target);
	free(link);
	free(sub);
	free(missing);
}

static void
test_narrows_open_mode(void **state)
{
	char *p = path_in_tmp("wide.log");
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	assert_int_equal(log_open(p, LOG_INFO, NULL), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	log_close();
	free(p);
}

static void
test_close_on_exec(void **state)
{
	char *p = path_in_tmp("cloexec.log");
	int flags = -1;

	(void)state;
	assert_int_equal(log_open(p, LOG_INFO, NULL), 0);
	/* The log's descriptor is the lowest one opened after ours. */
	for (int fd = 3; fd < 64; fd++) {
		char link[64], target[512];
		ssize_t n;

		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, p) == 0) {
			flags = fcntl(fd, F_GETFD);
			assert_true(fcntl(fd, F_GETFL) & O_APPEND);
			break;
		}
	}
	assert_true(flags >= 0);
	assert_true(flags & FD_CLOEXEC);
	log_close();
	free(p);
}

static void
test_levels(void **state)
{
	enum log_level l = LOG_ERROR;

	(void)state;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_DEBUG);
	assert_int_equal(log_level_parse("TRACE", &l), 0);
	assert_int_equal(l, LOG_TRACE);
	assert_int_equal(log_level_parse("Warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_equal(log_level_parse("verbose", &l), -1);
	assert_int_equal(log_level_parse(NULL, &l), -1);
	assert_int_equal(l, LOG_WARN);
	assert_string_equal(log_level_name(LOG_ERROR), "error");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name((enum log_level)42), "?");
}

/* Every hostile string, logged as an argument, stays on its line and visible. */
static void
test_hostile_scrubbed(void **state)
{
	const char *root = getenv("ORGTOP_ROOT");
	char *corpus_path = xasprintf("%s/tests/data/hostile/strings.json", root ? root : ".");
	char *p = path_in_tmp("hostile.log"), *json, *text, *line;
	cJSON *doc, *e;
	size_t len, nmsg = 0;

	(void)state;
	json = slurp(corpus_path, &len);
	doc = cJSON_Parse(json);
	assert_true(cJSON_IsArray(doc));
	assert_int_equal(log_open(p, LOG_DEBUG, NULL), 0);
	cJSON_ArrayForEach(e, doc)
	{
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(e, "text"));
		const char *hex = cJSON_GetStringValue(cJSON_GetObjectItem(e, "hex"));
		char raw[256];
		size_t n = 0;

		if (t == NULL) {
			for (; hex[2 * n] != '\0' && n < sizeof raw - 1; n++) {
				unsigned v;

				sscanf(hex + 2 * n, "%2x", &v);
				raw[n] = (char)v;
			}
			raw[n] = '\0';
			t = raw; /* a NUL inside ends it here, as it would for any %s */
		}
		log_msg(LOG_WARN, "account 222222222222 name '%s' (%s)", t,
		    cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")));
		nmsg++;
	}
	log_close();
	text = slurp(p, &len);
	assert_int_equal(count_lines(text, len), nmsg + 1);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_decode(text + i, len - i, &cp);

		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
		    (cp == 0xFFFD && n == 1))
			fail_msg("U+%04X (invalid or control) at %zu in the log", (unsigned)cp, i);
		i += n;
	}
	line = strchr(text, '\n') + 1;
	for (size_t i = 0; i < nmsg; i++) {
		char *end = strchr(line, '\n');

		assert_line_format(line, "WARN ");
		assert_non_null(strstr(line, "account 222222222222 name '"));
		line = end + 1;
	}
	assert_non_null(strstr(text, "name '\\e]0;pwned\\x07prod-account' (osc0_window_title)"));
	assert_non_null(strstr(text, "'invoice\\u{202e}gnp.exe'"));
	assert_non_null(strstr(text, "'%n%s%x%p%99999999s%1$n'"));
	cJSON_Delete(doc);
	free(json);
	free(text);
	free(p);
	free(corpus_path);
}

static void
test_long_lines_cut(void **state)
{
	char *p = path_in_tmp("long.log"), *text, *big, *line;
	size_t len;

	(void)state;
	big = xmalloc(100001);
	/* Three-byte characters, so a cut in the wrong place would split one. */
	for (size_t i = 0; i + 3 <= 99999; i += 3)
		memcpy(big + i, "\xe6\x97\xa5", 3);
	big[99999] = '\0';
	assert_int_equal(log_open(p, LOG_INFO, NULL), 0);
	log_msg(LOG_INFO, "big %s", big);
	memset(big, 'x', 2000);
	big[2000] = '\0';
	log_msg(LOG_INFO, "medium %s", big);
	log_msg(LOG_INFO, "escapes %s", "\x1b\x1b\x1b\x1b");
	log_close();
	text = slurp(p, &len);
	assert_int_equal(count_lines(text, len), 4);
	line = strchr(text, '\n') + 1;
	{
		char *end = strchr(line, '\n');
		struct buf b;

		assert_true((size_t)(end - line) <= LOG_LINE_MAX);
		assert_true(end - line > LOG_LINE_MAX - 16);
		assert_memory_equal(end - 3, "...", 3);
		/* Still valid UTF-8: sanitizing it again changes nothing. */
		buf_init(&b);
		text_sanitize(&b, line, (size_t)(end - line), -1, 0);
		assert_int_equal(b.len, (size_t)(end - line));
		buf_done(&b);
		line = end + 1;
	}
	assert_non_null(strstr(line, "medium xxxxxxxxxx"));
	assert_int_equal(strchr(line, '\n') - line, 25 + 6 + 7 + 2000);
	assert_non_null(strstr(text, "escapes \\e\\e\\e\\e\n"));
	free(text);
	free(big);
	free(p);
}

static void
test_errno_preserved(void **state)
{
	char *p = path_in_tmp("errno.log");

	(void)state;
	assert_int_equal(log_open(p, LOG_INFO, NULL), 0);
	errno = ENOSPC;
	log_msg(LOG_ERROR, "write failed: %s", strerror(ENOSPC));
	assert_int_equal(errno, ENOSPC);
	errno = EAGAIN;
	log_msg(LOG_TRACE, "filtered");
	assert_int_equal(errno, EAGAIN);
	log_close();
	errno = EPERM;
	log_msg(LOG_ERROR, "closed");
	assert_int_equal(errno, EPERM);
	free(p);
}

/* Removes what the tests made (the directory holds only files, a link and a subdir). */
static int
cleanup(void **state)
{
	static const char *const names[] = {"a.log", "target.log", "link.log", "wide.log",
	    "cloexec.log", "hostile.log", "long.log", "errno.log"};

	(void)state;
	for (size_t i = 0; i < NELEM(names); i++) {
		char *p = path_in_tmp(names[i]);

		unlink(p);
		free(p);
	}
	{
		char *p = path_in_tmp("subdir");

		rmdir(p);
		free(p);
	}
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_mode_and_append),
	    cmocka_unit_test(test_refuses_symlink_and_nonfiles),
	    cmocka_unit_test(test_narrows_open_mode),
	    cmocka_unit_test(test_close_on_exec),
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test(test_hostile_scrubbed),
	    cmocka_unit_test(test_long_lines_cut),
	    cmocka_unit_test(test_errno_preserved),
	};

	setlocale(LC_ALL, "C.UTF-8");
	text_init();
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	return cmocka_run_group_tests_name("log", tests, NULL, cleanup);
}
