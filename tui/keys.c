/*
 * keys.c: the key table and its lookup.
 */
#include "tui/keys.h"

#include <curses.h>
#include <stdio.h>

#include "core/util.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 27
#define G KS_GRID
#define AC KS_ACCOUNT
#define H KS_HELP
#define P KS_PROMPT
#define V KS_VIEWS

const struct key_binding keys_table[] = {
	/* moving */
	{ 'k', V, ACT_UP, 0, "move up" },
	{ KEY_UP, V, ACT_UP, 0, "move up" },
	{ 'j', V, ACT_DOWN, 0, "move down" },
	{ KEY_DOWN, V, ACT_DOWN, 0, "move down" },
	{ 'h', G, ACT_LEFT, 0, "previous region column (scrolls sideways)" },
	{ KEY_LEFT, G, ACT_LEFT, 0, "previous region column (scrolls sideways)" },
	{ 'l', G, ACT_RIGHT, 0, "next region column (scrolls sideways)" },
	{ KEY_RIGHT, G, ACT_RIGHT, 0, "next region column (scrolls sideways)" },
	{ KEY_PPAGE, V, ACT_PAGE_UP, 0, "page up" },
	{ CTRL('b'), V, ACT_PAGE_UP, 0, "page up" },
	{ KEY_NPAGE, V, ACT_PAGE_DOWN, 0, "page down" },
	{ CTRL('f'), V, ACT_PAGE_DOWN, 0, "page down" },
	{ ' ', AC | H, ACT_PAGE_DOWN, 0, "page down" },
	{ CTRL('u'), V, ACT_HALF_UP, 0, "half a page up" },
	{ CTRL('d'), V, ACT_HALF_DOWN, 0, "half a page down" },
	{ 'g', V, ACT_TOP, 0, "first row" },
	{ KEY_HOME, V, ACT_TOP, 0, "first row" },
	{ 'G', V, ACT_BOTTOM, 0, "last row" },
	{ KEY_END, V, ACT_BOTTOM, 0, "last row" },
	{ '^', G, ACT_FIRST_COLUMN, 0, "the name column (no region selected)" },
	{ '$', G, ACT_LAST_COLUMN, 0, "last region column" },

	/* acting */
	{ '\n', V, ACT_ENTER, 0, "grid: open the account (on a cell: at that region), "
	    "OU: collapse/expand; account: show a finding's description" },
	{ '\r', V, ACT_ENTER, KF_HIDDEN, "open" },
	{ KEY_ENTER, V, ACT_ENTER, KF_HIDDEN, "open" },
	{ ' ', G, ACT_TOGGLE, 0, "collapse or expand the OU" },
	{ '-', G, ACT_COLLAPSE_ALL, 0, "collapse every OU" },
	{ '+', G, ACT_EXPAND_ALL, 0, "expand every OU" },
	{ '=', G, ACT_EXPAND_ALL, KF_HIDDEN, "expand every OU" },
	{ ESC, G, ACT_BACK, 0, "clear the filter" },
	{ ESC, AC | H, ACT_BACK, 0, "back" },
	{ 'q', AC | H, ACT_BACK, 0, "back" },
	{ KEY_BACKSPACE, AC | H, ACT_BACK, KF_HIDDEN, "back" },
	{ 'q', G, ACT_QUIT, 0, "quit" },
	{ 'Q', V, ACT_QUIT, 0, "quit from anywhere" },
	{ CTRL('c'), V, ACT_QUIT, KF_HIDDEN, "quit" },
	{ '/', G, ACT_FILTER, 0, "filter (incremental; Enter keeps, Esc cancels)" },
	{ ':', V, ACT_COMMAND, 0, "command (:sort :regions :layer :theme :export :refresh :q)" },
	{ 's', G, ACT_SORT, 0, "next sort: tree, name, compliance, severity, burn, spend" },
	{ 'S', G, ACT_SORT_REVERSE, 0, "reverse the sort order" },
	{ 'r', G, ACT_REFRESH, 0, "refresh everything now" },
	{ 'r', AC, ACT_REFRESH, 0, "refresh this account now" },
	{ 'p', V, ACT_PAUSE, 0, "pause or resume the automatic refresh" },
	{ 'y', G | AC, ACT_COPY_ID, 0, "copy the account id (OSC 52 clipboard, works over SSH)" },
	{ 't', V, ACT_NEXT_THEME, 0, "next theme" },
	{ 'n', G, ACT_NEXT_CHANGED, 0,
	    "next account that changed in the latest refresh, and what changed" },
	{ 'N', G, ACT_PREV_CHANGED, 0, "previous account that changed" },
	{ '\t', G, ACT_NEXT_LAYER, 0, "next layer" },
	{ KEY_BTAB, G, ACT_PREV_LAYER, 0, "previous layer" },
	{ '\t', AC, ACT_NEXT_LAYER, 0, "next section" },
	{ KEY_BTAB, AC, ACT_PREV_LAYER, 0, "previous section" },
	{ '0', G, ACT_LAYER_OVERVIEW, 0, "layer Overview (worst of all per cell)" },
	{ '1', G, ACT_LAYER_COMPLIANCE, 0, "layer Compliance (noncompliant rules)" },
	{ '2', G, ACT_LAYER_GUARDDUTY, 0, "layer GuardDuty (highest severity band and count)" },
	{ '3', G, ACT_LAYER_SPEND, 0, "layer Spend (month to date by region)" },
	{ '4', G, ACT_LAYER_SSO, 0, "layer SSO (principals per permission set)" },
	{ '1', AC, ACT_SECTION_1, 0, "section Compliance" },
	{ '2', AC, ACT_SECTION_2, 0, "section Findings" },
	{ '3', AC, ACT_SECTION_3, 0, "section Budgets" },
	{ '4', AC, ACT_SECTION_4, 0, "section Spend" },
	{ '5', AC, ACT_SECTION_5, 0, "section SSO" },
	{ '?', V, ACT_HELP, 0, "this help" },
	{ KEY_F(1), V, ACT_HELP, KF_HIDDEN, "this help" },
	{ CTRL('l'), V, ACT_REDRAW, 0, "redraw the screen" },
	{ KEY_MOUSE, V, ACT_MOUSE, 0, "mouse: click selects, double click opens, wheel scrolls" },
	{ KEY_RESIZE, V | P, ACT_RESIZE, KF_HIDDEN, "the terminal was resized" },

	/* the prompt */
	{ '\n', P, ACT_P_ACCEPT, 0, "run the command / keep the filter" },
	{ '\r', P, ACT_P_ACCEPT, KF_HIDDEN, "accept" },
	{ KEY_ENTER, P, ACT_P_ACCEPT, KF_HIDDEN, "accept" },
	{ ESC, P, ACT_P_CANCEL, 0, "cancel (the filter returns to what it was)" },
	{ CTRL('g'), P, ACT_P_CANCEL, 0, "cancel" },
	{ CTRL('c'), P, ACT_P_CANCEL, KF_HIDDEN, "cancel" },
	{ KEY_BACKSPACE, P, ACT_P_BACKSPACE, 0, "delete the character before the cursor" },
	{ 127, P, ACT_P_BACKSPACE, KF_HIDDEN, "delete backwards" },
	{ CTRL('h'), P, ACT_P_BACKSPACE, KF_HIDDEN, "delete backwards" },
	{ KEY_DC, P, ACT_P_DELETE, 0, "delete the character under the cursor" },
	{ CTRL('d'), P, ACT_P_DELETE, KF_HIDDEN, "delete forwards" },
	{ KEY_LEFT, P, ACT_P_LEFT, 0, "cursor left" },
	{ CTRL('b'), P, ACT_P_LEFT, KF_HIDDEN, "cursor left" },
	{ KEY_RIGHT, P, ACT_P_RIGHT, 0, "cursor right" },
	{ CTRL('f'), P, ACT_P_RIGHT, KF_HIDDEN, "cursor right" },
	{ KEY_HOME, P, ACT_P_HOME, 0, "start of line" },
	{ CTRL('a'), P, ACT_P_HOME, 0, "start of line" },
	{ KEY_END, P, ACT_P_END, 0, "end of line" },
	{ CTRL('e'), P, ACT_P_END, 0, "end of line" },
	{ CTRL('u'), P, ACT_P_KILL_LINE, 0, "delete to the start of the line" },
	{ CTRL('w'), P, ACT_P_KILL_WORD, 0, "delete the word before the cursor" },
	{ CTRL('k'), P, ACT_P_KILL_EOL, 0, "delete to the end of the line" },
	{ KEY_UP, P, ACT_P_HIST_PREV, 0, "previous entry in the history" },
	{ CTRL('p'), P, ACT_P_HIST_PREV, KF_HIDDEN, "history back" },
	{ KEY_DOWN, P, ACT_P_HIST_NEXT, 0, "next entry in the history" },
	{ CTRL('n'), P, ACT_P_HIST_NEXT, KF_HIDDEN, "history forward" },
	{ '\t', P, ACT_P_COMPLETE, 0, "complete the command, its argument or a file name" },
};

const size_t keys_count = NELEM(keys_table);

enum action
keys_lookup(int key, unsigned scope)
{
	for (size_t i = 0; i < keys_count; i++)
		if (keys_table[i].key == key && (keys_table[i].scopes & scope) != 0)
			return keys_table[i].action;
	return ACT_NONE;
}

static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ KEY_UP, "Up" },       { KEY_DOWN, "Down" },    { KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },   { KEY_NPAGE, "PgDn" },
	{ KEY_HOME, "Home" },   { KEY_END, "End" },      { KEY_ENTER, "Enter" },
	{ '\n', "Enter" },      { '\r', "Return" },      { ESC, "Esc" },
	{ '\t', "Tab" },        { KEY_BTAB, "S-Tab" },   { ' ', "Space" },
	{ KEY_BACKSPACE, "Bksp" }, { 127, "Bksp" },      { KEY_DC, "Del" },
	{ KEY_MOUSE, "Mouse" }, { KEY_RESIZE, "Resize" }, { KEY_F(1), "F1" },
};

const char *
keys_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < NELEM(key_names); i++)
		if (key_names[i].key == key)
			return key_names[i].name;
	if (key > 0 && key < 0x20)
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else
		snprintf(buf, len, "#%d", key);
	return buf;
}

static const char *const action_names[ACT__COUNT] = {
	[ACT_NONE] = "none",
	[ACT_UP] = "up",
	[ACT_DOWN] = "down",
	[ACT_LEFT] = "left",
	[ACT_RIGHT] = "right",
	[ACT_PAGE_UP] = "page-up",
	[ACT_PAGE_DOWN] = "page-down",
	[ACT_HALF_UP] = "half-up",
	[ACT_HALF_DOWN] = "half-down",
	[ACT_TOP] = "top",
	[ACT_BOTTOM] = "bottom",
	[ACT_FIRST_COLUMN] = "first-column",
	[ACT_LAST_COLUMN] = "last-column",
	[ACT_ENTER] = "enter",
	[ACT_TOGGLE] = "toggle",
	[ACT_COLLAPSE_ALL] = "collapse-all",
	[ACT_EXPAND_ALL] = "expand-all",
	[ACT_BACK] = "back",
	[ACT_QUIT] = "quit",
	[ACT_FILTER] = "filter",
	[ACT_COMMAND] = "command",
	[ACT_SORT] = "sort",
	[ACT_SORT_REVERSE] = "sort-reverse",
	[ACT_REFRESH] = "refresh",
	[ACT_PAUSE] = "pause",
	[ACT_COPY_ID] = "copy-id",
	[ACT_NEXT_THEME] = "next-theme",
	[ACT_NEXT_CHANGED] = "next-changed",
	[ACT_PREV_CHANGED] = "prev-changed",
	[ACT_NEXT_LAYER] = "next-layer",
	[ACT_PREV_LAYER] = "prev-layer",
	[ACT_LAYER_OVERVIEW] = "layer-overview",
	[ACT_LAYER_COMPLIANCE] = "layer-compliance",
	[ACT_LAYER_GUARDDUTY] = "layer-guardduty",
	[ACT_LAYER_SPEND] = "layer-spend",
	[ACT_LAYER_SSO] = "layer-sso",
	[ACT_SECTION_1] = "section-1",
	[ACT_SECTION_2] = "section-2",
	[ACT_SECTION_3] = "section-3",
	[ACT_SECTION_4] = "section-4",
	[ACT_SECTION_5] = "section-5",
	[ACT_HELP] = "help",
	[ACT_REDRAW] = "redraw",
	[ACT_RESIZE] = "resize",
	[ACT_MOUSE] = "mouse",
	[ACT_P_ACCEPT] = "accept",
	[ACT_P_CANCEL] = "cancel",
	[ACT_P_BACKSPACE] = "backspace",
	[ACT_P_DELETE] = "delete",
	[ACT_P_LEFT] = "cursor-left",
	[ACT_P_RIGHT] = "cursor-right",
	[ACT_P_HOME] = "line-start",
	[ACT_P_END] = "line-end",
	[ACT_P_KILL_LINE] = "kill-line",
	[ACT_P_KILL_WORD] = "kill-word",
	[ACT_P_KILL_EOL] = "kill-to-end",
	[ACT_P_HIST_PREV] = "history-prev",
	[ACT_P_HIST_NEXT] = "history-next",
	[ACT_P_COMPLETE] = "complete",
};

const char *
keys_action_name(enum action a)
{
	if ((unsigned)a >= ACT__COUNT || action_names[a] == NULL)
		return "?";
	return action_names[a];
}
