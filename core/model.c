/*
 * model.c: the organization matrix: OUs, accounts, regions, cells.
 *
 * Layout, for 10,000 accounts x 25 regions in a few tens of MB:
 *  - accounts live in one array; an open-addressing hash of int32 indices
 *    keyed by the 12-digit id gives O(1) lookup (OUs the same, by OU id);
 *  - each account owns one array of model_nregions() cells (88 bytes each);
 *  - short repeated strings (reasons, role names, permission sets,
 *    principals) are interned once in arena chunks;
 *  - the change log is a fixed ring of MODEL_CHANGES_MAX records.
 *
 * Every string that may come from AWS is sanitised (core/text.h) on the way
 * in, so readers can draw them as they are.
 */
#include "core/model.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#define REASON_COLS 1024 /* a reason is cut to this many columns (AWS messages with ARNs run long) */
#define CHANGE_COLS 160  /* a change-log sentence too */
#define INTERN_CHUNK 65536

/* An open-addressing hash of indices into an array of structs keyed by a char[] field. */
struct idx {
	int32_t *slots; /* -1 = empty */
	size_t cap;     /* a power of two, or 0 */
	size_t n;
};

struct intern {
	const char **slots; /* NULL = empty */
	size_t cap, n;
	char **chunks;
	size_t nchunks;
	size_t used; /* bytes used in the last chunk */
};

struct model {
	uint64_t gen;
	char org_id[40];
	char org_mgmt[13];
	char currency[16];

	char **regions;
	size_t nregions;

	struct model_ou *ous;
	size_t nous, capous;
	struct idx ou_idx;

	struct model_account *accounts;
	struct model_detail **details; /* parallel to accounts; NULL until set */
	size_t naccounts, capaccounts;
	struct idx acct_idx;

	uint32_t refresh;  /* the latest refresh number */
	int baseline;      /* the model held accounts before this refresh: log arrivals */
	uint32_t walks;    /* complete walks (model_prune calls) */

	struct model_change *log; /* ring of MODEL_CHANGES_MAX */
	size_t log_head, log_n;

	double budget_warn, budget_crit;

	struct intern strs;
};

/* ---------------------------------------------------------------- hashing */

static uint64_t
model__hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static const char *
idx__key(const void *base, size_t stride, size_t off, int32_t i)
{
	return (const char *)base + (size_t)i * stride + off;
}

static void
idx_free(struct idx *x)
{
	free(x->slots);
	memset(x, 0, sizeof *x);
}

static void
idx_put(struct idx *x, const void *base, size_t stride, size_t off, int32_t i)
{
	size_t mask = x->cap - 1, j = model__hash(idx__key(base, stride, off, i)) & mask;

	while (x->slots[j] >= 0)
		j = (j + 1) & mask;
	x->slots[j] = i;
	x->n++;
}

/* Rebuilds the hash for n items, with room to grow. */
static void
idx_rebuild(struct idx *x, const void *base, size_t stride, size_t off, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * (n + 1))
		cap *= 2;
	free(x->slots);
	x->slots = xreallocarray(NULL, cap, sizeof *x->slots);
	memset(x->slots, 0xff, cap * sizeof *x->slots);
	x->cap = cap;
	x->n = 0;
	for (size_t i = 0; i < n; i++)
		idx_put(x, base, stride, off, (int32_t)i);
}

static int
idx_find(const struct idx *x, const void *base, size_t stride, size_t off, const char *key)
{
	size_t mask, j;

	if (x->cap == 0)
		return -1;
	mask = x->cap - 1;
	j = model__hash(key) & mask;
	while (x->slots[j] >= 0) {
		if (strcmp(idx__key(base, stride, off, x->slots[j]), key) == 0)
			return x->slots[j];
		j = (j + 1) & mask;
	}
	return -1;
}

/* Adds index i (its key already in place), growing the table at half load. */
static void
idx_add(struct idx *x, const void *base, size_t stride, size_t off, int32_t i)
{
	if (2 * (x->n + 1) > x->cap) {
		idx_rebuild(x, base, stride, off, (size_t)i + 1);
		return;
	}
	idx_put(x, base, stride, off, i);
}

#define ACCT_IDX(m) (m)->accounts, sizeof(struct model_account), offsetof(struct model_account, id)
#define OU_IDX(m) (m)->ous, sizeof(struct model_ou), offsetof(struct model_ou, id)

/* -------------------------------------------------------------- interning */

static const char *
intern__store(struct intern *t, const char *s, size_t len)
{
	char *p;

	if (len + 1 > INTERN_CHUNK / 4) {
		/* A long string gets its own chunk, inserted before the current one. */
		t->chunks = xreallocarray(t->chunks, t->nchunks + 1, sizeof *t->chunks);
		p = xmalloc(len + 1);
		if (t->nchunks > 0) {
			t->chunks[t->nchunks] = t->chunks[t->nchunks - 1];
			t->chunks[t->nchunks - 1] = p;
		} else {
			t->chunks[0] = p;
			t->used = INTERN_CHUNK; /* no current chunk with room */
		}
		t->nchunks++;
	} else {
		if (t->nchunks == 0 || t->used + len + 1 > INTERN_CHUNK) {
			t->chunks = xreallocarray(t->chunks, t->nchunks + 1, sizeof *t->chunks);
			t->chunks[t->nchunks++] = xmalloc(INTERN_CHUNK);
			t->used = 0;
		}
		p = t->chunks[t->nchunks - 1] + t->used;
		t->used += len + 1;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void
intern__grow(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	const char **slots = xcalloc(cap, sizeof *slots);

	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (t->slots[i] == NULL)
			continue;
		j = model__hash(t->slots[i]) & (cap - 1);
		while (slots[j] != NULL)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

static const char *
intern_get(struct intern *t, const char *s)
{
	size_t j;

	if (s == NULL)
		return NULL;
	if (2 * (t->n + 1) > t->cap)
		intern__grow(t);
	j = model__hash(s) & (t->cap - 1);
	while (t->slots[j] != NULL) {
		if (strcmp(t->slots[j], s) == 0)
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j] = intern__store(t, s, strlen(s));
	t->n++;
	return t->slots[j];
}

static void
intern_free(struct intern *t)
{
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

const char *
model_intern(struct model *m, const char *s)
{
	return intern_get(&m->strs, s);
}

/* Sanitises s (cut to cols columns if cols >= 0) and interns the result. */
static const char *
model__intern_clean(struct model *m, const char *s, int cols)
{
	struct buf b;
	const char *r;

	if (s == NULL)
		return NULL;
	buf_init(&b);
	text_sanitize(&b, s, strlen(s), cols, 0);
	r = intern_get(&m->strs, b.data);
	buf_done(&b);
	return r;
}

/* Sanitises s into a fixed field (ASCII only, so a cut never splits a character). */
static void
model__copy_field(char *dst, size_t size, const char *s)
{
	char *c;
	size_t n;

	if (s == NULL) {
		dst[0] = '\0';
		return;
	}
	c = text_clean(s, TEXT_ASCII);
	n = strlen(c);
	if (n >= size)
		n = size - 1;
	memcpy(dst, c, n);
	dst[n] = '\0';
	free(c);
}

/* ---------------------------------------------------------- state names */

static const char *const state_names[MS__COUNT] = {
	[MS_LOADING] = "loading",
	[MS_OK] = "ok",
	[MS_STALE] = "stale",
	[MS_THROTTLED] = "throttled",
	[MS_DENIED] = "denied",
	[MS_DISABLED] = "disabled",
	[MS_REGION_OFF] = "region_off",
	[MS_ERROR] = "error",
};

const char *
model_state_name(enum model_state st)
{
	if ((unsigned)st >= MS__COUNT)
		return "error";
	return state_names[st];
}

int
model_state_parse(const char *name, enum model_state *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < MS__COUNT; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum model_state)i;
			return 0;
		}
	}
	return -1;
}

/* -------------------------------------------------------------- lifetime */

struct model *
model_new(void)
{
	struct model *m = xcalloc(1, sizeof *m);

	memcpy(m->currency, "USD", 4);
	m->log = xcalloc(MODEL_CHANGES_MAX, sizeof *m->log);
	m->budget_warn = 80;
	m->budget_crit = 100;
	return m;
}

static void
model__detail_clear_rules(struct model_detail *d)
{
	for (size_t i = 0; i < d->nrules; i++)
		free(d->rules[i].name);
	free(d->rules);
	d->rules = NULL;
	d->nrules = 0;
}

static void
model__finding_free(struct model_finding *f)
{
	free(f->id);
	free(f->title);
	free(f->type);
	free(f->description);
	free(f->resource);
}

static void
model__detail_clear_findings(struct model_detail *d)
{
	for (size_t i = 0; i < d->nfindings; i++)
		model__finding_free(&d->findings[i]);
	free(d->findings);
	d->findings = NULL;
	d->nfindings = 0;
}

static void
model__detail_free(struct model_detail *d)
{
	if (d == NULL)
		return;
	model__detail_clear_rules(d);
	model__detail_clear_findings(d);
	free(d);
}

static void
model__budgets_free(struct model_budget *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].name);
	free(b);
}

static void
model__account_done(struct model *m, size_t i)
{
	struct model_account *acc = &m->accounts[i];

	free(acc->name);
	free(acc->email);
	model__budgets_free(acc->budgets, acc->nbudgets);
	free(acc->assignments);
	free(acc->cells);
	model__detail_free(m->details[i]);
	m->details[i] = NULL;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->naccounts; i++)
		model__account_done(m, i);
	free(m->accounts);
	free(m->details);
	idx_free(&m->acct_idx);
	for (size_t i = 0; i < m->nous; i++) {
		free(m->ous[i].name);
		free(m->ous[i].path);
	}
	free(m->ous);
	idx_free(&m->ou_idx);
	for (size_t i = 0; i < m->nregions; i++)
		free(m->regions[i]);
	free(m->regions);
	for (size_t i = 0; i < MODEL_CHANGES_MAX; i++)
		free(m->log[i].text);
	free(m->log);
	intern_free(&m->strs);
	free(m);
}

void
model_swap(struct model *a, struct model *b)
{
	struct model t = *a;
	uint64_t gen = (a->gen > b->gen ? a->gen : b->gen) + 1;

	*a = *b;
	*b = t;
	a->gen = b->gen = gen;
}

uint64_t
model_generation(const struct model *m)
{
	return m->gen;
}

/* ------------------------------------------------------------ change log */

static void
model__log(struct model *m, uint32_t kind, int account, int region, double at, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));

static void
model__log(struct model *m, uint32_t kind, int account, int region, double at, const char *fmt,
    ...)
{
	struct model_change *c;
	struct buf b;
	va_list ap;
	char *raw;
	size_t slot;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	buf_init(&b);
	text_sanitize(&b, raw, strlen(raw), CHANGE_COLS, 0);
	free(raw);

	if (m->log_n < MODEL_CHANGES_MAX) {
		slot = (m->log_head + m->log_n) % MODEL_CHANGES_MAX;
		m->log_n++;
	} else {
		slot = m->log_head;
		m->log_head = (m->log_head + 1) % MODEL_CHANGES_MAX;
	}
	c = &m->log[slot];
	free(c->text);
	c->kind = kind;
	c->account = account;
	c->region = region;
	c->at = at;
	c->text = buf_detach(&b);
	buf_done(&b);
}

size_t
model_nchanges(const struct model *m)
{
	return m->log_n;
}

const struct model_change *
model_change_at(const struct model *m, size_t i)
{
	if (i >= m->log_n)
		return NULL;
	return &m->log[(m->log_head + i) % MODEL_CHANGES_MAX];
}

/* ---------------------------------------------------------- organization */

static void
model__copy_id(char *dst, size_t size, const char *s)
{
	model__copy_field(dst, size, s);
}

void
model_set_org(struct model *m, const char *id, const char *mgmt_account_id)
{
	model__copy_id(m->org_id, sizeof m->org_id, id);
	model__copy_id(m->org_mgmt, sizeof m->org_mgmt, mgmt_account_id);
	m->gen++;
}

const char *
model_org_id(const struct model *m)
{
	return m->org_id;
}

const char *
model_org_mgmt(const struct model *m)
{
	return m->org_mgmt;
}

const char *
model_currency(const struct model *m)
{
	return m->currency;
}

void
model_set_currency(struct model *m, const char *unit)
{
	model__copy_field(m->currency, sizeof m->currency, unit != NULL ? unit : "USD");
	m->gen++;
}

void
model_set_budget_thresholds(struct model *m, double warn, double crit)
{
	if (isfinite(warn) && warn > 0)
		m->budget_warn = warn;
	if (isfinite(crit) && crit > 0)
		m->budget_crit = crit;
}

double
model_budget_warn(const struct model *m)
{
	return m->budget_warn;
}

double
model_budget_crit(const struct model *m)
{
	return m->budget_crit;
}

/* --------------------------------------------------------------- regions */

static int
model__region_valid(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; s[n] != '\0'; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return n < 32;
}

int
model_set_regions(struct model *m, const char *const *regions, size_t n)
{
	int *from;
	char **names;

	for (size_t i = 0; i < n; i++) {
		if (!model__region_valid(regions[i]))
			return -1;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(regions[i], regions[j]) == 0)
				return -1;
		}
	}
	from = xcalloc(n ? n : 1, sizeof *from);
	names = xcalloc(n ? n : 1, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		from[i] = model_region_find(m, regions[i]);
		names[i] = xstrdup(regions[i]);
	}
	for (size_t a = 0; a < m->naccounts; a++) {
		struct model_account *acc = &m->accounts[a];
		struct model_cell *cells = n ? xcalloc(n, sizeof *cells) : NULL;

		for (size_t i = 0; i < n; i++) {
			if (from[i] >= 0)
				cells[i] = acc->cells[from[i]];
		}
		free(acc->cells);
		acc->cells = cells;
	}
	/* Region indices held elsewhere follow their region, or become -1. */
	{
		int *to = xcalloc(m->nregions ? m->nregions : 1, sizeof *to);

		for (size_t r = 0; r < m->nregions; r++)
			to[r] = -1;
		for (size_t i = 0; i < n; i++) {
			if (from[i] >= 0)
				to[from[i]] = (int)i;
		}
		for (size_t i = 0; i < m->log_n; i++) {
			struct model_change *c = &m->log[(m->log_head + i) % MODEL_CHANGES_MAX];

			if (c->region >= 0 && (size_t)c->region < m->nregions)
				c->region = to[c->region];
		}
		for (size_t a = 0; a < m->naccounts; a++) {
			struct model_detail *d = m->details[a];

			if (d == NULL)
				continue;
			for (size_t i = 0; i < d->nrules; i++) {
				if (d->rules[i].region >= 0 && (size_t)d->rules[i].region < m->nregions)
					d->rules[i].region = to[d->rules[i].region];
			}
			for (size_t i = 0; i < d->nfindings; i++) {
				if (d->findings[i].region >= 0 &&
				    (size_t)d->findings[i].region < m->nregions)
					d->findings[i].region = to[d->findings[i].region];
			}
		}
		free(to);
	}
	for (size_t i = 0; i < m->nregions; i++)
		free(m->regions[i]);
	free(m->regions);
	m->regions = names;
	m->nregions = n;
	free(from);
	m->gen++;
	return 0;
}

size_t
model_nregions(const struct model *m)
{
	return m->nregions;
}

const char *
model_region(const struct model *m, size_t i)
{
	return i < m->nregions ? m->regions[i] : NULL;
}

int
model_region_find(const struct model *m, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < m->nregions; i++) {
		if (strcmp(m->regions[i], name) == 0)
			return (int)i;
	}
	return -1;
}

/* ------------------------------------------------------------------- OUs */

/* Recomputes one OU's path and depth from its parent chain (chain: scratch of nous ints). */
static void
model__ou_path1(struct model *m, size_t i, int *chain, struct buf *b)
{
	size_t n = 0;

	for (int p = (int)i; p >= 0 && n < m->nous; p = m->ous[p].parent)
		chain[n++] = p;
	buf_reset(b);
	for (size_t k = n; k-- > 0;) {
		buf_adds(b, m->ous[chain[k]].name);
		if (k > 0)
			buf_addc(b, '/');
	}
	free(m->ous[i].path);
	m->ous[i].path = xstrdup(b->data);
	m->ous[i].depth = (int)n - 1;
}

/* Whether OU i is root or below it. */
static int
model__ou_under(const struct model *m, int i, int root)
{
	size_t steps = 0;

	for (int p = i; p >= 0 && steps <= m->nous; p = m->ous[p].parent, steps++) {
		if (p == root)
			return 1;
	}
	return 0;
}

/*
 * Recomputes the paths of root's subtree (root < 0: every OU). A walk adds
 * OUs parent first, so a new OU costs one path; only a rename or a move
 * touches a subtree.
 */
static void
model__ou_paths(struct model *m, int root)
{
	struct buf b;
	int *chain = xcalloc(m->nous ? m->nous : 1, sizeof *chain);

	buf_init(&b);
	for (size_t i = 0; i < m->nous; i++) {
		if (root < 0 || model__ou_under(m, (int)i, root))
			model__ou_path1(m, i, chain, &b);
	}
	buf_done(&b);
	free(chain);
}

/* Whether making parent the parent of ou would close a cycle. */
static int
model__ou_cycle(const struct model *m, int ou, int parent)
{
	size_t steps = 0;

	for (int p = parent; p >= 0 && steps <= m->nous; p = m->ous[p].parent, steps++) {
		if (p == ou)
			return 1;
	}
	return steps > m->nous;
}

int
model_ou_upsert(struct model *m, const char *id, const char *name, int parent)
{
	struct model_ou *ou;
	char *clean;
	int i;

	if (id == NULL || *id == '\0' || strlen(id) >= sizeof ou->id ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") !=
		strlen(id))
		return -1; /* AWS's ids are r-xxxx and ou-xxxx-xxxxxxxx: anything else is not one */
	clean = text_clean(name != NULL ? name : "", 0);
	i = idx_find(&m->ou_idx, OU_IDX(m), id);
	if (i < 0) {
		if (m->nous == m->capous) {
			m->capous = m->capous ? m->capous * 2 : 16;
			m->ous = xreallocarray(m->ous, m->capous, sizeof *m->ous);
		}
		i = (int)m->nous++;
		ou = &m->ous[i];
		memset(ou, 0, sizeof *ou);
		memcpy(ou->id, id, strlen(id) + 1);
		ou->parent = -1;
		idx_add(&m->ou_idx, OU_IDX(m), i);
	}
	ou = &m->ous[i];
	if (parent < 0 || (size_t)parent >= m->nous || model__ou_cycle(m, i, parent))
		parent = -1;
	if (ou->name == NULL) {
		/* A new OU has no children yet: its own path is all there is to compute. */
		struct buf b;
		int *chain = xcalloc(m->nous, sizeof *chain);

		ou->name = clean;
		ou->parent = parent;
		buf_init(&b);
		model__ou_path1(m, (size_t)i, chain, &b);
		buf_done(&b);
		free(chain);
	} else if (strcmp(ou->name, clean) != 0 || ou->parent != parent) {
		free(ou->name);
		ou->name = clean;
		ou->parent = parent;
		model__ou_paths(m, i);
	} else {
		free(clean);
	}
	ou->seen = m->refresh;
	m->gen++;
	return i;
}

size_t
model_nous(const struct model *m)
{
	return m->nous;
}

const struct model_ou *
model_ou(const struct model *m, size_t i)
{
	return i < m->nous ? &m->ous[i] : NULL;
}

int
model_ou_find(const struct model *m, const char *id)
{
	if (id == NULL)
		return -1;
	return idx_find(&m->ou_idx, OU_IDX(m), id);
}

/* -------------------------------------------------------------- accounts */

static int
model__id_valid(const char *id)
{
	if (id == NULL)
		return 0;
	for (int i = 0; i < 12; i++) {
		if (id[i] < '0' || id[i] > '9')
			return 0;
	}
	return id[12] == '\0';
}

static const char *
model__ou_path(const struct model *m, int ou)
{
	return ou >= 0 && (size_t)ou < m->nous ? m->ous[ou].path : "(no OU)";
}

int
model_account_upsert(struct model *m, const char *id, const char *name, const char *email,
    const char *status, int ou, double joined)
{
	struct model_account *acc;
	char st[sizeof acc->status];
	int i, fresh = 0;

	if (!model__id_valid(id))
		return -1;
	if (ou < -1 || (ou >= 0 && (size_t)ou >= m->nous))
		ou = -1;
	i = idx_find(&m->acct_idx, ACCT_IDX(m), id);
	if (i < 0) {
		if (m->naccounts == m->capaccounts) {
			size_t old = m->capaccounts;

			m->capaccounts = m->capaccounts ? m->capaccounts * 2 : 64;
			m->accounts = xreallocarray(m->accounts, m->capaccounts, sizeof *m->accounts);
			m->details = xreallocarray(m->details, m->capaccounts, sizeof *m->details);
			memset(m->details + old, 0, (m->capaccounts - old) * sizeof *m->details);
		}
		i = (int)m->naccounts++;
		acc = &m->accounts[i];
		memset(acc, 0, sizeof *acc);
		memcpy(acc->id, id, 13);
		acc->name = xstrdup("");
		acc->email = xstrdup("");
		acc->ou = -1;
		acc->cells = m->nregions ? xcalloc(m->nregions, sizeof *acc->cells) : NULL;
		m->details[i] = NULL;
		idx_add(&m->acct_idx, ACCT_IDX(m), i);
		fresh = 1;
		if (m->baseline) {
			acc->changed |= MC_ACCOUNT;
			model__log(m, MC_ACCOUNT, i, -1, util_now(), "%s", "joined the organization");
		}
	}
	acc = &m->accounts[i];
	if (name != NULL) {
		char *c = text_clean(name, 0);

		if (strcmp(c, acc->name) != 0) {
			if (!fresh && acc->name[0] != '\0') {
				acc->changed |= MC_ACCOUNT;
				model__log(m, MC_ACCOUNT, i, -1, util_now(), "renamed from \"%s\" to \"%s\"",
				    acc->name, c);
			}
			free(acc->name);
			acc->name = c;
		} else {
			free(c);
		}
	}
	if (email != NULL) {
		free(acc->email);
		acc->email = text_clean(email, 0);
	}
	if (status != NULL) {
		model__copy_field(st, sizeof st, status);
		if (!fresh && acc->status[0] != '\0' && strcmp(st, acc->status) != 0) {
			acc->changed |= MC_ACCOUNT;
			model__log(m, MC_ACCOUNT, i, -1, util_now(), "status %s (was %s)", st, acc->status);
		}
		memcpy(acc->status, st, sizeof st);
	}
	if (ou >= 0 && ou != acc->ou) {
		if (!fresh && acc->ou >= 0) {
			acc->changed |= MC_ACCOUNT;
			model__log(m, MC_ACCOUNT, i, -1, util_now(), "moved from %s to %s",
			    model__ou_path(m, acc->ou), model__ou_path(m, ou));
		}
		acc->ou = ou;
	}
	if (joined > 0 && isfinite(joined))
		acc->joined = joined;
	acc->seen = m->refresh;
	m->gen++;
	return i;
}

size_t
model_naccounts(const struct model *m)
{
	return m->naccounts;
}

const struct model_account *
model_account(const struct model *m, size_t i)
{
	return i < m->naccounts ? &m->accounts[i] : NULL;
}

int
model_account_find(const struct model *m, const char *id)
{
	if (!model__id_valid(id))
		return -1;
	return idx_find(&m->acct_idx, ACCT_IDX(m), id);
}

const struct model_cell *
model_cell(const struct model *m, size_t account, size_t region)
{
	if (account >= m->naccounts || region >= m->nregions)
		return NULL;
	return &m->accounts[account].cells[region];
}

/* ------------------------------------------------------------ the items */

static const char *const item_names[MI__COUNT] = {
	[MI_CONFIG] = "config",
	[MI_GUARDDUTY] = "guardduty",
	[MI_SPEND] = "spend",
	[MI_BUDGET] = "budget",
	[MI_SSO] = "sso",
	[MI_ACCESS] = "access",
};

static int
model__cell_item(enum model_item item)
{
	return item == MI_CONFIG || item == MI_GUARDDUTY || item == MI_SPEND;
}

static struct model_status *
model__status(const struct model *m, size_t a, int r, enum model_item item)
{
	struct model_account *acc;
	struct model_cell *c;

	if (a >= m->naccounts)
		return NULL;
	acc = &m->accounts[a];
	if (model__cell_item(item)) {
		if (r < 0 || (size_t)r >= m->nregions)
			return NULL;
		c = &acc->cells[r];
		if (item == MI_CONFIG)
			return &c->config.st;
		if (item == MI_GUARDDUTY)
			return &c->gd.st;
		return &c->spend.st;
	}
	switch (item) {
	case MI_BUDGET:
		return &acc->budget;
	case MI_SSO:
		return &acc->sso;
	case MI_ACCESS:
		return &acc->access;
	default:
		return NULL;
	}
}

const struct model_status *
model_status_of(const struct model *m, size_t a, int region, enum model_item item)
{
	return model__status(m, a, region, item);
}

static uint32_t
model__epoch32(double at)
{
	if (!isfinite(at) || at <= 0)
		return 0;
	if (at >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)at;
}

/* The class of a state for change records: -1 for the transient ones. */
static int
model__state_class(int st)
{
	switch (st) {
	case MS_OK:
	case MS_STALE:
		return MS_OK;
	case MS_DENIED:
	case MS_DISABLED:
	case MS_REGION_OFF:
	case MS_ERROR:
		return st;
	default:
		return -1;
	}
}

/*
 * Records a state change of an item that matters to a person (ok -> denied,
 * error -> ok), comparing with the last settled state so that a transient
 * throttled or loading in between does not hide it.
 */
static void
model__note_state(struct model *m, size_t a, int r, enum model_item item, struct model_status *s,
    int to, const char *reason, double at)
{
	int was = s->reserved; /* the last settled state (model.c keeps it in reserved) */
	int cf = model__state_class(was), ct = model__state_class(to);

	if (ct < 0)
		return;
	s->reserved = (uint16_t)to;
	if (cf < 0 || cf == ct)
		return;
	s->flags |= MF_CHANGED;
	m->accounts[a].changed |= MC_STATE;
	model__log(m, MC_STATE, (int)a, r, at, "%s%s%s: %s (was %s)%s%s",
	    r >= 0 ? m->regions[r] : "", r >= 0 ? " " : "", item_names[item],
	    model_state_name((enum model_state)to), model_state_name((enum model_state)was),
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
}

/* What every value setter does to the item's status after the value is in. */
static void
model__value_done(struct model *m, size_t a, struct model_status *s, int changed, uint32_t mc,
    double at)
{
	s->state = MS_OK;
	s->flags |= MF_HAS_VALUE;
	s->flags &= (uint8_t)~MF_INFLIGHT;
	s->fetched_at = model__epoch32(at);
	s->reason = NULL;
	if (changed) {
		s->flags |= MF_CHANGED;
		m->accounts[a].changed |= mc;
	}
	m->gen++;
}

static const char *
model__plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

void
model_set_config(struct model *m, size_t a, size_t r, unsigned compliant, unsigned noncompliant,
    int capped, double at)
{
	struct model_config *c;
	int had, changed;
	uint16_t cp, nc;
	uint32_t mc = MC_VALUE;

	if (a >= m->naccounts || r >= m->nregions)
		return;
	c = &m->accounts[a].cells[r].config;
	if (compliant > UINT16_MAX || noncompliant > UINT16_MAX)
		capped = 1;
	cp = compliant > UINT16_MAX ? UINT16_MAX : (uint16_t)compliant;
	nc = noncompliant > UINT16_MAX ? UINT16_MAX : (uint16_t)noncompliant;
	had = (c->st.flags & MF_HAS_VALUE) != 0;
	changed = had && (c->compliant != cp || c->noncompliant != nc ||
	    ((c->st.flags & MF_CAPPED) != 0) != (capped != 0));
	if (had && (c->noncompliant == 0) != (nc == 0)) {
		mc |= MC_COMPLIANCE_FLIP;
		if (nc > 0)
			model__log(m, MC_COMPLIANCE_FLIP, (int)a, (int)r, at,
			    "%s: %u rule%s noncompliant (was compliant)", m->regions[r], nc,
			    model__plural(nc));
		else
			model__log(m, MC_COMPLIANCE_FLIP, (int)a, (int)r, at,
			    "%s: compliant again (was %u rule%s noncompliant)", m->regions[r],
			    c->noncompliant, model__plural(c->noncompliant));
	}
	model__note_state(m, a, (int)r, MI_CONFIG, &c->st, MS_OK, NULL, at);
	c->compliant = cp;
	c->noncompliant = nc;
	if (capped)
		c->st.flags |= MF_CAPPED;
	else
		c->st.flags &= (uint8_t)~MF_CAPPED;
	model__value_done(m, a, &c->st, changed, mc, at);
}

static const char *const band_names[4] = {"low", "medium", "high", "critical"};

/* Logs the bands that grew: "eu-west-1: 2 new high findings". */
static void
model__log_findings(struct model *m, size_t a, size_t r, const uint32_t old[4],
    const uint32_t now[4], double at)
{
	struct buf b;
	int nbands = 0, only = -1;

	for (int i = 3; i >= 0; i--) {
		if (now[i] > old[i]) {
			nbands++;
			only = i;
		}
	}
	if (nbands == 1) {
		uint32_t d = now[only] - old[only];

		model__log(m, MC_NEW_FINDINGS, (int)a, (int)r, at, "%s: %u new %s finding%s",
		    m->regions[r], d, band_names[only], model__plural(d));
		return;
	}
	buf_init(&b);
	for (int i = 3; i >= 0; i--) {
		if (now[i] > old[i])
			buf_printf(&b, "%s%u %s", b.len ? ", " : "", now[i] - old[i], band_names[i]);
	}
	model__log(m, MC_NEW_FINDINGS, (int)a, (int)r, at, "%s: new findings: %s", m->regions[r],
	    b.data);
	buf_done(&b);
}

void
model_set_guardduty(struct model *m, size_t a, size_t r, const uint32_t bands[4],
    double max_severity, double at)
{
	struct model_guardduty *g;
	uint32_t old[4];
	int had, changed, grew = 0;
	float sev;
	uint32_t mc = MC_VALUE;

	if (a >= m->naccounts || r >= m->nregions)
		return;
	g = &m->accounts[a].cells[r].gd;
	if (!isfinite(max_severity) || max_severity < 0)
		max_severity = 0;
	if (max_severity > 100)
		max_severity = 100;
	sev = (float)max_severity;
	old[0] = g->low;
	old[1] = g->medium;
	old[2] = g->high;
	old[3] = g->critical;
	had = (g->st.flags & MF_HAS_VALUE) != 0;
	changed = had && (memcmp(old, bands, sizeof old) != 0 || g->max_severity != sev);
	for (int i = 0; i < 4; i++)
		grew |= bands[i] > old[i];
	if (had && grew) {
		mc |= MC_NEW_FINDINGS;
		model__log_findings(m, a, r, old, bands, at);
	}
	model__note_state(m, a, (int)r, MI_GUARDDUTY, &g->st, MS_OK, NULL, at);
	g->low = bands[0];
	g->medium = bands[1];
	g->high = bands[2];
	g->critical = bands[3];
	g->max_severity = sev;
	model__value_done(m, a, &g->st, changed, mc, at);
}

void
model_set_spend(struct model *m, size_t a, size_t r, double amount, double at)
{
	struct model_spend *s;
	int changed;

	if (a >= m->naccounts || r >= m->nregions)
		return;
	s = &m->accounts[a].cells[r].spend;
	if (!isfinite(amount))
		return;
	changed = (s->st.flags & MF_HAS_VALUE) && fabs(s->amount - amount) >= 0.005;
	model__note_state(m, a, (int)r, MI_SPEND, &s->st, MS_OK, NULL, at);
	s->amount = amount;
	model__value_done(m, a, &s->st, changed, MC_VALUE, at);
}

/* ---------------------------------------------------------------- budgets */

double
model_budget_burn(const struct model_budget *b)
{
	if (b == NULL || !isfinite(b->limit) || !(b->limit > 0) || !isfinite(b->actual))
		return -1;
	return b->actual / b->limit * 100;
}

double
model_budget_forecast_burn(const struct model_budget *b)
{
	if (b == NULL || !b->has_forecast || !isfinite(b->limit) || !(b->limit > 0) ||
	    !isfinite(b->forecast))
		return -1;
	return b->forecast / b->limit * 100;
}

static int
model__budget_cmp(const void *x, const void *y)
{
	const struct model_budget *a = x, *b = y;

	return strcmp(a->name, b->name);
}

static int
model__money_eq(double a, double b)
{
	return fabs(a - b) < 0.005;
}

static int
model__budget_eq(const struct model_budget *a, const struct model_budget *b)
{
	return strcmp(a->name, b->name) == 0 && model__money_eq(a->limit, b->limit) &&
	    model__money_eq(a->actual, b->actual) && a->has_forecast == b->has_forecast &&
	    (!a->has_forecast || model__money_eq(a->forecast, b->forecast)) &&
	    strcmp(a->unit, b->unit) == 0 && strcmp(a->time_unit, b->time_unit) == 0;
}

static int
model__crossed(double before, double after, double t)
{
	return after >= t && before < t;
}

/* Logs a budget whose actual or forecast burn crossed a threshold. Returns the MC_ bit or 0. */
static uint32_t
model__budget_cross(struct model *m, size_t a, const struct model_budget *o,
    const struct model_budget *n, double at)
{
	double ob = model_budget_burn(o), of = model_budget_forecast_burn(o);
	double nb = model_budget_burn(n), nf = model_budget_forecast_burn(n);
	double t[2] = {m->budget_crit, m->budget_warn};
	uint32_t kind[2] = {MC_BUDGET_100, MC_BUDGET_80};

	if (nb < 0 && nf < 0)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (model__crossed(ob, nb, t[i])) {
			model__log(m, kind[i], (int)a, -1, at,
			    "budget %s: actual spend at %.0f%% of the limit (was %.0f%%)", n->name, nb,
			    ob < 0 ? 0 : ob);
			return kind[i];
		}
		if (model__crossed(of, nf, t[i])) {
			model__log(m, kind[i], (int)a, -1, at,
			    "budget %s: forecast at %.0f%% of the limit%s", n->name, nf,
			    of < 0 ? "" : " (was below)");
			return kind[i];
		}
	}
	return 0;
}

void
model_set_budgets(struct model *m, size_t a, struct model_budget *budgets, size_t n, double at)
{
	struct model_account *acc;
	int had, changed;
	uint32_t mc = MC_VALUE;

	if (a >= m->naccounts || (n > 0 && budgets == NULL)) {
		model__budgets_free(budgets, n);
		return;
	}
	acc = &m->accounts[a];
	for (size_t i = 0; i < n; i++) {
		struct model_budget *b = &budgets[i];
		char *name = text_clean(b->name != NULL ? b->name : "", 0);

		free(b->name);
		b->name = name;
		b->unit[sizeof b->unit - 1] = '\0';
		b->time_unit[sizeof b->time_unit - 1] = '\0';
		model__copy_field(b->unit, sizeof b->unit, b->unit);
		model__copy_field(b->time_unit, sizeof b->time_unit, b->time_unit);
		if (!isfinite(b->limit))
			b->limit = 0;
		if (!isfinite(b->actual))
			b->actual = 0;
		if (!isfinite(b->forecast))
			b->has_forecast = 0;
		b->has_forecast = b->has_forecast != 0;
		if (!b->has_forecast)
			b->forecast = 0;
	}
	if (n > 1)
		qsort(budgets, n, sizeof *budgets, model__budget_cmp);
	had = (acc->budget.flags & MF_HAS_VALUE) != 0;
	changed = 0;
	if (had) {
		size_t i = 0, j = 0;

		changed = n != acc->nbudgets;
		/* Both lists are sorted by name: one merge pass matches them. */
		while (i < acc->nbudgets && j < n) {
			int c = strcmp(acc->budgets[i].name, budgets[j].name);

			if (c < 0) {
				changed = 1;
				i++;
			} else if (c > 0) {
				changed = 1;
				j++;
			} else {
				if (!model__budget_eq(&acc->budgets[i], &budgets[j]))
					changed = 1;
				mc |= model__budget_cross(m, a, &acc->budgets[i], &budgets[j], at);
				i++;
				j++;
			}
		}
	}
	model__note_state(m, a, -1, MI_BUDGET, &acc->budget, MS_OK, NULL, at);
	model__budgets_free(acc->budgets, acc->nbudgets);
	acc->budgets = budgets;
	acc->nbudgets = n;
	model__value_done(m, a, &acc->budget, changed, mc, at);
}

/* -------------------------------------------------------------------- SSO */

static int
model__assignment_cmp(const void *x, const void *y)
{
	const struct model_assignment *a = x, *b = y;
	int c = strcmp(a->permission_set, b->permission_set);

	if (c != 0)
		return c;
	if (a->principal_type != b->principal_type)
		return a->principal_type < b->principal_type ? 1 : -1; /* GROUP before USER */
	c = strcmp(a->principal, b->principal);
	if (c != 0)
		return c;
	return strcmp(a->principal_id, b->principal_id);
}

void
model_set_sso(struct model *m, size_t a, struct model_assignment *as, size_t n, double at)
{
	struct model_account *acc;
	int changed;

	if (a >= m->naccounts || (n > 0 && as == NULL)) {
		free(as);
		return;
	}
	acc = &m->accounts[a];
	for (size_t i = 0; i < n; i++) {
		struct model_assignment *x = &as[i];

		x->permission_set = model__intern_clean(m, x->permission_set ? x->permission_set : "", -1);
		x->principal = model__intern_clean(m, x->principal ? x->principal : "", -1);
		x->principal_id = model__intern_clean(m, x->principal_id ? x->principal_id : "", -1);
		if (x->principal_type != MP_USER)
			x->principal_type = MP_GROUP;
	}
	if (n > 1)
		qsort(as, n, sizeof *as, model__assignment_cmp);
	changed = (acc->sso.flags & MF_HAS_VALUE) && n != acc->nassignments;
	for (size_t i = 0; !changed && (acc->sso.flags & MF_HAS_VALUE) && i < n; i++) {
		const struct model_assignment *o = &acc->assignments[i], *x = &as[i];

		/* Interned: equal strings are the same pointer. */
		changed = o->permission_set != x->permission_set || o->principal != x->principal ||
		    o->principal_id != x->principal_id || o->principal_type != x->principal_type;
	}
	model__note_state(m, a, -1, MI_SSO, &acc->sso, MS_OK, NULL, at);
	free(acc->assignments);
	acc->assignments = as;
	acc->nassignments = n;
	model__value_done(m, a, &acc->sso, changed, MC_VALUE, at);
}

void
model_set_access(struct model *m, size_t a, const char *role, double at)
{
	struct model_account *acc;
	const char *r;

	if (a >= m->naccounts)
		return;
	acc = &m->accounts[a];
	r = model__intern_clean(m, role, 64);
	model__note_state(m, a, -1, MI_ACCESS, &acc->access, MS_OK, NULL, at);
	acc->role = r;
	model__value_done(m, a, &acc->access, 0, 0, at);
}

/* ------------------------------------------------------------------ state */

static void
model__set_state1(struct model *m, size_t a, int r, enum model_item item, enum model_state st,
    const char *reason, double at)
{
	struct model_status *s = model__status(m, a, r, item);

	if (s == NULL)
		return;
	/* Stale or ok without a value would show a value that is not there. */
	if ((st == MS_STALE || (st == MS_OK && item != MI_ACCESS)) &&
	    !(s->flags & MF_HAS_VALUE))
		return;
	model__note_state(m, a, r, item, s, st, reason, at);
	s->state = (uint8_t)st;
	s->reason = reason;
	if (st != MS_THROTTLED && st != MS_LOADING)
		s->flags &= (uint8_t)~MF_INFLIGHT;
	if (st == MS_OK)
		s->fetched_at = model__epoch32(at);
}

void
model_set_state(struct model *m, size_t a, int region, enum model_item item,
    enum model_state st, const char *reason, double at)
{
	const char *why;

	if (a >= m->naccounts || (unsigned)st >= MS__COUNT || (unsigned)item >= MI__COUNT)
		return;
	why = model__intern_clean(m, reason, REASON_COLS);
	if (region < 0 && model__cell_item(item)) {
		for (size_t r = 0; r < m->nregions; r++)
			model__set_state1(m, a, (int)r, item, st, why, at);
	} else {
		model__set_state1(m, a, region, item, st, why, at);
	}
	m->gen++;
}

static void
model__inflight1(struct model_status *s, int on)
{
	if (s == NULL)
		return;
	if (on)
		s->flags |= MF_INFLIGHT;
	else
		s->flags &= (uint8_t)~MF_INFLIGHT;
}

void
model_set_inflight(struct model *m, size_t a, int region, enum model_item item, int on)
{
	if (a >= m->naccounts || (unsigned)item >= MI__COUNT)
		return;
	if (region < 0 && model__cell_item(item)) {
		for (size_t r = 0; r < m->nregions; r++)
			model__inflight1(model__status(m, a, (int)r, item), on);
	} else {
		model__inflight1(model__status(m, a, region, item), on);
	}
	m->gen++;
}

static void
model__stale1(struct model_status *s)
{
	if (s->flags & MF_HAS_VALUE)
		s->state = MS_STALE;
}

void
model_mark_all_stale(struct model *m)
{
	for (size_t a = 0; a < m->naccounts; a++) {
		struct model_account *acc = &m->accounts[a];

		model__stale1(&acc->access);
		model__stale1(&acc->budget);
		model__stale1(&acc->sso);
		for (size_t r = 0; r < m->nregions; r++) {
			model__stale1(&acc->cells[r].config.st);
			model__stale1(&acc->cells[r].gd.st);
			model__stale1(&acc->cells[r].spend.st);
		}
		if (m->details[a] != NULL) {
			model__stale1(&m->details[a]->rules_st);
			model__stale1(&m->details[a]->findings_st);
		}
	}
	m->gen++;
}

static void
model__clear1(struct model_status *s)
{
	s->flags &= (uint8_t)~MF_CHANGED;
}

void
model_clear_changes(struct model *m)
{
	for (size_t a = 0; a < m->naccounts; a++) {
		struct model_account *acc = &m->accounts[a];

		acc->changed = 0;
		model__clear1(&acc->access);
		model__clear1(&acc->budget);
		model__clear1(&acc->sso);
		for (size_t r = 0; r < m->nregions; r++) {
			model__clear1(&acc->cells[r].config.st);
			model__clear1(&acc->cells[r].gd.st);
			model__clear1(&acc->cells[r].spend.st);
		}
	}
	m->gen++;
}

/* ---------------------------------------------------------------- refresh */

uint32_t
model_refresh_begin(struct model *m)
{
	m->baseline = m->naccounts > 0 || m->walks > 0;
	m->gen++;
	return ++m->refresh;
}

/* Drops OUs the latest walk did not see and that hold no account and no OU. */
static void
model__prune_ous(struct model *m)
{
	int *keep, *map, any = 0, again = 1;
	size_t n = 0;

	for (size_t i = 0; i < m->nous; i++)
		any |= m->ous[i].seen == m->refresh;
	if (!any || m->nous == 0)
		return;
	keep = xcalloc(m->nous, sizeof *keep);
	map = xcalloc(m->nous, sizeof *map);
	for (size_t i = 0; i < m->nous; i++)
		keep[i] = 1;
	while (again) {
		int *used = xcalloc(m->nous, sizeof *used);

		again = 0;
		for (size_t a = 0; a < m->naccounts; a++) {
			if (m->accounts[a].ou >= 0)
				used[m->accounts[a].ou] = 1;
		}
		for (size_t i = 0; i < m->nous; i++) {
			if (keep[i] && m->ous[i].parent >= 0)
				used[m->ous[i].parent] = 1;
		}
		for (size_t i = 0; i < m->nous; i++) {
			if (keep[i] && !used[i] && m->ous[i].seen != m->refresh) {
				keep[i] = 0;
				again = 1;
			}
		}
		free(used);
	}
	for (size_t i = 0; i < m->nous; i++) {
		if (!keep[i]) {
			map[i] = -1;
			free(m->ous[i].name);
			free(m->ous[i].path);
			continue;
		}
		map[i] = (int)n;
		if (n != i)
			m->ous[n] = m->ous[i];
		n++;
	}
	m->nous = n;
	for (size_t i = 0; i < n; i++) {
		if (m->ous[i].parent >= 0)
			m->ous[i].parent = map[m->ous[i].parent];
	}
	for (size_t a = 0; a < m->naccounts; a++) {
		if (m->accounts[a].ou >= 0)
			m->accounts[a].ou = map[m->accounts[a].ou];
	}
	idx_rebuild(&m->ou_idx, OU_IDX(m), m->nous);
	model__ou_paths(m, -1);
	free(keep);
	free(map);
}

void
model_prune(struct model *m)
{
	int *map;
	size_t n = 0;

	if (m->refresh == 0)
		return;
	m->walks++;
	map = xcalloc(m->naccounts ? m->naccounts : 1, sizeof *map);
	for (size_t i = 0; i < m->naccounts; i++) {
		struct model_account *acc = &m->accounts[i];

		if (acc->seen != m->refresh) {
			model__log(m, MC_ACCOUNT, -1, -1, util_now(), "%s %s left the organization",
			    acc->id, acc->name);
			model__account_done(m, i);
			map[i] = -1;
			continue;
		}
		map[i] = (int)n;
		if (n != i) {
			m->accounts[n] = *acc;
			m->details[n] = m->details[i];
			m->details[i] = NULL;
		}
		n++;
	}
	if (n != m->naccounts) {
		for (size_t i = 0; i < m->log_n; i++) {
			struct model_change *c = &m->log[(m->log_head + i) % MODEL_CHANGES_MAX];

			if (c->account >= 0 && (size_t)c->account < m->naccounts)
				c->account = map[c->account];
		}
		m->naccounts = n;
		idx_rebuild(&m->acct_idx, ACCT_IDX(m), n);
	}
	free(map);
	model__prune_ous(m);
	m->gen++;
}

/* ----------------------------------------------------------------- detail */

const struct model_detail *
model_detail(const struct model *m, size_t a)
{
	return a < m->naccounts ? m->details[a] : NULL;
}

static struct model_detail *
model__detail(struct model *m, size_t a)
{
	if (m->details[a] == NULL)
		m->details[a] = xcalloc(1, sizeof *m->details[a]);
	return m->details[a];
}

static char *
model__clean_take(char *s)
{
	char *c = text_clean(s != NULL ? s : "", 0);

	free(s);
	return c;
}

void
model_set_detail_rules(struct model *m, size_t a, struct model_rule *rules, size_t n, double at)
{
	struct model_detail *d;

	if (a >= m->naccounts || (n > 0 && rules == NULL)) {
		for (size_t i = 0; rules != NULL && i < n; i++)
			free(rules[i].name);
		free(rules);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		rules[i].name = model__clean_take(rules[i].name);
		if (rules[i].region < 0 || (size_t)rules[i].region >= m->nregions)
			rules[i].region = -1;
		rules[i].capped = rules[i].capped != 0;
	}
	d = model__detail(m, a);
	model__detail_clear_rules(d);
	d->rules = rules;
	d->nrules = n;
	d->rules_st.state = MS_OK;
	d->rules_st.flags = MF_HAS_VALUE;
	d->rules_st.fetched_at = model__epoch32(at);
	d->rules_st.reason = NULL;
	m->gen++;
}

static int
model__finding_cmp(const void *x, const void *y)
{
	const struct model_finding *a = x, *b = y;

	if (a->severity != b->severity)
		return a->severity < b->severity ? 1 : -1;
	if (a->updated_at != b->updated_at)
		return a->updated_at < b->updated_at ? 1 : -1;
	return strcmp(a->id, b->id);
}

void
model_set_detail_findings(struct model *m, size_t a, struct model_finding *f, size_t n,
    double at)
{
	struct model_detail *d;

	if (a >= m->naccounts || (n > 0 && f == NULL)) {
		for (size_t i = 0; f != NULL && i < n; i++)
			model__finding_free(&f[i]);
		free(f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		f[i].id = model__clean_take(f[i].id);
		f[i].title = model__clean_take(f[i].title);
		f[i].type = model__clean_take(f[i].type);
		f[i].description = model__clean_take(f[i].description);
		f[i].resource = model__clean_take(f[i].resource);
		if (!isfinite(f[i].severity) || f[i].severity < 0)
			f[i].severity = 0;
		if (!isfinite(f[i].updated_at))
			f[i].updated_at = 0;
		if (f[i].region < 0 || (size_t)f[i].region >= m->nregions)
			f[i].region = -1;
	}
	if (n > 1)
		qsort(f, n, sizeof *f, model__finding_cmp);
	d = model__detail(m, a);
	model__detail_clear_findings(d);
	d->findings = f;
	d->nfindings = n;
	d->findings_st.state = MS_OK;
	d->findings_st.flags = MF_HAS_VALUE;
	d->findings_st.fetched_at = model__epoch32(at);
	d->findings_st.reason = NULL;
	m->gen++;
}

void
model_set_detail_state(struct model *m, size_t a, int findings, enum model_state st,
    const char *reason, double at)
{
	struct model_status *s;

	(void)at;
	if (a >= m->naccounts || (unsigned)st >= MS__COUNT)
		return;
	s = findings ? &model__detail(m, a)->findings_st : &model__detail(m, a)->rules_st;
	if ((st == MS_STALE || st == MS_OK) && !(s->flags & MF_HAS_VALUE))
		return;
	s->state = (uint8_t)st;
	s->reason = model__intern_clean(m, reason, REASON_COLS);
	if (st == MS_LOADING)
		s->flags |= MF_INFLIGHT;
	else if (st != MS_THROTTLED)
		s->flags &= (uint8_t)~MF_INFLIGHT;
	m->gen++;
}
