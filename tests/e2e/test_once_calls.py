#!/usr/bin/env python3
# timeout: 300
"""No request is sent twice in one refresh.

awsim's --request-log writes a line per AWS request (operation, the signer's
account, region, a hash of method, path, query and body). Without faults a
refresh has no reason to send the same request twice: pages differ by their
token, cells by account and region. In every mode, with and without a
region list, with small pages (every listing crosses pages) and without a
cache, and again with the cache of the first run, every line is unique.

This once caught regions joining the list while the first prepared
account's leaves were on the wire: those cells were asked twice.
"""
import collections
import os
import tempfile
import unittest

import test_once_lib as L
import taptest

ORG = ["--accounts", "40", "--seed", "13", "--page-size", "3"]


def requests_of(*args, cache_home=None):
    """Runs orgtop --once with args against a fresh awsim; returns its request lines."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "requests.log")
        with L.Awsim(*(ORG + ["--request-log", log])) as sim:
            env = L.orgtop_env(sim)
            if cache_home is not None:
                env["XDG_CACHE_HOME"] = cache_home
            rc, out, err = L.run_once(sim, *args, env=env, mode=None)
        with open(log) as fh:
            lines = fh.read().splitlines()
    return rc, err, lines


class Calls(unittest.TestCase):
    def check(self, *args, cache_home=None):
        rc, err, lines = requests_of(*args, cache_home=cache_home)
        self.assertIn(rc, (0, 1), err[-2000:])
        self.assertGreater(len(lines), 100)
        twice = {k: v for k, v in collections.Counter(lines).items() if v > 1}
        print("# %s: %d requests, %d sent more than once" % (" ".join(args), len(lines),
                                                              len(twice)))
        self.assertEqual(twice, {}, "\n".join("%dx %s" % (v, k) for k, v in
                                               sorted(twice.items())[:20]))
        return lines

    def test_accounts_mode(self):
        lines = self.check("--mode", "accounts", "--no-cache")
        # every account asked: a GuardDuty call per enabled cell, not one for the org
        self.assertGreater(sum(1 for x in lines if x.startswith("guardduty:ListDetectors")), 400)

    def test_accounts_mode_with_regions(self):
        self.check("--mode", "accounts", "--no-cache", "-r", "eu-*,us-east-1")

    def test_auto_mode(self):
        self.check("--no-cache")

    def test_auto_mode_with_regions(self):
        self.check("--no-cache", "-r", "eu-*,us-east-1")

    def test_org_mode(self):
        self.check("--mode", "org", "--no-cache")

    def test_with_the_cache_of_an_earlier_run(self):
        with tempfile.TemporaryDirectory() as cache:
            self.check("--mode", "accounts", cache_home=cache)
            self.check("--mode", "accounts", cache_home=cache)


if __name__ == "__main__":
    taptest.main()
