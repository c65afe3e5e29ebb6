#!/usr/bin/env python3
# timeout: 600
"""`orgtop --once` when AWS misbehaves (RELIABILITY.md C, D; issue 4's Proof).

- faults.json: one account's Config throttled forever in one region (the cell
  ends as an error "throttled" after the client's retries and the collector's
  re-queues, everything else is right), another account's GuardDuty
  throttled for its first calls (recovers), and an error page in the middle
  of a paginated account listing (retried, nothing lost).
- pagefail.json: a listing page that fails every time: the accounts of the
  pages before it are complete, the walk is reported incomplete, exit 1.
- a blackholed region (connections accepted, never answered): its cells end
  as "region timed out" within the deadline, the other region is complete.
- 30% of all calls throttled: every cell still agrees with the truth.
"""
import json
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
