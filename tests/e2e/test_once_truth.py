#!/usr/bin/env python3
# timeout: 600
"""`orgtop --once` against awsim, compared cell by cell with --dump-truth.

The default generated organization (120 accounts, every kind of account
and state awsim makes), the same restricted with -r globs, a scenario that
holds every state a cell or an account can be in (tests/e2e/scenarios/
states.json), and one where everything is fine (exit status 0). CSV and
table output are checked against the JSON of the same run.
"""
import csv
import io
import json
import os
import unittest

import test_once_lib as L
import taptest


class DefaultOrganization(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = L.Awsim().start()
        cls.truth = L.dump_truth()
        cls.rc, out, cls.err = L.run_once(cls.sim)
        cls.doc = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_every_cell_agrees_with_the_truth(self):
        diffs = L.compare(self.doc, self.truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_exit_status_says_partial(self):
        # The generated organization has denied, disabled and region_off cells.
        self.assertEqual(self.rc, 1, self.err)

    def test_every_state_awsim_generates_is_there(self):
        n = L.states(self.doc)
        for st in ("ok", "denied", "disabled", "region_off"):
            self.assertGreater(n.get(st, 0), 0, st)
        self.assertNotIn("loading", n)
        self.assertNotIn("error", n)

    def test_no_progress_or_noise_on_stderr_when_not_a_terminal(self):
        self.assertNotIn("\r", self.err)
        self.assertNotIn("done, ", self.err)

    def test_region_globs_select_like_the_truth(self):
        spec = "eu-*,us-east-1"
        rc, out, err = L.run_once(self.sim, "-r", spec)
        doc = json.loads(out)
        truth = L.dump_truth("--truth-regions", spec)
        self.assertTrue(all(r.startswith("eu-") or r == "us-east-1" for r in doc["regions"]))
        diffs = L.compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))


class EveryState(unittest.TestCase):
    """states.json: a denied account, an external-id role, SCP-denied regions, an opt-in
    region on in one account and off in the rest, Config and GuardDuty not enabled, rules
    that are all NOT_APPLICABLE, a suspended account, an account without budgets, a
    leading-zero id, Identity Center outside the profile's region, a delegated admin
    whose detector sees every member's findings."""

    @classmethod
    def setUpClass(cls):
        cls.scn = L.scenario("states.json")
        cls.sim = L.Awsim("--scenario", cls.scn).start()
        cls.truth = L.dump_truth("--scenario", cls.scn)
        cls.rc, out, cls.err = L.run_once(cls.sim)
        cls.doc = json.loads(out)
        cls.acct = {a["id"]: a for a in cls.doc["accounts"]}

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_every_cell_agrees_with_the_truth(self):
        diffs = L.compare(self.doc, self.truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_exit_status(self):
        self.assertEqual(self.rc, 1, self.err)

    def test_denied_account_is_denied_everywhere_with_aws_reason(self):
        a = self.acct["200000000003"]
        self.assertEqual(a["access"]["state"], "denied")
        self.assertIn("is not authorized to perform: sts:AssumeRole", a["access"]["reason"])
        self.assertEqual(a["budget"]["state"], "denied")
        for cell in a["cells"].values():
            self.assertEqual(cell["config"]["state"], "denied")
            self.assertEqual(cell["guardduty"]["state"], "denied")
            self.assertNotIn("noncompliant", cell["config"])
        # SSO comes from the management account: still known.
        self.assertEqual(a["sso"]["state"], "ok")

    def test_scp_denied_region_names_the_scp(self):
        cell = self.acct["200000000002"]["cells"]["us-east-1"]
        self.assertEqual(cell["config"]["state"], "denied")
        self.assertIn("service control policy", cell["config"]["reason"] +
                      self.truth_reason("200000000002", "us-east-1"))
        self.assertEqual(self.acct["200000000002"]["cells"]["eu-central-1"]["config"]["state"],
                         "ok")

    def truth_reason(self, account, region):
        for a in self.truth["accounts"]:
            if a["id"] == account:
                return a["cells"][region]["config"].get("reason", "")
        return ""

    def test_opt_in_region_off_is_region_off_without_asking(self):
        self.assertIn("af-south-1", self.doc["regions"])
        self.assertNotIn("me-south-1", self.doc["regions"])  # enabled nowhere
        on = self.acct["200000000005"]["cells"]["af-south-1"]
        self.assertEqual(on["config"]["state"], "ok")
        off = self.acct["111111111111"]["cells"]["af-south-1"]
        self.assertEqual(off["config"], {"state": "region_off", "reason": "region not enabled"})

    def test_services_not_enabled_are_disabled(self):
        cells = self.acct["200000000006"]["cells"]
        self.assertEqual(cells["us-east-1"]["config"],
                         {"state": "disabled", "reason": "no Config rules"})
        self.assertEqual(cells["eu-west-1"]["guardduty"],
                         {"state": "disabled", "reason": "GuardDuty not enabled"})

    def test_rules_that_are_all_not_applicable_are_zero_not_disabled(self):
        cfg = self.acct["200000000007"]["cells"]["us-east-1"]["config"]
        self.assertEqual(cfg, {"state": "ok", "compliant": 0, "noncompliant": 0})

    def test_suspended_account_is_disabled_not_fetched(self):
        a = self.acct["200000000008"]
        for part in ("access", "budget"):
            self.assertEqual(a[part], {"state": "disabled", "reason": "account SUSPENDED"})
        # Identity Center, at the management account, keeps its assignments (docs/JSON.md).
        self.assertEqual(a["sso"], {"state": "ok", "assignments": [
            {"permission_set": "ReadOnlyAccess", "principal_type": "GROUP", "principal": "Auditors"}]})

    def test_account_without_budgets_is_ok_and_empty(self):
        self.assertEqual(self.acct["200000000006"]["budget"], {"state": "ok", "budgets": []})

    def test_leading_zero_id_kept(self):
        self.assertIn("000000000009", self.acct)

    def test_identity_center_found_in_its_home_region(self):
        a = self.acct["111111111111"]["sso"]
        self.assertEqual(a["state"], "ok")
        self.assertIn({"permission_set": "Billing", "principal_type": "USER",
                       "principal": "ana@corp.example"}, a["assignments"])

    def test_delegated_admin_counts_only_its_own_findings(self):
        gd = self.acct["200000000001"]["cells"]["eu-west-1"]["guardduty"]
        self.assertEqual((gd["low"], gd["medium"], gd["high"], gd["critical"]), (1, 0, 1, 1))
        self.assertAlmostEqual(gd["max_severity"], 9.1)


class Formats(unittest.TestCase):
    """CSV and the table against the JSON of the same organization (states.json)."""

    @classmethod
    def setUpClass(cls):
        cls.scn = L.scenario("states.json")
        cls.sim = L.Awsim("--scenario", cls.scn).start()
        cls.rc, out, cls.err = L.run_once(cls.sim)
        cls.doc = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_csv_has_one_row_per_account_and_region(self):
        rc, out, err = L.run_once(self.sim, fmt="csv")
        self.assertEqual(rc, self.rc, err)
        rows = list(csv.reader(io.StringIO(out)))
        header, body = rows[0], rows[1:]
        self.assertEqual(len(body), len(self.doc["accounts"]) * len(self.doc["regions"]))
        self.assertIn("account_id", header)
        self.assertIn("region", header)
        col = {name: i for i, name in enumerate(header)}
        by = {(r[col["account_id"]], r[col["region"]]): r for r in body}
        for a in self.doc["accounts"]:
            for region, cell in a["cells"].items():
                row = by[(a["id"], region)]
                self.assertEqual(len(row), len(header))
                for part, key in (("config", "config_state"), ("guardduty", "guardduty_state")):
                    self.assertEqual(row[col[key]], cell[part]["state"], (a["id"], region))
                if cell["config"]["state"] == "ok":
                    self.assertEqual(int(row[col["config_noncompliant"]]),
                                     cell["config"]["noncompliant"])
                if cell["spend_state"] == "ok":
                    self.assertAlmostEqual(float(row[col["spend"]]), cell["spend"], places=2)

    def test_table_shows_every_account(self):
        rc, out, err = L.run_once(self.sim, fmt="table")
        self.assertEqual(rc, self.rc, err)
        for a in self.doc["accounts"]:
            self.assertIn(a["id"], out)
        for region in self.doc["regions"]:
            self.assertTrue(region in out or L.abbrev(region) in out, region)

    def test_table_is_ascii_when_the_locale_is_not_utf8(self):
        env = L.orgtop_env(self.sim, {"LANG": "C", "LC_ALL": "C"})
        rc, out, err = L.run_once(self.sim, fmt="table", env=env)
        self.assertEqual(rc, self.rc, err)
        self.assertTrue(all(ord(ch) < 128 for ch in out), "non-ASCII in a C-locale table")
        ids = {a["id"] for a in self.doc["accounts"]}
        rows = [line for line in out.splitlines()
                if line.startswith("  ") and any(i in line for i in ids)]
        self.assertEqual(len(rows), len(ids))
        widths = {len(line) for line in rows}
        self.assertLessEqual(len(widths), 1, "account rows are not aligned: %s" % widths)


class EverythingFine(unittest.TestCase):
    def test_exit_status_zero_when_every_cell_is_ok(self):
        scn = L.scenario("allok.json")
        with L.Awsim("--scenario", scn) as sim:
            rc, out, err = L.run_once(sim)
        self.assertEqual(rc, 0, err)
        diffs = L.compare(json.loads(out), L.dump_truth("--scenario", scn))
        self.assertEqual(diffs, [], "\n".join(diffs))


if __name__ == "__main__":
    taptest.main()
