/*
 * svc_sts.c: STS (query protocol, XML): AssumeRole, GetCallerIdentity.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/auth.h"
#include "tests/awsim/rnd.h"
#include "tests/awsim/svc.h"

static void
sts_get_caller_identity(struct call *c)
{
	const struct org *o = c->org;
	char arn[256], uid[160];

	auth_arn(c, &c->who, arn, sizeof(arn));
	if (c->who.kind == WHO_USER) {
		uint64_t h = rnd_h(o->seed, 0x71, (uint64_t)c->who.account, 0, 0);
		snprintf(uid, sizeof(uid), "AIDASIM%013llX", (unsigned long long)(h >> 12));
	} else {
		uint64_t h = rnd_h(o->seed, 0x70, (uint64_t)c->who.account, rnd_str(0, c->who.role), 0);
		char tmp[14];
		static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		int i;
		for (i = 0; i < 13; i++) {
			tmp[i] = up[h % 32];
			h = h / 32 ? h / 32 : rnd_mix(h + (uint64_t)i);
		}
		tmp[13] = 0;
		snprintf(uid, sizeof(uid), "AROASIM%s:%s", tmp, c->who.session);
	}
	call_xml_begin(c);
	buf_adds(&c->out, "    <Arn>");
	xml_esc(&c->out, arn);
	buf_adds(&c->out, "</Arn>\n    <UserId>");
	xml_esc(&c->out, uid);
	buf_printf(&c->out, "</UserId>\n    <Account>%s</Account>\n", o->accounts[c->who.account].id);
	call_xml_end(c);
}

static int
sts_session_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_+=,.@-", s[i]))
			return 0;
	return 1;
}

/* Parses arn:aws:iam::ACCOUNT:role/[path/]NAME. */
static int
sts_parse_role_arn(const char *arn, char account[13], const char **name)
{
	const char *p, *slash;

	if (strncmp(arn, "arn:aws:iam::", 13) != 0)
		return -1;
	p = arn + 13;
	if (strlen(p) < 13 || p[12] != ':' || strncmp(p + 13, "role/", 5) != 0)
		return -1;
	memcpy(account, p, 12);
	account[12] = 0;
	slash = strrchr(p + 13, '/');
	*name = slash + 1;
	return **name ? 0 : -1;
}

static void
sts_assume_role(struct call *c)
{
	const struct org *o = c->org;
	const char *arn = call_param(c, "RoleArn"), *sess = call_param(c, "RoleSessionName");
	const char *ext = call_param(c, "ExternalId"), *need_ext = NULL, *role;
	char acct[13], caller[256];
	long long dur;
	int a, allowed;
	struct auth_issued is;

	if (!arn) {
		call_missing(c, "RoleArn");
		return;
	}
	if (!sess) {
		call_missing(c, "RoleSessionName");
		return;
	}
	if (strlen(arn) < 20 || strlen(arn) > 2048) {
		call_error(c, 400, "ValidationError",
		    "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: "
		    "Member must have length %s", arn,
		    strlen(arn) < 20 ? "greater than or equal to 20" : "less than or equal to 2048");
		return;
	}
	if (!sts_session_name_ok(sess)) {
		call_error(c, 400, "ValidationError",
		    "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy "
		    "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", sess);
		return;
	}
	if (call_int(c, "DurationSeconds", 900, 43200, 3600, &dur) < 0)
		return;
	if (ext && (strlen(ext) < 2 || strlen(ext) > 1224)) {
		call_error(c, 400, "ValidationError",
		    "1 validation error detected: Value at 'externalId' failed to satisfy constraint: "
		    "Member must have length between 2 and 1224");
		return;
	}
	if (sts_parse_role_arn(arn, acct, &role) < 0) {
		call_error(c, 400, "ValidationError", "%s is invalid", arn);
		return;
	}
	if (c->who.kind != WHO_USER && dur > 3600) {
		call_error(c, 400, "ValidationError",
		    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
		    "by role chaining.");
		return;
	}
	a = org_account_find(o, acct);
	allowed = a >= 0 && o->accounts[a].status == ORG_ACTIVE &&
	    org_role_lookup(o, a, role, &need_ext) &&
	    (c->who.account == o->mgmt ||
	    (c->who.account == o->security && strcmp(role, "OrgtopAudit") == 0) ||
	    c->who.account == a) &&
	    (!need_ext || (ext && strcmp(ext, need_ext) == 0));
	if (!allowed) {
		auth_arn(c, &c->who, caller, sizeof(caller));
		call_error(c, 403, "AccessDenied",
		    "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, arn);
		return;
	}
	auth_session_new(c->sim->auth, a, role, sess, WHO_ROLE, (int)dur, c->who.kind != WHO_USER,
	    &is);
	{
		char exp[32];
		iso_s(is.expires, exp, sizeof(exp));
		call_xml_begin(c);
		buf_adds(&c->out, "    <AssumedRoleUser>\n      <AssumedRoleId>");
		xml_esc(&c->out, is.role_id);
		buf_addc(&c->out, ':');
		xml_esc(&c->out, sess);
		buf_printf(&c->out, "</AssumedRoleId>\n      <Arn>arn:aws:sts::%s:assumed-role/", acct);
		xml_esc(&c->out, role);
		buf_addc(&c->out, '/');
		xml_esc(&c->out, sess);
		buf_printf(&c->out, "</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n"
		    "      <AccessKeyId>%s</AccessKeyId>\n      <SecretAccessKey>%s</SecretAccessKey>\n"
		    "      <SessionToken>%s</SessionToken>\n      <Expiration>%s</Expiration>\n"
		    "    </Credentials>\n", is.akid, is.secret, is.token, exp);
		call_xml_end(c);
	}
	auth_issued_done(&is);
}

static struct op_def sts_ops[] = {
	{.name = "AssumeRole", .fn = sts_assume_role},
	{.name = "GetCallerIdentity", .fn = sts_get_caller_identity},
};

const struct svc_def svc_sts = {
	.name = "sts",
	.scope = "sts",
	.proto = PROTO_QUERY,
	.xmlns = "https://sts.amazonaws.com/doc/2011-06-15/",
	.msg_key = "Message",
	.throttle_status = 400,
	.throttle_code = "Throttling",
	.throttle_msg = "Rate exceeded",
	.validation_code = "ValidationError",
	.token_code = "ValidationError",
	.ops = sts_ops,
	.nops = 2,
};
