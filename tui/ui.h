/*
 * ui.h: the dashboard's state and its views, independent of the event loop.
 *
 * struct ui holds what the views share: the model (read only), the backend
 * to ask for work, the theme, the layer, sort and filter, the prompt, the
 * message line, the view stack and the curses windows (header, body,
 * footer). tui/app.c drives it from the libuv loop: keys in through
 * ui_key(), a frame out through ui_draw() once per loop iteration when
 * ui_wants_draw() says so. Tests drive it the same way on a curses screen
 * created with newterm(), without a loop.
 *
 * Views are ops tables (STYLE.md 4): the grid, the account view and help.
 */
#ifndef ORGTOP_UI_H
#define ORGTOP_UI_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "core/collect.h"
#include "core/log.h"
#include "tui/cells.h"
#include "tui/keys.h"
#include "tui/rows.h"
#include "tui/theme.h"

struct model;
struct filter;
struct prompt;
struct ui;

/*
 * What the dashboard asks of the collector (core/collect.h), as callbacks
 * so the TUI links and tests run without it. Any member may be NULL.
 */
struct ui_backend {
	void (*refresh_all)(void *arg);
	void (*refresh_account)(size_t account, void *arg);
	void (*fetch_detail)(size_t account, void *arg);
	void (*set_paused)(int paused, void *arg);
	/* patterns as collect_set_regions(); 0, or -1 with *cause (caller frees). */
	int (*set_regions)(const char *patterns, char **cause, void *arg);
	void (*progress)(struct collect_progress *out, void *arg);
	/* "arn:aws:sts::111111111111:assumed-role/OrgtopAudit/x", "" until known. */
	const char *(*caller_arn)(void *arg);
	void *arg;
};

struct ui_config {
	struct model *model;              /* borrowed; outlives the ui */
	const struct ui_backend *backend; /* borrowed; may be NULL */
	const char *profile;              /* for the header; NULL if none */
	const char *theme;                /* name or path; NULL = "default" */
	int ascii;                        /* force the ASCII glyphs */
	int no_color;
	int force_color;                  /* colours even with NO_COLOR (config color = always) */
	int no_mouse;
};

/* View ops (a view's state hangs off struct ui). */
struct view_ops {
	const char *name;
	unsigned scope;                                        /* KS_* for key lookup */
	void (*enter)(struct ui *ui);
	void (*leave)(struct ui *ui);
	void (*draw)(struct ui *ui, WINDOW *hdr, WINDOW *body);
	int (*key)(struct ui *ui, enum action act, int key);   /* 1 if handled */
	int (*mouse)(struct ui *ui, int y, int x, int event);  /* body coordinates */
	void (*resize)(struct ui *ui);
	/* Seconds until something time-dependent it shows changes; < 0: nothing. */
	double (*next_tick)(struct ui *ui);
};

/* Mouse events for view_ops.mouse. */
enum { UI_CLICK, UI_DOUBLE_CLICK, UI_WHEEL_UP, UI_WHEEL_DOWN };

/*
 * Message levels: the same numbers as core/log.h's (LOG_ERROR, LOG_WARN,
 * LOG_INFO), so the collector's levels pass straight through. Errors and
 * warnings stay on the message line until replaced or dismissed (Esc);
 * information goes after a few seconds.
 */
enum { UI_ERROR = LOG_ERROR, UI_WARN = LOG_WARN, UI_INFO = LOG_INFO };

/* Dirty bits. */
#define UI_DIRTY_HEADER 0x01
#define UI_DIRTY_BODY 0x02
#define UI_DIRTY_FOOTER 0x04
#define UI_DIRTY_ALL 0x07
#define UI_DIRTY_CLEAR 0x08 /* repaint the whole terminal (Ctrl-L, after a resume) */

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
#define UI_MAX_VIEWS 4

struct grid;
struct acct;
struct help;

struct ui {
	struct model *m;
	const struct ui_backend *be;
	char *profile;

	struct theme *theme;
	enum theme_colors colors;
	int no_color, force_color;
	int mouse;

	int rows, cols;       /* terminal size */
	int too_small;
	int attached;         /* curses windows exist */
	WINDOW *hdr, *body, *foot;
	unsigned dirty;
	double now;           /* wall clock of the frame being drawn */
	uint64_t gen_drawn;   /* model generation of the last frame */

	const struct view_ops *stack[UI_MAX_VIEWS];
	int depth;
	struct grid *grid;
	struct acct *acct;
	struct help *help;

	enum layer layer;
	enum sort_key sort;
	int sort_reverse;
	struct filter *filter;  /* never NULL (an empty filter matches all) */
	char *filter_saved;     /* the filter's text when `/` opened the prompt (Esc restores it) */
	struct prompt *prompt;

	char *msg;              /* sanitised; NULL if none */
	int msg_level;
	double msg_at;

	int paused;
	char *clipboard;        /* an account id waiting to be sent with OSC 52 */
	int quit;               /* -1 while running, else the exit code */

	/* mouse double-click detection */
	uint64_t last_click_ms;
	int last_click_y, last_click_x;
};

/*
 * Creates the ui. Theme problems (bad lines, a missing theme) are appended
 * to diag as messages for the user, and the built-in theme is used. Returns
 * NULL only when the theme named does not exist (with *cause).
 */
struct ui *ui_new(const struct ui_config *cfg, struct buf *diag, char **cause);
/* NULL-safe. Call ui_detach() first if attached. */
void ui_free(struct ui *ui);

/*
 * Attaches to the current curses screen (after initscr/newterm): colours,
 * theme pairs, keypad, mouse, windows sized to LINES x COLS.
 */
void ui_attach(struct ui *ui);
/* Deletes the windows (before endwin). */
void ui_detach(struct ui *ui);
/* The terminal is now rows x cols (after resizeterm). */
void ui_resize(struct ui *ui, int rows, int cols);

/*
 * One key: a curses key code (KEY_*), or a character (ch >= 0, is_char = 1)
 * from get_wch(). Returns 1 if it changed something.
 */
int ui_key(struct ui *ui, int key, int is_char);

/* 1 when a frame is due: the UI changed or the model generation moved. */
int ui_wants_draw(const struct ui *ui);
/*
 * Draws a frame for wall-clock time now: wnoutrefresh() of each window
 * that changed; the caller calls doupdate(). Returns 1 if it drew.
 */
int ui_draw(struct ui *ui, double now);
/* Seconds (from now) until something shown changes with time; < 0: never. */
double ui_next_tick(struct ui *ui, double now);

/* The exit code once the user quit, else -1. */
int ui_exit_code(const struct ui *ui);
/* Asks to quit with code (signals, :q). */
void ui_quit(struct ui *ui, int code);

/* A message for the status line (sanitised here). */
void ui_message(struct ui *ui, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The OSC 52 payload the app should send (the copied text), or NULL. Clears it. */
char *ui_take_clipboard(struct ui *ui);

/* Marks parts for redraw. */
void ui_dirty(struct ui *ui, unsigned bits);

/* --- for the views ----------------------------------------------------------- */

void ui_push(struct ui *ui, const struct view_ops *v);
void ui_pop(struct ui *ui);
const struct view_ops *ui_view(const struct ui *ui);
/* Replaces the filter (takes ownership). */
void ui_set_filter(struct ui *ui, struct filter *f);
void ui_set_layer(struct ui *ui, enum layer l);
void ui_set_sort(struct ui *ui, enum sort_key s, int reverse);
/* Loads and applies theme name; 0, or -1 with a message shown. */
int ui_set_theme(struct ui *ui, const char *name);
void ui_next_theme(struct ui *ui);
void ui_toggle_pause(struct ui *ui);
void ui_refresh(struct ui *ui, long account); /* account < 0: everything */
/* Puts account a's id on the clipboard (OSC 52) with a message. */
void ui_copy_id(struct ui *ui, size_t a);
/* Progress from the backend (zeroes without one). */
void ui_progress(const struct ui *ui, struct collect_progress *p);
/* Runs one ':' command line. */
void ui_command(struct ui *ui, const char *line);
/* Draws "data 0:41 old"-style age text of epoch t into out. */
void ui_age(double now, double t, char *out, size_t len);
/* The views. */
extern const struct view_ops grid_view, account_view, help_view;

#endif
