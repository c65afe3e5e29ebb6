#!/usr/bin/env python3
# timeout: 400
"""The live dashboard in tmux against awsim (issue 5 proof): the real binary,
wired to the collector, shows awsim's organization as its truth states it;
the account view fetches the drill-down (rule names, top findings with their
descriptions); r, p and :regions reach the collector; hostile finding titles
stay escaped; a resize storm and SIGHUP in the middle of a refresh leave the
terminal restored.

Skipped, with the reason, while the binary has no collector wired in (the
dashboard alone is tested by test_tui_grid.py and test_tui_term.py).
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402
from test_tui_grid import ORGTOP, Grid, Tmux, show, short, cols  # noqa: E402

ROOT = taptest.ROOT


def wired():
    """None if orgtop talks to AWS, else why not."""
    p = subprocess.run([ORGTOP], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30,
                       env=dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:9",
                                AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x"))
    err = p.stderr.decode("utf-8", "replace")
    if "no AWS collector wired" in err:
        return "the binary has no collector wired in yet"
    return None


class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.why = wired()

    def setUp(self):
        if self.why:
            self.skipTest(self.why)

    def start(self, *sim_args, width=160, height=50, args=()):
        sim = Awsim(*sim_args).start()
        self.addCleanup(sim.stop, False)
        env = {k: v for k, v in sim.env().items() if k.startswith("AWS_")}
        t = Tmux(width, height).start([ORGTOP, "--no-cache"] + list(args), env)
        self.addCleanup(t.stop)
        return sim, t

    def settled(self, t, timeout=120):
        """The first full refresh is done."""
        return t.wait(lambda s: re.search(r"done (\d[\d,]*)/\1\b", s), timeout=timeout,
                      what="a complete refresh")

    def check_pages(self, t, truth):
        by_id = {a["id"]: a for a in truth["accounts"]}
        regions = {short(r): r for r in truth["regions"]}
        t.type(":sort name")
        t.keys("Enter")
        s = t.wait("sort name")
        seen = set()
        for _ in range(10):
            g = Grid(s)
            for acct_id, name, line in g.rows:
                a = by_id[acct_id]
                seen.add(acct_id)
                for i, (code, _) in enumerate(g.cols):
                    want = show("overview", a["cells"][regions[code]])
                    self.assertEqual(g.cell(line, i), want, "%s %s\n%s" % (a["name"], code,
                                                                         line))
            if len(seen) >= len(by_id):
                break
            last = g.rows[-1][0]
            t.keys("PageDown")
            s = t.wait(lambda s: Grid(s).rows[-1][0] != last, what="next page")
        self.assertEqual(seen, set(by_id))

    def test_grid_matches_truth(self):
        sim, t = self.start("--accounts", "40", "--seed", "5")
        s = self.settled(t)
        self.check_pages(t, sim.truth())
        # the header names the identity in use
        self.assertRegex(t.screen().split("\n")[0], r"\d{12} \(")

    def test_drilldown_fetches_detail(self):
        sim, t = self.start("--accounts", "30", "--seed", "4")
        self.settled(t)
        truth = sim.truth()

        def worst(a):
            return sum(c["guardduty"].get("high", 0) + c["guardduty"].get("critical", 0)
                       for c in a["cells"].values() if c["guardduty"]["state"] == "ok")
        a = max(truth["accounts"], key=worst)
        self.assertGreater(worst(a), 0)
        t.keys("/")
        t.type("id:" + a["id"])
        t.keys("Enter")
        t.wait("filter 1/")
        t.type(":sort name")
        t.keys("Enter")
        t.wait("sort name")
        t.keys("g", "Enter")
        t.wait("%s (%s)" % (a["name"], a["id"]))
        t.keys("2")  # the Findings section
        s = t.wait(lambda s: "HIGH" in s or "CRIT" in s, timeout=60, what="top findings")
        self.assertNotIn("loading the top findings", s)
        nc_region = next((r for r, c in a["cells"].items() if c["config"]["state"] == "ok"
                          and c["config"]["noncompliant"] > 0), None)
        if nc_region is not None:
            t.wait(lambda s: "loading rule names" not in s, timeout=60, what="rule names")
        # Enter on the top finding opens its description
        t.keys("2", "j", "j")
        before = t.screen()
        t.keys("Enter")
        s = t.wait(lambda s: s != before and "type " in s, what="a finding's description")
        t.keys("r")
        t.wait("refreshing %s" % a["name"])
        t.keys("q")
        t.wait("filter 1/")

    def test_keys_reach_the_collector(self):
        sim, t = self.start("--accounts", "12", "--seed", "2")
        self.settled(t)
        t.keys("p")
        t.wait("paused")
        t.keys("p")
        t.wait("resumed")
        t.keys("r")
        t.wait(lambda s: "refreshing everything" in s)
        self.settled(t)
        before = sim.stats()["requests"]
        t.type(":refresh")
        t.keys("Enter")
        t.wait(lambda s: "refreshing everything" in s)
        self.settled(t)
        self.assertGreater(sim.stats()["requests"], before + 12, ":refresh asked again")
        t.type(":regions eu-*")
        t.keys("Enter")
        t.wait("regions: eu-*")
        s = t.wait(lambda s: all(c.startswith("eu") for c, _ in Grid(s).cols) and Grid(s).cols,
                   timeout=120, what="only eu-* columns")

    def test_what_changed_is_said_on_n(self):
        """After a refresh in which awsim's organization moved on (new findings,
        compliance flips), n selects a changed account and the message line says
        what changed there, from the collector's change record; the log has it too."""
        log = os.path.join(tempfile.mkdtemp(prefix="orgtop-live-log-"), "orgtop.log")
        sim, t = self.start("--accounts", "12", "--seed", "2", args=("--log", log))
        self.settled(t)
        sim.tick(3)
        t.keys("r")
        t.wait(lambda s: "refreshing everything" in s)
        self.settled(t)
        said = re.compile(r"(new \w+ findings?|noncompliant \(was|compliant again|"
                          r"new findings:|budget \S+: (actual|forecast))")
        for _ in range(12):  # accounts whose values only moved say so; the others what
            t.keys("n")
            s = t.wait(lambda s: re.search(r"\S: (values changed|.*(finding|compliant|budget))",
                                           s), timeout=20, what="n's message")
            if said.search(s):
                break
        self.assertRegex(s, said)
        with open(log) as f:
            said = [x for x in f if "collect: changed: " in x]
        self.assertTrue(said, "the log names the changes")

    def test_hostile_titles(self):
        sim, t = self.start("--scenario",
                            os.path.join(ROOT, "tests", "awsim", "scenarios", "hostile.json"))
        t.tmux("select-pane", "-t", "t", "-T", "orgtop-live-title")
        s = self.settled(t)
        self.assertIn("title\\e]0;pwned", s)
        t.keys("/")
        t.type("id:100000000006")
        t.keys("Enter")
        t.wait("filter 1/")
        t.type(":sort name")
        t.keys("Enter")
        t.wait("sort name")
        t.keys("g", "Enter")
        s = t.wait(lambda s: "\\e]8;;http://evil.example" in s, timeout=60,
                   what="the hostile finding title, escaped")
        raw = t.screen(escapes=True)
        self.assertIsNone(re.search(r"\x1b\](?!\x1b)", raw))
        self.assertIsNone(re.search(r"\x1b\[[0-9;]*[^0-9;m]", raw))
        self.assertEqual(t.title(), "orgtop-live-title")

    def test_storm_and_sighup_mid_refresh(self):
        sim, t = self.start("--accounts", "60", "--seed", "8", "--latency", "40:20",
                            "--throttle", "0.1")
        t.wait("refresh ")
        for w, h in ((100, 30), (200, 60), (60, 15), (81, 24), (160, 50)) * 5:
            t.resize(w, h)
        s = t.wait(lambda s: "OU / account" in s, what="the grid after the storm")
        # keys are answered during the refresh
        t0 = time.time()
        t.keys("2")
        t.wait("[GuardDuty]", timeout=2)
        self.assertLess(time.time() - t0, 2)
        os.kill(t.pid(), signal.SIGHUP)
        s = t.wait("EXIT=0", timeout=20)
        self.assertNotIn("OU / account", s)


if __name__ == "__main__":
    taptest.main()
