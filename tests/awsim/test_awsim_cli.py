#!/usr/bin/env python3
# timeout: 120
"""awsim's command line and scenario files: clear messages with the place, exit 2;
hostile text reaches clients unchanged and the truth escaped."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402
from awsim import BUILD, Awsim  # noqa: E402

AWSIM = os.path.join(BUILD, "awsim")
HERE = os.path.dirname(os.path.abspath(__file__))


def run(*args):
    p = subprocess.run([AWSIM] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def scenario(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    f.write(text if isinstance(text, str) else json.dumps(text))
    f.close()
    return f.name


MIN = {"regions": ["us-east-1"], "accounts": [{"id": "111111111111", "management": True}]}


class Cli(unittest.TestCase):
    def test_help_and_version(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        for flag in ("--listen", "--accounts", "--seed", "--scenario", "--latency", "--throttle",
                     "--errors", "--resets", "--truncate", "--blackhole", "--tick", "--dump-truth",
                     "--request-log"):
            self.assertIn(flag, out)
        self.assertEqual(run("--version")[0], 0)

    def test_bad_flags(self):
        for args, frag in ((["--frobnicate"], "unknown option '--frobnicate'"),
                           (["--accounts", "zero"], "--accounts: expected a whole number"),
                           (["--accounts"], "--accounts needs a value"),
                           (["--throttle", "2"], "--throttle: expected a rate between 0 and 1"),
                           (["--latency", "x:y"], "--latency: expected MS[:JITTER_MS]"),
                           (["--listen", "nohost"], "--listen: expected HOST:PORT"),
                           (["--scenario", "/nonexistent.json"], "/nonexistent.json: cannot open"),
                           (["--request-log", "/nonexistent/log"],
                            "--request-log /nonexistent/log: No such file or directory")):
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, args)
            self.assertIn(frag, err, args)
            self.assertEqual(out, "")

    def test_request_log(self):
        """A line per AWS request: operation, signer's account, region ('-' for a global
        API), a hash of the request; the control endpoint is not in it."""
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "requests.log")
            with Awsim("--accounts", "5", "--request-log", log) as sim:
                me = sim.client("sts").get_caller_identity()["Account"]
                org = sim.client("organizations")
                org.list_roots()
                org.list_roots()
                org.list_accounts(MaxResults=2)
                sim.client("guardduty", region="eu-west-1").list_detectors()
                sim.stats()
            with open(log) as fh:
                lines = [x.split("\t") for x in fh.read().splitlines()]
        self.assertEqual([x[:3] for x in lines], [
            ["sts:GetCallerIdentity", me, "us-east-1"],  # STS has regional endpoints
            ["organizations:ListRoots", me, "-"],
            ["organizations:ListRoots", me, "-"],
            ["organizations:ListAccounts", me, "-"],
            ["guardduty:ListDetectors", me, "eu-west-1"]])
        self.assertEqual(lines[1][3], lines[2][3])  # the same request, the same hash
        self.assertNotEqual(lines[2][3], lines[3][3])
        self.assertTrue(all(len(x) == 4 and len(x[3]) == 16 for x in lines))

    def test_exports(self):
        with Awsim("--accounts", "5") as sim:
            self.assertEqual(set(sim.exports), {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                                                "AWS_SECRET_ACCESS_KEY", "AWS_REGION"})
            self.assertIn("SIM", sim.access_key)
            self.assertTrue(sim.endpoint.startswith("http://127.0.0.1:"))
            self.assertNotEqual(sim.port, 0)
        self.assertEqual(sim.proc.returncode, 0)

    def test_scenario_errors(self):
        cases = [
            ('{"accounts": [', ":1:14: not valid JSON"),
            ({"accounts": []}, "$.accounts: expected a non-empty list"),
            ({"accounts": [{"id": "12"}]}, "$.accounts[0].id: expected a 12-digit account id"),
            ({"accounts": [{"id": "111111111111", "nmae": "x"}]},
             '$.accounts[0]: unknown member "nmae"'),
            ({"regions": ["us-east-1"], "accounts": [{"id": "111111111111", "cells": {"eu-west-9": {}}}]},
             '$.accounts[0].cells.eu-west-9: unknown region'),
            ({"accounts": [{"id": "111111111111", "cells": {"us-east-1": {"config": "maybe"}}}]},
             "$.accounts[0].cells.us-east-1.config: expected \"disabled\""),
            ({"accounts": [{"id": "111111111111", "cells": {"us-east-1": {"guardduty": {"findings": [{"severity": 11}]}}}}]},
             "$.accounts[0].cells.us-east-1.guardduty.findings[0]: expected a number from 0.1 to 10"),
            ({"accounts": [{"id": "111111111111"}, {"id": "111111111111"}]}, "duplicate account id"),
            ({"accounts": [{"id": "111111111111", "management": True}, {"id": "222222222222", "management": True}]},
             "$.accounts[1]: a second management account"),
            (dict(MIN, faults={"rules": [{"api": "nosuch:Op", "throttle": "always"}]}),
             "$.faults.rules[0].api: unknown service 'nosuch'"),
            (dict(MIN, faults={"throttle": 3}), '$.faults: "throttle": expected a number from 0 to 1'),
            (dict(MIN, bogus=1), '$: unknown member "bogus"'),
        ]
        for body, frag in cases:
            path = scenario(body)
            try:
                rc, out, err = run("--scenario", path, "--dump-truth")
            finally:
                os.unlink(path)
            self.assertEqual(rc, 2, (body, err))
            self.assertIn(path, err)
            self.assertIn(frag, err, body)

    def test_hostile_text(self):
        path = os.path.join(HERE, "scenarios", "hostile.json")
        rc, out, err = run("--scenario", path, "--dump-truth")
        self.assertEqual(rc, 0, err)
        for bad in ("\x1b", "\x07", "\x00", "\u202e", "\u200b", "\x9b", "\x7f"):
            self.assertNotIn(bad, out)
        doc = json.loads(out)
        names = {a["id"]: a["name"] for a in doc["accounts"]}
        self.assertEqual(names["100000000002"], "title\x1b]0;pwned\x07-osc")  # lossless
        with Awsim("--scenario", path) as sim:
            got = {a["Id"]: a["Name"] for p in sim.client("organizations").get_paginator(
                "list_accounts").paginate() for a in p["Accounts"]}
            self.assertEqual(got, names)
            keys = sim.assume("100000000006")
            gd = sim.client("guardduty", creds=keys)
            det = gd.list_detectors()["DetectorIds"][0]
            ids = gd.list_findings(DetectorId=det)["FindingIds"]
            titles = {f["Title"] for f in gd.get_findings(DetectorId=det, FindingIds=ids)["Findings"]}
            self.assertIn("newline\nin title", titles)  # cJSON ends the string at \u0000
            self.assertTrue(any("\x1b]8;;" in t for t in titles))


if __name__ == "__main__":
    taptest.main()
