#!/usr/bin/env python3
# timeout: 300
"""The command line of the real binary: exit statuses (DESIGN.md 4), --call
against awsim, --iam-policy against the ops table, --help against the man
page, and the one-message rule for an expired SSO session.
"""
import json
import os
import pty
import re
import select
import stat
import subprocess
import tempfile
import time
import unittest

import test_once_lib as L
import taptest


def run(args, env=None, timeout=120):
    p = subprocess.run([L.ORGTOP] + list(args), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def bare_env():
    """No credentials anywhere: no keys, no files, no instance metadata."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    home = tempfile.mkdtemp(prefix="orgtop-home-")
    env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, "none"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "none"),
               AWS_EC2_METADATA_DISABLED="true", XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home,
               AWS_REGION="us-east-1")
    return env


class Usage(unittest.TestCase):
    def check(self, args, needle):
        rc, out, err = run(args, env=bare_env())
        self.assertEqual(rc, 2, (args, err))
        self.assertIn(needle, err, args)
        self.assertTrue(err.startswith("orgtop: "), err)
        self.assertEqual(out, "")

    def test_bad_command_lines_exit_2_with_a_message(self):
        self.check(["--bogus"], "unknown option '--bogus'")
        self.check(["-x"], "unknown option '-x'")
        self.check(["--format", "json"], "--format goes with --once")
        self.check(["--once", "--format", "xml"], "'xml' is not one of table|json|csv")
        self.check(["--once", "--concurrency", "0"], "--concurrency")
        self.check(["--once", "--refresh", "soon"], "--refresh")
        self.check(["--once", "-r", "eu_west"], "eu_west")
        self.check(["--once", "--iam-policy"], "choose one of")
        self.check(["--iam-policy", "everyone"], "'everyone' is not one of")
        self.check(["--no-cache", "--cache-dir", "/tmp", "--once"], "exclude each other")
        self.check(["--call"], "--call needs a value")
        self.check(["--call", "sts"], "expected SERVICE OPERATION")
        self.check(["stray"], "unexpected argument 'stray'")

    def test_bad_config_file_names_file_and_line(self):
        env = bare_env()
        path = os.path.join(env["HOME"], "orgtop.conf")
        with open(path, "w") as f:
            f.write("# ok\nconcurrency = lots\n")
        rc, out, err = run(["--config", path, "--once"], env=env)
        self.assertEqual(rc, 2, err)
        self.assertIn(path + ":2", err)

    def test_help_and_version(self):
        rc, out, err = run(["--help"])
        self.assertEqual(rc, 0)
        self.assertIn("usage: orgtop", out)
        rc, out, err = run(["-V"])
        self.assertEqual(rc, 0)
        with open(os.path.join(L.ROOT, "VERSION")) as f:
            self.assertEqual(out.strip(), "orgtop " + f.read().strip())

    def test_not_a_terminal_without_once(self):
        rc, out, err = run([], env=bare_env())
        self.assertEqual(rc, 2)
        self.assertIn("--once", err)


class ManPage(unittest.TestCase):
    def test_help_and_man_page_list_the_same_options(self):
        rc, out, _ = run(["--help"])
        helped = set(re.findall(r"--([a-z][a-z-]+)", out))
        with open(os.path.join(L.ROOT, "orgtop.1"), encoding="utf-8") as f:
            man = f.read()
        section = man.split(".SH OPTIONS", 1)[1].split(".SH EXIT STATUS", 1)[0]
        documented = set(re.findall(r"\\-\\-([a-z][a-z\\-]+)", section))
        documented = {d.replace("\\-", "-") for d in documented}
        self.assertEqual(helped - documented, set(), "in --help, not in orgtop.1")
        self.assertEqual(documented - helped, set(), "in orgtop.1, not in --help")
        for short in ("p", "r", "v", "h", "V"):
            self.assertIn("-" + short + ",", out)
            self.assertIn(".BR \\-" + short + " ", section)


class Credentials(unittest.TestCase):
    def test_no_credentials_exit_3(self):
        rc, out, err = run(["--once"], env=bare_env())
        self.assertEqual(rc, 3, err)
        self.assertIn("no usable credentials", err)
        self.assertEqual(out, "")

    def test_refused_credentials_exit_3_without_the_secret(self):
        with L.Awsim("--accounts", "5") as sim:
            env = L.orgtop_env(sim, {"AWS_SECRET_ACCESS_KEY": "wrong-secret-DO-NOT-PRINT"})
            rc, out, err = run(["--once"], env=env)
        self.assertEqual(rc, 3, err)
        self.assertIn("SignatureDoesNotMatch", err)
        self.assertNotIn("wrong-secret-DO-NOT-PRINT", err + out)

    def test_expired_sso_session_is_said_once(self):
        env = bare_env()
        aws = os.path.join(env["HOME"], ".aws")
        os.makedirs(aws)
        cfg = os.path.join(aws, "config")
        with open(cfg, "w") as f:
            f.write("[profile corp]\nsso_session = corp\nsso_account_id = 111111111111\n"
                    "sso_role_name = ReadOnly\nregion = us-east-1\n"
                    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                    "sso_region = us-east-1\n")
        os.chmod(cfg, stat.S_IRUSR | stat.S_IWUSR)
        env["AWS_CONFIG_FILE"] = cfg
        rc, out, err = run(["-p", "corp", "--once"], env=env)
        self.assertEqual(rc, 3, err)
        self.assertEqual(err.count("aws sso login --profile corp"), 1, err)


    def test_open_credentials_file_is_warned_about_once(self):
        # Regression: the files were read twice (profile settings, then the
        # chain), so the permission warning came twice.
        env = bare_env()
        creds = os.path.join(env["HOME"], "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIASIMTEST000000001\n"
                    "aws_secret_access_key = not-a-real-secret\n")
        os.chmod(creds, 0o644)
        env["AWS_SHARED_CREDENTIALS_FILE"] = creds
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"
        rc, out, err = run(["--once", "--no-cache", "--region-deadline", "2"], env=env)
        self.assertEqual(err.count("permissions 0644 are too open"), 1, err)
        self.assertIn(creds, err)
        self.assertNotIn("not-a-real-secret", err + out)


class Call(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = L.Awsim("--scenario", L.scenario("allok.json")).start()
        cls.env = L.orgtop_env(cls.sim)

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_query_protocol_answer(self):
        rc, out, err = run(["--call", "sts", "GetCallerIdentity"], env=self.env)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["GetCallerIdentityResult"]["Account"], "123456789012")

    def test_json_protocol_with_input(self):
        rc, out, err = run(["--call", "organizations", "ListRoots", '{"MaxResults": 1}'],
                           env=self.env)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Roots"][0]["Id"], "r-ok01")

    def test_rest_json_in_a_chosen_region(self):
        rc, out, err = run(["--call", "guardduty", "ListDetectors", "-r", "eu-west-1"],
                           env=self.env)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(json.loads(out)["detectorIds"]), 1)

    def test_aws_error_exits_1_with_the_code(self):
        rc, out, err = run(["--call", "organizations", "ListAccountsForParent",
                            '{"ParentId": "ou-nope-12345678"}'], env=self.env)
        self.assertEqual(rc, 1)
        self.assertIn("ParentNotFoundException", err)

    def test_unknown_service_or_bad_json_exit_2(self):
        rc, _, err = run(["--call", "nosuch", "Op"], env=self.env)
        self.assertEqual(rc, 2)
        self.assertIn("unknown service", err)
        rc, _, err = run(["--call", "organizations", "ListRoots", "{not json"], env=self.env)
        self.assertEqual(rc, 2)


class ProfileSettings(unittest.TestCase):
    """What the AWS CLI reads from a profile, read the same way (issue 3): the
    endpoint (endpoint_url, a [services] section, the variables that beat
    them), max_attempts (AWS_MAX_ATTEMPTS beats it), and a CA bundle that
    cannot be read, said once before anything is sent."""

    @classmethod
    def setUpClass(cls):
        cls.sim = L.Awsim("--scenario", L.scenario("allok.json")).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def env(self, config, extra=None):
        home = tempfile.mkdtemp(prefix="orgtop-profile-")
        with open(os.path.join(home, "config"), "w") as f:
            f.write(config)
        with open(os.path.join(home, "credentials"), "w") as f:
            f.write("[p]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (
                self.sim.access_key, self.sim.secret_key))
        for name in ("config", "credentials"):
            os.chmod(os.path.join(home, name), 0o600)
        env = {k: v for k, v in bare_env().items()}
        env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"),
                   AWS_PROFILE="p")
        env.update(extra or {})
        return env

    def who(self, env):
        rc, out, err = run(["--call", "sts", "GetCallerIdentity"], env=env, timeout=60)
        return rc, out, err

    def test_endpoint_url_in_the_profile(self):
        rc, out, err = self.who(self.env("[profile p]\nregion = us-east-1\nendpoint_url = %s\n"
                                         % self.sim.endpoint))
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["GetCallerIdentityResult"]["Account"], "123456789012")

    def test_services_section_beats_the_profile_and_the_variable_beats_both(self):
        dead = "http://127.0.0.1:9"  # discard: nothing answers there
        cfg = ("[profile p]\nregion = us-east-1\nendpoint_url = %s\nservices = sim\n"
               "[services sim]\nsts =\n  endpoint_url = %s\n")
        rc, _, err = self.who(self.env(cfg % (dead, self.sim.endpoint)))
        self.assertEqual(rc, 0, err)
        rc, _, err = self.who(self.env(cfg % (dead, dead),
                                       {"AWS_ENDPOINT_URL_STS": self.sim.endpoint}))
        self.assertEqual(rc, 0, err)
        rc, _, err = self.who(self.env(cfg % (self.sim.endpoint, dead)))
        self.assertEqual(rc, 1, "the [services] entry must win over endpoint_url")

    def test_max_attempts_from_the_profile_and_the_variable(self):
        cfg = "[profile p]\nregion = us-east-1\nendpoint_url = %s\nmax_attempts = 2\n"
        self.sim.faults({"throttle": 1.0})
        try:
            for extra, want in ((None, 2), ({"AWS_MAX_ATTEMPTS": "4"}, 4)):
                self.sim.reset_stats()
                rc, _, err = run(["--call", "organizations", "ListRoots"],
                                 env=self.env(cfg % self.sim.endpoint, extra), timeout=60)
                self.assertEqual(rc, 1, err)
                self.assertEqual(self.sim.stats()["throttled"], want, extra)
        finally:
            self.sim.faults({"throttle": 0.0})

    def test_a_ca_bundle_that_cannot_be_read_is_said_before_anything_is_sent(self):
        cfg = "[profile p]\nregion = us-east-1\nendpoint_url = %s\nca_bundle = %s\n"
        self.sim.reset_stats()
        rc, out, err = self.who(self.env(cfg % (self.sim.endpoint, "/nonexistent/ca.pem")))
        self.assertEqual(rc, 2, err)
        self.assertIn("CA bundle /nonexistent/ca.pem: No such file or directory", err)
        rc, out, err = self.who(self.env("[profile p]\nregion = us-east-1\nendpoint_url = %s\n"
                                         % self.sim.endpoint,
                                         {"AWS_CA_BUNDLE": "/nonexistent/env.pem"}))
        self.assertEqual(rc, 2, err)
        self.assertIn("CA bundle /nonexistent/env.pem: No such file or directory", err)
        self.assertEqual(self.sim.stats()["requests"], 0)

    def test_mfa_code_is_asked_on_the_terminal(self):
        """An assume-role profile with mfa_serial: the code is asked on the
        terminal (/dev/tty, never stdin), once, before the first call; without a
        terminal the profile fails with a message and nothing is asked."""
        mfa = "arn:aws:iam::123456789012:mfa/awsim-admin"
        cfg = ("[profile base]\nregion = us-east-1\n"
               "[profile p]\nregion = us-east-1\nendpoint_url = %s\nsource_profile = base\n"
               "role_arn = arn:aws:iam::123456789013:role/OrganizationAccountAccessRole\n"
               "mfa_serial = %s\n" % (self.sim.endpoint, mfa))
        env = self.env(cfg)
        with open(env["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
            f.write("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (
                self.sim.access_key, self.sim.secret_key))
        self.sim.reset_stats()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(L.ORGTOP, [L.ORGTOP, "--call", "sts", "GetCallerIdentity"], env)
            finally:
                os._exit(127)
        seen, asked = b"", False
        deadline = time.time() + 60
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 1.0)
            if not r:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not asked and b"MFA code for " + mfa.encode() + b": " in seen:
                asked = True
                os.write(fd, b"123456\n")
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        text = seen.decode("utf-8", "replace")
        self.assertTrue(asked, text)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, text)
        self.assertEqual(text.count("MFA code for"), 1, text)
        self.assertIn("arn:aws:sts::123456789013:assumed-role/OrganizationAccountAccessRole/", text)
        self.assertEqual(self.sim.stats()["by_operation"].get("sts:AssumeRole"), 1)
        # no terminal: said, not asked
        p = subprocess.run([L.ORGTOP, "--call", "sts", "GetCallerIdentity"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60, start_new_session=True)
        err = p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("needs an MFA code", err)
        self.assertNotIn(mfa + ": ", err)  # the prompt


OPS_DUMP = r"""
#include <stdio.h>
#include "core/services/ops.h"
int main(void) {
	for (size_t i = 0; i < ops_count(); i++) {
		const struct ops_op *o = ops_get((enum ops_id)i);
		if (o != NULL && o->iam_action != NULL)
			printf("%s %u %d\n", o->iam_action, o->policy, ops_is_read(o));
	}
	return 0;
}
"""


class CacheAndProgress(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scn = L.scenario("states.json")
        cls.sim = L.Awsim("--scenario", cls.scn).start()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_cache_written_private_and_loaded_by_the_next_run(self):
        env = L.orgtop_env(self.sim)
        rc1, out1, err1 = L.run_once(self.sim, env=env)
        self.assertEqual(rc1, 1, err1)
        cdir = os.path.join(env["XDG_CACHE_HOME"], "orgtop")
        files = [f for f in os.listdir(cdir) if f.endswith(".cache")]
        self.assertEqual(len(files), 1, os.listdir(cdir))
        self.assertEqual(stat.S_IMODE(os.stat(cdir).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(cdir, files[0])).st_mode), 0o600)
        with open(os.path.join(cdir, files[0]), "rb") as f:
            cached = f.read()
        self.assertNotIn(self.sim.secret_key.encode(), cached)
        # The second run starts from the cache and still ends with fresh values.
        rc2, out2, err2 = L.run_once(self.sim, env=env)
        self.assertEqual(rc2, 1, err2)
        diffs = L.compare(json.loads(out2), L.dump_truth("--scenario", self.scn))
        self.assertEqual(diffs, [], "\n".join(diffs[:20]))
        self.assertEqual(L.states(json.loads(out2)).get("stale", 0), 0)

    def test_no_cache_writes_nothing(self):
        env = L.orgtop_env(self.sim)
        rc, out, err = L.run_once(self.sim, "--no-cache", env=env)
        self.assertEqual(rc, 1, err)
        self.assertFalse(os.path.exists(os.path.join(env["XDG_CACHE_HOME"], "orgtop")))

    def test_progress_goes_to_stderr_only_on_a_terminal(self):
        env = L.orgtop_env(self.sim)
        master, slave = pty.openpty()
        # A run long enough for the progress line (every 250 ms) to be drawn.
        self.sim.faults({"latency_ms": 100})
        self.addCleanup(self.sim.faults, {"latency_ms": 0})
        p = subprocess.Popen([L.ORGTOP, "--once", "--format", "json", "--no-cache"], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        deadline = time.time() + 120
        while time.time() < deadline:
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif p.poll() is not None:
                break
        out = p.stdout.read()
        p.wait()
        os.close(master)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"done, ", seen)
        self.assertIn(b"\r\x1b[K", seen)  # the line is redrawn, then cleared
        self.assertNotIn(b"done, ", out)
        json.loads(out)


def ops_table_actions():
    """Every IAM action of the ops table (core/services/ops.h), by policy, read from the
    table itself: a small program linked with the build's libcore.a prints it."""
    tmp = tempfile.mkdtemp(prefix="orgtop-ops-")
    src, exe = os.path.join(tmp, "ops.c"), os.path.join(tmp, "ops")
    with open(src, "w") as f:
        f.write(OPS_DUMP)
    libs = subprocess.run(["pkg-config", "--libs", "libcjson", "libcrypto"], check=True,
                          stdout=subprocess.PIPE).stdout.decode().split()
    flags = ["-fsanitize=address,undefined"] if L.SANITIZER else []
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-I", L.ROOT] + flags +
                   [src, os.path.join(L.BUILD, "libcore.a")] + libs + ["-lm", "-o", exe],
                   check=True)
    caller, member, reads = set(), set(), set()
    for line in subprocess.run([exe], check=True, stdout=subprocess.PIPE).stdout.decode().split("\n"):
        if not line:
            continue
        action, policy, read = line.split()
        if int(policy) & 1:
            caller.add(action)
        if int(policy) & 2:
            member.add(action)
        if read == "1":
            reads.add(action)
    return caller, member, reads


class IamPolicy(unittest.TestCase):
    @staticmethod
    def actions(policy):
        out = set()
        for st in policy["Statement"]:
            acts = st["Action"]
            out.update([acts] if isinstance(acts, str) else acts)
        return out

    def test_both_policies_hold_exactly_the_ops_tables_actions(self):
        rc, out, err = run(["--iam-policy"])
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        caller, member, reads = ops_table_actions()
        self.assertGreater(len(caller), 20)
        self.assertEqual(reads, caller | member)
        self.assertEqual(self.actions(doc["caller"]), caller | {"sts:AssumeRole"})
        self.assertEqual(self.actions(doc["member"]), member)
        for a in self.actions(doc["caller"]) | self.actions(doc["member"]):
            self.assertRegex(a.split(":")[1], r"^(List|Describe|Get|View|AssumeRole$)", a)

    def test_the_readme_shows_what_the_binary_prints(self):
        """README's two policies are the output of --iam-policy caller and member, byte
        for byte: a README that lagged behind the ops table once left out three
        Identity Center actions, and a policy copied from it was too narrow."""
        with open(os.path.join(L.ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        start = readme.index("## The minimal IAM policy")
        section = readme[start:readme.index("\n## ", start + 5)]
        blocks = re.findall(r"```\n(.*?)```\n", section, re.S)
        self.assertEqual(len(blocks), 2)
        for block, who in zip(blocks, ("caller", "member")):
            rc, out, err = run(["--iam-policy", who])
            self.assertEqual(rc, 0, err)
            self.assertEqual(block, out, "README's %s policy is not orgtop --iam-policy %s"
                             % (who, who))

    def test_caller_policy_limits_assume_role_to_the_role(self):
        rc, out, err = run(["--iam-policy", "caller", "--role-name", "audit/OrgtopAudit"])
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        assume = [s for s in doc["Statement"] if s["Action"] == "sts:AssumeRole"]
        self.assertEqual(len(assume), 1)
        self.assertEqual(assume[0]["Resource"], "arn:aws:iam::*:role/audit/OrgtopAudit")

    def test_member_policy_alone(self):
        rc, out, err = run(["--iam-policy", "member"])
        self.assertEqual(rc, 0, err)
        self.assertNotIn("sts:AssumeRole", self.actions(json.loads(out)))

    def test_bad_role_name_exit_2(self):
        rc, out, err = run(["--iam-policy", "caller", "--role-name", "bad role!"])
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")


if __name__ == "__main__":
    taptest.main()
