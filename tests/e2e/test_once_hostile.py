#!/usr/bin/env python3
# timeout: 300
"""Accounts with hostile names, an OU with a hostile name and an AWS error
message with escape sequences, through `orgtop --once` in every format
(RELIABILITY.md A).

The scenario is built from the project's hostile-text corpus
(tests/data/hostile/strings.json): one account per string. Every output
(JSON, CSV, table, and stderr) must be free of terminal controls and of
bidi, zero-width and tag characters; one account stays one table row and
one CSV row per region; CSV cells never start a formula; the states and
values still agree with the truth.
"""
import csv
import io
import json
import os
import re
import tempfile
import unicodedata
import unittest

import test_once_lib as L
import taptest

CORPUS = os.path.join(L.ROOT, "tests", "data", "hostile", "strings.json")

# C0 (but \n), DEL, C1, bidi controls, zero-width characters, tags, the BOM.
BAD = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u061c\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2069\ufeff\U000e0000-\U000e007f]")

EVIL_MESSAGE = "\u001b]0;pwned\u0007 \u001b[2J rule failed\nsecond line \u202eesrever"


def build_scenario():
    with open(CORPUS, encoding="utf-8") as f:
        corpus = [c for c in json.load(f) if "text" in c]
    accounts = [{"id": "100000000001", "name": "mgmt", "management": True}]
    for i, c in enumerate(corpus[:60]):
        accounts.append({"id": "1000000%05d" % (i + 2), "name": c["text"] or "(empty)",
                         "ou": "Evil\u001b[6n\u202eOU"})
    accounts.append({"id": "100000099999", "name": "=HYPERLINK(\"http://evil.example\")",
                     "ou": "Workloads"})
    scn = {
        "seed": 66,
        "organization": {"id": "o-hostile0001", "root_id": "r-ho01"},
        "regions": ["us-east-1", "eu-west-1"],
        "identity_center": {"enabled": False},
        "accounts": accounts,
        "faults": {"rules": [{"account": "100000000002", "region": "eu-west-1",
                              "api": "config:GetComplianceSummaryByConfigRule",
                              "error": {"status": 400, "code": "ValidationException",
                                        "message": EVIL_MESSAGE}}]},
    }
    fd, path = tempfile.mkstemp(prefix="orgtop-hostile-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(scn, f)
    return path, len(accounts)


def width(s):
    """Terminal columns of s as wcwidth counts them: nonspacing and enclosing marks,
    format characters and Hangul medial/final jamo 0, East Asian wide and full 2."""
    w = 0
    for ch in s:
        cp = ord(ch)
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0x1160 <= cp <= 0x11FF:
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scn, cls.n = build_scenario()
        cls.truth = L.dump_truth("--scenario", cls.scn)
        cls.sim = L.Awsim("--scenario", cls.scn).start()
        cls.out = {}
        for fmt in ("json", "csv", "table"):
            cls.out[fmt] = L.run_once(cls.sim, fmt=fmt)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        os.unlink(cls.scn)

    def assert_clean(self, text, what):
        m = BAD.search(text)
        if m is not None:
            self.fail("%s holds %r at %d: %r" % (what, m.group(0), m.start(),
                                                 text[max(0, m.start() - 40):m.end() + 20]))

    def test_no_controls_in_any_output(self):
        for fmt, (rc, out, err) in self.out.items():
            self.assertEqual(rc, 1, err)
            self.assert_clean(out.replace("\r\n", "\n"), fmt + " output")
            self.assert_clean(err, fmt + " stderr")

    def test_json_strings_are_clean_after_decoding(self):
        doc = json.loads(self.out["json"][1])

        def walk(x):
            if isinstance(x, str):
                self.assert_clean(x, "a JSON string")
            elif isinstance(x, dict):
                for v in x.values():
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)
        walk(doc)

    def test_states_and_values_agree_with_the_truth(self):
        doc = json.loads(self.out["json"][1])
        truth = self.truth
        for a in truth["accounts"]:
            if a["id"] == "100000000002":
                a["cells"]["eu-west-1"]["config"] = {"state": "error",
                                                     "reason": "ValidationException"}
        for a in doc["accounts"]:
            if a["id"] == "100000000002":
                cfg = a["cells"]["eu-west-1"]["config"]
                self.assertEqual(cfg["state"], "error")
                self.assertIn("ValidationException", cfg["reason"])
                self.assertIn("rule failed", cfg["reason"])
                self.assertNotIn("\u001b", cfg["reason"])
                cfg["reason"] = "ValidationException"
        diffs = L.compare(doc, truth, skip=("names",))
        self.assertEqual(diffs, [], "\n".join(diffs[:40]))

    def test_names_are_shown_escaped_not_dropped(self):
        doc = json.loads(self.out["json"][1])
        names = " ".join(a["name"] for a in doc["accounts"])
        self.assertIn("\\e]0;pwned", names)  # the OSC title, visible
        self.assertNotIn("pwned\u0007", names)

    def test_one_csv_row_per_account_and_region_and_no_formulas(self):
        rows = list(csv.reader(io.StringIO(self.out["csv"][1])))
        self.assertEqual(len(rows) - 1, self.n * 2)
        for row in rows[1:]:
            for cell in row:
                self.assertFalse(cell[:1] in ("=", "+", "@") or
                                 (cell[:1] == "-" and not re.match(r"^-?[0-9.]+$", cell)),
                                 "formula in CSV: %r" % cell)

    def test_one_table_row_per_account_within_its_columns(self):
        table = self.out["table"][1]
        doc = json.loads(self.out["json"][1])
        rows = [line for line in table.splitlines()
                if any(a["id"] in line for a in doc["accounts"]) and line.startswith("  ")]
        self.assertEqual(len(rows), len(doc["accounts"]))
        widths = {width(r) for r in rows}
        self.assertEqual(len(widths), 1, "rows of different widths: %s" % sorted(widths))


if __name__ == "__main__":
    taptest.main()
