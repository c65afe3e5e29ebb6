/*
 * test_tui_app.c: the dashboard's event loop on a real pseudo-terminal. A
 * child process starts a session with the pty as its controlling terminal
 * (as a login shell would) and runs the app; the parent types keys on the
 * master side, resizes it (the kernel sends SIGWINCH), sends signals, and
 * reads the screen back. Checked: keys, resize and the too-small message,
 * q / Ctrl-C / SIGINT / SIGTERM / SIGHUP with their exit codes and the
 * terminal restored, OSC 52 carrying a copied id, nothing drawn and no CPU
 * used while idle, and in the child every handle closed with
 * uv_loop_close() == 0.
 */
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/app.h"

#define EXIT_LOOP_NOT_CLOSED 99
#define EXIT_SETUP 98

struct step {
	unsigned at_ms;     /* since the start */
	const char *keys;   /* typed on the terminal */
	int cols, rows;     /* > 0: resize the terminal */
	int sig;            /* > 0: send this signal to the app */
	int mark;           /* note the output length and the app's CPU time now */
};

struct result {
	int code;           /* exit code, or -signal */
	struct buf screen;  /* everything the app wrote */
	size_t mark_len[4];
	long mark_ticks[4];
	int nmarks;
};

/* The child: a session on the pty, the app on it. Never returns. */
static void
child(const char *slave_name, struct model *m)
{
	struct app_config cfg;
	struct app *app;
	uv_loop_t loop;
	char *cause = NULL;
	int fd, code;

	setsid();
	fd = open(slave_name, O_RDWR); /* becomes the controlling terminal */
	if (fd < 0)
		_exit(EXIT_SETUP);
	dup2(fd, 0);
	dup2(fd, 1);
	if (fd > 1)
		close(fd);
	setenv("TERM", "xterm-256color", 1);
	if (uv_loop_init(&loop) != 0)
		_exit(EXIT_SETUP);
	memset(&cfg, 0, sizeof(cfg));
	cfg.loop = &loop;
	cfg.ui.model = m;
	cfg.ui.theme = "default";
	if (app_check_terminal(&cause) != 0)
		_exit(EXIT_SETUP);
	app = app_new(&cfg, NULL, &cause);
	if (app == NULL)
		_exit(EXIT_SETUP);
	code = app_run(app, &cause);
	app_free(app);
	if (uv_loop_close(&loop) != 0)
		_exit(EXIT_LOOP_NOT_CLOSED);
	fflush(stdout);
	_exit(code);
}

static uint64_t
now_ms(void)
{
	return util_monotonic_ms();
}

static long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	FILE *f;
	long ut = 0, st = 0;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* fields after the name: state(3) ... utime(14) stime(15) */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut,
	    &st) != 2)
		return -1;
	return ut + st;
}

static void
drain(int master, struct buf *out, int wait_ms)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	char b[8192];

	while (poll(&pfd, 1, wait_ms) > 0) {
		ssize_t n = read(master, b, sizeof(b));
		if (n <= 0)
			break;
		buf_add(out, b, (size_t)n);
		wait_ms = 0;
	}
}

static void
run_app(struct model *m, const struct step *steps, size_t n, int cols, int rows,
    struct result *res)
{
	struct winsize ws;
	int master, status;
	pid_t pid;
	uint64_t t0;
	char slave_name[128];

	memset(res, 0, sizeof(*res));
	buf_init(&res->screen);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	snprintf(slave_name, sizeof(slave_name), "%s", ptsname(master));
	memset(&ws, 0, sizeof(ws));
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)rows;
	ioctl(master, TIOCSWINSZ, &ws);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(master);
		child(slave_name, m);
	}
	t0 = now_ms();
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		uint64_t at = t0 + s->at_ms;

		while (now_ms() < at)
			drain(master, &res->screen, (int)(at - now_ms()));
		if (s->cols > 0) {
			ws.ws_col = (unsigned short)s->cols;
			ws.ws_row = (unsigned short)s->rows;
			ioctl(master, TIOCSWINSZ, &ws); /* the kernel signals the app */
		}
		if (s->keys != NULL)
			assert_int_equal(write(master, s->keys, strlen(s->keys)),
			    (ssize_t)strlen(s->keys));
		if (s->sig > 0)
			kill(pid, s->sig);
		if (s->mark && res->nmarks < 4) {
			drain(master, &res->screen, 20);
			res->mark_len[res->nmarks] = res->screen.len;
			res->mark_ticks[res->nmarks] = cpu_ticks(pid);
			res->nmarks++;
		}
	}
	/* until the child is gone (10 s at most) */
	for (uint64_t end = now_ms() + 10000;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		drain(master, &res->screen, 10);
		if (now_ms() > end) {
			w = 0;
			break;
		}
		usleep(2000);
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the app did not exit");
	}
	drain(master, &res->screen, 0);
	close(master);
	res->code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	assert_int_not_equal(res->code, EXIT_LOOP_NOT_CLOSED);
	assert_int_not_equal(res->code, EXIT_SETUP);
}

static int
contains(const struct buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s)) != NULL;
}

/* The terminal restored: the last thing written leaves the alternate screen. */
static int
restored(const struct buf *b)
{
	const char *rmcup = "\x1b[?1049l", *p = b->data, *last = NULL;

	while ((p = memmem(p, b->len - (size_t)(p - b->data), rmcup, strlen(rmcup))) != NULL) {
		last = p;
		p++;
	}
	return last != NULL && memmem(last, b->len - (size_t)(last - b->data), "\x1b[?1049h",
	    8) == NULL;
}

static void
test_keys_resize_copy_quit(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct result r;
	static const struct step steps[] = {
		{ .at_ms = 300, .cols = 120, .rows = 40 },
		{ .at_ms = 500, .keys = "jy" },
		{ .at_ms = 700, .cols = 60, .rows = 15 },
		{ .at_ms = 900, .cols = 100, .rows = 30 },
		{ .at_ms = 1100, .keys = "q" },
	};

	(void)state;
	run_app(m, steps, 5, 100, 30, &r);
	assert_int_equal(r.code, 0);
	assert_true(contains(&r.screen, "hq-management"));
	assert_true(contains(&r.screen, "111111111111"));
	/* OSC 52 with base64("111111111111") */
	assert_true(contains(&r.screen, "\x1b]52;c;MTExMTExMTExMTEx\x07"));
	assert_true(contains(&r.screen, "this terminal is 60x15"));
	assert_true(restored(&r.screen));
	buf_done(&r.screen);
	model_free(m);
}

static void
test_quit_paths(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct result r;
	static const struct {
		struct step step;
		int code;
	} cases[] = {
		{ { .at_ms = 300, .sig = SIGINT }, 130 },
		{ { .at_ms = 300, .sig = SIGTERM }, 0 },
		{ { .at_ms = 300, .sig = SIGHUP }, 0 },
		{ { .at_ms = 300, .keys = "\x03" }, 130 },   /* Ctrl-C typed: the tty's SIGINT */
		{ { .at_ms = 300, .keys = ":q\r" }, 0 },
		{ { .at_ms = 300, .keys = "Q" }, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_app(m, &cases[i].step, 1, 100, 30, &r);
		if (r.code != cases[i].code)
			fprintf(stderr, "case %zu: exit %d\n", i, r.code);
		assert_int_equal(r.code, cases[i].code);
		assert_true(restored(&r.screen));
		buf_done(&r.screen);
	}
	model_free(m);
}

static void
test_idle_draws_nothing(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct result r;
	static const struct step steps[] = {
		{ .at_ms = 600, .mark = 1 },
		{ .at_ms = 3600, .mark = 1 },
		{ .at_ms = 3650, .keys = "j" },
		{ .at_ms = 3700, .mark = 1 },
		{ .at_ms = 3800, .keys = "q" },
	};

	(void)state;
	/* data ten minutes old: nothing shown changes within seconds */
	model_mark_all_stale(m);
	run_app(m, steps, 5, 100, 30, &r);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.nmarks, 3);
	printf("# idle 3 s: %zu bytes drawn, %ld CPU ticks (1/100 s)\n",
	    r.mark_len[1] - r.mark_len[0], r.mark_ticks[1] - r.mark_ticks[0]);
	/* at most one clock-minute tick can fall in the window */
	assert_true(r.mark_len[1] - r.mark_len[0] < 200);
	if (getenv("ORGTOP_SANITIZER") == NULL)
		assert_true(r.mark_ticks[1] - r.mark_ticks[0] <= 1);
	/* and a key is drawn at once */
	assert_true(r.mark_len[2] > r.mark_len[1]);
	buf_done(&r.screen);
	model_free(m);
}

static void
test_not_a_terminal(void **state)
{
	char *cause = NULL;
	int p[2], save;
	const char *term = getenv("TERM");
	char *saved_term = term != NULL ? xstrdup(term) : NULL;

	(void)state;
	assert_int_equal(pipe(p), 0);
	fflush(stdout);
	save = dup(1);
	dup2(p[1], 1);
	assert_int_equal(app_check_terminal(&cause), -1);
	dup2(save, 1);
	close(save);
	close(p[0]);
	close(p[1]);
	assert_non_null(strstr(cause, "--once"));
	free(cause);
	cause = NULL;
	/* TERM=dumb on a terminal: also a clear message (checked without a tty too) */
	setenv("TERM", "dumb", 1);
	assert_int_equal(app_check_terminal(&cause), -1);
	assert_non_null(strstr(cause, "--once"));
	free(cause);
	if (saved_term != NULL)
		setenv("TERM", saved_term, 1);
	else
		unsetenv("TERM");
	free(saved_term);
}

static void
test_base64(void **state)
{
	char *b;

	(void)state;
	b = app_base64("111111111111", 12);
	assert_string_equal(b, "MTExMTExMTExMTEx");
	free(b);
	b = app_base64("a", 1);
	assert_string_equal(b, "YQ==");
	free(b);
	b = app_base64("ab", 2);
	assert_string_equal(b, "YWI=");
	free(b);
	b = app_base64("", 0);
	assert_string_equal(b, "");
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_resize_copy_quit),
		cmocka_unit_test(test_quit_paths),
		cmocka_unit_test(test_idle_draws_nothing),
		cmocka_unit_test(test_not_a_terminal),
		cmocka_unit_test(test_base64),
	};

	setlocale(LC_ALL, "C.UTF-8");
	text_init();
	unsetenv("NO_COLOR");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
