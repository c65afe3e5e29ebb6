#!/usr/bin/env python3
# timeout: 400
"""make bench does not rot: `run.py --quick` runs to the end and reports every row.

The figures are not judged here (make bench is a report, and this machine
is shared); what is checked is that the harness measured everything it
promises: every row of the table is there with a value, the Markdown report
and the raw results are written, nothing crashed, and the exit code is 0.
Rows that need something not built yet (the dashboard, --mode org) must say
why they were skipped.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("ORGTOP_ROOT") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("ORGTOP_BUILD") or os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import taptest  # noqa: E402

ROWS = ["wall_100", "requests_100", "connections_100", "lower_bound_100", "ratio_100",
        "cpu_req_100", "rss_100", "truth_100", "peer_wall_100", "peer_cpu_req_100",
        "speedup_100", "cpu_ratio_100", "peer_truth_100", "growth", "peer_sweep",
        "org_mode", "frame", "rss_big", "keys", "idle"]
# Rows whose value is a measurement in --quick (never "?" or "not measured").
MEASURED = ["wall_100", "requests_100", "connections_100", "lower_bound_100", "ratio_100",
            "cpu_req_100", "rss_100", "truth_100", "peer_wall_100", "peer_cpu_req_100",
            "speedup_100", "cpu_ratio_100", "peer_truth_100", "frame", "rss_big"]


def has_once():
    try:
        p = subprocess.run([os.path.join(BUILD, "orgtop"), "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
    except OSError:
        return False
    return b"--once" in p.stdout


class Quick(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="bench-quick-")
        cls.why = None if has_once() else "orgtop has no --once yet"
        if cls.why:
            return
        p = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--quick",
                            "--build", BUILD, "--out", cls.out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=380, cwd=ROOT)
        cls.rc = p.returncode
        cls.stdout = p.stdout.decode("utf-8", "replace")
        cls.stderr = p.stderr.decode("utf-8", "replace")
        try:
            with open(os.path.join(cls.out, "results.json"), encoding="utf-8") as f:
                cls.res = json.load(f)
        except (OSError, ValueError):
            cls.res = None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def setUp(self):
        if self.why:
            self.skipTest(self.why)

    def test_exit_zero_and_no_crash(self):
        self.assertEqual(self.rc, 0, self.stdout[-3000:] + self.stderr[-3000:])
        self.assertIsNotNone(self.res)
        self.assertEqual(self.res["crashes"], [])
        self.assertNotIn("CRASH", self.stdout)

    def test_every_row(self):
        rows = {r["id"]: r for r in self.res["rows"]}
        self.assertEqual([r for r in ROWS if r not in rows], [], self.stdout[-3000:])
        for rid in MEASURED:
            v = rows[rid]["value"]
            self.assertTrue(re.search(r"\d", v) and "?" not in v and "not measured" not in v,
                            "%s: %r" % (rid, v))
        for rid in ("org_mode", "keys", "idle"):
            v = rows[rid]["value"]
            self.assertTrue(re.search(r"\d", v) or v.startswith("skipped: ") and len(v) > 15,
                            "%s: %r" % (rid, v))
        for r in rows.values():
            self.assertIn(r["verdict"], ("", "met", "MISSED", "n/a"), r)
            if r["target"] and not r["value"].startswith(("skipped", "not ")):
                self.assertIn(r["verdict"], ("met", "MISSED", ""), r)

    def test_printed_table_and_markdown(self):
        self.assertRegex(self.stdout, r"orgtop benchmark \(--quick\), \d{4}-\d\d-\d\d")
        self.assertIn("machine: ", self.stdout)
        self.assertIn("versions: ", self.stdout)
        self.assertIn("Lower bound = max(", self.stdout)
        with open(os.path.join(self.out, "report.md"), encoding="utf-8") as f:
            md = f.read()
        self.assertIn("| figure | value | target | |", md)
        for r in self.res["rows"]:
            self.assertIn(r["figure"], md)
            self.assertIn(r["figure"], self.stdout)

    def test_lower_bound_parts(self):
        lb = self.res["scale"]["100"]["lb"]
        self.assertGreater(lb["requests"], 1000)
        self.assertGreaterEqual(lb["lb"], lb["throughput_s"])
        self.assertGreaterEqual(lb["lb"], lb["chain_s"])
        # the walk to the biggest OU's last page, a role, its regions, a cell: >= 9 calls
        self.assertGreaterEqual(lb["org_chain"], 9)
        self.assertGreater(lb["ce_pages"], 0)


if __name__ == "__main__":
    taptest.main()
