#!/usr/bin/env python3
# timeout: 600
"""`orgtop --once` when AWS misbehaves (RELIABILITY.md C, D; issue 4's Proof).

- faults.json: one account's Config throttled forever in one region (the cell
  ends as an error "throttled" after the client's retries and the collector's
  re-queues, everything else is right), another account's GuardDuty
  throttled for its first calls (recovers), and an error page in the middle
  of a paginated account listing (retried, nothing lost).
- pagefail.json: a listing page that fails every time: the accounts of the
  pages before it are complete, the walk is reported incomplete, exit 1;
  failing 4 times in a row (past the client's retries) it is asked again by
  the collector and nothing is lost.
- a blackholed region (connections accepted, never answered): its cells end
  as "region timed out" within the deadline, the other region is complete.
- 30% of all calls throttled: every cell still agrees with the truth.
"""
import json
import os
import tempfile
import time
import unittest

import test_once_lib as L
import taptest


class ThrottlingAndErrorPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scn = L.scenario("faults.json")
        cls.truth = L.dump_truth("--scenario", cls.scn)
        with L.Awsim("--scenario", cls.scn) as sim:
            t0 = time.time()
            cls.rc, out, cls.err = L.run_once(sim)
            cls.wall = time.time() - t0
            cls.stats = sim.stats()
        cls.doc = json.loads(out)
        cls.acct = {a["id"]: a for a in cls.doc["accounts"]}

    def test_throttling_that_never_ends_is_an_error_throttled(self):
        cfg = self.acct["900000000002"]["cells"]["eu-west-1"]["config"]
        self.assertEqual(cfg, {"state": "error", "reason": "throttled"})
        # The same account's other region and service are fine.
        self.assertEqual(self.acct["900000000002"]["cells"]["us-east-1"]["config"]["state"], "ok")
        self.assertEqual(self.acct["900000000002"]["cells"]["eu-west-1"]["guardduty"]["state"],
                         "ok")

    def test_it_was_asked_again_after_the_clients_retries(self):
        # 3 attempts per call (botocore standard mode), then 3 re-queues by the collector.
        n = self.stats["throttled_by_operation"].get("config:GetComplianceSummaryByConfigRule", 0)
        self.assertGreaterEqual(n, 12)

    def test_everything_else_agrees_with_the_truth(self):
        truth = json.loads(json.dumps(self.truth))
        for a in truth["accounts"]:
            if a["id"] == "900000000002":
                a["cells"]["eu-west-1"]["config"] = {"state": "error", "reason": "throttled"}
        diffs = L.compare(self.doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_exit_status_says_partial(self):
        self.assertEqual(self.rc, 1, self.err)

    def test_bounded_time(self):
        self.assertLess(self.wall, 120)


class ListingPageFailsForever(unittest.TestCase):
    def test_walk_incomplete_is_reported_and_known_accounts_are_complete(self):
        scn = L.scenario("pagefail.json")
        truth = L.dump_truth("--scenario", scn)
        with L.Awsim("--scenario", scn) as sim:
            rc, out, err = L.run_once(sim, env=L.orgtop_env(sim, {"AWS_MAX_ATTEMPTS": "2"}))
        doc = json.loads(out)
        self.assertEqual(rc, 1, err)
        self.assertIn("organization walk", err)
        self.assertIn("ServiceException", err)
        ours = {a["id"] for a in doc["accounts"]}
        self.assertGreater(len(ours), 1)
        self.assertLess(len(ours), len(truth["accounts"]))
        truth["accounts"] = [a for a in truth["accounts"] if a["id"] in ours]
        diffs = L.compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        for a in doc["accounts"]:
            for cell in a["cells"].values():
                self.assertEqual(cell["config"]["state"], "ok")


class ListingPageFailsForAWhile(unittest.TestCase):
    def test_the_walk_asks_again_and_loses_no_account(self):
        """A listing page that fails longer than the client retries (AWS_MAX_ATTEMPTS=2,
        4 failures in a row) is queued again by the collector: every account is
        there. Given up after the client's retries, the fault storm's --once once
        printed 987 of its 1,000 accounts."""
        with open(L.scenario("pagefail.json")) as f:
            doc = json.load(f)
        doc["faults"]["rules"][0]["error"]["times"] = 4
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(doc, f)
            scn = f.name
        try:
            truth = L.dump_truth("--scenario", scn)
            with L.Awsim("--scenario", scn) as sim:
                rc, out, err = L.run_once(sim, env=L.orgtop_env(sim, {"AWS_MAX_ATTEMPTS": "2"}))
                failed = sim.stats()["errors_5xx"]
        finally:
            os.unlink(scn)
        self.assertEqual(failed, 4)
        self.assertNotIn("organization walk", err)
        got = json.loads(out)
        self.assertEqual(len(got["accounts"]), len(truth["accounts"]))
        diffs = L.compare(got, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        self.assertEqual(rc, 0, err)


class BlackholedRegion(unittest.TestCase):
    def test_a_dead_region_never_holds_the_others(self):
        scn = L.scenario("allok.json")
        truth = L.dump_truth("--scenario", scn)
        with L.Awsim("--scenario", scn, "--blackhole", "eu-west-1") as sim:
            t0 = time.time()
            rc, out, err = L.run_once(sim, "--region-deadline", "3")
            wall = time.time() - t0
        doc = json.loads(out)
        self.assertEqual(rc, 1, err)
        self.assertLess(wall, 30)
        self.assertIn("eu-west-1 gave no answer for 3 s", err)
        for a in doc["accounts"]:
            dead = a["cells"]["eu-west-1"]
            for part in ("config", "guardduty"):
                self.assertEqual(dead[part], {"state": "error",
                                              "reason": "region timed out after 3s"})
            # Spend comes from the payer's Cost Explorer: known for the dead region too.
            self.assertEqual(dead["spend_state"], "ok")
        for a in truth["accounts"]:
            for part in ("config", "guardduty"):
                a["cells"]["eu-west-1"][part] = {"state": "error",
                                                 "reason": "region timed out after 3s"}
        diffs = L.compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))


class ThrottlingStorm(unittest.TestCase):
    def test_thirty_percent_throttled_still_agrees_with_the_truth(self):
        scn = L.scenario("states.json")
        truth = L.dump_truth("--scenario", scn)
        with L.Awsim("--scenario", scn, "--throttle", "0.3") as sim:
            rc, out, err = L.run_once(sim)
            stats = sim.stats()
        self.assertGreater(stats["throttled"], 50)
        diffs = L.compare(json.loads(out), truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))
        self.assertEqual(rc, 1, err)


if __name__ == "__main__":
    taptest.main()
