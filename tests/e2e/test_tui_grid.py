#!/usr/bin/env python3
# timeout: 300
"""The dashboard in tmux (issue 5, proof): the real binary shows awsim's
organization as awsim --dump-truth states it, cell by cell, and its keys,
layers, filter, sort, drill-down and :export do what they say.

Until the collector is wired into the binary these run `orgtop --open` on the
truth document (the same orgtop/1 JSON the collector's --once writes); the
drawing, keys and terminal handling under test are the live dashboard's.
"""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402

BUILD = taptest.BUILD
ORGTOP = os.path.join(BUILD, "orgtop")
AWSIM = os.path.join(BUILD, "awsim")

GLYPH = {"ok": "\u25cf", "stale": "~", "loading": "\u22ef", "throttled": "\u29d7",
         "denied": "\u2298", "disabled": "\u2013", "region_off": "\u25cb", "error": "!"}
RANK = {"\u2738": 12, "\u25c6": 11, "\u2716": 10, "!": 9, "\u29d7": 8, "\u25b2": 7,
        "\u00b7": 6, "\u22ef": 5, "~": 4, "\u25cf": 3, "\u2298": 2, "\u2013": 1, "\u25cb": 0}


def cols(s):
    """Terminal columns of s."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def at_col(line, col):
    """The index in line where column col starts."""
    w = 0
    for i, ch in enumerate(line):
        if w >= col:
            return i
        w += 0 if unicodedata.combining(ch) else (
            2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
    return len(line)


def has(item):
    return item.get("state") in ("ok", "stale")


def count_text(n, capped=False):
    t = "%dk" % (n // 1000) if n > 999 else "%d" % n
    return t + ("+" if capped else "")


def show_compliance(cell):
    c = cell["config"]
    if not has(c):
        return GLYPH[c["state"]]
    if c["noncompliant"] > 0:
        return "\u2716" + count_text(c["noncompliant"], c.get("capped", False))
    return "\u25cf"


def show_guardduty(cell):
    g = cell["guardduty"]
    if not has(g):
        return GLYPH[g["state"]]
    for key, gl in (("critical", "\u2738"), ("high", "\u25c6"), ("medium", "\u25b2"),
                    ("low", "\u00b7")):
        if g[key] > 0:
            return gl + count_text(g[key])
    return "\u25cf"


def money(v):
    a = abs(v)
    if a < 999.5:
        return "%.0f" % v
    if a < 9950:
        return "%.1fk" % (v / 1e3)
    if a < 999500:
        return "%.0fk" % (v / 1e3)
    if a < 9.95e6:
        return "%.1fM" % (v / 1e6)
    return "%.0fM" % (v / 1e6)


def show(layer, cell):
    if layer == "compliance":
        return show_compliance(cell)
    if layer == "guardduty":
        return show_guardduty(cell)
    if layer == "spend":
        if cell.get("spend_state") not in ("ok", "stale"):
            return GLYPH[cell["spend_state"]]
        return money(cell["spend"])
    a, b = show_compliance(cell), show_guardduty(cell)
    return b if RANK[b[0]] >= RANK[a[0]] else a



GEO = ("us-", "ca-", "mx-", "sa-", "eu-", "il-", "me-", "af-", "ap-", "cn-")


def grid_order(regions):
    """The grid's column order (tui/grid.c region_rank): by geography, then name."""
    def rank(r):
        for i, p in enumerate(GEO):
            if r.startswith(p):
                return (i, r)
        return (len(GEO), r)
    return sorted(regions, key=rank)

class Tmux:
    """One private tmux server (its own socket) holding one window."""
    n = 0

    def __init__(self, width=160, height=50):
        Tmux.n += 1
        self.sock = "orgtop-e2e-%d-%d" % (os.getpid(), Tmux.n)
        self.width, self.height = width, height
        self.tmp = tempfile.mkdtemp(prefix="orgtop-tui-")

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-u", "-L", self.sock, "-f", "/dev/null"] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check,
                              env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"),
                              timeout=20).stdout.decode("utf-8", "replace")

    def start(self, argv, env=None):
        """Runs argv in the window; the shell around it prints EXIT=code and keeps the pane."""
        e = {"LANG": "C.UTF-8", "LC_ALL": "", "TERM": "tmux-256color", "HOME": self.tmp,
             "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
             "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"), "NO_COLOR": ""}
        e.update(env or {})
        assigns = " ".join("%s=%s" % (k, shquote(v)) for k, v in e.items())
        self.pidfile = os.path.join(self.tmp, "pid")
        inner = "echo $$ > %s; exec env %s %s" % (
            shquote(self.pidfile), assigns, " ".join(shquote(a) for a in argv))
        cmd = "sh -c %s; echo EXIT=$?; sleep 600" % shquote(inner)
        self.tmux("new-session", "-d", "-s", "t", "-x", str(self.width), "-y",
                  str(self.height), cmd)
        self.tmux("set-option", "-g", "status", "off")
        return self

    def pid(self):
        for _ in range(100):
            try:
                with open(self.pidfile) as f:
                    return int(f.read().strip())
            except (OSError, ValueError):
                time.sleep(0.05)
        raise AssertionError("no pid file")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if escapes else [])
        return self.tmux(*args)

    def lines(self):
        return self.screen().split("\n")

    def wait(self, pred, timeout=8, what=""):
        """The screen once pred holds and it stopped changing (no frame half drawn).
        A screen that never settles (a live refresh redrawing its progress) is
        returned as soon as pred has held on two captures in a row."""
        end = time.time() + timeout
        s = prev = ""
        held = 0
        while time.time() < end:
            s = self.screen()
            try:
                ok = pred(s) if callable(pred) else pred in s
            except (ValueError, IndexError):
                ok = False
            held = held + 1 if ok else 0
            if ok and (s == prev or held >= 3):
                return s
            prev = s if ok else ""
            time.sleep(0.04)
        raise AssertionError("timed out waiting for %r; screen:\n%s" % (what or pred, s))

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def title(self):
        return self.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()

    def stop(self):
        """Ends orgtop with SIGHUP (as a dropped SSH session would) and checks it exited 0:
        under the sanitizers a leak or an error report makes that fail, with the report."""
        try:
            code, screen = self.hangup()
        finally:
            self.tmux("kill-server", check=False)
            shutil.rmtree(self.tmp, ignore_errors=True)
        if code is not None and code != 0:
            raise AssertionError("orgtop exited %d after SIGHUP:\n%s" % (code, screen))

    def hangup(self):
        """(exit code, screen) after SIGHUP; (None, "") if orgtop was not running."""
        try:
            with open(self.pidfile) as f:
                pid = int(f.read().strip())
            os.kill(pid, signal.SIGHUP)
        except (OSError, ValueError, AttributeError):
            return None, ""
        end = time.time() + 20
        s = ""
        while time.time() < end:
            s = self.screen()
            m = re.search(r"EXIT=(\d+)", s)
            if m:
                return int(m.group(1)), s
            time.sleep(0.1)
        return -1, s


def shquote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def dump_truth(*args):
    out = subprocess.run([AWSIM, "--dump-truth"] + list(args), stdout=subprocess.PIPE,
                         check=True, timeout=60).stdout
    return out


class Grid:
    """The grid as captured: the region columns and the account rows."""
    ID = re.compile(r"(?<!\d)(\d{12})(?!\d)")

    def __init__(self, screen):
        self.lines = screen.split("\n")
        head = self.lines[1]
        bar = head.index("\u2502") if "\u2502" in head else head.rindex("|")
        idpos = head.index(" id ") + 1
        self.cols = []   # (code, column)
        head = head.replace("\u25c2", " ").replace("\u25b8", " ")  # the scroll marks
        if "\u2502" not in self.lines[1]:  # ASCII: < and > mark the scroll
            head = head[:idpos + 12] + head[idpos + 12:bar].replace("<", " ").replace(">", " ") + \
                head[bar:]
        for m in re.finditer(r"\S+", head[:bar]):
            if m.start() > idpos + 2:
                self.cols.append((m.group(), cols(head[:m.start()])))
        self.rows = []   # (id, name, line)
        for line in self.lines[2:]:
            m = self.ID.search(line)
            if m:
                name = line[2:m.start()].strip()
                self.rows.append((m.group(1), name, line))

    def cell(self, line, i):
        code, c = self.cols[i]
        width = (self.cols[1][1] - self.cols[0][1]) if len(self.cols) > 1 else 6
        start = at_col(line, c)
        end = at_col(line, c + width - 1)
        return line[start:end].strip()


class EmptyOu(unittest.TestCase):
    def test_an_ou_without_accounts_is_blank_not_loading(self):
        """Its region columns have nothing to roll up: blank, never the loading
        glyph (which once stayed there for good, like a stuck refresh)."""
        tmp = tempfile.mkdtemp(prefix="orgtop-tui-emptyou-")
        try:
            doc = json.loads(dump_truth("--accounts", "12", "--seed", "3"))
            root = doc["ous"][0]["id"]
            doc["ous"].append({"id": "ou-empt-00000001", "name": "Nobody", "path": "Root/Nobody",
                               "parent": root})
            path = os.path.join(tmp, "truth.json")
            with open(path, "w") as f:
                json.dump(doc, f)
            t = Tmux(160, 50).start([ORGTOP, "--open", path])
            try:
                s = t.wait(lambda s: "Nobody" in s, what="the empty OU")
                line = next(x for x in s.split("\n") if "Nobody" in x)
                self.assertIn("(0)", line)
                self.assertNotIn("\u22ef", line)  # the loading glyph
                other = next(x for x in s.split("\n") if "Infrastructure" in x)
                self.assertNotIn("\u22ef", other)
            finally:
                t.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="orgtop-tui-truth-")
        cls.truth_path = os.path.join(cls.tmp, "truth.json")
        with open(cls.truth_path, "wb") as f:
            f.write(dump_truth("--accounts", "120", "--seed", "3"))
        with open(cls.truth_path) as f:
            cls.truth = json.load(f)
        cls.by_id = {a["id"]: a for a in cls.truth["accounts"]}
        cls.codes = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.t = Tmux(160, 50).start([ORGTOP, "--open", self.truth_path])
        self.t.wait("OU / account")

    def tearDown(self):
        self.t.stop()

    def region_of(self, code):
        for r in self.truth["regions"]:
            if short(r) == code:
                return r
        raise AssertionError("no region for code %s" % code)

    def check_page(self, grid, layer="overview"):
        self.assertGreater(len(grid.cols), 3)
        for acct_id, name, line in grid.rows:
            a = self.by_id[acct_id]
            shown = name.rstrip("\u2026")
            self.assertTrue(shown and (name == a["name"] or (
                name.endswith("\u2026") and a["name"].startswith(shown))),
                "%s shown as %r, truth %r" % (acct_id, name, a["name"]))
            for i, (code, _) in enumerate(grid.cols):
                want = show(layer, a["cells"][self.region_of(code)])
                got = grid.cell(line, i)
                self.assertEqual(got, want, "%s %s %s: %r != truth %r\n%s" % (
                    layer, a["name"], code, got, want, line))

    def test_grid_matches_truth(self):
        t = self.t
        t.type(":sort name")
        t.keys("Enter")
        s = t.wait(lambda s: "OU / account" not in s and " account " in s, what="flat list")
        seen = []
        for _ in range(10):
            g = Grid(s)
            self.check_page(g)
            seen += [r[0] for r in g.rows if r[0] not in seen]
            if len(seen) >= len(self.truth["accounts"]):
                break
            last = g.rows[-1][0]
            t.keys("PageDown")
            s = t.wait(lambda s: Grid(s).rows and Grid(s).rows[-1][0] != last, what="next page")
        self.assertEqual(sorted(seen), sorted(self.by_id))
        # the last region columns, scrolled sideways
        t.keys("g", "$")
        s = t.wait(lambda s: short(grid_order(self.truth["regions"])[-1]) in s.split("\n")[1],
                   what="last region column")
        self.check_page(Grid(s))

    def test_layers(self):
        t = self.t
        for key, tab, layer in (("1", "[Compliance]", "compliance"),
                                ("2", "[GuardDuty]", "guardduty"),
                                ("3", "[Spend]", "spend"), ("0", "[Overview]", "overview")):
            t.keys(key)
            s = t.wait(tab)
            self.check_page(Grid(s), layer)
        t.keys("4")
        s = t.wait("[SSO]")
        head = s.split("\n")[1]
        sets = {x["permission_set"] for a in self.truth["accounts"]
                for x in a["sso"].get("assignments", [])}
        self.assertTrue(any(p[:6] in head for p in sets), head)
        t.keys("Tab")
        t.wait("[Overview]")

    def test_collapse(self):
        t = self.t
        s = t.screen()
        self.assertIn("\u25be Root", s)
        # select the Infrastructure OU and collapse it
        lines = s.split("\n")
        row = next(i for i, line in enumerate(lines) if "Infrastructure (" in line)
        for _ in range(row - 2):
            t.keys("j")
        t.keys("Space")
        s = t.wait("\u25b8 Infrastructure")
        lines = s.split("\n")
        i = next(i for i, line in enumerate(lines) if "Infrastructure (" in line)
        infra = [a["id"] for a in self.truth["accounts"]
                 if a["ou_path"].startswith("Root/Infrastructure")]
        self.assertFalse(any(x in "".join(lines) for x in infra))
        self.assertNotIn(lines[i + 1][:4], ("    ",))  # the next row is an OU again
        t.keys("-")
        s = t.wait(lambda s: not Grid(s).rows, what="every OU collapsed")
        self.assertIn("\u25b8 Workloads", s)
        t.keys("+")
        t.wait(lambda s: len(Grid(s).rows) > 20, what="expanded again")

    def expect_filter(self, expr, pred):
        want = sum(1 for a in self.truth["accounts"] if pred(a))
        t = self.t
        t.keys("/")
        t.type(expr)
        t.keys("Enter")
        s = t.wait("filter %d/%d" % (want, len(self.truth["accounts"])),
                   what="filter %r: %d" % (expr, want))
        t.keys("Escape")
        t.wait(lambda s: not re.search(r"filter \d+/\d+", s), what="filter cleared")
        return s

    def test_filter(self):
        def cells(a, regions=None):
            return [c for r, c in a["cells"].items() if regions is None or r in regions]

        def sev(a, regions=None):
            v = [c["guardduty"]["max_severity"] for c in cells(a, regions) if has(c["guardduty"])]
            return max(v) if v else None

        def nc(a, regions=None):
            v = [c["config"]["noncompliant"] for c in cells(a, regions) if has(c["config"])]
            return sum(v) if v else None

        def burn(a):
            if not has(a["budget"]):
                return None
            v = [b["actual"] / b["limit"] * 100 for b in a["budget"]["budgets"] if b["limit"] > 0]
            return max(v) if v else None

        def states(a):
            s = {a["access"]["state"], a["budget"]["state"], a["sso"]["state"]}
            for c in a["cells"].values():
                s |= {c["config"]["state"], c["guardduty"]["state"], c["spend_state"]}
            return s

        def words(a, w):
            return any(w in (a[k] or "").lower() for k in ("name", "id", "email", "ou_path"))

        eu = [r for r in self.truth["regions"] if r.startswith("eu-")]
        self.expect_filter("sev>=9", lambda a: (sev(a) or 0) >= 9 and sev(a) is not None)
        self.expect_filter("nc>0", lambda a: (nc(a) or 0) > 0)
        self.expect_filter("state:denied", lambda a: "denied" in states(a))
        self.expect_filter("state:denied|region_off", lambda a: states(a) & {"denied", "region_off"})
        self.expect_filter("ou:Workloads/EMEA", lambda a: "workloads/emea" in a["ou_path"].lower())
        self.expect_filter("burn>90", lambda a: burn(a) is not None and burn(a) > 90)
        self.expect_filter("prod !sandbox", lambda a: words(a, "prod") and not words(a, "sandbox"))
        self.expect_filter("region:eu-* nc>0", lambda a: (nc(a, eu) or 0) > 0)
        self.expect_filter("!sev>=7", lambda a: not (sev(a) is not None and sev(a) >= 7))
        # a mistake is shown in the prompt, and the last good filter holds
        t = self.t
        t.keys("/")
        t.type("sevv>=7")
        s = t.wait("'sevv' is not a field")
        t.keys("Escape")

    def test_sort(self):
        def spend(a):
            return sum(c["spend"] for c in a["cells"].values() if c["spend_state"] == "ok")
        t = self.t
        t.type(":sort spend")
        t.keys("Enter")
        s = t.wait("sort spend")
        top = max(self.truth["accounts"], key=spend)
        self.assertEqual(Grid(s).rows[0][0], top["id"])
        t.keys("s")  # spend -> tree
        s = t.wait("OU / account")
        t.keys("s", "g")  # name, first row
        s = t.wait("sort name")
        names = sorted(self.truth["accounts"], key=lambda a: (a["name"].lower(), a["id"]))
        self.assertEqual(Grid(s).rows[0][0], names[0]["id"])

    def test_drilldown(self):
        a = next(x for x in self.truth["accounts"] if x["budget"]["state"] == "ok"
                 and x["budget"]["budgets"] and x["sso"].get("assignments"))
        t = self.t
        t.keys("/")
        t.type("id:" + a["id"])
        t.keys("Enter")
        t.wait("filter 1/")
        t.type(":sort name")
        t.keys("Enter")
        t.wait("sort name")
        t.keys("g", "Enter")
        s = t.wait("%s (%s)" % (a["name"], a["id"]))
        self.assertIn(a["email"], s)
        self.assertIn(a["ou_path"], s)
        self.assertIn("[Compliance]", s)
        for sec in ("[Findings]", "[Budgets]", "[Spend]", "[SSO]"):
            t.keys("Tab")
            s = t.wait(sec)
        s = t.screen()
        self.assertIn(a["sso"]["assignments"][0]["permission_set"], s)
        t.keys("3")
        s = t.wait("[Budgets]")
        self.assertIn(a["budget"]["budgets"][0]["name"], s)
        t.keys("q")
        t.wait("sort name")

    def test_export(self):
        t = self.t
        out = os.path.join(self.t.tmp, "view.csv")
        t.keys("/")
        t.type("region:eu-* prod")
        t.keys("Enter")
        t.wait("filter ")
        t.type(":export " + out)
        t.keys("Enter")
        t.wait("exported ")
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        eu = sorted(r for r in self.truth["regions"] if r.startswith("eu-"))
        want = sorted(a["id"] for a in self.truth["accounts"]
                      if any("prod" in (a[k] or "").lower()
                             for k in ("name", "id", "email", "ou_path")))
        self.assertEqual(sorted({r["account_id"] for r in rows}), want)
        self.assertEqual(sorted({r["region"] for r in rows}), eu)
        self.assertEqual(len(rows), len(want) * len(eu))
        for r in rows:
            cell = self.by_id[r["account_id"]]["cells"][r["region"]]
            self.assertEqual(r["config_state"], cell["config"]["state"])
        # the same view as the JSON contract: the filtered accounts, the shown regions
        out = os.path.join(self.t.tmp, "view.json")
        t.type(":export " + out)
        t.keys("Enter")
        t.wait("regions to " + out)
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["schema"], self.truth["schema"])
        self.assertEqual(doc["regions"], eu)
        self.assertEqual(sorted(a["id"] for a in doc["accounts"]), want)
        for a in doc["accounts"]:
            for r in eu:
                truth = self.by_id[a["id"]]["cells"][r]
                self.assertEqual(a["cells"][r]["config"], truth["config"])
                self.assertEqual(a["cells"][r]["guardduty"], truth["guardduty"])


def short(region):
    """The grid's short code for a region (tui/region.c)."""
    words = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
             "north": "n", "south": "s", "east": "e", "west": "w", "central": "c", "gov": "g"}
    p = region.split("-")
    return p[0] + "".join(words.get(w, w[0]) for w in p[1:-1]) + p[-1]


if __name__ == "__main__":
    taptest.main()
