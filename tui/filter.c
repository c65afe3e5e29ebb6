/*
 * filter.c: parse and evaluate the filter language.
 */
#include "tui/filter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/cells.h"

#define FILTER_MAX_LEN 4096
#define FILTER_MAX_TERMS 64

enum term_kind {
	T_WORD,   /* any of name, id, email, OU path */
	T_OU,
	T_REGION,
	T_STATE,
	T_NAME,
	T_ID,
	T_EMAIL,
	T_STATUS,
	T_CMP,
};

enum field { F_SEV, F_BURN, F_FBURN, F_NC, F_FINDINGS, F_SPEND, F_SSO };
enum op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

/* A pseudo-state for state:changed. */
#define STATE_CHANGED MS__COUNT

struct term {
	enum term_kind kind;
	int neg;
	char **alts; /* alternatives (key terms and words) */
	size_t nalts;
	unsigned states; /* T_STATE: bit per enum model_state, plus STATE_CHANGED */
	enum field field;
	enum op op;
	double num;
};

struct filter {
	char *text;
	struct term *terms;
	size_t n;
	int has_region;
};

static const struct {
	const char *name;
	enum term_kind kind;
} keys[] = {
	{ "ou", T_OU },       { "region", T_REGION }, { "state", T_STATE }, { "name", T_NAME },
	{ "id", T_ID },       { "email", T_EMAIL },   { "status", T_STATUS },
};

static const struct {
	const char *name;
	enum field field;
} fields[] = {
	{ "sev", F_SEV },     { "severity", F_SEV }, { "burn", F_BURN },         { "fburn", F_FBURN },
	{ "forecast", F_FBURN }, { "nc", F_NC },     { "findings", F_FINDINGS }, { "spend", F_SPEND },
	{ "sso", F_SSO },
};

const char *
filter_text(const struct filter *f)
{
	return f->text;
}

int
filter_empty(const struct filter *f)
{
	return f == NULL || f->n == 0;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->terms[i].nalts; j++)
			free(f->terms[i].alts[j]);
		free(f->terms[i].alts);
	}
	free(f->terms);
	free(f->text);
	free(f);
}

/* --- matching helpers ------------------------------------------------------------ */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
filter_glob(const char *p, const char *s)
{
	const char *star = NULL, *ss = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			ss = s;
		} else if (*p != '\0' && (*p == '?' || lower((unsigned char)*p) ==
		    lower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++ss;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* Case-insensitive substring; needle is already lower-case. */
static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return 0;
	if (n == 0)
		return 1;
	for (; *hay != '\0'; hay++) {
		size_t i = 0;
		while (i < n && hay[i] != '\0' && lower((unsigned char)hay[i]) ==
		    (unsigned char)needle[i])
			i++;
		if (i == n)
			return 1;
		if (hay[i] == '\0')
			return 0;
	}
	return 0;
}

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* A pattern (substring, or a glob when it has * or ?) against s. */
static int
text_match(const char *pat, const char *s)
{
	if (s == NULL)
		return 0;
	return has_glob(pat) ? filter_glob(pat, s) : contains(s, pat);
}

/* --- parsing ----------------------------------------------------------------------- */

static char *
lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);

	for (char *p = d; *p != '\0'; p++)
		*p = (char)lower((unsigned char)*p);
	return d;
}

/* Splits v at '|' into t->alts (lower-cased). -1 if an alternative is empty. */
static int
split_alts(struct term *t, const char *v)
{
	const char *p = v;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);

		if (n == 0)
			return -1;
		t->alts = xreallocarray(t->alts, t->nalts + 1, sizeof(*t->alts));
		t->alts[t->nalts++] = lower_dup(p, n);
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

static int
parse_state(struct term *t, size_t pos, char **cause)
{
	for (size_t i = 0; i < t->nalts; i++) {
		enum model_state st;
		const char *a = t->alts[i];

		if (strcmp(a, "changed") == 0) {
			t->states |= 1u << STATE_CHANGED;
			continue;
		}
		if (strcmp(a, "off") == 0)
			a = "region_off";
		if (model_state_parse(a, &st) != 0) {
			*cause = xasprintf("at %zu: '%.30s' is not a state (ok, stale, loading, "
			    "throttled, denied, disabled, region_off, error, changed)", pos + 1,
			    t->alts[i]);
			return -1;
		}
		t->states |= 1u << st;
	}
	return 0;
}

/* A number with an optional k/m suffix or a trailing %. */
static int
parse_number(const char *s, double *out)
{
	char tmp[64];
	size_t n = strlen(s);
	double mult = 1, v;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n + 1);
	if (tmp[n - 1] == '%') {
		tmp[--n] = '\0';
	} else if (lower((unsigned char)tmp[n - 1]) == 'k') {
		mult = 1e3;
		tmp[--n] = '\0';
	} else if (lower((unsigned char)tmp[n - 1]) == 'm') {
		mult = 1e6;
		tmp[--n] = '\0';
	}
	if (n == 0 || util_parse_double(tmp, &v) != 0 || !isfinite(v))
		return -1;
	/* "1e5" style and hex floats are not what people type: digits and one dot. */
	for (size_t i = 0; i < n; i++)
		if (!((tmp[i] >= '0' && tmp[i] <= '9') || tmp[i] == '.' || (i == 0 && tmp[i] == '-')))
			return -1;
	*out = v * mult;
	return 0;
}

static const char field_list[] = "sev, burn, fburn, nc, findings, spend, sso";

/*
 * A comparison "name op number" if tok looks like one: returns 1 and fills t,
 * 0 if tok is no comparison, -1 on error.
 */
static int
parse_cmp(struct term *t, const char *tok, size_t pos, char **cause)
{
	size_t n = 0, oplen;
	const char *o;
	int found = 0;

	while ((tok[n] >= 'a' && tok[n] <= 'z') || (tok[n] >= 'A' && tok[n] <= 'Z'))
		n++;
	o = tok + n;
	if (n == 0 || (*o != '<' && *o != '>' && *o != '=' && !(o[0] == '!' && o[1] == '=')))
		return 0;
	for (size_t i = 0; i < NELEM(fields); i++) {
		if (strlen(fields[i].name) == n && util_strncasecmp(tok, fields[i].name, n) == 0) {
			t->field = fields[i].field;
			found = 1;
			break;
		}
	}
	if (!found) {
		*cause = xasprintf("at %zu: '%.*s' is not a field (%s)", pos + 1, (int)(n > 30 ? 30 : n),
		    tok, field_list);
		return -1;
	}
	if (o[0] == '>' && o[1] == '=') {
		t->op = OP_GE, oplen = 2;
	} else if (o[0] == '<' && o[1] == '=') {
		t->op = OP_LE, oplen = 2;
	} else if (o[0] == '!' && o[1] == '=') {
		t->op = OP_NE, oplen = 2;
	} else if (o[0] == '=' && o[1] == '=') {
		t->op = OP_EQ, oplen = 2;
	} else if (o[0] == '>') {
		t->op = OP_GT, oplen = 1;
	} else if (o[0] == '<') {
		t->op = OP_LT, oplen = 1;
	} else {
		t->op = OP_EQ, oplen = 1;
	}
	if (parse_number(o + oplen, &t->num) != 0) {
		*cause = xasprintf("at %zu: expected a number after '%.*s'", pos + n + oplen + 1,
		    (int)(n + oplen), tok);
		return -1;
	}
	t->kind = T_CMP;
	return 1;
}

static int
parse_term(struct term *t, const char *tok, int quoted, size_t pos, char **cause)
{
	const char *colon;
	int rc;

	if (quoted) {
		t->kind = T_WORD;
		t->alts = xmalloc(sizeof(*t->alts));
		t->alts[0] = lower_dup(tok, strlen(tok));
		t->nalts = 1;
		return 0;
	}
	rc = parse_cmp(t, tok, pos, cause);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	colon = strchr(tok, ':');
	if (colon == NULL) {
		t->kind = T_WORD;
		t->alts = xmalloc(sizeof(*t->alts));
		t->alts[0] = lower_dup(tok, strlen(tok));
		t->nalts = 1;
		return 0;
	}
	for (size_t i = 0; i < NELEM(keys); i++) {
		size_t kl = strlen(keys[i].name);
		if ((size_t)(colon - tok) == kl && util_strncasecmp(tok, keys[i].name, kl) == 0) {
			t->kind = keys[i].kind;
			if (colon[1] == '\0' || split_alts(t, colon + 1) != 0) {
				*cause = xasprintf("at %zu: %s: needs a value%s", pos + 1, keys[i].name,
				    t->kind == T_STATE ? " (ok, stale, loading, throttled, denied, "
				    "disabled, region_off, error, changed)" : "");
				return -1;
			}
			return t->kind == T_STATE ? parse_state(t, pos, cause) : 0;
		}
	}
	*cause = xasprintf("at %zu: '%.*s:' is not a key (ou:, region:, state:, name:, id:, "
	    "email:, status:; quote a word that has a colon)", pos + 1,
	    (int)(colon - tok > 30 ? 30 : colon - tok), tok);
	return -1;
}

struct filter *
filter_parse(const char *expr, char **cause)
{
	struct filter *f;
	size_t len = strlen(expr), i = 0;
	char *tok = NULL;

	if (len > FILTER_MAX_LEN) {
		*cause = xasprintf("filter too long (%zu bytes, at most %d)", len, FILTER_MAX_LEN);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->text = xstrdup(expr);
	tok = xmalloc(len + 1);
	while (i < len) {
		struct term t;
		size_t start, n = 0;
		int quoted = 0;

		while (i < len && (expr[i] == ' ' || expr[i] == '\t'))
			i++;
		if (i >= len)
			break;
		start = i;
		memset(&t, 0, sizeof(t));
		if (expr[i] == '!') {
			t.neg = 1;
			i++;
		}
		if (i < len && expr[i] == '"') {
			quoted = 1;
			i++;
			while (i < len && expr[i] != '"')
				tok[n++] = expr[i++];
			if (i >= len) {
				*cause = xasprintf("at %zu: unterminated quote", start + 1);
				goto fail;
			}
			i++;
		} else {
			while (i < len && expr[i] != ' ' && expr[i] != '\t')
				tok[n++] = expr[i++];
		}
		tok[n] = '\0';
		if (n == 0 && !quoted) {
			*cause = xasprintf("at %zu: '!' needs a term after it", start + 1);
			goto fail;
		}
		if (f->n >= FILTER_MAX_TERMS) {
			*cause = xasprintf("too many terms (at most %d)", FILTER_MAX_TERMS);
			goto fail;
		}
		if (parse_term(&t, tok, quoted, start + (size_t)t.neg, cause) != 0) {
			for (size_t j = 0; j < t.nalts; j++)
				free(t.alts[j]);
			free(t.alts);
			goto fail;
		}
		if (t.kind == T_REGION)
			f->has_region = 1;
		f->terms = xreallocarray(f->terms, f->n + 1, sizeof(*f->terms));
		f->terms[f->n++] = t;
	}
	free(tok);
	return f;
fail:
	free(tok);
	filter_free(f);
	return NULL;
}

/* --- evaluation ------------------------------------------------------------------ */

size_t
filter_regions(const struct filter *f, const struct model *m, unsigned char *mask)
{
	size_t nr = model_nregions(m), kept = 0;
	int any_pos = 0;

	for (size_t i = 0; f != NULL && i < f->n; i++)
		if (f->terms[i].kind == T_REGION && !f->terms[i].neg)
			any_pos = 1;
	for (size_t r = 0; r < nr; r++) {
		const char *name = model_region(m, r);
		int keep = !any_pos;

		for (size_t i = 0; f != NULL && i < f->n; i++) {
			const struct term *t = &f->terms[i];
			int hit = 0;

			if (t->kind != T_REGION)
				continue;
			for (size_t j = 0; j < t->nalts && !hit; j++)
				hit = filter_glob(t->alts[j], name);
			if (t->neg && hit) {
				keep = 0;
				break;
			}
			if (!t->neg && hit)
				keep = 1;
		}
		mask[r] = (unsigned char)keep;
		kept += (size_t)keep;
	}
	return kept;
}

static int
any_alt(const struct term *t, const char *s)
{
	for (size_t j = 0; j < t->nalts; j++)
		if (text_match(t->alts[j], s))
			return 1;
	return 0;
}

static int
state_hit(unsigned states, const struct model_status *st)
{
	if (states & (1u << st->state))
		return 1;
	return (states & (1u << STATE_CHANGED)) && (st->flags & MF_CHANGED);
}

static int
match_state(const struct term *t, const struct model *m, const struct model_account *acc,
    const unsigned char *mask)
{
	size_t nr = model_nregions(m);

	if ((t->states & (1u << STATE_CHANGED)) && acc->changed != 0)
		return 1;
	if (state_hit(t->states, &acc->access) || state_hit(t->states, &acc->budget) ||
	    state_hit(t->states, &acc->sso))
		return 1;
	for (size_t r = 0; r < nr; r++) {
		const struct model_cell *c = &acc->cells[r];
		if (mask != NULL && !mask[r])
			continue;
		if (state_hit(t->states, &c->config.st) || state_hit(t->states, &c->gd.st) ||
		    state_hit(t->states, &c->spend.st))
			return 1;
	}
	return 0;
}

/* The value of a field for the account; 0 and *v set, or -1 when unknown. */
static int
field_value(enum field fld, const struct model *m, const struct model_account *acc,
    const unsigned char *mask, double *v)
{
	size_t nr = model_nregions(m);
	int known = 0;
	double acc_v = 0;

	switch (fld) {
	case F_BURN:
	case F_FBURN:
		if (!cells_has_value(&acc->budget))
			return -1;
		acc_v = -1;
		for (size_t i = 0; i < acc->nbudgets; i++) {
			double b = fld == F_BURN ? model_budget_burn(&acc->budgets[i]) :
			    model_budget_forecast_burn(&acc->budgets[i]);
			if (b >= 0 && b > acc_v)
				acc_v = b;
		}
		if (acc_v < 0)
			return -1;
		*v = acc_v;
		return 0;
	case F_SSO:
		if (!cells_has_value(&acc->sso))
			return -1;
		*v = (double)acc->nassignments;
		return 0;
	default:
		break;
	}
	for (size_t r = 0; r < nr; r++) {
		const struct model_cell *c = &acc->cells[r];
		if (mask != NULL && !mask[r])
			continue;
		switch (fld) {
		case F_SEV:
			if (cells_has_value(&c->gd.st)) {
				known = 1;
				if (c->gd.max_severity > acc_v)
					acc_v = c->gd.max_severity;
			}
			break;
		case F_FINDINGS:
			if (cells_has_value(&c->gd.st)) {
				known = 1;
				acc_v += (double)c->gd.low + c->gd.medium + c->gd.high + c->gd.critical;
			}
			break;
		case F_NC:
			if (cells_has_value(&c->config.st)) {
				known = 1;
				acc_v += c->config.noncompliant;
			}
			break;
		case F_SPEND:
			if (cells_has_value(&c->spend.st)) {
				known = 1;
				acc_v += c->spend.amount;
			}
			break;
		default:
			break;
		}
	}
	if (!known)
		return -1;
	*v = acc_v;
	return 0;
}

static int
compare(enum op op, double a, double b)
{
	switch (op) {
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	case OP_EQ:
		return fabs(a - b) < 1e-9;
	case OP_NE:
		return fabs(a - b) >= 1e-9;
	}
	return 0;
}

static int
match_term(const struct term *t, const struct model *m, const struct model_account *acc,
    const unsigned char *mask)
{
	const struct model_ou *ou = acc->ou >= 0 && (size_t)acc->ou < model_nous(m) ?
	    model_ou(m, (size_t)acc->ou) : NULL;
	const char *path = ou != NULL ? ou->path : NULL;
	double v;

	switch (t->kind) {
	case T_WORD:
		return contains(acc->name, t->alts[0]) || contains(acc->id, t->alts[0]) ||
		    contains(acc->email, t->alts[0]) || contains(path, t->alts[0]);
	case T_OU:
		return any_alt(t, path);
	case T_REGION:
		return 1; /* a column selection; it scopes the cell terms */
	case T_STATE:
		return match_state(t, m, acc, mask);
	case T_NAME:
		return any_alt(t, acc->name);
	case T_ID:
		return any_alt(t, acc->id);
	case T_EMAIL:
		return any_alt(t, acc->email);
	case T_STATUS:
		for (size_t j = 0; j < t->nalts; j++)
			if (util_strcasecmp(t->alts[j], acc->status) == 0)
				return 1;
		return 0;
	case T_CMP:
		if (field_value(t->field, m, acc, mask, &v) != 0)
			return 0;
		return compare(t->op, v, t->num);
	}
	return 0;
}

int
filter_match(const struct filter *f, const struct model *m, size_t a, const unsigned char *mask)
{
	const struct model_account *acc;

	if (f == NULL || f->n == 0)
		return 1;
	acc = model_account(m, a);
	if (acc == NULL)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct term *t = &f->terms[i];
		if (t->kind == T_REGION)
			continue;
		if (match_term(t, m, acc, mask) == t->neg)
			return 0;
	}
	return 1;
}
