"""Shared pieces of the reliability tests (tests/e2e/test_rel_*.py, issue 7).

    import rel_lib as R
    res = R.run(["--once", "--format", "json"], env=R.env(sim), nofile=256)
    res.rc, res.out, res.err, res.wall, res.maxrss_mb

run() starts the real binary through build/bench/bench_rusage, which forks
it from a small process and reports its wait4() figures: its own peak RSS,
not awsim's and not Python's (a child forked from this harness would start
with the harness's pages mapped, and Linux keeps that peak across exec(), so
the storm test, holding a 1,000-account truth, measured 142 MB for an
orgtop of 20 MB). It can lower orgtop's RLIMIT_NOFILE before exec.
sanitizer_report() finds an ASan/UBSan/LSan report in stderr. Everything
else comes from test_once_lib (compare, states, dump_truth, scenario) and
test_tui_grid (Tmux, Grid).
"""
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import test_once_lib as L  # noqa: E402
from test_once_lib import (ORGTOP, AWSIM, ROOT, BUILD, SANITIZER, Awsim, compare,  # noqa: E402,F401
                           states, dump_truth, scenario, orgtop_env)

SAN_REPORT = re.compile(r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                        r"ERROR: UndefinedBehaviorSanitizer)")


class Result:
    def __init__(self, rc, out, err, wall, maxrss_kb):
        self.rc, self.out, self.err, self.wall = rc, out, err, wall
        self.maxrss_mb = maxrss_kb / 1024.0

    def doc(self):
        return json.loads(self.out)


def env(sim, extra=None):
    """A clean environment for orgtop against sim (no ~/.aws, private XDG dirs)."""
    return orgtop_env(sim, extra)


RUSAGE = os.path.join(BUILD, "bench", "bench_rusage")


def run(args, env=None, timeout=300, nofile=None, stdin=None):
    """Runs orgtop with args; returns a Result. The process is killed (and the
    test fails with TimeoutError) when it overruns timeout seconds."""
    def limit():
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    fd, figures = tempfile.mkstemp(prefix="rusage-", suffix=".json")
    os.close(fd)
    t0 = time.time()
    p = subprocess.Popen([RUSAGE, figures, "--", ORGTOP] + list(args), env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=stdin if stdin is not None else subprocess.DEVNULL,
                         preexec_fn=limit if nofile is not None else None,
                         start_new_session=True)
    out, err = [], []
    streams = {p.stdout.fileno(): out, p.stderr.fileno(): err}
    fds = list(streams)
    try:
        while fds:
            left = t0 + timeout - time.time()
            if left <= 0:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                raise TimeoutError("orgtop %s: no exit within %d s; stderr: %s" % (
                    " ".join(args), timeout, b"".join(err)[-2000:].decode("utf-8", "replace")))
            ready, _, _ = select.select(fds, [], [], min(left, 1.0))
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    streams[fd].append(chunk)
                else:
                    fds.remove(fd)
        p.wait()
        p.stdout.close()
        p.stderr.close()
        with open(figures) as fh:
            ru = json.load(fh)
    finally:
        os.unlink(figures)
    rc = ru["exit"] if ru["signal"] == 0 else -ru["signal"]
    return Result(rc, b"".join(out).decode("utf-8", "replace"),
                  b"".join(err).decode("utf-8", "replace"), time.time() - t0, ru["maxrss_kb"])


def sanitizer_report(text):
    m = SAN_REPORT.search(text)
    return None if m is None else text[max(0, m.start() - 200):m.start() + 3000]


def final_states(doc):
    """The set of states in a document that are not final (should be empty)."""
    return {s for s in states(doc) if s in ("loading", "throttled", None)}


def cells(doc):
    """(account id, region, part, item) for every config and guardduty item."""
    for a in doc.get("accounts", []):
        for r, cell in (a.get("cells") or {}).items():
            for part in ("config", "guardduty"):
                yield a["id"], r, part, cell.get(part) or {}


def wait_for(pred, timeout=10, step=0.05, what="a condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out waiting for %s" % what)


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def tmpdir(prefix="orgtop-rel-"):
    return tempfile.mkdtemp(prefix=prefix)


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
