#!/usr/bin/env python3
# timeout: 240
"""Conformance: boto3/botocore 1.43 against awsim, for every API orgtop uses.

Each answer is parsed by botocore's own models and paginators and compared
with `awsim --dump-truth` for the same organization: the org tree, regions,
Config and GuardDuty per account x region (through AssumeRole, as orgtop
reads them), the aggregators, budgets, Cost Explorer, Identity Center, the
SSO portal, IMDSv2 and the container endpoint through botocore's own
credential providers; then the errors botocore must see (signatures, keys,
expiry, skew, scope, throttling, pagination tokens).
"""
import atexit
import datetime
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import unittest
from unittest import mock

# Nothing of the user's AWS setup may leak in: a private HOME (botocore reads its
# cache directories from it at import) and no AWS_* variables.
HOME = tempfile.mkdtemp(prefix="orgtop-conformance-")
atexit.register(shutil.rmtree, HOME, True)
EMPTY = os.path.join(HOME, "no-aws-config")
for _k in [k for k in os.environ if k.startswith("AWS_") and k != "AWS_DATA_PATH"]:
    del os.environ[_k]
os.environ.update({"HOME": HOME, "AWS_CONFIG_FILE": EMPTY, "AWS_SHARED_CREDENTIALS_FILE": EMPTY,
                   "AWS_EC2_METADATA_DISABLED": "true"})

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conflib  # noqa: E402
from conflib import SESSION, ROLE, SIG_MESSAGE, Truth, bands, cents, gd_truth, spread  # noqa: E402
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.credentials  # noqa: E402
import botocore.endpoint  # noqa: E402
import botocore.retries.standard  # noqa: E402
import botocore.session  # noqa: E402
import botocore.utils  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from botocore.retries.standard import RetryContext, ThrottlingErrorDetector  # noqa: E402

ORG = ("--accounts", "48", "--seed", "23")
SSO_TOKEN = "conformance-sso-token-0001"
CONTAINER_TOKEN = "conformance-container-token"


# What an older botocore (Debian 12's 1.29) lacks, so the tests that need it skip
# with the reason instead of failing: its own providers' clients follow
# AWS_ENDPOINT_URL from 1.31 on; the "before-parse" event (the wire check) and the
# internals two tests patch are newer too.
OLD = "botocore %s predates " % botocore.__version__
ENDPOINT_URL_ENV = tuple(int(x) for x in botocore.__version__.split(".")[:2]) >= (1, 31)
BEFORE_PARSE = "before-parse" in open(botocore.endpoint.__file__).read()
if not BEFORE_PARSE:
    print("# %sthe before-parse event: answers are parsed, not also held to the models" % OLD)


def boto3_session(key, secret, token=None):
    return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                 aws_session_token=token, region_name="us-east-1")


def fail(fn, *a, **kw):
    """(code, status, message, ClientError) of a call that must fail."""
    try:
        fn(*a, **kw)
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response["Error"].get("Message", ""), e)
    raise AssertionError("%s succeeded; an error was expected" % getattr(fn, "__name__", fn))


class Sim:
    """One awsim plus a botocore session whose clients are cached by (service, region, keys)."""

    def __init__(self, *args):
        self.sim = Awsim(*args).start()
        self.session = botocore.session.Session()
        self.wire = conflib.WireChecker()
        self.session.register("before-parse", self.wire.hook)
        self._clients = {}

    def client(self, service, region="us-east-1", creds=None, attempts=1):
        key, secret, token = creds or (self.sim.access_key, self.sim.secret_key, None)
        k = (service, region, key, secret, token, attempts)
        if k not in self._clients:
            cfg = Config(retries={"mode": "standard", "total_max_attempts": attempts},
                         connect_timeout=5, read_timeout=30)
            self._clients[k] = self.session.create_client(
                service, region_name=region, endpoint_url=self.sim.endpoint,
                aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                config=cfg)
        return self._clients[k]

    def stop(self):
        self.sim.stop()


_PAGINATORS = botocore.session.Session()


def pages(client, op, **kw):
    """Every page of op through botocore's own paginator, which stops at a missing or ""
    token and raises on a token that comes back twice; checked here across all pages."""
    out = list(client.get_paginator(op).paginate(**kw))
    cfg = _PAGINATORS.get_paginator_model(client.meta.service_model.service_name).get_paginator(
        client.meta.method_to_api_mapping[op])
    key = cfg["output_token"] if isinstance(cfg["output_token"], str) else cfg["output_token"][0]
    tokens = [p[key] for p in out if p.get(key)]
    assert len(tokens) == len(set(tokens)), "a token came back twice: %s" % op
    return out


def items(pgs, key):
    return [x for p in pgs for x in p[key]]


class Boto3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = Truth(*ORG)
        cls.s = Sim(*ORG, "--page-size", "3", "--ce-page-size", "60", "--sso-token", SSO_TOKEN,
                    "--container-token", CONTAINER_TOKEN)
        cls.sim = cls.s.sim
        sts = cls.s.client("sts")
        cls.keys = {}
        for a in cls.t.members():
            c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (a["id"], ROLE),
                                RoleSessionName=SESSION)["Credentials"]
            cls.keys[a["id"]] = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        cls.keys[cls.t.mgmt] = None

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def tearDown(self):
        bad, self.s.wire.problems = self.s.wire.problems, []
        self.assertEqual(bad[:20], [], "answers that do not match botocore's models")

    def c(self, service, account=None, region="us-east-1"):
        return self.s.client(service, region, self.keys[account] if account else None)

    # --- the truth itself ---------------------------------------------------------
    def test_truth_dump_matches_server(self):
        served = self.sim.truth()
        dumped = dict(self.t.doc)
        served.pop("generated_at")
        dumped.pop("generated_at")
        self.assertEqual(served, dumped)
        self.assertGreater(len(self.t.members()), 30)
        for state, item in (("ok", "config"), ("disabled", "config"), ("region_off", "config"),
                            ("denied", "config"), ("ok", "guardduty"), ("disabled", "guardduty")):
            self.assertTrue(self.t.cells(state, item), "the org has no %s %s cell" % (item, state))
        self.assertTrue(self.t.refusing() and self.t.suspended())

    # --- STS ----------------------------------------------------------------------
    def test_sts(self):
        checked = self.s.wire.checked
        me = self.c("sts").get_caller_identity()
        self.assertEqual(me["Account"], self.t.mgmt)
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:user/awsim-admin" % self.t.mgmt)
        for a in self.t.members():
            who = self.c("sts", a["id"]).get_caller_identity()
            self.assertEqual(who["Account"], a["id"])
            self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/%s/%s" % (a["id"], ROLE, SESSION))
            self.assertTrue(who["UserId"].startswith("AROA") and who["UserId"].endswith(":" + SESSION))
        sts = self.c("sts")
        c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (self.t.members()[0]["id"], ROLE),
                            RoleSessionName=SESSION, DurationSeconds=900)
        left = (c["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc))
        self.assertTrue(800 < left.total_seconds() <= 901, left)
        self.assertTrue(c["AssumedRoleUser"]["Arn"].endswith(":assumed-role/%s/%s" % (ROLE, SESSION)))
        for a in self.t.refusing():
            code, status, msg, _ = fail(sts.assume_role, RoleSessionName=SESSION,
                                        RoleArn="arn:aws:iam::%s:role/%s" % (a["id"], ROLE))
            self.assertEqual((code, status), ("AccessDenied", 403))
            self.assertEqual(msg, a["access"]["reason"])
        for a in self.t.suspended():
            self.assertEqual(fail(sts.assume_role, RoleSessionName=SESSION,
                                  RoleArn="arn:aws:iam::%s:role/%s" % (a["id"], ROLE))[0],
                             "AccessDenied")
        # Every answer went through the model check (tearDown reports its findings).
        if BEFORE_PARSE:
            self.assertGreater(self.s.wire.checked - checked, len(self.t.members()))

    # --- Organizations ------------------------------------------------------------
    def test_organizations(self):
        org = self.c("organizations")
        o = org.describe_organization()["Organization"]
        self.assertEqual((o["Id"], o["MasterAccountId"]), (self.t.org_id, self.t.mgmt))
        self.assertEqual(o["MasterAccountEmail"], self.t.accounts[self.t.mgmt]["email"])
        roots = items(pages(org, "list_roots"), "Roots")
        self.assertEqual([r["Id"] for r in roots], [self.t.root])
        ous, accts, npages, empty = {}, {}, 0, 0
        todo = [self.t.root]
        while todo:
            pid = todo.pop()
            pg = pages(org, "list_organizational_units_for_parent", ParentId=pid)
            pa = pages(org, "list_accounts_for_parent", ParentId=pid)
            npages += len(pg) + len(pa)
            empty += sum(1 for p in pg + pa if not p.get("OrganizationalUnits", p.get("Accounts"))
                         and p.get("NextToken"))
            ous[pid] = [(x["Id"], x["Name"]) for x in items(pg, "OrganizationalUnits")]
            accts[pid] = items(pa, "Accounts")
            todo.extend(x for x, _ in ous[pid])
        conflib.check_org_tree(self, self.t, ous, accts)
        self.assertGreater(npages, 2 * len(self.t.ous), "lists must cross pages")
        self.assertGreater(empty, 0, "an empty page with a NextToken is expected sometimes")
        flat = pages(org, "list_accounts")
        self.assertGreater(len(flat), 10)
        listed = items(flat, "Accounts")
        self.assertEqual(sorted(a["Id"] for a in listed), sorted(self.t.accounts))
        for a in listed:
            conflib.check_account(self, self.t, a, a["JoinedTimestamp"].timestamp())
        for a in self.t.doc["accounts"]:
            par = items(pages(org, "list_parents", ChildId=a["id"]), "Parents")
            self.assertEqual([(p["Id"], p["Type"]) for p in par],
                             [(a["ou_id"], "ROOT" if a["ou_id"] == self.t.root else "ORGANIZATIONAL_UNIT")])
        for ou in self.t.doc["ous"]:
            if ou["parent"]:
                par = items(pages(org, "list_parents", ChildId=ou["id"]), "Parents")
                self.assertEqual([p["Id"] for p in par], [ou["parent"]])

    # --- Account: ListRegions -------------------------------------------------------
    def test_account_list_regions(self):
        acct = self.c("account")
        union = set()
        for a in self.t.active():
            kw = {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]}
            if a["id"] != self.t.mgmt:
                kw["AccountId"] = a["id"]
            pg = pages(acct, "list_regions", **kw)
            got = sorted(r["RegionName"] for r in items(pg, "Regions"))
            self.assertGreater(len(pg), 1)
            union |= set(got)
            if a["access"]["state"] == "ok":
                self.assertEqual(got, self.t.enabled_regions(a["id"]), a["id"])
        self.assertEqual(sorted(union), self.t.regions)
        m = self.t.members()[3]["id"]
        own = items(pages(self.c("account", m), "list_regions",
                          RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]), "Regions")
        self.assertEqual(sorted(r["RegionName"] for r in own), self.t.enabled_regions(m))
        every = items(pages(acct, "list_regions", AccountId=m), "Regions")
        self.assertTrue(all(r["RegionOptStatus"] in ("ENABLED", "ENABLED_BY_DEFAULT", "DISABLED")
                            for r in every))
        self.assertGreater(len(every), len(own))

    # --- Config, per account x region (AssumeRole into each account) -----------------
    def config_cell(self, account, region, detail):
        cfg = self.c("config", account, region)
        cell = self.t.accounts[account]["cells"][region]["config"]
        st = cell["state"]
        if st == "region_off":
            self.assertEqual(fail(cfg.get_compliance_summary_by_config_rule)[:2],
                             ("UnrecognizedClientException", 400))
            return
        if st == "denied":
            code, status, msg, _ = fail(cfg.get_compliance_summary_by_config_rule)
            self.assertEqual((code, status, msg), ("AccessDeniedException", 400, cell["reason"]))
            return
        s = cfg.get_compliance_summary_by_config_rule()["ComplianceSummary"]
        if st == "disabled":  # no rules: what tells it from an ok cell with nothing to count
            first = cfg.describe_config_rules()
            self.assertEqual(first["ConfigRules"], [])
            self.assertNotIn("NextToken", first)
            self.assertEqual(s["CompliantResourceCount"]["CappedCount"], 0)
            return
        self.assertEqual(st, "ok")
        got = (s["CompliantResourceCount"]["CappedCount"], s["NonCompliantResourceCount"]["CappedCount"],
               s["CompliantResourceCount"]["CapExceeded"] or s["NonCompliantResourceCount"]["CapExceeded"])
        self.assertEqual(got, (cell["compliant"], cell["noncompliant"], cell.get("capped", False)),
                         (account, region))
        if not detail:
            return
        rules = items(pages(cfg, "describe_compliance_by_config_rule"), "ComplianceByConfigRules")
        kinds = [r["Compliance"]["ComplianceType"] for r in rules]
        for kind, want in (("COMPLIANT", cell["compliant"]), ("NON_COMPLIANT", cell["noncompliant"])):
            n = kinds.count(kind)
            self.assertEqual(min(n, 25), want, (account, region, kind))
        nc = items(pages(cfg, "describe_compliance_by_config_rule", ComplianceTypes=["NON_COMPLIANT"]),
                   "ComplianceByConfigRules")
        self.assertEqual(len(nc), kinds.count("NON_COMPLIANT"))
        defs = items(pages(cfg, "describe_config_rules"), "ConfigRules")
        self.assertTrue(defs, (account, region))
        self.assertEqual(sorted(d["ConfigRuleName"] for d in defs),
                         sorted(r["ConfigRuleName"] for r in rules))

    def sampled(self):
        """The accounts whose every cell is read (a botocore client per account x region
        costs ~15 ms): management, the delegated admin, two members under a data-residency
        SCP and 12 more spread over the org.
        The aggregator tests cover every account."""
        scp = [a["id"] for a in self.t.members()
               if any(c["config"]["state"] == "denied" for c in a["cells"].values())][:2]
        ids = [self.t.mgmt, self.t.security] + scp + [a["id"] for a in spread(
            [a for a in self.t.members() if a["id"] != self.t.security and a["id"] not in scp], 12)]
        return [self.t.accounts[i] for i in ids]

    def test_config_per_account_region(self):
        seen = {}
        for i, a in enumerate(self.sampled()):
            detail = set(spread([r for r in self.t.regions
                                 if a["cells"][r]["config"]["state"] == "ok"], 1 if i % 3 else 3))
            for r in self.t.regions:
                self.config_cell(a["id"], r, r in detail)
                st = a["cells"][r]["config"]["state"]
                seen[st] = seen.get(st, 0) + 1
        self.assertEqual(sorted(seen), ["denied", "disabled", "ok", "region_off"], seen)

    def agg_summary(self, cfg, name, group_by, filters):
        """GetAggregateConfigRuleComplianceSummary, every page (botocore has no paginator
        for it: follow NextToken) -> {group: (compliant, noncompliant)}."""
        groups, tok, seen = {}, None, set()
        while True:
            kw = {"ConfigurationAggregatorName": name, "GroupByKey": group_by, "Filters": filters}
            if tok:
                kw["NextToken"] = tok
            r = cfg.get_aggregate_config_rule_compliance_summary(**kw)
            self.assertEqual(r["GroupByKey"], group_by)
            for g in r["AggregateComplianceCounts"]:
                self.assertNotIn(g["GroupName"], groups)
                cs = g["ComplianceSummary"]
                groups[g["GroupName"]] = (cs["CompliantResourceCount"]["CappedCount"],
                                          cs["NonCompliantResourceCount"]["CappedCount"])
            tok = r.get("NextToken")
            if not tok:
                return groups
            self.assertNotIn(tok, seen)
            seen.add(tok)

    def test_config_aggregator(self):
        sec = self.t.security
        cfg = self.c("config", sec, "us-east-1")
        aggs = items(pages(cfg, "describe_configuration_aggregators"), "ConfigurationAggregators")
        self.assertEqual(len(aggs), 1)
        name = aggs[0]["ConfigurationAggregatorName"]
        self.assertTrue(aggs[0]["OrganizationAggregationSource"]["AllAwsRegions"])
        for a in self.t.reachable():
            groups = self.agg_summary(cfg, name, "AWS_REGION", {"AccountId": a["id"]})
            want = {rg: (c["config"]["compliant"], c["config"]["noncompliant"])
                    for rg, c in a["cells"].items() if c["config"]["state"] == "ok"}
            self.assertEqual(groups, want, a["id"])
        for a in spread(self.t.reachable(), 3):
            rows = items(pages(cfg, "describe_aggregate_compliance_by_config_rules",
                               ConfigurationAggregatorName=name, Filters={"AccountId": a["id"]}),
                         "AggregateComplianceByConfigRules")
            for rg in self.t.regions:
                c = a["cells"][rg]["config"]
                mine = [x["Compliance"]["ComplianceType"] for x in rows if x["AwsRegion"] == rg]
                self.assertTrue(all(x["AccountId"] == a["id"] for x in rows))
                if c["state"] != "ok":
                    self.assertEqual(mine, [], (a["id"], rg))
                    continue
                self.assertEqual((min(mine.count("COMPLIANT"), 25), min(mine.count("NON_COMPLIANT"), 25)),
                                 (c["compliant"], c["noncompliant"]), (a["id"], rg))
        for rg in spread(self.t.regions, 3):
            got = self.agg_summary(cfg, name, "ACCOUNT_ID", {"AwsRegion": rg})
            for a in self.t.reachable():
                c = a["cells"][rg]["config"]
                if c["state"] == "ok":
                    self.assertEqual(got[a["id"]], (c["compliant"], c["noncompliant"]), (a["id"], rg))
                else:
                    self.assertNotIn(a["id"], got)
        self.assertEqual(self.c("config", sec, "eu-west-1").describe_configuration_aggregators()
                         ["ConfigurationAggregators"], [])

    # --- GuardDuty ------------------------------------------------------------------
    def gd_cell(self, account, region, detail):
        gd = self.c("guardduty", account, region)
        # The delegated administrator's detector also sees its members' findings: its own
        # cell is the findings of its own account.
        own = {"accountId": {"Eq": [account]}} if account == self.t.security else {}
        old = {"Criterion": dict(own, **{"service.archived": {"Eq": ["false"]}})}
        new = {"Criterion": dict(own, **{"service.archived": {"Equals": ["false"]}})}
        cell = self.t.accounts[account]["cells"][region]["guardduty"]
        st = cell["state"]
        if st == "region_off":
            self.assertEqual(fail(gd.list_detectors)[:2], ("UnrecognizedClientException", 403))
            return
        if st == "denied":
            code, status, msg, _ = fail(gd.list_detectors)
            self.assertEqual((code, status, msg), ("AccessDeniedException", 403, cell["reason"]))
            return
        pg = pages(gd, "list_detectors")
        self.assertEqual(pg[-1]["NextToken"], "", "GuardDuty ends a list with an empty token")
        dets = items(pg, "DetectorIds")
        if st == "disabled":
            self.assertEqual(dets, [])
            return
        self.assertEqual(len(dets), 1)
        st = gd.get_findings_statistics(DetectorId=dets[0], FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                        FindingCriteria=old)
        want = gd_truth(self.t.accounts[account]["cells"][region])
        self.assertEqual(bands(st["FindingStatistics"]["CountBySeverity"]), want, (account, region))
        if not detail:
            return
        grp = gd.get_findings_statistics(DetectorId=dets[0], GroupBy="SEVERITY", MaxResults=100,
                                         FindingCriteria=new)
        by_sev = {}
        for g in grp["FindingStatistics"]["GroupedBySeverity"]:
            by_sev[str(g["Severity"])] = by_sev.get(str(g["Severity"]), 0) + g["TotalFindings"]
        self.assertEqual(bands(by_sev), want, (account, region))
        self.assertEqual(gd.get_detector(DetectorId=dets[0])["Status"], "ENABLED")
        pg = pages(gd, "list_findings", DetectorId=dets[0], FindingCriteria=old,
                   SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"},
                   PaginationConfig={"PageSize": 2})
        self.assertEqual(pg[-1]["NextToken"], "")
        ids = items(pg, "FindingIds")
        self.assertEqual(len(ids), len(set(ids)))
        sevs = []
        for i in range(0, len(ids), 50):
            fs = gd.get_findings(DetectorId=dets[0], FindingIds=ids[i:i + 50])["Findings"]
            self.assertEqual(sorted(f["Id"] for f in fs), sorted(ids[i:i + 50]))
            for f in fs:
                self.assertEqual((f["AccountId"], f["Region"]), (account, region))
                self.assertFalse(f["Service"]["Archived"])
                sevs.append(f["Severity"])
        self.assertEqual(bands({str(s): sevs.count(s) for s in set(sevs)}), want, (account, region))

    def test_guardduty_per_account_region(self):
        seen = {}
        for a in self.sampled():
            detail = set(spread([r for r in self.t.regions
                                 if a["cells"][r]["guardduty"]["state"] == "ok"], 2))
            for r in self.t.regions:
                self.gd_cell(a["id"], r, r in detail)
                st = a["cells"][r]["guardduty"]["state"]
                seen[st] = seen.get(st, 0) + 1
        self.assertEqual(sorted(seen), ["denied", "disabled", "ok", "region_off"], seen)
        # Criteria that match nothing: empty answers, not errors (awsim once sorted a NULL
        # list here, which `make asan` caught).
        a = self.sampled()[4]
        r = next(r for r in self.t.regions if a["cells"][r]["guardduty"]["state"] == "ok")
        gd = self.c("guardduty", a["id"], r)
        det = gd.list_detectors()["DetectorIds"][0]
        none = {"Criterion": {"severity": {"Gt": 100}}}
        self.assertEqual(items(pages(gd, "list_findings", DetectorId=det, FindingCriteria=none,
                                     SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"}),
                               "FindingIds"), [])
        st = gd.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                        FindingCriteria=none)
        self.assertEqual(st["FindingStatistics"]["CountBySeverity"], {})
        self.assertEqual(gd.get_findings(DetectorId=det, FindingIds=[])["Findings"], [])

    def test_guardduty_delegated_admin(self):
        sec = self.t.security
        for region in spread(self.t.enabled_regions(sec), 4):
            gd = self.c("guardduty", sec, region)
            det = gd.list_detectors()["DetectorIds"][0]
            members = {m["AccountId"]: m for m in items(pages(gd, "list_members", DetectorId=det),
                                                        "Members")}
            for a in self.t.active():
                st = a["cells"][region]["guardduty"]["state"]
                if a["id"] == sec:
                    self.assertNotIn(a["id"], members)
                elif st == "ok":
                    self.assertIn(a["id"], members, (a["id"], region))
                    self.assertEqual(members[a["id"]]["Email"], a["email"])
                    self.assertEqual(members[a["id"]]["RelationshipStatus"], "Enabled")
                elif a["access"]["state"] == "ok":  # region_off, SCP-denied or disabled
                    self.assertNotIn(a["id"], members, (a["id"], region, st))
            for a in self.t.suspended():
                self.assertNotIn(a["id"], members)
            high = gd.get_findings_statistics(
                DetectorId=det, GroupBy="ACCOUNT", MaxResults=100,
                FindingCriteria={"Criterion": {"service.archived": {"Equals": ["false"]},
                                               "severity": {"GreaterThanOrEqual": 7}}})
            got = {g["AccountId"]: g["TotalFindings"] for g in high["FindingStatistics"]["GroupedByAccount"]}
            for a in self.t.reachable():
                c = a["cells"][region]["guardduty"]
                if c["state"] == "ok":
                    self.assertEqual(got.get(a["id"], 0), c["high"] + c["critical"], (a["id"], region))
                else:
                    self.assertNotIn(a["id"], got)

    # --- Budgets ----------------------------------------------------------------------
    def test_budgets(self):
        n = 0
        for a in self.t.reachable():
            b = self.c("budgets", a["id"] if a["id"] != self.t.mgmt else None)
            pg = pages(b, "describe_budgets", AccountId=a["id"], PaginationConfig={"PageSize": 1})
            got = items(pg, "Budgets")
            conflib.check_budgets(self, self.t, a["id"], got)
            n += len(pg) > 1
        self.assertGreater(n, 3, "budgets must cross pages")

    # --- Cost Explorer ---------------------------------------------------------------
    def test_cost_explorer(self):
        ce = self.c("ce")
        start, end = conflib.month_to_date()
        before = self.sim.stats()["ce_calls"]
        groups, names, tok, npages = {}, {}, None, 0
        while True:  # no botocore paginator for GetCostAndUsage
            kw = {"TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY",
                  "Metrics": ["UnblendedCost"],
                  "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                              {"Type": "DIMENSION", "Key": "REGION"}]}
            if tok:
                kw["NextPageToken"] = tok
            r = ce.get_cost_and_usage(**kw)
            npages += 1
            self.assertEqual([g["Key"] for g in r["GroupDefinitions"]], ["LINKED_ACCOUNT", "REGION"])
            for rb in r["ResultsByTime"]:
                self.assertEqual(rb["TimePeriod"]["Start"], start)
                for g in rb["Groups"]:
                    k = tuple(g["Keys"])
                    self.assertNotIn(k, groups)
                    self.assertEqual(g["Metrics"]["UnblendedCost"]["Unit"], "USD")
                    groups[k] = cents(g["Metrics"]["UnblendedCost"]["Amount"])
            for d in r.get("DimensionValueAttributes", []):
                names[d["Value"]] = d["Attributes"]["description"]
            tok = r.get("NextPageToken")
            if not tok:
                break
        self.assertGreater(npages, 2)
        self.assertEqual(self.sim.stats()["ce_calls"] - before, npages, "one request per page")
        conflib.check_ce_groups(self, self.t, groups)
        for acct, name in names.items():
            self.assertEqual(name, self.t.accounts[acct]["name"])

    # --- IAM Identity Center -------------------------------------------------------------
    def test_sso_admin_identitystore(self):
        sso = self.c("sso-admin")
        inst = items(pages(sso, "list_instances"), "Instances")
        self.assertEqual(len(inst), 1)
        arn, store = inst[0]["InstanceArn"], inst[0]["IdentityStoreId"]
        self.assertEqual(inst[0]["OwnerAccountId"], self.t.mgmt)
        psets = items(pages(sso, "list_permission_sets", InstanceArn=arn), "PermissionSets")
        self.assertGreater(len(psets), 3)
        name = {p: sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=p)["PermissionSet"]["Name"]
                for p in psets}
        ids = self.c("identitystore")
        principals = {}

        def principal(ptype, pid):
            if (ptype, pid) not in principals:
                if ptype == "USER":
                    principals[ptype, pid] = ids.describe_user(IdentityStoreId=store, UserId=pid)["UserName"]
                else:
                    principals[ptype, pid] = ids.describe_group(IdentityStoreId=store,
                                                                GroupId=pid)["DisplayName"]
            return principals[ptype, pid]

        got = {a["id"]: set() for a in self.t.active()}
        for p in psets:
            accts = items(pages(sso, "list_accounts_for_provisioned_permission_set", InstanceArn=arn,
                                PermissionSetArn=p), "AccountIds")
            self.assertEqual(len(accts), len(set(accts)))
            want = {a["id"] for a in self.t.active()
                    if any(x["permission_set"] == name[p] for x in a["sso"]["assignments"])}
            self.assertEqual(set(accts) & set(got), want, name[p])
            for acct in want:
                for x in items(pages(sso, "list_account_assignments", InstanceArn=arn, AccountId=acct,
                                     PermissionSetArn=p), "AccountAssignments"):
                    self.assertEqual((x["AccountId"], x["PermissionSetArn"]), (acct, p))
                    got[acct].add((name[p], x["PrincipalType"], principal(x["PrincipalType"],
                                                                          x["PrincipalId"])))
        for a in self.t.active():
            want = {(x["permission_set"], x["principal_type"], x["principal"])
                    for x in a["sso"]["assignments"]}
            self.assertEqual(got[a["id"]], want, a["id"])
        self.assertEqual(self.c("sso-admin", region="eu-west-1").list_instances()["Instances"], [])
        self.assertEqual(fail(ids.describe_user, IdentityStoreId=store, UserId="nobody")[0],
                         "ResourceNotFoundException")

    # --- the SSO portal (bearer token, unsigned) -------------------------------------------
    def test_sso_portal_get_role_credentials(self):
        portal = self.c("sso")
        a = self.t.members()[5]
        pset = a["sso"]["assignments"][0]["permission_set"]
        rc = portal.get_role_credentials(roleName=pset, accountId=a["id"],
                                         accessToken=SSO_TOKEN)["roleCredentials"]
        self.assertGreater(rc["expiration"] / 1000.0, time.time() + 600, "expiration is in ms")
        who = self.s.client("sts", creds=(rc["accessKeyId"], rc["secretAccessKey"],
                                          rc["sessionToken"])).get_caller_identity()
        self.assertEqual(who["Account"], a["id"])
        self.assertIn(":assumed-role/AWSReservedSSO_%s_" % pset, who["Arn"])
        code, status, _, _ = fail(portal.get_role_credentials, roleName=pset, accountId=a["id"],
                                  accessToken="not-a-token")
        self.assertEqual((code, status), ("UnauthorizedException", 401))

    def fresh_session(self, env):
        """A botocore session that sees only env (HOME and AWS_* of a temp dir)."""
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("AWS_") or k == "AWS_DATA_PATH"}
        base.update(env)
        patch = mock.patch.dict(os.environ, base, clear=True)
        patch.start()
        self.addCleanup(patch.stop)
        return botocore.session.Session()

    @unittest.skipUnless(ENDPOINT_URL_ENV, OLD + "AWS_ENDPOINT_URL (1.31): its own providers "
                         "would call AWS itself")
    def test_sso_profile_through_botocore_provider(self):
        # botocore's own SSO provider: profile + token cache -> GetRoleCredentials at the
        # endpoint AWS_ENDPOINT_URL names (1.43 routes every client there).
        home = HOME
        a = self.t.members()[7]
        pset = a["sso"]["assignments"][-1]["permission_set"]
        start_url = "https://d-awsim000.awsapps.com/start"
        os.makedirs(os.path.join(home, ".aws", "sso", "cache"), exist_ok=True)
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write("[profile sso]\nsso_start_url = %s\nsso_region = us-east-1\n"
                    "sso_account_id = %s\nsso_role_name = %s\nregion = eu-west-1\n"
                    % (start_url, a["id"], pset))
        cache = hashlib.sha1(start_url.encode()).hexdigest() + ".json"
        exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2))
        with open(os.path.join(home, ".aws", "sso", "cache", cache), "w") as f:
            json.dump({"startUrl": start_url, "region": "us-east-1", "accessToken": SSO_TOKEN,
                       "expiresAt": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}, f)
        s = self.fresh_session({"HOME": home, "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
                                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
                                "AWS_PROFILE": "sso", "AWS_ENDPOINT_URL": self.sim.endpoint,
                                "AWS_EC2_METADATA_DISABLED": "true"})
        creds = s.get_credentials()
        self.assertEqual(creds.method, "sso")
        who = s.create_client("sts").get_caller_identity()
        self.assertEqual(who["Account"], a["id"])
        self.assertIn("AWSReservedSSO_%s_" % pset, who["Arn"])

    @unittest.skipUnless(ENDPOINT_URL_ENV, OLD + "AWS_ENDPOINT_URL (1.31): its own providers "
                         "would call AWS itself")
    def test_assume_role_profile_through_botocore_provider(self):
        # role_arn + source_profile, the way an orgtop user configures a member account.
        home = tempfile.mkdtemp(prefix="profiles-", dir=HOME)
        a = self.t.members()[9]
        with open(os.path.join(home, "config"), "w") as f:
            f.write("[profile mgmt]\nregion = us-east-1\n[profile member]\nrole_arn = "
                    "arn:aws:iam::%s:role/%s\nsource_profile = mgmt\nrole_session_name = %s\n"
                    "region = eu-central-1\n" % (a["id"], ROLE, SESSION))
        with open(os.path.join(home, "credentials"), "w") as f:
            f.write("[mgmt]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (self.sim.access_key, self.sim.secret_key))
        os.chmod(os.path.join(home, "credentials"), 0o600)
        s = self.fresh_session({"HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "config"),
                                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
                                "AWS_PROFILE": "member", "AWS_ENDPOINT_URL": self.sim.endpoint,
                                "AWS_EC2_METADATA_DISABLED": "true"})
        self.assertEqual(s.get_credentials().method, "assume-role")
        who = s.create_client("sts").get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/%s/%s" % (a["id"], ROLE, SESSION))

    # --- IMDSv2 and the container endpoint, through botocore's providers ------------------
    def test_imds_v2_provider(self):
        fetcher = botocore.utils.InstanceMetadataFetcher(
            timeout=5, num_attempts=2, env={},
            config={"ec2_metadata_service_endpoint": self.sim.endpoint + "/",
                    "ec2_metadata_v1_disabled": True})
        creds = botocore.credentials.InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
        self.assertEqual(creds.method, "iam-role")
        frozen = creds.get_frozen_credentials()
        who = self.s.client("sts", creds=(frozen.access_key, frozen.secret_key, frozen.token))
        arn = who.get_caller_identity()["Arn"]
        self.assertEqual(arn, "arn:aws:sts::%s:assumed-role/awsim-instance-role/i-0awsim0instance"
                         % self.t.mgmt)
        # The whole chain, from the environment variable alone.
        s = self.fresh_session({"AWS_CONFIG_FILE": EMPTY, "AWS_SHARED_CREDENTIALS_FILE": EMPTY,
                                "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.sim.endpoint + "/",
                                "AWS_EC2_METADATA_V1_DISABLED": "true",
                                "AWS_METADATA_SERVICE_TIMEOUT": "5"})
        c = s.get_credentials()
        self.assertEqual(c.method, "iam-role")
        self.assertTrue(c.get_frozen_credentials().access_key.startswith("ASIA"))

    def test_container_provider(self):
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.sim.endpoint + "/v2/credentials/task",
               "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN}
        creds = botocore.credentials.ContainerProvider(environ=env).load()
        self.assertEqual(creds.method, "container-role")
        f = creds.get_frozen_credentials()
        who = self.s.client("sts", creds=(f.access_key, f.secret_key, f.token)).get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/awsim-container-role/awsim-task"
                         % self.t.mgmt)
        bad = dict(env, AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong")
        quick = botocore.utils.ContainerMetadataFetcher(sleep=lambda s: None)  # 3 tries, no pause
        with self.assertRaises(botocore.exceptions.CredentialRetrievalError):
            botocore.credentials.ContainerProvider(environ=bad, fetcher=quick).load()


class Boto3Scenarios(unittest.TestCase):
    """awsim's example scenarios, where the data is stated rather than generated."""

    SCENARIOS = os.path.join(conflib.HERE, "..", "awsim", "scenarios")

    def test_small_budgets_and_assignments(self):
        # Budget amounts as AWS writes them ("604.4560000000000172803993336856365203857421875"),
        # a budget without a forecast, users and groups resolved through Identity Store.
        path = os.path.join(self.SCENARIOS, "small.json")
        t = Truth("--scenario", path)
        s = Sim("--scenario", path, "--page-size", "1")
        self.addCleanup(s.stop)
        got = items(pages(s.client("budgets"), "describe_budgets", AccountId=t.mgmt), "Budgets")
        self.assertIn("604.4560000000000172803993336856365203857421875",
                      [b["CalculatedSpend"]["ActualSpend"]["Amount"] for b in got])
        conflib.check_budgets(self, t, t.mgmt, got)
        de = t.by_name["de-payments-prod"]
        c = s.client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (de["id"], ROLE),
                                        RoleSessionName=SESSION)["Credentials"]
        keys = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        got = items(pages(s.client("budgets", creds=keys), "describe_budgets", AccountId=de["id"]),
                    "Budgets")
        self.assertNotIn("ForecastedSpend", got[0]["CalculatedSpend"])
        conflib.check_budgets(self, t, de["id"], got)
        sso = s.client("sso-admin")
        inst = sso.list_instances()["Instances"][0]
        psets = items(pages(sso, "list_permission_sets", InstanceArn=inst["InstanceArn"]), "PermissionSets")
        ids = s.client("identitystore")
        got = set()
        for p in psets:
            name = sso.describe_permission_set(InstanceArn=inst["InstanceArn"],
                                               PermissionSetArn=p)["PermissionSet"]["Name"]
            for x in items(pages(sso, "list_account_assignments", InstanceArn=inst["InstanceArn"],
                                 AccountId=t.mgmt, PermissionSetArn=p), "AccountAssignments"):
                if x["PrincipalType"] == "USER":
                    who = ids.describe_user(IdentityStoreId=inst["IdentityStoreId"], UserId=x["PrincipalId"])
                    self.assertEqual(who["DisplayName"], "Alice Example")
                    got.add((name, "USER", who["UserName"]))
                else:
                    got.add((name, "GROUP", ids.describe_group(
                        IdentityStoreId=inst["IdentityStoreId"], GroupId=x["PrincipalId"])["DisplayName"]))
        self.assertEqual(got, {(x["permission_set"], x["principal_type"], x["principal"])
                               for x in t.accounts[t.mgmt]["sso"]["assignments"]})
        self.assertEqual(s.wire.problems, [])

    def test_hostile_names_and_titles_decode_exactly(self):
        # Escape sequences, bidi, C1, emoji, astral characters in names and finding titles:
        # botocore decodes every string to what the scenario says (cJSON ends a string at
        # \\u0000, in the truth as on the wire).
        path = os.path.join(self.SCENARIOS, "hostile.json")
        t = conflib.dump_truth("--scenario", path)
        with open(path, encoding="utf-8") as f:
            scen = json.load(f)
        s = Sim("--scenario", path, "--page-size", "2")
        self.addCleanup(s.stop)
        org = s.client("organizations")
        names = {a["Id"]: a["Name"] for a in items(pages(org, "list_accounts"), "Accounts")}
        self.assertEqual(names, {a["id"]: a["name"] for a in t["accounts"]})
        self.assertTrue(any("\x1b]0;" in n for n in names.values()))
        self.assertTrue(any("\U000e0041" in n for n in names.values()))
        ous = {o["Id"]: o["Name"] for p in [o["id"] for o in t["ous"]]
               for o in items(pages(org, "list_organizational_units_for_parent", ParentId=p),
                              "OrganizationalUnits")}
        self.assertEqual(ous, {o["id"]: o["name"] for o in t["ous"] if o["parent"]})
        acct = next(a for a in scen["accounts"] if a.get("cells"))
        want = sorted(f["title"].split("\0")[0]
                      for f in acct["cells"]["us-east-1"]["guardduty"]["findings"])
        c = s.client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (acct["id"], ROLE),
                                        RoleSessionName=SESSION)["Credentials"]
        gd = s.client("guardduty", "us-east-1", (c["AccessKeyId"], c["SecretAccessKey"],
                                                 c["SessionToken"]))
        det = gd.list_detectors()["DetectorIds"][0]
        ids = items(pages(gd, "list_findings", DetectorId=det), "FindingIds")
        titles = sorted(f["Title"] for f in gd.get_findings(DetectorId=det, FindingIds=ids)["Findings"])
        self.assertEqual(titles, want)
        self.assertEqual(s.wire.problems, [])


class Boto3Errors(unittest.TestCase):
    """The errors botocore must see, each as AWS words it."""

    @classmethod
    def setUpClass(cls):
        cls.t = Truth("--accounts", "14", "--seed", "9")
        cls.s = Sim("--accounts", "14", "--seed", "9", "--page-size", "2")
        cls.sim = cls.s.sim
        m = cls.t.members()
        cls.a, cls.b = m[1], m[2]
        sts = cls.s.client("sts")
        c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (cls.a["id"], ROLE),
                            RoleSessionName=SESSION)["Credentials"]
        cls.ka = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def tearDown(self):
        self.sim.faults({"throttle": 0, "clear_rules": True})
        bad, self.s.wire.problems = self.s.wire.problems, []
        self.assertEqual(bad[:20], [], "answers that do not match botocore's models")

    def test_wrong_secret(self):
        bad = (self.sim.access_key, "x" * 40, None)
        code, status, msg, e = fail(self.s.client("sts", creds=bad).get_caller_identity)
        self.assertEqual((code, status, msg), ("SignatureDoesNotMatch", 403, SIG_MESSAGE))
        # What a user sees, from a client with botocore's default retry settings.
        plain = boto3_session(self.sim.access_key, "x" * 40).client(
            "sts", region_name="us-east-1", endpoint_url=self.sim.endpoint)
        e = fail(plain.get_caller_identity)[3]
        self.assertEqual(str(e), "An error occurred (SignatureDoesNotMatch) when calling the "
                                 "GetCallerIdentity operation: " + SIG_MESSAGE)
        for svc, fn, want in (("organizations", "list_roots", ("InvalidSignatureException", 400)),
                              ("config", "describe_config_rules", ("InvalidSignatureException", 400)),
                              ("guardduty", "list_detectors", ("InvalidSignatureException", 403)),
                              ("sso-admin", "list_instances", ("InvalidSignatureException", 400))):
            code, status, msg, _ = fail(getattr(self.s.client(svc, creds=bad), fn))
            self.assertEqual((code, status, msg), want + (SIG_MESSAGE,), svc)
        # A right key with a member session's wrong secret: the same answer.
        code = fail(self.s.client("sts", creds=(self.ka[0], "y" * 40, self.ka[2])).get_caller_identity)[0]
        self.assertEqual(code, "SignatureDoesNotMatch")

    def test_unknown_key(self):
        bad = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
        code, status, msg, _ = fail(self.s.client("sts", creds=bad).get_caller_identity)
        self.assertEqual((code, status, msg), ("InvalidClientTokenId", 403,
                                               "The security token included in the request is invalid."))
        self.assertEqual(fail(self.s.client("organizations", creds=bad).list_roots)[:2],
                         ("UnrecognizedClientException", 400))
        self.assertEqual(fail(self.s.client("guardduty", creds=bad).list_detectors)[:2],
                         ("UnrecognizedClientException", 403))
        # A session key with a forged token.
        code = fail(self.s.client("sts", creds=(self.ka[0], self.ka[1], "forged")).get_caller_identity)[0]
        self.assertEqual(code, "InvalidClientTokenId")

    def test_expired_session(self):
        with Awsim("--accounts", "10", "--seed", "9", "--session-seconds", "3") as sim:
            s = botocore.session.Session()
            cfg = Config(retries={"mode": "standard", "total_max_attempts": 1})

            def client(svc, creds):
                return s.create_client(svc, region_name="us-east-1", endpoint_url=sim.endpoint,
                                       aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                                       aws_session_token=creds[2], config=cfg)
            sts = client("sts", (sim.access_key, sim.secret_key, None))
            c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (self.a["id"], ROLE),
                                RoleSessionName=SESSION)["Credentials"]
            left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
            self.assertLessEqual(left, 3.5)
            keys = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            self.assertEqual(client("sts", keys).get_caller_identity()["Account"], self.a["id"])
            time.sleep(max(0.0, left) + 1.2)
            code, status, msg, _ = fail(client("sts", keys).get_caller_identity)
            self.assertEqual((code, status, msg), ("ExpiredToken", 403, "The security token included "
                                                   "in the request is expired"))
            self.assertEqual(fail(client("organizations", keys).describe_organization)[0],
                             "ExpiredTokenException")
            self.assertEqual(fail(client("guardduty", keys).list_detectors)[0], "ExpiredTokenException")

    def skewed(self, minutes):
        real = botocore.auth.get_current_datetime

        def now(*a, **kw):
            return real(*a, **kw) + datetime.timedelta(minutes=minutes)
        return mock.patch("botocore.auth.get_current_datetime", now)

    @unittest.skipUnless(hasattr(botocore.auth, "get_current_datetime"),
                         OLD + "botocore.auth.get_current_datetime")
    def test_clock_skew(self):
        pat = r"^Signature %s: \d{8}T\d{6}Z is %s \d{8}T\d{6}Z \(\d{8}T\d{6}Z %s %d min\.\)$"
        with self.skewed(-20):
            code, status, msg, _ = fail(self.s.client("sts").get_caller_identity)
            self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
            self.assertRegex(msg, pat % ("expired", "now earlier than", "-", 15))
            code, status, msg, _ = fail(self.s.client("organizations").list_roots)
            self.assertEqual((code, status), ("InvalidSignatureException", 400))
            self.assertRegex(msg, pat % ("expired", "now earlier than", "-", 5))
        with self.skewed(+20):
            code, status, msg, _ = fail(self.s.client("sts").get_caller_identity)
            self.assertEqual(code, "SignatureDoesNotMatch")
            self.assertRegex(msg, pat % ("not yet current", "still later than", r"\+", 15))
            code, status, msg, _ = fail(self.s.client("guardduty").list_detectors)
            self.assertEqual((code, status), ("InvalidSignatureException", 403))
            self.assertRegex(msg, pat % ("not yet current", "still later than", r"\+", 5))
        with self.skewed(-10):  # inside STS's 15 minutes, outside the others' 5
            self.assertEqual(self.s.client("sts").get_caller_identity()["Account"], self.t.mgmt)
            self.assertEqual(fail(self.s.client("budgets").describe_budgets, AccountId=self.t.mgmt)[0],
                             "InvalidSignatureException")
        with self.skewed(+4):
            self.assertTrue(self.s.client("organizations").list_roots()["Roots"])

    def test_member_asks_for_another_account(self):
        k, other = self.ka, self.b["id"]
        c = self.s.client
        self.assertEqual(fail(c("budgets", creds=k).describe_budgets, AccountId=other)[:2],
                         ("AccessDeniedException", 400))
        self.assertEqual(fail(c("organizations", creds=k).list_accounts)[0], "AccessDeniedException")
        self.assertEqual(fail(c("account", creds=k).list_regions, AccountId=other)[:2],
                         ("AccessDeniedException", 403))
        start, end = conflib.month_to_date()
        self.assertEqual(fail(c("ce", creds=k).get_cost_and_usage, TimePeriod={"Start": start, "End": end},
                              Granularity="MONTHLY", Metrics=["UnblendedCost"])[0], "AccessDeniedException")
        self.assertEqual(fail(c("sso-admin", creds=k).list_instances)[0], "AccessDeniedException")
        self.assertEqual(fail(c("sts", creds=k).assume_role, RoleSessionName=SESSION,
                              RoleArn="arn:aws:iam::%s:role/%s" % (other, ROLE))[:2], ("AccessDenied", 403))
        # Another account's detector is not the caller's.
        region = next(r for r in self.t.regions if self.b["cells"][r]["guardduty"]["state"] == "ok"
                      and self.a["cells"][r]["guardduty"]["state"] == "ok")
        kb = self.s.client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (other, ROLE),
                                              RoleSessionName=SESSION)["Credentials"]
        theirs = c("guardduty", region, creds=(kb["AccessKeyId"], kb["SecretAccessKey"],
                                                kb["SessionToken"]))
        det = theirs.list_detectors()["DetectorIds"][0]
        self.assertEqual(fail(c("guardduty", region, creds=k).get_detector, DetectorId=det)[:2],
                         ("BadRequestException", 400))
        # The caller's own data still answers.
        self.assertTrue(c("sts", creds=k).get_caller_identity()["Account"] == self.a["id"])

    # (service, region, creds?, operation, kwargs, awsim op name)
    def throttle_cases(self):
        k = self.ka
        start, end = conflib.month_to_date()
        r = next(r for r in self.t.regions if self.a["cells"][r]["guardduty"]["state"] == "ok")
        return [
            ("sts", "us-east-1", None, "get_caller_identity", {}, "sts:GetCallerIdentity"),
            ("organizations", "us-east-1", None, "list_roots", {}, "organizations:ListRoots"),
            ("account", "us-east-1", None, "list_regions", {}, "account:ListRegions"),
            ("config", r, k, "get_compliance_summary_by_config_rule", {},
             "config:GetComplianceSummaryByConfigRule"),
            ("guardduty", r, k, "list_detectors", {}, "guardduty:ListDetectors"),
            ("budgets", "us-east-1", k, "describe_budgets", {"AccountId": self.a["id"]},
             "budgets:DescribeBudgets"),
            ("ce", "us-east-1", None, "get_cost_and_usage",
             {"TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY",
              "Metrics": ["UnblendedCost"]}, "ce:GetCostAndUsage"),
            ("sso-admin", "us-east-1", None, "list_instances", {}, "sso-admin:ListInstances"),
            ("identitystore", "us-east-1", None, "list_users", {"IdentityStoreId": self.store},
             "identitystore:ListUsers"),
        ]

    @unittest.skipUnless(hasattr(ThrottlingErrorDetector, "is_throttling_error_from_context"),
                         OLD + "ThrottlingErrorDetector.is_throttling_error_from_context")
    def test_throttling_is_retried_by_botocore(self):
        # botocore's standard retry handler decides; only its backoff sleep is shortened
        # (full jitter would average 1.5 s per case), its delay formula is not under test.
        short = mock.patch.object(botocore.retries.standard.ExponentialBackoff, "delay_amount",
                                  return_value=0.01)
        short.start()
        self.addCleanup(short.stop)
        self.store = self.s.client("sso-admin").list_instances()["Instances"][0]["IdentityStoreId"]
        detector = ThrottlingErrorDetector(None)
        for svc, region, creds, op, kw, name in self.throttle_cases():
            self.sim.faults({"clear_rules": True, "rules": [{"api": name, "throttle": {"first": 2}}]})
            before = self.sim.stats()["by_operation"].get(name, 0)
            client = self.s.client(svc, region, creds, attempts=3)
            r = getattr(client, op)(**kw)
            self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 2, name)
            self.assertEqual(self.sim.stats()["by_operation"][name] - before, 3, name)
            # Always throttled: botocore gives up after its 3 attempts and calls it throttling.
            self.sim.faults({"clear_rules": True, "rules": [{"api": name, "throttle": "always"}]})
            code, status, _, e = fail(getattr(client, op), **kw)
            self.assertEqual(e.response["ResponseMetadata"]["RetryAttempts"], 2, name)
            ctx = RetryContext(attempt_number=1, parsed_response=e.response,
                               operation_model=client.meta.service_model.operation_model(
                                   client.meta.method_to_api_mapping[op]))
            self.assertTrue(detector.is_throttling_error_from_context(ctx), (name, code))
        self.sim.faults({"clear_rules": True})
        self.assertGreater(self.sim.stats()["throttled"], 2 * 9)

    def test_malformed_pagination_token(self):
        k, c = self.ka, self.s.client
        cases = [
            (c("organizations").list_accounts, {"NextToken": "forged"}, "InvalidInputException"),
            (c("organizations").list_accounts_for_parent,
             {"ParentId": self.t.root, "NextToken": "AAAA"}, "InvalidInputException"),
            (c("config", "us-east-1", k).describe_compliance_by_config_rule, {"NextToken": "forged"},
             "InvalidNextTokenException"),
            (c("config", "us-east-1", k).describe_config_rules, {"NextToken": "forged"},
             "InvalidNextTokenException"),
            (c("budgets", creds=k).describe_budgets, {"AccountId": self.a["id"], "NextToken": "forged"},
             "InvalidNextTokenException"),
            (c("ce").get_cost_and_usage, {"TimePeriod": dict(zip(("Start", "End"), conflib.month_to_date())),
                                          "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
                                          "NextPageToken": "forged"}, "InvalidNextTokenException"),
            (c("sso-admin").list_instances, {"NextToken": "forged"}, "ValidationException"),
            (c("account").list_regions, {"NextToken": "forged"}, "ValidationException"),
        ]
        for fn, kw, want in cases:
            code, status, msg, e = fail(fn, **kw)
            self.assertEqual((code, status), (want, 400), fn.__name__)
        e = fail(c("organizations").list_accounts, NextToken="forged")[3]
        self.assertEqual(e.response.get("Reason"), "INVALID_NEXT_TOKEN")
        r = next(r for r in self.t.regions if self.a["cells"][r]["guardduty"]["state"] == "ok")
        gd = c("guardduty", r, k)
        det = gd.list_detectors()["DetectorIds"][0]
        self.assertEqual(fail(gd.list_findings, DetectorId=det, NextToken="forged")[:2],
                         ("BadRequestException", 400))
        # A real token of another operation, or of the same one with other input, is refused too.
        org = c("organizations")
        tok = org.list_accounts()["NextToken"]
        self.assertEqual(fail(org.list_roots, NextToken=tok)[0], "InvalidInputException")
        # And botocore's paginator gets the error from a forged starting token.
        with self.assertRaises(ClientError):
            list(org.get_paginator("list_accounts").paginate(PaginationConfig={"StartingToken": "forged"}))


if __name__ == "__main__":
    taptest.main()
