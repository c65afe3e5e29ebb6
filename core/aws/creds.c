/*
 * creds.c: the credentials object, the provider refresh machinery, and the
 * static provider. The sources live beside it (creds_*.c); the chain that
 * picks one is creds_chain.c.
 *
 * Refresh follows botocore's RefreshableCredentials: credentials far from
 * expiry are served at once; inside the advisory window (15 min before
 * expiry) they are still served while one background refresh runs, and a
 * failed background refresh keeps the old ones; inside the mandatory window
 * (10 min) callers wait for the refresh and a failure is reported. For
 * sessions shorter than an hour the windows shrink with the lifetime (half
 * and a third of it), so a 15-minute session is not refreshed on every call
 * as botocore would.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

double (*creds__clock)(void) = util_now;
void (*creds__wiped_hook)(const void *p, size_t len);

struct creds {
	int refs;
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	double expiration;
	double obtained; /* when creds_new() made them: the lifetime's start */
};

struct creds *
creds_new(const char *access_key_id, const char *secret_access_key, const char *session_token,
          double expiration)
{
	struct creds *c = xcalloc(1, sizeof *c);

	c->refs = 1;
	c->access_key_id = xstrdup(access_key_id);
	c->secret_access_key = xstrdup(secret_access_key);
	if (session_token != NULL && *session_token != '\0')
		c->session_token = xstrdup(session_token);
	c->expiration = expiration;
	c->obtained = creds__clock();
	return c;
}

/* xfree_secret(), with the test hook between the wipe and the free. */
static void
creds__free_secret(char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	xwipe(s, n);
	if (creds__wiped_hook != NULL)
		creds__wiped_hook(s, n);
	free(s);
}

struct creds *
creds_ref(struct creds *c)
{
	if (c != NULL)
		c->refs++;
	return c;
}

void
creds_unref(struct creds *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	creds__free_secret(c->access_key_id);
	creds__free_secret(c->secret_access_key);
	creds__free_secret(c->session_token);
	xwipe(c, sizeof *c);
	free(c);
}

const char *
creds_access_key_id(const struct creds *c)
{
	return c->access_key_id;
}

const char *
creds_secret_access_key(const struct creds *c)
{
	return c->secret_access_key;
}

const char *
creds_session_token(const struct creds *c)
{
	return c->session_token;
}

double
creds_expiration(const struct creds *c)
{
	return c->expiration;
}

void
creds_redact_key_id(const char *access_key_id, char *out, size_t len)
{
	size_t n = access_key_id != NULL ? strlen(access_key_id) : 0;

	if (len == 0)
		return;
	/* A key id shorter than 8 would be half shown by its last four: show none of it. */
	if (n < 8 || len < 9) {
		snprintf(out, len, "****");
		return;
	}
	snprintf(out, len, "****%s", access_key_id + n - 4);
}

/* Seconds before expiry at which the window opens, scaled down for short sessions. */
static double
creds__window(const struct creds *c, double full, double fraction)
{
	double life = c->expiration - c->obtained;

	if (life > 0 && life * fraction < full)
		return life * fraction;
	return full;
}

static int
creds__in_advisory(const struct creds *c, double now)
{
	if (c->expiration == 0)
		return 0;
	return c->expiration - now <= creds__window(c, CREDS_ADVISORY_REFRESH, 1.0 / 2);
}

/* Usable without waiting: outside the mandatory window. */
static int
creds__usable(const struct creds *c, double now)
{
	if (c->expiration == 0)
		return 1;
	return c->expiration - now > creds__window(c, CREDS_MANDATORY_REFRESH, 1.0 / 3);
}

/* The provider and its refresh machinery. */

struct creds_waiter {
	creds_cb cb;
	void *arg;
	struct creds_waiter *next;
};

struct creds_provider {
	const struct creds_provider_ops *ops;
	void *impl;
	char *desc;
	struct creds *cached;
	struct creds_waiter *waiters;
	struct creds_waiter **tail;
	int fetching;
	int holds; /* > 0 while a get or a dispatch is on the stack */
	int dead;  /* creds_provider_free() was called while held */
	unsigned fetches;
	unsigned completions;
	double advisory_retry_at;
};

struct creds_provider *
creds__provider_new(const struct creds_provider_ops *ops, void *impl, const char *desc)
{
	struct creds_provider *p = xcalloc(1, sizeof *p);

	p->ops = ops;
	p->impl = impl;
	p->desc = xstrdup(desc != NULL ? desc : ops->kind);
	p->tail = &p->waiters;
	return p;
}

void *
creds__provider_impl(const struct creds_provider *p)
{
	return p->impl;
}

unsigned
creds__provider_fetches(const struct creds_provider *p)
{
	return p->fetches;
}

static void
creds__destroy(struct creds_provider *p)
{
	if (p->ops->free != NULL)
		p->ops->free(p);
	creds_unref(p->cached);
	free(p->desc);
	free(p);
}

static void
creds__hold(struct creds_provider *p)
{
	p->holds++;
}

static void
creds__release(struct creds_provider *p)
{
	if (--p->holds == 0 && p->dead)
		creds__destroy(p);
}

static void
creds__start_fetch(struct creds_provider *p)
{
	p->fetching = 1;
	p->fetches++;
	p->ops->fetch(p);
}

/* Calls every waiter in list with (c, err, sso_expired) and frees the list. */
static void
creds__dispatch(struct creds_waiter *list, struct creds *c, const char *err, int sso_expired)
{
	while (list != NULL) {
		struct creds_waiter *w = list;

		list = w->next;
		w->cb(c, c != NULL ? NULL : err, c != NULL ? 0 : sso_expired, w->arg);
		free(w);
	}
}

void
creds__fetch_done(struct creds_provider *p, struct creds *c, const char *err, int sso_expired)
{
	struct creds_waiter *list;
	struct creds *serve;
	char *why = NULL;
	double now = creds__clock();

	p->fetching = 0;
	p->completions++;
	if (c != NULL && c->expiration != 0 && c->expiration <= now) {
		char when[32];

		util_format_iso8601((time_t)c->expiration, when, sizeof when);
		why = xasprintf("%s: the credentials it returned expired at %s "
		                "(is the system clock right?)",
		                p->desc, when);
		creds_unref(c);
		c = NULL;
		err = why;
		sso_expired = 0;
	}
	if (c != NULL) {
		creds_unref(p->cached);
		p->cached = c;
		p->advisory_retry_at = 0;
	} else if (p->cached != NULL && creds__usable(p->cached, now)) {
		/* A failed advisory refresh: keep serving, try again later. */
		p->advisory_retry_at = now + CREDS_ADVISORY_RETRY;
	}
	serve = p->cached != NULL && creds__usable(p->cached, now) ? p->cached : c;
	if (c == NULL && err == NULL)
		err = "no credentials";
	list = p->waiters;
	p->waiters = NULL;
	p->tail = &p->waiters;
	creds_ref(serve);
	creds__hold(p);
	creds__dispatch(list, serve, err, sso_expired);
	creds_unref(serve);
	free(why);
	creds__release(p);
}

int
creds_provider_get(struct creds_provider *p, creds_cb cb, void *arg)
{
	struct creds_waiter *w;
	unsigned before;
	double now = creds__clock();
	int r;

	if (p == NULL || cb == NULL || p->dead)
		return -1;
	creds__hold(p);
	if (p->cached != NULL && creds__usable(p->cached, now)) {
		struct creds *c = creds_ref(p->cached);

		if (creds__in_advisory(c, now) && !p->fetching && now >= p->advisory_retry_at)
			creds__start_fetch(p);
		if (p->cached != NULL && creds__usable(p->cached, now)) {
			creds_unref(c);
			c = creds_ref(p->cached);
		}
		cb(c, NULL, 0, arg);
		creds_unref(c);
		creds__release(p);
		return 1;
	}
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->arg = arg;
	*p->tail = w;
	p->tail = &w->next;
	before = p->completions;
	if (!p->fetching)
		creds__start_fetch(p);
	r = p->completions != before ? 1 : 0;
	creds__release(p);
	return r;
}

void
creds_provider_invalidate(struct creds_provider *p)
{
	if (p == NULL)
		return;
	creds_unref(p->cached);
	p->cached = NULL;
	p->advisory_retry_at = 0;
}

const char *
creds_provider_describe(const struct creds_provider *p)
{
	return p->desc;
}

void
creds_provider_free(struct creds_provider *p)
{
	struct creds_waiter *list;

	if (p == NULL || p->dead)
		return;
	p->dead = 1;
	if (p->fetching && p->ops->cancel != NULL)
		p->ops->cancel(p);
	p->fetching = 0;
	list = p->waiters;
	p->waiters = NULL;
	p->tail = &p->waiters;
	creds__hold(p);
	creds__dispatch(list, NULL, "cancelled", 0);
	creds__release(p);
}

/* The static provider: fixed keys, with an expiration or none. */

struct creds_static {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	double expiration;
};

static void
creds_static_fetch(struct creds_provider *p)
{
	struct creds_static *s = creds__provider_impl(p);

	creds__fetch_done(
	    p, creds_new(s->access_key_id, s->secret_access_key, s->session_token, s->expiration),
	    NULL, 0);
}

static void
creds_static_free(struct creds_provider *p)
{
	struct creds_static *s = creds__provider_impl(p);

	xfree_secret(s->access_key_id);
	xfree_secret(s->secret_access_key);
	xfree_secret(s->session_token);
	free(s);
}

static const struct creds_provider_ops creds_static_ops = {
    .kind = "static",
    .fetch = creds_static_fetch,
    .free = creds_static_free,
};

struct creds_provider *
creds__static_new(const char *access_key_id, const char *secret_access_key,
                  const char *session_token, double expiration, const char *desc)
{
	struct creds_static *s = xcalloc(1, sizeof *s);

	s->access_key_id = xstrdup(access_key_id);
	s->secret_access_key = xstrdup(secret_access_key);
	if (session_token != NULL && *session_token != '\0')
		s->session_token = xstrdup(session_token);
	s->expiration = expiration;
	return creds__provider_new(&creds_static_ops, s, desc);
}

struct creds_provider *
creds_provider_static(const char *access_key_id, const char *secret_access_key,
                      const char *session_token)
{
	return creds__static_new(access_key_id, secret_access_key, session_token, 0, "static keys");
}
