/*
 * org.c: the organization's lookups and its per-cell data, computed on
 * demand from (seed, account, region, tick) or taken from the scenario.
 */
#include "tests/awsim/org.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/gen.h"
#include "tests/awsim/rnd.h"

/* Hash tags: one per generated property. */
enum {
	T_RULES = 1, T_NC, T_RES, T_FIND, T_FIND2, T_FIND3, T_EVF, T_SPEND, T_SPENDR, T_GLOBAL,
	T_BUD, T_BUD2, T_ASSIGN, T_DET, T_FID, T_TICK
};

static const char *const rule_names[] = {
	"s3-bucket-public-read-prohibited", "s3-bucket-public-write-prohibited",
	"s3-bucket-ssl-requests-only", "s3-bucket-versioning-enabled", "s3-bucket-logging-enabled",
	"s3-default-encryption-kms", "encrypted-volumes", "ec2-ebs-encryption-by-default",
	"ec2-instance-no-public-ip", "ec2-imdsv2-check", "restricted-ssh", "restricted-common-ports",
	"vpc-flow-logs-enabled", "vpc-default-security-group-closed", "iam-root-access-key-check",
	"root-account-mfa-enabled", "iam-user-mfa-enabled", "iam-password-policy",
	"access-keys-rotated", "iam-policy-no-statements-with-admin-access", "cloudtrail-enabled",
	"multi-region-cloudtrail-enabled", "cloud-trail-log-file-validation-enabled",
	"cloudtrail-s3-dataevents-enabled", "guardduty-enabled-centralized", "securityhub-enabled",
	"rds-storage-encrypted", "rds-instance-public-access-check", "rds-multi-az-support",
	"rds-snapshots-public-prohibited", "dynamodb-pitr-enabled",
	"lambda-function-public-access-prohibited", "lambda-inside-vpc", "elb-logging-enabled",
	"alb-http-to-https-redirection-check", "acm-certificate-expiration-check",
	"kms-cmk-not-scheduled-for-deletion", "cmk-backing-key-rotation-enabled", "required-tags",
	"eks-secrets-encrypted", "ecr-private-image-scanning-enabled", "efs-encrypted-check",
	"sns-encrypted-kms", "backup-plan-min-frequency-and-min-retention-check",
};
#define NRULENAMES ((int)(sizeof(rule_names) / sizeof(rule_names[0])))

struct ftype {
	const char *type, *title, *desc, *rtype;
};

/* GuardDuty finding types per severity band: low, medium, high, critical. */
static const struct ftype ftypes[4][5] = {
	{
		{"Recon:EC2/PortProbeUnprotectedPort", "Unprotected port on EC2 instance is being probed",
		    "An unprotected port on the EC2 instance is being probed by a known malicious host.", "Instance"},
		{"Policy:S3/BucketBlockPublicAccessDisabled", "Amazon S3 Block Public Access was disabled for a bucket",
		    "Block Public Access settings were disabled for an S3 bucket.", "S3Bucket"},
		{"Stealth:IAMUser/CloudTrailLoggingDisabled", "AWS CloudTrail trail was disabled",
		    "A CloudTrail trail was disabled by an IAM principal.", "AccessKey"},
		{"Discovery:S3/AnomalousBehavior", "Unusual S3 API calls by an IAM entity",
		    "An IAM entity invoked an S3 API commonly used to discover resources.", "S3Bucket"},
		{"UnauthorizedAccess:EC2/SSHBruteForce", "SSH brute force attempts against an instance",
		    "An EC2 instance was involved in SSH brute force attacks.", "Instance"},
	},
	{
		{"UnauthorizedAccess:EC2/RDPBruteForce", "RDP brute force attempts against an instance",
		    "An EC2 instance was involved in RDP brute force attacks.", "Instance"},
		{"PrivilegeEscalation:IAMUser/AnomalousBehavior", "Anomalous privilege escalation by an IAM user",
		    "An API commonly used to obtain high-level permissions was invoked anomalously.", "AccessKey"},
		{"Impact:EC2/WinRMBruteForce", "Outbound WinRM brute force from an instance",
		    "An EC2 instance is performing an outbound WinRM brute force attack.", "Instance"},
		{"Execution:Runtime/NewBinaryExecuted", "A newly created binary was executed in a container",
		    "A newly created or recently modified binary file was executed.", "Instance"},
		{"Recon:IAMUser/MaliciousIPCaller", "Reconnaissance API calls from a known malicious IP",
		    "An API was invoked from a known malicious IP address.", "AccessKey"},
	},
	{
		{"CryptoCurrency:EC2/BitcoinTool.B!DNS", "Instance is querying a Bitcoin-related domain",
		    "The EC2 instance is querying a domain name associated with Bitcoin activity.", "Instance"},
		{"Backdoor:EC2/C&CActivity.B!DNS", "Instance is querying a command and control server",
		    "The EC2 instance is querying a domain associated with a known C&C server.", "Instance"},
		{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
		    "Instance credentials used from outside AWS",
		    "Credentials created exclusively for an EC2 instance are used from an external IP.", "AccessKey"},
		{"Trojan:EC2/DNSDataExfiltration", "Data exfiltration through DNS queries",
		    "The EC2 instance is exfiltrating data through DNS queries.", "Instance"},
		{"Exfiltration:S3/AnomalousBehavior", "Anomalous S3 data access by an IAM entity",
		    "An IAM entity invoked S3 APIs in a suspicious way.", "S3Bucket"},
	},
	{
		{"AttackSequence:IAM/CompromisedCredentials", "Potential credential compromise in an attack sequence",
		    "A sequence of actions consistent with compromised credentials was observed.", "AccessKey"},
		{"AttackSequence:S3/CompromisedData", "Potential data compromise in S3",
		    "A sequence of actions consistent with data theft from S3 was observed.", "S3Bucket"},
		{"AttackSequence:EKS/CompromisedCluster", "Potential cluster compromise",
		    "A sequence of actions consistent with a compromised EKS cluster was observed.", "Instance"},
		{"AttackSequence:ECS/CompromisedCluster", "Potential ECS cluster compromise",
		    "A sequence of actions consistent with a compromised ECS cluster was observed.", "Instance"},
		{"AttackSequence:EC2/CompromisedInstanceGroup", "Potential compromise of a group of instances",
		    "A sequence of actions consistent with compromised EC2 instances was observed.", "Instance"},
	},
};

static const char *const status_names[] = {"ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"};

const char *
org_status_name(int st)
{
	return st >= 0 && st < 4 ? status_names[st] : "ACTIVE";
}

struct org *
org_new(uint64_t seed)
{
	struct org *o = xcalloc(1, sizeof(*o));

	o->seed = seed;
	o->mgmt = 0;
	o->security = -1;
	o->agg_account = -1;
	o->sso_region = -1;
	snprintf(o->currency, sizeof(o->currency), "USD");
	snprintf(o->root_name, sizeof(o->root_name), "Root");
	snprintf(o->admin_user, sizeof(o->admin_user), "awsim-admin");
	pthread_rwlock_init(&o->lock, NULL);
	return o;
}

static void
org__free_scell(struct org_scell *c)
{
	int i;

	for (i = 0; i < c->nrules; i++)
		free(c->rules[i].name);
	free(c->rules);
	for (i = 0; i < c->nfindings; i++) {
		free(c->findings[i].type);
		free(c->findings[i].title);
		free(c->findings[i].desc);
		free(c->findings[i].resource_id);
	}
	free(c->findings);
}

static void
org__free_scn(struct org_scn *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->ncells; i++)
		org__free_scell(&s->cells[i]);
	free(s->cells);
	org__free_scell(&s->def);
	for (i = 0; i < s->nbudgets; i++) {
		/* scenario budgets own their strings (see scenario.c) */
		free((void *)(uintptr_t)s->budgets[i].name);
		free((void *)(uintptr_t)s->budgets[i].unit);
		free((void *)(uintptr_t)s->budgets[i].time_unit);
		free((void *)(uintptr_t)s->budgets[i].type);
	}
	free(s->budgets);
	free(s->assigns);
	for (i = 0; i < s->nroles; i++) {
		free(s->roles[i].name);
		free(s->roles[i].external_id);
	}
	free(s->roles);
	free(s);
}

static void
org__free_principal(struct org_principal *p)
{
	free(p->name);
	free(p->display);
	free(p->email);
	free(p->given);
	free(p->family);
}

void
org_free(struct org *o)
{
	int i;

	if (!o)
		return;
	for (i = 0; i < o->naccounts; i++) {
		free(o->accounts[i].name);
		free(o->accounts[i].email);
		free(o->accounts[i].ev);
		org__free_scn(o->accounts[i].scn);
	}
	free(o->accounts);
	for (i = 0; i < o->nous; i++) {
		free(o->ous[i].name);
		free(o->ous[i].path);
	}
	free(o->ous);
	for (i = 0; i < o->npsets; i++) {
		free(o->psets[i].name);
		free(o->psets[i].desc);
		free(o->psets[i].duration);
	}
	free(o->psets);
	for (i = 0; i < o->nusers; i++)
		org__free_principal(&o->users[i]);
	free(o->users);
	for (i = 0; i < o->ngroups; i++)
		org__free_principal(&o->groups[i]);
	free(o->groups);
	org__free_scell(&o->scn_def);
	free(o->by_id);
	if (o->ou_acc)
		for (i = 0; i < o->nous; i++)
			free(o->ou_acc[i]);
	free(o->ou_acc);
	free(o->ou_nacc);
	free(o->idx_keys);
	free(o->idx_vals);
	pthread_rwlock_destroy(&o->lock);
	free(o);
}

int
org_region_find(const struct org *o, const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < o->nregions; i++)
		if (strcmp(o->regions[i].name, name) == 0)
			return i;
	return -1;
}

int
org_region_add(struct org *o, const char *name, int opt_in)
{
	int i = org_region_find(o, name);

	if (i >= 0)
		return i;
	if (o->nregions >= ORG_MAX_REGIONS || strlen(name) >= sizeof(o->regions[0].name))
		return -1;
	i = o->nregions++;
	snprintf(o->regions[i].name, sizeof(o->regions[i].name), "%s", name);
	o->regions[i].opt_in = opt_in;
	if (!opt_in)
		o->default_mask |= 1ULL << i;
	return i;
}

static int
org__cmp_id(const void *a, const void *b, void *arg)
{
	const struct org *o = arg;
	uint64_t x = o->accounts[*(const int *)a].num, y = o->accounts[*(const int *)b].num;

	return x < y ? -1 : x > y;
}

static const struct org *org__sort_ctx;

static int
org__cmp_id_q(const void *a, const void *b)
{
	return org__cmp_id(a, b, (void *)(uintptr_t)org__sort_ctx);
}

int
org_index(struct org *o, char **cause)
{
	size_t cap = 16, i;
	int a;

	while (cap < (size_t)o->naccounts * 2 + 16)
		cap *= 2;
	free(o->idx_keys);
	free(o->idx_vals);
	o->idx_keys = xcalloc(cap, sizeof(uint64_t));
	o->idx_vals = xcalloc(cap, sizeof(int));
	o->idx_cap = cap;
	for (a = 0; a < o->naccounts; a++) {
		uint64_t key = o->accounts[a].num + 1;
		i = (size_t)rnd_mix(key) & (cap - 1);
		while (o->idx_keys[i]) {
			if (o->idx_keys[i] == key) {
				if (cause)
					*cause = xasprintf("duplicate account id %s", o->accounts[a].id);
				return -1;
			}
			i = (i + 1) & (cap - 1);
		}
		o->idx_keys[i] = key;
		o->idx_vals[i] = a;
	}
	free(o->by_id);
	o->by_id = xreallocarray(NULL, (size_t)o->naccounts + 1, sizeof(int));
	for (a = 0; a < o->naccounts; a++)
		o->by_id[a] = a;
	org__sort_ctx = o;
	qsort(o->by_id, (size_t)o->naccounts, sizeof(int), org__cmp_id_q);
	if (o->ou_acc)
		for (a = 0; a < o->nous; a++)
			free(o->ou_acc[a]);
	free(o->ou_acc);
	free(o->ou_nacc);
	o->ou_acc = xcalloc((size_t)o->nous + 1, sizeof(int *));
	o->ou_nacc = xcalloc((size_t)o->nous + 1, sizeof(int));
	for (a = 0; a < o->naccounts; a++)
		o->ou_nacc[o->accounts[a].ou]++;
	for (a = 0; a < o->nous; a++)
		o->ou_acc[a] = xreallocarray(NULL, (size_t)o->ou_nacc[a] + 1, sizeof(int));
	memset(o->ou_nacc, 0, sizeof(int) * (size_t)o->nous);
	for (a = 0; a < o->naccounts; a++) {
		int ou = o->accounts[a].ou;
		o->ou_acc[ou][o->ou_nacc[ou]++] = a;
	}
	return 0;
}

int
org_account_find(const struct org *o, const char *id)
{
	uint64_t num = 0, key;
	size_t i, n = 0;

	if (!id || !o->idx_cap)
		return -1;
	for (; id[n]; n++) {
		if (id[n] < '0' || id[n] > '9' || n >= 12)
			return -1;
		num = num * 10 + (uint64_t)(id[n] - '0');
	}
	if (n != 12)
		return -1;
	key = num + 1;
	i = (size_t)rnd_mix(key) & (o->idx_cap - 1);
	while (o->idx_keys[i]) {
		if (o->idx_keys[i] == key)
			return o->idx_vals[i];
		i = (i + 1) & (o->idx_cap - 1);
	}
	return -1;
}

int
org_ou_find(const struct org *o, const char *id)
{
	int i;

	if (!id)
		return -1;
	for (i = 0; i < o->nous; i++)
		if (strcmp(o->ous[i].id, id) == 0)
			return i;
	return -1;
}

const char *
org_account_parent(const struct org *o, int a)
{
	return o->ous[o->accounts[a].ou].id;
}

int
org_region_enabled(const struct org *o, int a, int r)
{
	return r >= 0 && r < o->nregions && (o->accounts[a].enabled >> r & 1);
}

int
org_scp_denies(const struct org *o, int a, int r)
{
	return a != o->mgmt && r >= 0 && (o->accounts[a].scp_deny >> r & 1);
}

/* The scenario cell that states field f for (a, r), walking cell -> account -> org. */
static const struct org_scell *
org__scell(const struct org *o, int a, int r, int which)
{
	const struct org_scn *s = o->accounts[a].scn;
	int i;

	if (s) {
		for (i = 0; i < s->ncells; i++) {
			const struct org_scell *c = &s->cells[i];
			if (c->region != r)
				continue;
			if ((which == 0 && c->config_mode >= 0) || (which == 1 && c->gd_mode >= 0) ||
			    (which == 2 && c->has_spend))
				return c;
		}
		if ((which == 0 && s->def.config_mode >= 0) || (which == 1 && s->def.gd_mode >= 0) ||
		    (which == 2 && s->def.has_spend))
			return &s->def;
	}
	if (!o->scenario)
		return NULL;
	if ((which == 0 && o->scn_def.config_mode >= 0) || (which == 1 && o->scn_def.gd_mode >= 0) ||
	    (which == 2 && o->scn_def.has_spend))
		return &o->scn_def;
	if (o->scn_generate)
		return NULL;
	return &o->scn_def; /* fixed defaults (see scenario.c) */
}

static void
org__flips(const struct org *o, int a, int r, struct org_rule *rules, int n)
{
	const struct org_account *ac = &o->accounts[a];
	uint32_t i;

	if (n <= 0)
		return;
	for (i = 0; i < ac->nev; i++) {
		const struct org_event *e = &ac->ev[i];
		struct org_rule *ru;
		if (e->kind != ORG_EV_FLIP || e->region != r || e->tick > o->tick)
			continue;
		ru = &rules[e->arg % n];
		if (ru->compliance == ORG_COMPLIANT) {
			ru->compliance = ORG_NON_COMPLIANT;
			ru->resources = (uint16_t)(1 + e->arg % 5);
		} else if (ru->compliance == ORG_NON_COMPLIANT) {
			ru->compliance = ORG_COMPLIANT;
			ru->resources = 0;
		}
	}
}

static const char *
org__rule_name(int k)
{
	static char extra[ORG_MAX_RULES][24];
	static int init;

	if (k < NRULENAMES)
		return rule_names[k];
	if (!init) {
		int i;
		for (i = 0; i < ORG_MAX_RULES; i++)
			snprintf(extra[i], sizeof(extra[i]), "custom-rule-%02d", i + 1);
		init = 1;
	}
	return extra[(k - NRULENAMES) % ORG_MAX_RULES];
}

static int
org__gen_rules(const struct org *o, int a, int r, struct org_rule *out, int max)
{
	const struct org_account *ac = &o->accounts[a];
	uint64_t h = rnd_h(o->seed, T_RULES, (uint64_t)a, (uint64_t)r, 0);
	uint64_t h2 = rnd_h(o->seed, T_NC, (uint64_t)a, (uint64_t)r, 0);
	static const int primes[] = {7, 11, 13, 17};
	int n, nc, na, off, step = 7, k, i;
	double u = rnd_u01(h), u2 = rnd_u01(h2);

	if (u < 0.06)
		n = 30 + (int)rnd_below(h ^ 0x55, 11);
	else
		n = 8 + (int)rnd_below(h ^ 0x55, 20);
	if (ac->kind == ORG_K_SANDBOX)
		n = 6 + (int)rnd_below(h ^ 0x77, 4);
	if (n > max)
		n = max;
	if (u2 < 0.5)
		nc = 0;
	else if (u2 < 0.8)
		nc = 1 + (int)rnd_below(h2 ^ 1, 2);
	else if (u2 < 0.95)
		nc = 3 + (int)rnd_below(h2 ^ 2, 4);
	else
		nc = 7 + (int)rnd_below(h2 ^ 3, 9);
	na = (int)rnd_below(h2 ^ 4, 3);
	if (nc > n - 3)
		nc = n - 3;
	if (nc + na > n - 2)
		na = 0;
	off = (int)rnd_below(h ^ 0x99, (uint32_t)n);
	for (i = 0; i < 4; i++)
		if (n % primes[i]) {
			step = primes[i];
			break;
		}
	k = (int)rnd_below(h ^ 0xabc, NRULENAMES);
	for (i = 0; i < n; i++) {
		out[i].name = org__rule_name((k + i) % NRULENAMES);
		out[i].compliance = ORG_COMPLIANT;
		out[i].resources = 0;
		out[i].capped = 0;
	}
	for (i = 0; i < nc + na; i++) {
		int p = (off + i * step) % n;
		if (i < nc) {
			uint64_t hr = rnd_h(o->seed, T_RES, (uint64_t)a, (uint64_t)r, (uint64_t)p);
			out[p].compliance = ORG_NON_COMPLIANT;
			out[p].resources = (uint16_t)(1 + rnd_below(hr, 12));
			if (rnd_u01(hr) < 0.03) {
				out[p].resources = 100;
				out[p].capped = 1;
			}
		} else
			out[p].compliance = (i % 2) ? ORG_INSUFFICIENT : ORG_NOT_APPLICABLE;
	}
	return n;
}

int
org_config_enabled(const struct org *o, int a, int r)
{
	const struct org_scell *c;

	if (!org_region_enabled(o, a, r))
		return 0;
	c = org__scell(o, a, r, 0);
	if (c) {
		if (c->config_mode == 0)
			return 0;
		if (c->config_mode == 1)
			return c->compliant + c->noncompliant > 0;
		if (c->config_mode == 2)
			return c->nrules > 0;
		return 1;
	}
	return !(o->accounts[a].config_off >> r & 1);
}

int
org_gd_enabled(const struct org *o, int a, int r)
{
	const struct org_scell *c;

	if (!org_region_enabled(o, a, r))
		return 0;
	c = org__scell(o, a, r, 1);
	if (c)
		return c->gd_mode != 0;
	return !(o->accounts[a].gd_off >> r & 1);
}

int
org_cell_rules(const struct org *o, int a, int r, struct org_rule *out, int max)
{
	const struct org_scell *c;
	int n = 0, i;

	if (!org_config_enabled(o, a, r))
		return 0;
	c = org__scell(o, a, r, 0);
	if (!c) {
		n = org__gen_rules(o, a, r, out, max);
	} else if (c->config_mode == 1) {
		for (i = 0; i < c->compliant + c->noncompliant && n < max; i++, n++) {
			out[n].name = org__rule_name(i);
			out[n].compliance = i < c->noncompliant ? ORG_NON_COMPLIANT : ORG_COMPLIANT;
			out[n].resources = (uint16_t)(i < c->noncompliant ? 1 + i % 4 : 0);
			out[n].capped = 0;
		}
	} else if (c->config_mode == 2) {
		for (i = 0; i < c->nrules && n < max; i++, n++) {
			out[n].name = c->rules[i].name;
			out[n].compliance = (uint8_t)c->rules[i].compliance;
			out[n].resources = (uint16_t)(c->rules[i].resources > 100 ? 100 : c->rules[i].resources);
			out[n].capped = c->rules[i].resources > 100;
		}
	}
	org__flips(o, a, r, out, n);
	return n;
}

void
org_cell_counts(const struct org *o, int a, int r, int *compliant, int *noncompliant)
{
	struct org_rule rules[ORG_MAX_RULES];
	int n = org_cell_rules(o, a, r, rules, ORG_MAX_RULES), i;

	*compliant = *noncompliant = 0;
	for (i = 0; i < n; i++) {
		if (rules[i].compliance == ORG_COMPLIANT)
			(*compliant)++;
		else if (rules[i].compliance == ORG_NON_COMPLIANT)
			(*noncompliant)++;
	}
}

static void
org__gen_finding(const struct org *o, int a, int r, uint64_t h, uint32_t idx, double base,
    struct org_finding *f)
{
	uint64_t h2 = rnd_mix(h ^ 0x1234), h3 = rnd_mix(h ^ 0x5678);
	double u = rnd_u01(h);
	int band = u < 0.5 ? 0 : u < 0.8 ? 1 : u < 0.95 ? 2 : 3;
	const struct ftype *t = &ftypes[band][rnd_below(h2, 5)];
	static const double lo[4] = {1.0, 4.0, 7.0, 9.0};
	static const uint32_t span[4] = {30, 30, 20, 11};

	(void)o;
	(void)a;
	(void)r;
	f->idx = idx;
	f->severity = lo[band] + rnd_below(h3, span[band]) / 10.0;
	f->type = t->type;
	f->title = t->title;
	f->desc = t->desc;
	f->resource_type = t->rtype;
	f->archived = rnd_u01(rnd_mix(h ^ 0x9abc)) < 0.12;
	f->created = floor(base - 3600.0 - rnd_below(h2 ^ 7, 60 * 86400));
	f->updated = f->created + rnd_below(h3 ^ 9, 3600 * 6);
	if (f->updated > base)
		f->updated = base;
	f->count = 1 + rnd_below(h ^ 0x77, 40);
	if (t->rtype[0] == 'I')
		snprintf(f->resource_id, sizeof(f->resource_id), "i-0%016llx",
		    (unsigned long long)(rnd_mix(h ^ 0x42) >> 1));
	else if (t->rtype[0] == 'S')
		snprintf(f->resource_id, sizeof(f->resource_id), "data-%08llx",
		    (unsigned long long)(rnd_mix(h ^ 0x43) & 0xffffffffULL));
	else
		snprintf(f->resource_id, sizeof(f->resource_id), "ASIA%016llX",
		    (unsigned long long)(rnd_mix(h ^ 0x44) >> 4));
}

int
org_cell_findings(const struct org *o, int a, int r, struct org_finding *out, int max)
{
	const struct org_account *ac = &o->accounts[a];
	const struct org_scell *c;
	int n = 0, n0, i;
	uint32_t e;

	if (!org_gd_enabled(o, a, r))
		return 0;
	c = org__scell(o, a, r, 1);
	if (c) {
		for (i = 0; i < c->nfindings && n < max; i++, n++) {
			const struct org_sfinding *sf = &c->findings[i];
			struct org_finding *f = &out[n];
			uint64_t h = rnd_h(o->seed, T_FIND, (uint64_t)a, (uint64_t)r, (uint64_t)i);
			org__gen_finding(o, a, r, h, (uint32_t)i, o->start, f);
			f->severity = sf->severity;
			if (sf->type)
				f->type = sf->type;
			if (sf->title)
				f->title = sf->title;
			if (sf->desc)
				f->desc = sf->desc;
			if (sf->resource_id)
				snprintf(f->resource_id, sizeof(f->resource_id), "%s", sf->resource_id);
			f->archived = sf->archived;
		}
		n0 = n;
	} else {
		uint64_t h = rnd_h(o->seed, T_FIND2, (uint64_t)a, (uint64_t)r, 0);
		double u = rnd_u01(h);
		if (ac->kind == ORG_K_SANDBOX)
			n0 = u < 0.8 ? 0 : 1 + (int)rnd_below(h, 3);
		else
			n0 = u < 0.45 ? 0 : 1 + (int)rnd_below(h, 12);
		for (i = 0; i < n0 && n < max; i++, n++)
			org__gen_finding(o, a, r,
			    rnd_h(o->seed, T_FIND, (uint64_t)a, (uint64_t)r, (uint64_t)i), (uint32_t)i,
			    o->start, &out[n]);
	}
	for (e = 0; e < ac->nev && n < max; e++) {
		const struct org_event *ev = &ac->ev[e];
		if (ev->kind != ORG_EV_FINDING || ev->region != r || ev->tick > o->tick)
			continue;
		org__gen_finding(o, a, r,
		    rnd_h(o->seed, T_EVF, (uint64_t)a, (uint64_t)r, ((uint64_t)ev->tick << 16) | ev->arg),
		    (uint32_t)n, o->start + ev->tick, &out[n]);
		out[n].archived = 0;
		out[n].created = out[n].updated = o->start + ev->tick;
		n++;
	}
	return n;
}

static double
org__spend_factor(const struct org_account *ac)
{
	switch (ac->kind) {
	case ORG_K_MGMT: return 0.4;
	case ORG_K_SECURITY: return 0.3;
	case ORG_K_LOG: return 0.25;
	case ORG_K_SHARED: return 0.8;
	case ORG_K_INFRA: return 0.6;
	case ORG_K_SANDBOX: return 0.05;
	case ORG_K_WORKLOAD: return ac->env == GEN_PROD ? 1.0 : ac->env == GEN_STAGE ? 0.3 : 0.15;
	default: return 0.2;
	}
}

static long long
org__spend(const struct org *o, int a, int r, uint32_t tick)
{
	const struct org_account *ac = &o->accounts[a];
	const struct org_scell *c;
	long long cents;
	double w, u;
	uint64_t h;

	if (ac->status != ORG_ACTIVE)
		return 0;
	if (r >= 0 && !org_region_enabled(o, a, r))
		return 0;
	if (r >= 0) {
		c = org__scell(o, a, r, 2);
		if (c)
			return c->has_spend ? llround(c->spend * 100.0) : 0;
	} else if (o->scenario && !o->scn_generate)
		return 0;
	h = rnd_h(o->seed, T_SPEND, (uint64_t)a, 0, 0);
	if (r < 0) {
		cents = 500 + (long long)rnd_below(rnd_h(o->seed, T_GLOBAL, (uint64_t)a, 0, 0), 2500);
		return cents + (long long)tick * (cents / 400);
	}
	u = rnd_u01(rnd_h(o->seed, T_SPENDR, (uint64_t)a, (uint64_t)r, 0));
	if (ac->country != GEN_NONE && strcmp(o->regions[r].name, gen_country_home(ac->country)) == 0)
		w = 1.0;
	else if (strcmp(o->regions[r].name, "us-east-1") == 0)
		w = 0.3;
	else if (!o->regions[r].opt_in)
		w = u < 0.25 ? 0.02 + 0.1 * u : 0;
	else
		w = u < 0.5 ? 0.05 : 0;
	if (ac->country == GEN_NONE && ac->kind != ORG_K_SANDBOX && w == 0 && u < 0.5)
		w = 0.1;
	cents = llround((20000.0 + rnd_below(h, 800000)) * org__spend_factor(ac) * w);
	if (cents <= 0)
		return 0;
	return cents + (long long)tick * (cents / 500 + 1);
}

long long
org_cell_spend(const struct org *o, int a, int r)
{
	return org__spend(o, a, r, o->tick);
}

/* Writes v as the exact decimal expansion of its double, like AWS's long amounts. */
static void
org__long_decimal(double v, char *out, size_t len)
{
	size_t n;

	snprintf(out, len, "%.46f", v);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = 0;
}

static long long
org__account_total(const struct org *o, int a, uint32_t tick)
{
	long long t = org__spend(o, a, -1, tick);
	int r;

	for (r = 0; r < o->nregions; r++)
		t += org__spend(o, a, r, tick);
	return t;
}

int
org_account_budgets(const struct org *o, int a, struct org_budget *out, int max)
{
	const struct org_account *ac = &o->accounts[a];
	uint64_t h = rnd_h(o->seed, T_BUD, (uint64_t)a, 0, 0), h2;
	double u = rnd_u01(h), burn, limit, actual;
	long long total;
	int n = 0;

	if (ac->scn && ac->scn->has_budgets) {
		for (n = 0; n < ac->scn->nbudgets && n < max; n++)
			out[n] = ac->scn->budgets[n];
		return n;
	}
	if (o->scenario && !o->scn_generate)
		return 0;
	if (u < 0.15 || max < 3)
		return 0;
	/* The limit is set against the spend at tick 0, so ticks push burn up. */
	total = org__account_total(o, a, 0);
	h2 = rnd_mix(h ^ 0x3141);
	u = rnd_u01(h2);
	if (u < 0.4)
		burn = 0.2 + 0.5 * rnd_u01(h2 ^ 1);
	else if (u < 0.7)
		burn = 0.8 + 0.19 * rnd_u01(h2 ^ 2);
	else
		burn = 1.02 + 0.5 * rnd_u01(h2 ^ 3);
	limit = ceil(total / 100.0 / burn / 10.0) * 10.0;
	if (limit < 100)
		limit = 100;
	actual = (double)org__account_total(o, a, o->tick) / 100.0;
	memset(&out[n], 0, sizeof(out[n]));
	out[n].name = "monthly-total";
	out[n].type = "COST";
	out[n].time_unit = "MONTHLY";
	out[n].unit = "USD";
	snprintf(out[n].limit, sizeof(out[n].limit), "%.1f", limit);
	if (rnd_u01(h2 ^ 5) < 0.5)
		org__long_decimal(actual, out[n].actual, sizeof(out[n].actual));
	else
		snprintf(out[n].actual, sizeof(out[n].actual), "%.2f", actual);
	if (rnd_u01(h2 ^ 6) < 0.7)
		snprintf(out[n].forecast, sizeof(out[n].forecast), "%.2f",
		    actual * (1.15 + 0.5 * rnd_u01(h2 ^ 7)));
	n++;
	if (rnd_u01(h2 ^ 8) < 0.4) {
		double ql = ceil(limit * 2.5 / 100.0) * 100.0;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].name = "quarterly-compute";
		out[n].type = "COST";
		out[n].time_unit = "QUARTERLY";
		out[n].unit = "USD";
		snprintf(out[n].limit, sizeof(out[n].limit), "%.1f", ql);
		org__long_decimal(ql * (0.3 + 0.9 * rnd_u01(h2 ^ 9)) + o->tick * 0.37,
		    out[n].actual, sizeof(out[n].actual));
		if (rnd_u01(h2 ^ 10) < 0.5)
			snprintf(out[n].forecast, sizeof(out[n].forecast), "%.2f",
			    ql * (0.6 + 0.8 * rnd_u01(h2 ^ 11)));
		n++;
	}
	if (rnd_u01(h2 ^ 12) < 0.1) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].name = "data-transfer-gb";
		out[n].type = "USAGE";
		out[n].time_unit = "MONTHLY";
		out[n].unit = "GB";
		snprintf(out[n].limit, sizeof(out[n].limit), "5000.0");
		snprintf(out[n].actual, sizeof(out[n].actual), "%.3f",
		    5000.0 * (0.1 + 1.1 * rnd_u01(h2 ^ 13)));
		n++;
	}
	return n;
}

static int
org__add_assign(struct org_assign *out, int n, int max, int pset, int ptype, int p)
{
	if (n < max) {
		out[n].pset = pset;
		out[n].ptype = ptype;
		out[n].principal = p;
		n++;
	}
	return n;
}

int
org_account_assignments(const struct org *o, int a, struct org_assign *out, int max)
{
	const struct org_account *ac = &o->accounts[a];
	uint64_t h = rnd_h(o->seed, T_ASSIGN, (uint64_t)a, 0, 0);
	int n = 0, nu = o->nusers > 1 ? o->nusers - 1 : 1;

	if (!o->sso_enabled)
		return 0;
	if (ac->scn && ac->scn->has_sso) {
		for (n = 0; n < ac->scn->nassigns && n < max; n++)
			out[n] = ac->scn->assigns[n];
		return n;
	}
	if (o->scenario && !o->scn_generate)
		return 0;
	if (o->npsets < P_COUNT || o->ngroups < G_DEV + GEN_NCOUNTRIES || o->nusers < 2)
		return 0;
	n = org__add_assign(out, n, max, P_ADMIN, ORG_GROUP, G_PLATFORM);
	n = org__add_assign(out, n, max, P_SECAUDIT, ORG_GROUP, G_SECENG);
	if (ac->kind != ORG_K_SANDBOX)
		n = org__add_assign(out, n, max, P_RO, ORG_GROUP, G_AUDITORS);
	switch (ac->kind) {
	case ORG_K_MGMT:
		n = org__add_assign(out, n, max, P_BILLING, ORG_GROUP, G_FINOPS);
		n = org__add_assign(out, n, max, P_ADMIN, ORG_USER, 0);
		break;
	case ORG_K_SHARED:
	case ORG_K_INFRA:
		n = org__add_assign(out, n, max, P_NET, ORG_GROUP, G_NETWORK);
		break;
	case ORG_K_WORKLOAD:
		if (ac->env == GEN_PROD) {
			n = org__add_assign(out, n, max, P_VIEW, ORG_GROUP, G_DEV + ac->country);
			if (rnd_u01(h) < 0.3)
				n = org__add_assign(out, n, max, P_DBA, ORG_USER,
				    1 + (int)rnd_below(h ^ 1, (uint32_t)nu));
		} else
			n = org__add_assign(out, n, max, P_POWER, ORG_GROUP, G_DEV + ac->country);
		break;
	case ORG_K_SANDBOX:
		n = org__add_assign(out, n, max, P_ADMIN, ORG_USER, 1 + (int)rnd_below(h ^ 2, (uint32_t)nu));
		n = org__add_assign(out, n, max, P_POWER, ORG_GROUP, G_SANDBOX);
		break;
	default:
		break;
	}
	if (ac->kind != ORG_K_MGMT && rnd_u01(h ^ 3) < 0.1)
		n = org__add_assign(out, n, max, P_RO, ORG_USER, 1 + (int)rnd_below(h ^ 4, (uint32_t)nu));
	return n;
}

void
org_detector_id(const struct org *o, int a, int r, char out[33])
{
	snprintf(out, 33, "%016llx%016llx",
	    (unsigned long long)rnd_h(o->seed, T_DET, (uint64_t)a, (uint64_t)r, 1),
	    (unsigned long long)rnd_h(o->seed, T_DET, (uint64_t)a, (uint64_t)r, 2));
}

void
org_finding_id(const struct org *o, int a, int r, uint32_t idx, char out[33])
{
	uint64_t h = rnd_h(o->seed, T_FID, (uint64_t)a, (uint64_t)r, idx);

	snprintf(out, 33, "%08x%08x%04x%08x%04x", (unsigned)(h >> 32), (unsigned)a,
	    (unsigned)r & 0xffff, (unsigned)idx, (unsigned)(h & 0xffff));
}

int
org_finding_parse(const struct org *o, const char *id, int *a, int *r, uint32_t *idx)
{
	char part[9], check[33];
	unsigned long va, vr, vi;
	int i;

	if (!id || strlen(id) != 32)
		return -1;
	for (i = 0; i < 32; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return -1;
	memcpy(part, id + 8, 8);
	part[8] = 0;
	va = strtoul(part, NULL, 16);
	memcpy(part, id + 16, 4);
	part[4] = 0;
	vr = strtoul(part, NULL, 16);
	memcpy(part, id + 20, 8);
	part[8] = 0;
	vi = strtoul(part, NULL, 16);
	if (va >= (unsigned long)o->naccounts || vr >= (unsigned long)o->nregions)
		return -1;
	org_finding_id(o, (int)va, (int)vr, (uint32_t)vi, check);
	if (strcmp(check, id) != 0)
		return -1;
	*a = (int)va;
	*r = (int)vr;
	*idx = (uint32_t)vi;
	return 0;
}

int
org_role_lookup(const struct org *o, int a, const char *role, const char **external_id)
{
	const struct org_account *ac = &o->accounts[a];
	int i;

	*external_id = NULL;
	if (ac->scn && ac->scn->roles) {
		for (i = 0; i < ac->scn->nroles; i++) {
			if (strcmp(ac->scn->roles[i].name, role) != 0)
				continue;
			*external_id = ac->scn->roles[i].external_id;
			return !ac->scn->roles[i].refuse;
		}
		return 0;
	}
	if (a == o->mgmt)
		return 0;
	if (strcmp(role, "OrganizationAccountAccessRole") == 0)
		return !(ac->refuse & ORG_ROLE_OAAR);
	if (strcmp(role, "OrgtopAudit") == 0)
		return !(ac->refuse & ORG_ROLE_AUDIT);
	return 0;
}

void
org_tick(struct org *o)
{
	int k, nev;
	uint32_t t;

	pthread_rwlock_wrlock(&o->lock);
	t = ++o->tick;
	nev = o->naccounts / 20;
	if (nev < 1)
		nev = 1;
	if (nev > 200)
		nev = 200;
	for (k = 0; k < nev; k++) {
		uint64_t h = rnd_h(o->seed, T_TICK, t, (uint64_t)k, 0);
		int a = (int)rnd_below(h, (uint32_t)o->naccounts);
		int r = (int)rnd_below(rnd_mix(h ^ 1), (uint32_t)o->nregions);
		struct org_account *ac = &o->accounts[a];
		struct org_event *e;

		if (ac->status != ORG_ACTIVE || !org_region_enabled(o, a, r))
			continue;
		if (ac->nev == ac->capev) {
			ac->capev = ac->capev ? ac->capev * 2 : 8;
			ac->ev = xreallocarray(ac->ev, ac->capev, sizeof(*ac->ev));
		}
		e = &ac->ev[ac->nev++];
		e->tick = t;
		e->region = (uint8_t)r;
		e->kind = (rnd_mix(h ^ 2) & 3) ? ORG_EV_FINDING : ORG_EV_FLIP;
		e->arg = (uint16_t)rnd_below(rnd_mix(h ^ 3), 65535);
	}
	pthread_rwlock_unlock(&o->lock);
}
