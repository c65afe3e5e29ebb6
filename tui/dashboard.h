/*
 * dashboard.h: the dashboard as main.c calls it, whatever feeds it.
 *
 *   - dashboard_run(): the live dashboard over a collector (or over a model
 *     alone), until the user quits. main.c builds the loop, the model, the
 *     collector (and starts it) and the cache as for --once, then calls
 *     this; afterwards it frees the collector and closes the loop.
 *   - dashboard_open(): --open FILE, a saved orgtop/1 document, no AWS.
 *   - dashboard_list_themes(): --list-themes.
 *
 * The settings come from core/config.h (the file merged with the flags:
 * theme, ascii, color, mouse, profile, budget_warn/crit).
 */
#ifndef ORGTOP_DASHBOARD_H
#define ORGTOP_DASHBOARD_H

#include <stdio.h>
#include <uv.h>

struct model;
struct config;
struct collect;

struct dashboard_params {
	uv_loop_t *loop;             /* borrowed; the collector runs on it */
	struct model *model;         /* borrowed */
	const struct config *cfg;    /* borrowed */
	struct collect *collect;     /* borrowed; NULL without a collector */
	void (*save)(void *arg);     /* on the way out, after the terminal is restored (the cache) */
	void *save_arg;
	const char *start_message;   /* for the message line at start, or NULL */
	const char *start_warning;   /* the same as a warning (stays until Esc); wins; or NULL */
};

/*
 * Runs the dashboard until the user quits; the terminal is restored when it
 * returns. Sets the collector's message callback to the status line. The
 * exit code: 0, 130 after Ctrl-C, or 2 (after a message on stderr) when
 * stdin/stdout are not a usable terminal.
 */
int dashboard_run(const struct dashboard_params *p);

/* --open FILE: loads the document (a message and 2 if it is bad) and runs the dashboard. */
int dashboard_open(const char *path, const struct config *cfg);

/* --list-themes: the names on out, the directories searched on err. 0. */
int dashboard_list_themes(FILE *out, FILE *err);

#endif
