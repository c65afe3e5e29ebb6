#!/usr/bin/env python3
# timeout: 600
"""Faults at scale (issue 7 section 1, RELIABILITY.md C, D, F) with the real
binary and `orgtop --once`:

- The storm: 1,000 accounts x 17+ regions (300 under the sanitizers) with
  10% of calls throttled, 1% connections reset, 0.5% bodies truncated, 2%
  500/503s and one region blackholed (accepted, never answered). The run
  ends within a bound, every cell in a final state (no loading or
  throttled left), the blackholed region's cells "region timed out", the
  others agreeing with awsim's truth wherever they are ok (the throttled
  ones recovered), errors rare and each with a reason, exit status 1
  (partial), peak RSS bounded, and under ASan/UBSan no report.
  Identity Center (sso-admin, identitystore) is kept out of the random
  throttling: its one shared 20-200/s bucket sits near 6 requests/s under
  10% random throttles (CUBIC's equilibrium at that loss rate), which makes
  the SSO walk of 1,000 accounts (~4,200 calls) take ~12 minutes; the other
  faults still reach it. The figure is reported in the issue's closing note.
  For the same reason the aggregators' administrator (the default mode,
  auto, reads Config and GuardDuty there first: ~3,000 calls through one
  bucket per region) is kept out of the random throttle, not out of the
  other faults. The storm also once hung --once for good (a failed
  aggregator call sent its source back to idle, which never decided) and
  timed out healthy regions whose calls were only queued here: both are
  checked by the bound and the states below.
- ulimit -n 256 with --concurrency 1024 (more transfers than descriptors):
  transfers queue, nothing crashes, every cell agrees with the truth.
- ExpiredToken in the middle of a refresh, with awsim's short sessions
  (--session-seconds): the credentials are refreshed and the call retried
  once, so the cells are right; a token that stays expired ends the cell
  with that error after exactly one refresh.
- An SSO session that expires mid-run: one message, not one per account.
"""
import json
import os
import time
import unittest

import rel_lib as R
import taptest

ACCOUNTS = "300" if R.SANITIZER else "1000"
BLACKHOLE = "ap-south-1"
STORM = ["--throttle", "0.1", "--resets", "0.01", "--truncate", "0.005", "--errors", "0.02",
         "--blackhole", BLACKHOLE]
# Identity Center keeps its other faults (resets, truncation, 5xx), not the random throttle.
SSO_EXEMPT = {"rules": [{"api": "sso-admin:*", "throttle": "never"},
                        {"api": "identitystore:*", "throttle": "never"}]}
DEADLINE = 5
QUIET = ("disabled", "denied", "region_off")
BOUND = 900 if R.SANITIZER else 240


class OnceStorm(unittest.TestCase):
    """Every account asked (--mode accounts): the fan-out of ~17,000 calls."""
    MODE = ["--mode", "accounts"]
    EXACT = True  # every cell's state as the per-account truth has it

    @classmethod
    def setUpClass(cls):
        org = ["--accounts", ACCOUNTS, "--seed", "11"]
        cls.truth = R.dump_truth(*org)
        with R.Awsim(*(org + STORM + ["--threads", "2"])) as sim:
            rules = list(SSO_EXEMPT["rules"])
            for svc, principal in (("guardduty", "guardduty.amazonaws.com"),
                                   ("config", "config.amazonaws.com")):
                res = R.run(["--call", "organizations", "ListDelegatedAdministrators",
                             json.dumps({"ServicePrincipal": principal})],
                            env=R.env(sim, {"AWS_MAX_ATTEMPTS": "10"}), timeout=60)
                for adm in json.loads(res.out)["DelegatedAdministrators"]:
                    rules.append({"account": adm["Id"], "api": svc + ":*", "throttle": "never"})
            sim.faults({"rules": rules})
            cls.res = R.run(["--once", "--format", "json", "--region-deadline", str(DEADLINE)] +
                            cls.MODE, env=R.env(sim), timeout=BOUND + 60)
            cls.stats = sim.stats()
        cls.doc = cls.res.doc()
        n = R.states(cls.doc)
        print("# storm: %s accounts x %d regions in %.1f s, peak RSS %.0f MB, exit %d" % (
            ACCOUNTS, len(cls.doc["regions"]), cls.res.wall, cls.res.maxrss_mb, cls.res.rc))
        print("# awsim: %(requests)d requests, %(throttled)d throttled, %(resets)d resets, "
              "%(truncated)d truncated, %(failed)d 5xx, %(blackholed)d blackholed, "
              "%(connections)d connections" % cls.stats)
        print("# states: %s" % json.dumps(n, sort_keys=True))

    def test_no_sanitizer_report(self):
        self.assertIsNone(R.sanitizer_report(self.res.err))

    def test_exit_status_says_partial(self):
        self.assertEqual(self.res.rc, 1, self.res.err[-2000:])

    def test_bounded_time_and_memory(self):
        self.assertLess(self.res.wall, BOUND)
        if not R.SANITIZER:
            # orgtop's own peak (rel_lib.run): ~20 MB for this storm, as without faults;
            # retries and backoff must not pile up memory
            self.assertLess(self.res.maxrss_mb, 64)

    def test_the_faults_happened(self):
        st = self.stats
        self.assertGreater(st["throttled"], 1000 if not R.SANITIZER else 300)
        self.assertGreater(st["resets"], 50)
        self.assertGreater(st["truncated"], 20)
        self.assertGreater(st["failed"], 100)
        self.assertGreater(st["blackholed"], 0)

    def test_every_cell_in_a_final_state(self):
        self.assertEqual(len(self.doc["accounts"]), int(ACCOUNTS))
        self.assertGreaterEqual(len(self.doc["regions"]), 17)
        self.assertEqual(R.final_states(self.doc), set())

    def test_the_dead_region_timed_out_and_never_held_the_others(self):
        self.assertIn("%s gave no answer for %d s" % (BLACKHOLE, DEADLINE), self.res.err)
        dead = {"state": "error", "reason": "region timed out after %ds" % DEADLINE}
        # (an account whose role could not be assumed in the storm has that error everywhere)
        unreachable = {a["id"] for a in self.doc["accounts"] if a["access"]["state"] == "error"}
        for acct, region, part, item in R.cells(self.doc):
            if region == BLACKHOLE and item["state"] not in ("region_off", "disabled", "denied") \
                    and acct not in unreachable:
                self.assertEqual(item, dead, (acct, part))

    def test_what_is_ok_is_right_and_errors_are_rare_with_reasons(self):
        truth = {a["id"]: a for a in self.truth["accounts"]}
        bad, errors, total = [], 0, 0
        for acct, region, part, item in R.cells(self.doc):
            if region == BLACKHOLE:
                continue
            total += 1
            want = truth[acct]["cells"][region][part]
            if item["state"] == "error":
                errors += 1
                self.assertTrue(item.get("reason"), (acct, region, part))
                continue
            if not self.EXACT and "ok" not in (item["state"], want["state"]):
                # auto's 2,000-cell rule: these may stand for one another
                self.assertIn(item["state"], QUIET, (acct, region, part))
                self.assertIn(want["state"], QUIET, (acct, region, part))
                continue
            if item["state"] != want["state"]:
                bad.append("%s %s %s: %s != %s" % (acct, region, part, item, want))
                continue
            for k in ("compliant", "noncompliant", "low", "medium", "high", "critical"):
                if item.get(k) != want.get(k):
                    bad.append("%s %s %s.%s: %s != %s" % (acct, region, part, k, item.get(k),
                                                         want.get(k)))
        self.assertEqual(bad, [], "\n".join(bad[:30]))
        # With 3 attempts per call and the collector's re-queues, a 10% throttle
        # and 3% other failures leave almost nothing failed.
        self.assertLess(errors, total * 0.01, "%d of %d cells failed" % (errors, total))
        print("# %s: %d of %d cells (outside the dead region) ended in error" % (
            " ".join(self.MODE) or "auto", errors, total))

    def test_accounts_items_are_final(self):
        for a in self.doc["accounts"]:
            for part in ("access", "budget", "sso"):
                self.assertIn(a[part]["state"], ("ok", "stale", "denied", "disabled", "error",
                                                 "region_off"), (a["id"], part))


class AutoStorm(OnceStorm):
    """The default mode (auto): the aggregators first, per account where they
    cannot answer. Over 2,000 cells without aggregator data are taken as
    disabled rather than asked of each account (docs/JSON.md), so where the
    per-account truth says denied or disabled, auto may say either."""
    MODE = []
    EXACT = False

    def test_the_faults_happened(self):
        st = self.stats
        self.assertGreater(st["throttled"], 100)
        self.assertGreater(st["resets"], 20)
        self.assertGreater(st["failed"], 50)
        self.assertGreater(st["blackholed"], 0)

    def test_the_dead_region_timed_out_and_never_held_the_others(self):
        self.assertIn("%s gave no answer for %d s" % (BLACKHOLE, DEADLINE), self.res.err)
        # The dead region's GuardDuty is read there: it timed out. Its Config
        # comes from the aggregator's region, alive: right where it is ok.
        truth = {a["id"]: a for a in self.truth["accounts"]}
        dead = {"state": "error", "reason": "region timed out after %ds" % DEADLINE}
        unreachable = {a["id"] for a in self.doc["accounts"] if a["access"]["state"] == "error"}
        for acct, region, part, item in R.cells(self.doc):
            if region != BLACKHOLE or item["state"] in ("region_off", "disabled", "denied") or \
                    acct in unreachable:
                continue
            if part == "guardduty" or item["state"] != "ok":
                self.assertEqual(item, dead, (acct, part))
            else:
                want = truth[acct]["cells"][region][part]
                self.assertEqual((item["compliant"], item["noncompliant"]),
                                 (want["compliant"], want["noncompliant"]), (acct, part))
        # No healthy region was taken for dead (calls queued here are not silence).
        self.assertEqual(self.res.err.count("gave no answer"), 1, self.res.err[-3000:])


class FewDescriptors(unittest.TestCase):
    def test_ulimit_256_transfers_queue(self):
        org = ["--accounts", "60", "--seed", "5"]
        truth = R.dump_truth(*org)
        with R.Awsim(*(org + ["--latency", "20:20"])) as sim:
            e = R.env(sim)
            cache = e["XDG_CACHE_HOME"]
            res = R.run(["--once", "--format", "json", "--concurrency", "1024"],
                        env=e, nofile=256, timeout=300)
            stats = sim.stats()
        self.assertIsNone(R.sanitizer_report(res.err))
        self.assertEqual(res.rc, 1, res.err[-2000:])
        diffs = R.compare(res.doc(), truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))
        self.assertNotIn("Too many open files", res.err, res.err[-2000:])
        # the cache still had a descriptor to be saved with (it did not, before)
        self.assertNotIn("cache not saved", res.err)
        self.assertTrue(os.listdir(os.path.join(cache, "orgtop")))
        print("# ulimit -n 256, --concurrency 1024: %.1f s, %d requests, %d connections" % (
            res.wall, stats["requests"], stats["connections"]))


class ExpiredTokens(unittest.TestCase):
    def test_short_sessions_are_refreshed(self):
        """Sessions of 3 s against a run that lasts longer: refreshed, never an error."""
        org = ["--accounts", "25", "--seed", "6"]
        truth = R.dump_truth(*org)
        with R.Awsim(*(org + ["--session-seconds", "3", "--latency", "40:40"])) as sim:
            res = R.run(["--once", "--format", "json", "--concurrency", "8"], env=R.env(sim),
                        timeout=300)
            stats = sim.stats()
        self.assertEqual(res.rc, 1, res.err[-2000:])
        self.assertGreater(res.wall, 6, "the run must outlive two sessions to prove anything")
        diffs = R.compare(res.doc(), truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))
        members = sum(1 for a in truth["accounts"] if a["access"]["state"] == "ok")
        # more sessions than accounts: roles were assumed again as they expired
        self.assertGreater(stats["sessions"], members)
        print("# 3 s sessions: %d sessions for %d accounts over %.1f s, %d auth errors" % (
            stats["sessions"], members, res.wall, stats["auth_errors"]))

    def test_expired_token_mid_refresh_refreshes_and_retries_once(self):
        scn = R.scenario("allok.json")
        truth = R.dump_truth("--scenario", scn)
        expired = {"status": 400, "code": "ExpiredTokenException",
                   "message": "The security token included in the request is expired"}
        with R.Awsim("--scenario", scn) as sim:
            sim.faults({"rules": [
                # prod's Config in eu-west-1: one ExpiredToken, then fine
                {"account": "123456789013", "region": "eu-west-1",
                 "api": "config:GetComplianceSummaryByConfigRule",
                 "error": dict(expired, times=1)},
                # dev's Config in eu-west-1: expired whatever the credentials
                {"account": "123456789014", "region": "eu-west-1",
                 "api": "config:GetComplianceSummaryByConfigRule",
                 "error": dict(expired, times=-1)}]})
            res = R.run(["--once", "--format", "json"], env=R.env(sim), timeout=120)
            rules = sim.faults()["rules"]
            stats = sim.stats()
        doc = res.doc()
        acct = {a["id"]: a for a in doc["accounts"]}
        prod = acct["123456789013"]["cells"]["eu-west-1"]["config"]
        self.assertEqual(prod["state"], "ok", prod)
        self.assertEqual((prod["compliant"], prod["noncompliant"]), (4, 1))
        dev = acct["123456789014"]["cells"]["eu-west-1"]["config"]
        self.assertEqual(dev["state"], "error", dev)
        self.assertIn("expired", dev["reason"])
        # One refresh and one more try per call: the first rule saw the call
        # and its retry, the second saw each call exactly twice.
        self.assertEqual(rules[0]["matched"], 2, rules)
        self.assertEqual(rules[1]["matched"] % 2, 0, rules)
        self.assertGreater(stats["by_operation"]["sts:AssumeRole"], 2)
        truth_acct = {a["id"]: a for a in truth["accounts"]}
        truth_acct["123456789014"]["cells"]["eu-west-1"]["config"] = dev
        diffs = R.compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))


class SsoCallFails(unittest.TestCase):
    def test_one_failed_assignment_call_spoils_only_its_account(self):
        """Regression: one ListAccountAssignments failure (of ~4,000 in the storm)
        turned every account's SSO item into an error."""
        # 8 accounts: fewer ListAccountAssignments calls than principals, so
        # they are asked per account (per principal, one failure spoils all).
        org = ["--accounts", "8", "--seed", "12"]
        truth = R.dump_truth(*org)
        with R.Awsim(*org) as sim:
            sim.faults({"rules": [{"api": "sso-admin:ListAccountAssignments",
                                   "error": {"status": 500, "code": "InternalFailure",
                                             "message": "boom", "times": 2}}]})
            res = R.run(["--once", "--format", "json", "--concurrency", "4"],
                        env=R.env(sim, {"AWS_MAX_ATTEMPTS": "1"}), timeout=120)
        doc = res.doc()
        failed = [a["id"] for a in doc["accounts"] if a["sso"]["state"] == "error"]
        self.assertTrue(1 <= len(failed) <= 2, failed)
        for a in doc["accounts"]:
            if a["id"] in failed:
                self.assertIn("InternalFailure", a["sso"]["reason"])
        self.assertIn("Identity Center assignments of %d account" % len(failed), res.err)
        for a in truth["accounts"]:
            if a["id"] in failed:
                a["sso"] = next(x["sso"] for x in doc["accounts"] if x["id"] == a["id"])
        diffs = R.compare(doc, truth)
        self.assertEqual(diffs, [], "\n".join(diffs[:30]))


class SsoSessionExpires(unittest.TestCase):
    def test_one_message_when_the_sso_session_ends_mid_run(self):
        token = "sso-access-token-REL-7f3a"
        home = R.tmpdir()
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 8))
        with R.Awsim("--accounts", "20", "--seed", "8", "--sso-token", token,
                     "--session-seconds", "2", "--latency", "100:50") as sim:
            R.write(os.path.join(home, ".aws", "config"),
                    "[profile corp]\nsso_session = corp\nsso_account_id = %s\n"
                    "sso_role_name = AdministratorAccess\nregion = us-east-1\n"
                    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                    "sso_region = us-east-1\n" % sim.truth()["organization"][
                        "management_account_id"])
            import hashlib
            key = hashlib.sha1(b"corp").hexdigest()
            R.write(os.path.join(home, ".aws", "sso", "cache", key + ".json"), json.dumps({
                "accessToken": token, "expiresAt": expires, "region": "us-east-1",
                "startUrl": "https://corp.awsapps.com/start"}))
            e = R.env(sim)
            for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
                e.pop(k, None)
            e.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, ".aws", "config"),
                     AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, ".aws", "credentials"))
            log = os.path.join(home, "orgtop.log")
            res = R.run(["--once", "--format", "json", "-p", "corp", "--concurrency", "4",
                         "--log", log, "--log-level", "trace"], env=e, timeout=300)
        # The session worked at first (the walk and some cells), then ended.
        self.assertEqual(res.rc, 1, res.err[-2000:])
        n = R.states(res.doc())
        ok_cells = sum(1 for *_, item in R.cells(res.doc()) if item["state"] == "ok")
        self.assertGreater(ok_cells, 0, n)
        self.assertGreater(n.get("error", 0), 0, n)
        print("# SSO session of 8 s: run of %.1f s, exit %d, states %s" % (
            res.wall, res.rc, json.dumps(R.states(res.doc()), sort_keys=True)))
        self.assertEqual(res.err.count("aws sso login --profile corp"), 1, res.err[-3000:])
        with open(log, encoding="utf-8") as f:
            logtext = f.read()
        # The log keeps a record per account (INFO), but says it as an error once.
        said = [l for l in logtext.splitlines() if "aws sso login --profile corp" in l and
                (" ERROR " in l or " WARN " in l)]
        self.assertEqual(len(said), 1, "\n".join(said)[:3000])
        self.assertNotIn(token, logtext)
        self.assertNotIn(token, res.out + res.err)


if __name__ == "__main__":
    taptest.main()
