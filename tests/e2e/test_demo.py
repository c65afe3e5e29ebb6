#!/usr/bin/env python3
# timeout: 180
"""`make demo`'s script (scripts/demo.sh) in a real terminal: it starts awsim,
writes its throwaway profile, runs the dashboard on the sample organization
and stops awsim when orgtop exits.

The shell it is started from may carry AWS settings of its own (another
awsim's AWS_ENDPOINT_URL, keys, a profile): they must not reach the demo,
whose profile they would outrank. Once they did, and the demo showed
"credentials refused" everywhere.
"""
import json
import os
import subprocess
import time
import unittest

import test_once_lib as L
import taptest
from test_tui_grid import Tmux

ORG = ["--accounts", "30", "--seed", "7"]


def awsims():
    """The demo's awsim processes (its organization's arguments are unusual enough)."""
    p = subprocess.run(["pgrep", "-f", "awsim --listen 127.0.0.1:0 --accounts 30 --seed 7"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return p.stdout.split()


class Demo(unittest.TestCase):
    def test_the_demo_runs_on_the_sample_organization_whatever_the_shell_has(self):
        truth = json.loads(subprocess.run([L.AWSIM, "--dump-truth"] + ORG,
                                          stdout=subprocess.PIPE, check=True).stdout)
        names = [a["name"] for a in truth["accounts"] if a["status"] == "ACTIVE"]
        t = Tmux(200, 60).start(
            ["sh", os.path.join(L.ROOT, "scripts", "demo.sh"), os.path.relpath(L.BUILD, L.ROOT)],
            env={"DEMO_ACCOUNTS": "30", "DEMO_LATENCY": "0", "DEMO_TICK": "60",
                 "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "AKIAWRONG",
                 "AWS_SECRET_ACCESS_KEY": "wrong", "AWS_PROFILE": "someone-elses",
                 "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"})
        try:
            s = t.wait(lambda s: sum(n in s for n in names[:10]) >= 3, timeout=60,
                       what="the sample organization's accounts")
            org = truth["organization"]["id"]
            s = t.wait(lambda s: org in s.split("\n")[0] and "awsim-admin" in s.split("\n")[0],
                       timeout=30, what="the header: the demo's organization and caller")
            self.assertIn("orgtop-demo", s.split("\n")[0])
            self.assertNotIn("refused", s)
            self.assertNotIn("InvalidClientTokenId", s)
            self.assertNotIn("(org ?)", s)
            self.assertTrue(awsims(), "the demo's awsim is running")
            t.keys("q")
            t.wait("EXIT=0", timeout=20, what="orgtop and the script ending")
            for _ in range(50):
                if not awsims():
                    break
                time.sleep(0.1)
            self.assertEqual(awsims(), [], "awsim stopped with the demo")
        finally:
            t.tmux("kill-server", check=False)


if __name__ == "__main__":
    taptest.main()
