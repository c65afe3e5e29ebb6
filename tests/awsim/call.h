/*
 * call.h: one AWS API call as the service handlers see it: the raw request,
 * who made it, the parsed input, and the answer being built.
 *
 * Handlers (svc_*.c) read their input with call_str/call_int/... and answer
 * with call_json()/call_xml_begin() or call_error(), which formats the error
 * the way the service's protocol does (AWS-WIRE.md 2.x, 8).
 */
#ifndef AWSIM_CALL_H
#define AWSIM_CALL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "tests/awsim/jw.h"
#include "tests/awsim/sim.h"

enum proto { PROTO_JSON, PROTO_RESTJSON, PROTO_QUERY, PROTO_EC2, PROTO_PLAIN };

struct call;
typedef void (*op_fn)(struct call *c);

struct op_def {
	const char *name;   /* "ListAccounts" */
	const char *method; /* rest-json only */
	const char *path;   /* rest-json only: "/detector/{}/member" ({} is one label) */
	op_fn fn;
	int id; /* index in the stats table, set by route_init() */
};

struct svc_def {
	const char *name;   /* "organizations", "sso-admin", ...: stats and scenario names */
	const char *scope;  /* credential-scope service: "sso" for sso-admin */
	int proto;          /* enum proto */
	const char *target; /* json: X-Amz-Target prefix */
	const char *xmlns;  /* query/ec2 */
	int global;         /* signed with any region */
	int scp;            /* regional data subject to SCPs */
	const char *msg_key;      /* "message" or "Message" */
	int throttle_status;
	const char *throttle_code;
	const char *throttle_msg;
	const char *validation_code; /* missing/bad input */
	const char *token_code;      /* bad NextToken */
	struct op_def *ops;
	int nops;
};

struct hdr {
	const char *name;
	const char *value;
};

struct kv {
	char *key;
	char *value;
};

/* Who is calling (auth.c fills it). */
enum { WHO_NONE, WHO_USER, WHO_ROLE, WHO_SSO, WHO_INSTANCE };
struct principal {
	int kind;
	int account; /* account index */
	char akid[40];
	char role[72];
	char session[72];
	int chained; /* a role session that came from another role session */
	double expires;
};

#define CALL_MAX_HDRS 64

struct call {
	struct awsim *sim;
	struct org *org;
	/* The request as it came. */
	const char *method;
	const char *raw_path;  /* undecoded */
	const char *raw_query; /* undecoded, without '?'; "" when none */
	struct hdr hdrs[CALL_MAX_HDRS];
	int nhdrs;
	const char *body;
	size_t body_len;
	const char *client_addr;
	uint64_t seq;
	char request_id[40];
	/* Routing. */
	const struct svc_def *svc;
	const struct op_def *op;
	int region; /* index in org->regions, -1 for a global call */
	char region_name[64];
	char scope_service[64];
	struct principal who;
	/* Input. */
	cJSON *in;      /* json body */
	struct kv *params; /* form body (query/ec2) or query string (rest-json) */
	int nparams;
	char *labels[4]; /* rest-json path labels, decoded */
	int nlabels;
	/* Output. */
	int status;
	struct buf out;
	const char *ctype;
	char errtype[160]; /* X-Amzn-ErrorType */
	char errcode[96];  /* the error code, for stats and faults */
	int answered;
};

/* Header value (case-insensitive name), or NULL. Borrowed. */
const char *call_header(const struct call *c, const char *name);
/* Form/query parameter, or NULL. Borrowed. */
const char *call_param(const struct call *c, const char *name);
/* Parses "a=b&c=d" (form or query string) into c->params. */
void call_parse_params(struct call *c, const char *s, size_t n);

/* JSON input members: NULL/-1 when absent. */
const char *call_str(const struct call *c, const char *name);
cJSON *call_item(const struct call *c, const char *name);

/*
 * Reads an integer member (json) or parameter (query/rest-json). Returns 0
 * and *out when present and within [min, max]; 1 when absent (*out = def);
 * -1 after answering the call with the service's validation error.
 */
int call_int(struct call *c, const char *name, long long min, long long max, long long def,
    long long *out);

/* Answers with the service's validation error for a missing required member. */
void call_missing(struct call *c, const char *member);

/*
 * Answers with an error in the protocol of c->svc. msg is printf-style.
 * extra (may be NULL) is added to json error bodies as raw members
 * ("\"Reason\":\"X\"").
 */
void call_error(struct call *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void call_error_x(struct call *c, int status, const char *code, const char *extra,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Starts a 200 JSON answer; write the body with w. */
void call_json(struct call *c, struct jw *w);
/* Starts/ends a query-protocol (STS) XML answer around the result members. */
void call_xml_begin(struct call *c);
void call_xml_end(struct call *c);

/* Frees the parsed input and output. */
void call_done(struct call *c);

#endif
