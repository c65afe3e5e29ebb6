/*
 * report.c: --once output (json, csv, table), the exit-code rule, and the
 * orgtop/1 reader.
 *
 * The writers stream: output collects in a 64 KiB buf handed to the sink,
 * so a 10,000-account document never sits whole in memory. The reader is a
 * small strict pull parser over the document in memory (no tree: a cJSON
 * tree of a large organization would cost several times the model), which
 * fills a model built aside and swaps it in only when the whole document
 * was valid.
 */
#include "core/report.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define FLUSH_AT 65536

/* ------------------------------------------------------------ the locale */

/*
 * Numbers are written and read in the C locale: the TUI calls
 * setlocale(LC_ALL, "") and a German LC_NUMERIC would write 532,1.
 */
static locale_t
report__c_locale(void)
{
	static locale_t c;

	if (c == (locale_t)0)
		c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c;
}

struct report__loc {
	locale_t old;
	int set;
};

static void
report__loc_enter(struct report__loc *l)
{
	locale_t c = report__c_locale();

	l->set = c != (locale_t)0;
	if (l->set)
		l->old = uselocale(c);
}

static void
report__loc_leave(struct report__loc *l)
{
	if (l->set)
		uselocale(l->old);
}

/* ---------------------------------------------------------------- output */

struct out {
	struct buf b;
	report_sink_fn sink;
	void *arg;
	int failed;
};

static void
out_flush(struct out *w)
{
	if (w->b.len == 0)
		return;
	if (!w->failed && w->sink(w->b.data, w->b.len, w->arg) < 0)
		w->failed = 1;
	buf_reset(&w->b);
}

static void
out_maybe_flush(struct out *w)
{
	if (w->b.len >= FLUSH_AT)
		out_flush(w);
}

static void
out_s(struct out *w, const char *s)
{
	buf_adds(&w->b, s);
}

static void
out_printf(struct out *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&w->b, fmt, ap);
	va_end(ap);
}

/* A double with up to 15 significant digits; -0 as 0. */
static void
out_num(struct out *w, double v)
{
	if (!isfinite(v)) {
		out_s(w, "null");
		return;
	}
	if (v == 0)
		v = 0; /* no "-0" */
	out_printf(w, "%.15g", v);
}

/* Money: rounded to cents. */
static void
out_money(struct out *w, double v)
{
	if (isfinite(v) && fabs(v) < 1e13)
		v = round(v * 100) / 100;
	out_num(w, v);
}

/* ----------------------------------------------------------- selections */

/* The accounts and regions to write, in output order. */
struct sel {
	size_t *acc;
	size_t nacc;
	size_t *reg;
	size_t nreg;
};

static const struct model *sort_model; /* for the qsort comparators */

static int
report__cmp_acc_id(const void *x, const void *y)
{
	const struct model_account *a = model_account(sort_model, *(const size_t *)x);
	const struct model_account *b = model_account(sort_model, *(const size_t *)y);

	return strcmp(a->id, b->id);
}

static int
report__cmp_region(const void *x, const void *y)
{
	return strcmp(model_region(sort_model, *(const size_t *)x),
	    model_region(sort_model, *(const size_t *)y));
}

/* Drops repeats from a sorted array (a subset may name an index twice). Returns the new length. */
static size_t
report__dedupe(size_t *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	}
	return k;
}

static void
sel_init(struct sel *s, const struct model *m, const struct report_opts *o)
{
	size_t na = model_naccounts(m), nr = model_nregions(m);

	memset(s, 0, sizeof *s);
	s->acc = xcalloc(na ? na : 1, sizeof *s->acc);
	s->reg = xcalloc(nr ? nr : 1, sizeof *s->reg);
	if (o != NULL && o->accounts != NULL) {
		for (size_t i = 0; i < o->naccounts; i++) {
			if (o->accounts[i] < na && s->nacc < na)
				s->acc[s->nacc++] = o->accounts[i];
		}
	} else {
		for (size_t i = 0; i < na; i++)
			s->acc[s->nacc++] = i;
	}
	if (o != NULL && o->regions != NULL) {
		for (size_t i = 0; i < o->nregions; i++) {
			if (o->regions[i] < nr && s->nreg < nr)
				s->reg[s->nreg++] = o->regions[i];
		}
	} else {
		for (size_t i = 0; i < nr; i++)
			s->reg[s->nreg++] = i;
	}
	sort_model = m;
	if (s->nacc > 1) /* (an empty org: no array, and qsort of NULL is undefined) */
		qsort(s->acc, s->nacc, sizeof *s->acc, report__cmp_acc_id);
	if (s->nreg > 1)
		qsort(s->reg, s->nreg, sizeof *s->reg, report__cmp_region);
	s->nacc = report__dedupe(s->acc, s->nacc);
	s->nreg = report__dedupe(s->reg, s->nreg);
}

static void
sel_done(struct sel *s)
{
	free(s->acc);
	free(s->reg);
}

/* Whether a status shows its value (ok or stale) in plain output. */
static int
report__shows_value(const struct model_status *st)
{
	return (st->flags & MF_HAS_VALUE) && (st->state == MS_OK || st->state == MS_STALE);
}

/* The state to write: the cache form turns a held value under a transient state into stale. */
static int
report__state(const struct model_status *st, unsigned flags)
{
	if ((flags & REPORT_CACHE) && (st->flags & MF_HAS_VALUE) &&
	    (st->state == MS_THROTTLED || st->state == MS_ERROR || st->state == MS_LOADING))
		return MS_STALE;
	return st->state;
}

static int
report__has_value(const struct model_status *st, unsigned flags)
{
	int s = report__state(st, flags);

	return (st->flags & MF_HAS_VALUE) && (s == MS_OK || s == MS_STALE);
}

/* ------------------------------------------------------------------ JSON */

static void
json_str(struct out *w, const char *s)
{
	if (s == NULL) {
		out_s(w, "null");
		return;
	}
	text_json_string(&w->b, s, strlen(s));
}

/* A string, or null when empty (unknown is never written as a fake value). */
static void
json_str_or_null(struct out *w, const char *s)
{
	json_str(w, s != NULL && *s != '\0' ? s : NULL);
}

static void
json_time(struct out *w, double t)
{
	char iso[32];

	util_format_iso8601((time_t)t, iso, sizeof iso);
	json_str(w, iso);
}

/* "state" (and "reason", "fetched_at") of an item; prefix names the keys of a cell's spend. */
static void
json_status(struct out *w, const struct model_status *st, unsigned flags, const char *prefix)
{
	int s = report__state(st, flags);

	out_printf(w, "\"%sstate\":\"%s\"", prefix, model_state_name((enum model_state)s));
	if (st->reason != NULL && s != MS_OK) {
		out_printf(w, ",\"%sreason\":", prefix);
		json_str(w, st->reason);
	}
	if ((flags & REPORT_CACHE) && (st->flags & MF_HAS_VALUE))
		out_printf(w, ",\"%sfetched_at\":%u", prefix, (unsigned)st->fetched_at);
}

static void
json_cell(struct out *w, const struct model_cell *c, unsigned flags)
{
	out_s(w, "{\"config\":{");
	json_status(w, &c->config.st, flags, "");
	if (report__has_value(&c->config.st, flags)) {
		out_printf(w, ",\"compliant\":%u,\"noncompliant\":%u", c->config.compliant,
		    c->config.noncompliant);
		if (c->config.st.flags & MF_CAPPED)
			out_s(w, ",\"capped\":true");
	}
	out_s(w, "},\"guardduty\":{");
	json_status(w, &c->gd.st, flags, "");
	if (report__has_value(&c->gd.st, flags)) {
		out_printf(w, ",\"low\":%u,\"medium\":%u,\"high\":%u,\"critical\":%u,\"max_severity\":",
		    c->gd.low, c->gd.medium, c->gd.high, c->gd.critical);
		out_num(w, round((double)c->gd.max_severity * 100) / 100);
	}
	out_s(w, "},");
	if (report__has_value(&c->spend.st, flags)) {
		out_s(w, "\"spend\":");
		out_money(w, c->spend.amount);
		out_s(w, ",");
	}
	json_status(w, &c->spend.st, flags, "spend_");
	out_s(w, "}");
}

/* Whether unit is a currency code (three capital letters): amounts in it are money. */
static int
report__is_currency(const char *unit)
{
	return strlen(unit) == 3 && unit[0] >= 'A' && unit[0] <= 'Z' && unit[1] >= 'A' &&
	    unit[1] <= 'Z' && unit[2] >= 'A' && unit[2] <= 'Z';
}

static void
json_amount(struct out *w, double v, const char *unit)
{
	if (report__is_currency(unit))
		out_money(w, v);
	else
		out_num(w, v);
}

static void
json_budget(struct out *w, const struct model_account *acc, unsigned flags)
{
	out_s(w, "\"budget\":{");
	json_status(w, &acc->budget, flags, "");
	if (report__has_value(&acc->budget, flags)) {
		out_s(w, ",\"budgets\":[");
		for (size_t i = 0; i < acc->nbudgets; i++) {
			const struct model_budget *b = &acc->budgets[i];

			out_s(w, i ? ",{\"name\":" : "{\"name\":");
			json_str(w, b->name);
			out_s(w, ",\"limit\":");
			json_amount(w, b->limit, b->unit);
			out_s(w, ",\"actual\":");
			json_amount(w, b->actual, b->unit);
			if (b->has_forecast) {
				out_s(w, ",\"forecast\":");
				json_amount(w, b->forecast, b->unit);
			}
			out_s(w, ",\"unit\":");
			json_str(w, b->unit);
			if (b->time_unit[0] != '\0') {
				out_s(w, ",\"time_unit\":");
				json_str(w, b->time_unit);
			}
			out_s(w, "}");
		}
		out_s(w, "]");
	}
	out_s(w, "}");
}

static void
json_sso(struct out *w, const struct model_account *acc, unsigned flags)
{
	out_s(w, "\"sso\":{");
	json_status(w, &acc->sso, flags, "");
	if (report__has_value(&acc->sso, flags)) {
		out_s(w, ",\"assignments\":[");
		for (size_t i = 0; i < acc->nassignments; i++) {
			const struct model_assignment *x = &acc->assignments[i];

			out_s(w, i ? ",{\"permission_set\":" : "{\"permission_set\":");
			json_str(w, x->permission_set);
			out_printf(w, ",\"principal_type\":\"%s\",\"principal\":",
			    x->principal_type == MP_USER ? "USER" : "GROUP");
			json_str(w, x->principal);
			if ((flags & REPORT_CACHE) && x->principal_id != NULL &&
			    x->principal_id[0] != '\0') {
				out_s(w, ",\"principal_id\":");
				json_str(w, x->principal_id);
			}
			out_s(w, "}");
		}
		out_s(w, "]");
	}
	out_s(w, "}");
}

static void
json_account(struct out *w, const struct model *m, const struct sel *s, size_t a, unsigned flags)
{
	const struct model_account *acc = model_account(m, a);
	const struct model_ou *ou = acc->ou >= 0 ? model_ou(m, (size_t)acc->ou) : NULL;

	out_s(w, "{\"id\":");
	json_str(w, acc->id);
	out_s(w, ",\"name\":");
	json_str_or_null(w, acc->name);
	out_s(w, ",\"email\":");
	json_str_or_null(w, acc->email);
	out_s(w, ",\"status\":");
	json_str_or_null(w, acc->status);
	out_s(w, ",\"ou_id\":");
	json_str(w, ou != NULL ? ou->id : NULL);
	out_s(w, ",\"ou_path\":");
	json_str(w, ou != NULL ? ou->path : NULL);
	if (acc->joined > 0) {
		out_s(w, ",\"joined\":");
		json_time(w, acc->joined);
	}
	out_s(w, ",\"access\":{");
	json_status(w, &acc->access, flags, "");
	if (report__has_value(&acc->access, flags) && acc->role != NULL) {
		out_s(w, ",\"role\":");
		json_str(w, acc->role);
	}
	out_s(w, "},");
	json_budget(w, acc, flags);
	out_s(w, ",");
	json_sso(w, acc, flags);
	out_s(w, ",\"cells\":{");
	for (size_t i = 0; i < s->nreg; i++) {
		if (i)
			out_s(w, ",");
		json_str(w, model_region(m, s->reg[i]));
		out_s(w, ":");
		json_cell(w, &acc->cells[s->reg[i]], flags);
	}
	out_s(w, "}}");
}

static int
report__cmp_ou_path(const void *x, const void *y)
{
	const struct model_ou *a = model_ou(sort_model, *(const size_t *)x);
	const struct model_ou *b = model_ou(sort_model, *(const size_t *)y);
	int c = strcmp(a->path, b->path);

	return c != 0 ? c : strcmp(a->id, b->id);
}

static void
json_ous(struct out *w, const struct model *m, const struct sel *s, const struct report_opts *o)
{
	size_t n = model_nous(m), k = 0;
	size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
	char *want = xcalloc(n ? n : 1, 1);

	/* A subset of accounts carries only the OUs on their paths. */
	for (size_t i = 0; i < n; i++)
		want[i] = o == NULL || o->accounts == NULL;
	for (size_t i = 0; o != NULL && o->accounts != NULL && i < s->nacc; i++) {
		int ou = model_account(m, s->acc[i])->ou;

		for (size_t d = 0; ou >= 0 && d <= n && !want[ou]; d++) {
			want[ou] = 1;
			ou = model_ou(m, (size_t)ou)->parent;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (want[i])
			idx[k++] = i;
	}
	sort_model = m;
	qsort(idx, k, sizeof *idx, report__cmp_ou_path);
	out_s(w, "\"ous\":[");
	for (size_t i = 0; i < k; i++) {
		const struct model_ou *ou = model_ou(m, idx[i]);

		out_s(w, i ? ",\n{\"id\":" : "\n{\"id\":");
		json_str(w, ou->id);
		out_s(w, ",\"name\":");
		json_str(w, ou->name);
		out_s(w, ",\"path\":");
		json_str(w, ou->path);
		out_s(w, ",\"parent\":");
		json_str(w, ou->parent >= 0 ? model_ou(m, (size_t)ou->parent)->id : NULL);
		out_s(w, "}");
	}
	out_s(w, k ? "\n],\n" : "],\n");
	free(idx);
	free(want);
}

static void
report__json(struct out *w, const struct model *m, const struct sel *s,
    const struct report_opts *o, double now)
{
	unsigned flags = o != NULL ? o->flags : 0;

	out_s(w, "{\"schema\":\"orgtop/1\",\n\"generated_at\":");
	json_time(w, now);
	out_s(w, ",\n\"organization\":{\"id\":");
	json_str_or_null(w, model_org_id(m));
	out_s(w, ",\"management_account_id\":");
	json_str_or_null(w, model_org_mgmt(m));
	out_s(w, "},\n\"currency\":");
	json_str(w, model_currency(m));
	out_s(w, ",\n\"regions\":[");
	for (size_t i = 0; i < s->nreg; i++) {
		if (i)
			out_s(w, ",");
		json_str(w, model_region(m, s->reg[i]));
	}
	out_s(w, "],\n");
	json_ous(w, m, s, o);
	out_s(w, "\"accounts\":[");
	for (size_t i = 0; i < s->nacc; i++) {
		out_s(w, i ? ",\n" : "\n");
		json_account(w, m, s, s->acc[i], flags);
		out_maybe_flush(w);
	}
	out_s(w, s->nacc ? "\n]}\n" : "]}\n");
}

/* ------------------------------------------------------------------- CSV */

static const char *const csv_columns[] = {"account_id", "account_name", "account_email",
    "account_status", "ou_path", "region", "config_state", "config_compliant",
    "config_noncompliant", "config_capped", "config_reason", "guardduty_state", "guardduty_low",
    "guardduty_medium", "guardduty_high", "guardduty_critical", "guardduty_max_severity",
    "guardduty_reason", "spend_state", "spend", "currency", "spend_reason", "access_state",
    "access_role", "access_reason", "budget_state", "budget_count", "budget_burn_pct",
    "budget_forecast_pct", "budget_reason", "sso_state", "sso_assignments", "sso_reason"};

/*
 * One text field: sanitised, protected against formula injection, quoted
 * when RFC 4180 needs it. NULL is an empty field.
 */
static void
csv_text(struct out *w, const char *s, int first)
{
	char *c;
	int quote;
	size_t n;

	if (!first)
		out_s(w, ",");
	if (s == NULL || *s == '\0')
		return;
	c = text_clean(s, 0);
	n = strlen(c);
	quote = strpbrk(c, ",\"\r\n") != NULL || c[0] == ' ' || (n > 0 && c[n - 1] == ' ');
	if (quote)
		out_s(w, "\"");
	if (c[0] != '\0' && strchr("=+-@", c[0]) != NULL)
		out_s(w, "'");
	for (const char *p = c; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(&w->b, '"');
		buf_addc(&w->b, *p);
	}
	if (quote)
		out_s(w, "\"");
	free(c);
}

static void
csv_uint(struct out *w, unsigned long v)
{
	out_printf(w, ",%lu", v);
}

static void
csv_num(struct out *w, double v)
{
	out_s(w, ",");
	out_num(w, v);
}

static void
csv_empty(struct out *w, int n)
{
	while (n-- > 0)
		out_s(w, ",");
}

static void
csv_state(struct out *w, const struct model_status *st)
{
	out_printf(w, ",%s", model_state_name((enum model_state)st->state));
}

static const char *
report__reason(const struct model_status *st)
{
	return st->state != MS_OK ? st->reason : NULL;
}

/* The account-level columns, the same on each of the account's rows. */
static void
csv_account_tail(struct out *w, const struct model_account *acc)
{
	double burn = -1, fburn = -1;

	csv_state(w, &acc->access);
	csv_text(w, report__shows_value(&acc->access) ? acc->role : NULL, 0);
	csv_text(w, report__reason(&acc->access), 0);
	csv_state(w, &acc->budget);
	if (report__shows_value(&acc->budget)) {
		for (size_t i = 0; i < acc->nbudgets; i++) {
			double b = model_budget_burn(&acc->budgets[i]);
			double f = model_budget_forecast_burn(&acc->budgets[i]);

			burn = b > burn ? b : burn;
			fburn = f > fburn ? f : fburn;
		}
		csv_uint(w, acc->nbudgets);
		if (burn >= 0)
			csv_num(w, round(burn * 10) / 10);
		else
			csv_empty(w, 1);
		if (fburn >= 0)
			csv_num(w, round(fburn * 10) / 10);
		else
			csv_empty(w, 1);
	} else {
		csv_empty(w, 3);
	}
	csv_text(w, report__reason(&acc->budget), 0);
	csv_state(w, &acc->sso);
	if (report__shows_value(&acc->sso))
		csv_uint(w, acc->nassignments);
	else
		csv_empty(w, 1);
	csv_text(w, report__reason(&acc->sso), 0);
}

static void
csv_row(struct out *w, const struct model *m, size_t a, size_t r)
{
	const struct model_account *acc = model_account(m, a);
	const struct model_cell *c = model_cell(m, a, r);
	const struct model_ou *ou = acc->ou >= 0 ? model_ou(m, (size_t)acc->ou) : NULL;

	csv_text(w, acc->id, 1);
	csv_text(w, acc->name, 0);
	csv_text(w, acc->email, 0);
	csv_text(w, acc->status, 0);
	csv_text(w, ou != NULL ? ou->path : NULL, 0);
	csv_text(w, model_region(m, r), 0);
	csv_state(w, &c->config.st);
	if (report__shows_value(&c->config.st)) {
		csv_uint(w, c->config.compliant);
		csv_uint(w, c->config.noncompliant);
		out_s(w, c->config.st.flags & MF_CAPPED ? ",true" : ",false");
	} else {
		csv_empty(w, 3);
	}
	csv_text(w, report__reason(&c->config.st), 0);
	csv_state(w, &c->gd.st);
	if (report__shows_value(&c->gd.st)) {
		csv_uint(w, c->gd.low);
		csv_uint(w, c->gd.medium);
		csv_uint(w, c->gd.high);
		csv_uint(w, c->gd.critical);
		csv_num(w, round((double)c->gd.max_severity * 100) / 100);
	} else {
		csv_empty(w, 5);
	}
	csv_text(w, report__reason(&c->gd.st), 0);
	csv_state(w, &c->spend.st);
	if (report__shows_value(&c->spend.st)) {
		out_s(w, ",");
		out_money(w, c->spend.amount);
		csv_text(w, model_currency(m), 0);
	} else {
		csv_empty(w, 2);
	}
	csv_text(w, report__reason(&c->spend.st), 0);
	csv_account_tail(w, acc);
	out_s(w, "\r\n");
}

static void
report__csv(struct out *w, const struct model *m, const struct sel *s)
{
	for (size_t i = 0; i < NELEM(csv_columns); i++)
		out_printf(w, "%s%s", i ? "," : "", csv_columns[i]);
	out_s(w, "\r\n");
	for (size_t i = 0; i < s->nacc; i++) {
		for (size_t j = 0; j < s->nreg; j++)
			csv_row(w, m, s->acc[i], s->reg[j]);
		out_maybe_flush(w);
	}
}

/* ----------------------------------------------------------------- table */

enum glyph {
	G_OK,
	G_NC,
	G_LOW,
	G_MED,
	G_HIGH,
	G_CRIT,
	G_DENIED,
	G_OFF,
	G_DISABLED,
	G_STALE,
	G_LOADING,
	G_THROTTLED,
	G_ERROR,
	G__COUNT
};

/* SCREENS.md's glyphs. */
static const char *const glyph_utf8[G__COUNT] = {"\xe2\x97\x8f", "\xe2\x9c\x96", "\xc2\xb7",
    "\xe2\x96\xb2", "\xe2\x97\x86", "\xe2\x9c\xb8", "\xe2\x8a\x98", "\xe2\x97\x8b", "\xe2\x80\x93",
    "~", "\xe2\x8b\xaf", "\xe2\xa7\x97", "!"};
static const char *const glyph_ascii[G__COUNT] = {"o", "x", "l", "m", "H", "C", "#", ".", "-",
    "~", ":", "%", "!"};

struct table {
	const struct model *m;
	const struct sel *s;
	const char *const *g; /* glyph set */
	unsigned tflags;      /* TEXT_ASCII or 0 */
	int ascii;
	int namew;
	int *colw; /* per selected region */
	int budw, spendw, ssow;
};

/* A problem state of an item without a value, ranked: higher is worse. */
static int
table__problem(const struct model_status *st, enum glyph *g)
{
	if (st->flags & MF_HAS_VALUE)
		return 0;
	switch (st->state) {
	case MS_ERROR:
		*g = G_ERROR;
		return 4;
	case MS_THROTTLED:
		*g = G_THROTTLED;
		return 3;
	case MS_DENIED:
		*g = G_DENIED;
		return 2;
	case MS_LOADING:
		*g = G_LOADING;
		return 1;
	default:
		return 0;
	}
}

/*
 * The overview of one cell: the worst of compliance and findings. Findings
 * and noncompliant rules first, then a problem state (error, throttled,
 * denied, loading), then ok, then region off / not enabled. A value not
 * from the latest refresh is prefixed with the stale mark.
 */
static void
table_cell(const struct table *t, const struct model_cell *c, struct buf *out)
{
	int rank = -1, stale = 0, prob = 0, p;
	unsigned n = 0;
	enum glyph g = G_OK, pg = G_ERROR;

	if (c->config.st.flags & MF_HAS_VALUE) {
		stale |= c->config.st.state != MS_OK;
		rank = 0;
		if (c->config.noncompliant > 0) {
			rank = 3;
			g = G_NC;
			n = c->config.noncompliant;
		}
	}
	if (c->gd.st.flags & MF_HAS_VALUE) {
		const struct model_guardduty *d = &c->gd;
		int r = 0;
		enum glyph gg = G_OK;
		unsigned nn = 0;

		stale |= d->st.state != MS_OK;
		if (d->critical > 0) {
			r = 5;
			gg = G_CRIT;
			nn = d->critical;
		} else if (d->high > 0) {
			r = 4;
			gg = G_HIGH;
			nn = d->high;
		} else if (d->medium > 0) {
			r = 2;
			gg = G_MED;
			nn = d->medium;
		} else if (d->low > 0) {
			r = 1;
			gg = G_LOW;
			nn = d->low;
		}
		if (r > rank) {
			rank = r;
			g = gg;
			n = nn;
		}
	}
	if (rank >= 1) {
		buf_printf(out, "%s%s%u", stale ? t->g[G_STALE] : "", t->g[g], n);
		return;
	}
	p = table__problem(&c->config.st, &pg);
	if (p > 0)
		prob = p;
	{
		enum glyph g2 = G_ERROR;
		int p2 = table__problem(&c->gd.st, &g2);

		if (p2 > prob) {
			prob = p2;
			pg = g2;
		}
	}
	if (prob > 0) {
		buf_adds(out, t->g[pg]);
		return;
	}
	if (rank == 0) {
		buf_printf(out, "%s%s", stale ? t->g[G_STALE] : "", t->g[G_OK]);
		return;
	}
	if (c->config.st.state == MS_REGION_OFF || c->gd.st.state == MS_REGION_OFF)
		buf_adds(out, t->g[G_OFF]);
	else
		buf_adds(out, t->g[G_DISABLED]);
}

/* The state of an account-level item without a value, as a word. */
static void
table_state_word(const struct table *t, const struct model_status *st, struct buf *out)
{
	(void)t;
	buf_adds(out, st->state == MS_REGION_OFF ? "off" : model_state_name(st->state));
}

static void
table_budget(const struct table *t, const struct model_account *acc, struct buf *out)
{
	const struct model_budget *best = NULL;
	double burn = -1, fburn;

	if (!(acc->budget.flags & MF_HAS_VALUE)) {
		table_state_word(t, &acc->budget, out);
		return;
	}
	if (acc->budget.state != MS_OK)
		buf_adds(out, t->g[G_STALE]);
	if (acc->nbudgets == 0) {
		buf_adds(out, "none");
		return;
	}
	for (size_t i = 0; i < acc->nbudgets; i++) {
		double b = model_budget_burn(&acc->budgets[i]);
		double f = model_budget_forecast_burn(&acc->budgets[i]);
		double key = b > f ? b : f;

		if (best == NULL || key > burn) {
			best = &acc->budgets[i];
			burn = key;
		}
	}
	burn = model_budget_burn(best);
	fburn = model_budget_forecast_burn(best);
	if (burn < 0)
		buf_adds(out, "?");
	else
		buf_printf(out, "%.0f%%", burn);
	if (fburn >= 0)
		buf_printf(out, " %s%.0f%%", t->ascii ? "->" : "\xe2\x86\x92", fburn);
}

static void
table_money(const struct table *t, double v, struct buf *out)
{
	const char *cur = model_currency(t->m);
	int usd = strcmp(cur, "USD") == 0;
	double a = fabs(v);

	if (usd)
		buf_printf(out, "%s$", v < 0 ? "-" : "");
	else if (v < 0)
		buf_addc(out, '-');
	if (a < 10)
		buf_printf(out, "%.2f", a);
	else if (a < 1000)
		buf_printf(out, "%.0f", a);
	else if (a < 1e6)
		buf_printf(out, "%.1fk", a / 1e3);
	else
		buf_printf(out, "%.1fM", a / 1e6);
	if (!usd)
		buf_printf(out, " %s", cur);
}

static void
table_spend(const struct table *t, const struct model_account *acc, struct buf *out)
{
	double sum = 0;
	size_t have = 0, stale = 0;
	const struct model_status *first = NULL;

	for (size_t i = 0; i < t->s->nreg; i++) {
		const struct model_spend *sp = &acc->cells[t->s->reg[i]].spend;

		if (sp->st.flags & MF_HAS_VALUE) {
			sum += sp->amount;
			have++;
			stale += sp->st.state != MS_OK;
		} else if (first == NULL) {
			first = &sp->st;
		}
	}
	if (have == 0) {
		if (first != NULL)
			table_state_word(t, first, out);
		else
			buf_adds(out, "?");
		return;
	}
	if (stale)
		buf_adds(out, t->g[G_STALE]);
	if (have < t->s->nreg)
		buf_adds(out, t->ascii ? ">=" : "\xe2\x89\xa5");
	table_money(t, sum, out);
}

static void
table_sso(const struct table *t, const struct model_account *acc, struct buf *out)
{
	if (!(acc->sso.flags & MF_HAS_VALUE)) {
		table_state_word(t, &acc->sso, out);
		return;
	}
	if (acc->sso.state != MS_OK)
		buf_adds(out, t->g[G_STALE]);
	buf_printf(out, "%zu", acc->nassignments);
}

static int
table__width(const struct table *t, const char *s)
{
	struct buf b;
	int w;

	if (!t->ascii)
		return text_width(s);
	buf_init(&b);
	w = text_sanitize(&b, s, strlen(s), -1, TEXT_ASCII);
	buf_done(&b);
	return w;
}

/* Appends s padded (or cut) to cols columns; right-aligned if right. */
static void
table_pad(const struct table *t, struct buf *out, const char *s, int cols, int right)
{
	if (right) {
		int w = table__width(t, s);

		for (; w < cols; w++)
			buf_addc(out, ' ');
		text_sanitize(out, s, strlen(s), cols, t->tflags);
		return;
	}
	text_pad(out, s, strlen(s), cols, t->tflags);
}

static const struct model *table_sort_model;

static int
report__cmp_acc_ou(const void *x, const void *y)
{
	const struct model *m = table_sort_model;
	const struct model_account *a = model_account(m, *(const size_t *)x);
	const struct model_account *b = model_account(m, *(const size_t *)y);
	int c;

	if (a->ou != b->ou) {
		if (a->ou < 0 || b->ou < 0)
			return a->ou < 0 ? 1 : -1; /* no OU last */
		c = strcmp(model_ou(m, (size_t)a->ou)->path, model_ou(m, (size_t)b->ou)->path);
		if (c != 0)
			return c;
		return a->ou < b->ou ? -1 : 1;
	}
	c = strcmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->id, b->id);
}

#define NAME_MAX_COLS 36
#define OU_MAX_COLS 80

/* Measures every column (pass one of two). */
static void
table_measure(struct table *t, const size_t *order)
{
	struct buf b;

	buf_init(&b);
	t->namew = 12;
	t->budw = 6;
	t->spendw = 5;
	t->ssow = 3;
	for (size_t j = 0; j < t->s->nreg; j++) {
		char ab[16];

		report_region_abbrev(model_region(t->m, t->s->reg[j]), ab, sizeof ab);
		t->colw[j] = (int)strlen(ab);
	}
	for (size_t i = 0; i < t->s->nacc; i++) {
		const struct model_account *acc = model_account(t->m, order[i]);
		int w = table__width(t, acc->name) + 2;

		t->namew = w > t->namew ? (w > NAME_MAX_COLS ? NAME_MAX_COLS : w) : t->namew;
		for (size_t j = 0; j < t->s->nreg; j++) {
			buf_reset(&b);
			table_cell(t, &acc->cells[t->s->reg[j]], &b);
			w = table__width(t, b.data);
			t->colw[j] = w > t->colw[j] ? w : t->colw[j];
		}
		buf_reset(&b);
		table_budget(t, acc, &b);
		w = table__width(t, b.data);
		t->budw = w > t->budw ? w : t->budw;
		buf_reset(&b);
		table_spend(t, acc, &b);
		w = table__width(t, b.data);
		t->spendw = w > t->spendw ? w : t->spendw;
		buf_reset(&b);
		table_sso(t, acc, &b);
		w = table__width(t, b.data);
		t->ssow = w > t->ssow ? w : t->ssow;
	}
	buf_done(&b);
}

static void
table_header(struct out *w, struct table *t, double now)
{
	const char *dot = t->ascii ? " - " : " \xc2\xb7 ";
	char iso[32], ab[16];
	size_t nprob = 0;

	util_format_iso8601((time_t)now, iso, sizeof iso);
	out_s(w, "orgtop");
	if (*model_org_id(t->m) != '\0')
		out_printf(w, "%s%s", dot, model_org_id(t->m));
	if (*model_org_mgmt(t->m) != '\0')
		out_printf(w, "%smanagement %s", dot, model_org_mgmt(t->m));
	for (size_t i = 0; i < t->s->nacc; i++) {
		const struct model_account *acc = model_account(t->m, t->s->acc[i]);

		for (size_t j = 0; j < t->s->nreg; j++) {
			const struct model_cell *c = &acc->cells[t->s->reg[j]];

			nprob += c->config.st.state != MS_OK && c->config.st.state != MS_DISABLED &&
			    c->config.st.state != MS_REGION_OFF;
			nprob += c->gd.st.state != MS_OK && c->gd.st.state != MS_DISABLED &&
			    c->gd.st.state != MS_REGION_OFF;
		}
	}
	out_printf(w, "%s%s\n%zu account%s%s%zu region%s%s", dot, iso, t->s->nacc,
	    t->s->nacc == 1 ? "" : "s", dot, t->s->nreg, t->s->nreg == 1 ? "" : "s", dot);
	if (nprob == 0)
		out_s(w, "every cell collected\n\n");
	else
		out_printf(w, "%zu cell item%s not collected (stale, loading, throttled, denied "
			      "or error)\n\n",
		    nprob, nprob == 1 ? "" : "s");
	table_pad(t, &w->b, "OU / account", t->namew, 0);
	out_s(w, "  id            ");
	for (size_t j = 0; j < t->s->nreg; j++) {
		report_region_abbrev(model_region(t->m, t->s->reg[j]), ab, sizeof ab);
		table_pad(t, &w->b, ab, t->colw[j], 0);
		out_s(w, " ");
	}
	out_s(w, t->ascii ? "| " : "\xe2\x94\x82 ");
	table_pad(t, &w->b, "budget", t->budw, 0);
	out_s(w, "  ");
	table_pad(t, &w->b, "spend", t->spendw, 1);
	out_s(w, "  ");
	table_pad(t, &w->b, "SSO", t->ssow, 1);
	out_s(w, "\n");
}

static void
table_row(struct out *w, struct table *t, size_t a, struct buf *tmp)
{
	const struct model_account *acc = model_account(t->m, a);

	out_s(w, "  ");
	table_pad(t, &w->b, acc->name, t->namew - 2, 0);
	out_printf(w, "  %s  ", acc->id);
	for (size_t j = 0; j < t->s->nreg; j++) {
		buf_reset(tmp);
		table_cell(t, &acc->cells[t->s->reg[j]], tmp);
		table_pad(t, &w->b, tmp->data, t->colw[j], 0);
		out_s(w, " ");
	}
	out_s(w, t->ascii ? "| " : "\xe2\x94\x82 ");
	buf_reset(tmp);
	table_budget(t, acc, tmp);
	table_pad(t, &w->b, tmp->data, t->budw, 0);
	out_s(w, "  ");
	buf_reset(tmp);
	table_spend(t, acc, tmp);
	table_pad(t, &w->b, tmp->data, t->spendw, 1);
	out_s(w, "  ");
	buf_reset(tmp);
	table_sso(t, acc, tmp);
	table_pad(t, &w->b, tmp->data, t->ssow, 1);
	/* Rows end without trailing spaces. */
	while (w->b.len > 0 && w->b.data[w->b.len - 1] == ' ')
		w->b.data[--w->b.len] = '\0';
	out_s(w, "\n");
}

static void
table_legend(struct out *w, const struct table *t)
{
	const char *const *g = t->g;

	out_printf(w,
	    "\n%s ok  %sn noncompliant rules  %sn %sn %sn %sn low/medium/high/critical findings\n"
	    "%s denied  %s region off  %s not enabled  %s stale  %s loading  %s throttled  "
	    "%s error\n",
	    g[G_OK], g[G_NC], g[G_LOW], g[G_MED], g[G_HIGH], g[G_CRIT], g[G_DENIED], g[G_OFF],
	    g[G_DISABLED], g[G_STALE], g[G_LOADING], g[G_THROTTLED], g[G_ERROR]);
}

static void
report__table(struct out *w, const struct model *m, const struct sel *s,
    const struct report_opts *o, double now)
{
	struct table t;
	size_t *order = xcalloc(s->nacc ? s->nacc : 1, sizeof *order);
	struct buf tmp;
	int prev_ou = -2;

	memset(&t, 0, sizeof t);
	t.m = m;
	t.s = s;
	t.ascii = o != NULL && (o->flags & REPORT_ASCII);
	t.g = t.ascii ? glyph_ascii : glyph_utf8;
	t.tflags = t.ascii ? TEXT_ASCII : 0;
	t.colw = xcalloc(s->nreg ? s->nreg : 1, sizeof *t.colw);
	memcpy(order, s->acc, s->nacc * sizeof *order);
	table_sort_model = m;
	qsort(order, s->nacc, sizeof *order, report__cmp_acc_ou);
	table_measure(&t, order);
	table_header(w, &t, now);
	buf_init(&tmp);
	for (size_t i = 0; i < s->nacc; i++) {
		const struct model_account *acc = model_account(m, order[i]);

		if (acc->ou != prev_ou) {
			size_t n = 0;

			for (size_t k = i; k < s->nacc && model_account(m, order[k])->ou == acc->ou; k++)
				n++;
			buf_reset(&tmp);
			text_sanitize(&tmp, acc->ou >= 0 ? model_ou(m, (size_t)acc->ou)->path : "(no OU)",
			    strlen(acc->ou >= 0 ? model_ou(m, (size_t)acc->ou)->path : "(no OU)"),
			    OU_MAX_COLS, t.tflags);
			out_printf(w, "%s (%zu)\n", tmp.data, n);
			prev_ou = acc->ou;
		}
		table_row(w, &t, order[i], &tmp);
		out_maybe_flush(w);
	}
	if (s->nacc == 0)
		out_s(w, "(no accounts)\n");
	table_legend(w, &t);
	buf_done(&tmp);
	free(t.colw);
	free(order);
}

void
report_region_abbrev(const char *region, char *out, size_t len)
{
	static const struct {
		const char *word, *abbrev;
	} words[] = {{"north", "n"}, {"south", "s"}, {"east", "e"}, {"west", "w"},
	    {"central", "c"}, {"northeast", "ne"}, {"northwest", "nw"}, {"southeast", "se"},
	    {"southwest", "sw"}};
	struct buf b;
	const char *p = region, *dash;
	int part = 0;

	if (len == 0)
		return;
	buf_init(&b);
	while (p != NULL && *p != '\0') {
		size_t n;

		dash = strchr(p, '-');
		n = dash != NULL ? (size_t)(dash - p) : strlen(p);
		if (part == 0 || dash == NULL) {
			buf_add(&b, p, n); /* "eu", the number */
		} else {
			size_t k;

			for (k = 0; k < NELEM(words); k++) {
				if (strlen(words[k].word) == n && memcmp(words[k].word, p, n) == 0)
					break;
			}
			if (k < NELEM(words))
				buf_adds(&b, words[k].abbrev);
			else if (n > 0)
				buf_addc(&b, p[0]);
		}
		part++;
		p = dash != NULL ? dash + 1 : NULL;
	}
	if (part < 3 || b.len == 0) {
		buf_reset(&b);
		buf_adds(&b, region); /* not the usual shape: the name itself */
	}
	if (b.len >= len)
		b.len = len - 1;
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_done(&b);
}

/* ---------------------------------------------------------- entry points */

int
report_format_parse(const char *name, enum report_format *out)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "table") == 0)
		*out = REPORT_TABLE;
	else if (strcmp(name, "json") == 0)
		*out = REPORT_JSON;
	else if (strcmp(name, "csv") == 0)
		*out = REPORT_CSV;
	else
		return -1;
	return 0;
}

const char *
report_format_name(enum report_format fmt)
{
	switch (fmt) {
	case REPORT_JSON:
		return "json";
	case REPORT_CSV:
		return "csv";
	default:
		return "table";
	}
}

int
report_write(const struct model *m, enum report_format fmt, const struct report_opts *o,
    report_sink_fn sink, void *arg)
{
	struct report__loc loc;
	struct out w;
	struct sel s;
	double now = o != NULL && o->generated_at > 0 ? o->generated_at : util_now();

	report__loc_enter(&loc);
	buf_init(&w.b);
	w.sink = sink;
	w.arg = arg;
	w.failed = 0;
	sel_init(&s, m, o);
	switch (fmt) {
	case REPORT_JSON:
		report__json(&w, m, &s, o, now);
		break;
	case REPORT_CSV:
		report__csv(&w, m, &s);
		break;
	default:
		report__table(&w, m, &s, o, now);
		break;
	}
	out_flush(&w);
	sel_done(&s);
	buf_done(&w.b);
	report__loc_leave(&loc);
	return w.failed ? -1 : 0;
}

static int
report__file_sink(const void *data, size_t len, void *arg)
{
	return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

int
report_write_file(const struct model *m, enum report_format fmt, const struct report_opts *o,
    FILE *f)
{
	if (report_write(m, fmt, o, report__file_sink, f) < 0)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}

static int
report__buf_sink(const void *data, size_t len, void *arg)
{
	buf_add(arg, data, len);
	return 0;
}

void
report_write_buf(const struct model *m, enum report_format fmt, const struct report_opts *o,
    struct buf *out)
{
	report_write(m, fmt, o, report__buf_sink, out);
}

static int
report__ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && util_strcasecmp(s + n - k, suffix) == 0;
}

int
report_export(const struct model *m, const char *path, const struct report_opts *o,
    char **cause)
{
	enum report_format fmt = REPORT_TABLE;
	FILE *f;
	int fd, err;

	if (report__ends_with(path, ".json"))
		fmt = REPORT_JSON;
	else if (report__ends_with(path, ".csv"))
		fmt = REPORT_CSV;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		err = errno;
		close(fd);
		goto fail;
	}
	if (report_write_file(m, fmt, o, f) < 0) {
		err = errno != 0 ? errno : EIO;
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0) {
		err = errno;
		goto fail;
	}
	return 0;

fail:
	if (cause != NULL) {
		char *p = text_clean(path, 0);

		*cause = xasprintf("cannot write %s: %s", p,
		    err == ELOOP ? "it is a symbolic link" : strerror(err));
		free(p);
	}
	return -1;
}

static int
report__settled(const struct model_status *st)
{
	return st->state == MS_OK || st->state == MS_DISABLED || st->state == MS_REGION_OFF;
}

int
report_exit_code(const struct model *m)
{
	for (size_t a = 0; a < model_naccounts(m); a++) {
		const struct model_account *acc = model_account(m, a);

		if (!report__settled(&acc->access) || !report__settled(&acc->budget) ||
		    !report__settled(&acc->sso))
			return 1;
		for (size_t r = 0; r < model_nregions(m); r++) {
			const struct model_cell *c = &acc->cells[r];

			if (!report__settled(&c->config.st) || !report__settled(&c->gd.st) ||
			    !report__settled(&c->spend.st))
				return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- reader */

#define JP_MAX_DEPTH 64
#define JP_MAX_STRING (1u << 20)
#define JP_WHERE 8
#define JP_WHERE_LEN 64

struct jp {
	const char *s, *p, *end;
	int depth;
	struct buf str;  /* the string read last */
	struct buf q;    /* scratch for quoting values in messages */
	char *err;       /* the first error; caller frees */
	int future;      /* the document is of a newer schema */
	const char *obj; /* where the object read last by jp_fields() starts */
	char where[JP_WHERE][JP_WHERE_LEN];
	int nwhere;
};

struct jp_field {
	const char *name;
	const char *at; /* where its value starts, or NULL when absent */
};

static void
jp_fail(struct jp *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
jp_fail(struct jp *p, const char *at, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int line = 1, col = 1;

	if (p->err != NULL)
		return;
	if (at == NULL || at < p->s || at > p->end)
		at = p->p;
	for (const char *c = p->s; c < at; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*c & 0xC0) != 0x80) {
			col++;
		}
	}
	buf_init(&b);
	for (int i = 0; i < p->nwhere && i < JP_WHERE; i++) {
		if (i > 0)
			buf_addc(&b, '.');
		buf_adds(&b, p->where[i]);
	}
	if (b.len > 0)
		buf_adds(&b, ": ");
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_printf(&b, " (line %d, column %d)", line, col);
	p->err = buf_detach(&b);
	buf_done(&b);
}

/* A value from the document, sanitised and cut for a message. Valid until the next call. */
static const char *
jp_quote(struct jp *p, const char *s)
{
	buf_reset(&p->q);
	text_sanitize(&p->q, s, strlen(s), 40, 0);
	return p->q.data;
}

static void
jp_push(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
jp_push(struct jp *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nwhere < JP_WHERE) {
		va_start(ap, fmt);
		vsnprintf(p->where[p->nwhere], JP_WHERE_LEN, fmt, ap);
		va_end(ap);
	}
	p->nwhere++;
}

static void
jp_pop(struct jp *p)
{
	if (p->nwhere > 0)
		p->nwhere--;
}

static void
jp_ws(struct jp *p)
{
	while (p->p < p->end && (*p->p == ' ' || *p->p == '\t' || *p->p == '\n' || *p->p == '\r'))
		p->p++;
}

/* The next significant byte, or -1 at the end. */
static int
jp_peek(struct jp *p)
{
	jp_ws(p);
	return p->p < p->end ? (unsigned char)*p->p : -1;
}

static int
jp_expect(struct jp *p, char c, const char *what)
{
	if (jp_peek(p) != (unsigned char)c) {
		jp_fail(p, p->p, p->p < p->end ? "expected %s" : "expected %s, not the end of the document",
		    what);
		return -1;
	}
	p->p++;
	return 0;
}

static int
jp_hex4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;

	if (end - s < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
jp_utf8(struct buf *b, uint32_t c)
{
	char u[4];

	if (c < 0x80) {
		buf_addc(b, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 4);
	}
}

/* One \u escape (p->p after the 'u'), with its surrogate pair. */
static int
jp_unicode(struct jp *p, const char *esc)
{
	uint32_t c, lo;

	if (jp_hex4(p->p, p->end, &c) < 0) {
		jp_fail(p, esc, "bad \\u escape in a string");
		return -1;
	}
	p->p += 4;
	if (c >= 0xDC00 && c <= 0xDFFF) {
		jp_fail(p, esc, "a lone low surrogate \\u%04x in a string", (unsigned)c);
		return -1;
	}
	if (c >= 0xD800 && c <= 0xDBFF) {
		if (p->end - p->p < 6 || p->p[0] != '\\' || p->p[1] != 'u' ||
		    jp_hex4(p->p + 2, p->end, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
			jp_fail(p, esc, "a lone high surrogate \\u%04x in a string", (unsigned)c);
			return -1;
		}
		p->p += 6;
		c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (c == 0)
		buf_adds(&p->str, "\\0"); /* visible, as text_clean() shows a NUL */
	else
		jp_utf8(&p->str, c);
	return 0;
}

/*
 * Reads a string into p->str (decoded, NUL-terminated, valid UTF-8), or
 * with keep 0 only validates it (skipping costs no copy).
 */
static int
jp_string_ex(struct jp *p, int keep)
{
	const char *start;

	if (jp_peek(p) != '"') {
		jp_fail(p, p->p, "expected a string");
		return -1;
	}
	start = p->p++;
	buf_reset(&p->str);
	for (;;) {
		const char *run = p->p;
		unsigned char c;

		while (p->p < p->end && (unsigned char)*p->p >= 0x20 && (unsigned char)*p->p < 0x80 &&
		    *p->p != '"' && *p->p != '\\')
			p->p++;
		if (keep)
			buf_add(&p->str, run, (size_t)(p->p - run));
		if (p->str.len > JP_MAX_STRING) {
			jp_fail(p, start, "a string longer than 1 MiB");
			return -1;
		}
		if (p->p >= p->end) {
			jp_fail(p, start, "a string without its closing quote");
			return -1;
		}
		c = (unsigned char)*p->p;
		if (c == '"') {
			p->p++;
			return 0;
		}
		if (c < 0x20) {
			jp_fail(p, p->p, "a raw control character (0x%02x) in a string", c);
			return -1;
		}
		if (c == '\\') {
			const char *esc = p->p++;

			if (p->p >= p->end) {
				jp_fail(p, esc, "a string without its closing quote");
				return -1;
			}
			switch (*p->p++) {
			case '"':
				buf_addc(&p->str, '"');
				break;
			case '\\':
				buf_addc(&p->str, '\\');
				break;
			case '/':
				buf_addc(&p->str, '/');
				break;
			case 'b':
				buf_addc(&p->str, '\b');
				break;
			case 'f':
				buf_addc(&p->str, '\f');
				break;
			case 'n':
				buf_addc(&p->str, '\n');
				break;
			case 'r':
				buf_addc(&p->str, '\r');
				break;
			case 't':
				buf_addc(&p->str, '\t');
				break;
			case 'u':
				if (jp_unicode(p, esc) < 0)
					return -1;
				break;
			default:
				jp_fail(p, esc, "an unknown escape \\%c in a string",
				    p->p[-1] >= 0x20 && p->p[-1] < 0x7f ? p->p[-1] : '?');
				return -1;
			}
			continue;
		}
		{
			uint32_t cp;
			size_t n = text_utf8_decode(p->p, (size_t)(p->end - p->p), &cp);

			if (cp == 0xFFFD && n == 1) {
				jp_fail(p, p->p, "invalid UTF-8 in a string");
				return -1;
			}
			if (keep)
				buf_add(&p->str, p->p, n);
			p->p += n;
		}
	}
}

static int
jp_string(struct jp *p)
{
	return jp_string_ex(p, 1);
}

static int
jp_isdigit(const struct jp *p, const char *q)
{
	return q < p->end && *q >= '0' && *q <= '9';
}

/*
 * Reads a number (RFC 8259 grammar); out NULL only checks it. integral
 * says whether it had no fraction or exponent.
 */
static int
jp_number(struct jp *p, double *out, int *integral)
{
	const char *q;
	char tmp[64];
	int integ = 1;
	double v;
	size_t n;

	jp_ws(p);
	q = p->p;
	if (q < p->end && *q == '-')
		q++;
	if (!jp_isdigit(p, q)) {
		jp_fail(p, p->p, "expected a number");
		return -1;
	}
	if (*q == '0')
		q++;
	else
		while (jp_isdigit(p, q))
			q++;
	if (q < p->end && *q == '.') {
		integ = 0;
		q++;
		if (!jp_isdigit(p, q)) {
			jp_fail(p, q, "expected a digit after the decimal point");
			return -1;
		}
		while (jp_isdigit(p, q))
			q++;
	}
	if (q < p->end && (*q == 'e' || *q == 'E')) {
		integ = 0;
		q++;
		if (q < p->end && (*q == '+' || *q == '-'))
			q++;
		if (!jp_isdigit(p, q)) {
			jp_fail(p, q, "expected a digit in the exponent");
			return -1;
		}
		while (jp_isdigit(p, q))
			q++;
	}
	n = (size_t)(q - p->p);
	if (n >= sizeof tmp) {
		jp_fail(p, p->p, "a number longer than %zu characters", sizeof tmp - 1);
		return -1;
	}
	if (out == NULL) {
		p->p = q; /* skipping: the grammar was all there was to check */
		return 0;
	}
	if (integ && n <= 15) {
		/* Exact in a double: no strtod needed (most numbers here are counts). */
		const char *d = p->p + (*p->p == '-');
		long long iv = 0;

		while (d < q)
			iv = iv * 10 + (*d++ - '0');
		*out = *p->p == '-' ? -(double)iv : (double)iv;
		if (integral != NULL)
			*integral = 1;
		p->p = q;
		return 0;
	}
	memcpy(tmp, p->p, n);
	tmp[n] = '\0';
	v = strtod(tmp, NULL); /* the C locale is in effect (report__loc_enter) */
	if (!isfinite(v)) {
		jp_fail(p, p->p, "a number out of range");
		return -1;
	}
	p->p = q;
	*out = v;
	if (integral != NULL)
		*integral = integ;
	return 0;
}

static int
jp_literal(struct jp *p, const char *word)
{
	size_t n = strlen(word);

	jp_ws(p);
	if ((size_t)(p->end - p->p) < n || memcmp(p->p, word, n) != 0) {
		jp_fail(p, p->p, "expected a value");
		return -1;
	}
	p->p += n;
	return 0;
}

static int jp_skip(struct jp *p);

static int
jp_enter(struct jp *p)
{
	if (++p->depth > JP_MAX_DEPTH) {
		jp_fail(p, p->p, "nested deeper than %d levels", JP_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* Called at '{': 1 with p at a value (its key in p->str), 0 after '}', -1 on error. */
static int
jp_object_next(struct jp *p, size_t idx)
{
	int c = jp_peek(p);

	if (idx > 0) {
		if (c == '}') {
			p->p++;
			return 0;
		}
		if (c != ',') {
			jp_fail(p, p->p, c < 0 ? "expected ',' or '}', not the end of the document" :
						  "expected ',' or '}'");
			return -1;
		}
		p->p++;
	} else if (c == '}') {
		p->p++;
		return 0;
	}
	if (jp_peek(p) != '"') {
		jp_fail(p, p->p, idx > 0 ? "expected a key after ','" : "expected a key or '}'");
		return -1;
	}
	if (jp_string(p) < 0 || jp_expect(p, ':', "':' after a key") < 0)
		return -1;
	jp_ws(p);
	return 1;
}

/* Inside an array: 1 with p at an element, 0 after ']', -1 on error. */
static int
jp_array_next(struct jp *p, size_t idx)
{
	int c = jp_peek(p);

	if (c == ']') {
		p->p++;
		return 0;
	}
	if (idx > 0) {
		if (c != ',') {
			jp_fail(p, p->p, c < 0 ? "expected ',' or ']', not the end of the document" :
						  "expected ',' or ']'");
			return -1;
		}
		p->p++;
		jp_ws(p);
	}
	return 1;
}

static int
jp_skip(struct jp *p)
{
	int c = jp_peek(p), r;
	size_t i;

	switch (c) {
	case '{':
		p->p++;
		if (jp_enter(p) < 0)
			return -1;
		for (i = 0;; i++) {
			r = jp_object_next(p, i);
			if (r != 1)
				break;
			if (jp_skip(p) < 0)
				return -1;
		}
		p->depth--;
		return r;
	case '[':
		p->p++;
		if (jp_enter(p) < 0)
			return -1;
		for (i = 0;; i++) {
			r = jp_array_next(p, i);
			if (r != 1)
				break;
			if (jp_skip(p) < 0)
				return -1;
		}
		p->depth--;
		return r;
	case '"':
		return jp_string_ex(p, 0);
	case 't':
		return jp_literal(p, "true");
	case 'f':
		return jp_literal(p, "false");
	case 'n':
		return jp_literal(p, "null");
	case -1:
		jp_fail(p, p->p, "expected a value, not the end of the document");
		return -1;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return jp_number(p, NULL, NULL);
		jp_fail(p, p->p, "expected a value");
		return -1;
	}
}

/*
 * Reads a whole object, recording where each named member's value starts.
 * Unknown members are skipped (the contract only adds); a member twice is
 * an error. *end is where the object ends: the getters move the parser
 * back into the object, so a caller that goes on after it seeks to *end.
 */
static int
jp_fields(struct jp *p, struct jp_field *f, size_t n, const char **end)
{
	int r;

	for (size_t i = 0; i < n; i++)
		f[i].at = NULL;
	jp_ws(p);
	p->obj = p->p;
	if (jp_expect(p, '{', "an object") < 0 || jp_enter(p) < 0)
		return -1;
	for (size_t k = 0;; k++) {
		r = jp_object_next(p, k);
		if (r != 1)
			break;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(p->str.data, f[i].name) != 0)
				continue;
			if (f[i].at != NULL) {
				jp_fail(p, p->p, "\"%s\" appears twice", f[i].name);
				return -1;
			}
			f[i].at = p->p;
		}
		if (jp_skip(p) < 0)
			return -1;
	}
	p->depth--;
	*end = p->p;
	return r;
}

/* Positions the parser at a field's value; 0 if absent. */
static int
jp_at(struct jp *p, const struct jp_field *f)
{
	if (f->at == NULL)
		return 0;
	p->p = f->at;
	return 1;
}

static int
jp_is_null(struct jp *p, const struct jp_field *f)
{
	if (f->at == NULL)
		return 0;
	p->p = f->at;
	return jp_peek(p) == 'n' && jp_literal(p, "null") == 0;
}

/*
 * A string field: 1 with the value in p->str, 0 when absent (or null if
 * nullable), -1 on error (a required one missing, a wrong type).
 */
static int
jp_get_string(struct jp *p, const struct jp_field *f, int required, int nullable)
{
	const char *obj = p->obj;

	if (f->at == NULL || (nullable && jp_is_null(p, f))) {
		if (required) {
			jp_fail(p, obj, "\"%s\" is missing", f->name);
			return -1;
		}
		return 0;
	}
	jp_at(p, f);
	if (jp_peek(p) != '"') {
		jp_fail(p, p->p, "%s: expected a string%s", f->name, nullable ? " or null" : "");
		return -1;
	}
	return jp_string(p) < 0 ? -1 : 1;
}

/* A number field within [min, max] (whole if whole): 1, 0 when absent, -1 on error. */
static int
jp_get_number(struct jp *p, const struct jp_field *f, double min, double max, int whole,
    int required, double *out)
{
	double v;
	int integ, c;

	if (f->at == NULL) {
		if (required) {
			jp_fail(p, p->obj, "\"%s\" is missing", f->name);
			return -1;
		}
		return 0;
	}
	jp_at(p, f);
	c = jp_peek(p);
	if (!(c == '-' || (c >= '0' && c <= '9')) || jp_number(p, &v, &integ) < 0 ||
	    v < min || v > max || (whole && v != floor(v))) {
		char *e = p->err;

		p->err = NULL;
		if (whole)
			jp_fail(p, f->at, "%s: expected a whole number from %.0f to %.0f", f->name, min,
			    max);
		else
			jp_fail(p, f->at, "%s: expected a number from %g to %g", f->name, min, max);
		free(e);
		return -1;
	}
	*out = v;
	return 1;
}

static int
jp_get_bool(struct jp *p, const struct jp_field *f, int *out)
{
	int c;

	if (f->at == NULL)
		return 0;
	jp_at(p, f);
	c = jp_peek(p);
	if (c == 't' && jp_literal(p, "true") == 0) {
		*out = 1;
		return 1;
	}
	if (c == 'f' && jp_literal(p, "false") == 0) {
		*out = 0;
		return 1;
	}
	free(p->err);
	p->err = NULL;
	jp_fail(p, f->at, "%s: expected true or false", f->name);
	return -1;
}

/* ---------------------------------------------------- the orgtop/1 loader */

struct loader {
	struct jp p;
	struct model *m; /* the model being built aside */
	double gen_at;   /* generated_at: the time of items without fetched_at */
	char *seen;      /* per region: the account's cells named it */
};

/* An item's status as the document gives it. */
struct item {
	enum model_state st;
	int has_value;
	char *reason;
	double at;
};

static void
item_done(struct item *it)
{
	free(it->reason);
	it->reason = NULL;
}

/* Reads state / reason / fetched_at from three fields. */
static int
load_status(struct loader *L, struct jp_field *state, struct jp_field *reason,
    struct jp_field *fetched, struct item *it)
{
	struct jp *p = &L->p;
	double at = 0;
	int r;

	memset(it, 0, sizeof *it);
	if (jp_get_string(p, state, 1, 0) < 0)
		return -1;
	if (model_state_parse(p->str.data, &it->st) < 0) {
		jp_fail(p, state->at, "%s: unknown state \"%s\" (expected ok, stale, loading, "
				      "throttled, denied, disabled, region_off or error)",
		    state->name, jp_quote(p, p->str.data));
		return -1;
	}
	it->has_value = it->st == MS_OK || it->st == MS_STALE;
	r = jp_get_string(p, reason, 0, 1);
	if (r < 0)
		return -1;
	if (r > 0)
		it->reason = xstrdup(p->str.data);
	r = jp_get_number(p, fetched, 0, 4294967295.0, 1, 0, &at);
	if (r < 0) {
		item_done(it);
		return -1;
	}
	it->at = r > 0 ? at : L->gen_at;
	return 0;
}

/* Counts come exactly with ok and stale. */
static int
load_check_values(struct loader *L, const struct item *it, struct jp_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (it->has_value && f[i].at == NULL && f[i].name[0] != '\0') {
			jp_fail(&L->p, L->p.obj, "\"%s\" is missing (the state is %s)", f[i].name,
			    model_state_name(it->st));
			return -1;
		}
		if (!it->has_value && f[i].at != NULL) {
			jp_fail(&L->p, f[i].at, "%s: present but the state is %s (values come only "
						"with ok or stale)",
			    f[i].name, model_state_name(it->st));
			return -1;
		}
	}
	return 0;
}

/* Applies a state without a value, or turns a value just set stale. */
static void
load_apply_state(struct loader *L, size_t a, int r, enum model_item item, const struct item *it)
{
	if (it->st != MS_OK)
		model_set_state(L->m, a, r, item, it->st, it->reason, it->at);
}

static int
load_config(struct loader *L, size_t a, size_t r)
{
	struct jp_field f[] = {{"state", NULL}, {"reason", NULL}, {"fetched_at", NULL},
	    {"compliant", NULL}, {"noncompliant", NULL}, {"capped", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct item it;
	double c = 0, nc = 0;
	int capped = 0, rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || load_status(L, &f[0], &f[1], &f[2], &it) < 0)
		return -1;
	if (it.has_value && f[5].at == NULL)
		f[5].name = ""; /* capped is optional */
	if (load_check_values(L, &it, f + 3, 3) < 0)
		goto out;
	if (it.has_value) {
		if (jp_get_number(p, &f[3], 0, 65535, 1, 1, &c) < 0 ||
		    jp_get_number(p, &f[4], 0, 65535, 1, 1, &nc) < 0 || jp_get_bool(p, &f[5], &capped) < 0)
			goto out;
		model_set_config(L->m, a, r, (unsigned)c, (unsigned)nc, capped, it.at);
	}
	load_apply_state(L, a, (int)r, MI_CONFIG, &it);
	p->p = end;
	rc = 0;
out:
	item_done(&it);
	return rc;
}

static int
load_guardduty(struct loader *L, size_t a, size_t r)
{
	struct jp_field f[] = {{"state", NULL}, {"reason", NULL}, {"fetched_at", NULL},
	    {"low", NULL}, {"medium", NULL}, {"high", NULL}, {"critical", NULL},
	    {"max_severity", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct item it;
	uint32_t bands[4];
	double v, sev = 0;
	int rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || load_status(L, &f[0], &f[1], &f[2], &it) < 0)
		return -1;
	if (load_check_values(L, &it, f + 3, 5) < 0)
		goto out;
	if (it.has_value) {
		for (int i = 0; i < 4; i++) {
			if (jp_get_number(p, &f[3 + i], 0, 4294967295.0, 1, 1, &v) < 0)
				goto out;
			bands[i] = (uint32_t)v;
		}
		if (jp_get_number(p, &f[7], 0, 100, 0, 1, &sev) < 0)
			goto out;
		model_set_guardduty(L->m, a, r, bands, sev, it.at);
	}
	load_apply_state(L, a, (int)r, MI_GUARDDUTY, &it);
	p->p = end;
	rc = 0;
out:
	item_done(&it);
	return rc;
}

static int
load_cell(struct loader *L, size_t a, size_t r)
{
	struct jp_field f[] = {{"config", NULL}, {"guardduty", NULL}, {"spend", NULL},
	    {"spend_state", NULL}, {"spend_reason", NULL}, {"spend_fetched_at", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct item it;
	double amount = 0;
	int rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0)
		return -1;
	if (f[0].at == NULL || f[1].at == NULL || f[3].at == NULL) {
		jp_fail(p, p->obj, "\"%s\" is missing",
		    f[0].at == NULL ? "config" : f[1].at == NULL ? "guardduty" : "spend_state");
		return -1;
	}
	jp_push(p, "config");
	jp_at(p, &f[0]);
	if (load_config(L, a, r) < 0)
		return -1;
	jp_pop(p);
	jp_push(p, "guardduty");
	jp_at(p, &f[1]);
	if (load_guardduty(L, a, r) < 0)
		return -1;
	jp_pop(p);
	if (load_status(L, &f[3], &f[4], &f[5], &it) < 0)
		return -1;
	if (load_check_values(L, &it, &f[2], 1) < 0)
		goto out;
	if (it.has_value) {
		if (jp_get_number(p, &f[2], -1e15, 1e15, 0, 1, &amount) < 0)
			goto out;
		model_set_spend(L->m, a, r, amount, it.at);
	}
	load_apply_state(L, a, (int)r, MI_SPEND, &it);
	p->p = end;
	rc = 0;
out:
	item_done(&it);
	return rc;
}

static int
load_cells(struct loader *L, size_t a, const struct jp_field *cells)
{
	struct jp *p = &L->p;
	size_t nreg = model_nregions(L->m);
	int r;

	memset(L->seen, 0, nreg ? nreg : 1);
	jp_at(p, cells);
	if (jp_expect(p, '{', "an object of cells by region") < 0)
		return -1;
	for (size_t k = 0;; k++) {
		int reg;

		r = jp_object_next(p, k);
		if (r != 1)
			break;
		reg = model_region_find(L->m, p->str.data);
		if (reg < 0) {
			jp_fail(p, p->p, "region \"%s\" is not in \"regions\"", jp_quote(p, p->str.data));
			return -1;
		}
		if (L->seen[reg]) {
			jp_fail(p, p->p, "region %s appears twice", p->str.data);
			return -1;
		}
		L->seen[reg] = 1;
		jp_push(p, "%s", p->str.data);
		if (load_cell(L, a, (size_t)reg) < 0)
			return -1;
		jp_pop(p);
	}
	if (r < 0)
		return -1;
	for (size_t i = 0; i < nreg; i++) {
		if (!L->seen[i]) {
			jp_fail(p, cells->at, "no entry for region %s", model_region(L->m, i));
			return -1;
		}
	}
	return 0;
}

static int
load_access(struct loader *L, size_t a)
{
	struct jp_field f[] = {{"state", NULL}, {"reason", NULL}, {"fetched_at", NULL},
	    {"role", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct item it;
	int r, rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || load_status(L, &f[0], &f[1], &f[2], &it) < 0)
		return -1;
	r = jp_get_string(p, &f[3], 0, 1);
	if (r < 0)
		goto out;
	if (it.has_value)
		model_set_access(L->m, a, r > 0 ? p->str.data : NULL, it.at);
	load_apply_state(L, a, -1, MI_ACCESS, &it);
	p->p = end;
	rc = 0;
out:
	item_done(&it);
	return rc;
}

static int
load_one_budget(struct loader *L, struct model_budget *b)
{
	struct jp_field f[] = {{"name", NULL}, {"limit", NULL}, {"actual", NULL},
	    {"forecast", NULL}, {"unit", NULL}, {"time_unit", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	int r;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || jp_get_string(p, &f[0], 1, 0) < 0)
		return -1;
	b->name = xstrdup(p->str.data);
	if (jp_get_number(p, &f[1], -1e15, 1e15, 0, 1, &b->limit) < 0 ||
	    jp_get_number(p, &f[2], -1e15, 1e15, 0, 1, &b->actual) < 0)
		return -1;
	r = jp_get_number(p, &f[3], -1e15, 1e15, 0, 0, &b->forecast);
	if (r < 0)
		return -1;
	b->has_forecast = r > 0;
	if (jp_get_string(p, &f[4], 1, 0) < 0)
		return -1;
	if (p->str.len == 0 || p->str.len >= sizeof b->unit) {
		jp_fail(p, f[4].at, "unit: expected 1 to %zu characters", sizeof b->unit - 1);
		return -1;
	}
	memcpy(b->unit, p->str.data, p->str.len + 1);
	r = jp_get_string(p, &f[5], 0, 1);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (p->str.len >= sizeof b->time_unit) {
			jp_fail(p, f[5].at, "time_unit: expected at most %zu characters",
			    sizeof b->time_unit - 1);
			return -1;
		}
		memcpy(b->time_unit, p->str.data, p->str.len + 1);
	}
	p->p = end;
	return 0;
}

static int
load_budget(struct loader *L, size_t a)
{
	struct jp_field f[] = {{"state", NULL}, {"reason", NULL}, {"fetched_at", NULL},
	    {"budgets", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct model_budget *bs = NULL;
	size_t n = 0;
	struct item it;
	int r, rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || load_status(L, &f[0], &f[1], &f[2], &it) < 0)
		return -1;
	if (load_check_values(L, &it, &f[3], 1) < 0)
		goto out;
	if (it.has_value) {
		jp_at(p, &f[3]);
		if (jp_expect(p, '[', "an array of budgets") < 0)
			goto out;
		for (;;) {
			r = jp_array_next(p, n);
			if (r < 0)
				goto out;
			if (r == 0)
				break;
			bs = xreallocarray(bs, n + 1, sizeof *bs);
			memset(&bs[n], 0, sizeof bs[n]);
			n++;
			jp_push(p, "budgets[%zu]", n - 1);
			if (load_one_budget(L, &bs[n - 1]) < 0)
				goto out;
			jp_pop(p);
		}
		model_set_budgets(L->m, a, bs, n, it.at);
		bs = NULL;
		n = 0;
	}
	load_apply_state(L, a, -1, MI_BUDGET, &it);
	p->p = end;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(bs[i].name);
	free(bs);
	item_done(&it);
	return rc;
}

static int
load_one_assignment(struct loader *L, struct model_assignment *x)
{
	struct jp_field f[] = {{"permission_set", NULL}, {"principal_type", NULL},
	    {"principal", NULL}, {"principal_id", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	int r;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || jp_get_string(p, &f[0], 1, 0) < 0)
		return -1;
	x->permission_set = model_intern(L->m, p->str.data);
	if (jp_get_string(p, &f[1], 1, 0) < 0)
		return -1;
	if (strcmp(p->str.data, "USER") == 0) {
		x->principal_type = MP_USER;
	} else if (strcmp(p->str.data, "GROUP") == 0) {
		x->principal_type = MP_GROUP;
	} else {
		jp_fail(p, f[1].at, "principal_type: expected \"USER\" or \"GROUP\"");
		return -1;
	}
	if (jp_get_string(p, &f[2], 1, 0) < 0)
		return -1;
	x->principal = model_intern(L->m, p->str.data);
	r = jp_get_string(p, &f[3], 0, 1);
	if (r < 0)
		return -1;
	x->principal_id = model_intern(L->m, r > 0 ? p->str.data : "");
	p->p = end;
	return 0;
}

static int
load_sso(struct loader *L, size_t a)
{
	struct jp_field f[] = {{"state", NULL}, {"reason", NULL}, {"fetched_at", NULL},
	    {"assignments", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	struct model_assignment *as = NULL;
	size_t n = 0;
	struct item it;
	int r, rc = -1;

	if (jp_fields(p, f, NELEM(f), &end) < 0 || load_status(L, &f[0], &f[1], &f[2], &it) < 0)
		return -1;
	if (load_check_values(L, &it, &f[3], 1) < 0)
		goto out;
	if (it.has_value) {
		jp_at(p, &f[3]);
		if (jp_expect(p, '[', "an array of assignments") < 0)
			goto out;
		for (;;) {
			r = jp_array_next(p, n);
			if (r < 0)
				goto out;
			if (r == 0)
				break;
			as = xreallocarray(as, n + 1, sizeof *as);
			memset(&as[n], 0, sizeof as[n]);
			n++;
			jp_push(p, "assignments[%zu]", n - 1);
			if (load_one_assignment(L, &as[n - 1]) < 0)
				goto out;
			jp_pop(p);
		}
		model_set_sso(L->m, a, as, n, it.at);
		as = NULL;
	}
	load_apply_state(L, a, -1, MI_SSO, &it);
	p->p = end;
	rc = 0;
out:
	free(as);
	item_done(&it);
	return rc;
}

static int
load_account(struct loader *L, size_t idx)
{
	enum { A_ID, A_NAME, A_EMAIL, A_STATUS, A_OU, A_JOINED, A_ACCESS, A_BUDGET, A_SSO, A_CELLS };
	struct jp_field f[] = {{"id", NULL}, {"name", NULL}, {"email", NULL}, {"status", NULL},
	    {"ou_id", NULL}, {"joined", NULL}, {"access", NULL}, {"budget", NULL}, {"sso", NULL},
	    {"cells", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	char id[13], *name = NULL, *email = NULL, *status = NULL;
	double joined = 0;
	int ou = -1, a, r, rc = -1;

	jp_push(p, "accounts[%zu]", idx);
	if (jp_fields(p, f, NELEM(f), &end) < 0 || jp_get_string(p, &f[A_ID], 1, 0) < 0)
		return -1;
	if (p->str.len != 12 || strspn(p->str.data, "0123456789") != 12) {
		jp_fail(p, f[A_ID].at, "id: expected a 12-digit account id, got \"%s\"",
		    jp_quote(p, p->str.data));
		return -1;
	}
	memcpy(id, p->str.data, 13);
	jp_pop(p);
	jp_push(p, "accounts[%zu] (%s)", idx, id);
	if (model_account_find(L->m, id) >= 0) {
		jp_fail(p, f[A_ID].at, "account %s appears twice", id);
		return -1;
	}
	if (f[A_CELLS].at == NULL) {
		jp_fail(p, p->obj, "\"cells\" is missing");
		return -1;
	}
	r = jp_get_string(p, &f[A_NAME], 0, 1);
	if (r > 0)
		name = xstrdup(p->str.data);
	if (r >= 0)
		r = jp_get_string(p, &f[A_EMAIL], 0, 1);
	if (r > 0)
		email = xstrdup(p->str.data);
	if (r >= 0)
		r = jp_get_string(p, &f[A_STATUS], 0, 1);
	if (r > 0)
		status = xstrdup(p->str.data);
	if (r >= 0)
		r = jp_get_string(p, &f[A_OU], 0, 1);
	if (r > 0) {
		ou = model_ou_find(L->m, p->str.data);
		if (ou < 0) {
			jp_fail(p, f[A_OU].at, "ou_id: \"%s\" is not in \"ous\"",
			    jp_quote(p, p->str.data));
			r = -1;
		}
	}
	if (r >= 0)
		r = jp_get_string(p, &f[A_JOINED], 0, 1);
	if (r > 0 && util_parse_time(p->str.data, &joined) < 0) {
		jp_fail(p, f[A_JOINED].at, "joined: expected an ISO 8601 time");
		r = -1;
	}
	if (r < 0)
		goto out;
	a = model_account_upsert(L->m, id, name, email, status, ou, joined);
	if (f[A_ACCESS].at != NULL) {
		jp_push(p, "access");
		jp_at(p, &f[A_ACCESS]);
		if (load_access(L, (size_t)a) < 0)
			goto out;
		jp_pop(p);
	}
	if (f[A_BUDGET].at != NULL) {
		jp_push(p, "budget");
		jp_at(p, &f[A_BUDGET]);
		if (load_budget(L, (size_t)a) < 0)
			goto out;
		jp_pop(p);
	}
	if (f[A_SSO].at != NULL) {
		jp_push(p, "sso");
		jp_at(p, &f[A_SSO]);
		if (load_sso(L, (size_t)a) < 0)
			goto out;
		jp_pop(p);
	}
	jp_push(p, "cells");
	if (load_cells(L, (size_t)a, &f[A_CELLS]) < 0)
		goto out;
	jp_pop(p);
	jp_pop(p);
	p->p = end;
	rc = 0;
out:
	free(name);
	free(email);
	free(status);
	return rc;
}

static int
load_accounts(struct loader *L, const struct jp_field *f)
{
	struct jp *p = &L->p;
	size_t n = 0;
	int r;

	jp_at(p, f);
	if (jp_expect(p, '[', "an array of accounts") < 0)
		return -1;
	L->seen = xcalloc(model_nregions(L->m) ? model_nregions(L->m) : 1, 1);
	for (;;) {
		r = jp_array_next(p, n);
		if (r <= 0)
			return r;
		if (load_account(L, n++) < 0)
			return -1;
	}
}

static int
load_regions(struct loader *L, const struct jp_field *f)
{
	struct jp *p = &L->p;
	char **names = NULL;
	size_t n = 0;
	int r, rc = -1;

	jp_at(p, f);
	if (jp_expect(p, '[', "an array of region names") < 0)
		return -1;
	for (;;) {
		const char *at;

		r = jp_array_next(p, n);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		at = p->p;
		jp_push(p, "regions[%zu]", n);
		if (jp_string(p) < 0)
			goto out;
		if (p->str.len == 0 || p->str.len > 31 ||
		    strspn(p->str.data, "abcdefghijklmnopqrstuvwxyz0123456789-") != p->str.len) {
			jp_fail(p, at, "\"%s\" is not a region name", jp_quote(p, p->str.data));
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], p->str.data) == 0) {
				jp_fail(p, at, "region %s appears twice", p->str.data);
				goto out;
			}
		}
		if (n >= 1024) {
			jp_fail(p, at, "more than 1024 regions");
			goto out;
		}
		jp_pop(p);
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(p->str.data);
	}
	if (model_set_regions(L->m, (const char *const *)names, n) < 0) {
		jp_fail(p, f->at, "invalid region list");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * OUs: in one pass when parents come first (as written: sorted by path);
 * an OU listed before its parent gets it in a second pass.
 */
static int
load_ous(struct loader *L, const struct jp_field *f)
{
	struct jp_field of[] = {{"id", NULL}, {"name", NULL}, {"parent", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	char **parents = NULL, **ids = NULL, **names = NULL;
	size_t n = 0;
	int r, rc = -1, parent;

	jp_at(p, f);
	if (jp_peek(p) == 'n')
		return jp_literal(p, "null");
	if (jp_expect(p, '[', "an array of OUs") < 0)
		return -1;
	for (;;) {
		r = jp_array_next(p, n);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		jp_push(p, "ous[%zu]", n);
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		names = xreallocarray(names, n + 1, sizeof *names);
		parents = xreallocarray(parents, n + 1, sizeof *parents);
		ids[n] = names[n] = parents[n] = NULL;
		n++;
		if (jp_fields(p, of, NELEM(of), &end) < 0 || jp_get_string(p, &of[0], 1, 0) < 0)
			goto out;
		if (p->str.len == 0 || p->str.len > 39) {
			jp_fail(p, of[0].at, "id: expected 1 to 39 characters");
			goto out;
		}
		ids[n - 1] = xstrdup(p->str.data);
		if (model_ou_find(L->m, ids[n - 1]) >= 0) {
			jp_fail(p, of[0].at, "OU %s appears twice", jp_quote(p, ids[n - 1]));
			goto out;
		}
		if (jp_get_string(p, &of[1], 1, 0) < 0)
			goto out;
		names[n - 1] = xstrdup(p->str.data);
		r = jp_get_string(p, &of[2], 0, 1);
		if (r < 0)
			goto out;
		parent = -1;
		if (r > 0) {
			/* A parent listed earlier is used now; a later one in the second pass. */
			parent = model_ou_find(L->m, p->str.data);
			if (parent < 0)
				parents[n - 1] = xstrdup(p->str.data);
		}
		if (model_ou_upsert(L->m, ids[n - 1], names[n - 1], parent) < 0) {
			jp_fail(p, of[0].at, "id: not a valid OU id");
			goto out;
		}
		p->p = end;
		jp_pop(p);
	}
	for (size_t i = 0; i < n; i++) {
		if (parents[i] == NULL)
			continue;
		parent = model_ou_find(L->m, parents[i]);
		if (parent < 0) {
			jp_fail(p, f->at, "ous[%zu] (%s): parent \"%s\" is not in \"ous\"", i,
			    jp_quote(p, ids[i]), parents[i]);
			goto out;
		}
		r = model_ou_upsert(L->m, ids[i], names[i], parent);
		if (model_ou(L->m, (size_t)r)->parent != parent) {
			jp_fail(p, f->at, "ous[%zu] (%s): parent \"%s\" makes a cycle", i,
			    jp_quote(p, ids[i]), parents[i]);
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(ids[i]);
		free(names[i]);
		free(parents[i]);
	}
	free(ids);
	free(names);
	free(parents);
	return rc;
}

static int
load_org(struct loader *L, const struct jp_field *f)
{
	struct jp_field of[] = {{"id", NULL}, {"management_account_id", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	char *id = NULL;
	int r;

	jp_at(p, f);
	if (jp_peek(p) == 'n')
		return jp_literal(p, "null");
	jp_push(p, "organization");
	if (jp_fields(p, of, NELEM(of), &end) < 0)
		return -1;
	r = jp_get_string(p, &of[0], 0, 1);
	if (r < 0)
		return -1;
	if (r > 0 && p->str.len > 39) {
		jp_fail(p, of[0].at, "id: expected at most 39 characters");
		return -1;
	}
	id = r > 0 ? xstrdup(p->str.data) : NULL;
	r = jp_get_string(p, &of[1], 0, 1);
	if (r > 0 && (p->str.len != 12 || strspn(p->str.data, "0123456789") != 12)) {
		jp_fail(p, of[1].at, "management_account_id: expected a 12-digit account id");
		r = -1;
	}
	if (r >= 0)
		model_set_org(L->m, id, r > 0 ? p->str.data : NULL);
	free(id);
	p->p = end;
	jp_pop(p);
	return r < 0 ? -1 : 0;
}

static int
load_schema(struct loader *L, const struct jp_field *f)
{
	struct jp *p = &L->p;
	long long v;

	if (jp_get_string(p, f, 1, 0) < 0)
		return -1;
	if (strcmp(p->str.data, "orgtop/1") == 0)
		return 0;
	if (strncmp(p->str.data, "orgtop/", 7) == 0 &&
	    util_parse_ll(p->str.data + 7, 2, 1000000, &v) == 0) {
		p->future = 1;
		jp_fail(p, f->at, "schema \"%s\" is newer than this orgtop reads (orgtop/1)",
		    p->str.data);
		return -1;
	}
	jp_fail(p, f->at, "schema: expected \"orgtop/1\", got \"%s\"", jp_quote(p, p->str.data));
	return -1;
}

static int
load_doc(struct loader *L)
{
	enum { D_SCHEMA, D_GEN, D_ORG, D_CUR, D_REGIONS, D_OUS, D_ACCOUNTS };
	struct jp_field f[] = {{"schema", NULL}, {"generated_at", NULL}, {"organization", NULL},
	    {"currency", NULL}, {"regions", NULL}, {"ous", NULL}, {"accounts", NULL}};
	struct jp *p = &L->p;
	const char *end = NULL;
	int r;

	if (jp_peek(p) < 0) {
		jp_fail(p, p->p, "an empty document");
		return -1;
	}
	if (jp_fields(p, f, NELEM(f), &end) < 0)
		return -1;
	if (jp_peek(p) >= 0) {
		jp_fail(p, p->p, "unexpected data after the document");
		return -1;
	}
	if (load_schema(L, &f[D_SCHEMA]) < 0)
		return -1;
	if (f[D_REGIONS].at == NULL || f[D_ACCOUNTS].at == NULL) {
		jp_fail(p, p->s, "\"%s\" is missing", f[D_REGIONS].at == NULL ? "regions" : "accounts");
		return -1;
	}
	r = jp_get_string(p, &f[D_GEN], 0, 1);
	if (r > 0 && util_parse_time(p->str.data, &L->gen_at) < 0) {
		jp_fail(p, f[D_GEN].at, "generated_at: expected an ISO 8601 time");
		return -1;
	}
	if (r < 0)
		return -1;
	if (f[D_ORG].at != NULL && load_org(L, &f[D_ORG]) < 0)
		return -1;
	r = jp_get_string(p, &f[D_CUR], 0, 0);
	if (r > 0) {
		if (p->str.len == 0 || p->str.len > 15 ||
		    strspn(p->str.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
			p->str.len) {
			jp_fail(p, f[D_CUR].at, "currency: expected a currency code such as \"USD\"");
			return -1;
		}
		model_set_currency(L->m, p->str.data);
	}
	if (r < 0)
		return -1;
	if (load_regions(L, &f[D_REGIONS]) < 0)
		return -1;
	if (f[D_OUS].at != NULL && load_ous(L, &f[D_OUS]) < 0)
		return -1;
	return load_accounts(L, &f[D_ACCOUNTS]);
}

int
report_json_load(struct model *m, const char *json, size_t len, char **cause)
{
	struct report__loc loc;
	struct loader L;
	int rc;

	memset(&L, 0, sizeof L);
	L.p.s = L.p.p = json;
	L.p.end = json + len;
	buf_init(&L.p.str);
	buf_init(&L.p.q);
	L.m = model_new();
	report__loc_enter(&loc);
	rc = json == NULL ? -1 : load_doc(&L);
	report__loc_leave(&loc);
	if (rc == 0) {
		model_swap(m, L.m);
	} else {
		if (L.p.err == NULL)
			jp_fail(&L.p, L.p.p, "not an orgtop/1 document");
		rc = L.p.future ? -2 : -1;
		if (cause != NULL) {
			*cause = L.p.err;
			L.p.err = NULL;
		}
	}
	free(L.p.err);
	free(L.seen);
	model_free(L.m);
	buf_done(&L.p.str);
	buf_done(&L.p.q);
	return rc;
}
