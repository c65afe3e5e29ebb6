/*
 * collect_sched.c: region patterns, the lanes, and verdicts on finished calls.
 */
#include "core/collect_sched.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

/* ------------------------------------------------------------ patterns */

/* A region name: lower-case words joined by '-', the last one a number ("us-gov-west-1"). */
static int
region_name_valid(const char *s)
{
	size_t n = strlen(s), words = 0;
	const char *p = s;

	if (n < 4 || n > 31)
		return 0;
	for (;;) {
		const char *w = p;

		while (*p >= 'a' && *p <= 'z')
			p++;
		if (p == w)
			break;
		words++;
		if (*p != '-')
			return 0;
		p++;
	}
	if (words < 2 || *p == '\0')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

int
collect__pattern_is_literal(const char *pattern)
{
	return strpbrk(pattern, "*?") == NULL;
}

/* Checks and lower-cases one item into out. 0 / -1 with *cause. */
static int
pattern_item(const char *item, size_t len, char **out, char **cause)
{
	char *p;

	if (len == 0) {
		*cause = xstrdup("-r: an empty region in the list (use e.g. eu-*,us-east-1)");
		return -1;
	}
	if (len > 31) {
		*cause = xasprintf("-r: '%.31s...' is too long for a region name or pattern", item);
		return -1;
	}
	p = xstrndup(item, len);
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];

		if (ch >= 'A' && ch <= 'Z')
			p[i] = (char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '*' || ch == '?'))
			goto bad;
	}
	if (collect__pattern_is_literal(p) && !region_name_valid(p))
		goto bad;
	*out = p;
	return 0;
bad:
	*cause = xasprintf("-r: '%s' is not a region name or pattern (e.g. eu-west-1, eu-*)", p);
	for (char *q = *cause; *q != '\0'; q++) {
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
			*q = '?';
	}
	free(p);
	return -1;
}

int
collect__patterns_parse(const char *spec, struct collect__patterns *out, char **cause)
{
	struct collect__patterns p = { NULL, 0 };
	const char *s = spec;

	if (spec == NULL || spec[strspn(spec, " \t")] == '\0') {
		*out = p;
		return 0;
	}
	while (*s != '\0') {
		const char *end = strchr(s, ','), *b = s, *e;
		char *item;

		if (end == NULL)
			end = s + strlen(s);
		while (b < end && (*b == ' ' || *b == '\t'))
			b++;
		e = end;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (p.n == COLLECT_MAX_PATTERNS) {
			*cause = xasprintf("-r: more than %d regions or patterns", COLLECT_MAX_PATTERNS);
			goto fail;
		}
		if (pattern_item(b, (size_t)(e - b), &item, cause) != 0)
			goto fail;
		for (size_t i = 0; i < p.n; i++) {
			if (strcmp(p.pat[i], item) == 0) {
				*cause = xasprintf("-r: '%s' is listed twice", item);
				free(item);
				goto fail;
			}
		}
		p.pat = xreallocarray(p.pat, p.n + 1, sizeof *p.pat);
		p.pat[p.n++] = item;
		s = *end == ',' ? end + 1 : end;
		if (*end == ',' && *s == '\0') {
			*cause = xstrdup("-r: an empty region in the list (use e.g. eu-*,us-east-1)");
			goto fail;
		}
	}
	*out = p;
	return 0;
fail:
	collect__patterns_done(&p);
	return -1;
}

void
collect__patterns_done(struct collect__patterns *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->pat[i]);
	free(p->pat);
	p->pat = NULL;
	p->n = 0;
}

int
collect__patterns_match(const struct collect__patterns *p, const char *region)
{
	if (p->n == 0)
		return 1;
	for (size_t i = 0; i < p->n; i++) {
		if (fnmatch(p->pat[i], region, 0) == 0)
			return 1;
	}
	return 0;
}

int
collect__patterns_literal(const struct collect__patterns *p, const char *region)
{
	for (size_t i = 0; i < p->n; i++) {
		if (collect__pattern_is_literal(p->pat[i]) && strcmp(p->pat[i], region) == 0)
			return 1;
	}
	return 0;
}

int
collect__patterns_all_literal(const struct collect__patterns *p)
{
	if (p->n == 0)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!collect__pattern_is_literal(p->pat[i]))
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- lanes */

void
collect__queue_init(struct collect__queue *q)
{
	memset(q, 0, sizeof *q);
}

void
collect__queue_set_cap(struct collect__queue *q, enum collect__lane lane, unsigned cap)
{
	if ((unsigned)lane < LANE__COUNT)
		q->cap[lane] = cap;
}

void
collect__queue_push(struct collect__queue *q, struct collect__qnode *node,
    enum collect__lane lane)
{
	if (node->queued || (unsigned)lane >= LANE__COUNT)
		return;
	node->lane = (uint8_t)lane;
	node->queued = 1;
	node->next = NULL;
	node->prev = q->tail[lane];
	if (q->tail[lane] != NULL)
		q->tail[lane]->next = node;
	else
		q->head[lane] = node;
	q->tail[lane] = node;
	q->n[lane]++;
	q->total++;
}

void
collect__queue_remove(struct collect__queue *q, struct collect__qnode *node)
{
	unsigned lane = node->lane;

	if (!node->queued)
		return;
	if (node->prev != NULL)
		node->prev->next = node->next;
	else
		q->head[lane] = node->next;
	if (node->next != NULL)
		node->next->prev = node->prev;
	else
		q->tail[lane] = node->prev;
	node->next = node->prev = NULL;
	node->queued = 0;
	q->n[lane]--;
	q->total--;
}

struct collect__qnode *
collect__queue_pop(struct collect__queue *q, unsigned lanes)
{
	for (unsigned l = 0; l < LANE__COUNT; l++) {
		struct collect__qnode *node = q->head[l];

		if (!(lanes & LANE_BIT(l)) || node == NULL)
			continue;
		if (q->cap[l] != 0 && q->inflight[l] >= q->cap[l])
			continue;
		collect__queue_remove(q, node);
		q->inflight[l]++;
		return node;
	}
	return NULL;
}

void
collect__queue_done(struct collect__queue *q, enum collect__lane lane)
{
	if ((unsigned)lane < LANE__COUNT && q->inflight[lane] > 0)
		q->inflight[lane]--;
}

unsigned
collect__queue_waiting(const struct collect__queue *q, unsigned lanes)
{
	unsigned n = 0;

	for (unsigned l = 0; l < LANE__COUNT; l++) {
		if (lanes & LANE_BIT(l))
			n += q->n[l];
	}
	return n;
}

/* ------------------------------------------------------------- verdicts */

static void
set_reason(struct collect__verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_reason(struct collect__verdict *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(v->reason, sizeof v->reason, fmt, ap);
	va_end(ap);
	if (n < 0)
		v->reason[0] = '\0';
	/* A cut in the middle of a UTF-8 sequence is left to the sanitiser (U+FFFD). */
}

/* A word for each failure kind (as retry.h names them). */
static const char *
err_word(enum aws_err e)
{
	static const char *const words[AWS_ERR__COUNT] = {
		[AWS_OK] = "ok", [AWS_ERR_THROTTLED] = "throttled", [AWS_ERR_DENIED] = "denied",
		[AWS_ERR_AUTH] = "credentials refused", [AWS_ERR_EXPIRED_TOKEN] = "expired token",
		[AWS_ERR_CLOCK_SKEW] = "clock skew", [AWS_ERR_NOT_FOUND] = "not found",
		[AWS_ERR_CLIENT] = "client error", [AWS_ERR_SERVER] = "server error",
		[AWS_ERR_NETWORK] = "network error", [AWS_ERR_TIMEOUT] = "timeout",
		[AWS_ERR_BAD_RESPONSE] = "bad answer", [AWS_ERR_QUOTA] = "retry quota exhausted",
		[AWS_ERR_CREDENTIALS] = "no credentials", [AWS_ERR_ENDPOINT] = "bad endpoint",
		[AWS_ERR_REQUEST] = "bad request", [AWS_ERR_PAGINATION] = "pagination error",
		[AWS_ERR_CANCELLED] = "cancelled",
	};

	return (unsigned)e < AWS_ERR__COUNT && words[e] != NULL ? words[e] : "error";
}

/* AWS's message, else its code, else what kind of failure it was. */
static const char *
what(const struct aws_result *res)
{
	if (res->message != NULL && res->message[0] != '\0')
		return res->message;
	if (res->code != NULL && res->code[0] != '\0')
		return res->code;
	return err_word(res->err);
}

/* Error codes that mean the service is not enabled or subscribed. */
static int
disabled_code(const char *code)
{
	static const char *const codes[] = {
		"OptInRequired",
		"SubscriptionRequiredException",
		"NoSuchConfigurationRecorderException",
		"AWSOrganizationsNotInUseException",
	};

	for (size_t i = 0; i < NELEM(codes); i++) {
		if (strcmp(code, codes[i]) == 0)
			return 1;
	}
	return 0;
}

/* "Code: message" or the one that is there. */
static void
code_message(struct collect__verdict *v, const struct aws_result *res, const char *prefix)
{
	const char *code = res->code != NULL ? res->code : "";
	const char *msg = res->message != NULL ? res->message : "";

	if (code[0] != '\0' && msg[0] != '\0' && strcmp(code, msg) != 0)
		set_reason(v, "%s%s: %s", prefix, code, msg);
	else if (code[0] != '\0')
		set_reason(v, "%s%s", prefix, code);
	else if (msg[0] != '\0')
		set_reason(v, "%s%s", prefix, msg);
	else if (res->status != 0)
		set_reason(v, "%sHTTP %ld", prefix, res->status);
	else
		set_reason(v, "%s%s", prefix, err_word(res->err));
}

void
collect__verdict(const struct aws_result *res, int region_enabled,
    struct collect__verdict *out)
{
	const char *code = res->code != NULL ? res->code : "";

	memset(out, 0, sizeof *out);
	out->st = MS_ERROR;
	switch (res->err) {
	case AWS_OK:
		out->st = MS_OK;
		return;
	case AWS_ERR_THROTTLED:
		out->st = MS_THROTTLED;
		out->requeue = 1;
		set_reason(out, "throttled");
		return;
	case AWS_ERR_DENIED:
		out->st = MS_DENIED;
		set_reason(out, "%s", what(res));
		return;
	case AWS_ERR_AUTH:
		out->creds_failed = 1;
		if (!region_enabled) {
			out->st = MS_REGION_OFF;
			set_reason(out, "region not enabled");
			return;
		}
		code_message(out, res, "credentials refused: ");
		return;
	case AWS_ERR_EXPIRED_TOKEN:
		out->creds_failed = 1;
		set_reason(out, "session expired: %s", what(res));
		return;
	case AWS_ERR_CLOCK_SKEW:
		set_reason(out, "clock skew: %s", what(res));
		return;
	case AWS_ERR_CLIENT:
	case AWS_ERR_NOT_FOUND:
		if (disabled_code(code)) {
			out->st = MS_DISABLED;
			set_reason(out, "%s", what(res));
			return;
		}
		code_message(out, res, "");
		return;
	case AWS_ERR_SERVER:
		if (res->status != 0 && (code[0] == '\0' || (code[0] >= '0' && code[0] <= '9')))
			set_reason(out, "HTTP %ld: %s", res->status, what(res));
		else
			code_message(out, res, "");
		return;
	case AWS_ERR_NETWORK:
		set_reason(out, "network: %s", what(res));
		return;
	case AWS_ERR_TIMEOUT:
		set_reason(out, "timeout");
		return;
	case AWS_ERR_BAD_RESPONSE:
		set_reason(out, "bad answer: %s", what(res));
		return;
	case AWS_ERR_QUOTA:
		set_reason(out, "retry quota exhausted: %s", what(res));
		return;
	case AWS_ERR_CREDENTIALS:
		out->creds_failed = 1;
		out->sso_expired = res->sso_expired != 0;
		set_reason(out, "%s", what(res));
		return;
	case AWS_ERR_ENDPOINT:
		set_reason(out, "endpoint: %s", what(res));
		return;
	case AWS_ERR_REQUEST:
		set_reason(out, "request: %s", what(res));
		return;
	case AWS_ERR_PAGINATION:
		set_reason(out, "pagination: %s", what(res));
		return;
	case AWS_ERR_CANCELLED:
		set_reason(out, "cancelled");
		return;
	case AWS_ERR__COUNT:
		break;
	}
	code_message(out, res, "");
}

/* The text after "<code>: " for the first code of list found in err, or NULL. */
static const char *
after_code(const char *err, const char *const *codes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(err, codes[i]);

		if (p != NULL) {
			p += strlen(codes[i]);
			if (p[0] == ':' && p[1] == ' ' && p[2] != '\0')
				return p + 2;
			return err;
		}
	}
	return NULL;
}

void
collect__creds_verdict(const char *err, int sso_expired, struct collect__verdict *out)
{
	static const char *const denied[] = {
		"AccessDeniedException", "AccessDenied", "UnauthorizedOperation",
	};
	const char *msg;

	memset(out, 0, sizeof *out);
	out->st = MS_ERROR;
	out->sso_expired = sso_expired != 0;
	if (err == NULL || err[0] == '\0')
		err = "credentials unavailable";
	if (!sso_expired && (strstr(err, ": Throttling") != NULL ||
	    strstr(err, "ThrottlingException") != NULL || strstr(err, "TooManyRequests") != NULL ||
	    strstr(err, "Rate exceeded") != NULL)) {
		out->st = MS_THROTTLED;
		out->requeue = 1;
		set_reason(out, "throttled");
		return;
	}
	msg = after_code(err, denied, NELEM(denied));
	if (msg == NULL && strstr(err, "is not authorized to perform") != NULL)
		msg = err;
	if (msg != NULL && !sso_expired) {
		out->st = MS_DENIED;
		set_reason(out, "%s", msg);
		return;
	}
	out->creds_failed = 1;
	set_reason(out, "%s", err);
}
