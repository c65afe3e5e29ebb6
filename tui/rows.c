/*
 * rows.c: building the grid's rows: filter, tree with collapse, roll-ups, sort.
 */
#include "tui/rows.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/util.h"
#include "core/xmalloc.h"
#include "tui/filter.h"

struct skey {
	double k;
	const char *name;
	const char *id;
	int idx;
	int grp;
};

struct rows {
	struct row *rows;
	size_t n, cap;

	size_t nacc, nou, nr; /* sizes at the last build */
	size_t *acc_row, *ou_row;
	unsigned char *match;
	struct acct_sum *sums;
	struct agg *aggs;        /* nou x nr */
	struct acct_sum *ou_sums;
	uint32_t *ou_count;
	unsigned char *mask;
	unsigned char *visited;
	unsigned char *ou_collapsed;

	/* the tree orders, kept between builds while still sorted */
	struct skey *acc_keys;   /* by (ou, name, id) */
	size_t *acc_off;         /* nou + 2 offsets into acc_keys, by ou + 1 */
	struct skey *ou_keys;    /* by (parent, name) */
	size_t *ou_off;

	/* SSO columns */
	const char **ps;
	size_t nps;
	uint32_t *ou_ps;         /* nou x nps */

	char **collapsed;        /* sorted OU ids */
	size_t ncollapsed;

	size_t matched;
	double newest;
};

static const char *const sort_names[SORT__COUNT] = {
	"tree", "name", "compliance", "severity", "burn", "spend",
};

const char *
rows_sort_name(enum sort_key s)
{
	return (unsigned)s < SORT__COUNT ? sort_names[s] : "?";
}

int
rows_sort_parse(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return -1;
	for (int i = 0; i < SORT__COUNT; i++)
		if (util_strncasecmp(s, sort_names[i], n) == 0)
			return i;
	if (util_strcasecmp(s, "sev") == 0 || util_strcasecmp(s, "findings") == 0)
		return SORT_SEVERITY;
	if (util_strcasecmp(s, "nc") == 0)
		return SORT_COMPLIANCE;
	return -1;
}

struct rows *
rows_new(void)
{
	return xcalloc(1, sizeof(struct rows));
}

static void
free_arrays(struct rows *r)
{
	free(r->acc_row);
	free(r->ou_row);
	free(r->match);
	free(r->sums);
	free(r->aggs);
	free(r->ou_sums);
	free(r->ou_count);
	free(r->mask);
	free(r->visited);
	free(r->ou_collapsed);
	free(r->ou_keys);
	free(r->ou_off);
	free(r->ou_ps);
	r->acc_row = r->ou_row = NULL;
	r->match = r->mask = r->visited = r->ou_collapsed = NULL;
	r->sums = r->ou_sums = NULL;
	r->aggs = NULL;
	r->ou_count = r->ou_ps = NULL;
	r->ou_keys = NULL;
	r->ou_off = NULL;
}

void
rows_free(struct rows *r)
{
	if (r == NULL)
		return;
	free_arrays(r);
	free(r->acc_keys);
	free(r->acc_off);
	free(r->rows);
	free(r->ps);
	for (size_t i = 0; i < r->ncollapsed; i++)
		free(r->collapsed[i]);
	free(r->collapsed);
	free(r);
}

size_t
rows_count(const struct rows *r)
{
	return r->n;
}

const struct row *
rows_get(const struct rows *r, size_t i)
{
	return i < r->n ? &r->rows[i] : NULL;
}

size_t
rows_find_account(const struct rows *r, size_t a)
{
	return a < r->nacc ? r->acc_row[a] : SIZE_MAX;
}

size_t
rows_find_ou(const struct rows *r, int o)
{
	return o >= 0 && (size_t)o < r->nou ? r->ou_row[o] : SIZE_MAX;
}

size_t
rows_matched(const struct rows *r)
{
	return r->matched;
}

size_t
rows_total(const struct rows *r)
{
	return r->nacc;
}

const unsigned char *
rows_region_mask(const struct rows *r)
{
	return r->mask;
}

const struct acct_sum *
rows_account_sum(const struct rows *r, size_t a)
{
	static const struct acct_sum none;

	return a < r->nacc ? &r->sums[a] : &none;
}

const struct agg *
rows_ou_agg(const struct rows *r, int o, size_t region)
{
	static const struct agg none;

	if (o < 0 || (size_t)o >= r->nou || region >= r->nr)
		return &none;
	return &r->aggs[(size_t)o * r->nr + region];
}

const struct acct_sum *
rows_ou_sum(const struct rows *r, int o)
{
	static const struct acct_sum none;

	return o >= 0 && (size_t)o < r->nou ? &r->ou_sums[o] : &none;
}

size_t
rows_nps(const struct rows *r)
{
	return r->nps;
}

const char *
rows_ps(const struct rows *r, size_t i)
{
	return i < r->nps ? r->ps[i] : "";
}

uint32_t
rows_ou_ps(const struct rows *r, int o, size_t i)
{
	if (o < 0 || (size_t)o >= r->nou || i >= r->nps)
		return 0;
	return r->ou_ps[(size_t)o * r->nps + i];
}

double
rows_newest(const struct rows *r)
{
	return r->newest;
}

/* --- collapse state ------------------------------------------------------------ */

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rows_collapsed(const struct rows *r, const struct model *m, int o)
{
	const struct model_ou *ou;
	const char *key;

	if (o < 0 || (size_t)o >= model_nous(m) || r->ncollapsed == 0)
		return 0;
	ou = model_ou(m, (size_t)o);
	key = ou->id;
	return bsearch(&key, r->collapsed, r->ncollapsed, sizeof(char *), cmp_id) != NULL;
}

void
rows_set_collapsed(struct rows *r, const struct model *m, int o, int collapsed)
{
	const struct model_ou *ou;
	const char *key;
	char **hit;

	if (o < 0 || (size_t)o >= model_nous(m))
		return;
	ou = model_ou(m, (size_t)o);
	key = ou->id;
	hit = r->ncollapsed == 0 ? NULL : bsearch(&key, r->collapsed, r->ncollapsed, sizeof(char *),
	    cmp_id);
	if (collapsed && hit == NULL) {
		r->collapsed = xreallocarray(r->collapsed, r->ncollapsed + 1, sizeof(char *));
		r->collapsed[r->ncollapsed++] = xstrdup(ou->id);
		qsort(r->collapsed, r->ncollapsed, sizeof(char *), cmp_id);
	} else if (!collapsed && hit != NULL) {
		size_t i = (size_t)(hit - r->collapsed);
		free(*hit);
		memmove(hit, hit + 1, (r->ncollapsed - i - 1) * sizeof(char *));
		r->ncollapsed--;
	}
}

void
rows_collapse_all(struct rows *r, const struct model *m, int collapsed)
{
	for (size_t i = 0; i < r->ncollapsed; i++)
		free(r->collapsed[i]);
	r->ncollapsed = 0;
	if (!collapsed)
		return;
	r->collapsed = xreallocarray(r->collapsed, model_nous(m) + 1, sizeof(char *));
	for (size_t i = 0; i < model_nous(m); i++)
		r->collapsed[r->ncollapsed++] = xstrdup(model_ou(m, i)->id);
	qsort(r->collapsed, r->ncollapsed, sizeof(char *), cmp_id);
}

/* --- sums ------------------------------------------------------------------------ */

static void
newest_of(const struct model_status *st, double *newest)
{
	if ((st->flags & MF_HAS_VALUE) && st->fetched_at > *newest)
		*newest = st->fetched_at;
}

static void
sum_account(struct rows *r, const struct model *m, size_t a)
{
	const struct model_account *acc = model_account(m, a);
	struct acct_sum *s = &r->sums[a];
	double best = -2;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < r->nr; i++) {
		const struct model_cell *c = &acc->cells[i];

		if (!r->mask[i])
			continue;
		if (cells_has_value(&c->config.st)) {
			s->known |= SUM_NC;
			s->nc += c->config.noncompliant;
		}
		if (cells_has_value(&c->gd.st)) {
			s->known |= SUM_SEV;
			s->findings += c->gd.low + c->gd.medium + c->gd.high + c->gd.critical;
			if (c->gd.max_severity > s->sev)
				s->sev = c->gd.max_severity;
		}
		if (cells_has_value(&c->spend.st)) {
			s->known |= SUM_SPEND;
			s->spend += c->spend.amount;
		}
		newest_of(&c->config.st, &r->newest);
		newest_of(&c->gd.st, &r->newest);
		newest_of(&c->spend.st, &r->newest);
	}
	if (cells_has_value(&acc->budget)) {
		if (acc->nbudgets == 0)
			s->known |= SUM_NOBUDGET;
		for (size_t i = 0; i < acc->nbudgets; i++) {
			const struct model_budget *b = &acc->budgets[i];
			double burn = model_budget_burn(b);

			if (burn < 0 || burn <= best)
				continue;
			best = burn;
			s->known |= SUM_BURN;
			s->known &= (uint16_t)~SUM_FORECAST;
			s->b_actual = b->actual;
			s->b_limit = b->limit;
			if (b->has_forecast) {
				s->known |= SUM_FORECAST;
				s->b_forecast = b->forecast;
			}
		}
		if (acc->budget.state != MS_OK)
			s->known |= SUM_STALE_BUDGET;
		newest_of(&acc->budget, &r->newest);
	}
	if (cells_has_value(&acc->sso)) {
		s->known |= SUM_SSO;
		s->sso = (uint32_t)acc->nassignments;
		if (acc->sso.state != MS_OK)
			s->known |= SUM_STALE_SSO;
		newest_of(&acc->sso, &r->newest);
	}
}

static void
sum_merge(struct acct_sum *into, const struct acct_sum *s)
{
	into->known |= s->known & (SUM_NC | SUM_SEV | SUM_SPEND | SUM_SSO | SUM_BURN |
	    SUM_FORECAST | SUM_STALE_BUDGET | SUM_STALE_SSO);
	into->nc += s->nc;
	into->findings += s->findings;
	if (s->sev > into->sev)
		into->sev = s->sev;
	into->spend += s->spend;
	into->sso += s->sso;
	if (s->known & SUM_BURN) {
		into->b_actual += s->b_actual;
		into->b_limit += s->b_limit;
		into->b_forecast += (s->known & SUM_FORECAST) ? s->b_forecast : s->b_actual;
	}
	if ((s->known & SUM_NOBUDGET) && !(into->known & SUM_BURN))
		into->known |= SUM_NOBUDGET;
	if (into->known & SUM_BURN)
		into->known &= (uint16_t)~SUM_NOBUDGET;
}

/* --- ordering -------------------------------------------------------------------- */

static int
cmp_skey(const void *pa, const void *pb)
{
	const struct skey *a = pa, *b = pb;
	int c;

	if (a->grp != b->grp)
		return a->grp < b->grp ? -1 : 1;
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	c = util_strcasecmp(a->name != NULL ? a->name : "", b->name != NULL ? b->name : "");
	if (c != 0)
		return c;
	c = strcmp(a->id, b->id);
	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
ou_valid(const struct model *m, int o)
{
	return o >= 0 && (size_t)o < model_nous(m);
}

/* Accounts by (OU, name, id): re-sorted only when no longer sorted. */
static void
order_accounts(struct rows *r, const struct model *m)
{
	int sorted = r->acc_keys != NULL;

	if (sorted) {
		for (size_t i = 0; i < r->nacc; i++) {
			const struct model_account *acc = model_account(m, (size_t)r->acc_keys[i].idx);
			r->acc_keys[i].name = acc->name;
			r->acc_keys[i].id = acc->id;
			r->acc_keys[i].grp = ou_valid(m, acc->ou) ? acc->ou + 1 : 0;
			if (i > 0 && cmp_skey(&r->acc_keys[i - 1], &r->acc_keys[i]) > 0)
				sorted = 0;
		}
	}
	if (!sorted) {
		free(r->acc_keys);
		r->acc_keys = xcalloc(r->nacc + 1, sizeof(*r->acc_keys));
		for (size_t i = 0; i < r->nacc; i++) {
			const struct model_account *acc = model_account(m, i);
			r->acc_keys[i].idx = (int)i;
			r->acc_keys[i].name = acc->name;
			r->acc_keys[i].id = acc->id;
			r->acc_keys[i].grp = ou_valid(m, acc->ou) ? acc->ou + 1 : 0;
		}
		qsort(r->acc_keys, r->nacc, sizeof(*r->acc_keys), cmp_skey);
	}
	free(r->acc_off);
	r->acc_off = xcalloc(r->nou + 2, sizeof(size_t));
	for (size_t i = 0; i < r->nacc; i++)
		r->acc_off[r->acc_keys[i].grp + 1]++;
	for (size_t g = 1; g < r->nou + 2; g++)
		r->acc_off[g] += r->acc_off[g - 1];
}

/* OUs by (parent, name). */
static void
order_ous(struct rows *r, const struct model *m)
{
	r->ou_keys = xcalloc(r->nou + 1, sizeof(*r->ou_keys));
	for (size_t i = 0; i < r->nou; i++) {
		const struct model_ou *ou = model_ou(m, i);
		int p = ou->parent;

		r->ou_keys[i].idx = (int)i;
		r->ou_keys[i].name = ou->name;
		r->ou_keys[i].id = ou->id;
		r->ou_keys[i].grp = ou_valid(m, p) && p != (int)i ? p + 1 : 0;
	}
	qsort(r->ou_keys, r->nou, sizeof(*r->ou_keys), cmp_skey);
	r->ou_off = xcalloc(r->nou + 2, sizeof(size_t));
	for (size_t i = 0; i < r->nou; i++)
		r->ou_off[r->ou_keys[i].grp + 1]++;
	for (size_t g = 1; g < r->nou + 2; g++)
		r->ou_off[g] += r->ou_off[g - 1];
}

/* --- SSO columns ----------------------------------------------------------------- */

struct psent {
	const char *name;
	uint32_t accounts;
};

static int
cmp_ps(const void *pa, const void *pb)
{
	const struct psent *a = pa, *b = pb;

	if (a->accounts != b->accounts)
		return a->accounts > b->accounts ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Index of interned name in r->ps, by pointer then by text; SIZE_MAX if absent. */
static size_t
ps_index(const struct rows *r, const char *name)
{
	for (size_t i = 0; i < r->nps; i++)
		if (r->ps[i] == name)
			return i;
	for (size_t i = 0; i < r->nps; i++)
		if (strcmp(r->ps[i], name) == 0)
			return i;
	return SIZE_MAX;
}

static void
build_ps(struct rows *r, const struct model *m)
{
	struct psent *ents = NULL;
	size_t n = 0;

	r->nps = 0;
	for (size_t a = 0; a < r->nacc; a++) {
		const struct model_account *acc = model_account(m, a);
		if (!r->match[a] || !cells_has_value(&acc->sso))
			continue;
		for (size_t j = 0; j < acc->nassignments; j++) {
			const char *ps = acc->assignments[j].permission_set;
			size_t k;
			int dup = 0;

			if (ps == NULL)
				continue;
			/* Count each permission set once per account. */
			for (size_t q = 0; q < j && !dup; q++)
				dup = acc->assignments[q].permission_set == ps;
			if (dup)
				continue;
			for (k = 0; k < n; k++)
				if (ents[k].name == ps || strcmp(ents[k].name, ps) == 0)
					break;
			if (k == n) {
				ents = xreallocarray(ents, n + 1, sizeof(*ents));
				ents[n].name = ps;
				ents[n].accounts = 0;
				n++;
			}
			ents[k].accounts++;
		}
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), cmp_ps);
	free(r->ps);
	r->ps = xcalloc(n + 1, sizeof(*r->ps));
	for (size_t i = 0; i < n; i++)
		r->ps[i] = ents[i].name;
	r->nps = n;
	free(ents);
	r->ou_ps = xcalloc(r->nou * (n ? n : 1) + 1, sizeof(uint32_t));
	for (size_t a = 0; a < r->nacc; a++) {
		const struct model_account *acc = model_account(m, a);
		if (!r->match[a] || !ou_valid(m, acc->ou) || !cells_has_value(&acc->sso))
			continue;
		for (size_t j = 0; j < acc->nassignments; j++) {
			size_t k;
			if (acc->assignments[j].permission_set == NULL)
				continue;
			k = ps_index(r, acc->assignments[j].permission_set);
			if (k != SIZE_MAX)
				r->ou_ps[(size_t)acc->ou * n + k]++;
		}
	}
}

/* --- roll-ups and tree ------------------------------------------------------------- */

static int
is_root(const struct model *m, int o)
{
	const struct model_ou *ou = model_ou(m, (size_t)o);

	return !ou_valid(m, ou->parent) || ou->parent == o;
}

/* Post-order: children's totals go into their parent, except into a root. */
static void
rollup(struct rows *r, const struct model *m, int o)
{
	size_t g = (size_t)o + 1;

	r->visited[o] = 1;
	for (size_t i = r->ou_off[g]; i < r->ou_off[g + 1]; i++) {
		int c = r->ou_keys[i].idx;

		if (r->visited[c])
			continue;
		rollup(r, m, c);
		if (is_root(m, o))
			continue;
		for (size_t k = 0; k < r->nr; k++)
			cells_agg_merge(&r->aggs[(size_t)o * r->nr + k], &r->aggs[(size_t)c * r->nr + k]);
		sum_merge(&r->ou_sums[o], &r->ou_sums[c]);
		r->ou_count[o] += r->ou_count[c];
		for (size_t k = 0; k < r->nps; k++)
			r->ou_ps[(size_t)o * r->nps + k] += r->ou_ps[(size_t)c * r->nps + k];
	}
}

static void
push_row(struct rows *r, enum row_kind kind, int depth, int index, uint32_t count)
{
	struct row *w;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->rows = xreallocarray(r->rows, r->cap, sizeof(*r->rows));
	}
	w = &r->rows[r->n];
	w->kind = (uint8_t)kind;
	w->depth = (uint8_t)(depth > 200 ? 200 : depth);
	w->collapsed = 0;
	w->root = 0;
	w->index = index;
	w->count = count;
	if (kind == ROW_ACCOUNT)
		r->acc_row[index] = r->n;
	else
		r->ou_row[index] = r->n;
	r->n++;
}

static void
emit_accounts(struct rows *r, size_t grp, int depth)
{
	for (size_t i = r->acc_off[grp]; i < r->acc_off[grp + 1]; i++) {
		int a = r->acc_keys[i].idx;
		if (r->match[a])
			push_row(r, ROW_ACCOUNT, depth, a, 0);
	}
}

static void
mark_subtree(struct rows *r, int o)
{
	size_t g = (size_t)o + 1;

	r->visited[o] = 1;
	for (size_t i = r->ou_off[g]; i < r->ou_off[g + 1]; i++)
		if (!r->visited[r->ou_keys[i].idx])
			mark_subtree(r, r->ou_keys[i].idx);
}

static void
emit_ou(struct rows *r, const struct model *m, int o, int depth, int filtering)
{
	size_t g = (size_t)o + 1;
	int root = is_root(m, o);
	int child_depth = root ? depth : depth + 1;

	r->visited[o] = 1;
	if (!filtering || r->ou_count[o] > 0) {
		push_row(r, ROW_OU, depth, o, r->ou_count[o]);
		r->rows[r->n - 1].root = (uint8_t)root;
		r->rows[r->n - 1].collapsed = r->ou_collapsed[o];
		if (!r->ou_collapsed[o])
			emit_accounts(r, g, depth + 1);
	}
	/* A collapsed OU hides its subtree, except the root (drawn beside its OUs). */
	if (r->ou_collapsed[o] && !root) {
		mark_subtree(r, o);
		return;
	}
	for (size_t i = r->ou_off[g]; i < r->ou_off[g + 1]; i++) {
		int c = r->ou_keys[i].idx;
		if (!r->visited[c])
			emit_ou(r, m, c, child_depth, filtering);
	}
}

static double
sort_value(enum sort_key s, const struct acct_sum *x, int *known)
{
	*known = 1;
	switch (s) {
	case SORT_COMPLIANCE:
		*known = (x->known & SUM_NC) != 0;
		return x->nc;
	case SORT_SEVERITY:
		*known = (x->known & SUM_SEV) != 0;
		return x->sev * 1e6 + (x->findings < 999999 ? x->findings : 999999);
	case SORT_BURN:
		*known = (x->known & SUM_BURN) && x->b_limit > 0;
		return *known ? x->b_actual / x->b_limit : 0;
	case SORT_SPEND:
		*known = (x->known & SUM_SPEND) != 0;
		return x->spend;
	default:
		return 0;
	}
}

static void
build_flat(struct rows *r, const struct model *m, enum sort_key s, int reverse)
{
	struct skey *keys = xcalloc(r->matched + 1, sizeof(*keys));
	size_t n = 0;

	for (size_t a = 0; a < r->nacc; a++) {
		const struct model_account *acc;
		int known;
		double v;

		if (!r->match[a])
			continue;
		acc = model_account(m, a);
		v = sort_value(s, &r->sums[a], &known);
		keys[n].idx = (int)a;
		keys[n].name = acc->name;
		keys[n].id = acc->id;
		keys[n].grp = known ? 0 : 1; /* unknown last, whatever the direction */
		/* Metrics sort the worst first; reverse flips that (and name's A-Z). */
		keys[n].k = s == SORT_NAME ? 0 : (reverse ? v : -v);
		n++;
	}
	qsort(keys, n, sizeof(*keys), cmp_skey);
	if (s == SORT_NAME && reverse) {
		for (size_t i = 0; i < n / 2; i++) {
			struct skey t = keys[i];
			keys[i] = keys[n - 1 - i];
			keys[n - 1 - i] = t;
		}
	}
	for (size_t i = 0; i < n; i++)
		push_row(r, ROW_ACCOUNT, 0, keys[i].idx, 0);
	free(keys);
}

static void
alloc_arrays(struct rows *r)
{
	size_t na = r->nacc + 1, no = r->nou + 1, nr = r->nr + 1;

	r->acc_row = xmalloc(na * sizeof(size_t));
	r->ou_row = xmalloc(no * sizeof(size_t));
	r->match = xcalloc(na, 1);
	r->sums = xcalloc(na, sizeof(*r->sums));
	r->aggs = xcalloc(no * nr, sizeof(*r->aggs));
	r->ou_sums = xcalloc(no, sizeof(*r->ou_sums));
	r->ou_count = xcalloc(no, sizeof(uint32_t));
	r->mask = xcalloc(nr, 1);
	r->visited = xcalloc(no, 1);
	r->ou_collapsed = xcalloc(no, 1);
	for (size_t i = 0; i < na; i++)
		r->acc_row[i] = SIZE_MAX;
	for (size_t i = 0; i < no; i++)
		r->ou_row[i] = SIZE_MAX;
}

void
rows_build(struct rows *r, const struct model *m, const struct filter *f, enum sort_key s,
    int reverse)
{
	int filtering = !filter_empty(f);

	free_arrays(r);
	if (r->nacc != model_naccounts(m)) {
		free(r->acc_keys);
		r->acc_keys = NULL;
	}
	r->nacc = model_naccounts(m);
	r->nou = model_nous(m);
	r->nr = model_nregions(m);
	r->n = 0;
	r->matched = 0;
	r->newest = 0;
	alloc_arrays(r);
	filter_regions(f, m, r->mask);
	for (size_t a = 0; a < r->nacc; a++) {
		const struct model_account *acc = model_account(m, a);

		r->match[a] = (unsigned char)filter_match(f, m, a, r->mask);
		if (!r->match[a])
			continue;
		r->matched++;
		sum_account(r, m, a);
		if (!ou_valid(m, acc->ou))
			continue;
		for (size_t k = 0; k < r->nr; k++)
			cells_agg_add(&r->aggs[(size_t)acc->ou * r->nr + k], &acc->cells[k]);
		sum_merge(&r->ou_sums[acc->ou], &r->sums[a]);
		r->ou_count[acc->ou]++;
	}
	for (size_t o = 0; o < r->nou; o++)
		r->ou_collapsed[o] = (unsigned char)rows_collapsed(r, m, (int)o);
	order_ous(r, m);
	build_ps(r, m);
	for (size_t o = 0; o < r->nou; o++)
		if (!r->visited[o] && is_root(m, (int)o))
			rollup(r, m, (int)o);
	for (size_t o = 0; o < r->nou; o++)
		if (!r->visited[o])
			rollup(r, m, (int)o); /* cycles: whatever was not reachable */
	if (s != SORT_TREE) {
		build_flat(r, m, s, reverse);
		return;
	}
	order_accounts(r, m);
	memset(r->visited, 0, r->nou + 1);
	/* Accounts whose OU is unknown come first, at the top level. */
	emit_accounts(r, 0, 0);
	for (size_t i = r->ou_off[0]; i < r->ou_off[1]; i++)
		if (!r->visited[r->ou_keys[i].idx])
			emit_ou(r, m, r->ou_keys[i].idx, 0, filtering);
	for (size_t o = 0; o < r->nou; o++)
		if (!r->visited[o])
			emit_ou(r, m, (int)o, 0, filtering);
}
