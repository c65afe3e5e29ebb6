/*
 * app.c: the dashboard's event loop, terminal setup and teardown.
 */
#include "tui/app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/util.h"
#include "core/xmalloc.h"

#define FRAME_MS 33      /* model-driven redraws at most ~30 a second */
#define ESC_DELAY_MS 25
#define APP_NSIG 5

struct app {
	uv_loop_t *loop;
	struct ui *ui;
	void (*save)(void *arg);
	void *save_arg;

	uv_signal_t sig[APP_NSIG];
	uv_poll_t input;
	uv_prepare_t prepare;
	uv_timer_t tick;      /* the next time-dependent change */
	uv_timer_t coalesce;  /* a delayed model-driven frame */
	int nopen;            /* handles not yet closed */
	int input_started, started, closed;
	int empty_reads;
	uint64_t last_frame_ms;
	SCREEN *screen;
};

static const int app_signals[APP_NSIG] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGCONT };

/* The terminal to restore on fatal paths. */
static volatile sig_atomic_t curses_on;

static void
restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
}

static void
fatal_hook(void)
{
	restore_terminal();
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define APP_SANITIZED 1
#endif
#endif
#else
#define APP_SANITIZED 1
#endif

#ifndef APP_SANITIZED
static void
crash_handler(int sig)
{
	/* Not async-signal-safe in theory; htop does the same so a crash never leaves the
	 * terminal raw. The handler is reset, so the signal then kills as it would have. */
	restore_terminal();
	raise(sig);
}
#endif

static void
install_crash_handlers(void)
{
#ifndef APP_SANITIZED
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_handler;
	sa.sa_flags = (int)(SA_RESETHAND | SA_NODEFER);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NELEM(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
#endif
}

int
app_check_terminal(char **cause)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("the dashboard needs a terminal (stdin and stdout); for a report "
		    "use orgtop --once [--format table|json|csv]");
		return -1;
	}
	if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0 ||
	    strcmp(term, "unknown") == 0) {
		*cause = xasprintf("TERM=%s cannot show the dashboard; use orgtop --once "
		    "[--format table|json|csv], or set TERM (e.g. xterm-256color)",
		    term != NULL && term[0] != '\0' ? term : "(unset)");
		return -1;
	}
	return 0;
}

static void
on_close(uv_handle_t *h)
{
	struct app *a = h->data;

	a->nopen--;
}

static void
resize(struct app *a)
{
	struct winsize ws;
	int rows = LINES, cols = COLS;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	if (rows != LINES || cols != COLS)
		resizeterm(rows, cols);
	ui_resize(a->ui, LINES, COLS);
}

static void
stop_input(struct app *a)
{
	if (a->input_started) {
		uv_poll_stop(&a->input);
		a->input_started = 0;
	}
}

static void
check_quit(struct app *a)
{
	if (ui_exit_code(a->ui) >= 0) {
		stop_input(a);
		uv_stop(a->loop);
	}
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct app *a = h->data;

	switch (signum) {
	case SIGWINCH:
		if (curses_on)
			resize(a);
		break;
	case SIGINT:
		ui_quit(a->ui, 130);
		break;
	case SIGTERM:
	case SIGHUP:
		ui_quit(a->ui, 0);
		break;
	case SIGCONT:
		ui_dirty(a->ui, UI_DIRTY_ALL | UI_DIRTY_CLEAR);
		break;
	default:
		break;
	}
	check_quit(a);
}

static void
on_input(uv_poll_t *h, int status, int events)
{
	struct app *a = h->data;
	int got = 0;

	if (status < 0 || (events & UV_DISCONNECT)) {
		/* The terminal went away (SSH dropped before SIGHUP arrived). */
		ui_quit(a->ui, 0);
		check_quit(a);
		return;
	}
	for (int i = 0; i < 256; i++) {
		wint_t wc;
		int rc = wget_wch(stdscr, &wc);

		if (rc == ERR)
			break;
		got++;
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE)
			resize(a);
		else
			ui_key(a->ui, (int)wc, rc == OK);
		if (ui_exit_code(a->ui) >= 0)
			break;
	}
	/* Readable but nothing to read, again and again: the terminal is gone. */
	a->empty_reads = got == 0 ? a->empty_reads + 1 : 0;
	if (a->empty_reads > 1000)
		ui_quit(a->ui, 0);
	check_quit(a);
}

static void
on_timer(uv_timer_t *h)
{
	struct app *a = h->data;

	if (h == &a->tick)
		ui_dirty(a->ui, UI_DIRTY_ALL);
	/* the coalescing timer only wakes the loop: the prepare handle draws */
}

static void
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

char *
app_base64(const void *data, size_t n)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = tbl[v >> 18 & 63];
		*o++ = tbl[v >> 12 & 63];
		*o++ = i + 1 < n ? tbl[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* OSC 52: the only escape sequence orgtop writes itself. The payload is an account id. */
static void
send_clipboard(struct app *a)
{
	char *id = ui_take_clipboard(a->ui), *b64, *seq;

	if (id == NULL)
		return;
	b64 = app_base64(id, strlen(id));
	seq = xasprintf("\033]52;c;%s\a", b64);
	fflush(stdout);
	write_all(STDOUT_FILENO, seq, strlen(seq));
	free(seq);
	free(b64);
	free(id);
}

static void
arm_tick(struct app *a, double now)
{
	double s = ui_next_tick(a->ui, now);

	if (s < 0) {
		uv_timer_stop(&a->tick);
		return;
	}
	uv_timer_start(&a->tick, on_timer, (uint64_t)(s * 1000) + 5, 0);
}

static void
on_prepare(uv_prepare_t *h)
{
	struct app *a = h->data;
	uint64_t now_ms = uv_now(a->loop);
	double now;

	check_quit(a);
	if (ui_exit_code(a->ui) >= 0 || !ui_wants_draw(a->ui))
		return;
	/* Model-only changes: at most one frame per FRAME_MS. */
	if (a->ui->dirty == 0 && now_ms - a->last_frame_ms < FRAME_MS) {
		if (!uv_is_active((uv_handle_t *)&a->coalesce))
			uv_timer_start(&a->coalesce, on_timer, FRAME_MS - (now_ms - a->last_frame_ms),
			    0);
		return;
	}
	now = util_now();
	if (ui_draw(a->ui, now)) {
		doupdate();
		a->last_frame_ms = now_ms;
		send_clipboard(a);
	}
	arm_tick(a, now);
}

struct app *
app_new(const struct app_config *cfg, struct buf *diag, char **cause)
{
	struct app *a = xcalloc(1, sizeof(*a));

	a->loop = cfg->loop;
	a->save = cfg->save;
	a->save_arg = cfg->save_arg;
	a->ui = ui_new(&cfg->ui, diag, cause);
	if (a->ui == NULL) {
		free(a);
		return NULL;
	}
	/* Signals first: before the terminal is initialised (STYLE.md 9). */
	for (int i = 0; i < APP_NSIG; i++) {
		uv_signal_init(a->loop, &a->sig[i]);
		a->sig[i].data = a;
		a->nopen++;
		uv_signal_start(&a->sig[i], on_signal, app_signals[i]);
	}
	uv_prepare_init(a->loop, &a->prepare);
	a->prepare.data = a;
	a->nopen++;
	uv_timer_init(a->loop, &a->tick);
	a->tick.data = a;
	a->nopen++;
	uv_timer_init(a->loop, &a->coalesce);
	a->coalesce.data = a;
	a->nopen++;
	return a;
}

struct ui *
app_ui(struct app *a)
{
	return a->ui;
}

void
app_quit(struct app *a, int code)
{
	ui_quit(a->ui, code);
	check_quit(a);
}

static void
close_handles(struct app *a)
{
	if (a->closed)
		return;
	a->closed = 1;
	if (a->input.data != NULL)
		uv_close((uv_handle_t *)&a->input, on_close);
	for (int i = 0; i < APP_NSIG; i++)
		uv_close((uv_handle_t *)&a->sig[i], on_close);
	uv_close((uv_handle_t *)&a->prepare, on_close);
	uv_close((uv_handle_t *)&a->tick, on_close);
	uv_close((uv_handle_t *)&a->coalesce, on_close);
	/* Close callbacks run in the next iteration, which does not block while any are pending. */
	while (a->nopen > 0)
		uv_run(a->loop, UV_RUN_ONCE);
}

int
app_run(struct app *a, char **cause)
{
	int code;

	a->screen = newterm(NULL, stdout, stdin);
	if (a->screen == NULL) {
		*cause = xasprintf("cannot use the terminal (TERM=%s); use orgtop --once",
		    getenv("TERM") != NULL ? getenv("TERM") : "(unset)");
		close_handles(a);
		return -1;
	}
	curses_on = 1;
	xmalloc_set_fatal_hook(fatal_hook);
	install_crash_handlers();
	set_escdelay(ESC_DELAY_MS);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	ui_attach(a->ui);
	resize(a);
	uv_poll_init(a->loop, &a->input, STDIN_FILENO);
	a->input.data = a;
	a->nopen++;
	uv_poll_start(&a->input, UV_READABLE | UV_DISCONNECT, on_input);
	a->input_started = 1;
	uv_prepare_start(&a->prepare, on_prepare);
	a->started = 1;
	while (ui_exit_code(a->ui) < 0)
		uv_run(a->loop, UV_RUN_DEFAULT);
	code = ui_exit_code(a->ui);
	stop_input(a);
	ui_detach(a->ui);
	restore_terminal();
	delscreen(a->screen);
	a->screen = NULL;
	xmalloc_set_fatal_hook(NULL);
	if (a->save != NULL)
		a->save(a->save_arg);
	close_handles(a);
	return code;
}

void
app_free(struct app *a)
{
	if (a == NULL)
		return;
	close_handles(a);
	ui_free(a->ui);
	free(a);
}
