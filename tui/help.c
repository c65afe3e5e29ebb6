/*
 * help.c: the help view, generated from the key and command tables.
 */
#include "tui/help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/doc.h"
#include "tui/draw.h"
#include "tui/glyphs.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "tui/ui.h"

struct help {
	struct doc doc;
	size_t top;
	int body_h;
};

struct help *
help_new(void)
{
	struct help *h = xcalloc(1, sizeof(*h));

	doc_init(&h->doc);
	return h;
}

void
help_free(struct help *h)
{
	if (h == NULL)
		return;
	doc_done(&h->doc);
	free(h);
}

/* Sections of the key list, by the exact scope bits of a binding. */
static const struct {
	unsigned scopes;
	const char *title;
} sections[] = {
	{ KS_VIEWS | KS_PROMPT, "Everywhere" },
	{ KS_VIEWS, "Everywhere" },
	{ KS_GRID, "Grid" },
	{ KS_GRID | KS_ACCOUNT, "Grid and account view" },
	{ KS_ACCOUNT, "Account view" },
	{ KS_ACCOUNT | KS_HELP, "Account view and help" },
	{ KS_HELP, "Help" },
	{ KS_PROMPT, "Filter (/) and command (:) prompt" },
};

/* One entry: the keys of one (scope, action, help) joined, then the help. */
struct entry {
	char keys[64];
	const char *help;
};

typedef void (*emit_fn)(const char *title, const struct entry *e, void *arg);

static void
walk(emit_fn emit, void *arg)
{
	const char *last_title = NULL;

	for (size_t s = 0; s < NELEM(sections); s++) {
		struct entry *es = xcalloc(keys_count, sizeof(*es));
		size_t n = 0;

		for (size_t i = 0; i < keys_count; i++) {
			const struct key_binding *b = &keys_table[i];
			char kb[16];
			const char *kn;
			size_t j;

			if (b->scopes != sections[s].scopes || (b->flags & KF_HIDDEN))
				continue;
			kn = keys_name(b->key, kb, sizeof(kb));
			for (j = 0; j < n; j++)
				if (strcmp(es[j].help, b->help) == 0)
					break;
			if (j == n) {
				es[n].help = b->help;
				snprintf(es[n].keys, sizeof(es[n].keys), "%s", kn);
				n++;
			} else if (strlen(es[j].keys) + strlen(kn) + 2 < sizeof(es[j].keys)) {
				size_t l = strlen(es[j].keys);
				snprintf(es[j].keys + l, sizeof(es[j].keys) - l, " %s", kn);
			}
		}
		for (size_t j = 0; j < n; j++) {
			emit(last_title != NULL && strcmp(last_title, sections[s].title) == 0 ? NULL :
			    sections[s].title, &es[j], arg);
			last_title = sections[s].title;
		}
		free(es);
	}
}

static void
text_emit(const char *title, const struct entry *e, void *arg)
{
	struct buf *out = arg;

	if (title != NULL)
		buf_printf(out, "\n%s\n", title);
	buf_printf(out, "  %-18s %s\n", e->keys, e->help);
}

void
help_text(struct buf *out)
{
	walk(text_emit, out);
	buf_adds(out, "\nCommands\n");
	for (size_t i = 0; i < prompt_ncommands; i++) {
		char left[48];
		snprintf(left, sizeof(left), ":%s %s", prompt_commands[i].name, prompt_commands[i].args);
		buf_printf(out, "  %-26s %s\n", left, prompt_commands[i].help);
	}
}

struct emit {
	struct doc *d;
	int width; /* columns for the help text */
};

/* An entry: the keys (or a term) on the left, the help word-wrapped to width on the right. */
static void
entry(struct doc *d, const char *left, int left_w, enum role lrole, const char *help,
    enum role hrole, int width)
{
	const char *p = help;
	int first = 1;

	if (width < 20)
		width = 20;
	do {
		size_t n = strlen(p), cut = n;

		if (n > (size_t)width) {
			cut = (size_t)width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)width;
		}
		doc_line(d, 0, -1);
		doc_add(d, ROLE_NORMAL, "  ");
		doc_addw(d, lrole, first ? left : "", left_w);
		{
			char *part = xstrndup(p, cut);
			doc_add(d, hrole, part);
			free(part);
		}
		first = 0;
		p += cut;
		while (*p == ' ')
			p++;
	} while (*p != '\0');
}

static void
doc_emit(const char *title, const struct entry *e, void *arg)
{
	struct emit *em = arg;
	struct doc *d = em->d;

	if (title != NULL) {
		doc_line(d, 0, -1);
		doc_line(d, 0, -1);
		d->lines[d->nlines - 1].heading = 1;
		doc_add(d, ROLE_HEADING, title);
	}
	entry(d, e->keys, 20, ROLE_KEY, e->help, ROLE_NORMAL, em->width);
}

static void
build(struct help *h, int cols)
{
	struct doc *d = &h->doc;
	struct emit em = { d, cols - 2 - 20 - 2 };
	int wide = cols - 2 - 28 - 2;
	static const struct {
		const char *term, *help;
	} filter_lang[] = {
		{ "de-pay prod", "words: all must be found in the name, id, email or OU path" },
		{ "\"two words\"", "a quoted word may hold spaces" },
		{ "ou:EMEA/DE", "OU path contains it (globs with * and ?)" },
		{ "region:eu-*|us-east-1", "only these region columns; cell terms look only there" },
		{ "state:denied|error", "some item in that state (ok stale loading throttled denied "
		                        "disabled region_off error changed)" },
		{ "name: id: email: status:", "one field only" },
		{ "sev>=7 nc>0 findings>10", "max severity, noncompliant rules, findings" },
		{ "burn>90 fburn>100", "budget burn and forecast burn, percent" },
		{ "spend>1.5k sso>=5", "month-to-date spend (k, m), SSO assignments" },
		{ "!term", "negation; terms are ANDed, | separates alternatives" },
	};
	static const struct {
		enum glyph g;
		enum role r;
		const char *help;
	} legend[] = {
		{ G_OK, ROLE_OK, "ok: compliant, no findings" },
		{ G_NONCOMPLIANT, ROLE_BAD, "noncompliant rules (count)" },
		{ G_LOW, ROLE_LOW, "low findings (count)" },
		{ G_MEDIUM, ROLE_WARN, "medium findings (count)" },
		{ G_HIGH, ROLE_BAD, "high findings (count)" },
		{ G_CRITICAL, ROLE_CRITICAL, "critical findings (count)" },
		{ G_DENIED, ROLE_DENIED, "denied: AccessDenied or an SCP" },
		{ G_REGION_OFF, ROLE_NODATA, "region off: an opt-in region not enabled" },
		{ G_DISABLED, ROLE_NODATA, "the service is not enabled there" },
		{ G_STALE, ROLE_STALE, "stale: from the cache or an older refresh" },
		{ G_LOADING, ROLE_DIM, "loading" },
		{ G_THROTTLED, ROLE_WARN, "throttled, retrying" },
		{ G_ERROR, ROLE_BAD, "error (the account view says why)" },
		{ G_CHANGED, ROLE_CHANGED, "the account changed in the latest refresh (n / N)" },
	};

	doc_reset(d);
	doc_line(d, 0, -1);
	doc_add(d, ROLE_DIM, "orgtop " ORGTOP_VERSION ": top for an AWS Organization. "
	    "q or Esc closes this help.");
	walk(doc_emit, &em);
	doc_line(d, 0, -1);
	doc_line(d, 0, -1);
	d->lines[d->nlines - 1].heading = 1;
	doc_add(d, ROLE_HEADING, "Commands (:, Tab completes)");
	for (size_t i = 0; i < prompt_ncommands; i++) {
		char left[48];
		snprintf(left, sizeof(left), ":%s %s", prompt_commands[i].name, prompt_commands[i].args);
		entry(d, left, 28, ROLE_KEY, prompt_commands[i].help, ROLE_NORMAL, wide);
	}
	doc_line(d, 0, -1);
	doc_line(d, 0, -1);
	d->lines[d->nlines - 1].heading = 1;
	doc_add(d, ROLE_HEADING, "Filter (/)");
	for (size_t i = 0; i < NELEM(filter_lang); i++) {
		entry(d, filter_lang[i].term, 28, ROLE_KEY, filter_lang[i].help, ROLE_NORMAL, wide);
	}
	doc_line(d, 0, -1);
	doc_line(d, 0, -1);
	d->lines[d->nlines - 1].heading = 1;
	doc_add(d, ROLE_HEADING, "Glyphs");
	for (size_t i = 0; i < NELEM(legend); i++) {
		doc_line(d, 0, -1);
		doc_add(d, ROLE_NORMAL, "  ");
		doc_add(d, legend[i].r, glyph(legend[i].g));
		doc_add(d, ROLE_NORMAL, "  ");
		doc_add(d, ROLE_NORMAL, legend[i].help);
	}
}

static void
help_enter(struct ui *ui)
{
	ui->help->top = 0;
}

static void
help_draw(struct ui *ui, WINDOW *hdr, WINDOW *body)
{
	struct help *h = ui->help;
	int rows = getmaxy(body), cols = getmaxx(body);

	build(h, cols);
	h->body_h = rows;
	if (h->doc.nlines <= (size_t)rows)
		h->top = 0;
	else if (h->top > h->doc.nlines - (size_t)rows)
		h->top = h->doc.nlines - (size_t)rows;
	draw_clear_line(hdr, 0, ROLE_HEADER, 0);
	wmove(hdr, 0, 0);
	draw_text(hdr, " orgtop ", 8, 0);
	draw_glyph(hdr, G_SELECTED);
	draw_text(hdr, " help", getmaxx(hdr) - 10, 0);
	for (int y = 0; y < rows; y++) {
		size_t i = h->top + (size_t)y;
		if (i >= h->doc.nlines)
			break;
		doc_draw_line(&h->doc, i, body, y, cols, 0);
	}
}

static int
help_key(struct ui *ui, enum action act, int key)
{
	struct help *h = ui->help;
	long page = h->body_h > 1 ? h->body_h - 1 : 1, t = (long)h->top;

	(void)key;
	switch (act) {
	case ACT_UP:
		t--;
		break;
	case ACT_DOWN:
		t++;
		break;
	case ACT_PAGE_UP:
		t -= page;
		break;
	case ACT_PAGE_DOWN:
		t += page;
		break;
	case ACT_HALF_UP:
		t -= page / 2;
		break;
	case ACT_HALF_DOWN:
		t += page / 2;
		break;
	case ACT_TOP:
		t = 0;
		break;
	case ACT_BOTTOM:
		t = (long)h->doc.nlines;
		break;
	case ACT_BACK:
		ui_pop(ui);
		return 1;
	default:
		return 0;
	}
	if (t < 0)
		t = 0;
	if (h->doc.nlines > (size_t)h->body_h && t > (long)(h->doc.nlines - (size_t)h->body_h))
		t = (long)(h->doc.nlines - (size_t)h->body_h);
	else if (h->doc.nlines <= (size_t)h->body_h)
		t = 0;
	h->top = (size_t)t;
	return 1;
}

static int
help_mouse(struct ui *ui, int y, int x, int event)
{
	(void)y;
	(void)x;
	if (event == UI_WHEEL_UP)
		return help_key(ui, ACT_UP, 0) + help_key(ui, ACT_UP, 0) + help_key(ui, ACT_UP, 0);
	if (event == UI_WHEEL_DOWN)
		return help_key(ui, ACT_DOWN, 0) + help_key(ui, ACT_DOWN, 0) +
		    help_key(ui, ACT_DOWN, 0);
	return 0;
}

const struct view_ops help_view = {
	.name = "help",
	.scope = KS_HELP,
	.enter = help_enter,
	.draw = help_draw,
	.key = help_key,
	.mouse = help_mouse,
};
