/*
 * ui.c: the dashboard state, key dispatch, commands, header and footer.
 */
#include "tui/ui.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/account.h"
#include "tui/draw.h"
#include "tui/export.h"
#include "tui/filter.h"
#include "tui/glyphs.h"
#include "tui/grid.h"
#include "tui/help.h"
#include "tui/prompt.h"

#define MSG_SECONDS 8
#define DOUBLE_CLICK_MS 400

struct ui *
ui_new(const struct ui_config *cfg, struct buf *diag, char **cause)
{
	struct ui *ui = xcalloc(1, sizeof(*ui));
	char *fcause = NULL;

	ui->m = cfg->model;
	ui->be = cfg->backend;
	ui->profile = cfg->profile != NULL ? xstrdup(cfg->profile) : NULL;
	ui->no_color = cfg->no_color;
	ui->force_color = cfg->force_color;
	ui->mouse = !cfg->no_mouse;
	ui->quit = -1;
	ui->dirty = UI_DIRTY_ALL;
	ui->gen_drawn = UINT64_MAX;
	glyphs_init(cfg->ascii);
	if (cfg->theme != NULL && cfg->theme[0] != '\0') {
		if (theme_load(cfg->theme, &ui->theme, diag, cause) != 0) {
			free(ui->profile);
			free(ui);
			return NULL;
		}
	} else {
		char *c = NULL;
		if (theme_load("default", &ui->theme, diag, &c) != 0) {
			free(c);
			ui->theme = theme_new();
		}
	}
	ui->filter = filter_parse("", &fcause);
	free(fcause);
	ui->prompt = prompt_new();
	ui->grid = grid_new();
	ui->acct = acct_new();
	ui->help = help_new();
	ui->stack[0] = &grid_view;
	ui->depth = 1;
	return ui;
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	grid_free(ui->grid);
	acct_free(ui->acct);
	help_free(ui->help);
	prompt_free(ui->prompt);
	filter_free(ui->filter);
	theme_free(ui->theme);
	free(ui->profile);
	free(ui->msg);
	free(ui->clipboard);
	free(ui->filter_saved);
	free(ui);
}

/* --- curses attachment and layout ------------------------------------------------ */

static void
delete_windows(struct ui *ui)
{
	if (ui->hdr != NULL)
		delwin(ui->hdr);
	if (ui->body != NULL)
		delwin(ui->body);
	if (ui->foot != NULL)
		delwin(ui->foot);
	ui->hdr = ui->body = ui->foot = NULL;
}

static void
layout(struct ui *ui)
{
	delete_windows(ui);
	ui->too_small = ui->cols < UI_MIN_COLS || ui->rows < UI_MIN_ROWS;
	if (ui->rows < 1 || ui->cols < 1)
		return;
	if (ui->too_small) {
		ui->hdr = newwin(ui->rows, ui->cols, 0, 0);
	} else {
		ui->hdr = newwin(1, ui->cols, 0, 0);
		ui->body = newwin(ui->rows - 3, ui->cols, 1, 0);
		ui->foot = newwin(2, ui->cols, ui->rows - 2, 0);
	}
	for (WINDOW *w = ui->hdr; w != NULL; w = w == ui->hdr ? ui->body : w == ui->body ? ui->foot
	                                                                                 : NULL) {
		leaveok(w, TRUE);
		scrollok(w, FALSE);
		idlok(w, FALSE);
	}
	/* stdscr is only read from (keys); keep curses from repainting it over the windows. */
	untouchwin(stdscr);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i]->resize != NULL)
			ui->stack[i]->resize(ui);
	ui->dirty |= UI_DIRTY_ALL | UI_DIRTY_CLEAR;
}

void
ui_attach(struct ui *ui)
{
	ui->colors = theme_detect_colors(ui->no_color, ui->force_color);
	theme_apply(ui->theme, ui->colors);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	noecho();
	curs_set(0);
	if (ui->mouse) {
		mouseinterval(0);
		mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED,
		    NULL);
	}
	ui->attached = 1;
	ui->rows = LINES;
	ui->cols = COLS;
	layout(ui);
}

void
ui_detach(struct ui *ui)
{
	if (!ui->attached)
		return;
	if (ui->mouse)
		mousemask(0, NULL);
	delete_windows(ui);
	ui->attached = 0;
}

void
ui_resize(struct ui *ui, int rows, int cols)
{
	ui->rows = rows;
	ui->cols = cols;
	if (ui->attached)
		layout(ui);
}

void
ui_dirty(struct ui *ui, unsigned bits)
{
	ui->dirty |= bits;
}

/* --- state changes ------------------------------------------------------------- */

void
ui_message(struct ui *ui, int level, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->msg);
	ui->msg = text_clean(raw, draw_text_flags());
	free(raw);
	ui->msg_level = level;
	ui->msg_at = ui->now > 0 ? ui->now : util_now();
	ui->dirty |= UI_DIRTY_FOOTER;
}

char *
ui_take_clipboard(struct ui *ui)
{
	char *c = ui->clipboard;

	ui->clipboard = NULL;
	return c;
}

int
ui_exit_code(const struct ui *ui)
{
	return ui->quit;
}

void
ui_quit(struct ui *ui, int code)
{
	if (ui->quit < 0)
		ui->quit = code;
}

void
ui_push(struct ui *ui, const struct view_ops *v)
{
	if (ui->depth >= UI_MAX_VIEWS)
		return;
	ui->stack[ui->depth++] = v;
	if (v->enter != NULL)
		v->enter(ui);
	ui->dirty |= UI_DIRTY_ALL;
}

void
ui_pop(struct ui *ui)
{
	const struct view_ops *v;

	if (ui->depth <= 1)
		return;
	v = ui->stack[--ui->depth];
	if (v->leave != NULL)
		v->leave(ui);
	ui->dirty |= UI_DIRTY_ALL;
}

const struct view_ops *
ui_view(const struct ui *ui)
{
	return ui->stack[ui->depth - 1];
}

void
ui_set_filter(struct ui *ui, struct filter *f)
{
	filter_free(ui->filter);
	ui->filter = f;
	grid_invalidate(ui);
	ui->dirty |= UI_DIRTY_ALL;
}

void
ui_set_layer(struct ui *ui, enum layer l)
{
	if ((unsigned)l >= LAYER__COUNT)
		return;
	ui->layer = l;
	grid_invalidate(ui);
	ui->dirty |= UI_DIRTY_ALL;
}

void
ui_set_sort(struct ui *ui, enum sort_key s, int reverse)
{
	if ((unsigned)s >= SORT__COUNT)
		return;
	ui->sort = s;
	ui->sort_reverse = reverse;
	grid_invalidate(ui);
	ui->dirty |= UI_DIRTY_ALL;
}

int
ui_set_theme(struct ui *ui, const char *name)
{
	struct theme *t = NULL;
	struct buf diag;
	char *cause = NULL;

	buf_init(&diag);
	if (theme_load(name, &t, &diag, &cause) != 0) {
		ui_message(ui, UI_ERROR, "%s", cause);
		free(cause);
		buf_done(&diag);
		return -1;
	}
	theme_free(ui->theme);
	ui->theme = t;
	if (ui->attached)
		theme_apply(ui->theme, ui->colors);
	if (diag.len > 0) {
		size_t nl = strcspn(diag.data, "\n");
		ui_message(ui, UI_WARN, "theme %s: %.*s", theme_name(t), (int)nl, diag.data);
	} else {
		ui_message(ui, UI_INFO, "theme: %s%s", theme_name(t),
		    ui->colors == THEME_MONO ? " (no colours: attributes only)" : "");
	}
	buf_done(&diag);
	ui->dirty |= UI_DIRTY_ALL | UI_DIRTY_CLEAR;
	return 0;
}

void
ui_next_theme(struct ui *ui)
{
	size_t n, i;
	char **names = theme_list(&n);

	for (i = 0; i < n; i++)
		if (strcmp(names[i], theme_name(ui->theme)) == 0)
			break;
	i = i >= n ? 0 : (i + 1) % n;
	ui_set_theme(ui, names[i]);
	theme_list_free(names, n);
}

void
ui_toggle_pause(struct ui *ui)
{
	ui->paused = !ui->paused;
	if (ui->be != NULL && ui->be->set_paused != NULL)
		ui->be->set_paused(ui->paused, ui->be->arg);
	ui_message(ui, UI_INFO, "%s", ui->paused ? "automatic refresh paused (p resumes; r still "
	    "refreshes)" : "automatic refresh resumed");
	ui->dirty |= UI_DIRTY_ALL;
}

void
ui_refresh(struct ui *ui, long account)
{
	if (ui->be == NULL || (account < 0 && ui->be->refresh_all == NULL) ||
	    (account >= 0 && ui->be->refresh_account == NULL)) {
		ui_message(ui, UI_WARN, "nothing to refresh from (no collector)");
		return;
	}
	if (account < 0) {
		ui->be->refresh_all(ui->be->arg);
		ui_message(ui, UI_INFO, "refreshing everything");
	} else {
		const struct model_account *acc = model_account(ui->m, (size_t)account);
		ui->be->refresh_account((size_t)account, ui->be->arg);
		if (ui->be->fetch_detail != NULL)
			ui->be->fetch_detail((size_t)account, ui->be->arg);
		ui_message(ui, UI_INFO, "refreshing %s (%s)", acc->name, acc->id);
	}
}

void
ui_copy_id(struct ui *ui, size_t a)
{
	const struct model_account *acc = model_account(ui->m, a);

	if (acc == NULL)
		return;
	free(ui->clipboard);
	ui->clipboard = xstrdup(acc->id);
	ui_message(ui, UI_INFO, "sent %s to the terminal's clipboard (OSC 52)", acc->id);
}

void
ui_progress(const struct ui *ui, struct collect_progress *p)
{
	memset(p, 0, sizeof(*p));
	if (ui->be != NULL && ui->be->progress != NULL)
		ui->be->progress(p, ui->be->arg);
	if (ui->paused)
		p->paused = 1;
}

void
ui_age(double now, double t, char *out, size_t len)
{
	double a = now - t;

	if (t <= 0) {
		snprintf(out, len, "never");
		return;
	}
	if (a < 0)
		a = 0;
	if (a < 60)
		snprintf(out, len, "%ds", (int)a);
	else if (a < 3600)
		snprintf(out, len, "%dm", (int)(a / 60));
	else if (a < 86400)
		snprintf(out, len, "%dh%02dm", (int)(a / 3600), (int)fmod(a / 60, 60));
	else
		snprintf(out, len, "%dd", (int)(a / 86400));
}

/* Seconds until ui_age() of t shows something else. */
static double
age_tick(double now, double t)
{
	double a = now - t;

	if (t <= 0)
		return -1;
	if (a < 0)
		return -a;
	if (a < 60)
		return 1 - fmod(a, 1);
	if (a < 86400)
		return 60 - fmod(a, 60);
	return 86400 - fmod(a, 86400);
}

/* --- commands ------------------------------------------------------------------ */

static void export_cmd(struct ui *ui, const char *arg);

static void
sort_cmd(struct ui *ui, char *arg)
{
	char *sp = strchr(arg, ' ');
	int reverse = 0, s;

	if (sp != NULL) {
		*sp++ = '\0';
		while (*sp == ' ')
			sp++;
		if (util_strcasecmp(sp, "reverse") == 0 || util_strcasecmp(sp, "rev") == 0)
			reverse = 1;
	}
	s = rows_sort_parse(arg);
	if (s < 0) {
		ui_message(ui, UI_ERROR, ":sort: '%s' is not one of tree, name, compliance, "
		    "severity, burn, spend", arg);
		return;
	}
	ui_set_sort(ui, (enum sort_key)s, reverse);
	ui_message(ui, UI_INFO, "sort: %s%s", rows_sort_name((enum sort_key)s),
	    reverse ? " (reversed)" : "");
}

static void
regions_cmd(struct ui *ui, const char *arg)
{
	char *cause = NULL;

	if (ui->be == NULL || ui->be->set_regions == NULL) {
		ui_message(ui, UI_WARN, ":regions: no collector to ask");
		return;
	}
	if (ui->be->set_regions(arg, &cause, ui->be->arg) != 0) {
		ui_message(ui, UI_ERROR, ":regions: %s", cause != NULL ? cause : "refused");
		free(cause);
		return;
	}
	ui_message(ui, UI_INFO, "regions: %s", arg);
}

void
ui_command(struct ui *ui, const char *line)
{
	char *copy = xstrdup(line), *cmd = copy, *arg;
	const struct prompt_command *c;

	while (*cmd == ' ')
		cmd++;
	arg = cmd + strcspn(cmd, " ");
	if (*arg != '\0')
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	for (size_t n = strlen(arg); n > 0 && arg[n - 1] == ' '; n--)
		arg[n - 1] = '\0';
	if (*cmd == '\0')
		goto out;
	c = prompt_command_find(cmd);
	if (c == NULL) {
		ui_message(ui, UI_ERROR, "unknown command ':%s' (Tab completes, :help lists them)",
		    cmd);
		goto out;
	}
	if (c->args[0] != '\0' && c->arg != ARG_NONE && *arg == '\0' && c->arg != ARG_FILTER) {
		ui_message(ui, UI_ERROR, ":%s needs %s", c->name, c->args);
		goto out;
	}
	if (strcmp(c->name, "sort") == 0) {
		sort_cmd(ui, arg);
	} else if (strcmp(c->name, "regions") == 0) {
		regions_cmd(ui, arg);
	} else if (strcmp(c->name, "layer") == 0) {
		int l = cells_layer_parse(arg);
		if (l < 0)
			ui_message(ui, UI_ERROR, ":layer: '%s' is not one of overview, compliance, "
			    "guardduty, spend, sso", arg);
		else
			ui_set_layer(ui, (enum layer)l);
	} else if (strcmp(c->name, "theme") == 0) {
		ui_set_theme(ui, arg);
	} else if (strcmp(c->name, "export") == 0) {
		export_cmd(ui, arg);
	} else if (strcmp(c->name, "filter") == 0) {
		char *cause = NULL;
		struct filter *f = filter_parse(arg, &cause);
		if (f == NULL) {
			ui_message(ui, UI_ERROR, "filter: %s", cause);
			free(cause);
		} else {
			ui_set_filter(ui, f);
		}
	} else if (strcmp(c->name, "refresh") == 0) {
		ui_refresh(ui, -1);
	} else if (strcmp(c->name, "pause") == 0) {
		if (!ui->paused)
			ui_toggle_pause(ui);
	} else if (strcmp(c->name, "resume") == 0) {
		if (ui->paused)
			ui_toggle_pause(ui);
	} else if (strcmp(c->name, "collapse") == 0 || strcmp(c->name, "expand") == 0) {
		ui_key(ui, strcmp(c->name, "collapse") == 0 ? '-' : '+', 1);
	} else if (strcmp(c->name, "help") == 0) {
		if (ui_view(ui) != &help_view)
			ui_push(ui, &help_view);
	} else if (strcmp(c->name, "quit") == 0) {
		ui_quit(ui, 0);
	}
out:
	free(copy);
}

/* --- export (the filtered view) -------------------------------------------------- */

static void
export_cmd(struct ui *ui, const char *arg)
{
	size_t *acc = NULL, *reg = NULL, na = 0, nr = 0;
	char *cause = NULL;

	grid_subset(ui, &acc, &na, &reg, &nr);
	if (export_write(ui->m, arg, acc, na, reg, nr, &cause) != 0) {
		ui_message(ui, UI_ERROR, ":export: %s", cause);
		free(cause);
	} else {
		ui_message(ui, UI_INFO, "exported %zu account%s x %zu region%s to %s", na,
		    na == 1 ? "" : "s", nr, nr == 1 ? "" : "s", arg);
	}
	free(acc);
	free(reg);
}

/* --- completion ---------------------------------------------------------------- */

struct cands {
	const char **v;
	char **owned;
	size_t n, nowned;
};

static void
cand_add(struct cands *c, const char *s, int copy)
{
	c->v = xreallocarray(c->v, c->n + 1, sizeof(char *));
	if (copy) {
		c->owned = xreallocarray(c->owned, c->nowned + 1, sizeof(char *));
		c->owned[c->nowned] = xstrdup(s);
		s = c->owned[c->nowned++];
	}
	c->v[c->n++] = s;
}

static void
file_cands(struct cands *c, const char *word)
{
	const char *slash = strrchr(word, '/');
	char *dir = slash != NULL ? xstrndup(word, (size_t)(slash - word + 1)) : xstrdup("");
	const char *base = slash != NULL ? slash + 1 : word;
	DIR *d = opendir(dir[0] != '\0' ? dir : ".");
	struct dirent *de;
	size_t count = 0;

	if (d == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL && count < 200) {
		char *full;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		full = xasprintf("%s%s%s", dir, de->d_name, de->d_type == DT_DIR ? "/" : "");
		cand_add(c, full, 1);
		free(full);
		count++;
	}
	closedir(d);
	free(dir);
}

static void
complete(struct ui *ui)
{
	struct prompt *p = ui->prompt;
	struct cands c = { 0 };
	const char **base = NULL;
	enum prompt_arg arg;
	size_t n;
	char **themes = NULL;
	size_t nthemes = 0;

	if (prompt_mode(p) != PROMPT_COMMAND)
		return;
	n = prompt_command_candidates(p, &base, &arg);
	for (size_t i = 0; i < n; i++)
		cand_add(&c, base[i], 0);
	free(base);
	switch (arg) {
	case ARG_SORT:
		for (int i = 0; i < SORT__COUNT; i++)
			cand_add(&c, rows_sort_name((enum sort_key)i), 0);
		break;
	case ARG_LAYER:
		for (int i = 0; i < LAYER__COUNT; i++) {
			char lname[16];
			snprintf(lname, sizeof(lname), "%s", cells_layer_name((enum layer)i));
			for (char *q = lname; *q != '\0'; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q + 32);
			cand_add(&c, lname, 1);
		}
		break;
	case ARG_THEME:
		themes = theme_list(&nthemes);
		for (size_t i = 0; i < nthemes; i++)
			cand_add(&c, themes[i], 0);
		break;
	case ARG_REGIONS:
		for (size_t i = 0; i < model_nregions(ui->m); i++)
			cand_add(&c, model_region(ui->m, i), 0);
		break;
	case ARG_FILE:
		file_cands(&c, prompt_word(p, NULL, NULL));
		break;
	default:
		break;
	}
	prompt_complete(p, c.v, c.n);
	theme_list_free(themes, nthemes);
	for (size_t i = 0; i < c.nowned; i++)
		free(c.owned[i]);
	free(c.owned);
	free(c.v);
}

/* --- keys ------------------------------------------------------------------------ */

static void
utf8_encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = '\0';
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = '\0';
	} else if (cp < 0x110000) {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		out[4] = '\0';
	} else {
		out[0] = '\0';
	}
}

static void
filter_edited(struct ui *ui)
{
	char *cause = NULL;
	struct filter *f = filter_parse(prompt_text(ui->prompt), &cause);

	if (f == NULL) {
		prompt_set_error(ui->prompt, cause);
		free(cause);
		return;
	}
	prompt_set_error(ui->prompt, NULL);
	ui_set_filter(ui, f);
}

static void
restore_filter(struct ui *ui)
{
	char *cause = NULL;
	struct filter *f = filter_parse(ui->filter_saved != NULL ? ui->filter_saved : "", &cause);

	free(cause);
	if (f != NULL)
		ui_set_filter(ui, f);
}

static int
prompt_input(struct ui *ui, int key, int is_char)
{
	enum action act = keys_lookup(key, KS_PROMPT);
	char ch[8];
	int rc;
	enum prompt_mode mode = prompt_mode(ui->prompt);

	ch[0] = '\0';
	if (act == ACT_RESIZE) {
		ui_resize(ui, LINES, COLS);
		return 1;
	}
	if (act == ACT_NONE) {
		if (!is_char || key < 0x20 || key == 0x7f)
			return 0;
		utf8_encode((unsigned)key, ch);
	}
	ui->dirty |= UI_DIRTY_FOOTER;
	rc = prompt_key(ui->prompt, act, ch[0] != '\0' ? ch : NULL);
	switch (rc) {
	case PROMPT_EDITED:
		if (mode == PROMPT_FILTER)
			filter_edited(ui);
		break;
	case PROMPT_COMPLETE:
		complete(ui);
		break;
	case PROMPT_ACCEPTED:
		if (mode == PROMPT_FILTER) {
			if (prompt_error(ui->prompt) != NULL)
				return 1; /* stay: the error is on the line */
			prompt_close(ui->prompt);
		} else {
			char *line = xstrdup(prompt_text(ui->prompt));
			prompt_close(ui->prompt);
			ui_command(ui, line);
			free(line);
		}
		break;
	case PROMPT_CANCELLED:
		prompt_close(ui->prompt);
		if (mode == PROMPT_FILTER)
			restore_filter(ui);
		break;
	default:
		break;
	}
	return 1;
}

static void
mouse_input(struct ui *ui)
{
	MEVENT ev;
	const struct view_ops *v = ui_view(ui);
	int kind, y, x, by, bx;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		kind = UI_WHEEL_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		kind = UI_WHEEL_DOWN;
	else if (ev.bstate & (BUTTON1_DOUBLE_CLICKED))
		kind = UI_DOUBLE_CLICK;
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		uint64_t now = util_monotonic_ms();
		kind = UI_CLICK;
		if (now - ui->last_click_ms < DOUBLE_CLICK_MS && ev.y == ui->last_click_y &&
		    ev.x == ui->last_click_x) {
			kind = UI_DOUBLE_CLICK;
			now = 0;
		}
		ui->last_click_ms = now;
		ui->last_click_y = ev.y;
		ui->last_click_x = ev.x;
	} else {
		return;
	}
	if (ui->too_small || ui->body == NULL || v->mouse == NULL)
		return;
	getbegyx(ui->body, by, bx);
	y = ev.y - by;
	x = ev.x - bx;
	/* A click on the header goes to the view as row -1 (layer tabs). */
	if (ev.y == 0)
		y = -1;
	else if (y < 0 || y >= getmaxy(ui->body))
		return;
	if (v->mouse(ui, y, x, kind))
		ui->dirty |= UI_DIRTY_ALL;
}

int
ui_key(struct ui *ui, int key, int is_char)
{
	const struct view_ops *v = ui_view(ui);
	enum action act;

	if (prompt_mode(ui->prompt) != PROMPT_OFF)
		return prompt_input(ui, key, is_char);
	act = keys_lookup(key, v->scope);
	if (ui->too_small && act != ACT_QUIT && act != ACT_RESIZE && act != ACT_REDRAW &&
	    key != 'q')
		return 0;
	switch (act) {
	case ACT_NONE:
		return 0;
	case ACT_RESIZE:
		ui_resize(ui, LINES, COLS);
		return 1;
	case ACT_QUIT:
		ui_quit(ui, key == 3 ? 130 : 0);
		return 1;
	case ACT_REDRAW:
		ui->dirty |= UI_DIRTY_ALL | UI_DIRTY_CLEAR;
		return 1;
	case ACT_HELP:
		if (v == &help_view)
			ui_pop(ui);
		else
			ui_push(ui, &help_view);
		return 1;
	case ACT_COMMAND:
		prompt_open(ui->prompt, PROMPT_COMMAND, "");
		ui->dirty |= UI_DIRTY_FOOTER;
		return 1;
	case ACT_FILTER:
		free(ui->filter_saved);
		ui->filter_saved = xstrdup(filter_text(ui->filter));
		prompt_open(ui->prompt, PROMPT_FILTER, filter_text(ui->filter));
		ui->dirty |= UI_DIRTY_FOOTER;
		return 1;
	case ACT_NEXT_THEME:
		ui_next_theme(ui);
		return 1;
	case ACT_PAUSE:
		ui_toggle_pause(ui);
		return 1;
	case ACT_MOUSE:
		mouse_input(ui);
		return 1;
	default:
		break;
	}
	if (ui->too_small && key == 'q') {
		ui_quit(ui, 0);
		return 1;
	}
	if (v->key != NULL && v->key(ui, act, key)) {
		ui->dirty |= UI_DIRTY_ALL;
		return 1;
	}
	return 0;
}

/* --- drawing --------------------------------------------------------------------- */

int
ui_wants_draw(const struct ui *ui)
{
	return ui->dirty != 0 || model_generation(ui->m) != ui->gen_drawn;
}

static void
draw_too_small(struct ui *ui)
{
	char msg[160];
	WINDOW *w = ui->hdr;
	size_t len, pos = 0;
	int y = 0;

	snprintf(msg, sizeof(msg), "orgtop needs at least %dx%d %s this terminal is %dx%d.",
	    UI_MIN_COLS, UI_MIN_ROWS, glyphs_ascii() ? "-" : "\u2014", ui->cols, ui->rows);
	werase(w);
	draw_role(w, ROLE_NORMAL, 0, 0);
	len = strlen(msg);
	/* Word-wrap the message into the columns there are. */
	while (pos < len && y < ui->rows) {
		size_t take = 0, last_space = 0;
		int cols = 0;
		while (pos + take < len) {
			uint32_t cp;
			size_t n = text_utf8_decode(msg + pos + take, len - pos - take, &cp);
			if (cols + 1 > ui->cols - 1)
				break;
			if (msg[pos + take] == ' ')
				last_space = take;
			take += n;
			cols++;
		}
		if (pos + take < len && last_space > 0)
			take = last_space;
		if (take == 0)
			break;
		wmove(w, y++, ui->cols > 1 ? 1 : 0);
		{
			char *part = xstrndup(msg + pos, take);
			draw_text(w, part, ui->cols > 1 ? ui->cols - 1 : 1, 0);
			free(part);
		}
		pos += take;
		while (pos < len && msg[pos] == ' ')
			pos++;
	}
	if (y < ui->rows && ui->rows > 2) {
		wmove(w, y + (y + 1 < ui->rows ? 1 : 0), ui->cols > 1 ? 1 : 0);
		draw_role(w, ROLE_DIM, 0, 0);
		draw_text(w, "q quits", ui->cols > 1 ? ui->cols - 1 : 1, 0);
	}
	wnoutrefresh(w);
}

static void
draw_legend(WINDOW *w, int y)
{
	static const struct {
		enum glyph g;
		enum role r;
		const char *text;
	} items[] = {
		{ G_OK, ROLE_OK, "ok" },
		{ G_NONCOMPLIANT, ROLE_BAD, "noncompliant" },
		{ G_LOW, ROLE_LOW, "low" },
		{ G_MEDIUM, ROLE_WARN, "medium" },
		{ G_HIGH, ROLE_BAD, "high" },
		{ G_CRITICAL, ROLE_CRITICAL, "critical" },
		{ G_DENIED, ROLE_DENIED, "denied" },
		{ G_REGION_OFF, ROLE_NODATA, "region off" },
		{ G_DISABLED, ROLE_NODATA, "not enabled" },
		{ G_STALE, ROLE_STALE, "stale" },
		{ G_LOADING, ROLE_DIM, "loading" },
		{ G_THROTTLED, ROLE_WARN, "throttled" },
		{ G_ERROR, ROLE_BAD, "error" },
	};
	int x = 1, cols = getmaxx(w);

	draw_clear_line(w, y, ROLE_NORMAL, 0);
	wmove(w, y, 1);
	for (size_t i = 0; i < NELEM(items); i++) {
		int need = 2 + draw_width(items[i].text) + 2;
		if (x + need > cols)
			break;
		draw_role(w, items[i].r, 0, 0);
		draw_glyph(w, items[i].g);
		draw_role(w, ROLE_DIM, 0, 0);
		waddch(w, ' ');
		x += 2 + draw_text(w, items[i].text, -1, 0);
		draw_spaces(w, 2);
		x += 2;
	}
}

struct item {
	char text[96];
	enum role role;
	int prio; /* lower is kept first */
	enum glyph g;
	int has_glyph;
};

static void
add_item(struct item *items, int *n, int prio, enum role r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
add_item(struct item *items, int *n, int prio, enum role r, const char *fmt, ...)
{
	va_list ap;

	if (*n >= 16)
		return;
	va_start(ap, fmt);
	vsnprintf(items[*n].text, sizeof(items[*n].text), fmt, ap);
	va_end(ap);
	items[*n].role = r;
	items[*n].prio = prio;
	items[*n].has_glyph = 0;
	(*n)++;
}

static void
thousands(unsigned v, char *out, size_t len)
{
	if (v >= 1000000)
		snprintf(out, len, "%u,%03u,%03u", v / 1000000, v / 1000 % 1000, v % 1000);
	else if (v >= 1000)
		snprintf(out, len, "%u,%03u", v / 1000, v % 1000);
	else
		snprintf(out, len, "%u", v);
}

static void
draw_status(struct ui *ui, WINDOW *w, int y)
{
	struct collect_progress p;
	struct item items[16];
	int n = 0, cols = getmaxx(w), used, keep[16];
	char a[24], b[24], age[24];
	const struct rows *rows = grid_rows(ui);
	double data_t;
	const char *hint = " ? help  / filter  : cmd ";
	int hintw = draw_width(hint);

	ui_progress(ui, &p);
	thousands(p.done, a, sizeof(a));
	thousands(p.total, b, sizeof(b));
	if (p.refreshing || p.total > 0)
		add_item(items, &n, 0, ROLE_STATUS, "%s %s/%s", p.refreshing ? "refresh" : "done",
		    a, b);
	if (p.creds_failed)
		add_item(items, &n, 0, ROLE_ERROR, "credentials refused: nothing fetched");
	if (p.org_incomplete)
		add_item(items, &n, 1, ROLE_WARN, "organization listing incomplete");
	if (p.errors > 0)
		add_item(items, &n, 1, ROLE_BAD, "%u error%s", p.errors, p.errors == 1 ? "" : "s");
	if (p.paused) {
		add_item(items, &n, 2, ROLE_WARN, "%s paused", glyph(G_PAUSED));
	}
	if (!filter_empty(ui->filter))
		add_item(items, &n, 3, ROLE_STATUS, "filter %zu/%zu", rows_matched(rows),
		    rows_total(rows));
	data_t = p.last_complete > 0 ? p.last_complete : rows_newest(rows);
	ui_age(ui->now, data_t, age, sizeof(age));
	if (data_t > 0)
		add_item(items, &n, 4, ROLE_STATUS, "data %s old", age);
	else
		add_item(items, &n, 4, ROLE_DIM, "no data yet");
	if (p.inflight > 0)
		add_item(items, &n, 5, ROLE_STATUS, "%u in flight", p.inflight);
	if (p.throttled > 0)
		add_item(items, &n, 6, ROLE_WARN, "%u throttled", p.throttled);
	if (p.ce_calls > 0)
		add_item(items, &n, 7, ROLE_STATUS, "CE %u call%s ($%.2f)", p.ce_calls,
		    p.ce_calls == 1 ? "" : "s", p.ce_calls * 0.01);
	if (ui->sort != SORT_TREE)
		add_item(items, &n, 8, ROLE_STATUS, "sort %s%s", rows_sort_name(ui->sort),
		    glyph(ui->sort_reverse ? G_UP : G_DOWN));
	/* Keep the most important items that fit, in their display order. */
	used = 1 + hintw;
	for (int i = 0; i < n; i++)
		keep[i] = 0;
	for (int prio = 0; prio <= 8; prio++) {
		for (int i = 0; i < n; i++) {
			int wdt;
			if (items[i].prio != prio)
				continue;
			wdt = draw_width(items[i].text) + 3;
			if (used + wdt <= cols) {
				keep[i] = 1;
				used += wdt;
			}
		}
	}
	draw_clear_line(w, y, ROLE_STATUS, 0);
	wmove(w, y, 1);
	used = 1;
	for (int i = 0, first = 1; i < n; i++) {
		if (!keep[i])
			continue;
		if (!first) {
			draw_role(w, ROLE_STATUS, 0, 0);
			waddch(w, ' ');
			draw_glyph(w, G_SEP);
			waddch(w, ' ');
			used += 3;
		}
		first = 0;
		draw_role(w, items[i].role == ROLE_STATUS ? ROLE_STATUS : items[i].role, 0, 0);
		used += draw_text(w, items[i].text, cols - used, 0);
	}
	if (used + hintw <= cols) {
		wmove(w, y, cols - hintw);
		draw_role(w, ROLE_KEY, 0, 0);
		draw_text(w, hint, hintw, 0);
	}
}

static void
draw_footer(struct ui *ui)
{
	WINDOW *w = ui->foot;
	int cols = getmaxx(w);
	int show_msg = ui->msg != NULL &&
	    (ui->msg_level <= UI_WARN || ui->now - ui->msg_at < MSG_SECONDS);

	werase(w);
	if (show_msg) {
		draw_clear_line(w, 0, ROLE_NORMAL, 0);
		wmove(w, 0, 1);
		draw_role(w, ui->msg_level <= UI_WARN ? ROLE_ERROR : ROLE_PROMPT, 0, 0);
		draw_text(w, ui->msg, cols - 2, 0);
	} else {
		draw_legend(w, 0);
	}
	if (prompt_mode(ui->prompt) != PROMPT_OFF)
		prompt_draw(ui->prompt, w, 1, cols);
	else
		draw_status(ui, w, 1);
}

int
ui_draw(struct ui *ui, double now)
{
	const struct view_ops *v = ui_view(ui);
	uint64_t gen = model_generation(ui->m);
	int prompt_on;

	ui->now = now;
	if (gen != ui->gen_drawn)
		ui->dirty |= UI_DIRTY_ALL;
	if (!ui->dirty || !ui->attached || ui->hdr == NULL)
		return 0;
	ui->gen_drawn = gen;
	if (ui->dirty & UI_DIRTY_CLEAR)
		clearok(curscr, TRUE);
	if (ui->too_small) {
		draw_too_small(ui);
		curs_set(0);
		ui->dirty = 0;
		return 1;
	}
	grid_update(ui);
	{
		unsigned long a;
		short pair;
		theme_attr(ROLE_NORMAL, 0, &a, &pair);
		wbkgdset(ui->hdr, (chtype)a | (chtype)COLOR_PAIR(pair) | ' ');
		wbkgdset(ui->body, (chtype)a | (chtype)COLOR_PAIR(pair) | ' ');
		wbkgdset(ui->foot, (chtype)a | (chtype)COLOR_PAIR(pair) | ' ');
	}
	if (ui->dirty & (UI_DIRTY_HEADER | UI_DIRTY_BODY)) {
		werase(ui->hdr);
		werase(ui->body);
		v->draw(ui, ui->hdr, ui->body);
		wnoutrefresh(ui->hdr);
		wnoutrefresh(ui->body);
	}
	prompt_on = prompt_mode(ui->prompt) != PROMPT_OFF;
	draw_footer(ui);
	leaveok(ui->foot, prompt_on ? FALSE : TRUE);
	wnoutrefresh(ui->foot);
	curs_set(prompt_on ? 1 : 0);
	ui->dirty = 0;
	return 1;
}

double
ui_next_tick(struct ui *ui, double now)
{
	const struct view_ops *v = ui_view(ui);
	struct collect_progress p;
	double best = -1, t;
	const struct rows *rows = grid_rows(ui);

	ui->now = now;
	if (ui->too_small)
		return -1;
	/* The clock in the header (minutes). */
	best = 60 - fmod(now, 60);
	ui_progress(ui, &p);
	t = age_tick(now, p.last_complete > 0 ? p.last_complete : rows_newest(rows));
	if (t >= 0 && t < best)
		best = t;
	if (p.refreshing && best > 1)
		best = 1;
	if (ui->msg != NULL && ui->msg_level > UI_WARN && now - ui->msg_at < MSG_SECONDS) {
		t = MSG_SECONDS - (now - ui->msg_at);
		if (t < best)
			best = t;
	}
	if (v->next_tick != NULL) {
		t = v->next_tick(ui);
		if (t >= 0 && t < best)
			best = t;
	}
	return best < 0.01 ? 0.01 : best;
}
