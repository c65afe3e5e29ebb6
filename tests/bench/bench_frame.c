/*
 * bench_frame.c: the time of one full frame of the dashboard's grid.
 *
 * Fills a model through core/model.h (by default 10,000 accounts in 40 OUs
 * x 25 regions, every cell state represented, budgets, spend and SSO),
 * draws it with the TUI's own code (tui/ui.h, the grid view) into a curses
 * screen made with newterm() on /dev/null (240x60 by default), and times
 * full frames: every window redrawn and the whole terminal repainted
 * (UI_DIRTY_ALL | UI_DIRTY_CLEAR) after the cursor moved one row, ui_draw()
 * plus doupdate(). Prints one JSON object on stdout:
 *
 *   {"accounts": 10000, "regions": 25, "cols": 240, "rows": 60, "frames": 200,
 *    "median_ms": ..., "p99_ms": ..., "min_ms": ..., "max_ms": ...,
 *    "first_ms": ..., "draw_ms": ..., "update_ms": ..., "cpu_median_ms": ...,
 *    "cpu_p99_ms": ..., "model_ms": ...,
 *    "rss_kb": ...}
 *
 * first_ms is the first frame, which builds the row list; draw_ms and
 * update_ms split the median frame's work between the drawing code and
 * curses' doupdate(); cpu_median_ms and cpu_p99_ms are the process's CPU
 * time per frame, which a busy machine's preemption does not inflate.
 * Exit 0, or 1 on a usage error or a failed setup.
 *
 *   build/bench/bench_frame [--accounts N] [--regions N] [--cols C] [--rows R] [--frames N]
 */
#include <curses.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/grid.h"
#include "tui/rows.h"
#include "tui/ui.h"

#define NOW  1796000000.0 /* a fixed "now" (2026-11-29), so ages do not change between frames */
#define NOUS 40

static const char *const all_regions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "ca-central-1",
    "eu-central-1",   "eu-west-1",      "eu-west-2",      "eu-west-3",      "eu-north-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
    "ap-south-1",     "sa-east-1",      "af-south-1",     "ap-east-1",      "eu-south-1",
    "me-south-1",     "me-central-1",   "eu-central-2",   "ap-south-2",     "ap-southeast-3",
};
#define MAX_REGIONS (sizeof(all_regions) / sizeof(all_regions[0]))

struct opts {
	long accounts, regions, cols, rows, frames;
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at quantile q (0..1) of n sorted values, nearest rank. */
static double
quantile(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)n + 0.999999);

	if (k == 0)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void
budget(struct model *m, size_t a, double limit, double actual, double forecast)
{
	struct model_budget *b = xcalloc(1, sizeof *b);

	b->name = xstrdup("monthly-total");
	b->limit = limit;
	b->actual = actual;
	b->forecast = forecast;
	b->has_forecast = forecast >= 0;
	snprintf(b->unit, sizeof b->unit, "USD");
	snprintf(b->time_unit, sizeof b->time_unit, "MONTHLY");
	model_set_budgets(m, a, b, 1, NOW - 60);
}

static void
sso(struct model *m, size_t a, int n)
{
	struct model_assignment *as = xcalloc((size_t)n, sizeof *as);

	for (int i = 0; i < n; i++) {
		as[i].permission_set =
		    model_intern(m, i % 2 ? "ReadOnlyAccess" : "AdministratorAccess");
		as[i].principal_type = i % 3 == 0 ? MP_GROUP : MP_USER;
		as[i].principal =
		    model_intern(m, i % 3 == 0 ? "Platform Admins" : "alice@corp.example");
		as[i].principal_id = model_intern(m, i % 3 == 0 ? "g-1" : "u-1");
	}
	model_set_sso(m, a, as, (size_t)n, NOW - 60);
}

/* One cell of account a, region r: a mix of every state the grid draws. */
static void
cell(struct model *m, size_t a, size_t r)
{
	static const uint32_t none[4] = {0, 0, 0, 0}, med[4] = {3, 2, 0, 0}, high[4] = {1, 0, 3, 0},
	                      crit[4] = {0, 0, 1, 2};
	unsigned k = (unsigned)((a * 31 + r * 7) % 40);
	double at = NOW - 120;

	model_set_spend(m, a, r, (double)((a + r) % 500) * 1.25, at);
	if (k == 0 || k == 1) {
		model_set_state(m, a, (int)r, MI_CONFIG, MS_DENIED,
		                "explicit deny in a service control policy", at);
		model_set_state(m, a, (int)r, MI_GUARDDUTY, MS_DENIED,
		                "explicit deny in a service control policy", at);
		return;
	}
	if (k == 2 || k == 3) {
		model_set_state(m, a, (int)r, MI_CONFIG, MS_REGION_OFF, "region not enabled", at);
		model_set_state(m, a, (int)r, MI_GUARDDUTY, MS_REGION_OFF, "region not enabled",
		                at);
		return;
	}
	if (k == 4) {
		model_set_state(m, a, (int)r, MI_CONFIG, MS_DISABLED, "no Config rules", at);
		model_set_state(m, a, (int)r, MI_GUARDDUTY, MS_DISABLED, "GuardDuty not enabled",
		                at);
		return;
	}
	if (k == 5) {
		model_set_state(m, a, (int)r, MI_CONFIG, MS_ERROR, "HTTP 503: Service Unavailable",
		                at);
		model_set_state(m, a, (int)r, MI_GUARDDUTY, MS_THROTTLED, "throttled", at);
		return;
	}
	if (k == 6)
		return; /* loading: never fetched */
	model_set_config(m, a, r, 30, k % 5 == 0 ? k / 5 : 0, k == 7, at);
	if (k % 9 == 0)
		model_set_guardduty(m, a, r, crit, 9.4, at);
	else if (k % 7 == 0)
		model_set_guardduty(m, a, r, high, 8.1, at);
	else if (k % 4 == 0)
		model_set_guardduty(m, a, r, med, 5.5, at);
	else
		model_set_guardduty(m, a, r, none, 0, at);
}

static struct model *
fill(long naccounts, long nregions)
{
	struct model *m = model_new();
	int root, ous[NOUS];

	model_set_org(m, "o-bench00001", "100000000000");
	model_set_regions(m, all_regions, (size_t)nregions);
	root = model_ou_upsert(m, "r-bnch", "Root", -1);
	for (int i = 0; i < NOUS; i++) {
		char id[40], name[32];
		int parent = i < 8 ? root : ous[i % 8];

		snprintf(id, sizeof id, "ou-bnch-%08d", i);
		snprintf(name, sizeof name, i < 8 ? "Division %02d" : "Team %02d", i);
		ous[i] = model_ou_upsert(m, id, name, parent);
	}
	for (long a = 0; a < naccounts; a++) {
		char id[24], name[64], email[96];
		int idx;

		snprintf(id, sizeof id, "%012ld", 100000000000L + a);
		snprintf(name, sizeof name, "team-%04ld-%s", a / 3,
		         a % 3 == 0   ? "prod"
		         : a % 3 == 1 ? "stage"
		                      : "dev");
		snprintf(email, sizeof email, "aws+%s@corp.example", name);
		idx = model_account_upsert(m, id, name, email, a % 97 == 0 ? "SUSPENDED" : "ACTIVE",
		                           ous[8 + a % (NOUS - 8)], 1600000000);
		if (idx < 0) {
			model_free(m);
			return NULL;
		}
		if (a % 97 == 0) {
			for (long r = 0; r < nregions; r++) {
				model_set_state(m, (size_t)idx, (int)r, MI_CONFIG, MS_DISABLED,
				                "account SUSPENDED", NOW);
				model_set_state(m, (size_t)idx, (int)r, MI_GUARDDUTY, MS_DISABLED,
				                "account SUSPENDED", NOW);
			}
			model_set_state(m, (size_t)idx, -1, MI_ACCESS, MS_DISABLED,
			                "account SUSPENDED", NOW);
			model_set_state(m, (size_t)idx, -1, MI_BUDGET, MS_DISABLED,
			                "account SUSPENDED", NOW);
			model_set_state(m, (size_t)idx, -1, MI_SSO, MS_DISABLED,
			                "account SUSPENDED", NOW);
			continue;
		}
		model_set_access(m, (size_t)idx, "OrganizationAccountAccessRole", NOW);
		for (long r = 0; r < nregions; r++)
			cell(m, (size_t)idx, (size_t)r);
		budget(m, (size_t)idx, 1000, (double)(a % 1300), a % 5 ? (double)(a % 1500) : -1);
		sso(m, (size_t)idx, (int)(a % 6));
	}
	model_clear_changes(m);
	return m;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *flag;
		size_t off;
		long long min, max;
	} flags[] = {
	    {"--accounts", offsetof(struct opts, accounts), 1, 1000000},
	    {"--regions", offsetof(struct opts, regions), 1, (long long)MAX_REGIONS},
	    {"--cols", offsetof(struct opts, cols), UI_MIN_COLS, 1000},
	    {"--rows", offsetof(struct opts, rows), UI_MIN_ROWS, 1000},
	    {"--frames", offsetof(struct opts, frames), 1, 100000},
	};

	o->accounts = 10000;
	o->regions = 25;
	o->cols = 240;
	o->rows = 60;
	o->frames = 200;
	for (int i = 1; i < argc; i += 2) {
		size_t k;
		long long v;

		for (k = 0; k < sizeof flags / sizeof flags[0]; k++) {
			if (strcmp(argv[i], flags[k].flag) == 0)
				break;
		}
		if (k == sizeof flags / sizeof flags[0] || i + 1 >= argc) {
			fprintf(stderr, "bench_frame: unknown or incomplete option '%s'\n",
			        argv[i]);
			return -1;
		}
		if (util_parse_ll(argv[i + 1], flags[k].min, flags[k].max, &v) != 0) {
			fprintf(stderr, "bench_frame: %s: '%s' is not a number from %lld to %lld\n",
			        flags[k].flag, argv[i + 1], flags[k].min, flags[k].max);
			return -1;
		}
		*(long *)(void *)((char *)o + flags[k].off) = (long)v;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ui_config cfg;
	struct ui *ui;
	struct model *m;
	struct rusage ru;
	SCREEN *scr;
	FILE *out, *in;
	double t0, c0, first, model_ms, *all, *draw, *upd, *cpu;
	char cols[16], rows[16], *cause = NULL;
	size_t n;

	if (parse(argc, argv, &o) != 0)
		return 1;
	n = (size_t)o.frames;
	t0 = now_ms();
	m = fill(o.accounts, o.regions);
	model_ms = now_ms() - t0;
	if (m == NULL) {
		fprintf(stderr, "bench_frame: the model refused an account\n");
		return 1;
	}

	setlocale(LC_ALL, "C.UTF-8");
	text_init();
	snprintf(cols, sizeof cols, "%ld", o.cols);
	snprintf(rows, sizeof rows, "%ld", o.rows);
	setenv("COLUMNS", cols, 1);
	setenv("LINES", rows, 1);
	unsetenv("NO_COLOR");
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL) {
		fprintf(stderr, "bench_frame: /dev/null cannot be opened\n");
		return 1;
	}
	scr = newterm("xterm-256color", out, in);
	if (scr == NULL) {
		fprintf(stderr, "bench_frame: newterm(xterm-256color) failed\n");
		return 1;
	}
	set_term(scr);
	resizeterm((int)o.rows, (int)o.cols);

	memset(&cfg, 0, sizeof cfg);
	cfg.model = m;
	cfg.profile = "bench";
	cfg.theme = "default";
	ui = ui_new(&cfg, NULL, &cause);
	if (ui == NULL) {
		fprintf(stderr, "bench_frame: %s\n", cause != NULL ? cause : "ui_new failed");
		free(cause);
		return 1;
	}
	ui_attach(ui);

	t0 = now_ms();
	ui_draw(ui, NOW);
	doupdate();
	first = now_ms() - t0;

	all = xcalloc(n, sizeof *all);
	draw = xcalloc(n, sizeof *draw);
	upd = xcalloc(n, sizeof *upd);
	cpu = xcalloc(n, sizeof *cpu);
	for (size_t i = 0; i < n; i++) {
		double t1, t2;

		/* Move down a row (back to the top now and then), then repaint everything. */
		ui_key(ui, i % 50 == 49 ? 'g' : 'j', 1);
		ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_CLEAR);
		c0 = cpu_ms();
		t0 = now_ms();
		ui_draw(ui, NOW);
		t1 = now_ms();
		doupdate();
		t2 = now_ms();
		cpu[i] = cpu_ms() - c0;
		all[i] = t2 - t0;
		draw[i] = t1 - t0;
		upd[i] = t2 - t1;
	}
	qsort(all, n, sizeof *all, cmp_double);
	qsort(draw, n, sizeof *draw, cmp_double);
	qsort(upd, n, sizeof *upd, cmp_double);
	qsort(cpu, n, sizeof *cpu, cmp_double);
	getrusage(RUSAGE_SELF, &ru);

	ui_detach(ui);
	ui_free(ui);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);

	printf(
	    "{\"accounts\": %ld, \"regions\": %ld, \"cols\": %ld, \"rows\": %ld, "
	    "\"frames\": %zu, \"median_ms\": %.4f, \"p99_ms\": %.4f, \"min_ms\": %.4f, "
	    "\"max_ms\": %.4f, \"first_ms\": %.3f, \"draw_ms\": %.4f, \"update_ms\": %.4f, "
	    "\"cpu_median_ms\": %.4f, \"cpu_p99_ms\": %.4f, \"model_ms\": %.1f, \"rss_kb\": %ld}\n",
	    o.accounts, o.regions, o.cols, o.rows, n, quantile(all, n, 0.5), quantile(all, n, 0.99),
	    all[0], all[n - 1], first, quantile(draw, n, 0.5), quantile(upd, n, 0.5),
	    quantile(cpu, n, 0.5), quantile(cpu, n, 0.99), model_ms, ru.ru_maxrss);
	free(all);
	free(draw);
	free(upd);
	free(cpu);
	model_free(m);
	return 0;
}
