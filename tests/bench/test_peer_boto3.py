#!/usr/bin/env python3
# timeout: 300
"""The boto3 peer is a fair baseline: it gets the right answer and does orgtop's work.

- Against awsim with small pages (every listing crosses pages), the peer's
  document agrees with awsim's ground truth cell by cell (the comparator of
  tests/e2e/test_once_lib.py), with and without a region list.
- Against the same organization, the peer and `orgtop --once --mode accounts`
  (every account asked, as the peer does; make bench measures --mode org on
  its own row) make the same calls: the same operations, the same number of
  each, with and without a region list. Identity Center is left out of that
  count: orgtop reads it per principal when that takes fewer calls, the peer
  always per account.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("ORGTOP_ROOT") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402
from test_once_lib import compare, orgtop_env, ORGTOP  # noqa: E402

PEER = os.path.join(HERE, "peer_boto3.py")
REGIONS = "eu-central-1,eu-west-1,us-east-1,ap-northeast-1,sa-east-1"


def peer(sim, *args):
    p = subprocess.run([sys.executable, PEER] + list(args), env=sim.env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def has_once():
    try:
        p = subprocess.run([ORGTOP, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
    except OSError:
        return False
    return b"--once" in p.stdout


def calls(stats):
    return {k: v for k, v in stats["by_operation"].items()
            if v and not k.startswith(("sso-admin:", "identitystore:"))}


class Peer(unittest.TestCase):
    def test_agrees_with_the_truth(self):
        with Awsim("--accounts", "40", "--seed", "11", "--page-size", "3",
                   "--ce-page-size", "40") as sim:
            rc, out, err = peer(sim, "--pool", "8")
            truth = sim.truth()
        self.assertIn(rc, (0, 1), err[-3000:])
        self.assertEqual(err.strip(), "")
        doc = json.loads(out)
        self.assertEqual(len(doc["accounts"]), 40)
        self.assertGreater(len(doc["regions"]), 17)  # opt-in regions enabled somewhere
        diffs = compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))

    def test_agrees_with_the_truth_for_listed_regions(self):
        with Awsim("--accounts", "30", "--seed", "12", "--page-size", "3") as sim:
            rc, out, err = peer(sim, "--pool", "16", "-r", REGIONS)
            truth = sim.truth(regions=REGIONS)
        self.assertIn(rc, (0, 1), err[-3000:])
        doc = json.loads(out)
        self.assertEqual(doc["regions"], sorted(REGIONS.split(",")))
        diffs = compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))

    def test_money_rounds_as_the_contract_says(self):
        # docs/JSON.md: cents, halves away from zero, as orgtop and awsim's truth write it
        sys.path.insert(0, HERE)
        import peer_boto3
        for v, want in ((590.775, 590.78), (542.655, 542.66), (0.125, 0.13), (-0.125, -0.13),
                        (12.344, 12.34), (7.0, 7.0)):
            self.assertEqual(peer_boto3.cents(v), want, v)
        # where Python's round() differs (the 7 budget cells of make bench at 1,000)
        self.assertEqual((round(590.775, 2), round(542.655, 2)), (590.77, 542.65))

    def test_bad_pool_is_a_usage_error(self):
        p = subprocess.run([sys.executable, PEER, "--pool", "0"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--pool", p.stderr)

    @unittest.skipUnless(has_once(), "orgtop has no --once yet")
    def test_same_calls_as_orgtop(self):
        for regions in (REGIONS, None):
            with Awsim("--accounts", "40", "--seed", "13", "--page-size", "3") as sim:
                args = [ORGTOP, "--once", "--format", "json", "--no-cache", "--mode", "accounts"]
                if regions:
                    args += ["-r", regions]
                env = orgtop_env(sim)
                o = subprocess.run(args, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=240)
                self.assertIn(o.returncode, (0, 1), o.stderr.decode()[-2000:])
                ours = calls(sim.stats())
                sim.reset_stats()
                rc, out, err = peer(sim, "--pool", "8", *(["-r", regions] if regions else []))
                self.assertIn(rc, (0, 1), err[-2000:])
                theirs = calls(sim.stats())
            self.assertEqual(sorted(ours), sorted(theirs))
            for op in sorted(ours):
                if ours[op] != theirs[op]:
                    print("# regions %s: %s: orgtop %d, peer %d" % (regions, op, ours[op],
                                                                  theirs[op]))
                what = "%s (regions %s): orgtop %d, peer %d" % (op, regions, ours[op],
                                                                theirs[op])
                # every cell asked once, as the peer asks it: a leaf whose task is
                # alive is not scheduled again (regions joining the list while the
                # first account's leaves are on the wire once asked them twice)
                self.assertEqual(ours[op], theirs[op], what)
            # the same answer, too (spend: orgtop's may still be loading in late regions)
            diffs = compare(json.loads(out), json.loads(o.stdout), skip=("spend",))
            self.assertEqual(diffs, [], "\n".join(diffs[:20]))


if __name__ == "__main__":
    tempfile.tempdir = None
    taptest.main()
