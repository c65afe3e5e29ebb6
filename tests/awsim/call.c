/*
 * call.c: reading a call's input and writing its answer in the service's
 * protocol.
 */
#include "tests/awsim/call.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

const char *
call_header(const struct call *c, const char *name)
{
	int i;

	for (i = 0; i < c->nhdrs; i++)
		if (util_strcasecmp(c->hdrs[i].name, name) == 0)
			return c->hdrs[i].value;
	return NULL;
}

const char *
call_param(const struct call *c, const char *name)
{
	int i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].key, name) == 0)
			return c->params[i].value;
	return NULL;
}

void
call_parse_params(struct call *c, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, eq;
		while (j < n && s[j] != '&')
			j++;
		if (j > i) {
			eq = i;
			while (eq < j && s[eq] != '=')
				eq++;
			c->params = xreallocarray(c->params, (size_t)c->nparams + 1, sizeof(*c->params));
			c->params[c->nparams].key = url_decode(s + i, eq - i, 1);
			c->params[c->nparams].value =
			    eq < j ? url_decode(s + eq + 1, j - eq - 1, 1) : xstrdup("");
			c->nparams++;
		}
		i = j + 1;
	}
}

const char *
call_str(const struct call *c, const char *name)
{
	const cJSON *it = c->in ? cJSON_GetObjectItemCaseSensitive(c->in, name) : NULL;

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

cJSON *
call_item(const struct call *c, const char *name)
{
	cJSON *it = c->in ? cJSON_GetObjectItemCaseSensitive(c->in, name) : NULL;

	return it && !cJSON_IsNull(it) ? it : NULL;
}

/* 'maxResults' from "MaxResults": Coral writes member names this way. */
static void
call__member(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s", name);
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
}

void
call_missing(struct call *c, const char *member)
{
	char m[96];

	call__member(member, m, sizeof(m));
	switch (c->svc->proto) {
	case PROTO_QUERY:
		call_error(c, 400, "ValidationError",
		    "1 validation error detected: Value null at '%s' failed to satisfy constraint: "
		    "Member must not be null", m);
		break;
	case PROTO_EC2:
		call_error(c, 400, "MissingParameter", "The request must contain the parameter %s",
		    member);
		break;
	default:
		if (strcmp(c->svc->name, "organizations") == 0)
			call_error_x(c, 400, "InvalidInputException", "\"Reason\":\"INPUT_REQUIRED\"",
			    "You provided a value that does not match the required pattern: %s is "
			    "required.", member);
		else
			call_error(c, 400, c->svc->validation_code,
			    "1 validation error detected: Value null at '%s' failed to satisfy "
			    "constraint: Member must not be null", m);
		break;
	}
}

int
call_int(struct call *c, const char *name, long long min, long long max, long long def,
    long long *out)
{
	long long v = 0;
	char m[96];

	if (c->svc->proto == PROTO_JSON || (c->svc->proto == PROTO_RESTJSON && c->in)) {
		const cJSON *it = call_item(c, name);
		if (!it) {
			if (c->svc->proto == PROTO_JSON || !call_param(c, name)) {
				*out = def;
				return 1;
			}
		} else {
			if (!cJSON_IsNumber(it) || it->valuedouble != (double)(long long)it->valuedouble) {
				call_error(c, 400, "SerializationException",
				    "NUMBER_VALUE cannot be converted to Integer: %s", name);
				return -1;
			}
			v = (long long)it->valuedouble;
			goto range;
		}
	}
	{
		const char *s = call_param(c, name);
		if (!s) {
			*out = def;
			return 1;
		}
		if (util_parse_ll(s, -9223372036854775807LL, 9223372036854775807LL, &v) < 0) {
			call__member(name, m, sizeof(m));
			call_error(c, 400, c->svc->validation_code,
			    "1 validation error detected: Value '%s' at '%s' failed to satisfy "
			    "constraint: Member must be a number", s, m);
			return -1;
		}
	}
range:
	if (v < min || v > max) {
		call__member(name, m, sizeof(m));
		if (strcmp(c->svc->name, "organizations") == 0)
			call_error_x(c, 400, "InvalidInputException",
			    v < min ? "\"Reason\":\"MIN_VALUE_EXCEEDED\"" : "\"Reason\":\"MAX_VALUE_EXCEEDED\"",
			    "You provided a value that is %s the allowed %s for %s.",
			    v < min ? "less than" : "greater than", v < min ? "minimum" : "maximum", name);
		else
			call_error(c, 400, c->svc->proto == PROTO_QUERY ? "ValidationError" :
			    c->svc->validation_code,
			    "1 validation error detected: Value '%lld' at '%s' failed to satisfy "
			    "constraint: Member must have value %s %lld", v, m,
			    v < min ? "greater than or equal to" : "less than or equal to",
			    v < min ? min : max);
		return -1;
	}
	*out = v;
	return 0;
}

static void
call__xml_error(struct call *c, int status, const char *code, const char *msg)
{
	buf_reset(&c->out);
	c->ctype = "text/xml";
	if (c->svc && c->svc->proto == PROTO_EC2) {
		buf_adds(&c->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>");
		xml_esc(&c->out, code);
		buf_adds(&c->out, "</Code><Message>");
		xml_esc(&c->out, msg);
		buf_printf(&c->out, "</Message></Error></Errors><RequestID>%s</RequestID></Response>\n",
		    c->request_id);
		return;
	}
	buf_printf(&c->out, "<ErrorResponse xmlns=\"%s\">\n  <Error>\n    <Type>%s</Type>\n    <Code>",
	    c->svc ? c->svc->xmlns : "https://sts.amazonaws.com/doc/2011-06-15/",
	    status >= 500 ? "Receiver" : "Sender");
	xml_esc(&c->out, code);
	buf_adds(&c->out, "</Code>\n    <Message>");
	xml_esc(&c->out, msg);
	buf_printf(&c->out, "</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n",
	    c->request_id);
}

static void call__verror(struct call *c, int status, const char *code, const char *extra,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void
call__verror(struct call *c, int status, const char *code, const char *extra, const char *fmt,
    va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	int proto = c->svc ? c->svc->proto : PROTO_PLAIN;
	struct jw w;

	c->status = status;
	c->answered = 1;
	snprintf(c->errcode, sizeof(c->errcode), "%s", code);
	c->errtype[0] = 0;
	buf_reset(&c->out);
	switch (proto) {
	case PROTO_QUERY:
	case PROTO_EC2:
		call__xml_error(c, status, code, msg);
		break;
	case PROTO_JSON:
		c->ctype = "application/x-amz-json-1.1";
		jw_init(&w, &c->out, 0);
		jw_obj(&w);
		jw_kstr(&w, "__type", code);
		jw_kstr(&w, c->svc->msg_key, msg);
		if (extra) {
			buf_addc(&c->out, ',');
			buf_adds(&c->out, extra);
		}
		jw_end(&w);
		break;
	case PROTO_RESTJSON:
		c->ctype = "application/json";
		if (c->svc && strcmp(c->svc->name, "guardduty") == 0 && status < 500 && status != 429)
			snprintf(c->errtype, sizeof(c->errtype),
			    "%s:http://internal.amazon.com/coral/com.amazonaws.guardduty/", code);
		else
			snprintf(c->errtype, sizeof(c->errtype), "%s", code);
		jw_init(&w, &c->out, 0);
		jw_obj(&w);
		jw_kstr(&w, c->svc ? c->svc->msg_key : "message", msg);
		if (c->svc && strcmp(c->svc->name, "guardduty") == 0)
			jw_kstr(&w, "__type", strcmp(code, "BadRequestException") == 0 ?
			    "InvalidInputException" : code);
		if (extra) {
			buf_addc(&c->out, ',');
			buf_adds(&c->out, extra);
		}
		jw_end(&w);
		break;
	default:
		c->ctype = "application/json";
		jw_init(&w, &c->out, 0);
		jw_obj(&w);
		jw_kstr(&w, "code", code);
		jw_kstr(&w, "message", msg);
		jw_end(&w);
		break;
	}
	free(msg);
}

void
call_error(struct call *c, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	call__verror(c, status, code, NULL, fmt, ap);
	va_end(ap);
}

void
call_error_x(struct call *c, int status, const char *code, const char *extra, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	call__verror(c, status, code, extra, fmt, ap);
	va_end(ap);
}

void
call_json(struct call *c, struct jw *w)
{
	c->status = 200;
	c->answered = 1;
	c->ctype = c->svc && c->svc->proto == PROTO_JSON ? "application/x-amz-json-1.1" :
	    "application/json";
	buf_reset(&c->out);
	jw_init(w, &c->out, 0);
}

void
call_xml_begin(struct call *c)
{
	c->status = 200;
	c->answered = 1;
	c->ctype = "text/xml";
	buf_reset(&c->out);
	if (c->svc->proto == PROTO_EC2) {
		buf_printf(&c->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%sResponse xmlns=\"%s\">\n"
		    "    <requestId>%s</requestId>\n", c->op->name, c->svc->xmlns, c->request_id);
		return;
	}
	buf_printf(&c->out, "<%sResponse xmlns=\"%s\">\n  <%sResult>\n", c->op->name, c->svc->xmlns,
	    c->op->name);
}

void
call_xml_end(struct call *c)
{
	if (c->svc->proto == PROTO_EC2) {
		buf_printf(&c->out, "</%sResponse>\n", c->op->name);
		return;
	}
	buf_printf(&c->out, "  </%sResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n"
	    "  </ResponseMetadata>\n</%sResponse>\n", c->op->name, c->request_id, c->op->name);
}

void
call_done(struct call *c)
{
	int i;

	cJSON_Delete(c->in);
	c->in = NULL;
	for (i = 0; i < c->nparams; i++) {
		free(c->params[i].key);
		free(c->params[i].value);
	}
	free(c->params);
	c->params = NULL;
	c->nparams = 0;
	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	c->nlabels = 0;
	buf_done(&c->out);
}
