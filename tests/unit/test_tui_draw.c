/*
 * test_tui_draw.c: the dashboard drawn into a real curses screen (newterm on
 * /dev/null, fixed sizes) from a model filled through its setters, read back
 * cell by cell: names and ids, glyphs, alignment, no control bytes, the
 * too-small message, ASCII mode, hostile names, the views and their keys,
 * and the time of a 10,000-account frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tui_lib.h"
#include "core/text.h"
#include "tui/account.h"
#include "tui/filter.h"
#include "tui/glyphs.h"
#include "tui/grid.h"
#include "tui/prompt.h"
#include "tui/ui.h"

struct fake {
	int refresh_all, refresh_account, detail, paused;
	long last_account;
	char regions[64];
};

static void
fake_refresh_all(void *arg)
{
	((struct fake *)arg)->refresh_all++;
}

static void
fake_refresh_account(size_t a, void *arg)
{
	((struct fake *)arg)->refresh_account++;
	((struct fake *)arg)->last_account = (long)a;
}

static void
fake_detail(size_t a, void *arg)
{
	((struct fake *)arg)->detail++;
	((struct fake *)arg)->last_account = (long)a;
}

static void
fake_paused(int p, void *arg)
{
	((struct fake *)arg)->paused = p;
}

static int
fake_regions(const char *patterns, char **cause, void *arg)
{
	if (strchr(patterns, '!') != NULL) {
		*cause = xstrdup("no region matches");
		return -1;
	}
	snprintf(((struct fake *)arg)->regions, sizeof(((struct fake *)arg)->regions), "%s", patterns);
	return 0;
}

static void
fake_progress(struct collect_progress *p, void *arg)
{
	(void)arg;
	p->done = 1204;
	p->total = 2040;
	p->inflight = 64;
	p->throttled = 12;
	p->errors = 3;
	p->ce_calls = 2;
	p->refreshing = 1;
	p->last_complete = T_NOW - 41;
}

static const char *
fake_arn(void *arg)
{
	(void)arg;
	return "arn:aws:sts::111111111111:assumed-role/OrgtopAudit/orgtop";
}

static struct fake fk;
static const struct ui_backend backend = {
	.refresh_all = fake_refresh_all,
	.refresh_account = fake_refresh_account,
	.fetch_detail = fake_detail,
	.set_paused = fake_paused,
	.set_regions = fake_regions,
	.progress = fake_progress,
	.caller_arn = fake_arn,
	.arg = &fk,
};

static struct ui *
new_ui(struct model *m, int ascii, int cols, int rows)
{
	struct ui_config cfg;
	struct ui *ui;
	char *cause = NULL;

	memset(&cfg, 0, sizeof(cfg));
	memset(&fk, 0, sizeof(fk));
	cfg.model = m;
	cfg.backend = &backend;
	cfg.profile = "security-audit";
	cfg.ascii = ascii;
	cfg.theme = "default";
	t_screen_open(cols, rows);
	text_init();
	ui = ui_new(&cfg, NULL, &cause);
	assert_non_null(ui);
	ui_attach(ui);
	return ui;
}

static void
frame(struct ui *ui)
{
	ui_draw(ui, T_NOW);
	doupdate();
	/* ORGTOP_TEST_DUMP=1 prints every frame (to look at while changing the drawing). */
	if (getenv("ORGTOP_TEST_DUMP") != NULL) {
		char *all = t_screen_text();
		fprintf(stderr, "----\n%s", all);
		free(all);
	}
}

static void
done_ui(struct ui *ui)
{
	ui_detach(ui);
	ui_free(ui);
	t_screen_close();
}

static void
keys(struct ui *ui, const char *s)
{
	for (; *s != '\0'; s++) {
		ui_key(ui, (unsigned char)*s, 1);
		frame(ui);
	}
}

/* Every row: no control bytes, exactly cols columns. */
static void
assert_clean_screen(int cols, int ascii)
{
	int rows = getmaxy(curscr);

	for (int y = 0; y < rows; y++) {
		char *r = t_row(y);
		int w = 0;
		mbstate_t st;
		const char *p = r;

		memset(&st, 0, sizeof(st));
		for (size_t i = 0; r[i] != '\0'; i++) {
			assert_true((unsigned char)r[i] >= 0x20 && r[i] != 0x7f);
			if (ascii)
				assert_true((unsigned char)r[i] < 0x80);
		}
		while (*p != '\0') {
			wchar_t wc;
			size_t n = mbrtowc(&wc, p, strlen(p), &st);
			assert_true(n != (size_t)-1 && n != (size_t)-2 && n != 0);
			/* no C1, bidi or zero-width controls from data */
			assert_false(wc >= 0x80 && wc < 0xa0);
			assert_false((wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069));
			assert_false(wc == 0x200b || wc == 0xfeff);
			w += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
			p += n;
		}
		if (w != cols)
			fprintf(stderr, "row %d is %d columns: [%s]\n", y, w, r);
		assert_int_equal(w, cols);
		free(r);
	}
}

static void
test_grid_160(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	char *r;
	int y, idcol = -1;
	static const char *const accounts[][2] = {
		{ "hq-management", "111111111111" }, { "security-tooling", "222222222222" },
		{ "de-payments-prod", "333333333333" }, { "de-payments-stage", "333333333334" },
		{ "sandbox-1", "444444444444" }, { "old-one", "555555555555" },
	};

	(void)state;
	frame(ui);
	assert_clean_screen(160, 0);
	/* header: org, identity, layer tabs */
	r = t_row(0);
	assert_non_null(strstr(r, "o-7hx2k9"));
	assert_non_null(strstr(r, "security-audit \u2192 111111111111 (OrgtopAudit)"));
	assert_non_null(strstr(r, "[Overview]"));
	assert_non_null(strstr(r, "GuardDuty"));
	free(r);
	/* column header: short codes */
	r = t_row(1);
	assert_non_null(strstr(r, "use1"));
	assert_non_null(strstr(r, "euc1"));
	assert_non_null(strstr(r, "apne1"));
	assert_non_null(strstr(r, "budget"));
	free(r);
	/* every account with its name and id on one row, the ids in one column */
	for (size_t i = 0; i < 6; i++) {
		int col;
		y = t_find_row(accounts[i][0]);
		assert_true(y > 1);
		r = t_row(y);
		assert_non_null(strstr(r, accounts[i][1]));
		col = t_col_of(r, accounts[i][1]);
		if (idcol < 0)
			idcol = col;
		assert_int_equal(col, idcol);
		free(r);
	}
	/* OU rows with counts, roll-ups and glyphs */
	y = t_find_row("DE (2)");
	assert_true(y > 0);
	r = t_row(y);
	assert_non_null(strstr(r, "\u2298"));      /* ⊘ denied outside eu */
	assert_non_null(strstr(r, "\u27382"));     /* ✸2 critical in eu-west-1 */
	free(r);
	y = t_find_row("de-payments-prod");
	r = t_row(y);
	assert_non_null(strstr(r, "\u25c63"));     /* ◆3 high in eu-central-1 */
	assert_non_null(strstr(r, " 95%"));        /* budget burn */
	assert_non_null(strstr(r, "\u2192124%"));  /* →124% forecast */
	free(r);
	y = t_find_row("hq-management");
	r = t_row(y);
	assert_non_null(strstr(r, "\u25cb"));      /* ○ region off */
	assert_non_null(strstr(r, "\u25cf"));      /* ● ok */
	assert_non_null(strstr(r, "$600"));
	free(r);
	r = t_row(t_find_row("sandbox-1"));
	assert_non_null(strstr(r, "\u22ef"));      /* ⋯ loading */
	free(r);
	r = t_row(t_find_row("old-one"));
	assert_non_null(strstr(r, "\u2013"));      /* – disabled */
	free(r);
	/* the selected row's marker */
	r = t_row(2);
	assert_non_null(strstr(r, "\u203a"));
	free(r);
	/* legend and status */
	r = t_row(48);
	assert_non_null(strstr(r, "\u25cf ok"));
	assert_non_null(strstr(r, "\u2298 denied"));
	assert_non_null(strstr(r, "\u22ef loading"));
	free(r);
	r = t_row(49);
	assert_non_null(strstr(r, "refresh 1,204/2,040"));
	assert_non_null(strstr(r, "64 in flight"));
	assert_non_null(strstr(r, "12 throttled"));
	assert_non_null(strstr(r, "3 errors"));
	assert_non_null(strstr(r, "CE 2 calls ($0.02)"));
	assert_non_null(strstr(r, "data 41s old"));
	assert_non_null(strstr(r, "? help"));
	free(r);
	done_ui(ui);
	model_free(m);
}

static void
test_grid_80x24_and_too_small(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 80, 24);
	char *r, *all;

	(void)state;
	frame(ui);
	assert_clean_screen(80, 0);
	r = t_row(t_find_row("de-payments-prod"));
	assert_non_null(strstr(r, "333333333333"));
	assert_non_null(strstr(r, "95%"));
	free(r);
	/* region columns by geography (the console's order), not by name: us, sa, eu, ap */
	r = t_row(1);
	assert_non_null(strstr(r, "use1"));
	assert_non_null(strstr(r, "sae1"));
	assert_true(strstr(r, "use1") < strstr(r, "usw2"));
	assert_true(strstr(r, "usw2") < strstr(r, "sae1"));
	free(r);
	/* columns scroll sideways: the cursor walks to the last region (by geography: Asia Pacific) */
	keys(ui, "llllll");
	r = t_row(1);
	assert_non_null(strstr(r, "apne1"));
	assert_non_null(strstr(r, "\u25c2")); /* ◂ more on the left */
	free(r);
	/* too small */
	t_screen_resize(60, 15);
	ui_resize(ui, 15, 60);
	frame(ui);
	all = t_screen_text();
	assert_non_null(strstr(all, "orgtop needs at least 80x24 \u2014 this terminal is 60x15."));
	free(all);
	t_screen_resize(20, 5);
	ui_resize(ui, 5, 20);
	frame(ui);
	assert_clean_screen(20, 0);
	all = t_screen_text();
	assert_non_null(strstr(all, "80x24"));
	assert_non_null(strstr(all, "20x5."));
	free(all);
	/* and back */
	t_screen_resize(100, 30);
	ui_resize(ui, 30, 100);
	frame(ui);
	assert_true(t_find_row("de-payments-prod") > 0);
	assert_clean_screen(100, 0);
	done_ui(ui);
	model_free(m);
}

static void
test_ascii(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 1, 120, 30);
	char *r;
	int c1, c2;

	(void)state;
	frame(ui);
	assert_clean_screen(120, 1);
	r = t_row(t_find_row("DE (2)"));
	assert_non_null(strstr(r, "#"));
	assert_non_null(strstr(r, "C2"));
	free(r);
	r = t_row(t_find_row("de-payments-prod"));
	assert_non_null(strstr(r, "H3"));
	c1 = t_col_of(r, "333333333333");
	free(r);
	r = t_row(t_find_row("hq-management"));
	assert_non_null(strstr(r, " o "));
	c2 = t_col_of(r, "111111111111");
	free(r);
	assert_int_equal(c1, c2);
	r = t_row(28);
	assert_non_null(strstr(r, "o ok"));
	assert_non_null(strstr(r, "# denied"));
	free(r);
	done_ui(ui);
	glyphs_init(0);
	model_free(m);
}

static void
test_hostile_names(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui;
	int a, b, c, col_a, col_b;
	char *r, *all;

	(void)state;
	a = model_account_upsert(m, "666666666666", "evil\x1b]0;pwned\x07\x1b]52;c;aGk=\x07name",
	    "e@x", "ACTIVE", o.sandbox, 0);
	b = model_account_upsert(m, "777777777777",
	    "line\nbreak\r\b\t\u202eesrever\u2066 \u200bzw \xff\xfe", "e@x", "ACTIVE", o.sandbox, 0);
	c = model_account_upsert(m, "888888888888",
	    "\u65e5\u672c\u8a9e\u306e\u30a2\u30ab\u30a6\u30f3\u30c8\u540d\u524d\u304c\u3068\u3066"
	    "\u3082\u9577\u3044\u3067\u3059\u3088", "e@x", "ACTIVE", o.sandbox, 0);
	(void)a;
	(void)b;
	(void)c;
	ui = new_ui(m, 0, 160, 50);
	frame(ui);
	assert_clean_screen(160, 0);
	all = t_screen_text();
	assert_null(strstr(all, "\x1b"));
	assert_null(strstr(all, "\x07"));
	assert_non_null(strstr(all, "evil\\e]0;pwned"));
	free(all);
	/* one row each, with the id beside the name */
	r = t_row(t_find_row("666666666666"));
	assert_non_null(strstr(r, "evil"));
	col_a = t_col_of(r, "666666666666");
	free(r);
	r = t_row(t_find_row("777777777777"));
	assert_non_null(strstr(r, "line\\nbreak"));
	col_b = t_col_of(r, "777777777777");
	free(r);
	assert_int_equal(col_a, col_b);
	r = t_row(t_find_row("888888888888"));
	assert_non_null(strstr(r, "\u65e5\u672c"));
	assert_int_equal(t_col_of(r, "888888888888"), col_a);
	free(r);
	done_ui(ui);
	model_free(m);
}

static void
test_keys_views(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	char *r, *all;
	int y;

	(void)state;
	frame(ui);
	/* j moves the selection; Enter on an account opens it and fetches its detail */
	y = t_find_row("hq-management");
	keys(ui, "j");
	r = t_row(y);
	assert_non_null(strstr(r, "\u203a"));
	free(r);
	assert_int_equal(grid_selected_account(ui), o.hq);
	keys(ui, "\n");
	assert_true(ui_view(ui) == &account_view);
	assert_int_equal(fk.detail, 1);
	assert_int_equal(fk.last_account, o.hq);
	all = t_screen_text();
	assert_non_null(strstr(all, "hq-management (111111111111)"));
	assert_non_null(strstr(all, "aws+hq@corp.example"));
	assert_non_null(strstr(all, "[Compliance]"));
	assert_non_null(strstr(all, "Findings"));
	assert_non_null(strstr(all, "Budgets"));
	assert_non_null(strstr(all, "monthly"));
	assert_non_null(strstr(all, "$1,000.00"));
	assert_non_null(strstr(all, "holds this period"));
	assert_non_null(strstr(all, "Spend (month to date)"));
	assert_non_null(strstr(all, "AdministratorAccess"));
	assert_non_null(strstr(all, "region off"));
	free(all);
	/* r refreshes this account; y copies its id */
	keys(ui, "ry");
	assert_int_equal(fk.refresh_account, 1);
	{
		char *clip = ui_take_clipboard(ui);
		assert_string_equal(clip, "111111111111");
		free(clip);
	}
	/* Tab goes to the next section */
	keys(ui, "\t");
	all = t_screen_text();
	assert_non_null(strstr(all, "[Findings]"));
	free(all);
	keys(ui, "q");
	assert_true(ui_view(ui) == &grid_view);
	/* layers */
	keys(ui, "2");
	r = t_row(0);
	assert_non_null(strstr(r, "[GuardDuty]"));
	free(r);
	keys(ui, "\t");
	r = t_row(0);
	assert_non_null(strstr(r, "[Spend]"));
	free(r);
	r = t_row(t_find_row("de-payments-prod"));
	assert_non_null(strstr(r, "812"));
	free(r);
	keys(ui, "4");
	r = t_row(1);
	assert_non_null(strstr(r, "Administ"));
	free(r);
	keys(ui, "0");
	/* the filter: incremental, Esc restores, Enter keeps */
	keys(ui, "/de-pay");
	assert_int_equal(rows_matched(grid_rows(ui)), 2);
	r = t_row(49);
	assert_non_null(strstr(r, "/de-pay"));
	free(r);
	keys(ui, "\x1b");
	assert_int_equal(rows_matched(grid_rows(ui)), 6);
	keys(ui, "/sev>=7 sevv>");
	r = t_row(49);
	assert_non_null(strstr(r, "is not a field"));
	free(r);
	/* the last good filter holds: "sev>=7 sevv" */
	assert_string_equal(filter_text(ui->filter), "sev>=7 sevv");
	for (int i = 0; i < 5; i++)
		ui_key(ui, KEY_BACKSPACE, 0);
	keys(ui, "\n");
	assert_string_equal(filter_text(ui->filter), "sev>=7 ");
	r = t_row(49);
	assert_non_null(strstr(r, "filter 2/6"));
	free(r);
	keys(ui, "\x1b"); /* Esc in the grid clears it */
	assert_true(filter_empty(ui->filter));
	/* sort cycles; :sort names one */
	keys(ui, "s");
	assert_int_equal(ui->sort, SORT_NAME);
	keys(ui, ":sort sev\n");
	assert_int_equal(ui->sort, SORT_SEVERITY);
	r = t_row(2);
	assert_non_null(strstr(r, "de-payments-stage"));
	free(r);
	keys(ui, ":sort tree\n");
	/* collapse with space on an OU, n jumps to a changed account */
	keys(ui, "g");
	keys(ui, " ");
	r = t_row(2);
	assert_non_null(strstr(r, "\u25b8 Root (1)"));
	free(r);
	keys(ui, "+");
	{
		uint32_t b[4] = { 0, 0, 0, 1 };
		model_set_guardduty(m, (size_t)o.de_stage, 0, b, 9.1, T_NOW);
	}
	keys(ui, "gn");
	assert_int_equal(grid_selected_account(ui), o.de_stage);
	r = t_row(t_find_row("de-payments-stage"));
	assert_non_null(strstr(r, "\u2022")); /* • changed */
	free(r);
	/* p pauses, r refreshes all, :regions asks the collector */
	keys(ui, "p");
	assert_int_equal(fk.paused, 1);
	keys(ui, "r");
	assert_int_equal(fk.refresh_all, 1);
	keys(ui, ":regions eu-*\n");
	assert_string_equal(fk.regions, "eu-*");
	keys(ui, ":regions !x\n");
	r = t_row(48);
	assert_non_null(strstr(r, ":regions: no region matches"));
	free(r);
	keys(ui, ":frobnicate\n");
	r = t_row(48);
	assert_non_null(strstr(r, "unknown command ':frobnicate'"));
	free(r);
	/* help from the key table */
	keys(ui, "?");
	assert_true(ui_view(ui) == &help_view);
	all = t_screen_text();
	assert_non_null(strstr(all, "copy the account id"));
	assert_non_null(strstr(all, "Everywhere"));
	free(all);
	keys(ui, "q");
	assert_true(ui_view(ui) == &grid_view);
	/* Enter on a cell opens the account at that region */
	keys(ui, "g");
	y = (int)rows_find_account(grid_rows(ui), (size_t)o.de_prod);
	for (int i = 0; i < y; i++)
		keys(ui, "j");
	keys(ui, "llll\n");
	assert_true(ui_view(ui) == &account_view);
	all = t_screen_text();
	assert_non_null(strstr(all, "\u203a"));
	free(all);
	keys(ui, "\x1b");
	keys(ui, "q");
	assert_int_equal(ui_exit_code(ui), 0);
	done_ui(ui);
	model_free(m);
}

static void
test_export(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	char path[] = "/tmp/orgtop-export-XXXXXX";
	char *file, *cmd, buf[8192];
	FILE *f;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	unlink(path);
	file = xasprintf("%s.csv", path);
	frame(ui);
	keys(ui, "/region:eu-* de-pay\n");
	cmd = xasprintf(":export %s\n", file);
	keys(ui, cmd);
	f = fopen(file, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	/* the filtered view: two accounts x two regions, a header */
	assert_non_null(strstr(buf, "account_id"));
	assert_non_null(strstr(buf, "333333333333"));
	assert_non_null(strstr(buf, "333333333334"));
	assert_null(strstr(buf, "111111111111"));
	assert_non_null(strstr(buf, "eu-central-1"));
	assert_null(strstr(buf, "us-east-1"));
	{
		int lines = 0;
		for (char *p = buf; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 5);
	}
	unlink(file);
	free(cmd);
	cmd = xasprintf(":export %s.txt\n", path);
	keys(ui, cmd);
	{
		char *r = t_row(48);
		assert_non_null(strstr(r, "must end in .csv or .json"));
		free(r);
	}
	free(cmd);
	free(file);
	done_ui(ui);
	model_free(m);
}

static void
test_mono(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui;
	attr_t a;
	short pair;

	(void)state;
	setenv("NO_COLOR", "1", 1);
	ui = new_ui(m, 0, 120, 30);
	frame(ui);
	for (int y = 0; y < 30; y++)
		for (int x = 0; x < 120; x++) {
			t_cell_attr(y, x, &a, &pair);
			assert_int_equal(pair, 0);
		}
	/* the selected row is still visible: reverse */
	t_cell_attr(2, 5, &a, &pair);
	assert_true(a & A_REVERSE);
	unsetenv("NO_COLOR");
	done_ui(ui);
	model_free(m);
}

static void
add_detail(struct model *m, size_t a)
{
	struct model_rule *rules = xcalloc(2, sizeof(*rules));
	struct model_finding *f = xcalloc(3, sizeof(*f));

	rules[0].region = 3;
	rules[0].name = xstrdup("s3-bucket-public-read-prohibited");
	rules[0].count = 3;
	rules[1].region = 3;
	rules[1].name = xstrdup("encrypted-volumes");
	rules[1].count = 1;
	model_set_detail_rules(m, a, rules, 2, T_NOW);
	f[0].id = xstrdup("f-low");
	f[0].title = xstrdup("Unusual port probe");
	f[0].type = xstrdup("Recon:EC2/PortProbeUnprotectedPort");
	f[0].description = xstrdup("Port 22 is being probed.");
	f[0].resource = xstrdup("i-0f00baa1");
	f[0].severity = 2.0;
	f[0].region = 2;
	f[0].updated_at = T_NOW - 3600;
	f[1].id = xstrdup("f-high");
	f[1].title = xstrdup("SSH brute force \x1b]8;;http://evil\x07link\x1b]8;;\x07 \x1b[2J");
	f[1].type = xstrdup("UnauthorizedAccess:EC2/SSHBruteForce");
	f[1].description = xstrdup("An EC2 instance is being brute-forced\nfrom 198.51.100.7, many times over a long period of time, so long that this description must wrap over several lines of the account view to be read in full.");
	f[1].resource = xstrdup("i-0abc12de");
	f[1].severity = 8.8;
	f[1].region = 3;
	f[1].updated_at = T_NOW - 120;
	f[2].id = xstrdup("f-crit");
	f[2].title = xstrdup("Crypto mining");
	f[2].type = xstrdup("CryptoCurrency:EC2/BitcoinTool.B");
	f[2].description = xstrdup("Bitcoin.");
	f[2].resource = xstrdup("i-0c0ffee0");
	f[2].severity = 9.2;
	f[2].region = 3;
	f[2].updated_at = T_NOW - 30;
	model_set_detail_findings(m, a, f, 3, T_NOW);
}

static void
test_account_detail(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	char *all, *r;
	int yh, yc, yl;

	(void)state;
	add_detail(m, (size_t)o.de_prod);
	frame(ui);
	grid_select_account(ui, (size_t)o.de_prod);
	keys(ui, "\n");
	assert_true(ui_view(ui) == &account_view);
	assert_clean_screen(160, 0);
	all = t_screen_text();
	/* the noncompliant rules under their region; denied regions say why */
	assert_non_null(strstr(all, "s3-bucket-public-read-prohibited  (3 resources)"));
	assert_non_null(strstr(all, "encrypted-volumes  (1 resource)"));
	assert_non_null(strstr(all, "explicit deny in a service control policy"));
	/* findings by severity, with band, region, type, resource, age */
	yc = t_find_row("Crypto mining");
	yh = t_find_row("SSH brute force");
	yl = t_find_row("Unusual port probe");
	assert_true(yc > 0 && yc < yh && yh < yl);
	r = t_row(yc);
	assert_non_null(strstr(r, "9.2 \u2738CRIT"));
	assert_non_null(strstr(r, "eu-central-1"));
	assert_non_null(strstr(r, "i-0c0ffee0"));
	assert_non_null(strstr(r, "30s ago"));
	free(r);
	r = t_row(yh);
	assert_non_null(strstr(r, "\\e]8;;http://evil"));
	assert_null(strstr(r, "\x1b"));
	free(r);
	free(all);
	/* the budget line: burn bar, forecast, days to the limit */
	r = t_row(t_find_row("monthly-total"));
	assert_non_null(strstr(r, " 95%"));
	assert_non_null(strstr(r, "forecast $1,240.00 (124%)"));
	free(r);
	done_ui(ui);
	model_free(m);
}

static void
test_finding_description(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 120, 40);
	char *all;
	int tries;

	(void)state;
	add_detail(m, (size_t)o.de_prod);
	account_open(ui, (size_t)o.de_prod, -1);
	frame(ui);
	/* section 2, then down to the second finding (the high one) */
	keys(ui, "2");
	for (tries = 0; tries < 10; tries++) {
		int y = t_find_row("SSH brute force");
		attr_t a;
		short pair;
		t_cell_attr(y, 60, &a, &pair);
		/* the selected line is drawn in the selection's colours */
		{
			unsigned long sa;
			short sp;
			theme_attr(ROLE_NORMAL, 1, &sa, &sp);
			if (pair == sp)
				break;
		}
		keys(ui, "j");
	}
	assert_true(tries < 10);
	keys(ui, "\n");
	all = t_screen_text();
	assert_non_null(strstr(all, "An EC2 instance is being brute-forced\\nfrom 198.51.100.7"));
	assert_non_null(strstr(all, "type UnauthorizedAccess:EC2/SSHBruteForce"));
	assert_clean_screen(120, 0);
	free(all);
	keys(ui, "\n");
	all = t_screen_text();
	assert_null(strstr(all, "An EC2 instance is being brute-forced"));
	free(all);
	done_ui(ui);
	model_free(m);
}

static void
test_mouse(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	MEVENT ev;
	int y;

	(void)state;
	frame(ui);
	y = t_find_row("security-tooling");
	memset(&ev, 0, sizeof(ev));
	ev.y = y;
	ev.x = 10;
	ev.bstate = BUTTON1_PRESSED;
	assert_int_equal(ungetmouse(&ev), OK);
	assert_int_equal(getch(), KEY_MOUSE);
	ui_key(ui, KEY_MOUSE, 0);
	frame(ui);
	assert_int_equal(grid_selected_account(ui), o.sec_tool);
	/* a click on a region cell selects the cell; a second one at once opens the account there */
	ev.x = t_col_in_row(1, "euw1");
	assert_int_equal(ungetmouse(&ev), OK);
	getch();
	ui_key(ui, KEY_MOUSE, 0);
	assert_int_equal(grid_selected_region(ui), 2);
	assert_int_equal(ungetmouse(&ev), OK);
	getch();
	ui_key(ui, KEY_MOUSE, 0);
	frame(ui);
	assert_true(ui_view(ui) == &account_view);
	keys(ui, "q");
	/* the wheel moves the selection; a click on a layer tab switches the layer */
	ev.bstate = BUTTON5_PRESSED;
	ungetmouse(&ev);
	getch();
	ui_key(ui, KEY_MOUSE, 0);
	frame(ui);
	assert_true(grid_selected_account(ui) != o.sec_tool);
	ev.bstate = BUTTON1_PRESSED;
	ev.y = 0;
	ev.x = t_col_in_row(0, "GuardDuty") + 1;
	ungetmouse(&ev);
	getch();
	ui_key(ui, KEY_MOUSE, 0);
	frame(ui);
	assert_int_equal(ui->layer, LAYER_GUARDDUTY);
	done_ui(ui);
	model_free(m);
}

static void
test_themes_and_layers(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 160, 50);
	char *r;
	attr_t a;
	short pair;
	unsigned long ca;
	short cpair;
	int y, x;

	(void)state;
	frame(ui);
	/* :theme and t */
	keys(ui, ":theme mono\n");
	r = t_row(48);
	assert_non_null(strstr(r, "theme: mono"));
	free(r);
	keys(ui, "t");
	r = t_row(48);
	assert_non_null(strstr(r, "theme: "));
	assert_null(strstr(r, "theme: mono"));
	free(r);
	keys(ui, ":theme no-such-theme\n");
	r = t_row(48);
	assert_non_null(strstr(r, "theme 'no-such-theme' not found"));
	free(r);
	keys(ui, ":theme default\n");
	/* a critical cell is drawn in the critical role */
	y = t_find_row("de-payments-stage");
	x = t_col_in_row(y, "\u2738");
	t_cell_attr(y, x, &a, &pair);
	theme_attr(ROLE_CRITICAL, 0, &ca, &cpair);
	assert_int_equal(pair, cpair);
	/* :layer and the SSO layer: permission sets as columns, principals per account */
	keys(ui, ":layer sso\n");
	assert_int_equal(ui->layer, LAYER_SSO);
	r = t_row(1);
	assert_non_null(strstr(r, "Administ"));
	assert_non_null(strstr(r, "ReadOnly"));
	free(r);
	r = t_row(t_find_row("hq-management"));
	assert_non_null(strstr(r, " 7 "));   /* 14 assignments: 7 per permission set */
	free(r);
	/* a changed cell is marked with the changed role's attributes */
	keys(ui, ":layer guardduty\n");
	{
		uint32_t b[4] = { 0, 0, 1, 0 };
		model_set_guardduty(m, (size_t)o.hq, 1, b, 7.2, T_NOW);
	}
	frame(ui);
	y = t_find_row("hq-management");
	x = t_col_in_row(y, "\u25c61");
	t_cell_attr(y, x, &a, &pair);
	theme_attr(ROLE_CHANGED, 0, &ca, &cpair);
	assert_true((a & A_UNDERLINE) != 0);
	/* stale values in the stale role */
	model_mark_all_stale(m);
	frame(ui);
	y = t_find_row("security-tooling");
	x = t_col_in_row(y, "\u25b22");
	t_cell_attr(y, x, &a, &pair);
	theme_attr(ROLE_STALE, 0, &ca, &cpair);
	assert_int_equal(pair, cpair);
	/* :help opens the help; a bad :layer says so */
	keys(ui, ":layer colour\n");
	r = t_row(48);
	assert_non_null(strstr(r, ":layer: 'colour' is not one of"));
	free(r);
	keys(ui, ":help\n");
	assert_true(ui_view(ui) == &help_view);
	done_ui(ui);
	model_free(m);
}

static void
test_messages(void **state)
{
	struct t_org o;
	struct model *m = t_org(&o);
	struct ui *ui = new_ui(m, 0, 120, 30);
	char *r;

	(void)state;
	ui->now = T_NOW;
	/* information goes after a few seconds, the legend comes back */
	ui_message(ui, UI_INFO, "refreshing \x1b[31meverything");
	ui_draw(ui, T_NOW);
	doupdate();
	r = t_row(28);
	assert_non_null(strstr(r, "refreshing \\e[31meverything"));
	free(r);
	ui_dirty(ui, UI_DIRTY_ALL);
	ui_draw(ui, T_NOW + 20);
	doupdate();
	r = t_row(28);
	assert_non_null(strstr(r, "ok"));
	assert_null(strstr(r, "refreshing"));
	free(r);
	/* the collector's levels are core/log.h's: an error stays until dismissed */
	ui->now = T_NOW + 20;
	ui_message(ui, LOG_ERROR, "SSO session expired: run aws sso login --profile x");
	ui_draw(ui, T_NOW + 100);
	doupdate();
	r = t_row(28);
	assert_non_null(strstr(r, "aws sso login --profile x"));
	free(r);
	ui_key(ui, 27, 1); /* Esc dismisses it */
	ui_draw(ui, T_NOW + 101);
	doupdate();
	r = t_row(28);
	assert_null(strstr(r, "sso login"));
	free(r);
	done_ui(ui);
	model_free(m);
}

static struct model *
big(size_t n)
{
	static const char *const regions[] = { "us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
		"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
		"ap-southeast-2", "sa-east-1" };
	struct model *m = model_new();
	int root, ous[40];
	uint32_t bands[4] = { 2, 1, 1, 0 };

	model_set_org(m, "o-big", "100000000000");
	model_set_regions(m, regions, 17);
	root = model_ou_upsert(m, "r-big", "Root", -1);
	for (int i = 0; i < 40; i++) {
		char id[40], name[32];
		snprintf(id, sizeof(id), "ou-big-%08d", i);
		snprintf(name, sizeof(name), "Team %02d", i);
		ous[i] = model_ou_upsert(m, id, name, root);
	}
	for (size_t a = 0; a < n; a++) {
		char id[16], name[48];
		int idx;
		snprintf(id, sizeof(id), "%012zu", 100000000000 + a);
		snprintf(name, sizeof(name), "account-%05zu-%s", a, a % 2 ? "prod" : "stage");
		idx = model_account_upsert(m, id, name, "x@example.com", "ACTIVE", ous[a % 40], 0);
		for (size_t r = 0; r < 17; r++) {
			model_set_config(m, (size_t)idx, r, 30, (unsigned)((a + r) % 3), 0, T_NOW);
			model_set_guardduty(m, (size_t)idx, r, bands, 7.5, T_NOW);
			model_set_spend(m, (size_t)idx, r, 12.5, T_NOW);
		}
		t_budget(m, (size_t)idx, "monthly", 1000, (double)(a % 1200), 900);
	}
	return m;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
test_frame_time(void **state)
{
	struct model *m = big(10000);
	struct ui *ui = new_ui(m, 0, 160, 50);
	struct timespec t0;
	double best = 1e9, total = 0, build;
	const int n = 50;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	frame(ui); /* the first frame builds the rows */
	build = ms_since(&t0);
	for (int i = 0; i < n; i++) {
		double t;
		/* a full frame: every window redrawn, the whole terminal repainted */
		ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_CLEAR);
		ui_key(ui, 'j', 1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		frame(ui);
		t = ms_since(&t0);
		total += t;
		if (t < best)
			best = t;
	}
	if (getenv("ORGTOP_TEST_PROFILE") != NULL) {
		double d = 0, u = 0;
		for (int i = 0; i < 200; i++) {
			ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_CLEAR);
			ui_key(ui, 'j', 1);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			ui_draw(ui, T_NOW);
			d += ms_since(&t0);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			doupdate();
			u += ms_since(&t0);
		}
		printf("# draw %.3f ms, doupdate %.3f ms\n", d / 200, u / 200);
	}
	printf("# frame: %.3f ms (10,000 accounts x 17 regions, 160x50; mean %.3f ms over %d; "
	    "first frame with the row build %.1f ms)\n", best, total / n, n, build);
	assert_int_equal(rows_count(grid_rows(ui)), 10000 + 41);
	if (getenv("ORGTOP_SANITIZER") == NULL)
		assert_true(best < 20); /* the target is 2 ms; make bench reports it */
	done_ui(ui);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_160),
		cmocka_unit_test(test_grid_80x24_and_too_small),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_keys_views),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_account_detail),
		cmocka_unit_test(test_finding_description),
		cmocka_unit_test(test_mouse),
		cmocka_unit_test(test_themes_and_layers),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_frame_time),
	};

	unsetenv("NO_COLOR");
	unsetenv("XDG_CONFIG_HOME");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
