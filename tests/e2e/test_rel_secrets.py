#!/usr/bin/env python3
# timeout: 300
"""Secrets never leave (issue 7 section 3, RELIABILITY.md E), with the real
binary against awsim through three credential sources: static keys in the
environment, a profile with credential_process, and an IAM Identity Center
(SSO) profile with a token in the SSO cache.

Each flow runs `orgtop --once` in all three formats with --log at trace
level, a cache directory, `--call` (including `--call sts AssumeRole`,
whose answer holds a secret key and a session token) and the dashboard in
tmux (grid, account view, help). Everything orgtop wrote (stdout, stderr,
the log, every file in the cache directory, the captured screens) is
searched for: the secret key, every session token awsim issued (they all
start "IQoJb3JpZ2luX2VjSIM"), the SSO access token, and any whole access
key id (AKIA.../ASIA...: never more than ****ABCD is shown). The
credential_process child records its own argv and environment: no secret
there either. The process is not dumpable (PR_SET_DUMPABLE 0: run as an
unprivileged user, its /proc files belong to root). Credential and config
files readable by group or others are warned about with path and mode.
"""
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rel_lib as R  # noqa: E402
import taptest  # noqa: E402
from test_tui_grid import Tmux  # noqa: E402

TOKEN_PREFIX = "IQoJb3JpZ2luX2VjSIM"
KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z0-9]{12,}")
SSO_TOKEN = "REL-SSO-ACCESS-TOKEN-9c1e5f7a3b"


class Flow:
    """One credential source: its environment and the secrets it must keep."""

    def __init__(self, name, sim, home):
        self.name, self.sim, self.home = name, sim, home
        os.makedirs(home, exist_ok=True)
        self.secrets = [sim.secret_key, sim.access_key, SSO_TOKEN]
        self.env = R.env(sim)
        self.env["HOME"] = home
        self.cache = os.path.join(home, "cache")
        self.log = os.path.join(home, "orgtop.log")
        self.texts = []  # (where, text) of everything orgtop wrote

    def keep(self, where, text):
        self.texts.append((where, text))


class Secrets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = R.tmpdir()
        cls.sim = R.Awsim("--scenario", R.scenario("allok.json"), "--sso-token", SSO_TOKEN).start()
        mgmt = "123456789012"
        cls.flows = []

        env_flow = Flow("env", cls.sim, os.path.join(cls.tmp, "env"))
        cls.flows.append(env_flow)

        proc = Flow("credential_process", cls.sim, os.path.join(cls.tmp, "proc"))
        helper = R.write(os.path.join(proc.home, "helper.sh"), (
            "#!/bin/sh\n"
            "tr '\\0' '\\n' < /proc/$$/cmdline > %s/child.cmdline\n"
            "tr '\\0' '\\n' < /proc/$$/environ > %s/child.environ\n"
            "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\"}'\n"
        ) % (proc.home, proc.home, cls.sim.access_key, cls.sim.secret_key), mode=0o700)
        cfg = R.write(os.path.join(proc.home, ".aws", "config"),
                      "[profile proc]\ncredential_process = %s\nregion = us-east-1\n" % helper)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            proc.env.pop(k)
        proc.env.update(AWS_PROFILE="proc", AWS_CONFIG_FILE=cfg,
                        AWS_SHARED_CREDENTIALS_FILE=os.path.join(proc.home, "none"))
        cls.flows.append(proc)

        sso = Flow("sso", cls.sim, os.path.join(cls.tmp, "sso"))
        cfg = R.write(os.path.join(sso.home, ".aws", "config"),
                      "[profile corp]\nsso_session = corp\nsso_account_id = %s\n"
                      "sso_role_name = AdministratorAccess\nregion = us-east-1\n"
                      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                      "sso_region = us-east-1\n" % mgmt)
        R.write(os.path.join(sso.home, ".aws", "sso", "cache",
                             hashlib.sha1(b"corp").hexdigest() + ".json"),
                json.dumps({"accessToken": SSO_TOKEN, "region": "us-east-1",
                            "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                       time.gmtime(time.time() + 3600)),
                            "startUrl": "https://corp.awsapps.com/start"}))
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            sso.env.pop(k)
        sso.env.update(AWS_PROFILE="corp", AWS_CONFIG_FILE=cfg,
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(sso.home, "none"))
        cls.flows.append(sso)

        for f in cls.flows:
            cls.exercise(f)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def exercise(cls, f):
        common = ["--cache-dir", f.cache, "--log", f.log, "--log-level", "trace"]
        f.rc = {}
        for fmt in ("json", "csv", "table"):
            res = R.run(["--once", "--format", fmt] + common, env=f.env, timeout=120)
            f.rc[fmt] = res.rc
            f.keep("--once %s stdout" % fmt, res.out)
            f.keep("--once %s stderr" % fmt, res.err)
        res = R.run(["--call", "sts", "AssumeRole", json.dumps({
            "RoleArn": "arn:aws:iam::123456789013:role/OrganizationAccountAccessRole",
            "RoleSessionName": "secrets-test"})] + common, env=f.env, timeout=60)
        f.assume_rc, f.assume_out = res.rc, res.out
        f.keep("--call sts AssumeRole stdout", res.out)
        f.keep("--call sts AssumeRole stderr", res.err)
        res = R.run(["--call", "sts", "GetCallerIdentity"] + common, env=f.env, timeout=60)
        f.keep("--call GetCallerIdentity", res.out + res.err)
        # the dashboard: grid, an account's view, the help
        t = Tmux(160, 50).start([R.ORGTOP] + common, f.env)
        try:
            s = t.wait(lambda s: re.search(r"done (\d[\d,]*)/\1\b", s), timeout=60,
                       what="a complete refresh")
            f.keep("screen: grid", t.screen(escapes=True))
            t.keys("/")
            t.type("id:123456789013")
            t.keys("Enter")
            t.wait("filter 1/")
            t.type(":sort name")
            t.keys("Enter")
            t.wait("sort name")
            t.keys("g", "Enter")
            t.wait("(123456789013)")
            time.sleep(0.5)
            f.keep("screen: account view", t.screen(escapes=True))
            t.keys("Escape", "?")
            time.sleep(0.5)
            f.keep("screen: help", t.screen(escapes=True))
            t.keys("Escape", "q")
            t.wait("EXIT=0")
            f.keep("screen: after exit", t.screen(escapes=True))
        finally:
            t.stop()
        with open(f.log, encoding="utf-8", errors="replace") as fh:
            f.keep("the log", fh.read())
        for d, _, files in os.walk(f.cache):
            for name in files:
                with open(os.path.join(d, name), "rb") as fh:
                    f.keep("cache file " + name, fh.read().decode("utf-8", "replace"))

    def test_the_flows_worked(self):
        for f in self.flows:
            self.assertEqual(f.rc, {"json": 0, "csv": 0, "table": 0}, f.name)
            self.assertEqual(f.assume_rc, 0, f.name)
            self.assertIn("AssumeRoleResult", f.assume_out)
            self.assertTrue(any(w.startswith("cache file") for w, _ in f.texts), f.name)
        # awsim issued session tokens in every flow (the member accounts' roles)
        self.assertGreater(self.sim.stats()["sessions"], 6)

    def test_no_secret_anywhere(self):
        for f in self.flows:
            for where, text in f.texts:
                # (assertFalse: a failure must not print the secret into the test log)
                for i, secret in enumerate(f.secrets):
                    self.assertFalse(secret in text, "%s: %s holds secret #%d" % (
                        f.name, where, i))
                self.assertFalse(TOKEN_PREFIX in text, "%s: %s holds a session token" % (
                    f.name, where))
                m = KEY_ID.search(text)
                self.assertIsNone(m, "%s: %s shows a whole key id %s" % (
                    f.name, where, m and m.group(0)))

    def test_key_ids_at_most_four_characters(self):
        f = next(x for x in self.flows if x.name == "env")
        m = re.search(r"\*\*\*\*([A-Z0-9]{4})\b", f.assume_out)
        self.assertIsNotNone(m, f.assume_out)
        self.assertIn("(secret, not shown)", f.assume_out)

    def test_credential_process_child_has_no_secret_in_argv_or_environment(self):
        f = next(x for x in self.flows if x.name == "credential_process")
        for name in ("child.cmdline", "child.environ"):
            with open(os.path.join(f.home, name), encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            self.assertTrue(text.strip(), name)
            for secret in (self.sim.secret_key, SSO_TOKEN):
                self.assertNotIn(secret, text, name)
            self.assertNotIn(TOKEN_PREFIX, text, name)
            self.assertNotIn("AWS_SECRET_ACCESS_KEY", text, name)
            self.assertNotIn("AWS_SESSION_TOKEN", text, name)


class NotDumpable(unittest.TestCase):
    def test_proc_files_belong_to_root_when_run_unprivileged(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run orgtop as another user")
        nobody = pwd.getpwnam("nobody")
        home = R.tmpdir()
        os.chmod(home, 0o755)
        os.chown(home, nobody.pw_uid, nobody.pw_gid)

        def drop():
            os.setgid(nobody.pw_gid)
            os.setgroups([])
            os.setuid(nobody.pw_uid)

        # The control: an ordinary process of that user owns its /proc files.
        ctl = subprocess.Popen(["sleep", "30"], preexec_fn=drop)
        try:
            self.assertEqual(os.stat("/proc/%d/environ" % ctl.pid).st_uid, nobody.pw_uid)
        finally:
            ctl.kill()
            ctl.wait()
        with R.Awsim("--scenario", R.scenario("allok.json"), "--latency", "300") as sim:
            e = R.env(sim, {"HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home})
            p = subprocess.Popen([R.ORGTOP, "--once", "--no-cache"], env=e, preexec_fn=drop,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                # From exec to main()'s prctl the files are the user's; then root's.
                R.wait_for(lambda: os.stat("/proc/%d/environ" % p.pid).st_uid == 0,
                           timeout=10, what="orgtop's /proc files to belong to root "
                           "(PR_SET_DUMPABLE 0)")
                with open("/proc/%d/status" % p.pid) as fh:
                    uid = next(l for l in fh if l.startswith("Uid:")).split()[1]
                self.assertEqual(int(uid), nobody.pw_uid)
                self.assertIsNone(p.poll(), "orgtop ended before it could be looked at")
            finally:
                p.kill()
                p.wait()
        shutil.rmtree(home, ignore_errors=True)


class Permissions(unittest.TestCase):
    def test_group_or_world_readable_files_are_warned_about(self):
        home = R.tmpdir()
        with R.Awsim("--scenario", R.scenario("allok.json")) as sim:
            cfg = R.write(os.path.join(home, "config"),
                          "[default]\nregion = us-east-1\n", mode=0o644)
            creds = R.write(os.path.join(home, "credentials"),
                            "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (
                                sim.access_key, sim.secret_key), mode=0o640)
            e = R.env(sim, {"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": creds})
            for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                e.pop(k)
            res = R.run(["--once", "--no-cache"], env=e, timeout=60)
        self.assertEqual(res.rc, 0, res.err)
        self.assertEqual(res.err.count("%s: permissions 0640 are too open" % creds), 1, res.err)
        self.assertEqual(res.err.count("%s: permissions 0644 are too open" % cfg), 1, res.err)
        self.assertNotIn(sim.secret_key, res.out + res.err)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
