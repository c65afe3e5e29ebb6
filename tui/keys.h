/*
 * keys.h: the one key table. Dispatch and the help screen are both generated
 * from it, so what `?` shows is what the keys do.
 *
 * Each binding names a key (a curses key code), the scopes it applies in
 * (a view or the prompt), the action and the help text. A key is looked up
 * in the scope of what has the focus; scopes are bits so one row can serve
 * several views. Within one scope a key has at most one binding (a test
 * checks it).
 */
#ifndef ORGTOP_KEYS_H
#define ORGTOP_KEYS_H

#include <stddef.h>

/* Scopes (bits). */
#define KS_GRID 0x01
#define KS_ACCOUNT 0x02
#define KS_HELP 0x04
#define KS_PROMPT 0x08
#define KS_VIEWS (KS_GRID | KS_ACCOUNT | KS_HELP)

/* Flags. */
#define KF_HIDDEN 0x01 /* dispatched, but not listed on the help screen */

enum action {
	ACT_NONE = 0,
	/* moving */
	ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HALF_UP, ACT_HALF_DOWN,
	ACT_TOP, ACT_BOTTOM, ACT_FIRST_COLUMN, ACT_LAST_COLUMN,
	/* acting */
	ACT_ENTER,          /* drill down; on a cell, into that region; open a finding */
	ACT_TOGGLE,         /* collapse/expand the OU */
	ACT_COLLAPSE_ALL, ACT_EXPAND_ALL,
	ACT_BACK,           /* leave the view (Esc in the grid clears the filter) */
	ACT_QUIT,
	ACT_FILTER, ACT_COMMAND,
	ACT_SORT, ACT_SORT_REVERSE,
	ACT_REFRESH, ACT_PAUSE, ACT_COPY_ID, ACT_NEXT_THEME,
	ACT_NEXT_CHANGED, ACT_PREV_CHANGED,
	ACT_NEXT_LAYER, ACT_PREV_LAYER,
	ACT_LAYER_OVERVIEW, ACT_LAYER_COMPLIANCE, ACT_LAYER_GUARDDUTY, ACT_LAYER_SPEND, ACT_LAYER_SSO,
	ACT_SECTION_1, ACT_SECTION_2, ACT_SECTION_3, ACT_SECTION_4, ACT_SECTION_5,
	ACT_HELP, ACT_REDRAW, ACT_RESIZE, ACT_MOUSE,
	/* the prompt's line editor */
	ACT_P_ACCEPT, ACT_P_CANCEL, ACT_P_BACKSPACE, ACT_P_DELETE, ACT_P_LEFT, ACT_P_RIGHT, ACT_P_HOME,
	ACT_P_END, ACT_P_KILL_LINE, ACT_P_KILL_WORD, ACT_P_KILL_EOL, ACT_P_HIST_PREV, ACT_P_HIST_NEXT,
	ACT_P_COMPLETE,
	ACT__COUNT
};

struct key_binding {
	int key;           /* curses key code or character */
	unsigned scopes;   /* KS_* bits */
	enum action action;
	unsigned flags;    /* KF_* */
	const char *help;  /* what it does, for the help screen */
};

/* The table, in help-screen order. */
extern const struct key_binding keys_table[];
extern const size_t keys_count;

/* The action bound to key in scope, or ACT_NONE. */
enum action keys_lookup(int key, unsigned scope);

/* A readable key name ("j", "Down", "PgDn", "C-l", "Space", "Tab"). Borrowed or in buf. */
const char *keys_name(int key, char *buf, size_t len);

/* The action's name as used in messages and tests ("down", "filter", ...). */
const char *keys_action_name(enum action a);

#endif
