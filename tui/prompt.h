/*
 * prompt.h: the one-line editor of `/` (filter) and `:` (command mode), with
 * a history per mode and Tab completion.
 *
 * The prompt edits UTF-8 text and keeps its cursor on character boundaries;
 * what it draws goes through core/text.h like everything else. The command
 * table (names, arguments, what completes them, help) lives here so that
 * completion, `:help` and the help screen agree.
 */
#ifndef ORGTOP_PROMPT_H
#define ORGTOP_PROMPT_H

#include <curses.h>
#include <stddef.h>

#include "tui/keys.h"

enum prompt_mode { PROMPT_OFF, PROMPT_FILTER, PROMPT_COMMAND };

/* prompt_key() results. */
enum { PROMPT_IGNORED, PROMPT_EDITED, PROMPT_MOVED, PROMPT_ACCEPTED, PROMPT_CANCELLED,
	PROMPT_COMPLETE };

/* What a command's argument completes from. */
enum prompt_arg { ARG_NONE, ARG_SORT, ARG_LAYER, ARG_THEME, ARG_REGIONS, ARG_FILE, ARG_FILTER };

struct prompt_command {
	const char *name;
	const char *alias;   /* or NULL */
	const char *args;    /* "NAME", "FILE.csv|FILE.json", or "" */
	enum prompt_arg arg;
	const char *help;
};

extern const struct prompt_command prompt_commands[];
extern const size_t prompt_ncommands;
/* The command named name (or its alias, or a unique prefix), or NULL. */
const struct prompt_command *prompt_command_find(const char *name);

struct prompt;

struct prompt *prompt_new(void);
void prompt_free(struct prompt *p);

void prompt_open(struct prompt *p, enum prompt_mode mode, const char *initial);
void prompt_close(struct prompt *p);
enum prompt_mode prompt_mode(const struct prompt *p);
/* The text being edited. Borrowed. */
const char *prompt_text(const struct prompt *p);
/* Cursor offset in bytes. */
size_t prompt_cursor(const struct prompt *p);

/*
 * Feeds an action (ACT_P_*) or, with act == ACT_NONE, a character (UTF-8
 * in ch, NUL-terminated). Accepting adds the line to the mode's history.
 * ACT_P_COMPLETE returns PROMPT_COMPLETE: the caller supplies candidates
 * through prompt_complete().
 */
int prompt_key(struct prompt *p, enum action act, const char *ch);

/*
 * The word being completed: the text before the cursor from its last space.
 * *word_index is its position among the words (0 = the command name).
 */
const char *prompt_word(struct prompt *p, size_t *word_index, size_t *start);
/*
 * Completes the current word from cands (n of them): one candidate replaces
 * the word (and adds a space unless it ends with '/'); several extend it to
 * their longest common prefix and show them as a hint. Returns how many matched.
 */
size_t prompt_complete(struct prompt *p, const char *const *cands, size_t n);

/* Candidates for the word under the cursor in command mode (commands, then their
 * argument kinds); the caller adds argument values. Fills *arg. */
size_t prompt_command_candidates(struct prompt *p, const char ***out, enum prompt_arg *arg);

/* Sets / clears the error (e.g. the filter's parse error) and the hint shown after the text. */
void prompt_set_error(struct prompt *p, const char *msg);
void prompt_set_hint(struct prompt *p, const char *msg);
const char *prompt_error(const struct prompt *p);

/* Draws the prompt on line y of w in cols columns; leaves the curses cursor at the edit point. */
void prompt_draw(const struct prompt *p, WINDOW *w, int y, int cols);

#endif
