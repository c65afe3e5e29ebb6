/*
 * app.h: the dashboard on the event loop: one uv_loop_t for keys, signals,
 * redraws and (through the collector) every fetch.
 *
 *  - keys: a uv_poll_t on stdin, read with get_wch() until empty;
 *  - SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGCONT: uv_signal_t, started before
 *    the terminal is initialised; SIGWINCH and KEY_RESIZE take one path
 *    (TIOCGWINSZ, resizeterm, re-layout);
 *  - redraw: a uv_prepare_t draws at most once per loop iteration, and only
 *    when the UI state or the model generation changed; model-only changes
 *    are coalesced to at most ~30 frames a second (a one-shot timer), keys
 *    are drawn at once; wnoutrefresh per window, one doupdate();
 *  - time: one one-shot timer armed to the next moment something shown
 *    changes with time (the clock's minute, a data age); nothing else runs
 *    while idle.
 *
 * Quit (q, :q), Ctrl-C (130), SIGTERM and SIGHUP (0): input stops, the
 * terminal is restored, the save hook runs (the cache), the app's handles
 * close, app_run() returns the exit code. The terminal is also restored on
 * fatal paths (out of memory through xmalloc's hook, fatal signals).
 */
#ifndef ORGTOP_APP_H
#define ORGTOP_APP_H

#include <uv.h>

#include "tui/ui.h"

struct app_config {
	uv_loop_t *loop;         /* borrowed; the collector runs on it too */
	struct ui_config ui;
	void (*save)(void *arg); /* called once on the way out (the cache); may be NULL */
	void *save_arg;
};

struct app;

/*
 * Checks that the dashboard can run here: stdin and stdout are terminals and
 * TERM is usable. 0, or -1 with *cause suggesting --once (caller frees).
 */
int app_check_terminal(char **cause);

/*
 * Creates the app and starts its signal handlers (before the terminal is
 * touched). Theme warnings go to diag. NULL with *cause on failure.
 */
struct app *app_new(const struct app_config *cfg, struct buf *diag, char **cause);
/*
 * Initialises the terminal, runs the loop until the user quits, restores the
 * terminal. Returns the exit code (0, or 130 after Ctrl-C), or -1 with
 * *cause if the terminal could not be initialised.
 */
int app_run(struct app *a, char **cause);
/* The ui, to post messages (collect's message callback) or queue keys in tests. */
struct ui *app_ui(struct app *a);
/* Stops the app from outside (e.g. the collector failed for good). */
void app_quit(struct app *a, int code);
/* NULL-safe; the app's handles must be closed (app_run returned) or never started. */
void app_free(struct app *a);

/* Base64 of n bytes (for OSC 52). Caller frees the result. */
char *app_base64(const void *data, size_t n);

#endif
