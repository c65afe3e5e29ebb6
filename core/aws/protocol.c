/*
 * protocol.c: building requests and decoding answers for json 1.1,
 * rest-json, query and ec2, as botocore's serializers and parsers do.
 */
#include "core/aws/protocol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/xmalloc.h"

#define PROTO_MAX_NEST 32
#define PROTO_MAX_MESSAGE 2048

#define L PROTO_LOC_LABEL
#define Q PROTO_LOC_QUERY
#define H PROTO_LOC_HEADER

/* The rest-json operations orgtop uses (botocore 1.43 models). */
static const struct proto_rest_op rest_ops[] = {
	{ AWS_SVC_GUARDDUTY, "ListDetectors", "GET", "/detector",
	    { { "maxResults", Q }, { "nextToken", Q } } },
	{ AWS_SVC_GUARDDUTY, "GetDetector", "GET", "/detector/{DetectorId}", { { "DetectorId", L } } },
	{ AWS_SVC_GUARDDUTY, "GetFindingsStatistics", "POST",
	    "/detector/{DetectorId}/findings/statistics", { { "DetectorId", L } } },
	{ AWS_SVC_GUARDDUTY, "ListFindings", "POST", "/detector/{DetectorId}/findings",
	    { { "DetectorId", L } } },
	{ AWS_SVC_GUARDDUTY, "GetFindings", "POST", "/detector/{DetectorId}/findings/get",
	    { { "DetectorId", L } } },
	{ AWS_SVC_GUARDDUTY, "ListMembers", "GET", "/detector/{DetectorId}/member",
	    { { "DetectorId", L }, { "maxResults", Q }, { "nextToken", Q },
		{ "onlyAssociated", Q } } },
	{ AWS_SVC_GUARDDUTY, "ListOrganizationAdminAccounts", "GET", "/admin",
	    { { "maxResults", Q }, { "nextToken", Q } } },
	{ AWS_SVC_GUARDDUTY, "GetAdministratorAccount", "GET", "/detector/{DetectorId}/administrator",
	    { { "DetectorId", L } } },
	{ AWS_SVC_SECURITYHUB, "GetFindings", "POST", "/findings", { { NULL, L } } },
	{ AWS_SVC_SECURITYHUB, "GetInsightResults", "GET", "/insights/results/{InsightArn+}",
	    { { "InsightArn", L } } },
	{ AWS_SVC_SECURITYHUB, "GetFindingStatisticsV2", "POST", "/findingsv2/statistics",
	    { { NULL, L } } },
	{ AWS_SVC_SECURITYHUB, "DescribeHub", "GET", "/accounts", { { "HubArn", Q } } },
	{ AWS_SVC_ACCOUNT, "ListRegions", "POST", "/listRegions", { { NULL, L } } },
	{ AWS_SVC_ACCOUNT, "GetRegionOptStatus", "POST", "/getRegionOptStatus", { { NULL, L } } },
	{ AWS_SVC_SSO_PORTAL, "GetRoleCredentials", "GET", "/federation/credentials",
	    { { "role_name", Q }, { "account_id", Q }, { "x-amz-sso_bearer_token", H } } },
	{ AWS_SVC_SSO_PORTAL, "ListAccounts", "GET", "/assignment/accounts",
	    { { "next_token", Q }, { "max_result", Q }, { "x-amz-sso_bearer_token", H } } },
	{ AWS_SVC_SSO_PORTAL, "ListAccountRoles", "GET", "/assignment/roles",
	    { { "next_token", Q }, { "max_result", Q }, { "account_id", Q },
		{ "x-amz-sso_bearer_token", H } } },
	{ AWS_SVC_SSO_OIDC, "CreateToken", "POST", "/token", { { NULL, L } } },
};

#undef L
#undef Q
#undef H

const struct proto_rest_op *
proto_rest_op(enum aws_service svc, const char *operation)
{
	if (operation == NULL)
		return NULL;
	for (size_t i = 0; i < NELEM(rest_ops); i++) {
		if (rest_ops[i].service == svc && strcmp(rest_ops[i].operation, operation) == 0)
			return &rest_ops[i];
	}
	return NULL;
}

/* --- encoding ------------------------------------------------------------------ */

static int
proto__unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == '~';
}

/*
 * Percent-encodes s: unreserved bytes stay, '/' stays if keep_slash, a space
 * becomes '+' if plus (forms) else "%20", everything else %XX.
 */
static void
proto__encode(struct buf *out, const char *s, size_t len, int keep_slash, int plus)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_reserve(out, len * 3);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (proto__unreserved(c) || (keep_slash && c == '/')) {
			buf_addc(out, (char)c);
		} else if (plus && c == ' ') {
			buf_addc(out, '+');
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add(out, esc, 3);
		}
	}
}

/* A number the way Python's str() writes it: integers plainly, else the shortest repr. */
static void
proto__number(struct buf *out, double v)
{
	char tmp[64];

	if (v == floor(v) && fabs(v) < 9.007199254740992e15) {
		buf_printf(out, "%lld", (long long)v);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		double back;

		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		back = strtod(tmp, NULL);
		if (back == v || prec == 17)
			break;
	}
	buf_adds(out, tmp);
}

/* The text of a scalar member; -1 if it is not a string, number or boolean. */
static int
proto__scalar(const cJSON *v, struct buf *out)
{
	if (cJSON_IsString(v)) {
		buf_adds(out, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		proto__number(out, v->valuedouble);
	} else {
		return -1;
	}
	return 0;
}

/* --- building -------------------------------------------------------------------- */

static void
proto__wire_init(struct proto_wire *w)
{
	memset(w, 0, sizeof *w);
	buf_init(&w->path);
	buf_init(&w->query);
	buf_init(&w->body);
}

void
proto_wire_done(struct proto_wire *w)
{
	if (w == NULL || w->path.data == NULL)
		return;
	buf_done_secret(&w->path);
	buf_done_secret(&w->query);
	buf_done_secret(&w->body);
	xfree_secret(w->target);
	for (size_t i = 0; i < w->nheaders; i++)
		xfree_secret((char *)(uintptr_t)w->headers[i].value);
	memset(w, 0, sizeof *w);
}

static void
proto__print_json(struct buf *out, const cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);

	if (s == NULL)
		abort(); /* cJSON fails only when out of memory */
	buf_adds(out, s);
	xwipe(s, strlen(s));
	cJSON_free(s);
}

static int
proto__depth_ok(const cJSON *v, int depth)
{
	if (depth > PROTO_MAX_NEST)
		return 0;
	for (const cJSON *c = v->child; c != NULL; c = c->next) {
		if (!proto__depth_ok(c, depth + 1))
			return 0;
	}
	return 1;
}

/* Query/ec2 flattening (botocore's QuerySerializer / EC2Serializer). */
static int
proto__flatten(struct buf *form, const char *prefix, const cJSON *v, int ec2, int depth,
    char **cause)
{
	struct buf key;
	int rc = 0;

	if (depth > PROTO_MAX_NEST) {
		if (cause != NULL)
			*cause = xasprintf("parameter %s nests too deeply", prefix);
		return -1;
	}
	buf_init(&key);
	if (cJSON_IsNull(v)) {
		/* botocore drops None */
	} else if (cJSON_IsObject(v)) {
		for (const cJSON *c = v->child; c != NULL && rc == 0; c = c->next) {
			buf_reset(&key);
			buf_printf(&key, "%s%s%s", prefix, prefix[0] != '\0' ? "." : "", c->string);
			rc = proto__flatten(form, key.data, c, ec2, depth + 1, cause);
		}
	} else if (cJSON_IsArray(v)) {
		int i = 0;

		if (v->child == NULL && !ec2) {
			buf_printf(form, "&");
			proto__encode(form, prefix, strlen(prefix), 0, 1);
			buf_addc(form, '=');
		}
		for (const cJSON *c = v->child; c != NULL && rc == 0; c = c->next) {
			buf_reset(&key);
			buf_printf(&key, ec2 ? "%s.%d" : "%s.member.%d", prefix, ++i);
			rc = proto__flatten(form, key.data, c, ec2, depth + 1, cause);
		}
	} else {
		struct buf val;

		buf_init(&val);
		if (proto__scalar(v, &val) < 0) {
			if (cause != NULL)
				*cause = xasprintf("parameter %s is not a string, number or boolean",
				    prefix);
			rc = -1;
		} else {
			buf_addc(form, '&');
			proto__encode(form, prefix, strlen(prefix), 0, 1);
			buf_addc(form, '=');
			proto__encode(form, val.data, val.len, 0, 1);
		}
		buf_done_secret(&val);
	}
	buf_done(&key);
	return rc;
}

static int
proto__build_query(const struct endpoint_service_info *svc, const char *op, const cJSON *params,
    struct proto_wire *w, char **cause)
{
	buf_adds(&w->path, "/");
	w->method = "POST";
	w->content_type = "application/x-www-form-urlencoded; charset=utf-8";
	buf_adds(&w->body, "Action=");
	proto__encode(&w->body, op, strlen(op), 0, 1);
	buf_adds(&w->body, "&Version=");
	buf_adds(&w->body, svc->api_version);
	if (params == NULL)
		return 0;
	for (const cJSON *c = params->child; c != NULL; c = c->next) {
		if (proto__flatten(&w->body, c->string, c, svc->protocol == AWS_PROTO_EC2, 1, cause) < 0)
			return -1;
	}
	return 0;
}

static const struct proto_rest_member *
proto__member(const struct proto_rest_op *rop, const char *name)
{
	for (size_t i = 0; i < NELEM(rop->members) && rop->members[i].name != NULL; i++) {
		if (strcmp(rop->members[i].name, name) == 0)
			return &rop->members[i];
	}
	return NULL;
}

/* Fills the URI template's {Label} and {Label+} from params. */
static int
proto__render_uri(const struct proto_rest_op *rop, const cJSON *params, struct buf *path,
    char **cause)
{
	const char *t = rop->uri;

	while (*t != '\0') {
		const char *open = strchr(t, '{'), *close;
		char name[64];
		size_t n;
		int greedy;
		const cJSON *v;
		struct buf val;

		if (open == NULL) {
			buf_adds(path, t);
			break;
		}
		buf_add(path, t, (size_t)(open - t));
		close = strchr(open, '}');
		n = (size_t)(close - open - 1);
		greedy = open[n] == '+';
		if (greedy)
			n--;
		memcpy(name, open + 1, n);
		name[n] = '\0';
		v = params != NULL ? cJSON_GetObjectItemCaseSensitive(params, name) : NULL;
		buf_init(&val);
		if (v == NULL || proto__scalar(v, &val) < 0 || val.len == 0) {
			if (cause != NULL)
				*cause = xasprintf("%s: the URI label %s is missing or empty",
				    rop->operation, name);
			buf_done(&val);
			return -1;
		}
		proto__encode(path, val.data, val.len, greedy, 0);
		buf_done(&val);
		t = close + 1;
	}
	return 0;
}

static int
proto__build_rest(const struct endpoint_service_info *svc, const char *op, const cJSON *params,
    struct proto_wire *w, char **cause)
{
	const struct proto_rest_op *rop = proto_rest_op(svc->id, op);
	cJSON *body;
	int nbody = 0, rc = 0;

	if (rop == NULL) {
		if (cause != NULL)
			*cause = xasprintf("%s %s: not a rest-json operation orgtop knows", svc->name, op);
		return -1;
	}
	w->method = rop->method;
	if (proto__render_uri(rop, params, &w->path, cause) < 0)
		return -1;
	body = cJSON_CreateObject();
	for (const cJSON *c = params != NULL ? params->child : NULL; c != NULL && rc == 0;
	     c = c->next) {
		const struct proto_rest_member *m = proto__member(rop, c->string);
		struct buf val;

		if (m == NULL) {
			/* A body member: referenced, not copied. */
			cJSON_AddItemReferenceToObject(body, c->string, (cJSON *)(uintptr_t)c);
			nbody++;
			continue;
		}
		if (m->where == PROTO_LOC_LABEL || cJSON_IsNull(c))
			continue;
		buf_init(&val);
		if (cJSON_IsArray(c) && m->where == PROTO_LOC_QUERY) {
			for (const cJSON *e = c->child; e != NULL && rc == 0; e = e->next) {
				buf_reset(&val);
				rc = proto__scalar(e, &val);
				if (rc == 0) {
					buf_adds(&w->query, w->query.len > 0 ? "&" : "");
					proto__encode(&w->query, c->string, strlen(c->string), 0, 0);
					buf_addc(&w->query, '=');
					proto__encode(&w->query, val.data, val.len, 0, 0);
				}
			}
		} else if (proto__scalar(c, &val) < 0) {
			rc = -1;
		} else if (m->where == PROTO_LOC_QUERY) {
			buf_adds(&w->query, w->query.len > 0 ? "&" : "");
			proto__encode(&w->query, c->string, strlen(c->string), 0, 0);
			buf_addc(&w->query, '=');
			proto__encode(&w->query, val.data, val.len, 0, 0);
		} else if (w->nheaders < PROTO_MAX_HEADERS) {
			w->headers[w->nheaders].name = m->name;
			w->headers[w->nheaders].value = xstrdup(val.data);
			w->nheaders++;
		}
		if (rc < 0 && cause != NULL)
			*cause = xasprintf("%s: member %s must be a string, number or boolean", op,
			    c->string);
		buf_done_secret(&val);
	}
	if (rc == 0 && nbody > 0) {
		proto__print_json(&w->body, body);
		w->content_type = "application/json";
	} else if (rc == 0 && (strcmp(w->method, "POST") == 0 || strcmp(w->method, "PUT") == 0)) {
		buf_adds(&w->body, "{}");
		w->content_type = "application/json";
	}
	cJSON_Delete(body); /* references only: params is untouched */
	return rc;
}

int
proto_build(const struct endpoint_service_info *svc, const char *operation, const cJSON *params,
    struct proto_wire *out, char **cause)
{
	struct proto_wire w;
	int rc;

	if (operation == NULL || operation[0] == '\0' ||
	    strspn(operation, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
		strlen(operation)) {
		if (cause != NULL)
			*cause = xasprintf("%s: \"%s\" is not an operation name", svc->name,
			    operation != NULL ? operation : "");
		return -1;
	}
	if (params != NULL && !cJSON_IsObject(params)) {
		if (cause != NULL)
			*cause = xasprintf("%s %s: the parameters must be a JSON object", svc->name,
			    operation);
		return -1;
	}
	if (params != NULL && !proto__depth_ok(params, 0)) {
		if (cause != NULL)
			*cause = xasprintf("%s %s: the parameters nest deeper than %d levels",
			    svc->name, operation, PROTO_MAX_NEST);
		return -1;
	}
	proto__wire_init(&w);
	switch (svc->protocol) {
	case AWS_PROTO_JSON:
		w.method = "POST";
		buf_adds(&w.path, "/");
		w.content_type = "application/x-amz-json-1.1";
		w.target = xasprintf("%s.%s", svc->target_prefix, operation);
		if (params != NULL)
			proto__print_json(&w.body, params);
		else
			buf_adds(&w.body, "{}");
		rc = 0;
		break;
	case AWS_PROTO_REST_JSON:
		rc = proto__build_rest(svc, operation, params, &w, cause);
		break;
	case AWS_PROTO_QUERY:
	case AWS_PROTO_EC2:
	default:
		rc = proto__build_query(svc, operation, params, &w, cause);
		break;
	}
	if (rc < 0) {
		proto_wire_done(&w);
		return -1;
	}
	*out = w;
	return 0;
}

/* --- decoding ----------------------------------------------------------------------- */

const char *
proto_status_phrase(long status)
{
	static const struct {
		long code;
		const char *text;
	} phrases[] = {
		{ 200, "OK" }, { 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 413, "Request Entity Too Large" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < NELEM(phrases); i++) {
		if (phrases[i].code == status)
			return phrases[i].text;
	}
	return "";
}

void
proto_error_code(const char *raw, char *out, size_t len)
{
	const char *end, *start;
	size_t n;

	if (len == 0)
		return;
	if (raw == NULL) {
		out[0] = '\0';
		return;
	}
	end = strchr(raw, ':');
	if (end == NULL)
		end = raw + strlen(raw);
	start = raw;
	for (const char *p = raw; p < end; p++) {
		if (*p == '#')
			start = p + 1;
	}
	n = (size_t)(end - start);
	if (n >= len)
		n = len - 1;
	memcpy(out, start, n);
	out[n] = '\0';
}

static char *
proto__code(const char *raw)
{
	char tmp[256];

	proto_error_code(raw, tmp, sizeof tmp);
	return xstrdup(tmp);
}

static char *
proto__capped(const char *s, size_t len)
{
	if (len > PROTO_MAX_MESSAGE)
		len = PROTO_MAX_MESSAGE;
	return xstrndup(s, len);
}

static int
proto__2xx(long status)
{
	return status >= 200 && status < 300;
}

/* botocore's "generic" error: a 5xx whose body is empty or starts with <html>. */
static int
proto__generic(const struct http_response *res)
{
	const char *b = res->body;
	size_t n = res->body_len;

	if (res->status < 500)
		return 0;
	while (n > 0 && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')) {
		b++;
		n--;
	}
	return n == 0 || (n >= 6 && memcmp(b, "<html>", 6) == 0);
}

static void
proto__set_generic(const struct http_response *res, struct proto_answer *out)
{
	out->outcome = PROTO_AWS_ERROR;
	out->code = xasprintf("%ld", res->status);
	out->message = xstrdup(proto_status_phrase(res->status));
}

static const char *
proto__json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
proto__decode_json(const struct endpoint_service_info *svc, const struct http_response *res,
    struct proto_answer *out)
{
	cJSON *root = res->body_len > 0 ? cJSON_ParseWithLength(res->body, res->body_len) : NULL;
	const char *type, *msg;

	if (root != NULL && !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (proto__2xx(res->status)) {
		if (root == NULL) {
			out->outcome = PROTO_BAD_ANSWER;
			out->code = xstrdup("");
			out->message = res->body_len == 0 ?
			    xasprintf("HTTP %ld with an empty body", res->status) :
			    xasprintf("HTTP %ld with a body that is not a JSON object (%zu bytes)",
				res->status, res->body_len);
			return;
		}
		type = proto__json_str(root, "__type");
		if (type != NULL) {
			out->outcome = PROTO_BAD_ANSWER;
			out->code = proto__code(type);
			out->message = xasprintf("HTTP %ld carrying an error: %s", res->status,
			    out->code);
			out->json = root;
			return;
		}
		out->outcome = PROTO_SUCCESS;
		out->code = xstrdup("");
		out->message = xstrdup("");
		out->json = root;
		return;
	}
	if (proto__generic(res)) {
		proto__set_generic(res, out);
		cJSON_Delete(root);
		return;
	}
	out->outcome = PROTO_AWS_ERROR;
	if (root == NULL) {
		/* botocore: an unparseable body becomes the message. */
		out->code = xasprintf("%ld", res->status);
		out->message = proto__capped(res->body, res->body_len);
		if (svc->protocol == AWS_PROTO_REST_JSON && res->error_type != NULL) {
			free(out->code);
			out->code = proto__code(res->error_type);
		}
		return;
	}
	msg = proto__json_str(root, "message");
	if (msg == NULL && cJSON_GetObjectItemCaseSensitive(root, "message") == NULL)
		msg = proto__json_str(root, "Message");
	out->message = msg != NULL ? proto__capped(msg, strlen(msg)) : xstrdup("");
	type = proto__json_str(root, "__type");
	out->code = type != NULL ? proto__code(type) : xasprintf("%ld", res->status);
	if (svc->protocol == AWS_PROTO_REST_JSON) {
		const char *c = NULL;

		if (res->error_type != NULL)
			c = res->error_type;
		else if (cJSON_GetObjectItemCaseSensitive(root, "code") != NULL)
			c = proto__json_str(root, "code");
		else
			c = proto__json_str(root, "Code");
		if (c != NULL) {
			free(out->code);
			out->code = proto__code(c);
		}
	}
	out->json = root;
}

/* Finds <Error> under the root, directly or in <Errors>. */
static const struct xml_node *
proto__xml_error(const struct xml_node *root)
{
	const struct xml_node *e = xml_child(root, "Error");

	if (e == NULL)
		e = xml_path(root, "Errors/Error");
	if (e == NULL && strcmp(root->name, "Error") == 0)
		e = root;
	return e;
}

static void
proto__decode_xml(const struct endpoint_service_info *svc, const char *op,
    const struct http_response *res, struct proto_answer *out)
{
	char *why = NULL;
	struct xml_doc *doc = res->body_len > 0 ? xml_parse(res->body, res->body_len, NULL, &why) :
						   NULL;
	const struct xml_node *root, *err;
	const char *rid;

	if (doc == NULL) {
		if (proto__2xx(res->status)) {
			out->outcome = PROTO_BAD_ANSWER;
			out->code = xstrdup("");
			out->message = res->body_len == 0 ?
			    xasprintf("HTTP %ld with an empty body", res->status) :
			    xasprintf("HTTP %ld with a body that is not XML: %s", res->status, why);
		} else {
			proto__set_generic(res, out);
		}
		free(why);
		return;
	}
	out->xml = doc;
	root = xml_root(doc);
	err = proto__xml_error(root);
	if (proto__2xx(res->status) && err == NULL) {
		char wrapper[160];

		out->outcome = PROTO_SUCCESS;
		out->code = xstrdup("");
		out->message = xstrdup("");
		if (svc->protocol == AWS_PROTO_QUERY) {
			snprintf(wrapper, sizeof wrapper, "%sResult", op);
			out->result = xml_child(root, wrapper);
			if (out->result == NULL)
				out->result = root;
			rid = xml_path_text(root, "ResponseMetadata/RequestId");
		} else {
			out->result = root;
			rid = xml_path_text(root, "requestId");
		}
		if (rid != NULL) {
			free(out->request_id);
			out->request_id = xstrdup(rid);
		}
		return;
	}
	if (!proto__2xx(res->status) && err == NULL && proto__generic(res)) {
		proto__set_generic(res, out);
		return;
	}
	out->outcome = proto__2xx(res->status) ? PROTO_BAD_ANSWER : PROTO_AWS_ERROR;
	{
		const char *code = xml_path_text(err, "Code");
		const char *msg = xml_path_text(err, "Message");

		out->code = code != NULL ? xstrdup(code) : xasprintf("%ld", res->status);
		if (out->outcome == PROTO_BAD_ANSWER)
			out->message = xasprintf("HTTP %ld carrying an error: %s", res->status,
			    out->code);
		else
			out->message = msg != NULL ? proto__capped(msg, strlen(msg)) : xstrdup("");
	}
	/* The body's id (botocore reads only that); the header's when the body has none. */
	rid = xml_path_text(root, svc->protocol == AWS_PROTO_EC2 ? "RequestID" : "RequestId");
	if (rid == NULL)
		rid = xml_path_text(root, "ResponseMetadata/RequestId");
	if (rid != NULL) {
		free(out->request_id);
		out->request_id = xstrdup(rid);
	}
}

void
proto_decode(const struct endpoint_service_info *svc, const char *operation,
    const struct http_response *res, struct proto_answer *out)
{
	memset(out, 0, sizeof *out);
	out->status = res->status;
	out->request_id = xstrdup(res->request_id != NULL ? res->request_id : "");
	switch (svc->protocol) {
	case AWS_PROTO_JSON:
	case AWS_PROTO_REST_JSON:
		proto__decode_json(svc, res, out);
		break;
	case AWS_PROTO_QUERY:
	case AWS_PROTO_EC2:
	default:
		proto__decode_xml(svc, operation, res, out);
		break;
	}
	if (out->outcome == PROTO_AWS_ERROR && out->code[0] == '\0') {
		/* An empty code ("", "ns#", <Code/>): the status says more than nothing. */
		free(out->code);
		out->code = xasprintf("%ld", res->status);
	}
}

static void
proto__wipe_one(cJSON *c)
{
	if (c->valuestring != NULL)
		xwipe(c->valuestring, strlen(c->valuestring));
	if (c->string != NULL)
		xwipe(c->string, strlen(c->string));
	for (cJSON *k = c->child; k != NULL; k = k->next)
		proto__wipe_one(k);
}

void
proto_json_wipe(cJSON *item)
{
	if (item != NULL)
		proto__wipe_one(item);
}

void
proto_answer_done(struct proto_answer *a, int secret)
{
	if (a == NULL)
		return;
	if (secret) {
		if (a->json != NULL)
			proto_json_wipe(a->json);
		xml_free_secret(a->xml);
		xfree_secret(a->message);
	} else {
		xml_free(a->xml);
		free(a->message);
	}
	cJSON_Delete(a->json);
	free(a->code);
	free(a->request_id);
	memset(a, 0, sizeof *a);
}
