#!/usr/bin/env python3
# timeout: 240
"""Conformance: Debian's awscli 2.9.19 (its own botocore and models) against awsim.

Every API orgtop uses, called the way a person would at a shell
(`aws --endpoint-url ... <service> <command>`, the CLI's own paginators,
JSON output), each parsed answer compared with `awsim --dump-truth` for the
same organization; then the errors the CLI must print. The CLI runs in a
private HOME with empty config files, so nothing of the user's leaks in,
and signs a few more headers than botocore 1.43: awsim must verify both.
Commands run three at a time: each costs a Python start-up (~1 s).
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conflib  # noqa: E402
from conflib import SESSION, ROLE, SIG_MESSAGE, Truth, bands, cents, gd_truth, spread  # noqa: E402
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402

ORG = ("--accounts", "24", "--seed", "31")
SSO_TOKEN = "conformance-cli-sso-token"
CONTAINER_TOKEN = "conformance-cli-container-token"
ERR = re.compile(r"An error occurred \(([\w.]+)\) when calling the (\w+) operation"
                 r"(?: \(reached max retries: (\d+)\))?: (.*)")


def debian_aws():
    """Debian's aws binary (a PyPI `aws` may come first on PATH)."""
    try:
        out = subprocess.run(["dpkg", "-L", "awscli"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=30).stdout.decode()
        for line in out.splitlines():
            if re.search(r"/bin/aws$", line) and os.access(line, os.X_OK):
                return line
    except (OSError, subprocess.TimeoutExpired):
        pass
    return None


AWS = debian_aws()

SKEW_SITECUSTOMIZE = """\
import datetime as _dt
import os as _os

_shift = _dt.timedelta(minutes=float(_os.environ.get("ORGTOP_CONF_SKEW_MINUTES", "0")))
_real = _dt.datetime


class _Skewed(_real):
    @classmethod
    def utcnow(cls):
        return _real.utcnow() + _shift

    @classmethod
    def now(cls, tz=None):
        return _real.now(tz) + _shift


_dt.datetime = _Skewed
"""


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")
        self.json = json.loads(self.out) if self.rc == 0 and self.out.strip() else None
        m = ERR.search(self.err)
        self.code, self.op, self.retries, self.message = (
            (m.group(1), m.group(2), m.group(3), m.group(4).strip()) if m else (None,) * 4)

    def __repr__(self):
        return "aws %s -> rc %d %s" % (" ".join(self.args), self.rc, self.err.strip()[:300])


class Cli:
    """Debian's aws pointed at one awsim, in a private HOME."""

    runs = 0  # invocations, all instances (each is a process start-up)

    def __init__(self, sim, home):
        self.sim = sim
        self.home = home
        for name in ("config", "credentials"):
            open(os.path.join(home, name), "w").close()
        self.base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
                     "LANG": "C.UTF-8", "AWS_CONFIG_FILE": os.path.join(home, "config"),
                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
                     "AWS_PAGER": "", "AWS_EC2_METADATA_DISABLED": "true",
                     "AWS_DEFAULT_REGION": "us-east-1"}

    def env(self, creds=None, extra=None, region="us-east-1"):
        env = dict(self.base)
        if creds is not False:
            key, secret, token = creds or (self.sim.access_key, self.sim.secret_key, None)
            env.update({"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret})
            if token:
                env["AWS_SESSION_TOKEN"] = token
        env["AWS_DEFAULT_REGION"] = region
        env.update(extra or {})
        return env

    def run(self, *args, creds=None, region="us-east-1", extra=None, endpoint=True):
        cmd = [AWS] + (["--endpoint-url", self.sim.endpoint] if endpoint else []) + \
            ["--output", "json", "--no-cli-pager", "--region", region] + list(args)
        Cli.runs += 1
        p = subprocess.run(cmd, env=self.env(creds, extra, region), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return Result(list(args), p)

    def many(self, calls):
        """calls: [(args tuple, kwargs dict)], run three at a time; results in order."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
            futs = [ex.submit(self.run, *a, **kw) for a, kw in calls]
            return [f.result() for f in futs]


def ok(test, r):
    test.assertEqual(r.rc, 0, r)
    return r.json


def failed(test, r, code, status_rc=254):
    test.assertEqual((r.rc, r.code), (status_rc, code), r)
    return r


@unittest.skipIf(AWS is None, "Debian's awscli is not installed (make deps installs it)")
class AwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="orgtop-awscli-")
        cls.t = Truth(*ORG)
        cls.sim = Awsim(*ORG, "--page-size", "5", "--ce-page-size", "120",
                        "--sso-token", SSO_TOKEN, "--container-token", CONTAINER_TOKEN).start()
        cls.cli = Cli(cls.sim, cls.home)
        members = cls.t.members()
        cls.sample = [members[i] for i in (2, len(members) // 2, len(members) - 1)]
        if not any(a["name"] == "security-tooling" for a in cls.sample):
            cls.sample.append(cls.t.accounts[cls.t.security])
        rs = cls.cli.many([(("sts", "assume-role", "--role-arn",
                             "arn:aws:iam::%s:role/%s" % (a["id"], ROLE),
                             "--role-session-name", SESSION), {}) for a in cls.sample])
        cls.keys = {cls.t.mgmt: None}
        for a, r in zip(cls.sample, rs):
            if r.rc != 0:
                raise AssertionError(repr(r))
            c = r.json["Credentials"]
            cls.keys[a["id"]] = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.home, ignore_errors=True)
        print("# %d aws invocations" % Cli.runs, flush=True)

    def tearDown(self):
        self.sim.faults({"throttle": 0, "clear_rules": True})

    def pages_of(self, before, op):
        return self.sim.stats()["by_operation"].get(op, 0) - before.get(op, 0)

    # --- STS -----------------------------------------------------------------------
    def test_sts(self):
        a = self.sample[0]
        calls = [(("sts", "get-caller-identity"), {}),
                 (("sts", "get-caller-identity"), {"creds": self.keys[a["id"]], "region": "eu-west-1"})]
        refusing, suspended = self.t.refusing()[0], self.t.suspended()[0]
        for x in (refusing, suspended):
            calls.append((("sts", "assume-role", "--role-arn", "arn:aws:iam::%s:role/%s" % (x["id"], ROLE),
                           "--role-session-name", SESSION), {}))
        me, member, ref, sus = self.cli.many(calls)
        self.assertEqual(ok(self, me)["Account"], self.t.mgmt)
        self.assertEqual(ok(self, me)["Arn"], "arn:aws:iam::%s:user/awsim-admin" % self.t.mgmt)
        self.assertEqual(ok(self, member)["Arn"],
                         "arn:aws:sts::%s:assumed-role/%s/%s" % (a["id"], ROLE, SESSION))
        failed(self, ref, "AccessDenied")
        self.assertEqual(ref.message, refusing["access"]["reason"])
        failed(self, sus, "AccessDenied")

    # --- Organizations ----------------------------------------------------------------
    def test_organizations(self):
        before = self.sim.stats()["by_operation"]
        # One branch of the tree down to a country, and its siblings (test_boto3 walks it all:
        # each CLI call costs a Python start-up).
        path = {o["path"]: o["id"] for o in self.t.doc["ous"]}
        ous = [path[p] for p in ("Root", "Root/Workloads", "Root/Workloads/AMER",
                                 "Root/Workloads/AMER/US", "Root/Security", "Root/Sandbox")]
        calls = [(("organizations", "describe-organization"), {}),
                 (("organizations", "list-roots"), {}),
                 (("organizations", "list-accounts"), {})]
        calls += [(("organizations", "list-organizational-units-for-parent", "--parent-id", o), {})
                  for o in ous]
        calls += [(("organizations", "list-accounts-for-parent", "--parent-id", o), {}) for o in ous]
        picks = [next(a for a in self.t.doc["accounts"] if a["ou_path"].count("/") >= 3)]
        calls += [(("organizations", "list-parents", "--child-id", a["id"]), {}) for a in picks]
        rs = self.cli.many(calls)
        org = ok(self, rs[0])["Organization"]
        self.assertEqual((org["Id"], org["MasterAccountId"]), (self.t.org_id, self.t.mgmt))
        self.assertEqual([r["Id"] for r in ok(self, rs[1])["Roots"]], [self.t.root])
        listed = ok(self, rs[2])["Accounts"]
        self.assertEqual(sorted(a["Id"] for a in listed), sorted(self.t.accounts))
        for a in listed:
            conflib.check_account(self, self.t, a, conflib.parse_time(a["JoinedTimestamp"]))
        n = len(ous)
        ou_kids = {o: [(x["Id"], x["Name"]) for x in ok(self, r)["OrganizationalUnits"]]
                   for o, r in zip(ous, rs[3:3 + n])}
        acct_kids = {o: ok(self, r)["Accounts"] for o, r in zip(ous, rs[3 + n:3 + 2 * n])}
        for o in ous:
            self.assertEqual(sorted(ou_kids[o]), sorted((x["id"], x["name"]) for x in self.t.doc["ous"]
                                                        if x["parent"] == o), o)
            self.assertEqual(sorted(a["Id"] for a in acct_kids[o]),
                             sorted(a["id"] for a in self.t.doc["accounts"] if a["ou_id"] == o), o)
            for a in acct_kids[o]:
                conflib.check_account(self, self.t, a, conflib.parse_time(a["JoinedTimestamp"]))
                self.assertEqual(self.t.accounts[a["Id"]]["ou_path"], self.t.ou_path_of(o))
        for a, r in zip(picks, rs[3 + 2 * n:]):
            self.assertEqual([p["Id"] for p in ok(self, r)["Parents"]], [a["ou_id"]])
        # The CLI's paginator crossed pages (awsim's pages hold 5 items, some none).
        self.assertGreaterEqual(self.pages_of(before, "organizations:ListAccounts"),
                                len(self.t.accounts) // 5)
        self.assertGreater(self.pages_of(before, "organizations:ListAccountsForParent"), n)
        self.assertGreaterEqual(self.pages_of(before, "organizations:ListOrganizationalUnitsForParent"), n)

    def test_account_list_regions(self):
        # Debian's awscli 2.9.19 ships an "account" model without ListRegions (only the
        # alternate-contact and contact-information operations); test_boto3 covers it.
        r = self.cli.run("account", "list-regions")
        self.assertEqual(r.rc, 252, r)  # the CLI's "invalid choice" usage error
        self.assertIn("invalid choice", r.err.lower())
        self.skipTest("Debian's awscli 2.9.19 has no account list-regions (its account model "
                      "predates ListRegions); covered by test_boto3.py")

    # --- Config ------------------------------------------------------------------------
    def config_sample(self):
        """(account, region) cells covering every state, over the sampled accounts."""
        out = []
        for st in ("ok", "ok", "disabled", "region_off", "denied"):
            cands = [c for c in self.t.cells(st, "config", self.sample) if c not in out]
            if cands:
                out.append(cands[len(out) * 7 % len(cands)])
        return out

    def test_config_per_account(self):
        cells = self.config_sample()
        self.assertEqual(len(cells), 5)
        calls, want = [], {"ok": 3, "disabled": 2, "region_off": 1, "denied": 1}
        for acct, region in cells:
            kw = {"creds": self.keys[acct], "region": region}
            n = want[self.t.accounts[acct]["cells"][region]["config"]["state"]]
            calls += [(("configservice", "get-compliance-summary-by-config-rule"), kw),
                      (("configservice", "describe-config-rules"), kw),
                      (("configservice", "describe-compliance-by-config-rule"), kw)][:n]
        rs = self.cli.many(calls)
        for acct, region in cells:
            cell = self.t.accounts[acct]["cells"][region]["config"]
            summ, rules, comp = (rs[:want[cell["state"]]] + [None] * 3)[:3]
            rs = rs[want[cell["state"]]:]
            if cell["state"] == "region_off":
                failed(self, summ, "UnrecognizedClientException")
                continue
            if cell["state"] == "denied":
                failed(self, summ, "AccessDeniedException")
                self.assertEqual(summ.message, cell["reason"])
                continue
            s = ok(self, summ)["ComplianceSummary"]
            defs = ok(self, rules)["ConfigRules"]
            if cell["state"] == "disabled":
                self.assertEqual(defs, [])
                self.assertEqual(s["NonCompliantResourceCount"]["CappedCount"], 0)
                continue
            byr = ok(self, comp)["ComplianceByConfigRules"]
            self.assertEqual((s["CompliantResourceCount"]["CappedCount"],
                              s["NonCompliantResourceCount"]["CappedCount"]),
                             (cell["compliant"], cell["noncompliant"]), (acct, region))
            kinds = [x["Compliance"]["ComplianceType"] for x in byr]
            self.assertEqual((min(kinds.count("COMPLIANT"), 25), min(kinds.count("NON_COMPLIANT"), 25)),
                             (cell["compliant"], cell["noncompliant"]), (acct, region))
            self.assertEqual(sorted(d["ConfigRuleName"] for d in defs),
                             sorted(x["ConfigRuleName"] for x in byr))
            self.assertGreater(len(defs), 5, "several pages of 5")

    def test_config_aggregator(self):
        sec = self.keys[self.t.security]
        name = ok(self, self.cli.run("configservice", "describe-configuration-aggregators",
                                     creds=sec))["ConfigurationAggregators"][0]["ConfigurationAggregatorName"]
        a = self.sample[0]
        region = next(r for r in self.t.regions if a["cells"][r]["config"]["state"] == "ok")
        detail, first = self.cli.many([
            (("configservice", "describe-aggregate-compliance-by-config-rules",
              "--configuration-aggregator-name", name,
              "--filters", "AccountId=%s,AwsRegion=%s" % (a["id"], region)), {"creds": sec}),
            (("configservice", "get-aggregate-config-rule-compliance-summary",
              "--configuration-aggregator-name", name, "--group-by-key", "AWS_REGION",
              "--filters", "AccountId=%s" % a["id"]), {"creds": sec})])
        kinds = [x["Compliance"]["ComplianceType"]
                 for x in ok(self, detail)["AggregateComplianceByConfigRules"]]
        cell = a["cells"][region]["config"]
        self.assertEqual((min(kinds.count("COMPLIANT"), 25), min(kinds.count("NON_COMPLIANT"), 25)),
                         (cell["compliant"], cell["noncompliant"]))
        # No CLI paginator for the summary: follow --next-token by hand.
        groups, r = {}, first
        while True:
            doc = ok(self, r)
            for g in doc["AggregateComplianceCounts"]:
                cs = g["ComplianceSummary"]
                groups[g["GroupName"]] = (cs["CompliantResourceCount"]["CappedCount"],
                                          cs["NonCompliantResourceCount"]["CappedCount"])
            if not doc.get("NextToken"):
                break
            r = self.cli.run("configservice", "get-aggregate-config-rule-compliance-summary",
                             "--configuration-aggregator-name", name, "--group-by-key", "AWS_REGION",
                             "--filters", "AccountId=%s" % a["id"], "--next-token", doc["NextToken"],
                             creds=sec)
        want = {rg: (c["config"]["compliant"], c["config"]["noncompliant"])
                for rg, c in a["cells"].items() if c["config"]["state"] == "ok"}
        self.assertEqual(groups, want)

    # --- GuardDuty ------------------------------------------------------------------------
    def test_guardduty_per_account(self):
        cells = []
        for st in ("ok", "ok", "disabled", "region_off", "denied"):
            cands = [c for c in self.t.cells(st, "guardduty", self.sample)
                     if c not in cells and c[0] != self.t.security]
            if cands:
                cells.append(cands[len(cells) * 5 % len(cands)])
        self.assertEqual(len(cells), 5)
        rs = self.cli.many([(("guardduty", "list-detectors"), {"creds": self.keys[a], "region": r})
                            for a, r in cells])
        stats = []
        for (acct, region), r in zip(cells, rs):
            cell = self.t.accounts[acct]["cells"][region]["guardduty"]
            if cell["state"] == "region_off":
                failed(self, r, "UnrecognizedClientException")
            elif cell["state"] == "denied":
                failed(self, r, "AccessDeniedException")
                self.assertEqual(r.message, cell["reason"])
            elif cell["state"] == "disabled":
                self.assertEqual(ok(self, r)["DetectorIds"], [])
            else:
                dets = ok(self, r)["DetectorIds"]
                self.assertEqual(len(dets), 1)
                stats.append((acct, region, dets[0]))
        crit = json.dumps({"Criterion": {"service.archived": {"Eq": ["false"]}}})
        calls = []
        for acct, region, det in stats:
            kw = {"creds": self.keys[acct], "region": region}
            calls += [(("guardduty", "get-findings-statistics", "--detector-id", det,
                        "--finding-statistic-types", "COUNT_BY_SEVERITY", "--finding-criteria", crit), kw),
                      (("guardduty", "list-findings", "--detector-id", det, "--finding-criteria", crit,
                        "--page-size", "2"), kw)]
        acct, region, det = stats[0]
        calls.append((("guardduty", "get-detector", "--detector-id", det),
                      {"creds": self.keys[acct], "region": region}))
        rs = self.cli.many(calls)
        self.assertEqual(ok(self, rs[-1])["Status"], "ENABLED")
        found = False
        for i, (acct, region, det) in enumerate(stats):
            st, lf = rs[2 * i:2 * i + 2]
            want = gd_truth(self.t.accounts[acct]["cells"][region])
            self.assertEqual(bands(ok(self, st)["FindingStatistics"]["CountBySeverity"]), want)
            ids = ok(self, lf)["FindingIds"]
            self.assertEqual(len(ids), sum(want[:4]))
            if ids and not found:
                found = True
                fs = ok(self, self.cli.run("guardduty", "get-findings", "--detector-id", det,
                                           "--finding-ids", *ids[:50], creds=self.keys[acct],
                                           region=region))["Findings"]
                sev = [f["Severity"] for f in fs]
                self.assertEqual(bands({str(s): sev.count(s) for s in set(sev)}), want)
                self.assertTrue(all(f["AccountId"] == acct and f["Region"] == region for f in fs))
        self.assertTrue(found, "no sampled cell has findings")

    def test_guardduty_delegated_admin(self):
        sec = self.t.security
        region = next(r for r in self.t.regions
                      if self.t.accounts[sec]["cells"][r]["guardduty"]["state"] == "ok")
        kw = {"creds": self.keys[sec], "region": region}
        det = ok(self, self.cli.run("guardduty", "list-detectors", **kw))["DetectorIds"][0]
        members = {m["AccountId"] for m in ok(self, self.cli.run(
            "guardduty", "list-members", "--detector-id", det, **kw))["Members"]}
        for a in self.t.reachable():
            st = a["cells"][region]["guardduty"]["state"]
            if a["id"] != sec and st == "ok":
                self.assertIn(a["id"], members)
            elif a["id"] == sec or st != "ok":
                self.assertNotIn(a["id"], members, (a["id"], st))

    # --- Budgets, Cost Explorer ---------------------------------------------------------------
    def test_budgets(self):
        accts = [self.t.mgmt] + [a["id"] for a in self.sample[:2]]
        rs = self.cli.many([(("budgets", "describe-budgets", "--account-id", a, "--page-size", "1"),
                             {"creds": self.keys[a]}) for a in accts])
        for a, r in zip(accts, rs):
            conflib.check_budgets(self, self.t, a, ok(self, r)["Budgets"])

    def test_cost_explorer(self):
        start, end = conflib.month_to_date()
        args = ["ce", "get-cost-and-usage", "--time-period", "Start=%s,End=%s" % (start, end),
                "--granularity", "MONTHLY", "--metrics", "UnblendedCost", "--group-by",
                "Type=DIMENSION,Key=LINKED_ACCOUNT", "Type=DIMENSION,Key=REGION"]
        groups, tok, npages = {}, None, 0
        before = self.sim.stats()["ce_calls"]
        while True:  # no paginator for GetCostAndUsage: --next-page-token by hand
            doc = ok(self, self.cli.run(*(args + (["--next-page-token", tok] if tok else []))))
            npages += 1
            for rb in doc["ResultsByTime"]:
                for g in rb["Groups"]:
                    groups[tuple(g["Keys"])] = cents(g["Metrics"]["UnblendedCost"]["Amount"])
            tok = doc.get("NextPageToken")
            if not tok:
                break
        self.assertGreater(npages, 1)
        self.assertEqual(self.sim.stats()["ce_calls"] - before, npages)
        conflib.check_ce_groups(self, self.t, groups)

    # --- IAM Identity Center, the SSO portal -------------------------------------------------
    def test_sso_admin_identitystore(self):
        inst = ok(self, self.cli.run("sso-admin", "list-instances"))["Instances"]
        self.assertEqual(len(inst), 1)
        arn, store = inst[0]["InstanceArn"], inst[0]["IdentityStoreId"]
        psets = ok(self, self.cli.run("sso-admin", "list-permission-sets", "--instance-arn", arn))[
            "PermissionSets"]
        rs = self.cli.many([(("sso-admin", "describe-permission-set", "--instance-arn", arn,
                              "--permission-set-arn", p), {}) for p in psets])
        name = {p: ok(self, r)["PermissionSet"]["Name"] for p, r in zip(psets, rs)}
        # An account with both users and groups assigned (Identity Center is read from the
        # management account: no role needed).
        a = next(x for x in self.t.active()[1:]
                 if {"USER", "GROUP"} <= {y["principal_type"] for y in x["sso"]["assignments"]})
        mine = [p for p in psets if any(x["permission_set"] == name[p] for x in a["sso"]["assignments"])]
        calls = [(("sso-admin", "list-account-assignments", "--instance-arn", arn,
                   "--account-id", a["id"], "--permission-set-arn", p), {}) for p in mine]
        calls += [(("sso-admin", "list-accounts-for-provisioned-permission-set", "--instance-arn", arn,
                    "--permission-set-arn", p), {}) for p in mine[:2]]
        rs = self.cli.many(calls)
        active = {x["id"] for x in self.t.active()}
        for p, r in zip(mine[:2], rs[len(mine):]):
            want = {x["id"] for x in self.t.active()
                    if any(y["permission_set"] == name[p] for y in x["sso"]["assignments"])}
            self.assertEqual(set(ok(self, r)["AccountIds"]) & active, want, name[p])
        rs = rs[:len(mine)]
        rows = [(name[p], x["PrincipalType"], x["PrincipalId"])
                for p, r in zip(mine, rs) for x in ok(self, r)["AccountAssignments"]]
        who = sorted({(t, i) for _, t, i in rows})
        rs = self.cli.many([(("identitystore", "describe-user" if t == "USER" else "describe-group",
                              "--identity-store-id", store, "--user-id" if t == "USER" else "--group-id", i),
                             {}) for t, i in who])
        names = {}
        for (t, i), r in zip(who, rs):
            doc = ok(self, r)
            names[t, i] = doc["UserName"] if t == "USER" else doc["DisplayName"]
        self.assertEqual({t for t, _ in who}, {"USER", "GROUP"})
        got = {(p, t, names[t, i]) for p, t, i in rows}
        want = {(x["permission_set"], x["principal_type"], x["principal"]) for x in a["sso"]["assignments"]}
        self.assertEqual(got, want)

    def test_sso_portal_get_role_credentials(self):
        a = self.sample[2]
        pset = a["sso"]["assignments"][0]["permission_set"]
        good, bad = self.cli.many([
            (("sso", "get-role-credentials", "--role-name", pset, "--account-id", a["id"],
              "--access-token", SSO_TOKEN), {"creds": False}),
            (("sso", "get-role-credentials", "--role-name", pset, "--account-id", a["id"],
              "--access-token", "expired-or-forged"), {"creds": False})])
        rc = ok(self, good)["roleCredentials"]
        self.assertGreater(rc["expiration"] / 1000.0, time.time() + 600, "expiration is in ms")
        failed(self, bad, "UnauthorizedException")
        who = ok(self, self.cli.run("sts", "get-caller-identity", creds=(
            rc["accessKeyId"], rc["secretAccessKey"], rc["sessionToken"])))
        self.assertEqual(who["Account"], a["id"])
        self.assertIn(":assumed-role/AWSReservedSSO_%s_" % pset, who["Arn"])

    # --- credentials from IMDSv2 and the container endpoint, resolved by the CLI itself ------
    def test_imds_and_container_credentials(self):
        imds, container = self.cli.many([
            (("sts", "get-caller-identity"), {"creds": False, "extra": {
                "AWS_EC2_METADATA_DISABLED": "false",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.sim.endpoint + "/"}}),
            (("sts", "get-caller-identity"), {"creds": False, "extra": {
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.sim.endpoint + "/v2/credentials/task",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN}})])
        self.assertEqual(ok(self, imds)["Arn"], "arn:aws:sts::%s:assumed-role/awsim-instance-role/"
                         "i-0awsim0instance" % self.t.mgmt)
        self.assertEqual(ok(self, container)["Arn"], "arn:aws:sts::%s:assumed-role/"
                         "awsim-container-role/awsim-task" % self.t.mgmt)

    def test_hostile_names(self):
        # Escape sequences, bidi, C1 and astral characters in names: the CLI decodes and
        # prints them (as JSON) exactly as the scenario states them.
        scen = os.path.join(conflib.HERE, "..", "awsim", "scenarios", "hostile.json")
        t = conflib.dump_truth("--scenario", scen)
        with Awsim("--scenario", scen, "--page-size", "2") as sim:
            r = Cli(sim, self.home).run("organizations", "list-accounts")
        names = {a["Id"]: a["Name"] for a in ok(self, r)["Accounts"]}
        self.assertEqual(names, {a["id"]: a["name"] for a in t["accounts"]})
        self.assertTrue(any("\x1b]0;" in n for n in names.values()))

    # --- the errors the CLI prints ------------------------------------------------------------
    def test_wrong_secret_and_unknown_key(self):
        bad = (self.sim.access_key, "x" * 40, None)
        unknown = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
        sts, gd, unk = self.cli.many([
            (("sts", "get-caller-identity"), {"creds": bad}),
            (("guardduty", "list-detectors"), {"creds": bad}),
            (("organizations", "describe-organization"), {"creds": unknown})])
        failed(self, sts, "SignatureDoesNotMatch")
        self.assertIn("An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity "
                      "operation: " + SIG_MESSAGE, sts.err)
        failed(self, gd, "InvalidSignatureException")
        self.assertEqual(gd.message, SIG_MESSAGE)
        failed(self, unk, "UnrecognizedClientException")
        self.assertEqual(unk.message, "The security token included in the request is invalid.")

    def test_clock_skew(self):
        # The CLI's own clock 20 minutes slow: a sitecustomize on PYTHONPATH shifts
        # datetime for the whole CLI process, as a wrong system clock would.
        d = os.path.join(self.home, "skew")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "sitecustomize.py"), "w") as f:
            f.write(SKEW_SITECUSTOMIZE)
        extra = {"PYTHONPATH": d, "ORGTOP_CONF_SKEW_MINUTES": "-20"}
        sts, org = self.cli.many([(("sts", "get-caller-identity"), {"extra": extra}),
                                  (("organizations", "describe-organization"), {"extra": extra})])
        pat = (r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
               r"\(\d{8}T\d{6}Z - %d min\.\)$")
        failed(self, sts, "SignatureDoesNotMatch")
        self.assertRegex(sts.message, pat % 15)
        failed(self, org, "InvalidSignatureException")
        self.assertRegex(org.message, pat % 5)

    def test_member_asks_for_another_account(self):
        a, b = self.sample[0], self.sample[1]
        k = self.keys[a["id"]]
        budgets, org, role = self.cli.many([
            (("budgets", "describe-budgets", "--account-id", b["id"]), {"creds": k}),
            (("organizations", "list-accounts"), {"creds": k}),
            (("sts", "assume-role", "--role-arn", "arn:aws:iam::%s:role/%s" % (b["id"], ROLE),
              "--role-session-name", SESSION), {"creds": k})])
        for r in (budgets, org):
            failed(self, r, "AccessDeniedException")
        failed(self, role, "AccessDenied")

    def test_throttling_retried_by_the_cli(self):
        # The CLI's standard retry mode (3 attempts) retries each service's throttling code;
        # these come with 400 or 429, which its transient rules (5xx) do not cover, so a
        # retry proves the CLI classified them as throttling.
        a = self.sample[0]
        region = next(r for r in self.t.regions if a["cells"][r]["guardduty"]["state"] == "ok")
        self.sim.faults({"rules": [{"api": "organizations:DescribeOrganization", "throttle": {"first": 2}},
                                   {"api": "guardduty:ListDetectors", "throttle": {"first": 2}},
                                   {"api": "sts:GetCallerIdentity", "throttle": "always"}]})
        before = self.sim.stats()["by_operation"]
        org, gd, sts = self.cli.many([
            (("organizations", "describe-organization"), {}),
            (("guardduty", "list-detectors"), {"creds": self.keys[a["id"]], "region": region}),
            (("sts", "get-caller-identity"), {})])
        self.assertEqual(ok(self, org)["Organization"]["Id"], self.t.org_id)
        self.assertEqual(len(ok(self, gd)["DetectorIds"]), 1)
        failed(self, sts, "Throttling")
        self.assertEqual(sts.retries, "2")
        self.assertIn(sts.code, conflib.BOTOCORE_THROTTLING)
        for op in ("organizations:DescribeOrganization", "guardduty:ListDetectors",
                   "sts:GetCallerIdentity"):
            self.assertEqual(self.pages_of(before, op), 3, op)

    def test_expired_session(self):
        with Awsim(*ORG, "--session-seconds", "3") as sim:
            cli = Cli(sim, self.home)
            a = self.sample[0]
            r = ok(self, cli.run("sts", "assume-role", "--role-session-name", SESSION,
                                 "--role-arn", "arn:aws:iam::%s:role/%s" % (a["id"], ROLE)))
            c = r["Credentials"]
            keys = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            left = conflib.parse_time(c["Expiration"]) - time.time()
            self.assertLessEqual(left, 3.5)
            time.sleep(max(0.0, left) + 1.2)
            sts, org = cli.many([(("sts", "get-caller-identity"), {"creds": keys}),
                                 (("organizations", "describe-organization"), {"creds": keys})])
            failed(self, sts, "ExpiredToken")
            self.assertEqual(sts.message, "The security token included in the request is expired")
            failed(self, org, "ExpiredTokenException")

    def test_malformed_pagination_token(self):
        a = self.sample[0]
        region = next(r for r in self.t.regions if a["cells"][r]["config"]["state"] == "ok")
        k = self.keys[a["id"]]
        start, end = conflib.month_to_date()
        rs = self.cli.many([
            (("organizations", "list-accounts", "--starting-token", "forged"), {}),
            (("configservice", "describe-compliance-by-config-rule", "--starting-token", "forged"),
             {"creds": k, "region": region}),
            (("budgets", "describe-budgets", "--account-id", a["id"], "--starting-token", "forged"),
             {"creds": k}),
            (("ce", "get-cost-and-usage", "--time-period", "Start=%s,End=%s" % (start, end),
              "--granularity", "MONTHLY", "--metrics", "UnblendedCost", "--next-page-token", "forged"), {})])
        for r, code in zip(rs, ("InvalidInputException", "InvalidNextTokenException",
                                "InvalidNextTokenException", "InvalidNextTokenException")):
            failed(self, r, code)
        self.assertIn("nextToken", rs[0].message)


if __name__ == "__main__":
    taptest.main()
