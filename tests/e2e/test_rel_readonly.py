#!/usr/bin/env python3
# timeout: 120
"""Read-only by construction, at run time (issue 7 section 6), with the real
binary against awsim:

- `--call` with a write (organizations CreateAccount, LeaveOrganization,
  guardduty ArchiveFindings) or with a read orgtop never makes is refused
  before anything is sent: awsim sees no request at all, the message says
  why, exit 1; a read of the table still goes through.
- Everything a full refresh and the dashboard's drill-down send (awsim's
  per-operation counts) is a read: List*, Describe*, Get*, sts:AssumeRole,
  sts:GetCallerIdentity; and each one's IAM action is in the policy
  `--iam-policy` prints (the policy test itself is in test_once_cli.py).
"""
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rel_lib as R  # noqa: E402
import taptest  # noqa: E402

READ = re.compile(r"^[a-z-]+:(List|Describe|Get)[A-Z]|^sts:(AssumeRole|GetCallerIdentity)$")
# API operation -> IAM action where the two differ (the rest are service:Operation)
IAM = {"budgets:DescribeBudgets": "budgets:ViewBudget", "sso-admin": "sso"}


class ReadOnly(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = R.Awsim("--scenario", R.scenario("states.json")).start()
        cls.env = R.env(cls.sim)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_writes_and_unknown_operations_never_leave(self):
        cases = [("organizations", "CreateAccount",
                  {"Email": "x@corp.example", "AccountName": "new"}),
                 ("organizations", "LeaveOrganization", {}),
                 ("guardduty", "ArchiveFindings", {"DetectorId": "d", "FindingIds": ["f"]}),
                 ("organizations", "ListHandshakesForAccount", {}),
                 ("sts", "AssumeRoleWithSAML", {})]
        self.sim.reset_stats()
        for svc, op, params in cases:
            res = R.run(["--call", svc, op, json.dumps(params)], env=self.env, timeout=30)
            self.assertEqual(res.rc, 1, res.err)
            self.assertIn("%s:%s is not an operation orgtop may send" % (svc, op), res.err)
            self.assertEqual(res.out, "")
        # (awsim counts its own control requests: compare by operation and by service)
        st = self.sim.stats()
        self.assertEqual({k: v for k, v in st["by_operation"].items() if v}, {},
                         "a refused call reached AWS")
        self.assertEqual(sum(st["by_service"].values()), 0)
        res = R.run(["--call", "organizations", "ListRoots"], env=self.env, timeout=30)
        self.assertEqual(res.rc, 0, res.err)
        self.assertEqual(self.sim.stats()["by_operation"].get("organizations:ListRoots"), 1)

    def test_everything_a_refresh_sends_is_a_read_in_the_policy(self):
        self.sim.reset_stats()
        res = R.run(["--once", "--format", "json", "--no-cache"], env=self.env, timeout=60)
        self.assertEqual(res.rc, 1, res.err)
        ops = self.sim.stats()["by_operation"]
        self.assertGreater(len(ops), 10)
        pol = R.run(["--iam-policy"], env=self.env, timeout=30)
        self.assertEqual(pol.rc, 0, pol.err)
        actions = set(re.findall(r'"([a-z-]+:[A-Za-z]+)"', pol.out))
        for op, n in ops.items():
            if n == 0:
                continue
            self.assertRegex(op, READ)
            svc, name = op.split(":")
            action = IAM.get(op, "%s:%s" % (IAM.get(svc, svc), name))
            self.assertIn(action, actions, "%s was sent but is not in --iam-policy" % op)


if __name__ == "__main__":
    taptest.main()
