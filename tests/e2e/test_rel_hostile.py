#!/usr/bin/env python3
# timeout: 300
"""Hostile text everywhere AWS lets it in (issue 7 section 4, RELIABILITY.md A),
through the live dashboard, `--once` and the log, with the real binary.

An awsim scenario built from the corpus (tests/data/hostile/strings.json:
every case that can travel in JSON) puts it in account names, an OU name,
Config rule names, GuardDuty finding titles and descriptions, budget names,
Identity Center group and user names, and AWS error messages.

- The dashboard in tmux, with tmux set to obey OSC 52 (set-clipboard on)
  and OSC 0/2 titles, and a sensor proving both would be caught: every page
  of the grid, the account views with the hostile rules, findings (and a
  finding's description), budgets and SSO, and an error message: only SGR
  sequences reach the terminal, no C1, bidi, zero-width or tag character is
  drawn, every line fits its width, every account id is on one row beside
  its name; the window title and the clipboard (tmux buffers) never change.
- `--once` in json, csv and table, stderr, and the log at trace level: no
  control, bidi, zero-width or tag character anywhere (C0 but the line
  ends); each log line is one line.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rel_lib as R  # noqa: E402
import taptest  # noqa: E402
from test_tui_grid import Tmux, cols  # noqa: E402

CORPUS = os.path.join(R.ROOT, "tests", "data", "hostile", "strings.json")
# C0 (but \n), DEL, C1, ALM, bidi, zero-width, word joiner..invisible ops, BOM, tags
BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u061c\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2069\ufeff\U000e0000-\U000e007f]")
ESC_NOT_SGR = re.compile(r"\x1b(?!\[[0-9;:]*m)")
MGMT = "100000000001"
RICH = "100000000002"   # hostile rules, findings, budget, SSO
ERRS = "100000000003"   # hostile error messages


def corpus():
    with open(CORPUS, encoding="utf-8") as f:
        return [c["text"] for c in json.load(f) if c.get("text")]


def scenario():
    texts = corpus()
    evil = texts[0]
    accounts = [{"id": MGMT, "name": "mgmt", "management": True,
                 "sso": [{"permission_set": "Admin" + texts[1], "principal_type": "GROUP",
                          "principal": "grp" + texts[3]},
                         {"permission_set": "Admin" + texts[1], "principal_type": "USER",
                          "principal": "user@corp.example"}]}]
    accounts.append({
        "id": RICH, "name": "rich" + texts[5], "ou": "Evil\u001b]52;c;cHduZWQ=\u0007/\u202eOU",
        "budgets": [{"name": "budget" + evil, "limit": "100", "actual": "50", "unit": "USD",
                     "time_unit": "MONTHLY"}],
        "cells": {"us-east-1": {
            "config": {"rules": [{"name": "rule" + t[:60], "compliance": "NON_COMPLIANT",
                                  "resources": 1} for t in texts[:6]]},
            "guardduty": {"findings": [{"severity": 8.0 - i * 0.5, "title": "t" + t[:200],
                                        "type": "Recon:EC2/" + t[:30],
                                        "description": "d" + t, "resource_id": "i-" + t[:20]}
                                       for i, t in enumerate(texts[:8])]}}}})
    accounts.append({"id": ERRS, "name": "errors", "ou": "Workloads"})
    for i, t in enumerate(texts):
        accounts.append({"id": "1000000%05d" % (i + 10), "name": t, "ou": "Workloads"})
    scn = {
        "seed": 77,
        "organization": {"id": "o-hostile0077", "root_id": "r-ho77"},
        "regions": ["us-east-1", "eu-west-1"],
        "identity_center": {"region": "us-east-1"},
        "permission_sets": ["Admin" + texts[1]],
        "groups": ["grp" + texts[3]],
        "users": [{"user_name": "user@corp.example", "display_name": "User " + texts[4]}],
        "accounts": accounts,
        "faults": {"rules": [
            {"account": ERRS, "region": "eu-west-1", "api": "config:GetComplianceSummaryByConfigRule",
             "error": {"status": 400, "code": "ValidationException",
                       "message": "bad\u001b]0;pwned\u0007 \u001b]52;c;cHduZWQ=\u0007\u202e" + evil}},
            {"account": ERRS, "region": "us-east-1", "api": "guardduty:ListDetectors",
             "error": {"status": 400, "code": "BadRequestException",
                       "message": "\u001b[2J\u001b[H" + texts[2] + "\r\n" + texts[6]}}]},
    }
    fd, path = tempfile.mkstemp(prefix="orgtop-rel-hostile-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(scn, f)
    return path, [a["id"] for a in accounts]


class Term(Tmux):
    """tmux that obeys OSC 52 (clipboard to a paste buffer) and OSC 0/2 titles."""

    def tmux(self, *args, check=True):
        conf = os.path.join(self.tmp, "tmux.conf")
        if not os.path.exists(conf):
            with open(conf, "w") as f:
                f.write("set -g set-clipboard on\nset -g status off\n")
        return subprocess.run(["tmux", "-u", "-L", self.sock, "-f", conf] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check,
                              env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"),
                              timeout=20).stdout.decode("utf-8", "replace")

    def buffers(self):
        return self.tmux("list-buffers", "-F", "#{buffer_sample}", check=False).strip()


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scn, cls.ids = scenario()
        cls.sim = R.Awsim("--scenario", cls.scn).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        os.unlink(cls.scn)

    def clean(self, t, what):
        raw = t.screen(escapes=True)
        m = ESC_NOT_SGR.search(raw)
        self.assertIsNone(m, "%s: %r" % (what, raw[max(0, m.start() - 30):m.end() + 30]
                                         if m else ""))
        m = BAD.search(raw.replace("\x1b", ""))
        self.assertIsNone(m, "%s: %r drawn" % (what, m and m.group(0)))
        plain = t.screen()
        for line in plain.split("\n"):
            self.assertLessEqual(cols(line), t.width, "%s: %r" % (what, line))
        self.assertEqual(t.title(), "orgtop-sentinel", what)
        self.assertEqual(t.buffers(), "", "%s: the clipboard was written" % what)
        return plain

    def test_the_sensors_work(self):
        """The same tmux set-up does see an OSC 52 and an OSC 2 (so the checks below can fail)."""
        t = Term(80, 24).start(["sh", "-c", "printf '\\033]52;c;c2Vuc29y\\007\\033]2;sensor"
                                "\\007'"])
        self.addCleanup(t.stop)
        R.wait_for(lambda: t.buffers() and t.title() == "sensor", timeout=5,
                   what="tmux to take the clipboard and the title")
        self.assertIn("sensor", t.buffers())

    def test_grid_and_account_views(self):
        env = {k: v for k, v in self.sim.env().items() if k.startswith("AWS_")}
        t = Term(160, 50).start([R.ORGTOP, "--no-cache"], env)
        self.addCleanup(t.stop)
        t.tmux("select-pane", "-t", "t", "-T", "orgtop-sentinel")
        t.wait(lambda s: re.search(r"done (\d[\d,]*)/\1\b", s), timeout=60,
               what="a complete refresh")
        t.keys("Escape")
        t.type(":sort name")
        t.keys("Enter")
        t.wait("sort name")
        seen = set()
        for page in range(10):
            s = self.clean(t, "grid page %d" % page)
            rows = [l for l in s.split("\n") if re.search(r"(?<!\d)\d{12}(?!\d)", l)]
            for line in rows:
                ids = re.findall(r"(?<!\d)(\d{12})(?!\d)", line)
                self.assertEqual(len(ids), 1, "two accounts on one row: %r" % line)
                seen.add(ids[0])
            if seen >= set(self.ids):
                break
            last = rows[-1]
            t.keys("PageDown")
            t.wait(lambda s: last not in s or "\u203a" not in s, timeout=5)
        self.assertEqual(seen, set(self.ids))

        def to_grid():
            for _ in range(5):
                if "\u2502 budget" in t.screen():
                    return
                t.keys("Escape")
                time.sleep(0.3)
            t.wait("\u2502 budget")

        def view(acct):
            to_grid()
            t.keys("Escape")  # the grid's Escape clears the filter
            t.keys("/")
            t.type("id:" + acct)
            t.keys("Enter")
            t.wait("filter 1/")
            t.keys("g", "Enter")
            t.wait("(%s)" % acct)

        view(RICH)
        t.wait(lambda s: "Findings   critical" in s and "loading the" not in s and
               "loading rule" not in s, timeout=30, what="the drill-down")
        for key in ("1", "2", "3", "5"):
            t.keys(key)
            time.sleep(0.3)
            self.clean(t, "account view section %s" % key)
        t.keys("2", "j")
        before = t.screen()
        t.keys("Enter")
        t.wait(lambda s: s != before, what="a finding's description")
        self.clean(t, "a finding's description")
        view(ERRS)
        time.sleep(0.5)
        s = self.clean(t, "the account with hostile errors")
        self.assertIn("ValidationException", s)
        # orgtop's own OSC 52 (y: copy the id) carries the 12 digits and nothing else
        t.keys("y")
        R.wait_for(lambda: t.buffers(), timeout=5, what="y to copy the id")
        self.assertEqual(t.buffers(), ERRS)
        to_grid()
        t.keys("q")
        s = t.wait("EXIT=0", timeout=10)
        self.assertEqual(t.title(), "orgtop-sentinel")


class OnceAndLog(unittest.TestCase):
    def test_outputs_and_log_are_clean(self):
        scn, ids = scenario()
        self.addCleanup(os.unlink, scn)
        log = os.path.join(R.tmpdir(), "orgtop.log")
        with R.Awsim("--scenario", scn) as sim:
            outs = {}
            for fmt in ("json", "csv", "table"):
                outs[fmt] = R.run(["--once", "--format", fmt, "--no-cache", "--log", log,
                                   "--log-level", "trace"], env=R.env(sim), timeout=120)
        for fmt, res in outs.items():
            self.assertEqual(res.rc, 1, res.err)
            for what, text in (("stdout", res.out.replace("\r\n", "\n")), ("stderr", res.err)):
                m = BAD.search(text)
                self.assertIsNone(m, "%s %s: %r at %d" % (fmt, what, m and m.group(0),
                                                          m.start() if m else 0))
        doc = outs["json"].doc()
        self.assertEqual(sorted(a["id"] for a in doc["accounts"]), sorted(ids))
        errs = next(a for a in doc["accounts"] if a["id"] == ERRS)
        reason = errs["cells"]["eu-west-1"]["config"]["reason"]
        self.assertIn("ValidationException", reason)
        self.assertIn("\\e]0;pwned", reason)  # visible, not obeyed
        with open(log, encoding="utf-8", errors="strict") as f:
            text = f.read()
        self.assertIsNone(BAD.search(text))
        for line in text.splitlines():
            self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN |INFO |"
                             r"DEBUG|TRACE) ")


if __name__ == "__main__":
    taptest.main()
