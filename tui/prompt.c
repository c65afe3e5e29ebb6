/*
 * prompt.c: the line editor, its history and completion, and the command table.
 */
#include "tui/prompt.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/draw.h"

#define PROMPT_MAX 1024
#define HISTORY_MAX 100

const struct prompt_command prompt_commands[] = {
	{ "sort", NULL, "NAME [reverse]", ARG_SORT,
	    "sort by tree, name, compliance, severity, burn or spend" },
	{ "regions", NULL, "PATTERNS", ARG_REGIONS,
	    "choose the regions collected, e.g. eu-*,us-east-1 (all: *)" },
	{ "layer", NULL, "NAME", ARG_LAYER, "overview, compliance, guardduty, spend or sso" },
	{ "theme", NULL, "NAME", ARG_THEME, "switch the theme" },
	{ "export", NULL, "FILE.csv|FILE.json", ARG_FILE,
	    "write the filtered view (accounts and regions shown) to a file" },
	{ "filter", NULL, "EXPR", ARG_FILTER, "set the filter (as /)" },
	{ "refresh", NULL, "", ARG_NONE, "refresh everything now" },
	{ "pause", NULL, "", ARG_NONE, "pause the automatic refresh" },
	{ "resume", NULL, "", ARG_NONE, "resume the automatic refresh" },
	{ "collapse", NULL, "", ARG_NONE, "collapse every OU" },
	{ "expand", NULL, "", ARG_NONE, "expand every OU" },
	{ "help", NULL, "", ARG_NONE, "the keys and commands" },
	{ "quit", "q", "", ARG_NONE, "quit orgtop" },
};

const size_t prompt_ncommands = NELEM(prompt_commands);

struct history {
	char *lines[HISTORY_MAX];
	size_t n;
};

struct prompt {
	enum prompt_mode mode;
	char text[PROMPT_MAX];
	size_t len, cur;
	struct history hist[2];
	size_t hpos;        /* == hist.n: the line being edited */
	char *saved;        /* the line being edited while browsing history */
	char *error, *hint;
	char *word_tmp;
};

const struct prompt_command *
prompt_command_find(const char *name)
{
	const struct prompt_command *hit = NULL;
	size_t n = strlen(name), nhit = 0;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < prompt_ncommands; i++) {
		const struct prompt_command *c = &prompt_commands[i];
		if (strcmp(c->name, name) == 0 || (c->alias != NULL && strcmp(c->alias, name) == 0))
			return c;
		if (strncmp(c->name, name, n) == 0) {
			hit = c;
			nhit++;
		}
	}
	return nhit == 1 ? hit : NULL;
}

struct prompt *
prompt_new(void)
{
	return xcalloc(1, sizeof(struct prompt));
}

void
prompt_free(struct prompt *p)
{
	if (p == NULL)
		return;
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < p->hist[m].n; i++)
			free(p->hist[m].lines[i]);
	free(p->saved);
	free(p->error);
	free(p->hint);
	free(p->word_tmp);
	free(p);
}

static struct history *
hist(struct prompt *p)
{
	return &p->hist[p->mode == PROMPT_COMMAND ? 1 : 0];
}

static void
set_text(struct prompt *p, const char *s)
{
	size_t n = strlen(s);

	if (n >= PROMPT_MAX)
		n = PROMPT_MAX - 1;
	/* Never leave a cut UTF-8 sequence at the end. */
	while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(p->text, s, n);
	p->text[n] = '\0';
	p->len = p->cur = n;
}

void
prompt_open(struct prompt *p, enum prompt_mode mode, const char *initial)
{
	p->mode = mode;
	set_text(p, initial != NULL ? initial : "");
	p->hpos = hist(p)->n;
	free(p->saved);
	p->saved = NULL;
	prompt_set_error(p, NULL);
	prompt_set_hint(p, NULL);
}

void
prompt_close(struct prompt *p)
{
	p->mode = PROMPT_OFF;
	prompt_set_error(p, NULL);
	prompt_set_hint(p, NULL);
}

enum prompt_mode
prompt_mode(const struct prompt *p)
{
	return p->mode;
}

const char *
prompt_text(const struct prompt *p)
{
	return p->text;
}

size_t
prompt_cursor(const struct prompt *p)
{
	return p->cur;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

void
prompt_set_error(struct prompt *p, const char *msg)
{
	set_str(&p->error, msg);
}

void
prompt_set_hint(struct prompt *p, const char *msg)
{
	set_str(&p->hint, msg);
}

const char *
prompt_error(const struct prompt *p)
{
	return p->error;
}

static void
history_add(struct prompt *p)
{
	struct history *h = hist(p);

	if (p->len == 0)
		return;
	if (h->n > 0 && strcmp(h->lines[h->n - 1], p->text) == 0)
		return;
	if (h->n == HISTORY_MAX) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (HISTORY_MAX - 1) * sizeof(char *));
		h->n--;
	}
	h->lines[h->n++] = xstrdup(p->text);
}

static int
is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t
prev_char(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && is_cont(p->text[i]))
		i--;
	return i;
}

static size_t
next_char(const struct prompt *p, size_t i)
{
	if (i >= p->len)
		return p->len;
	i++;
	while (i < p->len && is_cont(p->text[i]))
		i++;
	return i;
}

static void
delete_range(struct prompt *p, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(p->text + from, p->text + to, p->len - to + 1);
	p->len -= to - from;
	if (p->cur > to)
		p->cur -= to - from;
	else if (p->cur > from)
		p->cur = from;
}

static int
insert(struct prompt *p, const char *s)
{
	size_t n = strlen(s);

	/* Only printable characters: no control bytes ever enter the line. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return PROMPT_IGNORED;
	if (n == 0 || p->len + n >= PROMPT_MAX)
		return PROMPT_IGNORED;
	memmove(p->text + p->cur + n, p->text + p->cur, p->len - p->cur + 1);
	memcpy(p->text + p->cur, s, n);
	p->len += n;
	p->cur += n;
	return PROMPT_EDITED;
}

static int
history_move(struct prompt *p, int dir)
{
	struct history *h = hist(p);

	if (dir < 0 && p->hpos == 0)
		return PROMPT_IGNORED;
	if (dir > 0 && p->hpos >= h->n)
		return PROMPT_IGNORED;
	if (p->hpos == h->n) {
		free(p->saved);
		p->saved = xstrdup(p->text);
	}
	p->hpos = dir < 0 ? p->hpos - 1 : p->hpos + 1;
	set_text(p, p->hpos == h->n ? (p->saved != NULL ? p->saved : "") : h->lines[p->hpos]);
	return PROMPT_EDITED;
}

int
prompt_key(struct prompt *p, enum action act, const char *ch)
{
	size_t i;

	if (p->mode == PROMPT_OFF)
		return PROMPT_IGNORED;
	prompt_set_hint(p, NULL);
	switch (act) {
	case ACT_NONE:
		return ch != NULL ? insert(p, ch) : PROMPT_IGNORED;
	case ACT_P_ACCEPT:
		history_add(p);
		return PROMPT_ACCEPTED;
	case ACT_P_CANCEL:
		return PROMPT_CANCELLED;
	case ACT_P_BACKSPACE:
		if (p->cur == 0)
			return p->len == 0 && p->mode == PROMPT_COMMAND ? PROMPT_CANCELLED
			                                                : PROMPT_IGNORED;
		delete_range(p, prev_char(p, p->cur), p->cur);
		return PROMPT_EDITED;
	case ACT_P_DELETE:
		if (p->cur >= p->len)
			return PROMPT_IGNORED;
		delete_range(p, p->cur, next_char(p, p->cur));
		return PROMPT_EDITED;
	case ACT_P_LEFT:
		p->cur = prev_char(p, p->cur);
		return PROMPT_MOVED;
	case ACT_P_RIGHT:
		p->cur = next_char(p, p->cur);
		return PROMPT_MOVED;
	case ACT_P_HOME:
		p->cur = 0;
		return PROMPT_MOVED;
	case ACT_P_END:
		p->cur = p->len;
		return PROMPT_MOVED;
	case ACT_P_KILL_LINE:
		delete_range(p, 0, p->cur);
		return PROMPT_EDITED;
	case ACT_P_KILL_EOL:
		delete_range(p, p->cur, p->len);
		return PROMPT_EDITED;
	case ACT_P_KILL_WORD:
		i = p->cur;
		while (i > 0 && p->text[i - 1] == ' ')
			i--;
		while (i > 0 && p->text[i - 1] != ' ')
			i--;
		delete_range(p, i, p->cur);
		return PROMPT_EDITED;
	case ACT_P_HIST_PREV:
		return history_move(p, -1);
	case ACT_P_HIST_NEXT:
		return history_move(p, 1);
	case ACT_P_COMPLETE:
		return PROMPT_COMPLETE;
	default:
		return PROMPT_IGNORED;
	}
}

const char *
prompt_word(struct prompt *p, size_t *word_index, size_t *start)
{
	size_t s = p->cur, idx = 0;
	int in_word = 0;

	while (s > 0 && p->text[s - 1] != ' ')
		s--;
	for (size_t i = 0; i < s; i++) {
		if (p->text[i] != ' ' && !in_word) {
			in_word = 1;
		} else if (p->text[i] == ' ' && in_word) {
			in_word = 0;
			idx++;
		}
	}
	if (in_word)
		idx++;
	if (word_index != NULL)
		*word_index = idx;
	if (start != NULL)
		*start = s;
	free(p->word_tmp);
	p->word_tmp = xstrndup(p->text + s, p->cur - s);
	return p->word_tmp;
}

size_t
prompt_complete(struct prompt *p, const char *const *cands, size_t n)
{
	size_t start, wl, matched = 0, lcp = 0;
	const char *word = prompt_word(p, NULL, &start);
	const char *first = NULL;
	struct buf hint;
	char *w = xstrdup(word);

	wl = strlen(w);
	buf_init(&hint);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cands[i], w, wl) != 0)
			continue;
		if (matched == 0) {
			first = cands[i];
			lcp = strlen(first);
		} else {
			size_t k = 0;
			while (k < lcp && cands[i][k] == first[k])
				k++;
			lcp = k;
		}
		if (hint.len < 400)
			buf_printf(&hint, "%s%s", hint.len ? " " : "", cands[i]);
		matched++;
	}
	if (matched > 0) {
		struct buf line;
		int add_space = matched == 1 && lcp > 0 && first[lcp - 1] != '/';

		buf_init(&line);
		buf_add(&line, p->text, start);
		buf_add(&line, first, lcp);
		if (add_space && !(p->cur < p->len && p->text[p->cur] == ' '))
			buf_addc(&line, ' ');
		{
			size_t newcur = line.len;
			buf_adds(&line, p->text + p->cur);
			if (line.len < PROMPT_MAX) {
				memcpy(p->text, line.data, line.len + 1);
				p->len = line.len;
				p->cur = newcur;
			}
		}
		buf_done(&line);
	}
	if (matched > 1)
		prompt_set_hint(p, hint.data);
	else if (matched == 0)
		prompt_set_hint(p, "no completions");
	buf_done(&hint);
	free(w);
	return matched;
}

size_t
prompt_command_candidates(struct prompt *p, const char ***out, enum prompt_arg *arg)
{
	size_t idx, n = 0;
	char first[64];
	const char *sp;
	const struct prompt_command *c;

	prompt_word(p, &idx, NULL);
	*arg = ARG_NONE;
	*out = NULL;
	if (idx == 0) {
		*out = xcalloc(prompt_ncommands + 1, sizeof(char *));
		for (size_t i = 0; i < prompt_ncommands; i++)
			(*out)[n++] = prompt_commands[i].name;
		return n;
	}
	sp = p->text;
	while (*sp == ' ')
		sp++;
	n = strcspn(sp, " ");
	if (n >= sizeof(first))
		return 0;
	memcpy(first, sp, n);
	first[n] = '\0';
	c = prompt_command_find(first);
	if (c != NULL && idx == 1)
		*arg = c->arg;
	if (c != NULL && c->arg == ARG_SORT && idx == 2) {
		static const char *rev[] = { "reverse" };
		*out = xcalloc(2, sizeof(char *));
		(*out)[0] = rev[0];
		return 1;
	}
	return 0;
}

void
prompt_draw(const struct prompt *p, WINDOW *w, int y, int cols)
{
	const char *lead = p->mode == PROMPT_COMMAND ? ":" : "/";
	size_t start = 0;
	int avail = cols - 2, curcol, used;
	char *before;

	draw_clear_line(w, y, ROLE_PROMPT, 0);
	wmove(w, y, 0);
	draw_text(w, lead, 1, 0);
	if (avail < 4)
		return;
	/* Scroll the line so the cursor stays in view. */
	for (;;) {
		before = xstrndup(p->text + start, p->cur - start);
		curcol = draw_width(before);
		free(before);
		if (curcol < avail - 1 || start >= p->cur)
			break;
		start = next_char(p, start);
	}
	used = draw_text(w, p->text + start, avail, 0);
	if (p->error != NULL && used + 4 < avail) {
		draw_role(w, ROLE_ERROR, 0, 0);
		draw_text(w, "  ", 2, 0);
		draw_text(w, p->error, avail - used - 2, 0);
	} else if (p->hint != NULL && used + 4 < avail) {
		draw_role(w, ROLE_DIM, 0, 0);
		draw_text(w, "  ", 2, 0);
		draw_text(w, p->hint, avail - used - 2, 0);
	}
	wmove(w, y, 1 + curcol);
}
