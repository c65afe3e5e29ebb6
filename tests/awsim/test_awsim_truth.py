#!/usr/bin/env python3
# timeout: 240
"""awsim --dump-truth follows docs/JSON.md and agrees with what boto3 reads back; tick."""
import datetime
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402
from awsim import BUILD, Awsim, dump_truth  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

STATES = {"ok", "stale", "loading", "throttled", "denied", "disabled", "region_off", "error"}
NEEDS_REASON = {"denied", "disabled", "region_off", "error"}


def check_item(t, item, counts, where):
    t.assertIn(item["state"], STATES, where)
    has = [k for k in counts if k in item]
    if item["state"] in ("ok", "stale"):
        t.assertEqual(has, counts, where)
    else:
        t.assertEqual(has, [], where + ": counts only with ok/stale")
    if item["state"] in NEEDS_REASON:
        t.assertTrue(item.get("reason"), where + ": reason required")


def validate(t, doc):
    t.assertEqual(doc["schema"], "orgtop/1")
    t.assertRegex(doc["generated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    t.assertRegex(doc["organization"]["management_account_id"], r"^\d{12}$")
    t.assertEqual(doc["currency"], "USD")
    t.assertEqual(doc["regions"], sorted(doc["regions"]))
    paths = [o["path"] for o in doc["ous"]]
    t.assertEqual(paths, sorted(paths))
    ids = {o["id"] for o in doc["ous"]}
    for o in doc["ous"]:
        t.assertTrue(o["parent"] is None or o["parent"] in ids)
        t.assertTrue(o["path"].endswith(o["name"]))
    accts = [a["id"] for a in doc["accounts"]]
    t.assertEqual(accts, sorted(accts))
    for a in doc["accounts"]:
        w = a["id"]
        t.assertRegex(a["id"], r"^\d{12}$")
        t.assertIn(a["ou_id"], ids)
        active = a["status"] == "ACTIVE"
        check_item(t, a["access"], [], w + " access")
        check_item(t, a["budget"], ["budgets"], w + " budget")
        check_item(t, a["sso"], ["assignments"], w + " sso")
        if not active:
            # Identity Center keeps a suspended account's assignments (docs/JSON.md).
            for item in (a["access"], a["budget"]):
                t.assertEqual(item["state"], "disabled")
                t.assertEqual(item["reason"], "account " + a["status"])
            t.assertNotEqual(a["sso"]["state"], "disabled")
        if a["access"]["state"] == "denied":
            t.assertEqual(a["budget"], a["access"])
        if a["access"]["state"] == "ok" and a["id"] != doc["organization"]["management_account_id"]:
            t.assertIn("role", a["access"])
        if a["id"] == doc["organization"]["management_account_id"]:
            t.assertNotIn("role", a["access"])
        if a["budget"]["state"] == "ok":
            names = [b["name"] for b in a["budget"]["budgets"]]
            t.assertEqual(names, sorted(names))
            for b in a["budget"]["budgets"]:
                t.assertEqual(round(b["actual"], 2), b["actual"])
        if a["sso"]["state"] == "ok":
            keys = [(x["permission_set"], x["principal_type"], x["principal"])
                    for x in a["sso"]["assignments"]]
            t.assertEqual(keys, sorted(keys))
        t.assertEqual(sorted(a["cells"]), doc["regions"])
        for r, c in a["cells"].items():
            check_item(t, c["config"], ["compliant", "noncompliant"], "%s %s config" % (w, r))
            check_item(t, c["guardduty"], ["low", "medium", "high", "critical", "max_severity"],
                       "%s %s guardduty" % (w, r))
            t.assertEqual(c["spend_state"], "ok")
            t.assertEqual(round(c["spend"], 2), c["spend"])
            if a["access"]["state"] == "denied":
                t.assertEqual(c["config"]["state"], "denied")
            if c["config"]["state"] == "ok":
                t.assertLessEqual(c["config"]["compliant"], 25)


def code(fn, *a, **kw):
    try:
        fn(*a, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


class Truth(unittest.TestCase):
    def test_structure_and_determinism(self):
        a = dump_truth("--accounts", "200", "--seed", "5")
        validate(self, a)
        b = dump_truth("--accounts", "200", "--seed", "5")
        a.pop("generated_at"), b.pop("generated_at")
        self.assertEqual(a, b)
        c = dump_truth("--accounts", "200", "--seed", "6")
        self.assertNotEqual([x["id"] for x in a["accounts"]], [x["id"] for x in c["accounts"]])
        states = {(c["config"]["state"]) for x in a["accounts"] for c in x["cells"].values()}
        self.assertEqual(states, {"ok", "denied", "disabled", "region_off"})
        gd = [c["guardduty"] for x in a["accounts"] for c in x["cells"].values()
              if c["guardduty"]["state"] == "ok"]
        for band in ("low", "medium", "high", "critical"):
            self.assertTrue(any(g[band] for g in gd), band)
        self.assertTrue(any(c["config"].get("capped") for x in a["accounts"] for c in x["cells"].values()))
        burns = [b["actual"] / b["limit"] for x in a["accounts"] if x["budget"]["state"] == "ok"
                 for b in x["budget"]["budgets"] if b["name"] == "monthly-total"]
        self.assertTrue(any(u < 0.8 for u in burns) and any(0.8 <= u <= 1 for u in burns)
                        and any(u > 1 for u in burns))
        self.assertTrue(any(x["budget"]["state"] == "ok" and not x["budget"]["budgets"]
                            for x in a["accounts"]))
        self.assertTrue(any(x["status"] != "ACTIVE" for x in a["accounts"]))
        self.assertTrue(any(not re.fullmatch(r"[ -~]*", x["name"]) for x in a["accounts"]))
        self.assertEqual(len(a["regions"]), 25)

    def test_truth_regions(self):
        d = dump_truth("--accounts", "60", "--truth-regions", "eu-*,us-east-1")
        self.assertTrue(all(r.startswith("eu-") or r == "us-east-1" for r in d["regions"]))
        self.assertIn("eu-west-1", d["regions"])
        self.assertTrue(all(sorted(a["cells"]) == d["regions"] for a in d["accounts"]))

    def test_scenarios_validate(self):
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
        for f in sorted(os.listdir(here)):
            if f.endswith(".json"):
                validate(self, dump_truth("--scenario", os.path.join(here, f)))

    def test_agrees_with_boto3(self):
        with Awsim("--accounts", "40", "--seed", "21", "--page-size", "5") as sim:
            t = sim.truth()
            validate(self, t)
            acct = sim.client("account")
            union = set()
            for a in t["accounts"]:
                if a["status"] != "ACTIVE":
                    continue
                kw = {} if a["id"] == t["organization"]["management_account_id"] else {"AccountId": a["id"]}
                union |= {r["RegionName"] for p in acct.get_paginator("list_regions").paginate(
                    RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"], **kw) for r in p["Regions"]}
            self.assertEqual(sorted(union), t["regions"])
            sample = [a for a in t["accounts"] if a["status"] == "ACTIVE"][::4]
            for a in sample:
                self.check_account(sim, t, a)

    def check_account(self, sim, t, a):
        mgmt = t["organization"]["management_account_id"]
        if a["access"]["state"] == "denied":
            self.assertEqual(code(sim.assume, a["id"]), "AccessDenied")
            return
        keys = None if a["id"] == mgmt else sim.assume(a["id"], session="orgtop")
        budgets = sim.client("budgets", creds=keys).describe_budgets(AccountId=a["id"]).get("Budgets", [])
        self.assertEqual(sorted(round(float(b["CalculatedSpend"]["ActualSpend"]["Amount"]), 2)
                                for b in budgets), sorted(b["actual"] for b in a["budget"]["budgets"]))
        for region, cell in a["cells"].items():
            cfg = sim.client("config", region=region, creds=keys)
            gd = sim.client("guardduty", region=region, creds=keys)
            st = cell["config"]["state"]
            if st == "region_off":
                self.assertEqual(code(cfg.get_compliance_summary_by_config_rule),
                                 "UnrecognizedClientException")
                continue
            if st == "denied":
                try:
                    cfg.get_compliance_summary_by_config_rule()
                    self.fail("expected a denial")
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Message"], cell["config"]["reason"])
                continue
            rules = [r for p in cfg.get_paginator("describe_config_rules").paginate() for r in p["ConfigRules"]]
            self.assertEqual(bool(rules), st == "ok", (a["id"], region))
            if st == "ok":
                s = cfg.get_compliance_summary_by_config_rule()["ComplianceSummary"]
                self.assertEqual(s["CompliantResourceCount"]["CappedCount"], cell["config"]["compliant"])
                self.assertEqual(s["NonCompliantResourceCount"]["CappedCount"], cell["config"]["noncompliant"])
            dets = gd.list_detectors()["DetectorIds"]
            self.assertEqual(bool(dets), cell["guardduty"]["state"] == "ok", (a["id"], region))
            if dets:
                crit = {"service.archived": {"Eq": ["false"]}, "accountId": {"Eq": [a["id"]]}}
                cbs = gd.get_findings_statistics(DetectorId=dets[0], FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                                 FindingCriteria={"Criterion": crit})["FindingStatistics"]["CountBySeverity"]
                bands = [0, 0, 0, 0]
                for k, v in cbs.items():
                    s = float(k)
                    bands[0 if s < 4 else 1 if s < 7 else 2 if s < 9 else 3] += v
                g = cell["guardduty"]
                self.assertEqual(bands, [g["low"], g["medium"], g["high"], g["critical"]], (a["id"], region))
                self.assertAlmostEqual(max([float(k) for k in cbs] or [0]), g["max_severity"])

    def test_tick(self):
        with Awsim("--accounts", "40", "--seed", "8") as sim:
            before = sim.truth()
            self.assertEqual(sim.tick(30), 30)
            after = sim.truth()
            def total(d):
                return round(sum(c["spend"] for a in d["accounts"] for c in a["cells"].values()), 2)
            self.assertGreater(total(after), total(before))
            def findings(d):
                return sum(c["guardduty"].get("low", 0) + c["guardduty"].get("medium", 0) +
                           c["guardduty"].get("high", 0) + c["guardduty"].get("critical", 0)
                           for a in d["accounts"] for c in a["cells"].values())
            self.assertGreater(findings(after), findings(before))
            flips = sum(1 for a, b in zip(before["accounts"], after["accounts"])
                        for r in a["cells"] if a["cells"][r]["config"] != b["cells"][r]["config"])
            self.assertGreater(flips, 0)
            # the live answers follow the tick
            sample = [a for a in after["accounts"] if a["access"].get("role")][:3]
            for a in sample:
                self.check_account(sim, after, a)

    def test_tick_flag(self):
        with Awsim("--accounts", "20", "--tick", "1") as sim:
            time.sleep(2.5)
            self.assertGreaterEqual(sim.stats()["tick"], 2)

    def test_scale(self):
        t0 = time.time()
        with Awsim("--accounts", "10000", "--seed", "3") as sim:
            ready = time.time() - t0
            org = sim.client("organizations")
            self.assertEqual(len(org.list_accounts(MaxResults=20)["Accounts"]), 10)
            with open("/proc/%d/status" % sim.proc.pid) as f:
                rss = [int(l.split()[1]) for l in f if l.startswith("VmRSS:")][0]
        self.assertLess(ready, 2.0 if not os.environ.get("ORGTOP_SANITIZER") else 20.0)
        self.assertLess(rss, 200 * 1024)


if __name__ == "__main__":
    taptest.main()
