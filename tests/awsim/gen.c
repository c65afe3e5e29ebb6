/*
 * gen.c: the deterministic international organization.
 *
 * Account i's properties depend only on (seed, i) and on how many accounts
 * of its country came before it (for unique names), so --accounts 10000
 * generates in a few milliseconds and two runs with the same seed agree.
 */
#include "tests/awsim/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tests/awsim/rnd.h"

enum { T_KIND = 100, T_COUNTRY, T_REFUSE, T_OPTIN, T_CFGOFF, T_GDOFF, T_JOINED, T_IDS, T_STATUS };

static const char *const default_regions[] = {
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-northeast-1", "ap-northeast-2",
	"ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1",
};
static const char *const optin_regions[] = {
	"af-south-1", "ap-east-1", "eu-south-1", "me-south-1", "me-central-1", "eu-central-2",
	"ap-south-2", "ap-southeast-3",
};

static const char *const country_codes[GEN_NCOUNTRIES] = {"de", "fr", "uk", "us", "br", "jp", "sg", "au"};
static const char *const country_homes[GEN_NCOUNTRIES] = {
	"eu-central-1", "eu-west-3", "eu-west-2", "us-east-1", "sa-east-1", "ap-northeast-1",
	"ap-southeast-1", "ap-southeast-2",
};
static const char *const country_ou[GEN_NCOUNTRIES] = {"DE", "FR", "UK", "US", "BR", "JP", "SG", "AU"};
static const double country_weight[GEN_NCOUNTRIES] = {0.15, 0.10, 0.12, 0.25, 0.08, 0.10, 0.10, 0.10};

struct team {
	const char *name; /* as shown in the account name */
	const char *slug; /* ASCII, for the e-mail address */
};

static const struct team teams_de[] = {
	{"zahlungsverkehr", "zahlungsverkehr"}, {"logistik", "logistik"}, {"kundenportal", "kundenportal"},
	{"überweisungen", "ueberweisungen"}, {"buchhaltung", "buchhaltung"},
	{"datenplattform", "datenplattform"}, {"identität", "identitaet"}, {"suche", "suche"},
};
static const struct team teams_fr[] = {
	{"paiements", "paiements"}, {"réservations", "reservations"}, {"comptabilité", "comptabilite"},
	{"logistique", "logistique"}, {"données", "donnees"}, {"catalogue", "catalogue"},
	{"fidélité", "fidelite"},
};
static const struct team teams_uk[] = {
	{"payments", "payments"}, {"checkout", "checkout"}, {"ledger", "ledger"}, {"search", "search"},
	{"identity", "identity"}, {"analytics", "analytics"}, {"mobile", "mobile"},
};
static const struct team teams_us[] = {
	{"payments", "payments"}, {"checkout", "checkout"}, {"ledger", "ledger"},
	{"ml-platform", "ml-platform"}, {"search", "search"}, {"identity", "identity"},
	{"data-lake", "data-lake"}, {"edge", "edge"}, {"ads", "ads"}, {"fraud", "fraud"},
};
static const struct team teams_br[] = {
	{"pagamentos", "pagamentos"}, {"cobrança", "cobranca"}, {"logística", "logistica"},
	{"atendimento", "atendimento"}, {"catálogo", "catalogo"},
};
static const struct team teams_jp[] = {
	{"決済", "kessai"}, {"会計", "kaikei"}, {"物流", "butsuryu"}, {"検索", "kensaku"},
	{"payments", "payments"}, {"ポイント", "pointo"},
};
static const struct team teams_sg[] = {
	{"payments", "payments"}, {"支付", "zhifu"}, {"logistics", "logistics"}, {"risk", "risk"},
	{"merchant", "merchant"},
};
static const struct team teams_au[] = {
	{"payments", "payments"}, {"billing", "billing"}, {"logistics", "logistics"},
	{"search", "search"}, {"identity", "identity"},
};

struct team_set {
	const struct team *t;
	int n;
};
#define TS(a) {a, (int)(sizeof(a) / sizeof(a[0]))}
static const struct team_set teams[GEN_NCOUNTRIES] = {
	TS(teams_de), TS(teams_fr), TS(teams_uk), TS(teams_us), TS(teams_br), TS(teams_jp),
	TS(teams_sg), TS(teams_au),
};
static const struct team infra_names[] = {
	{"network-hub", "network-hub"}, {"ci-cd", "ci-cd"}, {"dns", "dns"},
	{"observability", "observability"}, {"backup", "backup"}, {"artifacts", "artifacts"},
	{"egress-proxy", "egress-proxy"},
};
static const struct team sandbox_names[] = {
	{"sandbox-anna", "sandbox-anna"}, {"sandbox-kenji", "sandbox-kenji"},
	{"sandbox-léa", "sandbox-lea"}, {"sandbox-joão", "sandbox-joao"},
	{"sandbox-priya", "sandbox-priya"}, {"sandbox-oliver", "sandbox-oliver"},
	{"sandbox-zoë", "sandbox-zoe"}, {"sandbox-wei", "sandbox-wei"},
	{"sandbox-lukáš", "sandbox-lukas"}, {"sandbox-sofia", "sandbox-sofia"},
};
static const struct team suspended_names[] = {
	{"legacy-billing", "legacy-billing"}, {"acquired-shopco", "acquired-shopco"},
	{"poc-blockchain", "poc-blockchain"}, {"old-dc-migration", "old-dc-migration"},
	{"test-2019", "test-2019"},
};
static const char *const env_names[] = {"prod", "stage", "dev"};

const char *
gen_country_code(int c)
{
	return c >= 0 && c < GEN_NCOUNTRIES ? country_codes[c] : "xx";
}

const char *
gen_country_home(int c)
{
	return c >= 0 && c < GEN_NCOUNTRIES ? country_homes[c] : "us-east-1";
}

void
gen_regions(struct org *o)
{
	size_t i;

	for (i = 0; i < sizeof(default_regions) / sizeof(default_regions[0]); i++)
		org_region_add(o, default_regions[i], 0);
	for (i = 0; i < sizeof(optin_regions) / sizeof(optin_regions[0]); i++)
		org_region_add(o, optin_regions[i], 1);
}

static void
gen__alnum(uint64_t h, char *out, int n)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int i;

	for (i = 0; i < n; i++) {
		out[i] = al[h % 36];
		h /= 36;
		if (h < 36)
			h = rnd_mix(h + (uint64_t)i + 1);
	}
	out[n] = 0;
}

void
gen_ids(struct org *o)
{
	char tmp[16];

	gen__alnum(rnd_h(o->seed, T_IDS, 1, 0, 0), tmp, 10);
	snprintf(o->id, sizeof(o->id), "o-%.10s", tmp);
	gen__alnum(rnd_h(o->seed, T_IDS, 2, 0, 0), tmp, 4);
	snprintf(o->root_id, sizeof(o->root_id), "r-%.4s", tmp);
}

void
gen_ou_id(const struct org *o, int k, char *out, size_t len)
{
	char tmp[16];

	gen__alnum(rnd_h(o->seed, T_IDS, 3, (uint64_t)k, 0), tmp, 8);
	snprintf(out, len, "ou-%s-%s", o->root_id + 2, tmp);
}

void
gen_account_id(uint64_t seed, int i, char out[13], uint64_t *num)
{
	const uint64_t mod = 1000000000000ULL;
	uint64_t base = rnd_h(seed, T_IDS, 4, 0, 0) % mod;
	uint64_t v = (base + (uint64_t)i * 982451653ULL) % mod;

	snprintf(out, 13, "%012llu", (unsigned long long)v);
	*num = v;
}

static void
gen__hexid(uint64_t h, char *out, int n)
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < n; i++) {
		if (i && i % 16 == 0)
			h = rnd_mix(h);
		out[i] = hx[(h >> (4 * (i % 16))) & 15];
	}
	out[n] = 0;
}

static void
gen__principal_id(const struct org *o, int kind, int k, char *out, size_t len)
{
	char a[11], b[33];

	gen__hexid(rnd_h(o->seed, T_IDS, 5, 0, 0), a, 10);
	gen__hexid(rnd_h(o->seed, T_IDS, 6, (uint64_t)kind, (uint64_t)k), b, 32);
	snprintf(out, len, "%s-%.8s-%.4s-%.4s-%.4s-%.12s", a, b, b + 8, b + 12, b + 16, b + 20);
}

struct user_def {
	const char *user, *display, *given, *family;
};

static const struct user_def users[] = {
	{"breakglass@corp.example", "Break Glass", "Break", "Glass"},
	{"anna.mueller@corp.example", "Anna Müller", "Anna", "Müller"},
	{"jonas.schmidt@corp.example", "Jonas Schmidt", "Jonas", "Schmidt"},
	{"lea.dubois@corp.example", "Léa Dubois", "Léa", "Dubois"},
	{"camille.martin@corp.example", "Camille Martin", "Camille", "Martin"},
	{"oliver.smith@corp.example", "Oliver Smith", "Oliver", "Smith"},
	{"amelia.jones@corp.example", "Amelia Jones", "Amelia", "Jones"},
	{"james.johnson@corp.example", "James Johnson", "James", "Johnson"},
	{"maria.garcia@corp.example", "María García", "María", "García"},
	{"joao.silva@corp.example", "João Silva", "João", "Silva"},
	{"ana.souza@corp.example", "Ana Souza", "Ana", "Souza"},
	{"kenji.tanaka@corp.example", "田中 健二", "健二", "田中"},
	{"yuki.sato@corp.example", "佐藤 由紀", "由紀", "佐藤"},
	{"wei.tan@corp.example", "Tan Wei Ming", "Wei Ming", "Tan"},
	{"priya.nair@corp.example", "Priya Nair", "Priya", "Nair"},
	{"siew.lim@corp.example", "Lim Siew Ling", "Siew Ling", "Lim"},
	{"jack.wilson@corp.example", "Jack Wilson", "Jack", "Wilson"},
	{"chloe.brown@corp.example", "Chloe Brown", "Chloe", "Brown"},
	{"mohammed.alsayed@corp.example", "Mohammed Al-Sayed", "Mohammed", "Al-Sayed"},
	{"zoe.nguyen@corp.example", "Zoë Nguyen", "Zoë", "Nguyen"},
	{"lukas.novak@corp.example", "Lukáš Novák", "Lukáš", "Novák"},
	{"sofia.rossi@corp.example", "Sofia Rossi", "Sofia", "Rossi"},
	{"aiko.yamamoto@corp.example", "山本 愛子", "愛子", "山本"},
	{"ethan.williams@corp.example", "Ethan Williams", "Ethan", "Williams"},
};

static const char *const group_names[] = {
	"Platform Admins", "Auditors", "Security Engineers", "FinOps", "Network Team", "Sandbox Users",
	"Developers DE", "Développeurs FR", "Developers UK", "Developers US", "Desenvolvedores BR",
	"開発者 JP", "Developers SG", "Developers AU",
};

struct pset_def {
	const char *name, *desc, *duration;
};
static const struct pset_def psets[P_COUNT] = {
	{"AdministratorAccess", "Full access to AWS services and resources", "PT1H"},
	{"PowerUserAccess", "Full access except IAM and Organizations", "PT8H"},
	{"ReadOnlyAccess", "Read-only access to AWS services and resources", "PT12H"},
	{"ViewOnlyAccess", "View resources and basic metadata", "PT12H"},
	{"SecurityAudit", "Read security configuration metadata", "PT8H"},
	{"Billing", "Billing and cost management", "PT4H"},
	{"DatabaseAdministrator", "Set up, configure and maintain databases", "PT4H"},
	{"NetworkAdministrator", "Set up and configure network resources", "PT4H"},
};

void
gen_identity(struct org *o)
{
	char ins[17], ps[17];
	size_t i;

	o->sso_enabled = 1;
	if (o->sso_region < 0)
		o->sso_region = org_region_find(o, "us-east-1");
	gen__hexid(rnd_h(o->seed, T_IDS, 7, 0, 0), ins, 16);
	snprintf(o->instance_arn, sizeof(o->instance_arn), "arn:aws:sso:::instance/ssoins-%s", ins);
	gen__hexid(rnd_h(o->seed, T_IDS, 8, 0, 0), ps, 10);
	snprintf(o->identity_store, sizeof(o->identity_store), "d-%s", ps);
	if (o->npsets == 0) {
		o->psets = xcalloc(P_COUNT, sizeof(*o->psets));
		for (i = 0; i < P_COUNT; i++) {
			gen__hexid(rnd_h(o->seed, T_IDS, 9, i, 0), ps, 16);
			snprintf(o->psets[i].arn, sizeof(o->psets[i].arn),
			    "arn:aws:sso:::permissionSet/ssoins-%s/ps-%s", ins, ps);
			o->psets[i].name = xstrdup(psets[i].name);
			o->psets[i].desc = xstrdup(psets[i].desc);
			o->psets[i].duration = xstrdup(psets[i].duration);
		}
		o->npsets = P_COUNT;
	}
	if (o->nusers == 0) {
		o->nusers = (int)(sizeof(users) / sizeof(users[0]));
		o->users = xcalloc((size_t)o->nusers, sizeof(*o->users));
		for (i = 0; i < (size_t)o->nusers; i++) {
			struct org_principal *p = &o->users[i];
			gen__principal_id(o, ORG_USER, (int)i, p->id, sizeof(p->id));
			p->name = xstrdup(users[i].user);
			p->display = xstrdup(users[i].display);
			p->email = xstrdup(users[i].user);
			p->given = xstrdup(users[i].given);
			p->family = xstrdup(users[i].family);
		}
	}
	if (o->ngroups == 0) {
		o->ngroups = (int)(sizeof(group_names) / sizeof(group_names[0]));
		o->groups = xcalloc((size_t)o->ngroups, sizeof(*o->groups));
		for (i = 0; i < (size_t)o->ngroups; i++) {
			struct org_principal *p = &o->groups[i];
			gen__principal_id(o, ORG_GROUP, (int)i, p->id, sizeof(p->id));
			p->name = xstrdup(group_names[i]);
			p->display = xstrdup(group_names[i]);
		}
	}
}

enum {
	OU_ROOT, OU_SECURITY, OU_INFRA, OU_WORKLOADS, OU_EMEA, OU_DE, OU_FR, OU_UK, OU_AMER, OU_US,
	OU_BR, OU_APAC, OU_JP, OU_SG, OU_AU, OU_SANDBOX, OU_SUSPENDED, OU_COUNT
};
static const struct {
	const char *name;
	int parent;
} ou_defs[OU_COUNT] = {
	{"Root", -1}, {"Security", OU_ROOT}, {"Infrastructure", OU_ROOT}, {"Workloads", OU_ROOT},
	{"EMEA", OU_WORKLOADS}, {"DE", OU_EMEA}, {"FR", OU_EMEA}, {"UK", OU_EMEA},
	{"AMER", OU_WORKLOADS}, {"US", OU_AMER}, {"BR", OU_AMER}, {"APAC", OU_WORKLOADS},
	{"JP", OU_APAC}, {"SG", OU_APAC}, {"AU", OU_APAC}, {"Sandbox", OU_ROOT},
	{"Suspended", OU_ROOT},
};
static const int country_ou_idx[GEN_NCOUNTRIES] = {OU_DE, OU_FR, OU_UK, OU_US, OU_BR, OU_JP, OU_SG, OU_AU};

static void
gen__ous(struct org *o)
{
	int i;

	o->ous = xcalloc(OU_COUNT, sizeof(*o->ous));
	o->nous = OU_COUNT;
	for (i = 0; i < OU_COUNT; i++) {
		struct org_ou *ou = &o->ous[i];
		ou->parent = ou_defs[i].parent;
		ou->name = xstrdup(ou_defs[i].name);
		if (i == OU_ROOT) {
			snprintf(ou->id, sizeof(ou->id), "%s", o->root_id);
			ou->path = xstrdup("Root");
		} else {
			gen_ou_id(o, i, ou->id, sizeof(ou->id));
			ou->path = xasprintf("%s/%s", o->ous[ou->parent].path, ou->name);
		}
	}
	(void)country_ou;
}

static void
gen__name(struct org_account *ac, const struct team *t, int nt, int k, int with_env)
{
	int per = with_env ? nt * 3 : nt;
	int team = with_env ? (k / 3) % nt : k % nt, round = k / per;
	const char *cc = ac->country != GEN_NONE ? country_codes[ac->country] : NULL;
	char suffix[16] = "";

	if (round > 0)
		snprintf(suffix, sizeof(suffix), "-%d", round + 1);
	if (with_env) {
		ac->env = (uint8_t)(k % 3);
		ac->name = xasprintf("%s-%s-%s%s", cc, t[team].name, env_names[ac->env], suffix);
		ac->email = xasprintf("aws+%s-%s-%s%s@corp.example", cc, t[team].slug,
		    env_names[ac->env], suffix);
	} else {
		ac->name = xasprintf("%s%s", t[team].name, suffix);
		ac->email = xasprintf("aws+%s%s@corp.example", t[team].slug, suffix);
	}
}

static void
gen__regions_for(struct org *o, int a)
{
	struct org_account *ac = &o->accounts[a];
	int r;

	ac->enabled = o->default_mask;
	for (r = 0; r < o->nregions; r++) {
		const char *rn = o->regions[r].name;
		double u = rnd_u01(rnd_h(o->seed, T_OPTIN, (uint64_t)a, (uint64_t)r, 0)), p = 0.05;
		int c = ac->country;

		if (o->regions[r].opt_in) {
			if (strcmp(rn, "af-south-1") == 0)
				p = 0.08;
			else if (strcmp(rn, "ap-east-1") == 0)
				p = (c == GEN_SG || c == GEN_JP) ? 0.3 : 0.03;
			else if (strcmp(rn, "eu-south-1") == 0)
				p = (c == GEN_DE || c == GEN_FR || c == GEN_UK) ? 0.4 : 0.05;
			else if (strcmp(rn, "me-central-1") == 0)
				p = 0.1;
			else if (strcmp(rn, "eu-central-2") == 0)
				p = c == GEN_DE ? 0.3 : 0.05;
			else if (strcmp(rn, "ap-southeast-3") == 0)
				p = (c == GEN_SG || c == GEN_AU) ? 0.2 : 0.03;
			if (u < p)
				ac->enabled |= 1ULL << r;
		}
		if ((c == GEN_DE || c == GEN_FR) && strncmp(rn, "eu-", 3) != 0)
			ac->scp_deny |= 1ULL << r;
		u = rnd_u01(rnd_h(o->seed, T_CFGOFF, (uint64_t)a, (uint64_t)r, 0));
		if (u < 0.04 || (ac->kind == ORG_K_SANDBOX && strcmp(rn, "us-east-1") != 0))
			ac->config_off |= 1ULL << r;
		u = rnd_u01(rnd_h(o->seed, T_GDOFF, (uint64_t)a, (uint64_t)r, 0));
		if (u < 0.04 || (ac->kind == ORG_K_SANDBOX && strcmp(rn, "us-east-1") != 0 &&
		    strcmp(rn, "us-west-2") != 0))
			ac->gd_off |= 1ULL << r;
	}
	/* Data residency: nothing runs where the SCP denies. */
	ac->config_off |= ac->scp_deny;
	ac->gd_off |= ac->scp_deny;
	/*
	 * The security account administers Config and GuardDuty for the whole
	 * organization, as AWS recommends: every region enabled, both services
	 * on everywhere (its aggregator and detectors see every member).
	 */
	if (ac->kind == ORG_K_SECURITY) {
		for (r = 0; r < o->nregions; r++)
			ac->enabled |= 1ULL << r;
		ac->config_off = ac->gd_off = 0;
	}
}

struct org *
gen_org(int n, uint64_t seed, char **cause)
{
	struct org *o;
	int counts[GEN_NCOUNTRIES] = {0}, ninfra = 0, nsandbox = 0, nsusp = 0, i;

	if (n < 1 || n > 1000000) {
		*cause = xasprintf("--accounts must be between 1 and 1000000, not %d", n);
		return NULL;
	}
	o = org_new(seed);
	gen_regions(o);
	gen_ids(o);
	gen__ous(o);
	o->accounts = xcalloc((size_t)n, sizeof(*o->accounts));
	o->naccounts = n;
	for (i = 0; i < n; i++) {
		struct org_account *ac = &o->accounts[i];
		uint64_t h = rnd_h(seed, T_KIND, (uint64_t)i, 0, 0);
		double u = rnd_u01(h);

		gen_account_id(seed, i, ac->id, &ac->num);
		ac->country = GEN_NONE;
		ac->status = ORG_ACTIVE;
		ac->joined = 1483228800.0 + rnd_below(rnd_h(seed, T_JOINED, (uint64_t)i, 0, 0), 252460800) +
		    rnd_below(rnd_h(seed, T_JOINED, (uint64_t)i, 1, 0), 1000) / 1000.0;
		if (i == 0) {
			ac->kind = ORG_K_MGMT;
			ac->ou = OU_ROOT;
			ac->name = xstrdup("hq-management");
			ac->email = xstrdup("aws-root@corp.example");
			ac->joined = 1483228800.123;
		} else if (i == 1) {
			ac->kind = ORG_K_SECURITY;
			ac->ou = OU_SECURITY;
			ac->name = xstrdup("security-tooling");
			ac->email = xstrdup("aws+security-tooling@corp.example");
		} else if (i == 2) {
			ac->kind = ORG_K_LOG;
			ac->ou = OU_SECURITY;
			ac->name = xstrdup("log-archive");
			ac->email = xstrdup("aws+log-archive@corp.example");
		} else if (i == 3) {
			ac->kind = ORG_K_SHARED;
			ac->ou = OU_INFRA;
			ac->name = xstrdup("shared-services");
			ac->email = xstrdup("aws+shared-services@corp.example");
		} else if (u < 0.04) {
			ac->kind = ORG_K_INFRA;
			ac->ou = OU_INFRA;
			gen__name(ac, infra_names, 7, ninfra++, 0);
		} else if (u < 0.16) {
			ac->kind = ORG_K_SANDBOX;
			ac->ou = OU_SANDBOX;
			gen__name(ac, sandbox_names, 10, nsandbox++, 0);
		} else if (u < 0.20) {
			ac->kind = ORG_K_SUSPENDED;
			ac->ou = OU_SUSPENDED;
			ac->status = rnd_u01(h ^ 0x51) < 0.15 ? ORG_PENDING_CLOSURE : ORG_SUSPENDED;
			gen__name(ac, suspended_names, 5, nsusp++, 0);
		} else {
			double v = rnd_u01(rnd_h(seed, T_COUNTRY, (uint64_t)i, 0, 0)), acc = 0;
			int c;
			for (c = 0; c < GEN_NCOUNTRIES - 1; c++) {
				acc += country_weight[c];
				if (v < acc)
					break;
			}
			ac->kind = ORG_K_WORKLOAD;
			ac->country = (uint8_t)c;
			ac->ou = country_ou_idx[c];
			gen__name(ac, teams[c].t, teams[c].n, counts[c]++, 1);
		}
		if (i >= 4 && ac->kind != ORG_K_SUSPENDED) {
			double v = rnd_u01(rnd_h(seed, T_REFUSE, (uint64_t)i, 0, 0));
			if (v < 0.04)
				ac->refuse = ORG_ROLE_OAAR | ORG_ROLE_AUDIT;
			else if (v < 0.07)
				ac->refuse = ORG_ROLE_AUDIT;
		}
		gen__regions_for(o, i);
	}
	o->mgmt = 0;
	if (n > 1) {
		o->security = 1;
		o->agg_account = 1;
		snprintf(o->agg_name, sizeof(o->agg_name), "org-aggregator");
	}
	gen_identity(o);
	o->agg_region = o->sso_region;
	if (org_index(o, cause) < 0) {
		org_free(o);
		return NULL;
	}
	return o;
}
