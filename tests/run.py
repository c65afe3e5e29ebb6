#!/usr/bin/env python3
"""orgtop's test runner.

Runs every test program, two at a time, and counts TAP results:
  - cmocka suites: build/bin/test_* (run with CMOCKA_MESSAGE_OUTPUT=TAP)
  - scripts: tests/{awsim,e2e,conformance,unit,bench}/test_*.py and test_*.sh, which print TAP
    ("ok N - name" / "not ok N - name"); see tests/lib/taptest.py.
A program that exits non-zero without reporting a failure, that prints no
result at all, or that overruns its timeout counts as one failure.
The last line is always "N passed, N failed". Logs go to BUILD/test-logs/.
"""
import argparse
import concurrent.futures as cf
import glob
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAP_OK = re.compile(r"^ok \d+")
TAP_NOT_OK = re.compile(r"^not ok \d+")
TAP_SKIP = re.compile(r"#\s*SKIP", re.I)


def discover(build, only):
    progs = sorted(glob.glob(os.path.join(ROOT, build, "bin", "test_*")))
    for d in ("awsim", "e2e", "conformance", "unit", "bench"):
        for ext in ("py", "sh"):
            progs += sorted(glob.glob(os.path.join(ROOT, "tests", d, "test_*." + ext)))
    progs = [p for p in progs if os.access(p, os.X_OK) or p.endswith(".py")]
    if only:
        progs = [p for p in progs if any(o in os.path.basename(p) for o in only)]
    return progs


def timeout_for(prog):
    # A script may declare its own budget with a line "# timeout: SECONDS".
    if prog.endswith((".py", ".sh")):
        with open(prog, encoding="utf-8", errors="replace") as f:
            for line in f.read(4096).splitlines():
                m = re.match(r"#\s*timeout:\s*(\d+)", line)
                if m:
                    return int(m.group(1))
    return 180


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_one(prog, build, logdir, sanitizer):
    env = dict(os.environ)
    env["CMOCKA_MESSAGE_OUTPUT"] = "TAP"
    env["ORGTOP_BUILD"] = os.path.join(ROOT, build)
    env["ORGTOP_ROOT"] = ROOT
    if sanitizer:
        env["ORGTOP_SANITIZER"] = "1"
    cmd = [prog]
    if prog.endswith(".py"):
        cmd = [sys.executable, prog]
    elif prog.endswith(".sh"):
        cmd = ["bash", prog]
    name = os.path.relpath(prog, ROOT)
    log = os.path.join(logdir, name.replace("/", "_") + ".log")
    t0 = time.time()
    limit = timeout_for(prog)
    # Each test in its own process group, so whatever it started (awsim,
    # orgtop, tmux clients) is killed with it, even after a timeout.
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        raw, _ = p.communicate(timeout=limit)
        out, rc = raw.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        kill_group(p.pid)
        raw, _ = p.communicate()
        out = raw.decode("utf-8", "replace") + "\n# runner: timed out after %d s\n" % limit
        rc = -999
    kill_group(p.pid)
    dt = time.time() - t0
    with open(log, "w", encoding="utf-8") as f:
        f.write(out)
    passed = failed = skipped = 0
    failures = []
    for line in out.splitlines():
        if TAP_OK.match(line):
            if TAP_SKIP.search(line):
                skipped += 1
            else:
                passed += 1
        elif TAP_NOT_OK.match(line):
            if TAP_SKIP.search(line):  # cmocka writes a skipped test as "not ok N # SKIP"
                skipped += 1
            else:
                failed += 1
                failures.append(line)
    if rc != 0 and failed == 0:
        failed = 1
        failures.append("exit status %d (see %s)" % (rc, os.path.relpath(log, ROOT)))
    if passed == 0 and failed == 0 and skipped == 0:
        failed = 1
        failures.append("no test results printed (see %s)" % os.path.relpath(log, ROOT))
    return name, passed, failed, skipped, failures, dt, log


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--sanitizer", action="store_true")
    ap.add_argument("only", nargs="*", help="run only programs whose name contains one of these")
    a = ap.parse_args()
    logdir = os.path.join(ROOT, a.build, "test-logs")
    os.makedirs(logdir, exist_ok=True)
    progs = discover(a.build, a.only)
    total_p = total_f = total_s = 0
    t0 = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, a.j)) as ex:
        futs = [ex.submit(run_one, p, a.build, logdir, a.sanitizer) for p in progs]
        for fut in cf.as_completed(futs):
            name, p, f, s, failures, dt, log = fut.result()
            total_p += p
            total_f += f
            total_s += s
            mark = "FAIL" if f else "ok  "
            extra = " (%d skipped)" % s if s else ""
            print("%s %-48s %4d passed %3d failed%s  %5.1fs" % (mark, name, p, f, extra, dt),
                  flush=True)
            for line in failures[:20]:
                print("       " + line)
            if f:
                with open(log, encoding="utf-8", errors="replace") as fh:
                    tail = fh.read().splitlines()[-15:]
                for line in tail:
                    print("     | " + line)
    print("# %d programs in %.0f s%s" % (len(progs), time.time() - t0,
          ", %d skipped" % total_s if total_s else ""))
    print("%d passed, %d failed" % (total_p, total_f))
    return 1 if total_f or not progs else 0


if __name__ == "__main__":
    sys.exit(main())
