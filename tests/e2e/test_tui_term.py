#!/usr/bin/env python3
# timeout: 240
"""The dashboard and its terminal, in tmux (issue 5 proof, RELIABILITY.md A, H):
resize and a too-small terminal, LANG=C (ASCII glyphs, aligned), NO_COLOR,
hostile account and OU names (escaped; the window title unchanged), every
theme loading without a reported error, q and SIGHUP/SIGTERM/SIGINT leaving
the terminal restored with the right exit code, TERM=dumb and a stdout that
is not a terminal suggesting --once.
"""
import json
import os
import re
import shutil
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
from test_tui_grid import (AWSIM, ORGTOP, Grid, Tmux, cols, dump_truth)  # noqa: E402

ROOT = taptest.ROOT


class Terminal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="orgtop-tui-term-")
        cls.truth = os.path.join(cls.tmp, "truth.json")
        with open(cls.truth, "wb") as f:
            f.write(dump_truth("--accounts", "60", "--seed", "9"))
        cls.hostile = os.path.join(cls.tmp, "hostile.json")
        with open(cls.hostile, "wb") as f:
            f.write(dump_truth("--scenario", os.path.join(ROOT, "tests", "awsim", "scenarios",
                                                          "hostile.json")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def open(self, path=None, width=160, height=50, env=None, args=()):
        t = Tmux(width, height).start([ORGTOP, "--open", path or self.truth] + list(args), env)
        self.addCleanup(t.stop)
        return t

    def test_resize_and_too_small(self):
        t = self.open()
        t.wait("OU / account")
        t.resize(100, 30)
        s = t.wait(lambda s: len(s.split("\n")[1].rstrip()) <= 100 and "OU / account" in s,
                   what="redrawn at 100x30")
        g = Grid(s)
        self.assertTrue(g.rows)
        t.resize(60, 15)
        t.wait("orgtop needs at least 80x24 \u2014 this terminal is 60x15.")
        t.resize(20, 5)
        s = t.wait("20x5.")
        self.assertNotIn("OU / account", s)
        # a storm of resizes, then back: no crash, a clean grid
        for w, h in ((81, 24), (200, 60), (79, 23), (120, 40), (90, 26)) * 4:
            t.resize(w, h)
        t.resize(160, 50)
        s = t.wait(lambda s: "OU / account" in s and len(Grid(s).rows) > 10, what="grid back")
        t.keys("q")
        t.wait("EXIT=0")

    def test_lang_c_ascii_aligned(self):
        t = self.open(env={"LANG": "C", "LC_ALL": "C"})
        s = t.wait("OU / account")
        grid = s.split("\n")[:48]
        for line in grid:
            self.assertTrue(all(ord(c) < 128 for c in line), repr(line))
        g = Grid(s)
        self.assertTrue(g.rows)
        starts = {cols(line[:line.index(i)]) for i, _, line in g.rows}
        self.assertEqual(len(starts), 1, "ids not aligned: %s" % starts)
        t.keys("Escape")  # dismiss the start message: the legend is under it
        s = t.wait("o ok")
        legend = s.split("\n")[48]
        for want in ("o ok", "x noncompliant", "# denied", ". region off", ": loading"):
            self.assertIn(want, legend)

    def test_terminals(self):
        """vt100 (no colours), screen (8), screen-256color, tmux-256color, xterm, 400 columns."""
        for term in ("vt100", "screen", "screen-256color", "tmux-256color", "xterm-256color"):
            t = self.open(env={"TERM": term})
            s = t.wait("OU / account", what="grid on TERM=%s" % term)
            self.assertTrue(Grid(s).rows, term)
            t.keys("q")
            t.wait("EXIT=0")
            t.stop()
        t = self.open(width=400, height=60)
        s = t.wait("OU / account")
        g = Grid(s)
        self.assertTrue(g.rows)
        with open(self.truth) as f:
            nregions = len(json.load(f)["regions"])
        self.assertEqual(len(g.cols), nregions)  # every region fits
        # --ascii in a UTF-8 locale
        t = self.open(args=["--ascii"])
        s = t.wait("OU / account")
        self.assertTrue(all(ord(c) < 128 for line in s.split("\n")[:48] for c in line))

    def test_no_color(self):
        t = self.open(env={"NO_COLOR": "1"})
        t.wait("OU / account")
        s = t.screen(escapes=True)
        colour = r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]"
        self.assertIsNone(re.search(colour, s), "colour")
        self.assertIn("\x1b[", s)  # attributes remain (reverse, bold)
        t2 = self.open(args=["--no-color"])
        t2.wait("OU / account")
        self.assertIsNone(re.search(colour, t2.screen(escapes=True)))

    def test_hostile_names(self):
        t = self.open(self.hostile)
        t.tmux("select-pane", "-t", "t", "-T", "orgtop-e2e-title")
        s = t.wait("100000000007")
        self.assertEqual(t.title(), "orgtop-e2e-title")
        # one row per account, the id beside its name, escapes visible
        g = Grid(s)
        ids = [r[0] for r in g.rows]
        self.assertEqual(sorted(ids), ["1000000000%02d" % i for i in range(1, 8)])
        starts = {cols(line[:line.index(i)]) for i, _, line in g.rows}
        self.assertEqual(len(starts), 1, s)
        row = {r[0]: r[2] for r in g.rows}
        self.assertIn("title\\e]0;pwned", row["100000000002"])
        self.assertIn("clip\\e]52;c;", row["100000000003"])
        self.assertIn("line\\nbreak", row["100000000004"])
        self.assertIn("\\u{202e}", row["100000000005"].lower())
        self.assertIn("\u4f1a\u8a08", row["100000000006"])
        self.assertIn("Evil\\e[6n", s)
        raw = t.screen(escapes=True)
        # only SGR sequences: no OSC, no CSI query, no cursor moves from the data
        self.assertIsNone(re.search(r"\x1b\](?!\x1b)", raw))
        self.assertIsNone(re.search(r"\x1b\[[0-9;]*[^0-9;m]", raw), repr(raw[:400]))
        t.keys("q")
        t.wait("EXIT=0")
        self.assertEqual(t.title(), "orgtop-e2e-title")

    def test_themes_load_clean(self):
        names = sorted(f[:-6] for f in os.listdir(os.path.join(ROOT, "themes"))
                       if f.endswith(".theme"))
        self.assertEqual(names, ["colorblind", "default", "high-contrast", "light", "mono",
                                 "solarized-dark"])
        for name in names:
            t = self.open(args=["--theme", name])
            # the start message, not a theme warning, is on the message line
            s = t.wait(lambda s: "showing a saved document" in s or ".theme:" in s,
                       what="theme %s loaded" % name)
            self.assertNotIn(".theme:", s)
            t.keys("t")
            t.wait("theme: ")
            t.keys("q")
            t.wait("EXIT=0")
            t.stop()
        # a broken theme: file:line, and the dashboard still runs
        bad = os.path.join(self.tmp, "broken.theme")
        with open(bad, "w") as f:
            f.write("ok = fg=colour46\nbad = fg=colour999\n")
        t = self.open(args=["--theme", bad])
        s = t.wait("broken.theme:2: bad: bad colour 'colour999'")
        self.assertIn("OU / account", s)

    def quit_with(self, how, code):
        t = self.open()
        t.wait("OU / account")
        pid = t.pid()
        if isinstance(how, str):
            t.keys(how)
        else:
            os.kill(pid, how)
        s = t.wait("EXIT=%d" % code, what="exit %d" % code)
        # the shell's screen is back: the grid is gone from it
        self.assertNotIn("OU / account", s)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            self.fail("orgtop still running")
        return t

    def test_quit_restores_terminal(self):
        self.quit_with("q", 0)
        self.quit_with(signal.SIGHUP, 0)
        self.quit_with(signal.SIGTERM, 0)
        self.quit_with(signal.SIGINT, 130)
        self.quit_with("C-c", 130)

    def test_not_a_terminal(self):
        p = subprocess.run([ORGTOP, "--open", self.truth], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=20)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--once", p.stderr)
        t = self.open(env={"TERM": "dumb"})
        s = t.wait("EXIT=2")
        self.assertIn("TERM=dumb", s)
        self.assertIn("--once", s)

    def test_bad_document(self):
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"schema": "orgtop/1", "accounts": [{"id": 12}]}')
        p = subprocess.run([ORGTOP, "--open", bad], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"bad.json", p.stderr)
        # the config file: file:line; a flag: the flag's name; both before any terminal work
        cfgdir = os.path.join(self.tmp, "cfg", "orgtop")
        os.makedirs(cfgdir, exist_ok=True)
        with open(os.path.join(cfgdir, "config"), "w") as f:
            f.write("theme = light\nmouse = nope\n")
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.tmp, "cfg"))
        p = subprocess.run([ORGTOP, "--open", self.truth], stderr=subprocess.PIPE, env=env,
                           timeout=20)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"config:2: mouse: expected yes or no", p.stderr)
        p = subprocess.run([ORGTOP, "--open", self.truth, "--refresh", "0"],
                           stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--refresh: expected a duration", p.stderr)
        p = subprocess.run([ORGTOP, "--open"], stderr=subprocess.PIPE, timeout=20)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--open needs a value: FILE", p.stderr)


if __name__ == "__main__":
    taptest.main()
