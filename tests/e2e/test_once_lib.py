#!/usr/bin/env python3
"""Shared pieces of the `orgtop --once` end-to-end tests, and their own tests.

    from test_once_lib import run_once, compare, Awsim

compare(ours, truth) checks an orgtop/1 document against awsim's
--dump-truth cell by cell (docs/JSON.md) and returns a list of differences
("222222222222 eu-west-1 guardduty.high: 2 != 3"), empty when they agree.
Reasons are compared by prefix: the model cuts long reasons with an
ellipsis. run_once() runs the real binary against an awsim with a clean
environment (no ~/.aws, a temporary cache dir) and returns (rc, stdout,
stderr).

Run directly, this file tests the comparator itself: every kind of
difference it is meant to catch is caught.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("ORGTOP_ROOT") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("ORGTOP_BUILD") or os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))

import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402,F401

ORGTOP = os.path.join(BUILD, "orgtop")
AWSIM = os.path.join(BUILD, "awsim")
SCENARIOS = os.path.join(HERE, "scenarios")
SANITIZER = os.environ.get("ORGTOP_SANITIZER") == "1"


def scenario(name):
    return os.path.join(SCENARIOS, name)


def dump_truth(*args):
    """awsim --dump-truth with the same organization arguments."""
    out = subprocess.run([AWSIM, "--dump-truth"] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120, check=True)
    return json.loads(out.stdout)


def orgtop_env(sim, extra=None):
    env = sim.env()
    env.pop("AWS_PROFILE", None)
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="orgtop-cfg-")
    env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="orgtop-cache-")
    if extra:
        env.update(extra)
    return env


def run_once(sim, *args, env=None, timeout=300, fmt="json", stdin=None, mode="accounts"):
    """orgtop --once against sim. Returns (rc, stdout text, stderr text).
    mode: --mode to pass (default "accounts": these tests check what each account
    answers; test_orgmode*.py checks the aggregators); None passes none."""
    cmd = [ORGTOP, "--once"]
    if fmt is not None:
        cmd += ["--format", fmt]
    if mode is not None and not any(a == "--mode" or str(a).startswith("--mode=") for a in args):
        cmd += ["--mode", mode]
    cmd += list(args)
    p = subprocess.run(cmd, env=env if env is not None else orgtop_env(sim),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       stdin=stdin if stdin is not None else subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def abbrev(region):
    """The table's short region code: eu-central-1 -> euc1, ap-southeast-2 -> apse2."""
    parts = region.split("-")
    out = parts[0][:2]
    for w in parts[1:-1]:
        compound = [d for d in ("north", "south") if w.startswith(d) and len(w) > len(d)]
        out += (w[0] + w[len(compound[0])]) if compound else w[0]
    return out + parts[-1]


def _close(a, b, tol):
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol


def _reason_ok(ours, truth):
    """Our reason is the truth's, or its start cut with an ellipsis."""
    if truth is None:
        return ours is None or ours == ""
    if ours is None:
        return False
    if ours == truth:
        return True
    cut = ours.rstrip("\u2026~")
    return cut != ours and len(cut) >= 20 and truth.startswith(cut)


def _item(diffs, where, ours, truth, fields, tol=0.0):
    if not isinstance(ours, dict):
        diffs.append("%s: missing (truth %s)" % (where, truth))
        return
    if ours.get("state") != truth.get("state"):
        diffs.append("%s.state: %s != %s (reason %r / %r)" % (
            where, ours.get("state"), truth.get("state"), ours.get("reason"),
            truth.get("reason")))
        return
    if not _reason_ok(ours.get("reason"), truth.get("reason")):
        diffs.append("%s.reason: %r != %r" % (where, ours.get("reason"), truth.get("reason")))
    for f in fields:
        a, b = ours.get(f), truth.get(f)
        if isinstance(b, float) or isinstance(a, float):
            if not _close(a, b, tol):
                diffs.append("%s.%s: %s != %s" % (where, f, a, b))
        elif a != b:
            diffs.append("%s.%s: %s != %s" % (where, f, a, b))


def _budgets(diffs, where, ours, truth):
    ob, tb = ours.get("budgets") or [], truth.get("budgets") or []
    if [b.get("name") for b in ob] != [b.get("name") for b in tb]:
        diffs.append("%s.budgets: %s != %s" % (where, [b.get("name") for b in ob],
                                               [b.get("name") for b in tb]))
        return
    for x, y in zip(ob, tb):
        for f in ("limit", "actual", "forecast"):
            if (f in x) != (f in y) or (f in y and not _close(x[f], y[f], 0.006)):
                diffs.append("%s.%s.%s: %s != %s" % (where, y["name"], f, x.get(f), y.get(f)))
        for f in ("unit", "time_unit"):
            if x.get(f) != y.get(f):
                diffs.append("%s.%s.%s: %s != %s" % (where, y["name"], f, x.get(f), y.get(f)))


def compare(ours, truth, skip=()):
    """Differences between orgtop's document and awsim's truth (empty: they agree).
    skip: names of parts not to compare ("sso", "spend", "budget", "ous", "names": account
    and OU names and emails, which orgtop shows sanitised)."""
    d = []
    if ours.get("schema") != "orgtop/1":
        d.append("schema: %r" % ours.get("schema"))
    if ours.get("organization") != truth.get("organization"):
        d.append("organization: %s != %s" % (ours.get("organization"), truth.get("organization")))
    if ours.get("currency") != truth.get("currency"):
        d.append("currency: %s != %s" % (ours.get("currency"), truth.get("currency")))
    if ours.get("regions") != truth.get("regions"):
        d.append("regions: %s != %s" % (ours.get("regions"), truth.get("regions")))
        return d
    if "ous" not in skip:
        if "names" in skip:
            key = lambda o: (o.get("id"), o.get("parent"))  # noqa
        else:
            key = lambda o: (o.get("id"), o.get("name"), o.get("path"), o.get("parent"))  # noqa
        if [key(o) for o in ours.get("ous", [])] != [key(o) for o in truth.get("ous", [])]:
            d.append("ous: %s != %s" % ([key(o) for o in ours.get("ous", [])],
                                        [key(o) for o in truth.get("ous", [])]))
    oa = {a["id"]: a for a in ours.get("accounts", [])}
    ta = {a["id"]: a for a in truth.get("accounts", [])}
    if [a["id"] for a in ours.get("accounts", [])] != sorted(oa):
        d.append("accounts are not sorted by id")
    for missing in sorted(set(ta) - set(oa)):
        d.append("%s: missing" % missing)
    for extra in sorted(set(oa) - set(ta)):
        d.append("%s: not in the truth" % extra)
    for aid in sorted(set(oa) & set(ta)):
        o, t = oa[aid], ta[aid]
        for f in ("name", "email", "status", "ou_id", "ou_path", "joined"):
            if "names" in skip and f in ("name", "email", "ou_path"):
                continue
            if o.get(f) != t.get(f):
                d.append("%s %s: %r != %r" % (aid, f, o.get(f), t.get(f)))
        _item(d, aid + " access", o.get("access"), t["access"], ("role",))
        if "budget" not in skip:
            _item(d, aid + " budget", o.get("budget"), t["budget"], ())
            if (o.get("budget") or {}).get("state") == "ok" and t["budget"]["state"] == "ok":
                _budgets(d, aid + " budget", o["budget"], t["budget"])
        if "sso" not in skip:
            _item(d, aid + " sso", o.get("sso"), t["sso"], ("assignments",))
        for r in truth["regions"]:
            oc, tc = (o.get("cells") or {}).get(r), t["cells"][r]
            where = "%s %s" % (aid, r)
            if oc is None:
                d.append("%s: no cell" % where)
                continue
            _item(d, where + " config", oc.get("config"), tc["config"],
                  ("compliant", "noncompliant", "capped"))
            _item(d, where + " guardduty", oc.get("guardduty"), tc["guardduty"],
                  ("low", "medium", "high", "critical", "max_severity"), 1e-6)
            if "spend" not in skip:
                if oc.get("spend_state") != tc.get("spend_state"):
                    d.append("%s spend_state: %s != %s" % (where, oc.get("spend_state"),
                                                           tc.get("spend_state")))
                elif "spend" in tc and not _close(oc.get("spend"), tc["spend"], 0.006):
                    d.append("%s spend: %s != %s" % (where, oc.get("spend"), tc["spend"]))
    return d


SCP_DENY = "with an explicit deny in a service control policy"
ORG_DISABLED = {"config": "no Config rules", "guardduty": "GuardDuty not enabled"}


def org_view(doc, parts=("config", "guardduty")):
    """What --mode org shows for a document made by asking each account (or the truth):
    the one documented difference (docs/JSON.md), a region an SCP denies to a reachable
    account is `disabled` with the aggregators' reason, not `denied`. parts: the sources
    an aggregator serves. A copy."""
    out = copy.deepcopy(doc)
    for a in out.get("accounts", []):
        if (a.get("access") or {}).get("state") != "ok":
            continue
        for cell in (a.get("cells") or {}).values():
            for part, why in ORG_DISABLED.items():
                item = cell.get(part) or {}
                if part not in parts:
                    continue
                if item.get("state") == "denied" and SCP_DENY in (item.get("reason") or ""):
                    cell[part] = {"state": "disabled", "reason": why}
    return out


def states(doc):
    """Counts of every state in a document's cells and account items."""
    n = {}
    for a in doc.get("accounts", []):
        for part in ("access", "budget", "sso"):
            s = (a.get(part) or {}).get("state")
            n[s] = n.get(s, 0) + 1
        for cell in (a.get("cells") or {}).values():
            for part in ("config", "guardduty"):
                s = (cell.get(part) or {}).get("state")
                n[s] = n.get(s, 0) + 1
    return n


# ---------------------------------------------------------------- self-tests

SAMPLE = {
    "schema": "orgtop/1", "organization": {"id": "o-x", "management_account_id": "111111111111"},
    "currency": "USD", "regions": ["eu-west-1", "us-east-1"],
    "ous": [{"id": "r-1", "name": "Root", "path": "Root", "parent": None}],
    "accounts": [{
        "id": "111111111111", "name": "m", "email": "m@x", "status": "ACTIVE", "ou_id": "r-1",
        "ou_path": "Root", "access": {"state": "ok"},
        "budget": {"state": "ok", "budgets": [{"name": "b", "limit": 10.0, "actual": 5.5,
                                                "unit": "USD", "time_unit": "MONTHLY"}]},
        "sso": {"state": "ok", "assignments": []},
        "cells": {
            "eu-west-1": {"config": {"state": "ok", "compliant": 3, "noncompliant": 1},
                          "guardduty": {"state": "ok", "low": 1, "medium": 0, "high": 0,
                                        "critical": 0, "max_severity": 2.5},
                          "spend": 1.25, "spend_state": "ok"},
            "us-east-1": {"config": {"state": "denied", "reason": "User: x is not authorized "
                                     "to perform: config:Get with an explicit deny"},
                          "guardduty": {"state": "disabled", "reason": "GuardDuty not enabled"},
                          "spend": 0, "spend_state": "ok"}}}]}


class Comparator(unittest.TestCase):
    def test_equal_documents_agree(self):
        self.assertEqual(compare(SAMPLE, copy.deepcopy(SAMPLE)), [])

    def test_each_difference_is_caught(self):
        changes = [
            lambda d: d["accounts"][0]["cells"]["eu-west-1"]["config"].update(noncompliant=2),
            lambda d: d["accounts"][0]["cells"]["eu-west-1"]["guardduty"].update(max_severity=3),
            lambda d: d["accounts"][0]["cells"]["us-east-1"]["guardduty"].update(state="error"),
            lambda d: d["accounts"][0]["cells"]["eu-west-1"].update(spend=1.30),
            lambda d: d["accounts"][0]["budget"]["budgets"][0].update(actual=5.0),
            lambda d: d["accounts"][0].update(name="other"),
            lambda d: d["accounts"][0]["access"].update(state="denied"),
            lambda d: d.update(regions=["eu-west-1"]),
            lambda d: d["accounts"].append(dict(d["accounts"][0], id="222222222222")),
            lambda d: d["accounts"][0]["cells"]["us-east-1"]["config"].update(reason="other"),
            lambda d: d["ous"][0].update(name="Top"),
        ]
        for i, change in enumerate(changes):
            ours = copy.deepcopy(SAMPLE)
            change(ours)
            self.assertNotEqual(compare(ours, SAMPLE), [], "change %d went unnoticed" % i)

    def test_cut_reason_matches_by_prefix(self):
        ours = copy.deepcopy(SAMPLE)
        ours["accounts"][0]["cells"]["us-east-1"]["config"]["reason"] = \
            "User: x is not authorized to perform\u2026"
        self.assertEqual(compare(ours, SAMPLE), [])
        ours["accounts"][0]["cells"]["us-east-1"]["config"]["reason"] = "User: y\u2026"
        self.assertNotEqual(compare(ours, SAMPLE), [])

    def test_region_abbreviations(self):
        self.assertEqual(abbrev("eu-central-1"), "euc1")
        self.assertEqual(abbrev("ap-southeast-2"), "apse2")
        self.assertEqual(abbrev("us-gov-west-1"), "usgw1")
        self.assertEqual(abbrev("af-south-1"), "afs1")

    def test_org_view_changes_only_scp_denials(self):
        ours = copy.deepcopy(SAMPLE)
        ours["accounts"][0]["cells"]["us-east-1"]["config"]["reason"] = (
            "User: x is not authorized to perform: config:Get " + SCP_DENY)
        view = org_view(ours)
        self.assertEqual(view["accounts"][0]["cells"]["us-east-1"]["config"],
                         {"state": "disabled", "reason": "no Config rules"})
        self.assertEqual(view["accounts"][0]["cells"]["eu-west-1"],
                         ours["accounts"][0]["cells"]["eu-west-1"])
        self.assertEqual(org_view(SAMPLE), SAMPLE)  # denied, but not by an SCP
        ours["accounts"][0]["access"] = {"state": "denied", "reason": "role"}
        self.assertEqual(org_view(ours), ours)  # the account itself is out of reach

    def test_states_counts(self):
        n = states(SAMPLE)
        self.assertEqual(n["ok"], 5)
        self.assertEqual(n["denied"], 1)
        self.assertEqual(n["disabled"], 1)


if __name__ == "__main__":
    taptest.main()
