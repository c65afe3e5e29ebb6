#!/usr/bin/env python3
# timeout: 180
"""awsim: throttling codes per service, 5xx, resets, truncation, malformed bodies,
blackholed regions, latency, scenario token buckets and error pages, stats."""
import http.client
import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def err(fn, *a, **kw):
    try:
        fn(*a, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


def broken(test, call, member):
    """call() must not get its answer: botocore raises a connection or read error,
    or (an older botocore, Debian 12's 1.29, parses a cut JSON body as {}) returns
    without member."""
    try:
        r = call()
    except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError,
            botocore.exceptions.IncompleteReadError,
            getattr(botocore.exceptions, "ResponseStreamingError",
                    botocore.exceptions.IncompleteReadError)):
        return
    test.assertNotIn(member, r)


def raw(sim, body=b"{}", target="AWSOrganizationsV20161128.DescribeOrganization"):
    """A request without a signature is refused; use the control endpoint for raw tests."""
    c = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    c.request("GET", "/_awsim/health")
    return c


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Awsim("--accounts", "30", "--seed", "4").start()
        t = cls.sim.truth()
        cls.member = next(a for a in t["accounts"] if a["access"].get("role")
                          and a["name"] != "security-tooling")
        cls.keys = cls.sim.assume(cls.member["id"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def tearDown(self):
        self.sim.faults({"throttle": 0, "errors": 0, "resets": 0, "truncate": 0, "malformed": 0,
                         "latency_ms": 0, "jitter_ms": 0, "blackhole": [], "clear_rules": True})

    def test_throttle_codes_per_service(self):
        self.sim.faults({"throttle": 1.0})
        k = self.keys
        cases = [
            (self.sim.client("organizations").list_roots, (), ("TooManyRequestsException", 400)),
            (self.sim.client("config", creds=k).get_compliance_summary_by_config_rule, (),
             ("ThrottlingException", 400)),
            (self.sim.client("budgets", creds=k).describe_budgets, (self.member["id"],),
             ("ThrottlingException", 400)),
            (self.sim.client("sso-admin").list_instances, (), ("ThrottlingException", 400)),
            (self.sim.client("guardduty", creds=k).list_detectors, (), ("TooManyRequestsException", 429)),
            (self.sim.client("account").list_regions, (), ("TooManyRequestsException", 429)),
            (self.sim.client("sts").get_caller_identity, (), ("Throttling", 400)),
        ]
        for fn, args, want in cases:
            if args:
                got = err(fn, AccountId=args[0])
            else:
                got = err(fn)
            self.assertEqual(got, want, fn)
        ce = self.sim.client("ce")
        self.assertEqual(err(ce.get_cost_and_usage, TimePeriod={"Start": "2026-11-01", "End": "2026-11-02"},
                             Granularity="MONTHLY", Metrics=["UnblendedCost"]),
                         ("LimitExceededException", 400))
        st = self.sim.stats()
        self.assertGreaterEqual(st["throttled"], 8)
        self.assertIn("organizations:ListRoots", st["throttled_by_operation"])

    def test_server_errors(self):
        self.sim.faults({"errors": 1.0})
        seen = set()
        org = self.sim.client("organizations")
        for _ in range(12):
            seen.add(err(org.list_roots))
        self.assertTrue(seen <= {("InternalFailure", 500), ("ServiceUnavailable", 503)}, seen)
        self.assertEqual(len(seen), 2)
        got = err(self.sim.client("guardduty", creds=self.keys).list_detectors)
        self.assertIn(got[1], (500, 503))

    def test_resets(self):
        self.sim.faults({"resets": 1.0})
        org = self.sim.client("organizations")
        for _ in range(4):
            broken(self, org.describe_organization, "Organization")
        self.assertGreaterEqual(self.sim.stats()["resets"], 4)

    def test_truncated(self):
        self.sim.faults({"truncate": 1.0})
        org = self.sim.client("organizations")
        broken(self, org.list_accounts, "Accounts")
        self.assertGreaterEqual(self.sim.stats()["truncated"], 1)

    def test_malformed(self):
        self.sim.faults({"malformed": 1.0})
        org = self.sim.client("organizations")
        bad = 0
        for _ in range(6):
            try:
                r = org.describe_organization()
                if "Organization" not in r:
                    bad += 1  # 200 with an empty body parses as {}
            except Exception:  # botocore's parser rejects the body
                bad += 1
        self.assertEqual(bad, 6)
        self.assertGreaterEqual(self.sim.stats()["malformed"], 6)

    def test_blackhole(self):
        self.sim.faults({"blackhole": ["eu-west-3"]})
        slow = self.sim.client("config", region="eu-west-3", creds=self.keys, read_timeout=1)
        t0 = time.time()
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            slow.get_compliance_summary_by_config_rule()
        self.assertLess(time.time() - t0, 5)
        # other regions still answer while the blackholed connection hangs
        self.sim.client("config", region="eu-west-1", creds=self.keys).get_compliance_summary_by_config_rule()
        self.assertGreaterEqual(self.sim.stats()["blackholed"], 1)

    def test_latency(self):
        self.sim.faults({"latency_ms": 300, "jitter_ms": 50})
        org = self.sim.client("organizations")
        t0 = time.time()
        org.describe_organization()
        dt = time.time() - t0
        self.assertGreaterEqual(dt, 0.29)
        self.assertLess(dt, 2.0)
        # delayed answers do not hold a thread: many at once finish together
        import concurrent.futures as cf
        clients = [self.sim.client("sts") for _ in range(16)]
        t0 = time.time()
        with cf.ThreadPoolExecutor(16) as ex:
            list(ex.map(lambda c: c.get_caller_identity(), clients))
        self.assertLess(time.time() - t0, 6.0 if os.environ.get("ORGTOP_SANITIZER") else 2.5)

    def test_never_exempts_from_the_random_throttle(self):
        self.sim.faults({"throttle": 1.0, "rules": [{"api": "organizations:*",
                                                     "throttle": "never"}]})
        self.assertEqual(len(self.sim.client("organizations").list_roots()["Roots"]), 1)
        self.assertEqual(err(self.sim.client("config", creds=self.keys).describe_config_rules),
                         ("ThrottlingException", 400))

    def test_control_validation(self):
        import urllib.error
        import urllib.request
        req = urllib.request.Request(self.sim.endpoint + "/_awsim/faults", method="POST",
                                     data=json.dumps({"throttle": 7}).encode())
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(e.exception.code, 400)
        self.assertIn("throttle", e.exception.read().decode())


class ScenarioFaults(unittest.TestCase):
    def test_rules(self):
        with Awsim("--scenario", os.path.join(HERE, "scenarios", "faults.json"),
                   "--page-size", "2") as sim:
            hot = sim.assume("900000000002")
            cfg = sim.client("config", creds=hot)
            for _ in range(3):
                self.assertEqual(err(cfg.get_compliance_summary_by_config_rule),
                                 ("ThrottlingException", 400))
            # other APIs of that account and the same API of others are fine
            sim.client("config", creds=hot).describe_config_rules()
            sim.client("config", creds=sim.assume("900000000004")).get_compliance_summary_by_config_rule()
            warm = sim.assume("900000000003")
            gd = sim.client("guardduty", creds=warm)
            codes = [err(gd.list_detectors) for _ in range(4)]
            self.assertEqual(codes[:3], [("TooManyRequestsException", 429)] * 3)
            self.assertIsNone(codes[3])
            # page 2 of ListAccountsForParent fails once with a 500, then the walk succeeds
            org = sim.client("organizations")
            root = org.list_roots()["Roots"][0]["Id"]
            ou = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"][0]["Id"]
            first = org.list_accounts_for_parent(ParentId=ou)
            self.assertIn("NextToken", first)
            self.assertEqual(err(org.list_accounts_for_parent, ParentId=ou, NextToken=first["NextToken"]),
                             ("ServiceException", 500))
            ids = [a["Id"] for p in org.get_paginator("list_accounts_for_parent").paginate(ParentId=ou)
                   for a in p["Accounts"]]
            self.assertEqual(len(ids), 6)
            rules = sim.faults()["rules"]
            self.assertEqual(len(rules), 3)


class Connections(unittest.TestCase):
    def test_only_the_clients_connections_are_counted(self):
        """stats.connections is what a client opened: the test's own control calls
        (each a new connection) are not in it, keep-alive calls share one."""
        with Awsim("--accounts", "5", "--seed", "4") as sim:
            for _ in range(3):
                self.assertEqual(sim.stats()["connections"], 0)
            org = sim.client("organizations")
            for _ in range(4):
                org.describe_organization()
            st = sim.stats()
            self.assertEqual(st["requests"], 4)
            self.assertEqual(st["connections"], 1)
            sim.client("sts").get_caller_identity()  # another client: its own connection
            st = sim.stats()
            self.assertEqual(st["requests"], 5)
            self.assertEqual(st["connections"], 2)


if __name__ == "__main__":
    taptest.main()
