/*
 * test_creds_process.c: credential_process with real child processes on a
 * real uv loop: the JSON it must print, exit codes and stderr, signals,
 * timeouts, argv splitting, the environment the child sees, output caps,
 * refresh on expiry, and freeing the provider while the child runs.
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
#include <uv.h>

#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"
#include "core/util.h"
#include "core/xmalloc.h"

extern char **environ;

static char tmpdir[256];

static const char *
tmp_path(const char *name)
{
	static char path[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s/%s", tmpdir, name);
	return path[i];
}

/* Writes an executable /bin/sh script into the temp dir; returns its path. */
static const char *
script(const char *name, const char *body)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0700), 0);
	return path;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = xcalloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(s, 1, 65535, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/orgtop-test-proc-XXXXXX");
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

struct result {
	int calls;
	int ok;
	char akid[64];
	char token[64];
	double expiration;
	char err[1024];
};

static void
result_cb(struct creds *c, const char *err, int sso_expired, void *arg)
{
	struct result *r = arg;

	assert_int_equal(sso_expired, 0);
	r->calls++;
	if (c != NULL) {
		r->ok = 1;
		snprintf(r->akid, sizeof r->akid, "%s", creds_access_key_id(c));
		snprintf(r->token, sizeof r->token, "%s",
		         creds_session_token(c) != NULL ? creds_session_token(c) : "(none)");
		r->expiration = creds_expiration(c);
	} else {
		r->ok = 0;
		snprintf(r->err, sizeof r->err, "%s", err);
	}
}

/* Runs one get on a fresh provider for command; the loop is closed after. */
static void
run_command(const char *command, unsigned timeout_ms, struct result *r)
{
	uv_loop_t loop;
	struct creds_provider *p;
	char *cause = NULL;

	memset(r, 0, sizeof *r);
	uv_loop_init(&loop);
	p = creds__process_new(&loop, command, "proc", timeout_ms, &cause);
	assert_non_null(p);
	assert_string_equal(creds_provider_describe(p), "profile proc (credential_process)");
	/* 0: the child runs; 1 only when it could not even be started. */
	if (creds_provider_get(p, result_cb, r) == 0)
		assert_int_equal(r->calls, 0);
	else
		assert_int_equal(r->calls, 1);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(r->calls, 1);
	creds_provider_free(p);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
expect_error(const char *command, unsigned timeout_ms, const char *want)
{
	struct result r;

	run_command(command, timeout_ms, &r);
	assert_false(r.ok);
	if (strstr(r.err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", r.err, want);
}

static void
test_success(void **state)
{
	struct result r;
	char cmd[1100];

	(void)state;
	snprintf(cmd, sizeof cmd, "%s",
	         script("ok.sh",
	                "echo '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS0001\", "
	                "\"SecretAccessKey\": \"wJalrXUtnFEMI\", \"SessionToken\": \"tok1\", "
	                "\"Expiration\": \"2099-01-01T00:00:00Z\"}'"));
	run_command(cmd, 0, &r);
	assert_true(r.ok);
	assert_string_equal(r.akid, "ASIAPROCESS0001");
	assert_string_equal(r.token, "tok1");
	assert_true(r.expiration == 4070908800.0);

	/* No token, no expiration: keys that never expire. */
	snprintf(cmd, sizeof cmd, "%s",
	         script("static.sh", "printf '%s' '{\"Version\":1,\"AccessKeyId\":\"AKIAPROC\","
	                             "\"SecretAccessKey\":\"s\"}'"));
	run_command(cmd, 0, &r);
	assert_true(r.ok);
	assert_string_equal(r.token, "(none)");
	assert_true(r.expiration == 0);
}

static void
test_argv_split_like_a_shell(void **state)
{
	struct result r;
	char cmd[2048];
	char *args;

	(void)state;
	script("args.sh", "for a in \"$@\"; do printf '<%s>' \"$a\"; done > \"$ORGTOP_T_ARGS\"\n"
	                  "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'");
	setenv("ORGTOP_T_ARGS", tmp_path("args.out"), 1);
	snprintf(cmd, sizeof cmd, "%s --profile 'a b' \"c \\\" d\" e\\ f $HOME",
	         tmp_path("args.sh"));
	run_command(cmd, 0, &r);
	assert_true(r.ok);
	args = slurp(tmp_path("args.out"));
	/* No shell: $HOME is not expanded, quotes group words. */
	assert_string_equal(args, "<--profile><a b><c \" d><e f><$HOME>");
	free(args);
	unsetenv("ORGTOP_T_ARGS");
}

static void
test_child_environment_is_ours(void **state)
{
	struct result r;
	char cmd[1100];
	char *child;
	size_t ours = 0, theirs = 0;

	(void)state;
	setenv("ORGTOP_T_ENV", tmp_path("env.out"), 1);
	snprintf(cmd, sizeof cmd, "%s",
	         script("env.sh",
	                "env > \"$ORGTOP_T_ENV\"\n"
	                "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'"));
	run_command(cmd, 0, &r);
	assert_true(r.ok);
	child = slurp(tmp_path("env.out"));
	/* Every variable of ours is there, and nothing that looks like a credential was added. */
	for (char **e = environ; *e != NULL; e++) {
		if (strchr(*e, '\n') != NULL)
			continue;
		ours++;
		if (strstr(child, *e) == NULL)
			fail_msg("the child lacks %s", *e);
	}
	for (char *line = child; *line != '\0'; line = strchr(line, '\n') + 1) {
		if (strncmp(line, "AWS_", 4) == 0 && getenv("AWS_ACCESS_KEY_ID") == NULL)
			assert_null(strstr(line, "SECRET"));
		theirs++;
		if (strchr(line, '\n') == NULL)
			break;
	}
	/* sh adds PWD, SHLVL and _ at most. */
	assert_true(theirs <= ours + 3);
	free(child);
	unsetenv("ORGTOP_T_ENV");
}

static void
test_exit_status_and_stderr(void **state)
{
	char cmd[1100];

	(void)state;
	snprintf(cmd, sizeof cmd, "%s",
	         script("fail.sh",
	                "echo 'token expired: run vault login' >&2\necho second >&2\nexit 3"));
	expect_error(cmd, 0, "credential_process for profile 'proc' (");
	expect_error(cmd, 0, "fail.sh) exited with status 3: token expired: run vault login");
	snprintf(cmd, sizeof cmd, "%s", script("quiet.sh", "exit 1"));
	expect_error(cmd, 0, "exited with status 1: (nothing on stderr)");
	snprintf(cmd, sizeof cmd, "%s", script("killed.sh", "echo dying >&2\nkill -9 $$"));
	expect_error(cmd, 0, "was killed by signal 9: dying");
}

static void
test_bad_output(void **state)
{
	char cmd[1100];

	(void)state;
	snprintf(cmd, sizeof cmd, "%s", script("notjson.sh", "echo hello"));
	expect_error(cmd, 0, "notjson.sh): the credential_process output is not valid JSON");
	snprintf(cmd, sizeof cmd, "%s",
	         script("v2.sh",
	                "echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'"));
	expect_error(cmd, 0, "unsupported \"Version\" (only 1 is supported)");
	snprintf(cmd, sizeof cmd, "%s",
	         script("nosecret.sh", "echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'"));
	expect_error(cmd, 0, "has no \"SecretAccessKey\"");
	snprintf(cmd, sizeof cmd, "%s", script("empty.sh", "true"));
	expect_error(cmd, 0, "not valid JSON");
	snprintf(cmd, sizeof cmd, "%s", script("huge.sh", "head -c 200000 /dev/zero | tr '\\0' x"));
	expect_error(cmd, 0, "wrote more than 65536 bytes");
	snprintf(cmd, sizeof cmd, "%s",
	         script("expired.sh",
	                "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
	                "\"Expiration\":\"2001-01-01T00:00:00Z\"}'"));
	expect_error(cmd, 0, "the credentials it returned expired at 2001-01-01T00:00:00Z");
}

static void
test_cannot_run(void **state)
{
	char cmd[1100];
	char *cause = NULL;

	(void)state;
	expect_error(
	    "/nonexistent/orgtop-no-such-helper --x", 0,
	    "credential_process for profile 'proc': cannot run '/nonexistent/orgtop-no-such-helper'"
	    ": no such file or directory");
	snprintf(cmd, sizeof cmd, "%s", tmp_path("args.out.notexec"));
	script("args.out.notexec", "true");
	chmod(tmp_path("args.out.notexec"), 0600);
	expect_error(cmd, 0, "permission denied");
	assert_null(creds__process_new(uv_default_loop(), "get-creds 'unclosed", "p", 0, &cause));
	assert_string_equal(cause, "profile 'p': credential_process cannot be split into words: "
	                           "no closing quotation (')");
	free(cause);
	assert_null(creds__process_new(uv_default_loop(), "   ", "p", 0, &cause));
	assert_string_equal(cause, "profile 'p': credential_process is empty");
	free(cause);
}

static void
test_timeout_kills_the_child(void **state)
{
	char cmd[1100];
	uint64_t t0 = util_monotonic_ms();

	(void)state;
	snprintf(cmd, sizeof cmd, "%s", script("slow.sh", "exec sleep 30"));
	expect_error(cmd, 300, "slow.sh) did not finish within 1 s and was stopped");
	/* The loop closed, so the child was reaped: it did not live 30 s. */
	assert_true(util_monotonic_ms() - t0 < 5000);
}

static void
stop_cb(uv_timer_t *t)
{
	uv_stop(t->loop);
}

static void
test_free_while_running(void **state)
{
	uv_loop_t loop;
	struct creds_provider *p;
	struct result r = {0};
	char cmd[1100];
	char *cause = NULL;
	uv_timer_t t;
	uint64_t t0 = util_monotonic_ms();

	(void)state;
	uv_loop_init(&loop);
	snprintf(cmd, sizeof cmd, "%s", script("slow2.sh", "exec sleep 30"));
	p = creds__process_new(&loop, cmd, "proc", 0, &cause);
	assert_int_equal(creds_provider_get(p, result_cb, &r), 0);
	/* Let it start, then free the provider. */
	uv_timer_init(&loop, &t);
	uv_timer_start(&t, stop_cb, 100, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	creds_provider_free(p);
	assert_int_equal(r.calls, 1);
	assert_string_equal(r.err, "cancelled");
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_true(util_monotonic_ms() - t0 < 5000);
}

static void
test_refresh_runs_again(void **state)
{
	uv_loop_t loop;
	struct creds_provider *p;
	struct result r = {0};
	char cmd[1100], *cause = NULL, *count;

	(void)state;
	/* Each run appends a line and returns credentials that expire in 60 s. */
	setenv("ORGTOP_T_COUNT", tmp_path("count"), 1);
	snprintf(
	    cmd, sizeof cmd, "%s",
	    script("count.sh",
	           "echo run >> \"$ORGTOP_T_COUNT\"\n"
	           "n=$(wc -l < \"$ORGTOP_T_COUNT\")\n"
	           "exp=$(date -u -d '+60 seconds' +%Y-%m-%dT%H:%M:%SZ)\n"
	           "printf '{\"Version\":1,\"AccessKeyId\":\"ASIA%08d\",\"SecretAccessKey\":\"s\","
	           "\"SessionToken\":\"t\",\"Expiration\":\"%s\"}' $n $exp"));
	uv_loop_init(&loop);
	p = creds__process_new(&loop, cmd, "proc", 0, &cause);
	assert_int_equal(creds_provider_get(p, result_cb, &r), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(r.akid, "ASIA00000001");
	/* 60 s of life: the windows are 30 s and 20 s; fresh now, so served at once. */
	assert_int_equal(creds_provider_get(p, result_cb, &r), 1);
	assert_int_equal(creds__provider_fetches(p), 1);
	/* After ExpiredToken the caller invalidates: the process runs again. */
	creds_provider_invalidate(p);
	assert_int_equal(creds_provider_get(p, result_cb, &r), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(r.akid, "ASIA00000002");
	count = slurp(tmp_path("count"));
	assert_string_equal(count, "run\nrun\n");
	free(count);
	creds_provider_free(p);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	unsetenv("ORGTOP_T_COUNT");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_success),
	    cmocka_unit_test(test_argv_split_like_a_shell),
	    cmocka_unit_test(test_child_environment_is_ours),
	    cmocka_unit_test(test_exit_status_and_stderr),
	    cmocka_unit_test(test_bad_output),
	    cmocka_unit_test(test_cannot_run),
	    cmocka_unit_test(test_timeout_kills_the_child),
	    cmocka_unit_test(test_free_while_running),
	    cmocka_unit_test(test_refresh_runs_again),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
