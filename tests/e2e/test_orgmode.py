#!/usr/bin/env python3
# timeout: 600
"""--mode org and --mode auto against awsim (issue 6, section 3).

Config compliance from the organization's Config aggregator and GuardDuty
findings from its delegated administrator, compared with what asking every
account gives on the same awsim organization. Where the aggregators have no
data for an account x region (an SCP keeps the service out, it is not
enabled), org mode asks the account itself when there are at most 2,000
such cells: then the JSON is exactly --mode accounts' (the default generated
organization, states.json with every state). Beyond that those cells are
`disabled` without asking, the one rule docs/JSON.md states (a region an SCP
denies shows `disabled`, not `denied`): 1,000 accounts, against the truth.
Then the ways the aggregators fail: none at all (auto asks each account,
org says why in every Config cell), the administrator's role refused
(`denied`), no delegated administrator for GuardDuty. And the requests.
"""
import copy
import json
import os
import tempfile
import unittest

import test_once_lib as L
import taptest


def cells_differ(a, b):
    """(account, region, part, a's item, b's item) for every Config/GuardDuty difference."""
    out = []
    bb = {x["id"]: x for x in b["accounts"]}
    for x in a["accounts"]:
        for r, c in x["cells"].items():
            for part in ("config", "guardduty"):
                if c[part] != bb[x["id"]]["cells"][r][part]:
                    out.append((x["id"], r, part, c[part], bb[x["id"]]["cells"][r][part]))
    return out


def by_op(stats, prefix):
    return sum(v for k, v in stats.get("by_operation", {}).items() if k.startswith(prefix))


class DefaultOrganization(unittest.TestCase):
    """The generated organization (120 accounts): accounts, org and auto on one awsim."""

    @classmethod
    def setUpClass(cls):
        cls.sim = L.Awsim().start()
        cls.truth = L.dump_truth()
        rc, out, cls.err_acc = L.run_once(cls.sim, mode="accounts")
        cls.acc = json.loads(out)
        cls.sim.reset_stats()
        cls.rc, out, cls.err = L.run_once(cls.sim, mode="org")
        cls.org = json.loads(out)
        cls.stats = cls.sim.stats()
        rc, out, err = L.run_once(cls.sim, mode="auto")
        cls.auto = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_org_mode_gives_the_same_json_as_asking_each_account(self):
        diffs = L.compare(self.org, self.acc)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        self.assertEqual(cells_differ(self.acc, self.org), [])
        self.assertEqual(self.org["regions"], self.acc["regions"])

    def test_org_mode_agrees_with_the_truth(self):
        diffs = L.compare(self.org, self.truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_auto_uses_the_aggregators_when_they_are_there(self):
        self.assertEqual(L.compare(self.auto, self.org), [])
        n = L.states(self.org)
        self.assertNotIn("loading", n)
        self.assertNotIn("error", n)
        self.assertEqual(self.rc, 1)  # denied accounts, disabled cells

    def test_accounts_are_asked_only_where_the_aggregators_are_silent(self):
        s = self.stats
        silent = {"config": 0, "guardduty": 0}
        for a in self.org["accounts"]:
            if a["access"]["state"] != "ok":
                continue
            for c in a["cells"].values():
                for part in silent:
                    silent[part] += c[part]["state"] in ("denied", "disabled")
        # One call per silent cell (the administrator's own regions count once for GuardDuty).
        self.assertEqual(by_op(s, "config:GetComplianceSummaryByConfigRule"), silent["config"])
        self.assertLessEqual(by_op(s, "guardduty:ListDetectors"),
                             silent["guardduty"] + len(self.org["regions"]))
        cells = len(self.org["accounts"]) * len(self.org["regions"])
        print("# org mode: %d requests (%d Config, %d GuardDuty) for %d cells, %d+%d silent" % (
            s["requests"], by_op(s, "config:"), by_op(s, "guardduty:"), cells,
            silent["config"], silent["guardduty"]))


class EveryState(unittest.TestCase):
    """states.json: the administrator's own findings (one archived), capped counts, rules
    all NOT_APPLICABLE, Config or GuardDuty off, SCP-denied regions, an opt-in region the
    administrator has not enabled (asked of the accounts that have), a denied account, a
    suspended one."""

    @classmethod
    def setUpClass(cls):
        cls.scn = L.scenario("states.json")
        cls.sim = L.Awsim("--scenario", cls.scn).start()
        cls.truth = L.dump_truth("--scenario", cls.scn)
        rc, out, err = L.run_once(cls.sim, mode="accounts")
        cls.acc = json.loads(out)
        cls.sim.reset_stats()
        cls.rc, out, cls.err = L.run_once(cls.sim, mode="org")
        cls.org = json.loads(out)
        cls.stats = cls.sim.stats()
        cls.a = {x["id"]: x for x in cls.org["accounts"]}

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_same_json(self):
        diffs = L.compare(self.org, self.acc)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        diffs = L.compare(self.org, self.truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_administrators_own_findings_without_the_archived_one(self):
        g = self.a["200000000001"]["cells"]["eu-west-1"]["guardduty"]
        self.assertEqual(g, {"state": "ok", "low": 1, "medium": 0, "high": 1, "critical": 1,
                             "max_severity": 9.1})

    def test_scp_denied_region_asked_of_the_account(self):
        c = self.a["200000000002"]["cells"]["us-east-1"]
        self.assertEqual(c["config"]["state"], "denied")
        self.assertIn(L.SCP_DENY, c["config"]["reason"])
        self.assertIn("guardduty:ListDetectors", c["guardduty"]["reason"])

    def test_a_region_the_administrator_lacks_is_asked_of_the_accounts(self):
        # af-south-1 is on for 200000000005 only; the administrator has not opted in.
        self.assertEqual(self.a["200000000005"]["cells"]["af-south-1"]["guardduty"]["state"], "ok")
        self.assertGreater(by_op(self.stats, "guardduty:ListDetectors"), 0)

    def test_denied_and_suspended_accounts_as_in_accounts_mode(self):
        acc = {x["id"]: x for x in self.acc["accounts"]}
        for aid, x in self.a.items():
            if x["access"]["state"] != "ok":
                self.assertEqual(x, acc[aid], aid)


class Thousand(unittest.TestCase):
    """1,000 accounts: more cells without aggregator data than org mode asks about, so the
    one rule holds: the truth, but SCP-denied regions disabled; no account asked for
    Config or GuardDuty; requests grow with regions and pages."""

    @classmethod
    def setUpClass(cls):
        n = "300" if L.SANITIZER else "1000"
        cls.truth = L.dump_truth("--accounts", n, "--seed", "7")
        with L.Awsim("--accounts", n, "--seed", "7", "--page-size", "0") as sim:
            cls.rc, out, cls.err = L.run_once(sim, mode="org", timeout=500)
            cls.stats = sim.stats()
        cls.org = json.loads(out)

    @unittest.skipIf(L.SANITIZER, "300 accounts have fewer silent cells than org mode asks about")
    def test_the_truth_but_for_the_rule(self):
        diffs = L.compare(self.org, L.org_view(self.truth))
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        d = cells_differ(self.truth, self.org)
        self.assertGreater(len(d), 100)  # the rule is exercised: DE, FR outside eu-*
        for aid, r, part, t, o in d:
            self.assertIn(L.SCP_DENY, t["reason"], (aid, r, part))
            self.assertEqual(o, {"state": "disabled", "reason": L.ORG_DISABLED[part]})

    @unittest.skipIf(L.SANITIZER, "see above")
    def test_requests_grow_with_regions_not_cells(self):
        s = self.stats
        self.assertEqual(by_op(s, "config:GetComplianceSummaryByConfigRule"), 0)
        self.assertEqual(by_op(s, "config:DescribeConfigRules"), 0)
        self.assertLessEqual(by_op(s, "guardduty:ListDetectors"), len(self.org["regions"]))
        cells = len(self.org["accounts"]) * len(self.org["regions"])
        self.assertLess(by_op(s, "config:") + by_op(s, "guardduty:"), cells / 5)
        self.assertLessEqual(by_op(s, "config:GetAggregateConfigRuleComplianceSummary"),
                             len(self.org["regions"]))
        print("# 1,000 accounts, org mode: %d requests for %d cells (Config %d, GuardDuty %d)" % (
            s["requests"], cells, by_op(s, "config:"), by_op(s, "guardduty:")))
        n = L.states(self.org)
        self.assertNotIn("loading", n)
        self.assertNotIn("error", n)


def scenario_variant(edit):
    """states.json changed by edit(doc), in a file of its own (removed by the caller)."""
    with open(L.scenario("states.json")) as f:
        doc = json.load(f)
    edit(doc)
    fd, path = tempfile.mkstemp(prefix="orgtop-orgmode-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f)
    return path


class Failures(unittest.TestCase):
    """The aggregators absent, refused or without an administrator: auto asks each account
    instead (the JSON of --mode accounts), org says why in the cells and on stderr."""

    def run_modes(self, edit):
        path = scenario_variant(edit)
        self.addCleanup(os.unlink, path)
        with L.Awsim("--scenario", path) as sim:
            out = {}
            for mode in ("accounts", "auto", "org"):
                rc, text, err = L.run_once(sim, mode=mode)
                out[mode] = (rc, json.loads(text), err)
        return out

    def cells(self, doc, part):
        for x in doc["accounts"]:
            if x["access"]["state"] == "ok":
                for r, c in x["cells"].items():
                    yield x["id"], r, c[part]

    def test_no_config_aggregator(self):
        out = self.run_modes(lambda d: d.update(aggregator=None))
        acc, auto, org = out["accounts"][1], out["auto"][1], out["org"][1]
        self.assertEqual(L.compare(auto, acc), [])
        # Config was asked of each account: even the SCP-denied regions are denied there.
        auto_cfg = [c for _, _, c in self.cells(auto, "config")]
        self.assertIn("denied", [c["state"] for c in auto_cfg])
        # --mode org: every Config cell of a reachable account says why; GuardDuty is fine.
        for aid, r, c in self.cells(org, "config"):
            if c["state"] != "region_off":
                self.assertEqual(c["state"], "error", (aid, r))
                self.assertIn("no organization Config aggregator", c["reason"])
        self.assertIn("no organization Config aggregator", out["org"][2])
        org_gd = {(aid, r): c for aid, r, c in self.cells(org, "guardduty")}
        acc_gd = {(aid, r): c for aid, r, c in self.cells(acc, "guardduty")}
        self.assertEqual(org_gd, acc_gd)

    def test_administrator_role_refused(self):
        def refuse(d):
            for a in d["accounts"]:
                if a["id"] == "200000000001":
                    a["refuse_assume_role"] = True
        out = self.run_modes(refuse)
        acc, auto, org = out["accounts"][1], out["auto"][1], out["org"][1]
        # Both sources fall back: auto is --mode accounts exactly, SCP denials included.
        self.assertEqual(L.compare(auto, acc), [])
        for part in ("config", "guardduty"):
            for aid, r, c in self.cells(org, part):
                if c["state"] != "region_off":
                    self.assertEqual(c["state"], "denied", (aid, r, part))
                    self.assertIn("200000000001", c["reason"])
                    self.assertIn("sts:AssumeRole", c["reason"])

    def test_no_delegated_administrator(self):
        # The Config aggregator lives in the management account; GuardDuty has no administrator.
        def edit(d):
            del d["delegated_admin"]
            d["aggregator"] = {"account": "111111111111", "region": "us-east-1", "name": "mgmt"}
        out = self.run_modes(edit)
        acc, auto, org = out["accounts"][1], out["auto"][1], out["org"][1]
        self.assertEqual(L.compare(auto, acc), [])
        # GuardDuty was asked of each account (SCP denials kept), Config came from the aggregator.
        auto_gd = [c["state"] for _, _, c in self.cells(auto, "guardduty")]
        self.assertIn("denied", auto_gd)
        org_cfg = {(aid, r): c for aid, r, c in self.cells(org, "config")}
        acc_cfg = {(aid, r): c for aid, r, c in self.cells(acc, "config")}
        self.assertEqual(org_cfg, acc_cfg)
        for aid, r, c in self.cells(org, "guardduty"):
            if c["state"] != "region_off":
                self.assertEqual(c["state"], "error", (aid, r))
                self.assertEqual(c["reason"], "GuardDuty has no delegated administrator")
        for mode in ("auto", "org"):
            self.assertEqual(out[mode][0], 1, out[mode][2])

    def test_listing_the_aggregators_denied(self):
        """The aggregator exists but DescribeConfigurationAggregators is refused in the
        administrator: --mode org says that, not that there is no aggregator (it once
        did); auto asks each account."""
        deny = {"status": 400, "code": "AccessDeniedException", "times": -1,
                "message": "User: arn:aws:sts::200000000001:assumed-role/"
                           "OrganizationAccountAccessRole/orgtop is not authorized to perform: "
                           "config:DescribeConfigurationAggregators"}

        def edit(d):
            d.setdefault("faults", {}).setdefault("rules", []).append(
                {"account": "200000000001", "api": "config:DescribeConfigurationAggregators",
                 "error": deny})
        out = self.run_modes(edit)
        acc, auto, org = out["accounts"][1], out["auto"][1], out["org"][1]
        self.assertEqual(L.compare(auto, acc), [])
        seen = 0
        for aid, r, c in self.cells(org, "config"):
            if c["state"] != "region_off":
                seen += 1
                self.assertEqual(c["state"], "denied", (aid, r, c))
                self.assertIn("Config aggregators could not be listed in 200000000001",
                              c["reason"])
                self.assertIn("not authorized", c["reason"])
                self.assertNotIn("no organization Config aggregator", c["reason"])
        self.assertGreater(seen, 0)
        self.assertIn("Config aggregators could not be listed", out["org"][2])

    def test_an_aggregator_call_failing_in_one_region(self):
        """Regression: one failed aggregator call sent its source back to idle in
        the middle of the refresh; it never decided on the cells without data,
        and --once waited forever. Now the region is asked of each account (auto)
        or its cells say why (org), and both end."""
        boom = {"status": 500, "code": "InternalFailure", "message": "boom", "times": -1}
        with L.Awsim("--scenario", L.scenario("states.json")) as sim:
            rc, text, err = L.run_once(sim, mode="accounts")
            acc = json.loads(text)
            sim.faults({"rules": [{"region": "eu-west-1", "api": "guardduty:ListMembers",
                                   "error": boom}]})
            env = L.orgtop_env(sim)
            env["AWS_MAX_ATTEMPTS"] = "1"
            out = {}
            for mode in ("auto", "org"):
                rc, text, err = L.run_once(sim, mode=mode, env=env, timeout=60)
                self.assertEqual(rc, 1, err)
                out[mode] = json.loads(text)
        self.assertEqual(L.compare(out["auto"], acc), [])
        for aid, r, c in self.cells(out["org"], "guardduty"):
            if r == "eu-west-1" and c["state"] not in ("region_off", "disabled", "denied"):
                self.assertEqual(c["state"], "error", (aid, r))
                self.assertIn("InternalFailure", c["reason"])
        org_cfg = {(aid, r): c for aid, r, c in self.cells(out["org"], "config")}
        acc_cfg = {(aid, r): c for aid, r, c in self.cells(acc, "config")}
        self.assertEqual(org_cfg, acc_cfg)


if __name__ == "__main__":
    taptest.main()
