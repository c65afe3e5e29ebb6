/*
 * protocol.h: AWS wire protocols: requests built, answers decoded, as botocore does.
 *
 * Building (AWS-WIRE.md 2.1-2.4): the caller gives the operation name and
 * its input as one cJSON object, keyed by the names that go on the wire:
 *
 *  - json 1.1: the object is the body (NULL sends "{}"); POST /, with
 *    Content-Type application/x-amz-json-1.1 and X-Amz-Target
 *    <prefix>.<Operation>.
 *  - rest-json: the method and URI template come from a table of the
 *    operations orgtop uses (GuardDuty, Security Hub, Account, the SSO
 *    portal and OIDC; proto_rest_op()). Members named by a URI label
 *    ("DetectorId", "InsightArn" for {InsightArn+}) are percent-encoded into
 *    the path; members the table marks as querystring ("maxResults",
 *    "nextToken", "role_name") go to the query in the object's order;
 *    header members ("x-amz-sso_bearer_token") become headers; everything
 *    else is the JSON body (Content-Type application/json). No body members:
 *    "{}" for POST/PUT, nothing for GET.
 *  - query / ec2: the object is flattened into the form after
 *    Action=<Operation>&Version=<api version>: nested objects as
 *    "Name.Key", arrays as "Name.member.N" (query) or "Name.N" (ec2),
 *    booleans as true/false, integral numbers without a fraction; values
 *    form-encoded (space as '+'). Content-Type
 *    application/x-www-form-urlencoded; charset=utf-8.
 *
 * Decoding: one pass per answer, the body parsed once. A 2xx answer must
 * carry a well-formed body of the protocol's kind (a JSON object; for query
 * an <OpResponse> document, for ec2 any document that is not an error): an
 * empty or malformed body, or a 2xx carrying an error document, is
 * PROTO_BAD_ANSWER. Errors decode exactly as botocore's parsers:
 *
 *  - json: code from the body's "__type" (botocore reads only that), cut
 *    before the first ':' and then after the last '#'; when absent, the
 *    HTTP status as a string. Message from "message", else "Message".
 *  - rest-json: code from the X-Amzn-ErrorType header, else the body's
 *    "code"/"Code", else "__type", cut the same way; else the status.
 *  - query: <ErrorResponse><Error><Code>/<Message>, RequestId beside Error.
 *  - ec2: <Response><Errors><Error><Code>/<Message>, <RequestID>.
 *  - A body that is not JSON/XML on an error status: botocore's "generic"
 *    error: code = the status ("503"), message = the status's reason
 *    phrase ("Service Unavailable"), or for JSON protocols the body text.
 *
 * Request id: x-amzn-RequestId (or x-amz-request-id), else the XML body's
 * RequestId / requestId / RequestID.
 */
#ifndef ORGTOP_PROTOCOL_H
#define ORGTOP_PROTOCOL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/aws/endpoint.h"
#include "core/aws/xml.h"
#include "core/buf.h"
#include "core/net/http.h"

/* Where a rest-json member goes. */
enum proto_location { PROTO_LOC_LABEL, PROTO_LOC_QUERY, PROTO_LOC_HEADER };

struct proto_rest_member {
	const char *name;           /* the key in the caller's object */
	enum proto_location where;  /* label: {name} or {name+} in the URI */
};

/* One rest-json operation (from the botocore models). Static. */
struct proto_rest_op {
	enum aws_service service;
	const char *operation;  /* "ListDetectors" */
	const char *method;     /* "GET" */
	const char *uri;        /* "/detector/{DetectorId}/member" */
	struct proto_rest_member members[6]; /* non-body members; name NULL ends */
};

/* The table row for (svc, operation), or NULL if orgtop does not know it. */
const struct proto_rest_op *proto_rest_op(enum aws_service svc, const char *operation);

#define PROTO_MAX_HEADERS 4

/*
 * A request ready for the wire (before signing). Owns its buffers; release
 * with proto_wire_done(), which wipes them (they may hold a bearer token, an
 * MFA code, a client secret).
 */
struct proto_wire {
	const char *method;       /* static: "POST", "GET", ... */
	struct buf path;          /* percent-encoded, starts with '/' */
	struct buf query;         /* encoded, without '?'; "" when none */
	struct buf body;
	const char *content_type; /* static, or NULL (no body) */
	char *target;             /* X-Amz-Target value, or NULL */
	struct http_header headers[PROTO_MAX_HEADERS]; /* header members: static names, owned values */
	size_t nheaders;
};

/*
 * Builds the request for operation of svc from params (borrowed; may be
 * NULL; must be an object otherwise). Fails, with *cause naming the
 * operation and member, for an unknown rest-json operation, a missing or
 * empty URI label, a label/query/header member that is not a string, number
 * or boolean, params that is not an object, or nesting over 32 levels.
 * 0 / -1; on failure *out holds nothing to release.
 */
int proto_build(const struct endpoint_service_info *svc, const char *operation,
    const cJSON *params, struct proto_wire *out, char **cause);
void proto_wire_done(struct proto_wire *w);

enum proto_outcome {
	PROTO_SUCCESS,   /* 2xx, body decoded */
	PROTO_AWS_ERROR, /* an error answer: code/message set */
	PROTO_BAD_ANSWER /* 2xx with an empty, malformed or error body: message says why */
};

/*
 * A decoded answer. Owns everything; release with proto_answer_done().
 * code/message/request_id are never NULL ("" when absent). Error bodies
 * that parsed are kept too (json or xml), so a caller can read extra members
 * such as "Reason".
 */
struct proto_answer {
	enum proto_outcome outcome;
	long status;
	char *code;        /* botocore's error code; "" on success */
	char *message;     /* AWS's message (untrusted text: sanitise before display), or why the answer is bad */
	char *request_id;
	cJSON *json;       /* json/rest-json: the parsed body object, or NULL */
	struct xml_doc *xml; /* query/ec2: the parsed document, or NULL */
	const struct xml_node *result; /* query: <OpResult> (the root if the answer has none); ec2: the root */
};

/*
 * Decodes a complete HTTP response (res->error == HTTP_OK) for operation of
 * svc. Never fails: anything undecodable is PROTO_BAD_ANSWER (2xx) or a
 * generic PROTO_AWS_ERROR (non-2xx).
 */
void proto_decode(const struct endpoint_service_info *svc, const char *operation,
    const struct http_response *res, struct proto_answer *out);
/* Frees and zeroes. secret: wipe the parsed strings first (STS, SSO answers). NULL-safe. */
void proto_answer_done(struct proto_answer *a, int secret);

/*
 * botocore's cut of a raw error code: the text before the first ':', then
 * after the last '#'. "aws.protocoltests#FooError:http://x" -> "FooError".
 * Writes at most len-1 bytes and a NUL.
 */
void proto_error_code(const char *raw, char *out, size_t len);

/* The reason phrase of an HTTP status ("Service Unavailable"), "" if unknown. */
const char *proto_status_phrase(long status);

/* Wipes every string in a cJSON tree (before cJSON_Delete of a tree that held secrets). */
void proto_json_wipe(cJSON *item);

#endif
